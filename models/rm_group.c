/* rm_group: building a management group and wiring its roles (see
 * rm_group.h); what a run measures is in rm_measure.c, the expectations'
 * verdicts in rm_expect.c. */
#include "rm_group.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_heap.h"
#include "rm_units.h"

const char *rm_role_name(rm_role r) {
  static const char *names[RM_ROLE_COUNT] = {"management_server", "gateway", "essentials", "agent", "rms",
                                             "sql", "rms_node", "sql_node", "web_console"};
  return r < RM_ROLE_COUNT ? names[r] : "unknown";
}

/* ---- recording ---- */

void rm_group_record_failed(rm_group *g) {
  if (g->error) return;
  g->error = -1;
  snprintf(g->errmsg, sizeof g->errmsg, "%s", g->res ? rs_results_errmsg(g->res) : "recording failed");
  rs_sim_stop(g->sim);
}

/* An event dated t, with the bytes queued and lost so far at t (queued -1:
 * take them now, for the story's lines that show them). */
static void vevent_id(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n, int64_t id,
                      const char *kind, const char *fmt, va_list ap) {
  char detail[512];
  rm_pops_settle(g); /* the story's figures include every tick until now */
  vsnprintf(detail, sizeof detail, fmt, ap);
  rm_story_note(g, t, n, kind, detail, queued, lost);
  if (g->res && rs_results_event(g->res, t, id, kind, detail)) rm_group_record_failed(g);
}

static void vevent(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n, const char *kind,
                   const char *fmt, va_list ap) {
  vevent_id(g, t, queued, lost, n, n ? n->id : -1, kind, fmt, ap);
}

void rm_group_host_event(rm_group *g, const rm_host *ho, const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vevent_id(g, rs_sim_now(g->sim), -1, 0, NULL, ho->id, kind, fmt, ap);
  va_end(ap);
}

void rm_group_event(rm_group *g, const rm_node *n, const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vevent(g, rs_sim_now(g->sim), -1, 0, n, kind, fmt, ap);
  va_end(ap);
}

void rm_group_event_at(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n, const char *kind,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vevent(g, t, queued, lost, n, kind, fmt, ap);
  va_end(ap);
}

/* ---- agents carried ---- */

/* Add delta agents to n and to every node above it; each is judged against
 * its limit once the instant has settled. */
static void carry(rm_group *g, rm_node *n, int64_t delta) {
  for (; n; n = n->parent) {
    n->agents += delta;
    if (n->srv && !n->srv->costs.group_agents) rm_server_set_agents(n->srv, (double)n->agents);
    rm_measure_agents_changed(g, n);
  }
}

void rm_group_attach(rm_group *g, rm_node *child, rm_node *parent) {
  rm_pops_settle(g); /* ticks until now found the path as it was */
  child->parent = parent;
  parent->connections++;
  carry(g, parent, child->agents);
}

void rm_group_detach(rm_group *g, rm_node *child) {
  rm_node *parent = child->parent;
  if (!parent) return;
  rm_pops_settle(g);
  parent->connections--;
  carry(g, parent, -child->agents);
  child->parent = NULL;
}

/* ---- data ---- */

int rm_group_grow(void **v, int64_t n, int64_t *cap, size_t size) {
  if (n < *cap) return 0;
  int64_t c = *cap ? *cap * 2 : 64;
  void *nv = realloc(*v, (size_t)c * size);
  if (!nv) return -1;
  *v = nv;
  *cap = c;
  return 0;
}

void rm_group_deliver(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, const uint8_t *prio, int n) {
  if (to->role == RM_SQL) {
    /* The databases grow with what is stored (groomed daily: groom_cb). */
    int64_t stored = 0;
    for (int k = 0; k < n; k++) stored += c[k].bytes;
    rm_dbsize_add(&g->opsdb, rs_sim_now(g->sim), stored);
    rm_dbsize_add(&g->dw, rs_sim_now(g->sim), stored);
    rm_measure_stored(g, from, to, c, n);
    return;
  }
  int64_t bytes = 0, dropped = 0;
  for (int k = 0; k < n; k++) {
    bytes += c[k].bytes;
    dropped += rm_spool_push(&to->spool, prio[k], c[k].gen, c[k].bytes);
  }
  rm_measure_moved(&from->m, &to->m, bytes);
  if (dropped) rm_measure_drop(g, to, dropped);
  if (to->up) rm_uplink_wake(to->up);
}

/* ---- states ---- */

/* The RMS's and SQL store's work is on their active node while the
 * service is up; a SQL store that stops gives back what it had not taken
 * in. */
static void clusters_load(rm_group *g, rm_node *n) {
  for (int c = 0; c < 2; c++) {
    rm_cluster *cl = c ? &g->sql : &g->rms;
    if (n != &cl->node) continue;
    for (int m = 0; m < 2; m++) {
      rm_server *s = cl->member[m].srv;
      if (!s) continue;
      bool serving = cl->node.state == RM_UP && cl->active == m;
      if (!serving) rm_server_return_all(s);
      rm_server_set_agents(s, serving ? (double)g->n_agents : 0);
    }
    /* Transfers into the cluster share its active node's interface. */
    if (cl->member[cl->active].srv) cl->node.capacity = cl->member[cl->active].srv->model->network;
  }
}

