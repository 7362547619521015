/*
 * romsim sweep: one run per failure case, in parallel on libuv's worker
 * pool.
 *
 * Every item (case x replication) is a value: its own scenario (parsed from
 * the scenario's text, with the case's failures appended to its faults),
 * its own engine and group, nothing recorded but its figures. At most
 * `jobs` items are queued at once; each finished item queues the next. The
 * figures go into the sweep file in item order, so the file does not
 * depend on how many ran at once or on which finished first.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cli.h"
#include "rm_group.h"
#include "rm_scenario.h"
#include "rs_results.h"
#include "rs_sha256.h"
#include "rs_sim.h"
#include "sweep.h"
#include "version.h"

static const char *const role_names[SW_ROLES] = {"gateway", "management_server", "rms_node", "sql_node", "essentials",
                                                 "site", "host"};

const char *sw_role_name(sw_role r) { return r >= 0 && r < SW_ROLES ? role_names[r] : "?"; }

int sw_role_parse(const char *s, size_t len) {
  static const struct {
    const char *name;
    sw_role role;
  } alias[] = {{"gateway", SW_GATEWAY},       {"gateways", SW_GATEWAY},       {"gw", SW_GATEWAY},
               {"management_server", SW_MS},  {"management_servers", SW_MS},  {"ms", SW_MS},
               {"rms_node", SW_RMS_NODE},     {"rms_nodes", SW_RMS_NODE},     {"rms", SW_RMS_NODE},
               {"sql_node", SW_SQL_NODE},     {"sql_nodes", SW_SQL_NODE},     {"sql", SW_SQL_NODE},
               {"essentials", SW_ESSENTIALS}, {"essentials_server", SW_ESSENTIALS},
               {"site", SW_SITE},             {"sites", SW_SITE},             {"site_link", SW_SITE},
               {"site_links", SW_SITE},       {"host", SW_HOST},              {"hosts", SW_HOST}};
  for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
    if (strlen(alias[i].name) == len && strncmp(alias[i].name, s, len) == 0) return (int)alias[i].role;
  return -1;
}

/* Copy src into dst (size n), cut if it must be. */
static void set_text(char *dst, size_t n, const char *src) {
  size_t l = strlen(src);
  if (l >= n) l = n - 1;
  memcpy(dst, src, l);
  dst[l] = '\0';
}

/* A failure to add: its kind and target. */
typedef struct {
  char kind[16];
  char target[256];
} failure;

