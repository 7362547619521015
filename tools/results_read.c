/* results_read: checked read access to a results file. */
#include "results_read.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int64_t rr_int(rr_file *f, const char *sql, int64_t dflt) {
  sqlite3_stmt *st;
  int64_t v = dflt;
  if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK) return dflt;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

int rr_open(rr_file *f, const char *path, char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  struct stat sb;
  if (stat(path, &sb) != 0) {
    snprintf(err, errlen, "%s: cannot open the results file: %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "%s: not a results file (not a regular file)", path);
    return -1;
  }
  if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open the results file: %s", path, sqlite3_errmsg(f->db));
    rr_close(f);
    return -1;
  }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(f->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL);
  if (rc != SQLITE_OK) {
    int code = sqlite3_errcode(f->db);
    snprintf(err, errlen, "%s: %s", path,
             code == SQLITE_NOTADB ? "not a results file (not an SQLite database)"
             : code == SQLITE_CORRUPT ? "the results file is damaged"
                                      : "not a romsim results file (it has no meta table)");
    rr_close(f);
    return -1;
  }
  int version = -1;
  if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (version != RS_RESULTS_SCHEMA_VERSION) {
    if (version < 0)
      snprintf(err, errlen, "%s: not a romsim results file (no schema version)", path);
    else
      snprintf(err, errlen, "%s: a results file of schema version %d; this romsim reads version %d: run the scenario "
                            "again with this romsim",
               path, version, RS_RESULTS_SCHEMA_VERSION);
    rr_close(f);
    return -1;
  }
  if (sqlite3_prepare_v2(f->db, "SELECT scenario_name, status, seed, sim_duration_us, coalesce(sim_end_us, 0) FROM runs",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    snprintf(err, errlen, "%s: the results file is damaged (no run in it)", path);
    sqlite3_finalize(st);
    rr_close(f);
    return -1;
  }
  snprintf(f->scenario, sizeof f->scenario, "%s", (const char *)sqlite3_column_text(st, 0));
  rr_utf8_trim(f->scenario);
  snprintf(f->status, sizeof f->status, "%s", (const char *)sqlite3_column_text(st, 1));
  f->seed = (uint64_t)sqlite3_column_int64(st, 2);
  f->duration_us = sqlite3_column_int64(st, 3);
  f->end_us = sqlite3_column_int64(st, 4);
  bool ended = sqlite3_column_type(st, 4) != SQLITE_NULL;
  sqlite3_finalize(st);
  /* A run that never finished (killed) has no end: its last sample is. */
  if (!ended) f->end_us = rr_int(f, "SELECT max(t_us) FROM samples", 0);
  if (rr_int(f, "SELECT count(*) FROM pragma_quick_check WHERE quick_check != 'ok'", 1) != 0) {
    snprintf(err, errlen, "%s: the results file is damaged (its integrity check fails)", path);
    rr_close(f);
    return -1;
  }
  return 0;
}

void rr_close(rr_file *f) {
  if (f->db) sqlite3_close(f->db);
  f->db = NULL;
}
