/* rm_group: building a management group, placing customers, sampling and
 * judging expectations. */
#include "rm_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Metric ids in the results file. */
enum { M_AGENTS = 1, M_HEARTBEATS, M_OVER_LIMIT };

const char *rm_role_name(rm_role r) {
  static const char *names[RM_ROLE_COUNT] = {"management_server", "gateway", "essentials", "agent"};
  return r < RM_ROLE_COUNT ? names[r] : "unknown";
}

/* Stop the run on the first recording failure; keep its message. */
static void record_failed(rm_group *g) {
  if (g->error) return;
  g->error = -1;
  snprintf(g->errmsg, sizeof g->errmsg, "%s", g->res ? rs_results_errmsg(g->res) : "recording failed");
  rs_sim_stop(g->sim);
}

static void event(rm_group *g, const rm_node *n, const char *kind, const char *detail) {
  if (g->res && rs_results_event(g->res, rs_sim_now(g->sim), n ? n->id : -1, kind, detail)) record_failed(g);
}

static int node_init(rm_node *n, int64_t id, const char *name, rm_role role) {
  memset(n, 0, sizeof *n);
  n->id = id;
  n->role = role;
  n->name = strdup(name);
  return n->name ? 0 : -1;
}

/* The gateway with the least of key[] (ties: the first at or after `from`,
 * counting round), skipping `not`. */
static int least(const int64_t *key, int n, int from, int not) {
  int best = -1;
  for (int k = 0; k < n; k++) {
    int i = (from + k) % n;
    if (i == not) continue;
    if (best < 0 || key[i] < key[best]) best = i;
  }
  return best;
}

static int gw_index(const rm_group *g, const char *name) {
  for (int i = 0; i < g->n_gw; i++)
    if (strcmp(g->gw[i].name, name) == 0) return i;
  return -1;
}

/*
 * Place customers on gateways. A customer is whole: its Essentials server
 * reports to one gateway. Named placements are honoured first; each other
 * customer goes, in scenario order, to the gateway carrying the fewest
 * agents (ties: the lowest). Its backup is the other gateway with the fewest
 * agents already backed up there (ties: the next after the primary).
 */
static void place_customers(rm_group *g, int64_t *load, int64_t *backup_load) {
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < g->n_ess; i++) {
      rm_essentials *e = &g->ess[i];
      const rm_customer_spec *cs = e->spec;
      int named = cs->primary != NULL;
      if (named != (pass == 0)) continue;
      int p = named ? gw_index(g, cs->primary) : least(load, g->n_gw, 0, -1);
      load[p] += e->node.agents;
      e->primary = &g->gw[p];
    }
  }
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < g->n_ess; i++) {
      rm_essentials *e = &g->ess[i];
      const rm_customer_spec *cs = e->spec;
      int named = cs->backup != NULL;
      if (named != (pass == 0)) continue;
      int p = (int)(e->primary - g->gw);
      int b = named ? gw_index(g, cs->backup) : least(backup_load, g->n_gw, (p + 1) % g->n_gw, p);
      if (b < 0) continue; /* a single gateway: no backup */
      backup_load[b] += e->node.agents;
      e->backup = &g->gw[b];
    }
  }
}

/* Place gateways on management servers: all on the named one, or the
 * largest gateway first onto the server carrying least (ties: the lowest). */
