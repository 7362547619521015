/* The romsim command: shared declarations of its subcommands. */
#ifndef ROMSIM_CLI_H
#define ROMSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses, the same for every subcommand. */
enum {
  EXIT_HELD = 0,        /* every expectation held */
  EXIT_FAILED = 1,      /* an expectation failed */
  EXIT_USAGE = 2,       /* bad input or usage, or the results cannot be written */
  EXIT_INTERRUPTED = 3  /* stopped by SIGINT or SIGTERM */
};

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plan(int argc, char **argv);

/* Print "romsim: " and the message to stderr; return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write a file whole: fn writes it as PATH.partial, renamed to path once
 * complete, so a file under its final name is never cut short. fn returns
 * 0, or -1 when what it writes from failed (its caller says why): then the
 * partial file is removed and nothing is renamed. Returns 0, or EXIT_USAGE
 * (after printing why when writing failed). */
typedef int (*cli_writer)(FILE *out, const void *arg);
int cli_write_whole(const char *path, cli_writer fn, const void *arg);

/* Create folder dir unless it exists: 0, or EXIT_USAGE after printing why. */
int cli_mkdir(const char *dir);

/* Parse a seed: a decimal integer 0..2^64-1, digits only. 0, or -1. */
int cli_parse_seed(const char *s, uint64_t *out);

/* path without its extension, then suffix: "a/b.yaml" gives "a/b" + suffix,
 * or "b" + suffix without keep_dir. */
void cli_with_suffix(const char *path, bool keep_dir, const char *suffix, char *buf, size_t n);

/* Write s as a JSON string (quotes included). */
void cli_json_string(FILE *f, const char *s);

#endif
