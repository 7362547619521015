/*
 * What the results file keeps of the samples (record:, docs/results.md,
 * "What is recorded"): the same run recorded in full and recorded less
 * (Essentials servers summed per gateway, nodes' series over several
 * samples) must agree with each other exactly: a summary is the sum (for
 * levels of utilization, the highest) of its Essentials servers' samples at
 * that time, and a series recorded every k samples holds, at each of its
 * times, the sum of the counts since its previous record and the highest
 * of the levels. A large group gets that by default; --record-all keeps
 * every series.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

TestSuite(cli_record, .init = make_workdir, .fini = remove_workdir, .timeout = 120);

/* 6 customers on 3 gateways, a gateway crash (so queues and states move),
 * sampled every minute for 2 hours. */
#define DESIGN                                                                                                   \
  "name: rec\nduration: 2h\nseed: 9\nsample_every: 1m\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n" \
  "customers:\n  - {count: 6, servers: 5, clients: 45, primary: auto, backup: auto}\n"                         \
  "faults:\n  - {crash: gw-1, at: 30m, for: 20m}\n"

static void write_scenario(const char *name, const char *text) { spit(path_in(name), text); }

static long long one(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

Test(cli_record, summaries_and_longer_intervals_agree_with_the_full_record) {
  write_scenario("full.yaml", DESIGN "record: {essentials: each}\n");
  write_scenario("less.yaml", DESIGN "record:\n  essentials: per_gateway\n"
                                     "  every: {gateway: 5m, essentials: 10m, management_server: 7m}\n");
  char full[512], less[512];
  snprintf(full, sizeof full, "%s", path_in("full.db"));
  snprintf(less, sizeof less, "%s", path_in("less.db"));
  result *r = run((const char *[]){"run", path_in("full.yaml"), "-o", full, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);
  r = run((const char *[]){"run", path_in("less.yaml"), "-o", less, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);

  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(less, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  char sql[4096];
  snprintf(sql, sizeof sql, "ATTACH '%s' AS f", full);
  cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  /* A full view of each file: node name, metric name, time, value. */
  cr_assert_eq(sqlite3_exec(db,
                            "CREATE TEMP VIEW fs AS SELECT n.name node, n.parent parent, n.role role, m.name metric, "
                            "s.t_us t, s.value v FROM f.samples s JOIN f.nodes n ON n.id = s.node JOIN f.metrics m "
                            "ON m.id = s.metric;"
                            "CREATE TEMP VIEW ls AS SELECT n.name node, m.name metric, s.t_us t, s.value v FROM "
                            "main.samples s JOIN main.nodes n ON n.id = s.node JOIN main.metrics m ON m.id = s.metric;",
                            NULL, NULL, NULL),
               SQLITE_OK, "%s", sqlite3_errmsg(db));

  /* The Essentials servers have no series of their own; each gateway with
   * customers has a summary, a node of role essentials_by_gateway. */
  cr_assert_eq(one(db, "SELECT count(*) FROM ls WHERE node IN (SELECT name FROM main.nodes WHERE role = "
                       "'essentials')"),
               0);
  cr_assert_eq(one(db, "SELECT count(*) FROM main.nodes WHERE role = 'essentials_by_gateway'"), 3);
  cr_assert_eq(one(db, "SELECT count(*) FROM main.nodes n JOIN main.nodes p ON p.id = n.parent WHERE n.role = "
                       "'essentials_by_gateway' AND n.name = p.name || '/essentials' AND p.role = 'gateway'"),
               3);
  /* Recorded every 10 minutes and at the end: 13 times a series. */
  cr_assert_eq(one(db, "SELECT count(DISTINCT t) FROM ls WHERE node = 'gw-1/essentials'"), 13);
  cr_assert_eq(one(db, "SELECT count(*) FROM ls WHERE node = 'gw-1/essentials' AND t % 600000000 != 0"), 0);

  /* Every summary value against the full record: per window (the 10
   * minutes up to its time, after the previous record), the sum over its
   * Essentials servers and over the window of the counts, and the highest
   * over the window of the sum (agents, queue) or the highest (utilization)
   * over the servers; state: the most servers not up at once. */
  static const char *const check =
      "WITH w AS (SELECT DISTINCT t FROM ls WHERE node = 'gw-1/essentials'), "
      "win AS (SELECT t, coalesce((SELECT max(t) FROM w w2 WHERE w2.t < w.t), -1) AS t0 FROM w), "
      "per AS (SELECT g.name || '/essentials' node, fs.metric, fs.t, "
      "  CASE WHEN fs.metric IN ('cpu','disk','network','memory') THEN max(fs.v) "
      "       WHEN fs.metric = 'state' THEN sum(fs.v != 0) ELSE sum(fs.v) END v "
      "  FROM fs JOIN f.nodes g ON g.id = fs.parent WHERE fs.role = 'essentials' GROUP BY 1, 2, 3), "
      "want AS (SELECT per.node, per.metric, win.t, "
      "  CASE WHEN per.metric IN ('bytes_in','bytes_out','dropped_bytes') THEN sum(per.v) ELSE max(per.v) END v "
      "  FROM per JOIN win ON per.t > win.t0 AND per.t <= win.t GROUP BY 1, 2, 3) "
      "SELECT count(*), sum(abs(want.v - ls.v) > 1e-9 * (1 + abs(want.v))) FROM want JOIN ls ON ls.node = want.node "
      "AND ls.metric = want.metric AND ls.t = want.t";
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, check, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long long compared = sqlite3_column_int64(st, 0), wrong = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  cr_assert_eq(compared, 3 * 13 * 10, "every summary value compared (%lld)", compared);
  cr_assert_eq(wrong, 0, "%lld summary values differ from the full record", wrong);

  /* A gateway's series every 5 minutes, management servers' every 7 (and
   * at the end: 120 is no multiple of 7), by the same rule. */
  static const char *const thin =
      "WITH w AS (SELECT DISTINCT node, t FROM ls WHERE node IN ('gw-1','gw-2','gw-3','ms-1')), "
      "win AS (SELECT node, t, coalesce((SELECT max(t) FROM w w2 WHERE w2.node = w.node AND w2.t < w.t), -1) t0 "
      "FROM w), "
      "want AS (SELECT fs.node, fs.metric, win.t, CASE WHEN fs.metric IN ('bytes_in','bytes_out','dropped_bytes') "
      "THEN sum(fs.v) ELSE max(fs.v) END v FROM fs JOIN win ON fs.node = win.node AND fs.t > win.t0 AND fs.t <= "
      "win.t GROUP BY 1, 2, 3) "
      "SELECT count(*), sum(abs(want.v - ls.v) > 1e-9 * (1 + abs(want.v))) FROM want JOIN ls ON ls.node = want.node "
      "AND ls.metric = want.metric AND ls.t = want.t";
  cr_assert_eq(sqlite3_prepare_v2(db, thin, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  compared = sqlite3_column_int64(st, 0);
  wrong = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  cr_assert_eq(one(db, "SELECT count(DISTINCT t) FROM ls WHERE node = 'gw-1'"), 25);
  cr_assert_eq(one(db, "SELECT count(DISTINCT t) FROM ls WHERE node = 'ms-1'"), 19);
  cr_assert_eq(one(db, "SELECT max(t) FROM ls WHERE node = 'ms-1'"), 7200000000LL, "and at the end");
  cr_assert_gt(compared, 3 * 25 * 6, "gateways' and the management server's values compared (%lld)", compared);
  cr_assert_eq(wrong, 0, "%lld thinned values differ from the full record", wrong);
  /* The gateway crash shows in its state at the record that covers it. */
  cr_assert_eq(one(db, "SELECT max(v) FROM ls WHERE node = 'gw-1' AND metric = 'state'"), 1);
  /* The group's series are recorded at every sample, as in full. */
  cr_assert_eq(one(db, "SELECT count(*) FROM main.samples WHERE node IS NULL"),
               one(db, "SELECT count(*) FROM f.samples WHERE node IS NULL"));
  /* What the run measured is the same: only the record differs. */
  cr_assert_eq(one(db, "SELECT count(*) FROM (SELECT key, value FROM main.figures EXCEPT SELECT key, value FROM "
                       "f.figures)"),
               0);
  cr_assert_eq(one(db, "SELECT count(*) FROM (SELECT t_us, kind, detail FROM main.events EXCEPT SELECT t_us, kind, "
                       "detail FROM f.events)"),
               0);
  sqlite3_close(db);
}

/* A group of more than 100 Essentials servers records less by default;
 * --record-all keeps every series at every sample. */
Test(cli_record, a_large_group_records_less_unless_told) {
  write_scenario("big.yaml", "name: big\nduration: 30m\nseed: 3\nmanagement_servers: {count: 2}\n"
                             "gateways: {count: 30}\ncustomers:\n  - {count: 101, servers: 1, clients: 4}\n");
  char def[512], all[512];
  snprintf(def, sizeof def, "%s", path_in("def.db"));
  snprintf(all, sizeof all, "%s", path_in("all.db"));
  result *r = run((const char *[]){"run", path_in("big.yaml"), "-o", def, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);
  r = run((const char *[]){"run", path_in("big.yaml"), "-o", all, "--record-all", NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);
  cr_assert_str_eq(query(def, "SELECT count(*) FROM nodes WHERE role = 'essentials_by_gateway'"), "30");
  cr_assert_str_eq(query(def, "SELECT count(DISTINCT t_us) FROM samples s JOIN nodes n ON n.id = s.node WHERE "
                              "n.name = 'gw-1'"),
                   "4", "every 10 minutes (0, 10, 20, 30)");
  cr_assert_str_eq(query(all, "SELECT count(*) FROM nodes WHERE role = 'essentials_by_gateway'"), "0");
  cr_assert_str_eq(query(all, "SELECT count(DISTINCT node) FROM samples s JOIN nodes n ON n.id = s.node WHERE "
                              "n.role = 'essentials'"),
                   "101");
  cr_assert_str_eq(query(all, "SELECT count(DISTINCT t_us) FROM samples s JOIN nodes n ON n.id = s.node WHERE "
                              "n.name = 'gw-1'"),
                   "31");
}

/* Bad record: sections are refused where they are wrong. */
Test(cli_record, bad_record_sections) {
  static const char *const bad[][2] = {
      {"record: {essentials: some}\n", "6:22: record: essentials is each or per_gateway, not 'some'"},
      {"record: {every: {gateway: 90s}}\n", "6:27: record: every gateway: '90s' is not a multiple of sample_every (1m)"},
      {"record: {every: {agent: 5m}}\n", "6:18: unknown key 'agent' in record: every"},
      {"record: {keep: all}\n", "6:10: unknown key 'keep' in record"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[512];
    snprintf(text, sizeof text,
             "name: b\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
             "customers: [{count: 1, servers: 1, clients: 1}]\n%s",
             bad[i][0]);
    write_scenario("bad.yaml", text);
    result *r = run((const char *[]){"run", path_in("bad.yaml"), "-o", path_in("bad.db"), NULL});
    cr_assert_eq(r->status, 2, "%s: exit %d", bad[i][0], r->status);
    cr_assert(strstr(r->err, bad[i][1]), "%s: want '%s', got: %s", bad[i][0], bad[i][1], r->err);
  }
}
