/*
 * Files romsim reads, damaged on purpose: a results file given to report,
 * compare and export, a sweep file given to report and merge. Each damage
 * is applied to a copy of a good file made by a small run; every command
 * must refuse it with exit 2 and a message naming the file and what is
 * wrong, never crash, and leave no output behind.
 */
#include "cli_util.h"

TestSuite(damaged, .init = make_workdir, .fini = remove_workdir, .timeout = 240);

/* A small design with a fault and an expectation, so that every table has
 * rows. */
static const char *const design = "name: dmg\nduration: 2h\nseed: 7\nsample_every: 5m\n"
                                  "management_servers: {count: 1}\ngateways: {count: 2}\n"
                                  "customers:\n  - {count: 3, servers: 5, clients: 45}\n"
                                  "faults:\n  - {id: gw1-down, crash: gw-1, at: 30m, for: 10m}\n"
                                  "expect: [capacity_held]\n";

/* One damage: constraints taken out of a table first (so that it can hold
 * what its schema forbids, as a file written by another program may), then
 * SQL, or a change no SQL can make; and what the message must say. */
typedef struct {
  const char *name;
  const char *unconstrain;  /* a table, or NULL */
  const char *sql;          /* or NULL */
  void (*by)(const char *db);
  const char *said;
} damage;

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  cr_assert(in && out, "cannot copy %s to %s", from, to);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) cr_assert_eq(fwrite(buf, 1, n, out), n);
  fclose(in);
  cr_assert_eq(fclose(out), 0);
}

static void alter(const char *db, const char *sql) {
  sqlite3 *h;
  char *e = NULL;
  cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, &e), SQLITE_OK, "%s: %s", sql, e ? e : "");
  sqlite3_close(h);
}

/* Take the NOT NULL and CHECK constraints out of a table's schema. */
static void unconstrain(const char *db, const char *table) {
  char sql[1024];
  snprintf(sql, sizeof sql,
           "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(replace(sql, ' NOT NULL', ''), "
           "'CHECK (status IN (''running'',''complete'',''interrupted'',''failed''))', '') WHERE name = '%s'; "
           "PRAGMA writable_schema = OFF;",
           table);
  alter(db, sql);
}

static void apply(const damage *d, const char *db) {
  if (d->unconstrain) unconstrain(db, d->unconstrain);
  if (d->sql) alter(db, d->sql);
  if (d->by) d->by(db);
}

/* The command failed as it must: exit 2 (no signal), a message naming the
 * file and the damage, no "(null)". */
static void refused(const result *r, const char *cmd, const damage *d, const char *file) {
  cr_assert_eq(r->status, 2, "%s: romsim %s: exit %d, stderr: %s", d->name, cmd, r->status, r->err);
  cr_assert(strstr(r->err, d->said), "%s: romsim %s: '%s' not said: %s", d->name, cmd, d->said, r->err);
  cr_assert(strstr(r->err, file), "%s: romsim %s: the file is not named: %s", d->name, cmd, r->err);
  cr_assert_null(strstr(r->err, "(null)"), "%s: romsim %s: %s", d->name, cmd, r->err);
}

