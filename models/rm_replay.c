/* rm_replay: reading a recorded outage (see rm_replay.h). */
#include "rm_replay.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rm_units.h"

/* A field of a line: where it starts (column from 1) and its text. */
typedef struct {
  const char *s;
  size_t len;
  size_t col;
} field;

typedef struct {
  const char *file;
  int line;
  char *err;
  size_t errlen;
} ctx;

static int fail(ctx *c, size_t col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, size_t col, const char *fmt, ...) {
  int k = snprintf(c->err, c->errlen, "%s:%d:%zu: ", c->file, c->line, col);
  va_list ap;
  va_start(ap, fmt);
  if (k > 0 && (size_t)k < c->errlen) vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
  va_end(ap);
  return -1;
}

static bool is(const field *f, const char *s) { return f->len == strlen(s) && memcmp(f->s, s, f->len) == 0; }

/* Split a line on commas, trimming blanks around each field. */
static int split(const char *line, size_t len, field *out, int max) {
  int n = 0;
  size_t i = 0;
  for (;;) {
    size_t start = i;
    while (i < len && line[i] != ',') i++;
    size_t a = start, b = i;
    while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' || line[b - 1] == '\r')) b--;
    if (n < max) out[n] = (field){.s = line + a, .len = b - a, .col = a + 1};
    n++;
    if (i >= len) break;
    i++;
  }
  return n;
}

static char *dup(const field *f) {
  char *p = malloc(f->len + 1);
  if (p) {
    memcpy(p, f->s, f->len);
    p[f->len] = '\0';
  }
  return p;
}

/* Digits of f from *i, at least min and at most max of them, into *v;
 * false when there are fewer. */
static bool digits(const field *f, size_t *i, size_t min, size_t max, uint64_t *v) {
  size_t k = 0;
  *v = 0;
  while (*i < f->len && k < max && f->s[*i] >= '0' && f->s[*i] <= '9') {
    *v = *v * 10 + (uint64_t)(f->s[*i] - '0');
    (*i)++;
    k++;
  }
  return k >= min;
}

/* A clock offset from byte i of f, as romsim prints times:
 * HH:MM:SS (any number of hours, as past 24 in a long run), or D.HH:MM:SS
 * with a day count (hours then below 24, as in a .NET TimeSpan), seconds
 * with an optional fraction of up to 6 digits. */
static int read_clock(ctx *c, const field *f, size_t i, rs_time_t *out) {
  static const char form[] = "expected HH:MM:SS or D.HH:MM:SS, as 00:10:00 or 1.02:00:00";
  uint64_t first, days = 0, hours, min, sec, frac = 0;
  size_t at = i;
  if (!digits(f, &i, 1, 18, &first))
    return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  if (i < f->len && f->s[i] >= '0' && f->s[i] <= '9') return fail(c, f->col + at, "time too far in the future");
  hours = first;
  if (i < f->len && f->s[i] == '.') { /* a day count, then its hours */
    days = first;
    at = ++i;
    if (!digits(f, &i, 1, 2, &hours)) return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
    if (hours >= 24)
      return fail(c, f->col + at, "bad time '%.*s': hours must be below 24 after a day count", (int)f->len, f->s);
  }
  if (i >= f->len || f->s[i] != ':') return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  at = ++i;
  if (!digits(f, &i, 2, 2, &min)) return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  if (min >= 60) return fail(c, f->col + at, "bad time '%.*s': minutes must be below 60", (int)f->len, f->s);
  if (i >= f->len || f->s[i] != ':') return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  at = ++i;
  if (!digits(f, &i, 2, 2, &sec)) return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  if (sec >= 60) return fail(c, f->col + at, "bad time '%.*s': seconds must be below 60", (int)f->len, f->s);
  if (i < f->len && f->s[i] == '.') {
    size_t from = ++i;
    if (!digits(f, &i, 1, 6, &frac) || (i < f->len && f->s[i] >= '0' && f->s[i] <= '9'))
      return fail(c, f->col + i, "bad time '%.*s' (a fraction of a second has 1 to 6 digits)", (int)f->len, f->s);
    for (size_t k = i - from; k < 6; k++) frac *= 10; /* to microseconds */
  }
  if (i < f->len) return fail(c, f->col + i, "bad time '%.*s' (%s)", (int)f->len, f->s, form);
  /* days x 1 d + hours x 1 h + ..., within rs_time_t. */
  uint64_t max = (uint64_t)RS_TIME_MAX, t;
  if (days > max / (uint64_t)RS_DAY || hours > (max - days * (uint64_t)RS_DAY) / (uint64_t)RS_HOUR)
    return fail(c, f->col, "time too far in the future");
  t = days * (uint64_t)RS_DAY + hours * (uint64_t)RS_HOUR;
  uint64_t rest = min * (uint64_t)RS_MIN + sec * (uint64_t)RS_SEC + frac;
  if (rest > max - t) return fail(c, f->col, "time too far in the future");
  *out = (rs_time_t)(t + rest);
  return 0;
}

