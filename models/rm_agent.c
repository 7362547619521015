/* rm_agent: a Windows computer's health service: heartbeat and data. */
#include "rm_agent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_uplink.h"

/* Priority of each kind of data in the queues. */
static const int kind_prio[RM_DATA_KINDS] = {
    [RM_DATA_PERF] = RM_PRIO_LOW, [RM_DATA_EVENT] = RM_PRIO_NORMAL,
    [RM_DATA_ALERT] = RM_PRIO_HIGH, [RM_DATA_STATE] = RM_PRIO_HIGH};

/* Bytes generated in [0, t) at rate bytes per day: floor(rate x t / day),
 * exact. In 64 bits while the product fits (rates up to 100 MB a day per
 * kind and agent), in 128 otherwise. */
static inline int64_t generated_by(int64_t rate, rs_time_t t) {
  int64_t days = t / RS_DAY, rest = t % RS_DAY;
  if (rate <= INT64_MAX / RS_DAY) return rate * days + rate * rest / RS_DAY;
  return (int64_t)((__int128)rate * t / RS_DAY);
}

/* With a diurnal factor: the bytes generated from `from` to t at rate
 * bytes a day times each hour's factor, floor(rate x (D(t) - D(from)) /
 * (1000 day)), D the thousandth-microseconds of rate-1 time (rm_load.h). */
static inline int64_t diurnal_generated_by(int64_t rate, const rm_diurnal *d, rs_time_t from, rs_time_t t) {
  return (int64_t)((__int128)rate * (rm_diurnal_at(d, t) - rm_diurnal_at(d, from)) / ((__int128)1000 * RS_DAY));
}

/* Hand the Essentials server what it has room for from the agent's own
 * queue: highest priority first, oldest first. */
static void hand_over(rm_group *g, rm_agent *a, rm_node *ess) {
  int64_t before = a->node.spool.bytes;
  int64_t d = rm_spool_move(&ess->spool, &a->node.spool, rm_room(ess));
  ess->m.bytes_in += before - a->node.spool.bytes;
  if (d) rm_measure_drop(g, ess, d);
}

static bool heard_from(const rm_group *g, const rm_node *ess);

/* The bytes of kind k a tick at now sends, t after its data began: the
 * fluid model's floor(rate x t) less what it sent (*sent, kept), or with
 * Poisson arrivals a Poisson count of items over span, the time since its
 * last tick (an interval; t for its first; longer for a tick put off while
 * its connection waited), each item_bytes x forward_share. */
static inline int64_t tick_bytes(const rm_group *g, int k, int64_t agent, rs_time_t now, rs_time_t t, rs_time_t span,
                                 int64_t *sent) {
  const rm_diurnal *d = g->diurnal;
  if (!g->poisson) {
    int64_t total = d ? diurnal_generated_by(g->rate[k], d, now - t, now) : generated_by(g->rate[k], t),
            b = total - *sent;
    if (b > 0) *sent = total;
    return b;
  }
  const rm_params *p = g->p;
  if (!d && span == p->heartbeat_interval) { /* a whole interval: its mean's terms are kept */
    int64_t n = rm_poisson_draw(g->sc->seed, agent, now, k, &g->poisson_interval[k]);
    return (int64_t)llround((double)n * (double)p->item_bytes[k] * p->forward_share);
  }
  double lambda = d ? p->per_day[k] * (double)(rm_diurnal_at(d, now) - rm_diurnal_at(d, now - span)) / 1000.0 /
                          (double)RS_DAY
                    : p->per_day[k] * (double)span / (double)RS_DAY;
  int64_t n = rm_poisson_at(g->sc->seed, agent, now, k, lambda);
  return (int64_t)llround((double)n * (double)p->item_bytes[k] * p->forward_share);
}

/* The bytes of a storm's alerts and state changes (each state change sent
 * `rollup` times) a tick at now sends: as its own data, fluid (floor of the
 * rate over the time since the storm began, less what it sent) or Poisson
 * counts over the time since its last tick. */
