/*
 * Hardware as a user meets it: the summary's utilization and bottleneck,
 * the JSON, the report's charts and table, plan's list of what to buy, and
 * the settings hardware replaced, refused where they are written.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"

TestSuite(cli_hardware, .init = make_workdir, .fini = remove_workdir, .timeout = 120);

/* scenarios/hardware-undersized.yaml, run for 3 hours rather than 24. */
static char *undersized(void) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "hardware-undersized.yaml");
  char *text = slurp_alloc(sc);
  char *d = strstr(text, "duration: 24h");
  cr_assert_not_null(d);
  memcpy(d, "duration: 3h ", 13);
  char *path = path_in("undersized.yaml");
  spit(path, text);
  free(text);
  return path;
}

Test(cli_hardware, a_design_held_by_counts_and_failed_by_hardware) {
  char sc[512], db[512];
  snprintf(sc, sizeof sc, "%s", undersized());
  snprintf(db, sizeof db, "%s", path_in("u.db"));
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  cr_assert(strstr(r->out, "held  capacity_held"), "%s", r->out);
  cr_assert(strstr(r->out, "FAIL  utilization_below cpu 75% disk 80%: highest against its limit: ms-"), "%s", r->out);
  cr_assert(strstr(r->out, "held  utilization_below cpu 75% of gateway"), "%s", r->out);
  cr_assert(strstr(r->out, "peak utilization by role (thresholds: cpu 75 %, disk 80 %, network 50 %, memory 90 %)"),
            "%s", r->out);
  cr_assert(strstr(r->out, "  management_server  ms-1          100.0 %!"), "%s", r->out);
  cr_assert(strstr(r->out, "bottleneck: ms-1's cpu at 100.0 % (threshold 75 %): over"), "%s", r->out);
  cr_assert(strstr(r->out, "servers are saturated (first: ms-1 is saturated: its processors take in at most 140.4 KB/s"),
            "%s", r->out);
  /* The samples and figures the report draws from. */
  cr_assert_str_eq(query(db, "SELECT round(max(value), 4) FROM sample_view WHERE metric = 'cpu' AND node = 'ms-1'"), "1.0");
  cr_assert_str_eq(query(db, "SELECT value FROM figures WHERE key = 'threshold_cpu'"), "0.75");
  cr_assert_str_eq(query(db, "SELECT count(*) > 0 FROM sample_view WHERE metric = 'disk_dw_data' AND node = 'sql-1'"),
                   "1");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM sample_view WHERE metric = 'disk_dw_data' AND node = 'ms-1'"), "0",
                   "a server with only system disks has no disk groups of its own");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'saturated'"), "2");
  /* The report: the utilization charts with their thresholds, the
   * databases, the table by role and the bottleneck. */
  char html[512];
  snprintf(html, sizeof html, "%s", path_in("u.html"));
  r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert(strstr(page, "<svg id=\"cpu\""), "no processor chart");
  cr_assert(strstr(page, "<svg id=\"disk\""), "no disk chart");
  cr_assert(strstr(page, "<svg id=\"databases\""), "no database chart");
  cr_assert(strstr(page, "threshold (75 %)"), "the threshold is drawn");
  cr_assert(strstr(page, "<td class=\"failed\">100.0 % (ms-1)</td>"), "the table marks it");
  cr_assert(strstr(page, "<p id=\"bottleneck\">Bottleneck: ms-1's cpu at 100.0 % (threshold 75 %): over.</p>"),
            "no bottleneck line");
  free(page);
}

