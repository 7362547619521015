/*
 * rm_plan_hosts: the hosts to buy for a planned design (rm_plan_hosts.h
 * says how; docs/plan-and-sweep.md "Hosts" works an example).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_heap.h"
#include "rm_plan_hosts.h"
#include "rm_units.h"

/* The virtual servers: rms-1, rms-2, sql-1, sql-2, then the management
 * servers, then the gateways. */
#define V_MS 4

typedef struct {
  const rm_plan *pl;
  const rm_plan_input *in;
  const rm_plan_design *d;
  rm_survive s;
  const rm_plan_hosts_input *hi;
  int n_vm, H;
  const rm_hw_model **model; /* per virtual server */
  rm_hw_costs costs[RM_HW_ROLES];
  int64_t *gw_after, *ms_after; /* loads with a failure */
  bool *gw_down, *ms_down;
  double *ask;                  /* per host, with a failure */
  int *order, *tmp;             /* scratch: indices to sort */
  int64_t *key;
  bool by_share;                /* placement by the fuller share, not processors asked */
} ctx;

static rm_hw_role vm_role(const ctx *c, int v) {
  return v < 2 ? RM_HW_RMS : v < V_MS ? RM_HW_SQL : v < V_MS + c->d->n_ms ? RM_HW_MS : RM_HW_GATEWAY;
}

void rm_plan_hosts_vm_name(const rm_plan_design *d, int v, char *buf, size_t n) {
  static const char *const fixed[V_MS] = {"rms-1", "rms-2", "sql-1", "sql-2"};
  if (v < V_MS) snprintf(buf, n, "%s", fixed[v]);
  else if (v < V_MS + d->n_ms) snprintf(buf, n, "ms-%d", v - V_MS + 1);
  else snprintf(buf, n, "gw-%d", v - V_MS - d->n_ms + 1);
}

/* Processors server v asks for carrying `agents` agents (and their data). */
static double ask_of(const ctx *c, int v, double agents) {
  rm_hw_role r = vm_role(c, v);
  rm_hw_demand dm;
  double bytes = r == RM_HW_RMS ? 0 : agents * RM_HW_REF_BYTES_PER_AGENT; /* the RMS takes in no data */
  rm_hw_demand_of(&c->costs[r], c->model[v], agents, bytes, &dm);
  return dm.cpu < c->model[v]->processors ? dm.cpu : c->model[v]->processors;
}

/* Agents server v carries with nothing failed. */
static double load_of(const ctx *c, int v) {
  if (v < V_MS) return (double)c->pl->agents;
  if (v < V_MS + c->d->n_ms) return (double)c->d->ms_load[v - V_MS];
  return (double)c->d->gw_load[v - V_MS - c->d->n_ms];
}

/* Host h's fuller share with server v on it: processors asked over the
 * threshold's, or memory committed over the host's. */
static double fuller(const ctx *c, const rm_plan_hosts *ph, int h, int v) {
  const rm_hw_model *hm = c->hi->host;
  double cpu = (ph->host_ask[h] + ask_of(c, v, load_of(c, v))) / (c->hi->hw->threshold[RM_RES_CPU] * hm->processors);
  double mem = (double)(ph->host_memory[h] + c->model[v]->memory) / (double)hm->memory;
  return cpu > mem ? cpu : mem;
}

/* 1. Placement on H hosts. Returns -1, or the server whose memory fits on
 * no host. */
