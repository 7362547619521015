/* rm_units: parsing and printing sizes and rates. */
#include "rm_units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The number at the start of s: digits with at most one '.'. Returns its
 * length (0 when there is none) and the value in *v. */
static size_t number(const char *s, size_t len, double *v) {
  size_t i = 0;
  int dot = 0, digits = 0;
  double x = 0, scale = 1;
  while (i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !dot))) {
    if (s[i] == '.') {
      dot = 1;
    } else {
      digits++;
      if (dot) {
        scale /= 10;
        x += (s[i] - '0') * scale;
      } else {
        x = x * 10 + (s[i] - '0');
      }
    }
    i++;
  }
  if (!digits) return 0;
  *v = x;
  return i;
}

static int unit(const char *s, size_t len, const char *const *names, const double *scales, size_t n, double *scale) {
  for (size_t k = 0; k < n; k++)
    if (strlen(names[k]) == len && memcmp(s, names[k], len) == 0) {
      *scale = scales[k];
      return 0;
    }
  return -1;
}

int rm_size_parse(const char *s, size_t len, int64_t *out, size_t *err_off) {
  static const char *const names[] = {"B", "KB", "MB", "GB"};
  static const double scales[] = {1.0, 1024.0, 1048576.0, 1073741824.0};
  double v, scale;
  size_t i = number(s, len, &v);
  if (!i) {
    *err_off = 0;
    return -1;
  }
  if (unit(s + i, len - i, names, scales, 4, &scale)) {
    *err_off = i;
    return -1;
  }
  double b = v * scale;
  if (b > 9.0e18 || b != floor(b)) {
    *err_off = 0;
    return -1;
  }
  *out = (int64_t)b;
  return 0;
}

int rm_rate_parse(const char *s, size_t len, double *out, size_t *err_off) {
  static const char *const names[] = {"B/s", "KB/s", "MB/s", "GB/s", "bit/s", "Kbit/s", "Mbit/s", "Gbit/s"};
  static const double scales[] = {1.0, 1024.0, 1048576.0, 1073741824.0, 0.125, 125.0, 125000.0, 125000000.0};
  double v, scale;
  size_t i = number(s, len, &v);
  if (!i) {
    *err_off = 0;
    return -1;
  }
  if (unit(s + i, len - i, names, scales, 8, &scale)) {
    *err_off = i;
    return -1;
  }
  *out = v * scale;
  return 0;
}

char *rm_size_format(int64_t bytes, char *buf, size_t n) {
  static const char *names[] = {"B", "KB", "MB", "GB", "TB"};
  double v = (double)bytes;
  int k = 0;
  while ((v >= 1024.0 || v <= -1024.0) && k < 4) {
    v /= 1024.0;
    k++;
  }
  if (k == 0)
    snprintf(buf, n, "%lld B", (long long)bytes);
  else
    snprintf(buf, n, "%.*f %s", v < 10 && v > -10 ? 2 : 1, v, names[k]);
  return buf;
}
