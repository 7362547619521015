/* rm_scenario: the scenario loader. */
#include "rm_scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_yaml.h"

/* Largest counts a scenario may ask for: far above any real group, small
 * enough that every product fits in 64 bits. */
#define RM_MAX_NODES 1000000

static const char *const top_keys[] = {"name", "duration", "seed", "sample_every", "management_servers",
                                       "gateways", "customers", "limits", "heartbeat", "expect", NULL};
static const char *const ms_keys[] = {"count", "names", NULL};
static const char *const gw_keys[] = {"count", "names", "report_to", NULL};
static const char *const cust_keys[] = {"count", "name", "servers", "clients", "primary", "backup", NULL};
static const char *const limit_keys[] = {"management_server_agents", "gateway_agents", "essentials_servers",
                                         "essentials_clients", NULL};
static const char *const hb_keys[] = {"interval", NULL};

static const struct {
  const char *name;
  unsigned bit;
} expectations[] = {{"capacity_held", RM_EXPECT_CAPACITY_HELD}};

static int get_int(rm_yaml *y, yaml_node_t *map, const char *key, const char *what, int64_t min, int64_t max,
                   int *out) {
  yaml_node_t *v = rm_yaml_get(y, map, key);
  int64_t x;
  if (!v) return 0;
  if (rm_yaml_int(y, v, what, min, max, &x)) return -1;
  *out = (int)x;
  return 0;
}

/* `count: N` or `names: [...]` for management servers or gateways. */
static int read_names(rm_yaml *y, yaml_node_t *map, const char *what, const char *prefix, int *n, char ***names) {
  yaml_node_t *count = rm_yaml_get(y, map, "count"), *list = rm_yaml_get(y, map, "names");
  if (count && list) return rm_yaml_error(y, rm_yaml_key(y, map, "names"), "%s: give count or names, not both", what);
  if (!count && !list) return rm_yaml_error(y, map, "%s: give count (a number) or names (a list)", what);
  if (count) {
    int64_t c;
    if (rm_yaml_int(y, count, "count", 1, RM_MAX_NODES, &c)) return -1;
    *names = calloc((size_t)c, sizeof **names);
    if (!*names) return rm_yaml_error(y, count, "out of memory");
    *n = (int)c;
    for (int i = 0; i < c; i++) {
      char b[64];
      snprintf(b, sizeof b, "%s-%d", prefix, i + 1);
      if (!((*names)[i] = strdup(b))) return rm_yaml_error(y, count, "out of memory");
    }
    return 0;
  }
  if (list->type != YAML_SEQUENCE_NODE || list->data.sequence.items.top == list->data.sequence.items.start)
    return rm_yaml_error(y, list, "%s: names must be a non-empty list", what);
  int c = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  *names = calloc((size_t)c, sizeof **names);
  if (!*names) return rm_yaml_error(y, list, "out of memory");
  *n = c;
  for (int i = 0; i < c; i++) {
    yaml_node_t *item = rm_yaml_node(y, list->data.sequence.items.start[i]);
    if (rm_yaml_string(y, item, "a name", &(*names)[i])) return -1;
    for (int j = 0; j < i; j++)
      if (strcmp((*names)[j], (*names)[i]) == 0) return rm_yaml_error(y, item, "%s: name '%s' is given twice", what, (*names)[i]);
  }
  return 0;
}

static int find_name(char **names, int n, const char *s) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

