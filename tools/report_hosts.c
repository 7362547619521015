/* report_hosts: a run's hosts in its report (see report_hosts.h). */
#include "report_hosts.h"

#include <stdlib.h>
#include <string.h>

#include "report_chart.h"

#define MAX_HOSTS 60              /* drawn and tabled; the others counted */
#define MAX_VMS 12                /* servers listed in a host's box */

/* The drawing: hosts as boxes, COLS to a row. */
#define DW 960
#define DM 12                     /* margin and gap */
#define COLS 4
#define BW ((DW - DM * (COLS + 1)) / COLS)
#define LEGEND 44                 /* the legend's height, above the boxes */
#define LINE 18                   /* a server's line in a box */

typedef struct {
  int64_t id;
  char name[96];
  double cpu, asked, memory, least_share; /* peaks over the run (-1: not sampled) */
  int n_vms;                      /* servers it runs (those listed: at most MAX_VMS) */
  char vm[MAX_VMS][96];
  double vm_cpu[MAX_VMS];         /* each one's peak processor utilization, -1: not sampled */
} host_row;

struct report_hosts {
  int n, total;                   /* hosts read (at most MAX_HOSTS), and in the file */
  host_row host[MAX_HOSTS];
  double threshold;               /* the run's cpu threshold; <= 0: none (an unjudged run) */
  report_chart cpu, asked;
};

static const char *const ids[] = {"hosts", "hosts-cpu", "hosts-asked", NULL};

const char *report_hosts_chart_id(size_t i) { return i < sizeof ids / sizeof ids[0] ? ids[i] : NULL; }

/* A value of a column that may be NULL (-1 then). */
static double num_or_none(rr_file *f, sqlite3_stmt *st, int i, const char *table, const char *column) {
  return dbr_is_null(st, i) ? -1 : dbr_num(&f->in, st, i, table, column);
}

/* Each host (up to MAX_HOSTS, by id) with its peaks. */
static void load_hosts(rr_file *f, report_hosts *h) {
  /* The peak of a host metric of node n.id (the samples' index is by node
   * and metric). */
#define PEAK(fn, metric)                                                                                           \
  "(SELECT " fn "(s.value) FROM samples s WHERE s.node = n.id AND s.metric = (SELECT id FROM metrics WHERE name = " \
  "'" metric "'))"
  sqlite3_stmt *st = dbr_prepare(&f->in, "nodes",
                                 "SELECT n.id, n.name, " PEAK("max", "host_cpu") ", " PEAK("max", "host_asked") ", "
                                 PEAK("max", "host_memory") ", " PEAK("min", "host_share")
                                 " FROM nodes n WHERE n.role = 'host' ORDER BY n.id");
#undef PEAK
  if (!st) return;
  while (h->n < MAX_HOSTS && dbr_step(&f->in, st, "nodes") > 0) {
    host_row *r = &h->host[h->n++];
    r->id = dbr_int(&f->in, st, 0, "nodes", "id");
    snprintf(r->name, sizeof r->name, "%s", dbr_text(&f->in, st, 1, "nodes", "name"));
    rr_utf8_trim(r->name);
    r->cpu = num_or_none(f, st, 2, "samples", "value");
    r->asked = num_or_none(f, st, 3, "samples", "value");
    r->memory = num_or_none(f, st, 4, "samples", "value");
    r->least_share = num_or_none(f, st, 5, "samples", "value");
  }
  sqlite3_finalize(st);
}

/* Which host runs which server (the on_host events, the host's name as
 * their detail), with each server's peak processor utilization. */
