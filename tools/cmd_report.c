/*
 * romsim report: a results file as one self-contained HTML page (inline SVG
 * and CSS, nothing fetched), or each chart as an SVG file.
 *
 * The charts are read by report_chart (series thinned, many nodes shown as
 * a band); a run with hosts gets its hosts drawn by report_hosts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report_chart.h"
#include "report_hosts.h"
#include "report_sweep.h"
#include "results_read.h"
#include "sweep.h"
#include "svg.h"
#include "version.h"

#define MAX_FAULT_BANDS 40
#define RM_PEAKS_MAX 8 /* the run's busiest intervals: one of each kind */

static const char *report_usage =
    "usage: romsim report RESULTS.db [-o REPORT.html] [--svg DIR]\n"
    "\n"
    "Write a self-contained HTML report of a run: its design and verdicts, charts\n"
    "over time with faults shaded (agents per management server and gateway\n"
    "against their limits, queues, data into SQL, latency, alerts, data\n"
    "dropped), the peak of every node against its limit, the hosts with the\n"
    "servers they run and their utilization (when the run has hosts), and the\n"
    "timeline.\n"
    "Given a sweep file (romsim sweep), draws the sweep: one bar per case, the\n"
    "worst first, for capacity, data lost, time to recover and worst latency,\n"
    "and the whole table.\n"
    "  -o FILE    the report (default: the results file's name with .html)\n"
    "  --svg DIR  also write each chart as DIR/NAME.svg\n"
    "exit status: 0 written, 2 bad usage or an unreadable results file.\n";

static int64_t role_limit(rr_file *f, const char *role) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT max(agent_limit) FROM nodes WHERE role = '%s'", role);
  return rr_int(f, "nodes", sql, 0);
}

enum { CH_MS, CH_GW, CH_QUEUE, CH_SQL, CH_LAT, CH_ALERTS, CH_DROPPED, CH_CPU, CH_DISK, CH_DB, CH_CONN, CH_COUNT };

static const struct {
  const char *id, *title, *y;
  svg_unit unit;
} chart_spec[CH_COUNT] = {
    [CH_MS] = {"agents-ms", "Agents per management server", "agents", SVG_COUNT},
    [CH_GW] = {"agents-gw", "Agents per gateway", "agents", SVG_COUNT},
    [CH_QUEUE] = {"queues", "Queue fill (the fullest named)", "bytes queued", SVG_BYTES},
    [CH_SQL] = {"sql-rate", "Data into SQL", "bytes per second", SVG_RATE},
    [CH_LAT] = {"latency", "End-to-end latency, generated to stored", "latency (ms, s or min)", SVG_MS},
    [CH_ALERTS] = {"alerts", "Heartbeat alerts raised", "alerts, so far", SVG_COUNT},
    [CH_DROPPED] = {"dropped", "Data dropped", "bytes, so far", SVG_BYTES},
    [CH_CPU] = {"cpu", "Processor utilization (the busiest servers)", "processors busy", SVG_SHARE},
    [CH_DISK] = {"disk", "Disk utilization (each server's busiest disk group)", "disks busy", SVG_SHARE},
    [CH_DB] = {"databases", "The SQL store's databases", "size", SVG_BYTES},
    [CH_CONN] = {"connections", "Agents connecting, beneath each gateway", "agents connected since the previous sample",
                 SVG_COUNT},
};

/* Whether chart c is drawn: the connections only when the run recorded
 * them (computers keeping hours). */
static bool chart_drawn(const report_chart *d, int c) { return c != CH_CONN || d[c].chart.n_series > 0; }

/* The roles that have hardware, as the nodes table names them (with the
 * summaries of Essentials servers per gateway: their highest). */
#define SERVER_ROLES \
  "'management_server','gateway','essentials','essentials_by_gateway','rms_node','sql_node','web_console'"

