/*
 * Tests for rs_file: the checks on a name before romsim writes a file
 * there, and the partial files it is written as: locked by their writer,
 * removed by the next writer once stale.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rs_file.h"

static char dir[512];

static void make_dir(void) {
  const char *base = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/romsim-test-file-XXXXXX", base && *base ? base : "/tmp");
  cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

/* Remove the folder and what is in it, one level of subfolders included. */
static void remove_tree(const char *d, int depth) {
  DIR *h = opendir(d);
  if (!h) return;
  struct dirent *e;
  char p[1024];
  while ((e = readdir(h))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", d, e->d_name);
    if (unlink(p) != 0 && depth > 0) remove_tree(p, depth - 1);
  }
  closedir(h);
  rmdir(d);
}

static void remove_dir(void) { remove_tree(dir, 1); }

TestSuite(file, .init = make_dir, .fini = remove_dir);

static const char *in_dir(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", dir, name);
  return buf;
}

static void touch(const char *path) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("x\n", f);
  fclose(f);
}

Test(file, new_and_regular_names_pass) {
  char p[600], err[1200] = "";
  cr_assert_eq(rs_file_check(in_dir(p, sizeof p, "new.db"), "the file", NULL, err, sizeof err), 0, "%s", err);
  touch(p);
  cr_assert_eq(rs_file_check(p, "the file", NULL, err, sizeof err), 0, "%s", err);
}

Test(file, what_is_not_a_regular_file_is_refused) {
  char p[600], err[1200] = "";
  cr_assert_eq(mkfifo(in_dir(p, sizeof p, "fifo"), 0644), 0);
  cr_assert_eq(rs_file_check(p, "the file", NULL, err, sizeof err), -1);
  cr_assert(strstr(err, p) && strstr(err, "a FIFO, not a regular file"), "%s", err);
  cr_assert_eq(mkdir(in_dir(p, sizeof p, "folder"), 0755), 0);
  cr_assert_eq(rs_file_check(p, "the file", NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "a folder, not a regular file"), "%s", err);
  /* A symbolic link is followed: to a character device, it is refused. */
  cr_assert_eq(symlink("/dev/null", in_dir(p, sizeof p, "null-link")), 0);
  cr_assert_eq(rs_file_check(p, "the file", NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "a character device, not a regular file"), "%s", err);
}

/* The same file is the same device and inode, whatever the name. */
Test(file, an_input_under_any_name_is_refused) {
  char in[600], hard[600], sym[600], other[600], err[1200] = "";
  touch(in_dir(in, sizeof in, "in.yaml"));
  touch(in_dir(other, sizeof other, "other.yaml"));
  cr_assert_eq(link(in, in_dir(hard, sizeof hard, "hard.yaml")), 0);
  cr_assert_eq(symlink(in, in_dir(sym, sizeof sym, "sym.yaml")), 0);
  const char *inputs[] = {other, in, NULL};
  const char *outs[] = {in, hard, sym};
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(rs_file_check(outs[i], "the results file", inputs, err, sizeof err), -1, "%s passed", outs[i]);
    cr_assert(strstr(err, outs[i]) && strstr(err, "the same file as the input") && strstr(err, in), "%s", err);
  }
  cr_assert_eq(rs_file_check(other, "the results file", (const char *[]){in, NULL}, err, sizeof err), 0, "%s", err);
  cr_assert_eq(rs_file_check(in_dir(other, sizeof other, "new.db"), "x", inputs, err, sizeof err), 0, "%s", err);
}

/* A file's folder must exist and be a folder; a folder of outputs must be
 * a folder, or be one that can be created. */
Test(file, folders_are_checked) {
  char p[600], f[600], err[1200] = "";
  cr_assert_eq(rs_file_check(in_dir(p, sizeof p, "no/such/x.db"), "the file", NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "the folder") && strstr(err, "/no/such does not exist"), "%s", err);
  touch(in_dir(f, sizeof f, "plain"));
  cr_assert_eq(rs_file_check(in_dir(p, sizeof p, "plain/x.db"), "the file", NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "plain is a file, not a folder"), "%s", err);
  cr_assert_eq(rs_file_check("x.db", "the file", NULL, err, sizeof err), 0, "the current folder: %s", err);
  cr_assert_eq(rs_file_check("", "the file", NULL, err, sizeof err), -1);

  cr_assert_eq(rs_file_check_folder(dir, "the CSV files", err, sizeof err), 0, "%s", err);
  cr_assert_eq(rs_file_check_folder(in_dir(p, sizeof p, "new"), "the CSV files", err, sizeof err), 0, "%s", err);
  cr_assert_eq(rs_file_check_folder(f, "the CSV files", err, sizeof err), -1);
  cr_assert(strstr(err, f) && strstr(err, "a file, not a folder"), "%s", err);
  cr_assert_eq(rs_file_check_folder(in_dir(p, sizeof p, "no/such"), "the CSV files", err, sizeof err), -1);
  cr_assert(strstr(err, "/no does not exist"), "%s", err);
  if (geteuid() != 0) { /* root writes anywhere */
    char ro[600];
    cr_assert_eq(mkdir(in_dir(ro, sizeof ro, "ro"), 0555), 0);
    cr_assert_eq(rs_file_check(in_dir(p, sizeof p, "ro/x.db"), "the file", NULL, err, sizeof err), -1);
    cr_assert(strstr(err, "Permission denied"), "%s", err);
    cr_assert_eq(rs_file_check_folder(ro, "the CSV files", err, sizeof err), -1);
  }
}

