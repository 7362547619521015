/*
 * bench_targets: the speed targets of romsim's runs, each measured as a
 * user runs it, in one table: the work, its target, the figure reached and
 * whether it is met (docs/performance.md).
 *
 *   the guide example, 24 h, results written               0.1 s
 *   the guide's group, random failures on every role,
 *     365 days, sampled every 10 minutes                   15 s
 *   100 000 agents, 24 h                                   5 s
 *   1 000 000 agents, 24 h                                 60 s, under 300 B per agent
 *   results file, 100 000 agents, 24 h                     under 50 MB
 *   sweep --pairs of the guide's design, all roles,
 *     --jobs 2                                             60 s
 *
 * Each command runs once; one that takes under 30 s runs 5 times and its
 * median is taken (a longer one's single run is its figure, said in the
 * "runs" column). Peak memory is the process's (wait4's ru_maxrss).
 *
 * usage: bench_targets ROMSIM SCENARIOS_DIR
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

typedef struct {
  double wall;       /* seconds */
  double rss_mb;     /* peak memory, MB */
  double rec;        /* recording_seconds, or -1 */
  double agents;     /* from --json, or -1 */
  double file_mb;    /* the output file's size, MB */
  int code;
} measure;

/* Run argv (stdout into out_json, or /dev/null) and measure it. */
static int run_once(char *const argv[], const char *out_json, const char *out_file, measure *m) {
  fflush(stdout);
  unlink(out_file);
  double t0 = bench_wall();
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out_json ? out_json : "/dev/null", "w", stdout)) _exit(127);
    if (!freopen("/dev/null", "w", stderr)) _exit(127);
    execv(argv[0], argv);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) return -1;
  m->wall = bench_wall() - t0;
  m->rss_mb = (double)ru.ru_maxrss / 1024.0;
  m->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  m->rec = m->agents = -1;
  if (out_json) {
    char text[65536];
    bench_slurp(out_json, text, sizeof text);
    m->rec = bench_json_num(text, "recording_seconds");
    m->agents = bench_json_num(text, "agents");
  }
  struct stat st;
  m->file_mb = stat(out_file, &st) == 0 ? (double)st.st_size / 1e6 : 0;
  return m->code > 1 ? -1 : 0; /* 1: an expectation failed, which is a result */
}

static int by_wall(const void *a, const void *b) {
  double x = ((const measure *)a)->wall, y = ((const measure *)b)->wall;
  return (x > y) - (x < y);
}

/* Run argv once, or 5 times when it is quick; *m gets the median run. */
static int run_median(char *const argv[], const char *out_json, const char *out_file, measure *m, int *runs) {
  measure all[5];
  if (run_once(argv, out_json, out_file, &all[0])) return -1;
  *runs = all[0].wall < 30 ? 5 : 1;
  for (int i = 1; i < *runs; i++)
    if (run_once(argv, out_json, out_file, &all[i])) return -1;
  qsort(all, (size_t)*runs, sizeof all[0], by_wall);
  *m = all[*runs / 2];
  return 0;
}

static void row(const char *work, const char *target, const char *reached, int runs, bool met, const char *more) {
  printf("%-72s %-28s %-12s %4d  %-4s %s\n", work, target, reached, runs, met ? "met" : "not", more);
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bench_targets ROMSIM SCENARIOS_DIR\n");
    return 2;
  }
  const char *romsim = argv[1], *sc = argv[2];
  char dir[] = "/tmp/romsim-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("bench_targets: mkdtemp");
    return 1;
  }
  char out[300], json[300], path[6][1024];
  snprintf(out, sizeof out, "%s/out.db", dir);
  snprintf(json, sizeof json, "%s/out.json", dir);
  snprintf(path[0], sizeof path[0], "%s/guide-example.yaml", sc);
  snprintf(path[1], sizeof path[1], "%s/bench/guide-year.yaml", sc);
  snprintf(path[2], sizeof path[2], "%s/bench/group-100k.yaml", sc);
  snprintf(path[3], sizeof path[3], "%s/bench/group-1m.yaml", sc);
  printf("%-72s %-28s %-12s %4s  %-4s %s\n", "work", "target", "reached", "runs", "met", "also");
  int rc = 0;
  char reached[64], more[160];
  measure m, m100k = {0};
  int runs;
  static const char *const work[] = {"the guide example, 24 h, results written",
                                     "the guide's group, random failures, 365 days, sampled every 10 min",
                                     "100 000 agents, 24 h", "1 000 000 agents, 24 h"};
  static const double target[] = {0.1, 15, 5, 60};
  for (int i = 0; i < 4; i++) {
    char *args[] = {(char *)romsim, "run", path[i], "-o", out, "--json", "--max-memory", "20GB", NULL};
    if (run_median(args, json, out, &m, &runs)) {
      fprintf(stderr, "bench_targets: %s: romsim exited %d\n", path[i], m.code);
      rc = 1;
      continue;
    }
    if (i == 2) m100k = m;
    snprintf(reached, sizeof reached, "%.2f s", m.wall);
    double per_agent = m.agents > 0 ? m.rss_mb * 1048576.0 / m.agents : 0;
    snprintf(more, sizeof more, "recording %.0f %%, peak %.0f MB (%.0f B/agent), results %.1f MB",
             m.rec >= 0 && m.wall > 0 ? 100.0 * m.rec / m.wall : 0.0, m.rss_mb, per_agent, m.file_mb);
    char t[64];
    snprintf(t, sizeof t, i == 3 ? "%.0f s, under 300 B/agent" : "%g s", target[i]);
    row(work[i], t, reached, runs, m.wall <= target[i] && (i != 3 || per_agent < 300), more);
  }
  if (m100k.wall > 0) {
    snprintf(reached, sizeof reached, "%.1f MB", m100k.file_mb);
    row("results file, 100 000 agents, 24 h", "under 50 MB", reached, 1, m100k.file_mb < 50, "");
  }
  char *sweep[] = {(char *)romsim, "sweep", path[0], "--fail", "each:gateway,ms,rms_node,sql_node,essentials,site",
                   "--pairs", "--jobs", "2", "-o", out, "--quiet", NULL};
  if (run_median(sweep, NULL, out, &m, &runs)) {
    fprintf(stderr, "bench_targets: sweep: romsim exited %d\n", m.code);
    rc = 1;
  } else {
    snprintf(reached, sizeof reached, "%.1f s", m.wall);
    row("sweep --pairs of the guide's design, all roles (1486 cases), --jobs 2", "60 s", reached, runs, m.wall <= 60,
        "");
  }
  unlink(out);
  unlink(json);
  rmdir(dir);
  return rc;
}
