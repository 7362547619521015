/* The measure: what the roles report and what it keeps of it (bytes moved
 * tier by tier, drop spells, limit episodes, connection and service
 * outages, marks for phases). */
#include "model_util.h"

/* A customer on each of two gateways, each the other's backup. */
#define TWO_GATEWAYS                                                                                 \
  "management_servers: {count: 1}\ngateways: {count: 2}\n"                                          \
  "customers:\n  - {name: a, count: 1, servers: 10, clients: 90, primary: gw-1, backup: gw-2}\n"    \
  "  - {name: b, count: 1, servers: 5, clients: 45, primary: gw-2, backup: gw-1}\n"

static int64_t sum(world *w, rm_role r, bool in) {
  int64_t s = 0;
  for (int64_t i = 0; i < rm_group_count(&w->g, r); i++) {
    const rm_node *n = rm_group_node(&w->g, r, i);
    s += in ? n->m.bytes_in : n->m.bytes_out;
  }
  return s;
}

/* What a tier sends is what the tier above receives, and what the
 * management servers send is what SQL stores; every byte an agent
 * generates it has sent or still holds. */
Test(measure, bytes_moved_tier_by_tier) {
  world *w = world_new("name: m\nduration: 2h\nseed: 3\n" TWO_GATEWAYS);
  world_run(w, w->sc.duration);
  rm_group *g = &w->g;
  cr_assert_gt(g->m.delivered, 0);
  cr_assert_eq(sum(w, RM_AGENT, false), 0, "an agent's sending is counted at its Essentials server");
  cr_assert_eq(sum(w, RM_ESSENTIALS, false), sum(w, RM_GATEWAY, true));
  cr_assert_eq(sum(w, RM_GATEWAY, false), sum(w, RM_MS, true));
  cr_assert_eq(sum(w, RM_MS, false), g->sql.node.m.bytes_in);
  cr_assert_eq(g->sql.node.m.bytes_in, g->m.delivered);
  int64_t held = 0;
  for (int64_t a = 0; a < g->n_agents; a++) held += g->agents[a].node.spool.bytes;
  cr_assert_eq(held, g->m.agent_queued);
  cr_assert_eq(g->m.generated, sum(w, RM_ESSENTIALS, true) + held);
  cr_assert_eq(g->m.latency.total, g->m.delivered, "every byte stored is in the latency, weighted by bytes");
  assert_conserved(w);
  world_free(w);
}

/* Agents drop once their Essentials server's queue and their own are full:
 * the spell begins at the first drop, and the sample after the last drop
 * ends it; the figures match the queues'. */
Test(measure, a_drop_spell_from_first_to_last_drop) {
  world *w = world_new("name: m\nduration: 2h\nseed: 3\nsample_every: 1m\n"
                       "essentials: {queue: 1MB}\nagent: {queue: 64KB}\n"
                       "management_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 2, clients: 8}\n"
                       "faults:\n  - {site_outage: cust-1, at: 30m, for: 30m}\n");
  rm_group *g = &w->g;
  rm_node *a = &g->agents[0].node;
  world_run(w, 30 * RS_MIN);
  cr_assert_eq(g->m.dropped_total, 0);
  cr_assert_not(a->m.dropping);
  world_run(w, 59 * RS_MIN);
  cr_assert_gt(g->m.dropped_total, 0);
  cr_assert(a->m.dropping, "the agent drops while its Essentials server cannot send");
  cr_assert_eq(a->m.drop_from, 0, "its first spell");
  cr_assert_gt(a->m.drop_since, 30 * RS_MIN);
  cr_assert_leq(a->m.drop_last, 59 * RS_MIN);
  world_run(w, w->sc.duration);
  cr_assert_not(a->m.dropping, "ended at a sample that found no new drop");
  cr_assert_leq(a->m.drop_last, 62 * RS_MIN, "it stopped once the link was back");
  cr_assert_eq(g->m.dropped_total, rm_measure_dropped(g));
  cr_assert_eq(g->m.dropped_total, rm_measure_dropped_role(g, RM_AGENT), "only the agents drop");
  cr_assert_gt(a->m.drop_last_lost, 0, "lost so far, anywhere, at its last drop");
  cr_assert_leq(a->m.drop_last_lost, g->m.dropped_total);
  cr_assert_gt(a->m.drop_last_queued, 1048576, "its Essentials server's queue was full then");
  int64_t began = 0, ended = 0;
  for (int64_t i = 0; i < g->story.n; i++) {
    const rm_story_line *l = &g->story.lines[i];
    if (strcmp(l->kind, "drop") == 0) began += l->count;
    if (strcmp(l->kind, "drop_ended") == 0) ended += l->count;
  }
  cr_assert_eq(began, g->n_agents, "one spell per agent");
  cr_assert_eq(ended, began);
  assert_conserved(w);
  world_free(w);
}

/* gw-2 carries both customers while gw-1 is down: one episode over its
 * limit, from the instant a-1 connected to it (2 minutes after the crash)
 * to the instant it failed back. */
