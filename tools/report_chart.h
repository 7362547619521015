/*
 * report_chart: the charts of `romsim report` and `romsim compare`, read
 * from a results file.
 *
 * Series are read from the samples and thinned to at most REPORT_MAX_POINTS
 * per series by keeping each bucket's highest value (peaks stay visible);
 * roles with many nodes show the REPORT_MAX_NAMED highest by name and the
 * rest as a band, so the page stays small for a 100 000-agent run. Reads go
 * through results_read's checked functions: the first error is kept in the
 * file (rr_failed).
 */
#ifndef ROMSIM_REPORT_CHART_H
#define ROMSIM_REPORT_CHART_H

#include <stdbool.h>
#include <stdint.h>

#include "results_read.h"
#include "svg.h"

#define REPORT_MAX_POINTS 600
#define REPORT_MAX_NAMED 8

/* A chart and the series it holds (freed by report_free_chart). */
typedef struct {
  svg_chart chart;
  svg_series series[REPORT_MAX_NAMED + 4];
  svg_series lo, hi;        /* the nodes not named, as a band */
  bool has_envelope;
} report_chart;

/* Samples of (node, metric) in time order up to t_end seconds, thinned to
 * REPORT_MAX_POINTS by bucket maxima. node < 0: the whole group. Returns 0,
 * or -1 (memory ran out, or the error kept in f). */
int report_load_series(rr_file *f, int64_t node, const char *metric, svg_series *s, double t_end);

void report_free_series(svg_series *s, int n);

/* Fill d (its chart's t_end set) with a metric over the nodes of the roles
 * given (an SQL list: "'gateway','host'"), the highest peaks by name and
 * the others, called what ("gateways"), as a band. */
void report_role_chart(rr_file *f, report_chart *d, const char *roles, const char *metric, const char *what);

/* Fill d with n group metrics (node NULL), each labelled. */
void report_group_chart(rr_file *f, report_chart *d, const char *const *metrics, const char *const *labels, int n);

/* Free the series d holds. */
void report_free_chart(report_chart *d);

/* A figure of the run (figures.key), or -1 when it has none. */
double report_figure(rr_file *f, const char *key);

#endif
