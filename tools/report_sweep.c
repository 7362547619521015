/*
 * romsim report SWEEP.db: a sweep drawn as one self-contained page.
 *
 * One bar per case, the worst first (as the table romsim sweep prints), in
 * four charts: the worst node's peak against its limit, data lost, time to
 * recover and worst latency; with replications, a bar is the mean and a
 * whisker the 95 % confidence interval. Then the whole table. Inline SVG
 * and CSS, no script, nothing fetched.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report_sweep.h"
#include "rm_units.h"
#include "svg.h"
#include "sweep.h"
#include "version.h"

/* Bars drawn per chart; the table has every case. */
#define MAX_BARS 40

typedef enum { BAR_RATIO, BAR_BYTES, BAR_TIME } bar_unit;

typedef struct {
  const char *id, *title, *x_label;
  bar_unit unit;
  double limit;             /* a dashed line (ratio 1: the limit); <= 0 none */
} bar_chart;

static void fmt_value(char *buf, size_t n, bar_unit u, double v) {
  if (u == BAR_RATIO) {
    snprintf(buf, n, "%.0f%%", v * 100);
  } else if (u == BAR_BYTES) {
    rm_size_format((int64_t)v, buf, n);
  } else if (v < 1e6) {
    snprintf(buf, n, "%.0f ms", v / 1e3);
  } else {
    rs_duration_format((rs_time_t)(v / 1e6 + 0.5) * RS_SEC, buf, n);
  }
}

/* A round step for about 5 ticks up to max. */
static double nice_step(double max) {
  double raw = max / 5, p = pow(10, floor(log10(raw)));
  double m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* Time ticks on whole minutes or hours when they are long. */
static double time_step(double max) {
  static const double steps[] = {1e5, 2e5, 5e5, 1e6, 5e6, 1e7, 3e7, 6e7, 1.2e8, 3e8, 6e8, 1.8e9, 3.6e9, 7.2e9, 1.44e10,
                                 2.16e10, 4.32e10, 8.64e10};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (max / steps[i] <= 6) return steps[i];
  return nice_step(max);
}

static void write_bars(FILE *out, const bar_chart *c, const sw_sweep *s, const sw_row *rows, int n, bool standalone) {
  int shown = n < MAX_BARS ? n : MAX_BARS;
  const int left = 260, right = 120, top = 34, bar_h = 16, gap = 4, width = 1000;
  int plot_w = width - left - right;
  int height = top + shown * (bar_h + gap) + 44;
  double *v = calloc((size_t)(shown ? shown : 1), sizeof *v), *ci = calloc((size_t)(shown ? shown : 1), sizeof *ci);
  bool *never = calloc((size_t)(shown ? shown : 1), sizeof *never);
  if (!v || !ci || !never) {
    free(v);
    free(ci);
    free(never);
    return;
  }
  double max = c->limit > 0 ? c->limit : 0;
  for (int i = 0; i < shown; i++) {
    const sw_row *r = &rows[i];
    if (c->unit == BAR_RATIO) {
      v[i] = r->ratio;
    } else if (strcmp(c->id, "sweep-dropped") == 0) {
      v[i] = r->dropped_mean;
      ci[i] = r->dropped_ci;
    } else if (strcmp(c->id, "sweep-recover") == 0) {
      v[i] = r->recover_mean;
      ci[i] = r->recover_ci;
      never[i] = r->never == r->n && s->cases[r->case_index].n_faults;
    } else {
      v[i] = r->latency_mean;
      ci[i] = r->latency_ci;
    }
    if (v[i] + ci[i] > max) max = v[i] + ci[i];
  }
  if (max <= 0) max = c->unit == BAR_RATIO ? 1 : c->unit == BAR_BYTES ? 1024 : 1e6;
  double step = c->unit == BAR_TIME ? time_step(max) : nice_step(max);
  if (c->unit == BAR_BYTES) { /* steps in whole KB, MB or GB */
    double u = 1;
    while (u * 1024 <= max) u *= 1024;
    step = nice_step(max / u) * u;
  }
  double axis_max = ceil(max / step) * step;
  if (standalone) fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
  fprintf(out,
          "<svg %sid=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
          "font-family=\"sans-serif\" font-size=\"12\">\n<title>",
          standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", c->id, width, height, width, height);
  svg_escape(out, c->title);
  fputs("</title>\n<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", out);
  svg_escape(out, c->title);
  fputs("</text>\n", out);
  /* Grid and ticks. */
  for (double t = 0; t <= axis_max * 1.0001; t += step) {
    double x = left + t / axis_max * plot_w;
    char lab[32];
    fmt_value(lab, sizeof lab, c->unit, t);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, top - 4, x,
            top + shown * (bar_h + gap));
    fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n", x,
            top + shown * (bar_h + gap) + 16, lab);
  }
  fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">", left + plot_w / 2, height - 6);
  svg_escape(out, c->x_label);
  fputs("</text>\n", out);
  for (int i = 0; i < shown; i++) {
    const sw_row *r = &rows[i];
    const sw_case *k = &s->cases[r->case_index];
    int y = top + i * (bar_h + gap);
    bool bad = c->unit == BAR_RATIO ? r->capacity_held < r->n : r->held < r->n;
    double w = never[i] ? plot_w : v[i] / axis_max * plot_w;
    char val[64], cis[40] = "";
    if (never[i])
      snprintf(val, sizeof val, "never");
    else
      fmt_value(val, sizeof val, c->unit, v[i]);
    if (ci[i] > 0) {
      char x[32];
      fmt_value(x, sizeof x, c->unit, ci[i]);
      snprintf(cis, sizeof cis, " +/- %s", x);
    }
    fprintf(out, "<g class=\"bar\" data-case=\"");
    svg_escape(out, k->label);
    fprintf(out, "\" data-value=\"%.6g\">\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", never[i] ? -1.0 : v[i],
            left - 6, y + bar_h - 4);
    char label[48];
    snprintf(label, sizeof label, "%.40s%s", k->label, strlen(k->label) > 40 ? "..." : "");
    svg_escape(out, label);
    fprintf(out, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s/>\n", left, y, w, bar_h,
            never[i] ? "#bbbbbb" : bad ? "#d73027" : "#4575b4", never[i] ? " fill-opacity=\"0.6\"" : "");
    if (ci[i] > 0) {
      double x0 = left + (v[i] - ci[i]) / axis_max * plot_w, x1 = left + (v[i] + ci[i]) / axis_max * plot_w;
      if (x0 < left) x0 = left;
      fprintf(out, "<line class=\"ci\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x0,
              y + bar_h / 2, x1, y + bar_h / 2);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#333\">", left + w + 4, y + bar_h - 4);
    svg_escape(out, val);
    svg_escape(out, cis);
    fputs("</text>\n</g>\n", out);
  }
  if (c->limit > 0) {
    double x = left + c->limit / axis_max * plot_w;
    fprintf(out,
            "<line class=\"limit\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d73027\" stroke-width=\"2\" "
            "stroke-dasharray=\"6 4\"/>\n<text x=\"%.1f\" y=\"%d\" fill=\"#d73027\" text-anchor=\"middle\">limit</text>\n",
            x, top - 4, x, top + shown * (bar_h + gap), x, top - 8);
  }
  if (n > shown)
    fprintf(out, "<text x=\"10\" y=\"%d\" fill=\"#555\">the %d worst of %d cases</text>\n", height - 6, shown, n);
  fputs("</svg>\n", out);
  free(v);
  free(ci);
  free(never);
}

