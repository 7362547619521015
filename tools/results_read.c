/* results_read: checked read access to a results file. */
#include "results_read.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db_read.h"
#include "rs_results.h"

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

int rr_open(rr_file *f, const char *path, char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  dbr *in = &f->in;
  if (dbr_open(in, path, "results file")) goto fail;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(in->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL);
  if (rc != SQLITE_OK) {
    int code = sqlite3_errcode(in->db);
    if (code == SQLITE_NOTADB)
      dbr_fail(in, "not a results file (not an SQLite database)");
    else if (code == SQLITE_CORRUPT)
      dbr_damaged(in, "%s", sqlite3_errmsg(in->db));
    else
      dbr_fail(in, "not a romsim results file (it has no meta table)");
    goto fail;
  }
  int version = -1;
  rc = dbr_step(in, st, "meta");
  if (rc > 0) version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (rc < 0) goto fail;
  if (version != RS_RESULTS_SCHEMA_VERSION) {
    if (version < 0)
      dbr_fail(in, "not a romsim results file (no schema version)");
    else
      dbr_fail(in, "a results file of schema version %d; this romsim reads version %d: run the scenario again with "
                   "this romsim",
               version, RS_RESULTS_SCHEMA_VERSION);
    goto fail;
  }
  /* The whole file, then every table, before anything is read from it. */
  if (dbr_check_integrity(in)) goto fail;
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    if (dbr_check_table(in, &tables[i])) goto fail;
  st = dbr_prepare(in, "runs", "SELECT scenario_name, status, seed, sim_duration_us, sim_end_us FROM runs");
  if (!st) goto fail;
  rc = dbr_step(in, st, "runs");
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
