/*
 * Tests for rs_rng: the stream is pinned against an independent
 * implementation of splitmix64 and xoshiro256** written from the published
 * reference code (Vigna, prng.di.unimi.it) and the seeding rule of
 * rs_rng.h; the draws are checked statistically.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rs_rng.h"

/* ---- reference: splitmix64.c and xoshiro256starstar.c ------------------ */

static uint64_t ref_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

static uint64_t ref_rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t ref_next(uint64_t s[4]) {
  const uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ref_rotl(s[3], 45);
  return result;
}

/* rs_rng.h: a splitmix64 generator started at mix(seed) ^ mix(stream +
 * golden ratio) gives the four state words, where mix(v) is the first output
 * of splitmix64 started at v. */
static uint64_t ref_mix(uint64_t v) { return ref_splitmix64(&v); }

static void ref_init(uint64_t s[4], uint64_t seed, uint64_t stream) {
  uint64_t x = ref_mix(seed) ^ ref_mix(stream + 0x9e3779b97f4a7c15);
  for (int i = 0; i < 4; i++) s[i] = ref_splitmix64(&x);
}

/* The reference itself reproduces the published outputs. */
Test(rng, reference_matches_published_vectors) {
  /* splitmix64 seeded with 0 */
  uint64_t x = 0;
  cr_assert_eq(ref_splitmix64(&x), 0xe220a8397b1dcdafull);
  cr_assert_eq(ref_splitmix64(&x), 0x6e789e6aa1b965f4ull);
  cr_assert_eq(ref_splitmix64(&x), 0x06c45d188009454full);
  /* xoshiro256** from the state {1, 2, 3, 4} */
  static const uint64_t want[] = {11520ull,
                                  0ull,
                                  1509978240ull,
                                  1215971899390074240ull,
                                  1216172134540287360ull,
                                  607988272756665600ull,
                                  16172922978634559625ull,
                                  8476171486693032832ull,
                                  10595114339597558777ull,
                                  2904607092377533576ull};
  uint64_t s[4] = {1, 2, 3, 4};
  for (int i = 0; i < 10; i++) cr_assert_eq(ref_next(s), want[i]);
}

Test(rng, next_matches_published_xoshiro_vector) {
  static const uint64_t want[] = {11520ull,
                                  0ull,
                                  1509978240ull,
                                  1215971899390074240ull,
                                  1216172134540287360ull,
                                  607988272756665600ull,
                                  16172922978634559625ull,
                                  8476171486693032832ull,
                                  10595114339597558777ull,
                                  2904607092377533576ull};
  rs_rng r = {{1, 2, 3, 4}};
  for (int i = 0; i < 10; i++) cr_assert_eq(rs_rng_next(&r), want[i], "output %d", i);
}

Test(rng, seed1_stream1_pinned) {
  /* Pinned values, computed once with the reference above (and a separate
   * Python transcription); they must never change on any machine. */
  static const uint64_t want[] = {0x576b3120696b13f7ull, 0x8f89de55b4658572ull, 0x3d6f2b2243b016c5ull,
                                  0x743f9d047dd24c33ull, 0x56a38cf81f20f2f4ull};
  uint64_t s[4];
  ref_init(s, 1, 1);
  rs_rng r;
  rs_rng_init(&r, 1, 1);
  for (int i = 0; i < 5; i++) {
    uint64_t ref = ref_next(s);
    cr_assert_eq(ref, want[i], "the reference drifted at %d", i);
    cr_assert_eq(rs_rng_next(&r), want[i], "output %d of seed 1 stream 1", i);
  }
}

