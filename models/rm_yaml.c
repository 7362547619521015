/* rm_yaml: typed, positioned access to a libyaml document. */
#include "rm_yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rm_yaml_load(rm_yaml *y, const char *file, const char *text, size_t len) {
  yaml_parser_t p;
  memset(y, 0, sizeof *y);
  y->file = file;
  if (!yaml_parser_initialize(&p)) {
    snprintf(y->err, sizeof y->err, "%s: out of memory", file);
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  if (!yaml_parser_load(&p, &y->doc)) {
    const yaml_mark_t *m = &p.problem_mark;
    if (p.error == YAML_MEMORY_ERROR)
      snprintf(y->err, sizeof y->err, "%s: out of memory", file);
    else
      snprintf(y->err, sizeof y->err, "%s:%zu:%zu: YAML syntax error: %s%s%s", file, m->line + 1, m->column + 1,
               p.problem ? p.problem : "malformed", p.context ? " " : "", p.context ? p.context : "");
    yaml_parser_delete(&p);
    return -1;
  }
  yaml_parser_delete(&p);
  y->loaded = true;
  if (!yaml_document_get_root_node(&y->doc)) {
    snprintf(y->err, sizeof y->err, "%s:1:1: the scenario is empty", file);
    return -1;
  }
  return 0;
}

void rm_yaml_free(rm_yaml *y) {
  if (y->loaded) yaml_document_delete(&y->doc);
  y->loaded = false;
}

yaml_node_t *rm_yaml_root(rm_yaml *y) { return yaml_document_get_root_node(&y->doc); }

yaml_node_t *rm_yaml_node(rm_yaml *y, int i) { return yaml_document_get_node(&y->doc, i); }

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
  if (!*s || *end || errno || end == s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return rm_yaml_error(y, n, "%s must be an integer, not '%s'", what, s);
  if (v < min || v > max)
    return rm_yaml_error(y, n, "%s must be between %lld and %lld, not %lld", what, (long long)min, (long long)max, v);
  *out = v;
  return 0;
}

int rm_yaml_u64(rm_yaml *y, yaml_node_t *n, const char *what, uint64_t *out) {
  const char *s = scalar(y, n, what, "a non-negative integer");
  if (!s) return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *s == '-' || *end || errno || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
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
  if (!*s || *end || errno || !isfinite(v) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return rm_yaml_error(y, n, "%s must be a number, not '%s'", what, s);
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
  if (rs_duration_parse(s, n->data.scalar.length, &v, &off) != 0)
    return rm_yaml_error_at(y, n, off, "%s: bad duration '%s' (expected a number and a unit: us, ms, s, m, h, d, as in 90s, 5m, 1h30m)", what, s);
  if (v < min) {
    char b[32];
    return rm_yaml_error(y, n, "%s must be at least %s, not '%s'", what, rs_duration_format_exact(min, b, sizeof b), s);
  }
  *out = v;
  return 0;
}
