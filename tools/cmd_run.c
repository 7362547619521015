/*
 * romsim run and romsim validate.
 *
 * A run reads and checks the scenario (nothing is created on bad input),
 * opens the results file under a temporary name, builds the group and runs
 * the engine on libuv's worker pool while the main loop watches for
 * SIGINT, SIGTERM and SIGHUP and, on a terminal, redraws a progress line.
 * When the engine returns, the expectations are judged, the results file
 * is closed under its final name and the summary is printed.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cli.h"
#include "rm_group.h"
#include "rm_replay.h"
#include "rm_scenario.h"
#include "rm_units.h"
#include "rs_results.h"
#include "rs_sim.h"
#include "version.h"

static const char *run_usage =
    "usage: romsim run SCENARIO [-o RESULTS.db] [--seed N] [--replay OUTAGE.csv] [--max-memory SIZE] [--json]\n"
    "                  [--record-all] [--agents populations|individual]\n"
    "\n"
    "Run SCENARIO (a YAML file), write the results file and print a summary.\n"
    "\n"
    "  -o, --output FILE  results file (default: the scenario's name with .db,\n"
    "                     in the current folder); written under a temporary name\n"
    "                     and renamed when the run ends; refused before the run if\n"
    "                     it is not a regular file, is the scenario or the replay,\n"
    "                     or its folder cannot be written\n"
    "  --seed N           use seed N instead of the scenario's (0 to 2^64-1)\n"
    "  --replay FILE      apply a recorded outage (CSV: time,target,action[,parameters])\n"
    "                     on top of the scenario's faults; see docs/scenarios.md\n"
    "  --max-memory SIZE  refuse a scenario whose run needs more memory than SIZE\n"
    "                     (such as 8GB; default half of this machine's memory);\n"
    "                     the estimate is in docs/scenarios.md, \"Memory\"\n"
    "  --json             print the summary as one JSON object\n"
    "  --record-all       keep every series at every sample, whatever the scenario's\n"
    "                     record: says (a group of more than 100 Essentials servers\n"
    "                     has them summed per gateway, and each node's series over\n"
    "                     10 samples, by default; docs/results.md)\n"
    "  --agents HOW       populations (the default): an Essentials server's agents\n"
    "                     that behave alike tick together; individual: every agent\n"
    "                     ticks on its own event, slower, with the same results\n"
    "                     (a check of the populations; docs/performance.md)\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: 0 every expectation held, 1 one failed, 2 bad input or usage or\n"
    "the results file cannot be written, 3 interrupted (SIGINT, SIGTERM, SIGHUP):\n"
    "the results file is then kept with status interrupted.\n";

static const char *validate_usage =
    "usage: romsim validate SCENARIO [--replay OUTAGE.csv] [--max-memory SIZE]\n"
    "\n"
    "Read and check SCENARIO without running it. Prints a one-line description\n"
    "of the design and the memory a run of it needs, or the first error as\n"
    "FILE:LINE:COL: message. A scenario whose run needs more memory than\n"
    "--max-memory (default half of this machine's) is refused, as run would.\n"
    "exit status: 0 valid, 2 invalid.\n";

/* Everything one run needs, shared by the loop thread and the worker. */
typedef struct {
  rm_scenario sc;
  const char *out_path;
  bool json;
  rs_sim sim;
  rm_group group;
  rs_results *res;
  int sim_rc;               /* what rs_sim_run returned */
  bool individual;          /* --agents individual */
  int failed;               /* expectations that failed */
  const char *status;       /* complete, interrupted, failed */
  char err[1024];           /* why the run failed */
  double wall_start, wall_end;
  double recording;          /* seconds of the run spent recording: the recorder's calls and its close */
  uv_signal_t sigint, sigterm, sighup;
  uv_timer_t progress;
  bool progress_on;
  bool progress_drawn;
  uv_work_t work;
} run_ctx;

static double wall_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Worker thread: build, run, judge, close the results file. */
static void run_work(uv_work_t *w) {
  run_ctx *c = w->data;
  if (rm_group_build(&c->group, &c->sc, &c->sim, c->res, c->err, sizeof c->err)) {
    c->status = "failed";
    rs_results_abandon(c->res);
    c->res = NULL;
    return;
  }
  c->group.agents_individual = c->individual;
  rm_group_start(&c->group);
  c->sim_rc = rs_sim_run(&c->sim, c->sc.duration);
  const char *status = "complete";
  if (c->sim_rc < 0) {
    status = "failed";
    snprintf(c->err, sizeof c->err, "the engine failed: %s", rs_strerror(c->sim_rc));
  } else if (c->sim_rc == RS_RUN_INTERRUPTED) {
    status = "interrupted";
  }
  c->status = cli_end_run(&c->group, &c->sim, &c->res, status, &c->failed, c->err, sizeof c->err, &c->recording);
}

