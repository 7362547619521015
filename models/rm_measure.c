/* rm_measure: what a run measures, as the roles report it (see
 * rm_measure.h). */
#include "rm_measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_units.h"

/* Metric ids in the results file: per node, then for the whole group. */
enum {
  M_AGENTS = 1, M_QUEUE, M_IN, M_OUT, M_DROPPED, M_STATE,
  M_DELIVERED_RATE, M_LAT50, M_LAT95, M_LAT99, M_ALERTS, M_DROPPED_TOTAL, M_QUEUED_TOTAL, M_AGENT_QUEUE,
  M_GENERATED_TOTAL, M_DELIVERED_TOTAL, M_CPU, M_DISK, M_NETWORK, M_MEMORY, M_OPSDB_SIZE, M_DW_SIZE,
  M_GROUP_UTIL,                        /* + disk group: a server's disk groups, when it has more than one */
  M_GROUP_LOAD = M_GROUP_UTIL + RM_DISK_GROUPS,
  M_HOST_CPU = M_GROUP_LOAD + RM_DISK_GROUPS, /* a host's: recorded only when the scenario has hosts */
  M_HOST_ASKED, M_HOST_SHARE, M_HOST_MEMORY,
  M_CONNECTIONS                        /* Essentials servers' and gateways': recorded when computers keep hours */
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

/* A host's metrics, recorded when the scenario has hosts (a run without
 * them has the same metrics as before hosts were measured). */
static const struct {
  int id;
  const char *name, *unit;
} host_metrics[] = {
    {M_HOST_CPU, "host_cpu", "share of a host's processors busy since the previous sample (its servers' work)"},
    {M_HOST_ASKED, "host_asked",
     "processors a host's servers asked for since the previous sample, over its own (above 1: overcommitted)"},
    {M_HOST_SHARE, "host_share", "share of their processors a host's servers get until the next sample"},
    {M_HOST_MEMORY, "host_memory", "memory committed to a host's servers, over its own (above 1: overcommitted)"},
};

static void settle_cb(rs_sim *sim, rs_event *ev);
static void sample_cb(rs_sim *sim, rs_event *ev);

/* ---- setting up ---- */

void rm_measure_node_init(rm_node_measure *nm) {
  *nm = (rm_node_measure){.first_over = -1, .limit_episode = -1};
}

void rm_measure_init(rm_group *g) {
  rm_measure *m = &g->m;
  m->svc_open[0] = m->svc_open[1] = -1;
  m->aged_queued = -1;
  for (int k = 0; k < RM_BUSIEST_KINDS; k++) m->busiest[k] = (rm_busiest){.t = -1, .fault = -1};
  rs_event_init(&m->sampler, sample_cb);
  rs_event_init(&m->settle, settle_cb);
  size_t n_expect = (size_t)(g->sc->n_expect ? g->sc->n_expect : 1);
  m->watches = calloc(n_expect, sizeof *m->watches);
  m->watch_cand = calloc(n_expect, sizeof *m->watch_cand);
  if (!m->watches || !m->watch_cand) {
    free(m->watches);
    free(m->watch_cand);
    m->watches = m->watch_cand = NULL;
    g->nomem = 1;
  }
  for (size_t k = 0; g->res && k < sizeof metrics / sizeof metrics[0]; k++)
    if (rs_results_metric(g->res, metrics[k].id, metrics[k].name, metrics[k].unit)) rm_group_record_failed(g);
  for (size_t k = 0; g->res && g->n_hosts && k < sizeof host_metrics / sizeof host_metrics[0]; k++)
    if (rs_results_metric(g->res, host_metrics[k].id, host_metrics[k].name, host_metrics[k].unit))
      rm_group_record_failed(g);
  m->record_connections = rm_scenario_keeps_hours(g->sc);
  if (g->res && m->record_connections &&
      rs_results_metric(g->res, M_CONNECTIONS, "connections", "agents connected since the previous sample"))
    rm_group_record_failed(g);
}

void rm_measure_start(rm_group *g) { rs_sim_schedule(g->sim, &g->m.sampler, 0); }

void rm_measure_free(rm_measure *m) {
  free(m->dirty);
  free(m->limits);
  free(m->link_outages);
  free(m->svc_outages);
  free(m->marks);
  free(m->verdicts);
  free(m->watches);
  free(m->watch_cand);
  free(m->sum);
  free(m->ess_of_gw);
  free(m->acc);
  memset(m, 0, sizeof *m);
}

/* ---- agents carried and limits ---- */

void rm_measure_limit(rm_group *g, rm_node *n, rs_time_t now) {
  rm_measure *m = &g->m;
  rm_node_measure *nm = &n->m;
  bool over;
  if (n->role == RM_ESSENTIALS) {
    over = rm_essentials_over((const rm_essentials *)(const void *)n, g->p);
  } else {
    over = n->limit > 0 && n->agents > n->limit;
  }
  if (n->agents > nm->peak_agents) {
    nm->peak_agents = n->agents;
    nm->peak_time = now;
  }
  if (nm->limit_episode >= 0 && n->agents > m->limits[nm->limit_episode].peak)
    m->limits[nm->limit_episode].peak = n->agents;
  if (over == nm->over_limit) return;
  nm->over_limit = over;
  if (over) {
    nm->over_since = now;
    if (nm->first_over < 0) nm->first_over = now;
    m->limit_events++;
    if (rm_group_grow((void **)&m->limits, m->n_limits, &m->cap_limits, sizeof *m->limits) == 0) {
      m->limits[m->n_limits] = (rm_limit_episode){.node = n, .start = now, .end = -1, .peak = n->agents};
      nm->limit_episode = m->n_limits++;
    } else {
      g->nomem = 1;
    }
  } else {
    nm->over_total += now - nm->over_since;
    if (nm->limit_episode >= 0) m->limits[nm->limit_episode].end = now;
    nm->limit_episode = -1;
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
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, m.settle);
  rm_measure *m = &g->m;
  (void)sim;
  for (int i = 0; i < m->n_dirty; i++) {
    m->dirty[i]->m.dirty = false;
    rm_measure_limit(g, m->dirty[i], m->settle_time);
  }
  m->n_dirty = 0;
}

void rm_measure_agents_changed(rm_group *g, rm_node *n) {
  rm_measure *m = &g->m;
  if (n->m.dirty) return;
  if (m->n_dirty == m->cap_dirty) {
    int cap = m->cap_dirty ? 2 * m->cap_dirty : 64;
    rm_node **v = realloc(m->dirty, (size_t)cap * sizeof *v);
    if (!v) { /* judge it now rather than lose it */
      rm_measure_limit(g, n, rs_sim_now(g->sim));
      return;
    }
    m->dirty = v;
    m->cap_dirty = cap;
  }
  n->m.dirty = true;
  m->dirty[m->n_dirty++] = n;
  if (!rs_event_pending(&m->settle)) {
    m->settle_time = rs_sim_now(g->sim);
    rs_sim_schedule(g->sim, &m->settle, m->settle_time + 1);
  }
}

/* ---- data ---- */

void rm_measure_stored(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, int n) {
  rm_measure *m = &g->m;
  rs_time_t now = rs_sim_now(g->sim);
  int64_t bytes = 0;
  for (int k = 0; k < n; k++) {
    bytes += c[k].bytes;
    rs_hist_add(&m->latency, now - c[k].gen, c[k].bytes);
    rs_hist_add(&m->latency_sample, now - c[k].gen, c[k].bytes);
  }
  rm_measure_moved(&from->m, &to->m, bytes);
  m->delivered += bytes;
}

void rm_measure_drop(rm_group *g, rm_node *n, int64_t bytes) {
  rm_measure *m = &g->m;
  rm_node_measure *nm = &n->m;
  if (bytes <= 0) return;
  rm_pops_settle(g); /* what is queued counts every tick until now */
  m->dropped_total += bytes;
  /* When it dropped last, and the figures then (what is queued follows from
   * what every byte became: generated = stored + queued + dropped). */
  nm->drop_last = rs_sim_now(g->sim);
  nm->drop_last_queued = m->generated - m->delivered - m->dropped_total;
  nm->drop_last_lost = m->dropped_total;
  if (!nm->dropping) {
    char b[32];
    nm->dropping = true;
    nm->drop_from = n->spool.dropped - bytes;
    nm->drop_since = rs_sim_now(g->sim);
    rm_group_event(g, n, "drop", "%s's queue is full (%s): it drops data, least important and oldest first",
                   n->name, rm_size_format(n->spool.capacity, b, sizeof b));
  }
}

/* A node that dropped nothing since the previous sample has stopped
 * dropping: say how much it lost. The event is dated at its last drop, when
 * dropping stopped, not at this sample, which only notices it. */
static void end_dropping(rm_group *g, rm_node *n) {
  rm_node_measure *nm = &n->m;
  if (!nm->dropping || n->spool.dropped != nm->dropped_at_sample) return;
  char b[32], at[32], last[32];
  nm->dropping = false;
  rm_group_event_at(g, nm->drop_last, nm->drop_last_queued, nm->drop_last_lost, n, "drop_ended",
                    "%s's queue stopped dropping at %s: %s lost since %s", n->name,
                    rs_clock_format(nm->drop_last / RS_SEC * RS_SEC, last, sizeof last),
                    rm_size_format(n->spool.dropped - nm->drop_from, b, sizeof b),
                    rs_clock_format(nm->drop_since / RS_SEC * RS_SEC, at, sizeof at));
}

/* ---- outages and phases ---- */

int64_t rm_measure_link_lost(rm_group *g, rm_node *owner, const rm_node *lost) {
  rm_measure *m = &g->m;
  if (rm_group_grow((void **)&m->link_outages, m->n_link_outages, &m->cap_link_outages, sizeof *m->link_outages)) {
    g->nomem = 1;
    return -1;
  }
  m->link_outages[m->n_link_outages] =
      (rm_link_outage){.owner = owner, .lost = lost, .start = rs_sim_now(g->sim), .end = -1};
  return m->n_link_outages++;
}

void rm_measure_link_back(rm_group *g, int64_t outage, bool cut) {
  if (outage < 0) return;
  g->m.link_outages[outage].end = rs_sim_now(g->sim);
  g->m.link_outages[outage].cut = cut;
}

/* The RMS and SQL services' outages (failovers included), for sweeps. */
void rm_measure_state_changed(rm_group *g, rm_node *n) {
  rm_measure *m = &g->m;
  int c = n == &g->rms.node ? 0 : n == &g->sql.node ? 1 : -1;
  if (c < 0) return;
  rs_time_t now = rs_sim_now(g->sim);
  if (n->state != RM_UP && m->svc_open[c] < 0) {
    if (rm_group_grow((void **)&m->svc_outages, m->n_svc_outages, &m->cap_svc_outages, sizeof *m->svc_outages)) {
      g->nomem = 1;
      return;
    }
    m->svc_outages[m->n_svc_outages] = (rm_link_outage){.owner = n, .start = now, .end = -1};
    m->svc_open[c] = m->n_svc_outages++;
  } else if (n->state == RM_UP && m->svc_open[c] >= 0) {
    m->svc_outages[m->svc_open[c]].end = now;
    m->svc_open[c] = -1;
  }
}

/* Note the figures phases are measured by (queued: -1 when not sampled). */
static void mark(rm_group *g, int64_t queued) {
  rm_measure *m = &g->m;
  if (rm_group_grow((void **)&m->marks, m->n_marks, &m->cap_marks, sizeof *m->marks)) {
    g->nomem = 1;
    return;
  }
  m->marks[m->n_marks++] = (rm_mark){.t = rs_sim_now(g->sim), .dropped = m->dropped_total, .queued = queued};
}

/* Before a fault step: the first one after a calm spell fixes the level
 * the queues must come back to (that of the last sample while no fault
 * held anything). */
void rm_measure_phase_mark(rm_group *g) {
  rm_measure *m = &g->m;
  if (!m->drain_pending) {
    m->drain_pending = true;
    m->drain_level = m->calm_queued + m->calm_queued / 2 + g->p->max_batch;
  }
  m->drain_since = rs_sim_now(g->sim);
  mark(g, -1);
}

/* Once no fault holds anything, none is under way (a flap between two of
 * its flaps holds nothing, but is not over), and the queues are back to
 * their level before the faults, say so (checked at samples). */
static void tell_drained(rm_group *g, int64_t queued) {
  rm_measure *m = &g->m;
  rs_time_t now = rs_sim_now(g->sim);
  if (g->timeline.active_holds == 0 && !m->drain_pending) m->calm_queued = queued;
  if (!m->drain_pending || g->timeline.active_holds > 0 || now <= m->drain_since || queued > m->drain_level ||
      rm_timeline_under_way(&g->timeline, now))
    return;
  m->drain_pending = false;
  char d[32], q[32], at[32];
  rm_group_event(g, NULL, "backlog_drained", "queues are back to their level before the faults: %s queued, %s after the last change at %s",
                 rm_size_format(queued, q, sizeof q), rs_duration_format(now - m->drain_since, d, sizeof d),
                 rs_clock_format(m->drain_since, at, sizeof at));
}

/* ---- sampling ---- */

/* Record one sample of metric for the node of id `node` (-1: the group)
 * at now. */
static void sample_id(rm_group *g, int64_t node, int metric, double v) {
  if (g->res && rs_results_sample(g->res, rs_sim_now(g->sim), node, metric, v)) rm_group_record_failed(g);
}

/* ---- what is recorded ---- */

#define M_SLOTS (M_CONNECTIONS + 1)

/* Over the samples a record covers: counts since the previous sample
 * add up; a host's share is its least; every other level its highest. */
static double combine(int metric, double a, double v) {
  if (metric == M_IN || metric == M_OUT || metric == M_DROPPED || metric == M_CONNECTIONS) return a + v;
  if (metric == M_HOST_SHARE) return v < a ? v : a;
  return v > a ? v : a;
}

/* The role a node's series are recorded by (RM_REC_*; -1: at every
 * sample), and its series' slot in acc. */
static int rec_role(const rm_group *g, const rm_node *n, int64_t *slot) {
  switch (n->role) {
  case RM_MS: *slot = RS_CONTAINER_OF(n, rm_forwarder, node) - g->ms; return RM_REC_MS;
  case RM_GATEWAY: *slot = g->n_ms + (RS_CONTAINER_OF(n, rm_forwarder, node) - g->gw); return RM_REC_GATEWAY;
  case RM_ESSENTIALS:
    *slot = g->n_ms + g->n_gw + (RS_CONTAINER_OF(n, rm_essentials, node) - g->ess);
    return RM_REC_ESSENTIALS;
  default: return -1;
  }
}

/* Slots after the nodes': gateway i's summary, then host h. */
static int64_t summary_slot(const rm_group *g, int i) { return g->n_ms + g->n_gw + g->n_ess + i; }
static int64_t host_slot(const rm_group *g, int h) { return g->n_ms + 2 * (int64_t)g->n_gw + g->n_ess + h; }

/* A sample of a series of role rr (-1: recorded at every sample) in slot:
 * recorded now, or combined into what its next record says. */
static void put(rm_group *g, int rr, int64_t slot, int64_t id, int metric, double v) {
  rm_measure *m = &g->m;
  if (rr < 0 || !m->acc) {
    sample_id(g, id, metric, v);
    return;
  }
  double *a = &m->acc[slot * M_SLOTS + metric];
  *a = isnan(*a) ? v : combine(metric, *a, v);
  if (m->rec_now[rr]) {
    sample_id(g, id, metric, *a);
    *a = NAN;
  }
}

/* A sample of node n (NULL: the group); an Essentials server's goes into
 * its primary gateway's summary when they are summed. */
static void sample(rm_group *g, const rm_node *n, int metric, double v) {
  int64_t slot = 0;
  int rr = n ? rec_role(g, n, &slot) : -1;
  if (rr == RM_REC_ESSENTIALS && g->m.ess_by_gateway) {
    const rm_essentials *es = RS_CONTAINER_OF(n, rm_essentials, node);
    int gw = (int)(RS_CONTAINER_OF(es->targets[0], rm_forwarder, node) - g->gw);
    double *s = &g->m.sum[(int64_t)gw * M_SLOTS + metric];
    if (metric == M_STATE)
      *s += v != 0; /* the summary's state: how many are not up */
    else if (metric == M_AGENTS || metric == M_QUEUE || metric == M_IN || metric == M_OUT || metric == M_DROPPED ||
             metric == M_CONNECTIONS)
      *s += v;
    else
      *s = v > *s ? v : *s;
    return;
  }
  put(g, rr, slot, n ? n->id : -1, metric, v);
}

void rm_measure_record_setup(rm_group *g) {
  rm_measure *m = &g->m;
  const rm_scenario *sc = g->sc;
  /* A large group's defaults: its Essentials servers summed per gateway,
   * and every node's series over RM_REC_LARGE_EVERY samples. */
  bool large = g->n_ess > RM_REC_ESS_EACH_MAX;
  m->ess_by_gateway = sc->record.essentials == RM_REC_ESS_PER_GATEWAY ||
                      (sc->record.essentials == RM_REC_ESS_AUTO && large);
  bool thinned = false;
  for (int r = 0; r < RM_REC_ROLES; r++) {
    m->rec_every[r] = sc->record.every[r] > 0 ? sc->record.every[r]
                      : large               ? RM_REC_LARGE_EVERY * sc->sample_every
                                            : sc->sample_every;
    thinned |= m->rec_every[r] > sc->sample_every;
  }
  if (m->ess_by_gateway) {
    m->sum = calloc((size_t)(g->n_gw ? g->n_gw : 1) * M_SLOTS, sizeof *m->sum);
    m->ess_of_gw = calloc((size_t)(g->n_gw ? g->n_gw : 1), sizeof *m->ess_of_gw);
    if (!m->sum || !m->ess_of_gw) {
      g->nomem = 1;
      m->ess_by_gateway = false;
    }
    for (int e = 0; m->ess_by_gateway && e < g->n_ess; e++)
      m->ess_of_gw[RS_CONTAINER_OF(g->ess[e].targets[0], rm_forwarder, node) - g->gw]++;
  }
  if (thinned) {
    size_t n = (size_t)(host_slot(g, g->n_hosts) ? host_slot(g, g->n_hosts) : 1) * M_SLOTS;
    if ((m->acc = malloc(n * sizeof *m->acc)))
      for (size_t k = 0; k < n; k++) m->acc[k] = NAN;
    else
      g->nomem = 1;
  }
}

/* Each gateway's summary of its Essentials servers at this sample. */
static void record_summaries(rm_group *g) {
  rm_measure *m = &g->m;
  static const int summed[] = {M_AGENTS, M_STATE,  M_QUEUE,   M_IN,     M_OUT,
                               M_DROPPED, M_CPU, M_DISK, M_NETWORK, M_MEMORY, M_CONNECTIONS};
  size_t n = sizeof summed / sizeof summed[0] - !m->record_connections;
  for (int i = 0; i < g->n_gw; i++) {
    if (!m->ess_of_gw[i]) continue;
    double *s = &m->sum[(int64_t)i * M_SLOTS];
    for (size_t k = 0; k < n; k++)
      put(g, RM_REC_ESSENTIALS, summary_slot(g, i), m->sum_first_id + i, summed[k], s[summed[k]]);
    memset(s, 0, M_SLOTS * sizeof *s);
  }
}

/* The state a node shows: its own, or failing over while a sender has no
 * parent. */
static rm_state shown_state(const rm_group *g, const rm_node *n) {
  if (n == &g->web) return rm_webconsole_state(g);
  if (n->state != RM_UP) return n->state;
  if (n->up && n->up->state != RM_UL_CONNECTED) return RM_FAILING_OVER;
  return RM_UP;
}

/* Sample node n: its agents and state, and (data) its queue and the bytes
 * it received, sent and dropped since the previous sample. */
static void sample_node(rm_group *g, rm_node *n, bool data) {
  rm_node_measure *nm = &n->m;
  sample(g, n, M_AGENTS, (double)n->agents);
  sample(g, n, M_STATE, (double)shown_state(g, n));
  if (data) {
    /* Its queue, what it is sending, and what it is taking in (its
     * station's backlog; the SQL store's on its active node). */
    const rm_server *srv = n == &g->sql.node ? g->sql.member[g->sql.active].srv : n->srv;
    double taking = srv && srv->has_station ? rs_station_backlog(&srv->st) : 0;
    sample(g, n, M_QUEUE, (double)(n->spool.bytes + (n->up ? n->up->inflight_bytes : 0)) + taking);
    sample(g, n, M_IN, (double)(nm->bytes_in - nm->in_at_sample));
    sample(g, n, M_OUT, (double)(nm->bytes_out - nm->out_at_sample));
    sample(g, n, M_DROPPED, (double)(n->spool.dropped - nm->dropped_at_sample));
  }
  end_dropping(g, n);
  nm->in_at_sample = nm->bytes_in;
  nm->out_at_sample = nm->bytes_out;
  nm->dropped_at_sample = n->spool.dropped;
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

/* Every server's utilization since the previous sample (and whether it is
 * saturated), and the SQL store's databases; then what the expectations on
 * them look at. */
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
  rm_group_share_hosts(g, now);
  for (int h = 0; h < g->n_hosts; h++) {
    const rm_host *ho = &g->hosts[h];
    int64_t slot = host_slot(g, h);
    put(g, RM_REC_HOST, slot, ho->id, M_HOST_CPU, ho->cpu);
    put(g, RM_REC_HOST, slot, ho->id, M_HOST_ASKED, ho->asked / ho->model->processors);
    put(g, RM_REC_HOST, slot, ho->id, M_HOST_SHARE, ho->share);
    put(g, RM_REC_HOST, slot, ho->id, M_HOST_MEMORY, ho->memory);
  }
  sample(g, NULL, M_OPSDB_SIZE, rm_dbsize_bytes(&g->opsdb, now));
  sample(g, NULL, M_DW_SIZE, rm_dbsize_bytes(&g->dw, now));
  rm_expect_sample(g, now);
}

/* The interval since the previous sample: the busiest so far by data or by
 * alerts, with the clients switched on in it, the gateway with the most
 * queued at its end, and a fault acting in it. */
static void note_busiest(rm_group *g, rs_time_t now, rs_time_t span) {
  rm_measure *m = &g->m;
  double v[RM_BUSIEST_KINDS] = {(double)(m->generated - m->generated_at_sample),
                                (double)(g->watch.alerts - m->alerts_at_sample),
                                (double)(m->connections - m->connections_at_sample)};
  int64_t on = m->switched_on - m->switched_on_at_sample;
  m->generated_at_sample = m->generated;
  m->alerts_at_sample = g->watch.alerts;
  m->switched_on_at_sample = m->switched_on;
  m->connections_at_sample = m->connections;
  /* The gateway with the most agents connected beneath it in the interval. */
  const rm_node *conn_node = NULL;
  int64_t conn_count = 0;
  for (int i = 0; i < g->n_gw; i++) {
    rm_forwarder *f = &g->gw[i];
    int64_t c = f->agents_connected - f->agents_connected_at_sample;
    if (c > conn_count) conn_node = &f->node, conn_count = c;
    f->agents_connected_at_sample = f->agents_connected;
  }
  if (now == 0) return; /* no interval yet */
  for (int k = 0; k < RM_BUSIEST_KINDS; k++) {
    rm_busiest *b = &m->busiest[k];
    if (v[k] <= 0 || (b->t >= 0 && v[k] <= b->value)) continue;
    /* At the run's start every computer connects: not a peak of the day. */
    if (k == RM_BUSIEST_CONNECTIONS && now - span < g->p->heartbeat_interval) continue;
    if (k == RM_BUSIEST_DATA) rm_expect_busiest(g); /* the at: busiest expectations keep this sample */
    *b = (rm_busiest){.t = now,
                      .from = now - span,
                      .value = v[k],
                      .switched_on = on,
                      .fault = -1,
                      .conn_node = conn_node,
                      .conn_count = conn_count};
    for (int i = 0; i < g->n_gw; i++) {
      const rm_node *n = &g->gw[i].node;
      int64_t q = n->spool.bytes + (n->up ? n->up->inflight_bytes : 0);
      if (!b->queue_node || q > b->queue) b->queue_node = n, b->queue = q;
    }
    for (int f = 0; f < g->timeline.n_windows && f < g->sc->n_faults; f++) {
      const rm_fault_window *w = &g->timeline.windows[f];
      if (w->start <= now && w->end > now - span) {
        b->fault = f;
        break;
      }
    }
    /* Within a replayed outage: from its first line to its last, or, for
     * a live session's lines (known only as they come), while one holds a
     * node or when one came within the interval. */
    const rm_timeline *tl = &g->timeline;
    if (tl->replay_live)
      b->replayed = b->fault < 0 && tl->replay_last >= 0 &&
                    (tl->replay_last > now - span || rm_timeline_replay_holds(g));
    else
      b->replayed = b->fault < 0 && tl->replay_start >= 0 && tl->replay_start <= now && tl->replay_end >= now - span;
  }
}

bool rm_busiest_text(const rm_group *g, int k, char *buf, size_t n) {
  const rm_busiest *b = &g->m.busiest[k];
  if (b->t < 0) return false;
  static const char *const day[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  char from[32], to[32], v[32], q[32], when[32] = "";
  rs_clock_format(b->from, from, sizeof from);
  rs_clock_format(b->t, to, sizeof to);
  /* Past the first day, the day of the week and the time of day too. */
  if (b->from >= RS_DAY)
    snprintf(when, sizeof when, " (%s %02d:%02d)", day[b->from / RS_DAY % 7], (int)(b->from % RS_DAY / RS_HOUR),
             (int)(b->from % RS_HOUR / RS_MIN));
  size_t u = 0;
#define PUT(...) (u += (size_t)snprintf(buf + u, u < n ? n - u : 0, __VA_ARGS__), u = u < n ? u : n)
  if (k == RM_BUSIEST_DATA) {
    rs_time_t end = rs_sim_now(g->sim) > 0 ? rs_sim_now(g->sim) : 1;
    double mean = (double)g->m.generated * (double)(b->t - b->from) / (double)end;
    PUT("busiest by data: %s to %s%s, %s generated (%.1fx the run's mean)", from, to, when,
        rm_size_format((int64_t)b->value, v, sizeof v), mean > 0 ? b->value / mean : 0.0);
  } else if (k == RM_BUSIEST_ALERTS) {
    PUT("most alerts: %s to %s%s, %.0f heartbeat alert%s", from, to, when, b->value, b->value == 1 ? "" : "s");
  } else {
    PUT("most connections: %s to %s%s, %.0f agent%s connected", from, to, when, b->value, b->value == 1 ? "" : "s");
    if (b->conn_node) PUT(" (%lld beneath %s)", (long long)b->conn_count, b->conn_node->name);
  }
  if (b->fault >= 0)
    PUT(": during fault %s", g->sc->faults[b->fault].id);
  else if (b->replayed)
    PUT(": during the replayed outage");
  else if (b->switched_on > 0)
    PUT(": morning start, %lld clients switched on", (long long)b->switched_on);
  else
    PUT(": the steady load");
  if (b->queue_node) PUT("; most queued at a gateway: %s %s", b->queue_node->name, rm_size_format(b->queue, q, sizeof q));
#undef PUT
  return true;
}

/* Every sample_every: every node but the agents one by one, the agents
 * summed, then the group's figures; then the backlog told drained if it
 * is, and a mark for phases. */
static void sample_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, m.sampler);
  rm_measure *m = &g->m;
  rs_time_t now = rs_sim_now(sim), every = g->sc->sample_every;
  rm_pops_settle(g);
  /* A role recorded less often is recorded at multiples of its interval,
   * and at the run's last sample. */
  bool last = now + every > g->sc->duration;
  for (int r = 0; r < RM_REC_ROLES; r++) m->rec_now[r] = last || now % m->rec_every[r] == 0;
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
  if (m->record_connections) {
    for (int i = 0; i < g->n_gw; i++)
      sample(g, &g->gw[i].node, M_CONNECTIONS, (double)(g->gw[i].agents_connected - g->gw[i].agents_connected_at_sample));
    for (int e = 0; e < g->n_ess; e++) {
      rm_essentials *es = &g->ess[e];
      sample(g, &es->node, M_CONNECTIONS, (double)(es->agents_connected - es->agents_connected_at_sample));
      es->agents_connected_at_sample = es->agents_connected;
    }
  }
  if (m->ess_by_gateway) record_summaries(g);
  /* Agents that may have ended a drop spell: none in a population whose
   * every agent is a member (a member holds nothing and is not dropping). */
  for (int e = 0; e < g->n_ess; e++) {
    const rm_pop *p = &g->ess[e].pop;
    if (p->members == p->agents) continue;
    for (int64_t a = p->first_agent; a < p->first_agent + p->agents; a++) {
      rm_node *n = &g->agents[a].node;
      end_dropping(g, n);
      n->m.dropped_at_sample = n->spool.dropped;
    }
  }
  int64_t agent_queue = m->agent_queued;
  rs_time_t span = now < every ? now : every;
  sample(g, NULL, M_DELIVERED_RATE, span > 0 ? (double)(m->delivered - m->delivered_at_sample) * 1e6 / (double)span : 0.0);
  m->delivered_at_sample = m->delivered;
  m->last_p99_ms = m->latency_sample.total > 0 ? (double)rs_hist_quantile(&m->latency_sample, 0.99) / 1e3 : -1;
  if (m->latency_sample.total > 0) {
    sample(g, NULL, M_LAT50, (double)rs_hist_quantile(&m->latency_sample, 0.50) / 1e3);
    sample(g, NULL, M_LAT95, (double)rs_hist_quantile(&m->latency_sample, 0.95) / 1e3);
    sample(g, NULL, M_LAT99, (double)rs_hist_quantile(&m->latency_sample, 0.99) / 1e3);
  }
  rs_hist_clear(&m->latency_sample);
  sample(g, NULL, M_ALERTS, (double)g->watch.alerts);
  /* Every byte a queue drops is told to rm_measure_drop: its running total
   * is the sum over the queues (rm_measure_dropped; the model's tests check
   * the two agree), without a pass over every agent at each sample. */
  sample(g, NULL, M_DROPPED_TOTAL, (double)m->dropped_total);
  int64_t queued = queued_at_senders(g) + agent_queue;
  tell_drained(g, queued);
  mark(g, queued);
  sample(g, NULL, M_QUEUED_TOTAL, (double)queued);
  sample(g, NULL, M_AGENT_QUEUE, (double)agent_queue);
  sample(g, NULL, M_GENERATED_TOTAL, (double)m->generated);
  sample(g, NULL, M_DELIVERED_TOTAL, (double)m->delivered);
  note_busiest(g, now, span);
  rs_time_t next = now + every;
  if (next <= g->sc->duration) rs_sim_schedule(sim, ev, next);
}

