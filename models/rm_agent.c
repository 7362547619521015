/* rm_agent: a Windows computer's health service: its heartbeat. */
#include "rm_agent.h"

/* A heartbeat: it passes up the chain of parents the agent reports through,
 * and the next one is due one interval later. */
static void heartbeat_cb(rs_sim *sim, rs_event *ev) {
  rm_agent *a = RS_CONTAINER_OF(ev, rm_agent, heartbeat);
  for (rm_node *n = &a->node; n; n = n->parent) n->heartbeats++;
  rs_sim_schedule_in(sim, ev, a->interval);
}

void rm_agent_init(rm_agent *a, uint64_t seed, rs_time_t interval) {
  rs_rng_init(&a->rng, seed, rs_stream_id(a->node.name));
  rs_event_init(&a->heartbeat, heartbeat_cb);
  a->interval = interval;
}

void rm_agent_start(rm_agent *a, rs_sim *sim) {
  /* Computers do not start in step: the first heartbeat comes at a random
   * point of the first interval. */
  rs_sim_schedule(sim, &a->heartbeat, (rs_time_t)rs_rng_below(&a->rng, (uint64_t)a->interval));
}