static void build_charts(rr_file *f, report_chart *d, const svg_band *faults, int n_faults, const svg_band *peaks,
                         int n_peaks) {
  double t_end = (double)(f->end_us > 0 ? f->end_us : f->duration_us) / 1e6;
  for (int c = 0; c < CH_COUNT; c++) {
    memset(&d[c], 0, sizeof d[c]);
    d[c].chart.id = chart_spec[c].id;
    d[c].chart.title = chart_spec[c].title;
    d[c].chart.y_label = chart_spec[c].y;
    d[c].chart.unit = chart_spec[c].unit;
    d[c].chart.t_end = t_end;
    d[c].chart.faults = faults;
    d[c].chart.n_faults = n_faults;
    d[c].chart.marks = peaks;
    d[c].chart.n_marks = n_peaks;
  }
  report_role_chart(f, &d[CH_MS], "'management_server'", "agents", "servers");
  d[CH_MS].chart.limit = (double)role_limit(f, "management_server");
  d[CH_MS].chart.limit_label = "limit";
  report_role_chart(f, &d[CH_GW], "'gateway'", "agents", "gateways");
  d[CH_GW].chart.limit = (double)role_limit(f, "gateway");
  d[CH_GW].chart.limit_label = "limit";
  report_role_chart(f, &d[CH_QUEUE], "'management_server','gateway','essentials','essentials_by_gateway'",
                    "queue_bytes", "senders");
  static const char *const sql_m[] = {"delivered_rate"}, *const sql_l[] = {"stored in SQL"};
  report_group_chart(f, &d[CH_SQL], sql_m, sql_l, 1);
  static const char *const lat_m[] = {"latency_p50", "latency_p95", "latency_p99"},
                           *const lat_l[] = {"p50", "p95", "p99"};
  report_group_chart(f, &d[CH_LAT], lat_m, lat_l, 3);
  static const char *const al_m[] = {"heartbeat_alerts"}, *const al_l[] = {"heartbeat failure alerts"};
  report_group_chart(f, &d[CH_ALERTS], al_m, al_l, 1);
  static const char *const dr_m[] = {"dropped_total"}, *const dr_l[] = {"dropped"};
  report_group_chart(f, &d[CH_DROPPED], dr_m, dr_l, 1);
  report_role_chart(f, &d[CH_CPU], SERVER_ROLES, "cpu", "servers");
  d[CH_CPU].chart.limit = report_figure(f, "threshold_cpu");
  d[CH_CPU].chart.limit_label = "threshold";
  report_role_chart(f, &d[CH_DISK], SERVER_ROLES, "disk", "servers");
  d[CH_DISK].chart.limit = report_figure(f, "threshold_disk");
  d[CH_DISK].chart.limit_label = "threshold";
  static const char *const db_m[] = {"opsdb_bytes", "dw_bytes"},
                           *const db_l[] = {"OperationsManager database", "data warehouse"};
  report_group_chart(f, &d[CH_DB], db_m, db_l, 2);
  d[CH_DB].chart.limit = 50.0 * (1 << 30);
  d[CH_DB].chart.limit_label = "the OperationsManager database's 50 GB guidance";
  report_role_chart(f, &d[CH_CONN], "'gateway'", "connections", "gateways");
}

/* The run's busiest intervals (events of kind peak), as marks. */
static int load_peaks(rr_file *f, svg_band *marks, int max) {
  int n = 0;
  sqlite3_stmt *st =
      dbr_prepare(&f->in, "events", "SELECT t_us, detail FROM events WHERE kind = 'peak' ORDER BY t_us, id");
  if (!st) return 0;
  while (n < max && dbr_step(&f->in, st, "events") > 0) {
    marks[n].t0 = (double)dbr_int(&f->in, st, 0, "events", "t_us") / 1e6;
    marks[n].t1 = -1;
    snprintf(marks[n].label, sizeof marks[n].label, "%s", dbr_text(&f->in, st, 1, "events", "detail"));
    rr_utf8_trim(marks[n].label);
    n++;
  }
  sqlite3_finalize(st);
  return n;
}

static void free_charts(report_chart *d) {
  for (int c = 0; c < CH_COUNT; c++) report_free_chart(&d[c]);
}

static int load_faults(rr_file *f, svg_band *bands) {
  int n = 0;
  sqlite3_stmt *st = dbr_prepare(&f->in, "faults", "SELECT name, start_us, end_us FROM faults ORDER BY start_us, id");
  if (!st) return 0;
  int all = (int)rr_int(f, "faults", "SELECT count(*) FROM faults", 0);
  while (n < MAX_FAULT_BANDS && dbr_step(&f->in, st, "faults") > 0) {
    snprintf(bands[n].label, sizeof bands[n].label, "%s", dbr_text(&f->in, st, 0, "faults", "name"));
    rr_utf8_trim(bands[n].label);
    bands[n].t0 = (double)dbr_int(&f->in, st, 1, "faults", "start_us") / 1e6;
    bands[n].t1 = dbr_is_null(st, 2) ? -1 : (double)dbr_int(&f->in, st, 2, "faults", "end_us") / 1e6;
    n++;
  }
  sqlite3_finalize(st);
  if (all > n && n > 0) {
    size_t u = strlen(bands[n - 1].label);
    if (u > 40) u = 40;
    snprintf(bands[n - 1].label + u, sizeof bands[n - 1].label - u, " (+%d more)", all - n);
  }
  return n;
}

/* Rows of a query as table rows of cols cells, escaped; beyond limit rows,
 * one row says how many more there are. */
