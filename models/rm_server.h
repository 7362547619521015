/*
 * rm_server: a server's hardware at work.
 *
 * Every node that is a server (management servers, gateways, Essentials
 * servers, the RMS and SQL cluster nodes, the web console) has one: its
 * hardware model (rm_hw), the costs of its role's work, and what that work
 * makes of the hardware. Its background demand comes from the agents it
 * serves (those it carries; the RMS and SQL serve the whole group's, on
 * their active node). The data it takes in goes through a processor-sharing
 * station (rs_station) whose speed, in bytes a second, is what the
 * background leaves of its bottleneck resource (rm_hw_byte_rate): a server
 * near saturation serves each batch more slowly, and one past it serves at
 * its capacity while its work piles up. Gateways, management servers and
 * the SQL store take their data in so; an Essentials server's data comes
 * from its own agents and is measured, not queued.
 *
 * A transfer is over when the receiver has taken its batch in: until then
 * the sender holds the data (one batch at a time), so a slow server holds
 * its senders back, and when it goes down the batch goes back to the front
 * of its sender's queue.
 */
#ifndef RM_SERVER_H
#define RM_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "rm_hw.h"
#include "rm_node.h"
#include "rs_sim.h"
#include "rs_station.h"

typedef struct rm_group rm_group;

typedef struct rm_server {
  rm_node *node;
  rm_hw_role role;
  const rm_hw_model *model;
  rm_hw_costs costs;
  bool has_station;         /* takes its data in through st */
  rs_station st;
  double agents;            /* agents its background counts now */
  double factor;            /* share of its speed faults leave it (slow_sql), 1 */
  double cpu_share;         /* share of its processors its host gives it, 1 (rm_group_share_hosts) */
  int64_t offered;          /* bytes sent to it (batches arrived at its station), all run */
  int64_t offered_at_sample;
  double wanted;            /* processors its work asked for since the last sample (its agents'
                               and the batches that arrived), whatever it got */
  double rate;              /* bytes a second it takes in now (the station's speed) */
  rm_resource bottleneck;   /* of the rate */
  rm_disk_group bottleneck_group;
  int64_t taken;            /* bytes taken in (batches completed in the station), all run */
  /* Since the last sample. */
  int64_t taken_at_sample;  /* work its station had served (an Essentials server: bytes in) then */
  int64_t in_at_sample, out_at_sample;
  rs_time_t sampled_at;
  rs_station_stats st_at_sample; /* the station's measures then */
  double busy;              /* the station's share of the time serving, since the last sample */
  bool saturated;           /* at the last sample: its station served without a break (or, with
                               none, a resource was at 100 %) */
  /* All run. */
  double util[RM_RESOURCES];        /* at the last sample */
  double disk_util[RM_DISK_GROUPS];
  double iops[RM_DISK_GROUPS];
  double peak[RM_RESOURCES];        /* highest at a sample, and when */
  rs_time_t peak_at[RM_RESOURCES];
  double peak_disk[RM_DISK_GROUPS];
  double wait_total;        /* seconds batches spent in the station, all run */
  double byte_seconds;      /* bytes x seconds they spent in the station, all run (their
                               mean held is this over the run's length: Little's law) */
  int64_t waits;            /* batches taken in, all run */
} rm_server;

/* Prepare s for node n of hardware role r in g (its model from the
 * scenario's hardware, by role and name); gateways, management servers and
 * SQL nodes get a station. Returns 0, or -1 when memory ran out. */
int rm_server_init(rm_server *s, rm_group *g, rm_node *n, rm_hw_role r);
void rm_server_free(rm_server *s);

/* The agents its background counts changed, or its speed factor: the
 * station's speed follows. */
void rm_server_set_agents(rm_server *s, double agents);
void rm_server_set_factor(rm_server *s, double factor);

/* A virtual server's share of its processors (0 < share <= 1) while its
 * host's processors are asked for more than they have: its processors
 * count as that share of them. */
void rm_server_set_cpu_share(rm_server *s, double share);

/* A transfer of `bytes` arrived: job (its sender's rm_uplink's, data the
 * uplink) goes into the station, and rm_uplink_taken_in is called when it
 * is served. Returns 0, or -1 when the station would not take it (the
 * caller hands the data over at once). */
int rm_server_submit(rm_server *s, rs_station_job *job, int64_t bytes);

/* The server went down: every batch in its station goes back to its
 * sender (rm_uplink_give_back). */
void rm_server_return_all(rm_server *s);

/* Measure the server since the last sample (at now): utilization of each
 * resource into s->util and the disk groups' into s->disk_util and
 * s->iops, peaks kept; whether it is saturated. queued: the bytes it holds
 * (its queue, for memory). Returns 1 when it became saturated, -1 when it
 * no longer is, else 0. */
int rm_server_sample(rm_server *s, rs_time_t now, int64_t queued);

/* Say why s is saturated: "its disks (dw_data) take in at most 140 KB/s
 * beside its 4000 agents' own work" or "its processors are at 120 %". */
char *rm_server_why(const rm_server *s, char *buf, size_t n);

/* The mean time a batch spent in the station, seconds, all run (0: none). */
double rm_server_mean_wait(const rm_server *s);

/* Of servers v[0..n) of hardware role `role` (-1: all), the one whose peak
 * utilization of a resource is highest against that resource's threshold
 * (the hottest resource of the hottest server, the bottleneck), and which
 * resource (*resource). NULL when there is none. */
const rm_server *rm_server_hottest(const rm_server *v, int n, int role, const double threshold[RM_RESOURCES],
                                   int *resource);

#endif
