/*
 * romsim serve: a scenario run live behind a web page (docs/serve.md).
 *
 * The simulation runs on the loop's thread in slices, paced against the
 * wall clock (a simulated minute a second at 60x, or flat out); between
 * slices the loop answers HTTP (tools/http.h) and sends each new sample
 * and story line to the page's event streams. A fault injected from the
 * page becomes a line of the session's replay (time,target,action) at the
 * next whole second, placed where the same line replayed from the start
 * would act (rm_timeline_add), so `romsim run DESIGN --replay session.csv`
 * gives the session's results. The results file is written as romsim run
 * writes it.
 */
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "cli.h"
#include "http.h"
#include "rm_fault.h"
#include "rm_group.h"
#include "rm_replay.h"
#include "rm_scenario.h"
#include "rm_story.h"
#include "results_read.h"
#include "rs_results.h"
#include "rs_sim.h"
#include "serve_page.h"
#include "version.h"

static const char *serve_usage =
    "usage: romsim serve SCENARIO [--speed 60x|Nx|max] [--listen HOST:PORT] [-o RESULTS.db] [--token TOKEN]\n"
    "       romsim serve RESULTS.db [--listen HOST:PORT]   (a finished run, read-only)\n"
    "Run the scenario live behind a web page: charts, the story, the alerts; pause, resume, change speed,\n"
    "and take nodes down or bring them back from the page. Every fault injected is a line of the\n"
    "session's replay (GET /api/replay.csv): romsim run SCENARIO --replay session.csv gives the same\n"
    "results. The results file is written as romsim run writes it.\n"
    "  --speed S          60x (default: a simulated minute a wall second), any Nx, or max (flat out)\n"
    "  --listen HOST:PORT where to listen (default 127.0.0.1:8080; port 0: any free port)\n"
    "  -o RESULTS.db      the results file (default: the scenario's name with .db)\n"
    "  --token TOKEN      required (header X-Romsim-Token) on every request that changes anything;\n"
    "                     generated and printed when listening on another address than loopback\n"
    "exit status: 0 every expectation held, 1 one failed, 2 bad input or usage, 3 stopped before the end.\n";

#define DYGRAPHS_JS "/usr/share/javascript/dygraphs/dygraph.min.js"
#define DYGRAPHS_CSS "/usr/share/javascript/dygraphs/dygraph.min.css"
#define SESSION_FILE "session.csv"

typedef struct {
  rm_scenario sc;
  rs_sim sim;
  rm_group group;
  bool built;
  rs_results *res;
  const char *scenario_path, *out_path;
  uv_loop_t loop;
  uv_timer_t pace;          /* paced: a slice every 50 ms */
  uv_idle_t flat;           /* flat out: a slice each time round the loop, which then does not wait */
  uv_signal_t sigint, sigterm;
  hs_server *http;
  double speed;             /* simulated seconds a wall second; 0: flat out */
  bool paused;
  const char *status;       /* running, complete, interrupted, failed */
  int failed;               /* expectations that failed */
  char err[1024];
  uint64_t wall_last;       /* ns, the last slice */
  char token[80];
  bool need_token;
  bool loopback;            /* listening on a loopback address */
  /* The session's replay: its header and each fault injected. */
  char *session;
  size_t session_len;
  int session_lines;        /* lines of the file so far, the header included */
  /* What the streams were sent last. */
  int64_t sample_sent;      /* the last sample interval kept (now / sample_every) */
  uint64_t sent_ns;         /* when the streams were last sent a sample (wall, ns) */
  int64_t sent_k;           /* and which */
  int64_t story_sent;       /* story lines sent (the last may be sent again, updated) */
  int64_t story_last_count; /* the last line's events when it was sent */
  /* Each sample so far, HISTORY_COLS and each gateway's agents (a page
   * opened late draws them). */
  double *history;
  size_t history_len, history_cap; /* doubles */
  char *dygraph_js, *dygraph_css;
  size_t dygraph_js_len, dygraph_css_len;
  bool stopping;
} serve_ctx;

/* A row of /api/history: now_us, delivered, queued, dropped, alerts,
 * p99_ms, cpu_max, then each gateway's agents. */
#define HISTORY_COLS 7

/* ---- JSON into memory ---- */

typedef struct {
  char *buf;
  size_t len;
  FILE *f;
} jbuf;

static void jopen(jbuf *j) {
  j->buf = NULL;
  j->len = 0;
  j->f = open_memstream(&j->buf, &j->len);
}

/* Closed, its text in j->buf (free it), or NULL without memory. */
static char *jclose(jbuf *j) {
  if (!j->f) return NULL;
  fclose(j->f);
  j->f = NULL;
  return j->buf;
}

static const char *state_name(rm_state s) { return s == RM_UP ? "up" : s == RM_DOWN ? "down" : "failing_over"; }

static int64_t queued_at(const rm_node *n) { return n->spool.bytes + (n->up ? n->up->inflight_bytes : 0); }

/* The servers of the group, for the diagram: each one's name, role, state,
 * agents, limit, queue and parent. */
static void json_nodes(FILE *f, const rm_group *g) {
  fputs("[", f);
  bool first = true;
  for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++) {
      const rm_node *n = rm_group_node(g, r, i);
      fprintf(f, "%s{\"name\":", first ? "" : ",");
      cli_json_string(f, n->name);
      fprintf(f, ",\"role\":\"%s\",\"state\":\"%s\",\"agents\":%lld,\"limit\":%lld,\"queue\":%lld,\"parent\":",
              rm_role_name(n->role), state_name(n->state), (long long)n->agents, (long long)n->limit,
              (long long)queued_at(n));
      if (n->parent)
        cli_json_string(f, n->parent->name);
      else
        fputs("null", f);
      fputs("}", f);
      first = false;
    }
  const rm_node *cl[2] = {&g->rms.node, &g->sql.node};
  for (int k = 0; k < 2; k++)
    fprintf(f, ",{\"name\":\"%s\",\"role\":\"%s\",\"state\":\"%s\",\"agents\":%lld,\"limit\":0,\"queue\":%lld,"
               "\"parent\":null}",
            cl[k]->name, k ? "sql" : "rms", state_name(cl[k]->state), (long long)cl[k]->agents,
            (long long)queued_at(cl[k]));
  fputs("]", f);
}

/* The hosts (when the scenario has them): each one's name, its servers,
 * its processors busy, the share its servers get, and its memory
 * committed, at the last sample. */
