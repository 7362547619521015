/* rm_fault: building and running the timeline of faults (see rm_fault.h). */
#include "rm_fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_units.h"

/* ---- building ---- */

static int add_target(rm_timeline *tl, rm_node *n) {
  if (tl->n_targets == tl->cap_targets) {
    int cap = tl->cap_targets ? tl->cap_targets * 2 : 64;
    rm_node **v = realloc(tl->targets, (size_t)cap * sizeof *v);
    if (!v) return -1;
    tl->targets = v;
    tl->cap_targets = cap;
  }
  tl->targets[tl->n_targets++] = n;
  return 0;
}

static int add_step(rm_timeline *tl, rs_time_t t, int fault, rm_action a, int first, int n, rs_time_t repair,
                    int holder) {
  if (tl->n_steps == tl->cap_steps) {
    int cap = tl->cap_steps ? tl->cap_steps * 2 : 64;
    rm_step *v = realloc(tl->steps, (size_t)cap * sizeof *v);
    if (!v) return -1;
    tl->steps = v;
    tl->cap_steps = cap;
  }
  tl->steps[tl->n_steps++] = (rm_step){
      .t = t, .fault = fault, .holder = holder, .action = a, .first = first, .n = n, .host = -1, .repair = repair};
  return 0;
}

/* The host a target names (its index in the scenario's hosts), or -1. */
static int host_named(const rm_group *g, const char *t) {
  return t && g->sc->n_hosts ? (int)rm_index_get(&g->sc->host_index, t) : -1;
}

/* Append every server host h runs, in the order it names them. */
static int add_host(rm_timeline *tl, rm_group *g, int h) {
  const rm_host_spec *hs = &g->sc->hosts[h];
  int rc = 0;
  for (int i = 0; i < hs->n_runs && !rc; i++) {
    rm_node *vm = rm_group_find(g, hs->runs[i]);
    rc = vm ? add_target(tl, vm) : -1;
  }
  return rc;
}

/* Append a customer's Essentials servers (with ess) and then their agents
 * (with agents), in id order. -1 when no customer has that name or memory
 * ran out. */
static int add_customer(rm_timeline *tl, rm_group *g, const char *customer, bool ess, bool agents) {
  int first, n, rc = 0;
  if (rm_group_customer(g, customer, &first, &n)) return -1;
  for (int i = first; ess && i < first + n && !rc; i++) rc = add_target(tl, &g->ess[i].node);
  for (int i = first; agents && i < first + n && !rc; i++) {
    const rm_essentials *e = &g->ess[i];
    int64_t end = e->first_agent + e->servers + e->clients;
    for (int64_t a = e->first_agent; a < end && !rc; a++) rc = add_target(tl, &g->agents[a].node);
  }
  return rc;
}

/* Append the nodes a target names to tl->targets. */
static int resolve(rm_timeline *tl, rm_group *g, rm_fault_kind kind, const char *t) {
  const char *sel;
  if (strncmp(t, "link:", 5) == 0) {
    rm_node *n = rm_group_find(g, t + 5);
    return n ? add_target(tl, n) : -1;
  }
  if (strncmp(t, "links:", 6) == 0 || strncmp(t, "role:", 5) == 0) {
    const char *r = strchr(t, ':') + 1;
    int rc = 0;
    if (strcmp(r, "essentials") == 0)
      for (int i = 0; i < g->n_ess && !rc; i++) rc = add_target(tl, &g->ess[i].node);
    else if (strcmp(r, "gateway") == 0)
      for (int i = 0; i < g->n_gw && !rc; i++) rc = add_target(tl, &g->gw[i].node);
    else if (strcmp(r, "management_server") == 0)
      for (int i = 0; i < g->n_ms && !rc; i++) rc = add_target(tl, &g->ms[i].node);
    else if (strcmp(r, "agent") == 0 || strcmp(r, "server") == 0 || strcmp(r, "client") == 0) {
      int want = strcmp(r, "agent") == 0 ? -1 : strcmp(r, "server") == 0;
      for (int64_t a = 0; a < g->n_agents && !rc; a++)
        if (want < 0 || g->agents[a].server == (bool)want) rc = add_target(tl, &g->agents[a].node);
    } else if (strcmp(r, "rms_node") == 0)
      rc = add_target(tl, &g->rms.member[0]) || add_target(tl, &g->rms.member[1]);
    else if (strcmp(r, "sql_node") == 0)
      rc = add_target(tl, &g->sql.member[0]) || add_target(tl, &g->sql.member[1]);
    return rc;
  }
  if ((sel = strncmp(t, "customer:", 9) == 0 ? t + 9 : strncmp(t, "agents:", 7) == 0 ? t + 7 : NULL))
    return add_customer(tl, g, sel,
                        t[0] == 'c' && kind != RM_FAULT_STOP_HEALTH && kind != RM_FAULT_MAINTENANCE &&
                            kind != RM_FAULT_STORM,
                        true);
  int h = host_named(g, t);
  if (h >= 0) return add_host(tl, g, h); /* a host: every virtual server on it */
  rm_node *n = rm_group_find(g, t);
  return n ? add_target(tl, n) : -1;
}

