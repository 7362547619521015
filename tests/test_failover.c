/* Connections and failover: Essentials servers onto their backup gateway
 * and back, gateways onto their failover management server, and the agents
 * each parent carries meanwhile. */
#include "model_util.h"

static const char *two_gateways =
    "name: f\nduration: 6h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
    "customers:\n  - {name: a, count: 1, servers: 10, clients: 90, primary: gw-1, backup: gw-2}\n"
    "  - {name: b, count: 1, servers: 5, clients: 45, primary: gw-2, backup: gw-1}\n"
    "faults:\n  - {crash: gw-1, at: 1h0m7s, for: 1h}\n"
    "expect: [capacity_held, no_data_lost, {failover_within: 2m}]\n";

/* The crash at T: 3 retries of gw-1 every 30 s fail (T+30, T+60, T+90),
 * then connecting to gw-2 takes 30 s: connected at T+120 s exactly. */
Test(failover, essentials_onto_backup_after_retries_and_connect_time) {
  world *w = world_new(two_gateways);
  rs_time_t T = RS_HOUR + 7 * RS_SEC;
  rm_essentials *a = (rm_essentials *)(void *)world_node(w, "a-1");
  rm_node *gw1 = world_node(w, "gw-1"), *gw2 = world_node(w, "gw-2");
  world_run(w, T - 1);
  cr_assert_eq(a->up.state, RM_UL_CONNECTED);
  cr_assert_eq(a->node.parent, gw1);
  cr_assert_eq(gw1->agents, 100);
  world_run(w, T);
  cr_assert_eq(a->up.state, RM_UL_RETRYING);
  cr_assert_null(a->node.parent);
  cr_assert_eq(gw1->agents, 0);
  world_run(w, T + 90 * RS_SEC);
  cr_assert_eq(a->up.state, RM_UL_CONNECTING, "after the third retry it connects to its backup");
  cr_assert_eq(a->up.retries, 3);
  world_run(w, T + 120 * RS_SEC - 1);
  cr_assert_null(a->node.parent);
  world_run(w, T + 120 * RS_SEC);
  cr_assert_eq(a->up.state, RM_UL_CONNECTED);
  cr_assert_eq(a->node.parent, gw2);
  cr_assert_eq(a->up.cur, 1);
  cr_assert_eq(gw2->agents, 150, "gw-2 carries both customers");
  cr_assert_eq(world_node(w, "ms-1")->agents, 150);
  world_free(w);
}

/* While on its backup it asks the primary every 60 s: back within 60 s of
 * the primary's return. */
Test(failover, fails_back_within_60s_of_the_primary_return) {
  world *w = world_new(two_gateways);
  rs_time_t R = 2 * RS_HOUR + 7 * RS_SEC;
  rm_essentials *a = (rm_essentials *)(void *)world_node(w, "a-1");
  world_run(w, R - 1);
  cr_assert_eq(a->up.cur, 1);
  world_run(w, R + 60 * RS_SEC);
  cr_assert_eq(a->up.state, RM_UL_CONNECTED);
  cr_assert_eq(a->up.cur, 0, "not back on its primary 60 s after it returned");
  cr_assert_eq(a->node.parent, world_node(w, "gw-1"));
  cr_assert_eq(world_node(w, "gw-1")->agents, 100);
  cr_assert_eq(world_node(w, "gw-2")->agents, 50);
  cr_assert_eq(a->up.losses, 1);
  cr_assert_eq(a->up.failovers, 1);
  cr_assert_eq(a->up.failbacks, 1);
  cr_assert_eq(a->up.worst_reconnect, 120 * RS_SEC);
  /* b was never on gw-1: untouched. */
  rm_essentials *b = (rm_essentials *)(void *)world_node(w, "b-1");
  cr_assert_eq(b->up.losses, 0);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 0, "%s / %s / %s", w->g.m.verdicts[0].detail,
               w->g.m.verdicts[1].detail, w->g.m.verdicts[2].detail);
  world_free(w);
}

