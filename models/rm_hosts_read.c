/*
 * rm_hosts_read: the scenario's `hosts:` section, physical hosts and the
 * virtual servers they run (docs/hardware.md, "Hosts"):
 *
 *   hosts:
 *     - {name: host-1, model: host-standard, runs: [gw-1, gw-2]}   # by name
 *     - {name: host-2, runs: [sql-1, {gateway: 2}]}   # and by role and count
 *     - {name: vh, count: 4, runs: auto}              # vh-1 .. vh-4, placed
 *     - {name: wh, count: 2, runs: {auto: [gateway]}} # automatically
 *
 * A server runs on at most one host; a server on none is physical. Servers
 * named are placed first; then, host by host, each `{ROLE: N}` takes the
 * next N servers of the role (in the scenario's order) not placed yet; then
 * the servers of the automatic hosts' roles not placed yet are spread over
 * those hosts apart from what they must not share a host with
 * (rm_hosts_place.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_scenario_internal.h"

/* The roles a host may be given by role (the provider's servers: a
 * customer's Essentials server is on its premises, named if virtual). */
#define PROVIDER_ROLES                                                                                     \
  ((1u << RM_HW_MS) | (1u << RM_HW_GATEWAY) | (1u << RM_HW_RMS) | (1u << RM_HW_SQL) | (1u << RM_HW_WEB))

/* A `{ROLE: N}` of a host, done once every name is placed. */
typedef struct {
  int host, role, n;
  yaml_node_t *node;
} role_take;

typedef struct {
  role_take *takes;
  int n_takes, cap_takes;
  int *pool;              /* the automatic hosts */
  unsigned *pool_roles;   /* and the roles each takes */
  int n_pool;
  yaml_node_t *auto_node; /* the first `auto`, where placement's errors point */
} hosts_read;

/* A role as written: its hardware role's name or its plural. -1: none. */
static int role_of(const char *s) {
  for (int r = 0; r < RM_HW_ROLES; r++) {
    if (!(PROVIDER_ROLES & (1u << r))) continue;
    const char *n = rm_hw_role_name((rm_hw_role)r);
    size_t len = strlen(n);
    if (strcmp(s, n) == 0 || (strncmp(s, n, len) == 0 && strcmp(s + len, "s") == 0)) return r;
  }
  return -1;
}

/* The servers of a provider role, in the scenario's order: out[i] (when
 * out is not NULL). Returns how many. */
static int role_servers(const rm_scenario *sc, int role, const char **out, int i) {
  static const char *const rms[] = {"rms-1", "rms-2"}, *const sql[] = {"sql-1", "sql-2"};
  switch (role) {
  case RM_HW_MS: return out ? (*out = sc->ms_names[i], 0) : sc->n_ms;
  case RM_HW_GATEWAY: return out ? (*out = sc->gw_names[i], 0) : sc->n_gw;
  case RM_HW_RMS: return out ? (*out = rms[i], 0) : 2;
  case RM_HW_SQL: return out ? (*out = sql[i], 0) : 2;
  case RM_HW_WEB: return out ? (*out = "web-1", 0) : sc->p.web_console ? 1 : 0;
  default: return 0;
  }
}

static const char *role_server(const rm_scenario *sc, int role, int i) {
  const char *s = NULL;
  role_servers(sc, role, &s, i);
  return s;
}

int rm__scenario_host_add(rm_scenario *sc, int h, const char *name) {
  rm_host_spec *hs = &sc->hosts[h];
  char **v = realloc(hs->runs, (size_t)(hs->n_runs + 1) * sizeof *v);
  if (!v) return -1;
  hs->runs = v;
  if (!(v[hs->n_runs] = strdup(name))) return -1;
  hs->n_runs++;
  return rm_index_put(&sc->vm_index, v[hs->n_runs - 1], h, NULL) < 0 ? -1 : 0;
}

