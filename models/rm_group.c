/* rm_group: building a management group, wiring its roles, sampling, and
 * judging expectations. */
#include "rm_group.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_units.h"

/* Metric ids in the results file: per node, then for the whole group. */
enum {
  M_AGENTS = 1, M_QUEUE, M_IN, M_OUT, M_DROPPED, M_STATE,
  M_DELIVERED_RATE, M_LAT50, M_LAT95, M_LAT99, M_ALERTS, M_DROPPED_TOTAL, M_QUEUED_TOTAL, M_AGENT_QUEUE,
  M_GENERATED_TOTAL, M_DELIVERED_TOTAL, M_CPU, M_DISK, M_NETWORK, M_MEMORY, M_OPSDB_SIZE, M_DW_SIZE,
  M_GROUP_UTIL,                        /* + disk group: a server's disk groups, when it has more than one */
  M_GROUP_LOAD = M_GROUP_UTIL + RM_DISK_GROUPS,
  M_METRICS_END = M_GROUP_LOAD + RM_DISK_GROUPS
};

static const struct {
  int id;
  const char *name, *unit;
} metrics[] = {
    {M_AGENTS, "agents", "agents"},
    {M_QUEUE, "queue_bytes", "bytes queued, being sent and being taken in"},
    {M_IN, "bytes_in", "bytes since the previous sample"},
    {M_OUT, "bytes_out", "bytes since the previous sample"},
    {M_DROPPED, "dropped_bytes", "bytes since the previous sample"},
    {M_STATE, "state", "0 up, 1 down, 2 failing over"},
    {M_DELIVERED_RATE, "delivered_rate", "bytes per second stored in SQL since the previous sample"},
    {M_LAT50, "latency_p50", "ms from generated to stored, data stored since the previous sample"},
    {M_LAT95, "latency_p95", "ms from generated to stored, data stored since the previous sample"},
    {M_LAT99, "latency_p99", "ms from generated to stored, data stored since the previous sample"},
    {M_ALERTS, "heartbeat_alerts", "alerts raised so far"},
    {M_DROPPED_TOTAL, "dropped_total", "bytes dropped so far"},
    {M_QUEUED_TOTAL, "queued_total", "bytes queued or in flight anywhere"},
    {M_AGENT_QUEUE, "agent_queue_bytes", "bytes queued on agents"},
    {M_GENERATED_TOTAL, "generated_total", "bytes generated so far"},
    {M_DELIVERED_TOTAL, "delivered_total", "bytes stored in SQL so far"},
    {M_CPU, "cpu", "share of its processors busy since the previous sample"},
    {M_DISK, "disk", "utilization of its busiest disk group since the previous sample"},
    {M_NETWORK, "network", "share of its network interface used since the previous sample, the busier way"},
    {M_MEMORY, "memory", "share of its memory used"},
    {M_OPSDB_SIZE, "opsdb_bytes", "size of the OperationsManager database"},
    {M_DW_SIZE, "dw_bytes", "size of the data warehouse"},
    {M_GROUP_UTIL + RM_DISK_SYSTEM, "disk_system", "utilization of its system disks"},
    {M_GROUP_UTIL + RM_DISK_OPSDB_DATA, "disk_opsdb_data", "utilization of the OpsDB's data disks"},
    {M_GROUP_UTIL + RM_DISK_OPSDB_LOG, "disk_opsdb_log", "utilization of the OpsDB's log disks"},
    {M_GROUP_UTIL + RM_DISK_DW_DATA, "disk_dw_data", "utilization of the data warehouse's data disks"},
    {M_GROUP_UTIL + RM_DISK_DW_LOG, "disk_dw_log", "utilization of the data warehouse's log disks"},
    {M_GROUP_LOAD + RM_DISK_SYSTEM, "iops_system", "I/Os a second on its system disks"},
    {M_GROUP_LOAD + RM_DISK_OPSDB_DATA, "iops_opsdb_data", "I/Os a second on the OpsDB's data disks"},
    {M_GROUP_LOAD + RM_DISK_OPSDB_LOG, "log_opsdb", "bytes a second written to the OpsDB's log"},
    {M_GROUP_LOAD + RM_DISK_DW_DATA, "iops_dw_data", "I/Os a second on the data warehouse's data disks"},
    {M_GROUP_LOAD + RM_DISK_DW_LOG, "log_dw", "bytes a second written to the data warehouse's log"},
};

