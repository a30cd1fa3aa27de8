/*
 * Unit tests: the engine's new-client rate limits and unoffered leases
 * (common/dhcp/engine.c "New clients", common/dhcp/ratelimit.c): a
 * flood from one relay is cut to its bucket while a client behind
 * another relay is served, circuit-ids and clients have their own
 * buckets, renewals are never limited, and an INIT-REBOOT binding gets
 * the short lease until its renewal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine_testutil.h"

#define T0		((int64_t)1700000000)
#define SERVER		IP(192, 0, 2, 10)
#define RELAY_A		IP(198, 51, 100, 1)
#define RELAY_B		IP(203, 0, 113, 1)

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnets[2];
	struct pool_set	*set;
	struct engine	 eng;
	struct ratelimit rl;
	struct dhcp_msg	*req;
	struct engine_result *res;
	struct engine_input in;
};

/*
 * lanA 198.51.100.0/24 behind RELAY_A, range .10-.209 (200 addresses);
 * lanB 203.0.113.0/24 behind RELAY_B, range .10-.59.  Limits: 10 a
 * second in bursts of 20 per relay, 1 in bursts of 3 per client,
 * circuits and remote-ids 5 in bursts of 5; unoffered leases 300 s.
 */
static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct cfg_server *s;

	assert_non_null(f);
	s = &f->cfg.server;
	et_server(s, SERVER);
	s->new_rate_relay = 10;
	s->new_burst_relay = 20;
	s->new_rate_circuit = 5;
	s->new_burst_circuit = 5;
	s->new_rate_remote_id = 5;
	s->new_burst_remote_id = 5;
	s->new_rate_client = 1;
	s->new_burst_client = 3;
	s->unoffered_lease_time = 300;
	et_subnet(&f->subnets[0], "lanA", IP(198, 51, 100, 0), 24);
	f->subnets[0].ranges[0].lo = IP(198, 51, 100, 10);
	f->subnets[0].ranges[0].hi = IP(198, 51, 100, 209);
	f->subnets[0].nranges = 1;
	et_subnet(&f->subnets[1], "lanB", IP(203, 0, 113, 0), 24);
	f->subnets[1].ranges[0].lo = IP(203, 0, 113, 10);
	f->subnets[1].ranges[0].hi = IP(203, 0, 113, 59);
	f->subnets[1].nranges = 1;
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 2;
	assert_int_equal(pool_set_new(&f->cfg, 1234, &f->set), POOL_OK);
	assert_int_equal(engine_init(&f->eng, &f->cfg, f->set), 0);
	ratelimit_init(&f->rl);
	engine_set_ratelimit(&f->eng, &f->rl);
	f->req = calloc(1, sizeof(*f->req));
	f->res = calloc(1, sizeof(*f->res));
	assert_non_null(f->req);
	assert_non_null(f->res);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	ratelimit_free(&f->rl);
	pool_set_free(f->set);
	free(f->req);
	free(f->res);
	free(f);
	return 0;
}

/*
 * A request of `type` from client n (chaddr 02:nn:nn:nn:nn:00, so a
 * flood has as many clients as it likes) through `relay`, at now_ms.
 */
static struct dhcp_msg *
mkreq(struct fixture *f, uint8_t type, uint32_t n, uint32_t relay,
    int64_t now_ms)
{
	struct dhcp_msg	*m = et_request(f->req, &f->in, type, 0, n,
			    now_ms / 1000);

	m->chaddr[1] = (uint8_t)(n >> 24);
	m->chaddr[2] = (uint8_t)(n >> 16);
	m->chaddr[3] = (uint8_t)(n >> 8);
	m->chaddr[4] = (uint8_t)n;
	m->giaddr = relay;
	m->hops = 1;
	f->in.link_addr = relay;
	f->in.now_ms = now_ms;
	return m;
}

/* Option 82 with a circuit-id. */
static void
circuit(struct dhcp_msg *m, const char *id)
{
	uint8_t		 v[32];
	size_t		 n = strlen(id);

	v[0] = RAI_CIRCUIT_ID;
	v[1] = (uint8_t)n;
	memcpy(v + 2, id, n);
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, v, n + 2));
}

static void
run(struct fixture *f)
{
	engine_handle(&f->eng, &f->in, f->res);
}

static void
expect(struct fixture *f, uint8_t type)
{
	assert_int_equal(f->res->action, ENGINE_REPLY);
	assert_int_equal(f->res->reply.msg_type, type);
}

static void
expect_drop(struct fixture *f, enum engine_drop why)
{
	assert_int_equal(f->res->action, ENGINE_DROP);
	assert_int_equal(f->res->drop, why);
}