/* A good results file, made by a run: good.db. */
static void good_results(char *good, size_t n) {
  char sc[600];
  snprintf(sc, sizeof sc, "%s", path_in("dmg.yaml"));
  spit(sc, design);
  snprintf(good, n, "%s", path_in("good.db"));
  result *r = run((const char *[]){"run", sc, "-o", good, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
}

/* Each damage refused by report, compare (on either side) and export, with
 * nothing left behind: no report, no comparison, no CSV, no .partial. */
static void results_refused(const damage *ds, size_t n) {
  char good[600], bad[600], html[600], cmp[600], csv[600];
  good_results(good, sizeof good);
  snprintf(bad, sizeof bad, "%s", path_in("bad.db"));
  snprintf(html, sizeof html, "%s", path_in("bad.html"));
  snprintf(cmp, sizeof cmp, "%s", path_in("cmp.html"));
  snprintf(csv, sizeof csv, "%s", path_in("csv"));
  for (size_t i = 0; i < n; i++) {
    const damage *d = &ds[i];
    copy_file(good, bad);
    apply(d, bad);
    int files = count_files();
    result *r = run((const char *[]){"report", bad, "-o", html, NULL});
    refused(r, "report", d, bad);
    r = run((const char *[]){"compare", good, bad, "-o", cmp, NULL});
    refused(r, "compare", d, bad);
    cr_assert_str_empty(r->out, "%s: compare printed a comparison: %s", d->name, r->out);
    r = run((const char *[]){"compare", bad, good, NULL});
    refused(r, "compare", d, bad);
    r = run((const char *[]){"export", bad, "--csv", csv, NULL});
    refused(r, "export", d, bad);
    cr_assert_eq(count_files(), files, "%s: a file was left behind", d->name);
    unlink(bad);
  }
}

/* The good file itself is read by every command. */
Test(damaged, a_good_results_file_is_read) {
  char good[600];
  good_results(good, sizeof good);
  cr_assert_eq(run((const char *[]){"report", good, "-o", path_in("good.html"), NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"compare", good, good, "-o", path_in("cmp.html"), NULL})->status, 0);
  result *r = run((const char *[]){"export", good, "--csv", path_in("csv"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  static const char *const files[] = {"samples.csv", "events.csv", "nodes.csv", "expectations.csv",
                                      "faults.csv", "figures.csv", "run.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s/%s", path_in("csv"), files[i]);
    cr_assert_eq(unlink(p), 0, "%s missing", files[i]);
  }
  rmdir(path_in("csv"));
}

/* A NULL where a name or a value belongs, or a value of the wrong type. */
Test(damaged, results_null_or_wrong_type) {
  static const damage ds[] = {
      {"a node's name", "nodes", "UPDATE nodes SET name = NULL WHERE id = (SELECT max(id) FROM nodes WHERE role = 'gateway')",
       NULL, "damaged: nodes.name is NULL (row "},
      {"an expectation's name", "expectations", "UPDATE expectations SET name = NULL", NULL,
       "damaged: expectations.name is NULL"},
      {"an expectation's detail", "expectations", "UPDATE expectations SET detail = NULL", NULL,
       "damaged: expectations.detail is NULL"},
      {"an expectation's verdict", NULL, "UPDATE expectations SET held = 0.5", NULL,
       "damaged: expectations.held is a real number where an integer belongs"},
      {"the scenario's name", "runs", "UPDATE runs SET scenario_name = NULL", NULL, "damaged: runs.scenario_name is NULL"},
      {"the run's status", "runs", "UPDATE runs SET status = NULL", NULL, "damaged: runs.status is NULL"},
      {"the run's duration", NULL, "UPDATE runs SET sim_duration_us = 'abc'", NULL,
       "damaged: runs.sim_duration_us is text where an integer belongs"},
      {"a fault's name", "faults", "UPDATE faults SET name = NULL", NULL, "damaged: faults.name is NULL"},
      {"a fault's start", NULL, "UPDATE faults SET start_us = x'00'", NULL,
       "damaged: faults.start_us is a blob where an integer belongs"},
      {"a line of the timeline", "events",
       "UPDATE events SET detail = NULL WHERE id = (SELECT max(id) FROM events WHERE kind = 'timeline')", NULL,
       "damaged: events.detail is NULL"},
      {"a metric's name", "metrics", "UPDATE metrics SET name = NULL WHERE name = 'agents'", NULL,
       "damaged: metrics.name is NULL"},
      {"a figure", "figures", "UPDATE figures SET value = NULL WHERE key = 'generated_bytes'", NULL,
       "damaged: figures.value is NULL"},
      {"a sample's value", "samples", "UPDATE samples SET value = NULL WHERE rowid = 5", NULL,
       "damaged: samples.value is NULL (row 5)"},
      {"a sample's value as text", NULL, "UPDATE samples SET value = 'abc' WHERE rowid = 7", NULL,
       "damaged: samples.value is text where a number belongs (row 7)"},
      {"a sample's time", NULL, "UPDATE samples SET t_us = 1.5 WHERE rowid = 9", NULL,
       "damaged: samples.t_us is a real number where an integer belongs (row 9)"},
      {"a meta value", "meta", "UPDATE meta SET value = NULL WHERE key = 'producer'", NULL,
       "damaged: meta.value is NULL"},
  };
  results_refused(ds, sizeof ds / sizeof ds[0]);
}

/* Flip one bit of the last byte of an index's page: the key of an entry
 * changes, so the index no longer matches its table. SQLite still opens the
 * file and its quick check passes; only the whole integrity check sees it. */
static void flip_index(const char *db, const char *index) {
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT rootpage FROM sqlite_master WHERE name = '%s'", index);
  long page = atol(query(db, sql)), size = atol(query(db, "PRAGMA page_size"));
  cr_assert(page > 1 && size >= 512, "no page for %s", index);
  FILE *f = fopen(db, "r+b");
  cr_assert_not_null(f);
  cr_assert_eq(fseek(f, page * size - 1, SEEK_SET), 0);
  int c = fgetc(f);
  cr_assert_eq(fseek(f, page * size - 1, SEEK_SET), 0);
  fputc(c ^ 1, f);
  cr_assert_eq(fclose(f), 0);
  cr_assert_str_eq(query(db, "PRAGMA quick_check"), "ok");
  cr_assert_str_neq(query(db, "PRAGMA integrity_check"), "ok");
}

static void flip_events_index(const char *db) { flip_index(db, "events_by_time"); }

/* A table gone, or not a table, or a column gone; a page damaged. */
Test(damaged, results_table_missing_or_integrity_failed) {
  static const damage ds[] = {
      {"no samples", NULL, "DROP TABLE samples", NULL, "damaged: its table samples is missing"},
      {"no nodes", NULL, "DROP TABLE nodes", NULL, "damaged: its table nodes is missing"},
      {"no metrics", NULL, "DROP TABLE metrics", NULL, "damaged: its table metrics is missing"},
      {"no events", NULL, "DROP TABLE events", NULL, "damaged: its table events is missing"},
      {"no expectations", NULL, "DROP TABLE expectations", NULL, "damaged: its table expectations is missing"},
      {"no figures", NULL, "DROP TABLE figures", NULL, "damaged: its table figures is missing"},
      {"no faults", NULL, "DROP TABLE faults", NULL, "damaged: its table faults is missing"},
      {"no runs", NULL, "DROP TABLE runs", NULL, "damaged: its table runs is missing"},
      {"no meta", NULL, "DROP TABLE meta", NULL, "not a romsim results file (it has no meta table)"},
      {"no run in runs", NULL, "DELETE FROM runs", NULL, "damaged: no run in it"},
      {"samples a view", NULL,
       "ALTER TABLE samples RENAME TO s2; CREATE VIEW samples AS SELECT * FROM s2", NULL,
       "damaged: samples is a view, not a table"},
      {"a column gone", NULL, "ALTER TABLE faults DROP COLUMN detail", NULL, "damaged: table faults: no such column: detail"},
      {"an index's page", NULL, NULL, flip_events_index,
       "damaged: its integrity check fails: row 1 missing from index events_by_time"},
  };
  results_refused(ds, sizeof ds / sizeof ds[0]);
}

/* An error from SQLite while reading is not the end of the rows: export
 * stops, blames reading, and leaves no CSV (a view whose rows fail with an
 * overflow after the first hour: read by export only). */
Test(damaged, export_read_error_leaves_no_csv) {
  char good[600], csv[600];
  good_results(good, sizeof good);
  snprintf(csv, sizeof csv, "%s", path_in("csv"));
  alter(good, "DROP VIEW sample_view; CREATE VIEW sample_view AS SELECT s.t_us, n.name AS node, m.name AS metric, "
              "m.unit, CASE WHEN s.t_us > 3600000000 THEN abs(-9223372036854775808) ELSE s.value END AS value "
              "FROM samples s LEFT JOIN nodes n ON n.id = s.node JOIN metrics m ON m.id = s.metric");
  int files = count_files();
  result *r = run((const char *[]){"export", good, "--csv", csv, NULL});
  cr_assert_eq(r->status, 2, "exit %d: %s", r->status, r->err);
  cr_assert(strstr(r->err, "good.db: the results file is damaged: reading sample_view: integer overflow"), "%s", r->err);
  cr_assert_null(strstr(r->err, "write"), "reading failed, not writing: %s", r->err);
  cr_assert_eq(count_files(), files, "the folder or a CSV was left");
  /* In a folder that was there: it stays, empty. */
  cr_assert_eq(mkdir(csv, 0777), 0);
  r = run((const char *[]){"export", good, "--csv", csv, NULL});
  cr_assert_eq(r->status, 2);
  DIR *d = opendir(csv);
  struct dirent *e;
  while ((e = readdir(d))) cr_assert(e->d_name[0] == '.', "%s was left", e->d_name);
  closedir(d);
  rmdir(csv);
}

/* A version that is not romsim's, or not a number: named as found. */
Test(damaged, results_versions_named) {
  static const damage ds[] = {
      {"a version 'abc'", NULL, "UPDATE meta SET value = 'abc' WHERE key = 'schema_version'", NULL,
       "damaged: its schema version (meta schema_version) is 'abc', not a whole number"},
      {"a version '2.0'", NULL, "UPDATE meta SET value = '2.0' WHERE key = 'schema_version'", NULL,
       "its schema version (meta schema_version) is '2.0', not a whole number"},
      {"a version with an escape", NULL, "UPDATE meta SET value = char(27) || '[2J' WHERE key = 'schema_version'", NULL,
       "its schema version (meta schema_version) is '?[2J', not a whole number"},
      {"no version", NULL, "DELETE FROM meta WHERE key = 'schema_version'", NULL,
       "not a romsim results file (no schema version)"},
      {"an older version", NULL, "UPDATE meta SET value = '1' WHERE key = 'schema_version'", NULL,
       "a results file of schema version 1; this romsim reads version 2: run the scenario again with this romsim"},
      {"a newer version", NULL, "UPDATE meta SET value = '3' WHERE key = 'schema_version'", NULL,
       "a results file of schema version 3, from a newer romsim; this romsim reads version 2"},
      {"two versions", NULL, "PRAGMA user_version = 7", NULL,
       "damaged: its schema version is 2 in meta but 7 in PRAGMA user_version"},
  };
  results_refused(ds, sizeof ds / sizeof ds[0]);
}

/* Times and values no run writes (docs/results.md, "Bounds"). */
Test(damaged, results_out_of_bounds) {
  static const damage ds[] = {
      {"an end beyond the duration", NULL, "UPDATE runs SET sim_end_us = 9000000000000000000", NULL,
       "damaged: runs.sim_end_us is 9000000000000000000 us, beyond the run's duration of 2h"},
      {"a duration of years", NULL,
       "UPDATE runs SET sim_duration_us = 9000000000000000000, sim_end_us = 9000000000000000000", NULL,
       "damaged: runs.sim_duration_us is 9000000000000000000 us: a run lasts more than 0 and at most 3650d"},
      {"no duration", NULL, "UPDATE runs SET sim_duration_us = 0, sim_end_us = 0", NULL,
       "damaged: runs.sim_duration_us is 0 us: a run lasts more than 0"},
      {"a negative end", NULL, "UPDATE runs SET sim_end_us = -5", NULL, "damaged: runs.sim_end_us is -5 us, before the start"},
      {"no end to a complete run", NULL, "UPDATE runs SET sim_end_us = NULL", NULL,
       "damaged: runs.sim_end_us is NULL in a run complete: only a run that never finished has no end"},
      {"an unknown status", "runs", "UPDATE runs SET status = 'bogus'", NULL,
       "damaged: runs.status is 'bogus', not running, complete, interrupted or failed"},
      {"two runs", NULL,
       "INSERT INTO runs SELECT 2, scenario_name, scenario_file, scenario_hash, scenario_text, replay_file, replay_text, "
       "seed, romsim_version, wall_start, wall_end, sim_duration_us, sim_end_us, events, status FROM runs",
       NULL, "damaged: it has 2 runs; a results file has one"},
      {"a sample before the start", NULL, "UPDATE samples SET t_us = -3600000000 WHERE rowid = 5", NULL,
       "damaged: samples.t_us is -3600000000 us (row 5), outside the run (0 to 2h)"},
      {"a sample after the end", NULL, "UPDATE samples SET t_us = 7200000001 WHERE rowid = 6", NULL,
       "damaged: samples.t_us is 7200000001 us (row 6), outside the run (0 to 2h)"},
      {"an event after the end", NULL, "UPDATE events SET t_us = 9000000000000000000 WHERE id = 3", NULL,
       "damaged: events.t_us is 9000000000000000000 us (row 3), outside the run (0 to 2h)"},
      {"a fault before the start", NULL, "UPDATE faults SET start_us = -3600000000000", NULL,
       "damaged: faults.start_us is -3600000000000 us (row 1), outside the run (0 to 2h)"},
      {"a fault ending before it starts", NULL, "UPDATE faults SET end_us = start_us - 1", NULL,
       "damaged: faults.end_us is 1799999999 us (row 1), before its start_us"},
      {"samples a microsecond apart", NULL,
       "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 8000) INSERT INTO samples "
       "SELECT i, NULL, (SELECT id FROM metrics WHERE name = 'dropped_total'), 0 FROM c",
       NULL, "damaged: it has 8025 samples of dropped_total for the group, more than one a second (at most 7202 in 2h)"},
      {"a negative value", NULL, "UPDATE samples SET value = -5 WHERE rowid = 8", NULL,
       "damaged: samples.value is -5 (row 8): no measure is negative"},
      {"an infinite value", NULL, "UPDATE samples SET value = 9e999 WHERE rowid = 9", NULL,
       "damaged: samples.value is infinite (row 9)"},
      {"an infinite figure", NULL, "UPDATE figures SET value = -9e999 WHERE key = 'delivered_bytes'", NULL,
       "damaged: figures.value is infinite (row 2)"},
      {"a negative limit", NULL, "UPDATE nodes SET agent_limit = -1 WHERE name = 'gw-1'", NULL,
       "damaged: nodes.agent_limit is -1 (row "},
      {"a verdict of 2", NULL, "UPDATE expectations SET held = 2", NULL,
       "damaged: expectations.held is 2 (row 1), not 1 (held) or 0"},
  };
  results_refused(ds, sizeof ds / sizeof ds[0]);
}

/* ---- sweep files ---- */

/* A good sweep (good.db) and its two shards (s1.db, s2.db). */
static void good_sweep(char *good, char *s1, char *s2, size_t n) {
  char sc[600];
  snprintf(sc, sizeof sc, "%s", path_in("dmg.yaml"));
  spit(sc, design);
  snprintf(good, n, "%s", path_in("good.db"));
  snprintf(s1, n, "%s", path_in("s1.db"));
  snprintf(s2, n, "%s", path_in("s2.db"));
  const char *base[] = {"sweep", sc, "--fail", "each:gateway", "--at", "30m", "--for", "10m", "--jobs", "1", "-o", good,
                        NULL, NULL, NULL};
  result *r = run(base);
  cr_assert_eq(r->status, 0, "%s", r->err);
  base[11] = s1, base[12] = "--shard", base[13] = "1/2";
  cr_assert_eq(run(base)->status, 0);
  base[11] = s2, base[13] = "2/2";
  cr_assert_eq(run(base)->status, 0);
}

/* Each damage, made to a whole sweep and to its first shard, refused by
 * report and by merge, with no report and no merged file left. The first
 * shard holds the items of cases 0 and 2 (and every case). */
static void sweeps_refused(const damage *ds, size_t n) {
  char good[600], s1[600], s2[600], bad[600], bad1[600], html[600], merged[600];
  good_sweep(good, s1, s2, sizeof good);
  snprintf(bad, sizeof bad, "%s", path_in("bad.db"));
  snprintf(bad1, sizeof bad1, "%s", path_in("bad-s1.db"));
  snprintf(html, sizeof html, "%s", path_in("bad.html"));
  snprintf(merged, sizeof merged, "%s", path_in("merged.db"));
  /* The good ones are read. */
  cr_assert_eq(run((const char *[]){"report", good, "-o", html, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"merge", "-o", merged, s1, s2, NULL})->status, 0);
  unlink(html);
  unlink(merged);
  for (size_t i = 0; i < n; i++) {
    const damage *d = &ds[i];
    copy_file(good, bad);
    apply(d, bad);
    copy_file(s1, bad1);
    apply(d, bad1);
    int files = count_files();
    refused(run((const char *[]){"report", bad, "-o", html, NULL}), "report", d, bad);
    refused(run((const char *[]){"merge", "-o", merged, bad1, s2, NULL}), "merge", d, bad1);
    cr_assert_eq(count_files(), files, "%s: a file was left behind", d->name);
    unlink(bad);
    unlink(bad1);
  }
}

Test(damaged, sweep_null_or_wrong_type) {
  static const damage ds[] = {
      {"a case's label", "cases", "UPDATE cases SET label = NULL WHERE id = 1", NULL, "damaged: cases.label is NULL"},
      {"a run's status", "items", "UPDATE items SET status = NULL", NULL, "damaged: items.status is NULL"},
      {"the scenario's name", NULL, "UPDATE sweep SET scenario_name = NULL", NULL, "damaged: sweep.scenario_name is NULL"},
      {"the shard", NULL, "UPDATE sweep SET shard = NULL", NULL, "damaged: sweep.shard is NULL"},
      {"the replications", NULL, "UPDATE sweep SET replications = NULL", NULL, "damaged: sweep.replications is NULL"},
      {"data lost", NULL, "UPDATE items SET dropped_bytes = NULL", NULL, "damaged: items.dropped_bytes is NULL"},
      {"data lost as text", NULL, "UPDATE items SET dropped_bytes = 'abc'", NULL,
       "damaged: items.dropped_bytes is text where an integer belongs"},
      {"a verdict", NULL, "UPDATE items SET held = 0.5", NULL, "damaged: items.held is a real number where an integer belongs"},
  };
  sweeps_refused(ds, sizeof ds / sizeof ds[0]);
}

static void flip_items_index(const char *db) { flip_index(db, "sqlite_autoindex_items_1"); }

Test(damaged, sweep_table_missing_or_integrity_failed) {
  static const damage ds[] = {
      {"no items", NULL, "DROP TABLE items", NULL, "damaged: its table items is missing"},
      {"no cases", NULL, "DROP TABLE cases", NULL, "damaged: its table cases is missing"},
      {"no sweep", NULL, "DROP TABLE sweep", NULL, "damaged: its table sweep is missing"},
      {"no sweep row", NULL, "DELETE FROM sweep", NULL, "damaged: no sweep in it"},
      {"a column gone", NULL, "ALTER TABLE items DROP COLUMN events", NULL, "damaged: table items: no such column: events"},
      {"an index's page", NULL, NULL, flip_items_index,
       "damaged: its integrity check fails: row 1 missing from index sqlite_autoindex_items_1"},
  };
  sweeps_refused(ds, sizeof ds / sizeof ds[0]);
}

/* Versions named as found; times, counts and verdicts no sweep writes. */
Test(damaged, sweep_versions_and_bounds) {
  static const damage ds[] = {
      {"a version 'abc'", NULL, "UPDATE meta SET value = 'abc' WHERE key = 'sweep_schema_version'", NULL,
       "damaged: its schema version (meta sweep_schema_version) is 'abc', not a whole number"},
      {"a newer version", NULL, "UPDATE meta SET value = '2' WHERE key = 'sweep_schema_version'", NULL,
       "a sweep file of schema version 2, from a newer romsim; this romsim reads version 1"},
      {"runs of years", NULL, "UPDATE sweep SET duration_us = 9000000000000000000", NULL,
       "damaged: sweep.duration_us is 9000000000000000000 us: a run lasts more than 0 and at most 3650d"},
      {"a failure before the start", NULL, "UPDATE sweep SET at_us = -5", NULL,
       "damaged: sweep.at_us is -5 us, outside the runs (0 to 2h)"},
      {"a failure after the end", NULL, "UPDATE sweep SET at_us = duration_us", NULL,
       "damaged: sweep.at_us is 7200000000 us, outside the runs (0 to 2h)"},
      {"a failure of no length", NULL, "UPDATE sweep SET for_us = 0", NULL,
       "damaged: sweep.for_us is 0 us: a failure lasts more than 0"},
      {"pairs 2", NULL, "UPDATE sweep SET pairs = 2", NULL, "damaged: sweep.pairs is 2, not 0 or 1"},
      {"an unknown status", NULL, "UPDATE sweep SET status = 'bogus'", NULL,
       "damaged: sweep.status is 'bogus', not complete or interrupted"},
      {"too many replications", NULL, "UPDATE sweep SET replications = 10001", NULL,
       "damaged: sweep.replications is 10001, not 1 to 10000"},
      {"a negative latency", NULL, "UPDATE items SET latency_max_us = -5000000000000 WHERE case_id = 2", NULL,
       "damaged: items.latency_max_us is -5000000000000 (case 2, replication 0), outside the runs (0 to 2h)"},
      {"a latency beyond the run", NULL, "UPDATE items SET latency_p99_us = 9000000000000000000 WHERE case_id = 2", NULL,
       "damaged: items.latency_p99_us is 9000000000000000000 (case 2, replication 0), outside the runs (0 to 2h)"},
      {"a recovery beyond the run", NULL, "UPDATE items SET recover_us = 7200000001 WHERE case_id = 2", NULL,
       "damaged: items.recover_us is 7200000001 (case 2, replication 0), outside the runs (0 to 2h)"},
      {"negative data lost", NULL, "UPDATE items SET dropped_bytes = -1 WHERE case_id = 0", NULL,
       "damaged: items.dropped_bytes is -1 (case 0, replication 0), negative"},
      {"a verdict of 2", NULL, "UPDATE items SET held = 2 WHERE case_id = 2", NULL,
       "damaged: items.held is 2 (case 2, replication 0), not 0 or 1"},
      {"an unknown run status", NULL, "UPDATE items SET status = 'bogus' WHERE case_id = 0", NULL,
       "damaged: items.status is 'bogus' (case 0, replication 0), not complete, interrupted or failed"},
      {"a failure without a target", NULL, "UPDATE cases SET target1 = NULL WHERE id = 1", NULL,
       "damaged: cases.target1 is NULL but cases.kind1 is not (case 1)"},
      {"a second failure without a first", NULL,
       "UPDATE cases SET kind2 = kind1, target2 = target1, kind1 = NULL, target1 = NULL WHERE id = 2", NULL,
       "damaged: cases.kind2 is set but cases.kind1 is NULL (case 2)"},
      {"an unknown failure", NULL, "UPDATE cases SET kind1 = 'meteor' WHERE id = 1", NULL,
       "damaged: cases.kind1 is 'meteor' (case 1), not crash or site_outage"},
  };
  sweeps_refused(ds, sizeof ds / sizeof ds[0]);
}
