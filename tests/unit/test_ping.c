/*
 * Unit tests: common/net/ping.c with a real libev loop and real ICMP.
 *
 * The program moves itself into a private network namespace first
 * (unshare(CLONE_NEWNET); it needs root), so every echo request it sends
 * stays on its own loopback: the kernel answers for 127/8 ("in use"), and
 * with net.ipv4.icmp_echo_ignore_all=1 -- a per-namespace sysctl -- it
 * stays silent ("not in use").  A veth pair nv0 192.0.2.1/24 <-> nv1
 * (no address) gives a TEST-NET address nobody answers for, and
 * 198.51.100.0/24 has no route, so requests there fail to send.
 * Every ev_run has a bounded safety timer; nothing sleeps.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ev.h>

#include "ping.h"
#include "pkt_build.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define SAFETY_SECS	5.0
#define NMAX		256

static bool	netns_ok, veth_ok;

/* What the done callbacks saw, and when to stop the loop. */
struct result {
	struct ev_loop	*loop;
	int		 calls;
	int		 expect;
	int		 busy;			/* 1, 0, or -1 = not called */
	uint32_t	 addr;
	double		 at;
	bool		 timed_out;
	int		 per[NMAX];		/* calls per check index */
	bool		 verdict[NMAX];
};

static int
sysctl_write(const char *path, const char *val)
{
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static void
echo_ignore(bool on)
{
	assert_int_equal(sysctl_write("/proc/sys/net/ipv4/icmp_echo_ignore_all",
	    on ? "1" : "0"), 0);
}

static int
link_up(const char *name)
{
	struct ifreq	 ifr;
	int		 s, rc = -1;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

static int
setup_netns(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipping\n",
		    strerror(errno));
		return 0;
	}
	if (link_up("lo") == -1)
		return 0;
	netns_ok = true;
	veth_ok = system("ip link add nv0 type veth peer name nv1 && "
	    "ip addr add 192.0.2.1/24 dev nv0 && ip link set nv0 up && "
	    "ip link set nv1 up") == 0;
	if (!veth_ok)
		fprintf(stderr, "veth setup failed: those cases skipped\n");
	return 0;
}

#define NEED_NETNS()	do { if (!netns_ok) skip(); } while (0)

static void
safety_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct result	*res = w->data;

	(void)revents;
	res->timed_out = true;
	ev_break(loop, EVBREAK_ALL);
}

/* Runs loop until res->expect callbacks arrived or SAFETY_SECS passed. */
static void
run(struct ev_loop *loop, struct result *res, double safety)
{
	ev_timer	 t;

	ev_timer_init(&t, safety_cb, safety, 0.);
	t.data = res;
	ev_timer_start(loop, &t);
	if (res->calls < res->expect)
		ev_run(loop, 0);
	ev_timer_stop(loop, &t);
}

static void
done_one(void *arg, uint32_t addr, bool in_use)
{
	struct result	*res = arg;

	res->calls++;
	res->busy = in_use;
	res->addr = addr;
	res->at = ev_time();
	if (res->calls >= res->expect)
		ev_break(res->loop, EVBREAK_ALL);
}

static struct ping_ctx *
open_ctx(struct ev_loop *loop)
{
	struct ping_ctx	*ctx;
	char		 err[256];

	if ((ctx = ping_open(loop, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	return ctx;
}

static void
answered_is_in_use(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct result		 res = { .loop = loop, .expect = 1, .busy = -1 };
	struct ping_ctx		*ctx;
	struct ping_stats	 st;
	double			 t0;
	(void)state;
	NEED_NETNS();
	echo_ignore(false);
	ctx = open_ctx(loop);
	t0 = ev_time();
	assert_int_equal(ping_check(ctx, A(127, 0, 0, 1), 3, 500, done_one,
	    &res), 0);
	assert_int_equal(res.calls, 0);		/* never synchronous */
	assert_int_equal(ping_inflight(ctx), 1);
	run(loop, &res, SAFETY_SECS);
	assert_false(res.timed_out);
	assert_int_equal(res.calls, 1);
	assert_int_equal(res.busy, 1);
	assert_int_equal(res.addr, A(127, 0, 0, 1));
	/* the first reply decides; no waiting for the other attempts */
	assert_true(res.at - t0 < 0.4);
	ping_get_stats(ctx, &st);
	assert_int_equal(st.checks, 1);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.replies, 1);
	assert_int_equal(st.in_use, 1);
	assert_int_equal(st.timeouts, 0);
	assert_int_equal(ping_inflight(ctx), 0);
	ping_close(ctx);
	ev_loop_destroy(loop);
}

static void
silent_is_not_in_use(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct result		 res = { .loop = loop, .expect = 1, .busy = -1 };
	struct ping_ctx		*ctx;
	struct ping_stats	 st;
	double			 t0;
	(void)state;
	NEED_NETNS();
	echo_ignore(true);
	ctx = open_ctx(loop);
	t0 = ev_time();
	assert_int_equal(ping_check(ctx, A(127, 0, 0, 1), 3, 100, done_one,
	    &res), 0);
	run(loop, &res, SAFETY_SECS);
	echo_ignore(false);
	assert_false(res.timed_out);
	assert_int_equal(res.busy, 0);
	/* three requests 100 ms apart, then 100 ms more for an answer */
	assert_true(res.at - t0 >= 0.29);
	assert_true(res.at - t0 < 1.5);
	ping_get_stats(ctx, &st);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.replies, 0);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.in_use, 0);
	ping_close(ctx);
	ev_loop_destroy(loop);
}