/* A server named in runs: put on host h. */
static int run_named(rm_yaml *y, rm_scenario *sc, yaml_node_t *it, int h) {
  char *s = NULL;
  const char *why = NULL;
  if (rm_yaml_string(y, it, "a server", &s)) return -1;
  int bad = rm__scenario_server_hw_role(sc, s, &why) < 0;
  int64_t other = bad ? -1 : rm_index_get(&sc->vm_index, s);
  int rc = 0;
  if (bad)
    rc = rm_yaml_error(y, it, "runs: '%s': %s", s, why ? why : "no such server");
  else if (other >= 0)
    rc = rm_yaml_error(y, it, "runs: '%s' is already on host %s: a server runs on one host", s, sc->hosts[other].name);
  else if (rm__scenario_host_add(sc, h, s))
    rc = rm_yaml_error(y, it, "out of memory");
  else
    sc->hosts[h].n_named++;
  free(s);
  return rc;
}

/* `{ROLE: N}` in runs: kept for after the names. */
static int run_role(rm_yaml *y, hosts_read *hr, yaml_node_t *it, int h) {
  int n = (int)(it->data.mapping.pairs.top - it->data.mapping.pairs.start);
  if (n != 1)
    return rm_yaml_error(y, it, "a role and count in runs is one pair, such as {gateway: 2}");
  yaml_node_pair_t *p = it->data.mapping.pairs.start;
  yaml_node_t *k = rm_yaml_node(y, p->key), *v = rm_yaml_node(y, p->value);
  char *role = NULL;
  if (rm_yaml_string(y, k, "a role", &role)) return -1;
  int r = role_of(role);
  free(role);
  if (r < 0)
    return rm_yaml_error(y, k, "runs: a role is management_server, gateway, rms, sql or web_console (servers of a "
                               "customer's premises are named)");
  int64_t count;
  if (rm_yaml_int(y, v, "a role's count", 1, RM_MAX_NODES, &count)) return -1;
  if (hr->n_takes == hr->cap_takes) {
    int cap = hr->cap_takes ? 2 * hr->cap_takes : 8;
    role_take *t = realloc(hr->takes, (size_t)cap * sizeof *t);
    if (!t) return rm_yaml_error(y, it, "out of memory");
    hr->takes = t;
    hr->cap_takes = cap;
  }
  hr->takes[hr->n_takes++] = (role_take){h, r, (int)count, it};
  return 0;
}

/* `runs: auto` (every provider role) or `runs: {auto: [ROLE, ...]}`. */
static int run_auto(rm_yaml *y, hosts_read *hr, yaml_node_t *runs, int first, int count) {
  unsigned roles = PROVIDER_ROLES;
  if (runs->type == YAML_MAPPING_NODE) {
    static const char *const keys[] = {"auto", NULL};
    if (rm_yaml_check_keys(y, runs, "runs", keys)) return -1;
    yaml_node_t *list = rm_yaml_get(y, runs, "auto");
    if (!list || list->type != YAML_SEQUENCE_NODE)
      return rm_yaml_error(y, list ? list : runs, "auto takes a list of roles, such as {auto: [gateway]}");
    roles = 0;
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
      yaml_node_t *it = rm_yaml_node(y, *i);
      char *s = NULL;
      if (rm_yaml_string(y, it, "a role", &s)) return -1;
      int r = role_of(s);
      free(s);
      if (r < 0) return rm_yaml_error(y, it, "auto: a role is management_server, gateway, rms, sql or web_console");
      roles |= 1u << r;
    }
    if (!roles) return rm_yaml_error(y, list, "auto needs at least one role, such as {auto: [gateway]}");
  }
  int *pool = realloc(hr->pool, (size_t)(hr->n_pool + count) * sizeof *pool);
  if (pool) hr->pool = pool;
  unsigned *pr = pool ? realloc(hr->pool_roles, (size_t)(hr->n_pool + count) * sizeof *pr) : NULL;
  if (pr) hr->pool_roles = pr;
  if (!pool || !pr) return rm_yaml_error(y, runs, "out of memory");
  for (int k = 0; k < count; k++) {
    hr->pool[hr->n_pool] = first + k;
    hr->pool_roles[hr->n_pool++] = roles;
  }
  if (!hr->auto_node) hr->auto_node = runs;
  return 0;
}

