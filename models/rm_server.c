/* rm_server: a server's hardware at work (rm_server.h). */
#include "rm_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_group.h"
#include "rm_units.h"

/* The station's speed from the background of s->agents. */
/* Its costs on the processors its host leaves it: a share of them makes
 * every processor-second cost 1 / share. */
static rm_hw_costs effective(const rm_server *s) {
  rm_hw_costs c = s->costs;
  if (s->cpu_share < 1) {
    c.cpu_agent /= s->cpu_share;
    c.cpu_byte /= s->cpu_share;
  }
  return c;
}

static void retime(rm_server *s) {
  rm_hw_demand bg;
  rm_hw_costs c = effective(s);
  rm_hw_demand_of(&c, s->model, s->agents, 0, &bg);
  double rate = rm_hw_byte_rate(&c, s->model, &bg, &s->bottleneck, &s->bottleneck_group);
  if (rate > 1e15) rate = 1e15; /* nothing costs per byte: as good as instant */
  s->rate = rate * s->factor;
  if (s->has_station) rs_station_set_speed(&s->st, s->rate);
}

/* A batch served: its sender's transfer is over. */
static void served(rs_station *st, rs_station_job *job, void *arg) {
  rm_server *s = arg;
  rm_uplink *u = job->data;
  double wait = (double)(rs_sim_now(st->sim) - job->arrived) / 1e6;
  s->wait_total += wait;
  s->waits++;
  s->byte_seconds += wait * (double)u->inflight_bytes;
  s->taken += u->inflight_bytes;
  rm_uplink_taken_in(u);
}

int rm_server_init(rm_server *s, rm_group *g, rm_node *n, rm_hw_role r) {
  memset(s, 0, sizeof *s);
  s->node = n;
  s->role = r;
  s->model = rm_hw_of(&g->sc->hw, r, n->name);
  rm_hw_costs_of(r, g->sc->hw.profile, &s->costs);
  s->factor = 1;
  s->cpu_share = 1;
  s->has_station = r == RM_HW_MS || r == RM_HW_GATEWAY || r == RM_HW_SQL;
  if (s->has_station && rs_station_init(&s->st, g->sim, RS_STATION_PS, 1, served, s)) return -1;
  if (s->has_station) rs_station_stats_get(&s->st, &s->st_at_sample);
  n->srv = s;
  n->capacity = s->model->network; /* transfers in share its interface */
  retime(s);
  return 0;
}

static void give_back(rs_station *st, rs_station_job *job, void *arg) {
  (void)st;
  (void)arg;
  rm_uplink_give_back(job->data);
}

void rm_server_free(rm_server *s) {
  if (!s->has_station) return;
  rs_station_free(&s->st);
  s->has_station = false;
}

void rm_server_set_agents(rm_server *s, double agents) {
  if (agents == s->agents) return;
  s->agents = agents;
  retime(s);
}

void rm_server_set_factor(rm_server *s, double factor) {
  if (factor == s->factor) return;
  s->factor = factor;
  retime(s);
}

void rm_server_set_cpu_share(rm_server *s, double share) {
  if (share == s->cpu_share) return;
  s->cpu_share = share;
  retime(s);
}

int rm_server_submit(rm_server *s, rs_station_job *job, int64_t bytes) {
  if (!s->has_station) return -1;
  s->offered += bytes;
  return rs_station_submit(&s->st, job, (double)bytes) == 0 ? 0 : -1;
}

void rm_server_return_all(rm_server *s) {
  if (s->has_station) rs_station_clear(&s->st, give_back, s);
}

