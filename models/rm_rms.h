/*
 * rm_rms: the Health Service Watchers that run on the RMS.
 *
 * Every heartbeat interval, while the RMS is up, an agent whose last
 * heartbeat is `missed` intervals old (counted from when the watchers last
 * started, if later) gets a "Health Service Heartbeat Failure" alert, unless
 * it is a client and client alerts are off. The RMS then pings the
 * computer; a computer that is down, or that the network path no longer
 * reaches, gets a second, "failed to connect" alert. Alerts close when
 * heartbeats come again. When the RMS comes back from a failover, its
 * watchers start over.
 *
 * Each outage of an agent (its computer down, or its health service
 * stopped) and each alert is logged, for the expectations on alerts.
 */
#ifndef RM_RMS_H
#define RM_RMS_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_sim.h"

typedef struct rm_group rm_group;

/* An outage of an agent: its computer down or its health service stopped. */
typedef struct {
  int64_t agent;
  rs_time_t start, end;       /* end -1 while it lasts */
  rs_time_t alerted;          /* the first heartbeat alert open during it, -1 */
} rm_agent_outage;

/* A heartbeat failure alert. */
typedef struct {
  int64_t agent;
  rs_time_t t;
} rm_alert;

typedef struct {
  rs_time_t *last_heartbeat;  /* per agent: the last heartbeat that reached the RMS */
  int64_t *outage;            /* per agent: its open outage (index in outages), -1 */
  uint8_t *alert_state;       /* per agent: 0 none, 1 heartbeat failure, 2 and failed to connect,
                                 3 one suppressed by maintenance mode */
  rm_agent_outage *outages;   /* every outage, in the order they began */
  int64_t n_outages, cap_outages;
  rm_alert *alerts_log;       /* every heartbeat failure alert */
  int64_t n_alerts_log, cap_alerts_log;
  rs_time_t watch_from;       /* when the watchers last started */
  rs_event ev;
  int64_t alerts;             /* heartbeat failure alerts raised */
  int64_t suppressed;         /* alerts not raised: their agent was in maintenance mode */
  int64_t connect_alerts;     /* failed to connect alerts raised */
  uint64_t heartbeats;        /* heartbeats that reached the RMS */
  int nomem;                  /* a log could not grow: verdicts say so */
} rm_watchers;

/* Prepare the watchers of n agents. Returns 0, or -1 when memory ran out. */
int rm_watchers_init(rm_watchers *w, int64_t n);
void rm_watchers_free(rm_watchers *w);

/* Start watching at time 0. */
void rm_watchers_start(rm_group *g);

/* A heartbeat from agent a reached the RMS. */
void rm_watchers_heartbeat(rm_group *g, int64_t a, rs_time_t t);

/* The RMS is up again (after a failover or both nodes down). */
void rm_watchers_restart(rm_group *g);

/* Agent a's outage begins (computer down or health service stopped), or
 * ends. */
void rm_watchers_outage_begins(rm_group *g, int64_t a);
void rm_watchers_outage_ends(rm_group *g, int64_t a);

/* Whether heartbeat alerts are on for agent a (servers; clients when asked). */
bool rm_watchers_alerts_for(const rm_group *g, int64_t a);

/* Whether the RMS can reach agent a's computer (for the ping): the computer
 * is up and every hop to it is up and connected. */
bool rm_watchers_path_up(const rm_group *g, int64_t a);


#endif
