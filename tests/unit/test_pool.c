/*
 * Unit tests: common/dhcp/pool.c (allocation state), with a fake clock and a
 * configuration built by hand.
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

#include "engine_testutil.h"
#include "pool.h"
#define T0		((int64_t)1700000000)
#define PENDING		10
#define UNAVAIL		3600

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnets[2];
	struct cfg_host	 hosts[4];
	struct cfg_class classes[3];
	struct pool_set	*set;
	struct pool	*p;
};

static struct pool_client
client(unsigned id)
{
	struct pool_client c;

	memset(&c, 0, sizeof(c));
	c.htype = 1;
	c.hlen = 6;
	c.chaddr[0] = 0x02;
	c.chaddr[4] = (uint8_t)(id >> 8);
	c.chaddr[5] = (uint8_t)id;
	c.key.bytes[0] = 'H';
	c.key.bytes[1] = 1;
	memcpy(c.key.bytes + 2, c.chaddr, 6);
	c.key.len = 8;
	return c;
}

/* A client that sends option 61 (so its key is not its hardware address). */
static struct pool_client
client_cid(unsigned id, const char *cid)
{
	struct pool_client c = client(id);

	memset(&c.key, 0, sizeof(c.key));
	c.key.bytes[0] = 'C';
	memcpy(c.key.bytes + 1, cid, strlen(cid));
	c.key.len = (uint16_t)(1 + strlen(cid));
	return c;
}

static void
add_range(struct cfg_subnet *sn, uint32_t lo, uint32_t hi)
{
	sn->ranges[sn->nranges].lo = lo;
	sn->ranges[sn->nranges].hi = hi;
	sn->nranges++;
}

/*
 * lan1 198.51.100.0/24, range .100-.109 (10 addresses), .104 excluded,
 * host "printer" .7 by hardware address (outside the range), host
 * "laptop" .105 by client id (inside the range).
 * lan2 203.0.113.0/24, range .10-.12.
 */
static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->cfg.server.name, sizeof(f->cfg.server.name), "t");
	f->cfg.server.server_addr = IP(192, 0, 2, 10);
	f->cfg.server.max_pending_secs = PENDING;
	f->cfg.server.max_unavailable_time = UNAVAIL;
	f->cfg.server.authoritative = true;

	et_subnet(&f->subnets[0], "lan1", IP(198, 51, 100, 0), 24);
	add_range(&f->subnets[0], IP(198, 51, 100, 100), IP(198, 51, 100, 109));
	f->subnets[0].excludes[f->subnets[0].nexcludes++] =
	    IP(198, 51, 100, 104);
	et_subnet(&f->subnets[1], "lan2", IP(203, 0, 113, 0), 24);
	add_range(&f->subnets[1], IP(203, 0, 113, 10), IP(203, 0, 113, 12));

	snprintf(f->hosts[0].name, sizeof(f->hosts[0].name), "printer");
	f->hosts[0].htype = 1;
	f->hosts[0].hlen = 6;
	memcpy(f->hosts[0].hwaddr, "\x02\x00\x00\x00\x00\x07", 6);
	f->hosts[0].addr = IP(198, 51, 100, 7);
	snprintf(f->hosts[0].hostname, sizeof(f->hosts[0].hostname),
	    "printer7");
	snprintf(f->hosts[1].name, sizeof(f->hosts[1].name), "laptop");
	f->hosts[1].cid_len = 6;
	memcpy(f->hosts[1].cid, "laptop", 6);
	f->hosts[1].addr = IP(198, 51, 100, 105);

	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 2;
	f->cfg.hosts = f->hosts;
	f->cfg.nhosts = 2;
	assert_int_equal(pool_set_new(&f->cfg, 42, &f->set), POOL_OK);
	f->p = pool_set_get(f->set, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	pool_set_free(f->set);
	free(f);
	return 0;
}

static void
check(struct pool *p)
{
	assert_int_equal(pool_selfcheck(p), 0);
}

/* Offer then bind, as DORA does. */
static uint32_t
grant(struct pool *p, const struct pool_client *c, uint32_t req,
    int64_t now, uint32_t secs, enum pool_src *src)
{
	uint32_t	 a = pool_allocate(p, c, req, now, POOL_SCOPE_ALL, src);

	if (a == 0)
		return 0;
	assert_int_equal(pool_offer(p, c, a, now, NULL), POOL_OK);
	assert_int_equal(pool_bind(p, c, a, now, secs, NULL), POOL_OK);
	return a;
}

static void
build_layout(void **state)
{
	struct fixture	*f = *state;
	struct pool_stats st;

	assert_int_equal(pool_set_count(f->set), 2);
	pool_stats(f->p, &st);
	/* 10 in range, minus .104 excluded, minus .105 reserved. */
	assert_int_equal(st.total, 8);
	assert_int_equal(st.free, 8);
	assert_int_equal(st.reserved, 2);
	assert_int_equal(st.excluded, 1);
	assert_ptr_equal(pool_set_find(f->set, IP(198, 51, 100, 1)), f->p);
	assert_ptr_equal(pool_set_find(f->set, IP(203, 0, 113, 200)),
	    pool_set_get(f->set, 1));
	assert_null(pool_set_find(f->set, IP(192, 0, 2, 1)));
	assert_int_equal(pool_addr_kind(f->p, IP(198, 51, 100, 7)),
	    POOL_ADDR_RESERVED);
	assert_int_equal(pool_addr_kind(f->p, IP(198, 51, 100, 105)),
	    POOL_ADDR_RESERVED);
	assert_int_equal(pool_addr_kind(f->p, IP(198, 51, 100, 104)),
	    POOL_ADDR_EXCLUDED);
	assert_int_equal(pool_addr_kind(f->p, IP(198, 51, 100, 100)),
	    POOL_ADDR_DYNAMIC);
	assert_int_equal(pool_addr_kind(f->p, IP(198, 51, 100, 50)),
	    POOL_ADDR_OUTSIDE);
	assert_string_equal(pool_addr_host(f->p, IP(198, 51, 100, 7))->name,
	    "printer");
	check(f->p);
}

/* Table: each step asks for an address and expects the rule that wins. */
static void
allocation_order(void **state)
{
	struct fixture	*f = *state;
	struct pool_client printer = client(7), laptop = client_cid(8,
	    "laptop"), a = client(1), b = client(2), c = client(3);
	enum pool_src	 src;
	uint32_t	 got, prev;
	int64_t		 now = T0;

	/* Reservation by hardware address, then by client id. */
	got = pool_allocate(f->p, &printer, IP(198, 51, 100, 101), now, POOL_SCOPE_ALL, &src);
	assert_int_equal(got, IP(198, 51, 100, 7));
	assert_int_equal(src, POOL_SRC_RESERVED);
	got = pool_allocate(f->p, &laptop, 0, now, POOL_SCOPE_ALL, &src);
	assert_int_equal(got, IP(198, 51, 100, 105));
	assert_int_equal(src, POOL_SRC_RESERVED);

	/* Never used: the first dynamic address. */
	prev = grant(f->p, &a, 0, now, 600, &src);
	assert_int_equal(prev, IP(198, 51, 100, 100));
	assert_int_equal(src, POOL_SRC_NEW);

	/* Requested (option 50) beats never-used. */
	got = grant(f->p, &b, IP(198, 51, 100, 108), now, 600, &src);
	assert_int_equal(got, IP(198, 51, 100, 108));
	assert_int_equal(src, POOL_SRC_REQUESTED);

	/* A requested address held by someone else is not given. */
	got = pool_allocate(f->p, &c, IP(198, 51, 100, 108), now, POOL_SCOPE_ALL, &src);
	assert_int_equal(got, IP(198, 51, 100, 101));
	assert_int_equal(src, POOL_SRC_NEW);

	/* Previous lease beats the requested address, even expired. */
	now += 1000;
	got = pool_allocate(f->p, &a, IP(198, 51, 100, 103), now, POOL_SCOPE_ALL, &src);
	assert_int_equal(got, prev);
	assert_int_equal(src, POOL_SRC_EXISTING);
	assert_int_equal(pool_expire(f->p, now, 100, NULL, NULL), 2);
	got = pool_allocate(f->p, &a, IP(198, 51, 100, 103), now, POOL_SCOPE_ALL, &src);
	assert_int_equal(got, prev);
	assert_int_equal(src, POOL_SRC_EXISTING);
	check(f->p);
}