void rm_group_state_changed(rm_group *g, rm_node *n) {
  rm_pops_settle(g);
  rm_measure_state_changed(g, n);
  clusters_load(g, n);
  if (n->state != RM_UP) {
    /* Every sender connected to n loses it. */
    if (n->role == RM_MS)
      for (int i = 0; i < g->n_gw; i++) rm_uplink_target_lost(&g->gw[i].up, n);
    else if (n->role == RM_GATEWAY)
      for (int i = 0; i < g->n_ess; i++) rm_uplink_target_lost(&g->ess[i].up, n);
    else if (n->role == RM_SQL)
      for (int i = 0; i < g->n_ms; i++) rm_uplink_target_lost(&g->ms[i].up, n);
  } else if (n == &g->rms.node) {
    rm_watchers_restart(g); /* the watchers start over on the node now serving */
  }
}

static rm_cluster *cluster_of(rm_group *g, rm_node *n, int *k) {
  for (int c = 0; c < 2; c++) {
    rm_cluster *cl = c ? &g->sql : &g->rms;
    for (int m = 0; m < 2; m++)
      if (n == &cl->member[m]) {
        *k = m;
        return cl;
      }
  }
  return NULL;
}

void rm_group_set_down(rm_group *g, rm_node *n, bool down) {
  int k;
  rm_cluster *cl = cluster_of(g, n, &k);
  bool is_down = n->state == RM_DOWN;
  if (down == is_down) return;
  rm_pops_settle(g); /* ticks until now found n as it was */
  rm_group_event(g, n, down ? "crash" : "restart", down ? "%s goes down" : "%s is back", n->name);
  if (cl) {
    if (down)
      rm_cluster_member_down(cl, g->sim, k);
    else
      rm_cluster_member_up(cl, g->sim, k);
    return;
  }
  if (n->role == RM_AGENT) {
    rm_agent *a = RS_CONTAINER_OF(n, rm_agent, node);
    if (down) {
      rm_agent_stop(a, g->sim);
      rm_watchers_outage_begins(g, a->index);
    } else {
      rm_agent_start(a, g->sim, g->p->heartbeat_interval);
      if (!a->health_stopped) rm_watchers_outage_ends(g, a->index);
    }
    return;
  }
  n->state = down ? RM_DOWN : RM_UP;
  if (n->role == RM_ESSENTIALS) {
    rm_pop_settle(g, n); /* down: disbanded; up: open again */
    /* Its agents lose their connections: each connects again at its first
     * tick that finds it back. */
    const rm_essentials *es = RS_CONTAINER_OF(n, rm_essentials, node);
    for (int64_t a = es->first_agent; down && a < es->first_agent + es->pop.agents; a++)
      g->agents[a].conn = RM_CONN_TO_CONNECT;
  }
  if (down) {
    if (n->srv) rm_server_return_all(n->srv);
    if (n->up) rm_uplink_stop(n->up);
    rm_group_state_changed(g, n);
  } else if (n->up) {
    rm_uplink_start(n->up);
  }
}

/* ---- health services ---- */

void rm_group_set_health(rm_group *g, rm_node *n, bool on) {
  if (n->role != RM_AGENT) return;
  rm_agent *a = RS_CONTAINER_OF(n, rm_agent, node);
  if (a->health_stopped == !on) return;
  rm_pops_settle(g);
  rm_group_event(g, n, on ? "health_started" : "health_stopped", "%s: the health service %s", n->name,
                 on ? "runs again" : "stopped");
  rm_agent_health(a, g->sim, on);
  if (!on)
    rm_watchers_outage_begins(g, a->index);
  else if (a->node.state == RM_UP)
    rm_watchers_outage_ends(g, a->index);
}

void rm_group_set_maintenance(rm_group *g, rm_node *n, bool on) {
  if (n->role != RM_AGENT) return;
  rm_agent *a = RS_CONTAINER_OF(n, rm_agent, node);
  if (a->maintenance == on) return;
  rm_pops_settle(g);
  rm_watchers *w = &g->watch;
  a->maintenance = on;
  rm_group_event(g, n, on ? "maintenance_on" : "maintenance_off", "%s %s maintenance mode", n->name,
                 on ? "goes into" : "leaves");
  if (!on) {
    rs_time_t now = rs_sim_now(g->sim);
    if (w->last_heartbeat[a->index] < now) w->last_heartbeat[a->index] = now; /* waited for from now */
    if (w->alert_state[a->index] == 3) w->alert_state[a->index] = 0;
  }
}

void rm_group_set_storm(rm_group *g, rm_node *n, const rm_fault_spec *f) {
  if (n->role != RM_AGENT) return;
  rm_agent *a = RS_CONTAINER_OF(n, rm_agent, node);
  if (a->storm == f && a->storm_until < 0) return;
  rm_pops_settle(g);
  rm_agent_alone(a, g->sim); /* it no longer behaves like its population */
  if (!f) { /* its next tick sends what the storm made until now */
    if (a->storm) a->storm_until = rs_sim_now(g->sim);
    return;
  }
  a->storm = f;
  a->storm_from = rs_sim_now(g->sim);
  a->storm_until = -1;
  a->storm_sent[0] = a->storm_sent[1] = 0;
}