/* The hosts an item describes: one, or `count:` of them named NAME-1 ... */
static int item_count(rm_yaml *y, yaml_node_t *item, int64_t *count) {
  *count = 1;
  yaml_node_t *c = item->type == YAML_MAPPING_NODE ? rm_yaml_get(y, item, "count") : NULL;
  return c ? rm_yaml_int(y, c, "count", 1, 100000, count) : 0;
}

static int read_item(rm_yaml *y, rm_scenario *sc, hosts_read *hr, yaml_node_t *item, int first, int count) {
  static const char *const keys[] = {"name", "model", "count", "runs", NULL};
  if (item->type != YAML_MAPPING_NODE)
    return rm_yaml_error(y, item, "a host is a mapping such as {name: host-1, model: host-standard, runs: [gw-1]}");
  if (rm_yaml_check_keys(y, item, "a host", keys)) return -1;
  yaml_node_t *nm = rm_yaml_get(y, item, "name"), *model = rm_yaml_get(y, item, "model"),
              *runs = rm_yaml_get(y, item, "runs");
  if (!nm) return rm_yaml_error(y, item, "a host needs a name");
  char *name = NULL;
  if (rm_yaml_string(y, nm, "a host's name", &name)) return -1;
  int rc = 0;
  if (!name[0] || strlen(name) > 200 || strpbrk(name, "/:"))
    rc = rm_yaml_error(y, nm, "a host's name is 1 to 200 bytes long, without '/' or ':'");
  int mi = (int)rm_index_get(&sc->hw.model_index, "host-standard");
  if (!rc && model) {
    char *m = NULL;
    if (rm_yaml_string(y, model, "model", &m)) {
      rc = -1;
    } else {
      int64_t i = rm_index_get(&sc->hw.model_index, m);
      if (i < 0)
        rc = rm_yaml_error(y, model, "model: no hardware model is named '%s' (host-standard, or one of "
                                     "hardware.models)", m);
      mi = (int)i;
      free(m);
    }
  }
  for (int k = 0; !rc && k < count; k++) {
    rm_host_spec *h = &sc->hosts[first + k];
    char buf[240];
    if (count > 1 || rm_yaml_get(y, item, "count")) snprintf(buf, sizeof buf, "%s-%d", name, k + 1);
    else snprintf(buf, sizeof buf, "%s", name);
    if (!(h->name = strdup(buf))) {
      rc = rm_yaml_error(y, nm, "out of memory");
      break;
    }
    h->model = mi;
    sc->n_hosts = first + k + 1;
    const char *why = NULL;
    if (rm__scenario_server_hw_role(sc, h->name, &why) >= 0 || rm__scenario_customer_exists(sc, h->name) ||
        strcmp(h->name, "rms") == 0 || strcmp(h->name, "sql") == 0) {
      rc = rm_yaml_error(y, nm, "host name '%s' is also the name of a server or a customer; choose another", h->name);
      break;
    }
    int put = rm_index_put(&sc->host_index, h->name, first + k, NULL);
    if (put < 0) rc = rm_yaml_error(y, nm, "out of memory");
    else if (put > 0) rc = rm_yaml_error(y, nm, "host '%s' is given twice", h->name);
  }
  free(name);
  if (rc) return -1;
  if (!runs)
    return rm_yaml_error(y, item, "host '%s' needs runs: the servers it runs, such as [gw-1, gw-2], [{gateway: 2}] "
                                  "or auto", sc->hosts[first].name);
  if (rm_yaml_is(runs, "auto") || runs->type == YAML_MAPPING_NODE) return run_auto(y, hr, runs, first, count);
  if (runs->type != YAML_SEQUENCE_NODE)
    return rm_yaml_error(y, runs, "runs must be a list of servers and roles, such as [gw-1, {gateway: 2}], or auto");
  for (yaml_node_item_t *i = runs->data.sequence.items.start; i < runs->data.sequence.items.top; i++) {
    yaml_node_t *it = rm_yaml_node(y, *i);
    if (it->type == YAML_MAPPING_NODE) {
      for (int k = 0; k < count; k++)
        if (run_role(y, hr, it, first + k)) return -1;
    } else if (count > 1 || rm_yaml_get(y, item, "count")) {
      return rm_yaml_error(y, it, "hosts given by count run servers by role, such as [{gateway: 2}], or auto: a "
                                  "server named runs on one host");
    } else if (run_named(y, sc, it, first)) {
      return -1;
    }
  }
  return 0;
}

