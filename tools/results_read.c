/* results_read: checked read access to a results file. */
#include "results_read.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db_read.h"
#include "rm_scenario.h"
#include "rs_results.h"
#include "rs_time.h"

char *rr_utf8_trim(char *s) {
  size_t n = strlen(s), i = n;
  /* Step back over continuation bytes to the last lead byte, and drop the
   * character it starts if it is incomplete. */
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < want) s[i - 1] = '\0';
  } else if (i < n && i == 0) {
    s[0] = '\0';
  }
  return s;
}

int64_t rr_int(rr_file *f, const char *table, const char *sql, int64_t dflt) {
  sqlite3_stmt *st = dbr_prepare(&f->in, table, sql);
  int64_t v = dflt;
  if (!st) return dflt;
  if (dbr_step(&f->in, st, table) > 0 && !dbr_is_null(st, 0)) v = dbr_int(&f->in, st, 0, table, sqlite3_column_name(st, 0));
  sqlite3_finalize(st);
  return v;
}

/* The schema (docs/results.md): every column, its type, and whether NULL
 * means something in it. */
#define NOT_NULL false
#define NULL_OK true
static const dbr_column meta_cols[] = {{"key", DBR_TEXT, NOT_NULL}, {"value", DBR_TEXT, NOT_NULL}, {NULL, 0, 0}};
static const dbr_column runs_cols[] = {
    {"id", DBR_INT, NOT_NULL},           {"scenario_name", DBR_TEXT, NOT_NULL}, {"scenario_file", DBR_TEXT, NOT_NULL},
    {"scenario_hash", DBR_TEXT, NOT_NULL}, {"scenario_text", DBR_TEXT, NOT_NULL}, {"replay_file", DBR_TEXT, NULL_OK},
    {"replay_text", DBR_TEXT, NULL_OK},  {"seed", DBR_INT, NOT_NULL},          {"romsim_version", DBR_TEXT, NOT_NULL},
    {"wall_start", DBR_TEXT, NOT_NULL},  {"wall_end", DBR_TEXT, NULL_OK},      {"sim_duration_us", DBR_INT, NOT_NULL},
    {"sim_end_us", DBR_INT, NULL_OK},    {"events", DBR_INT, NULL_OK},         {"status", DBR_TEXT, NOT_NULL},
    {NULL, 0, 0}};
static const dbr_column nodes_cols[] = {{"id", DBR_INT, NOT_NULL},     {"name", DBR_TEXT, NOT_NULL},
                                        {"role", DBR_TEXT, NOT_NULL},  {"parent", DBR_INT, NULL_OK},
                                        {"agent_limit", DBR_INT, NULL_OK}, {NULL, 0, 0}};
static const dbr_column metrics_cols[] = {
    {"id", DBR_INT, NOT_NULL}, {"name", DBR_TEXT, NOT_NULL}, {"unit", DBR_TEXT, NOT_NULL}, {NULL, 0, 0}};
static const dbr_column samples_cols[] = {{"t_us", DBR_INT, NOT_NULL},   {"node", DBR_INT, NULL_OK},
                                          {"metric", DBR_INT, NOT_NULL}, {"value", DBR_NUM, NOT_NULL},
                                          {NULL, 0, 0}};
static const dbr_column events_cols[] = {{"id", DBR_INT, NOT_NULL},    {"t_us", DBR_INT, NOT_NULL},
                                         {"node", DBR_INT, NULL_OK},   {"kind", DBR_TEXT, NOT_NULL},
                                         {"detail", DBR_TEXT, NOT_NULL}, {NULL, 0, 0}};
static const dbr_column expectations_cols[] = {{"id", DBR_INT, NOT_NULL},   {"name", DBR_TEXT, NOT_NULL},
                                               {"held", DBR_INT, NOT_NULL}, {"detail", DBR_TEXT, NOT_NULL},
                                               {NULL, 0, 0}};
static const dbr_column figures_cols[] = {{"key", DBR_TEXT, NOT_NULL}, {"value", DBR_NUM, NOT_NULL}, {NULL, 0, 0}};
static const dbr_column faults_cols[] = {{"id", DBR_INT, NOT_NULL},       {"name", DBR_TEXT, NOT_NULL},
                                         {"kind", DBR_TEXT, NOT_NULL},    {"start_us", DBR_INT, NOT_NULL},
                                         {"end_us", DBR_INT, NULL_OK},    {"detail", DBR_TEXT, NOT_NULL},
                                         {NULL, 0, 0}};
