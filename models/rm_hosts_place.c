/*
 * rm_hosts_place: automatic placement of virtual servers on hosts, with
 * anti-affinity (docs/hardware.md, "Placement").
 *
 * Two servers must not share a host when losing that host would lose what
 * the pair is for:
 *   - a cluster's two nodes (rms-1 and rms-2, sql-1 and sql-2);
 *   - a customer's primary and backup gateway, when the scenario names both
 *     (a backup the model chooses avoids its primary's host itself: rm_group);
 *   - a management server a gateway reports to and each server it fails
 *     over to (a gateway with no report_to may report to any; with no
 *     failover list, it fails over to every other one).
 * Servers already on a host (named, or placed by role and count) stay where
 * they are and count: their processors and memory, and whom they keep apart.
 *
 * The servers to place are taken most constrained first (the most servers
 * to keep apart from, then the most processors, then the scenario's order:
 * the clusters' nodes, the management servers, the gateways, the web
 * console). Each goes on the host of the pool that takes its role, holds
 * none it must be apart from, and, of those, where its memory fits, then
 * where its processors make the smallest share of the host's (committed
 * virtual processors / host processors; ties: the pool's order). The
 * result is deterministic: it depends on the scenario only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_scenario_internal.h"

/* The provider's servers, each a number: rms-1, rms-2, sql-1, sql-2, web-1,
 * then the management servers, then the gateways. */
#define U_MS 5

typedef struct {
  const rm_scenario *sc;
  int n;               /* servers in the universe */
  int (*edge)[2];      /* pairs kept apart ([0] < [1]), sorted and unique once built */
  int n_edges, cap_edges;
  bool ms_all_apart;   /* every management server apart from every other */
  int *start, *adj;    /* each server's neighbours: adj[start[u] .. start[u+1]) */
} apart;

static int u_of(const rm_scenario *sc, const char *name) {
  static const char *const fixed[U_MS] = {"rms-1", "rms-2", "sql-1", "sql-2", "web-1"};
  for (int i = 0; i < U_MS; i++)
    if (strcmp(name, fixed[i]) == 0) return i;
  int64_t i = rm_index_get(&sc->ms_index, name);
  if (i >= 0) return U_MS + (int)i;
  i = rm_index_get(&sc->gw_index, name);
  return i >= 0 ? U_MS + sc->n_ms + (int)i : -1;
}

static const char *u_name(const rm_scenario *sc, int u) {
  static const char *const fixed[U_MS] = {"rms-1", "rms-2", "sql-1", "sql-2", "web-1"};
  if (u < U_MS) return fixed[u];
  if (u < U_MS + sc->n_ms) return sc->ms_names[u - U_MS];
  return sc->gw_names[u - U_MS - sc->n_ms];
}

static int add_edge(apart *ap, int a, int b) {
  if (a < 0 || b < 0 || a == b) return 0;
  if (ap->n_edges == ap->cap_edges) {
    int cap = ap->cap_edges ? 2 * ap->cap_edges : 64;
    int (*e)[2] = realloc(ap->edge, (size_t)cap * sizeof *e);
    if (!e) return -1;
    ap->edge = e;
    ap->cap_edges = cap;
  }
  ap->edge[ap->n_edges][0] = a < b ? a : b;
  ap->edge[ap->n_edges++][1] = a < b ? b : a;
  return 0;
}

/* A gateway's home (one management server, or every one when it names
 * none) against each server it fails over to. */
static int gateway_pairs(apart *ap, int g) {
  const rm_scenario *sc = ap->sc;
  const char *to = sc->gw_place && sc->gw_place[g].report_to ? sc->gw_place[g].report_to : sc->gw_report_to;
  int nf = sc->gw_place && sc->gw_place[g].failover ? sc->gw_place[g].n_failover : sc->n_gw_failover;
  char **fl = sc->gw_place && sc->gw_place[g].failover ? sc->gw_place[g].failover : sc->gw_failover;
  if (!to && !fl) {
    ap->ms_all_apart = true;
    return 0;
  }
  int home = to ? u_of(sc, to) : -1;
  if (!fl) { /* every other management server */
    for (int m = 0; m < sc->n_ms; m++)
      if (add_edge(ap, home, U_MS + m)) return -1;
    return 0;
  }
  for (int k = 0; k < nf; k++) {
    int f = u_of(sc, fl[k]);
    if (home >= 0) {
      if (add_edge(ap, home, f)) return -1;
    } else {
      for (int m = 0; m < sc->n_ms; m++)
        if (add_edge(ap, U_MS + m, f)) return -1;
    }
  }
  return 0;
}

