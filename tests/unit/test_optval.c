/*
 * Unit tests: common/config/optval.c.  Each type's parser against wire
 * bytes written in hex (spaces in the hex are for reading only), the
 * RFC 3397 section 2 and RFC 3442 examples among them; the canonical
 * text and the round trip text -> bytes -> text -> bytes; every error,
 * with its message; formatting of bytes no text could produce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "optval.h"

#define BIG	(OPTVAL_MAX * 2)

static uint8_t	want[BIG], got[BIG], again[BIG];
static char	text[BIG * 4], err[OPTVAL_ERR_MAX];

/* "0a 0b0c" -> bytes; returns the count. */
static size_t
unhex(const char *s, uint8_t *out)
{
	size_t	 n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/*
 * text parses to hex; its canonical text is canon (NULL: the text
 * itself) and parses back to the same bytes.
 */
static void
ok_canon(enum opt_type t, const char *in, const char *hex,
    const char *canon)
{
	size_t	 n = unhex(hex, want);
	int	 len, tlen;

	len = optval_parse(t, in, got, sizeof(got), err);
	if (len < 0)
		fail_msg("\"%s\": %s", in, err);
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
	tlen = optval_format(t, got, (size_t)len, text, sizeof(text));
	assert_true(tlen >= 0);
	assert_int_equal(strlen(text), tlen);
	assert_string_equal(text, canon != NULL ? canon : in);
	assert_int_equal(optval_parse(t, text, again, sizeof(again), err),
	    len);
	assert_memory_equal(again, got, n);
}

static void
ok(enum opt_type t, const char *in, const char *hex)
{
	ok_canon(t, in, hex, NULL);
}

/* text is refused with exactly this message. */
static void
bad(enum opt_type t, const char *in, const char *msg)
{
	memset(err, 'x', sizeof(err));
	assert_int_equal(optval_parse(t, in, got, sizeof(got), err), -1);
	assert_true(memchr(err, '\0', sizeof(err)) != NULL);
	assert_string_equal(err, msg);
}

/* Bytes no text stands for. */
static void
fmt_bad(enum opt_type t, const char *hex)
{
	size_t	 n = unhex(hex, want);

	strcpy(text, "junk");
	assert_int_equal(optval_format(t, want, n, text, sizeof(text)), -1);
	assert_string_equal(text, "");
}

/* ----------------------------------------------------------- addresses */

static void
test_ip(void **state)
{
	(void)state;
	ok(OPT_IP, "192.0.2.1", "c0000201");
	ok_canon(OPT_IP, " \t192.0.2.1  ", "c0000201", "192.0.2.1");
	ok(OPT_IP, "0.0.0.0", "00000000");
	ok(OPT_IP, "255.255.255.255", "ffffffff");
	bad(OPT_IP, "192.0.2.300", "192.0.2.300: not an IPv4 address");
	bad(OPT_IP, "192.0.2", "192.0.2: not an IPv4 address");
	bad(OPT_IP, "192.0.2.1.5", "192.0.2.1.5: not an IPv4 address");
	bad(OPT_IP, "192.0.2.1, 192.0.2.2",
	    "192.0.2.1, 192.0.2.2: not an IPv4 address");
	bad(OPT_IP, "2001:db8::1", "2001:db8::1: not an IPv4 address");
	fmt_bad(OPT_IP, "c00002");
	fmt_bad(OPT_IP, "c0000201 c0000202");
}

static void
test_ip_list(void **state)
{
	(void)state;
	ok(OPT_IP_LIST, "192.0.2.1", "c0000201");
	ok(OPT_IP_LIST, "192.0.2.1, 198.51.100.7", "c0000201 c6336407");
	ok_canon(OPT_IP_LIST, "192.0.2.1,198.51.100.7 ,  203.0.113.9",
	    "c0000201 c6336407 cb007109",
	    "192.0.2.1, 198.51.100.7, 203.0.113.9");
	bad(OPT_IP_LIST, "192.0.2.1, 192.0.2.256",
	    "192.0.2.256: not an IPv4 address");
	bad(OPT_IP_LIST, "192.0.2.1,,192.0.2.2",
	    "192.0.2.1,,192.0.2.2: empty list item");
	bad(OPT_IP_LIST, "192.0.2.1,", "192.0.2.1,: empty list item");
	bad(OPT_IP_LIST, ", 192.0.2.1", ", 192.0.2.1: empty list item");
	bad(OPT_IP_LIST, "192.0.2.1 192.0.2.2",
	    "192.0.2.1 192.0.2.2: not an IPv4 address");
	fmt_bad(OPT_IP_LIST, "");
	fmt_bad(OPT_IP_LIST, "c0000201 c0");
}

/* Longer than one option instance: fine, the codec splits it. */
static void
test_ip_list_long(void **state)
{
	static char	 in[8192];
	size_t		 k = 0;
	int		 len;

	(void)state;
	for (unsigned i = 0; i < 70; i++)
		k += (size_t)snprintf(in + k, sizeof(in) - k, "%s10.0.%u.%u",
		    i > 0 ? ", " : "", i / 10, i % 10 + 1);
	len = optval_parse(OPT_IP_LIST, in, got, sizeof(got), err);
	assert_int_equal(len, 280);
	assert_memory_equal(got + 276, "\x0a\x00\x06\x0a", 4);
	assert_int_equal(optval_format(OPT_IP_LIST, got, 280, text,
	    sizeof(text)), strlen(in));
	assert_string_equal(text, in);

	/* 257 addresses: past OPTVAL_MAX. */
	for (unsigned i = 70; i < 257; i++)
		k += (size_t)snprintf(in + k, sizeof(in) - k, ", 10.1.%u.%u",
		    i / 100, i % 100);
	bad(OPT_IP_LIST, in, "value too long: 1028 bytes, at most 1024");
	/* The caller's cap, when smaller. */
	assert_int_equal(optval_parse(OPT_IP_LIST, "192.0.2.1, 192.0.2.2",
	    got, 8, err), 8);
	assert_int_equal(optval_parse(OPT_IP_LIST,
	    "192.0.2.1, 192.0.2.2, 192.0.2.3", got, 8, err), -1);
	assert_string_equal(err, "value too long: 12 bytes, at most 8");
}

static void
test_ip_pairs(void **state)
{
	(void)state;
	ok(OPT_IP_PAIRS, "10.0.0.0 255.0.0.0", "0a000000 ff000000");
	ok(OPT_IP_PAIRS, "10.0.0.0 255.0.0.0, 192.168.0.0 255.255.0.0",
	    "0a000000 ff000000 c0a80000 ffff0000");
	ok_canon(OPT_IP_PAIRS, "10.0.0.0\t 255.0.0.0,192.168.0.0 "
	    "255.255.0.0", "0a000000 ff000000 c0a80000 ffff0000",
	    "10.0.0.0 255.0.0.0, 192.168.0.0 255.255.0.0");
	bad(OPT_IP_PAIRS, "10.0.0.0",
	    "10.0.0.0: must be two addresses, \"a.b.c.d a.b.c.d\"");
	bad(OPT_IP_PAIRS, "10.0.0.0 255.0.0.0 1.2.3.4",
	    "10.0.0.0 255.0.0.0 1.2.3.4: must be two addresses, "
	    "\"a.b.c.d a.b.c.d\"");
	bad(OPT_IP_PAIRS, "10.0.0.0, 255.0.0.0",
	    "10.0.0.0: must be two addresses, \"a.b.c.d a.b.c.d\"");
	bad(OPT_IP_PAIRS, "10.0.0.0 255.0.0.x",
	    "255.0.0.x: not an IPv4 address");
	fmt_bad(OPT_IP_PAIRS, "0a000000");
	fmt_bad(OPT_IP_PAIRS, "0a000000 ff000000 0a000000");
}

/* ------------------------------------------------------------- numbers */

static void
test_uint(void **state)
{
	(void)state;
	ok(OPT_UINT8, "0", "00");
	ok(OPT_UINT8, "255", "ff");
	ok_canon(OPT_UINT8, "0xff", "ff", "255");
	ok_canon(OPT_UINT8, "007", "07", "7");
	bad(OPT_UINT8, "256", "256: must be 0..255");
	ok(OPT_UINT16, "1500", "05dc");
	ok_canon(OPT_UINT16, " 0X05DC ", "05dc", "1500");
	bad(OPT_UINT16, "70000", "70000: must be 0..65535");
	ok(OPT_UINT32, "4294967295", "ffffffff");
	ok(OPT_UINT32, "86400", "00015180");
	bad(OPT_UINT32, "4294967296", "4294967296: must be 0..4294967295");
	bad(OPT_UINT32, "0x100000000", "0x100000000: must be 0..4294967295");
	bad(OPT_UINT32, "99999999999999999999999999",
	    "99999999999999999999999999: must be 0..4294967295");
	bad(OPT_UINT32, "-1", "-1: not a number");
	bad(OPT_UINT32, "12a", "12a: not a number");
	bad(OPT_UINT32, "0x", "0x: not a number");
	bad(OPT_UINT32, "0xg", "0xg: not a number");
	bad(OPT_UINT32, "1 2", "1 2: not a number");
	bad(OPT_UINT32, "+1", "+1: not a number");
	fmt_bad(OPT_UINT8, "0001");
	fmt_bad(OPT_UINT16, "05");
	fmt_bad(OPT_UINT32, "000102");
}

static void
test_int32(void **state)
{
	(void)state;
	ok(OPT_INT32, "0", "00000000");
	ok(OPT_INT32, "-1", "ffffffff");
	ok(OPT_INT32, "3600", "00000e10");
	ok(OPT_INT32, "-18000", "ffffb9b0");
	ok(OPT_INT32, "2147483647", "7fffffff");
	ok(OPT_INT32, "-2147483648", "80000000");
	ok_canon(OPT_INT32, "-0x10", "fffffff0", "-16");
	bad(OPT_INT32, "2147483648",
	    "2147483648: must be -2147483648..2147483647");
	bad(OPT_INT32, "-2147483649",
	    "-2147483649: must be -2147483648..2147483647");
	bad(OPT_INT32, "-", "-: not a number");
	bad(OPT_INT32, "--1", "--1: not a number");
	fmt_bad(OPT_INT32, "ffff");
}

static void
test_uint16_list(void **state)
{
	(void)state;
	ok(OPT_UINT16_LIST, "68, 296, 508, 1006, 1492",
	    "0044 0128 01fc 03ee 05d4");
	ok(OPT_UINT16_LIST, "0", "0000");
	bad(OPT_UINT16_LIST, "1500, 70000", "70000: must be 0..65535");
	bad(OPT_UINT16_LIST, "1500,, 9000", "1500,, 9000: empty list item");
	fmt_bad(OPT_UINT16_LIST, "05dc 23");
	fmt_bad(OPT_UINT16_LIST, "");
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "true", "Yes", "ON", "1" };
	static const char *const no[] = { "false", "NO", "off", "0" };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		ok_canon(OPT_BOOL, yes[i], "01", "true");
		ok_canon(OPT_BOOL, no[i], "00", "false");
	}
	bad(OPT_BOOL, "maybe", "maybe: must be true or false");
	bad(OPT_BOOL, "2", "2: must be true or false");
	bad(OPT_BOOL, "truex", "truex: must be true or false");
	fmt_bad(OPT_BOOL, "02");
	fmt_bad(OPT_BOOL, "0101");
	fmt_bad(OPT_BOOL, "");
}

