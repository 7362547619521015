/*
 * Tests for rs_station, the queueing station: hand-computed cases (processor
 * sharing, FIFO, a limit, speed changes, stalls, cancels, clears, ties,
 * rounding to microseconds), a long random sequence of operations checked
 * against an independent reference simulator, and queues checked against
 * theory: M/M/1 and M/D/1 under processor sharing and FIFO, Little's law and
 * utilization (docs/resources.md gives the formulas and their sources).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rs_rng.h"
#include "rs_sim.h"
#include "rs_station.h"

/* ------------------------------------------------------------------------
 * Small scenarios: a station whose completions are logged (job id, time).
 */

typedef struct {
  rs_station_job job;
  int id;
} tjob;

typedef struct {
  rs_sim sim;
  rs_station st;
  int ids[4096];
  rs_time_t times[4096];
  int n;
  /* What the done callback does besides logging. */
  tjob *resubmit;          /* submitted when the first completion runs */
  double resubmit_work;
} ctx;

static void log_done(rs_station *st, rs_station_job *job, void *arg) {
  ctx *c = arg;
  cr_assert_eq(st, &c->st);
  cr_assert_not(rs_station_job_busy(job), "a job has left when its callback runs");
  cr_assert_eq(job->left, 0.0);
  cr_assert_lt(c->n, 4096);
  c->ids[c->n] = RS_CONTAINER_OF(job, tjob, job)->id;
  c->times[c->n] = rs_sim_now(&c->sim);
  c->n++;
  if (c->resubmit) {
    tjob *r = c->resubmit;
    c->resubmit = NULL;
    cr_assert_eq(rs_station_submit(st, &r->job, c->resubmit_work), 0);
  }
}

static ctx *ctx_new(rs_station_discipline d, double speed) {
  ctx *c = calloc(1, sizeof *c);
  cr_assert_not_null(c);
  rs_sim_init(&c->sim);
  cr_assert_eq(rs_station_init(&c->st, &c->sim, d, speed, log_done, c), 0);
  return c;
}

static void ctx_free(ctx *c) {
  rs_station_free(&c->st);
  rs_sim_free(&c->sim);
  free(c);
}

static void jobs_init(tjob *j, int n) {
  for (int i = 0; i < n; i++) {
    rs_station_job_init(&j[i].job, NULL);
    j[i].id = i;
  }
}

static void submit(ctx *c, tjob *j, double work) { cr_assert_eq(rs_station_submit(&c->st, &j->job, work), 0); }

static void run_all(ctx *c) { cr_assert_eq(rs_sim_run(&c->sim, RS_TIME_MAX), RS_RUN_EMPTY); }

/* Expect completions (id, time in microseconds) in this order. */
static void expect_done(const ctx *c, const int *ids, const rs_time_t *times, int n) {
  cr_assert_eq(c->n, n, "%d jobs completed, want %d", c->n, n);
  for (int i = 0; i < n; i++) {
    cr_assert_eq(c->ids[i], ids[i], "completion %d: job %d, want %d", i, c->ids[i], ids[i]);
    cr_assert_eq(c->times[i], times[i], "job %d completed at %lld us, want %lld", ids[i], (long long)c->times[i],
                 (long long)times[i]);
  }
}

/* A sentinel event that does nothing, to move the clock to a time with
 * rs_sim_run (it returns RS_RUN_UNTIL at the limit while one is pending). */
static void nop_cb(rs_sim *sim, rs_event *ev) {
  (void)sim;
  (void)ev;
}

/* Run to time t exactly (now == t afterwards). */
static void run_to(ctx *c, rs_time_t t) {
  rs_event far;
  rs_event_init(&far, nop_cb);
  cr_assert_eq(rs_sim_schedule(&c->sim, &far, RS_SIM_TIME_MAX), 0);
  cr_assert_eq(rs_sim_run(&c->sim, t), RS_RUN_UNTIL);
  cr_assert_eq(rs_sim_now(&c->sim), t);
  rs_sim_cancel(&c->sim, &far);
}

#define S(x) ((rs_time_t)((x) * 1000000.0 + 0.5)) /* seconds to microseconds */

Test(station, ps_two_jobs_together) {
  /* Work 1 and 3 at speed 1: each at 1/2 until the first is done at 2 s
   * (each has had 1), then the second alone for its last 2: 4 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[2];
  jobs_init(j, 2);
  submit(c, &j[1], 3.0);
  submit(c, &j[0], 1.0);
  cr_assert_eq(rs_station_jobs(&c->st), 2);
  run_all(c);
  static const int ids[] = {0, 1};
  static const rs_time_t t[] = {S(2), S(4)};
  expect_done(c, ids, t, 2);
  cr_assert_eq(j[0].job.arrived, 0);
  cr_assert_eq(j[0].job.started, 0, "under PS a job starts at once");
  cr_assert_eq(rs_station_jobs(&c->st), 0);
  cr_assert_not(rs_event_pending(&c->st.ev));
  ctx_free(c);
}

Test(station, ps_staggered_arrivals) {
  /* A (work 2) alone from 0 to 1 gets 1; then A and B (work 2) share: A's
   * last 1 at rate 1/2 takes 2 s (done at 3), B has had 1 by then and does
   * its last 1 alone by 4. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[2];
  jobs_init(j, 2);
  submit(c, &j[0], 2.0);
  run_to(c, S(1));
  submit(c, &j[1], 2.0);
  cr_assert_float_eq(rs_station_remaining(&c->st, &j[0].job), 1.0, 1e-12);
  run_all(c);
  static const int ids[] = {0, 1};
  static const rs_time_t t[] = {S(3), S(4)};
  expect_done(c, ids, t, 2);
  cr_assert_eq(j[1].job.arrived, S(1));
  ctx_free(c);
}

Test(station, speed_halved_mid_job) {
  /* Work 10 at speed 1 from 0; speed 0.5 from 4 s: 6 left at 0.5, done at
   * 16 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[1];
  jobs_init(j, 1);
  submit(c, &j[0], 10.0);
  cr_assert_eq(rs_sim_event_time(&c->st.ev), S(10));
  run_to(c, S(4));
  cr_assert_eq(rs_station_set_speed(&c->st, 0.5), 0);
  cr_assert_eq(rs_station_speed(&c->st), 0.5);
  cr_assert_eq(rs_sim_event_time(&c->st.ev), S(16), "re-timed for the new speed");
  cr_assert_float_eq(rs_station_backlog(&c->st), 6.0, 1e-12);
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {S(16)};
  expect_done(c, ids, t, 1);
  ctx_free(c);
}

Test(station, speed_change_with_several_jobs) {
  /* Three jobs of work 3 under PS at speed 3: each served at 1, all done at
   * 3 s unless the speed changes; speed 1.5 from 1 s: each has 2 left at 0.5
   * each per second: done at 5 s. */
  ctx *c = ctx_new(RS_STATION_PS, 3.0);
  tjob j[3];
  jobs_init(j, 3);
  for (int i = 0; i < 3; i++) submit(c, &j[i], 3.0);
  run_to(c, S(1));
  cr_assert_eq(rs_station_set_speed(&c->st, 1.5), 0);
  run_all(c);
  static const int ids[] = {0, 1, 2};
  static const rs_time_t t[] = {S(5), S(5), S(5)};
  expect_done(c, ids, t, 3);
  ctx_free(c);
}

