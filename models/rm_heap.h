/* rm_heap: a binary heap of indexes ordered by a key array, the least on
 * top, ties to the lower index (so placement is deterministic). Shared by
 * the group's placement and the planner. */
#ifndef RM_HEAP_H
#define RM_HEAP_H

#include <stdbool.h>
#include <stdint.h>

/* Whether index a comes before index b. */
static inline bool rm_heap_before(const int64_t *key, int a, int b) {
  return key[a] < key[b] || (key[a] == key[b] && a < b);
}

/* Move h[i] down the heap h[0..n) until its children come after it. */
static inline void rm_heap_sift_down(const int64_t *key, int *h, int n, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && rm_heap_before(key, h[l], h[m])) m = l;
    if (r < n && rm_heap_before(key, h[r], h[m])) m = r;
    if (m == i) return;
    int t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

#endif
