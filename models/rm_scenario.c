/*
 * rm_scenario: the scenario loader's document: the top-level keys, the
 * parameters (their table, defaults and sections), the names of the
 * management servers and gateways and where gateways report, the customer
 * lines; reading, loading and freeing a scenario, and its counts. The faults
 * and what names name are in rm_scenario_faults.c, the expectations in
 * rm_scenario_expect.c (rm_scenario_internal.h says what they share).
 */
#include "rm_scenario.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_hw_read.h"
#include "rm_scenario_internal.h"
#include "rm_units.h"
#include "rm_yaml.h"

/* The keys of the document, of a customer line and of links. */
static const char *const top_keys[] = {
    "name", "duration", "seed", "sample_every", "record", "load", "management_servers", "gateways", "customers", "limits",
    "heartbeat", "agent", "essentials", "rms", "sql", "connections", "transfer", "links", "web_console",
    "faults", "random_failures", "start", "expect", "hardware", "hosts", NULL};
static const char *const cust_keys[] = {"count",   "name",   "servers", "clients", "essentials",
                                        "primary", "backup", "load",    NULL};
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
    {"agent", "start_burst", F_SIZE, P(start_burst), 0, 0},
    {"essentials", "forward_share", F_DOUBLE, P(forward_share), 0, 1},
    {"essentials", "queue", F_SIZE, P(ess_queue), 1, 0},
    {"essentials", "accepts_per_second", F_DOUBLE, P(accepts_per_second), 0.001, 1e6},
    {"essentials", "accept_burst", F_INT, P(accept_burst), 1, 1000000},
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

/* The defaults (rm_scenario.h). */
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
  p->accepts_per_second = 10;
  p->accept_burst = 100;
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
    if (rm_yaml_duration(y, v, what, (rs_time_t)f->min * RS_SEC, (rs_time_t *)dst)) return -1;
    /* A timer longer than a run can be never fires; the engine's times end
     * (RS_SIM_TIME_MAX) long after, and a parameter stays well inside. */
    if (*(rs_time_t *)dst > RM_SCENARIO_MAX_DURATION) {
      char b[32];
      return rm_yaml_error(y, v, "%s must be at most %s (ten years), not '%s'", what,
                           rs_duration_format(RM_SCENARIO_MAX_DURATION, b, sizeof b), (const char *)v->data.scalar.value);
    }
    return 0;
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

/* The integer at key of map, from min to max, into *out; left alone when
 * the key is absent. Returns 0, or -1 with the error in y naming what. */
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

/* An Essentials server's named primary and backup gateways (rm_scenario.h). */
const char *rm_customer_primary(const rm_customer_spec *cs, int i) {
  return cs->primary_each ? cs->primary_each[i] : cs->primary;
}

const char *rm_customer_backup(const rm_customer_spec *cs, int i) {
  return cs->backup_each ? cs->backup_each[i] : cs->backup;
}

/* A customer's computers split over its Essentials servers (rm_scenario.h). */
void rm_ess_split(int servers, int clients, int n, int part, int *s, int *c) {
  *s = servers / n + (part < servers % n);
  *c = clients / n + (part >= n - clients % n);
}

/* The fewest Essentials servers a customer needs (rm_scenario.h). */
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

/* A time of day "HH:MM" (00:00 to 24:00) into *out. */
static int read_clock(rm_yaml *y, yaml_node_t *v, const char *what, rs_time_t *out) {
  const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
  int hh, mm, n = 0;
  if (sscanf(s, "%2d:%2d%n", &hh, &mm, &n) != 2 || s[n] || hh < 0 || mm < 0 || mm > 59 || hh * 60 + mm > 24 * 60 ||
      s[0] < '0' || s[0] > '9')
    return rm_yaml_error(y, v, "%s must be a time of day such as 08:00, not '%s'", what, s);
  *out = (rs_time_t)(hh * 60 + mm) * RS_MIN;
  return 0;
}

/* Hours (clients: or servers: of a load:): office_hours, always, or {on,
 * off, spread, days} (office hours with some changed). */