Test(station, stall_and_resume) {
  /* Work 10 at speed 1; stalled (speed 0) from 3 s to 10 s, then speed 2:
   * 7 left at 2 take 3.5 s, done at 13.5 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[1];
  jobs_init(j, 1);
  submit(c, &j[0], 10.0);
  run_to(c, S(3));
  rs_station_stats a, b;
  rs_station_stats_get(&c->st, &a);
  cr_assert_eq(rs_station_set_speed(&c->st, 0.0), 0);
  cr_assert_not(rs_event_pending(&c->st.ev), "a stalled station has no completion to time");
  run_to(c, S(10));
  cr_assert_eq(c->n, 0, "nothing completes while stalled");
  cr_assert_eq(rs_station_jobs(&c->st), 1);
  cr_assert_float_eq(rs_station_backlog(&c->st), 7.0, 1e-12);
  rs_station_stats_get(&c->st, &b);
  cr_assert_float_eq(b.served, 3.0, 1e-12);
  cr_assert_float_eq(b.capacity, 3.0, 1e-12);
  cr_assert_eq(b.busy, S(10), "stalled time with a job counts as busy");
  cr_assert_eq(rs_station_utilization(&a, &b), 1.0, "stalled with a job: saturated");
  cr_assert_eq(rs_station_set_speed(&c->st, 2.0), 0);
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {S(13.5)};
  expect_done(c, ids, t, 1);
  ctx_free(c);
}

Test(station, created_stalled) {
  ctx *c = ctx_new(RS_STATION_FIFO, 0.0);
  tjob j[1];
  jobs_init(j, 1);
  submit(c, &j[0], 1.0);
  cr_assert_not(rs_event_pending(&c->st.ev));
  run_all(c);
  cr_assert_eq(c->n, 0);
  cr_assert_eq(rs_station_set_speed(&c->st, 4.0), 0);
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {S(0.25)};
  expect_done(c, ids, t, 1);
  ctx_free(c);
}

Test(station, ps_cancel) {
  /* Work 1 and 3 together; the second is cancelled at 1 s, when each has had
   * 0.5: it leaves 2.5 undone, and the first does its last 0.5 alone by
   * 1.5 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[2];
  jobs_init(j, 2);
  submit(c, &j[0], 1.0);
  submit(c, &j[1], 3.0);
  run_to(c, S(1));
  cr_assert_eq(rs_station_cancel(&c->st, &j[1].job), 0);
  cr_assert_not(rs_station_job_busy(&j[1].job));
  cr_assert_float_eq(j[1].job.left, 2.5, 1e-12);
  cr_assert_float_eq(rs_station_remaining(&c->st, &j[1].job), 2.5, 1e-12);
  cr_assert_eq(rs_station_cancel(&c->st, &j[1].job), RS_EINVAL, "a job out of the station");
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {S(1.5)};
  expect_done(c, ids, t, 1);
  rs_station_stats s;
  rs_station_stats_get(&c->st, &s);
  cr_assert_eq(s.arrived, 2);
  cr_assert_eq(s.completed, 1);
  cr_assert_eq(s.cancelled, 1);
  ctx_free(c);
}

Test(station, fifo_order_and_waits) {
  /* FIFO, works 2, 1, 3 at 0 and 0.5 at 1 s: one at a time in arrival
   * order: done at 2, 3, 6, 6.5; each starts when the one before is done. */
  ctx *c = ctx_new(RS_STATION_FIFO, 1.0);
  tjob j[4];
  jobs_init(j, 4);
  submit(c, &j[0], 2.0);
  submit(c, &j[1], 1.0);
  submit(c, &j[2], 3.0);
  cr_assert_eq(j[1].job.started, -1, "waiting");
  run_to(c, S(1));
  submit(c, &j[3], 0.5);
  cr_assert_float_eq(rs_station_backlog(&c->st), 1.0 + 1.0 + 3.0 + 0.5, 1e-12);
  run_all(c);
  static const int ids[] = {0, 1, 2, 3};
  static const rs_time_t t[] = {S(2), S(3), S(6), S(6.5)};
  expect_done(c, ids, t, 4);
  static const rs_time_t started[] = {0, S(2), S(3), S(6)};
  for (int i = 0; i < 4; i++) cr_assert_eq(j[i].job.started, started[i], "job %d started", i);
  ctx_free(c);
}

Test(station, fifo_cancel_waiting_and_serving) {
  /* FIFO, works 2, 3, 1 at 0. At 1 s the waiting job of work 3 is
   * cancelled: the others are done at 2 and 3. Then the job in service is
   * cancelled part way. */
  ctx *c = ctx_new(RS_STATION_FIFO, 1.0);
  tjob j[5];
  jobs_init(j, 5);
  submit(c, &j[0], 2.0);
  submit(c, &j[1], 3.0);
  submit(c, &j[2], 1.0);
  run_to(c, S(1));
  cr_assert_eq(rs_station_cancel(&c->st, &j[1].job), 0);
  cr_assert_eq(j[1].job.left, 3.0, "a waiting job has had nothing");
  cr_assert_eq(j[1].job.started, -1);
  run_all(c);
  static const int ids[] = {0, 2};
  static const rs_time_t t[] = {S(2), S(3)};
  expect_done(c, ids, t, 2);
  /* Cancel the job in service at 3.25 (of work 1, 0.25 done): the next one
   * starts at once and is done at 4.25. */
  submit(c, &j[3], 1.0);
  submit(c, &j[4], 1.0);
  run_to(c, S(3.25));
  cr_assert_eq(rs_station_cancel(&c->st, &j[3].job), 0);
  cr_assert_float_eq(j[3].job.left, 0.75, 1e-12);
  cr_assert_eq(j[4].job.started, S(3.25));
  run_all(c);
  cr_assert_eq(c->n, 3);
  cr_assert_eq(c->ids[2], 4);
  cr_assert_eq(c->times[2], S(4.25));
  ctx_free(c);
}

