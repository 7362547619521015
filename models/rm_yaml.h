/*
 * rm_yaml: reading a YAML document with positions, for the scenario loader.
 *
 * libyaml's parser turns the text into events; rm_yaml builds the document
 * from them, as libyaml's nodes (yaml_node_t, so a node is read as libyaml
 * documents it), then answers for typed values node by node. Every failure
 * produces one message of the form "FILE:LINE:COL: what was expected" (line
 * and column counted from 1) and the first failure is the one kept.
 *
 * The document is built here rather than by yaml_parser_load so that large
 * and hostile texts cost time and memory in proportion to their size: the
 * nesting is bounded (libyaml's scanner works per token in proportion to
 * the depth of [ and {, so 100 000 nested lists take minutes), anchors are
 * found by hash rather than one after another, and nodes, texts and lists
 * sit in large blocks rather than one allocation each (a node's tag is not
 * kept: NULL).
 */
#ifndef RM_YAML_H
#define RM_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "rs_time.h"

typedef struct rm_yaml_block rm_yaml_block;

typedef struct {
  const char *file;    /* name used in messages */
  yaml_node_t **chunks; /* the nodes, RM_YAML_CHUNK per chunk: node i (from 1) is
                           chunks[(i - 1) / RM_YAML_CHUNK][(i - 1) % RM_YAML_CHUNK] */
  int n_nodes;
  size_t n_chunks, cap_chunks;
  rm_yaml_block *blocks; /* texts and lists of items, the newest block first */
  bool loaded;         /* there is something to free */
  char err[512];       /* first error, "" when none */
} rm_yaml;

#define RM_YAML_CHUNK 4096

/* The deepest lists and mappings may nest in a document (a scenario nests
 * five deep): the parser's work per token grows with the depth, so a
 * document nested deeper is refused where it goes too deep. */
#define RM_YAML_MAX_DEPTH 64

/* Parse text (len bytes) as one YAML document (the first, when the text
 * holds several). Returns 0, or -1 with y->err set (a syntax error names its
 * line and column; so does nesting deeper than RM_YAML_MAX_DEPTH, or an
 * anchor defined twice). An empty text is an error. On error nothing is
 * left to free. */
int rm_yaml_load(rm_yaml *y, const char *file, const char *text, size_t len);

/* Free the document. */
void rm_yaml_free(rm_yaml *y);

/* The root node. */
yaml_node_t *rm_yaml_root(rm_yaml *y);

/* Record an error at node n (printf-style message). Returns -1. */
int rm_yaml_error(rm_yaml *y, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record an error at a byte offset inside scalar n (for a bad character in a
 * duration, say). Returns -1. */
int rm_yaml_error_at(rm_yaml *y, const yaml_node_t *n, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The node at index i (libyaml's 1-based index), or NULL. */
yaml_node_t *rm_yaml_node(rm_yaml *y, int i);

/* Check that n is a mapping whose keys are all among `keys` (NULL-terminated)
 * and appear once each. what names the mapping in messages. Returns 0 or -1. */
int rm_yaml_check_keys(rm_yaml *y, yaml_node_t *n, const char *what, const char *const *keys);

/* The value of key in mapping n, or NULL when absent. */
yaml_node_t *rm_yaml_get(rm_yaml *y, yaml_node_t *n, const char *key);

/* The key node of key in mapping n (for messages), or NULL. */
yaml_node_t *rm_yaml_key(rm_yaml *y, yaml_node_t *n, const char *key);

/* True when n is the scalar s. */
bool rm_yaml_is(const yaml_node_t *n, const char *s);

/* Typed scalars. Each returns 0, or -1 with an error naming `what`. */
int rm_yaml_string(rm_yaml *y, yaml_node_t *n, const char *what, char **out); /* malloc'd copy */
int rm_yaml_int(rm_yaml *y, yaml_node_t *n, const char *what, int64_t min, int64_t max, int64_t *out);
int rm_yaml_u64(rm_yaml *y, yaml_node_t *n, const char *what, uint64_t *out);
int rm_yaml_double(rm_yaml *y, yaml_node_t *n, const char *what, double min, double max, double *out);
int rm_yaml_bool(rm_yaml *y, yaml_node_t *n, const char *what, bool *out);
int rm_yaml_duration(rm_yaml *y, yaml_node_t *n, const char *what, rs_time_t min, rs_time_t *out);

#endif