/* What g->names holds for a node: its role, and its index in the role's
 * array (a cluster: 0 itself, 1 and 2 its nodes; the web console: 0). */
#define NAME_ROLE_SHIFT 40
static int64_t name_value(rm_role r, int64_t i) { return (int64_t)r << NAME_ROLE_SHIFT | i; }

static rm_node *named_node(rm_group *g, int64_t v) {
  int64_t i = v & (((int64_t)1 << NAME_ROLE_SHIFT) - 1);
  switch ((rm_role)(v >> NAME_ROLE_SHIFT)) {
  case RM_MS: return &g->ms[i].node;
  case RM_GATEWAY: return &g->gw[i].node;
  case RM_ESSENTIALS: return &g->ess[i].node;
  case RM_RMS: return i ? &g->rms.member[i - 1] : &g->rms.node;
  case RM_SQL: return i ? &g->sql.member[i - 1] : &g->sql.node;
  case RM_WEB: return &g->web;
  default: return NULL;
  }
}

/* The index of the node named name among those of role r, or -1. */
static int64_t named_index(const rm_group *g, const char *name, size_t len, uint64_t fnv, rm_role r) {
  int64_t v = rm_index_get_hashed(&g->names, name, len, fnv);
  return v >= 0 && v >> NAME_ROLE_SHIFT == (int64_t)r ? v & (((int64_t)1 << NAME_ROLE_SHIFT) - 1) : -1;
}

/* Put every node but the agents in g->names, in the order rm_group_find
 * once searched them (the first of a name wins). 0, or -1 without memory. */
static int index_names(rm_group *g) {
  rm_index *ix = &g->names;
  int rc = rm_index_reserve(ix, (size_t)g->n_ms + (size_t)g->n_gw + (size_t)g->n_ess + 7);
  for (int i = 0; i < g->n_ms && rc == 0; i++) rc = rm_index_put(ix, g->ms[i].node.name, name_value(RM_MS, i), NULL);
  for (int i = 0; i < g->n_gw && rc >= 0; i++)
    rc = rm_index_put(ix, g->gw[i].node.name, name_value(RM_GATEWAY, i), NULL);
  for (int i = 0; i < g->n_ess && rc >= 0; i++)
    rc = rm_index_put(ix, g->ess[i].node.name, name_value(RM_ESSENTIALS, i), NULL);
  for (int c = 0; c < 2 && rc >= 0; c++) {
    rm_cluster *cl = c ? &g->sql : &g->rms;
    rm_role r = c ? RM_SQL : RM_RMS;
    rc = rm_index_put(ix, cl->node.name, name_value(r, 0), NULL);
    for (int m = 0; m < 2 && rc >= 0; m++) rc = rm_index_put(ix, cl->member[m].name, name_value(r, m + 1), NULL);
  }
  if (rc >= 0 && g->web.name) rc = rm_index_put(ix, g->web.name, name_value(RM_WEB, 0), NULL);
  return rc < 0 ? -1 : 0;
}

/* An agent, ESSENTIALS/srv-K or ESSENTIALS/cli-K (K from 1, as written by
 * rm_group_build), or NULL. */
static rm_node *find_agent(rm_group *g, const char *name) {
  const char *slash = strchr(name, '/');
  if (!slash) return NULL;
  uint64_t h = RM_INDEX_SEED;
  for (const char *c = name; c < slash; c++) h = rm_index_step(h, (unsigned char)*c);
  int64_t e = named_index(g, name, (size_t)(slash - name), h, RM_ESSENTIALS);
  if (e < 0) return NULL;
  const rm_essentials *es = &g->ess[e];
  bool server = strncmp(slash + 1, "srv-", 4) == 0;
  if (!server && strncmp(slash + 1, "cli-", 4) != 0) return NULL;
  const char *k = slash + 5;
  int64_t x = 0;
  if (*k < '1' || *k > '9') return NULL;
  for (; *k >= '0' && *k <= '9'; k++) {
    x = x * 10 + (*k - '0');
    if (x > (server ? es->servers : es->clients)) return NULL;
  }
  if (*k) return NULL;
  rm_node *n = &g->agents[es->first_agent + (server ? 0 : es->servers) + x - 1].node;
  return strcmp(n->name, name) == 0 ? n : NULL;
}

rm_node *rm_group_find(rm_group *g, const char *name) {
  int64_t v = rm_index_get(&g->names, name);
  return v >= 0 ? named_node(g, v) : find_agent(g, name);
}

int rm_group_customer(const rm_group *g, const char *customer, int *first, int *n) {
  /* A customer's one Essentials server is named like it; its first of
   * several, CUSTOMER.1. */
  char buf[512];
  size_t len = strlen(customer);
  if (len + 3 > sizeof buf) return -1;
  for (int several = 0; several < 2; several++) {
    snprintf(buf, sizeof buf, several ? "%s.1" : "%s", customer);
    size_t l = len + (several ? 2 : 0);
    uint64_t h = RM_INDEX_SEED;
    for (size_t k = 0; k < l; k++) h = rm_index_step(h, (unsigned char)buf[k]);
    int64_t i = named_index(g, buf, l, h, RM_ESSENTIALS);
    if (i < 0) continue;
    const rm_essentials *e = &g->ess[i];
    if ((e->spec->essentials > 1) != several || e->part != 0 || !rm_essentials_of(e, customer)) continue;
    *first = (int)i;
    *n = e->spec->essentials;
    return 0;
  }
  return -1;
}

