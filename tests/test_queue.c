/*
 * Tests for rs_queue, used directly: ordering by (time, insertion order),
 * limits, removal, slot growth, compaction, and a long random sequence of
 * operations checked against an independent reference (a binary heap).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rs_queue.h"

typedef struct {
  rs_event ev;
  uint32_t id;
  /* The reference model's view of the item. */
  bool pending;
  rs_time_t t;
  uint64_t seq;
} item;

static void no_cb(rs_sim *sim, rs_event *ev) {
  (void)sim;
  (void)ev;
  cr_assert_fail("a queue never calls back");
}

static item *item_of(rs_event *ev) { return RS_CONTAINER_OF(ev, item, ev); }

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t below(uint64_t *rng, uint64_t n) { return splitmix(rng) % n; }

static item *make_items(size_t n) {
  item *v = calloc(n, sizeof *v);
  cr_assert_not_null(v);
  for (size_t i = 0; i < n; i++) {
    rs_event_init(&v[i].ev, no_cb);
    v[i].id = (uint32_t)i;
  }
  return v;
}

/* Push items[i] at times[i] for i in [0, n), then pop everything and check
 * the order against a stable sort of the times (ties in push order). */
typedef struct {
  rs_time_t t;
  uint32_t id;
} tid;

static int cmp_tid(const void *a, const void *b) {
  const tid *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static void push_all_pop_sorted(const rs_time_t *times, size_t n) {
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(n);
  tid *want = malloc(n * sizeof *want);
  cr_assert_not_null(want);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(rs_queue_push(&q, &items[i].ev, times[i]), 0);
    cr_assert(rs_event_pending(&items[i].ev));
    cr_assert_eq(rs_event_time(&items[i].ev), times[i]);
    want[i] = (tid){times[i], (uint32_t)i};
  }
  cr_assert_eq(rs_queue_size(&q), n);
  /* ids are the push order, so sorting by (t, id) is the stable sort */
  qsort(want, n, sizeof *want, cmp_tid);
  for (size_t i = 0; i < n; i++) {
    rs_event *ev = rs_queue_pop(&q, RS_TIME_MAX);
    cr_assert_not_null(ev, "queue ran dry after %zu of %zu", i, n);
    item *it = item_of(ev);
    if (it->id != want[i].id)
      cr_assert_fail("pop %zu: got id %u (t=%lld), want id %u (t=%lld)", i, it->id,
                     (long long)rs_event_time(ev), want[i].id, (long long)want[i].t);
    cr_assert_eq(rs_event_time(ev), want[i].t);
    cr_assert_not(rs_event_pending(ev));
    cr_assert_eq(rs_queue_size(&q), n - i - 1);
  }
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  rs_queue_free(&q);
  free(want);
  free(items);
}

Test(queue, empty) {
  rs_queue q;
  rs_queue_init(&q);
  cr_assert_eq(rs_queue_size(&q), 0);
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  cr_assert_null(rs_queue_pop(&q, 0));
  rs_queue_free(&q);
}

Test(queue, new_event_not_pending) {
  item it;
  rs_event_init(&it.ev, no_cb);
  cr_assert_not(rs_event_pending(&it.ev));
}

Test(queue, time_order_and_fifo_ties) {
  static const rs_time_t t[] = {30, 10, 20, 10, 30, 0, 10, 20, 0, 30};
  push_all_pop_sorted(t, sizeof t / sizeof t[0]);
}

Test(queue, fifo_ties_explicit) {
  /* Spelled out: five events at one time come out in push order. */
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(5);
  static const int order[] = {3, 1, 4, 0, 2};
  for (int i = 0; i < 5; i++) cr_assert_eq(rs_queue_push(&q, &items[order[i]].ev, 777), 0);
  for (int i = 0; i < 5; i++) {
    rs_event *ev = rs_queue_pop(&q, RS_TIME_MAX);
    cr_assert_not_null(ev);
    cr_assert_eq(item_of(ev)->id, (uint32_t)order[i]);
  }
  rs_queue_free(&q);
  free(items);
}