/* Every single failure of the roles asked, in role order, then node order. */
static int list_failures(const rm_scenario *sc, unsigned roles, failure **out, int *n_out) {
  int64_t n_cust = rm_scenario_customers(sc), n_ess = rm_scenario_essentials(sc);
  size_t cap = (size_t)sc->n_gw + (size_t)sc->n_ms + 4 + (size_t)n_cust + (size_t)n_ess + (size_t)sc->n_hosts;
  failure *f = calloc(cap ? cap : 1, sizeof *f);
  if (!f) return -1;
  int n = 0;
  for (int r = 0; r < SW_ROLES; r++) {
    if (!(roles & (1u << r))) continue;
    switch ((sw_role)r) {
    case SW_GATEWAY:
      for (int i = 0; i < sc->n_gw; i++, n++) {
        snprintf(f[n].kind, sizeof f[n].kind, "crash");
        snprintf(f[n].target, sizeof f[n].target, "%s", sc->gw_names[i]);
      }
      break;
    case SW_MS:
      for (int i = 0; i < sc->n_ms; i++, n++) {
        snprintf(f[n].kind, sizeof f[n].kind, "crash");
        snprintf(f[n].target, sizeof f[n].target, "%s", sc->ms_names[i]);
      }
      break;
    case SW_RMS_NODE:
    case SW_SQL_NODE:
      for (int i = 0; i < 2; i++, n++) {
        snprintf(f[n].kind, sizeof f[n].kind, "crash");
        snprintf(f[n].target, sizeof f[n].target, "%s-%d", r == SW_RMS_NODE ? "rms" : "sql", i + 1);
      }
      break;
    case SW_ESSENTIALS: /* each Essentials server: CUSTOMER, or CUSTOMER.J when it has several */
    case SW_SITE:       /* each customer's site: every link of its Essentials servers */
      for (int s = 0; s < sc->n_specs; s++) {
        const rm_customer_spec *cs = &sc->specs[s];
        int parts = r == SW_SITE ? 1 : cs->essentials;
        for (int c = 0; c < cs->count; c++)
          for (int j = 0; j < parts; j++, n++) {
            snprintf(f[n].kind, sizeof f[n].kind, "%s", r == SW_SITE ? "site_outage" : "crash");
            if (parts == 1)
              snprintf(f[n].target, sizeof f[n].target, "%s-%d", cs->prefix, c + 1);
            else
              snprintf(f[n].target, sizeof f[n].target, "%s-%d.%d", cs->prefix, c + 1, j + 1);
          }
      }
      break;
    case SW_HOST: /* each host: every virtual server on it at once */
      for (int i = 0; i < sc->n_hosts; i++, n++) {
        snprintf(f[n].kind, sizeof f[n].kind, "crash");
        snprintf(f[n].target, sizeof f[n].target, "%s", sc->hosts[i].name);
      }
      break;
    default:
      break;
    }
  }
  *out = f;
  *n_out = n;
  return 0;
}

static void label_one(char *buf, size_t len, const failure *f) {
  if (strcmp(f->kind, "site_outage") == 0)
    snprintf(buf, len, "site %s", f->target);
  else
    snprintf(buf, len, "crash %s", f->target);
}