static const bar_chart charts[] = {
    {"sweep-capacity", "The fullest node against its limit, per failure", "peak agents / limit", BAR_RATIO, 1.0},
    {"sweep-dropped", "Data lost per failure", "bytes dropped", BAR_BYTES, 0},
    {"sweep-recover", "Time to recover per failure", "from the failure until every path is back", BAR_TIME, 0},
    {"sweep-latency", "Worst latency per failure", "the slowest byte, generated to stored", BAR_TIME, 0},
};

static void write_page(FILE *out, const char *file, const sw_sweep *s, const sw_row *rows, int n) {
  const sw_head *h = &s->head;
  char a[32], b[32], d[32];
  int failed = 0;
  for (int i = 0; i < n; i++) failed += rows[i].held < rows[i].n;
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>romsim sweep: ", out);
  svg_escape(out, h->scenario);
  fputs("</title>\n<style>\n"
        "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}\n"
        "h1{margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #ccc}\n"
        ".banner{background:#fde0dd;border:1px solid #c51b8a;padding:8px 12px;font-weight:bold}\n"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\n"
        ".held{color:#1a9850;font-weight:bold}.failed{color:#d73027;font-weight:bold}\n"
        "figure{margin:12px 0}\n</style>\n</head>\n<body>\n<header>\n<h1>Sweep of ",
        out);
  svg_escape(out, h->scenario);
  fprintf(out, "</h1>\n<p>seed %llu &#183; ", (unsigned long long)h->seed);
  svg_escape(out, h->status);
  fprintf(out, " sweep &#183; romsim %s &#183; from ", ROMSIM_VERSION);
  svg_escape(out, file);
  fprintf(out, "</p>\n<p id=\"sweep-what\">%d cases (failures of ", h->n_cases);
  svg_escape(out, h->roles[0] ? h->roles : "none");
  fprintf(out, "%s) &#183; each failure at %s for %s, in runs of %s", h->pairs ? ", and every pair" : "",
          rs_clock_format(h->at_us, a, sizeof a), rs_duration_format(h->for_us, b, sizeof b),
          rs_duration_format(h->duration_us, d, sizeof d));
  if (h->replications > 1)
    fprintf(out, " &#183; %d seeds per case: bars are means, whiskers 95%% confidence intervals", h->replications);
  if (h->shard_n > 1) fprintf(out, " &#183; shard %d of %d", h->shard_k, h->shard_n);
  fputs("</p>\n", out);
  if (strcmp(h->status, "complete") != 0) {
    fputs("<p class=\"banner\" id=\"status-banner\">This sweep is ", out);
    svg_escape(out, h->status);
    fputs(": some cases did not run to the end, and are left out.</p>\n", out);
  }
  fprintf(out, "<p id=\"sweep-summary\" class=\"%s\">%d of %d cases held</p>\n</header>\n", failed ? "failed" : "held",
          n - failed, n);
  fputs("<h2>Cases, the worst first</h2>\n", out);
  for (size_t c = 0; c < sizeof charts / sizeof charts[0]; c++) {
    fprintf(out, "<figure id=\"figure-%s\">\n", charts[c].id);
    write_bars(out, &charts[c], s, rows, n, false);
    fputs("</figure>\n", out);
  }
  fputs("<h2>Every case</h2>\n<table id=\"sweep-table\">\n<tr><th>failure</th><th>capacity</th><th>data lost</th>"
        "<th>worst latency</th><th>recovered in</th><th>verdict</th><th>what failed</th></tr>\n",
        out);
  for (int i = 0; i < n; i++) {
    const sw_row *r = &rows[i];
    const sw_case *k = &s->cases[r->case_index];
    const sw_item *w = r->worst;
    char cap[400], x[64], y[64], z[64];
    if (r->capacity_held == r->n)
      snprintf(cap, sizeof cap, "held (%s %lld/%lld)", w->worst_node, (long long)w->worst_peak, (long long)w->worst_limit);
    else
      snprintf(cap, sizeof cap, "OVER %s %lld/%lld", w->worst_node, (long long)w->worst_peak, (long long)w->worst_limit);
    fmt_value(x, sizeof x, BAR_BYTES, r->dropped_mean);
    fmt_value(y, sizeof y, BAR_TIME, r->latency_mean);
    if (!k->n_faults)
      snprintf(z, sizeof z, "-");
    else if (r->never == r->n)
      snprintf(z, sizeof z, "never");
    else
      fmt_value(z, sizeof z, BAR_TIME, r->recover_mean);
    fputs("<tr><td>", out);
    svg_escape(out, k->label);
    fprintf(out, "</td><td class=\"%s\">", r->capacity_held == r->n ? "held" : "failed");
    svg_escape(out, cap);
    fprintf(out, "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">", x, y, z, r->held == r->n ? "held" : "failed");
    if (r->held == r->n)
      fputs("held", out);
    else if (r->n > 1)
      fprintf(out, "FAILED %d of %d", r->n - r->held, r->n);
    else
      fputs("FAILED", out);
    fputs("</td><td>", out);
    svg_escape(out, r->held == r->n ? "" : w->detail);
    fputs("</td></tr>\n", out);
  }
  fputs("</table>\n</body>\n</html>\n", out);
}

typedef struct {
  const char *file;
  const sw_sweep *s;
  const sw_row *rows;
  int n;
} page_args;

static int page_writer(FILE *out, const void *arg) {
  const page_args *a = arg;
  write_page(out, a->file, a->s, a->rows, a->n);
  return 0;
}

typedef struct {
  const bar_chart *c;
  const sw_sweep *s;
  const sw_row *rows;
  int n;
} bars_args;

static int bars_writer(FILE *out, const void *arg) {
  const bars_args *a = arg;
  write_bars(out, a->c, a->s, a->rows, a->n, true);
  return 0;
}

int report_sweep(const char *file, const char *out_path, const char *svg_dir) {
  sw_sweep s;
  char err[1200];
  if (sw_read(file, &s, err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    return EXIT_USAGE;
  }
  sw_row *rows = NULL;
  int n = sw_rows(&s, &rows);
  int rc = 0;
  if (n < 0) {
    sw_free(&s);
    return cli_usage_error("out of memory");
  }
  page_args pa = {file, &s, rows, n};
  rc = cli_write_whole(out_path, page_writer, &pa);
  if (rc == 0 && svg_dir) rc = cli_mkdir(svg_dir);
  for (size_t c = 0; c < sizeof charts / sizeof charts[0] && rc == 0 && svg_dir; c++) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s.svg", svg_dir, charts[c].id);
    bars_args ba = {&charts[c], &s, rows, n};
    rc = cli_write_whole(p, bars_writer, &ba);
  }
  if (rc == 0)
    printf("%s: report of the sweep of %s (%d cases, %s) written to %s%s%s\n", file, s.head.scenario, s.head.n_cases,
           s.head.status, out_path, svg_dir ? ", charts in " : "", svg_dir ? svg_dir : "");
  free(rows);
  sw_free(&s);
  return rc;
}