static void
reservation_by_hw_with_client_id(void **state)
{
	struct fixture	*f = *state;
	/* The printer sends option 61 but is reserved by HardwareAddress. */
	struct pool_client pr = client_cid(7, "\x01\x02\x00\x00\x00\x00\x07");
	enum pool_src	 src;

	assert_non_null(pool_host_for(f->p, &pr));
	assert_int_equal(pool_allocate(f->p, &pr, 0, T0, POOL_SCOPE_ALL, &src),
	    IP(198, 51, 100, 7));
	assert_int_equal(src, POOL_SRC_RESERVED);
	/* Not in lan2: reservations belong to the host address's subnet. */
	assert_null(pool_host_for(pool_set_get(f->set, 1), &pr));
}

static void
exclusions_never_handed_out(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c;
	uint32_t	 a;
	unsigned	 i, n = 0;

	for (i = 0; i < 20; i++) {
		c = client(100 + i);
		a = grant(f->p, &c, IP(198, 51, 100, 104), T0, 600, NULL);
		if (a == 0)
			break;
		assert_int_not_equal(a, IP(198, 51, 100, 104));
		assert_int_not_equal(a, IP(198, 51, 100, 105));
		n++;
	}
	assert_int_equal(n, 8);
	c = client(999);
	assert_false(pool_addr_available(f->p, IP(198, 51, 100, 104), &c, T0));
	assert_int_equal(pool_offer(f->p, &c, IP(198, 51, 100, 104), T0, NULL),
	    POOL_ERR_BUSY);
	check(f->p);
}

static void
reservation_never_given_to_others(void **state)
{
	struct fixture	*f = *state;
	struct pool_client other = client(55), laptop = client_cid(8, "laptop");
	enum pool_src	 src;
	uint32_t	 a;

	a = pool_allocate(f->p, &other, IP(198, 51, 100, 105), T0, POOL_SCOPE_ALL, &src);
	assert_int_not_equal(a, IP(198, 51, 100, 105));
	assert_int_equal(src, POOL_SRC_NEW);
	assert_int_equal(pool_bind(f->p, &other, IP(198, 51, 100, 105), T0,
	    60, NULL), POOL_ERR_BUSY);
	assert_int_equal(pool_bind(f->p, &other, IP(198, 51, 100, 7), T0,
	    60, NULL), POOL_ERR_BUSY);
	assert_int_equal(pool_bind(f->p, &laptop, IP(198, 51, 100, 105), T0,
	    60, NULL), POOL_OK);
	check(f->p);
}

static void
offer_hold_and_expiry(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), b = client(2);
	struct lease	 l;
	struct pool_stats st;
	uint32_t	 x;
	enum pool_src	 src;

	x = pool_allocate(f->p, &a, 0, T0, POOL_SCOPE_ALL, NULL);
	assert_int_equal(pool_offer(f->p, &a, x, T0, &l), POOL_OK);
	assert_int_equal(l.state, LEASE_OFFERED);
	assert_int_equal(l.ends, T0 + PENDING);
	pool_stats(f->p, &st);
	assert_int_equal(st.offered, 1);
	assert_int_equal(st.free, 7);

	/* Held: b cannot have it, even asking for it. */
	assert_int_not_equal(pool_allocate(f->p, &b, x, T0 + PENDING - 1, POOL_SCOPE_ALL,
	    NULL), x);
	assert_int_equal(pool_offer(f->p, &b, x, T0 + PENDING - 1, NULL),
	    POOL_ERR_BUSY);
	assert_int_equal(pool_expire(f->p, T0 + PENDING - 1, 10, NULL, NULL),
	    0);

	/* At the end of the hold it is free again, for anyone. */
	assert_true(pool_addr_available(f->p, x, &b, T0 + PENDING));
	assert_int_equal(pool_allocate(f->p, &b, x, T0 + PENDING, POOL_SCOPE_ALL, &src), x);
	assert_int_equal(src, POOL_SRC_REQUESTED);
	assert_int_equal(pool_expire(f->p, T0 + PENDING, 10, NULL, NULL), 1);
	l = *pool_lease_at(f->p, x);
	assert_int_equal(l.state, LEASE_FREE);
	pool_stats(f->p, &st);
	assert_int_equal(st.offered, 0);
	assert_int_equal(st.free, 8);
	/* Still the client's: it gets the same address again. */
	assert_int_equal(pool_allocate(f->p, &a, 0, T0 + 20, POOL_SCOPE_ALL, &src), x);
	assert_int_equal(src, POOL_SRC_EXISTING);
	check(f->p);
}

static void
offer_keeps_binding(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1);
	struct lease	 l;
	uint32_t	 x;

	x = grant(f->p, &a, 0, T0, 3600, NULL);
	assert_int_equal(pool_offer(f->p, &a, x, T0 + 5, &l), POOL_OK);
	assert_int_equal(l.state, LEASE_BOUND);
	assert_int_equal(l.ends, T0 + 3600);
	check(f->p);
}

static void
decline_quarantine(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), b = client(2);
	struct lease	 l;
	struct pool_stats st;
	uint32_t	 x, y;
	int64_t		 t = T0;
	enum pool_src	 src;

	x = grant(f->p, &a, 0, t, 3600, NULL);
	assert_int_equal(pool_decline(f->p, &b, x, t, NULL),
	    POOL_ERR_NOTOWNER);
	assert_int_equal(pool_decline(f->p, &a, x, t, &l), POOL_OK);
	assert_int_equal(l.state, LEASE_DECLINED);
	assert_int_equal(l.ends, t + UNAVAIL);
	assert_int_equal(l.key.len, 0);
	assert_int_equal(l.chaddr[5], 1);	/* who declined it */
	pool_stats(f->p, &st);
	assert_int_equal(st.declined, 1);

	/* Detached: a gets another address, nobody gets x meanwhile. */
	assert_null(pool_find_for_client(f->p, &a, t));
	y = pool_allocate(f->p, &a, x, t, POOL_SCOPE_ALL, NULL);
	assert_int_not_equal(y, x);
	assert_false(pool_addr_available(f->p, x, &a, t + UNAVAIL - 1));
	assert_int_equal(pool_release(f->p, &a, x, t, NULL),
	    POOL_ERR_NOTOWNER);

	/* After MaxUnavailableTime it is reusable. */
	assert_true(pool_addr_available(f->p, x, &b, t + UNAVAIL));
	assert_int_equal(pool_allocate(f->p, &b, x, t + UNAVAIL, POOL_SCOPE_ALL, &src), x);
	assert_int_equal(src, POOL_SRC_REQUESTED);
	assert_int_equal(pool_expire(f->p, t + UNAVAIL, 10, NULL, NULL), 1);
	assert_int_equal(pool_lease_at(f->p, x)->state, LEASE_FREE);
	pool_stats(f->p, &st);
	assert_int_equal(st.declined, 0);
	check(f->p);
}

