/* rs_queue: the radix timing wheel described in rs_queue.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rs_queue.h"

void rs_queue_init(rs_queue *q) { memset(q, 0, sizeof *q); }

static void free_chain(rs__block *b) {
  while (b) {
    rs__block *n = b->next;
    free(b);
    b = n;
  }
}

void rs_queue_free(rs_queue *q) {
  for (int l = 0; l < RS__LEVELS; l++)
    for (int s = 0; s < RS__SLOTS; s++) free_chain(q->slots[l][s].head);
  free_chain(q->pool[0]);
  free_chain(q->pool[1]);
  memset(q, 0, sizeof *q);
}

void rs_event_init(rs_event *ev, rs_event_cb cb) {
  ev->time = 0;
  ev->cb = cb;
  ev->blk = NULL;
  ev->index = 0;
}

/* Level at which time t sits relative to base: the index of the highest byte
 * in which they differ (0 when equal). */
static inline int rs__level(uint64_t t, uint64_t base) {
  uint64_t x = t ^ base;
  return x ? (63 - __builtin_clzll(x)) >> 3 : 0;
}

/* Mask of the bytes below and at level l. */
static inline uint64_t rs__low_mask(int l) {
  return l >= RS__LEVELS - 1 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (l + 1))) - 1;
}

static inline void rs__set_bit(rs_queue *q, int l, int s) { q->bits[l][s >> 6] |= 1ull << (s & 63); }
static inline void rs__clear_bit(rs_queue *q, int l, int s) { q->bits[l][s >> 6] &= ~(1ull << (s & 63)); }

/* Lowest non-empty slot of level l at or above from, or -1. */
static inline int rs__find_from(const rs_queue *q, int l, int from) {
  if (from >= RS__SLOTS) return -1;
  int w = from >> 6;
  uint64_t word = q->bits[l][w] & (~0ull << (from & 63));
  for (;;) {
    if (word) return (w << 6) + __builtin_ctzll(word);
    if (++w == RS__SLOTS / 64) return -1;
    word = q->bits[l][w];
  }
}

/* A block (big or small) from its pool, or a new one; NULL when memory ran
 * out. */
static inline rs__block *rs__block_get(rs_queue *q, int big) {
  rs__block *b = q->pool[big];
  if (b) {
    q->pool[big] = b->next;
  } else {
    uint32_t cap = big ? RS__BIG_ENTRIES : RS__SMALL_ENTRIES;
    b = malloc(sizeof *b + cap * sizeof b->e[0]);
    if (!b) return NULL;
    b->cap = cap;
    q->blocks++;
  }
  b->next = NULL;
  b->n = 0;
  return b;
}

static inline void rs__block_put(rs_queue *q, rs__block *b) {
  int big = b->cap == RS__BIG_ENTRIES;
  b->next = q->pool[big];
  q->pool[big] = b;
}

/* Give back every block of slot (l, s) and mark it empty. */
static void rs__slot_clear(rs_queue *q, int l, int s) {
  rs__slot *sl = &q->slots[l][s];
  rs__block *b = sl->head;
  while (b) {
    rs__block *n = b->next;
    rs__block_put(q, b);
    b = n;
  }
  sl->head = sl->tail = NULL;
  sl->head_idx = 0;
  rs__clear_bit(q, l, s);
}

/* Append (t, ev) to the slot for t, recording the position in ev. */
static inline int rs__place(rs_queue *q, rs_event *ev, rs_time_t t) {
  int l = rs__level((uint64_t)t, q->base);
  int s = (int)(((uint64_t)t >> (l * 8)) & 0xff);
  rs__slot *sl = &q->slots[l][s];
  rs__block *b = sl->tail;
  if (!b || b->n == b->cap) {
    rs__block *nb = rs__block_get(q, b != NULL);
    if (!nb) return RS_ENOMEM;
    if (b) {
      b->next = nb;
    } else {
      sl->head = nb;
      sl->head_idx = 0;
      rs__set_bit(q, l, s);
    }
    sl->tail = b = nb;
  }
  b->e[b->n].time = t;
  b->e[b->n].ev = ev;
  ev->blk = b;
  ev->index = b->n;
  b->n++;
  return 0;
}

int rs_queue_push(rs_queue *q, rs_event *ev, rs_time_t t) {
  if (q->error) return q->error;
  if (t < 0 || (uint64_t)t < q->base) return RS_EINVAL;
  int rc = rs__place(q, ev, t);
  if (rc) return rc;
  ev->time = t;
  q->live++;
  return 0;
}

/* Reclaim every hole: slide live entries forward in each slot's chain,
 * keeping their order, and give back the blocks left empty. */
static void rs__compact(rs_queue *q) {
  for (int l = 0; l < RS__LEVELS; l++) {
    for (int s = 0; s < RS__SLOTS; s++) {
      rs__slot *sl = &q->slots[l][s];
      if (!sl->head) continue;
      rs__block *wb = sl->head; /* where the next live entry goes */
      uint32_t wi = 0;
      uint32_t ri = sl->head_idx;
      for (rs__block *rb = sl->head; rb; rb = rb->next, ri = 0) {
        for (; ri < rb->n; ri++) {
          rs__entry e = rb->e[ri];
          if (!e.ev) continue;
          if (wi == wb->cap) {
            wb = wb->next;
            wi = 0;
          }
          wb->e[wi] = e;
          e.ev->blk = wb;
          e.ev->index = wi;
          wi++;
        }
      }
      if (wi == 0 && wb == sl->head) {
        rs__slot_clear(q, l, s);
        continue;
      }
      rs__block *rest = wb->next;
      wb->n = wi;
      wb->next = NULL;
      sl->tail = wb;
      sl->head_idx = 0;
      while (rest) {
        rs__block *n = rest->next;
        rs__block_put(q, rest);
        rest = n;
      }
    }
  }
  q->holes = 0;
}