Test(queue, byte_boundaries) {
  static const rs_time_t edges[] = {0,
                                    1,
                                    254,
                                    255,
                                    256,
                                    257,
                                    511,
                                    512,
                                    65535,
                                    65536,
                                    65537,
                                    (1ll << 24) - 1,
                                    1ll << 24,
                                    (1ll << 24) + 1,
                                    (1ll << 32) - 1,
                                    1ll << 32,
                                    (1ll << 40) - 1,
                                    1ll << 40,
                                    (1ll << 40) + 1,
                                    (1ll << 40) + 256,
                                    1ll << 48,
                                    (1ll << 56) - 1,
                                    1ll << 56,
                                    INT64_MAX - 256,
                                    INT64_MAX - 1,
                                    INT64_MAX};
  size_t ne = sizeof edges / sizeof edges[0];
  /* Each time three times, pushed from the largest down, then shuffled. */
  rs_time_t t[3 * sizeof edges / sizeof edges[0]];
  size_t n = 0;
  for (int rep = 0; rep < 3; rep++)
    for (size_t i = ne; i-- > 0;) t[n++] = edges[i];
  push_all_pop_sorted(t, n);
  uint64_t rng = 7;
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = (size_t)below(&rng, i + 1);
    rs_time_t x = t[i];
    t[i] = t[j];
    t[j] = x;
  }
  push_all_pop_sorted(t, n);
}

Test(queue, pop_respects_limit) {
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(4);
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, 100), 0);
  cr_assert_eq(rs_queue_push(&q, &items[1].ev, 300), 0);
  cr_assert_eq(rs_queue_push(&q, &items[2].ev, 70000), 0);
  cr_assert_eq(rs_queue_push(&q, &items[3].ev, (1ll << 40) + 5), 0);

  cr_assert_null(rs_queue_pop(&q, -1));
  cr_assert_null(rs_queue_pop(&q, 99));
  cr_assert_eq(rs_queue_size(&q), 4);
  cr_assert(rs_event_pending(&items[0].ev));
  cr_assert_eq(rs_queue_pop(&q, 100), &items[0].ev); /* the limit is inclusive */
  cr_assert_null(rs_queue_pop(&q, 299));
  cr_assert_null(rs_queue_pop(&q, 299)); /* asking again changes nothing */
  cr_assert_eq(rs_queue_pop(&q, 1000), &items[1].ev);
  cr_assert_null(rs_queue_pop(&q, 65536)); /* the slot of 70000 starts at 65536 */
  cr_assert_null(rs_queue_pop(&q, 69999));
  cr_assert_eq(rs_queue_size(&q), 2);
  cr_assert(rs_event_pending(&items[2].ev));
  /* Something at the last limit, before the pending ones, may still be
   * pushed and comes out first. */
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, 69999), 0);
  cr_assert_eq(rs_queue_pop(&q, 69999), &items[0].ev);
  cr_assert_eq(rs_queue_pop(&q, 70000), &items[2].ev);
  cr_assert_null(rs_queue_pop(&q, 1ll << 40));
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[3].ev);
  cr_assert_eq(rs_event_time(&items[3].ev), (1ll << 40) + 5);
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  rs_queue_free(&q);
  free(items);
}

Test(queue, push_before_base_is_einval) {
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(3);
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, -1), RS_EINVAL);
  cr_assert_not(rs_event_pending(&items[0].ev));
  cr_assert_eq(rs_queue_size(&q), 0);
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, 1000), 0);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[0].ev);
  cr_assert_eq(rs_queue_push(&q, &items[1].ev, 999), RS_EINVAL);
  cr_assert_not(rs_event_pending(&items[1].ev));
  cr_assert_eq(rs_queue_size(&q), 0);
  cr_assert_eq(rs_queue_push(&q, &items[1].ev, 1000), 0); /* at the base is fine */
  cr_assert_eq(rs_queue_push(&q, &items[2].ev, 1001), 0);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[1].ev);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[2].ev);
  rs_queue_free(&q);
  free(items);
}

Test(queue, push_at_base_while_draining_goes_last) {
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(4);
  for (int i = 0; i < 3; i++) cr_assert_eq(rs_queue_push(&q, &items[i].ev, 50), 0);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[0].ev);
  /* Pushed again at the time being drained: behind 1 and 2. */
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, 50), 0);
  cr_assert_eq(rs_queue_push(&q, &items[3].ev, 50), 0);
  static const int want[] = {1, 2, 0, 3};
  for (int i = 0; i < 4; i++) cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[want[i]].ev);
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  rs_queue_free(&q);
  free(items);
}

