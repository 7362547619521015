/* rm_scenario: the scenario loader. */
#include "rm_scenario.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_hw_read.h"
#include "rm_units.h"
#include "rm_yaml.h"

/* Largest counts a scenario may ask for: far above any real group, small
 * enough that every product fits in 64 bits. */
#define RM_MAX_NODES 1000000

/* The longest name of a server or a customer line, in bytes. */
#define RM_MAX_NAME 200

static const char *const top_keys[] = {
    "name", "duration", "seed", "sample_every", "management_servers", "gateways", "customers", "limits",
    "heartbeat", "agent", "essentials", "rms", "sql", "connections", "transfer", "links", "web_console",
    "faults", "random_failures", "start", "expect", "hardware", NULL};
static const char *const cust_keys[] = {"count", "name", "servers", "clients", "essentials", "primary", "backup", NULL};
static const char *const link_keys[] = {"site", "gateway", "sql", NULL};

/* How a parameter is written. */
typedef enum { F_INT, F_DOUBLE, F_DURATION, F_SIZE, F_RATE, F_BOOL } field_type;

/* A parameter: the section and key it is written under, where it goes in
 * rm_params, and its bounds. */
typedef struct {
  const char *section;
  const char *key;
  field_type type;
  size_t off;
  double min, max;
} field;

#define P(m) offsetof(rm_params, m)
static const field fields[] = {
    {"limits", "management_server_agents", F_INT, P(ms_agents), 1, RM_MAX_NODES},
    {"limits", "gateway_agents", F_INT, P(gw_agents), 1, RM_MAX_NODES},
    {"limits", "essentials_servers", F_INT, P(ess_servers), 0, RM_MAX_NODES},
    {"limits", "essentials_clients", F_INT, P(ess_clients), 0, RM_MAX_NODES},
    {"heartbeat", "interval", F_DURATION, P(heartbeat_interval), 1, 0},
    {"heartbeat", "missed", F_INT, P(missed_heartbeats), 1, 100},
    {"heartbeat", "alert_clients", F_BOOL, P(alert_clients), 0, 0},
    {"agent", "queue", F_SIZE, P(agent_queue), 1, 0},
    {"agent", "perf_per_day", F_DOUBLE, P(per_day[RM_DATA_PERF]), 0, 1e8},
    {"agent", "perf_bytes", F_INT, P(item_bytes[RM_DATA_PERF]), 0, 1e9},
    {"agent", "events_per_day", F_DOUBLE, P(per_day[RM_DATA_EVENT]), 0, 1e8},
    {"agent", "event_bytes", F_INT, P(item_bytes[RM_DATA_EVENT]), 0, 1e9},
    {"agent", "alerts_per_day", F_DOUBLE, P(per_day[RM_DATA_ALERT]), 0, 1e8},
    {"agent", "alert_bytes", F_INT, P(item_bytes[RM_DATA_ALERT]), 0, 1e9},
    {"agent", "state_changes_per_day", F_DOUBLE, P(per_day[RM_DATA_STATE]), 0, 1e8},
    {"agent", "state_change_bytes", F_INT, P(item_bytes[RM_DATA_STATE]), 0, 1e9},
    {"essentials", "forward_share", F_DOUBLE, P(forward_share), 0, 1},
    {"essentials", "queue", F_SIZE, P(ess_queue), 1, 0},
    {"gateways", "queue", F_SIZE, P(gw_queue), 1, 0},
    {"gateways", "compression", F_DOUBLE, P(gw_compression), 0, 0.99},
    {"management_servers", "queue", F_SIZE, P(ms_queue), 1, 0},
    {"rms", "failover", F_DURATION, P(rms_failover), 0, 0},
    {"sql", "opsdb_base", F_SIZE, P(opsdb_base), 0, 0},
    {"sql", "dw_base", F_SIZE, P(dw_base), 0, 0},
    {"sql", "opsdb_share", F_DOUBLE, P(opsdb_share), 0, 100},
    {"sql", "dw_share", F_DOUBLE, P(dw_share), 0, 100},
    {"sql", "opsdb_retention", F_DURATION, P(opsdb_retention), 1, 0},
    {"sql", "dw_retention", F_DURATION, P(dw_retention), 1, 0},
    {"sql", "grooming", F_BOOL, P(grooming), 0, 0},
    {"sql", "detection", F_DURATION, P(sql_detection), 0, 0},
    {"sql", "recovery", F_DURATION, P(sql_recovery), 0, 0},
    {"connections", "retry_interval", F_DURATION, P(retry_interval), 1, 0},
    {"connections", "retries", F_INT, P(retries), 0, 100},
    {"connections", "connect_time", F_DURATION, P(connect_time), 0, 0},
    {"connections", "failback_every", F_DURATION, P(failback_every), 1, 0},
    {"transfer", "flush_every", F_DURATION, P(flush_every), 1, 0},
    {"transfer", "max_batch", F_SIZE, P(max_batch), 1, 0},
    {"links.site", "latency", F_DURATION, P(site.latency), 0, 0},
    {"links.site", "bandwidth", F_RATE, P(site.bandwidth), 1, 0},
    {"links.site", "availability", F_DOUBLE, P(site.availability), 0.001, 1},
    {"links.gateway", "latency", F_DURATION, P(gw_link.latency), 0, 0},
    {"links.gateway", "bandwidth", F_RATE, P(gw_link.bandwidth), 1, 0},
    {"links.gateway", "availability", F_DOUBLE, P(gw_link.availability), 0.001, 1},
    {"links.sql", "latency", F_DURATION, P(sql_link.latency), 0, 0},
    {"links.sql", "bandwidth", F_RATE, P(sql_link.bandwidth), 1, 0},
    {"links.sql", "availability", F_DOUBLE, P(sql_link.availability), 0.001, 1},
};
#undef P

void rm_params_default(rm_params *p) {
  memset(p, 0, sizeof *p);
  p->ms_agents = 2000;
  p->gw_agents = 530;
  p->ess_servers = 30;
  p->ess_clients = 500;
  p->heartbeat_interval = RS_MIN;
  p->missed_heartbeats = 3;
  p->alert_clients = false;
  p->agent_queue = 15360 * 1024;
  p->per_day[RM_DATA_PERF] = 4660;
  p->per_day[RM_DATA_EVENT] = 130;
  p->per_day[RM_DATA_ALERT] = 1;
  p->per_day[RM_DATA_STATE] = 100;
  p->item_bytes[RM_DATA_PERF] = 1750;
  p->item_bytes[RM_DATA_EVENT] = 3000;
  p->item_bytes[RM_DATA_ALERT] = 5000;
  p->item_bytes[RM_DATA_STATE] = 500;
  p->forward_share = 1.0;
  p->ess_queue = 100 * 1048576;
  p->gw_queue = 100 * 1048576;
  p->gw_compression = 0.5;
  p->ms_queue = 100 * 1048576;
  p->rms_failover = 2 * RS_MIN;
  p->opsdb_base = 1 << 30;
  p->dw_base = 1 << 30;
  p->opsdb_share = 0.1;
  p->dw_share = 0.05;
  p->opsdb_retention = 7 * RS_DAY;
  p->dw_retention = 400 * RS_DAY;
  p->grooming = true;
  p->sql_detection = 5 * RS_SEC;
  p->sql_recovery = 60 * RS_SEC;
  p->retry_interval = 30 * RS_SEC;
  p->retries = 3;
  p->connect_time = 30 * RS_SEC;
  p->failback_every = 60 * RS_SEC;
  p->flush_every = 5 * RS_SEC;
  p->max_batch = 1048576;
  p->site = (rm_link_params){.latency = 50 * RS_MSEC, .bandwidth = 2e6 / 8, .availability = 1.0};
  p->gw_link = (rm_link_params){.latency = RS_MSEC, .bandwidth = 1e9 / 8, .availability = 1.0};
  p->sql_link = (rm_link_params){.latency = RS_MSEC, .bandwidth = 1e9 / 8, .availability = 1.0};
  p->web_console = false;
}

/* Parse one parameter's value into p. */
static int read_field(rm_yaml *y, yaml_node_t *v, const field *f, rm_params *p) {
  char what[96];
  snprintf(what, sizeof what, "%s.%s", f->section, f->key);
  void *dst = (char *)p + f->off;
  int64_t i;
  double d;
  size_t off = 0;
  switch (f->type) {
  case F_INT:
    if (rm_yaml_int(y, v, what, (int64_t)f->min, (int64_t)f->max, &i)) return -1;
    if (f->max <= 2147483647.0)
      *(int *)dst = (int)i;
    else
      *(int64_t *)dst = i;
    return 0;
  case F_DOUBLE:
    if (rm_yaml_double(y, v, what, f->min, f->max, &d)) return -1;
    *(double *)dst = d;
    return 0;
  case F_DURATION:
    return rm_yaml_duration(y, v, what, (rs_time_t)f->min * RS_SEC, (rs_time_t *)dst);
  case F_BOOL:
    return rm_yaml_bool(y, v, what, (bool *)dst);
  case F_SIZE:
    if (v->type != YAML_SCALAR_NODE) return rm_yaml_error(y, v, "%s must be a size such as 15MB", what);
    if (rm_size_parse((const char *)v->data.scalar.value, v->data.scalar.length, &i, &off) || i < (int64_t)f->min)
      return rm_yaml_error_at(y, v, off, "%s: bad size '%s' (expected a number and B, KB, MB or GB, as in 15MB)", what,
                              (const char *)v->data.scalar.value);
    *(int64_t *)dst = i;
    return 0;
  case F_RATE:
    if (v->type != YAML_SCALAR_NODE) return rm_yaml_error(y, v, "%s must be a rate such as 2Mbit/s", what);
    if (rm_rate_parse((const char *)v->data.scalar.value, v->data.scalar.length, &d, &off) || d < f->min)
      return rm_yaml_error_at(y, v, off,
                              "%s: bad rate '%s' (expected a number and B/s, KB/s, MB/s, GB/s, bit/s, Kbit/s, Mbit/s or Gbit/s)",
                              what, (const char *)v->data.scalar.value);
    *(double *)dst = d;
    return 0;
  }
  return -1;
}

