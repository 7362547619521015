/*
 * Tests for rs_sim, the run loop: order, cancel, reschedule, stop, run
 * until a time, interrupts, errors, a million random events checked against
 * a stable sort, and two runs interleaved in one process.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rs_sim.h"

/* ------------------------------------------------------------------------
 * Small scenarios: a context embedding the sim, and events that log their id
 * and time, optionally doing something when they run.
 */

enum { ACT_NONE, ACT_STOP, ACT_INTERRUPT, ACT_SCHEDULE, ACT_SCHEDULE_IN, ACT_CANCEL };

typedef struct sev sev;

struct sev {
  rs_event ev;
  int id;
  int action;        /* what to do when run */
  sev *target;       /* the event acted on */
  rs_time_t arg;     /* time or delay for the action */
  int rc;            /* what the action returned */
};

typedef struct {
  rs_sim sim;
  int ids[4096];
  rs_time_t times[4096];
  int n;
} ctx;

static void log_cb(rs_sim *sim, rs_event *ev) {
  ctx *c = RS_CONTAINER_OF(sim, ctx, sim);
  sev *e = RS_CONTAINER_OF(ev, sev, ev);
  cr_assert_lt(c->n, 4096);
  cr_assert_not(rs_event_pending(ev), "an event is not pending while it runs");
  c->ids[c->n] = e->id;
  c->times[c->n] = rs_sim_now(sim);
  c->n++;
  switch (e->action) {
  case ACT_STOP: rs_sim_stop(sim); break;
  case ACT_INTERRUPT: rs_sim_interrupt(sim); break;
  case ACT_SCHEDULE: e->rc = rs_sim_schedule(sim, &e->target->ev, e->arg); break;
  case ACT_SCHEDULE_IN: e->rc = rs_sim_schedule_in(sim, &e->target->ev, e->arg); break;
  case ACT_CANCEL: rs_sim_cancel(sim, &e->target->ev); break;
  default: break;
  }
}

static ctx *ctx_new(void) {
  ctx *c = calloc(1, sizeof *c);
  cr_assert_not_null(c);
  rs_sim_init(&c->sim);
  return c;
}

static void ctx_free(ctx *c) {
  rs_sim_free(&c->sim);
  free(c);
}

static void sev_init(sev *e, int n) {
  memset(e, 0, (size_t)n * sizeof *e);
  for (int i = 0; i < n; i++) {
    rs_event_init(&e[i].ev, log_cb);
    e[i].id = i;
  }
}

static void sched(ctx *c, sev *e, rs_time_t t) { cr_assert_eq(rs_sim_schedule(&c->sim, &e->ev, t), 0); }

static void expect_log(const ctx *c, const int *ids, int n) {
  cr_assert_eq(c->n, n, "%d events ran, want %d", c->n, n);
  for (int i = 0; i < n; i++) cr_assert_eq(c->ids[i], ids[i], "event %d: id %d, want %d", i, c->ids[i], ids[i]);
}

Test(sim, init_state) {
  ctx *c = ctx_new();
  cr_assert_eq(rs_sim_now(&c->sim), 0);
  cr_assert_eq(c->sim.events, 0);
  cr_assert_eq(rs_queue_size(&c->sim.queue), 0);
  ctx_free(c);
}

Test(sim, order_by_time_then_fifo) {
  ctx *c = ctx_new();
  sev e[8];
  sev_init(e, 8);
  static const rs_time_t t[] = {30, 10, 20, 10, 30, 0, 10, 256};
  for (int i = 0; i < 8; i++) sched(c, &e[i], t[i]);
  cr_assert_eq(rs_queue_size(&c->sim.queue), 8);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int want[] = {5, 1, 3, 6, 2, 0, 4, 7};
  expect_log(c, want, 8);
  for (int i = 0; i < 8; i++) cr_assert_eq(c->times[i], t[want[i]], "event ran at the wrong time");
  cr_assert_eq(rs_sim_now(&c->sim), 256, "after RS_RUN_EMPTY now is the last event's time");
  cr_assert_eq(c->sim.events, 8);
  ctx_free(c);
}

/* At equal times, events scheduled with rs_sim_schedule_first (agents'
 * ticks) run before the others, however long before those were scheduled;
 * each class in scheduling order. Times keep their value. */
/* Whether a normal event is pending at an exact time: first-class ones
 * and other times do not count; a cancelled or run one no longer does;
 * events deep in the queue's levels are found. */