/* `auto` (NULL) or the name of a node in names. */
static int read_ref(rm_yaml *y, yaml_node_t *map, const char *key, const char *kind, char **names, int n,
                    char **out) {
  yaml_node_t *v = rm_yaml_get(y, map, key);
  *out = NULL;
  if (!v || rm_yaml_is(v, "auto")) return 0;
  if (rm_yaml_string(y, v, key, out)) return -1;
  if (find_name(names, n, *out) < 0)
    return rm_yaml_error(y, v, "%s: no %s is named '%s' (write auto or the name of one)", key, kind, *out);
  return 0;
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
    if (get_int(y, m, "count", "count", 1, RM_MAX_NODES, &cs->count) ||
        get_int(y, m, "servers", "servers", 0, RM_MAX_NODES, &cs->servers) ||
        get_int(y, m, "clients", "clients", 0, RM_MAX_NODES, &cs->clients))
      return -1;
    if (!rm_yaml_get(y, m, "servers") && !rm_yaml_get(y, m, "clients"))
      return rm_yaml_error(y, m, "a customer line needs servers or clients (how many computers each customer has)");
    if (cs->servers + cs->clients == 0) return rm_yaml_error(y, m, "a customer needs at least one computer");
    yaml_node_t *nm = rm_yaml_get(y, m, "name");
    if (nm) {
      if (rm_yaml_string(y, nm, "name", &cs->prefix)) return -1;
    } else {
      char b[32];
      snprintf(b, sizeof b, n == 1 ? "cust" : "cust%d", i + 1);
      if (!(cs->prefix = strdup(b))) return rm_yaml_error(y, m, "out of memory");
    }
    for (int j = 0; j < i; j++)
      if (strcmp(sc->specs[j].prefix, cs->prefix) == 0)
        return rm_yaml_error(y, nm ? nm : m, "customer name '%s' is used by an earlier line", cs->prefix);
    if (read_ref(y, m, "primary", "gateway", sc->gw_names, sc->n_gw, &cs->primary) ||
        read_ref(y, m, "backup", "gateway", sc->gw_names, sc->n_gw, &cs->backup))
      return -1;
    if (cs->primary && cs->backup && strcmp(cs->primary, cs->backup) == 0)
      return rm_yaml_error(y, rm_yaml_get(y, m, "backup"), "backup must differ from primary ('%s')", cs->primary);
    total += (int64_t)cs->count * (cs->servers + cs->clients);
    if (total > 10 * (int64_t)RM_MAX_NODES)
      return rm_yaml_error(y, m, "more than %d agents in all: too large to simulate", 10 * RM_MAX_NODES);
  }
  return 0;
}

static int read_expect(rm_yaml *y, rm_scenario *sc, yaml_node_t *list) {
  if (list->type != YAML_SEQUENCE_NODE) return rm_yaml_error(y, list, "expect must be a list, such as [capacity_held]");
  for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
    yaml_node_t *e = rm_yaml_node(y, *it);
    size_t k, n = sizeof expectations / sizeof expectations[0];
    for (k = 0; k < n; k++)
      if (rm_yaml_is(e, expectations[k].name)) break;
    if (k == n)
      return rm_yaml_error(y, e, "unknown expectation%s%s (known: capacity_held)",
                           e->type == YAML_SCALAR_NODE ? " " : "",
                           e->type == YAML_SCALAR_NODE ? (const char *)e->data.scalar.value : "");
    sc->expect |= expectations[k].bit;
  }
  return 0;
}

