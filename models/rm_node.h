/* rm_node: what every node of a management group has. */
#ifndef RM_NODE_H
#define RM_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_spool.h"
#include "rs_time.h"

typedef enum {
  RM_MS,          /* management server */
  RM_GATEWAY,     /* internet-facing gateway */
  RM_ESSENTIALS,  /* a customer's Essentials server */
  RM_AGENT,       /* a Windows server or client */
  RM_RMS,         /* the RMS cluster, as one service */
  RM_SQL,         /* the SQL cluster, as one store */
  RM_RMS_NODE,    /* a node of the RMS cluster */
  RM_SQL_NODE,    /* a node of the SQL cluster */
  RM_WEB,         /* the web console server */
  RM_ROLE_COUNT
} rm_role;

/* As sampled: 0 up, 1 down, 2 failing over (a cluster between nodes, or a
 * sender that has lost its parent and is retrying or connecting). */
typedef enum { RM_UP = 0, RM_DOWN = 1, RM_FAILING_OVER = 2 } rm_state;

typedef struct rm_group rm_group;

/* A fault holding a node in a state (down, cut off, degraded, ...): the
 * node stays so while any fault holds it. */
typedef struct {
  int holder;               /* the fault (its index), or a random failure (negative) */
  uint8_t what;             /* RM_HOLD_* (rm_fault.h) */
} rm_hold;
typedef struct rm_uplink rm_uplink;
typedef struct rm_server rm_server;

/* After rm_role: rm_measure.h declares functions that take one. */
#include "rm_measure.h"

typedef struct rm_node {
  rm_group *group;          /* (the fields read most come first) */
  rm_state state;           /* its own state (a sender's connection is in up) */
  rm_role role;
  struct rm_node *parent;   /* where it reports now; NULL while not connected */
  rm_spool spool;           /* data waiting to go upstream */
  rm_uplink *up;            /* its connection upstream, NULL when it has none */
  int64_t id;               /* id in the results file */
  char *name;
  double capacity;          /* bytes per second it takes in, shared by its
                               connections; 0: no limit */
  int connections;          /* senders connected to it now */
  int64_t incoming;         /* bytes in transfers to it, not yet arrived */
  rm_server *srv;           /* its hardware at work; NULL for agents and cluster services */
  rm_hold *holds;           /* faults holding it now */
  int n_holds, cap_holds;
  int64_t agents;           /* agents it carries now, counting those behind it */
  int64_t limit;            /* its agent limit, 0 when it has none */
  rm_node_measure m;        /* what the measure keeps of it (rm_measure.h) */
} rm_node;

/* The role's name as stored in the results file. */
const char *rm_role_name(rm_role r);

#endif
