/*
 * The planner's figures, for cases checkable by hand, under each failure
 * policy; and each design checked independently of the planner: every
 * customer placed, every node within its limit with nothing failed, and
 * after any single failure of the kinds it claims to survive.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_plan.h"

typedef struct {
  rm_plan_line lines[4];
  int n;
} custs;

static rm_plan_input input(custs *c) {
  return (rm_plan_input){.n_lines = c->n, .lines = c->lines, .ms_limit = 2000, .gw_limit = 530,
                         .ess_servers = 30, .ess_clients = 500};
}

/* Agents on each gateway and management server after gateway fg (or
 * management server fm) fails, following the design's backups and
 * failovers; every node must stay within its limit. Independent of the
 * planner's own bookkeeping. */
static void check_after(const rm_plan *pl, const rm_plan_input *in, const rm_plan_design *d, int fg, int fm) {
  int64_t *gw = calloc((size_t)d->n_gw, sizeof *gw), *ms = calloc((size_t)d->n_ms, sizeof *ms);
  cr_assert(gw && ms);
  for (int c = 0; c < d->n_ess; c++) {
    int g = d->primary[c];
    if (g == fg) {
      g = d->backup[c];
      cr_assert(g >= 0 && g != fg, "Essentials server %d has no backup for gw-%d's failure", c, fg + 1);
    }
    gw[g] += pl->size[c];
  }
  for (int g = 0; g < d->n_gw; g++) {
    if (g == fg) continue;
    int m = d->gw_ms[g];
    if (m == fm) {
      m = d->gw_failover[g];
      cr_assert(m >= 0 && m != fm, "gw-%d has no failover for ms-%d's failure", g + 1, fm + 1);
    }
    ms[m] += gw[g];
    cr_assert(gw[g] <= in->gw_limit, "gw-%d carries %lld (gw-%d failed, ms-%d failed)", g + 1, (long long)gw[g],
              fg + 1, fm + 1);
  }
  for (int m = 0; m < d->n_ms; m++)
    if (m != fm) cr_assert(ms[m] <= in->ms_limit, "ms-%d carries %lld (gw-%d, ms-%d failed)", m + 1, (long long)ms[m], fg + 1, fm + 1);
  free(gw);
  free(ms);
}

static void check_design(const rm_plan *pl, const rm_plan_input *in, rm_survive s) {
  const rm_plan_design *d = &pl->design[s];
  check_after(pl, in, d, -1, -1);
  if (s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER)
    for (int g = 0; g < d->n_gw; g++) check_after(pl, in, d, g, -1);
  if (s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER)
    for (int m = 0; m < d->n_ms; m++) check_after(pl, in, d, -1, m);
}

/* Plan, check every design, and compare the counts: {ms, gw} per policy. */
static void expect_counts(custs *c, int arith_ms, int arith_gw, const int want[RM_SURVIVE_KINDS][2]) {
  rm_plan_input in = input(c);
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.arith_ms, arith_ms);
  cr_assert_eq(pl.arith_gw, arith_gw);
  for (int s = 0; s < RM_SURVIVE_KINDS; s++) {
    cr_assert_eq(pl.design[s].n_ms, want[s][0], "%s: %d management servers, want %d", rm_survive_name(s),
                 pl.design[s].n_ms, want[s][0]);
    cr_assert_eq(pl.design[s].n_gw, want[s][1], "%s: %d gateways, want %d", rm_survive_name(s), pl.design[s].n_gw,
                 want[s][1]);
    check_design(&pl, &in, (rm_survive)s);
  }
  rm_plan_free(&pl);
}

/* 20 customers of 200: 4000 / 530 = 7.55 -> 8 gateways, but 3 customers
 * (600) do not fit one, so 10 of 400. Surviving a gateway: a failed 400
 * needs two gateways with 200 of room on its own management server (both
 * servers are full at 2000), so each server needs two half-empty gateways:
 * 4 x 400 + 2 x 200 per server, 12. Surviving a management server: 3,
 * so that 2 x 2000 holds everything. */
