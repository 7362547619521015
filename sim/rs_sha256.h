/* rs_sha256: SHA-256 (FIPS 180-4), to name a scenario's text by its hash. */
#ifndef RS_SHA256_H
#define RS_SHA256_H

#include <stddef.h>

/* Write the SHA-256 of data[0..len) as 64 lower-case hex digits and a NUL
 * into hex (at least 65 bytes). Returns hex. */
char *rs_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
