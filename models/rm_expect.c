/* rm_expect: judging a scenario's expectations at the end of a run, each
 * over its phase: the whole run, or before, during or after a fault, from
 * what the run measured (rm_measure.h: g->m) and the watchers' logs; the
 * verdicts are kept in g->m.verdicts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_units.h"

/* Append printf-style text to a verdict's detail. */
static void say(rm_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(rm_verdict *v, const char *fmt, ...) {
  size_t used = strlen(v->detail);
  if (used >= sizeof v->detail - 1) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->detail + used, sizeof v->detail - used, fmt, ap);
  va_end(ap);
}

/* A time measured against a limit: in whole seconds, as times are shown,
 * unless that would make one over the limit read as the limit itself (a
 * failover of 2m0s50ms against 2m): then to the microsecond. Limits are
 * shown exactly, as written. */
static char *measured(rs_time_t t, rs_time_t limit, char *buf, size_t n) {
  char l[32];
  rs_duration_format(t, buf, n);
  if (t > limit && strcmp(buf, rs_duration_format(limit, l, sizeof l)) == 0) rs_duration_format_exact(t, buf, n);
  return buf;
}

/* The window [a, b] of an expectation, both ends included; false when it
 * is empty (after a fault that never ends). */
static bool window(const rm_group *g, const rm_expect_spec *x, rs_time_t end, rs_time_t *a, rs_time_t *b) {
  *a = 0;
  *b = end;
  if (x->phase == RM_PHASE_RUN) return true;
  if (x->phase == RM_PHASE_BUSIEST) {
    const rm_busiest *bi = &g->m.busiest[RM_BUSIEST_DATA];
    if (bi->t < 0) return false;
    *a = bi->from;
    *b = bi->t;
    return true;
  }
  const rm_fault_window *w = &g->timeline.windows[x->fault];
  rs_time_t fe = w->end == RS_TIME_MAX || w->end > end ? end : w->end;
  /* Before: up to the fault's first step, not including it; during: from
   * it to its last step (the recovery) included; after: from just after. */
  switch (x->phase) {
  case RM_PHASE_BEFORE: *b = (w->start < end ? w->start : end) - 1; break;
  case RM_PHASE_DURING: *a = w->start, *b = fe; break;
  case RM_PHASE_AFTER: *a = fe + 1; break;
  default: break;
  }
  return !(x->phase == RM_PHASE_AFTER && (w->end == RS_TIME_MAX || w->end >= end));
}

/* Bytes dropped by the end of window [.., t]: the first mark at or after t
 * (a fault step leaves one just before it runs), or the total at the end. */
static int64_t dropped_by(const rm_group *g, rs_time_t t, rs_time_t end) {
  if (t >= end) return g->m.dropped_total;
  for (int64_t i = 0; i < g->m.n_marks; i++)
    if (g->m.marks[i].t >= t) return g->m.marks[i].dropped;
  return g->m.dropped_total;
}

/* Bytes dropped before window [t, ..]: the last mark at or before t. */
static int64_t dropped_before(const rm_group *g, rs_time_t t) {
  int64_t d = 0;
  for (int64_t i = 0; i < g->m.n_marks && g->m.marks[i].t <= t; i++) d = g->m.marks[i].dropped;
  return d;
}

