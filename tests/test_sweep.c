/*
 * romsim plan, romsim sweep and romsim merge, run as a user runs them.
 */
#include <signal.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "cli_util.h"
#include "xml_check.h"

TestSuite(sweep, .init = make_workdir, .fini = remove_workdir, .timeout = 240);

/* Every row of every table of a sweep file, as text, in a fixed order. */
static char *dump(const char *db) {
  static const char *const q[] = {"SELECT * FROM meta ORDER BY key", "SELECT * FROM sweep",
                                  "SELECT * FROM cases ORDER BY id", "SELECT * FROM items ORDER BY case_id, replication"};
  size_t cap = 1 << 20, n = 0;
  char *out = malloc(cap);
  cr_assert_not_null(out);
  out[0] = '\0';
  sqlite3 *h;
  cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "cannot open %s", db);
  for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(h, q[k], -1, &st, NULL), SQLITE_OK, "%s: %s", q[k], sqlite3_errmsg(h));
    n += (size_t)snprintf(out + n, cap - n, "== %s\n", q[k]);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); c++) {
        const unsigned char *t = sqlite3_column_text(st, c);
        n += (size_t)snprintf(out + n, cap - n, "%s|", t ? (const char *)t : "NULL");
        cr_assert(n < cap - 1, "dump too large");
      }
      n += (size_t)snprintf(out + n, cap - n, "\n");
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return out;
}

static void guide(char *buf, size_t n) { fixture(buf, n, "ROMSIM_SCENARIOS", "guide-example.yaml"); }

/* The guide's design flags a management server's failure as breaking
 * capacity, and gives every gateway failure's outcome. */
Test(sweep, guide_example_flags_a_management_server) {
  char sc[512];
  guide(sc, sizeof sc);
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:gateway,ms", "--duration", "2h", "--jobs", "2", "-o",
                                   path_in("s.db"), NULL});
  cr_assert_eq(r->status, 1, "status %d: %s", r->status, r->err);
  cr_assert(strstr(r->out, "11 cases; failures at 00:30:00 for 30m in 2h runs"), "%s", r->out);
  /* The worst first: a management server's failure, 4000 on the other. */
  const char *first = strstr(r->out, "\ncrash ");
  cr_assert_not_null(first);
  cr_assert(strncmp(first, "\ncrash ms-", 10) == 0, "%s", r->out);
  cr_assert(strstr(r->out, "OVER ms-2 4000/2000") && strstr(r->out, "OVER ms-1 4000/2000"), "%s", r->out);
  for (int g = 1; g <= 8; g++) {
    char line[32];
    snprintf(line, sizeof line, "\ncrash gw-%d ", g);
    cr_assert(strstr(r->out, line), "no line for gw-%d: %s", g, r->out);
  }
  cr_assert(strstr(r->out, "none (baseline)"));
  const char *db = path_in("s.db");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM items"), "11");
  cr_assert_str_eq(query(db, "SELECT worst_node || ' ' || worst_peak FROM items JOIN cases ON cases.id = case_id "
                             "WHERE label = 'crash ms-1'"),
                   "ms-2 4000");
  /* A gateway's customers move to backups: the other 8-gateway design's
   * gateways go over, and every path is back in 2 minutes (3 retries of
   * 30 s, a 30 s connect). */
  cr_assert_str_eq(query(db, "SELECT min(recover_us) || ' ' || max(recover_us) FROM items JOIN cases ON cases.id = "
                             "case_id WHERE label LIKE 'crash gw-%'"),
                   "120000000 120000000");
  cr_assert_str_eq(query(db, "SELECT sum(held) FROM items"), "0"); /* 600 on 4 gateways from the start */
}

