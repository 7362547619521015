/*
 * Helpers the romsim commands share: the memory a run may take.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rm_budget.h"
#include "rm_units.h"

int64_t cli_default_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0) return (int64_t)8 << 30; /* unknown: 8 GB */
  return (int64_t)((double)pages * (double)size / 2);
}

int cli_parse_memory(const char *cmd, const char *s, int64_t *out) {
  size_t off;
  int64_t v;
  if (rm_size_parse(s, strlen(s), &v, &off) || v < CLI_MIN_MEMORY)
    return cli_usage_error("%s: --max-memory needs a size from 16MB up, such as 8GB or 512MB, not '%s'", cmd, s);
  *out = v;
  return 0;
}

/* "8.00 GB (--max-memory)" or "11.7 GB (--max-memory's default: half of
 * this machine's 23.4 GB)". */
static void allowed(int64_t max_memory, char *buf, size_t n) {
  char a[32], b[32];
  if (max_memory > 0)
    snprintf(buf, n, "%s allowed (--max-memory)", rm_size_format(max_memory, a, sizeof a));
  else
    snprintf(buf, n, "%s allowed (--max-memory's default: half of this machine's %s)",
             rm_size_format(cli_default_memory(), a, sizeof a), rm_size_format(2 * cli_default_memory(), b, sizeof b));
}

/* The estimate's parts, for a message. */
static void parts(const rm_budget *b, char *buf, size_t n) {
  char g[32], s[32], t[32], w[32];
  snprintf(buf, n, "the group %s, the scenario %s, faults and random failures %s, growth while it runs %s",
           rm_size_format((int64_t)b->group, g, sizeof g), rm_size_format((int64_t)b->scenario, s, sizeof s),
           rm_size_format((int64_t)b->timeline, t, sizeof t), rm_size_format((int64_t)b->growth, w, sizeof w));
}

int cli_check_memory(const char *cmd, const char *file, const rm_scenario *sc, rs_time_t duration,
                     int64_t max_memory, int *jobs, bool jobs_given, int64_t *need) {
  rm_budget b;
  rm_budget_estimate(sc, duration, &b);
  int64_t limit = max_memory > 0 ? max_memory : cli_default_memory();
  char e[32], l[256], p[256], d[32];
  /* A storm of random failures, when the run is longer than the scenario's
   * own (the loader refuses it otherwise). */
  if (b.random_failures > RM_MAX_RANDOM_FAILURES) {
    fprintf(stderr,
            "romsim: %s: %s: about %.3g random failures expected in a run of %s, more than romsim draws (%d): "
            "give the roles of random_failures a longer mtbf, or a shorter run\n",
            cmd, file, b.random_failures, rs_duration_format(duration, d, sizeof d), RM_MAX_RANDOM_FAILURES);
    return EXIT_USAGE;
  }
  /* A sweep's runs each read the scenario again and build their own
   * group, beside the scenario the sweep holds. */
  int n = jobs ? *jobs : 1;
  double run = b.total - b.fixed, read = rm_budget_parse(sc->text_len) + b.scenario;
  double one = run > read ? run : read;
  double total = b.fixed + (jobs ? b.scenario : 0) + n * one;
  if (need) *need = (int64_t)total;
  if (total <= (double)limit) return 0;
  allowed(max_memory, l, sizeof l);
  parts(&b, p, sizeof p);
  if (jobs && b.fixed + b.scenario + one <= (double)limit) {
    int fit = (int)(((double)limit - b.fixed - b.scenario) / one);
    if (!jobs_given) { /* the default, one per core: as many as fit */
      fprintf(stderr, "romsim: %s: %d runs at once (one per core) would need about %s of memory, more than %s: "
                      "running %d at once\n",
              cmd, n, rm_size_format((int64_t)total, e, sizeof e), l, fit);
      *jobs = fit;
      if (need) *need = (int64_t)(b.fixed + b.scenario + fit * one);
      return 0;
    }
    fprintf(stderr, "romsim: %s: %s: %d runs at once need about %s of memory (each %s: %s), more than %s: give "
                    "--jobs %d or fewer\n",
            cmd, file, n, rm_size_format((int64_t)total, e, sizeof e), rm_size_format((int64_t)one, d, sizeof d), p, l,
            fit);
    return EXIT_USAGE;
  }
  fprintf(stderr, "romsim: %s: %s: a run needs about %s of memory (%s; docs/scenarios.md, \"Memory\"), more than "
                  "%s: make the scenario smaller, or give --max-memory\n",
          cmd, file, rm_size_format((int64_t)(b.fixed + (jobs ? b.scenario : 0) + one), e, sizeof e), p, l);
  return EXIT_USAGE;
}