static int cmp_edge(const void *x, const void *y) {
  const int *a = x, *b = y;
  return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0]) : (a[1] > b[1]) - (a[1] < b[1]);
}

/* Every pair kept apart, as adjacency lists. 0, or -1 without memory. */
static int apart_build(apart *ap, const rm_scenario *sc) {
  memset(ap, 0, sizeof *ap);
  ap->sc = sc;
  ap->n = U_MS + sc->n_ms + sc->n_gw;
  if (add_edge(ap, 0, 1) || add_edge(ap, 2, 3)) return -1;
  for (int l = 0; l < sc->n_specs; l++) {
    const rm_customer_spec *cs = &sc->specs[l];
    for (int i = 0; i < cs->count * cs->essentials; i++) {
      const char *p = rm_customer_primary(cs, i), *b = rm_customer_backup(cs, i);
      if (p && b && add_edge(ap, u_of(sc, p), u_of(sc, b))) return -1;
    }
  }
  for (int g = 0; g < sc->n_gw; g++)
    if (gateway_pairs(ap, g)) return -1;
  /* Sorted and unique, then both ways round. */
  ap->start = calloc((size_t)ap->n + 1, sizeof *ap->start);
  if (!ap->start) return -1;
  int m = 0;
  if (ap->n_edges) qsort(ap->edge, (size_t)ap->n_edges, sizeof *ap->edge, cmp_edge);
  for (int e = 0; e < ap->n_edges; e++)
    if (m == 0 || ap->edge[e][0] != ap->edge[m - 1][0] || ap->edge[e][1] != ap->edge[m - 1][1]) {
      ap->edge[m][0] = ap->edge[e][0];
      ap->edge[m++][1] = ap->edge[e][1];
    }
  ap->n_edges = m;
  for (int e = 0; e < m; e++) {
    ap->start[ap->edge[e][0] + 1]++;
    ap->start[ap->edge[e][1] + 1]++;
  }
  for (int u = 0; u < ap->n; u++) ap->start[u + 1] += ap->start[u];
  ap->adj = malloc((size_t)(m > 0 ? 2 * m : 1) * sizeof *ap->adj);
  int *fill = malloc((size_t)ap->n * sizeof *fill);
  if (!ap->adj || !fill) {
    free(fill);
    return -1;
  }
  memcpy(fill, ap->start, (size_t)ap->n * sizeof *fill);
  for (int e = 0; e < m; e++) {
    ap->adj[fill[ap->edge[e][0]]++] = ap->edge[e][1];
    ap->adj[fill[ap->edge[e][1]]++] = ap->edge[e][0];
  }
  free(fill);
  return 0;
}

static void apart_free(apart *ap) {
  free(ap->edge);
  free(ap->start);
  free(ap->adj);
}

static int degree(const apart *ap, int u) {
  int d = ap->start[u + 1] - ap->start[u];
  if (ap->ms_all_apart && u >= U_MS && u < U_MS + ap->sc->n_ms) d += ap->sc->n_ms - 1;
  return d;
}

typedef struct {
  int u, role, processors, order;
  int64_t memory;
  int degree;
} to_place;

static int cmp_place(const void *x, const void *y) {
  const to_place *a = x, *b = y;
  if (a->degree != b->degree) return a->degree > b->degree ? -1 : 1;
  if (a->processors != b->processors) return a->processors > b->processors ? -1 : 1;
  return (a->order > b->order) - (a->order < b->order);
}

/* Which server on host h, if any, u must be apart from: its number, or -1. */
static int clash(const apart *ap, const int *where, const int *ms_on, int u, int h) {
  for (int k = ap->start[u]; k < ap->start[u + 1]; k++)
    if (where[ap->adj[k]] == h) return ap->adj[k];
  if (ap->ms_all_apart && u >= U_MS && u < U_MS + ap->sc->n_ms && ms_on[h])
    for (int m = 0; m < ap->sc->n_ms; m++)
      if (where[U_MS + m] == h) return U_MS + m;
  return -1;
}

