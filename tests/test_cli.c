/*
 * The romsim command as a user meets it: exit statuses, messages, the
 * results file it leaves (or does not leave), signals.
 */
#define _GNU_SOURCE /* unshare, for a small file system of the test's own */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "xml_check.h"

TestSuite(cli, .init = make_workdir, .fini = remove_workdir, .timeout = 60);

Test(cli, version_and_help) {
  result *r = run((const char *[]){"--version", NULL});
  cr_assert_eq(r->status, 0);
  cr_assert(strncmp(r->out, "romsim ", 7) == 0, "got: %s", r->out);
  r = run((const char *[]){"--help", NULL});
  cr_assert_eq(r->status, 0);
  cr_assert(strstr(r->out, "run SCENARIO") && strstr(r->out, "validate SCENARIO"));
  r = run((const char *[]){"run", "--help", NULL});
  cr_assert_eq(r->status, 0);
  cr_assert(strstr(r->out, "--seed N") && strstr(r->out, "--json"));
  r = run((const char *[]){"validate", "--help", NULL});
  cr_assert_eq(r->status, 0);
  cr_assert(strstr(r->out, "usage: romsim validate"));
}

Test(cli, usage_errors_exit_2) {
  result *r = run((const char *[]){NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "usage: romsim"));
  r = run((const char *[]){"frobnicate", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "unknown command 'frobnicate'"), "got: %s", r->err);
  r = run((const char *[]){"--frob", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "unknown option '--frob'"), "got: %s", r->err);
  r = run((const char *[]){"run", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "which scenario?"), "got: %s", r->err);
  r = run((const char *[]){"run", "a.yaml", "b.yaml", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "one scenario at a time"), "got: %s", r->err);
  r = run((const char *[]){"run", "a.yaml", "-o", NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "-o needs a value"), "got: %s", r->err);
}