static void judge_capacity(rm_group *g, rm_verdict *v, bool whole, rs_time_t a, rs_time_t b, rs_time_t end) {
  int over = 0;
  char at[32], dur[32];
  for (int64_t i = 0; i < g->m.n_limits; i++) {
    const rm_limit_episode *e = &g->m.limits[i];
    rs_time_t e_end = e->end < 0 ? end : e->end;
    if (e->start > b || e_end <= a) continue;
    if (over++ >= 12) continue;
    rs_clock_format(e->start, at, sizeof at);
    rs_duration_format(e_end - e->start, dur, sizeof dur);
    if (e->node->role == RM_ESSENTIALS) {
      const rm_essentials *es = (const rm_essentials *)(const void *)e->node;
      say(v, "%s%s manages %d servers and %d clients, over %d and %d", over > 1 ? "; " : "", e->node->name,
          es->servers, es->clients, g->p->ess_servers, g->p->ess_clients);
    } else {
      say(v, "%s%s %lld/%lld from %s for %s", over > 1 ? "; " : "", e->node->name, (long long)e->peak,
          (long long)e->node->limit, at, dur);
    }
  }
  if (over > 12) say(v, "; and %d more", over - 12);
  v->held = over == 0;
  if (v->held && !whole) {
    say(v, "no node over its limit in this phase");
  } else if (v->held) {
    const rm_node *ms = rm_measure_peak(g, RM_MS), *gw = rm_measure_peak(g, RM_GATEWAY);
    say(v, "every node within its limit: peak management server %s %lld/%lld, peak gateway %s %lld/%lld", ms->name,
        (long long)ms->m.peak_agents, (long long)ms->limit, gw->name, (long long)gw->m.peak_agents,
        (long long)gw->limit);
  }
}

static void judge_data(rm_group *g, const rm_expect_spec *x, rm_verdict *v, rs_time_t a, rs_time_t b, rs_time_t end) {
  char s1[32], s2[32], s3[32];
  int64_t lost = dropped_by(g, b, end) - (a == 0 ? 0 : dropped_before(g, a));
  int64_t allowed = x->kind == RM_EX_DATA_LOST_AT_MOST ? x->bytes : 0;
  v->held = lost <= allowed;
  if (lost == 0) {
    say(v, "no byte dropped");
  } else {
    say(v, "%s dropped (%lld bytes)", rm_size_format(lost, s1, sizeof s1), (long long)lost);
  }
  if (x->kind == RM_EX_DATA_LOST_AT_MOST) say(v, "; at most %s allowed", rm_size_format(allowed, s1, sizeof s1));
  if (x->phase != RM_PHASE_RUN) return;
  say(v, "; %s generated, %s stored, %s still queued", rm_size_format(g->m.generated, s1, sizeof s1),
      rm_size_format(g->m.delivered, s2, sizeof s2), rm_size_format(rm_measure_queued(g), s3, sizeof s3));
  int64_t stranded = 0;
  for (rm_role r = RM_MS; r <= RM_AGENT; r++)
    for (int64_t i = 0; i < rm_group_count(g, r); i++) {
      const rm_node *n = rm_group_node(g, r, i);
      if (n->state != RM_UP) stranded += n->spool.bytes;
    }
  if (stranded) say(v, " (%s of it on nodes still down at the end)", rm_size_format(stranded, s1, sizeof s1));
  static const rm_role roles[] = {RM_AGENT, RM_ESSENTIALS, RM_GATEWAY, RM_MS};
  for (size_t k = 0; k < sizeof roles / sizeof roles[0] && lost; k++) {
    int64_t d = rm_measure_dropped_role(g, roles[k]);
    if (d) say(v, "; %s %s", rm_role_name(roles[k]), rm_size_format(d, s1, sizeof s1));
  }
}

static void judge_failover(rm_group *g, const rm_expect_spec *x, rm_verdict *v, rs_time_t a, rs_time_t b,
                           rs_time_t end) {
  char d[32], lim[32], at[32];
  int64_t n = 0, late = 0, worst = -1;
  rs_time_t worst_t = -1;
  for (int64_t i = 0; i < g->m.n_link_outages; i++) {
    const rm_link_outage *o = &g->m.link_outages[i];
    if (o->start < a || o->start > b) continue;
    rs_time_t t = (o->end < 0 ? end : o->end) - o->start;
    n++;
    if (t > x->within) late++;
    if (t > worst_t) worst_t = t, worst = i;
  }
  rs_duration_format_exact(x->within, lim, sizeof lim);
  v->held = late == 0;
  if (!n) {
    say(v, "no connection was lost (limit %s)", lim);
    return;
  }
  const rm_link_outage *o = &g->m.link_outages[worst];
  rs_clock_format(o->start, at, sizeof at);
  measured(worst_t, x->within, d, sizeof d);
  if (o->end < 0)
    say(v, "%s has had no parent since %s (%s by the end)", o->owner->name, at, d);
  else if (o->cut)
    say(v, "slowest: %s lost its parent at %s and failed itself %s later, still without one", o->owner->name, at, d);
  else
    say(v, "slowest: %s reconnected %s after losing its parent at %s", o->owner->name, d, at);
  say(v, "; limit %s; %lld of %lld connections lost were late", lim, (long long)late, (long long)n);
}

