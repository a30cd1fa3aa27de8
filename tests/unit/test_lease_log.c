/*
 * Unit tests: common/dhcp/lease_log.c, the lease log both daemons write.
 * The events come from the real engine over real pools (a relayed client
 * with option 61, 12 and 82), so a line is checked as an operator would
 * read it; the rate on a clock the test sets.
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
#include "lease_log.h"

#define T0		((int64_t)1700000000)
#define SERVER		IP(192, 0, 2, 10)
#define RELAY		IP(203, 0, 113, 1)
#define MAXLINES	16
/* The fields of mkreq's client and relay, as a line shows them. */
#define CLIENT	"hwaddr=02:00:00:00:00:01 client-id=01:02:00:00:00:00:01 "
#define RELAYED	"giaddr=203.0.113.1 circuit-id=\"eth0/1\" " \
		"remote-id=\"\\x00\\x11\" "
#define WAN	"subnet=203.0.113.0/24 server=branch1"

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnet;
	struct pool_set	*set;
	struct engine	 eng;
	struct dhcp_msg	*req;
	struct engine_result *res;
	struct engine_input in;
	struct lease_log ll;
	size_t		 n;		/* lines emitted (summaries too) */
	char		 lines[MAXLINES][LEASE_LOG_LINE_MAX];
};

static void
capture(void *arg, const char *line)
{
	struct fixture *f = arg;

	if (f->n < MAXLINES)
		snprintf(f->lines[f->n], sizeof(f->lines[0]), "%s", line);
	f->n++;
}

/* wan 203.0.113.0/24 behind a relay at .1, range .10-.19. */
static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct cfg_subnet *sn;

	assert_non_null(f);
	et_server(&f->cfg.server, SERVER);
	sn = &f->subnet;
	et_subnet(sn, "wan", IP(203, 0, 113, 0), 24);
	sn->ranges[0].lo = IP(203, 0, 113, 10);
	sn->ranges[0].hi = IP(203, 0, 113, 19);
	sn->nranges = 1;
	f->cfg.subnets = sn;
	f->cfg.nsubnets = 1;
	assert_int_equal(pool_set_new(&f->cfg, 99, &f->set), POOL_OK);
	assert_int_equal(engine_init(&f->eng, &f->cfg, f->set), 0);
	f->req = calloc(1, sizeof(*f->req));
	f->res = calloc(1, sizeof(*f->res));
	assert_non_null(f->req);
	assert_non_null(f->res);
	lease_log_init(&f->ll, "branch1", capture, f);
	lease_log_set(&f->ll, true, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	lease_log_free(&f->ll);
	pool_set_free(f->set);
	free(f->req);
	free(f->res);
	free(f);
	return 0;
}

/* A relayed request of client 02:00:00:00:00:01 (option 61 01+chaddr,
 * host name, the relay's circuit-id "eth0/1" and remote-id 00 11). */
static struct dhcp_msg *
mkreq(struct fixture *f, uint8_t type)
{
	static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 1 };
	static const uint8_t o82[] = { 1, 6, 'e', 't', 'h', '0', '/', '1',
	    2, 2, 0x00, 0x11 };
	struct dhcp_msg	*m = et_request(f->req, &f->in, type, 1, 0x4200u, T0);

	m->hops = 1;
	m->giaddr = RELAY;
	assert_true(dhcp_opt_set(m, DHO_CLIENT_ID, cid, sizeof(cid)));
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, o82, sizeof(o82)));
	f->in.link_addr = RELAY;
	return m;
}

static void
handle(struct fixture *f)
{
	engine_handle(&f->eng, &f->in, f->res);
}

/* DISCOVER, REQUEST (SELECTING) with host name "pc1": the address. */
static uint32_t
bind_client(struct fixture *f)
{
	uint32_t	 a;
	struct dhcp_msg	*m = mkreq(f, DHCPDISCOVER);

	handle(f);
	assert_int_equal(f->res->action, ENGINE_REPLY);
	a = f->res->reply.yiaddr;
	m = mkreq(f, DHCPREQUEST);
	assert_true(dhcp_opt_set_u32(m, DHO_SERVER_ID, SERVER));
	assert_true(dhcp_opt_set_u32(m, DHO_REQUESTED_ADDRESS, a));
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, "pc1", 3));
	handle(f);
	assert_int_equal(f->res->reply.msg_type, DHCPACK);
	assert_true(f->res->needs_commit);
	return a;
}

