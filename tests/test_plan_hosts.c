/*
 * The hosts the planner buys (rm_plan_hosts): a case worked by hand, the
 * guide's customers, counts given, and every answer checked independently
 * of the planner: each host lost, every customer keeps a gateway, every
 * gateway a management server, and none goes over its limit.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_plan_hosts.h"

static char err[1024];

typedef struct {
  rm_plan_line line;
  rm_plan_input in;
  rm_plan pl;
  rm_hw_spec hw;
  rm_plan_hosts ph;
} world;

static world *plan(int count, int size, const rm_hw_model *host, int hosts, bool survive_host) {
  world *w = calloc(1, sizeof *w);
  w->line = (rm_plan_line){.name = "cust", .count = count, .servers = size / 20, .clients = size - size / 20};
  w->in = (rm_plan_input){.n_lines = 1, .lines = &w->line, .ms_limit = 2000, .gw_limit = 530, .ess_servers = 30,
                          .ess_clients = 500};
  cr_assert_eq(rm_plan_make(&w->pl, &w->in, err, sizeof err), 0, "%s", err);
  cr_assert_eq(rm_hw_default(&w->hw), 0);
  rm_plan_hosts_input hi = {.hw = &w->hw, .host = host ? host : rm_hw_of(&w->hw, RM_HW_MS, NULL), .count = hosts,
                            .survive_host = survive_host};
  if (!host) hi.host = &w->hw.models[rm_index_get(&w->hw.model_index, "host-standard")];
  cr_assert_eq(rm_plan_hosts_make(&w->ph, &w->pl, &w->in, RM_SURVIVE_EITHER, &hi, err, sizeof err), 0, "%s", err);
  return w;
}

static void world_free(world *w) {
  rm_plan_hosts_free(&w->ph);
  rm_plan_free(&w->pl);
  rm_hw_free(&w->hw);
  free(w);
}

/* Host h lost: whether every customer keeps a gateway and every gateway a
 * management server, all within their limits; counted here, from the
 * placement, backups and failovers alone. */
static bool survives(const world *w, int h) {
  const rm_plan_design *d = &w->ph.d;
  int64_t gw[64] = {0}, ms[16] = {0};
  cr_assert(d->n_gw <= 64 && d->n_ms <= 16);
  int base = 4 + d->n_ms;
  for (int e = 0; e < w->pl.n_ess; e++) {
    int g = d->primary[e];
    if (w->ph.vm_host[base + g] == h) {
      g = w->ph.backup[e];
      if (g < 0 || w->ph.vm_host[base + g] == h) return false;
    }
    gw[g] += w->pl.size[e];
  }
  for (int g = 0; g < d->n_gw; g++) {
    if (w->ph.vm_host[base + g] == h) continue;
    if (gw[g] > 530) return false;
    int m = d->gw_ms[g];
    if (w->ph.vm_host[4 + m] == h) m = w->ph.gw_failover[g];
    if (m < 0 || w->ph.vm_host[4 + m] == h) return false;
    ms[m] += gw[g];
  }
  for (int m = 0; m < d->n_ms; m++)
    if (ms[m] > 2000) return false;
  return w->ph.vm_host[0] != w->ph.vm_host[1] && w->ph.vm_host[2] != w->ph.vm_host[3];
}

/* Two customers of 300, surviving any one host (docs/plan-and-sweep.md,
 * "Hosts", works it): the design for single failures has ms-1 and ms-2,
 * gw-1 (cust-1) and gw-3 (a spare) on ms-1, gw-2 (cust-2) on ms-2. Its
 * servers commit 76 GB, so at least 2 hosts of 64 GB. On 2: rms-1, sql-1,
 * ms-1, gw-1 and gw-3 on host-1 (each ties, the first host), their partners
 * and gw-2 on host-2. Losing host-1 leaves cust-1 only gw-2, which has 300:
 * no room. So a spare, gw-4, on ms-2 (it has fewer gateways), on host-2
 * (fewer spares). cust-1 backs up onto gw-4, cust-2 onto gw-3; gw-4 fails
 * over to ms-1, off ms-2's host. Each host then commits 8 + 16 + 8 + 4 + 4
 * = 40 GB. */
Test(plan_hosts, two_customers_by_hand) {
  world *w = plan(2, 300, NULL, 0, true);
  const rm_plan_hosts *ph = &w->ph;
  cr_assert(ph->held);
  cr_assert_eq(ph->n_hosts, 2);
  cr_assert_eq(ph->extra, 1);
  cr_assert_eq(ph->d.n_gw, 4);
  cr_assert_eq(ph->d.gw_ms[3], 1, "the spare gw-4 on ms-2");
  /* rms-1 rms-2 sql-1 sql-2 ms-1 ms-2 gw-1 gw-2 gw-3 gw-4 */
  const int want[] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  cr_assert_eq(ph->n_vms, 10);
  for (int v = 0; v < 10; v++) cr_assert_eq(ph->vm_host[v], want[v], "server %d", v);
  cr_assert_eq(ph->backup[0], 3, "cust-1 backs up onto gw-4");
  cr_assert_eq(ph->backup[1], 2, "cust-2 onto gw-3");
  cr_assert_eq(ph->gw_failover[3], 0, "gw-4 fails over to ms-1");
  cr_assert_eq(ph->host_memory[0], (int64_t)40 << 30);
  cr_assert_eq(ph->host_memory[1], (int64_t)40 << 30);
  cr_assert_eq(ph->fewer, 0, "2 is the least tried");
  for (int h = 0; h < 2; h++) cr_assert(survives(w, h), "host-%d lost", h + 1);
  world_free(w);
}

