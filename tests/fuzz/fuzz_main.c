/*
 * A deterministic driver for the fuzz targets, for the test suite (the
 * same targets run under libFuzzer for long campaigns: tools/fuzz.sh).
 *
 *   fuzz_TARGET [--runs N] [--seed S] [--dict FILE] CORPUS_DIR...
 *
 * Runs the target on every file of the corpus directories, then N inputs
 * made from them by mutations drawn from seed S (xorshift64*, the same
 * everywhere): bit flips, interesting bytes, insertions, deletions,
 * duplicated runs, splices of two inputs and dictionary tokens. A crash or
 * a sanitizer report ends the process; otherwise it prints what it ran and
 * exits 0.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

typedef struct {
  uint8_t *data;
  size_t size;
} blob;

typedef struct {
  blob *v;
  size_t n, cap;
} blobs;

static void push(blobs *b, uint8_t *data, size_t size) {
  if (b->n == b->cap) {
    b->cap = b->cap ? 2 * b->cap : 64;
    b->v = realloc(b->v, b->cap * sizeof *b->v);
    if (!b->v) {
      fprintf(stderr, "fuzz: out of memory\n");
      exit(2);
    }
  }
  b->v[b->n++] = (blob){data, size};
}

static uint8_t *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *nb = realloc(buf, cap *= 2);
      if (!nb) free(buf);
      buf = nb;
    }
  }
  fclose(f);
  *size = n;
  return buf;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file of dir, in name order (so runs repeat). */
static void load_dir(blobs *out, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "fuzz: cannot open corpus %s\n", dir);
    exit(2);
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) names = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    snprintf(names[n++], len, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    size_t size;
    uint8_t *data = slurp(names[i], &size);
    if (data) push(out, data, size);
    free(names[i]);
  }
  free(names);
}

/* libFuzzer's dictionary format: one "token" a line (escapes \\, \", \xHH). */
static void load_dict(blobs *out, const char *path) {
  size_t size;
  uint8_t *text = slurp(path, &size);
  if (!text) {
    fprintf(stderr, "fuzz: cannot read dictionary %s\n", path);
    exit(2);
  }
  for (size_t i = 0; i < size;) {
    size_t e = i;
    while (e < size && text[e] != '\n') e++;
    uint8_t *q = memchr(text + i, '"', e - i);
    if (q && text[i] != '#') {
      uint8_t *tok = malloc(e - i + 1);
      size_t n = 0;
      for (uint8_t *p = q + 1; p < text + e && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < text + e) {
          p++;
          if (*p == 'x' && p + 2 < text + e) {
            unsigned v;
            if (sscanf((const char *)p + 1, "%2x", &v) == 1) tok[n++] = (uint8_t)v;
            p += 2;
            continue;
          }
        }
        tok[n++] = *p;
      }
      push(out, tok, n);
    }
    i = e + 1;
  }
  free(text);
}

static uint64_t rnd(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Du;
}

static size_t below(uint64_t *s, size_t n) { return n ? (size_t)(rnd(s) >> 11) % n : 0; }

