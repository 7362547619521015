/* Servers on their hardware: utilization as the sources make it, load that
 * slows them, saturation that backs data up, and the databases' size. */
#include <math.h>

#include "model_util.h"

/* The guide's example group (4000 agents: 20 customers of 200 on 8
 * gateways, four of 600 and four of 400; 2 management servers of 2000). */
#define GUIDE(duration, extra)                                                                                  \
  "name: g\nduration: " duration "\nseed: 1\nload: {arrivals: fluid}\nmanagement_servers: {count: 2}\ngateways: {count: 8}\n"            \
  "customers:\n  - {count: 20, servers: 10, clients: 190}\n" extra

/* The mean of a server's utilization of resource r (or, r < 0, of its disk
 * group -r - 1) over the samples of minutes from..to. */
static double mean_util(world *w, const char *name, int r, int from, int to) {
  rm_server *s = world_node(w, name)->srv;
  double sum = 0;
  for (int m = from; m <= to; m++) {
    world_run(w, m * RS_MIN);
    sum += r >= 0 ? s->util[r] : s->disk_util[-r - 1];
  }
  return sum / (to - from + 1);
}

/* The guide's group on the default hardware, by hand (docs/hardware.md):
 * B = 99.54 bytes a second per agent; a management server's processors
 * 0.0012 a second per agent; its disks' agent I/O 0.05231 a second per
 * agent, 5 % reads, on top of the operating system's 100 (80 % reads).
 * - ms-1, 2000 agents, ms-standard (4 processors, 4 x 125 I/Os RAID 10):
 *   processors 2000 x 0.0012 / 4 = 60.0 %; disks (120 + 2000 x 0.05231 x
 *   1.95) / 500 = 64.8 %; memory (2 GB + 2000 x 2 MB) / 8 GB = 73.8 %.
 * - a gateway of 600 (gateway-standard: 2 processors, 2 x 125 RAID 1):
 *   36.0 %, (120 + 600 x 0.10201) / 250 = 72.5 %, (2 GB + 1.17 GB) / 4 GB
 *   = 79.3 %; of 400: 24.0 %, 64.3 %, 69.5 %.
 * - an Essentials server of 200: 12.0 %, 56.2 %, 59.8 %.
 * - rms-1 (rms-standard, 6 disks), the group's 4000 agents: processors
 *   4000 x 0.00048 / 4 = 48.0 %; disks (120 + 4000 x 0.8 x 0.05231 x 1.95)
 *   / 750 = 59.5 %; memory (2 GB + 4000 MB) / 8 GB = 73.8 %. rms-2, idle:
 *   its operating system's 120 / 750 = 16.0 %, memory 25.0 %.
 * - sql-1 (sql-standard), MSIT's profile: processors 4000 x 0.76 / 3500 /
 *   4 = 21.7 %; data warehouse disks (8 x 175 RAID 10) 4000 x 0.14806 x
 *   (0.7 + 0.3 x 2) / 1400 = 55.0 %; OpsDB data (4 x 175) 4000 x 50 / 3500
 *   x (0.5 + 0.5 x 2) / 700 = 12.2 %; memory (4 GB + 4000 MB) / 16 GB =
 *   49.4 %. */
Test(hardware, guide_example_utilization_by_hand) {
  world *w = world_new(GUIDE("2h", ""));
  const struct {
    const char *name;
    int r;
    double want;
  } cases[] = {
      {"ms-1", RM_RES_CPU, 60.0},        {"ms-1", RM_RES_DISK, 64.8},       {"ms-1", RM_RES_MEMORY, 73.8},
      {"gw-1", RM_RES_CPU, 36.0},        {"gw-1", RM_RES_DISK, 72.5},       {"gw-1", RM_RES_MEMORY, 79.3},
      {"gw-5", RM_RES_CPU, 24.0},        {"gw-5", RM_RES_DISK, 64.3},       {"gw-5", RM_RES_MEMORY, 69.5},
      {"cust-1", RM_RES_CPU, 12.0},      {"cust-1", RM_RES_DISK, 56.2},     {"cust-1", RM_RES_MEMORY, 59.8},
      {"rms-1", RM_RES_CPU, 48.0},       {"rms-1", RM_RES_DISK, 59.5},      {"rms-1", RM_RES_MEMORY, 73.8},
      {"rms-2", RM_RES_CPU, 0.0},        {"rms-2", RM_RES_DISK, 16.0},      {"rms-2", RM_RES_MEMORY, 25.0},
      {"sql-1", RM_RES_CPU, 21.7},       {"sql-1", RM_RES_DISK, 55.0},      {"sql-1", RM_RES_MEMORY, 49.4},
      {"sql-1", -1 - RM_DISK_OPSDB_DATA, 12.2},
  };
  /* From 10 minutes on, when every queue has settled, to 2 hours. */
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double got = 100 * mean_util(w, cases[i].name, cases[i].r, 10, 120);
    cr_assert(fabs(got - cases[i].want) < 0.5, "%s %s: %.2f %%, by hand %.1f %%", cases[i].name,
              cases[i].r >= 0 ? rm_resource_name((rm_resource)cases[i].r) : "opsdb_data", got, cases[i].want);
  }
  /* The network: gw-1 takes in 600 x B = 59.7 KB/s of 125 MB/s. */
  cr_assert_lt(world_node(w, "gw-1")->srv->util[RM_RES_NETWORK], 0.001);
  world_free(w);
}

