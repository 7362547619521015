/* The romsim command: shared declarations of its subcommands. */
#ifndef ROMSIM_CLI_H
#define ROMSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rm_scenario.h"

/* Exit statuses, the same for every subcommand. */
enum {
  EXIT_HELD = 0,        /* every expectation held */
  EXIT_FAILED = 1,      /* an expectation failed */
  EXIT_USAGE = 2,       /* bad input or usage, or the results cannot be written */
  EXIT_INTERRUPTED = 3  /* stopped by SIGINT, SIGTERM or SIGHUP */
};

int cmd_run(int argc, char **argv);

/* The end of a run (status complete, interrupted or failed, its reason
 * then in err): judge a complete one (expectations failed in *failed), settle
 * an interrupted one's agents, record the story and the timeline, close
 * the results file (*res NULL after). Returns the status it ended with:
 * failed when any of that failed, err saying why. *recording (if not NULL):
 * the seconds the recorder was busy, its close included. romsim run's and
 * romsim serve's. */
struct rm_group;
struct rs_sim;
struct rs_results;
const char *cli_end_run(struct rm_group *g, struct rs_sim *sim, struct rs_results **res, const char *status,
                        int *failed, char *err, size_t errlen, double *recording);
int cmd_validate(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plan(int argc, char **argv);

/* Print "romsim: " and the message to stderr; return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Check, before any work, that path can take the output of command cmd
 * (what names it: "the results file"), which reads inputs (NULL-terminated,
 * or NULL): rs_file_check. 0, or EXIT_USAGE after printing why. */
int cli_check_output(const char *cmd, const char *path, const char *what, const char *const *inputs);

/* The same for a folder that takes files (export --csv, report --svg):
 * rs_file_check_folder, then, when it exists, each of its files[] (NULL-
 * terminated) as cli_check_output. 0, or EXIT_USAGE after printing why. */
int cli_check_folder(const char *cmd, const char *dir, const char *what, const char *const *files,
                     const char *const *inputs);

/* Write a file whole: fn writes it as a partial file (rs_partial: locked,
 * beside path), renamed to path once complete, so a file under its final
 * name is never cut short. fn returns NULL, or the message saying why it
 * could not write it all, such as the reading of a damaged file (the
 * partial file is then removed, and the message printed as it is). Returns
 * 0, or EXIT_USAGE after printing why. */
typedef const char *(*cli_writer)(FILE *out, const void *arg);
int cli_write_whole(const char *path, cli_writer fn, const void *arg);

/* Create folder dir unless it exists: 0, or EXIT_USAGE after printing why. */
int cli_mkdir(const char *dir);

/*
 * Numbers as flags write them, checked and never wrapped: decimal digits
 * only (a '-' first when min is below 0), no sign, space or other
 * character, within [min, max]. 0, or -1.
 */
int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* The same for flag FLAG of command CMD: 0, or EXIT_USAGE after "romsim:
 * CMD: FLAG needs a number from MIN to MAX, not 'S'". */
int cli_int_flag(const char *cmd, const char *flag, const char *s, int64_t min, int64_t max, int64_t *out);

/* A seed: a decimal integer 0..2^64-1, digits only. 0, or -1. */
int cli_parse_seed(const char *s, uint64_t *out);

/* A duration (90s, 1h30m) of at least min for flag FLAG of command CMD: 0,
 * or EXIT_USAGE after saying why (malformed, too long, too short). */
int cli_duration_flag(const char *cmd, const char *flag, const char *s, rs_time_t min, rs_time_t *out);

/* The memory a run may take unless --max-memory says otherwise: half of
 * the machine's physical memory (8 GB when it cannot be known). Half,
 * because a run that needs more competes with everything else the machine
 * runs and ends in the kernel's out-of-memory killer rather than with a
 * message; --max-memory allows more on a machine given to romsim. */
int64_t cli_default_memory(void);

/* The least --max-memory takes: what a run holds whatever its scenario. */
#define CLI_MIN_MEMORY ((int64_t)16 << 20)

/* Parse --max-memory's SIZE (as in a scenario: 8GB, 512MB) into *out: 0,
 * or EXIT_USAGE after saying why (cmd names the command). */
int cli_parse_memory(const char *cmd, const char *s, int64_t *out);

/*
 * Check that runs of sc (loaded from file) lasting duration fit in
 * max_memory bytes (0: cli_default_memory()), and that its random failures
 * are no event storm. A run: jobs NULL. A sweep: *jobs runs at once, each
 * reading the scenario again; when they do not fit and jobs_given is
 * false, *jobs is lowered to as many as fit (with a note). Returns 0 (with
 * the estimate in *need when need is not NULL), or EXIT_USAGE after
 * printing the estimate, its parts and the figure allowed.
 */
int cli_check_memory(const char *cmd, const char *file, const rm_scenario *sc, rs_time_t duration,
                     int64_t max_memory, int *jobs, bool jobs_given, int64_t *need);

/* path without its extension, then suffix: "a/b.yaml" gives "a/b" + suffix,
 * or "b" + suffix without keep_dir. */
void cli_with_suffix(const char *path, bool keep_dir, const char *suffix, char *buf, size_t n);

/* Write s as a JSON string (quotes included). */
void cli_json_string(FILE *f, const char *s);

#endif