/* The client gives address a back (DHCPRELEASE, DHCPDECLINE); the
 * engine's result is logged at `now`. */
static void
give_back(struct fixture *f, uint8_t type, uint32_t a, double now)
{
	struct dhcp_msg	*m = mkreq(f, type);

	assert_true(dhcp_opt_set_u32(m, DHO_SERVER_ID, SERVER));
	if (type == DHCPRELEASE)
		m->ciaddr = a;
	else
		assert_true(dhcp_opt_set_u32(m, DHO_REQUESTED_ADDRESS, a));
	handle(f);
	assert_int_equal(f->res->action, ENGINE_NONE);
	lease_log_result(&f->ll, now, m, f->res);
}

/* What gcommit does with an ACK whose batch commits. */
static void
ack_leaves(struct fixture *f, double now)
{
	lease_log_ack(&f->ll, now, f->req, f->res);
	lease_log_batch_end(&f->ll, true);
}

static void
expect_line(struct fixture *f, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
expect_line(struct fixture *f, size_t i, const char *fmt, ...)
{
	char	 want[LEASE_LOG_LINE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_true(i < f->n);
	assert_string_equal(f->lines[i], want);
}

/* A grant: every field, from the request, the decision and the subnet. */
static void
grant_line(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = bind_client(f);

	assert_false(f->res->renewed);
	ack_leaves(f, 1.0);
	assert_int_equal(f->n, 1);
	expect_line(f, 0, "lease grant addr=203.0.113.%u "
	    CLIENT "hostname=\"pc1\" " RELAYED WAN " lease=3600", a & 0xff);
	assert_int_equal(f->ll.stats.lines, 1);
	assert_int_equal(f->ll.stats.suppressed, 0);
}

/* The same client again: a renewal (its binding was live); then its
 * RELEASE, whose host name comes from the binding (it sends none). */
static void
renew_then_release(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = bind_client(f);
	struct dhcp_msg	*m;

	ack_leaves(f, 1.0);
	m = mkreq(f, DHCPREQUEST);		/* REBINDING, relayed */
	m->ciaddr = a;
	f->in.now = T0 + 1800;
	handle(f);
	assert_int_equal(f->res->reply.msg_type, DHCPACK);
	assert_true(f->res->renewed);
	ack_leaves(f, 2.0);
	assert_int_equal(f->n, 2);
	assert_non_null(strstr(f->lines[1], "lease renew addr=203.0.113."));
	assert_non_null(strstr(f->lines[1], " hostname=\"pc1\" "));
	assert_non_null(strstr(f->lines[1], " lease=3600"));

	give_back(f, DHCPRELEASE, a, 3.0);
	assert_int_equal(f->n, 3);
	expect_line(f, 2, "lease release addr=203.0.113.%u "
	    CLIENT "hostname=\"pc1\" " RELAYED WAN,
	    a & 0xff);

	/* A client that moved away: the grant after the release is new. */
	bind_client(f);
	assert_false(f->res->renewed);
}

/* INIT-REBOOT for another network's address: a NAK with the engine's
 * reason, the address asked for, and no lease= field. */
static void
nak_line(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*m = mkreq(f, DHCPREQUEST);

	assert_true(dhcp_opt_set_u32(m, DHO_REQUESTED_ADDRESS,
	    IP(192, 0, 2, 99)));
	handle(f);
	assert_int_equal(f->res->reply.msg_type, DHCPNAK);
	lease_log_result(&f->ll, 1.0, m, f->res);
	assert_int_equal(f->n, 1);
	expect_line(f, 0, "lease nak addr=192.0.2.99 "
	    CLIENT "hostname=- " RELAYED WAN " reason=\"wrong network\"");
}

static void
decline_line(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = bind_client(f);

	give_back(f, DHCPDECLINE, a, 1.0);
	assert_int_equal(f->n, 1);
	expect_line(f, 0, "lease decline addr=203.0.113.%u "
	    CLIENT "hostname=- " RELAYED WAN,
	    a & 0xff);
}

static void
expired_cb(struct pool *p, const struct lease *l, void *arg)
{
	struct fixture	*f = arg;

	lease_log_expired(&f->ll, 5.0, p, l);
}

/* The sweep: the binding's own fields, no request's; and nothing for a
 * subnet this server does not serve. */
static void
expire_line(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = bind_client(f);
	struct pool	*p = pool_set_get(f->set, 0);

	assert_int_equal(pool_set_expire(f->set, T0 + 3600, 16, expired_cb,
	    f), 1);
	assert_int_equal(f->n, 1);
	expect_line(f, 0, "lease expire addr=203.0.113.%u "
	    CLIENT "hostname=\"pc1\" giaddr=- circuit-id=- remote-id=- " WAN,
	    a & 0xff);

	bind_client(f);
	pool_set_serving(p, false);
	assert_int_equal(pool_set_expire(f->set, T0 + 7200, 16, expired_cb,
	    f), 1);
	assert_int_equal(f->n, 1);
}

/* Hostile bytes stay inside one quoted word; long values are cut. */
static void
hostile_values_sanitised(void **state)
{
	struct fixture	*f = *state;
	static const char evil[] = "a b\"c\\d\n\xff=e";
	char	 longname[200];
	struct dhcp_msg	*m;

	bind_client(f);
	m = f->req;
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, evil, sizeof(evil) - 1));
	ack_leaves(f, 1.0);
	assert_non_null(strstr(f->lines[0],
	    " hostname=\"a b\\x22c\\x5cd\\x0a\\xff=e\" giaddr="));
	assert_null(strchr(f->lines[0], '\n'));

	memset(longname, 'x', sizeof(longname));
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, longname,
	    sizeof(longname)));
	ack_leaves(f, 1.0);
	assert_int_equal(f->n, 2);
	assert_non_null(strstr(f->lines[1], " hostname=\""));
	assert_int_equal(strcspn(strstr(f->lines[1], " hostname=\"") + 11,
	    "\""), LEASE_LOG_VALUE_MAX);
	assert_non_null(strstr(f->lines[1], " server=branch1 lease=3600"));
}