static int place(ctx *c, rm_plan_hosts *ph) {
  const rm_hw_model *hm = c->hi->host;
  int n_ms = c->d->n_ms, n_gw = c->d->n_gw;
  for (int h = 0; h < c->H; h++) {
    ph->host_ask[h] = 0;
    ph->host_memory[h] = 0;
  }
  for (int v = 0; v < c->n_vm; v++) ph->vm_host[v] = -1;
  /* The clusters' nodes in order, then each role busiest first. */
  int n = 0;
  for (int v = 0; v < V_MS; v++) c->order[n++] = v;
  int64_t *key = c->key;
  for (int part = 0; part < 2; part++) {
    int first = n, count = part ? n_gw : n_ms;
    for (int k = 0; k < count; k++) {
      key[k] = part ? c->d->gw_load[k] : c->d->ms_load[k];
      c->order[n++] = k;
    }
    rm_sort_desc(key, c->order + first, c->tmp, count);
    for (int k = first; k < n; k++) c->order[k] += part ? V_MS + n_ms : V_MS;
  }
  int *spares = c->tmp; /* per host: the spare gateways on it */
  for (int h = 0; h < c->H; h++) spares[h] = 0;
  for (int k = 0; k < c->n_vm; k++) {
    int v = c->order[k], best = -1;
    int partner = v < V_MS ? v ^ 1 : -1;
    bool spare = v >= V_MS + n_ms && c->d->gw_load[v - V_MS - n_ms] == 0;
    for (int h = 0; h < c->H; h++) {
      if (ph->host_memory[h] + c->model[v]->memory > hm->memory) continue;
      if (partner >= 0 && partner < v && ph->vm_host[partner] == h) continue; /* placed just before */
      /* A spare asks for next to nothing: spares go round the hosts.
       * Others go where the processors asked are fewest, or (by_share)
       * where the fuller of processors asked and memory committed, as
       * shares of the host's, stays least. */
      if (best < 0 || (spare && spares[h] != spares[best]) ? best < 0 || spares[h] < spares[best]
                    : c->by_share ? fuller(c, ph, h, v) < fuller(c, ph, best, v) : ph->host_ask[h] < ph->host_ask[best])
        best = h;
    }
    if (best >= 0 && spare) spares[best]++;
    if (best < 0) return v;
    ph->vm_host[v] = best;
    ph->vm_ask[v] = ask_of(c, v, load_of(c, v));
    ph->host_ask[best] += ph->vm_ask[v];
    ph->host_memory[best] += c->model[v]->memory;
  }
  return -1;
}

static int gw_host(const ctx *c, const rm_plan_hosts *ph, int g) { return ph->vm_host[V_MS + c->d->n_ms + g]; }
static int ms_host(const ctx *c, const rm_plan_hosts *ph, int m) { return ph->vm_host[V_MS + m]; }

/* 2. Backups host by host, then failovers. */
/* Whether gateway g is a better backup than best for an Essentials server
 * of `size` agents whose primary is p, by c->gw_after (and, with ms_room,
 * c->ms_after): one with room first, then one on p's management server,
 * then the least loaded. */
static bool better_backup(const ctx *c, int g, int best, int p, int64_t size, bool ms_room) {
  const rm_plan_design *d = c->d;
  int64_t lim_gw = c->in->gw_limit, lim_ms = c->in->ms_limit;
  bool room = c->gw_after[g] + size <= lim_gw && (!ms_room || c->ms_after[d->gw_ms[g]] + size <= lim_ms);
  bool broom = c->gw_after[best] + size <= lim_gw && (!ms_room || c->ms_after[d->gw_ms[best]] + size <= lim_ms);
  if (room != broom) return room;
  bool same = room && d->gw_ms[g] == d->gw_ms[p], bsame = broom && d->gw_ms[best] == d->gw_ms[p];
  if (same != bsame) return same;
  return c->gw_after[g] < c->gw_after[best];
}

/* Not surviving a host: the design's backups, unless on the primary's
 * host or left to the model; then, primary by primary, its Essentials
 * servers largest first each to the gateway off its host with the most
 * room were the primary alone failed, on its management server first. */
