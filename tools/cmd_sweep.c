/* romsim sweep and romsim merge: flags, then sweep.c and sweep_db.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rm_scenario.h"
#include "sweep.h"

static const char *sweep_usage =
    "usage: romsim sweep SCENARIO [--fail each:ROLE[,ROLE...]] [--pairs] [--at T] [--for D]\n"
    "                    [--duration D] [--jobs N] [--replications N] [--seed N] [--shard K/N]\n"
    "                    [--max-memory SIZE] [-o SWEEP.db]\n"
    "\n"
    "Run SCENARIO once with no failure added (the baseline) and once per failure of\n"
    "each node of the roles given, and print one line per case, the worst first:\n"
    "capacity held, data lost, worst latency, time to recover, verdict.\n"
    "\n"
    "  --fail each:ROLES  roles to fail, comma-separated: gateway, management_server\n"
    "                     (ms), rms_node, sql_node, essentials (a customer's server),\n"
    "                     site (a customer's internet link), host (every virtual\n"
    "                     server on it at once); default gateway,ms\n"
    "  --pairs            also every pair of those failures at once\n"
    "  --at T             when each failure begins (default 1h; a quarter of runs\n"
    "                     shorter than 4h)\n"
    "  --for D            how long it lasts (default as --at)\n"
    "  --duration D       simulate D instead of the scenario's duration\n"
    "  --jobs N           runs at once on the worker pool (default: the cores)\n"
    "  --replications N   run each case with N seeds derived from the scenario's,\n"
    "                     and print the mean and 95% confidence interval (default 1)\n"
    "  --seed N           the first seed instead of the scenario's\n"
    "  --shard K/N        run only the K-th of N slices of the runs (join the files\n"
    "                     with romsim merge)\n"
    "  --max-memory SIZE  the memory the runs at once may take (such as 8GB; default\n"
    "                     half of this machine's): a run that needs more is refused,\n"
    "                     and fewer run at once than the cores when they do not fit\n"
    "  -o, --output FILE  the sweep file (default: SCENARIO-sweep.db, or\n"
    "                     SCENARIO-sweep-K-of-N.db for a shard)\n"
    "  --quiet            no progress line on a terminal\n"
    "\n"
    "A case holds when the scenario's expectations hold (capacity_held and\n"
    "no_data_lost when it states none) and every path the failure broke is back\n"
    "by the end of the run; a failure that lasts until the end never holds.\n"
    "exit status: 0 every case held, 1 one failed, 2 bad input, 3 interrupted.\n";

static const char *merge_usage =
    "usage: romsim merge -o SWEEP.db SHARD.db...\n"
    "\n"
    "Join the files of a sweep run in shards (romsim sweep --shard K/N) into one,\n"
    "the same as the sweep run whole, and print its table. Every shard must be\n"
    "there, once, from the same scenario and options.\n"
    "exit status: 0 every case held, 1 one failed, 2 bad input.\n";

/* The most shards a sweep is cut into: as many as runs it takes at most. */
#define MAX_SHARDS 10000000

/* --shard K/N, each checked: 0, or EXIT_USAGE after saying why. */
static int parse_shard(const char *v, int *k_out, int *n_out) {
  const char *slash = strchr(v, '/');
  char k[32];
  int64_t kk, nn;
  if (!slash || (size_t)(slash - v) >= sizeof k) goto bad;
  memcpy(k, v, (size_t)(slash - v));
  k[slash - v] = '\0';
  if (cli_parse_int(k, 1, MAX_SHARDS, &kk) || cli_parse_int(slash + 1, 1, MAX_SHARDS, &nn) || kk > nn) goto bad;
  *k_out = (int)kk;
  *n_out = (int)nn;
  return 0;
bad:
  return cli_usage_error("sweep: --shard needs K/N with 1 <= K <= N <= %d, such as 3/8 (not '%s')", MAX_SHARDS, v);
}

static int parse_roles(const char *s, unsigned *roles) {
  if (strncmp(s, "each:", 5) != 0)
    return cli_usage_error("sweep: --fail takes each:ROLE[,ROLE...], such as each:gateway,ms (not '%s')", s);
  s += 5;
  *roles = 0;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    int r = sw_role_parse(s, n);
    if (r < 0)
      return cli_usage_error("sweep: --fail: unknown role '%.*s' (roles: gateway, management_server, rms_node, "
                             "sql_node, essentials, site, host)",
                             (int)n, s);
    *roles |= 1u << r;
    s += n;
    if (*s == ',') s++;
  }
  if (!*roles) return cli_usage_error("sweep: --fail each: needs at least one role");
  return 0;
}