static void table_rows(FILE *out, rr_file *f, const char *table, const char *sql, int limit, int cols) {
  sqlite3_stmt *st = dbr_prepare(&f->in, table, sql);
  if (!st) return;
  int rows = 0, more = 0;
  while (dbr_step(&f->in, st, table) > 0) {
    if (rows++ >= limit) {
      more++;
      continue;
    }
    fputs("<tr>", out);
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      const char *cell = (const char *)sqlite3_column_text(st, c);
      fputs(c == 0 ? "<td class=\"t\">" : "<td>", out);
      svg_escape(out, cell ? cell : "");
      fputs("</td>", out);
    }
    fputs("</tr>\n", out);
  }
  sqlite3_finalize(st);
  if (more)
    fprintf(out, "<tr><td colspan=\"%d\"><em>and %d more rows: see romsim export</em></td></tr>\n", cols, more);
}

/* Per role, the peak of each resource's utilization and where, marked
 * when over its threshold; then the bottleneck: the hottest resource of
 * the hottest server against its threshold. */
static void write_utilization(FILE *out, rr_file *f) {
  static const char *const res[] = {"cpu", "disk", "network", "memory"};
  double th[4];
  for (int r = 0; r < 4; r++) {
    char key[32];
    snprintf(key, sizeof key, "threshold_%s", res[r]);
    th[r] = report_figure(f, key);
  }
  fputs("<h2>Peak utilization by role</h2>\n<table id=\"utilization\">\n<tr><th>role</th>", out);
  /* An unjudged run (interrupted) has no figures: no thresholds to show. */
  for (int r = 0; r < 4; r++)
    if (th[r] > 0)
      fprintf(out, "<th>%s (threshold %.0f %%)</th>", res[r], th[r] * 100);
    else
      fprintf(out, "<th>%s</th>", res[r]);
  fputs("</tr>\n", out);
  sqlite3_stmt *st = dbr_prepare(&f->in, "samples",
                                 "SELECT n.role, m.name, n.name, max(s.value) FROM samples s JOIN nodes n ON n.id = "
                                 "s.node JOIN metrics m ON m.id = s.metric WHERE m.name IN ('cpu', 'disk', 'network', "
                                 "'memory') GROUP BY n.id, m.id ORDER BY n.id, m.id");
  if (!st) return;
  struct {
    char role[32], node[4][96];
    double peak[4];
  } rows[8];
  int n_rows = 0;
  char hot_node[96] = "";
  int hot_res = -1;
  double hot = -1, hot_v = 0;
  while (dbr_step(&f->in, st, "samples") > 0) {
    const char *role = dbr_text(&f->in, st, 0, "nodes", "role"), *metric = dbr_text(&f->in, st, 1, "metrics", "name");
    const char *node = dbr_text(&f->in, st, 2, "nodes", "name");
    double v = dbr_num(&f->in, st, 3, "samples", "value");
    int r = 0;
    while (r < 4 && strcmp(res[r], metric) != 0) r++;
    if (r == 4) continue;
    int k = 0;
    while (k < n_rows && strcmp(rows[k].role, role) != 0) k++;
    if (k == n_rows) {
      if (n_rows == 8) continue;
      memset(&rows[k], 0, sizeof rows[k]);
      for (int q = 0; q < 4; q++) rows[k].peak[q] = -1;
      snprintf(rows[k].role, sizeof rows[k].role, "%s", role);
      n_rows++;
    }
    if (v > rows[k].peak[r]) {
      rows[k].peak[r] = v;
      snprintf(rows[k].node[r], sizeof rows[k].node[r], "%s", node);
    }
    if (th[r] > 0 && v / th[r] > hot) hot = v / th[r], hot_v = v, hot_res = r, snprintf(hot_node, sizeof hot_node, "%s", node);
  }
  sqlite3_finalize(st);
  for (int k = 0; k < n_rows; k++) {
    fputs("<tr><td class=\"t\">", out);
    svg_escape(out, rows[k].role);
    fputs("</td>", out);
    for (int r = 0; r < 4; r++) {
      bool over = th[r] > 0 && rows[k].peak[r] >= th[r];
      fprintf(out, "<td%s>%.1f %% (", over ? " class=\"failed\"" : "", rows[k].peak[r] * 100);
      svg_escape(out, rows[k].node[r]);
      fputs(")</td>", out);
    }
    fputs("</tr>\n", out);
  }
  fputs("</table>\n", out);
  if (hot_res >= 0) {
    fputs("<p id=\"bottleneck\">Bottleneck: ", out);
    svg_escape(out, hot_node);
    fprintf(out, "'s %s at %.1f %% (threshold %.0f %%)%s.</p>\n", res[hot_res], hot_v * 100, th[hot_res] * 100,
            hot_v >= th[hot_res] ? ": over" : "");
  }
}

