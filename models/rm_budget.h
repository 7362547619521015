/*
 * rm_budget: the memory a run of a scenario needs, estimated before its
 * group is built.
 *
 * A scenario that validates may still need more memory than the machine
 * has: ten million agents take about 6 GB before the first event, a
 * million faults on every agent take a step and a target each, and random
 * failures drawn every microsecond grow the timeline without end. The
 * estimate adds up, from the scenario alone (docs/scenarios.md gives the
 * formulas):
 *   - the group: each agent, Essentials server, gateway and management
 *     server as built (their structures, names, watchers, failover lists,
 *     and the backup placement's table of gateways by gateways);
 *   - the scenario as loaded (its text, faults and lists of names);
 *   - the timeline: every fault's steps and the nodes it acts on, and the
 *     random failures expected;
 *   - what grows while it runs: a mark per sample and per step, the logs
 *     each step adds (connections lost, outages, the story), and the data
 *     queued behind each fault for as long as it holds (a sender's queue
 *     holds a few chunks per second of data until it is full).
 * It is an estimate, meant to be above what a run takes (by 7 % to 1.8
 * times on the runs measured), not a bound on it.
 */
#ifndef RM_BUDGET_H
#define RM_BUDGET_H

#include <stdint.h>

#include "rm_scenario.h"

typedef struct {
  double group;             /* bytes: the nodes as built */
  double scenario;          /* the scenario as loaded */
  double timeline;          /* fault steps, their nodes, random failures */
  double growth;            /* while it runs: samples, logs, data queued */
  double fixed;             /* the process itself: program, libraries, caches */
  double total;             /* the sum */
  double random_failures;   /* expected over the run */
} rm_budget;

/* The estimate for a run of sc lasting duration. */
void rm_budget_estimate(const rm_scenario *sc, rs_time_t duration, rm_budget *b);

/* Bytes the loader holds at most while it reads a scenario of text_len
 * bytes (its YAML document), as a sweep reads it again for each run. */
double rm_budget_parse(size_t text_len);

#endif