Test(queue, remove) {
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(5);
  /* times: 0 -> 0, 1 -> 10, 2 -> 0, 3 -> 10 */
  for (int i = 0; i < 4; i++) cr_assert_eq(rs_queue_push(&q, &items[i].ev, 10 * (i % 2)), 0);
  rs_queue_remove(&q, &items[2].ev);
  cr_assert_not(rs_event_pending(&items[2].ev));
  cr_assert_eq(rs_queue_size(&q), 3);
  rs_queue_remove(&q, &items[2].ev); /* twice: harmless */
  rs_queue_remove(&q, &items[4].ev); /* never pushed: harmless */
  cr_assert_eq(rs_queue_size(&q), 3);
  /* Removed and pushed again, an event goes behind the others of its time. */
  rs_queue_remove(&q, &items[1].ev);
  cr_assert_eq(rs_queue_push(&q, &items[1].ev, 10), 0);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[0].ev);
  rs_queue_remove(&q, &items[0].ev); /* already popped: harmless */
  cr_assert_eq(rs_queue_size(&q), 2);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[3].ev);
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[1].ev);
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  cr_assert_eq(rs_queue_size(&q), 0);
  rs_queue_free(&q);
  free(items);
}

Test(queue, remove_every_event_of_a_time) {
  /* A slot holding only removed entries is skipped, at every level. */
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(8);
  static const rs_time_t t[] = {5, 5, 300, 300, 70000, 70000, 1ll << 40, (1ll << 40) + 1};
  for (int i = 0; i < 8; i++) cr_assert_eq(rs_queue_push(&q, &items[i].ev, t[i]), 0);
  for (int i = 0; i < 7; i++) rs_queue_remove(&q, &items[i].ev);
  cr_assert_eq(rs_queue_size(&q), 1);
  cr_assert_null(rs_queue_pop(&q, 1ll << 40));
  cr_assert_eq(rs_queue_pop(&q, RS_TIME_MAX), &items[7].ev);
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  rs_queue_free(&q);
  free(items);
}

Test(queue, free_right_after_remove) {
  /* Heap-allocated events freed as soon as they are removed: the queue must
   * not touch them again (ASan reports it if it does). */
  rs_queue q;
  rs_queue_init(&q);
  enum { N = 2000 };
  item *evs[N];
  for (int i = 0; i < N; i++) {
    evs[i] = malloc(sizeof(item));
    cr_assert_not_null(evs[i]);
    rs_event_init(&evs[i]->ev, no_cb);
    evs[i]->id = (uint32_t)i;
    cr_assert_eq(rs_queue_push(&q, &evs[i]->ev, (rs_time_t)(i % 7) * 100000), 0);
  }
  for (int i = 0; i < N; i += 2) {
    rs_queue_remove(&q, &evs[i]->ev);
    free(evs[i]);
    evs[i] = NULL;
  }
  int seen = 0;
  rs_time_t last = -1;
  rs_event *ev;
  while ((ev = rs_queue_pop(&q, RS_TIME_MAX)) != NULL) {
    item *it = item_of(ev);
    cr_assert_eq(it->id % 2, 1, "removed event %u came out", it->id);
    cr_assert_geq(rs_event_time(ev), last);
    last = rs_event_time(ev);
    seen++;
  }
  cr_assert_eq(seen, N / 2);
  for (int i = 1; i < N; i += 2) free(evs[i]);
  rs_queue_free(&q);
}

Test(queue, many_at_one_time_grow_slots) {
  /* 200000 events at one time, and ping-pong re-pushes at the time being
   * drained: order stays first-in first-out while slots grow. */
  enum { N = 200000 };
  rs_queue q;
  rs_queue_init(&q);
  item *items = make_items(N);
  for (int i = 0; i < N; i++) cr_assert_eq(rs_queue_push(&q, &items[i].ev, 123456789), 0);
  for (int i = 0; i < N; i++) {
    rs_event *ev = rs_queue_pop(&q, RS_TIME_MAX);
    cr_assert_not_null(ev);
    if (item_of(ev)->id != (uint32_t)i) cr_assert_fail("pop %d got %u", i, item_of(ev)->id);
  }
  cr_assert_null(rs_queue_pop(&q, RS_TIME_MAX));
  /* Two events taking turns at one time. */
  cr_assert_eq(rs_queue_push(&q, &items[0].ev, 123456789), 0);
  cr_assert_eq(rs_queue_push(&q, &items[1].ev, 123456789), 0);
  for (int i = 0; i < N; i++) {
    rs_event *ev = rs_queue_pop(&q, RS_TIME_MAX);
    cr_assert_not_null(ev);
    if (item_of(ev)->id != (uint32_t)(i % 2)) cr_assert_fail("turn %d got %u", i, item_of(ev)->id);
    cr_assert_eq(rs_queue_push(&q, ev, 123456789), 0);
  }
  cr_assert_eq(rs_queue_size(&q), 2);
  rs_queue_free(&q);
  free(items);
}