const char *cli_end_run(rm_group *g, rs_sim *sim, rs_results **res, const char *status, int *failed, char *err,
                        size_t errlen, double *recording) {
  if (g->error) {
    status = "failed";
    snprintf(err, errlen, "%s", g->errmsg);
  } else if (strcmp(status, "complete") == 0) {
    *failed = rm_group_judge(g, rs_sim_now(sim));
    if (g->error) {
      status = "failed";
      snprintf(err, errlen, "%s", g->errmsg);
    }
  } else if (strcmp(status, "interrupted") == 0) {
    rm_pops_settle(g); /* the figures printed count every tick until it stopped */
  }
  if (g->res && strcmp(status, "failed") != 0 && (rm_story_record(g) || rm_timeline_record(&g->timeline, g))) {
    status = "failed";
    snprintf(err, errlen, "%s", rs_results_errmsg(*res));
  }
  char cerr[1024];
  double t0 = wall_clock();
  double busy = rs_results_busy_s(*res);
  int closed = rs_results_close(*res, status, rs_sim_now(sim), sim->events, cerr, sizeof cerr);
  if (recording) *recording = busy + wall_clock() - t0;
  if (closed) {
    /* The first error is the one to tell: a full disk's, not what the
     * emptied file said after it. */
    if (strcmp(status, "failed") != 0) snprintf(err, errlen, "%s", cerr);
    status = "failed";
  }
  *res = NULL;
  return status;
}

static void close_cb(uv_handle_t *h) { (void)h; }

/* Loop thread, once the worker is done: stop watching. */
static void run_after(uv_work_t *w, int status) {
  run_ctx *c = w->data;
  (void)status;
  c->wall_end = wall_clock();
  uv_close((uv_handle_t *)&c->sigint, close_cb);
  uv_close((uv_handle_t *)&c->sigterm, close_cb);
  uv_close((uv_handle_t *)&c->sighup, close_cb);
  if (c->progress_on) {
    uv_close((uv_handle_t *)&c->progress, close_cb);
    if (c->progress_drawn) fputs("\r\033[K", stderr);
  }
}

static void on_signal(uv_signal_t *h, int signum) {
  run_ctx *c = h->data;
  (void)signum;
  rs_sim_interrupt(&c->sim);
}

/* Redraw the progress line: simulated time out of the duration, events per
 * second and the wall time left at that pace. */
static void on_progress(uv_timer_t *t) {
  run_ctx *c = t->data;
  rs_time_t now = atomic_load_explicit(&c->sim.progress_now, memory_order_relaxed);
  uint64_t ev = atomic_load_explicit(&c->sim.progress_events, memory_order_relaxed);
  double el = wall_clock() - c->wall_start;
  char a[32], b[32], l[32];
  double frac = c->sc.duration ? (double)now / (double)c->sc.duration : 1.0;
  double left = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
  fprintf(stderr, "\r\033[K%s: %s of %s simulated, %.2f M events/s, %s left", c->sc.name,
          rs_clock_format(now, a, sizeof a), rs_duration_format(c->sc.duration, b, sizeof b),
          el > 0 ? (double)ev / el / 1e6 : 0.0,
          frac > 0 ? rs_duration_format((rs_time_t)left * RS_SEC, l, sizeof l) : "?");
  c->progress_drawn = true;
}

/* " on N Essentials servers" when customers have more than one each, else "". */
static void essentials_note(const rm_scenario *sc, char *buf, size_t len) {
  int64_t n = rm_scenario_essentials(sc);
  buf[0] = '\0';
  if (n != rm_scenario_customers(sc)) snprintf(buf, len, " on %lld Essentials servers", (long long)n);
}

static const char *role_label(rm_role r) {
  switch (r) {
  case RM_MS: return "management server";
  case RM_GATEWAY: return "gateway";
  case RM_ESSENTIALS: return "Essentials server";
  default: return "agent";
  }
}

/* The highest peak utilization of resource res over the servers of
 * hardware role r. */
static double role_peak(const rm_group *g, int r, int res) {
  double peak = 0;
  for (int i = 0; i < g->n_servers; i++)
    if ((int)g->servers[i].role == r && g->servers[i].peak[res] > peak) peak = g->servers[i].peak[res];
  return peak;
}

/* For the roles that take data in through a station: by the agents its
 * servers carried at their peak (up to 4 sizes), the mean time a batch
 * waited to be taken in and the data being taken in on average. */