struct many {
	struct result	*res;
	int		 idx;
};

static void
done_many(void *arg, uint32_t addr, bool in_use)
{
	struct many	*m = arg;

	(void)addr;
	m->res->per[m->idx]++;
	m->res->verdict[m->idx] = in_use;
	if (++m->res->calls >= m->res->expect)
		ev_break(m->res->loop, EVBREAK_ALL);
}

/*
 * 200 answering loopback addresses, 20 unroutable ones and (with veth)
 * 5 silent TEST-NET ones, all in flight together: every check gets
 * exactly one verdict, and the right one.
 */
static void
many_in_flight(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	static struct result	 res;
	static struct many	 m[NMAX];
	struct ping_ctx		*ctx;
	struct ping_stats	 st;
	int			 i, n = 0, nsilent = veth_ok ? 5 : 0;
	(void)state;
	NEED_NETNS();
	echo_ignore(false);
	memset(&res, 0, sizeof(res));
	res.loop = loop;
	ctx = open_ctx(loop);
	for (i = 0; i < 200; i++, n++) {
		m[n].res = &res;
		m[n].idx = n;
		assert_int_equal(ping_check(ctx, A(127, 0, 1, 1 + i), 2, 300,
		    done_many, &m[n]), 0);
	}
	for (i = 0; i < 20; i++, n++) {
		m[n].res = &res;
		m[n].idx = n;
		assert_int_equal(ping_check(ctx, A(198, 51, 100, 1 + i), 2, 100,
		    done_many, &m[n]), 0);
	}
	for (i = 0; i < nsilent; i++, n++) {
		m[n].res = &res;
		m[n].idx = n;
		assert_int_equal(ping_check(ctx, A(192, 0, 2, 90 + i), 2, 100,
		    done_many, &m[n]), 0);
	}
	res.expect = n;
	assert_int_equal(ping_inflight(ctx), n);
	run(loop, &res, SAFETY_SECS);
	assert_false(res.timed_out);
	for (i = 0; i < n; i++) {
		assert_int_equal(res.per[i], 1);
		assert_int_equal(res.verdict[i], i < 200);
	}
	ping_get_stats(ctx, &st);
	assert_int_equal(st.in_use, 200);
	assert_int_equal(st.timeouts, 20 + nsilent);
	assert_int_equal(st.send_errors, 40);	/* 20 addresses x 2 */
	assert_int_equal(st.last_errno, ENETUNREACH);
	assert_int_equal(ping_inflight(ctx), 0);
	ping_close(ctx);
	ev_loop_destroy(loop);
}

/* Sends an echo reply with the given id/seq from src to 127.0.0.1. */
static void
forge_reply(uint32_t src, uint16_t id, uint16_t seq)
{
	struct sockaddr_in	 sin;
	uint8_t			 pkt[32];
	size_t			 n;
	uint16_t		 ck;
	int			 fd;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(src);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	n = pkt_icmp_echo_build(pkt, sizeof(pkt), id, seq,
	    (const uint8_t *)"forged", 6);
	pkt[0] = PKT_ICMP_ECHO_REPLY;
	pkt[2] = pkt[3] = 0;
	ck = pkt_cksum(pkt, n);
	pkt[2] = ck >> 8;
	pkt[3] = ck & 0xff;
	sin.sin_addr.s_addr = htonl(A(127, 0, 0, 1));
	assert_int_equal(sendto(fd, pkt, n, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), (ssize_t)n);
	close(fd);
}