Test(plan, guide_example) {
  custs c = {.lines = {{"cust", 20, 10, 190}}, .n = 1};
  expect_counts(&c, 2, 8, (const int[][2]){{2, 10}, {2, 12}, {3, 10}, {3, 11}});
  rm_plan_input in = input(&c);
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0);
  cr_assert_eq(pl.arith_fullest, 600);
  cr_assert_eq(pl.arith_fullest_ess, 3);
  cr_assert(strstr(pl.why_fewer[RM_SURVIVE_GATEWAY], "with 11 gateways, if gw-"), "%s", pl.why_fewer[RM_SURVIVE_GATEWAY]);
  cr_assert_eq(pl.design[RM_SURVIVE_GATEWAY].worst_gw_load, 400);
  rm_plan_free(&pl);
}

/* One customer of 530: one gateway at its limit; to survive its failure, a
 * second, empty one; to survive a management server's, a second server. */
Test(plan, one_customer_at_the_limit) {
  custs c = {.lines = {{"big", 1, 30, 500}}, .n = 1};
  expect_counts(&c, 1, 1, (const int[][2]){{1, 1}, {1, 2}, {2, 1}, {2, 2}});
}

/* Why fewer management servers do not survive one's failure: with one,
 * there is no other (not "the others would carry 200 agents, more than
 * 0 x 2000"); with two, the other would carry all of them. */
Test(plan, why_more_management_servers) {
  custs c = {.lines = {{"cust", 1, 10, 190}}, .n = 1};
  rm_plan_input in = input(&c);
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  for (int s = RM_SURVIVE_MS; s <= RM_SURVIVE_EITHER; s++) {
    cr_assert_eq(pl.design[s].n_ms, 2);
    cr_assert_str_eq(pl.why_more_ms[s], "with 1 management server, a single management server has no other to fail over to");
  }
  rm_plan_free(&pl);
  custs big = {.lines = {{"cust", 20, 10, 190}}, .n = 1};
  in = input(&big);
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.design[RM_SURVIVE_MS].n_ms, 3);
  cr_assert_str_eq(pl.why_more_ms[RM_SURVIVE_MS],
                   "with 2 management servers, if one failed the other would carry 4000 agents, more than 1 x 2000");
  rm_plan_free(&pl);
}

/* Three customers of 300: two do not share a gateway (600), so 3; a failed
 * one's 300 needs a gateway with 300 of room, which only an empty spare
 * has: 4. */
Test(plan, three_customers_of_300) {
  custs c = {.lines = {{"c", 3, 15, 285}}, .n = 1};
  expect_counts(&c, 1, 2, (const int[][2]){{1, 3}, {1, 4}, {2, 3}, {2, 4}});
}

/* 400, 300, 200 and 100: 400+100 and 300+200 fill two gateways; with a
 * third, empty one, any failed gateway's 500 moves to it. */
Test(plan, mixed_sizes) {
  custs c = {.lines = {{"a", 1, 20, 380}, {"b", 1, 15, 285}, {"c", 1, 10, 190}, {"d", 1, 5, 95}}, .n = 4};
  expect_counts(&c, 1, 2, (const int[][2]){{1, 2}, {1, 3}, {2, 2}, {2, 3}});
}

/* An Essentials server larger than a gateway's limit has no design. */
Test(plan, essentials_server_over_the_gateway_limit) {
  custs c = {.lines = {{"huge", 1, 30, 480, 0}}, .n = 1};
  rm_plan_input in = input(&c);
  in.gw_limit = 500;
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), -1);
  cr_assert(strstr(err, "huge-1 has 510 agents, over the gateway limit of 500: an Essentials server reports to one "
                        "gateway"),
            "%s", err);
}

/* A customer over an Essentials server's limit (30 servers + 500 clients)
 * gets as many as it needs, its computers split as a scenario splits them,
 * and each is placed as a unit: 40 servers and 100 clients take 2 (20 + 50
 * each); 10 + 100 takes one. */
