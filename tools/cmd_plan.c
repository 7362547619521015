/*
 * romsim plan: the smallest design for a set of customers, explained, and
 * written as a scenario that romsim run and romsim sweep take; with
 * --verify, swept against the failures it claims to survive.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rm_units.h"
#include "rm_plan.h"
#include "rm_plan_hosts.h"
#include "rm_scenario.h"
#include "rm_yaml.h"
#include "sweep.h"

/* a / b with two decimals, or as many more as it takes not to read as a
 * whole number when it is not one (531 / 530 = 1.0019, not 1.00). */
static const char *quotient(int64_t a, int64_t b, char *buf, size_t n) {
  double q = (double)a / (double)b;
  for (int d = 2; d <= 9; d++) {
    snprintf(buf, n, "%.*f", d, q);
    if (a % b == 0 || strtod(buf, NULL) != (double)(a / b)) break;
  }
  return buf;
}

static const char *plan_usage =
    "usage: romsim plan (--customers NxSIZE[,...] | --from FILE.yaml) [--survive none|gateway|ms|either[,host]]\n"
    "                   [--gateway-limit N] [--ms-limit N] [--hosts MODEL[xN]] [-o DESIGN.yaml]\n"
    "                   [--verify [--jobs N] [--max-memory SIZE]]\n"
    "\n"
    "The smallest design that holds the customers: by the deployment guide's\n"
    "arithmetic, with whole customers on gateways, and surviving the failures\n"
    "asked for, each number explained; the design is written as a scenario.\n"
    "A customer over an Essentials server's limit (30 servers + 500 clients) gets\n"
    "as many Essentials servers as it needs, each placed on gateways on its own.\n"
    "\n"
    "  --customers SPECS  lines of identical customers: NxSIZE (5% of SIZE servers,\n"
    "                     at least 1 and enough to leave at most 500 clients per\n"
    "                     530 computers, the rest clients) or NxSERVERS+CLIENTS;\n"
    "                     for example 20x200 or 20x10+190,5x30+470\n"
    "  --from FILE        customers from a YAML file: a scenario, or a file of\n"
    "                     customers: [{name, count, servers, clients, essentials}]\n"
    "                     and limits:\n"
    "  --survive KIND     none (default), gateway (any one gateway), management_server\n"
    "                     (ms: any one management server) or either (any one of both);\n"
    "                     with ,host (or host alone) also any one host lost (--hosts)\n"
    "  --hosts MODEL[xN]  every server virtual, on hosts of MODEL (a hardware model:\n"
    "                     host-standard, or the --from scenario's): the fewest that\n"
    "                     hold them, or N; the --from scenario's hosts by default\n"
    "  --gateway-limit N  agents per gateway (default 530, or the file's limits)\n"
    "  --ms-limit N       agents per management server (default 2000, or the file's)\n"
    "  -o, --output FILE  write the design as a scenario YAML\n"
    "  --name NAME        the design's scenario name (default plan)\n"
    "  --duration D       the design's run length (default 6h)\n"
    "  --verify           sweep the design against the failures it survives, print\n"
    "                     the sweep's table; exit 1 if a case fails\n"
    "  --jobs N           runs at once for --verify (default: the cores)\n"
    "  --max-memory SIZE  the memory --verify's runs at once may take (default half\n"
    "                     of this machine's; see romsim sweep --help)\n"
    "exit status: 0 planned (and verified), 1 the verification failed, 2 bad input.\n";

typedef struct {
  rm_plan_line *lines;
  int n, cap;
  int ms_limit, gw_limit, ess_servers, ess_clients;
  bool ms_given, gw_given;
  rm_scenario *sc;      /* the --from scenario (its hardware and hosts), or NULL */
  char *hw_text;        /* its `hardware:` section as written, for the design, or NULL */
} plan_in;

static int add_line(plan_in *in, const char *name, int count, int servers, int clients, int essentials) {
  if (in->n == in->cap) {
    int cap = in->cap ? in->cap * 2 : 8;
    rm_plan_line *v = realloc(in->lines, (size_t)cap * sizeof *v);
    if (!v) return -1;
    in->lines = v;
    in->cap = cap;
  }
  rm_plan_line *l = &in->lines[in->n];
  l->name = strdup(name);
  l->count = count;
  l->servers = servers;
  l->clients = clients;
  l->essentials = essentials;
  if (!l->name) return -1;
  in->n++;
  return 0;
}

static void free_in(plan_in *in) {
  for (int i = 0; i < in->n; i++) free(in->lines[i].name);
  free(in->lines);
  if (in->sc) rm_scenario_free(in->sc);
  free(in->sc);
  free(in->hw_text);
}

/* The `hardware:` section of a scenario's text as written (from its key to
 * the end of its value, trailing blanks dropped), or NULL when it has none
 * (or memory ran out: the design is then written on the catalogue's
 * defaults, which validate would show). */
static char *hardware_text(const char *file, const char *text, size_t len) {
  rm_yaml y;
  if (rm_yaml_load(&y, file, text, len)) return NULL;
  char *out = NULL;
  yaml_node_t *root = rm_yaml_root(&y);
  for (yaml_node_pair_t *p = root && root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
       p && p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = rm_yaml_node(&y, p->key), *v = rm_yaml_node(&y, p->value);
    if (!k || !v || !rm_yaml_is(k, "hardware") || k->start_mark.column != 0) continue;
    size_t a = k->start_mark.index, b = v->end_mark.index;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\n' || text[b - 1] == '\r' || text[b - 1] == '\t')) b--;
    if (b > a && (out = malloc(b - a + 1))) {
      memcpy(out, text + a, b - a);
      out[b - a] = '\0';
    }
    break;
  }
  rm_yaml_free(&y);
  return out;
}

/* The number written from *p to the first of `stops` (or the end), checked
 * against [min, max] with cli_parse_int; *p moves past it. 0, -1 when it is
 * not a number, -2 when it is out of range. */
static int spec_number(const char **p, const char *stops, int64_t min, int64_t max, int64_t *out) {
  size_t n = strcspn(*p, stops);
  char buf[32];
  if (n == 0 || n >= sizeof buf || strspn(*p, "0123456789") != n) return -1;
  memcpy(buf, *p, n);
  buf[n] = '\0';
  *p += n;
  return cli_parse_int(buf, min, max, out) ? -2 : 0;
}

