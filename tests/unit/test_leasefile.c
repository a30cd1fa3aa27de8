/*
 * Unit tests: dhcpfoctl's lease file readers (ctl/leasefile*.c,
 * ctl/dhcpd_lex.c, ctl/lf_last.c).  Each case is a small file in memory
 * and the exact list of what the reader reported: "LINE csv-line" for a
 * lease (lease_text.h), "LINE error: why" or "LINE skip: why".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dhcpd_lex.h"
#include "lease_text.h"
#include "leasefile.h"

static struct strbuf got;

static void
on_lease(void *arg, unsigned long line, const struct lease *l)
{
	(void)arg;
	sb_printf(&got, "%lu ", line);
	lease_text_csv(&got, l, NULL);
}

static void
on_refuse(void *arg, unsigned long line, enum lf_refusal k, const char *why)
{
	(void)arg;
	sb_printf(&got, "%lu %s: %s\n", line, k == LF_ERROR ? "error" : "skip",
	    why);
}

static const struct lf_sink sink = { on_lease, on_refuse, NULL };

/* Read len bytes of text as fmt; return what was reported. */
static const char *
run(enum lf_format fmt, const char *text, size_t len)
{
	char	 err[128] = "";
	FILE	*f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	sb_reset(&got);
	sb_puts(&got, "");
	if (lf_read(fmt, f, &sink, err, sizeof(err)) != 0)
		fail_msg("lf_read: %s", err);
	fclose(f);
	return got.buf;
}

static void
expect(enum lf_format fmt, const char *text, const char *want)
{
	const char *have = run(fmt, text, strlen(text));

	if (strcmp(have, want) != 0)
		fail_msg("got:\n%s\nwanted:\n%s", have, want);
}

/* ---- dhcpd.leases ---- */

static const char dhcpd_file[] =
    "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
    "# This lease file was written by isc-dhcp-4.4.3-P1\n"
    "\n"
    "# authoring-byte-order entry is generated, DO NOT DELETE\n"
    "authoring-byte-order little-endian;\n"
    "\n"
    "server-duid \"\\000\\001\\000\\001+\\\"\\\\\";\n"		/* 7 */
    "failover peer \"fo\" state {\n"
    "  my state normal at 1 2026/12/07 13:00:00;\n"
    "}\n"
    "lease 198.51.100.100 {\n"					/* 11 */
    "  starts 1 2026/12/07 13:50:00;\n"
    "  ends 1 2026/12/07 13:50:30;\n"
    "  tstp 1 2026/12/07 13:50:30;\n"
    "  cltt 1 2026/12/07 13:50:01;\n"
    "  binding state active;\n"
    "  next binding state free;\n"
    "  rewind binding state free;\n"
    "  hardware ethernet 02:00:00:00:04:01;\n"
    "  set vendor-class-identifier = \"dhclient, x\";\n"
    "  client-hostname \"c1 ;{}\";\n"				/* 21 */
    "  on expiry { set x = \"}\"; }\n"
    "}\n"
    "lease 198.51.100.101 {\n"					/* 24 */
    "  starts epoch 1765115400; # Mon Dec 07 13:50:00 2026\n"
    "  ends epoch 1765115430; # Mon Dec 07 13:50:30 2026\n"
    "  binding state active;\n"
    "  hardware token-ring 2:0:0:0:4:2;\n"
    "  uid \"\\001\\002\\000\\000\\000\\004\\002\";\n"
    "  option agent.circuit-id \"down0\";\n"
    "  option agent.remote-id 0:1:2;\n"				/* 31 */
    "}\n"
    "lease 198.51.100.102 {\n"					/* 33 */
    "  starts 1 2026/12/07 13:50:00;\n"
    "  ends 1 2026/12/07 13:50:30;\n"
    "  binding state free;\n"
    "  hardware ethernet 02:00:00:00:04:03;\n"
    "}\n"
    "host fixed { hardware ethernet 02:00:00:00:09:09; fixed-address 198.51.100.9; }\n"
    "lease 198.51.100.103 {\n"					/* 40 */
    "  starts 0 2028/02/29 00:00:00;\n"
    "  ends 0 2028/03/01 00:00:00;\n"
    "  binding state abandoned;\n"
    "  uid 01:02:03;\n"
    "}\n";