static void choose_single(ctx *c, rm_plan_hosts *ph) {
  const rm_plan_design *d = c->d, *d0 = &c->pl->design[c->s];
  const rm_plan *pl = c->pl;
  for (int p = 0; p < d->n_gw; p++) {
    int n = 0;
    for (int g = 0; g < d->n_gw; g++) c->gw_after[g] = d->gw_load[g];
    for (int e = 0; e < pl->n_ess; e++) {
      if (d->primary[e] != p) continue;
      int b = d0->backup[e];
      if (b >= 0 && gw_host(c, ph, b) != gw_host(c, ph, p)) {
        ph->backup[e] = b;
        c->gw_after[b] += pl->size[e];
      } else {
        c->order[n++] = e;
      }
    }
    rm_sort_desc(pl->size, c->order, c->tmp, n);
    for (int k = 0; k < n; k++) {
      int e = c->order[k], best = -1;
      int64_t size = pl->size[e];
      for (int g = 0; g < d->n_gw; g++) {
        if (gw_host(c, ph, g) == gw_host(c, ph, p)) continue;
        if (best < 0 || better_backup(c, g, best, p, size, false)) best = g;
      }
      ph->backup[e] = best;
      if (best >= 0) c->gw_after[best] += size;
    }
  }
}

static void choose(ctx *c, rm_plan_hosts *ph) {
  const rm_plan_design *d = c->d;
  const rm_plan *pl = c->pl;
  if (!c->hi->survive_host) choose_single(c, ph);
  for (int h = 0; h < c->H && c->hi->survive_host; h++) {
    /* Its gateways' Essentials servers, largest first. */
    int n = 0;
    for (int e = 0; e < pl->n_ess; e++)
      if (gw_host(c, ph, d->primary[e]) == h) c->order[n++] = e;
    rm_sort_desc(pl->size, c->order, c->tmp, n);
    for (int g = 0; g < d->n_gw; g++) c->gw_after[g] = gw_host(c, ph, g) == h ? 0 : d->gw_load[g];
    for (int m = 0; m < d->n_ms; m++) c->ms_after[m] = 0;
    for (int g = 0; g < d->n_gw; g++) c->ms_after[d->gw_ms[g]] += c->gw_after[g];
    for (int k = 0; k < n; k++) {
      int e = c->order[k], p = d->primary[e], best = -1;
      int64_t size = pl->size[e];
      /* Of the gateways off h with room, whose management server has room
       * too: on the primary's management server first, then the one with
       * the most room; with none, the least loaded (the check says so). */
      for (int g = 0; g < d->n_gw; g++) {
        if (gw_host(c, ph, g) == h) continue;
        if (best < 0 || better_backup(c, g, best, p, size, true)) best = g;
      }
      ph->backup[e] = best;
      if (best >= 0) {
        c->gw_after[best] += size;
        c->ms_after[d->gw_ms[best]] += size;
      }
    }
  }
  /* Failovers: the design's, unless it is on the management server's own
   * host or the design left it to the model; then, management server by
   * management server, its gateways busiest first each to the one off its
   * host with the most room were it alone failed. A host's loss is
   * checked below. */
  const rm_plan_design *d0 = &pl->design[c->s];
  for (int m = 0; m < d->n_ms; m++) {
    for (int x = 0; x < d->n_ms; x++) c->ms_after[x] = d->ms_load[x];
    int n = 0;
    for (int g = 0; g < d->n_gw; g++) {
      if (d->gw_ms[g] != m) continue;
      int f = g < d0->n_gw ? d0->gw_failover[g] : -1;
      if (f >= 0 && ms_host(c, ph, f) != ms_host(c, ph, m)) {
        ph->gw_failover[g] = f;
        c->ms_after[f] += d->gw_load[g];
      } else {
        c->order[n++] = g;
      }
    }
    rm_sort_desc(d->gw_load, c->order, c->tmp, n);
    for (int k = 0; k < n; k++) {
      int g = c->order[k], best = -1;
      for (int x = 0; x < d->n_ms; x++)
        if (ms_host(c, ph, x) != ms_host(c, ph, m) && (best < 0 || c->ms_after[x] < c->ms_after[best])) best = x;
      ph->gw_failover[g] = best;
      if (best >= 0) c->ms_after[best] += d->gw_load[g];
    }
  }
}

/* 3. One failure (a host lost, a gateway or a management server failed; -1
 * for none of each): whether everything holds. Each host's processors
 * asked go to c->ask; why says what broke. */
