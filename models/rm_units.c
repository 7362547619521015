/* rm_units: parsing and printing sizes and rates. */
#include "rm_units.h"

#include <stdio.h>
#include <string.h>

/* The number at the start of s: digits with at most one '.', read as an
 * integer mantissa and the count of digits after the point, so that
 * decimal fractions stay exact. Returns its length (0 when there is none,
 * or more than 18 digits). */
static size_t number(const char *s, size_t len, uint64_t *mantissa, int *frac) {
  size_t i = 0;
  int dot = 0, digits = 0;
  uint64_t m = 0;
  *frac = 0;
  while (i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !dot))) {
    if (s[i] == '.') {
      dot = 1;
    } else {
      if (++digits > 18) return 0;
      m = m * 10 + (uint64_t)(s[i] - '0');
      if (dot) (*frac)++;
    }
    i++;
  }
  if (!digits) return 0;
  *mantissa = m;
  return i;
}

static const uint64_t pow10[] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
                                 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
                                 1000000000000ull, 10000000000000ull, 100000000000000ull,
                                 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
                                 1000000000000000000ull};

/* A number followed by one of the n unit names: its mantissa, decimal
 * digits and the unit's scale. Returns 0, or -1 with the error's offset. */
static int quantity(const char *s, size_t len, const char *const *names, const double *scales, size_t n,
                    uint64_t *m, int *frac, double *scale, size_t *err_off) {
  size_t i = number(s, len, m, frac);
  if (!i) {
    *err_off = 0;
    return -1;
  }
  for (size_t k = 0; k < n; k++)
    if (strlen(names[k]) == len - i && memcmp(s + i, names[k], len - i) == 0) {
      *scale = scales[k];
      return 0;
    }
  *err_off = i;
  return -1;
}

int rm_size_parse(const char *s, size_t len, int64_t *out, size_t *err_off) {
  static const char *const names[] = {"B", "KB", "MB", "GB"};
  static const double scales[] = {1.0, 1024.0, 1048576.0, 1073741824.0};
  uint64_t m;
  int frac;
  double scale;
  if (quantity(s, len, names, scales, 4, &m, &frac, &scale, err_off)) return -1;
  /* Exact: mantissa x scale / 10^frac must be a whole number of bytes. */
  unsigned __int128 b = (unsigned __int128)m * (uint64_t)scale;
  if (b % pow10[frac] != 0 || b / pow10[frac] > (unsigned __int128)INT64_MAX) {
    *err_off = 0;
    return -1;
  }
  *out = (int64_t)(b / pow10[frac]);
  return 0;
}

int rm_rate_parse(const char *s, size_t len, double *out, size_t *err_off) {
  static const char *const names[] = {"B/s", "KB/s", "MB/s", "GB/s", "bit/s", "Kbit/s", "Mbit/s", "Gbit/s"};
  static const double scales[] = {1.0, 1024.0, 1048576.0, 1073741824.0, 0.125, 125.0, 125000.0, 125000000.0};
  uint64_t m;
  int frac;
  double scale;
  if (quantity(s, len, names, scales, 8, &m, &frac, &scale, err_off)) return -1;
  *out = (double)m / (double)pow10[frac] * scale;
  return 0;
}

char *rm_size_format(int64_t bytes, char *buf, size_t n) {
  static const char *names[] = {"B", "KB", "MB", "GB", "TB"};
  double v = (double)bytes;
  int k = 0;
  /* Choose the unit from the value as it will print, rounded: 1048575 B
   * is "1.00 MB", not "1024.0 KB". */
  while ((v >= 1023.95 || v <= -1023.95) && k < 4) {
    v /= 1024.0;
    k++;
  }
  if (k == 0)
    snprintf(buf, n, "%lld B", (long long)bytes);
  else
    snprintf(buf, n, "%.*f %s", v < 9.995 && v > -9.995 ? 2 : 1, v, names[k]);
  return buf;
}

char *rm_rate_format(double bytes_per_s, char *buf, size_t n) {
  static const char *names[] = {"bit/s", "Kbit/s", "Mbit/s", "Gbit/s"};
  double v = bytes_per_s * 8.0;
  int k = 0;
  while (v >= 999.5 && k < 3) {
    v /= 1000.0;
    k++;
  }
  snprintf(buf, n, "%.*f %s", v < 9.995 && v != (double)(int64_t)v ? 2 : v < 99.95 && v != (double)(int64_t)v ? 1 : 0,
           v, names[k]);
  return buf;
}
