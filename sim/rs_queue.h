/*
 * rs_queue: the pending-event queue of a simulation.
 *
 * Events are ordered by (time, insertion sequence): the earliest time first,
 * and among equal times the one scheduled first. The queue is intrusive: the
 * rs_event lives inside its owner, and the queue stores only pointers to it,
 * so scheduling allocates nothing once the queue's pool of blocks has grown to
 * the run's working size.
 *
 * The structure is a radix timing wheel over the 64-bit time: 8 levels of 256
 * slots, one level per byte of the time. An event sits at the level of the
 * highest byte in which its time differs from the queue's base (the time of
 * the last event taken out, or the start of the slot being expanded), in the
 * slot named by that byte of its time. Level 0 slots therefore hold events of
 * one exact time, in the order they were scheduled. When level 0 runs dry,
 * the lowest non-empty slot of the next non-empty level is spread out into
 * the levels below, in order, which keeps equal times first-in first-out.
 * Each event is moved at most 7 times and usually once or twice; a bitmap per
 * level finds the next non-empty slot. A slot is a chain of 4 KB blocks from
 * a pool. Cancelling leaves a hole (a NULL entry) that is skipped, and the
 * queue compacts when holes outnumber events.
 */
#ifndef RS_QUEUE_H
#define RS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rs_time.h"

typedef struct rs_event rs_event;
typedef struct rs_sim rs_sim;

/* Called when an event's time comes. The event is no longer pending when its
 * callback runs, so the callback may schedule it again. */
typedef void (*rs_event_cb)(rs_sim *sim, rs_event *ev);

typedef struct rs__block rs__block;

/*
 * An event, embedded in its owner (find the owner with RS_CONTAINER_OF).
 * Fields are the queue's; read them only through the functions below.
 */
struct rs_event {
  rs_time_t time;   /* when it fires, valid while pending */
  rs_event_cb cb;   /* what runs */
  rs__block *blk;   /* the block holding its entry, NULL when not pending */
  uint32_t index;   /* position in that block */
};

#define RS_CONTAINER_OF(ptr, type, member) \
  ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* An entry of a slot: the event and its time, so spreading a slot out does
 * not need the event's time from its owner's memory. */
typedef struct {
  rs_time_t time;
  rs_event *ev; /* NULL once cancelled */
} rs__entry;

/* Entries per block: a slot's first block is small (128 bytes), the next
 * ones about 4 KB, so that the many slots holding an event or two stay
 * small and close, and a crowded slot costs one allocation per 254 events. */
#define RS__SMALL_ENTRIES 7
#define RS__BIG_ENTRIES 254

/* Slots hold their entries in a chain of blocks taken from, and given back
 * to, the queue's pools, so a slot's memory follows what it holds and
 * nothing is ever copied to grow. */
struct rs__block {
  rs__block *next;
  uint32_t n;   /* entries written */
  uint32_t cap; /* RS__SMALL_ENTRIES or RS__BIG_ENTRIES */
  rs__entry e[];
};

typedef struct {
  rs__block *head, *tail;
  uint32_t head_idx; /* first entry of head not yet taken */
} rs__slot;

#define RS__LEVELS 8
#define RS__SLOTS 256

typedef struct rs_queue {
  uint64_t base;      /* every pending time is >= base */
  uint64_t live;      /* pending events */
  uint64_t holes;     /* cancelled entries not yet reclaimed */
  int error;          /* 0, or RS_ENOMEM once a block could not be had while
                         spreading; the queue then refuses further work */
  rs__block *pool[2]; /* blocks not in use: small, big */
  uint64_t blocks;    /* blocks allocated, in use or pooled */
  uint64_t bits[RS__LEVELS][RS__SLOTS / 64]; /* non-empty slots */
  rs__slot slots[RS__LEVELS][RS__SLOTS];
} rs_queue;

/* Error codes returned by the sim module (0 is success). */
#define RS_ENOMEM (-12)
#define RS_EINVAL (-22)

/* Prepare an empty queue whose base is time 0. */
void rs_queue_init(rs_queue *q);

/* Free every block. Pending events are forgotten, not called. */
void rs_queue_free(rs_queue *q);

/* Prepare ev (not pending) to call cb. */
void rs_event_init(rs_event *ev, rs_event_cb cb);

/* True while ev is scheduled and has neither fired nor been cancelled. */
static inline bool rs_event_pending(const rs_event *ev) { return ev->blk != NULL; }

/* Time ev is due; meaningful only while it is pending. */
static inline rs_time_t rs_event_time(const rs_event *ev) { return ev->time; }

/*
 * Insert ev at time t. ev must not be pending and t must be >= the queue's
 * base: the time of the last event popped, or a later time up to the limit
 * of a pop that returned NULL (rs_sim keeps now at that limit). Returns 0, RS_EINVAL when t is
 * before the base, or RS_ENOMEM when no block could be had (ev is then left
 * not pending).
 */
int rs_queue_push(rs_queue *q, rs_event *ev, rs_time_t t);

/* Remove ev if it is pending. Safe on an event that is not pending. */
void rs_queue_remove(rs_queue *q, rs_event *ev);

/*
 * Take out the earliest event if its time is <= limit, and return it (no
 * longer pending, its time still readable). Returns NULL when the queue is
 * empty, the earliest event is later than limit, or q->error is set.
 */
rs_event *rs_queue_pop(rs_queue *q, rs_time_t limit);

/* Whether an event is pending at exactly time t: a look through every
 * entry, O(pending), for a rare question (romsim serve placing a fault). */
bool rs_queue_pending_at(const rs_queue *q, rs_time_t t);

/* Number of pending events. */
static inline uint64_t rs_queue_size(const rs_queue *q) { return q->live; }

#endif