Test(plan, customers_over_the_essentials_limit_are_split) {
  custs c = {.lines = {{"a", 2, 40, 100, 0}, {"b", 1, 10, 100, 0}}, .n = 2};
  rm_plan_input in = input(&c);
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.n_cust, 3);
  cr_assert_eq(pl.n_ess, 5);
  cr_assert_eq(pl.n_split, 2);
  cr_assert_eq(pl.line_ess[0], 2);
  cr_assert_eq(pl.line_ess[1], 1);
  cr_assert_eq(pl.agents, 2 * 140 + 110);
  static const char *const names[] = {"a-1.1", "a-1.2", "a-2.1", "a-2.2", "b-1"};
  for (int i = 0; i < 5; i++) {
    char name[64];
    rm_plan_ess_name(&pl, &in, i, name, sizeof name);
    cr_assert_str_eq(name, names[i]);
    cr_assert_eq(pl.size[i], i < 4 ? 70 : 110);
  }
  cr_assert_str_eq(rm_plan_unit(&pl, 2), "Essentials servers");
  for (int s = 0; s < RM_SURVIVE_KINDS; s++) check_design(&pl, &in, (rm_survive)s);
  rm_plan_free(&pl);
  /* An essentials: given is kept, above the fewest too; one that cannot
   * hold the customer, or more than its computers, is refused. */
  c = (custs){.lines = {{"c", 1, 10, 100, 3}}, .n = 1};
  in = input(&c);
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.n_ess, 3);
  rm_plan_free(&pl);
  c = (custs){.lines = {{"c", 1, 61, 100, 2}}, .n = 1};
  in = input(&c);
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), -1);
  cr_assert(strstr(err, "c: 61 servers and 100 clients split over 2 Essentials servers leave up to 31 servers and 50 "
                        "clients on one, over an Essentials server's limit of 30 servers + 500 clients; it takes 3"),
            "%s", err);
  c = (custs){.lines = {{"c", 1, 1, 1, 3}}, .n = 1};
  in = input(&c);
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), -1);
  cr_assert(strstr(err, "c: 3 Essentials servers for 2 computers"), "%s", err);
  c = (custs){.lines = {{"c", 1, 1, 1, 0}}, .n = 1};
  in = input(&c);
  in.ess_servers = 0;
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), -1);
  cr_assert(strstr(err, "no number of them holds 1 servers and 1 clients"), "%s", err);
}

/* 31 servers and 500 clients: 531 computers, 2 Essentials servers of 266
 * and 265, which no gateway holds together (2 gateways); surviving a gateway
 * takes an empty spare for the 266 of either. 31 + 499: 265 and 265 share a
 * gateway at 530. */
Test(plan, one_customer_over_the_essentials_limit) {
  custs c = {.lines = {{"big", 1, 31, 500, 0}}, .n = 1};
  expect_counts(&c, 1, 2, (const int[][2]){{1, 2}, {1, 3}, {2, 2}, {2, 3}});
  c = (custs){.lines = {{"big", 1, 31, 499, 0}}, .n = 1};
  expect_counts(&c, 1, 1, (const int[][2]){{1, 1}, {1, 2}, {2, 1}, {2, 2}});
}

Test(plan, survive_names) {
  cr_assert_eq(rm_survive_parse("ms"), RM_SURVIVE_MS);
  cr_assert_eq(rm_survive_parse("either"), RM_SURVIVE_EITHER);
  cr_assert_eq(rm_survive_parse("gateways"), -1);
  cr_assert_str_eq(rm_survive_name(RM_SURVIVE_GATEWAY), "gateway");
}

/* Spare gateways go round the management servers: 8 customers of 500 on
 * 2 servers need one spare each, not two spares on the first. */
Test(plan, spares_spread_over_servers) {
  custs c = {.lines = {{"c", 8, 25, 475}}, .n = 1};
  rm_plan_input in = input(&c);
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.design[RM_SURVIVE_GATEWAY].n_ms, 2);
  cr_assert_eq(pl.design[RM_SURVIVE_GATEWAY].n_gw, 10);
  check_design(&pl, &in, RM_SURVIVE_GATEWAY);
  rm_plan_free(&pl);
}

/* Gateways packed tight onto management servers, with a spare server:
 * 525+375, 450+450, 450+225 and an empty one (limit 900). */
Test(plan, spare_management_server) {
  custs c = {.lines = {{"a", 1, 0, 375}, {"b", 3, 0, 450}, {"c", 1, 0, 525}, {"d", 1, 0, 225}}, .n = 4};
  rm_plan_input in = input(&c);
  in.gw_limit = 525;
  in.ms_limit = 900;
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(pl.design[RM_SURVIVE_MS].n_ms, 4);
  check_design(&pl, &in, RM_SURVIVE_MS);
  rm_plan_free(&pl);
}

