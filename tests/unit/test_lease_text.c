/*
 * Unit tests: common/store/lease_text.c (the CSV line, the JSON object,
 * the CSV line read back, and the field readers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lease_text.h"

static void
hw_lease(struct lease *l, uint32_t addr, uint8_t last)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[0] = 2;
	l->chaddr[5] = last;
	assert_true(dhcp_client_key_make(1, 6, l->chaddr, NULL, 0, &l->key));
	l->starts = 1700000000;
	l->ends = 1700003600;
	l->cltt = 1700000100;
}

/* A CSV line without its newline, as lease_text_csv_parse wants it. */
static void
csv_line(const struct lease *l, const struct lease_text_ctx *ctx,
    struct strbuf *sb)
{
	sb_reset(sb);
	lease_text_csv(sb, l, ctx);
	assert_false(sb->failed);
	assert_true(sb->len > 0 && sb->buf[sb->len - 1] == '\n');
	sb->buf[--sb->len] = '\0';
}

static void
round_trip(const struct lease *l, const struct lease_text_ctx *ctx)
{
	struct strbuf sb;
	struct lease back;
	char	 why[128] = "";

	sb_init(&sb);
	csv_line(l, ctx, &sb);
	if (!lease_text_csv_parse(sb.buf, &back, why, sizeof(why)))
		fail_msg("'%s' did not parse back: %s", sb.buf, why);
	assert_memory_equal(&back, l, sizeof(back));
	sb_free(&sb);
}

static void
header_names_the_columns(void **state)
{
	struct strbuf sb;
	struct lease l;
	size_t	 commas = 0;

	(void)state;
	for (const char *p = LEASE_CSV_HEADER; *p; p++)
		commas += *p == ',';
	hw_lease(&l, 0xc6336464, 1);
	sb_init(&sb);
	csv_line(&l, NULL, &sb);
	for (const char *p = sb.buf; *p; p++)
		commas -= *p == ',';
	assert_int_equal(commas, 0);
	assert_string_equal(sb.buf, "198.51.100.100,1,02:00:00:00:00:01,,"
	    "bound,1700000000,1700003600,1700000100,,,,,,,");
	sb_free(&sb);
}

static void
round_trips(void **state)
{
	static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 9 };
	struct lease_text_ctx ctx = { 0xc6336400, 24, "branch1" };
	struct lease l;
	uint8_t	 longid[255];

	(void)state;
	for (int i = 0; i < 200; i++) {
		hw_lease(&l, 0xc6336400 + (uint32_t)i, (uint8_t)i);
		l.state = (uint8_t)(i % LEASE_STATE_COUNT);
		l.granted_by = (uint8_t)(i % LEASE_ORIGIN_COUNT);
		l.starts += i;
		l.ends += 7 * i;
		l.cltt += 3 * i;
		if (i % 3 == 0)
			snprintf(l.hostname, sizeof(l.hostname), "host-%d.x_y",
			    i);
		if (i % 4 == 1)
			assert_true(dhcp_client_key_make(1, 6, l.chaddr, cid,
			    sizeof(cid), &l.key));
		if (i % 5 == 2) {
			l.relay.giaddr = 0xc0000201;
			l.relay.circuit_len = (uint8_t)(i % 33);
			memset(l.relay.circuit_id, i, l.relay.circuit_len);
			l.relay.remote_len = LEASE_RELAY_ID_MAX;
			memset(l.relay.remote_id, 0xab, LEASE_RELAY_ID_MAX);
		}
		round_trip(&l, i % 2 ? &ctx : NULL);
	}
	/* Longest client id, 16-byte hardware address, odd htype. */
	hw_lease(&l, 0xcb007101, 0);
	l.htype = 32;
	l.hlen = 16;
	memset(l.chaddr, 0xfe, 16);
	memset(longid, 0x5a, sizeof(longid));
	assert_true(dhcp_client_key_make(32, 16, l.chaddr, longid,
	    sizeof(longid), &l.key));
	strcpy(l.hostname, "a23456789012345678901234567890123456789012345678"
	    "901234567890123");
	round_trip(&l, &ctx);
	/* A quarantined address keeps no client. */
	memset(&l, 0, sizeof(l));
	l.addr = 0xc6336401;
	l.state = LEASE_DECLINED;
	l.ends = 1;
	round_trip(&l, NULL);
}