void rs_queue_remove(rs_queue *q, rs_event *ev) {
  if (!ev->blk) return;
  ev->blk->e[ev->index].ev = NULL;
  ev->blk = NULL;
  q->live--;
  q->holes++;
  if (q->holes > 4096 && q->holes > 2 * q->live) rs__compact(q);
}

/*
 * Spread slot s of level l (l >= 1) into the levels below. Every entry in it
 * shares the bytes above l with the new base, so each lands lower; the
 * target slots are empty (the slot was the lowest non-empty one), so the
 * copy keeps the order of scheduling among equal times.
 */
static void rs__expand(rs_queue *q, int l, int s) {
  rs__slot *sl = &q->slots[l][s];
  q->base = (q->base & ~rs__low_mask(l)) | ((uint64_t)s << (8 * l));
  rs__block *b = sl->head;
  uint32_t i = sl->head_idx;
  /* Detach the chain first: placing may take blocks from the pool, and
   * each block read is given back to it as soon as it is done. */
  sl->head = sl->tail = NULL;
  sl->head_idx = 0;
  rs__clear_bit(q, l, s);
  while (b) {
    for (; i < b->n; i++) {
      rs__entry e = b->e[i];
      if (i + 8 < b->n && b->e[i + 8].ev) __builtin_prefetch(b->e[i + 8].ev, 1);
      if (!e.ev) {
        q->holes--;
        continue;
      }
      if (rs__place(q, e.ev, e.time) != 0) {
        /* Out of memory: the queue can no longer be trusted; it refuses
         * further work and the run reports the error. */
        q->error = RS_ENOMEM;
        while (b) { /* the blocks go back to the pool, to be freed */
          rs__block *n = b->next;
          rs__block_put(q, b);
          b = n;
        }
        return;
      }
    }
    rs__block *n = b->next;
    rs__block_put(q, b);
    b = n;
    i = 0;
  }
}

rs_event *rs_queue_pop(rs_queue *q, rs_time_t limit) {
  if (q->error || q->live == 0 || limit < 0 || (uint64_t)limit < q->base) return NULL;
  for (;;) {
    int s = rs__find_from(q, 0, (int)(q->base & 0xff));
    if (s >= 0) {
      uint64_t t = (q->base & ~(uint64_t)0xff) | (uint64_t)s;
      if (t > (uint64_t)limit) return NULL;
      rs__slot *sl = &q->slots[0][s];
      for (;;) {
        rs__block *b = sl->head;
        if (sl->head_idx == b->n) {
          if (b == sl->tail) break; /* the slot is empty */
          sl->head = b->next;
          sl->head_idx = 0;
          rs__block_put(q, b);
          continue;
        }
        rs__entry e = b->e[sl->head_idx++];
        if (!e.ev) {
          q->holes--;
          continue;
        }
        if (sl->head_idx < b->n && b->e[sl->head_idx].ev) __builtin_prefetch(b->e[sl->head_idx].ev, 1);
        q->base = t;
        q->live--;
        e.ev->blk = NULL;
        return e.ev;
      }
      rs__slot_clear(q, 0, s);
      if (q->live == 0) return NULL;
      continue;
    }
    int l, hs = -1;
    for (l = 1; l < RS__LEVELS; l++) {
      hs = rs__find_from(q, l, (int)((q->base >> (8 * l)) & 0xff) + 1);
      if (hs >= 0) break;
    }
    if (hs < 0) return NULL; /* only holes were left */
    uint64_t start = (q->base & ~rs__low_mask(l)) | ((uint64_t)hs << (8 * l));
    if (start > (uint64_t)limit) return NULL;
    /* A slot holding a single entry holds the earliest event: take it
     * without spreading the slot out (the common case of a sparse queue). */
    rs__slot *sl = &q->slots[l][hs];
    if (sl->head == sl->tail && sl->head->n - sl->head_idx == 1) {
      rs__entry e = sl->head->e[sl->head_idx];
      if (e.ev) {
        if (e.time > limit) return NULL;
        rs__slot_clear(q, l, hs);
        q->base = (uint64_t)e.time;
        q->live--;
        e.ev->blk = NULL;
        return e.ev;
      }
    }
    rs__expand(q, l, hs);
    if (q->error) return NULL;
  }
}

bool rs_queue_pending_at(const rs_queue *q, rs_time_t t) {
  for (int l = 0; l < RS__LEVELS; l++)
    for (int k = 0; k < RS__SLOTS; k++) {
      const rs__slot *sl = &q->slots[l][k];
      for (const rs__block *b = sl->head; b; b = b->next)
        for (uint32_t i = b == sl->head ? sl->head_idx : 0; i < b->n; i++)
          if (b->e[i].ev && b->e[i].time == t) return true;
    }
  return false;
}
