/* The send queue: order, splitting, merging, byte-exact drops, putting data
 * back, moving, and conservation against a reference model. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "rm_spool.h"

#define S(x) ((rs_time_t)(x) * RS_SEC)
#define MS(x) ((rs_time_t)(x) * RS_MSEC)

enum { H = RM_PRIO_HIGH, N = RM_PRIO_NORMAL, L = RM_PRIO_LOW };

/* The i-th oldest chunk queued at priority p. */
static rm_chunk queued(const rm_spool *s, int p, uint32_t i) {
  const rm_ring *r = &s->q[p];
  cr_assert_lt(i, r->len);
  return r->v[(r->head + i) & (r->cap - 1)];
}

/* The bytes the rings hold, counted chunk by chunk. */
static int64_t ring_bytes(const rm_spool *s) {
  int64_t t = 0;
  for (int p = 0; p < RM_PRIOS; p++)
    for (uint32_t i = 0; i < s->q[p].len; i++) t += queued(s, p, i).bytes;
  return t;
}

/* s->bytes is what the rings hold, and the drop counters agree. */
static void check_accounts(const rm_spool *s) {
  cr_assert_eq(s->bytes, ring_bytes(s), "bytes %lld but the rings hold %lld", (long long)s->bytes,
               (long long)ring_bytes(s));
  int64_t d = 0;
  for (int p = 0; p < RM_PRIOS; p++) d += s->dropped_prio[p];
  cr_assert_eq(s->dropped, d);
  if (s->capacity > 0) cr_assert_leq(s->bytes, s->capacity);
}

static void expect_queue(const rm_spool *s, int p, uint32_t n, const rm_chunk *want) {
  cr_assert_eq(s->q[p].len, n, "priority %d holds %u chunks, expected %u", p, s->q[p].len, n);
  for (uint32_t i = 0; i < n; i++) {
    rm_chunk c = queued(s, p, i);
    cr_assert_eq(c.gen, want[i].gen, "priority %d chunk %u: gen %lld, expected %lld", p, i, (long long)c.gen,
                 (long long)want[i].gen);
    cr_assert_eq(c.bytes, want[i].bytes, "priority %d chunk %u: %lld bytes, expected %lld", p, i, (long long)c.bytes,
                 (long long)want[i].bytes);
  }
}

static void expect_chunk(const rm_chunk *c, const uint8_t *prio, int k, int p, rs_time_t gen, int64_t bytes) {
  cr_assert_eq(prio[k], p, "chunk %d: priority %d, expected %d", k, prio[k], p);
  cr_assert_eq(c[k].gen, gen, "chunk %d: gen %lld, expected %lld", k, (long long)c[k].gen, (long long)gen);
  cr_assert_eq(c[k].bytes, bytes, "chunk %d: %lld bytes, expected %lld", k, (long long)c[k].bytes, (long long)bytes);
}

Test(spool, starts_empty) {
  rm_spool s;
  rm_spool_init(&s, 100);
  rm_chunk c[4];
  uint8_t p[4];
  int64_t taken = -1;
  cr_assert_eq(s.capacity, 100);
  cr_assert_eq(rm_spool_take(&s, 1000, c, p, 4, &taken), 0);
  cr_assert_eq(taken, 0);
  cr_assert_eq(s.bytes, 0);
  cr_assert_eq(s.dropped, 0);
  /* Nothing, or less than nothing, is not data. */
  cr_assert_eq(rm_spool_push(&s, H, S(1), 0), 0);
  cr_assert_eq(rm_spool_push(&s, H, S(1), -5), 0);
  cr_assert_eq(rm_spool_unshift(&s, H, (rm_chunk){S(1), 0}), 0);
  cr_assert_eq(s.bytes, 0);
  cr_assert_eq(s.q[H].len, 0);
  rm_spool_free(&s);
}

