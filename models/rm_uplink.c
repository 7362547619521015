/* rm_uplink: a sender's connection and transfers (see rm_uplink.h). */
#include "rm_uplink.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rm_group.h"

static void timer_cb(rs_sim *sim, rs_event *ev);
static void flush_cb(rs_sim *sim, rs_event *ev);
static void done_cb(rs_sim *sim, rs_event *ev);

void rm_uplink_init(rm_uplink *u, rm_node *owner, rm_node **targets, int n, const rm_link_params *link,
                    double wire, rs_time_t flush_phase) {
  memset(u, 0, sizeof *u);
  u->owner = owner;
  u->targets = targets;
  u->n_targets = n;
  u->link = link;
  u->wire = wire;
  u->flush_phase = flush_phase;
  u->lost_at = -1;
  u->outage = -1;
  u->flushed_at = -1;
  u->state = RM_UL_OFF;
  rs_event_init(&u->timer, timer_cb);
  rs_event_init(&u->flush, flush_cb);
  rs_event_init(&u->done, done_cb);
  rs_station_job_init(&u->job, u);
  owner->up = u;
}

void rm_uplink_shuffle(rm_uplink *u, uint64_t seed) {
  char name[600];
  snprintf(name, sizeof name, "%s/failover", u->owner->name);
  u->shuffle = true;
  rs_rng_init(&u->rng, seed, rs_stream_id(name));
}

static inline rm_group *G(rm_uplink *u) { return u->owner->group; }
static inline rs_sim *S(rm_uplink *u) { return u->owner->group->sim; }
static inline const rm_params *P(rm_uplink *u) { return u->owner->group->p; }

static bool reachable(const rm_uplink *u, const rm_node *t) { return !u->link_down && t->state == RM_UP; }

rs_time_t rm_uplink_outage(const rm_uplink *u, rs_time_t now) { return u->lost_at >= 0 ? now - u->lost_at : 0; }

/* Put the data in flight back at the front of the owner's queue. */
static void abort_transfer(rm_uplink *u) {
  if (!u->busy) return;
  rm_pop_settle(G(u), u->owner);
  rs_sim_cancel(S(u), &u->done);
  if (rs_station_job_busy(&u->job)) rs_station_cancel(u->job.station, &u->job);
  u->targets[u->cur]->incoming -= u->inflight_bytes;
  int64_t dropped = 0;
  for (int k = u->n_inflight - 1; k >= 0; k--)
    dropped += rm_spool_unshift(&u->owner->spool, u->inflight_prio[k], u->inflight[k]);
  if (dropped) rm_measure_drop(G(u), u->owner, dropped);
  u->busy = false;
  u->n_inflight = 0;
  u->inflight_bytes = 0;
  rm_uplink_wake(u);
}

void rm_uplink_wake(rm_uplink *u) {
  if (u->state == RM_UL_OFF || rs_event_pending(&u->flush)) return;
  rs_time_t now = rs_sim_now(S(u)), every = P(u)->flush_every;
  rs_time_t next = now <= u->flush_base ? u->flush_base
                                        : u->flush_base + ((now - u->flush_base + every - 1) / every) * every;
  if (next == u->flushed_at) next += every;
  rs_sim_schedule(S(u), &u->flush, next);
}

double rm_tcp_rate(double rtt, double p) {
  if (p <= 0) return HUGE_VAL;
  if (p >= 1) return 0;
  const double b = 2, mss = 1460;
  double t0 = 3 * rtt > 1 ? 3 * rtt : 1;
  double to = 3 * sqrt(3 * b * p / 8);
  double pkts = 1 / (rtt * sqrt(2 * b * p / 3) + t0 * (to < 1 ? to : 1) * p * (1 + 32 * p * p));
  return pkts * mss * (1 - p);
}

