/* Unit tests: common/store/lease.c (state names and the record codec). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lease.h"

/* Fixed-part size of a version 1 body, and the header before it. */
#define HDR	3
#define FIXED	57

static void
sample(struct lease *l)
{
	static const uint8_t key[] = { 'H', 1, 2, 0, 0, 0, 0, 7 };

	memset(l, 0, sizeof(*l));
	l->addr = 0xc000020a;		/* 192.0.2.10 */
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[0] = 2;
	l->chaddr[5] = 7;
	l->key.len = sizeof(key);
	memcpy(l->key.bytes, key, sizeof(key));
	l->starts = 1700000000;
	l->ends = 1700003600;
	l->cltt = 1700000000;
	l->seq = 42;
	strcpy(l->hostname, "pc7");
}

/* Rewrite the body length after a test edited a record's size. */
static void
fix_len(uint8_t *buf, size_t len)
{
	buf[1] = (uint8_t)((len - HDR) >> 8);
	buf[2] = (uint8_t)(len - HDR);
}

static void
state_names(void **state)
{
	int	 i;

	(void)state;
	for (i = 0; i < LEASE_STATE_COUNT; i++)
		assert_int_equal(lease_state_from_name(
		    lease_state_name((enum lease_state)i)), i);
	assert_string_equal(lease_state_name(LEASE_BOUND), "bound");
	assert_string_equal(lease_state_name(LEASE_CONFLICT), "conflict");
	assert_string_equal(lease_state_name(LEASE_STATE_COUNT), "unknown");
	assert_string_equal(lease_state_name((enum lease_state)200),
	    "unknown");
	assert_int_equal(lease_state_from_name("BOUND"), LEASE_BOUND);
	assert_int_equal(lease_state_from_name("bogus"), -1);
	assert_int_equal(lease_state_from_name(""), -1);
	assert_int_equal(lease_state_from_name(NULL), -1);
}

/* The byte layout is a contract with stores already on disk. */
static void
golden_vector(void **state)
{
	static const uint8_t want[] = {
		0x01, 0x00, 0x45,			/* v1, body 69 */
		0xc0, 0x00, 0x02, 0x0a,			/* addr */
		0x02, 0x01, 0x06,			/* state htype hlen */
		0x02, 0, 0, 0, 0, 0x07, 0, 0,		/* chaddr */
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00,	/* starts */
		0, 0, 0, 0, 0x65, 0x53, 0xff, 0x10,	/* ends */
		0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00,	/* cltt */
		0, 0, 0, 0, 0, 0, 0, 0x2a,		/* seq */
		0x00, 0x08,				/* key len */
		'H', 1, 2, 0, 0, 0, 0, 7,		/* key */
		'p', 'c', '7', 0,			/* hostname */
	};
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_true(lease_decode(want, sizeof(want), &d));
	assert_memory_equal(&d, &l, sizeof(l));
}

static void
round_trip_extremes(void **state)
{
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n, i;

	(void)state;
	/* Largest record: full key, longest hostname, extreme values. */
	memset(&l, 0, sizeof(l));
	l.addr = 0xffffffff;
	l.state = LEASE_STATE_COUNT - 1;
	l.htype = 0xff;
	l.hlen = DHCP_CHADDR_LEN;
	memset(l.chaddr, 0xab, sizeof(l.chaddr));
	l.key.len = DHCP_CLIENT_KEY_MAX;
	for (i = 0; i < DHCP_CLIENT_KEY_MAX; i++)
		l.key.bytes[i] = (uint8_t)i;
	l.starts = INT64_MIN;
	l.ends = INT64_MAX;
	l.cltt = -1;
	l.seq = UINT64_MAX;
	memset(l.hostname, 'h', LEASE_HOSTNAME_MAX - 1);
	n = lease_encode(&l, buf, sizeof(buf));
	assert_int_equal(n, HDR + FIXED + DHCP_CLIENT_KEY_MAX +
	    LEASE_HOSTNAME_MAX);
	assert_true(n <= LEASE_RECORD_MAX);
	memset(&d, 0x5a, sizeof(d));
	assert_true(lease_decode(buf, n, &d));
	assert_memory_equal(&d, &l, sizeof(l));

	/* Smallest: free address, no client, no hostname. */
	memset(&l, 0, sizeof(l));
	l.addr = 1;
	n = lease_encode(&l, buf, sizeof(buf));
	assert_int_equal(n, HDR + FIXED + 1);
	memset(&d, 0x5a, sizeof(d));
	assert_true(lease_decode(buf, n, &d));
	assert_memory_equal(&d, &l, sizeof(l));
}

