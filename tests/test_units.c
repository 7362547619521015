/* Sizes and rates as written in scenarios, and sizes as printed. */
#include <criterion/criterion.h>
#include <string.h>

#include "rm_units.h"

static int64_t size_ok(const char *s) {
  int64_t v = -1;
  size_t off = 12345;
  cr_assert_eq(rm_size_parse(s, strlen(s), &v, &off), 0, "'%s' rejected at offset %zu", s, off);
  return v;
}

/* Rejected, with the error at offset want. */
static void size_bad(const char *s, size_t want) {
  int64_t v = -1;
  size_t off = 12345;
  cr_assert_eq(rm_size_parse(s, strlen(s), &v, &off), -1, "'%s' accepted as %lld", s, (long long)v);
  cr_assert_eq(off, want, "'%s': error at %zu, expected %zu", s, off, want);
}

static double rate_ok(const char *s) {
  double v = -1;
  size_t off = 12345;
  cr_assert_eq(rm_rate_parse(s, strlen(s), &v, &off), 0, "'%s' rejected at offset %zu", s, off);
  return v;
}

static void rate_bad(const char *s, size_t want) {
  double v = -1;
  size_t off = 12345;
  cr_assert_eq(rm_rate_parse(s, strlen(s), &v, &off), -1, "'%s' accepted as %g", s, v);
  cr_assert_eq(off, want, "'%s': error at %zu, expected %zu", s, off, want);
}

static void format_is(int64_t bytes, const char *want) {
  char buf[32];
  memset(buf, 'x', sizeof buf);
  cr_assert_eq(rm_size_format(bytes, buf, sizeof buf), buf);
  cr_assert_str_eq(buf, want, "%lld bytes printed '%s', expected '%s'", (long long)bytes, buf, want);
}

Test(units, sizes) {
  cr_assert_eq(size_ok("512B"), 512);
  cr_assert_eq(size_ok("0B"), 0);
  cr_assert_eq(size_ok("1KB"), 1024);
  cr_assert_eq(size_ok("15MB"), 15728640);
  cr_assert_eq(size_ok("1GB"), 1073741824);
  cr_assert_eq(size_ok("1.5GB"), 1610612736);
  cr_assert_eq(size_ok("0.5KB"), 512);
  cr_assert_eq(size_ok("2.5KB"), 2560);
  cr_assert_eq(size_ok("0.125KB"), 128);
  /* 1024-based, as the Health Service counts: 15360 KB is 15 MB. */
  cr_assert_eq(size_ok("15360KB"), size_ok("15MB"));
  cr_assert_eq(size_ok("15360KB"), 15728640);
  cr_assert_eq(size_ok("2048MB"), size_ok("2GB"));
  /* Large sizes are exact. */
  cr_assert_eq(size_ok("4096GB"), 4398046511104);
  cr_assert_eq(size_ok("8000000000GB"), 8589934592000000000);
}

Test(units, size_only_reads_len_bytes) {
  int64_t v = -1;
  size_t off;
  /* "15MBx" cut to its first four bytes, as YAML scalars are passed. */
  cr_assert_eq(rm_size_parse("15MBx", 4, &v, &off), 0);
  cr_assert_eq(v, 15728640);
  cr_assert_eq(rm_size_parse("15MB", 3, &v, &off), -1);
  cr_assert_eq(off, 2);
}

Test(units, size_errors) {
  size_bad("", 0);        /* no number */
  size_bad("MB", 0);      /* no number */
  size_bad(".MB", 0);     /* a dot is not a number */
  size_bad("-1MB", 0);    /* no sign */
  size_bad("15", 2);      /* no unit */
  size_bad("15mb", 2);    /* units are case-sensitive */
  size_bad("15Mb", 2);
  size_bad("15kB", 2);
  size_bad("15 MB", 2);   /* no space */
  size_bad("15MB ", 2);   /* nothing after the unit */
  size_bad("15TB", 2);    /* no such unit */
  size_bad("15MiB", 2);
  size_bad("1.2.3MB", 3); /* one dot */
  size_bad("1.5B", 0);    /* not a whole number of bytes */
  size_bad("0.1KB", 0);   /* 102.4 bytes */
  size_bad("9000000000GB", 0); /* beyond 64 bits */
}