static void json_hosts(FILE *f, const rm_group *g) {
  fputs("[", f);
  for (int h = 0; h < g->n_hosts; h++) {
    const rm_host *ho = &g->hosts[h];
    fputs(h ? ",{\"name\":" : "{\"name\":", f);
    cli_json_string(f, ho->spec->name);
    bool down = ho->n_vms > 0;
    for (int k = 0; k < ho->n_vms; k++) down &= ho->vms[k]->node->state == RM_DOWN;
    fprintf(f, ",\"down\":%s,\"cpu\":%.4f,\"asked\":%.4f,\"share\":%.4f,\"memory\":%.4f,\"servers\":[",
            down ? "true" : "false", ho->cpu, ho->asked / ho->model->processors, ho->share, ho->memory);
    for (int k = 0; k < ho->n_vms; k++) {
      if (k) fputs(",", f);
      cli_json_string(f, ho->vms[k]->node->name);
    }
    fputs("]}", f);
  }
  fputs("]", f);
}

/* The busiest processors at the last sample: the server and its share. */
static double hottest_cpu(const rm_group *g, const char **name) {
  double best = 0;
  *name = "";
  for (int i = 0; i < g->n_servers; i++)
    if (g->servers[i].util[RM_RES_CPU] > best) best = g->servers[i].util[RM_RES_CPU], *name = g->servers[i].node->name;
  return best;
}

/* The group's figures now (latency and processors: the last sample's). */
static void json_figures(FILE *f, const rm_group *g) {
  const char *hot;
  double cpu = hottest_cpu(g, &hot);
  fprintf(f,
          "{\"generated\":%lld,\"delivered\":%lld,\"queued\":%lld,\"dropped\":%lld,\"heartbeat_alerts\":%lld,"
          "\"heartbeats\":%lld,\"p99_ms\":%.1f,\"cpu_max\":%.4f,\"cpu_max_node\":",
          (long long)g->m.generated, (long long)g->m.delivered, (long long)rm_measure_queued(g),
          (long long)g->m.dropped_total, (long long)g->watch.alerts, (long long)g->watch.heartbeats, g->m.last_p99_ms,
          cpu);
  cli_json_string(f, hot);
  fputs("}", f);
}

static char *state_json(serve_ctx *c) {
  jbuf j;
  jopen(&j);
  if (!j.f) return NULL;
  fputs("{\"scenario\":", j.f);
  cli_json_string(j.f, c->sc.name);
  fprintf(j.f,
          ",\"romsim_version\":\"%s\",\"status\":\"%s\",\"paused\":%s,\"speed\":%.0f,\"events\":%llu,\"now_us\":%lld,"
          "\"duration_us\":%lld,\"sample_every_us\":%lld,\"faults\":%d,\"figures\":",
          ROMSIM_VERSION, c->status, c->paused ? "true" : "false", c->speed, (unsigned long long)c->sim.events,
          (long long)rs_sim_now(&c->sim),
          (long long)c->sc.duration, (long long)c->sc.sample_every, c->session_lines > 2 ? c->session_lines - 2 : 0);
  json_figures(j.f, &c->group);
  fputs(",\"nodes\":", j.f);
  json_nodes(j.f, &c->group);
  fputs(",\"hosts\":", j.f);
  json_hosts(j.f, &c->group);
  fputs("}", j.f);
  return jclose(&j);
}

/* The faults injected so far: each one's id, time and line. */
static char *faults_json(serve_ctx *c) {
  jbuf j;
  jopen(&j);
  if (!j.f) return NULL;
  fputs("{\"faults\":[", j.f);
  int k = 0;
  for (int i = 0; i < c->sc.n_faults; i++) {
    const rm_fault_spec *f = &c->sc.faults[i];
    if (f->kind != RM_FAULT_STEP) continue;
    fprintf(j.f, "%s{\"id\":", k++ ? "," : "");
    cli_json_string(j.f, f->id);
    fprintf(j.f, ",\"at_us\":%lld,\"target\":", (long long)f->at);
    cli_json_string(j.f, f->target);
    static const char *const actions[] = {[RM_STEP_DOWN] = "down", [RM_STEP_UP] = "up", [RM_STEP_DEGRADE] = "degrade",
                                          [RM_STEP_STORM] = "storm"};
    fprintf(j.f, ",\"action\":\"%s\"}", actions[f->action]);
  }
  fputs("]}", j.f);
  return jclose(&j);
}

/* The story's lines so far, for a page opened late. */
static char *story_json(serve_ctx *c) {
  jbuf j;
  jopen(&j);
  if (!j.f) return NULL;
  fputs("{\"lines\":[", j.f);
  for (int64_t i = 0; i < c->group.story.n; i++) {
    char line[512];
    rm_story_format(&c->group, i, line, sizeof line);
    if (i) fputs(",", j.f);
    cli_json_string(j.f, line);
  }
  fputs("]}", j.f);
  return jclose(&j);
}

/* The samples sent so far, for a page opened late. */
static char *history_json(serve_ctx *c) {
  jbuf j;
  jopen(&j);
  if (!j.f) return NULL;
  const rm_group *g = &c->group;
  fputs("{\"columns\":[\"now_us\",\"delivered\",\"queued\",\"dropped\",\"heartbeat_alerts\",\"p99_ms\",\"cpu_max\"],"
        "\"gateways\":[",
        j.f);
  for (int i = 0; i < g->n_gw; i++) {
    if (i) fputs(",", j.f);
    cli_json_string(j.f, g->gw[i].node.name);
  }
  fputs("],\"rows\":[", j.f);
  size_t row = HISTORY_COLS + (size_t)g->n_gw;
  for (size_t r = 0; r + row <= c->history_len; r += row) {
    fputs(r ? ",[" : "[", j.f);
    for (size_t k = 0; k < row; k++)
      fprintf(j.f, "%s%.*f", k ? "," : "", k == 5 ? 1 : k == 6 ? 4 : 0, c->history[r + k]);
    fputs("]", j.f);
  }
  fputs("]}", j.f);
  return jclose(&j);
}

/* ---- the streams ---- */

/* The streams get a sample at most four times a wall second: flat out, a run
 * passes hundreds of samples a second, more than a page draws; every one
 * is kept for /api/history. */
#define SEND_EVERY_NS 250000000ull

/* The new sample (if a sample interval passed: kept, and sent unless one
 * was sent within SEND_EVERY_NS) and the story's new lines. */