/* -------------------------------------------------------------- text */

static void
test_string(void **state)
{
	char	 in[300];

	(void)state;
	ok(OPT_STRING, "pxelinux.0", "7078656c696e75782e30");
	ok_canon(OPT_STRING, "\"hello, world\"",
	    "68656c6c6f2c20776f726c64", "hello, world");
	/* Quotes keep the outer spaces; the text keeps the quotes. */
	ok(OPT_STRING, "\" a \"", "206120");
	ok(OPT_STRING, "\"\"a\"\"", "226122");
	ok(OPT_STRING, "a\"b", "612262");
	ok(OPT_STRING, "\"", "22");
	bad(OPT_STRING, "\"\"", "\"\": empty string");
	bad(OPT_STRING, "tab\there", "tab?here: byte 0x09 is not printable "
	    "ASCII");
	bad(OPT_STRING, "caf\xc3\xa9", "caf??: byte 0xc3 is not printable "
	    "ASCII");
	memset(in, 'a', 255);
	in[255] = '\0';
	assert_int_equal(optval_parse(OPT_STRING, in, got, sizeof(got), err),
	    255);
	in[255] = 'a';
	in[256] = '\0';
	assert_int_equal(optval_parse(OPT_STRING, in, got, sizeof(got), err),
	    -1);
	assert_non_null(strstr(err, "string longer than 255 bytes"));
	fmt_bad(OPT_STRING, "");
	fmt_bad(OPT_STRING, "61 0a 62");
	fmt_bad(OPT_STRING, "61 00");
}