/* ---- partial files ---- */

/* Whether f can be locked by another open file (no writer holds it). */
static bool lockable(const char *f) {
  int fd = open(f, O_RDONLY);
  cr_assert_geq(fd, 0, "%s: %s", f, strerror(errno));
  bool yes = flock(fd, LOCK_EX | LOCK_NB) == 0;
  close(fd);
  return yes;
}

Test(file, partial_names) {
  cr_assert(rs_partial_name_of(".x.db.123.aB3xYz.partial", "x.db"));
  cr_assert(rs_partial_name_of(".a.b.c.7.000000.partial", "a.b.c"));
  cr_assert_not(rs_partial_name_of(".x.db.aB3xYz.partial", "x.db"), "no pid: not ours");
  cr_assert_not(rs_partial_name_of(".x.db.12a.aB3xYz.partial", "x.db"));
  cr_assert_not(rs_partial_name_of(".x.db.123.aB3xY.partial", "x.db"));
  cr_assert_not(rs_partial_name_of(".y.db.123.aB3xYz.partial", "x.db"));
  cr_assert_not(rs_partial_name_of(".x.db.123.aB3xYz.partial", "db"));
  cr_assert_not(rs_partial_name_of("x.db.123.aB3xYz.partial", "x.db"));
  cr_assert_not(rs_partial_name_of(".x.db.123.aB3xYz.part", "x.db"));
  cr_assert_not(rs_partial_name_of(".x.db.5.123456.partial", "x.db.5"), "pid missing for x.db.5");
}

/* A partial file is named after its writer, locked while written, and
 * renamed whole; abandoned, it is gone. */
Test(file, partial_written_whole) {
  char path[600], want[700], err[1200] = "";
  in_dir(path, sizeof path, "out.db");
  rs_partial p;
  cr_assert_eq(rs_partial_open(&p, path, err, sizeof err), 0, "%s", err);
  snprintf(want, sizeof want, "%s/.out.db.%ld.", dir, (long)getpid());
  cr_assert(strncmp(p.tmp, want, strlen(want)) == 0, "%s", p.tmp);
  cr_assert(rs_partial_name_of(strrchr(p.tmp, '/') + 1, "out.db"), "%s", p.tmp);
  cr_assert_not(lockable(p.tmp), "the writer does not hold its partial file");
  struct stat st;
  cr_assert_eq(stat(p.tmp, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0666 & ~umask(022), "as readable as any file: %o", st.st_mode & 0777);
  cr_assert_eq(write(p.fd, "whole\n", 6), 6);
  char tmp[700];
  snprintf(tmp, sizeof tmp, "%s", p.tmp);
  cr_assert_eq(rs_partial_commit(&p, err, sizeof err), 0, "%s", err);
  cr_assert_eq(access(tmp, F_OK), -1, "the partial file is still there");
  FILE *f = fopen(path, "r");
  char got[16] = "";
  cr_assert_not_null(f);
  cr_assert_not_null(fgets(got, sizeof got, f));
  fclose(f);
  cr_assert_str_eq(got, "whole\n");
  cr_assert_eq(rs_partial_open(&p, path, err, sizeof err), 0, "%s", err);
  snprintf(tmp, sizeof tmp, "%s", p.tmp);
  rs_partial_abandon(&p);
  cr_assert_eq(access(tmp, F_OK), -1, "abandoned, it is still there");
  rs_partial_abandon(&p); /* harmless */
}

/* A partial file that no writer holds is removed by the next writer of the
 * same name; one a live writer holds, or another name's, is not. */
Test(file, stale_partials_are_removed_and_live_ones_kept) {
  char path[600], stale[600], other[600], old[600], err[1200] = "";
  in_dir(path, sizeof path, "out.db");
  touch(in_dir(stale, sizeof stale, ".out.db.4194304.Zz9Zz9.partial"));
  touch(in_dir(other, sizeof other, ".other.db.4194304.Zz9Zz9.partial"));
  touch(in_dir(old, sizeof old, ".out.db.Zz9Zz9.partial")); /* no writer's id: not ours to judge */
  rs_partial live;
  cr_assert_eq(rs_partial_open(&live, path, err, sizeof err), 0, "%s", err);
  cr_assert_eq(access(stale, F_OK), -1, "the stale partial file is still there");
  cr_assert_eq(access(other, F_OK), 0, "another name's partial file was removed");
  cr_assert_eq(access(old, F_OK), 0);
  /* A second writer of the same name, in this process or another: the
   * lock is on the open file, so the first one's file stays. */
  rs_partial second;
  cr_assert_eq(rs_partial_open(&second, path, err, sizeof err), 0, "%s", err);
  cr_assert_eq(access(live.tmp, F_OK), 0, "a live writer's partial file was removed");
  cr_assert_eq(rs_partial_clean(path), 0);
  rs_partial_abandon(&second);
  /* Its writer gone (here: its lock released), it is stale. */
  close(live.fd);
  live.fd = -1;
  cr_assert_eq(rs_partial_clean(path), 1);
  cr_assert_eq(access(live.tmp, F_OK), -1);
  rs_partial_abandon(&live);
  /* A FIFO under a partial file's name is not waited on, nor removed. */
  char fifo[600];
  cr_assert_eq(mkfifo(in_dir(fifo, sizeof fifo, ".out.db.1.aaaaaa.partial"), 0644), 0);
  cr_assert_eq(rs_partial_clean(path), 0);
  cr_assert_eq(access(fifo, F_OK), 0);
}