static void
conflict_quarantine(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), b = client(2);
	struct lease	 l;
	uint32_t	 x;

	x = pool_allocate(f->p, &a, 0, T0, POOL_SCOPE_ALL, NULL);
	assert_int_equal(pool_conflict(f->p, x, T0, &l), POOL_OK);
	assert_int_equal(l.state, LEASE_CONFLICT);
	assert_int_equal(l.ends, T0 + UNAVAIL);
	assert_int_not_equal(pool_allocate(f->p, &a, 0, T0, POOL_SCOPE_ALL, NULL), x);

	/* Refused while another client holds an unexpired lease on it. */
	x = grant(f->p, &b, 0, T0, 600, NULL);
	assert_int_equal(pool_conflict(f->p, x, T0 + 1, NULL), POOL_ERR_BUSY);
	assert_int_equal(pool_conflict(f->p, IP(198, 51, 100, 50), T0, NULL),
	    POOL_ERR_NOADDR);
	check(f->p);
}

static void
release_then_same_address(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), c;
	struct lease	 l;
	uint32_t	 x;
	enum pool_src	 src;
	unsigned	 i;

	x = grant(f->p, &a, 0, T0, 3600, NULL);
	assert_int_equal(pool_release(f->p, &a, x, T0 + 10, &l), POOL_OK);
	assert_int_equal(l.state, LEASE_RELEASED);
	assert_int_equal(l.ends, T0 + 10);
	/* Others take never-used addresses first. */
	for (i = 0; i < 3; i++) {
		c = client(10 + i);
		assert_int_not_equal(grant(f->p, &c, 0, T0 + 20, 60, NULL), x);
	}
	assert_int_equal(pool_allocate(f->p, &a, 0, T0 + 30, POOL_SCOPE_ALL, &src), x);
	assert_int_equal(src, POOL_SRC_EXISTING);
	check(f->p);
}

static void
exhaustion_returns_zero(void **state)
{
	struct fixture	*f = *state;
	struct pool	*p2 = pool_set_get(f->set, 1);
	struct pool_client c;
	struct pool_stats st;
	enum pool_src	 src;
	unsigned	 i;

	for (i = 0; i < 3; i++) {
		c = client(i + 1);
		assert_int_not_equal(grant(p2, &c, 0, T0, 600 + 100 * i,
		    NULL), 0);
	}
	c = client(99);
	assert_int_equal(pool_allocate(p2, &c, 0, T0 + 599, POOL_SCOPE_ALL, &src), 0);
	assert_int_equal(src, POOL_SRC_NONE);
	pool_stats(p2, &st);
	assert_int_equal(st.total, 3);
	assert_int_equal(st.bound, 3);
	assert_int_equal(st.free, 0);
	/* A lease that ran out is reusable even before the sweep. */
	assert_int_equal(pool_allocate(p2, &c, 0, T0 + 600, POOL_SCOPE_ALL, &src),
	    IP(203, 0, 113, 10));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	check(p2);
}

static void
oldest_expired_first(void **state)
{
	static const struct {
		unsigned	 id;
		uint32_t	 secs;
	} binds[] = { { 1, 300 }, { 2, 100 }, { 3, 200 } };
	struct fixture	*f = *state;
	struct pool	*p2 = pool_set_get(f->set, 1);
	struct pool_client c;
	uint32_t	 addr[3], want[3], got;
	enum pool_src	 src;
	unsigned	 i;

	for (i = 0; i < 3; i++) {
		c = client(binds[i].id);
		addr[i] = grant(p2, &c, 0, T0, binds[i].secs, NULL);
	}
	/* Expected reuse order: by ends, 100 then 200 then 300. */
	want[0] = addr[1];
	want[1] = addr[2];
	want[2] = addr[0];
	/* Sweep only the first one, so both heaps take part. */
	assert_int_equal(pool_expire(p2, T0 + 150, 10, NULL, NULL), 1);
	for (i = 0; i < 3; i++) {
		c = client(50 + i);
		got = pool_allocate(p2, &c, 0, T0 + 400, POOL_SCOPE_ALL, &src);
		assert_int_equal(got, want[i]);
		assert_int_equal(src, POOL_SRC_RECLAIMED);
		assert_int_equal(pool_offer(p2, &c, got, T0 + 400, NULL),
		    POOL_OK);
		check(p2);
	}
	/* The old owner lost it, and has no lease left here. */
	c = client(2);
	assert_null(pool_find_for_client(p2, &c, T0 + 400));
}

/* An unswept lapsed binding older than a released lease goes first. */
static void
oldest_across_heaps(void **state)
{
	struct fixture	*f = *state;
	struct pool	*p2 = pool_set_get(f->set, 1);
	struct pool_client a = client(1), b = client(2), c = client(3), d;
	uint32_t	 xa, xb;
	enum pool_src	 src;

	xa = grant(p2, &a, 0, T0, 200, NULL);		/* ends T0+200 */
	xb = grant(p2, &b, 0, T0, 1000, NULL);
	assert_int_not_equal(grant(p2, &c, 0, T0, 1000, NULL), 0);
	assert_int_equal(pool_release(p2, &b, xb, T0 + 250, NULL), POOL_OK);
	d = client(4);
	assert_int_equal(pool_allocate(p2, &d, 0, T0 + 400, POOL_SCOPE_ALL, &src), xa);
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	assert_int_equal(pool_offer(p2, &d, xa, T0 + 400, NULL), POOL_OK);
	d = client(5);
	assert_int_equal(pool_allocate(p2, &d, 0, T0 + 400, POOL_SCOPE_ALL, &src), xb);
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	check(p2);
}

static void
expire_is_bounded(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c;
	size_t		 n, calls = 0, total = 0;
	unsigned	 i;

	for (i = 0; i < 8; i++) {
		c = client(i + 1);
		assert_int_not_equal(grant(f->p, &c, 0, T0, 60 + i, NULL), 0);
	}
	while ((n = pool_set_expire(f->set, T0 + 100, 3, NULL, NULL)) > 0) {
		assert_true(n <= 3);
		total += n;
		calls++;
	}
	assert_int_equal(total, 8);
	assert_int_equal(calls, 3);
	check(f->p);
}

static void
count_cb(struct pool *p, const struct lease *l, void *arg)
{
	unsigned	*counts = arg;

	(void)p;
	counts[l->state]++;
}

static void
expire_callback_states(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), b = client(2), c = client(3);
	unsigned	 counts[LEASE_STATE_COUNT] = { 0 };
	uint32_t	 x;

	grant(f->p, &a, 0, T0, 60, NULL);
	x = pool_allocate(f->p, &b, 0, T0, POOL_SCOPE_ALL, NULL);
	pool_offer(f->p, &b, x, T0, NULL);
	x = grant(f->p, &c, 0, T0, 60, NULL);
	pool_decline(f->p, &c, x, T0, NULL);
	assert_int_equal(pool_set_expire(f->set, T0 + UNAVAIL, 100, count_cb,
	    counts), 3);
	assert_int_equal(counts[LEASE_EXPIRED], 1);
	assert_int_equal(counts[LEASE_FREE], 2);
	check(f->p);
}

