/* The scenario loader: defaults, names, references, and errors with their
 * positions. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
  /* Numbers out of range are refused as such, never wrapped. */
  fails(BASE "customers:\n  - {count: 99999999999999999999, servers: 1}\n", "t.yaml:6:13: ",
        "count must be between 1 and 1000000, not 99999999999999999999");
  fails(BASE "customers:\n  - {count: 4294967297, servers: 1}\n", "t.yaml:6:13: ",
        "count must be between 1 and 1000000, not 4294967297");
  fails(BASE "customers:\n  - {count: +5, servers: 1}\n", "t.yaml:6:13: ", "count must be an integer, not '+5'");
  fails("name: t\nduration: 999999999d\n", "t.yaml:2:11: ", "duration: '999999999d' is too long (at most 106751991d)");
  fails("name: t\nduration: 1h\nseed: 18446744073709551616\n", "t.yaml:3:7: ", "seed must be a non-negative integer below 2^64");
  fails("name: t\nduration: 1h\nseed: -1\n", "t.yaml:3:7: ", "seed must be a non-negative integer below 2^64");
  fails("name: t\nduration: 1h\nessentials: {forward_share: 1e999}\n", "t.yaml:3:29: ",
        "essentials.forward_share must be between 0 and 1, not 1e999");
  fails("name: t\nduration: 1h\nheartbeat: {interval: 100000000d}\n", "t.yaml:3:23: ",
        "heartbeat.interval must be at most 3650d (ten years), not '100000000d'");
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

/* An Essentials server in service provider mode manages at most 30 servers
 * and 500 clients: a customer it cannot hold is refused where its count is
 * written, naming the limit and the essentials: that would hold it. */
Test(scenario, essentials_limit_is_refused) {
  fails(BASE "customers:\n  - {count: 1, servers: 31, clients: 500}\n", "t.yaml:6:25: ",
        "a customer with 31 servers and 500 clients is over an Essentials server's limit of 30 servers + 500 "
        "clients (service provider mode): add essentials: 2");
  fails(BASE "customers:\n  - {count: 1, servers: 30, clients: 501}\n", "t.yaml:6:38: ", "add essentials: 2");
  fails(BASE "customers:\n  - {count: 1, clients: 531}\n", "t.yaml:6:25: ", "over an Essentials server's limit");
  fails(BASE "customers:\n  - {count: 3, servers: 10, clients: 1600}\n", "t.yaml:6:38: ", "add essentials: 4");
  /* A count that cannot hold them, or more servers than computers. */
  fails(BASE "customers:\n  - {servers: 61, clients: 500, essentials: 2}\n", "t.yaml:6:45: ",
        "essentials: 2: 61 servers and 500 clients split over 2 Essentials servers leave up to 31 servers and 250 "
        "clients on one, over an Essentials server's limit of 30 servers + 500 clients; it takes essentials: 3");
  fails(BASE "customers:\n  - {servers: 1, clients: 1, essentials: 3}\n", "t.yaml:6:42: ",
        "essentials: 3 Essentials servers for 2 computers: each needs at least one");
  fails(BASE "customers:\n  - {servers: 1, essentials: 0}\n", "t.yaml:6:30: ", "essentials must be between 1 and");
  /* The limits a scenario sets are the ones checked. */
  fails(BASE "limits: {essentials_clients: 100}\ncustomers:\n  - {clients: 101}\n", "t.yaml:7:15: ",
        "limit of 30 servers + 100 clients");
  fails(BASE "limits: {essentials_servers: 0}\ncustomers:\n  - {servers: 2, essentials: 2}\n", "t.yaml:7:15: ",
        "an Essentials server manages at most 0 servers and 500 clients (limits: essentials_servers, "
        "essentials_clients), so no number of them holds 2 servers");
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE "limits: {essentials_servers: 31}\ncustomers:\n  - {servers: 31, clients: 500}\n"), 0,
               "%s", err);
  rm_scenario_free(&sc);
  cr_assert_eq(parse(&sc, BASE "limits: {essentials_servers: 0}\ncustomers:\n  - {clients: 500}\n"), 0, "%s", err);
  rm_scenario_free(&sc);
  /* Within the limit, one Essentials server; essentials: 1 says the same. */
  cr_assert_eq(parse(&sc, BASE "customers:\n  - {servers: 30, clients: 500, essentials: 1}\n"), 0, "%s", err);
  cr_assert_eq(rm_scenario_essentials(&sc), 1);
  rm_scenario_free(&sc);
}