static void write_html(FILE *out, rr_file *f, const char *file, report_chart *d, const report_hosts *hosts) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>romsim: ", out);
  svg_escape(out, f->scenario);
  fputs("</title>\n<style>\n"
        "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}\n"
        "h1{margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #ccc}\n"
        ".banner{background:#fde0dd;border:1px solid #c51b8a;padding:8px 12px;font-weight:bold}\n"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\n"
        "td.t{white-space:nowrap}.held{color:#1a9850;font-weight:bold}.failed{color:#d73027;font-weight:bold}\n"
        "figure{margin:12px 0}\n</style>\n</head>\n<body>\n<header>\n<h1>", out);
  svg_escape(out, f->scenario);
  fprintf(out, "</h1>\n<p>seed %llu &#183; %s run &#183; romsim %s &#183; from ", (unsigned long long)f->seed,
          f->status, ROMSIM_VERSION);
  svg_escape(out, file);
  /* Customers: Essentials servers, but of a customer's several (CUSTOMER.1,
   * CUSTOMER.2, ...: the same name up to a final ".J") only the first. */
  int64_t n_ess = rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'essentials'", 0);
  int64_t n_cust = rr_int(f, "nodes",
                          "SELECT count(*) FROM nodes e WHERE e.role = 'essentials' AND NOT EXISTS (SELECT 1 FROM "
                          "nodes o WHERE o.role = 'essentials' AND o.id < e.id AND substr(rtrim(e.name, "
                          "'0123456789'), -1) = '.' AND rtrim(o.name, '0123456789') = rtrim(e.name, '0123456789'))",
                          0);
  fprintf(out, "</p>\n<p id=\"design\">%lld customers", (long long)n_cust);
  if (n_ess != n_cust) fprintf(out, " on %lld Essentials servers", (long long)n_ess);
  fprintf(out, ", %lld agents, %lld gateways, %lld management servers</p>\n",
          (long long)rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'agent'", 0),
          (long long)rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'gateway'", 0),
          (long long)rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'management_server'", 0));
  if (strcmp(f->status, "complete") != 0) {
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld:%02lld", (long long)(f->end_us / 3600000000LL), (long long)(f->end_us / 60000000 % 60));
    snprintf(b, sizeof b, "%lld:%02lld", (long long)(f->duration_us / 3600000000LL),
             (long long)(f->duration_us / 60000000 % 60));
    if (strcmp(f->status, "running") == 0)
      fprintf(out, "<p class=\"banner\" id=\"status-banner\">This run did not finish (it was killed, or crashed): "
                   "its last sample is at %s of %s simulated; its expectations were not judged.</p>\n",
              a, b);
    else
      fprintf(out, "<p class=\"banner\" id=\"status-banner\">This run is %s: it stopped at %s of %s simulated; "
                   "its charts end there and its expectations were not judged.</p>\n",
              f->status, a, b);
  }
  fputs("</header>\n<h2>Expectations</h2>\n<table id=\"verdicts\">\n<tr><th>verdict</th><th>expectation</th>"
        "<th>what was measured</th></tr>\n",
        out);
  sqlite3_stmt *st = dbr_prepare(&f->in, "expectations", "SELECT held, name, detail FROM expectations ORDER BY id");
  if (st) {
    int n = 0;
    while (dbr_step(&f->in, st, "expectations") > 0) {
      int64_t held = dbr_int(&f->in, st, 0, "expectations", "held");
      fprintf(out, "<tr><td class=\"%s\">%s</td><td>", held ? "held" : "failed", held ? "held" : "FAILED");
      svg_escape(out, dbr_text(&f->in, st, 1, "expectations", "name"));
      fputs("</td><td>", out);
      svg_escape(out, dbr_text(&f->in, st, 2, "expectations", "detail"));
      fputs("</td></tr>\n", out);
      n++;
    }
    if (!n) fputs("<tr><td colspan=\"3\">none stated, or not judged</td></tr>\n", out);
    sqlite3_finalize(st);
  }
  fputs("</table>\n", out);
  if (rr_int(f, "events", "SELECT count(*) FROM events WHERE kind = 'peak'", 0) > 0) {
    fputs("<h2>Peaks</h2>\n<table id=\"peaks-told\">\n<tr><th>from</th><th>the busiest interval, and what was "
          "happening then</th></tr>\n",
          out);
    table_rows(out, f, "events",
               "SELECT " RR_CLOCK("t_us") ", detail FROM events WHERE kind = 'peak' ORDER BY t_us, id", 10, 2);
    fputs("</table>\n", out);
  }
  fputs("<h2>Over time</h2>\n", out);
  for (int c = 0; c < CH_COUNT; c++) {
    if (!chart_drawn(d, c)) continue;
    fprintf(out, "<figure id=\"figure-%s\">\n", d[c].chart.id);
    svg_write(out, &d[c].chart, false);
    fputs("</figure>\n", out);
  }
  fputs("<h2>Peaks against limits</h2>\n<table id=\"peaks\">\n<tr><th>node</th><th>role</th><th>peak agents</th>"
        "<th>limit</th></tr>\n",
        out);
  table_rows(out, f, "nodes",
             "SELECT n.name, n.role, CAST(max(s.value) AS INTEGER), coalesce(n.agent_limit, '') FROM nodes n "
             "JOIN samples s ON s.node = n.id JOIN metrics m ON m.id = s.metric WHERE m.name = 'agents' AND "
             "n.role IN ('management_server', 'gateway', 'essentials') GROUP BY n.id "
             "ORDER BY n.role = 'essentials', max(s.value) * 1.0 / coalesce(n.agent_limit, 1) DESC, n.id",
             60, 4);
  fputs("</table>\n", out);
  write_utilization(out, f);
  if (hosts) report_hosts_write(out, hosts);
  fputs("<h2>Timeline</h2>\n<table id=\"timeline\">\n<tr><th>time</th><th>what happened</th></tr>\n", out);
  table_rows(out, f, "events", "SELECT " RR_CLOCK("t_us") ", detail FROM events WHERE kind = 'timeline' ORDER BY t_us, id", 400, 2);
  fputs("</table>\n</body>\n</html>\n", out);
}

