/* rm_budget: the memory a run needs, estimated from its scenario (see
 * rm_budget.h; the formulas are in docs/scenarios.md, "Memory"). */
#include "rm_budget.h"

#include <string.h>

#include "rm_group.h"
#include "rm_index.h"

/* An allocation of n bytes as the C library makes it: rounded up to 16,
 * with 16 of its own. */
static double heap(double n) { return n <= 0 ? 0 : ((double)(((int64_t)n + 15) / 16) * 16.0) + 16.0; }

/* An array grown by doubling holds up to twice what it must. */
static double doubling(double n, double size) { return 2.0 * n * size; }

/* What a run holds, whatever its scenario: the program, libraries, the
 * event loop, SQLite's page cache. */
#define FIXED_BYTES (16.0 * 1048576.0)

/* What each step of a fault adds to the logs, per node that loses its
 * parent or goes down: a connection lost (or an outage of an agent), its
 * share of a story line, and a hold. */
#define LOG_BYTES_PER_NODE 128.0

/* Queued data: chunks of 16 bytes, a few per second at most (one per
 * priority per second of generation); a ring grows by doubling. */
#define CHUNK_BYTES (2.0 * (double)sizeof(rm_chunk))

/* The nodes a fault's target selects (for a customer: the largest). */
static double selected(const rm_scenario *sc, const char *t, double biggest_customer, double most_ess) {
  double agents = (double)rm_scenario_agents(sc), ess = (double)rm_scenario_essentials(sc);
  double servers = 0;
  for (int i = 0; i < sc->n_specs; i++) servers += (double)sc->specs[i].count * sc->specs[i].servers;
  if (!t) return ess; /* every site link */
  const char *r = strncmp(t, "role:", 5) == 0 ? t + 5 : strncmp(t, "links:", 6) == 0 ? t + 6 : NULL;
  if (r) {
    if (strcmp(r, "agent") == 0) return agents;
    if (strcmp(r, "server") == 0) return servers;
    if (strcmp(r, "client") == 0) return agents - servers;
    if (strcmp(r, "essentials") == 0) return ess;
    if (strcmp(r, "gateway") == 0) return sc->n_gw;
    if (strcmp(r, "management_server") == 0) return sc->n_ms;
    return 2;
  }
  if (strncmp(t, "customer:", 9) == 0) return biggest_customer + most_ess;
  if (strncmp(t, "agents:", 7) == 0) return biggest_customer;
  return 1;
}

/* The role a target acts on, for the data it holds back. */
static rm_role target_role(const rm_scenario *sc, rm_fault_kind kind, const char *t) {
  if (kind == RM_FAULT_SLOW_SQL) return RM_SQL;
  if (kind == RM_FAULT_SITE_OUTAGE || kind == RM_FAULT_DC_OUTAGE || !t) return RM_ESSENTIALS;
  const char *r = strncmp(t, "role:", 5) == 0 ? t + 5 : strncmp(t, "links:", 6) == 0 ? t + 6 : NULL;
  if (r) {
    if (strcmp(r, "gateway") == 0) return RM_GATEWAY;
    if (strcmp(r, "management_server") == 0) return RM_MS;
    if (strcmp(r, "essentials") == 0) return RM_ESSENTIALS;
    if (strcmp(r, "rms_node") == 0) return RM_RMS;
    if (strcmp(r, "sql_node") == 0) return RM_SQL;
    return RM_AGENT;
  }
  if (strncmp(t, "agents:", 7) == 0) return RM_AGENT;
  if (strncmp(t, "customer:", 9) == 0) return RM_ESSENTIALS;
  if (strncmp(t, "link:", 5) == 0) t += 5;
  if (rm_index_get(&sc->gw_index, t) >= 0) return RM_GATEWAY;
  if (rm_index_get(&sc->ms_index, t) >= 0) return RM_MS;
  if (strncmp(t, "rms", 3) == 0 || strncmp(t, "web", 3) == 0) return RM_RMS;
  if (strncmp(t, "sql", 3) == 0) return RM_SQL;
  return strchr(t, '/') ? RM_AGENT : RM_ESSENTIALS;
}

/* Figures of the group the queued data depends on. */
typedef struct {
  double agents, ess, gw, ms;
  double agent_rate;        /* bytes per second an agent generates */
  rs_time_t failover;       /* a sender without its parent finds another within this */
} shape;

/* Bytes of data queued because n nodes of role r are held for `held`. A
 * sender whose link is cut queues what reaches it until its queue is full;
 * then, as a sender hands its parent only what the parent has room for,
 * the senders under it queue theirs, and so on down to the agents. A node
 * down holds its senders back the same way, until they fail over to
 * another parent when there is one. Once it is over, the backlog drains
 * upward through the queues above. A queue holds a chunk per priority per
 * second of data it holds, at most (an agent's, one per heartbeat), and
 * its memory never shrinks. Queues fill at `excess` of the data generated
 * (1 behind a fault; the share over the bottleneck's capacity for a group
 * that generates more than it takes). */
