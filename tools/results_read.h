/*
 * results_read: opening a results file to read it (report, export,
 * compare), with a clear message when it cannot be: missing, not a
 * database, damaged, not romsim's, or from another schema version.
 */
#ifndef ROMSIM_RESULTS_READ_H
#define ROMSIM_RESULTS_READ_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  sqlite3 *db;
  char scenario[256];       /* its name */
  char status[16];          /* complete, interrupted, failed, running */
  uint64_t seed;
  int64_t duration_us;      /* asked for */
  int64_t end_us;           /* reached */
} rr_file;

/* Open path read-only and check it. Returns 0, or -1 with a message in err. */
int rr_open(rr_file *f, const char *path, char *err, size_t errlen);

void rr_close(rr_file *f);

/* A time in microseconds as HH:MM:SS, in SQL (col is an SQL expression). */
#define RR_CLOCK(col)                                                                                              \
  "printf('%02d:%02d:%02d', " col " / 3600000000, (" col " / 60000000) % 60, (" col " / 1000000) % 60)"

/* Cut s back to whole UTF-8 characters (after a copy that may have cut one
 * in two). Returns s. */
char *rr_utf8_trim(char *s);

/* A single integer, or dflt when the query gives no row. */
int64_t rr_int(rr_file *f, const char *sql, int64_t dflt);

#endif
