/*
 * rm_scenario_faults: the part of the scenario loader that reads `faults:`,
 * `random_failures:` and ISO 8601 times (for `start:`), and that answers
 * what a name in the scenario names: a node, a customer, an Essentials
 * server, a sender, a server with hardware. Faults name their targets so
 * (rm_scenario_check_target), and so do expectations and `hardware:`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_scenario.h"
#include "rm_scenario_internal.h"
#include "rm_units.h"
#include "rm_yaml.h"

/* What a name names. The customer lines must have been read: they hold the
 * names of the Essentials servers and agents. */

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

/* Whether name is an Essentials server's (rm_scenario_internal.h). */
bool rm__scenario_ess_exists(const rm_scenario *sc, const char *name) {
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

/* Whether name is a customer's (rm_scenario_internal.h). */
bool rm__scenario_customer_exists(const rm_scenario *sc, const char *name) {
  int lines[MAX_LINES_PREFIXING], n = lines_prefixing(sc, name, lines);
  for (int k = 0; k < n; k++) {
    int c, j;
    const char *end = match_customer(&sc->specs[lines[k]], name, &c, &j);
    if (end && *end == '\0' && j < 0) return true;
  }
  return false;
}

/* Whether name is a node that sends data upstream over a link of its own:
 * a management server, a gateway or an Essentials server. */
static bool is_sender(const rm_scenario *sc, const char *name) {
  return rm_index_get(&sc->ms_index, name) >= 0 || rm_index_get(&sc->gw_index, name) >= 0 ||
         rm__scenario_ess_exists(sc, name);
}

/* The hardware role of server name (rm_hw_read's callback; see
 * rm_scenario_internal.h). */
int rm__scenario_server_hw_role(const void *ctx, const char *name, const char **why) {
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
  if (rm__scenario_ess_exists(sc, name)) return RM_HW_ESSENTIALS;
  if (rm__scenario_customer_exists(sc, name)) {
    *why = "this customer has several Essentials servers: name them (CUSTOMER.1, ...)";
    return -1;
  }
  *why = node_exists(sc, name) ? "an agent has no hardware of its own" : "no server of the scenario has this name";
  return -1;
}

/* The faults. */

/* The kinds of fault, as written: the key that names each. */
static const char *const fault_names[RM_FAULT_KINDS] = {
    [RM_FAULT_CRASH] = "crash",          [RM_FAULT_CUT] = "cut",
    [RM_FAULT_DEGRADE] = "degrade",      [RM_FAULT_FLAP] = "flap",
    [RM_FAULT_SITE_OUTAGE] = "site_outage", [RM_FAULT_DC_OUTAGE] = "datacenter_outage",
    [RM_FAULT_SLOW_SQL] = "slow_sql",    [RM_FAULT_STOP_HEALTH] = "stop_health",
    [RM_FAULT_ROLLING] = "rolling_restart", [RM_FAULT_MAINTENANCE] = "maintenance", [RM_FAULT_PATCH] = "patch",
    [RM_FAULT_STORM] = "storm", [RM_FAULT_STEP] = NULL};

/* Every key a fault may have, whatever its kind. */
static const char *const fault_keys_all[] = {
    "crash", "cut", "degrade", "flap", "site_outage", "datacenter_outage", "slow_sql", "stop_health",
    "rolling_restart", "maintenance", "patch", "id", "at", "for", "share", "count", "latency", "bandwidth", "loss",
    "every", "times", "gap", "window", "down", "in_maintenance", "storm", "alerts", "state_changes", "rollup",
    "monthly", NULL};

/* monthly: "second tuesday 03:00": the nth (first, second, third, fourth
 * or last) weekday of each month at a time of day (UTC), from the
 * scenario's start: (which places time 0 in the calendar). The first
 * window is the first such time at or after time 0: f->at. */
static int read_monthly(rm_yaml *y, yaml_node_t *v, const rm_scenario *sc, rm_fault_spec *f) {
  static const char *const nths[] = {"first", "second", "third", "fourth", "last"};
  static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
  char nth[16] = "", day[16] = "";
  int hh = -1, mm = -1, used = 0;
  if (sscanf(s, "%15s %15s %d:%d%n", nth, day, &hh, &mm, &used) != 4 || s[used] != 0)
    return rm_yaml_error(y, v, "monthly is a day of the month and a time, such as \"second tuesday 03:00\", not '%s'",
                         s);
  int n = 0, d = 0;
  while (n < 5 && strcmp(nth, nths[n]) != 0) n++;
  while (d < 7 && strcmp(day, days[d]) != 0) d++;
  if (n == 5) return rm_yaml_error(y, v, "monthly: '%s' is not first, second, third, fourth or last", nth);
  if (d == 7) return rm_yaml_error(y, v, "monthly: '%s' is not a day of the week (monday to sunday)", day);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return rm_yaml_error(y, v, "monthly: the time must be from 00:00 to 23:59");
  if (sc->start < 0)
    return rm_yaml_error(y, v, "monthly needs the scenario's start: (the UTC time of time 0, such as "
                               "2026-12-01T00:00:00Z), to place the months");
  f->monthly_nth = n == 4 ? -1 : n + 1;
  f->monthly_day = d;
  f->monthly_at = (rs_time_t)(hh * 60 + mm) * RS_MIN;
  rs_time_t first = rm_monthly_next(f, sc->start, 0);
  if (first < 0 || first > sc->duration)
    return rm_yaml_error(y, v, "monthly: no %s %s of a month falls within the run", nth, day);
  f->at = first;
  return 0;
}

rs_time_t rm_monthly_next(const rm_fault_spec *f, int64_t start, rs_time_t from) {
  /* The month of time `from`, then the next ones, until a window at or
   * after it (at most two months on). */
  int64_t wall = start + from / RS_SEC, y;
  int mo, d;
  rm_civil_from_days(wall >= 0 ? wall / 86400 : (wall - 86399) / 86400, &y, &mo, &d);
  for (int k = 0; k < 3; k++) {
    int64_t day = rm_nth_weekday(y, mo, f->monthly_nth, f->monthly_day);
    rs_time_t t = (rs_time_t)(day * 86400 - start) * RS_SEC + f->monthly_at;
    if (t >= from) return t;
    if (++mo > 12) mo = 1, y++;
  }
  return -1;
}

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
  case RM_FAULT_STOP_HEALTH:
  case RM_FAULT_MAINTENANCE: return strcmp(key, "for") == 0 || subset;
  case RM_FAULT_ROLLING: return strcmp(key, "for") == 0 || strcmp(key, "gap") == 0;
  case RM_FAULT_STORM:
    return strcmp(key, "for") == 0 || subset || strcmp(key, "alerts") == 0 || strcmp(key, "state_changes") == 0 ||
           strcmp(key, "rollup") == 0;
  case RM_FAULT_PATCH:
    return subset || strcmp(key, "window") == 0 || strcmp(key, "down") == 0 || strcmp(key, "every") == 0 ||
           strcmp(key, "times") == 0 || strcmp(key, "in_maintenance") == 0 || strcmp(key, "monthly") == 0;
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

/* The roles role:ROLE selects. */
static const char *const selector_roles[] = {"management_server", "gateway", "essentials", "agent", "server",
                                             "client", "rms_node", "sql_node", NULL};

/* Check a fault's target for its kind (rm_scenario.h). */
const char *rm_scenario_check_target(const rm_scenario *sc, rm_fault_kind kind, const char *t) {
  static const char several_ess[] = "that customer has several Essentials servers: name one (CUSTOMER.1, "
                                    "CUSTOMER.2, ...), or write customer:CUSTOMER";
  bool links = kind == RM_FAULT_CUT || kind == RM_FAULT_DEGRADE;
  bool agents_only = kind == RM_FAULT_STOP_HEALTH || kind == RM_FAULT_MAINTENANCE || kind == RM_FAULT_STORM;
  if (strncmp(t, "link:", 5) == 0) {
    if (!(links || kind == RM_FAULT_FLAP || kind == RM_FAULT_STEP)) return "this fault takes nodes, not links";
    if (is_sender(sc, t + 5)) return NULL;
    if (rm__scenario_customer_exists(sc, t + 5)) return several_ess;
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
          return kind == RM_FAULT_MAINTENANCE ? "maintenance takes agents: role:agent, role:server or role:client"
                 : kind == RM_FAULT_STORM     ? "storm takes agents: role:agent, role:server or role:client"
                                              : "stop_health takes agents: role:agent, role:server or role:client";
        if (links && strcmp(*r, "essentials") && strcmp(*r, "gateway") && strcmp(*r, "management_server"))
          return "a link fault takes senders: role:essentials, role:gateway or role:management_server";
        return NULL;
      }
    return "role: takes management_server, gateway, essentials, agent, server, client, rms_node or sql_node";
  }
  if (strncmp(t, "customer:", 9) == 0 || strncmp(t, "agents:", 7) == 0) {
    const char *c = strchr(t, ':') + 1;
    if (links) return "a link fault takes link:NODE, links:ROLE, role:ROLE or a sender's name";
    return rm__scenario_customer_exists(sc, c) ? NULL : "no customer has that name";
  }
  if (sc->n_hosts && rm_index_get(&sc->host_index, t) >= 0) {
    if (links) return "a link fault takes a sender or a link, not a host";
    if (agents_only) return "this fault takes agents, not a host";
    if (kind == RM_FAULT_SLOW_SQL) return "slow_sql takes the SQL store, not a host";
    return NULL;
  }
  if (!node_exists(sc, t) && rm__scenario_customer_exists(sc, t)) return several_ess;
  if (!node_exists(sc, t))
    return "no node has that name (a management server, gateway, customer, agent such as cust-1/srv-1, rms, rms-1, "
           "rms-2, sql, sql-1, sql-2), nor is it a selector (link:, links:, role:, customer:, agents:)";
  if (links && !is_sender(sc, t))
    return "a link fault takes a sender: an Essentials server, a gateway or a management server";
  if (agents_only && !strchr(t, '/'))
    return kind == RM_FAULT_MAINTENANCE ? "maintenance takes agents: an agent's name, agents:CUSTOMER or role:agent"
           : kind == RM_FAULT_STORM     ? "storm takes agents: an agent's name, agents:CUSTOMER or role:agent"
                                        : "stop_health takes agents: an agent's name, agents:CUSTOMER or role:agent";
  return NULL;
}