Test(sim, pending_at_an_exact_time) {
  ctx *c = ctx_new();
  sev e[5];
  sev_init(e, 5);
  sched(c, &e[0], 50);
  cr_assert_eq(rs_sim_schedule_first(&c->sim, &e[1].ev, 70), 0);
  sched(c, &e[2], 5000000000LL); /* far ahead: a high level of the queue */
  sched(c, &e[3], 90);
  cr_assert(rs_sim_pending_at(&c->sim, 50));
  cr_assert_not(rs_sim_pending_at(&c->sim, 70), "a first-class event does not count");
  cr_assert_not(rs_sim_pending_at(&c->sim, 51));
  cr_assert(rs_sim_pending_at(&c->sim, 5000000000LL));
  rs_sim_cancel(&c->sim, &e[3].ev);
  cr_assert_not(rs_sim_pending_at(&c->sim, 90), "cancelled");
  cr_assert_eq(rs_sim_run(&c->sim, 60), RS_RUN_UNTIL);
  cr_assert_not(rs_sim_pending_at(&c->sim, 50), "it ran");
  cr_assert(rs_sim_pending_at(&c->sim, 5000000000LL));
  cr_assert_not(rs_sim_pending_at(&c->sim, -1));
  ctx_free(c);
}

Test(sim, first_class_runs_first_at_equal_times) {
  ctx *c = ctx_new();
  sev e[7];
  sev_init(e, 7);
  sched(c, &e[0], 50);                                     /* after, scheduled first */
  sched(c, &e[1], 50);                                     /* after */
  cr_assert_eq(rs_sim_schedule_first(&c->sim, &e[2].ev, 50), 0); /* first, scheduled later */
  cr_assert_eq(rs_sim_schedule_first(&c->sim, &e[3].ev, 50), 0);
  sched(c, &e[4], 49);
  cr_assert_eq(rs_sim_schedule_first(&c->sim, &e[5].ev, 51), 0); /* later time: later, class or not */
  sched(c, &e[6], 50);
  cr_assert_eq(rs_sim_event_time(&e[2].ev), 50);
  cr_assert_eq(rs_sim_event_time(&e[6].ev), 50);
  cr_assert_eq(rs_sim_run(&c->sim, 50), RS_RUN_UNTIL, "both classes at the limit run");
  static const int want_50[] = {4, 2, 3, 0, 1, 6};
  expect_log(c, want_50, 6);
  cr_assert_eq(rs_sim_now(&c->sim), 50);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(rs_sim_now(&c->sim), 51);
  /* Moving a pending event keeps its new class. */
  sched(c, &e[0], 60);
  sched(c, &e[1], 60);
  cr_assert_eq(rs_sim_schedule_first(&c->sim, &e[0].ev, 60), 0);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int want_all[] = {4, 2, 3, 0, 1, 6, 5, 0, 1};
  expect_log(c, want_all, 9);
  /* The latest time an event can have. */
  cr_assert_eq(rs_sim_schedule(&c->sim, &e[0].ev, RS_SIM_TIME_MAX), 0);
  cr_assert_eq(rs_sim_schedule(&c->sim, &e[1].ev, RS_SIM_TIME_MAX + 1), RS_EINVAL);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_EINVAL);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(rs_sim_now(&c->sim), RS_SIM_TIME_MAX);
  ctx_free(c);
}

Test(sim, run_empty) {
  ctx *c = ctx_new();
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(rs_sim_now(&c->sim), 0);
  cr_assert_eq(rs_sim_run(&c->sim, 1000), RS_RUN_EMPTY);
  cr_assert_eq(c->sim.events, 0);
  sev e[1];
  sev_init(e, 1);
  sched(c, &e[0], 70);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(rs_sim_now(&c->sim), 70);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(c->n, 1);
  ctx_free(c);
}

Test(sim, schedule_at_now_runs_after_those_already_due) {
  ctx *c = ctx_new();
  sev e[3];
  sev_init(e, 3);
  sched(c, &e[0], 10);
  sched(c, &e[1], 10);
  e[0].action = ACT_SCHEDULE;
  e[0].target = &e[2];
  e[0].arg = 10;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(e[0].rc, 0);
  static const int want[] = {0, 1, 2};
  expect_log(c, want, 3);
  cr_assert_eq(c->times[2], 10);
  ctx_free(c);
}

Test(sim, schedule_in_is_relative_to_now) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  cr_assert_eq(rs_sim_schedule_in(&c->sim, &e[0].ev, 100), 0);
  e[0].action = ACT_SCHEDULE_IN;
  e[0].target = &e[1];
  e[0].arg = 50;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(e[0].rc, 0);
  cr_assert_eq(c->n, 2);
  cr_assert_eq(c->times[0], 100);
  cr_assert_eq(c->times[1], 150);
  ctx_free(c);
}

/* An event that schedules itself again: it is not pending in its callback. */
typedef struct {
  rs_event ev;
  int left;
  rs_time_t period;
  rs_time_t last;
} ticker;

static void tick_cb(rs_sim *sim, rs_event *ev) {
  ticker *t = RS_CONTAINER_OF(ev, ticker, ev);
  t->last = rs_sim_now(sim);
  if (--t->left > 0) cr_assert_eq(rs_sim_schedule_in(sim, ev, t->period), 0);
}

