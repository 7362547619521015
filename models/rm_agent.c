/* rm_agent: a Windows computer's health service: heartbeat and data. */
#include "rm_agent.h"

#include "rm_group.h"
#include "rm_uplink.h"

/* Priority of each kind of data in the queues. */
static const int kind_prio[RM_DATA_KINDS] = {
    [RM_DATA_PERF] = RM_PRIO_LOW, [RM_DATA_EVENT] = RM_PRIO_NORMAL,
    [RM_DATA_ALERT] = RM_PRIO_HIGH, [RM_DATA_STATE] = RM_PRIO_HIGH};

/* Bytes generated in [0, t) at rate bytes per day: floor(rate x t / day),
 * exact. In 64 bits while the product fits (rates up to 100 MB a day per
 * kind and agent), in 128 otherwise. */
static inline int64_t generated_by(int64_t rate, rs_time_t t) {
  int64_t days = t / RS_DAY, rest = t % RS_DAY;
  if (rate <= INT64_MAX / RS_DAY) return rate * days + rate * rest / RS_DAY;
  return (int64_t)((__int128)rate * t / RS_DAY);
}

/* Hand the Essentials server what it has room for from the agent's own
 * queue: highest priority first, oldest first. */
static void hand_over(rm_group *g, rm_agent *a, rm_node *ess) {
  int64_t before = a->node.spool.bytes;
  int64_t d = rm_spool_move(&ess->spool, &a->node.spool, rm_room(ess));
  int64_t moved = before - a->node.spool.bytes;
  rm_measure_moved(&a->node.m, &ess->m, moved);
  if (d) rm_measure_drop(g, ess, d);
}

/* Heartbeat and data: the data goes to the agent's Essentials server over
 * the LAN if that is up and has room (through the agent's own queue, which
 * holds it otherwise, and drops when full); the heartbeat goes up the chain
 * if every hop is up and connected: Essentials server -> gateway ->
 * management server -> RMS. */
static void tick_cb(rs_sim *sim, rs_event *ev) {
  rm_agent *a = RS_CONTAINER_OF(ev, rm_agent, tick);
  rm_group *g = a->node.group;
  rs_time_t now = rs_sim_now(sim), t = now - a->data_from;
  rm_node *ess = a->ess;
  bool ess_up = ess->state == RM_UP;
  /* The backlog goes before the new data, so the new data does not push
   * the oldest out of a full agent queue. */
  if (ess_up && a->node.spool.bytes > 0) hand_over(g, a, ess);
  int64_t b[RM_DATA_KINDS], sent = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) {
    int64_t total = generated_by(g->rate[k], t);
    b[k] = total - a->sent[k];
    if (b[k] <= 0) continue;
    a->sent[k] = total;
    sent += b[k];
  }
  rm_measure_generated(&g->m, sent);
  /* When nothing waits on the agent and the Essentials server has room,
   * the data goes straight to its queue: the same as passing through the
   * agent's own. */
  bool direct = ess_up && a->node.spool.bytes == 0 && rm_room(ess) >= sent;
  rm_node *to = direct ? ess : &a->node;
  int64_t dropped = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++)
    if (b[k] > 0) dropped += rm_spool_push(&to->spool, kind_prio[k], now, b[k]);
  if (dropped) rm_measure_drop(g, to, dropped);
  if (direct) {
    rm_measure_moved(&a->node.m, &ess->m, sent);
  } else if (ess_up) {
    hand_over(g, a, ess);
  }
  if (ess_up) {
    rm_node *gw = ess->parent;
    rm_node *ms = gw && gw->state == RM_UP ? gw->parent : NULL;
    if (ms && ms->state == RM_UP && g->rms.node.state == RM_UP) rm_watchers_heartbeat(g, a->index);
  }
  rs_sim_schedule_in(sim, ev, g->p->heartbeat_interval);
}

void rm_agent_init(rm_agent *a, uint64_t seed, int64_t index) {
  rs_rng_init(&a->rng, seed, rs_stream_id(a->node.name));
  rs_event_init(&a->tick, tick_cb);
  a->index = index;
}

void rm_agent_start(rm_agent *a, rs_sim *sim, rs_time_t interval) {
  rs_time_t now = rs_sim_now(sim);
  a->node.state = RM_UP;
  if (a->health_stopped) return;
  a->data_from = now;
  for (int k = 0; k < RM_DATA_KINDS; k++) a->sent[k] = 0;
  /* Computers do not start in step: the first heartbeat comes at a random
   * point of the first interval. */
  rs_sim_schedule(sim, &a->tick, now + (rs_time_t)rs_rng_below(&a->rng, (uint64_t)interval));
}

void rm_agent_health(rm_agent *a, rs_sim *sim, bool on) {
  a->health_stopped = !on;
  if (!on) {
    rs_sim_cancel(sim, &a->tick);
  } else if (a->node.state == RM_UP) {
    rm_agent_start(a, sim, a->node.group->p->heartbeat_interval);
  }
}

void rm_agent_stop(rm_agent *a, rs_sim *sim) {
  a->node.state = RM_DOWN;
  rs_sim_cancel(sim, &a->tick);
}
