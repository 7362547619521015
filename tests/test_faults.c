/* One test per kind of fault on the timeline, with the times and counts
 * that follow from the model's rules. */
#include <math.h>

#include "model_util.h"

/* One customer of 200 (10 servers, 190 clients) on gw-1, backup gw-2. */
#define ONE_SITE(extra)                                                                                          \
  "name: f\nduration: 6h\nseed: 9\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"                       \
  "customers:\n  - {count: 1, servers: 10, clients: 190, primary: gw-1, backup: gw-2}\n" extra

/* 200 agents x 8 600 000 bytes a day. */
#define SITE_RATE (200.0 * AGENT_BYTES_PER_DAY / 86400.0)

/* What a queue holds is known to within a transfer in flight (at most 1 MB)
 * and a minute of the site's data (its agents send once a minute). */
#define SLACK (1048576.0 + SITE_RATE * 60)

/* A link cut: the Essentials server loses its gateway, retries it, cannot
 * reach its backup either (the same link), and holds its data; when the
 * link is back its next attempt connects, and nothing is lost. */
Test(faults, cut) {
  world *w = world_new(ONE_SITE("faults:\n  - {cut: cust-1, at: 1h, for: 20m}\n"));
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  world_run(w, RS_HOUR);
  cr_assert(e->up.link_down);
  cr_assert_null(e->node.parent);
  world_run(w, RS_HOUR + 20 * RS_MIN - 1);
  cr_assert_null(e->node.parent, "no parent reachable while the link is cut");
  cr_assert_eq(e->up.failovers, 0);
  int64_t held = e->node.spool.bytes;
  cr_assert(held > SITE_RATE * 19 * 60 && held < SITE_RATE * 21 * 60, "queued %lld", (long long)held);
  /* 3 retries at 30 s (1h0m30 .. 1h1m30), 30 s connecting to the backup
   * (fails at 1h2m), and so on in rounds of 2 minutes: the link returns at
   * 1h20m, the instant a round's connection to the backup ends; that
   * attempt began while the link was down, so it fails, and the next retry
   * of the primary, 30 s later, connects. */
  world_run(w, RS_HOUR + 20 * RS_MIN);
  cr_assert_null(e->node.parent);
  world_run(w, RS_HOUR + 20 * RS_MIN + 30 * RS_SEC);
  cr_assert_eq(e->node.parent, world_node(w, "gw-1"));
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  cr_assert_eq(e->up.losses, 1);
  cr_assert_eq(e->up.failovers, 0);
  cr_assert_eq(e->up.failbacks, 0);
  world_free(w);
}

/* How much cust-1's queue (and transfer in flight) grows from 1 h to just
 * before 2 h, the hour of its link's degradation. */
static double site_queue_growth(world *w) {
  rm_node *e = world_node(w, "cust-1");
  world_run(w, RS_HOUR);
  int64_t q0 = e->spool.bytes + e->up->inflight_bytes;
  world_run(w, 2 * RS_HOUR - 1);
  return (double)(e->spool.bytes + e->up->inflight_bytes - q0);
}

/* A degraded link: 64 Kbit/s (8000 B/s) carries less than the site sends
 * (19 907 B/s), so the Essentials server's queue grows by the difference. */
Test(faults, degrade_bandwidth) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: cust-1, at: 1h, for: 1h, bandwidth: 64Kbit/s}\n"));
  rm_node *e = world_node(w, "cust-1");
  double grown = site_queue_growth(w);
  double want = (SITE_RATE - 8000.0) * 3600.0;
  cr_assert(grown > want - SLACK && grown < want + SLACK, "queue grew %.0f, want %.0f", grown, want);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_lt(e->spool.bytes, 1048576, "drained after the link recovered");
  world_free(w);
}

/* Padhye et al.'s throughput (rm_tcp_rate), by hand: packets a second
 * 1 / (RTT sqrt(2bp/3) + T0 min(1, 3 sqrt(3bp/8)) p (1 + 32 p^2)), b = 2,
 * T0 = max(1 s, 3 RTT), times 1460 bytes and 1 - p. */
static double padhye(double rtt, double p) {
  double t0 = fmax(1.0, 3 * rtt);
  return 1460.0 * (1 - p) / (rtt * sqrt(4 * p / 3) + t0 * fmin(1.0, 3 * sqrt(6 * p / 8)) * p * (1 + 32 * p * p));
}