static void
test_fqdn(void **state)
{
	char	 in[300], msg[OPTVAL_ERR_MAX];

	(void)state;
	ok(OPT_FQDN, "example.com", "6578616d706c652e636f6d");
	ok(OPT_FQDN, "example.com.", "6578616d706c652e636f6d2e");
	ok_canon(OPT_FQDN, "\"Ex-1.test\"", "45782d312e74657374",
	    "Ex-1.test");
	ok(OPT_FQDN, "localhost", "6c6f63616c686f7374");
	bad(OPT_FQDN, "a..b", "a..b: empty label");
	bad(OPT_FQDN, ".", ".: empty label");
	bad(OPT_FQDN, ".example.com", ".example.com: empty label");
	bad(OPT_FQDN, "example.com..", "example.com..: empty label");
	bad(OPT_FQDN, "-a.test", "-a.test: a label starts or ends with '-'");
	bad(OPT_FQDN, "a-.test", "a-.test: a label starts or ends with '-'");
	bad(OPT_FQDN, "a_b.test",
	    "a_b.test: not a domain name (letters, digits, '-', '.')");
	bad(OPT_FQDN, "a b.test",
	    "a b.test: not a domain name (letters, digits, '-', '.')");
	/* Labels up to 63, names up to 253. */
	memset(in, 'a', 63);
	strcpy(in + 63, ".test");
	assert_int_equal(optval_parse(OPT_FQDN, in, got, sizeof(got), err),
	    68);
	memset(in, 'a', 64);
	strcpy(in + 64, ".test");
	/* Quoted clipped to 57 bytes and "...". */
	memset(msg, 'a', 57);
	strcpy(msg + 57, "...: label longer than 63 characters");
	bad(OPT_FQDN, in, msg);
	for (size_t i = 0; i < 4; i++) {
		memset(in + i * 64, 'a', 63);
		in[i * 64 + 63] = '.';
	}
	in[253] = '\0';			/* 3 x 64 + 61 */
	assert_int_equal(optval_parse(OPT_FQDN, in, got, sizeof(got), err),
	    253);
	strcpy(in + 253, ".");
	assert_int_equal(optval_parse(OPT_FQDN, in, got, sizeof(got), err),
	    254);
	strcpy(in + 253, "a");
	assert_int_equal(optval_parse(OPT_FQDN, in, got, sizeof(got), err),
	    -1);
	assert_non_null(strstr(err, ": name longer than 253 characters"));
	fmt_bad(OPT_FQDN, "");
	fmt_bad(OPT_FQDN, "612e2e62");
	fmt_bad(OPT_FQDN, "2e");
}

