/*
 * Tests for rs_results: every table round-trips through a real file, the
 * file appears under its final name only when closed, abandoned runs leave
 * nothing, and SOURCE_DATE_EPOCH makes identical runs byte-identical.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rs_results.h"
#include "rs_sha256.h"

/* ---- a private temporary directory per test ------------------------------ */

static char tmpdir[512];

static void make_tmpdir(void) {
  const char *base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/romsim-test-results-XXXXXX", base);
  cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void remove_tmpdir(void) {
  DIR *d = opendir(tmpdir);
  if (!d) return;
  struct dirent *de;
  char p[1024];
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", tmpdir, de->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(tmpdir);
}

TestSuite(results, .init = make_tmpdir, .fini = remove_tmpdir);

static void path_in_tmp(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

/* The names in the temporary directory, sorted, joined by '|'. */
static void dir_listing(char *out, size_t n) {
  char names[32][256];
  int k = 0;
  DIR *d = opendir(tmpdir);
  cr_assert_not_null(d);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    cr_assert_lt(k, 32);
    snprintf(names[k++], sizeof names[0], "%s", de->d_name);
  }
  closedir(d);
  qsort(names, (size_t)k, sizeof names[0], cmp_name);
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < k; i++) {
    int w = snprintf(out + used, n - used, "%s%s", i ? "|" : "", names[i]);
    cr_assert(w >= 0 && (size_t)w < n - used, "listing too long");
    used += (size_t)w;
  }
}

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char scenario_text[] =
    "name: demo\n"
    "seed: 18364758544493064720\n"
    "nodes:\n"
    "  - {name: a, role: server}\n"
    "# quotes ' and \" and ; DROP TABLE runs; -- and UTF-8: \xc3\xa9\xe2\x82\xac\n";

static rs_run_info demo_info(void) {
  rs_run_info info = {
      .scenario_name = "demo",
      .scenario_file = "scenarios/demo.yaml",
      .scenario_text = scenario_text,
      .seed = 0xfedcba9876543210ull, /* above INT64_MAX */
      .version = "0.1.0",
      .duration = 2 * RS_DAY,
  };
  return info;
}

static rs_results *open_ok(const char *path, const rs_run_info *info) {
  char err[512] = "";
  rs_results *r = rs_results_open(path, info, err, sizeof err);
  cr_assert_not_null(r, "open %s: %s", path, err);
  return r;
}

static void close_ok(rs_results *r, const char *status, rs_time_t end, uint64_t events) {
  char err[512] = "";
  int rc = rs_results_close(r, status, end, events, err, sizeof err);
  cr_assert_eq(rc, 0, "close: %s", err);
}

static sqlite3 *open_db(const char *path) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
  cr_assert_eq(rc, SQLITE_OK, "sqlite3_open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
  return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  return st;
}

static void step_row(sqlite3_stmt *st) { cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "expected another row"); }
static void step_done(sqlite3_stmt *st) { cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "expected no more rows"); }

static void col_text(sqlite3_stmt *st, int i, const char *want) {
  cr_assert_eq(sqlite3_column_type(st, i), SQLITE_TEXT, "column %d is not text", i);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, i), want, "column %d", i);
}

static void col_int(sqlite3_stmt *st, int i, int64_t want) {
  cr_assert_eq(sqlite3_column_type(st, i), SQLITE_INTEGER, "column %d is not an integer", i);
  cr_assert_eq(sqlite3_column_int64(st, i), want, "column %d: %lld, want %lld", i,
               (long long)sqlite3_column_int64(st, i), (long long)want);
}

static void col_node(sqlite3_stmt *st, int i, int64_t want) {
  if (want < 0)
    cr_assert_eq(sqlite3_column_type(st, i), SQLITE_NULL, "node -1 must be stored as NULL (column %d)", i);
  else
    col_int(st, i, want);
}

static void col_real(sqlite3_stmt *st, int i, double want) {
  cr_assert_eq(sqlite3_column_type(st, i), SQLITE_FLOAT, "column %d is not real", i);
  cr_assert_eq(sqlite3_column_double(st, i), want, "column %d: %.17g, want %.17g", i, sqlite3_column_double(st, i),
               want);
}

static int64_t query_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = prep(db, sql);
  step_row(st);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* ---- the data written by the round-trip test ------------------------------ */