static void storm_bytes(const rm_group *g, rm_agent *a, rs_time_t now, int64_t extra[2]) {
  const rm_params *p = g->p;
  const rm_fault_spec *f = a->storm;
  double per_min[2] = {f->storm_alerts, f->storm_states * f->rollup};
  int64_t item[2] = {p->item_bytes[RM_DATA_ALERT], p->item_bytes[RM_DATA_STATE]};
  bool ended = a->storm_until >= 0 && a->storm_until <= now;
  rs_time_t end = ended ? a->storm_until : now, t = end - a->storm_from;
  rs_time_t last = now - p->heartbeat_interval > a->storm_from ? now - p->heartbeat_interval : a->storm_from;
  for (int k = 0; k < 2; k++) {
    if (!g->poisson) {
      double rate = per_min[k] * 1440.0 * (double)item[k] * p->forward_share; /* bytes a day */
      int64_t total = generated_by((int64_t)(rate + 0.5), t);
      extra[k] = total > a->storm_sent[k] ? total - a->storm_sent[k] : 0;
      a->storm_sent[k] += extra[k];
    } else {
      rs_time_t span = end > last ? end - last : 0;
      int64_t n = rm_poisson_at(g->sc->seed, a->index, now, RM_DATA_KINDS + k, per_min[k] * (double)span / RS_MIN);
      extra[k] = (int64_t)llround((double)n * (double)item[k] * p->forward_share);
    }
  }
  if (ended) a->storm = NULL; /* the rest is sent: it may join its population again */
}

static inline rm_pop *pop_of(const rm_agent *a) { return &RS_CONTAINER_OF(a->ess, rm_essentials, node)->pop; }

/* Add extra bytes (a start burst, a storm's) to what a tick sends of kind k
 * (b[k] <= 0: nothing of its own). */
static inline void add_bytes(int64_t b[RM_DATA_KINDS], int k, int64_t extra) { b[k] = (b[k] > 0 ? b[k] : 0) + extra; }

/* Heartbeat and data at time now (the agent's own tick): the data goes to
 * the agent's Essentials server over the LAN if that is up and has room
 * (through the agent's own queue, which holds it otherwise, and drops when
 * full); the heartbeat goes up the chain if every hop is up and connected:
 * Essentials server -> gateway -> management server -> RMS. Returns whether
 * the heartbeat got through; *alike whether the agent is still like its
 * population (nothing left in its own queue). */
static bool tick_at(rm_group *g, rm_agent *a, rs_time_t now, bool *alike) {
  rs_time_t t = now - a->data_from;
  rm_node *ess = a->ess;
  bool ess_up = ess->state == RM_UP;
  int64_t held = a->node.spool.bytes;
  /* The backlog goes before the new data, so the new data does not push
   * the oldest out of a full agent queue. */
  if (ess_up && a->node.spool.bytes > 0) hand_over(g, a, ess);
  int64_t b[RM_DATA_KINDS], sent = 0;
  rs_time_t span = now - (a->burst ? a->data_from : a->next - g->p->heartbeat_interval);
  for (int k = 0; k < RM_DATA_KINDS; k++) {
    b[k] = tick_bytes(g, k, a->index, now, t, span, &a->sent[k]);
    if (b[k] > 0) sent += b[k];
  }
  if (a->burst) { /* its state and discovery data, once after it starts */
    a->burst = false;
    int64_t burst = g->p->start_burst;
    if (burst > 0) {
      add_bytes(b, RM_DATA_STATE, burst);
      sent += burst;
    }
  }
  if (a->storm) {
    int64_t extra[2];
    storm_bytes(g, a, now, extra);
    add_bytes(b, RM_DATA_ALERT, extra[0]);
    add_bytes(b, RM_DATA_STATE, extra[1]);
    sent += extra[0] + extra[1];
  }
  rm_measure_generated(&g->m, sent);
  /* When nothing waits on the agent and the Essentials server has room,
   * the data goes straight to its queue: the same as passing through the
   * agent's own. */
  bool direct = ess_up && a->node.spool.bytes == 0 && rm_room(ess) >= sent;
  rm_node *to = direct ? ess : &a->node;
  int64_t dropped = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++)
    if (b[k] > 0) dropped += rm_spool_push(&to->spool, kind_prio[k], now, b[k]);
  if (dropped) rm_measure_drop(g, to, dropped);
  if (direct) {
    ess->m.bytes_in += sent;
  } else if (ess_up) {
    hand_over(g, a, ess);
  }
  g->m.agent_queued += a->node.spool.bytes - held;
  if (ess_up && ess->up) rm_uplink_wake(ess->up);
  *alike = a->node.spool.bytes == 0;
  if (!heard_from(g, ess)) return false;
  rm_watchers_heartbeat(g, a->index, now);
  return true;
}

/* ---- populations ---- */

void rm_pop_init(rm_pop *p, rm_node *ess, int64_t first_agent, int64_t agents) {
  memset(p, 0, sizeof *p);
  p->ess = ess;
  p->first_agent = first_agent;
  p->agents = agents;
  p->last_unheard = -1;
}

