/*
 * rm_scenario_expect: the part of the scenario loader that reads `expect:`,
 * the expectations a run is judged by (docs/scenarios.md), each named as the
 * summary shows it ("failover_within 3m during gw-flap").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_hw_read.h"
#include "rm_scenario.h"
#include "rm_scenario_internal.h"
#include "rm_units.h"
#include "rm_yaml.h"

/* The kinds of expectation, as written. */
static const char *const expect_names[RM_EX_KINDS] = {
    [RM_EX_CAPACITY_HELD] = "capacity_held",       [RM_EX_NO_DATA_LOST] = "no_data_lost",
    [RM_EX_DATA_LOST_AT_MOST] = "data_lost_at_most", [RM_EX_FAILOVER_WITHIN] = "failover_within",
    [RM_EX_ALERT_WITHIN] = "alert_within",         [RM_EX_BACKLOG_DRAINED] = "backlog_drained_within",
    [RM_EX_ALERTS_FOR] = "alerts_for",             [RM_EX_NO_ALERT_FOR] = "no_alert_for",
    [RM_EX_UTILIZATION_BELOW] = "utilization_below", [RM_EX_DATABASE_BELOW] = "database_below",
    [RM_EX_PEAK_LATENCY_BELOW] = "peak_latency_below"};

/* The phases an expectation may name a fault in, by rm_phase. */
static const char *const phase_names[] = {NULL, "before", "during", "after"};

/* The error for e, an expectation of no known kind: returns -1. */
static int unknown_expectation(rm_yaml *y, yaml_node_t *e) {
  return rm_yaml_error(y, e, "unknown expectation%s%s (known: capacity_held, no_data_lost, data_lost_at_most, "
                             "failover_within, alert_within, backlog_drained_within, alerts_for, no_alert_for, "
                             "utilization_below, database_below, peak_latency_below)",
                       e->type == YAML_SCALAR_NODE ? " " : "",
                       e->type == YAML_SCALAR_NODE ? (const char *)e->data.scalar.value : "");
}

/* utilization_below: {cpu: 75%, disk: 80%, network: 50%, memory: 90%}, at
 * least one, and optionally role: ROLE, server: NAME (a server of sc) or
 * host: NAME (a host of sc; role: host for every one). A host is judged by
 * its processors busy and the memory committed to its servers: cpu and
 * memory only. Fills x's limits and role, server or host, and writes what it
 * judges, as shown, into value (n bytes). Returns 0, or -1 with the error in
 * y. */