static void judge_alert_within(rm_group *g, const rm_expect_spec *x, rm_verdict *v, rs_time_t a, rs_time_t b,
                               rs_time_t end) {
  const rm_watchers *w = &g->watch;
  const rm_params *p = g->p;
  rs_time_t detect = (p->missed_heartbeats + 1) * p->heartbeat_interval;
  char lim[32], d[32], at[32];
  int64_t n = 0, late = 0, shorts = 0, worst = -1;
  rs_time_t worst_t = -1;
  bool worst_missed = false;
  for (int64_t i = 0; i < w->n_outages; i++) {
    const rm_agent_outage *o = &w->outages[i];
    if (o->start < a || o->start > b || !rm_watchers_alerts_for(g, o->agent)) continue;
    rs_time_t t;
    bool missed = false;
    if (o->alerted >= 0) {
      t = o->alerted - o->start;
    } else if (o->end < 0 ? end - o->start > x->within : o->end - o->start >= detect) {
      /* No alert: down past the limit at the end, or long enough that one was due. */
      t = (o->end < 0 ? end : o->end) - o->start;
      missed = true;
    } else {
      shorts++; /* too short to be detected, or still within the limit at the end */
      continue;
    }
    n++;
    if (missed || t > x->within) late++;
    if (t > worst_t || (missed && !worst_missed && t == worst_t)) worst_t = t, worst = i, worst_missed = missed;
  }
  rs_duration_format_exact(x->within, lim, sizeof lim);
  v->held = late == 0;
  if (!n) {
    say(v, "no outage of an agent that raises heartbeat alerts to judge (limit %s)", lim);
  } else {
    const rm_agent_outage *o = &w->outages[worst];
    const char *name = g->agents[o->agent].node.name;
    rs_clock_format(o->start, at, sizeof at);
    measured(worst_t, x->within, d, sizeof d);
    if (worst_missed)
      say(v, "%s went down at %s and no alert came in %s; limit %s", name, at, d, lim);
    else
      say(v, "slowest: %s alerted %s after it went down at %s; limit %s", name, d, at, lim);
    say(v, "; %lld of %lld outages late", (long long)late, (long long)n);
  }
  if (shorts) say(v, "; %lld too short to be detected or still within the limit at the end", (long long)shorts);
}

