/* rm_spool: the send queue described in rm_spool.h. */
#include "rm_spool.h"

#include <stdlib.h>
#include <string.h>

void rm_spool_init(rm_spool *s, int64_t capacity) {
  memset(s, 0, sizeof *s);
  s->capacity = capacity;
}

void rm_spool_free(rm_spool *s) {
  for (int p = 0; p < RM_PRIOS; p++) free(s->q[p].v);
  memset(s, 0, sizeof *s);
}

static inline rm_chunk *at(rm_ring *r, uint32_t i) { return &r->v[(r->head + i) & (r->cap - 1)]; }

/* Make room for one more chunk. Returns 0, or -1 when memory ran out. */
static int grow(rm_ring *r) {
  if (r->len < r->cap) return 0;
  uint32_t ncap = r->cap ? r->cap * 2 : 8;
  rm_chunk *v = malloc((size_t)ncap * sizeof *v);
  if (!v) return -1;
  for (uint32_t i = 0; i < r->len; i++) v[i] = *at(r, i);
  free(r->v);
  r->v = v;
  r->head = 0;
  r->cap = ncap;
  return 0;
}

/* Drop the overflow: lowest priority first, oldest first. */
static int64_t trim(rm_spool *s) {
  int64_t dropped = 0;
  if (s->capacity <= 0) return 0;
  for (int p = RM_PRIOS - 1; p >= 0 && s->bytes > s->capacity; p--) {
    rm_ring *r = &s->q[p];
    while (r->len && s->bytes > s->capacity) {
      rm_chunk *c = at(r, 0);
      int64_t d = s->bytes - s->capacity;
      if (d >= c->bytes) {
        d = c->bytes;
        r->head = (r->head + 1) & (r->cap - 1);
        r->len--;
      } else {
        c->bytes -= d;
      }
      s->bytes -= d;
      s->dropped += d;
      s->dropped_prio[p] += d;
      dropped += d;
    }
  }
  return dropped;
}

/* Count bytes that could not be queued at all as dropped. */
static int64_t lose(rm_spool *s, int prio, int64_t bytes) {
  s->nomem = 1;
  s->dropped += bytes;
  s->dropped_prio[prio] += bytes;
  return bytes;
}

int64_t rm_spool_push(rm_spool *s, int prio, rs_time_t gen, int64_t bytes) {
  if (bytes <= 0) return 0;
  rm_ring *r = &s->q[prio];
  rm_chunk *tail = r->len ? at(r, r->len - 1) : NULL;
  if (tail && tail->gen / RS_SEC == gen / RS_SEC) {
    tail->bytes += bytes;
    if (gen < tail->gen) tail->gen = gen; /* a merged chunk keeps the older stamp */
  } else {
    if (grow(r)) return lose(s, prio, bytes);
    *at(r, r->len) = (rm_chunk){.gen = gen, .bytes = bytes};
    r->len++;
  }
  s->bytes += bytes;
  return trim(s);
}

int64_t rm_spool_unshift(rm_spool *s, int prio, rm_chunk c) {
  if (c.bytes <= 0) return 0;
  rm_ring *r = &s->q[prio];
  if (grow(r)) return lose(s, prio, c.bytes);
  r->head = (r->head - 1) & (r->cap - 1);
  r->len++;
  *at(r, 0) = c;
  s->bytes += c.bytes;
  return trim(s);
}

int rm_spool_take(rm_spool *s, int64_t max, rm_chunk *out, uint8_t *prio_out, int n, int64_t *taken) {
  int k = 0;
  int64_t got = 0;
  for (int p = 0; p < RM_PRIOS && got < max && k < n; p++) {
    rm_ring *r = &s->q[p];
    while (r->len && got < max && k < n) {
      rm_chunk *c = at(r, 0);
      int64_t want = max - got;
      if (c->bytes <= want) {
        out[k] = *c;
        r->head = (r->head + 1) & (r->cap - 1);
        r->len--;
      } else {
        out[k] = (rm_chunk){.gen = c->gen, .bytes = want};
        c->bytes -= want;
      }
      prio_out[k] = (uint8_t)p;
      got += out[k].bytes;
      k++;
    }
  }
  s->bytes -= got;
  *taken = got;
  return k;
}

int64_t rm_spool_move(rm_spool *dst, rm_spool *src, int64_t max) {
  int64_t dropped = 0, moved = 0;
  for (int p = 0; p < RM_PRIOS && moved < max; p++) {
    rm_ring *r = &src->q[p];
    while (r->len && moved < max) {
      rm_chunk *c = at(r, 0);
      int64_t b = c->bytes <= max - moved ? c->bytes : max - moved;
      dropped += rm_spool_push(dst, p, c->gen, b);
      moved += b;
      if (b == c->bytes) {
        r->head = (r->head + 1) & (r->cap - 1);
        r->len--;
      } else {
        c->bytes -= b;
      }
    }
    if (r->len == 0) r->head = 0;
  }
  src->bytes -= moved;
  return dropped;
}

void rm_spool_ages(const rm_spool *s, rs_time_t now, rs_hist *h) {
  for (int p = 0; p < RM_PRIOS; p++) {
    const rm_ring *r = &s->q[p];
    for (uint32_t i = 0; i < r->len; i++) {
      const rm_chunk *c = &r->v[(r->head + i) & (r->cap - 1)];
      if (c->bytes > 0) rs_hist_add(h, now - c->gen, c->bytes);
    }
  }
}