const char *rm_role_name(rm_role r) {
  static const char *names[RM_ROLE_COUNT] = {"management_server", "gateway", "essentials", "agent", "rms",
                                             "sql", "rms_node", "sql_node", "web_console"};
  return r < RM_ROLE_COUNT ? names[r] : "unknown";
}

/* ---- recording ---- */

/* Stop the run on the first recording failure; keep its message. */
static void record_failed(rm_group *g) {
  if (g->error) return;
  g->error = -1;
  snprintf(g->errmsg, sizeof g->errmsg, "%s", g->res ? rs_results_errmsg(g->res) : "recording failed");
  rs_sim_stop(g->sim);
}

/* An event dated t, with the bytes queued and lost so far at t (queued -1:
 * take them now, for the story's lines that show them). */
static void vevent(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n, const char *kind,
                   const char *fmt, va_list ap) {
  char detail[512];
  vsnprintf(detail, sizeof detail, fmt, ap);
  rm_story_note(g, t, n, kind, detail, queued, lost);
  if (g->res && rs_results_event(g->res, t, n ? n->id : -1, kind, detail)) record_failed(g);
}

void rm_group_event(rm_group *g, const rm_node *n, const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vevent(g, rs_sim_now(g->sim), -1, 0, n, kind, fmt, ap);
  va_end(ap);
}

/* The same, dated t: an instant just settled, or an event noticed after it
 * happened (at or before now), with the bytes queued and lost so far then
 * (queued -1: now). */
static void rm_group_event_at(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n,
                              const char *kind, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void rm_group_event_at(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n,
                              const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vevent(g, t, queued, lost, n, kind, fmt, ap);
  va_end(ap);
}

static void sample(rm_group *g, const rm_node *n, int metric, double v) {
  if (g->res && rs_results_sample(g->res, rs_sim_now(g->sim), n ? n->id : -1, metric, v)) record_failed(g);
}

/* ---- agents carried and limits ---- */

/* Judge n against its limit as it stands at the end of instant `now`. */
static void check_limit(rm_group *g, rm_node *n, rs_time_t now) {
  bool over;
  if (n->role == RM_ESSENTIALS) {
    over = rm_essentials_over((const rm_essentials *)(const void *)n, g->p);
  } else {
    over = n->limit > 0 && n->agents > n->limit;
  }
  if (n->agents > n->peak_agents) {
    n->peak_agents = n->agents;
    n->peak_time = now;
  }
  if (n->limit_episode >= 0 && n->agents > g->limits[n->limit_episode].peak) g->limits[n->limit_episode].peak = n->agents;
  if (over == n->over_limit) return;
  n->over_limit = over;
  if (over) {
    n->over_since = now;
    if (n->first_over < 0) n->first_over = now;
    g->limit_events++;
    if (rm_group_grow((void **)&g->limits, g->n_limits, &g->cap_limits, sizeof *g->limits) == 0) {
      g->limits[g->n_limits] = (rm_limit_episode){.node = n, .start = now, .end = -1, .peak = n->agents};
      n->limit_episode = g->n_limits++;
    } else {
      g->nomem = 1;
    }
  } else {
    n->over_total += now - n->over_since;
    if (n->limit_episode >= 0) g->limits[n->limit_episode].end = now;
    n->limit_episode = -1;
  }
  if (n->role == RM_ESSENTIALS) {
    const rm_essentials *e = (const rm_essentials *)(const void *)n;
    rm_group_event_at(g, now, -1, 0, n, over ? "limit_crossed" : "limit_recovered",
                      "%s manages %d servers and %d clients, %s its limits of %d and %d", n->name, e->servers,
                      e->clients, over ? "over" : "within", g->p->ess_servers, g->p->ess_clients);
  } else {
    rm_group_event_at(g, now, -1, 0, n, over ? "limit_crossed" : "limit_recovered",
                      "%s carries %lld agents, %s its limit of %lld", n->name, (long long)n->agents,
                      over ? "over" : "within", (long long)n->limit);
  }
}

/* Limits are judged once an instant has settled: agents moving between
 * parents in one instant (Essentials servers failing back one after
 * another) do not make a node cross its limit for no time at all. */
static void settle_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, settle);
  (void)sim;
  for (int i = 0; i < g->n_dirty; i++) {
    g->dirty[i]->dirty = false;
    check_limit(g, g->dirty[i], g->settle_time);
  }
  g->n_dirty = 0;
}