/* The rate a transfer to `to` goes at now, bytes per second (0: none). */
static double rate_now(const rm_uplink *u, const rm_node *to) {
  double bw = u->bandwidth > 0 ? u->bandwidth : u->link->bandwidth;
  double rate = bw * u->link->availability;
  if (u->loss > 0) {
    rs_time_t latency = u->link->latency + u->extra_latency;
    double rtt = 2.0 * (double)(latency > 0 ? latency : RS_MSEC) / 1e6;
    double cap = rm_tcp_rate(rtt, u->loss);
    if (cap < rate) rate = cap;
  }
  if (to->capacity > 0) {
    double share = to->capacity / (to->connections > 0 ? to->connections : 1);
    if (share < rate) rate = share;
  }
  return rate;
}

/* Schedule the end of the transfer in flight from xfer_t0: its wire bytes
 * left at its rate, then its latency. A rate too slow to end within a
 * century leaves it stalled until the rate changes. */
static void schedule_done(rm_uplink *u) {
  double us = u->xfer_rate > 0 ? ceil(u->xfer_wire_left / u->xfer_rate * 1e6) : HUGE_VAL;
  if (us > 100.0 * 365 * (double)RS_DAY) return;
  rs_sim_schedule(S(u), &u->done, u->xfer_t0 + (rs_time_t)us + u->xfer_latency);
}

/* The link changed under the transfer in flight: what it has not sent yet
 * goes at the new rate from now (once every byte is on the wire, only its
 * latency is left, and that stays). */
static void retime(rm_uplink *u) {
  if (!u->busy || rs_station_job_busy(&u->job)) return;
  rs_time_t now = rs_sim_now(S(u));
  double sent = (double)(now - u->xfer_t0) / 1e6 * u->xfer_rate;
  if (u->xfer_rate > 0 && sent >= u->xfer_wire_left) return; /* in its latency */
  rs_sim_cancel(S(u), &u->done);
  u->xfer_wire_left -= sent;
  u->xfer_t0 = now;
  u->xfer_rate = rate_now(u, u->targets[u->cur]);
  u->xfer_latency = u->link->latency + u->extra_latency;
  schedule_done(u);
}

/* Start a transfer of up to max_batch bytes. */
static void send(rm_uplink *u) {
  rm_node *to = u->targets[u->cur];
  /* A receiver takes no more than its queue has room for: when it is full,
   * data waits here, and queues back up tier by tier toward the agents. */
  int64_t max = P(u)->max_batch, room = rm_room(to);
  if (room < max) max = room;
  if (max <= 0) return;
  u->n_inflight = rm_spool_take(&u->owner->spool, max, u->inflight, u->inflight_prio, RM_UL_BATCH_CHUNKS,
                                &u->inflight_bytes);
  if (u->inflight_bytes == 0) return;
  to->incoming += u->inflight_bytes;
  u->busy = true;
  u->xfer_t0 = rs_sim_now(S(u));
  u->xfer_wire_left = ceil((double)u->inflight_bytes * u->wire);
  u->xfer_rate = rate_now(u, to);
  u->xfer_latency = u->link->latency + u->extra_latency;
  schedule_done(u);
}

/* The receiver's server: a cluster's active node. */
static rm_server *server_of(rm_uplink *u, rm_node *to) {
  rm_group *g = G(u);
  if (to == &g->sql.node) return g->sql.member[g->sql.active].srv;
  return to->srv;
}

static void finish(rm_uplink *u);

/* The transfer is on the receiver: it takes it in through its station, or
 * at once. */
static void done_cb(rs_sim *sim, rs_event *ev) {
  rm_uplink *u = RS_CONTAINER_OF(ev, rm_uplink, done);
  rm_server *s = server_of(u, u->targets[u->cur]);
  (void)sim;
  if (s && s->has_station) {
    rm_server_submit(s, &u->job, u->inflight_bytes);
    /* In the station (even when re-timing it failed: the run then stops
     * with the error), it ends when served; else it is taken in now. */
    if (rs_station_job_busy(&u->job)) return;
  }
  finish(u);
}

void rm_uplink_taken_in(rm_uplink *u) { finish(u); }

void rm_uplink_give_back(rm_uplink *u) { abort_transfer(u); }