static const dbr_table tables[] = {
    {"meta", meta_cols},       {"runs", runs_cols},     {"nodes", nodes_cols},
    {"metrics", metrics_cols}, {"samples", samples_cols}, {"events", events_cols},
    {"expectations", expectations_cols}, {"figures", figures_cols}, {"faults", faults_cols}};

/* The first row of sql (its rowid and a value, as an integer in *i and as a
 * number in *v; ?1 bound to p1), read from table: 1 found, 0 none, -1 an
 * error (kept). */
static int first_row(rr_file *f, const char *table, const char *sql, int64_t p1, int64_t *row, int64_t *i, double *v) {
  sqlite3_stmt *st = dbr_prepare(&f->in, table, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, p1);
  int rc = dbr_step(&f->in, st, table);
  if (rc > 0) {
    *row = sqlite3_column_int64(st, 0);
    *i = sqlite3_column_int64(st, 1);
    *v = sqlite3_column_double(st, 1);
  }
  sqlite3_finalize(st);
  return rc;
}

/* A time of a column, in microseconds, within [0, last]. */
static int check_times(rr_file *f, const char *table, const char *column, int64_t last) {
  char sql[200], d[32];
  snprintf(sql, sizeof sql, "SELECT rowid, %s FROM %s WHERE %s < 0 OR %s > ?1 LIMIT 1", column, table, column, column);
  int64_t row, t;
  double v;
  int rc = first_row(f, table, sql, last, &row, &t, &v);
  if (rc > 0)
    dbr_damaged(&f->in, "%s.%s is %lld us (row %lld), outside the run (0 to %s)", table, column, (long long)t,
                (long long)row, rs_duration_format(last, d, sizeof d));
  return rc ? -1 : 0;
}

/* A measure of a column: a finite number, not negative. */
static int check_measures(rr_file *f, const char *table, const char *column) {
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT rowid, %s FROM %s WHERE %s < 0 OR %s > 1.7976931348623157e308 LIMIT 1", column,
           table, column, column);
  int64_t row, i;
  double v;
  int rc = first_row(f, table, sql, 0, &row, &i, &v);
  if (rc > 0 && isinf(v))
    dbr_damaged(&f->in, "%s.%s is infinite (row %lld)", table, column, (long long)row);
  else if (rc > 0)
    dbr_damaged(&f->in, "%s.%s is %g (row %lld): no measure is negative", table, column, v, (long long)row);
  return rc ? -1 : 0;
}

/* At most a sample a second of each node (and of the group) and metric:
 * samples are taken every sample_every, 1s at least, from 0 to the end. */
static int check_sample_rate(rr_file *f, int64_t last) {
  int64_t most = last / RS_SEC + 2;
  sqlite3_stmt *st = dbr_prepare(&f->in, "samples",
                                 "SELECT coalesce((SELECT name FROM nodes WHERE id = s.node), 'the group'), "
                                 "coalesce((SELECT name FROM metrics WHERE id = s.metric), '?'), count(*) FROM samples s "
                                 "GROUP BY s.node, s.metric HAVING count(*) > ?1 LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, most);
  if (dbr_step(&f->in, st, "samples") > 0) {
    char node[48], metric[48], d[32];
    dbr_damaged(&f->in, "it has %lld samples of %s for %s, more than one a second (at most %lld in %s)",
                (long long)sqlite3_column_int64(st, 2), dbr_quote(metric, sizeof metric, dbr_text(&f->in, st, 1, "metrics", "name")),
                dbr_quote(node, sizeof node, dbr_text(&f->in, st, 0, "nodes", "name")), (long long)most,
                rs_duration_format(last, d, sizeof d));
  }
  sqlite3_finalize(st);
  return dbr_failed(&f->in) ? -1 : 0;
}

/* The bounds of a results file (docs/results.md): what no run writes is
 * damage. ended: runs.sim_end_us is not NULL. */
static int check_bounds(rr_file *f, bool ended) {
  dbr *in = &f->in;
  char q[48], d[32], m[32];
  int64_t runs = rr_int(f, "runs", "SELECT count(*) FROM runs", 0);
  if (runs != 1) return dbr_damaged(in, "it has %lld runs; a results file has one", (long long)runs);
  static const char *const statuses[] = {"running", "complete", "interrupted", "failed"};
  bool known = false;
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) known |= strcmp(f->status, statuses[i]) == 0;
  if (!known)
    return dbr_damaged(in, "runs.status is '%s', not running, complete, interrupted or failed",
                       dbr_quote(q, sizeof q, f->status));
  if (f->duration_us <= 0 || f->duration_us > RM_SCENARIO_MAX_DURATION)
    return dbr_damaged(in, "runs.sim_duration_us is %lld us: a run lasts more than 0 and at most %s",
                       (long long)f->duration_us, rs_duration_format(RM_SCENARIO_MAX_DURATION, m, sizeof m));
  rs_duration_format(f->duration_us, d, sizeof d);
  if (!ended && strcmp(f->status, "running") != 0)
    return dbr_damaged(in, "runs.sim_end_us is NULL in a run %s: only a run that never finished has no end", f->status);
  if (ended && f->end_us < 0) return dbr_damaged(in, "runs.sim_end_us is %lld us, before the start", (long long)f->end_us);
  if (ended && f->end_us > f->duration_us)
    return dbr_damaged(in, "runs.sim_end_us is %lld us, beyond the run's duration of %s", (long long)f->end_us, d);
  /* Samples and events within the run; faults begin within it. */
  int64_t last = ended ? f->end_us : f->duration_us;
  if (check_times(f, "samples", "t_us", last) || check_times(f, "events", "t_us", last) ||
      check_times(f, "faults", "start_us", f->duration_us))
    return -1;
  int64_t row, i;
  double v;
  int rc = first_row(f, "faults", "SELECT id, end_us FROM faults WHERE end_us < start_us LIMIT 1", 0, &row, &i, &v);
  if (rc > 0) return dbr_damaged(in, "faults.end_us is %lld us (row %lld), before its start_us", (long long)i, (long long)row);
  if (rc < 0) return -1;
  if (check_sample_rate(f, last)) return -1;
  if (check_measures(f, "samples", "value") || check_measures(f, "figures", "value") ||
      check_measures(f, "nodes", "agent_limit"))
    return -1;
  rc = first_row(f, "expectations", "SELECT id, held FROM expectations WHERE held NOT IN (0, 1) LIMIT 1", 0, &row, &i, &v);
  if (rc > 0) return dbr_damaged(in, "expectations.held is %lld (row %lld), not 1 (held) or 0", (long long)i, (long long)row);
  return rc < 0 ? -1 : 0;
}

