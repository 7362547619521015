/*
 * rm_plan: the smallest design that holds a set of customers (rm_plan.h
 * says how it searches).
 */
#include "rm_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_scenario.h"

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
  int *order;               /* Essentials servers, largest first (stable) */
  int64_t *moved;           /* per gateway: agents moved there by one failure */
  int64_t *moved_ms;        /* per management server, likewise */
  int *gorder;              /* gateways, largest first */
  int *heap;                /* gateways by (load, index): the least loaded on top */
  int *by_gw, *gw_start;    /* Essentials servers grouped by primary, largest first within */
  int *ms_gws, *ms_start;   /* gateways grouped by management server */
  int *spares;              /* per management server: its spare gateways */
  int *ffd;                 /* per Essentials server: its gateway by first-fit decreasing */
  int64_t *ffd_load;
  int ffd_k;                /* gateways first-fit decreasing takes */
  char why[512];            /* why the last try failed */
} work;

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int design_alloc(rm_plan_design *d, int n_ess, int n_gw, int n_ms) {
  d->n_ess = n_ess;
  d->n_gw = n_gw;
  d->n_ms = n_ms;
  d->primary = calloc((size_t)n_ess, sizeof *d->primary);
  d->backup = calloc((size_t)n_ess, sizeof *d->backup);
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

/* A heap of indexes by key (ties: the lower index), the least on top. */
static bool before(const int64_t *key, int a, int b) { return key[a] < key[b] || (key[a] == key[b] && a < b); }

static void sift_down(const int64_t *key, int *h, int n, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && before(key, h[l], h[m])) m = l;
    if (r < n && before(key, h[r], h[m])) m = r;
    if (m == i) return;
    int t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* Essentials servers, largest first, each onto the least loaded gateway (ties: the
 * lowest). Loads only grow, so the top of the heap sinks after each. */
static void pack_balanced(work *w, rm_plan_design *d) {
  for (int g = 0; g < d->n_gw; g++) w->heap[g] = g; /* all empty: already a heap */
  for (int k = 0; k < d->n_ess; k++) {
    int c = w->order[k];
    int g = w->heap[0];
    d->primary[c] = g;
    d->gw_load[g] += w->pl->size[c];
    sift_down(d->gw_load, w->heap, d->n_gw, 0);
  }
}

/* Essentials servers, largest first, each onto the first gateway with room
 * (first-fit decreasing), as many gateways as that takes: w->ffd_k, with
 * w->ffd[c] each one's. The same for every gateway count, so it is
 * worked out once. */
static void first_fit(work *w) {
  const rm_plan *pl = w->pl;
  int64_t *load = w->ffd_load;
  w->ffd_k = 0;
  for (int k = 0; k < pl->n_ess; k++) {
    int c = w->order[k];
    int g = 0;
    while (g < w->ffd_k && load[g] + pl->size[c] > w->in->gw_limit) g++;
    if (g == w->ffd_k) load[w->ffd_k++] = 0;
    w->ffd[c] = g;
    load[g] += pl->size[c];
  }
}

/* The first-fit packing on n_gw gateways, the rest spare; false when it
 * needs more. */
static bool pack_tight(work *w, rm_plan_design *d) {
  if (w->ffd_k > d->n_gw) return false;
  for (int c = 0; c < d->n_ess; c++) {
    d->primary[c] = w->ffd[c];
    d->gw_load[w->ffd[c]] += w->pl->size[c];
  }
  return true;
}

/* Sort idx[0..n) by key, largest first, stable (a merge sort; tmp holds n). */
static void sort_desc(const int64_t *key, int *idx, int *tmp, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = key[idx[j]] > key[idx[i]] ? idx[j++] : idx[i++];
      while (i < mid) tmp[k++] = idx[i++];
      while (j < hi) tmp[k++] = idx[j++];
    }
    memcpy(idx, tmp, (size_t)n * sizeof *idx);
  }
}

/* Gateways, largest first, each onto a management server: balanced, the
 * one carrying least (ties: the lowest), spares spread round; or tight,
 * the first with room (the rest left spare). False when tight
 * finds no room. */