typedef struct {
  rr_file *f;
  const char *file;
  report_chart *charts;
  const report_hosts *hosts; /* NULL: the run has none */
} page_args;

/* The page, or why not: reading the file failed while writing it. */
static const char *page_writer(FILE *out, const void *arg) {
  const page_args *a = arg;
  write_html(out, a->f, a->file, a->charts, a->hosts);
  return rr_failed(a->f) ? rr_error(a->f) : NULL;
}

static const char *svg_writer(FILE *out, const void *arg) {
  svg_write(out, arg, true);
  return NULL;
}

/* One of the hosts' drawings, as a file. */
typedef struct {
  const report_hosts *hosts;
  size_t i;
} hosts_svg_args;

static const char *hosts_svg_writer(FILE *out, const void *arg) {
  const hosts_svg_args *a = arg;
  report_hosts_svg(out, a->hosts, a->i);
  return NULL;
}

/* Check the folder --svg names and each chart's file in it, before
 * anything is written (the hosts' too: whether the run has hosts is not
 * known yet). */
static int check_charts(const char *svg_dir, bool sweep, const char *const *inputs) {
  char names[16][64];
  const char *files[17];
  size_t n = 0;
  for (; n < 16; n++) {
    const char *id = sweep           ? report_sweep_chart_id(n)
                     : n < CH_COUNT  ? chart_spec[n].id
                                     : report_hosts_chart_id(n - CH_COUNT);
    if (!id) break;
    snprintf(names[n], sizeof names[n], "%s.svg", id);
    files[n] = names[n];
  }
  files[n] = NULL;
  return cli_check_folder("report", svg_dir, "the charts", files, inputs);
}