/* Check the keys of section map (its own keys plus its parameters') and
 * read its parameters. */
static int read_section(rm_yaml *y, yaml_node_t *map, const char *section, const char *const *own, rm_params *p) {
  /* Capacities once given as rates are the servers' hardware now. */
  static const char *const replaced[][2] = {
      {"gateways", "capacity"}, {"management_servers", "capacity"}, {"sql", "write_capacity"}};
  for (size_t r = 0; r < sizeof replaced / sizeof replaced[0]; r++)
    if (strcmp(section, replaced[r][0]) == 0 && map->type == YAML_MAPPING_NODE && rm_yaml_get(y, map, replaced[r][1]))
      return rm_yaml_error(y, rm_yaml_key(y, map, replaced[r][1]),
                           "%s.%s is no longer a setting: what a server takes in follows from its hardware (give "
                           "its model under hardware:, see docs/hardware.md)",
                           section, replaced[r][1]);
  const char *keys[64];
  int n = 0;
  for (const char *const *k = own; k && *k; k++) keys[n++] = *k;
  for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
    if (strcmp(fields[f].section, section) == 0 && n < 63) keys[n++] = fields[f].key;
  keys[n] = NULL;
  if (rm_yaml_check_keys(y, map, section, keys)) return -1;
  for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
    if (strcmp(fields[f].section, section) != 0) continue;
    yaml_node_t *v = rm_yaml_get(y, map, fields[f].key);
    if (v && read_field(y, v, &fields[f], p)) return -1;
  }
  return 0;
}

static int get_int(rm_yaml *y, yaml_node_t *map, const char *key, const char *what, int64_t min, int64_t max,
                   int *out) {
  yaml_node_t *v = rm_yaml_get(y, map, key);
  int64_t x;
  if (!v) return 0;
  if (rm_yaml_int(y, v, what, min, max, &x)) return -1;
  *out = (int)x;
  return 0;
}

/* `count: N` or `names: [...]` for management servers or gateways, each
 * put in ix (a name given twice is refused). When maps is given (gateways),
 * an item may also be a mapping {name, report_to, failover}: its node is
 * kept in (*maps)[i] (NULL for a plain name). */
static int read_names(rm_yaml *y, yaml_node_t *map, const char *what, const char *prefix, int *n, char ***names,
                      rm_index *ix, yaml_node_t ***maps) {
  yaml_node_t *count = rm_yaml_get(y, map, "count"), *list = rm_yaml_get(y, map, "names");
  if (count && list) return rm_yaml_error(y, rm_yaml_key(y, map, "names"), "%s: give count or names, not both", what);
  if (!count && !list) return rm_yaml_error(y, map, "%s: give count (a number) or names (a list)", what);
  if (count) {
    int64_t c;
    if (rm_yaml_int(y, count, "count", 1, RM_MAX_NODES, &c)) return -1;
    *names = calloc((size_t)c, sizeof **names);
    if (!*names) return rm_yaml_error(y, count, "out of memory");
    *n = (int)c;
    if (rm_index_reserve(ix, (size_t)c)) return rm_yaml_error(y, count, "out of memory");
    for (int i = 0; i < c; i++) {
      char b[64];
      snprintf(b, sizeof b, "%s-%d", prefix, i + 1);
      if (!((*names)[i] = strdup(b)) || rm_index_put(ix, (*names)[i], i, NULL) < 0)
        return rm_yaml_error(y, count, "out of memory");
    }
    return 0;
  }
  if (list->type != YAML_SEQUENCE_NODE || list->data.sequence.items.top == list->data.sequence.items.start)
    return rm_yaml_error(y, list, "%s: names must be a non-empty list", what);
  int c = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  *names = calloc((size_t)c, sizeof **names);
  if (!*names) return rm_yaml_error(y, list, "out of memory");
  *n = c;
  if (maps && !(*maps = calloc((size_t)c, sizeof **maps))) return rm_yaml_error(y, list, "out of memory");
  if (rm_index_reserve(ix, (size_t)c)) return rm_yaml_error(y, list, "out of memory");
  for (int i = 0; i < c; i++) {
    yaml_node_t *item = rm_yaml_node(y, list->data.sequence.items.start[i]);
    if (maps && item && item->type == YAML_MAPPING_NODE) {
      static const char *const keys[] = {"name", "report_to", "failover", NULL};
      if (rm_yaml_check_keys(y, item, "a gateway", keys)) return -1;
      yaml_node_t *nm = rm_yaml_get(y, item, "name");
      if (!nm) return rm_yaml_error(y, item, "a gateway given as a mapping needs a name");
      (*maps)[i] = item;
      item = nm;
    }
    if (rm_yaml_string(y, item, "a name", &(*names)[i])) return -1;
    if (strlen((*names)[i]) > RM_MAX_NAME) return rm_yaml_error(y, item, "a name is at most 200 bytes long");
    int put = rm_index_put(ix, (*names)[i], i, NULL);
    if (put < 0) return rm_yaml_error(y, item, "out of memory");
    if (put > 0) return rm_yaml_error(y, item, "%s: name '%s' is given twice", what, (*names)[i]);
  }
  return 0;
}

/* `auto` (NULL) or the name of a node in names. */
static int read_ref(rm_yaml *y, yaml_node_t *map, const char *key, const char *kind, const rm_index *names,
                    char **out) {
  yaml_node_t *v = rm_yaml_get(y, map, key);
  *out = NULL;
  if (!v || rm_yaml_is(v, "auto")) return 0;
  if (rm_yaml_string(y, v, key, out)) return -1;
  if (rm_index_get(names, *out) < 0)
    return rm_yaml_error(y, v, "%s: no %s is named '%s' (write auto or the name of one)", key, kind, *out);
  return 0;
}

/* A customer line's primary or backup: auto (NULL), a gateway for each of
 * its Essentials servers, or a list of one gateway (or auto) per Essentials
 * server (n of them; per customer when each has one). */
static int read_gw_refs(rm_yaml *y, yaml_node_t *m, const char *key, const rm_scenario *sc, int n_ess, bool per_customer,
                        char **one, char ***each) {
  yaml_node_t *v = rm_yaml_get(y, m, key);
  if (!v || v->type != YAML_SEQUENCE_NODE) return read_ref(y, m, key, "gateway", &sc->gw_index, one);
  int n = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
  if (n != n_ess)
    return per_customer
               ? rm_yaml_error(y, v, "%s: a list gives one gateway per customer: %d for %d customers", key, n, n_ess)
               : rm_yaml_error(y, v,
                               "%s: a list gives one gateway per Essentials server, customer by customer: %d for %d "
                               "Essentials servers",
                               key, n, n_ess);
  if (!(*each = calloc((size_t)n, sizeof **each))) return rm_yaml_error(y, v, "out of memory");
  for (int i = 0; i < n; i++) {
    yaml_node_t *item = rm_yaml_node(y, v->data.sequence.items.start[i]);
    if (rm_yaml_is(item, "auto")) continue;
    if (rm_yaml_string(y, item, key, &(*each)[i])) return -1;
    if (rm_index_get(&sc->gw_index, (*each)[i]) < 0)
      return rm_yaml_error(y, item, "%s: no gateway is named '%s' (write auto or the name of one)", key, (*each)[i]);
  }
  return 0;
}

const char *rm_customer_primary(const rm_customer_spec *cs, int i) {
  return cs->primary_each ? cs->primary_each[i] : cs->primary;
}

const char *rm_customer_backup(const rm_customer_spec *cs, int i) {
  return cs->backup_each ? cs->backup_each[i] : cs->backup;
}

void rm_ess_split(int servers, int clients, int n, int part, int *s, int *c) {
  *s = servers / n + (part < servers % n);
  *c = clients / n + (part >= n - clients % n);
}

int rm_ess_needed(int servers, int clients, int max_servers, int max_clients) {
  if ((servers > 0 && max_servers < 1) || (clients > 0 && max_clients < 1)) return -1;
  int64_t n = 1;
  if (servers > 0 && (servers + (int64_t)max_servers - 1) / max_servers > n)
    n = (servers + (int64_t)max_servers - 1) / max_servers;
  if (clients > 0 && (clients + (int64_t)max_clients - 1) / max_clients > n)
    n = (clients + (int64_t)max_clients - 1) / max_clients;
  return (int)n;
}

/* The Essentials limit for a customer line: each customer's computers, split
 * over its Essentials servers (`essentials:`, else one), within an Essentials
 * server's servers and clients. The error points at `essentials:` when it is
 * given, else at the count that is over. */
static int check_essentials(rm_yaml *y, const rm_scenario *sc, yaml_node_t *m, const rm_customer_spec *cs) {
  const rm_params *p = &sc->p;
  yaml_node_t *ek = rm_yaml_get(y, m, "essentials");
  int need = rm_ess_needed(cs->servers, cs->clients, p->ess_servers, p->ess_clients);
  bool servers_over = cs->servers > (int64_t)p->ess_servers * cs->essentials;
  yaml_node_t *count = rm_yaml_get(y, m, servers_over ? "servers" : "clients");
  if (ek && cs->essentials > cs->servers + cs->clients)
    return rm_yaml_error(y, ek, "essentials: %d Essentials servers for %d computer%s: each needs at least one",
                         cs->essentials, cs->servers + cs->clients, cs->servers + cs->clients == 1 ? "" : "s");
  if (need < 0)
    return rm_yaml_error(y, count,
                         "an Essentials server manages at most %d servers and %d clients (limits: essentials_servers, "
                         "essentials_clients), so no number of them holds %d %s",
                         p->ess_servers, p->ess_clients, servers_over ? cs->servers : cs->clients,
                         servers_over ? "servers" : "clients");
  if (cs->essentials >= need) return 0;
  if (ek) {
    int n = cs->essentials;
    return rm_yaml_error(y, ek,
                         "essentials: %d: %d servers and %d clients split over %d Essentials servers leave up to %d "
                         "servers and %d clients on one, over an Essentials server's limit of %d servers + %d "
                         "clients; it takes essentials: %d",
                         n, cs->servers, cs->clients, n, (cs->servers + n - 1) / n, (cs->clients + n - 1) / n,
                         p->ess_servers, p->ess_clients, need);
  }
  return rm_yaml_error(y, count,
                       "a customer with %d servers and %d clients is over an Essentials server's limit of %d servers "
                       "+ %d clients (service provider mode): add essentials: %d to the customer line to split each "
                       "customer over %d Essentials servers",
                       cs->servers, cs->clients, p->ess_servers, p->ess_clients, need, need);
}