static void
load_from_leases(void **state)
{
	struct fixture	*f = *state;
	struct pool_client a = client(1), b = client(2), laptop =
	    client_cid(8, "laptop"), other = client(3);
	struct pool_stats st;
	struct lease	 l;
	enum pool_src	 src;
	size_t		 cur = 0, n = 0;

	memset(&l, 0, sizeof(l));
	l.addr = IP(198, 51, 100, 103);
	l.state = LEASE_BOUND;
	l.key = a.key;
	l.htype = 1;
	l.hlen = 6;
	memcpy(l.chaddr, a.chaddr, 6);
	l.starts = T0 - 100;
	l.ends = T0 + 3500;
	l.seq = 700;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	assert_int_equal(pool_allocate(f->p, &a, 0, T0, POOL_SCOPE_ALL, &src), l.addr);
	assert_int_equal(src, POOL_SRC_EXISTING);
	assert_int_not_equal(pool_allocate(f->p, &b, l.addr, T0, POOL_SCOPE_ALL, NULL), l.addr);

	/* A declined record stays out of use and detached. */
	l.addr = IP(198, 51, 100, 100);
	l.state = LEASE_DECLINED;
	l.key = b.key;
	l.seq = 5;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	assert_null(pool_find_for_client(f->p, &b, T0));
	assert_int_not_equal(pool_allocate(f->p, &b, 0, T0, POOL_SCOPE_ALL, NULL), l.addr);

	/* The reservation is held by someone else (config changed). */
	l.addr = IP(198, 51, 100, 105);
	l.state = LEASE_BOUND;
	l.key = other.key;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	assert_int_not_equal(pool_allocate(f->p, &laptop, 0, T0, POOL_SCOPE_ALL, &src),
	    l.addr);
	assert_int_equal(src, POOL_SRC_NEW);

	/* Config changed: excluded, outside the ranges, no subnet, junk. */
	l.addr = IP(198, 51, 100, 104);
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_EXCLUDED);
	assert_int_equal(pool_allocate(f->p, &other, 0, T0 + 7200, POOL_SCOPE_ALL, &src),
	    IP(198, 51, 100, 101));
	l.addr = IP(198, 51, 100, 50);
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OUTSIDE);
	l.addr = IP(192, 0, 2, 99);
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_NO_SUBNET);
	l.addr = IP(198, 51, 100, 106);
	l.state = LEASE_STATE_COUNT;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_INVALID);
	l.addr = 0;
	l.state = LEASE_BOUND;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_INVALID);

	pool_stats(f->p, &st);
	assert_int_equal(st.bound, 1);
	assert_int_equal(st.declined, 1);
	assert_int_equal(st.reserved_bound, 1);
	assert_int_equal(st.free, 6);
	while (pool_next_lease(f->p, &cur) != NULL)
		n++;
	assert_int_equal(n, 4);

	/* Update sequences continue after the largest loaded one. */
	assert_int_equal(pool_bind(f->p, &b, IP(198, 51, 100, 102), T0, 60,
	    &l), POOL_OK);
	assert_int_equal(l.seq, 701);

	/* Loading over a record replaces it (failover binding update). */
	l.state = LEASE_RELEASED;
	l.ends = T0;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	pool_stats(f->p, &st);
	assert_int_equal(st.bound, 1);
	check(f->p);
}

static void
iterate_all(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c;
	const struct lease *l;
	size_t		 i, cur, n = 0;
	unsigned	 k;

	for (k = 0; k < 4; k++) {
		c = client(k + 1);
		grant(pool_set_get(f->set, k % 2), &c, 0, T0, 60, NULL);
	}
	c = client(7);
	grant(f->p, &c, 0, T0, 60, NULL);	/* the printer, extra slot */
	for (i = 0; i < pool_set_count(f->set); i++) {
		for (cur = 0; (l = pool_next_lease(pool_set_get(f->set, i),
		    &cur)) != NULL;) {
			assert_int_equal(l->state, LEASE_BOUND);
			n++;
		}
	}
	assert_int_equal(n, 5);
}