/* The baseline, each failure, then (with pairs) each pair. */
static int build_cases(const rm_scenario *sc, const sw_opts *o, sw_case **out, int *n_out, char *err, size_t errlen) {
  failure *f = NULL;
  int nf = 0;
  if (list_failures(sc, o->roles, &f, &nf)) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int64_t n = 1 + (int64_t)nf + (o->pairs ? (int64_t)nf * (nf - 1) / 2 : 0);
  if (n > 1000000) {
    free(f);
    snprintf(err, errlen, "%lld cases: more than a sweep takes (1000000); sweep fewer roles or without --pairs",
             (long long)n);
    return -1;
  }
  sw_case *c = calloc((size_t)n, sizeof *c);
  if (!c) {
    free(f);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  snprintf(c[0].label, sizeof c[0].label, "none (baseline)");
  int k = 1;
  for (int i = 0; i < nf; i++, k++) {
    c[k].id = k;
    c[k].n_faults = 1;
    snprintf(c[k].kind[0], sizeof c[k].kind[0], "%s", f[i].kind);
    snprintf(c[k].target[0], sizeof c[k].target[0], "%s", f[i].target);
    label_one(c[k].label, sizeof c[k].label, &f[i]);
  }
  if (o->pairs)
    for (int i = 0; i < nf; i++)
      for (int j = i + 1; j < nf; j++, k++) {
        char a[260], b[260];
        c[k].id = k;
        c[k].n_faults = 2;
        snprintf(c[k].kind[0], sizeof c[k].kind[0], "%s", f[i].kind);
        snprintf(c[k].target[0], sizeof c[k].target[0], "%s", f[i].target);
        snprintf(c[k].kind[1], sizeof c[k].kind[1], "%s", f[j].kind);
        snprintf(c[k].target[1], sizeof c[k].target[1], "%s", f[j].target);
        label_one(a, sizeof a, &f[i]);
        label_one(b, sizeof b, &f[j]);
        set_text(c[k].label, sizeof c[k].label, a);
        strcat(c[k].label, " + ");
        strcat(c[k].label, b);
      }
  free(f);
  *out = c;
  *n_out = (int)n;
  return 0;
}

/* Replication r's seed: the scenario's for the first, then derived. */
static uint64_t rep_seed(uint64_t seed, int r) {
  if (r == 0) return seed;
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (uint64_t)r;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

typedef struct sweep_ctx sweep_ctx;

/* A worker's place: one item at a time. */
typedef struct {
  sweep_ctx *ctx;
  uv_work_t work;
  int item;                 /* index into ctx->todo */
  rs_sim sim;
  atomic_bool running;
} slot;

struct sweep_ctx {
  const sw_opts *o;
  const rm_scenario *sc;    /* as loaded: its text is parsed again per item */
  const sw_case *cases;
  sw_item *items;           /* this shard's, in item order */
  int n_items, next, done;
  slot *slots;
  int n_slots;
  atomic_bool stop;
  uv_loop_t loop;
  uv_signal_t sigint, sigterm, sighup;
  bool tty;
};

static int add_fault(rm_scenario *sc, const char *kind, const char *target, rs_time_t at, rs_time_t dur, int k) {
  rm_fault_spec *v = realloc(sc->faults, (size_t)(sc->n_faults + 1) * sizeof *v);
  if (!v) return -1;
  sc->faults = v;
  rm_fault_spec *f = &sc->faults[sc->n_faults];
  memset(f, 0, sizeof *f);
  f->kind = strcmp(kind, "site_outage") == 0 ? RM_FAULT_SITE_OUTAGE : RM_FAULT_CRASH;
  char id[32];
  snprintf(id, sizeof id, "sweep-%d", k + 1);
  f->id = strdup(id);
  f->target = strdup(target);
  f->where = strdup("sweep");
  f->at = f->at_to = at;
  f->duration = dur;
  sc->n_faults++;
  return f->id && f->target && f->where ? 0 : -1;
}

/* The nodes a case's failures act on, found in the group once it is built:
 * a crashed node, or for a site, the customer whose Essentials servers it
 * cuts off. */
typedef struct {
  const rm_node *node[2];
  const char *customer[2];
  bool crash[2];
  const rm_node **vms[2];   /* a host's virtual servers (crashed with it), or NULL */
  int n_vms[2];
  int n;
} failed_nodes;

static failed_nodes find_failed(rm_group *g, const sw_case *c) {
  failed_nodes f = {.n = c->n_faults};
  for (int k = 0; k < c->n_faults; k++) {
    f.crash[k] = strcmp(c->kind[k], "crash") == 0;
    int64_t h = f.crash[k] && g->sc->n_hosts ? rm_index_get(&g->sc->host_index, c->target[k]) : -1;
    if (h >= 0) { /* a host: its virtual servers each count as crashed */
      const rm_host_spec *hs = &g->sc->hosts[h];
      f.vms[k] = calloc((size_t)(hs->n_runs ? hs->n_runs : 1), sizeof *f.vms[k]);
      for (int i = 0; f.vms[k] && i < hs->n_runs; i++)
        if ((f.vms[k][f.n_vms[k]] = rm_group_find(g, hs->runs[i]))) f.n_vms[k]++;
    } else if (f.crash[k]) {
      f.node[k] = rm_group_find(g, c->target[k]);
    } else {
      f.customer[k] = c->target[k];
    }
  }
  return f;
}

static void free_failed(failed_nodes *f) {
  for (int k = 0; k < 2; k++) free(f->vms[k]);
}

/* The cluster a node is a member of, or NULL. */
static const rm_node *cluster_of(const rm_group *g, const rm_node *n) {
  for (int c = 0; c < 2; c++) {
    const rm_cluster *cl = c ? &g->sql : &g->rms;
    if (n == &cl->member[0] || n == &cl->member[1]) return &cl->node;
  }
  return NULL;
}

/* Whether outage o is one the failures caused: any outage of a failed node
 * (a crashed Essentials server, a site cut off), a connection lost to a
 * crashed node, or, for a cluster node, its cluster's outage or a
 * connection lost to the cluster. */
/* Whether o is caused by the crash of node n. */
static bool caused_by_crash(const rm_group *g, const rm_link_outage *o, const rm_node *n) {
  if (o->owner == n || o->lost == n) return true;
  const rm_node *cl = cluster_of(g, n);
  return cl && (o->owner == cl || o->lost == cl);
}

static bool caused_by(const rm_group *g, const rm_link_outage *o, const failed_nodes *f) {
  for (int k = 0; k < f->n; k++) {
    for (int i = 0; i < f->n_vms[k]; i++)
      if (caused_by_crash(g, o, f->vms[k][i])) return true;
    const rm_node *n = f->node[k];
    if (f->customer[k] && o->owner->role == RM_ESSENTIALS &&
        rm_essentials_of((const rm_essentials *)(const void *)o->owner, f->customer[k]))
      return true;
    if (!n) continue;
    if (o->owner == n) return true;
    if (!f->crash[k]) continue;
    if (o->lost == n) return true;
    const rm_node *cl = cluster_of(g, n);
    if (cl && (o->owner == cl || o->lost == cl)) return true;
  }
  return false;
}

/* From the failures' start until every path they broke is back: the last
 * end of the outages they caused that began while they held, and a failed
 * Essentials server's own return (crashed alone, or with the host it runs
 * on), connected to a gateway. -1: not back by
 * the end of the run (end), or the failures last until then, so that no
 * recovery can be seen. */
static int64_t recovery(const rm_group *g, const failed_nodes *f, rs_time_t at, rs_time_t dur, rs_time_t end) {
  if (!f->n) return 0;
  rs_time_t last = at, until = dur > RS_TIME_MAX - at ? RS_TIME_MAX : at + dur;
  if (until >= end) return -1;
  for (int k = 0; k < 2; k++) {
    const rm_link_outage *v = k ? g->m.svc_outages : g->m.link_outages;
    int64_t n = k ? g->m.n_svc_outages : g->m.n_link_outages;
    for (int64_t i = 0; i < n; i++) {
      if (v[i].start < at || v[i].start > until || !caused_by(g, &v[i], f)) continue;
      if (v[i].end < 0) return -1;
      if (v[i].end > last) last = v[i].end;
    }
  }
  /* A crashed Essentials server, on its own or with its host. */
  for (int k = 0; k < f->n; k++)
    for (int i = -1; i < f->n_vms[k]; i++) {
      const rm_node *n = i < 0 ? (f->crash[k] ? f->node[k] : NULL) : f->vms[k][i];
      if (!n || n->role != RM_ESSENTIALS) continue;
      if (n->state != RM_UP || !n->up || n->up->state != RM_UL_CONNECTED) return -1;
      if (until > last) last = until;
    }
  return last - at;
}

/* Run one item. */
static void run_item(sweep_ctx *x, slot *sl, sw_item *it) {
  const sw_case *c = &x->cases[it->case_id];
  rm_scenario sc;
  rm_group g;
  char err[1024];
  snprintf(it->status, sizeof it->status, "failed");
  if (rm_scenario_parse(&sc, x->sc->file, x->sc->text, x->sc->text_len, err, sizeof err)) {
    set_text(it->detail, sizeof it->detail, err);
    return;
  }
  sc.seed = it->seed;
  if (x->o->duration) sc.duration = x->o->duration;
  for (int k = 0; k < c->n_faults; k++)
    if (add_fault(&sc, c->kind[k], c->target[k], x->o->at, x->o->dur, k)) {
      snprintf(it->detail, sizeof it->detail, "out of memory");
      rm_scenario_free(&sc);
      return;
    }
  rs_sim_init(&sl->sim);
  atomic_store(&sl->running, true);
  if (atomic_load(&x->stop)) rs_sim_interrupt(&sl->sim);
  if (rm_group_build(&g, &sc, &sl->sim, NULL, err, sizeof err)) {
    atomic_store(&sl->running, false);
    set_text(it->detail, sizeof it->detail, err);
    rs_sim_free(&sl->sim);
    rm_scenario_free(&sc);
    return;
  }
  rm_group_start(&g);
  int rc = rs_sim_run(&sl->sim, sc.duration);
  atomic_store(&sl->running, false);
  it->events = sl->sim.events;
  if (rc == RS_RUN_INTERRUPTED) {
    snprintf(it->status, sizeof it->status, "interrupted");
  } else if (rc < 0 || g.error) {
    set_text(it->detail, sizeof it->detail, g.error ? g.errmsg : rs_strerror(rc));
  } else {
    snprintf(it->status, sizeof it->status, "complete");
    it->expect_failed = rm_group_judge(&g, rs_sim_now(&sl->sim));
    /* Capacity: the node furthest over its limit, else the nearest to it;
     * an Essentials server by the servers or clients it has too many of. */
    double worst = -1;
    bool worst_over = false;
    for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++)
      for (int64_t i = 0; i < rm_group_count(&g, r); i++) {
        const rm_node *n = rm_group_node(&g, r, i);
        int64_t peak = n->m.peak_agents, limit = n->limit;
        char name[300];
        snprintf(name, sizeof name, "%s", n->name);
        if (r == RM_ESSENTIALS) {
          const rm_essentials *e = &g.ess[i];
          if (!rm_essentials_over(e, &sc.p)) continue;
          bool servers = (double)e->servers / sc.p.ess_servers >= (double)e->clients / sc.p.ess_clients;
          peak = servers ? e->servers : e->clients;
          limit = servers ? sc.p.ess_servers : sc.p.ess_clients;
          snprintf(name, sizeof name, "%s %s", n->name, servers ? "servers" : "clients");
        }
        double ratio = limit > 0 ? (double)peak / (double)limit : 0;
        bool over = peak > limit;
        if ((over && !worst_over) || (over == worst_over && ratio > worst)) {
          worst = ratio;
          worst_over = over;
          set_text(it->worst_node, sizeof it->worst_node, name);
          it->worst_peak = peak;
          it->worst_limit = limit;
        }
      }
    for (rm_role r = RM_MS; r <= RM_ESSENTIALS; r++) it->over_nodes += rm_measure_over_count(&g, r);
    it->capacity_held = it->over_nodes == 0;
    it->generated = g.m.generated;
    it->dropped = rm_measure_dropped(&g);
    it->latency_max_us = g.m.latency.total ? g.m.latency.max : 0;
    it->latency_p99_us = g.m.latency.total ? rs_hist_quantile(&g.m.latency, 0.99) : 0;
    for (int i = 0; i < g.n_servers; i++)
      for (int r = 0; r < RM_RESOURCES; r++)
        if (g.servers[i].peak[r] > it->peak[g.servers[i].role][r]) it->peak[g.servers[i].role][r] = g.servers[i].peak[r];
    if (g.n_hosts && (it->host_peak = calloc((size_t)g.n_hosts, sizeof *it->host_peak)))
      for (int h = 0; h < g.n_hosts; h++) it->host_peak[h] = g.hosts[h].peak_cpu;
    failed_nodes fn = find_failed(&g, c);
    it->recover_us = recovery(&g, &fn, x->o->at, x->o->dur, sc.duration);
    free_failed(&fn);
    /* The verdict: the scenario's expectations, or capacity and data when
     * it states none; and every path back by the end. */
    const char *why = NULL;
    char b[640];
    if (sc.n_expect) {
      for (int i = 0; i < g.m.n_verdicts && !why; i++)
        if (!g.m.verdicts[i].held) {
          snprintf(b, sizeof b, "%.100s: %.500s", g.m.verdicts[i].name, g.m.verdicts[i].detail);
          why = b;
        }
    } else if (!it->capacity_held) {
      snprintf(b, sizeof b, "capacity: %s %lld/%lld", it->worst_node, (long long)it->worst_peak,
               (long long)it->worst_limit);
      why = b;
    } else if (it->dropped) {
      snprintf(b, sizeof b, "data lost: %lld bytes", (long long)it->dropped);
      why = b;
    }
    if (!why && it->recover_us < 0)
      why = x->o->dur >= sc.duration - x->o->at ? "the failure lasts until the end of the run: no recovery is seen"
                                                 : "not recovered by the end of the run";
    it->held = why == NULL;
    if (why) set_text(it->detail, sizeof it->detail, why);
  }
  rm_group_free(&g);
  rs_sim_free(&sl->sim);
  rm_scenario_free(&sc);
}

static void work_cb(uv_work_t *w) {
  slot *sl = w->data;
  run_item(sl->ctx, sl, &sl->ctx->items[sl->item]);
}

static void queue_next(sweep_ctx *x, slot *sl);

static void close_cb(uv_handle_t *h) { (void)h; }

static void after_cb(uv_work_t *w, int status) {
  slot *sl = w->data;
  sweep_ctx *x = sl->ctx;
  (void)status;
  x->done++;
  if (x->tty && !x->o->quiet) fprintf(stderr, "\r\033[Ksweep: %d of %d runs done", x->done, x->n_items);
  queue_next(x, sl);
  if (x->done == x->n_items || (atomic_load(&x->stop) && x->done == x->next)) {
    if (!uv_is_closing((uv_handle_t *)&x->sigint)) {
      uv_close((uv_handle_t *)&x->sigint, close_cb);
      uv_close((uv_handle_t *)&x->sigterm, close_cb);
      uv_close((uv_handle_t *)&x->sighup, close_cb);
    }
  }
}

static void queue_next(sweep_ctx *x, slot *sl) {
  if (atomic_load(&x->stop) || x->next >= x->n_items) return;
  sl->item = x->next++;
  sl->work.data = sl;
  uv_queue_work(&x->loop, &sl->work, work_cb, after_cb);
}

static void on_signal(uv_signal_t *h, int signum) {
  sweep_ctx *x = h->data;
  (void)signum;
  atomic_store(&x->stop, true);
  for (int i = 0; i < x->n_slots; i++)
    if (atomic_load(&x->slots[i].running)) rs_sim_interrupt(&x->slots[i].sim);
}

/* A fault of the scenario's own that begins after t, or NULL. */
static const rm_fault_spec *fault_after(const rm_scenario *sc, rs_time_t t) {
  for (int i = 0; i < sc->n_faults; i++)
    if (sc->faults[i].at > t || sc->faults[i].at_to > t) return &sc->faults[i];
  return NULL;
}

int sw_run(const sw_opts *o, FILE *out) {
  rm_scenario sc;
  char err[1024];
  if (rm_scenario_load(&sc, o->scenario, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USAGE;
  }
  if (o->seed_given) sc.seed = o->seed;
  rs_time_t duration = o->duration ? o->duration : sc.duration;
  /* Defaults: 1h from 1h, or a quarter of runs shorter than 4h, so that a
   * failure ends with half the run left to see the recovery. */
  sw_opts oo = *o;
  rs_time_t dflt = duration >= 4 * RS_HOUR ? RS_HOUR : duration / 4 / RS_SEC * RS_SEC;
  if (oo.at < 0) oo.at = dflt;
  if (oo.dur < 0) oo.dur = dflt > 0 ? dflt : RS_SEC;
  o = &oo;
  char a[32], b[32];
  if (o->at >= duration) {
    fprintf(stderr, "romsim: sweep: failures at %s begin after the end of the %s run (give --at before it)\n",
            rs_clock_format(o->at, a, sizeof a), rs_duration_format(duration, b, sizeof b));
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  const rm_fault_spec *late = o->duration ? fault_after(&sc, duration) : NULL;
  if (late) {
    fprintf(stderr, "%s: fault %s begins after the end of the %s run asked by --duration\n", late->where, late->id,
            rs_duration_format(duration, b, sizeof b));
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  if (sw_check_output(o->out, (const char *const[]){o->scenario, NULL}, err, sizeof err)) {
    fprintf(stderr, "romsim: sweep: %s\n", err);
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  if ((o->roles & (1u << SW_HOST)) && sc.n_hosts == 0) {
    fprintf(stderr, "romsim: sweep: --fail each:host: the scenario has no hosts (every server is physical): give it "
                    "hosts: (docs/hardware.md, \"Hosts\") or fail other roles\n");
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  sw_sweep s;
  memset(&s, 0, sizeof s);
  if (build_cases(&sc, o, &s.cases, &s.n_cases, err, sizeof err)) {
    fprintf(stderr, "romsim: sweep: %s\n", err);
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  sw_head *h = &s.head;
  snprintf(h->version, sizeof h->version, "%s", ROMSIM_VERSION);
  snprintf(h->scenario, sizeof h->scenario, "%s", sc.name);
  snprintf(h->file, sizeof h->file, "%s", o->scenario);
  rs_sha256_hex(sc.text, sc.text_len, h->sha256);
  h->text = sc.text;
  h->seed = sc.seed;
  h->roles[0] = '\0';
  for (int r = 0; r < SW_ROLES; r++)
    if (o->roles & (1u << r))
      snprintf(h->roles + strlen(h->roles), sizeof h->roles - strlen(h->roles), "%s%s", h->roles[0] ? "," : "",
               role_names[r]);
  h->pairs = o->pairs;
  h->at_us = o->at;
  h->for_us = o->dur;
  h->duration_us = duration;
  h->replications = o->replications;
  h->n_cases = s.n_cases;
  h->shard_k = o->shard_k;
  h->shard_n = o->shard_n;
  rs_wall_now(h->created);
  /* This shard's items. */
  int64_t total = (int64_t)s.n_cases * o->replications;
  if (total > 10000000) {
    fprintf(stderr, "romsim: sweep: %lld runs (%d cases x %d replications): more than a sweep takes (10000000)\n",
            (long long)total, s.n_cases, o->replications);
    free(s.cases);
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  int64_t mine = 0;
  for (int64_t i = o->shard_k - 1; i < total; i += o->shard_n) mine++;
  s.items = calloc((size_t)(mine ? mine : 1), sizeof *s.items);
  sweep_ctx x = {.o = o, .sc = &sc, .cases = s.cases, .items = s.items, .n_items = (int)mine};
  int jobs = o->jobs > 0 ? o->jobs : (int)uv_available_parallelism();
  if (jobs < 1) jobs = 1;
  if (jobs > mine) jobs = mine > 0 ? (int)mine : 1;
  if (cli_check_memory("sweep", o->scenario, &sc, duration, o->max_memory, &jobs, o->jobs > 0, NULL)) {
    free(s.items);
    free(s.cases);
    rm_scenario_free(&sc);
    return EXIT_USAGE;
  }
  x.n_slots = jobs < mine ? jobs : (int)mine;
  x.slots = calloc((size_t)(x.n_slots ? x.n_slots : 1), sizeof *x.slots);
  if (!s.items || !x.slots) {
    free(x.slots);
    free(s.items);
    free(s.cases);
    rm_scenario_free(&sc);
    return cli_usage_error("out of memory");
  }
  int64_t k = 0;
  for (int64_t i = o->shard_k - 1; i < total; i += o->shard_n, k++) {
    sw_item *it = &s.items[k];
    it->case_id = (int)(i / o->replications);
    it->rep = (int)(i % o->replications);
    it->seed = rep_seed(sc.seed, it->rep);
    it->recover_us = -1;
    snprintf(it->status, sizeof it->status, "interrupted");
  }
  s.n_items = (int)mine;
  x.tty = isatty(STDERR_FILENO);

  uv_loop_t *loop = &x.loop;
  if (uv_loop_init(loop) != 0) {
    free(x.slots);
    free(s.items);
    free(s.cases);
    rm_scenario_free(&sc);
    return cli_usage_error("cannot start the event loop");
  }
  uv_signal_init(loop, &x.sigint);
  uv_signal_init(loop, &x.sigterm);
  uv_signal_init(loop, &x.sighup); /* the terminal closed: as SIGTERM */
  x.sigint.data = x.sigterm.data = x.sighup.data = &x;
  uv_signal_start(&x.sigint, on_signal, SIGINT);
  uv_signal_start(&x.sigterm, on_signal, SIGTERM);
  uv_signal_start(&x.sighup, on_signal, SIGHUP);
  for (int i = 0; i < x.n_slots; i++) {
    x.slots[i].ctx = &x;
    queue_next(&x, &x.slots[i]);
  }
  if (x.n_slots == 0) {
    uv_close((uv_handle_t *)&x.sigint, close_cb);
    uv_close((uv_handle_t *)&x.sigterm, close_cb);
    uv_close((uv_handle_t *)&x.sighup, close_cb);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
  if (x.tty && !o->quiet && x.n_items) fputs("\r\033[K", stderr);

  /* A second signal while the file is written would leave it half done:
   * the sweep already stops, so ignore them until it is written. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  bool interrupted = false;
  int rc = EXIT_HELD;
  for (int i = 0; i < s.n_items; i++) {
    if (strcmp(s.items[i].status, "complete") == 0) {
      if (!s.items[i].held) rc = EXIT_FAILED;
    } else if (strcmp(s.items[i].status, "interrupted") == 0) {
      interrupted = true;
    } else {
      fprintf(stderr, "romsim: sweep: case '%s' could not run: %s\n", s.cases[s.items[i].case_id].label,
              s.items[i].detail);
      rc = EXIT_USAGE;
    }
  }
  snprintf(h->status, sizeof h->status, "%s", interrupted ? "interrupted" : "complete");
  if (o->peaks) {
    memset(o->peaks, 0, RM_HW_ROLES * sizeof *o->peaks);
    for (int i = 0; i < s.n_items; i++)
      if (strcmp(s.items[i].status, "complete") == 0)
        for (int r = 0; r < RM_HW_ROLES; r++)
          for (int q = 0; q < RM_RESOURCES; q++)
            if (s.items[i].peak[r][q] > o->peaks[r][q]) o->peaks[r][q] = s.items[i].peak[r][q];
  }
  if (o->host_peaks) {
    memset(o->host_peaks, 0, (size_t)sc.n_hosts * sizeof *o->host_peaks);
    for (int i = 0; i < s.n_items; i++)
      for (int hx = 0; s.items[i].host_peak && hx < sc.n_hosts; hx++)
        if (strcmp(s.items[i].status, "complete") == 0 && s.items[i].host_peak[hx] > o->host_peaks[hx])
          o->host_peaks[hx] = s.items[i].host_peak[hx];
  }
  if (rc != EXIT_USAGE) {
    if (sw_write(o->out, &s, err, sizeof err)) {
      fprintf(stderr, "romsim: %s\n", err);
      rc = EXIT_USAGE;
    } else {
      sw_print(out, &s);
      if (!o->temp_out) fprintf(out, "sweep file: %s\n", o->out);
      if (interrupted) {
        fprintf(stderr, "romsim: sweep interrupted: %s has status interrupted\n", o->out);
        rc = EXIT_INTERRUPTED;
      }
    }
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  h->text = NULL; /* sc's */
  free(x.slots);
  sw_free(&s);
  rm_scenario_free(&sc);
  return rc;
}