Test(measure, limit_episodes_and_peaks) {
  world *w = world_new("name: m\nduration: 4h\nseed: 5\nlimits: {gateway_agents: 100}\n" TWO_GATEWAYS
                       "faults:\n  - {crash: gw-1, at: 1h0m7s, for: 1h}\n");
  rm_group *g = &w->g;
  rm_node *gw1 = world_node(w, "gw-1"), *gw2 = world_node(w, "gw-2");
  rs_time_t T = RS_HOUR + 7 * RS_SEC, on = T + 120 * RS_SEC;
  world_run(w, on);
  cr_assert_eq(gw2->agents, 150);
  cr_assert_not(gw2->m.over_limit, "judged once the instant has settled");
  world_run(w, on + 1);
  cr_assert(gw2->m.over_limit);
  cr_assert_eq(gw2->m.first_over, on);
  cr_assert_eq(g->m.n_limits, 1);
  cr_assert_eq(g->m.limits[0].end, -1, "open while it lasts");
  world_run(w, w->sc.duration);
  cr_assert_eq(g->m.n_limits, 1);
  const rm_limit_episode *e = &g->m.limits[0];
  cr_assert_eq(e->node, gw2);
  cr_assert_eq(e->start, on);
  cr_assert_geq(e->end, T + RS_HOUR, "until a-1 fails back (its checks every 60 s from T + 2m meet gw-1's return)");
  cr_assert_leq(e->end, T + RS_HOUR + RS_MIN);
  cr_assert_eq(e->peak, 150);
  cr_assert_not(gw2->m.over_limit);
  cr_assert_eq(gw2->m.limit_episode, -1);
  cr_assert_eq(gw2->m.over_total, e->end - e->start);
  cr_assert_eq(gw2->m.peak_agents, 150);
  cr_assert_eq(gw2->m.peak_time, on);
  cr_assert_eq(gw1->m.first_over, -1, "never over");
  cr_assert_eq(gw1->m.peak_agents, 100);
  cr_assert_eq(g->m.limit_events, 1);
  cr_assert_eq(rm_measure_over_count(g, RM_GATEWAY), 1);
  cr_assert_eq(rm_measure_over_count(g, RM_MS), 0);
  cr_assert_eq(rm_measure_peak(g, RM_GATEWAY), gw2);
  world_free(w);
}

/* A sender's outage runs from losing its parent to connecting again; the
 * SQL service's from the cluster going down to its coming back, and the
 * management server that lost it logs its own. */
Test(measure, connection_and_service_outages) {
  world *w = world_new("name: m\nduration: 4h\nseed: 5\n" TWO_GATEWAYS
                       "faults:\n  - {crash: gw-1, at: 1h0m7s, for: 1h}\n  - {crash: sql, at: 3h, for: 10m}\n");
  rm_group *g = &w->g;
  rs_time_t T = RS_HOUR + 7 * RS_SEC;
  world_run(w, w->sc.duration);
  rm_node *a = world_node(w, "a-1"), *ms = world_node(w, "ms-1");
  const rm_link_outage *lost_gw = NULL, *lost_sql = NULL;
  for (int64_t i = 0; i < g->m.n_link_outages; i++) {
    const rm_link_outage *o = &g->m.link_outages[i];
    if (o->owner == a) lost_gw = o;
    if (o->owner == ms) lost_sql = o;
  }
  cr_assert_not_null(lost_gw);
  cr_assert_eq(lost_gw->lost, world_node(w, "gw-1"));
  cr_assert_eq(lost_gw->start, T);
  cr_assert_eq(lost_gw->end, T + 120 * RS_SEC);
  cr_assert_not(lost_gw->cut);
  cr_assert_not_null(lost_sql);
  cr_assert_eq(lost_sql->lost, &g->sql.node);
  cr_assert_eq(lost_sql->start, 3 * RS_HOUR);
  cr_assert_gt(lost_sql->end, 3 * RS_HOUR + 10 * RS_MIN);
  cr_assert_eq(g->m.n_svc_outages, 1, "the RMS stayed up");
  const rm_link_outage *s = &g->m.svc_outages[0];
  cr_assert_eq(s->owner, &g->sql.node);
  cr_assert_eq(s->start, 3 * RS_HOUR);
  cr_assert_gt(s->end, 3 * RS_HOUR + 10 * RS_MIN, "back through a failover onto the node that returned");
  cr_assert_leq(s->end, lost_sql->end);
  cr_assert_eq(g->m.svc_open[0], -1);
  cr_assert_eq(g->m.svc_open[1], -1);
  world_free(w);
}

/* A mark at every sample (with the bytes queued) and before every fault
 * step (without), in time order. */
Test(measure, marks_at_samples_and_fault_steps) {
  world *w = world_new("name: m\nduration: 1h\nseed: 5\nsample_every: 10m\n" TWO_GATEWAYS
                       "faults:\n  - {crash: gw-1, at: 25m, for: 10m}\n");
  rm_group *g = &w->g;
  world_run(w, w->sc.duration);
  cr_assert_eq(g->m.n_marks, 7 + 2, "samples at 0, 10m, ... 1h, and the crash and the restart");
  int steps = 0;
  for (int64_t i = 0; i < g->m.n_marks; i++) {
    const rm_mark *mk = &g->m.marks[i];
    if (i) cr_assert_geq(mk->t, g->m.marks[i - 1].t);
    if (mk->queued < 0) {
      steps++;
      cr_assert(mk->t == 25 * RS_MIN || mk->t == 35 * RS_MIN, "a step at %lld", (long long)mk->t);
    } else {
      cr_assert_eq(mk->t % (10 * RS_MIN), 0);
    }
    cr_assert_eq(mk->dropped, 0);
  }
  cr_assert_eq(steps, 2);
  world_free(w);
}
