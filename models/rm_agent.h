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

#include "rm_load.h"
#include "rm_node.h"
#include "rs_rng.h"
#include "rs_sim.h"

/* What a tick reads comes first, with the node's busiest fields (its
 * group, state and queue) just after: a group of 100 000 agents is visited
 * in no order, and every cache line an agent spans costs a miss. */
typedef struct {
  rs_event tick;            /* heartbeat and data, every heartbeat interval, while
                               it ticks on its own (not in its population) */
  rm_node *ess;             /* its Essentials server */
  int64_t index;            /* its place in the group */
  rs_time_t data_from;      /* data is generated from here on (start or restart) */
  int64_t sent[4];          /* bytes of each kind generated since data_from */
  rs_time_t next;           /* its next tick (kept in its slot while a member) */
  bool burst;               /* it has just started: its first tick sends its state (start_burst) */
  bool in_pop;              /* its ticks are run by its population, and its
                               data_from, sent and next are in its slot */
  bool server;              /* a Windows server (else a client) */
  bool health_stopped;      /* the health service is stopped (the computer is up) */
  bool off;                 /* switched off (office hours, rm_load.h): sends nothing,
                               is not waited for */
  bool maintenance;         /* in maintenance mode: its heartbeats are not waited for */
  uint8_t conn;             /* its connection to its Essentials server: RM_CONN_* */
  const struct rm_fault_spec *storm; /* the storm it is in (extra alerts and state changes), or NULL */
  rs_time_t storm_from;     /* since when */
  rs_time_t storm_until;    /* when it ended (-1: not yet): its next tick sends the rest */
  int64_t storm_sent[2];    /* the storm's alert and state change bytes sent since then */
  rs_event power;           /* its next switch on or off, when it follows office hours */
  rm_node node;             /* find the agent from it with RS_CONTAINER_OF */
  rs_rng rng;               /* its own stream, from its name */
} rm_agent;

/* An agent's connection to its Essentials server. An agent that starts,
 * or whose Essentials server went down, connects at its next tick that
 * finds the server up; the server sets up at most accept_burst at once and
 * accepts_per_second after that (a token bucket), the others wait in turn,
 * their tick put off until theirs is set up. */
enum { RM_CONN_UP, RM_CONN_TO_CONNECT, RM_CONN_WAITING };

/* One entry of a population's ring: an agent's next tick and what the tick
 * needs (moved here from the agent while it is a member, so that running a
 * population's ticks reads the ring in order and not the agents). */
typedef struct {
  rs_time_t next;
  rs_time_t data_from;
  int64_t sent[4];
  int32_t agent;            /* -1: the agent left */
} rm_pop_slot;

/*
 * The agents of one Essentials server that behave alike: up, health service
 * running, nothing waiting in their own queue, no heartbeat alert open, and
 * their Essentials server up with room to spare. Their ticks are not events:
 * they wait, in time order, in a ring, and are run (each at its own time,
 * byte for byte what its own event would have done) just before anything
 * reads or changes what a tick reads or writes: the Essentials server's
 * sender (rm_uplink), an event told, a sample, the heartbeat watchers, a
 * change of state or connection on the heartbeat's path (rm_pops_settle).
 * Ticks at the same microsecond as such an event run before it.
 *
 * An agent that differs (down, stopped, with a backlog or an alert) ticks
 * on its own event, as every agent does with --agents individual; it joins
 * its population again at the first tick that finds it alike.
 */
typedef struct {
  rm_pop_slot *v;
  uint32_t head, len, cap;  /* a ring; cap a power of two */
  rm_node *ess;             /* its Essentials server */
  int64_t members;
  int64_t agents;           /* the Essentials server's agents */
  int64_t first_agent;      /* they are agents[first_agent ..] */
  rs_time_t last_unheard;   /* the last tick of a member whose heartbeat did not
                               get through (-1: none) */
  bool open;                /* agents may join: its Essentials server is up with
                               room for what all its agents send until the next
                               check (rm_pop_check) */
  bool ticking;             /* running its ticks (nothing re-enters) */
} rm_pop;

/* Prepare a's stream and events; its node's name must be set. */
void rm_agent_init(rm_agent *a, uint64_t seed, int64_t index);

/* Start (at time 0 or on restart): the first heartbeat comes at a random
 * point of the first interval. */
void rm_agent_start(rm_agent *a, rs_sim *sim, rs_time_t interval);

/* Switch the computer on or off (its population, if it is in one, must be
 * settled): off, it sends nothing and nobody waits for its heartbeat; on, it
 * starts as after a restart, and its heartbeats are waited for from now. */
void rm_agent_power(rm_agent *a, rs_sim *sim, bool on);

/* The office hours a's computer follows, or NULL (always on). */
const rm_hours *rm_agent_hours(const rm_agent *a);

/* Switch a on or off as its hours say at now, and wait for its next
 * switch (at the group's start; then by itself). */
void rm_agent_follow_hours(rm_agent *a, rs_sim *sim);

/* The computer went down. */
void rm_agent_stop(rm_agent *a, rs_sim *sim);

/* The health service stops (on false) or starts again; the computer stays
 * as it is. */
void rm_agent_health(rm_agent *a, rs_sim *sim, bool on);

/* The population of Essentials server ess, whose agents are
 * agents[first_agent .. first_agent + agents): empty, closed. */
void rm_pop_init(rm_pop *p, rm_node *ess, int64_t first_agent, int64_t agents);
void rm_pop_free(rm_pop *p);

/* Run the ticks due until now (included) of ess's population (ess an
 * Essentials server; any other node: nothing), then open or close it by
 * the room its Essentials server has. */
void rm_pop_settle(rm_group *g, rm_node *ess);

/* Run the ticks due until now (included) of every population. */
void rm_pops_settle(rm_group *g);

/* Every member of ess's population ticks on its own from now (its
 * Essentials server goes down), and none joins until it is open again. */
void rm_pop_disband(rm_group *g, rm_node *ess);

/* The members of ess's population (0 for any other node). */
int64_t rm_pop_members(const rm_node *ess);

/* a ticks on its own from now (its population must be settled). */
void rm_agent_alone(rm_agent *a, rs_sim *sim);

/* No member of p can have missed its heartbeats: every member's tick
 * within `late` before now got through. */
static inline bool rm_pop_heard(const rm_pop *p, rs_time_t now, rs_time_t late) {
  return p->members == p->agents && (p->last_unheard < 0 || p->last_unheard <= now - late);
}

#endif