Test(station, ties_in_arrival_order) {
  /* 300 jobs of work 1 at once under PS: all done in the same event at 300 s,
   * in arrival order (the heap breaks ties by arrival). */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  enum { N = 300 };
  tjob *j = calloc(N, sizeof *j);
  cr_assert_not_null(j);
  jobs_init(j, N);
  for (int i = 0; i < N; i++) submit(c, &j[i], 1.0);
  run_all(c);
  cr_assert_eq(c->n, N);
  for (int i = 0; i < N; i++) {
    cr_assert_eq(c->ids[i], i, "completion %d: job %d", i, c->ids[i]);
    cr_assert_eq(c->times[i], S(N));
  }
  cr_assert_eq(c->sim.events, 1, "one event completes them all");
  ctx_free(c);
  free(j);
}

Test(station, ps_many_distinct_works) {
  /* n jobs of distinct works at once, submitted in a shuffled order: under
   * PS the k-th smallest (of work w_k) is done at
   * t_k = t_(k-1) + (w_k - w_(k-1)) (n - k + 1), rounded up to a
   * microsecond (and no more: the rounding does not add up). */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  enum { N = 1000 };
  tjob *j = calloc(N, sizeof *j);
  int *order = malloc(N * sizeof *order);
  cr_assert(j && order);
  jobs_init(j, N);
  for (int i = 0; i < N; i++) order[i] = i;
  rs_rng r;
  rs_rng_init(&r, 3, 1);
  for (int i = N - 1; i > 0; i--) {
    int k = (int)rs_rng_below(&r, (uint64_t)i + 1), t = order[i];
    order[i] = order[k];
    order[k] = t;
  }
  /* Job i has work (i + 1) / 100 s. */
  for (int i = 0; i < N; i++) submit(c, &j[order[i]], (order[i] + 1) / 100.0);
  run_all(c);
  cr_assert_eq(c->n, N);
  double t = 0;
  for (int k = 0; k < N; k++) {
    cr_assert_eq(c->ids[k], k, "completion %d: job %d", k, c->ids[k]);
    t += 0.01 * (N - k);
    double got = c->times[k] / 1e6;
    cr_assert(got >= t - 1e-9 && got <= t + 1e-6 + 1e-9, "job %d done at %.6f s, want %.6f", k, got, t);
  }
  ctx_free(c);
  free(j);
  free(order);
}

Test(station, whole_microseconds_are_not_rounded_past) {
  /* Works k / 1000 s, k = 2000 .. 2399, one after the other (FIFO): each
   * takes exactly k ms. For 347 of the works in 1 .. 20 s, work x 1e6 comes
   * out of double arithmetic a hair above the whole number, so a plain
   * ceil would add a microsecond. */
  ctx *c = ctx_new(RS_STATION_FIFO, 1.0);
  enum { N = 400 };
  tjob *j = calloc(N, sizeof *j);
  cr_assert_not_null(j);
  jobs_init(j, N);
  for (int i = 0; i < N; i++) submit(c, &j[i], (2000 + i) / 1000.0);
  run_all(c);
  cr_assert_eq(c->n, N);
  rs_time_t t = 0;
  for (int i = 0; i < N; i++) {
    t += (rs_time_t)(2000 + i) * 1000;
    cr_assert_eq(c->times[i], t, "job %d (work %.3f) done at %lld us, want %lld", i, (2000 + i) / 1000.0,
                 (long long)c->times[i], (long long)t);
  }
  ctx_free(c);
  free(j);
}

Test(station, odd_times_round_up) {
  /* Work 1 at speed 3: 333 333.33 us, rounded up to 333 334. */
  ctx *c = ctx_new(RS_STATION_PS, 3.0);
  tjob j[1];
  jobs_init(j, 1);
  submit(c, &j[0], 1.0);
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {333334};
  expect_done(c, ids, t, 1);
  ctx_free(c);
}

Test(station, zero_work_completes_now_not_inside_submit) {
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[3];
  jobs_init(j, 3);
  submit(c, &j[0], 5.0);
  run_to(c, S(1));
  submit(c, &j[1], 0.0);
  submit(c, &j[2], 0.0);
  cr_assert_eq(c->n, 0, "no callback from inside submit");
  run_all(c);
  /* The two empty jobs at 1 s, together; job 0 had 1 alone, then shared
   * for no time: its 4 left alone, done at 5 s. */
  static const int ids[] = {1, 2, 0};
  static const rs_time_t t[] = {S(1), S(1), S(5)};
  expect_done(c, ids, t, 3);
  ctx_free(c);
}

Test(station, limited_ps) {
  /* PS limited to 2: works 2, 2, 2 at 0. The first two share (done at 4 s),
   * the third waits, then runs alone: done at 6 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  cr_assert_eq(rs_station_set_limit(&c->st, 2), 0);
  tjob j[3];
  jobs_init(j, 3);
  for (int i = 0; i < 3; i++) submit(c, &j[i], 2.0);
  cr_assert_eq(j[2].job.started, -1);
  cr_assert_float_eq(rs_station_backlog(&c->st), 6.0, 1e-12);
  run_all(c);
  static const int ids[] = {0, 1, 2};
  static const rs_time_t t[] = {S(4), S(4), S(6)};
  expect_done(c, ids, t, 3);
  cr_assert_eq(j[2].job.started, S(4));
  ctx_free(c);
}

Test(station, limit_raised_and_lowered) {
  /* Limit 1 (FIFO-like): works 4 and 4 at 0. At 1 s the limit goes: both
   * share, the first (3 left) and the second (4 left): the first is done
   * after 6 s more, at 7 s, the second has 1 left then: 8 s. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  cr_assert_eq(rs_station_set_limit(&c->st, 1), 0);
  tjob j[4];
  jobs_init(j, 4);
  submit(c, &j[0], 4.0);
  submit(c, &j[1], 4.0);
  run_to(c, S(1));
  cr_assert_eq(rs_station_set_limit(&c->st, 0), 0);
  cr_assert_eq(j[1].job.started, S(1));
  run_all(c);
  static const int ids[] = {0, 1};
  static const rs_time_t t[] = {S(7), S(8)};
  expect_done(c, ids, t, 2);
  /* Lowering the limit takes nobody out of service: two served, limit 1,
   * a third waits until both are done. */
  submit(c, &j[0], 1.0);
  submit(c, &j[1], 1.0);
  cr_assert_eq(rs_station_set_limit(&c->st, 1), 0);
  submit(c, &j[2], 1.0);
  cr_assert_eq(c->st.serving, 2);
  run_all(c);
  cr_assert_eq(c->n, 5);
  cr_assert_eq(c->times[2], S(10));
  cr_assert_eq(c->times[3], S(10));
  cr_assert_eq(c->ids[4], 2);
  cr_assert_eq(c->times[4], S(11));
  ctx_free(c);
}

