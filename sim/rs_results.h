/*
 * rs_results: the results file of one run, an SQLite database.
 *
 * The file is written under a temporary name beside the final one (an
 * rs_partial: a dot file ending in ".partial", locked while it is written)
 * and renamed when the run is closed, so a run that is killed never leaves
 * a file under the final name; the next run writing that name removes the
 * partial file a killed run left. Rows go in through
 * prepared statements inside batched transactions: as they come until the
 * first sample, then from a writer thread of the recorder's own, fed in
 * order through a bounded queue, so that the run does not wait for SQLite
 * (the file is the same, byte for byte). An error the writer meets is seen
 * by the calls after it. The schema is documented
 * in docs/results.md; RS_RESULTS_SCHEMA_VERSION is stored in the meta table
 * and in PRAGMA user_version.
 */
#ifndef RS_RESULTS_H
#define RS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rs_time.h"

#define RS_RESULTS_SCHEMA_VERSION 2

typedef struct rs_results rs_results;

/* What the runs row says about the run before it starts. */
typedef struct {
  const char *scenario_name;
  const char *scenario_file;
  const char *scenario_text; /* stored whole */
  const char *replay_file;   /* a replayed outage, or NULL */
  const char *replay_text;   /* stored whole, or NULL */
  uint64_t seed;
  const char *version;       /* romsim's version */
  rs_time_t duration;        /* simulated duration asked for */
} rs_run_info;

/*
 * Create the temporary file for path, write the schema and the runs row
 * (status "running"). Wall-clock times come from the clock, or from
 * SOURCE_DATE_EPOCH when that is set (so two runs can give identical files).
 * Returns the recorder, or NULL with a message in err.
 */
rs_results *rs_results_open(const char *path, const rs_run_info *info, char *err, size_t errlen);

/* The wall clock as ISO 8601 UTC ("2026-11-24T10:00:00Z"), or
 * SOURCE_DATE_EPOCH's time when that is set. */
void rs_wall_now(char buf[32]);

/* Record a node; parent is another node's id or -1; limit is the most it
 * may carry (0: none). Returns 0 or -1. */
int rs_results_node(rs_results *r, int64_t id, const char *name, const char *role, int64_t parent, int64_t limit);

/* Record a metric's name and unit under id. Returns 0 or -1. */
int rs_results_metric(rs_results *r, int id, const char *name, const char *unit);

/* Record one sample; node -1 means the whole group. Returns 0 or -1. */
int rs_results_sample(rs_results *r, rs_time_t t, int64_t node, int metric, double value);

/* Record one event; node -1 means the whole group. Returns 0 or -1. */
int rs_results_event(rs_results *r, rs_time_t t, int64_t node, const char *kind, const char *detail);

/* Record an expectation's verdict. Returns 0 or -1. */
int rs_results_expectation(rs_results *r, const char *name, bool held, const char *detail);

/* Record a fault of the run: its name, kind, when it began and ended (end
 * -1: it never did) and what it did. Returns 0 or -1. */
int rs_results_fault(rs_results *r, const char *name, const char *kind, rs_time_t start, rs_time_t end,
                     const char *detail);

/* Record a summary figure of the run (key, value). Returns 0 or -1. */
int rs_results_figure(rs_results *r, const char *key, double value);

/*
 * Finish the runs row (status "complete", "interrupted" or "failed", the
 * simulated time reached and the events run), commit, close and rename the
 * file to its final name. The recorder is freed whatever happens; when it
 * fails (or a write failed earlier for want of disk), the partial file is
 * removed. Returns 0, or -1 with a message in err.
 */
/* A replay known only at the end of the run (a live session's), stored
 * in runs as if given at the open. Copied; 0, or -1 without memory. */
int rs_results_set_replay(rs_results *r, const char *file, const char *text);

int rs_results_close(rs_results *r, const char *status, rs_time_t sim_end, uint64_t events,
                     char *err, size_t errlen);

/* The seconds the run has spent in the recorder's calls so far: writing
 * rows before the writer started, queueing them after, waiting for it when
 * it was behind (closing is timed by the caller). */
double rs_results_busy_s(const rs_results *r);

/* Close and delete the temporary file; nothing is left behind. */
void rs_results_abandon(rs_results *r);

/* The last error's message, naming the file: after a full disk or an I/O
 * error, that first error's (every later call fails with it). */
const char *rs_results_errmsg(const rs_results *r);

/* SQLite's message for db's last error into buf, with the system's for an
 * I/O error: "database or disk is full", "disk I/O error (File too large)".
 * Returns buf. */
struct sqlite3;
const char *rs_sqlite_errmsg(struct sqlite3 *db, char *buf, size_t n);

#endif
