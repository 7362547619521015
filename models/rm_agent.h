/* rm_agent: a Windows server or client running the agent. */
#ifndef RM_AGENT_H
#define RM_AGENT_H

#include <stdbool.h>

#include "rm_node.h"
#include "rs_rng.h"
#include "rs_sim.h"

typedef struct {
  rm_node node;
  rs_event heartbeat;       /* fires every heartbeat interval */
  rs_rng rng;               /* its own stream, from its name */
  rs_time_t interval;       /* heartbeat interval */
  bool server;              /* a Windows server (else a client) */
} rm_agent;

/* Prepare a's stream and events; its node's name must be set. */
void rm_agent_init(rm_agent *a, uint64_t seed, rs_time_t interval);

/* Schedule the first heartbeat, at a random time in the first interval. */
void rm_agent_start(rm_agent *a, rs_sim *sim);

#endif