/* Keep a random share or count of targets[first ..], in their order. */
static void subset(rm_timeline *tl, int first, const rm_fault_spec *f, rs_rng *rng) {
  int n = tl->n_targets - first;
  int keep = f->count > 0 ? f->count : f->share > 0 ? (int)(f->share * n + 0.5) : n;
  if (f->share > 0 && keep == 0 && n > 0) keep = 1;
  if (keep >= n) return;
  rm_node **v = tl->targets + first;
  /* Partial Fisher-Yates, then back into their first order (by id). */
  for (int i = 0; i < keep; i++) {
    int j = i + (int)rs_rng_below(rng, (uint64_t)(n - i));
    rm_node *x = v[i];
    v[i] = v[j];
    v[j] = x;
  }
  for (int i = 1; i < keep; i++) {
    rm_node *x = v[i];
    int j = i;
    while (j > 0 && v[j - 1]->id > x->id) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
  tl->n_targets = first + keep;
}

/* a + b x c for times (b, c >= 0), held at RS_TIME_MAX rather than
 * wrapped: a step past any run's end never runs. */
static rs_time_t time_after(rs_time_t a, int64_t b, rs_time_t c) {
  if (b == 0 || c == 0) return a;
  if (b > (RS_TIME_MAX - a) / c) return RS_TIME_MAX;
  return a + b * c;
}

/* The steps of one fault of the scenario. */
static int build_fault(rm_timeline *tl, rm_group *g, int fi, char *err, size_t errlen) {
  const rm_fault_spec *f = &g->sc->faults[fi];
  rs_rng rng;
  rs_rng_init(&rng, g->sc->seed, rs_stream_id(f->id) ^ 0x6661756c74ull /* "fault" */);
  /* A random time in the window, to the second. */
  rs_time_t at = f->at_to > f->at
                     ? f->at + (rs_time_t)rs_rng_below(&rng, (uint64_t)((f->at_to - f->at) / RS_SEC + 1)) * RS_SEC
                     : f->at;
  rs_time_t end = f->duration == RS_TIME_MAX || f->duration > RS_TIME_MAX - at ? RS_TIME_MAX : at + f->duration;
  int first = tl->n_targets, first_step = tl->n_steps, rc = 0;
  bool link = false;
  /* A rolling restart's units, restarted one after another: each node it
   * names or selects, a host (with every server on it) counting as one.
   * Their first targets, and the host each is (or -1), one more than
   * there are units at most. */
  int n_units = 0, *unit_first = NULL, *unit_host = NULL;
  bool nomem = false;
  switch (f->kind) {
  case RM_FAULT_DC_OUTAGE:
    rc = resolve(tl, g, f->kind, "links:essentials");
    link = true;
    break;
  case RM_FAULT_SLOW_SQL: rc = add_target(tl, &g->sql.node); break;
  case RM_FAULT_SITE_OUTAGE: /* the links of every Essentials server of the customer */
    rc = add_customer(tl, g, f->target, true, false);
    link = true;
    break;
  case RM_FAULT_ROLLING:
    if (f->list) {
      unit_first = malloc((size_t)(f->n_list + 1) * sizeof *unit_first);
      unit_host = malloc((size_t)(f->n_list + 1) * sizeof *unit_host);
      rc = nomem = !unit_first || !unit_host;
      for (int i = 0; i < f->n_list && !rc; i++, n_units++) {
        unit_first[i] = tl->n_targets;
        unit_host[i] = host_named(g, f->list[i]);
        rc = resolve(tl, g, f->kind, f->list[i]);
      }
    } else {
      rc = resolve(tl, g, f->kind, f->target);
      int h = host_named(g, f->target), n = tl->n_targets - first;
      n_units = h >= 0 ? 1 : n;
      unit_first = malloc((size_t)(n_units + 1) * sizeof *unit_first);
      unit_host = malloc((size_t)(n_units + 1) * sizeof *unit_host);
      if (!rc && (!unit_first || !unit_host)) rc = nomem = true;
      for (int k = 0; k < n_units && !rc; k++) {
        unit_first[k] = first + k;
        unit_host[k] = h;
      }
    }
    if (!rc) unit_first[n_units] = tl->n_targets;
    break;
  default:
    rc = resolve(tl, g, f->kind, f->target);
    link = f->kind == RM_FAULT_CUT || f->kind == RM_FAULT_DEGRADE || strncmp(f->target, "link:", 5) == 0 ||
           strncmp(f->target, "links:", 6) == 0;
  }
  if (rc) {
    free(unit_first);
    free(unit_host);
    if (nomem)
      snprintf(err, errlen, "out of memory building the timeline");
    else
      snprintf(err, errlen, "%s: cannot find the fault's nodes (%s)", f->where, f->target ? f->target : "");
    return -1;
  }
  if (f->count > tl->n_targets - first) {
    snprintf(err, errlen, "%s: count: %d, but %s selects %d", f->where, f->count, f->target ? f->target : "the fault",
             tl->n_targets - first);
    return -1;
  }
  subset(tl, first, f, &rng);
  int n = tl->n_targets - first;
  rm_action down = link ? RM_ACT_LINK_DOWN : RM_ACT_NODE_DOWN, up = link ? RM_ACT_LINK_UP : RM_ACT_NODE_UP;
  if (f->kind == RM_FAULT_DEGRADE) down = RM_ACT_DEGRADE, up = RM_ACT_UNDEGRADE;
  if (f->kind == RM_FAULT_SLOW_SQL) down = RM_ACT_SQL_SLOW, up = RM_ACT_SQL_NORMAL;
  if (f->kind == RM_FAULT_STOP_HEALTH) down = RM_ACT_HEALTH_STOP, up = RM_ACT_HEALTH_START;
  if (f->kind == RM_FAULT_MAINTENANCE) down = RM_ACT_MAINT_ON, up = RM_ACT_MAINT_OFF;
  if (f->kind == RM_FAULT_STORM) down = RM_ACT_STORM_ON, up = RM_ACT_STORM_OFF;
  rm_fault_window *w = &tl->windows[fi];
  w->start = at;
  w->end = end;
  w->n_nodes = n;
  switch (f->kind) {
  case RM_FAULT_FLAP:
    for (int k = 0; k < f->times && !rc; k++)
      rc = add_step(tl, time_after(at, 2 * (int64_t)k, f->every), fi, down, first, n, 0, fi) ||
           add_step(tl, time_after(at, 2 * (int64_t)k + 1, f->every), fi, up, first, n, 0, fi);
    w->end = time_after(at, 2 * (int64_t)f->times - 1, f->every);
    break;
  case RM_FAULT_ROLLING:
    for (int k = 0; k < n_units && !rc; k++) {
      int uf = unit_first[k], un = unit_first[k + 1] - uf;
      rc = add_step(tl, time_after(at, k, f->gap), fi, down, uf, un, 0, fi) ||
           add_step(tl, time_after(time_after(at, k, f->gap), 1, f->duration), fi, up, uf, un, 0, fi);
      if (!rc) tl->steps[tl->n_steps - 2].host = tl->steps[tl->n_steps - 1].host = unit_host[k];
    }
    w->end = time_after(time_after(at, n_units > 0 ? n_units - 1 : 0, f->gap), 1, f->duration);
    break;
  case RM_FAULT_PATCH:
    /* Each window: every node restarts once, down for 0.5 to 1.5 times
     * `down` (assumed uniform), at a time in the window that ends it
     * within the window; agents in maintenance mode over the window when
     * asked. */
    for (int k = 0; k < f->times && !rc; k++) {
      rs_time_t ws = f->monthly_nth ? (k ? rm_monthly_next(f, g->sc->start, w->end + 1) : at) : time_after(at, k, f->every);
      if (ws < 0) break;
      rs_time_t we = time_after(ws, 1, f->window);
      w->end = we;
      if (f->maintenance) rc = add_step(tl, ws, fi, RM_ACT_MAINT_ON, first, n, 0, fi);
      for (int i = 0; i < n && !rc; i++) {
        rs_time_t d = f->down / 2 + (rs_time_t)rs_rng_below(&rng, (uint64_t)f->down + 1);
        if (d > f->window) d = f->window;
        if (d < 1) d = 1;
        rs_time_t r = ws + (rs_time_t)rs_rng_below(&rng, (uint64_t)(f->window - d) + 1);
        rc = add_step(tl, r, fi, RM_ACT_NODE_DOWN, first + i, 1, 0, fi) ||
             add_step(tl, r + d, fi, RM_ACT_NODE_UP, first + i, 1, 0, fi);
      }
      if (f->maintenance && !rc) rc = add_step(tl, we, fi, RM_ACT_MAINT_OFF, first, n, 0, fi);
    }
    break;
  case RM_FAULT_STEP: {
    rm_action a = f->action == RM_STEP_UP ? (link ? up : RM_ACT_ALL_UP) : down;
    if (f->action == RM_STEP_DEGRADE)
      a = f->target && strcmp(f->target, "sql") == 0 ? RM_ACT_SQL_SLOW : RM_ACT_DEGRADE;
    if (f->action == RM_STEP_STORM) a = RM_ACT_STORM_ON; /* until an up of the agent */
    rc = add_step(tl, at, fi, a, first, n, 0, fi);
    w->end = at;
    break;
  }
  default:
    rc = add_step(tl, at, fi, down, first, n, 0, fi);
    if (!rc && end != RS_TIME_MAX) rc = add_step(tl, end, fi, up, first, n, 0, fi);
  }
  /* A host's servers go down and come back with it: its steps say so. */
  int h = f->kind != RM_FAULT_ROLLING ? host_named(g, f->target) : -1;
  for (int i = first_step; h >= 0 && i < tl->n_steps; i++) tl->steps[i].host = h;
  free(unit_first);
  free(unit_host);
  if (rc) snprintf(err, errlen, "out of memory building the timeline");
  return rc;
}

/* The random failures of one node (n), or of host h (every server on it
 * at once; n NULL): up times drawn from Exp(MTBF) and repairs from
 * Exp(MTTR) or a lognormal, from rng, until the end of the run. Each
 * failure holds its nodes on its own (a holder of its own), so that a
 * server down for two reasons at once comes back when both are over. */
static int draw_random(rm_timeline *tl, rm_group *g, const rm_random_failures *rf, rs_rng *rng, rm_node *n, int h) {
  rs_time_t t = rs_rng_exp_time(rng, rf->mtbf);
  int first = -1, count = n ? 1 : g->sc->hosts[h].n_runs;
  while (t < g->sc->duration) {
    double d = rf->lognormal ? rs_rng_lognormal_mean(rng, (double)rf->mttr, rf->cv)
                             : rs_rng_exponential(rng, (double)rf->mttr);
    rs_time_t repair = d < 1 ? 1 : d > 1e17 ? (rs_time_t)1e17 : (rs_time_t)(d + 0.5);
    if (first < 0) {
      first = tl->n_targets;
      if (n ? add_target(tl, n) : add_host(tl, g, h)) return -1;
    }
    int holder = -2 - (int)tl->random_failures;
    if (add_step(tl, t, -1, RM_ACT_NODE_DOWN, first, count, repair, holder) ||
        add_step(tl, t + repair, -1, RM_ACT_NODE_UP, first, count, 0, holder))
      return -1;
    tl->steps[tl->n_steps - 2].host = tl->steps[tl->n_steps - 1].host = n ? -1 : h;
    tl->random_failures++;
    t += repair + rs_rng_exp_time(rng, rf->mtbf);
  }
  return 0;
}

/* Random failures: for each node of a role with an MTBF, from the node's
 * own stream; for each host, from the host's own (its name, with another
 * salt than a node's), so that a host's draws change nobody else's. */
static int build_random(rm_timeline *tl, rm_group *g) {
  const rm_scenario *sc = g->sc;
  for (int r = 0; r < RM_RANDOM_ROLES; r++) {
    const rm_random_failures *rf = &sc->random[r];
    if (rf->mtbf <= 0) continue;
    rs_rng rng;
    if (r == RM_RANDOM_HOST) {
      for (int h = 0; h < sc->n_hosts; h++) {
        rs_rng_init(&rng, sc->seed, rs_stream_id(sc->hosts[h].name) ^ 0x686f737472616e64ull /* "hostrand" */);
        if (draw_random(tl, g, rf, &rng, NULL, h)) return -1;
      }
      continue;
    }
    int64_t count = r == RM_RANDOM_AGENT ? g->n_agents : r == RM_RANDOM_ESSENTIALS ? g->n_ess
                  : r == RM_RANDOM_GATEWAY ? g->n_gw : r == RM_RANDOM_MS ? g->n_ms : 2;
    for (int64_t i = 0; i < count; i++) {
      rm_node *n = r == RM_RANDOM_AGENT ? &g->agents[i].node : r == RM_RANDOM_ESSENTIALS ? &g->ess[i].node
                 : r == RM_RANDOM_GATEWAY ? &g->gw[i].node : r == RM_RANDOM_MS ? &g->ms[i].node
                 : r == RM_RANDOM_RMS_NODE ? &g->rms.member[i] : &g->sql.member[i];
      rs_rng_init(&rng, sc->seed, rs_stream_id(n->name) ^ 0x72616e646f6dull /* "random" */);
      if (draw_random(tl, g, rf, &rng, n, -1)) return -1;
    }
  }
  return 0;
}

/* Sort by time, keeping the order of writing among equal times. */
static void sort_steps(rm_timeline *tl) {
  /* A merge sort: stable, and O(n log n) for the many steps of random
   * failures. */
  int n = tl->n_steps;
  rm_step *tmp = malloc((size_t)(n ? n : 1) * sizeof *tmp);
  if (!tmp) { /* fall back to a stable insertion sort */
    for (int i = 1; i < n; i++) {
      rm_step x = tl->steps[i];
      int j = i;
      while (j > 0 && tl->steps[j - 1].t > x.t) {
        tl->steps[j] = tl->steps[j - 1];
        j--;
      }
      tl->steps[j] = x;
    }
    return;
  }
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = tl->steps[j].t < tl->steps[i].t ? tl->steps[j++] : tl->steps[i++];
      while (i < mid) tmp[k++] = tl->steps[i++];
      while (j < hi) tmp[k++] = tl->steps[j++];
    }
    memcpy(tl->steps, tmp, (size_t)n * sizeof *tmp);
  }
  free(tmp);
}

