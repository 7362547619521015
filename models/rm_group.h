/*
 * rm_group: a management group built from a scenario and wired to an engine.
 *
 * The group holds every node: management servers, gateways, each customer's
 * Essentials server and its agents, the RMS and SQL clusters and the
 * optional web console. It places customers on gateways and gateways on
 * management servers, starts the agents, senders, watchers, faults and the
 * measure, moves agents and data between the nodes it wired, finds nodes by
 * name, records events, and judges the expectations at the end (rm_expect.c).
 * The roles' behaviour lives in their own files, and what a run measures in
 * rm_measure (g->m, and each node's n->m), which the roles report to; this
 * file wires them.
 */
#ifndef RM_GROUP_H
#define RM_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_agent.h"
#include "rm_cluster.h"
#include "rm_fault.h"
#include "rm_index.h"
#include "rm_measure.h"
#include "rm_node.h"
#include "rm_rms.h"
#include "rm_scenario.h"
#include "rm_server.h"
#include "rm_dbsize.h"
#include "rm_story.h"
#include "rm_uplink.h"
#include "rs_hist.h"
#include "rs_results.h"
#include "rs_rng.h"
#include "rs_sim.h"

/* A physical host at work: the virtual servers it runs share its
 * processors (rm_group_share_hosts), and what it is measured by at each
 * sample (docs/hardware.md, "Hosts"). */
typedef struct rm_host {
  const rm_host_spec *spec;
  const rm_hw_model *model;
  rm_server **vms;
  int n_vms;
  int64_t id;               /* its node's id in the results file (role host) */
  double asked;             /* processors its servers asked for at the last sample */
  double cpu;               /* its processors busy since the sample before, 0 to 1: what
                               its servers did, at full speed, over its processors */
  double share;             /* share of their processors its servers get until the
                               next sample (processors / asked when overcommitted), 1 */
  double memory;            /* memory committed to its servers over its own (above 1:
                               overcommitted) */
  double peak_asked;        /* the most, as a share of its processors */
  rs_time_t peak_at;
  double peak_cpu;          /* the highest cpu at a sample, and when */
  rs_time_t peak_cpu_at;
  double least_share;       /* the least share its servers got, 1 */
  bool busy;                /* asked for more than it has, at the last sample */
} rm_host;

/* The role of a host's node in the results file. */
#define RM_HOST_ROLE "host"

/* The role of a gateway's summary of the Essentials servers whose primary
 * it is, in the results file (when they are summed: rm_measure). */
#define RM_ESS_SUMMARY_ROLE "essentials_by_gateway"

/* An Essentials server: one per customer, or several (`essentials: N`). */
typedef struct {
  rm_node node;
  const rm_customer_spec *spec; /* the scenario line it comes from */
  int nth;                  /* which of the line's customers, from 0 */
  int part;                 /* which of the customer's Essentials servers, from 0 */
  int servers, clients;     /* computers it manages (its share of the customer's) */
  rm_node *targets[2];      /* primary and backup gateway (backup may be absent) */
  rm_uplink up;
  int64_t first_agent;      /* its agents are agents[first_agent ..] */
  rm_pop pop;               /* those of its agents that behave alike (rm_agent.h) */
  rs_time_t accept_at;      /* its agents' connections: when the next may be set up at its rate (rm_agent.c) */
  int64_t agents_connected; /* agents' connections set up, all run */
  int64_t agents_connected_at_sample;
} rm_essentials;

/* A gateway or a management server: a node that forwards upstream. */
typedef struct {
  rm_node node;
  rm_node **targets;        /* its parents: primary first */
  rm_uplink up;
  int64_t agents_connected; /* a gateway's: agents connected beneath it (at the Essentials servers it
                               serves then), all run */
  int64_t agents_connected_at_sample;
} rm_forwarder;

