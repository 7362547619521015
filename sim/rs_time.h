/*
 * rs_time: simulated time.
 *
 * Simulated time is a signed 64-bit count of microseconds since the start of
 * a run. Durations in scenarios are written as an integer and a unit, and
 * units may be chained: "250ms", "90s", "5m", "24h", "1h30m", "2d".
 */
#ifndef RS_TIME_H
#define RS_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t rs_time_t;

#define RS_USEC ((rs_time_t)1)
#define RS_MSEC ((rs_time_t)1000)
#define RS_SEC ((rs_time_t)1000000)
#define RS_MIN (60 * RS_SEC)
#define RS_HOUR (60 * RS_MIN)
#define RS_DAY (24 * RS_HOUR)
#define RS_TIME_MAX INT64_MAX

/*
 * Parse a duration such as "90s" or "1h30m" from the first len bytes of s.
 * Units: us, ms, s, m, h, d. Every number needs a unit; the parts must come
 * in decreasing unit order and the total must fit in rs_time_t.
 * On success stores the duration in *out and returns 0. On failure returns
 * -1 (malformed) or RS_DURATION_TOO_LONG (well formed, but over
 * RS_TIME_MAX, about 292 000 years) and, when err_off is not NULL, stores
 * the byte offset of the first offending character (the column of the
 * error, counting from 0).
 */
#define RS_DURATION_TOO_LONG (-2)
int rs_duration_parse(const char *s, size_t len, rs_time_t *out, size_t *err_off);

/*
 * Write t as a compact duration for people ("1h30m", "2m49s", "250ms", "0s")
 * into buf of size n, always NUL-terminated. Returns buf. A time of a second
 * or more is shown in whole seconds, truncated (floor of its magnitude:
 * 2m49s38ms78us is "2m49s", never rounded up); below a second it keeps its
 * milliseconds and microseconds ("250ms", "1ms500us").
 */
char *rs_duration_format(rs_time_t t, char *buf, size_t n);

/*
 * The same with every unit down to the microsecond ("2m49s38ms78us"), so
 * that rs_duration_parse gives t back exactly: for a value that is compared
 * with a limit, or written to be read again.
 */
char *rs_duration_format_exact(rs_time_t t, char *buf, size_t n);

/*
 * Write t as a clock reading "HH:MM:SS" (hours may exceed 24) into buf of
 * size n. Returns buf. As rs_duration_format, whole seconds, truncated
 * (01:04:17.559476 reads "01:04:17"); a time below a second shows its
 * fraction, as ".mmm", or ".uuuuuu" below a millisecond ("00:00:00.250").
 */
char *rs_clock_format(rs_time_t t, char *buf, size_t n);

#endif