static void finish(rm_uplink *u) {
  rm_pop_settle(G(u), u->owner); /* its agents' ticks until now are in its queue */
  rm_node *to = u->targets[u->cur];
  int64_t bytes = u->inflight_bytes;
  bool full = bytes >= P(u)->max_batch || u->n_inflight == RM_UL_BATCH_CHUNKS;
  u->busy = false;
  to->incoming -= bytes;
  rm_group_deliver(G(u), u->owner, to, u->inflight, u->inflight_prio, u->n_inflight);
  u->n_inflight = 0;
  u->inflight_bytes = 0;
  /* A full batch (in bytes or in chunks) means a backlog: drain it back to
   * back. */
  if (full && u->owner->spool.bytes > 0) send(u);
}

static void flush_cb(rs_sim *sim, rs_event *ev) {
  rm_uplink *u = RS_CONTAINER_OF(ev, rm_uplink, flush);
  rm_pop_settle(G(u), u->owner); /* its agents' ticks until now are in its queue */
  u->flushed_at = rs_sim_now(sim);
  if (u->state == RM_UL_CONNECTED && !u->busy && u->owner->spool.bytes > 0) send(u);
  /* Nothing held and no population bringing data: no timer until data
   * comes (rm_uplink_wake). */
  if (u->owner->spool.bytes > 0 || rm_pop_members(u->owner) > 0) rs_sim_schedule_in(sim, ev, P(u)->flush_every);
}

static void connect_to(rm_uplink *u, int i, const char *kind, const rm_node *from) {
  rm_node *t = u->targets[i];
  rs_time_t now = rs_sim_now(S(u));
  u->cur = i;
  u->state = RM_UL_CONNECTED;
  u->retries = 0;
  rm_group_attach(G(u), u->owner, t);
  if (u->lost_at >= 0) {
    rs_time_t took = now - u->lost_at;
    if (took > u->worst_reconnect) {
      u->worst_reconnect = took;
      u->worst_lost_at = u->lost_at;
    }
    char d[32];
    rm_group_event(G(u), u->owner, kind, "%s connected to %s, %s after losing its connection", u->owner->name,
                   t->name, rs_duration_format(took, d, sizeof d));
    u->lost_at = -1;
    rm_measure_link_back(G(u), u->outage, false);
    u->outage = -1;
  } else if (from) {
    rm_group_event(G(u), u->owner, kind, "%s fails back to %s from %s", u->owner->name, t->name, from->name);
  }
  if (i == 0 && strcmp(kind, "failback") == 0) u->failbacks++;
  if (i != 0 && strcmp(kind, "failover") == 0) u->failovers++;
  /* While on a failover parent, keep asking the primary. */
  if (i != 0) rs_sim_schedule_in(S(u), &u->timer, P(u)->failback_every);
}

static void disconnect(rm_uplink *u) {
  if (u->state == RM_UL_CONNECTED) rm_group_detach(G(u), u->owner);
  abort_transfer(u);
  rs_sim_cancel(S(u), &u->timer);
}

/* Begin retrying the primary (after a loss, or when starting finds it down). */
static void begin_retries(rm_uplink *u) {
  u->state = RM_UL_RETRYING;
  u->cur = 0;
  u->retries = 0;
  rs_sim_schedule_in(S(u), &u->timer, P(u)->retry_interval);
}

static void lose(rm_uplink *u, const char *why) {
  rm_node *t = u->targets[u->cur];
  disconnect(u);
  u->losses++;
  u->lost_at = rs_sim_now(S(u));
  u->outage = rm_measure_link_lost(G(u), u->owner, t);
  rm_group_event(G(u), u->owner, "connection_lost", "%s lost %s (%s)", u->owner->name, t->name, why);
  begin_retries(u);
}

/* Try the failover parents after index from, in order; back to the primary
 * when none is left. */
static void try_next(rm_uplink *u, int from) {
  if (from < u->n_targets) {
    u->state = RM_UL_CONNECTING;
    u->cur = from;
    u->attempt_broken = !reachable(u, u->targets[from]);
    rs_sim_schedule_in(S(u), &u->timer, P(u)->connect_time);
    return;
  }
  begin_retries(u);
}