Test(rng, many_seeds_and_streams_match_reference) {
  uint64_t pick = 3;
  for (int k = 0; k < 2000; k++) {
    uint64_t seed, stream;
    switch (k) {
    case 0: seed = 0, stream = 0; break;
    case 1: seed = UINT64_MAX, stream = UINT64_MAX; break;
    case 2: seed = 0, stream = UINT64_MAX; break;
    case 3: seed = 42, stream = (uint64_t)0 - 0x9e3779b97f4a7c15ull; break; /* stream + golden wraps to 0 */
    default:
      seed = k < 1000 ? (uint64_t)k : ref_splitmix64(&pick);
      stream = k < 1000 ? (uint64_t)(k % 37) : ref_splitmix64(&pick);
    }
    uint64_t s[4];
    ref_init(s, seed, stream);
    rs_rng r;
    rs_rng_init(&r, seed, stream);
    for (int i = 0; i < 4; i++) cr_assert_eq(r.s[i], s[i], "state word %d for seed %llu stream %llu", i,
                                             (unsigned long long)seed, (unsigned long long)stream);
    for (int i = 0; i < 16; i++) cr_assert_eq(rs_rng_next(&r), ref_next(s));
  }
}

Test(rng, same_seed_same_sequence) {
  rs_rng a, b;
  rs_rng_init(&a, 123456789, 42);
  rs_rng_init(&b, 123456789, 42);
  for (int i = 0; i < 100000; i++) cr_assert_eq(rs_rng_next(&a), rs_rng_next(&b));
  /* And through the derived draws. */
  for (int i = 0; i < 1000; i++) {
    cr_assert_eq(rs_rng_uniform(&a), rs_rng_uniform(&b));
    cr_assert_eq(rs_rng_normal(&a), rs_rng_normal(&b));
    cr_assert_eq(rs_rng_below(&a, 1000 + (uint64_t)i), rs_rng_below(&b, 1000 + (uint64_t)i));
  }
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The first outputs of n generators are pairwise distinct. */
static void assert_distinct(uint64_t *first, size_t n, const char *what) {
  qsort(first, n, sizeof *first, cmp_u64);
  for (size_t i = 1; i < n; i++) cr_assert_neq(first[i], first[i - 1], "two %s gave the same output", what);
}

Test(rng, different_streams_differ) {
  enum { N = 5000 };
  uint64_t *first = malloc(N * sizeof *first);
  cr_assert_not_null(first);
  for (uint64_t k = 0; k < N; k++) {
    rs_rng r;
    rs_rng_init(&r, 7, k);
    first[k] = rs_rng_next(&r);
  }
  assert_distinct(first, N, "streams");
  /* Streams of one seed do not run in lock step: no shared outputs in a
   * window of 1000 draws of two neighbouring streams. */
  rs_rng a, b;
  rs_rng_init(&a, 7, 1);
  rs_rng_init(&b, 7, 2);
  uint64_t va[1000], vb[1000];
  for (int i = 0; i < 1000; i++) va[i] = rs_rng_next(&a), vb[i] = rs_rng_next(&b);
  qsort(vb, 1000, sizeof vb[0], cmp_u64);
  for (int i = 0; i < 1000; i++) cr_assert_null(bsearch(&va[i], vb, 1000, sizeof vb[0], cmp_u64));
  free(first);
}

Test(rng, different_seeds_differ) {
  enum { N = 5000 };
  uint64_t *first = malloc(N * sizeof *first);
  cr_assert_not_null(first);
  for (uint64_t k = 0; k < N; k++) {
    rs_rng r;
    rs_rng_init(&r, k, 1);
    first[k] = rs_rng_next(&r);
  }
  assert_distinct(first, N, "seeds");
  /* (seed, stream) and (stream, seed) are different streams. */
  rs_rng a, b;
  rs_rng_init(&a, 1, 2);
  rs_rng_init(&b, 2, 1);
  cr_assert_neq(rs_rng_next(&a), rs_rng_next(&b));
  free(first);
}

Test(rng, streams_uncorrelated) {
  rs_rng a, b;
  rs_rng_init(&a, 99, 1);
  rs_rng_init(&b, 99, 2);
  enum { N = 200000 };
  double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < N; i++) {
    double x = rs_rng_uniform(&a), y = rs_rng_uniform(&b);
    sx += x, sy += y, sxy += x * y, sxx += x * x, syy += y * y;
  }
  double cov = sxy / N - (sx / N) * (sy / N);
  double r = cov / sqrt((sxx / N - (sx / N) * (sx / N)) * (syy / N - (sy / N) * (sy / N)));
  cr_assert_lt(fabs(r), 5.0 / sqrt(N), "correlation %g between streams", r);
}