/* Each `{ROLE: N}`, host by host: the next N servers of the role not
 * placed yet. */
static int take_roles(rm_yaml *y, rm_scenario *sc, const hosts_read *hr) {
  int next[RM_HW_ROLES] = {0};
  for (int t = 0; t < hr->n_takes; t++) {
    const role_take *rt = &hr->takes[t];
    int total = role_servers(sc, rt->role, NULL, 0), got = 0;
    while (got < rt->n && next[rt->role] < total) {
      const char *s = role_server(sc, rt->role, next[rt->role]++);
      if (rm_index_get(&sc->vm_index, s) >= 0) continue;
      if (rm__scenario_host_add(sc, rt->host, s)) return rm_yaml_error(y, rt->node, "out of memory");
      got++;
    }
    if (got < rt->n)
      return rm_yaml_error(y, rt->node, "host %s runs %d of role %s, but only %d %s left to place (the scenario "
                                        "has %d, the rest named or placed before)",
                           sc->hosts[rt->host].name, rt->n, rm_hw_role_name((rm_hw_role)rt->role), got,
                           got == 1 ? "was" : "were", total);
  }
  return 0;
}

/* The servers of the automatic hosts' roles not placed yet: spread. */
static int place_rest(rm_yaml *y, rm_scenario *sc, const hosts_read *hr) {
  if (!hr->n_pool) return 0;
  unsigned roles = 0;
  for (int k = 0; k < hr->n_pool; k++) roles |= hr->pool_roles[k];
  int n = 0, cap = 0;
  for (int r = 0; r < RM_HW_ROLES; r++)
    if (roles & (1u << r)) cap += role_servers(sc, r, NULL, 0);
  const char **names = malloc((size_t)(cap ? cap : 1) * sizeof *names);
  int *rl = malloc((size_t)(cap ? cap : 1) * sizeof *rl);
  if (!names || !rl) {
    free(names);
    free(rl);
    return rm_yaml_error(y, hr->auto_node, "out of memory");
  }
  /* The clusters' nodes first, then the management servers, the gateways
   * and the web console: the scenario's order within each. */
  static const int order[] = {RM_HW_RMS, RM_HW_SQL, RM_HW_MS, RM_HW_GATEWAY, RM_HW_WEB};
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
    int r = order[o];
    if (!(roles & (1u << r))) continue;
    for (int i = 0; i < role_servers(sc, r, NULL, 0); i++) {
      const char *s = role_server(sc, r, i);
      if (rm_index_get(&sc->vm_index, s) >= 0) continue;
      names[n] = s;
      rl[n++] = r;
    }
  }
  char why[700];
  int rc = rm__scenario_place_auto(sc, names, rl, n, hr->pool, hr->pool_roles, hr->n_pool, why, sizeof why);
  free(names);
  free(rl);
  if (rc == -1) return rm_yaml_error(y, hr->auto_node, "out of memory");
  if (rc) return rm_yaml_error(y, hr->auto_node, "auto: %s", why);
  return 0;
}

int rm__scenario_read_hosts(rm_yaml *y, rm_scenario *sc, yaml_node_t *list) {
  if (list->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, list, "hosts must be a list of hosts");
  int64_t total = 0;
  for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
    int64_t c;
    if (item_count(y, rm_yaml_node(y, *i), &c)) return -1;
    total += c;
    if (total > 100000) return rm_yaml_error(y, rm_yaml_node(y, *i), "a scenario has at most 100000 hosts");
  }
  if (!(sc->hosts = calloc((size_t)(total ? total : 1), sizeof *sc->hosts)))
    return rm_yaml_error(y, list, "out of memory");
  hosts_read hr = {0};
  int first = 0, rc = 0;
  for (yaml_node_item_t *i = list->data.sequence.items.start; !rc && i < list->data.sequence.items.top; i++) {
    yaml_node_t *item = rm_yaml_node(y, *i);
    int64_t c;
    item_count(y, item, &c);
    rc = read_item(y, sc, &hr, item, first, (int)c);
    first += (int)c;
  }
  if (!rc) rc = take_roles(y, sc, &hr);
  if (!rc) rc = place_rest(y, sc, &hr);
  free(hr.takes);
  free(hr.pool);
  free(hr.pool_roles);
  return rc;
}