static void send_progress(serve_ctx *c, bool force) {
  rm_group *g = &c->group;
  rs_time_t now = rs_sim_now(&c->sim);
  int64_t k = now / c->sc.sample_every;
  if (force || k != c->sample_sent) {
    c->sample_sent = k;
    size_t row = HISTORY_COLS + (size_t)g->n_gw;
    if (c->history_len + row > c->history_cap) {
      size_t cap = c->history_cap ? 2 * c->history_cap : 64 * row;
      double *h = realloc(c->history, cap * sizeof *h);
      if (h) c->history = h, c->history_cap = cap;
    }
    if (c->history_len + row <= c->history_cap) {
      double *h = c->history + c->history_len;
      h[0] = (double)now, h[1] = (double)g->m.delivered, h[2] = (double)rm_measure_queued(g);
      const char *hot;
      h[3] = (double)g->m.dropped_total, h[4] = (double)g->watch.alerts, h[5] = g->m.last_p99_ms;
      h[6] = hottest_cpu(g, &hot);
      for (int i = 0; i < g->n_gw; i++) h[HISTORY_COLS + i] = (double)g->gw[i].node.agents;
      c->history_len += row;
    }
  }
  uint64_t wall = uv_hrtime();
  if (force || (wall - c->sent_ns >= SEND_EVERY_NS && c->sent_k != k)) {
    c->sent_k = k;
    c->sent_ns = wall;
    jbuf j;
    jopen(&j);
    if (j.f) {
      fprintf(j.f, "{\"now_us\":%lld,\"status\":\"%s\",\"figures\":", (long long)now, c->status);
      json_figures(j.f, g);
      fputs(",\"nodes\":", j.f);
      json_nodes(j.f, g);
      fputs(",\"hosts\":", j.f);
      json_hosts(j.f, g);
      fputs("}", j.f);
      char *s = jclose(&j);
      if (s) hs_broadcast(c->http, "sample", s);
      free(s);
    }
  }
  /* The new lines, in one event; the last line sent again if it has
   * grown since (lines fold events). */
  int64_t from = c->story_sent;
  if (from > 0 && from <= g->story.n && g->story.lines[from - 1].count != c->story_last_count) from--;
  if (from < g->story.n) {
    jbuf j;
    jopen(&j);
    if (j.f) {
      fprintf(j.f, "{\"from\":%lld,\"lines\":[", (long long)from);
      for (int64_t i = from; i < g->story.n; i++) {
        char line[512];
        rm_story_format(g, i, line, sizeof line);
        if (i > from) fputs(",", j.f);
        cli_json_string(j.f, line);
      }
      fputs("]}", j.f);
    }
    char *s = jclose(&j);
    if (s) hs_broadcast(c->http, "story", s);
    free(s);
    c->story_sent = g->story.n;
    c->story_last_count = g->story.lines[g->story.n - 1].count;
  }
}

/* ---- the run ---- */

static void close_handle(uv_handle_t *h) { (void)h; }

/* The run is over (complete, interrupted or failed): judge a complete
 * run, record the story and the timeline, close the results file. */
static void finish(serve_ctx *c, const char *status) {
  if (strcmp(c->status, "running") != 0) return;
  uv_timer_stop(&c->pace);
  uv_idle_stop(&c->flat);
  /* The session's faults as its replay, in runs (romsim serve RESULTS.db
   * offers it again). */
  if (c->session_lines > 2 && rs_results_set_replay(c->res, SESSION_FILE, c->session)) {
    status = "failed";
    snprintf(c->err, sizeof c->err, "out of memory keeping the session's replay");
  }
  c->status = cli_end_run(&c->group, &c->sim, &c->res, status, &c->failed, c->err, sizeof c->err, NULL);
  send_progress(c, true);
  char *s = state_json(c);
  if (s) hs_broadcast(c->http, "end", s);
  free(s);
  printf("romsim serve: %s run %s at %lld s simulated; results in %s; the page stays up (Ctrl-C stops)\n", c->sc.name,
         c->status, (long long)(rs_sim_now(&c->sim) / RS_SEC), c->out_path);
  fflush(stdout);
}

/* Paced, or flat out: one or the other runs the slices. */
static void pace_cb(uv_timer_t *t);
static void flat_cb(uv_idle_t *i);
static void set_pace(serve_ctx *c) {
  if (strcmp(c->status, "running") != 0 || c->paused) return;
  if (c->speed > 0) {
    uv_idle_stop(&c->flat);
    if (!uv_is_active((uv_handle_t *)&c->pace)) uv_timer_start(&c->pace, pace_cb, 0, 50);
  } else {
    uv_timer_stop(&c->pace);
    uv_idle_start(&c->flat, flat_cb);
  }
}

static void slice(serve_ctx *c);
static void pace_cb(uv_timer_t *t) { slice(t->data); }
static void flat_cb(uv_idle_t *i) { slice(i->data); }

static void slice(serve_ctx *c) {
  uint64_t wall = uv_hrtime(), dt = wall - c->wall_last;
  c->wall_last = wall;
  if (c->paused || strcmp(c->status, "running") != 0) return;
  rs_time_t now = rs_sim_now(&c->sim), target;
  if (c->speed <= 0) {
    target = now + 10 * RS_MIN; /* flat out, in slices that keep the page answered */
  } else {
    /* A wall interval counts for at most 100 ms: a run slower than its
     * speed falls behind instead of taking ever longer slices. */
    double wall_ms = (double)dt / 1e6 < 100 ? (double)dt / 1e6 : 100;
    double step = c->speed * wall_ms * 1e3; /* microseconds */
    target = now + (rs_time_t)(step < 1 ? 1 : step);
  }
  if (target > c->sc.duration) target = c->sc.duration;
  /* Up to each sample's time in turn, so that the streams get every
   * sample however far a slice goes. */
  for (;;) {
    rs_time_t every = c->sc.sample_every, now_ = rs_sim_now(&c->sim);
    rs_time_t until = (now_ / every + 1) * every;
    if (until > target) until = target;
    int rc = rs_sim_run(&c->sim, until);
    if (c->group.error || rc < 0) {
      snprintf(c->err, sizeof c->err, "%s", c->group.error ? c->group.errmsg : rs_strerror(rc));
      finish(c, "failed");
      return;
    }
    if (rs_sim_now(&c->sim) >= c->sc.duration || rc == RS_RUN_EMPTY) {
      finish(c, "complete");
      return;
    }
    send_progress(c, false);
    if (until >= target) break;
  }
}

static void stopped(void *arg) {
  serve_ctx *c = arg;
  c->http = NULL;
}

static void on_signal(uv_signal_t *h, int signum) {
  serve_ctx *c = h->data;
  (void)signum;
  if (c->stopping) return;
  c->stopping = true;
  finish(c, "interrupted");
  uv_timer_stop(&c->pace);
  uv_idle_stop(&c->flat);
  uv_close((uv_handle_t *)&c->pace, close_handle);
  uv_close((uv_handle_t *)&c->flat, close_handle);
  uv_close((uv_handle_t *)&c->sigint, close_handle);
  uv_close((uv_handle_t *)&c->sigterm, close_handle);
  if (c->http) hs_stop(c->http, stopped, c);
}

/* ---- control ---- */