Test(spool, highest_priority_first_oldest_first) {
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, L, S(1), 10);
  rm_spool_push(&s, N, S(2), 20);
  rm_spool_push(&s, H, S(3), 30);
  rm_spool_push(&s, L, S(4), 40);
  rm_spool_push(&s, H, S(5), 50);
  rm_spool_push(&s, N, S(6), 60);
  cr_assert_eq(s.bytes, 210);
  check_accounts(&s);

  rm_chunk c[8];
  uint8_t p[8];
  int64_t taken;
  cr_assert_eq(rm_spool_take(&s, 1000, c, p, 8, &taken), 6);
  cr_assert_eq(taken, 210);
  expect_chunk(c, p, 0, H, S(3), 30);
  expect_chunk(c, p, 1, H, S(5), 50);
  expect_chunk(c, p, 2, N, S(2), 20);
  expect_chunk(c, p, 3, N, S(6), 60);
  expect_chunk(c, p, 4, L, S(1), 10);
  expect_chunk(c, p, 5, L, S(4), 40);
  cr_assert_eq(s.bytes, 0);
  for (int q = 0; q < RM_PRIOS; q++) cr_assert_eq(s.q[q].len, 0);
  rm_spool_free(&s);
}

Test(spool, take_splits_a_chunk_and_stops_at_max_or_n) {
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, H, S(1), 100);
  rm_spool_push(&s, N, S(2), 50);
  rm_spool_push(&s, N, S(3), 40);

  rm_chunk c[4];
  uint8_t p[4];
  int64_t taken;
  /* Part of the first chunk: the rest stays in front, with its stamp. */
  cr_assert_eq(rm_spool_take(&s, 30, c, p, 4, &taken), 1);
  cr_assert_eq(taken, 30);
  expect_chunk(c, p, 0, H, S(1), 30);
  expect_queue(&s, H, 1, (rm_chunk[]){{S(1), 70}});
  cr_assert_eq(s.bytes, 160);
  check_accounts(&s);

  /* The rest of it and part of the next priority. */
  cr_assert_eq(rm_spool_take(&s, 100, c, p, 4, &taken), 2);
  cr_assert_eq(taken, 100);
  expect_chunk(c, p, 0, H, S(1), 70);
  expect_chunk(c, p, 1, N, S(2), 30);
  cr_assert_eq(s.q[H].len, 0);
  expect_queue(&s, N, 2, (rm_chunk[]){{S(2), 20}, {S(3), 40}});
  cr_assert_eq(s.bytes, 60);

  /* Room for one chunk only: the take stops there, whatever max says. */
  cr_assert_eq(rm_spool_take(&s, 1000, c, p, 1, &taken), 1);
  cr_assert_eq(taken, 20);
  expect_chunk(c, p, 0, N, S(2), 20);
  expect_queue(&s, N, 1, (rm_chunk[]){{S(3), 40}});

  /* No bytes wanted, or no room: nothing moves. */
  cr_assert_eq(rm_spool_take(&s, 0, c, p, 4, &taken), 0);
  cr_assert_eq(taken, 0);
  cr_assert_eq(rm_spool_take(&s, 100, c, p, 0, &taken), 0);
  cr_assert_eq(taken, 0);
  cr_assert_eq(s.bytes, 40);

  /* Exactly one chunk's bytes: taken whole, no empty remainder left. */
  cr_assert_eq(rm_spool_take(&s, 40, c, p, 4, &taken), 1);
  expect_chunk(c, p, 0, N, S(3), 40);
  cr_assert_eq(s.q[N].len, 0);
  cr_assert_eq(s.bytes, 0);
  rm_spool_free(&s);
}

Test(spool, merges_a_priority_within_one_second) {
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, H, S(1), 10);
  rm_spool_push(&s, H, S(1) + MS(400), 5);
  rm_spool_push(&s, H, S(1) + MS(999), 7);
  /* One chunk, with the stamp of its oldest byte. */
  expect_queue(&s, H, 1, (rm_chunk[]){{S(1), 22}});
  /* The next second starts a new chunk, even 1 ms later. */
  rm_spool_push(&s, H, S(2), 3);
  /* Not every chunk merges: only with the newest. */
  rm_spool_push(&s, H, S(2) + MS(500), 4);
  expect_queue(&s, H, 2, (rm_chunk[]){{S(1), 22}, {S(2), 7}});
  /* 200 ms apart but in different seconds: separate. */
  rm_spool_push(&s, N, S(4) + MS(900), 1);
  rm_spool_push(&s, N, S(5) + MS(100), 2);
  expect_queue(&s, N, 2, (rm_chunk[]){{S(4) + MS(900), 1}, {S(5) + MS(100), 2}});
  /* The same second at another priority: no merging across priorities. */
  rm_spool_push(&s, L, S(1) + MS(500), 9);
  expect_queue(&s, L, 1, (rm_chunk[]){{S(1) + MS(500), 9}});
  expect_queue(&s, H, 2, (rm_chunk[]){{S(1), 22}, {S(2), 7}});
  cr_assert_eq(s.bytes, 22 + 7 + 3 + 9);
  check_accounts(&s);
  /* A chunk a second later after a gap of seconds: still separate. */
  rm_spool_push(&s, H, S(10), 1);
  rm_spool_push(&s, H, S(11), 1);
  cr_assert_eq(s.q[H].len, 4);
  rm_spool_free(&s);
}