static void print_taken_in(const rm_group *g, rs_time_t end) {
  static const int roles[] = {RM_HW_GATEWAY, RM_HW_MS, RM_HW_SQL};
  double t = (double)end / 1e6;
  if (t <= 0) return;
  printf("taken in (a batch's mean wait; data being taken in, on average):\n");
  for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++) {
    int64_t sizes[4];
    int n_sizes = 0;
    bool more = false;
    for (int i = 0; i < g->n_servers; i++) {
      const rm_server *s = &g->servers[i];
      if ((int)s->role != roles[k] || !s->waits) continue;
      int j = 0;
      while (j < n_sizes && sizes[j] != s->node->m.peak_agents) j++;
      if (j == n_sizes && n_sizes < 4) sizes[n_sizes++] = s->node->m.peak_agents;
      else if (j == n_sizes) more = true;
    }
    if (!n_sizes) continue;
    printf("  %-18s", rm_hw_role_name((rm_hw_role)roles[k]));
    for (int j = 0; j < n_sizes; j++) {
      double wait = 0, held = 0;
      int64_t waits = 0;
      int count = 0;
      for (int i = 0; i < g->n_servers; i++) {
        const rm_server *s = &g->servers[i];
        if ((int)s->role != roles[k] || !s->waits || s->node->m.peak_agents != sizes[j]) continue;
        wait += s->wait_total;
        waits += s->waits;
        held += s->byte_seconds / t;
        count++;
      }
      char b[32];
      if (roles[k] == RM_HW_SQL) /* the store: its nodes in turn, so their sum */
        printf(" %.2f s, %s", wait / (double)waits, rm_size_format((int64_t)held, b, sizeof b));
      else
        printf("%s %lld agents (%d): %.2f s, %s", j ? ";" : "", (long long)sizes[j], count, wait / (double)waits,
               rm_size_format((int64_t)(held / count), b, sizeof b));
    }
    printf("%s\n", more ? "; ..." : "");
  }
}

/* Per role, the peak utilization of each resource (its hottest server's
 * figures), the time batches wait to be taken in, and the bottleneck. */
static void print_utilization(const rm_group *g, rs_time_t end) {
  const double *th = g->sc->hw.threshold;
  printf("peak utilization by role (thresholds: cpu %.0f %%, disk %.0f %%, network %.0f %%, memory %.0f %%):\n",
         th[RM_RES_CPU] * 100, th[RM_RES_DISK] * 100, th[RM_RES_NETWORK] * 100, th[RM_RES_MEMORY] * 100);
  printf("  %-18s %-12s %8s %8s %8s %8s\n", "role", "hottest", "cpu", "disk", "network", "memory");
  for (int r = 0; r < RM_HW_ROLES; r++) {
    int res;
    const rm_server *hot = rm_server_hottest(g->servers, g->n_servers, r, th, &res);
    if (!hot) continue;
    printf("  %-18s %-12s", rm_hw_role_name((rm_hw_role)r), hot->node->name);
    for (int k = 0; k < RM_RESOURCES; k++) {
      double peak = role_peak(g, r, k);
      printf(" %6.1f %%%s", peak * 100, peak >= th[k] ? "!" : " ");
    }
    printf("\n");
  }
  print_taken_in(g, end);
  int res;
  const rm_server *b = rm_server_hottest(g->servers, g->n_servers, -1, th, &res);
  if (b) {
    char grp[48] = "";
    if (res == RM_RES_DISK) {
      int worst = 0;
      for (int d = 1; d < RM_DISK_GROUPS; d++)
        if (b->peak_disk[d] > b->peak_disk[worst]) worst = d;
      snprintf(grp, sizeof grp, " (%s)", rm_disk_group_name((rm_disk_group)worst));
    }
    printf("bottleneck: %s's %s%s at %.1f %% (threshold %.0f %%)%s\n", b->node->name, rm_resource_name((rm_resource)res),
           grp, b->peak[res] * 100, th[res] * 100, b->peak[res] >= th[res] ? ": over" : "");
  }
}

/* The servers a host runs, as "gw-1, gw-2", cut to fit n bytes ("gw-1,
 * gw-2, ... (12)"). */
static char *host_servers(const rm_host *ho, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < ho->n_vms; i++) {
    const char *name = ho->vms[i]->node->name;
    char tail[24];
    snprintf(tail, sizeof tail, ", ... (%d)", ho->n_vms);
    if (used + strlen(name) + 2 + (i + 1 < ho->n_vms ? strlen(tail) : 0) >= n) {
      snprintf(buf + used, n - used, "%s", i ? tail : tail + 2);
      break;
    }
    used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name);
  }
  return buf;
}

/* Per host, the peak of its processors busy and asked for, and the memory
 * committed to its servers (nothing when the scenario has no hosts); each
 * host overcommitted, of processors or memory, said. */