/* A query parameter's value (URL-decoded into buf), or NULL. */
static const char *param(const char *query, const char *key, char *buf, size_t n) {
  size_t kl = strlen(key);
  for (const char *p = query; p && *p;) {
    const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
    if ((size_t)(end - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
      size_t u = 0;
      for (const char *q = p + kl + 1; q < end && u + 1 < n; q++) {
        if (*q == '%' && q + 2 < end + 1 && q[1] && q[2]) {
          char hex[3] = {q[1], q[2], 0};
          buf[u++] = (char)strtol(hex, NULL, 16);
          q += 2;
        } else {
          buf[u++] = *q == '+' ? ' ' : *q;
        }
      }
      buf[u] = 0;
      return buf;
    }
    p = amp ? amp + 1 : NULL;
  }
  return NULL;
}

/* "60x", "2.5x", "max": simulated seconds a wall second (0: flat out);
 * -1 when it is none of them. */
static double parse_speed(const char *s) {
  if (strcmp(s, "max") == 0) return 0;
  char *end;
  double v = strtod(s, &end);
  if (end == s || strcmp(end, "x") != 0 || !(v > 0) || v > 1e7) return -1;
  return v;
}

static void reply_json(hs_conn *h, int status, const char *body) {
  hs_reply(h, status, "application/json", NULL, body, strlen(body));
}

static void reply_error(hs_conn *h, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reply_error(hs_conn *h, int status, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  jbuf j;
  jopen(&j);
  if (!j.f) {
    reply_json(h, 500, "{\"error\":\"out of memory\"}");
    return;
  }
  fputs("{\"error\":", j.f);
  cli_json_string(j.f, msg);
  fputs("}", j.f);
  char *s = jclose(&j);
  reply_json(h, status, s ? s : "{}");
  free(s);
}

/* A fault from the page: a line of the session at the next whole second
 * (or a microsecond later while an event is due at that very time, so that
 * the line acts first there, as it would replayed). */
static void inject(serve_ctx *c, hs_conn *h, const char *target, const char *action, const char *params) {
  if (strcmp(c->status, "running") != 0) {
    reply_error(h, 409, "the run is %s: nothing more can happen in it", c->status);
    return;
  }
  if (strcmp(action, "down") != 0 && strcmp(action, "up") != 0 && strcmp(action, "degrade") != 0 &&
      strcmp(action, "storm") != 0) {
    reply_error(h, 400, "do is down, up, degrade or storm, not '%s'", action);
    return;
  }
  if (params && strpbrk(params, ",\r\n\"")) {
    reply_error(h, 400, "params are key=value pairs (latency=, bandwidth=, loss=; factor= for sql; alerts=, "
                        "state_changes=, rollup= for a storm), without commas");
    return;
  }
  rs_time_t at = (rs_sim_now(&c->sim) / RS_SEC + 1) * RS_SEC;
  while (rs_sim_pending_at(&c->sim, at)) at++;
  if (at > c->sc.duration) {
    reply_error(h, 409, "the run ends before the next second");
    return;
  }
  char line[600], err[1024];
  int len = snprintf(line, sizeof line, "%lldus,%s,%s%s%s", (long long)at, target, action, params ? "," : "",
                     params ? params : "");
  if (len < 0 || (size_t)len >= sizeof line || strpbrk(target, ",\r\n\"")) {
    reply_error(h, 400, "a target is a node's name or a selector, without commas or line breaks");
    return;
  }
  /* Room for the line in the session first: nothing is half done. */
  char *grown = realloc(c->session, c->session_len + (size_t)len + 2);
  if (!grown) {
    reply_error(h, 500, "out of memory");
    return;
  }
  c->session = grown;
  int line_no = c->session_lines + 1;
  /* The faults may move: an agent in a storm points at its line, kept as
   * its index meanwhile. */
  rm_group *g = &c->group;
  int *storm = calloc((size_t)(g->n_agents ? g->n_agents : 1), sizeof *storm);
  if (!storm) {
    reply_error(h, 500, "out of memory");
    return;
  }
  for (int64_t a = 0; a < g->n_agents; a++) storm[a] = g->agents[a].storm ? (int)(g->agents[a].storm - c->sc.faults) : -1;
  int added = rm_replay_add_line(&c->sc, SESSION_FILE, line_no, line, (size_t)len, err, sizeof err);
  for (int64_t a = 0; a < g->n_agents; a++)
    if (storm[a] >= 0) g->agents[a].storm = &c->sc.faults[storm[a]];
  free(storm);
  if (added) {
    reply_error(h, 400, "%s", err);
    return;
  }
  if (rm_timeline_add(&c->group.timeline, &c->group, c->sc.n_faults - 1, err, sizeof err)) {
    rm_fault_spec *f = &c->sc.faults[--c->sc.n_faults]; /* taken back */
    free(f->target);
    free(f->id);
    free(f->where);
    reply_error(h, 500, "%s", err);
    return;
  }
  memcpy(c->session + c->session_len, line, (size_t)len);
  c->session_len += (size_t)len;
  c->session[c->session_len++] = '\n';
  c->session[c->session_len] = 0;
  c->session_lines = line_no;
  jbuf j;
  jopen(&j);
  if (j.f) {
    fprintf(j.f, "{\"id\":\"replay-%d\",\"at_us\":%lld,\"line\":", line_no, (long long)at);
    cli_json_string(j.f, line);
    fputs("}", j.f);
  }
  char *out = jclose(&j);
  hs_broadcast(c->http, "fault", out ? out : "{}");
  reply_json(h, 200, out ? out : "{}");
  free(out);
}

static void control(serve_ctx *c, hs_conn *h, const hs_request *r) {
  char action[32], value[256], target[256], what[16], params[256];
  if (!param(r->query, "action", action, sizeof action)) {
    reply_error(h, 400, "action is pause, resume, speed (with value=60x or max) or fault (with target= and do=)");
    return;
  }
  if (strcmp(action, "pause") == 0) {
    c->paused = true;
    uv_idle_stop(&c->flat); /* flat out, the loop would spin */
  } else if (strcmp(action, "resume") == 0) {
    c->paused = false;
    c->wall_last = uv_hrtime();
    set_pace(c);
  } else if (strcmp(action, "speed") == 0) {
    double v = param(r->query, "value", value, sizeof value) ? parse_speed(value) : -1;
    if (v < 0) {
      reply_error(h, 400, "speed's value is max or Nx (such as 60x)");
      return;
    }
    c->speed = v;
    set_pace(c);
  } else if (strcmp(action, "fault") == 0) {
    if (!param(r->query, "target", target, sizeof target) || !param(r->query, "do", what, sizeof what)) {
      reply_error(h, 400, "a fault needs target= (a node or selector) and do= (down, up, degrade or storm)");
      return;
    }
    inject(c, h, target, what, param(r->query, "params", params, sizeof params));
    return;
  } else {
    reply_error(h, 400, "unknown action '%s' (pause, resume, speed, fault)", action);
    return;
  }
  char *s = state_json(c);
  if (s) hs_broadcast(c->http, "state", s);
  reply_json(h, 200, s ? s : "{}");
  free(s);
}

/* On loopback, a request must name a loopback host (a page of another
 * site that made its name resolve to 127.0.0.1 would name its own), and
 * a browser's POST must come from romsim's own page (its Origin the same
 * host): no other site can read the run or drive it through the user's
 * browser. */
static bool same_site(const serve_ctx *c, const hs_request *r, bool post) {
  if (c->loopback && r->host) {
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    bool ok = false;
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !ok; k++) {
      size_t n = strlen(names[k]);
      ok = strncmp(r->host, names[k], n) == 0 && (r->host[n] == 0 || r->host[n] == ':');
    }
    if (!ok) return false;
  }
  if (post && r->origin) {
    char own[600];
    snprintf(own, sizeof own, "http://%s", r->host ? r->host : "");
    if (strcmp(r->origin, own) != 0) return false;
  }
  return true;
}

static void handler(hs_conn *h, const hs_request *r, void *ctx) {
  serve_ctx *c = ctx;
  bool get = strcmp(r->method, "GET") == 0, post = strcmp(r->method, "POST") == 0;
  if (!same_site(c, r, post)) {
    reply_error(h, 403, "not from this page (Host or Origin of another site)");
    return;
  }
  if (strcmp(r->path, "/api/control") == 0) {
    if (!post) {
      hs_reply(h, 405, NULL, "Allow: POST\r\n", "POST only\n", 10);
    } else if (c->need_token && (!r->token || strcmp(r->token, c->token) != 0)) {
      reply_error(h, 403, "a request that changes anything needs the token (header X-Romsim-Token)");
    } else {
      control(c, h, r);
    }
    return;
  }
  if (!get) {
    hs_reply(h, 405, NULL, "Allow: GET\r\n", "GET only\n", 9);
    return;
  }
  char *s = NULL;
  if (strcmp(r->path, "/") == 0) {
    hs_reply(h, 200, "text/html; charset=utf-8", NULL, serve_page_html, strlen(serve_page_html));
  } else if (strcmp(r->path, "/static/dygraph.min.js") == 0 && c->dygraph_js) {
    hs_reply(h, 200, "text/javascript", NULL, c->dygraph_js, c->dygraph_js_len);
  } else if (strcmp(r->path, "/static/dygraph.min.css") == 0 && c->dygraph_css) {
    hs_reply(h, 200, "text/css", NULL, c->dygraph_css, c->dygraph_css_len);
  } else if (strcmp(r->path, "/api/state") == 0 && (s = state_json(c))) {
    reply_json(h, 200, s);
  } else if (strcmp(r->path, "/api/story") == 0 && (s = story_json(c))) {
    reply_json(h, 200, s);
  } else if (strcmp(r->path, "/api/history") == 0 && (s = history_json(c))) {
    reply_json(h, 200, s);
  } else if (strcmp(r->path, "/api/faults") == 0 && (s = faults_json(c))) {
    reply_json(h, 200, s);
  } else if (strcmp(r->path, "/api/replay.csv") == 0) {
    hs_reply(h, 200, "text/csv; charset=utf-8", "Content-Disposition: attachment; filename=\"" SESSION_FILE "\"\r\n",
             c->session, c->session_len);
  } else if (strcmp(r->path, "/favicon.ico") == 0) {
    hs_reply(h, 204, NULL, NULL, "", 0);
  } else if (strcmp(r->path, "/api/events") == 0) {
    hs_sse_begin(h);
  } else {
    hs_reply(h, 404, NULL, NULL, "no such page\n", 13);
  }
  free(s);
}

/* ---- a finished run, read-only ---- */

/* What the page reads, built once from a results file. */
typedef struct {
  char *state, *history, *story, *faults, *replay;
  size_t replay_len;
  const serve_ctx *assets;  /* the page's library */
  uv_signal_t sigint, sigterm;
  hs_server *http;
} archive_ctx;

/* A query's rows; NULL (with the file's error) when it fails. */
static sqlite3_stmt *aq(rr_file *f, const char *sql) { return dbr_prepare(&f->in, "samples", sql); }

/* The last value of a node's metric (-1: none). */
static double last_value(rr_file *f, int64_t node, const char *metric) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT s.value FROM samples s JOIN metrics m ON m.id = s.metric WHERE s.node = %lld AND m.name = '%s' "
           "ORDER BY s.t_us DESC LIMIT 1",
           (long long)node, metric);
  sqlite3_stmt *st = aq(f, sql);
  double v = -1;
  if (st && dbr_step(&f->in, st, "samples") > 0) v = dbr_num(&f->in, st, 0, "samples", "value");
  sqlite3_finalize(st);
  return v;
}

