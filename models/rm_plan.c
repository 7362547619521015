/*
 * rm_plan: the smallest design that holds a set of customers (rm_plan.h
 * says how it searches).
 */
#include "rm_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_heap.h"
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
  int64_t *tree;            /* a max-tree (below) over gateways or servers */
  int64_t *ms_tree;         /* and another, over servers */
  int hint;                 /* the gateway whose failure found no backups last, -1 */
  int64_t fewest_ms;        /* management servers that hold the Essentials servers whole, at least */
  bool quick;               /* a try that cannot hold may fail before it is made (its reason then
                               says no more) */
  int64_t *fewest_for;      /* per gateway count: 1 + the management servers that hold the balanced
                               placement's gateways whole, at least (0: not known yet) */
  int64_t fewest_tight;     /* the same for first-fit decreasing's gateways */
  uint8_t *tight_failed;    /* per count of management servers: bit k when first-fit decreasing's
                               gateways, placed tight (k 1) or balanced (k 0), did not fit: the same
                               for any count of gateways, whose spares carry nothing */
  int first_held;           /* the fewest management servers a design held with (nothing failed) */
  uint64_t *seen;           /* tries made, by key (0: an empty slot) ... */
  uint8_t *known;           /* ... and what they showed (KNOWN_*) */
  size_t n_seen, cap_seen;
  struct packing *packings; /* the packings used last (PACKINGS) */
  int64_t uses;
  int64_t *scratch;         /* room for loads and their sums: twice `half` */
  size_t half;
  int *undo;                /* what a step changed, to undo: servers, gateways */
  char why[512];            /* why the last try failed */
} work;

/*
 * A max-tree: the values of n slots at the leaves of a complete binary
 * tree, each inner node the largest below it, so that the first slot with
 * at least some value, or the first largest in a range, is found in
 * O(log n) rather than by trying every slot (with thousands of gateways and
 * servers, and thousands of tries, trying every slot took minutes).
 */
typedef struct {
  int64_t *t;               /* t[1] the root; leaves from t[size] */
  int size;                 /* a power of two, at least n */
} maxtree;

#define TREE_NONE INT64_MIN

/* Room for a tree of n slots: 2 x the next power of two. */
static size_t tree_room(size_t n) {
  size_t size = 1;
  while (size < n) size *= 2;
  return 2 * size;
}

/* A tree of n slots in t (tree_room(n)), every slot value v[i] (or
 * TREE_NONE without v). */
static maxtree tree_make(int64_t *t, int n, const int64_t *v) {
  maxtree m = {.t = t, .size = 1};
  while (m.size < n) m.size *= 2;
  for (int i = 0; i < m.size; i++) t[m.size + i] = v && i < n ? v[i] : TREE_NONE;
  for (int i = m.size - 1; i > 0; i--) t[i] = t[2 * i] > t[2 * i + 1] ? t[2 * i] : t[2 * i + 1];
  return m;
}

static void tree_set(maxtree *m, int i, int64_t v) {
  int k = m->size + i;
  m->t[k] = v;
  for (k /= 2; k > 0; k /= 2) m->t[k] = m->t[2 * k] > m->t[2 * k + 1] ? m->t[2 * k] : m->t[2 * k + 1];
}

/* The first slot from `from` on whose value is at least x, or -1. */
static int tree_next(const maxtree *m, int from, int64_t x) {
  if (from >= m->size) return -1;
  int k = m->size + from;
  if (m->t[k] >= x) return from;
  /* Up until a right sibling holds one, then down to its first. */
  for (;;) {
    while (k & 1) {
      k /= 2;
      if (k <= 1) return -1;
    }
    k++;
    if (m->t[k] >= x) break;
  }
  while (k < m->size) k = m->t[2 * k] >= x ? 2 * k : 2 * k + 1;
  return k - m->size;
}

/* The largest value in slots [lo, hi) (TREE_NONE when empty) and the first
 * slot holding it in *at. */
