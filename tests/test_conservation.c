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
 * until its 100 MB queue is full, then drops the rest: rate x 3 h - 100 MB,
 * within one batch (a minute of its agents' data, which is when each of them
 * sends), all of it performance data, the least important.
 */
Test(conservation, a_site_cut_off_drops_the_overflow) {
  world *w = world_new("name: q\nduration: 5h\nseed: 3\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
                       "customers:\n  - {count: 1, servers: 10, clients: 190, primary: gw-1, backup: gw-2}\n"
                       "faults:\n  - {crash: gw-1, at: 1h, for: 3h}\n  - {crash: gw-2, at: 1h, for: 3h}\n");
  rm_node *ess = world_node(w, "cust-1");
  world_run(w, 4 * RS_HOUR - 1);
  int64_t rate_x_time = 200 * AGENT_BYTES_PER_DAY * 3 / 24;
  int64_t want = rate_x_time - 100 * 1048576;
  int64_t batch = 200 * AGENT_BYTES_PER_DAY / 1440;
  int64_t got = ess->spool.dropped;
  cr_assert(got > want - batch && got < want + batch, "dropped %lld, want %lld within %lld", (long long)got,
            (long long)want, (long long)batch);
  cr_assert_eq(ess->spool.dropped_prio[RM_PRIO_LOW], got, "only performance data is dropped");
  cr_assert_eq(ess->spool.bytes, 100 * 1048576, "the queue is full");
  /* Its agents never dropped: their Essentials server took everything. */
  cr_assert_eq(rm_group_dropped_role(&w->g, RM_AGENT), 0);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_lt(ess->spool.bytes, 1048576, "the backlog drained after the gateways returned");
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