/*
 * Watches the wire (a raw socket of our own) for the echo request the
 * context sends to dst, and returns its id and seq.
 */
static void
sniff_request(int sniff, uint32_t dst, uint16_t *id, uint16_t *seq)
{
	struct pollfd	 pfd = { .fd = sniff, .events = POLLIN };
	uint8_t		 buf[256], type;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < 50; i++) {
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		n = recv(sniff, buf, sizeof(buf), 0);
		assert_true(n > 0);
		if (pkt_icmp_echo_parse(buf, (size_t)n, &type, id, seq) ==
		    PKT_OK && type == PKT_ICMP_ECHO_REQUEST && n >= 20 &&
		    ((uint32_t)buf[16] << 24 | (uint32_t)buf[17] << 16 |
		    (uint32_t)buf[18] << 8 | buf[19]) == dst)
			return;
	}
	fail_msg("no echo request to the target seen");
}

static void
only_matching_reply_counts(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct result		 res = { .loop = loop, .expect = 1, .busy = -1 };
	struct ping_ctx		*ctx;
	struct ping_stats	 st;
	uint32_t		 target = A(127, 0, 0, 9);
	uint16_t		 id, seq;
	int			 sniff;
	(void)state;
	NEED_NETNS();
	echo_ignore(true);	/* only our forged replies exist */
	sniff = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	assert_true(sniff >= 0);
	ctx = open_ctx(loop);

	assert_int_equal(ping_check(ctx, target, 1, 300, done_one, &res), 0);
	sniff_request(sniff, target, &id, &seq);
	assert_int_equal(id, ping_ident(ctx));
	forge_reply(A(127, 0, 0, 5), id, seq);		/* wrong source */
	forge_reply(target, (uint16_t)(id + 1), seq);	/* wrong id */
	forge_reply(target, id, (uint16_t)(seq + 1));	/* wrong seq */
	run(loop, &res, SAFETY_SECS);
	assert_false(res.timed_out);
	assert_int_equal(res.busy, 0);
	ping_get_stats(ctx, &st);
	assert_true(st.ignored >= 3);
	assert_int_equal(st.replies, 0);

	res.calls = 0;
	res.busy = -1;
	assert_int_equal(ping_check(ctx, target, 1, 1000, done_one, &res), 0);
	sniff_request(sniff, target, &id, &seq);
	forge_reply(target, id, seq);
	run(loop, &res, SAFETY_SECS);
	assert_false(res.timed_out);
	assert_int_equal(res.busy, 1);
	ping_get_stats(ctx, &st);
	assert_int_equal(st.replies, 1);
	echo_ignore(false);
	close(sniff);
	ping_close(ctx);
	ev_loop_destroy(loop);
}

static void
cancel_stops_callbacks(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct result		 a = { .loop = loop, .expect = 2, .busy = -1 };
	struct result		 b = { .loop = loop, .expect = 2, .busy = -1 };
	struct ping_ctx		*ctx;
	struct ping_stats	 st;
	int			 i;
	(void)state;
	NEED_NETNS();
	echo_ignore(true);
	ctx = open_ctx(loop);
	for (i = 0; i < 3; i++)
		assert_int_equal(ping_check(ctx, A(127, 0, 2, 1 + i), 1, 50,
		    done_one, &a), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(ping_check(ctx, A(127, 0, 3, 1 + i), 1, 50,
		    done_one, &b), 0);
	assert_int_equal(ping_cancel_arg(ctx, &a), 3);
	assert_int_equal(ping_inflight(ctx), 2);
	run(loop, &b, SAFETY_SECS);
	assert_false(b.timed_out);
	assert_int_equal(b.calls, 2);
	assert_int_equal(a.calls, 0);

	for (i = 0; i < 10; i++)
		assert_int_equal(ping_check(ctx, A(127, 0, 4, 1 + i), 1, 50,
		    done_one, &a), 0);
	assert_int_equal(ping_cancel_all(ctx), 10);
	a.expect = 1;
	run(loop, &a, 0.3);		/* nothing may arrive */
	assert_true(a.timed_out);
	assert_int_equal(a.calls, 0);
	ping_get_stats(ctx, &st);
	assert_int_equal(st.cancelled, 13);
	assert_int_equal(st.timeouts, 2);
	echo_ignore(false);
	/* closing with checks in flight frees them without callbacks */
	assert_int_equal(ping_check(ctx, A(127, 0, 0, 1), 1, 50, done_one,
	    &a), 0);
	ping_close(ctx);
	assert_int_equal(a.calls, 0);
	ev_loop_destroy(loop);
}

struct chain {
	struct ev_loop	*loop;
	struct ping_ctx	*ctx;
	int		 left;
	int		 got;
};

/* A done callback may start the next check (and cancel others). */
static void
done_chain(void *arg, uint32_t addr, bool in_use)
{
	struct chain	*c = arg;

	assert_true(in_use);
	c->got++;
	ping_cancel_arg(c->ctx, NULL);
	if (--c->left > 0)
		assert_int_equal(ping_check(c->ctx, addr + 1, 1, 500,
		    done_chain, c), 0);
	else
		ev_break(c->loop, EVBREAK_ALL);
}

static void
callbacks_may_reenter(void **state)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	struct result	 res = { .loop = loop, .expect = 1 };
	struct chain	 c;
	(void)state;
	NEED_NETNS();
	echo_ignore(false);
	c.loop = loop;
	c.ctx = open_ctx(loop);
	c.left = 5;
	c.got = 0;
	assert_int_equal(ping_check(c.ctx, A(127, 0, 5, 1), 1, 500,
	    done_chain, &c), 0);
	run(loop, &res, SAFETY_SECS);
	assert_false(res.timed_out);
	assert_int_equal(c.got, 5);
	ping_close(c.ctx);
	ev_loop_destroy(loop);
}