const rm_host_spec *rm_scenario_host_of(const rm_scenario *sc, const char *name) {
  if (!sc->n_hosts) return NULL;
  int64_t i = rm_index_get(&sc->vm_index, name);
  return i >= 0 ? &sc->hosts[i] : NULL;
}

void rm_scenario_host_committed(const rm_scenario *sc, const rm_host_spec *h, int64_t *processors, int64_t *memory) {
  *processors = *memory = 0;
  for (int i = 0; i < h->n_runs; i++) {
    const char *why = NULL;
    int r = rm__scenario_server_hw_role(sc, h->runs[i], &why);
    if (r < 0) continue;
    const rm_hw_model *m = rm_hw_of(&sc->hw, (rm_hw_role)r, h->runs[i]);
    *processors += m->processors;
    *memory += m->memory;
  }
}

/* A cluster's two nodes on one host: say it (rm_scenario.h). */
static void cluster_pair(const rm_scenario *sc, const char *a, const char *b, const char *service,
                         rm_host_warning say, void *ctx, int *n) {
  const rm_host_spec *ha = rm_scenario_host_of(sc, a), *hb = rm_scenario_host_of(sc, b);
  if (!ha || ha != hb) return;
  char line[600];
  snprintf(line, sizeof line, "%s and %s, the %s cluster's nodes, are both on %s: losing it takes the %s down", a, b,
           service, ha->name, service);
  if ((*n)++ < RM_HOST_WARNINGS_SHOWN) say(ctx, line);
}

int rm_scenario_host_warnings(const rm_scenario *sc, rm_host_warning say, void *ctx) {
  int n = 0;
  if (!sc->n_hosts) return 0;
  cluster_pair(sc, "rms-1", "rms-2", "RMS", say, ctx, &n);
  cluster_pair(sc, "sql-1", "sql-2", "SQL", say, ctx, &n);
  for (int l = 0; l < sc->n_specs; l++) {
    const rm_customer_spec *cs = &sc->specs[l];
    for (int i = 0; i < cs->count * cs->essentials; i++) {
      const char *p = rm_customer_primary(cs, i), *b = rm_customer_backup(cs, i);
      if (!p || !b) continue;
      const rm_host_spec *hp = rm_scenario_host_of(sc, p);
      if (!hp || hp != rm_scenario_host_of(sc, b)) continue;
      char who[300], line[700];
      if (cs->essentials == 1)
        snprintf(who, sizeof who, "%s-%d", cs->prefix, i + 1);
      else
        snprintf(who, sizeof who, "%s-%d.%d", cs->prefix, i / cs->essentials + 1, i % cs->essentials + 1);
      snprintf(line, sizeof line, "%s's primary %s and backup %s are both on %s: losing it leaves %s no gateway", who,
               p, b, hp->name, who);
      if (n++ < RM_HOST_WARNINGS_SHOWN) say(ctx, line);
    }
  }
  for (int g = 0; g < sc->n_gw; g++) {
    const char *to = sc->gw_place && sc->gw_place[g].report_to ? sc->gw_place[g].report_to : sc->gw_report_to;
    int nf = sc->gw_place && sc->gw_place[g].failover ? sc->gw_place[g].n_failover : sc->n_gw_failover;
    char **fl = sc->gw_place && sc->gw_place[g].failover ? sc->gw_place[g].failover : sc->gw_failover;
    for (int k = 0; to && k < nf; k++) {
      const rm_host_spec *h = rm_scenario_host_of(sc, to);
      if (!h || h != rm_scenario_host_of(sc, fl[k])) continue;
      char line[700];
      snprintf(line, sizeof line, "%s reports to %s and fails over to %s, both on %s: losing it leaves %s no "
                                  "management server", sc->gw_names[g], to, fl[k], h->name, sc->gw_names[g]);
      if (n++ < RM_HOST_WARNINGS_SHOWN) say(ctx, line);
    }
  }
  return n;
}