static double held_back(const rm_params *p, const shape *s, rm_role r, bool link, rs_time_t held, double n,
                        double excess) {
  /* The tiers, from the agents (0) up to the management servers (3):
   * their nodes, the nodes under one of them, how often each sends, its
   * queue and the bytes per second into it. */
  double total[4] = {s->agents, s->ess, s->gw, s->ms};
  double under[4] = {1, s->ess > 0 ? s->agents / s->ess : 0, s->gw > 0 ? s->ess / s->gw : 0,
                     s->ms > 0 ? s->gw / s->ms : 0};
  double every[4] = {(double)p->heartbeat_interval / RS_SEC, (double)p->heartbeat_interval / RS_SEC,
                     (double)p->flush_every / RS_SEC, (double)p->flush_every / RS_SEC};
  double capacity[4] = {(double)p->agent_queue, (double)p->ess_queue, (double)p->gw_queue, (double)p->ms_queue};
  double inflow[4] = {s->agent_rate * excess};
  for (int k = 1; k < 4; k++) inflow[k] = under[k] * inflow[k - 1];
  double t = (double)held / RS_SEC, fail = (double)s->failover / RS_SEC;
  int tier;
  switch (r) {
  case RM_AGENT: return 0; /* a computer down or its health service stopped generates nothing */
  case RM_ESSENTIALS: tier = 1; break;
  case RM_GATEWAY: tier = 2; break;
  case RM_MS: tier = 3; break;
  default: /* the SQL store or the RMS: every management server is held */
    tier = 3;
    n = s->ms;
    link = true;
  }
  if (n > total[tier]) n = total[tier];
  /* Down, with another parent for its senders: they fail over. */
  if (!link && ((tier == 2 && s->gw > 1) || (tier == 3 && s->ms > 1)) && fail < t) t = fail;
  double bytes = 0;
  /* Down the tiers while the queues fill: nodes held (a cut link's own
   * queue, or the senders of a node down). */
  double count = link ? n : n * under[tier], left = t;
  for (int k = link ? tier : tier - 1; k >= 0 && left > 0; k--) {
    double chunks = k == 0 ? RM_PRIOS / every[0] : RM_PRIOS * (under[k] / every[k] < 1 ? under[k] / every[k] : 1);
    bytes += count * chunks * left * CHUNK_BYTES;
    left -= inflow[k] > 0 ? capacity[k] / inflow[k] : left;
    count *= under[k];
  }
  /* Up the tiers as the backlog drains: the node down itself and those
   * above, as many as the nodes held reach. */
  count = n;
  for (int k = link ? tier + 1 : tier; k < 4; k++) {
    if (k > tier) count = count < total[k] ? count : total[k];
    bytes += count * RM_PRIOS * (under[k] / every[k] < 1 ? under[k] / every[k] : 1) * t * CHUNK_BYTES;
  }
  return bytes;
}

/* How long a fault holds its nodes, within the run. */
static rs_time_t held_for(const rm_fault_spec *f, rs_time_t duration) {
  rs_time_t left = duration > f->at ? duration - f->at : 0;
  rs_time_t d = f->duration;
  if (f->kind == RM_FAULT_FLAP) d = f->every; /* down every other `every` */
  if (f->kind == RM_FAULT_STEP) d = left;      /* until a later line says up */
  if (f->kind == RM_FAULT_PATCH) d = f->down * 3 / 2; /* the longest a node is down */
  return d < left ? d : left;
}

double rm_budget_parse(size_t text_len) {
  /* The YAML document: a node of 96 bytes for every few bytes of text,
   * and the text again; 32 bytes per byte of text covers a list of short
   * names (28 measured) and a list of faults (32). */
  return 32.0 * (double)text_len;
}

/* The bytes a second a server of hardware role r takes in while it serves
 * agents, on its role's model. */
static double role_rate(const rm_scenario *sc, rm_hw_role r, double agents) {
  rm_hw_costs c;
  rm_hw_demand bg;
  const rm_hw_model *m = rm_hw_of(&sc->hw, r, NULL);
  rm_hw_costs_of(r, sc->hw.profile, &c);
  rm_hw_demand_of(&c, m, agents, 0, &bg);
  return rm_hw_byte_rate(&c, m, &bg, NULL, NULL);
}