/* The guide's 600-agent gateways are worse off than its 400-agent ones:
 * their disks leave less for the data (171 KB/s against 185 KB/s) and they
 * take in half as much again, so a batch waits longer and more data is
 * being taken in at any time (Little's law: bytes a second x wait). */
Test(hardware, busier_gateways_are_slower) {
  world *w = world_new(GUIDE("4h", ""));
  world_run(w, w->sc.duration);
  double t = (double)w->sc.duration / 1e6, wait[2] = {0}, held[2] = {0}, held_min600 = 1e300, held_max400 = 0;
  int64_t waits[2] = {0};
  for (int i = 1; i <= 8; i++) {
    char name[16];
    snprintf(name, sizeof name, "gw-%d", i);
    rm_node *n = world_node(w, name);
    int big = n->agents == 600;
    cr_assert(n->agents == 600 || n->agents == 400, "%s carries %lld", name, (long long)n->agents);
    wait[big] += n->srv->wait_total;
    waits[big] += n->srv->waits;
    held[big] += n->srv->byte_seconds / t / 4;
    if (big && n->srv->byte_seconds / t < held_min600) held_min600 = n->srv->byte_seconds / t;
    if (!big && n->srv->byte_seconds / t > held_max400) held_max400 = n->srv->byte_seconds / t;
    cr_assert_lt(n->srv->rate, big ? 172e3 : 190e3, "%s takes in %.0f B/s", name, n->srv->rate);
  }
  cr_assert_gt(wait[1] / (double)waits[1], wait[0] / (double)waits[0], "600: %.3f s, 400: %.3f s",
               wait[1] / (double)waits[1], wait[0] / (double)waits[0]);
  cr_assert_gt(held[1], 1.4 * held[0], "600: %.0f B, 400: %.0f B", held[1], held[0]);
  cr_assert_gt(held_min600, held_max400, "every 600-agent gateway holds more than any 400-agent one");
  assert_conserved(w);
  world_free(w);
}

/* One management server of 2000 agents (4 gateways of 500): on its
 * reference hardware it holds; on half the processors its background
 * alone takes 0.96 of 2, it takes in at most (2 - 0.96) / 7.234e-6 = 144
 * KB/s of the 199 KB/s sent to it, and the difference queues: its queue
 * and its gateways' grow, data is late, and utilization_below fails. */
#define ONE_MS(extra)                                                                                              \
  "name: h\nduration: 3h\nseed: 2\nmanagement_servers: {count: 1}\ngateways: {count: 4}\n"                        \
  "customers:\n  - {count: 20, servers: 5, clients: 95}\n"                                                        \
  "expect: [{utilization_below: {cpu: 75%}}, {utilization_below: {cpu: 75%, role: gateway}}]\n" extra