Test(faults, tcp_rate_under_loss) {
  /* RTT 1.1 s, 4 % loss: 0.2540 s + 3.3 x 0.5196 x 0.04205 s = 0.3261 s a
   * packet, 3.066 packets/s, 4298 B/s. */
  cr_assert_float_eq(rm_tcp_rate(1.1, 0.04), 4298.0, 1.0);
  cr_assert_float_eq(rm_tcp_rate(1.1, 0.04), padhye(1.1, 0.04), 1e-6);
  /* Small losses: the timeouts vanish and it is Mathis's square-root law
   * with C = sqrt(3 / 2b): MSS / RTT x sqrt(3 / 4p). */
  double mathis = 1460.0 / 0.1 * sqrt(3.0 / 4e-6);
  cr_assert(fabs(rm_tcp_rate(0.1, 1e-6) / mathis - 1) < 0.01, "%f vs %f", rm_tcp_rate(0.1, 1e-6), mathis);
  /* Toward total loss the throughput falls to nothing. */
  double last = HUGE_VAL;
  for (double p = 0.01; p < 1; p += 0.01) {
    double r = rm_tcp_rate(0.1, p);
    cr_assert_lt(r, last, "falls as loss grows (p = %.2f)", p);
    cr_assert_float_eq(r, padhye(0.1, p), 1e-9 * r + 1e-12);
    last = r;
  }
  cr_assert_lt(rm_tcp_rate(0.1, 0.99), 1.0, "99 %% loss carries under 1 B/s");
  cr_assert_eq(rm_tcp_rate(0.1, 1.0), 0.0);
}

/* Packet loss caps a transfer at TCP's throughput: with 500 ms added (RTT
 * 1.1 s) and 4 % loss, 4298 B/s. */
Test(faults, degrade_loss) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: link:cust-1, at: 1h, for: 1h, latency: 500ms, loss: 4%}\n"));
  double grown = site_queue_growth(w);
  double want = (SITE_RATE - padhye(1.1, 0.04)) * 3600.0;
  cr_assert(grown > want - SLACK && grown < want + SLACK, "queue grew %.0f, want %.0f", grown, want);
  world_free(w);
}

/* 99 % loss carries next to nothing: the site's queue grows by almost all
 * it sends. */
Test(faults, degrade_loss_99_percent) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: link:cust-1, at: 1h, for: 1h, loss: 99%}\n"));
  double grown = site_queue_growth(w);
  double want = SITE_RATE * 3600.0;
  cr_assert(grown > want - SLACK && grown < want + SLACK, "queue grew %.0f, want %.0f", grown, want);
  world_free(w);
}

/* A transfer begun on a link at 1 bit/s is re-timed when the link is
 * restored: the sender is not stuck with it, and its queue drains. */
Test(faults, a_transfer_is_retimed_when_its_link_is_restored) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: link:cust-1, at: 1h, for: 10m, bandwidth: 1bit/s}\n"));
  rm_node *e = world_node(w, "cust-1");
  world_run(w, RS_HOUR + 10 * RS_MIN - 1);
  cr_assert(e->up->busy, "a transfer is in flight at 1 bit/s");
  int64_t q = e->spool.bytes + e->up->inflight_bytes;
  world_run(w, RS_HOUR + 15 * RS_MIN);
  cr_assert_lt(e->spool.bytes + e->up->inflight_bytes, q / 2, "draining after the restore: %lld of %lld",
               (long long)(e->spool.bytes + e->up->inflight_bytes), (long long)q);
  world_run(w, RS_HOUR + 30 * RS_MIN);
  cr_assert_lt(e->spool.bytes, 1048576, "drained");
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/* After 30 minutes at 8 Kbit/s, the queue stops growing as the link is
 * restored: the transfer in flight finishes at the link's own rate. */
Test(faults, the_queue_falls_as_soon_as_the_link_is_restored) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: link:cust-1, at: 1h, for: 30m, bandwidth: 8Kbit/s}\n"));
  rm_node *e = world_node(w, "cust-1");
  world_run(w, RS_HOUR + 30 * RS_MIN);
  int64_t q = e->spool.bytes + e->up->inflight_bytes;
  world_run(w, RS_HOUR + 30 * RS_MIN + 20 * RS_SEC);
  int64_t q20 = e->spool.bytes + e->up->inflight_bytes;
  cr_assert_lt(q20, q, "20 s after the restore the queue is down: %lld, from %lld", (long long)q20, (long long)q);
  world_free(w);
}

/* A gateway flapping 5 times in an hour (down 6 min, up 6 min): each time
 * the customer fails over after 2 minutes and fails back within a minute of
 * its return: 5 losses, 5 failovers, 5 failbacks, no more. */