static void load_servers(rr_file *f, report_hosts *h) {
  sqlite3_stmt *st = dbr_prepare(&f->in, "events",
                                 "SELECT hn.id, v.name, (SELECT max(s.value) FROM samples s WHERE s.node = v.id AND "
                                 "s.metric = (SELECT id FROM metrics WHERE name = 'cpu')) FROM events e JOIN nodes v "
                                 "ON v.id = e.node JOIN nodes hn ON hn.name = e.detail AND hn.role = 'host' WHERE "
                                 "e.kind = 'on_host' ORDER BY e.id");
  if (!st) return;
  while (dbr_step(&f->in, st, "events") > 0) {
    int64_t id = dbr_int(&f->in, st, 0, "nodes", "id");
    host_row *r = NULL;
    for (int k = 0; k < h->n && !r; k++)
      if (h->host[k].id == id) r = &h->host[k];
    if (!r) continue; /* a host past those drawn */
    if (r->n_vms < MAX_VMS) {
      snprintf(r->vm[r->n_vms], sizeof r->vm[0], "%s", dbr_text(&f->in, st, 1, "nodes", "name"));
      rr_utf8_trim(r->vm[r->n_vms]);
      r->vm_cpu[r->n_vms] = num_or_none(f, st, 2, "samples", "value");
    }
    r->n_vms++;
  }
  sqlite3_finalize(st);
}

/* A chart's frame: what report_role_chart fills. */
static void frame(report_chart *d, const char *id, const char *title, const char *y, double t_end,
                  const svg_band *faults, int n_faults) {
  memset(d, 0, sizeof *d);
  d->chart.id = id;
  d->chart.title = title;
  d->chart.y_label = y;
  d->chart.unit = SVG_SHARE;
  d->chart.t_end = t_end;
  d->chart.faults = faults;
  d->chart.n_faults = n_faults;
}

report_hosts *report_hosts_load(rr_file *f, double t_end, const svg_band *faults, int n_faults) {
  int64_t total = rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'host'", 0);
  if (total <= 0) return NULL;
  report_hosts *h = calloc(1, sizeof *h);
  if (!h) {
    dbr_fail(&f->in, "out of memory reading the hosts");
    return NULL;
  }
  h->total = (int)(total < 1000000000 ? total : 1000000000);
  h->threshold = report_figure(f, "threshold_cpu");
  load_hosts(f, h);
  load_servers(f, h);
  frame(&h->cpu, ids[1], "Host processor utilization (its servers' work)", "processors busy", t_end, faults, n_faults);
  report_role_chart(f, &h->cpu, "'host'", "host_cpu", "hosts");
  h->cpu.chart.limit = h->threshold;
  h->cpu.chart.limit_label = "threshold";
  frame(&h->asked, ids[2], "Host processors asked for by its servers (above 100 %: overcommitted)",
        "processors asked for (of the host's)", t_end, faults, n_faults);
  report_role_chart(f, &h->asked, "'host'", "host_asked", "hosts");
  h->asked.chart.limit = 1;
  h->asked.chart.limit_label = "all its processors";
  return h;
}

void report_hosts_free(report_hosts *h) {
  if (!h) return;
  report_free_chart(&h->cpu);
  report_free_chart(&h->asked);
  free(h);
}

/* ---- the drawing ---- */

/* The colour of a peak utilization v against the threshold: none (not
 * sampled), below it, at or over it, or all processors busy. */
static const char *heat(double v, double threshold) {
  if (v < 0) return "#eeeeee";
  if (v >= 1) return "#f4a6a0";
  if (threshold > 0 && v >= threshold) return "#fdd49e";
  return "#d9f0d3";
}

static const char *chip(double v, double threshold) {
  if (v < 0) return "#bbbbbb";
  if (v >= 1) return "#d73027";
  if (threshold > 0 && v >= threshold) return "#fc8d59";
  return "#1a9850";
}

/* A percentage, or "-" when not sampled. */
static char *pct(char *buf, size_t n, double v) {
  if (v < 0)
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%.1f %%", v * 100);
  return buf;
}

/* Text cut to about max characters for a box (whole UTF-8 characters;
 * the full name is in the box's tooltip). */
static void fit(FILE *out, const char *s, size_t max) {
  char buf[96];
  snprintf(buf, sizeof buf, "%s", s);
  if (strlen(buf) > max) {
    buf[max - 3] = '\0';
    rr_utf8_trim(buf);
    strcat(buf, "...");
  }
  svg_escape(out, buf);
}