Test(sim, handler_reschedules_itself) {
  rs_sim sim;
  rs_sim_init(&sim);
  ticker t = {.left = 1000, .period = 7};
  rs_event_init(&t.ev, tick_cb);
  cr_assert_eq(rs_sim_schedule(&sim, &t.ev, 3), 0);
  cr_assert_eq(rs_sim_run(&sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(t.left, 0);
  cr_assert_eq(sim.events, 1000);
  cr_assert_eq(t.last, 3 + 7 * 999);
  cr_assert_eq(rs_sim_now(&sim), 3 + 7 * 999);
  rs_sim_free(&sim);
}

Test(sim, cancel) {
  ctx *c = ctx_new();
  sev e[6];
  sev_init(e, 6);
  for (int i = 0; i < 5; i++) sched(c, &e[i], 10 * (i + 1));
  rs_sim_cancel(&c->sim, &e[1].ev);
  cr_assert_not(rs_event_pending(&e[1].ev));
  cr_assert_eq(rs_queue_size(&c->sim.queue), 4);
  rs_sim_cancel(&c->sim, &e[1].ev); /* not pending any more: harmless */
  rs_sim_cancel(&c->sim, &e[5].ev); /* never scheduled: harmless */
  cr_assert_eq(rs_queue_size(&c->sim.queue), 4);
  /* e[0] cancels e[3] when it runs. */
  e[0].action = ACT_CANCEL;
  e[0].target = &e[3];
  cr_assert_eq(rs_sim_run(&c->sim, 30), RS_RUN_UNTIL);
  rs_sim_cancel(&c->sim, &e[0].ev); /* already run: harmless */
  cr_assert_eq(rs_queue_size(&c->sim.queue), 1);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int want[] = {0, 2, 4};
  expect_log(c, want, 3);
  ctx_free(c);
}

Test(sim, cancel_later_event_of_the_same_time) {
  ctx *c = ctx_new();
  sev e[3];
  sev_init(e, 3);
  for (int i = 0; i < 3; i++) sched(c, &e[i], 500);
  e[0].action = ACT_CANCEL;
  e[0].target = &e[1];
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int want[] = {0, 2};
  expect_log(c, want, 2);
  ctx_free(c);
}

Test(sim, free_right_after_cancel) {
  /* Events freed right after being cancelled, at several levels of the
   * wheel; ASan reports it if the engine touches them again. */
  ctx *c = ctx_new();
  enum { N = 600 };
  sev *e[N];
  for (int i = 0; i < N; i++) {
    e[i] = malloc(sizeof(sev));
    cr_assert_not_null(e[i]);
    sev_init(e[i], 1);
    e[i]->id = i;
    sched(c, e[i], (rs_time_t)(i % 3) << (8 * (i % 6)));
  }
  for (int i = 0; i < N; i += 3) {
    rs_sim_cancel(&c->sim, &e[i]->ev);
    free(e[i]);
    e[i] = NULL;
  }
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(c->n, N - N / 3);
  for (int k = 0; k < c->n; k++) cr_assert_neq(c->ids[k] % 3, 0, "cancelled event %d ran", c->ids[k]);
  for (int i = 0; i < N; i++) free(e[i]);
  ctx_free(c);
}

Test(sim, reschedule_pending_moves_to_back) {
  ctx *c = ctx_new();
  sev e[4];
  sev_init(e, 4);
  for (int i = 0; i < 3; i++) sched(c, &e[i], 10);
  sched(c, &e[0], 10); /* same time: now behind 1 and 2 */
  cr_assert(rs_event_pending(&e[0].ev));
  cr_assert_eq(rs_queue_size(&c->sim.queue), 3, "a rescheduled event is not duplicated");
  sched(c, &e[3], 20);
  sched(c, &e[3], 5); /* moved earlier */
  cr_assert_eq(rs_sim_event_time(&e[3].ev), 5);
  cr_assert_eq(rs_queue_size(&c->sim.queue), 4);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int want[] = {3, 1, 2, 0};
  expect_log(c, want, 4);
  cr_assert_eq(c->times[0], 5);
  ctx_free(c);
}

Test(sim, reschedule_from_handler_moves_to_back) {
  ctx *c = ctx_new();
  sev e[4];
  sev_init(e, 4);
  for (int i = 0; i < 4; i++) sched(c, &e[i], 10);
  e[1].action = ACT_SCHEDULE; /* e[1] moves the pending e[2] to the back */
  e[1].target = &e[2];
  e[1].arg = 10;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(e[1].rc, 0);
  static const int want[] = {0, 1, 3, 2};
  expect_log(c, want, 4);
  ctx_free(c);
}

Test(sim, stop_from_handler) {
  ctx *c = ctx_new();
  sev e[6];
  sev_init(e, 6);
  static const rs_time_t t[] = {10, 20, 30, 30, 40, 30};
  for (int i = 0; i < 6; i++) sched(c, &e[i], t[i]);
  e[2].action = ACT_STOP;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_STOPPED);
  static const int first[] = {0, 1, 2};
  expect_log(c, first, 3); /* exactly up to the stopping event, though others share its time */
  cr_assert_eq(rs_sim_now(&c->sim), 30);
  cr_assert_eq(c->sim.events, 3);
  cr_assert(rs_event_pending(&e[3].ev));
  cr_assert(rs_event_pending(&e[5].ev));
  /* The stop does not stick: the next call carries on to the end. */
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int all[] = {0, 1, 2, 3, 5, 4};
  expect_log(c, all, 6);
  cr_assert_eq(c->sim.events, 6);
  ctx_free(c);
}

Test(sim, stop_on_last_event) {
  ctx *c = ctx_new();
  sev e[1];
  sev_init(e, 1);
  sched(c, &e[0], 5);
  e[0].action = ACT_STOP;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_STOPPED);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(c->n, 1);
  ctx_free(c);
}

