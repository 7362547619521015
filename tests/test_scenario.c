/* The scenario loader: defaults, names, references, and errors with their
 * positions. */
#include <criterion/criterion.h>
#include <string.h>

#include "rm_scenario.h"

static char err[1024];

static int parse(rm_scenario *sc, const char *text) {
  err[0] = '\0';
  return rm_scenario_parse(sc, "t.yaml", text, strlen(text), err, sizeof err);
}

/* Parsing text must fail with a message starting with want_prefix. */
static void fails(const char *text, const char *want_prefix, const char *want_text) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, text), -1, "accepted: %s", text);
  cr_assert(strncmp(err, want_prefix, strlen(want_prefix)) == 0, "want '%s...', got '%s'", want_prefix, err);
  cr_assert(strstr(err, want_text), "want '%s' in '%s'", want_text, err);
}

#define BASE "name: t\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"

Test(scenario, defaults) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE "customers:\n  - {count: 3, servers: 10, clients: 190}\n"), 0, "%s", err);
  cr_assert_str_eq(sc.name, "t");
  cr_assert_eq(sc.duration, RS_HOUR);
  cr_assert_eq(sc.seed, 0);
  cr_assert_eq(sc.sample_every, RS_MIN);
  cr_assert_eq(sc.p.heartbeat_interval, RS_MIN);
  cr_assert_eq(sc.p.ms_agents, 2000);
  cr_assert_eq(sc.p.gw_agents, 530);
  cr_assert_eq(sc.p.ess_servers, 30);
  cr_assert_eq(sc.p.ess_clients, 500);
  cr_assert_eq(sc.n_ms, 1);
  cr_assert_str_eq(sc.ms_names[0], "ms-1");
  cr_assert_eq(sc.n_gw, 2);
  cr_assert_str_eq(sc.gw_names[1], "gw-2");
  cr_assert_null(sc.gw_report_to);
  cr_assert_eq(sc.n_specs, 1);
  cr_assert_str_eq(sc.specs[0].prefix, "cust");
  cr_assert_null(sc.specs[0].primary);
  cr_assert_eq(rm_scenario_customers(&sc), 3);
  cr_assert_eq(rm_scenario_agents(&sc), 600);
  cr_assert_eq(sc.n_expect, 0);
  cr_assert_eq(sc.text_len, strlen(sc.text));
  rm_scenario_free(&sc);
}

Test(scenario, overrides_and_names) {
  rm_scenario sc;
  const char *text =
      "name: n\nduration: 1h30m\nseed: 18446744073709551615\nsample_every: 90s\n"
      "management_servers: {names: [alpha, beta]}\n"
      "gateways: {names: [g1, g2, g3], report_to: beta}\n"
      "limits: {gateway_agents: 600, management_server_agents: 4000}\n"
      "heartbeat: {interval: 30s}\n"
      "customers:\n"
      "  - {name: big, count: 2, servers: 20, clients: 300, primary: g2, backup: g3}\n"
      "  - {count: 5, clients: 10}\n"
      "expect: [capacity_held]\n";
  cr_assert_eq(parse(&sc, text), 0, "%s", err);
  cr_assert_eq(sc.duration, 90 * RS_MIN);
  cr_assert_eq(sc.seed, UINT64_MAX);
  cr_assert_eq(sc.sample_every, 90 * RS_SEC);
  cr_assert_str_eq(sc.ms_names[1], "beta");
  cr_assert_str_eq(sc.gw_report_to, "beta");
  cr_assert_eq(sc.p.gw_agents, 600);
  cr_assert_eq(sc.p.ms_agents, 4000);
  cr_assert_eq(sc.p.ess_clients, 500);
  cr_assert_eq(sc.p.heartbeat_interval, 30 * RS_SEC);
  cr_assert_str_eq(sc.specs[0].prefix, "big");
  cr_assert_str_eq(sc.specs[0].primary, "g2");
  cr_assert_str_eq(sc.specs[0].backup, "g3");
  cr_assert_str_eq(sc.specs[1].prefix, "cust2");
  cr_assert_eq(sc.specs[1].servers, 0);
  cr_assert_eq(rm_scenario_agents(&sc), 2 * 320 + 5 * 10);
  cr_assert_eq(sc.n_expect, 1);
  cr_assert_eq(sc.expect[0].kind, RM_EX_CAPACITY_HELD);
  cr_assert_eq(sc.expect[0].phase, RM_PHASE_RUN);
  rm_scenario_free(&sc);
}