/* ---- building ---- */

int rm_node_init(rm_group *g, rm_node *n, int64_t id, const char *name, rm_role role) {
  memset(n, 0, sizeof *n);
  n->id = id;
  n->role = role;
  n->group = g;
  n->state = RM_UP;
  rm_measure_node_init(&n->m);
  n->name = strdup(name);
  return n->name ? 0 : -1;
}

/* The index with the least of key[] (ties: the first at or after `from`,
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

static int role_index(const rm_group *g, const char *name, rm_role r) {
  size_t len = strlen(name);
  uint64_t h = RM_INDEX_SEED;
  for (size_t k = 0; k < len; k++) h = rm_index_step(h, (unsigned char)name[k]);
  return (int)named_index(g, name, len, h, r);
}

static int gw_index(const rm_group *g, const char *name) { return role_index(g, name, RM_GATEWAY); }

static int ms_index(const rm_group *g, const char *name) { return role_index(g, name, RM_MS); }

/*
 * Place Essentials servers on gateways. Each is whole: it reports to one
 * gateway (a customer with several has each placed on its own). Named
 * placements are honoured first; each other Essentials server goes, in
 * scenario order, to the gateway carrying the fewest agents (ties: the
 * lowest).
 */
static int place_primaries(rm_group *g, int64_t *load) {
  /* The least loaded gateway, from a heap: loads only grow, so the one on
   * top sinks after each placement. */
  int *heap = malloc((size_t)(g->n_gw ? g->n_gw : 1) * sizeof *heap);
  if (!heap) return -1;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      for (int k = 0; k < g->n_gw; k++) heap[k] = k;
      for (int k = g->n_gw / 2 - 1; k >= 0; k--) rm_heap_sift_down(load, heap, g->n_gw, k);
    }
    for (int i = 0; i < g->n_ess; i++) {
      rm_essentials *e = &g->ess[i];
      const char *want = rm_customer_primary(e->spec, e->nth * e->spec->essentials + e->part);
      int named = want != NULL;
      if (named != (pass == 0)) continue;
      int p = named ? gw_index(g, want) : heap[0];
      load[p] += e->node.agents;
      e->targets[0] = &g->gw[p].node;
      if (!named) rm_heap_sift_down(load, heap, g->n_gw, 0);
    }
  }
  free(heap);
  return 0;
}

/*
 * Choose each Essentials server's backup gateway, unless named: the one
 * that would carry the fewest agents if its primary failed (its own load
 * plus the Essentials servers of that same primary already backed up there), first
 * among gateways on another host than the primary's when it is virtual (so
 * that losing the host leaves it a gateway), then among gateways on the
 * primary's management server, so that a gateway's failure moves no agents
 * between management servers. Ties: the next after the primary.
 */
static int place_backups(rm_group *g, const int64_t *load) {
  int n = g->n_gw;
  int64_t *moved = calloc((size_t)n * (size_t)n, sizeof *moved); /* [primary][backup] */
  int64_t *key = malloc((size_t)n * sizeof *key);
  if (!moved || !key) {
    free(moved);
    free(key);
    return -1;
  }
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < g->n_ess; i++) {
      rm_essentials *e = &g->ess[i];
      const char *want = rm_customer_backup(e->spec, e->nth * e->spec->essentials + e->part);
      int named = want != NULL;
      if (named != (pass == 0)) continue;
      int p = (int)((rm_forwarder *)(void *)e->targets[0] - g->gw);
      int b;
      if (named) {
        b = gw_index(g, want);
      } else {
        const rm_node *pm = g->gw[p].targets[0];
        const rm_host_spec *ph = rm_scenario_host_of(g->sc, g->gw[p].node.name);
        for (int k = 0; k < n; k++)
          key[k] = (ph && rm_scenario_host_of(g->sc, g->gw[k].node.name) == ph ? (int64_t)1 << 41 : 0) +
                   (g->gw[k].targets[0] != pm ? (int64_t)1 << 40 : 0) + load[k] + moved[(size_t)p * n + k];
        b = least(key, n, (p + 1) % n, p);
      }
      if (b < 0) continue; /* a single gateway: no backup */
      moved[(size_t)p * n + b] += e->node.agents;
      e->targets[1] = &g->gw[b].node;
    }
  }
  free(moved);
  free(key);
  return 0;
}

/*
 * Place gateways on management servers. A gateway with its own report_to
 * goes there, then every other one goes on the gateways' report_to when it
 * names one, else the largest gateway first onto the server carrying least
 * (ties: the lowest). A gateway's failover list is its own, else the
 * gateways', else every other management server starting after its primary.
 */
