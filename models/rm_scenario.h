/*
 * rm_scenario: a scenario as read from YAML, checked field by field.
 *
 * The format is documented in docs/scenarios.md. Every default comes from
 * the facts the model rests on (the deployment guide's limits, OpsMgr's
 * heartbeat and failover rules, queue sizes, MSIT's load per agent); those
 * no public source gives are marked assumed there. Every one can be
 * overridden.
 */
#ifndef RM_SCENARIO_H
#define RM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rm_load.h"
#include "rm_record.h"
#include "rm_hw.h"
#include "rm_index.h"
#include "rs_time.h"

/* The longest run: ten years. A longer duration is refused, and a results
 * or sweep file that claims one is damaged. */
#define RM_SCENARIO_MAX_DURATION (3650 * RS_DAY)

/* A storm's state changes go to every group a computer is in (OpsMgr's
 * state roll-up): each is sent this many times unless the line says
 * (rollup: N). Assumed: a computer in 3 groups. */
#define RM_STORM_ROLLUP 3.0

/* One line of `customers:`: count customers of the same shape. */
typedef struct {
  char *prefix;     /* customer names are PREFIX-1, PREFIX-2, ... */
  int count;
  int servers;      /* Windows servers per customer */
  int clients;      /* Windows clients per customer */
  int essentials;   /* Essentials servers per customer, 1 unless the line says `essentials: N`;
                       with several, customer PREFIX-K's are PREFIX-K.1 ... PREFIX-K.N */
  char *primary;    /* gateway name, or NULL for automatic placement */
  char *backup;     /* gateway name, or NULL for automatic placement */
  char **primary_each; /* or one per Essentials server (count x essentials, customer by customer;
                          NULL items: automatic), or NULL */
  char **backup_each;
  rm_load_spec load; /* the line's hours of clients and servers (load:), where given; else the scenario's */
} rm_customer_spec;

/* The i-th Essentials server's (from 0, customer by customer: customer K's
 * J-th is (K - 1) x essentials + J - 1) named primary or backup gateway, or
 * NULL. */
const char *rm_customer_primary(const rm_customer_spec *cs, int i);
const char *rm_customer_backup(const rm_customer_spec *cs, int i);

/*
 * A customer's servers and clients split over its n Essentials servers:
 * the part-th (from 0) manages *s servers and *c clients. Servers are dealt
 * from the first Essentials server on and clients from the last back, so
 * any two differ by at most one server, one client and one computer, and
 * none is empty when n <= servers + clients.
 */
void rm_ess_split(int servers, int clients, int n, int part, int *s, int *c);

/* The fewest Essentials servers that hold servers and clients split so,
 * each within max_servers and max_clients (the Essentials limit); -1 when
 * no number does (a limit of 0 for a kind the customer has). */
int rm_ess_needed(int servers, int clients, int max_servers, int max_clients);

/* A link between tiers. */
typedef struct {
  rs_time_t latency;
  double bandwidth;      /* bytes per second */
  double availability;   /* share of the bandwidth this traffic may use, 0..1 */
} rm_link_params;

/* The kinds of data an agent sends (the per-day counts are MSIT's). */
enum { RM_DATA_PERF, RM_DATA_EVENT, RM_DATA_ALERT, RM_DATA_STATE, RM_DATA_KINDS };

/* Every parameter of the model. */
typedef struct {
  /* limits (the deployment guide) */
  int ms_agents;            /* agents per management server, 2000 */
  int gw_agents;            /* agents per gateway, 530 */
  int ess_servers;          /* servers per Essentials server, 30 */
  int ess_clients;          /* clients per Essentials server, 500 */
  /* heartbeats */
  rs_time_t heartbeat_interval; /* 60 s */
  int missed_heartbeats;    /* misses before the alert, 3 */
  bool alert_clients;       /* heartbeat alerts for client computers, off */
  /* agents */
  int64_t agent_queue;      /* 15 MB */
  int64_t start_burst;      /* state and discovery data an agent sends when it starts (0) */
  double per_day[RM_DATA_KINDS];  /* items per agent per day */
  int64_t item_bytes[RM_DATA_KINDS];
  /* Essentials servers */
  double forward_share;     /* share of its agents' data sent upstream, 1 */
  int64_t ess_queue;        /* 100 MB, assumed */
  double accepts_per_second; /* agents' connections it sets up a second, 10, assumed */
  int accept_burst;         /* and at once, from idle, 100, assumed */
  /* gateways */
  int64_t gw_queue;         /* about 100 MB */
  double gw_compression;    /* 0.5: half the bytes on the wire */
  /* management servers */
  int64_t ms_queue;         /* about 100 MB */
  /* RMS and SQL clusters */
  rs_time_t rms_failover;   /* assumed 2 min */
  int64_t opsdb_base, dw_base;        /* the empty databases' size, assumed 1 GB */
  double opsdb_share, dw_share;       /* bytes stored per byte of data, assumed 0.1 and 0.05 */
  rs_time_t opsdb_retention, dw_retention; /* kept this long: 7 d and 400 d */
  bool grooming;                      /* old data groomed daily, on */
  rs_time_t sql_detection;  /* LooksAlive: 5 s */
  rs_time_t sql_recovery;   /* assumed 60 s (30 s to 5 min) */
  /* connections and failover */
  rs_time_t retry_interval; /* assumed 30 s */
  int retries;              /* retries of the primary before failing over, 3 */
  rs_time_t connect_time;   /* to a new parent, assumed 30 s */
  rs_time_t failback_every; /* retry of the primary while failed over, 60 s */
  /* transfers */
  rs_time_t flush_every;    /* a sender sends what it holds this often, assumed 5 s */
  int64_t max_batch;        /* bytes per transfer, assumed 1 MB */
  /* links */
  rm_link_params site;      /* Essentials server to gateway, over the internet */
  rm_link_params gw_link;   /* gateway to management server */
  rm_link_params sql_link;  /* management server to SQL and RMS */
  bool web_console;
} rm_params;

