/* Tests for rs_time: parsing and formatting of durations and clock readings. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rs_time.h"

/* Parse a whole C string; the duration is copied into an exactly sized heap
 * buffer without a NUL so that a read past len shows under ASan. */
static int parse(const char *s, rs_time_t *out, size_t *off) {
  size_t n = strlen(s);
  char *copy = malloc(n ? n : 1);
  cr_assert_not_null(copy);
  memcpy(copy, s, n);
  int rc = rs_duration_parse(copy, n, out, off);
  free(copy);
  return rc;
}

static void expect_ok(const char *s, rs_time_t want) {
  rs_time_t got = -12345;
  size_t off = 999;
  int rc = parse(s, &got, &off);
  cr_assert_eq(rc, 0, "\"%s\" should parse (failed at %zu)", s, off);
  cr_assert_eq(got, want, "\"%s\" gave %lld, want %lld", s, (long long)got, (long long)want);
}

static void expect_rc(const char *s, size_t want_off, int want_rc) {
  rs_time_t got = 0;
  size_t off = 999;
  int rc = parse(s, &got, &off);
  cr_assert_eq(rc, want_rc, "\"%s\" should be rejected with %d (gave %d, %lld)", s, want_rc, rc, (long long)got);
  cr_assert_eq(off, want_off, "\"%s\": error offset %zu, want %zu", s, off, want_off);
}

static void expect_err(const char *s, size_t want_off) { expect_rc(s, want_off, -1); }

/* Well formed, but longer than rs_time_t holds. */
static void expect_too_long(const char *s, size_t want_off) { expect_rc(s, want_off, RS_DURATION_TOO_LONG); }

Test(time, unit_constants) {
  cr_assert_eq(RS_SEC, 1000000);
  cr_assert_eq(RS_MSEC, 1000);
  cr_assert_eq(RS_MIN, 60 * 1000000LL);
  cr_assert_eq(RS_HOUR, 3600 * 1000000LL);
  cr_assert_eq(RS_DAY, 86400 * 1000000LL);
}

Test(time, parse_single_units) {
  expect_ok("90s", 90000000LL);
  expect_ok("5m", 300000000LL);
  expect_ok("24h", 86400000000LL);
  expect_ok("250ms", 250000LL);
  expect_ok("2d", 172800000000LL);
  expect_ok("100us", 100LL);
  expect_ok("0s", 0);
  expect_ok("0us", 0);
  expect_ok("1us", 1);
  expect_ok("007s", 7000000LL);
}

Test(time, parse_chained_units) {
  expect_ok("1h30m", 5400000000LL);
  expect_ok("1m30s", 90000000LL); /* "m" followed by a digit is minutes */
  expect_ok("1s500ms", 1500000LL);
  expect_ok("1m5ms", 60005000LL); /* minutes then milliseconds */
  expect_ok("1ms5us", 1005LL);
  expect_ok("1d2h3m4s5ms6us", 86400000000LL + 7200000000LL + 180000000LL + 4000000LL + 5000LL + 6LL);
  expect_ok("2d0h", 172800000000LL);
  expect_ok("36h", 129600000000LL); /* a part may exceed the next unit up */
  expect_ok("90m", 5400000000LL);
}

Test(time, parse_ms_is_not_minutes) {
  rs_time_t a, b;
  cr_assert_eq(parse("5ms", &a, NULL), 0);
  cr_assert_eq(parse("5m", &b, NULL), 0);
  cr_assert_eq(a, 5 * RS_MSEC);
  cr_assert_eq(b, 5 * RS_MIN);
}

Test(time, parse_extremes) {
  expect_ok("9223372036854775807us", INT64_MAX);
  expect_ok("106751991d", 106751991LL * 86400000000LL);
  expect_ok("106751991d4h0m54s775ms807us", INT64_MAX);
  expect_ok("106751991d4h54s775ms807us", INT64_MAX);
}