int cmd_report(int argc, char **argv) {
  const char *file = NULL, *out_path = NULL, *svg_dir = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(report_usage, stdout);
      return 0;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--svg") == 0) {
      if (i + 1 >= argc) return cli_usage_error("report: %s needs a value", a);
      if (a[1] == 'o')
        out_path = argv[++i];
      else
        svg_dir = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("report: unknown option '%s' (try romsim report --help)", a);
    } else if (file) {
      return cli_usage_error("report: one results file at a time");
    } else {
      file = a;
    }
  }
  if (!file) return cli_usage_error("report: which results file? (usage: romsim report RESULTS.db [-o REPORT.html])");
  rr_file f;
  char err[1024], path[4096];
  const char *inputs[] = {file, NULL};
  if (!out_path) {
    cli_with_suffix(file, true, ".html", path, sizeof path);
    if (strcmp(path, file) == 0) /* its default name is its own */
      return cli_usage_error("report: %s: the report would be written over it (its name with .html); name the "
                             "report with -o", file);
    out_path = path;
  }
  if (cli_check_output("report", out_path, "the report", inputs)) return EXIT_USAGE;
  if (svg_dir && check_charts(svg_dir, sw_is_sweep(file), inputs)) return EXIT_USAGE;
  if (sw_is_sweep(file)) return report_sweep(file, out_path, svg_dir);
  if (rr_open(&f, file, err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    return EXIT_USAGE;
  }
  static report_chart charts[CH_COUNT];
  static svg_band faults[MAX_FAULT_BANDS], peaks[RM_PEAKS_MAX];
  int n_faults = load_faults(&f, faults), n_peaks = load_peaks(&f, peaks, RM_PEAKS_MAX);
  build_charts(&f, charts, faults, n_faults, peaks, n_peaks);
  report_hosts *hosts = report_hosts_load(&f, charts[0].chart.t_end, faults, n_faults);
  page_args pa = {&f, file, charts, hosts};
  /* Nothing is written from a file that failed to read, even half way. */
  int rc;
  if (rr_failed(&f)) {
    fprintf(stderr, "romsim: %s\n", rr_error(&f));
    rc = EXIT_USAGE;
  } else {
    rc = cli_write_whole(out_path, page_writer, &pa); /* says why reading failed, if it did */
  }
  if (rc == 0 && svg_dir) rc = cli_mkdir(svg_dir);
  for (int c = 0; c < CH_COUNT && rc == 0 && svg_dir; c++) {
    if (!chart_drawn(charts, c)) continue;
    char p[4200];
    snprintf(p, sizeof p, "%s/%s.svg", svg_dir, charts[c].chart.id);
    rc = cli_write_whole(p, svg_writer, &charts[c].chart);
  }
  for (size_t i = 0; hosts && rc == 0 && svg_dir && report_hosts_chart_id(i); i++) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s.svg", svg_dir, report_hosts_chart_id(i));
    hosts_svg_args ha = {hosts, i};
    rc = cli_write_whole(p, hosts_svg_writer, &ha);
  }
  if (rc == 0) printf("%s: report of %s (%s run) written to %s%s%s\n", file, f.scenario, f.status, out_path,
                      svg_dir ? ", charts in " : "", svg_dir ? svg_dir : "");
  free_charts(charts);
  report_hosts_free(hosts);
  rr_close(&f);
  return rc;
}

/* ---- romsim compare ---- */

static const char *compare_usage =
    "usage: romsim compare A.db B.db [-o COMPARE.html]\n"
    "\n"
    "Compare two runs (two designs, or two runs of one): their design, peaks\n"
    "against limits, data generated, stored and dropped, latency, alerts and\n"
    "expectations, side by side, as text; with -o, also as an HTML page with\n"
    "their charts side by side.\n"
    "exit status: 0 written, 2 bad usage or an unreadable results file.\n";

typedef struct {
  const char *label;
  char a[96], b[96];
} cmp_row;


static void fmt_bytes(char *buf, size_t n, double v) {
  static const char *u[] = {"B", "KB", "MB", "GB", "TB"};
  int k = 0;
  if (v < 0) {
    snprintf(buf, n, "-");
    return;
  }
  while (v >= 1024 && k < 4) v /= 1024, k++;
  snprintf(buf, n, k ? "%.2f %s" : "%.0f %s", v, u[k]);
}

/* The peak agents of a role's busiest node, against its limit. */
static void role_peak(rr_file *f, const char *role, char *buf, size_t n) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT n.name, CAST(max(s.value) AS INTEGER), coalesce(n.agent_limit, 0) FROM nodes n JOIN samples s ON "
           "s.node = n.id JOIN metrics m ON m.id = s.metric WHERE m.name = 'agents' AND n.role = '%s' GROUP BY n.id "
           "ORDER BY max(s.value) DESC, n.id LIMIT 1",
           role);
  snprintf(buf, n, "-");
  sqlite3_stmt *st = dbr_prepare(&f->in, "nodes", sql);
  if (!st) return;
  if (dbr_step(&f->in, st, "nodes") > 0)
    snprintf(buf, n, "%s %lld/%lld", dbr_text(&f->in, st, 0, "nodes", "name"),
             (long long)dbr_int(&f->in, st, 1, "samples", "value"), (long long)dbr_int(&f->in, st, 2, "nodes", "agent_limit"));
  sqlite3_finalize(st);
}

