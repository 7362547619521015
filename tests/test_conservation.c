/* Data: every byte accounted for in every shipped scenario, and a site cut
 * off longer than its queue holds drops exactly the overflow. */
#include <dirent.h>
#include <stdio.h>

#include "model_util.h"

Test(conservation, every_shipped_scenario, .timeout = 120) {
  const char *dir = getenv("ROMSIM_SCENARIOS");
  cr_assert_not_null(dir, "ROMSIM_SCENARIOS is not set (run through meson test)");
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  struct dirent *e;
  int seen = 0;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) continue;
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    world *w = calloc(1, sizeof *w);
    cr_assert_eq(rm_scenario_load(&w->sc, path, err, sizeof err), 0, "%s", err);
    rs_sim_init(&w->sim);
    cr_assert_eq(rm_group_build(&w->g, &w->sc, &w->sim, NULL, err, sizeof err), 0, "%s", err);
    rm_group_start(&w->g);
    world_run(w, w->sc.duration);
    cr_assert_gt(w->g.generated, 0, "%s", e->d_name);
    cr_assert_gt(w->g.delivered, 0, "%s", e->d_name);
    assert_conserved(w);
    /* And what was generated is what the rates say: every agent up all the
     * run, unless a fault took it down. */
    if (w->sc.n_faults == 0) {
      double want = (double)AGENT_BYTES_PER_DAY * (double)w->g.n_agents * (double)w->sc.duration / (double)RS_DAY;
      cr_assert(w->g.generated <= want && w->g.generated > want - 2.0 * AGENT_BYTES_PER_DAY / 1440.0 * w->g.n_agents,
                "%s: generated %lld, rates say %.0f", e->d_name, (long long)w->g.generated, want);
    }
    world_free(w);
    seen++;
  }
  closedir(d);
  cr_assert_geq(seen, 6, "only %d scenarios found", seen);
}

/*
 * A site whose gateways are both down for 3 hours: the Essentials server
 * queues its 200 agents' data (200 x 8 600 000 bytes a day, 19 907 B/s)
 * until its 100 MB queue is full; then its agents keep their data in their
 * own 15 MB queues (each holds 1.08 MB of the 3 hours), so nothing is
 * dropped: the agents hold rate x 3 h - 100 MB, within one batch (a minute
 * of the agents' data, which is when each of them sends).
 */
Test(conservation, a_site_cut_off_queues_on_its_agents) {
  world *w = world_new("name: q\nduration: 5h\nseed: 3\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 190, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {crash: gw-1, at: 1h, for: 3h}\n  - {crash: gw-2, at: 1h, for: 3h}\n");
  rm_node *ess = world_node(w, "cust-1");
  world_run(w, 4 * RS_HOUR - 1);
  int64_t rate_x_time = 200 * AGENT_BYTES_PER_DAY * 3 / 24;
  int64_t want = rate_x_time - 100 * 1048576;
  int64_t batch = 200 * AGENT_BYTES_PER_DAY / 1440;
  int64_t on_agents = 0;
  for (int64_t a = 0; a < w->g.n_agents; a++) on_agents += w->g.agents[a].node.spool.bytes;
  cr_assert(on_agents > want - batch && on_agents < want + batch, "agents hold %lld, want %lld within %lld",
            (long long)on_agents, (long long)want, (long long)batch);
  cr_assert_eq(ess->spool.bytes, 100 * 1048576, "the Essentials server's queue is full");
  cr_assert_eq(rm_group_dropped(&w->g), 0, "nothing is dropped while the agents' queues have room");
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_group_dropped(&w->g), 0);
  cr_assert_lt(ess->spool.bytes, 1048576, "the backlog drained after the gateways returned");
  for (int64_t a = 0; a < w->g.n_agents; a++) cr_assert_eq(w->g.agents[a].node.spool.bytes, 0);
  world_free(w);
}

/*
 * The same with 256 KB agent queues: once the Essentials server's 100 MB
 * and every agent's 256 KB are full, the agents drop the rest, performance
 * data only (the least important), and the Essentials server drops
 * nothing: rate x 3 h - 100 MB - 200 x 256 KB, within one batch.
 */