static void mark_dirty(rm_group *g, rm_node *n) {
  if (n->dirty) return;
  if (g->n_dirty == g->cap_dirty) {
    int cap = g->cap_dirty ? 2 * g->cap_dirty : 64;
    rm_node **v = realloc(g->dirty, (size_t)cap * sizeof *v);
    if (!v) { /* judge it now rather than lose it */
      check_limit(g, n, rs_sim_now(g->sim));
      return;
    }
    g->dirty = v;
    g->cap_dirty = cap;
  }
  n->dirty = true;
  g->dirty[g->n_dirty++] = n;
  if (!rs_event_pending(&g->settle)) {
    g->settle_time = rs_sim_now(g->sim);
    rs_sim_schedule(g->sim, &g->settle, g->settle_time + 1);
  }
}

/* Add delta agents to n and to every node above it. */
static void carry(rm_group *g, rm_node *n, int64_t delta) {
  for (; n; n = n->parent) {
    n->agents += delta;
    if (n->srv && !n->srv->costs.group_agents) rm_server_set_agents(n->srv, (double)n->agents);
    mark_dirty(g, n);
  }
}

void rm_group_attach(rm_group *g, rm_node *child, rm_node *parent) {
  child->parent = parent;
  parent->connections++;
  carry(g, parent, child->agents);
}

