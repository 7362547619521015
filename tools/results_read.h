/*
 * results_read: opening a results file to read it (report, export,
 * compare), with a clear message when it cannot be: missing, not a
 * database, damaged, not romsim's, or from another schema version.
 *
 * rr_open checks the whole file before anything is read from it: its
 * schema version, SQLite's integrity check, every table of the schema
 * there, every column holding the type it must (NULL only where
 * docs/results.md allows it), and the bounds docs/results.md gives (times
 * within the run, values finite and not negative, ...). Reads after it go
 * through the checked functions of db_read.h on f->in, which keeps the
 * first error met.
 */
#ifndef ROMSIM_RESULTS_READ_H
#define ROMSIM_RESULTS_READ_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "db_read.h"

typedef struct {
  dbr in;                   /* the file, and the first error met reading it */
  char scenario[256];       /* its name */
  char status[16];          /* complete, interrupted, failed, running */
  uint64_t seed;
  int64_t duration_us;      /* asked for */
  int64_t end_us;           /* reached */
} rr_file;

/* Open path read-only and check it. Returns 0, or -1 with a message in err. */
int rr_open(rr_file *f, const char *path, char *err, size_t errlen);

void rr_close(rr_file *f);

/* Whether an error was met reading f since it was opened; the message is
 * rr_error(f). */
static inline bool rr_failed(const rr_file *f) { return dbr_failed(&f->in); }
static inline const char *rr_error(const rr_file *f) { return f->in.err; }

/* A time in microseconds as HH:MM:SS, in SQL (col is an SQL expression). */
#define RR_CLOCK(col)                                                                                              \
  "printf('%02d:%02d:%02d', " col " / 3600000000, (" col " / 60000000) % 60, (" col " / 1000000) % 60)"

/* Cut s back to whole UTF-8 characters (after a copy that may have cut one
 * in two). Returns s. */
char *rr_utf8_trim(char *s);

/* A single integer from table (named for messages), or dflt when the query
 * gives no row or NULL. An error is kept in f. */
int64_t rr_int(rr_file *f, const char *table, const char *sql, int64_t dflt);

#endif