/* A fault on the timeline. Each kind is one line of `faults:` (see
 * docs/scenarios.md); RM_FAULT_STEP is one line of a replayed outage. */
typedef enum {
  RM_FAULT_CRASH,        /* nodes down, and back `for` later */
  RM_FAULT_CUT,          /* links down */
  RM_FAULT_DEGRADE,      /* links slower: latency, bandwidth, loss */
  RM_FAULT_FLAP,         /* nodes or links down and up every `every`, `times` times */
  RM_FAULT_SITE_OUTAGE,  /* every link of a customer's site */
  RM_FAULT_DC_OUTAGE,    /* every link into the service provider */
  RM_FAULT_SLOW_SQL,     /* SQL write capacity times `factor` */
  RM_FAULT_STOP_HEALTH,  /* the health service stopped on agents */
  RM_FAULT_ROLLING,      /* nodes restarted one after another, `gap` apart */
  RM_FAULT_MAINTENANCE,  /* agents in maintenance mode: nobody waits for their heartbeats */
  RM_FAULT_PATCH,        /* patch windows: each node restarts once in each, for a drawn time */
  RM_FAULT_STORM,        /* agents send alerts and state changes at a storm's rates */
  RM_FAULT_STEP,         /* a replayed change: down, up or degrade */
  RM_FAULT_KINDS
} rm_fault_kind;

/* What a replayed line does. */
typedef enum { RM_STEP_DOWN, RM_STEP_UP, RM_STEP_DEGRADE, RM_STEP_STORM } rm_step_action;

typedef struct rm_fault_spec {
  rm_fault_kind kind;
  char *id;                 /* its name in phases and the story */
  char *target;             /* a node, link:NODE, or a selector; NULL when the kind needs none */
  char **list;              /* a rolling restart's nodes, when given as a list */
  int n_list;
  double share;             /* a random share of the targets (0: all) */
  int count;                /* or a random number of them (0: all) */
  rs_time_t at, at_to;      /* when; at_to > at: at a random time in [at, at_to] */
  rs_time_t duration;       /* RS_TIME_MAX: never repaired */
  rs_time_t latency;        /* degrade: latency added */
  double bandwidth;         /* degrade: the link's bandwidth then (0: unchanged) */
  double loss;              /* degrade: packets lost, 0..1 */
  rs_time_t every;          /* flap: down this long, then up this long; patch: windows this far apart */
  int times;                /* flap: how many times; patch: how many windows */
  rs_time_t window;         /* patch: each window's length */
  rs_time_t down;           /* patch: a node's mean time down (drawn from 0.5 to 1.5 times it) */
  bool maintenance;         /* patch: agents in maintenance mode over each window */
  int monthly_nth;          /* patch: windows monthly, on the nth (1 to 4, -1 the last) weekday of each
                               month (0: not monthly; at is then the first window's start) */
  int monthly_day;          /* its weekday, 0 Monday */
  rs_time_t monthly_at;     /* and its time of day (UTC) */
  double storm_alerts;      /* storm: alerts per agent per minute */
  double storm_states;      /* storm: state changes per agent per minute, before roll-up */
  double rollup;            /* storm: state changes sent per state change (groups rolled up into) */
  double factor;            /* slow SQL, or a replayed degrade of sql */
  rs_time_t gap;            /* rolling restart */
  rm_step_action action;    /* a replayed step */
  char *where;              /* "FILE:LINE:COL" where it was written */
} rm_fault_spec;

/* Roles that can fail at random: nodes of the group, and physical hosts
 * (a host's failure takes every server on it down at once). */
