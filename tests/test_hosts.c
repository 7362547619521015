/* Hosts: servers virtual on physical hosts, read and checked, and a host's
 * failure taking every one of them down at once. */
#include <math.h>

#include "model_util.h"

/* Four customers of 100 on four gateways; each customer's primary and
 * backup are named. */
#define DESIGN(hosts, faults)                                                                                      \
  "name: h\nduration: 4h\nseed: 1\nmanagement_servers: {count: 2}\ngateways: {count: 4}\n"                        \
  "customers:\n  - {count: 4, servers: 10, clients: 90, primary: [gw-1, gw-2, gw-3, gw-4], "                      \
  "backup: [gw-2, gw-1, gw-4, gw-3]}\n" hosts faults

static char err[1024];

static void fails(const char *text, const char *where, const char *what) {
  rm_scenario sc;
  err[0] = '\0';
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", text, strlen(text), err, sizeof err), -1, "accepted: %s", text);
  cr_assert(strncmp(err, where, strlen(where)) == 0, "want '%s...', got '%s'", where, err);
  cr_assert(strstr(err, what), "want '%s' in '%s'", what, err);
}

Test(hosts, read_and_checked) {
  rm_scenario sc;
  const char *ok = DESIGN("hosts:\n  - {name: h1, runs: [gw-1, gw-3]}\n  - {name: h2, model: host-standard, runs: [gw-2, sql-1]}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_eq(sc.n_hosts, 2);
  cr_assert_str_eq(rm_scenario_host_of(&sc, "gw-3")->name, "h1");
  cr_assert_str_eq(rm_scenario_host_of(&sc, "sql-1")->name, "h2");
  cr_assert_null(rm_scenario_host_of(&sc, "gw-4"), "a server on no host is physical");
  cr_assert_str_eq(sc.hw.models[sc.hosts[0].model].name, "host-standard");
  rm_scenario_free(&sc);
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-1]}\n  - {name: h1, runs: [gw-2]}\n", ""), "t.yaml:10:12:",
        "host 'h1' is given twice");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-1]}\n  - {name: h2, runs: [gw-2, gw-1]}\n", ""), "t.yaml:10:29:",
        "'gw-1' is already on host h1");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-9]}\n", ""), "t.yaml:9:23:", "no server of the scenario");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [cust-1/srv-1]}\n", ""), "t.yaml:9:23:", "an agent has no hardware");
  fails(DESIGN("hosts:\n  - {name: gw-1, runs: [gw-2]}\n", ""), "t.yaml:9:12:", "also the name of a server");
  fails(DESIGN("hosts:\n  - {name: h1, model: huge, runs: [gw-2]}\n", ""), "t.yaml:9:23:", "no hardware model");
  fails(DESIGN("hosts:\n  - {name: h1}\n", ""), "t.yaml:9:5:", "needs runs");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-1]}\n", "faults:\n  - {cut: h1, at: 1h}\n"), "t.yaml:11:11:",
        "a link fault takes a sender or a link, not a host");
}

/* Careless: each customer's primary and backup on one host. Losing host-1
 * takes gw-1 and gw-2 down together: cust-1 and cust-2 have no gateway for
 * the hour, their server agents alert, their sites queue; cust-3 and cust-4
 * carry on. Careful: primary and backup on different hosts; the same
 * failure moves everyone to a backup in 2 minutes and nobody alerts. */
Test(hosts, a_host_takes_its_servers_down_together) {
  world *careless = world_new(DESIGN("hosts:\n  - {name: host-1, runs: [gw-1, gw-2]}\n  - {name: host-2, runs: [gw-3, gw-4]}\n",
                                     "faults:\n  - {crash: host-1, at: 1h, for: 1h}\n"));
  world *careful = world_new(DESIGN("hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n",
                                    "faults:\n  - {crash: host-1, at: 1h, for: 1h}\n"));
  world_run(careless, 90 * RS_MIN);
  world_run(careful, 90 * RS_MIN);
  cr_assert_eq(world_node(careless, "gw-1")->state, RM_DOWN);
  cr_assert_eq(world_node(careless, "gw-2")->state, RM_DOWN);
  cr_assert_eq(world_node(careless, "gw-3")->state, RM_UP);
  cr_assert_eq(world_node(careful, "gw-3")->state, RM_DOWN);
  /* cust-1 and cust-2 have no parent; their 20 servers alerted. */
  cr_assert_null(world_node(careless, "cust-1")->parent);
  cr_assert_null(world_node(careless, "cust-2")->parent);
  cr_assert_not_null(world_node(careless, "cust-3")->parent);
  cr_assert_eq(careless->g.watch.alerts, 20);
  cr_assert_gt(world_node(careless, "cust-1")->spool.bytes, 0, "its site queues");
  for (int c = 1; c <= 4; c++) {
    char name[16];
    snprintf(name, sizeof name, "cust-%d", c);
    cr_assert_not_null(world_node(careful, name)->parent, "%s failed over", name);
  }
  cr_assert_eq(careful->g.watch.alerts, 0);
  /* The story says what the host took with it, and who is stranded. */
  bool told = false;
  for (int64_t i = 0; i < careless->g.story.n; i++)
    if (strcmp(careless->g.story.lines[i].kind, "host_down") == 0)
      told = strstr(careless->g.story.lines[i].first,
                    "host-1 goes down: gw-1 and gw-2 with it; cust-1, cust-2 have no gateway (primary and backup both "
                    "on host-1)") != NULL;
  cr_assert(told);
  for (int64_t i = 0; i < careful->g.story.n; i++)
    if (strcmp(careful->g.story.lines[i].kind, "host_down") == 0)
      cr_assert_str_eq(careful->g.story.lines[i].first, "host-1 goes down: gw-1 and gw-3 with it");
  world_run(careless, careless->sc.duration);
  world_run(careful, careful->sc.duration);
  cr_assert_eq(world_node(careless, "gw-1")->state, RM_UP, "back with its host");
  assert_conserved(careless);
  world_free(careless);
  world_free(careful);
}