/* Other retry settings give other times: retries 1, every 10 s, connect 5 s. */
Test(failover, timing_follows_the_parameters) {
  world *w = world_new("name: f\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "connections: {retry_interval: 10s, retries: 1, connect_time: 5s}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 9, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {crash: gw-1, at: 10m}\n");
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  world_run(w, 10 * RS_MIN + 15 * RS_SEC - 1);
  cr_assert_null(e->node.parent);
  world_run(w, 10 * RS_MIN + 15 * RS_SEC);
  cr_assert_eq(e->node.parent, world_node(w, "gw-2"));
  world_free(w);
}

/* With no backup the Essentials server keeps retrying its only gateway and
 * is back at the first retry after the gateway returns; its queue held the
 * data meanwhile. */
Test(failover, no_backup_waits_for_the_primary) {
  world *w = world_new("name: f\nduration: 2h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 2, clients: 8}\n"
                       "faults:\n  - {crash: gw-1, at: 10m, for: 20m}\n"
                       "expect: [{failover_within: 5m}]\n");
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  cr_assert_eq(e->up.n_targets, 1);
  world_run(w, 30 * RS_MIN - 1);
  cr_assert_null(e->node.parent);
  cr_assert_gt(e->node.spool.bytes, 0, "its queue holds what it could not send");
  world_run(w, 30 * RS_MIN + 30 * RS_SEC);
  cr_assert_eq(e->node.parent, world_node(w, "gw-1"));
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  cr_assert_eq(e->up.worst_reconnect, 20 * RS_MIN, "the retry at 30m finds it back");
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 1, "20 minutes is over the 5-minute limit");
  cr_assert(strstr(w->g.m.verdicts[0].detail, "cust-1 reconnected 20m after"), "%s", w->g.m.verdicts[0].detail);
  world_free(w);
}

/* A management server fails: its gateways fail over to the other one, which
 * then carries every agent, and the capacity expectation says so. */
Test(failover, survivor_management_server_carries_4000) {
  world *w = world_new("name: m\nduration: 4h\nseed: 2\nmanagement_servers: {count: 2}\ngateways: {count: 10}\n"
                       "customers:\n  - {count: 20, servers: 10, clients: 190}\n"
                       "faults:\n  - {crash: ms-1, at: 1h, for: 1h}\n"
                       "expect: [capacity_held, no_data_lost, {failover_within: 3m}]\n");
  rm_node *ms1 = world_node(w, "ms-1"), *ms2 = world_node(w, "ms-2");
  world_run(w, RS_HOUR - 1);
  cr_assert_eq(ms1->agents, 2000);
  cr_assert_eq(ms2->agents, 2000);
  world_run(w, RS_HOUR + 2 * RS_MIN);
  cr_assert_eq(ms1->agents, 0);
  cr_assert_eq(ms2->agents, 4000);
  world_run(w, RS_HOUR + 2 * RS_MIN + 1);
  cr_assert(ms2->m.over_limit, "judged over once the instant of the failover has settled");
  world_run(w, 2 * RS_HOUR + 2 * RS_MIN);
  cr_assert_eq(ms1->agents, 2000, "the gateways fail back");
  cr_assert_not(ms2->m.over_limit);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(ms2->m.peak_agents, 4000);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 1);
  cr_assert_not(w->g.m.verdicts[0].held);
  cr_assert(strstr(w->g.m.verdicts[0].detail, "ms-2 4000/2000 from 01:02:00 for 58m"), "%s", w->g.m.verdicts[0].detail);
  cr_assert(w->g.m.verdicts[1].held, "%s", w->g.m.verdicts[1].detail);
  cr_assert(w->g.m.verdicts[2].held, "%s", w->g.m.verdicts[2].detail);
  world_free(w);
}

/* A failed-over gateway's agents count at the management server it moved
 * to; an Essentials server's crash takes its agents off its gateway. */
Test(failover, essentials_crash_and_return) {
  world *w = world_new("name: e\nduration: 2h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 2, servers: 5, clients: 45}\n"
                       "faults:\n  - {crash: cust-1, at: 30m, for: 10m}\n");
  rm_node *gw = world_node(w, "gw-1"), *c1 = world_node(w, "cust-1");
  world_run(w, 30 * RS_MIN);
  cr_assert_eq(gw->agents, 50);
  cr_assert_eq(c1->state, RM_DOWN);
  world_run(w, 40 * RS_MIN);
  cr_assert_eq(gw->agents, 100, "back and connected at once: its gateway is up");
  world_run(w, w->sc.duration);
  assert_conserved(w);
  /* Its agents held their data in their own queues while it was down. */
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_free(w);
}