Test(hardware, half_the_processors_saturate) {
  world *ok = world_new(ONE_MS(""));
  world *half = world_new(ONE_MS("hardware:\n  models: [{name: half, like: ms-standard, processors: 2}]\n"
                                 "  management_server: half\n"));
  rm_server *s = world_node(half, "ms-1")->srv;
  world_run(ok, RS_HOUR);
  world_run(half, RS_HOUR);
  cr_assert_float_eq(s->rate, (2 - 2000 * 0.00048) / (0.00072 / (8600000.0 / 86400)), 1,
                     "the speed its processors leave: %.0f", s->rate);
  int64_t q1 = rm_measure_queued(&half->g);
  world_run(ok, half->sc.duration);
  world_run(half, half->sc.duration);
  int64_t q2 = rm_measure_queued(&half->g);
  /* Two hours of (199 - 144) KB/s. */
  double want = 2 * 3600 * (2000 * 8600000.0 / 86400 - s->rate);
  cr_assert((double)(q2 - q1) > 0.95 * want && (double)(q2 - q1) < 1.05 * want, "queued %lld more, want %.0f",
            (long long)(q2 - q1), want);
  cr_assert_lt(rm_measure_queued(&ok->g), 5 << 20, "the reference server keeps up");
  cr_assert(s->saturated);
  cr_assert_float_eq(s->util[RM_RES_CPU], 1.0, 1e-6, "busy all the time");
  double lat_ok = (double)rs_hist_quantile(&ok->g.m.latency, 0.5), lat_half = (double)rs_hist_quantile(&half->g.m.latency, 0.5);
  cr_assert_gt(lat_half, 10 * lat_ok, "latency p50: %.1f s against %.1f s", lat_half / 1e6, lat_ok / 1e6);
  cr_assert_eq(rm_group_judge(&ok->g, ok->sc.duration), 0, "%s", ok->g.m.verdicts[0].detail);
  cr_assert_eq(rm_group_judge(&half->g, half->sc.duration), 1);
  cr_assert_not(half->g.m.verdicts[0].held);
  cr_assert(strstr(half->g.m.verdicts[0].detail, "ms-1 cpu 100.0 % (limit 75 %)"), "%s", half->g.m.verdicts[0].detail);
  cr_assert(half->g.m.verdicts[1].held, "the gateways are fine: %s", half->g.m.verdicts[1].detail);
  /* The story says which server and why. */
  bool told = false;
  for (int64_t i = 0; i < half->g.story.n; i++)
    if (strcmp(half->g.story.lines[i].kind, "saturated") == 0)
      told = strstr(half->g.story.lines[i].first, "ms-1 is saturated: its processors take in at most") != NULL;
  cr_assert(told);
  assert_conserved(half);
  world_free(ok);
  world_free(half);
}

/* A SQL store whose data warehouse is on two 10k rpm disks: its reads
 * alone (4000 x 0.1036 a second) are more than they do, so it takes in
 * only its floor (5 % of what it could idle), the management servers'
 * queues back up, and the story names the disks. */
Test(hardware, too_few_spindles_back_up_the_management_servers) {
  world *w = world_new(GUIDE("2h", "hardware:\n  models: [{name: thin, like: sql-standard, "
                                   "disks: {dw_data: {count: 2, rpm: 10000, raid: 1}}}]\n  sql: thin\n"));
  world_run(w, w->sc.duration);
  rm_server *s = w->g.sql.member[0].srv;
  cr_assert_eq(s->bottleneck, RM_RES_DISK);
  cr_assert_eq(s->bottleneck_group, RM_DISK_DW_DATA);
  int64_t at_ms = 0;
  for (int i = 0; i < w->g.n_ms; i++) at_ms += w->g.ms[i].node.spool.bytes;
  /* It takes in s->rate of the 398 KB/s sent to it. */
  double want = 2 * 3600 * (4000 * 8600000.0 / 86400 - s->rate);
  cr_assert((double)rm_measure_queued(&w->g) > 0.95 * want, "queued %lld, want %.0f", (long long)rm_measure_queued(&w->g),
            want);
  cr_assert_gt(at_ms, 150 << 20, "the management servers' queues (100 MB each) fill: %lld", (long long)at_ms);
  bool told = false;
  for (int64_t i = 0; i < w->g.story.n; i++)
    if (strcmp(w->g.story.lines[i].kind, "saturated") == 0 && strstr(w->g.story.lines[i].first, "sql-1 is saturated: its disks (dw_data)"))
      told = true;
  cr_assert(told, "the run says why");
  assert_conserved(w);
  world_free(w);
}

/* The OpsDB keeps 7 days: it grows by opsdb_share x the data stored a day
 * and is groomed at midnight, so it levels off at its base plus 8 days'
 * worth just before grooming; with grooming off it grows all run. One
 * customer of 200 agents sends 1.72e9 bytes a day (1.60 GB: sizes are
 * binary, as romsim shows them); stored at 3 bytes a byte (instead of 0.1,
 * so that a short run reaches the guidance's 50 GB): 4.81 GB a day.
 * Groomed: at most 1 GB + 8 x 4.81 = 39.4 GB; not: past 50 GB on day 11,
 * 68.3 GB after 14 days. */
#define DB(extra)                                                                                                 \
  "name: d\nduration: 14d\nseed: 3\nsample_every: 10m\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"    \
  "customers:\n  - {count: 1, servers: 10, clients: 190}\n"                                                       \
  "expect: [{database_below: 50GB}, {database_below: {warehouse: 50GB}}]\n" extra