static void
key_is_the_engines(void **state)
{
	struct lease l;
	char	 why[64];

	(void)state;
	assert_true(lease_text_csv_parse("192.0.2.5,1,02:00:00:00:00:07,,"
	    "bound,1,2,1,,,,,,,", &l, why, sizeof(why)));
	assert_int_equal(l.key.len, 8);
	assert_memory_equal(l.key.bytes, "H\1\2\0\0\0\0\7", 8);
	assert_true(lease_text_csv_parse("192.0.2.5,1,02:00:00:00:00:07,"
	    "ff:00:01,bound,1,2,1,pc,,,,import,,", &l, why, sizeof(why)));
	assert_int_equal(l.key.len, 4);
	assert_memory_equal(l.key.bytes, "C\xff\0\1", 4);
	assert_int_equal(l.granted_by, LEASE_BY_IMPORT);
	assert_string_equal(l.hostname, "pc");
	/* Client id only: no hardware address is fine. */
	assert_true(lease_text_csv_parse("192.0.2.5,0,,1:2,bound,1,2,1,,,,,,,",
	    &l, why, sizeof(why)));
	assert_int_equal(l.hlen, 0);
	assert_memory_equal(l.key.bytes, "C\1\2", 3);
}

static void
hostile_hostname_is_cleaned(void **state)
{
	struct lease l;
	char	 why[64];

	(void)state;
	assert_true(lease_text_csv_parse("192.0.2.5,1,2:0:0:0:0:7,,bound,1,2,"
	    "1,a b\"c;d\x01\xff,,,,,,", &l, why, sizeof(why)));
	assert_string_equal(l.hostname, "a_b_c_d__");
}

static void
rejections(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "", "1 fields, expected 15" },
		{ "192.0.2.5,1,02:00:00:00:00:07,,bound,1,2,1,,,,,,", "14 fields" },
		{ "192.0.2.5,1,02:00:00:00:00:07,,bound,1,2,1,,,,,,,,",
		  "16 fields" },
		{ "192.0.2.256,1,02,,bound,1,2,1,,,,,,,", "bad address" },
		{ "192.0.2,1,02,,bound,1,2,1,,,,,,,", "bad address" },
		{ "192.0.2.05,1,02,,bound,1,2,1,,,,,,,", "bad address" },
		{ "0.0.0.0,1,02,,bound,1,2,1,,,,,,,", "bad address" },
		{ " 192.0.2.5,1,02,,bound,1,2,1,,,,,,,", "bad address" },
		{ "192.0.2.5,256,02,,bound,1,2,1,,,,,,,", "bad htype" },
		{ "192.0.2.5,-1,02,,bound,1,2,1,,,,,,,", "bad htype" },
		{ "192.0.2.5,1,0g,,bound,1,2,1,,,,,,,", "bad hwaddr" },
		{ "192.0.2.5,1,02:,,bound,1,2,1,,,,,,,", "bad hwaddr" },
		{ "192.0.2.5,1,123,,bound,1,2,1,,,,,,,", "bad hwaddr" },
		{ "192.0.2.5,1,1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11,,bound,1,2,1,"
		  ",,,,,,", "bad hwaddr" },
		{ "192.0.2.5,1,02,x,bound,1,2,1,,,,,,,", "bad client_id" },
		{ "192.0.2.5,1,02,,bogus,1,2,1,,,,,,,", "unknown state" },
		{ "192.0.2.5,1,,,bound,1,2,1,,,,,,,", "no client identity" },
		{ "192.0.2.5,1,02,,bound,x,2,1,,,,,,,", "bad starts" },
		{ "192.0.2.5,1,02,,bound,1,-2,1,,,,,,,", "bad ends" },
		{ "192.0.2.5,1,02,,bound,1,2,99999999999999999999,,,,,,,",
		  "bad cltt" },
		{ "192.0.2.5,1,02,,bound,1,2,,,,,,,,", "bad cltt" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,0.0.0.0,,,,,", "bad giaddr" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,1.2.3,,,,,", "bad giaddr" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,,1:2:3:4:5:6:7:8:9:10:11:12:13:"
		  "14:15:16:17:18:19:20:21:22:23:24:25:26:27:28:29:30:31:32:33"
		  ",,,,", "bad circuit_id" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,,,zz,,,", "bad remote_id" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,,,,god,,", "unknown granted_by" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,,,,,10.0.0.0/33,",
		  "bad subnet" },
		{ "192.0.2.5,1,02,,bound,1,2,1,,,,,,10.0.0.0,", "bad subnet" },
	};
	struct lease l;
	char	 why[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(why, 0, sizeof(why));
		if (lease_text_csv_parse(bad[i].line, &l, why, sizeof(why)))
			fail_msg("accepted '%s'", bad[i].line);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("'%s': reason '%s', expected '%s'",
			    bad[i].line, why, bad[i].why);
		assert_int_equal(l.addr, 0);
	}
}