typedef struct {
  ctx *c;
  int ids[8];
  double left[8];
  int n;
  tjob *again; /* submitted again from inside the callback */
  bool resubmitted;
} clear_log;

static void clear_each(rs_station *st, rs_station_job *job, void *arg) {
  clear_log *l = arg;
  cr_assert_not(rs_station_job_busy(job));
  cr_assert_eq(rs_station_jobs(st), l->resubmitted ? 1 : 0, "the others have left already");
  l->ids[l->n] = RS_CONTAINER_OF(job, tjob, job)->id;
  l->left[l->n] = job->left;
  l->n++;
  if (l->again && RS_CONTAINER_OF(job, tjob, job) == l->again) {
    cr_assert_eq(rs_station_submit(st, job, 2.0), 0);
    l->resubmitted = true;
  }
}

Test(station, clear_lists_jobs_in_arrival_order) {
  /* PS limited to 2, works 1, 3, 5 at 0: at 1 s the first two have had 0.5
   * each, the third waits. Clearing gives them back in arrival order with
   * 0.5, 2.5 and 5 left; the second is submitted again from inside the
   * callback (work 2, alone: done at 3 s). */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  cr_assert_eq(rs_station_set_limit(&c->st, 2), 0);
  tjob j[3];
  jobs_init(j, 3);
  submit(c, &j[0], 1.0);
  submit(c, &j[1], 3.0);
  submit(c, &j[2], 5.0);
  run_to(c, S(1));
  clear_log l = {.c = c, .again = &j[1]};
  cr_assert_eq(rs_station_clear(&c->st, clear_each, &l), 3);
  cr_assert_eq(l.n, 3);
  static const double left[] = {0.5, 2.5, 5.0};
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(l.ids[i], i);
    cr_assert_float_eq(l.left[i], left[i], 1e-12, "job %d: %g left", i, l.left[i]);
  }
  cr_assert_eq(rs_station_jobs(&c->st), 1);
  run_all(c);
  static const int ids[] = {1};
  static const rs_time_t t[] = {S(3)};
  expect_done(c, ids, t, 1);
  /* An empty clear. */
  cr_assert_eq(rs_station_clear(&c->st, NULL, NULL), 0);
  ctx_free(c);
}

Test(station, resubmit_from_done) {
  /* The done callback submits another job: it arrives at the completion
   * time. */
  ctx *c = ctx_new(RS_STATION_FIFO, 2.0);
  tjob j[2];
  jobs_init(j, 2);
  c->resubmit = &j[1];
  c->resubmit_work = 4.0;
  submit(c, &j[0], 2.0);
  run_all(c);
  static const int ids[] = {0, 1};
  static const rs_time_t t[] = {S(1), S(3)};
  expect_done(c, ids, t, 2);
  cr_assert_eq(j[1].job.arrived, S(1));
  ctx_free(c);
}

Test(station, measures_by_hand) {
  /* Work 1 and 3 at 0 at speed 1 (done at 2 and 4 s), then nothing to 10 s:
   * busy 4 s; area 2 + 4 = 6 job-seconds (Little: 2 jobs / 10 s x mean
   * response 3 s = 0.6 = 6 / 10); served 4; offered 10; utilization 0.4. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  tjob j[2];
  jobs_init(j, 2);
  rs_station_stats a, b;
  rs_station_stats_get(&c->st, &a);
  submit(c, &j[0], 1.0);
  submit(c, &j[1], 3.0);
  run_to(c, S(1));
  cr_assert_float_eq(rs_station_backlog(&c->st), 3.0, 1e-12);
  cr_assert_float_eq(rs_station_remaining(&c->st, &j[1].job), 2.5, 1e-12);
  rs_station_stats_get(&c->st, &b);
  cr_assert_eq(b.jobs, 2);
  cr_assert_eq(b.serving, 2);
  cr_assert_float_eq(b.area, 2.0, 1e-12);
  run_to(c, S(10));
  rs_station_stats_get(&c->st, &b);
  cr_assert_eq(b.at, S(10));
  cr_assert_eq(b.busy, S(4));
  cr_assert_float_eq(b.area, 6.0, 1e-12);
  cr_assert_float_eq(b.served, 4.0, 1e-12);
  cr_assert_float_eq(b.capacity, 10.0, 1e-12);
  cr_assert_eq(b.completed, 2);
  cr_assert_eq(b.backlog, 0.0);
  cr_assert_float_eq(rs_station_utilization(&a, &b), 0.4, 1e-12);
  cr_assert_eq(rs_station_utilization(&b, &b), 0.0, "an empty interval with nobody");
  /* Reading the measures changes nothing: the same figures again. */
  rs_station_stats b2;
  rs_station_stats_get(&c->st, &b2);
  cr_assert(memcmp(&b, &b2, sizeof b) == 0);
  ctx_free(c);
}