/* essentials: N splits each customer over N Essentials servers, named
 * CUSTOMER.1 ... CUSTOMER.N; their agents are named under them. */
Test(scenario, several_essentials_servers) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE "customers:\n  - {count: 2, servers: 31, clients: 501, essentials: 2}\n"
                               "  - {name: small, count: 3, clients: 10}\n"
                               "faults:\n  - {crash: customer:cust1-2, at: 10m, for: 5m}\n"
                               "  - {site_outage: cust1-1, at: 20m, for: 5m}\n"
                               "  - {cut: link:cust1-1.2, at: 30m, for: 5m}\n"
                               "  - {crash: cust1-2.1/srv-16, at: 40m, for: 5m}\n"
                               "  - {stop_health: agents:cust1-1, at: 50m, for: 5m}\n"),
               0, "%s", err);
  cr_assert_eq(sc.specs[0].essentials, 2);
  cr_assert_eq(sc.specs[1].essentials, 1);
  cr_assert_eq(rm_scenario_customers(&sc), 5);
  cr_assert_eq(rm_scenario_essentials(&sc), 7);
  cr_assert_eq(rm_scenario_agents(&sc), 2 * 532 + 30);
  /* 31 servers: 16 and 15; 501 clients: 250 and 251. */
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.1"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-2.2"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.1/srv-16"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.2/cli-251"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.2/srv-16"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.1/cli-251"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.3"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1.0"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1/srv-1"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "small-1.1"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "small-3"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_STOP_HEALTH, "agents:cust1-2"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CUT, "link:cust1-2.1"));
  /* The customer's own name is no node: it has several. */
  const char *why = rm_scenario_check_target(&sc, RM_FAULT_CRASH, "cust1-1");
  cr_assert(why && strstr(why, "several Essentials servers"), "%s", why ? why : "(accepted)");
  why = rm_scenario_check_target(&sc, RM_FAULT_CUT, "link:cust1-1");
  cr_assert(why && strstr(why, "several Essentials servers"), "%s", why ? why : "(accepted)");
  rm_scenario_free(&sc);
  fails(BASE "customers:\n  - {servers: 31, essentials: 2}\nfaults:\n  - {crash: cust-1, at: 1m}\n", "t.yaml:8:13: ",
        "'cust-1': that customer has several Essentials servers: name one (CUSTOMER.1, CUSTOMER.2, ...), or write "
        "customer:CUSTOMER");
  /* No server may be named like an Essentials server. */
  fails("name: t\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {names: [gw-1, cust-1.2]}\n"
        "customers:\n  - {servers: 31, essentials: 2}\n",
        "t.yaml:4:11: ", "'cust-1.2' is both a gateway and a customer's Essentials server");
  /* Lists of gateways give one per Essentials server, customer by customer. */
  cr_assert_eq(parse(&sc, BASE "customers:\n  - {count: 2, servers: 31, essentials: 2, primary: [gw-1, gw-2, gw-2, auto]}\n"),
               0, "%s", err);
  cr_assert_str_eq(rm_customer_primary(&sc.specs[0], 2), "gw-2");
  cr_assert_null(rm_customer_primary(&sc.specs[0], 3));
  rm_scenario_free(&sc);
  fails(BASE "customers:\n  - {count: 2, servers: 31, essentials: 2, primary: [gw-1, gw-2]}\n", "t.yaml:6:53: ",
        "primary: a list gives one gateway per Essentials server, customer by customer: 2 for 4 Essentials servers");
  fails(BASE "customers:\n  - {count: 1, servers: 31, essentials: 2, primary: [gw-1, gw-2], backup: [gw-2, gw-2]}\n",
        "t.yaml:6:75: ", "backup must differ from primary ('gw-2' for one of the Essentials servers)");
}

/* The split: every Essentials server within a server and a client of every
 * other (and a computer), none empty, all of them adding up; and the fewest
 * that hold a customer is the number the split needs. */
