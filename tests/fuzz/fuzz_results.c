/* Fuzz target: the readers of results and sweep files. The bytes are
 * written as a file, then read as a user would: `romsim report` (a run's
 * page, or a sweep's), `romsim export --csv` and `romsim compare`. Each
 * either reads it or refuses it as damaged (exit 2); never a crash, a hang
 * or a leak, and a refused file leaves no output behind. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"

/* Remove dir and the files in it (one level: what the commands write). */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      if (unlink(p) != 0) remove_tree(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Nothing but the input in dir: a refusal left no output. */
static int only_input(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  if (d) closedir(d);
  return n == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *tmp = getenv("TMPDIR");
  char dir[4096], db[4200], html[4200], csv[4200], cmp[4200];
  snprintf(dir, sizeof dir, "%s/romsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) return 0;
  snprintf(db, sizeof db, "%s/in.db", dir);
  snprintf(html, sizeof html, "%s/out.html", dir);
  snprintf(csv, sizeof csv, "%s/csv", dir);
  snprintf(cmp, sizeof cmp, "%s/cmp.html", dir);
  int fd = open(db, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, data, size) != (ssize_t)size) __builtin_trap();
  close(fd);
  /* What the commands print is not the point: stdout goes nowhere. */
  fflush(stdout);
  int saved = dup(1), null = open("/dev/null", O_WRONLY);
  dup2(null, 1);
  close(null);
  int rc = cmd_report(4, (char *[]){"report", db, "-o", html, NULL});
  if (rc != 0 && (rc != EXIT_USAGE || !only_input(dir))) __builtin_trap();
  rc = cmd_export(4, (char *[]){"export", db, "--csv", csv, NULL});
  if (rc != 0 && rc != EXIT_USAGE) __builtin_trap();
  rc = cmd_compare(5, (char *[]){"compare", db, db, "-o", cmp, NULL});
  if (rc != 0 && rc != EXIT_USAGE) __builtin_trap();
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  remove_tree(dir);
  return 0;
}