Test(sim, run_until) {
  ctx *c = ctx_new();
  sev e[5];
  sev_init(e, 5);
  sched(c, &e[0], 10);
  sched(c, &e[1], 20);
  sched(c, &e[2], 30);
  sched(c, &e[3], 70000);
  cr_assert_eq(rs_sim_run(&c->sim, 20), RS_RUN_UNTIL);
  static const int a[] = {0, 1};
  expect_log(c, a, 2); /* the limit is inclusive */
  cr_assert_eq(rs_sim_now(&c->sim), 20);
  cr_assert_eq(rs_sim_run(&c->sim, 25), RS_RUN_UNTIL);
  cr_assert_eq(c->n, 2);
  cr_assert_eq(rs_sim_now(&c->sim), 25, "now is the limit even when nothing ran");
  cr_assert_eq(rs_sim_run(&c->sim, 1000), RS_RUN_UNTIL);
  cr_assert_eq(c->n, 3);
  cr_assert_eq(rs_sim_now(&c->sim), 1000);
  /* Scheduling at the limit reached works, and runs before later events. */
  sched(c, &e[4], 1000);
  cr_assert_eq(rs_sim_run(&c->sim, 1000), RS_RUN_UNTIL);
  cr_assert_eq(c->n, 4);
  cr_assert_eq(c->ids[3], 4);
  cr_assert_eq(rs_sim_run(&c->sim, 69999), RS_RUN_UNTIL);
  cr_assert_eq(c->n, 4);
  cr_assert_eq(rs_sim_now(&c->sim), 69999);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  static const int all[] = {0, 1, 2, 4, 3};
  expect_log(c, all, 5);
  cr_assert_eq(rs_sim_now(&c->sim), 70000);
  ctx_free(c);
}

Test(sim, schedule_in_the_past_fails_the_run) {
  ctx *c = ctx_new();
  sev e[5];
  sev_init(e, 5);
  sched(c, &e[0], 50);
  sched(c, &e[1], 100);
  sched(c, &e[2], 100);
  sched(c, &e[3], 200);
  e[1].action = ACT_SCHEDULE; /* at 100, asks for 50 */
  e[1].target = &e[4];
  e[1].arg = 50;
  int rc = rs_sim_run(&c->sim, RS_TIME_MAX);
  cr_assert_eq(rc, RS_EINVAL, "run returned %d (%s)", rc, rs_strerror(rc));
  cr_assert_eq(e[1].rc, RS_EINVAL);
  cr_assert_not(rs_event_pending(&e[4].ev));
  static const int want[] = {0, 1}; /* stops right after the failing handler */
  expect_log(c, want, 2);
  cr_assert_eq(rs_sim_now(&c->sim), 100);
  cr_assert_eq(rs_queue_size(&c->sim.queue), 2);
  ctx_free(c);
}

Test(sim, schedule_in_negative_delay_fails_the_run) {
  ctx *c = ctx_new();
  sev e[3];
  sev_init(e, 3);
  sched(c, &e[0], 10);
  sched(c, &e[1], 20);
  e[0].action = ACT_SCHEDULE_IN;
  e[0].target = &e[2];
  e[0].arg = -1;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_EINVAL);
  cr_assert_eq(e[0].rc, RS_EINVAL);
  cr_assert_not(rs_event_pending(&e[2].ev));
  static const int want[] = {0};
  expect_log(c, want, 1);
  ctx_free(c);
}

Test(sim, schedule_in_overflow_is_einval) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  e[0].action = ACT_SCHEDULE_IN;
  e[0].target = &e[1];
  e[0].arg = RS_TIME_MAX; /* now + delay does not fit */
  sched(c, &e[0], 1);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_EINVAL);
  cr_assert_eq(e[0].rc, RS_EINVAL);
  cr_assert_not(rs_event_pending(&e[1].ev));
  ctx_free(c);
}

Test(sim, schedule_past_outside_handler_returns_einval) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  cr_assert_eq(rs_sim_schedule(&c->sim, &e[0].ev, -1), RS_EINVAL);
  cr_assert_eq(rs_sim_schedule_in(&c->sim, &e[0].ev, -5), RS_EINVAL);
  cr_assert_not(rs_event_pending(&e[0].ev));
  cr_assert_eq(rs_queue_size(&c->sim.queue), 0);
  ctx_free(c);
}