Test(scenario, errors_with_positions) {
  fails("name: t\nduration: 1h\nduration: 2h\n", "t.yaml:3:1: ", "key 'duration' appears twice");
  fails(BASE "customers:\n  - {count: 1, servers: 1, primary: gw-3}\n", "t.yaml:6:37: ", "no gateway is named 'gw-3'");
  fails(BASE "customers:\n  - {count: 1, servers: 1, primary: gw-1, backup: gw-1}\n", "t.yaml:6:51: ",
        "backup must differ from primary");
  fails("name: t\nduration: 1h\nmanagement_servers: {count: 1, names: [a]}\n", "t.yaml:3:32: ", "give count or names, not both");
  fails("name: t\nduration: 1h\nmanagement_servers: {names: [a, b, a]}\n", "t.yaml:3:36: ", "name 'a' is given twice");
  fails(BASE "customers:\n  - {count: 0, servers: 1}\n", "t.yaml:6:13: ", "count must be between 1 and");
  fails(BASE "customers:\n  - {count: 1}\n", "t.yaml:6:5: ", "needs servers or clients");
  fails(BASE "customers:\n  - {count: 1, servers: 0, clients: 0}\n", "t.yaml:6:5: ", "at least one computer");
  fails(BASE "customers: []\n", "t.yaml:5:12: ", "customers must be a non-empty list");
  fails(BASE "customers:\n  - {count: 1, servers: 1, colour: red}\n", "t.yaml:6:28: ", "unknown key 'colour' in a customer line");
  fails("name: t\nduration: 0s\n", "t.yaml:2:11: ", "duration must be at least 1s");
  fails("name: t\nduration: 1h\nsample_every: [1m]\n", "t.yaml:3:15: ", "sample_every must be a duration");
  fails("name: t\nduration: \"5q\"\n", "t.yaml:2:13: ", "bad duration '5q'");
  fails("name: t\nduration: 1h\nmanagement_servers: {count: 2}\ngateways: {count: 2, failover_policy: first}\n",
        "t.yaml:4:39: ", "failover_policy must be random (the default) or ordered, not 'first'");
  fails("name: t\nduration: 1h\nseed: '7'\n", "t.yaml:3:7: ", "seed must be a non-negative integer");
  fails("name: t\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 1, report_to: ms-9}\n",
        "t.yaml:4:33: ", "no management server is named 'ms-9'");
  fails("name: t\nduration: 1h\nmanagement_servers: {names: [gw-1]}\ngateways: {count: 1}\n", "t.yaml:4:11: ",
        "gateway name 'gw-1' is also a management server's");
  fails("name: [a\n", "t.yaml:2:1: ", "YAML syntax error");
  fails("name: t\n\tduration: 1h\n", "t.yaml:2:1: ", "YAML syntax error");
}

Test(scenario, nul_byte_is_refused) {
  rm_scenario sc;
  const char text[] = "name: t\0duration: 1h\n";
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", text, sizeof text - 1, err, sizeof err), -1);
  cr_assert(strstr(err, "NUL byte"), "%s", err);
}

Test(scenario, missing_file) {
  rm_scenario sc;
  cr_assert_eq(rm_scenario_load(&sc, "/nonexistent/x.yaml", err, sizeof err), -1);
  cr_assert_str_eq(err, "/nonexistent/x.yaml: cannot open the scenario: No such file or directory");
}