/* A merged chunk keeps the older stamp, also when data arrives out of order
 * within a second (two senders delivering to one gateway). */
Test(spool, merge_keeps_the_older_stamp_out_of_order) {
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, H, S(1) + MS(700), 10);
  rm_spool_push(&s, H, S(1) + MS(200), 5);
  expect_queue(&s, H, 1, (rm_chunk[]){{S(1) + MS(200), 15}});
  rm_spool_free(&s);
}

Test(spool, capacity_zero_holds_everything) {
  rm_spool s;
  rm_spool_init(&s, 0);
  int64_t total = 0;
  for (int i = 0; i < 3000; i++) {
    int64_t b = (int64_t)1 << 30; /* 1 GB a second, for 50 minutes, 3 TB in all */
    cr_assert_eq(rm_spool_push(&s, i % RM_PRIOS, S(i), b), 0);
    total += b;
  }
  cr_assert_eq(s.bytes, total);
  cr_assert_eq(s.bytes, (int64_t)3000 << 30);
  cr_assert_eq(s.dropped, 0);
  for (int p = 0; p < RM_PRIOS; p++) {
    cr_assert_eq(s.dropped_prio[p], 0);
    cr_assert_eq(s.q[p].len, 1000);
  }
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, overflow_drops_lowest_priority_oldest_first_byte_exact) {
  rm_spool s;
  rm_spool_init(&s, 100);
  cr_assert_eq(rm_spool_push(&s, L, S(1), 30), 0);
  cr_assert_eq(rm_spool_push(&s, L, S(2), 30), 0);
  cr_assert_eq(rm_spool_push(&s, N, S(3), 30), 0);
  cr_assert_eq(s.bytes, 90);

  /* 115 bytes: the 15 over come off the oldest low chunk, which stays. */
  cr_assert_eq(rm_spool_push(&s, H, S(4), 25), 15);
  cr_assert_eq(s.bytes, 100);
  expect_queue(&s, L, 2, (rm_chunk[]){{S(1), 15}, {S(2), 30}});
  expect_queue(&s, N, 1, (rm_chunk[]){{S(3), 30}});
  expect_queue(&s, H, 1, (rm_chunk[]){{S(4), 25}});
  cr_assert_eq(s.dropped, 15);
  cr_assert_eq(s.dropped_prio[L], 15);
  check_accounts(&s);

  /* 50 over: all 45 low bytes, then the oldest 5 normal bytes. */
  cr_assert_eq(rm_spool_push(&s, H, S(5), 50), 50);
  cr_assert_eq(s.bytes, 100);
  cr_assert_eq(s.q[L].len, 0);
  expect_queue(&s, N, 1, (rm_chunk[]){{S(3), 25}});
  expect_queue(&s, H, 2, (rm_chunk[]){{S(4), 25}, {S(5), 50}});
  cr_assert_eq(s.dropped, 65);
  cr_assert_eq(s.dropped_prio[L], 60);
  cr_assert_eq(s.dropped_prio[N], 5);
  cr_assert_eq(s.dropped_prio[H], 0);
  check_accounts(&s);

  /* Incoming low data is the least important present: it goes, all of it. */
  cr_assert_eq(rm_spool_push(&s, L, S(6), 40), 40);
  cr_assert_eq(s.q[L].len, 0);
  cr_assert_eq(s.bytes, 100);
  cr_assert_eq(s.dropped_prio[L], 100);

  /* Make 30 bytes of room; 45 low bytes come in: 15 of them are dropped,
   * and the newest 30 stay under their own stamp. */
  int64_t taken;
  rm_chunk c[4];
  uint8_t p[4];
  rm_spool_take(&s, 30, c, p, 4, &taken);
  cr_assert_eq(taken, 30);
  cr_assert_eq(rm_spool_push(&s, L, S(7), 45), 15);
  expect_queue(&s, L, 1, (rm_chunk[]){{S(7), 30}});
  cr_assert_eq(s.dropped_prio[L], 115);
  cr_assert_eq(s.dropped, 120);
  check_accounts(&s);

  /* Incoming normal data drops the low data before any normal data. */
  cr_assert_eq(rm_spool_push(&s, N, S(8), 10), 10);
  expect_queue(&s, L, 1, (rm_chunk[]){{S(7), 20}});
  expect_queue(&s, N, 2, (rm_chunk[]){{S(3), 25}, {S(8), 10}});
  expect_queue(&s, H, 1, (rm_chunk[]){{S(5), 45}}); /* the take had 25 + 5 */
  cr_assert_eq(s.dropped_prio[L], 125);
  cr_assert_eq(s.dropped_prio[N], 5);
  cr_assert_eq(s.dropped, 130);
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, a_chunk_larger_than_capacity_keeps_its_newest_bytes) {
  rm_spool s;
  rm_spool_init(&s, 100);
  cr_assert_eq(rm_spool_push(&s, H, S(1), 250), 150);
  expect_queue(&s, H, 1, (rm_chunk[]){{S(1), 100}});
  cr_assert_eq(s.dropped_prio[H], 150);
  /* High data only: the oldest high data goes first. */
  cr_assert_eq(rm_spool_push(&s, H, S(2), 60), 60);
  expect_queue(&s, H, 2, (rm_chunk[]){{S(1), 40}, {S(2), 60}});
  cr_assert_eq(s.dropped, 210);
  cr_assert_eq(s.dropped_prio[H], 210);
  cr_assert_eq(s.dropped_prio[N], 0);
  cr_assert_eq(s.dropped_prio[L], 0);
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, merged_bytes_are_dropped_from_the_merged_chunk) {
  rm_spool s;
  rm_spool_init(&s, 50);
  rm_spool_push(&s, N, S(1), 20);
  rm_spool_push(&s, N, S(1) + MS(500), 20); /* merged: (1 s, 40) */
  cr_assert_eq(rm_spool_push(&s, N, S(1) + MS(900), 30), 20); /* 70 in one chunk: 20 over */
  expect_queue(&s, N, 1, (rm_chunk[]){{S(1), 50}});
  check_accounts(&s);
  rm_spool_free(&s);
}