void rm_pop_free(rm_pop *p) {
  free(p->v);
  p->v = NULL;
  p->len = p->cap = p->head = 0;
}

static inline rm_pop_slot *slot_at(rm_pop *p, uint32_t i) { return &p->v[(p->head + i) & (p->cap - 1)]; }

/* Append a slot at the ring's end (its time is at or after every other's).
 * -1 without memory. */
static int ring_push(rm_pop *p, const rm_pop_slot *s) {
  if (p->len == p->cap) {
    uint32_t cap = p->cap ? p->cap * 2 : 64;
    rm_pop_slot *v = malloc((size_t)cap * sizeof *v);
    if (!v) return -1;
    for (uint32_t i = 0; i < p->len; i++) v[i] = *slot_at(p, i);
    free(p->v);
    p->v = v;
    p->cap = cap;
    p->head = 0;
  }
  p->v[(p->head + p->len) & (p->cap - 1)] = *s;
  p->len++;
  return 0;
}

/* The member's state goes back from its slot to the agent. */
static void unslot(rm_agent *a, rm_pop_slot *s) {
  a->next = s->next;
  a->data_from = s->data_from;
  memcpy(a->sent, s->sent, sizeof a->sent);
  a->in_pop = false;
  s->agent = -1;
}

/* a leaves its population: its slot is found (members leave rarely: on a
 * failure or an alert) and left empty. */
static void leave(rm_pop *p, rm_agent *a) {
  for (uint32_t i = 0; i < p->len; i++) {
    rm_pop_slot *s = slot_at(p, i);
    if (s->agent == (int32_t)a->index) {
      unslot(a, s);
      break;
    }
  }
  p->members--;
}

void rm_agent_alone(rm_agent *a, rs_sim *sim) {
  if (!a->in_pop) return;
  leave(pop_of(a), a);
  rs_sim_schedule_first(sim, &a->tick, a->next);
}

/* Whether a heartbeat sent from under ess gets through now: every hop up
 * and connected. */
static bool heard_from(const rm_group *g, const rm_node *ess) {
  if (ess->state != RM_UP) return false;
  const rm_node *gw = ess->parent;
  const rm_node *ms = gw && gw->state == RM_UP ? gw->parent : NULL;
  return ms && ms->state == RM_UP && g->rms.node.state == RM_UP;
}

/* Data of one priority waiting to be pushed into the Essentials server's
 * queue: consecutive ticks within one second, which the queue would merge
 * into one chunk stamped with the first's time anyway (rm_spool.h). */
typedef struct {
  rs_time_t gen;
  int64_t bytes;
} pending;

static int64_t push_pending(rm_spool *q, pending *w, int prio) {
  int64_t d = w->bytes > 0 ? rm_spool_push(q, prio, w->gen, w->bytes) : 0;
  w->bytes = 0;
  return d;
}

/* Run the population's ticks due at or before limit, in time order (the
 * order they joined at equal times): what tick_at does for an agent with
 * nothing in its own queue and an Essentials server with room, which is
 * what a member is. Nothing a tick reads changes while they run (whatever
 * would change it settles the population first), so the path for
 * heartbeats is looked at once. */
static void run_due(rm_group *g, rm_pop *p, rs_time_t limit) {
  if (p->ticking || p->len == 0 || p->v[p->head].next > limit) return;
  p->ticking = true;
  rm_node *ess = p->ess;
  rm_watchers *w = &g->watch;
  const rs_time_t interval = g->p->heartbeat_interval;
  const uint32_t mask = p->cap - 1;
  const bool heard = heard_from(g, ess);
  pending wait[RM_PRIOS] = {{0, 0}};
  int64_t generated = 0, heartbeats = 0, dropped = 0;
  while (p->len > 0) {
    rm_pop_slot s = p->v[p->head];
    if (s.next > limit) break;
    p->head = (p->head + 1) & mask;
    p->len--;
    if (s.agent < 0) continue; /* it left */
    rs_time_t now = s.next, t = now - s.data_from;
    for (int k = 0; k < RM_DATA_KINDS; k++) {
      int64_t b = tick_bytes(g, k, s.agent, now, t, t < interval ? t : interval, &s.sent[k]);
      if (b <= 0) continue;
      generated += b;
      pending *pw = &wait[kind_prio[k]];
      if (pw->bytes > 0 && pw->gen / RS_SEC != now / RS_SEC) dropped += push_pending(&ess->spool, pw, kind_prio[k]);
      if (pw->bytes == 0) pw->gen = now;
      pw->bytes += b;
    }
    if (heard) {
      w->last_heartbeat[s.agent] = now;
      heartbeats++;
    } else {
      p->last_unheard = now;
    }
    s.next = now + interval;
    p->v[(p->head + p->len) & mask] = s; /* a slot was just taken: there is room */
    p->len++;
  }
  for (int q = 0; q < RM_PRIOS; q++) dropped += push_pending(&ess->spool, &wait[q], q);
  if (ess->up) rm_uplink_wake(ess->up);
  rm_measure_generated(&g->m, generated);
  ess->m.bytes_in += generated;
  w->heartbeats += heartbeats;
  p->ticking = false;
  /* The room kept for the population (check) makes this impossible; were
   * it not, the loss is still counted. */
  if (dropped) rm_measure_drop(g, ess, dropped);
}

