/* Fuzz target: the replay reader, against a small design (every kind of
 * node and a start time, so wall-clock lines are read too). Any bytes
 * either add faults to the scenario or give one message naming the file;
 * never a crash or a leak. */
#include <string.h>

#include "fuzz.h"
#include "rm_replay.h"
#include "rm_scenario.h"

static const char design[] =
    "name: fuzz\nduration: 12h\nstart: 2026-11-20T00:00:00Z\nweb_console: true\n"
    "management_servers: {count: 2}\ngateways: {count: 3}\n"
    "customers:\n  - {count: 2, servers: 2, clients: 3}\n  - {name: big, count: 1, servers: 40, clients: 10, essentials: 2}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rm_scenario sc;
  char err[1024];
  if (rm_scenario_parse(&sc, "design.yaml", design, sizeof design - 1, err, sizeof err) != 0) __builtin_trap();
  err[0] = '\0';
  if (rm_replay_parse(&sc, "fuzz.csv", (const char *)data, size, err, sizeof err) != 0 &&
      strncmp(err, "fuzz.csv", 8) != 0)
    __builtin_trap(); /* a refusal always names the file */
  rm_scenario_free(&sc);
  return 0;
}
