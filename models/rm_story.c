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
};

static int told_index(const char *kind) {
  for (size_t i = 0; i < sizeof told / sizeof told[0]; i++)
    if (strcmp(told[i].kind, kind) == 0) return (int)i;
  return -1;
}

void rm_story_note(rm_group *g, rs_time_t t, const rm_node *n, const char *kind, const char *detail) {
  int k = told_index(kind);
  if (k < 0) return;
  rm_story *s = &g->story;
  int64_t agents = n && told[k].agents ? n->agents : 0;
  /* Fold into a line of the same kind begun less than a minute before,
   * among the last few (events of one moment interleave). */
  for (int64_t i = s->n - 1; i >= 0 && i >= s->n - 12; i--) {
    rm_story_line *l = &s->lines[i];
    if (t - l->t >= RS_MIN) break;
    if (l->kind == told[k].kind && l->role == (n ? (int)n->role : -1)) {
      l->count++;
      l->agents += agents;
      if (told[k].figures) {
        l->queued = rm_group_queued(g);
        l->lost = g->dropped_total;
      }
      return;
    }
  }
  if (rm_group_grow((void **)&s->lines, s->n, &s->cap, sizeof *s->lines)) return;
  rm_story_line *l = &s->lines[s->n++];
  l->t = t;
  l->kind = told[k].kind;
  l->role = n ? (int)n->role : -1;
  l->count = 1;
  l->agents = agents;
  l->queued = told[k].figures ? rm_group_queued(g) : -1;
  l->lost = told[k].figures ? g->dropped_total : -1;
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