Test(scenario, essentials_split_is_even) {
  for (int servers = 0; servers <= 70; servers += 7)
    for (int clients = 0; clients <= 1600; clients += 53)
      for (int n = 1; n <= servers + clients && n <= 12; n++) {
        int ts = 0, tc = 0, lo = 1 << 30, hi = -1, slo = 1 << 30, shi = -1, clo = 1 << 30, chi = -1;
        for (int j = 0; j < n; j++) {
          int s, c;
          rm_ess_split(servers, clients, n, j, &s, &c);
          ts += s;
          tc += c;
          lo = s + c < lo ? s + c : lo;
          hi = s + c > hi ? s + c : hi;
          slo = s < slo ? s : slo;
          shi = s > shi ? s : shi;
          clo = c < clo ? c : clo;
          chi = c > chi ? c : chi;
        }
        cr_assert_eq(ts, servers);
        cr_assert_eq(tc, clients);
        cr_assert_geq(lo, 1, "%d+%d over %d: an empty one", servers, clients, n);
        cr_assert_leq(hi - lo, 1, "%d+%d over %d: computers %d..%d", servers, clients, n, lo, hi);
        cr_assert_leq(shi - slo, 1);
        cr_assert_leq(chi - clo, 1);
        int need = rm_ess_needed(servers, clients, 30, 500);
        cr_assert_eq(n >= need, shi <= 30 && chi <= 500, "%d+%d over %d: needed %d", servers, clients, n, need);
      }
  cr_assert_eq(rm_ess_needed(31, 500, 30, 500), 2);
  cr_assert_eq(rm_ess_needed(0, 531, 30, 500), 2);
  cr_assert_eq(rm_ess_needed(30, 500, 30, 500), 1);
  cr_assert_eq(rm_ess_needed(1, 0, 0, 500), -1);
  cr_assert_eq(rm_ess_needed(0, 10, 0, 500), 1);
}

/* A growing text, for the large scenarios below. */
typedef struct {
  char *s;
  size_t len, cap;
} text_buf;

static void add(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text_buf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    cr_assert_geq(n, 0);
    if (b->s && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    b->cap = b->cap ? 2 * b->cap + (size_t)n : 1 << 20;
    b->s = realloc(b->s, b->cap);
    cr_assert_not_null(b->s);
  }
}

/* 200 000 gateway names load, each found by its name; the same name again,
 * at the end of the list, is refused where it is written. (A quadratic
 * check of the names took minutes here.) */
Test(scenario, many_gateway_names) {
  text_buf b = {0};
  add(&b, "name: t\nduration: 1h\nmanagement_servers: {count: 2}\ngateways:\n  names: [");
  for (int i = 1; i <= 200000; i++) add(&b, "%sg%d", i > 1 ? ", " : "", i);
  size_t end = b.len;
  add(&b, "]\ncustomers:\n  - {count: 1, servers: 1, primary: g199999, backup: g7}\n"
          "faults:\n  - {crash: g200000, at: 1m}\n  - {cut: link:g3, at: 2m}\n");
  rm_scenario sc;
  cr_assert_eq(parse(&sc, b.s), 0, "%s", err);
  cr_assert_eq(sc.n_gw, 200000);
  cr_assert_str_eq(sc.gw_names[199999], "g200000");
  cr_assert_str_eq(sc.specs[0].primary, "g199999");
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "g123456"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "g200001"));
  rm_scenario_free(&sc);
  b.len = end;
  add(&b, ", g5]\ncustomers:\n  - {count: 1, servers: 1}\n");
  char want[64];
  snprintf(want, sizeof want, "t.yaml:5:%zu: ", end - strlen("name: t\nduration: 1h\nmanagement_servers: {count: "
                                                                 "2}\ngateways:\n") + 3);
  fails(b.s, want, "gateways: name 'g5' is given twice");
  free(b.s);
}

/* 100 000 faults on gateways, agents and customers of 20 000 customer
 * lines load; an id used twice is refused at the second. */