/* Nothing known: every key is there, `-`; a short buffer is cut safely. */
static void
missing_fields(void **state)
{
	struct lease_log_event ev = { .kind = LEASE_LOG_NAK };
	char	 out[LEASE_LOG_LINE_MAX], small[24];
	size_t	 n;
	(void)state;

	n = lease_log_format(&ev, "s1", out, sizeof(out));
	assert_string_equal(out, "lease nak addr=- hwaddr=- client-id=- "
	    "hostname=- giaddr=- circuit-id=- remote-id=- subnet=- "
	    "server=s1 reason=-");
	assert_int_equal(n, strlen(out));
	ev.kind = LEASE_LOG_GRANT;
	n = lease_log_format(&ev, "s1", small, sizeof(small));
	assert_string_equal(small, "lease grant addr=- hwad");
	assert_int_equal(n, sizeof(small) - 1);
	assert_string_equal(lease_log_kind_name(LEASE_LOG_KIND_COUNT),
	    "unknown");
}

/* LeaseLog = no: no line, no formatting, no count. */
static void
off_logs_nothing(void **state)
{
	struct fixture	*f = *state;

	lease_log_set(&f->ll, false, 0);
	bind_client(f);
	ack_leaves(f, 1.0);
	assert_int_equal(pool_set_expire(f->set, T0 + 3600, 16, expired_cb,
	    f), 1);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->ll.batch_len, 0);
	assert_int_equal(f->ll.stats.lines, 0);
	lease_log_set(&f->ll, true, 0);
	bind_client(f);
	ack_leaves(f, 2.0);
	assert_int_equal(f->n, 1);
}

/* n expire events at `now`, of a record the sweep changed. */
static void
expire_n(struct fixture *f, int n, double now)
{
	static const struct lease l = { .addr = IP(203, 0, 113, 10),
	    .state = LEASE_EXPIRED };

	for (int i = 0; i < n; i++)
		lease_log_expired(&f->ll, now, pool_set_get(f->set, 0), &l);
}

/*
 * 3 lines a second: a burst of 3 passes, the rest are counted; the tick
 * writes their summary, at most once a second and whether or not a token
 * is there (it spends none); half a second later 1.5 tokens let one more
 * line through.
 */
