/* The group: placement of customers and gateways, agents carried, the
 * heartbeats that flow, the capacity verdict, and runs side by side. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rm_group.h"

static char err[1024];

static void load(rm_scenario *sc, const char *text) {
  cr_assert_eq(rm_scenario_parse(sc, "t.yaml", text, strlen(text), err, sizeof err), 0, "%s", err);
}

static const char *guide(int gateways) {
  static char buf[512];
  snprintf(buf, sizeof buf,
           "name: g\nduration: 1h\nseed: 3\nmanagement_servers: {count: 2}\ngateways: {count: %d}\n"
           "customers:\n  - {count: 20, servers: 10, clients: 190}\nexpect: [capacity_held]\n",
           gateways);
  return buf;
}

/* Agents carried add up at every tier. */
static void check_conservation(const rm_group *g) {
  int64_t ess = 0, gw = 0, ms = 0;
  for (int i = 0; i < g->n_ess; i++) ess += g->ess[i].node.agents;
  for (int i = 0; i < g->n_gw; i++) gw += g->gw[i].node.agents;
  for (int i = 0; i < g->n_ms; i++) ms += g->ms[i].node.agents;
  cr_assert_eq(ess, g->n_agents);
  cr_assert_eq(gw, g->n_agents);
  cr_assert_eq(ms, g->n_agents);
}

Test(group, guide_example_on_8_gateways) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, guide(8));
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  check_conservation(&g);
  /* 20 whole customers on 8 gateways: 3,3,3,3,2,2,2,2. */
  for (int i = 0; i < 8; i++) cr_assert_eq(g.gw[i].node.agents, i < 4 ? 600 : 400, "gw-%d carries %lld", i + 1, (long long)g.gw[i].node.agents);
  /* Largest gateways first onto the emptier server: 600+600+400+400 each. */
  cr_assert_eq(g.ms[0].node.agents, 2000);
  cr_assert_eq(g.ms[1].node.agents, 2000);
  for (int i = 0; i < g.n_ess; i++) {
    cr_assert_not_null(g.ess[i].targets[1]);
    cr_assert_neq(g.ess[i].targets[1], g.ess[i].targets[0]);
  }
    for (int i = 0; i < g.n_ess; i++) cr_assert_eq(g.ess[i].node.parent, g.ess[i].targets[0]);
  cr_assert_eq(rs_sim_run(&sim, sc.duration), RS_RUN_UNTIL);
  cr_assert_eq(rm_group_judge(&g, sc.duration), 1);
  cr_assert_str_eq(g.m.verdicts[0].name, "capacity_held");
  cr_assert_not(g.m.verdicts[0].held);
  cr_assert(strstr(g.m.verdicts[0].detail, "gw-4 600/530 from 00:00:00 for 1h"), "%s", g.m.verdicts[0].detail);
  cr_assert_null(strstr(g.m.verdicts[0].detail, "gw-5"), "%s", g.m.verdicts[0].detail);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

Test(group, packed_on_10_gateways_holds) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, guide(10));
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  check_conservation(&g);
  for (int i = 0; i < 10; i++) cr_assert_eq(g.gw[i].node.agents, 400);
    rs_sim_run(&sim, sc.duration);
  cr_assert_eq(rm_group_judge(&g, sc.duration), 0);
  cr_assert(g.m.verdicts[0].held, "%s", g.m.verdicts[0].detail);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

Test(group, one_management_server_carries_all) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 10m\nmanagement_servers: {count: 2}\ngateways: {count: 10, report_to: ms-2}\n"
            "customers:\n  - {count: 20, servers: 10, clients: 190}\nexpect: [capacity_held]\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  cr_assert_eq(g.ms[0].node.agents, 0);
  cr_assert_eq(g.ms[1].node.agents, 4000);
    rs_sim_run(&sim, sc.duration);
  cr_assert_eq(rm_group_judge(&g, sc.duration), 1);
  cr_assert(strstr(g.m.verdicts[0].detail, "ms-2 4000/2000"), "%s", g.m.verdicts[0].detail);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