static void judge_backlog(rm_group *g, const rm_expect_spec *x, rm_verdict *v, rs_time_t end) {
  const rm_fault_window *fw = &g->timeline.windows[x->fault];
  char s1[32], s2[32], at[32], d[32], lim[32];
  rs_duration_format_exact(x->within, lim, sizeof lim);
  if (fw->end == RS_TIME_MAX || fw->end >= end) {
    v->held = false;
    say(v, "the fault did not end before the end of the run; limit %s", lim);
    return;
  }
  int64_t before = 0, at_end = -1;
  rs_time_t drained = -1;
  for (int64_t i = 0; i < g->m.n_marks; i++) {
    const rm_mark *mk = &g->m.marks[i];
    if (mk->queued < 0) continue;
    if (mk->t <= fw->start) before = mk->queued;
    if (mk->t >= fw->end && at_end < 0) at_end = mk->queued;
  }
  int64_t level = before + before / 2 + g->p->max_batch;
  for (int64_t i = 0; i < g->m.n_marks; i++) {
    const rm_mark *mk = &g->m.marks[i];
    if (mk->queued >= 0 && mk->t >= fw->end && mk->queued <= level) {
      drained = mk->t;
      break;
    }
  }
  rs_clock_format(fw->end, at, sizeof at);
  say(v, "%s queued at the first sample after the fault ended at %s; ", rm_size_format(at_end < 0 ? 0 : at_end, s1, sizeof s1),
      at);
  if (drained < 0) {
    v->held = false;
    say(v, "still above its level before the fault (%s) at the end; limit %s", rm_size_format(level, s2, sizeof s2),
        lim);
    return;
  }
  v->held = drained - fw->end <= x->within;
  say(v, "back under its level before it (%s) %s after (at %s, sampled every %s); limit %s",
      rm_size_format(level, s2, sizeof s2), measured(drained - fw->end, x->within, d, sizeof d),
      rs_clock_format(drained, at, sizeof at), rs_duration_format(g->sc->sample_every, s1, sizeof s1), lim);
}

/* The agents a list of names and selectors gives, as flags per agent. */
static void select_agents(rm_group *g, const rm_expect_spec *x, uint8_t *in) {
  bool role_done[3] = {false, false, false}; /* role:agent, role:server, role:client: once each */
  for (int i = 0; i < x->n_agents; i++) {
    const char *t = x->agents[i];
    const char *c = strncmp(t, "agents:", 7) == 0 ? t + 7 : strncmp(t, "customer:", 9) == 0 ? t + 9 : NULL;
    int role = strcmp(t, "role:agent") == 0 ? 0 : strcmp(t, "role:server") == 0 ? 1 : strcmp(t, "role:client") == 0 ? 2 : -1;
    if (c) {
      int first, n;
      if (rm_group_customer(g, c, &first, &n)) continue;
      for (int e = first; e < first + n; e++) {
        const rm_essentials *es = &g->ess[e];
        memset(in + es->first_agent, 1, (size_t)(es->servers + es->clients));
      }
    } else if (role >= 0) {
      if (role_done[role]) continue;
      role_done[role] = true;
      for (int64_t a = 0; a < g->n_agents; a++)
        if (role == 0 || g->agents[a].server == (role == 1)) in[a] = 1;
    } else {
      rm_node *n = rm_group_find(g, t);
      if (n && n->role == RM_AGENT) in[RS_CONTAINER_OF(n, rm_agent, node) - g->agents] = 1;
    }
  }
}

static void judge_alert_set(rm_group *g, const rm_expect_spec *x, rm_verdict *v, rs_time_t a, rs_time_t b) {
  uint8_t *want = calloc((size_t)(g->n_agents ? g->n_agents : 1), 1);
  uint8_t *got = calloc((size_t)(g->n_agents ? g->n_agents : 1), 1);
  if (!want || !got) {
    free(want);
    free(got);
    v->held = false;
    say(v, "out of memory judging it");
    return;
  }
  select_agents(g, x, want);
  for (int64_t i = 0; i < g->watch.n_alerts_log; i++) {
    const rm_alert *al = &g->watch.alerts_log[i];
    if (al->t >= a && al->t <= b) got[al->agent] = 1;
  }
  int64_t n_want = 0, n_got = 0, missing = 0, extra = 0;
  char miss_names[256] = "", extra_names[256] = "";
  for (int64_t k = 0; k < g->n_agents; k++) {
    n_want += want[k];
    n_got += got[k] && want[k];
    if (want[k] && !got[k] && missing++ < 4) {
      size_t u = strlen(miss_names);
      snprintf(miss_names + u, sizeof miss_names - u, "%s%s", u ? ", " : "", g->agents[k].node.name);
    }
    if (!want[k] && got[k] && x->kind == RM_EX_ALERTS_FOR && extra++ < 4) {
      size_t u = strlen(extra_names);
      snprintf(extra_names + u, sizeof extra_names - u, "%s%s", u ? ", " : "", g->agents[k].node.name);
    }
  }
  if (x->kind == RM_EX_ALERTS_FOR) {
    v->held = missing == 0 && extra == 0;
    say(v, "%lld of the %lld agents expected alerted", (long long)n_got, (long long)n_want);
    if (missing) say(v, "; no alert for %s%s", miss_names, missing > 4 ? ", ..." : "");
    if (extra) say(v, "; alerts also for %s%s", extra_names, extra > 4 ? ", ..." : "");
  } else {
    v->held = n_got == 0;
    say(v, "%lld of the %lld agents alerted", (long long)n_got, (long long)n_want);
    if (n_got) {
      char names[256] = "";
      int64_t shown = 0;
      for (int64_t k = 0; k < g->n_agents && shown < 4; k++)
        if (want[k] && got[k]) {
          size_t u = strlen(names);
          snprintf(names + u, sizeof names - u, "%s%s", shown++ ? ", " : "", g->agents[k].node.name);
        }
      say(v, ": %s%s", names, n_got > 4 ? ", ..." : "");
    }
  }
  free(want);
  free(got);
}