static int read_customers(rm_yaml *y, rm_scenario *sc, yaml_node_t *list) {
  if (list->type != YAML_SEQUENCE_NODE || list->data.sequence.items.top == list->data.sequence.items.start)
    return rm_yaml_error(y, list, "customers must be a non-empty list of {count, servers, clients, ...}");
  int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  sc->specs = calloc((size_t)n, sizeof *sc->specs);
  if (!sc->specs) return rm_yaml_error(y, list, "out of memory");
  int64_t total = 0;
  for (int i = 0; i < n; i++) {
    yaml_node_t *m = rm_yaml_node(y, list->data.sequence.items.start[i]);
    rm_customer_spec *cs = &sc->specs[i];
    sc->n_specs = i + 1;
    if (rm_yaml_check_keys(y, m, "a customer line", cust_keys)) return -1;
    cs->count = 1;
    cs->essentials = 1;
    if (get_int(y, m, "count", "count", 1, RM_MAX_NODES, &cs->count) ||
        get_int(y, m, "servers", "servers", 0, RM_MAX_NODES, &cs->servers) ||
        get_int(y, m, "clients", "clients", 0, RM_MAX_NODES, &cs->clients) ||
        get_int(y, m, "essentials", "essentials", 1, RM_MAX_NODES, &cs->essentials))
      return -1;
    if (!rm_yaml_get(y, m, "servers") && !rm_yaml_get(y, m, "clients"))
      return rm_yaml_error(y, m, "a customer line needs servers or clients (how many computers each customer has)");
    if (cs->servers + cs->clients == 0) return rm_yaml_error(y, m, "a customer needs at least one computer");
    if (check_essentials(y, sc, m, cs)) return -1;
    yaml_node_t *nm = rm_yaml_get(y, m, "name");
    if (nm) {
      if (rm_yaml_string(y, nm, "name", &cs->prefix)) return -1;
    } else {
      char b[32];
      snprintf(b, sizeof b, n == 1 ? "cust" : "cust%d", i + 1);
      if (!(cs->prefix = strdup(b))) return rm_yaml_error(y, m, "out of memory");
    }
    int put = rm_index_put(&sc->spec_index, cs->prefix, i, NULL);
    if (put < 0) return rm_yaml_error(y, m, "out of memory");
    if (put > 0) return rm_yaml_error(y, nm ? nm : m, "customer name '%s' is used by an earlier line", cs->prefix);
    if (strpbrk(cs->prefix, "/:"))
      return rm_yaml_error(y, nm, "customer name '%s' may not hold '/' or ':' (they write selectors)", cs->prefix);
    if (strlen(cs->prefix) > RM_MAX_NAME) return rm_yaml_error(y, nm, "a customer name is at most 200 bytes long");
    total += (int64_t)cs->count * (cs->servers + cs->clients);
    if (total > 10 * (int64_t)RM_MAX_NODES)
      return rm_yaml_error(y, m, "more than %d agents in all: too large to simulate", 10 * RM_MAX_NODES);
    int n_ess = cs->count * cs->essentials; /* essentials <= computers, so at most the agents above */
    if (read_gw_refs(y, m, "primary", sc, n_ess, cs->essentials == 1, &cs->primary, &cs->primary_each) ||
        read_gw_refs(y, m, "backup", sc, n_ess, cs->essentials == 1, &cs->backup, &cs->backup_each))
      return -1;
    for (int c = 0; c < n_ess; c++) {
      const char *pr = rm_customer_primary(cs, c), *bk = rm_customer_backup(cs, c);
      if (pr && bk && strcmp(pr, bk) == 0)
        return rm_yaml_error(y, rm_yaml_get(y, m, "backup"), "backup must differ from primary ('%s'%s)", pr,
                             n_ess == 1 ? "" : cs->essentials > 1 ? " for one of the Essentials servers"
                                                                   : " for one of the customers");
    }
  }
  return 0;
}

/* Whether name begins with a customer of line cs: PREFIX-K, then, when
 * each customer has several Essentials servers, optionally .J for its J-th.
 * Fills the customer (from 0) and the part (from 0; -1 when no .J follows)
 * and returns what follows, or NULL. */
static const char *match_customer(const rm_customer_spec *cs, const char *name, int *cust, int *part) {
  size_t pl = strlen(cs->prefix);
  if (strncmp(name, cs->prefix, pl) != 0 || name[pl] != '-' || name[pl + 1] < '1' || name[pl + 1] > '9') return NULL;
  char *end;
  long c = strtol(name + pl + 1, &end, 10);
  if (c < 1 || c > cs->count) return NULL;
  *cust = (int)c - 1;
  *part = -1;
  if (cs->essentials > 1 && end[0] == '.' && end[1] >= '1' && end[1] <= '9') {
    char *e2;
    long j = strtol(end + 1, &e2, 10);
    if (j >= 1 && j <= cs->essentials) {
      *part = (int)j - 1;
      end = e2;
    }
  }
  return end;
}

/* The customer lines name may begin with: those whose prefix is followed
 * in name by '-' and a digit from 1 to 9. Prefixes are at most RM_MAX_NAME
 * bytes, so there are at most half as many; each is found by its hash, the
 * prefixes' hashes taken in one pass over name. Their indexes go to out
 * (room for RM_MAX_NAME / 2 + 1); returns how many. */
enum { MAX_LINES_PREFIXING = RM_MAX_NAME / 2 + 1 };
static int lines_prefixing(const rm_scenario *sc, const char *name, int *out) {
  int n = 0;
  uint64_t h = RM_INDEX_SEED;
  for (size_t i = 0; name[i] && i <= RM_MAX_NAME; i++) {
    if (i > 0 && name[i] == '-' && name[i + 1] >= '1' && name[i + 1] <= '9') {
      int64_t s = rm_index_get_hashed(&sc->spec_index, name, i, h);
      if (s >= 0 && n < MAX_LINES_PREFIXING) out[n++] = (int)s;
    }
    h = rm_index_step(h, (unsigned char)name[i]);
  }
  return n;
}

/* Whether name is an Essentials server's: a customer's name when it has
 * one, CUSTOMER.J (J from 1) when it has several. */
static bool ess_exists(const rm_scenario *sc, const char *name) {
  int lines[MAX_LINES_PREFIXING], n = lines_prefixing(sc, name, lines);
  for (int k = 0; k < n; k++) {
    int c, j, i = lines[k];
    const char *end = match_customer(&sc->specs[i], name, &c, &j);
    if (end && *end == '\0' && (sc->specs[i].essentials > 1) == (j >= 0)) return true;
  }
  return false;
}

/* Whether name is a node the scenario describes: a management server, a
 * gateway, an Essentials server (a customer's name, or CUSTOMER.J when it has
 * several), an agent (ESSENTIALS/srv-K or ESSENTIALS/cli-K), a cluster (rms,
 * sql) or a cluster node (rms-1, sql-2). */
static bool node_exists(const rm_scenario *sc, const char *name) {
  static const char *const fixed[] = {"rms", "rms-1", "rms-2", "sql", "sql-1", "sql-2", "web-1"};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (strcmp(name, fixed[i]) == 0) return i < 6 || sc->p.web_console;
  if (rm_index_get(&sc->ms_index, name) >= 0 || rm_index_get(&sc->gw_index, name) >= 0) return true;
  int lines[MAX_LINES_PREFIXING], n = lines_prefixing(sc, name, lines);
  for (int i = 0; i < n; i++) {
    const rm_customer_spec *cs = &sc->specs[lines[i]];
    int c, j;
    const char *end = match_customer(cs, name, &c, &j);
    if (!end || (cs->essentials > 1) != (j >= 0)) continue;
    if (*end == '\0') return true;
    int s, k;
    rm_ess_split(cs->servers, cs->clients, cs->essentials, j < 0 ? 0 : j, &s, &k);
    int limit = strncmp(end, "/srv-", 5) == 0 ? s : strncmp(end, "/cli-", 5) == 0 ? k : -1;
    if (limit < 0 || end[5] < '1' || end[5] > '9') continue;
    char *e2;
    long x = strtol(end + 5, &e2, 10);
    if (*e2 == '\0' && x >= 1 && x <= limit) return true;
  }
  return false;
}

/* The kinds of fault, as written: the key that names each. */
static const char *const fault_names[RM_FAULT_KINDS] = {
    [RM_FAULT_CRASH] = "crash",          [RM_FAULT_CUT] = "cut",
    [RM_FAULT_DEGRADE] = "degrade",      [RM_FAULT_FLAP] = "flap",
    [RM_FAULT_SITE_OUTAGE] = "site_outage", [RM_FAULT_DC_OUTAGE] = "datacenter_outage",
    [RM_FAULT_SLOW_SQL] = "slow_sql",    [RM_FAULT_STOP_HEALTH] = "stop_health",
    [RM_FAULT_ROLLING] = "rolling_restart", [RM_FAULT_STEP] = NULL};

static const char *const fault_keys_all[] = {
    "crash", "cut", "degrade", "flap", "site_outage", "datacenter_outage", "slow_sql", "stop_health",
    "rolling_restart", "id", "at", "for", "share", "count", "latency", "bandwidth", "loss", "every", "times",
    "gap", NULL};

