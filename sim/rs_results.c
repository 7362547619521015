/* rs_results: writing the SQLite results file. */
#include "rs_results.h"
#include "rs_file.h"
#include "rs_sha256.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rows per transaction: large enough that commits cost nothing per row. */
#define RS__BATCH 100000

enum { ST_NODE, ST_METRIC, ST_SAMPLE, ST_EVENT, ST_EXPECT, ST_FIGURE, ST_FAULT, ST_COUNT };

/*
 * The writer. Until the first sample, rows are written as they come (a
 * group's nodes and metrics: a row refused is said at once). From the first
 * sample on, rows go through a queue to a thread of their own that writes
 * them, in the order they came, so the run does not wait for SQLite: the
 * file is the same, byte for byte. The queue is blocks of rows, at most
 * RS__BLOCKS of them waiting (the run waits when the writer is that far
 * behind). An error the writer meets breaks the recorder: the calls after
 * it see it fail (a little later than the row that failed).
 */
#define RS__BLOCK 4096
#define RS__BLOCKS 16

typedef struct {
  int op;            /* ST_* */
  int i;             /* metric id, a boolean */
  int64_t t, node, a, b;
  double value;
  char *s[3];        /* owned copies */
} rs__row;

typedef struct rs__block {
  rs__row v[RS__BLOCK];
  int n;
  struct rs__block *next;
} rs__block;