/* A clustered RMS with both nodes on one host is not fault tolerant: the
 * host's crash takes the RMS down, and no heartbeat alert is raised while
 * it is down, even for a server that is down meanwhile. */
Test(hosts, a_cluster_on_one_host_is_not_fault_tolerant) {
  world *w = world_new(DESIGN("hosts:\n  - {name: vm-host, runs: [rms-1, rms-2]}\n",
                              "faults:\n  - {crash: vm-host, at: 1h, for: 1h}\n  - {crash: cust-3/srv-1, at: 70m, "
                              "for: 30m}\n"));
  world_run(w, 90 * RS_MIN);
  cr_assert_eq(w->g.rms.node.state, RM_DOWN);
  cr_assert_eq(w->g.watch.alerts, 0, "no watcher runs");
  world_run(w, w->sc.duration);
  cr_assert_eq(w->g.rms.node.state, RM_UP);
  world_free(w);
}

/* Five gateways of 500 agents each ask for 500 x 0.0012 = 0.6 processors
 * apiece (docs/hardware.md): 3.0 in all. Physical, each has its 2. On one
 * host of 2 processors, they ask for 150 % of it: each gets 2 / 3 of its
 * processors, a processor-second costs 1.5 times as much, and a gateway
 * takes in at most (2 - 0.24 x 1.5) / (7.234e-6 x 1.5) = 151 KB/s instead
 * of its disks' 178 KB/s: its batches take 178 / 151 = 1.18 times as long,
 * and its processors show 0.6 x 1.5 / 2 = 45 % busy instead of 30 %. */
#define FIVE(extra)                                                                                                \
  "name: o\nduration: 2h\nseed: 5\nload: {arrivals: fluid}\nmanagement_servers: {count: 2}\ngateways: {count: 5}\n"                        \
  "customers:\n  - {count: 25, servers: 5, clients: 95}\n" extra

Test(hosts, overcommitted_host_slows_its_servers) {
  world *phys = world_new(FIVE(""));
  world *virt = world_new(FIVE("hardware:\n  models: [{name: small-host, like: host-standard, processors: 2}]\n"
                               "hosts:\n  - {name: h, model: small-host, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"));
  world_run(phys, phys->sc.duration);
  world_run(virt, virt->sc.duration);
  double wp = 0, wv = 0;
  int64_t np = 0, nv = 0;
  for (int i = 1; i <= 5; i++) {
    char name[8];
    snprintf(name, sizeof name, "gw-%d", i);
    rm_server *p = world_node(phys, name)->srv, *v = world_node(virt, name)->srv;
    cr_assert_eq(world_node(phys, name)->agents, 500);
    cr_assert_float_eq(v->cpu_share, 2.0 / 3, 0.01, "%s gets %.3f", name, v->cpu_share);
    cr_assert_float_eq(p->util[RM_RES_CPU], 0.30, 0.01, "%s physical: %.3f", name, p->util[RM_RES_CPU]);
    cr_assert_float_eq(v->util[RM_RES_CPU], 0.45, 0.015, "%s virtual: %.3f", name, v->util[RM_RES_CPU]);
    cr_assert_float_eq(v->rate, (2 - 0.24 * 1.5) / (0.6 * 0.0012 / (8600000.0 / 86400) * 1.5), 500, "%.0f", v->rate);
    wp += p->wait_total, np += p->waits;
    wv += v->wait_total, nv += v->waits;
  }
  double ratio = (wv / (double)nv) / (wp / (double)np);
  cr_assert(ratio > 1.12 && ratio < 1.25, "batches take %.3f times as long", ratio);
  cr_assert(virt->g.hosts[0].busy);
  cr_assert_float_eq(virt->g.hosts[0].peak_asked, 1.5, 0.02);
  bool told = false;
  for (int64_t i = 0; i < virt->g.story.n; i++)
    if (strcmp(virt->g.story.lines[i].kind, "host_busy") == 0)
      told = strstr(virt->g.story.lines[i].first, "h's processors are asked for ") != NULL;
  cr_assert(told);
  assert_conserved(virt);
  world_free(phys);
  world_free(virt);
}

/* By role and count: after every named server, each `{ROLE: N}` takes the
 * next N of the role not placed yet, host by host. */
