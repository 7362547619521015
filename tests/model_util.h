/* Helpers for the model's tests: a group from scenario text, run in place. */
#ifndef ROMSIM_MODEL_UTIL_H
#define ROMSIM_MODEL_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"

typedef struct {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
} world;

/* Build and start the group of a scenario given as text (nothing recorded). */
static inline world *world_new(const char *text) {
  char err[1024];
  world *w = calloc(1, sizeof *w);
  cr_assert_not_null(w);
  cr_assert_eq(rm_scenario_parse(&w->sc, "t.yaml", text, strlen(text), err, sizeof err), 0, "%s", err);
  rs_sim_init(&w->sim);
  cr_assert_eq(rm_group_build(&w->g, &w->sc, &w->sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&w->g);
  return w;
}

/* Run up to and including time t. */
static inline void world_run(world *w, rs_time_t t) {
  int rc = rs_sim_run(&w->sim, t);
  cr_assert(rc == RS_RUN_UNTIL || rc == RS_RUN_EMPTY, "run returned %d", rc);
  rm_pops_settle(&w->g); /* the agents' ticks until t, as a test reads the state at t */
}

static inline rm_node *world_node(world *w, const char *name) {
  rm_node *n = rm_group_find(&w->g, name);
  cr_assert_not_null(n, "no node %s", name);
  return n;
}

static inline void world_free(world *w) {
  rm_group_free(&w->g);
  rs_sim_free(&w->sim);
  rm_scenario_free(&w->sc);
  free(w);
}

/* The time of agent a's first heartbeat failure alert, or -1. */
static inline rs_time_t first_alert(world *w, int64_t a) {
  for (int64_t i = 0; i < w->g.watch.n_alerts_log; i++)
    if (w->g.watch.alerts_log[i].agent == a) return w->g.watch.alerts_log[i].t;
  return -1;
}

/* Every byte generated is stored, queued somewhere or dropped: exactly. */
static inline void assert_conserved(world *w) {
  rm_group *g = &w->g;
  int64_t q = rm_measure_queued(g), d = rm_measure_dropped(g);
  cr_assert_eq(g->m.generated, g->m.delivered + q + d, "generated %lld != delivered %lld + queued %lld + dropped %lld",
               (long long)g->m.generated, (long long)g->m.delivered, (long long)q, (long long)d);
  cr_assert_eq(g->m.dropped_total, d, "every drop is counted as it happens");
}

/* Bytes one agent generates per day with the default rates (MSIT counts,
 * assumed item sizes): 4660 x 1750 + 130 x 3000 + 1 x 5000 + 100 x 500. */
#define AGENT_BYTES_PER_DAY 8600000LL

#endif
