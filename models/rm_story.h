/*
 * rm_story: the story of a run, in simulated time.
 *
 * The group's events pass through here on their way to the results file;
 * the ones a person reading the run wants (each fault, its detection, each
 * failover and failback, the clusters, alerts, drops, limits crossed and
 * recovered, backlogs drained) become lines, events of one kind and role
 * within a minute folded into one line with their count and the agents
 * they moved.
 * Fault lines carry the figures at that moment: bytes queued and lost so
 * far. The summary prints the story, and the results file keeps it as
 * events of kind "timeline".
 */
#ifndef RM_STORY_H
#define RM_STORY_H

#include <stdint.h>
#include <stdio.h>

#include "rs_time.h"

typedef struct rm_group rm_group;
typedef struct rm_node rm_node;

typedef struct {
  rs_time_t t;              /* its first event's time */
  rs_time_t last;           /* its latest event's time (the figures are of then) */
  const char *kind;         /* a static string */
  int role;                 /* the role of its nodes (lines fold by kind and role), -1 */
  int64_t count;            /* events folded into it */
  int64_t agents;           /* agents they concern */
  int64_t queued, lost;     /* figures at the time, -1 when not shown */
  char first[160];          /* the first event's detail */
} rm_story_line;

typedef struct {
  rm_story_line *lines;
  int64_t n, cap;
} rm_story;

/* An event of the group, dated t, with the bytes queued and lost so far at
 * t (queued -1: take them now): keep it in the story if it belongs there.
 * The lines stay in time order: an event dated before the last line (one
 * noticed after it happened, as a queue that stopped dropping) goes in its
 * place. */
void rm_story_note(rm_group *g, rs_time_t t, const rm_node *n, const char *kind, const char *detail,
                   int64_t queued, int64_t lost);

/* Write line i as text ("HH:MM:SS  ...") into buf. */
char *rm_story_format(const rm_group *g, int64_t i, char *buf, size_t n);

/* Record every line as an event of kind "timeline". Returns 0 or -1. */
int rm_story_record(rm_group *g);

void rm_story_free(rm_story *s);

#endif