static void timeline_cb(rs_sim *sim, rs_event *ev);

int rm_timeline_build(rm_timeline *tl, rm_group *g, char *err, size_t errlen) {
  memset(tl, 0, sizeof *tl);
  tl->n_windows = g->sc->n_faults;
  tl->windows = calloc((size_t)(tl->n_windows ? tl->n_windows : 1), sizeof *tl->windows);
  if (!tl->windows) {
    snprintf(err, errlen, "out of memory building the timeline");
    return -1;
  }
  tl->replay_start = tl->replay_end = tl->replay_last = -1;
  tl->replay_live = g->sc->replay_live;
  for (int f = 0; f < g->sc->n_faults; f++) {
    if (build_fault(tl, g, f, err, errlen)) return -1;
    if (g->sc->faults[f].kind != RM_FAULT_STEP) continue;
    if (tl->replay_start < 0 || tl->windows[f].start < tl->replay_start) tl->replay_start = tl->windows[f].start;
    if (tl->windows[f].start > tl->replay_end) tl->replay_end = tl->windows[f].start;
  }
  if (build_random(tl, g)) {
    snprintf(err, errlen, "out of memory drawing random failures");
    return -1;
  }
  sort_steps(tl);
  rs_event_init(&tl->ev, timeline_cb);
  return 0;
}