/* A fault's target, the value of its key (a string): read into f->target
 * and checked for f->kind. Returns 0, or -1 with the error in y at v. */
static int read_target(rm_yaml *y, yaml_node_t *v, rm_scenario *sc, rm_fault_spec *f, const char *key) {
  if (rm_yaml_string(y, v, key, &f->target)) return -1;
  const char *why = rm_scenario_check_target(sc, f->kind, f->target);
  return why ? rm_yaml_error(y, v, "%s: '%s': %s", key, f->target, why) : 0;
}

/* One fault (mapping m, the index-th of the list) into f: its kind, the
 * keys that kind takes, its id (fault-N when none is given), where it was
 * written, its target, when and for how long, and what its kind needs.
 * Returns 0, or -1 with the error in y; f then holds what was read, for
 * rm_scenario_free. */
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
                               "slow_sql, stop_health, rolling_restart, maintenance, patch or storm");
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
    if (!rm__scenario_customer_exists(sc, f->target))
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
  yaml_node_t *monthly = f->kind == RM_FAULT_PATCH ? rm_yaml_get(y, m, "monthly") : NULL;
  if (monthly) {
    if (rm_yaml_get(y, m, "at")) return rm_yaml_error(y, rm_yaml_get(y, m, "at"), "patch: give at or monthly, not both");
    if (rm_yaml_get(y, m, "every"))
      return rm_yaml_error(y, rm_yaml_get(y, m, "every"), "patch: give every or monthly, not both");
    if (read_monthly(y, monthly, sc, f)) return -1;
  } else {
    if (!(v = rm_yaml_get(y, m, "at"))) return rm_yaml_error(y, m, "a fault needs at: TIME (such as 2h)");
    if (read_at(y, v, f)) return -1;
  }
  v = monthly ? monthly : rm_yaml_get(y, m, "at");
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
  if (f->kind == RM_FAULT_STORM) {
    if ((v = rm_yaml_get(y, m, "alerts")) && rm_yaml_double(y, v, "alerts", 0, 1e6, &f->storm_alerts)) return -1;
    if ((v = rm_yaml_get(y, m, "state_changes")) && rm_yaml_double(y, v, "state_changes", 0, 1e6, &f->storm_states))
      return -1;
    f->rollup = RM_STORM_ROLLUP;
    if ((v = rm_yaml_get(y, m, "rollup")) && rm_yaml_double(y, v, "rollup", 1, 1000, &f->rollup)) return -1;
    if (f->storm_alerts <= 0 && f->storm_states <= 0)
      return rm_yaml_error(y, m, "storm needs alerts: N or state_changes: N (per agent per minute)");
    if (f->duration == RS_TIME_MAX) return rm_yaml_error(y, m, "storm needs for: D (how long it lasts)");
  }
  if (f->kind == RM_FAULT_PATCH) {
    if (!(v = rm_yaml_get(y, m, "window"))) return rm_yaml_error(y, m, "patch needs window: D (how long each window lasts)");
    if (rm_yaml_duration(y, v, "window", 1, &f->window)) return -1;
    if (!(v = rm_yaml_get(y, m, "down"))) return rm_yaml_error(y, m, "patch needs down: D (how long a node is down, on average)");
    if (rm_yaml_duration(y, v, "down", 1, &f->down)) return -1;
    if (f->down > f->window) return rm_yaml_error(y, v, "down must be at most the window");
    f->times = 1;
    /* Monthly: every month's window that begins within the run. */
    for (rs_time_t t = f->at; f->monthly_nth && (t = rm_monthly_next(f, sc->start, t + 1)) >= 0 && t <= sc->duration;)
      f->times++;
    if ((v = rm_yaml_get(y, m, "times"))) {
      if (rm_yaml_int(y, v, "times", 1, 10000, &i64)) return -1;
      f->times = (int)i64;
    }
    f->every = f->window;
    if ((v = rm_yaml_get(y, m, "every")) && rm_yaml_duration(y, v, "every", 1, &f->every)) return -1;
    if (f->every < f->window) return rm_yaml_error(y, v, "every must be at least the window (they would overlap)");
    if (f->times > 1 && !f->monthly_nth && !rm_yaml_get(y, m, "every"))
      return rm_yaml_error(y, m, "patch with times needs every: D (from one window to the next)");
    if ((v = rm_yaml_get(y, m, "in_maintenance")) && rm_yaml_bool(y, v, "in_maintenance", &f->maintenance)) return -1;
  }
  if (f->kind == RM_FAULT_ROLLING) {
    if (!(v = rm_yaml_get(y, m, "gap"))) return rm_yaml_error(y, m, "rolling_restart needs gap: D (between two restarts)");
    if (rm_yaml_duration(y, v, "gap", 0, &f->gap)) return -1;
    if (f->duration == RS_TIME_MAX)
      return rm_yaml_error(y, m, "rolling_restart needs for: D (how long each node is down)");
  }
  return 0;
}