Test(hosts, placed_by_role_and_count) {
  rm_scenario sc;
  const char *ok = DESIGN("hosts:\n  - {name: h1, runs: [gw-2, {gateway: 1}]}\n  - {name: h2, runs: [{gateway: 1}, "
                          "{rms: 1}, gw-1]}\n  - {name: k, count: 2, runs: [{sql: 1}]}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_eq(sc.n_hosts, 4);
  const char *want[][4] = {{"gw-2", "gw-3"}, {"gw-1", "gw-4", "rms-1"}, {"sql-1"}, {"sql-2"}};
  const int n[] = {2, 3, 1, 1}, named[] = {1, 1, 0, 0};
  for (int h = 0; h < 4; h++) {
    cr_assert_eq(sc.hosts[h].n_runs, n[h], "%s", sc.hosts[h].name);
    cr_assert_eq(sc.hosts[h].n_named, named[h], "%s", sc.hosts[h].name);
    for (int i = 0; i < n[h]; i++) cr_assert_str_eq(sc.hosts[h].runs[i], want[h][i]);
  }
  cr_assert_str_eq(sc.hosts[2].name, "k-1");
  cr_assert_str_eq(sc.hosts[3].name, "k-2");
  cr_assert_null(rm_scenario_host_of(&sc, "rms-2"));
  rm_scenario_free(&sc);
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-1, {gateway: 4}]}\n", ""), "t.yaml:9:29:",
        "host h1 runs 4 of role gateway, but only 3 were left to place");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [{essentials: 1}]}\n", ""), "t.yaml:9:24:", "a role is management_server");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [{gateway: 1, rms: 1}]}\n", ""), "t.yaml:9:23:", "one pair");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [{gateway: 0}]}\n", ""), "t.yaml:9:33:", "between 1 and");
  fails(DESIGN("hosts:\n  - {name: h, count: 2, runs: [gw-1]}\n", ""), "t.yaml:9:32:", "a server named runs on one host");
  fails(DESIGN("hosts:\n  - {name: h, count: 0, runs: auto}\n", ""), "t.yaml:9:22:", "count must be between 1");
  fails(DESIGN("hosts:\n  - {name: h, runs: {auto: [gateway, essentials]}}\n", ""), "t.yaml:9:38:", "auto: a role is");
  fails(DESIGN("hosts:\n  - {name: h, runs: {auto: gateway}}\n", ""), "t.yaml:9:28:", "auto takes a list of roles");
}

/* Whether two servers are on one host. */
static bool together(const rm_scenario *sc, const char *a, const char *b) {
  const rm_host_spec *ha = rm_scenario_host_of(sc, a);
  return ha && ha == rm_scenario_host_of(sc, b);
}

/* Automatic placement, worked by hand (docs/hardware.md "Placement"): three
 * hosts of 16 processors; to place: rms-1, rms-2, sql-1, sql-2, ms-1, ms-2
 * (4 processors each), gw-1 .. gw-4 (2). Each is kept apart from one other:
 * its cluster's other node, the other management server (the gateways fail
 * over to every other one), its customers' other gateway. So the order is
 * by processors, then the clusters, the management servers, the gateways:
 *   rms-1 -> vh-1 (4/16); rms-2 -> vh-2 (not vh-1); sql-1 -> vh-3 (0);
 *   sql-2 -> vh-1 (all at 4: the pool's order; not vh-3) 8;
 *   ms-1 -> vh-2 (4, before vh-3's 4) 8; ms-2 -> vh-3 (4; not vh-2) 8;
 *   gw-1 -> vh-1 (all at 8) 10; gw-2 -> vh-2 (8, not vh-1) 10;
 *   gw-3 -> vh-3 (8) 10; gw-4 -> vh-1 (10, before vh-2; not vh-3) 12.
 */
