/*
 * rm_plan_hosts: the hosts to buy for a planned design (romsim plan
 * --hosts MODEL[xN] [--survive host]; docs/plan-and-sweep.md "Hosts").
 *
 * Every server of the design is virtual: the RMS and SQL clusters' nodes,
 * the management servers and the gateways, each on its role's model. For a
 * number of hosts H, from the least that could hold them up:
 *  1. placement: the clusters' nodes, then the management servers, then
 *     the gateways, the busiest first within each, each on the host asked
 *     for the fewest processors so far where its memory fits and its
 *     cluster's other node is not (ties: the first host);
 *  2. backups and failovers, host by host: the Essentials servers whose
 *     primary is on host h, largest first, each backed up by the gateway on
 *     another host with the most room left were h lost, on the primary's
 *     management server when one there has room; then the gateways off h
 *     whose management server is on h, busiest first, each failing over to
 *     the management server on another host with the most room left. So no
 *     customer's primary and backup, and no management server and a
 *     failover of its gateways, share a host;
 *  3. the check: with nothing failed, with each single failure the design
 *     survives, and (surviving a host) with each host lost, every gateway
 *     and management server within its limit, every Essentials server with
 *     a gateway up, every gateway with a management server, and each host
 *     up asked for at most the processor threshold of its processors and
 *     committed at most its memory.
 * A host's loss fails several gateways at once, whose customers may need
 * more room than a design for single failures keeps spare: each H is tried
 * with 0, 1, ... spare gateways more (each on the management server with
 * fewest gateways), up to as many as the design has. The first H (and the
 * fewest spares) that holds is the answer; given N hosts, the answer is N,
 * held or not (and why not, without spares).
 *
 * A server's processors asked are its model's demand at its load
 * (rm_hw_demand_of: agents carried, and their data, MSIT's reference rate a
 * second), at most its own processors; a cluster's node is asked for the
 * group's whole load, whichever node is active.
 */
#ifndef RM_PLAN_HOSTS_H
#define RM_PLAN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "rm_hw.h"
#include "rm_plan.h"

typedef struct {
  const rm_hw_spec *hw;       /* the servers' models, the SQL profile and the thresholds */
  const rm_hw_model *host;    /* the hosts' model */
  int count;                  /* hosts given (MODELxN), 0: the fewest that hold */
  bool survive_host;          /* any one host lost */
} rm_plan_hosts_input;

typedef struct {
  rm_plan_design d;           /* the design placed: the plan's, with `extra` spare gateways more (its
                                 backup and gw_failover NULL: below) */
  int extra;
  int n_hosts;
  int n_vms;                  /* rms-1, rms-2, sql-1, sql-2, the management servers, the gateways */
  int *vm_host;               /* per virtual server: its host */
  double *vm_ask;             /* per virtual server: processors asked, nothing failed */
  int64_t *host_memory;       /* per host: memory committed */
  double *host_ask;           /* per host: processors asked, nothing failed */
  double *host_worst;         /* per host: the most asked of it in any failure checked */
  int *host_worst_by;         /* and which host's loss asked it (-1: nothing failed or a server's failure) */
  int *backup;                /* per Essentials server: its backup gateway (-1: none) */
  int *gw_failover;           /* per gateway: its failover management server (-1: none) */
  bool held;                  /* the hosts hold (always, when the fewest were searched) */
  int fewer;                  /* the hosts tried one fewer (0: none was) */
  char why_fewer[600];        /* why those did not hold, or why the given count does not */
} rm_plan_hosts;

/* Place design d (of plan pl for in, surviving s) on hosts. Returns 0, or -1
 * with a message in err (no count of hosts holds: a server larger than a
 * host, or memory ran out). */
int rm_plan_hosts_make(rm_plan_hosts *ph, const rm_plan *pl, const rm_plan_input *in, rm_survive s,
                       const rm_plan_hosts_input *hi, char *err, size_t errlen);

void rm_plan_hosts_free(rm_plan_hosts *ph);

/* Virtual server v of design d: rms-1, rms-2, sql-1, sql-2, ms-K, gw-K. */
void rm_plan_hosts_vm_name(const rm_plan_design *d, int v, char *buf, size_t n);

#endif
