/* rs_file: the files romsim writes. */
#include "rs_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