Test(time, parse_uses_only_len_bytes) {
  rs_time_t t = 0;
  const char *s = "90s and more";
  cr_assert_eq(rs_duration_parse(s, 3, &t, NULL), 0);
  cr_assert_eq(t, 90 * RS_SEC);
  cr_assert_eq(rs_duration_parse("1h30m", 2, &t, NULL), 0);
  cr_assert_eq(t, RS_HOUR);
  /* Cut inside "ms": "5m" is five minutes. */
  cr_assert_eq(rs_duration_parse("5ms", 2, &t, NULL), 0);
  cr_assert_eq(t, 5 * RS_MIN);
  /* Cut before a unit: the number lacks its unit. */
  size_t off = 99;
  cr_assert_eq(rs_duration_parse("1h30m", 4, &t, &off), -1);
  cr_assert_eq(off, 4);
}

Test(time, parse_errors_and_offsets) {
  expect_err("", 0);
  expect_err("5", 1);        /* number without a unit: error at the end */
  expect_err("5x", 1);       /* unknown unit */
  expect_err("h", 0);        /* unit without a number */
  expect_err("1m1h", 3);     /* units out of order: the offending unit */
  expect_err("1s1s", 3);     /* the same unit twice */
  expect_err("1ms1s", 4);    /* ms is smaller than s */
  expect_err("1us1ms", 4);
  expect_err("1h30", 4);     /* last number lacks a unit */
  expect_err("1h 30m", 2);   /* no spaces */
  expect_err(" 5s", 0);
  expect_err("5s ", 2);
  expect_err("-5s", 0);      /* no sign */
  expect_err("+5s", 0);
  expect_err("5S", 1);       /* units are lower case */
  expect_err("5sec", 1);     /* a unit is not a prefix of a word */
  expect_err("5hh", 1);
  expect_err("1.5s", 1);     /* no fractions */
  expect_err("1h30mx", 4);   /* "mx" is no unit */
}

Test(time, parse_overflow_offsets) {
  /* The number itself does not fit in 64 bits: the error is at its start. */
  expect_too_long("99999999999999999999d", 0);
  expect_too_long("9223372036854775808us", 0);
  expect_too_long("1d99999999999999999999s", 2);
  /* The number fits but times its unit does not. */
  expect_too_long("106751992d", 0);
  expect_too_long("9999999999999999h", 0);
  /* Every part fits but the sum does not: the part that overflows. */
  expect_too_long("106751991d5h", 10);
  expect_too_long("106751991d4h0m54s775ms808us", 22);
  expect_ok("106751991d4h0m54s775ms807us", RS_TIME_MAX);
}

Test(time, parse_err_off_may_be_null) {
  rs_time_t t = 0;
  cr_assert_eq(rs_duration_parse("5x", 2, &t, NULL), -1);
  cr_assert_eq(rs_duration_parse("", 0, &t, NULL), -1);
}

static void expect_format(rs_time_t t, const char *want) {
  char buf[64];
  memset(buf, 'Z', sizeof buf);
  char *ret = rs_duration_format(t, buf, sizeof buf);
  cr_assert_eq(ret, buf);
  cr_assert_str_eq(buf, want, "format(%lld)", (long long)t);
}

Test(time, format_examples) {
  expect_format(0, "0s");
  expect_format(90 * RS_MIN, "1h30m");
  expect_format(250 * RS_MSEC, "250ms");
  expect_format(90 * RS_SEC, "1m30s");
  expect_format(2 * RS_DAY, "2d");
  expect_format(100, "100us");
  expect_format(1, "1us");
  expect_format(RS_DAY + 1, "1d"); /* a second or more: whole seconds */
  expect_format(1500 * RS_MSEC, "1s");
  expect_format(RS_DAY + 2 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC + 5 * RS_MSEC + 6, "1d2h3m4s");
  expect_format(-90 * RS_SEC, "-1m30s");
}

/* Whole seconds from a second up, truncated, never rounded up; below a
 * second, milliseconds and microseconds. */