/* Put back what was taken, last chunk first, and it comes out again the
 * same: same chunks, same order. */
Test(spool, unshift_restores_the_order) {
  rm_spool a, b;
  rm_spool_init(&a, 0);
  rm_spool_init(&b, 0);
  static const struct {
    int p;
    int s;
    int64_t bytes;
  } in[] = {{N, 1, 11}, {H, 2, 12}, {L, 3, 13}, {H, 4, 14}, {N, 5, 15}, {H, 6, 16}, {L, 7, 17}};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    rm_spool_push(&a, in[i].p, S(in[i].s), in[i].bytes);
    rm_spool_push(&b, in[i].p, S(in[i].s), in[i].bytes);
  }
  rm_chunk c[8], all[8], again[8];
  uint8_t p[8], pall[8], pagain[8];
  int64_t taken, t_all, t_again;
  /* The three high chunks and the oldest normal one. */
  int k = rm_spool_take(&a, 1000, c, p, 4, &taken);
  cr_assert_eq(k, 4);
  cr_assert_eq(taken, 12 + 14 + 16 + 11);
  for (int i = k - 1; i >= 0; i--) cr_assert_eq(rm_spool_unshift(&a, p[i], c[i]), 0);
  cr_assert_eq(a.bytes, 11 + 12 + 13 + 14 + 15 + 16 + 17);
  check_accounts(&a);

  int na = rm_spool_take(&a, 1000, again, pagain, 8, &t_again);
  int nb = rm_spool_take(&b, 1000, all, pall, 8, &t_all);
  cr_assert_eq(na, 7);
  cr_assert_eq(nb, 7);
  cr_assert_eq(t_again, t_all);
  for (int i = 0; i < 7; i++) expect_chunk(again, pagain, i, pall[i], all[i].gen, all[i].bytes);
  /* And that order is the right one. */
  expect_chunk(all, pall, 0, H, S(2), 12);
  expect_chunk(all, pall, 3, N, S(1), 11);
  expect_chunk(all, pall, 6, L, S(7), 17);
  rm_spool_free(&a);
  rm_spool_free(&b);
}

