/* db_read: checked reading of romsim's SQLite files (see db_read.h). */
#include "db_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void keep(dbr *r, const char *prefix, const char *fmt, va_list ap) {
  if (dbr_failed(r)) return; /* the first error is the one to tell */
  int n = snprintf(r->err, sizeof r->err, "%s: %s", r->path, prefix);
  if (n < 0 || (size_t)n >= sizeof r->err) return;
  vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
}

int dbr_fail(dbr *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  keep(r, "", fmt, ap);
  va_end(ap);
  return -1;
}

int dbr_damaged(dbr *r, const char *fmt, ...) {
  char prefix[64];
  snprintf(prefix, sizeof prefix, "the %s is damaged: ", r->what);
  va_list ap;
  va_start(ap, fmt);
  keep(r, prefix, fmt, ap);
  va_end(ap);
  return -1;
}

int dbr_sqlite_open(const char *path, sqlite3 **db) {
  /* As a URI: file: and the path, every byte but the unreserved ones and
   * '/' escaped as %HH. */
  size_t n = strlen(path);
  char *uri = malloc(3 * n + 32);
  if (!uri) {
    *db = NULL;
    return SQLITE_NOMEM;
  }
  size_t k = (size_t)sprintf(uri, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
      uri[k++] = (char)*p;
    else
      k += (size_t)sprintf(uri + k, "%%%02X", *p);
  }
  strcpy(uri + k, "?immutable=1");
  int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  free(uri);
  return rc;
}

