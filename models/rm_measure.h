/*
 * rm_measure: what a run of a management group measures.
 *
 * The roles and the group report to it as things happen: data generated,
 * moved, stored in SQL and dropped; agents a node carries changing;
 * connections lost and back; a node's state changing; a fault step about to
 * run. From those reports and from the nodes it reads it
 *
 *   - samples every node and the group into the results file, every
 *     sample_every (the metrics it records are listed in rm_measure.c);
 *   - judges each node against its limit once the instant it changed in has
 *     settled, keeps its peak, and logs its episodes over the limit;
 *   - logs the senders' connection outages, the RMS's and SQL's service
 *     outages, and marks (figures noted at each fault step and each sample)
 *     that phases of a fault are judged by;
 *   - tells when a queue starts and stops dropping, and when the queues are
 *     back to their level before the faults;
 *   - keeps the latency from generated to stored, all run and per sample;
 *   - answers what the run shows: bytes queued and dropped, peaks, the nodes
 *     that went over their limit.
 *
 * It keeps its figures in the group (rm_group.m) and in each node
 * (rm_node.m); rm_expect judges the expectations from them and keeps its
 * verdicts here. A new measure adds its fields to rm_measure or
 * rm_node_measure, and its code to rm_measure.c.
 *
 * rm_node.h includes this header to embed rm_node_measure, after it has
 * defined rm_role, and this header includes rm_node.h after defining
 * rm_node_measure: either may be included first.
 */
#ifndef RM_MEASURE_H
#define RM_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_time.h"

/* What the measure keeps of each node (rm_node.m). */
typedef struct {
  int64_t peak_agents;      /* most agents it carried */
  rs_time_t peak_time;      /* when it first carried them */
  bool over_limit;          /* over its limit now */
  bool dirty;               /* its agents changed; judged when the instant settles */
  rs_time_t first_over;     /* when it first went over, -1 */
  int64_t limit_episode;    /* its open episode over its limit (index in rm_measure.limits), -1 */
  rs_time_t over_since;     /* when it last went over */
  rs_time_t over_total;     /* time spent over, closed episodes */
  int64_t bytes_in;         /* data received, all run */
  int64_t bytes_out;        /* data sent and received upstream, all run (not
                               counted for agents: their Essentials server's
                               bytes_in is what they sent) */
  int64_t in_at_sample, out_at_sample, dropped_at_sample; /* bytes_in, bytes_out and its queue's dropped
                                                             bytes at the last sample */
  bool dropping;            /* dropping: it dropped data since the sample before last */
  int64_t drop_from;        /* its dropped bytes when this dropping began */
  rs_time_t drop_since;     /* when this dropping began */
  rs_time_t drop_last;      /* when it last dropped, */
  int64_t drop_last_queued, drop_last_lost; /* and the bytes queued and lost so far, anywhere, then */
} rm_node_measure;

#include "rm_node.h"
#include "rm_record.h"
#include "rm_spool.h"
#include "rs_hist.h"
#include "rs_sim.h"

typedef struct rm_group rm_group;
typedef struct rm_node rm_node;

/* An expectation's verdict (rm_expect.c). */
typedef struct {
  const char *name;         /* the expectation's name, as the scenario has it */
  bool held;
  char detail[1024];        /* what was measured against what was expected */
} rm_verdict;

/* What a utilization_below or database_below expectation saw at the
 * samples of its window (rm_expect_sample). */
typedef struct {
  int64_t samples;          /* samples in its window */
  int64_t over;             /* of which over a limit */
  double worst;             /* the highest utilization against its limit (ratio), 0 */
  const struct rm_server *server; /* where (a server, or a host), which resource, how much, when */
  const struct rm_host *host;
  int resource;
  double value;
  rs_time_t at;
  double asked;             /* a host's: processors asked for then, over its own */
  double db_peak[2];        /* the databases' largest sizes in the window */
  rs_time_t db_at[2];
} rm_expect_watch;

/* A node over its limit, from start to end (-1 while it lasts). */
typedef struct {
  rm_node *node;
  rs_time_t start, end;
  int64_t peak;             /* most agents it carried in the episode */
} rm_limit_episode;

/* A sender without a parent, from start to end (-1 while it lasts); cut:
 * ended by the sender's own failure rather than a connection. A service
 * outage (rm_measure.svc_outages) has the cluster as owner and no lost. */
typedef struct {
  rm_node *owner;
  const rm_node *lost;      /* the parent it lost (or could not reach) */
  rs_time_t start, end;
  bool cut;
} rm_link_outage;