/* The guide's 20 customers of 200: 3 hosts of host-standard with 6 spare
 * gateways; any host lost, everyone keeps a gateway within the limits. No
 * 2 hosts could: one lost takes at least half the 20 customers' gateways'
 * load, 2000 agents, onto spares on the other (200-agent customers, two to
 * a spare of 530: 5 spares each way), and the 3 management servers, 2 RMS
 * and 2 SQL nodes, 11 gateways and 10 spares commit 156 GB, over 128. */
Test(plan_hosts, the_guides_customers) {
  world *w = plan(20, 200, NULL, 0, true);
  cr_assert(w->ph.held);
  cr_assert_eq(w->ph.n_hosts, 3);
  cr_assert_eq(w->ph.fewer, 2);
  cr_assert_gt(w->ph.extra, 0);
  for (int h = 0; h < 3; h++) cr_assert(survives(w, h), "host-%d lost", h + 1);
  for (int h = 0; h < 3; h++) cr_assert_leq(w->ph.host_worst[h], 0.75 * 16 + 1e-9);
  world_free(w);
  /* Two given: placed, and said not to hold, with why. */
  w = plan(20, 200, NULL, 2, true);
  cr_assert_not(w->ph.held);
  cr_assert_eq(w->ph.n_hosts, 2);
  cr_assert(strstr(w->ph.why_fewer, "lost puts 600 agents on gw-"), "%s", w->ph.why_fewer);
  world_free(w);
  /* Not surviving a host: fewer spares, and a host's loss is not checked
   * (nor asked for). */
  w = plan(20, 200, NULL, 0, false);
  cr_assert(w->ph.held);
  cr_assert_leq(w->ph.n_hosts, 3);
  cr_assert_lt(w->ph.extra, 6);
  world_free(w);
}

/* A server larger than a host is refused, naming both. */
Test(plan_hosts, a_server_larger_than_a_host) {
  world *w = calloc(1, sizeof *w);
  w->line = (rm_plan_line){.name = "cust", .count = 2, .servers = 10, .clients = 190};
  w->in = (rm_plan_input){.n_lines = 1, .lines = &w->line, .ms_limit = 2000, .gw_limit = 530, .ess_servers = 30,
                          .ess_clients = 500};
  cr_assert_eq(rm_plan_make(&w->pl, &w->in, err, sizeof err), 0);
  cr_assert_eq(rm_hw_default(&w->hw), 0);
  rm_hw_model small = w->hw.models[rm_index_get(&w->hw.model_index, "host-standard")];
  small.memory = (int64_t)12 << 30;
  rm_plan_hosts_input hi = {.hw = &w->hw, .host = &small};
  cr_assert_eq(rm_plan_hosts_make(&w->ph, &w->pl, &w->in, RM_SURVIVE_EITHER, &hi, err, sizeof err), -1);
  cr_assert(strstr(err, "sql-1 (sql-standard, 16.0 GB) is larger than a host of host-standard (12.0 GB)"), "%s", err);
  rm_plan_free(&w->pl);
  rm_hw_free(&w->hw);
  free(w);
}

/* Whether some number of hosts holds does not only grow with the number:
 * for 12 customers of 450, 7 hosts hold where 8 do not, and for 50 of 150,
 * 8 hold where 10 and 12 do not. The search goes up one host at a time, so
 * it finds 7 and 8 (a search that galloped and bisected found 9 and 13). */
Test(plan_hosts, fewer_hosts_are_not_skipped) {
  const struct {
    int count, size, hosts;
  } cases[] = {{12, 450, 7}, {50, 150, 8}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    world *w = plan(cases[k].count, cases[k].size, NULL, 0, true);
    cr_assert(w->ph.held);
    cr_assert_eq(w->ph.n_hosts, cases[k].hosts, "%dx%d: %d hosts", cases[k].count, cases[k].size, w->ph.n_hosts);
    for (int h = 0; h < w->ph.n_hosts; h++) cr_assert(survives(w, h), "host-%d lost", h + 1);
    world_free(w);
  }
}

/* Too few hosts given for the servers' memory: the servers placed so far
 * are shown, and none is backed up or fails over (nothing half-chosen). */
Test(plan_hosts, too_few_hosts_given) {
  world *w = plan(1, 5, NULL, 1, false);
  cr_assert_not(w->ph.held);
  cr_assert(strstr(w->ph.why_fewer, "find no room on 1 host"), "%s", w->ph.why_fewer);
  cr_assert_eq(w->ph.vm_host[0], 0, "rms-1 placed");
  cr_assert_eq(w->ph.vm_host[1], -1, "rms-2 not");
  cr_assert_eq(w->ph.backup[0], -1);
  world_free(w);
}