Test(station, bad_arguments) {
  rs_sim sim;
  rs_sim_init(&sim);
  rs_station st;
  cr_assert_eq(rs_station_init(&st, &sim, RS_STATION_PS, -1.0, NULL, NULL), RS_EINVAL);
  cr_assert_eq(rs_station_init(&st, &sim, RS_STATION_PS, NAN, NULL, NULL), RS_EINVAL);
  cr_assert_eq(rs_station_init(&st, &sim, RS_STATION_PS, INFINITY, NULL, NULL), RS_EINVAL);
  cr_assert_eq(rs_station_init(&st, &sim, (rs_station_discipline)7, 1.0, NULL, NULL), RS_EINVAL);
  cr_assert_eq(rs_station_init(&st, &sim, RS_STATION_FIFO, 1.0, NULL, NULL), 0);
  cr_assert_eq(rs_station_set_limit(&st, 2), RS_EINVAL, "a FIFO station's limit is 1");
  cr_assert_eq(rs_station_set_speed(&st, -0.5), RS_EINVAL);
  cr_assert_eq(rs_station_set_speed(&st, NAN), RS_EINVAL);
  cr_assert_eq(rs_station_speed(&st), 1.0, "a refused speed changes nothing");
  rs_station_job job;
  rs_station_job_init(&job, &sim);
  cr_assert_eq(job.data, &sim);
  cr_assert_eq(rs_station_submit(&st, &job, -1.0), RS_EINVAL);
  cr_assert_eq(rs_station_submit(&st, &job, NAN), RS_EINVAL);
  cr_assert_eq(rs_station_submit(&st, &job, INFINITY), RS_EINVAL);
  cr_assert_eq(rs_station_jobs(&st), 0);
  cr_assert_eq(rs_station_cancel(&st, &job), RS_EINVAL);
  cr_assert_eq(rs_station_submit(&st, &job, 1.0), 0);
  cr_assert_eq(rs_station_submit(&st, &job, 1.0), RS_EINVAL, "already in the station");
  rs_station other;
  cr_assert_eq(rs_station_init(&other, &sim, RS_STATION_PS, 1.0, NULL, NULL), 0);
  cr_assert_eq(rs_station_submit(&other, &job, 1.0), RS_EINVAL, "in another station");
  cr_assert_eq(rs_station_cancel(&other, &job), RS_EINVAL);
  /* Free lets go of the job without a callback. */
  rs_station_free(&st);
  cr_assert_not(rs_station_job_busy(&job));
  cr_assert_eq(job.left, 1.0);
  cr_assert_eq(rs_sim_run(&sim, RS_TIME_MAX), RS_RUN_EMPTY);
  rs_station_free(&other);
  rs_sim_free(&sim);
}

static void count_done(rs_station *st, rs_station_job *job, void *arg) {
  (void)st;
  (void)job;
  (*(int *)arg)++;
}

Test(station, two_stations_one_sim) {
  /* Two stations on one run do not touch each other: work 3 at speed 1 on
   * one, work 1 at speed 0.5 on the other. */
  ctx *c = ctx_new(RS_STATION_PS, 1.0);
  rs_station st2;
  int done2 = 0;
  cr_assert_eq(rs_station_init(&st2, &c->sim, RS_STATION_FIFO, 0.5, count_done, &done2), 0);
  tjob j[2];
  jobs_init(j, 2);
  submit(c, &j[0], 3.0);
  cr_assert_eq(rs_station_submit(&st2, &j[1].job, 1.0), 0);
  run_all(c);
  static const int ids[] = {0};
  static const rs_time_t t[] = {S(3)};
  expect_done(c, ids, t, 1);
  cr_assert_eq(done2, 1);
  rs_station_stats s;
  rs_station_stats_get(&st2, &s);
  cr_assert_eq(s.completed, 1);
  cr_assert_eq(s.busy, S(2));
  rs_station_stats_get(&c->st, &s);
  cr_assert_eq(s.busy, S(3));
  rs_station_free(&st2);
  ctx_free(c);
}

/* ------------------------------------------------------------------------
 * A random sequence of operations (arrivals, cancels, speed changes, limit
 * changes) checked against an independent reference: a continuous-time
 * simulator that keeps every job's remaining work and steps from one change
 * to the next in exact (unrounded) time.
 */

enum { OP_ARRIVE, OP_CANCEL, OP_SPEED, OP_LIMIT };

typedef struct {
  rs_time_t at;
  int kind;
  int job;      /* OP_ARRIVE, OP_CANCEL */
  double value; /* work, speed or limit */
} op;

typedef struct {
  int id;
  double left;
} rjob;

/* The reference. Jobs present in arrival order; the first `serving` are in
 * service. Completion times are recorded in seconds, exact. */
typedef struct {
  rjob *jobs;
  int n, serving;
  double speed;
  uint64_t limit;
  double now;
  double *done_at; /* by job id, -1 if not completed */
} ref;

static void ref_admit(ref *r) {
  while (r->serving < r->n && (uint64_t)r->serving < r->limit) r->serving++;
}

static void ref_remove(ref *r, int i) {
  memmove(&r->jobs[i], &r->jobs[i + 1], (size_t)(r->n - i - 1) * sizeof r->jobs[0]);
  r->n--;
  if (i < r->serving) r->serving--;
  ref_admit(r);
}

/* Run the reference to time t (seconds), completing jobs on the way. */
static void ref_run(ref *r, double t) {
  for (;;) {
    double step = t - r->now;
    int first = -1;
    if (r->serving > 0 && r->speed > 0) {
      double rate = r->speed / r->serving;
      for (int i = 0; i < r->serving; i++) {
        double d = r->jobs[i].left / rate;
        if (d <= step) {
          step = d;
          first = i;
        }
      }
      for (int i = 0; i < r->serving; i++) r->jobs[i].left -= step * rate;
    }
    r->now += step;
    if (first < 0) return;
    /* The earliest is done, and so is any job within rounding of done
     * (jobs admitted as others leave included). */
    r->jobs[first].left = 0;
    for (int i = 0; i < r->serving;) {
      if (r->jobs[i].left <= 1e-9) {
        r->done_at[r->jobs[i].id] = r->now;
        ref_remove(r, i);
      } else {
        i++;
      }
    }
  }
}

typedef struct {
  rs_sim sim;
  rs_station st;
  tjob *jobs;
  double *done_at;
  int *streak;    /* by job id: completions since the station was last
                     empty, this one included */
  int completions; /* in the current busy period */
} rctx;

static void rand_done(rs_station *st, rs_station_job *job, void *arg) {
  rctx *c = arg;
  int id = RS_CONTAINER_OF(job, tjob, job)->id;
  c->done_at[id] = rs_sim_now(&c->sim) / 1e6;
  c->streak[id] = ++c->completions;
  if (rs_station_jobs(st) == 0) c->completions = 0;
}

