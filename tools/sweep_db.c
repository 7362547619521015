/*
 * The sweep file (SQLite), and the sweep's table.
 *
 * Tables (docs/results.md): meta (kind = sweep, sweep_schema_version),
 * sweep (one row: what was swept), cases (one per failure case) and items
 * (one per run: case x replication). The file is written whole under a
 * temporary name and renamed, so a file under the final name is complete.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_read.h"
#include "rm_scenario.h"
#include "rm_units.h"
#include "cli.h"
#include "rs_file.h"
#include "rs_results.h"
#include "sweep.h"

#define SW_SCHEMA_VERSION 1

static const char *schema =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE sweep(romsim_version TEXT, scenario_name TEXT, scenario_file TEXT, scenario_sha256 TEXT,\n"
    "  scenario_text TEXT, seed INTEGER, roles TEXT, pairs INTEGER, at_us INTEGER, for_us INTEGER,\n"
    "  duration_us INTEGER, replications INTEGER, cases INTEGER, shard TEXT, status TEXT, created TEXT);\n"
    "CREATE TABLE cases(id INTEGER PRIMARY KEY, label TEXT NOT NULL, kind1 TEXT, target1 TEXT, kind2 TEXT,\n"
    "  target2 TEXT);\n"
    "CREATE TABLE items(case_id INTEGER NOT NULL REFERENCES cases(id), replication INTEGER NOT NULL,\n"
    "  seed INTEGER, status TEXT, capacity_held INTEGER, worst_node TEXT, worst_peak INTEGER, worst_limit INTEGER,\n"
    "  over_nodes INTEGER, generated_bytes INTEGER, dropped_bytes INTEGER, latency_max_us INTEGER,\n"
    "  latency_p99_us INTEGER, recover_us INTEGER, expectations_failed INTEGER, held INTEGER, detail TEXT,\n"
    "  events INTEGER, PRIMARY KEY(case_id, replication));\n";

/* Run sql: true when it failed (SQLite's message is then the db's). */
static bool failed(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK; }

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s && *s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

