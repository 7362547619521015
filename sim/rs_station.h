/*
 * rs_station: a queueing station on the engine, the piece that turns load
 * into delay. A station serves jobs; a job asks for an amount of work, in
 * seconds of service at speed 1, and the station's speed (work-seconds per
 * second, >= 0, changeable at any time) says how fast it serves. Speed 0 is
 * a stall: jobs stay, nothing completes until the speed is raised again.
 *
 * Disciplines:
 *   RS_STATION_PS    egalitarian processor sharing: n jobs in service are
 *                    each served at speed / n. Optionally limited
 *                    (rs_station_set_limit): at most k jobs share the speed,
 *                    the others wait in arrival order.
 *   RS_STATION_FIFO  one job at a time, in arrival order (processor sharing
 *                    limited to 1).
 *
 * The station keeps one rs_event, timed for its next completion and re-timed
 * when a job arrives or leaves or the speed changes. Service is tracked in
 * virtual time V, the work each job in service has received since the
 * station last had none in service: V grows at speed / (jobs in service) per
 * second, and a job entering service gets the finish tag V + work. Jobs in
 * service sit in a min-heap of (tag, arrival order), intrusive like the
 * engine's events (libuv's heap-inl.h), so the next completion is the heap's
 * top and an arrival or departure costs O(log n); the station allocates
 * nothing.
 *
 * Times are whole microseconds: a completion is scheduled at the first
 * microsecond at which its work is done (rounded up), and a job whose
 * remaining work is below RS_STATION_EPSILON (plus a few units in the last
 * place of its tag) is done. Every completion event completes at least one
 * job, so rounding never makes a loop of empty events, and the clock never
 * goes back. A job that leaves up to a microsecond late gives the work it
 * took in that time back to the jobs still served, so the rounding does not
 * add up: each completion is within a microsecond of its exact time, however
 * long the busy period. Only arrivals, departures and speed or limit changes
 * touch V:
 * reading the measures changes nothing, so the results do not depend on
 * when, or whether, the model samples a station.
 *
 * A run is a value: a station belongs to one rs_sim, and nothing is global.
 * The formulas the tests check are in docs/resources.md.
 */
#ifndef RS_STATION_H
#define RS_STATION_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_sim.h"
#include "rs_time.h"

typedef struct rs_station rs_station;
typedef struct rs_station_job rs_station_job;

typedef enum {
  RS_STATION_PS = 0,   /* processor sharing (optionally limited) */
  RS_STATION_FIFO = 1  /* one at a time, first come first served */
} rs_station_discipline;

/* Remaining work, in work-seconds, below which a job counts as done. */
#define RS_STATION_EPSILON 1e-9

/*
 * Called when a job completes, at the time it completes. The job has left
 * the station (rs_station_job_busy is false, its fields arrived, started and
 * work still tell its story), so the callback may submit it again, here or
 * elsewhere, or free it. The callback may submit, cancel, clear and change
 * the speed or limit of this station, but not free it.
 */
typedef void (*rs_station_done_cb)(rs_station *st, rs_station_job *job, void *arg);

/* Called by rs_station_clear for each job it takes out; same freedom as
 * rs_station_done_cb. */
typedef void (*rs_station_each_cb)(rs_station *st, rs_station_job *job, void *arg);

/* The heap's links, inside each job (internal). */
typedef struct rs__station_node rs__station_node;
struct rs__station_node {
  rs__station_node *left, *right, *parent;
};

/*
 * A job, embedded in its owner (find the owner with RS_CONTAINER_OF, or keep
 * a pointer in data). Prepare it with rs_station_job_init; the owner sets
 * data, and reads arrived, started, work and left; the other fields are the
 * station's.
 */
struct rs_station_job {
  void *data;          /* the owner's; the station never touches it */
  double work;         /* work asked for, in seconds at speed 1 */
  rs_time_t arrived;   /* when it was submitted */
  rs_time_t started;   /* when it entered service (its wait ends), -1 while
                          it waits or before it is submitted */
  double left;         /* work not yet served when it left the station:
                          0 when it completed, the rest when cancelled or
                          cleared (rs_station_remaining reads it live) */
  /* The station's. */
  rs_station *station; /* the station holding it, NULL when none */
  bool serving;        /* in service (in the heap), or waiting */
  double tag;          /* in service: the V at which it is done */
  uint64_t seq;        /* arrival order in its station, for ties */
  rs_station_job *prev, *next; /* the station's jobs, in arrival order */
  rs__station_node node;       /* the heap's links while in service */
};

/*
 * Cumulative measures of a station since rs_station_init, as of a time.
 * Take one at the start and one at the end of a sample; differences give
 * the sample's figures (rs_station_utilization, mean jobs = d area / d t,
 * throughput = d completed / d t).
 */
typedef struct {
  rs_time_t at;        /* the time they are as of (the sim's now) */
  rs_time_t busy;      /* microseconds with at least one job in the station
                          (stalled ones included) */
  double served;       /* work served, work-seconds: the integral of the
                          speed over the time with a job in service */
  double capacity;     /* work offered, work-seconds: the integral of the
                          speed over all the time */
  double area;         /* job-seconds: the integral of the number of jobs in
                          the station (Little's law: area / t = throughput x
                          mean response time) */
  uint64_t arrived;    /* jobs submitted */
  uint64_t completed;  /* jobs completed */
  uint64_t cancelled;  /* jobs taken out by rs_station_cancel or _clear */
  uint64_t jobs;       /* jobs in the station now (serving and waiting) */
  uint64_t serving;    /* of which in service */
  double backlog;      /* work not yet served, work-seconds, now */
} rs_station_stats;