Test(spool, unshift_of_a_split_chunk_goes_before_its_rest) {
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, H, S(1), 100);
  rm_spool_push(&s, H, S(2), 10);
  rm_chunk c[2];
  uint8_t p[2];
  int64_t taken;
  cr_assert_eq(rm_spool_take(&s, 60, c, p, 2, &taken), 1);
  /* New data arrives while the 60 bytes are in flight. */
  rm_spool_push(&s, H, S(3), 5);
  cr_assert_eq(rm_spool_unshift(&s, p[0], c[0]), 0);
  expect_queue(&s, H, 4, (rm_chunk[]){{S(1), 60}, {S(1), 40}, {S(2), 10}, {S(3), 5}});
  cr_assert_eq(s.bytes, 115);
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, unshift_grows_the_ring_around_its_wrap) {
  /* Many chunks put back at the front force the ring to wrap and grow. */
  rm_spool s;
  rm_spool_init(&s, 0);
  rm_spool_push(&s, N, S(1000), 1);
  for (int i = 999; i >= 900; i--) cr_assert_eq(rm_spool_unshift(&s, N, (rm_chunk){S(i), i}), 0);
  cr_assert_eq(s.q[N].len, 101);
  for (uint32_t i = 0; i < 101; i++) {
    rm_chunk c = queued(&s, N, i);
    cr_assert_eq(c.gen, S(900 + i));
    cr_assert_eq(c.bytes, i == 100 ? 1 : 900 + (int64_t)i);
  }
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, unshift_that_overflows_drops_by_the_same_rules) {
  rm_spool s;
  rm_spool_init(&s, 100);
  rm_spool_push(&s, H, S(2), 60);
  rm_spool_push(&s, L, S(3), 30);
  /* 110 bytes: 10 off the low data, not off what came back. */
  cr_assert_eq(rm_spool_unshift(&s, H, (rm_chunk){S(1), 20}), 10);
  expect_queue(&s, H, 2, (rm_chunk[]){{S(1), 20}, {S(2), 60}});
  expect_queue(&s, L, 1, (rm_chunk[]){{S(3), 20}});
  cr_assert_eq(s.dropped_prio[L], 10);
  /* Low data put back is the oldest low data: it is the first to go. */
  cr_assert_eq(rm_spool_unshift(&s, L, (rm_chunk){S(0), 15}), 15);
  expect_queue(&s, L, 1, (rm_chunk[]){{S(3), 20}});
  cr_assert_eq(s.dropped_prio[L], 25);
  /* 35 over with only 20 low bytes: then the oldest high bytes, which are
   * the ones just put back, partly. */
  cr_assert_eq(rm_spool_unshift(&s, H, (rm_chunk){S(0), 35}), 35);
  cr_assert_eq(s.q[L].len, 0);
  expect_queue(&s, H, 3, (rm_chunk[]){{S(0), 20}, {S(1), 20}, {S(2), 60}});
  cr_assert_eq(s.dropped_prio[L], 45);
  cr_assert_eq(s.dropped_prio[H], 15);
  cr_assert_eq(s.dropped, 60);
  cr_assert_eq(s.bytes, 100);
  check_accounts(&s);
  rm_spool_free(&s);
}

