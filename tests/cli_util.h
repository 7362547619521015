/* Helpers for the tests that run the romsim command as a user does. */
#ifndef ROMSIM_CLI_UTIL_H
#define ROMSIM_CLI_UTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct {
  int status;     /* exit status, or 128 + signal */
  char out[65536];
  char err[65536];
} result;

static char workdir[256];

static inline void make_workdir(void) {
  snprintf(workdir, sizeof workdir, "/tmp/romsim-cli-XXXXXX");
  cr_assert_not_null(mkdtemp(workdir));
}

static inline void remove_workdir(void) {
  DIR *d = opendir(workdir);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", workdir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(workdir);
}

/* Files in the work folder, hidden ones included. */
static inline int count_files(void) {
  DIR *d = opendir(workdir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static inline const char *romsim(void) {
  const char *p = getenv("ROMSIM");
  cr_assert_not_null(p, "ROMSIM is not set (run through meson test)");
  return p;
}

static inline void fixture(char *buf, size_t n, const char *dirvar, const char *name) {
  const char *d = getenv(dirvar);
  cr_assert_not_null(d, "%s is not set (run through meson test)", dirvar);
  snprintf(buf, n, "%s/%s", d, name);
}

static inline void slurp(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(buf, 1, n - 1, f) : 0;
  buf[got] = '\0';
  if (f) fclose(f);
}

/* Write text to path (binary: CRLF and BOMs stay as given). */
static inline void spit(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

/* Start romsim with argv (NULL-terminated, without the program), output to
 * files in the work folder. Returns the pid. */
static inline pid_t start(const char *const *args) {
  const char *argv[32];
  int n = 0;
  argv[n++] = romsim();
  while (*args && n < 31) argv[n++] = *args++;
  argv[n] = NULL;
  char o[300], e[300];
  snprintf(o, sizeof o, "%s.out", workdir);
  snprintf(e, sizeof e, "%s.err", workdir);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, o, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  cr_assert_eq(rc, 0, "cannot start %s", argv[0]);
  return pid;
}

/* As start, with the files romsim writes limited to max_bytes each
 * (RLIMIT_FSIZE, SIGXFSZ left to its default: romsim ignores it itself, or
 * the limit would kill it): a disk that fills, without filling one.
 * stdout and stderr count too: keep max_bytes above what they get. */
static inline pid_t start_fsize(const char *const *args, rlim_t max_bytes) {
  const char *argv[32];
  int n = 0;
  argv[n++] = romsim();
  while (*args && n < 31) argv[n++] = *args++;
  argv[n] = NULL;
  char o[300], e[300];
  snprintf(o, sizeof o, "%s.out", workdir);
  snprintf(e, sizeof e, "%s.err", workdir);
  pid_t pid = fork();
  cr_assert_neq(pid, -1, "fork");
  if (pid == 0) {
    int fi = open("/dev/null", O_RDONLY), fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644),
        fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fi < 0 || fo < 0 || fe < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0) _exit(127);
    signal(SIGXFSZ, SIG_DFL);
    struct rlimit rl = {max_bytes, max_bytes};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(127);
    execve(argv[0], (char *const *)argv, environ);
    _exit(127);
  }
  return pid;
}

static inline void finish(pid_t pid, result *r) {
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  char o[300], e[300];
  snprintf(o, sizeof o, "%s.out", workdir);
  snprintf(e, sizeof e, "%s.err", workdir);
  slurp(o, r->out, sizeof r->out);
  slurp(e, r->err, sizeof r->err);
  unlink(o);
  unlink(e);
}

static inline result *run(const char *const *args) {
  static result r; /* one command at a time in a test */
  finish(start(args), &r);
  return &r;
}

/* As run, but romsim is killed if it has not ended within secs (a command
 * that would block on a FIFO fails instead of hanging): status 128 + 9. */
static inline result *run_limited(const char *const *args, int secs) {
  static result r;
  pid_t pid = start(args);
  for (int i = 0; i < secs * 100; i++) {
    siginfo_t info = {0};
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) break;
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  }
  kill(pid, SIGKILL); /* harmless once it has ended: it is not reaped yet */
  finish(pid, &r);
  return &r;
}

/* Whether the work folder holds a file whose name ends in .partial. */
static inline bool partial_left(void) {
  DIR *d = opendir(workdir);
  struct dirent *e;
  bool found = false;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n > 8 && strcmp(e->d_name + n - 8, ".partial") == 0) found = true;
  }
  closedir(d);
  return found;
}

static inline char *path_in(const char *name) {
  static char p[2][512];
  static int k;
  k ^= 1;
  snprintf(p[k], sizeof p[k], "%s/%s", workdir, name);
  return p[k];
}

/* A single value from the results file. */
static inline char *query(const char *db, const char *sql) {
  static char buf[4096];
  sqlite3 *h;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "cannot open %s", db);
  cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
  buf[0] = '\0';
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return buf;
}

/* A whole file, NUL-terminated (free it). */
static inline char *slurp_alloc(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot read %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

/* Rows of table t (or of a subset, where clause w) that differ between the
 * results files a and b, and the difference in their counts: 0 when the
 * two tables are the same. */
static inline long table_diff_where(const char *a, const char *b, const char *t, const char *w) {
  char attach[700], sql[1024];
  snprintf(attach, sizeof attach, "ATTACH '%s' AS b", b);
  snprintf(sql, sizeof sql,
           "SELECT (SELECT count(*) FROM (SELECT * FROM main.%s %s EXCEPT SELECT * FROM b.%s %s)) +"
           " (SELECT count(*) FROM (SELECT * FROM b.%s %s EXCEPT SELECT * FROM main.%s %s)) +"
           " abs((SELECT count(*) FROM main.%s %s) - (SELECT count(*) FROM b.%s %s))",
           t, w, t, w, t, w, t, w, t, w, t, w);
  sqlite3 *h;
  cr_assert_eq(sqlite3_open_v2(a, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(h, attach, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  long n = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

static inline long table_diff(const char *a, const char *b, const char *t) { return table_diff_where(a, b, t, ""); }

#endif
