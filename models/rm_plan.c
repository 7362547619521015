/*
 * rm_plan: the smallest design that holds a set of customers (rm_plan.h
 * says how it searches).
 */
#include "rm_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const survive_names[RM_SURVIVE_KINDS] = {"none", "gateway", "management_server", "either"};

const char *rm_survive_name(rm_survive s) { return s >= 0 && s < RM_SURVIVE_KINDS ? survive_names[s] : "?"; }

int rm_survive_parse(const char *s) {
  for (int k = 0; k < RM_SURVIVE_KINDS; k++)
    if (strcmp(s, survive_names[k]) == 0) return k;
  if (strcmp(s, "ms") == 0) return RM_SURVIVE_MS;
  return -1;
}

/* Working space for one try: sized for the largest counts searched. */
typedef struct {
  const rm_plan *pl;
  const rm_plan_input *in;
  int *order;               /* customers, largest first (stable) */
  int64_t *moved;           /* per gateway: agents moved there by one failure */
  int64_t *moved_ms;        /* per management server, likewise */
  int *gorder;              /* gateways, largest first */
  char why[512];            /* why the last try failed */
} work;

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int design_alloc(rm_plan_design *d, int n_cust, int n_gw, int n_ms) {
  d->n_cust = n_cust;
  d->n_gw = n_gw;
  d->n_ms = n_ms;
  d->primary = calloc((size_t)n_cust, sizeof *d->primary);
  d->backup = calloc((size_t)n_cust, sizeof *d->backup);
  d->gw_ms = calloc((size_t)n_gw, sizeof *d->gw_ms);
  d->gw_failover = calloc((size_t)n_gw, sizeof *d->gw_failover);
  d->gw_load = calloc((size_t)n_gw, sizeof *d->gw_load);
  d->ms_load = calloc((size_t)n_ms, sizeof *d->ms_load);
  return d->primary && d->backup && d->gw_ms && d->gw_failover && d->gw_load && d->ms_load ? 0 : -1;
}

static void design_free(rm_plan_design *d) {
  free(d->primary);
  free(d->backup);
  free(d->gw_ms);
  free(d->gw_failover);
  free(d->gw_load);
  free(d->ms_load);
  memset(d, 0, sizeof *d);
}

/* The index with the least load (ties: the lowest). */
static int least(const int64_t *load, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (load[i] < load[best]) best = i;
  return best;
}

/* Customers, largest first, each onto the least loaded gateway. */
static void pack_balanced(work *w, rm_plan_design *d) {
  for (int k = 0; k < d->n_cust; k++) {
    int c = w->order[k];
    int g = least(d->gw_load, d->n_gw);
    d->primary[c] = g;
    d->gw_load[g] += w->pl->size[c];
  }
}

/* Customers, largest first, each onto the first gateway with room; false
 * when some customer finds none. */
static bool pack_tight(work *w, rm_plan_design *d) {
  for (int k = 0; k < d->n_cust; k++) {
    int c = w->order[k];
    int g = 0;
    while (g < d->n_gw && d->gw_load[g] + w->pl->size[c] > w->in->gw_limit) g++;
    if (g == d->n_gw) return false;
    d->primary[c] = g;
    d->gw_load[g] += w->pl->size[c];
  }
  return true;
}

/* Gateways, largest first, each onto the least loaded management server. */
static void place_gateways(work *w, rm_plan_design *d) {
  for (int i = 0; i < d->n_gw; i++) {
    int j = i;
    while (j > 0 && d->gw_load[w->gorder[j - 1]] < d->gw_load[i]) {
      w->gorder[j] = w->gorder[j - 1];
      j--;
    }
    w->gorder[j] = i;
  }
  for (int k = 0; k < d->n_gw; k++) {
    int g = w->gorder[k];
    int m = least(d->ms_load, d->n_ms);
    d->gw_ms[g] = m;
    d->ms_load[m] += d->gw_load[g];
  }
}

/* Every node within its limit with nothing failed. */
static bool within(work *w, const rm_plan_design *d) {
  for (int g = 0; g < d->n_gw; g++)
    if (d->gw_load[g] > w->in->gw_limit) {
      int n = 0;
      for (int c = 0; c < d->n_cust; c++) n += d->primary[c] == g;
      snprintf(w->why, sizeof w->why, "gw-%d would carry %lld agents (%d customer%s), over the limit of %d", g + 1,
               (long long)d->gw_load[g], n, n == 1 ? "" : "s", w->in->gw_limit);
      return false;
    }
  for (int m = 0; m < d->n_ms; m++)
    if (d->ms_load[m] > w->in->ms_limit) {
      snprintf(w->why, sizeof w->why, "ms-%d would carry %lld agents, over the limit of %d", m + 1,
               (long long)d->ms_load[m], w->in->ms_limit);
      return false;
    }
  return true;
}

