/* Hosts: servers virtual on physical hosts, read and checked, and a host's
 * failure taking every one of them down at once. */
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
  "name: o\nduration: 2h\nseed: 5\nmanagement_servers: {count: 2}\ngateways: {count: 5}\n"                        \
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