int rr_open(rr_file *f, const char *path, char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  dbr *in = &f->in;
  sqlite3_stmt *st = NULL;
  int version;
  if (dbr_open(in, path, "results file") || dbr_version(in, "schema_version", &version)) goto fail;
  if (version < RS_RESULTS_SCHEMA_VERSION) {
    dbr_fail(in, "a results file of schema version %d; this romsim reads version %d: run the scenario again with "
                 "this romsim",
             version, RS_RESULTS_SCHEMA_VERSION);
    goto fail;
  }
  if (version > RS_RESULTS_SCHEMA_VERSION) {
    dbr_fail(in, "a results file of schema version %d, from a newer romsim; this romsim reads version %d", version,
             RS_RESULTS_SCHEMA_VERSION);
    goto fail;
  }
  int64_t user_version = rr_int(f, "the file", "PRAGMA user_version", -1);
  if (user_version != version) {
    dbr_damaged(in, "its schema version is %d in meta but %lld in PRAGMA user_version", version, (long long)user_version);
    goto fail;
  }
  /* The whole file, then every table, before anything is read from it. */
  if (dbr_check_integrity(in)) goto fail;
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    if (dbr_check_table(in, &tables[i])) goto fail;
  st = dbr_prepare(in, "runs", "SELECT scenario_name, status, seed, sim_duration_us, sim_end_us FROM runs");
  if (!st) goto fail;
  int rc = dbr_step(in, st, "runs");
  if (rc <= 0) {
    sqlite3_finalize(st);
    if (rc == 0) dbr_damaged(in, "no run in it");
    goto fail;
  }
  snprintf(f->scenario, sizeof f->scenario, "%s", dbr_text(in, st, 0, "runs", "scenario_name"));
  rr_utf8_trim(f->scenario);
  snprintf(f->status, sizeof f->status, "%s", dbr_text(in, st, 1, "runs", "status"));
  f->seed = (uint64_t)dbr_int(in, st, 2, "runs", "seed");
  f->duration_us = dbr_int(in, st, 3, "runs", "sim_duration_us");
  bool ended = !dbr_is_null(st, 4);
  if (ended) f->end_us = dbr_int(in, st, 4, "runs", "sim_end_us");
  sqlite3_finalize(st);
  if (dbr_failed(in) || check_bounds(f, ended)) goto fail;
  /* A run that never finished (killed) has no end: its last sample is. */
  if (!ended) f->end_us = rr_int(f, "samples", "SELECT max(t_us) FROM samples", 0);
  if (dbr_failed(in)) goto fail;
  return 0;
fail:
  snprintf(err, errlen, "%s", in->err);
  rr_close(f);
  return -1;
}

void rr_close(rr_file *f) { dbr_close(&f->in); }