Test(cli_hardware, json_has_utilization_and_bottleneck) {
  char sc[512];
  snprintf(sc, sizeof sc, "%s", undersized());
  result *r = run((const char *[]){"run", sc, "-o", path_in("j.db"), "--json", NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  cr_assert(strstr(r->out, "\"utilization\":{\"management_server\":{\"hottest\":\"ms-1\",\"cpu\":1.0000,"), "%s", r->out);
  cr_assert(strstr(r->out, "\"bottleneck\":{\"server\":\"ms-1\",\"resource\":\"cpu\",\"peak\":1.0000,\"threshold\":0.7500}"),
            "%s", r->out);
  cr_assert(strstr(r->out, "\"databases\":{\"opsdb_peak_bytes\":"), "%s", r->out);
}

/* Capacities given as rates before servers had hardware are refused where
 * they are written, saying what replaced them. */
Test(cli_hardware, capacities_are_hardware_now) {
  static const char *const cases[][2] = {
      {"gateways: {count: 2, capacity: 4MB/s}\n", "t.yaml:3:22: gateways.capacity is no longer a setting"},
      {"gateways: {count: 2}\nsql: {write_capacity: 10MB/s}\n", "t.yaml:4:7: sql.write_capacity is no longer a setting"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512];
    snprintf(text, sizeof text, "name: t\nduration: 1h\n%smanagement_servers: {count: 1}\n"
                                "customers:\n  - {count: 1, servers: 1, clients: 1}\n", cases[i][0]);
    char *path = path_in("t.yaml");
    spit(path, text);
    result *r = run((const char *[]){"validate", path, NULL});
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, cases[i][1]), "%s", r->err);
    cr_assert(strstr(r->err, "docs/hardware.md"), "%s", r->err);
  }
}

/* plan says what to buy: the design's servers and models with their
 * utilization at its load (ms-1 at 2000 agents: 60 %), and the SQL
 * store's disks, the data warehouse's 592 I/Os a second (70 % reads) as 8
 * 10k rpm disks in RAID 10 under 80 %: (414.6 + 177.7 x 2) / (0.8 x 125)
 * = 7.7. */
Test(cli_hardware, plan_says_what_to_buy) {
  result *r = run((const char *[]){"plan", "--customers", "20x200", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "what to buy (peak utilization by arithmetic at the design's load, nothing failed"), "%s",
            r->out);
  cr_assert(strstr(r->out, "  management_server        2  ms-standard            60.0%    64.8%"), "%s", r->out);
  cr_assert(strstr(r->out, "  sql-standard         4 processors, 16.0 GB; system 2 x 10k rpm RAID 1; opsdb_data 4 x 15k"),
            "%s", r->out);
  cr_assert(strstr(r->out, "  dw_data     592 I/Os a second, 70 % reads            8           6          12           9"),
            "%s", r->out);
}

/* The guide's customers on virtual gateways, two to a host: swept host by
 * host, the careless design (each customer's backup on its primary's
 * host) strands the host's 8 customers for the hour; the careful one
 * (backups on the other hosts) holds every case. */