/* Two contexts on one host never take each other's replies. */
static void
contexts_are_separate(void **state)
{
	struct ev_loop		*loop = ev_loop_new(EVFLAG_AUTO);
	struct result		 r1 = { .loop = loop, .expect = 1, .busy = -1 };
	struct result		 r2 = { .loop = loop, .expect = 1, .busy = -1 };
	struct ping_ctx		*c1, *c2;
	struct ping_stats	 s1, s2;
	(void)state;
	NEED_NETNS();
	echo_ignore(false);
	c1 = open_ctx(loop);
	c2 = open_ctx(loop);
	assert_int_not_equal(ping_ident(c1), ping_ident(c2));
	assert_int_equal(ping_check(c1, A(127, 0, 0, 1), 1, 500, done_one,
	    &r1), 0);
	assert_int_equal(ping_check(c2, A(127, 0, 0, 1), 1, 500, done_one,
	    &r2), 0);
	run(loop, &r1, SAFETY_SECS);
	if (r2.calls == 0)
		run(loop, &r2, SAFETY_SECS);
	assert_int_equal(r1.busy, 1);
	assert_int_equal(r2.busy, 1);
	ping_get_stats(c1, &s1);
	ping_get_stats(c2, &s2);
	assert_int_equal(s1.replies, 1);
	assert_int_equal(s2.replies, 1);
	ping_close(c1);
	ping_close(c2);
	ev_loop_destroy(loop);
}

static void
bad_arguments(void **state)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	struct result	 res = { .loop = loop };
	struct ping_ctx	*ctx;
	(void)state;
	NEED_NETNS();
	ctx = open_ctx(loop);
#define BAD(addr, att, ms, cb) do {					\
	errno = 0;							\
	assert_int_equal(ping_check(ctx, addr, att, ms, cb, &res), -1);	\
	assert_int_equal(errno, EINVAL);				\
} while (0)
	BAD(A(127, 0, 0, 1), 0, 100, done_one);
	BAD(A(127, 0, 0, 1), PING_MAX_ATTEMPTS + 1, 100, done_one);
	BAD(A(127, 0, 0, 1), 1, PING_MAX_DELAY_MS + 1, done_one);
	BAD(A(127, 0, 0, 1), 1, 100, NULL);
	BAD(0, 1, 100, done_one);
	BAD(A(224, 0, 0, 1), 1, 100, done_one);
	BAD(A(255, 255, 255, 255), 1, 100, done_one);
#undef BAD
	assert_int_equal(ping_inflight(ctx), 0);
	ping_close(ctx);
	ping_close(NULL);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answered_is_in_use),
		cmocka_unit_test(silent_is_not_in_use),
		cmocka_unit_test(many_in_flight),
		cmocka_unit_test(only_matching_reply_counts),
		cmocka_unit_test(cancel_stops_callbacks),
		cmocka_unit_test(callbacks_may_reenter),
		cmocka_unit_test(contexts_are_separate),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
