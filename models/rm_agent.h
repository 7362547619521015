/*
 * rm_agent: a Windows server or client running the agent.
 *
 * Every heartbeat interval the agent sends a heartbeat and the data it has
 * generated since its last send: performance samples, events, alerts and
 * state changes, at the per-day rates of the scenario, byte-exact (the
 * bytes sent by time t are floor(rate x t), so nothing is lost to rounding).
 * Data goes to its Essentials server over the customer's LAN; while that is
 * down it waits in the agent's own queue (15 MB), which drops the least
 * important data first, oldest first, when full.
 */
#ifndef RM_AGENT_H
#define RM_AGENT_H

#include <stdbool.h>

#include "rm_node.h"
#include "rs_rng.h"
#include "rs_sim.h"

/* What a tick reads comes first, with the node's busiest fields (its
 * group, state and queue) just after: a group of 100 000 agents is visited
 * in no order, and every cache line an agent spans costs a miss. */
typedef struct {
  rs_event tick;            /* heartbeat and data, every heartbeat interval */
  rm_node *ess;             /* its Essentials server */
  int64_t index;            /* its place in the group */
  rs_time_t data_from;      /* data is generated from here on (start or restart) */
  int64_t sent[4];          /* bytes of each kind generated since data_from */
  bool server;              /* a Windows server (else a client) */
  bool health_stopped;      /* the health service is stopped (the computer is up) */
  rm_node node;             /* find the agent from it with RS_CONTAINER_OF */
  rs_rng rng;               /* its own stream, from its name */
} rm_agent;

/* Prepare a's stream and events; its node's name must be set. */
void rm_agent_init(rm_agent *a, uint64_t seed, int64_t index);

/* Start (at time 0 or on restart): the first heartbeat comes at a random
 * point of the first interval. */
void rm_agent_start(rm_agent *a, rs_sim *sim, rs_time_t interval);

/* The computer went down. */
void rm_agent_stop(rm_agent *a, rs_sim *sim);

/* The health service stops (on false) or starts again; the computer stays
 * as it is. */
void rm_agent_health(rm_agent *a, rs_sim *sim, bool on);

#endif