int cmd_sweep(int argc, char **argv) {
  sw_opts o = {.roles = (1u << SW_GATEWAY) | (1u << SW_MS), .replications = 1, .shard_k = 1, .shard_n = 1};
  const char *at = NULL, *dur = NULL;
  bool fail_given = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(sweep_usage, stdout);
      return 0;
    }
    if (strcmp(a, "--pairs") == 0) {
      o.pairs = true;
      continue;
    }
    if (strcmp(a, "--quiet") == 0) {
      o.quiet = true;
      continue;
    }
    static const char *const valued[] = {"--fail", "--at", "--for", "--duration", "--jobs", "--replications",
                                         "--seed", "--shard", "-o", "--output", "--max-memory", NULL};
    const char *v = NULL, *name = a;
    char flag[32];
    for (const char *const *f = valued; *f; f++) {
      size_t n = strlen(*f);
      if (strcmp(a, *f) == 0) {
        if (i + 1 >= argc) return cli_usage_error("sweep: %s needs a value (try romsim sweep --help)", a);
        v = argv[++i];
      } else if (strncmp(a, *f, n) == 0 && a[n] == '=') {
        v = a + n + 1;
        snprintf(flag, sizeof flag, "%s", *f);
        name = flag;
      }
      if (v) break;
    }
    if (!v) {
      if (a[0] == '-' && a[1]) return cli_usage_error("sweep: unknown option '%s' (try romsim sweep --help)", a);
      if (o.scenario) return cli_usage_error("sweep: one scenario at a time ('%s' and '%s')", o.scenario, a);
      o.scenario = a;
      continue;
    }
    if (strcmp(name, "--fail") == 0) {
      unsigned more = 0;
      if (parse_roles(v, &more)) return EXIT_USAGE;
      o.roles = fail_given ? o.roles | more : more; /* --fail again adds roles */
      fail_given = true;
    } else if (strcmp(name, "--at") == 0) {
      at = v;
    } else if (strcmp(name, "--for") == 0) {
      dur = v;
    } else if (strcmp(name, "--duration") == 0) {
      if (cli_duration_flag("sweep", "--duration", v, 1, &o.duration)) return EXIT_USAGE;
      if (o.duration > RM_SCENARIO_MAX_DURATION)
        return cli_usage_error("sweep: --duration must be at most 3650d (ten years), not '%s'", v);
    } else if (strcmp(name, "--jobs") == 0 || strcmp(name, "--replications") == 0) {
      bool jobs = strcmp(name, "--jobs") == 0;
      int64_t x;
      if (cli_int_flag("sweep", name, v, 1, jobs ? 1024 : SW_MAX_REPLICATIONS, &x)) return EXIT_USAGE;
      *(jobs ? &o.jobs : &o.replications) = (int)x;
    } else if (strcmp(name, "--seed") == 0) {
      if (cli_parse_seed(v, &o.seed))
        return cli_usage_error("sweep: --seed needs an integer from 0 to 18446744073709551615, not '%s'", v);
      o.seed_given = true;
    } else if (strcmp(name, "--max-memory") == 0) {
      if (cli_parse_memory("sweep", v, &o.max_memory)) return EXIT_USAGE;
    } else if (strcmp(name, "--shard") == 0) {
      if (parse_shard(v, &o.shard_k, &o.shard_n)) return EXIT_USAGE;
    } else {
      if (!*v) return cli_usage_error("sweep: -o needs a file name");
      o.out = v;
    }
  }
  if (!o.scenario) return cli_usage_error("sweep: which scenario? (usage: romsim sweep SCENARIO --fail each:gateway)");
  if (at && cli_duration_flag("sweep", "--at", at, 0, &o.at)) return EXIT_USAGE;
  if (dur && cli_duration_flag("sweep", "--for", dur, 1, &o.dur)) return EXIT_USAGE;
  /* Defaults that need the run's length are settled once it is known; 1h
   * each fits runs of 2h and more. */
  char out[1100];
  if (!o.out) {
    char suffix[64] = "-sweep.db";
    if (o.shard_n > 1) snprintf(suffix, sizeof suffix, "-sweep-%d-of-%d.db", o.shard_k, o.shard_n);
    cli_with_suffix(o.scenario, false, suffix, out, sizeof out);
    o.out = out;
  }
  /* The worker pool has 4 threads unless told more before its first use. */
  if (o.jobs > 4 && !getenv("UV_THREADPOOL_SIZE")) {
    char n[16];
    snprintf(n, sizeof n, "%d", o.jobs);
    setenv("UV_THREADPOOL_SIZE", n, 1);
  }
  o.at = at ? o.at : -1;
  o.dur = dur ? o.dur : -1;
  return sw_run(&o, stdout);
}

/* Whether two shards' heads describe the same sweep. */
static const char *differs(const sw_head *a, const sw_head *b) {
  if (strcmp(a->sha256, b->sha256) != 0) return "scenario text";
  if (a->seed != b->seed) return "seed";
  if (strcmp(a->roles, b->roles) != 0) return "--fail roles";
  if (a->pairs != b->pairs) return "--pairs";
  if (a->at_us != b->at_us || a->for_us != b->for_us) return "--at or --for";
  if (a->duration_us != b->duration_us) return "--duration";
  if (a->replications != b->replications) return "--replications";
  if (a->n_cases != b->n_cases) return "cases";
  if (a->shard_n != b->shard_n) return "number of shards";
  if (strcmp(a->version, b->version) != 0) return "romsim version";
  return NULL;
}