static int place_gateways(rm_group *g, const int64_t *gw_load, char *err, size_t errlen) {
  int64_t *ms_load = calloc((size_t)g->n_ms, sizeof *ms_load);
  int *order = malloc((size_t)g->n_gw * sizeof *order);
  if (!ms_load || !order) {
    free(ms_load);
    free(order);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int fixed = -1;
  for (int i = 0; g->sc->gw_report_to && i < g->n_ms; i++)
    if (strcmp(g->ms[i].name, g->sc->gw_report_to) == 0) fixed = i;
  /* Insertion sort by load, descending, stable: gateway counts are small. */
  for (int i = 0; i < g->n_gw; i++) {
    int j = i;
    while (j > 0 && gw_load[order[j - 1]] < gw_load[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  for (int k = 0; k < g->n_gw; k++) {
    int i = order[k];
    int m = fixed >= 0 ? fixed : (int)least(ms_load, g->n_ms, 0, -1);
    ms_load[m] += gw_load[i];
    g->gw[i].parent = &g->ms[m];
  }
  free(ms_load);
  free(order);
  return 0;
}

/* Record a node and its parent. */
static void record_node(rm_group *g, const rm_node *n) {
  if (g->res && rs_results_node(g->res, n->id, n->name, rm_role_name(n->role), n->parent ? n->parent->id : -1))
    record_failed(g);
}

static void sample_cb(rs_sim *sim, rs_event *ev);

int rm_group_build(rm_group *g, const rm_scenario *sc, rs_sim *sim, rs_results *res, char *err, size_t errlen) {
  memset(g, 0, sizeof *g);
  g->sc = sc;
  g->sim = sim;
  g->res = res;
  g->n_ms = sc->n_ms;
  g->n_gw = sc->n_gw;
  g->n_ess = (int)rm_scenario_customers(sc);
  g->n_agents = rm_scenario_agents(sc);
  g->ms = calloc((size_t)g->n_ms, sizeof *g->ms);
  g->gw = calloc((size_t)g->n_gw, sizeof *g->gw);
  g->ess = calloc((size_t)g->n_ess, sizeof *g->ess);
  g->agents = calloc((size_t)g->n_agents, sizeof *g->agents);
  int64_t *load = calloc((size_t)g->n_gw, sizeof *load);
  int64_t *backup_load = calloc((size_t)g->n_gw, sizeof *backup_load);
  if (!g->ms || !g->gw || !g->ess || !g->agents || !load || !backup_load) goto nomem;

  int64_t id = 1;
  for (int i = 0; i < g->n_ms; i++) {
    if (node_init(&g->ms[i], id++, sc->ms_names[i], RM_MS)) goto nomem;
    g->ms[i].limit = sc->limits.ms_agents;
  }
  for (int i = 0; i < g->n_gw; i++) {
    if (node_init(&g->gw[i], id++, sc->gw_names[i], RM_GATEWAY)) goto nomem;
    g->gw[i].limit = sc->limits.gw_agents;
  }
  int e = 0;
  for (int s = 0; s < sc->n_specs; s++) {
    const rm_customer_spec *cs = &sc->specs[s];
    for (int c = 0; c < cs->count; c++, e++) {
      char name[96];
      snprintf(name, sizeof name, "%s-%d", cs->prefix, c + 1);
      if (node_init(&g->ess[e].node, id++, name, RM_ESSENTIALS)) goto nomem;
      g->ess[e].spec = cs;
      g->ess[e].servers = cs->servers;
      g->ess[e].clients = cs->clients;
      g->ess[e].node.agents = cs->servers + cs->clients;
      g->ess[e].node.limit = sc->limits.ess_servers + sc->limits.ess_clients;
    }
  }
  place_customers(g, load, backup_load);
  if (place_gateways(g, load, err, errlen)) goto fail;

  /* Agents, customer by customer: servers first, then clients. */
  int64_t a = 0;
  for (e = 0; e < g->n_ess; e++) {
    rm_essentials *es = &g->ess[e];
    es->node.parent = es->primary;
    for (int k = 0; k < es->servers + es->clients; k++, a++) {
      rm_agent *ag = &g->agents[a];
      char name[128];
      bool server = k < es->servers;
      snprintf(name, sizeof name, "%s/%s-%d", es->node.name, server ? "srv" : "cli",
               server ? k + 1 : k - es->servers + 1);
      if (node_init(&ag->node, id++, name, RM_AGENT)) goto nomem;
      ag->node.parent = &es->node;
      ag->node.agents = 1;
      ag->server = server;
      rm_agent_init(ag, sc->seed, sc->heartbeat_interval);
    }
  }
  /* Agents carried: each Essentials server's agents count at its gateway,
   * each gateway's at its management server. */
  for (e = 0; e < g->n_ess; e++) g->ess[e].primary->agents += g->ess[e].node.agents;
  for (int i = 0; i < g->n_gw; i++) g->gw[i].parent->agents += g->gw[i].agents;

  if (res) {
    static const struct { int id; const char *name, *unit; } metrics[] = {
        {M_AGENTS, "agents", "agents"}, {M_HEARTBEATS, "heartbeats", "heartbeats per interval"},
        {M_OVER_LIMIT, "over_limit", "1 when over its agent limit"}};
    for (size_t k = 0; k < sizeof metrics / sizeof metrics[0]; k++)
      if (rs_results_metric(res, metrics[k].id, metrics[k].name, metrics[k].unit)) record_failed(g);
    for (int i = 0; i < g->n_ms; i++) record_node(g, &g->ms[i]);
    for (int i = 0; i < g->n_gw; i++) record_node(g, &g->gw[i]);
    for (e = 0; e < g->n_ess; e++) record_node(g, &g->ess[e].node);
    for (a = 0; a < g->n_agents; a++) record_node(g, &g->agents[a].node);
    if (g->error) {
      snprintf(err, errlen, "%s", g->errmsg);
      goto fail;
    }
  }
  rs_event_init(&g->sampler, sample_cb);
  free(load);
  free(backup_load);
  return 0;
nomem:
  snprintf(err, errlen, "out of memory building the group");
fail:
  free(load);
  free(backup_load);
  rm_group_free(g);
  return -1;
}

void rm_group_start(rm_group *g) {
  for (int64_t a = 0; a < g->n_agents; a++) rm_agent_start(&g->agents[a], g->sim);
  /* The sampler runs last among events at its time: scheduled first here,
   * it would see a heartbeat due at the same time as not yet sent, which is
   * as good a convention as any, and the same on every run. */
  rs_sim_schedule(g->sim, &g->sampler, 0);
}

/* One node's sample and its limit bookkeeping. */
static void sample_node(rm_group *g, rm_node *n) {
  rs_time_t now = rs_sim_now(g->sim);
  if (n->agents > n->peak_agents || (n->peak_agents == 0 && now == 0)) {
    n->peak_agents = n->agents;
    n->peak_time = now;
  }
  bool over = n->limit > 0 && n->agents > n->limit;
  if (over != n->over_limit) {
    char detail[256];
    if (over) {
      snprintf(detail, sizeof detail, "%s carries %lld agents, over its limit of %lld", n->name,
               (long long)n->agents, (long long)n->limit);
      n->over_since = now;
      g->limit_events++;
    } else {
      snprintf(detail, sizeof detail, "%s carries %lld agents, within its limit of %lld again", n->name,
               (long long)n->agents, (long long)n->limit);
      n->over_total += now - n->over_since;
    }
    event(g, n, over ? "limit_crossed" : "limit_recovered", detail);
    n->over_limit = over;
  }
  if (g->res) {
    if (rs_results_sample(g->res, now, n->id, M_AGENTS, (double)n->agents) ||
        rs_results_sample(g->res, now, n->id, M_HEARTBEATS, (double)(n->heartbeats - n->heartbeats_at_sample)) ||
        rs_results_sample(g->res, now, n->id, M_OVER_LIMIT, over ? 1.0 : 0.0))
      record_failed(g);
  }
  n->heartbeats_at_sample = n->heartbeats;
}

static void sample_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, sampler);
  for (int i = 0; i < g->n_ms; i++) sample_node(g, &g->ms[i]);
  for (int i = 0; i < g->n_gw; i++) sample_node(g, &g->gw[i]);
  for (int e = 0; e < g->n_ess; e++) sample_node(g, &g->ess[e].node);
  rs_time_t next = rs_sim_now(sim) + g->sc->sample_every;
  if (next <= g->sc->duration) rs_sim_schedule(sim, ev, next);
}

const rm_node *rm_group_peak(const rm_group *g, rm_role r) {
  const rm_node *best = NULL;
  const rm_node *v;
  size_t n, stride;
  switch (r) {
  case RM_MS: v = g->ms, n = (size_t)g->n_ms, stride = sizeof *g->ms; break;
  case RM_GATEWAY: v = g->gw, n = (size_t)g->n_gw, stride = sizeof *g->gw; break;
  case RM_ESSENTIALS: v = &g->ess[0].node, n = (size_t)g->n_ess, stride = sizeof *g->ess; break;
  default: return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    const rm_node *x = (const rm_node *)(const void *)((const char *)v + i * stride);
    if (!best || x->peak_agents > best->peak_agents) best = x;
  }
  return best;
}

/* Append "name (peak N from HH:MM:SS)" for each node of a role over its
 * limit during the run. Returns how many there were. */
static int list_over(const rm_node *v, size_t n, size_t stride, rs_time_t end, char *buf, size_t len, size_t *used) {
  int count = 0;
  for (size_t i = 0; i < n; i++) {
    const rm_node *x = (const rm_node *)(const void *)((const char *)v + i * stride);
    if (x->peak_agents <= x->limit || x->limit == 0) continue;
    char at[32];
    rs_time_t total = x->over_total + (x->over_limit ? end - x->over_since : 0);
    char dur[32];
    rs_clock_format(x->peak_time, at, sizeof at);
    rs_duration_format(total, dur, sizeof dur);
    if (*used < len)
      *used += (size_t)snprintf(buf + *used, len - *used, "%s%s %lld/%lld from %s for %s", *used ? "; " : "", x->name,
                                (long long)x->peak_agents, (long long)x->limit, at, dur);
    count++;
  }
  return count;
}

int rm_group_judge(rm_group *g, rs_time_t end) {
  int failed = 0;
  g->n_verdicts = 0;
  if (g->sc->expect & RM_EXPECT_CAPACITY_HELD) {
    rm_verdict *v = &g->verdicts[g->n_verdicts++];
    size_t used = 0;
    v->name = "capacity_held";
    int over = list_over(g->ms, (size_t)g->n_ms, sizeof *g->ms, end, v->detail, sizeof v->detail, &used) +
               list_over(g->gw, (size_t)g->n_gw, sizeof *g->gw, end, v->detail, sizeof v->detail, &used) +
               list_over(&g->ess[0].node, (size_t)g->n_ess, sizeof *g->ess, end, v->detail, sizeof v->detail, &used);
    v->held = over == 0;
    if (v->held) {
      const rm_node *m = rm_group_peak(g, RM_MS), *w = rm_group_peak(g, RM_GATEWAY);
      snprintf(v->detail, sizeof v->detail, "every node within its limit: peak management server %s %lld/%lld, peak gateway %s %lld/%lld",
               m->name, (long long)m->peak_agents, (long long)m->limit, w->name, (long long)w->peak_agents,
               (long long)w->limit);
    }
  }
  for (int i = 0; i < g->n_verdicts; i++) {
    if (!g->verdicts[i].held) failed++;
    if (g->res && rs_results_expectation(g->res, g->verdicts[i].name, g->verdicts[i].held, g->verdicts[i].detail))
      record_failed(g);
  }
  return failed;
}

void rm_group_free(rm_group *g) {
  for (int i = 0; g->ms && i < g->n_ms; i++) free(g->ms[i].name);
  for (int i = 0; g->gw && i < g->n_gw; i++) free(g->gw[i].name);
  for (int i = 0; g->ess && i < g->n_ess; i++) free(g->ess[i].node.name);
  for (int64_t i = 0; g->agents && i < g->n_agents; i++) free(g->agents[i].node.name);
  free(g->ms);
  free(g->gw);
  free(g->ess);
  free(g->agents);
  g->ms = g->gw = NULL;
  g->ess = NULL;
  g->agents = NULL;
}