int rm_timeline_add(rm_timeline *tl, rm_group *g, int f, char *err, size_t errlen) {
  rm_fault_window *w = realloc(tl->windows, (size_t)(f + 1) * sizeof *w);
  if (!w) {
    snprintf(err, errlen, "out of memory adding a fault");
    return -1;
  }
  memset(&w[f], 0, sizeof w[f]);
  tl->windows = w;
  tl->n_windows = f + 1;
  int before = tl->n_steps, targets_before = tl->n_targets;
  if (build_fault(tl, g, f, err, errlen)) { /* as it was: the line is refused */
    tl->n_steps = before;
    tl->n_targets = targets_before;
    tl->n_windows = f;
    return -1;
  }
  if (g->sc->faults[f].kind == RM_FAULT_STEP) {
    if (tl->replay_start < 0 || tl->windows[f].start < tl->replay_start) tl->replay_start = tl->windows[f].start;
    if (tl->windows[f].start > tl->replay_end) tl->replay_end = tl->windows[f].start;
  }
  /* Each new step moves down to its place among the steps to come. */
  for (int k = before; k < tl->n_steps; k++) {
    rm_step s = tl->steps[k];
    int p = tl->next;
    while (p < k && (tl->steps[p].t < s.t || (tl->steps[p].t == s.t && tl->steps[p].fault >= 0))) p++;
    memmove(&tl->steps[p + 1], &tl->steps[p], (size_t)(k - p) * sizeof s);
    tl->steps[p] = s;
  }
  /* The timeline's event waits for the first step to come. */
  if (tl->next < tl->n_steps && tl->steps[tl->next].t <= RS_SIM_TIME_MAX &&
      (!rs_event_pending(&tl->ev) || rs_sim_event_time(&tl->ev) > tl->steps[tl->next].t))
    rs_sim_schedule(g->sim, &tl->ev, tl->steps[tl->next].t);
  return 0;
}

