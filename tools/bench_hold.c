/*
 * bench_hold: the classic hold model for the event queue. N events are
 * pending; each one, when it runs, schedules itself again at now + Exp(1 ms).
 * Prints events per second at each N, the median of 5 runs.
 *
 * usage: bench_hold [N ...]   (default: 1000 100000 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rs_rng.h"
#include "rs_sim.h"

typedef struct {
  rs_event ev;
  rs_rng *rng;
} holder;

static void hold_cb(rs_sim *sim, rs_event *ev) {
  holder *h = RS_CONTAINER_OF(ev, holder, ev);
  rs_sim_schedule_in(sim, ev, rs_rng_exp_time(h->rng, RS_MSEC));
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One run: fill N events, warm up with N pops, then time `count` pops. */
static double one_run(long n, long count, uint64_t seed) {
  rs_sim *sim = malloc(sizeof *sim);
  holder *hs = malloc((size_t)n * sizeof *hs);
  rs_rng rng;
  if (!sim || !hs) {
    fprintf(stderr, "bench_hold: out of memory\n");
    exit(1);
  }
  rs_rng_init(&rng, seed, 1);
  rs_sim_init(sim);
  for (long i = 0; i < n; i++) {
    hs[i].rng = &rng;
    rs_event_init(&hs[i].ev, hold_cb);
    rs_sim_schedule(sim, &hs[i].ev, rs_rng_exp_time(&rng, RS_MSEC));
  }
  /* Warm up: let the slot arrays reach their working size. */
  while (sim->events < (uint64_t)n) rs_sim_run(sim, sim->now + RS_MSEC);
  uint64_t start_events = sim->events;
  double t0 = wall();
  while (sim->events - start_events < (uint64_t)count) rs_sim_run(sim, sim->now + 10 * RS_MSEC);
  double dt = wall() - t0;
  double rate = (double)(sim->events - start_events) / dt;
  rs_sim_free(sim);
  free(sim);
  free(hs);
  return rate;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  long defaults[] = {1000, 100000, 1000000};
  int nsizes = argc > 1 ? argc - 1 : 3;
  printf("hold model: each event reschedules itself at now + Exp(1 ms); median of 5 runs\n");
  printf("%10s %14s %14s %14s\n", "pending N", "median ev/s", "min ev/s", "max ev/s");
  for (int k = 0; k < nsizes; k++) {
    long n = argc > 1 ? atol(argv[k + 1]) : defaults[k];
    if (n <= 0) {
      fprintf(stderr, "bench_hold: N must be a positive integer\n");
      return 2;
    }
    long count = n * 4 > 20000000 ? n * 4 : 20000000;
    double rates[5];
    for (int i = 0; i < 5; i++) rates[i] = one_run(n, count, (uint64_t)i + 1);
    qsort(rates, 5, sizeof rates[0], cmp_double);
    printf("%10ld %12.2f M %12.2f M %12.2f M\n", n, rates[2] / 1e6, rates[0] / 1e6, rates[4] / 1e6);
    fflush(stdout);
  }
  return 0;
}