/* The faults, their ids put in ids (rm_scenario_internal.h). */
int rm__scenario_read_faults(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, rm_index *ids) {
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

/* Random failures. */

/* The nodes (or hosts) of a role that can fail at random (RM_RANDOM_*). */
static double role_nodes(const rm_scenario *sc, int r) {
  switch (r) {
  case RM_RANDOM_AGENT: return (double)rm_scenario_agents(sc);
  case RM_RANDOM_ESSENTIALS: return (double)rm_scenario_essentials(sc);
  case RM_RANDOM_GATEWAY: return sc->n_gw;
  case RM_RANDOM_MS: return sc->n_ms;
  case RM_RANDOM_HOST: return sc->n_hosts;
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

/* `random_failures: {gateway: {mtbf: 90d, mttr: 4h, repair: lognormal, cv: 0.5}, ...}`
 * (rm_scenario_internal.h). */
int rm__scenario_read_random(rm_yaml *y, rm_scenario *sc, yaml_node_t *map) {
  static const char *const roles[RM_RANDOM_ROLES + 1] = {"agent", "essentials", "gateway", "management_server",
                                                          "rms_node", "sql_node", "host", NULL};
  static const char *const keys[] = {"mtbf", "mttr", "repair", "cv", NULL};
  yaml_node_t *mtbf_at[RM_RANDOM_ROLES] = {NULL};
  if (rm_yaml_check_keys(y, map, "random_failures", roles)) return -1;
  for (int r = 0; r < RM_RANDOM_ROLES; r++) {
    yaml_node_t *m = rm_yaml_get(y, map, roles[r]), *v;
    if (!m) continue;
    /* Hosts are read before random failures: a scenario without them has
     * nothing a host's failure could take down, and saying so beats a run
     * that silently draws nothing. */
    if (r == RM_RANDOM_HOST && sc->n_hosts == 0)
      return rm_yaml_error(y, rm_yaml_key(y, map, "host"),
                           "random_failures: host: this scenario has no hosts (every server is physical): give "
                           "hosts: (docs/hardware.md, \"Hosts\") or leave host out");
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
                         "mtbf: about %.3g random failures expected in the run (%.3g of them of %.0f %s%s x %s / "
                         "(mtbf %s + mttr %s)), more than romsim draws (%d): give a longer mtbf",
                         expected, role_failures(sc, worst, sc->duration), role_nodes(sc, worst), roles[worst],
                         worst == RM_RANDOM_HOST ? "s" : " nodes",
                         rs_duration_format(sc->duration, d, sizeof d), rs_duration_format(rf->mtbf, b, sizeof b),
                         rs_duration_format(rf->mttr, t, sizeof t), RM_MAX_RANDOM_FAILURES);
  }
  return 0;
}

/* The random failures expected over a run (rm_scenario.h). */
double rm_scenario_random_failures(const rm_scenario *sc, rs_time_t duration) {
  double n = 0;
  for (int r = 0; r < RM_RANDOM_ROLES; r++) n += role_failures(sc, r, duration);
  return n;
}

/* ISO 8601 times (`start:`). */

/* Read exactly n digits at s[*i]. Returns the value, or -1. */
static int digits(const char *s, size_t len, size_t *i, int n) {
  int v = 0;
  for (int k = 0; k < n; k++, (*i)++) {
    if (*i >= len || s[*i] < '0' || s[*i] > '9') return -1;
    v = v * 10 + (s[*i] - '0');
  }
  return v;
}

/* An ISO 8601 UTC time into Unix seconds (rm_scenario.h). */
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