Test(group, named_placement_first) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1m\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
            "customers:\n  - {name: a, count: 2, clients: 100, primary: gw-1, backup: gw-3}\n"
            "  - {name: b, count: 2, clients: 50}\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  cr_assert_eq(g.ess[0].targets[0], &g.gw[0].node);
  cr_assert_eq(g.ess[1].targets[0], &g.gw[0].node);
  cr_assert_eq(g.ess[0].targets[1], &g.gw[2].node);
  /* The automatic ones avoid the loaded gw-1: b-1 on gw-2, b-2 on gw-3. */
  cr_assert_eq(g.ess[2].targets[0], &g.gw[1].node);
  cr_assert_eq(g.ess[3].targets[0], &g.gw[2].node);
  cr_assert_eq(g.gw[0].node.agents, 200);
  check_conservation(&g);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/* A gateway given as a mapping has its own management server and failover
 * list; the others are placed as before, around it. */
Test(group, per_gateway_placement) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1m\nmanagement_servers: {count: 3}\n"
            "gateways: {names: [{name: gw-a, report_to: ms-3, failover: [ms-1]}, gw-b,\n"
            "                   {name: gw-c, report_to: ms-3}], failover: [ms-2, ms-3]}\n"
            "customers:\n  - {count: 3, clients: 100}\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  cr_assert_eq(g.gw[0].targets[0], &g.ms[2].node);
  cr_assert_eq(g.gw[0].targets[1], &g.ms[0].node);
  cr_assert_eq(g.gw[0].up.n_targets, 2);
  /* gw-c: its own server, the gateways' failover list without it. */
  cr_assert_eq(g.gw[2].targets[0], &g.ms[2].node);
  cr_assert_eq(g.gw[2].targets[1], &g.ms[1].node);
  cr_assert_eq(g.gw[2].up.n_targets, 2);
  /* gw-b: automatic, onto the least loaded server (ms-1), failover [ms-2, ms-3]. */
  cr_assert_eq(g.gw[1].targets[0], &g.ms[0].node);
  cr_assert_eq(g.gw[1].targets[1], &g.ms[1].node);
  cr_assert_eq(g.gw[1].targets[2], &g.ms[2].node);
  cr_assert_eq(g.ms[2].node.agents, 200);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/* A customer line's primary and backup may be lists, one gateway per
 * customer; auto items are placed as usual. */
Test(group, per_customer_lists) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1m\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
            "customers:\n  - {count: 3, clients: 100, primary: [gw-3, gw-3, auto], backup: [gw-2, gw-1, gw-3]}\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  cr_assert_eq(g.ess[0].targets[0], &g.gw[2].node);
  cr_assert_eq(g.ess[1].targets[0], &g.gw[2].node);
  cr_assert_eq(g.ess[2].targets[0], &g.gw[0].node);
  cr_assert_eq(g.ess[0].targets[1], &g.gw[1].node);
  cr_assert_eq(g.ess[1].targets[1], &g.gw[0].node);
  cr_assert_eq(g.ess[2].targets[1], &g.gw[2].node);
  cr_assert_str_eq(g.ess[1].node.name, "cust-2");
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/* A customer with several Essentials servers (essentials: 2): each manages
 * its share (servers from the first, clients from the last), is named
 * CUSTOMER.J with its agents under it, and is placed whole on its own primary
 * and backup gateway, like any Essentials server; a customer with one keeps
 * its name. */
