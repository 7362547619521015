/*
 * rm_gateway: an internet-facing gateway. It carries at most 530 agents
 * (its customers' Essentials servers'), takes data in as its hardware
 * allows (rm_server), queues about 100 MB, and sends to its primary
 * management server, compressed to half, failing over along its failover
 * list (rm_uplink's rules).
 */
#include "rm_group.h"

int rm_gateway_init(rm_forwarder *gw, rm_group *g, int64_t id, const char *name) {
  const rm_params *p = g->p;
  if (rm_node_init(g, &gw->node, id, name, RM_GATEWAY)) return -1;
  gw->node.limit = p->gw_agents;
  rm_spool_init(&gw->node.spool, p->gw_queue);
  return 0;
}

void rm_gateway_wire(rm_forwarder *gw, rm_group *g, int n) {
  rm_uplink_init(&gw->up, &gw->node, gw->targets, n, &g->p->gw_link, 1.0 - g->p->gw_compression,
                 (rs_time_t)(rs_stream_id(gw->node.name) % (uint64_t)g->p->flush_every));
  if (!g->sc->gw_failover_ordered) rm_uplink_shuffle(&gw->up, g->sc->seed);
}