enum { RM_RANDOM_AGENT, RM_RANDOM_ESSENTIALS, RM_RANDOM_GATEWAY, RM_RANDOM_MS, RM_RANDOM_RMS_NODE,
       RM_RANDOM_SQL_NODE, RM_RANDOM_HOST, RM_RANDOM_ROLES };

/* Random failures of a role: times between failures and to repair. */
typedef struct {
  rs_time_t mtbf;           /* 0: none */
  rs_time_t mttr;
  bool lognormal;           /* repair times lognormal (else exponential) */
  double cv;                /* lognormal: coefficient of variation */
} rm_random_failures;

/* Expectations a scenario may ask for (docs/scenarios.md). */
typedef enum {
  RM_EX_CAPACITY_HELD,         /* every node within its limits */
  RM_EX_NO_DATA_LOST,          /* no byte dropped */
  RM_EX_DATA_LOST_AT_MOST,     /* at most `bytes` dropped */
  RM_EX_FAILOVER_WITHIN,       /* every lost connection back within `within` */
  RM_EX_ALERT_WITHIN,          /* every outage of an agent alerted within `within` */
  RM_EX_BACKLOG_DRAINED,       /* queues back to their level within `within` after the fault */
  RM_EX_ALERTS_FOR,            /* heartbeat alerts for exactly these agents */
  RM_EX_NO_ALERT_FOR,          /* no heartbeat alert for these agents */
  RM_EX_UTILIZATION_BELOW,     /* every server's (of a role, or one) utilization under these */
  RM_EX_DATABASE_BELOW,        /* the SQL store's databases under these sizes */
  RM_EX_PEAK_LATENCY_BELOW,    /* every sample's p99 latency (data stored in its interval) under `within` */
  RM_EX_KINDS
} rm_expect_kind;

/* The part of the run an expectation looks at. */
/* When an expectation looks: the whole run, before, during or after a
 * fault, or over the run's busiest interval by data (at: busiest). */
typedef enum { RM_PHASE_RUN, RM_PHASE_BEFORE, RM_PHASE_DURING, RM_PHASE_AFTER, RM_PHASE_BUSIEST } rm_phase;

typedef struct {
  rm_expect_kind kind;
  rm_phase phase;
  int fault;                /* the fault whose phase it is (index in faults) */
  rs_time_t within;
  int64_t bytes;
  char **agents;            /* alerts_for, no_alert_for: names or selectors */
  int n_agents;
  double util[RM_RESOURCES]; /* utilization_below: the limit of each resource, 0..1 (0: not judged) */
  int hw_role;              /* utilization_below: the servers of this hardware role only, -1: all */
  char *server;             /* utilization_below: this server only, NULL: all */
  bool hosts;               /* utilization_below: hosts (cpu and memory), not servers */
  int host;                 /* utilization_below on hosts: this one (index in hosts), -1: every host */
  int64_t db_bytes[2];      /* database_below: the OpsDB's and the data warehouse's limits (0: not judged) */
  char *name;               /* as shown: "failover_within 3m during gw-flap" */
} rm_expect_spec;

/* One gateway's own placement, when its `names:` item is a mapping. */
typedef struct {
  char *report_to;        /* a management server, or NULL: the gateways' */
  int n_failover;
  char **failover;        /* NULL: the gateways' */
} rm_gw_place;

/* A physical host and the virtual servers it runs (`hosts:`,
 * docs/hardware.md). A server on no host is physical. */
typedef struct {
  char *name;
  int model;              /* its hardware model (index in hw.models) */
  char **runs;            /* the servers it runs, by name: as given, then those
                             placed by role and count, then automatically */
  int n_runs;
  int n_named;            /* runs[0..n_named) were named in the scenario */
} rm_host_spec;

typedef struct {
  char *file;             /* path as given */
  char *text;             /* the whole file */
  size_t text_len;
  char *name;
  rs_time_t duration;
  uint64_t seed;
  rs_time_t sample_every;
  rm_record_spec record;
  rm_load_spec load;      /* when computers are on, how data arrives, its factor by hour (load:) */
  int n_ms;
  char **ms_names;
  int n_gw;
  char **gw_names;
  char *gw_report_to;     /* a management server, or NULL for automatic */
  int n_gw_failover;      /* explicit failover list for every gateway */
  char **gw_failover;     /* NULL: every other management server */
  bool gw_failover_ordered; /* failover lists tried in order (else at random, the default) */
  rm_gw_place *gw_place;  /* per gateway (n_gw), or NULL when none is given its own */
  int n_specs;
  rm_customer_spec *specs;
  rm_params p;
  int n_faults;
  rm_fault_spec *faults;
  bool replay_live;       /* the replay is a live session's (romsim serve): its lines are taken as they
                             came, none known before it acts (rm_fault.h, rm_timeline_under_way) */
  rm_random_failures random[RM_RANDOM_ROLES]; /* by RM_RANDOM_* */
  int64_t start;          /* wall clock of time 0 (Unix seconds), for replays; -1: not given */
  char *replay_file;      /* a replayed outage, when one is given */
  char *replay_text;
  int n_expect;
  rm_expect_spec *expect;
  rm_hw_spec hw;          /* the servers' hardware (docs/hardware.md) */
  rm_host_spec *hosts;    /* physical hosts, when some servers are virtual */
  int n_hosts;
  rm_index host_index;    /* host name -> index in hosts */
  rm_index vm_index;      /* a virtual server's name -> its host's index */
  /* Lookups by name, built as the names are read (keys point into the
   * arrays above). */
  rm_index ms_index;      /* management server name -> index in ms_names */
  rm_index gw_index;      /* gateway name -> index in gw_names */
  rm_index spec_index;    /* customer line prefix -> index in specs */
} rm_scenario;