static void print_hosts(const rm_group *g) {
  if (!g->n_hosts) return;
  const double *th = g->sc->hw.threshold;
  printf("peak utilization by host (processors busy and asked for by its servers; memory committed to them):\n");
  printf("  %-18s %-24s %9s  %9s  %9s\n", "host", "servers", "cpu", "asked", "memory");
  for (int h = 0; h < g->n_hosts; h++) {
    const rm_host *ho = &g->hosts[h];
    char vms[25];
    printf("  %-18s %-24s %7.1f %%%s %7.1f %%%s %7.1f %%%s\n", ho->spec->name, host_servers(ho, vms, sizeof vms),
           ho->peak_cpu * 100, ho->peak_cpu >= th[RM_RES_CPU] ? "!" : " ", ho->peak_asked * 100,
           ho->peak_asked > 1 ? "!" : " ", ho->memory * 100, ho->memory > 1 ? "!" : " ");
  }
  for (int h = 0; h < g->n_hosts; h++) {
    const rm_host *ho = &g->hosts[h];
    char at[32], a[32], b[32];
    if (ho->peak_asked > 1)
      printf("  %s is overcommitted: its servers asked for %.0f %% of its %d processors at %s; each got %.0f %% of "
             "its own at the least\n",
             ho->spec->name, ho->peak_asked * 100, ho->model->processors,
             rs_clock_format(ho->peak_at / RS_SEC * RS_SEC, at, sizeof at), ho->least_share * 100);
    if (ho->memory > 1)
      printf("  %s's memory is overcommitted: %s committed to its servers, of its %s\n", ho->spec->name,
             rm_size_format((int64_t)(ho->memory * (double)ho->model->memory), a, sizeof a),
             rm_size_format(ho->model->memory, b, sizeof b));
  }
}

/* A validate warning, after the file's name. */
static void warn_line(void *ctx, const char *line) { printf("%s: warning: %s\n", (const char *)ctx, line); }

/* The busiest intervals by data, alerts and connections, and what was
 * happening then (rm_busiest_text). */
static void print_busiest(const rm_group *g) {
  for (int k = 0; k < RM_BUSIEST_KINDS; k++) {
    char line[512];
    if (rm_busiest_text(g, k, line, sizeof line)) printf("%s\n", line);
  }
}

/* validate: each host (the first 20), what it runs and what they commit of
 * it; servers placed by role or automatically after a '+'. */
static void print_placement(const char *file, const rm_scenario *sc) {
  enum { SHOWN = 20 };
  for (int h = 0; h < sc->n_hosts && h < SHOWN; h++) {
    const rm_host_spec *hs = &sc->hosts[h];
    const rm_hw_model *m = &sc->hw.models[hs->model];
    int64_t proc, mem;
    rm_scenario_host_committed(sc, hs, &proc, &mem);
    char a[32], b[32];
    printf("%s: host %s (%s): %lld of %d processors, %s of %s;", file, hs->name, m->name, (long long)proc,
           m->processors, rm_size_format(mem, a, sizeof a), rm_size_format(m->memory, b, sizeof b));
    if (!hs->n_runs) printf(" runs nothing");
    for (int i = 0; i < hs->n_runs; i++) printf("%s%s", i == hs->n_named ? " + " : i ? ", " : " ", hs->runs[i]);
    printf("%s\n", proc > m->processors || mem > m->memory ? " (overcommitted)" : "");
  }
  if (sc->n_hosts > SHOWN) printf("%s: and %d more hosts\n", file, sc->n_hosts - SHOWN);
}