static int build_archive(rr_file *f, archive_ctx *a) {
  static const char *const roles[] = {"management_server", "gateway", "essentials", "rms", "sql"};
  jbuf j;
  /* The state: the run's end, each server as its last samples had it. */
  jopen(&j);
  if (!j.f) return -1;
  int64_t every = rr_int(f, "samples",
                         "SELECT min(t_us) FROM samples WHERE node IS NULL AND t_us > 0", 60000000);
  fputs("{\"scenario\":", j.f);
  cli_json_string(j.f, f->scenario);
  fprintf(j.f,
          ",\"romsim_version\":\"%s\",\"status\":\"%s\",\"read_only\":true,\"paused\":false,\"speed\":0,\"events\":%lld,"
          "\"now_us\":%lld,\"duration_us\":%lld,\"sample_every_us\":%lld,\"faults\":%lld,\"figures\":{",
          ROMSIM_VERSION, f->status, (long long)rr_int(f, "runs", "SELECT coalesce(events, 0) FROM runs", 0),
          (long long)f->end_us, (long long)f->duration_us, (long long)every,
          (long long)rr_int(f, "faults", "SELECT count(*) FROM faults", 0));
  static const char *const figs[][2] = {{"generated", "generated_bytes"}, {"delivered", "delivered_bytes"},
                                        {"queued", "queued_bytes"},       {"dropped", "dropped_bytes"},
                                        {"heartbeat_alerts", "heartbeat_alerts"}, {"heartbeats", "heartbeats"},
                                        {"p99_ms", "latency_p99_ms"}};
  for (size_t k = 0; k < sizeof figs / sizeof figs[0]; k++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT CAST(coalesce((SELECT value FROM figures WHERE key = '%s'), -1) AS INTEGER)",
             figs[k][1]);
    fprintf(j.f, "%s\"%s\":%lld", k ? "," : "", figs[k][0], (long long)rr_int(f, "figures", sql, -1));
  }
  fputs(",\"cpu_max\":0,\"cpu_max_node\":\"\"},\"nodes\":[", j.f);
  bool first = true;
  for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT n.id, n.name, coalesce(p.name, ''), coalesce(n.agent_limit, 0) FROM nodes n LEFT JOIN nodes p ON "
             "p.id = n.parent WHERE n.role = '%s' ORDER BY n.id",
             roles[r]);
    sqlite3_stmt *st = aq(f, sql);
    while (st && dbr_step(&f->in, st, "nodes") > 0) {
      int64_t id = dbr_int(&f->in, st, 0, "nodes", "id");
      const char *parent = dbr_text(&f->in, st, 2, "nodes", "parent");
      double state = last_value(f, id, "state"), agents = last_value(f, id, "agents"),
             queue = last_value(f, id, "queue_bytes");
      fprintf(j.f, "%s{\"name\":", first ? "" : ",");
      cli_json_string(j.f, dbr_text(&f->in, st, 1, "nodes", "name"));
      fprintf(j.f, ",\"role\":\"%s\",\"state\":\"%s\",\"agents\":%.0f,\"limit\":%lld,\"queue\":%.0f,\"parent\":",
              roles[r], state == 1 ? "down" : state == 2 ? "failing_over" : "up", agents > 0 ? agents : 0,
              (long long)dbr_int(&f->in, st, 3, "nodes", "agent_limit"), queue > 0 ? queue : 0);
      if (*parent)
        cli_json_string(j.f, parent);
      else
        fputs("null", j.f);
      fputs("}", j.f);
      first = false;
    }
    sqlite3_finalize(st);
  }
  fputs("],\"hosts\":[]}", j.f);
  if (!(a->state = jclose(&j))) return -1;

  /* The history: the group's figures at each sample, each gateway's
   * agents (carried forward over a thinned record). */
  int n_gw = (int)rr_int(f, "nodes", "SELECT count(*) FROM nodes WHERE role = 'gateway'", 0);
  int64_t *gw_id = calloc((size_t)(n_gw ? n_gw : 1), sizeof *gw_id);
  double *gw_last = calloc((size_t)(n_gw ? n_gw : 1), sizeof *gw_last);
  if (!gw_id || !gw_last) {
    free(gw_id);
    free(gw_last);
    return -1;
  }
  jopen(&j);
  if (!j.f) {
    free(gw_id);
    free(gw_last);
    return -1;
  }
  fputs("{\"columns\":[\"now_us\",\"delivered\",\"queued\",\"dropped\",\"heartbeat_alerts\",\"p99_ms\",\"cpu_max\"],"
        "\"gateways\":[",
        j.f);
  sqlite3_stmt *st = aq(f, "SELECT id, name FROM nodes WHERE role = 'gateway' ORDER BY id");
  for (int k = 0; st && k < n_gw && dbr_step(&f->in, st, "nodes") > 0; k++) {
    gw_id[k] = dbr_int(&f->in, st, 0, "nodes", "id");
    if (k) fputs(",", j.f);
    cli_json_string(j.f, dbr_text(&f->in, st, 1, "nodes", "name"));
  }
  sqlite3_finalize(st);
  fputs("],\"rows\":[", j.f);
  /* One pass over the samples in time order: the group's, every cpu, the
   * gateways' agents. */
  st = aq(f, "SELECT s.t_us, s.node, m.name, s.value FROM samples s JOIN metrics m ON m.id = s.metric WHERE "
             "s.node IS NULL AND m.name IN ('delivered_total', 'queued_total', 'dropped_total', 'heartbeat_alerts', "
             "'latency_p99') OR m.name = 'cpu' OR (m.name = 'agents' AND s.node IN (SELECT id FROM nodes WHERE role "
             "= 'gateway')) ORDER BY s.t_us");
  double row[5] = {0, 0, 0, 0, -1}, cpu = 0;
  int64_t t = -1;
  bool any = false;
  for (;;) {
    int more = st ? dbr_step(&f->in, st, "samples") : 0;
    int64_t ts = more > 0 ? dbr_int(&f->in, st, 0, "samples", "t_us") : -1;
    if (t >= 0 && ts != t) { /* the row of time t is whole */
      fprintf(j.f, "%s[%lld,%.0f,%.0f,%.0f,%.0f,%.1f,%.4f", any ? "," : "", (long long)t, row[0], row[1], row[2], row[3],
              row[4], cpu);
      for (int k = 0; k < n_gw; k++) fprintf(j.f, ",%.0f", gw_last[k]);
      fputs("]", j.f);
      any = true;
      row[4] = -1;
      cpu = 0;
    }
    if (more <= 0) break;
    t = ts;
    const char *metric = dbr_text(&f->in, st, 2, "metrics", "name");
    double v = dbr_num(&f->in, st, 3, "samples", "value");
    if (strcmp(metric, "cpu") == 0) {
      if (v > cpu) cpu = v;
    } else if (strcmp(metric, "agents") == 0) {
      int64_t node = dbr_int(&f->in, st, 1, "samples", "node");
      for (int k = 0; k < n_gw; k++)
        if (gw_id[k] == node) gw_last[k] = v;
    } else {
      static const char *const cols[] = {"delivered_total", "queued_total", "dropped_total", "heartbeat_alerts",
                                         "latency_p99"};
      for (int k = 0; k < 5; k++)
        if (strcmp(metric, cols[k]) == 0) row[k] = v;
    }
  }
  sqlite3_finalize(st);
  free(gw_id);
  free(gw_last);
  fputs("]}", j.f);
  if (!(a->history = jclose(&j))) return -1;

  /* The story, the faults, the replay. */
  jopen(&j);
  if (!j.f) return -1;
  fputs("{\"lines\":[", j.f);
  st = aq(f, "SELECT " RR_CLOCK("t_us") " || '  ' || detail FROM events WHERE kind = 'timeline' ORDER BY t_us, id");
  for (int k = 0; st && dbr_step(&f->in, st, "events") > 0; k++) {
    if (k) fputs(",", j.f);
    cli_json_string(j.f, dbr_text(&f->in, st, 0, "events", "detail"));
  }
  sqlite3_finalize(st);
  fputs("]}", j.f);
  if (!(a->story = jclose(&j))) return -1;
  jopen(&j);
  if (!j.f) return -1;
  fputs("{\"faults\":[", j.f);
  st = aq(f, "SELECT name, start_us, detail FROM faults ORDER BY start_us, id");
  for (int k = 0; st && dbr_step(&f->in, st, "faults") > 0; k++) {
    fputs(k ? ",{\"id\":" : "{\"id\":", j.f);
    cli_json_string(j.f, dbr_text(&f->in, st, 0, "faults", "name"));
    fprintf(j.f, ",\"at_us\":%lld,\"target\":", (long long)dbr_int(&f->in, st, 1, "faults", "start_us"));
    cli_json_string(j.f, dbr_text(&f->in, st, 2, "faults", "detail"));
    fputs(",\"action\":\"\"}", j.f);
  }
  sqlite3_finalize(st);
  fputs("]}", j.f);
  if (!(a->faults = jclose(&j))) return -1;
  st = aq(f, "SELECT coalesce(replay_text, 'time,target,action' || char(10)) FROM runs");
  if (st && dbr_step(&f->in, st, "runs") > 0) a->replay = strdup(dbr_text(&f->in, st, 0, "runs", "replay_text"));
  sqlite3_finalize(st);
  a->replay_len = a->replay ? strlen(a->replay) : 0;
  return rr_failed(f) || !a->replay ? -1 : 0;
}

