/* rs_sim: the run loop. */
#include "rs_sim.h"

#include <string.h>

/* How often, in events, the loop publishes its progress for other threads. */
#define RS__PUBLISH_EVERY 4096

void rs_sim_init(rs_sim *sim) {
  memset(sim, 0, sizeof *sim);
  rs_queue_init(&sim->queue);
  atomic_init(&sim->interrupt, false);
  atomic_init(&sim->progress_now, 0);
  atomic_init(&sim->progress_events, 0);
}

void rs_sim_free(rs_sim *sim) { rs_queue_free(&sim->queue); }

/* Queue ev at time at in class cls (0 first, 1 after): key 2 x at + cls. */
static int schedule_key(rs_sim *sim, rs_event *ev, rs_time_t at, int cls) {
  if (at < sim->now || at > RS_SIM_TIME_MAX) {
    if (!sim->error) sim->error = RS_EINVAL;
    return RS_EINVAL;
  }
  rs_queue_remove(&sim->queue, ev);
  int rc = rs_queue_push(&sim->queue, ev, 2 * at + cls);
  if (rc && !sim->error) sim->error = rc;
  return rc;
}

int rs_sim_schedule(rs_sim *sim, rs_event *ev, rs_time_t at) { return schedule_key(sim, ev, at, 1); }

int rs_sim_schedule_first(rs_sim *sim, rs_event *ev, rs_time_t at) { return schedule_key(sim, ev, at, 0); }

int rs_sim_schedule_in(rs_sim *sim, rs_event *ev, rs_time_t delay) {
  if (delay < 0 || delay > RS_SIM_TIME_MAX - sim->now) {
    if (!sim->error) sim->error = RS_EINVAL;
    return RS_EINVAL;
  }
  return rs_sim_schedule(sim, ev, sim->now + delay);
}

void rs_sim_cancel(rs_sim *sim, rs_event *ev) { rs_queue_remove(&sim->queue, ev); }

void rs_sim_interrupt(rs_sim *sim) { atomic_store(&sim->interrupt, true); }

static void rs__publish(rs_sim *sim) {
  atomic_store_explicit(&sim->progress_now, sim->now, memory_order_relaxed);
  atomic_store_explicit(&sim->progress_events, sim->events, memory_order_relaxed);
}

int rs_sim_run(rs_sim *sim, rs_time_t until) {
  int result;
  sim->stop = false;
  /* An error from scheduling outside a handler is reported before anything
   * runs; once returned, it is cleared. */
  if (sim->error) {
    result = sim->error;
    sim->error = 0;
    return result;
  }
  /* The clock never goes back: a limit in the past runs nothing. */
  if (until < sim->now) until = sim->now;
  for (;;) {
    /* Phase 1: a request from outside (a signal, another thread) wins. */
    if (atomic_load_explicit(&sim->interrupt, memory_order_relaxed)) {
      result = RS_RUN_INTERRUPTED;
      break;
    }
    /* Phase 2: take the earliest event due by the limit. */
    rs_event *ev = rs_queue_pop(&sim->queue, until > RS_SIM_TIME_MAX ? RS_TIME_MAX : 2 * until + 1);
    if (!ev) {
      if (sim->queue.error) {
        result = sim->queue.error;
      } else if (rs_queue_size(&sim->queue) == 0) {
        result = RS_RUN_EMPTY;
      } else {
        sim->now = until;
        result = RS_RUN_UNTIL;
      }
      break;
    }
    /* Phase 3: advance the clock and run it. */
    sim->now = rs_sim_event_time(ev);
    sim->events++;
    ev->cb(sim, ev);
    if ((sim->events & (RS__PUBLISH_EVERY - 1)) == 0) rs__publish(sim);
    /* Phase 4: a handler asked to stop, or failed to schedule. */
    if (sim->error) {
      result = sim->error;
      sim->error = 0;
      break;
    }
    if (sim->stop) {
      result = RS_RUN_STOPPED;
      break;
    }
  }
  rs__publish(sim);
  return result;
}

const char *rs_strerror(int err) {
  switch (err) {
  case 0: return "success";
  case RS_ENOMEM: return "out of memory";
  case RS_EINVAL: return "invalid argument (an event scheduled in the past?)";
  default: return "unknown error";
  }
}

bool rs_sim_pending_at(const rs_sim *sim, rs_time_t t) {
  return t >= 0 && t <= RS_SIM_TIME_MAX && rs_queue_pending_at(&sim->queue, 2 * t + 1);
}