struct rm_group {
  const rm_scenario *sc;
  const rm_params *p;
  rs_sim *sim;
  rs_results *res;          /* may be NULL: nothing is recorded */
  rm_forwarder *ms;
  int n_ms;
  rm_forwarder *gw;
  int n_gw;
  rm_essentials *ess;
  int n_ess;
  rm_agent *agents;
  int64_t n_agents;
  rm_cluster rms, sql;
  rm_node web;              /* used when the scenario asks for it */
  rm_server *servers;       /* every server's hardware at work (rm_server) */
  int n_servers;
  rm_host *hosts;           /* the scenario's hosts, with their virtual servers */
  int n_hosts;
  rm_dbsize opsdb, dw;      /* the SQL store's databases' sizes */
  rs_event groom;           /* their grooming, daily at midnight */
  rm_index names;           /* every node but the agents, by name: its role and
                               index (rm_group.c); agents are found through
                               their Essentials server */
  rm_timeline timeline;     /* the faults */
  rm_watchers watch;        /* the heartbeat watchers, on the RMS */
  int64_t rate[RM_DATA_KINDS]; /* bytes per agent per day of each kind sent upstream */
  int64_t pop_margin;       /* room an Essentials server keeps per agent for its
                               population to stay open (rm_agent.c) */
  int64_t pop_slack;        /* and once for the population (Poisson arrivals) */
  rm_poisson poisson_interval[RM_DATA_KINDS]; /* Poisson arrivals: each kind's count over an interval */
  bool poisson;             /* data arrives as Poisson counts (load: {arrivals: poisson}) */
  const rm_diurnal *diurnal; /* the factor on the rates by hour of day (load: {diurnal}), or NULL */
  bool agents_individual;   /* every agent ticks on its own event, none in a
                               population (romsim run --agents individual): set
                               between rm_group_build and rm_group_start */
  int error;                /* a recording failed: the run stops */
  char errmsg[256];
  int nomem;                /* memory ran out for a log of the measure or a fault's
                               hold: the verdicts say they are not reliable */
  rm_story story;           /* what happened, for people */
  rm_measure m;             /* what the run measures (rm_measure.h) */
};

/*
 * Build the group for sc on sim and record its metrics and nodes in res
 * (NULL: record nothing). Returns 0, or -1 with a message in err (the group
 * is then freed).
 */
int rm_group_build(rm_group *g, const rm_scenario *sc, rs_sim *sim, rs_results *res, char *err, size_t errlen);

/* Start everything from time 0: senders, agents, faults, watchers, and the
 * measure's sampler. */
void rm_group_start(rm_group *g);

/* Judge the expectations at the end of the run (time end), keep the
 * verdicts in g->m.verdicts (again: judged anew) and record them with the
 * run's figures. Returns the number that failed (all of them when memory ran
 * out for the verdicts). In rm_expect.c. */
int rm_group_judge(rm_group *g, rs_time_t end);

/* Free everything the group holds, the measure included; g is left zeroed. */
void rm_group_free(rm_group *g);

/* The i-th node of a role (management servers, gateways, Essentials
 * servers, agents), and how many the role has. */
rm_node *rm_group_node(const rm_group *g, rm_role r, int64_t i);
int64_t rm_group_count(const rm_group *g, rm_role r);

/* At a sample, after every server was measured: measure each host (its
 * processors busy since the sample before, asked for, and the peaks), then
 * share its processors among its virtual servers. When they asked for more
 * than the host has (each at most its own processors), every one of them
 * gets the same share, processors / asked, until the next sample; else all
 * of theirs. Told in the story when it begins and ends. */
void rm_group_share_hosts(rm_group *g, rs_time_t now);

/* At a sample (now), after every server was measured: note what the
 * utilization_below and database_below expectations look at. */
void rm_expect_sample(rm_group *g, rs_time_t now);

/* The sample just taken ends the new busiest interval by data: the at:
 * busiest expectations keep what they saw in it. */
void rm_expect_busiest(rm_group *g);

/* The node named name, or NULL. In constant time: a hash of every node's
 * name but the agents', and an agent (ESSENTIALS/srv-K or /cli-K) by its
 * Essentials server's. */
rm_node *rm_group_find(rm_group *g, const char *name);

/* The Essentials servers of the customer named customer (PREFIX-K), which
 * follow one another: g->ess[*first .. *first + *n). Returns 0, or -1 when
 * no customer has that name. */
int rm_group_customer(const rm_group *g, const char *customer, int *first, int *n);

/* Take a node down, or bring it back (any role but a whole cluster: give
 * its nodes); nothing when it already is. Faults go through rm_fault's
 * holds, which nest. */