static void
dhcpd_fields(void **state)
{
	(void)state;
	expect(LF_DHCPD, dhcpd_file,
	    "11 198.51.100.100,1,02:00:00:00:04:01,,bound,1796651400,"
	    "1796651430,1796651401,c1____,,,,import,,\n"
	    "24 198.51.100.101,6,02:00:00:00:04:02,01:02:00:00:00:04:02,bound,"
	    "1765115400,1765115430,1765115400,,,64:6f:77:6e:30,00:01:02,"
	    "import,,\n"
	    "33 skip: not active: free\n"
	    "40 198.51.100.103,0,,01:02:03,declined,1835395200,1835481600,"
	    "1835395200,,,,,import,,\n");
}

static void
dhcpd_last_block_wins(void **state)
{
	(void)state;
	/* Active, then released: nothing; free, then active: the lease;
	 * good, then malformed: the error (the good one is out of date). */
	expect(LF_DHCPD,
	    "lease 192.0.2.1 { starts 1 2026/01/05 00:00:00; ends 1 2026/01/05 01:00:00;\n"
	    "  binding state active; hardware ethernet 2:0:0:0:0:1; }\n"
	    "lease 192.0.2.2 { starts 1 2026/01/05 00:00:00; ends 1 2026/01/05 01:00:00;\n"
	    "  binding state free; hardware ethernet 2:0:0:0:0:2; }\n"
	    "lease 192.0.2.3 { starts 1 2026/01/05 00:00:00; ends 1 2026/01/05 01:00:00;\n"
	    "  binding state active; hardware ethernet 2:0:0:0:0:3; }\n"
	    "lease 192.0.2.1 { starts 1 2026/01/05 00:00:00; ends 1 2026/01/05 01:00:00;\n"
	    "  binding state released; hardware ethernet 2:0:0:0:0:1; }\n"
	    "lease 192.0.2.2 { starts 1 2026/01/05 00:00:00; ends 1 2026/01/05 01:00:00;\n"
	    "  binding state active; hardware ethernet 2:0:0:0:0:2; }\n"
	    "lease 192.0.2.3 { starts 1 2026/01/05 00:00:00; ends 1 2026/13/05 01:00:00;\n"
	    "  binding state active; hardware ethernet 2:0:0:0:0:3; }\n",
	    "7 skip: not active: released\n"
	    "9 192.0.2.2,1,02:00:00:00:00:02,,bound,1767571200,1767574800,"
	    "1767571200,,,,,import,,\n"
	    "11 error: bad date\n");
}

static void
dhcpd_errors(void **state)
{
	static const char good[] = "starts 4 2026/01/01 00:00:00; "
	    "ends 4 2026/01/01 01:00:00; binding state active; "
	    "hardware ethernet 2:0:0:0:0:1;";
	static const struct {
		const char	*body;
		const char	*why;
		int		 line;	/* 3: the statement's; 1: the block's */
	} bad[] = {
		{ "starts 4 2026/01/01 00:00;", "bad date", 3 },
		{ "starts 7 2026/01/01 00:00:00;", "bad date", 3 },
		{ "starts 4 2026/02/29 00:00:00;", "bad date", 3 },
		{ "starts 4 2026/01/01 24:00:00;", "bad date", 3 },
		{ "starts 4 1969/12/31 23:59:59;", "bad date", 3 },
		{ "starts 4 2026-01-01 00:00:00;", "bad date", 3 },
		{ "starts epoch x;", "bad date", 3 },
		{ "ends never;", "a time is 'never' (an infinite lease)", 1 },
		{ "hardware ethernet;", "bad hardware type", 3 },
		{ "hardware loopback 1:2;", "bad hardware type", 3 },
		{ "hardware ethernet 1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11;",
		  "bad hardware address", 3 },
		{ "hardware ethernet \"ab\";", "bad hardware address", 3 },
		{ "uid 1:x;", "bad uid", 3 },
		{ "uid;", "bad uid", 3 },
		{ "binding state;", "bad binding state", 3 },
		{ "binding state wobbly;", "unknown binding state", 1 },
		{ "binding state averyveryverylongstate;", "bad binding state", 3 },
		{ "client-hostname pc;", "bad client-hostname", 3 },
		{ "option agent.circuit-id 1:2:x;", "bad relay agent option", 3 },
		{ "a b c d e f g h i j;", "statement too long", 3 },
	};
	char	 text[512], want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "lease 192.0.2.9 {\n%s\n%s\n}\n",
		    good, bad[i].body);
		snprintf(want, sizeof(want), "%d error: %s\n", bad[i].line,
		    bad[i].why);
		expect(LF_DHCPD, text, want);
	}
	expect(LF_DHCPD, "lease 192.0.2.9 {\n starts 4 2026/01/01 00:00:00 }\n",
	    "2 error: statement without ';'\n");
	expect(LF_DHCPD, "lease 192.0.2.9 { binding state active; }\n",
	    "1 error: no starts or ends\n");
	expect(LF_DHCPD, "lease 192.0.2.9 { starts 4 2026/01/01 00:00:00; "
	    "ends 4 2026/01/01 01:00:00; binding state active; }\n",
	    "1 error: no hardware address or uid\n");
	expect(LF_DHCPD, "lease 192.0.2.9 { ends 4 2026/01/01 01:00:00; }\n",
	    "1 error: no binding state\n");
}