/* Whether server s is one expectation x looks at. */
static bool watched(const rm_expect_spec *x, const rm_server *s) {
  if (x->hw_role >= 0 && (int)s->role != x->hw_role) return false;
  return !x->server || strcmp(x->server, s->node->name) == 0;
}

void rm_expect_sample(rm_group *g, rs_time_t now) {
  const rm_scenario *sc = g->sc;
  if (!g->m.watches) return;
  for (int i = 0; i < sc->n_expect; i++) {
    const rm_expect_spec *x = &sc->expect[i];
    rm_expect_watch *w = &g->m.watches[i];
    rs_time_t a, b;
    if (x->kind != RM_EX_UTILIZATION_BELOW && x->kind != RM_EX_DATABASE_BELOW && x->kind != RM_EX_PEAK_LATENCY_BELOW)
      continue;
    /* At the busiest interval: this sample alone, kept if it ends the new
     * busiest interval (rm_expect_busiest). */
    if (x->phase == RM_PHASE_BUSIEST) {
      w = &g->m.watch_cand[i];
      *w = (rm_expect_watch){0};
    } else {
      if (x->phase != RM_PHASE_RUN && g->timeline.windows[x->fault].start > sc->duration) continue;
      /* A sample at now measures (now - sample_every, now]: it counts in a
       * window it overlaps, past the window's start. */
      if (!window(g, x, sc->duration, &a, &b) || now <= a || now - sc->sample_every >= b) continue;
    }
    w->samples++;
    bool over = false;
    if (x->kind == RM_EX_PEAK_LATENCY_BELOW) {
      /* The p99 of the data stored since the previous sample. */
      if (g->m.latency_sample.total > 0) {
        double p99 = (double)rs_hist_quantile(&g->m.latency_sample, 0.99);
        if (p99 > w->worst || w->at == 0) w->worst = p99, w->at = now;
        if (p99 >= (double)x->within) over = true;
      }
    } else if (x->kind == RM_EX_DATABASE_BELOW) {
      const rm_dbsize *db[2] = {&g->opsdb, &g->dw};
      for (int d = 0; d < 2; d++) {
        double size = rm_dbsize_size(db[d]);
        if (size > w->db_peak[d]) w->db_peak[d] = size, w->db_at[d] = now;
        if (x->db_bytes[d] > 0 && size >= (double)x->db_bytes[d]) over = true;
      }
    } else if (x->hosts) {
      /* Hosts: their processors busy and the memory committed to them. */
      for (int h = x->host < 0 ? 0 : x->host; h < (x->host < 0 ? g->n_hosts : x->host + 1); h++) {
        const rm_host *ho = &g->hosts[h];
        const double util[RM_RESOURCES] = {[RM_RES_CPU] = ho->cpu, [RM_RES_MEMORY] = ho->memory};
        for (int r = 0; r < RM_RESOURCES; r++) {
          if (x->util[r] <= 0) continue;
          double ratio = util[r] / x->util[r];
          if (ratio >= 1) over = true;
          if (ratio > w->worst || !w->host) {
            w->worst = ratio;
            w->host = ho;
            w->resource = r;
            w->value = util[r];
            w->at = now;
            w->asked = ho->asked / ho->model->processors;
          }
        }
      }
    } else {
      for (int k = 0; k < g->n_servers; k++) {
        const rm_server *s = &g->servers[k];
        if (!watched(x, s)) continue;
        for (int r = 0; r < RM_RESOURCES; r++) {
          if (x->util[r] <= 0) continue;
          double ratio = s->util[r] / x->util[r];
          if (ratio >= 1) over = true;
          if (ratio > w->worst || !w->server) {
            w->worst = ratio;
            w->server = s;
            w->resource = r;
            w->value = s->util[r];
            w->at = now;
          }
        }
      }
    }
    if (over) w->over++;
  }
}