struct rs_results {
  char *late_replay_file, *late_replay_text; /* a replay known only at the end (rs_results_set_replay) */
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  rs_partial file;   /* where it is written, where it goes when closed */
  long rows;         /* rows in the open transaction */
  atomic_bool broken; /* a write lost the file's data: msg holds why (written before broken is set), and
                         every call fails with it */
  char msg[1024];    /* the last error, or the one that broke the recorder */
  /* The writer thread, once started. */
  bool threaded;
  bool tried;               /* start_writer was called (it is not tried again) */
  uv_thread_t thread;
  uv_mutex_t mu;
  uv_cond_t work, room;
  rs__block *head, *tail;   /* waiting for the writer, in order */
  int waiting;
  rs__block *spare;         /* written, to be filled again */
  rs__block *cur;           /* being filled by the run */
  bool stop;                /* no more blocks: the writer ends when the queue is empty */
  atomic_bool discard;      /* abandoned: the writer drops what is left */
  uint64_t busy_ns;         /* the run's time in the recorder's calls (rs_results_busy_s) */
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
static void stop_writer(rs_results *r);

void rs_results_abandon(rs_results *r) {
  if (!r) return;
  r->discard = true;
  stop_writer(r);
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(r->st[i]);
  if (r->db) sqlite3_close(r->db);
  rs_partial_abandon(&r->file);
  free(r->late_replay_file);
  free(r->late_replay_text);
  free(r);
}

int rs_results_set_replay(rs_results *r, const char *file, const char *text) {
  char *f = strdup(file), *t = strdup(text);
  if (!f || !t) {
    free(f);
    free(t);
    return -1;
  }
  free(r->late_replay_file);
  free(r->late_replay_text);
  r->late_replay_file = f;
  r->late_replay_text = t;
  return 0;
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
  /* One thread at a time uses the connection (the run's, then the
   * writer's, then the run's again after it ends): no mutex. */
  if (sqlite3_open_v2(r->file.tmp, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
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

/* Write one row: bind its statement and run it. */
static int apply(rs_results *r, const rs__row *w) {
  sqlite3_stmt *st = r->st[w->op];
  switch (w->op) {
  case ST_NODE:
    sqlite3_bind_int64(st, 1, w->node);
    sqlite3_bind_text(st, 2, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, w->s[1], -1, SQLITE_TRANSIENT);
    bind_node(st, 4, w->a);
    if (w->b > 0)
      sqlite3_bind_int64(st, 5, w->b);
    else
      sqlite3_bind_null(st, 5);
    break;
  case ST_METRIC:
    sqlite3_bind_int(st, 1, w->i);
    sqlite3_bind_text(st, 2, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, w->s[1], -1, SQLITE_TRANSIENT);
    break;
  case ST_SAMPLE:
    sqlite3_bind_int64(st, 1, w->t);
    bind_node(st, 2, w->node);
    sqlite3_bind_int(st, 3, w->i);
    sqlite3_bind_double(st, 4, w->value);
    break;
  case ST_EVENT:
    sqlite3_bind_int64(st, 1, w->t);
    bind_node(st, 2, w->node);
    sqlite3_bind_text(st, 3, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, w->s[1] ? w->s[1] : "", -1, SQLITE_TRANSIENT);
    break;
  case ST_EXPECT:
    sqlite3_bind_text(st, 1, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, w->i ? 1 : 0);
    sqlite3_bind_text(st, 3, w->s[1] ? w->s[1] : "", -1, SQLITE_TRANSIENT);
    break;
  case ST_FAULT:
    sqlite3_bind_text(st, 1, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, w->s[1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, w->a);
    if (w->b < 0)
      sqlite3_bind_null(st, 4);
    else
      sqlite3_bind_int64(st, 4, w->b);
    sqlite3_bind_text(st, 5, w->s[2] ? w->s[2] : "", -1, SQLITE_TRANSIENT);
    break;
  case ST_FIGURE:
    sqlite3_bind_text(st, 1, w->s[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, w->value);
    break;
  }
  return step(r, w->op);
}

/* The writer thread: blocks in order, until told to stop and none is left.
 * A row that fails breaks the recorder (a row refused too: from here on the
 * run cannot be told which). */
static void writer(void *arg) {
  rs_results *r = arg;
  uv_mutex_lock(&r->mu);
  for (;;) {
    while (!r->head && !r->stop) uv_cond_wait(&r->work, &r->mu);
    rs__block *b = r->head;
    if (!b) break;
    r->head = b->next;
    if (!r->head) r->tail = NULL;
    uv_mutex_unlock(&r->mu);
    for (int i = 0; i < b->n; i++) {
      rs__row *w = &b->v[i];
      if (!r->broken && !r->discard && apply(r, w)) r->broken = true; /* its message is already in msg */
      for (int k = 0; k < 3; k++) free(w->s[k]);
    }
    b->n = 0;
    uv_mutex_lock(&r->mu);
    b->next = r->spare;
    r->spare = b;
    r->waiting--;
    uv_cond_signal(&r->room);
  }
  uv_mutex_unlock(&r->mu);
}

/* Start the writer: from the first sample on. When it cannot start, rows
 * go on being written as they come. */
static void start_writer(rs_results *r) {
  r->tried = true; /* once: when it cannot start, rows are written as they come */
  if (uv_mutex_init(&r->mu)) return;
  if (uv_cond_init(&r->work)) {
    uv_mutex_destroy(&r->mu);
    return;
  }
  if (uv_cond_init(&r->room)) {
    uv_cond_destroy(&r->work);
    uv_mutex_destroy(&r->mu);
    return;
  }
  if (uv_thread_create(&r->thread, writer, r)) {
    uv_cond_destroy(&r->room);
    uv_cond_destroy(&r->work);
    uv_mutex_destroy(&r->mu);
    return;
  }
  r->threaded = true;
}

/* Hand the block being filled to the writer, waiting while RS__BLOCKS are
 * already waiting. */
static void hand_over(rs_results *r) {
  rs__block *b = r->cur;
  r->cur = NULL;
  if (!b || b->n == 0) {
    if (b) {
      uv_mutex_lock(&r->mu);
      b->next = r->spare;
      r->spare = b;
      uv_mutex_unlock(&r->mu);
    }
    return;
  }
  b->next = NULL;
  uv_mutex_lock(&r->mu);
  while (r->waiting >= RS__BLOCKS) uv_cond_wait(&r->room, &r->mu);
  if (r->tail)
    r->tail->next = b;
  else
    r->head = b;
  r->tail = b;
  r->waiting++;
  uv_cond_signal(&r->work);
  uv_mutex_unlock(&r->mu);
}

/* Stop the writer once it has written (or, abandoning, dropped) what
 * waits; free its blocks. */
static void stop_writer(rs_results *r) {
  if (!r->threaded) return;
  hand_over(r);
  uv_mutex_lock(&r->mu);
  r->stop = true;
  uv_cond_signal(&r->work);
  uv_mutex_unlock(&r->mu);
  uv_thread_join(&r->thread);
  r->threaded = false;
  while (r->spare) {
    rs__block *b = r->spare;
    r->spare = b->next;
    free(b);
  }
  uv_cond_destroy(&r->room);
  uv_cond_destroy(&r->work);
  uv_mutex_destroy(&r->mu);
}

/* Out of memory queueing a row: the recorder is broken. The writer is
 * stopped first (what it has is written), so that only this thread writes
 * the message. */
static int queue_nomem(rs_results *r) {
  stop_writer(r);
  if (!r->broken) {
    snprintf(r->msg, sizeof r->msg, "%s: cannot write the results file: out of memory", r->file.path);
    r->broken = true;
  }
  return -1;
}

static int submit_row(rs_results *r, rs__row *w);

/* Write row w, and count the time it took the run. */
static int submit(rs_results *r, rs__row *w) {
  uint64_t t0 = uv_hrtime();
  int rc = submit_row(r, w);
  r->busy_ns += uv_hrtime() - t0;
  return rc;
}

/* Write row w: now, before the writer has started; else queue it (its
 * strings copied). */
static int submit_row(rs_results *r, rs__row *w) {
  if (r->broken) return -1;
  if (!r->threaded) return apply(r, w);
  if (!r->cur) {
    uv_mutex_lock(&r->mu);
    r->cur = r->spare;
    if (r->cur) r->spare = r->cur->next;
    uv_mutex_unlock(&r->mu);
    if (!r->cur && !(r->cur = malloc(sizeof *r->cur))) return queue_nomem(r);
    r->cur->n = 0;
  }
  rs__row *x = &r->cur->v[r->cur->n];
  *x = *w;
  for (int k = 0; k < 3; k++)
    if (w->s[k] && !(x->s[k] = strdup(w->s[k]))) {
      while (k-- > 0) free(x->s[k]);
      return queue_nomem(r);
    }
  if (++r->cur->n == RS__BLOCK) hand_over(r);
  return 0;
}

int rs_results_node(rs_results *r, int64_t id, const char *name, const char *role, int64_t parent, int64_t limit) {
  rs__row w = {.op = ST_NODE, .node = id, .a = parent, .b = limit, .s = {(char *)name, (char *)role, NULL}};
  return submit(r, &w);
}

int rs_results_metric(rs_results *r, int id, const char *name, const char *unit) {
  rs__row w = {.op = ST_METRIC, .i = id, .s = {(char *)name, (char *)unit, NULL}};
  return submit(r, &w);
}

int rs_results_sample(rs_results *r, rs_time_t t, int64_t node, int metric, double value) {
  if (!r->tried && !r->broken) {
    uint64_t t0 = uv_hrtime();
    start_writer(r);
    r->busy_ns += uv_hrtime() - t0;
  }
  rs__row w = {.op = ST_SAMPLE, .t = t, .node = node, .i = metric, .value = value};
  return submit(r, &w);
}

int rs_results_event(rs_results *r, rs_time_t t, int64_t node, const char *kind, const char *detail) {
  rs__row w = {.op = ST_EVENT, .t = t, .node = node, .s = {(char *)kind, (char *)detail, NULL}};
  return submit(r, &w);
}

int rs_results_expectation(rs_results *r, const char *name, bool held, const char *detail) {
  rs__row w = {.op = ST_EXPECT, .i = held, .s = {(char *)name, (char *)detail, NULL}};
  return submit(r, &w);
}

int rs_results_fault(rs_results *r, const char *name, const char *kind, rs_time_t start, rs_time_t end,
                     const char *detail) {
  rs__row w = {.op = ST_FAULT, .a = start, .b = end, .s = {(char *)name, (char *)kind, (char *)detail}};
  return submit(r, &w);
}

int rs_results_figure(rs_results *r, const char *key, double value) {
  rs__row w = {.op = ST_FIGURE, .value = value, .s = {(char *)key, NULL, NULL}};
  return submit(r, &w);
}

int rs_results_close(rs_results *r, const char *status, rs_time_t sim_end, uint64_t events, char *err,
                     size_t errlen) {
  char wall[32];
  sqlite3_stmt *st = NULL;
  stop_writer(r); /* every row written */
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
  if (r->late_replay_text) {
    if (sqlite3_prepare_v2(r->db, "UPDATE runs SET replay_file = ?1, replay_text = ?2 WHERE id = 1", -1, &st, NULL) !=
        SQLITE_OK) {
      fail_db(r);
      goto fail;
    }
    sqlite3_bind_text(st, 1, r->late_replay_file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->late_replay_text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
      fail_db(r);
      goto fail;
    }
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
  free(r->late_replay_file);
  free(r->late_replay_text);
  free(r);
  return rc;
fail:
  snprintf(err, errlen, "%s", r->msg);
  rs_results_abandon(r);
  return -1;
}

const char *rs_results_errmsg(const rs_results *r) { return r->msg; }

double rs_results_busy_s(const rs_results *r) { return (double)r->busy_ns / 1e9; }
