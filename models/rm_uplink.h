/*
 * rm_uplink: a sender's connection to its parent, and the data it sends.
 *
 * Essentials servers, gateways and management servers each hold one. The
 * connection follows OpsMgr's rules: on loss the sender retries its primary
 * (`retries` times, every `retry_interval`), then connects to the next
 * parent of its failover list (taking `connect_time`); while failed over it
 * retries the primary every `failback_every` and fails back as soon as it
 * answers. A retry that finds its parent up connects at once; connecting
 * to a failover parent succeeds only if the parent and the link were up
 * for the whole attempt.
 *
 * Data goes out in transfers: every `flush_every` the sender sends what it
 * holds, up to `max_batch` bytes; after a full batch it sends the next at
 * once, so a backlog drains back to back. The flushes come at the sender's
 * start plus its phase plus multiples of `flush_every`, while it holds
 * data (or its agents' population has members, whose ticks bring data all
 * the time): a sender that holds nothing has no timer, and data arriving
 * wakes it for the next of those times (rm_uplink_wake). A transfer of B bytes takes
 * B x wire / rate + latency, where the rate is the link's bandwidth times
 * its availability, and no more than the receiver's network interface
 * divided among the senders connected to it, nor, on a lossy link, TCP's
 * throughput under that loss (rm_tcp_rate); then, at a receiver with a
 * station (rm_server: gateways, management servers, the SQL store), the
 * time its hardware takes to take the batch in, shared with the other
 * senders' batches. Data is handed over when the transfer ends; a
 * transfer cut by a failure puts its data back at the front of the
 * sender's queue. A transfer in flight when its link is degraded or
 * restored sends the rest of its bytes at the new rate.
 */
#ifndef RM_UPLINK_H
#define RM_UPLINK_H

#include "rm_node.h"
#include "rm_scenario.h"
#include "rs_rng.h"
#include "rs_sim.h"
#include "rs_station.h"

typedef enum {
  RM_UL_OFF,        /* the sender is down */
  RM_UL_CONNECTED,
  RM_UL_RETRYING,   /* retrying its primary after a loss */
  RM_UL_CONNECTING  /* connecting to a failover parent */
} rm_ul_state;

#define RM_UL_BATCH_CHUNKS 256

struct rm_uplink {
  rm_node *owner;
  rm_node **targets;        /* [0] is the primary */
  int n_targets;
  int cur;                  /* the target connected, or being tried */
  bool shuffle;             /* failover parents tried in a random order (else as listed) */
  rs_rng rng;               /* that order's stream, the sender's own */
  rm_ul_state state;
  int retries;              /* failed retries of the primary this round */
  bool attempt_broken;      /* connecting: the path went down since the attempt began */
  rs_time_t lost_at;        /* when the connection was lost; -1 while none is */
  int64_t outage;           /* that outage in the measure's log (rm_measure_link_lost), -1 */
  const rm_link_params *link;
  double wire;              /* bytes on the wire per byte of data */
  bool link_down;           /* the link is cut: no parent can be reached */
  rs_time_t extra_latency;  /* a degraded link: latency added */
  double bandwidth;         /* a degraded link: its bandwidth (0: the link's own) */
  double loss;              /* a degraded link: share of packets lost, 0..1 */
  rs_event timer;           /* retries, connecting, failback checks */
  rs_event flush;
  rs_event done;            /* the transfer in flight ends */
  rs_time_t flush_phase;
  rs_time_t flush_base;     /* its first flush since it started: flushes come at
                               flush_base + k x flush_every */
  rs_time_t flushed_at;     /* when its flush last ran (-1: never) */
  bool busy;
  /* The transfer in flight: wire bytes still to send as of xfer_t0, at
   * xfer_rate (0: stalled, it ends only if the rate changes), then the
   * latency. Re-timed when the link changes. */
  rs_time_t xfer_t0;
  double xfer_wire_left;
  double xfer_rate;
  rs_time_t xfer_latency;
  rs_station_job job;       /* the transfer arrived, in the receiver's station (rm_server) */
  int n_inflight;
  int64_t inflight_bytes;
  rm_chunk inflight[RM_UL_BATCH_CHUNKS];
  uint8_t inflight_prio[RM_UL_BATCH_CHUNKS];
  /* What happened, all run. */
  int64_t losses, failovers, failbacks;
  rs_time_t worst_reconnect;   /* longest time from a loss to connected */
  rs_time_t worst_lost_at;     /* when that loss began */
};

