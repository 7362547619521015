/*
 * rm_record: what the results file keeps of the samples (a scenario's
 * `record:` section; docs/results.md, "What is recorded"). The measure
 * (rm_measure.c) follows it.
 */
#ifndef RM_RECORD_H
#define RM_RECORD_H

#include "rs_time.h"

/* What the results file keeps of the samples (`record:`, docs/results.md,
 * "What is recorded"). */
typedef enum {
  RM_REC_ESS_AUTO,        /* each up to RM_REC_ESS_EACH_MAX Essentials servers, per gateway above */
  RM_REC_ESS_EACH,
  RM_REC_ESS_PER_GATEWAY  /* summed per primary gateway */
} rm_rec_ess;

#define RM_REC_ESS_EACH_MAX 100

/* A group of more than RM_REC_ESS_EACH_MAX Essentials servers records
 * each node's series once every this many samples, unless told. */
#define RM_REC_LARGE_EVERY 10

/* The roles whose series may be recorded less often than sampled. */
enum { RM_REC_MS, RM_REC_GATEWAY, RM_REC_ESSENTIALS, RM_REC_HOST, RM_REC_ROLES };

typedef struct {
  rm_rec_ess essentials;
  rs_time_t every[RM_REC_ROLES]; /* 0: sample_every; else a multiple of it */
} rm_record_spec;

#endif
