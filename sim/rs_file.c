/* rs_file: the files romsim writes. */
#include "rs_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file is, for a message. */
static const char *kind_of(mode_t m) {
  if (S_ISREG(m)) return "a file";
  if (S_ISDIR(m)) return "a folder";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "something";
}

/* The folder path is in, and that a new entry can be made there: it exists,
 * is a folder, and can be written. 0, or -1 with a message. */
static int check_folder(const char *path, const char *what, char *err, size_t errlen) {
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 1;
  char *dir = malloc(n + 1);
  if (!dir) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (!slash)
    memcpy(dir, ".", 2);
  else if (n == 0)
    memcpy(dir, "/", 2);
  else
    snprintf(dir, n + 1, "%s", path);
  struct stat st;
  int rc = -1;
  if (stat(dir, &st) != 0)
    snprintf(err, errlen, "%s: cannot write %s: the folder %s %s", path, what, dir,
             errno == ENOENT ? "does not exist" : strerror(errno));
  else if (!S_ISDIR(st.st_mode))
    snprintf(err, errlen, "%s: cannot write %s: %s is %s, not a folder", path, what, dir, kind_of(st.st_mode));
  else if (access(dir, W_OK | X_OK) != 0)
    snprintf(err, errlen, "%s: cannot write %s in the folder %s: %s", path, what, dir, strerror(errno));
  else
    rc = 0;
  free(dir);
  return rc;
}

int rs_file_check(const char *path, const char *what, const char *const *inputs, char *err, size_t errlen) {
  struct stat st;
  if (!*path) {
    snprintf(err, errlen, "cannot write %s: the name is empty", what);
    return -1;
  }
  if (stat(path, &st) != 0) {
    /* A new file (or a dangling link, replaced), if its folder takes it. */
    if (errno == ENOENT || errno == ENOTDIR) return check_folder(path, what, err, errlen);
    snprintf(err, errlen, "%s: cannot write %s there: %s", path, what, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: cannot write %s there: it is %s, not a regular file", path, what,
             kind_of(st.st_mode));
    return -1;
  }
  for (const char *const *in = inputs; in && *in; in++) {
    struct stat is;
    if (stat(*in, &is) == 0 && is.st_dev == st.st_dev && is.st_ino == st.st_ino) {
      snprintf(err, errlen, "%s: cannot write %s there: it is the same file as the input %s", path, what, *in);
      return -1;
    }
  }
  return check_folder(path, what, err, errlen);
}

int rs_file_check_folder(const char *dir, const char *what, char *err, size_t errlen) {
  struct stat st;
  if (!*dir) {
    snprintf(err, errlen, "cannot write %s: the folder's name is empty", what);
    return -1;
  }
  if (stat(dir, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return check_folder(dir, what, err, errlen); /* to be created */
    snprintf(err, errlen, "%s: cannot write %s there: %s", dir, what, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: cannot write %s there: it is %s, not a folder", dir, what, kind_of(st.st_mode));
    return -1;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "%s: cannot write %s there: %s", dir, what, strerror(errno));
    return -1;
  }
  return 0;
}

/* ---- files written whole ------------------------------------------------ */

/* The folder of path ("." when it has none) and where its base name starts. */
static char *folder_of(const char *path, const char **base) {
  const char *slash = strrchr(path, '/');
  *base = slash ? slash + 1 : path;
  if (!slash) return strdup(".");
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (dir) snprintf(dir, n + 1, "%s", path);
  return dir;
}

bool rs_partial_name_of(const char *name, const char *base) {
  size_t nb = strlen(base), nn = strlen(name);
  static const char suffix[] = ".partial";
  const size_t ns = sizeof suffix - 1;
  /* "." base "." digits "." 6 characters ".partial" */
  if (nn < 1 + nb + 1 + 1 + 1 + 6 + ns || name[0] != '.' || strncmp(name + 1, base, nb) != 0 || name[1 + nb] != '.' ||
      strcmp(name + nn - ns, suffix) != 0)
    return false;
  const char *p = name + 1 + nb + 1, *end = name + nn - ns - 7;
  if (*end != '.' || p >= end) return false;
  for (; p < end; p++)
    if (*p < '0' || *p > '9') return false;
  for (p = end + 1; p < end + 7; p++)
    if (*p == '/' || *p == '.') return false;
  return true;
}

int rs_partial_clean(const char *path) {
  const char *base;
  char *dir = folder_of(path, &base);
  DIR *d = dir && *base ? opendir(dir) : NULL;
  int removed = 0;
  if (!d) {
    free(dir);
    return 0;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!rs_partial_name_of(e->d_name, base)) continue;
    size_t n = strlen(dir) + strlen(e->d_name) + 2;
    char *p = malloc(n);
    if (!p) break;
    snprintf(p, n, "%s/%s", dir, e->d_name);
    /* Not a link followed, not a FIFO waited on: only a regular file. */
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat a, b;
    if (fd >= 0 && fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        lstat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino && unlink(p) == 0)
      removed++;
    if (fd >= 0) close(fd); /* and the lock with it */
    free(p);
  }
  closedir(d);
  free(dir);
  return removed;
}