static bool check(ctx *c, rm_plan_hosts *ph, int lost_host, int lost_gw, int lost_ms, char *why, size_t n) {
  const rm_plan_design *d = c->d;
  const rm_plan *pl = c->pl;
  char a[32];
  for (int g = 0; g < d->n_gw; g++) {
    c->gw_down[g] = g == lost_gw || gw_host(c, ph, g) == lost_host;
    c->gw_after[g] = c->gw_down[g] ? 0 : d->gw_load[g];
  }
  for (int m = 0; m < d->n_ms; m++) {
    c->ms_down[m] = m == lost_ms || ms_host(c, ph, m) == lost_host;
    c->ms_after[m] = 0;
  }
  const char *what = lost_host >= 0 ? "host-" : lost_gw >= 0 ? "gw-" : lost_ms >= 0 ? "ms-" : NULL;
  int which = 1 + (lost_host >= 0 ? lost_host : lost_gw >= 0 ? lost_gw : lost_ms);
  char lost[48] = "nothing failed";
  if (what) snprintf(lost, sizeof lost, "%s%d lost", what, which);
  for (int e = 0; e < pl->n_ess; e++) {
    if (!c->gw_down[d->primary[e]]) continue;
    int bk = ph->backup[e];
    if (bk < 0 || c->gw_down[bk]) {
      rm_plan_ess_name(pl, c->in, e, a, sizeof a);
      snprintf(why, n, "%s leaves %s no gateway", lost, a);
      return false;
    }
    c->gw_after[bk] += pl->size[e];
  }
  for (int g = 0; g < d->n_gw; g++) {
    if (c->gw_down[g]) continue;
    if (c->gw_after[g] > c->in->gw_limit) {
      snprintf(why, n, "%s puts %lld agents on gw-%d, over its %d", lost, (long long)c->gw_after[g], g + 1,
               c->in->gw_limit);
      return false;
    }
    int m = c->ms_down[d->gw_ms[g]] ? ph->gw_failover[g] : d->gw_ms[g];
    if (m < 0 || c->ms_down[m]) {
      snprintf(why, n, "%s leaves gw-%d no management server", lost, g + 1);
      return false;
    }
    c->ms_after[m] += c->gw_after[g];
  }
  for (int m = 0; m < d->n_ms; m++)
    if (!c->ms_down[m] && c->ms_after[m] > c->in->ms_limit) {
      snprintf(why, n, "%s puts %lld agents on ms-%d, over its %d", lost, (long long)c->ms_after[m], m + 1,
               c->in->ms_limit);
      return false;
    }
  /* The hosts up: processors asked at these loads. A cluster's node is
   * asked for the whole group's, whichever is active. */
  for (int h = 0; h < c->H; h++) c->ask[h] = 0;
  for (int v = 0; v < c->n_vm; v++) {
    int h = ph->vm_host[v];
    if (h == lost_host) continue;
    double load = v < V_MS ? (double)pl->agents
                           : v < V_MS + d->n_ms ? (c->ms_down[v - V_MS] ? 0 : (double)c->ms_after[v - V_MS])
                                                : (double)c->gw_after[v - V_MS - d->n_ms];
    c->ask[h] += ask_of(c, v, load);
  }
  const rm_hw_model *hm = c->hi->host;
  double th = c->hi->hw->threshold[RM_RES_CPU];
  for (int h = 0; h < c->H; h++)
    if (h != lost_host && c->ask[h] > th * hm->processors) {
      snprintf(why, n, "%s asks %.1f of host-%d's %d processors (%.0f %%, over %.0f %%)", lost, c->ask[h], h + 1,
               hm->processors, 100 * c->ask[h] / hm->processors, 100 * th);
      return false;
    }
  return true;
}

static bool try_placed(ctx *c, rm_plan_hosts *ph, int H, char *why, size_t n);

/* Whether H hosts hold, placed by processors asked or else by the fuller
 * share; ph filled for them (why: the first placement's failure). */
static bool try_hosts(ctx *c, rm_plan_hosts *ph, int H, char *why, size_t n) {
  char other[600];
  c->by_share = false;
  if (try_placed(c, ph, H, why, n)) return true;
  c->by_share = true;
  return try_placed(c, ph, H, other, sizeof other);
}

