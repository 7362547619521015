/*
 * rs_hist: a weighted histogram of non-negative values (durations in
 * microseconds, say) in log-linear buckets: exact below 64, then 32 buckets
 * per power of two, so a percentile read from it is within about 3 % of the
 * true value. Fixed size, no allocation.
 */
#ifndef RS_HIST_H
#define RS_HIST_H

#include <stdint.h>

#define RS_HIST_BUCKETS (64 + 32 * 58)

typedef struct {
  int64_t w[RS_HIST_BUCKETS];
  int64_t total;   /* sum of weights */
  int64_t max;     /* largest value added */
} rs_hist;

void rs_hist_clear(rs_hist *h);

/* Add value v (>= 0; negative counts as 0) with weight w (> 0). */
void rs_hist_add(rs_hist *h, int64_t v, int64_t w);

/* The value below which a share q (0..1) of the weight lies: the upper bound
 * of the bucket where the cumulative weight reaches q, never above the
 * largest value added. -1 when the histogram is empty. */
int64_t rs_hist_quantile(const rs_hist *h, double q);

/* Add every weight of src to dst. */
void rs_hist_merge(rs_hist *dst, const rs_hist *src);

#endif