void rm_group_detach(rm_group *g, rm_node *child) {
  rm_node *parent = child->parent;
  if (!parent) return;
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

int64_t rm_group_link_lost(rm_group *g, rm_node *owner, const rm_node *lost) {
  if (rm_group_grow((void **)&g->link_outages, g->n_link_outages, &g->cap_link_outages, sizeof *g->link_outages)) {
    g->nomem = 1;
    return -1;
  }
  g->link_outages[g->n_link_outages] =
      (rm_link_outage){.owner = owner, .lost = lost, .start = rs_sim_now(g->sim), .end = -1};
  return g->n_link_outages++;
}

void rm_group_link_back(rm_group *g, int64_t outage, bool cut) {
  if (outage < 0) return;
  g->link_outages[outage].end = rs_sim_now(g->sim);
  g->link_outages[outage].cut = cut;
}

/* Note the figures phases are measured by (queued: -1 when not sampled). */
static void mark(rm_group *g, int64_t queued) {
  if (rm_group_grow((void **)&g->marks, g->n_marks, &g->cap_marks, sizeof *g->marks)) {
    g->nomem = 1;
    return;
  }
  g->marks[g->n_marks++] = (rm_mark){.t = rs_sim_now(g->sim), .dropped = g->dropped_total, .queued = queued};
}

void rm_group_note_drop(rm_group *g, rm_node *n, int64_t bytes) {
  if (bytes <= 0) return;
  g->dropped_total += bytes;
  /* When it dropped last, and the figures then (what is queued follows from
   * what every byte became: generated = stored + queued + dropped). */
  n->drop_last = rs_sim_now(g->sim);
  n->drop_last_queued = g->generated - g->delivered - g->dropped_total;
  n->drop_last_lost = g->dropped_total;
  if (!n->dropping) {
    char b[32];
    n->dropping = true;
    n->drop_from = n->spool.dropped - bytes;
    n->drop_since = rs_sim_now(g->sim);
    rm_group_event(g, n, "drop", "%s's queue is full (%s): it drops data, least important and oldest first",
                   n->name, rm_size_format(n->spool.capacity, b, sizeof b));
  }
}

void rm_group_deliver(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, const uint8_t *prio, int n) {
  rs_time_t now = rs_sim_now(g->sim);
  int64_t bytes = 0, dropped = 0;
  (void)from;
  for (int k = 0; k < n; k++) {
    bytes += c[k].bytes;
    if (to->role == RM_SQL) {
      rs_hist_add(&g->latency, now - c[k].gen, c[k].bytes);
      rs_hist_add(&g->latency_sample, now - c[k].gen, c[k].bytes);
    } else {
      dropped += rm_spool_push(&to->spool, prio[k], c[k].gen, c[k].bytes);
    }
  }
  to->bytes_in += bytes;
  if (to->role == RM_SQL) {
    g->delivered += bytes;
    rm_dbsize_add(&g->opsdb, now, bytes);
    rm_dbsize_add(&g->dw, now, bytes);
  }
  if (dropped) rm_group_note_drop(g, to, dropped);
}

/* ---- states ---- */

/* The RMS and SQL services' outages (failovers included), for sweeps. */
static void note_service(rm_group *g, rm_node *n) {
  int c = n == &g->rms.node ? 0 : n == &g->sql.node ? 1 : -1;
  if (c < 0) return;
  rs_time_t now = rs_sim_now(g->sim);
  if (n->state != RM_UP && g->svc_open[c] < 0) {
    if (rm_group_grow((void **)&g->svc_outages, g->n_svc_outages, &g->cap_svc_outages, sizeof *g->svc_outages)) {
      g->nomem = 1;
      return;
    }
    g->svc_outages[g->n_svc_outages] = (rm_link_outage){.owner = n, .start = now, .end = -1};
    g->svc_open[c] = g->n_svc_outages++;
  } else if (n->state == RM_UP && g->svc_open[c] >= 0) {
    g->svc_outages[g->svc_open[c]].end = now;
    g->svc_open[c] = -1;
  }
}

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
  }
}

void rm_group_state_changed(rm_group *g, rm_node *n) {
  note_service(g, n);
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
  rm_group_event(g, n, on ? "health_started" : "health_stopped", "%s: the health service %s", n->name,
                 on ? "runs again" : "stopped");
  rm_agent_health(a, g->sim, on);
  if (!on)
    rm_watchers_outage_begins(g, a->index);
  else if (a->node.state == RM_UP)
    rm_watchers_outage_ends(g, a->index);
}

/* Before a fault step: the first one after a calm spell fixes the level
 * the queues must come back to (that of the last sample while no fault
 * held anything). */
void rm_group_phase_mark(rm_group *g) {
  if (!g->drain_pending) {
    g->drain_pending = true;
    g->drain_level = g->calm_queued + g->calm_queued / 2 + g->p->max_batch;
  }
  g->drain_since = rs_sim_now(g->sim);
  mark(g, -1);
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
  n->first_over = -1;
  n->limit_episode = -1;
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

/* A heap of indexes by key, the least on top (ties: the lower index). */
static bool heap_before(const int64_t *key, int a, int b) { return key[a] < key[b] || (key[a] == key[b] && a < b); }

static void heap_sift_down(const int64_t *key, int *h, int n, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && heap_before(key, h[l], h[m])) m = l;
    if (r < n && heap_before(key, h[r], h[m])) m = r;
    if (m == i) return;
    int t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

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
      for (int k = g->n_gw / 2 - 1; k >= 0; k--) heap_sift_down(load, heap, g->n_gw, k);
    }
    for (int i = 0; i < g->n_ess; i++) {
      rm_essentials *e = &g->ess[i];
      const char *want = rm_customer_primary(e->spec, e->nth * e->spec->essentials + e->part);
      int named = want != NULL;
      if (named != (pass == 0)) continue;
      int p = named ? gw_index(g, want) : heap[0];
      load[p] += e->node.agents;
      e->targets[0] = &g->gw[p].node;
      if (!named) heap_sift_down(load, heap, g->n_gw, 0);
    }
  }
  free(heap);
  return 0;
}