/*
 * The reference: a binary heap of (time, seq, id) with lazy deletion; an
 * entry is stale when its item is no longer pending under that seq.
 */
typedef struct {
  rs_time_t t;
  uint64_t seq;
  uint32_t id;
} hent;

typedef struct {
  rs_queue q;
  item *items;
  size_t nitems;
  hent *heap;
  size_t hn, hcap;
  uint64_t seq;
  uint64_t live;
  rs_time_t base; /* time of the last pop, or the last limit reached */
  uint64_t popped;
} model;

static bool hless(const hent *a, const hent *b) { return a->t != b->t ? a->t < b->t : a->seq < b->seq; }

static void heap_push(model *m, hent e) {
  if (m->hn == m->hcap) {
    m->hcap = m->hcap ? 2 * m->hcap : 1024;
    m->heap = realloc(m->heap, m->hcap * sizeof *m->heap);
    cr_assert_not_null(m->heap);
  }
  size_t i = m->hn++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!hless(&e, &m->heap[p])) break;
    m->heap[i] = m->heap[p];
    i = p;
  }
  m->heap[i] = e;
}

static void heap_pop(model *m) {
  hent last = m->heap[--m->hn];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= m->hn) break;
    if (c + 1 < m->hn && hless(&m->heap[c + 1], &m->heap[c])) c++;
    if (!hless(&m->heap[c], &last)) break;
    m->heap[i] = m->heap[c];
    i = c;
  }
  if (m->hn) m->heap[i] = last;
}

/* The live entry with the smallest (time, seq), or NULL. */
static const hent *heap_top(model *m) {
  while (m->hn) {
    const hent *e = &m->heap[0];
    const item *it = &m->items[e->id];
    if (it->pending && it->seq == e->seq) return e;
    heap_pop(m);
  }
  return NULL;
}

static void model_init(model *m, size_t nitems) {
  memset(m, 0, sizeof *m);
  rs_queue_init(&m->q);
  m->items = make_items(nitems);
  m->nitems = nitems;
}

static void model_free(model *m) {
  rs_queue_free(&m->q);
  free(m->items);
  free(m->heap);
}

static void model_push(model *m, uint32_t id, rs_time_t t) {
  item *it = &m->items[id];
  cr_assert_not(it->pending);
  int rc = rs_queue_push(&m->q, &it->ev, t);
  if (rc != 0) cr_assert_fail("push of %u at %lld failed: %d", id, (long long)t, rc);
  it->pending = true;
  it->t = t;
  it->seq = m->seq++;
  heap_push(m, (hent){t, it->seq, id});
  m->live++;
}

static void model_remove(model *m, uint32_t id) {
  item *it = &m->items[id];
  if (rs_event_pending(&it->ev) != it->pending) cr_assert_fail("pending state of %u disagrees", id);
  rs_queue_remove(&m->q, &it->ev);
  if (rs_event_pending(&it->ev)) cr_assert_fail("%u still pending after remove", id);
  if (it->pending) m->live--;
  it->pending = false;
  if (rs_queue_size(&m->q) != m->live) cr_assert_fail("size %llu, want %llu",
      (unsigned long long)rs_queue_size(&m->q), (unsigned long long)m->live);
}

/* Pop with a limit and check the result against the reference. */
static rs_event *model_pop(model *m, rs_time_t limit) {
  const hent *top = heap_top(m);
  rs_event *ev = rs_queue_pop(&m->q, limit);
  if (!top || top->t > limit) {
    if (ev)
      cr_assert_fail("pop(%lld) gave %u at %lld, want nothing", (long long)limit, item_of(ev)->id,
                     (long long)rs_event_time(ev));
    /* Like rs_sim_run, treat the limit as reached: later pushes are at or
     * after it (the queue may have moved its base up to the limit). */
    if (limit != RS_TIME_MAX && limit > m->base) m->base = limit;
    return NULL;
  }
  if (!ev)
    cr_assert_fail("pop(%lld) gave nothing, want %u at %lld (after %llu pops)", (long long)limit, top->id,
                   (long long)top->t, (unsigned long long)m->popped);
  item *it = item_of(ev);
  if (it->id != top->id)
    cr_assert_fail("pop %llu: got %u at %lld, want %u at %lld", (unsigned long long)m->popped, it->id,
                   (long long)rs_event_time(ev), top->id, (long long)top->t);
  if (rs_event_time(ev) != top->t) cr_assert_fail("wrong time");
  if (rs_event_pending(ev)) cr_assert_fail("popped event still pending");
  it->pending = false;
  heap_pop(m);
  m->live--;
  m->base = it->t;
  m->popped++;
  if (rs_queue_size(&m->q) != m->live) cr_assert_fail("size disagrees after pop");
  return ev;
}

