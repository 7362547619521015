/* rs_queue: the radix timing wheel described in rs_queue.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rs_queue.h"

void rs_queue_init(rs_queue *q) { memset(q, 0, sizeof *q); }

void rs_queue_free(rs_queue *q) {
  for (int l = 0; l < RS__LEVELS; l++)
    for (int s = 0; s < RS__SLOTS; s++) free(q->slots[l][s].v);
  memset(q, 0, sizeof *q);
}

void rs_event_init(rs_event *ev, rs_event_cb cb) {
  ev->time = 0;
  ev->cb = cb;
  ev->slot = RS__NOT_PENDING;
  ev->index = 0;
}

/* Level at which time t sits relative to base: the index of the highest byte
 * in which they differ (0 when equal). */
static inline int rs__level(uint64_t t, uint64_t base) {
  uint64_t x = t ^ base;
  return x ? (63 - __builtin_clzll(x)) >> 3 : 0;
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

/* Mask of the bytes below and at level l. */
static inline uint64_t rs__low_mask(int l) {
  return l >= RS__LEVELS - 1 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (l + 1))) - 1;
}

/* Make room for one more entry at the end of slot s. Returns 0 or RS_ENOMEM. */
static int rs__slot_reserve(rs__slot *s) {
  if (s->len < s->cap) return 0;
  uint32_t ncap = s->cap ? s->cap * 2 : 16;
  if (ncap < s->cap) return RS_ENOMEM;
  rs__entry *v = realloc(s->v, (size_t)ncap * sizeof *v);
  if (!v) return RS_ENOMEM;
  s->v = v;
  s->cap = ncap;
  return 0;
}

/* Append (t, ev) to the slot for t, recording the position in ev. */
static inline int rs__place(rs_queue *q, rs_event *ev, rs_time_t t) {
  int l = rs__level((uint64_t)t, q->base);
  int b = (int)(((uint64_t)t >> (l * 8)) & 0xff);
  rs__slot *s = &q->slots[l][b];
  if (s->len == s->cap) {
    if (s->head == s->len) {
      s->head = s->len = 0;
    }
    int rc = rs__slot_reserve(s);
    if (rc) return rc;
  }
  if (s->len == 0) rs__set_bit(q, l, b);
  s->v[s->len].time = t;
  s->v[s->len].ev = ev;
  ev->slot = (uint32_t)(l * RS__SLOTS + b);
  ev->index = s->len;
  s->len++;
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

/* Reclaim every hole: slide live entries down in each slot, keeping order. */
static void rs__compact(rs_queue *q) {
  for (int l = 0; l < RS__LEVELS; l++) {
    for (int b = 0; b < RS__SLOTS; b++) {
      rs__slot *s = &q->slots[l][b];
      if (s->len == 0) continue;
      uint32_t n = 0;
      for (uint32_t i = s->head; i < s->len; i++) {
        if (!s->v[i].ev) continue;
        s->v[n] = s->v[i];
        s->v[n].ev->index = n;
        n++;
      }
      s->head = 0;
      s->len = n;
      if (n == 0) rs__clear_bit(q, l, b);
    }
  }
  q->holes = 0;
}

void rs_queue_remove(rs_queue *q, rs_event *ev) {
  if (ev->slot == RS__NOT_PENDING) return;
  rs__slot *s = &q->slots[ev->slot / RS__SLOTS][ev->slot % RS__SLOTS];
  s->v[ev->index].ev = NULL;
  ev->slot = RS__NOT_PENDING;
  q->live--;
  q->holes++;
  if (q->holes > 4096 && q->holes > 2 * q->live) rs__compact(q);
}

/*
 * Spread slot b of level l (l >= 1) into the levels below. Every entry in it
 * shares the bytes above l with the new base, so each lands lower; the
 * target slots are empty (the slot was the lowest non-empty one), so the
 * copy keeps the order of scheduling among equal times.
 */
static void rs__expand(rs_queue *q, int l, int b) {
  rs__slot *s = &q->slots[l][b];
  q->base = (q->base & ~rs__low_mask(l)) | ((uint64_t)b << (8 * l));
  for (uint32_t i = s->head; i < s->len; i++) {
    rs__entry e = s->v[i];
    if (i + 8 < s->len && s->v[i + 8].ev) __builtin_prefetch(s->v[i + 8].ev, 1);
    if (!e.ev) {
      q->holes--;
      continue;
    }
    if (rs__place(q, e.ev, e.time) != 0) {
      /* Out of memory: the queue can no longer be trusted; it refuses
       * further work and the run reports the error. */
      s->head = i;
      q->error = RS_ENOMEM;
      return;
    }
  }
  s->head = s->len = 0;
  rs__clear_bit(q, l, b);
}

rs_event *rs_queue_pop(rs_queue *q, rs_time_t limit) {
  if (q->error || q->live == 0 || limit < 0 || (uint64_t)limit < q->base) return NULL;
  for (;;) {
    int b = rs__find_from(q, 0, (int)(q->base & 0xff));
    if (b >= 0) {
      uint64_t t = (q->base & ~(uint64_t)0xff) | (uint64_t)b;
      if (t > (uint64_t)limit) return NULL;
      rs__slot *s = &q->slots[0][b];
      while (s->head < s->len) {
        rs__entry e = s->v[s->head++];
        if (!e.ev) {
          q->holes--;
          continue;
        }
        if (s->head == s->len) {
          s->head = s->len = 0;
          rs__clear_bit(q, 0, b);
        } else if (s->v[s->head].ev) {
          __builtin_prefetch(s->v[s->head].ev, 1);
        }
        q->base = t;
        q->live--;
        e.ev->slot = RS__NOT_PENDING;
        return e.ev;
      }
      s->head = s->len = 0;
      rs__clear_bit(q, 0, b);
      if (q->live == 0) return NULL;
      continue;
    }
    int l, hb = -1;
    for (l = 1; l < RS__LEVELS; l++) {
      hb = rs__find_from(q, l, (int)((q->base >> (8 * l)) & 0xff) + 1);
      if (hb >= 0) break;
    }
    if (hb < 0) return NULL; /* only holes were left */
    uint64_t start = (q->base & ~rs__low_mask(l)) | ((uint64_t)hb << (8 * l));
    if (start > (uint64_t)limit) return NULL;
    rs__expand(q, l, hb);
    if (q->error) return NULL;
  }
}