Test(rng, stream_id_is_fnv1a) {
  /* Published FNV-1a 64-bit test vectors. */
  cr_assert_eq(rs_stream_id(""), 0xcbf29ce484222325ull);
  cr_assert_eq(rs_stream_id("a"), 0xaf63dc4c8601ec8cull);
  cr_assert_eq(rs_stream_id("foobar"), 0x85944171f73967e8ull);
  cr_assert_neq(rs_stream_id("node-1"), rs_stream_id("node-2"));
}

/* ---- distributions ------------------------------------------------------ */

enum { DRAWS = 1000000 };

Test(rng, uniform_range_and_moments) {
  rs_rng r;
  rs_rng_init(&r, 2024, 5);
  double sum = 0, sum2 = 0;
  int low_bit = 0, below_tiny = 0;
  for (int i = 0; i < DRAWS; i++) {
    double u = rs_rng_uniform(&r);
    if (!(u >= 0.0 && u < 1.0)) cr_assert_fail("uniform draw %.17g outside [0, 1)", u);
    double scaled = u * 0x1.0p53; /* 53 random bits: an integer below 2^53 */
    if (scaled != floor(scaled)) cr_assert_fail("draw %.17g has more than 53 bits", u);
    low_bit += ((uint64_t)scaled) & 1;
    below_tiny += u < 1e-3;
    sum += u;
    sum2 += u * u;
  }
  double mean = sum / DRAWS, var = sum2 / DRAWS - mean * mean;
  cr_assert_lt(fabs(mean - 0.5), 5 * sqrt(1.0 / 12 / DRAWS), "mean %g", mean);
  cr_assert_lt(fabs(var - 1.0 / 12), 0.001, "variance %g", var);
  /* The lowest of the 53 bits is used (not fewer bits). */
  cr_assert_lt(fabs(low_bit / (double)DRAWS - 0.5), 0.005);
  cr_assert_lt(fabs(below_tiny / (double)DRAWS - 1e-3), 5 * sqrt(1e-3 / DRAWS));
}

Test(rng, below_bounds) {
  rs_rng r;
  rs_rng_init(&r, 3, 3);
  static const uint64_t ns[] = {1, 2, 3, 7, 10, 255, 256, 1000, (1ull << 32) - 1, (1ull << 32) + 1,
                                (1ull << 63) + 1, UINT64_MAX - 1, UINT64_MAX};
  for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
    uint64_t max = 0;
    for (int i = 0; i < 20000; i++) {
      uint64_t v = rs_rng_below(&r, ns[k]);
      if (v >= ns[k]) cr_assert_fail("below(%llu) gave %llu", (unsigned long long)ns[k], (unsigned long long)v);
      if (v > max) max = v;
    }
    if (ns[k] == 1) cr_assert_eq(max, 0);
    if (ns[k] <= 256) cr_assert_eq(max, ns[k] - 1, "below(%llu) never reached its top", (unsigned long long)ns[k]);
  }
}

/* Pearson's chi-square statistic of counts against a uniform expectation. */
static double chi2(const long *count, int k, long n) {
  double e = (double)n / k, x = 0;
  for (int i = 0; i < k; i++) x += (count[i] - e) * (count[i] - e) / e;
  return x;
}

