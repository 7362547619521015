/*
 * rm_scenario: a scenario as read from YAML, checked field by field.
 *
 * The format is documented in docs/scenarios.md. Every default comes from
 * the facts the model rests on (limits of the deployment guide, the 60 s
 * heartbeat); every one can be overridden.
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

/* Capacity limits (defaults from the deployment guide). */
typedef struct {
  int ms_agents;          /* agents per management server, 2000 */
  int gw_agents;          /* agents per gateway, 530 */
  int ess_servers;        /* servers per Essentials server, 30 */
  int ess_clients;        /* clients per Essentials server, 500 */
} rm_limits;

/* Expectations a scenario may ask for. */
enum { RM_EXPECT_CAPACITY_HELD = 1u << 0 };

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
  int n_specs;
  rm_customer_spec *specs;
  rm_limits limits;
  rs_time_t heartbeat_interval; /* 60 s */
  unsigned expect;        /* RM_EXPECT_* bits */
} rm_scenario;

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