static const struct {
  int64_t id;
  const char *name, *role;
  int64_t parent;
} nodes[] = {
    {0, "site", "group", -1},
    {1, "site/a", "server", 0},
    {2, "site/b", "server", 0},
    {7, "site/b/disk's", "disk", 2},
};

static const struct {
  int id;
  const char *name, *unit;
} metrics[] = {{1, "cpu", "ratio"}, {2, "latency", "us"}, {3, "queue length", ""}};

static const struct {
  rs_time_t t;
  int64_t node;
  int metric;
  double value;
} samples[] = {
    {0, 1, 1, 0.25},
    {0, -1, 2, 1e-300},
    {RS_SEC, 2, 1, -3.5},
    {RS_DAY, 7, 3, 123456789.125},
    {(1ll << 40) + 1, -1, 3, 0.1},
    {INT64_MAX, 0, 2, 1.7976931348623157e308},
};

static const struct {
  rs_time_t t;
  int64_t node;
  const char *kind, *detail;
} events[] = {
    {5, 1, "fail", "disk full"},
    {6, -1, "note", NULL},
    {6, 7, "repair", "it's \"fixed\""},
    {RS_HOUR, 2, "restart", ""},
};

static const struct {
  const char *name;
  bool held;
  const char *detail;
} expectations[] = {
    {"p99 latency < 1s", true, "0.8s"},
    {"no data lost", false, NULL},
    {"availability >= 99.9%", true, "99.95%"},
};

