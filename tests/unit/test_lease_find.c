/*
 * Unit tests: common/dhcp/lease_find.c -- what an operator may type
 * (lease_query_parse), which bindings a query names (lease_query_match),
 * and the search over real pools built from a hand-made configuration
 * (lease_find_pools): counts, the room limit, never-used addresses left
 * out, the text and JSON forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "json_testutil.h"
#include "lease_find.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define LAN1(d)		IP(198, 51, 100, d)
#define LAN2(d)		IP(203, 0, 113, d)
#define RELAY		IP(192, 0, 2, 1)
#define MANY		70	/* leases of one hardware address */

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnets[2];
	struct pool_set	*set;
	struct strbuf	 out;
};

static void
subnet_init(struct cfg_subnet *sn, const char *name, uint32_t net,
    uint32_t lo, uint32_t hi)
{
	memset(sn, 0, sizeof(*sn));
	snprintf(sn->name, sizeof(sn->name), "%s", name);
	sn->network = net;
	sn->prefix = 24;
	sn->mask = 0xffffff00u;
	sn->lease_time = 3600;
	sn->min_lease_time = 60;
	sn->max_lease_time = 86400;
	sn->t1_ratio = 0.5;
	sn->t2_ratio = 0.875;
	sn->ranges[0].lo = lo;
	sn->ranges[0].hi = hi;
	sn->nranges = 1;
}

/* A lease at addr of the client with hardware address 02:00:00:00:00:hw,
 * known by it (key 'H' + htype + chaddr) unless cid/cidlen say its
 * client identifier. */
static struct lease
mklease(uint32_t addr, uint8_t state, uint8_t hw, const void *cid,
    size_t cidlen)
{
	struct lease l;
	int64_t	 now = (int64_t)time(NULL);

	memset(&l, 0, sizeof(l));
	l.addr = addr;
	l.state = state;
	l.htype = 1;
	l.hlen = 6;
	l.chaddr[0] = 0x02;
	l.chaddr[5] = hw;
	if (cid != NULL) {
		l.key.bytes[0] = 'C';
		memcpy(l.key.bytes + 1, cid, cidlen);
		l.key.len = (uint16_t)(1 + cidlen);
	} else {
		l.key.bytes[0] = 'H';
		l.key.bytes[1] = 1;
		memcpy(l.key.bytes + 2, l.chaddr, 6);
		l.key.len = 8;
	}
	l.starts = now - 600;
	l.cltt = l.starts;
	l.ends = now + 3000;
	l.granted_by = LEASE_BY_PRIMARY;
	return l;
}

static void
load(struct fixture *f, const struct lease *l)
{
	assert_int_equal(pool_load_lease(f->set, l), POOL_LOAD_OK);
}