Test(time, format_whole_seconds_truncated) {
  expect_format(2 * RS_MIN + 49 * RS_SEC + 38 * RS_MSEC + 78, "2m49s");
  expect_format(RS_HOUR + 51 * RS_MIN + 57 * RS_SEC + 634 * RS_MSEC + 92, "1h51m57s");
  expect_format(RS_SEC + 999999, "1s");        /* 1.999999 s: floor, not 2s */
  expect_format(59 * RS_SEC + 999 * RS_MSEC, "59s");
  expect_format(RS_MIN - 1, "59s");
  expect_format(RS_SEC, "1s");
  expect_format(RS_SEC - 1, "999ms999us");     /* under a second: kept */
  expect_format(RS_MSEC + 500, "1ms500us");
  expect_format(-(RS_SEC + 500 * RS_MSEC), "-1s"); /* the magnitude truncated */
  expect_format(-500 * RS_MSEC, "-500ms");
  /* Whole seconds parse back to the value truncated. */
  uint64_t x = 7;
  for (int i = 0; i < 100000; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    rs_time_t t = (rs_time_t)(x >> (1 + (x & 31)));
    char buf[64];
    rs_time_t back;
    rs_duration_format(t, buf, sizeof buf);
    cr_assert_eq(rs_duration_parse(buf, strlen(buf), &back, NULL), 0, "%s", buf);
    cr_assert_eq(back, t < RS_SEC ? t : t / RS_SEC * RS_SEC, "%lld gives %s", (long long)t, buf);
  }
}

static void expect_exact(rs_time_t t, const char *want) {
  char buf[64];
  cr_assert_str_eq(rs_duration_format_exact(t, buf, sizeof buf), want, "exact(%lld)", (long long)t);
}

/* The exact form keeps every unit. */
Test(time, format_exact_examples) {
  expect_exact(0, "0s");
  expect_exact(RS_DAY + 1, "1d1us");
  expect_exact(1500 * RS_MSEC, "1s500ms");
  expect_exact(2 * RS_MIN + 49 * RS_SEC + 38 * RS_MSEC + 78, "2m49s38ms78us");
  expect_exact(RS_DAY + 2 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC + 5 * RS_MSEC + 6, "1d2h3m4s5ms6us");
  expect_exact(250 * RS_MSEC, "250ms");
  expect_exact(-90 * RS_SEC, "-1m30s");
}

/* parse(format_exact(t)) == t. */
static void round_trip(rs_time_t t) {
  char buf[64];
  rs_duration_format_exact(t, buf, sizeof buf);
  rs_time_t back = -1;
  size_t off = 999;
  int rc = rs_duration_parse(buf, strlen(buf), &back, &off);
  cr_assert_eq(rc, 0, "format(%lld) = \"%s\" does not parse (offset %zu)", (long long)t, buf, off);
  cr_assert_eq(back, t, "format(%lld) = \"%s\" parses back as %lld", (long long)t, buf, (long long)back);
}

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

Test(time, format_round_trips) {
  static const rs_time_t units[] = {1, RS_MSEC, RS_SEC, RS_MIN, RS_HOUR, RS_DAY};
  /* Every unit, its neighbours and small multiples. */
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
    for (rs_time_t k = 0; k < 1000; k++) {
      round_trip(k * units[u]);
      round_trip(k * units[u] + 1);
      if (k * units[u] > 0) round_trip(k * units[u] - 1);
    }
  /* Powers of two and their neighbours, and the largest time. */
  for (int b = 0; b < 63; b++) {
    rs_time_t p = (rs_time_t)1 << b;
    round_trip(p);
    round_trip(p - 1);
    round_trip(p + 1);
  }
  round_trip(INT64_MAX);
  round_trip(INT64_MAX - 1);
  /* Random values of every magnitude. */
  uint64_t seed = 42;
  for (int i = 0; i < 200000; i++) {
    uint64_t r = splitmix(&seed);
    int shift = (int)(r & 63);
    round_trip((rs_time_t)((splitmix(&seed) >> 1) >> shift));
  }
}

/* format_exact(parse(s)) == s for text already in the compact form, and
 * format(parse(s)) == s for the texts format writes. */
Test(time, canonical_text_round_trips) {
  static const char *const texts[] = {"0s",    "1us",   "250ms", "1h30m", "2d", "1d1us", "1m30s",
                                      "23h59m59s999ms999us", "106751991d4h54s775ms807us"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    rs_time_t t;
    cr_assert_eq(rs_duration_parse(texts[i], strlen(texts[i]), &t, NULL), 0);
    char buf[64];
    cr_assert_str_eq(rs_duration_format_exact(t, buf, sizeof buf), texts[i]);
  }
  static const char *const whole[] = {"0s", "1us", "999ms999us", "1s", "1h30m", "2d", "1m30s", "23h59m59s",
                                      "106751991d4h54s"};
  for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
    rs_time_t t;
    cr_assert_eq(rs_duration_parse(whole[i], strlen(whole[i]), &t, NULL), 0);
    char buf[64];
    cr_assert_str_eq(rs_duration_format(t, buf, sizeof buf), whole[i]);
  }
}