static void
encode_refuses(void **state)
{
	struct lease	 l;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n, cap;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	assert_true(n > 0);
	for (cap = 0; cap < n; cap++)
		assert_int_equal(lease_encode(&l, buf, cap), 0);
	assert_int_equal(lease_encode(&l, buf, n), n);

	sample(&l);
	l.state = LEASE_STATE_COUNT;
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
	sample(&l);
	l.hlen = DHCP_CHADDR_LEN + 1;
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
	sample(&l);
	l.key.len = DHCP_CLIENT_KEY_MAX + 1;
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
	sample(&l);
	memset(l.hostname, 'x', sizeof(l.hostname));	/* no NUL */
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
}

static void
truncated_and_long(void **state)
{
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX + 1];
	size_t		 n, cut;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	/* Torn at every offset: as is, and with a length that agrees. */
	for (cut = 0; cut < n; cut++) {
		uint8_t t[LEASE_RECORD_MAX];

		assert_false(lease_decode(buf, cut, &d));
		memcpy(t, buf, cut);
		if (cut >= HDR) {
			fix_len(t, cut);
			assert_false(lease_decode(t, cut, &d));
		}
	}
	/* One byte too many, declared or not. */
	buf[n] = 0;
	assert_false(lease_decode(buf, n + 1, &d));
	fix_len(buf, n + 1);
	assert_false(lease_decode(buf, n + 1, &d));
	fix_len(buf, n);
	assert_true(lease_decode(buf, n, &d));
	/* Body length field larger / smaller than what arrived. */
	buf[2]++;
	assert_false(lease_decode(buf, n, &d));
	buf[2] -= 2;
	assert_false(lease_decode(buf, n, &d));
}

static void
bad_version(void **state)
{
	static const uint8_t versions[] = { 0, 2, 0x7f, 0xff };
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n, i;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	for (i = 0; i < sizeof(versions); i++) {
		buf[0] = versions[i];
		assert_false(lease_decode(buf, n, &d));
	}
}

static void
bad_fields(void **state)
{
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));

	buf[HDR + 4] = LEASE_STATE_COUNT;
	assert_false(lease_decode(buf, n, &d));
	buf[HDR + 4] = 0xff;
	assert_false(lease_decode(buf, n, &d));
	buf[HDR + 4] = LEASE_STATE_COUNT - 1;
	assert_true(lease_decode(buf, n, &d));

	buf[HDR + 6] = DHCP_CHADDR_LEN + 1;
	assert_false(lease_decode(buf, n, &d));
	buf[HDR + 6] = DHCP_CHADDR_LEN;
	assert_true(lease_decode(buf, n, &d));
}

static void
bad_key_len(void **state)
{
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	/* Runs past the body. */
	buf[HDR + 55] = 0;
	buf[HDR + 56] = (uint8_t)(n - HDR - FIXED + 1);
	assert_false(lease_decode(buf, n, &d));
	buf[HDR + 55] = 0xff;
	buf[HDR + 56] = 0xff;
	assert_false(lease_decode(buf, n, &d));

	/* Fits the body but exceeds DHCP_CLIENT_KEY_MAX. */
	memset(&l, 0, sizeof(l));
	l.key.len = DHCP_CLIENT_KEY_MAX;
	l.hostname[0] = 'a';
	n = lease_encode(&l, buf, sizeof(buf));
	assert_true(lease_decode(buf, n, &d));
	buf[HDR + 55] = (DHCP_CLIENT_KEY_MAX + 1) >> 8;
	buf[HDR + 56] = (uint8_t)(DHCP_CLIENT_KEY_MAX + 1);
	/* Now the "hostname" would be just its NUL: only the cap rejects. */
	assert_false(lease_decode(buf, n, &d));
}