/* 65,536 dynamic addresses: allocate all, then reuse all. */
static void
big_subnet_timing(void **state)
{
	struct config	 cfg;
	struct cfg_subnet sn;
	struct pool_set	*set;
	struct pool	*p;
	struct pool_client c;
	struct pool_stats st;
	struct timespec	 t0, t1, t2;
	uint32_t	 i, a;
	enum pool_src	 src;
	double		 ms1, ms2;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.server.server_addr = IP(192, 0, 2, 10);
	cfg.server.max_pending_secs = PENDING;
	cfg.server.max_unavailable_time = UNAVAIL;
	/* RFC 2544 benchmarking block; nothing is ever sent to it. */
	et_subnet(&sn, "big", IP(198, 18, 0, 0), 15);
	add_range(&sn, IP(198, 18, 1, 0), IP(198, 19, 0, 255));
	cfg.subnets = &sn;
	cfg.nsubnets = 1;
	assert_int_equal(pool_set_new(&cfg, 7, &set), POOL_OK);
	p = pool_set_get(set, 0);
	pool_stats(p, &st);
	assert_int_equal(st.total, 65536);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 65536; i++) {
		c = client(i);
		c.chaddr[3] = 1;	/* distinct from other tests' ids */
		c.key.bytes[5] = 1;
		a = pool_allocate(p, &c, 0, T0, POOL_SCOPE_ALL, &src);
		assert_true(a != 0 && src == POOL_SRC_NEW);
		assert_int_equal(pool_offer(p, &c, a, T0, NULL), POOL_OK);
		assert_int_equal(pool_bind(p, &c, a, T0, 600 + i % 1000,
		    NULL), POOL_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c = client(0);
	c.chaddr[3] = 2;
	c.key.bytes[5] = 2;
	assert_int_equal(pool_allocate(p, &c, 0, T0, POOL_SCOPE_ALL, NULL), 0);
	pool_stats(p, &st);
	assert_int_equal(st.bound, 65536);
	assert_int_equal(st.free, 0);

	/* All expire; new clients take them back oldest first. */
	assert_int_equal(pool_expire(p, T0 + 2000, 100000, NULL, NULL), 65536);
	for (i = 0; i < 65536; i++) {
		c = client(i);
		c.chaddr[3] = 2;
		c.key.bytes[5] = 2;
		a = pool_allocate(p, &c, 0, T0 + 2000, POOL_SCOPE_ALL, &src);
		assert_true(a != 0 && src == POOL_SRC_RECLAIMED);
		assert_int_equal(pool_bind(p, &c, a, T0 + 2000, 600, NULL),
		    POOL_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	assert_int_equal(pool_selfcheck(p), 0);
	ms1 = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ms2 = (t2.tv_sec - t1.tv_sec) * 1e3 + (t2.tv_nsec - t1.tv_nsec) / 1e6;
	printf("pool: 65536 never-used allocate+offer+bind: %.1f ms "
	    "(%.2f us each)\n", ms1, ms1 * 1e3 / 65536);
	printf("pool: 65536 expire + reclaim-oldest allocate+bind: %.1f ms "
	    "(%.2f us each)\n", ms2, ms2 * 1e3 / 65536);
	pool_set_free(set);
}

static void
too_big_subnet_refused(void **state)
{
	struct config	 cfg;
	struct cfg_subnet sn;
	struct pool_set	*set = NULL;
	uint64_t	 n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	et_subnet(&sn, "huge", IP(10, 0, 0, 0), 8);
	add_range(&sn, IP(10, 0, 0, 1), IP(10, 255, 255, 254));
	cfg.subnets = &sn;
	cfg.nsubnets = 1;
	/* The rule -t checks by (hostcheck.c), and the build refuses by. */
	assert_false(pool_subnet_fits(&sn, &n));
	assert_int_equal(n, (1u << 24) - 2);
	assert_int_equal(pool_set_new(&cfg, 1, &set), POOL_ERR_TOO_BIG);
	assert_null(set);
}

static void
overlapping_ranges_merged(void **state)
{
	struct config	 cfg;
	struct cfg_subnet sn;
	struct pool_set	*set;
	struct pool_stats st;
	uint64_t	 n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	et_subnet(&sn, "ov", IP(198, 51, 100, 0), 24);
	add_range(&sn, IP(198, 51, 100, 20), IP(198, 51, 100, 29));
	add_range(&sn, IP(198, 51, 100, 0), IP(198, 51, 100, 24));
	add_range(&sn, IP(198, 51, 100, 250), IP(198, 51, 101, 9));
	cfg.subnets = &sn;
	cfg.nsubnets = 1;
	/* Counted as the pool holds them: overlaps once, clipped. */
	assert_true(pool_subnet_fits(&sn, &n));
	assert_int_equal(n, 30 + 6);
	assert_int_equal(pool_set_new(&cfg, 1, &set), POOL_OK);
	pool_stats(pool_set_get(set, 0), &st);
	/* .0-.29 and .250-.255 (clipped), minus network and broadcast. */
	assert_int_equal(st.total, 30 + 6 - 2);
	assert_int_equal(st.excluded, 2);
	assert_int_equal(pool_selfcheck(pool_set_get(set, 0)), 0);
	pool_set_free(set);
}


/* ---- the failover's share (docs/safety.md) -------------------------- */

/*
 * lan 198.51.100.0/24, range .100-.199, FailoverShare 10: the share is
 * .190-.199 (share.c); .195 is a host's reservation, so the failover
 * has nine addresses for new clients.
 */
static int
setup_share(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->cfg.server.server_addr = IP(192, 0, 2, 10);
	f->cfg.server.max_pending_secs = PENDING;
	f->cfg.server.max_unavailable_time = UNAVAIL;
	et_subnet(&f->subnets[0], "lan", IP(198, 51, 100, 0), 24);
	add_range(&f->subnets[0], IP(198, 51, 100, 100), IP(198, 51, 100, 199));
	f->subnets[0].failover_share = 10;
	snprintf(f->hosts[0].name, sizeof(f->hosts[0].name), "cam");
	f->hosts[0].htype = 1;
	f->hosts[0].hlen = 6;
	memcpy(f->hosts[0].hwaddr, "\x02\x00\x00\x00\xff\x01", 6);
	f->hosts[0].addr = IP(198, 51, 100, 195);
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 1;
	f->cfg.hosts = f->hosts;
	f->cfg.nhosts = 1;
	assert_int_equal(pool_set_new(&f->cfg, 42, &f->set), POOL_OK);
	f->p = pool_set_get(f->set, 0);
	*state = f;
	return 0;
}

/* Offer and bind in a scope; the address, or 0. */
static uint32_t
grant_in(struct pool *p, unsigned id, uint32_t req, int64_t now,
    enum pool_scope scope, enum pool_src *src)
{
	struct pool_client c = client(id);
	uint32_t	 a = pool_allocate(p, &c, req, now, scope, src);

	if (a == 0)
		return 0;
	assert_int_equal(pool_offer(p, &c, a, now, NULL), POOL_OK);
	assert_int_equal(pool_bind(p, &c, a, now, 600, NULL), POOL_OK);
	check(p);
	return a;
}

static void
share_marked(void **state)
{
	struct fixture	*f = *state;
	struct pool_stats st;

	pool_stats(f->p, &st);
	assert_int_equal(st.total, 99);		/* .195 is reserved */
	assert_int_equal(st.share_total, 9);
	assert_int_equal(st.share_free, 9);
	assert_false(pool_in_share(f->p, IP(198, 51, 100, 189)));
	assert_true(pool_in_share(f->p, IP(198, 51, 100, 190)));
	assert_true(pool_in_share(f->p, IP(198, 51, 100, 199)));
	assert_false(pool_in_share(f->p, IP(198, 51, 100, 195)));
	assert_false(pool_in_share(f->p, IP(198, 51, 100, 200)));
	assert_false(pool_scope_limited(POOL_SCOPE_ALL));
	assert_false(pool_scope_limited(POOL_SCOPE_PRIMARY));
	assert_true(pool_scope_limited(POOL_SCOPE_SHARE));
	assert_true(pool_scope_limited(POOL_SCOPE_SHARE_BORROW));
	assert_false(pool_scope_limited(POOL_SCOPE_SHARE_FIRST));
	check(f->p);
}

/* No partner: one order over everything, as before the share existed. */
static void
share_scope_all(void **state)
{
	struct fixture	*f = *state;
	enum pool_src	 src;

	for (unsigned i = 0; i < 98; i++)
		assert_int_equal(grant_in(f->p, i + 1, 0, T0, POOL_SCOPE_ALL,
		    &src), IP(198, 51, 100, 100 + i + (i >= 95)));
	assert_int_equal(grant_in(f->p, 99, 0, T0, POOL_SCOPE_ALL, &src),
	    IP(198, 51, 100, 199));
	assert_int_equal(pool_allocate(f->p, &(struct pool_client){ 0 }, 0,
	    T0, POOL_SCOPE_ALL, &src), 0);
}

/* The primary: its own part first, the share only when that is gone. */
static void
share_scope_primary(void **state)
{
	struct fixture	*f = *state;
	struct pool_stats st;
	enum pool_src	 src;
	uint32_t	 a;

	for (unsigned i = 0; i < 90; i++) {
		a = grant_in(f->p, i + 1, 0, T0, POOL_SCOPE_PRIMARY, &src);
		assert_int_equal(a, IP(198, 51, 100, 100 + i));
		assert_int_equal(src, POOL_SRC_NEW);
		assert_false(pool_in_share(f->p, a));
	}
	/* Option 50 in the share is not honoured while the part lasts. */
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 9);
	a = grant_in(f->p, 200, 0, T0, POOL_SCOPE_PRIMARY, &src);
	assert_int_equal(a, IP(198, 51, 100, 190));
	assert_true(pool_in_share(f->p, a));
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 8);
	/* A freed address of its own part comes before the share again. */
	{
		struct pool_client c = client(5);

		assert_int_equal(pool_release(f->p, &c, IP(198, 51, 100, 104),
		    T0 + 1, NULL), POOL_OK);
	}
	a = grant_in(f->p, 201, IP(198, 51, 100, 191), T0 + 2,
	    POOL_SCOPE_PRIMARY, &src);
	assert_int_equal(a, IP(198, 51, 100, 104));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
}

/*
 * The failover in its safe period: the share only, option 50 only
 * there, a previous lease of the primary's part only while it is live.
 */
static void
share_scope_failover(void **state)
{
	struct fixture	*f = *state;
	struct pool_client old = client(300);
	struct pool_stats st;
	enum pool_src	 src;
	uint32_t	 a;

	/* Client 300 held .150 from the primary; it ran out at T0 + 600. */
	assert_int_equal(pool_bind(f->p, &old, IP(198, 51, 100, 150), T0, 600,
	    NULL), POOL_OK);
	a = pool_allocate(f->p, &old, 0, T0 + 10, POOL_SCOPE_SHARE, &src);
	assert_int_equal(a, IP(198, 51, 100, 150));	/* live: its own */
	assert_int_equal(src, POOL_SRC_EXISTING);
	a = pool_allocate(f->p, &old, 0, T0 + 600, POOL_SCOPE_SHARE, &src);
	assert_int_equal(a, IP(198, 51, 100, 190));	/* ran out: not */
	assert_int_equal(src, POOL_SRC_NEW);
	/* Option 50 outside the share is ignored, inside honoured. */
	a = pool_allocate(f->p, &old, IP(198, 51, 100, 120), T0 + 600,
	    POOL_SCOPE_SHARE, &src);
	assert_int_equal(a, IP(198, 51, 100, 190));
	a = pool_allocate(f->p, &old, IP(198, 51, 100, 197), T0 + 600,
	    POOL_SCOPE_SHARE, &src);
	assert_int_equal(a, IP(198, 51, 100, 197));
	assert_int_equal(src, POOL_SRC_REQUESTED);
	/* Nine addresses, then nothing. */
	for (unsigned i = 0; i < 9; i++) {
		a = grant_in(f->p, i + 1, 0, T0 + 600, POOL_SCOPE_SHARE, &src);
		assert_true(pool_in_share(f->p, a));
	}
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 0);
	assert_int_equal(pool_allocate(f->p, &old, 0, T0 + 600,
	    POOL_SCOPE_SHARE, &src), 0);
	assert_int_equal(src, POOL_SRC_NONE);
	/* After the safe period: the rest, in the usual order. */
	a = grant_in(f->p, 20, 0, T0 + 600, POOL_SCOPE_SHARE_FIRST, &src);
	assert_int_equal(a, IP(198, 51, 100, 100));
	/* An expired share address is reusable in the share scope. */
	a = pool_allocate(f->p, &old, 0, T0 + 1300, POOL_SCOPE_SHARE, &src);
	assert_true(pool_in_share(f->p, a));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
}

