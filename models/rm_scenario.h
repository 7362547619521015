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

#include "rs_time.h"

/* One line of `customers:`: count customers of the same shape. */
typedef struct {
  char *prefix;     /* customer names are PREFIX-1, PREFIX-2, ... */
  int count;
  int servers;      /* Windows servers per customer */
  int clients;      /* Windows clients per customer */
  char *primary;    /* gateway name, or NULL for automatic placement */
  char *backup;     /* gateway name, or NULL for automatic placement */
} rm_customer_spec;

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
  double per_day[RM_DATA_KINDS];  /* items per agent per day */
  int64_t item_bytes[RM_DATA_KINDS];
  /* Essentials servers */
  double forward_share;     /* share of its agents' data sent upstream, 1 */
  int64_t ess_queue;        /* 100 MB, assumed */
  /* gateways */
  int64_t gw_queue;         /* about 100 MB */
  double gw_compression;    /* 0.5: half the bytes on the wire */
  double gw_capacity;       /* bytes per second it takes in, assumed */
  /* management servers */
  int64_t ms_queue;         /* about 100 MB */
  double ms_capacity;       /* bytes per second, shared per connection, assumed */
  /* RMS and SQL clusters */
  rs_time_t rms_failover;   /* assumed 2 min */
  double sql_capacity;      /* write bytes per second, assumed */
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

/* A fault on the timeline. */
typedef enum { RM_FAULT_CRASH } rm_fault_kind;

typedef struct {
  rm_fault_kind kind;
  char *target;             /* a node's name */
  rs_time_t at;
  rs_time_t duration;       /* RS_TIME_MAX: never repaired */
  int line;                 /* where it was written, for messages */
} rm_fault_spec;

/* Expectations a scenario may ask for. */
enum {
  RM_EXPECT_CAPACITY_HELD = 1u << 0,
  RM_EXPECT_NO_DATA_LOST = 1u << 1,
  RM_EXPECT_FAILOVER_WITHIN = 1u << 2,
  RM_EXPECT_ALERT_WITHIN = 1u << 3,
};

typedef struct {
  char *file;             /* path as given */
  char *text;             /* the whole file */
  size_t text_len;
  char *name;
  rs_time_t duration;
  uint64_t seed;
  rs_time_t sample_every;
  int n_ms;
  char **ms_names;
  int n_gw;
  char **gw_names;
  char *gw_report_to;     /* a management server, or NULL for automatic */
  int n_gw_failover;      /* explicit failover list for every gateway */
  char **gw_failover;     /* NULL: every other management server */
  int n_specs;
  rm_customer_spec *specs;
  rm_params p;
  int n_faults;
  rm_fault_spec *faults;
  unsigned expect;        /* RM_EXPECT_* bits */
  rs_time_t failover_within;
  rs_time_t alert_within;
} rm_scenario;

/* The defaults, with their sources in docs/scenarios.md. */
void rm_params_default(rm_params *p);

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

/* Total customers and agents described. */
int64_t rm_scenario_customers(const rm_scenario *sc);
int64_t rm_scenario_agents(const rm_scenario *sc);

#endif