void rm_group_set_down(rm_group *g, rm_node *n, bool down);

/* --- The roles' files. --- */

/* Every node's fields at their start; name is copied. Returns 0, or -1 when
 * memory ran out. */
int rm_node_init(rm_group *g, rm_node *n, int64_t id, const char *name, rm_role role);

/* rm_rms.c, rm_sql.c: the two clusters (and their nodes), ids from *id on. */
int rm_rms_init(rm_group *g, int64_t *id);
int rm_sql_init(rm_group *g, int64_t *id);

/* rm_mgmt_server.c: a management server, writing to the SQL store. */
int rm_ms_init(rm_forwarder *ms, rm_group *g, int64_t id, const char *name);

/* rm_gateway.c: a gateway; wired to its n management servers (targets
 * filled: primary first) once placed. */
int rm_gateway_init(rm_forwarder *gw, rm_group *g, int64_t id, const char *name);
void rm_gateway_wire(rm_forwarder *gw, rm_group *g, int n);

/* rm_essentials.c: a customer's Essentials server, managing servers and
 * clients, the agents from first_agent on; wired to its gateways once
 * placed; over its limits; whether it is one of customer's (named PREFIX-K). */
int rm_essentials_init(rm_essentials *es, rm_group *g, int64_t id, const char *name, const rm_customer_spec *cs,
                       int servers, int clients, int64_t first_agent);
void rm_essentials_wire(rm_essentials *es, rm_group *g);
bool rm_essentials_over(const rm_essentials *es, const rm_params *p);
bool rm_essentials_of(const rm_essentials *es, const char *customer);

/* rm_webconsole.c: the web console's state: its own, and the RMS's it reads
 * through. */
rm_state rm_webconsole_state(const rm_group *g);

/* --- For the roles' files and the measure. --- */

/* Record an event of node n (NULL: the group) at now (printf-style detail),
 * and tell it to the story. */
void rm_group_event(rm_group *g, const rm_node *n, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record an event of host ho (its node in the results file) at now, and
 * tell it to the story. */
void rm_group_host_event(rm_group *g, const rm_host *ho, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same, dated t: an instant just settled, or an event noticed after it
 * happened (at or before now), with the bytes queued and lost so far then
 * for the story (queued -1: take them now). */
void rm_group_event_at(rm_group *g, rs_time_t t, int64_t queued, int64_t lost, const rm_node *n, const char *kind,
                       const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* A recording in the results file failed: stop the run (g->error), keeping
 * the first failure's message in g->errmsg. */
void rm_group_record_failed(rm_group *g);

/* child connected to, or disconnected from, parent: the agents it carries
 * move, and the measure judges every node above it once the instant has
 * settled. */
void rm_group_attach(rm_group *g, rm_node *child, rm_node *parent);
void rm_group_detach(rm_group *g, rm_node *child);

/* A transfer from sender `from` ended (its receiver has taken it in): hand
 * its n chunks (priorities prio) to the receiver's queue, or store them
 * when it is SQL; the measure counts the bytes moved, stored and dropped. */
void rm_group_deliver(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, const uint8_t *prio, int n);

/* Make room for one more element of a log (*v holds n of cap, each of
 * size bytes; it doubles, from 64): 0, or -1 when memory ran out (*v is
 * kept). */
int rm_group_grow(void **v, int64_t n, int64_t *cap, size_t size);

/* A node changed state: the measure notes it, senders connected to it lose
 * it, watchers start over when the RMS comes back. */
void rm_group_state_changed(rm_group *g, rm_node *n);

/* The health service of agent n stops (on false) or starts again: no
 * heartbeat and no data meanwhile, but the computer answers pings. */
void rm_group_set_health(rm_group *g, rm_node *n, bool on);

/* Agent n goes into maintenance mode (on) or out of it: in it, nobody
 * waits for its heartbeats (an alert it would have raised is told as
 * alert_suppressed, and counted); out of it, they are waited for from now. */
void rm_group_set_maintenance(rm_group *g, rm_node *n, bool on);

/* Agent n is in storm f (NULL: in none): it sends f's alerts and state
 * changes (rolled up) besides its own, and ticks on its own while it does. */
void rm_group_set_storm(rm_group *g, rm_node *n, const rm_fault_spec *f);

#endif