/* The busiest sample interval by something (data generated, alerts
 * raised), and what was happening then. */
typedef struct {
  rs_time_t t;              /* the interval's end (a sample's time); -1: none yet */
  rs_time_t from;           /* and its start */
  double value;             /* bytes generated, alerts raised, or agents' connections set up, in it */
  int64_t switched_on;      /* clients switched on in it (office hours) */
  const rm_node *queue_node; /* the gateway with the most queued at its end, and how much */
  int64_t queue;
  int fault;                /* a fault acting in it (index of the scenario's faults), or -1 */
  bool replayed;            /* else within a replayed outage (its first to its last line) */
  const rm_node *conn_node; /* the gateway with the most agents connected beneath it in it, and how many */
  int64_t conn_count;
} rm_busiest;

enum { RM_BUSIEST_DATA, RM_BUSIEST_ALERTS, RM_BUSIEST_CONNECTIONS, RM_BUSIEST_KINDS };

/* The busiest interval of kind k as a line of the summary ("busiest by
 * data: 80:20:00 to 80:30:00 (Thu 08:20), 440.4 MB generated (5.5x the
 * run's mean): morning start, 1283 clients switched on; most queued at a
 * gateway: gw-8 1.63 MB"); false when there is none. */
struct rm_group;
bool rm_busiest_text(const struct rm_group *g, int k, char *buf, size_t n);

/* Figures noted before each fault step and at each sample, for phases. */
typedef struct {
  rs_time_t t;
  int64_t dropped;          /* dropped so far */
  int64_t queued;           /* queued now (samples only; -1 otherwise) */
} rm_mark;

/* What the measure keeps of the group (rm_group.m). The logs grow by
 * doubling (rm_group_grow); one that cannot grow sets rm_group.nomem, and
 * the verdicts say they were not judged reliably. */
typedef struct {
  rs_event sampler;         /* every sample_every, from 0 to the duration */
  rs_event settle;          /* limits judged once an instant has settled */
  rs_time_t settle_time;    /* the instant being settled */
  rm_node **dirty;          /* nodes whose agents changed in that instant */
  int n_dirty, cap_dirty;
  /* Data, in bytes, all run. */
  int64_t generated;        /* bound for the management group */
  int64_t agent_queued;     /* held in the agents' own queues now */
  int64_t delivered;        /* stored in SQL */
  int64_t delivered_at_sample; /* delivered at the last sample */
  rs_hist latency;          /* generated to stored, weighted by bytes, all run; once
                               the run is judged, data still queued counts at its age
                               at the end (rm_measure_age_queued) */
  int64_t aged_queued;      /* the bytes so counted; -1 until then */
  rs_hist latency_sample;   /* the same since the last sample */
  int64_t limit_events;     /* times a node went over its limit */
  rm_verdict *verdicts;     /* one per expectation of the scenario, once judged */
  int n_verdicts;
  rm_expect_watch *watches; /* one per expectation (utilization_below, database_below use theirs) */
  rm_expect_watch *watch_cand; /* at: busiest ones: the latest sample's, kept if it is the busiest */
  /* What phases are measured by. */
  int64_t dropped_total;    /* bytes dropped so far, anywhere */
  rm_limit_episode *limits; /* every episode of a node over its limit, in order */
  int64_t n_limits, cap_limits;
  rm_link_outage *link_outages; /* every sender's outage, in order */
  int64_t n_link_outages, cap_link_outages;
  rm_link_outage *svc_outages; /* the RMS or SQL service unavailable (owner: the cluster) */
  int64_t n_svc_outages, cap_svc_outages;
  int64_t svc_open[2];      /* the RMS's and SQL's open outage (index in svc_outages), -1 */
  rm_mark *marks;           /* in time order */
  int64_t n_marks, cap_marks;
  /* Telling when the queues are back to their level before the faults. */
  bool drain_pending;       /* faults have changed things: tell when queues are back */
  int64_t drain_level;      /* queued before the first of them, with room to spare */
  int64_t calm_queued;      /* queued at the last sample while no fault held anything */
  rs_time_t drain_since;    /* the last fault step */
  /* The busiest intervals (rm_busiest). */
  rm_busiest busiest[RM_BUSIEST_KINDS];
  int64_t generated_at_sample, alerts_at_sample;
  int64_t switched_on, switched_on_at_sample; /* clients switched on by office hours, all run */
  int64_t connections, connections_at_sample; /* agents' connections set up, all run */
  bool record_connections;  /* connections are recorded (some computers keep hours) */
  double last_p99_ms;       /* the last sample's p99 latency of the data stored in its interval (-1: none) */
  /* What the results file keeps (the scenario's record:, docs/results.md). */
  bool ess_by_gateway;      /* Essentials servers' series summed per primary gateway */
  int64_t sum_first_id;     /* gateway i's summary's node id: sum_first_id + i */
  int *ess_of_gw;           /* Essentials servers whose primary is gateway i */
  double *sum;              /* per gateway x metric: its Essentials servers' at this sample */
  rs_time_t rec_every[RM_REC_ROLES]; /* each role's series recorded this often */
  bool rec_now[RM_REC_ROLES];        /* at this sample */
  double *acc;              /* per series of a role recorded less often: its value over
                               the samples since its last record (NaN: none yet) */
} rm_measure;