/*
 * Choose each Essentials server's backup gateway, unless named: the one
 * that would carry the fewest agents if its primary failed (its own load
 * plus the Essentials servers of that same primary already backed up there), first
 * among gateways on the primary's management server, so that a gateway's
 * failure moves no agents between management servers. Ties: the next after
 * the primary.
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
        for (int k = 0; k < n; k++)
          key[k] = (g->gw[k].targets[0] != pm ? (int64_t)1 << 40 : 0) + load[k] + moved[(size_t)p * n + k];
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

/* Sort idx[0..n) by key, largest first, keeping the order of equals (a
 * merge sort). 0, or -1 without memory. */
static int sort_by_load(const int64_t *key, int *idx, int n) {
  int *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
  if (!tmp) return -1;
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = key[idx[j]] > key[idx[i]] ? idx[j++] : idx[i++];
      while (i < mid) tmp[k++] = idx[i++];
      while (j < hi) tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, (size_t)n * sizeof *idx);
  }
  free(tmp);
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
  int *order = malloc((size_t)g->n_gw * sizeof *order);
  int *home = malloc((size_t)g->n_gw * sizeof *home);
  int *heap = malloc((size_t)(g->n_ms > 0 ? g->n_ms : 1) * sizeof *heap);
  if (!ms_load || !order || !home || !heap) {
    free(ms_load);
    free(order);
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
  int rc = sort_by_load(gw_load, order, g->n_gw);
  /* The server carrying least, from a heap: loads only grow. */
  for (int m = 0; m < g->n_ms; m++) heap[m] = m;
  for (int m = g->n_ms / 2 - 1; m >= 0; m--) heap_sift_down(ms_load, heap, g->n_ms, m);
  for (int k = 0; k < g->n_gw && rc == 0; k++) {
    int i = order[k];
    int m = home[i];
    if (m < 0) {
      m = heap[0];
      ms_load[m] += gw_load[i];
      heap_sift_down(ms_load, heap, g->n_ms, 0);
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
  free(home);
  free(heap);
  return rc;
}

static void record_node(rm_group *g, const rm_node *n, const rm_node *parent) {
  if (g->res &&
      rs_results_node(g->res, n->id, n->name, rm_role_name(n->role), parent ? parent->id : -1, n->limit))
    record_failed(g);
}

static void sample_cb(rs_sim *sim, rs_event *ev);
static int64_t queued_at_senders(const rm_group *g);

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
  if (rm_dbsize_init(&g->opsdb, p->opsdb_share, p->opsdb_base, p->opsdb_retention, p->grooming, g->sc->duration) ||
      rm_dbsize_init(&g->dw, p->dw_share, p->dw_base, p->dw_retention, p->grooming, g->sc->duration))
    return -1;
  rs_event_init(&g->groom, groom_cb);
  if (!(g->watches = calloc((size_t)(g->sc->n_expect ? g->sc->n_expect : 1), sizeof *g->watches))) return -1;
  return 0;
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
  g->svc_open[0] = g->svc_open[1] = -1;
  g->aged_queued = -1;
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
  if (rm_timeline_build(&g->timeline, g, err, errlen)) goto fail;
  if (res) {
    for (size_t k = 0; k < sizeof metrics / sizeof metrics[0]; k++)
      if (rs_results_metric(res, metrics[k].id, metrics[k].name, metrics[k].unit)) record_failed(g);
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
    if (g->error) {
      snprintf(err, errlen, "%s", g->errmsg);
      goto fail;
    }
  }
  rs_event_init(&g->sampler, sample_cb);
  rs_event_init(&g->settle, settle_cb);
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
    check_limit(g, &g->ess[e].node, 0);
    rm_uplink_start(&g->ess[e].up);
  }
  for (int64_t a = 0; a < g->n_agents; a++) rm_agent_start(&g->agents[a], g->sim, p->heartbeat_interval);
  rm_timeline_start(&g->timeline, g);
  rm_watchers_start(g);
  for (int c = 0; c < 2; c++) clusters_load(g, c ? &g->sql.node : &g->rms.node);
  if (RS_DAY <= g->sc->duration) rs_sim_schedule(g->sim, &g->groom, RS_DAY);
  rs_sim_schedule(g->sim, &g->sampler, 0);
}