/* RFC 3397 section 2's example. */
static void
test_fqdn_list_rfc3397(void **state)
{
	(void)state;
	ok_canon(OPT_FQDN_LIST, "eng.apple.com., marketing.apple.com.",
	    "03656e67 056170706c65 03636f6d 00"
	    "096d61726b6574696e67 c004",
	    "eng.apple.com, marketing.apple.com");
}

static void
test_fqdn_list_compression(void **state)
{
	(void)state;
	ok(OPT_FQDN_LIST, "example.com", "076578616d706c65 03636f6d 00");
	/* The same name twice: all pointer. */
	ok(OPT_FQDN_LIST, "a.test, a.test", "0161 0474657374 00 c000");
	/* Only whole labels are shared: "b.test" is not in "ab.test". */
	ok(OPT_FQDN_LIST, "ab.test, b.test",
	    "026162 0474657374 00 0162 c003");
	/* A pointer to a name that ends in a pointer. */
	ok(OPT_FQDN_LIST, "a.b.c, x.b.c, y.x.b.c",
	    "0161 0162 0163 00 0178 c002 0179 c007");
	/* Labels compare without case; the first spelling is kept. */
	ok_canon(OPT_FQDN_LIST, "a.Example.COM, b.example.com",
	    "0161 074578616d706c65 03434f4d 00 0162 c002",
	    "a.Example.COM, b.Example.COM");
	/* Nothing shared. */
	ok(OPT_FQDN_LIST, "a.test, b.example",
	    "0161 0474657374 00 0162 076578616d706c65 00");
	bad(OPT_FQDN_LIST, "good.test, bad..test", "bad..test: empty label");
	bad(OPT_FQDN_LIST, "good.test,", "good.test,: empty list item");
	bad(OPT_FQDN_LIST, ".", ".: empty label");
	bad(OPT_FQDN_LIST, "x.-y", "x.-y: a label starts or ends with '-'");
}

