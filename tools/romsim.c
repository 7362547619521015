/*
 * romsim: simulate a Remote Ops Mgr management group.
 *
 * The entry point reads the subcommand and hands over to it; each
 * subcommand parses its own flags.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

static const char *usage_text =
    "usage: romsim COMMAND [ARGS]\n"
    "\n"
    "Simulate a Remote Ops Mgr management group event by event: agents, Essentials\n"
    "servers, gateways, management servers, the RMS and the SQL store.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       run a scenario, write a results file, print a summary\n"
    "  validate SCENARIO  read and check a scenario without running it\n"
    "  plan --customers 20x200 [--survive gateway]\n"
    "                     the smallest design that holds, written as a scenario\n"
    "  sweep SCENARIO [--fail each:gateway,ms] [--pairs]\n"
    "                     run the scenario once per failure, in parallel\n"
    "  merge -o SWEEP.db SHARD.db...\n"
    "                     join a sweep run in shards\n"
    "  serve SCENARIO [--speed 60x|max] [--listen HOST:PORT] [-o RESULTS.db]\n"
    "                     run it live behind a web page: watch it, break it, download the replay\n"
    "  report RESULTS.db [-o REPORT.html] [--svg DIR]\n"
    "                     a self-contained HTML report with charts over time\n"
    "  compare A.db B.db [-o COMPARE.html]\n"
    "                     two runs side by side, as text and HTML\n"
    "  export RESULTS.db --csv DIR\n"
    "                     write a results file's tables as CSV files\n"
    "\n"
    "options:\n"
    "  -h, --help         show this help (romsim COMMAND --help for a command's)\n"
    "  --version          print romsim's version\n"
    "\n"
    "exit status: 0 every expectation held, 1 one failed, 2 bad input or usage,\n"
    "3 interrupted.\n";

int main(int argc, char **argv) {
  /* A file past the size limit (ulimit -f) is a write error with a message
   * ("File too large"), not a process killed by SIGXFSZ with a partial file
   * left behind. */
  signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("romsim %s\n", ROMSIM_VERSION);
    return 0;
  }
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "validate") == 0) return cmd_validate(argc - 1, argv + 1);
  if (strcmp(cmd, "export") == 0) return cmd_export(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0) return cmd_report(argc - 1, argv + 1);
  if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0) return cmd_compare(argc - 1, argv + 1);
  if (strcmp(cmd, "sweep") == 0) return cmd_sweep(argc - 1, argv + 1);
  if (strcmp(cmd, "merge") == 0) return cmd_merge(argc - 1, argv + 1);
  if (strcmp(cmd, "plan") == 0) return cmd_plan(argc - 1, argv + 1);
  if (cmd[0] == '-') return cli_usage_error("unknown option '%s' (try romsim --help)", cmd);
  return cli_usage_error("unknown command '%s' (commands: run, serve, validate, plan, sweep, merge, report, compare, export; try romsim --help)", cmd);
}