static int place_gateways(rm_group *g, const int64_t *gw_load) {
  const rm_scenario *sc = g->sc;
  int64_t *ms_load = calloc((size_t)g->n_ms, sizeof *ms_load);
  int *order = malloc((size_t)g->n_gw * sizeof *order), *tmp = malloc((size_t)(g->n_gw ? g->n_gw : 1) * sizeof *tmp);
  int *home = malloc((size_t)g->n_gw * sizeof *home);
  int *heap = malloc((size_t)(g->n_ms > 0 ? g->n_ms : 1) * sizeof *heap);
  if (!ms_load || !order || !tmp || !home || !heap) {
    free(ms_load);
    free(order);
    free(tmp);
    free(home);
    free(heap);
    return -1;
  }
  int fixed = sc->gw_report_to ? ms_index(g, sc->gw_report_to) : -1;
  for (int i = 0; i < g->n_gw; i++) {
    const char *own = sc->gw_place ? sc->gw_place[i].report_to : NULL;
    home[i] = own ? ms_index(g, own) : fixed;
    if (home[i] >= 0) ms_load[home[i]] += gw_load[i];
  }
  /* By load, descending, stable. */
  for (int i = 0; i < g->n_gw; i++) order[i] = i;
  rm_sort_desc(gw_load, order, tmp, g->n_gw);
  int rc = 0;
  /* The server carrying least, from a heap: loads only grow. */
  for (int m = 0; m < g->n_ms; m++) heap[m] = m;
  for (int m = g->n_ms / 2 - 1; m >= 0; m--) rm_heap_sift_down(ms_load, heap, g->n_ms, m);
  for (int k = 0; k < g->n_gw && rc == 0; k++) {
    int i = order[k];
    int m = home[i];
    if (m < 0) {
      m = heap[0];
      ms_load[m] += gw_load[i];
      rm_heap_sift_down(ms_load, heap, g->n_ms, 0);
    }
    rm_forwarder *gw = &g->gw[i];
    gw->targets = calloc((size_t)g->n_ms, sizeof *gw->targets);
    if (!gw->targets) {
      rc = -1;
      break;
    }
    int n = 0;
    gw->targets[n++] = &g->ms[m].node;
    char **fl = sc->gw_failover;
    int n_fl = sc->n_gw_failover;
    if (sc->gw_place && sc->gw_place[i].failover) {
      fl = sc->gw_place[i].failover;
      n_fl = sc->gw_place[i].n_failover;
    }
    if (fl) {
      for (int f = 0; f < n_fl; f++) {
        int x = ms_index(g, fl[f]);
        if (x != m) gw->targets[n++] = &g->ms[x].node;
      }
    } else {
      for (int f = 1; f < g->n_ms; f++) gw->targets[n++] = &g->ms[(m + f) % g->n_ms].node;
    }
    rm_gateway_wire(gw, g, n);
  }
  free(ms_load);
  free(order);
  free(tmp);
  free(home);
  free(heap);
  return rc;
}

static void record_node(rm_group *g, const rm_node *n, const rm_node *parent) {
  if (g->res &&
      rs_results_node(g->res, n->id, n->name, rm_role_name(n->role), parent ? parent->id : -1, n->limit))
    rm_group_record_failed(g);
}

/* Grooming, daily at midnight of the run's clock. */
static void groom_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, groom);
  rs_time_t now = rs_sim_now(sim);
  rm_dbsize_groom(&g->opsdb, now);
  rm_dbsize_groom(&g->dw, now);
  if (now + RS_DAY <= g->sc->duration) rs_sim_schedule(sim, ev, now + RS_DAY);
}

/* Every server's hardware at work, and the SQL store's databases. */
static int build_servers(rm_group *g) {
  const rm_params *p = g->p;
  int n = g->n_ms + g->n_gw + g->n_ess + 4 + (p->web_console ? 1 : 0), k = 0;
  if (!(g->servers = calloc((size_t)n, sizeof *g->servers))) return -1;
  for (int i = 0; i < g->n_ms; i++)
    if (rm_server_init(&g->servers[k++], g, &g->ms[i].node, RM_HW_MS)) return -1;
  for (int i = 0; i < g->n_gw; i++)
    if (rm_server_init(&g->servers[k++], g, &g->gw[i].node, RM_HW_GATEWAY)) return -1;
  for (int i = 0; i < g->n_ess; i++)
    if (rm_server_init(&g->servers[k++], g, &g->ess[i].node, RM_HW_ESSENTIALS)) return -1;
  for (int m = 0; m < 2; m++) {
    if (rm_server_init(&g->servers[k++], g, &g->rms.member[m], RM_HW_RMS)) return -1;
    if (rm_server_init(&g->servers[k++], g, &g->sql.member[m], RM_HW_SQL)) return -1;
  }
  if (p->web_console && rm_server_init(&g->servers[k++], g, &g->web, RM_HW_WEB)) return -1;
  g->n_servers = k;
  /* Transfers into a cluster go through its name, at its active node's interface. */
  g->sql.node.capacity = g->sql.member[0].srv->model->network;
  for (int i = 0; i < g->n_ess; i++) rm_server_set_agents(g->ess[i].node.srv, (double)g->ess[i].node.agents);
  /* Hosts: each with the servers it runs. */
  if (g->sc->n_hosts && !(g->hosts = calloc((size_t)g->sc->n_hosts, sizeof *g->hosts))) return -1;
  for (int h = 0; h < g->sc->n_hosts; h++) {
    rm_host *ho = &g->hosts[h];
    ho->spec = &g->sc->hosts[h];
    ho->model = &g->sc->hw.models[ho->spec->model];
    g->n_hosts = h + 1;
    if (!(ho->vms = calloc((size_t)(ho->spec->n_runs ? ho->spec->n_runs : 1), sizeof *ho->vms))) return -1;
    double committed = 0;
    for (int i = 0; i < ho->spec->n_runs; i++) {
      rm_node *vm = rm_group_find(g, ho->spec->runs[i]);
      if (vm && vm->srv) {
        ho->vms[ho->n_vms++] = vm->srv;
        committed += (double)vm->srv->model->memory;
      }
    }
    ho->memory = ho->model->memory > 0 ? committed / (double)ho->model->memory : 0;
    ho->share = ho->least_share = 1;
  }
  if (rm_dbsize_init(&g->opsdb, p->opsdb_share, p->opsdb_base, p->opsdb_retention, p->grooming, g->sc->duration) ||
      rm_dbsize_init(&g->dw, p->dw_share, p->dw_base, p->dw_retention, p->grooming, g->sc->duration))
    return -1;
  rs_event_init(&g->groom, groom_cb);
  return 0;
}