/*
 * Choose every customer's backup so that any one gateway's failure leaves
 * every gateway and management server within its limit. A failed gateway's
 * customers, largest first, each go to the gateway with the most room on
 * the same management server, else to the one with the most room elsewhere
 * whose management server has room too. Returns true when every customer
 * found one; the worst failure is noted.
 */
static bool choose_backups(work *w, rm_plan_design *d) {
  const rm_plan *pl = w->pl;
  d->worst_gw_load = -1;
  d->worst_gw = d->worst_gw_failed = -1;
  for (int c = 0; c < d->n_cust; c++) d->backup[c] = -1;
  if (d->n_gw < 2) {
    snprintf(w->why, sizeof w->why, "a single gateway has no other to fail over to");
    return false;
  }
  bool ok = true;
  for (int p = 0; p < d->n_gw; p++) {
    memset(w->moved, 0, (size_t)d->n_gw * sizeof *w->moved);
    memset(w->moved_ms, 0, (size_t)d->n_ms * sizeof *w->moved_ms);
    for (int k = 0; k < d->n_cust; k++) {
      int c = w->order[k];
      if (d->primary[c] != p) continue;
      int64_t s = pl->size[c];
      int best = -1, best_same = 0;
      int64_t best_room = -1, most = -1, most_away = -1;
      for (int j = 1; j < d->n_gw; j++) {
        int b = (p + j) % d->n_gw;
        int64_t room = w->in->gw_limit - d->gw_load[b] - w->moved[b];
        int same = d->gw_ms[b] == d->gw_ms[p];
        if (same && room > most) most = room;
        if (!same && room > most_away) most_away = room;
        if (room < s) continue;
        if (!same && w->in->ms_limit - d->ms_load[d->gw_ms[b]] - w->moved_ms[d->gw_ms[b]] < s) continue;
        if (best < 0 || same > best_same || (same == best_same && room > best_room)) {
          best = b;
          best_same = same;
          best_room = room;
        }
      }
      if (best < 0) {
        if (ok) {
          char name[256];
          rm_plan_customer_name(pl, w->in, c, name, sizeof name);
          int n = snprintf(w->why, sizeof w->why,
                           "if gw-%d failed, %s (%lld agents) would find no gateway with room for it: the most on "
                           "ms-%d is %lld",
                           p + 1, name, (long long)s, d->gw_ms[p] + 1, (long long)(most < 0 ? 0 : most));
          if (most_away >= s && n > 0 && (size_t)n < sizeof w->why)
            snprintf(w->why + n, sizeof w->why - (size_t)n,
                     ", and the gateways with room elsewhere are on management servers without it");
        }
        ok = false;
        continue;
      }
      d->backup[c] = best;
      w->moved[best] += s;
      if (d->gw_ms[best] != d->gw_ms[p]) w->moved_ms[d->gw_ms[best]] += s;
      int64_t now = d->gw_load[best] + w->moved[best];
      if (now > d->worst_gw_load) {
        d->worst_gw_load = now;
        d->worst_gw = best;
        d->worst_gw_failed = p;
      }
    }
  }
  return ok;
}

/*
 * Choose every gateway's failover server so that any one management
 * server's failure leaves every other within its limit: the failed one's
 * gateways, largest first, each to the server with the most room.
 */
static bool choose_failovers(work *w, rm_plan_design *d) {
  d->worst_ms_load = -1;
  d->worst_ms = d->worst_ms_failed = -1;
  for (int g = 0; g < d->n_gw; g++) d->gw_failover[g] = -1;
  if (d->n_ms < 2) {
    snprintf(w->why, sizeof w->why, "a single management server has no other to fail over to");
    return false;
  }
  bool ok = true;
  for (int m = 0; m < d->n_ms; m++) {
    memset(w->moved_ms, 0, (size_t)d->n_ms * sizeof *w->moved_ms);
    for (int k = 0; k < d->n_gw; k++) {
      int g = w->gorder[k];
      if (d->gw_ms[g] != m) continue;
      int best = -1;
      int64_t best_room = -1;
      for (int j = 1; j < d->n_ms; j++) {
        int x = (m + j) % d->n_ms;
        int64_t room = w->in->ms_limit - d->ms_load[x] - w->moved_ms[x];
        if (room > best_room) {
          best = x;
          best_room = room;
        }
      }
      if (best_room < d->gw_load[g]) {
        if (ok)
          snprintf(w->why, sizeof w->why,
                   "if ms-%d failed, gw-%d (%lld agents) would find no management server with room for it "
                   "(the most any other has is %lld)",
                   m + 1, g + 1, (long long)d->gw_load[g], (long long)(best_room < 0 ? 0 : best_room));
        ok = false;
        continue;
      }
      d->gw_failover[g] = best;
      w->moved_ms[best] += d->gw_load[g];
      if (d->ms_load[best] + w->moved_ms[best] > d->worst_ms_load) {
        d->worst_ms_load = d->ms_load[best] + w->moved_ms[best];
        d->worst_ms = best;
        d->worst_ms_failed = m;
      }
    }
  }
  return ok;
}