static void
dhcpd_hostile(void **state)
{
	static const char x[] = "lease 192.0.2.9 { starts 4 2026/01/01 00:00:00; "
	    "ends 4 2026/01/01 01:00:00; binding state active; "
	    "hardware ethernet 2:0:0:0:0:1; }\n";
	char	*big;
	size_t	 n = 3 * LF_TOK_MAX;
	int	 k;

	(void)state;
	expect(LF_DHCPD, "lease 192.0.2.300 { }\n",
	    "1 error: bad lease address\n");
	expect(LF_DHCPD, "lease { }\nlease 1 2 { }\n",
	    "1 error: bad lease line (expected 'lease ADDRESS {')\n"
	    "2 error: bad lease line (expected 'lease ADDRESS {')\n");
	expect(LF_DHCPD, "}\nfoo bar", "1 error: '}' without a block\n"
	    "2 error: statement cut short at the end of the file\n");
	expect(LF_DHCPD, "host h {\n  hardware ethernet 1:2;\n",
	    "1 error: block cut short (no '}')\n");
	/* A block cut short, then garbage bytes. */
	expect(LF_DHCPD, "lease 192.0.2.8 {\n  starts 4 2026/01/01 00:00:00;\n",
	    "1 error: lease block cut short (no '}')\n");
	expect(LF_DHCPD, "lease 192.0.2.8 {\n  client-hostname \"abc",
	    "2 error: unterminated string\n");
	expect(LF_DHCPD, "lease 192.0.2.8 { on commit { x; \n",
	    "1 error: lease block cut short (no '}')\n");
	expect(LF_DHCPD, "\x01\xff\xfe garbage;\n\x00\x01;\n", "");
	/* A word and a string longer than a token: refused, no overrun. */
	big = malloc(n + 200);
	assert_non_null(big);
	k = snprintf(big, 200, "lease 192.0.2.9 {\n uid \"");
	memset(big + k, 'a', n);
	strcpy(big + k + n, "\";\n}\n");
	expect(LF_DHCPD, big, "2 error: string too long\n");
	memset(big, 'w', n);
	big[n] = '\0';
	strcat(big, ";\n");
	strcat(big, x);
	expect(LF_DHCPD, big, "1 error: word too long\n"
	    "2 192.0.2.9,1,02:00:00:00:00:01,,bound,1767225600,1767229200,"
	    "1767225600,,,,,import,,\n");
	free(big);
}

/* ---- Kea memfile CSV ---- */

#define KEA_HDR "address,hwaddr,client_id,valid_lifetime,expire,subnet_id," \
	"fqdn_fwd,fqdn_rev,hostname,state,user_context\n"