static void random_against_reference(rs_station_discipline d, uint64_t seed, int nops) {
  rs_rng r;
  rs_rng_init(&r, seed, 1);
  op *ops = calloc((size_t)nops, sizeof *ops);
  int njobs = 0;
  cr_assert_not_null(ops);
  /* Ops at increasing times, 0.6 s apart on average (a load of about 0.7,
   * so the station empties now and then); a cancel names a job that
   * arrived before it (perhaps gone by then). */
  rs_time_t t = 0;
  for (int i = 0; i < nops; i++) {
    t += (rs_time_t)rs_rng_below(&r, 1200000);
    ops[i].at = t;
    uint64_t u = rs_rng_below(&r, 100);
    if (u < 70 || njobs == 0) {
      ops[i].kind = OP_ARRIVE;
      ops[i].job = njobs++;
      ops[i].value = rs_rng_below(&r, 10) == 0 ? 0.0 : rs_rng_exponential(&r, 1.0);
    } else if (u < 82) {
      ops[i].kind = OP_CANCEL;
      ops[i].job = (int)rs_rng_below(&r, (uint64_t)njobs);
    } else if (u < 94 || d == RS_STATION_FIFO) {
      ops[i].kind = OP_SPEED;
      ops[i].value = rs_rng_below(&r, 8) == 0 ? 0.0 : 0.25 + 3 * rs_rng_uniform(&r);
    } else {
      ops[i].kind = OP_LIMIT;
      ops[i].value = (double)rs_rng_below(&r, 4); /* 0 = none */
    }
  }
  rctx c;
  memset(&c, 0, sizeof c);
  rs_sim_init(&c.sim);
  cr_assert_eq(rs_station_init(&c.st, &c.sim, d, 1.0, rand_done, &c), 0);
  c.jobs = calloc((size_t)njobs, sizeof *c.jobs);
  c.done_at = malloc((size_t)njobs * sizeof *c.done_at);
  c.streak = calloc((size_t)njobs, sizeof *c.streak);
  ref rf = {.jobs = calloc((size_t)njobs, sizeof(rjob)), .speed = 1.0,
            .limit = d == RS_STATION_FIFO ? 1 : UINT64_MAX, .done_at = malloc((size_t)njobs * sizeof(double))};
  cr_assert(c.jobs && c.done_at && c.streak && rf.jobs && rf.done_at);
  jobs_init(c.jobs, njobs);
  for (int i = 0; i < njobs; i++) c.done_at[i] = rf.done_at[i] = -1;
  rs_event far;
  rs_event_init(&far, nop_cb);
  cr_assert_eq(rs_sim_schedule(&c.sim, &far, RS_SIM_TIME_MAX), 0);
  double cancelled_left_err = 0;
  for (int i = 0; i < nops; i++) {
    const op *o = &ops[i];
    cr_assert_eq(rs_sim_run(&c.sim, o->at), RS_RUN_UNTIL);
    ref_run(&rf, o->at / 1e6);
    switch (o->kind) {
    case OP_ARRIVE:
      cr_assert_eq(rs_station_submit(&c.st, &c.jobs[o->job].job, o->value), 0);
      rf.jobs[rf.n++] = (rjob){o->job, o->value};
      if (rf.serving == rf.n - 1 && (uint64_t)rf.serving < rf.limit) rf.serving++;
      break;
    case OP_CANCEL: {
      int k = -1;
      for (int q = 0; q < rf.n; q++)
        if (rf.jobs[q].id == o->job) k = q;
      bool busy = rs_station_job_busy(&c.jobs[o->job].job);
      /* The two may disagree on a job a few microseconds from completion;
       * skip the cancel then, on both sides. */
      if (busy != (k >= 0)) break;
      if (k < 0) {
        cr_assert_eq(rs_station_cancel(&c.st, &c.jobs[o->job].job), RS_EINVAL);
        break;
      }
      double want = rf.jobs[k].left;
      cr_assert_eq(rs_station_cancel(&c.st, &c.jobs[o->job].job), 0);
      double err = fabs(c.jobs[o->job].job.left - want);
      if (err > cancelled_left_err) cancelled_left_err = err;
      ref_remove(&rf, k);
      break;
    }
    case OP_SPEED:
      cr_assert_eq(rs_station_set_speed(&c.st, o->value), 0);
      rf.speed = o->value;
      break;
    case OP_LIMIT:
      cr_assert_eq(rs_station_set_limit(&c.st, (uint64_t)o->value), 0);
      rf.limit = o->value == 0 ? UINT64_MAX : (uint64_t)o->value;
      ref_admit(&rf);
      break;
    }
  }
  /* Full speed to the end. */
  cr_assert_eq(rs_station_set_speed(&c.st, 1.0), 0);
  rf.speed = 1.0;
  cr_assert_eq(rs_sim_run(&c.sim, RS_SIM_TIME_MAX - 1), RS_RUN_UNTIL);
  ref_run(&rf, 1e12);
  cr_assert_eq(rs_station_jobs(&c.st), 0);
  cr_assert_eq(rf.n, 0);
  /* Each completion at the exact time rounded up to a microsecond: the
   * station dates departures back to the exact time, so rounding does not
   * add up over a busy period (streak: completions in it so far). */
  int completed = 0, longest = 0;
  double worst = 0;
  for (int i = 0; i < njobs; i++) {
    cr_assert_eq(c.done_at[i] >= 0, rf.done_at[i] >= 0, "job %d: completed %g, reference %g", i, c.done_at[i],
                 rf.done_at[i]);
    if (c.done_at[i] < 0) continue;
    completed++;
    double err = c.done_at[i] - rf.done_at[i];
    cr_assert(err > -1e-9 && err < 1e-6 + 1e-9, "job %d done at %.6f s, reference %.6f s (%d in its busy period)",
              i, c.done_at[i], rf.done_at[i], c.streak[i]);
    if (fabs(err) > worst) worst = fabs(err);
    if (c.streak[i] > longest) longest = c.streak[i];
  }
  cr_assert_gt(longest, 50, "a busy period long enough for rounding to add up: %d completions", longest);
  cr_assert_gt(completed, njobs / 2, "the sequence completes jobs: %d of %d", completed, njobs);
  cr_assert_lt(cancelled_left_err, 20e-6, "work left at a cancel off by %g", cancelled_left_err);
  cr_log_info("random %s seed %llu: %d jobs, %d completed, longest busy period %d completions, worst error %.3f us",
              d == RS_STATION_FIFO ? "FIFO" : "PS", (unsigned long long)seed, njobs, completed, longest, worst * 1e6);
  rs_sim_cancel(&c.sim, &far);
  rs_station_free(&c.st);
  rs_sim_free(&c.sim);
  free(ops);
  free(c.jobs);
  free(c.done_at);
  free(c.streak);
  free(rf.jobs);
  free(rf.done_at);
}