Test(faults, flap) {
  world *w = world_new(ONE_SITE("faults:\n  - {flap: gw-1, at: 2h, every: 6m, times: 5}\n"));
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  for (int k = 0; k < 5; k++) {
    rs_time_t down = 2 * RS_HOUR + 2 * k * 6 * RS_MIN;
    world_run(w, down + 2 * RS_MIN - 1);
    cr_assert_null(e->node.parent, "flap %d: still retrying", k + 1);
    world_run(w, down + 2 * RS_MIN);
    cr_assert_eq(e->node.parent, world_node(w, "gw-2"), "flap %d: on the backup", k + 1);
    world_run(w, down + 6 * RS_MIN + RS_MIN);
    cr_assert_eq(e->node.parent, world_node(w, "gw-1"), "flap %d: back on the primary", k + 1);
  }
  world_run(w, w->sc.duration);
  cr_assert_eq(e->up.losses, 5);
  cr_assert_eq(e->up.failovers, 5);
  cr_assert_eq(e->up.failbacks, 5);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_free(w);
}

/* The story's lines of one kind: how many events, and the time of the first. */
static int64_t story_count(world *w, const char *kind, rs_time_t *first) {
  int64_t n = 0;
  *first = -1;
  for (int64_t i = 0; i < w->g.story.n; i++) {
    const rm_story_line *l = &w->g.story.lines[i];
    if (strcmp(l->kind, kind) != 0) continue;
    if (*first < 0) *first = l->t;
    n += l->count;
  }
  return n;
}

/* A flap between two of its flaps holds nothing, but is not over: the
 * queues are back to their level before it only once, after its last step
 * (2h40m), not in each of its up phases. */
Test(faults, backlog_drained_once_a_flap_is_over) {
  world *w = world_new(ONE_SITE("faults:\n  - {flap: gw-1, at: 1h, every: 20m, times: 3}\n"));
  rs_time_t t;
  world_run(w, 2 * RS_HOUR + 15 * RS_MIN); /* in the flap's second up phase (2h to 2h20m)... */
  cr_assert_eq(w->g.timeline.active_holds, 0, "...when no fault holds anything");
  cr_assert_eq(story_count(w, "backlog_drained", &t), 0, "told at %lld us, while the flap is under way", (long long)t);
  world_run(w, w->sc.duration);
  cr_assert_eq(story_count(w, "backlog_drained", &t), 1);
  cr_assert_gt(t, 2 * RS_HOUR + 40 * RS_MIN, "told at %lld us", (long long)t);
  cr_assert_leq(t, 2 * RS_HOUR + 50 * RS_MIN, "told at %lld us", (long long)t);
  assert_conserved(w);
  world_free(w);
}

/* A queue that stops dropping is told so dated at its last drop, not at the
 * sample that notices it: cust-1's link is cut from 1h to 1h30m; its only
 * agent (100 B/s) fills the 64 KB Essentials server in about 11 minutes,
 * then its own 16 KB in 3 more, and drops until the link is back; with
 * samples every 10 minutes, the one at 1h40m is the first to find it has
 * dropped nothing since the one before. The story stays in time order, and
 * the figures of the line are those of its last drop. */