static void
kea_fields(void **state)
{
	(void)state;
	expect(LF_KEA, KEA_HDR
	    "198.51.100.150,02:00:00:00:05:01,,30,1765115430,1,0,0,c3,0,\n"
	    "198.51.100.151,02:00:00:00:05:02,01:02:00:00:00:05:02,3600,"
	    "1765119000,1,0,0,a&#x2cb.example.,0,{ \"x\": 1&#x2c \"y\": 2 }\n"
	    "198.51.100.152,,,86400,1765200000,1,0,0,,1,\n"
	    "198.51.100.153,02:00:00:00:05:04,,30,1765115430,1,0,0,c4,2,\n"
	    "198.51.100.154,02:00:00:00:05:05,,0,1765115430,1,0,0,c5,0,\n",
	    "2 198.51.100.150,1,02:00:00:00:05:01,,bound,1765115400,1765115430,"
	    "1765115400,c3,,,,import,,\n"
	    "3 198.51.100.151,1,02:00:00:00:05:02,01:02:00:00:00:05:02,bound,"
	    "1765115400,1765119000,1765115400,a_b.example.,,,,import,,\n"
	    "4 198.51.100.152,1,,,declined,1765113600,1765200000,1765113600,"
	    ",,,,import,,\n"
	    "5 skip: not active: expired-reclaimed\n"
	    "6 skip: not active: deleted\n");
}

static void
kea_log_and_headers(void **state)
{
	(void)state;
	/* Columns by name, in any order, extra ones ignored; a second
	 * header (files concatenated); the last row of an address counts. */
	expect(LF_KEA,
	    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,"
	    "fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\r\n"
	    "192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,0,,0\r\n"
	    "192.0.2.2,02:00:00:00:00:02,,60,1000060,1,0,0,,0,,0\r\n"
	    "\n"
	    "address,state,expire,valid_lifetime,client_id,hwaddr\n"
	    "192.0.2.1,0,1000120,60,,02:00:00:00:00:01\n"
	    "192.0.2.2,0,1000120,0,,02:00:00:00:00:02\n",
	    "6 192.0.2.1,1,02:00:00:00:00:01,,bound,1000060,1000120,1000060,"
	    ",,,,import,,\n"
	    "7 skip: not active: deleted\n");
}

static void
kea_errors(void **state)
{
	static const struct {
		const char	*row;
		const char	*why;
	} bad[] = {
		{ "192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,0",
		  "10 fields, the header has 11" },
		{ "192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,0,,",
		  "12 fields, the header has 11" },
		{ "192.0.2.x,02:00:00:00:00:01,,60,1000060,1,0,0,,0,",
		  "bad address" },
		{ "192.0.2.1,02:00:00:00:00:0g,,60,1000060,1,0,0,,0,",
		  "bad hwaddr" },
		{ "192.0.2.1,02:00:00:00:00:01,zz,60,1000060,1,0,0,,0,",
		  "bad client_id" },
		{ "192.0.2.1,02:00:00:00:00:01,,-1,1000060,1,0,0,,0,",
		  "bad valid_lifetime" },
		{ "192.0.2.1,02:00:00:00:00:01,,4294967296,1000060,1,0,0,,0,",
		  "bad valid_lifetime" },
		{ "192.0.2.1,02:00:00:00:00:01,,4294967295,1000060,1,0,0,,0,",
		  "infinite lease (valid_lifetime 4294967295)" },
		{ "192.0.2.1,02:00:00:00:00:01,,60,x,1,0,0,,0,", "bad expire" },
		{ "192.0.2.1,02:00:00:00:00:01,,60,59,1,0,0,,0,",
		  "expire before valid_lifetime" },
		{ "192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,3,",
		  "unknown state" },
		{ "192.0.2.1,,,60,1000060,1,0,0,,0,",
		  "no client identity (hwaddr or client_id)" },
	};
	char	 text[512], want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), KEA_HDR "%s\n", bad[i].row);
		snprintf(want, sizeof(want), "2 error: %s\n", bad[i].why);
		expect(LF_KEA, text, want);
	}
	expect(LF_KEA, "192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,0,\n"
	    "192.0.2.2,02:00:00:00:00:01,,60,1000060,1,0,0,,0,\n",
	    "1 error: not a Kea lease file: no header "
	    "(address,hwaddr,client_id,...)\n");
	expect(LF_KEA, "address,hwaddr,expire\n1,2,3\n",
	    "1 error: header without a column this reader needs (address, "
	    "hwaddr, client_id, valid_lifetime, expire, state)\n");
}