void rm_timeline_free(rm_timeline *tl) {
  free(tl->steps);
  free(tl->targets);
  free(tl->windows);
  memset(tl, 0, sizeof *tl);
}

bool rm_timeline_under_way(const rm_timeline *tl, rs_time_t t) {
  for (int f = 0; f < tl->n_windows; f++) {
    const rm_fault_window *w = &tl->windows[f];
    if (w->end != RS_TIME_MAX && w->end > w->start && w->start <= t && t <= w->end) return true;
  }
  return !tl->replay_live && tl->replay_end > tl->replay_start && tl->replay_start <= t && t <= tl->replay_end;
}

static bool held_by_replay(const rm_group *g, const rm_node *n) {
  for (int i = 0; i < n->n_holds; i++) {
    int h = n->holds[i].holder;
    if (h >= 0 && h < g->sc->n_faults && g->sc->faults[h].kind == RM_FAULT_STEP) return true;
  }
  return false;
}

bool rm_timeline_replay_holds(const rm_group *g) {
  if (g->timeline.active_holds == 0) return false;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++)
      if (held_by_replay(g, rm_group_node(g, r, i))) return true;
  for (int k = 0; k < 2; k++)
    if (held_by_replay(g, &g->rms.member[k]) || held_by_replay(g, &g->sql.member[k])) return true;
  return false;
}

/* Steps later than the engine's last time (about 146 000 years: a flap of
 * 100 000 000 days) never come. */
void rm_timeline_start(rm_timeline *tl, rm_group *g) {
  if (tl->n_steps && tl->steps[0].t <= RS_SIM_TIME_MAX) rs_sim_schedule(g->sim, &tl->ev, tl->steps[0].t);
}