Test(sim, strerror) {
  cr_assert_not_null(rs_strerror(0));
  cr_assert_not_null(rs_strerror(RS_EINVAL));
  cr_assert_not_null(rs_strerror(RS_ENOMEM));
  cr_assert_str_neq(rs_strerror(RS_EINVAL), rs_strerror(RS_ENOMEM));
  cr_assert_str_neq(rs_strerror(RS_EINVAL), rs_strerror(0));
  cr_assert_str_neq(rs_strerror(RS_ENOMEM), rs_strerror(0));
  cr_assert_not_null(rs_strerror(12345));
}

Test(sim, interrupt_before_run) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  sched(c, &e[0], 0);
  sched(c, &e[1], 10);
  rs_sim_interrupt(&c->sim);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_INTERRUPTED);
  cr_assert_eq(c->n, 0, "no event may run after an interrupt");
  cr_assert_eq(c->sim.events, 0);
  cr_assert_eq(rs_sim_now(&c->sim), 0);
  cr_assert(rs_event_pending(&e[0].ev));
  cr_assert_eq(rs_queue_size(&c->sim.queue), 2);
  ctx_free(c);
}

Test(sim, interrupt_from_handler) {
  ctx *c = ctx_new();
  sev e[4];
  sev_init(e, 4);
  for (int i = 0; i < 4; i++) sched(c, &e[i], 10 * i);
  e[1].action = ACT_INTERRUPT;
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_INTERRUPTED);
  static const int want[] = {0, 1};
  expect_log(c, want, 2);
  cr_assert_eq(rs_sim_now(&c->sim), 10);
  cr_assert_eq(rs_queue_size(&c->sim.queue), 2);
  ctx_free(c);
}

/* Another thread watches the published progress and interrupts a run that
 * would otherwise never end (a ticker rescheduling itself forever). */
static void forever_cb(rs_sim *sim, rs_event *ev) { rs_sim_schedule_in(sim, ev, 1); }

static void *interrupter(void *arg) {
  rs_sim *sim = arg;
  while (atomic_load(&sim->progress_events) < 100000) {
  }
  rs_sim_interrupt(sim);
  return NULL;
}

Test(sim, interrupt_from_another_thread, .timeout = 30) {
  rs_sim *sim = malloc(sizeof *sim);
  cr_assert_not_null(sim);
  rs_sim_init(sim);
  rs_event ev;
  rs_event_init(&ev, forever_cb);
  cr_assert_eq(rs_sim_schedule(sim, &ev, 0), 0);
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, interrupter, sim), 0);
  int rc = rs_sim_run(sim, RS_TIME_MAX);
  pthread_join(th, NULL);
  cr_assert_eq(rc, RS_RUN_INTERRUPTED);
  cr_assert_geq(sim->events, 100000);
  cr_assert_eq(rs_sim_now(sim), (rs_time_t)sim->events - 1, "one event per microsecond from 0");
  cr_assert(rs_event_pending(&ev));
  rs_sim_free(sim);
  free(sim);
}

/* ------------------------------------------------------------------------
 * Random workloads. Every scheduling gets a record (time, sequence number =
 * its index); cancelling or moving a pending event marks its record
 * cancelled. The events that must run are the records never cancelled, and
 * they must run in the order of a stable sort by (time, sequence).
 */

typedef struct wl wl;

typedef struct {
  rs_event ev;
  uint32_t id;
  bool pending; /* the model's view */
  uint32_t rec; /* current record while pending */
} wev;

typedef struct {
  rs_time_t t;
  uint32_t id;
  bool cancelled;
} rec;

struct wl {
  rs_sim sim;
  uint64_t rng;
  wev *evs;
  uint32_t nevs;
  rec *recs;
  size_t nrecs, caprecs;
  uint32_t *log; /* record indices in the order they ran */
  size_t nlog, caplog;
  uint64_t live;
  long budget;     /* schedulings handlers may still add */
  bool step;       /* stop after every event */
  rs_time_t until; /* the limit of the current run call */
};

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t below(uint64_t *rng, uint64_t n) { return splitmix(rng) % n; }

/* A time at or after now: ties, byte edges (255/256, 65535/65536, ...),
 * medium and large jumps, and times near 2^40. */
static rs_time_t pick_time(uint64_t *rng, rs_time_t now) {
  uint64_t r = below(rng, 100);
  if (r < 20) return now;
  if (r < 40) return now + (rs_time_t)below(rng, 4);
  if (r < 55) return now + (rs_time_t)below(rng, 600);
  if (r < 70) {
    static const int shifts[] = {8, 16, 24, 32, 40};
    int s = shifts[below(rng, 5)];
    rs_time_t edge = ((now >> s) + 1) << s;
    return edge - 1 + (rs_time_t)below(rng, 3);
  }
  if (r < 85) return now + (rs_time_t)below(rng, 1u << 20);
  if (r < 95) return now + (rs_time_t)below(rng, 1ull << 41);
  rs_time_t near40 = (1ll << 40) - 2 + (rs_time_t)below(rng, 5);
  return near40 > now ? near40 : now;
}

