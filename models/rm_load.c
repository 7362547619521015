/* rm_load: office hours (see rm_load.h). */
#include "rm_load.h"

#include <math.h>

rm_hours rm_hours_office(void) {
  return (rm_hours){.office = true, .on = 8 * RS_HOUR, .off = 18 * RS_HOUR, .spread = 30 * RS_MIN, .days = 0x1f};
}

/* A share of [0, 1) from (seed, agent, day, which): splitmix64's finalizer
 * over their mix. */
static double share(uint64_t seed, int64_t agent, int64_t day, int which) {
  uint64_t z = seed ^ ((uint64_t)agent * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)day * 0xbf58476d1ce4e5b9ull) ^
               ((uint64_t)which * 0x94d049bb133111ebull);
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

/* When the client switches on (which 0) or off (1) on day d. */
static rs_time_t switch_at(const rm_hours *h, uint64_t seed, int64_t agent, int64_t d, int which) {
  rs_time_t base = d * RS_DAY + (which ? h->off : h->on);
  return base + (rs_time_t)(share(seed, agent, d, which) * (double)h->spread);
}

static bool working(const rm_hours *h, int64_t d) { return h->days >> (d % 7) & 1; }

bool rm_hours_on(const rm_hours *h, uint64_t seed, int64_t agent, rs_time_t t, rs_time_t *next) {
  if (!h->office) {
    *next = -1;
    return true;
  }
  int64_t d = t / RS_DAY;
  if (working(h, d)) {
    rs_time_t on = switch_at(h, seed, agent, d, 0), off = switch_at(h, seed, agent, d, 1);
    if (t < on) {
      *next = on;
      return false;
    }
    if (t < off) {
      *next = off;
      return true;
    }
  }
  /* Off until the next working day's switch on. */
  for (int64_t k = d + 1; k <= d + 7; k++)
    if (working(h, k)) {
      *next = switch_at(h, seed, agent, k, 0);
      return false;
    }
  *next = -1;
  return false;
}

void rm_diurnal_init(rm_diurnal *d, const int32_t milli[24]) {
  d->on = true;
  d->prefix[0] = 0;
  d->max_milli = 0;
  for (int h = 0; h < 24; h++) {
    d->milli[h] = milli[h];
    d->prefix[h + 1] = d->prefix[h] + (int64_t)milli[h] * RS_HOUR;
    if (milli[h] > d->max_milli) d->max_milli = milli[h];
  }
}

/* splitmix64's finalizer. */
static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int64_t rm_poisson_at(uint64_t seed, int64_t agent, int64_t t, int kind, double lambda) {
  if (!(lambda > 0)) return 0;
  int pieces = lambda > 16 ? (int)ceil(lambda / 16) : 1;
  double part = lambda / pieces, p0 = exp(-part);
  int64_t n = 0;
  uint64_t h = mix(seed ^ mix((uint64_t)agent ^ mix((uint64_t)t ^ mix((uint64_t)kind))));
  for (int i = 0; i < pieces; i++) {
    double u = (double)(mix(h + (uint64_t)i) >> 11) * 0x1.0p-53;
    double p = p0, f = p0;
    int64_t k = 0;
    while (u > f && k < 1000) {
      k++;
      p *= part / (double)k;
      f += p;
    }
    n += k;
  }
  return n;
}
