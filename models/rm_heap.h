/* rm_heap: indexes ordered by a key array, shared by the group's placement,
 * the planner and the hosts it buys: a binary heap, the least on top, ties
 * to the lower index (so placement is deterministic), and a stable sort,
 * the largest first. */
#ifndef RM_HEAP_H
#define RM_HEAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

/* Sort idx[0..n) by key, largest first, equals in the order they were (a
 * merge sort; tmp has room for n). */
static inline void rm_sort_desc(const int64_t *key, int *idx, int *tmp, int n) {
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

#endif