/* --- Setting up. --- */

/* A node's measure at its start (rm_node_init calls it). */
void rm_measure_node_init(rm_node_measure *nm);

/* The group's measure at its start, once its nodes are built: the metrics
 * are recorded in the results file (a failure stops the run, as any
 * recording's: rm_group.error). */
void rm_measure_init(rm_group *g);

/* What the results file keeps of the samples, by the scenario's record:
 * (before the group's nodes get their ids: it says whether the Essentials
 * servers are summed per gateway, whose summaries are nodes). */
void rm_measure_record_setup(rm_group *g);

/* Start sampling, at time 0. */
void rm_measure_start(rm_group *g);

/* Free what the measure holds (verdicts included); it is left zeroed. */
void rm_measure_free(rm_measure *m);

/* --- What the roles and the group report. --- */

/* An agent generated bytes, bound for the management group. */
static inline void rm_measure_generated(rm_measure *m, int64_t bytes) { m->generated += bytes; }

/* bytes went from one node's queue to another's (from's bytes_out, to's
 * bytes_in). */
static inline void rm_measure_moved(rm_node_measure *from, rm_node_measure *to, int64_t bytes) {
  from->bytes_out += bytes;
  to->bytes_in += bytes;
}

/* A transfer from `from` was stored in SQL (to): its chunks' latency, from
 * generated to now, and the bytes moved and delivered. */
void rm_measure_stored(rm_group *g, rm_node *from, rm_node *to, const rm_chunk *c, int n);

/* Node n's queue dropped bytes (> 0; 0 or less is nothing): counted now; the
 * first drop of a spell is told as an event. */
void rm_measure_drop(rm_group *g, rm_node *n, int64_t bytes);

/* The agents node n carries changed: it is judged against its limit once
 * this instant has settled (now if that cannot be arranged). */
void rm_measure_agents_changed(rm_group *g, rm_node *n);

/* Judge node n against its limit as it stands at the end of instant now:
 * its peak, its episodes over the limit, and an event when it crosses. */
void rm_measure_limit(rm_group *g, rm_node *n, rs_time_t now);

/* A sender (owner) lost its parent (lost): returns the outage's index in
 * link_outages (or -1 when it could not be logged); the outage ends when it
 * connects (rm_measure_link_back, cut false), or is cut when it fails
 * itself (cut true). An outage of -1 is nothing. */
int64_t rm_measure_link_lost(rm_group *g, rm_node *owner, const rm_node *lost);
void rm_measure_link_back(rm_group *g, int64_t outage, bool cut);

/* Node n changed state: an outage of the RMS or SQL service begins or ends
 * (other nodes: nothing). */
void rm_measure_state_changed(rm_group *g, rm_node *n);

/* A fault step is about to run: note the figures phases are measured by;
 * the first step after a calm spell fixes the level the queues must come
 * back to for the backlog to be told drained. */
void rm_measure_phase_mark(rm_group *g);

/* --- What the run shows. --- */

/* Count the data still queued (or in flight) at end in the run's latency,
 * at its age then: a lower bound of the latency it will have. Once: again
 * changes nothing; rm_group_judge does it. */
void rm_measure_age_queued(rm_group *g, rs_time_t end);

/* Bytes queued anywhere (every queue and every transfer in flight). */
int64_t rm_measure_queued(const rm_group *g);

/* Bytes dropped anywhere, and by role. */
int64_t rm_measure_dropped(const rm_group *g);
int64_t rm_measure_dropped_role(const rm_group *g, rm_role r);

/* The node with the highest peak of a role (management servers, gateways,
 * Essentials servers, agents; NULL when the role has none). */
const rm_node *rm_measure_peak(const rm_group *g, rm_role r);

/* How many nodes of a role went over their limit (agents: 0). */
int rm_measure_over_count(const rm_group *g, rm_role r);

#endif
