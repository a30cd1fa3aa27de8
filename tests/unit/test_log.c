/* Unit tests: common/util/log.c helpers (sanitising and rate limiting). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static void
sanitize_escapes_unprintable(void **state)
{
	char	 out[64];
	(void)state;
	log_sanitize("ab\n\x01\\c", 6, out, sizeof(out));
	assert_string_equal(out, "ab\\x0a\\x01\\x5cc");
}

static void
sanitize_truncates_safely(void **state)
{
	char	 out[6];
	(void)state;
	log_sanitize("\x01\x02\x03", 3, out, sizeof(out));
	assert_string_equal(out, "\\x01");
	log_sanitize("abcdefgh", 8, out, sizeof(out));
	assert_string_equal(out, "abcde");
}

static void
hwaddr_formats(void **state)
{
	const uint8_t hw[6] = { 0x02, 0, 0, 0, 0, 0x07 };
	char	 out[48];
	(void)state;
	log_hwaddr(hw, 6, out, sizeof(out));
	assert_string_equal(out, "02:00:00:00:00:07");
	log_hwaddr(hw, 6, out, 6);
	assert_string_equal(out, "02:00");
}

/* One quoted word whatever the bytes; the closing quote survives a cut. */
static void
quote_escapes_and_closes(void **state)
{
	char	 out[32];
	(void)state;
	log_quote("a \"b\\\n", 6, out, sizeof(out));
	assert_string_equal(out, "\"a \\x22b\\x5c\\x0a\"");
	log_quote("abcdefghijklmnop", 16, out, 8);
	assert_string_equal(out, "\"abcde\"");
	log_quote("", 0, out, sizeof(out));
	assert_string_equal(out, "\"\"");
	log_quote("x", 1, out, 2);
	assert_string_equal(out, "");
}

static void
hex_formats_whole_bytes(void **state)
{
	const uint8_t b[3] = { 0x01, 0xab, 0x00 };
	char	 out[16];
	(void)state;
	log_hex(b, 3, out, sizeof(out));
	assert_string_equal(out, "01:ab:00");
	log_hex(b, 3, out, 7);
	assert_string_equal(out, "01:ab");
	log_hex(b, 0, out, sizeof(out));
	assert_string_equal(out, "");
}

static void
ratelimit_counts_suppressed(void **state)
{
	struct log_ratelimit rl = { 0 };
	uint64_t n = 99;
	(void)state;
	assert_true(log_ratelimit_ok(&rl, 100.0, 5.0, &n));
	assert_int_equal(n, 0);
	assert_false(log_ratelimit_ok(&rl, 101.0, 5.0, &n));
	assert_false(log_ratelimit_ok(&rl, 104.9, 5.0, &n));
	assert_true(log_ratelimit_ok(&rl, 105.0, 5.0, &n));
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sanitize_escapes_unprintable),
		cmocka_unit_test(sanitize_truncates_safely),
		cmocka_unit_test(hwaddr_formats),
		cmocka_unit_test(quote_escapes_and_closes),
		cmocka_unit_test(hex_formats_whole_bytes),
		cmocka_unit_test(ratelimit_counts_suppressed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
