/* rs_results: writing the SQLite results file. */
#include "rs_results.h"
#include "rs_file.h"
#include "rs_sha256.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rows per transaction: large enough that commits cost nothing per row. */
#define RS__BATCH 100000

enum { ST_NODE, ST_METRIC, ST_SAMPLE, ST_EVENT, ST_EXPECT, ST_FIGURE, ST_FAULT, ST_COUNT };

struct rs_results {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  rs_partial file;   /* where it is written, where it goes when closed */
  long rows;         /* rows in the open transaction */
  bool broken;       /* a write lost the file's data: msg holds why, and every call fails with it */
  char msg[1024];    /* the last error, or the one that broke the recorder */
};

/* PRAGMA user_version is set from RS_RESULTS_SCHEMA_VERSION when the file
 * is created. */
static const char *schema =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  scenario_name TEXT NOT NULL,\n"
    "  scenario_file TEXT NOT NULL,\n"
    "  scenario_hash TEXT NOT NULL,\n"
    "  scenario_text TEXT NOT NULL,\n"
    "  replay_file TEXT,\n"
    "  replay_text TEXT,\n"
    "  seed INTEGER NOT NULL,\n"
    "  romsim_version TEXT NOT NULL,\n"
    "  wall_start TEXT NOT NULL,\n"
    "  wall_end TEXT,\n"
    "  sim_duration_us INTEGER NOT NULL,\n"
    "  sim_end_us INTEGER,\n"
    "  events INTEGER,\n"
    "  status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed')));\n"
    "CREATE TABLE nodes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,\n"
    "  parent INTEGER REFERENCES nodes(id), agent_limit INTEGER);\n"
    "CREATE TABLE metrics(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, unit TEXT NOT NULL);\n"
    "CREATE TABLE samples(t_us INTEGER NOT NULL, node INTEGER REFERENCES nodes(id),\n"
    "  metric INTEGER NOT NULL REFERENCES metrics(id), value REAL NOT NULL);\n"
    "CREATE TABLE events(id INTEGER PRIMARY KEY, t_us INTEGER NOT NULL, node INTEGER REFERENCES nodes(id),\n"
    "  kind TEXT NOT NULL, detail TEXT NOT NULL);\n"
    "CREATE TABLE expectations(id INTEGER PRIMARY KEY, name TEXT NOT NULL, held INTEGER NOT NULL,\n"
    "  detail TEXT NOT NULL);\n"
    "CREATE TABLE figures(key TEXT PRIMARY KEY, value REAL NOT NULL);\n"
    "CREATE TABLE faults(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, start_us INTEGER NOT NULL,\n"
    "  end_us INTEGER, detail TEXT NOT NULL);\n"
    "CREATE VIEW sample_view AS SELECT s.t_us, n.name AS node, m.name AS metric, m.unit, s.value\n"
    "  FROM samples s LEFT JOIN nodes n ON n.id = s.node JOIN metrics m ON m.id = s.metric;\n";

static const char *stmt_sql[ST_COUNT] = {
    [ST_NODE] = "INSERT INTO nodes(id, name, role, parent, agent_limit) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_METRIC] = "INSERT INTO metrics(id, name, unit) VALUES (?1, ?2, ?3)",
    [ST_SAMPLE] = "INSERT INTO samples(t_us, node, metric, value) VALUES (?1, ?2, ?3, ?4)",
    [ST_EVENT] = "INSERT INTO events(t_us, node, kind, detail) VALUES (?1, ?2, ?3, ?4)",
    [ST_EXPECT] = "INSERT INTO expectations(name, held, detail) VALUES (?1, ?2, ?3)",
    [ST_FIGURE] = "INSERT OR REPLACE INTO figures(key, value) VALUES (?1, ?2)",
    [ST_FAULT] = "INSERT INTO faults(name, kind, start_us, end_us, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
};

/* The wall clock as ISO 8601 UTC, or SOURCE_DATE_EPOCH when set. */
void rs_wall_now(char buf[32]) {
  time_t t = time(NULL);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (*end == '\0' && v >= 0 && errno == 0) t = (time_t)v;
  }
  struct tm tm;
  if (!gmtime_r(&t, &tm)) { /* past the calendar's years: the epoch */
    t = 0;
    gmtime_r(&t, &tm);
  }
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *rs_sqlite_errmsg(struct sqlite3 *db, char *buf, size_t n) {
  if (!db) {
    snprintf(buf, n, "out of memory");
    return buf;
  }
  int code = sqlite3_errcode(db) & 0xff, sys = sqlite3_system_errno(db);
  /* SQLite keeps the system's error only for these (a write refused is the
   * file's last errno); for a full disk its own message says it all. */
  if (code == SQLITE_IOERR && !sys) sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &sys);
  if ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) && sys > 0)
    snprintf(buf, n, "%s (%s)", sqlite3_errmsg(db), strerror(sys));
  else
    snprintf(buf, n, "%s", sqlite3_errmsg(db));
  return buf;
}

