/* report_chart: the report's charts read from a results file (see
 * report_chart.h). */
#include "report_chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_load_series(rr_file *f, int64_t node, const char *metric, svg_series *s, double t_end) {
  sqlite3_stmt *st;
  const char *sql = node < 0 ? "SELECT s.t_us, s.value FROM samples s JOIN metrics m ON m.id = s.metric "
                               "WHERE s.node IS NULL AND m.name = ?2 ORDER BY s.t_us"
                             : "SELECT s.t_us, s.value FROM samples s JOIN metrics m ON m.id = s.metric "
                               "WHERE s.node = ?1 AND m.name = ?2 ORDER BY s.t_us";
  if (!(st = dbr_prepare(&f->in, "samples", sql))) return -1;
  sqlite3_bind_int64(st, 1, node);
  sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
  s->t = malloc(REPORT_MAX_POINTS * sizeof *s->t);
  s->v = malloc(REPORT_MAX_POINTS * sizeof *s->v);
  s->n = 0;
  if (!s->t || !s->v) {
    sqlite3_finalize(st);
    return -1;
  }
  double width = t_end > 0 ? t_end / REPORT_MAX_POINTS : 1;
  int last = -1;
  while (dbr_step(&f->in, st, "samples") > 0) {
    double t = (double)dbr_int(&f->in, st, 0, "samples", "t_us") / 1e6, v = dbr_num(&f->in, st, 1, "samples", "value");
    int b = (int)(t / width);
    if (b >= REPORT_MAX_POINTS) b = REPORT_MAX_POINTS - 1;
    if (b != last) {
      if (s->n == REPORT_MAX_POINTS) break;
      s->t[s->n] = t;
      s->v[s->n++] = v;
      last = b;
    } else if (v > s->v[s->n - 1]) {
      s->v[s->n - 1] = v;
    }
  }
  sqlite3_finalize(st);
  return rr_failed(f) ? -1 : 0;
}

void report_free_series(svg_series *s, int n) {
  for (int i = 0; i < n; i++) {
    free(s[i].t);
    free(s[i].v);
  }
}

/* The nodes of the roles given, the highest peaks of a metric first. */
static int top_nodes(rr_file *f, const char *roles, const char *metric, int64_t *ids, char names[][96], int max,
                     int *total) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT n.id, n.name, max(s.value) AS peak FROM nodes n JOIN samples s ON s.node = n.id "
           "JOIN metrics m ON m.id = s.metric WHERE m.name = ?1 AND n.role IN (%s) GROUP BY n.id "
           "ORDER BY peak DESC, n.id",
           roles);
  sqlite3_stmt *st = dbr_prepare(&f->in, "nodes", sql);
  *total = 0;
  if (!st) return 0;
  sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
  int n = 0, all = 0;
  while (dbr_step(&f->in, st, "nodes") > 0) {
    if (n < max) {
      ids[n] = dbr_int(&f->in, st, 0, "nodes", "id");
      snprintf(names[n], 96, "%s", dbr_text(&f->in, st, 1, "nodes", "name"));
      rr_utf8_trim(names[n]);
      n++;
    }
    all++;
  }
  sqlite3_finalize(st);
  *total = all;
  return n;
}

/* The lowest and highest of a metric over the nodes of the roles, but the
 * ids named, at each sample time (thinned like a series). */