Test(group, several_essentials_servers_per_customer) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 4}\n"
            "customers:\n  - {servers: 31, clients: 501, essentials: 2}\n"
            "  - {name: b, count: 2, clients: 10, primary: [gw-1, gw-1]}\nexpect: [capacity_held]\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  check_conservation(&g);
  cr_assert_eq(g.n_ess, 4);
  cr_assert_str_eq(g.ess[0].node.name, "cust1-1.1");
  cr_assert_str_eq(g.ess[1].node.name, "cust1-1.2");
  cr_assert_str_eq(g.ess[2].node.name, "b-1");
  cr_assert_eq(g.ess[0].servers, 16);
  cr_assert_eq(g.ess[0].clients, 250);
  cr_assert_eq(g.ess[1].servers, 15);
  cr_assert_eq(g.ess[1].clients, 251);
  cr_assert(rm_essentials_of(&g.ess[1], "cust1-1"));
  cr_assert_not(rm_essentials_of(&g.ess[1], "cust1-1.2"));
  cr_assert_not(rm_essentials_of(&g.ess[2], "cust1-1"));
  cr_assert_str_eq(g.agents[15].node.name, "cust1-1.1/srv-16");
  cr_assert_str_eq(g.agents[16].node.name, "cust1-1.1/cli-1");
  cr_assert_str_eq(g.agents[266].node.name, "cust1-1.2/srv-1");
  cr_assert_str_eq(g.agents[531].node.name, "cust1-1.2/cli-251");
  cr_assert_eq(g.agents[531].ess, &g.ess[1].node);
  /* b's on gw-1 as named; the two halves of cust1-1 each onto the least
   * loaded gateway, each with its own backup. */
  cr_assert_eq(g.ess[0].targets[0], &g.gw[1].node);
  cr_assert_eq(g.ess[1].targets[0], &g.gw[2].node);
  cr_assert_eq(g.ess[0].targets[1], &g.gw[3].node);
  cr_assert_eq(g.ess[1].targets[1], &g.gw[3].node);
  cr_assert_eq(g.gw[0].node.agents, 20);
  cr_assert_eq(g.gw[1].node.agents, 266);
  cr_assert_eq(g.gw[2].node.agents, 266);
  rs_sim_run(&sim, sc.duration);
  cr_assert_eq(rm_group_judge(&g, sc.duration), 0);
  cr_assert(g.m.verdicts[0].held, "%s", g.m.verdicts[0].detail);
  cr_assert_eq(rm_measure_over_count(&g, RM_ESSENTIALS), 0);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/* Every agent sends one heartbeat per interval, and with every hop up each
 * reaches the RMS. */
Test(group, heartbeats_reach_the_rms) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1h\nseed: 11\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
            "customers:\n  - {count: 4, servers: 5, clients: 20}\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&g);
  rs_sim_run(&sim, sc.duration);
  /* First heartbeat in [0, 60 s), then every 60 s up to 1 h inclusive. */
  cr_assert_geq(g.watch.heartbeats, 60 * (uint64_t)g.n_agents);
  cr_assert_leq(g.watch.heartbeats, 61 * (uint64_t)g.n_agents);
  for (int64_t a = 0; a < g.n_agents; a++)
    cr_assert_geq(g.watch.last_heartbeat[a], sc.duration - RS_MIN, "%s: last heartbeat at %lld", g.agents[a].node.name,
                  (long long)g.watch.last_heartbeat[a]);
  /* Agents do not start in step. */
  int distinct = 0;
  for (int64_t a = 1; a < g.n_agents; a++) distinct += rs_sim_event_time(&g.agents[a].tick) != rs_sim_event_time(&g.agents[0].tick);
  cr_assert_gt(distinct, g.n_agents / 2);
  cr_assert_eq(g.watch.alerts, 0);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/* Two runs in one process, stepped alternately, give what each gives
 * alone: a run is a value. */