static void
bad_hostname(void **state)
{
	struct lease	 l, d;
	uint8_t		 buf[LEASE_RECORD_MAX + 1];
	size_t		 n;

	(void)state;
	sample(&l);
	n = lease_encode(&l, buf, sizeof(buf));

	/* Unterminated. */
	buf[n - 1] = 'x';
	assert_false(lease_decode(buf, n, &d));
	/* NUL in the middle: bytes after the name. */
	buf[n - 1] = 0;
	buf[n - 3] = 0;
	assert_false(lease_decode(buf, n, &d));
	buf[n - 3] = 'c';
	assert_true(lease_decode(buf, n, &d));
	/* No hostname field at all. */
	fix_len(buf, n - 4);
	assert_false(lease_decode(buf, n - 4, &d));

	/* LEASE_HOSTNAME_MAX characters cannot be held with their NUL. */
	memset(l.hostname, 'a', LEASE_HOSTNAME_MAX - 1);
	l.hostname[LEASE_HOSTNAME_MAX - 1] = 0;
	n = lease_encode(&l, buf, sizeof(buf));
	assert_true(lease_decode(buf, n, &d));
	buf[n - 1] = 'a';
	buf[n] = 0;
	fix_len(buf, n + 1);
	assert_false(lease_decode(buf, n + 1, &d));
}

static void
sample_relayed(struct lease *l)
{
	sample(l);
	l->granted_by = LEASE_BY_FAILOVER;
	l->relay.giaddr = 0xc0000201;
	l->relay.circuit_len = 3;
	memcpy(l->relay.circuit_id, "g/1", 3);
	l->relay.remote_len = LEASE_RELAY_ID_MAX;
	memset(l->relay.remote_id, 0xab, LEASE_RELAY_ID_MAX);
}

/* Version 2 carries the relay block; without one a record stays v1. */
static void
v2_round_trip(void **state)
{
	struct lease	 l, back;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n, n1;

	(void)state;
	sample(&l);
	n1 = lease_encode(&l, buf, sizeof(buf));
	assert_int_equal(buf[0], 1);
	sample_relayed(&l);
	n = lease_encode(&l, buf, sizeof(buf));
	assert_int_equal(buf[0], 2);
	assert_int_equal(n, n1 + 7 + 3 + LEASE_RELAY_ID_MAX);
	assert_true(lease_decode(buf, n, &back));
	assert_memory_equal(&back, &l, sizeof(l));
	/* A short or long relay block is refused. */
	for (size_t cut = 1; cut <= 7 + 3 + LEASE_RELAY_ID_MAX; cut++) {
		fix_len(buf, n - cut);
		assert_false(lease_decode(buf, n - cut, &back));
	}
	fix_len(buf, n);
	buf[n - LEASE_RELAY_ID_MAX - 1] = LEASE_RELAY_ID_MAX + 1;
	assert_false(lease_decode(buf, n, &back));
	/* Origins and ids beyond their limits are never written. */
	l.granted_by = LEASE_ORIGIN_COUNT;
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
	sample_relayed(&l);
	l.relay.circuit_len = LEASE_RELAY_ID_MAX + 1;
	assert_int_equal(lease_encode(&l, buf, sizeof(buf)), 0);
	assert_string_equal(lease_origin_name(LEASE_BY_IMPORT), "import");
	assert_int_equal(lease_origin_from_name("failover"),
	    LEASE_BY_FAILOVER);
	assert_int_equal(lease_origin_from_name("x"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_names),
		cmocka_unit_test(golden_vector),
		cmocka_unit_test(round_trip_extremes),
		cmocka_unit_test(encode_refuses),
		cmocka_unit_test(truncated_and_long),
		cmocka_unit_test(bad_version),
		cmocka_unit_test(bad_fields),
		cmocka_unit_test(bad_key_len),
		cmocka_unit_test(bad_hostname),
		cmocka_unit_test(v2_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