static void wl_schedule(wl *w, wev *e, rs_time_t at) {
  if (rs_event_pending(&e->ev) != e->pending) cr_assert_fail("pending state of %u disagrees", e->id);
  if (e->pending)
    w->recs[e->rec].cancelled = true;
  else
    w->live++;
  if (w->nrecs == w->caprecs) {
    w->caprecs = w->caprecs ? 2 * w->caprecs : 1 << 16;
    w->recs = realloc(w->recs, w->caprecs * sizeof *w->recs);
    cr_assert_not_null(w->recs);
  }
  w->recs[w->nrecs] = (rec){at, e->id, false};
  e->rec = (uint32_t)w->nrecs++;
  e->pending = true;
  rs_time_t now = rs_sim_now(&w->sim);
  int rc = (at - now) % 2 ? rs_sim_schedule_in(&w->sim, &e->ev, at - now) : rs_sim_schedule(&w->sim, &e->ev, at);
  if (rc != 0) cr_assert_fail("scheduling %u at %lld (now %lld) failed: %d", e->id, (long long)at, (long long)now, rc);
  if (rs_sim_event_time(&e->ev) != at) cr_assert_fail("event time not stored");
}

static void wl_cancel(wl *w, wev *e) {
  if (rs_event_pending(&e->ev) != e->pending) cr_assert_fail("pending state of %u disagrees", e->id);
  rs_sim_cancel(&w->sim, &e->ev);
  if (e->pending) {
    w->recs[e->rec].cancelled = true;
    w->live--;
  }
  e->pending = false;
  if (rs_event_pending(&e->ev)) cr_assert_fail("%u pending after cancel", e->id);
  if (rs_queue_size(&w->sim.queue) != w->live) cr_assert_fail("queue size disagrees after cancel");
}

static void wl_cb(rs_sim *sim, rs_event *ev) {
  wl *w = RS_CONTAINER_OF(sim, wl, sim);
  wev *e = RS_CONTAINER_OF(ev, wev, ev);
  rs_time_t now = rs_sim_now(sim);
  if (!e->pending) cr_assert_fail("event %u ran but was not scheduled (cancelled?)", e->id);
  rec *r = &w->recs[e->rec];
  if (r->cancelled) cr_assert_fail("cancelled scheduling of %u ran", e->id);
  if (r->t != now) cr_assert_fail("event %u ran at %lld, due at %lld", e->id, (long long)now, (long long)r->t);
  if (now > w->until) cr_assert_fail("event ran at %lld after the limit %lld", (long long)now, (long long)w->until);
  if (rs_event_pending(ev)) cr_assert_fail("event pending in its own callback");
  e->pending = false;
  w->live--;
  if (rs_queue_size(&sim->queue) != w->live) cr_assert_fail("queue size disagrees");
  if (w->nlog == w->caplog) {
    w->caplog = w->caplog ? 2 * w->caplog : 1 << 16;
    w->log = realloc(w->log, w->caplog * sizeof *w->log);
    cr_assert_not_null(w->log);
  }
  w->log[w->nlog++] = e->rec;

  uint64_t a = below(&w->rng, 100);
  if (a < 85) {
    if (w->budget > 0) {
      w->budget--;
      wl_schedule(w, e, pick_time(&w->rng, now));
    }
  } else if (a < 95) {
    wev *o = &w->evs[below(&w->rng, w->nevs)];
    if (o->pending) {
      if (below(&w->rng, 2))
        wl_cancel(w, o);
      else
        wl_schedule(w, o, pick_time(&w->rng, now)); /* move it */
    } else if (w->budget > 0) {
      w->budget--;
      wl_schedule(w, o, pick_time(&w->rng, now));
    }
  } else {
    wl_cancel(w, &w->evs[below(&w->rng, w->nevs)]); /* often not pending */
  }
  if (w->step) rs_sim_stop(sim);
}

static wl *wl_new(uint64_t seed, uint32_t nevs, long budget) {
  wl *w = calloc(1, sizeof *w);
  cr_assert_not_null(w);
  rs_sim_init(&w->sim);
  w->rng = seed;
  w->nevs = nevs;
  w->budget = budget;
  w->until = RS_TIME_MAX;
  w->evs = calloc(nevs, sizeof *w->evs);
  cr_assert_not_null(w->evs);
  for (uint32_t i = 0; i < nevs; i++) {
    rs_event_init(&w->evs[i].ev, wl_cb);
    w->evs[i].id = i;
  }
  /* Initial times: many ties, byte edges, large values near 2^40. */
  for (uint32_t i = 0; i < nevs; i++) {
    uint64_t r = below(&w->rng, 5);
    rs_time_t t;
    if (r == 0)
      t = (rs_time_t)below(&w->rng, 16);
    else if (r == 1) {
      static const rs_time_t edges[] = {255, 256, 65535, 65536, (1 << 24) - 1, 1 << 24, (1ll << 32) - 1,
                                        1ll << 32, (1ll << 40) - 1, 1ll << 40, (1ll << 40) + 1};
      t = edges[below(&w->rng, sizeof edges / sizeof edges[0])];
    } else if (r == 2)
      t = (rs_time_t)below(&w->rng, 70000);
    else if (r == 3)
      t = (rs_time_t)below(&w->rng, 1 << 25);
    else
      t = (rs_time_t)below(&w->rng, 1ull << 41);
    wl_schedule(w, &w->evs[i], t);
  }
  return w;
}

