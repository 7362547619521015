/*
 * bench_plan: time romsim plan for 10 000 customers, as a user runs it.
 *
 * For each set of customers: runs `romsim plan --customers SPEC` three
 * times (its output thrown away) and prints the median wall time and the
 * median CPU time of the process: 10 000 customers of 200 computers, of
 * 530 (one gateway's worth each), of 265 (two to a gateway), of 5300 (ten
 * Essentials servers each: 100 000 in all, the most the planner takes), and
 * mixed (2 500 each of 20, 100, 300 and 530). The planner's documentation
 * says 10 000 customers plan in under a second.
 *
 * usage: bench_plan ROMSIM
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One run: its wall and CPU (user + system) seconds. 0, or -1. */
static int one(const char *romsim, const char *spec, double *w, double *cpu) {
  fflush(stdout); /* or the child would print it again */
  double t0 = wall();
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execl(romsim, romsim, "plan", "--customers", spec, (char *)NULL);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  *w = wall() - t0;
  *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec * 1e-6;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_plan ROMSIM\n");
    return 2;
  }
  static const char *const specs[][2] = {{"10000x200", "10 000 of 200"},
                                          {"10000x530", "10 000 of 530"},
                                          {"10000x265", "10 000 of 265"},
                                          {"10000x5300", "10 000 of 5300"},
                                          {"2500x20,2500x100,2500x300,2500x530", "10 000 mixed"}};
  printf("%-18s %-36s %10s %10s\n", "customers", "--customers", "wall s", "CPU s");
  for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
    double w[3], c[3];
    for (int r = 0; r < 3; r++)
      if (one(argv[1], specs[k][0], &w[r], &c[r])) {
        fprintf(stderr, "bench_plan: romsim plan --customers %s failed\n", specs[k][0]);
        return 1;
      }
    qsort(w, 3, sizeof *w, cmp_double);
    qsort(c, 3, sizeof *c, cmp_double);
    printf("%-18s %-36s %10.3f %10.3f\n", specs[k][1], specs[k][0], w[1], c[1]);
  }
  return 0;
}