/* One mutation of buf (size *n, room cap). */
static void mutate(uint64_t *s, uint8_t *buf, size_t *n, size_t cap, const blobs *corpus, const blobs *dict) {
  static const uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, '\n', ':', '-', '[', ']', '{', '}', ',', '"',
                                        '\'', '&', '*', '!', '#', '%', '9', ' ', '.', '\t', '\r'};
  size_t len = *n;
  switch (below(s, 8)) {
  case 0: /* flip a bit */
    if (len) buf[below(s, len)] ^= (uint8_t)(1u << below(s, 8));
    break;
  case 1: /* an interesting byte */
    if (len) buf[below(s, len)] = interesting[below(s, sizeof interesting)];
    break;
  case 2: { /* delete a run */
    if (!len) break;
    size_t at = below(s, len), k = 1 + below(s, len - at < 16 ? len - at : 16);
    memmove(buf + at, buf + at + k, len - at - k);
    *n = len - k;
    break;
  }
  case 3: { /* insert a random byte run */
    size_t k = 1 + below(s, 8), at = below(s, len + 1);
    if (len + k > cap) break;
    memmove(buf + at + k, buf + at, len - at);
    for (size_t i = 0; i < k; i++) buf[at + i] = (uint8_t)rnd(s);
    *n = len + k;
    break;
  }
  case 4: { /* duplicate a run */
    if (!len) break;
    uint8_t run[64];
    size_t from = below(s, len), k = 1 + below(s, len - from < sizeof run ? len - from : sizeof run);
    size_t at = below(s, len + 1);
    if (len + k > cap) break;
    memcpy(run, buf + from, k);
    memmove(buf + at + k, buf + at, len - at);
    memcpy(buf + at, run, k);
    *n = len + k;
    break;
  }
  case 5: { /* splice in part of another input */
    const blob *o = &corpus->v[below(s, corpus->n)];
    if (!o->size) break;
    size_t from = below(s, o->size), k = 1 + below(s, o->size - from), at = below(s, len + 1);
    if (len + k > cap) break;
    memmove(buf + at + k, buf + at, len - at);
    memcpy(buf + at, o->data + from, k);
    *n = len + k;
    break;
  }
  default: { /* a dictionary token, inserted or written over */
    if (!dict->n) break;
    const blob *t = &dict->v[below(s, dict->n)];
    size_t at = below(s, len + 1);
    if (below(s, 2) && at + t->size <= len) {
      memcpy(buf + at, t->data, t->size);
    } else if (len + t->size <= cap) {
      memmove(buf + at + t->size, buf + at, len - at);
      memcpy(buf + at, t->data, t->size);
      *n = len + t->size;
    }
  }
  }
}

int main(int argc, char **argv) {
  long long runs = 10000;
  uint64_t seed = 1;
  blobs corpus = {0}, dict = {0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = atoll(argv[++i]);
    } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = strtoull(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--dict") == 0 && i + 1 < argc) {
      load_dict(&dict, argv[++i]);
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: %s [--runs N] [--seed S] [--dict FILE] CORPUS_DIR...\n", argv[0]);
      return 2;
    } else {
      load_dir(&corpus, argv[i]);
    }
  }
  if (!corpus.n) {
    fprintf(stderr, "fuzz: the corpus is empty\n");
    return 2;
  }
  clock_t t0 = clock();
  for (size_t i = 0; i < corpus.n; i++) LLVMFuzzerTestOneInput(corpus.v[i].data, corpus.v[i].size);
  size_t cap = 1 << 16;
  for (size_t i = 0; i < corpus.n; i++)
    if (corpus.v[i].size + 4096 > cap) cap = corpus.v[i].size + 4096;
  uint8_t *buf = malloc(cap);
  uint64_t s = seed * 0x9E3779B97F4A7C15u + 1;
  for (long long r = 0; r < runs; r++) {
    const blob *b = &corpus.v[below(&s, corpus.n)];
    size_t n = b->size < cap ? b->size : cap;
    memcpy(buf, b->data, n);
    for (size_t m = 1 + below(&s, 6); m > 0; m--) mutate(&s, buf, &n, cap, &corpus, &dict);
    /* The target gets a buffer of exactly n bytes, so reading past the
     * input is caught by the sanitizers. */
    uint8_t *exact = malloc(n ? n : 1);
    memcpy(exact, buf, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
  }
  printf("%zu corpus inputs and %lld mutations (seed %llu) in %.2f s: no crash\n", corpus.n, runs,
         (unsigned long long)seed, (double)(clock() - t0) / CLOCKS_PER_SEC);
  for (size_t i = 0; i < corpus.n; i++) free(corpus.v[i].data);
  for (size_t i = 0; i < dict.n; i++) free(dict.v[i].data);
  free(corpus.v);
  free(dict.v);
  free(buf);
  return 0;
}