/* Bytes formatting must refuse, and never read past. */
static void
test_fqdn_list_format_bad(void **state)
{
	(void)state;
	fmt_bad(OPT_FQDN_LIST, "");
	fmt_bad(OPT_FQDN_LIST, "00");			/* the root alone */
	fmt_bad(OPT_FQDN_LIST, "0161 00 00");
	fmt_bad(OPT_FQDN_LIST, "03616263");		/* no end */
	fmt_bad(OPT_FQDN_LIST, "0561 6263 00");		/* label too short */
	fmt_bad(OPT_FQDN_LIST, "c000");			/* itself */
	fmt_bad(OPT_FQDN_LIST, "0161 c002");		/* forwards */
	fmt_bad(OPT_FQDN_LIST, "0161 00 0162 c004");	/* at itself */
	fmt_bad(OPT_FQDN_LIST, "0161 00 c0");		/* cut pointer */
	fmt_bad(OPT_FQDN_LIST, "0161 00 c100");		/* 0x100 */
	fmt_bad(OPT_FQDN_LIST, "4061 00");		/* label type 01 */
	fmt_bad(OPT_FQDN_LIST, "8061 00");		/* label type 10 */
	fmt_bad(OPT_FQDN_LIST, "012e 00");		/* '.' in a label */
	fmt_bad(OPT_FQDN_LIST, "012d 00");		/* "-" */
	fmt_bad(OPT_FQDN_LIST, "0120 00");		/* ' ' */
	/* Backwards, but into its own run: a loop without the rule. */
	fmt_bad(OPT_FQDN_LIST, "0161 00 0162 0163 c005");
	fmt_bad(OPT_FQDN_LIST, "0161 c000");
	/* A pointer at a pointer is fine when it goes backwards. */
	assert_int_equal(optval_format(OPT_FQDN_LIST, (const uint8_t *)
	    "\x01" "a" "\x00" "\x01" "b" "\xc0\x00" "\xc0\x03", 9, text,
	    sizeof(text)), 11);
	assert_string_equal(text, "a, b.a, b.a");
	/* Pointers through pointers. */
	assert_int_equal(optval_format(OPT_FQDN_LIST, (const uint8_t *)
	    "\x01" "a" "\x01" "b" "\x00" "\x01" "c" "\xc0\x00"
	    "\x01" "d" "\xc0\x05", 13, text, sizeof(text)), 19);
	assert_string_equal(text, "a.b, c.a.b, d.c.a.b");
}

/* -------------------------------------------------------------- routes */

/* RFC 3442's examples of destination descriptors. */
static void
test_routes_rfc3442(void **state)
{
	(void)state;
	ok(OPT_ROUTES, "0.0.0.0/0 192.0.2.1", "00 c0000201");
	ok(OPT_ROUTES, "10.0.0.0/8 192.0.2.1", "08 0a c0000201");
	ok(OPT_ROUTES, "10.17.0.0/16 192.0.2.1", "10 0a11 c0000201");
	ok(OPT_ROUTES, "10.27.129.0/24 192.0.2.1", "18 0a1b81 c0000201");
	ok(OPT_ROUTES, "10.229.0.128/25 192.0.2.1",
	    "19 0ae50080 c0000201");
	ok(OPT_ROUTES, "10.198.122.47/32 192.0.2.1",
	    "20 0ac67a2f c0000201");
	ok(OPT_ROUTES, "10.0.0.0/8 192.0.2.1, 0.0.0.0/0 192.0.2.254",
	    "08 0a c0000201 00 c00002fe");
	/* Kea's way of writing it. */
	ok_canon(OPT_ROUTES, "10.229.0.128/25 - 10.229.0.1,0.0.0.0/0 - "
	    "10.0.0.1", "19 0ae50080 0ae50001 00 0a000001",
	    "10.229.0.128/25 10.229.0.1, 0.0.0.0/0 10.0.0.1");
}

