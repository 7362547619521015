/* rm_index: an open-addressing hash table of names (see rm_index.h). */
#include "rm_index.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64's finisher: every bit of h moves every bit of the result. */
static uint64_t mix(uint64_t h) {
  h ^= h >> 30;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  h ^= h >> 27;
  h *= UINT64_C(0x94d049bb133111eb);
  return h ^ (h >> 31);
}

static uint64_t fnv(const char *key, size_t len) {
  uint64_t h = RM_INDEX_SEED;
  for (size_t i = 0; i < len; i++) h = rm_index_step(h, (unsigned char)key[i]);
  return h;
}

void rm_index_init(rm_index *ix) { memset(ix, 0, sizeof *ix); }

void rm_index_free(rm_index *ix) {
  free(ix->slots);
  memset(ix, 0, sizeof *ix);
}

/* The slot of key: where it is, or the empty one where it would go. */
static rm_index_slot *probe(const rm_index *ix, const char *key, size_t len, uint64_t h) {
  size_t mask = ix->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    rm_index_slot *s = &ix->slots[i];
    if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)) return s;
  }
}

static int grow(rm_index *ix, size_t cap) {
  rm_index_slot *old = ix->slots;
  size_t old_cap = ix->cap;
  if (cap > SIZE_MAX / sizeof *old) return -1;
  ix->slots = calloc(cap, sizeof *ix->slots);
  if (!ix->slots) {
    ix->slots = old;
    return -1;
  }
  ix->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key) *probe(ix, old[i].key, old[i].len, old[i].hash) = old[i];
  free(old);
  return 0;
}

int rm_index_reserve(rm_index *ix, size_t n) {
  size_t cap = ix->cap ? ix->cap : 16;
  while (cap / 2 < n) {
    if (cap > SIZE_MAX / 4) return -1;
    cap *= 2;
  }
  return cap == ix->cap ? 0 : grow(ix, cap);
}

int rm_index_put(rm_index *ix, const char *key, int64_t value, int64_t *old) {
  if (rm_index_reserve(ix, ix->n + 1)) return -1;
  size_t len = strlen(key);
  uint64_t h = mix(fnv(key, len));
  rm_index_slot *s = probe(ix, key, len, h);
  if (s->key) {
    if (old) *old = s->value;
    return 1;
  }
  *s = (rm_index_slot){.key = key, .len = len, .hash = h, .value = value};
  ix->n++;
  return 0;
}

int64_t rm_index_get_hashed(const rm_index *ix, const char *key, size_t len, uint64_t h) {
  if (!ix->n) return -1;
  const rm_index_slot *s = probe(ix, key, len, mix(h));
  return s->key ? s->value : -1;
}

int64_t rm_index_get(const rm_index *ix, const char *key) {
  size_t len = strlen(key);
  return rm_index_get_hashed(ix, key, len, fnv(key, len));
}

size_t rm_index_bytes(size_t n) {
  size_t cap = 16;
  while (cap / 2 < n) cap *= 2;
  return cap * sizeof(rm_index_slot);
}