Test(spool, move_takes_everything_in_order) {
  rm_spool src, dst;
  rm_spool_init(&src, 0);
  rm_spool_init(&dst, 0);
  rm_spool_push(&dst, N, S(1), 5);
  rm_spool_push(&dst, L, S(1), 6);
  rm_spool_push(&src, L, S(10), 1);
  rm_spool_push(&src, H, S(11), 2);
  rm_spool_push(&src, N, S(12), 3);
  rm_spool_push(&src, H, S(13), 4);
  rm_spool_push(&src, L, S(14), 7);
  /* Twelve 1-byte chunks of second 2 put back in front of src's normal
   * data: more than a ring's first 8 slots, wrapped around its end. */
  for (int i = 0; i < 12; i++) rm_spool_unshift(&src, N, (rm_chunk){S(2), 1});

  cr_assert_eq(rm_spool_move(&dst, &src, INT64_MAX), 0);
  cr_assert_eq(src.bytes, 0);
  for (int q = 0; q < RM_PRIOS; q++) cr_assert_eq(src.q[q].len, 0);
  cr_assert_eq(dst.bytes, 11 + 17 + 12);
  expect_queue(&dst, H, 2, (rm_chunk[]){{S(11), 2}, {S(13), 4}});
  /* dst's own data first; src's twelve 1-byte chunks of second 2 are one. */
  expect_queue(&dst, N, 3, (rm_chunk[]){{S(1), 5}, {S(2), 12}, {S(12), 3}});
  expect_queue(&dst, L, 3, (rm_chunk[]){{S(1), 6}, {S(10), 1}, {S(14), 7}});
  check_accounts(&dst);

  /* The emptied source works as a fresh one. */
  rm_chunk c[2];
  uint8_t p[2];
  int64_t taken;
  rm_spool_push(&src, L, S(20), 8);
  cr_assert_eq(rm_spool_take(&src, 100, c, p, 2, &taken), 1);
  expect_chunk(c, p, 0, L, S(20), 8);
  cr_assert_eq(src.bytes, 0);
  /* Moving an empty spool changes nothing. */
  cr_assert_eq(rm_spool_move(&dst, &src, INT64_MAX), 0);
  cr_assert_eq(dst.bytes, 40);
  rm_spool_free(&src);
  rm_spool_free(&dst);
}

Test(spool, move_into_a_small_spool_drops_by_the_rules) {
  rm_spool src, dst;
  rm_spool_init(&src, 0);
  rm_spool_init(&dst, 50);
  rm_spool_push(&dst, L, S(1), 20);
  rm_spool_push(&dst, N, S(1), 20);
  rm_spool_push(&src, H, S(2), 30);
  rm_spool_push(&src, N, S(3), 10);
  rm_spool_push(&src, L, S(4), 5);
  /* 85 bytes into 50: 35 go, the low ones (dst's 20, src's 5) then the
   * oldest normal bytes (dst's). */
  cr_assert_eq(rm_spool_move(&dst, &src, INT64_MAX), 35);
  cr_assert_eq(src.bytes, 0);
  cr_assert_eq(src.dropped, 0);
  cr_assert_eq(dst.bytes, 50);
  cr_assert_eq(dst.q[L].len, 0);
  expect_queue(&dst, N, 2, (rm_chunk[]){{S(1), 10}, {S(3), 10}});
  expect_queue(&dst, H, 1, (rm_chunk[]){{S(2), 30}});
  cr_assert_eq(dst.dropped_prio[L], 25);
  cr_assert_eq(dst.dropped_prio[N], 10);
  cr_assert_eq(dst.dropped, 35);
  check_accounts(&dst);
  rm_spool_free(&src);
  rm_spool_free(&dst);
}

/* ---- conservation against a reference model ---- */

/* The model: per priority, a plain array of chunks in order. */
#define MODEL_MAX 4096
typedef struct {
  rm_chunk c[RM_PRIOS][MODEL_MAX];
  int n[RM_PRIOS];
  int64_t capacity, dropped, dropped_prio[RM_PRIOS];
} model;

static int64_t model_bytes(const model *m) {
  int64_t t = 0;
  for (int p = 0; p < RM_PRIOS; p++)
    for (int i = 0; i < m->n[p]; i++) t += m->c[p][i].bytes;
  return t;
}

static void model_remove_front(model *m, int p) {
  memmove(&m->c[p][0], &m->c[p][1], (size_t)(m->n[p] - 1) * sizeof m->c[p][0]);
  m->n[p]--;
}