/* 20x200, 20x10+190, comma-separated. */
static int parse_customers(plan_in *in, const char *s) {
  const char *p = s;
  while (*p) {
    int64_t n, a, b = -1;
    int rc = spec_number(&p, "xX", 1, 100000, &n);
    if (rc == -2) return cli_usage_error("plan: --customers: a line has 1 to 100000 customers (in '%s')", s);
    if (rc || (*p != 'x' && *p != 'X')) goto bad;
    p++;
    if ((rc = spec_number(&p, "+,", 0, 1000000, &a)) == -2) goto too_many;
    if (rc) goto bad;
    if (*p == '+') {
      p++;
      if ((rc = spec_number(&p, ",", 0, 1000000, &b)) == -2) goto too_many;
      if (rc) goto bad;
    }
    if (*p && *p != ',') goto bad;
    if (*p == ',' && !*++p) goto bad; /* a trailing comma */
    int servers, clients;
    if (b >= 0) {
      servers = (int)a;
      clients = (int)b;
    } else {
      /* 5 % servers, but no more than 500 clients per Essentials server the
       * customer needs at 530 computers each (one up to 530). */
      long per = (long)in->ess_servers + in->ess_clients, ess = per > 0 ? (a + per - 1) / per : 1;
      servers = (int)((a * 5 + 99) / 100);
      if (servers < 1 && a > 0) servers = 1;
      if (ess < 1) ess = 1;
      if (a - servers > in->ess_clients * ess) servers = (int)(a - in->ess_clients * ess);
      clients = (int)a - servers;
    }
    if (servers + clients < 1) return cli_usage_error("plan: --customers: a customer needs at least one computer");
    char name[32];
    snprintf(name, sizeof name, in->n == 0 && !*p ? "cust" : "cust%d", in->n + 1);
    if (add_line(in, name, (int)n, servers, clients, 0)) return cli_usage_error("out of memory");
  }
  /* Lines are named cust1, cust2, ... when there are several, as in a
   * scenario; a single line is cust. */
  if (in->n > 1 && strcmp(in->lines[0].name, "cust") == 0) {
    free(in->lines[0].name);
    in->lines[0].name = strdup("cust1");
    if (!in->lines[0].name) return cli_usage_error("out of memory");
  }
  if (!in->n) goto bad;
  return 0;
too_many:
  return cli_usage_error("plan: --customers: a customer has 0 to 1000000 servers, clients or computers (in '%s')", s);
bad:
  return cli_usage_error("plan: --customers takes NxSIZE or NxSERVERS+CLIENTS, comma-separated, such as 20x200 or "
                         "20x10+190,5x30+470 (not '%s')",
                         s);
}

/* Customers from a scenario, or from a file of customers: and limits:. */
static int read_from(plan_in *in, const char *file) {
  char err[1024];
  size_t len;
  char *text = rm_read_file(file, &len, "customers file", err, sizeof err);
  if (!text) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USAGE;
  }
  rm_yaml y;
  int rc = EXIT_USAGE;
  if (rm_yaml_load(&y, file, text, len)) {
    fprintf(stderr, "%s\n", y.err);
    free(text);
    return EXIT_USAGE;
  }
  yaml_node_t *root = rm_yaml_root(&y);
  if (root && root->type == YAML_MAPPING_NODE && rm_yaml_get(&y, root, "duration")) {
    /* A whole scenario: checked as one, then its customers and limits. */
    rm_yaml_free(&y);
    rm_scenario *sc = malloc(sizeof *sc);
    if (!sc || rm_scenario_parse(sc, file, text, len, err, sizeof err)) {
      fprintf(stderr, "%s\n", sc ? err : "out of memory");
      free(sc);
      free(text);
      return EXIT_USAGE;
    }
    in->sc = sc; /* its hardware and hosts */
    in->hw_text = hardware_text(file, text, len);
    rc = 0;
    for (int i = 0; i < sc->n_specs && rc == 0; i++)
      if (add_line(in, sc->specs[i].prefix, sc->specs[i].count, sc->specs[i].servers, sc->specs[i].clients,
                   sc->specs[i].essentials))
        rc = cli_usage_error("out of memory");
    in->ms_limit = sc->p.ms_agents;
    in->gw_limit = sc->p.gw_agents;
    in->ess_servers = sc->p.ess_servers;
    in->ess_clients = sc->p.ess_clients;
    free(text);
    return rc;
  }
  static const char *const top[] = {"customers", "limits", NULL};
  static const char *const cust_keys[] = {"name", "count", "servers", "clients", "essentials", NULL};
  static const char *const limit_keys[] = {"management_server_agents", "gateway_agents", "essentials_servers",
                                           "essentials_clients", NULL};
  yaml_node_t *list, *v;
  if (!root || rm_yaml_check_keys(&y, root, "the customers file", top)) goto out;
  if (!(list = rm_yaml_get(&y, root, "customers"))) {
    rm_yaml_error(&y, root, "the customers file needs customers: [{count, servers, clients}]");
    goto out;
  }
  if ((v = rm_yaml_get(&y, root, "limits"))) {
    if (rm_yaml_check_keys(&y, v, "limits", limit_keys)) goto out;
    int *dst[] = {&in->ms_limit, &in->gw_limit, &in->ess_servers, &in->ess_clients};
    for (int k = 0; k < 4; k++) {
      yaml_node_t *x = rm_yaml_get(&y, v, limit_keys[k]);
      int64_t val;
      if (!x) continue;
      /* As in a scenario: an Essentials limit may be 0 (none of that kind). */
      if (rm_yaml_int(&y, x, limit_keys[k], k < 2 ? 1 : 0, 1000000, &val)) goto out;
      *dst[k] = (int)val;
    }
  }
  if (list->type != YAML_SEQUENCE_NODE || list->data.sequence.items.top == list->data.sequence.items.start) {
    rm_yaml_error(&y, list, "customers must be a non-empty list of {name, count, servers, clients}");
    goto out;
  }
  int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
  for (int i = 0; i < n; i++) {
    yaml_node_t *m = rm_yaml_node(&y, list->data.sequence.items.start[i]);
    if (rm_yaml_check_keys(&y, m, "a customer line", cust_keys)) goto out;
    int64_t count = 1, servers = 0, clients = 0, essentials = 0;
    if ((v = rm_yaml_get(&y, m, "count")) && rm_yaml_int(&y, v, "count", 1, 100000, &count)) goto out;
    if ((v = rm_yaml_get(&y, m, "servers")) && rm_yaml_int(&y, v, "servers", 0, 1000000, &servers)) goto out;
    if ((v = rm_yaml_get(&y, m, "clients")) && rm_yaml_int(&y, v, "clients", 0, 1000000, &clients)) goto out;
    if (servers + clients == 0) {
      rm_yaml_error(&y, m, "a customer needs at least one computer (servers or clients)");
      goto out;
    }
    /* essentials: as in a scenario; without it, as many as the limit needs. */
    int need = rm_ess_needed((int)servers, (int)clients, in->ess_servers, in->ess_clients);
    yaml_node_t *ek = rm_yaml_get(&y, m, "essentials");
    if (ek && rm_yaml_int(&y, ek, "essentials", 1, 1000000, &essentials)) goto out;
    if (need < 0) {
      rm_yaml_error(&y, m, "an Essentials server manages at most %d servers and %d clients, so no number of them "
                           "holds %lld servers and %lld clients",
                    in->ess_servers, in->ess_clients, (long long)servers, (long long)clients);
      goto out;
    }
    if (ek && essentials > servers + clients) {
      rm_yaml_error(&y, ek, "essentials: %lld Essentials servers for %lld computers: each needs at least one",
                    (long long)essentials, (long long)(servers + clients));
      goto out;
    }
    if (ek && essentials < need) {
      rm_yaml_error(&y, ek,
                    "essentials: %lld: %lld servers and %lld clients split over %lld Essentials servers leave up to "
                    "%lld servers and %lld clients on one, over an Essentials server's limit of %d servers + %d "
                    "clients; it takes essentials: %d",
                    (long long)essentials, (long long)servers, (long long)clients, (long long)essentials,
                    (long long)((servers + essentials - 1) / essentials),
                    (long long)((clients + essentials - 1) / essentials), in->ess_servers, in->ess_clients, need);
      goto out;
    }
    char *name = NULL, dflt[32];
    if ((v = rm_yaml_get(&y, m, "name"))) {
      if (rm_yaml_string(&y, v, "name", &name)) goto out;
      if (!*name || strpbrk(name, "/:\"\\\n") || strlen(name) > 200) {
        free(name);
        rm_yaml_error(&y, v, "a customer name is 1 to 200 bytes, without / : \" or \\");
        goto out;
      }
    } else {
      snprintf(dflt, sizeof dflt, n == 1 ? "cust" : "cust%d", i + 1);
    }
    for (int j = 0; j < in->n; j++)
      if (strcmp(in->lines[j].name, name ? name : dflt) == 0) {
        rm_yaml_error(&y, v ? v : m, "customer name '%s' is used by an earlier line", name ? name : dflt);
        free(name);
        goto out;
      }
    int r = add_line(in, name ? name : dflt, (int)count, (int)servers, (int)clients, (int)essentials);
    free(name);
    if (r) {
      rm_yaml_error(&y, m, "out of memory");
      goto out;
    }
  }
  rc = 0;