/* Which of the optional keys each kind takes (besides id, at). */
static bool key_allowed(rm_fault_kind k, const char *key) {
  static const char *const common[] = {"id", "at", NULL};
  for (const char *const *c = common; *c; c++)
    if (strcmp(*c, key) == 0) return true;
  if (fault_names[k] && strcmp(fault_names[k], key) == 0) return true;
  bool subset = strcmp(key, "share") == 0 || strcmp(key, "count") == 0;
  switch (k) {
  case RM_FAULT_CRASH: return strcmp(key, "for") == 0 || subset;
  case RM_FAULT_CUT: return strcmp(key, "for") == 0 || subset;
  case RM_FAULT_DEGRADE:
    return strcmp(key, "for") == 0 || subset || strcmp(key, "latency") == 0 || strcmp(key, "bandwidth") == 0 ||
           strcmp(key, "loss") == 0;
  case RM_FAULT_FLAP: return strcmp(key, "every") == 0 || strcmp(key, "times") == 0 || subset;
  case RM_FAULT_SITE_OUTAGE:
  case RM_FAULT_DC_OUTAGE:
  case RM_FAULT_SLOW_SQL: return strcmp(key, "for") == 0;
  case RM_FAULT_STOP_HEALTH: return strcmp(key, "for") == 0 || subset;
  case RM_FAULT_ROLLING: return strcmp(key, "for") == 0 || strcmp(key, "gap") == 0;
  default: return false;
  }
}

/* A share: a number from 0 to 1, or a percentage such as 5%. */
static int read_share(rm_yaml *y, yaml_node_t *v, const char *what, double *out) {
  if (v->type == YAML_SCALAR_NODE && v->data.scalar.length > 1 &&
      v->data.scalar.value[v->data.scalar.length - 1] == '%') {
    char buf[64];
    char *end;
    size_t n = v->data.scalar.length - 1;
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, v->data.scalar.value, n);
    buf[n] = '\0';
    double d = strtod(buf, &end);
    if (*end || end == buf || d < 0 || d > 100)
      return rm_yaml_error(y, v, "%s must be a share from 0 to 1 or a percentage from 0%% to 100%%, not '%s'", what,
                           (const char *)v->data.scalar.value);
    *out = d / 100.0;
    return 0;
  }
  return rm_yaml_double(y, v, what, 0, 1, out);
}

/* `at: 2h`, or `at: {from: 1h, to: 3h}` for a random time in the window. */
static int read_at(rm_yaml *y, yaml_node_t *v, rm_fault_spec *f) {
  static const char *const window_keys[] = {"from", "to", NULL};
  if (v->type != YAML_MAPPING_NODE) {
    if (rm_yaml_duration(y, v, "at", 0, &f->at)) return -1;
    f->at_to = f->at;
    return 0;
  }
  yaml_node_t *a, *b;
  if (rm_yaml_check_keys(y, v, "at", window_keys)) return -1;
  if (!(a = rm_yaml_get(y, v, "from")) || !(b = rm_yaml_get(y, v, "to")))
    return rm_yaml_error(y, v, "a window needs from and to, as in {from: 1h, to: 3h}");
  if (rm_yaml_duration(y, a, "from", 0, &f->at) || rm_yaml_duration(y, b, "to", 0, &f->at_to)) return -1;
  if (f->at_to < f->at) return rm_yaml_error(y, b, "to must not be before from");
  return 0;
}

static const char *const selector_roles[] = {"management_server", "gateway", "essentials", "agent", "server",
                                             "client", "rms_node", "sql_node", NULL};

static bool customer_exists(const rm_scenario *sc, const char *name) {
  int lines[MAX_LINES_PREFIXING], n = lines_prefixing(sc, name, lines);
  for (int k = 0; k < n; k++) {
    int c, j;
    const char *end = match_customer(&sc->specs[lines[k]], name, &c, &j);
    if (end && *end == '\0' && j < 0) return true;
  }
  return false;
}

static bool is_sender(const rm_scenario *sc, const char *name) {
  return rm_index_get(&sc->ms_index, name) >= 0 || rm_index_get(&sc->gw_index, name) >= 0 || ess_exists(sc, name);
}

const char *rm_scenario_check_target(const rm_scenario *sc, rm_fault_kind kind, const char *t) {
  static const char several_ess[] = "that customer has several Essentials servers: name one (CUSTOMER.1, "
                                    "CUSTOMER.2, ...), or write customer:CUSTOMER";
  bool links = kind == RM_FAULT_CUT || kind == RM_FAULT_DEGRADE;
  bool agents_only = kind == RM_FAULT_STOP_HEALTH;
  if (strncmp(t, "link:", 5) == 0) {
    if (!(links || kind == RM_FAULT_FLAP || kind == RM_FAULT_STEP)) return "this fault takes nodes, not links";
    if (is_sender(sc, t + 5)) return NULL;
    if (customer_exists(sc, t + 5)) return several_ess;
    return "link: names the link of a sender: an Essentials server (a customer's name, or CUSTOMER.J when it has "
           "several), a gateway or a management server";
  }
  if (strncmp(t, "links:", 6) == 0) {
    if (!(links || kind == RM_FAULT_FLAP || kind == RM_FAULT_STEP)) return "this fault takes nodes, not links";
    const char *r = t + 6;
    return strcmp(r, "essentials") == 0 || strcmp(r, "gateway") == 0 || strcmp(r, "management_server") == 0
               ? NULL
               : "links: takes essentials, gateway or management_server";
  }
  if (strncmp(t, "role:", 5) == 0) {
    for (const char *const *r = selector_roles; *r; r++)
      if (strcmp(*r, t + 5) == 0) {
        if (agents_only && strcmp(*r, "agent") && strcmp(*r, "server") && strcmp(*r, "client"))
          return "stop_health takes agents: role:agent, role:server or role:client";
        if (links && strcmp(*r, "essentials") && strcmp(*r, "gateway") && strcmp(*r, "management_server"))
          return "a link fault takes senders: role:essentials, role:gateway or role:management_server";
        return NULL;
      }
    return "role: takes management_server, gateway, essentials, agent, server, client, rms_node or sql_node";
  }
  if (strncmp(t, "customer:", 9) == 0 || strncmp(t, "agents:", 7) == 0) {
    const char *c = strchr(t, ':') + 1;
    if (links) return "a link fault takes link:NODE, links:ROLE, role:ROLE or a sender's name";
    return customer_exists(sc, c) ? NULL : "no customer has that name";
  }
  if (!node_exists(sc, t) && customer_exists(sc, t)) return several_ess;
  if (!node_exists(sc, t))
    return "no node has that name (a management server, gateway, customer, agent such as cust-1/srv-1, rms, rms-1, "
           "rms-2, sql, sql-1, sql-2), nor is it a selector (link:, links:, role:, customer:, agents:)";
  if (links && !is_sender(sc, t))
    return "a link fault takes a sender: an Essentials server, a gateway or a management server";
  if (agents_only && !strchr(t, '/')) return "stop_health takes agents: an agent's name, agents:CUSTOMER or role:agent";
  return NULL;
}

static int read_target(rm_yaml *y, yaml_node_t *v, rm_scenario *sc, rm_fault_spec *f, const char *key) {
  if (rm_yaml_string(y, v, key, &f->target)) return -1;
  const char *why = rm_scenario_check_target(sc, f->kind, f->target);
  return why ? rm_yaml_error(y, v, "%s: '%s': %s", key, f->target, why) : 0;
}