Test(group, two_runs_side_by_side) {
  rm_scenario sa, sb;
  load(&sa, "name: a\nduration: 30m\nseed: 1\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
            "customers:\n  - {count: 3, servers: 2, clients: 30}\n");
  load(&sb, "name: b\nduration: 30m\nseed: 2\nheartbeat: {interval: 45s}\nmanagement_servers: {count: 1}\n"
            "gateways: {count: 1}\ncustomers:\n  - {count: 2, servers: 3, clients: 7}\n");
  rs_time_t last_a[200], last_b[200];
  uint64_t ev_a, ev_b;
  /* Alone. */
  for (int k = 0; k < 2; k++) {
    rs_sim sim;
    rm_group g;
    rs_sim_init(&sim);
    cr_assert_eq(rm_group_build(&g, k ? &sb : &sa, &sim, NULL, err, sizeof err), 0);
    rm_group_start(&g);
    rs_sim_run(&sim, (k ? &sb : &sa)->duration);
    for (int64_t a = 0; a < g.n_agents; a++) (k ? last_b : last_a)[a] = rs_sim_event_time(&g.agents[a].tick);
    *(k ? &ev_b : &ev_a) = sim.events;
    rm_group_free(&g);
    rs_sim_free(&sim);
  }
  /* Together, one minute at a time each. */
  rs_sim s1, s2;
  rm_group g1, g2;
  rs_sim_init(&s1);
  rs_sim_init(&s2);
  cr_assert_eq(rm_group_build(&g1, &sa, &s1, NULL, err, sizeof err), 0);
  cr_assert_eq(rm_group_build(&g2, &sb, &s2, NULL, err, sizeof err), 0);
  rm_group_start(&g1);
  rm_group_start(&g2);
  for (rs_time_t t = RS_MIN; t <= 30 * RS_MIN; t += RS_MIN) {
    rs_sim_run(&s1, t);
    rs_sim_run(&s2, t);
  }
  cr_assert_eq(s1.events, ev_a);
  cr_assert_eq(s2.events, ev_b);
  cr_assert_neq(ev_a, ev_b);
  for (int64_t a = 0; a < g1.n_agents; a++) cr_assert_eq(rs_sim_event_time(&g1.agents[a].tick), last_a[a]);
  for (int64_t a = 0; a < g2.n_agents; a++) cr_assert_eq(rs_sim_event_time(&g2.agents[a].tick), last_b[a]);
  rm_group_free(&g1);
  rm_group_free(&g2);
  rs_sim_free(&s1);
  rs_sim_free(&s2);
  rm_scenario_free(&sa);
  rm_scenario_free(&sb);
}

/* Every node is found by its name (agents through their Essentials
 * server), and nothing else is; a customer's Essentials servers follow one
 * another. */
Test(group, nodes_found_by_name) {
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  load(&sc, "name: g\nduration: 1h\nweb_console: true\nmanagement_servers: {names: [m1, m2]}\n"
            "gateways: {count: 3}\ncustomers:\n  - {name: a, count: 2, servers: 1, clients: 2}\n"
            "  - {name: a-1, count: 2, servers: 3, clients: 40, essentials: 2}\n");
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), 0, "%s", err);
  static const char *const found[] = {"m2", "gw-3", "a-1", "a-2", "a-1-1.1", "a-1-2.2", "a-2/srv-1", "a-2/cli-2",
                                      "a-1-2.2/srv-1", "a-1-2.2/cli-20", "a-1-1.1/cli-20", "rms", "rms-2", "sql",
                                      "sql-1", "web-1"};
  for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
    rm_node *n = rm_group_find(&g, found[i]);
    cr_assert_not_null(n, "%s not found", found[i]);
    cr_assert_str_eq(n->name, found[i]);
  }
  static const char *const not_found[] = {"m3", "gw-0", "a-3", "a-1-3.1", "a-1-1", "a-2/srv-2", "a-2/cli-3",
                                          "a-2/cli-0", "a-2/cli-02", "a-2/srv-1x", "a-2/srv-", "a-1-2.2/srv-2",
                                          "a-1-2.3/cli-1", "nope/srv-1", "m1/srv-1", "", "/srv-1"};
  for (size_t i = 0; i < sizeof not_found / sizeof not_found[0]; i++)
    cr_assert_null(rm_group_find(&g, not_found[i]), "'%s' found", not_found[i]);
  int first, n;
  cr_assert_eq(rm_group_customer(&g, "a-2", &first, &n), 0);
  cr_assert_str_eq(g.ess[first].node.name, "a-2");
  cr_assert_eq(n, 1);
  cr_assert_eq(rm_group_customer(&g, "a-1-2", &first, &n), 0);
  cr_assert_str_eq(g.ess[first].node.name, "a-1-2.1");
  cr_assert_eq(n, 2);
  cr_assert_str_eq(g.ess[first + 1].node.name, "a-1-2.2");
  cr_assert_eq(rm_group_customer(&g, "a-1", &first, &n), 0); /* line a's first customer */
  cr_assert_eq(n, 1);
  cr_assert_eq(rm_group_customer(&g, "a-1-2.1", &first, &n), -1);
  cr_assert_eq(rm_group_customer(&g, "a-3", &first, &n), -1);
  cr_assert_eq(rm_group_customer(&g, "gw-1", &first, &n), -1);
  rm_group_free(&g);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}