/* DISCOVER then REQUEST of client n via relay at now_ms: the address. */
static uint32_t
dora(struct fixture *f, uint32_t n, uint32_t relay, int64_t now_ms)
{
	uint32_t	 a;

	mkreq(f, DHCPDISCOVER, n, relay, now_ms);
	run(f);
	expect(f, DHCPOFFER);
	a = f->res->reply.yiaddr;
	mkreq(f, DHCPREQUEST, n, relay, now_ms);
	assert_true(dhcp_opt_set_u32(f->req, DHO_SERVER_ID, SERVER));
	assert_true(dhcp_opt_set_u32(f->req, DHO_REQUESTED_ADDRESS, a));
	run(f);
	expect(f, DHCPACK);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 3600);
	return a;
}

static uint32_t
pool_free(struct fixture *f, uint32_t addr)
{
	struct pool_stats st;

	pool_stats(pool_set_find(f->set, addr), &st);
	return st.free;
}

/*
 * 1000 DISCOVERs of distinct clients from RELAY_A in one second: 20 at
 * once and 10 more over the second are offered, the rest dropped as
 * rate-relay; lanA keeps most of its pool, and a client behind RELAY_B
 * gets its lease at once.  A client of lanA already bound renews while
 * its relay's bucket is empty.
 */
static void
flood_from_one_relay(void **state)
{
	struct fixture	*f = *state;
	int64_t		 ms = T0 * 1000;
	uint32_t	 bound, offers = 0;

	bound = dora(f, 1, RELAY_A, ms);
	for (uint32_t n = 1000; n < 2000; n++) {
		mkreq(f, DHCPDISCOVER, n, RELAY_A, ms + (n - 1000));
		run(f);
		if (f->res->action == ENGINE_REPLY)
			offers++;
		else
			expect_drop(f, ENGINE_DROP_RATE_RELAY);
	}
	/* The bucket had 19 left after client 1, then 10 a second. */
	assert_int_equal(offers, 19 + 9);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_RATE_RELAY],
	    1000 - offers);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_NO_FREE_ADDRESS], 0);
	assert_true(pool_free(f, bound) >= 200 - 1 - offers);
	/* Another relay's client is served at once. */
	(void)dora(f, 5000, RELAY_B, ms + 1000);
	/* A renewal is never limited. */
	mkreq(f, DHCPREQUEST, 1, RELAY_A, ms + 1000);
	f->req->ciaddr = bound;
	run(f);
	expect(f, DHCPACK);
	/* A flooder's repeated DISCOVER while its offer stands is free. */
	mkreq(f, DHCPDISCOVER, 1000, RELAY_A, ms + 1000);
	run(f);
	expect(f, DHCPOFFER);
}

/* One client coming back empty-handed: 3 at once, then 1 a second. */
static void
client_bucket(void **state)
{
	struct fixture	*f = *state;
	int64_t		 ms = T0 * 1000;

	for (int i = 0; i < 3; i++) {
		mkreq(f, DHCPDISCOVER, 7, RELAY_A, ms);
		run(f);
		expect(f, DHCPOFFER);
		/* It takes another server's offer: ours is let go. */
		mkreq(f, DHCPREQUEST, 7, RELAY_A, ms);
		assert_true(dhcp_opt_set_u32(f->req, DHO_SERVER_ID,
		    IP(192, 0, 2, 99)));
		run(f);
		expect_drop(f, ENGINE_DROP_NOT_FOR_US);
	}
	mkreq(f, DHCPDISCOVER, 7, RELAY_A, ms + 500);
	run(f);
	expect_drop(f, ENGINE_DROP_RATE_CLIENT);
	mkreq(f, DHCPDISCOVER, 7, RELAY_A, ms + 1000);
	run(f);
	expect(f, DHCPOFFER);
	/*
	 * The relay's bucket: 20 - 3, refilled by 10 over the second to
	 * its 20, less this offer: 19 left.  The client's refused DISCOVER
	 * spent nothing of it.
	 */
	for (uint32_t n = 100; n < 119; n++)
		(void)dora(f, n, RELAY_A, ms + 1000);
	mkreq(f, DHCPDISCOVER, 200, RELAY_A, ms + 1000);
	run(f);
	expect_drop(f, ENGINE_DROP_RATE_RELAY);
}

