/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput for one reader of
 * untrusted input (a scenario, a replay, a results file). The same target
 * links either with libFuzzer (tools/fuzz.sh, for long campaigns) or with
 * fuzz_main.c, a small deterministic driver that the test suite runs for a
 * few seconds: every file of the corpus, then mutations of them drawn from a
 * fixed seed.
 */
#ifndef ROMSIM_FUZZ_H
#define ROMSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