static int compare_rows(rr_file *fa, rr_file *fb, cmp_row *rows, int max) {
  int n = 0;
  rr_file *fs[2] = {fa, fb};
#define ROW(lbl) (rows[n].label = (lbl), n++)
  for (int k = 0; k < 2; k++) {
    char *cell = k ? rows[0].b : rows[0].a;
    snprintf(cell, 96, "%.95s", fs[k]->scenario);
    rr_utf8_trim(cell);
  }
  ROW("scenario");
  for (int k = 0; k < 2; k++) snprintf(k ? rows[n].b : rows[n].a, 96, "%llu, %s", (unsigned long long)fs[k]->seed, fs[k]->status);
  ROW("seed, status");
  for (int k = 0; k < 2; k++)
    snprintf(k ? rows[n].b : rows[n].a, 96, "%.1f h of %.1f h", (double)fs[k]->end_us / 3.6e9,
             (double)fs[k]->duration_us / 3.6e9);
  ROW("simulated (reached of asked)");
  for (int k = 0; k < 2; k++)
    snprintf(k ? rows[n].b : rows[n].a, 96, "%lld agents, %lld gw, %lld ms",
             (long long)rr_int(fs[k], "nodes", "SELECT count(*) FROM nodes WHERE role = 'agent'", 0),
             (long long)rr_int(fs[k], "nodes", "SELECT count(*) FROM nodes WHERE role = 'gateway'", 0),
             (long long)rr_int(fs[k], "nodes", "SELECT count(*) FROM nodes WHERE role = 'management_server'", 0));
  ROW("design");
  for (int k = 0; k < 2; k++) role_peak(fs[k], "management_server", k ? rows[n].b : rows[n].a, 96);
  ROW("peak management server");
  for (int k = 0; k < 2; k++) role_peak(fs[k], "gateway", k ? rows[n].b : rows[n].a, 96);
  ROW("peak gateway");
  static const struct {
    const char *label, *key;
    int kind; /* 0 bytes, 1 ms, 2 count */
  } figs[] = {{"data generated", "generated_bytes", 0}, {"data stored", "delivered_bytes", 0},
              {"data dropped", "dropped_bytes", 0},     {"latency p50", "latency_p50_ms", 1},
              {"latency p95", "latency_p95_ms", 1},     {"latency p99", "latency_p99_ms", 1},
              {"heartbeat alerts", "heartbeat_alerts", 2}};
  for (size_t i = 0; i < sizeof figs / sizeof figs[0] && n < max; i++) {
    for (int k = 0; k < 2; k++) {
      char *cell = k ? rows[n].b : rows[n].a;
      double v = report_figure(fs[k], figs[i].key);
      if (v < 0)
        snprintf(cell, 96, "-");
      else if (figs[i].kind == 0)
        fmt_bytes(cell, 96, v);
      else if (figs[i].kind == 1)
        snprintf(cell, 96, v >= 600000 ? "%.1f min" : v >= 1000 ? "%.1f s" : "%.0f ms",
                 v >= 600000 ? v / 60000 : v >= 1000 ? v / 1000 : v);
      else
        snprintf(cell, 96, "%.0f", v);
    }
    ROW(figs[i].label);
  }
  /* Expectations, by name, from either run. */
  for (int k = 0; k < 2; k++) {
    sqlite3_stmt *st = dbr_prepare(&fs[k]->in, "expectations", "SELECT name FROM expectations ORDER BY id");
    if (!st) continue;
    while (n < max && dbr_step(&fs[k]->in, st, "expectations") > 0) {
      const char *name = dbr_text(&fs[k]->in, st, 0, "expectations", "name");
      bool seen = false;
      for (int i = 0; i < n; i++)
        if (rows[i].label && strncmp(rows[i].label, "expect ", 7) == 0 && strcmp(rows[i].label + 7, name) == 0) seen = true;
      if (seen) continue;
      char *lbl = malloc(strlen(name) + 8);
      if (!lbl) break;
      snprintf(lbl, strlen(name) + 8, "expect %s", name);
      for (int j = 0; j < 2; j++) {
        char *cell = j ? rows[n].b : rows[n].a;
        snprintf(cell, 96, "-");
        sqlite3_stmt *q = dbr_prepare(&fs[j]->in, "expectations", "SELECT held FROM expectations WHERE name = ?1");
        if (q) {
          sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
          if (dbr_step(&fs[j]->in, q, "expectations") > 0)
            snprintf(cell, 96, "%s", dbr_int(&fs[j]->in, q, 0, "expectations", "held") ? "held" : "FAILED");
          sqlite3_finalize(q);
        }
      }
      rows[n].label = lbl;
      n++;
    }
    sqlite3_finalize(st);
  }
#undef ROW
  return n;
}

/* The comparison as an HTML page: the table, then each chart of both runs
 * side by side. */
typedef struct {
  const char *const *files;
  const cmp_row *rows;
  int n;
  report_chart *ca, *cb;
} compare_page;