static int read_hours(rm_yaml *y, yaml_node_t *c, const char *what, rm_hours *h) {
  static const char *const hour_keys[] = {"on", "off", "spread", "days", NULL};
  static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (c->type == YAML_SCALAR_NODE) {
    const char *s = (const char *)c->data.scalar.value;
    if (strcmp(s, "office_hours") == 0)
      *h = rm_hours_office();
    else if (strcmp(s, "always") == 0)
      *h = (rm_hours){.office = false};
    else
      return rm_yaml_error(y, c, "%s is office_hours, always or {on, off, spread, days}, not '%s'", what, s);
    return 0;
  }
  char hw[64];
  snprintf(hw, sizeof hw, "%s' hours", what);
  if (rm_yaml_check_keys(y, c, hw, hour_keys)) return -1;
  *h = rm_hours_office();
  yaml_node_t *v;
  if ((v = rm_yaml_get(y, c, "on")) && read_clock(y, v, "on", &h->on)) return -1;
  if ((v = rm_yaml_get(y, c, "off")) && read_clock(y, v, "off", &h->off)) return -1;
  if ((v = rm_yaml_get(y, c, "spread")) && rm_yaml_duration(y, v, "spread", 0, &h->spread)) return -1;
  if ((v = rm_yaml_get(y, c, "days"))) {
    if (v->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, v, "days must be a list such as [mon, tue, wed]");
    h->days = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
      yaml_node_t *d = rm_yaml_node(y, *it);
      const char *s = d->type == YAML_SCALAR_NODE ? (const char *)d->data.scalar.value : "";
      int k = 0;
      while (k < 7 && strcmp(s, day_names[k]) != 0) k++;
      if (k == 7) return rm_yaml_error(y, d, "days: '%s' is not a day (mon, tue, wed, thu, fri, sat, sun)", s);
      h->days |= (uint8_t)(1u << k);
    }
  }
  if (h->on + h->spread > h->off) {
    char b[32];
    return rm_yaml_error(y, c, "%s switch on after they switch off: on + spread (%s) must be at most off", what,
                         rs_duration_format(h->on + h->spread, b, sizeof b));
  }
  return 0;
}

/* diurnal: [24 factors], hour 0 first: each a number from 0 to 10, to the
 * thousandth. */
static int read_diurnal(rm_yaml *y, yaml_node_t *v, rm_diurnal *d) {
  if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 24)
    return rm_yaml_error(y, v, "diurnal is a list of 24 factors on the rates, one for each hour from 00:00, such as "
                               "[0.5, 0.5, ..., 1.6, ...]");
  int32_t milli[24];
  for (int h = 0; h < 24; h++) {
    yaml_node_t *f = rm_yaml_node(y, v->data.sequence.items.start[h]);
    const char *s = f->type == YAML_SCALAR_NODE ? (const char *)f->data.scalar.value : "";
    char *end;
    double x = strtod(s, &end);
    if (!*s || *end || !(x >= 0 && x <= 10))
      return rm_yaml_error(y, f, "diurnal: hour %d's factor must be a number from 0 to 10, not '%s'", h, s);
    milli[h] = (int32_t)llround(x * 1000);
  }
  rm_diurnal_init(d, milli);
  return 0;
}

/* load: {clients, servers: hours; arrivals: fluid | poisson; diurnal: [24]},
 * the scenario's (ls->group) or a customer line's (hours only). */