static void print_text(run_ctx *c) {
  const rm_group *g = &c->group;
  char a[32], b[32];
  double wall = c->wall_end - c->wall_start;
  printf("romsim %s: %s (seed %" PRIu64 ")\n", ROMSIM_VERSION, c->sc.name, c->sc.seed);
  char ess[64];
  essentials_note(&c->sc, ess, sizeof ess);
  printf("design: %lld customers%s, %lld agents, %d gateways, %d management servers\n",
         (long long)rm_scenario_customers(&c->sc), ess, (long long)rm_scenario_agents(&c->sc), c->sc.n_gw, c->sc.n_ms);
  printf("run: %s simulated of %s, %" PRIu64 " events in %.2f s (%.2f M events/s), %s\n",
         rs_duration_format(rs_sim_now(&c->sim), a, sizeof a), rs_duration_format(c->sc.duration, b, sizeof b), c->sim.events, wall,
         wall > 0 ? (double)c->sim.events / wall / 1e6 : 0.0, c->status);
  printf("peak agents against limits (Essentials servers: servers+clients):\n");
  for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++) {
    const rm_node *p = rm_measure_peak(g, r);
    if (!p) continue;
    int over = rm_measure_over_count(g, r);
    if (r == RM_ESSENTIALS) {
      /* Its limits are servers and clients: show one that broke them, or
       * else the largest. */
      const rm_essentials *e = (const rm_essentials *)(const void *)p;
      for (int i = 0; i < g->n_ess && over; i++)
        if (g->ess[i].node.m.first_over >= 0) {
          e = &g->ess[i];
          break;
        }
      char have[32], lim[32];
      snprintf(have, sizeof have, "%d+%d", e->servers, e->clients);
      snprintf(lim, sizeof lim, "%d+%d", c->sc.p.ess_servers, c->sc.p.ess_clients);
      printf("  %-18s %-16s %6s / %-6s", role_label(r), e->node.name, have, lim);
    } else {
      printf("  %-18s %-16s %6lld / %-6lld", role_label(r), p->name, (long long)p->m.peak_agents, (long long)p->limit);
    }
    if (over)
      printf("  OVER: %d of %lld\n", over, (long long)rm_group_count(g, r));
    else
      printf("  within\n");
  }
  print_utilization(g, rs_sim_now(&c->sim));
  print_hosts(g);
  char s1[32], s2[32], s3[32], s4[32];
  printf("data: %s generated, %s stored in SQL, %s still queued (undelivered at the end), %s dropped",
         rm_size_format(g->m.generated, s1, sizeof s1), rm_size_format(g->m.delivered, s2, sizeof s2),
         rm_size_format(rm_measure_queued(g), s3, sizeof s3), rm_size_format(rm_measure_dropped(g), s4, sizeof s4));
  static const rm_role lossy[] = {RM_AGENT, RM_ESSENTIALS, RM_GATEWAY, RM_MS};
  bool first = true;
  for (size_t k = 0; k < sizeof lossy / sizeof lossy[0]; k++) {
    int64_t d = rm_measure_dropped_role(g, lossy[k]);
    if (!d) continue;
    printf("%s%s %s", first ? " (" : ", ", role_label(lossy[k]), rm_size_format(d, s1, sizeof s1));
    first = false;
  }
  printf("%s\n", first ? "" : ")");
  if (g->m.latency.total > 0) {
    printf("latency, generated to stored: p50 %.1f s, p95 %.1f s, p99 %.1f s",
           (double)rs_hist_quantile(&g->m.latency, 0.50) / 1e6, (double)rs_hist_quantile(&g->m.latency, 0.95) / 1e6,
           (double)rs_hist_quantile(&g->m.latency, 0.99) / 1e6);
    if (g->m.aged_queued > 0)
      printf(" (the %s still queued counted at its age at the end: at least)",
             rm_size_format(g->m.aged_queued, s1, sizeof s1));
    printf("\n");
  }
  print_busiest(g);
  printf("heartbeat alerts: %lld (and %lld failed to connect)", (long long)g->watch.alerts,
         (long long)g->watch.connect_alerts);
  if (g->watch.suppressed)
    printf(", %lld more not raised in maintenance mode", (long long)g->watch.suppressed);
  printf("; cluster failovers: RMS %lld, SQL %lld\n", (long long)g->rms.failovers, (long long)g->sql.failovers);
  if (g->story.n) {
    char line[512];
    int64_t shown = g->story.n > 40 ? 40 : g->story.n;
    printf("timeline:\n");
    for (int64_t i = 0; i < shown; i++) printf("  %s\n", rm_story_format(g, i, line, sizeof line));
    if (g->story.n > shown)
      printf("  ... and %lld more (events of kind 'timeline' in the results file)\n", (long long)(g->story.n - shown));
  }
  if (g->m.n_verdicts) {
    printf("expectations:\n");
    for (int i = 0; i < g->m.n_verdicts; i++)
      printf("  %-5s %s: %s\n", g->m.verdicts[i].held ? "held" : "FAIL", g->m.verdicts[i].name,
             g->m.verdicts[i].detail);
  } else if (strcmp(c->status, "complete") == 0) {
    printf("expectations: none stated\n");
  } else {
    printf("expectations: not judged (run %s)\n", c->status);
  }
  printf("results: %s\n", c->out_path);
}

