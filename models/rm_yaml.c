/* rm_yaml: a YAML document built from libyaml's events, and typed, positioned
 * access to it (see rm_yaml.h). */
#include "rm_yaml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_index.h"

/* ---- the document's memory ---- */

/* A block of texts and lists of items. */
struct rm_yaml_block {
  rm_yaml_block *next;
  size_t used, size;
  _Alignas(max_align_t) unsigned char data[];
};

enum { BLOCK_SIZE = 1 << 20 };

/* n bytes, aligned for any item, from the newest block or a new one (a
 * large request gets a block of its own, put behind the newest so that
 * the newest's room stays in use). */
static void *block_alloc(rm_yaml *y, size_t n) {
  n = (n + 15) & ~(size_t)15;
  rm_yaml_block *b = y->blocks;
  if (b && b->size - b->used >= n) {
    void *p = b->data + b->used;
    b->used += n;
    return p;
  }
  size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
  if (size > SIZE_MAX - sizeof *b || !(b = malloc(sizeof *b + size))) return NULL;
  b->used = n;
  b->size = size;
  if (y->blocks && size != BLOCK_SIZE) {
    b->next = y->blocks->next;
    y->blocks->next = b;
  } else {
    b->next = y->blocks;
    y->blocks = b;
  }
  return b->data;
}

/* A copy of len bytes, NUL-terminated. */
static char *block_text(rm_yaml *y, const void *s, size_t len) {
  char *p = len < SIZE_MAX ? block_alloc(y, len + 1) : NULL;
  if (p) {
    memcpy(p, s, len);
    p[len] = '\0';
  }
  return p;
}

/* A new node (its index, from 1, in *id), or NULL. */
static yaml_node_t *new_node(rm_yaml *y, yaml_node_type_t type, const yaml_mark_t *start, const yaml_mark_t *end,
                             int *id) {
  if (y->n_nodes == INT_MAX) return NULL;
  size_t k = (size_t)y->n_nodes / RM_YAML_CHUNK, at = (size_t)y->n_nodes % RM_YAML_CHUNK;
  if (k == y->n_chunks) {
    if (y->n_chunks == y->cap_chunks) {
      size_t cap = y->cap_chunks ? 2 * y->cap_chunks : 16;
      yaml_node_t **v = realloc(y->chunks, cap * sizeof *v);
      if (!v) return NULL;
      y->chunks = v;
      y->cap_chunks = cap;
    }
    if (!(y->chunks[k] = malloc(RM_YAML_CHUNK * sizeof **y->chunks))) return NULL;
    y->n_chunks++;
  }
  yaml_node_t *n = &y->chunks[k][at];
  memset(n, 0, sizeof *n);
  n->type = type;
  n->start_mark = *start;
  n->end_mark = *end;
  *id = ++y->n_nodes;
  return n;
}

/* ---- building the document from the parser's events ---- */

/* A list or mapping being filled: its items wait on the loader's stack
 * from `base` on (a mapping's as key, value, key, value ...). */
typedef struct {
  yaml_node_t *node;
  size_t base;
} open_node;

typedef struct {
  rm_yaml *y;
  open_node open[RM_YAML_MAX_DEPTH];
  int depth;
  int *items;               /* the open nodes' items, one after another */
  size_t n_items, cap_items;
  rm_index anchors;         /* anchor (its text in a block) -> node */
} loader;