/*
 * Borrowing: with the share used up inside the safe period, the
 * primary's never-used addresses from the top down (the primary takes
 * them from the bottom up), then its most recently freed.
 */
static void
share_scope_borrow(void **state)
{
	struct fixture	*f = *state;
	enum pool_src	 src;
	uint32_t	 a;

	for (unsigned i = 0; i < 9; i++)
		(void)grant_in(f->p, i + 1, 0, T0, POOL_SCOPE_SHARE, &src);
	a = grant_in(f->p, 10, 0, T0, POOL_SCOPE_SHARE_BORROW, &src);
	assert_int_equal(a, IP(198, 51, 100, 189));
	assert_int_equal(src, POOL_SRC_BORROWED);
	a = grant_in(f->p, 11, 0, T0, POOL_SCOPE_SHARE_BORROW, &src);
	assert_int_equal(a, IP(198, 51, 100, 188));
	/* Use up the rest of the primary's part from the bottom (as the
	 * primary would), releasing two at different times. */
	for (unsigned i = 0; i < 88; i++)
		(void)grant_in(f->p, 100 + i, 0, T0, POOL_SCOPE_PRIMARY, &src);
	assert_int_equal(pool_allocate(f->p, &(struct pool_client){ 0 }, 0,
	    T0, POOL_SCOPE_SHARE_BORROW, &src), 0);
	{
		struct pool_client c1 = client(100), c2 = client(101);

		assert_int_equal(pool_release(f->p, &c1,
		    IP(198, 51, 100, 100), T0 + 5, NULL), POOL_OK);
		assert_int_equal(pool_release(f->p, &c2,
		    IP(198, 51, 100, 101), T0 + 9, NULL), POOL_OK);
		check(f->p);
	}
	/* The primary would take .100 (freed first); we take .101. */
	a = pool_allocate(f->p, &(struct pool_client){ 0 }, 0, T0 + 10,
	    POOL_SCOPE_PRIMARY, &src);
	assert_int_equal(a, IP(198, 51, 100, 100));
	a = pool_allocate(f->p, &(struct pool_client){ 0 }, 0, T0 + 10,
	    POOL_SCOPE_SHARE_BORROW, &src);
	assert_int_equal(a, IP(198, 51, 100, 101));
	assert_int_equal(src, POOL_SRC_BORROWED);
}

/* share_free follows every change, through expiry and load. */
static void
share_counters(void **state)
{
	struct fixture	*f = *state;
	struct pool_stats st;
	struct lease	 l;
	enum pool_src	 src;

	(void)grant_in(f->p, 1, 0, T0, POOL_SCOPE_SHARE, &src);
	(void)grant_in(f->p, 2, 0, T0, POOL_SCOPE_SHARE, &src);
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 7);
	assert_int_equal(pool_set_expire(f->set, T0 + 600, 100, NULL, NULL),
	    2);
	check(f->p);
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 9);
	memset(&l, 0, sizeof(l));
	l.addr = IP(198, 51, 100, 199);
	l.state = LEASE_BOUND;
	l.key = client(7).key;
	l.starts = T0;
	l.ends = T0 + 7200;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	check(f->p);
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 8);
}

/* ---- client classes: class-restricted ranges (pool.h) --------------- */

#define CLS(d)		IP(198, 51, 100, d)
#define IN(a, lo, hi)	((a) >= CLS(lo) && (a) <= CLS(hi))

static void
add_class(struct config *cfg, struct cfg_class *cl, const char *name,
    uint32_t lo, uint32_t hi)
{
	snprintf(cl->name, sizeof(cl->name), "%s", name);
	cl->ranges[cl->nranges].lo = lo;
	cl->ranges[cl->nranges].hi = hi;
	cl->nranges++;
	if (cl == &cfg->classes[cfg->nclasses])
		cfg->nclasses++;
}

/*
 * lan 198.51.100.0/24, range .10-.100 (91 addresses), FailoverShare
 * `share`; class 0 "c0" gets c0lo-c0hi, class 1 "c1" .60-.64.
 */
static struct fixture *
class_fixture(unsigned share, uint32_t c0lo, uint32_t c0hi)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->cfg.server.server_addr = IP(192, 0, 2, 10);
	f->cfg.server.max_pending_secs = PENDING;
	f->cfg.server.max_unavailable_time = UNAVAIL;
	et_subnet(&f->subnets[0], "lan", IP(198, 51, 100, 0), 24);
	add_range(&f->subnets[0], CLS(10), CLS(100));
	f->subnets[0].failover_share = share;
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 1;
	f->cfg.classes = f->classes;
	add_class(&f->cfg, &f->classes[0], "c0", c0lo, c0hi);
	add_class(&f->cfg, &f->classes[1], "c1", CLS(60), CLS(64));
	assert_int_equal(pool_set_new(&f->cfg, 42, &f->set), POOL_OK);
	f->p = pool_set_get(f->set, 0);
	return f;
}

/* Class 0 .50-.59, class 1 .60-.64, no share. */
static int
setup_class(void **state)
{
	*state = class_fixture(0, CLS(50), CLS(59));
	return 0;
}

/* Class 0 .80-.89 (its .82-.89 in the share .82-.100), class 1 .60-.64. */
static int
setup_class_share(void **state)
{
	*state = class_fixture(20, CLS(80), CLS(89));
	return 0;
}

static struct pool_client
member(unsigned id, uint64_t classes)
{
	struct pool_client c = client(id);

	c.classes = classes;
	return c;
}

/* Allocate, offer and bind in a scope for client c; the address or 0. */
static uint32_t
grant_c(struct pool *p, const struct pool_client *c, uint32_t req,
    int64_t now, uint32_t secs, enum pool_scope scope, enum pool_src *src)
{
	uint32_t	 a = pool_allocate(p, c, req, now, scope, src);

	if (a == 0)
		return 0;
	assert_int_equal(pool_offer(p, c, a, now, NULL), POOL_OK);
	assert_int_equal(pool_bind(p, c, a, now, secs, NULL), POOL_OK);
	check(p);
	return a;
}

/* A member of class 0 gets .50 first, only .50-.59, then nothing. */
static void
class_member_only_its_range(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c;
	struct pool_stats st;
	enum pool_src	 src;
	unsigned	 i;

	pool_stats(f->p, &st);
	assert_int_equal(st.total, 91);		/* counted over all groups */
	for (i = 0; i < 10; i++) {
		c = member(i + 1, 1u << 0);
		assert_int_equal(grant_c(f->p, &c, 0, T0, 600, POOL_SCOPE_ALL,
		    &src), CLS(50 + i));
		assert_int_equal(src, POOL_SRC_NEW);
	}
	c = member(99, 1u << 0);
	assert_int_equal(pool_allocate(f->p, &c, CLS(20), T0, POOL_SCOPE_ALL,
	    &src), 0);
	assert_int_equal(src, POOL_SRC_NONE);
	assert_false(pool_addr_available(f->p, CLS(20), &c, T0));
	assert_int_equal(pool_offer(f->p, &c, CLS(20), T0, NULL),
	    POOL_ERR_BUSY);
	pool_stats(f->p, &st);
	assert_int_equal(st.bound, 10);
	assert_int_equal(st.free, 81);
	check(f->p);
}

/*
 * A client of no class never gets .50-.64, not even asking for one, nor
 * with the open addresses used up; classes without a group here (bit
 * 40: no such class) do not make it a member.
 */
