/* rm_story: folding a run's events into its story (see rm_story.h). */
#include "rm_story.h"

#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_units.h"

/* The kinds told, and how a folded line says them. */
static const struct {
  const char *kind;
  const char *many;         /* what a count of them are, as in "12 senders fail over" */
  bool agents;              /* say the agents concerned */
  bool figures;             /* say bytes queued and lost so far */
} told[] = {
    {"host_down", "hosts go down", false, true},
    {"host_up", "hosts are back", false, true},
    {"host_busy", "hosts are asked for more processors than they have", false, true},
    {"host_calm", "hosts are no longer overcommitted", false, false},
    {"crash", "nodes go down", false, true},
    {"restart", "nodes are back", false, true},
    {"link_down", "links are down", false, true},
    {"link_up", "links are back", false, true},
    {"link_degraded", "links are degraded", false, true},
    {"link_restored", "links work normally again", false, true},
    {"sql_slow", "slowdowns of the SQL store", false, true},
    {"sql_normal", "returns of the SQL store to full speed", false, true},
    {"health_stopped", "agents' health services stop", false, true},
    {"health_started", "agents' health services run again", false, true},
    {"connection_lost", "senders lose their parent", true, false},
    {"failover", "senders fail over", true, false},
    {"reconnected", "senders are connected to their primary again", true, false},
    {"failback", "senders fail back to their primary", true, false},
    {"cluster_failover", "cluster failovers", false, false},
    {"cluster_up", "clusters up again", false, false},
    {"cluster_down", "clusters down", false, false},
    {"heartbeat_alert", "heartbeat failure alerts", false, false},
    {"connect_alert", "failed to connect alerts", false, false},
    {"heartbeat_restored", "agents heartbeat again", false, false},
    {"drop", "queues start dropping data", false, true},
    {"drop_ended", "queues stop dropping data", false, true},
    {"limit_crossed", "nodes go over their limit", false, false},
    {"limit_recovered", "nodes are within their limit again", false, false},
    {"backlog_drained", "backlogs have drained", false, false},
    {"saturated", "servers are saturated", false, true},
    {"saturation_ended", "servers are no longer saturated", false, true},
};

static int told_index(const char *kind) {
  for (size_t i = 0; i < sizeof told / sizeof told[0]; i++)
    if (strcmp(told[i].kind, kind) == 0) return (int)i;
  return -1;
}

void rm_story_note(rm_group *g, rs_time_t t, const rm_node *n, const char *kind, const char *detail,
                   int64_t queued, int64_t lost) {
  int k = told_index(kind);
  if (k < 0) return;
  rm_story *s = &g->story;
  int64_t agents = n && told[k].agents ? n->agents : 0;
  int role = n ? (int)n->role : -1;
  if (told[k].figures && queued < 0) {
    queued = rm_measure_queued(g);
    lost = g->m.dropped_total;
  }
  /* Its place: after every line dated at or before it (an event noticed
   * late goes back among the lines of its time). */
  int64_t at = s->n;
  while (at > 0 && s->lines[at - 1].t > t) at--;
  /* Fold into a line of the same kind begun less than a minute before it,
   * among the last few before its place (events of one moment interleave),
   * or begun less than a minute after it (the event then begins the line). */
  for (int64_t i = s->n - 1; i >= 0 && i >= at - 12; i--) {
    rm_story_line *l = &s->lines[i];
    if (i >= at && l->t - t >= RS_MIN) continue;
    if (i < at && t - l->t >= RS_MIN) break;
    if (l->kind != told[k].kind || l->role != role) continue;
    l->count++;
    l->agents += agents;
    if (told[k].figures && t >= l->last) {
      l->queued = queued;
      l->lost = lost;
    }
    if (t > l->last) l->last = t;
    if (t < l->t) {
      rm_story_line moved = *l;
      moved.t = t;
      snprintf(moved.first, sizeof moved.first, "%s", detail);
      memmove(&s->lines[at + 1], &s->lines[at], (size_t)(i - at) * sizeof *s->lines);
      s->lines[at] = moved;
    }
    return;
  }
  if (rm_group_grow((void **)&s->lines, s->n, &s->cap, sizeof *s->lines)) return;
  memmove(&s->lines[at + 1], &s->lines[at], (size_t)(s->n - at) * sizeof *s->lines);
  s->n++;
  rm_story_line *l = &s->lines[at];
  l->t = l->last = t;
  l->kind = told[k].kind;
  l->role = role;
  l->count = 1;
  l->agents = agents;
  l->queued = told[k].figures ? queued : -1;
  l->lost = told[k].figures ? lost : -1;
  snprintf(l->first, sizeof l->first, "%s", detail);
}

char *rm_story_format(const rm_group *g, int64_t i, char *buf, size_t n) {
  const rm_story_line *l = &g->story.lines[i];
  int k = told_index(l->kind);
  char at[32], q[32], d[32];
  size_t used = (size_t)snprintf(buf, n, "%s  ", rs_clock_format(l->t - l->t % RS_SEC, at, sizeof at));
  if (used >= n) return buf;
  if (l->count == 1) {
    used += (size_t)snprintf(buf + used, n - used, "%s", l->first);
  } else {
    used += (size_t)snprintf(buf + used, n - used, "%lld %s", (long long)l->count, told[k].many);
    if (used < n) used += (size_t)snprintf(buf + used, n - used, " (first: %s)", l->first);
  }
  if (used < n && l->agents) used += (size_t)snprintf(buf + used, n - used, "; %lld agents", (long long)l->agents);
  if (used < n && l->queued >= 0)
    snprintf(buf + used, n - used, "; %s queued, %s lost so far", rm_size_format(l->queued, q, sizeof q),
             rm_size_format(l->lost, d, sizeof d));
  return buf;
}

int rm_story_record(rm_group *g) {
  if (!g->res) return 0;
  char line[512];
  for (int64_t i = 0; i < g->story.n; i++) {
    rm_story_format(g, i, line, sizeof line);
    /* The clock is in the event's time already: keep the text after it. */
    const char *text = strstr(line, "  ");
    if (rs_results_event(g->res, g->story.lines[i].t, -1, "timeline", text ? text + 2 : line)) return -1;
  }
  return 0;
}

void rm_story_free(rm_story *s) {
  free(s->lines);
  s->lines = NULL;
  s->n = s->cap = 0;
}
