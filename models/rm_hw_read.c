/*
 * rm_hw_read: the scenario's `hardware:` section (docs/hardware.md).
 *
 *   hardware:
 *     io_profile: msit                 # or nocentdocent
 *     thresholds: {cpu: 75%, disk: 80%, network: 50%, memory: 90%}
 *     models:
 *       - {name: half-ms, like: ms-standard, processors: 2}
 *       - name: big-sql
 *         like: sql-standard
 *         disks: {opsdb_log: {count: 8, rpm: 15000, raid: 10}}
 *     management_server: half-ms       # a role's model (each role has a default)
 *     servers: {gw-3: gateway-standard} # a server's own
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_hw_read.h"
#include "rm_units.h"

int rm_hw_read_share(rm_yaml *y, yaml_node_t *v, const char *what, double max, double *out) {
  if (v->type == YAML_SCALAR_NODE && v->data.scalar.length > 1 &&
      v->data.scalar.value[v->data.scalar.length - 1] == '%') {
    char buf[64];
    size_t n = v->data.scalar.length - 1;
    if (n >= sizeof buf) return rm_yaml_error(y, v, "%s must be a share such as 75%% or 0.75", what);
    memcpy(buf, v->data.scalar.value, n);
    buf[n] = '\0';
    char *end;
    double d = strtod(buf, &end);
    if (*end || end == buf || !(d > 0) || d / 100 > max)
      return rm_yaml_error(y, v, "%s must be a share above 0%% and at most %g%%, not '%s'", what, max * 100,
                           (const char *)v->data.scalar.value);
    *out = d / 100;
    return 0;
  }
  double d;
  if (rm_yaml_double(y, v, what, 0, max, &d)) return -1;
  if (d <= 0) return rm_yaml_error(y, v, "%s must be above 0", what);
  *out = d;
  return 0;
}

/* One disk group: {count, rpm or iops, raid}. */
static int read_disks(rm_yaml *y, yaml_node_t *v, const char *what, bool log, rm_disks *d) {
  static const char *const keys[] = {"count", "rpm", "iops", "bandwidth", "raid", NULL};
  if (v->type != YAML_MAPPING_NODE)
    return rm_yaml_error(y, v, "%s must be a mapping such as {count: 4, rpm: 10000, raid: 10}", what);
  if (rm_yaml_check_keys(y, v, what, keys)) return -1;
  yaml_node_t *count = rm_yaml_get(y, v, "count"), *rpm = rm_yaml_get(y, v, "rpm"), *iops = rm_yaml_get(y, v, "iops"),
              *raid = rm_yaml_get(y, v, "raid");
  int64_t x;
  char w[96];
  if (count) {
    snprintf(w, sizeof w, "%s.count", what);
    if (rm_yaml_int(y, count, w, 0, 10000, &x)) return -1;
    d->count = (int)x;
  }
  if (rpm && iops) return rm_yaml_error(y, iops, "%s: give rpm or iops, not both", what);
  if (rpm) {
    snprintf(w, sizeof w, "%s.rpm", what);
    if (rm_yaml_int(y, rpm, w, 0, 100000, &x)) return -1;
    if (x == 10000) d->iops = 125, d->bandwidth = 60 * 1048576.0;
    else if (x == 15000) d->iops = 175, d->bandwidth = 80 * 1048576.0;
    else
      return rm_yaml_error(y, rpm, "%s.rpm must be 10000 or 15000 (else give iops and bandwidth: the disk's random I/Os a "
                                   "second and the bytes a second it writes in sequence)", what);
  }
  yaml_node_t *bw = rm_yaml_get(y, v, "bandwidth");
  if (bw) {
    size_t off;
    if (bw->type != YAML_SCALAR_NODE ||
        rm_rate_parse((const char *)bw->data.scalar.value, bw->data.scalar.length, &d->bandwidth, &off) ||
        d->bandwidth < 1)
      return rm_yaml_error(y, bw, "%s.bandwidth must be a rate such as 80MB/s", what);
  }
  if (iops) {
    snprintf(w, sizeof w, "%s.iops", what);
    double f;
    if (rm_yaml_double(y, iops, w, 1, 1e7, &f)) return -1;
    d->iops = f;
  }
  if (raid) {
    snprintf(w, sizeof w, "%s.raid", what);
    if (rm_yaml_int(y, raid, w, 0, 10, &x)) return -1;
    if (x != 0 && x != 1 && x != 5 && x != 10) return rm_yaml_error(y, raid, "%s.raid must be 0, 1, 5 or 10", what);
    d->raid = (int)x;
  }
  if (d->count > 0 && !log && d->iops <= 0)
    return rm_yaml_error(y, v, "%s: give the disks' speed (rpm: 10000 or 15000, or iops)", what);
  if (d->count > 0 && log && d->bandwidth <= 0)
    return rm_yaml_error(y, v, "%s: give the disks' speed (rpm: 10000 or 15000, or bandwidth: a log is written in sequence)",
                         what);
  if (d->count > 0 && (d->raid == 1 || d->raid == 10) && d->count % 2)
    return rm_yaml_error(y, v, "%s: RAID %d needs an even number of disks, not %d", what, d->raid, d->count);
  if (d->count > 0 && d->raid == 5 && d->count < 3)
    return rm_yaml_error(y, v, "%s: RAID 5 needs at least 3 disks, not %d", what, d->count);
  return 0;
}

