/* rs_time: parsing and printing of simulated durations. */
#include "rs_time.h"

#include <stdio.h>
#include <string.h>

/* The units a duration may use, largest first (the order parts must follow). */
static const struct {
  const char *name;
  rs_time_t scale;
} units[] = {
    {"d", RS_DAY}, {"h", RS_HOUR}, {"ms", RS_MSEC}, {"m", RS_MIN},
    {"s", RS_SEC}, {"us", RS_USEC},
};

/* Rank of a unit in decreasing size (ms is smaller than m, listed first only
 * so that "ms" is matched before "m"). */
static int unit_rank(rs_time_t scale) {
  switch (scale) {
  case RS_DAY: return 0;
  case RS_HOUR: return 1;
  case RS_MIN: return 2;
  case RS_SEC: return 3;
  case RS_MSEC: return 4;
  default: return 5;
  }
}

int rs_duration_parse(const char *s, size_t len, rs_time_t *out, size_t *err_off) {
  size_t i = 0;
  rs_time_t total = 0;
  int last_rank = -1;
  if (len == 0) {
    if (err_off) *err_off = 0;
    return -1;
  }
  while (i < len) {
    size_t start = i;
    rs_time_t n = 0;
    if (s[i] < '0' || s[i] > '9') goto fail;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
      int d = s[i] - '0';
      if (n > (RS_TIME_MAX - d) / 10) { i = start; goto too_long; }
      n = n * 10 + d;
      i++;
    }
    size_t k, nunits = sizeof units / sizeof units[0];
    for (k = 0; k < nunits; k++) {
      size_t ul = strlen(units[k].name);
      if (i + ul <= len && memcmp(s + i, units[k].name, ul) == 0 &&
          !(i + ul < len && s[i + ul] >= 'a' && s[i + ul] <= 'z'))
        break;
    }
    if (k == nunits) goto fail;
    int rank = unit_rank(units[k].scale);
    if (rank <= last_rank) goto fail;
    last_rank = rank;
    if (n > RS_TIME_MAX / units[k].scale) { i = start; goto too_long; }
    rs_time_t part = n * units[k].scale;
    if (total > RS_TIME_MAX - part) { i = start; goto too_long; }
    total += part;
    i += strlen(units[k].name);
  }
  *out = total;
  return 0;
fail:
  if (err_off) *err_off = i;
  return -1;
too_long:
  if (err_off) *err_off = i;
  return RS_DURATION_TOO_LONG;
}

/* t's parts, largest first, down to the unit of scale `down_to`. */
static char *format_parts(rs_time_t t, rs_time_t down_to, char *buf, size_t n) {
  static const struct { const char *name; rs_time_t scale; } parts[] = {
      {"d", RS_DAY}, {"h", RS_HOUR}, {"m", RS_MIN}, {"s", RS_SEC}, {"ms", RS_MSEC}, {"us", RS_USEC}};
  size_t used = 0;
  const char *sign = "";
  if (n == 0) return buf;
  buf[0] = '\0';
  /* Work on the magnitude as unsigned so INT64_MIN is exact; truncate it to
   * the smallest unit shown. */
  uint64_t u = (uint64_t)t;
  if (t < 0) {
    sign = "-";
    u = 0 - u;
  }
  u -= u % (uint64_t)down_to;
  if (u == 0) {
    snprintf(buf, n, "0s");
    return buf;
  }
  used = (size_t)snprintf(buf, n, "%s", sign);
  for (size_t k = 0; k < sizeof parts / sizeof parts[0] && u > 0; k++) {
    uint64_t q = u / (uint64_t)parts[k].scale;
    if (q == 0) continue;
    u -= q * (uint64_t)parts[k].scale;
    if (used < n) used += (size_t)snprintf(buf + used, n - used, "%llu%s", (unsigned long long)q, parts[k].name);
  }
  return buf;
}

/* Whether |t| is below a second. */
static int under_a_second(rs_time_t t) { return t > -RS_SEC && t < RS_SEC; }

char *rs_duration_format(rs_time_t t, char *buf, size_t n) {
  return format_parts(t, under_a_second(t) ? RS_USEC : RS_SEC, buf, n);
}

char *rs_duration_format_exact(rs_time_t t, char *buf, size_t n) { return format_parts(t, RS_USEC, buf, n); }

char *rs_clock_format(rs_time_t t, char *buf, size_t n) {
  const char *sign = t < 0 ? "-" : "";
  uint64_t u = (uint64_t)t;
  if (t < 0) u = 0 - u;
  unsigned long long h = (unsigned long long)(u / (uint64_t)RS_HOUR);
  int m = (int)((u / (uint64_t)RS_MIN) % 60);
  int sec = (int)((u / (uint64_t)RS_SEC) % 60);
  int us = under_a_second(t) ? (int)u : 0; /* a fraction only below a second */
  if (us % 1000)
    snprintf(buf, n, "%s%02llu:%02d:%02d.%06d", sign, h, m, sec, us);
  else if (us)
    snprintf(buf, n, "%s%02llu:%02d:%02d.%03d", sign, h, m, sec, us / 1000);
  else
    snprintf(buf, n, "%s%02llu:%02d:%02d", sign, h, m, sec);
  return buf;
}
