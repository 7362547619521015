/*
 * rm_hosts_read: the scenario's `hosts:` section, physical hosts and the
 * virtual servers they run (docs/hardware.md, "Hosts"):
 *
 *   hosts:
 *     - {name: host-1, model: host-standard, runs: [gw-1, gw-2]}
 *     - {name: host-2, runs: [gw-3, sql-1]}          # model: host-standard
 *
 * A server runs on at most one host; a server on none is physical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_scenario_internal.h"

static int read_host(rm_yaml *y, rm_scenario *sc, yaml_node_t *item, rm_host_spec *h, int index) {
  static const char *const keys[] = {"name", "model", "runs", NULL};
  if (item->type != YAML_MAPPING_NODE)
    return rm_yaml_error(y, item, "a host is a mapping such as {name: host-1, model: host-standard, runs: [gw-1]}");
  if (rm_yaml_check_keys(y, item, "a host", keys)) return -1;
  yaml_node_t *nm = rm_yaml_get(y, item, "name"), *model = rm_yaml_get(y, item, "model"),
              *runs = rm_yaml_get(y, item, "runs");
  if (!nm) return rm_yaml_error(y, item, "a host needs a name");
  if (rm_yaml_string(y, nm, "a host's name", &h->name)) return -1;
  if (!h->name[0] || strlen(h->name) > 200 || strpbrk(h->name, "/:"))
    return rm_yaml_error(y, nm, "a host's name is 1 to 200 bytes long, without '/' or ':'");
  const char *why = NULL;
  if (rm__scenario_server_hw_role(sc, h->name, &why) >= 0 || rm__scenario_customer_exists(sc, h->name) ||
      strcmp(h->name, "rms") == 0 || strcmp(h->name, "sql") == 0)
    return rm_yaml_error(y, nm, "host name '%s' is also the name of a server or a customer; choose another", h->name);
  int put = rm_index_put(&sc->host_index, h->name, index, NULL);
  if (put < 0) return rm_yaml_error(y, nm, "out of memory");
  if (put > 0) return rm_yaml_error(y, nm, "host '%s' is given twice", h->name);
  h->model = (int)rm_index_get(&sc->hw.model_index, "host-standard");
  if (model) {
    char *m = NULL;
    if (rm_yaml_string(y, model, "model", &m)) return -1;
    int64_t i = rm_index_get(&sc->hw.model_index, m);
    if (i < 0) rm_yaml_error(y, model, "model: no hardware model is named '%s' (host-standard, or one of hardware.models)", m);
    free(m);
    if (i < 0) return -1;
    h->model = (int)i;
  }
  if (!runs) return rm_yaml_error(y, item, "host '%s' needs runs: the servers it runs, such as [gw-1, gw-2]", h->name);
  if (runs->type != YAML_SEQUENCE_NODE)
    return rm_yaml_error(y, runs, "runs must be a list of servers, such as [gw-1, gw-2]");
  int n = (int)(runs->data.sequence.items.top - runs->data.sequence.items.start);
  if (!(h->runs = calloc((size_t)(n ? n : 1), sizeof *h->runs))) return rm_yaml_error(y, runs, "out of memory");
  for (int i = 0; i < n; i++) {
    yaml_node_t *it = rm_yaml_node(y, runs->data.sequence.items.start[i]);
    if (rm_yaml_string(y, it, "a server", &h->runs[i])) return -1;
    h->n_runs = i + 1;
    why = NULL;
    if (rm__scenario_server_hw_role(sc, h->runs[i], &why) < 0)
      return rm_yaml_error(y, it, "runs: '%s': %s", h->runs[i], why ? why : "no such server");
    int64_t other = rm_index_get(&sc->vm_index, h->runs[i]);
    if (other >= 0)
      return rm_yaml_error(y, it, "runs: '%s' is already on host %s: a server runs on one host", h->runs[i],
                           other == index ? h->name : sc->hosts[other].name);
    if (rm_index_put(&sc->vm_index, h->runs[i], index, NULL) < 0) return rm_yaml_error(y, it, "out of memory");
  }
  return 0;
}

int rm__scenario_read_hosts(rm_yaml *y, rm_scenario *sc, yaml_node_t *list) {
  if (list->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, list, "hosts must be a list of hosts");
  int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  if (!(sc->hosts = calloc((size_t)(n ? n : 1), sizeof *sc->hosts))) return rm_yaml_error(y, list, "out of memory");
  for (int i = 0; i < n; i++) {
    yaml_node_t *item = rm_yaml_node(y, list->data.sequence.items.start[i]);
    sc->n_hosts = i + 1;
    if (!item || read_host(y, sc, item, &sc->hosts[i], i)) return -1;
  }
  return 0;
}

const rm_host_spec *rm_scenario_host_of(const rm_scenario *sc, const char *name) {
  if (!sc->n_hosts) return NULL;
  int64_t i = rm_index_get(&sc->vm_index, name);
  return i >= 0 ? &sc->hosts[i] : NULL;
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