static int load_error(loader *l, const yaml_mark_t *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int load_error(loader *l, const yaml_mark_t *m, const char *fmt, ...) {
  rm_yaml *y = l->y;
  int k = snprintf(y->err, sizeof y->err, "%s:%zu:%zu: ", y->file, m->line + 1, m->column + 1);
  va_list ap;
  va_start(ap, fmt);
  if (k > 0 && (size_t)k < sizeof y->err) vsnprintf(y->err + k, sizeof y->err - (size_t)k, fmt, ap);
  va_end(ap);
  return -1;
}

static int load_nomem(loader *l) {
  snprintf(l->y->err, sizeof l->y->err, "%s: out of memory", l->y->file);
  return -1;
}

/* Node id, just read: keep its anchor, and add it to the open list or
 * mapping (nothing when it is the root). */
static int place(loader *l, int id, const yaml_char_t *anchor, const yaml_mark_t *at) {
  if (anchor) {
    char *name = block_text(l->y, anchor, strlen((const char *)anchor));
    int64_t first;
    int put = name ? rm_index_put(&l->anchors, name, id, &first) : -1;
    if (put < 0) return load_nomem(l);
    if (put > 0) {
      const yaml_mark_t *m = &rm_yaml_node(l->y, (int)first)->start_mark;
      return load_error(l, at, "YAML syntax error: found duplicate anchor '%s' (first at line %zu, column %zu)", name,
                        m->line + 1, m->column + 1);
    }
  }
  if (l->depth == 0) return 0;
  if (l->n_items == l->cap_items) {
    size_t cap = l->cap_items ? 2 * l->cap_items : 256;
    int *v = realloc(l->items, cap * sizeof *v);
    if (!v) return load_nomem(l);
    l->items = v;
    l->cap_items = cap;
  }
  l->items[l->n_items++] = id;
  return 0;
}

/* The open list or mapping ends: its items move to a block, in an array
 * of their number. */
static int close_node(loader *l, const yaml_mark_t *end) {
  open_node *o = &l->open[--l->depth];
  size_t n = l->n_items - o->base;
  const int *from = l->items + o->base;
  yaml_node_t *node = o->node;
  node->end_mark = *end;
  if (node->type == YAML_SEQUENCE_NODE) {
    yaml_node_item_t *v = block_alloc(l->y, (n ? n : 1) * sizeof *v);
    if (!v) return load_nomem(l);
    memcpy(v, from, n * sizeof *v);
    node->data.sequence.items.start = v;
    node->data.sequence.items.top = node->data.sequence.items.end = v + n;
  } else {
    /* The parser gives every key a value (an empty one when none is
     * written): n is even. */
    yaml_node_pair_t *v = block_alloc(l->y, (n / 2 ? n / 2 : 1) * sizeof *v);
    if (!v) return load_nomem(l);
    for (size_t k = 0; k < n / 2; k++) v[k] = (yaml_node_pair_t){.key = from[2 * k], .value = from[2 * k + 1]};
    node->data.mapping.pairs.start = v;
    node->data.mapping.pairs.top = node->data.mapping.pairs.end = v + n / 2;
  }
  l->n_items = o->base;
  return 0;
}

/* One event of the parser into the document. Returns 1 at the end of the
 * first document (or of an empty stream), 0 to go on, -1 on error. */
static int load_event(loader *l, const yaml_event_t *ev) {
  rm_yaml *y = l->y;
  yaml_node_t *n;
  int id;
  switch (ev->type) {
  case YAML_STREAM_END_EVENT:
  case YAML_DOCUMENT_END_EVENT: return 1;
  case YAML_ALIAS_EVENT: {
    int64_t to = rm_index_get(&l->anchors, (const char *)ev->data.alias.anchor);
    if (to < 0) return load_error(l, &ev->start_mark, "YAML syntax error: found undefined alias");
    return place(l, (int)to, NULL, &ev->start_mark);
  }
  case YAML_SCALAR_EVENT:
    if (!(n = new_node(y, YAML_SCALAR_NODE, &ev->start_mark, &ev->end_mark, &id)) ||
        !(n->data.scalar.value = (yaml_char_t *)block_text(y, ev->data.scalar.value, ev->data.scalar.length)))
      return load_nomem(l);
    n->data.scalar.length = ev->data.scalar.length;
    n->data.scalar.style = ev->data.scalar.style;
    return place(l, id, ev->data.scalar.anchor, &ev->start_mark);
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
    if (l->depth == RM_YAML_MAX_DEPTH)
      return load_error(l, &ev->start_mark,
                        "lists and mappings nest deeper than %d levels here; a scenario needs a handful",
                        RM_YAML_MAX_DEPTH);
    if (!(n = new_node(y, seq ? YAML_SEQUENCE_NODE : YAML_MAPPING_NODE, &ev->start_mark, &ev->end_mark, &id)))
      return load_nomem(l);
    if (seq)
      n->data.sequence.style = ev->data.sequence_start.style;
    else
      n->data.mapping.style = ev->data.mapping_start.style;
    if (place(l, id, seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor, &ev->start_mark))
      return -1;
    l->open[l->depth++] = (open_node){.node = n, .base = l->n_items};
    return 0;
  }
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    /* The parser pairs every end with its start: one is open. */
    return close_node(l, &ev->end_mark);
  default: return 0; /* the start of the stream or of the document */
  }
}