static void print_json(run_ctx *c) {
  const rm_group *g = &c->group;
  double wall = c->wall_end - c->wall_start;
  printf("{\"romsim_version\":");
  cli_json_string(stdout, ROMSIM_VERSION);
  printf(",\"scenario\":");
  cli_json_string(stdout, c->sc.name);
  printf(",\"seed\":%" PRIu64 ",\"status\":\"%s\",\"results\":", c->sc.seed, c->status);
  cli_json_string(stdout, c->out_path);
  printf(",\"customers\":%lld,\"agents\":%lld,\"gateways\":%d,\"management_servers\":%d",
         (long long)rm_scenario_customers(&c->sc), (long long)rm_scenario_agents(&c->sc), c->sc.n_gw, c->sc.n_ms);
  printf(",\"sim_duration_us\":%lld,\"sim_end_us\":%lld,\"events\":%" PRIu64 ",\"wall_seconds\":%.3f",
         (long long)c->sc.duration, (long long)rs_sim_now(&c->sim), c->sim.events, wall);
  printf(",\"recording_seconds\":%.3f", c->recording);
  printf(",\"peaks\":{");
  for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++) {
    const rm_node *p = rm_measure_peak(g, r);
    printf("%s\"%s\":{\"node\":", r == RM_MS ? "" : ",", rm_role_name(r));
    cli_json_string(stdout, p ? p->name : "");
    printf(",\"agents\":%lld,\"limit\":%lld,\"over\":%d}", p ? (long long)p->m.peak_agents : 0LL,
           p ? (long long)p->limit : 0LL, rm_measure_over_count(g, r));
  }
  printf("},\"data\":{\"generated\":%lld,\"delivered\":%lld,\"queued\":%lld,\"dropped\":%lld}",
         (long long)g->m.generated, (long long)g->m.delivered, (long long)rm_measure_queued(g),
         (long long)rm_measure_dropped(g));
  printf(",\"busiest\":{");
  for (int k = 0; k < RM_BUSIEST_KINDS; k++) {
    const rm_busiest *b = &g->m.busiest[k];
    static const char *const kind[RM_BUSIEST_KINDS] = {"data", "alerts", "connections"},
                             *const unit[RM_BUSIEST_KINDS] = {"bytes", "alerts", "connections"};
    printf("%s\"%s\":", k ? "," : "", kind[k]);
    if (b->t < 0) {
      printf("null");
      continue;
    }
    printf("{\"from_us\":%lld,\"to_us\":%lld,\"%s\":%.0f,\"clients_switched_on\":%lld,\"most_connected\":",
           (long long)b->from, (long long)b->t, unit[k], b->value, (long long)b->switched_on);
    if (b->conn_node)
      cli_json_string(stdout, b->conn_node->name);
    else
      printf("null");
    printf(",\"most_connected_count\":%lld,\"gateway\":", (long long)b->conn_count);
    if (b->queue_node)
      cli_json_string(stdout, b->queue_node->name);
    else
      printf("null");
    printf(",\"gateway_queue\":%lld,\"fault\":", (long long)b->queue);
    if (b->fault >= 0)
      cli_json_string(stdout, c->sc.faults[b->fault].id);
    else
      printf("null");
    printf("}");
  }
  printf("}");
  printf(",\"latency_ms\":{\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,\"queued_bytes_counted_at_end\":%lld}",
         (double)rs_hist_quantile(&g->m.latency, 0.50) / 1e3, (double)rs_hist_quantile(&g->m.latency, 0.95) / 1e3,
         (double)rs_hist_quantile(&g->m.latency, 0.99) / 1e3, (long long)(g->m.aged_queued > 0 ? g->m.aged_queued : 0));
  printf(",\"heartbeat_alerts\":%lld", (long long)g->watch.alerts);
  /* Peak utilization by role (each resource's highest over the role's
   * servers), the bottleneck, the databases' largest sizes. */
  printf(",\"utilization\":{");
  const double *th = c->sc.hw.threshold;
  bool first = true;
  for (int r = 0; r < RM_HW_ROLES; r++) {
    int res;
    const rm_server *hot = rm_server_hottest(g->servers, g->n_servers, r, th, &res);
    if (!hot) continue;
    printf("%s\"%s\":{\"hottest\":", first ? "" : ",", rm_hw_role_name((rm_hw_role)r));
    cli_json_string(stdout, hot->node->name);
    for (int k = 0; k < RM_RESOURCES; k++) {
      printf(",\"%s\":%.4f", rm_resource_name((rm_resource)k), role_peak(g, r, k));
    }
    printf("}");
    first = false;
  }
  printf("}");
  int res;
  const rm_server *b = rm_server_hottest(g->servers, g->n_servers, -1, th, &res);
  if (b) {
    printf(",\"bottleneck\":{\"server\":");
    cli_json_string(stdout, b->node->name);
    printf(",\"resource\":\"%s\",\"peak\":%.4f,\"threshold\":%.4f}", rm_resource_name((rm_resource)res),
           b->peak[res], th[res]);
  }
  /* Each host's peaks, when the scenario has hosts. */
  for (int h = 0; h < g->n_hosts; h++) {
    const rm_host *ho = &g->hosts[h];
    printf("%s{\"name\":", h ? "," : ",\"hosts\":[");
    cli_json_string(stdout, ho->spec->name);
    printf(",\"servers\":[");
    for (int i = 0; i < ho->n_vms; i++) {
      if (i) printf(",");
      cli_json_string(stdout, ho->vms[i]->node->name);
    }
    printf("],\"processors\":%d,\"memory_bytes\":%lld,\"cpu\":%.4f,\"asked\":%.4f,\"least_share\":%.4f,"
           "\"memory\":%.4f,\"overcommitted\":%s,\"memory_overcommitted\":%s}",
           ho->model->processors, (long long)ho->model->memory, ho->peak_cpu, ho->peak_asked, ho->least_share,
           ho->memory, ho->peak_asked > 1 ? "true" : "false", ho->memory > 1 ? "true" : "false");
    if (h == g->n_hosts - 1) printf("]");
  }
  printf(",\"databases\":{\"opsdb_peak_bytes\":%.0f,\"dw_peak_bytes\":%.0f}", g->opsdb.peak, g->dw.peak);
  printf(",\"timeline\":[");
  for (int64_t i = 0; i < g->story.n; i++) {
    char line[512];
    rm_story_format(g, i, line, sizeof line);
    const char *text = strstr(line, "  ");
    printf("%s{\"t_us\":%lld,\"text\":", i ? "," : "", (long long)g->story.lines[i].t);
    cli_json_string(stdout, text ? text + 2 : line);
    printf("}");
  }
  printf("]");
  printf(",\"expectations\":[");
  for (int i = 0; i < g->m.n_verdicts; i++) {
    printf("%s{\"name\":", i ? "," : "");
    cli_json_string(stdout, g->m.verdicts[i].name);
    printf(",\"held\":%s,\"detail\":", g->m.verdicts[i].held ? "true" : "false");
    cli_json_string(stdout, g->m.verdicts[i].detail);
    printf("}");
  }
  printf("]}\n");
}