static int read_model(rm_yaml *y, yaml_node_t *item, rm_hw_spec *hw) {
  static const char *const keys[] = {"name", "like", "processors", "memory", "network", "disks", NULL};
  if (item->type != YAML_MAPPING_NODE)
    return rm_yaml_error(y, item, "a hardware model must be a mapping such as {name: big, like: ms-standard, processors: 8}");
  if (rm_yaml_check_keys(y, item, "a hardware model", keys)) return -1;
  yaml_node_t *nm = rm_yaml_get(y, item, "name");
  if (!nm) return rm_yaml_error(y, item, "a hardware model needs a name");
  rm_hw_model *models = realloc(hw->models, (size_t)(hw->n_models + 1) * sizeof *models);
  if (!models) return rm_yaml_error(y, item, "out of memory");
  hw->models = models;
  rm_hw_model *m = &hw->models[hw->n_models];
  memset(m, 0, sizeof *m);
  if (rm_yaml_string(y, nm, "a hardware model's name", &m->name)) return -1;
  hw->n_models++; /* freed with the others from now on */
  if (!m->name[0] || strlen(m->name) > 200) return rm_yaml_error(y, nm, "a hardware model's name is 1 to 200 bytes long");
  yaml_node_t *like = rm_yaml_get(y, item, "like");
  m->network = 1e9 / 8;
  if (like) {
    char *base = NULL;
    if (rm_yaml_string(y, like, "like", &base)) return -1;
    int64_t b = rm_index_get(&hw->model_index, base);
    if (b < 0) {
      rm_yaml_error(y, like, "like: no hardware model is named '%s' (built in: ms-standard, gateway-standard, "
                             "essentials-standard, rms-standard, sql-standard, web-standard, sql-large)", base);
      free(base);
      return -1;
    }
    free(base);
    const rm_hw_model *src = &hw->models[b];
    m->processors = src->processors;
    m->memory = src->memory;
    m->network = src->network;
    memcpy(m->disks, src->disks, sizeof m->disks);
  }
  yaml_node_t *v;
  int64_t x;
  size_t off;
  if ((v = rm_yaml_get(y, item, "processors"))) {
    if (rm_yaml_int(y, v, "processors", 1, 4096, &x)) return -1;
    m->processors = (int)x;
  }
  if ((v = rm_yaml_get(y, item, "memory"))) {
    if (v->type != YAML_SCALAR_NODE ||
        rm_size_parse((const char *)v->data.scalar.value, v->data.scalar.length, &m->memory, &off) || m->memory < 1)
      return rm_yaml_error(y, v, "memory must be a size such as 8GB");
  }
  if ((v = rm_yaml_get(y, item, "network"))) {
    if (v->type != YAML_SCALAR_NODE ||
        rm_rate_parse((const char *)v->data.scalar.value, v->data.scalar.length, &m->network, &off) || m->network < 1)
      return rm_yaml_error(y, v, "network must be a rate such as 1Gbit/s");
  }
  if ((v = rm_yaml_get(y, item, "disks"))) {
    static const char *const groups[] = {"system", "opsdb_data", "opsdb_log", "dw_data", "dw_log", NULL};
    if (v->type != YAML_MAPPING_NODE)
      return rm_yaml_error(y, v, "disks must be a mapping of disk groups, such as {system: {count: 2, rpm: 10000, raid: 1}}");
    if (rm_yaml_check_keys(y, v, "disks", groups)) return -1;
    for (int g = 0; g < RM_DISK_GROUPS; g++) {
      yaml_node_t *dv = rm_yaml_get(y, v, groups[g]);
      char what[64];
      snprintf(what, sizeof what, "disks.%s", groups[g]);
      if (dv && read_disks(y, dv, what, rm_disk_is_log(g), &m->disks[g])) return -1;
    }
  }
  if (m->processors < 1) return rm_yaml_error(y, item, "hardware model '%s' needs processors (or like: a model)", m->name);
  if (m->memory < 1) return rm_yaml_error(y, item, "hardware model '%s' needs memory (or like: a model)", m->name);
  if (m->disks[RM_DISK_SYSTEM].count < 1)
    return rm_yaml_error(y, item, "hardware model '%s' needs system disks (disks: {system: ...}, or like: a model)",
                         m->name);
  int put = rm_index_put(&hw->model_index, m->name, hw->n_models - 1, NULL);
  if (put < 0) return rm_yaml_error(y, nm, "out of memory");
  if (put > 0) return rm_yaml_error(y, nm, "hardware model '%s' is defined twice (or is a built-in model's name)", m->name);
  return 0;
}