static void
line_limits(void **state)
{
	size_t	 n = LF_LINE_MAX + 100;
	char	*text = malloc(sizeof(KEA_HDR) + n + 64);

	(void)state;
	assert_non_null(text);
	strcpy(text, KEA_HDR);
	memset(text + strlen(text), 'x', n);
	strcpy(text + sizeof(KEA_HDR) - 1 + n,
	    "\n192.0.2.1,02:00:00:00:00:01,,60,1000060,1,0,0,,0,\n");
	expect(LF_KEA, text, "2 error: line too long\n"
	    "3 192.0.2.1,1,02:00:00:00:00:01,,bound,1000000,1000060,1000000,"
	    ",,,,import,,\n");
	free(text);
	static const char nul[] = "192.0.2.1,1,02\0:00,,bound,1,2,1,,,,,,,\n"
	    "192.0.2.2,1,02,,bound,1,2,1,,,,,,,\n# end: 2 bindings\n";

	assert_string_equal(run(LF_CSV, nul, sizeof(nul) - 1),
	    "1 error: NUL byte in line\n"
	    "2 192.0.2.2,1,02,,bound,1,2,1,,,,,,,\n");
	expect(LF_CSV, LEASE_CSV_HEADER "\n# c\n\n"
	    "192.0.2.1,1,02:00:00:00:00:01,,bound,1,2,1,h,,,,primary,,\n"
	    "192.0.2.1,1,02:00:00:00:00:01,,bound,1,2,1,h,,,,primary,,,\n"
	    "# end: 2 bindings\n",
	    "4 192.0.2.1,1,02:00:00:00:00:01,,bound,1,2,1,h,,,,primary,,\n"
	    "5 error: 16 fields, expected 15\n");
}

/* dhcpfo's CSV must end as an export ends, or nothing is read. */
static void
csv_export_end(void **state)
{
	static const char *const cut[] = {
		"192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n",
		"192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n# end: 2 bindings\n",
		"# end: 0 bindings\n192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n",
		"192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n# end: 1 bindings\n"
		"192.0.2.2,1,02,,bound,1,2,1,,,,,,,\n# end: 2 bindings\n",
		"192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n# end: 1 binding\n",
	};
	char	 err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		FILE	*f = fmemopen((void *)cut[i], strlen(cut[i]), "r");

		sb_reset(&got);
		if (lf_read(LF_CSV, f, &sink, err, sizeof(err)) != -1)
			fail_msg("read as whole: %s", cut[i]);
		fclose(f);
	}
	/* Two exports one after the other; an empty one. */
	expect(LF_CSV, LEASE_CSV_HEADER "\n192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n"
	    "# end: 1 bindings\n" LEASE_CSV_HEADER "\n# end: 0 bindings\n"
	    LEASE_CSV_HEADER "\n192.0.2.2,1,02,,bound,1,2,1,,,,,,,\n"
	    "# end: 1 bindings\n# a comment after\n",
	    "2 192.0.2.1,1,02,,bound,1,2,1,,,,,,,\n"
	    "7 192.0.2.2,1,02,,bound,1,2,1,,,,,,,\n");
}

/* The last-wins index, grown through many resizes. */
static void
last_index(void **state)
{
	struct lf_last *t = lf_last_new();

	(void)state;
	assert_non_null(t);
	for (uint32_t i = 1; i <= 100000; i++)
		assert_true(lf_last_put(t, 0xc0000000 + i, i));
	for (uint32_t i = 1; i <= 100000; i += 2)
		assert_true(lf_last_put(t, 0xc0000000 + i, 200000 + i));
	for (uint32_t i = 1; i <= 100000; i++) {
		unsigned long want = i % 2 ? 200000 + i : i;

		assert_true(lf_last_is(t, 0xc0000000 + i, want));
		assert_false(lf_last_is(t, 0xc0000000 + i, want + 1));
	}
	assert_false(lf_last_is(t, 1, 0));
	assert_false(lf_last_put(t, 1, 0));
	lf_last_free(t);
}

static int
setup(void **state)
{
	(void)state;
	sb_init(&got);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sb_free(&got);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dhcpd_fields),
		cmocka_unit_test(dhcpd_last_block_wins),
		cmocka_unit_test(dhcpd_errors),
		cmocka_unit_test(dhcpd_hostile),
		cmocka_unit_test(kea_fields),
		cmocka_unit_test(kea_log_and_headers),
		cmocka_unit_test(kea_errors),
		cmocka_unit_test(line_limits),
		cmocka_unit_test(csv_export_end),
		cmocka_unit_test(last_index),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