static void load_envelope(rr_file *f, const char *roles, const char *metric, const int64_t *skip, int n_skip,
                          svg_series *lo, svg_series *hi, double t_end) {
  char sql[1024], list[512] = "-1";
  for (int i = 0; i < n_skip; i++) {
    size_t u = strlen(list);
    snprintf(list + u, sizeof list - u, ",%lld", (long long)skip[i]);
  }
  snprintf(sql, sizeof sql,
           "SELECT s.t_us, min(s.value), max(s.value) FROM samples s JOIN metrics m ON m.id = s.metric "
           "JOIN nodes n ON n.id = s.node WHERE m.name = ?1 AND n.role IN (%s) AND n.id NOT IN (%s) "
           "GROUP BY s.t_us ORDER BY s.t_us",
           roles, list);
  sqlite3_stmt *st;
  lo->n = hi->n = 0;
  lo->t = malloc(REPORT_MAX_POINTS * sizeof(double));
  lo->v = malloc(REPORT_MAX_POINTS * sizeof(double));
  hi->t = malloc(REPORT_MAX_POINTS * sizeof(double));
  hi->v = malloc(REPORT_MAX_POINTS * sizeof(double));
  if (!lo->t || !lo->v || !hi->t || !hi->v) {
    dbr_fail(&f->in, "out of memory");
    return;
  }
  if (!(st = dbr_prepare(&f->in, "samples", sql))) return;
  sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
  double width = t_end > 0 ? t_end / REPORT_MAX_POINTS : 1;
  int last = -1;
  while (dbr_step(&f->in, st, "samples") > 0) {
    double t = (double)dbr_int(&f->in, st, 0, "samples", "t_us") / 1e6;
    double a = dbr_num(&f->in, st, 1, "samples", "value"), b = dbr_num(&f->in, st, 2, "samples", "value");
    int k = (int)(t / width);
    if (k >= REPORT_MAX_POINTS) k = REPORT_MAX_POINTS - 1;
    if (k != last) {
      if (hi->n == REPORT_MAX_POINTS) break;
      lo->t[lo->n] = hi->t[hi->n] = t;
      lo->v[lo->n++] = a;
      hi->v[hi->n++] = b;
      last = k;
    } else {
      if (a < lo->v[lo->n - 1]) lo->v[lo->n - 1] = a;
      if (b > hi->v[hi->n - 1]) hi->v[hi->n - 1] = b;
    }
  }
  sqlite3_finalize(st);
}


void report_role_chart(rr_file *f, report_chart *d, const char *roles, const char *metric, const char *what) {
  int64_t ids[REPORT_MAX_NAMED];
  char names[REPORT_MAX_NAMED][96];
  int total = 0;
  int n = top_nodes(f, roles, metric, ids, names, REPORT_MAX_NAMED, &total);
  for (int i = 0; i < n; i++) {
    snprintf(d->series[i].name, sizeof d->series[i].name, "%.95s", names[i]);
    report_load_series(f, ids[i], metric, &d->series[i], d->chart.t_end);
  }
  d->chart.series = d->series;
  d->chart.n_series = n;
  if (total > n) {
    load_envelope(f, roles, metric, ids, n, &d->lo, &d->hi, d->chart.t_end);
    d->has_envelope = true;
    d->chart.envelope_lo = &d->lo;
    d->chart.envelope_hi = &d->hi;
    snprintf(d->chart.envelope_name, sizeof d->chart.envelope_name, "%d other %s", total - n, what);
  }
}

void report_group_chart(rr_file *f, report_chart *d, const char *const *metrics, const char *const *labels, int n) {
  for (int i = 0; i < n; i++) {
    snprintf(d->series[i].name, sizeof d->series[i].name, "%s", labels[i]);
    report_load_series(f, -1, metrics[i], &d->series[i], d->chart.t_end);
  }
  d->chart.series = d->series;
  d->chart.n_series = n;
}

void report_free_chart(report_chart *d) {
  report_free_series(d->series, d->chart.n_series);
  if (d->has_envelope) {
    report_free_series(&d->lo, 1);
    report_free_series(&d->hi, 1);
  }
}

double report_figure(rr_file *f, const char *key) {
  double v = -1;
  sqlite3_stmt *st = dbr_prepare(&f->in, "figures", "SELECT value FROM figures WHERE key = ?1");
  if (!st) return v;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (dbr_step(&f->in, st, "figures") > 0) v = dbr_num(&f->in, st, 0, "figures", "value");
  sqlite3_finalize(st);
  return v;
}