Test(station, random_ps_against_reference) {
  for (uint64_t seed = 1; seed <= 4; seed++) random_against_reference(RS_STATION_PS, seed, 20000);
}

Test(station, random_fifo_against_reference) {
  for (uint64_t seed = 1; seed <= 4; seed++) random_against_reference(RS_STATION_FIFO, seed, 20000);
}

/* ------------------------------------------------------------------------
 * Queues against theory. Poisson arrivals at rate lambda (exponential gaps
 * rounded to the microsecond), work exponential or deterministic with mean
 * 1 s, speed 1, so rho = lambda. After the last arrival the queue drains,
 * so every job's time in the station is counted, and the area under the
 * number in the station equals the sum of the response times.
 */

enum { WORK_EXP, WORK_DET };

#define POOL 4096
#define BATCHES 20

typedef struct {
  rs_sim sim;
  rs_station st;
  rs_event arrival;
  rs_rng gaps, works;
  double lambda;
  int work_kind;
  uint64_t to_send;
  tjob pool[POOL];
  int free_ids[POOL];
  int nfree;
  /* Tallies. */
  uint64_t n;
  double sum_resp, sum_wait;
  uint64_t per_batch;
  double batch_resp[BATCHES], batch_wait[BATCHES];
  uint64_t checksum; /* of every completion (id, time), in order */
} mq;

static void mq_arrive(rs_sim *sim, rs_event *ev);

static void mq_done(rs_station *st, rs_station_job *job, void *arg) {
  mq *q = arg;
  (void)st;
  tjob *j = RS_CONTAINER_OF(job, tjob, job);
  rs_time_t now = rs_sim_now(&q->sim);
  double resp = (double)(now - job->arrived) / 1e6, wait = (double)(job->started - job->arrived) / 1e6;
  int b = (int)(q->n / q->per_batch);
  if (b >= BATCHES) b = BATCHES - 1;
  q->batch_resp[b] += resp;
  q->batch_wait[b] += wait;
  q->sum_resp += resp;
  q->sum_wait += wait;
  q->n++;
  q->checksum = (q->checksum ^ (uint64_t)now ^ ((uint64_t)j->id << 48)) * 0x100000001b3ull;
  q->free_ids[q->nfree++] = j->id;
}

static void mq_arrive(rs_sim *sim, rs_event *ev) {
  mq *q = RS_CONTAINER_OF(ev, mq, arrival);
  /* Checked without an assertion per job: Criterion's bookkeeping of passed
   * assertions would be a good share of the run's time. */
  if (q->nfree == 0) cr_assert_fail("more than %d jobs in the station", POOL);
  tjob *j = &q->pool[q->free_ids[--q->nfree]];
  double work = q->work_kind == WORK_EXP ? rs_rng_exponential(&q->works, 1.0) : 1.0;
  int rc = rs_station_submit(&q->st, &j->job, work);
  if (rc) cr_assert_fail("rs_station_submit: %s", rs_strerror(rc));
  if (--q->to_send > 0) {
    rs_time_t gap = (rs_time_t)llround(rs_rng_exponential(&q->gaps, 1e6 / q->lambda));
    rs_sim_schedule_in(sim, ev, gap);
  }
}

typedef struct {
  double resp, wait;         /* mean response and wait, s */
  double resp_hw, wait_hw;   /* 95 % half-widths from batch means */
  double little_l;           /* time-average number in the station */
  double rho;                /* measured utilization */
  double busy;               /* share of the time with a job */
  double rate;               /* arrivals per second, measured */
  rs_time_t end;
  uint64_t checksum;
} mq_result;

/* Half-width of a 95 % confidence interval from BATCHES batch means
 * (Student's t, 19 degrees of freedom: 2.093). */
static double half_width(const double *sums, uint64_t per_batch) {
  double m = 0, s2 = 0;
  for (int b = 0; b < BATCHES; b++) m += sums[b] / per_batch;
  m /= BATCHES;
  for (int b = 0; b < BATCHES; b++) {
    double d = sums[b] / per_batch - m;
    s2 += d * d;
  }
  return 2.093 * sqrt(s2 / (BATCHES - 1) / BATCHES);
}

static mq_result run_queue(rs_station_discipline d, int work_kind, double rho, uint64_t jobs, uint64_t seed) {
  mq *q = calloc(1, sizeof *q);
  cr_assert_not_null(q);
  rs_sim_init(&q->sim);
  cr_assert_eq(rs_station_init(&q->st, &q->sim, d, 1.0, mq_done, q), 0);
  rs_event_init(&q->arrival, mq_arrive);
  rs_rng_init(&q->gaps, seed, 1);
  rs_rng_init(&q->works, seed, 2);
  q->lambda = rho;
  q->work_kind = work_kind;
  q->to_send = jobs;
  q->per_batch = jobs / BATCHES;
  jobs_init(q->pool, POOL);
  for (int i = 0; i < POOL; i++) q->free_ids[i] = POOL - 1 - i;
  q->nfree = POOL;
  cr_assert_eq(rs_sim_schedule(&q->sim, &q->arrival, 0), 0);
  cr_assert_eq(rs_sim_run(&q->sim, RS_TIME_MAX), RS_RUN_EMPTY);
  cr_assert_eq(q->n, jobs);
  rs_station_stats s;
  rs_station_stats_get(&q->st, &s);
  cr_assert_eq(s.completed, jobs);
  cr_assert_eq(s.jobs, 0);
  double t = s.at / 1e6;
  mq_result r = {
    .resp = q->sum_resp / jobs,
    .wait = q->sum_wait / jobs,
    .resp_hw = half_width(q->batch_resp, q->per_batch),
    .wait_hw = half_width(q->batch_wait, q->per_batch),
    .little_l = s.area / t,
    .rho = s.served / s.capacity,
    .busy = s.busy / 1e6 / t,
    .rate = jobs / t,
    .end = s.at,
    .checksum = q->checksum,
  };
  /* Little's law on the sample path: every job's whole stay is in the run,
   * so the area is the sum of the response times (up to rounding of the
   * sums). */
  cr_assert_float_eq(s.area, q->sum_resp, 1e-6 * q->sum_resp, "area %.6f job-s, sum of responses %.6f s", s.area,
                     q->sum_resp);
  rs_station_free(&q->st);
  rs_sim_free(&q->sim);
  free(q);
  return r;
}

