/* rs_hist: the log-linear histogram of rs_hist.h. */
#include "rs_hist.h"

#include <string.h>

void rs_hist_clear(rs_hist *h) { memset(h, 0, sizeof *h); }

static int bucket(uint64_t v) {
  if (v < 64) return (int)v;
  int e = 63 - __builtin_clzll(v); /* 6 .. 63 */
  int sub = (int)((v >> (e - 5)) & 31);
  int b = 64 + (e - 6) * 32 + sub;
  return b < RS_HIST_BUCKETS ? b : RS_HIST_BUCKETS - 1;
}

/* The largest value that falls in bucket b. */
static int64_t upper(int b) {
  if (b < 64) return b;
  int e = (b - 64) / 32 + 6, sub = (b - 64) % 32;
  uint64_t lo = ((uint64_t)(32 + sub)) << (e - 5);
  uint64_t width = (uint64_t)1 << (e - 5);
  uint64_t hi = lo + width - 1;
  return hi > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)hi;
}

void rs_hist_add(rs_hist *h, int64_t v, int64_t w) {
  if (w <= 0) return;
  if (v < 0) v = 0;
  h->w[bucket((uint64_t)v)] += w;
  h->total += w;
  if (v > h->max) h->max = v;
}

int64_t rs_hist_quantile(const rs_hist *h, double q) {
  if (h->total <= 0) return -1;
  if (q < 0) q = 0;
  if (q > 1) q = 1;
  /* The smallest bucket whose cumulative weight reaches q of the total. */
  double want = q * (double)h->total;
  int64_t cum = 0;
  for (int b = 0; b < RS_HIST_BUCKETS; b++) {
    cum += h->w[b];
    if (h->w[b] && (double)cum >= want) {
      int64_t u = upper(b);
      return u < h->max ? u : h->max;
    }
  }
  return h->max;
}

void rs_hist_merge(rs_hist *dst, const rs_hist *src) {
  for (int b = 0; b < RS_HIST_BUCKETS; b++) dst->w[b] += src->w[b];
  dst->total += src->total;
  if (src->max > dst->max) dst->max = src->max;
}