/* ---- sampling ---- */

/* A node that dropped nothing since the previous sample has stopped
 * dropping: say how much it lost. The event is dated at its last drop, when
 * dropping stopped, not at this sample, which only notices it. */
static void end_dropping(rm_group *g, rm_node *n) {
  if (!n->dropping || n->spool.dropped != n->dropped_at_sample) return;
  char b[32], at[32], last[32];
  n->dropping = false;
  rm_group_event_at(g, n->drop_last, n->drop_last_queued, n->drop_last_lost, n, "drop_ended",
                    "%s's queue stopped dropping at %s: %s lost since %s", n->name,
                    rs_clock_format(n->drop_last / RS_SEC * RS_SEC, last, sizeof last),
                    rm_size_format(n->spool.dropped - n->drop_from, b, sizeof b),
                    rs_clock_format(n->drop_since / RS_SEC * RS_SEC, at, sizeof at));
}

/* The state a node shows: its own, or failing over while a sender has no
 * parent. */
static rm_state shown_state(const rm_group *g, const rm_node *n) {
  if (n == &g->web) return rm_webconsole_state(g);
  if (n->state != RM_UP) return n->state;
  if (n->up && n->up->state != RM_UL_CONNECTED) return RM_FAILING_OVER;
  return RM_UP;
}

static void sample_node(rm_group *g, rm_node *n, bool data) {
  sample(g, n, M_AGENTS, (double)n->agents);
  sample(g, n, M_STATE, (double)shown_state(g, n));
  if (data) {
    /* Its queue, what it is sending, and what it is taking in (its
     * station's backlog; the SQL store's on its active node). */
    const rm_server *srv = n == &g->sql.node ? g->sql.member[g->sql.active].srv : n->srv;
    double taking = srv && srv->has_station ? rs_station_backlog(&srv->st) : 0;
    sample(g, n, M_QUEUE, (double)(n->spool.bytes + (n->up ? n->up->inflight_bytes : 0)) + taking);
    sample(g, n, M_IN, (double)(n->bytes_in - n->in_at_sample));
    sample(g, n, M_OUT, (double)(n->bytes_out - n->out_at_sample));
    sample(g, n, M_DROPPED, (double)(n->spool.dropped - n->dropped_at_sample));
  }
  end_dropping(g, n);
  n->in_at_sample = n->bytes_in;
  n->out_at_sample = n->bytes_out;
  n->dropped_at_sample = n->spool.dropped;
}

/* Once no fault holds anything, none is under way (a flap between two of
 * its flaps holds nothing, but is not over), and the queues are back to
 * their level before the faults, say so (checked at samples). */