static int box_lines(const host_row *r) { return (r->n_vms < MAX_VMS ? r->n_vms : MAX_VMS) + (r->n_vms > MAX_VMS); }

static int box_head(const host_row *r) { return r->asked > 1 || r->memory > 1 ? 64 : 48; }

static void diagram(FILE *out, const report_hosts *h, bool standalone) {
  /* Each row as high as its highest box. */
  int rows = (h->n + COLS - 1) / COLS, height = LEGEND + DM;
  int row_h[MAX_HOSTS / COLS + 1];
  for (int row = 0; row < rows; row++) {
    row_h[row] = 0;
    for (int k = row * COLS; k < h->n && k < (row + 1) * COLS; k++) {
      int bh = box_head(&h->host[k]) + LINE * box_lines(&h->host[k]) + 6;
      if (bh > row_h[row]) row_h[row] = bh;
    }
    height += row_h[row] + DM;
  }
  if (standalone) fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
  fprintf(out, "<svg %sid=\"%s\" class=\"hosts\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
          standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", ids[0], DW, height, DW, height);
  fputs("<title>Hosts and the servers they run, by peak processor utilization</title>\n"
        "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        "<g font-family=\"sans-serif\" font-size=\"11\" fill=\"#222222\">\n",
        out);
  fprintf(out, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Hosts and the servers they run, "
               "coloured by peak processor utilization</text>\n",
          DM);
  /* The legend: the classes of heat(). */
  char th[64];
  if (h->threshold > 0)
    snprintf(th, sizeof th, "at or over the threshold (%.0f %%)", h->threshold * 100);
  else
    snprintf(th, sizeof th, "no threshold (the run was not judged)");
  const struct {
    double v;
    const char *label;
  } legend[] = {{0, "below the threshold"},
                {h->threshold > 0 ? h->threshold : -1, th},
                {1, "100 %: all its processors busy (a host: asked for more than it has)"},
                {-1, "not sampled"}};
  int lx = DM;
  for (size_t k = 0; k < sizeof legend / sizeof legend[0]; k++) {
    if (k == 1 && h->threshold <= 0) continue;
    fprintf(out, "<rect x=\"%d\" y=\"26\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#555555\"/>"
                 "<text x=\"%d\" y=\"36\">",
            lx, heat(legend[k].v, h->threshold), lx + 16);
    svg_escape(out, legend[k].label);
    fputs("</text>\n", out);
    lx += 16 + 6 * (int)strlen(legend[k].label) + 18;
  }
  /* The boxes. */
  int y = LEGEND + DM;
  for (int row = 0; row < rows; row++) {
    for (int k = row * COLS; k < h->n && k < (row + 1) * COLS; k++) {
      const host_row *r = &h->host[k];
      int x = DM + (k % COLS) * (BW + DM);
      char a[32], b[32], c[32];
      bool over = r->asked > 1;
      fprintf(out, "<g class=\"host\" data-name=\"");
      svg_escape(out, r->name);
      fprintf(out, "\"><title>");
      svg_escape(out, r->name);
      fprintf(out, ": processors busy %s at the peak, asked for %s, memory committed %s</title>\n",
              pct(a, sizeof a, r->cpu), pct(b, sizeof b, r->asked), pct(c, sizeof c, r->memory));
      /* An overcommitted host is red whatever its processors show (they
       * are all busy). */
      fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" stroke=\"%s\" "
                   "stroke-width=\"%s\"/>\n",
              x, y, BW, row_h[row], heat(over ? 1 : r->cpu, h->threshold), over ? "#d73027" : "#555555",
              over ? "2" : "1");
      fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">", x + 8, y + 17);
      fit(out, r->name, 30);
      fprintf(out, "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"10\">cpu %s &#183; asked %s &#183; memory %s</text>\n",
              x + 8, y + 34, pct(a, sizeof a, r->cpu), pct(b, sizeof b, r->asked), pct(c, sizeof c, r->memory));
      int ly = y + 34;
      if (over || r->memory > 1) {
        ly += 16;
        fprintf(out, "<text class=\"overcommitted\" x=\"%d\" y=\"%d\" fill=\"#b2182b\" font-weight=\"bold\">"
                     "overcommitted: %s%s%s</text>\n",
                x + 8, ly, over ? "processors" : "", over && r->memory > 1 ? ", " : "",
                r->memory > 1 ? "memory" : "");
      }
      ly += 14;
      for (int v = 0; v < r->n_vms && v < MAX_VMS; v++) {
        ly += LINE;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">", x + 12,
                ly - 10, chip(r->vm_cpu[v], h->threshold), x + 28, ly);
        fit(out, r->vm[v], 26);
        fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", x + BW - 8, ly,
                pct(a, sizeof a, r->vm_cpu[v]));
      }
      if (r->n_vms > MAX_VMS)
        fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">and %d more</text>\n", x + 28, ly + LINE,
                r->n_vms - MAX_VMS);
      fputs("</g>\n", out);
    }
    y += row_h[row] + DM;
  }
  fputs("</g>\n</svg>\n", out);
}

