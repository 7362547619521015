/* rm_units: sizes and rates as written in scenarios. */
#ifndef RM_UNITS_H
#define RM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A size: a number and a unit, B, KB, MB or GB (powers of 1024, as the
 * Health Service counts its queue: 15360 KB = 15 MB). "15MB", "1.5GB", "512B".
 * Returns 0 and the bytes in *out, or -1 and the offset of the error.
 */
int rm_size_parse(const char *s, size_t len, int64_t *out, size_t *err_off);

/*
 * A rate in bytes per second: a number and a unit, B/s, KB/s, MB/s, GB/s
 * (powers of 1024) or bit/s, Kbit/s, Mbit/s, Gbit/s (powers of 1000, as
 * links are sold). "2Mbit/s" is 250000 bytes per second.
 */
int rm_rate_parse(const char *s, size_t len, double *out, size_t *err_off);

/* Write bytes as "512 B", "1.50 KB", "15.0 MB", "1.20 GB" into buf (three
 * significant figures). Returns buf. */
char *rm_size_format(int64_t bytes, char *buf, size_t n);

/* Write a rate in bytes per second as bits per second: "128 Kbit/s",
 * "2 Mbit/s", "1.5 Gbit/s". Returns buf. */
char *rm_rate_format(double bytes_per_s, char *buf, size_t n);

#endif