/* The time of a line: an offset ("2h", "+2h", "00:10:00", "1.02:00:00") or
 * an ISO 8601 UTC time. */
static int read_time(ctx *c, const rm_scenario *sc, const field *f, rs_time_t *out) {
  size_t off = 0;
  if (f->len == 0) return fail(c, f->col, "a time is missing (an offset such as 2h, or 2026-11-20T02:00:00Z)");
  bool iso = f->len >= 10 && f->s[4] == '-';
  if (iso) {
    int64_t t;
    if (rm_iso8601_parse(f->s, f->len, &t, &off))
      return fail(c, f->col + off, "bad time '%.*s' (expected 2026-11-20T02:00:00Z, or an offset such as 2h)",
                  (int)f->len, f->s);
    if (sc->start < 0)
      return fail(c, f->col, "an absolute time needs the scenario's start: (the wall-clock time of its time 0)");
    if (t < sc->start) return fail(c, f->col, "'%.*s' is before the run's start", (int)f->len, f->s);
    if ((t - sc->start) > RS_TIME_MAX / RS_SEC) return fail(c, f->col, "time too far in the future");
    *out = (t - sc->start) * RS_SEC;
  } else if (memchr(f->s, ':', f->len)) {
    if (read_clock(c, f, f->s[0] == '+', out)) return -1;
  } else {
    size_t skip = f->s[0] == '+';
    int rc = rs_duration_parse(f->s + skip, f->len - skip, out, &off);
    if (rc == RS_DURATION_TOO_LONG) return fail(c, f->col + skip + off, "'%.*s' is after the end of the run", (int)f->len, f->s);
    if (rc)
      return fail(c, f->col + skip + off,
                  "bad time '%.*s' (expected an offset such as 2h, +1h30m or 00:10:00, or an ISO 8601 time)",
                  (int)f->len, f->s);
  }
  if (*out > sc->duration)
    return fail(c, f->col, "'%.*s' is after the end of the run", (int)f->len, f->s);
  return 0;
}

/* degrade's parameters: key=value pairs. */
static int read_params(ctx *c, const field *f, rm_fault_spec *spec, bool sql) {
  size_t i = 0;
  int seen = 0;
  while (i < f->len) {
    while (i < f->len && (f->s[i] == ' ' || f->s[i] == ';' || f->s[i] == '\t')) i++;
    if (i >= f->len) break;
    size_t k = i;
    while (i < f->len && f->s[i] != '=' && f->s[i] != ' ' && f->s[i] != ';') i++;
    if (i >= f->len || f->s[i] != '=')
      return fail(c, f->col + k, "a parameter is key=value (latency=, bandwidth=, loss=, or factor= for sql)");
    size_t klen = i - k, v = ++i;
    while (i < f->len && f->s[i] != ' ' && f->s[i] != ';' && f->s[i] != '\t') i++;
    const char *key = f->s + k, *val = f->s + v;
    size_t vlen = i - v, off = 0;
    char buf[64];
    if (vlen == 0 || vlen >= sizeof buf) return fail(c, f->col + v, "a value is missing or too long");
    memcpy(buf, val, vlen);
    buf[vlen] = '\0';
    char *end;
    if (!sql && klen == 7 && memcmp(key, "latency", 7) == 0) {
      if (rs_duration_parse(val, vlen, &spec->latency, &off)) return fail(c, f->col + v + off, "bad latency '%s'", buf);
    } else if (!sql && klen == 9 && memcmp(key, "bandwidth", 9) == 0) {
      if (rm_rate_parse(val, vlen, &spec->bandwidth, &off) || spec->bandwidth <= 0)
        return fail(c, f->col + v + off, "bad bandwidth '%s' (such as 256Kbit/s)", buf);
    } else if (!sql && klen == 4 && memcmp(key, "loss", 4) == 0) {
      double d = strtod(buf, &end);
      bool pct = *end == '%';
      if (end == buf || (*end && !(pct && end[1] == '\0')) || d < 0 || (pct ? d >= 100 : d >= 1))
        return fail(c, f->col + v, "bad loss '%s' (a share below 1, or a percentage such as 2%%)", buf);
      spec->loss = pct ? d / 100 : d;
    } else if (sql && klen == 6 && memcmp(key, "factor", 6) == 0) {
      double d = strtod(buf, &end);
      if (end == buf || *end || d <= 0 || d > 1) return fail(c, f->col + v, "bad factor '%s' (above 0, at most 1)", buf);
      spec->factor = d;
    } else {
      return fail(c, f->col + k, "unknown parameter '%.*s' (%s)", (int)klen, key,
                  sql ? "sql takes factor=" : "a link takes latency=, bandwidth= and loss=");
    }
    seen++;
  }
  if (!seen) return fail(c, f->col, "degrade needs parameters: latency=, bandwidth=, loss= (or factor= for sql)");
  return 0;
}