int rm_yaml_load(rm_yaml *y, const char *file, const char *text, size_t len) {
  yaml_parser_t p;
  memset(y, 0, sizeof *y);
  y->file = file;
  y->loaded = true;
  if (!yaml_parser_initialize(&p)) {
    snprintf(y->err, sizeof y->err, "%s: out of memory", file);
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  loader l = {.y = y};
  rm_index_init(&l.anchors);
  int rc = 0;
  while (rc == 0) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      const yaml_mark_t *m = &p.problem_mark;
      if (p.error == YAML_MEMORY_ERROR)
        snprintf(y->err, sizeof y->err, "%s: out of memory", file);
      else
        snprintf(y->err, sizeof y->err, "%s:%zu:%zu: YAML syntax error: %s%s%s", file, m->line + 1, m->column + 1,
                 p.problem ? p.problem : "malformed", p.context ? " " : "", p.context ? p.context : "");
      rc = -1;
      break;
    }
    rc = load_event(&l, &ev);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  free(l.items);
  rm_index_free(&l.anchors);
  if (rc == 1 && y->n_nodes == 0) {
    snprintf(y->err, sizeof y->err, "%s:1:1: the scenario is empty", file);
    rc = -1;
  }
  if (rc < 0) {
    rm_yaml_free(y);
    return -1;
  }
  return 0;
}

void rm_yaml_free(rm_yaml *y) {
  for (size_t k = 0; k < y->n_chunks; k++) free(y->chunks[k]);
  free(y->chunks);
  while (y->blocks) {
    rm_yaml_block *b = y->blocks;
    y->blocks = b->next;
    free(b);
  }
  y->chunks = NULL;
  y->n_chunks = y->cap_chunks = 0;
  y->n_nodes = 0;
  y->loaded = false;
}

yaml_node_t *rm_yaml_root(rm_yaml *y) { return rm_yaml_node(y, 1); }

yaml_node_t *rm_yaml_node(rm_yaml *y, int i) {
  if (i < 1 || i > y->n_nodes) return NULL;
  return &y->chunks[(size_t)(i - 1) / RM_YAML_CHUNK][(size_t)(i - 1) % RM_YAML_CHUNK];
}

