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

static bool week_on(const rm_hours *h, uint64_t seed, int64_t agent, rs_time_t t, rs_time_t *next);

bool rm_hours_on(const rm_hours *h, uint64_t seed, int64_t agent, rs_time_t t, rs_time_t *next) {
  if (!h->office) {
    *next = -1;
    return true;
  }
  bool on = week_on(h, seed, agent, t + h->at0, next);
  if (*next >= 0) *next -= h->at0;
  return on;
}

/* rm_hours_on, t from Monday 00:00 of time 0's week. */
static bool week_on(const rm_hours *h, uint64_t seed, int64_t agent, rs_time_t t, rs_time_t *next) {
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

int64_t rm_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void rm_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

rs_time_t rm_week_at(int64_t start) {
  int64_t week = 7 * 86400, s = ((start + 3 * 86400) % week + week) % week;
  return s * RS_SEC;
}

int64_t rm_nth_weekday(int64_t y, int m, int nth, int wd) {
  if (nth > 0) {
    int64_t first = rm_days_from_civil(y, m, 1);
    int64_t wd1 = ((first + 3) % 7 + 7) % 7;
    return first + (wd - wd1 + 7) % 7 + 7 * (nth - 1);
  }
  int64_t last = rm_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
  int64_t wdl = ((last + 3) % 7 + 7) % 7;
  return last - (wdl - wd + 7) % 7;
}

/* splitmix64's finalizer. */
static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

rm_poisson rm_poisson_prep(double lambda) {
  if (!(lambda > 0)) return (rm_poisson){0, 0, 0};
  int pieces = lambda > 16 ? (int)ceil(lambda / 16) : 1;
  double part = lambda / pieces;
  return (rm_poisson){pieces, part, exp(-part)};
}

int64_t rm_poisson_draw(uint64_t seed, int64_t agent, int64_t t, int kind, const rm_poisson *pp) {
  int64_t n = 0;
  if (pp->pieces == 0) return 0;
  uint64_t h = mix(seed ^ mix((uint64_t)agent ^ mix((uint64_t)t ^ mix((uint64_t)kind))));
  for (int i = 0; i < pp->pieces; i++) {
    double u = (double)(mix(h + (uint64_t)i) >> 11) * 0x1.0p-53;
    double p = pp->p0, f = pp->p0;
    int64_t k = 0;
    while (u > f && k < 1000) {
      k++;
      p *= pp->part / (double)k;
      f += p;
    }
    n += k;
  }
  return n;
}

int64_t rm_poisson_at(uint64_t seed, int64_t agent, int64_t t, int kind, double lambda) {
  rm_poisson pp = rm_poisson_prep(lambda);
  return rm_poisson_draw(seed, agent, t, kind, &pp);
}