Test(faults, drop_ended_is_dated_at_the_last_drop) {
  world *w = world_new("name: f\nduration: 6h\nseed: 9\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 0, primary: gw-1, backup: gw-2}\n"
                       "sample_every: 10m\nessentials: {queue: 64KB}\nagent: {queue: 16KB}\n"
                       "faults:\n  - {cut: cust-1, at: 1h, for: 30m}\n");
  rm_node *e = world_node(w, "cust-1/srv-1");
  rs_time_t t;
  for (rs_time_t m = 0; m <= 2 * RS_HOUR; m += RS_MIN) {
    world_run(w, m);
    /* What the figures of a drop are taken from holds at every instant. */
    cr_assert_eq(w->g.m.generated - w->g.m.delivered - w->g.m.dropped_total, rm_measure_queued(&w->g), "at %lld min",
                 (long long)(m / RS_MIN));
  }
  cr_assert_gt(e->spool.dropped, 0);
  cr_assert_eq(story_count(w, "drop_ended", &t), 1);
  /* The link is back at 1h30m; what arrives in the few seconds before the
   * queue has room again is still dropped. */
  cr_assert(t > RS_HOUR + 29 * RS_MIN && t < RS_HOUR + 31 * RS_MIN, "dated %lld us, not at its last drop",
            (long long)t);
  char when[64], clock[32];
  snprintf(when, sizeof when, "cust-1/srv-1's queue stopped dropping at %s: ",
           rs_clock_format(t / RS_SEC * RS_SEC, clock, sizeof clock));
  for (int64_t i = 1; i < w->g.story.n; i++)
    cr_assert_leq(w->g.story.lines[i - 1].t, w->g.story.lines[i].t, "line %lld is out of order", (long long)i);
  for (int64_t i = 0; i < w->g.story.n; i++) {
    const rm_story_line *l = &w->g.story.lines[i];
    if (strcmp(l->kind, "drop_ended") != 0) continue;
    cr_assert_eq(l->lost, e->spool.dropped, "lost so far at the last drop: all it ever dropped");
    cr_assert(strstr(l->first, when), "%s", l->first);
  }
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/* Times reached are told in whole seconds, settings as written: a link
 * degraded by 1500 ms says so, and the queues' return 59.5 s after a change
 * at 1h30m0.5s reads "59s after the last change at 01:30:00". */
Test(faults, times_in_whole_seconds_settings_as_written) {
  world *w = world_new(ONE_SITE("faults:\n  - {degrade: link:cust-1, at: 1h, for: 30m500ms, latency: 1500ms}\n"));
  world_run(w, w->sc.duration);
  bool degraded = false, drained = false;
  for (int64_t i = 0; i < w->g.story.n; i++) {
    const rm_story_line *l = &w->g.story.lines[i];
    if (strcmp(l->kind, "link_degraded") == 0)
      degraded = strstr(l->first, "latency +1s500ms, ") != NULL;
    if (strcmp(l->kind, "backlog_drained") == 0) {
      drained = true;
      cr_assert(strstr(l->first, " after the last change at 01:30:00") && !strstr(l->first, "ms after"), "%s",
                l->first);
    }
  }
  cr_assert(degraded, "the latency as written");
  cr_assert(drained);
  world_free(w);
}

/* A flap or rolling restart whose steps would run past the largest time
 * (every: 100000000d, 100 000 times) is held at the end of time rather
 * than wrapped round to before the run: its first steps run, the rest
 * never do, and nothing runs out of order. */
Test(faults, steps_past_the_end_of_time) {
  world *w = world_new(ONE_SITE("faults:\n  - {id: far, flap: gw-1, at: 2h, every: 100000000d, times: 100000}\n"
                                "  - {id: slow, rolling_restart: role:agent, at: 3h, for: 1m, gap: 100000000d}\n"));
  const rm_timeline *tl = &w->g.timeline;
  for (int i = 1; i < tl->n_steps; i++)
    cr_assert_geq(tl->steps[i].t, tl->steps[i - 1].t, "step %d before step %d", i, i - 1);
  cr_assert_eq(tl->steps[0].t, 2 * RS_HOUR);
  cr_assert_eq(tl->windows[0].end, RS_TIME_MAX);
  cr_assert_eq(tl->windows[1].end, RS_TIME_MAX);
  world_run(w, w->sc.duration);
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  cr_assert_eq(e->up.losses, 1, "gw-1 goes down once, in the run");
  world_free(w);
}

/* A link that flaps: down 1 minute, up 1 minute, 3 times; each outage is
 * shorter than the first retry round, so the sender reconnects to its
 * primary every time and never fails over. */
Test(faults, flap_link) {
  world *w = world_new(ONE_SITE("faults:\n  - {flap: link:cust-1, at: 1h, every: 1m, times: 3}\n"));
  rm_essentials *e = (rm_essentials *)(void *)world_node(w, "cust-1");
  world_run(w, w->sc.duration);
  cr_assert_eq(e->up.losses, 3);
  cr_assert_eq(e->up.failovers, 0);
  cr_assert_eq(e->up.worst_reconnect, RS_MIN, "the retry at +60 s finds the link back");
  world_free(w);
}

/*
 * A 3 h outage of the service provider's datacenter with three 200-agent
 * sites: each Essentials server fills its 100 MB queue and its agents hold
 * the rest in their own queues (1.08 MB each of 15 MB): rate x 3 h - 100 MB
 * per site, within one batch (a minute of its agents' data). Nothing is
 * dropped, at any tier.
 */
Test(faults, datacenter_outage_backs_up_to_the_agents) {
  world *w = world_new("name: f\nduration: 5h\nseed: 4\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 3, servers: 10, clients: 190}\n"
                       "faults:\n  - {datacenter_outage: true, at: 1h, for: 3h}\n");
  world_run(w, 4 * RS_HOUR - 1);
  double want = SITE_RATE * 3 * 3600 - 100.0 * 1048576;
  double batch = SITE_RATE * 60;
  for (int i = 0; i < 3; i++) {
    rm_essentials *e = &w->g.ess[i];
    int64_t held = 0;
    for (int k = 0; k < 200; k++) held += w->g.agents[e->first_agent + k].node.spool.bytes;
    cr_assert(held > want - batch && held < want + batch, "%s's agents hold %lld, want %.0f", e->node.name,
              (long long)held, want);
    cr_assert_eq(e->node.spool.bytes, 100 * 1048576);
  }
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/* A site outage is the same cut, for one customer only. */
Test(faults, site_outage) {
  world *w = world_new("name: f\nduration: 3h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 2, servers: 1, clients: 9}\n"
                       "faults:\n  - {site_outage: cust-2, at: 1h, for: 30m}\n");
  world_run(w, RS_HOUR + 10 * RS_MIN);
  cr_assert(w->g.ess[1].up.link_down);
  cr_assert_not(w->g.ess[0].up.link_down);
  cr_assert_not_null(w->g.ess[0].node.parent);
  cr_assert_null(w->g.ess[1].node.parent);
  world_free(w);
}

/* A customer with several Essentials servers: its site outage cuts every
 * one's link, and customer: takes them all with their agents. */
Test(faults, customer_with_several_essentials_servers) {
  world *w = world_new("name: f\nduration: 3h\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
                       "customers:\n  - {count: 2, servers: 31, clients: 20, essentials: 2}\n"
                       "faults:\n  - {site_outage: cust-2, at: 1h, for: 30m}\n"
                       "  - {crash: customer:cust-1, at: 2h, for: 10m}\n"
                       "  - {stop_health: agents:cust-2, at: 2h, for: 10m}\n");
  world_run(w, RS_HOUR + 10 * RS_MIN);
  cr_assert(w->g.ess[2].up.link_down);
  cr_assert(w->g.ess[3].up.link_down);
  cr_assert_not(w->g.ess[0].up.link_down);
  cr_assert_not(w->g.ess[1].up.link_down);
  world_run(w, 2 * RS_HOUR + RS_MIN);
  for (int e = 0; e < 4; e++) cr_assert_eq(w->g.ess[e].node.state, e < 2 ? RM_DOWN : RM_UP, "%s", w->g.ess[e].node.name);
  for (int64_t a = 0; a < w->g.n_agents; a++) {
    bool first = a < 51;
    cr_assert_eq(w->g.agents[a].node.state, first ? RM_DOWN : RM_UP, "%s", w->g.agents[a].node.name);
    cr_assert_eq(w->g.agents[a].health_stopped, !first, "%s", w->g.agents[a].node.name);
  }
  world_free(w);
}

/* A slow SQL store: its active node takes data in at a share of its
 * speed, 1 % here, less than the site sends (19 907 B/s); the difference
 * queues on the way, and what it takes in is its speed times the hour. */
Test(faults, slow_sql) {
  world *w = world_new(ONE_SITE("faults:\n  - {slow_sql: 0.01, at: 1h, for: 1h}\n"));
  rm_server *s = w->g.sql.member[0].srv;
  world_run(w, RS_HOUR - 1);
  double full = s->rate;
  world_run(w, RS_HOUR);
  cr_assert_float_eq(s->rate, full * 0.01, 1e-9 * full, "at 1 %% of %.0f B/s: %.0f", full, s->rate);
  cr_assert_lt(s->rate, SITE_RATE);
  rs_station_stats a, b;
  rs_station_stats_get(&s->st, &a);
  int64_t q0 = rm_measure_queued(&w->g), d0 = w->g.m.delivered;
  world_run(w, 2 * RS_HOUR - 1);
  rs_station_stats_get(&s->st, &b);
  double cap = s->rate * (3600 - 1e-6);
  /* All the hour, but the few seconds it waits for the management server's
   * next batch while that server's queue holds less than a batch (a
   * sender sends at once only after a full one, else at its next flush). */
  cr_assert(b.served - a.served <= cap * (1 + 1e-9) && b.served - a.served > cap - 30 * s->rate,
            "served %.0f in the hour at its speed: %.0f", b.served - a.served, cap);
  double stored = (double)(w->g.m.delivered - d0);
  cr_assert(stored <= cap + 1 && stored > cap - 2 * 1048576, "stored %.0f in the hour, speed x hour %.0f", stored, cap);
  double grown = (double)(rm_measure_queued(&w->g) - q0);
  cr_assert(grown > (SITE_RATE * 3600 - cap) * 0.99, "queues grew %.0f", grown);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_free(w);
}

/* Health services stopped on half of a customer's 10 servers: those five
 * alert (heartbeat failure) but answer the ping; they send nothing
 * meanwhile; when they start again their alerts close. */
Test(faults, stop_health) {
  world *w = world_new("name: f\nduration: 2h\nseed: 21\nload: {arrivals: fluid}\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 0}\n"
                       "faults:\n  - {stop_health: agents:cust-1, share: 50%, at: 30m, for: 30m}\n"
                       "expect: [{alert_within: 5m}]\n");
  world_run(w, 59 * RS_MIN);
  int stopped = 0;
  for (int64_t a = 0; a < w->g.n_agents; a++) {
    stopped += w->g.agents[a].health_stopped;
    cr_assert_eq(w->g.agents[a].node.state, RM_UP, "the computers stay up");
  }
  cr_assert_eq(stopped, 5);
  cr_assert_eq(w->g.watch.alerts, 5);
  cr_assert_eq(w->g.watch.connect_alerts, 0, "their computers answer the ping");
  world_run(w, w->sc.duration);
  for (int64_t a = 0; a < w->g.n_agents; a++) cr_assert_eq(w->g.watch.alert_state[a], 0);
  /* Generated: 10 agents for 2 h, less 5 for 30 min. */
  double want = AGENT_BYTES_PER_DAY * (10.0 * 2 - 5 * 0.5) / 24.0;
  cr_assert((double)w->g.m.generated > want - 10 * AGENT_BYTES_PER_DAY / 1440.0 && (double)w->g.m.generated <= want,
            "generated %lld, want %.0f", (long long)w->g.m.generated, want);
  cr_assert_eq(rm_group_judge(&w->g, w->sc.duration), 0, "%s", w->g.m.verdicts[0].detail);
  cr_assert(strstr(w->g.m.verdicts[0].detail, "0 of 5 outages late"), "%s", w->g.m.verdicts[0].detail);
  world_free(w);
}

/* A rolling restart of the gateways, 10 minutes apart, 3 minutes each:
 * gw-k is down from 1h + (k-1) x 10m for 3 minutes, one at a time. */
Test(faults, rolling_restart) {
  world *w = world_new("name: f\nduration: 3h\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
                       "customers:\n  - {count: 3, servers: 2, clients: 8}\n"
                       "faults:\n  - {rolling_restart: role:gateway, at: 1h, gap: 10m, for: 3m}\n");
  for (int k = 0; k < 3; k++) {
    rs_time_t t = RS_HOUR + k * 10 * RS_MIN;
    world_run(w, t + RS_MIN);
    for (int j = 0; j < 3; j++)
      cr_assert_eq(w->g.gw[j].node.state, j == k ? RM_DOWN : RM_UP, "at %d min: gw-%d", 60 + 10 * k + 1, j + 1);
    world_run(w, t + 3 * RS_MIN);
    cr_assert_eq(w->g.gw[k].node.state, RM_UP);
  }
  world_run(w, w->sc.duration);
  /* Between two restarts nothing is held, but the fault is under way: the
   * queues' return is told once, after the last restart (1h23m). */
  rs_time_t told;
  cr_assert_eq(story_count(w, "backlog_drained", &told), 1);
  cr_assert_gt(told, RS_HOUR + 23 * RS_MIN);
  assert_conserved(w);
  world_free(w);
}

/* Cluster faults: one SQL node fails (the cluster fails over for detection +
 * recovery), then both RMS nodes (down until one returns, then failing over
 * onto it: counted). */
Test(faults, clusters) {
  world *w = world_new(ONE_SITE("sql: {detection: 5s, recovery: 55s}\nrms: {failover: 1m}\n"
                                "faults:\n  - {crash: sql-1, at: 1h}\n  - {crash: rms, at: 2h, for: 10m}\n"));
  world_run(w, RS_HOUR + 59 * RS_SEC);
  cr_assert_eq(w->g.sql.node.state, RM_FAILING_OVER);
  world_run(w, RS_HOUR + 60 * RS_SEC);
  cr_assert_eq(w->g.sql.node.state, RM_UP);
  cr_assert_eq(w->g.sql.active, 1);
  cr_assert_eq(w->g.sql.failovers, 1);
  world_run(w, 2 * RS_HOUR + 10 * RS_MIN - 1);
  cr_assert_eq(w->g.rms.node.state, RM_DOWN);
  world_run(w, 2 * RS_HOUR + 11 * RS_MIN);
  cr_assert_eq(w->g.rms.node.state, RM_UP, "back after its failover time once a node returns");
  cr_assert_eq(w->g.rms.failovers, 1, "coming back from both down is a failover onto the node back");
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_free(w);
}

/* Selectors, shares and counts, and random times in a window: the same
 * draws on every run with the same seed. */
Test(faults, selectors_and_random_times) {
  const char *text = "name: f\nduration: 3h\nseed: 77\nmanagement_servers: {count: 1}\ngateways: {count: 6}\n"
                     "customers:\n  - {count: 6, servers: 1, clients: 4}\n"
                     "faults:\n  - {crash: role:gateway, count: 2, at: {from: 1h, to: 2h}, for: 5m}\n";
  rs_time_t when[2];
  char which[2][2][32];
  for (int run = 0; run < 2; run++) {
    world *w = world_new(text);
    const rm_timeline *tl = &w->g.timeline;
    cr_assert_eq(tl->n_steps, 2);
    cr_assert_eq(tl->steps[0].n, 2, "count: 2 gateways");
    when[run] = tl->steps[0].t;
    cr_assert(when[run] >= RS_HOUR && when[run] <= 2 * RS_HOUR);
    cr_assert_eq(tl->steps[1].t, when[run] + 5 * RS_MIN);
    rm_node *x = tl->targets[tl->steps[0].first], *y = tl->targets[tl->steps[0].first + 1];
    cr_assert_eq(x->role, RM_GATEWAY);
    cr_assert_eq(y->role, RM_GATEWAY);
    cr_assert_neq(x, y);
    snprintf(which[run][0], sizeof which[run][0], "%s", x->name);
    snprintf(which[run][1], sizeof which[run][1], "%s", y->name);
    world_run(w, when[run]);
    cr_assert_eq(x->state, RM_DOWN);
    cr_assert_eq(y->state, RM_DOWN);
    int down = 0;
    for (int i = 0; i < w->g.n_gw; i++) down += w->g.gw[i].node.state == RM_DOWN;
    cr_assert_eq(down, 2);
    world_free(w);
  }
  cr_assert_eq(when[0], when[1]);
  cr_assert_str_eq(which[0][0], which[1][0]);
  cr_assert_str_eq(which[0][1], which[1][1]);
}

/* Random failures: MTBF 2 days and MTTR 1 hour for 500 agents over 4
 * days: each agent fails about 4 / (2 + 1/24) = 1.96 times. The draws are
 * the seed's: the same seed, the same failures. */
Test(faults, random_failures) {
  const char *text = "name: f\nduration: 4d\nsample_every: 1h\nseed: 5\nmanagement_servers: {count: 1}\n"
                     "gateways: {count: 1}\ncustomers:\n  - {count: 1, servers: 500, clients: 0}\n"
                     "limits: {essentials_servers: 500}\n"
                     "random_failures:\n  agent: {mtbf: 2d, mttr: 1h}\n";
  world *a = world_new(text), *b = world_new(text);
  int64_t n = a->g.timeline.random_failures;
  double mean = 500 * 4.0 / (2.0 + 1.0 / 24.0), sd = 30; /* generous */
  cr_assert(n > mean - 3 * sd && n < mean + 3 * sd, "%lld failures, expected about %.0f", (long long)n, mean);
  cr_assert_eq(b->g.timeline.random_failures, n);
  for (int i = 0; i < a->g.timeline.n_steps; i++) cr_assert_eq(a->g.timeline.steps[i].t, b->g.timeline.steps[i].t);
  rs_time_t first = a->g.timeline.steps[0].t;
  world_run(a, a->sc.duration);
  assert_conserved(a);
  world_free(a);
  world_free(b);
  world *c = world_new("name: f\nduration: 4d\nsample_every: 1h\nseed: 6\nmanagement_servers: {count: 1}\n"
                       "gateways: {count: 1}\ncustomers:\n  - {count: 1, servers: 500, clients: 0}\n"
                       "limits: {essentials_servers: 500}\n"
                       "random_failures:\n  agent: {mtbf: 2d, mttr: 1h}\n");
  cr_assert_neq(c->g.timeline.steps[0].t, first, "another seed draws other failures");
  world_free(c);
}

/* Overlapping faults of one kind nest: the outer one holds to its end. */
Test(faults, overlapping_faults_nest) {
  world *w = world_new(ONE_SITE("faults:\n"
                                "  - {cut: cust-1, at: 1h, for: 3h}\n"
                                "  - {cut: link:cust-1, at: 2h, for: 1h}\n"
                                "  - {degrade: cust-1, at: 1h, for: 3h, latency: 500ms}\n"
                                "  - {degrade: cust-1, at: 2h, for: 1h, bandwidth: 64Kbit/s, loss: 10%}\n"
                                "  - {slow_sql: 0.1, at: 1h, for: 3h}\n"
                                "  - {slow_sql: 0.5, at: 2h, for: 1h}\n"
                                "  - {stop_health: cust-1/srv-1, at: 1h, for: 3h}\n"
                                "  - {stop_health: cust-1/srv-1, at: 2h, for: 1h}\n"
                                "  - {crash: gw-2, at: 1h, for: 3h}\n"
                                "  - {crash: gw-2, at: 2h, for: 1h}\n"));
  rm_uplink *u = world_node(w, "cust-1")->up;
  rm_agent *a = RS_CONTAINER_OF(world_node(w, "cust-1/srv-1"), rm_agent, node);
  world_run(w, 2 * RS_HOUR + RS_MIN);
  cr_assert(u->link_down);
  cr_assert_eq(u->extra_latency, 500 * RS_MSEC, "degradations add up");
  cr_assert_eq(u->bandwidth, 8000.0);
  cr_assert_float_eq(u->loss, 0.1, 1e-12);
  cr_assert_float_eq(w->g.sql.member[0].srv->factor, 0.1, 1e-12, "the slowest factor wins");
  world_run(w, 3 * RS_HOUR + RS_MIN);
  cr_assert(u->link_down, "the outer cut holds until 4h");
  cr_assert_eq(u->extra_latency, 500 * RS_MSEC);
  cr_assert_eq(u->bandwidth, 0.0, "the inner degradation is over");
  cr_assert_float_eq(w->g.sql.member[0].srv->factor, 0.1, 1e-12);
  cr_assert(a->health_stopped);
  cr_assert_eq(world_node(w, "gw-2")->state, RM_DOWN);
  world_run(w, 4 * RS_HOUR + RS_MIN);
  cr_assert_not(u->link_down);
  cr_assert_eq(u->extra_latency, 0);
  cr_assert_float_eq(w->g.sql.member[0].srv->factor, 1.0, 1e-12);
  cr_assert_not(a->health_stopped);
  cr_assert_eq(world_node(w, "gw-2")->state, RM_UP);
  cr_assert_eq(w->g.timeline.active_holds, 0);
  world_free(w);
}

/* A customer whose name starts with "link" is a node like any other. */
Test(faults, names_that_look_like_links) {
  world *w = world_new("name: f\nduration: 2h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {name: linkco, count: 1, servers: 2, clients: 2}\n"
                       "faults:\n  - {crash: linkco-1, at: 1h, for: 10m}\n  - {crash: linkco-1/srv-2, at: 1h}\n");
  world_run(w, RS_HOUR + RS_MIN);
  cr_assert_eq(world_node(w, "linkco-1")->state, RM_DOWN);
  cr_assert_not(world_node(w, "linkco-1")->up->link_down);
  cr_assert_eq(world_node(w, "linkco-1/srv-2")->state, RM_DOWN);
  world_free(w);
}

/* count: more nodes than the selector gives is refused where it is written,
 * not silently taken as all of them. */
Test(faults, count_above_the_selection_is_refused) {
  const char *text = "name: c\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                     "customers:\n  - {count: 1, servers: 1, clients: 1}\n"
                     "faults:\n  - {crash: role:gateway, count: 5, at: 10m, for: 5m}\n";
  rm_scenario sc;
  rs_sim sim;
  rm_group g;
  char err[512];
  cr_assert_eq(rm_scenario_parse(&sc, "c.yaml", text, strlen(text), err, sizeof err), 0, "%s", err);
  rs_sim_init(&sim);
  cr_assert_eq(rm_group_build(&g, &sc, &sim, NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "c.yaml:8:5: count: 5, but role:gateway selects 2"), "%s", err);
  rs_sim_free(&sim);
  rm_scenario_free(&sc);
}

/*
 * The SQL store down for 2 hours behind 1 MB queues: the management server
 * fills, then its gateway, then the Essentials server, each holding back
 * its senders, and the agents keep the rest in their own queues: every
 * tier full, nothing dropped; all of it stored once SQL is back.
 */
Test(faults, sql_outage_backs_up_tier_by_tier) {
  world *w = world_new("name: f\nduration: 5h\nseed: 6\nmanagement_servers: {count: 1, queue: 1MB}\n"
                       "gateways: {count: 1, queue: 1MB}\nessentials: {queue: 1MB}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 40}\n"
                       "faults:\n  - {crash: sql-1, at: 1h, for: 2h}\n  - {crash: sql-2, at: 1h, for: 2h}\n");
  world_run(w, 3 * RS_HOUR - 1);
  const int64_t mb = 1048576;
  /* Full, less at most one transfer's worth on its way. */
  cr_assert_geq(world_node(w, "ms-1")->spool.bytes, mb - 8 * 1024);
  cr_assert_geq(world_node(w, "gw-1")->spool.bytes + w->g.gw[0].up.inflight_bytes, mb - 64 * 1024);
  cr_assert_geq(world_node(w, "cust-1")->spool.bytes + w->g.ess[0].up.inflight_bytes, mb - 64 * 1024);
  int64_t held = 0;
  for (int64_t a = 0; a < w->g.n_agents; a++) held += w->g.agents[a].node.spool.bytes;
  double two_hours = 50.0 * AGENT_BYTES_PER_DAY / 12;
  cr_assert_gt((double)held, two_hours - 3.0 * (double)mb - 50.0 * AGENT_BYTES_PER_DAY / 1440 - 2.0 * (double)mb,
               "the agents hold the rest: %lld", (long long)held);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
  cr_assert_eq(w->g.m.generated - w->g.m.delivered, rm_measure_queued(&w->g));
  world_free(w);
}
