/*
 * rm_group: a management group built from a scenario and wired to an engine.
 *
 * The group holds every node: management servers, gateways, each customer's
 * Essentials server and its agents, the RMS and SQL clusters and the
 * optional web console. It places customers on gateways and gateways on
 * management servers, starts the agents, senders, watchers and faults,
 * samples every node, records events, and judges the expectations at the
 * end. The roles' behaviour lives in their own files; this one wires them.
 */
#ifndef RM_GROUP_H
#define RM_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_agent.h"
#include "rm_cluster.h"
#include "rm_fault.h"
#include "rm_index.h"
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
} rm_essentials;

/* A gateway or a management server: a node that forwards upstream. */
typedef struct {
  rm_node node;
  rm_node **targets;        /* its parents: primary first */
  rm_uplink up;
} rm_forwarder;

typedef struct {
  const char *name;
  bool held;
  char detail[1024];
} rm_verdict;

/* What a utilization_below or database_below expectation saw at the samples
 * of its window (rm_expect_sample). */
typedef struct {
  int64_t samples;          /* samples in its window */
  int64_t over;             /* of which over a limit */
  double worst;             /* the highest utilization over its limit (ratio), 0 */
  const rm_server *server;  /* where, which resource (RM_RESOURCES: a database), how much, when */
  int resource;
  double value;
  rs_time_t at;
  double db_peak[2];        /* the databases' largest sizes in the window */
  rs_time_t db_at[2];
} rm_expect_watch;

/* A node over its limit, from start to end (-1 while it lasts). */
typedef struct {
  rm_node *node;
  rs_time_t start, end;
  int64_t peak;
} rm_limit_episode;

/* A sender without a parent, from start to end (-1 while it lasts); cut:
 * ended by the sender's own failure rather than a connection. */
typedef struct {
  rm_node *owner;
  const rm_node *lost;      /* the parent it lost (or could not reach) */
  rs_time_t start, end;
  bool cut;
} rm_link_outage;

/* Figures noted before each fault step and at each sample, for phases. */
typedef struct {
  rs_time_t t;
  int64_t dropped;          /* dropped so far */
  int64_t queued;           /* queued now (samples only; -1 otherwise) */
} rm_mark;

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
  rm_dbsize opsdb, dw;      /* the SQL store's databases' sizes */
  rs_event groom;           /* their grooming, daily at midnight */
  rm_index names;           /* every node but the agents, by name: its role and
                               index (rm_group.c); agents are found through
                               their Essentials server */
  rm_timeline timeline;     /* the faults */
  rs_event sampler;
  rs_event settle;          /* limits judged once an instant has settled */
  rs_time_t settle_time;
  rm_node **dirty;          /* nodes whose agents changed in that instant */
  int n_dirty, cap_dirty;
  rm_watchers watch;        /* the heartbeat watchers, on the RMS */
  int64_t rate[RM_DATA_KINDS]; /* bytes per agent per day of each kind sent upstream */
  /* Data, in bytes, all run. */
  int64_t generated;        /* bound for the management group */
  int64_t delivered;        /* stored in SQL */
  int64_t delivered_at_sample;
  rs_hist latency;          /* generated to stored, weighted by bytes, all run; once
                               the run is judged, data still queued counts at its age
                               at the end (rm_group_age_queued) */
  int64_t aged_queued;      /* the bytes so counted; -1 until then */
  rs_hist latency_sample;   /* the same since the last sample */
  int64_t limit_events;
  int error;                /* a recording failed: the run stops */
  char errmsg[256];
  rm_verdict *verdicts;     /* one per expectation of the scenario */
  rm_expect_watch *watches; /* one per expectation (used by utilization_below, database_below) */
  int n_verdicts;
  /* What phases are measured by. */
  int64_t dropped_total;    /* bytes dropped so far, anywhere */
  rm_limit_episode *limits;
  int64_t n_limits, cap_limits;
  rm_link_outage *link_outages;
  int64_t n_link_outages, cap_link_outages;
  rm_link_outage *svc_outages; /* the RMS or SQL service unavailable (owner: the cluster) */
  int64_t n_svc_outages, cap_svc_outages;
  int64_t svc_open[2];      /* the RMS's and SQL's open outage, -1 */
  rm_mark *marks;
  int64_t n_marks, cap_marks;
  int nomem;                /* a log could not grow: verdicts say so */
  rm_story story;           /* what happened, for people */
  bool drain_pending;       /* faults have changed things: tell when queues are back */
  int64_t drain_level;      /* queued before the first of them, with room to spare */
  int64_t calm_queued;      /* queued at the last sample while no fault held anything */
  rs_time_t drain_since;    /* the last fault step */
};