/* Drop one byte at a time, least important and oldest first. */
static int64_t model_trim(model *m) {
  int64_t d = 0;
  if (m->capacity <= 0) return 0;
  for (int64_t over = model_bytes(m) - m->capacity; over > 0; over--) {
    int p = RM_PRIOS - 1;
    while (m->n[p] == 0) p--;
    m->c[p][0].bytes--;
    if (m->c[p][0].bytes == 0) model_remove_front(m, p);
    m->dropped_prio[p]++;
    m->dropped++;
    d++;
  }
  return d;
}

static int64_t model_push(model *m, int p, rs_time_t gen, int64_t bytes) {
  int n = m->n[p];
  if (n && m->c[p][n - 1].gen / RS_SEC == gen / RS_SEC) {
    m->c[p][n - 1].bytes += bytes;
    if (gen < m->c[p][n - 1].gen) m->c[p][n - 1].gen = gen; /* the older stamp stays */
  } else {
    cr_assert_lt(n, MODEL_MAX);
    m->c[p][m->n[p]++] = (rm_chunk){gen, bytes};
  }
  return model_trim(m);
}

static int64_t model_unshift(model *m, int p, rm_chunk c) {
  cr_assert_lt(m->n[p], MODEL_MAX);
  memmove(&m->c[p][1], &m->c[p][0], (size_t)m->n[p] * sizeof m->c[p][0]);
  m->c[p][0] = c;
  m->n[p]++;
  return model_trim(m);
}

static int64_t model_splits;

static int model_take(model *m, int64_t max, rm_chunk *out, uint8_t *prio, int n, int64_t *taken) {
  int k = 0;
  *taken = 0;
  for (int p = 0; p < RM_PRIOS; p++) {
    while (m->n[p] && k < n && *taken < max) {
      rm_chunk *c = &m->c[p][0];
      int64_t b = c->bytes < max - *taken ? c->bytes : max - *taken;
      out[k] = (rm_chunk){c->gen, b};
      prio[k] = (uint8_t)p;
      k++;
      *taken += b;
      c->bytes -= b;
      if (c->bytes == 0)
        model_remove_front(m, p);
      else
        model_splits++;
    }
  }
  return k;
}

/* Up to max bytes, highest priority first, oldest first, a chunk split
 * where max ends. */
static int64_t model_move(model *dst, model *src, int64_t max) {
  int64_t d = 0;
  for (int p = 0; p < RM_PRIOS; p++) {
    while (src->n[p] && max > 0) {
      rm_chunk *c = &src->c[p][0];
      int64_t b = c->bytes < max ? c->bytes : max;
      d += model_push(dst, p, c->gen, b);
      max -= b;
      c->bytes -= b;
      if (c->bytes == 0) model_remove_front(src, p);
    }
  }
  return d;
}

static void expect_same(const rm_spool *s, const model *m) {
  check_accounts(s);
  cr_assert_eq(s->bytes, model_bytes(m));
  cr_assert_eq(s->dropped, m->dropped);
  for (int p = 0; p < RM_PRIOS; p++) {
    cr_assert_eq(s->dropped_prio[p], m->dropped_prio[p]);
    expect_queue(s, p, (uint32_t)m->n[p], m->c[p]);
  }
}