/* --jobs 1 and --jobs 2 give the same file, byte for byte. */
Test(sweep, jobs_do_not_change_results) {
  char sc[512];
  guide(sc, sizeof sc);
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:gateway", "--duration", "2h", "--at", "30m", "--for",
                                   "20m", "--jobs", "1", "-o", path_in("j1.db"), NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  static char out1[sizeof r->out];
  memcpy(out1, r->out, sizeof out1);
  r = run((const char *[]){"sweep", sc, "--fail", "each:gateway", "--duration", "2h", "--at", "30m", "--for", "20m",
                           "--jobs", "2", "-o", path_in("j2.db"), NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  char *a = dump(path_in("j1.db")), *b = dump(path_in("j2.db"));
  cr_assert_str_eq(a, b);
  cr_assert(strstr(a, "crash gw-8"));
  /* The tables printed are the same too (less the file's name). */
  *strstr(out1, "sweep file:") = '\0';
  *strstr(r->out, "sweep file:") = '\0';
  cr_assert_str_eq(out1, r->out);
  free(a);
  free(b);
  /* And the files themselves. */
  static char fa[1 << 20], fb[1 << 20];
  FILE *f1 = fopen(path_in("j1.db"), "rb"), *f2 = fopen(path_in("j2.db"), "rb");
  size_t n1 = fread(fa, 1, sizeof fa, f1), n2 = fread(fb, 1, sizeof fb, f2);
  fclose(f1);
  fclose(f2);
  cr_assert_eq(n1, n2);
  cr_assert(memcmp(fa, fb, n1) == 0, "the two files differ");
  unsetenv("SOURCE_DATE_EPOCH");
}

/* Three shards merged give the tables of the sweep run whole. */
Test(sweep, shards_merged_equal_the_whole) {
  char sc[512];
  guide(sc, sizeof sc);
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  const char *common[] = {"--fail", "each:gateway,ms", "--pairs", "--duration", "90m", "--replications", "2", NULL};
  const char *args[32];
  int n;
#define SWEEP_ARGS(out, shard)                                                                                        \
  n = 0;                                                                                                             \
  args[n++] = "sweep";                                                                                               \
  args[n++] = sc;                                                                                                    \
  for (int i = 0; common[i]; i++) args[n++] = common[i];                                                             \
  if (shard) {                                                                                                       \
    args[n++] = "--shard";                                                                                           \
    args[n++] = shard;                                                                                               \
  }                                                                                                                  \
  args[n++] = "-o";                                                                                                  \
  args[n++] = out;                                                                                                   \
  args[n] = NULL;
  char whole[512], s1[512], s2[512], s3[512], merged[512];
  snprintf(whole, sizeof whole, "%s", path_in("whole.db"));
  snprintf(s1, sizeof s1, "%s", path_in("s1.db"));
  snprintf(s2, sizeof s2, "%s", path_in("s2.db"));
  snprintf(s3, sizeof s3, "%s", path_in("s3.db"));
  snprintf(merged, sizeof merged, "%s", path_in("merged.db"));
  SWEEP_ARGS(whole, NULL);
  result *r = run(args);
  cr_assert_eq(r->status, 1, "%s", r->err);
  /* 1 + 10 + 45 cases, 2 replications each. */
  cr_assert_str_eq(query(whole, "SELECT count(*) FROM items"), "112");
  cr_assert_str_eq(query(whole, "SELECT count(DISTINCT seed) FROM items"), "2");
  cr_assert(strstr(r->out, "+/-"), "%s", r->out);
  SWEEP_ARGS(s1, "1/3");
  cr_assert_eq(run(args)->status, 1);
  SWEEP_ARGS(s2, "2/3");
  cr_assert_eq(run(args)->status, 1);
  SWEEP_ARGS(s3, "3/3");
  r = run(args);
  cr_assert_eq(r->status, 1);
  cr_assert(strstr(r->out, "shard 3 of 3"), "%s", r->out);
  cr_assert_str_eq(query(s3, "SELECT count(*) FROM items"), "37");
  /* A shard missing, or given twice, is refused. */
  r = run((const char *[]){"merge", "-o", merged, s1, s3, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "shard 2/3 is missing"), "%s", r->err);
  r = run((const char *[]){"merge", "-o", merged, s1, s2, s2, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "are both shard 2/3"), "%s", r->err);
  cr_assert_eq(access(merged, F_OK), -1, "a merged file was left after a refused merge");
  r = run((const char *[]){"merge", "-o", merged, s3, s1, s2, NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  char *a = dump(whole), *b = dump(merged);
  cr_assert_str_eq(a, b);
  free(a);
  free(b);
  unsetenv("SOURCE_DATE_EPOCH");
#undef SWEEP_ARGS
}

Test(sweep, merge_refuses_other_sweeps) {
  char sc[512];
  guide(sc, sizeof sc);
  cr_assert_eq(run((const char *[]){"sweep", sc, "--fail", "each:ms", "--duration", "1h", "--shard", "1/2", "-o",
                                    path_in("a.db"), NULL})
                   ->status,
               1);
  cr_assert_eq(run((const char *[]){"sweep", sc, "--fail", "each:ms", "--duration", "1h", "--seed", "7", "--shard",
                                    "2/2", "-o", path_in("b.db"), NULL})
                   ->status,
               1);
  char a[512];
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  result *r = run((const char *[]){"merge", "-o", path_in("m.db"), a, path_in("b.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a shard of the same sweep") && strstr(r->err, "seed differs"), "%s", r->err);
  spit(path_in("junk.db"), "not a database at all");
  r = run((const char *[]){"merge", "-o", path_in("m.db"), path_in("junk.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a sweep file"), "%s", r->err);
}

Test(sweep, bad_flags_exit_2) {
  char sc[512];
  guide(sc, sizeof sc);
  static const char *const bad[][3] = {
      {"--fail", "each:bogus", "unknown role 'bogus'"},
      {"--fail", "gateway", "--fail takes each:ROLE"},
      {"--shard", "4/3", "--shard needs K/N"},
      {"--jobs", "0", "--jobs needs a number"},
      {"--replications", "x", "--replications needs a number"},
      {"--at", "30h", "begin after the end of the 1d run"},
      {"--for", "soon", "--for needs a duration"},
      {"--duration", "3651d", "--duration must be at most 3650d (ten years), not '3651d'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    result *r = run((const char *[]){"sweep", sc, bad[i][0], bad[i][1], "-o", path_in("x.db"), NULL});
    cr_assert_eq(r->status, 2, "%s %s gave %d", bad[i][0], bad[i][1], r->status);
    cr_assert(strstr(r->err, bad[i][2]), "%s %s: %s", bad[i][0], bad[i][1], r->err);
  }
  cr_assert_eq(count_files(), 0, "a file was left after bad usage");
}

/* The plan of the guide's example, explained, written, and verified. */
Test(sweep, plan_guide_example) {
  result *r = run((const char *[]){"plan", "--customers", "20x10+190", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "1. The guide's arithmetic: 2 management servers and 8 gateways."), "%s", r->out);
  cr_assert(strstr(r->out, "On 8 gateways the fullest would carry 600 agents (3 customers), over the limit of 530."),
            "%s", r->out);
  cr_assert(strstr(r->out, "2. Whole customers: 2 management servers and 10 gateways."), "%s", r->out);
  r = run((const char *[]){"plan", "--customers", "20x10+190", "--survive", "gateway", "-o", path_in("d.yaml"),
                           "--verify", "--duration", "3h", NULL});
  cr_assert_eq(r->status, 0, "%s\n%s", r->out, r->err);
  cr_assert(strstr(r->out, "3. Surviving any one gateway failure: 2 management servers and 12 gateways."), "%s", r->out);
  cr_assert(strstr(r->out, "13 of 13 cases held"), "%s", r->out);
  cr_assert(strstr(r->out, "verified"), "%s", r->out);
  /* The design runs as a scenario, and places what the plan says. */
  r = run((const char *[]){"validate", path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "20 customers, 4000 agents, 12 gateways, 2 management servers"), "%s", r->out);
  cr_assert_eq(access(path_in("d-sweep.db"), F_OK), 0);
}

/* Every planned design passes its own sweep: small cases, each policy. */
Test(sweep, planned_designs_pass_their_sweeps) {
  static const char *const cases[] = {"1x30+500", "3x15+285", "1x20+380,1x15+285,1x10+190,1x5+95", "20x10+190",
                                      "2x31+500,1x100"};
  static const char *const policies[] = {"gateway", "ms", "either"};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
      result *r = run((const char *[]){"plan", "--customers", cases[c], "--survive", policies[p], "--verify",
                                       "--duration", "2h", "--jobs", "2", NULL});
      cr_assert_eq(r->status, 0, "%s --survive %s: %s\n%s", cases[c], policies[p], r->out, r->err);
      cr_assert(strstr(r->out, "verified"), "%s", r->out);
    }
  cr_assert_eq(count_files(), 0, "--verify without -o left files");
}

Test(sweep, plan_bad_input_exit_2) {
  static const char *const bad[][3] = {
      {"--customers", "20y200", "--customers takes NxSIZE"},
      {"--gateway-limit", "99", "cust-1 has 100 agents, over the gateway limit of 99: an Essentials server reports "
                                "to one gateway, so no design holds it"},
      {"--survive", "everything", "--survive takes none"},
      {"--duration", "3651d", "--duration must be at most 3650d (ten years), not '3651d'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *a[] = {"plan", bad[i][0], bad[i][1], NULL, NULL, NULL};
    if (strcmp(bad[i][0], "--customers") != 0) {
      a[3] = "--customers";
      a[4] = "2x100";
    }
    result *r = run(a);
    cr_assert_eq(r->status, 2, "%s %s gave %d", bad[i][0], bad[i][1], r->status);
    cr_assert(strstr(r->err, bad[i][2]), "%s", r->err);
  }
  spit(path_in("c.yaml"), "customers:\n  - {count: 2, servers: 5, clientz: 10}\n");
  result *r = run((const char *[]){"plan", "--from", path_in("c.yaml"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "c.yaml:2:28: unknown key 'clientz'"), "%s", r->err);
}

/* A customer over an Essentials server's limit: the plan gives it as many
 * Essentials servers as it needs (not the gateway limit it named before),
 * says so, and writes essentials: in a design that passes its own
 * verification (before, 31 + 499 gave a design whose baseline failed). */
Test(sweep, plan_splits_customers_over_the_essentials_limit) {
  result *r = run((const char *[]){"plan", "--customers", "1x531", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "romsim plan: 1 customer on 2 Essentials servers, 531 agents (the largest Essentials "
                           "server 266)"),
            "%s", r->out);
  cr_assert(strstr(r->out, "Essentials servers: one manages at most 30 servers and 500 clients (service provider "
                           "mode), so\n   cust-1 (27 servers and 504 clients) gets 2, cust-1.1 and cust-1.2, with 13 or "
                           "14 servers and 252 clients each."),
            "%s", r->out);
  cr_assert(strstr(r->out, "2. Whole Essentials servers: 1 management server and 2 gateways."), "%s", r->out);
  cr_assert(strstr(r->out, "gw-1   on ms-1, 266 agents: cust-1.1\n"), "%s", r->out);
  r = run((const char *[]){"plan", "--customers", "1x31+499", "-o", path_in("d.yaml"), "--verify", "--jobs", "1",
                           NULL});
  cr_assert_eq(r->status, 0, "%s\n%s", r->out, r->err);
  cr_assert(strstr(r->out, "cust-1 (31 servers and 499 clients) gets 2, cust-1.1 and cust-1.2, with 15 or 16 servers "
                           "and 249 or 250 clients each."),
            "%s", r->out);
  cr_assert(strstr(r->out, "gw-1   on ms-1, 530 agents: cust-1.1 cust-1.2\n"), "%s", r->out);
  cr_assert(strstr(r->out, "verified"), "%s", r->out);
  char *d = slurp_alloc(path_in("d.yaml"));
  cr_assert(strstr(d, "    servers: 31\n    clients: 499\n    essentials: 2\n    primary: [gw-1, gw-1]\n"
                      "    backup: [auto, auto]\n"),
            "%s", d);
  free(d);
  r = run((const char *[]){"validate", path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "1 customers on 2 Essentials servers, 530 agents"), "%s", r->out);
  /* From a file: essentials: as given (more than needed is kept), a count
   * that cannot hold a customer refused where it is written. */
  spit(path_in("c.yaml"), "customers:\n  - {name: a, servers: 61, clients: 10, essentials: 4}\n");
  r = run((const char *[]){"plan", "--from", path_in("c.yaml"), "-o", path_in("e.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "a-1 (61 servers and 10 clients) gets 4 (as given), a-1.1 to a-1.4"), "%s", r->out);
  r = run((const char *[]){"validate", path_in("e.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  spit(path_in("c.yaml"), "customers:\n  - {name: a, servers: 61, clients: 10, essentials: 2}\n");
  r = run((const char *[]){"plan", "--from", path_in("c.yaml"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "c.yaml:2:53: essentials: 2: 61 servers and 10 clients split over 2 Essentials servers "
                           "leave up to 31 servers and 5 clients on one, over an Essentials server's limit of 30 "
                           "servers + 500 clients; it takes essentials: 3"),
            "%s", r->err);
  /* A scenario's customer over the limit is refused as the scenario is. */
  spit(path_in("s.yaml"), "name: s\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                          "customers:\n  - {servers: 10, clients: 600}\n");
  r = run((const char *[]){"plan", "--from", path_in("s.yaml"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "s.yaml:6:28: a customer with 10 servers and 600 clients is over an Essentials server's "
                           "limit"),
            "%s", r->err);
}

/* Customers of different sizes from a file, with its own limits. */
Test(sweep, plan_from_file) {
  spit(path_in("c.yaml"), "limits: {gateway_agents: 300}\n"
                          "customers:\n  - {name: acme, count: 2, servers: 10, clients: 140}\n"
                          "  - {name: zeta, servers: 20, clients: 230}\n");
  result *r = run((const char *[]){"plan", "--from", path_in("c.yaml"), "--survive", "gateway", "-o",
                                   path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  /* 550 agents / 300 = 2; acme-1 and acme-2 share one (300), zeta has its
   * own (250); a spare takes either's customers. */
  cr_assert(strstr(r->out, "limits 300 agents per gateway"), "%s", r->out);
  cr_assert(strstr(r->out, "2. Whole customers: 1 management server and 2 gateways."), "%s", r->out);
  cr_assert(strstr(r->out, "3. Surviving any one gateway failure: 1 management server and 3 gateways."), "%s", r->out);
  r = run((const char *[]){"validate", path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
}

/* romsim report draws a sweep: one well-formed page, one bar per case, the
 * worst first, and each chart as its own SVG. */
Test(sweep, report_draws_a_sweep) {
  char sc[512], db[600], html[600], dir[600], why[256];
  guide(sc, sizeof sc);
  snprintf(db, sizeof db, "%s", path_in("s.db"));
  snprintf(html, sizeof html, "%s", path_in("s.html"));
  snprintf(dir, sizeof dir, "%s", path_in("svg"));
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:gateway,ms", "--duration", "2h", "--replications",
                                   "2", "-o", db, NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  r = run((const char *[]){"report", db, "-o", html, "--svg", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "report of the sweep of guide-example (11 cases, complete)"), "%s", r->out);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "the sweep report is not well formed: %s", why);
  cr_assert_null(strstr(page, "<script"));
  cr_assert_null(strstr(page, "src=\"http"));
  const char *want[] = {"<h1>Sweep of guide-example</h1>", "0 of 11 cases held", "2 seeds per case",
                        "id=\"sweep-capacity\"", "id=\"sweep-dropped\"", "id=\"sweep-recover\"", "id=\"sweep-latency\"",
                        "class=\"limit\"", "<table id=\"sweep-table\">", "OVER ms-2 4000/2000", "FAILED 2 of 2"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(strstr(page, want[i]), "'%s' missing", want[i]);
  /* The capacity chart: the worst first, a management server at twice its
   * limit; every gateway and the baseline have a bar. */
  const char *cap = strstr(page, "id=\"sweep-capacity\"");
  const char *first = strstr(cap, "data-case=\"");
  cr_assert(strncmp(first, "data-case=\"crash ms-", 20) == 0, "%.80s", first);
  cr_assert(strstr(first, "data-value=\"2\""), "%.120s", first);
  const char *end = strstr(cap, "</svg>");
  int bars = 0;
  for (const char *p = cap; (p = strstr(p, "<g class=\"bar\"")) && p < end; p++) bars++;
  cr_assert_eq(bars, 11);
  free(page);
  static const char *const files[] = {"sweep-capacity.svg", "sweep-dropped.svg", "sweep-recover.svg",
                                      "sweep-latency.svg"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    char *svg = slurp_alloc(p);
    cr_assert_eq(xml_check(svg, why, sizeof why), 0, "%s: %s", files[i], why);
    cr_assert(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
    free(svg);
    unlink(p);
  }
  rmdir(dir);
}

/* SIGINT (or SIGHUP) stops the runs in flight: exit 3, and a sweep file
 * that says it was interrupted. */
static void interrupt_with(int sig) {
  char sc[512], db[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "long.yaml");
  snprintf(db, sizeof db, "%s", path_in("s.db"));
  pid_t pid = start((const char *[]){"sweep", sc, "--fail", "each:gateway", "--jobs", "2", "-o", db, NULL});
  nanosleep(&(struct timespec){0, 500000000}, NULL);
  kill(pid, sig);
  result r;
  finish(pid, &r);
  cr_assert_eq(r.status, 3, "status %d: %s", r.status, r.err);
  cr_assert(strstr(r.err, "sweep interrupted"), "%s", r.err);
  cr_assert(strstr(r.out, "did not finish (interrupted)"), "%s", r.out);
  cr_assert_null(strstr(r.out, "OVER  0/0"), "a run that did not finish is shown: %s", r.out);
  cr_assert_str_eq(query(db, "SELECT status FROM sweep"), "interrupted");
  cr_assert_str_eq(query(db, "SELECT count(*) < 50 FROM items WHERE status = 'complete'"), "1");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM items"), "51");
  cr_assert_eq(count_files(), 1, "a partial file was left");
}

Test(sweep, sigint_keeps_an_interrupted_file) { interrupt_with(SIGINT); }
Test(sweep, sighup_keeps_an_interrupted_file) { interrupt_with(SIGHUP); }

/* A disk that fills while the sweep file is written: SQLite's message with
 * the system's reason, naming the file; exit 2; nothing left. */
Test(sweep, a_full_disk_is_told_and_leaves_nothing) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  result r;
  finish(start_fsize((const char *[]){"sweep", sc, "--fail", "each:gateway", "--quiet", "-o", path_in("s.db"), NULL},
                     8 * 1024),
         &r);
  cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
  cr_assert(strstr(r.err, "s.db: cannot write the sweep file: disk I/O error (File too large)"), "%s", r.err);
  cr_assert_eq(count_files(), 0, "a file was left");
}

/* A sweep removes the partial file a killed sweep of the same name left. */
Test(sweep, a_stale_partial_file_is_removed) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  spit(path_in(".s.db.4194304.Zz9Zz9.partial"), "a killed sweep's");
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:gateway", "-o", path_in("s.db"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(!partial_left(), "the stale partial file was left");
}

/* A fault of the scenario's own is not blamed on the failure swept: a site
 * cut for good at 1h30m leaves every gateway's failure recovered in 2m. */
Test(sweep, recovery_counts_the_failure_s_own_outages) {
  spit(path_in("own.yaml"), "name: own\nduration: 3h\nseed: 1\nmanagement_servers: {count: 1}\n"
                            "gateways: {count: 3}\n"
                            "customers:\n  - {count: 2, servers: 10, clients: 90}\n  - {name: big, servers: 40, clients: 10, essentials: 2}\n"
                            "faults:\n  - {cut: link:cust1-1, at: 1h30m}\n");
  result *r = run((const char *[]){"sweep", path_in("own.yaml"), "--fail", "each:gateway", "-o", path_in("own.db"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  const char *db = path_in("own.db");
  cr_assert_str_eq(query(db, "SELECT group_concat(recover_us) FROM items WHERE case_id > 0"),
                   "120000000,120000000,120000000");
}

/* An Essentials server cannot be over its limits in a run: a customer its
 * Essentials servers cannot hold is refused before anything runs. A customer
 * with several is swept server by server (each:essentials) and site by site
 * (each:site: all of its Essentials servers cut off, and back), each for the
 * default 45 minutes of a 3 h run. */
Test(sweep, customers_with_several_essentials_servers) {
  spit(path_in("over.yaml"), "name: over\nduration: 3h\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
                             "customers:\n  - {name: big, servers: 40, clients: 10}\n");
  result *r = run((const char *[]){"sweep", path_in("over.yaml"), "-o", path_in("over.db"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "over.yaml:6:26: a customer with 40 servers and 10 clients is over an Essentials server's "
                           "limit of 30 servers + 500 clients"),
            "%s", r->err);
  cr_assert_eq(count_files(), 1, "a sweep file was written");
  spit(path_in("split.yaml"), "name: split\nduration: 3h\nseed: 1\nmanagement_servers: {count: 1}\ngateways: {count: 3}\n"
                              "customers:\n  - {name: big, servers: 40, clients: 10, essentials: 2}\n");
  r = run((const char *[]){"sweep", path_in("split.yaml"), "--fail", "each:essentials,site", "-o", path_in("split.db"),
                           NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  const char *db = path_in("split.db");
  cr_assert_str_eq(query(db, "SELECT group_concat(label || ' ' || recover_us, ', ') FROM "
                             "(SELECT c.label, i.recover_us FROM cases c JOIN items i ON i.case_id = c.id "
                             "WHERE case_id > 0 ORDER BY case_id)"),
                   "crash big-1.1 2700000000, crash big-1.2 2700000000, site big-1 2700000000");
}

Test(sweep, unwritable_output_is_refused_before_running) {
  char sc[512];
  guide(sc, sizeof sc);
  mkdir(path_in("folder"), 0777);
  result *r = run((const char *[]){"sweep", sc, "-o", path_in("folder"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a regular file"), "%s", r->err);
  cr_assert_null(strstr(r->out, "cases"), "the sweep ran: %s", r->out);
  rmdir(path_in("folder"));
  r = run((const char *[]){"sweep", sc, "-o", path_in("no/such/folder/s.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "cannot write the sweep file"), "%s", r->err);
}

/* A FIFO or a device under the output's name is refused, and left as it
 * was (the device is a node made in the work folder, as root). */
Test(sweep, output_that_is_not_a_regular_file_is_refused) {
  char sc[512], t[2][600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(t[0], sizeof t[0], "%s", path_in("fifo"));
  snprintf(t[1], sizeof t[1], "%s", path_in("null"));
  cr_assert_eq(mkfifo(t[0], 0644), 0);
  int n = geteuid() == 0 && mknod(t[1], S_IFCHR | 0666, makedev(1, 3)) == 0 ? 2 : 1;
  for (int k = 0; k < n; k++) {
    struct stat before, after;
    cr_assert_eq(lstat(t[k], &before), 0);
    const char *const cmds[][8] = {{"sweep", sc, "--fail", "each:gateway", "-o", t[k], NULL},
                                   {"merge", "-o", t[k], sc, NULL}};
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
      result *r = run_limited(cmds[c], 60);
      cr_assert_eq(r->status, 2, "%s -o %s: %d %s", cmds[c][0], t[k], r->status, r->err);
      cr_assert(strstr(r->err, "not a regular file") && strstr(r->err, t[k]), "%s", r->err);
      cr_assert_eq(lstat(t[k], &after), 0);
      cr_assert_eq(before.st_mode & S_IFMT, after.st_mode & S_IFMT, "%s replaced %s", cmds[c][0], t[k]);
    }
  }
}

/* The output is the scenario or a shard under another name: refused. */
Test(sweep, output_that_is_an_input_is_refused) {
  char sc[512], s[600], s_link[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  char *text = slurp_alloc(sc);
  snprintf(s, sizeof s, "%s", path_in("s.yaml"));
  snprintf(s_link, sizeof s_link, "%s", path_in("s-link.yaml"));
  spit(s, text);
  cr_assert_eq(link(s, s_link), 0);
  result *r = run((const char *[]){"sweep", s, "--fail", "each:gateway", "-o", s_link, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, s_link) && strstr(r->err, "the same file as the input") && strstr(r->err, s), "%s", r->err);
  r = run((const char *[]){"merge", "-o", s_link, path_in("other.db"), s, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, "the same file as the input"), "%s", r->err);
  char *now = slurp_alloc(s);
  cr_assert_str_eq(now, text);
  free(now);
  free(text);
}

/* Names from a scenario are written back escaped; names that would clash
 * with the design's own nodes are refused. */
Test(sweep, plan_names) {
  spit(path_in("s.yaml"), "name: s\nduration: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
                          "customers:\n  - {name: 'a\"b\\\\c', count: 2, servers: 5, clients: 100}\n");
  result *r = run((const char *[]){"plan", "--from", path_in("s.yaml"), "-o", path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"validate", path_in("d.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  spit(path_in("c.yaml"), "customers:\n  - {name: gw, count: 2, servers: 5, clients: 100}\n");
  r = run((const char *[]){"plan", "--from", path_in("c.yaml"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "customer name 'gw' would name customers gw-1"), "%s", r->err);
  /* 530 computers: 30 servers and 500 clients, within an Essentials server's limits. */
  r = run((const char *[]){"plan", "--customers", "2x530", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_null(strstr(r->out, "Essentials servers:"), "%s", r->out);
  cr_assert(strstr(r->out, "2. Whole customers:"), "%s", r->out);
}

/* A failure that lasts until the end of the run shows no recovery: never
 * held, recovered "never", and the verdict says why; the same failure
 * ending earlier holds. An Essentials server down for the last hour: its
 * agents' data still queued at the end counts in the worst latency. */
Test(sweep, a_failure_to_the_end_of_the_run_never_holds) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example-packed.yaml");
  result *r = run((const char *[]){"sweep", sc, "--fail", "each:essentials", "--duration", "2h", "--at", "1h", "--for",
                                   "1h", "--jobs", "2", "-o", path_in("end.db"), NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  const char *db = path_in("end.db");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM items JOIN cases ON cases.id = case_id WHERE label LIKE 'crash %' "
                             "AND held = 0 AND recover_us IS NULL AND detail LIKE 'the failure lasts until the end%'"),
                   "20");
  /* Its agents queued for the hour: the slowest byte is an hour old. */
  cr_assert_str_eq(query(db, "SELECT min(latency_max_us) >= 3540000000 FROM items JOIN cases ON cases.id = case_id "
                             "WHERE label LIKE 'crash %'"),
                   "1");
  r = run((const char *[]){"sweep", sc, "--fail", "each:essentials", "--duration", "2h", "--at", "30m", "--for", "30m",
                           "--jobs", "2", "-o", path_in("end2.db"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->out);
  cr_assert(strstr(r->out, "21 of 21 cases held"), "%s", r->out);
}

/* The guide's arithmetic never shows a quotient above a whole number as
 * that number: 531 / 530 is 1.002, rounded up to 2. */
Test(sweep, plan_quotients_read_true) {
  result *r = run((const char *[]){"plan", "--customers", "1x531", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "531 agents / 530 per gateway = 1.002, rounded up to 2;"), "%s", r->out);
  r = run((const char *[]){"plan", "--customers", "20x200", NULL});
  cr_assert(strstr(r->out, "4000 agents / 530 per gateway = 7.55, rounded up to 8; 4000 / 2000 per management server = "
                           "2.00, rounded up to 2."),
            "%s", r->out);
}
