/* The romsim command's shared helpers (tools/cli.h): messages, outputs
 * checked before any work and written whole, numbers as flags write them
 * (checked, never wrapped), seeds, names, JSON, and the memory a run may
 * take. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rs_file.h"
#include "rm_budget.h"
#include "rm_units.h"

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  fputs("romsim: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

void cli_with_suffix(const char *path, bool keep_dir, const char *suffix, char *buf, size_t n) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  const char *from = keep_dir ? path : base;
  size_t len = dot && dot != base ? (size_t)(dot - from) : strlen(from);
  snprintf(buf, n, "%.*s%s", (int)len, from, suffix);
}

int cli_check_output(const char *cmd, const char *path, const char *what, const char *const *inputs) {
  char err[1200];
  if (rs_file_check(path, what, inputs, err, sizeof err)) return cli_usage_error("%s: %s", cmd, err);
  return 0;
}

int cli_check_folder(const char *cmd, const char *dir, const char *what, const char *const *files,
                     const char *const *inputs) {
  char err[1200];
  struct stat st;
  if (rs_file_check_folder(dir, what, err, sizeof err)) return cli_usage_error("%s: %s", cmd, err);
  if (stat(dir, &st) != 0) return 0; /* to be created: empty */
  for (const char *const *f = files; *f; f++) {
    size_t n = strlen(dir) + strlen(*f) + 2;
    char *p = malloc(n);
    if (!p) return cli_usage_error("out of memory");
    snprintf(p, n, "%s/%s", dir, *f);
    int rc = cli_check_output(cmd, p, what, inputs);
    free(p);
    if (rc) return rc;
  }
  return 0;
}

int cli_write_whole(const char *path, cli_writer fn, const void *arg) {
  char err[1200];
  rs_partial file;
  if (rs_file_check(path, "the file", NULL, err, sizeof err) || rs_partial_open(&file, path, err, sizeof err))
    return cli_usage_error("%s", err);
  int fd = dup(file.fd); /* closing the stream keeps the lock, held by file.fd */
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out) {
    int e = errno;
    if (fd >= 0) close(fd);
    rs_partial_abandon(&file);
    return cli_usage_error("%s: cannot write: %s", path, strerror(e));
  }
  const char *why = fn(out, arg);
  int e = 0;
  if (fflush(out) != 0 || ferror(out)) e = errno ? errno : EIO;
  if (fclose(out) != 0 && !e) e = errno;
  if (why || e) {
    rs_partial_abandon(&file);
    return why ? cli_usage_error("%s", why) : cli_usage_error("%s: cannot write: %s", path, strerror(e));
  }
  if (rs_partial_commit(&file, err, sizeof err)) return cli_usage_error("%s", err);
  return 0;
}

int cli_mkdir(const char *dir) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "romsim: %s: cannot create the folder: %s\n", dir, strerror(errno));
    return EXIT_USAGE;
  }
  return 0;
}

void cli_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

/* ---- numbers ---- */

int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
  bool neg = s[0] == '-' && min < 0;
  const char *p = s + neg;
  if (*p < '0' || *p > '9') return -1;
  /* Digit by digit, as a negative number (which reaches INT64_MIN), and
   * never past the bound that can still be in range. */
  int64_t v = 0;
  for (; *p >= '0' && *p <= '9'; p++) {
    int d = *p - '0';
    if (v < (INT64_MIN + d) / 10) return -1;
    v = v * 10 - d;
  }
  if (*p) return -1;
  if (!neg) {
    if (v == INT64_MIN) return -1;
    v = -v;
  }
  if (v < min || v > max) return -1;
  *out = v;
  return 0;
}

int cli_int_flag(const char *cmd, const char *flag, const char *s, int64_t min, int64_t max, int64_t *out) {
  if (cli_parse_int(s, min, max, out) == 0) return 0;
  return cli_usage_error("%s: %s needs a number from %lld to %lld, not '%s'", cmd, flag, (long long)min, (long long)max,
                         s);
}

int cli_parse_seed(const char *s, uint64_t *out) {
  if (*s < '0' || *s > '9') return -1;
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  if (*s) return -1;
  *out = v;
  return 0;
}

int cli_duration_flag(const char *cmd, const char *flag, const char *s, rs_time_t min, rs_time_t *out) {
  size_t off;
  char b[32];
  int rc = rs_duration_parse(s, strlen(s), out, &off);
  if (rc == RS_DURATION_TOO_LONG)
    return cli_usage_error("%s: %s: '%s' is too long (at most %s)", cmd, flag, s,
                           rs_duration_format(RS_TIME_MAX / RS_DAY * RS_DAY, b, sizeof b));
  if (rc) return cli_usage_error("%s: %s needs a duration such as 90s, 2h or 1h30m, not '%s'", cmd, flag, s);
  if (*out < min)
    return cli_usage_error("%s: %s must be at least %s, not '%s'", cmd, flag, rs_duration_format(min, b, sizeof b), s);
  return 0;
}

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
