/*
 * Unit tests: common/dhcp/share.c, the failover's share of a subnet
 * (docs/safety.md), and its place in the subnet digest
 * (common/proto/fo_digest.c): both servers must derive the very same
 * addresses from the same definition, whatever order it is written in,
 * and a difference must change the digest.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fo_digest.h"
#include "share.h"

static uint32_t
A(const char *s)
{
	struct in_addr ia;

	assert_int_equal(inet_pton(AF_INET, s, &ia), 1);
	return ntohl(ia.s_addr);
}

/* 198.51.100.0/24 with the ranges given as "lo-hi" pairs. */
static void
subnet(struct cfg_subnet *sn, unsigned pct, const char *const *r, size_t n)
{
	memset(sn, 0, sizeof(*sn));
	sn->network = A("198.51.100.0");
	sn->prefix = 24;
	sn->mask = 0xffffff00u;
	sn->lease_time = 3600;
	sn->max_lease_time = 86400;
	sn->failover_share = pct;
	sn->safe_period = 86400;
	for (size_t i = 0; i < n / 2; i++) {
		sn->ranges[i].lo = A(r[2 * i]);
		sn->ranges[i].hi = A(r[2 * i + 1]);
	}
	sn->nranges = n / 2;
}

static void
exclude(struct cfg_subnet *sn, const char *lo, const char *hi)
{
	sn->exclude_ranges[sn->nexclude_ranges].lo = A(lo);
	sn->exclude_ranges[sn->nexclude_ranges++].hi = A(hi);
	for (uint32_t a = A(lo); a <= A(hi); a++)
		sn->excludes[sn->nexcludes++] = a;
}

static void
expect_runs(const struct share_set *s, const char *const *want, size_t n)
{
	assert_int_equal(s->nruns, n / 2);
	for (size_t i = 0; i < n / 2; i++) {
		assert_int_equal(s->runs[i].lo, A(want[2 * i]));
		assert_int_equal(s->runs[i].hi, A(want[2 * i + 1]));
	}
}

/* 100 addresses at 10 %: the top ten. */
static void
top_of_each_range(void **state)
{
	static const char *const r[] = {
		"198.51.100.100", "198.51.100.199",
		"198.51.100.10", "198.51.100.29",
	};
	static const char *const want[] = {
		"198.51.100.28", "198.51.100.29",
		"198.51.100.190", "198.51.100.199",
	};
	struct cfg_subnet sn;
	struct share_set s;
	(void)state;

	subnet(&sn, 10, r, 4);
	share_compute(&sn, &s);
	expect_runs(&s, want, 4);
	assert_int_equal(s.count, 12);
	assert_true(share_contains(&s, A("198.51.100.199")));
	assert_true(share_contains(&s, A("198.51.100.190")));
	assert_false(share_contains(&s, A("198.51.100.189")));
	assert_true(share_contains(&s, A("198.51.100.28")));
	assert_false(share_contains(&s, A("198.51.100.27")));
	assert_false(share_contains(&s, A("198.51.100.200")));
	assert_false(share_contains(&s, A("198.51.100.0")));
}

