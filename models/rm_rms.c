/* rm_rms: the heartbeat watchers of the RMS (see rm_rms.h). */
#include "rm_rms.h"

#include <stdlib.h>
#include <string.h>

#include "rm_group.h"

int rm_rms_init(rm_group *g, int64_t *id) {
  /* The RMS: an active/passive cluster, rms-1 active. */
  if (rm_node_init(g, &g->rms.node, (*id)++, "rms", RM_RMS) ||
      rm_node_init(g, &g->rms.member[0], (*id)++, "rms-1", RM_RMS_NODE) ||
      rm_node_init(g, &g->rms.member[1], (*id)++, "rms-2", RM_RMS_NODE))
    return -1;
  rm_cluster_init(&g->rms, g->p->rms_failover);
  return 0;
}

int rm_watchers_init(rm_watchers *w, int64_t n) {
  memset(w, 0, sizeof *w);
  size_t sz = (size_t)(n ? n : 1);
  w->last_heartbeat = calloc(sz, sizeof *w->last_heartbeat);
  w->outage = malloc(sz * sizeof *w->outage);
  w->alert_state = calloc(sz, 1);
  if (!w->last_heartbeat || !w->outage || !w->alert_state) return -1;
  for (int64_t a = 0; a < n; a++) w->outage[a] = -1;
  return 0;
}

void rm_watchers_free(rm_watchers *w) {
  free(w->last_heartbeat);
  free(w->outage);
  free(w->alert_state);
  free(w->outages);
  free(w->alerts_log);
  memset(w, 0, sizeof *w);
}

bool rm_watchers_alerts_for(const rm_group *g, int64_t a) { return g->agents[a].server || g->p->alert_clients; }

bool rm_watchers_path_up(const rm_group *g, int64_t a) {
  const rm_agent *ag = &g->agents[a];
  const rm_node *ess = ag->ess, *gw = ess->parent, *ms = gw ? gw->parent : NULL;
  return ag->node.state == RM_UP && ess->state == RM_UP && gw && gw->state == RM_UP && ms && ms->state == RM_UP;
}

void rm_watchers_heartbeat(rm_group *g, int64_t a, rs_time_t t) {
  rm_watchers *w = &g->watch;
  w->heartbeats++;
  w->last_heartbeat[a] = t;
  if (w->alert_state[a] == 3) {
    w->alert_state[a] = 0; /* suppressed: nothing to close */
  } else if (w->alert_state[a]) {
    w->alert_state[a] = 0;
    rm_group_event(g, &g->agents[a].node, "heartbeat_restored", "%s: heartbeats again; its alerts close",
                   g->agents[a].node.name);
  }
}

void rm_watchers_restart(rm_group *g) { g->watch.watch_from = rs_sim_now(g->sim); }

void rm_watchers_outage_begins(rm_group *g, int64_t a) {
  rm_watchers *w = &g->watch;
  if (w->outage[a] >= 0) return;
  if (rm_group_grow((void **)&w->outages, w->n_outages, &w->cap_outages, sizeof *w->outages)) {
    w->nomem = 1;
    return;
  }
  rs_time_t now = rs_sim_now(g->sim);
  /* An alert already open (its path was down) covers the outage at once. */
  w->outages[w->n_outages] = (rm_agent_outage){.agent = a, .start = now, .end = -1,
                                               .alerted = w->alert_state[a] ? now : -1};
  w->outage[a] = w->n_outages++;
}

void rm_watchers_outage_ends(rm_group *g, int64_t a) {
  rm_watchers *w = &g->watch;
  if (w->outage[a] < 0) return;
  w->outages[w->outage[a]].end = rs_sim_now(g->sim);
  w->outage[a] = -1;
}

/* Check agent a at now: a heartbeat alert once it has missed `late`, then
 * the ping, redone at every check while the alert is open. */
static void watch_agent(rm_group *g, int64_t a, rs_time_t now, rs_time_t late) {
  rm_watchers *w = &g->watch;
  if (w->alert_state[a] == 2 || !rm_watchers_alerts_for(g, a)) return;
  rm_agent *ag = &g->agents[a];
  if (ag->off) return; /* switched off: not missing */
  if (w->alert_state[a] == 3) return; /* told once while in maintenance mode */
  if (w->alert_state[a] == 0) {
    rs_time_t last = w->last_heartbeat[a] > w->watch_from ? w->last_heartbeat[a] : w->watch_from;
    if (now - last < late) return;
    if (ag->maintenance) {
      char d[32];
      w->alert_state[a] = 3;
      w->suppressed++;
      rm_group_event(g, &ag->node, "alert_suppressed",
                     "%s: no heartbeat for %s, in maintenance mode: no Health Service Heartbeat Failure alert",
                     ag->node.name, rs_duration_format((now - w->last_heartbeat[a]) / RS_SEC * RS_SEC, d, sizeof d));
      return;
    }
    char d[32];
    w->alert_state[a] = 1;
    w->alerts++;
    rm_agent_alone(ag, g->sim); /* its next heartbeat closes the alert, at its time */
    if (w->outage[a] >= 0 && w->outages[w->outage[a]].alerted < 0) w->outages[w->outage[a]].alerted = now;
    if (rm_group_grow((void **)&w->alerts_log, w->n_alerts_log, &w->cap_alerts_log, sizeof *w->alerts_log))
      w->nomem = 1;
    else
      w->alerts_log[w->n_alerts_log++] = (rm_alert){.agent = a, .t = now};
    rm_group_event(g, &ag->node, "heartbeat_alert", "%s: Health Service Heartbeat Failure (no heartbeat for %s)",
                   ag->node.name, rs_duration_format((now - w->last_heartbeat[a]) / RS_SEC * RS_SEC, d, sizeof d));
  }
  if (!rm_watchers_path_up(g, a)) {
    w->alert_state[a] = 2;
    w->connect_alerts++;
    rm_group_event(g, &ag->node, "connect_alert", "%s: %s (failed to connect)", ag->node.name,
                   ag->node.state != RM_UP ? "the computer does not answer a ping"
                                           : "the computer cannot be reached over the network");
  }
}

/* Every heartbeat interval, every agent in turn; a population whose every
 * agent is a member and has been heard within `late` has none to alert
 * (rm_pop_heard), and is passed over. */
static void watcher_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, watch.ev);
  rs_time_t now = rs_sim_now(sim), late = g->p->missed_heartbeats * g->p->heartbeat_interval;
  rm_pops_settle(g); /* every heartbeat until now is in */
  if (g->rms.node.state == RM_UP) {
    for (int e = 0; e < g->n_ess; e++) {
      const rm_pop *p = &g->ess[e].pop;
      if (rm_pop_heard(p, now, late)) continue;
      for (int64_t a = p->first_agent; a < p->first_agent + p->agents; a++) watch_agent(g, a, now, late);
    }
  }
  rs_sim_schedule_in(sim, ev, g->p->heartbeat_interval);
}

void rm_watchers_start(rm_group *g) {
  rs_event_init(&g->watch.ev, watcher_cb);
  rs_sim_schedule(g->sim, &g->watch.ev, g->p->heartbeat_interval);
}