Test(cli_hardware, sweep_each_host_finds_the_careless_design) {
  char careless[512], careful[512];
  fixture(careless, sizeof careless, "ROMSIM_SCENARIOS", "guide-virtual-careless.yaml");
  fixture(careful, sizeof careful, "ROMSIM_SCENARIOS", "guide-virtual-careful.yaml");
  result *r = run((const char *[]){"sweep", careless, "--fail", "each:host", "--duration", "3h", "--at", "1h", "--for", "1h", "-o",
                                   path_in("a.db"), NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  cr_assert(strstr(r->out, "6 cases"), "%s", r->out);
  cr_assert(strstr(r->out, "crash host-1                 held                       0 B"), "%s", r->out);
  cr_assert(strstr(r->out, "1h30s          FAIL: failover_within 3m"), "%s", r->out);
  cr_assert(strstr(r->out, "1 of 6 cases held"), "only the baseline: %s", r->out);
  r = run((const char *[]){"sweep", careful, "--fail", "each:host", "--duration", "3h", "--at", "1h", "--for", "1h", "-o", path_in("b.db"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->out);
  cr_assert(strstr(r->out, "6 of 6 cases held"), "%s", r->out);
  cr_assert(strstr(r->out, "crash host-1                 held                       0 B"), "%s", r->out);
}

/* validate accepts a design that puts pairs on one host (the mistake a
 * run is there to show) and warns of each: a cluster's nodes, a
 * customer's primary and backup, a gateway's management server and its
 * failover; the careful design gets none. */
Test(cli_hardware, validate_warns_of_pairs_on_one_host) {
  char careless[512], careful[512];
  fixture(careless, sizeof careless, "ROMSIM_SCENARIOS", "guide-virtual-careless.yaml");
  fixture(careful, sizeof careful, "ROMSIM_SCENARIOS", "guide-virtual-careful.yaml");
  result *r = run((const char *[]){"validate", careless, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "warning: cust-1's primary gw-1 and backup gw-2 are both on host-1: losing it leaves cust-1 "
                           "no gateway"),
            "%s", r->out);
  cr_assert(strstr(r->out, "warning: and 20 more pairs on one host"), "40 pairs, 20 shown: %s", r->out);
  r = run((const char *[]){"validate", careful, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_null(strstr(r->out, "warning"), "%s", r->out);
  char *path = path_in("c.yaml");
  spit(path, "name: c\nduration: 1h\nmanagement_servers: {count: 2}\n"
             "gateways: {names: [{name: gw-1, report_to: ms-1, failover: [ms-2]}]}\n"
             "customers:\n  - {count: 1, servers: 1, clients: 1}\n"
             "hosts:\n  - {name: h1, runs: [ms-1, ms-2, sql-1, sql-2]}\n");
  r = run((const char *[]){"validate", path, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "warning: sql-1 and sql-2, the SQL cluster's nodes, are both on h1: losing it takes the SQL "
                           "down"),
            "%s", r->out);
  cr_assert(strstr(r->out, "warning: gw-1 reports to ms-1 and fails over to ms-2, both on h1"), "%s", r->out);
}

/* The careful design's customers with the hosts left to romsim: validate
 * prints where each gateway went (after a '+': placed automatically), none
 * shares a host with a gateway it backs up or is backed up by, and the
 * sweep holds every host and gateway lost. The same gateways put on hosts
 * by hand the careless way (gw-1 with gw-3, its customer cust-1's backup)
 * strand cust-1 when the host goes. */
Test(cli_hardware, auto_placement_holds_where_careless_hands_do_not) {
  char autop[512];
  fixture(autop, sizeof autop, "ROMSIM_SCENARIOS", "guide-virtual-auto.yaml");
  result *r = run((const char *[]){"validate", autop, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "host host-1 (host-standard): 4 of 16 processors, 8.00 GB of 64.0 GB; + gw-1, gw-6\n"), "%s",
            r->out);
  cr_assert_null(strstr(r->out, "warning"), "%s", r->out);
  r = run((const char *[]){"sweep", autop, "--fail", "each:host,gateway", "--duration", "3h", "--at", "1h", "--for", "1h",
                           "-o", path_in("a.db"), NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "16 of 16 cases held"), "%s", r->out);
  /* By hand: host-1 runs gw-1 and gw-3. */
  char *text = slurp_alloc(autop);
  char *h = strstr(text, "hosts:\n");
  cr_assert_not_null(h);
  *h = '\0';
  char *path = path_in("hand.yaml");
  char *whole = malloc(strlen(text) + 300);
  sprintf(whole, "%shosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n"
                 "expect: [capacity_held, no_data_lost, {failover_within: 3m}]\n", text);
  spit(path, whole);
  r = run((const char *[]){"validate", path, NULL});
  cr_assert(strstr(r->out, "warning: cust-1's primary gw-1 and backup gw-3 are both on host-1"), "%s", r->out);
  r = run((const char *[]){"sweep", path, "--fail", "each:host", "--duration", "3h", "--at", "1h", "--for", "1h", "-o",
                           path_in("b.db"), NULL});
  cr_assert_eq(r->status, 1, "%s%s", r->out, r->err);
  /* cust-1 is without a gateway until host-1 is back: recovered in 1h30s. */
  cr_assert(strstr(r->out, "crash host-1 "), "%s", r->out);
  cr_assert(strstr(strstr(r->out, "crash host-1 "), "1h30s          FAIL"), "%s", r->out);
  free(whole);
  free(text);
}

/* plan --hosts: the guide's customers surviving any one host take 3 hosts
 * of host-standard; the design written holds them (validate: no pair on one
 * host), and its verifying sweep, each host and each server lost, holds
 * every case. Given 2 hosts, it says why they do not hold and exits 1. */
Test(cli_hardware, plan_buys_hosts) {
  char *design = path_in("hosted.yaml");
  result *r = run((const char *[]){"plan", "--customers", "20x200", "--survive", "host", "--hosts", "host-standard",
                                   "-o", design, "--verify", "--duration", "3h", NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "hosts to buy: 3 x host-standard (16 processors, 64.0 GB), surviving any one host lost"),
            "%s", r->out);
  cr_assert(strstr(r->out, "verify: romsim sweep "), "%s", r->out);
  cr_assert(strstr(r->out, "each:gateway,management_server,host\n"), "%s", r->out);
  cr_assert(strstr(r->out, "crash host-3 "), "%s", r->out);
  cr_assert(strstr(r->out, "24 of 24 cases held"), "%s", r->out);
  /* Again after the sweep, with each host's peak in it. */
  const char *again = strstr(r->out, "asked peak in the sweep");
  cr_assert(again, "%s", r->out);
  cr_assert(strstr(again, "\n  host-3 "), "%s", again);
  char *text = slurp_alloc(design);
  cr_assert(strstr(text, "hosts:\n  - {name: host-1, model: \"host-standard\", runs: [rms-1, "), "%s", text);
  free(text);
  r = run((const char *[]){"validate", design, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_null(strstr(r->out, "warning"), "%s", r->out);
  r = run((const char *[]){"plan", "--customers", "20x200", "--survive", "either,host", "--hosts", "host-standardx2", NULL});
  cr_assert_eq(r->status, 1, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "2 hosts do not hold: "), "%s", r->out);
  /* Hosts that cannot hold the servers: no design written. */
  char *none = path_in("none.yaml");
  r = run((const char *[]){"plan", "--customers", "1x5", "--hosts", "host-standardx1", "-o", none, NULL});
  cr_assert_eq(r->status, 1, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "design not written: the 1 host given does not hold it"), "%s", r->out);
  cr_assert_eq(access(none, F_OK), -1, "no file");
  r = run((const char *[]){"plan", "--customers", "20x200", "--survive", "host", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "--survive host needs hosts"), "%s", r->err);
  r = run((const char *[]){"plan", "--customers", "20x200", "--hosts", "big-box", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "--hosts big-box: no hardware model has this name"), "%s", r->err);
  r = run((const char *[]){"plan", "--customers", "20x200", "--survive", "either,,host", NULL});
  cr_assert_eq(r->status, 2);
}

/* plan --from a scenario with hosts: its hosts' model and count, and its
 * hardware catalogue (a host model of its own). */
Test(cli_hardware, plan_from_a_scenario_with_hosts) {
  char *path = path_in("from.yaml");
  spit(path, "name: f\nduration: 1h\nmanagement_servers: {count: 2}\ngateways: {count: 3}\n"
             "customers:\n  - {count: 2, servers: 15, clients: 285}\n"
             "hardware:\n  models:\n    - {name: box, like: host-standard, memory: 48GB}\n"
             "hosts:\n  - {name: h, count: 3, model: box, runs: auto}\n");
  char *design = path_in("fromd.yaml");
  result *r = run((const char *[]){"plan", "--from", path, "--survive", "host", "-o", design, NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "hosts to buy: 3 x box (16 processors, 48.0 GB), surviving any one host lost"), "%s",
            r->out);
  /* The design carries the hardware section, so its hosts are boxes. */
  r = run((const char *[]){"validate", design, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "host host-1 (box): "), "%s", r->out);
  /* Hosts of two models: which to buy is for --hosts to say. */
  spit(path, "name: f\nduration: 1h\nmanagement_servers: {count: 2}\ngateways: {count: 3}\n"
             "customers:\n  - {count: 2, servers: 15, clients: 285}\n"
             "hardware:\n  models:\n    - {name: box, like: host-standard, memory: 48GB}\n"
             "hosts:\n  - {name: k, runs: [sql-1]}\n  - {name: h, count: 3, model: box, runs: auto}\n");
  r = run((const char *[]){"plan", "--from", path, NULL});
  cr_assert(r->status == 2, "%d %s%s", r->status, r->out, r->err);
  cr_assert(strstr(r->err, "hosts are of more than one model: say which to buy with --hosts"), "%s", r->err);
}

/* Four gateways on two hosts, the careful way (each customer's primary and
 * backup on different hosts): cust-1 and cust-2 live on gw-1 and gw-2 (one
 * the primary, the other the backup), cust-3 and cust-4 on gw-3 and gw-4;
 * host-1 runs gw-1 and gw-3, host-2 gw-2 and gw-4. */
#define SMALL_CAREFUL(extra)                                                                                         \
  "name: small-careful\nduration: 3h\nseed: 1\nmanagement_servers: {count: 2}\ngateways: {count: 4}\n"             \
  "customers:\n  - {count: 4, servers: 10, clients: 90, primary: [gw-1, gw-2, gw-3, gw-4], "                        \
  "backup: [gw-2, gw-1, gw-4, gw-3]}\n"                                                                             \
  "hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n"                        \
  "expect: [capacity_held, no_data_lost, {failover_within: 3m}]\n" extra

/* The gateways a failure (a gateway, or a host) takes down, as bits. */
static unsigned small_downs(const char *target) {
  if (strcmp(target, "host-1") == 0) return 1u << 1 | 1u << 3;
  if (strcmp(target, "host-2") == 0) return 1u << 2 | 1u << 4;
  cr_assert(strncmp(target, "gw-", 3) == 0, "%s", target);
  return 1u << atoi(target + 3);
}

/* --fail each:host,gateway --pairs: 2 hosts and 4 gateways are 6 single
 * failures, and 6 x 5 / 2 = 15 pairs, with the baseline 22 cases. A case
 * holds when every customer keeps its primary or its backup: it fails when
 * a pair takes a customer's both, a host and the gateway on the other host
 * that backs up the host's customers (host-1 with gw-2: cust-1 has gw-1 on
 * host-1 and gw-2), as two gateways of one customer; a host with a
 * gateway on it is the host alone. */
Test(cli_hardware, sweep_pairs_of_hosts_and_gateways) {
  char sc[512], db[512];
  snprintf(sc, sizeof sc, "%s", path_in("small.yaml"));
  snprintf(db, sizeof db, "%s", path_in("p.db"));
  spit(sc, SMALL_CAREFUL(""));
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:host,gateway", "--pairs", "--duration", "3h", "--at",
                                   "1h", "--for", "1h", "-o", db, NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  cr_assert(strstr(r->out, "22 cases"), "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT count(*) FROM cases WHERE target1 IS NOT NULL AND target2 IS NULL"), "6");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM cases WHERE target2 IS NOT NULL"), "15");
  /* Each case's verdict against the customers' pairs: {gw-1, gw-2} and
   * {gw-3, gw-4}. */
  static const unsigned customers[] = {1u << 1 | 1u << 2, 1u << 3 | 1u << 4};
  sqlite3 *h;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(h,
                                  "SELECT label, target1, target2, held, status FROM cases JOIN items ON case_id = id "
                                  "ORDER BY id",
                                  -1, &st, NULL),
               SQLITE_OK);
  int cases = 0, held = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *label = (const char *)sqlite3_column_text(st, 0), *t1 = (const char *)sqlite3_column_text(st, 1),
               *t2 = (const char *)sqlite3_column_text(st, 2);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 4), "complete", "%s", label);
    unsigned down = (t1 ? small_downs(t1) : 0) | (t2 ? small_downs(t2) : 0);
    bool stranded = (down & customers[0]) == customers[0] || (down & customers[1]) == customers[1];
    cr_assert_eq(sqlite3_column_int(st, 3), !stranded, "%s: %s, a customer %s", label,
                 sqlite3_column_int(st, 3) ? "held" : "failed", stranded ? "has no gateway" : "keeps one");
    cases++;
    held += !stranded;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  cr_assert_eq(cases, 22);
  char line[64];
  snprintf(line, sizeof line, "%d of 22 cases held", held);
  cr_assert(strstr(r->out, line), "%s: %s", line, r->out);
  cr_assert(strstr(r->out, "crash gw-2 + crash host-1 "), "%s", r->out);
  /* A host with a gateway it runs recovers as the host alone. */
  cr_assert_str_eq(query(db, "SELECT group_concat(DISTINCT recover_us) FROM items JOIN cases ON case_id = id WHERE "
                             "label IN ('crash host-1', 'crash gw-1 + crash host-1', 'crash gw-3 + crash host-1')"),
                   query(db, "SELECT recover_us FROM items JOIN cases ON case_id = id WHERE label = 'crash host-1'"));
}

/* An Essentials server on a host, crashed with it, is back when it is back
 * and connected to a gateway again: the host's case recovers as the
 * server's own crash does (the length of the failure), not at once. */
Test(cli_hardware, sweep_sees_an_essentials_server_back_with_its_host) {
  char sc[512], db[512];
  snprintf(sc, sizeof sc, "%s", path_in("e.yaml"));
  snprintf(db, sizeof db, "%s", path_in("e.db"));
  spit(sc, "name: e\nduration: 3h\nseed: 1\nmanagement_servers: {count: 2}\ngateways: {count: 2}\n"
           "customers:\n  - {count: 2, servers: 10, clients: 90}\nhosts:\n  - {name: host-e, runs: [cust-1]}\n");
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:host,essentials", "--at", "1h", "--for", "1h", "-o",
                                   db, NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  char own[64];
  snprintf(own, sizeof own, "%s", query(db, "SELECT recover_us FROM items JOIN cases ON case_id = id WHERE "
                                            "label = 'crash cust-1'"));
  cr_assert_geq(atoll(own), 3600000000LL, "at least the failure's hour: %s", own);
  cr_assert_str_eq(query(db, "SELECT recover_us FROM items JOIN cases ON case_id = id WHERE label = 'crash host-e'"),
                   own);
}

/* A sweep of a scenario whose hosts fail at random: every run draws them
 * (its seed's), so the baseline itself meets failovers and its slowest
 * byte waits longer than without them; each case runs to completion. */
Test(cli_hardware, sweep_with_random_failures_of_hosts) {
  char sc[512], plain[512], db[512], db0[512];
  snprintf(sc, sizeof sc, "%s", path_in("r.yaml"));
  snprintf(plain, sizeof plain, "%s", path_in("p.yaml"));
  snprintf(db, sizeof db, "%s", path_in("r.db"));
  snprintf(db0, sizeof db0, "%s", path_in("p.db"));
  spit(sc, SMALL_CAREFUL("random_failures:\n  host: {mtbf: 2h, mttr: 20m}\n"));
  spit(plain, SMALL_CAREFUL(""));
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:host", "--at", "1h", "--for", "30m", "-o", db, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);
  cr_assert(strstr(r->out, "3 cases"), "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT count(*) FROM items WHERE status = 'complete'"), "3");
  r = run((const char *[]){"sweep", plain, "--fail", "each:host", "--at", "1h", "--for", "30m", "-o", db0, NULL});
  cr_assert_eq(r->status, 0, "%s", r->out);
  char without[64];
  snprintf(without, sizeof without, "%s", query(db0, "SELECT latency_max_us FROM items WHERE case_id = 0"));
  cr_assert_gt(atoll(query(db, "SELECT latency_max_us FROM items WHERE case_id = 0")), atoll(without));
}

/* Failing each host of a scenario that has none is refused: it would
 * sweep the baseline alone and look like a design that holds. */
Test(cli_hardware, sweep_each_host_needs_hosts) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example.yaml");
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:host", "--duration", "1h", "-o", path_in("n.db"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "--fail each:host: the scenario has no hosts"), "%s", r->err);
  cr_assert_eq(access(path_in("n.db"), F_OK), -1, "nothing written");
}
