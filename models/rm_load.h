/*
 * rm_load: when computers are on (a scenario's `load:`, docs/scenarios.md,
 * "Load").
 *
 * Client computers may follow office hours: on working days each client
 * switches on at `on` plus a share of `spread` and off at `off` plus a
 * share of `spread`, its own each day, and stays off on other days. A client
 * that is off sends nothing and is not missing: no heartbeat is waited for
 * (OpsMgr raises no heartbeat alert for clients by default, and none for a
 * computer switched off). Servers run all the time. Simulated time 0 is a
 * Monday at 00:00.
 *
 * A client's share of the spread on day d is drawn from the run's seed, its
 * place in the group and d alone (a hash, not a stream), so switching times
 * change nothing else a run draws.
 */
#ifndef RM_LOAD_H
#define RM_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_time.h"

typedef struct {
  bool office;          /* clients follow office hours (else: always on) */
  rs_time_t on, off;    /* time of day they switch on and off (on + spread <= off) */
  rs_time_t spread;     /* each switch comes up to this much later, its own */
  uint8_t days;         /* bit k: day k of the week is a working day (0 Monday) */
  rs_time_t at0;        /* where time 0 is in its week: 0 Monday 00:00 (the default), or from start: */
} rm_hours;

/* How data arrives at an agent (load: {arrivals: ...}). */
typedef enum {
  RM_ARRIVALS_FLUID,    /* the bytes by time t are floor(rate x t): exact, for hand checks */
  RM_ARRIVALS_POISSON   /* each tick's items of each kind a Poisson count (a scenario's default) */
} rm_arrivals;

/* A diurnal factor on the agents' rates (load: {diurnal: [24 factors]}):
 * hour h of every day (0 from 00:00) runs at milli[h] / 1000 times the
 * rates. Time at rate 1 is counted in microsecond-thousandths: by time t
 * an agent has generated what it would have in rm_diurnal_at(t) / 1000
 * microseconds of rate 1, exact in integers (factors up to 10 keep ten
 * years of it under 2^63). */
typedef struct {
  bool on;
  rs_time_t at0;       /* time 0's time of day (from start:; 0 otherwise) */
  int32_t milli[24];   /* each hour's factor, in thousandths */
  int64_t prefix[25];  /* prefix[h]: the thousandth-microseconds of hours 0..h-1 */
  int32_t max_milli;   /* the highest factor */
} rm_diurnal;

void rm_diurnal_init(rm_diurnal *d, const int32_t milli[24]);

/* Thousandth-microseconds of rate-1 time in [0, t). */
static inline int64_t rm_diurnal_at(const rm_diurnal *d, int64_t t) {
  t += d->at0;
  int64_t day = t / RS_DAY, rest = t % RS_DAY, h = rest / RS_HOUR;
  return day * d->prefix[24] + d->prefix[h] + (int64_t)d->milli[h] * (rest - h * RS_HOUR);
}

/* A scenario's or a customer line's load: */
typedef struct {
  bool has_clients, has_servers;  /* a customer line gives them (else the scenario's) */
  rm_hours clients, servers;      /* when client and server computers are on */
  rm_arrivals arrivals;           /* the scenario's only */
  rm_diurnal diurnal;             /* the scenario's only */
} rm_load_spec;

/* A Poisson count of mean lambda for the tick at time t of the agent at
 * index agent, of kind `kind`, in a run seeded seed: by inversion of a
 * uniform drawn from a hash of (seed, agent, t, kind, piece) alone, so that
 * a tick's draw does not depend on when it is run; a mean above 16 is the
 * sum of pieces of at most 16. */
int64_t rm_poisson_at(uint64_t seed, int64_t agent, int64_t t, int kind, double lambda);

/* The same in two steps, for a mean used again and again (an interval's):
 * what depends on lambda alone, then a draw. */
typedef struct {
  int pieces;          /* 0: lambda is 0 */
  double part, p0;     /* each piece's mean, and e^-part */
} rm_poisson;
rm_poisson rm_poisson_prep(double lambda);
int64_t rm_poisson_draw(uint64_t seed, int64_t agent, int64_t t, int kind, const rm_poisson *pp);

/* The default office hours: 08:00 to 18:00, spread 30 minutes, Monday to
 * Friday (assumed: a small business's working day). */
rm_hours rm_hours_office(void);

/* Whether the client at index agent of a run seeded seed is on at t, and
 * (next) when that next changes (-1: never, no working day). Times are the
 * run's; h->at0 places them in the week. */
bool rm_hours_on(const rm_hours *h, uint64_t seed, int64_t agent, rs_time_t t, rs_time_t *next);

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar, and
 * back (the civil algorithms of Howard Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms"). */
int64_t rm_days_from_civil(int64_t y, int m, int d);
void rm_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* Where time 0 is in its week (0: Monday 00:00) when it is the UTC time
 * start (seconds since 1970; 1970-01-01 was a Thursday). */
rs_time_t rm_week_at(int64_t start);

/* The day (days since 1970) of the nth weekday wd (0 Monday) of month m of
 * year y; nth 1 to 4, or -1 the last. */
int64_t rm_nth_weekday(int64_t y, int m, int nth, int wd);

#endif