/* Sizes that are whole bytes though their decimal fraction has no exact
 * binary form (0.75 KB is 768 bytes): accepted, exactly. */
Test(units, exact_fractions_are_whole_bytes) {
  cr_assert_eq(size_ok("0.75KB"), 768);
  cr_assert_eq(size_ok("0.875KB"), 896);
  cr_assert_eq(size_ok("0.375MB"), 393216);
  cr_assert_eq(size_ok("1.75GB"), 1879048192);
  cr_assert_eq(size_ok("0.15625KB"), 160);
}

Test(units, rates) {
  /* Links: powers of 1000, in bits. */
  cr_assert_eq(rate_ok("2Mbit/s"), 250000.0);
  cr_assert_eq(rate_ok("1Gbit/s"), 125000000.0);
  cr_assert_eq(rate_ok("1Kbit/s"), 125.0);
  cr_assert_eq(rate_ok("8bit/s"), 1.0);
  cr_assert_eq(rate_ok("1bit/s"), 0.125);
  cr_assert_eq(rate_ok("1.5Mbit/s"), 187500.0);
  /* Bytes: powers of 1024. */
  cr_assert_eq(rate_ok("100B/s"), 100.0);
  cr_assert_eq(rate_ok("1KB/s"), 1024.0);
  cr_assert_eq(rate_ok("4MB/s"), 4194304.0);
  cr_assert_eq(rate_ok("1GB/s"), 1073741824.0);
  cr_assert_eq(rate_ok("0.5KB/s"), 512.0);
  /* A rate needs not be a whole number of bytes per second. */
  cr_assert_float_eq(rate_ok("0.1Mbit/s"), 12500.0, 1e-6);
  cr_assert_float_eq(rate_ok("1bit/s"), 0.125, 1e-12);
}

Test(units, rate_errors) {
  rate_bad("", 0);
  rate_bad("/s", 0);
  rate_bad("Mbit/s", 0);
  rate_bad("2", 1);
  rate_bad("2Mbps", 1);
  rate_bad("2 Mbit/s", 1);
  rate_bad("2mbit/s", 1);  /* case-sensitive */
  rate_bad("2MBit/s", 1);
  rate_bad("2Mbit", 1);    /* a rate, not an amount */
  rate_bad("2MB", 1);
  rate_bad("10Mbit/s ", 2);
  rate_bad("2Tbit/s", 1);
}

Test(units, format) {
  format_is(0, "0 B");
  format_is(1, "1 B");
  format_is(512, "512 B");
  format_is(1023, "1023 B");
  format_is(1024, "1.00 KB");
  format_is(1536, "1.50 KB");
  format_is(10240, "10.0 KB");
  format_is(15728640, "15.0 MB");
  format_is(1288490189, "1.20 GB");           /* 1.2 GB, to the byte */
  format_is((int64_t)5 << 30, "5.00 GB");
  format_is((int64_t)1 << 40, "1.00 TB");
  format_is((int64_t)2048 << 40, "2048.0 TB"); /* TB is the largest unit */
  format_is(-2048, "-2.00 KB");
}

Test(units, format_fits_the_buffer) {
  char buf[6];
  memset(buf, 'x', sizeof buf);
  rm_size_format(15728640, buf, sizeof buf);
  cr_assert_eq(buf[5], '\0');
  cr_assert_str_eq(buf, "15.0 ");
}

/* The unit and the decimals are chosen from the value as printed: a size
 * just under a unit prints as 1.00 of it, and just under 10 as "10.0". */
Test(units, format_rounds_into_the_next_unit) {
  format_is(1048575, "1.00 MB"); /* prints "1024.0 KB" */
  format_is(10239, "10.0 KB");   /* prints "10.00 KB" */
}

/* What is printed reads back as the same size, when it is exact. */
Test(units, format_reads_back) {
  static const int64_t sizes[] = {512, 1024, 1536, 2560, 15728640, (int64_t)3 << 30};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    char buf[32], compact[32];
    rm_size_format(sizes[i], buf, sizeof buf);
    /* Drop the space: "1.50 KB" -> "1.50KB". */
    size_t k = 0;
    for (const char *c = buf; *c; c++)
      if (*c != ' ') compact[k++] = *c;
    compact[k] = '\0';
    cr_assert_eq(size_ok(compact), sizes[i], "%s", compact);
  }
}