static int verror(rm_yaml *y, const yaml_node_t *n, size_t offset, const char *fmt, va_list ap) {
  if (y->err[0]) return -1;
  size_t line = n ? n->start_mark.line + 1 : 1, col = n ? n->start_mark.column + 1 : 1;
  if (n && n->type == YAML_SCALAR_NODE && offset) {
    /* A quoted scalar starts one column before its text. */
    if (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
        n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
      col++;
    col += offset;
  }
  int k = snprintf(y->err, sizeof y->err, "%s:%zu:%zu: ", y->file, line, col);
  if (k > 0 && (size_t)k < sizeof y->err) vsnprintf(y->err + k, sizeof y->err - (size_t)k, fmt, ap);
  return -1;
}

int rm_yaml_error(rm_yaml *y, const yaml_node_t *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(y, n, 0, fmt, ap);
  va_end(ap);
  return -1;
}

int rm_yaml_error_at(rm_yaml *y, const yaml_node_t *n, size_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(y, n, offset, fmt, ap);
  va_end(ap);
  return -1;
}

static const char *type_name(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_SCALAR_NODE: return "a scalar";
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

bool rm_yaml_is(const yaml_node_t *n, const char *s) {
  return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
         memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

int rm_yaml_check_keys(rm_yaml *y, yaml_node_t *n, const char *what, const char *const *keys) {
  if (n->type != YAML_MAPPING_NODE) return rm_yaml_error(y, n, "%s must be a mapping, not %s", what, type_name(n));
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = rm_yaml_node(y, p->key);
    if (!k || k->type != YAML_SCALAR_NODE) return rm_yaml_error(y, k, "a key of %s must be a plain word", what);
    const char *const *kk;
    for (kk = keys; *kk; kk++)
      if (rm_yaml_is(k, *kk)) break;
    if (!*kk) {
      char list[256];
      size_t used = 0;
      list[0] = '\0';
      for (kk = keys; *kk && used < sizeof list; kk++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", kk == keys ? "" : ", ", *kk);
      return rm_yaml_error(y, k, "unknown key '%s' in %s (expected one of: %s)", (const char *)k->data.scalar.value,
                           what, list);
    }
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = rm_yaml_node(y, q->key);
      if (k2 && k2->type == YAML_SCALAR_NODE && rm_yaml_is(k, (const char *)k2->data.scalar.value))
        return rm_yaml_error(y, k, "key '%s' appears twice in %s", (const char *)k->data.scalar.value, what);
    }
  }
  return 0;
}

static yaml_node_pair_t *find_pair(rm_yaml *y, yaml_node_t *n, const char *key) {
  if (!n || n->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
    if (rm_yaml_is(rm_yaml_node(y, p->key), key)) return p;
  return NULL;
}

yaml_node_t *rm_yaml_get(rm_yaml *y, yaml_node_t *n, const char *key) {
  yaml_node_pair_t *p = find_pair(y, n, key);
  return p ? rm_yaml_node(y, p->value) : NULL;
}

yaml_node_t *rm_yaml_key(rm_yaml *y, yaml_node_t *n, const char *key) {
  yaml_node_pair_t *p = find_pair(y, n, key);
  return p ? rm_yaml_node(y, p->key) : NULL;
}

/* A scalar's text as a NUL-terminated string (libyaml terminates it). */
static const char *scalar(rm_yaml *y, yaml_node_t *n, const char *what, const char *expected) {
  if (n->type != YAML_SCALAR_NODE) {
    rm_yaml_error(y, n, "%s must be %s, not %s", what, expected, type_name(n));
    return NULL;
  }
  return (const char *)n->data.scalar.value;
}

int rm_yaml_string(rm_yaml *y, yaml_node_t *n, const char *what, char **out) {
  const char *s = scalar(y, n, what, "a string");
  if (!s) return -1;
  if (!*s) return rm_yaml_error(y, n, "%s must not be empty", what);
  *out = strdup(s);
  if (!*out) return rm_yaml_error(y, n, "out of memory");
  return 0;
}

int rm_yaml_int(rm_yaml *y, yaml_node_t *n, const char *what, int64_t min, int64_t max, int64_t *out) {
  const char *s = scalar(y, n, what, "an integer");
  if (!s) return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || end == s || (errno && errno != ERANGE) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
      !(*s == '-' || (*s >= '0' && *s <= '9')))
    return rm_yaml_error(y, n, "%s must be an integer, not '%s'", what, s);
  if (errno == ERANGE || v < min || v > max) /* out of range, beyond 64 bits included */
    return rm_yaml_error(y, n, "%s must be between %lld and %lld, not %s", what, (long long)min, (long long)max, s);
  *out = v;
  return 0;
}

int rm_yaml_u64(rm_yaml *y, yaml_node_t *n, const char *what, uint64_t *out) {
  const char *s = scalar(y, n, what, "a non-negative integer");
  if (!s) return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*s < '0' || *s > '9' || *end || errno || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return rm_yaml_error(y, n, "%s must be a non-negative integer below 2^64, not '%s'", what, s);
  *out = v;
  return 0;
}

int rm_yaml_double(rm_yaml *y, yaml_node_t *n, const char *what, double min, double max, double *out) {
  const char *s = scalar(y, n, what, "a number");
  if (!s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (!*s || *end || end == s || (errno && errno != ERANGE) || isnan(v) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return rm_yaml_error(y, n, "%s must be a number, not '%s'", what, s);
  if (!isfinite(v) || (errno == ERANGE && v != 0))
    return rm_yaml_error(y, n, "%s must be between %g and %g, not %s", what, min, max, s);
  if (v < min || v > max) return rm_yaml_error(y, n, "%s must be between %g and %g, not %g", what, min, max, v);
  *out = v;
  return 0;
}

int rm_yaml_bool(rm_yaml *y, yaml_node_t *n, const char *what, bool *out) {
  const char *s = scalar(y, n, what, "true or false");
  if (!s) return -1;
  if (rm_yaml_is(n, "true")) *out = true;
  else if (rm_yaml_is(n, "false")) *out = false;
  else return rm_yaml_error(y, n, "%s must be true or false, not '%s'", what, s);
  return 0;
}

int rm_yaml_duration(rm_yaml *y, yaml_node_t *n, const char *what, rs_time_t min, rs_time_t *out) {
  const char *s = scalar(y, n, what, "a duration such as 90s, 5m or 24h");
  if (!s) return -1;
  size_t off = 0;
  rs_time_t v;
  int rc = rs_duration_parse(s, n->data.scalar.length, &v, &off);
  if (rc == RS_DURATION_TOO_LONG) {
    char b[32];
    return rm_yaml_error_at(y, n, off, "%s: '%s' is too long (at most %s)", what, s,
                            rs_duration_format(RS_TIME_MAX / RS_DAY * RS_DAY, b, sizeof b));
  }
  if (rc != 0)
    return rm_yaml_error_at(y, n, off, "%s: bad duration '%s' (expected a number and a unit: us, ms, s, m, h, d, as in 90s, 5m, 1h30m)", what, s);
  if (v < min) {
    char b[32];
    return rm_yaml_error(y, n, "%s must be at least %s, not '%s'", what, rs_duration_format_exact(min, b, sizeof b), s);
  }
  *out = v;
  return 0;
}
