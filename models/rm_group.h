/*
 * rm_group: a management group built from a scenario and wired to an engine.
 *
 * The group holds every node of the scenario: management servers, gateways,
 * each customer's Essentials server and its agents. It places customers on
 * gateways and gateways on management servers, schedules the agents'
 * heartbeats and the sampler, records nodes, samples and events to the
 * results file, and judges the scenario's expectations when the run ends.
 */
#ifndef RM_GROUP_H
#define RM_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_agent.h"
#include "rm_node.h"
#include "rm_scenario.h"
#include "rs_results.h"
#include "rs_rng.h"
#include "rs_sim.h"

/* An Essentials server: one per customer. */
typedef struct {
  rm_node node;
  const rm_customer_spec *spec; /* the scenario line it comes from */
  int servers, clients;     /* computers it manages */
  rm_node *primary;         /* gateways; backup may be NULL */
  rm_node *backup;
} rm_essentials;

typedef struct {
  const char *name;
  bool held;
  char detail[512];
} rm_verdict;

typedef struct rm_group {
  const rm_scenario *sc;
  rs_sim *sim;
  rs_results *res;          /* may be NULL: nothing is recorded */
  rm_node *ms;
  int n_ms;
  rm_node *gw;
  int n_gw;
  rm_essentials *ess;
  int n_ess;
  rm_agent *agents;
  int64_t n_agents;
  rs_event sampler;
  int64_t limit_events;     /* limits crossed, all nodes */
  int error;                /* a recording failed: the run stops */
  char errmsg[256];
  rm_verdict verdicts[8];
  int n_verdicts;
} rm_group;

/*
 * Build the group for sc on sim and record its nodes in res (NULL: record
 * nothing). Returns 0, or -1 with a message in err.
 */
int rm_group_build(rm_group *g, const rm_scenario *sc, rs_sim *sim, rs_results *res, char *err, size_t errlen);

/* Schedule the heartbeats and the sampler from time 0. */
void rm_group_start(rm_group *g);

/* Judge the expectations at the end of the run (time end) and record them.
 * Returns the number that failed. */
int rm_group_judge(rm_group *g, rs_time_t end);

void rm_group_free(rm_group *g);

/* The node with the highest peak of a role (NULL when the role has none). */
const rm_node *rm_group_peak(const rm_group *g, rm_role r);

#endif