static int read_doc(rm_yaml *y, rm_scenario *sc) {
  yaml_node_t *root = rm_yaml_root(y), *v;
  if (rm_yaml_check_keys(y, root, "the scenario", top_keys)) return -1;

  if (!(v = rm_yaml_get(y, root, "name"))) return rm_yaml_error(y, root, "the scenario needs a name");
  if (rm_yaml_string(y, v, "name", &sc->name)) return -1;
  if (!(v = rm_yaml_get(y, root, "duration"))) return rm_yaml_error(y, root, "the scenario needs a duration (such as 24h)");
  if (rm_yaml_duration(y, v, "duration", RS_SEC, &sc->duration)) return -1;
  if ((v = rm_yaml_get(y, root, "seed")) && rm_yaml_u64(y, v, "seed", &sc->seed)) return -1;
  sc->sample_every = RS_MIN;
  if ((v = rm_yaml_get(y, root, "sample_every")) && rm_yaml_duration(y, v, "sample_every", RS_SEC, &sc->sample_every))
    return -1;

  sc->limits = (rm_limits){.ms_agents = 2000, .gw_agents = 530, .ess_servers = 30, .ess_clients = 500};
  if ((v = rm_yaml_get(y, root, "limits"))) {
    if (rm_yaml_check_keys(y, v, "limits", limit_keys) ||
        get_int(y, v, "management_server_agents", "management_server_agents", 1, RM_MAX_NODES, &sc->limits.ms_agents) ||
        get_int(y, v, "gateway_agents", "gateway_agents", 1, RM_MAX_NODES, &sc->limits.gw_agents) ||
        get_int(y, v, "essentials_servers", "essentials_servers", 0, RM_MAX_NODES, &sc->limits.ess_servers) ||
        get_int(y, v, "essentials_clients", "essentials_clients", 0, RM_MAX_NODES, &sc->limits.ess_clients))
      return -1;
  }
  sc->heartbeat_interval = RS_MIN;
  if ((v = rm_yaml_get(y, root, "heartbeat"))) {
    yaml_node_t *iv;
    if (rm_yaml_check_keys(y, v, "heartbeat", hb_keys)) return -1;
    if ((iv = rm_yaml_get(y, v, "interval")) && rm_yaml_duration(y, iv, "heartbeat interval", RS_SEC, &sc->heartbeat_interval))
      return -1;
  }

  if (!(v = rm_yaml_get(y, root, "management_servers")))
    return rm_yaml_error(y, root, "the scenario needs management_servers (such as {count: 2})");
  if (rm_yaml_check_keys(y, v, "management_servers", ms_keys) ||
      read_names(y, v, "management_servers", "ms", &sc->n_ms, &sc->ms_names))
    return -1;
  if (!(v = rm_yaml_get(y, root, "gateways"))) return rm_yaml_error(y, root, "the scenario needs gateways (such as {count: 8})");
  if (rm_yaml_check_keys(y, v, "gateways", gw_keys) || read_names(y, v, "gateways", "gw", &sc->n_gw, &sc->gw_names) ||
      read_ref(y, v, "report_to", "management server", sc->ms_names, sc->n_ms, &sc->gw_report_to))
    return -1;
  for (int i = 0; i < sc->n_gw; i++)
    if (find_name(sc->ms_names, sc->n_ms, sc->gw_names[i]) >= 0)
      return rm_yaml_error(y, rm_yaml_get(y, root, "gateways"), "gateway name '%s' is also a management server's",
                           sc->gw_names[i]);
  if (!(v = rm_yaml_get(y, root, "customers")))
    return rm_yaml_error(y, root, "the scenario needs customers (such as [{count: 20, servers: 10, clients: 190}])");
  if (read_customers(y, sc, v)) return -1;
  if ((v = rm_yaml_get(y, root, "expect")) && read_expect(y, sc, v)) return -1;
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

int rm_scenario_load(rm_scenario *sc, const char *file, char *err, size_t errlen) {
  FILE *f = fopen(file, "rb");
  memset(sc, 0, sizeof *sc);
  if (!f) {
    snprintf(err, errlen, "%s: cannot open the scenario: %s", file, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
    if (len == cap) {
      if (cap > (64u << 20)) {
        snprintf(err, errlen, "%s: larger than 64 MB: not a scenario", file);
        free(buf);
        fclose(f);
        return -1;
      }
      char *nb = realloc(buf, cap *= 2);
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
    snprintf(err, errlen, "%s: cannot read the scenario%s", file, buf ? "" : ": out of memory");
    free(buf);
    return -1;
  }
  int rc = rm_scenario_parse(sc, file, buf, len, err, errlen);
  free(buf);
  return rc;
}

static void free_names(char **v, int n) {
  for (int i = 0; v && i < n; i++) free(v[i]);
  free(v);
}

void rm_scenario_free(rm_scenario *sc) {
  free(sc->file);
  free(sc->text);
  free(sc->name);
  free_names(sc->ms_names, sc->n_ms);
  free_names(sc->gw_names, sc->n_gw);
  free(sc->gw_report_to);
  for (int i = 0; sc->specs && i < sc->n_specs; i++) {
    free(sc->specs[i].prefix);
    free(sc->specs[i].primary);
    free(sc->specs[i].backup);
  }
  free(sc->specs);
  memset(sc, 0, sizeof *sc);
}

int64_t rm_scenario_customers(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += sc->specs[i].count;
  return n;
}

int64_t rm_scenario_agents(const rm_scenario *sc) {
  int64_t n = 0;
  for (int i = 0; i < sc->n_specs; i++) n += (int64_t)sc->specs[i].count * (sc->specs[i].servers + sc->specs[i].clients);
  return n;
}