static bool place_gateways(work *w, rm_plan_design *d, bool tight) {
  for (int i = 0; i < d->n_gw; i++) w->gorder[i] = i;
  sort_desc(d->gw_load, w->gorder, w->heap, d->n_gw);
  int *count = w->spares; /* spare gateways per server */
  memset(count, 0, (size_t)d->n_ms * sizeof *count);
  for (int m = 0; m < d->n_ms; m++) w->heap[m] = m; /* servers by load: all empty */
  for (int k = 0; k < d->n_gw; k++) {
    int g = w->gorder[k], m = 0;
    if (d->gw_load[g] == 0) {
      /* A spare adds no load: spares go round, the fewest first (ties:
       * the least loaded server), so every server can have one. */
      for (int x = 1; x < d->n_ms; x++)
        if (count[x] < count[m] || (count[x] == count[m] && d->ms_load[x] < d->ms_load[m])) m = x;
      count[m]++;
    } else if (tight) {
      while (m < d->n_ms && d->ms_load[m] + d->gw_load[g] > w->in->ms_limit) m++;
      if (m == d->n_ms) {
        snprintf(w->why, sizeof w->why, "%d management servers cannot hold every gateway whole", d->n_ms);
        return false;
      }
    } else {
      m = w->heap[0];
    }
    d->gw_ms[g] = m;
    d->ms_load[m] += d->gw_load[g];
    if (!tight && d->gw_load[g] > 0) sift_down(d->ms_load, w->heap, d->n_ms, 0);
  }
  return true;
}