static const struct {
  const char *key;
  double value;
} figures[] = {{"throughput", 1234.5}, {"availability", 0.9995}, {"zero", 0.0}, {"negative", -2.25}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void write_everything(rs_results *r) {
  for (size_t i = 0; i < COUNT(nodes); i++)
    cr_assert_eq(rs_results_node(r, nodes[i].id, nodes[i].name, nodes[i].role, nodes[i].parent, nodes[i].id * 10), 0,
                 "%s", rs_results_errmsg(r));
  cr_assert_eq(rs_results_fault(r, "gw-down", "crash", 60, 120, "crash on 1 node (gw-1)"), 0, "%s", rs_results_errmsg(r));
  cr_assert_eq(rs_results_fault(r, "forever", "cut", 90, -1, "cut on 2 nodes"), 0, "%s", rs_results_errmsg(r));
  for (size_t i = 0; i < COUNT(metrics); i++)
    cr_assert_eq(rs_results_metric(r, metrics[i].id, metrics[i].name, metrics[i].unit), 0, "%s",
                 rs_results_errmsg(r));
  for (size_t i = 0; i < COUNT(samples); i++)
    cr_assert_eq(rs_results_sample(r, samples[i].t, samples[i].node, samples[i].metric, samples[i].value), 0,
                 "%s", rs_results_errmsg(r));
  for (size_t i = 0; i < COUNT(events); i++)
    cr_assert_eq(rs_results_event(r, events[i].t, events[i].node, events[i].kind, events[i].detail), 0, "%s",
                 rs_results_errmsg(r));
  for (size_t i = 0; i < COUNT(expectations); i++)
    cr_assert_eq(rs_results_expectation(r, expectations[i].name, expectations[i].held, expectations[i].detail), 0,
                 "%s", rs_results_errmsg(r));
  for (size_t i = 0; i < COUNT(figures); i++)
    cr_assert_eq(rs_results_figure(r, figures[i].key, figures[i].value), 0, "%s", rs_results_errmsg(r));
}

static void check_iso_utc(const char *s) {
  /* YYYY-MM-DDTHH:MM:SSZ */
  cr_assert_eq(strlen(s), 20, "wall time \"%s\"", s);
  cr_assert(s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z',
            "wall time \"%s\"", s);
}

static void check_runs_row(sqlite3 *db, const rs_run_info *info, const char *status, rs_time_t end,
                           uint64_t nevents) {
  sqlite3_stmt *st = prep(db,
                          "SELECT id, scenario_name, scenario_file, scenario_hash, scenario_text, seed,"
                          " romsim_version, wall_start, wall_end, sim_duration_us, sim_end_us, events, status"
                          " FROM runs");
  step_row(st);
  col_int(st, 0, 1);
  col_text(st, 1, info->scenario_name);
  col_text(st, 2, info->scenario_file);
  char hash[65];
  rs_sha256_hex(info->scenario_text, strlen(info->scenario_text), hash);
  col_text(st, 3, hash);
  col_text(st, 4, info->scenario_text);
  cr_assert_eq((uint64_t)sqlite3_column_int64(st, 5), info->seed, "seed");
  col_text(st, 6, info->version);
  check_iso_utc((const char *)sqlite3_column_text(st, 7));
  check_iso_utc((const char *)sqlite3_column_text(st, 8));
  cr_assert_leq(strcmp((const char *)sqlite3_column_text(st, 7), (const char *)sqlite3_column_text(st, 8)), 0,
                "the run ends before it starts");
  col_int(st, 9, info->duration);
  col_int(st, 10, end);
  col_int(st, 11, (int64_t)nevents);
  col_text(st, 12, status);
  step_done(st);
  sqlite3_finalize(st);
}

Test(results, round_trip_every_table) {
  char path[1024];
  path_in_tmp(path, sizeof path, "run.db");
  rs_run_info info = demo_info();
  unsetenv("SOURCE_DATE_EPOCH");
  rs_results *r = open_ok(path, &info);

  /* While open: no final file, one hidden ".partial" file beside it. */
  cr_assert_not(exists(path), "the final name exists before close");
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_eq(strchr(listing, '|'), NULL, "more than one file while open: %s", listing);
  cr_assert(strncmp(listing, ".run.db", 7) == 0 && ends_with(listing, ".partial"),
            "temporary file \"%s\" is not .run.db*.partial", listing);

  write_everything(r);
  close_ok(r, "complete", 2 * RS_DAY, 12345);

  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "run.db", "after close only the final file is left");

  sqlite3 *db = open_db(path);
  cr_assert_eq(query_int(db, "PRAGMA user_version"), RS_RESULTS_SCHEMA_VERSION);
  sqlite3_stmt *st = prep(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  step_row(st);
  char ver[16];
  snprintf(ver, sizeof ver, "%d", RS_RESULTS_SCHEMA_VERSION);
  col_text(st, 0, ver);
  step_done(st);
  sqlite3_finalize(st);
  st = prep(db, "SELECT value FROM meta WHERE key = 'producer'");
  step_row(st);
  cr_assert_not_null(strstr((const char *)sqlite3_column_text(st, 0), info.version), "producer names the version");
  sqlite3_finalize(st);

  check_runs_row(db, &info, "complete", 2 * RS_DAY, 12345);

  st = prep(db, "SELECT id, name, role, parent, agent_limit FROM nodes ORDER BY id");
  for (size_t i = 0; i < COUNT(nodes); i++) {
    step_row(st);
    col_int(st, 0, nodes[i].id);
    col_text(st, 1, nodes[i].name);
    col_text(st, 2, nodes[i].role);
    col_node(st, 3, nodes[i].parent);
    if (nodes[i].id > 0)
      col_int(st, 4, nodes[i].id * 10);
    else
      cr_assert_eq(sqlite3_column_type(st, 4), SQLITE_NULL, "no limit is NULL");
  }
  step_done(st);
  sqlite3_finalize(st);

  st = prep(db, "SELECT name, kind, start_us, end_us, detail FROM faults ORDER BY id");
  step_row(st);
  col_text(st, 0, "gw-down");
  col_text(st, 1, "crash");
  col_int(st, 2, 60);
  col_int(st, 3, 120);
  col_text(st, 4, "crash on 1 node (gw-1)");
  step_row(st);
  col_text(st, 0, "forever");
  cr_assert_eq(sqlite3_column_type(st, 3), SQLITE_NULL, "never repaired is NULL");
  step_done(st);
  sqlite3_finalize(st);

  st = prep(db, "SELECT id, name, unit FROM metrics ORDER BY id");
  for (size_t i = 0; i < COUNT(metrics); i++) {
    step_row(st);
    col_int(st, 0, metrics[i].id);
    col_text(st, 1, metrics[i].name);
    col_text(st, 2, metrics[i].unit);
  }
  step_done(st);
  sqlite3_finalize(st);

  st = prep(db, "SELECT t_us, node, metric, value FROM samples ORDER BY rowid");
  for (size_t i = 0; i < COUNT(samples); i++) {
    step_row(st);
    col_int(st, 0, samples[i].t);
    col_node(st, 1, samples[i].node);
    col_int(st, 2, samples[i].metric);
    col_real(st, 3, samples[i].value);
  }
  step_done(st);
  sqlite3_finalize(st);

  st = prep(db, "SELECT t_us, node, kind, detail FROM events ORDER BY id");
  for (size_t i = 0; i < COUNT(events); i++) {
    step_row(st);
    col_int(st, 0, events[i].t);
    col_node(st, 1, events[i].node);
    col_text(st, 2, events[i].kind);
    col_text(st, 3, events[i].detail ? events[i].detail : "");
  }
  step_done(st);
  sqlite3_finalize(st);

  st = prep(db, "SELECT name, held, detail FROM expectations ORDER BY id");
  for (size_t i = 0; i < COUNT(expectations); i++) {
    step_row(st);
    col_text(st, 0, expectations[i].name);
    col_int(st, 1, expectations[i].held ? 1 : 0);
    col_text(st, 2, expectations[i].detail ? expectations[i].detail : "");
  }
  step_done(st);
  sqlite3_finalize(st);

  cr_assert_eq(query_int(db, "SELECT count(*) FROM figures"), (int64_t)COUNT(figures));
  st = prep(db, "SELECT value FROM figures WHERE key = ?1");
  for (size_t i = 0; i < COUNT(figures); i++) {
    sqlite3_bind_text(st, 1, figures[i].key, -1, SQLITE_STATIC);
    step_row(st);
    col_real(st, 0, figures[i].value);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);

  /* The view joins names in; a whole-group sample has no node name. */
  st = prep(db, "SELECT node, metric, unit, value FROM sample_view WHERE t_us = 0 ORDER BY metric");
  step_row(st);
  col_text(st, 0, "site/a");
  col_text(st, 1, "cpu");
  col_text(st, 2, "ratio");
  step_row(st);
  cr_assert_eq(sqlite3_column_type(st, 0), SQLITE_NULL);
  col_text(st, 1, "latency");
  step_done(st);
  sqlite3_finalize(st);

  cr_assert_eq(query_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
  sqlite3_close(db);
}

Test(results, interrupted_and_failed_status) {
  static const char *const statuses[] = {"interrupted", "failed"};
  for (int i = 0; i < 2; i++) {
    char path[1024], name[64];
    snprintf(name, sizeof name, "%s.db", statuses[i]);
    path_in_tmp(path, sizeof path, name);
    rs_run_info info = demo_info();
    rs_results *r = open_ok(path, &info);
    cr_assert_eq(rs_results_sample(r, 10, -1, 1, 1.0), 0);
    close_ok(r, statuses[i], 777 * RS_SEC, 42);
    sqlite3 *db = open_db(path);
    check_runs_row(db, &info, statuses[i], 777 * RS_SEC, 42);
    sqlite3_close(db);
  }
}

Test(results, abandon_leaves_nothing) {
  char path[1024];
  path_in_tmp(path, sizeof path, "gone.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  write_everything(r);
  rs_results_abandon(r);
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "", "abandon left files behind: %s", listing);
  rs_results_abandon(NULL); /* harmless */
}

Test(results, open_in_missing_directory) {
  char path[1024];
  path_in_tmp(path, sizeof path, "no-such-dir/run.db");
  rs_run_info info = demo_info();
  char err[1024] = "";
  rs_results *r = rs_results_open(path, &info, err, sizeof err);
  cr_assert_null(r);
  cr_assert_not_null(strstr(err, path), "the message \"%s\" does not name %s", err, path);
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "", "a failed open left files behind: %s", listing);
}

Test(results, rejected_row_reports_error) {
  char path[1024];
  path_in_tmp(path, sizeof path, "dup.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  cr_assert_eq(rs_results_node(r, 1, "a", "server", -1, 0), 0);
  cr_assert_eq(rs_results_node(r, 1, "b", "server", -1, 0), -1, "a duplicate node id must be refused");
  cr_assert_str_neq(rs_results_errmsg(r), "");
  cr_assert_eq(rs_results_metric(r, 1, "m", "u"), 0);
  cr_assert_eq(rs_results_metric(r, 2, "m", "u"), -1, "a duplicate metric name must be refused");
  rs_results_abandon(r);
}

Test(results, invalid_status_fails_close) {
  char path[1024];
  path_in_tmp(path, sizeof path, "bad.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  char err[512] = "";
  cr_assert_eq(rs_results_close(r, "finished-ish", 0, 0, err, sizeof err), -1);
  cr_assert_str_neq(err, "");
  cr_assert_not(exists(path), "a failed close must not leave the final file");
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  cr_assert_eq(fseek(f, 0, SEEK_END), 0);
  long n = ftell(f);
  cr_assert_gt(n, 0);
  rewind(f);
  char *buf = malloc((size_t)n);
  cr_assert_not_null(buf);
  cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

Test(results, source_date_epoch_gives_identical_files) {
  cr_assert_eq(setenv("SOURCE_DATE_EPOCH", "1700000000", 1), 0);
  char a[1024], b[1024];
  path_in_tmp(a, sizeof a, "a.db");
  path_in_tmp(b, sizeof b, "b.db");
  const char *paths[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    rs_run_info info = demo_info();
    rs_results *r = open_ok(paths[i], &info);
    write_everything(r);
    for (int k = 0; k < 5000; k++) cr_assert_eq(rs_results_sample(r, k, k % 3, 1 + k % 3, k * 0.5), 0);
    close_ok(r, "complete", 2 * RS_DAY, 99);
  }
  /* The wall times are the epoch given (2023-11-14T22:13:20Z), not the clock. */
  sqlite3 *db = open_db(a);
  sqlite3_stmt *st = prep(db, "SELECT wall_start, wall_end FROM runs");
  step_row(st);
  col_text(st, 0, "2023-11-14T22:13:20Z");
  col_text(st, 1, "2023-11-14T22:13:20Z");
  sqlite3_finalize(st);
  sqlite3_close(db);
  size_t la, lb;
  char *da = slurp(a, &la), *db_bytes = slurp(b, &lb);
  cr_assert_eq(la, lb, "sizes differ: %zu and %zu", la, lb);
  cr_assert_eq(memcmp(da, db_bytes, la), 0, "the two files differ");
  free(da);
  free(db_bytes);
}

Test(results, more_rows_than_a_batch, .timeout = 60) {
  /* 250001 samples and 100001 events: several batch commits (100000 rows
   * each) in between, and every row must be there afterwards. */
  enum { NS = 250001, NE = 100001 };
  char path[1024];
  path_in_tmp(path, sizeof path, "big.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  cr_assert_eq(rs_results_node(r, 0, "n0", "server", -1, 0), 0);
  cr_assert_eq(rs_results_node(r, 1, "n1", "server", 0, 0), 0);
  cr_assert_eq(rs_results_metric(r, 1, "m", "u"), 0);
  for (int i = 0; i < NS; i++)
    if (rs_results_sample(r, (rs_time_t)i * 1000, i % 3 - 1, 1, i * 0.25) != 0)
      cr_assert_fail("sample %d: %s", i, rs_results_errmsg(r));
  for (int i = 0; i < NE; i++) {
    char detail[32];
    snprintf(detail, sizeof detail, "e%d", i);
    if (rs_results_event(r, i, i % 2, "tick", detail) != 0) cr_assert_fail("event %d: %s", i, rs_results_errmsg(r));
  }
  close_ok(r, "complete", NS, NS + NE);

  sqlite3 *db = open_db(path);
  cr_assert_eq(query_int(db, "SELECT count(*) FROM samples"), NS);
  cr_assert_eq(query_int(db, "SELECT count(*) FROM events"), NE);
  sqlite3_stmt *st = prep(db, "SELECT t_us, node, metric, value FROM samples ORDER BY rowid");
  for (int i = 0; i < NS; i++) {
    if (sqlite3_step(st) != SQLITE_ROW) cr_assert_fail("sample row %d missing", i);
    int64_t node = i % 3 - 1;
    if (sqlite3_column_int64(st, 0) != (int64_t)i * 1000 || sqlite3_column_double(st, 3) != i * 0.25 ||
        (node < 0 ? sqlite3_column_type(st, 1) != SQLITE_NULL : sqlite3_column_int64(st, 1) != node))
      cr_assert_fail("sample row %d differs", i);
  }
  step_done(st);
  sqlite3_finalize(st);
  st = prep(db, "SELECT t_us, node, kind, detail FROM events ORDER BY id");
  for (int i = 0; i < NE; i++) {
    if (sqlite3_step(st) != SQLITE_ROW) cr_assert_fail("event row %d missing", i);
    char detail[32];
    snprintf(detail, sizeof detail, "e%d", i);
    if (sqlite3_column_int64(st, 0) != i || sqlite3_column_int64(st, 1) != i % 2 ||
        strcmp((const char *)sqlite3_column_text(st, 3), detail) != 0)
      cr_assert_fail("event row %d differs", i);
  }
  step_done(st);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* A name that holds something other than a regular file (here a FIFO) is
 * refused when the file is opened, not replaced when it is closed. */
Test(results, refuses_a_name_that_is_not_a_regular_file) {
  char path[1024];
  path_in_tmp(path, sizeof path, "fifo.db");
  cr_assert_eq(mkfifo(path, 0644), 0);
  rs_run_info info = demo_info();
  char err[1024] = "";
  rs_results *r = rs_results_open(path, &info, err, sizeof err);
  if (r) close_ok(r, "complete", 0, 0);
  struct stat st;
  cr_assert_eq(lstat(path, &st), 0);
  cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced");
  cr_assert_null(r, "a FIFO was taken as the results file");
  cr_assert(strstr(err, path) && strstr(err, "a FIFO, not a regular file"), "got: %s", err);
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "fifo.db", "files left: %s", listing);
}

/* A disk that fills (a limit on the file's size) at a batch's commit: the
 * write that fails says why as SQLite says it, with the system's reason;
 * every later call fails with that same first message, not with what the
 * emptied file says ("no such table"); closing fails with it too and
 * leaves nothing. A row refused does not break the recorder (see
 * rejected_row_reports_error). */
Test(results, full_disk_keeps_the_first_error, .timeout = 60) {
  char path[1024];
  path_in_tmp(path, sizeof path, "full.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit rl = {512 * 1024, 512 * 1024};
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
  cr_assert_eq(rs_results_metric(r, 1, "m", "u"), 0);
  int i = 0;
  while (i < 1000000 && rs_results_sample(r, i, -1, 1, i * 0.5) == 0) i++;
  cr_assert_lt(i, 1000000, "the limit was never reached");
  char first[1024];
  snprintf(first, sizeof first, "%s", rs_results_errmsg(r));
  cr_assert(strstr(first, path) && strstr(first, "cannot write the results file: disk I/O error (File too large)"),
            "%s", first);
  cr_assert_eq(rs_results_event(r, 1, -1, "tick", "after"), -1, "a write after the file lost its rows");
  cr_assert_eq(rs_results_figure(r, "f", 1.0), -1);
  cr_assert_str_eq(rs_results_errmsg(r), first);
  char err[1024] = "";
  cr_assert_eq(rs_results_close(r, "complete", i, i, err, sizeof err), -1);
  cr_assert_str_eq(err, first);
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "", "files left: %s", listing);
}

/* From the first sample on, rows are written by a thread of their own, in
 * order. A row refused there (a duplicate node id) cannot be told to its
 * caller at once: it breaks the recorder, with SQLite's message; the calls
 * after the writer met it fail, and closing fails and leaves nothing. */
Test(results, a_row_refused_by_the_writer_breaks_the_recorder, .timeout = 60) {
  char path[1024];
  path_in_tmp(path, sizeof path, "late.db");
  rs_run_info info = demo_info();
  rs_results *r = open_ok(path, &info);
  cr_assert_eq(rs_results_node(r, 1, "a", "server", -1, 0), 0);
  cr_assert_eq(rs_results_metric(r, 1, "m", "u"), 0);
  cr_assert_eq(rs_results_sample(r, 0, 1, 1, 1.0), 0, "the writer starts");
  cr_assert_eq(rs_results_node(r, 1, "b", "server", -1, 0), 0, "queued: refused later");
  int i = 0;
  while (i < 10000000 && rs_results_sample(r, i, 1, 1, 0.5) == 0) i++;
  cr_assert_lt(i, 10000000, "the refusal was never seen");
  cr_assert(strstr(rs_results_errmsg(r), "UNIQUE constraint failed: nodes.id"), "%s", rs_results_errmsg(r));
  char err[1024] = "";
  cr_assert_eq(rs_results_close(r, "complete", 1, 1, err, sizeof err), -1);
  cr_assert(strstr(err, "UNIQUE constraint failed"), "%s", err);
  char listing[4096];
  dir_listing(listing, sizeof listing);
  cr_assert_str_eq(listing, "", "files left: %s", listing);
}