void rm_expect_busiest(rm_group *g) {
  for (int i = 0; g->m.watches && i < g->sc->n_expect; i++)
    if (g->sc->expect[i].phase == RM_PHASE_BUSIEST) g->m.watches[i] = g->m.watch_cand[i];
}

static void judge_utilization(rm_group *g, const rm_expect_spec *x, const rm_expect_watch *w, rm_verdict *v) {
  char at[32];
  v->held = w->over == 0;
  if (w->samples == 0) {
    say(v, "no sample fell in its window (sampled every %s)",
        rs_duration_format(g->sc->sample_every, at, sizeof at));
    v->held = false;
    return;
  }
  if (x->hosts) {
    if (!w->host) { /* a host's index is checked when the scenario is read: memory ran out */
      say(v, "no host was measured");
      v->held = false;
      return;
    }
    say(v, "highest against its limit: %s %s %.1f %% (limit %.0f %%) at %s", w->host->spec->name,
        rm_resource_name((rm_resource)w->resource), w->value * 100, x->util[w->resource] * 100,
        rs_clock_format(w->at / RS_SEC * RS_SEC, at, sizeof at));
    if (w->resource == RM_RES_CPU && w->asked > 1)
      say(v, ", its servers asking for %.0f %% of its processors (overcommitted)", w->asked * 100);
    if (w->resource == RM_RES_MEMORY && w->value > 1) say(v, " (overcommitted)");
    say(v, "; %lld of %lld samples over a limit", (long long)w->over, (long long)w->samples);
    return;
  }
  if (!w->server) {
    say(v, "no server %s", x->server ? "of that name" : "of that role");
    v->held = false;
    return;
  }
  say(v, "highest against its limit: %s %s %.1f %% (limit %.0f %%) at %s; %lld of %lld samples over a limit",
      w->server->node->name, rm_resource_name((rm_resource)w->resource), w->value * 100, x->util[w->resource] * 100,
      rs_clock_format(w->at / RS_SEC * RS_SEC, at, sizeof at), (long long)w->over, (long long)w->samples);
  if (w->resource == RM_RES_DISK) {
    const rm_server *s = w->server;
    int worst = 0;
    for (int d = 1; d < RM_DISK_GROUPS; d++)
      if (s->peak_disk[d] > s->peak_disk[worst]) worst = d;
    say(v, " (its busiest disks over the run: %s)", rm_disk_group_name((rm_disk_group)worst));
  }
}

static void judge_peak_latency(const rm_expect_spec *x, const rm_expect_watch *w, rm_verdict *v) {
  char at[32], lim[32];
  v->held = w->over == 0 && w->samples > 0;
  if (w->samples == 0) {
    say(v, "no sample fell in its window");
    return;
  }
  say(v, "the highest p99 latency of a sample's interval: %.1f s, at %s (limit %s); %lld of %lld samples at or "
         "over it",
      w->worst / 1e6, rs_clock_format(w->at / RS_SEC * RS_SEC, at, sizeof at),
      rs_duration_format(x->within, lim, sizeof lim), (long long)w->over, (long long)w->samples);
}