static int read_load(rm_yaml *y, yaml_node_t *map, const char *what, rm_load_spec *ls, bool group) {
  static const char *const keys[] = {"clients", "servers", NULL},
                           *const group_keys[] = {"clients", "servers", "arrivals", "diurnal", NULL};
  if (rm_yaml_check_keys(y, map, what, group ? group_keys : keys)) return -1;
  yaml_node_t *ar = group ? rm_yaml_get(y, map, "arrivals") : NULL;
  if (ar) {
    const char *s = ar->type == YAML_SCALAR_NODE ? (const char *)ar->data.scalar.value : "";
    if (strcmp(s, "fluid") == 0)
      ls->arrivals = RM_ARRIVALS_FLUID;
    else if (strcmp(s, "poisson") == 0)
      ls->arrivals = RM_ARRIVALS_POISSON;
    else
      return rm_yaml_error(y, ar, "arrivals is fluid or poisson, not '%s'", s);
  }
  yaml_node_t *v;
  if (group && (v = rm_yaml_get(y, map, "diurnal")) && read_diurnal(y, v, &ls->diurnal)) return -1;
  if ((v = rm_yaml_get(y, map, "clients"))) {
    if (read_hours(y, v, "clients", &ls->clients)) return -1;
    ls->has_clients = true;
  }
  if ((v = rm_yaml_get(y, map, "servers"))) {
    if (read_hours(y, v, "servers", &ls->servers)) return -1;
    ls->has_servers = true;
  }
  return 0;
}

/* The customer lines (list) into sc->specs, each line's name put in
 * sc->spec_index; the gateways must have been read (primary and backup
 * name them). Returns 0, or -1 with the error in y; sc->n_specs counts the
 * lines read so far, for rm_scenario_free. */
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
    yaml_node_t *ld = rm_yaml_get(y, m, "load");
    if (ld && read_load(y, ld, "a customer line's load", &cs->load, false)) return -1;
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

/* The faults, random failures, start and expectations (which name faults
 * by their ids, put in fault_ids): the parts read in rm_scenario_faults.c
 * and rm_scenario_expect.c. Returns 0, or -1 with the error in y. */
static int read_faults_and_more(rm_yaml *y, rm_scenario *sc, yaml_node_t *root, rm_index *fault_ids) {
  yaml_node_t *v;
  sc->start = -1;
  if ((v = rm_yaml_get(y, root, "start"))) {
    size_t off = 0;
    if (v->type != YAML_SCALAR_NODE ||
        rm_iso8601_parse((const char *)v->data.scalar.value, v->data.scalar.length, &sc->start, &off))
      return rm_yaml_error_at(y, v, off, "start must be a UTC time such as 2026-11-20T00:00:00Z");
    /* It places time 0 in the week and the day: hours and the diurnal
     * factor follow the calendar. */
    rs_time_t at0 = rm_week_at(sc->start);
    sc->load.clients.at0 = sc->load.servers.at0 = at0;
    sc->load.diurnal.at0 = at0 % RS_DAY;
    for (int i = 0; i < sc->n_specs; i++) sc->specs[i].load.clients.at0 = sc->specs[i].load.servers.at0 = at0;
  }
  if ((v = rm_yaml_get(y, root, "faults")) && rm__scenario_read_faults(y, sc, v, fault_ids)) return -1;
  if ((v = rm_yaml_get(y, root, "random_failures")) && rm__scenario_read_random(y, sc, v)) return -1;
  if ((v = rm_yaml_get(y, root, "expect")) && rm__scenario_read_expect(y, sc, v, fault_ids)) return -1;
  return 0;
}

/* The whole document (the root of y) into sc, its parts in the order they
 * depend on each other: parameters, management servers, gateways,
 * customers, hardware, then faults and what names them. Returns 0, or -1
 * with the error in y; sc then holds what was read, for rm_scenario_free. */
/* record: {essentials: each | per_gateway, every: {ROLE: D}} (after
 * sample_every). */
