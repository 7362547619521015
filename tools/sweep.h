/*
 * sweep: run a scenario once per failure (and pair of failures), in
 * parallel, and keep one line of figures per run in a sweep file.
 *
 * A sweep's cases are the baseline (no failure added) and one case per
 * node of the roles asked for (and, with pairs, one per pair of those),
 * each repeated with `replications` seeds derived from the scenario's.
 * The items (case x replication) are numbered case-major; a shard K/N runs
 * the items whose number is K-1 modulo N, so shards merged give the same
 * tables as one sweep.
 */
#ifndef ROMSIM_SWEEP_H
#define ROMSIM_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rm_hw.h"
#include "rs_time.h"

/* The most replications of a case (--replications), and of cases a sweep
 * file may hold. */
#define SW_MAX_REPLICATIONS 10000
#define SW_MAX_CASES 10000000

/* Roles a sweep can fail, one node at a time. */
typedef enum { SW_GATEWAY, SW_MS, SW_RMS_NODE, SW_SQL_NODE, SW_ESSENTIALS, SW_SITE, SW_HOST, SW_ROLES } sw_role;

/* Role names as written in --fail each:ROLE (and aliases), -1 unknown. */
int sw_role_parse(const char *s, size_t len);
const char *sw_role_name(sw_role r);

/* A case: the failures added to the scenario (none for the baseline). */
typedef struct {
  int id;
  char label[540];          /* "crash gw-1", "crash gw-1 + crash ms-2", "none (baseline)" */
  int n_faults;
  char kind[2][16];         /* crash, site_outage */
  char target[2][256];
} sw_case;

/* One run's figures. */
typedef struct {
  int case_id, rep;
  uint64_t seed;
  char status[16];          /* complete, failed (could not run), interrupted */
  int capacity_held;        /* every node within its limits */
  char worst_node[256];     /* the node furthest over (or nearest) its limit */
  int64_t worst_peak, worst_limit;
  int over_nodes;           /* nodes that went over */
  int64_t generated, dropped; /* bytes */
  int64_t latency_max_us, latency_p99_us;
  int64_t recover_us;       /* from the failure until every path is back; -1: never */
  int expect_failed;        /* the scenario's expectations that failed */
  int held;                 /* the verdict */
  char detail[600];         /* why it failed ("" when held), or why it could not run */
  uint64_t events;
  double peak[RM_HW_ROLES][RM_RESOURCES]; /* each role's servers' peak utilization (not kept in the file) */
  double *host_peak;        /* per host of the scenario: its processors' peak busy (not kept in the
                               file), or NULL */
} sw_item;

/* What a sweep was. */
typedef struct {
  char version[32];
  char scenario[256];       /* the scenario's name */
  char file[1024];          /* as given */
  char sha256[65];
  char *text;               /* the scenario's text */
  uint64_t seed;
  char roles[160];          /* "gateway,management_server" */
  int pairs;
  int64_t at_us, for_us, duration_us;
  int replications;
  int n_cases;
  int shard_k, shard_n;     /* 1/1: the whole sweep */
  char status[16];          /* complete, interrupted */
  char created[32];
} sw_head;

typedef struct {
  sw_head head;
  sw_case *cases;
  int n_cases;
  sw_item *items;           /* those this file holds, in item order */
  int n_items;
} sw_sweep;

/* Options of romsim sweep. */
typedef struct {
  const char *scenario;
  const char *out;
  unsigned roles;           /* bit per sw_role */
  bool pairs;
  rs_time_t at, dur;        /* when each failure begins, and how long it lasts */
  rs_time_t duration;       /* 0: the scenario's */
  bool seed_given;
  uint64_t seed;
  int jobs;                 /* runs at once; 0: one per core (fewer when they would not fit in memory) */
  int64_t max_memory;       /* bytes the runs at once may take; 0: cli_default_memory() */
  int replications, shard_k, shard_n;
  bool quiet;               /* no progress line */
  bool temp_out;            /* out is a temporary file: not named in the output */
  double (*peaks)[RM_RESOURCES]; /* when given ([RM_HW_ROLES]): filled with each role's peak
                                    utilization over every run that completed */
  double *host_peaks;       /* when given (one per host of the scenario): each host's peak
                               processor utilization over every run that completed */
} sw_opts;

/* Run a sweep, write its file and print its table to out. Returns the exit
 * status: 0 every case held, 1 one failed, 2 bad input, 3 interrupted. */
int sw_run(const sw_opts *o, FILE *out);

/* The sweep file: written whole under a temporary name, then renamed. */
int sw_write(const char *path, const sw_sweep *s, char *err, size_t errlen);
/* Whether path can take a sweep file: rs_file_check (a regular file or
 * nothing, none of inputs, NULL-terminated, in a folder that can be
 * written). 0, or -1 with a message. */
int sw_check_output(const char *path, const char *const *inputs, char *err, size_t errlen);
/* Read one; 0, or -1 with a message. */
int sw_read(const char *path, sw_sweep *s, char *err, size_t errlen);
void sw_free(sw_sweep *s);
/* Whether path is a sweep file (rather than a run's results). */
bool sw_is_sweep(const char *path);

/* Print the table: the worst cases first; with replications, per case the
 * mean and a 95 % confidence interval. */
void sw_print(FILE *out, const sw_sweep *s);

/* Cases sorted worst first (with replications folded): order[] gets case
 * indexes. Also used by the report. */
typedef struct {
  int case_index;
  int n;                    /* replications present */
  int held, capacity_held;  /* how many held */
  double dropped_mean, dropped_ci;
  double latency_mean, latency_ci; /* worst latency, us */
  double recover_mean, recover_ci; /* us, over those that recovered */
  int never;                /* replications that never recovered */
  double ratio;             /* worst peak / limit, the highest */
  const sw_item *worst;     /* the worst replication */
} sw_row;
int sw_rows(const sw_sweep *s, sw_row **rows);

#endif