int rm__scenario_place_auto(rm_scenario *sc, const char *const *servers, const int *roles, int n, const int *pool,
                            const unsigned *takes, int n_pool, char *why, size_t whylen) {
  if (n == 0) return 0;
  apart ap;
  int rc = -1;
  int *where = NULL, *ms_on = NULL;
  int64_t *proc = NULL, *mem = NULL;
  to_place *tp = NULL;
  if (apart_build(&ap, sc)) goto done;
  where = malloc((size_t)ap.n * sizeof *where);
  ms_on = calloc((size_t)sc->n_hosts, sizeof *ms_on);
  proc = calloc((size_t)sc->n_hosts, sizeof *proc);
  mem = calloc((size_t)sc->n_hosts, sizeof *mem);
  tp = malloc((size_t)n * sizeof *tp);
  if (!where || !ms_on || !proc || !mem || !tp) goto done;
  for (int u = 0; u < ap.n; u++) {
    int64_t h = rm_index_get(&sc->vm_index, u_name(sc, u));
    where[u] = (int)h;
    if (h >= 0 && u >= U_MS && u < U_MS + sc->n_ms) ms_on[h]++;
  }
  for (int h = 0; h < sc->n_hosts; h++) rm_scenario_host_committed(sc, &sc->hosts[h], &proc[h], &mem[h]);
  for (int i = 0; i < n; i++) {
    const rm_hw_model *m = rm_hw_of(&sc->hw, (rm_hw_role)roles[i], servers[i]);
    int u = u_of(sc, servers[i]);
    tp[i] = (to_place){u, roles[i], m->processors, i, m->memory, degree(&ap, u)};
  }
  qsort(tp, (size_t)n, sizeof *tp, cmp_place);
  for (int i = 0; i < n; i++) {
    int best = -1, first_clash = -1, clash_host = -1, takers = 0;
    bool best_fits = false;
    for (int k = 0; k < n_pool; k++) {
      int h = pool[k];
      if (!(takes[k] & (1u << tp[i].role))) continue;
      takers++;
      int c = clash(&ap, where, ms_on, tp[i].u, h);
      if (c >= 0) {
        if (first_clash < 0) first_clash = c, clash_host = h;
        continue;
      }
      const rm_hw_model *hm = &sc->hw.models[sc->hosts[h].model];
      bool fits = mem[h] + tp[i].memory <= hm->memory;
      if (best >= 0) {
        const rm_hw_model *bm = &sc->hw.models[sc->hosts[best].model];
        /* (proc[h] + p) / P_h < (proc[best] + p) / P_best, exactly */
        int64_t lhs = (proc[h] + tp[i].processors) * bm->processors,
                rhs = (proc[best] + tp[i].processors) * hm->processors;
        if (fits != best_fits ? !fits : lhs >= rhs) continue;
      }
      best = h;
      best_fits = fits;
    }
    const char *name = u_name(sc, tp[i].u);
    if (best < 0) {
      if (!takers)
        snprintf(why, whylen, "no automatic host takes %s's role (%s)", name, rm_hw_role_name((rm_hw_role)tp[i].role));
      else
        snprintf(why, whylen, "%s cannot go on any of the %d automatic host%s that take%s its role: each runs a "
                              "server it must be apart from (%s on %s, for one); add hosts",
                 name, takers, takers == 1 ? "" : "s", takers == 1 ? "s" : "", u_name(sc, first_clash),
                 sc->hosts[clash_host].name);
      rc = -2;
      goto done;
    }
    if (rm__scenario_host_add(sc, best, name)) goto done;
    where[tp[i].u] = best;
    if (tp[i].role == RM_HW_MS) ms_on[best]++;
    proc[best] += tp[i].processors;
    mem[best] += tp[i].memory;
  }
  rc = 0;
done:
  apart_free(&ap);
  free(where);
  free(ms_on);
  free(proc);
  free(mem);
  free(tp);
  return rc;
}