Test(hosts, auto_placement_keeps_pairs_apart) {
  rm_scenario sc;
  const char *ok = DESIGN("hosts:\n  - {name: vh, count: 3, runs: auto}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  const char *want[][5] = {{"rms-1", "sql-2", "gw-1", "gw-4"}, {"rms-2", "ms-1", "gw-2"}, {"sql-1", "ms-2", "gw-3"}};
  const int n[] = {4, 3, 3};
  for (int h = 0; h < 3; h++) {
    cr_assert_eq(sc.hosts[h].n_runs, n[h], "%s runs %d", sc.hosts[h].name, sc.hosts[h].n_runs);
    for (int i = 0; i < n[h]; i++) cr_assert_str_eq(sc.hosts[h].runs[i], want[h][i], "%s", sc.hosts[h].name);
  }
  cr_assert_not(together(&sc, "rms-1", "rms-2"));
  cr_assert_not(together(&sc, "sql-1", "sql-2"));
  cr_assert_not(together(&sc, "ms-1", "ms-2"));
  cr_assert_not(together(&sc, "gw-1", "gw-2"));
  cr_assert_not(together(&sc, "gw-3", "gw-4"));
  int64_t proc, mem;
  rm_scenario_host_committed(&sc, &sc.hosts[0], &proc, &mem);
  cr_assert_eq(proc, 12);
  cr_assert_eq(mem, (int64_t)(8 + 16 + 4 + 4) << 30);
  rm_scenario_free(&sc);
  /* Only the gateways automatic; the rest physical. */
  ok = DESIGN("hosts:\n  - {name: vh, count: 2, runs: {auto: [gateways]}}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_null(rm_scenario_host_of(&sc, "rms-1"));
  cr_assert_eq(sc.hosts[0].n_runs + sc.hosts[1].n_runs, 4);
  cr_assert_not(together(&sc, "gw-1", "gw-2"));
  cr_assert_not(together(&sc, "gw-3", "gw-4"));
  rm_scenario_free(&sc);
  /* Too few hosts to keep a cluster's nodes apart: refused, with the pair. */
  fails(DESIGN("hosts:\n  - {name: vh, runs: auto}\n", ""), "t.yaml:9:22:",
        "auto: rms-2 cannot go on any of the 1 automatic host that takes its role: each runs a server it must be "
        "apart from (rms-1 on vh, for one); add hosts");
  /* Named first: a cluster node named on a host keeps its partner off it. */
  ok = DESIGN("hosts:\n  - {name: a, runs: [sql-2]}\n  - {name: vh, count: 2, runs: {auto: [sql]}}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(rm_scenario_host_of(&sc, "sql-1")->name, "vh-1");
  rm_scenario_free(&sc);
  ok = DESIGN("hosts:\n  - {name: vh, count: 2, runs: {auto: [sql]}}\n  - {name: a, runs: [sql-2, {rms: 2}]}\n", "");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(rm_scenario_host_of(&sc, "sql-1")->name, "vh-1");
  cr_assert_eq(sc.hosts[1].n_runs, 0, "vh-2 is left empty");
  rm_scenario_free(&sc);
}

/* A backup the model chooses is on another host than its primary: four
 * gateways two to a host, customers' primaries named, backups left to the
 * model. Without hosts the first choice is the primary's neighbour on the
 * same management server. */
Test(hosts, a_chosen_backup_avoids_the_primarys_host) {
#define AUTO_BACKUP(hosts)                                                                                         \
  "name: h\nduration: 1h\nseed: 1\nmanagement_servers: {count: 2}\ngateways: {count: 4}\n"                        \
  "customers:\n  - {count: 8, servers: 10, clients: 90, primary: [gw-1, gw-2, gw-3, gw-4, gw-1, gw-2, gw-3, gw-4]}\n" hosts
  world *w = world_new(AUTO_BACKUP("hosts:\n  - {name: h1, runs: [gw-1, gw-3]}\n  - {name: h2, runs: [gw-2, gw-4]}\n"));
  world *bare = world_new(AUTO_BACKUP(""));
  int same_host = 0, differs = 0;
  for (int e = 0; e < w->g.n_ess; e++) {
    const rm_node *p = w->g.ess[e].targets[0], *b = w->g.ess[e].targets[1];
    cr_assert_not_null(b);
    same_host += together(&w->sc, p->name, b->name);
    differs += strcmp(b->name, bare->g.ess[e].targets[1]->name) != 0;
  }
  cr_assert_eq(same_host, 0, "every backup on the other host");
  cr_assert_gt(differs, 0, "without hosts some backups are on the primary's would-be host");
  world_free(w);
  world_free(bare);
}

/* Random failures of hosts. Four gateways on two hosts, the careful way
 * (each customer's primary and backup on different hosts). */
#define RANDOM(duration, seed, hosts, random)                                                                      \
  "name: r\nduration: " duration "\nseed: " seed "\nsample_every: 1h\nmanagement_servers: {count: 2}\n"            \
  "gateways: {count: 4}\ncustomers:\n  - {count: 4, servers: 2, clients: 8, primary: [gw-1, gw-2, gw-3, gw-4], "  \
  "backup: [gw-2, gw-1, gw-4, gw-3]}\n" hosts "random_failures:\n" random
#define TWO_HOSTS "hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n"

/* A span of time a node is held down by one holder (a fault or a random
 * failure): [start, end), end RS_TIME_MAX when never repaired. */
typedef struct {
  const rm_node *node;
  rs_time_t start, end;
  int holder, host;
} held_span;

/* Every span the timeline holds a node down, from its steps. */
static held_span *spans_of(const rm_timeline *tl, int *n_out) {
  held_span *v = calloc((size_t)tl->n_targets * (size_t)tl->n_steps + 1, sizeof *v);
  cr_assert_not_null(v);
  int n = 0;
  for (int i = 0; i < tl->n_steps; i++) {
    const rm_step *s = &tl->steps[i];
    for (int k = 0; k < s->n; k++) {
      const rm_node *node = tl->targets[s->first + k];
      if (s->action == RM_ACT_NODE_DOWN) {
        v[n++] = (held_span){.node = node, .start = s->t, .end = RS_TIME_MAX, .holder = s->holder, .host = s->host};
      } else if (s->action == RM_ACT_NODE_UP) {
        int j = n - 1;
        while (j >= 0 && !(v[j].node == node && v[j].holder == s->holder && v[j].end == RS_TIME_MAX)) j--;
        cr_assert_geq(j, 0, "an up without its down");
        v[j].end = s->t;
      }
    }
  }
  *n_out = n;
  return v;
}

/* Whether node is held down at t by any span. */
static bool held_at(const held_span *v, int n, const rm_node *node, rs_time_t t) {
  for (int i = 0; i < n; i++)
    if (v[i].node == node && v[i].start <= t && t < v[i].end) return true;
  return false;
}

/* A host's random failure takes every server on it down at the time drawn
 * and brings them back together at its repair, telling the story of a
 * host's crash; a gateway down by its own random failure, or by a fault,
 * when its host fails comes back only when both are over. Checked at every
 * step of the timeline and just before it: each gateway is down exactly
 * while some failure holds it. */
Test(hosts, random_failures_of_a_host_take_its_servers_down_together) {
  world *w = world_new(RANDOM("20d", "7", TWO_HOSTS,
                              "  host: {mtbf: 3d, mttr: 6h, repair: lognormal, cv: 0.5}\n"
                              "  gateway: {mtbf: 4d, mttr: 12h}\nfaults:\n  - {crash: gw-1, at: 5d, for: 2d}\n"));
  const rm_timeline *tl = &w->g.timeline;
  int host_failures = 0, host_ups = 0;
  for (int i = 0; i < tl->n_steps; i++) {
    const rm_step *s = &tl->steps[i];
    if (s->host < 0) continue;
    cr_assert_eq(s->fault, -1, "only random failures name hosts here");
    const rm_host_spec *hs = &w->sc.hosts[s->host];
    cr_assert_eq(s->n, hs->n_runs, "a host's step takes all its servers");
    for (int k = 0; k < s->n; k++) cr_assert_eq(tl->targets[s->first + k], world_node(w, hs->runs[k]));
    host_failures += s->action == RM_ACT_NODE_DOWN;
    host_ups += s->action == RM_ACT_NODE_UP && s->t <= w->sc.duration;
  }
  cr_assert_geq(host_failures, 3, "the draws give a few host failures (%d)", host_failures);
  int n;
  held_span *v = spans_of(tl, &n);
  /* The draws overlap a gateway's own failure (or the fault) with its
   * host's, both ways: the case the holds are for. */
  bool outlasts_host = false, host_outlasts = false;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (v[i].host >= 0 && v[j].host < 0 && v[i].node == v[j].node && v[j].start < v[i].end &&
          v[i].start < v[j].end) {
        outlasts_host |= v[j].end > v[i].end;
        host_outlasts |= v[i].end > v[j].end;
      }
  cr_assert(outlasts_host && host_outlasts, "no overlap of both kinds: choose other draws");
  rs_time_t prev = -1;
  for (int i = 0; i < tl->n_steps; i++) {
    rs_time_t t = tl->steps[i].t;
    if (t == prev || t > w->sc.duration) continue;
    prev = t;
    for (int pass = 0; pass < 2; pass++) {
      rs_time_t at = pass ? t : t - 1;
      world_run(w, at);
      for (int gw = 0; gw < w->g.n_gw; gw++) {
        const rm_node *node = &w->g.gw[gw].node;
        bool down = held_at(v, n, node, at);
        cr_assert_eq(node->state == RM_DOWN, down, "%s at %lld us: %s, but its failures say %s", node->name,
                     (long long)at, node->state == RM_DOWN ? "down" : "up", down ? "down" : "up");
      }
    }
  }
  free(v);
  /* The story tells each as a host's crash does. */
  int64_t told_down = 0, told_up = 0;
  for (int64_t i = 0; i < w->g.story.n; i++) {
    const rm_story_line *l = &w->g.story.lines[i];
    if (strcmp(l->kind, "host_down") == 0) {
      told_down += l->count;
      cr_assert(strstr(l->first, "host-1 goes down: gw-1 and gw-3 with it") ||
                    strstr(l->first, "host-2 goes down: gw-2 and gw-4 with it"),
                "%s", l->first);
    }
    if (strcmp(l->kind, "host_up") == 0) told_up += l->count;
  }
  cr_assert_eq(told_down, host_failures);
  cr_assert_eq(told_up, host_ups);
  world_run(w, w->sc.duration);
  assert_conserved(w);
  world_free(w);
}

/* Over a long run each host fails about duration / (mtbf + mttr) times: its
 * failures are a renewal process of cycles up (exponential, mean mtbf) then
 * down (lognormal, mean mttr, sd cv x mttr), whose count over t has mean
 * t / mu and variance t sigma^2 / mu^3 for large t (Cox, "Renewal
 * Theory", 1962), mu = mtbf + mttr and sigma^2 = mtbf^2 + (cv mttr)^2: with
 * mttr far below mtbf, sigma^2 / mu^2 is nearly 1, the Poisson variance.
 * 40 hosts over ten years, mtbf 180d, mttr 4h: 810.4 failures, sd 28.4;
 * the count drawn is within 4 sd, and so is the mean repair (sd cv x mttr /
 * sqrt(count)). */
Test(hosts, host_random_failures_follow_their_rate) {
  char text[4096];
  int len = snprintf(text, sizeof text,
                     "name: r\nduration: 3650d\nseed: 11\nsample_every: 1h\nmanagement_servers: {count: 2}\n"
                     "gateways: {count: 40}\ncustomers:\n  - {count: 1, servers: 1, clients: 1}\n"
                     "random_failures:\n  host: {mtbf: 180d, mttr: 4h, repair: lognormal, cv: 0.5}\nhosts:\n");
  for (int h = 1; h <= 40; h++)
    len += snprintf(text + len, sizeof text - (size_t)len, "  - {name: h%d, runs: [gw-%d]}\n", h, h);
  world *w = world_new(text);
  const rm_random_failures *rf = &w->sc.random[RM_RANDOM_HOST];
  double t = (double)w->sc.duration, mu = (double)rf->mtbf + (double)rf->mttr;
  double sigma2 = (double)rf->mtbf * (double)rf->mtbf + rf->cv * rf->cv * (double)rf->mttr * (double)rf->mttr;
  double mean = w->sc.n_hosts * t / mu, sd = sqrt(w->sc.n_hosts * t * sigma2 / (mu * mu * mu));
  cr_assert_float_eq(mean, rm_scenario_random_failures(&w->sc, w->sc.duration), 1e-6, "the loader's expectation");
  int64_t count = 0;
  double repair = 0;
  for (int i = 0; i < w->g.timeline.n_steps; i++) {
    const rm_step *s = &w->g.timeline.steps[i];
    if (s->action != RM_ACT_NODE_DOWN) continue;
    cr_assert_geq(s->host, 0);
    count++;
    repair += (double)s->repair;
  }
  cr_assert_eq(count, w->g.timeline.random_failures);
  cr_log_info("host failures: %lld drawn, %.1f expected (sd %.1f); mean repair %.0f s (mttr %.0f s)",
              (long long)count, mean, sd, repair / (double)count / RS_SEC, (double)rf->mttr / RS_SEC);
  cr_assert(fabs((double)count - mean) < 4 * sd, "%lld host failures, expected %.1f +/- 4 x %.1f", (long long)count,
            mean, sd);
  double repair_sd = rf->cv * (double)rf->mttr / sqrt((double)count);
  cr_assert(fabs(repair / (double)count - (double)rf->mttr) < 4 * repair_sd, "mean repair %.0f s",
            repair / (double)count / RS_SEC);
  world_free(w);
}

/* The steps of the random failures of nodes (host < 0) or of hosts, as
 * text: time, repair and what fails, one a line. */
static void random_draws(const world *w, bool hosts, char *out, size_t n) {
  size_t u = 0;
  out[0] = '\0';
  for (int i = 0; i < w->g.timeline.n_steps && u < n; i++) {
    const rm_step *s = &w->g.timeline.steps[i];
    if (s->fault >= 0 || s->action != RM_ACT_NODE_DOWN || (s->host >= 0) != hosts) continue;
    u += (size_t)snprintf(out + u, n - u, "%lld %lld %s\n", (long long)s->t, (long long)s->repair,
                          hosts ? w->sc.hosts[s->host].name : w->g.timeline.targets[s->first]->name);
  }
  cr_assert_lt(u, n, "draws too long");
}

/* Each host draws from its own stream, derived from the seed and its name:
 * the same seed, the same failures; another seed, others; adding hosts'
 * random failures changes no gateway's draws, and adding a host changes
 * no other host's. */
Test(hosts, host_random_failures_are_the_hosts_own) {
  static char a[1 << 16], b[1 << 16], c[1 << 16];
#define GW_RANDOM "  gateway: {mtbf: 5d, mttr: 6h}\n"
#define HOST_RANDOM "  host: {mtbf: 4d, mttr: 8h}\n"
#define THREE_HOSTS TWO_HOSTS "  - {name: host-3, runs: [sql-1]}\n"
  world *gw_only = world_new(RANDOM("60d", "7", TWO_HOSTS, GW_RANDOM));
  world *both = world_new(RANDOM("60d", "7", TWO_HOSTS, GW_RANDOM HOST_RANDOM));
  world *again = world_new(RANDOM("60d", "7", TWO_HOSTS, GW_RANDOM HOST_RANDOM));
  world *more = world_new(RANDOM("60d", "7", THREE_HOSTS, GW_RANDOM HOST_RANDOM));
  world *other = world_new(RANDOM("60d", "8", TWO_HOSTS, GW_RANDOM HOST_RANDOM));
  random_draws(gw_only, false, a, sizeof a);
  random_draws(both, false, b, sizeof b);
  cr_assert_gt(strlen(a), 0);
  cr_assert_str_eq(a, b, "hosts' random failures changed the gateways' draws");
  random_draws(both, true, a, sizeof a);
  random_draws(again, true, b, sizeof b);
  cr_assert_gt(strlen(a), 0);
  cr_assert_str_eq(a, b, "the same seed, the same host failures");
  cr_assert_eq(both->g.timeline.n_steps, again->g.timeline.n_steps);
  for (int i = 0; i < both->g.timeline.n_steps; i++)
    cr_assert(memcmp(&both->g.timeline.steps[i], &again->g.timeline.steps[i], sizeof(rm_step)) == 0);
  random_draws(other, true, c, sizeof c);
  cr_assert_str_neq(a, c, "another seed draws other failures");
  /* host-3's lines removed, the three hosts' draws are the two hosts'. */
  random_draws(more, true, c, sizeof c);
  char kept[1 << 16];
  size_t u = 0;
  for (char *line = strtok(c, "\n"); line; line = strtok(NULL, "\n"))
    if (!strstr(line, " host-3")) u += (size_t)snprintf(kept + u, sizeof kept - u, "%s\n", line);
  cr_assert_str_eq(kept, a, "adding host-3 changed the other hosts' draws");
  world_free(gw_only);
  world_free(both);
  world_free(again);
  world_free(more);
  world_free(other);
#undef GW_RANDOM
#undef HOST_RANDOM
#undef THREE_HOSTS
}

/* Random failures of hosts in a scenario without hosts fail nothing: they
 * are refused, at the key, rather than accepted as nothing. The event
 * storm check counts hosts. */
Test(hosts, host_random_failures_need_hosts) {
  fails(DESIGN("", "random_failures:\n  gateway: {mtbf: 90d, mttr: 4h}\n  host: {mtbf: 180d, mttr: 4h}\n"),
        "t.yaml:10:3:", "random_failures: host: this scenario has no hosts (every server is physical)");
  fails(DESIGN("hosts:\n  - {name: h1, runs: [gw-1]}\n  - {name: h2, runs: [gw-2]}\n",
               "random_failures:\n  host: {mtbf: 1us, mttr: 1us}\n"),
        "t.yaml:12:16:", "of 2 hosts x 4h / (mtbf 1us + mttr 1us)");
  rm_scenario sc;
  const char *ok = DESIGN("hosts:\n  - {name: h1, runs: [gw-1]}\n", "random_failures:\n  host: {mtbf: 180d, mttr: 4h}\n");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert_eq(sc.random[RM_RANDOM_HOST].mtbf, 180 * 24 * RS_HOUR);
  rm_scenario_free(&sc);
}

/* A rolling restart of hosts restarts host by host, each with every server
 * on it at once (not server by server), and tells each host's story. */
Test(hosts, rolling_restart_of_hosts_goes_host_by_host) {
  world *w = world_new(DESIGN("hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n",
                              "faults:\n  - {rolling_restart: [host-2, gw-1, host-1], at: 1h, gap: 30m, for: 10m}\n"));
  static const struct {
    rs_time_t t;
    const char *down;       /* the gateways down then, as 0/1 for gw-1 .. gw-4 */
  } want[] = {{55 * RS_MIN, "0000"},  {65 * RS_MIN, "0101"}, {75 * RS_MIN, "0000"}, {95 * RS_MIN, "1000"},
              {105 * RS_MIN, "0000"}, {125 * RS_MIN, "1010"}, {135 * RS_MIN, "0000"}};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    world_run(w, want[k].t);
    for (int i = 0; i < 4; i++)
      cr_assert_eq(w->g.gw[i].node.state == RM_DOWN, want[k].down[i] == '1', "gw-%d at %lld min", i + 1,
                   (long long)(want[k].t / RS_MIN));
  }
  const char *told[3] = {NULL, NULL, NULL};
  int n = 0;
  for (int64_t i = 0; i < w->g.story.n; i++)
    if (strcmp(w->g.story.lines[i].kind, "host_down") == 0 && n < 3) told[n++] = w->g.story.lines[i].first;
  cr_assert_eq(n, 2, "two hosts restarted, gw-1 alone is no host");
  cr_assert_str_eq(told[0], "host-2 goes down: gw-2 and gw-4 with it");
  cr_assert_str_eq(told[1], "host-1 goes down: gw-1 and gw-3 with it");
  world_free(w);
  /* A rolling restart of one host is that host restarted once. */
  w = world_new(DESIGN("hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n",
                       "faults:\n  - {rolling_restart: host-1, at: 1h, gap: 30m, for: 10m}\n"));
  world_run(w, 65 * RS_MIN);
  cr_assert_eq(world_node(w, "gw-1")->state, RM_DOWN);
  cr_assert_eq(world_node(w, "gw-3")->state, RM_DOWN);
  world_run(w, 95 * RS_MIN);
  cr_assert_eq(world_node(w, "gw-3")->state, RM_UP, "not restarted again after the gap");
  cr_assert_eq(w->g.timeline.windows[0].end, 70 * RS_MIN);
  world_free(w);
}

/* A host's measures against theory. The five gateways ask for 5 x 0.6 =
 * 3.0 processors (500 agents x 0.0012 each, docs/hardware.md). On a
 * 16-processor host-standard that is 3.0 / 16 = 18.75 % asked, the same
 * busy, each server all of its processors; on the 2-processor host, 150 %
 * asked, each gets 2 / 3 of its own, and the host is 100 % busy (no
 * busier than all its processors). The memory committed is the servers'
 * 5 x 4 GB (gateway-standard) over the host's 64 GB: 31.25 %. */
Test(hosts, a_host_is_measured_as_theory_says) {
  world *big = world_new(FIVE("hosts:\n  - {name: h, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"));
  world *small = world_new(FIVE("hardware:\n  models: [{name: small-host, like: host-standard, processors: 2}]\n"
                                "hosts:\n  - {name: h, model: small-host, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"));
  world_run(big, big->sc.duration);
  world_run(small, small->sc.duration);
  const rm_host *hb = &big->g.hosts[0], *hs = &small->g.hosts[0];
  cr_assert_float_eq(hb->asked / 16, 3.0 / 16, 0.003, "asked %.4f", hb->asked / 16);
  cr_assert_float_eq(hb->cpu, 3.0 / 16, 0.003, "busy %.4f", hb->cpu);
  /* Busy is what its servers did: their processors busy, summed. */
  double done = 0;
  for (int i = 0; i < hb->n_vms; i++) done += hb->vms[i]->util[RM_RES_CPU] * hb->vms[i]->model->processors;
  cr_assert_float_eq(hb->cpu, done / 16, 1e-9);
  cr_assert_float_eq(hb->share, 1, 1e-12);
  cr_assert_float_eq(hb->least_share, 1, 1e-12);
  cr_assert_float_eq(hb->peak_cpu, 3.0 / 16, 0.003);
  cr_assert_not(hb->busy);
  cr_assert_float_eq(hb->memory, 5 * 4.0 / 64, 1e-12);
  cr_assert_float_eq(hs->asked / 2, 1.5, 0.02, "asked %.4f", hs->asked / 2);
  cr_assert_float_eq(hs->share, 2.0 / 3, 0.01, "share %.4f", hs->share);
  cr_assert_float_eq(hs->least_share, 2.0 / 3, 0.01);
  cr_assert_eq(hs->cpu, 1.0, "all its processors busy: %.4f", hs->cpu);
  cr_assert_eq(hs->peak_cpu, 1.0);
  cr_assert_float_eq(hs->peak_asked, 1.5, 0.02);
  cr_assert_float_eq(hs->memory, 5 * 4.0 / 64, 1e-12, "its processors changed, not its memory");
  world_free(big);
  world_free(small);
}

/* utilization_below on a host: its processors busy (100 % on the
 * overcommitted host, 18.75 % on the big one) and the memory committed to
 * it (31.25 %), judged at every sample; role: host judges every host. */
Test(hosts, an_expectation_on_a_host) {
  world *small = world_new(FIVE("hardware:\n  models: [{name: small-host, like: host-standard, processors: 2}]\n"
                                "hosts:\n  - {name: h, model: small-host, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"
                                "expect:\n  - {utilization_below: {cpu: 75%, host: h}}\n"
                                "  - {utilization_below: {memory: 40%, role: host}}\n"
                                "  - {utilization_below: {memory: 30%, host: h}}\n"));
  world *big = world_new(FIVE("hosts:\n  - {name: h, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"
                              "  - {name: h2, runs: [ms-1]}\n"
                              "expect:\n  - {utilization_below: {cpu: 20%, host: h}}\n"
                              "  - {utilization_below: {cpu: 18%, role: host}}\n"
                              "  - {utilization_below: {cpu: 75%}}\n"));
  world_run(small, small->sc.duration);
  world_run(big, big->sc.duration);
  cr_assert_eq(rm_group_judge(&small->g, small->sc.duration), 2);
  cr_assert_eq(rm_group_judge(&big->g, big->sc.duration), 1);
  const rm_verdict *v = small->g.m.verdicts;
  cr_assert_str_eq(v[0].name, "utilization_below cpu 75% on h");
  cr_assert_not(v[0].held);
  cr_assert(strstr(v[0].detail, "highest against its limit: h cpu 100.0 % (limit 75 %) at 00:01:00, its servers asking "
                                "for "),
            "%s", v[0].detail);
  cr_assert(strstr(v[0].detail, "(overcommitted); 120 of 120 samples over a limit"), "%s", v[0].detail);
  cr_assert_str_eq(v[1].name, "utilization_below memory 40% of host");
  cr_assert(v[1].held, "%s", v[1].detail);
  cr_assert(strstr(v[1].detail, "h memory 31.2 % (limit 40 %)"), "%s", v[1].detail);
  cr_assert_not(v[2].held, "%s", v[2].detail);
  v = big->g.m.verdicts;
  cr_assert(v[0].held, "18.75 %% is below 20 %%: %s", v[0].detail);
  cr_assert(strstr(v[0].detail, "h cpu 18."), "%s", v[0].detail);
  cr_assert_not(v[1].held, "h is over 18 %%: %s", v[1].detail);
  cr_assert(strstr(v[1].detail, "highest against its limit: h cpu 18."), "%s", v[1].detail);
  cr_assert(v[2].held, "servers, not hosts: %s", v[2].detail);
  world_free(small);
  world_free(big);
}

/* A host named by an expectation must be one of the scenario's, and is
 * judged by cpu (at most 100 %) and memory. */
Test(hosts, an_expectation_names_a_host_of_the_scenario) {
#define EXPECT_ON(hosts, e) DESIGN(hosts, "expect:\n  - {utilization_below: " e "}\n")
#define H1 "hosts:\n  - {name: h1, runs: [gw-1, gw-2]}\n"
  fails(EXPECT_ON(H1, "{cpu: 75%, host: h9}"), "t.yaml:11:42:", "utilization_below.host: no host is named 'h9' (hosts "
                                                               "are named under hosts:)");
  fails(EXPECT_ON("", "{cpu: 75%, host: h1}"), "t.yaml:9:42:", "no host is named 'h1' (the scenario has no hosts)");
  fails(EXPECT_ON("", "{cpu: 75%, role: host}"), "t.yaml:9:42:", "utilization_below.role: host: the scenario has no hosts");
  fails(EXPECT_ON(H1, "{disk: 80%, host: h1}"), "t.yaml:11:32:", "utilization_below.disk: a host is judged by cpu and memory");
  fails(EXPECT_ON(H1, "{network: 50%, role: host}"), "t.yaml:11:35:", "utilization_below.network: a host is judged");
  fails(EXPECT_ON(H1, "{cpu: 150%, host: h1}"), "t.yaml:11:31:", "a host's processors are at most 100 % busy");
  fails(EXPECT_ON(H1, "{cpu: 75%, host: h1, server: gw-1}"), "t.yaml:11:42:", "give host alone, without server");
  fails(EXPECT_ON(H1, "{cpu: 75%, role: gatewy}"), "t.yaml:11:42:", "management_server, gateway, essentials, rms, sql, "
                                                                   "web_console or host");
  rm_scenario sc;
  const char *ok = EXPECT_ON(H1, "{cpu: 75%, memory: 90%, host: h1}");
  cr_assert_eq(rm_scenario_parse(&sc, "t.yaml", ok, strlen(ok), err, sizeof err), 0, "%s", err);
  cr_assert(sc.expect[0].hosts);
  cr_assert_eq(sc.expect[0].host, 0);
  cr_assert_str_eq(sc.expect[0].name, "utilization_below cpu 75% memory 90% on h1");
  rm_scenario_free(&sc);
#undef EXPECT_ON
#undef H1
}

/* A host's loss strands a customer whose other gateway is down already,
 * and the story says so: gw-2 crashed at 30m, then host-1 (gw-1 and gw-3)
 * at 1h leaves cust-1 and cust-2 (gw-1 and gw-2 are their two) without a
 * gateway. */
Test(hosts, the_story_names_customers_whose_other_gateway_is_down) {
  world *w = world_new(DESIGN("hosts:\n  - {name: host-1, runs: [gw-1, gw-3]}\n  - {name: host-2, runs: [gw-2, gw-4]}\n",
                              "faults:\n  - {crash: gw-2, at: 30m, for: 2h}\n  - {crash: host-1, at: 1h, for: 30m}\n"));
  world_run(w, 70 * RS_MIN);
  cr_assert_null(world_node(w, "cust-1")->parent);
  cr_assert_null(world_node(w, "cust-2")->parent);
  bool told = false;
  for (int64_t i = 0; i < w->g.story.n; i++)
    if (strcmp(w->g.story.lines[i].kind, "host_down") == 0)
      told = strstr(w->g.story.lines[i].first, "host-1 goes down: gw-1 and gw-3 with it; cust-1, cust-2 have no gateway "
                                               "(the other is down already)") != NULL;
  cr_assert(told);
  world_free(w);
}