/* Rounding up, the primary keeps one, 0 % is no share at all. */
static void
sizes(void **state)
{
	static const struct {
		const char	*hi;	/* range .10 - hi */
		unsigned	 pct;
		uint32_t	 count;
	} cases[] = {
		{ "198.51.100.24", 10, 2 },	/* 15 x 10 % = 1.5 -> 2 */
		{ "198.51.100.19", 10, 1 },	/* 10 x 10 % = 1 */
		{ "198.51.100.18", 10, 1 },	/* 9 x 10 % = 0.9 -> 1 */
		{ "198.51.100.10", 50, 0 },	/* 1: the primary's */
		{ "198.51.100.11", 50, 1 },	/* 2: one each */
		{ "198.51.100.12", 50, 2 },	/* 3 x 50 % = 1.5 -> 2 */
		{ "198.51.100.109", 0, 0 },
		{ "198.51.100.109", 1, 1 },
		{ "198.51.100.109", 50, 50 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *r[] = { "198.51.100.10", cases[i].hi };
		struct cfg_subnet sn;
		struct share_set s;
		uint32_t want = cases[i].count;

		subnet(&sn, cases[i].pct, r, 2);
		share_compute(&sn, &s);
		if (s.count != want)
			fail_msg("case %zu: %u addresses, want %u", i, s.count,
			    want);
		if (want > 0)
			assert_int_equal(s.runs[s.nruns - 1].hi, A(cases[i].hi));
	}
}

/* Excluded addresses are skipped and not counted: 106 usable addresses
 * give a share of 11 usable ones. */
static void
exclusions_skipped(void **state)
{
	static const char *const r[] = { "198.51.100.100", "198.51.100.209" };
	static const char *const want[] = {
		"198.51.100.195", "198.51.100.199",
		"198.51.100.202", "198.51.100.203",
		"198.51.100.206", "198.51.100.209",
	};
	struct cfg_subnet sn;
	struct share_set s;
	(void)state;

	subnet(&sn, 10, r, 2);
	exclude(&sn, "198.51.100.204", "198.51.100.205");
	exclude(&sn, "198.51.100.200", "198.51.100.201");
	/* 110 addresses - 4 excluded = 106 usable -> 11 in the share. */
	share_compute(&sn, &s);
	assert_int_equal(s.count, 11);
	expect_runs(&s, want, 6);
	assert_false(share_contains(&s, A("198.51.100.205")));
	assert_false(share_contains(&s, A("198.51.100.200")));
}

/* The network and broadcast addresses never count (a range may touch
 * them only in a hand-made struct; the loader refuses it). */
static void
network_and_broadcast(void **state)
{
	static const char *const r[] = { "198.51.100.0", "198.51.100.255" };
	struct cfg_subnet sn;
	struct share_set s;
	(void)state;

	subnet(&sn, 10, r, 2);
	share_compute(&sn, &s);
	/* 254 usable -> ceil(25.4) = 26, .229 - .254 */
	assert_int_equal(s.count, 26);
	assert_int_equal(s.nruns, 1);
	assert_int_equal(s.runs[0].lo, A("198.51.100.229"));
	assert_int_equal(s.runs[0].hi, A("198.51.100.254"));
}

/*
 * The same addresses whatever way the definition is written: ranges
 * reordered, split or overlapping, exclusions in another order.  This is
 * what makes the two servers agree; their digests must agree too.
 */
static void
same_set_both_sides(void **state)
{
	static const char *const a[] = {
		"198.51.100.100", "198.51.100.199",
		"198.51.100.10", "198.51.100.29",
	};
	static const char *const b[] = {
		"198.51.100.10", "198.51.100.19",
		"198.51.100.150", "198.51.100.199",
		"198.51.100.20", "198.51.100.29",
		"198.51.100.100", "198.51.100.160",
	};
	struct cfg_subnet x, y;
	struct share_set sx, sy;
	uint8_t	 dx[FO_SHA256_LEN], dy[FO_SHA256_LEN];
	(void)state;

	subnet(&x, 10, a, 4);
	exclude(&x, "198.51.100.195", "198.51.100.195");
	exclude(&x, "198.51.100.12", "198.51.100.12");
	subnet(&y, 10, b, 8);
	exclude(&y, "198.51.100.12", "198.51.100.12");
	exclude(&y, "198.51.100.195", "198.51.100.195");
	share_compute(&x, &sx);
	share_compute(&y, &sy);
	assert_int_equal(sx.nruns, sy.nruns);
	assert_int_equal(sx.count, sy.count);
	assert_memory_equal(sx.runs, sy.runs, sx.nruns * sizeof(sx.runs[0]));
	assert_int_equal(fo_subnet_digest(NULL, &x, dx), 0);
	assert_int_equal(fo_subnet_digest(NULL, &y, dy), 0);
	assert_memory_equal(dx, dy, sizeof(dx));
}

/*
 * Stable: computing again (a restart) gives the same set, and so does a
 * change that does not touch ranges, exclusions or the percentage (a
 * reload with new options or lease times, a new SafePeriod).  A change
 * of the percentage changes the set and the digest.
 */
static void
stable_and_digested(void **state)
{
	static const char *const r[] = { "198.51.100.100", "198.51.100.199" };
	struct cfg_subnet sn, other;
	struct share_set s1, s2;
	uint8_t	 d1[FO_SHA256_LEN], d2[FO_SHA256_LEN];
	char	 canon[2048];
	(void)state;

	subnet(&sn, 10, r, 2);
	share_compute(&sn, &s1);
	other = sn;
	other.lease_time = 600;
	other.routers[other.nrouters++] = A("198.51.100.1");
	other.safe_period = 60;
	share_compute(&other, &s2);
	assert_int_equal(s1.nruns, s2.nruns);
	assert_int_equal(s1.count, s2.count);
	assert_memory_equal(s1.runs, s2.runs, s1.nruns * sizeof(s1.runs[0]));
	/* SafePeriod is the failover's business: not digested. */
	sn.safe_period = 1;
	assert_int_equal(fo_subnet_digest(NULL, &sn, d1), 0);
	sn.safe_period = 86400;
	assert_int_equal(fo_subnet_digest(NULL, &sn, d2), 0);
	assert_memory_equal(d1, d2, sizeof(d1));
	fo_subnet_canon(NULL, &sn, canon, sizeof(canon));
	assert_non_null(strstr(canon, "failover-share=10\n"));
	assert_non_null(strstr(canon,
	    "share=198.51.100.190-198.51.100.199\n"));

	sn.failover_share = 20;
	share_compute(&sn, &s2);
	assert_int_equal(s2.count, 20);
	assert_int_equal(fo_subnet_digest(NULL, &sn, d2), 0);
	assert_memory_not_equal(d1, d2, sizeof(d1));
}

/* The largest pool: a share of half a million addresses, one run. */
static void
large_range(void **state)
{
	struct cfg_subnet sn;
	struct share_set s;
	(void)state;

	memset(&sn, 0, sizeof(sn));
	sn.network = A("10.0.0.0");
	sn.prefix = 12;
	sn.mask = 0xfff00000u;
	sn.failover_share = 50;
	sn.nranges = 1;
	sn.ranges[0].lo = A("10.0.0.1");
	sn.ranges[0].hi = A("10.15.255.254");
	share_compute(&sn, &s);
	assert_int_equal(s.nruns, 1);
	assert_int_equal(s.count, (1u << 20) / 2 - 1);
	assert_int_equal(s.runs[0].hi, A("10.15.255.254"));
}

/*
 * The example of docs/failover-protocol.md 9.5: the [subnet:lan1] of
 * etc/primary.ini, its canonical form and its SHA-256.
 */
static void
protocol_doc_example(void **state)
{
	static const char *const r[] = {
		"198.51.100.210", "198.51.100.220",
		"198.51.100.100", "198.51.100.199",
	};
	static const char want[] =
	    "dhcpfo-subnet-v1\n"
	    "subnet=198.51.100.0/24\n"
	    "range=198.51.100.100-198.51.100.199\n"
	    "range=198.51.100.210-198.51.100.220\n"
	    "exclude=198.51.100.150-198.51.100.150\n"
	    "exclude=198.51.100.160-198.51.100.162\n"
	    "routers=198.51.100.1\n"
	    "dns=198.51.100.2,198.51.100.3\n"
	    "ntp=198.51.100.2\n"
	    "domain=example.test\n"
	    "broadcast=198.51.100.255\n"
	    "lease=3600\n"
	    "minlease=300\n"
	    "maxlease=86400\n"
	    "t1=50000\n"
	    "t2=87500\n"
	    "failover-share=10\n"
	    "share=198.51.100.190-198.51.100.199\n"
	    "share=198.51.100.219-198.51.100.220\n";
	static const uint8_t sha[FO_SHA256_LEN] = {
		0x53, 0xd4, 0x89, 0x3e, 0x60, 0x04, 0x1c, 0xcb,
		0x5c, 0xd7, 0x4a, 0xce, 0xac, 0x86, 0xb6, 0x02,
		0x61, 0x5c, 0xe8, 0xf8, 0x91, 0xc0, 0xeb, 0x9b,
		0x7a, 0xc5, 0x54, 0xb8, 0x32, 0x9d, 0xe0, 0x07,
	};
	struct cfg_subnet sn;
	char	 canon[2048];
	uint8_t	 d[FO_SHA256_LEN];
	(void)state;

	subnet(&sn, 10, r, 4);
	exclude(&sn, "198.51.100.150", "198.51.100.150");
	exclude(&sn, "198.51.100.160", "198.51.100.162");
	sn.routers[sn.nrouters++] = A("198.51.100.1");
	sn.dns[sn.ndns++] = A("198.51.100.2");
	sn.dns[sn.ndns++] = A("198.51.100.3");
	sn.ntp[sn.nntp++] = A("198.51.100.2");
	strcpy(sn.domain_name, "example.test");
	sn.broadcast = A("198.51.100.255");
	sn.min_lease_time = 300;
	sn.t1_ratio = 0.5;
	sn.t2_ratio = 0.875;
	assert_int_equal(fo_subnet_canon(NULL, &sn, canon, sizeof(canon)),
	    strlen(want));
	assert_string_equal(canon, want);
	assert_int_equal(fo_subnet_digest(NULL, &sn, d), 0);
	assert_memory_equal(d, sha, sizeof(sha));
}

static void
safe_until(void **state)
{
	struct cfg_subnet sn;
	(void)state;

	memset(&sn, 0, sizeof(sn));
	sn.safe_period = 3600;
	assert_int_equal(share_safe_until(&sn, 1700000000), 1700003600);
	sn.safe_period = 0;
	assert_int_equal(share_safe_until(&sn, 1700000000), 1700000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_of_each_range),
		cmocka_unit_test(sizes),
		cmocka_unit_test(exclusions_skipped),
		cmocka_unit_test(network_and_broadcast),
		cmocka_unit_test(same_set_both_sides),
		cmocka_unit_test(stable_and_digested),
		cmocka_unit_test(large_range),
		cmocka_unit_test(protocol_doc_example),
		cmocka_unit_test(safe_until),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
