/* Fuzz target: the scenario reader. Any bytes either load as a scenario or
 * give one message naming FILE:LINE:COL (or FILE:); never a crash, a leak
 * or an unterminated message. */
#include <string.h>

#include "fuzz.h"
#include "rm_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rm_scenario sc;
  char err[1024];
  err[0] = '\0';
  if (rm_scenario_parse(&sc, "fuzz.yaml", (const char *)data, size, err, sizeof err) == 0) {
    rm_scenario_free(&sc);
  } else if (strncmp(err, "fuzz.yaml:", 10) != 0 || !memchr(err, '\0', sizeof err)) {
    __builtin_trap(); /* a refusal always names the file */
  }
  return 0;
}
