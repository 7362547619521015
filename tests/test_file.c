/*
 * Tests for rs_file: the checks on a name before romsim writes a file
 * there.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