/* storm's parameters: alerts=, state_changes=, rollup= (key=value pairs
 * separated by spaces or semicolons). */
static int read_storm(ctx *c, const field *f, rm_fault_spec *spec) {
  spec->rollup = RM_STORM_ROLLUP;
  size_t i = 0;
  while (i < f->len) {
    while (i < f->len && (f->s[i] == ' ' || f->s[i] == ';' || f->s[i] == '\t')) i++;
    if (i >= f->len) break;
    size_t k = i;
    while (i < f->len && f->s[i] != '=' && f->s[i] != ' ' && f->s[i] != ';') i++;
    if (i >= f->len || f->s[i] != '=') return fail(c, f->col + k, "a parameter is key=value (alerts=, state_changes=, rollup=)");
    size_t klen = i - k, v = ++i;
    while (i < f->len && f->s[i] != ' ' && f->s[i] != ';' && f->s[i] != '\t') i++;
    char buf[64], *end;
    size_t vlen = i - v;
    if (vlen == 0 || vlen >= sizeof buf) return fail(c, f->col + v, "a value is missing or too long");
    memcpy(buf, f->s + v, vlen);
    buf[vlen] = '\0';
    double d = strtod(buf, &end);
    const char *key = f->s + k;
    bool roll = klen == 6 && memcmp(key, "rollup", 6) == 0;
    if (end == buf || *end || d < (roll ? 1 : 0) || d > (roll ? 1000 : 1e6))
      return fail(c, f->col + v, "bad value '%s' (%s)", buf, roll ? "rollup: from 1 to 1000" : "a number from 0 to 1000000");
    if (klen == 6 && memcmp(key, "alerts", 6) == 0)
      spec->storm_alerts = d;
    else if (klen == 13 && memcmp(key, "state_changes", 13) == 0)
      spec->storm_states = d;
    else if (roll)
      spec->rollup = d;
    else
      return fail(c, f->col + k, "unknown parameter '%.*s' (storm takes alerts=, state_changes=, rollup=)", (int)klen,
                  key);
  }
  if (spec->storm_alerts <= 0 && spec->storm_states <= 0)
    return fail(c, f->col, "storm needs alerts= or state_changes= (a minute, per agent)");
  return 0;
}

static int add_line(ctx *c, rm_scenario *sc, const char *line, size_t len) {
  field f[5];
  int n = split(line, len, f, 5);
  if (n < 3) return fail(c, len + 1, "a line is time,target,action[,parameters]");
  if (n > 4) return fail(c, f[4].col, "too many fields (time,target,action[,parameters])");
  rm_fault_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = RM_FAULT_STEP;
  spec.duration = RS_TIME_MAX;
  if (read_time(c, sc, &f[0], &spec.at)) return -1;
  spec.at_to = spec.at;
  if (f[1].len == 0) return fail(c, f[1].col, "a target is missing");
  if (is(&f[2], "down"))
    spec.action = RM_STEP_DOWN;
  else if (is(&f[2], "up"))
    spec.action = RM_STEP_UP;
  else if (is(&f[2], "degrade"))
    spec.action = RM_STEP_DEGRADE;
  else if (is(&f[2], "storm"))
    spec.action = RM_STEP_STORM;
  else
    return fail(c, f[2].col, "unknown action '%.*s' (down, up, degrade or storm)", (int)f[2].len, f[2].s);
  char id[32], where[300];
  snprintf(id, sizeof id, "replay-%d", c->line);
  snprintf(where, sizeof where, "%s:%d:1", c->file, c->line);
  spec.target = dup(&f[1]);
  spec.id = strdup(id);
  spec.where = strdup(where);
  if (!spec.target || !spec.id || !spec.where) goto nomem;
  const char *why = rm_scenario_check_target(sc, RM_FAULT_STEP, spec.target);
  bool sql = strcmp(spec.target, "sql") == 0;
  if (!why && spec.action == RM_STEP_DEGRADE && !sql && strncmp(spec.target, "link", 4) != 0 &&
      rm_scenario_check_target(sc, RM_FAULT_DEGRADE, spec.target))
    why = "degrade takes a link (link:NODE, links:ROLE, or a sender's name) or sql";
  if (!why && spec.action == RM_STEP_STORM && rm_scenario_check_target(sc, RM_FAULT_STORM, spec.target))
    why = "a storm takes agents (an agent's name, agents:CUSTOMER, role:agent, role:server or role:client)";
  if (why) {
    fail(c, f[1].col, "'%s': %s", spec.target, why);
    goto fail;
  }
  if (spec.action == RM_STEP_STORM) {
    if (n < 4 || read_storm(c, &f[3], &spec)) {
      if (n < 4) fail(c, len + 1, "storm needs parameters: alerts= and/or state_changes= (a minute, per agent)");
      goto fail;
    }
  } else if (spec.action == RM_STEP_DEGRADE) {
    if (n < 4) {
      fail(c, len + 1, "degrade needs parameters: latency=, bandwidth=, loss= (or factor= for sql)");
      goto fail;
    }
    if (read_params(c, &f[3], &spec, sql)) goto fail;
  } else if (n == 4 && f[3].len) {
    fail(c, f[3].col, "only degrade and storm take parameters");
    goto fail;
  }
  rm_fault_spec *v = realloc(sc->faults, (size_t)(sc->n_faults + 1) * sizeof *v);
  if (!v) goto nomem;
  sc->faults = v;
  sc->faults[sc->n_faults++] = spec;
  return 0;
nomem:
  fail(c, 1, "out of memory");
fail:
  free(spec.target);
  free(spec.id);
  free(spec.where);
  return -1;
}