int dbr_open(dbr *r, const char *path, const char *what) {
  memset(r, 0, sizeof *r);
  r->path = path;
  r->what = what;
  struct stat sb;
  if (stat(path, &sb) != 0) return dbr_fail(r, "cannot open the %s: %s", what, strerror(errno));
  if (!S_ISREG(sb.st_mode)) return dbr_fail(r, "not a %s (not a regular file)", what);
  if (dbr_sqlite_open(path, &r->db) != SQLITE_OK) {
    dbr_fail(r, "cannot open the %s: %s", what, r->db ? sqlite3_errmsg(r->db) : "out of memory");
    dbr_close(r);
    return -1;
  }
  /* The checks read the whole file, indexes against tables: a page cache
   * of up to 64 MiB (taken as pages are read) spares most of the reads. */
  sqlite3_exec(r->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
  return 0;
}

void dbr_close(dbr *r) {
  if (r->db) sqlite3_close(r->db);
  r->db = NULL;
}

char *dbr_quote(char *buf, size_t n, const char *s) {
  size_t k = 0;
  for (; *s && k + 4 < n; s++) buf[k++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
  if (*s && k + 4 <= n) {
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  if (n) buf[k < n ? k : n - 1] = '\0';
  return buf;
}

static const char *type_name(int t) {
  switch (t) {
  case SQLITE_NULL: return "NULL";
  case SQLITE_INTEGER: return "an integer";
  case SQLITE_FLOAT: return "a real number";
  case SQLITE_TEXT: return "text";
  default: return "a blob";
  }
}

static const char *want_name(dbr_type t) {
  return t == DBR_INT ? "an integer" : t == DBR_NUM ? "a number" : "text";
}

static bool type_ok(int t, dbr_type want, bool null_ok) {
  if (t == SQLITE_NULL) return null_ok;
  switch (want) {
  case DBR_INT: return t == SQLITE_INTEGER;
  case DBR_NUM: return t == SQLITE_INTEGER || t == SQLITE_FLOAT;
  default: return t == SQLITE_TEXT;
  }
}

/* The damage of a value of type t in table.column, of the row given. */
static int bad_type(dbr *r, const char *table, const char *column, int t, dbr_type want, int64_t row) {
  char where[48] = "";
  if (row >= 0) snprintf(where, sizeof where, " (row %lld)", (long long)row);
  if (t == SQLITE_NULL) return dbr_damaged(r, "%s.%s is NULL%s", table, column, where);
  return dbr_damaged(r, "%s.%s is %s where %s belongs%s", table, column, type_name(t), want_name(want), where);
}

sqlite3_stmt *dbr_prepare(dbr *r, const char *table, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
    dbr_damaged(r, "reading %s: %s", table, sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return NULL;
  }
  return st;
}

int dbr_step(dbr *r, sqlite3_stmt *st, const char *table) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  if (rc == SQLITE_NOMEM)
    dbr_fail(r, "reading %s: out of memory", table);
  else
    dbr_damaged(r, "reading %s: %s", table, sqlite3_errmsg(r->db));
  return -1;
}

int dbr_version(dbr *r, const char *key, int *version) {
  sqlite3_stmt *st = NULL;
  *version = -1;
  if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) {
    int code = sqlite3_errcode(r->db);
    if (code == SQLITE_NOTADB)
      dbr_fail(r, "not a %s (not an SQLite database)", r->what);
    else if (code == SQLITE_CORRUPT)
      dbr_damaged(r, "%s", sqlite3_errmsg(r->db));
    else
      dbr_fail(r, "not a romsim %s (it has no meta table)", r->what);
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = dbr_step(r, st, "meta");
  if (rc == 0) dbr_fail(r, "not a romsim %s (no schema version)", r->what);
  if (rc > 0) {
    /* Whole digits only: '2', not '2.0', ' 2' or 'abc'. */
    const char *v = dbr_text(r, st, 0, "meta", "value");
    size_t len = strspn(v, "0123456789");
    char q[48];
    if (!dbr_failed(r) && (len == 0 || len > 9 || v[len]))
      dbr_damaged(r, "its schema version (meta %s) is '%s', not a whole number", key, dbr_quote(q, sizeof q, v));
    else if (!dbr_failed(r))
      *version = atoi(v);
  }
  sqlite3_finalize(st);
  return dbr_failed(r) ? -1 : 0;
}

int dbr_check_integrity(dbr *r) {
  sqlite3_stmt *st = NULL;
  /* The first problem is enough to tell. */
  if (sqlite3_prepare_v2(r->db, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK) {
    dbr_damaged(r, "its integrity check cannot run: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return -1;
  }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char q[200];
    if (!t || strcmp(t, "ok") != 0) dbr_damaged(r, "its integrity check fails: %s", dbr_quote(q, sizeof q, t ? t : "?"));
  } else {
    dbr_damaged(r, "its integrity check fails: %s", sqlite3_errmsg(r->db));
  }
  sqlite3_finalize(st);
  return dbr_failed(r) ? -1 : 0;
}

int dbr_check_table(dbr *r, const dbr_table *t) {
  sqlite3_stmt *st = NULL;
  /* The table itself: there, and a table. */
  if (sqlite3_prepare_v2(r->db, "SELECT type FROM sqlite_master WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
    return dbr_damaged(r, "its schema cannot be read: %s", sqlite3_errmsg(r->db));
  sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  char kind[16] = "";
  if (rc == SQLITE_ROW) snprintf(kind, sizeof kind, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return dbr_damaged(r, "its schema cannot be read: %s", sqlite3_errmsg(r->db));
  if (rc == SQLITE_DONE) return dbr_damaged(r, "its table %s is missing", t->name);
  if (strcmp(kind, "table") != 0) return dbr_damaged(r, "%s is a %s, not a table", t->name, kind);
  /* One pass: the first row with a value of the wrong type. */
  char sql[4096], cond[3072] = "";
  size_t used = 0;
  int n = 0;
  for (const dbr_column *c = t->cols; c->name; c++, n++) {
    const char *want = c->type == DBR_INT ? "'integer'" : c->type == DBR_NUM ? "'integer','real'" : "'text'";
    used += (size_t)snprintf(cond + used, sizeof cond - used, "%stypeof(%s) NOT IN (%s%s)", n ? " OR " : "", c->name,
                             want, c->null_ok ? ",'null'" : "");
    if (used >= sizeof cond) return dbr_damaged(r, "table %s: too many columns to check", t->name);
  }
  used = (size_t)snprintf(sql, sizeof sql, "SELECT rowid");
  for (const dbr_column *c = t->cols; c->name; c++)
    used += (size_t)snprintf(sql + used, sizeof sql - used, ", %s", c->name);
  snprintf(sql + used, sizeof sql - used, " FROM %s WHERE %s LIMIT 1", t->name, cond);
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
    return dbr_damaged(r, "table %s: %s", t->name, sqlite3_errmsg(r->db));
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int64_t row = sqlite3_column_int64(st, 0);
    int k = 1;
    for (const dbr_column *c = t->cols; c->name; c++, k++) {
      int type = sqlite3_column_type(st, k);
      if (!type_ok(type, c->type, c->null_ok)) {
        bad_type(r, t->name, c->name, type, c->type, row);
        break;
      }
    }
  } else if (rc != SQLITE_DONE) {
    dbr_damaged(r, "reading %s: %s", t->name, sqlite3_errmsg(r->db));
  }
  sqlite3_finalize(st);
  return dbr_failed(r) ? -1 : 0;
}

const char *dbr_text(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column) {
  int t = sqlite3_column_type(st, i);
  const char *s = t == SQLITE_TEXT ? (const char *)sqlite3_column_text(st, i) : NULL;
  if (s) return s;
  if (t == SQLITE_TEXT) { /* text that could not be had: out of memory */
    dbr_fail(r, "reading %s.%s: out of memory", table, column);
    return "";
  }
  bad_type(r, table, column, t, DBR_TEXT, -1);
  return "";
}

int64_t dbr_int(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column) {
  int t = sqlite3_column_type(st, i);
  if (t == SQLITE_INTEGER) return sqlite3_column_int64(st, i);
  bad_type(r, table, column, t, DBR_INT, -1);
  return 0;
}

double dbr_num(dbr *r, sqlite3_stmt *st, int i, const char *table, const char *column) {
  int t = sqlite3_column_type(st, i);
  if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) return sqlite3_column_double(st, i);
  bad_type(r, table, column, t, DBR_NUM, -1);
  return 0;
}
