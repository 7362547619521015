/* Tests for rs_sha256: published FIPS 180-4 vectors and padding boundaries. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "rs_sha256.h"

static void check(const void *data, size_t len, const char *want) {
  char hex[65];
  memset(hex, 'X', sizeof hex);
  char *ret = rs_sha256_hex(data, len, hex);
  cr_assert_eq(ret, hex, "rs_sha256_hex must return its hex argument");
  cr_assert_eq(hex[64], '\0', "digest must be NUL-terminated");
  cr_assert_str_eq(hex, want, "SHA-256 of %zu bytes", len);
}

/* The example vectors of FIPS 180-4 / NIST CSRC "SHA256.pdf". */
Test(sha256, empty) {
  check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(sha256, abc) {
  check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(sha256, two_blocks_448_bits) {
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  cr_assert_eq(strlen(m), 56);
  check(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, vector_896_bits) {
  const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  cr_assert_eq(strlen(m), 112);
  check(m, strlen(m), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, million_a) {
  size_t n = 1000000;
  char *m = malloc(n);
  cr_assert_not_null(m);
  memset(m, 'a', n);
  check(m, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free(m);
}

/* Lengths around the 55/56 and 64-byte padding edges (reference digests
 * computed with an independent implementation, Python's hashlib). */
Test(sha256, padding_boundaries) {
  static const struct {
    size_t n;
    const char *hex;
  } v[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
      {127, "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a"},
      {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
      {129, "c12cb024a2e5551cca0e08fce8f1c5e314555cc3fef6329ee994a3db752166ae"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    /* Exactly n bytes on the heap, so a read past the end shows under ASan. */
    char *m = malloc(v[i].n);
    cr_assert_not_null(m);
    memset(m, 'a', v[i].n);
    check(m, v[i].n, v[i].hex);
    free(m);
  }
}

/* Every byte value, including NUL and bytes >= 0x80: the input is binary,
 * not a C string. */
Test(sha256, all_byte_values) {
  unsigned char m[256];
  for (int i = 0; i < 256; i++) m[i] = (unsigned char)i;
  check(m, sizeof m, "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
}

Test(sha256, input_untouched_and_repeatable) {
  char m[100];
  for (int i = 0; i < 100; i++) m[i] = (char)('A' + i % 26);
  char copy[100];
  memcpy(copy, m, sizeof m);
  char h1[65], h2[65];
  rs_sha256_hex(m, sizeof m, h1);
  rs_sha256_hex(m, sizeof m, h2);
  cr_assert_arr_eq(m, copy, sizeof m, "input must not be modified");
  cr_assert_str_eq(h1, h2);
  /* One flipped bit changes the digest. */
  m[99] ^= 1;
  rs_sha256_hex(m, sizeof m, h2);
  cr_assert_str_neq(h1, h2);
}