/*
 * Keep why the last SQLite call on the file failed; returns -1. A full
 * disk, an I/O error, or any error after which SQLite has rolled back the
 * open transaction loses rows already written: the recorder is broken, its
 * message is the first error's (not what later calls on the emptied file
 * say, such as "no such table"), and every later call fails with it. A row
 * refused (a constraint) breaks nothing.
 */
static int fail_db(rs_results *r) {
  if (r->broken) return -1;
  char m[700];
  snprintf(r->msg, sizeof r->msg, "%s: cannot write the results file: %s", r->file.path,
           rs_sqlite_errmsg(r->db, m, sizeof m));
  int code = r->db ? sqlite3_errcode(r->db) & 0xff : SQLITE_NOMEM;
  if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_NOMEM || code == SQLITE_CORRUPT ||
      code == SQLITE_NOTADB || code == SQLITE_CANTOPEN || code == SQLITE_READONLY || !r->db ||
      sqlite3_get_autocommit(r->db))
    r->broken = true;
  return -1;
}

static int exec(rs_results *r, const char *sql) {
  if (r->broken) return -1;
  if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK) return fail_db(r);
  return 0;
}

/* Count one row; commit and start a new transaction every RS__BATCH rows. */
static int row_done(rs_results *r) {
  if (++r->rows < RS__BATCH) return 0;
  r->rows = 0;
  if (exec(r, "COMMIT; BEGIN")) return -1;
  return 0;
}

/* Close the database, remove the partial file, free the recorder. */
void rs_results_abandon(rs_results *r) {
  if (!r) return;
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(r->st[i]);
  if (r->db) sqlite3_close(r->db);
  rs_partial_abandon(&r->file);
  free(r);
}

rs_results *rs_results_open(const char *path, const rs_run_info *info, char *err, size_t errlen) {
  char hash[65];
  char wall[32];
  if (rs_file_check(path, "the results file", NULL, err, errlen)) return NULL;
  rs_results *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (rs_partial_open(&r->file, path, err, errlen)) {
    free(r);
    return NULL;
  }
  if (sqlite3_open_v2(r->file.tmp, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    goto fail;
  if (exec(r, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA page_size = 8192;")) goto fail;
  char version[64];
  snprintf(version, sizeof version, "PRAGMA user_version = %d;", RS_RESULTS_SCHEMA_VERSION);
  if (exec(r, "BEGIN") || exec(r, version) || exec(r, schema)) goto fail;
  for (int i = 0; i < ST_COUNT; i++)
    if (sqlite3_prepare_v3(r->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) != SQLITE_OK) {
      fail_db(r);
      goto fail;
    }
  char producer[128];
  snprintf(producer, sizeof producer, "romsim %s", info->version);
  sqlite3_stmt *mst = NULL;
  if (sqlite3_prepare_v2(r->db, "INSERT INTO meta VALUES ('schema_version', ?1), ('producer', ?2)", -1, &mst,
                         NULL) != SQLITE_OK) {
    fail_db(r);
    goto fail;
  }
  sqlite3_bind_int(mst, 1, RS_RESULTS_SCHEMA_VERSION);
  sqlite3_bind_text(mst, 2, producer, -1, SQLITE_STATIC);
  int mrc = sqlite3_step(mst);
  sqlite3_finalize(mst);
  if (mrc != SQLITE_DONE) {
    fail_db(r);
    goto fail;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db,
                         "INSERT INTO runs(id, scenario_name, scenario_file, scenario_hash, scenario_text, seed,"
                         " romsim_version, wall_start, sim_duration_us, status, replay_file, replay_text)"
                         " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9, ?10)",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(r);
    goto fail;
  }
  rs_wall_now(wall);
  rs_sha256_hex(info->scenario_text, strlen(info->scenario_text), hash);
  sqlite3_bind_text(st, 1, info->scenario_name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, info->scenario_file, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, info->scenario_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)info->seed);
  sqlite3_bind_text(st, 6, info->version, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, wall, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, info->duration);
  if (info->replay_text) {
    sqlite3_bind_text(st, 9, info->replay_file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, info->replay_text, -1, SQLITE_STATIC);
  }
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail_db(r);
    goto fail;
  }
  return r;
fail:
  if (!r->msg[0]) fail_db(r);
  snprintf(err, errlen, "%s", r->msg);
  rs_results_abandon(r);
  return NULL;
}

/* Run a prepared statement that has been bound; reset it for next time. */
static int step(rs_results *r, int which) {
  if (r->broken) return -1;
  sqlite3_stmt *st = r->st[which];
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) fail_db(r); /* before the reset, which keeps the error but is a call of its own */
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return -1;
  return row_done(r);
}

static void bind_node(sqlite3_stmt *st, int col, int64_t node) {
  if (node < 0)
    sqlite3_bind_null(st, col);
  else
    sqlite3_bind_int64(st, col, node);
}

int rs_results_node(rs_results *r, int64_t id, const char *name, const char *role, int64_t parent, int64_t limit) {
  sqlite3_stmt *st = r->st[ST_NODE];
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
  bind_node(st, 4, parent);
  if (limit > 0)
    sqlite3_bind_int64(st, 5, limit);
  else
    sqlite3_bind_null(st, 5);
  return step(r, ST_NODE);
}

int rs_results_metric(rs_results *r, int id, const char *name, const char *unit) {
  sqlite3_stmt *st = r->st[ST_METRIC];
  sqlite3_bind_int(st, 1, id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, unit, -1, SQLITE_TRANSIENT);
  return step(r, ST_METRIC);
}

int rs_results_sample(rs_results *r, rs_time_t t, int64_t node, int metric, double value) {
  sqlite3_stmt *st = r->st[ST_SAMPLE];
  sqlite3_bind_int64(st, 1, t);
  bind_node(st, 2, node);
  sqlite3_bind_int(st, 3, metric);
  sqlite3_bind_double(st, 4, value);
  return step(r, ST_SAMPLE);
}

int rs_results_event(rs_results *r, rs_time_t t, int64_t node, const char *kind, const char *detail) {
  sqlite3_stmt *st = r->st[ST_EVENT];
  sqlite3_bind_int64(st, 1, t);
  bind_node(st, 2, node);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_TRANSIENT);
  return step(r, ST_EVENT);
}