int cmd_run(int argc, char **argv) {
  const char *scenario = NULL, *out = NULL, *seed_arg = NULL, *replay = NULL, *memory_arg = NULL, *agents = NULL;
  bool json = false, record_all = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(run_usage, stdout);
      return 0;
    } else if (strcmp(a, "--json") == 0) {
      json = true;
    } else if (strcmp(a, "--record-all") == 0) {
      record_all = true;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--seed") == 0 ||
               strcmp(a, "--replay") == 0 || strcmp(a, "--max-memory") == 0 || strcmp(a, "--agents") == 0) {
      if (i + 1 >= argc) return cli_usage_error("run: %s needs a value (try romsim run --help)", a);
      if (strcmp(a, "--agents") == 0)
        agents = argv[++i];
      else if (strcmp(a, "--seed") == 0)
        seed_arg = argv[++i];
      else if (strcmp(a, "--replay") == 0)
        replay = argv[++i];
      else if (strcmp(a, "--max-memory") == 0)
        memory_arg = argv[++i];
      else
        out = argv[++i];
    } else if (strncmp(a, "--max-memory=", 13) == 0) {
      memory_arg = a + 13;
    } else if (strncmp(a, "--replay=", 9) == 0) {
      replay = a + 9;
    } else if (strncmp(a, "--output=", 9) == 0) {
      out = a + 9;
    } else if (strncmp(a, "--seed=", 7) == 0) {
      seed_arg = a + 7;
    } else if (strncmp(a, "--agents=", 9) == 0) {
      agents = a + 9;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage_error("run: unknown option '%s' (try romsim run --help)", a);
    } else if (scenario) {
      return cli_usage_error("run: one scenario at a time ('%s' and '%s')", scenario, a);
    } else {
      scenario = a;
    }
  }
  if (!scenario) return cli_usage_error("run: which scenario? (usage: romsim run SCENARIO [-o RESULTS.db] [--seed N] [--json])");
  uint64_t seed = 0;
  if (seed_arg && cli_parse_seed(seed_arg, &seed))
    return cli_usage_error("run: --seed needs an integer from 0 to 18446744073709551615, not '%s'", seed_arg);
  if (out && !*out) return cli_usage_error("run: -o needs a file name");
  if (agents && strcmp(agents, "populations") != 0 && strcmp(agents, "individual") != 0)
    return cli_usage_error("run: --agents is populations or individual, not '%s'", agents);
  int64_t max_memory = 0;
  if (memory_arg && cli_parse_memory("run", memory_arg, &max_memory)) return EXIT_USAGE;

  run_ctx *c = calloc(1, sizeof *c);
  if (!c) return cli_usage_error("out of memory");
  char err[1024];
  if (rm_scenario_load(&c->sc, scenario, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    free(c);
    return EXIT_USAGE;
  }
  if (seed_arg) c->sc.seed = seed;
  if (record_all) {
    c->sc.record = (rm_record_spec){.essentials = RM_REC_ESS_EACH};
    for (int r = 0; r < RM_REC_ROLES; r++) c->sc.record.every[r] = c->sc.sample_every;
  }
  if (replay && rm_replay_load(&c->sc, replay, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    rm_scenario_free(&c->sc);
    free(c);
    return EXIT_USAGE;
  }
  /* Nothing is created for a run that would not fit. */
  if (cli_check_memory("run", scenario, &c->sc, c->sc.duration, max_memory, NULL, false, NULL)) {
    rm_scenario_free(&c->sc);
    free(c);
    return EXIT_USAGE;
  }
  char owned_out[4096];
  if (!out) cli_with_suffix(scenario, false, ".db", owned_out, sizeof owned_out);
  c->out_path = out ? out : owned_out;
  c->json = json;
  c->individual = agents && strcmp(agents, "individual") == 0;
  int rc = EXIT_USAGE;
  const char *inputs[] = {scenario, replay, NULL};
  if (cli_check_output("run", c->out_path, "the results file", inputs)) goto done;
  rs_run_info info = {.scenario_name = c->sc.name, .scenario_file = scenario, .scenario_text = c->sc.text,
                      .replay_file = c->sc.replay_file, .replay_text = c->sc.replay_text,
                      .seed = c->sc.seed, .version = ROMSIM_VERSION, .duration = c->sc.duration};
  c->res = rs_results_open(c->out_path, &info, err, sizeof err);
  if (!c->res) {
    fprintf(stderr, "romsim: %s\n", err);
    goto done;
  }
  rs_sim_init(&c->sim);

  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) {
    rs_results_abandon(c->res);
    cli_usage_error("cannot start the event loop");
    goto done_sim;
  }
  uv_signal_init(&loop, &c->sigint);
  uv_signal_init(&loop, &c->sigterm);
  uv_signal_init(&loop, &c->sighup); /* the terminal closed: as SIGTERM */
  c->sigint.data = c->sigterm.data = c->sighup.data = c;
  uv_signal_start(&c->sigint, on_signal, SIGINT);
  uv_signal_start(&c->sigterm, on_signal, SIGTERM);
  uv_signal_start(&c->sighup, on_signal, SIGHUP);
  if (isatty(STDERR_FILENO)) {
    uv_timer_init(&loop, &c->progress);
    c->progress.data = c;
    c->progress_on = true;
    uv_timer_start(&c->progress, on_progress, 250, 250);
  }
  c->wall_start = wall_clock();
  c->work.data = c;
  uv_queue_work(&loop, &c->work, run_work, run_after);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);

  if (strcmp(c->status, "failed") == 0) {
    fprintf(stderr, "romsim: %s: the run failed: %s\n", scenario, c->err);
    rc = EXIT_USAGE;
  } else {
    if (c->json)
      print_json(c);
    else
      print_text(c);
    if (strcmp(c->status, "interrupted") == 0) {
      char a[32];
      fprintf(stderr, "romsim: interrupted at %s simulated; results kept in %s with status interrupted\n",
              rs_clock_format(rs_sim_now(&c->sim), a, sizeof a), c->out_path);
      rc = EXIT_INTERRUPTED;
    } else {
      rc = c->failed ? EXIT_FAILED : EXIT_HELD;
    }
  }
  rm_group_free(&c->group);