static const char *compare_writer(FILE *out, const void *arg) {
  const compare_page *p = arg;
  const char *const *files = p->files;
  const cmp_row *rows = p->rows;
  int n = p->n;
  report_chart *ca = p->ca, *cb = p->cb;
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>romsim: compare</title>\n"
        "<style>\nbody{font-family:sans-serif;margin:24px;color:#222}\n"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\n"
        ".pair{display:flex;gap:12px}.pair svg{width:49%;height:auto}\n</style>\n</head>\n<body>\n"
        "<h1>Two runs side by side</h1>\n<table id=\"compare\">\n<tr><th></th><th>",
        out);
  svg_escape(out, files[0]);
  fputs("</th><th>", out);
  svg_escape(out, files[1]);
  fputs("</th></tr>\n", out);
  for (int i = 0; i < n; i++) {
    fputs("<tr><td>", out);
    svg_escape(out, rows[i].label);
    fputs("</td><td>", out);
    svg_escape(out, rows[i].a);
    fputs("</td><td>", out);
    svg_escape(out, rows[i].b);
    fputs("</td></tr>\n", out);
  }
  fputs("</table>\n", out);
  for (int c = 0; c < CH_COUNT; c++) {
    if (!chart_drawn(ca, c) && !chart_drawn(cb, c)) continue;
    fprintf(out, "<h2>%s</h2>\n<div class=\"pair\">\n", ca[c].chart.title);
    /* Ids of their own in the page: a-... and b-... */
    const char *id_a = ca[c].chart.id, *id_b = cb[c].chart.id;
    char a[64], b[64];
    snprintf(a, sizeof a, "a-%s", id_a);
    snprintf(b, sizeof b, "b-%s", id_b);
    ca[c].chart.id = a;
    cb[c].chart.id = b;
    svg_write(out, &ca[c].chart, false);
    svg_write(out, &cb[c].chart, false);
    ca[c].chart.id = id_a;
    cb[c].chart.id = id_b;
    fputs("</div>\n", out);
  }
  fputs("</body>\n</html>\n", out);
  return NULL;
}

int cmd_compare(int argc, char **argv) {
  const char *files[2] = {NULL, NULL}, *out_path = NULL;
  int nf = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(compare_usage, stdout);
      return 0;
    } else if (strcmp(a, "-o") == 0) {
      if (i + 1 >= argc) return cli_usage_error("compare: -o needs a file name");
      out_path = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("compare: unknown option '%s' (try romsim compare --help)", a);
    } else if (nf == 2) {
      return cli_usage_error("compare: two results files, not more");
    } else {
      files[nf++] = a;
    }
  }
  if (nf != 2) return cli_usage_error("compare: usage: romsim compare A.db B.db [-o COMPARE.html]");
  if (out_path && cli_check_output("compare", out_path, "the comparison", (const char *const[]){files[0], files[1], NULL}))
    return EXIT_USAGE;
  rr_file fa, fb;
  char err[1024];
  if (rr_open(&fa, files[0], err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    return EXIT_USAGE;
  }
  if (rr_open(&fb, files[1], err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    rr_close(&fa);
    return EXIT_USAGE;
  }
  static cmp_row rows[64];
  memset(rows, 0, sizeof rows);
  int n = compare_rows(&fa, &fb, rows, 64);
  int rc = 0;
  static report_chart ca[CH_COUNT], cb[CH_COUNT];
  static svg_band ba[MAX_FAULT_BANDS], bb[MAX_FAULT_BANDS];
  if (out_path) {
    build_charts(&fa, ca, ba, load_faults(&fa, ba), NULL, 0);
    build_charts(&fb, cb, bb, load_faults(&fb, bb), NULL, 0);
    /* One time axis for both sides, the longer run's. */
    for (int c = 0; c < CH_COUNT; c++) {
      double t = ca[c].chart.t_end > cb[c].chart.t_end ? ca[c].chart.t_end : cb[c].chart.t_end;
      ca[c].chart.t_end = cb[c].chart.t_end = t;
    }
  }
  /* Everything is read before anything is printed or written. */
  if (rr_failed(&fa) || rr_failed(&fb)) {
    fprintf(stderr, "romsim: %s\n", rr_failed(&fa) ? rr_error(&fa) : rr_error(&fb));
    rc = EXIT_USAGE;
  } else {
    printf("%-32s %-36s %-36s\n", "", files[0], files[1]);
    for (int i = 0; i < n; i++) printf("%-32s %-36s %-36s\n", rows[i].label, rows[i].a, rows[i].b);
  }
  if (out_path && rc == 0) {
    compare_page cp = {files, rows, n, ca, cb};
    rc = cli_write_whole(out_path, compare_writer, &cp);
  }
  if (out_path) {
    free_charts(ca);
    free_charts(cb);
  }
  for (int i = 0; i < n; i++)
    if (rows[i].label && strncmp(rows[i].label, "expect ", 7) == 0) free((char *)rows[i].label);
  rr_close(&fa);
  rr_close(&fb);
  return rc;
}
