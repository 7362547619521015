/*
 * rm_plan: the smallest design that holds a set of customers.
 *
 * First, each customer gets as many Essentials servers as their limit (30
 * servers + 500 clients) needs, its computers split as the scenario splits
 * them (rm_ess_split): one, unless it is larger. Each Essentials server is
 * then a unit placed whole. Three answers, each a step further than the last:
 *  1. the deployment guide's arithmetic: agents / limit, rounded up;
 *  2. whole Essentials servers: an Essentials server reports to one
 *     gateway, so they (with one each, the customers) are packed whole onto
 *     gateways;
 *  3. a design that survives the chosen single failures (any one gateway,
 *     any one management server, or either) with every survivor within its
 *     limits, with the primary and backup assignments that make it so.
 *
 * The search takes the fewest servers in all (management servers and
 * gateways), and of designs with as many, the fewest management servers;
 * it says when one more management server would take fewer gateways. For
 * each count it tries four placements: Essentials servers largest
 * first onto the least loaded gateway (balanced) or first-fit decreasing
 * (packed tight, the rest of the gateways spare), and gateways largest
 * first onto the least loaded management server or first-fit (the rest
 * spare); spare gateways go round the servers. No design is taken with
 * fewer gateways than first-fit decreasing needs for whole Essentials servers.
 * Large groups (over 100 Essentials servers) gallop and bisect on the gateway
 * count, and take the counts of management servers from the one that holds
 * the fewest gateways' placement up (galloping first), then down, each
 * bounded by the best so far; no count is tried below what bin packing's
 * lower bounds allow. Backups and failovers are then chosen greedily: a failed gateway's
 * Essentials servers, largest first,
 * each go to the gateway with the most room, on the same management server
 * when one has room (so no agents move between management servers); a
 * failed management server's gateways, largest first, each go to the
 * management server with the most room. A design is kept only when every
 * single failure of the chosen kinds leaves every node within its limit.
 */
#ifndef RM_PLAN_H
#define RM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The failures a design must survive, one at a time. */
typedef enum { RM_SURVIVE_NONE, RM_SURVIVE_GATEWAY, RM_SURVIVE_MS, RM_SURVIVE_EITHER, RM_SURVIVE_KINDS } rm_survive;

/* "none", "gateway", "management_server", "either"; and back (-1: unknown;
 * "ms" is taken for management_server). */
const char *rm_survive_name(rm_survive s);
int rm_survive_parse(const char *s);

/* A line of customers of one shape, as in a scenario. */
typedef struct {
  char *name;               /* prefix: customers are NAME-1, NAME-2, ... */
  int count;
  int servers, clients;
  int essentials;           /* Essentials servers per customer, as a scenario's essentials:;
                               0: the fewest that hold it */
} rm_plan_line;

typedef struct {
  int n_lines;
  rm_plan_line *lines;
  int ms_limit, gw_limit;   /* agents per management server and per gateway */
  int ess_servers, ess_clients; /* per Essentials server: a customer over them gets several */
} rm_plan_input;

/* A design: where every Essentials server and gateway goes. */
typedef struct {
  int n_ms, n_gw, n_ess;
  int *primary;             /* per Essentials server: its gateway */
  int *backup;              /* per Essentials server: its backup gateway, -1: left to the model */
  int *gw_ms;               /* per gateway: its management server */
  int *gw_failover;         /* per gateway: its failover server, -1: left to the model */
  int64_t *gw_load, *ms_load; /* agents carried with nothing failed */
  /* The worst single failures of the kinds survived (-1: not checked). */
  int64_t worst_gw_load;    /* the fullest gateway after a gateway fails */
  int worst_gw, worst_gw_failed;
  int64_t worst_ms_load;    /* the fullest management server after one fails */
  int worst_ms, worst_ms_failed;
} rm_plan_design;

/* The units placed are Essentials servers: a customer's one, or each of its
 * several, customer by customer (as a scenario orders them). */
typedef struct {
  int64_t agents;
  int n_cust;               /* customers */
  int n_ess;                /* Essentials servers */
  int *line_ess;            /* per line: Essentials servers per customer */
  int64_t *size;            /* per Essentials server: agents */
  int *line_of;             /* per Essentials server: its line */
  int *nth;                 /* per Essentials server: its customer, which of its line's, from 0 */
  int *part;                /* per Essentials server: which of its customer's, from 0 */
  int64_t largest;          /* the largest Essentials server */
  int n_split;              /* customers with more than one Essentials server */
  /* 1. The guide's arithmetic. */
  int arith_ms, arith_gw;
  int64_t arith_fullest;    /* whole Essentials servers on arith_gw gateways, balanced: the fullest */
  int arith_fullest_ess;    /* and how many Essentials servers it carries */
  /* 2 and 3: a design per kind of failure survived. */
  rm_plan_design design[RM_SURVIVE_KINDS];
  char why_fewer[RM_SURVIVE_KINDS][600]; /* why one gateway fewer does not hold ("" when there is no fewer to try) */
  char why_more_ms[RM_SURVIVE_KINDS][600]; /* why fewer management servers do not ("" likewise) */
  int alt_ms[RM_SURVIVE_KINDS], alt_gw[RM_SURVIVE_KINDS]; /* one more management server and the fewer
                                                             gateways it takes (0: it takes no fewer) */
} rm_plan;

/* Plan for in. Returns 0, or -1 with a message in err (a line's given
 * Essentials servers that cannot hold its customers, an Essentials server
 * larger than a gateway's or a management server's limit, or no design found
 * within the search's bounds). */
int rm_plan_make(rm_plan *pl, const rm_plan_input *in, char *err, size_t errlen);

void rm_plan_free(rm_plan *pl);

/* Essentials server i's name, the scenario's: LINE-K when its customer has
 * one, LINE-K.J when several. */
void rm_plan_ess_name(const rm_plan *pl, const rm_plan_input *in, int i, char *buf, size_t len);

/* "customer" or "customers" by n when no customer has several Essentials
 * servers, else "Essentials server(s)": the units the plan places. */
const char *rm_plan_unit(const rm_plan *pl, int64_t n);

#endif