static int read_utilization(rm_yaml *y, rm_scenario *sc, yaml_node_t *kv, rm_expect_spec *x, char *value, size_t n) {
  static const char *const keys[] = {"cpu", "disk", "network", "memory", "role", "server", "host", NULL};
  x->hw_role = -1;
  x->host = -1;
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
  yaml_node_t *role = rm_yaml_get(y, kv, "role"), *server = rm_yaml_get(y, kv, "server"),
              *host = rm_yaml_get(y, kv, "host");
  if (role && server) return rm_yaml_error(y, server, "utilization_below: give role or server, not both");
  if (host && (role || server))
    return rm_yaml_error(y, host, "utilization_below: give host alone, without %s (role: host judges every host)",
                         role ? "role" : "server");
  if (role && rm_yaml_is(role, "host")) {
    if (!sc->n_hosts) return rm_yaml_error(y, role, "utilization_below.role: host: the scenario has no hosts");
    x->hosts = true;
    snprintf(value + used, n - used, " of host");
  } else if (role) {
    for (int r = 0; r < RM_HW_ROLES; r++)
      if (rm_yaml_is(role, rm_hw_role_name((rm_hw_role)r))) x->hw_role = r;
    if (x->hw_role < 0)
      return rm_yaml_error(y, role, "utilization_below.role must be management_server, gateway, essentials, rms, sql, "
                                    "web_console or host");
    snprintf(value + used, n - used, " of %s", rm_hw_role_name((rm_hw_role)x->hw_role));
  }
  if (server) {
    if (rm_yaml_string(y, server, "utilization_below.server", &x->server)) return -1;
    const char *why = NULL;
    if (rm__scenario_server_hw_role(sc, x->server, &why) < 0)
      return rm_yaml_error(y, server, "utilization_below.server: %s", why);
    snprintf(value + used, n - used, " on %s", x->server);
  }
  if (host) {
    char *name = NULL;
    if (rm_yaml_string(y, host, "utilization_below.host", &name)) return -1;
    int64_t h = sc->n_hosts ? rm_index_get(&sc->host_index, name) : -1;
    if (h < 0) rm_yaml_error(y, host, "utilization_below.host: no host is named '%s'%s", name,
                             sc->n_hosts ? " (hosts are named under hosts:)" : " (the scenario has no hosts)");
    free(name);
    if (h < 0) return -1;
    x->hosts = true;
    x->host = (int)h;
    snprintf(value + used, n - used, " on %s", sc->hosts[h].name);
  }
  if (x->hosts) {
    /* A host's disks and network are its servers' own; its processors are
     * at most all busy, what was asked beyond them is host_asked. */
    static const char *const not_host[] = {"disk", "network"};
    for (int k = 0; k < 2; k++) {
      yaml_node_t *v = rm_yaml_get(y, kv, not_host[k]);
      if (v)
        return rm_yaml_error(y, v, "utilization_below.%s: a host is judged by cpu and memory; disks and network "
                                   "are each server's own (judge them by role or server)",
                             not_host[k]);
    }
    if (x->util[RM_RES_CPU] > 1)
      return rm_yaml_error(y, rm_yaml_get(y, kv, "cpu"), "utilization_below.cpu: a host's processors are at most "
                                                         "100 %% busy; give 100%% or less");
  }
  return 0;
}

/* database_below: a size (the OpsDB's), or {operations: SIZE, warehouse: SIZE}.
 * Fills x->db_bytes and writes the limits, as shown, into value (n bytes).
 * Returns 0, or -1 with the error in y. */
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
 * its value with, optionally, before/during/after: FAULT_ID (an id in
 * fault_ids). Fills x, its name as shown included. Returns 0, or -1 with the
 * error in y; x then holds what was read, for rm_scenario_free. */
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
      if (!phase && rm_yaml_is(k, "at")) {
        if (pv) return rm_yaml_error(y, k, "an expectation has one phase: before, during or after, or at: busiest");
        pv = rm_yaml_node(y, p->value);
        if (!rm_yaml_is(pv, "busiest"))
          return rm_yaml_error(y, pv, "at: busiest (the run's busiest interval by data) is the only at");
        x->phase = RM_PHASE_BUSIEST;
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
                                         : x->kind == RM_EX_PEAK_LATENCY_BELOW ? "30s"
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
  case RM_EX_PEAK_LATENCY_BELOW:
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
  if (x->phase == RM_PHASE_BUSIEST) {
    if (x->kind != RM_EX_CAPACITY_HELD && x->kind != RM_EX_NO_DATA_LOST && x->kind != RM_EX_DATA_LOST_AT_MOST &&
        x->kind != RM_EX_UTILIZATION_BELOW && x->kind != RM_EX_PEAK_LATENCY_BELOW)
      return rm_yaml_error(y, kk, "%s is not judged at: busiest (capacity_held, no_data_lost, data_lost_at_most, "
                                  "utilization_below and peak_latency_below are)",
                           expect_names[x->kind]);
    char name[256];
    snprintf(name, sizeof name, "%s%s at the busiest interval", expect_names[x->kind], value);
    if (!(x->name = strdup(name))) return rm_yaml_error(y, e, "out of memory");
    return 0;
  }
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

/* The expectations (rm_scenario_internal.h). */
int rm__scenario_read_expect(rm_yaml *y, rm_scenario *sc, yaml_node_t *list, const rm_index *fault_ids) {
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