Test(hardware, grooming_keeps_the_database_under_its_limit) {
  world *on = world_new(DB("sql: {opsdb_share: 3, dw_share: 3}\n"));
  world *off = world_new(DB("sql: {opsdb_share: 3, dw_share: 3, grooming: false}\n"));
  world_run(on, on->sc.duration);
  world_run(off, off->sc.duration);
  double day = 200.0 * 8600000 * 3, base = 1 << 30;
  cr_assert_float_eq(on->g.opsdb.peak, base + 8 * day, 0.01 * day, "peak %.4g, want %.4g", on->g.opsdb.peak,
                     base + 8 * day);
  cr_assert_float_eq(off->g.opsdb.peak, base + 14 * day, 0.01 * day, "peak %.4g, want %.4g", off->g.opsdb.peak,
                     base + 14 * day);
  cr_assert_eq(rm_group_judge(&on->g, on->sc.duration), 1);
  cr_assert(on->g.m.verdicts[0].held, "%s", on->g.m.verdicts[0].detail);
  cr_assert(strstr(on->g.m.verdicts[0].detail, "the OperationsManager database reached 39.4 GB"), "%s",
            on->g.m.verdicts[0].detail);
  /* The data warehouse keeps 400 days: grooming leaves it alone. */
  cr_assert_not(on->g.m.verdicts[1].held, "%s", on->g.m.verdicts[1].detail);
  cr_assert_eq(rm_group_judge(&off->g, off->sc.duration), 2);
  cr_assert(strstr(off->g.m.verdicts[0].detail, "the OperationsManager database reached 68.3 GB"), "%s",
            off->g.m.verdicts[0].detail);
  cr_assert_float_eq(on->g.dw.peak, off->g.dw.peak, 1);
  assert_conserved(on);
  world_free(on);
  world_free(off);
}

/* utilization_below by phase: two management servers of 1000 agents, their
 * processors at 1000 x 0.0012 / 4 = 30 %; one down for an hour puts 2000
 * on the other: 60 %, and more while it takes in the backlog its new
 * gateways queued during their 2-minute failover. A 40 % limit holds
 * before and after, fails during; no server is ever over 100 %, since a
 * station serves at most its speed. A sample counts in the phase whose
 * time it measured (the one at 1h measured the minute before the crash). */
Test(hardware, utilization_below_by_phase) {
  world *w = world_new("name: p\nduration: 4h\nseed: 4\nload: {arrivals: fluid}\nmanagement_servers: {count: 2}\ngateways: {count: 4}\n"
                       "customers:\n  - {count: 20, servers: 5, clients: 95}\n"
                       "faults:\n  - {id: down, crash: ms-1, at: 1h, for: 1h}\n"
                       "expect:\n"
                       "  - {utilization_below: {cpu: 40%, role: management_server}, before: down}\n"
                       "  - {utilization_below: {cpu: 40%, role: management_server}, during: down}\n"
                       "  - {utilization_below: {cpu: 40%, role: management_server}, after: down}\n"
                       "  - {utilization_below: {cpu: 100%, role: management_server}}\n"
                       "  - {utilization_below: {network: 50%, server: rms-2}}\n");
  world_run(w, w->sc.duration);
  int failed = rm_group_judge(&w->g, w->sc.duration);
  const rm_verdict *v = w->g.m.verdicts;
  cr_assert_eq(failed, 1, "%s | %s | %s | %s", v[0].detail, v[1].detail, v[2].detail, v[3].detail);
  cr_assert(v[0].held, "%s", v[0].detail);
  cr_assert(strstr(v[0].detail, "cpu 30.0 % (limit 40 %)"), "%s", v[0].detail);
  cr_assert_not(v[1].held, "%s", v[1].detail);
  cr_assert(strstr(v[1].detail, "highest against its limit: ms-2 cpu "), "%s", v[1].detail);
  /* The samples of (1h, 2h], each measuring its minute: all but the two
   * before ms-1's gateways are connected to ms-2. */
  cr_assert(strstr(v[1].detail, "58 of 60 samples over a limit"), "%s", v[1].detail);
  cr_assert(v[2].held, "%s", v[2].detail);
  cr_assert(v[3].held, "%s", v[3].detail);
  /* The passive RMS node does nothing: at 0 %, it holds. */
  cr_assert(v[4].held, "%s", v[4].detail);
  cr_assert(strstr(v[4].detail, "rms-2 network 0.0 %"), "%s", v[4].detail);
  world_free(w);
}