/* Check a fault's target for its kind: a node, link:NODE or a selector
 * (role:ROLE, customer:NAME, agents:NAME, links:ROLE) naming nodes of the
 * scenario. Returns NULL when it is good, else what is wrong. */
const char *rm_scenario_check_target(const rm_scenario *sc, rm_fault_kind kind, const char *target);

/* Parse an ISO 8601 UTC time ("2026-11-20T02:00:00Z", seconds optional,
 * "Z" or no zone) into Unix seconds. Returns 0, or -1 with the offset of
 * the first bad character. */
int rm_iso8601_parse(const char *s, size_t len, int64_t *out, size_t *err_off);

/* The defaults, with their sources in docs/scenarios.md. */
void rm_params_default(rm_params *p);

/* Read a whole file (at most 64 MB) into a NUL-terminated buffer. Returns
 * it, or NULL with a message "FILE: ..." in err. */
char *rm_read_file(const char *file, size_t *len, const char *what, char *err, size_t errlen);

/*
 * Read and check the scenario in file. On success returns 0 and fills *sc
 * (free it with rm_scenario_free). On failure returns -1 and writes one
 * message "FILE:LINE:COL: ..." (or "FILE: ..." when the file cannot be read)
 * into err.
 */
int rm_scenario_load(rm_scenario *sc, const char *file, char *err, size_t errlen);

/* Same, from text in memory; file is the name used in messages. */
int rm_scenario_parse(rm_scenario *sc, const char *file, const char *text, size_t len, char *err, size_t errlen);

void rm_scenario_free(rm_scenario *sc);

/* The random failures expected over a run of duration: for each role with
 * an MTBF, its nodes (or hosts) x duration / (MTBF + MTTR). */
double rm_scenario_random_failures(const rm_scenario *sc, rs_time_t duration);

/* The most random failures a run may expect: each is two steps of the
 * timeline, a fault row and a few events in the results file, and sets off
 * failovers and alerts; beyond this, a scenario is an event storm (an MTBF
 * far below the run's sample interval) and the loader refuses it. */
#define RM_MAX_RANDOM_FAILURES 10000000

/* Pairs the scenario places on one host although losing it loses both:
 * a cluster's two nodes, a customer's named primary and backup gateway, a
 * gateway's management server and a failover server it names. Each is
 * accepted (it is the mistake a run is there to show) and said, one line
 * each, to say (the first RM_HOST_WARNINGS_SHOWN); returns how many. */
typedef void (*rm_host_warning)(void *ctx, const char *line);
#define RM_HOST_WARNINGS_SHOWN 20
int rm_scenario_host_warnings(const rm_scenario *sc, rm_host_warning say, void *ctx);

/* The host running server `name`, or NULL when it is physical. */
const rm_host_spec *rm_scenario_host_of(const rm_scenario *sc, const char *name);

/* What the servers on host h commit of it: virtual processors and memory
 * (their hardware models'), into *processors and *memory. */
void rm_scenario_host_committed(const rm_scenario *sc, const rm_host_spec *h, int64_t *processors, int64_t *memory);

/* Total customers, Essentials servers and agents described. */
int64_t rm_scenario_customers(const rm_scenario *sc);
int64_t rm_scenario_essentials(const rm_scenario *sc);
int64_t rm_scenario_agents(const rm_scenario *sc);

/* A monthly patch line's first window at or after run time from (start:
 * the scenario's, UTC seconds of time 0), or -1. */
rs_time_t rm_monthly_next(const rm_fault_spec *f, int64_t start, rs_time_t from);

/* Whether some computers keep hours (load: clients or servers on office
 * hours, the scenario's or a line's): they then switch on, and connect,
 * every working day. */
bool rm_scenario_keeps_hours(const rm_scenario *sc);

#endif