/* Circuits of one relay have buckets of their own. */
static void
circuit_bucket(void **state)
{
	struct fixture	*f = *state;
	int64_t		 ms = T0 * 1000;

	f->cfg.server.new_rate_relay = 0;
	for (uint32_t n = 0; n < 50; n++) {
		mkreq(f, DHCPDISCOVER, 100 + n, RELAY_A, ms);
		circuit(f->req, "port1");
		run(f);
		if (n < 5)
			expect(f, DHCPOFFER);
		else
			expect_drop(f, ENGINE_DROP_RATE_CIRCUIT);
	}
	mkreq(f, DHCPDISCOVER, 300, RELAY_A, ms);
	circuit(f->req, "port2");
	run(f);
	expect(f, DHCPOFFER);
	/* The same circuit-id through another relay is another circuit. */
	mkreq(f, DHCPDISCOVER, 301, RELAY_B, ms);
	circuit(f->req, "port1");
	run(f);
	expect(f, DHCPOFFER);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_RATE_CIRCUIT], 45);
}

/* An INIT-REBOOT REQUEST of client n for addr (no 54, no ciaddr). */
static void
init_reboot(struct fixture *f, uint32_t n, uint32_t addr, int64_t now_ms)
{
	mkreq(f, DHCPREQUEST, n, RELAY_A, now_ms);
	assert_true(dhcp_opt_set_u32(f->req, DHO_REQUESTED_ADDRESS, addr));
	run(f);
}

/*
 * INIT-REBOOT for a free address: the short lease, recorded as such;
 * the renewal gets the normal time, and so does an INIT-REBOOT of the
 * binding the client holds.  A sweep of free addresses is cut by the
 * relay's bucket and holds the addresses it got for 300 s.
 */
static void
init_reboot_short_then_full(void **state)
{
	struct fixture	*f = *state;
	int64_t		 ms = T0 * 1000;
	uint32_t	 a = IP(198, 51, 100, 50);
	unsigned	 acks = 0;

	init_reboot(f, 1, a, ms);
	expect(f, DHCPACK);
	assert_int_equal(f->res->reply.yiaddr, a);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 300);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_RENEWAL_TIME), 150);
	assert_false(f->res->renewed);
	assert_int_equal(f->res->changes[0].ends, T0 + 300);
	/* RENEWING at T1: the normal lease. */
	mkreq(f, DHCPREQUEST, 1, RELAY_A, ms + 150000);
	f->req->ciaddr = a;
	run(f);
	expect(f, DHCPACK);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 3600);
	assert_true(f->res->renewed);
	/* A reboot with the binding held: the normal lease too. */
	init_reboot(f, 1, a, ms + 200000);
	expect(f, DHCPACK);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 3600);
	/* The SELECTING REQUEST for our offer is not unoffered. */
	(void)dora(f, 2, RELAY_A, ms + 200000);
	/* A sweep of 150 free addresses by as many clients in a second. */
	for (uint32_t n = 0; n < 150; n++) {
		init_reboot(f, 1000 + n, IP(198, 51, 100, 60 + n),
		    ms + 400000 + n);
		if (f->res->action == ENGINE_REPLY) {
			assert_int_equal(et_opt_u32(&f->res->reply,
			    DHO_LEASE_TIME), 300);
			acks++;
		} else
			expect_drop(f, ENGINE_DROP_RATE_RELAY);
	}
	assert_true(acks <= 20 + 2);
	assert_true(pool_free(f, a) >= 200 - 2 - acks);
}

/* UnofferedLeaseTime = 0, or longer than the normal time: normal time. */
static void
unoffered_off(void **state)
{
	struct fixture	*f = *state;

	f->cfg.server.unoffered_lease_time = 0;
	init_reboot(f, 1, IP(198, 51, 100, 50), T0 * 1000);
	expect(f, DHCPACK);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 3600);
	f->cfg.server.unoffered_lease_time = 7200;
	init_reboot(f, 2, IP(198, 51, 100, 51), T0 * 1000);
	expect(f, DHCPACK);
	assert_int_equal(et_opt_u32(&f->res->reply, DHO_LEASE_TIME), 3600);
}

/* Without buckets (rate 0 everywhere) nothing is limited. */
static void
limits_off(void **state)
{
	struct fixture	*f = *state;
	struct cfg_server *s = &f->cfg.server;
	int64_t		 ms = T0 * 1000;

	s->new_rate_relay = s->new_rate_circuit = 0;
	s->new_rate_remote_id = s->new_rate_client = 0;
	for (uint32_t n = 0; n < 200; n++)
		(void)dora(f, 100 + n, RELAY_A, ms);
	mkreq(f, DHCPDISCOVER, 999, RELAY_A, ms);
	run(f);
	expect_drop(f, ENGINE_DROP_NO_FREE_ADDRESS);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(flood_from_one_relay),
		T(client_bucket),
		T(circuit_bucket),
		T(init_reboot_short_then_full),
		T(unoffered_off),
		T(limits_off),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