/* ---- what the run shows ---- */

void rm_measure_age_queued(rm_group *g, rs_time_t end) {
  rm_measure *m = &g->m;
  if (m->aged_queued >= 0) return;
  int64_t before = m->latency.total;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++) {
      const rm_node *n = rm_group_node(g, r, i);
      rm_spool_ages(&n->spool, end, &m->latency);
      for (int k = 0; n->up && k < n->up->n_inflight; k++)
        rs_hist_add(&m->latency, end - n->up->inflight[k].gen, n->up->inflight[k].bytes);
    }
  m->aged_queued = m->latency.total - before;
}

int64_t rm_measure_queued(const rm_group *g) {
  return queued_at_senders(g) + g->m.agent_queued;
}

int64_t rm_measure_dropped_role(const rm_group *g, rm_role r) {
  int64_t d = 0;
  for (int64_t i = 0; i < rm_group_count(g, r); i++) d += rm_group_node(g, r, i)->spool.dropped;
  return d;
}

int64_t rm_measure_dropped(const rm_group *g) {
  int64_t d = 0;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++) d += rm_measure_dropped_role(g, r);
  return d;
}

const rm_node *rm_measure_peak(const rm_group *g, rm_role r) {
  const rm_node *best = NULL;
  for (int64_t i = 0; i < rm_group_count(g, r); i++) {
    const rm_node *x = rm_group_node(g, r, i);
    if (!best || x->m.peak_agents > best->m.peak_agents) best = x;
  }
  return best;
}

/* Whether n was ever over its limit: an episode closed, or one open. */
static bool went_over(const rm_node *n) { return n->m.over_total > 0 || n->m.over_limit; }

int rm_measure_over_count(const rm_group *g, rm_role r) {
  int n = 0;
  for (int64_t i = 0; r != RM_AGENT && i < rm_group_count(g, r); i++) n += went_over(rm_group_node(g, r, i));
  return n;
}
