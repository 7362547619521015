/* svg: the chart writer of svg.h. */
#include "svg.h"

#include <math.h>
#include <string.h>

#define W 960
#define H 300
#define ML 96   /* margins: left, right (legend), top, bottom */
#define MR 200
#define MT 36
#define MB 48

static const char *palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"};

void svg_escape(FILE *out, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80) { /* copy whole UTF-8 characters only */
      size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0, k = 1;
      while (want && k < want && ((unsigned char)s[k] & 0xC0) == 0x80) k++;
      if (!want || k < want) continue; /* a stray or cut byte: left out */
      fwrite(s, 1, want, out);
      s += want - 1;
      continue;
    }
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
      /* Control characters are not allowed in XML: shown as '?'. */
      fputc(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : *s, out);
    }
  }
}

/* A round step giving about `want` ticks up to max. */
static double nice_step(double max, int want) {
  double raw = max / want, p = pow(10, floor(log10(raw))), m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The unit ticks are counted in for values up to top: a divisor and its
 * name (bytes in KB, MB, GB; milliseconds in s or min when large). */
typedef struct {
  double div;
  char name[16];
} scale;

static scale scale_for(double top, svg_unit u) {
  static const char *bytes[] = {"B", "KB", "MB", "GB", "TB"};
  scale sc = {1, ""};
  if (u == SVG_BYTES || u == SVG_RATE) {
    int k = 0;
    while (top / sc.div >= 1024 && k < 4) sc.div *= 1024, k++;
    snprintf(sc.name, sizeof sc.name, "%s%s", bytes[k], u == SVG_RATE ? "/s" : "");
  } else if (u == SVG_SHARE) {
    sc.div = 0.01;
    snprintf(sc.name, sizeof sc.name, "%%");
  } else if (u == SVG_MS) {
    if (top >= 600000)
      sc.div = 60000, snprintf(sc.name, sizeof sc.name, "min");
    else if (top >= 10000)
      sc.div = 1000, snprintf(sc.name, sizeof sc.name, "s");
    else
      snprintf(sc.name, sizeof sc.name, "ms");
  }
  return sc;
}

static void tick_label(char *buf, size_t n, double v, const scale *sc) {
  double x = round(v / sc->div * 1e6) / 1e6; /* 0.6 / 0.01 is 59.99999999999999 */
  if (sc->name[0])
    snprintf(buf, n, "%.*f %s", fabs(x) < 10 && x != floor(x) ? 2 : x != floor(x) ? 1 : 0, x, sc->name);
  else
    snprintf(buf, n, "%.*f", x != floor(x) ? 2 : 0, x);
}

static double x_of(const svg_chart *c, double t) { return ML + (W - ML - MR) * (c->t_end > 0 ? t / c->t_end : 0); }
static double y_of(double v, double top) { return H - MB - (H - MT - MB) * (top > 0 ? v / top : 0); }

static void polyline(FILE *out, const svg_chart *c, const svg_series *s, double top, const char *color) {
  if (s->n == 1) { /* one sample: a dot */
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x_of(c, s->t[0]), y_of(s->v[0], top), color);
    return;
  }
  fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
  for (int i = 0; i < s->n; i++) fprintf(out, "%s%.1f,%.1f", i ? " " : "", x_of(c, s->t[i]), y_of(s->v[i], top));
  fputs("\"/>\n", out);
}