int rm_replay_load(rm_scenario *sc, const char *path, char *err, size_t errlen) {
  size_t len;
  char *text = rm_read_file(path, &len, "replay", err, errlen);
  if (!text) return -1;
  int rc = rm_replay_parse(sc, path, text, len, err, errlen);
  free(text);
  return rc;
}

int rm_replay_parse(rm_scenario *sc, const char *path, const char *given, size_t len, char *err, size_t errlen) {
  char *text = malloc(len + 1);
  if (!text) {
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  memcpy(text, given, len);
  text[len] = '\0';
  if (memchr(text, '\0', len)) {
    snprintf(err, errlen, "%s: not a text file (it holds a NUL byte)", path);
    free(text);
    return -1;
  }
  ctx c = {.file = path, .line = 0, .err = err, .errlen = errlen};
  int rc = 0, lines = 0;
  bool seen_header = false;
  for (size_t i = 0; i < len && rc == 0;) {
    size_t e = i;
    while (e < len && text[e] != '\n') e++;
    c.line++;
    if (c.line == 1 && e - i >= 3 && memcmp(text + i, "\xEF\xBB\xBF", 3) == 0) i += 3; /* a UTF-8 BOM */
    size_t line_end = e > i && text[e - 1] == '\r' ? e - 1 : e;      /* CRLF */
    size_t a = i;
    while (a < e && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r')) a++;
    bool blank = a == e || text[a] == '#';
    /* A live session's replay says so on a comment line. */
    if (blank && a < e && e - a >= sizeof RM_REPLAY_LIVE - 1 && memcmp(text + a, RM_REPLAY_LIVE, sizeof RM_REPLAY_LIVE - 1) == 0)
      sc->replay_live = true;
    /* A header line: the first that is not blank or a comment. */
    bool header = !blank && lines == 0 && !seen_header && e - a >= 4 && strncasecmp(text + a, "time", 4) == 0;
    if (header) seen_header = true;
    bool skip = blank || header;
    if (!skip) {
      rc = add_line(&c, sc, text + i, line_end - i);
      lines++;
    }
    i = e + 1;
  }
  if (rc == 0 && lines == 0 && !sc->replay_live) { /* a live session may have had no fault */
    snprintf(err, errlen, "%s:1:1: the replay holds no change (time,target,action lines)", path);
    rc = -1;
  }
  if (rc == 0) {
    sc->replay_file = strdup(path);
    sc->replay_text = text;
    if (!sc->replay_file) {
      snprintf(err, errlen, "%s: out of memory", path);
      sc->replay_text = NULL;
      free(text);
      return -1;
    }
    return 0;
  }
  free(text);
  return -1;
}

int rm_replay_add_line(rm_scenario *sc, const char *path, int line_no, const char *line, size_t len, char *err,
                       size_t errlen) {
  ctx c = {.file = path, .line = line_no, .err = err, .errlen = errlen};
  return add_line(&c, sc, line, len);
}
