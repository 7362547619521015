/*
 * rm_dbsize: the size of a database that keeps what it is given for a
 * retention period and is groomed once a day.
 *
 * The SQL store has two: the OperationsManager database (OpsDB), kept
 * small by grooming after a few days, and the data warehouse, which keeps
 * data for months. Each stores a share of the bytes of data it is given
 * (rows without the items' XML envelopes, with their indexes), on top of a
 * base size (the empty database). Data is counted by the day it arrived;
 * grooming, at midnight of the run's clock, removes every day that ended
 * more than the retention before it. With grooming off nothing is removed.
 * The figures and their sources are in docs/hardware.md.
 */
#ifndef RM_DBSIZE_H
#define RM_DBSIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_time.h"

typedef struct {
  double share;           /* bytes stored per byte of data */
  int64_t base;           /* bytes of the empty database */
  rs_time_t retention;    /* data kept this long at least */
  bool grooming;
  int64_t *day;           /* bytes of data given on day d (from 0) */
  int64_t n_days;         /* days with room in day[] */
  int64_t first;          /* the first day not groomed */
  int64_t kept;           /* bytes of data given on days first.. */
  double peak;            /* the largest size reached, bytes */
  rs_time_t peak_at;
} rm_dbsize;

/* Prepare db for a run of duration. Returns 0, or -1 when memory ran out. */
int rm_dbsize_init(rm_dbsize *db, double share, int64_t base, rs_time_t retention, bool grooming, rs_time_t duration);
void rm_dbsize_free(rm_dbsize *db);

/* bytes of data given at time t. */
void rm_dbsize_add(rm_dbsize *db, rs_time_t t, int64_t bytes);

/* Groom at now: remove the days that ended at or before now - retention
 * (nothing when grooming is off). */
void rm_dbsize_groom(rm_dbsize *db, rs_time_t now);

/* The database's size now, bytes. */
double rm_dbsize_size(const rm_dbsize *db);

/* The same, noted as the peak at t when larger. */
double rm_dbsize_bytes(rm_dbsize *db, rs_time_t t);

#endif
