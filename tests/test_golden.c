/*
 * Golden results: every scenario users run (scenarios/, its replays, and
 * the test scenarios that run to the end) is run, and what its results file
 * holds is compared with the record in tests/golden/NAME.txt: the run's
 * row (but its count of engine events), figures, expectations, faults and events line by line, the nodes by
 * count and hash, and every sample series (node, metric) by its count,
 * first and last time, least, most and sum, and a SHA-256 of its times and
 * values, exactly. A change that must not alter results (a speed-up, a
 * refactor) passes this test unchanged; one that does shows which series
 * moved, and the record is written again on purpose:
 *
 *   ROMSIM_GOLDEN=update meson test -C build golden
 *
 * (docs/results.md, "Golden results"). Runs use SOURCE_DATE_EPOCH=0.
 */
#include "cli_util.h"
#include "rs_sha256.h"

typedef struct {
  char *text;
  size_t len;
  FILE *f;
} dump;

static void hash_row(FILE *h, sqlite3_stmt *st) {
  for (int c = 0; c < sqlite3_column_count(st); c++) {
    if (c) fputc('|', h);
    if (sqlite3_column_type(st, c) == SQLITE_FLOAT)
      fprintf(h, "%.17g", sqlite3_column_double(st, c));
    else if (sqlite3_column_type(st, c) != SQLITE_NULL)
      fputs((const char *)sqlite3_column_text(st, c), h);
    else
      fputs("NULL", h);
  }
  fputc('\n', h);
}

/* Rows of sql: each written out, or (more than `shown`) their count and
 * hash. */
static void table(sqlite3 *db, FILE *out, const char *title, const char *sql, int shown) {
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
  char *buf = NULL;
  size_t len = 0;
  FILE *h = open_memstream(&buf, &len);
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    hash_row(h, st);
    n++;
  }
  sqlite3_finalize(st);
  fclose(h);
  char hex[65];
  fprintf(out, "%s: %d rows, sha256 %s\n", title, n, rs_sha256_hex(buf, len, hex));
  if (n <= shown) fputs(buf, out);
  free(buf);
}

/* Every sample series: node, metric, count, first and last time, least,
 * most, sum, and the SHA-256 of its (time, value) lines. */
static void series(sqlite3 *db, FILE *out) {
  sqlite3_stmt *st;
  const char *sql = "SELECT coalesce(n.name, '-'), m.name, s.t_us, s.value FROM samples s LEFT JOIN nodes n ON "
                    "n.id = s.node JOIN metrics m ON m.id = s.metric ORDER BY n.name, m.name, s.t_us, s.rowid";
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
  char node[256] = "", metric[128] = "";
  char *buf = NULL;
  size_t len = 0;
  FILE *h = NULL;
  long long n = 0, first = 0, last = 0, total = 0;
  double lo = 0, hi = 0, sum = 0;
  bool more = true;
  while (more) {
    more = sqlite3_step(st) == SQLITE_ROW;
    const char *nd = more ? (const char *)sqlite3_column_text(st, 0) : "";
    const char *mt = more ? (const char *)sqlite3_column_text(st, 1) : "";
    if (h && (!more || strcmp(nd, node) || strcmp(mt, metric))) {
      fclose(h);
      char hex[65];
      fprintf(out, "%s %s n=%lld t=%lld..%lld min=%.17g max=%.17g sum=%.17g sha256=%s\n", node, metric, n, first,
              last, lo, hi, sum, rs_sha256_hex(buf, len, hex));
      free(buf);
      buf = NULL;
      h = NULL;
    }
    if (!more) break;
    long long t = sqlite3_column_int64(st, 2);
    double v = sqlite3_column_double(st, 3);
    if (!h) {
      snprintf(node, sizeof node, "%s", nd);
      snprintf(metric, sizeof metric, "%s", mt);
      h = open_memstream(&buf, &len);
      n = 0;
      first = t;
      lo = hi = v;
      sum = 0;
    }
    fprintf(h, "%lld %.17g\n", t, v);
    n++;
    total++;
    last = t;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    sum += v;
  }
  sqlite3_finalize(st);
  fprintf(out, "samples: %lld\n", total);
}

/* What the results file db holds, as the golden record has it; dir (where
 * the scenarios are: a replay's faults and events name its file) is written
 * $SCENARIOS, so that the record does not depend on the checkout. */