int rm_server_sample(rm_server *s, rs_time_t now, int64_t queued) {
  rm_node *n = s->node;
  double span = (double)(now - s->sampled_at) / 1e6;
  /* The bytes it took in: its station's work served (a batch's bytes as
   * they are served, not in a lump when it completes); an Essentials
   * server's, its agents' data as it arrives. */
  int64_t taken = n->m.bytes_in;
  rs_station_stats st;
  if (s->has_station) {
    rs_station_stats_get(&s->st, &st);
    taken = (int64_t)st.served;
  }
  double bytes = span > 0 ? (double)(taken - s->taken_at_sample) / span : 0;
  rm_hw_demand d;
  rm_hw_costs eff = effective(s);
  rm_hw_demand_of(&eff, s->model, s->agents, bytes, &d);
  /* What its work asked of its processors: its agents', and the batches
   * that arrived (an Essentials server: what it took in), at full speed. */
  int64_t offered = s->has_station ? s->offered : taken;
  double asked = span > 0 ? (double)(offered - s->offered_at_sample) / span : 0;
  s->wanted = s->costs.cpu_agent * s->agents + s->costs.cpu_byte * asked;
  s->offered_at_sample = offered;
  rm_hw_utilization(s->model, &d, &s->util[RM_RES_CPU], &s->util[RM_RES_DISK], s->disk_util);
  for (int g = 0; g < RM_DISK_GROUPS; g++) s->iops[g] = d.reads[g] + d.writes[g];
  double in = span > 0 ? (double)(n->m.bytes_in - s->in_at_sample) / span : 0;
  if (bytes > in) in = bytes; /* a SQL node: its data arrives at the cluster's name */
  double out = span > 0 ? (double)(n->m.bytes_out - s->out_at_sample) / span : 0;
  s->util[RM_RES_NETWORK] = s->model->network > 0 ? (in > out ? in : out) / s->model->network : 0;
  s->util[RM_RES_MEMORY] = (double)(s->costs.memory_base + (int64_t)(s->costs.memory_agent * s->agents) + queued) /
                           (double)s->model->memory;
  for (int r = 0; r < RM_RESOURCES; r++)
    if (s->util[r] > s->peak[r]) s->peak[r] = s->util[r], s->peak_at[r] = now;
  for (int g = 0; g < RM_DISK_GROUPS; g++)
    if (s->disk_util[g] > s->peak_disk[g]) s->peak_disk[g] = s->disk_util[g];
  s->taken_at_sample = taken;
  s->in_at_sample = n->m.bytes_in;
  s->out_at_sample = n->m.bytes_out;
  s->sampled_at = now;
  bool was = s->saturated;
  if (s->has_station) {
    s->busy = span > 0 ? rs_station_utilization(&s->st_at_sample, &st) : 0;
    s->st_at_sample = st;
    /* Serving without a break, with work left: it takes in all it can. */
    s->saturated = span > 0 && s->busy >= 0.999 && st.backlog > 0;
  } else {
    s->saturated = s->util[RM_RES_CPU] >= 1 || s->util[RM_RES_DISK] >= 1;
  }
  return s->saturated == was ? 0 : s->saturated ? 1 : -1;
}

char *rm_server_why(const rm_server *s, char *buf, size_t n) {
  char r[32];
  if (s->has_station) {
    char grp[32] = "";
    if (s->bottleneck == RM_RES_DISK) snprintf(grp, sizeof grp, " (%s)", rm_disk_group_name(s->bottleneck_group));
    snprintf(buf, n, "its %s%s take in at most %s/s beside its %.0f agents' own work",
             s->bottleneck == RM_RES_CPU ? "processors" : "disks", grp, rm_size_format((int64_t)s->rate, r, sizeof r),
             s->agents);
  } else {
    bool cpu = s->util[RM_RES_CPU] >= s->util[RM_RES_DISK];
    snprintf(buf, n, "its %s at %.0f %%", cpu ? "processors are" : "disks are", 100 * s->util[cpu ? RM_RES_CPU : RM_RES_DISK]);
  }
  return buf;
}

double rm_server_mean_wait(const rm_server *s) { return s->waits ? s->wait_total / (double)s->waits : 0; }

const rm_server *rm_server_hottest(const rm_server *v, int n, int role, const double threshold[RM_RESOURCES],
                                   int *resource) {
  const rm_server *best = NULL;
  double worst = -1;
  for (int i = 0; i < n; i++) {
    if (role >= 0 && (int)v[i].role != role) continue;
    for (int r = 0; r < RM_RESOURCES; r++) {
      double x = threshold[r] > 0 ? v[i].peak[r] / threshold[r] : 0;
      if (x > worst) worst = x, best = &v[i], *resource = r;
    }
  }
  return best;
}
