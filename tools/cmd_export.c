/* romsim export: a results file as CSV files, for spreadsheets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "results_read.h"
#include "rs_file.h"

static const char *export_usage =
    "usage: romsim export RESULTS.db --csv DIR\n"
    "\n"
    "Write the results file's samples, events, nodes, expectations, figures,\n"
    "run and faults as CSV files (samples.csv, events.csv, nodes.csv,\n"
    "expectations.csv, figures.csv, run.csv, faults.csv) in DIR, created if\n"
    "missing. Times are given in microseconds (t_us) and as\n"
    "a clock (time, HH:MM:SS). exit status: 0 written, 2 bad usage or an\n"
    "unreadable results file.\n";

/* One field, quoted when it holds a comma, a quote or a line break. A text
 * that a spreadsheet would take for a formula (it begins with =, +, -, @,
 * a tab or a carriage return: a name a user wrote, say) gets a leading
 * apostrophe, so it stays text. */
static void csv_field(FILE *out, const char *s, bool text) {
  if (!s) return;
  bool formula = text && strchr("=+-@\t\r", *s) && *s;
  if (!strpbrk(s, ",\"\r\n")) {
    if (formula) fputc('\'', out);
    fputs(s, out);
    return;
  }
  fputc('"', out);
  if (formula) fputc('\'', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

/* Write the rows of sql, read from table, as CSV into the partial file p,
 * with a header of its column names. Returns 0; or -1 with the error kept
 * in f when reading failed, or in err when writing did. */
static int export_query(rr_file *f, const char *table, const char *sql, const rs_partial *p, char *err, size_t errlen) {
  sqlite3_stmt *st = dbr_prepare(&f->in, table, sql);
  if (!st) return -1;
  int fd = dup(p->fd); /* closing the stream keeps the lock, held by p->fd */
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out) {
    snprintf(err, errlen, "%.900s: cannot write: %s", p->path, strerror(errno));
    if (fd >= 0) close(fd);
    sqlite3_finalize(st);
    return -1;
  }
  int cols = sqlite3_column_count(st);
  for (int c = 0; c < cols; c++) {
    if (c) fputc(',', out);
    csv_field(out, sqlite3_column_name(st, c), false);
  }
  fputc('\n', out);
  int rc;
  while ((rc = dbr_step(&f->in, st, table)) > 0) {
    for (int c = 0; c < cols; c++) {
      if (c) fputc(',', out);
      bool text = sqlite3_column_type(st, c) == SQLITE_TEXT;
      csv_field(out, (const char *)sqlite3_column_text(st, c), text);
    }
    fputc('\n', out);
  }
  sqlite3_finalize(st);
  errno = 0;
  int werr = fflush(out) != 0 || ferror(out) ? (errno ? errno : EIO) : 0;
  if (fclose(out) != 0 && !werr) werr = errno;
  if (rc < 0) return -1;
  if (werr) {
    snprintf(err, errlen, "%.900s: cannot write: %s", p->path, strerror(werr));
    return -1;
  }
  return 0;
}

/* The small tables first, the samples last. */
static const struct {
  const char *name, *table, *sql;
} tables[] = {
    {"run.csv", "runs", "SELECT scenario_name, scenario_file, scenario_hash, seed, romsim_version, wall_start, wall_end, "
                        "sim_duration_us, sim_end_us, events, status, replay_file FROM runs"},
    {"nodes.csv", "nodes", "SELECT n.id, n.name, n.role, p.name AS parent FROM nodes n LEFT JOIN nodes p ON p.id = n.parent "
                           "ORDER BY n.id"},
    {"expectations.csv", "expectations", "SELECT name, CASE held WHEN 1 THEN 'held' ELSE 'failed' END AS verdict, detail "
                                         "FROM expectations ORDER BY id"},
    {"figures.csv", "figures", "SELECT key, value FROM figures ORDER BY key"},
    {"faults.csv", "faults", "SELECT name, kind, start_us, " RR_CLOCK("start_us") " AS start, end_us, "
                   "CASE WHEN end_us IS NULL THEN '' ELSE " RR_CLOCK("end_us") " END AS end, detail FROM faults ORDER BY id"},
    {"events.csv", "events", "SELECT e.t_us, " RR_CLOCK("e.t_us") " AS time, n.name AS node, e.kind, e.detail FROM events e "
                             "LEFT JOIN nodes n ON n.id = e.node ORDER BY e.t_us, e.id"},
    {"samples.csv", "sample_view", "SELECT t_us, " RR_CLOCK("t_us") " AS time, node, metric, unit, value FROM sample_view "
                                   "ORDER BY t_us, node, metric"},
};
enum { N_TABLES = sizeof tables / sizeof tables[0] };

int cmd_export(int argc, char **argv) {
  const char *file = NULL, *dir = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(export_usage, stdout);
      return 0;
    } else if (strcmp(a, "--csv") == 0) {
      if (i + 1 >= argc) return cli_usage_error("export: --csv needs a folder");
      dir = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("export: unknown option '%s' (try romsim export --help)", a);
    } else if (file) {
      return cli_usage_error("export: one results file at a time");
    } else {
      file = a;
    }
  }
  if (!file || !dir) return cli_usage_error("export: usage: romsim export RESULTS.db --csv DIR");
  if (strlen(dir) > 4000) return cli_usage_error("export: the folder's name is too long");
  const char *names[N_TABLES + 1];
  for (size_t i = 0; i < N_TABLES; i++) names[i] = tables[i].name;
  names[N_TABLES] = NULL;
  if (cli_check_folder("export", dir, "the CSV files", names, (const char *const[]){file, NULL})) return EXIT_USAGE;
  rr_file f;
  char err[1024];
  if (rr_open(&f, file, err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    return EXIT_USAGE;
  }
  bool made = mkdir(dir, 0777) == 0;
  if (!made && errno != EEXIST) {
    fprintf(stderr, "romsim: %s: cannot create the folder: %s\n", dir, strerror(errno));
    rr_close(&f);
    return EXIT_USAGE;
  }
  /* Each file is written as a partial file (rs_partial); all are renamed
   * once all are whole, or all removed: no CSV is left from a file that
   * failed to read. */
  rs_partial part[N_TABLES];
  size_t opened = 0;
  int rc = 0;
  err[0] = '\0';
  for (size_t i = 0; i < N_TABLES && rc == 0; i++) {
    char final[4200];
    snprintf(final, sizeof final, "%.4000s/%s", dir, tables[i].name);
    rc = rs_partial_open(&part[i], final, err, sizeof err);
    if (rc == 0) {
      opened = i + 1;
      rc = export_query(&f, tables[i].table, tables[i].sql, &part[i], err, sizeof err);
    }
  }
  for (size_t i = 0; i < N_TABLES && rc == 0; i++) rc = rs_partial_commit(&part[i], err, sizeof err);
  if (rc) {
    for (size_t i = 0; i < opened; i++)
      if (part[i].fd >= 0) rs_partial_abandon(&part[i]); /* those not renamed yet */
    if (made) rmdir(dir);
    fprintf(stderr, "romsim: %s\n", rr_failed(&f) ? rr_error(&f) : err);
  } else {
    printf("%s: %s (%s run) exported to %s/{samples,events,nodes,expectations,figures,run,faults}.csv\n", file,
           f.scenario, f.status, dir);
  }
  rr_close(&f);
  return rc ? EXIT_USAGE : 0;
}