static void timer_cb(rs_sim *sim, rs_event *ev) {
  rm_uplink *u = RS_CONTAINER_OF(ev, rm_uplink, timer);
  (void)sim;
  switch (u->state) {
  case RM_UL_CONNECTED: /* failed over: is the primary back? */
    if (reachable(u, u->targets[0])) {
      rm_node *from = u->targets[u->cur];
      rm_group_detach(G(u), u->owner);
      abort_transfer(u);
      connect_to(u, 0, "failback", from);
    } else {
      rs_sim_schedule_in(S(u), ev, P(u)->failback_every);
    }
    break;
  case RM_UL_RETRYING:
    if (reachable(u, u->targets[0])) {
      connect_to(u, 0, "reconnected", NULL);
      break;
    }
    u->retries++;
    rm_group_event(G(u), u->owner, "retry", "%s: retry %d of %s failed", u->owner->name, u->retries,
                   u->targets[0]->name);
    if (u->retries >= P(u)->retries && u->n_targets > 1) {
      /* Giving up the primary: the order of the failover parents to try
       * (Fisher-Yates over targets[1..n)). */
      for (int i = u->n_targets - 1; u->shuffle && i > 1; i--) {
        int j = 1 + (int)rs_rng_below(&u->rng, (uint64_t)i);
        rm_node *t = u->targets[i];
        u->targets[i] = u->targets[j];
        u->targets[j] = t;
      }
      try_next(u, 1);
    }
    else
      rs_sim_schedule_in(S(u), ev, P(u)->retry_interval);
    break;
  case RM_UL_CONNECTING:
    if (!u->attempt_broken && reachable(u, u->targets[u->cur])) {
      connect_to(u, u->cur, "failover", NULL);
    } else {
      rm_group_event(G(u), u->owner, "retry", "%s: cannot connect to %s", u->owner->name, u->targets[u->cur]->name);
      try_next(u, u->cur + 1);
    }
    break;
  case RM_UL_OFF:
    break;
  }
}

void rm_uplink_start(rm_uplink *u) {
  rs_sim *sim = S(u);
  u->flush_base = rs_sim_now(sim) + u->flush_phase;
  rs_sim_schedule(sim, &u->flush, u->flush_base);
  if (reachable(u, u->targets[0])) {
    connect_to(u, 0, "connected", NULL);
  } else {
    u->lost_at = rs_sim_now(sim);
    u->outage = rm_measure_link_lost(G(u), u->owner, u->targets[0]);
    rm_group_event(G(u), u->owner, "connection_lost", "%s cannot reach %s", u->owner->name, u->targets[0]->name);
    begin_retries(u);
  }
}

/* Count an outage that ends without a connection (the sender itself went
 * down) as if it ended now. */
static void fold_outage(rm_uplink *u) {
  if (u->lost_at < 0) return;
  rm_measure_link_back(G(u), u->outage, true);
  u->outage = -1;
  rs_time_t took = rs_sim_now(S(u)) - u->lost_at;
  if (took > u->worst_reconnect) {
    u->worst_reconnect = took;
    u->worst_lost_at = u->lost_at;
  }
}

void rm_uplink_stop(rm_uplink *u) {
  fold_outage(u);
  disconnect(u);
  rs_sim_cancel(S(u), &u->flush);
  u->state = RM_UL_OFF;
  u->lost_at = -1;
}

void rm_uplink_target_lost(rm_uplink *u, const rm_node *target) {
  if (u->state == RM_UL_CONNECTED && u->targets[u->cur] == target) lose(u, "it went down");
  /* A connection being set up fails at its end (timer_cb). */
  if (u->state == RM_UL_CONNECTING && u->targets[u->cur] == target) u->attempt_broken = true;
}

void rm_uplink_link_down(rm_uplink *u) {
  if (u->link_down) return;
  u->link_down = true;
  if (u->state == RM_UL_CONNECTED) lose(u, "its link is down");
  if (u->state == RM_UL_CONNECTING) u->attempt_broken = true;
}

void rm_uplink_link_up(rm_uplink *u) { u->link_down = false; }

void rm_uplink_degrade(rm_uplink *u, rs_time_t extra_latency, double bandwidth, double loss) {
  u->extra_latency = extra_latency;
  u->bandwidth = bandwidth;
  u->loss = loss;
  retime(u);
}
