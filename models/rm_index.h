/*
 * rm_index: names to numbers, in constant time.
 *
 * An open-addressing hash table (linear probing, at most half full) from
 * strings to 64-bit values, for the lookups a large scenario makes once per
 * name: a gateway by its name, a customer line by its prefix, a fault by its
 * id, a node of a group by its name. Keys are not copied: each must stay
 * where it is, unchanged, while the index is used. The first value put for
 * a key stays; putting it again says which it was.
 *
 * The hash is FNV-1a (Fowler, Noll and Vo) over the key's bytes, finished
 * with splitmix64's mixer so that linear probing sees well spread bits.
 * It is not keyed: a file crafted to collide slows its own loading, nothing
 * else.
 */
#ifndef RM_INDEX_H
#define RM_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const char *key;          /* NULL: an empty slot */
  size_t len;
  uint64_t hash;
  int64_t value;
} rm_index_slot;

typedef struct {
  rm_index_slot *slots;
  size_t cap;               /* a power of two, or 0 */
  size_t n;
} rm_index;

/* FNV-1a, a byte at a time: start from RM_INDEX_SEED, then feed bytes with
 * rm_index_step (a key's prefixes can so be hashed in one pass). */
#define RM_INDEX_SEED UINT64_C(0xcbf29ce484222325)
static inline uint64_t rm_index_step(uint64_t h, unsigned char c) { return (h ^ c) * UINT64_C(0x100000001b3); }

/* An empty index (no memory until the first put). */
void rm_index_init(rm_index *ix);

/* Make room for n keys in all without growing again. 0, or -1 when memory
 * ran out. */
int rm_index_reserve(rm_index *ix, size_t n);

/* Put key (NUL-terminated) with value (0 or more). Returns 0 when it was new, 1 when it
 * was there already (its first value is kept and written to *old when old
 * is not NULL), or -1 when memory ran out. */
int rm_index_put(rm_index *ix, const char *key, int64_t value, int64_t *old);

/* The value of key, or -1 when it is absent. */
int64_t rm_index_get(const rm_index *ix, const char *key);

/* The same for the len bytes at key (not NUL-terminated), whose FNV-1a
 * hash (RM_INDEX_SEED, then rm_index_step per byte) is fnv. */
int64_t rm_index_get_hashed(const rm_index *ix, const char *key, size_t len, uint64_t fnv);

/* The number of keys. */
static inline size_t rm_index_count(const rm_index *ix) { return ix->n; }

/* Bytes an index of n keys takes at most (for memory estimates). */
size_t rm_index_bytes(size_t n);

void rm_index_free(rm_index *ix);

#endif