/* Open the population while its Essentials server is up with room for
 * twice what all its agents can send until the next check (its sender's
 * next flush, or an agent ticking on its own); below that once, it is
 * disbanded, so a tick run late never finds the server full. */
static void check(rm_group *g, rm_essentials *es) {
  rm_pop *p = &es->pop;
  if (g->agents_individual) return;
  int64_t need = p->agents * g->pop_margin + g->pop_slack;
  int64_t room = rm_room(&es->node);
  if (es->node.state != RM_UP || room < need) {
    if (p->open || p->members > 0) rm_pop_disband(g, &es->node);
  } else if (room / 2 >= need) {
    p->open = true;
  }
}

void rm_pop_settle(rm_group *g, rm_node *ess) {
  if (ess->role != RM_ESSENTIALS) return;
  rm_essentials *es = RS_CONTAINER_OF(ess, rm_essentials, node);
  run_due(g, &es->pop, rs_sim_now(g->sim));
  check(g, es);
}

int64_t rm_pop_members(const rm_node *ess) {
  return ess->role == RM_ESSENTIALS ? RS_CONTAINER_OF(ess, rm_essentials, node)->pop.members : 0;
}

void rm_pops_settle(rm_group *g) {
  rs_time_t now = rs_sim_now(g->sim);
  for (int e = 0; e < g->n_ess; e++) run_due(g, &g->ess[e].pop, now);
}

void rm_pop_disband(rm_group *g, rm_node *ess) {
  rm_pop *p = &RS_CONTAINER_OF(ess, rm_essentials, node)->pop;
  p->open = false;
  for (; p->len > 0; p->len--, p->head = (p->head + 1) & (p->cap - 1)) {
    rm_pop_slot *s = &p->v[p->head];
    if (s->agent < 0) continue;
    rm_agent *a = &g->agents[s->agent];
    unslot(a, s);
    rs_sim_schedule_first(g->sim, &a->tick, a->next);
  }
  p->members = 0;
}

/* The agent's connection at its tick at now, if it has none: set up now
 * (counted at its Essentials server and that server's gateway), or when
 * the server's rate allows, the tick put off until then (returns true).
 * While the server is down nothing happens. The rate is a token bucket of
 * accept_burst connections refilled at accepts_per_second, in its
 * equivalent form: the next connection may be set up at accept_at, which
 * a connection moves on by 1 / rate, up to burst - 1 of them early. */
static bool connect(rm_group *g, rm_agent *a, rm_essentials *es, rs_time_t now) {
  if (es->node.state != RM_UP) return false;
  if (a->conn == RM_CONN_TO_CONNECT) {
    const rm_params *p = g->p;
    rs_time_t every = (rs_time_t)llround(1e6 / p->accepts_per_second);
    rs_time_t tat = es->accept_at > now ? es->accept_at : now;
    rs_time_t early = (rs_time_t)(p->accept_burst - 1) * every, at = tat - early > now ? tat - early : now;
    es->accept_at = tat + every;
    if (at > now) {
      a->conn = RM_CONN_WAITING;
      rs_sim_schedule_first(g->sim, &a->tick, at);
      return true;
    }
  }
  a->conn = RM_CONN_UP;
  es->agents_connected++;
  g->m.connections++;
  if (es->node.parent && es->node.parent->role == RM_GATEWAY)
    RS_CONTAINER_OF(es->node.parent, rm_forwarder, node)->agents_connected++;
  return false;
}

/* A tick of an agent on its own event: its population's ticks due first
 * (they touch the same Essentials server's queue), then its own; it joins
 * the population if it is open and the agent is like it. */