static char *record(const char *db_path, const char *dir) {
  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  /* Not the engine's count of events: that is how the work was done
   * (agents in populations run their ticks without events of their own),
   * not what it gave. */
  table(db, out, "run", "SELECT scenario_name, scenario_hash, seed, sim_duration_us, sim_end_us, status FROM runs", 10);
  table(db, out, "figures", "SELECT key, value FROM figures ORDER BY key", 1000);
  table(db, out, "expectations", "SELECT name, held, detail FROM expectations ORDER BY id", 1000);
  char *faults = sqlite3_mprintf("SELECT name, kind, start_us, end_us, replace(detail, %Q, '$SCENARIOS') FROM "
                                  "faults ORDER BY id", dir);
  char *events = sqlite3_mprintf("SELECT e.t_us, coalesce(n.name, '-'), e.kind, replace(e.detail, %Q, '$SCENARIOS') "
                                  "FROM events e LEFT JOIN nodes n ON n.id = e.node ORDER BY e.id", dir);
  table(db, out, "faults", faults, 1000);
  table(db, out, "events", events, 3000);
  sqlite3_free(faults);
  sqlite3_free(events);
  table(db, out, "nodes", "SELECT id, name, role, parent, agent_limit FROM nodes ORDER BY id", 0);
  table(db, out, "metrics", "SELECT id, name, unit FROM metrics ORDER BY id", 1000);
  series(db, out);
  fclose(out);
  sqlite3_close(db);
  return text;
}

/* The first line where records x and y differ: its number, and where it
 * begins in each (*at_x, *at_y). */
static int first_difference(const char *x, const char *y, const char **at_x, const char **at_y) {
  const char *a = x, *b = y;
  int line = 1;
  while (*a && *a == *b) {
    if (*a == '\n') line++;
    a++, b++;
  }
  while (a > x && a[-1] != '\n') a--, b--;
  *at_x = a;
  *at_y = b;
  return line;
}

/* Run one scenario (with its replay) and compare with, or write, its
 * record. */
static void golden(const char *name, const char *scenario, const char *replay) {
  char db[512], path[1024];
  snprintf(db, sizeof db, "%s/%s.db", workdir, name);
  setenv("SOURCE_DATE_EPOCH", "0", 1);
  result *r = replay ? run((const char *[]){"run", scenario, "--replay", replay, "-o", db, NULL})
                     : run((const char *[]){"run", scenario, "-o", db, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s: exit %d: %s", name, r->status, r->err);
  char *got = record(db, getenv("ROMSIM_SCENARIOS"));
  unlink(db);
  const char *dir = getenv("ROMSIM_GOLDEN_DIR");
  cr_assert_not_null(dir, "ROMSIM_GOLDEN_DIR is not set (run through meson test)");
  snprintf(path, sizeof path, "%s/%s.txt", dir, name);
  const char *mode = getenv("ROMSIM_GOLDEN");
  if (mode && strcmp(mode, "update") == 0) {
    spit(path, got);
    free(got);
    return;
  }
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s: no golden record %s: record it with ROMSIM_GOLDEN=update meson test -C build golden",
                     name, path);
  fclose(f);
  char *want = slurp_alloc(path);
  if (strcmp(got, want) != 0) {
    /* The first line that differs, and the whole record beside it. */
    const char *a, *b;
    int line = first_difference(got, want, &a, &b);
    char got_path[1100];
    snprintf(got_path, sizeof got_path, "/tmp/romsim-golden-%s.txt", name);
    spit(got_path, got);
    cr_assert_fail("%s differs from its golden record at line %d:\n  now:    %.300s\n  record: %.300s\n(the whole "
                   "record now: %s)",
                   name, line, a, b, got_path);
  }
  free(want);
  free(got);
}

static void setup(void) { make_workdir(); }
static void teardown(void) { remove_workdir(); }

static const char *dir_of(const char *var) {
  const char *d = getenv(var);
  cr_assert_not_null(d, "%s is not set (run through meson test)", var);
  return d;
}

/* Every scenario in scenarios/, each by its own name. */
Test(golden, the_scenarios, .init = setup, .fini = teardown, .timeout = 600) {
  const char *dir = dir_of("ROMSIM_SCENARIOS");
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  struct dirent *e;
  char *names[64];
  int n = 0;
  while ((e = readdir(d)) && n < 64) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) names[n++] = strndup(e->d_name, len - 5);
  }
  closedir(d);
  cr_assert_geq(n, 10, "the scenarios are there");
  for (int i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, names[i]);
    golden(names[i], path, NULL);
    free(names[i]);
  }
}