static void tell_drained(rm_group *g, int64_t queued) {
  rs_time_t now = rs_sim_now(g->sim);
  if (g->timeline.active_holds == 0 && !g->drain_pending) g->calm_queued = queued;
  if (!g->drain_pending || g->timeline.active_holds > 0 || now <= g->drain_since || queued > g->drain_level ||
      rm_timeline_under_way(&g->timeline, now))
    return;
  g->drain_pending = false;
  char d[32], q[32], at[32];
  rm_group_event(g, NULL, "backlog_drained", "queues are back to their level before the faults: %s queued, %s after the last change at %s",
                 rm_size_format(queued, q, sizeof q), rs_duration_format(now - g->drain_since, d, sizeof d),
                 rs_clock_format(g->drain_since, at, sizeof at));
}

/* Every server's utilization since the previous sample, and the SQL
 * store's databases. */
static void sample_servers(rm_group *g, rs_time_t now) {
  for (int i = 0; i < g->n_servers; i++) {
    rm_server *s = &g->servers[i];
    rm_node *n = s->node;
    int change = rm_server_sample(s, now, n->spool.bytes + (n->up ? n->up->inflight_bytes : 0));
    if (change) {
      char why[160];
      if (change > 0)
        rm_group_event(g, n, "saturated", "%s is saturated: %s; what is sent to it waits", n->name,
                       rm_server_why(s, why, sizeof why));
      else
        rm_group_event(g, n, "saturation_ended", "%s is no longer saturated", n->name);
    }
    static const int res[RM_RESOURCES] = {M_CPU, M_DISK, M_NETWORK, M_MEMORY};
    for (int r = 0; r < RM_RESOURCES; r++) sample(g, n, res[r], s->util[r]);
    int groups = 0;
    for (int d = 0; d < RM_DISK_GROUPS; d++) groups += s->model->disks[d].count > 0;
    for (int d = 0; groups > 1 && d < RM_DISK_GROUPS; d++) {
      if (s->model->disks[d].count <= 0) continue;
      sample(g, n, M_GROUP_UTIL + d, s->disk_util[d]);
      sample(g, n, M_GROUP_LOAD + d, s->iops[d]);
    }
  }
  sample(g, NULL, M_OPSDB_SIZE, rm_dbsize_bytes(&g->opsdb, now));
  sample(g, NULL, M_DW_SIZE, rm_dbsize_bytes(&g->dw, now));
  rm_expect_sample(g, now);
}

static void sample_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, sampler);
  rs_time_t now = rs_sim_now(sim), every = g->sc->sample_every;
  for (int c = 0; c < 2; c++) {
    rm_cluster *cl = c ? &g->sql : &g->rms;
    sample_node(g, &cl->node, c == 1);
    sample(g, &cl->member[0], M_STATE, (double)cl->member[0].state);
    sample(g, &cl->member[1], M_STATE, (double)cl->member[1].state);
  }
  if (g->p->web_console) sample_node(g, &g->web, false);
  sample_servers(g, now);
  for (int i = 0; i < g->n_ms; i++) sample_node(g, &g->ms[i].node, true);
  for (int i = 0; i < g->n_gw; i++) sample_node(g, &g->gw[i].node, true);
  for (int e = 0; e < g->n_ess; e++) sample_node(g, &g->ess[e].node, true);
  int64_t agent_queue = 0, agent_dropped = 0;
  for (int64_t a = 0; a < g->n_agents; a++) {
    rm_node *n = &g->agents[a].node;
    agent_queue += n->spool.bytes;
    agent_dropped += n->spool.dropped;
    end_dropping(g, n);
    n->dropped_at_sample = n->spool.dropped;
  }
  (void)agent_dropped;
  rs_time_t span = now < every ? now : every;
  sample(g, NULL, M_DELIVERED_RATE, span > 0 ? (double)(g->delivered - g->delivered_at_sample) * 1e6 / (double)span : 0.0);
  g->delivered_at_sample = g->delivered;
  if (g->latency_sample.total > 0) {
    sample(g, NULL, M_LAT50, (double)rs_hist_quantile(&g->latency_sample, 0.50) / 1e3);
    sample(g, NULL, M_LAT95, (double)rs_hist_quantile(&g->latency_sample, 0.95) / 1e3);
    sample(g, NULL, M_LAT99, (double)rs_hist_quantile(&g->latency_sample, 0.99) / 1e3);
  }
  rs_hist_clear(&g->latency_sample);
  sample(g, NULL, M_ALERTS, (double)g->watch.alerts);
  sample(g, NULL, M_DROPPED_TOTAL, (double)rm_group_dropped(g));
  int64_t queued = queued_at_senders(g) + agent_queue; /* one pass over the agents */
  tell_drained(g, queued);
  mark(g, queued);
  sample(g, NULL, M_QUEUED_TOTAL, (double)queued);
  sample(g, NULL, M_AGENT_QUEUE, (double)agent_queue);
  sample(g, NULL, M_GENERATED_TOTAL, (double)g->generated);
  sample(g, NULL, M_DELIVERED_TOTAL, (double)g->delivered);
  rs_time_t next = now + every;
  if (next <= g->sc->duration) rs_sim_schedule(sim, ev, next);
}