void rm_budget_estimate(const rm_scenario *sc, rs_time_t duration, rm_budget *b) {
  memset(b, 0, sizeof *b);
  const rm_params *p = &sc->p;
  shape s = {.agents = (double)rm_scenario_agents(sc), .ess = (double)rm_scenario_essentials(sc), .gw = sc->n_gw,
             .ms = sc->n_ms};
  for (int k = 0; k < RM_DATA_KINDS; k++) s.agent_rate += p->per_day[k] * (double)p->item_bytes[k] / 86400.0;
  s.failover = (p->retries + 1) * p->retry_interval + p->connect_time;

  /* The group. Names: a node's own allocation; an agent's is its
   * Essentials server's and /srv-K. */
  double biggest = 0, most_ess = 0, name_len = 0;
  for (int i = 0; i < sc->n_specs; i++) {
    const rm_customer_spec *cs = &sc->specs[i];
    double computers = cs->servers + cs->clients, agents = (double)cs->count * computers;
    size_t len = strlen(cs->prefix) + 12;
    if (computers + cs->essentials > biggest + most_ess) {
      biggest = computers;
      most_ess = cs->essentials;
    }
    name_len += agents * (double)(len + 8);
    b->group += agents * sizeof(rm_agent) + (double)cs->count * cs->essentials * (sizeof(rm_essentials) + heap((double)len));
    /* primary and backup lists of one gateway per Essentials server */
    if (cs->primary_each) b->scenario += heap((double)cs->count * cs->essentials * 8.0) * 2;
  }
  if (s.agents > 0) b->group += s.agents * heap(name_len / s.agents);
  /* The watchers: per agent its last heartbeat, its outage, its alert state. */
  b->group += s.agents * (sizeof(rs_time_t) + sizeof(int64_t) + 1);
  /* Gateways and management servers: a forwarder, a name, a failover list
   * as long as the management servers; a backup placement's table holds a
   * gateway's agents moved to every other gateway. */
  b->group += s.gw * (sizeof(rm_forwarder) + heap(24) + heap(s.ms * 8) + s.gw * 8.0);
  b->group += s.ms * (sizeof(rm_forwarder) + heap(24) + heap(8));
  b->group += (double)rm_index_bytes((size_t)(s.gw + s.ms + s.ess + 7));

  /* The scenario as loaded: its text, names and faults. */
  b->scenario += (double)sc->text_len + (double)(sc->replay_text ? strlen(sc->replay_text) : 0);
  b->scenario += (s.gw + s.ms) * heap(24) + (double)rm_index_bytes((size_t)s.gw) + (double)rm_index_bytes((size_t)s.ms);
  b->scenario += sc->n_specs * (sizeof(rm_customer_spec) + heap(24));
  b->scenario += sc->n_faults * (sizeof(rm_fault_spec) + 3 * heap(32));
  for (int i = 0; i < sc->n_expect; i++) b->scenario += sc->expect[i].n_agents * (8 + heap(32));

  /* The timeline: every fault's steps and the nodes it acts on (the most
   * any one selects is held at once before its subset is taken). */
  double steps = 0, targets = 0, most = 0, queued = 0;
  rs_time_t longest = 0;
  for (int i = 0; i < sc->n_faults; i++) {
    const rm_fault_spec *f = &sc->faults[i];
    double n = f->list ? f->n_list : f->kind == RM_FAULT_SLOW_SQL ? 1 : selected(sc, f->target, biggest, most_ess);
    if (f->kind == RM_FAULT_SITE_OUTAGE) n = most_ess;
    double kept = f->count > 0 ? (f->count < n ? f->count : n) : f->share > 0 ? f->share * n + 1 : n;
    double st = f->kind == RM_FAULT_FLAP ? 2.0 * f->times : f->kind == RM_FAULT_ROLLING ? 2.0 * kept
                : f->kind == RM_FAULT_PATCH ? 2.0 * f->times * (kept + 1) /* each node, and maintenance */
                : f->kind == RM_FAULT_STEP ? 1 : 2;
    steps += st;
    targets += kept;
    if (n > most) most = n;
    rm_role r = target_role(sc, f->kind, f->target);
    bool link = f->kind == RM_FAULT_CUT || f->kind == RM_FAULT_SITE_OUTAGE || f->kind == RM_FAULT_DC_OUTAGE ||
                (f->target && strncmp(f->target, "link", 4) == 0);
    bool queues = f->kind != RM_FAULT_DEGRADE && f->kind != RM_FAULT_STOP_HEALTH && f->kind != RM_FAULT_MAINTENANCE &&
                  !(f->kind == RM_FAULT_STEP && f->action != RM_STEP_DOWN);
    /* Each step's nodes, and the senders under them, add to the logs; a
     * flap's or rolling restart's steps each hold for their own length. */
    double under = r == RM_GATEWAY ? s.ess / (s.gw > 0 ? s.gw : 1) : r == RM_MS ? s.gw / (s.ms > 0 ? s.ms : 1) : 0;
    b->growth += st / 2 * kept * (1 + under) * LOG_BYTES_PER_NODE;
    if (queues) {
      double times = f->kind == RM_FAULT_FLAP || f->kind == RM_FAULT_PATCH ? f->times : 1;
      rs_time_t held = held_for(f, duration);
      queued += times * held_back(p, &s, r, link, held, kept, 1);
      if (held > longest) longest = held;
    }
  }
  b->timeline += doubling(steps, sizeof(rm_step)) + doubling(targets + most, sizeof(rm_node *));
  b->timeline += sc->n_faults * sizeof(rm_fault_window);

  /* Random failures: two steps and a target each, the logs of a failure,
   * and the data held back while the node is repaired. */
  b->random_failures = rm_scenario_random_failures(sc, duration);
  b->timeline += doubling(2.0 * b->random_failures, sizeof(rm_step));
  static const rm_role roles[RM_RANDOM_ROLES] = {RM_AGENT, RM_ESSENTIALS, RM_GATEWAY, RM_MS, RM_RMS, RM_SQL, 0};
  for (int r = 0; r < RM_RANDOM_ROLES; r++) {
    const rm_random_failures *rf = &sc->random[r];
    if (rf->mtbf <= 0) continue;
    if (rf->mttr > longest) longest = rf->mttr;
    if (r == RM_RANDOM_HOST) {
      /* A host's failure is its servers' each: each one's logs and the
       * data it holds back, as if it failed alone. */
      double each = (double)duration / ((double)rf->mtbf + (double)rf->mttr);
      for (int h = 0; h < sc->n_hosts; h++)
        for (int i = 0; i < sc->hosts[h].n_runs; i++) {
          b->growth += each * LOG_BYTES_PER_NODE;
          queued += each * held_back(p, &s, target_role(sc, RM_FAULT_CRASH, sc->hosts[h].runs[i]), false, rf->mttr,
                                     1, 1);
        }
      continue;
    }
    rm_scenario one = {.n_gw = sc->n_gw, .n_ms = sc->n_ms, .n_specs = sc->n_specs, .specs = sc->specs};
    one.random[r] = *rf;
    double n = rm_scenario_random_failures(&one, duration);
    b->growth += n * LOG_BYTES_PER_NODE;
    queued += n * held_back(p, &s, roles[r], false, rf->mttr, 1, 1);
  }
  /* A group generating more than its bottleneck takes (what the SQL
   * store's hardware takes in, the management servers', the gateways')
   * queues the excess all run, as if the SQL store were down at that
   * share. */
  double generated = s.agents * s.agent_rate * p->forward_share;
  double bottleneck = role_rate(sc, RM_HW_SQL, s.agents);
  if (s.ms > 0 && s.ms * role_rate(sc, RM_HW_MS, s.agents / s.ms) < bottleneck)
    bottleneck = s.ms * role_rate(sc, RM_HW_MS, s.agents / s.ms);
  if (s.gw > 0 && s.gw * role_rate(sc, RM_HW_GATEWAY, s.agents / s.gw) < bottleneck)
    bottleneck = s.gw * role_rate(sc, RM_HW_GATEWAY, s.agents / s.gw);
  if (generated > bottleneck && generated > 0) {
    queued += held_back(p, &s, RM_SQL, true, duration, 1, 1 - bottleneck / generated);
    longest = duration;
  }
  /* A queue's memory is the most it held, not the sum over the faults that
   * filled it: the data queued is at most every queue holding as long as
   * the longest fault holds. */
  double all = s.agents * RM_PRIOS / ((double)p->heartbeat_interval / RS_SEC);
  double per[3] = {s.ess > 0 ? s.agents / s.ess : 0, s.gw > 0 ? s.ess / s.gw : 0, s.ms > 0 ? s.gw / s.ms : 0};
  double every[3] = {(double)p->heartbeat_interval / RS_SEC, (double)p->flush_every / RS_SEC,
                     (double)p->flush_every / RS_SEC};
  double nodes[3] = {s.ess, s.gw, s.ms};
  for (int k = 0; k < 3; k++) all += nodes[k] * RM_PRIOS * (per[k] / every[k] < 1 ? per[k] / every[k] : 1);
  all *= (double)longest / RS_SEC * CHUNK_BYTES;
  b->growth += queued < all ? queued : all;

  /* A mark per sample and per step. */
  double samples = (double)duration / (double)(sc->sample_every > 0 ? sc->sample_every : RS_MIN) + 1;
  b->growth += doubling(samples + steps + 2.0 * b->random_failures, sizeof(rm_mark));

  b->fixed = FIXED_BYTES;
  b->total = b->fixed + b->group + b->scenario + b->timeline + b->growth;
}