static void
rate_burst_refill_summary(void **state)
{
	struct fixture	*f = *state;

	lease_log_set(&f->ll, true, 3);
	expire_n(f, 5, 100.0);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->ll.stats.lines, 3);
	assert_int_equal(f->ll.stats.suppressed, 2);
	lease_log_tick(&f->ll, 100.2);		/* no token needed */
	assert_int_equal(f->n, 4);
	assert_string_equal(f->lines[3], "lease log: 2 lines suppressed");

	expire_n(f, 1, 100.5);
	assert_int_equal(f->n, 5);
	assert_non_null(strstr(f->lines[4], "lease expire addr=203.0.113.10"));
	expire_n(f, 1, 100.5);		/* 0.5 left */
	assert_int_equal(f->n, 5);
	assert_int_equal(f->ll.stats.suppressed, 3);
	lease_log_tick(&f->ll, 100.6);		/* a summary 0.4 s ago */
	assert_int_equal(f->n, 5);
	lease_log_tick(&f->ll, 101.3);
	assert_int_equal(f->n, 6);
	assert_string_equal(f->lines[5], "lease log: 1 line suppressed");
	lease_log_tick(&f->ll, 102.4);		/* said once */
	assert_int_equal(f->n, 6);
	/* The bucket holds a second's worth, not more. */
	expire_n(f, 5, 200.0);
	assert_int_equal(f->ll.stats.lines, 7);
	assert_int_equal(f->ll.stats.suppressed, 5);
	/* A clock that went back adds nothing. */
	expire_n(f, 1, 150.0);
	assert_int_equal(f->ll.stats.suppressed, 6);
}

/* A flood: the summaries come once a second, not before every line let
 * through, so the log holds the rate and about one line more a second. */
static void
flood_summaries_once_a_second(void **state)
{
	struct fixture	*f = *state;
	double		 t;

	lease_log_set(&f->ll, true, 100);
	for (t = 10.0; t < 20.0; t += 0.001) {
		expire_n(f, 1, t);
		if ((int)(t * 1000) % 1000 == 0)
			lease_log_tick(&f->ll, t);
	}
	assert_true(f->ll.stats.lines <= 100 * 11);
	assert_true(f->ll.stats.suppressed >= 10000 - 100 * 11);
	assert_true((uint64_t)f->n <= f->ll.stats.lines + 11);
}

/* ACK lines take their tokens when queued; a lost batch gives them
 * back and counts nothing; a committed one counts what it held back. */
static void
rate_and_batches(void **state)
{
	struct fixture	*f = *state;

	bind_client(f);
	lease_log_set(&f->ll, true, 2);
	for (int i = 0; i < 3; i++)
		lease_log_ack(&f->ll, 10.0, f->req, f->res);
	assert_int_equal(f->ll.batch_lines, 2);
	lease_log_batch_end(&f->ll, false);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->ll.stats.suppressed, 0);

	for (int i = 0; i < 3; i++)
		lease_log_ack(&f->ll, 10.0, f->req, f->res);
	lease_log_batch_end(&f->ll, true);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->ll.stats.lines, 2);
	assert_int_equal(f->ll.stats.suppressed, 1);
	ack_leaves(f, 10.5);
	assert_int_equal(f->n, 3);
	assert_non_null(strstr(f->lines[2], "lease grant "));
	lease_log_tick(&f->ll, 10.6);
	assert_int_equal(f->n, 4);
	assert_string_equal(f->lines[3], "lease log: 1 line suppressed");
}

/* LeaseLogRate = 0: no limit. */
static void
rate_zero_unlimited(void **state)
{
	struct fixture	*f = *state;

	lease_log_set(&f->ll, true, 0);
	expire_n(f, 5000, 1.0);
	assert_int_equal(f->ll.stats.lines, 5000);
	assert_int_equal(f->ll.stats.suppressed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(grant_line, setup, teardown),
		cmocka_unit_test_setup_teardown(renew_then_release, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(nak_line, setup, teardown),
		cmocka_unit_test_setup_teardown(decline_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(expire_line, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_values_sanitised,
		    setup, teardown),
		cmocka_unit_test(missing_fields),
		cmocka_unit_test_setup_teardown(off_logs_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rate_burst_refill_summary,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(flood_summaries_once_a_second,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(rate_and_batches, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rate_zero_unlimited, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