static const uint8_t cid_mac[] = { 0x01, 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t cid_other[] = { 0x01, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f };

/*
 * lan1 198.51.100.0/24, range .10-.200; lan2 203.0.113.0/24, .10-.50.
 *   .10   bound, hw ..:01, relayed (circuit "eth0/1", remote de:ad:be:ef)
 *   .11   bound, hw ..:02, client id 01 + its MAC
 *   .12   bound, hw ..:03, client id "abc" (no type byte)
 *   .13   bound, hw ..:22, client id 01:0a:0b:0c:0d:0e:0f (not its MAC)
 *   .14   expired, hw ..:05
 *   .15   a free record that never had a client
 *   .100-.169  bound, all to hw ..:77
 *   lan2 .10  bound, hw ..:01 (the client of lan1 .10 again)
 */
static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct lease	 l;

	assert_non_null(f);
	f->cfg.server.server_addr = IP(192, 0, 2, 10);
	f->cfg.server.max_pending_secs = 10;
	f->cfg.server.max_unavailable_time = 3600;
	subnet_init(&f->subnets[0], "lan1", LAN1(0), LAN1(10), LAN1(200));
	subnet_init(&f->subnets[1], "lan2", LAN2(0), LAN2(10), LAN2(50));
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 2;
	assert_int_equal(pool_set_new(&f->cfg, 99, &f->set), POOL_OK);

	l = mklease(LAN1(10), LEASE_BOUND, 1, NULL, 0);
	snprintf(l.hostname, sizeof(l.hostname), "alice");
	l.relay.giaddr = RELAY;
	l.relay.circuit_len = 6;
	memcpy(l.relay.circuit_id, "eth0/1", 6);
	l.relay.remote_len = 4;
	memcpy(l.relay.remote_id, "\xde\xad\xbe\xef", 4);
	load(f, &l);
	l = mklease(LAN1(11), LEASE_BOUND, 2, cid_mac, sizeof(cid_mac));
	load(f, &l);
	l = mklease(LAN1(12), LEASE_BOUND, 3, "abc", 3);
	load(f, &l);
	l = mklease(LAN1(13), LEASE_BOUND, 0x22, cid_other, sizeof(cid_other));
	load(f, &l);
	l = mklease(LAN1(14), LEASE_EXPIRED, 5, NULL, 0);
	load(f, &l);
	memset(&l, 0, sizeof(l));
	l.addr = LAN1(15);
	load(f, &l);
	for (unsigned i = 0; i < MANY; i++) {
		l = mklease(LAN1(100 + i), LEASE_BOUND, 0x77, NULL, 0);
		load(f, &l);
	}
	l = mklease(LAN2(10), LEASE_BOUND, 1, NULL, 0);
	l.granted_by = LEASE_BY_FAILOVER;
	load(f, &l);
	sb_init(&f->out);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sb_free(&f->out);
	pool_set_free(f->set);
	free(f);
	return 0;
}

static struct lease_query
query(const char *text)
{
	struct lease_query q;
	char	 why[256] = "";

	if (!lease_query_parse(text, &q, why, sizeof(why)))
		fail_msg("'%s' refused: %s", text, why);
	return q;
}

static void
parse_forms(void **state)
{
	static const uint8_t mac[] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct lease_query q;
	char	 big[2 * 256 + 1];

	(void)state;
	q = query("198.51.100.10");
	assert_true(q.by_addr);
	assert_int_equal(q.addr, LAN1(10));
	q = query("0.0.0.1");
	assert_true(q.by_addr);
	assert_int_equal(q.addr, 1);
	for (int i = 0; i < 4; i++) {
		static const char *const forms[] = { "aa:bb:cc:dd:ee:ff",
		    "aa-bb-cc-dd-ee-ff", "aabbccddeeff", "AA:Bb:cC:DD:ee:FF" };

		q = query(forms[i]);
		assert_false(q.by_addr);
		assert_int_equal(q.len, 6);
		assert_memory_equal(q.id, mac, 6);
	}
	q = query("01:aa:bb:cc:dd:ee:ff");
	assert_int_equal(q.len, 7);
	assert_int_equal(q.id[0], 1);
	/* A single byte is hex, not an address. */
	q = query("10");
	assert_false(q.by_addr);
	assert_int_equal(q.len, 1);
	assert_int_equal(q.id[0], 0x10);
	/* 255 bytes is the most option 61 can hold. */
	memset(big, 'a', 2 * 255);
	big[2 * 255] = '\0';
	q = query(big);
	assert_int_equal(q.len, 255);
}

static void
parse_refusals(void **state)
{
	static const char *const bad[] = {
		"", "aa:bb:c", "aabbc", "aa::bb", "aa:bb:", ":aa", "-aa", "zz",
		"hello", "1.2.3", "1.2.3.4.5", "198.51.100.256", " aa",
		"aa ", "a:b:c:d:e:f", "aa:bb;cc", "0x0a0b",
	};
	struct lease_query q;
	char	 why[256], big[2 * 256 + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (lease_query_parse(bad[i], &q, why, sizeof(why)))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(why, "is not an IPv4 address"));
	}
	memset(big, 'a', 2 * 256);
	big[2 * 256] = '\0';
	assert_false(lease_query_parse(big, &q, why, sizeof(why)));
	/* The reason quotes the input, cut short. */
	assert_true(strlen(why) < 64 + 200);
	assert_false(lease_query_parse("hello", &q, why, sizeof(why)));
	assert_non_null(strstr(why, "'hello'"));
}

