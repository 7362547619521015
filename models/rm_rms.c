/* rm_rms: the heartbeat watchers of the RMS (see rm_rms.h). */
#include "rm_rms.h"

#include <stdlib.h>
#include <string.h>

#include "rm_group.h"

int rm_watchers_init(rm_watchers *w, int64_t n) {
  memset(w, 0, sizeof *w);
  size_t sz = (size_t)(n ? n : 1);
  w->last_heartbeat = calloc(sz, sizeof *w->last_heartbeat);
  w->down_since = malloc(sz * sizeof *w->down_since);
  w->alerted_at = malloc(sz * sizeof *w->alerted_at);
  w->alert_state = calloc(sz, 1);
  w->worst_agent = -1;
  if (!w->last_heartbeat || !w->down_since || !w->alerted_at || !w->alert_state) return -1;
  for (int64_t a = 0; a < n; a++) w->down_since[a] = w->alerted_at[a] = -1;
  return 0;
}

void rm_watchers_free(rm_watchers *w) {
  free(w->last_heartbeat);
  free(w->down_since);
  free(w->alerted_at);
  free(w->alert_state);
  memset(w, 0, sizeof *w);
}

static bool alerts_for(const rm_group *g, int64_t a) { return g->agents[a].server || g->p->alert_clients; }

bool rm_watchers_path_up(const rm_group *g, int64_t a) {
  const rm_agent *ag = &g->agents[a];
  const rm_node *ess = ag->ess, *gw = ess->parent, *ms = gw ? gw->parent : NULL;
  return ag->node.state == RM_UP && ess->state == RM_UP && gw && gw->state == RM_UP && ms && ms->state == RM_UP;
}

void rm_watchers_heartbeat(rm_group *g, int64_t a) {
  rm_watchers *w = &g->watch;
  w->heartbeats++;
  w->last_heartbeat[a] = rs_sim_now(g->sim);
  if (w->alert_state[a]) {
    w->alert_state[a] = 0;
    rm_group_event(g, &g->agents[a].node, "heartbeat_restored", "%s: heartbeats again; its alerts close",
                   g->agents[a].node.name);
  }
}

void rm_watchers_restart(rm_group *g) { g->watch.watch_from = rs_sim_now(g->sim); }

/* Count a finished (or, at the end, still open) outage of agent a. */
static void judge_outage(rm_group *g, int64_t a, rs_time_t end, bool open) {
  rm_watchers *w = &g->watch;
  const rm_params *p = g->p;
  rs_time_t since = w->down_since[a], limit = g->sc->alert_within;
  rs_time_t window = (p->missed_heartbeats + 1) * p->heartbeat_interval;
  rs_time_t delay;
  bool missed = false;
  if (!alerts_for(g, a)) return;
  if (w->alerted_at[a] >= 0) {
    delay = w->alerted_at[a] - since;
  } else if (open ? end - since > limit : end - since >= window) {
    /* No alert: down longer than the limit (still down at the end), or long
     * enough that one was due. */
    delay = end - since;
    missed = true;
  } else {
    w->outages_short++; /* too short to be detected, or pending at the end */
    return;
  }
  w->outages++;
  if (missed || delay > limit) w->outages_late++;
  if (delay > w->worst || (missed && !w->worst_missed && delay >= w->worst) || w->worst_agent < 0) {
    w->worst = delay;
    w->worst_agent = a;
    w->worst_since = since;
    w->worst_missed = missed;
  }
}

void rm_watchers_outage_begins(rm_group *g, int64_t a) {
  rm_watchers *w = &g->watch;
  if (w->down_since[a] >= 0) return;
  rs_time_t now = rs_sim_now(g->sim);
  w->down_since[a] = now;
  /* An alert already open (its path was down) covers the outage at once. */
  w->alerted_at[a] = w->alert_state[a] ? now : -1;
}

void rm_watchers_outage_ends(rm_group *g, int64_t a) {
  rm_watchers *w = &g->watch;
  if (w->down_since[a] < 0) return;
  judge_outage(g, a, rs_sim_now(g->sim), false);
  w->down_since[a] = w->alerted_at[a] = -1;
}

void rm_watchers_finish(rm_group *g, rs_time_t end) {
  rm_watchers *w = &g->watch;
  for (int64_t a = 0; a < g->n_agents; a++)
    if (w->down_since[a] >= 0) {
      judge_outage(g, a, end, true);
      w->down_since[a] = w->alerted_at[a] = -1;
    }
}

static void watcher_cb(rs_sim *sim, rs_event *ev) {
  rm_group *g = RS_CONTAINER_OF(ev, rm_group, watch.ev);
  rm_watchers *w = &g->watch;
  rs_time_t now = rs_sim_now(sim), late = g->p->missed_heartbeats * g->p->heartbeat_interval;
  if (g->rms.node.state == RM_UP) {
    for (int64_t a = 0; a < g->n_agents; a++) {
      if (w->alert_state[a] == 2 || !alerts_for(g, a)) continue;
      rm_agent *ag = &g->agents[a];
      if (w->alert_state[a] == 0) {
        rs_time_t last = w->last_heartbeat[a] > w->watch_from ? w->last_heartbeat[a] : w->watch_from;
        if (now - last < late) continue;
        char d[32];
        w->alert_state[a] = 1;
        w->alerts++;
        if (w->down_since[a] >= 0 && w->alerted_at[a] < 0) w->alerted_at[a] = now;
        rm_group_event(g, &ag->node, "heartbeat_alert", "%s: Health Service Heartbeat Failure (no heartbeat for %s)",
                       ag->node.name,
                       rs_duration_format((now - w->last_heartbeat[a]) / RS_SEC * RS_SEC, d, sizeof d));
      }
      /* The ping: redone at every check while the heartbeat alert is open. */
      if (!rm_watchers_path_up(g, a)) {
        w->alert_state[a] = 2;
        w->connect_alerts++;
        rm_group_event(g, &ag->node, "connect_alert", "%s: %s (failed to connect)", ag->node.name,
                       ag->node.state != RM_UP ? "the computer does not answer a ping"
                                               : "the computer cannot be reached over the network");
      }
    }
  }
  rs_sim_schedule_in(sim, ev, g->p->heartbeat_interval);
}

void rm_watchers_start(rm_group *g) {
  rs_event_init(&g->watch.ev, watcher_cb);
  rs_sim_schedule(g->sim, &g->watch.ev, g->p->heartbeat_interval);
}
