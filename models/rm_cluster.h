/*
 * rm_cluster: an active/passive cluster of two nodes, for the RMS and the
 * SQL store. The cluster is a node of its own (what others talk to) with its
 * two members as children. When the active member fails and the passive one
 * is up, the cluster is failing over for its failover time, then up on the
 * other member; when both are down it is down, and when a member comes back
 * it fails over onto it (a failover too, counted as one). Failback is off:
 * the cluster stays where it is.
 */
#ifndef RM_CLUSTER_H
#define RM_CLUSTER_H

#include "rm_node.h"
#include "rs_sim.h"

typedef struct {
  rm_node node;             /* the service */
  rm_node member[2];
  int active;               /* the member serving, or about to */
  rs_time_t failover_time;
  rs_event done;            /* the failover ends */
  int64_t failovers;        /* failovers begun (its cluster_failover events): onto
                               the other member when the active one failed, and
                               onto a member back after both were down */
} rm_cluster;

void rm_cluster_init(rm_cluster *c, rs_time_t failover_time);

/* Member k went down, or came back. */
void rm_cluster_member_down(rm_cluster *c, rs_sim *sim, int k);
void rm_cluster_member_up(rm_cluster *c, rs_sim *sim, int k);

#endif
