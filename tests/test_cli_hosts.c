/*
 * Hosts as a user meets them: each host a node of the results file with
 * its samples (processors busy and asked for, the share its servers get,
 * the memory committed to them) and which servers it runs; the summary's
 * and the JSON's peaks by host; expectations on a host; the report's
 * drawing of the hosts and their charts. A run without hosts has none of
 * it.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "xml_check.h"

TestSuite(cli_hosts, .init = make_workdir, .fini = remove_workdir, .timeout = 120);

/* Five gateways of 500 agents on one 2-processor host: they ask for 5 x
 * 500 x 0.0012 = 3.0 processors (docs/hardware.md), 150 % of it; each
 * gets 2 / 3 of its own, the host is 100 % busy; 5 x 4 GB committed of its
 * 64 GB is 31.25 %. */
#define FIVE                                                                                                       \
  "name: five\nduration: 1h\nseed: 5\nload: {arrivals: fluid}\nmanagement_servers: {count: 2}\ngateways: {count: 5}\n"                     \
  "customers:\n  - {count: 25, servers: 5, clients: 95}\n"                                                        \
  "hardware:\n  models: [{name: small-host, like: host-standard, processors: 2}]\n"                              \
  "hosts:\n  - {name: h, model: small-host, runs: [gw-1, gw-2, gw-3, gw-4, gw-5]}\n"                              \
  "  - {name: h2, runs: [rms-1]}\n"

static char *scenario(const char *text) {
  char *path = path_in("s.yaml");
  spit(path, text);
  return path;
}

Test(cli_hosts, an_overcommitted_host_in_the_results_and_the_summary) {
  char sc[512], db[512];
  snprintf(sc, sizeof sc, "%s", scenario(FIVE "expect:\n  - {utilization_below: {cpu: 75%, host: h}}\n"
                                              "  - {utilization_below: {memory: 40%, role: host}}\n"));
  snprintf(db, sizeof db, "%s", path_in("h.db"));
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 1, "%s%s", r->out, r->err);
  /* The hosts are nodes; the servers keep their parent (where they report). */
  cr_assert_str_eq(query(db, "SELECT group_concat(name || ':' || role || ':' || coalesce(parent, 'none'), ' ') FROM "
                             "nodes WHERE role = 'host'"),
                   "h:host:none h2:host:none");
  cr_assert_str_eq(query(db, "SELECT p.role FROM nodes n JOIN nodes p ON p.id = n.parent WHERE n.name = 'gw-1'"),
                   "management_server");
  /* Which host runs which server: an on_host event of each, at 0. */
  cr_assert_str_eq(query(db, "SELECT group_concat(n.name || '@' || e.detail, ' ') FROM events e JOIN nodes n ON n.id = "
                             "e.node WHERE e.kind = 'on_host' AND e.t_us = 0 ORDER BY e.id"),
                   "gw-1@h gw-2@h gw-3@h gw-4@h gw-5@h rms-1@h2");
  /* Its samples at every sampling time, as theory says once loaded. */
  cr_assert_str_eq(query(db, "SELECT count(DISTINCT t_us) FROM sample_view WHERE node = 'ms-1' AND metric = 'cpu'"), "61");
  static const char *const metrics[] = {"host_cpu", "host_asked", "host_share", "host_memory"};
  for (size_t i = 0; i < 4; i++) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sample_view WHERE node = 'h' AND metric = '%s'", metrics[i]);
    cr_assert_str_eq(query(db, sql), "61", "%s", metrics[i]);
  }
  cr_assert_str_eq(query(db, "SELECT value FROM sample_view WHERE node = 'h' AND metric = 'host_cpu' AND t_us = 1800000000"),
                   "1.0");
  cr_assert_str_eq(query(db, "SELECT round(value, 2) FROM sample_view WHERE node = 'h' AND metric = 'host_asked' AND "
                             "t_us = 1800000000"),
                   "1.5");
  cr_assert_str_eq(query(db, "SELECT round(value, 3) FROM sample_view WHERE node = 'h' AND metric = 'host_share' AND "
                             "t_us = 1800000000"),
                   "0.667");
  cr_assert_str_eq(query(db, "SELECT min(value) || ' ' || max(value) FROM sample_view WHERE node = 'h' AND metric = "
                             "'host_memory'"),
                   "0.3125 0.3125");
  /* The other host: rms-1 asks 4000 x 0.0012 x 0.4 ... as it is measured:
   * its busy processors over the host's 16. */
  cr_assert_str_eq(query(db, "SELECT round(h.value * 16 - s.value * 4, 9) FROM sample_view h JOIN sample_view s ON "
                             "s.t_us = h.t_us AND s.node = 'rms-1' AND s.metric = 'cpu' WHERE h.node = 'h2' AND "
                             "h.metric = 'host_cpu' AND h.t_us = 1800000000"),
                   "0.0", "a host is as busy as its servers' processors");
  /* The summary and the verdicts. */
  cr_assert(strstr(r->out, "peak utilization by host (processors busy and asked for by its servers; memory committed "
                           "to them):\n"),
            "%s", r->out);
  cr_assert(strstr(r->out, "  h                  gw-1, gw-2, ... (5)        100.0 %!   150."), "%s", r->out);
  cr_assert(strstr(r->out, "  h is overcommitted: its servers asked for 150 % of its 2 processors at "), "%s", r->out);
  cr_assert(strstr(r->out, "each got 67 % of its own at the least"), "%s", r->out);
  cr_assert(strstr(r->out, "FAIL  utilization_below cpu 75% on h: highest against its limit: h cpu 100.0 % (limit 75 "
                           "%)"),
            "%s", r->out);
  cr_assert(strstr(r->out, "held  utilization_below memory 40% of host: highest against its limit: h memory 31.2 % "
                           "(limit 40 %)"),
            "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT group_concat(held, ' ') FROM expectations ORDER BY id"), "0 1");
}

