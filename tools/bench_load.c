/*
 * bench_load: time the loading of large scenarios, and the building of
 * their group.
 *
 * Writes each scenario to a temporary folder, then, in a child process of
 * its own (so that its peak memory is its own), reads it with
 * rm_scenario_load and builds its group with rm_group_build (nothing
 * recorded), and prints the file's size, the time of each step and the
 * peak memory:
 *   - 1M agents: 50 000 customer lines of 2 customers of 10 computers, each
 *     with a named primary and backup, 2 000 named gateways (each given its
 *     management server and failover), 500 management servers by name,
 *     200 000 faults on gateways, agents, customers and links, and an
 *     expectation naming 10 000 agents;
 *   - 1M gateway names, in one list;
 *   - 100 000 nested lists (refused: the message is printed).
 *
 * usage: bench_load
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rm_group.h"
#include "rm_scenario.h"

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { LINES = 50000, PER_LINE = 2, GATEWAYS = 2000, SERVERS = 500, FAULTS = 200000, NAMED = 10000 };

/* The 1M-agent scenario. */
static void write_big(FILE *f) {
  fprintf(f, "name: big\nduration: 6h\nseed: 1\nsample_every: 5m\n");
  fprintf(f, "management_servers:\n  names: [");
  for (int m = 1; m <= SERVERS; m++) fprintf(f, "%sms-%d", m > 1 ? ", " : "", m);
  fprintf(f, "]\ngateways:\n  names:\n");
  for (int g = 1; g <= GATEWAYS; g++)
    fprintf(f, "    - {name: gw-%d, report_to: ms-%d, failover: [ms-%d]}\n", g, (g - 1) / 4 + 1, (g + 3) / 4 % SERVERS + 1);
  fprintf(f, "customers:\n");
  for (int l = 1; l <= LINES; l++) {
    int g = (l - 1) % GATEWAYS + 1;
    fprintf(f, "  - {name: site%d, count: %d, servers: 1, clients: 9, primary: gw-%d, backup: gw-%d}\n", l, PER_LINE,
            g, g % GATEWAYS + 1);
  }
  fprintf(f, "faults:\n");
  for (int k = 0; k < FAULTS; k++) {
    int l = k % LINES + 1, at = k % 20000;
    switch (k % 5) {
    case 0: fprintf(f, "  - {crash: gw-%d, at: %ds, for: 1m}\n", k % GATEWAYS + 1, at); break;
    case 1: fprintf(f, "  - {crash: site%d-1/cli-%d, at: %ds, for: 2m}\n", l, k % 9 + 1, at); break;
    case 2: fprintf(f, "  - {crash: customer:site%d-2, at: %ds, for: 3m}\n", l, at); break;
    case 3: fprintf(f, "  - {cut: link:site%d-1, at: %ds, for: 1m}\n", l, at); break;
    default: fprintf(f, "  - {stop_health: agents:site%d-2, at: %ds, for: 5m}\n", l, at);
    }
  }
  fprintf(f, "expect:\n  - capacity_held\n  - no_alert_for: [");
  for (int k = 0; k < NAMED; k++) fprintf(f, "%ssite%d-1/srv-1", k ? ", " : "", k * (LINES / NAMED) + 1);
  fprintf(f, "]\n");
}

static void write_names(FILE *f) {
  fprintf(f, "name: names\nduration: 1h\nmanagement_servers: {count: 2}\ngateways:\n  names: [");
  for (int g = 1; g <= 1000000; g++) fprintf(f, "%sg%d", g > 1 ? ", " : "", g);
  fprintf(f, "]\ncustomers:\n  - {count: 10, servers: 10, clients: 190}\n");
}

static void write_nested(FILE *f) {
  fprintf(f, "name: nested\nduration: 1h\nmanagement_servers: ");
  for (int k = 0; k < 100000; k++) fputc('[', f);
  for (int k = 0; k < 100000; k++) fputc(']', f);
  fputc('\n', f);
}

/* Load path (and build its group when build), printing one line. */
static void measure(const char *label, const char *path, bool build) {
  struct stat st;
  stat(path, &st);
  rm_scenario sc;
  char err[1024];
  double t0 = wall();
  int rc = rm_scenario_load(&sc, path, err, sizeof err);
  double t_load = wall() - t0, t_build = -1;
  int64_t agents = rc ? 0 : rm_scenario_agents(&sc);
  if (rc == 0 && build) {
    rs_sim sim;
    rm_group g;
    rs_sim_init(&sim);
    t0 = wall();
    if (rm_group_build(&g, &sc, &sim, NULL, err, sizeof err)) {
      fprintf(stderr, "bench_load: %s: %s\n", label, err);
      exit(1);
    }
    t_build = wall() - t0;
    rm_group_free(&g);
    rs_sim_free(&sim);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  char b[32] = "-";
  if (t_build >= 0) snprintf(b, sizeof b, "%.2f", t_build);
  printf("%-22s %9.1f %9lld %10.2f %10s %10.0f  %s\n", label, (double)st.st_size / 1048576.0, (long long)agents,
         t_load, b, (double)ru.ru_maxrss / 1024.0, rc ? err + strlen(path) + 1 : "loaded");
  if (rc == 0) rm_scenario_free(&sc);
}

int main(void) {
  char dir[] = "/tmp/romsim-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("bench_load: mkdtemp");
    return 1;
  }
  static const struct {
    const char *label, *file;
    void (*write)(FILE *);
    bool build;
  } cases[] = {{"1M agents, 200k faults", "big.yaml", write_big, true},
               {"1M gateway names", "names.yaml", write_names, false},
               {"100k nested lists", "nested.yaml", write_nested, false}};
  printf("%-22s %9s %9s %10s %10s %10s  %s\n", "scenario", "MB", "agents", "load s", "build s", "peak MB", "");
  int rc = 0;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, cases[k].file);
    FILE *f = fopen(path, "w");
    if (!f) {
      perror(path);
      return 1;
    }
    cases[k].write(f);
    if (fclose(f)) {
      perror(path);
      return 1;
    }
    fflush(stdout); /* or the child would print it again */
    pid_t pid = fork();
    if (pid == 0) {
      measure(cases[k].label, path, cases[k].build);
      fflush(stdout);
      _exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) rc = 1;
    unlink(path);
  }
  rmdir(dir);
  return rc;
}