/* One try: n_ms management servers, n_gw gateways, one of the two
 * placements. True when the design survives the kind of failure asked. */
static bool try_design(work *w, rm_plan_design *d, int n_ms, int n_gw, bool tight, rm_survive s) {
  design_free(d);
  if (design_alloc(d, w->pl->n_cust, n_gw, n_ms)) {
    snprintf(w->why, sizeof w->why, "out of memory");
    return false;
  }
  if (tight) {
    if (!pack_tight(w, d)) {
      snprintf(w->why, sizeof w->why, "%d gateways cannot hold every customer whole", n_gw);
      return false;
    }
  } else {
    pack_balanced(w, d);
  }
  place_gateways(w, d);
  if (!within(w, d)) return false;
  bool need_gw = s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  /* Backups and failovers are chosen for every design; a design that need
   * not survive a kind of failure leaves those it cannot place to the model. */
  bool gw_ok = choose_backups(w, d);
  if (!gw_ok && need_gw) return false;
  if (!gw_ok) {
    for (int c = 0; c < d->n_cust; c++) d->backup[c] = -1;
    d->worst_gw_load = -1;
  }
  bool ms_ok = choose_failovers(w, d);
  if (!ms_ok && need_ms) return false;
  if (!ms_ok) {
    for (int g = 0; g < d->n_gw; g++) d->gw_failover[g] = -1;
    d->worst_ms_load = -1;
  }
  return true;
}

static bool try_both(work *w, rm_plan_design *d, int n_ms, int n_gw, rm_survive s) {
  if (try_design(w, d, n_ms, n_gw, false, s)) return true;
  char first[512];
  snprintf(first, sizeof first, "%s", w->why);
  if (try_design(w, d, n_ms, n_gw, true, s)) return true;
  snprintf(w->why, sizeof w->why, "%s", first); /* the balanced placement's reason reads best */
  return false;
}

/* The fewest management servers, then the fewest gateways, that survive s. */
static int search(work *w, rm_plan *pl, rm_survive s, char *err, size_t errlen) {
  int n = pl->n_cust;
  int m0 = pl->arith_ms;
  if (s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER) {
    /* The others must hold everything: (m - 1) x limit >= agents. */
    int64_t need = ceil_div(pl->agents, w->in->ms_limit) + 1;
    if (need > m0) m0 = (int)need;
  }
  rm_plan_design *d = &pl->design[s];
  pl->why_fewer[s][0] = pl->why_more_ms[s][0] = '\0';
  for (int m = m0; m <= n + 2; m++) {
    int g0 = pl->arith_gw;
    for (int g = g0; g <= n + m + 1; g++) {
      if (try_both(w, d, m, g, s)) {
        if (g > g0) {
          rm_plan_design tmp = {0};
          try_both(w, &tmp, m, g - 1, s);
          design_free(&tmp);
          snprintf(pl->why_fewer[s], sizeof pl->why_fewer[s], "with %d gateway%s, %s", g - 1,
                   g - 1 == 1 ? "" : "s", w->why);
        }
        if (m > m0 || m > pl->arith_ms) {
          rm_plan_design tmp = {0};
          try_both(w, &tmp, m - 1, g, s);
          design_free(&tmp);
          snprintf(pl->why_more_ms[s], sizeof pl->why_more_ms[s], "with %d management server%s, %s", m - 1,
                   m - 1 == 1 ? "" : "s", w->why);
        }
        return 0;
      }
    }
  }
  design_free(d);
  snprintf(err, errlen, "no design found that survives %s failures (searched up to %d management servers)",
           rm_survive_name(s), n + 2);
  return -1;
}

void rm_plan_customer_name(const rm_plan *pl, const rm_plan_input *in, int i, char *buf, size_t len) {
  snprintf(buf, len, "%s-%d", in->lines[pl->line_of[i]].name, pl->nth[i] + 1);
}