/*
 * Build the group for sc on sim and record its nodes in res (NULL: record
 * nothing). Returns 0, or -1 with a message in err.
 */
int rm_group_build(rm_group *g, const rm_scenario *sc, rs_sim *sim, rs_results *res, char *err, size_t errlen);

/* Start everything from time 0: agents, senders, watchers, sampler, faults. */
void rm_group_start(rm_group *g);

/* Judge the expectations at the end of the run (time end) and record them
 * with the run's figures. Returns the number that failed. */
int rm_group_judge(rm_group *g, rs_time_t end);

void rm_group_free(rm_group *g);

/* The node with the highest peak of a role (NULL when the role has none). */
const rm_node *rm_group_peak(const rm_group *g, rm_role r);

/* The i-th node of a role (management servers, gateways, Essentials
 * servers, agents), and how many the role has. */
rm_node *rm_group_node(const rm_group *g, rm_role r, int64_t i);
int64_t rm_group_count(const rm_group *g, rm_role r);

/* How many nodes of a role went over their limit. */
int rm_group_over_count(const rm_group *g, rm_role r);

/* At a sample (now), after every server was measured: note what the
 * utilization_below and database_below expectations look at. */
void rm_expect_sample(rm_group *g, rs_time_t now);

/* Count the data still queued (or in flight) at end in the run's latency,
 * at its age then: a lower bound of the latency it will have. Once;
 * rm_group_judge does it. */
void rm_group_age_queued(rm_group *g, rs_time_t end);

/* Bytes queued anywhere (every queue and every transfer in flight). */
int64_t rm_group_queued(const rm_group *g);

/* Bytes dropped anywhere, and by role. */
int64_t rm_group_dropped(const rm_group *g);
int64_t rm_group_dropped_role(const rm_group *g, rm_role r);

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

/* --- For the roles' files. --- */

/* Record an event at now (printf-style detail). */
void rm_group_event(rm_group *g, const rm_node *n, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* child connected to, or disconnected from, parent: agents carried move. */
void rm_group_attach(rm_group *g, rm_node *child, rm_node *parent);
void rm_group_detach(rm_group *g, rm_node *child);

/* A transfer from sender ended (its receiver has taken it in): hand its
 * chunks to the receiver. */
void rm_group_deliver(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, const uint8_t *prio, int n);

/* A sender lost its parent (lost): returns the outage's index in
 * link_outages (or -1); the outage ends when it connects, or is cut when it
 * fails itself. */
int64_t rm_group_link_lost(rm_group *g, rm_node *owner, const rm_node *lost);
void rm_group_link_back(rm_group *g, int64_t outage, bool cut);

/* Make room for one more element of a log; 0, or -1 when memory ran out. */
int rm_group_grow(void **v, int64_t n, int64_t *cap, size_t size);

/* A node's queue dropped bytes. */
void rm_group_note_drop(rm_group *g, rm_node *n, int64_t bytes);

/* A node changed state: senders connected to it lose it, watchers start
 * over when the RMS comes back. */
void rm_group_state_changed(rm_group *g, rm_node *n);

/* The health service of agent n stops (on false) or starts again: no
 * heartbeat and no data meanwhile, but the computer answers pings. */
void rm_group_set_health(rm_group *g, rm_node *n, bool on);

/* A fault step is about to run: note the figures phases are measured by. */
void rm_group_phase_mark(rm_group *g);

#endif