static int read_fault(rm_yaml *y, rm_scenario *sc, yaml_node_t *m, rm_fault_spec *f, int index) {
  yaml_node_t *v, *kv = NULL;
  if (rm_yaml_check_keys(y, m, "a fault", fault_keys_all)) return -1;
  int kinds = 0;
  for (int k = 0; k < RM_FAULT_KINDS; k++)
    if (fault_names[k] && (v = rm_yaml_get(y, m, fault_names[k]))) {
      f->kind = (rm_fault_kind)k;
      kv = v;
      kinds++;
    }
  if (kinds != 1)
    return rm_yaml_error(y, m, "a fault names one kind: crash, cut, degrade, flap, site_outage, datacenter_outage, "
                               "slow_sql, stop_health or rolling_restart");
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = rm_yaml_node(y, p->key);
    if (!key_allowed(f->kind, (const char *)k->data.scalar.value))
      return rm_yaml_error(y, k, "%s does not take '%s'", fault_names[f->kind], (const char *)k->data.scalar.value);
  }
  char where[300];
  snprintf(where, sizeof where, "%s:%zu:%zu", y->file, m->start_mark.line + 1, m->start_mark.column + 1);
  if (!(f->where = strdup(where))) return rm_yaml_error(y, m, "out of memory");
  if ((v = rm_yaml_get(y, m, "id"))) {
    if (rm_yaml_string(y, v, "id", &f->id)) return -1;
  } else {
    char b[32];
    snprintf(b, sizeof b, "fault-%d", index + 1);
    if (!(f->id = strdup(b))) return rm_yaml_error(y, m, "out of memory");
  }
  switch (f->kind) {
  case RM_FAULT_DC_OUTAGE: {
    bool on;
    if (rm_yaml_bool(y, kv, "datacenter_outage", &on)) return -1;
    if (!on) return rm_yaml_error(y, kv, "datacenter_outage: write true (or leave the fault out)");
    break;
  }
  case RM_FAULT_SLOW_SQL:
    if (rm_yaml_double(y, kv, "slow_sql (the share of its write capacity left)", 0.001, 1, &f->factor)) return -1;
    break;
  case RM_FAULT_SITE_OUTAGE:
    if (rm_yaml_string(y, kv, "site_outage", &f->target)) return -1;
    if (!customer_exists(sc, f->target))
      return rm_yaml_error(y, kv, "site_outage: no customer is named '%s'", f->target);
    break;
  case RM_FAULT_ROLLING:
    if (kv->type == YAML_SEQUENCE_NODE) {
      int n = (int)(kv->data.sequence.items.top - kv->data.sequence.items.start);
      if (n == 0) return rm_yaml_error(y, kv, "rolling_restart: the list of nodes is empty");
      if (!(f->list = calloc((size_t)n, sizeof *f->list))) return rm_yaml_error(y, kv, "out of memory");
      for (int i = 0; i < n; i++) {
        yaml_node_t *item = rm_yaml_node(y, kv->data.sequence.items.start[i]);
        f->n_list = i + 1;
        if (rm_yaml_string(y, item, "a node", &f->list[i])) return -1;
        const char *why = rm_scenario_check_target(sc, RM_FAULT_CRASH, f->list[i]);
        if (why || strchr(f->list[i], ':'))
          return rm_yaml_error(y, item, "rolling_restart: '%s': %s", f->list[i], why ? why : "name nodes one by one");
      }
    } else if (read_target(y, kv, sc, f, "rolling_restart")) {
      return -1;
    }
    break;
  default:
    if (read_target(y, kv, sc, f, fault_names[f->kind])) return -1;
  }
  if (!(v = rm_yaml_get(y, m, "at"))) return rm_yaml_error(y, m, "a fault needs at: TIME (such as 2h)");
  if (read_at(y, v, f)) return -1;
  if (f->at > sc->duration) {
    char d[32];
    return rm_yaml_error(y, v, "at: the fault would begin after the end of the run (%s)",
                         rs_duration_format(sc->duration, d, sizeof d));
  }
  f->duration = RS_TIME_MAX;
  if ((v = rm_yaml_get(y, m, "for")) && rm_yaml_duration(y, v, "for", 1, &f->duration)) return -1;
  if ((v = rm_yaml_get(y, m, "share")) && read_share(y, v, "share", &f->share)) return -1;
  int64_t i64;
  if ((v = rm_yaml_get(y, m, "count"))) {
    if (rm_yaml_int(y, v, "count", 1, RM_MAX_NODES * 10, &i64)) return -1;
    f->count = (int)i64;
  }
  if (f->share > 0 && f->count > 0)
    return rm_yaml_error(y, rm_yaml_key(y, m, "count"), "give share or count, not both");
  if (f->kind == RM_FAULT_DEGRADE) {
    if ((v = rm_yaml_get(y, m, "latency")) && rm_yaml_duration(y, v, "latency", 0, &f->latency)) return -1;
    size_t off = 0;
    if ((v = rm_yaml_get(y, m, "bandwidth")) &&
        (v->type != YAML_SCALAR_NODE ||
         rm_rate_parse((const char *)v->data.scalar.value, v->data.scalar.length, &f->bandwidth, &off) ||
         f->bandwidth <= 0))
      return rm_yaml_error_at(y, v, off, "bandwidth: bad rate (expected a number and B/s, KB/s, MB/s, GB/s, bit/s, "
                                         "Kbit/s, Mbit/s or Gbit/s, as in 256Kbit/s)");
    if ((v = rm_yaml_get(y, m, "loss")) && read_share(y, v, "loss", &f->loss)) return -1;
    if (f->loss >= 1) return rm_yaml_error(y, v, "loss must be below 100%%");
    if (!f->latency && !f->bandwidth && !f->loss)
      return rm_yaml_error(y, m, "degrade needs latency, bandwidth or loss (what gets worse)");
  }
  if (f->kind == RM_FAULT_FLAP) {
    if (!(v = rm_yaml_get(y, m, "every"))) return rm_yaml_error(y, m, "flap needs every: D (down D, then up D)");
    if (rm_yaml_duration(y, v, "every", 1, &f->every)) return -1;
    if (!(v = rm_yaml_get(y, m, "times"))) return rm_yaml_error(y, m, "flap needs times: N (how many times it goes down)");
    if (rm_yaml_int(y, v, "times", 1, 100000, &i64)) return -1;
    f->times = (int)i64;
  }
  if (f->kind == RM_FAULT_ROLLING) {
    if (!(v = rm_yaml_get(y, m, "gap"))) return rm_yaml_error(y, m, "rolling_restart needs gap: D (between two restarts)");
    if (rm_yaml_duration(y, v, "gap", 0, &f->gap)) return -1;
    if (f->duration == RS_TIME_MAX)
      return rm_yaml_error(y, m, "rolling_restart needs for: D (how long each node is down)");
  }
  return 0;
}

/* The faults, their ids put in ids (an id given twice is refused). */
static int read_faults(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, rm_index *ids) {
  if (list->type != YAML_SEQUENCE_NODE)
    return rm_yaml_error(y, list, "faults must be a list, such as [{crash: gw-1, at: 2h, for: 1h}]");
  int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  sc->faults = calloc((size_t)(n ? n : 1), sizeof *sc->faults);
  if (!sc->faults) return rm_yaml_error(y, list, "out of memory");
  for (int i = 0; i < n; i++) {
    yaml_node_t *m = rm_yaml_node(y, list->data.sequence.items.start[i]);
    sc->n_faults = i + 1;
    if (read_fault(y, sc, m, &sc->faults[i], i)) return -1;
    int put = rm_index_put(ids, sc->faults[i].id, i, NULL);
    if (put < 0) return rm_yaml_error(y, m, "out of memory");
    if (put > 0)
      return rm_yaml_error(y, rm_yaml_get(y, m, "id") ? rm_yaml_get(y, m, "id") : m, "fault id '%s' is used twice",
                           sc->faults[i].id);
  }
  return 0;
}

/* The nodes of a role that can fail at random (RM_RANDOM_*). */
static double role_nodes(const rm_scenario *sc, int r) {
  switch (r) {
  case RM_RANDOM_AGENT: return (double)rm_scenario_agents(sc);
  case RM_RANDOM_ESSENTIALS: return (double)rm_scenario_essentials(sc);
  case RM_RANDOM_GATEWAY: return sc->n_gw;
  case RM_RANDOM_MS: return sc->n_ms;
  default: return 2; /* a cluster's nodes */
  }
}

/* The random failures of a role expected over duration: each node is up
 * MTBF and down MTTR on average. */
static double role_failures(const rm_scenario *sc, int r, rs_time_t duration) {
  const rm_random_failures *rf = &sc->random[r];
  if (rf->mtbf <= 0) return 0;
  return role_nodes(sc, r) * (double)duration / ((double)rf->mtbf + (double)rf->mttr);
}

/* `random_failures: {gateway: {mtbf: 90d, mttr: 4h, repair: lognormal, cv: 0.5}, ...}` */
static int read_random(rm_yaml *y, rm_scenario *sc, yaml_node_t *map) {
  static const char *const roles[RM_RANDOM_ROLES + 1] = {"agent", "essentials", "gateway", "management_server",
                                                          "rms_node", "sql_node", NULL};
  static const char *const keys[] = {"mtbf", "mttr", "repair", "cv", NULL};
  yaml_node_t *mtbf_at[RM_RANDOM_ROLES] = {NULL};
  if (rm_yaml_check_keys(y, map, "random_failures", roles)) return -1;
  for (int r = 0; r < RM_RANDOM_ROLES; r++) {
    yaml_node_t *m = rm_yaml_get(y, map, roles[r]), *v;
    if (!m) continue;
    rm_random_failures *rf = &sc->random[r];
    if (rm_yaml_check_keys(y, m, roles[r], keys)) return -1;
    if (!(v = rm_yaml_get(y, m, "mtbf"))) return rm_yaml_error(y, m, "%s needs mtbf (mean time between failures)", roles[r]);
    mtbf_at[r] = v;
    if (rm_yaml_duration(y, v, "mtbf", 1, &rf->mtbf)) return -1;
    if (!(v = rm_yaml_get(y, m, "mttr"))) return rm_yaml_error(y, m, "%s needs mttr (mean time to repair)", roles[r]);
    if (rm_yaml_duration(y, v, "mttr", 1, &rf->mttr)) return -1;
    rf->cv = 1.0;
    if ((v = rm_yaml_get(y, m, "repair"))) {
      if (rm_yaml_is(v, "lognormal"))
        rf->lognormal = true;
      else if (!rm_yaml_is(v, "exponential"))
        return rm_yaml_error(y, v, "repair must be exponential or lognormal");
    }
    if ((v = rm_yaml_get(y, m, "cv"))) {
      if (!rf->lognormal) return rm_yaml_error(y, v, "cv applies to lognormal repairs (write repair: lognormal)");
      if (rm_yaml_double(y, v, "cv", 0.01, 10, &rf->cv)) return -1;
    }
  }
  /* An event storm is refused at the MTBF that makes most of it. */
  double expected = rm_scenario_random_failures(sc, sc->duration);
  if (expected > RM_MAX_RANDOM_FAILURES) {
    int worst = 0;
    for (int r = 1; r < RM_RANDOM_ROLES; r++)
      if (role_failures(sc, r, sc->duration) > role_failures(sc, worst, sc->duration)) worst = r;
    char d[32], b[32], t[32];
    const rm_random_failures *rf = &sc->random[worst];
    return rm_yaml_error(y, mtbf_at[worst],
                         "mtbf: about %.3g random failures expected in the run (%.3g of them of %.0f %s nodes x %s / "
                         "(mtbf %s + mttr %s)), more than romsim draws (%d): give a longer mtbf",
                         expected, role_failures(sc, worst, sc->duration), role_nodes(sc, worst), roles[worst],
                         rs_duration_format(sc->duration, d, sizeof d), rs_duration_format(rf->mtbf, b, sizeof b),
                         rs_duration_format(rf->mttr, t, sizeof t), RM_MAX_RANDOM_FAILURES);
  }
  return 0;
}

double rm_scenario_random_failures(const rm_scenario *sc, rs_time_t duration) {
  double n = 0;
  for (int r = 0; r < RM_RANDOM_ROLES; r++) n += role_failures(sc, r, duration);
  return n;
}

/* Read exactly n digits at s[*i]. Returns the value, or -1. */
static int digits(const char *s, size_t len, size_t *i, int n) {
  int v = 0;
  for (int k = 0; k < n; k++, (*i)++) {
    if (*i >= len || s[*i] < '0' || s[*i] > '9') return -1;
    v = v * 10 + (s[*i] - '0');
  }
  return v;
}

