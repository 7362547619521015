/* rm_agent: a Windows computer's health service: heartbeat and data. */
#include "rm_agent.h"

#include "rm_group.h"

/* Priority of each kind of data in the queues. */
static const int kind_prio[RM_DATA_KINDS] = {
    [RM_DATA_PERF] = RM_PRIO_LOW, [RM_DATA_EVENT] = RM_PRIO_NORMAL,
    [RM_DATA_ALERT] = RM_PRIO_HIGH, [RM_DATA_STATE] = RM_PRIO_HIGH};

/* Bytes of one kind generated in [0, t): floor(rate x t), exact. */
static int64_t generated_by(const rm_params *p, int kind, rs_time_t t) {
  double per_day_bytes = p->per_day[kind] * (double)p->item_bytes[kind] * p->forward_share;
  /* Rates are whole bytes per day once rounded; the product stays exact in
   * 128 bits for any run shorter than centuries. */
  __int128 rate = (__int128)(per_day_bytes + 0.5);
  return (int64_t)(rate * t / RS_DAY);
}

/* Heartbeat and data: the heartbeat goes up the chain if every hop is up
 * and connected; the data goes to the agent's queue, then to its Essentials
 * server if that is up. */
static void tick_cb(rs_sim *sim, rs_event *ev) {
  rm_agent *a = RS_CONTAINER_OF(ev, rm_agent, tick);
  rm_group *g = a->node.group;
  const rm_params *p = g->p;
  rs_time_t now = rs_sim_now(sim);
  int64_t dropped = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) {
    int64_t total = generated_by(p, k, now - a->data_from);
    int64_t b = total - a->sent[k];
    if (b <= 0) continue;
    a->sent[k] = total;
    g->generated += b;
    dropped += rm_spool_push(&a->node.spool, kind_prio[k], now, b);
  }
  if (dropped) rm_group_note_drop(g, &a->node, dropped);
  rm_node *ess = a->ess;
  if (ess->state == RM_UP) {
    int64_t moved = a->node.spool.bytes;
    if (moved) {
      int64_t d = rm_spool_move(&ess->spool, &a->node.spool);
      a->node.bytes_out += moved;
      ess->bytes_in += moved;
      if (d) rm_group_note_drop(g, ess, d);
    }
    /* The heartbeat: Essentials server -> gateway -> management server -> RMS. */
    rm_node *gw = ess->parent;
    rm_node *ms = gw && gw->state == RM_UP ? gw->parent : NULL;
    if (ms && ms->state == RM_UP && g->rms.node.state == RM_UP) rm_group_heartbeat(g, a->index);
  }
  rs_sim_schedule_in(sim, ev, p->heartbeat_interval);
}

void rm_agent_init(rm_agent *a, uint64_t seed, int64_t index) {
  rs_rng_init(&a->rng, seed, rs_stream_id(a->node.name));
  rs_event_init(&a->tick, tick_cb);
  a->index = index;
}

void rm_agent_start(rm_agent *a, rs_sim *sim, rs_time_t interval) {
  rs_time_t now = rs_sim_now(sim);
  a->node.state = RM_UP;
  a->data_from = now;
  for (int k = 0; k < RM_DATA_KINDS; k++) a->sent[k] = 0;
  /* Computers do not start in step: the first heartbeat comes at a random
   * point of the first interval. */
  rs_sim_schedule(sim, &a->tick, now + (rs_time_t)rs_rng_below(&a->rng, (uint64_t)interval));
}

void rm_agent_stop(rm_agent *a, rs_sim *sim) {
  a->node.state = RM_DOWN;
  rs_sim_cancel(sim, &a->tick);
}