static bool try_placed(ctx *c, rm_plan_hosts *ph, int H, char *why, size_t n) {
  c->H = H;
  ph->n_hosts = H;
  int v = place(c, ph);
  if (v >= 0) { /* the servers placed so far are shown; none is backed up or fails over */
    for (int h = 0; h < H; h++) {
      ph->host_worst[h] = ph->host_ask[h];
      ph->host_worst_by[h] = -1;
    }
    for (int e = 0; e < c->pl->n_ess; e++) ph->backup[e] = -1;
    for (int g = 0; g < c->d->n_gw; g++) ph->gw_failover[g] = -1;
    char name[32], a[32], b[32];
    rm_plan_hosts_vm_name(c->d, v, name, sizeof name);
    snprintf(why, n, "%s's %s find no room on %d host%s of %s (the servers' memory, each host's committed in full, "
                     "or its cluster's other node)",
             name, rm_size_format(c->model[v]->memory, a, sizeof a), H, H == 1 ? "" : "s",
             rm_size_format(c->hi->host->memory, b, sizeof b));
    return false;
  }
  choose(c, ph);
  for (int h = 0; h < H; h++) {
    ph->host_worst[h] = ph->host_ask[h];
    ph->host_worst_by[h] = -1;
  }
  const rm_plan_design *d = c->d;
  bool gws = c->s == RM_SURVIVE_GATEWAY || c->s == RM_SURVIVE_EITHER;
  bool mss = c->s == RM_SURVIVE_MS || c->s == RM_SURVIVE_EITHER;
  int cases = 1 + (gws ? d->n_gw : 0) + (mss ? d->n_ms : 0) + (c->hi->survive_host ? H : 0);
  for (int k = 0; k < cases; k++) {
    int lh = -1, lg = -1, lm = -1, i = k - 1;
    if (i >= 0 && gws) {
      if (i < d->n_gw) lg = i;
      i -= d->n_gw;
    }
    if (lg < 0 && i >= 0 && mss) {
      if (i < d->n_ms) lm = i;
      i -= d->n_ms;
    }
    if (lg < 0 && lm < 0 && i >= 0) lh = i;
    if (!check(c, ph, lh, lg, lm, why, n)) return false;
    for (int h = 0; h < H; h++)
      if (h != lh && c->ask[h] > ph->host_worst[h]) {
        ph->host_worst[h] = c->ask[h];
        ph->host_worst_by[h] = lh;
      }
  }
  return true;
}

/* The design with `extra` spare gateways more (their names follow the
 * design's; each on the management server with the fewest gateways, ties
 * the first). */
static void with_spares(ctx *c, rm_plan_hosts *ph, int extra) {
  const rm_plan_design *d0 = &c->pl->design[c->s];
  rm_plan_design *d = &ph->d;
  d->n_gw = d0->n_gw + extra;
  int *count = c->order; /* scratch: gateways per management server */
  for (int m = 0; m < d->n_ms; m++) count[m] = 0;
  for (int g = 0; g < d0->n_gw; g++) count[d0->gw_ms[g]]++;
  for (int g = d0->n_gw; g < d->n_gw; g++) {
    int best = 0;
    for (int m = 1; m < d->n_ms; m++)
      if (count[m] < count[best]) best = m;
    d->gw_ms[g] = best;
    d->gw_load[g] = 0;
    count[best]++;
  }
  c->n_vm = V_MS + d->n_ms + d->n_gw;
  ph->n_vms = c->n_vm;
  ph->extra = extra;
}

/* Whether H hosts hold with `extra` spares (more hosts than servers never
 * do); ph filled for them. */
static bool holds(ctx *c, rm_plan_hosts *ph, int H, int extra, char *why, size_t n) {
  with_spares(c, ph, extra);
  if (H > c->n_vm) {
    snprintf(why, n, "%d hosts for %d servers", H, c->n_vm);
    return false;
  }
  return try_hosts(c, ph, H, why, n);
}

/* The fewest spares (0 .. extra_max) with which H hosts hold, found by
 * galloping (0, 1, 2, 4, ...) then bisecting; -1 when none does. ph is
 * left filled for the answer; why0 gets why none did without spares. */
