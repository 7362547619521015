/*
 * rm_essentials: a customer's Essentials server in service provider mode.
 * It manages at most 30 servers and 500 clients (the loader refuses a
 * customer that its Essentials servers cannot hold), which hand it their data
 * over the customer's LAN; it queues (100 MB, assumed) and forwards to its
 * primary gateway over the site's internet link, failing over to its backup
 * after 3 retries and failing back (rm_uplink's rules).
 */
#include <stdio.h>
#include <string.h>

#include "rm_group.h"

int rm_essentials_init(rm_essentials *es, rm_group *g, int64_t id, const char *name, const rm_customer_spec *cs,
                       int servers, int clients, int64_t first_agent) {
  const rm_params *p = g->p;
  if (rm_node_init(g, &es->node, id, name, RM_ESSENTIALS)) return -1;
  es->spec = cs;
  es->servers = servers;
  es->clients = clients;
  es->node.agents = servers + clients;
  es->node.limit = p->ess_servers + p->ess_clients;
  es->first_agent = first_agent;
  rm_spool_init(&es->node.spool, p->ess_queue);
  rm_pop_init(&es->pop, &es->node, first_agent, servers + clients);
  return 0;
}

void rm_essentials_wire(rm_essentials *es, rm_group *g) {
  rm_uplink_init(&es->up, &es->node, es->targets, es->targets[1] ? 2 : 1, &g->p->site, 1.0,
                 (rs_time_t)(rs_stream_id(es->node.name) % (uint64_t)g->p->flush_every));
}

bool rm_essentials_over(const rm_essentials *es, const rm_params *p) {
  return es->servers > p->ess_servers || es->clients > p->ess_clients;
}

bool rm_essentials_of(const rm_essentials *es, const char *customer) {
  size_t pl = strlen(es->spec->prefix);
  char k[16];
  if (strncmp(customer, es->spec->prefix, pl) != 0 || customer[pl] != '-') return false;
  snprintf(k, sizeof k, "%d", es->nth + 1);
  return strcmp(customer + pl + 1, k) == 0;
}