out:
  if (rc) fprintf(stderr, "%s\n", y.err);
  rm_yaml_free(&y);
  free(text);
  return rc;
}

static const char *survive_text(rm_survive s) {
  switch (s) {
  case RM_SURVIVE_GATEWAY: return "surviving any one gateway failure";
  case RM_SURVIVE_MS: return "surviving any one management server failure";
  case RM_SURVIVE_EITHER: return "surviving any one gateway or management server failure";
  default: return "with no failure to survive";
  }
}

static const char *plural(int64_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* The customers given several Essentials servers, line by line: how many
 * each gets, named how, and their share. */
static void print_essentials(FILE *f, const rm_plan *pl, const rm_plan_input *in) {
  if (!pl->n_split) return;
  fprintf(f, "Essentials servers: one manages at most %d servers and %d clients (service provider mode), so\n",
          in->ess_servers, in->ess_clients);
  for (int l = 0; l < in->n_lines; l++) {
    const rm_plan_line *ln = &in->lines[l];
    int e = pl->line_ess[l];
    if (e < 2) continue;
    char who[300], first[300], last[300];
    if (ln->count == 1)
      snprintf(who, sizeof who, "%s-1 (%d servers and %d clients) gets", ln->name, ln->servers, ln->clients);
    else
      snprintf(who, sizeof who, "each of the %d customers of %s (%d servers and %d clients) gets", ln->count, ln->name,
               ln->servers, ln->clients);
    snprintf(first, sizeof first, "%s-%s.1", ln->name, ln->count == 1 ? "1" : "K");
    snprintf(last, sizeof last, "%s-%s.%d", ln->name, ln->count == 1 ? "1" : "K", e);
    /* The split differs by at most one of each: the last has the fewest
     * servers and the most clients, the first the reverse. */
    int s_lo, s_hi, c_lo, c_hi;
    rm_ess_split(ln->servers, ln->clients, e, e - 1, &s_lo, &c_hi);
    rm_ess_split(ln->servers, ln->clients, e, 0, &s_hi, &c_lo);
    char sv[32], cl[32];
    if (s_lo == s_hi)
      snprintf(sv, sizeof sv, "%d", s_lo);
    else
      snprintf(sv, sizeof sv, "%d or %d", s_lo, s_hi);
    if (c_lo == c_hi)
      snprintf(cl, sizeof cl, "%d", c_lo);
    else
      snprintf(cl, sizeof cl, "%d or %d", c_lo, c_hi);
    fprintf(f, "   %s %d%s, %s %s %s, with %s servers and %s clients each.\n", who, e,
            ln->essentials > 0 ? " (as given)" : "", first, e == 2 ? "and" : "to", last, sv, cl);
  }
  fprintf(f, "   Each is placed on gateways whole, with its own primary and backup; a design written with -o gives "
             "the customer line essentials: N.\n");
}

static void print_plan(FILE *f, const rm_plan *pl, const rm_plan_input *in, rm_survive s) {
  if (pl->n_split)
    fprintf(f, "romsim plan: %d customer%s on %d Essentials servers, %lld agents (the largest Essentials server "
               "%lld); limits %d agents per gateway, %d per management server\n\n",
            pl->n_cust, plural(pl->n_cust, "", "s"), pl->n_ess, (long long)pl->agents, (long long)pl->largest,
            in->gw_limit, in->ms_limit);
  else
    fprintf(f, "romsim plan: %d customer%s, %lld agents (the largest %lld); limits %d agents per gateway, %d per "
               "management server\n\n",
            pl->n_cust, plural(pl->n_cust, "", "s"), (long long)pl->agents, (long long)pl->largest, in->gw_limit,
            in->ms_limit);
  print_essentials(f, pl, in);
  fprintf(f, "1. The guide's arithmetic: %d management server%s and %d gateway%s.\n", pl->arith_ms,
          plural(pl->arith_ms, "", "s"), pl->arith_gw, plural(pl->arith_gw, "", "s"));
  char q_gw[32], q_ms[32];
  fprintf(f, "   %lld agents / %d per gateway = %s, rounded up to %d; %lld / %d per management server = %s, "
             "rounded up to %d.\n",
          (long long)pl->agents, in->gw_limit, quotient(pl->agents, in->gw_limit, q_gw, sizeof q_gw), pl->arith_gw,
          (long long)pl->agents, in->ms_limit, quotient(pl->agents, in->ms_limit, q_ms, sizeof q_ms), pl->arith_ms);
  const rm_plan_design *p = &pl->design[RM_SURVIVE_NONE];
  int64_t fullest = 0;
  for (int g = 0; g < p->n_gw; g++)
    if (p->gw_load[g] > fullest) fullest = p->gw_load[g];
  fprintf(f, "2. Whole %s: %d management server%s and %d gateway%s.\n", rm_plan_unit(pl, 2), p->n_ms,
          plural(p->n_ms, "", "s"), p->n_gw, plural(p->n_gw, "", "s"));
  if (pl->n_split)
    fprintf(f, "   An Essentials server reports to one gateway, so each is placed whole. ");
  else
    fprintf(f, "   A customer's Essentials server reports to one gateway, so customers are placed whole. ");
  if (p->n_gw > pl->arith_gw && pl->arith_fullest > in->gw_limit)
    fprintf(f, "On %d gateway%s the fullest would carry %lld agents (%d %s), over the limit of %d. ",
            pl->arith_gw, plural(pl->arith_gw, "", "s"), (long long)pl->arith_fullest, pl->arith_fullest_ess,
            rm_plan_unit(pl, pl->arith_fullest_ess), in->gw_limit);
  else if (p->n_gw > pl->arith_gw && pl->why_fewer[RM_SURVIVE_NONE][0])
    fprintf(f, "%c%s. ", 'W', pl->why_fewer[RM_SURVIVE_NONE] + 1);
  else if (p->n_gw <= pl->arith_gw)
    fprintf(f, "They fit on the arithmetic's %d gateway%s. ", pl->arith_gw, plural(pl->arith_gw, "", "s"));
  fprintf(f, "Placed largest first, the %d %s need%s %d gateway%s, the fullest carrying %lld.\n", pl->n_ess,
          rm_plan_unit(pl, pl->n_ess), plural(pl->n_ess, "s", ""), p->n_gw, plural(p->n_gw, "", "s"),
          (long long)fullest);
  if (p->n_ms > pl->arith_ms && pl->why_more_ms[RM_SURVIVE_NONE][0])
    fprintf(f, "   It takes %d management servers: %s.\n", p->n_ms, pl->why_more_ms[RM_SURVIVE_NONE]);
  if (s != RM_SURVIVE_NONE) {
    const rm_plan_design *d = &pl->design[s];
    fprintf(f, "3. %c%s: %d management server%s and %d gateway%s.\n", 'S', survive_text(s) + 1, d->n_ms,
            plural(d->n_ms, "", "s"), d->n_gw, plural(d->n_gw, "", "s"));
    fprintf(f, "  ");
    if (pl->why_more_ms[s][0]) fprintf(f, " %c%s.", 'W', pl->why_more_ms[s] + 1);
    if (pl->why_fewer[s][0]) fprintf(f, " %c%s.", 'W', pl->why_fewer[s] + 1);
    if (d->worst_gw_load >= 0 && (s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER))
      fprintf(f, " With %d gateway%s, a failed gateway's %s move to backups with room, on its own "
                 "management server where one has room: the worst case, gw-%d failing, brings gw-%d to %lld of %d.",
              d->n_gw, plural(d->n_gw, "", "s"), rm_plan_unit(pl, 2), d->worst_gw_failed + 1, d->worst_gw + 1,
              (long long)d->worst_gw_load, in->gw_limit);
    if (d->worst_ms_load >= 0 && (s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER))
      fprintf(f, " With %d management servers, a failed one's gateways fail over to the others with room: the worst "
                 "case, ms-%d failing, brings ms-%d to %lld of %d.",
              d->n_ms, d->worst_ms_failed + 1, d->worst_ms + 1, (long long)d->worst_ms_load, in->ms_limit);
    if (pl->alt_gw[s])
      fprintf(f, " With one more management server (%d), %d gateway%s would do.", pl->alt_ms[s], pl->alt_gw[s],
              plural(pl->alt_gw[s], "", "s"));
    fprintf(f, "\n");
  }
  fprintf(f, "\nevery policy:\n  %-20s %18s %9s\n", "survive", "management servers", "gateways");
  for (int k = 0; k < RM_SURVIVE_KINDS; k++)
    fprintf(f, "  %-20s %18d %9d%s\n", rm_survive_name((rm_survive)k), pl->design[k].n_ms, pl->design[k].n_gw,
            k == (int)s ? "   <- this plan" : "");
  const rm_plan_design *d = &pl->design[s];
  fprintf(f, "\nthe design (%s):\n", survive_text(s));
  for (int m = 0; m < d->n_ms; m++) fprintf(f, "  ms-%d carries %lld agents\n", m + 1, (long long)d->ms_load[m]);
  /* Each gateway's Essentials servers, in order: grouped once rather than
   * looked for among all of them per gateway. */
  int *start = calloc((size_t)d->n_gw + 1, sizeof *start), *by_gw = malloc((size_t)(d->n_ess ? d->n_ess : 1) * sizeof *by_gw);
  if (!start || !by_gw) {
    free(start);
    free(by_gw);
    fprintf(f, "  (out of memory)\n");
    return;
  }
  for (int c = 0; c < d->n_ess; c++) start[d->primary[c] + 1]++;
  for (int g = 0; g < d->n_gw; g++) start[g + 1] += start[g];
  for (int c = 0; c < d->n_ess; c++) by_gw[start[d->primary[c]]++] = c;
  for (int g = d->n_gw; g > 0; g--) start[g] = start[g - 1];
  start[0] = 0;
  for (int g = 0; g < d->n_gw; g++) {
    fprintf(f, "  gw-%-3d on ms-%d", g + 1, d->gw_ms[g] + 1);
    if (d->gw_failover[g] >= 0) fprintf(f, " (fails over to ms-%d)", d->gw_failover[g] + 1);
    fprintf(f, ", %lld agents:", (long long)d->gw_load[g]);
    int shown = 0;
    for (int k = start[g]; k < start[g + 1]; k++) {
      int c = by_gw[k];
      char name[256];
      rm_plan_ess_name(pl, in, c, name, sizeof name);
      if (shown++ == 8) {
        fprintf(f, " ...");
        break;
      }
      fprintf(f, " %s", name);
      if (d->backup[c] >= 0) fprintf(f, " (backup gw-%d)", d->backup[c] + 1);
    }
    fprintf(f, "%s\n", shown ? "" : " none (a spare)");
  }
  free(start);
  free(by_gw);
}

/* s as a YAML double-quoted scalar (control characters are refused
 * earlier). */
/* A model in a few words: "4 processors, 8 GB, system 4 x 10k rpm RAID 10". */
static void model_text(const rm_hw_model *m, char *buf, size_t n) {
  char mem[32];
  size_t u = (size_t)snprintf(buf, n, "%d processors, %s", m->processors, rm_size_format(m->memory, mem, sizeof mem));
  for (int g = 0; g < RM_DISK_GROUPS && u < n; g++) {
    const rm_disks *d = &m->disks[g];
    if (d->count <= 0) continue;
    char speed[32];
    if (d->iops == 125) snprintf(speed, sizeof speed, "10k rpm");
    else if (d->iops == 175) snprintf(speed, sizeof speed, "15k rpm");
    else snprintf(speed, sizeof speed, "%.0f I/Os a second", d->iops);
    u += (size_t)snprintf(buf + u, n - u, "; %s %d x %s RAID %d", rm_disk_group_name((rm_disk_group)g), d->count, speed,
                          d->raid);
  }
}

/*
 * What to buy: per role, how many servers of which model, and the peak
 * utilization each reaches: by arithmetic at the design's load (peaks NULL),
 * or in its verifying sweep. Then the SQL store's disks: the I/O each
 * database's data and log need at the group's load, and the disks that
 * keep it under the disk threshold for RAID 10 and RAID 5 at 10k and 15k
 * rpm (docs/hardware.md).
 */
static void print_hardware(FILE *f, const rm_plan *pl, const rm_plan_design *d, const rm_hw_spec *hw,
                           double (*peaks)[RM_RESOURCES]) {
  double agents = (double)pl->agents, B = RM_HW_REF_BYTES_PER_AGENT;
  int64_t ms_max = 0, gw_max = 0, ess_max = 0;
  for (int i = 0; i < d->n_ms; i++) ms_max = d->ms_load[i] > ms_max ? d->ms_load[i] : ms_max;
  for (int i = 0; i < d->n_gw; i++) gw_max = d->gw_load[i] > gw_max ? d->gw_load[i] : gw_max;
  for (int i = 0; i < pl->n_ess; i++) ess_max = pl->size[i] > ess_max ? pl->size[i] : ess_max;
  const struct {
    rm_hw_role role;
    int count;
    double load; /* agents of the busiest server */
  } rows[] = {{RM_HW_MS, d->n_ms, (double)ms_max}, {RM_HW_GATEWAY, d->n_gw, (double)gw_max},
              {RM_HW_RMS, 2, agents},            {RM_HW_SQL, 2, agents},
              {RM_HW_ESSENTIALS, pl->n_ess, (double)ess_max}};
  fprintf(f, "\nwhat to buy (peak utilization %s; thresholds cpu %.0f %%, disk %.0f %%, network %.0f %%, memory "
             "%.0f %%):\n",
          peaks ? "in the verifying sweep, every case" : "by arithmetic at the design's load, nothing failed",
          hw->threshold[RM_RES_CPU] * 100, hw->threshold[RM_RES_DISK] * 100, hw->threshold[RM_RES_NETWORK] * 100,
          hw->threshold[RM_RES_MEMORY] * 100);
  fprintf(f, "  %-18s %7s  %-20s %7s %7s %8s %7s\n", "role", "servers", "model", "cpu", "disk", "network", "memory");
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    const rm_hw_model *m = rm_hw_of(hw, rows[k].role, NULL);
    double u[RM_RESOURCES];
    if (peaks) {
      memcpy(u, peaks[rows[k].role], sizeof u);
    } else {
      rm_hw_costs c;
      rm_hw_demand dm;
      rm_hw_costs_of(rows[k].role, hw->profile, &c);
      double bytes = rows[k].role == RM_HW_RMS ? 0 : rows[k].load * B; /* the RMS takes in no data */
      rm_hw_demand_of(&c, m, rows[k].load, bytes, &dm);
      rm_hw_utilization(m, &dm, &u[RM_RES_CPU], &u[RM_RES_DISK], NULL);
      u[RM_RES_NETWORK] = bytes / m->network;
      u[RM_RES_MEMORY] = (double)(c.memory_base + (int64_t)(c.memory_agent * rows[k].load)) / (double)m->memory;
    }
    char label[48];
    snprintf(label, sizeof label, "%s%s", rm_hw_role_name(rows[k].role),
             rows[k].role == RM_HW_ESSENTIALS ? " *" : rows[k].role == RM_HW_RMS || rows[k].role == RM_HW_SQL ? " (nodes)" : "");
    fprintf(f, "  %-18s %7d  %-20s", label, rows[k].count, m->name);
    for (int r = 0; r < RM_RESOURCES; r++)
      fprintf(f, " %6.1f%%%s", u[r] * 100, u[r] >= hw->threshold[r] ? "!" : " ");
    fprintf(f, "\n");
  }
  for (int i = 0; i < hw->n_models; i++) {
    bool used = false;
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) used |= rm_hw_of(hw, rows[k].role, NULL) == &hw->models[i];
    if (!used) continue;
    char t[400];
    model_text(&hw->models[i], t, sizeof t);
    fprintf(f, "  %-20s %s\n", hw->models[i].name, t);
  }
  fprintf(f, "  * the customers' own Essentials servers, one per customer (more when one is over the limit)\n");

  /* The SQL store's disks at the group's load. */
  const rm_hw_model *sql = rm_hw_of(hw, RM_HW_SQL, NULL);
  rm_hw_costs c;
  rm_hw_demand dm;
  rm_hw_costs_of(RM_HW_SQL, hw->profile, &c);
  rm_hw_demand_of(&c, sql, agents, agents * B, &dm);
  double th = hw->threshold[RM_RES_DISK];
  fprintf(f, "the SQL store's disks (%s profile, %lld agents; disks to stay under %.0f %%):\n",
          rm_io_profile_name(hw->profile), (long long)pl->agents, th * 100);
  fprintf(f, "  %-11s %-30s %11s %11s %11s %11s\n", "group", "load", "RAID 10 10k", "RAID 10 15k", "RAID 5 10k",
          "RAID 5 15k");
  for (int g = RM_DISK_OPSDB_DATA; g < RM_DISK_GROUPS; g++) {
    double r = c.read_agent[g] * agents, w = c.write_byte[g] * agents * B + c.write_agent[g] * agents;
    char load[64], b[32];
    if (rm_disk_is_log(g))
      snprintf(load, sizeof load, "%s/s written in sequence", rm_size_format((int64_t)w, b, sizeof b));
    else
      snprintf(load, sizeof load, "%.0f I/Os a second, %.0f %% reads", r + w, r + w > 0 ? 100 * r / (r + w) : 0);
    fprintf(f, "  %-11s %-30s", rm_disk_group_name((rm_disk_group)g), load);
    static const int raids[] = {10, 10, 5, 5};
    static const double iops[] = {125, 175, 125, 175}, seq[] = {60 * 1048576.0, 80 * 1048576.0, 60 * 1048576.0, 80 * 1048576.0};
    for (int k = 0; k < 4; k++) {
      int n;
      if (rm_disk_is_log(g)) { /* bytes a second, less the mirror or the parity disk */
        int data = (int)ceil(w / (th * seq[k]));
        if (data < 1) data = 1;
        n = raids[k] == 10 ? 2 * data : data + 1;
      } else {
        n = (int)ceil((r + w * rm_raid_write_cost(raids[k])) / (th * iops[k]));
        if (raids[k] == 10) n += n % 2;
      }
      if (raids[k] == 10 && n < 2) n = 2;
      if (raids[k] == 5 && n < 3) n = 3;
      fprintf(f, " %11d", n);
    }
    fprintf(f, "\n");
  }
}