/* The most one agent can send between two checks of its population
 * (rm_agent.c): its ticks within a flush interval and two heartbeat
 * intervals, each at most its rate over an interval plus a byte per kind
 * (the bytes by time t are floor(rate x t)). */
static int64_t pop_margin(const rm_group *g) {
  const rm_params *p = g->p;
  __int128 span = (__int128)p->flush_every + 3 * (__int128)p->heartbeat_interval, m = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) m += (__int128)g->rate[k] * span / RS_DAY + 2;
  /* A diurnal factor: at most its highest hour's rates. */
  if (g->diurnal) m = m * g->diurnal->max_milli / 1000 + RM_DATA_KINDS;
  /* Poisson counts vary: four times the mean (and pop_slack once for the
   * population). */
  if (g->sc->load.arrivals == RM_ARRIVALS_POISSON) m *= 4;
  return m > INT64_MAX / 1000000 ? INT64_MAX / 1000000 : (int64_t)m;
}

/* With Poisson arrivals, room a population keeps besides its agents'
 * margins: 20 items of each kind (its count over a check's span above
 * four times its mean by that is far out in the tail: the mean of its
 * agents' alerts there is under one, of their performance samples
 * thousands with a standard deviation of tens). */
static int64_t pop_slack(const rm_group *g) {
  int64_t s = 0;
  if (g->sc->load.arrivals == RM_ARRIVALS_POISSON)
    for (int k = 0; k < RM_DATA_KINDS; k++) s += 20 * g->p->item_bytes[k];
  return s;
}