static void
class_non_member_never_in_ranges(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c = member(1, 0), odd = member(2, 1ull << 40);
	enum pool_src	 src;
	uint32_t	 a;
	unsigned	 i, n = 0;

	assert_false(pool_addr_available(f->p, CLS(55), &c, T0));
	assert_int_equal(pool_allocate(f->p, &c, CLS(55), T0, POOL_SCOPE_ALL,
	    &src), CLS(10));
	assert_int_equal(src, POOL_SRC_NEW);
	assert_int_equal(pool_allocate(f->p, &odd, CLS(62), T0,
	    POOL_SCOPE_ALL, &src), CLS(10));
	assert_int_equal(pool_bind(f->p, &c, CLS(55), T0, 60, NULL),
	    POOL_ERR_BUSY);
	for (i = 0; i < 100; i++) {
		c = member(100 + i, 0);
		if ((a = grant_c(f->p, &c, CLS(50 + i % 15), T0, 600,
		    POOL_SCOPE_ALL, &src)) == 0)
			break;
		assert_false(IN(a, 50, 64));
		assert_int_equal(src, POOL_SRC_NEW);
		n++;
	}
	assert_int_equal(n, 91 - 15);
	assert_int_equal(src, POOL_SRC_NONE);
	/* ...though a member still finds its class's addresses. */
	c = member(300, 1u << 1);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_ALL, &src),
	    CLS(60));
	check(f->p);
}

/* A member of classes 0 and 1: class 0's range first, then class 1's;
 * option 50 is honoured inside its groups only. */
static void
class_order_two_classes(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c, one = member(50, 1u << 1);
	enum pool_src	 src;
	unsigned	 i;

	assert_int_equal(pool_allocate(f->p, &one, CLS(55), T0,
	    POOL_SCOPE_ALL, &src), CLS(60));
	assert_int_equal(src, POOL_SRC_NEW);
	c = member(51, 3);
	assert_int_equal(pool_allocate(f->p, &c, CLS(62), T0, POOL_SCOPE_ALL,
	    &src), CLS(62));
	assert_int_equal(src, POOL_SRC_REQUESTED);
	for (i = 0; i < 15; i++) {
		c = member(i + 1, 3);
		assert_int_equal(grant_c(f->p, &c, 0, T0, 600, POOL_SCOPE_ALL,
		    &src), CLS(50 + i));
	}
	c = member(99, 3);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_ALL, &src),
	    0);
}

/*
 * The client's classes changed: its lease in an open address is passed
 * over (and refused on renewal); its new offer in the class is found
 * again; with its old classes back it finds its old lease.
 */
static void
class_changed_membership(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c = member(1, 0), other = member(2, 0);
	enum pool_src	 src;

	assert_int_equal(grant_c(f->p, &c, 0, T0, 3600, POOL_SCOPE_ALL,
	    &src), CLS(10));
	c.classes = 1u << 0;
	assert_false(pool_addr_available(f->p, CLS(10), &c, T0 + 10));
	assert_int_equal(pool_allocate(f->p, &c, CLS(10), T0 + 10,
	    POOL_SCOPE_ALL, &src), CLS(50));
	assert_int_equal(src, POOL_SRC_NEW);
	assert_int_equal(pool_offer(f->p, &c, CLS(50), T0 + 10, NULL),
	    POOL_OK);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 11, POOL_SCOPE_ALL,
	    &src), CLS(50));
	assert_int_equal(src, POOL_SRC_EXISTING);
	assert_int_equal(pool_bind(f->p, &c, CLS(10), T0 + 11, 3600, NULL),
	    POOL_ERR_BUSY);
	/* A member may have .55, a non-member not. */
	assert_true(pool_addr_available(f->p, CLS(55), &c, T0 + 11));
	assert_false(pool_addr_available(f->p, CLS(55), &other, T0 + 11));
	/* Back out of the class: the open lease is its own again. */
	c.classes = 0;
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 12, POOL_SCOPE_ALL,
	    &src), CLS(10));
	assert_int_equal(src, POOL_SRC_EXISTING);
	check(f->p);
}

/* Expired class addresses come back to class members only, oldest
 * first, swept or not; open ones to the others only. */
static void
class_reclaim_by_group(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c;
	enum pool_src	 src;
	unsigned	 i;

	for (i = 0; i < 10; i++) {
		c = member(i + 1, 1u << 0);
		/* .50 ends last, .51 first, ... */
		assert_int_not_equal(grant_c(f->p, &c, 0, T0,
		    i == 0 ? 500 : 100 + i, POOL_SCOPE_ALL, NULL), 0);
	}
	for (i = 0; i < 76; i++) {
		c = member(100 + i, 0);
		assert_int_not_equal(grant_c(f->p, &c, 0, T0, 1000 + i,
		    POOL_SCOPE_ALL, NULL), 0);
	}
	assert_int_equal(pool_expire(f->p, T0 + 200, 100, NULL, NULL), 9);
	check(f->p);
	c = member(500, 0);
	assert_int_equal(pool_allocate(f->p, &c, CLS(51), T0 + 200,
	    POOL_SCOPE_ALL, &src), 0);
	c = member(501, 1u << 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 200, POOL_SCOPE_ALL,
	    &src), CLS(51));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	/* Unswept: .50 ran out at T0 + 500 and is still in its active heap. */
	for (i = 0; i < 9; i++) {
		c = member(600 + i, 1u << 0);
		assert_int_not_equal(grant_c(f->p, &c, 0, T0 + 500, 600,
		    POOL_SCOPE_ALL, &src), CLS(50));
	}
	c = member(700, 1u << 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 500, POOL_SCOPE_ALL,
	    &src), CLS(50));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	/* The open leases: the non-member's, oldest first. */
	c = member(800, 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 1000, POOL_SCOPE_ALL,
	    &src), CLS(10));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	check(f->p);
}

/* A loaded record in .52 lands in class 0's group. */
static void
class_load_lease_group(void **state)
{
	struct fixture	*f = *state;
	struct pool_client owner = member(1, 0), c;
	struct lease	 l;
	enum pool_src	 src;
	unsigned	 i;

	memset(&l, 0, sizeof(l));
	l.addr = CLS(52);
	l.state = LEASE_BOUND;
	l.key = owner.key;
	l.starts = T0 - 100;
	l.ends = T0 + 100;
	l.seq = 9;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	check(f->p);		/* in class 0's active heap */
	for (i = 0; i < 9; i++) {
		c = member(10 + i, 1u << 0);
		assert_int_not_equal(grant_c(f->p, &c, 0, T0, 3600,
		    POOL_SCOPE_ALL, &src), CLS(52));
	}
	c = member(30, 1u << 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 99, POOL_SCOPE_ALL,
	    &src), 0);
	/* Expired: a member reclaims it, swept or not; nobody else. */
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 100, POOL_SCOPE_ALL,
	    &src), CLS(52));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	assert_int_equal(pool_expire(f->p, T0 + 100, 10, NULL, NULL), 1);
	check(f->p);		/* now in class 0's idle heap */
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 100, POOL_SCOPE_ALL,
	    &src), CLS(52));
	assert_int_equal(src, POOL_SRC_RECLAIMED);
	/* Its old owner, of no class, gets an open address instead. */
	assert_int_equal(pool_allocate(f->p, &owner, CLS(52), T0 + 100,
	    POOL_SCOPE_ALL, &src), CLS(10));
	assert_int_equal(src, POOL_SRC_NEW);
	c = member(31, 0);
	assert_int_equal(pool_allocate(f->p, &c, CLS(52), T0 + 100,
	    POOL_SCOPE_ALL, &src), CLS(10));
	/* Loaded over by the failover for a member: it is that member's. */
	c = member(32, 1u << 0);
	l.key = c.key;
	l.ends = T0 + 3600;
	assert_int_equal(pool_load_lease(f->set, &l), POOL_LOAD_OK);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0 + 100, POOL_SCOPE_ALL,
	    &src), CLS(52));
	assert_int_equal(src, POOL_SRC_EXISTING);
	check(f->p);
}