static bool
matches(const char *text, const struct lease *l)
{
	struct lease_query q = query(text);

	return lease_query_match(&q, l);
}

static void
match_rules(void **state)
{
	struct lease	 h = mklease(LAN1(10), LEASE_BOUND, 1, NULL, 0),
			 c = mklease(LAN1(11), LEASE_BOUND, 2, cid_mac,
			     sizeof(cid_mac)),
			 o = mklease(LAN1(13), LEASE_BOUND, 0x22, cid_other,
			     sizeof(cid_other));

	(void)state;
	assert_true(matches("198.51.100.10", &h));
	assert_false(matches("198.51.100.11", &h));
	/* By hardware address, whatever the key. */
	assert_true(matches("02:00:00:00:00:01", &h));
	assert_true(matches("02:00:00:00:00:02", &c));
	assert_true(matches("02:00:00:00:00:22", &o));
	/* By client id, whole or after its type byte. */
	assert_true(matches("01:02:00:00:00:00:02", &c));
	assert_true(matches("01:0a:0b:0c:0d:0e:0f", &o));
	assert_true(matches("0a:0b:0c:0d:0e:0f", &o));
	/* No prefix or suffix of either, no longer one. */
	assert_false(matches("02:00:00:00:00", &h));
	assert_false(matches("00:00:00:00:01", &h));
	assert_false(matches("02:00:00:00:00:01:00", &h));
	assert_false(matches("01:0a:0b:0c:0d:0e", &o));
	assert_false(matches("0a:0b:0c:0d:0e", &o));
	assert_false(matches("0b:0c:0d:0e:0f", &o));
	assert_false(matches("01:0a:0b:0c:0d:0e:0f:00", &o));
	assert_false(matches("00:01:0a:0b:0c:0d:0e:0f", &o));
	/* A key built from the hardware address is not a client id. */
	assert_false(matches("01:02:00:00:00:00:01", &h));
	/* A hardware address of another length is another one. */
	h.hlen = 5;
	assert_false(matches("02:00:00:00:00:01", &h));
	assert_true(matches("02:00:00:00:00", &h));
}

static size_t
find(struct fixture *f, const char *text, const char *primary, bool json,
    size_t room)
{
	struct lease_query q = query(text);

	sb_reset(&f->out);
	return lease_find_pools(f->set, &q, primary, json, room, &f->out);
}

/* lease_find_text's entries: each ends with its "granted by" line. */
static size_t
text_entries(const struct strbuf *sb)
{
	size_t	 n = 0;

	for (const char *p = sb->buf; p != NULL &&
	    (p = strstr(p, "\n  granted  by ")) != NULL; p++)
		n++;
	return n;
}