/* |got - want| within tol x want. */
static void within(const char *what, double got, double want, double tol) {
  cr_assert(fabs(got - want) <= tol * want, "%s: %.5g, want %.5g within %g %%", what, got, want, tol * 100);
}

/* The run is long enough to tell: the 95 % confidence half-width hw of an
 * estimate is within the tolerance tol x want (the job counts are chosen
 * for about 1.3 %, so a 2 % tolerance is some 3 standard errors). */
static void enough(const char *what, double hw, double want, double tol) {
  cr_assert(hw < tol * want, "%s: 95 %% half-width %.3g, over the tolerance %.3g: too few jobs", what, hw, tol * want);
}

/* The checks every run shares: Little's law with the nominal rate and
 * utilization. */
static void check_little_and_rho(const char *name, const mq_result *r, double rho) {
  cr_log_info("%s: L = %.4f vs lambda W = %.4f; utilization %.4f vs %.2f, busy %.4f", name, r->little_l,
              rho * r->resp, r->rho, rho, r->busy);
  within("Little's law: L vs lambda W", r->little_l, rho * r->resp, 0.01);
  within("utilization", r->rho, rho, 0.01);
  within("busy share (single server: = utilization)", r->busy, rho, 0.01);
}

static void mm1_ps(double rho, uint64_t jobs, uint64_t seed) {
  mq_result r = run_queue(RS_STATION_PS, WORK_EXP, rho, jobs, seed);
  double want = 1.0 / (1.0 - rho); /* 1 / (mu - lambda), mu = 1 */
  cr_log_info("M/M/1-PS rho %.2f, %llu jobs: E[T] %.4f s +- %.4f vs %.4f (%+.2f %%)", rho, (unsigned long long)jobs,
              r.resp, r.resp_hw, want, 100 * (r.resp / want - 1));
  within("M/M/1-PS mean response", r.resp, want, 0.02);
  enough("M/M/1-PS mean response", r.resp_hw, want, 0.02);
  check_little_and_rho("M/M/1-PS", &r, rho);
}

Test(station_theory, mm1_ps_rho_0_5) { mm1_ps(0.5, 600000, 11); }
Test(station_theory, mm1_ps_rho_0_8) { mm1_ps(0.8, 3000000, 12); }
Test(station_theory, mm1_ps_rho_0_9) { mm1_ps(0.9, 12000000, 13); }

static void md1_ps(double rho, uint64_t jobs, uint64_t seed) {
  mq_result r = run_queue(RS_STATION_PS, WORK_DET, rho, jobs, seed);
  double want = 1.0 / (1.0 - rho); /* E[S] / (1 - rho), insensitive to the distribution */
  cr_log_info("M/D/1-PS rho %.2f, %llu jobs: E[T] %.4f s +- %.4f vs %.4f (%+.2f %%)", rho, (unsigned long long)jobs,
              r.resp, r.resp_hw, want, 100 * (r.resp / want - 1));
  within("M/D/1-PS mean response", r.resp, want, 0.02);
  enough("M/D/1-PS mean response", r.resp_hw, want, 0.02);
  check_little_and_rho("M/D/1-PS", &r, rho);
}

Test(station_theory, md1_ps_rho_0_5) { md1_ps(0.5, 400000, 21); }
Test(station_theory, md1_ps_rho_0_8) { md1_ps(0.8, 1500000, 22); }

static void md1_fifo(double rho, uint64_t jobs, uint64_t seed) {
  mq_result r = run_queue(RS_STATION_FIFO, WORK_DET, rho, jobs, seed);
  double want = rho / (2 * (1 - rho)); /* Pollaczek-Khinchine, mu = 1 */
  cr_log_info("M/D/1-FIFO rho %.2f, %llu jobs: Wq %.4f s +- %.4f vs %.4f (%+.2f %%)", rho, (unsigned long long)jobs,
              r.wait, r.wait_hw, want, 100 * (r.wait / want - 1));
  within("M/D/1 mean wait in queue", r.wait, want, 0.02);
  enough("M/D/1 mean wait in queue", r.wait_hw, want, 0.02);
  /* A FIFO job is served alone at full speed: response = wait + 1 s (+ the
   * rounding of completions to a microsecond). */
  cr_assert_float_eq(r.resp, r.wait + 1.0, 1e-5);
  check_little_and_rho("M/D/1-FIFO", &r, rho);
}

Test(station_theory, md1_fifo_rho_0_5) { md1_fifo(0.5, 1000000, 31); }
Test(station_theory, md1_fifo_rho_0_8) { md1_fifo(0.8, 2000000, 32); }

static void mm1_fifo(double rho, uint64_t jobs, uint64_t seed) {
  mq_result r = run_queue(RS_STATION_FIFO, WORK_EXP, rho, jobs, seed);
  double want = rho / (1 - rho); /* rho / (mu - lambda), mu = 1 */
  cr_log_info("M/M/1-FIFO rho %.2f, %llu jobs: Wq %.4f s +- %.4f vs %.4f (%+.2f %%); E[T] %.4f vs %.4f", rho,
              (unsigned long long)jobs, r.wait, r.wait_hw, want, 100 * (r.wait / want - 1), r.resp, 1 / (1 - rho));
  within("M/M/1 FIFO mean wait in queue", r.wait, want, 0.02);
  enough("M/M/1 FIFO mean wait in queue", r.wait_hw, want, 0.02);
  within("M/M/1 FIFO mean response", r.resp, 1 / (1 - rho), 0.02);
  check_little_and_rho("M/M/1-FIFO", &r, rho);
}

Test(station_theory, mm1_fifo_rho_0_5) { mm1_fifo(0.5, 1200000, 41); }
Test(station_theory, mm1_fifo_rho_0_8) { mm1_fifo(0.8, 2500000, 42); }

Test(station_theory, same_seed_same_results) {
  mq_result a = run_queue(RS_STATION_PS, WORK_EXP, 0.8, 200000, 7);
  mq_result b = run_queue(RS_STATION_PS, WORK_EXP, 0.8, 200000, 7);
  mq_result c = run_queue(RS_STATION_PS, WORK_EXP, 0.8, 200000, 8);
  cr_assert_eq(a.checksum, b.checksum, "same seed, same completions");
  cr_assert_eq(a.end, b.end);
  cr_assert(memcmp(&a, &b, sizeof a) == 0, "same seed, the same figures to the bit");
  cr_assert_neq(a.checksum, c.checksum, "another seed, other completions");
  cr_assert_neq(a.resp, c.resp);
}