int rm_iso8601_parse(const char *s, size_t len, int64_t *out, size_t *err_off) {
  /* YYYY-MM-DD(T| )HH:MM[:SS][Z] */
  size_t i = 0;
  int y, mo, d, h, mi, sec = 0;
  if ((y = digits(s, len, &i, 4)) < 0 || i >= len || s[i++] != '-' || (mo = digits(s, len, &i, 2)) < 0 ||
      i >= len || s[i++] != '-' || (d = digits(s, len, &i, 2)) < 0 || i >= len || (s[i] != 'T' && s[i] != ' ') ||
      (++i, (h = digits(s, len, &i, 2)) < 0) || i >= len || s[i++] != ':' || (mi = digits(s, len, &i, 2)) < 0)
    goto bad;
  if (i < len && s[i] == ':' && (++i, (sec = digits(s, len, &i, 2)) < 0)) goto bad;
  if (i < len && s[i] == 'Z') i++;
  if (i != len) goto bad;
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
      sec > 59) {
    i = 0;
    goto bad;
  }
  /* Days since 1970-01-01 (the civil-from-days inverse of H. Hinnant). */
  int yy = y - (mo <= 2);
  int era = yy / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = (int64_t)era * 146097 + doe - 719468;
  *out = days * 86400 + h * 3600 + mi * 60 + sec;
  return 0;
bad:
  *err_off = i;
  return -1;
}

static const char *const expect_names[RM_EX_KINDS] = {
    [RM_EX_CAPACITY_HELD] = "capacity_held",       [RM_EX_NO_DATA_LOST] = "no_data_lost",
    [RM_EX_DATA_LOST_AT_MOST] = "data_lost_at_most", [RM_EX_FAILOVER_WITHIN] = "failover_within",
    [RM_EX_ALERT_WITHIN] = "alert_within",         [RM_EX_BACKLOG_DRAINED] = "backlog_drained_within",
    [RM_EX_ALERTS_FOR] = "alerts_for",             [RM_EX_NO_ALERT_FOR] = "no_alert_for",
    [RM_EX_UTILIZATION_BELOW] = "utilization_below", [RM_EX_DATABASE_BELOW] = "database_below"};

static const char *const phase_names[] = {NULL, "before", "during", "after"};

static int unknown_expectation(rm_yaml *y, yaml_node_t *e) {
  return rm_yaml_error(y, e, "unknown expectation%s%s (known: capacity_held, no_data_lost, data_lost_at_most, "
                             "failover_within, alert_within, backlog_drained_within, alerts_for, no_alert_for, "
                             "utilization_below, database_below)",
                       e->type == YAML_SCALAR_NODE ? " " : "",
                       e->type == YAML_SCALAR_NODE ? (const char *)e->data.scalar.value : "");
}

static int server_hw_role(const void *ctx, const char *name, const char **why);

/* utilization_below: {cpu: 75%, disk: 80%, network: 50%, memory: 90%}, at
 * least one, and optionally role: ROLE or server: NAME. */
static int read_utilization(rm_yaml *y, rm_scenario *sc, yaml_node_t *kv, rm_expect_spec *x, char *value, size_t n) {
  static const char *const keys[] = {"cpu", "disk", "network", "memory", "role", "server", NULL};
  x->hw_role = -1;
  if (kv->type != YAML_MAPPING_NODE)
    return rm_yaml_error(y, kv, "utilization_below takes the resources' limits, as in {cpu: 75%%, disk: 80%%}");
  if (rm_yaml_check_keys(y, kv, "utilization_below", keys)) return -1;
  int given = 0;
  size_t used = 0;
  for (int r = 0; r < RM_RESOURCES; r++) {
    yaml_node_t *v = rm_yaml_get(y, kv, rm_resource_name((rm_resource)r));
    if (!v) continue;
    char what[48];
    snprintf(what, sizeof what, "utilization_below.%s", rm_resource_name((rm_resource)r));
    if (rm_hw_read_share(y, v, what, 10, &x->util[r])) return -1;
    given++;
    used += (size_t)snprintf(value + used, used < n ? n - used : 0, " %s %g%%", rm_resource_name((rm_resource)r),
                             x->util[r] * 100);
    if (used >= n) used = n - 1;
  }
  if (!given) return rm_yaml_error(y, kv, "utilization_below: give at least one limit: cpu, disk, network or memory");
  yaml_node_t *role = rm_yaml_get(y, kv, "role"), *server = rm_yaml_get(y, kv, "server");
  if (role && server) return rm_yaml_error(y, server, "utilization_below: give role or server, not both");
  if (role) {
    for (int r = 0; r < RM_HW_ROLES; r++)
      if (rm_yaml_is(role, rm_hw_role_name((rm_hw_role)r))) x->hw_role = r;
    if (x->hw_role < 0)
      return rm_yaml_error(y, role, "utilization_below.role must be management_server, gateway, essentials, rms, sql or "
                                    "web_console");
    snprintf(value + used, n - used, " of %s", rm_hw_role_name((rm_hw_role)x->hw_role));
  }
  if (server) {
    if (rm_yaml_string(y, server, "utilization_below.server", &x->server)) return -1;
    const char *why = NULL;
    if (server_hw_role(sc, x->server, &why) < 0) return rm_yaml_error(y, server, "utilization_below.server: %s", why);
    snprintf(value + used, n - used, " on %s", x->server);
  }
  return 0;
}

/* database_below: a size (the OpsDB's), or {operations: SIZE, warehouse: SIZE}. */
static int read_database(rm_yaml *y, yaml_node_t *kv, rm_expect_spec *x, char *value, size_t n) {
  static const char *const keys[] = {"operations", "warehouse", NULL};
  yaml_node_t *v[2] = {kv, NULL};
  if (kv->type == YAML_MAPPING_NODE) {
    if (rm_yaml_check_keys(y, kv, "database_below", keys)) return -1;
    v[0] = rm_yaml_get(y, kv, "operations");
    v[1] = rm_yaml_get(y, kv, "warehouse");
    if (!v[0] && !v[1]) return rm_yaml_error(y, kv, "database_below: give operations, warehouse or both");
  }
  size_t used = 0;
  for (int d = 0; d < 2; d++) {
    if (!v[d]) continue;
    size_t off = 0;
    if (v[d]->type != YAML_SCALAR_NODE ||
        rm_size_parse((const char *)v[d]->data.scalar.value, v[d]->data.scalar.length, &x->db_bytes[d], &off) ||
        x->db_bytes[d] < 1)
      return rm_yaml_error_at(y, v[d], off, "database_below: bad size (a number and B, KB, MB or GB, as in 50GB)");
    used += (size_t)snprintf(value + used, used < n ? n - used : 0, " %s%s%s", kv->type == YAML_MAPPING_NODE ? keys[d] : "",
                             kv->type == YAML_MAPPING_NODE ? " " : "",
                             (const char *)v[d]->data.scalar.value);
    if (used >= n) used = n - 1;
  }
  return 0;
}

/* One expectation: a name (for the whole run), or a mapping of the name to
 * its value with, optionally, before/during/after: FAULT_ID. */