static void judge_database(const rm_expect_spec *x, const rm_expect_watch *w, rm_verdict *v) {
  static const char *const names[2] = {"the OperationsManager database", "the data warehouse"};
  char a[32], b[32], at[32];
  v->held = w->over == 0 && w->samples > 0;
  if (w->samples == 0) {
    say(v, "no sample fell in its window");
    return;
  }
  bool first = true;
  for (int d = 0; d < 2; d++) {
    if (x->db_bytes[d] <= 0) continue;
    say(v, "%s%s reached %s at %s (limit %s)", first ? "" : "; ", names[d], rm_size_format((int64_t)w->db_peak[d], a, sizeof a),
        rs_clock_format(w->db_at[d] / RS_SEC * RS_SEC, at, sizeof at), rm_size_format(x->db_bytes[d], b, sizeof b));
    first = false;
  }
}

int rm_group_judge(rm_group *g, rs_time_t end) {
  static const rm_expect_watch none; /* when memory ran out for the watches: nothing seen (g->nomem says so) */
  const rm_scenario *sc = g->sc;
  int failed = 0;
  rm_pops_settle(g); /* the ticks until the end */
  rm_measure_age_queued(g, end);
  free(g->m.verdicts);
  g->m.n_verdicts = 0;
  g->m.verdicts = calloc((size_t)(sc->n_expect ? sc->n_expect : 1), sizeof *g->m.verdicts);
  if (!g->m.verdicts) return sc->n_expect;
  for (int i = 0; i < sc->n_expect; i++) {
    const rm_expect_spec *x = &sc->expect[i];
    rm_verdict *v = &g->m.verdicts[g->m.n_verdicts++];
    rs_time_t a, b;
    v->name = x->name;
    v->held = true;
    char when[32];
    if (x->phase == RM_PHASE_BUSIEST && g->m.busiest[RM_BUSIEST_DATA].t < 0) {
      v->held = false;
      say(v, "no interval of the run was sampled with data generated: no busiest interval to judge");
    } else if (x->phase == RM_PHASE_BUSIEST && !(window(g, x, end, &a, &b))) {
      v->held = false;
    } else if (x->phase != RM_PHASE_RUN && x->phase != RM_PHASE_BUSIEST && g->timeline.windows[x->fault].start > end) {
      v->held = false;
      say(v, "the fault %s did not happen within the run (at %s)", sc->faults[x->fault].id,
          rs_clock_format(g->timeline.windows[x->fault].start, when, sizeof when));
    } else if (!window(g, x, end, &a, &b)) {
      v->held = false;
      say(v, "the fault %s did not end before the end of the run: there is no after", sc->faults[x->fault].id);
    } else {
      if (x->phase == RM_PHASE_BUSIEST) {
        char s1[32], s2[32];
        say(v, "[the busiest interval by data, %s to %s] ", rs_clock_format(a, s1, sizeof s1),
            rs_clock_format(b, s2, sizeof s2));
      } else if (x->phase != RM_PHASE_RUN) {
        char s1[32], s2[32];
        rs_time_t sa = x->phase == RM_PHASE_AFTER ? a - 1 : a, sb = x->phase == RM_PHASE_BEFORE ? b + 1 : b;
        say(v, "[%s %s to %s%s] ", x->phase == RM_PHASE_AFTER ? "after" : "from", rs_clock_format(sa, s1, sizeof s1),
            rs_clock_format(sb, s2, sizeof s2), x->phase == RM_PHASE_BEFORE ? ", before it" : "");
      }
      switch (x->kind) {
      case RM_EX_CAPACITY_HELD: judge_capacity(g, v, x->phase == RM_PHASE_RUN, a, b, end); break;
      case RM_EX_NO_DATA_LOST:
      case RM_EX_DATA_LOST_AT_MOST: judge_data(g, x, v, a, b, end); break;
      case RM_EX_FAILOVER_WITHIN: judge_failover(g, x, v, a, b, end); break;
      case RM_EX_ALERT_WITHIN: judge_alert_within(g, x, v, a, b, end); break;
      case RM_EX_BACKLOG_DRAINED: judge_backlog(g, x, v, end); break;
      case RM_EX_UTILIZATION_BELOW: judge_utilization(g, x, g->m.watches ? &g->m.watches[i] : &none, v); break;
      case RM_EX_DATABASE_BELOW: judge_database(x, g->m.watches ? &g->m.watches[i] : &none, v); break;
      case RM_EX_PEAK_LATENCY_BELOW: judge_peak_latency(x, g->m.watches ? &g->m.watches[i] : &none, v); break;
      default: judge_alert_set(g, x, v, a, b);
      }
    }
    if (g->nomem || g->watch.nomem) {
      v->held = false;
      say(v, " (memory ran out while logging the run: not judged reliably)");
    }
    if (!v->held) failed++;
    if (g->res && rs_results_expectation(g->res, v->name, v->held, v->detail)) {
      g->error = -1;
      snprintf(g->errmsg, sizeof g->errmsg, "%s", rs_results_errmsg(g->res));
    }
  }
  if (g->res) {
    const struct {
      const char *key;
      double v;
    } figs[] = {
        {"generated_bytes", (double)g->m.generated},
        {"delivered_bytes", (double)g->m.delivered},
        {"queued_bytes", (double)rm_measure_queued(g)},
        {"dropped_bytes", (double)rm_measure_dropped(g)},
        {"heartbeat_alerts", (double)g->watch.alerts},
        {"connect_alerts", (double)g->watch.connect_alerts},
        {"heartbeats", (double)g->watch.heartbeats},
        {"latency_p50_ms", (double)rs_hist_quantile(&g->m.latency, 0.50) / 1e3},
        {"latency_p95_ms", (double)rs_hist_quantile(&g->m.latency, 0.95) / 1e3},
        {"latency_p99_ms", (double)rs_hist_quantile(&g->m.latency, 0.99) / 1e3},
        {"rms_failovers", (double)g->rms.failovers},
        {"sql_failovers", (double)g->sql.failovers},
        {"random_failures", (double)g->timeline.random_failures},
        {"threshold_cpu", sc->hw.threshold[RM_RES_CPU]},
        {"threshold_disk", sc->hw.threshold[RM_RES_DISK]},
        {"threshold_network", sc->hw.threshold[RM_RES_NETWORK]},
        {"threshold_memory", sc->hw.threshold[RM_RES_MEMORY]},
        {"opsdb_peak_bytes", g->opsdb.peak},
        {"dw_peak_bytes", g->dw.peak},
    };
    for (size_t k = 0; k < sizeof figs / sizeof figs[0]; k++)
      if (rs_results_figure(g->res, figs[k].key, figs[k].v) && !g->error) {
        g->error = -1;
        snprintf(g->errmsg, sizeof g->errmsg, "%s", rs_results_errmsg(g->res));
      }
    /* The busiest intervals, as events of kind peak at their start (the
     * report marks them). */
    for (int k = 0; k < RM_BUSIEST_KINDS; k++) {
      char line[512];
      const rm_busiest *b = &g->m.busiest[k];
      if (!rm_busiest_text(g, k, line, sizeof line)) continue;
      if (rs_results_event(g->res, b->from, b->queue_node ? b->queue_node->id : -1, "peak", line) && !g->error) {
        g->error = -1;
        snprintf(g->errmsg, sizeof g->errmsg, "%s", rs_results_errmsg(g->res));
      }
    }
  }
  return failed;
}