static void archive_handler(hs_conn *h, const hs_request *r, void *ctx) {
  archive_ctx *a = ctx;
  const serve_ctx *as = a->assets;
  if (strcmp(r->path, "/api/control") == 0) {
    if (strcmp(r->method, "POST") != 0)
      hs_reply(h, 405, NULL, "Allow: POST\r\n", "POST only\n", 10);
    else
      reply_json(h, 409, "{\"error\":\"a finished run is served read-only: nothing can be changed in it\"}");
    return;
  }
  if (strcmp(r->method, "GET") != 0) {
    hs_reply(h, 405, NULL, "Allow: GET\r\n", "GET only\n", 9);
  } else if (strcmp(r->path, "/") == 0) {
    hs_reply(h, 200, "text/html; charset=utf-8", NULL, serve_page_html, strlen(serve_page_html));
  } else if (strcmp(r->path, "/static/dygraph.min.js") == 0 && as->dygraph_js) {
    hs_reply(h, 200, "text/javascript", NULL, as->dygraph_js, as->dygraph_js_len);
  } else if (strcmp(r->path, "/static/dygraph.min.css") == 0 && as->dygraph_css) {
    hs_reply(h, 200, "text/css", NULL, as->dygraph_css, as->dygraph_css_len);
  } else if (strcmp(r->path, "/api/state") == 0) {
    reply_json(h, 200, a->state);
  } else if (strcmp(r->path, "/api/history") == 0) {
    reply_json(h, 200, a->history);
  } else if (strcmp(r->path, "/api/story") == 0) {
    reply_json(h, 200, a->story);
  } else if (strcmp(r->path, "/api/faults") == 0) {
    reply_json(h, 200, a->faults);
  } else if (strcmp(r->path, "/api/replay.csv") == 0) {
    hs_reply(h, 200, "text/csv; charset=utf-8", "Content-Disposition: attachment; filename=\"replay.csv\"\r\n",
             a->replay, a->replay_len);
  } else if (strcmp(r->path, "/favicon.ico") == 0) {
    hs_reply(h, 204, NULL, NULL, "", 0);
  } else if (strcmp(r->path, "/api/events") == 0) {
    hs_sse_begin(h); /* nothing will come: the run is over */
  } else {
    hs_reply(h, 404, NULL, NULL, "no such page\n", 13);
  }
}