Test(plan, customer_over_the_management_server_limit) {
  custs c = {.lines = {{"big", 1, 30, 500}}, .n = 1};
  rm_plan_input in = input(&c);
  in.ms_limit = 100;
  rm_plan pl;
  char err[512];
  cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), -1);
  cr_assert(strstr(err, "big-1 has 530 agents, over the management server limit of 100"), "%s", err);
}

/* Random groups, small and large, under every policy: every design the
 * planner returns holds every customer and survives what it claims to,
 * checked without the planner's bookkeeping; and no design takes more
 * servers in all than a survivable one for a stricter policy. */
Test(plan, random_designs_hold) {
  uint64_t x = 12345;
  for (int t = 0; t < 300; t++) {
    custs c = {.n = 0};
    int n_lines = 1 + (int)((x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) % 4;
    for (int l = 0; l < n_lines; l++) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      int count = 1 + (int)(x >> 40) % (t < 250 ? 12 : 200);
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      int size = 1 + (int)(x >> 40) % (t % 5 == 4 ? 1600 : 530); /* some over an Essentials server's limit */
      static char names[4][8] = {"a", "b", "c", "d"};
      c.lines[l] = (rm_plan_line){names[l], count, size / 20, size - size / 20, 0};
      c.n++;
    }
    rm_plan_input in = input(&c);
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (t % 3 == 1) in.ms_limit = 530 + (int)(x >> 40) % 3000;
    rm_plan pl;
    char err[512];
    cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "case %d: %s", t, err);
    for (int s = 0; s < RM_SURVIVE_KINDS; s++) check_design(&pl, &in, (rm_survive)s);
    int total = pl.design[RM_SURVIVE_EITHER].n_ms + pl.design[RM_SURVIVE_EITHER].n_gw;
    for (int s = 0; s < RM_SURVIVE_EITHER; s++)
      cr_assert_leq(pl.design[s].n_ms + pl.design[s].n_gw, total + 1, "case %d: %s takes more than either", t,
                    rm_survive_name(s));
    rm_plan_free(&pl);
  }
}

/* Ten thousand customers of any size plan at once (the search once took
 * minutes for 10 000 of 530 and of 265, trying every count of management
 * servers below those that hold them with every count of gateways): each
 * policy's design is the fewest found, and holds (checked for every
 * policy on the 265s; on the others, with nothing failed and after each
 * management server's failure, the checks of every gateway's failure
 * taking longest). */
Test(plan, ten_thousand_customers) {
  static const struct {
    rm_plan_line lines[4];
    int n;
    bool every_check;
    int want[RM_SURVIVE_KINDS][2];
  } cases[] = {
      {{{"c", 10000, 30, 500, 0}}, 1, false, {{3334, 10000}, {3334, 10001}, {3335, 10000}, {3335, 10001}}},
      {{{"c", 10000, 14, 251, 0}}, 1, true, {{1667, 5000}, {1667, 5001}, {1668, 5000}, {1668, 5001}}},
      /* mixed: 2 500 each of 20, 100, 300 and 530 computers */
      {{{"a", 2500, 1, 19, 0}, {"b", 2500, 5, 95, 0}, {"c", 2500, 15, 285, 0}, {"d", 2500, 30, 500, 0}},
       4,
       false,
       {{1250, 5000}, {1288, 5001}, {1289, 5000}, {1289, 5001}}},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    custs c = {.n = cases[k].n};
    memcpy(c.lines, cases[k].lines, sizeof c.lines);
    rm_plan_input in = input(&c);
    rm_plan pl;
    char err[512];
    cr_assert_eq(rm_plan_make(&pl, &in, err, sizeof err), 0, "%s", err);
    for (int s = 0; s < RM_SURVIVE_KINDS; s++) {
      const rm_plan_design *d = &pl.design[s];
      cr_assert_eq(d->n_ms, cases[k].want[s][0], "case %zu, %s: %d management servers", k, rm_survive_name(s), d->n_ms);
      cr_assert_eq(d->n_gw, cases[k].want[s][1], "case %zu, %s: %d gateways", k, rm_survive_name(s), d->n_gw);
      if (cases[k].every_check) {
        check_design(&pl, &in, (rm_survive)s);
      } else {
        check_after(&pl, &in, d, -1, -1);
        for (int m = 0; (s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER) && m < d->n_ms; m++) check_after(&pl, &in, d, -1, m);
      }
    }
    rm_plan_free(&pl);
  }
}