static void wl_free(wl *w) {
  rs_sim_free(&w->sim);
  free(w->evs);
  free(w->recs);
  free(w->log);
  free(w);
}

static const rec *sort_recs; /* for the qsort comparator */

static int cmp_rec_index(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  rs_time_t tx = sort_recs[x].t, ty = sort_recs[y].t;
  if (tx != ty) return tx < ty ? -1 : 1;
  return x < y ? -1 : x > y; /* the index is the scheduling sequence */
}

/* The run log must be the stable sort by (time, sequence) of every
 * scheduling that was not cancelled. */
static void wl_check(const wl *w) {
  uint32_t *want = malloc((w->nrecs + 1) * sizeof *want);
  cr_assert_not_null(want);
  size_t n = 0;
  for (size_t i = 0; i < w->nrecs; i++)
    if (!w->recs[i].cancelled) want[n++] = (uint32_t)i;
  sort_recs = w->recs;
  qsort(want, n, sizeof *want, cmp_rec_index);
  cr_assert_eq(w->nlog, n, "%zu events ran, want %zu", w->nlog, n);
  for (size_t i = 0; i < n; i++)
    if (w->log[i] != want[i]) {
      const rec *g = &w->recs[w->log[i]], *x = &w->recs[want[i]];
      cr_assert_fail("event %zu: ran #%u (id %u at %lld), want #%u (id %u at %lld)", i, w->log[i], g->id,
                     (long long)g->t, want[i], x->id, (long long)x->t);
    }
  cr_assert_eq(rs_queue_size(&w->sim.queue), 0);
  cr_assert_eq(w->sim.events, n);
  free(want);
}

/* Run to the end in one call. */
static void wl_run_all(wl *w) {
  int rc = rs_sim_run(&w->sim, RS_TIME_MAX);
  cr_assert_eq(rc, RS_RUN_EMPTY, "run returned %d", rc);
}

Test(sim, million_random_events, .timeout = 120) {
  wl *w = wl_new(2024, 250000, 900000);
  wl_run_all(w);
  cr_assert_geq(w->nlog, 1000000, "the workload should run a million events, ran %zu", w->nlog);
  wl_check(w);
  wl_free(w);
}

Test(sim, random_events_run_in_slices, .timeout = 120) {
  /* The same kind of workload, run by limits: every call stops at its limit
   * with now == limit, and what was left runs in the next calls. */
  wl *w = wl_new(77, 50000, 150000);
  uint64_t rng = 5;
  int rc;
  do {
    rs_time_t now = rs_sim_now(&w->sim);
    rs_time_t step = (rs_time_t)below(&rng, 1ull << below(&rng, 42));
    w->until = now + step;
    uint64_t before = w->sim.events;
    rc = rs_sim_run(&w->sim, w->until);
    cr_assert(rc == RS_RUN_UNTIL || rc == RS_RUN_EMPTY, "run returned %d", rc);
    if (rc == RS_RUN_UNTIL) {
      cr_assert_eq(rs_sim_now(&w->sim), w->until);
      cr_assert_gt(rs_queue_size(&w->sim.queue), 0);
    } else {
      cr_assert_eq(rs_queue_size(&w->sim.queue), 0);
      if (w->sim.events > before) cr_assert_eq(rs_sim_now(&w->sim), w->recs[w->log[w->nlog - 1]].t);
    }
  } while (rc == RS_RUN_UNTIL);
  wl_check(w);
  wl_free(w);
}

Test(sim, random_events_one_step_at_a_time) {
  /* rs_sim_stop in every handler: each call runs exactly one event. */
  wl *w = wl_new(31337, 20000, 30000);
  w->step = true;
  for (;;) {
    uint64_t before = w->sim.events;
    int rc = rs_sim_run(&w->sim, RS_TIME_MAX);
    if (rc == RS_RUN_EMPTY) break;
    cr_assert_eq(rc, RS_RUN_STOPPED);
    cr_assert_eq(w->sim.events, before + 1);
  }
  wl_check(w);
  wl_free(w);
}

/* Cancel about 85% of the pending events; returns how many. */
static uint64_t wl_mass_cancel(wl *w, uint64_t *rng) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < w->nevs; i++)
    if (w->evs[i].pending && below(rng, 100) < 85) {
      wl_cancel(w, &w->evs[i]);
      n++;
    }
  return n;
}

