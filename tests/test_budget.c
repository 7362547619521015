/* The memory a run needs, estimated from its scenario: it grows with what
 * the scenario asks for, part by part. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rm_budget.h"
#include "rm_group.h"

static char err[1024];

static void estimate(const char *text, rm_budget *b) {
  rm_scenario sc;
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", text, strlen(text), err, sizeof err), 0, "%s", err);
  rm_budget_estimate(&sc, sc.duration, b);
  rm_scenario_free(&sc);
}

static const char *design(int customers, int gateways, const char *more) {
  static char buf[4096];
  snprintf(buf, sizeof buf,
           "name: b\nduration: 1h\nmanagement_servers: {count: %d}\ngateways: {count: %d}\n"
           "customers:\n  - {count: %d, servers: 10, clients: 190}\n%s",
           gateways > 10 ? gateways / 5 : 2, gateways, customers, more);
  return buf;
}

/* The group: at least each agent's structure, and in proportion to the
 * agents (ten million agents are over 5 GB). */
Test(budget, the_group_grows_with_the_agents) {
  rm_budget a, b, c;
  estimate(design(20, 8, ""), &a);
  estimate(design(200, 80, ""), &b);
  estimate(design(50000, 20000, ""), &c);
  cr_assert_geq(a.group, 4000.0 * sizeof(rm_agent));
  cr_assert_leq(a.group, 4000.0 * 2 * sizeof(rm_agent) + 100e3);
  cr_assert(b.group > 9 * a.group && b.group < 11 * a.group, "%g %g", a.group, b.group);
  cr_assert_gt(c.total, 5.0 * (1 << 30), "%g", c.total);
  cr_assert_eq(a.total, a.fixed + a.group + a.scenario + a.timeline + a.growth);
}

/* The backup placement's table of gateways by gateways: 100 000 gateways
 * take 80 GB. */
Test(budget, gateways_by_gateways) {
  rm_budget b;
  estimate(design(10, 100000, ""), &b);
  cr_assert_gt(b.group, 80e9, "%g", b.group);
}

/* Faults: steps and nodes, and the data queued behind them for as long as
 * they last. */
Test(budget, faults_and_the_data_they_hold_back) {
  rm_budget none, crash, cut, cut_long, dc, flap, roles;
  estimate(design(500, 250, ""), &none);
  estimate(design(500, 250, "faults:\n  - {crash: gw-1, at: 10m, for: 10m}\n"), &crash);
  estimate(design(500, 250, "faults:\n  - {cut: link:cust-1, at: 10m, for: 10m}\n"), &cut);
  estimate(design(500, 250, "faults:\n  - {cut: link:cust-1, at: 10m, for: 40m}\n"), &cut_long);
  estimate(design(500, 250, "faults:\n  - {datacenter_outage: true, at: 10m, for: 40m}\n"), &dc);
  estimate(design(500, 250, "faults:\n  - {flap: role:agent, every: 1m, times: 20, at: 5m}\n"), &flap);
  estimate(design(500, 250, "faults:\n  - {crash: role:agent, at: 5m, for: 1m}\n"), &roles);
  cr_assert_gt(crash.growth, none.growth);
  cr_assert_gt(cut.growth, none.growth);
  cr_assert_gt(cut_long.growth, cut.growth);
  /* every site's link: 500 of them */
  cr_assert_gt(dc.growth, 200 * (cut_long.growth - none.growth), "%g %g", dc.growth, cut_long.growth);
  /* 100 000 agents: 40 steps and 100 000 nodes, twice over */
  cr_assert_geq(flap.timeline, 2 * (40.0 * sizeof(rm_step) + 100000.0 * 8));
  cr_assert_geq(roles.timeline, 2 * 2 * 100000.0 * 8);
  cr_assert_geq(roles.growth - none.growth, 100000.0 * 64);
}

/* Random failures: the count expected is nodes x duration / (mtbf + mttr),
 * and each costs two steps. */