static void tick_cb(rs_sim *sim, rs_event *ev) {
  rm_agent *a = RS_CONTAINER_OF(ev, rm_agent, tick);
  rm_group *g = a->node.group;
  rs_time_t now = rs_sim_now(sim);
  rm_essentials *es = RS_CONTAINER_OF(a->ess, rm_essentials, node);
  rm_pop *p = &es->pop;
  run_due(g, p, now);
  if (a->conn != RM_CONN_UP && connect(g, a, es, now)) return; /* put off until its connection is set up */
  bool alike, heard = tick_at(g, a, now, &alike);
  check(g, es);
  a->next = now + g->p->heartbeat_interval;
  if (p->open && alike && heard && g->watch.alert_state[a->index] == 0 && !a->node.m.dropping && !a->storm &&
      !p->ticking) {
    rm_pop_slot s = {.next = a->next, .data_from = a->data_from, .agent = (int32_t)a->index};
    memcpy(s.sent, a->sent, sizeof s.sent);
    if (ring_push(p, &s) == 0) {
      a->in_pop = true;
      p->members++;
      return;
    }
  }
  rs_sim_schedule_first(sim, ev, a->next);
}

const rm_hours *rm_agent_hours(const rm_agent *a) {
  const rm_essentials *es = RS_CONTAINER_OF(a->ess, rm_essentials, node);
  const rm_load_spec *line = &es->spec->load, *all = &a->node.group->sc->load;
  const rm_hours *h = a->server ? (line->has_servers ? &line->servers : &all->servers)
                                : (line->has_clients ? &line->clients : &all->clients);
  return h->office ? h : NULL;
}

void rm_agent_follow_hours(rm_agent *a, rs_sim *sim) {
  const rm_hours *h = rm_agent_hours(a);
  if (!h) return;
  rs_time_t next;
  bool on = rm_hours_on(h, a->node.group->sc->seed, a->index, rs_sim_now(sim), &next);
  rm_agent_power(a, sim, on);
  if (next >= 0 && next <= RS_SIM_TIME_MAX) rs_sim_schedule(sim, &a->power, next);
}

/* A switch of office hours: the populations settled first (a tick until now
 * found the computer on). */
static void power_cb(rs_sim *sim, rs_event *ev) {
  rm_agent *a = RS_CONTAINER_OF(ev, rm_agent, power);
  rm_pops_settle(a->node.group);
  rm_agent_follow_hours(a, sim);
}

void rm_agent_init(rm_agent *a, uint64_t seed, int64_t index) {
  rs_rng_init(&a->rng, seed, rs_stream_id(a->node.name));
  rs_event_init(&a->tick, tick_cb);
  rs_event_init(&a->power, power_cb);
  a->index = index;
}

void rm_agent_start(rm_agent *a, rs_sim *sim, rs_time_t interval) {
  rs_time_t now = rs_sim_now(sim);
  a->node.state = RM_UP;
  if (a->health_stopped || a->off) return;
  a->data_from = now;
  a->burst = true;
  a->conn = RM_CONN_TO_CONNECT;
  for (int k = 0; k < RM_DATA_KINDS; k++) a->sent[k] = 0;
  /* Computers do not start in step: the first heartbeat comes at a random
   * point of the first interval. */
  a->next = now + (rs_time_t)rs_rng_below(&a->rng, (uint64_t)interval);
  rs_sim_schedule_first(sim, &a->tick, a->next);
}

/* a stops ticking (its population, if it is in one, must be settled). */
static void halt(rm_agent *a, rs_sim *sim) {
  if (a->in_pop)
    leave(pop_of(a), a);
  else
    rs_sim_cancel(sim, &a->tick);
}

void rm_agent_health(rm_agent *a, rs_sim *sim, bool on) {
  a->health_stopped = !on;
  if (!on) {
    halt(a, sim);
  } else if (a->node.state == RM_UP) {
    rm_agent_start(a, sim, a->node.group->p->heartbeat_interval);
  }
}

void rm_agent_power(rm_agent *a, rs_sim *sim, bool on) {
  if (on == !a->off) return;
  bool ticking = a->node.state == RM_UP && !a->health_stopped;
  if (!on) {
    if (ticking) halt(a, sim);
    a->off = true;
    return;
  }
  a->off = false;
  a->node.group->m.switched_on++;
  a->node.group->watch.last_heartbeat[a->index] = rs_sim_now(sim); /* waited for from now */
  if (ticking) rm_agent_start(a, sim, a->node.group->p->heartbeat_interval);
}

void rm_agent_stop(rm_agent *a, rs_sim *sim) {
  a->node.state = RM_DOWN;
  halt(a, sim);
}