/* A model's name: its index, or -1 after an error. */
static int model_ref(rm_yaml *y, yaml_node_t *v, const char *what, const rm_hw_spec *hw) {
  char *name = NULL;
  if (rm_yaml_string(y, v, what, &name)) return -1;
  int64_t i = rm_index_get(&hw->model_index, name);
  if (i < 0) rm_yaml_error(y, v, "%s: no hardware model is named '%s'", what, name);
  free(name);
  return (int)i;
}

int rm_hw_read(rm_yaml *y, yaml_node_t *map, rm_hw_spec *hw, rm_hw_server_role role_of, const void *ctx) {
  static const char *const keys[] = {"io_profile", "thresholds", "models", "management_server", "gateway",
                                     "essentials", "rms", "sql", "web_console", "servers", NULL};
  if (map->type != YAML_MAPPING_NODE) return rm_yaml_error(y, map, "hardware must be a mapping");
  if (rm_yaml_check_keys(y, map, "hardware", keys)) return -1;
  yaml_node_t *v;
  if ((v = rm_yaml_get(y, map, "io_profile"))) {
    if (rm_yaml_is(v, "msit")) hw->profile = RM_IO_MSIT;
    else if (rm_yaml_is(v, "nocentdocent")) hw->profile = RM_IO_NOCENTDOCENT;
    else return rm_yaml_error(y, v, "io_profile must be msit or nocentdocent");
  }
  if ((v = rm_yaml_get(y, map, "thresholds"))) {
    static const char *const res[] = {"cpu", "disk", "network", "memory", NULL};
    if (v->type != YAML_MAPPING_NODE || rm_yaml_check_keys(y, v, "thresholds", res))
      return v->type != YAML_MAPPING_NODE ? rm_yaml_error(y, v, "thresholds must be a mapping such as {cpu: 75%%}") : -1;
    for (int r = 0; r < RM_RESOURCES; r++) {
      yaml_node_t *t = rm_yaml_get(y, v, res[r]);
      char what[64];
      snprintf(what, sizeof what, "thresholds.%s", res[r]);
      if (t && rm_hw_read_share(y, t, what, 1, &hw->threshold[r])) return -1;
    }
  }
  if ((v = rm_yaml_get(y, map, "models"))) {
    if (v->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, v, "models must be a list of hardware models");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
      yaml_node_t *item = rm_yaml_node(y, *it);
      if (!item || read_model(y, item, hw)) return -1;
    }
  }
  for (int r = 0; r < RM_HW_ROLES; r++) {
    if (!(v = rm_yaml_get(y, map, rm_hw_role_name((rm_hw_role)r)))) continue;
    int m = model_ref(y, v, rm_hw_role_name((rm_hw_role)r), hw);
    if (m < 0) return -1;
    hw->role_model[r] = m;
  }
  if ((v = rm_yaml_get(y, map, "servers"))) {
    if (v->type != YAML_MAPPING_NODE)
      return rm_yaml_error(y, v, "servers must be a mapping of server names to hardware models, such as {ms-1: big}");
    int n = (int)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    if (!(hw->servers = calloc((size_t)(n ? n : 1), sizeof *hw->servers))) return rm_yaml_error(y, v, "out of memory");
    for (int i = 0; i < n; i++) {
      yaml_node_pair_t *pr = &v->data.mapping.pairs.start[i];
      yaml_node_t *k = rm_yaml_node(y, pr->key), *val = rm_yaml_node(y, pr->value);
      rm_hw_server *s = &hw->servers[i];
      if (!k || !val || rm_yaml_string(y, k, "a server's name", &s->server)) return -1;
      hw->n_servers = i + 1;
      const char *why = NULL;
      if (role_of(ctx, s->server, &why) < 0)
        return rm_yaml_error(y, k, "servers: %s", why ? why : "no such server");
      if ((s->model = model_ref(y, val, s->server, hw)) < 0) return -1;
      int put = rm_index_put(&hw->server_index, s->server, i, NULL);
      if (put < 0) return rm_yaml_error(y, k, "out of memory");
      if (put > 0) return rm_yaml_error(y, k, "servers: '%s' is given twice", s->server);
    }
  }
  return 0;
}