/*
 * The hosts to buy: each with the servers it runs, the memory they commit,
 * the processors they ask for with nothing failed and at worst (in any
 * failure checked, or in the verifying sweep when peaks are given: the
 * highest processor utilization a host reached in any case), and why one
 * fewer does not hold.
 */
static void print_hosts(FILE *f, const rm_plan *pl, const rm_plan_hosts *ph, const rm_plan_hosts_input *hi,
                        rm_survive s, const double *peaks) {
  const rm_plan_design *d = &ph->d;
  const rm_hw_model *m = hi->host;
  char a[32], b[32];
  fprintf(f, "\nhosts to buy: %d x %s (%d processors, %s), %s%s; processors asked at most %.0f %% of a host's:\n",
          ph->n_hosts, m->name, m->processors, rm_size_format(m->memory, a, sizeof a),
          hi->survive_host ? "surviving any one host lost" : "no host's loss to survive",
          s == RM_SURVIVE_NONE ? "" : s == RM_SURVIVE_EITHER ? ", and any one gateway or management server"
                                     : s == RM_SURVIVE_GATEWAY ? ", and any one gateway" : ", and any one management server",
          hi->hw->threshold[RM_RES_CPU] * 100);
  fprintf(f, "  %-9s %-18s %7s %-22s %s\n", "host", "memory", "asked", peaks ? "peak in the sweep" : "at worst", "runs");
  for (int h = 0; h < ph->n_hosts; h++) {
    char mem[64], worst[64], name[32];
    snprintf(mem, sizeof mem, "%s of %s", rm_size_format(ph->host_memory[h], a, sizeof a),
             rm_size_format(m->memory, b, sizeof b));
    if (peaks)
      snprintf(worst, sizeof worst, "%.1f %%", peaks[h] * 100);
    else if (ph->host_worst_by[h] >= 0)
      snprintf(worst, sizeof worst, "%.1f %% (host-%d lost)", 100 * ph->host_worst[h] / m->processors,
               ph->host_worst_by[h] + 1);
    else
      snprintf(worst, sizeof worst, "%.1f %%", 100 * ph->host_worst[h] / m->processors);
    char label[32];
    snprintf(label, sizeof label, "host-%d", h + 1);
    fprintf(f, "  %-9s %-18s %5.1f %% %-22s", label, mem, 100 * ph->host_ask[h] / m->processors, worst);
    int k = 0;
    for (int v = 0; v < ph->n_vms; v++) {
      if (ph->vm_host[v] != h) continue;
      rm_plan_hosts_vm_name(d, v, name, sizeof name);
      fprintf(f, "%s%s", k++ ? ", " : " ", name);
    }
    fprintf(f, "\n");
  }
  if (ph->extra) {
    char span[64];
    int first = d->n_gw - ph->extra + 1;
    if (ph->extra == 1) snprintf(span, sizeof span, "gw-%d", first);
    else snprintf(span, sizeof span, "gw-%d to gw-%d", first, d->n_gw);
    fprintf(f, "  with %d spare gateway%s more than the design (%s): a host's loss fails several gateways at once, "
               "whose customers need the room\n", ph->extra, plural(ph->extra, "", "s"), span);
  }
  if (!ph->held)
    fprintf(f, "  %d host%s do%s not hold: %s\n", ph->n_hosts, plural(ph->n_hosts, "", "s"), ph->n_hosts == 1 ? "es" : "",
            ph->why_fewer);
  else if (ph->fewer)
    fprintf(f, "  %d host%s would not: %s\n", ph->fewer, plural(ph->fewer, "", "s"), ph->why_fewer);
  if (ph->held)
    fprintf(f, "  backups and failovers chosen host by host: no customer's primary and backup gateway, and no "
               "management server and its gateways' failover, on one host\n");
}