/* A time at or after base, mixing ties, byte-boundary crossings and large
 * jumps. */
static rs_time_t pick_time(uint64_t *rng, rs_time_t base) {
  uint64_t r = below(rng, 100);
  if (r < 20) return base;                                 /* a tie */
  if (r < 40) return base + (rs_time_t)below(rng, 4);      /* near ties */
  if (r < 55) return base + (rs_time_t)below(rng, 600);
  if (r < 70) {                                            /* at a byte edge */
    static const int shifts[] = {8, 16, 24, 32, 40};
    int s = shifts[below(rng, 5)];
    rs_time_t edge = ((base >> s) + 1) << s;
    return edge - 1 + (rs_time_t)below(rng, 3);
  }
  if (r < 85) return base + (rs_time_t)below(rng, 1u << 20);
  if (r < 95) return base + (rs_time_t)below(rng, 1ull << 41);
  rs_time_t near40 = (1ll << 40) - 2 + (rs_time_t)below(rng, 5); /* around 2^40 */
  return near40 > base ? near40 : base;
}

Test(queue, random_operations_match_reference) {
  enum { N = 20000, OPS = 1000000 };
  model m;
  model_init(&m, N);
  uint64_t rng = 12345;
  for (uint32_t i = 0; i < N / 2; i++) model_push(&m, i, pick_time(&rng, 0));
  for (long op = 0; op < OPS; op++) {
    uint64_t r = below(&rng, 100);
    uint32_t id = (uint32_t)below(&rng, N);
    if (r < 40) {
      if (m.items[id].pending) model_remove(&m, id);
      model_push(&m, id, pick_time(&rng, m.base));
    } else if (r < 55) {
      model_remove(&m, id);
    } else if (r < 95) {
      model_pop(&m, RS_TIME_MAX);
    } else {
      /* A limit somewhere after the base: may or may not be reached. */
      model_pop(&m, pick_time(&rng, m.base));
    }
  }
  while (model_pop(&m, RS_TIME_MAX)) {
  }
  cr_assert_eq(rs_queue_size(&m.q), 0);
  cr_assert_null(heap_top(&m));
  model_free(&m);
}

Test(queue, compaction_keeps_order) {
  /* Remove most events, so that holes exceed 4096 and twice the live count
   * and the queue compacts; then check that the survivors still come out in
   * order, can still be removed individually, and that re-pushed ones land
   * behind them. Several rounds, some with a slot half drained. */
  enum { N = 40000 };
  model m;
  model_init(&m, N);
  uint64_t rng = 99;
  for (int round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < N; i++)
      if (!m.items[i].pending) model_push(&m, i, pick_time(&rng, m.base));
    /* Drain a little so heads are inside slots. */
    for (int k = 0; k < 1000; k++) model_pop(&m, RS_TIME_MAX);
    uint64_t removed = 0;
    for (uint32_t i = 0; i < N; i++)
      if (m.items[i].pending && below(&rng, 100) < 85) {
        model_remove(&m, i);
        removed++;
      }
    cr_assert_gt(removed, 4096 * 2);
    /* Without compaction every removal would still be a hole. */
    cr_assert_lt(m.q.holes, removed, "no compaction after %llu removals (holes %llu, live %llu)",
                 (unsigned long long)removed, (unsigned long long)m.q.holes, (unsigned long long)m.q.live);
    /* Survivors moved by compaction can still be removed. */
    for (uint32_t i = 0; i < N; i++)
      if (m.items[i].pending && below(&rng, 100) < 10) model_remove(&m, i);
    /* Re-push some removed ones, at times that tie with survivors. */
    for (uint32_t i = 0; i < N; i++)
      if (!m.items[i].pending && below(&rng, 100) < 5) {
        uint32_t j = (uint32_t)below(&rng, N);
        rs_time_t t = m.items[j].pending ? m.items[j].t : pick_time(&rng, m.base);
        model_push(&m, i, t);
      }
    /* Drain half. */
    uint64_t half = m.live / 2;
    for (uint64_t k = 0; k < half; k++) cr_assert_not_null(model_pop(&m, RS_TIME_MAX));
  }
  while (model_pop(&m, RS_TIME_MAX)) {
  }
  cr_assert_eq(rs_queue_size(&m.q), 0);
  model_free(&m);
}
