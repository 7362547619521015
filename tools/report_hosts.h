/*
 * report_hosts: a run's physical hosts in its report (docs/hardware.md,
 * "Hosts"; docs/results.md for what is read).
 *
 * When the results file has hosts (nodes of role host), the report gets a
 * section of its own: a drawing of the hosts, each a box listing the
 * servers it runs (from the on_host events), the box and each server
 * coloured by their peak processor utilization against the run's cpu
 * threshold (a host asked for more processors than it has is red, and says
 * so); a table of each host's peaks (processors busy and asked for, the
 * least share its servers got, the memory committed to them); and two
 * charts over time, the hosts' processors busy and asked for. A run without
 * hosts gets none of it, and its report is as it was.
 *
 * Everything is read by report_hosts_load, before anything is written;
 * reading errors are kept in the file (rr_failed), as every reader's.
 */
#ifndef ROMSIM_REPORT_HOSTS_H
#define ROMSIM_REPORT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results_read.h"
#include "svg.h"

typedef struct report_hosts report_hosts;

/* Read the hosts of f for a report whose charts end at t_end seconds, with
 * the faults' bands given (kept by pointer: they must outlive the result).
 * NULL when the run has no hosts, or memory ran out (kept in f as an
 * error). */
report_hosts *report_hosts_load(rr_file *f, double t_end, const svg_band *faults, int n_faults);

/* The hosts' section of the report page: its heading, the drawing, the
 * table and the charts. */
void report_hosts_write(FILE *out, const report_hosts *h);

/* The ids of the hosts' drawings (the files report_hosts_svg writes, as
 * ID.svg): i from 0, NULL past the last. */
const char *report_hosts_chart_id(size_t i);

/* Write the drawing (i 0) or a chart (1, 2) of h as a standalone SVG file
 * (for --svg). */
void report_hosts_svg(FILE *out, const report_hosts *h, size_t i);

void report_hosts_free(report_hosts *h);

#endif