int sw_write(const char *path, const sw_sweep *s, char *err, size_t errlen) {
  rs_partial file;
  if (rs_partial_open(&file, path, err, errlen)) return -1;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char m[700];
  if (sqlite3_open_v2(file.tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) goto db_err;
  if (failed(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN") || failed(db, schema)) goto db_err;
  char meta[160];
  snprintf(meta, sizeof meta, "INSERT INTO meta VALUES ('kind', 'sweep'), ('sweep_schema_version', '%d')",
           SW_SCHEMA_VERSION);
  if (failed(db, meta)) goto db_err;
  const sw_head *h = &s->head;
  char shard[32];
  snprintf(shard, sizeof shard, "%d/%d", h->shard_k, h->shard_n);
  if (sqlite3_prepare_v2(db, "INSERT INTO sweep VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                         -1, &st, NULL) != SQLITE_OK)
    goto db_err;
  bind_text(st, 1, h->version);
  bind_text(st, 2, h->scenario);
  bind_text(st, 3, h->file);
  bind_text(st, 4, h->sha256);
  bind_text(st, 5, h->text);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)h->seed);
  bind_text(st, 7, h->roles);
  sqlite3_bind_int(st, 8, h->pairs);
  sqlite3_bind_int64(st, 9, h->at_us);
  sqlite3_bind_int64(st, 10, h->for_us);
  sqlite3_bind_int64(st, 11, h->duration_us);
  sqlite3_bind_int(st, 12, h->replications);
  sqlite3_bind_int(st, 13, h->n_cases);
  bind_text(st, 14, shard);
  bind_text(st, 15, h->status);
  bind_text(st, 16, h->created);
  if (sqlite3_step(st) != SQLITE_DONE) goto db_err;
  sqlite3_finalize(st);
  st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO cases VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
    goto db_err;
  for (int i = 0; i < s->n_cases; i++) {
    const sw_case *c = &s->cases[i];
    sqlite3_reset(st);
    sqlite3_bind_int(st, 1, c->id);
    bind_text(st, 2, c->label);
    for (int k = 0; k < 2; k++) {
      bind_text(st, 3 + 2 * k, k < c->n_faults ? c->kind[k] : NULL);
      bind_text(st, 4 + 2 * k, k < c->n_faults ? c->target[k] : NULL);
    }
    if (sqlite3_step(st) != SQLITE_DONE) goto db_err;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO items VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                         -1, &st, NULL) != SQLITE_OK)
    goto db_err;
  for (int i = 0; i < s->n_items; i++) {
    const sw_item *it = &s->items[i];
    sqlite3_reset(st);
    sqlite3_bind_int(st, 1, it->case_id);
    sqlite3_bind_int(st, 2, it->rep);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)it->seed);
    bind_text(st, 4, it->status);
    sqlite3_bind_int(st, 5, it->capacity_held);
    bind_text(st, 6, it->worst_node);
    sqlite3_bind_int64(st, 7, it->worst_peak);
    sqlite3_bind_int64(st, 8, it->worst_limit);
    sqlite3_bind_int(st, 9, it->over_nodes);
    sqlite3_bind_int64(st, 10, it->generated);
    sqlite3_bind_int64(st, 11, it->dropped);
    sqlite3_bind_int64(st, 12, it->latency_max_us);
    sqlite3_bind_int64(st, 13, it->latency_p99_us);
    if (it->recover_us < 0)
      sqlite3_bind_null(st, 14);
    else
      sqlite3_bind_int64(st, 14, it->recover_us);
    sqlite3_bind_int(st, 15, it->expect_failed);
    sqlite3_bind_int(st, 16, it->held);
    bind_text(st, 17, it->detail);
    sqlite3_bind_int64(st, 18, (sqlite3_int64)it->events);
    if (sqlite3_step(st) != SQLITE_DONE) goto db_err;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (failed(db, "COMMIT") || sqlite3_close(db) != SQLITE_OK) goto db_err;
  db = NULL;
  return rs_partial_commit(&file, err, errlen);
db_err:
  snprintf(err, errlen, "%s: cannot write the sweep file: %s", path, rs_sqlite_errmsg(db, m, sizeof m));
  sqlite3_finalize(st);
  if (db) sqlite3_close(db);
  rs_partial_abandon(&file);
  return -1;
}

int sw_check_output(const char *path, const char *const *inputs, char *err, size_t errlen) {
  return rs_file_check(path, "the sweep file", inputs, err, errlen);
}

/* The schema of docs/results.md: every column, its type, and whether NULL
 * means something in it (an empty text is written as NULL where it may be
 * empty). */
static const dbr_column meta_cols[] = {{"key", DBR_TEXT, false}, {"value", DBR_TEXT, false}, {NULL, 0, 0}};
static const dbr_column sweep_cols[] = {
    {"romsim_version", DBR_TEXT, false}, {"scenario_name", DBR_TEXT, false}, {"scenario_file", DBR_TEXT, false},
    {"scenario_sha256", DBR_TEXT, false}, {"scenario_text", DBR_TEXT, false}, {"seed", DBR_INT, false},
    {"roles", DBR_TEXT, true},            {"pairs", DBR_INT, false},          {"at_us", DBR_INT, false},
    {"for_us", DBR_INT, false},           {"duration_us", DBR_INT, false},    {"replications", DBR_INT, false},
    {"cases", DBR_INT, false},            {"shard", DBR_TEXT, false},         {"status", DBR_TEXT, false},
    {"created", DBR_TEXT, false},         {NULL, 0, 0}};
static const dbr_column cases_cols[] = {{"id", DBR_INT, false},     {"label", DBR_TEXT, false},
                                        {"kind1", DBR_TEXT, true},  {"target1", DBR_TEXT, true},
                                        {"kind2", DBR_TEXT, true},  {"target2", DBR_TEXT, true},
                                        {NULL, 0, 0}};
static const dbr_column items_cols[] = {
    {"case_id", DBR_INT, false},         {"replication", DBR_INT, false},    {"seed", DBR_INT, false},
    {"status", DBR_TEXT, false},         {"capacity_held", DBR_INT, false},  {"worst_node", DBR_TEXT, true},
    {"worst_peak", DBR_INT, false},      {"worst_limit", DBR_INT, false},    {"over_nodes", DBR_INT, false},
    {"generated_bytes", DBR_INT, false}, {"dropped_bytes", DBR_INT, false},  {"latency_max_us", DBR_INT, false},
    {"latency_p99_us", DBR_INT, false},  {"recover_us", DBR_INT, true},      {"expectations_failed", DBR_INT, false},
    {"held", DBR_INT, false},            {"detail", DBR_TEXT, true},         {"events", DBR_INT, false},
    {NULL, 0, 0}};
static const dbr_table sweep_tables[] = {
    {"meta", meta_cols}, {"sweep", sweep_cols}, {"cases", cases_cols}, {"items", items_cols}};

/* Text of a column into buf; one that may be NULL (empty) in opt_text. */
static void col_text(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column, char *buf, size_t len) {
  snprintf(buf, len, "%s", dbr_text(r, st, i, table, column));
}

static void opt_text(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column, char *buf, size_t len) {
  snprintf(buf, len, "%s", dbr_is_null(st, i) ? "" : dbr_text(r, st, i, table, column));
}

bool sw_is_sweep(const char *path) {
  sqlite3 *db = NULL;
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return false;
  if (dbr_sqlite_open(path, &db) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  sqlite3_stmt *st = NULL;
  bool yes = false;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'kind'", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *v = sqlite3_column_text(st, 0);
    yes = v && strcmp((const char *)v, "sweep") == 0;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return yes;
}

int sw_read(const char *path, sw_sweep *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  dbr in;
  sqlite3_stmt *st = NULL;
  if (dbr_open(&in, path, "sweep file")) goto fail;
  if (!sw_is_sweep(path)) {
    dbr_fail(&in, "not a sweep file (romsim sweep writes them)");
    goto fail;
  }
  int version, rc;
  if (dbr_version(&in, "sweep_schema_version", &version)) goto fail;
  if (version != SW_SCHEMA_VERSION) {
    dbr_fail(&in, "a sweep file of schema version %d%s; this romsim reads version %d", version,
             version > SW_SCHEMA_VERSION ? ", from a newer romsim" : "", SW_SCHEMA_VERSION);
    goto fail;
  }
  /* The whole file, then every table, before anything is read from it. */
  if (dbr_check_integrity(&in)) goto fail;
  for (size_t i = 0; i < sizeof sweep_tables / sizeof sweep_tables[0]; i++)
    if (dbr_check_table(&in, &sweep_tables[i])) goto fail;
  sw_head *h = &s->head;
  if (!(st = dbr_prepare(&in, "sweep",
                         "SELECT romsim_version, scenario_name, scenario_file, scenario_sha256, scenario_text, seed, "
                         "roles, pairs, at_us, for_us, duration_us, replications, cases, shard, status, created "
                         "FROM sweep")))
    goto fail;
  if ((rc = dbr_step(&in, st, "sweep")) <= 0) {
    if (rc == 0) dbr_damaged(&in, "no sweep in it");
    goto fail;
  }
  col_text(&in, st, 0, "sweep", "romsim_version", h->version, sizeof h->version);
  col_text(&in, st, 1, "sweep", "scenario_name", h->scenario, sizeof h->scenario);
  col_text(&in, st, 2, "sweep", "scenario_file", h->file, sizeof h->file);
  col_text(&in, st, 3, "sweep", "scenario_sha256", h->sha256, sizeof h->sha256);
  h->text = strdup(dbr_text(&in, st, 4, "sweep", "scenario_text"));
  h->seed = (uint64_t)dbr_int(&in, st, 5, "sweep", "seed");
  opt_text(&in, st, 6, "sweep", "roles", h->roles, sizeof h->roles);
  int64_t pairs = dbr_int(&in, st, 7, "sweep", "pairs");
  h->at_us = dbr_int(&in, st, 8, "sweep", "at_us");
  h->for_us = dbr_int(&in, st, 9, "sweep", "for_us");
  h->duration_us = dbr_int(&in, st, 10, "sweep", "duration_us");
  int64_t replications = dbr_int(&in, st, 11, "sweep", "replications"), n_cases = dbr_int(&in, st, 12, "sweep", "cases");
  char shard[32];
  col_text(&in, st, 13, "sweep", "shard", shard, sizeof shard);
  {
    /* K/N, each checked (a damaged file may hold anything). */
    char *slash = strchr(shard, '/');
    int64_t sk = 0, sn = 0;
    char q[64];
    if (slash) *slash = '\0';
    if (!slash || cli_parse_int(shard, 1, INT32_MAX, &sk) || cli_parse_int(slash + 1, 1, INT32_MAX, &sn) || sk > sn) {
      if (slash) *slash = '/';
      dbr_damaged(&in, "sweep.shard is '%s', not K/N", dbr_quote(q, sizeof q, shard));
      goto fail;
    }
    h->shard_k = (int)sk;
    h->shard_n = (int)sn;
  }
  col_text(&in, st, 14, "sweep", "status", h->status, sizeof h->status);
  col_text(&in, st, 15, "sweep", "created", h->created, sizeof h->created);
  sqlite3_finalize(st);
  st = NULL;
  if (!h->text) {
    dbr_fail(&in, "out of memory");
    goto fail;
  }
  /* The bounds of docs/results.md: what no sweep writes is damage. */
  char d[32], q[48];
  if (h->duration_us <= 0 || h->duration_us > RM_SCENARIO_MAX_DURATION) {
    dbr_damaged(&in, "sweep.duration_us is %lld us: a run lasts more than 0 and at most %s", (long long)h->duration_us,
                rs_duration_format(RM_SCENARIO_MAX_DURATION, d, sizeof d));
    goto fail;
  }
  rs_duration_format(h->duration_us, d, sizeof d);
  if (h->at_us < 0 || h->at_us >= h->duration_us) {
    dbr_damaged(&in, "sweep.at_us is %lld us, outside the runs (0 to %s)", (long long)h->at_us, d);
    goto fail;
  }
  if (h->for_us <= 0) {
    dbr_damaged(&in, "sweep.for_us is %lld us: a failure lasts more than 0", (long long)h->for_us);
    goto fail;
  }
  if (pairs != 0 && pairs != 1) {
    dbr_damaged(&in, "sweep.pairs is %lld, not 0 or 1", (long long)pairs);
    goto fail;
  }
  h->pairs = (int)pairs;
  if (strcmp(h->status, "complete") != 0 && strcmp(h->status, "interrupted") != 0) {
    dbr_damaged(&in, "sweep.status is '%s', not complete or interrupted", dbr_quote(q, sizeof q, h->status));
    goto fail;
  }
  if (n_cases < 1 || n_cases > SW_MAX_CASES) {
    dbr_damaged(&in, "sweep.cases is %lld, not 1 to %d", (long long)n_cases, SW_MAX_CASES);
    goto fail;
  }
  if (replications < 1 || replications > SW_MAX_REPLICATIONS) {
    dbr_damaged(&in, "sweep.replications is %lld, not 1 to %d", (long long)replications, SW_MAX_REPLICATIONS);
    goto fail;
  }
  h->n_cases = (int)n_cases;
  h->replications = (int)replications;
  s->cases = calloc((size_t)h->n_cases, sizeof *s->cases);
  if (!s->cases) {
    dbr_fail(&in, "out of memory");
    goto fail;
  }
  if (!(st = dbr_prepare(&in, "cases", "SELECT id, label, kind1, target1, kind2, target2 FROM cases ORDER BY id")))
    goto fail;
  while ((rc = dbr_step(&in, st, "cases")) > 0) {
    if (s->n_cases >= h->n_cases) {
      dbr_damaged(&in, "it has more cases than sweep.cases (%d)", h->n_cases);
      goto fail;
    }
    sw_case *c = &s->cases[s->n_cases];
    int64_t id = dbr_int(&in, st, 0, "cases", "id");
    if (id != s->n_cases) {
      dbr_damaged(&in, "cases.id %lld is out of order (case %d expected)", (long long)id, s->n_cases);
      goto fail;
    }
    c->id = (int)id;
    col_text(&in, st, 1, "cases", "label", c->label, sizeof c->label);
    /* Up to two failures, each a kind and a target, the first first. */
    for (int k = 0; k < 2; k++) {
      const char *kind = k ? "kind2" : "kind1", *target = k ? "target2" : "target1";
      bool has_kind = !dbr_is_null(st, 2 + 2 * k), has_target = !dbr_is_null(st, 3 + 2 * k);
      if (has_kind != has_target) {
        dbr_damaged(&in, "cases.%s is NULL but cases.%s is not (case %d)", has_kind ? target : kind,
                    has_kind ? kind : target, s->n_cases);
        goto fail;
      }
      if (!has_kind) continue;
      if (c->n_faults != k) {
        dbr_damaged(&in, "cases.kind2 is set but cases.kind1 is NULL (case %d)", s->n_cases);
        goto fail;
      }
      opt_text(&in, st, 2 + 2 * k, "cases", kind, c->kind[k], sizeof c->kind[k]);
      opt_text(&in, st, 3 + 2 * k, "cases", target, c->target[k], sizeof c->target[k]);
      if (strcmp(c->kind[k], "crash") != 0 && strcmp(c->kind[k], "site_outage") != 0) {
        dbr_damaged(&in, "cases.%s is '%s' (case %d), not crash or site_outage", kind,
                    dbr_quote(q, sizeof q, c->kind[k]), s->n_cases);
        goto fail;
      }
      c->n_faults = k + 1;
    }
    s->n_cases++;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc < 0) goto fail;
  if (s->n_cases != h->n_cases) {
    dbr_damaged(&in, "it has %d cases; sweep.cases says %d", s->n_cases, h->n_cases);
    goto fail;
  }
  int64_t n_items = 0;
  if (!(st = dbr_prepare(&in, "items", "SELECT count(*) FROM items"))) goto fail;
  if (dbr_step(&in, st, "items") <= 0) goto fail;
  n_items = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  st = NULL;
  if (n_items > (int64_t)h->n_cases * h->replications) {
    dbr_damaged(&in, "it has %lld items, more than its %d cases x %d replications", (long long)n_items, h->n_cases,
                h->replications);
    goto fail;
  }
  s->items = calloc((size_t)(n_items ? n_items : 1), sizeof *s->items);
  if (!s->items) {
    dbr_fail(&in, "out of memory");
    goto fail;
  }
  if (!(st = dbr_prepare(&in, "items",
                         "SELECT case_id, replication, seed, status, capacity_held, worst_node, worst_peak, "
                         "worst_limit, over_nodes, generated_bytes, dropped_bytes, latency_max_us, latency_p99_us, "
                         "recover_us, expectations_failed, held, detail, events FROM items "
                         "ORDER BY case_id, replication")))
    goto fail;
  while (s->n_items < n_items && (rc = dbr_step(&in, st, "items")) > 0) {
    sw_item *it = &s->items[s->n_items++];
    int64_t case_id = dbr_int(&in, st, 0, "items", "case_id"), rep = dbr_int(&in, st, 1, "items", "replication");
    if (case_id < 0 || case_id >= s->n_cases || rep < 0 || rep >= h->replications) {
      dbr_damaged(&in, "items: case %lld, replication %lld is not in the sweep", (long long)case_id, (long long)rep);
      goto fail;
    }
    it->case_id = (int)case_id;
    it->rep = (int)rep;
    /* Each run's figures within bounds: verdicts 0 or 1, counts and bytes
     * not negative, times within a run. */
    enum { FLAG, COUNT, INT_COUNT, TIME };
    static const struct {
      int col;
      const char *name;
      int kind;
    } bounds[] = {{4, "capacity_held", FLAG},     {15, "held", FLAG},          {6, "worst_peak", COUNT},
                  {7, "worst_limit", COUNT},      {8, "over_nodes", INT_COUNT}, {9, "generated_bytes", COUNT},
                  {10, "dropped_bytes", COUNT},   {14, "expectations_failed", INT_COUNT}, {17, "events", COUNT},
                  {11, "latency_max_us", TIME},   {12, "latency_p99_us", TIME}, {13, "recover_us", TIME}};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
      if (dbr_is_null(st, bounds[b].col) && bounds[b].col == 13) continue; /* recover_us: never */
      int64_t v = dbr_int(&in, st, bounds[b].col, "items", bounds[b].name);
      int kind = bounds[b].kind;
      bool bad = kind == FLAG        ? v != 0 && v != 1
                 : kind == TIME      ? v < 0 || v > h->duration_us
                 : kind == INT_COUNT ? v < 0 || v > INT32_MAX
                                     : v < 0;
      if (bad) {
        char why[64];
        snprintf(why, sizeof why, "%s", kind == FLAG ? "not 0 or 1" : kind == TIME ? "outside the runs (0 to " : "negative");
        dbr_damaged(&in, "items.%s is %lld (case %d, replication %d), %s%s%s", bounds[b].name, (long long)v, it->case_id,
                    it->rep, why, kind == TIME ? d : "", kind == TIME ? ")" : "");
        goto fail;
      }
    }
    it->seed = (uint64_t)dbr_int(&in, st, 2, "items", "seed");
    col_text(&in, st, 3, "items", "status", it->status, sizeof it->status);
    if (strcmp(it->status, "complete") != 0 && strcmp(it->status, "interrupted") != 0 &&
        strcmp(it->status, "failed") != 0) {
      dbr_damaged(&in, "items.status is '%s' (case %d, replication %d), not complete, interrupted or failed",
                  dbr_quote(q, sizeof q, it->status), it->case_id, it->rep);
      goto fail;
    }
    it->capacity_held = (int)dbr_int(&in, st, 4, "items", "capacity_held");
    opt_text(&in, st, 5, "items", "worst_node", it->worst_node, sizeof it->worst_node);
    it->worst_peak = dbr_int(&in, st, 6, "items", "worst_peak");
    it->worst_limit = dbr_int(&in, st, 7, "items", "worst_limit");
    it->over_nodes = (int)dbr_int(&in, st, 8, "items", "over_nodes");
    it->generated = dbr_int(&in, st, 9, "items", "generated_bytes");
    it->dropped = dbr_int(&in, st, 10, "items", "dropped_bytes");
    it->latency_max_us = dbr_int(&in, st, 11, "items", "latency_max_us");
    it->latency_p99_us = dbr_int(&in, st, 12, "items", "latency_p99_us");
    it->recover_us = dbr_is_null(st, 13) ? -1 : dbr_int(&in, st, 13, "items", "recover_us");
    it->expect_failed = (int)dbr_int(&in, st, 14, "items", "expectations_failed");
    it->held = (int)dbr_int(&in, st, 15, "items", "held");
    opt_text(&in, st, 16, "items", "detail", it->detail, sizeof it->detail);
    it->events = (uint64_t)dbr_int(&in, st, 17, "items", "events");
  }
  sqlite3_finalize(st);
  st = NULL;
  if (dbr_failed(&in)) goto fail;
  dbr_close(&in);
  return 0;
fail:
  sqlite3_finalize(st);
  dbr_close(&in);
  sw_free(s);
  snprintf(err, errlen, "%s", in.err);
  return -1;
}

void sw_free(sw_sweep *s) {
  free(s->head.text);
  free(s->cases);
  for (int i = 0; s->items && i < s->n_items; i++) free(s->items[i].host_peak);
  free(s->items);
  memset(s, 0, sizeof *s);
}

/* Student's t for a two-sided 95 % interval, by degrees of freedom. */
static double t95(int df) {
  static const double t[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                             2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return 0;
  if (df <= 30) return t[df];
  /* Above 30, the value at the band's lower end (never too narrow). */
  return df <= 40 ? 2.042 : df <= 60 ? 2.021 : df <= 120 ? 2.000 : df <= 1000 ? 1.980 : 1.960;
}

/* Mean and half-width of the 95 % interval of v[0..n). */
static void mean_ci(const double *v, int n, double *mean, double *ci) {
  double m = 0, ss = 0;
  for (int i = 0; i < n; i++) m += v[i];
  m = n ? m / n : 0;
  for (int i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
  *mean = m;
  *ci = n > 1 ? t95(n - 1) * sqrt(ss / (n - 1)) / sqrt((double)n) : 0;
}

static double ratio_of(const sw_item *it) {
  return it->worst_limit > 0 ? (double)it->worst_peak / (double)it->worst_limit : 0;
}

/* Worse first: failed before held, then capacity broken by most, then data
 * lost, then never recovered, then longer recovery and latency. */
static int cmp_rows(const sw_row *a, const sw_row *b) {
  if ((a->held < a->n) != (b->held < b->n)) return a->held < a->n ? -1 : 1;
  if ((a->capacity_held < a->n) != (b->capacity_held < b->n)) return a->capacity_held < a->n ? -1 : 1;
  if (a->ratio != b->ratio && (a->capacity_held < a->n)) return a->ratio > b->ratio ? -1 : 1;
  if (a->dropped_mean != b->dropped_mean) return a->dropped_mean > b->dropped_mean ? -1 : 1;
  if (a->never != b->never) return a->never > b->never ? -1 : 1;
  if (a->recover_mean != b->recover_mean) return a->recover_mean > b->recover_mean ? -1 : 1;
  if (a->latency_mean != b->latency_mean) return a->latency_mean > b->latency_mean ? -1 : 1;
  return a->case_index - b->case_index;
}

static int cmp_rows_q(const void *a, const void *b) { return cmp_rows(a, b); }

int sw_rows(const sw_sweep *s, sw_row **rows_out) {
  sw_row *rows = calloc((size_t)s->n_cases, sizeof *rows);
  double *v = calloc((size_t)s->head.replications * 3 + 3, sizeof *v);
  if (!rows || !v) {
    free(rows);
    free(v);
    *rows_out = NULL;
    return -1;
  }
  int n = 0, i = 0; /* items are in case order */
  for (int c = 0; c < s->n_cases; c++) {
    sw_row *r = &rows[n];
    memset(r, 0, sizeof *r);
    r->case_index = c;
    double *d = v, *l = v + s->head.replications + 1, *rc = v + 2 * (s->head.replications + 1);
    int nrc = 0;
    for (; i < s->n_items && s->items[i].case_id == c; i++) {
      const sw_item *it = &s->items[i];
      if (r->n > s->head.replications || strcmp(it->status, "complete") != 0) continue; /* not run to the end */
      d[r->n] = (double)it->dropped;
      l[r->n] = (double)it->latency_max_us;
      if (it->recover_us >= 0)
        rc[nrc++] = (double)it->recover_us;
      else
        r->never++;
      r->held += it->held;
      r->capacity_held += it->capacity_held;
      if (ratio_of(it) > r->ratio || !r->worst) r->ratio = ratio_of(it);
      /* The worst replication: a failed one before any that held, then
       * the one that lost the most. */
      if (!r->worst || (!it->held && r->worst->held) ||
          (it->held == r->worst->held && it->dropped > r->worst->dropped))
        r->worst = it;
      r->n++;
    }
    if (!r->n) continue; /* not in this shard */
    mean_ci(d, r->n, &r->dropped_mean, &r->dropped_ci);
    mean_ci(l, r->n, &r->latency_mean, &r->latency_ci);
    mean_ci(rc, nrc, &r->recover_mean, &r->recover_ci);
    n++;
  }
  free(v);
  qsort(rows, (size_t)n, sizeof *rows, cmp_rows_q);
  *rows_out = rows;
  return n;
}

static const char *dur(double us, char *buf, size_t len) {
  if (us < 1e6) {
    snprintf(buf, len, "%.0f ms", us / 1e3);
    return buf;
  }
  return rs_duration_format((rs_time_t)(us / 1e6 + 0.5) * RS_SEC, buf, len);
}

void sw_print(FILE *out, const sw_sweep *s) {
  const sw_head *h = &s->head;
  char a[32], b[32], d[32];
  int reps = h->replications;
  fprintf(out, "romsim sweep: %s (seed %llu), %d case%s", h->scenario, (unsigned long long)h->seed, h->n_cases,
          h->n_cases == 1 ? "" : "s");
  if (reps > 1) fprintf(out, " x %d replications", reps);
  fprintf(out, "; failures at %s for %s in %s runs", rs_clock_format(h->at_us, a, sizeof a),
          rs_duration_format(h->for_us, b, sizeof b), rs_duration_format(h->duration_us, d, sizeof d));
  if (h->shard_n > 1) fprintf(out, "; shard %d of %d", h->shard_k, h->shard_n);
  fprintf(out, "\n");
  sw_row *rows = NULL;
  int n = sw_rows(s, &rows);
  if (n < 0) {
    fprintf(out, "out of memory\n");
    return;
  }
  fprintf(out, "%-28s %-26s %-14s %-14s %-14s %s\n", "failure", "capacity", "data lost", "worst latency",
          "recovered in", "verdict");
  for (int i = 0; i < n; i++) {
    const sw_row *r = &rows[i];
    const sw_case *c = &s->cases[r->case_index];
    const sw_item *w = r->worst;
    char cap[300], lost[80], lat[80], rec[80], x[32], y[32];
    if (r->capacity_held == r->n)
      snprintf(cap, sizeof cap, "held");
    else
      snprintf(cap, sizeof cap, "OVER %s %lld/%lld", w->worst_node, (long long)w->worst_peak, (long long)w->worst_limit);
    if (reps > 1 && r->capacity_held != r->n && r->capacity_held)
      snprintf(cap + strlen(cap), sizeof cap - strlen(cap), " (%d/%d)", r->n - r->capacity_held, r->n);
    if (reps > 1) {
      snprintf(lost, sizeof lost, "%s+/-%s", rm_size_format((int64_t)r->dropped_mean, x, sizeof x),
               rm_size_format((int64_t)r->dropped_ci, y, sizeof y));
      snprintf(lat, sizeof lat, "%s+/-%s", dur(r->latency_mean, x, sizeof x), dur(r->latency_ci, y, sizeof y));
      if (!c->n_faults)
        snprintf(rec, sizeof rec, "-");
      else if (r->never == r->n)
        snprintf(rec, sizeof rec, "never");
      else
        snprintf(rec, sizeof rec, "%s+/-%s%s", dur(r->recover_mean, x, sizeof x), dur(r->recover_ci, y, sizeof y),
                 r->never ? "*" : "");
    } else {
      snprintf(lost, sizeof lost, "%s", rm_size_format(w->dropped, x, sizeof x));
      snprintf(lat, sizeof lat, "%s", dur((double)w->latency_max_us, x, sizeof x));
      snprintf(rec, sizeof rec, "%s",
               !c->n_faults ? "-" : w->recover_us < 0 ? "never" : dur((double)w->recover_us, x, sizeof x));
    }
    /* The verdict names what failed; the file keeps the whole detail. */
    char verdict[700];
    int what = (int)strcspn(w->detail, ":");
    if (r->held == r->n)
      snprintf(verdict, sizeof verdict, "held");
    else if (reps > 1)
      snprintf(verdict, sizeof verdict, "FAIL %d/%d: %.*s", r->n - r->held, r->n, what, w->detail);
    else
      snprintf(verdict, sizeof verdict, "FAIL: %.*s", what, w->detail);
    fprintf(out, "%-28s %-26s %-14s %-14s %-14s %s\n", c->label, cap, lost, lat, rec, verdict);
  }
  int failed = 0, present = 0, unfinished = 0;
  for (int i = 0; i < n; i++) {
    failed += rows[i].held < rows[i].n;
    present++;
  }
  for (int i = 0; i < s->n_items; i++) unfinished += strcmp(s->items[i].status, "complete") != 0;
  if (reps > 1)
    fprintf(out, "(mean +/- half-width of the 95%% confidence interval over %d seeds; * some never recovered)\n", reps);
  fprintf(out, "%d of %d case%s held", present - failed, present, present == 1 ? "" : "s");
  if (unfinished) fprintf(out, "; %d run%s did not finish (interrupted)", unfinished, unfinished == 1 ? "" : "s");
  if (present < h->n_cases) fprintf(out, " (this file has figures for %d of the sweep's %d cases)", present, h->n_cases);
  fprintf(out, "\n");
  free(rows);
}