static int read_record(rm_yaml *y, yaml_node_t *map, rm_scenario *sc) {
  static const char *const keys[] = {"essentials", "every", NULL};
  if (rm_yaml_check_keys(y, map, "record", keys)) return -1;
  yaml_node_t *v = rm_yaml_get(y, map, "essentials");
  if (v) {
    const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
    if (strcmp(s, "each") == 0)
      sc->record.essentials = RM_REC_ESS_EACH;
    else if (strcmp(s, "per_gateway") == 0)
      sc->record.essentials = RM_REC_ESS_PER_GATEWAY;
    else
      return rm_yaml_error(y, v, "record: essentials is each or per_gateway, not '%s'", s);
  }
  yaml_node_t *every = rm_yaml_get(y, map, "every");
  if (!every) return 0;
  static const char *const roles[RM_REC_ROLES + 1] = {"management_server", "gateway", "essentials", "host", NULL};
  if (rm_yaml_check_keys(y, every, "record: every", roles)) return -1;
  for (int r = 0; r < RM_REC_ROLES; r++) {
    yaml_node_t *d = rm_yaml_get(y, every, roles[r]);
    if (!d) continue;
    rs_time_t t;
    if (rm_yaml_duration(y, d, "record: every", RS_SEC, &t)) return -1;
    if (t % sc->sample_every != 0) {
      char b[32];
      return rm_yaml_error(y, d, "record: every %s: '%s' is not a multiple of sample_every (%s)", roles[r],
                           (const char *)d->data.scalar.value, rs_duration_format(sc->sample_every, b, sizeof b));
    }
    sc->record.every[r] = t;
  }
  return 0;
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
  if ((v = rm_yaml_get(y, root, "record")) && read_record(y, v, sc)) return -1;
  sc->load.arrivals = RM_ARRIVALS_POISSON;
  if ((v = rm_yaml_get(y, root, "load")) && read_load(y, v, "load", &sc->load, true)) return -1;
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
      if (rm__scenario_customer_exists(sc, names[i]) || rm__scenario_ess_exists(sc, names[i]))
        return rm_yaml_error(y, rm_yaml_get(y, root, k ? "gateways" : "management_servers"),
                             "'%s' is both a %s and %s", names[i], k ? "gateway" : "management server",
                             rm__scenario_customer_exists(sc, names[i]) ? "a customer"
                                                                        : "a customer's Essentials server");
  }
  if ((v = rm_yaml_get(y, root, "hardware")) && rm_hw_read(y, v, &sc->hw, rm__scenario_server_hw_role, sc))
    return -1;
  if ((v = rm_yaml_get(y, root, "hosts")) && rm__scenario_read_hosts(y, sc, v)) return -1;
  rm_index fault_ids;
  rm_index_init(&fault_ids);
  rc = read_faults_and_more(y, sc, root, &fault_ids);
  rm_index_free(&fault_ids);
  return rc;
}

/* Read and check a scenario from text in memory (rm_scenario.h). */
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

/* Read a whole file, at most 64 MB (rm_scenario.h). */
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

/* Read and check the scenario in file (rm_scenario.h). */
int rm_scenario_load(rm_scenario *sc, const char *file, char *err, size_t errlen) {
  size_t len;
  memset(sc, 0, sizeof *sc);
  char *buf = rm_read_file(file, &len, "scenario", err, errlen);
  if (!buf) return -1;
  int rc = rm_scenario_parse(sc, file, buf, len, err, errlen);
  free(buf);
  return rc;
}

/* Free n strings of v, and v (which may be NULL). */
static void free_names(char **v, int n) {
  for (int i = 0; v && i < n; i++) free(v[i]);
  free(v);
}

/* Free what a scenario holds, and zero it. */
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
  for (int i = 0; sc->hosts && i < sc->n_hosts; i++) {
    free(sc->hosts[i].name);
    free_names(sc->hosts[i].runs, sc->hosts[i].n_runs);
  }
  free(sc->hosts);
  rm_index_free(&sc->host_index);
  rm_index_free(&sc->vm_index);
  rm_index_free(&sc->ms_index);
  rm_index_free(&sc->gw_index);
  rm_index_free(&sc->spec_index);
  memset(sc, 0, sizeof *sc);
}

/* Totals over the customer lines (rm_scenario.h). */
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

bool rm_scenario_keeps_hours(const rm_scenario *sc) {
  const rm_load_spec *all = &sc->load;
  for (int i = 0; i < sc->n_specs; i++) {
    const rm_load_spec *l = &sc->specs[i].load;
    if ((l->has_clients ? &l->clients : &all->clients)->office || (l->has_servers ? &l->servers : &all->servers)->office)
      return true;
  }
  return false;
}

int64_t rm_scenario_agents(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += (int64_t)sc->specs[i].count * (sc->specs[i].servers + sc->specs[i].clients);
  return n;
}