Test(conservation, a_site_cut_off_drops_on_its_agents_when_they_are_full) {
  world *w = world_new("name: q\nduration: 5h\nseed: 3\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "agent: {queue: 256KB}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 190, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {crash: gw-1, at: 1h, for: 3h}\n  - {crash: gw-2, at: 1h, for: 3h}\n");
  rm_node *ess = world_node(w, "cust-1");
  world_run(w, 4 * RS_HOUR - 1);
  int64_t want = 200 * AGENT_BYTES_PER_DAY * 3 / 24 - 100 * 1048576 - 200 * 262144;
  int64_t batch = 200 * AGENT_BYTES_PER_DAY / 1440;
  int64_t got = rm_group_dropped_role(&w->g, RM_AGENT), low = 0;
  for (int64_t a = 0; a < w->g.n_agents; a++) {
    cr_assert_eq(w->g.agents[a].node.spool.bytes, 262144, "agent %lld's queue is full", (long long)a);
    low += w->g.agents[a].node.spool.dropped_prio[RM_PRIO_LOW];
  }
  cr_assert(got > want - batch && got < want + batch, "agents dropped %lld, want %lld within %lld", (long long)got,
            (long long)want, (long long)batch);
  cr_assert_eq(low, got, "only performance data is dropped");
  cr_assert_eq(ess->spool.dropped, 0, "the Essentials server never takes more than it holds");
  cr_assert_eq(ess->spool.bytes, 100 * 1048576);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/*
 * An Essentials server down for 5 hours with 1 MB agent queues: each agent
 * drops exactly what it generated during the outage beyond its queue. The
 * bytes an agent queues are those of its ticks while the server is down;
 * when it is back, the agent hands over its backlog before it queues the
 * minute just generated, so that minute does not push the oldest out.
 */
Test(conservation, agents_send_their_backlog_before_new_data) {
  world *w = world_new("name: q\nduration: 8h\nseed: 5\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "agent: {queue: 1MB}\n"
                       "customers:\n  - {count: 1, servers: 3, clients: 5}\n"
                       "faults:\n  - {crash: cust-1, at: 1h, for: 5h}\n");
  world_run(w, w->sc.duration);
  const int64_t rate[4] = {4660LL * 1750, 130LL * 3000, 5000, 100LL * 500};
  for (int64_t a = 0; a < w->g.n_agents; a++) {
    rm_agent *ag = &w->g.agents[a];
    rs_time_t phase = rs_event_time(&ag->tick) % RS_MIN;
    /* Its last tick before the crash and its last while the server is down. */
    rs_time_t t0 = RS_HOUR - RS_MIN + phase, t1 = 6 * RS_HOUR - RS_MIN + phase;
    if (t0 >= RS_HOUR) t0 -= RS_MIN;
    if (t1 >= 6 * RS_HOUR) t1 -= RS_MIN;
    int64_t queued = 0;
    for (int k = 0; k < 4; k++) queued += rate[k] * t1 / RS_DAY - rate[k] * t0 / RS_DAY;
    int64_t want = queued - 1048576;
    cr_assert_eq(ag->node.spool.dropped, want, "%s dropped %lld, want %lld (its outage's data less 1 MB)",
                 ag->node.name, (long long)ag->node.spool.dropped, (long long)want);
  }
  assert_conserved(w);
  world_free(w);
}

/* An Essentials server down for a day: its agents' own 15 MB queues fill
 * and drop (per agent: 8.6 MB a day, so a 2-day outage overflows). */
Test(conservation, agents_queue_while_their_server_is_down) {
  world *w = world_new("name: q\nduration: 60h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 1}\n"
                       "faults:\n  - {crash: cust-1, at: 1h, for: 48h}\n");
  world_run(w, 49 * RS_HOUR - 1);
  int64_t want = 2 * (AGENT_BYTES_PER_DAY * 2 - 15360 * 1024);
  int64_t got = rm_group_dropped_role(&w->g, RM_AGENT);
  int64_t batch = 2 * AGENT_BYTES_PER_DAY / 1440;
  cr_assert(got > want - batch && got < want + batch, "dropped %lld, want %lld", (long long)got, (long long)want);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}