/*
 * A station. Fields are the station's; read them through the functions
 * below.
 */
struct rs_station {
  rs_sim *sim;
  rs_event ev;                /* the next completion, pending while one is
                                 due (none when empty or stalled) */
  rs_station_done_cb done;
  void *arg;
  rs_station_discipline discipline;
  double speed;               /* work-seconds per second, >= 0 */
  uint64_t limit;             /* jobs served at once; UINT64_MAX: no limit */
  double v;                   /* virtual time, as of last */
  rs_time_t last;             /* time v and the integrals are brought up to */
  rs__station_node *min;      /* heap of jobs in service, by (tag, seq) */
  uint64_t serving;           /* jobs in service (in the heap) */
  uint64_t jobs;              /* jobs in the station */
  rs_station_job *head, *tail;/* every job, in arrival order: the ones in
                                 service first, then the waiting ones */
  rs_station_job *waiting;    /* the first waiting job, NULL when none */
  uint64_t seq;               /* next arrival's sequence number */
  double tags;                /* sum of the tags of the jobs in service */
  double waiting_work;        /* sum of the work of the waiting jobs */
  /* Integrals and counts up to last (see rs_station_stats). */
  rs_time_t busy;
  double served, capacity, area;
  uint64_t arrived, completed, cancelled;
};

/* Prepare job (not in a station) with owner data `data`. */
void rs_station_job_init(rs_station_job *job, void *data);

/* True while job is in a station, in service or waiting. */
static inline bool rs_station_job_busy(const rs_station_job *job) { return job->station != NULL; }

/*
 * Prepare st on sim, empty, at sim's now, with discipline d, speed (finite,
 * >= 0) and done, called with arg for each completed job (done may be NULL).
 * Returns 0, or RS_EINVAL for an unknown discipline or a bad speed (st is
 * then not usable).
 */
int rs_station_init(rs_station *st, rs_sim *sim, rs_station_discipline d, double speed,
                    rs_station_done_cb done, void *arg);

/*
 * Stop st: cancel its event and let go of its jobs without calling anyone
 * (they are left out of any station, their left fields set). The station
 * holds no memory of its own, so after this its memory and the jobs' may be
 * freed. Call it before rs_sim_free.
 */
void rs_station_free(rs_station *st);

/*
 * Submit job (initialised, not in a station) asking for work (finite, >= 0)
 * seconds of service at speed 1, at the sim's now. It enters service at
 * once unless the station serves its limit (FIFO: one), then it waits.
 * Returns 0; RS_EINVAL, with nothing done, when job is in a station or work
 * is negative or not finite; or the error of rs_sim_schedule (RS_ENOMEM)
 * when the completion could not be re-timed: the job is in the station even
 * then, and rs_sim_run returns the error.
 */
int rs_station_submit(rs_station *st, rs_station_job *job, double work);

/*
 * Take job out of st before it completes (no callback), setting job->left to
 * the work it had not received. Returns 0; RS_EINVAL when job is not in st;
 * or a scheduling error as rs_station_submit (the job is out even then).
 */
int rs_station_cancel(rs_station *st, rs_station_job *job);

/*
 * Take every job out of st, as for a server that goes down: each (unless
 * NULL) is called for each job, in arrival order, after the job has left
 * and with its left field set, so the model can put the job's data back.
 * Jobs submitted from inside each stay in the station. Returns the number
 * of jobs taken out.
 */
uint64_t rs_station_clear(rs_station *st, rs_station_each_cb each, void *arg);

/*
 * Change st's speed from now on (finite, >= 0; 0 stalls it). Work served so
 * far at the old speed is kept; the next completion is re-timed. Returns 0,
 * RS_EINVAL for a bad speed (nothing changes), or a scheduling error.
 */
int rs_station_set_speed(rs_station *st, double speed);

/* st's speed. */
static inline double rs_station_speed(const rs_station *st) { return st->speed; }

/*
 * Limit a processor-sharing station to serve at most limit jobs at once
 * (limit >= 1; 0 for no limit, the default); the others wait in arrival
 * order and enter service as jobs leave. Raising the limit admits waiting
 * jobs now; lowering it takes no job out of service, it only admits none
 * until fewer than limit are served. Returns 0, RS_EINVAL on a FIFO station
 * (its limit is 1), or a scheduling error.
 */
int rs_station_set_limit(rs_station *st, uint64_t limit);

/* Jobs in st (in service and waiting). */
static inline uint64_t rs_station_jobs(const rs_station *st) { return st->jobs; }

/*
 * Work not yet served, in work-seconds, summed over st's jobs at now (the
 * backlog; backlog / speed is the time to drain it with no arrival). Kept as
 * running sums, so exact up to rounding, and exactly 0 when st is empty.
 */
double rs_station_backlog(const rs_station *st);

/*
 * Work job has not yet received: live at now while it is in st; otherwise
 * its left field (0 after completing or before its first submission).
 */
double rs_station_remaining(const rs_station *st, const rs_station_job *job);

/* Fill *out with st's cumulative measures as of the sim's now. Reads only. */
void rs_station_stats_get(const rs_station *st, rs_station_stats *out);

/*
 * Utilization over the interval between two snapshots a (earlier) and b of
 * the same station: work served / work offered, in [0, 1]. It accounts for
 * speed changes inside the interval. When no work was offered (stalled or
 * an empty interval) it is 1 if a job was there (the station is saturated:
 * whatever took its capacity, its jobs wait) and 0 otherwise.
 */
double rs_station_utilization(const rs_station_stats *a, const rs_station_stats *b);

#endif
