/*
 * rm_mgmt_server: a management server. It carries at most 2000 agents,
 * those behind its gateways included; it takes data in as its hardware
 * allows (rm_server); it queues
 * (about 100 MB) and writes to the SQL store, whose failover it waits out
 * by retrying every retry interval. Its sending is rm_uplink's.
 */
#include <stdlib.h>

#include "rm_group.h"

int rm_ms_init(rm_forwarder *ms, rm_group *g, int64_t id, const char *name) {
  const rm_params *p = g->p;
  if (rm_node_init(g, &ms->node, id, name, RM_MS)) return -1;
  ms->node.limit = p->ms_agents;
  rm_spool_init(&ms->node.spool, p->ms_queue);
  ms->targets = malloc(sizeof *ms->targets);
  if (!ms->targets) return -1;
  ms->targets[0] = &g->sql.node;
  rm_uplink_init(&ms->up, &ms->node, ms->targets, 1, &p->sql_link, 1.0,
                 (rs_time_t)(rs_stream_id(name) % (uint64_t)p->flush_every));
  return 0;
}