int rs_results_expectation(rs_results *r, const char *name, bool held, const char *detail) {
  sqlite3_stmt *st = r->st[ST_EXPECT];
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 2, held ? 1 : 0);
  sqlite3_bind_text(st, 3, detail ? detail : "", -1, SQLITE_TRANSIENT);
  return step(r, ST_EXPECT);
}

int rs_results_fault(rs_results *r, const char *name, const char *kind, rs_time_t start, rs_time_t end,
                     const char *detail) {
  sqlite3_stmt *st = r->st[ST_FAULT];
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, start);
  if (end < 0)
    sqlite3_bind_null(st, 4);
  else
    sqlite3_bind_int64(st, 4, end);
  sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_TRANSIENT);
  return step(r, ST_FAULT);
}

int rs_results_figure(rs_results *r, const char *key, double value) {
  sqlite3_stmt *st = r->st[ST_FIGURE];
  sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(st, 2, value);
  return step(r, ST_FIGURE);
}

int rs_results_close(rs_results *r, const char *status, rs_time_t sim_end, uint64_t events, char *err,
                     size_t errlen) {
  char wall[32];
  sqlite3_stmt *st = NULL;
  rs_wall_now(wall);
  if (r->broken) goto fail;
  if (sqlite3_prepare_v2(r->db,
                         "UPDATE runs SET wall_end = ?1, sim_end_us = ?2, events = ?3, status = ?4 WHERE id = 1",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(r);
    goto fail;
  }
  sqlite3_bind_text(st, 1, wall, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, sim_end);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)events);
  sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail_db(r);
    goto fail;
  }
  if (exec(r, "CREATE INDEX samples_by_node ON samples(node, metric, t_us);"
              "CREATE INDEX events_by_time ON events(t_us);"
              "COMMIT;"))
    goto fail;
  for (int i = 0; i < ST_COUNT; i++) {
    sqlite3_finalize(r->st[i]);
    r->st[i] = NULL;
  }
  if (sqlite3_close(r->db) != SQLITE_OK) {
    fail_db(r);
    goto fail;
  }
  r->db = NULL;
  rc = rs_partial_commit(&r->file, err, errlen);
  free(r);
  return rc;
fail:
  snprintf(err, errlen, "%s", r->msg);
  rs_results_abandon(r);
  return -1;
}

const char *rs_results_errmsg(const rs_results *r) { return r->msg; }