static int cmp_items(const void *pa, const void *pb) {
  const sw_item *a = pa, *b = pb;
  if (a->case_id != b->case_id) return a->case_id < b->case_id ? -1 : 1;
  return a->rep < b->rep ? -1 : a->rep > b->rep;
}

int cmd_merge(int argc, char **argv) {
  const char *out = NULL;
  const char **in = calloc((size_t)argc, sizeof *in);
  int n_in = 0;
  if (!in) return cli_usage_error("out of memory");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(merge_usage, stdout);
      free(in);
      return 0;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strncmp(a, "--output=", 9) == 0) {
      const char *v = strchr(a, '=') ? strchr(a, '=') + 1 : i + 1 < argc ? argv[++i] : "";
      if (!*v) {
        free(in);
        return cli_usage_error("merge: -o needs a file name");
      }
      out = v;
    } else if (a[0] == '-' && a[1]) {
      free(in);
      return cli_usage_error("merge: unknown option '%s' (try romsim merge --help)", a);
    } else {
      in[n_in++] = a;
    }
  }
  if (!out || n_in <= 0) {
    free(in);
    return cli_usage_error("merge: usage: romsim merge -o SWEEP.db SHARD.db...");
  }
  char err0[1200];
  if (sw_check_output(out, in, err0, sizeof err0)) { /* in[n_in] is NULL */
    free(in);
    return cli_usage_error("merge: %s", err0);
  }
  sw_sweep *sh = calloc((size_t)n_in, sizeof *sh);
  sw_sweep m;
  memset(&m, 0, sizeof m);
  char err[1200];
  int rc = EXIT_USAGE, n_read = 0;
  if (!sh) {
    cli_usage_error("out of memory");
    goto done;
  }
  int64_t total = 0;
  for (int i = 0; i < n_in; i++, n_read++) {
    if (sw_read(in[i], &sh[i], err, sizeof err)) {
      fprintf(stderr, "romsim: %s\n", err);
      goto done;
    }
    if (strcmp(sh[i].head.status, "complete") != 0) {
      fprintf(stderr, "romsim: %s: this shard is %s: run it again\n", in[i], sh[i].head.status);
      n_read++;
      goto done;
    }
    const char *d = i ? differs(&sh[0].head, &sh[i].head) : NULL;
    if (d) {
      fprintf(stderr, "romsim: %s: not a shard of the same sweep as %s (its %s differs)\n", in[i], in[0], d);
      n_read++;
      goto done;
    }
    for (int j = 0; j < i; j++)
      if (sh[j].head.shard_k == sh[i].head.shard_k) {
        fprintf(stderr, "romsim: %s and %s are both shard %d/%d\n", in[j], in[i], sh[i].head.shard_k,
                sh[i].head.shard_n);
        n_read++;
        goto done;
      }
    total += sh[i].n_items;
  }
  if (n_in != sh[0].head.shard_n) {
    for (int k = 1; k <= sh[0].head.shard_n; k++) {
      bool have = false;
      for (int i = 0; i < n_in; i++) have |= sh[i].head.shard_k == k;
      if (!have) {
        fprintf(stderr, "romsim: merge: shard %d/%d is missing\n", k, sh[0].head.shard_n);
        break;
      }
    }
    goto done;
  }
  m.head = sh[0].head;
  m.head.text = sh[0].head.text;
  m.head.shard_k = m.head.shard_n = 1;
  m.cases = sh[0].cases;
  m.n_cases = sh[0].n_cases;
  m.items = calloc((size_t)(total ? total : 1), sizeof *m.items);
  if (!m.items) {
    cli_usage_error("out of memory");
    goto done;
  }
  for (int i = 0; i < n_in; i++) {
    memcpy(m.items + m.n_items, sh[i].items, (size_t)sh[i].n_items * sizeof *m.items);
    m.n_items += sh[i].n_items;
  }
  qsort(m.items, (size_t)m.n_items, sizeof *m.items, cmp_items);
  if (m.n_items != (int64_t)m.n_cases * m.head.replications) {
    fprintf(stderr, "romsim: merge: the shards hold %d runs; the sweep has %lld\n", m.n_items,
            (long long)m.n_cases * m.head.replications);
    goto done;
  }
  if (sw_write(out, &m, err, sizeof err)) {
    fprintf(stderr, "romsim: %s\n", err);
    goto done;
  }
  sw_print(stdout, &m);
  printf("sweep file: %s (merged from %d shards)\n", out, n_in);
  rc = EXIT_HELD;
  for (int i = 0; i < m.n_items; i++)
    if (!m.items[i].held) rc = EXIT_FAILED;
done:
  free(m.items);
  for (int i = 0; i < n_read && sh; i++) sw_free(&sh[i]);
  free(sh);
  free(in);
  return rc;
}