/* The replays beside their designs, and the test scenarios that run to the
 * end (long.yaml, a year, is for interrupting). */
Test(golden, the_replays_and_test_scenarios, .init = setup, .fini = teardown, .timeout = 600) {
  const char *sc = dir_of("ROMSIM_SCENARIOS"), *ts = dir_of("ROMSIM_TEST_SCENARIOS");
  static const char *const replays[][3] = {{"replay-dc", "dc-design.yaml", "datacenter-outage.csv"},
                                           {"replay-flap", "flap-design.yaml", "gateway-flap.csv"}};
  for (size_t i = 0; i < sizeof replays / sizeof replays[0]; i++) {
    char s[1024], c[1024];
    snprintf(s, sizeof s, "%s/replays/%s", sc, replays[i][1]);
    snprintf(c, sizeof c, "%s/replays/%s", sc, replays[i][2]);
    golden(replays[i][0], s, c);
  }
  static const char *const tests[] = {"small", "dc-written", "flap-written", "agents-faulted"};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    char s[1024], name[64];
    snprintf(s, sizeof s, "%s/%s.yaml", ts, tests[i]);
    snprintf(name, sizeof name, "test-%s", tests[i]);
    golden(name, s, NULL);
  }
}

/* The record of scenario (with its replay) run with the agents as `how`
 * (--agents populations or individual). */
static char *record_agents(const char *name, const char *scenario, const char *replay, const char *how) {
  char db[512];
  snprintf(db, sizeof db, "%s/%s-%s.db", workdir, name, how);
  setenv("SOURCE_DATE_EPOCH", "0", 1);
  result *r = replay ? run((const char *[]){"run", scenario, "--replay", replay, "--agents", how, "-o", db, NULL})
                     : run((const char *[]){"run", scenario, "--agents", how, "-o", db, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s: exit %d: %s", name, r->status, r->err);
  char *got = record(db, getenv("ROMSIM_SCENARIOS"));
  unlink(db);
  return got;
}

/* Populations are a way of running the agents, not a model: the faulted
 * scenarios give the same results, every figure, expectation, event (the
 * alerts at their times, drops), and sample series (latency percentiles
 * among them), with every agent ticking on its own event. The test
 * scenario agents-faulted makes agents leave and rejoin their populations
 * every way they can (down, health stopped, a backlog, drops, alerts, an
 * Essentials server down); flush-on-tick has an agent tick at its
 * Essentials server's flush times, to the microsecond, and fault-on-tick
 * faults on an agent's tick (agents' ticks run first at equal times, in
 * both ways: rs_sim_schedule_first); in office-days clients switch off
 * every evening and on every morning (office hours). */
Test(golden, populations_change_no_result, .init = setup, .fini = teardown, .timeout = 600) {
  const char *sc = dir_of("ROMSIM_SCENARIOS"), *ts = dir_of("ROMSIM_TEST_SCENARIOS");
  /* Each scenario: in the test scenarios (1) or scenarios/ (0), and its replay. */
  static const struct {
    int test;
    const char *name, *replay;
  } runs[] = {{1, "agents-faulted.yaml", NULL},
              {0, "gateway-crash.yaml", NULL},
              {0, "rms-failover.yaml", NULL},
              {0, "guide-virtual-careless.yaml", NULL},
              {0, "replays/dc-design.yaml", "replays/datacenter-outage.csv"},
              {1, "flush-on-tick.yaml", NULL},
              {1, "fault-on-tick.yaml", NULL},
              {1, "office-days.yaml", NULL},
              {0, "guide-busiest-minute.yaml", NULL}};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    char s[1024], replay[1024];
    snprintf(s, sizeof s, "%s/%s", runs[i].test ? ts : sc, runs[i].name);
    if (runs[i].replay) snprintf(replay, sizeof replay, "%s/%s", sc, runs[i].replay);
    const char *rp = runs[i].replay ? replay : NULL;
    char *pop = record_agents("agents", s, rp, "populations");
    char *ind = record_agents("agents", s, rp, "individual");
    if (strcmp(pop, ind) != 0) {
      const char *a, *b;
      int line = first_difference(pop, ind, &a, &b);
      cr_assert_fail("%s: populations and individual agents differ at line %d:\n  populations: %.300s\n  "
                     "individual:  %.300s",
                     s, line, a, b);
    }
    cr_assert_gt(strlen(pop), 1000);
    free(pop);
    free(ind);
  }
}