Test(sim, mass_cancel_compacts_and_keeps_order) {
  /* Enough cancels that holes exceed 4096 and twice the live events, so
   * the queue compacts; done once between limited runs and once in the
   * middle of a group of equal times (one event per call). */
  wl *w = wl_new(4242, 80000, 80000);
  uint64_t rng = 17;
  w->until = 1 << 22;
  cr_assert_eq(rs_sim_run(&w->sim, w->until), RS_RUN_UNTIL);
  uint64_t n = wl_mass_cancel(w, &rng);
  cr_assert_gt(n, 2 * 4096);
  cr_assert_lt(w->sim.queue.holes, n, "no compaction after %llu cancels", (unsigned long long)n);
  w->until = RS_TIME_MAX;
  w->step = true;
  for (int k = 0; k < 3000; k++) cr_assert_eq(rs_sim_run(&w->sim, RS_TIME_MAX), RS_RUN_STOPPED);
  for (uint32_t i = 0; i < w->nevs; i++) /* top up, then cancel again */
    if (!w->evs[i].pending) wl_schedule(w, &w->evs[i], pick_time(&rng, rs_sim_now(&w->sim)));
  n = wl_mass_cancel(w, &rng);
  cr_assert_lt(w->sim.queue.holes, n);
  w->step = false;
  cr_assert_eq(rs_sim_run(&w->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  wl_check(w);
  wl_free(w);
}

Test(sim, two_sims_interleaved, .timeout = 120) {
  /* Two runs with different seeds, advanced alternately a few events at a
   * time in one process, must each give exactly what they give alone. */
  enum { NEVS = 20000, BUDGET = 60000 };
  wl *alone_a = wl_new(1, NEVS, BUDGET);
  wl_run_all(alone_a);
  wl_check(alone_a);
  wl *alone_b = wl_new(2, NEVS, BUDGET);
  wl_run_all(alone_b);
  wl_check(alone_b);

  wl *a = wl_new(1, NEVS, BUDGET);
  wl *b = wl_new(2, NEVS, BUDGET);
  a->step = b->step = true;
  uint64_t rng = 9;
  bool a_done = false, b_done = false;
  while (!a_done || !b_done) {
    wl *w = below(&rng, 2) ? a : b;
    bool *done = w == a ? &a_done : &b_done;
    if (*done) continue;
    for (uint64_t k = below(&rng, 4) + 1; k > 0 && !*done; k--) {
      int rc = rs_sim_run(&w->sim, RS_TIME_MAX);
      if (rc == RS_RUN_EMPTY)
        *done = true;
      else
        cr_assert_eq(rc, RS_RUN_STOPPED);
    }
  }
  wl_check(a);
  wl_check(b);
  const wl *pairs[2][2] = {{a, alone_a}, {b, alone_b}};
  for (int p = 0; p < 2; p++) {
    const wl *x = pairs[p][0], *y = pairs[p][1];
    cr_assert_eq(x->nlog, y->nlog);
    cr_assert_eq(x->nrecs, y->nrecs);
    for (size_t i = 0; i < x->nlog; i++) {
      const rec *rx = &x->recs[x->log[i]], *ry = &y->recs[y->log[i]];
      if (x->log[i] != y->log[i] || rx->t != ry->t || rx->id != ry->id)
        cr_assert_fail("run %d differs from its run alone at event %zu", p, i);
    }
    cr_assert_eq(rs_sim_now(&x->sim), rs_sim_now(&y->sim));
    cr_assert_eq(x->sim.events, y->sim.events);
  }
  wl_free(a);
  wl_free(b);
  wl_free(alone_a);
  wl_free(alone_b);
}

/* An error met while scheduling outside a handler is returned by the next
 * run before any event runs, and only once. */
Test(sim, error_before_run_is_returned_first) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  sched(c, &e[0], 20);
  cr_assert_eq(rs_sim_run(&c->sim, 15), RS_RUN_UNTIL);
  cr_assert_eq(rs_sim_schedule(&c->sim, &e[1].ev, 12), RS_EINVAL);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_EINVAL);
  cr_assert_eq(c->n, 0, "an event ran before the error was reported");
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  expect_log(c, (int[]){0}, 1);
  ctx_free(c);
}

/* A limit before now runs nothing and leaves the clock where it was, so a
 * pending event can still be moved. */
Test(sim, clock_never_goes_back) {
  ctx *c = ctx_new();
  sev e[2];
  sev_init(e, 2);
  sched(c, &e[0], 100);
  sched(c, &e[1], 200);
  cr_assert_eq(rs_sim_run(&c->sim, 100), RS_RUN_UNTIL);
  cr_assert_eq(rs_sim_run(&c->sim, 50), RS_RUN_UNTIL);
  cr_assert_eq(rs_sim_now(&c->sim), 100);
  cr_assert_eq(rs_sim_schedule(&c->sim, &e[1].ev, 150), 0);
  cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  expect_log(c, (int[]){0, 1}, 2);
  cr_assert_eq(c->times[1], 150);
  ctx_free(c);
}