static void yaml_quoted(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

typedef struct {
  const rm_plan *pl;
  const rm_plan_input *in;
  rm_survive s;
  const char *name, *duration;
  const rm_plan_hosts *ph;         /* the hosts, or NULL */
  const rm_hw_model *host;         /* their model */
  const char *hw_text;             /* the --from scenario's hardware section, or NULL */
} design_args;

/* The design as a scenario. */
static const char *design_writer(FILE *f, const void *arg) {
  const design_args *a = arg;
  const rm_plan *pl = a->pl;
  const rm_plan_input *in = a->in;
  rm_survive s = a->s;
  const char *name = a->name, *duration = a->duration;
  const rm_plan_design *d = a->ph ? &a->ph->d : &pl->design[s];
  char on[64] = "";
  if (pl->n_split) snprintf(on, sizeof on, " on %d Essentials servers", pl->n_ess);
  fprintf(f, "# Planned by romsim plan: %d customer%s%s, %lld agents, %s.\n", pl->n_cust, plural(pl->n_cust, "", "s"),
          on, (long long)pl->agents, survive_text(s));
  fprintf(f, "# The guide's arithmetic: %d management server%s and %d gateway%s; whole %s: %d and %d;\n"
             "# this design: %d management server%s and %d gateway%s.\n",
          pl->arith_ms, plural(pl->arith_ms, "", "s"), pl->arith_gw, plural(pl->arith_gw, "", "s"),
          rm_plan_unit(pl, 2), pl->design[RM_SURVIVE_NONE].n_ms, pl->design[RM_SURVIVE_NONE].n_gw, d->n_ms, plural(d->n_ms, "", "s"),
          d->n_gw, plural(d->n_gw, "", "s"));
  fputs("name: ", f);
  yaml_quoted(f, name);
  fprintf(f, "\nduration: %s\nseed: 1\nsample_every: 1m\n", duration);
  fprintf(f, "limits: {management_server_agents: %d, gateway_agents: %d, essentials_servers: %d, essentials_clients: %d}\n",
          in->ms_limit, in->gw_limit, in->ess_servers, in->ess_clients);
  fprintf(f, "management_servers: {count: %d}\n", d->n_ms);
  fprintf(f, "gateways:\n  names:\n");
  const int *failover = a->ph ? a->ph->gw_failover : d->gw_failover, *backup = a->ph ? a->ph->backup : d->backup;
  for (int g = 0; g < d->n_gw; g++) {
    fprintf(f, "    - {name: gw-%d, report_to: ms-%d, failover: ", g + 1, d->gw_ms[g] + 1);
    if (failover[g] >= 0)
      fprintf(f, "[ms-%d]}\n", failover[g] + 1);
    else
      fprintf(f, "auto}\n");
  }
  fprintf(f, "customers:\n");
  int c = 0;
  for (int l = 0; l < in->n_lines; l++) {
    const rm_plan_line *ln = &in->lines[l];
    fputs("  - name: ", f);
    yaml_quoted(f, ln->name);
    fprintf(f, "\n    count: %d\n    servers: %d\n    clients: %d\n", ln->count, ln->servers, ln->clients);
    /* One gateway per Essentials server, customer by customer. */
    int n_ess = ln->count * pl->line_ess[l];
    if (pl->line_ess[l] > 1) fprintf(f, "    essentials: %d\n", pl->line_ess[l]);
    for (int k = 0; k < 2; k++) {
      fprintf(f, "    %s: [", k ? "backup" : "primary");
      for (int i = 0; i < n_ess; i++) {
        int v = k ? backup[c + i] : d->primary[c + i];
        if (i) fprintf(f, "%s", i % 10 ? ", " : ",\n      ");
        if (v >= 0)
          fprintf(f, "gw-%d", v + 1);
        else
          fprintf(f, "auto");
      }
      fprintf(f, "]\n");
    }
    c += n_ess;
  }
  if (a->hw_text) fprintf(f, "%s\n", a->hw_text);
  if (a->ph) {
    fprintf(f, "hosts:\n");
    for (int h = 0; h < a->ph->n_hosts; h++) {
      fprintf(f, "  - {name: host-%d, model: ", h + 1);
      yaml_quoted(f, a->host->name);
      fprintf(f, ", runs: [");
      int k = 0;
      for (int v = 0; v < a->ph->n_vms; v++) {
        if (a->ph->vm_host[v] != h) continue;
        char nm[32];
        rm_plan_hosts_vm_name(d, v, nm, sizeof nm);
        fprintf(f, "%s%s", k++ ? ", " : "", nm);
      }
      fprintf(f, "]}\n");
    }
  }
  fprintf(f, "expect: [capacity_held, no_data_lost]\n");
  return NULL;
}

int cmd_plan(int argc, char **argv) {
  plan_in in = {.ms_limit = 2000, .gw_limit = 530, .ess_servers = 30, .ess_clients = 500};
  const char *customers = NULL, *from = NULL, *out = NULL, *name = "plan", *duration = "6h", *hosts_arg = NULL;
  int survive = RM_SURVIVE_NONE, jobs = 0;
  bool survive_host = false;
  int64_t max_memory = 0;
  bool verify = false;
  int rc = EXIT_USAGE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(plan_usage, stdout);
      return 0;
    }
    if (strcmp(a, "--verify") == 0) {
      verify = true;
      continue;
    }
    static const char *const valued[] = {"--customers", "--from", "--survive", "--gateway-limit", "--ms-limit",
                                         "-o", "--output", "--name", "--duration", "--jobs", "--max-memory", "--hosts", NULL};
    const char *const *f = valued;
    while (*f && strcmp(*f, a) != 0) f++;
    if (!*f) {
      if (a[0] == '-') return cli_usage_error("plan: unknown option '%s' (try romsim plan --help)", a);
      return cli_usage_error("plan: unexpected argument '%s' (give customers with --customers or --from)", a);
    }
    if (i + 1 >= argc) return cli_usage_error("plan: %s needs a value (try romsim plan --help)", a);
    const char *v = argv[++i];
    if (strcmp(a, "--customers") == 0) {
      customers = v;
    } else if (strcmp(a, "--from") == 0) {
      from = v;
    } else if (strcmp(a, "--survive") == 0) {
      /* KIND, KIND,host or host: the kinds combine (gateway and ms: either). */
      char buf[128];
      if (strlen(v) >= sizeof buf) goto bad_survive;
      snprintf(buf, sizeof buf, "%s", v);
      survive = RM_SURVIVE_NONE;
      survive_host = false;
      bool any = false;
      for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        any = true;
        if (strcmp(t, "host") == 0) {
          survive_host = true;
          continue;
        }
        int k = rm_survive_parse(t);
        if (k < 0) goto bad_survive;
        if ((survive == RM_SURVIVE_GATEWAY && k == RM_SURVIVE_MS) || (survive == RM_SURVIVE_MS && k == RM_SURVIVE_GATEWAY))
          k = RM_SURVIVE_EITHER;
        if (k > survive) survive = k;
      }
      if (!any || v[strlen(v) - 1] == ',') {
      bad_survive:
        return cli_usage_error("plan: --survive takes none, gateway, management_server (ms) or either, and host "
                               "(such as either,host), not '%s'", v);
      }
    } else if (strcmp(a, "--hosts") == 0) {
      if (!*v) return cli_usage_error("plan: --hosts needs a hardware model, such as host-standard or host-standardx4");
      hosts_arg = v;
    } else if (strcmp(a, "--gateway-limit") == 0 || strcmp(a, "--ms-limit") == 0 || strcmp(a, "--jobs") == 0) {
      int64_t n;
      if (cli_int_flag("plan", a, v, 1, strcmp(a, "--jobs") == 0 ? 1024 : 1000000, &n)) return EXIT_USAGE;
      if (a[2] == 'g') {
        in.gw_limit = (int)n;
        in.gw_given = true;
      } else if (a[2] == 'm') {
        in.ms_limit = (int)n;
        in.ms_given = true;
      } else {
        jobs = (int)n;
      }
    } else if (strcmp(a, "--max-memory") == 0) {
      if (cli_parse_memory("plan", v, &max_memory)) return EXIT_USAGE;
    } else if (strcmp(a, "--name") == 0) {
      if (!*v) return cli_usage_error("plan: --name needs a name");
      for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c < 0x20 || *c == 0x7f) return cli_usage_error("plan: --name may not hold control characters");
      name = v;
    } else if (strcmp(a, "--duration") == 0) {
      rs_time_t t;
      if (cli_duration_flag("plan", "--duration", v, RS_SEC, &t)) return EXIT_USAGE;
      if (t > RM_SCENARIO_MAX_DURATION)
        return cli_usage_error("plan: --duration must be at most 3650d (ten years), not '%s'", v);
      duration = v;
    } else {
      if (!*v) return cli_usage_error("plan: -o needs a file name");
      out = v;
    }
  }
  if (customers && from) return cli_usage_error("plan: give --customers or --from, not both");
  if (!customers && !from)
    return cli_usage_error("plan: give the customers with --customers (such as 20x200) or --from FILE.yaml");
  char sweep_out[1100] = "";
  if (out && verify) cli_with_suffix(out, true, "-sweep.db", sweep_out, sizeof sweep_out);
  /* The design's input is the --from file; the sweep's, the design too. */
  const char *inputs[3] = {NULL};
  int n_inputs = 0;
  if (from) inputs[n_inputs++] = from;
  if (out && cli_check_output("plan", out, "the design", inputs)) return EXIT_USAGE;
  inputs[n_inputs++] = out;
  if (*sweep_out && cli_check_output("plan", sweep_out, "the sweep file", inputs)) return EXIT_USAGE;
  int gw_limit = in.gw_limit, ms_limit = in.ms_limit;
  bool gw_given = in.gw_given, ms_given = in.ms_given;
  int r = customers ? parse_customers(&in, customers) : read_from(&in, from);
  if (r) {
    free_in(&in);
    return r;
  }
  for (int i = 0; i < in.n; i++) {
    const char *nm = in.lines[i].name;
    static const char *const taken[] = {"gw", "ms", "rms", "sql", "web"};
    for (size_t k = 0; k < sizeof taken / sizeof taken[0]; k++)
      if (strcmp(nm, taken[k]) == 0) {
        fprintf(stderr, "%s: customer name '%s' would name customers %s-1, %s-2, ... like the design's own nodes; "
                        "choose another\n", from ? from : "--customers", nm, nm, nm);
        free_in(&in);
        return EXIT_USAGE;
      }
    for (const unsigned char *c = (const unsigned char *)nm; *c; c++)
      if (*c < 0x20 || *c == 0x7f) {
        fprintf(stderr, "%s: customer name '%s' holds a control character\n", from ? from : "--customers", nm);
        free_in(&in);
        return EXIT_USAGE;
      }
  }
  if (gw_given) in.gw_limit = gw_limit; /* flags win over the file */
  if (ms_given) in.ms_limit = ms_limit;
  /* The hardware: the --from scenario's, else the catalogue's; and the
   * hosts' model: --hosts, else the --from scenario's hosts. */
  rm_hw_spec own_hw, *hwp = in.sc ? &in.sc->hw : &own_hw;
  if (!in.sc && rm_hw_default(&own_hw)) {
    rm_hw_free(&own_hw);
    free_in(&in);
    return cli_usage_error("out of memory");
  }
  rm_plan_hosts ph = {0};
  rm_plan_hosts_input hi = {.hw = hwp, .survive_host = survive_host};
  bool hosted = false;
  const char *bad = NULL;
  if (hosts_arg) {
    int64_t i = rm_index_get(&hwp->model_index, hosts_arg);
    const char *x = strrchr(hosts_arg, 'x');
    if (i < 0 && x && x > hosts_arg && x[1]) {
      char model[256];
      snprintf(model, sizeof model, "%.*s", (int)(x - hosts_arg), hosts_arg);
      int64_t n;
      if ((i = rm_index_get(&hwp->model_index, model)) >= 0) {
        if (strspn(x + 1, "0123456789") != strlen(x + 1) || cli_parse_int(x + 1, 1, 100000, &n))
          bad = "the count after x is a whole number from 1 to 100000";
        else
          hi.count = (int)n;
      }
    }
    if (!bad && i < 0)
      bad = "no hardware model has this name (host-standard, or one of the --from scenario's hardware.models; "
            "MODELxN for N hosts)";
    if (!bad) hi.host = &hwp->models[i];
    hosted = true;
  } else if (in.sc && in.sc->n_hosts) {
    hi.host = &hwp->models[in.sc->hosts[0].model];
    hi.count = in.sc->n_hosts;
    hosted = true;
    for (int h = 1; h < in.sc->n_hosts; h++)
      if (in.sc->hosts[h].model != in.sc->hosts[0].model)
        bad = "the --from scenario's hosts are of more than one model: say which to buy with --hosts MODEL[xN]";
  }
  if (bad || (survive_host && !hosted)) {
    if (bad && hosts_arg) cli_usage_error("plan: --hosts %s: %s", hosts_arg, bad);
    else if (bad) cli_usage_error("plan: %s: %s", from, bad);
    else cli_usage_error("plan: --survive host needs hosts: --hosts MODEL[xN] (such as host-standard)");
    if (!in.sc) rm_hw_free(&own_hw);
    free_in(&in);
    return EXIT_USAGE;
  }
  /* A host's loss is at least one server's: its design survives any one. */
  if (survive_host) survive = RM_SURVIVE_EITHER;
  rm_plan_input pi = {.n_lines = in.n, .lines = in.lines, .ms_limit = in.ms_limit, .gw_limit = in.gw_limit,
                      .ess_servers = in.ess_servers, .ess_clients = in.ess_clients};
  rm_plan pl;
  char err[1024];
  if (rm_plan_make(&pl, &pi, err, sizeof err)) {
    fprintf(stderr, "romsim: plan: %s\n", err);
    if (!in.sc) rm_hw_free(&own_hw);
    free_in(&in);
    return EXIT_USAGE;
  }
  print_plan(stdout, &pl, &pi, (rm_survive)survive);
  char tmpdesign[] = "/tmp/romsim-plan-XXXXXX.yaml";
  const char *design = out;
  if (hosted && rm_plan_hosts_make(&ph, &pl, &pi, (rm_survive)survive, &hi, err, sizeof err)) {
    fprintf(stderr, "romsim: plan: %s\n", err);
    hosted = false;
    goto done;
  }
  print_hardware(stdout, &pl, hosted ? &ph.d : &pl.design[survive], hwp, NULL);
  if (hosted) print_hosts(stdout, &pl, &ph, &hi, (rm_survive)survive, NULL);
  if (!design && verify) {
    int fd = mkstemps(tmpdesign, 5);
    if (fd < 0) {
      fprintf(stderr, "romsim: plan: cannot create a temporary design file: %s\n", strerror(errno));
      goto done;
    }
    close(fd);
    design = tmpdesign;
  }
  if (hosted && !ph.held) { /* nothing to write or verify: say why, exit 1 */
    if (out) printf("design not written: the %d host%s given do%s not hold it\n", ph.n_hosts,
                    plural(ph.n_hosts, "", "s"), ph.n_hosts == 1 ? "es" : "");
    rc = EXIT_FAILED;
    goto done;
  }
  design_args da = {&pl, &pi, (rm_survive)survive, name, duration, hosted ? &ph : NULL, hi.host, in.hw_text};
  if (design && cli_write_whole(design, design_writer, &da)) goto done;
  if (design) { /* what it wrote loads: a --from hardware section naming servers the design lacks does not */
    rm_scenario check;
    if (rm_scenario_load(&check, design, err, sizeof err)) {
      fprintf(stderr, "romsim: plan: the design does not load, so it is not written (%s)\n", err);
      unlink(design);
      rc = EXIT_USAGE;
      goto done;
    }
    rm_scenario_free(&check);
  }
  if (out) printf("design written to %s (romsim run %s)\n", out, out);
  rc = EXIT_HELD;
  if (verify) {
    fflush(stdout);
    sw_opts o = {.scenario = design, .replications = 1, .shard_k = 1, .shard_n = 1, .at = -1, .dur = -1};
    if (survive == RM_SURVIVE_GATEWAY || survive == RM_SURVIVE_EITHER) o.roles |= 1u << SW_GATEWAY;
    if (survive == RM_SURVIVE_MS || survive == RM_SURVIVE_EITHER) o.roles |= 1u << SW_MS;
    if (survive_host) o.roles |= 1u << SW_HOST;
    o.jobs = jobs; /* 0: one per core */
    o.max_memory = max_memory;
    char tmpsweep[] = "/tmp/romsim-plan-XXXXXX.db";
    if (!out) {
      int fd = mkstemps(tmpsweep, 3);
      if (fd < 0) {
        fprintf(stderr, "romsim: plan: cannot create a temporary sweep file: %s\n", strerror(errno));
        rc = EXIT_USAGE;
        goto done;
      }
      close(fd);
      snprintf(sweep_out, sizeof sweep_out, "%s", tmpsweep);
    }
    o.out = sweep_out;
    o.quiet = true;
    o.temp_out = !out;
    char kinds[96] = "";
    static const char *const kind_names[] = {[SW_GATEWAY] = "gateway", [SW_MS] = "management_server",
                                             [SW_HOST] = "host"};
    for (int k = 0; k < SW_ROLES; k++)
      if (o.roles & (1u << k))
        snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", *kinds ? "," : "", kind_names[k]);
    printf("\nverify: romsim sweep %s --fail each:%s\n", out ? out : "(the design)",
           o.roles == 0 ? "(none: the baseline only)" : kinds);
    fflush(stdout);
    double peaks[RM_HW_ROLES][RM_RESOURCES];
    o.peaks = peaks;
    double *host_peaks = hosted ? calloc((size_t)ph.n_hosts, sizeof *host_peaks) : NULL;
    o.host_peaks = host_peaks;
    rc = sw_run(&o, stdout);
    if (!out) unlink(tmpsweep);
    if (rc == EXIT_HELD) printf("verified: the design holds against every failure it claims to survive\n");
    if (rc == EXIT_HELD || rc == EXIT_FAILED) {
      print_hardware(stdout, &pl, hosted ? &ph.d : &pl.design[survive], hwp, peaks);
      if (host_peaks) print_hosts(stdout, &pl, &ph, &hi, (rm_survive)survive, host_peaks);
    }
    free(host_peaks);
  }
  if (hosted && !ph.held && rc == EXIT_HELD) rc = EXIT_FAILED; /* the hosts given do not hold */
done:
  if (hosted) rm_plan_hosts_free(&ph);
  if (!in.sc) rm_hw_free(&own_hw);
  if (design == tmpdesign) unlink(tmpdesign);
  rm_plan_free(&pl);
  free_in(&in);
  return rc;
}