int rm_timeline_record(const rm_timeline *tl, rm_group *g) {
  if (!g->res) return 0;
  static const char *const kinds[RM_FAULT_KINDS] = {
      [RM_FAULT_CRASH] = "crash", [RM_FAULT_CUT] = "cut", [RM_FAULT_DEGRADE] = "degrade", [RM_FAULT_FLAP] = "flap",
      [RM_FAULT_SITE_OUTAGE] = "site_outage", [RM_FAULT_DC_OUTAGE] = "datacenter_outage",
      [RM_FAULT_SLOW_SQL] = "slow_sql", [RM_FAULT_STOP_HEALTH] = "stop_health",
      [RM_FAULT_ROLLING] = "rolling_restart", [RM_FAULT_MAINTENANCE] = "maintenance", [RM_FAULT_PATCH] = "patch",
      [RM_FAULT_STORM] = "storm", [RM_FAULT_STEP] = "replay"};
  static const char *const actions[] = {[RM_STEP_DOWN] = "down", [RM_STEP_UP] = "up", [RM_STEP_DEGRADE] = "degrade",
                                        [RM_STEP_STORM] = "storm"};
  for (int f = 0; f < tl->n_windows; f++) {
    const rm_fault_spec *spec = &g->sc->faults[f];
    const rm_fault_window *w = &tl->windows[f];
    char detail[256];
    if (spec->kind == RM_FAULT_STEP)
      snprintf(detail, sizeof detail, "%s %s (%s)", spec->target, actions[spec->action], spec->where);
    else
      snprintf(detail, sizeof detail, "%s on %d %s (%s)", kinds[spec->kind], w->n_nodes,
               w->n_nodes == 1 ? "node" : "nodes",
               spec->target ? spec->target : spec->kind == RM_FAULT_SLOW_SQL ? "the SQL store" : "every site link");
    if (rs_results_fault(g->res, spec->id, kinds[spec->kind], w->start, w->end == RS_TIME_MAX ? -1 : w->end, detail))
      return -1;
  }
  int64_t k = 0;
  for (int i = 0; i < tl->n_steps; i++) {
    const rm_step *s = &tl->steps[i];
    if (s->fault >= 0 || s->action != RM_ACT_NODE_DOWN) continue;
    char name[32], detail[260];
    snprintf(name, sizeof name, "random-%lld", (long long)++k);
    if (s->host >= 0)
      snprintf(detail, sizeof detail, "%s fails at random (a host: %d %s with it)", g->sc->hosts[s->host].name,
               s->n, s->n == 1 ? "server" : "servers");
    else
      snprintf(detail, sizeof detail, "%s fails at random", tl->targets[s->first]->name);
    if (rs_results_fault(g->res, name, "random_failure", s->t, s->t + s->repair, detail)) return -1;
  }
  return 0;
}

/* ---- running ---- */

static bool holds(const rm_node *n, int what) {
  for (int i = 0; i < n->n_holds; i++)
    if (n->holds[i].what == what) return true;
  return false;
}

/* Add (on) or remove a hold; returns false when nothing changed. */
static bool set_hold(rm_group *g, rm_node *n, int holder, int what, bool on) {
  for (int i = 0; i < n->n_holds; i++)
    if (n->holds[i].holder == holder && n->holds[i].what == what) {
      if (on) return false;
      n->holds[i] = n->holds[--n->n_holds];
      g->timeline.active_holds--;
      return true;
    }
  if (!on) return false;
  if (n->n_holds == n->cap_holds) {
    int cap = n->cap_holds ? 2 * n->cap_holds : 2;
    rm_hold *v = realloc(n->holds, (size_t)cap * sizeof *v);
    if (!v) {
      g->nomem = 1;
      return false;
    }
    n->holds = v;
    n->cap_holds = cap;
  }
  n->holds[n->n_holds++] = (rm_hold){.holder = holder, .what = (uint8_t)what};
  g->timeline.active_holds++;
  return true;
}

/* The degradation of n's link: every degrading fault that holds it, added
 * up (latency added, the lowest bandwidth, losses combined). */
static void degrade_effect(rm_group *g, rm_node *n) {
  if (!n->up) return;
  rs_time_t lat = 0;
  double bw = 0, keep = 1;
  for (int i = 0; i < n->n_holds; i++) {
    if (n->holds[i].what != RM_HOLD_DEGRADE) continue;
    const rm_fault_spec *f = &g->sc->faults[n->holds[i].holder];
    lat += f->latency;
    if (f->bandwidth > 0 && (bw == 0 || f->bandwidth < bw)) bw = f->bandwidth;
    keep *= 1.0 - f->loss;
  }
  double loss = 1.0 - keep;
  rm_uplink *u = n->up;
  if (u->extra_latency == lat && u->bandwidth == bw && u->loss == loss) return;
  rm_uplink_degrade(u, lat, bw, loss);
  char d[32], r[32];
  if (lat == 0 && bw == 0 && loss == 0)
    rm_group_event(g, n, "link_restored", "the link from %s works normally again", n->name);
  else /* the latency as written: a setting, not a time reached */
    rm_group_event(g, n, "link_degraded", "the link from %s is degraded: latency +%s, bandwidth %s, loss %.2f %%",
                   n->name, rs_duration_format_exact(lat, d, sizeof d), bw > 0 ? rm_rate_format(bw, r, sizeof r) : "unchanged",
                   loss * 100.0);
}

/* The SQL store's speed: the slowest factor of the faults that hold it. */
static void slow_effect(rm_group *g, rm_node *n) {
  double factor = 1.0;
  for (int i = 0; i < n->n_holds; i++)
    if (n->holds[i].what == RM_HOLD_SLOW && g->sc->faults[n->holds[i].holder].factor < factor)
      factor = g->sc->faults[n->holds[i].holder].factor;
  if (factor == g->sql.member[0].srv->factor) return;
  rm_server_set_factor(g->sql.member[0].srv, factor);
  rm_server_set_factor(g->sql.member[1].srv, factor);
  if (factor < 1.0)
    rm_group_event(g, n, "sql_slow", "the SQL store takes data in at %.0f %% of its speed", factor * 100);
  else
    rm_group_event(g, n, "sql_normal", "the SQL store takes data in at its full speed again");
}