Test(scenario, many_faults_and_customer_lines) {
  text_buf b = {0};
  add(&b, "name: t\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 50}\ncustomers:\n");
  for (int l = 1; l <= 20000; l++) add(&b, "  - {name: c%d, count: 2, servers: 1, clients: 1}\n", l);
  add(&b, "faults:\n");
  for (int k = 0; k < 100000; k++) {
    int l = k % 20000 + 1;
    if (k % 4 == 0) add(&b, "  - {crash: gw-%d, at: %ds, for: 1m}\n", k % 50 + 1, k % 3000);
    if (k % 4 == 1) add(&b, "  - {crash: c%d-2/cli-1, at: %ds, for: 1m}\n", l, k % 3000);
    if (k % 4 == 2) add(&b, "  - {stop_health: agents:c%d-1, at: %ds, for: 1m}\n", l, k % 3000);
    if (k % 4 == 3) add(&b, "  - {cut: link:c%d-2, at: %ds, for: 1m}\n", l, k % 3000);
  }
  size_t end = b.len;
  add(&b, "expect:\n  - {alerts_for: [c1-1/srv-1, agents:c20000-2], during: fault-100000}\n");
  rm_scenario sc;
  cr_assert_eq(parse(&sc, b.s), 0, "%s", err);
  cr_assert_eq(sc.n_specs, 20000);
  cr_assert_eq(sc.n_faults, 100000);
  cr_assert_eq(sc.expect[0].fault, 99999);
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "c19999-2/srv-1"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "c19999-3/srv-1"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "c19999-2/srv-2"));
  rm_scenario_free(&sc);
  b.len = end;
  add(&b, "  - {id: fault-7, crash: gw-1, at: 1m}\n");
  fails(b.s, "t.yaml:", "fault id 'fault-7' is used twice");
  free(b.s);
}

/* A customer line's name is found among others whose names it begins
 * with (a-1's customers are a-1-1, a-1-2; a's are a-1, a-2). */
Test(scenario, customer_names_within_customer_names) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, BASE "customers:\n  - {name: a, count: 2, servers: 1}\n"
                               "  - {name: a-1, count: 2, servers: 2, clients: 40, essentials: 2}\n"),
               0, "%s", err);
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "a-2/srv-1"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "a-1-2.2/cli-20"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "customer:a-1-1"));
  cr_assert_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "customer:a-1"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "a-1-3.1"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "a-1-2.2/cli-21"));
  cr_assert_not_null(rm_scenario_check_target(&sc, RM_FAULT_CRASH, "a-3"));
  rm_scenario_free(&sc);
  fails(BASE "customers:\n  - {name: a, count: 2, servers: 1}\n  - {name: b, count: 1, servers: 1}\n"
             "  - {name: a, count: 1, servers: 1}\n",
        "t.yaml:8:12: ", "customer name 'a' is used by an earlier line");
}

/* Lists nested 100 000 deep are refused where they pass the limit, at
 * once (libyaml alone took minutes over them); mappings too. */
Test(scenario, deep_nesting_is_refused) {
  text_buf b = {0};
  add(&b, "name: ");
  for (int i = 0; i < 100000; i++) add(&b, "[");
  for (int i = 0; i < 100000; i++) add(&b, "]");
  add(&b, "\n");
  fails(b.s, "t.yaml:1:70: ", "lists and mappings nest deeper than 64 levels");
  b.len = 0;
  add(&b, "name: t\nduration: 1h\nx: ");
  for (int i = 0; i < 70; i++) add(&b, "{a: ");
  fails(b.s, "t.yaml:3:256: ", "nest deeper than 64 levels");
  free(b.s);
  /* 64 deep is read (and refused for what it says). */
  b = (text_buf){0};
  add(&b, "name: ");
  for (int i = 0; i < 63; i++) add(&b, "[");
  for (int i = 0; i < 63; i++) add(&b, "]");
  add(&b, "\n");
  fails(b.s, "t.yaml:1:7: ", "name must be a string, not a list");
  free(b.s);
}

/* Anchors and aliases: a node written once and used again; an alias to no
 * anchor, or an anchor given twice, is refused where it is written. */
Test(scenario, anchors_and_aliases) {
  rm_scenario sc;
  cr_assert_eq(parse(&sc, "name: t\nduration: &d 1h\nsample_every: *d\nmanagement_servers: {count: 1}\n"
                          "gateways: {names: [&g first, second]}\n"
                          "customers:\n  - &line {name: a, count: 1, servers: 1, primary: *g}\n"),
               0, "%s", err);
  cr_assert_eq(sc.sample_every, RS_HOUR);
  cr_assert_str_eq(sc.specs[0].primary, "first");
  rm_scenario_free(&sc);
  fails("name: t\nduration: *nowhere\n", "t.yaml:2:11: ", "YAML syntax error: found undefined alias");
  fails("name: &a t\nduration: &a 1h\n", "t.yaml:2:11: ", "found duplicate anchor 'a' (first at line 1, column 7)");
}
