/*
 * bench_sweep: time a whole sweep, as a user runs it, with 1 job and with
 * as many as the machine has cores, and print the speed-up the worker pool
 * gives.
 *
 * Runs `romsim sweep SCENARIO --fail each:gateway,ms -o TMP --jobs N` and
 * reads the sweep file for the runs and events it holds.
 *
 * usage: bench_sweep ROMSIM SCENARIO
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long long one(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bench_sweep ROMSIM SCENARIO\n");
    return 2;
  }
  char dir[] = "/tmp/romsim-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("bench_sweep: mkdtemp");
    return 1;
  }
  int cores = (int)uv_available_parallelism();
  int jobs[2] = {1, cores > 1 ? cores : 2};
  double first = 0;
  printf("%-24s %6s %10s %8s %10s %12s %10s %9s\n", "sweep", "jobs", "wall s", "runs", "runs/s", "events", "M ev/s",
         "speed-up");
  for (int k = 0; k < 2; k++) {
    char out[256], n[16];
    snprintf(out, sizeof out, "%s/sweep.db", dir);
    snprintf(n, sizeof n, "%d", jobs[k]);
    fflush(stdout);
    double t0 = wall();
    pid_t pid = fork();
    if (pid == 0) {
      if (!freopen("/dev/null", "w", stdout)) _exit(127);
      execl(argv[1], argv[1], "sweep", argv[2], "--fail", "each:gateway,ms", "--jobs", n, "-o", out, (char *)NULL);
      _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
      fprintf(stderr, "bench_sweep: the sweep failed\n");
      return 1;
    }
    double dt = wall() - t0;
    if (k == 0) first = dt;
    sqlite3 *db;
    if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
      fprintf(stderr, "bench_sweep: cannot read %s\n", out);
      return 1;
    }
    long long runs = one(db, "SELECT count(*) FROM items"), events = one(db, "SELECT sum(events) FROM items");
    sqlite3_close(db);
    const char *name = strrchr(argv[2], '/');
    name = name ? name + 1 : argv[2];
    printf("%-24s %6d %10.2f %8lld %10.2f %12lld %10.2f %8.2fx\n", name, jobs[k], dt, runs, (double)runs / dt, events,
           (double)events / dt / 1e6, first / dt);
    unlink(out);
  }
  rmdir(dir);
  return 0;
}