Test(rng, below_roughly_uniform) {
  rs_rng r;
  rs_rng_init(&r, 11, 0);
  long c10[10] = {0}, c3[3] = {0}, c256[256] = {0};
  for (int i = 0; i < DRAWS; i++) {
    c10[rs_rng_below(&r, 10)]++;
    c3[rs_rng_below(&r, 3)]++;
  }
  for (int i = 0; i < 256 * 2000; i++) c256[rs_rng_below(&r, 256)]++;
  /* Critical values far in the tail (p < 1e-6): 9 dof 48.0, 2 dof 27.6,
   * 255 dof 390. */
  cr_assert_lt(chi2(c10, 10, DRAWS), 48.0);
  cr_assert_lt(chi2(c3, 3, DRAWS), 27.6);
  cr_assert_lt(chi2(c256, 256, 256 * 2000), 390.0);
}

Test(rng, below_unbiased_for_huge_n) {
  /* n = 3 * 2^62: taking a 64-bit draw modulo n would make the values below
   * 2^62 twice as likely (1/2 instead of 1/3); scaling by n without
   * rejection would make every third value twice as likely (P(v % 3 == 0)
   * = 1/2 instead of 1/3). */
  const uint64_t n = 3ull << 62;
  rs_rng r;
  rs_rng_init(&r, 5, 5);
  enum { M = 200000 };
  long low = 0, third = 0;
  for (int i = 0; i < M; i++) {
    uint64_t v = rs_rng_below(&r, n);
    if (v >= n) cr_assert_fail("below(3 * 2^62) gave %llu", (unsigned long long)v);
    low += v < (1ull << 62);
    third += v % 3 == 0;
  }
  double se = sqrt((1.0 / 3) * (2.0 / 3) / M);
  cr_assert_lt(fabs(low / (double)M - 1.0 / 3), 6 * se, "P(v < 2^62) = %g", low / (double)M);
  cr_assert_lt(fabs(third / (double)M - 1.0 / 3), 6 * se, "P(v %% 3 == 0) = %g", third / (double)M);
}

Test(rng, exponential_mean) {
  rs_rng r;
  rs_rng_init(&r, 8, 1);
  const double mean = 3.5;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < DRAWS; i++) {
    double x = rs_rng_exponential(&r, mean);
    if (!(x >= 0 && isfinite(x))) cr_assert_fail("exponential draw %g", x);
    sum += x;
    sum2 += x * x;
  }
  double m = sum / DRAWS, sd = sqrt(sum2 / DRAWS - m * m);
  cr_assert_lt(fabs(m - mean), 5 * mean / sqrt(DRAWS), "mean %g, want %g", m, mean);
  cr_assert_lt(fabs(sd - mean), 0.02 * mean, "sd %g, want %g", sd, mean);
}

Test(rng, normal_moments) {
  rs_rng r;
  rs_rng_init(&r, 9, 1);
  double sum = 0, sum2 = 0;
  long within1 = 0;
  for (int i = 0; i < DRAWS; i++) {
    double x = rs_rng_normal(&r);
    if (!isfinite(x)) cr_assert_fail("normal draw %g", x);
    sum += x;
    sum2 += x * x;
    within1 += fabs(x) < 1.0;
  }
  double m = sum / DRAWS, sd = sqrt(sum2 / DRAWS - m * m);
  cr_assert_lt(fabs(m), 5 / sqrt(DRAWS), "mean %g", m);
  cr_assert_lt(fabs(sd - 1), 5 / sqrt(2.0 * DRAWS), "sd %g", sd);
  /* 68.27% within one standard deviation */
  double p = within1 / (double)DRAWS;
  cr_assert_lt(fabs(p - 0.682689), 5 * sqrt(0.682689 * 0.317311 / DRAWS), "P(|x|<1) = %g", p);
}

