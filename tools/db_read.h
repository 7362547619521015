/*
 * db_read: reading romsim's SQLite files (results files, sweep files)
 * without trusting them.
 *
 * A file may be cut short, edited by hand or by another program, or damaged
 * on disk. Before a command uses one, SQLite's whole integrity check runs
 * (dbr_check_integrity), every table it needs is checked to be there, and
 * every column to hold the type it must, NULL only where NULL is allowed
 * (dbr_check_table). While reading, every prepare and step is checked
 * (dbr_prepare, dbr_step): an error is never taken for the end of the rows,
 * and a value of the wrong type is an error, never a crash.
 *
 * A reader keeps the first error it meets as a message naming the file and
 * what is wrong (the table, the column, the row), so that a command can read
 * on and look once at the end (dbr_failed) before writing anything.
 */
#ifndef ROMSIM_DB_READ_H
#define ROMSIM_DB_READ_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  sqlite3 *db;
  const char *path;         /* as given; it must outlive the reader */
  const char *what;         /* "results file", "sweep file": for messages */
  char err[1536];           /* the first error met; "" while none */
} dbr;

/* The type a column must hold. */
typedef enum {
  DBR_INT,                  /* an integer */
  DBR_NUM,                  /* a number: integer or real */
  DBR_TEXT                  /* text */
} dbr_type;

typedef struct {
  const char *name;         /* NULL ends a table's list */
  dbr_type type;
  bool null_ok;             /* NULL is allowed (it means something) */
} dbr_column;

typedef struct {
  const char *name;
  const dbr_column *cols;   /* ended by a column without a name */
} dbr_table;

/* Open the SQLite file at path to read it and nothing else: read-only and
 * immutable (a results or sweep file is never changed once written), so
 * that reading never creates a file beside it (-wal, -shm or -journal, as
 * SQLite would for a file whose header asks for WAL) nor takes a lock.
 * Returns SQLite's code; *db is set as sqlite3_open_v2 sets it. */
int dbr_sqlite_open(const char *path, sqlite3 **db);

/* Open path read-only as a `what` ("results file"). Returns 0, or -1 with a
 * message in r->err when it is missing, not a regular file, or cannot be
 * opened. Opening does not read the file: a file that is not a database is
 * found by the first read. */
int dbr_open(dbr *r, const char *path, const char *what);

void dbr_close(dbr *r);

/* Whether an error was met; its message is r->err. */
static inline bool dbr_failed(const dbr *r) { return r->err[0] != '\0'; }

/* Keep "PATH: " and the message as the error, unless one is kept already.
 * Returns -1. */
int dbr_fail(dbr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same as "PATH: the WHAT is damaged: " and the message. Returns -1. */
int dbr_damaged(dbr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The schema version kept in meta under key: *version. Returns 0, or -1
 * with a message naming what was found: not an SQLite database, no meta
 * table, no version, or a version that is not a whole number ('abc'). */
int dbr_version(dbr *r, const char *key, int *version);

/* Run SQLite's whole integrity check (every page, every index against its
 * table, the NOT NULL and CHECK constraints of the schema). Returns 0, or -1
 * with the damage it found. */
int dbr_check_integrity(dbr *r);

/* Check that table t is there, with every column of t->cols, and that every
 * row holds the type each column must (NULL only where allowed): one pass
 * over the table. Returns 0, or -1 with the damage named, such as
 * "nodes.name is NULL (row 12)". */
int dbr_check_table(dbr *r, const dbr_table *t);

/* Prepare sql, which reads table (named in messages). NULL with the damage
 * kept when it cannot be prepared (a table or a column is missing). */
sqlite3_stmt *dbr_prepare(dbr *r, const char *table, const char *sql);

/* Step st, which reads table: 1 a row, 0 the end of the rows, -1 an error
 * (kept). An error is never taken for the end of the rows. */
int dbr_step(dbr *r, sqlite3_stmt *st, const char *table);

/* Column i of the current row of st, read from table.column: text (never
 * NULL: "" with the damage kept when it is not text). */
const char *dbr_text(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column);

/* An integer (0 with the damage kept when it is not one). */
int64_t dbr_int(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column);

/* A number, integer or real (0 with the damage kept when it is not one). */
double dbr_num(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column);

/* Whether column i of the current row is NULL. */
static inline bool dbr_is_null(sqlite3_stmt *st, int i) { return sqlite3_column_type(st, i) == SQLITE_NULL; }

/* s made safe to quote in a message: printable ASCII only (others as '?'),
 * cut to fit buf (with "..." when cut). Returns buf. */
char *dbr_quote(char *buf, size_t n, const char *s);

#endif
