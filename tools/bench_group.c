/*
 * bench_group: time whole runs of the romsim command, as a user runs them.
 *
 * For each scenario: runs `romsim run SCENARIO -o TMP --json` once (after
 * nothing else: the first run is the measured one, a simulation's work does
 * not warm up) and prints the wall time, the events run and events per
 * second, the peak memory of the process and that memory per agent, the
 * share of the run spent recording (the recorder's calls and its close, as
 * the run reports it: recording_seconds) and the results file's size.
 *
 * usage: bench_group ROMSIM SCENARIO...
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

#include "bench_util.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_group ROMSIM SCENARIO...\n");
    return 2;
  }
  char dir[] = "/tmp/romsim-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("bench_group: mkdtemp");
    return 1;
  }
  printf("%-28s %10s %12s %10s %12s %10s %14s %8s %11s\n", "scenario", "wall s", "events", "M ev/s", "peak MB",
         "agents", "bytes/agent", "rec %", "results MB");
  int rc = 0;
  for (int i = 2; i < argc; i++) {
    char out[256], json[256];
    snprintf(out, sizeof out, "%s/run.db", dir);
    snprintf(json, sizeof json, "%s/run.json", dir);
    fflush(stdout); /* or the child would print it again */
    double t0 = bench_wall();
    pid_t pid = fork();
    if (pid == 0) {
      if (!freopen(json, "w", stdout)) _exit(127);
      execl(argv[1], argv[1], "run", argv[i], "-o", out, "--json", (char *)NULL);
      _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
      perror("bench_group: run");
      return 1;
    }
    double dt = bench_wall() - t0;
    char text[65536];
    bench_slurp(json, text, sizeof text);
    long long events = (long long)bench_json_num(text, "events"), agents = (long long)bench_json_num(text, "agents");
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (events < 0 || code > 1) {
      fprintf(stderr, "bench_group: %s: romsim exited %d\n", argv[i], code);
      rc = 1;
      continue;
    }
    const char *name = strrchr(argv[i], '/');
    name = name ? name + 1 : argv[i];
    double peak = (double)ru.ru_maxrss * 1024.0;
    double recording = bench_json_num(text, "recording_seconds");
    if (recording < 0) recording = 0;
    struct stat sb;
    double size = stat(out, &sb) == 0 ? (double)sb.st_size : 0;
    printf("%-28s %10.2f %12lld %10.2f %12.1f %10lld %14.0f %7.1f%% %11.1f\n", name, dt, events,
           (double)events / dt / 1e6, peak / 1048576.0, agents, agents > 0 ? peak / (double)agents : 0.0,
           100 * recording / dt, size / 1e6);
    fflush(stdout);
    unlink(out);
    unlink(json);
  }
  rmdir(dir);
  return rc;
}