Test(time, format_small_buffers) {
  char full[64];
  rs_duration_format(RS_DAY + 2 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC, full, sizeof full);
  for (size_t n = 1; n < strlen(full) + 2; n++) {
    char buf[64];
    memset(buf, 'Z', sizeof buf);
    rs_duration_format(RS_DAY + 2 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC, buf, n);
    size_t len = strnlen(buf, n);
    cr_assert_lt(len, n, "not NUL-terminated within %zu bytes", n);
    cr_assert_eq(strncmp(buf, full, len), 0, "truncated output is not a prefix");
    cr_assert_eq(buf[n], 'Z', "wrote past the buffer of %zu bytes", n);
  }
  /* n == 0 writes nothing. */
  char one = 'Z';
  rs_duration_format(5 * RS_SEC, &one, 0);
  cr_assert_eq(one, 'Z');
}

static void expect_clock(rs_time_t t, const char *want) {
  char buf[64];
  memset(buf, 'Z', sizeof buf);
  char *ret = rs_clock_format(t, buf, sizeof buf);
  cr_assert_eq(ret, buf);
  cr_assert_str_eq(buf, want, "clock(%lld)", (long long)t);
}

Test(time, clock_format) {
  expect_clock(0, "00:00:00");
  expect_clock(RS_SEC, "00:00:01");
  expect_clock(90 * RS_SEC, "00:01:30");
  expect_clock(90 * RS_MIN, "01:30:00");
  expect_clock(23 * RS_HOUR + 59 * RS_MIN + 59 * RS_SEC, "23:59:59");
  expect_clock(RS_DAY, "24:00:00");         /* hours go past 24 */
  expect_clock(2 * RS_DAY + 3 * RS_HOUR, "51:00:00");
  expect_clock(100 * RS_HOUR + 5 * RS_SEC, "100:00:05");
  expect_clock(1500 * RS_MSEC, "00:00:01"); /* from a second up: whole seconds, truncated */
  expect_clock(RS_MSEC, "00:00:00.001");     /* below a second: the fraction, as .mmm */
  expect_clock(250 * RS_MSEC, "00:00:00.250");
  expect_clock(59 * RS_SEC + 999 * RS_MSEC, "00:00:59");
  expect_clock(RS_DAY + 2 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC + 5 * RS_MSEC, "26:03:04");
  expect_clock(RS_HOUR + 4 * RS_MIN + 17 * RS_SEC + 559476, "01:04:17"); /* not 01:04:18 */
  expect_clock(RS_MIN - 1, "00:00:59");
}

Test(time, clock_format_small_buffer) {
  char buf[8];
  memset(buf, 'Z', sizeof buf);
  rs_clock_format(26 * RS_HOUR + 3 * RS_MIN + 4 * RS_SEC, buf, 6);
  cr_assert_str_eq(buf, "26:03");
  cr_assert_eq(buf[6], 'Z');
}

Test(time, sub_millisecond_and_extremes) {
  char buf[64];
  expect_clock(500, "00:00:00.000500"); /* below a millisecond: microseconds */
  expect_clock(RS_SEC - 1, "00:00:00.999999");
  expect_clock(RS_SEC + 1, "00:00:01");
  expect_clock(-90 * RS_SEC, "-00:01:30");
  expect_clock(-500 * RS_MSEC, "-00:00:00.500");
  expect_clock(INT64_MIN, "-2562047788:00:54");
  cr_assert_str_eq(rs_duration_format(INT64_MIN, buf, sizeof buf), "-106751991d4h54s");
  cr_assert_str_eq(rs_duration_format(INT64_MAX, buf, sizeof buf), "106751991d4h54s");
  cr_assert_str_eq(rs_duration_format_exact(INT64_MIN, buf, sizeof buf), "-106751991d4h54s775ms808us");
  cr_assert_str_eq(rs_duration_format_exact(INT64_MAX, buf, sizeof buf), "106751991d4h54s775ms807us");
}