/* xorshift64*, so the sequence is the same everywhere. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(uint64_t n) {
  rnd_state ^= rnd_state >> 12;
  rnd_state ^= rnd_state << 25;
  rnd_state ^= rnd_state >> 27;
  return (rnd_state * 0x2545F4914F6CDD1Du >> 11) % n;
}

#define BATCH 6

Test(spool, conservation_against_a_model) {
  /* Two spools with small capacities, data in flight from each, moves
   * between them. */
  static model m[2];
  rm_spool s[2];
  const int64_t cap[2] = {200, 120};
  memset(m, 0, sizeof m);
  for (int i = 0; i < 2; i++) {
    rm_spool_init(&s[i], cap[i]);
    m[i].capacity = cap[i];
  }
  rm_chunk fl[2][BATCH];
  uint8_t flp[2][BATCH];
  int nfl[2] = {0, 0};
  int64_t fl_bytes[2] = {0, 0};
  int64_t pushed = 0, delivered = 0;
  rs_time_t now = 0;
  int64_t seen_drop = 0, seen_merge = 0, seen_unshift_drop = 0, seen_move_drop = 0, seen_bounded_move = 0;

  for (int step = 0; step < 40000; step++) {
    int i = (int)rnd(2);
    uint64_t op = rnd(100);
    now += (rs_time_t)rnd(1500) * RS_MSEC;
    if (op < 50) {
      int p = (int)rnd(RM_PRIOS);
      int64_t b = 1 + (int64_t)rnd(60);
      int n = m[i].n[p];
      if (n && m[i].c[p][n - 1].gen / RS_SEC == now / RS_SEC) seen_merge++;
      int64_t want = model_push(&m[i], p, now, b);
      int64_t got = rm_spool_push(&s[i], p, now, b);
      cr_assert_eq(got, want, "step %d: push dropped %lld, model %lld", step, (long long)got, (long long)want);
      seen_drop += got;
      pushed += b;
    } else if (op < 80) {
      /* Deliver what was in flight, then take a new batch. */
      delivered += fl_bytes[i];
      int64_t max = 1 + (int64_t)rnd(150);
      int n = 1 + (int)rnd(BATCH);
      rm_chunk want[BATCH];
      uint8_t wantp[BATCH];
      int64_t want_taken, taken;
      int wk = model_take(&m[i], max, want, wantp, n, &want_taken);
      nfl[i] = rm_spool_take(&s[i], max, fl[i], flp[i], n, &taken);
      fl_bytes[i] = taken;
      cr_assert_eq(nfl[i], wk, "step %d: took %d chunks, model %d", step, nfl[i], wk);
      cr_assert_eq(taken, want_taken);
      cr_assert_leq(taken, max);
      for (int k = 0; k < wk; k++) expect_chunk(fl[i], flp[i], k, wantp[k], want[k].gen, want[k].bytes);
    } else if (op < 95) {
      /* The transfer failed: put the batch back, last chunk first. */
      for (int k = nfl[i] - 1; k >= 0; k--) {
        int64_t want = model_unshift(&m[i], flp[i][k], fl[i][k]);
        int64_t got = rm_spool_unshift(&s[i], flp[i][k], fl[i][k]);
        cr_assert_eq(got, want, "step %d: unshift dropped %lld, model %lld", step, (long long)got, (long long)want);
        seen_unshift_drop += got;
      }
      nfl[i] = 0;
      fl_bytes[i] = 0;
    } else {
      /* Everything, or up to a bound (as an agent fills its Essentials
       * server's room). */
      int64_t max = rnd(2) ? INT64_MAX : 1 + (int64_t)rnd(100);
      int64_t before = s[i].bytes;
      int64_t want = model_move(&m[1 - i], &m[i], max);
      int64_t got = rm_spool_move(&s[1 - i], &s[i], max);
      cr_assert_eq(got, want, "step %d: move dropped %lld, model %lld", step, (long long)got, (long long)want);
      cr_assert_eq(s[i].bytes, before > max ? before - max : 0);
      if (max < before) seen_bounded_move++;
      seen_move_drop += got;
    }
    for (int j = 0; j < 2; j++) expect_same(&s[j], &m[j]);
    /* Every byte pushed is delivered, in flight, queued or dropped. */
    int64_t held = fl_bytes[0] + fl_bytes[1] + s[0].bytes + s[1].bytes;
    cr_assert_eq(pushed, delivered + held + s[0].dropped + s[1].dropped, "step %d: %lld pushed, %lld accounted for", step,
                 (long long)pushed, (long long)(delivered + held + s[0].dropped + s[1].dropped));
  }
  /* The run went through every case it is meant to check. */
  cr_assert_gt(seen_drop, 0);
  cr_assert_gt(model_splits, 0);
  cr_assert_gt(seen_merge, 0);
  cr_assert_gt(seen_unshift_drop, 0);
  cr_assert_gt(seen_move_drop, 0);
  cr_assert_gt(seen_bounded_move, 0);
  cr_assert_gt(delivered, 0);
  for (int i = 0; i < 2; i++) rm_spool_free(&s[i]);
}