static int64_t tree_max(const maxtree *m, int lo, int hi, int *at) {
  int64_t best = TREE_NONE;
  *at = -1;
  for (int l = lo + m->size, r = hi + m->size; l < r; l /= 2, r /= 2) {
    if (l & 1) {
      if (m->t[l] > best) best = m->t[l];
      l++;
    }
    if (r & 1) {
      r--;
      if (m->t[r] > best) best = m->t[r];
    }
  }
  if (best != TREE_NONE) *at = tree_next(m, lo, best);
  return best;
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int cmp_int64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

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

/* The number of values <= v in a[0..n), ascending. */
static int count_le(const int64_t *a, int n, int64_t v) {
  int lo = 0, hi = n;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/*
 * The fewest bins of capacity cap that hold items of sizes a[0..n)
 * (ascending; p[i] the sum of the first i) whole, at least: a management
 * server holds Essentials servers whole, and gateways whole, so no design
 * has fewer. The largest of the total over the capacity; the items over
 * the most that fit in one; for each j, the items over cap / (j + 1) over
 * j (no bin holds j + 1 of them); and Martello and Toth's L2 bound for bin
 * packing (Knapsack Problems, 1990, section 8.3.1): for each K up to half,
 * those over cap - K alone, those over half one each with room left for
 * those from K to half.
 */
static int64_t fewest_servers(const int64_t *a, const int64_t *p, int n, int64_t cap) {
  if (n == 0) return 0;
  int64_t best = ceil_div(p[n], cap);
  int fit = count_le(p + 1, n, cap); /* the smallest that fit together */
  if (fit < 1) fit = 1;
  if (ceil_div(n, fit) > best) best = ceil_div(n, fit);
  for (int64_t j = 1; j <= fit; j++) {
    int64_t over = n - count_le(a, n, cap / (j + 1));
    if (ceil_div(over, j) > best) best = ceil_div(over, j);
  }
  int64_t half = cap / 2;
  int small = count_le(a, n, half);
  for (int i = 0; i <= small; i++) {
    if (i > 0 && i < small && a[i] == a[i - 1]) continue; /* each K once */
    int64_t k = i < small ? a[i] : 0;                    /* K: a size up to half, or 0 */
    int below = count_le(a, n, cap - k), from = k > 0 ? count_le(a, n, k - 1) : 0;
    int64_t n1 = n - below, n2 = below - small;
    int64_t room = n2 * cap - (p[below] - p[small]), rest = p[small] - p[from];
    int64_t l = n1 + n2 + (rest > room ? ceil_div(rest - room, cap) : 0);
    if (l > best) best = l;
  }
  return best;
}

/* Essentials servers, largest first, each onto the least loaded gateway (ties: the
 * lowest). Loads only grow, so the top of the heap sinks after each. */
static void pack_balanced(work *w, rm_plan_design *d) {
  /* While gateways are empty, the least loaded is the next: the first
   * n_gw go one to each, in order; then the heap. */
  int k = 0;
  for (; k < d->n_ess && k < d->n_gw; k++) {
    int c = w->order[k];
    d->primary[c] = k;
    d->gw_load[k] += w->pl->size[c];
  }
  for (int g = 0; g < d->n_gw; g++) w->heap[g] = g;
  for (int g = d->n_gw / 2 - 1; g >= 0; g--) rm_heap_sift_down(d->gw_load, w->heap, d->n_gw, g);
  for (; k < d->n_ess; k++) {
    int c = w->order[k];
    int g = w->heap[0];
    d->primary[c] = g;
    d->gw_load[g] += w->pl->size[c];
    rm_heap_sift_down(d->gw_load, w->heap, d->n_gw, 0);
  }
}

/* Essentials servers, largest first, each onto the first gateway with room
 * (first-fit decreasing), as many gateways as that takes: w->ffd_k, with
 * w->ffd[c] each one's. The same for every gateway count, so it is
 * worked out once. */
static void first_fit(work *w) {
  const rm_plan *pl = w->pl;
  int64_t *load = w->ffd_load;
  /* The gateways' room, opened one after another: the first with room
   * from the tree. */
  maxtree room = tree_make(w->tree, pl->n_ess, NULL);
  w->ffd_k = 0;
  for (int k = 0; k < pl->n_ess; k++) {
    int c = w->order[k];
    int g = tree_next(&room, 0, pl->size[c]);
    if (g < 0 || g >= w->ffd_k) {
      g = w->ffd_k++;
      load[g] = 0;
    }
    w->ffd[c] = g;
    load[g] += pl->size[c];
    tree_set(&room, g, w->in->gw_limit - load[g]);
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

/* Spares' heap: the server with the fewest spares on top (ties: the least
 * loaded, then the lowest). */
static bool spare_before(const rm_plan_design *d, const int *count, int a, int b) {
  if (count[a] != count[b]) return count[a] < count[b];
  if (d->ms_load[a] != d->ms_load[b]) return d->ms_load[a] < d->ms_load[b];
  return a < b;
}

static void spare_sift(const rm_plan_design *d, const int *count, int *h, int n, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && spare_before(d, count, h[l], h[m])) m = l;
    if (r < n && spare_before(d, count, h[r], h[m])) m = r;
    if (m == i) return;
    int t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* A packing of the Essentials servers on n_gw gateways (balanced, or
 * tight: first-fit decreasing's), as loads and the gateways largest first
 * (stable). The same for every count of management servers, which the
 * search tries many of: the last few are kept. */
typedef struct packing {
  int n_gw;                 /* 0: none kept */
  bool tight;
  int64_t used;             /* when last used, for replacing the oldest */
  int64_t *load;
  int *gorder;
  int *primary;             /* per Essentials server: its gateway */
  int cap;
} packing;

enum { PACKINGS = 32 };

static packing *get_packing(work *w, int n_gw, bool tight) {
  packing *pk = &w->packings[0];
  w->uses++;
  for (int i = 0; i < PACKINGS; i++) {
    packing *p = &w->packings[i];
    if (p->n_gw == n_gw && p->tight == tight) {
      p->used = w->uses;
      return p;
    }
    if (p->used < pk->used) pk = p;
  }
  if (pk->cap < n_gw || !pk->primary) {
    int64_t *l = realloc(pk->load, (size_t)n_gw * sizeof *l);
    if (l) pk->load = l;
    int *o = realloc(pk->gorder, (size_t)n_gw * sizeof *o);
    if (o) pk->gorder = o;
    int *c = pk->primary ? pk->primary : malloc((size_t)w->pl->n_ess * sizeof *c);
    if (c) pk->primary = c;
    if (!l || !o || !c) {
      pk->n_gw = 0;
      return NULL;
    }
    pk->cap = n_gw;
  }
  pk->n_gw = n_gw;
  pk->tight = tight;
  pk->used = w->uses;
  rm_plan_design d = {.n_ess = w->pl->n_ess, .n_gw = n_gw, .primary = pk->primary, .gw_load = pk->load};
  memset(pk->load, 0, (size_t)n_gw * sizeof *pk->load);
  if (tight)
    pack_tight(w, &d);
  else
    pack_balanced(w, &d);
  for (int g = 0; g < n_gw; g++) pk->gorder[g] = g;
  /* One Essentials server on each (largest first), the rest spare: in
   * order already. */
  if (tight || n_gw < w->pl->n_ess) rm_sort_desc(pk->load, pk->gorder, w->heap, n_gw);
  return pk;
}

/* Gateways, largest first, each onto a management server: balanced, the
 * one carrying least (ties: the lowest), spares spread round; or tight,
 * the first with room (the rest left spare). False when tight
 * finds no room. */
static bool place_gateways(work *w, rm_plan_design *d, bool tight, const int *gorder) {
  memcpy(w->gorder, gorder, (size_t)d->n_gw * sizeof *w->gorder);
  int *count = w->spares; /* spare gateways per server */
  memset(count, 0, (size_t)d->n_ms * sizeof *count);
  for (int m = 0; m < d->n_ms; m++) w->heap[m] = m; /* servers by load: all empty */
  /* Tight: the servers' room, the first with enough from the tree. */
  for (int m = 0; tight && m < d->n_ms; m++) w->scratch[m] = w->in->ms_limit;
  maxtree room = tight ? tree_make(w->tree, d->n_ms, w->scratch) : (maxtree){0};
  bool spares = false;
  for (int k = 0; k < d->n_gw; k++) {
    int g = w->gorder[k], m = 0;
    if (d->gw_load[g] == 0) {
      /* A spare adds no load: spares go round, the fewest first (ties:
       * the least loaded server, then the lowest), so every server can
       * have one. Spares come last, the servers' loads settled: a heap by
       * (spares, load, index). */
      if (!spares) {
        spares = true;
        for (int x = 0; x < d->n_ms; x++) w->heap[x] = x;
        for (int x = d->n_ms / 2 - 1; x >= 0; x--) spare_sift(d, count, w->heap, d->n_ms, x);
      }
      m = w->heap[0];
      count[m]++;
      spare_sift(d, count, w->heap, d->n_ms, 0);
    } else if (tight) {
      m = tree_next(&room, 0, d->gw_load[g]);
      if (m < 0 || m >= d->n_ms) {
        snprintf(w->why, sizeof w->why, "%d management servers cannot hold every gateway whole", d->n_ms);
        return false;
      }
      tree_set(&room, m, w->in->ms_limit - d->ms_load[m] - d->gw_load[g]);
    } else if (k < d->n_ms) {
      /* While servers are empty, the least loaded is the next. */
      m = k;
    } else {
      if (k == d->n_ms)
        for (int x = d->n_ms / 2 - 1; x >= 0; x--) rm_heap_sift_down(d->ms_load, w->heap, d->n_ms, x);
      m = w->heap[0];
      /* The least loaded cannot take it: none can, and within() will say
       * so; a quick try need not place the rest. */
      if (w->quick && d->ms_load[m] + d->gw_load[g] > w->in->ms_limit) {
        snprintf(w->why, sizeof w->why, "%d management servers cannot hold every gateway whole", d->n_ms);
        return false;
      }
    }
    d->gw_ms[g] = m;
    d->ms_load[m] += d->gw_load[g];
    if (!tight && d->gw_load[g] > 0 && k >= d->n_ms) rm_heap_sift_down(d->ms_load, w->heap, d->n_ms, 0);
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

/* The backups of gateway p's Essentials servers when p fails (see
 * choose_backups), then its moves undone; rooms and ms_room are the
 * gateways' and the servers' trees. False when one found none and
 * stop_at_first; *ok_ false when one found none. */
static bool back_up(work *w, rm_plan_design *d, int p, maxtree rooms, maxtree ms_room, bool *ok_, bool stop_at_first) {
  const rm_plan *pl = w->pl;
  bool ok = *ok_;
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
    /* Elsewhere: only on servers with room for it. The most room, the
     * nearest after p going round, from the tree: each found on p's server
     * or on a server without room left out in turn until one is neither;
     * after a few, the servers with room are gone through instead, their
     * gateways one by one. */
    if (best < 0) {
      int n_out = 0, tries = 0;
      bool found = false, first = true;
      while (tries < 16) {
        int64_t room = rooms.t[1]; /* the most, and the first after p going round that has it */
        int b = room == TREE_NONE ? -1 : tree_next(&rooms, p + 1, room);
        if (room != TREE_NONE && b < 0) b = tree_next(&rooms, 0, room);
        int x = b >= 0 ? d->gw_ms[b] : -1;
        if (first && x != home) {
          if (b >= 0) most_away = room; /* for the message: the most on other servers */
          first = false;
        }
        if (b < 0 || room < s) {
          found = true; /* none */
          break;
        }
        if (x != home && w->in->ms_limit - d->ms_load[x] - w->moved_ms[x] >= s) {
          best = b;
          found = true;
          break;
        }
        w->undo[n_out++] = b;
        tree_set(&rooms, b, TREE_NONE);
        if (x != home) tries++;
      }
      for (int i = 0; i < n_out; i++) {
        int b = w->undo[i];
        tree_set(&rooms, b, w->in->gw_limit - d->gw_load[b] - w->moved[b]);
      }
      for (int x = found ? d->n_ms : tree_next(&ms_room, 0, s); x >= 0 && x < d->n_ms; x = tree_next(&ms_room, x + 1, s)) {
        if (x == home) continue;
        for (int i = w->ms_start[x]; i < w->ms_start[x + 1]; i++) {
          int b = w->ms_gws[i];
          int64_t room = w->in->gw_limit - d->gw_load[b] - w->moved[b];
          int dist = b > p ? b - p : b + d->n_gw - p;
          if (room >= s && (best < 0 || room > best_room || (room == best_room && dist < best_dist))) {
            best = b;
            best_room = room;
            best_dist = dist;
          }
        }
      }
    }
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
    tree_set(&rooms, best, w->in->gw_limit - d->gw_load[best] - w->moved[best]);
    if (d->gw_ms[best] != home) {
      int x = d->gw_ms[best];
      w->moved_ms[x] += s;
      tree_set(&ms_room, x, w->in->ms_limit - d->ms_load[x] - w->moved_ms[x]);
    }
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
    tree_set(&rooms, b, w->in->gw_limit - d->gw_load[b]);
    tree_set(&ms_room, d->gw_ms[b], w->in->ms_limit - d->ms_load[d->gw_ms[b]]);
  }
  *ok_ = ok;
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
  /* The gateways' room, from which the best elsewhere is found without
   * trying every one. */
  for (int b = 0; b < d->n_gw; b++) w->scratch[b] = w->in->gw_limit - d->gw_load[b];
  maxtree rooms = tree_make(w->tree, d->n_gw, w->scratch);
  /* And the servers' room, from which those with room for an Essentials
   * server are found without trying every one. */
  for (int x = 0; x < d->n_ms; x++) w->scratch[x] = w->in->ms_limit - d->ms_load[x];
  maxtree ms_room = tree_make(w->ms_tree, d->n_ms, w->scratch);
  bool ok = true;
  /* When only whether every failure finds backups matters (a quick try),
   * the failure that found none last time goes first: most tries that
   * fail, fail there again. Its backups are then worked out again in
   * order. */
  int hint = w->hint;
  if (stop_at_first && w->quick && hint >= 0 && hint < d->n_gw && w->gw_start[hint] < w->gw_start[hint + 1]) {
    if (!back_up(w, d, hint, rooms, ms_room, &ok, true)) return false;
    d->worst_gw_load = -1;
    d->worst_gw = d->worst_gw_failed = -1;
  }
  for (int p = 0; p < d->n_gw; p++) {
    if (w->gw_start[p] == w->gw_start[p + 1]) continue; /* a spare */
    if (!back_up(w, d, p, rooms, ms_room, &ok, stop_at_first)) {
      w->hint = p;
      return false;
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
  /* Gateways grouped by management server, largest first within (in
   * gorder's order). */
  memset(w->ms_start, 0, (size_t)(d->n_ms + 1) * sizeof *w->ms_start);
  for (int g = 0; g < d->n_gw; g++) w->ms_start[d->gw_ms[g] + 1]++;
  for (int m = 0; m < d->n_ms; m++) w->ms_start[m + 1] += w->ms_start[m];
  for (int k = 0; k < d->n_gw; k++) {
    int g = w->gorder[k];
    w->ms_gws[w->ms_start[d->gw_ms[g]]++] = g;
  }
  for (int m = d->n_ms; m > 0; m--) w->ms_start[m] = w->ms_start[m - 1];
  w->ms_start[0] = 0;
  /* The servers' room; the most, first going round from after the failed
   * one, from the tree. */
  for (int x = 0; x < d->n_ms; x++) {
    w->moved_ms[x] = 0;
    w->scratch[x] = w->in->ms_limit - d->ms_load[x];
  }
  maxtree room = tree_make(w->tree, d->n_ms, w->scratch);
  bool ok = true;
  for (int m = 0; m < d->n_ms; m++) {
    int n_undo = 0;
    for (int k = w->ms_start[m]; k < w->ms_start[m + 1]; k++) {
      int g = w->ms_gws[k];
      int after, before;
      int64_t room_after = tree_max(&room, m + 1, d->n_ms, &after), room_before = tree_max(&room, 0, m, &before);
      int best = room_after >= room_before ? after : before;
      int64_t best_room = room_after >= room_before ? room_after : room_before;
      if (best_room < d->gw_load[g]) {
        if (ok)
          snprintf(w->why, sizeof w->why,
                   "if ms-%d failed, gw-%d (%lld agents) would find no management server with room for it "
                   "(the most any other has is %lld)",
                   m + 1, g + 1, (long long)d->gw_load[g], (long long)(best_room < 0 ? 0 : best_room));
        ok = false;
        if (stop_at_first) break;
        continue;
      }
      d->gw_failover[g] = best;
      if (w->moved_ms[best] == 0) w->undo[n_undo++] = best;
      w->moved_ms[best] += d->gw_load[g];
      tree_set(&room, best, w->in->ms_limit - d->ms_load[best] - w->moved_ms[best]);
      if (d->ms_load[best] + w->moved_ms[best] > d->worst_ms_load) {
        d->worst_ms_load = d->ms_load[best] + w->moved_ms[best];
        d->worst_ms = best;
        d->worst_ms_failed = m;
      }
    }
    /* Undo this failure's moves. */
    for (int i = 0; i < n_undo; i++) {
      int x = w->undo[i];
      w->moved_ms[x] = 0;
      tree_set(&room, x, w->in->ms_limit - d->ms_load[x]);
    }
    if (!ok && stop_at_first) return false;
  }
  return ok;
}

/* What a try showed, whatever the failure to survive: the same design
 * comes of the same counts and placements. */
enum { KNOWN_UNFIT = 1, KNOWN_NO_BACKUPS = 2, KNOWN_BACKUPS = 4, KNOWN_NO_FAILOVERS = 8, KNOWN_FAILOVERS = 16 };

/* A try, as a key: never 0. */
static uint64_t try_key(int n_ms, int n_gw, bool tight, bool tight_ms) {
  return ((uint64_t)n_ms << 34 | (uint64_t)n_gw << 2 | (uint64_t)tight << 1 | (uint64_t)tight_ms) + 1;
}

static size_t seen_slot(const work *w, uint64_t key) {
  size_t i = (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (w->cap_seen - 1);
  while (w->seen[i] && w->seen[i] != key) i = (i + 1) & (w->cap_seen - 1);
  return i;
}

static uint8_t known(const work *w, uint64_t key) {
  if (!w->cap_seen) return 0;
  size_t i = seen_slot(w, key);
  return w->seen[i] == key ? w->known[i] : 0;
}

/* Note what a try showed (nothing is lost when memory runs out: it is
 * tried again). */
static void note(work *w, uint64_t key, uint8_t what) {
  if (2 * (w->n_seen + 1) > w->cap_seen) {
    size_t cap = w->cap_seen ? 2 * w->cap_seen : 1024, old_cap = w->cap_seen;
    uint64_t *keys = calloc(cap, sizeof *keys), *old_keys = w->seen;
    uint8_t *flags = calloc(cap, sizeof *flags), *old_flags = w->known;
    if (!keys || !flags) {
      free(keys);
      free(flags);
      return;
    }
    w->seen = keys;
    w->known = flags;
    w->cap_seen = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old_keys[i]) {
        size_t j = seen_slot(w, old_keys[i]);
        w->seen[j] = old_keys[i];
        w->known[j] = old_flags[i];
      }
    free(old_keys);
    free(old_flags);
  }
  size_t i = seen_slot(w, key);
  if (!w->seen[i]) {
    w->seen[i] = key;
    w->n_seen++;
  }
  w->known[i] |= what;
}

/* The fewest management servers that hold, whole, the gateways of the
 * balanced placement on n_gw gateways (tight: of first-fit decreasing's),
 * at least. Worked out once per count: the search tries the same counts
 * with many counts of management servers. */
static int64_t fewest_for(work *w, int n_gw, bool tight) {
  if (tight && w->fewest_tight) return w->fewest_tight - 1;
  if (!tight && w->fewest_for[n_gw]) return w->fewest_for[n_gw] - 1;
  /* As many gateways as Essentials servers or more: one on each, the
   * rest spare, so the servers hold the Essentials servers themselves. */
  if (!tight && n_gw >= w->pl->n_ess) return w->fewest_ms;
  const rm_plan *pl = w->pl;
  int64_t *load = w->scratch, *sums = w->scratch + w->half;
  int n = tight ? w->ffd_k : n_gw;
  if (tight) {
    memcpy(load, w->ffd_load, (size_t)n * sizeof *load);
  } else {
    memset(load, 0, (size_t)n * sizeof *load);
    for (int g = 0; g < n; g++) w->heap[g] = g;
    for (int k = 0; k < pl->n_ess; k++) {
      load[w->heap[0]] += pl->size[w->order[k]];
      rm_heap_sift_down(load, w->heap, n, 0);
    }
  }
  /* Spares weigh nothing: left out. */
  int used = 0;
  for (int g = 0; g < n; g++)
    if (load[g] > 0) load[used++] = load[g];
  qsort(load, (size_t)used, sizeof *load, cmp_int64);
  sums[0] = 0;
  for (int g = 0; g < used; g++) sums[g + 1] = sums[g] + load[g];
  int64_t f = fewest_servers(load, sums, used, w->in->ms_limit);
  if (tight)
    w->fewest_tight = f + 1;
  else
    w->fewest_for[n_gw] = f + 1;
  return f;
}

/* One try: n_ms management servers, n_gw gateways, one of the placements
 * of Essentials servers (balanced or tight) and of gateways. True when the design
 * survives the kind of failure asked. */
static bool try_design(work *w, rm_plan_design *d, int n_ms, int n_gw, bool tight, bool tight_ms, rm_survive s) {
  bool need_gw = s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  /* Too few management servers for the gateways whole (with one failed,
   * when it must survive that), or a try that did not fit before (for
   * another kind of failure, or first-fit decreasing's with other spares):
   * it would fail, found without placing. */
  uint64_t key = try_key(n_ms, n_gw, tight, tight_ms);
  uint8_t was = known(w, key);
  if (w->quick && !(tight && w->ffd_k > n_gw) &&
      (n_ms < fewest_for(w, n_gw, tight) + need_ms || (tight && (w->tight_failed[n_ms] >> tight_ms & 1)) ||
       (was & KNOWN_UNFIT) || (need_gw && (was & KNOWN_NO_BACKUPS)) || (need_ms && (was & KNOWN_NO_FAILOVERS)))) {
    snprintf(w->why, sizeof w->why, "%d management servers cannot hold the gateways whole", n_ms);
    return false;
  }
  design_free(d);
  if (design_alloc(d, w->pl->n_ess, n_gw, n_ms)) {
    snprintf(w->why, sizeof w->why, "out of memory");
    return false;
  }
  if (tight && w->ffd_k > n_gw) {
    snprintf(w->why, sizeof w->why, "%d gateways cannot hold every %s whole", n_gw, rm_plan_unit(w->pl, 1));
    return false;
  }
  packing *pk = get_packing(w, n_gw, tight);
  if (!pk) {
    snprintf(w->why, sizeof w->why, "out of memory");
    return false;
  }
  memcpy(d->primary, pk->primary, (size_t)d->n_ess * sizeof *d->primary);
  memcpy(d->gw_load, pk->load, (size_t)n_gw * sizeof *d->gw_load);
  if (!place_gateways(w, d, tight_ms, pk->gorder) || !within(w, d)) {
    if (tight) w->tight_failed[n_ms] |= (uint8_t)(1u << tight_ms);
    note(w, key, KNOWN_UNFIT);
    return false;
  }
  /* Backups and failovers already found for this design (for another
   * failure to survive) need not be found again to know it holds: the
   * design kept gets them (finish). */
  if (need_gw && !(w->quick && (was & KNOWN_BACKUPS))) {
    bool held = choose_backups(w, d, true);
    note(w, key, held ? KNOWN_BACKUPS : KNOWN_NO_BACKUPS);
    if (!held) return false;
  }
  if (need_ms && !(w->quick && (was & KNOWN_FAILOVERS))) {
    bool held = choose_failovers(w, d, true);
    note(w, key, held ? KNOWN_FAILOVERS : KNOWN_NO_FAILOVERS);
    if (!held) return false;
  }
  return true;
}

/* The design found: backups and failovers for the failures it need not
 * survive too, where they fit; those that do not are left to the model. */
static void finish(work *w, rm_plan_design *d, rm_survive s) {
  bool need_gw = s == RM_SURVIVE_GATEWAY || s == RM_SURVIVE_EITHER;
  bool need_ms = s == RM_SURVIVE_MS || s == RM_SURVIVE_EITHER;
  /* Its gateways largest first, as its try placed them (the failovers go
   * in that order). */
  for (int g = 0; g < d->n_gw; g++) w->gorder[g] = g;
  rm_sort_desc(d->gw_load, w->gorder, w->heap, d->n_gw);
  /* Those it must survive hold (they were found, or known, when it was
   * tried); the others are kept where they fit. */
  if (!choose_backups(w, d, false) && !need_gw) {
    for (int c = 0; c < d->n_ess; c++) d->backup[c] = -1;
    d->worst_gw_load = -1;
  }
  if (!choose_failovers(w, d, false) && !need_ms) {
    for (int g = 0; g < d->n_gw; g++) d->gw_failover[g] = -1;
    d->worst_ms_load = -1;
  }
}

/* Every placement for these counts; the first reason kept when none holds
 * (the balanced placement's reads best). */
static bool try_all(work *w, rm_plan_design *d, int n_ms, int n_gw, rm_survive s) {
  char first[512] = "";
  bool quick = w->quick;
  for (int k = 0; k < 4; k++) {
    w->quick = quick || k > 0; /* only the first reason is kept */
    bool held = try_design(w, d, n_ms, n_gw, k & 1, k >> 1, s);
    w->quick = quick;
    if (held) return true;
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
  /* d keeps the design at hi; the others are tried aside. */
  rm_plan_design other = {0};
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (try_all(w, &other, m, mid, s)) {
      rm_plan_design t = *d;
      *d = other;
      other = t;
      hi = mid;
    } else {
      lo = mid;
    }
  }
  design_free(&other);
  return hi;
}

/* One count of management servers: the fewest gateways that survive s
 * with it, up to the bound the best so far sets (as many in all allowed
 * with fewer management servers), kept in d when found. */
static void consider(work *w, rm_survive s, int m, int n, int g0, rm_plan_design *d, rm_plan_design *cand,
                     int *best_m, int *best_g) {
  int gmax = n + m + 1;
  if (*best_m >= 0) {
    int most = *best_m + *best_g - m - (m < *best_m ? 0 : 1);
    if (most < gmax) gmax = most;
  }
  int g = fewest_gw(w, cand, m, g0, gmax, s);
  if (g < 0) return;
  design_free(d);
  *d = *cand;
  memset(cand, 0, sizeof *cand);
  *best_m = m;
  *best_g = g;
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
  /* No fewer than hold the Essentials servers whole (one more when any one
   * may fail: the others hold them all): fewer never hold, and trying each
   * count below took most of the search. */
  if (w->fewest_ms + need_ms > m0) m0 = (int)(w->fewest_ms + need_ms);
  bool large = n > 100;
  /* Small groups: nor than a design held with when nothing failed (every
   * count below failed without a failure, so it fails with one). */
  if (!large && s != RM_SURVIVE_NONE && w->first_held > m0) m0 = w->first_held;
  rm_plan_design *d = &pl->design[s];
  rm_plan_design cand = {0}, tmp = {0};
  pl->why_fewer[s][0] = pl->why_more_ms[s][0] = '\0';
  pl->alt_ms[s] = pl->alt_gw[s] = 0;
  /* No fewer gateways than first-fit decreasing takes for whole Essentials servers
   * (nor than the arithmetic). */
  int g0 = w->ffd_k > pl->arith_gw ? w->ffd_k : pl->arith_gw;
  int best_m = -1, best_g = -1;
  w->quick = true;
  if (!large) {
    for (int m = m0; m <= n + 2; m++) {
      if (best_m >= 0 && m + g0 >= best_m + best_g) break; /* cannot take fewer in all */
      consider(w, s, m, n, g0, d, &cand, &best_m, &best_g);
      if (s == RM_SURVIVE_NONE && best_m >= 0 && !w->first_held) w->first_held = best_m;
    }
  } else {
    /* Large groups: every count that could take fewer in all, in an
     * order that finds a good design early, whose total bounds the
     * gateways tried with every other count and fails most at once: from
     * the count that holds the gateways of the fewest (placed balanced),
     * first galloping up (m_start + 1, + 3, + 7, ...: surviving a failure
     * needs room a full design does not leave), then every count up from
     * it, then down to m0. */
    int m_start = m0;
    if (fewest_for(w, g0, false) + need_ms > m_start) m_start = (int)(fewest_for(w, g0, false) + need_ms);
    if (m_start > n + 2) m_start = n + 2;
    int top = 0; /* counts m_start + 2^k - 1 up to m_start + top were tried */
    for (int k = 1; k < 30; k++) {
      int m = m_start + (1 << k) - 1;
      if (m > n + 2 || (best_m >= 0 && m + g0 >= best_m + best_g)) break;
      consider(w, s, m, n, g0, d, &cand, &best_m, &best_g);
      top = (1 << k) - 1;
    }
    for (int m = m_start; m <= n + 2 && !(best_m >= 0 && m + g0 >= best_m + best_g); m++) {
      int off = m - m_start + 1; /* tried already when a power of two, up to top + 1 */
      if (off > 1 && off <= top + 1 && (off & (off - 1)) == 0) continue;
      consider(w, s, m, n, g0, d, &cand, &best_m, &best_g);
    }
    for (int m = m_start - 1; m >= m0; m--) consider(w, s, m, n, g0, d, &cand, &best_m, &best_g);
  }
  design_free(&cand);
  w->quick = false; /* the tries below give their reasons */
  if (best_m < 0) {
    snprintf(err, errlen, "no design found that survives %s failures (searched up to %d management servers)",
             rm_survive_name(s), n + 2);
    return -1;
  }
  finish(w, d, s); /* the design kept: once, not for each found on the way */
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
    w->quick = true;
    int g2 = fewest_gw(w, &tmp, m + 1, g0, g - 1, s);
    w->quick = false;
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
  work w = {.pl = pl, .in = in, .hint = -1};
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
  w.tree = calloc(tree_room(most), sizeof *w.tree);
  w.ms_tree = calloc(tree_room(most), sizeof *w.ms_tree);
  w.undo = calloc(most, sizeof *w.undo);
  w.half = most + 1;
  w.scratch = calloc(2 * w.half, sizeof *w.scratch);
  w.fewest_for = calloc(most + 1, sizeof *w.fewest_for);
  w.tight_failed = calloc(most + 1, sizeof *w.tight_failed);
  w.packings = calloc(PACKINGS, sizeof *w.packings);
  int rc = -1;
  if (!pl->size || !pl->line_of || !pl->nth || !pl->part || !w.order || !w.moved || !w.moved_ms || !w.gorder ||
      !w.heap || !w.by_gw || !w.gw_start || !w.ms_gws || !w.ms_start || !w.ffd || !w.ffd_load || !w.spares ||
      !w.tree || !w.ms_tree || !w.undo || !w.scratch || !w.fewest_for || !w.tight_failed || !w.packings) {
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
  for (int i = 0; i < pl->n_ess; i++) w.order[i] = i;
  rm_sort_desc(pl->size, w.order, w.by_gw, pl->n_ess);
  first_fit(&w);
  {
    /* The sizes ascending (order is descending) and their running sums. */
    int64_t *a = w.scratch, *p = w.scratch + w.half;
    for (int i = 0; i < pl->n_ess; i++) a[i] = pl->size[w.order[pl->n_ess - 1 - i]];
    p[0] = 0;
    for (int i = 0; i < pl->n_ess; i++) p[i + 1] = p[i] + a[i];
    w.fewest_ms = fewest_servers(a, p, pl->n_ess, in->ms_limit);
  }
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
  free(w.tree);
  free(w.ms_tree);
  free(w.undo);
  free(w.scratch);
  free(w.fewest_for);
  free(w.tight_failed);
  free(w.seen);
  free(w.known);
  for (int i = 0; w.packings && i < PACKINGS; i++) {
    free(w.packings[i].load);
    free(w.packings[i].gorder);
    free(w.packings[i].primary);
  }
  free(w.packings);
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