/* ---- what the run shows ---- */

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

const rm_node *rm_group_peak(const rm_group *g, rm_role r) {
  const rm_node *best = NULL;
  for (int64_t i = 0; i < rm_group_count(g, r); i++) {
    const rm_node *x = rm_group_node(g, r, i);
    if (!best || x->peak_agents > best->peak_agents) best = x;
  }
  return best;
}

static bool went_over(const rm_node *n) { return n->over_total > 0 || n->over_limit; }

int rm_group_over_count(const rm_group *g, rm_role r) {
  int n = 0;
  for (int64_t i = 0; r != RM_AGENT && i < rm_group_count(g, r); i++) n += went_over(rm_group_node(g, r, i));
  return n;
}

/* Bytes queued or in flight at the senders (all but the agents). */
static int64_t queued_at_senders(const rm_group *g) {
  int64_t q = 0;
  for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++) {
      const rm_node *n = rm_group_node(g, r, i);
      q += n->spool.bytes + (n->up ? n->up->inflight_bytes : 0);
    }
  return q;
}

void rm_group_age_queued(rm_group *g, rs_time_t end) {
  if (g->aged_queued >= 0) return;
  int64_t before = g->latency.total;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++) {
      const rm_node *n = rm_group_node(g, r, i);
      rm_spool_ages(&n->spool, end, &g->latency);
      for (int k = 0; n->up && k < n->up->n_inflight; k++)
        rs_hist_add(&g->latency, end - n->up->inflight[k].gen, n->up->inflight[k].bytes);
    }
  g->aged_queued = g->latency.total - before;
}

int64_t rm_group_queued(const rm_group *g) {
  int64_t q = queued_at_senders(g);
  for (int64_t a = 0; a < g->n_agents; a++) q += g->agents[a].node.spool.bytes;
  return q;
}

int64_t rm_group_dropped_role(const rm_group *g, rm_role r) {
  int64_t d = 0;
  for (int64_t i = 0; i < rm_group_count(g, r); i++) d += rm_group_node(g, r, i)->spool.dropped;
  return d;
}

int64_t rm_group_dropped(const rm_group *g) {
  int64_t d = 0;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++) d += rm_group_dropped_role(g, r);
  return d;
}

void rm_group_free(rm_group *g) {
  for (int i = 0; g->servers && i < g->n_servers; i++) rm_server_free(&g->servers[i]);
  free(g->servers);
  free(g->watches);
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
  free(g->dirty);
  free(g->limits);
  free(g->link_outages);
  free(g->svc_outages);
  free(g->marks);
  rm_story_free(&g->story);
  free(g->verdicts);
  rm_timeline_free(&g->timeline);
  memset(g, 0, sizeof *g);
}