static void archive_stopped(void *arg) { (void)arg; }

static void archive_signal(uv_signal_t *s, int signum) {
  archive_ctx *a = s->data;
  (void)signum;
  uv_close((uv_handle_t *)&a->sigint, close_handle);
  uv_close((uv_handle_t *)&a->sigterm, close_handle);
  if (a->http) hs_stop(a->http, archive_stopped, NULL);
  a->http = NULL;
}

/* Whether path is an SQLite file (by its first 16 bytes). */
static bool is_sqlite(const char *path) {
  char head[16] = "";
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

static int serve_archive(const char *file, const char *host, int port, const serve_ctx *assets) {
  rr_file f;
  char err[1024];
  if (rr_open(&f, file, err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    return EXIT_USAGE;
  }
  archive_ctx a = {.assets = assets};
  int rc = build_archive(&f, &a);
  if (rc) fprintf(stderr, "romsim: %s: %s\n", file, rr_failed(&f) ? rr_error(&f) : "out of memory");
  rr_close(&f);
  uv_loop_t loop;
  if (!rc && uv_loop_init(&loop) == 0) {
    a.http = hs_start(&loop, host, port, NULL, archive_handler, &a, err, sizeof err);
    if (!a.http) {
      fprintf(stderr, "romsim: serve: %s\n", err);
      rc = -1;
    } else {
      uv_signal_init(&loop, &a.sigint);
      uv_signal_init(&loop, &a.sigterm);
      a.sigint.data = a.sigterm.data = &a;
      uv_signal_start(&a.sigint, archive_signal, SIGINT);
      uv_signal_start(&a.sigterm, archive_signal, SIGTERM);
      printf("romsim serve: %s (%s run, read-only) at http://%s%s%s:%d/; Ctrl-C stops\n", f.scenario, f.status,
             strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", hs_port(a.http));
      fflush(stdout);
      uv_run(&loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop);
  }
  free(a.state);
  free(a.history);
  free(a.story);
  free(a.faults);
  free(a.replay);
  return rc ? EXIT_USAGE : 0;
}

/* ---- the command ---- */

/* A file of the charting library, or NULL when it is missing (the page
 * then says it has no charts). */
static char *asset(const char *path, size_t *len) {
  char err[256];
  return rm_read_file(path, len, "the charting library", err, sizeof err);
}

/* HOST:PORT (an IPv4 address or [IPv6]) into host and port. */
static int parse_listen(const char *s, char *host, size_t n, int *port) {
  const char *colon = strrchr(s, ':');
  if (!colon || colon == s) return -1;
  size_t hl = (size_t)(colon - s);
  if (s[0] == '[' && s[hl - 1] == ']') s++, hl -= 2;
  if (hl == 0 || hl >= n) return -1;
  memcpy(host, s, hl);
  host[hl] = 0;
  char *end;
  long p = strtol(colon + 1, &end, 10);
  if (!colon[1] || *end || p < 0 || p > 65535) return -1;
  *port = (int)p;
  return 0;
}

static bool loopback(const char *host) { return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0; }

int cmd_serve(int argc, char **argv) {
  const char *scenario = NULL, *out = NULL, *speed_arg = "60x", *listen = "127.0.0.1:8080", *token = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(serve_usage, stdout);
      return 0;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--speed") == 0 || strcmp(a, "--listen") == 0 ||
               strcmp(a, "--token") == 0) {
      if (i + 1 >= argc) return cli_usage_error("serve: %s needs a value (try romsim serve --help)", a);
      const char *v = argv[++i];
      if (a[1] == 'o')
        out = v;
      else if (a[2] == 's')
        speed_arg = v;
      else if (a[2] == 'l')
        listen = v;
      else
        token = v;
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("serve: unknown option '%s' (try romsim serve --help)", a);
    } else if (scenario) {
      return cli_usage_error("serve: one scenario at a time ('%s' and '%s')", scenario, a);
    } else {
      scenario = a;
    }
  }
  if (!scenario) return cli_usage_error("serve: which scenario? (usage: romsim serve SCENARIO [--speed 60x|max])");
  double speed = parse_speed(speed_arg);
  if (speed < 0) return cli_usage_error("serve: --speed is max or Nx (such as 60x), not '%s'", speed_arg);
  char host[256];
  int port;
  if (parse_listen(listen, host, sizeof host, &port))
    return cli_usage_error("serve: --listen is HOST:PORT (such as 127.0.0.1:8080), not '%s'", listen);
  if (token && (strlen(token) < 8 || strlen(token) >= 80))
    return cli_usage_error("serve: --token must be 8 to 79 characters");
  if (out && !*out) return cli_usage_error("serve: -o needs a file name");
  if (is_sqlite(scenario)) {
    if (out || token || strcmp(speed_arg, "60x") != 0)
      return cli_usage_error("serve: %s is a results file, served read-only: -o, --speed and --token are for a "
                             "scenario", scenario);
    serve_ctx assets = {0};
    assets.dygraph_js = asset(DYGRAPHS_JS, &assets.dygraph_js_len);
    assets.dygraph_css = asset(DYGRAPHS_CSS, &assets.dygraph_css_len);
    int rc = serve_archive(scenario, host, port, &assets);
    free(assets.dygraph_js);
    free(assets.dygraph_css);
    return rc;
  }

  serve_ctx *c = calloc(1, sizeof *c);
  if (!c) return cli_usage_error("out of memory");
  int rc = EXIT_USAGE;
  char err[1024];
  if (rm_scenario_load(&c->sc, scenario, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    free(c);
    return EXIT_USAGE;
  }
  char owned_out[4096];
  if (!out) cli_with_suffix(scenario, false, ".db", owned_out, sizeof owned_out);
  c->out_path = out ? out : owned_out;
  c->scenario_path = scenario;
  c->speed = speed;
  c->status = "running";
  c->sample_sent = -1;
  /* The session's replay says it is one, so that romsim run --replay takes
   * its lines as they came (rm_replay.h). */
  static const char header[] = RM_REPLAY_LIVE ": each line as it came, none known before it acted\n"
                               "time,target,action\n";
  c->session = strdup(header);
  c->session_len = sizeof header - 1;
  c->session_lines = 2;
  c->sc.replay_live = true;
  c->dygraph_js = asset(DYGRAPHS_JS, &c->dygraph_js_len);
  c->dygraph_css = asset(DYGRAPHS_CSS, &c->dygraph_css_len);
  c->loopback = loopback(host);
  c->need_token = token || !c->loopback;
  if (token) {
    snprintf(c->token, sizeof c->token, "%s", token);
  } else if (c->need_token) {
    /* A token from the kernel's randomness. */
    unsigned char rnd[16];
    if (uv_random(NULL, NULL, rnd, sizeof rnd, 0, NULL) != 0) {
      cli_usage_error("serve: cannot draw a token");
      goto done;
    }
    for (size_t k = 0; k < sizeof rnd; k++) snprintf(c->token + 2 * k, 3, "%02x", rnd[k]);
  }
  const char *inputs[] = {scenario, NULL};
  if (!c->session || cli_check_output("serve", c->out_path, "the results file", inputs)) goto done;
  rs_run_info info = {.scenario_name = c->sc.name, .scenario_file = scenario, .scenario_text = c->sc.text,
                      .seed = c->sc.seed, .version = ROMSIM_VERSION, .duration = c->sc.duration};
  c->res = rs_results_open(c->out_path, &info, err, sizeof err);
  if (!c->res) {
    fprintf(stderr, "romsim: %s\n", err);
    goto done;
  }
  rs_sim_init(&c->sim);
  if (rm_group_build(&c->group, &c->sc, &c->sim, c->res, err, sizeof err)) {
    fprintf(stderr, "romsim: %s: %s\n", scenario, err);
    rs_results_abandon(c->res);
    c->res = NULL;
    goto done_sim;
  }
  c->built = true;
  rm_group_start(&c->group);
  if (uv_loop_init(&c->loop) != 0) {
    rs_results_abandon(c->res);
    c->res = NULL;
    cli_usage_error("cannot start the event loop");
    goto done_sim;
  }
  hs_limits lim = hs_default_limits();
  c->http = hs_start(&c->loop, host, port, &lim, handler, c, err, sizeof err);
  if (!c->http) {
    rs_results_abandon(c->res);
    c->res = NULL;
    cli_usage_error("serve: %s", err);
    uv_loop_close(&c->loop);
    goto done_sim;
  }
  uv_signal_init(&c->loop, &c->sigint);
  uv_signal_init(&c->loop, &c->sigterm);
  c->sigint.data = c->sigterm.data = c;
  uv_signal_start(&c->sigint, on_signal, SIGINT);
  uv_signal_start(&c->sigterm, on_signal, SIGTERM);
  uv_timer_init(&c->loop, &c->pace);
  c->pace.data = c;
  c->wall_last = uv_hrtime();
  uv_idle_init(&c->loop, &c->flat);
  c->flat.data = c;
  set_pace(c);
  printf("romsim serve: %s at http://%s%s%s:%d/ (speed %s); Ctrl-C stops\n", c->sc.name, strchr(host, ':') ? "[" : "",
         host, strchr(host, ':') ? "]" : "", hs_port(c->http), speed_arg);
  if (c->need_token) printf("romsim serve: requests that change anything need the header X-Romsim-Token: %s\n", c->token);
  if (!c->dygraph_js) printf("romsim serve: %s is missing (apt-get install libjs-dygraphs): no charts\n", DYGRAPHS_JS);
  fflush(stdout);
  uv_run(&c->loop, UV_RUN_DEFAULT);
  uv_loop_close(&c->loop);
  if (strcmp(c->status, "failed") == 0) {
    fprintf(stderr, "romsim: %s: the run failed: %s\n", scenario, c->err);
    rc = EXIT_USAGE;
  } else if (strcmp(c->status, "complete") == 0) {
    rc = c->failed ? EXIT_FAILED : EXIT_HELD;
  } else {
    rc = EXIT_INTERRUPTED;
  }
done_sim:
  if (c->built) rm_group_free(&c->group);
  rs_sim_free(&c->sim);
done:
  free(c->session);
  free(c->history);
  free(c->dygraph_js);
  free(c->dygraph_css);
  rm_scenario_free(&c->sc);
  free(c);
  return rc;
}