/* Every node within its limit with nothing failed. */
static bool within(work *w, const rm_plan_design *d) {
  for (int g = 0; g < d->n_gw; g++)
    if (d->gw_load[g] > w->in->gw_limit) {
      int n = 0;
      for (int c = 0; c < d->n_ess; c++) n += d->primary[c] == g;
      snprintf(w->why, sizeof w->why, "gw-%d would carry %lld agents (%d %s), over the limit of %d", g + 1,
               (long long)d->gw_load[g], n, rm_plan_unit(w->pl, n), w->in->gw_limit);
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
 * Choose every Essentials server's backup so that any one gateway's failure leaves
 * every gateway and management server within its limit. A failed gateway's
 * Essentials servers, largest first, each go to the gateway with the most room on
 * the same management server, else to the one with the most room elsewhere
 * whose management server has room too. Returns true when every one
 * found one; the worst failure is noted.
 */
static bool choose_backups(work *w, rm_plan_design *d, bool stop_at_first) {
  const rm_plan *pl = w->pl;
  d->worst_gw_load = -1;
  d->worst_gw = d->worst_gw_failed = -1;
  for (int c = 0; c < d->n_ess; c++) d->backup[c] = -1;
  if (d->n_gw < 2) {
    snprintf(w->why, sizeof w->why, "a single gateway has no other to fail over to");
    return false;
  }
  /* Customers grouped by primary, largest first within (a counting sort
   * of the size order). */
  memset(w->gw_start, 0, (size_t)(d->n_gw + 1) * sizeof *w->gw_start);
  for (int c = 0; c < d->n_ess; c++) w->gw_start[d->primary[c] + 1]++;
  for (int g = 0; g < d->n_gw; g++) w->gw_start[g + 1] += w->gw_start[g];
  for (int k = 0; k < d->n_ess; k++) {
    int c = w->order[k];
    w->by_gw[w->gw_start[d->primary[c]]++] = c;
  }
  for (int g = d->n_gw; g > 0; g--) w->gw_start[g] = w->gw_start[g - 1];
  w->gw_start[0] = 0;
  /* Gateways grouped by management server, in index order. */
  memset(w->ms_start, 0, (size_t)(d->n_ms + 1) * sizeof *w->ms_start);
  for (int g = 0; g < d->n_gw; g++) w->ms_start[d->gw_ms[g] + 1]++;
  for (int m = 0; m < d->n_ms; m++) w->ms_start[m + 1] += w->ms_start[m];
  for (int g = 0; g < d->n_gw; g++) w->ms_gws[w->ms_start[d->gw_ms[g]]++] = g;
  for (int m = d->n_ms; m > 0; m--) w->ms_start[m] = w->ms_start[m - 1];
  w->ms_start[0] = 0;
  memset(w->moved, 0, (size_t)d->n_gw * sizeof *w->moved);
  memset(w->moved_ms, 0, (size_t)d->n_ms * sizeof *w->moved_ms);
  bool ok = true;
  for (int p = 0; p < d->n_gw; p++) {
    if (w->gw_start[p] == w->gw_start[p + 1]) continue; /* a spare */
    int home = d->gw_ms[p];
    for (int k = w->gw_start[p]; k < w->gw_start[p + 1]; k++) {
      int c = w->by_gw[k];
      int64_t s = pl->size[c];
      /* The most room on the same server (ties: the next after p, going
       * round); else elsewhere, where the server has room too. */
      int best = -1, best_dist = 0;
      int64_t best_room = -1, most = -1, most_away = -1;
      for (int i = w->ms_start[home]; i < w->ms_start[home + 1]; i++) {
        int b = w->ms_gws[i];
        if (b == p) continue;
        int64_t room = w->in->gw_limit - d->gw_load[b] - w->moved[b];
        int dist = b > p ? b - p : b + d->n_gw - p;
        if (room > most) most = room;
        if (room >= s && (room > best_room || (room == best_room && dist < best_dist))) {
          best = b;
          best_room = room;
          best_dist = dist;
        }
      }
      /* Elsewhere: only on servers with room for it. */
      int away = -1;
      for (int x = 0; x < d->n_ms && best < 0; x++) {
        if (x == home || w->in->ms_limit - d->ms_load[x] - w->moved_ms[x] < s) continue;
        for (int i = w->ms_start[x]; i < w->ms_start[x + 1]; i++) {
          int b = w->ms_gws[i];
          int64_t room = w->in->gw_limit - d->gw_load[b] - w->moved[b];
          int dist = b > p ? b - p : b + d->n_gw - p;
          if (room >= s && (away < 0 || room > best_room || (room == best_room && dist < best_dist))) {
            away = b;
            best_room = room;
            best_dist = dist;
          }
        }
      }
      if (best < 0) best = away;
      if (best < 0) /* for the message: the most room on other servers, with room or not */
        for (int b = 0; b < d->n_gw; b++)
          if (d->gw_ms[b] != home && w->in->gw_limit - d->gw_load[b] - w->moved[b] > most_away)
            most_away = w->in->gw_limit - d->gw_load[b] - w->moved[b];
      if (best < 0) {
        if (ok) {
          char name[256];
          rm_plan_ess_name(pl, w->in, c, name, sizeof name);
          int n = snprintf(w->why, sizeof w->why,
                           "if gw-%d failed, %s (%lld agents) would find no gateway with room for it: the most on "
                           "ms-%d is %lld",
                           p + 1, name, (long long)s, d->gw_ms[p] + 1, (long long)(most < 0 ? 0 : most));
          if (most_away >= s && n > 0 && (size_t)n < sizeof w->why)
            snprintf(w->why + n, sizeof w->why - (size_t)n,
                     ", and the gateways with room elsewhere are on management servers without it");
        }
        ok = false;
        if (stop_at_first) return false;
        continue;
      }
      d->backup[c] = best;
      w->moved[best] += s;
      if (d->gw_ms[best] != home) w->moved_ms[d->gw_ms[best]] += s;
      int64_t now = d->gw_load[best] + w->moved[best];
      if (now > d->worst_gw_load) {
        d->worst_gw_load = now;
        d->worst_gw = best;
        d->worst_gw_failed = p;
      }
    }
    /* Undo this failure's moves: only its Essentials servers' backups were touched. */
    for (int k = w->gw_start[p]; k < w->gw_start[p + 1]; k++) {
      int b = d->backup[w->by_gw[k]];
      if (b < 0) continue;
      w->moved[b] = 0;
      w->moved_ms[d->gw_ms[b]] = 0;
    }
  }
  return ok;
}

/*
 * Choose every gateway's failover server so that any one management
 * server's failure leaves every other within its limit: the failed one's
 * gateways, largest first, each to the server with the most room.
 */
static bool choose_failovers(work *w, rm_plan_design *d, bool stop_at_first) {
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
        if (stop_at_first) return false;
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

/* One try: n_ms management servers, n_gw gateways, one of the placements
 * of Essentials servers (balanced or tight) and of gateways. True when the design
 * survives the kind of failure asked. */
static bool try_design(work *w, rm_plan_design *d, int n_ms, int n_gw, bool tight, bool tight_ms, rm_survive s) {
  design_free(d);
  if (design_alloc(d, w->pl->n_ess, n_gw, n_ms)) {
    snprintf(w->why, sizeof w->why, "out of memory");
    return false;
  }
  if (tight) {
    if (!pack_tight(w, d)) {
      snprintf(w->why, sizeof w->why, "%d gateways cannot hold every %s whole", n_gw, rm_plan_unit(w->pl, 1));
      return false;
    }
  } else {
    pack_balanced(w, d);
  }
  if (!place_gateways(w, d, tight_ms) || !within(w, d)) return false;
  bool need_gw = s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  if (need_gw && !choose_backups(w, d, true)) return false;
  if (need_ms && !choose_failovers(w, d, true)) return false;
  return true;
}

/* The design found: backups and failovers for the failures it need not
 * survive too, where they fit; those that do not are left to the model. */
static void finish(work *w, rm_plan_design *d, rm_survive s) {
  bool need_gw = s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  if (!need_gw && !choose_backups(w, d, false)) {
    for (int c = 0; c < d->n_ess; c++) d->backup[c] = -1;
    d->worst_gw_load = -1;
  }
  if (!need_ms && !choose_failovers(w, d, false)) {
    for (int g = 0; g < d->n_gw; g++) d->gw_failover[g] = -1;
    d->worst_ms_load = -1;
  }
}

/* Every placement for these counts; the first reason kept when none holds
 * (the balanced placement's reads best). */
static bool try_all(work *w, rm_plan_design *d, int n_ms, int n_gw, rm_survive s) {
  char first[512] = "";
  for (int k = 0; k < 4; k++) {
    if (try_design(w, d, n_ms, n_gw, k & 1, k >> 1, s)) return true;
    if (k == 0) snprintf(first, sizeof first, "%s", w->why);
  }
  snprintf(w->why, sizeof w->why, "%s", first);
  return false;
}

/* The fewest gateways from g0 to gmax that survive s with m management
 * servers, or -1; d then holds the design. Small groups are searched one
 * count at a time; large ones (more than 100 Essentials servers) gallop (g0, g0+1,
 * g0+3, g0+7, ...) to a count that holds, then bisect back. */
static int fewest_gw(work *w, rm_plan_design *d, int m, int g0, int gmax, rm_survive s) {
  if (w->pl->n_ess <= 100) {
    for (int g = g0; g <= gmax; g++)
      if (try_all(w, d, m, g, s)) return g;
    return -1;
  }
  int lo = g0 - 1, hi = -1, step = 1;
  for (int g = g0; g <= gmax;) {
    if (try_all(w, d, m, g, s)) {
      hi = g;
      break;
    }
    lo = g;
    g += step;
    step *= 2;
    if (g > gmax && lo < gmax) g = gmax;
  }
  if (hi < 0) return -1;
  bool at_hi = true;
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    at_hi = try_all(w, d, m, mid, s);
    if (at_hi)
      hi = mid;
    else
      lo = mid;
  }
  if (!at_hi) try_all(w, d, m, hi, s); /* d holds the last one tried */
  return hi;
}

/* The design that survives s with the fewest servers in all (management
 * servers and gateways; of those with as many, the fewest management
 * servers); and whether one more management server would take fewer
 * gateways. */
static int search(work *w, rm_plan *pl, rm_survive s, char *err, size_t errlen) {
  int n = pl->n_ess;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  int m0 = pl->arith_ms;
  int64_t bound = need_ms ? ceil_div(pl->agents, w->in->ms_limit) + 1 : 0; /* the others hold everything */
  if (bound > m0) m0 = (int)bound;
  rm_plan_design *d = &pl->design[s];
  rm_plan_design cand = {0}, tmp = {0};
  pl->why_fewer[s][0] = pl->why_more_ms[s][0] = '\0';
  pl->alt_ms[s] = pl->alt_gw[s] = 0;
  /* No fewer gateways than first-fit decreasing takes for whole Essentials servers
   * (nor than the arithmetic). */
  int g0 = w->ffd_k > pl->arith_gw ? w->ffd_k : pl->arith_gw;
  int best_m = -1, best_g = -1;
  for (int m = m0; m <= n + 2; m++) {
    if (best_m >= 0 && m + g0 >= best_m + best_g) break; /* cannot take fewer in all */
    int gmax = n + m + 1;
    if (best_m >= 0 && best_m + best_g - m - 1 < gmax) gmax = best_m + best_g - m - 1;
    int g = fewest_gw(w, &cand, m, g0, gmax, s);
    if (g < 0) continue;
    finish(w, &cand, s);
    design_free(d);
    *d = cand;
    memset(&cand, 0, sizeof cand);
    best_m = m;
    best_g = g;
  }
  design_free(&cand);
  if (best_m < 0) {
    snprintf(err, errlen, "no design found that survives %s failures (searched up to %d management servers)",
             rm_survive_name(s), n + 2);
    return -1;
  }
  int m = best_m, g = best_g;
  if (g > pl->arith_gw) {
    try_all(w, &tmp, m, g - 1, s);
    snprintf(pl->why_fewer[s], sizeof pl->why_fewer[s], "with %d gateway%s, %s", g - 1, g - 1 == 1 ? "" : "s",
             w->why);
  }
  if (m > pl->arith_ms) {
    if (m - 1 == 1) {
      /* Not "the others would carry them, more than 0 x the limit": there
       * are no others. */
      snprintf(pl->why_more_ms[s], sizeof pl->why_more_ms[s],
               "with 1 management server, a single management server has no other to fail over to");
    } else if (m - 1 < bound) {
      snprintf(pl->why_more_ms[s], sizeof pl->why_more_ms[s],
               "with %d management servers, if one failed the other%s would carry %lld agents, more than %d x %d",
               m - 1, m - 1 == 2 ? "" : "s", (long long)pl->agents, m - 2, w->in->ms_limit);
    } else {
      try_all(w, &tmp, m - 1, g, s);
      snprintf(pl->why_more_ms[s], sizeof pl->why_more_ms[s], "with %d management server%s, %s", m - 1,
               m - 1 == 1 ? "" : "s", w->why);
    }
  }
  if (g > g0) {
    int g2 = fewest_gw(w, &tmp, m + 1, g0, g - 1, s);
    if (g2 >= 0) {
      pl->alt_ms[s] = m + 1;
      pl->alt_gw[s] = g2;
    }
  }
  design_free(&tmp);
  return 0;
}

void rm_plan_ess_name(const rm_plan *pl, const rm_plan_input *in, int i, char *buf, size_t len) {
  if (pl->line_ess[pl->line_of[i]] == 1)
    snprintf(buf, len, "%s-%d", in->lines[pl->line_of[i]].name, pl->nth[i] + 1);
  else
    snprintf(buf, len, "%s-%d.%d", in->lines[pl->line_of[i]].name, pl->nth[i] + 1, pl->part[i] + 1);
}

const char *rm_plan_unit(const rm_plan *pl, int64_t n) {
  if (pl->n_split) return n == 1 ? "Essentials server" : "Essentials servers";
  return n == 1 ? "customer" : "customers";
}

/* Each line's Essentials servers per customer: as given, else the fewest
 * that hold it. Returns the Essentials servers in all, or -1 with a message. */
static int64_t count_ess(rm_plan *pl, const rm_plan_input *in, char *err, size_t errlen) {
  int64_t n = 0;
  for (int l = 0; l < in->n_lines; l++) {
    const rm_plan_line *ln = &in->lines[l];
    int computers = ln->servers + ln->clients;
    int need = rm_ess_needed(ln->servers, ln->clients, in->ess_servers, in->ess_clients);
    if (computers < 1) {
      snprintf(err, errlen, "%s: a customer needs at least one computer", ln->name);
      return -1;
    }
    if (need < 0) {
      snprintf(err, errlen,
               "%s: an Essentials server manages at most %d servers and %d clients, so no number of them holds %d "
               "servers and %d clients",
               ln->name, in->ess_servers, in->ess_clients, ln->servers, ln->clients);
      return -1;
    }
    int e = ln->essentials > 0 ? ln->essentials : need;
    if (e > computers) {
      snprintf(err, errlen, "%s: %d Essentials servers for %d computers: each needs at least one", ln->name, e,
               computers);
      return -1;
    }
    if (e < need) {
      snprintf(err, errlen,
               "%s: %d servers and %d clients split over %d Essentials servers leave up to %d servers and %d "
               "clients on one, over an Essentials server's limit of %d servers + %d clients; it takes %d",
               ln->name, ln->servers, ln->clients, e, (ln->servers + e - 1) / e, (ln->clients + e - 1) / e,
               in->ess_servers, in->ess_clients, need);
      return -1;
    }
    pl->line_ess[l] = e;
    if (e > 1) pl->n_split += ln->count;
    n += (int64_t)ln->count * e;
    if (n > 100000) {
      snprintf(err, errlen, "%lld Essentials servers or more: more than the planner takes (100000)", (long long)n);
      return -1;
    }
  }
  return n;
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
  if (!(pl->line_ess = calloc((size_t)in->n_lines, sizeof *pl->line_ess))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if ((n = count_ess(pl, in, err, errlen)) < 0) {
    rm_plan_free(pl);
    return -1;
  }
  pl->n_ess = (int)n;
  pl->size = calloc((size_t)n, sizeof *pl->size);
  pl->line_of = calloc((size_t)n, sizeof *pl->line_of);
  pl->nth = calloc((size_t)n, sizeof *pl->nth);
  pl->part = calloc((size_t)n, sizeof *pl->part);
  work w = {.pl = pl, .in = in};
  w.order = calloc((size_t)n, sizeof *w.order);
  /* Gateways and management servers never exceed Essentials servers + 3 in the search. */
  size_t most = (size_t)n * 2 + 8;
  w.moved = calloc(most, sizeof *w.moved);
  w.moved_ms = calloc(most, sizeof *w.moved_ms);
  w.gorder = calloc(most, sizeof *w.gorder);
  w.heap = calloc(most, sizeof *w.heap);
  w.by_gw = calloc((size_t)n, sizeof *w.by_gw);
  w.gw_start = calloc(most + 1, sizeof *w.gw_start);
  w.ms_gws = calloc(most, sizeof *w.ms_gws);
  w.ms_start = calloc(most + 1, sizeof *w.ms_start);
  w.spares = calloc(most, sizeof *w.spares);
  w.ffd = calloc((size_t)n, sizeof *w.ffd);
  w.ffd_load = calloc((size_t)n, sizeof *w.ffd_load);
  int rc = -1;
  if (!pl->size || !pl->line_of || !pl->nth || !pl->part || !w.order || !w.moved || !w.moved_ms || !w.gorder ||
      !w.heap || !w.by_gw || !w.gw_start || !w.ms_gws || !w.ms_start || !w.ffd || !w.ffd_load || !w.spares) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  int c = 0;
  for (int l = 0; l < in->n_lines; l++) {
    const rm_plan_line *ln = &in->lines[l];
    for (int k = 0; k < ln->count; k++)
      for (int j = 0; j < pl->line_ess[l]; j++, c++) {
        int sv, cl;
        rm_ess_split(ln->servers, ln->clients, pl->line_ess[l], j, &sv, &cl);
        pl->size[c] = sv + cl;
        pl->line_of[c] = l;
        pl->nth[c] = k;
        pl->part[c] = j;
        pl->agents += pl->size[c];
        if (pl->size[c] > pl->largest) pl->largest = pl->size[c];
        if (pl->size[c] > in->gw_limit || pl->size[c] > in->ms_limit) {
          char name[256];
          rm_plan_ess_name(pl, in, c, name, sizeof name);
          snprintf(err, errlen,
                   "%s has %lld agents, over the %s limit of %d: an Essentials server reports to one gateway, so no "
                   "design holds it (give the customer more Essentials servers, essentials: N in a --from file, or "
                   "raise the limit)",
                   name, (long long)pl->size[c], pl->size[c] > in->gw_limit ? "gateway" : "management server",
                   pl->size[c] > in->gw_limit ? in->gw_limit : in->ms_limit);
          goto out;
        }
      }
  }
  /* Largest first, stable. */
  for (int i = 0; i < pl->n_ess; i++) {
    int j = i;
    while (j > 0 && pl->size[w.order[j - 1]] < pl->size[i]) {
      w.order[j] = w.order[j - 1];
      j--;
    }
    w.order[j] = i;
  }
  first_fit(&w);
  pl->arith_gw = (int)ceil_div(pl->agents, in->gw_limit);
  pl->arith_ms = (int)ceil_div(pl->agents, in->ms_limit);
  /* Whole Essentials servers on the arithmetic's gateways, balanced: the fullest. */
  {
    rm_plan_design d = {0};
    if (design_alloc(&d, pl->n_ess, pl->arith_gw, pl->arith_ms)) {
      design_free(&d);
      snprintf(err, errlen, "out of memory");
      goto out;
    }
    pack_balanced(&w, &d);
    int fullest = 0;
    for (int g = 1; g < d.n_gw; g++)
      if (d.gw_load[g] > d.gw_load[fullest]) fullest = g;
    pl->arith_fullest = d.gw_load[fullest];
    for (int i = 0; i < pl->n_ess; i++) pl->arith_fullest_ess += d.primary[i] == fullest;
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
  free(w.heap);
  free(w.by_gw);
  free(w.gw_start);
  free(w.ms_gws);
  free(w.ms_start);
  free(w.ffd);
  free(w.ffd_load);
  free(w.spares);
  if (rc) rm_plan_free(pl);
  return rc;
}

void rm_plan_free(rm_plan *pl) {
  for (int s = 0; s < RM_SURVIVE_KINDS; s++) design_free(&pl->design[s]);
  free(pl->size);
  free(pl->line_of);
  free(pl->nth);
  free(pl->part);
  free(pl->line_ess);
  memset(pl, 0, sizeof *pl);
}
