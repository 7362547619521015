/*
 * rs_sim: one simulation run's engine: the clock, the event queue and the run
 * loop. A run is a value: everything it needs lives in an rs_sim, and two
 * rs_sim values in one process do not share anything.
 *
 * Events due at the same time run in two classes: those scheduled with
 * rs_sim_schedule_first (agents' ticks) before those scheduled with
 * rs_sim_schedule, each class in scheduling order. The queue orders them
 * by a key, 2 x time plus the class (0 first, 1 after), so times go up to
 * RS_SIM_TIME_MAX.
 */
#ifndef RS_SIM_H
#define RS_SIM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rs_queue.h"
#include "rs_time.h"

struct rs_sim {
  rs_queue queue;      /* pending events */
  rs_time_t now;       /* time of the event being run, or the last one */
  uint64_t events;     /* events run so far */
  bool stop;           /* set by rs_sim_stop: the loop returns after the
                          current event */
  int error;           /* first error met while scheduling, until
                          rs_sim_run returns it */
  atomic_bool interrupt;           /* set from any thread by rs_sim_interrupt */
  _Atomic int64_t progress_now;    /* now, published every few thousand
                                      events for other threads to read */
  _Atomic uint64_t progress_events;
};

/* What rs_sim_run returns when it does not fail (failures are negative). */
enum {
  RS_RUN_UNTIL = 0,   /* the next event is later than the limit; now = limit */
  RS_RUN_EMPTY = 1,   /* no event is left; now = the last event's time */
  RS_RUN_STOPPED = 2, /* a handler called rs_sim_stop */
  RS_RUN_INTERRUPTED = 3 /* rs_sim_interrupt was called */
};

/* Prepare sim at time 0 with nothing pending. */
void rs_sim_init(rs_sim *sim);

/* Release the queue's memory. Pending events are dropped without running. */
void rs_sim_free(rs_sim *sim);

/* Current simulated time. */
static inline rs_time_t rs_sim_now(const rs_sim *sim) { return sim->now; }

/*
 * Schedule ev at absolute time at (now <= at <= RS_SIM_TIME_MAX). An event
 * already pending is moved: it then runs as if scheduled now, after every
 * event of its class already due at the same time. Returns 0, RS_EINVAL when
 * at is in the past or beyond RS_SIM_TIME_MAX, or RS_ENOMEM. A failure is
 * also remembered in sim->error, and rs_sim_run returns it, so a handler may
 * ignore the return value.
 */
int rs_sim_schedule(rs_sim *sim, rs_event *ev, rs_time_t at);

/* The same, in the class that runs first at equal times: before every event
 * scheduled with rs_sim_schedule for that time, whenever it was scheduled. */
int rs_sim_schedule_first(rs_sim *sim, rs_event *ev, rs_time_t at);

/* The latest time an event can be scheduled for (about 146 000 years). */
#define RS_SIM_TIME_MAX ((RS_TIME_MAX - 1) / 2)

/* The time ev is due, while it is pending. */
static inline rs_time_t rs_sim_event_time(const rs_event *ev) { return rs_event_time(ev) >> 1; }

/* Schedule ev delay after now (delay >= 0). Same results as rs_sim_schedule. */
int rs_sim_schedule_in(rs_sim *sim, rs_event *ev, rs_time_t delay);

/* Cancel ev if pending; its memory may be freed right after. */
void rs_sim_cancel(rs_sim *sim, rs_event *ev);

/*
 * Run events in (time, class, scheduling order) until the next one is later than
 * until, none is left, a handler calls rs_sim_stop, or rs_sim_interrupt is
 * called. Returns one of the RS_RUN_* values, or a negative error code
 * (RS_ENOMEM, RS_EINVAL) recorded while scheduling: at once when it was
 * recorded before the call, after the event whose handler met it otherwise.
 * A limit before now runs nothing; the clock never goes back.
 */
int rs_sim_run(rs_sim *sim, rs_time_t until);

/* From inside a handler: return from rs_sim_run after this event. */
static inline void rs_sim_stop(rs_sim *sim) { sim->stop = true; }

/* From any thread: make rs_sim_run return before the next event. The
 * request stays: every later rs_sim_run returns RS_RUN_INTERRUPTED at once,
 * since an interrupted run is over. */
void rs_sim_interrupt(rs_sim *sim);

/* Whether an event scheduled with rs_sim_schedule (not _first) is pending
 * at exactly t (O(pending)). */
bool rs_sim_pending_at(const rs_sim *sim, rs_time_t t);

/* Text for an error code returned by this module. */
const char *rs_strerror(int err);

#endif
