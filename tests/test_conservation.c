/* Data: every byte accounted for in every shipped scenario, and a site cut
 * off longer than its queue holds drops exactly the overflow. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>

#include "model_util.h"
#include "rm_replay.h"

Test(conservation, every_shipped_scenario, .timeout = 120) {
  const char *dir = getenv("ROMSIM_SCENARIOS");
  cr_assert_not_null(dir, "ROMSIM_SCENARIOS is not set (run through meson test)");
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  struct dirent *e;
  int seen = 0, checked = 0;
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
    cr_assert_gt(w->g.m.generated, 0, "%s", e->d_name);
    cr_assert_gt(w->g.m.delivered, 0, "%s", e->d_name);
    assert_conserved(w);
    /* And what was generated is what the rates say: every agent up all the
     * run, unless a fault took it down or its hours switch it off (or it
     * sends a start burst): exact with fluid arrivals (less at most two
     * minutes' worth: the first ticks), within 0.5 % with Poisson ones (a
     * day of thousands of agents: the count's sd is a few hundredths of a
     * percent). */
    if (w->sc.n_faults == 0 && !rm_scenario_keeps_hours(&w->sc) && w->sc.p.start_burst == 0) {
      double want = (double)AGENT_BYTES_PER_DAY * (double)w->g.n_agents * (double)w->sc.duration / (double)RS_DAY;
      double got = (double)w->g.m.generated;
      if (w->sc.load.arrivals == RM_ARRIVALS_FLUID)
        cr_assert(got <= want && got > want - 2.0 * AGENT_BYTES_PER_DAY / 1440.0 * w->g.n_agents,
                  "%s: generated %.0f, rates say %.0f", e->d_name, got, want);
      else
        cr_assert(fabs(got - want) < 0.005 * want, "%s: generated %.0f, rates say %.0f", e->d_name, got, want);
      checked++;
    }
    world_free(w);
    seen++;
  }
  closedir(d);
  cr_assert_geq(seen, 6, "only %d scenarios found", seen);
  cr_assert_geq(checked, 2, "the rates checked on %d scenarios only", checked);
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
  cr_assert_eq(rm_measure_dropped(&w->g), 0, "nothing is dropped while the agents' queues have room");
  world_run(w, w->sc.duration);
  assert_conserved(w);
  cr_assert_eq(rm_measure_dropped(&w->g), 0);
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
  int64_t got = rm_measure_dropped_role(&w->g, RM_AGENT), low = 0;
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
  world *w = world_new("name: q\nduration: 8h\nseed: 5\nload: {arrivals: fluid}\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "agent: {queue: 1MB}\n"
                       "customers:\n  - {count: 1, servers: 3, clients: 5}\n"
                       "faults:\n  - {crash: cust-1, at: 1h, for: 5h}\n");
  world_run(w, w->sc.duration);
  const int64_t rate[4] = {4660LL * 1750, 130LL * 3000, 5000, 100LL * 500};
  for (int64_t a = 0; a < w->g.n_agents; a++) {
    rm_agent *ag = &w->g.agents[a];
    rs_time_t phase = rs_sim_event_time(&ag->tick) % RS_MIN;
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
  world *w = world_new("name: q\nduration: 60h\nload: {arrivals: fluid}\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                       "customers:\n  - {count: 1, servers: 1, clients: 1}\n"
                       "faults:\n  - {crash: cust-1, at: 1h, for: 48h}\n");
  world_run(w, 49 * RS_HOUR - 1);
  int64_t want = 2 * (AGENT_BYTES_PER_DAY * 2 - 15360 * 1024);
  int64_t got = rm_measure_dropped_role(&w->g, RM_AGENT);
  int64_t batch = 2 * AGENT_BYTES_PER_DAY / 1440;
  cr_assert(got > want - batch && got < want + batch, "dropped %lld, want %lld", (long long)got, (long long)want);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/*
 * The datacenter-outage replay's comment says how fast each site queues and
 * when its queue is full: figures the model must give. Each Essentials
 * server's 200 agents send 200 x 8 600 000 bytes a day (19 907 B/s, 19.44
 * KB/s); its 100 MB queue is full after 100 MB / that rate (87.8 minutes
 * from empty; 87.7 in the run, as the queue held a little at 02:00).
 */
Test(conservation, the_datacenter_outage_replay_says_what_the_model_does) {
  const char *dir = getenv("ROMSIM_SCENARIOS");
  cr_assert_not_null(dir, "ROMSIM_SCENARIOS is not set (run through meson test)");
  char design[1024], csv[1024], err[1024];
  snprintf(design, sizeof design, "%s/replays/dc-design.yaml", dir);
  snprintf(csv, sizeof csv, "%s/replays/datacenter-outage.csv", dir);
  /* The comment's figures, wherever its lines break; and the README's line
   * for the replay says the same. */
  FILE *f = fopen(csv, "r");
  cr_assert_not_null(f);
  char text[4096] = "", line[1024];
  while (fgets(line, sizeof line, f) && line[0] == '#') {
    line[strcspn(line, "\n")] = ' ';
    strncat(text, line + (line[1] == ' ' ? 2 : 1), sizeof text - strlen(text) - 1);
  }
  fclose(f);
  const char *r = strstr(text, "about "), *m = r ? strstr(r + 6, "after about ") : NULL;
  double said_rate = 0, said_min = 0, readme_rate = 0, readme_min = 0;
  cr_assert(r && sscanf(r, "about %lf KB/s", &said_rate) == 1, "no rate in: %s", text);
  cr_assert(m && sscanf(m, "after about %lf minutes", &said_min) == 1, "no time in: %s", text);
  snprintf(line, sizeof line, "%s/../README.md", dir);
  f = fopen(line, "r");
  cr_assert_not_null(f);
  bool seen = false;
  while (!seen && fgets(line, sizeof line, f)) {
    if (!strstr(line, "replays/datacenter-outage.csv` |")) continue;
    seen = true;
    r = strstr(line, "about ");
    m = r ? strstr(r + 6, "after about ") : NULL;
    cr_assert(r && sscanf(r, "about %lf KB/s", &readme_rate) == 1 && m &&
              sscanf(m, "after about %lf minutes", &readme_min) == 1, "README: %s", line);
  }
  fclose(f);
  cr_assert(seen, "no line for the replay in README.md");
  cr_assert(readme_rate == said_rate && readme_min == said_min, "README says %.1f KB/s and %.0f minutes",
            readme_rate, readme_min);

  world *w = calloc(1, sizeof *w);
  cr_assert_eq(rm_scenario_load(&w->sc, design, err, sizeof err), 0, "%s", err);
  cr_assert_eq(rm_replay_load(&w->sc, csv, err, sizeof err), 0, "%s", err);
  rs_sim_init(&w->sim);
  cr_assert_eq(rm_group_build(&w->g, &w->sc, &w->sim, NULL, err, sizeof err), 0, "%s", err);
  rm_group_start(&w->g);
  int64_t per_agent = 0;
  for (int k = 0; k < RM_DATA_KINDS; k++) per_agent += w->g.rate[k];
  cr_assert_eq(per_agent, AGENT_BYTES_PER_DAY);
  rm_essentials *e = &w->g.ess[0];
  double rate = (double)(e->servers + e->clients) * (double)per_agent / 86400.0; /* B/s */
  cr_assert(said_rate > rate / 1024 - 0.05 && said_rate < rate / 1024 + 0.05, "the comment says %.1f KB/s, the model %.2f",
            said_rate, rate / 1024);
  double full = (double)e->node.spool.capacity / rate / 60; /* minutes from empty */
  cr_assert(said_min > full - 0.5 && said_min < full + 0.5, "the comment says %.1f minutes, the model %.1f", said_min,
            full);
  /* And the run: the first Essentials server full that long after the
   * outage began, when its agents start keeping their data (to 10 s). */
  rs_time_t first = RS_TIME_MAX;
  for (rs_time_t t = 2 * RS_HOUR; t <= 4 * RS_HOUR && first == RS_TIME_MAX; t += 10 * RS_SEC) {
    world_run(w, t);
    for (int64_t a = 0; a < w->g.n_agents && first == RS_TIME_MAX; a++)
      if (w->g.agents[a].node.spool.bytes > 0) first = t;
  }
  cr_assert_neq(first, RS_TIME_MAX, "no Essentials server was full");
  cr_assert_eq(rm_measure_dropped(&w->g), 0, "the agents hold the rest");
  double ran = (double)(first - 2 * RS_HOUR) / (double)RS_MIN;
  cr_assert(said_min > ran - 0.5 && said_min < ran + 0.5, "the comment says %.1f minutes, the run %.2f", said_min, ran);
  world_free(w);
}
