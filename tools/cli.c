/* The romsim command's shared helpers (tools/cli.h): messages, outputs
 * checked before any work and written whole, seeds, names, JSON. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rs_file.h"

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  fputs("romsim: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

int cli_parse_seed(const char *s, uint64_t *out) {
  char *end;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno) return -1;
  *out = v;
  return 0;
}

void cli_with_suffix(const char *path, bool keep_dir, const char *suffix, char *buf, size_t n) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  const char *from = keep_dir ? path : base;
  size_t len = dot && dot != base ? (size_t)(dot - from) : strlen(from);
  snprintf(buf, n, "%.*s%s", (int)len, from, suffix);
}

int cli_check_output(const char *cmd, const char *path, const char *what, const char *const *inputs) {
  char err[1200];
  if (rs_file_check(path, what, inputs, err, sizeof err)) return cli_usage_error("%s: %s", cmd, err);
  return 0;
}

int cli_check_folder(const char *cmd, const char *dir, const char *what, const char *const *files,
                     const char *const *inputs) {
  char err[1200];
  struct stat st;
  if (rs_file_check_folder(dir, what, err, sizeof err)) return cli_usage_error("%s: %s", cmd, err);
  if (stat(dir, &st) != 0) return 0; /* to be created: empty */
  for (const char *const *f = files; *f; f++) {
    size_t n = strlen(dir) + strlen(*f) + 2;
    char *p = malloc(n);
    if (!p) return cli_usage_error("out of memory");
    snprintf(p, n, "%s/%s", dir, *f);
    int rc = cli_check_output(cmd, p, what, inputs);
    free(p);
    if (rc) return rc;
  }
  return 0;
}

int cli_write_whole(const char *path, cli_writer fn, const void *arg) {
  char err[1200];
  rs_partial file;
  if (rs_file_check(path, "the file", NULL, err, sizeof err) || rs_partial_open(&file, path, err, sizeof err))
    return cli_usage_error("%s", err);
  int fd = dup(file.fd); /* closing the stream keeps the lock, held by file.fd */
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out) {
    int e = errno;
    if (fd >= 0) close(fd);
    rs_partial_abandon(&file);
    return cli_usage_error("%s: cannot write: %s", path, strerror(e));
  }
  const char *why = fn(out, arg);
  int e = 0;
  if (fflush(out) != 0 || ferror(out)) e = errno ? errno : EIO;
  if (fclose(out) != 0 && !e) e = errno;
  if (why || e) {
    rs_partial_abandon(&file);
    return why ? cli_usage_error("%s", why) : cli_usage_error("%s: cannot write: %s", path, strerror(e));
  }
  if (rs_partial_commit(&file, err, sizeof err)) return cli_usage_error("%s", err);
  return 0;
}

int cli_mkdir(const char *dir) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "romsim: %s: cannot create the folder: %s\n", dir, strerror(errno));
    return EXIT_USAGE;
  }
  return 0;
}

void cli_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}