Test(budget, random_failures) {
  rm_budget none, some;
  estimate(design(20, 8, ""), &none);
  estimate(design(20, 8, "random_failures:\n  agent: {mtbf: 55m, mttr: 5m}\n  gateway: {mtbf: 20m, mttr: 10m}\n"),
           &some);
  cr_assert_eq(none.random_failures, 0);
  cr_assert_float_eq(some.random_failures, 4000 * 1.0 + 8 * 2.0, 1e-6);
  cr_assert_geq(some.timeline - none.timeline, 2 * 2 * some.random_failures * sizeof(rm_step));
  cr_assert_gt(some.growth, none.growth);
}

/* A host's random failure is a failure of each server it runs: the count
 * expected is hosts x duration / (mtbf + mttr), and what it holds back is
 * its servers' (two gateways on a host hold back what two gateways' own
 * failures do). */
Test(budget, random_failures_of_hosts) {
  rm_budget none, hosts, gateways;
  const char *two = "hosts:\n  - {name: h1, runs: [gw-1, gw-2]}\n  - {name: h2, runs: [gw-3, gw-4]}\n";
  char text[512];
  estimate(design(20, 8, two), &none);
  snprintf(text, sizeof text, "%srandom_failures:\n  host: {mtbf: 20m, mttr: 10m}\n", two);
  estimate(design(20, 8, text), &hosts);
  estimate(design(20, 8, "random_failures:\n  gateway: {mtbf: 20m, mttr: 10m}\n"), &gateways);
  cr_assert_float_eq(hosts.random_failures, 2 * 2.0, 1e-6);
  cr_assert_geq(hosts.timeline - none.timeline, 2 * 2 * hosts.random_failures * sizeof(rm_step));
  /* Less a mark for each of its two steps (twice over: the array grows by
   * doubling), 4 of the 8 gateways failing as often as each does alone. */
  double h = hosts.growth - none.growth - 2.0 * 2 * hosts.random_failures * sizeof(rm_mark);
  double g = gateways.growth - none.growth - 2.0 * 2 * gateways.random_failures * sizeof(rm_mark);
  cr_assert_float_eq(h, g / 2, 1e-9 * g, "%g %g", h, g);
}

/* A group generating more than the SQL store takes in (on a node with
 * one processor and a data warehouse on two disks) queues all run; on a
 * SQL node big enough, it does not. */
Test(budget, overload_queues_all_run) {
  rm_budget within, over;
  estimate(design(100, 40,
                  "hardware:\n  models: [{name: big, like: sql-standard, processors: 16, "
                  "disks: {dw_data: {count: 40, rpm: 15000, raid: 10}}}]\n  sql: big\n"),
           &within);
  estimate(design(100, 40,
                  "hardware:\n  models: [{name: tiny, like: sql-standard, processors: 1, "
                  "disks: {dw_data: {count: 2, rpm: 10000, raid: 1}}}]\n  sql: tiny\n"),
           &over);
  cr_assert_gt(over.growth, within.growth + 10e6, "%g %g", over.growth, within.growth);
}

/* An event storm is refused where its mtbf is written. */
Test(budget, event_storms_are_refused) {
  rm_scenario sc;
  const char *text = design(20, 8, "random_failures:\n  gateway: {mtbf: 1h, mttr: 1m}\n  agent: {mtbf: 1us, mttr: 1us}\n");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", text, strlen(text), err, sizeof err), -1);
  cr_assert(strncmp(err, "t.yaml:9:17: mtbf: about 7.2e+12 random failures expected", 57) == 0, "%s", err);
  cr_assert(strstr(err, "4000 agent nodes x 1h / (mtbf 1us + mttr 1us)"), "%s", err);
  cr_assert(strstr(err, "more than romsim draws (10000000)"), "%s", err);
  /* 10 000 000 expected is still a run */
  text = design(20, 8, "random_failures:\n  agent: {mtbf: 59m59s, mttr: 1s}\n");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", text, strlen(text), err, sizeof err), 0, "%s", err);
  rm_scenario_free(&sc);
}