int rm_group_build(rm_group *g, const rm_scenario *sc, rs_sim *sim, rs_results *res, char *err, size_t errlen) {
  memset(g, 0, sizeof *g);
  g->sc = sc;
  g->p = &sc->p;
  g->sim = sim;
  g->res = res;
  g->n_ms = sc->n_ms;
  g->n_gw = sc->n_gw;
  g->n_ess = (int)rm_scenario_essentials(sc);
  g->n_agents = rm_scenario_agents(sc);
  g->ms = calloc((size_t)g->n_ms, sizeof *g->ms);
  g->gw = calloc((size_t)g->n_gw, sizeof *g->gw);
  g->ess = calloc((size_t)g->n_ess, sizeof *g->ess);
  g->agents = calloc((size_t)g->n_agents, sizeof *g->agents);
  int64_t *load = calloc((size_t)g->n_gw, sizeof *load);
  if (!g->ms || !g->gw || !g->ess || !g->agents || rm_watchers_init(&g->watch, g->n_agents) || !load)
    goto nomem;
  const rm_params *p = g->p;
  for (int k = 0; k < RM_DATA_KINDS; k++)
    g->rate[k] = (int64_t)(p->per_day[k] * (double)p->item_bytes[k] * p->forward_share + 0.5);
  g->poisson = sc->load.arrivals == RM_ARRIVALS_POISSON;
  g->diurnal = sc->load.diurnal.on ? &sc->load.diurnal : NULL;
  g->pop_margin = pop_margin(g);
  g->pop_slack = pop_slack(g);
  for (int k = 0; k < RM_DATA_KINDS; k++)
    g->poisson_interval[k] = rm_poisson_prep(p->per_day[k] * (double)p->heartbeat_interval / (double)RS_DAY);
  int64_t id = 1;
  if (rm_rms_init(g, &id) || rm_sql_init(g, &id)) goto nomem;
  if (p->web_console && rm_node_init(g, &g->web, id++, "web-1", RM_WEB)) goto nomem;
  for (int i = 0; i < g->n_ms; i++)
    if (rm_ms_init(&g->ms[i], g, id++, sc->ms_names[i])) goto nomem;
  for (int i = 0; i < g->n_gw; i++)
    if (rm_gateway_init(&g->gw[i], g, id++, sc->gw_names[i])) goto nomem;
  int e = 0;
  int64_t a = 0;
  for (int s = 0; s < sc->n_specs; s++) {
    const rm_customer_spec *cs = &sc->specs[s];
    /* A customer's one Essentials server is named like it; several are
     * CUSTOMER.1 ... CUSTOMER.N, its computers split between them. */
    for (int c = 0; c < cs->count; c++)
      for (int j = 0; j < cs->essentials; j++, e++) {
        rm_essentials *es = &g->ess[e];
        char name[512];
        int servers, clients;
        if (cs->essentials == 1)
          snprintf(name, sizeof name, "%s-%d", cs->prefix, c + 1);
        else
          snprintf(name, sizeof name, "%s-%d.%d", cs->prefix, c + 1, j + 1);
        rm_ess_split(cs->servers, cs->clients, cs->essentials, j, &servers, &clients);
        if (rm_essentials_init(es, g, id++, name, cs, servers, clients, a)) goto nomem;
        es->nth = c;
        es->part = j;
        a += es->node.agents;
      }
  }
  if (index_names(g) || place_primaries(g, load) || place_gateways(g, load) || place_backups(g, load)) goto nomem;

  /* Agents, customer by customer: servers first, then clients. */
  a = 0;
  for (e = 0; e < g->n_ess; e++) {
    rm_essentials *es = &g->ess[e];
    rm_essentials_wire(es, g);
    for (int k = 0; k < es->servers + es->clients; k++, a++) {
      rm_agent *ag = &g->agents[a];
      char name[512];
      bool server = k < es->servers;
      snprintf(name, sizeof name, "%s/%s-%d", es->node.name, server ? "srv" : "cli",
               server ? k + 1 : k - es->servers + 1);
      if (rm_node_init(g, &ag->node, id++, name, RM_AGENT)) goto nomem;
      ag->node.agents = 1;
      ag->ess = &es->node;
      ag->server = server;
      rm_spool_init(&ag->node.spool, p->agent_queue);
      rm_agent_init(ag, sc->seed, a);
    }
  }
  if (build_servers(g)) goto nomem;
  for (int h = 0; h < g->n_hosts; h++) g->hosts[h].id = id++; /* after every other node's */
  rm_measure_record_setup(g);
  if (g->m.ess_by_gateway) {
    g->m.sum_first_id = id; /* each gateway's summary of its Essentials servers */
    id += g->n_gw;
  }
  if (rm_timeline_build(&g->timeline, g, err, errlen)) goto fail;
  rm_measure_init(g); /* records the metrics */
  if (res) {
    for (int c = 0; c < 2; c++) {
      rm_cluster *cl = c ? &g->sql : &g->rms;
      record_node(g, &cl->node, NULL);
      record_node(g, &cl->member[0], &cl->node);
      record_node(g, &cl->member[1], &cl->node);
    }
    if (p->web_console) record_node(g, &g->web, &g->rms.node);
    for (int i = 0; i < g->n_ms; i++) record_node(g, &g->ms[i].node, &g->sql.node);
    for (int i = 0; i < g->n_gw; i++) record_node(g, &g->gw[i].node, g->gw[i].targets[0]);
    for (e = 0; e < g->n_ess; e++) record_node(g, &g->ess[e].node, g->ess[e].targets[0]);
    for (a = 0; a < g->n_agents; a++) record_node(g, &g->agents[a].node, g->agents[a].ess);
    /* Each host, then which host runs which server: an on_host event of
     * the server at 0, the host's name as its detail (a server's parent
     * stays where it reports). */
    for (int h = 0; h < g->n_hosts; h++)
      if (rs_results_node(res, g->hosts[h].id, g->hosts[h].spec->name, RM_HOST_ROLE, -1, 0))
        rm_group_record_failed(g);
    for (int i = 0; g->m.ess_by_gateway && i < g->n_gw; i++) {
      char name[600];
      snprintf(name, sizeof name, "%s/essentials", g->gw[i].node.name);
      if (g->m.ess_of_gw[i] &&
          rs_results_node(res, g->m.sum_first_id + i, name, RM_ESS_SUMMARY_ROLE, g->gw[i].node.id, 0))
        rm_group_record_failed(g);
    }
    for (int h = 0; h < g->n_hosts; h++)
      for (int i = 0; i < g->hosts[h].n_vms; i++)
        rm_group_event(g, g->hosts[h].vms[i]->node, "on_host", "%s", g->hosts[h].spec->name);
    if (g->error) {
      snprintf(err, errlen, "%s", g->errmsg);
      goto fail;
    }
  }
  free(load);
  return 0;
nomem:
  snprintf(err, errlen, "out of memory building the group");
fail:
  free(load);
  rm_group_free(g);
  return -1;
}

void rm_group_start(rm_group *g) {
  const rm_params *p = g->p;
  /* From the top down, so each sender finds its parent up. */
  for (int i = 0; i < g->n_ms; i++) rm_uplink_start(&g->ms[i].up);
  for (int i = 0; i < g->n_gw; i++) rm_uplink_start(&g->gw[i].up);
  for (int e = 0; e < g->n_ess; e++) {
    rm_measure_limit(g, &g->ess[e].node, 0);
    rm_uplink_start(&g->ess[e].up);
    rm_pop_settle(g, &g->ess[e].node); /* open: its agents join at their first ticks */
  }
  for (int64_t a = 0; a < g->n_agents; a++) {
    rm_agent_follow_hours(&g->agents[a], g->sim); /* clients on office hours: off at night */
    rm_agent_start(&g->agents[a], g->sim, p->heartbeat_interval);
  }
  rm_timeline_start(&g->timeline, g);
  rm_watchers_start(g);
  for (int c = 0; c < 2; c++) clusters_load(g, c ? &g->sql.node : &g->rms.node);
  if (RS_DAY <= g->sc->duration) rs_sim_schedule(g->sim, &g->groom, RS_DAY);
  rm_measure_start(g);
}