void svg_write(FILE *out, const svg_chart *c, bool standalone) {
  double top = c->limit > 0 ? c->limit : 0;
  for (int k = 0; k < c->n_series; k++)
    for (int i = 0; i < c->series[k].n; i++)
      if (c->series[k].v[i] > top) top = c->series[k].v[i];
  if (c->envelope_hi)
    for (int i = 0; i < c->envelope_hi->n; i++)
      if (c->envelope_hi->v[i] > top) top = c->envelope_hi->v[i];
  scale sc = scale_for(top, c->unit);
  /* Ticks at round numbers of the unit shown. */
  double ystep = nice_step((top > 0 ? top * 1.05 : 1) / sc.div, 5) * sc.div;
  /* Counts and bytes come whole: no tick between 0 and 1. */
  if (c->unit != SVG_MS && c->unit != SVG_SHARE && ystep < 1) ystep = 1;
  top = ceil((top > 0 ? top * 1.05 : sc.div) / ystep) * ystep;
  if (standalone) fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
  fprintf(out, "<svg %sid=\"%s\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
          standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", c->id, W, H, W, H);
  fputs("<title>", out);
  svg_escape(out, c->title);
  fputs("</title>\n<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", out);
  fprintf(out, "<text x=\"%d\" y=\"22\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\">", ML);
  svg_escape(out, c->title);
  fputs("</text>\n", out);
  /* Faults: shaded bands, labelled. */
  for (int f = 0; f < c->n_faults; f++) {
    if (c->faults[f].t0 >= c->t_end) continue; /* after the run's end (an interrupted run) */
    double t1 = c->faults[f].t1 < 0 || c->faults[f].t1 > c->t_end ? c->t_end : c->faults[f].t1;
    double x0 = x_of(c, c->faults[f].t0), x1 = x_of(c, t1);
    if (x1 - x0 < 1) x1 = x0 + 1;
    fprintf(out, "<rect class=\"fault\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f4a582\" "
                 "fill-opacity=\"0.35\"><title>",
            x0, MT, x1 - x0, H - MT - MB);
    svg_escape(out, c->faults[f].label);
    fprintf(out, "</title></rect>\n<text x=\"%.1f\" y=\"%d\" font-family=\"sans-serif\" font-size=\"10\" "
                 "fill=\"#b2182b\">",
            x0 + 2, MT + 10 + 11 * (f % 3));
    svg_escape(out, c->faults[f].label);
    fputs("</text>\n", out);
  }
  /* Marks: a thin line at each, its label at the top. */
  for (int k = 0; k < c->n_marks; k++) {
    if (c->marks[k].t0 > c->t_end) continue;
    double x = x_of(c, c->marks[k].t0);
    fprintf(out, "<g class=\"peak\"><title>");
    svg_escape(out, c->marks[k].label);
    fprintf(out, "</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#5e3c99\" stroke-width=\"1\" "
                 "stroke-dasharray=\"2 2\"/><text x=\"%.1f\" y=\"%d\" font-family=\"sans-serif\" font-size=\"10\" "
                 "fill=\"#5e3c99\" text-anchor=\"end\">",
            x, MT, x, H - MB, x - 2, H - MB - 4 - 11 * (k % 3));
    /* The label's first words, up to its colon. */
    const char *l = c->marks[k].label, *colon = strchr(l, ':');
    char head[64];
    snprintf(head, sizeof head, "%.*s", colon ? (int)(colon - l) : (int)strlen(l), l);
    svg_escape(out, head);
    fputs("</text></g>\n", out);
  }
  /* Axes, ticks and grid. */
  fprintf(out, "<g font-family=\"sans-serif\" font-size=\"11\" fill=\"#333333\">\n");
  char lab[64];
  for (double v = 0; v <= top + ystep / 2; v += ystep) {
    double y = y_of(v, top);
    tick_label(lab, sizeof lab, v, &sc);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>", ML, y, W - MR, y);
    fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ML - 6, y + 4, lab);
  }
  static const double steps[] = {60,    300,    600,    900,     1800,    3600,    7200,     10800,
                                 21600, 43200,  86400,  172800,  604800,  1209600, 2419200, 7257600,
                                 31536000};
  double xstep = steps[0];
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    xstep = steps[i];
    if (c->t_end / xstep <= 10) break;
  }
  /* Past a day the days show: "Tue", "Tue 06:00" (time 0 is a Monday). */
  static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  bool by_day = c->t_end > 86400;
  for (double t = 0; t <= c->t_end + 1e-9; t += xstep) {
    double x = x_of(c, t);
    long m = (long)(t / 60);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999999\"/>", x, H - MB, x, H - MB + 4);
    if (!by_day)
      fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%02ld:%02ld</text>\n", x, H - MB + 16, m / 60,
              m % 60);
    else if (m % 1440 == 0)
      fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, H - MB + 16,
              days[m / 1440 % 7]);
    else
      fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s %02ld:%02ld</text>\n", x, H - MB + 16,
              days[m / 1440 % 7], m % 1440 / 60, m % 60);
  }
  fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>", ML, H - MB, W - MR, H - MB);
  fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n", ML, MT, ML, H - MB);
  fprintf(out, "<text class=\"x-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">simulated time (%s)</text>\n",
          (ML + W - MR) / 2, H - 10, by_day ? "day and time of day; time 0 is a Monday 00:00" : "hours:minutes");
  fprintf(out, "<text class=\"y-label\" x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">",
          (MT + H - MB) / 2, (MT + H - MB) / 2);
  svg_escape(out, c->y_label);
  fputs("</text>\n</g>\n", out);
  /* The others as a band, then each series, then the limit. */
  if (c->envelope_lo && c->envelope_hi && c->envelope_hi->n > 0) {
    fputs("<polygon class=\"envelope\" fill=\"#bbbbbb\" fill-opacity=\"0.5\" stroke=\"none\" points=\"", out);
    for (int i = 0; i < c->envelope_hi->n; i++)
      fprintf(out, "%.1f,%.1f ", x_of(c, c->envelope_hi->t[i]), y_of(c->envelope_hi->v[i], top));
    for (int i = c->envelope_lo->n - 1; i >= 0; i--)
      fprintf(out, "%.1f,%.1f ", x_of(c, c->envelope_lo->t[i]), y_of(c->envelope_lo->v[i], top));
    fputs("\"/>\n", out);
  }
  for (int k = 0; k < c->n_series; k++) {
    fprintf(out, "<g class=\"series\" data-name=\"");
    svg_escape(out, c->series[k].name);
    fputs("\">", out);
    polyline(out, c, &c->series[k], top, palette[k % 9]);
    fputs("</g>\n", out);
  }
  int points = c->envelope_hi ? c->envelope_hi->n : 0;
  for (int k = 0; k < c->n_series; k++) points += c->series[k].n;
  if (!points)
    fprintf(out, "<text class=\"no-data\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-family=\"sans-serif\" "
                 "font-size=\"14\" fill=\"#777777\">no data: nothing of this kind was sampled in this run</text>\n",
            ML + (W - ML - MR) / 2, MT + (H - MT - MB) / 2);
  if (c->limit > 0) {
    double y = y_of(c->limit, top);
    fprintf(out, "<line class=\"limit\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                 "stroke-dasharray=\"6 4\"/>\n",
            ML, y, W - MR, y, palette[9]);
  }
  /* The legend. */
  fprintf(out, "<g font-family=\"sans-serif\" font-size=\"11\">\n");
  int row = 0;
  for (int k = 0; k < c->n_series && row < 16; k++, row++) {
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">", W - MR + 12,
            MT + 14 * row + 4, palette[k % 9], W - MR + 30, MT + 14 * row + 8);
    svg_escape(out, c->series[k].name);
    fputs("</text>\n", out);
  }
  if (c->envelope_hi && c->envelope_hi->n > 0 && row < 16) {
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"8\" fill=\"#bbbbbb\"/><text x=\"%d\" y=\"%d\">",
            W - MR + 12, MT + 14 * row, W - MR + 30, MT + 14 * row + 8);
    svg_escape(out, c->envelope_name);
    fputs("</text>\n", out);
    row++;
  }
  if (c->limit > 0) {
    tick_label(lab, sizeof lab, c->limit, &sc);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"6 4\"/><text x=\"%d\" "
                 "y=\"%d\">",
            W - MR + 12, MT + 14 * row + 5, W - MR + 24, MT + 14 * row + 5, palette[9], W - MR + 30, MT + 14 * row + 8);
    svg_escape(out, c->limit_label ? c->limit_label : "limit");
    fprintf(out, " (%s)</text>\n", lab);
  }
  fputs("</g>\n</svg>\n", out);
}