static int fewest_spares(ctx *c, rm_plan_hosts *ph, int H, int extra_max, char *why0, size_t n) {
  char why[600];
  if (holds(c, ph, H, 0, why0, n)) return 0;
  int lo = 0, hi = -1;
  for (int e = 1; hi < 0; e = e > extra_max / 2 ? extra_max : 2 * e) {
    if (e > extra_max) return -1;
    if (holds(c, ph, H, e, why, sizeof why)) hi = e;
    else if (e == extra_max) return -1;
    else lo = e;
  }
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (holds(c, ph, H, mid, why, sizeof why)) hi = mid;
    else lo = mid;
  }
  holds(c, ph, H, hi, why, sizeof why);
  return hi;
}

int rm_plan_hosts_make(rm_plan_hosts *ph, const rm_plan *pl, const rm_plan_input *in, rm_survive s,
                       const rm_plan_hosts_input *hi, char *err, size_t errlen) {
  memset(ph, 0, sizeof *ph);
  const rm_plan_design *d0 = &pl->design[s];
  rm_plan_design *d = &ph->d;
  ctx c = {.pl = pl, .in = in, .d = d, .s = s, .hi = hi};
  /* Spare gateways: a host's loss fails several at once, and their
   * customers need room the single failures' design may not have. */
  int extra_max = d0->n_gw;
  int n_gw = d0->n_gw + extra_max, most = V_MS + d0->n_ms + n_gw; /* one server a host: more never helps */
  size_t big = (size_t)(pl->n_ess > most ? pl->n_ess : most) + 1;
  *d = *d0;
  d->primary = calloc((size_t)pl->n_ess + 1, sizeof *d->primary);
  d->backup = NULL;
  d->gw_failover = NULL;
  d->gw_ms = calloc((size_t)n_gw + 1, sizeof *d->gw_ms);
  d->gw_load = calloc((size_t)n_gw + 1, sizeof *d->gw_load);
  d->ms_load = calloc((size_t)d0->n_ms + 1, sizeof *d->ms_load);
  c.model = calloc((size_t)most, sizeof *c.model);
  c.gw_after = calloc((size_t)n_gw + 1, sizeof *c.gw_after);
  c.ms_after = calloc((size_t)d0->n_ms + 1, sizeof *c.ms_after);
  c.gw_down = calloc((size_t)n_gw + 1, sizeof *c.gw_down);
  c.ms_down = calloc((size_t)d0->n_ms + 1, sizeof *c.ms_down);
  c.ask = calloc((size_t)most, sizeof *c.ask);
  c.order = calloc(big, sizeof *c.order);
  c.tmp = calloc(big, sizeof *c.tmp);
  c.key = calloc(big, sizeof *c.key);
  ph->vm_host = calloc((size_t)most, sizeof *ph->vm_host);
  ph->vm_ask = calloc((size_t)most, sizeof *ph->vm_ask);
  ph->host_memory = calloc((size_t)most, sizeof *ph->host_memory);
  ph->host_ask = calloc((size_t)most, sizeof *ph->host_ask);
  ph->host_worst = calloc((size_t)most, sizeof *ph->host_worst);
  ph->host_worst_by = calloc((size_t)most, sizeof *ph->host_worst_by);
  ph->backup = calloc((size_t)pl->n_ess + 1, sizeof *ph->backup);
  ph->gw_failover = calloc((size_t)n_gw + 1, sizeof *ph->gw_failover);
  int rc = -1;
  if (!d->primary || !d->gw_ms || !d->gw_load || !d->ms_load || !c.model || !c.gw_after || !c.ms_after ||
      !c.gw_down || !c.ms_down || !c.ask || !c.order || !c.tmp || !c.key || !ph->vm_host || !ph->vm_ask ||
      !ph->host_memory || !ph->host_ask || !ph->host_worst || !ph->host_worst_by || !ph->backup || !ph->gw_failover) {
    snprintf(err, errlen, "out of memory placing the design on hosts");
    goto done;
  }
  memcpy(d->primary, d0->primary, (size_t)pl->n_ess * sizeof *d->primary);
  memcpy(d->gw_ms, d0->gw_ms, (size_t)d0->n_gw * sizeof *d->gw_ms);
  memcpy(d->gw_load, d0->gw_load, (size_t)d0->n_gw * sizeof *d->gw_load);
  memcpy(d->ms_load, d0->ms_load, (size_t)d0->n_ms * sizeof *d->ms_load);
  for (int r = 0; r < RM_HW_ROLES; r++) rm_hw_costs_of((rm_hw_role)r, hi->hw->profile, &c.costs[r]);
  with_spares(&c, ph, extra_max); /* every server's model, under its name */
  double ask = 0;
  int64_t mem = 0;
  for (int v = 0; v < most; v++) {
    char name[32];
    rm_plan_hosts_vm_name(d, v, name, sizeof name);
    c.model[v] = rm_hw_of(hi->hw, vm_role(&c, v), name);
    if (c.model[v]->memory > hi->host->memory) {
      char a[32], b[32];
      snprintf(err, errlen, "%s (%s, %s) is larger than a host of %s (%s)", name, c.model[v]->name,
               rm_size_format(c.model[v]->memory, a, sizeof a), hi->host->name,
               rm_size_format(hi->host->memory, b, sizeof b));
      goto done;
    }
    if (v >= V_MS + d0->n_ms + d0->n_gw) continue; /* spares carry nothing */
    ask += ask_of(&c, v, load_of(&c, v));
    mem += c.model[v]->memory;
  }
  char why[600];
  if (hi->count > 0) {
    if (hi->count > most) {
      snprintf(err, errlen, "%d hosts for at most %d servers: a host needs a server", hi->count, most);
      goto done;
    }
    ph->held = fewest_spares(&c, ph, hi->count, extra_max, ph->why_fewer, sizeof ph->why_fewer) >= 0;
    if (!ph->held) holds(&c, ph, hi->count, 0, why, sizeof why); /* as given, without spares, to show why */
    rc = 0;
    goto done;
  }
  /* From the least the processors asked and the memory need (and two, for
   * the clusters' nodes) up; at each, the fewest spares that hold. */
  double room = hi->hw->threshold[RM_RES_CPU] * hi->host->processors;
  int least = (int)ceil(ask / room - 1e-9);
  int by_mem = (int)((mem + hi->host->memory - 1) / hi->host->memory);
  if (by_mem > least) least = by_mem;
  if (least < 2) least = 2;
  /* Hosts: from the least up, one at a time (whether H hosts hold, with
   * this placement, does not only grow with H: 7 may hold where 8 do not). */
  char why_lo[600] = "";
  for (int H = least; H <= most; H++) {
    if (fewest_spares(&c, ph, H, extra_max, why, sizeof why) >= 0) {
      ph->held = true;
      if (H > least) {
        ph->fewer = H - 1;
        snprintf(ph->why_fewer, sizeof ph->why_fewer, "%s", why_lo);
      }
      rc = 0;
      goto done;
    }
    snprintf(why_lo, sizeof why_lo, "%s", why);
  }
  snprintf(err, errlen, "no number of hosts of %s holds the design, even with spare gateways: %s", hi->host->name,
           why_lo);
done:
  free(c.model);
  free(c.gw_after);
  free(c.ms_after);
  free(c.gw_down);
  free(c.ms_down);
  free(c.ask);
  free(c.order);
  free(c.tmp);
  free(c.key);
  if (rc) rm_plan_hosts_free(ph);
  return rc;
}

void rm_plan_hosts_free(rm_plan_hosts *ph) {
  free(ph->d.primary);
  free(ph->d.gw_ms);
  free(ph->d.gw_load);
  free(ph->d.ms_load);
  free(ph->vm_host);
  free(ph->vm_ask);
  free(ph->host_memory);
  free(ph->host_ask);
  free(ph->host_worst);
  free(ph->host_worst_by);
  free(ph->backup);
  free(ph->gw_failover);
  memset(ph, 0, sizeof *ph);
}