/* ---- nodes by role ---- */

rm_node *rm_group_node(const rm_group *g, rm_role r, int64_t i) {
  switch (r) {
  case RM_MS: return &g->ms[i].node;
  case RM_GATEWAY: return &g->gw[i].node;
  case RM_ESSENTIALS: return &g->ess[i].node;
  case RM_AGENT: return &g->agents[i].node;
  default: return NULL;
  }
}

int64_t rm_group_count(const rm_group *g, rm_role r) {
  switch (r) {
  case RM_MS: return g->n_ms;
  case RM_GATEWAY: return g->n_gw;
  case RM_ESSENTIALS: return g->n_ess;
  case RM_AGENT: return g->n_agents;
  default: return 0;
  }
}

void rm_group_share_hosts(rm_group *g, rs_time_t now) {
  for (int h = 0; h < g->n_hosts; h++) {
    rm_host *ho = &g->hosts[h];
    double asked = 0, done = 0, have = ho->model->processors;
    for (int i = 0; i < ho->n_vms; i++) {
      const rm_server *s = ho->vms[i];
      /* What it did since the sample before, in processors at full speed:
       * its processors busy at the share it had (its utilization counts a
       * processor-second at 1 / share). */
      done += s->util[RM_RES_CPU] * s->model->processors * s->cpu_share;
      if (s->node->state != RM_UP) continue;
      asked += s->wanted < s->model->processors ? s->wanted : s->model->processors;
    }
    ho->asked = asked;
    /* A host is no busier than all its processors: its servers asked for
     * more (asked above them) and each got a share of its own. */
    ho->cpu = have > 0 ? (done < have ? done / have : 1) : 0;
    if (ho->cpu > ho->peak_cpu) ho->peak_cpu = ho->cpu, ho->peak_cpu_at = now;
    if (asked / have > ho->peak_asked) ho->peak_asked = asked / have, ho->peak_at = now;
    double share = asked > have ? have / asked : 1;
    ho->share = share;
    if (share < ho->least_share) ho->least_share = share;
    for (int i = 0; i < ho->n_vms; i++) rm_server_set_cpu_share(ho->vms[i], share);
    bool busy = asked > have;
    if (busy != ho->busy)
      rm_group_host_event(g, ho, busy ? "host_busy" : "host_calm",
                     busy ? "%s's processors are asked for %.0f %% of what they have (%.1f of %d): its servers get "
                            "%.0f %% of theirs"
                          : "%s's processors are no longer asked for more than they have",
                     ho->spec->name, 100 * asked / have, asked, ho->model->processors, 100 * share);
    ho->busy = busy;
  }
}

void rm_group_free(rm_group *g) {
  for (int h = 0; g->hosts && h < g->n_hosts; h++) free(g->hosts[h].vms);
  free(g->hosts);
  for (int i = 0; g->servers && i < g->n_servers; i++) rm_server_free(&g->servers[i]);
  free(g->servers);
  rm_dbsize_free(&g->opsdb);
  rm_dbsize_free(&g->dw);
  for (int i = 0; g->ms && i < g->n_ms; i++) {
    free(g->ms[i].node.name);
    free(g->ms[i].node.holds);
    free(g->ms[i].targets);
    rm_spool_free(&g->ms[i].node.spool);
  }
  for (int i = 0; g->gw && i < g->n_gw; i++) {
    free(g->gw[i].node.name);
    free(g->gw[i].node.holds);
    free(g->gw[i].targets);
    rm_spool_free(&g->gw[i].node.spool);
  }
  for (int i = 0; g->ess && i < g->n_ess; i++) {
    free(g->ess[i].node.name);
    free(g->ess[i].node.holds);
    rm_spool_free(&g->ess[i].node.spool);
    rm_pop_free(&g->ess[i].pop);
  }
  for (int64_t i = 0; g->agents && i < g->n_agents; i++) {
    free(g->agents[i].node.name);
    free(g->agents[i].node.holds);
    rm_spool_free(&g->agents[i].node.spool);
  }
  for (int c = 0; c < 2; c++) {
    rm_cluster *cl = c ? &g->sql : &g->rms;
    free(cl->node.name);
    free(cl->member[0].name);
    free(cl->member[1].name);
    free(cl->node.holds);
    free(cl->member[0].holds);
    free(cl->member[1].holds);
  }
  free(g->web.name);
  free(g->web.holds);
  rm_index_free(&g->names);
  free(g->ms);
  free(g->gw);
  free(g->ess);
  free(g->agents);
  rm_watchers_free(&g->watch);
  rm_measure_free(&g->m);
  rm_story_free(&g->story);
  rm_timeline_free(&g->timeline);
  memset(g, 0, sizeof *g);
}
