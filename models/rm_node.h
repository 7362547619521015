/* rm_node: what every node of a management group has. */
#ifndef RM_NODE_H
#define RM_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "rs_time.h"

typedef enum { RM_MS, RM_GATEWAY, RM_ESSENTIALS, RM_AGENT, RM_ROLE_COUNT } rm_role;

/* What every node has. */
typedef struct rm_node {
  int64_t id;               /* id in the results file */
  char *name;
  rm_role role;
  struct rm_node *parent;   /* where it reports now (NULL for a management server) */
  int64_t agents;           /* agents it carries, counting those behind it */
  int64_t limit;            /* its agent limit, 0 when it has none */
  int64_t peak_agents;      /* largest agents seen at a sample */
  rs_time_t peak_time;      /* when it was first seen */
  uint64_t heartbeats;      /* heartbeats that passed through it, all run */
  uint64_t heartbeats_at_sample; /* the same at the last sample */
  bool over_limit;          /* over its limit at the last sample */
  rs_time_t over_since;     /* when it last went over */
  rs_time_t over_total;     /* time spent over, counted sample to sample */
} rm_node;

/* The role's name as stored in the results file. */
const char *rm_role_name(rm_role r);

#endif
