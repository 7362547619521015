/* report_sweep: romsim report of a sweep file (tools/report_sweep.c). */
#ifndef ROMSIM_REPORT_SWEEP_H
#define ROMSIM_REPORT_SWEEP_H

#include <stddef.h>

/* Write the sweep in file as an HTML page at out_path, and each chart as
 * its own SVG in svg_dir when given. Returns the exit status. */
int report_sweep(const char *file, const char *out_path, const char *svg_dir);

/* The name of the i-th chart's file (without .svg), or NULL past the last. */
const char *report_sweep_chart_id(size_t i);

#endif