Test(cli_hosts, the_json_has_each_hosts_peaks) {
  result *r = run((const char *[]){"run", scenario(FIVE), "-o", path_in("j.db"), "--json", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, ",\"hosts\":[{\"name\":\"h\",\"servers\":[\"gw-1\",\"gw-2\",\"gw-3\",\"gw-4\",\"gw-5\"],"
                           "\"processors\":2,\"memory_bytes\":68719476736,\"cpu\":1.0000,\"asked\":1.50"),
            "%s", r->out);
  cr_assert(strstr(r->out, "\"least_share\":0.66"), "%s", r->out);
  cr_assert(strstr(r->out, "\"memory\":0.3125,\"overcommitted\":true,\"memory_overcommitted\":false},{\"name\":\"h2\","
                           "\"servers\":[\"rms-1\"]"),
            "%s", r->out);
}

/* The report draws the hosts (a box each, listing its servers, the
 * overcommitted one said so), tables their peaks and charts their
 * processors busy and asked for; --svg writes the three as files. */
Test(cli_hosts, the_report_draws_the_hosts) {
  char db[512], html[512], dir[512];
  snprintf(db, sizeof db, "%s", path_in("r.db"));
  snprintf(html, sizeof html, "%s", path_in("r.html"));
  snprintf(dir, sizeof dir, "%s", path_in("svg"));
  result *r = run((const char *[]){"run", scenario(FIVE), "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"report", db, "-o", html, "--svg", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html), why[256];
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "the page: %s", why);
  cr_assert(strstr(page, "<h2>Hosts</h2>"), "no hosts section");
  char *hosts = strstr(page, "<svg id=\"hosts\" class=\"hosts\"");
  cr_assert_not_null(hosts, "no drawing of the hosts");
  char *box = strstr(hosts, "<g class=\"host\" data-name=\"h\">");
  cr_assert_not_null(box, "no box for h");
  char *end = strstr(box, "</g>");
  cr_assert_not_null(end);
  *end = '\0';
  cr_assert(strstr(box, "fill=\"#f4a6a0\" stroke=\"#d73027\""), "h is red: %s", box);
  cr_assert(strstr(box, "overcommitted: processors</text>"), "%s", box);
  for (int i = 1; i <= 5; i++) {
    char want[64];
    snprintf(want, sizeof want, ">gw-%d</text>", i);
    cr_assert(strstr(box, want), "gw-%d is in h's box: %s", i, box);
  }
  cr_assert(strstr(box, "cpu 100.0 % &#183; asked 150."), "%s", box);
  *end = '<';
  box = strstr(hosts, "<g class=\"host\" data-name=\"h2\">");
  cr_assert_not_null(box, "no box for h2");
  cr_assert(strstr(box, ">rms-1</text>"), "rms-1 is in h2's box");
  cr_assert(strstr(page, "<table id=\"host-peaks\">"), "no table of the hosts' peaks");
  cr_assert(strstr(page, "<td class=\"t\">h</td><td>gw-1, gw-2, gw-3, gw-4, gw-5</td><td class=\"failed\">100.0 %</td>"
                         "<td class=\"failed\">150."),
            "h's row");
  cr_assert(strstr(page, "%: overcommitted</td><td>66.7 %</td><td>31.2 %</td></tr>"), "h's row, its share and memory");
  cr_assert(strstr(page, "<svg id=\"hosts-cpu\" class=\"chart\""), "no chart of the hosts' processors busy");
  cr_assert(strstr(page, "<svg id=\"hosts-asked\" class=\"chart\""), "no chart of the processors asked for");
  char *asked = strstr(page, "<svg id=\"hosts-asked\"");
  cr_assert(strstr(asked, "<g class=\"series\" data-name=\"h\">"), "h's line");
  cr_assert(strstr(asked, "all its processors (100 %)"), "the 100 %% line");
  free(page);
  static const char *const files[] = {"hosts.svg", "hosts-cpu.svg", "hosts-asked.svg", "cpu.svg"};
  for (size_t i = 0; i < 4; i++) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    char *svg = slurp_alloc(p);
    cr_assert_eq(xml_check(svg, why, sizeof why), 0, "%s: %s", files[i], why);
    cr_assert(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""), "%s stands alone", files[i]);
    free(svg);
    unlink(p);
  }
  rmdir(dir);
}

