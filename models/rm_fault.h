/*
 * rm_fault: the timeline of faults of a run.
 *
 * Every fault of the scenario (and every line of a replayed outage, which
 * the loader turns into faults too) becomes steps: at a time, an action on
 * a set of nodes (take down, bring back, cut or restore a link, degrade it,
 * slow the SQL store, stop or start health services). Random failures drawn
 * from each node's (or host's) stream add their own steps. A step on a host
 * acts on every server it runs at once, and says so in the story. All steps are kept in one
 * list, sorted by time and then by the order they were written, and run by
 * one event, so a fault written in a scenario and the same change replayed
 * from a file act identically.
 */
#ifndef RM_FAULT_H
#define RM_FAULT_H

#include "rm_node.h"
#include "rm_scenario.h"
#include "rs_sim.h"

typedef enum {
  RM_ACT_NODE_DOWN, RM_ACT_NODE_UP, RM_ACT_LINK_DOWN, RM_ACT_LINK_UP, RM_ACT_DEGRADE, RM_ACT_UNDEGRADE,
  RM_ACT_SQL_SLOW, RM_ACT_SQL_NORMAL, RM_ACT_HEALTH_STOP, RM_ACT_HEALTH_START, RM_ACT_MAINT_ON, RM_ACT_MAINT_OFF,
  RM_ACT_STORM_ON, RM_ACT_STORM_OFF,
  RM_ACT_ALL_UP /* a replayed "up" of a node: back to normal, whatever was wrong */
} rm_action;

/* What a fault holds a node in. */
enum { RM_HOLD_DOWN, RM_HOLD_CUT, RM_HOLD_DEGRADE, RM_HOLD_HEALTH, RM_HOLD_SLOW, RM_HOLD_MAINT, RM_HOLD_STORM };

typedef struct {
  rs_time_t t;
  int fault;                /* index of its fault in the scenario, -1 for a random failure */
  int holder;               /* who holds the nodes: the fault, or the random failure (negative) */
  rm_action action;
  int first, n;             /* its nodes: targets[first .. first + n) */
  int host;                 /* its nodes are every server of this host (index in the scenario's hosts), going
                               down or coming back with it; -1 when they are not a host's */
  rs_time_t repair;         /* a random failure: how long until it is repaired */
} rm_step;

/* Phases of a fault: from its first step to its last (its recovery). */
typedef struct {
  rs_time_t start, end;     /* end RS_TIME_MAX when it is never repaired */
  int n_nodes;              /* nodes (or links) it acts on */
} rm_fault_window;

typedef struct {
  rm_step *steps;
  int n_steps, cap_steps;
  int next;                 /* the next step to run */
  rm_node **targets;
  int n_targets, cap_targets;
  rm_fault_window *windows; /* one per scenario fault */
  int n_windows;
  rs_time_t replay_start, replay_end; /* a replayed outage's first and last line, -1 */
  rs_time_t replay_last;    /* the last replayed line run so far, -1 */
  bool replay_live;         /* its lines are a live session's (sc->replay_live) */
  int64_t random_failures;  /* drawn */
  int64_t active_holds;     /* holds in force now, on every node */
  rs_event ev;
} rm_timeline;

/* Build the timeline of g's scenario: resolve targets and selectors, draw
 * random times, subsets and random failures. Returns 0, or -1 with a
 * message in err.
 *
 * Faults nest: each holds its nodes (down, cut off, degraded, stopped,
 * slowed) from its start to its end, and a node is in a state while any
 * fault holds it there. Overlapping degradations add up (latency added,
 * the lowest bandwidth, losses combined); the slowest SQL factor wins. A
 * replayed "up" releases every hold on its target: back to normal. */
int rm_timeline_build(rm_timeline *tl, rm_group *g, char *err, size_t errlen);

/* The scenario's fault f (its last) was added while the run goes on: a
 * line of a live session (romsim serve), a step later than now. Its steps
 * join the timeline where the same line replayed from the start would
 * have put them: after the scenario's steps and earlier lines at the same
 * time, before random failures. Returns 0, or -1 with a message in err
 * and the timeline as it was (the caller takes the fault back). */
int rm_timeline_add(rm_timeline *tl, rm_group *g, int f, char *err, size_t errlen);

/* Whether a fault of the scenario is under way at t: it has begun and has a
 * step still to come (at t or later), as a flap between two of its flaps or
 * a rolling restart between two of its nodes, when it may hold nothing. A
 * replayed outage is one sequence, under way from its first line to its
 * last; a live session's lines (sc->replay_live) are not known before they
 * come, so they make nothing under way beyond what they hold. A fault
 * never repaired has no step to come once it has begun. */
bool rm_timeline_under_way(const rm_timeline *tl, rs_time_t t);

/* Whether a replayed line holds a node in some state now (down, cut,
 * degraded, in a storm, ...): a look at every node's holds. */
bool rm_timeline_replay_holds(const rm_group *g);

/* Schedule the first step. */
void rm_timeline_start(rm_timeline *tl, rm_group *g);

void rm_timeline_free(rm_timeline *tl);

/* Record every fault (and random failure drawn) in the results file's
 * faults table: name, kind, start, end and what it acted on. Returns 0 or
 * -1. */
int rm_timeline_record(const rm_timeline *tl, rm_group *g);

#endif