int rs_partial_open(rs_partial *p, const char *path, char *err, size_t errlen) {
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path + 1) : 0; /* the folder, its slash included */
  size_t n = strlen(path) + 64;
  p->path = strdup(path);
  p->tmp = malloc(n);
  p->fd = -1;
  if (!p->path || !p->tmp) {
    snprintf(err, errlen, "out of memory");
    rs_partial_abandon(p);
    return -1;
  }
  rs_partial_clean(path);
  /* A writer cleaning the folder may remove the new file between its
   * creation and its lock (it could lock it then): try again with another
   * name. */
  for (int tries = 0; tries < 100 && p->fd < 0; tries++) {
    snprintf(p->tmp, n, "%.*s.%s.%ld.XXXXXX.partial", dirlen, path, path + dirlen, (long)getpid());
    int fd = mkstemps(p->tmp, (int)strlen(".partial"));
    if (fd < 0) {
      snprintf(err, errlen, "%s: cannot create the file: %s", path, strerror(errno));
      free(p->tmp);
      p->tmp = NULL; /* nothing to remove */
      rs_partial_abandon(p);
      return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC); /* a child run by romsim does not hold it */
    /* Where locks are not supported, no cleaner can lock it either. */
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
      close(fd);
      continue;
    }
    p->fd = fd;
  }
  if (p->fd < 0) {
    snprintf(err, errlen, "%s: cannot create the file: its partial files keep disappearing", path);
    free(p->tmp);
    p->tmp = NULL;
    rs_partial_abandon(p);
    return -1;
  }
  /* mkstemps makes the file private; the file is as readable as any other
   * file the user creates. */
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(p->fd, 0666 & ~mask) != 0) { /* not fatal: the file stays private */ }
  return 0;
}

int rs_partial_commit(rs_partial *p, char *err, size_t errlen) {
  struct stat st;
  int rc = 0;
  if (stat(p->path, &st) == 0 && !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: cannot write the file there: it is %s now, not a regular file", p->path,
             kind_of(st.st_mode));
    rc = -1;
  } else if (rename(p->tmp, p->path) != 0) {
    snprintf(err, errlen, "cannot rename %s to %s: %s", p->tmp, p->path, strerror(errno));
    rc = -1;
  } else {
    free(p->tmp);
    p->tmp = NULL; /* renamed: nothing to remove */
  }
  rs_partial_abandon(p);
  return rc;
}

void rs_partial_abandon(rs_partial *p) {
  if (p->tmp) unlink(p->tmp);
  if (p->fd >= 0) close(p->fd);
  free(p->tmp);
  free(p->path);
  p->tmp = p->path = NULL;
  p->fd = -1;
}
