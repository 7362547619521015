/*
 * What the benchmarks that time whole romsim commands share: the wall
 * clock, and reading the JSON summary a run printed into a file.
 */
#ifndef ROMSIM_BENCH_UTIL_H
#define ROMSIM_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The file at path into buf (n bytes at most, NUL-terminated; empty when
 * it cannot be read). */
static inline void bench_slurp(const char *path, char *buf, size_t n) {
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t got = fread(buf, 1, n - 1, f);
  buf[got] = '\0';
  fclose(f);
}

/* The number after "key": in a JSON text, or -1. */
static inline double bench_json_num(const char *text, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(text, pat);
  return p ? strtod(p + strlen(pat), NULL) : -1;
}

#endif