void report_hosts_write(FILE *out, const report_hosts *h) {
  char a[32], b[32], c[32], d[32];
  fprintf(out, "<h2>Hosts</h2>\n<p id=\"hosts-note\">%d host%s: each host's processors are shared by the servers it "
               "runs; when they ask for more than it has, each gets the same share of its own and slows "
               "(docs/hardware.md, &#8220;Hosts&#8221;).</p>\n<figure id=\"figure-hosts\">\n",
          h->total, h->total == 1 ? "" : "s");
  diagram(out, h, false);
  fputs("</figure>\n<table id=\"host-peaks\">\n<tr><th>host</th><th>servers</th><th>processors busy (peak)</th>"
        "<th>asked for by its servers (peak)</th><th>least share its servers got</th><th>memory committed</th></tr>\n",
        out);
  for (int k = 0; k < h->n; k++) {
    const host_row *r = &h->host[k];
    fputs("<tr><td class=\"t\">", out);
    svg_escape(out, r->name);
    fputs("</td><td>", out);
    for (int v = 0; v < r->n_vms && v < MAX_VMS; v++) {
      if (v) fputs(", ", out);
      svg_escape(out, r->vm[v]);
    }
    if (r->n_vms > MAX_VMS) fprintf(out, " and %d more", r->n_vms - MAX_VMS);
    bool hot = h->threshold > 0 && r->cpu >= h->threshold;
    const char *failed = " class=\"failed\"";
    fprintf(out, "</td><td%s>%s</td><td%s>%s%s</td><td>%s</td><td%s>%s%s</td></tr>\n", hot ? failed : "",
            pct(a, sizeof a, r->cpu), r->asked > 1 ? failed : "", pct(b, sizeof b, r->asked),
            r->asked > 1 ? ": overcommitted" : "", pct(c, sizeof c, r->least_share), r->memory > 1 ? failed : "",
            pct(d, sizeof d, r->memory), r->memory > 1 ? ": overcommitted" : "");
  }
  if (h->total > h->n)
    fprintf(out, "<tr><td colspan=\"6\"><em>and %d more hosts: see romsim export</em></td></tr>\n", h->total - h->n);
  fputs("</table>\n", out);
  fprintf(out, "<figure id=\"figure-%s\">\n", ids[1]);
  svg_write(out, &h->cpu.chart, false);
  fprintf(out, "</figure>\n<figure id=\"figure-%s\">\n", ids[2]);
  svg_write(out, &h->asked.chart, false);
  fputs("</figure>\n", out);
}

void report_hosts_svg(FILE *out, const report_hosts *h, size_t i) {
  if (i == 0)
    diagram(out, h, true);
  else
    svg_write(out, i == 1 ? &h->cpu.chart : &h->asked.chart, true);
}