static void
test_routes_errors(void **state)
{
	static const char usage[] = "must be \"a.b.c.d/len router\"";
	char	 msg[OPTVAL_ERR_MAX];

	(void)state;
	bad(OPT_ROUTES, "203.0.113.0/33 192.0.2.1",
	    "203.0.113.0/33: prefix length must be 0..32");
	bad(OPT_ROUTES, "203.0.113.0/ 192.0.2.1",
	    "203.0.113.0/: prefix length must be 0..32");
	bad(OPT_ROUTES, "203.0.113.0/2x 192.0.2.1",
	    "203.0.113.0/2x: prefix length must be 0..32");
	bad(OPT_ROUTES, "203.0.113.0/024 192.0.2.1",
	    "203.0.113.0/024: prefix length must be 0..32");
	bad(OPT_ROUTES, "10.0.0.1/8 192.0.2.1",
	    "10.0.0.1/8: address has bits set past the prefix length");
	bad(OPT_ROUTES, "10.229.0.129/25 192.0.2.1",
	    "10.229.0.129/25: address has bits set past the prefix length");
	bad(OPT_ROUTES, "10.0.0.0/0 192.0.2.1",
	    "10.0.0.0/0: address has bits set past the prefix length");
	bad(OPT_ROUTES, "10.0.0/8 192.0.2.1", "10.0.0: not an IPv4 address");
	bad(OPT_ROUTES, "10.0.0.0/8 192.0.2", "192.0.2: not an IPv4 address");
	snprintf(msg, sizeof(msg), "10.0.0.0 192.0.2.1: %s", usage);
	bad(OPT_ROUTES, "10.0.0.0 192.0.2.1", msg);
	snprintf(msg, sizeof(msg), "10.0.0.0/8: %s", usage);
	bad(OPT_ROUTES, "10.0.0.0/8", msg);
	snprintf(msg, sizeof(msg), "10.0.0.0/8 -: %s", usage);
	bad(OPT_ROUTES, "10.0.0.0/8 -", msg);
	snprintf(msg, sizeof(msg), "10.0.0.0/8 192.0.2.1 192.0.2.2: %s",
	    usage);
	bad(OPT_ROUTES, "10.0.0.0/8 192.0.2.1 192.0.2.2", msg);
	bad(OPT_ROUTES, "10.0.0.0/8 192.0.2.1,",
	    "10.0.0.0/8 192.0.2.1,: empty list item");

	fmt_bad(OPT_ROUTES, "");
	fmt_bad(OPT_ROUTES, "21 0a000000 c0000201");	/* /33 */
	fmt_bad(OPT_ROUTES, "18 0a1b81 c00002");	/* cut router */
	fmt_bad(OPT_ROUTES, "18 0a1b");			/* cut destination */
	fmt_bad(OPT_ROUTES, "08 0a c0000201 10");	/* cut second */
	fmt_bad(OPT_ROUTES, "19 0ae50081 c0000201");	/* host bit */
}

/* ----------------------------------------------------------------- hex */

static void
test_hex(void **state)
{
	static char	 in[4 * OPTVAL_MAX];

	(void)state;
	ok(OPT_HEX, "0a:0b:0c", "0a0b0c");
	ok_canon(OPT_HEX, "0a0b0c", "0a0b0c", "0a:0b:0c");
	ok_canon(OPT_HEX, "0x0a0b0c", "0a0b0c", "0a:0b:0c");
	ok_canon(OPT_HEX, "0X0A0B0C", "0a0b0c", "0a:0b:0c");
	ok_canon(OPT_HEX, "0a 0b\t0c", "0a0b0c", "0a:0b:0c");
	ok_canon(OPT_HEX, "0a : 0b:0c", "0a0b0c", "0a:0b:0c");
	ok_canon(OPT_HEX, "DEADbeef", "deadbeef", "de:ad:be:ef");
	ok(OPT_HEX, "00", "00");
	bad(OPT_HEX, "0a0b0", "0a0b0: odd number of hex digits");
	bad(OPT_HEX, "0a:b", "0a:b: odd number of hex digits");
	bad(OPT_HEX, "0a:b:0c", "0a:b:0c: odd number of hex digits");
	bad(OPT_HEX, "a", "a: odd number of hex digits");
	bad(OPT_HEX, "0g", "0g: not hex bytes (\"0a:0b\", \"0a0b\" or "
	    "\"0x0a0b\")");
	bad(OPT_HEX, "0a::0b", "0a::0b: not hex bytes (\"0a:0b\", \"0a0b\" "
	    "or \"0x0a0b\")");
	bad(OPT_HEX, "0a:", "0a:: ends with a separator");
	bad(OPT_HEX, "0x", "0x: no hex digits");
	memset(in, '0', 2 * OPTVAL_MAX);
	in[2 * OPTVAL_MAX] = '\0';
	assert_int_equal(optval_parse(OPT_HEX, in, got, sizeof(got), err),
	    OPTVAL_MAX);
	strcpy(in + 2 * OPTVAL_MAX, "0102");
	bad(OPT_HEX, in, "value too long: 1026 bytes, at most 1024");
	fmt_bad(OPT_HEX, "");
}