/* Bring n to the state its holds say. */
static void settle_holds(rm_group *g, rm_node *n, int what) {
  switch (what) {
  case RM_HOLD_DOWN: rm_group_set_down(g, n, holds(n, RM_HOLD_DOWN)); break;
  case RM_HOLD_HEALTH: rm_group_set_health(g, n, !holds(n, RM_HOLD_HEALTH)); break;
  case RM_HOLD_CUT:
    if (!n->up) break;
    if (holds(n, RM_HOLD_CUT) && !n->up->link_down) {
      rm_group_event(g, n, "link_down", "the link from %s is down", n->name);
      rm_uplink_link_down(n->up);
    } else if (!holds(n, RM_HOLD_CUT) && n->up->link_down) {
      rm_group_event(g, n, "link_up", "the link from %s is back", n->name);
      rm_uplink_link_up(n->up);
    }
    break;
  case RM_HOLD_DEGRADE: degrade_effect(g, n); break;
  case RM_HOLD_SLOW: slow_effect(g, n); break;
  case RM_HOLD_MAINT: rm_group_set_maintenance(g, n, holds(n, RM_HOLD_MAINT)); break;
  case RM_HOLD_STORM: {
    /* The storm of the latest line holding it. */
    const rm_fault_spec *f = NULL;
    for (int i = 0; i < n->n_holds; i++)
      if (n->holds[i].what == RM_HOLD_STORM && n->holds[i].holder >= 0 && n->holds[i].holder < g->sc->n_faults)
        f = &g->sc->faults[n->holds[i].holder];
    rm_group_set_storm(g, n, f);
    break;
  }
  }
}

static void hold(rm_group *g, rm_node *n, int holder, int what, bool on) {
  /* A whole cluster down is both its nodes (the passive one first, so that
   * the cluster does not fail over onto it). */
  if (what == RM_HOLD_DOWN && (n == &g->rms.node || n == &g->sql.node)) {
    rm_cluster *cl = n == &g->rms.node ? &g->rms : &g->sql;
    int first = on ? 1 - cl->active : cl->active;
    hold(g, &cl->member[first], holder, what, on);
    hold(g, &cl->member[1 - first], holder, what, on);
    return;
  }
  if (set_hold(g, n, holder, what, on)) settle_holds(g, n, what);
}

/* A replayed "up": every hold released, back to normal. */
static void release_all(rm_group *g, rm_node *n) {
  if (n == &g->rms.node || n == &g->sql.node) {
    rm_cluster *cl = n == &g->rms.node ? &g->rms : &g->sql;
    release_all(g, &cl->member[cl->active]);
    release_all(g, &cl->member[1 - cl->active]);
  }
  bool had[RM_HOLD_STORM + 1] = {false};
  for (int i = 0; i < n->n_holds; i++) had[n->holds[i].what] = true;
  g->timeline.active_holds -= n->n_holds;
  n->n_holds = 0;
  for (int w = 0; w <= RM_HOLD_STORM; w++)
    if (had[w]) settle_holds(g, n, w);
}

/* A host goes down (or comes back), by a fault or at random: say what it
 * takes down with it, and which customers lose both their gateways with
 * it. */
static void tell_host(rm_group *g, const rm_step *s) {
  if (s->host < 0 || (s->action != RM_ACT_NODE_DOWN && s->action != RM_ACT_NODE_UP && s->action != RM_ACT_ALL_UP))
    return;
  const rm_host_spec *hs = &g->sc->hosts[s->host];
  const rm_host *ho = &g->hosts[s->host];
  bool down = s->action == RM_ACT_NODE_DOWN;
  char d[32];
  if (down && s->fault < 0)
    rm_group_host_event(g, ho, "random_failure", "%s fails at random (drawn from its failure rate); repaired after %s",
                   hs->name, rs_duration_format(s->repair, d, sizeof d));
  char vms[400] = "", lost[400] = "";
  size_t u = 0, v = 0;
  if (hs->n_runs == 0) snprintf(vms, sizeof vms, "no server");
  for (int i = 0; i < hs->n_runs && u < sizeof vms; i++)
    u += (size_t)snprintf(vms + u, sizeof vms - u, "%s%s", i == 0 ? "" : i == hs->n_runs - 1 ? " and " : ", ",
                          hs->runs[i]);
  /* Customers left without a gateway: both on the host, or one on it and
   * the other down already. */
  char other[400] = "";
  size_t w = 0;
  int stranded = 0, also = 0;
  for (int e = 0; down && e < g->n_ess; e++) {
    const rm_essentials *es = &g->ess[e];
    if (!es->targets[0] || !es->targets[1]) continue;
    bool on0 = rm_scenario_host_of(g->sc, es->targets[0]->name) == hs,
         on1 = rm_scenario_host_of(g->sc, es->targets[1]->name) == hs;
    if (on0 && on1) {
      if (stranded++ < 4 && v < sizeof lost)
        v += (size_t)snprintf(lost + v, sizeof lost - v, "%s%s", stranded > 1 ? ", " : "", es->node.name);
    } else if ((on0 && es->targets[1]->state != RM_UP) || (on1 && es->targets[0]->state != RM_UP)) {
      if (also++ < 4 && w < sizeof other)
        w += (size_t)snprintf(other + w, sizeof other - w, "%s%s", also > 1 ? ", " : "", es->node.name);
    }
  }
  char tail[900] = "";
  size_t t = 0;
  if (stranded)
    t += (size_t)snprintf(tail + t, sizeof tail - t, "; %s%s ha%s no gateway (primary and backup both on %s)", lost,
                          stranded > 4 ? ", ..." : "", stranded > 1 ? "ve" : "s", hs->name);
  if (also && t < sizeof tail)
    snprintf(tail + t, sizeof tail - t, "; %s%s ha%s no gateway (the other is down already)", other,
             also > 4 ? ", ..." : "", also > 1 ? "ve" : "s");
  if (!down)
    rm_group_host_event(g, ho, "host_up", "%s is back: %s with it", hs->name, vms);
  else
    rm_group_host_event(g, ho, "host_down", "%s goes down: %s with it%s", hs->name, vms, tail);
}