static void
json_object(void **state)
{
	struct lease_text_ctx ctx = { 0xc6336400, 24, "br,1" };
	struct strbuf sb;
	struct lease l;

	(void)state;
	hw_lease(&l, 0xc6336464, 1);
	strcpy(l.hostname, "pc1");
	l.granted_by = LEASE_BY_IMPORT;
	l.relay.giaddr = 0xc6336401;
	l.relay.circuit_len = 2;
	l.relay.circuit_id[1] = 5;
	sb_init(&sb);
	lease_text_json(&sb, &l, &ctx);
	assert_false(sb.failed);
	assert_string_equal(sb.buf,
	    "{\"address\":\"198.51.100.100\",\"htype\":1,"
	    "\"hwaddr\":\"02:00:00:00:00:01\",\"client_id\":\"\","
	    "\"state\":\"bound\",\"starts\":1700000000,"
	    "\"starts_utc\":\"2023-11-14T22:13:20Z\",\"ends\":1700003600,"
	    "\"ends_utc\":\"2023-11-14T23:13:20Z\",\"cltt\":1700000100,"
	    "\"cltt_utc\":\"2023-11-14T22:15:00Z\",\"hostname\":\"pc1\","
	    "\"giaddr\":\"198.51.100.1\",\"circuit_id\":\"00:05\","
	    "\"remote_id\":\"\",\"granted_by\":\"import\","
	    "\"subnet\":\"198.51.100.0/24\",\"primary\":\"br_1\"}");
	sb_free(&sb);
}

static void
field_readers(void **state)
{
	uint8_t	 b[4];
	size_t	 n;
	uint32_t a;
	uint64_t v;

	(void)state;
	assert_true(lease_text_hex("", 0, b, 4, &n));
	assert_int_equal(n, 0);
	assert_true(lease_text_hex("a:0B:c", 6, b, 4, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(b, "\x0a\x0b\x0c", 3);
	assert_true(lease_text_hex("01:02:03:04:05", 11, b, 4, &n));
	assert_false(lease_text_hex("01:02:03:04:05", 14, b, 4, &n));
	assert_false(lease_text_hex(":", 1, b, 4, &n));
	assert_false(lease_text_hex("1::2", 4, b, 4, &n));
	assert_false(lease_text_hex("0102", 4, b, 4, &n));
	assert_true(lease_text_ipv4("255.255.255.255x", 15, &a));
	assert_int_equal(a, 0xffffffff);
	assert_false(lease_text_ipv4("1.2.3.4.", 8, &a));
	assert_false(lease_text_ipv4("1..3.4", 6, &a));
	assert_true(lease_text_u64("18446744073709551615", 20, UINT64_MAX,
	    &v));
	assert_true(v == UINT64_MAX);
	assert_false(lease_text_u64("18446744073709551616", 20, UINT64_MAX,
	    &v));
	assert_false(lease_text_u64("33", 2, 32, &v));
	assert_false(lease_text_u64("+1", 2, 32, &v));
	assert_false(lease_text_u64("", 0, 32, &v));
}

static void
end_line(void **state)
{
	unsigned long long n = 7;
	char	 buf[64];

	(void)state;
	snprintf(buf, sizeof(buf), LEASE_CSV_END_FMT, 42ULL);
	buf[strlen(buf) - 1] = '\0';
	assert_true(lease_text_csv_end(buf, &n));
	assert_true(n == 42);
	assert_true(lease_text_csv_end("# end: 0 bindings", &n));
	assert_true(n == 0);
	assert_false(lease_text_csv_end("# end:  1 bindings", &n));
	assert_false(lease_text_csv_end("# end: 1 bindings ", &n));
	assert_false(lease_text_csv_end("# end: bindings", &n));
	assert_false(lease_text_csv_end("# end: x bindings", &n));
	assert_false(lease_text_csv_end("# end:", &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_names_the_columns),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(key_is_the_engines),
		cmocka_unit_test(hostile_hostname_is_cleaned),
		cmocka_unit_test(rejections),
		cmocka_unit_test(json_object),
		cmocka_unit_test(field_readers),
		cmocka_unit_test(end_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