static void
test_empty(void **state)
{
	(void)state;
	assert_int_equal(optval_parse(OPT_EMPTY, "", got, sizeof(got), err),
	    0);
	assert_int_equal(optval_parse(OPT_EMPTY, "  ", got, sizeof(got),
	    err), 0);
	bad(OPT_EMPTY, "1", "1: takes no value");
	assert_int_equal(optval_format(OPT_EMPTY, got, 0, text,
	    sizeof(text)), 0);
	assert_string_equal(text, "");
	fmt_bad(OPT_EMPTY, "00");
}

/* ------------------------------------------------------ all the types */

static void
test_empty_text(void **state)
{
	(void)state;
	for (unsigned t = 0; t < OPT_TYPE_COUNT; t++) {
		if (t == OPT_EMPTY)
			continue;
		bad((enum opt_type)t, "", "empty value");
		bad((enum opt_type)t, " \t ", "empty value");
	}
	bad(OPT_TYPE_COUNT, "1", "unknown value type 15");
	assert_int_equal(optval_format(OPT_TYPE_COUNT, got, 1, text,
	    sizeof(text)), -1);
}

/* A long item is clipped and unprintable bytes masked in messages. */
static void
test_error_text(void **state)
{
	char	 in[200], msg[OPTVAL_ERR_MAX];

	(void)state;
	memset(in, '9', 150);
	in[150] = '\0';
	memset(msg, '9', 57);
	strcpy(msg + 57, "...: must be 0..255");
	bad(OPT_UINT8, in, msg);
	bad(OPT_IP, "1.2.3.\x01", "1.2.3.?: not an IPv4 address");
	/* A NULL err is allowed. */
	assert_int_equal(optval_parse(OPT_IP, "x", got, sizeof(got), NULL),
	    -1);
}

/* snprintf's contract: the whole length, what fits, always ended. */
static void
test_format_truncates(void **state)
{
	static const uint8_t	 v[] = { 192, 0, 2, 1, 192, 0, 2, 2 };
	char			 small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(optval_format(OPT_IP_LIST, v, sizeof(v), small, 6),
	    20);
	assert_string_equal(small, "192.0");
	assert_int_equal(small[6], 'x');
	assert_int_equal(optval_format(OPT_IP_LIST, v, sizeof(v), NULL, 0),
	    20);
	assert_int_equal(optval_format(OPT_IP_LIST, v, sizeof(v), small, 1),
	    20);
	assert_string_equal(small, "");
	assert_int_equal(optval_format(OPT_IP_LIST, NULL, 4, small,
	    sizeof(small)), -1);
	/* Parsing with no room at all: the length is still counted. */
	assert_int_equal(optval_parse(OPT_IP, "192.0.2.1", NULL, 0, err), -1);
	assert_string_equal(err, "value too long: 4 bytes, at most 0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_ip_list),
		cmocka_unit_test(test_ip_list_long),
		cmocka_unit_test(test_ip_pairs),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_int32),
		cmocka_unit_test(test_uint16_list),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_fqdn),
		cmocka_unit_test(test_fqdn_list_rfc3397),
		cmocka_unit_test(test_fqdn_list_compression),
		cmocka_unit_test(test_fqdn_list_format_bad),
		cmocka_unit_test(test_routes_rfc3442),
		cmocka_unit_test(test_routes_errors),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