int rm_plan_make(rm_plan *pl, const rm_plan_input *in, char *err, size_t errlen) {
  memset(pl, 0, sizeof *pl);
  if (in->gw_limit < 1 || in->ms_limit < 1) {
    snprintf(err, errlen, "the limits must be at least 1 agent");
    return -1;
  }
  int64_t n = 0;
  for (int l = 0; l < in->n_lines; l++) n += in->lines[l].count;
  if (n < 1) {
    snprintf(err, errlen, "there are no customers to plan for");
    return -1;
  }
  if (n > 100000) {
    snprintf(err, errlen, "%lld customers: more than the planner takes (100000)", (long long)n);
    return -1;
  }
  pl->n_cust = (int)n;
  pl->size = calloc((size_t)n, sizeof *pl->size);
  pl->line_of = calloc((size_t)n, sizeof *pl->line_of);
  pl->nth = calloc((size_t)n, sizeof *pl->nth);
  work w = {.pl = pl, .in = in};
  w.order = calloc((size_t)n, sizeof *w.order);
  /* Gateways and management servers never exceed customers + 3 in the search. */
  size_t most = (size_t)n * 2 + 8;
  w.moved = calloc(most, sizeof *w.moved);
  w.moved_ms = calloc(most, sizeof *w.moved_ms);
  w.gorder = calloc(most, sizeof *w.gorder);
  int rc = -1;
  if (!pl->size || !pl->line_of || !pl->nth || !w.order || !w.moved || !w.moved_ms || !w.gorder) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  pl->ess_over_first = -1;
  int c = 0;
  for (int l = 0; l < in->n_lines; l++) {
    const rm_plan_line *ln = &in->lines[l];
    for (int k = 0; k < ln->count; k++, c++) {
      pl->size[c] = ln->servers + ln->clients;
      pl->line_of[c] = l;
      pl->nth[c] = k;
      pl->agents += pl->size[c];
      if (pl->size[c] > pl->largest) pl->largest = pl->size[c];
      if (ln->servers > in->ess_servers || ln->clients > in->ess_clients) {
        if (pl->ess_over_first < 0) pl->ess_over_first = c;
        pl->ess_over++;
      }
      if (pl->size[c] > in->gw_limit) {
        char name[256];
        rm_plan_customer_name(pl, in, c, name, sizeof name);
        snprintf(err, errlen,
                 "%s has %lld agents, over the gateway limit of %d: its Essentials server reports to one "
                 "gateway, so no design holds it (split the customer, or raise the limit)",
                 name, (long long)pl->size[c], in->gw_limit);
        goto out;
      }
    }
  }
  /* Largest first, stable. */
  for (int i = 0; i < pl->n_cust; i++) {
    int j = i;
    while (j > 0 && pl->size[w.order[j - 1]] < pl->size[i]) {
      w.order[j] = w.order[j - 1];
      j--;
    }
    w.order[j] = i;
  }
  pl->arith_gw = (int)ceil_div(pl->agents, in->gw_limit);
  pl->arith_ms = (int)ceil_div(pl->agents, in->ms_limit);
  /* Whole customers on the arithmetic's gateways, balanced: the fullest. */
  {
    rm_plan_design d = {0};
    if (design_alloc(&d, pl->n_cust, pl->arith_gw, pl->arith_ms)) {
      design_free(&d);
      snprintf(err, errlen, "out of memory");
      goto out;
    }
    pack_balanced(&w, &d);
    int fullest = 0;
    for (int g = 1; g < d.n_gw; g++)
      if (d.gw_load[g] > d.gw_load[fullest]) fullest = g;
    pl->arith_fullest = d.gw_load[fullest];
    for (int i = 0; i < pl->n_cust; i++) pl->arith_fullest_customers += d.primary[i] == fullest;
    design_free(&d);
  }
  for (int s = 0; s < RM_SURVIVE_KINDS; s++)
    if (search(&w, pl, (rm_survive)s, err, errlen)) goto out;
  rc = 0;
out:
  free(w.order);
  free(w.moved);
  free(w.moved_ms);
  free(w.gorder);
  if (rc) rm_plan_free(pl);
  return rc;
}

void rm_plan_free(rm_plan *pl) {
  for (int s = 0; s < RM_SURVIVE_KINDS; s++) design_free(&pl->design[s]);
  free(pl->size);
  free(pl->line_of);
  free(pl->nth);
  memset(pl, 0, sizeof *pl);
}
