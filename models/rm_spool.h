/*
 * rm_spool: a Health Service send queue, in bytes.
 *
 * Data waits here while its sender cannot reach a parent. It is kept per
 * priority (RM_PRIO_HIGH: alerts and state changes; RM_PRIO_NORMAL: events;
 * RM_PRIO_LOW: performance samples), each in arrival order, as chunks of
 * bytes stamped with the time they were generated. Data goes out highest
 * priority first, oldest first. When the spool is over its capacity it drops
 * the least important data first, oldest first, byte-exact, and counts every
 * byte it drops.
 *
 * Chunks of one priority generated within the same second are merged (the
 * merged chunk keeps the older stamp), so a spool holds a few chunks per
 * second of data whatever the number of senders feeding it.
 */
#ifndef RM_SPOOL_H
#define RM_SPOOL_H

#include <stdint.h>

#include "rs_hist.h"
#include "rs_time.h"

enum { RM_PRIO_HIGH, RM_PRIO_NORMAL, RM_PRIO_LOW, RM_PRIOS };

typedef struct {
  rs_time_t gen;   /* when its oldest byte was generated */
  int64_t bytes;
} rm_chunk;

/* A ring of chunks. */
typedef struct {
  rm_chunk *v;
  uint32_t head, len, cap; /* cap is a power of two */
} rm_ring;

typedef struct {
  int64_t bytes;                /* queued, all priorities (first: read most) */
  int64_t capacity;             /* bytes it holds before dropping (0: none) */
  rm_ring q[RM_PRIOS];
  int64_t dropped;              /* bytes dropped, all run */
  int64_t dropped_prio[RM_PRIOS];
  int nomem;                    /* a ring could not grow: data was dropped */
} rm_spool;

/* An empty spool holding at most capacity bytes. */
void rm_spool_init(rm_spool *s, int64_t capacity);
void rm_spool_free(rm_spool *s);

/* Append bytes of priority prio generated at gen, then drop what no longer
 * fits. Returns the bytes dropped by this call. */
int64_t rm_spool_push(rm_spool *s, int prio, rs_time_t gen, int64_t bytes);

/* Put a chunk back at the front of its priority (data whose transfer failed),
 * then drop what no longer fits. Returns the bytes dropped. */
int64_t rm_spool_unshift(rm_spool *s, int prio, rm_chunk c);

/* Take up to max bytes, highest priority first, oldest first, into out
 * (room for n chunks; prio_out gets each chunk's priority). A chunk may be
 * split. Returns the number of chunks written; *taken gets the bytes. */
int rm_spool_take(rm_spool *s, int64_t max, rm_chunk *out, uint8_t *prio_out, int n, int64_t *taken);

/* Add every queued byte to h at its age at now (now - its stamp). */
void rm_spool_ages(const rm_spool *s, rs_time_t now, rs_hist *h);

/* Move up to max bytes (INT64_MAX: everything) from src to the back of dst,
 * highest priority first, oldest first, as rm_spool_take would send them
 * (a chunk may be split); dst may drop. Returns the bytes dst dropped. */
int64_t rm_spool_move(rm_spool *dst, rm_spool *src, int64_t max);

#endif
