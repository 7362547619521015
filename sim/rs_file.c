/* rs_file: the files romsim writes. */
#include "rs_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* What a file that is not a regular file is, for a message. */
static const char *kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "something";
}

int rs_file_check(const char *path, const char *what, const char *const *inputs, char *err, size_t errlen) {
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT) return 0; /* a new file (or a dangling link, replaced) */
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
  return 0;
}