static void
search_counts(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(find(f, "198.51.100.10", NULL, false, 64), 1);
	assert_int_equal(find(f, "203.0.113.10", NULL, false, 64), 1);
	assert_non_null(strstr(f->out.buf, "203.0.113.10"));
	/* Both subnets. */
	assert_int_equal(find(f, "02:00:00:00:00:01", NULL, false, 64), 2);
	assert_int_equal(text_entries(&f->out), 2);
	assert_non_null(strstr(f->out.buf, "198.51.100.10"));
	assert_non_null(strstr(f->out.buf, "203.0.113.10"));
	assert_int_equal(find(f, "0a:0b:0c:0d:0e:0f", NULL, false, 64), 1);
	assert_non_null(strstr(f->out.buf, "198.51.100.13"));
	assert_int_equal(find(f, "61:62:63", NULL, false, 64), 1);
	/* An expired binding is still one. */
	assert_int_equal(find(f, "02:00:00:00:00:05", NULL, false, 64), 1);
	assert_non_null(strstr(f->out.buf, "expired"));
	/* Never used: a record without a client, or none at all. */
	assert_int_equal(find(f, "198.51.100.15", NULL, false, 64), 0);
	assert_int_equal(find(f, "198.51.100.199", NULL, false, 64), 0);
	assert_int_equal(find(f, "10.0.0.1", NULL, false, 64), 0);
	assert_int_equal(f->out.len, 0);
	assert_int_equal(find(f, "02:00:00:00:00:99", NULL, false, 64), 0);
	/* The room limit. */
	assert_int_equal(find(f, "02:00:00:00:00:77", NULL, false, 5), 5);
	assert_int_equal(text_entries(&f->out), 5);
	assert_int_equal(find(f, "02:00:00:00:00:77", NULL, false,
	    LEASE_FIND_MAX), LEASE_FIND_MAX);
	assert_int_equal(text_entries(&f->out), LEASE_FIND_MAX);
	assert_int_equal(find(f, "02:00:00:00:00:77", NULL, false, 1000),
	    MANY);
	assert_int_equal(find(f, "02:00:00:00:00:77", NULL, false, 0), 0);
	assert_int_equal(f->out.len, 0);
}

static void
text_form(void **state)
{
	static const char *const want[] = {
		"198.51.100.10", "bound", "subnet 198.51.100.0/24",
		"primary alpha", "hwaddr 02:00:00:00:00:01", "hostname alice",
		"giaddr 192.0.2.1", "circuit-id \"eth0/1\" (657468302f31)",
		"remote-id", "(deadbeef)", "granted  by primary", "(in ",
	};
	struct fixture	*f = *state;

	assert_int_equal(find(f, "198.51.100.10", "alpha", false, 64), 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(f->out.buf, want[i]) == NULL)
			fail_msg("no '%s' in:\n%s", want[i], f->out.buf);
	/* remote-id is not printable: escaped, never raw. */
	assert_null(strchr(f->out.buf, '\xde'));
	assert_non_null(strstr(f->out.buf, "\\xde\\xad\\xbe\\xef"));

	assert_int_equal(find(f, "198.51.100.11", NULL, false, 64), 1);
	assert_non_null(strstr(f->out.buf, "client-id 01020000000002"));
	assert_non_null(strstr(f->out.buf, "- (not relayed)"));
	assert_null(strstr(f->out.buf, "primary "));
	assert_null(strstr(f->out.buf, "circuit-id"));
	assert_int_equal(find(f, "203.0.113.10", NULL, false, 64), 1);
	assert_non_null(strstr(f->out.buf, "granted  by failover"));
}

/* "[" + answer + "]" is a JSON list of the bindings found. */
static void
json_form(void **state)
{
	struct fixture	*f = *state;
	struct strbuf	 list;
	size_t		 n, items = 0;

	sb_init(&list);
	for (int k = 0; k < 3; k++) {
		static const char *const q[] = { "02:00:00:00:00:01",
		    "02:00:00:00:00:77", "198.51.100.199" };

		n = find(f, q[k], k == 0 ? "alpha" : NULL, true, 64);
		sb_reset(&list);
		sb_printf(&list, "[%s]", f->out.buf ? f->out.buf : "");
		items = 999;
		if (!json_valid(list.buf, &items))
			fail_msg("not JSON: %s", list.buf);
		assert_int_equal(items, n);
	}
	assert_int_equal(items, 0);
	n = find(f, "02:00:00:00:00:01", "alpha", true, 64);
	assert_int_equal(n, 2);
	assert_non_null(strstr(f->out.buf, "alpha"));
	sb_free(&list);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_forms),
		cmocka_unit_test(parse_refusals),
		cmocka_unit_test(match_rules),
		T(search_counts),
		T(text_form),
		T(json_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