static int read_one_expect(rm_yaml *y, rm_scenario *sc, yaml_node_t *e, rm_expect_spec *x, const rm_index *fault_ids) {
  yaml_node_t *kv = NULL, *kk = NULL, *pv = NULL;
  x->kind = RM_EX_KINDS;
  if (e->type == YAML_SCALAR_NODE) {
    kk = e;
  } else if (e->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
      yaml_node_t *k = rm_yaml_node(y, p->key);
      bool phase = false;
      for (int ph = 1; ph <= 3; ph++)
        if (rm_yaml_is(k, phase_names[ph])) {
          if (pv) return rm_yaml_error(y, k, "an expectation has one phase: before, during or after");
          pv = rm_yaml_node(y, p->value);
          x->phase = (rm_phase)ph;
          phase = true;
        }
      if (phase) continue;
      if (kk) return rm_yaml_error(y, k, "one expectation per line of expect (and before, during or after)");
      kk = k;
      kv = rm_yaml_node(y, p->value);
    }
    if (!kk) return rm_yaml_error(y, e, "an expectation needs a name, such as capacity_held");
  } else {
    return unknown_expectation(y, e);
  }
  for (int k = 0; k < RM_EX_KINDS; k++)
    if (rm_yaml_is(kk, expect_names[k])) x->kind = (rm_expect_kind)k;
  if (x->kind == RM_EX_KINDS) return unknown_expectation(y, kk);
  bool flag = x->kind == RM_EX_CAPACITY_HELD || x->kind == RM_EX_NO_DATA_LOST;
  if (!kv && !flag) return rm_yaml_error(y, kk, "%s needs a value, as in {%s: %s}", expect_names[x->kind],
                                         expect_names[x->kind],
                                         x->kind == RM_EX_DATA_LOST_AT_MOST      ? "10MB"
                                         : x->kind == RM_EX_UTILIZATION_BELOW ? "{cpu: 75%, disk: 80%}"
                                         : x->kind == RM_EX_DATABASE_BELOW    ? "50GB"
                                         : x->kind >= RM_EX_ALERTS_FOR        ? "[cust-1/srv-1]"
                                                                              : "3m");
  char value[96] = "";
  switch (x->kind) {
  case RM_EX_CAPACITY_HELD:
  case RM_EX_NO_DATA_LOST:
    if (kv) {
      bool on;
      if (rm_yaml_bool(y, kv, expect_names[x->kind], &on)) return -1;
      if (!on) return rm_yaml_error(y, kv, "write true, or leave the expectation out");
    }
    break;
  case RM_EX_DATA_LOST_AT_MOST: {
    size_t off = 0;
    if (kv->type != YAML_SCALAR_NODE ||
        rm_size_parse((const char *)kv->data.scalar.value, kv->data.scalar.length, &x->bytes, &off))
      return rm_yaml_error_at(y, kv, off, "data_lost_at_most: bad size (a number and B, KB, MB or GB, as in 10MB)");
    snprintf(value, sizeof value, " %s", (const char *)kv->data.scalar.value);
    break;
  }
  case RM_EX_FAILOVER_WITHIN:
  case RM_EX_ALERT_WITHIN:
  case RM_EX_BACKLOG_DRAINED:
    if (rm_yaml_duration(y, kv, expect_names[x->kind], 0, &x->within)) return -1;
    snprintf(value, sizeof value, " %s", (const char *)kv->data.scalar.value);
    break;
  case RM_EX_UTILIZATION_BELOW:
    if (read_utilization(y, sc, kv, x, value, sizeof value)) return -1;
    break;
  case RM_EX_DATABASE_BELOW:
    if (read_database(y, kv, x, value, sizeof value)) return -1;
    break;
  default: { /* alerts_for, no_alert_for: a list of agents or selectors */
    if (kv->type != YAML_SEQUENCE_NODE)
      return rm_yaml_error(y, kv, "%s takes a list of agents, as in [cust-1/srv-1, agents:cust-2]", expect_names[x->kind]);
    int n = (int)(kv->data.sequence.items.top - kv->data.sequence.items.start);
    x->agents = calloc((size_t)(n ? n : 1), sizeof *x->agents);
    if (!x->agents) return rm_yaml_error(y, kv, "out of memory");
    for (int i = 0; i < n; i++) {
      yaml_node_t *it = rm_yaml_node(y, kv->data.sequence.items.start[i]);
      x->n_agents = i + 1;
      if (rm_yaml_string(y, it, "an agent", &x->agents[i])) return -1;
      const char *why = rm_scenario_check_target(sc, RM_FAULT_STOP_HEALTH, x->agents[i]);
      if (why)
        return rm_yaml_error(y, it, "'%s': %s takes agents: an agent's name, agents:CUSTOMER, role:agent, "
                                    "role:server or role:client", x->agents[i], expect_names[x->kind]);
    }
    snprintf(value, sizeof value, " (%d)", n);
  }
  }
  if (x->kind == RM_EX_BACKLOG_DRAINED && x->phase != RM_PHASE_AFTER)
    return rm_yaml_error(y, kk, "backlog_drained_within looks after a fault: add after: FAULT_ID");
  x->fault = -1;
  if (pv) {
    const char *id = pv->type == YAML_SCALAR_NODE ? (const char *)pv->data.scalar.value : "";
    x->fault = (int)rm_index_get(fault_ids, id);
    if (x->fault < 0) return rm_yaml_error(y, pv, "no fault has the id '%s' (give the fault id: NAME)", id);
    const rm_fault_spec *f = &sc->faults[x->fault];
    if (x->phase == RM_PHASE_AFTER && f->duration == RS_TIME_MAX && f->kind != RM_FAULT_FLAP &&
        f->kind != RM_FAULT_ROLLING)
      return rm_yaml_error(y, pv, "after: the fault '%s' is never repaired, so it has no after (give it for: D)", id);
  }
  char name[256];
  snprintf(name, sizeof name, "%s%s%s%s", expect_names[x->kind], value, pv ? " " : "",
           pv ? phase_names[x->phase] : "");
  if (pv) {
    size_t used = strlen(name);
    snprintf(name + used, sizeof name - used, " %s", sc->faults[x->fault].id);
  }
  if (!(x->name = strdup(name))) return rm_yaml_error(y, e, "out of memory");
  return 0;
}

static int read_expect(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, const rm_index *fault_ids) {
  if (list->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, list, "expect must be a list, such as [capacity_held]");
  int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  sc->expect = calloc((size_t)(n ? n : 1), sizeof *sc->expect);
  if (!sc->expect) return rm_yaml_error(y, list, "out of memory");
  for (int i = 0; i < n; i++) {
    sc->n_expect = i + 1;
    if (read_one_expect(y, sc, rm_yaml_node(y, list->data.sequence.items.start[i]), &sc->expect[i], fault_ids))
      return -1;
  }
  return 0;
}

/* A section of parameters, when present. */
static int optional_section(rm_yaml *y, yaml_node_t *parent, const char *key, rm_params *p) {
  yaml_node_t *v = rm_yaml_get(y, parent, key);
  return v ? read_section(y, v, key, NULL, p) : 0;
}

/* A failover list: absent or auto (NULL), else management servers' names. */
static int read_failover(rm_yaml *y, yaml_node_t *fl, const rm_scenario *sc, int *n_out, char ***out) {
  *out = NULL;
  *n_out = 0;
  if (!fl || rm_yaml_is(fl, "auto")) return 0;
  if (fl->type != YAML_SEQUENCE_NODE)
    return rm_yaml_error(y, fl, "failover must be auto or a list of management servers, such as [ms-2]");
  int n = (int)(fl->data.sequence.items.top - fl->data.sequence.items.start);
  *out = calloc((size_t)(n ? n : 1), sizeof **out);
  if (!*out) return rm_yaml_error(y, fl, "out of memory");
  rm_index seen;
  rm_index_init(&seen);
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++) {
    yaml_node_t *item = rm_yaml_node(y, fl->data.sequence.items.start[i]);
    *n_out = i + 1;
    if (rm_yaml_string(y, item, "a failover server", &(*out)[i])) {
      rc = -1;
    } else if (rm_index_get(&sc->ms_index, (*out)[i]) < 0) {
      rc = rm_yaml_error(y, item, "failover: no management server is named '%s'", (*out)[i]);
    } else {
      int put = rm_index_put(&seen, (*out)[i], i, NULL);
      if (put < 0) rc = rm_yaml_error(y, item, "out of memory");
      if (put > 0) rc = rm_yaml_error(y, item, "failover: '%s' is given twice", (*out)[i]);
    }
  }
  rm_index_free(&seen);
  return rc;
}

static int read_faults_and_more(rm_yaml *y, rm_scenario *sc, yaml_node_t *root, rm_index *fault_ids);

/* The hardware role of server name (rm_hw_read's callback). */
static int server_hw_role(const void *ctx, const char *name, const char **why) {
  const rm_scenario *sc = ctx;
  if (strcmp(name, "rms-1") == 0 || strcmp(name, "rms-2") == 0) return RM_HW_RMS;
  if (strcmp(name, "sql-1") == 0 || strcmp(name, "sql-2") == 0) return RM_HW_SQL;
  if (strcmp(name, "rms") == 0 || strcmp(name, "sql") == 0) {
    *why = "a cluster runs on its nodes: name them (rms-1 and rms-2, sql-1 and sql-2), or give the role its model";
    return -1;
  }
  if (strcmp(name, "web-1") == 0) {
    if (sc->p.web_console) return RM_HW_WEB;
    *why = "web-1 is the web console, which this scenario has not (web_console: true)";
    return -1;
  }
  if (rm_index_get(&sc->ms_index, name) >= 0) return RM_HW_MS;
  if (rm_index_get(&sc->gw_index, name) >= 0) return RM_HW_GATEWAY;
  if (ess_exists(sc, name)) return RM_HW_ESSENTIALS;
  if (customer_exists(sc, name)) {
    *why = "this customer has several Essentials servers: name them (CUSTOMER.1, ...)";
    return -1;
  }
  *why = node_exists(sc, name) ? "an agent has no hardware of its own" : "no server of the scenario has this name";
  return -1;
}