done_sim:
  rs_sim_free(&c->sim);
done:
  rm_scenario_free(&c->sc);
  free(c);
  return rc;
}

int cmd_validate(int argc, char **argv) {
  const char *scenario = NULL, *replay = NULL, *memory_arg = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(validate_usage, stdout);
      return 0;
    } else if (strcmp(a, "--replay") == 0) {
      if (i + 1 >= argc) return cli_usage_error("validate: --replay needs a file");
      replay = argv[++i];
    } else if (strncmp(a, "--replay=", 9) == 0) {
      replay = a + 9;
    } else if (strcmp(a, "--max-memory") == 0) {
      if (i + 1 >= argc) return cli_usage_error("validate: --max-memory needs a size");
      memory_arg = argv[++i];
    } else if (strncmp(a, "--max-memory=", 13) == 0) {
      memory_arg = a + 13;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage_error("validate: unknown option '%s' (try romsim validate --help)", a);
    } else if (scenario) {
      return cli_usage_error("validate: one scenario at a time ('%s' and '%s')", scenario, a);
    } else {
      scenario = a;
    }
  }
  if (!scenario) return cli_usage_error("validate: which scenario? (usage: romsim validate SCENARIO)");
  int64_t max_memory = 0, need;
  if (memory_arg && cli_parse_memory("validate", memory_arg, &max_memory)) return EXIT_USAGE;
  rm_scenario sc;
  char err[1024], d[32];
  if (rm_scenario_load(&sc, scenario, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USAGE;
  }
  if (replay && rm_replay_load(&sc, replay, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  if (cli_check_memory("validate", scenario, &sc, sc.duration, max_memory, NULL, false, &need)) {
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  char ess[64], m[32];
  essentials_note(&sc, ess, sizeof ess);
  printf("%s: valid: %s, %s, %lld customers%s, %lld agents, %d gateways, %d management servers; faults: %d, "
         "expectations: %d; a run needs about %s of memory\n",
         scenario, sc.name, rs_duration_format(sc.duration, d, sizeof d), (long long)rm_scenario_customers(&sc), ess,
         (long long)rm_scenario_agents(&sc), sc.n_gw, sc.n_ms, sc.n_faults, sc.n_expect,
         rm_size_format(need, m, sizeof m));
  print_placement(scenario, &sc);
  int warned = rm_scenario_host_warnings(&sc, warn_line, (void *)scenario);
  if (warned > RM_HOST_WARNINGS_SHOWN)
    printf("%s: warning: and %d more pairs on one host\n", scenario, warned - RM_HOST_WARNINGS_SHOWN);
  rm_scenario_free(&sc);
  return 0;
}