/*
 * The scope's parts within each group, group by group.  Share .82-.100;
 * class 0 .80-.89 has own .80-.81 and share .82-.89; class 1 .60-.64
 * has no share.
 */
static void
class_share_product(void **state)
{
	struct fixture	*f = *state;
	static const unsigned primary[] = { 80, 81, 82, 83, 84, 85, 86, 87,
	    88, 89, 60, 61, 62, 63, 64 };
	struct pool_client c;
	struct pool_stats st;
	enum pool_src	 src;
	unsigned	 i;

	assert_false(pool_in_share(f->p, CLS(81)));
	assert_true(pool_in_share(f->p, CLS(82)));
	pool_stats(f->p, &st);
	assert_int_equal(st.share_total, 19);
	/* No partner around... then the primary: group 0 own, group 0
	 * share, then group 1. */
	c = member(1, 3);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_SHARE_FIRST,
	    &src), CLS(82));
	c = member(2, 1u << 1);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_SHARE,
	    &src), 0);		/* class 1 has no share */
	c = member(3, 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_SHARE,
	    &src), CLS(90));
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_PRIMARY,
	    &src), CLS(10));
	for (i = 0; i < sizeof(primary) / sizeof(primary[0]); i++) {
		c = member(10 + i, 3);
		assert_int_equal(grant_c(f->p, &c, 0, T0, 600,
		    POOL_SCOPE_PRIMARY, &src), CLS(primary[i]));
		assert_int_equal(src, POOL_SRC_NEW);
	}
	c = member(99, 3);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_PRIMARY,
	    &src), 0);
	pool_stats(f->p, &st);
	assert_int_equal(st.share_free, 19 - 8);
}

/* The failover: its share in every group first, then borrowing group by
 * group, each from the top down. */
static void
class_share_borrow(void **state)
{
	struct fixture	*f = *state;
	static const unsigned order[] = { 82, 83, 84, 85, 86, 87, 88, 89,
	    81, 80, 64, 63, 62, 61, 60 };
	struct pool_client c;
	enum pool_src	 src;
	unsigned	 i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		c = member(10 + i, 3);
		assert_int_equal(grant_c(f->p, &c, 0, T0, 600,
		    POOL_SCOPE_SHARE_BORROW, &src), CLS(order[i]));
		assert_int_equal(src, i < 8 ? POOL_SRC_NEW : POOL_SRC_BORROWED);
	}
	c = member(99, 3);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0,
	    POOL_SCOPE_SHARE_BORROW, &src), 0);
	/* A non-member borrows the open part's top: .79. */
	c = member(100, 0);
	for (i = 0; i < 11; i++)
		(void)grant_c(f->p, &(struct pool_client){ .key = { .len = 2,
		    .bytes = { 'X', (uint8_t)i } } }, 0, T0, 600,
		    POOL_SCOPE_SHARE, &src);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0,
	    POOL_SCOPE_SHARE_BORROW, &src), CLS(79));
	assert_int_equal(src, POOL_SRC_BORROWED);
	check(f->p);
}

/*
 * A class with no dynamic address in a subnet (its range excluded, or
 * in another subnet) does not restrict its members there; a pool
 * without class ranges ignores membership.
 */
static void
class_without_addresses_here(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct pool_client c = member(1, 1u << 0), d = member(2, 1u << 1);
	enum pool_src	 src;

	(void)state;
	assert_non_null(f);
	et_subnet(&f->subnets[0], "a", IP(198, 51, 100, 0), 24);
	add_range(&f->subnets[0], CLS(10), CLS(20));
	f->subnets[0].excludes[f->subnets[0].nexcludes++] = CLS(15);
	et_subnet(&f->subnets[1], "b", IP(203, 0, 113, 0), 24);
	add_range(&f->subnets[1], IP(203, 0, 113, 10), IP(203, 0, 113, 20));
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 2;
	f->cfg.classes = f->classes;
	add_class(&f->cfg, &f->classes[0], "gone", CLS(15), CLS(15));
	add_class(&f->cfg, &f->classes[1], "b-only", IP(203, 0, 113, 15),
	    IP(203, 0, 113, 16));
	assert_int_equal(pool_set_new(&f->cfg, 42, &f->set), POOL_OK);
	f->p = pool_set_get(f->set, 0);
	assert_int_equal(pool_allocate(f->p, &c, 0, T0, POOL_SCOPE_ALL, &src),
	    CLS(10));
	assert_int_equal(pool_allocate(f->p, &d, 0, T0, POOL_SCOPE_ALL, &src),
	    CLS(10));
	/* In b, class 1 has .15-.16 and d is its member. */
	assert_int_equal(pool_allocate(pool_set_get(f->set, 1), &d, 0, T0,
	    POOL_SCOPE_ALL, &src), IP(203, 0, 113, 15));
	assert_int_equal(pool_allocate(pool_set_get(f->set, 1), &c, 0, T0,
	    POOL_SCOPE_ALL, &src), IP(203, 0, 113, 10));
	check(f->p);
	check(pool_set_get(f->set, 1));
	pool_set_free(f->set);
	free(f);
}

/* The classic fixture has no class: every membership is ignored. */
static void
class_membership_ignored_without_ranges(void **state)
{
	struct fixture	*f = *state;
	struct pool_client c = member(1, ~0ull);
	enum pool_src	 src;

	assert_int_equal(grant_c(f->p, &c, IP(198, 51, 100, 103), T0, 60,
	    POOL_SCOPE_ALL, &src), IP(198, 51, 100, 103));
	assert_int_equal(src, POOL_SRC_REQUESTED);
	assert_true(pool_addr_available(f->p, IP(198, 51, 100, 100), &c, T0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(build_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(allocation_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reservation_by_hw_with_client_id, setup, teardown),
		cmocka_unit_test_setup_teardown(exclusions_never_handed_out,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reservation_never_given_to_others, setup, teardown),
		cmocka_unit_test_setup_teardown(offer_hold_and_expiry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(offer_keeps_binding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(decline_quarantine, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(conflict_quarantine, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(release_then_same_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(exhaustion_returns_zero, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(oldest_expired_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(oldest_across_heaps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(expire_is_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(expire_callback_states, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(load_from_leases, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(iterate_all, setup, teardown),
		cmocka_unit_test(big_subnet_timing),
		cmocka_unit_test(too_big_subnet_refused),
		cmocka_unit_test(overlapping_ranges_merged),
		cmocka_unit_test_setup_teardown(share_marked, setup_share,
		    teardown),
		cmocka_unit_test_setup_teardown(share_scope_all, setup_share,
		    teardown),
		cmocka_unit_test_setup_teardown(share_scope_primary,
		    setup_share, teardown),
		cmocka_unit_test_setup_teardown(share_scope_failover,
		    setup_share, teardown),
		cmocka_unit_test_setup_teardown(share_scope_borrow,
		    setup_share, teardown),
		cmocka_unit_test_setup_teardown(share_counters, setup_share,
		    teardown),
		cmocka_unit_test_setup_teardown(class_member_only_its_range,
		    setup_class, teardown),
		cmocka_unit_test_setup_teardown(
		    class_non_member_never_in_ranges, setup_class, teardown),
		cmocka_unit_test_setup_teardown(class_order_two_classes,
		    setup_class, teardown),
		cmocka_unit_test_setup_teardown(class_changed_membership,
		    setup_class, teardown),
		cmocka_unit_test_setup_teardown(class_reclaim_by_group,
		    setup_class, teardown),
		cmocka_unit_test_setup_teardown(class_load_lease_group,
		    setup_class, teardown),
		cmocka_unit_test_setup_teardown(class_share_product,
		    setup_class_share, teardown),
		cmocka_unit_test_setup_teardown(class_share_borrow,
		    setup_class_share, teardown),
		cmocka_unit_test(class_without_addresses_here),
		cmocka_unit_test_setup_teardown(
		    class_membership_ignored_without_ranges, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