Test(cli, unknown_flag_names_it) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  result *r = run((const char *[]){"run", sc, "--bogus", "-o", path_in("x.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "unknown option '--bogus'"), "got: %s", r->err);
  cr_assert_eq(count_files(), 0, "a results file was left after bad usage");
}

Test(cli, bad_seed_flag) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  const char *bad[] = {"-3", "12x", "", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    result *r = run((const char *[]){"run", sc, "--seed", bad[i], "-o", path_in("x.db"), NULL});
    cr_assert_eq(r->status, 2, "--seed '%s' gave %d", bad[i], r->status);
    cr_assert(strstr(r->err, "--seed needs an integer"), "got: %s", r->err);
  }
  cr_assert_eq(count_files(), 0);
}

/* Every numeric flag is checked by one parser: a number out of range is
 * refused with the range, never wrapped (--shard 1/4294967297 once ran as
 * 1/1), and nothing is written. */
Test(cli, numbers_out_of_range_are_refused) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  static const char *const bad[][4] = {
      {"sweep", "--shard", "1/99999999999", "--shard needs K/N with 1 <= K <= N <= 10000000"},
      {"sweep", "--shard", "1/4294967297", "--shard needs K/N with 1 <= K <= N <= 10000000"},
      {"sweep", "--shard", "4294967297/4294967298", "--shard needs K/N"},
      {"sweep", "--shard", "1/ 2", "--shard needs K/N"},
      {"sweep", "--shard", "+1/2", "--shard needs K/N"},
      {"sweep", "--jobs", "99999999999999999999", "--jobs needs a number from 1 to 1024, not '99999999999999999999'"},
      {"sweep", "--jobs", "4294967297", "--jobs needs a number from 1 to 1024"},
      {"sweep", "--replications", "1e3", "--replications needs a number from 1 to 10000"},
      {"sweep", "--seed", "18446744073709551616", "--seed needs an integer from 0 to 18446744073709551615"},
      {"sweep", "--duration", "999999999d", "--duration: '999999999d' is too long (at most 106751991d)"},
      {"sweep", "--for", "99999999999999999999s", "--for: '99999999999999999999s' is too long"},
      {"sweep", "--at", "-1h", "--at needs a duration"},
      {"run", "--seed", "18446744073709551616", "--seed needs an integer"},
      {"run", "--max-memory", "9999999999999GB", "--max-memory needs a size from 16MB up"},
      {"run", "--agents", "each", "--agents is populations or individual, not 'each'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    result *r = run((const char *[]){bad[i][0], sc, bad[i][1], bad[i][2], "-o", path_in("x.db"), NULL});
    cr_assert_eq(r->status, 2, "%s %s %s gave %d: %s", bad[i][0], bad[i][1], bad[i][2], r->status, r->err);
    cr_assert(strstr(r->err, bad[i][3]), "%s %s: want '%s', got: %s", bad[i][1], bad[i][2], bad[i][3], r->err);
  }
  static const char *const plan_bad[][3] = {
      {"--customers", "99999999999999999999x5", "--customers: a line has 1 to 100000 customers"},
      {"--customers", "4294967297x5", "--customers: a line has 1 to 100000 customers"},
      {"--customers", "5x4294967297", "--customers: a customer has 0 to 1000000 servers, clients or computers"},
      {"--customers", "5x10+99999999999999999999", "--customers: a customer has 0 to 1000000"},
      {"--gateway-limit", "99999999999999999999", "--gateway-limit needs a number from 1 to 1000000"},
      {"--ms-limit", "-5", "--ms-limit needs a number from 1 to 1000000"},
      {"--jobs", "4294967297", "--jobs needs a number from 1 to 1024"},
      {"--duration", "999999999d", "--duration: '999999999d' is too long"},
  };
  for (size_t i = 0; i < sizeof plan_bad / sizeof plan_bad[0]; i++) {
    const char *a[] = {"plan", plan_bad[i][0], plan_bad[i][1], NULL, NULL, NULL};
    if (strcmp(plan_bad[i][0], "--customers") != 0) {
      a[3] = "--customers";
      a[4] = "2x100";
    }
    result *r = run(a);
    cr_assert_eq(r->status, 2, "plan %s %s gave %d", plan_bad[i][0], plan_bad[i][1], r->status);
    cr_assert(strstr(r->err, plan_bad[i][2]), "plan %s %s: want '%s', got: %s", plan_bad[i][0], plan_bad[i][1],
              plan_bad[i][2], r->err);
  }
  cr_assert_eq(count_files(), 0, "a file was left after bad usage");
  /* In range, still taken: the largest shard and seed. */
  result *r = run((const char *[]){"sweep", sc, "--shard", "10000000/10000000", "--seed", "18446744073709551615",
                                   "--fail", "each:gateway", "-o", path_in("s.db"), "--quiet", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
}

Test(cli, missing_scenario_file) {
  result *r = run((const char *[]){"run", path_in("nowhere.yaml"), "-o", path_in("x.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "nowhere.yaml: cannot open the scenario: No such file or directory"), "got: %s", r->err);
  cr_assert_eq(count_files(), 0);
  r = run((const char *[]){"validate", path_in("nowhere.yaml"), NULL});
  cr_assert_eq(r->status, 2);
}

Test(cli, results_folder_missing) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  result *r = run((const char *[]){"run", sc, "-o", path_in("no/such/dir/x.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "cannot write the results file: the folder") && strstr(r->err, "does not exist"), "got: %s",
            r->err);
}

/*
 * Every bad-* file of folder dir names, on its first line, the position and
 * message its error must have: "# expect: LINE:COL: text". Each is checked
 * with validate and run: exit 2, that message first, no file left. With a
 * design, the files are replays of it; without, scenarios. Returns how many
 * were checked.
 */
static int check_malformed(const char *dir, const char *design) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  struct dirent *e;
  int seen = 0;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "bad-", 4) != 0) continue;
    char bad[512], text[4096], want[640], pos[64];
    snprintf(bad, sizeof bad, "%s/%s", dir, e->d_name);
    slurp(bad, text, sizeof text);
    cr_assert(strncmp(text, "# expect: ", 10) == 0, "%s lacks its '# expect:' line", bad);
    *strchr(text, '\n') = '\0';
    const char *spec = text + 10, *msg = strstr(spec, ": ");
    cr_assert_not_null(msg);
    snprintf(pos, sizeof pos, "%.*s", (int)(msg - spec), spec);
    snprintf(want, sizeof want, "%s:%s: ", bad, pos);
    for (int k = 0; k < 2; k++) {
      const char *args[8];
      int n = 0;
      args[n++] = k ? "run" : "validate";
      args[n++] = design ? design : bad;
      if (design) args[n++] = "--replay", args[n++] = bad;
      if (k) args[n++] = "-o", args[n++] = path_in("bad.db");
      args[n] = NULL;
      result *r = run(args);
      cr_assert_eq(r->status, 2, "%s: %s gave %d", e->d_name, args[0], r->status);
      cr_assert(strncmp(r->err, want, strlen(want)) == 0, "%s: want '%s...', got '%s'", e->d_name, want, r->err);
      cr_assert(strstr(r->err, msg + 2), "%s: want '%s' in '%s'", e->d_name, msg + 2, r->err);
      cr_assert_eq(count_files(), 0, "%s: a file was left after bad input", e->d_name);
    }
    seen++;
  }
  closedir(d);
  return seen;
}

/* Every malformed scenario in tests/scenarios. */
Test(cli, malformed_scenarios_have_positions) {
  const char *dir = getenv("ROMSIM_TEST_SCENARIOS");
  cr_assert_not_null(dir);
  int seen = check_malformed(dir, NULL);
  cr_assert_geq(seen, 20, "only %d malformed scenarios found", seen);
}

Test(cli, validate_good) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example.yaml");
  result *r = run((const char *[]){"validate", sc, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "20 customers, 4000 agents, 8 gateways, 2 management servers"), "got: %s", r->out);
  cr_assert_eq(count_files(), 0);
}

/* validate says the memory a run needs; a scenario that needs more than
 * --max-memory is refused by validate, run and sweep with the estimate and
 * the figure allowed, and nothing is written. */
Test(cli, memory_is_estimated_and_bounded) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example.yaml");
  result *r = run((const char *[]){"validate", sc, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "; a run needs about ") && strstr(r->out, " MB of memory\n"), "got: %s", r->out);
  /* Ten million agents. */
  spit(path_in("big.yaml"), "name: big\nduration: 1h\nmanagement_servers: {count: 5000}\ngateways: {count: 20000}\n"
                            "customers:\n  - {count: 50000, servers: 10, clients: 190}\n");
  r = run((const char *[]){"validate", path_in("big.yaml"), "--max-memory", "4GB", NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "big.yaml: a run needs about ") && strstr(r->err, " GB of memory (the group "),
            "got: %s", r->err);
  cr_assert(strstr(r->err, "more than 4.00 GB allowed (--max-memory)"), "got: %s", r->err);
  r = run((const char *[]){"run", path_in("big.yaml"), "--max-memory=4GB", "-o", path_in("big.db"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "romsim: run: ") && strstr(r->err, "more than 4.00 GB allowed"), "got: %s", r->err);
  cr_assert_eq(count_files(), 1, "a file was left by a run refused");
  /* With room enough, it is valid. */
  r = run((const char *[]){"validate", path_in("big.yaml"), "--max-memory", "1024GB", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  /* A sweep's runs at once must fit together. */
  spit(path_in("mid.yaml"), "name: mid\nduration: 1h\nmanagement_servers: {count: 50}\ngateways: {count: 250}\n"
                            "customers:\n  - {count: 500, servers: 10, clients: 190}\nhardware: {sql: sql-large}\n");
  r = run((const char *[]){"sweep", path_in("mid.yaml"), "--jobs", "4", "--max-memory", "100MB", "-o",
                           path_in("mid.db"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "4 runs at once need about") && strstr(r->err, "give --jobs 1 or fewer"), "got: %s",
            r->err);
  r = run((const char *[]){"sweep", path_in("mid.yaml"), "--max-memory", "40MB", "-o", path_in("mid.db"), NULL});
  cr_assert_eq(r->status, 2, "%s", r->out);
  cr_assert(strstr(r->err, "a run needs about") && strstr(r->err, "more than 40.0 MB allowed"), "got: %s", r->err);
  cr_assert_eq(count_files(), 2);
  const char *bad[] = {"1KB", "8", "lots", "-1GB", "99999999999GB", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = run((const char *[]){"validate", sc, "--max-memory", bad[i], NULL});
    cr_assert_eq(r->status, 2, "--max-memory '%s' gave %d", bad[i], r->status);
    cr_assert(strstr(r->err, "--max-memory needs a size from 16MB up"), "got: %s", r->err);
  }
}

/* A customer over an Essentials server's limit (30 servers + 500 clients) is
 * refused by validate and run, where its count is written; with essentials: 2
 * it runs, on two Essentials servers, each within the limit. */
Test(cli, essentials_limit_is_a_product_limit) {
  static const char *const over[][2] = {{"servers: 31, clients: 500", "6:25"},
                                        {"servers: 30, clients: 501", "6:38"},
                                        {"servers: 0, clients: 531", "6:37"}};
  for (size_t k = 0; k < sizeof over / sizeof over[0]; k++) {
    char text[512], want[600];
    snprintf(text, sizeof text,
             "name: e\nduration: 10m\nmanagement_servers: {count: 1}\ngateways: {count: 2}\ncustomers:\n"
             "  - {count: 1, %s}\n",
             over[k][0]);
    spit(path_in("e.yaml"), text);
    snprintf(want, sizeof want, "%s:%s: ", path_in("e.yaml"), over[k][1]);
    for (int run_it = 0; run_it < 2; run_it++) {
      result *r = run(run_it ? (const char *[]){"run", path_in("e.yaml"), "-o", path_in("e.db"), NULL}
                             : (const char *[]){"validate", path_in("e.yaml"), NULL});
      cr_assert_eq(r->status, 2, "%s %s: %d", over[k][0], run_it ? "run" : "validate", r->status);
      cr_assert(strncmp(r->err, want, strlen(want)) == 0, "want '%s...', got '%s'", want, r->err);
      cr_assert(strstr(r->err, "over an Essentials server's limit of 30 servers + 500 clients"), "%s", r->err);
      cr_assert(strstr(r->err, "essentials: 2"), "%s", r->err);
      cr_assert_eq(count_files(), 1, "a results file was left");
    }
  }
  spit(path_in("e.yaml"), "name: e\nduration: 10m\nmanagement_servers: {count: 1}\ngateways: {count: 2}\ncustomers:\n"
                          "  - {count: 1, servers: 31, clients: 500, essentials: 2}\nexpect: [capacity_held]\n");
  result *r = run((const char *[]){"validate", path_in("e.yaml"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "1 customers on 2 Essentials servers, 531 agents"), "%s", r->out);
  r = run((const char *[]){"run", path_in("e.yaml"), "-o", path_in("e.db"), NULL});
  cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
  cr_assert(strstr(r->out, "Essentials server  cust-1.1         16+250 / 30+500  within"), "%s", r->out);
  cr_assert_str_eq(query(path_in("e.db"), "SELECT group_concat(name) FROM nodes WHERE role = 'essentials'"),
                   "cust-1.1,cust-1.2");
  cr_assert_str_eq(query(path_in("e.db"), "SELECT count(*) FROM nodes WHERE name LIKE 'cust-1.2/%'"), "265");
  r = run((const char *[]){"report", path_in("e.db"), "-o", path_in("e.html"), NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *html = slurp_alloc(path_in("e.html"));
  cr_assert(strstr(html, "<p id=\"design\">1 customers on 2 Essentials servers, 531 agents, 2 gateways"), "%.2000s",
            html);
  free(html);
}

Test(cli, guide_example_fails_capacity) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example.yaml");
  char *db = path_in("guide.db");
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 1, "stderr: %s", r->err);
  cr_assert(strstr(r->out, "FAIL  capacity_held"), "got: %s", r->out);
  cr_assert(strstr(r->out, "gw-1 600/530"), "got: %s", r->out);
  cr_assert_str_eq(query(db, "SELECT status FROM runs"), "complete");
  cr_assert_str_eq(query(db, "SELECT held FROM expectations WHERE name = 'capacity_held'"), "0");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'limit_crossed'"), "4");
  cr_assert_str_eq(query(db, "SELECT max(value) FROM sample_view WHERE metric = 'agents' AND node LIKE 'gw-%'"), "600.0");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM nodes WHERE role = 'agent'"), "4000");
  cr_assert_eq(count_files(), 1, "only the results file should be left");
}

Test(cli, packed_holds_and_json) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "guide-example-packed.yaml");
  char *db = path_in("packed.db");
  result *r = run((const char *[]){"run", sc, "-o", db, "--json", NULL});
  cr_assert_eq(r->status, 0, "stderr: %s", r->err);
  size_t n = strlen(r->out);
  cr_assert(n > 2 && r->out[0] == '{' && r->out[n - 2] == '}' && r->out[n - 1] == '\n', "not one JSON line: %s", r->out);
  cr_assert_eq(strchr(r->out, '\n'), r->out + n - 1, "more than one line");
  cr_assert(strstr(r->out, "\"status\":\"complete\""));
  cr_assert(strstr(r->out, "\"name\":\"capacity_held\",\"held\":true"), "got: %s", r->out);
  cr_assert_str_eq(query(db, "SELECT held FROM expectations"), "1");
  cr_assert_str_eq(query(db, "SELECT max(value) FROM sample_view WHERE metric = 'agents' AND node LIKE 'gw-%'"), "400.0");
  cr_assert_str_eq(query(db, "SELECT sim_end_us FROM runs"), "86400000000");
  /* Samples every minute from 0 to 24 h inclusive. */
  cr_assert_str_eq(query(db, "SELECT count(DISTINCT t_us) FROM samples"), "1441");
}

Test(cli, seed_flag_overrides) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  char *db = path_in("s.db");
  result *r = run((const char *[]){"run", sc, "-o", db, "--seed=18446744073709551615", NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  /* SQLite stores the seed as a signed 64-bit integer: 2^64-1 reads as -1. */
  cr_assert_str_eq(query(db, "SELECT seed FROM runs"), "-1");
}

/* Same seed and scenario: the same file, byte for byte, once the wall clock
 * is pinned with SOURCE_DATE_EPOCH. */
Test(cli, same_seed_same_bytes) {
  char sc[512], a[600], b[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  result *r = run((const char *[]){"run", sc, "-o", a, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"run", sc, "-o", b, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  unsetenv("SOURCE_DATE_EPOCH");
  static char da[1 << 20], db[1 << 20];
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  size_t na = fread(da, 1, sizeof da, fa), nb = fread(db, 1, sizeof db, fb);
  fclose(fa);
  fclose(fb);
  cr_assert_gt(na, 0);
  cr_assert_eq(na, nb);
  cr_assert(memcmp(da, db, na) == 0, "the two results files differ");
  cr_assert_str_eq(query(a, "SELECT wall_start FROM runs"), "2023-11-14T22:13:20Z");
}

/* SIGINT, SIGTERM or SIGHUP in a long run: the file is kept, status
 * interrupted. */
static void interrupt_with(int sig) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "long.yaml");
  char *db = path_in("long.db");
  pid_t pid = start((const char *[]){"run", sc, "-o", db, NULL});
  /* Wait until the run has started (its partial file exists). */
  for (int i = 0; i < 200 && count_files() == 0; i++) nanosleep(&(struct timespec){0, 10000000}, NULL);
  cr_assert_eq(count_files(), 1, "the run did not start");
  nanosleep(&(struct timespec){0, 300000000}, NULL);
  kill(pid, sig);
  result r;
  finish(pid, &r);
  cr_assert_eq(r.status, 3, "stderr: %s", r.err);
  cr_assert(strstr(r.err, "interrupted at"), "got: %s", r.err);
  /* Where it stopped, in whole seconds: "run: 1h51m57s simulated of 365d",
   * "interrupted at 01:51:57 simulated" (not 1h51m57s634ms92us), unless
   * it stopped within its first second. */
  const char *run_line = strstr(r.out, "run: ");
  cr_assert_not_null(run_line, "%s", r.out);
  size_t span = strspn(run_line + 5, "0123456789dhmsu");
  cr_assert_gt(span, 0);
  cr_assert_eq(strncmp(run_line + 5 + span, " simulated of 365d", 18), 0, "%s", run_line);
  const char *at = strstr(r.err, "interrupted at ") + 15;
  if (atoll(query(db, "SELECT sim_end_us FROM runs")) >= 1000000) {
    cr_assert(!memchr(run_line + 5, 'u', span) && !strstr(run_line, "ms simulated"), "%s", run_line);
    span = strspn(at, "0123456789:");
    cr_assert_eq(strncmp(at + span, " simulated", 10), 0, "%s", r.err);
  }
  cr_assert_str_eq(query(db, "SELECT status FROM runs"), "interrupted");
  cr_assert_str_neq(query(db, "SELECT sim_end_us FROM runs"), "31536000000000");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM expectations"), "0");
  cr_assert_eq(count_files(), 1, "the partial file was left beside the results");
}

Test(cli, sigint_keeps_interrupted_file) { interrupt_with(SIGINT); }
Test(cli, sigterm_keeps_interrupted_file) { interrupt_with(SIGTERM); }
Test(cli, sighup_keeps_interrupted_file) { interrupt_with(SIGHUP); }

/* Every tests/replays/bad-*.csv, read against tests/replays/design.yaml. */
Test(cli, malformed_replays_have_positions) {
  const char *dir = getenv("ROMSIM_TEST_REPLAYS");
  cr_assert_not_null(dir);
  char design[512];
  snprintf(design, sizeof design, "%s/design.yaml", dir);
  int seen = check_malformed(dir, design);
  cr_assert_geq(seen, 10, "only %d malformed replays found", seen);
  /* An absolute time needs the scenario's start. */
  char small[512], csv[512];
  fixture(small, sizeof small, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(csv, sizeof csv, "%s", path_in("iso.csv"));
  spit(csv, "2026-11-20T01:00:00Z,gw-1,down\n");
  result *r = run((const char *[]){"validate", small, "--replay", csv, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "iso.csv:1:1: an absolute time needs the scenario's start"), "got: %s", r->err);
  unlink(csv);
  r = run((const char *[]){"run", small, "--replay", path_in("none.csv"), NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "none.csv: cannot open the replay"), "got: %s", r->err);
}

/* Rows of table t in one file and not in the other, either way, plus the
 * difference of their counts: 0 when the tables are the same. */

/* A replay and the same faults written in the scenario give the same
 * results, table for table (all but runs, which holds each one's text). */
static void replay_equals_written(const char *design, const char *csv, const char *written) {
  char d[512], c[512], w[512], a[600], b[600];
  fixture(d, sizeof d, "ROMSIM_SCENARIOS", design);
  fixture(c, sizeof c, "ROMSIM_SCENARIOS", csv);
  fixture(w, sizeof w, "ROMSIM_TEST_SCENARIOS", written);
  snprintf(a, sizeof a, "%s", path_in("replayed.db"));
  snprintf(b, sizeof b, "%s", path_in("written.db"));
  result *r = run((const char *[]){"run", d, "--replay", c, "-o", a, NULL});
  cr_assert_lt(r->status, 2, "%s", r->err);
  int status = r->status;
  r = run((const char *[]){"run", w, "-o", b, NULL});
  cr_assert_eq(r->status, status, "%s", r->err);
  const char *tables[] = {"nodes", "metrics", "samples", "expectations", "figures"};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    cr_assert_eq(table_diff(a, b, tables[i]), 0, "%s: table %s differs", csv, tables[i]);
  /* The events, but for the busiest intervals' words: a peak during a
   * fault names it, the written line by its id, the replay as the replayed
   * outage. Their times and places are the same. */
  cr_assert_eq(table_diff_where(a, b, "events", "WHERE kind <> 'peak'"), 0, "%s: table events differs", csv);
  char peaks[512];
  const char *peak_sql = "SELECT group_concat(id || ' ' || t_us || ' ' || node, ', ') FROM events WHERE kind = 'peak'";
  snprintf(peaks, sizeof peaks, "%s", query(a, peak_sql));
  cr_assert_str_eq(query(b, peak_sql), peaks, "%s: the peaks differ", csv);
  cr_assert_str_neq(peaks, "", "the peaks are told");
  cr_assert_str_neq(query(a, "SELECT count(*) FROM events WHERE kind IN ('crash', 'link_down')"), "0");
  cr_assert_str_neq(query(a, "SELECT replay_text FROM runs"), "");
  cr_assert_str_eq(query(b, "SELECT coalesce(replay_text, 'none') FROM runs"), "none");
}

Test(cli, replay_equals_written_flap) {
  replay_equals_written("replays/flap-design.yaml", "replays/gateway-flap.csv", "flap-written.yaml");
}

Test(cli, replay_equals_written_datacenter) {
  replay_equals_written("replays/dc-design.yaml", "replays/datacenter-outage.csv", "dc-written.yaml");
}

/* The summary tells the story of the run, and the results file keeps it. */
Test(cli, the_story_of_a_datacenter_outage) {
  char d[512], c[512];
  fixture(d, sizeof d, "ROMSIM_SCENARIOS", "replays/dc-design.yaml");
  fixture(c, sizeof c, "ROMSIM_SCENARIOS", "replays/datacenter-outage.csv");
  char *db = path_in("dc.db");
  result *r = run((const char *[]){"run", d, "--replay", c, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  const char *want[] = {"timeline:\n",
                        "  02:00:00  20 links are down",
                        "  02:00:00  20 senders lose their parent",
                        "; 4000 agents\n",
                        "  02:03:00  200 heartbeat failure alerts",
                        "  05:00:00  20 links are back",
                        "; 4.01 GB queued, 0 B lost so far",
                        "  05:00:30  20 senders are connected to their primary again",
                        "queues are back to their level before the faults",
                        "held  no_data_lost: no byte dropped"};
  const char *at = r->out;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const char *p = strstr(at, want[i]);
    cr_assert_not_null(p, "'%s' missing, or out of order, in:\n%s", want[i], r->out);
    at = p;
  }
  cr_assert_str_eq(query(db, "SELECT count(*) > 6 FROM events WHERE kind = 'timeline'"), "1");
  cr_assert_str_eq(query(db, "SELECT detail FROM events WHERE kind = 'timeline' ORDER BY t_us, id LIMIT 1"),
                   "20 links are down (first: the link from cust-1 is down); 2.82 MB queued, 0 B lost so far");
}

/* The summary's count of cluster failovers is the number of cluster_failover
 * events: the failover onto a node back after both were down counts too. */
Test(cli, cluster_failovers_count_their_events) {
  char *sc = path_in("rms.yaml"), *db = path_in("rms.db");
  spit(sc, "name: rms-both\nduration: 4h\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
           "customers:\n  - {count: 1, servers: 2, clients: 8}\n"
           "faults:\n  - {crash: rms-1, at: 1h, for: 1h}\n  - {crash: rms-2, at: 1h10m, for: 20m}\n"
           "  - {crash: sql, at: 3h, for: 10m}\n");
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  /* rms: onto rms-2 when rms-1 fails, and onto rms-2 again when it is back
   * after both were down; sql: onto sql-1 when a node of it is back. */
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events e JOIN nodes n ON n.id = e.node "
                             "WHERE e.kind = 'cluster_failover' AND n.name = 'rms'"), "2");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events e JOIN nodes n ON n.id = e.node "
                             "WHERE e.kind = 'cluster_failover' AND n.name = 'sql'"), "1");
  cr_assert(strstr(r->out, "cluster failovers: RMS 2, SQL 1\n"), "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT value FROM figures WHERE key = 'rms_failovers'"), "2.0");
  cr_assert_str_eq(query(db, "SELECT value FROM figures WHERE key = 'sql_failovers'"), "1.0");
}

/* A replay saved by a spreadsheet: a BOM, a capitalised header, CRLF; and
 * an up that is "back to normal" whatever was down. */
Test(cli, replays_from_spreadsheets) {
  char design[512];
  snprintf(design, sizeof design, "%s/design.yaml", getenv("ROMSIM_TEST_REPLAYS"));
  char *csv = path_in("sheet.csv"), *db = path_in("sheet.db");
  spit(csv, "\xEF\xBB\xBFTime,Target,Action\r\n30m,link:cust-1,down\r\n40m,gw-1,down\r\n45m,gw-1,down\r\n"
        "1h,cust-1,up\r\n1h,gw-1,up\r\n");
  result *r = run((const char *[]){"run", design, "--replay", csv, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'link_up'"), "1");
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'restart' AND detail LIKE 'gw-1%'"), "1");
  cr_assert_str_eq(query(db, "SELECT t_us FROM events WHERE kind = 'restart'"), "3600000000");
  spit(csv, "1h,gw-1,down\r\n1h,gw-1\r\n");
  r = run((const char *[]){"validate", design, "--replay", csv, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "sheet.csv:2:8: a line is time,target,action"), "CRLF does not shift columns: %s", r->err);
  spit(csv, "2026-02-29T01:00:00Z,gw-1,down\n");
  r = run((const char *[]){"validate", design, "--replay", csv, NULL});
  cr_assert_eq(r->status, 2, "2026 is not a leap year");
}

/* A replay's times may be written as romsim prints them: HH:MM:SS offsets
 * (hours past 24 too) and D.HH:MM:SS with a day count, seconds with a
 * fraction, besides durations; each lands at that offset from time 0. */
Test(cli, replay_clock_offsets) {
  char sc[512], csv[512], db[512];
  snprintf(sc, sizeof sc, "%s", path_in("two-days.yaml"));
  snprintf(csv, sizeof csv, "%s", path_in("clock.csv"));
  snprintf(db, sizeof db, "%s", path_in("clock.db"));
  spit(sc, "name: two-days\nduration: 2d\nsample_every: 1h\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
           "customers:\n  - {count: 1, servers: 1, clients: 1}\n");
  spit(csv, "time,target,action\n00:10:00,gw-1,down\n+0:20:00,gw-1,up\n26:00:00,gw-2,down\n"
            "1.02:30:00.5,gw-2,up\n30h,cust-1,down\n1.23:59:59.000250,cust-1,up\n");
  result *r = run((const char *[]){"run", sc, "--replay", csv, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert_str_eq(query(db, "SELECT group_concat(t_us, ' ') FROM (SELECT t_us FROM events "
                             "WHERE kind IN ('crash', 'restart') ORDER BY t_us, id)"),
                   "600000000 1200000000 93600000000 95400500000 108000000000 172799000250");
  /* Refused: a minute or an hour out of range, a day count's hours past 23,
   * and a clock past the end of the run (2d = 48:00:00). */
  static const char *const bad[][2] = {{"00:60:00", "clock.csv:1:4: bad time '00:60:00': minutes must be below 60"},
                                       {"1.25:00:00", "clock.csv:1:3: bad time '1.25:00:00': hours must be below 24"},
                                       {"48:00:01", "clock.csv:1:1: '48:00:01' is after the end of the run"},
                                       {"2.00:00:01", "clock.csv:1:1: '2.00:00:01' is after the end of the run"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char line[64];
    snprintf(line, sizeof line, "%s,gw-1,down\n", bad[i][0]);
    spit(csv, line);
    r = run((const char *[]){"validate", sc, "--replay", csv, NULL});
    cr_assert_eq(r->status, 2, "%s", bad[i][0]);
    cr_assert(strstr(r->err, bad[i][1]), "%s: got %s", bad[i][0], r->err);
  }
}

/* export: every table as CSV, row for row; unreadable files refused. */
Test(cli, export_csv) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  char db[600], dir[600];
  snprintf(db, sizeof db, "%s", path_in("e.db"));
  snprintf(dir, sizeof dir, "%s", path_in("csv"));
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"export", db, "--csv", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  const struct {
    const char *file, *sql;
  } t[] = {{"samples.csv", "SELECT count(*) FROM samples"}, {"events.csv", "SELECT count(*) FROM events"},
           {"nodes.csv", "SELECT count(*) FROM nodes"}, {"expectations.csv", "SELECT count(*) FROM expectations"},
           {"faults.csv", "SELECT count(*) FROM faults"}, {"figures.csv", "SELECT count(*) FROM figures"},
           {"run.csv", "SELECT count(*) FROM runs"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char p[700], line[4096];
    snprintf(p, sizeof p, "%s/%s", dir, t[i].file);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s missing", t[i].file);
    long lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    fclose(f);
    cr_assert_eq(lines - 1, atol(query(db, t[i].sql)), "%s: %ld rows", t[i].file, lines - 1);
    unlink(p);
  }
  rmdir(dir);
  /* A damaged file, a file of another schema, not a database at all. */
  FILE *f = fopen(db, "r+b");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fclose(f);
  cr_assert_eq(truncate(db, size / 2), 0);
  r = run((const char *[]){"export", db, "--csv", dir, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "damaged"), "got: %s", r->err);
  r = run((const char *[]){"run", sc, "-o", db, NULL});
  sqlite3 *h;
  sqlite3_open(db, &h);
  sqlite3_exec(h, "UPDATE meta SET value = '1' WHERE key = 'schema_version'", NULL, NULL, NULL);
  sqlite3_close(h);
  r = run((const char *[]){"export", db, "--csv", dir, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "schema version 1; this romsim reads version 2"), "got: %s", r->err);
  spit(db, "name: not a database\n");
  r = run((const char *[]){"export", db, "--csv", dir, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a results file"), "got: %s", r->err);
  r = run((const char *[]){"report", workdir, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a regular file"), "got: %s", r->err);
  rmdir(dir);
}

/* A chart with nothing to draw says so: in a 30 s run nothing is stored yet,
 * so latency has no sample; the agents chart has its points and no note. */
Test(cli, report_empty_chart_says_no_data) {
  char sc[600], db[600], html[600], why[256];
  snprintf(sc, sizeof sc, "%s", path_in("short.yaml"));
  snprintf(db, sizeof db, "%s", path_in("short.db"));
  snprintf(html, sizeof html, "%s", path_in("short.html"));
  spit(sc, "name: short\nduration: 30s\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
           "customers:\n  - {count: 1, servers: 1, clients: 1}\n");
  cr_assert_eq(run((const char *[]){"run", sc, "-o", db, NULL})->status, 0);
  result *r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "%s", why);
  const char *lat = strstr(page, "id=\"latency\""), *next = strstr(lat, "</svg>");
  const char *note = strstr(lat, "class=\"no-data\"");
  cr_assert(note && note < next, "the latency chart has no note");
  const char *agents = strstr(page, "id=\"agents-ms\""), *agents_end = strstr(agents, "</svg>");
  note = strstr(agents, "class=\"no-data\"");
  cr_assert(!note || note > agents_end, "the agents chart has data but says it has none");
  free(page);
}

/* export: a name that a spreadsheet would run as a formula stays text;
 * numbers are left as they are. */
Test(cli, export_neutralises_formulas) {
  char db[600], dir[600], sc[600];
  snprintf(sc, sizeof sc, "%s", path_in("f.yaml"));
  snprintf(db, sizeof db, "%s", path_in("f.db"));
  snprintf(dir, sizeof dir, "%s", path_in("csv"));
  spit(sc, "name: f\nduration: 10m\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
           "customers:\n  - {name: '=HYPERLINK(x)', count: 1, servers: 1, clients: 1}\n");
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"export", db, "--csv", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char p[700];
  snprintf(p, sizeof p, "%s/nodes.csv", dir);
  char *nodes = slurp_alloc(p);
  cr_assert(strstr(nodes, ",'=HYPERLINK(x)-1,essentials,"), "%s", nodes);
  cr_assert_null(strstr(nodes, ",=HYPERLINK"), "a formula left as it was: %s", nodes);
  cr_assert(strstr(nodes, "\n9,'=HYPERLINK(x)-1,"), "numbers are left as they are: %s", nodes);
  free(nodes);
  static const char *const files[] = {"samples.csv", "events.csv", "nodes.csv", "expectations.csv",
                                      "faults.csv", "figures.csv", "run.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
  }
  rmdir(dir);
}

/* report: one well-formed, self-contained page with the run's series, axes
 * with units, faults shaded; each chart as a well-formed SVG file. */
Test(cli, report_html_and_svg) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_SCENARIOS", "ms-crash.yaml");
  char db[600], html[600], dir[600], why[256];
  snprintf(db, sizeof db, "%s", path_in("ms.db"));
  snprintf(html, sizeof html, "%s", path_in("ms.html"));
  snprintf(dir, sizeof dir, "%s", path_in("svg"));
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 1, "%s", r->err);
  r = run((const char *[]){"report", db, "-o", html, "--svg", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "the report is not well formed: %s", why);
  cr_assert_null(strstr(page, "src=\"http"), "nothing is fetched");
  cr_assert_null(strstr(page, "href=\"http"), "nothing is fetched");
  cr_assert_null(strstr(page, "<script"), "no script");
  const char *want[] = {"<h1>ms-crash</h1>", "20 customers, 4000 agents, 10 gateways, 2 management servers",
                        "<td class=\"failed\">FAILED</td><td>capacity_held</td><td>ms-2 4000/2000 from 02:02:00",
                        "id=\"agents-ms\"", "data-name=\"ms-1\"", "data-name=\"ms-2\"", "class=\"limit\"",
                        "limit (2000)", "id=\"agents-gw\"", "limit (530)", "class=\"fault\"", ">fault-1</text>",
                        "simulated time (hours:minutes)", ">agents</text>", ">bytes per second</text>",
                        ">latency (ms, s or min)</text>", ">bytes queued</text>", "KB/s</text>", "<td class=\"t\">ms-2</td><td>management_server</td><td>4000</td><td>2000</td>",
                        "<table id=\"timeline\">", "ms-1 goes down"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(strstr(page, want[i]), "'%s' missing", want[i]);
  cr_assert_null(strstr(page, "status-banner"), "no banner for a complete run");
  cr_assert(strstr(page, "<table id=\"peaks-told\">"), "the peaks are listed");
  cr_assert(strstr(page, "<td>busiest by data: "), "the busiest minute by data");
  cr_assert(strstr(page, "<g class=\"peak\"><title>busiest by data: "), "and marked on the charts");
  cr_assert_null(strstr(page, "id=\"figure-connections\""), "no connections drawn: no computer keeps hours");
  free(page);
  const char *charts[] = {"agents-ms", "agents-gw", "queues", "sql-rate", "latency", "alerts", "dropped"};
  for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s/%s.svg", dir, charts[i]);
    char *svg = slurp_alloc(p);
    cr_assert_eq(xml_check(svg, why, sizeof why), 0, "%s: %s", charts[i], why);
    cr_assert(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""), "%s: no namespace", charts[i]);
    cr_assert(strstr(svg, "class=\"x-label\"") && strstr(svg, "class=\"y-label\""), "%s: axis labels", charts[i]);
    free(svg);
    unlink(p);
  }
  rmdir(dir);
}

/* A report of an interrupted run says so; of an unreadable file, exit 2. */
Test(cli, report_of_interrupted_and_unreadable) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "long.yaml");
  char db[600], html[600];
  snprintf(db, sizeof db, "%s", path_in("long.db"));
  snprintf(html, sizeof html, "%s", path_in("long.html"));
  pid_t pid = start((const char *[]){"run", sc, "-o", db, NULL});
  for (int i = 0; i < 200 && count_files() == 0; i++) nanosleep(&(struct timespec){0, 10000000}, NULL);
  nanosleep(&(struct timespec){0, 300000000}, NULL);
  kill(pid, SIGINT);
  result rr;
  finish(pid, &rr);
  cr_assert_eq(rr.status, 3);
  result *r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html), why[256];
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "%s", why);
  cr_assert(strstr(page, "id=\"status-banner\">This run is interrupted"), "no banner");
  free(page);
  spit(db, "not a database");
  r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 2);
  cr_assert(strstr(r->err, "not a results file"), "got: %s", r->err);
}

/* A run that never finished (killed: status running, no end) ends at its
 * last sample, in the report's banner and charts and in compare. */
Test(cli, report_of_a_run_that_never_finished) {
  char sc[512], db[600], html[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(db, sizeof db, "%s", path_in("killed.db"));
  snprintf(html, sizeof html, "%s", path_in("killed.html"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", db, NULL})->status, 0);
  sqlite3 *h;
  cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(h,
                            "UPDATE runs SET status = 'running', sim_end_us = NULL, wall_end = NULL, events = NULL; "
                            "DELETE FROM samples WHERE t_us > 4200000000; DELETE FROM expectations",
                            NULL, NULL, NULL),
               SQLITE_OK);
  sqlite3_close(h);
  result *r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert(strstr(page, "its last sample is at 1:10 of 2:00 simulated"), "%s", strstr(page, "status-banner"));
  free(page);
  r = run((const char *[]){"compare", db, db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(strstr(r->out, "1.2 h of 2.0 h"), "%s", r->out);
}

/* compare: two runs side by side, as text and well-formed HTML. */
Test(cli, compare_two_designs) {
  char a_sc[512], b_sc[512], a[600], b[600], html[600], why[256];
  fixture(a_sc, sizeof a_sc, "ROMSIM_SCENARIOS", "ms-crash.yaml");
  fixture(b_sc, sizeof b_sc, "ROMSIM_SCENARIOS", "gateway-crash.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  snprintf(html, sizeof html, "%s", path_in("cmp.html"));
  cr_assert_eq(run((const char *[]){"run", a_sc, "-o", a, NULL})->status, 1);
  cr_assert_eq(run((const char *[]){"run", b_sc, "-o", b, NULL})->status, 0);
  result *r = run((const char *[]){"compare", a, b, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  const char *want[] = {"ms-crash", "gateway-crash", "4000 agents, 10 gw, 2 ms", "4000 agents, 12 gw, 2 ms",
                        "ms-2 4000/2000", "expect capacity_held", "FAILED"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(strstr(r->out, want[i]), "'%s' missing:\n%s", want[i], r->out);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "%s", why);
  cr_assert(strstr(page, "id=\"a-agents-ms\"") && strstr(page, "id=\"b-agents-ms\""), "both runs' charts");
  free(page);
  r = run((const char *[]){"compare", a, NULL});
  cr_assert_eq(r->status, 2);
}

/* Valid UTF-8 throughout. */
static bool utf8_valid(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
    if (!n) return false;
    for (int k = 1; k < n; k++)
      if ((p[k] & 0xC0) != 0x80) return false;
    p += n;
  }
  return true;
}

/* Names with markup characters and long non-ASCII names: escaped, cut at
 * whole characters, well formed; a killed run's report says it did not
 * finish. */
Test(cli, report_of_awkward_names) {
  char sc[600], db[600], html[600], dir[600], why[256];
  snprintf(sc, sizeof sc, "%s", path_in("awk.yaml"));
  snprintf(db, sizeof db, "%s", path_in("awk.db"));
  snprintf(html, sizeof html, "%s", path_in("awk.html"));
  snprintf(dir, sizeof dir, "%s", path_in("awk-svg"));
  spit(sc, "name: \"<b>&'x' \\\"y\\\" ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\"\n"
        "duration: 2h\nsample_every: 10m\nmanagement_servers: {count: 1}\ngateways: {count: 1}\n"
        "customers:\n  - {name: \"a&<üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü\", count: 2, servers: 1, clients: 1}\n"
        "faults:\n  - {id: \"ßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßßß<&>\", crash: gw-1, at: 1h, for: 5h}\n");
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  r = run((const char *[]){"report", db, "-o", html, "--svg", dir, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  cr_assert(utf8_valid(r->out), "stdout: %s", r->out);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "%s", why);
  cr_assert(utf8_valid(page), "the page is not valid UTF-8");
  cr_assert(strstr(page, "&lt;b&gt;&amp;&#39;x&#39; &quot;y&quot;"), "the name escaped");
  free(page);
  const char *charts[] = {"agents-ms", "agents-gw", "queues", "sql-rate", "latency", "alerts", "dropped"};
  for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
    char p[700];
    snprintf(p, sizeof p, "%s/%s.svg", dir, charts[i]);
    char *svg = slurp_alloc(p);
    cr_assert_eq(xml_check(svg, why, sizeof why), 0, "%s: %s", charts[i], why);
    cr_assert(utf8_valid(svg), "%s is not valid UTF-8", charts[i]);
    /* The fault runs past the end (1h + 5h in a 2h run): its band stays in
     * the plot, which ends at x = 760. */
    const char *band = strstr(svg, "class=\"fault\" x=\"");
    cr_assert_not_null(band, "%s: no fault band", charts[i]);
    double x, wdt;
    cr_assert_eq(sscanf(band, "class=\"fault\" x=\"%lf\" y=\"%*f\" width=\"%lf\"", &x, &wdt), 2);
    cr_assert_leq(x + wdt, 760.5, "%s: the band reaches x = %.1f", charts[i], x + wdt);
    free(svg);
    unlink(p);
  }
  rmdir(dir);
}

/* ---- files romsim writes ---- */

/* The type of what is at path (S_IFIFO, S_IFCHR, S_IFDIR...), or 0. */
static mode_t type_at(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0;
}

/* A name that holds a FIFO, a device or a folder is refused before any
 * work by every command that writes, and is left as it was. The device is
 * a node made in the work folder (as root), so a missing check would
 * replace that node, not /dev/null; a FIFO that were opened would block,
 * hence run_limited. */
Test(cli, output_that_is_not_a_regular_file_is_refused) {
  char sc[512], a[600], b[600], csv[600], svg[600], t[3][600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", a, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"run", sc, "-o", b, NULL})->status, 0);
  snprintf(t[0], sizeof t[0], "%s", path_in("fifo"));
  snprintf(t[1], sizeof t[1], "%s", path_in("folder"));
  snprintf(t[2], sizeof t[2], "%s", path_in("null"));
  cr_assert_eq(mkfifo(t[0], 0644), 0);
  cr_assert_eq(mkdir(t[1], 0755), 0);
  int n = 2;
  if (geteuid() == 0) {
    cr_assert_eq(mknod(t[2], S_IFCHR | 0666, makedev(1, 3)), 0, "mknod: %s", strerror(errno));
    n = 3;
  }
  for (int k = 0; k < n; k++) {
    mode_t was = type_at(t[k]);
    const char *const cmds[][8] = {
        {"run", sc, "-o", t[k], NULL},
        {"report", a, "-o", t[k], NULL},
        {"compare", a, b, "-o", t[k], NULL},
        {"plan", "--customers", "2x100", "-o", t[k], NULL},
    };
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
      result *r = run_limited(cmds[c], 20);
      cr_assert_eq(r->status, 2, "%s -o %s: status %d, %s", cmds[c][0], t[k], r->status, r->err);
      cr_assert(strstr(r->err, "not a regular file") && strstr(r->err, t[k]), "%s: %s", cmds[c][0], r->err);
      cr_assert_str_eq(r->out, "", "%s did its work before refusing: %s", cmds[c][0], r->out);
      cr_assert_eq(type_at(t[k]), was, "%s replaced %s", cmds[c][0], t[k]);
    }
  }
  /* The files of a folder output: a chart of report --svg, a table of
   * export --csv. */
  snprintf(svg, sizeof svg, "%s", path_in("svg"));
  snprintf(csv, sizeof csv, "%s", path_in("csv"));
  mkdir(svg, 0755);
  mkdir(csv, 0755);
  char svg_fifo[700], csv_fifo[700];
  snprintf(svg_fifo, sizeof svg_fifo, "%s/latency.svg", svg);
  snprintf(csv_fifo, sizeof csv_fifo, "%s/events.csv", csv);
  cr_assert_eq(mkfifo(svg_fifo, 0644), 0);
  cr_assert_eq(mkfifo(csv_fifo, 0644), 0);
  result *r = run_limited((const char *[]){"report", a, "-o", path_in("a.html"), "--svg", svg, NULL}, 20);
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, "latency.svg") && strstr(r->err, "a FIFO, not a regular file"), "%s", r->err);
  cr_assert_eq(type_at(path_in("a.html")), 0, "the page was written before the charts were refused");
  r = run_limited((const char *[]){"export", a, "--csv", csv, NULL}, 20);
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, "events.csv") && strstr(r->err, "a FIFO, not a regular file"), "%s", r->err);
  char samples[700];
  snprintf(samples, sizeof samples, "%s/samples.csv", csv);
  cr_assert_eq(type_at(samples), 0, "export wrote a table before refusing");
  cr_assert_eq(type_at(svg_fifo), S_IFIFO);
  cr_assert_eq(type_at(csv_fifo), S_IFIFO);
  cr_assert(!partial_left(), "a partial file was left");
  unlink(svg_fifo);
  unlink(csv_fifo);
  unlink(samples);
  rmdir(svg);
  rmdir(csv);
  rmdir(t[1]);
}

/* The output is one of the command's inputs, under another name (a hard
 * link or a symbolic link) or its own: refused before any work, exit 2,
 * naming both; the input is left whole. */
Test(cli, output_that_is_an_input_is_refused) {
  char sc[512], s[600], s_link[600], a[600], b[600], b_link[600], x[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  char *text = slurp_alloc(sc);
  snprintf(s, sizeof s, "%s", path_in("s.yaml"));
  snprintf(s_link, sizeof s_link, "%s", path_in("s-link.yaml"));
  spit(s, text);
  cr_assert_eq(link(s, s_link), 0);
  const char *const same_scenario[][8] = {{"run", s, "-o", s_link, NULL},
                                          {"run", s, "-o", s, NULL},
                                          {"plan", "--from", s, "-o", s_link, NULL}};
  for (size_t c = 0; c < sizeof same_scenario / sizeof same_scenario[0]; c++) {
    const char *out = same_scenario[c][c == 2 ? 4 : 3];
    result *r = run(same_scenario[c]);
    cr_assert_eq(r->status, 2, "%s -o %s: %d %s", same_scenario[c][0], out, r->status, r->err);
    cr_assert(strstr(r->err, out) && strstr(r->err, "the same file as the input") && strstr(r->err, s), "%s", r->err);
    cr_assert_str_eq(r->out, "", "%s did its work: %s", same_scenario[c][0], r->out);
    char *now = slurp_alloc(s);
    cr_assert_str_eq(now, text, "%s overwrote its input", same_scenario[c][0]);
    free(now);
  }
  free(text);

  /* A replay, through a symbolic link. */
  char design[512], replay[512], r_csv[600], r_sym[600];
  fixture(design, sizeof design, "ROMSIM_SCENARIOS", "replays/flap-design.yaml");
  fixture(replay, sizeof replay, "ROMSIM_SCENARIOS", "replays/gateway-flap.csv");
  snprintf(r_csv, sizeof r_csv, "%s", path_in("r.csv"));
  snprintf(r_sym, sizeof r_sym, "%s", path_in("r-sym.csv"));
  char *csv_text = slurp_alloc(replay);
  spit(r_csv, csv_text);
  cr_assert_eq(symlink(r_csv, r_sym), 0);
  result *r = run((const char *[]){"run", design, "--replay", r_csv, "-o", r_sym, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, r_sym) && strstr(r->err, "the same file as the input") && strstr(r->err, r_csv), "%s", r->err);
  char *now = slurp_alloc(r_csv);
  cr_assert_str_eq(now, csv_text);
  free(now);
  free(csv_text);
  cr_assert_eq(type_at(r_sym), S_IFLNK);

  /* compare, report and export of results files. */
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  snprintf(b_link, sizeof b_link, "%s", path_in("b-link.db"));
  snprintf(x, sizeof x, "%s", path_in("x.html"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", a, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"run", sc, "-o", b, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"run", sc, "-o", x, NULL})->status, 0);
  cr_assert_eq(link(b, b_link), 0);
  r = run((const char *[]){"compare", a, b, "-o", b_link, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, b_link) && strstr(r->err, "the same file as the input") && strstr(r->err, b), "%s", r->err);
  cr_assert_str_eq(r->out, "", "compare printed its table before refusing");
  r = run((const char *[]){"report", a, "-o", a, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  /* A results file named x.html: its report's default name is its own. */
  r = run((const char *[]){"report", x, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, x) && strstr(r->err, "-o"), "%s", r->err);
  char dir[600], sym[700];
  snprintf(dir, sizeof dir, "%s", path_in("csv"));
  snprintf(sym, sizeof sym, "%s/samples.csv", dir);
  cr_assert_eq(mkdir(dir, 0755), 0);
  cr_assert_eq(symlink(a, sym), 0);
  r = run((const char *[]){"export", a, "--csv", dir, NULL});
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, sym) && strstr(r->err, "the same file as the input"), "%s", r->err);
  unlink(sym);
  rmdir(dir);
  const char *dbs[] = {a, b, x};
  for (int i = 0; i < 3; i++)
    cr_assert_str_eq(query(dbs[i], "SELECT status FROM runs"), "complete", "%s was overwritten", dbs[i]);
}

/* Every output's folder is checked before any work: a folder named as a
 * file, a folder that does not exist, a file named as a folder (export
 * --csv, report --svg) are refused at once, with nothing written, where
 * they were found only at the end. */
Test(cli, output_folders_are_checked_before_any_work) {
  char sc[512], lsc[512], a[600], b[600], dir[600], file[600], page[600], missing[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  fixture(lsc, sizeof lsc, "ROMSIM_TEST_SCENARIOS", "long.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  snprintf(dir, sizeof dir, "%s", path_in("folder"));
  snprintf(file, sizeof file, "%s", path_in("file"));
  snprintf(page, sizeof page, "%s", path_in("page.html"));
  snprintf(missing, sizeof missing, "%s", path_in("no/such/out"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", a, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"run", sc, "-o", b, NULL})->status, 0);
  cr_assert_eq(mkdir(dir, 0755), 0);
  spit(file, "a file\n");
  /* A year of 20 000 agents: refused at once, not after the run. */
  result *r = run_limited((const char *[]){"run", lsc, "-o", dir, NULL}, 20);
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, "a folder, not a regular file"), "%s", r->err);
  const char *const missing_folder[][8] = {{"run", sc, "-o", missing, NULL},
                                           {"report", a, "-o", missing, NULL},
                                           {"compare", a, b, "-o", missing, NULL},
                                           {"plan", "--customers", "2x100", "-o", missing, NULL},
                                           {"report", a, "-o", page, "--svg", missing, NULL},
                                           {"export", a, "--csv", missing, NULL}};
  for (size_t c = 0; c < sizeof missing_folder / sizeof missing_folder[0]; c++) {
    r = run_limited(missing_folder[c], 20);
    cr_assert_eq(r->status, 2, "%s: %d %s", missing_folder[c][0], r->status, r->err);
    cr_assert(strstr(r->err, "the folder") && strstr(r->err, "does not exist"), "%s: %s", missing_folder[c][0], r->err);
    cr_assert_str_eq(r->out, "", "%s did its work before refusing: %s", missing_folder[c][0], r->out);
  }
  const char *const file_as_folder[][8] = {{"report", a, "-o", page, "--svg", file, NULL},
                                           {"export", a, "--csv", file, NULL}};
  for (size_t c = 0; c < sizeof file_as_folder / sizeof file_as_folder[0]; c++) {
    r = run_limited(file_as_folder[c], 20);
    cr_assert_eq(r->status, 2, "%s: %d %s", file_as_folder[c][0], r->status, r->err);
    cr_assert(strstr(r->err, file) && strstr(r->err, "a file, not a folder"), "%s: %s", file_as_folder[c][0], r->err);
  }
  cr_assert_eq(type_at(page), 0, "the page was written before the charts' folder was refused");
  /* plan --verify writes the design and its sweep file beside it: both
   * are checked before the design is written. */
  char design[600], sweep_dir[600];
  snprintf(design, sizeof design, "%s", path_in("p.yaml"));
  snprintf(sweep_dir, sizeof sweep_dir, "%s", path_in("p-sweep.db"));
  cr_assert_eq(mkdir(sweep_dir, 0755), 0);
  r = run_limited((const char *[]){"plan", "--customers", "2x100", "-o", design, "--verify", NULL}, 60);
  cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
  cr_assert(strstr(r->err, sweep_dir) && strstr(r->err, "a folder, not a regular file"), "%s", r->err);
  cr_assert_eq(type_at(design), 0, "the design was written");
  if (geteuid() != 0) { /* root writes anywhere */
    cr_assert_eq(chmod(dir, 0555), 0);
    char in_ro[700];
    snprintf(in_ro, sizeof in_ro, "%s/x.db", dir);
    r = run((const char *[]){"run", sc, "-o", in_ro, NULL});
    cr_assert_eq(r->status, 2, "%d %s", r->status, r->err);
    cr_assert(strstr(r->err, "Permission denied"), "%s", r->err);
    chmod(dir, 0755);
  }
  rmdir(dir);
  rmdir(sweep_dir);
}

/* The name of the partial file in the work folder for output base, or
 * NULL. */
static const char *partial_of(const char *base) {
  static char found[256];
  DIR *d = opendir(workdir);
  struct dirent *e;
  const char *hit = NULL;
  size_t n = strlen(base);
  while ((e = readdir(d)))
    if (e->d_name[0] == '.' && strncmp(e->d_name + 1, base, n) == 0 && e->d_name[n + 1] == '.' &&
        strstr(e->d_name, ".partial")) {
      snprintf(found, sizeof found, "%s", e->d_name);
      hit = found;
    }
  closedir(d);
  return hit;
}

/* Start a year's run writing x.db; return once its partial file exists. */
static pid_t start_long_run(const char *db) {
  char sc[512];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "long.yaml");
  pid_t pid = start((const char *[]){"run", sc, "-o", db, NULL});
  for (int i = 0; i < 500 && !partial_of("x.db"); i++) nanosleep(&(struct timespec){0, 10000000}, NULL);
  cr_assert_not_null(partial_of("x.db"), "the run did not start");
  return pid;
}

/* A run that is killed leaves its partial file, named with its pid; the
 * next run writing the same name removes it, and any other whose writer is
 * gone, but never one whose writer is alive. */
Test(cli, the_next_run_removes_a_killed_run_s_partial_file) {
  char sc[512], db[600], killed[256], want[64];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(db, sizeof db, "%s", path_in("x.db"));
  pid_t pid = start_long_run(db);
  kill(pid, SIGKILL);
  result r;
  finish(pid, &r);
  cr_assert_eq(r.status, 128 + SIGKILL);
  snprintf(killed, sizeof killed, "%s", partial_of("x.db"));
  snprintf(want, sizeof want, ".x.db.%ld.", (long)pid);
  cr_assert(strncmp(killed, want, strlen(want)) == 0, "the partial file %s does not name its writer %ld", killed,
            (long)pid);
  spit(path_in(".x.db.4194304.Zz9Zz9.partial"), "a crash long ago");
  spit(path_in(".y.db.4194304.Zz9Zz9.partial"), "another name's");
  result *rr = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(rr->status, 0, "%s", rr->err);
  cr_assert_null(partial_of("x.db"), "a stale partial file was left: %s", partial_of("x.db"));
  cr_assert_eq(type_at(path_in(".y.db.4194304.Zz9Zz9.partial")), S_IFREG, "another name's partial file was removed");
  /* A live writer's partial file stays while another run writes the name. */
  pid = start_long_run(db);
  char live[256];
  snprintf(live, sizeof live, "%s", partial_of("x.db"));
  rr = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(rr->status, 0, "%s", rr->err);
  cr_assert_eq(type_at(path_in(live)), S_IFREG, "a live run's partial file was removed");
  kill(pid, SIGINT);
  finish(pid, &r);
  cr_assert_eq(r.status, 3, "%s", r.err);
  cr_assert_str_eq(query(db, "SELECT status FROM runs"), "interrupted");
  cr_assert_null(partial_of("x.db"));
  unlink(path_in(".y.db.4194304.Zz9Zz9.partial"));
}

/* report, compare, export and plan write through partial files too, and
 * remove their stale ones. */
Test(cli, every_writer_removes_stale_partial_files) {
  char sc[512], a[600], dir[600];
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(dir, sizeof dir, "%s", path_in("csv"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", a, NULL})->status, 0);
  cr_assert_eq(mkdir(dir, 0755), 0);
  const char *stale[] = {".r.html.4194304.Zz9Zz9.partial", ".c.html.4194304.Zz9Zz9.partial",
                         ".p.yaml.4194304.Zz9Zz9.partial", "csv/.samples.csv.4194304.Zz9Zz9.partial"};
  for (size_t i = 0; i < 4; i++) spit(path_in(stale[i]), "stale");
  cr_assert_eq(run((const char *[]){"report", a, "-o", path_in("r.html"), NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"compare", a, a, "-o", path_in("c.html"), NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"plan", "--customers", "2x100", "-o", path_in("p.yaml"), NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"export", a, "--csv", dir, NULL})->status, 0);
  for (size_t i = 0; i < 4; i++) cr_assert_eq(type_at(path_in(stale[i])), 0, "%s was left", stale[i]);
  cr_assert(!partial_left());
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[1000];
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0)) continue;
    cr_assert(strstr(e->d_name, ".partial") == NULL, "%s was left", e->d_name);
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* A disk that fills during a run (here: a limit on the size of the files
 * romsim writes) is told as SQLite tells it, first error first (not what
 * the emptied file says after it, "no such table: runs"), exit 2, and
 * nothing is left: no results file, no partial file. The other commands
 * too. */
Test(cli, a_full_disk_is_told_and_leaves_nothing) {
  char guide[512], sc[512], a[600], b[600];
  fixture(guide, sizeof guide, "ROMSIM_SCENARIOS", "guide-example.yaml");
  fixture(sc, sizeof sc, "ROMSIM_TEST_SCENARIOS", "small.yaml");
  snprintf(a, sizeof a, "%s", path_in("a.db"));
  snprintf(b, sizeof b, "%s", path_in("b.db"));
  cr_assert_eq(run((const char *[]){"run", sc, "-o", a, NULL})->status, 0);
  cr_assert_eq(run((const char *[]){"run", sc, "-o", b, NULL})->status, 0);
  int before = count_files();
  /* Full in the middle of the run (a batch's commit), and at its start. */
  const struct {
    const char *scenario;
    rlim_t limit;
  } runs[] = {{guide, 256 * 1024}, {sc, 8 * 1024}};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    result r;
    finish(start_fsize((const char *[]){"run", runs[i].scenario, "-o", path_in("full.db"), NULL}, runs[i].limit), &r);
    cr_assert_eq(r.status, 2, "%s: %d %s", runs[i].scenario, r.status, r.err);
    cr_assert(strstr(r.err, "full.db: cannot write the results file: disk I/O error (File too large)"), "%s", r.err);
    cr_assert_null(strstr(r.err, "no such table"), "%s", r.err);
    cr_assert_eq(count_files(), before, "a file was left");
  }
  /* export stops at the first CSV file past the limit, and removes them all. */
  char csv[600];
  snprintf(csv, sizeof csv, "%s", path_in("csv"));
  cr_assert_eq(mkdir(csv, 0755), 0);
  before++;
  const char *const others[][8] = {{"report", a, "-o", path_in("full.html"), NULL},
                                   {"compare", a, b, "-o", path_in("full.html"), NULL},
                                   {"export", a, "--csv", csv, NULL},
                                   {"plan", "--customers", "2000x100", "-o", path_in("full.yaml"), NULL}};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    result r;
    finish(start_fsize(others[i], 8 * 1024), &r);
    cr_assert_eq(r.status, 2, "%s: %d %s", others[i][0], r.status, r.err);
    cr_assert(strstr(r.err, "cannot write: File too large"), "%s: %s", others[i][0], r.err);
    cr_assert_eq(count_files(), before, "%s left a file cut short", others[i][0]);
  }
  cr_assert_eq(rmdir(csv), 0, "export left a file cut short");
}

/* A file system that is really full (a 256 KB tmpfs, mounted in a mount
 * namespace of the test's own, where the system allows one): SQLite's
 * "database or disk is full", exit 2, nothing left on it. Skipped where
 * mount namespaces are not allowed. */
Test(cli, a_full_file_system_says_so) {
  char guide[512], small[600];
  fixture(guide, sizeof guide, "ROMSIM_SCENARIOS", "guide-example.yaml");
  snprintf(small, sizeof small, "%s", path_in("small-fs"));
  cr_assert_eq(mkdir(small, 0755), 0);
  char db[700];
  snprintf(db, sizeof db, "%s/g.db", small);
  pid_t pid = fork();
  cr_assert_neq(pid, -1);
  if (pid == 0) {
    /* Private mounts first, so nothing is seen outside this process. */
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", small, "tmpfs", MS_NOSUID | MS_NODEV, "size=256k") != 0)
      _exit(77);
    pid_t r = start((const char *[]){"run", guide, "-o", db, NULL});
    int st;
    if (waitpid(r, &st, 0) != r || !WIFEXITED(st)) _exit(99);
    DIR *d = opendir(small);
    struct dirent *e;
    int left = 0;
    while (d && (e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) left++;
    if (d) closedir(d);
    _exit(left ? 100 : WEXITSTATUS(st));
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st));
  result r = {0};
  char e[300];
  snprintf(e, sizeof e, "%s.err", workdir);
  slurp(e, r.err, sizeof r.err);
  unlink(e);
  snprintf(e, sizeof e, "%s.out", workdir);
  unlink(e);
  rmdir(small);
  if (WEXITSTATUS(st) == 77) cr_skip_test("no mount namespace here");
  cr_assert_neq(WEXITSTATUS(st), 100, "a file was left on the full file system");
  cr_assert_eq(WEXITSTATUS(st), 2, "status %d: %s", WEXITSTATUS(st), r.err);
  cr_assert(strstr(r.err, "g.db: cannot write the results file: database or disk is full"), "%s", r.err);
}

/* A run of two days with clients on office hours: the report draws the
 * connections beneath each gateway, shows the days on its time axis, and
 * lists and marks the peaks (the busiest by data and by connections are
 * morning starts; the run's own start is left out). */
Test(cli, report_of_working_days) {
  char sc[600], db[600], html[600], why[256];
  snprintf(sc, sizeof sc, "%s", path_in("days.yaml"));
  spit(sc, "name: days\nduration: 2d\nseed: 3\nsample_every: 10m\nload: {clients: office_hours}\n"
           "agent: {start_burst: 200KB}\nmanagement_servers: {count: 1}\ngateways: {count: 2}\n"
           "customers:\n  - {count: 4, servers: 2, clients: 40}\n");
  snprintf(db, sizeof db, "%s", path_in("days.db"));
  snprintf(html, sizeof html, "%s", path_in("days.html"));
  result *r = run((const char *[]){"run", sc, "-o", db, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  /* Both peaks are a morning start, Monday's or Tuesday's (with the day
   * told past the first). */
  const char *data = strstr(r->out, "busiest by data: "), *conn = strstr(r->out, "most connections: ");
  cr_assert(data && conn, "%s", r->out);
  cr_assert(strncmp(data + 17, "08:", 3) == 0 || strncmp(data + 17, "32:", 3) == 0, "%s", data);
  cr_assert(strncmp(conn + 18, "08:", 3) == 0 || strncmp(conn + 18, "32:10:00 to 32:20:00 (Tue 08:10)", 32) == 0, "%s", conn);
  cr_assert(strstr(data, "morning start") && strstr(conn, "morning start"), "%s", r->out);
  cr_assert_str_eq(query(db, "SELECT count(*) FROM events WHERE kind = 'peak'"), "2");
  r = run((const char *[]){"report", db, "-o", html, NULL});
  cr_assert_eq(r->status, 0, "%s", r->err);
  char *page = slurp_alloc(html);
  cr_assert_eq(xml_check(page, why, sizeof why), 0, "the report is not well formed: %s", why);
  const char *want[] = {"id=\"figure-connections\"", "Agents connecting, beneath each gateway", "data-name=\"gw-1\"",
                        "text-anchor=\"middle\">Tue</text>", "text-anchor=\"middle\">Mon 06:00</text>",
                        "simulated time (day and time of day; time 0 is a Monday 00:00)", "<table id=\"peaks-told\">",
                        "<g class=\"peak\"><title>busiest by data: ", ">most connections</text>"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) cr_assert(strstr(page, want[i]), "'%s' missing", want[i]);
  /* Connections are counted each sample: 160 clients, each connecting once
   * a working day, beneath the two gateways. */
  cr_assert_str_eq(query(db, "SELECT sum(value) FROM sample_view WHERE metric = 'connections' AND node LIKE 'gw-%' "
                             "AND t_us > 3600000000"),
                   "320.0");
  free(page);
}