static int read_doc(rm_yaml *y, rm_scenario *sc) {
  static const char *const ms_own[] = {"count", "names", NULL};
  static const char *const gw_own[] = {"count", "names", "report_to", "failover", "failover_policy", NULL};
  yaml_node_t *root = rm_yaml_root(y), *v;
  rm_params_default(&sc->p);
  if (rm_yaml_check_keys(y, root, "the scenario", top_keys)) return -1;

  if (!(v = rm_yaml_get(y, root, "name"))) return rm_yaml_error(y, root, "the scenario needs a name");
  if (rm_yaml_string(y, v, "name", &sc->name)) return -1;
  if (!(v = rm_yaml_get(y, root, "duration"))) return rm_yaml_error(y, root, "the scenario needs a duration (such as 24h)");
  if (rm_yaml_duration(y, v, "duration", RS_SEC, &sc->duration)) return -1;
  if (sc->duration > RM_SCENARIO_MAX_DURATION) {
    char b[32];
    return rm_yaml_error(y, v, "duration must be at most %s (ten years), not '%s'",
                         rs_duration_format(RM_SCENARIO_MAX_DURATION, b, sizeof b), (const char *)v->data.scalar.value);
  }
  if ((v = rm_yaml_get(y, root, "seed")) && rm_yaml_u64(y, v, "seed", &sc->seed)) return -1;
  sc->sample_every = RS_MIN;
  if ((v = rm_yaml_get(y, root, "sample_every")) && rm_yaml_duration(y, v, "sample_every", RS_SEC, &sc->sample_every))
    return -1;
  if ((v = rm_yaml_get(y, root, "web_console")) && rm_yaml_bool(y, v, "web_console", &sc->p.web_console)) return -1;

  static const char *const plain[] = {"limits", "heartbeat", "agent", "essentials", "rms", "connections", "transfer"};
  for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
    if (optional_section(y, root, plain[k], &sc->p)) return -1;
  if (optional_section(y, root, "sql", &sc->p)) return -1;
  if ((v = rm_yaml_get(y, root, "links"))) {
    if (rm_yaml_check_keys(y, v, "links", link_keys)) return -1;
    for (const char *const *k = link_keys; *k; k++) {
      yaml_node_t *l = rm_yaml_get(y, v, *k);
      char section[32];
      snprintf(section, sizeof section, "links.%s", *k);
      if (l && read_section(y, l, section, NULL, &sc->p)) return -1;
    }
  }

  if (!(v = rm_yaml_get(y, root, "management_servers")))
    return rm_yaml_error(y, root, "the scenario needs management_servers (such as {count: 2})");
  if (read_section(y, v, "management_servers", ms_own, &sc->p) ||
      read_names(y, v, "management_servers", "ms", &sc->n_ms, &sc->ms_names, &sc->ms_index, NULL))
    return -1;
  if (!(v = rm_yaml_get(y, root, "gateways"))) return rm_yaml_error(y, root, "the scenario needs gateways (such as {count: 8})");
  if (read_section(y, v, "gateways", gw_own, &sc->p) ||
      read_ref(y, v, "report_to", "management server", &sc->ms_index, &sc->gw_report_to))
    return -1;
  yaml_node_t **maps = NULL;
  int rc = read_names(y, v, "gateways", "gw", &sc->n_gw, &sc->gw_names, &sc->gw_index, &maps);
  if (rc == 0) rc = read_failover(y, rm_yaml_get(y, v, "failover"), sc, &sc->n_gw_failover, &sc->gw_failover);
  yaml_node_t *pol = rc == 0 ? rm_yaml_get(y, v, "failover_policy") : NULL;
  if (pol) {
    char *s = NULL;
    rc = rm_yaml_string(y, pol, "failover_policy", &s);
    if (rc == 0 && strcmp(s, "ordered") == 0)
      sc->gw_failover_ordered = true;
    else if (rc == 0 && strcmp(s, "random") != 0)
      rc = rm_yaml_error(y, pol, "failover_policy must be random (the default) or ordered, not '%s'", s);
    free(s);
  }
  if (rc == 0 && maps) {
    if (!(sc->gw_place = calloc((size_t)sc->n_gw, sizeof *sc->gw_place))) rc = rm_yaml_error(y, v, "out of memory");
    for (int i = 0; i < sc->n_gw && rc == 0; i++) {
      rm_gw_place *gp = &sc->gw_place[i];
      if (!maps[i]) continue;
      rc = read_ref(y, maps[i], "report_to", "management server", &sc->ms_index, &gp->report_to);
      if (rc == 0) rc = read_failover(y, rm_yaml_get(y, maps[i], "failover"), sc, &gp->n_failover, &gp->failover);
    }
  }
  free(maps);
  if (rc) return -1;
  for (int i = 0; i < sc->n_gw; i++)
    if (rm_index_get(&sc->ms_index, sc->gw_names[i]) >= 0)
      return rm_yaml_error(y, rm_yaml_get(y, root, "gateways"), "gateway name '%s' is also a management server's",
                           sc->gw_names[i]);
  static const char *const reserved[] = {"rms", "rms-1", "rms-2", "sql", "sql-1", "sql-2", "web-1"};
  for (int k = 0; k < 2; k++) {
    char **names = k ? sc->gw_names : sc->ms_names;
    int n = k ? sc->n_gw : sc->n_ms;
    yaml_node_t *at = rm_yaml_get(y, root, k ? "gateways" : "management_servers");
    for (int i = 0; i < n; i++) {
      for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++)
        if (strcmp(names[i], reserved[r]) == 0)
          return rm_yaml_error(y, at, "'%s' is the name of a cluster or its node; choose another", names[i]);
      if (strpbrk(names[i], "/:"))
        return rm_yaml_error(y, at, "'%s': a name may not hold '/' or ':' (they write selectors)", names[i]);
    }
  }
  if (!(v = rm_yaml_get(y, root, "customers")))
    return rm_yaml_error(y, root, "the scenario needs customers (such as [{count: 20, servers: 10, clients: 190}])");
  if (read_customers(y, sc, v)) return -1;
  /* A customer's Essentials servers are named like it: no server may be. */
  for (int k = 0; k < 2; k++) {
    char **names = k ? sc->gw_names : sc->ms_names;
    int n = k ? sc->n_gw : sc->n_ms;
    for (int i = 0; i < n; i++)
      if (customer_exists(sc, names[i]) || ess_exists(sc, names[i]))
        return rm_yaml_error(y, rm_yaml_get(y, root, k ? "gateways" : "management_servers"),
                             "'%s' is both a %s and %s", names[i], k ? "gateway" : "management server",
                             customer_exists(sc, names[i]) ? "a customer" : "a customer's Essentials server");
  }
  if ((v = rm_yaml_get(y, root, "hardware")) && rm_hw_read(y, v, &sc->hw, server_hw_role, sc)) return -1;
  rm_index fault_ids;
  rm_index_init(&fault_ids);
  rc = read_faults_and_more(y, sc, root, &fault_ids);
  rm_index_free(&fault_ids);
  return rc;
}

/* The faults, random failures, start and expectations (which name faults
 * by their ids, put in fault_ids). */
static int read_faults_and_more(rm_yaml *y, rm_scenario *sc, yaml_node_t *root, rm_index *fault_ids) {
  yaml_node_t *v;
  if ((v = rm_yaml_get(y, root, "faults")) && read_faults(y, sc, v, fault_ids)) return -1;
  if ((v = rm_yaml_get(y, root, "random_failures")) && read_random(y, sc, v)) return -1;
  sc->start = -1;
  if ((v = rm_yaml_get(y, root, "start"))) {
    size_t off = 0;
    if (v->type != YAML_SCALAR_NODE ||
        rm_iso8601_parse((const char *)v->data.scalar.value, v->data.scalar.length, &sc->start, &off))
      return rm_yaml_error_at(y, v, off, "start must be a UTC time such as 2026-11-20T00:00:00Z");
  }
  if ((v = rm_yaml_get(y, root, "expect")) && read_expect(y, sc, v, fault_ids)) return -1;
  return 0;
}

int rm_scenario_parse(rm_scenario *sc, const char *file, const char *text, size_t len, char *err, size_t errlen) {
  rm_yaml y;
  memset(sc, 0, sizeof *sc);
  sc->file = strdup(file);
  sc->text = malloc(len + 1);
  if (!sc->file || !sc->text) {
    snprintf(err, errlen, "%s: out of memory", file);
    rm_scenario_free(sc);
    return -1;
  }
  memcpy(sc->text, text, len);
  sc->text[len] = '\0';
  if (rm_hw_default(&sc->hw)) {
    snprintf(err, errlen, "%s: out of memory", file);
    rm_scenario_free(sc);
    return -1;
  }
  sc->text_len = len;
  if (memchr(text, '\0', len)) {
    snprintf(err, errlen, "%s: not a text file (it holds a NUL byte)", file);
    rm_scenario_free(sc);
    return -1;
  }
  int rc = rm_yaml_load(&y, file, sc->text, len);
  if (rc == 0) rc = read_doc(&y, sc);
  if (rc) {
    snprintf(err, errlen, "%s", y.err[0] ? y.err : "invalid scenario");
    rm_scenario_free(sc);
  }
  rm_yaml_free(&y);
  return rc;
}

char *rm_read_file(const char *file, size_t *len_out, const char *what, char *err, size_t errlen) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open the %s: %s", file, what, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
    if (len == cap) {
      if (cap > (64u << 20)) {
        snprintf(err, errlen, "%s: larger than 64 MB: not a %s", file, what);
        free(buf);
        fclose(f);
        return NULL;
      }
      char *nb = realloc(buf, (cap *= 2) + 1);
      if (!nb) {
        free(buf);
        buf = NULL;
      } else {
        buf = nb;
      }
    }
  }
  int read_error = ferror(f);
  fclose(f);
  if (!buf || read_error) {
    snprintf(err, errlen, "%s: cannot read the %s%s", file, what, buf ? "" : ": out of memory");
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  *len_out = len;
  return buf;
}

int rm_scenario_load(rm_scenario *sc, const char *file, char *err, size_t errlen) {
  size_t len;
  memset(sc, 0, sizeof *sc);
  char *buf = rm_read_file(file, &len, "scenario", err, errlen);
  if (!buf) return -1;
  int rc = rm_scenario_parse(sc, file, buf, len, err, errlen);
  free(buf);
  return rc;
}

static void free_names(char **v, int n) {
  for (int i = 0; v && i < n; i++) free(v[i]);
  free(v);
}

void rm_scenario_free(rm_scenario *sc) {
  rm_hw_free(&sc->hw);
  free(sc->file);
  free(sc->text);
  free(sc->name);
  free_names(sc->ms_names, sc->n_ms);
  free_names(sc->gw_names, sc->n_gw);
  free(sc->gw_report_to);
  free_names(sc->gw_failover, sc->n_gw_failover);
  if (sc->gw_place)
    for (int i = 0; i < sc->n_gw; i++) {
      free(sc->gw_place[i].report_to);
      free_names(sc->gw_place[i].failover, sc->gw_place[i].n_failover);
    }
  free(sc->gw_place);
  for (int i = 0; sc->faults && i < sc->n_faults; i++) {
    free(sc->faults[i].target);
    free(sc->faults[i].id);
    free(sc->faults[i].where);
    free_names(sc->faults[i].list, sc->faults[i].n_list);
  }
  free(sc->faults);
  for (int i = 0; sc->expect && i < sc->n_expect; i++) {
    free(sc->expect[i].name);
    free(sc->expect[i].server);
    free_names(sc->expect[i].agents, sc->expect[i].n_agents);
  }
  free(sc->expect);
  free(sc->replay_file);
  free(sc->replay_text);
  for (int i = 0; sc->specs && i < sc->n_specs; i++) {
    free(sc->specs[i].prefix);
    free(sc->specs[i].primary);
    free(sc->specs[i].backup);
    free_names(sc->specs[i].primary_each, sc->specs[i].count * sc->specs[i].essentials);
    free_names(sc->specs[i].backup_each, sc->specs[i].count * sc->specs[i].essentials);
  }
  free(sc->specs);
  rm_index_free(&sc->ms_index);
  rm_index_free(&sc->gw_index);
  rm_index_free(&sc->spec_index);
  memset(sc, 0, sizeof *sc);
}

int64_t rm_scenario_customers(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += sc->specs[i].count;
  return n;
}

int64_t rm_scenario_essentials(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += (int64_t)sc->specs[i].count * sc->specs[i].essentials;
  return n;
}

int64_t rm_scenario_agents(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += (int64_t)sc->specs[i].count * (sc->specs[i].servers + sc->specs[i].clients);
  return n;
}