/* The guide's 40 customers on 10 virtual gateways, two to a host (the
 * careless design): two 400-agent gateways ask for 400 x 0.0012 = 0.48
 * processors each, 0.96 of a host-standard's 16: 6.0 %; their 2 x 4 GB
 * are 12.5 % of its 64 GB. */
Test(cli_hosts, the_guides_virtual_design_by_host) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-virtual-careless.yaml");
  result *r = run((const char *[]){"run", sc, "-o", path_in("g.db"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  for (int h = 1; h <= 5; h++) {
    char want[160];
    snprintf(want, sizeof want, "  host-%d             gw-%d, gw-%d%s                 6.0 %%      6.0 %%     12.5 %% \n", h,
             2 * h - 1, 2 * h, h == 5 ? " " : "  ");
    cr_assert(strstr(r->out, want), "want '%s' in %s", want, r->out);
  }
  cr_assert_null(strstr(r->out, "overcommitted"), "%s", r->out);
}

/* A run without hosts records, prints and draws nothing of them. */
Test(cli_hosts, a_run_without_hosts_has_none_of_it) {
  char db[512], html[512];
  snprintf(db, sizeof db, "%s", path_in("n.db"));
  snprintf(html, sizeof html, "%s", path_in("n.html"));
  const char *text = "name: none\nduration: 30m\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                     "customers:\n  - {count: 2, servers: 2, clients: 8}\n";
  result *r = run((const char *[]){"run", scenario(text), "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_null(strstr(r->out, "by host"), "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT count(*) FROM nodes WHERE role = 'host'"), "0");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM metrics WHERE name LIKE 'host%'"), "0");
  cr_assert_str_eq(query(db, "SELECT max(id) FROM metrics"), "32", "the metrics of a run before hosts were measured");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'on_host'"), "0");
  r = run((const char *[]){"run", scenario(text), "-o", path_in("n2.db"), "--json", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_null(strstr(r->out, "\"hosts\""), "%s", r->out);
  r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert_null(strstr(page, "Hosts"), "no hosts section");
  cr_assert_null(strstr(page, "id=\"hosts"), "no hosts drawing");
  free(page);
}

/* A host's events are its own: host_down and host_up name the host's node
 * (role host), not the group. */
Test(cli_hosts, a_hosts_events_name_the_host) {
  char *sc = path_in("h.yaml"), *db = path_in("h.db");
  spit(sc, "name: h\nduration: 2h\nmanagement_servers: {count: 2}\ngateways: {count: 2}\n"
           "customers:\n  - {count: 2, servers: 5, clients: 45}\n"
           "hosts:\n  - {name: vh, runs: [gw-1]}\nfaults:\n  - {crash: vh, at: 30m, for: 20m}\n");
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert(r->status == 0 || r->status == 1, "%s", r->err);
  char *q = query(db, "SELECT group_concat(n.name || ':' || n.role || ':' || e.kind, ' ') FROM events e JOIN nodes n "
                      "ON n.id = e.node WHERE e.kind LIKE 'host_%'");
  cr_assert_str_eq(q, "vh:host:host_down vh:host:host_up");
}