/* Prepare u for owner with its parents (targets[0] the primary). The
 * uplink keeps the targets array. */
void rm_uplink_init(rm_uplink *u, rm_node *owner, rm_node **targets, int n, const rm_link_params *link,
                    double wire, rs_time_t flush_phase);

/* Try the failover parents in a random order, drawn afresh each time the
 * primary is given up, from a stream of the scenario's seed and the
 * sender's name (OpsMgr's default: a failover server chosen at random
 * among the list); without it, in the order listed. */
void rm_uplink_shuffle(rm_uplink *u, uint64_t seed);

/* The owner is up: connect to the primary, or begin retrying. */
void rm_uplink_start(rm_uplink *u);

/* The owner went down: drop the connection, put back the data in flight,
 * stop every timer. */
void rm_uplink_stop(rm_uplink *u);

/* A target of u went down or stopped answering: if u was connected or
 * connecting to it, the connection is lost. */
void rm_uplink_target_lost(rm_uplink *u, const rm_node *target);

/* The link is cut (the connection is lost, and no parent answers until it
 * is back), or back. */
void rm_uplink_link_down(rm_uplink *u);
void rm_uplink_link_up(rm_uplink *u);

/* The link is degraded: latency added, bandwidth (0: unchanged), packet loss
 * (0..1, which caps a transfer's rate at rm_tcp_rate); rm_uplink_degrade(u,
 * 0, 0, 0) restores it. The transfer in flight, if any, sends the rest of
 * its bytes at the new rate. */
void rm_uplink_degrade(rm_uplink *u, rs_time_t extra_latency, double bandwidth, double loss);

/* The throughput in bytes per second of one TCP connection with round-trip
 * time rtt (seconds) and packet loss p (0..1), by Padhye, Firoiu, Towsley
 * and Kurose (1998), "Modeling TCP Throughput: A Simple Model and its
 * Empirical Validation", eq. (32), with timeouts:
 *   B(p) = 1 / (RTT sqrt(2bp/3) + T0 min(1, 3 sqrt(3bp/8)) p (1 + 32 p^2))
 * packets a second, b = 2 (delayed ACKs), T0 = max(1 s, 3 RTT) (RFC 6298's
 * first timeout), times 1460-byte segments and the share 1 - p that
 * arrives. 0 when p >= 1; unbounded (HUGE_VAL) when p <= 0. */
double rm_tcp_rate(double rtt, double p);

/* The room a receiver has for more data: its queue's capacity less what it
 * holds, what is on its way to it (or in its station, not yet taken in)
 * and what it is sending itself (which
 * comes back if that transfer fails). INT64_MAX when its queue has no
 * limit. A sender never hands a receiver more than this, so a full queue
 * holds its senders back, tier by tier down to the agents. */
static inline int64_t rm_room(const rm_node *to) {
  if (to->spool.capacity <= 0) return INT64_MAX;
  int64_t room = to->spool.capacity - to->spool.bytes - to->incoming - (to->up ? to->up->inflight_bytes : 0);
  return room > 0 ? room : 0;
}

/* The receiver has taken in the transfer in flight (its station served
 * it): hand the data over. */
void rm_uplink_taken_in(rm_uplink *u);

/* The receiver went down with the transfer in its station: the data goes
 * back to the front of the sender's queue. */
void rm_uplink_give_back(rm_uplink *u);

/* Data arrived in u's owner's queue: its next flush is due, at the first
 * of its flush times at or after now (after, if the flush ran at this
 * instant already), unless one is pending (or the owner is down): where a
 * flush that ran every flush_every whatever it held would have found the
 * data. */
void rm_uplink_wake(rm_uplink *u);

/* The time from the current loss to now, or 0 when connected. */
rs_time_t rm_uplink_outage(const rm_uplink *u, rs_time_t now);

#endif
