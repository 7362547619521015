/*
 * svg: a line chart over simulated time as SVG, for reports.
 *
 * Time runs along the x axis in hours:minutes (past a day: the day of the
 * week, time 0 a Monday, and the time of day); the y axis is labelled in
 * the chart's unit, scaled (KB, MB, GB for bytes). Faults are shaded bands
 * across the chart, labelled; marks (the run's peaks) are thin vertical
 * lines, labelled; a limit is a dashed red line; the nodes not
 * drawn one by one can be shown as a grey band (their lowest and highest).
 */
#ifndef ROMSIM_SVG_H
#define ROMSIM_SVG_H

#include <stdbool.h>
#include <stdio.h>

typedef struct {
  char name[96];
  double *t;                /* seconds */
  double *v;
  int n;
} svg_series;

typedef struct {
  double t0, t1;            /* seconds; t1 < 0: to the end */
  char label[256];
} svg_band;

typedef enum { SVG_COUNT, SVG_BYTES, SVG_RATE, SVG_MS, SVG_SHARE /* 0..1, shown in % */ } svg_unit;

typedef struct {
  const char *id;           /* the element's id, and the file name with --svg */
  const char *title;
  const char *y_label;      /* the y axis' title, unit included */
  svg_unit unit;
  double t_end;             /* seconds */
  svg_series *series;
  int n_series;
  svg_series *envelope_lo, *envelope_hi; /* the others, as a band; may be NULL */
  char envelope_name[96];
  double limit;             /* <= 0: none */
  const char *limit_label;
  const svg_band *faults;
  int n_faults;
  const svg_band *marks;    /* at t0, labelled; t1 unused */
  int n_marks;
} svg_chart;

/* Write the chart; standalone adds the XML declaration and namespace for a
 * file of its own. */
void svg_write(FILE *out, const svg_chart *c, bool standalone);

/* Write s with &, <, > and quotes escaped. */
void svg_escape(FILE *out, const char *s);

#endif