static void apply(rm_group *g, const rm_timeline *tl, const rm_step *s) {
  char d[32];
  tell_host(g, s);
  for (int k = 0; k < s->n; k++) {
    rm_node *n = tl->targets[s->first + k];
    switch (s->action) {
    case RM_ACT_NODE_DOWN:
      if (s->fault < 0 && s->host < 0) /* a host's is told once, for the host (tell_host) */
        rm_group_event(g, n, "random_failure", "%s fails at random (drawn from its failure rate); repaired after %s",
                       n->name, rs_duration_format(s->repair, d, sizeof d));
      hold(g, n, s->holder, RM_HOLD_DOWN, true);
      break;
    case RM_ACT_NODE_UP: hold(g, n, s->holder, RM_HOLD_DOWN, false); break;
    case RM_ACT_LINK_DOWN: hold(g, n, s->holder, RM_HOLD_CUT, true); break;
    case RM_ACT_LINK_UP:
      if (s->fault >= 0 && g->sc->faults[s->fault].kind == RM_FAULT_STEP) {
        /* A replayed up of a link: its cut and its degradations end. */
        hold(g, n, s->holder, RM_HOLD_CUT, false);
        for (int i = n->n_holds - 1; i >= 0; i--)
          if (n->holds[i].what == RM_HOLD_CUT || n->holds[i].what == RM_HOLD_DEGRADE) {
            n->holds[i] = n->holds[--n->n_holds];
            g->timeline.active_holds--;
          }
        settle_holds(g, n, RM_HOLD_CUT);
        settle_holds(g, n, RM_HOLD_DEGRADE);
      } else {
        hold(g, n, s->holder, RM_HOLD_CUT, false);
      }
      break;
    case RM_ACT_DEGRADE: hold(g, n, s->holder, RM_HOLD_DEGRADE, true); break;
    case RM_ACT_UNDEGRADE: hold(g, n, s->holder, RM_HOLD_DEGRADE, false); break;
    case RM_ACT_SQL_SLOW: hold(g, n, s->holder, RM_HOLD_SLOW, true); break;
    case RM_ACT_SQL_NORMAL: hold(g, n, s->holder, RM_HOLD_SLOW, false); break;
    case RM_ACT_HEALTH_STOP: hold(g, n, s->holder, RM_HOLD_HEALTH, true); break;
    case RM_ACT_HEALTH_START: hold(g, n, s->holder, RM_HOLD_HEALTH, false); break;
    case RM_ACT_MAINT_ON: hold(g, n, s->holder, RM_HOLD_MAINT, true); break;
    case RM_ACT_MAINT_OFF: hold(g, n, s->holder, RM_HOLD_MAINT, false); break;
    case RM_ACT_STORM_ON: hold(g, n, s->holder, RM_HOLD_STORM, true); break;
    case RM_ACT_STORM_OFF: hold(g, n, s->holder, RM_HOLD_STORM, false); break;
    case RM_ACT_ALL_UP: release_all(g, n); break;
    }
  }
}

static void timeline_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, timeline.ev);
  rm_timeline *tl = &g->timeline;
  rs_time_t now = rs_sim_now(sim);
  int end = tl->next;
  while (end < tl->n_steps && tl->steps[end].t <= now) end++;
  /* The next step is scheduled before these run, so that it runs before any
   * timer they set for the same time: a node restored at the instant of a
   * retry is found by that retry. */
  if (end < tl->n_steps && tl->steps[end].t <= RS_SIM_TIME_MAX) rs_sim_schedule(sim, ev, tl->steps[end].t);
  for (; tl->next < end; tl->next++) {
    rm_measure_phase_mark(g);
    const rm_step *st = &tl->steps[tl->next];
    if (st->fault >= 0 && g->sc->faults[st->fault].kind == RM_FAULT_STEP) tl->replay_last = now;
    apply(g, tl, st);
  }
}