Test(rng, lognormal_parameters) {
  /* exp(mu + sigma N): the log of the draws is normal(mu, sigma). */
  rs_rng r;
  rs_rng_init(&r, 10, 1);
  const double mu = 1.5, sigma = 0.75;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < DRAWS; i++) {
    double x = rs_rng_lognormal(&r, mu, sigma);
    if (!(x > 0 && isfinite(x))) cr_assert_fail("lognormal draw %g", x);
    double l = log(x);
    sum += l;
    sum2 += l * l;
  }
  double m = sum / DRAWS, sd = sqrt(sum2 / DRAWS - m * m);
  cr_assert_lt(fabs(m - mu), 5 * sigma / sqrt(DRAWS), "mean of log %g", m);
  cr_assert_lt(fabs(sd - sigma), 5 * sigma / sqrt(2.0 * DRAWS), "sd of log %g", sd);
}

static void check_lognormal_mean(double mean, double cv, double cv_tol) {
  rs_rng r;
  rs_rng_init(&r, 12, (uint64_t)(cv * 100));
  double sum = 0, sum2 = 0;
  for (int i = 0; i < DRAWS; i++) {
    double x = rs_rng_lognormal_mean(&r, mean, cv);
    if (!(x > 0 && isfinite(x))) cr_assert_fail("lognormal draw %g", x);
    sum += x;
    sum2 += x * x;
  }
  double m = sum / DRAWS, sd = sqrt(sum2 / DRAWS - m * m);
  cr_assert_lt(fabs(m - mean), 5 * cv * mean / sqrt(DRAWS), "mean %g, want %g (cv %g)", m, mean, cv);
  if (cv_tol > 0) cr_assert_lt(fabs(sd / m - cv), cv_tol, "cv %g, want %g", sd / m, cv);
}

Test(rng, lognormal_mean_and_cv) {
  check_lognormal_mean(10.0, 0.5, 0.01);
  check_lognormal_mean(250.0, 0.1, 0.002);
  check_lognormal_mean(1.0, 1.0, 0.05);
  /* A heavy tail: the sample cv converges too slowly to test; the mean
   * still does. */
  check_lognormal_mean(3.0, 2.0, 0);
}

Test(rng, exp_time_mean) {
  rs_rng r;
  rs_rng_init(&r, 13, 1);
  const rs_time_t mean = 1000000; /* one second */
  double sum = 0;
  for (int i = 0; i < DRAWS; i++) {
    rs_time_t t = rs_rng_exp_time(&r, mean);
    if (t < 0) cr_assert_fail("negative duration %lld", (long long)t);
    sum += (double)t;
  }
  double m = sum / DRAWS;
  cr_assert_lt(fabs(m - (double)mean), 5 * (double)mean / sqrt(DRAWS), "mean %g us", m);
}

Test(rng, exp_time_rounds_to_nearest_microsecond) {
  /* For X exponential with mean mu, round(X) has
   * P(0) = 1 - exp(-1/(2 mu)) and mean exp(-1/(2 mu)) / (1 - exp(-1/mu)). */
  rs_rng r;
  rs_rng_init(&r, 15, 1);
  const double mu = 2.0;
  double sum = 0;
  long zeros = 0;
  for (int i = 0; i < DRAWS; i++) {
    rs_time_t t = rs_rng_exp_time(&r, 2);
    cr_assert_geq(t, 0);
    sum += (double)t;
    zeros += t == 0;
  }
  double p0 = 1 - exp(-0.5 / mu), mean = exp(-0.5 / mu) / (1 - exp(-1 / mu));
  double m = sum / DRAWS, p = zeros / (double)DRAWS;
  cr_assert_lt(fabs(p - p0), 5 * sqrt(p0 * (1 - p0) / DRAWS), "P(0) = %g, want %g", p, p0);
  cr_assert_lt(fabs(m - mean), 5 * mu / sqrt(DRAWS), "mean %g, want %g", m, mean);
}

Test(rng, exp_time_huge_mean_does_not_overflow) {
  /* A mean near the largest time: draws beyond what fits must not wrap
   * into negative times. */
  rs_rng r;
  rs_rng_init(&r, 14, 1);
  for (int i = 0; i < 10000; i++) {
    rs_time_t t = rs_rng_exp_time(&r, RS_TIME_MAX / 2);
    cr_assert_geq(t, 0);
  }
}