/*
 * A connection attempt succeeds only if the path was up for the whole
 * attempt. A site link cut for exactly 1 h: every 120 s the sender retries
 * its primary 3 times and tries its backup for 30 s; the last attempt on
 * the backup began while the link was down and ends as it comes back, so
 * it fails, and the next retry finds the primary: the customer never lands
 * on its backup.
 */
Test(failover, an_attempt_begun_while_the_link_was_down_fails) {
  world *w = world_new("name: f\nduration: 4h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 90, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {cut: link:cust-1, at: 1h, for: 1h}\n");
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  world_run(w, 2 * RS_HOUR);
  cr_assert_null(e->node.parent, "the attempt that ends as the link returns fails");
  cr_assert_eq(e->up.state, RM_UL_RETRYING);
  world_run(w, 2 * RS_HOUR + 30 * RS_SEC);
  cr_assert_eq(e->node.parent, world_node(w, "gw-1"), "the next retry finds the primary");
  world_run(w, w->sc.duration);
  cr_assert_eq(e->up.failovers, 0);
  cr_assert_eq(world_node(w, "gw-2")->m.peak_agents, 0, "gw-2 never carried the customer");
  world_free(w);
}

/* The backup gateway down for a moment during the 30 s attempt, and back
 * before it ends: the attempt fails all the same. */
Test(failover, an_attempt_fails_if_the_parent_went_down_during_it) {
  world *w = world_new("name: f\nduration: 2h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 90, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {crash: gw-1, at: 1h, for: 30m}\n"
                       "  - {crash: gw-2, at: 1h1m40s, for: 5s}\n");
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  world_run(w, RS_HOUR + 120 * RS_SEC);
  cr_assert_null(e->node.parent, "gw-2 was down during the attempt");
  cr_assert_eq(e->up.failovers, 0);
  world_run(w, RS_HOUR + 240 * RS_SEC);
  cr_assert_eq(e->node.parent, world_node(w, "gw-2"), "the next round connects");
  world_free(w);
}

/*
 * Six gateways on ms-1, each failing over to ms-2 or ms-3. By default the
 * failover server is chosen at random among the list (per gateway, from
 * its own stream): both survivors take some. With failover_policy: ordered
 * every gateway goes to the first of its list, ms-2.
 */
#define SIX_ON_MS1(policy)                                                                                          \
  "name: f\nduration: 3h\nseed: 9\nmanagement_servers: {count: 3}\n"                                                \
  "gateways: {count: 6, report_to: ms-1, failover: [ms-2, ms-3]" policy "}\n"                                       \
  "customers:\n  - {count: 6, servers: 10, clients: 90}\n"                                                          \
  "faults:\n  - {crash: ms-1, at: 1h, for: 1h}\n"

Test(failover, failover_server_chosen_at_random_by_default) {
  int64_t first[2];
  for (int run = 0; run < 2; run++) {
    world *w = world_new(SIX_ON_MS1(""));
    world_run(w, RS_HOUR + 3 * RS_MIN);
    int64_t a2 = world_node(w, "ms-2")->agents, a3 = world_node(w, "ms-3")->agents;
    cr_assert_eq(a2 + a3, 600);
    cr_assert(a2 > 0 && a3 > 0, "both survivors take gateways: ms-2 %lld, ms-3 %lld", (long long)a2, (long long)a3);
    if (run == 0) first[0] = a2, first[1] = a3;
    else cr_assert(first[0] == a2 && first[1] == a3, "the same seed picks the same servers");
    world_run(w, w->sc.duration);
    cr_assert_eq(world_node(w, "ms-1")->agents, 600, "every gateway fails back");
    world_free(w);
  }
}

Test(failover, failover_policy_ordered_takes_the_first) {
  world *w = world_new(SIX_ON_MS1(", failover_policy: ordered"));
  world_run(w, RS_HOUR + 3 * RS_MIN);
  cr_assert_eq(world_node(w, "ms-2")->agents, 600);
  cr_assert_eq(world_node(w, "ms-3")->agents, 0);
  world_free(w);
}
