/* rs_rng: splitmix64 and xoshiro256**, and draws built on them. */
#include "rs_rng.h"

#include <math.h>

static inline uint64_t rs__splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline uint64_t rs__mix(uint64_t v) { return rs__splitmix(&v); }

void rs_rng_init(rs_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = rs__mix(seed) ^ rs__mix(stream + 0x9e3779b97f4a7c15ull);
  for (int i = 0; i < 4; i++) r->s[i] = rs__splitmix(&x);
}

uint64_t rs_stream_id(const char *name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ull;
  }
  return h;
}

static inline uint64_t rs__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rs_rng_next(rs_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rs__rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rs__rotl(s[3], 45);
  return result;
}

double rs_rng_uniform(rs_rng *r) { return (double)(rs_rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t rs_rng_below(rs_rng *r, uint64_t n) {
  /* Lemire's multiply-and-reject method. */
  unsigned __int128 m = (unsigned __int128)rs_rng_next(r) * n;
  uint64_t low = (uint64_t)m;
  if (low < n) {
    uint64_t threshold = -n % n;
    while (low < threshold) {
      m = (unsigned __int128)rs_rng_next(r) * n;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

double rs_rng_exponential(rs_rng *r, double mean) { return -mean * log1p(-rs_rng_uniform(r)); }

double rs_rng_normal(rs_rng *r) {
  double u1 = 1.0 - rs_rng_uniform(r); /* (0, 1]: log is finite */
  double u2 = rs_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

double rs_rng_lognormal(rs_rng *r, double mu, double sigma) { return exp(mu + sigma * rs_rng_normal(r)); }

double rs_rng_lognormal_mean(rs_rng *r, double mean, double cv) {
  double s2 = log1p(cv * cv);
  return rs_rng_lognormal(r, log(mean) - s2 / 2.0, sqrt(s2));
}

rs_time_t rs_rng_exp_time(rs_rng *r, rs_time_t mean) {
  double d = rs_rng_exponential(r, (double)mean);
  if (d >= 9.0e18) return RS_TIME_MAX / 2;
  return (rs_time_t)llround(d);
}
