/*
 * Unit tests: common/dhcp/park.c, with a fake ping module (below) so
 * that each test gives the verdicts itself, and a real libev loop for
 * the deadlines.  What is checked: a parked request comes back once,
 * with its copy of the message, where it came from and the verdict; the
 * bound, the backlog and the counters; cancelling calls nothing back
 * and cancels the checks; deadlines drop what nobody answered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ev.h>

#include "park.h"
#include "ping.h"

/* ------------------------------------------------ the fake ping module */

#define NCHECKS	16

static struct check {
	uint32_t	 addr;
	unsigned int	 attempts, delay;
	ping_done_cb	 done;
	void		*arg;
	bool		 live;		/* started, neither done nor cancelled */
} checks[NCHECKS];
static int	nchecks;
static int	fail_next;		/* ping_check refuses the next call */
static struct ping_ctx *fake_ctx = (struct ping_ctx *)&nchecks;

int
ping_check(struct ping_ctx *ctx, uint32_t addr, unsigned int attempts,
    unsigned int send_delay_ms, ping_done_cb done, void *arg)
{
	assert_ptr_equal(ctx, fake_ctx);
	if (fail_next) {
		fail_next = 0;
		return -1;
	}
	assert_true(nchecks < NCHECKS);
	checks[nchecks] = (struct check){ addr, attempts, send_delay_ms, done,
	    arg, true };
	nchecks++;
	return 0;
}

unsigned int
ping_cancel_arg(struct ping_ctx *ctx, const void *arg)
{
	unsigned int n = 0;

	assert_ptr_equal(ctx, fake_ctx);
	for (int i = 0; i < nchecks; i++)
		if (checks[i].live && checks[i].arg == arg) {
			checks[i].live = false;
			n++;
		}
	return n;
}

/* The verdict of check i, as ping.c gives it: from the loop, once. */
static void
verdict(int i, bool in_use)
{
	assert_true(checks[i].live);
	checks[i].live = false;
	checks[i].done(checks[i].arg, checks[i].addr, in_use);
}

/* ------------------------------------------------------------ helpers */

struct seen {
	int		 calls;
	struct park_origin from;
	struct engine_input in;
	uint32_t	 xid;		/* of the message handed back */
	struct park_set	*cancel_in_cb;	/* park_cancel_all from the callback */
};

static void
done_cb(void *arg, const struct park_origin *from, struct engine_input *in)
{
	struct seen *s = arg;

	s->calls++;
	s->from = *from;
	s->in = *in;
	s->xid = in->msg->xid;
	if (s->cancel_in_cb != NULL)
		park_cancel_all(s->cancel_in_cb);
}

static struct dhcp_msg msg;

static const struct dhcp_msg *
msg_xid(uint32_t xid)
{
	memset(&msg, 0, sizeof(msg));
	msg.xid = xid;
	return &msg;
}

static int sock_handle;
static const struct park_origin origin = {
	.sock = &sock_handle, .fd = 7, .ifindex = 3, .src_addr = 0x0a000001,
	.src_port = 68, .link_addr = 0xc0000201, .iface_addr = 0xc0000202,
};

static int
setup(void **state)
{
	(void)state;
	memset(checks, 0, sizeof(checks));
	nchecks = 0;
	fail_next = 0;
	return 0;
}

/* ---------------------------------------------------------------- pings */

static void
test_ping_verdicts(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_ping pc = { fake_ctx, 2, 500 };
	struct park_set ps;
	struct seen s = { 0 };

	(void)state;
	park_init(&ps, loop, 4, done_cb, &s);
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(11), 0xc0000210,
	    1), 0);
	/* The copy is the set's: the caller's buffer is reused at once. */
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(12), 0xc0000211,
	    2), 0);
	assert_int_equal(park_count(&ps), 2);
	assert_int_equal(nchecks, 2);
	assert_int_equal(checks[0].attempts, 2);
	assert_int_equal(checks[0].delay, 500);
	assert_int_equal(s.calls, 0);

	verdict(1, true);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.xid, 12);
	assert_int_equal(s.in.pinged_addr, 0xc0000211);
	assert_true(s.in.ping_in_use);
	assert_int_equal(s.in.ping_round, 2);
	assert_int_equal(s.in.link_addr, origin.link_addr);
	assert_int_equal(s.in.iface_server_addr, origin.iface_addr);
	assert_ptr_equal(s.from.sock, &sock_handle);
	assert_int_equal(s.from.fd, 7);
	assert_int_equal(s.from.ifindex, 3);
	assert_int_equal(s.from.src_port, 68);
	assert_int_equal(park_count(&ps), 1);

	verdict(0, false);
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.xid, 11);
	assert_false(s.in.ping_in_use);
	assert_int_equal(s.in.ping_round, 1);
	assert_int_equal(park_count(&ps), 0);
	assert_int_equal(ps.ctr.parked, 2);
	assert_int_equal(ps.ctr.backlog, 0);
	park_cancel_all(&ps);
	ev_loop_destroy(loop);
}

static void
test_ping_bound_and_backlog(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_ping pc = { fake_ctx, 1, 0 };
	struct park_ping none = { NULL, 1, 0 };
	struct park_set ps;
	struct seen s = { 0 };

	(void)state;
	park_init(&ps, loop, 2, done_cb, &s);
	assert_int_equal(park_ping(&ps, &none, &origin, msg_xid(1), 1, 0), -1);
	fail_next = 1;
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(2), 2, 0), -1);
	assert_int_equal(park_count(&ps), 0);
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(3), 3, 0), 0);
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(4), 4, 0), 0);
	/* Full: dropped before any check starts. */
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(5), 5, 0), -1);
	assert_int_equal(nchecks, 2);
	assert_int_equal(ps.ctr.backlog, 3);
	assert_int_equal(ps.ctr.parked, 2);
	/* A verdict makes room again. */
	verdict(0, false);
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(6), 6, 0), 0);
	assert_int_equal(park_count(&ps), 2);
	park_cancel_all(&ps);
	ev_loop_destroy(loop);
}

static void
test_cancel_all(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_ping pc = { fake_ctx, 1, 0 };
	struct park_set ps;
	struct seen s = { 0 };

	(void)state;
	park_init(&ps, loop, 8, done_cb, &s);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(i),
		    100 + i, 0), 0);
	park_cancel_all(&ps);
	assert_int_equal(park_count(&ps), 0);
	assert_int_equal(ps.ctr.cancelled, 3);
	assert_int_equal(s.calls, 0);
	for (int i = 0; i < nchecks; i++)
		assert_false(checks[i].live);
	/* The set is usable again. */
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(9), 9, 0), 0);
	verdict(nchecks - 1, false);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.xid, 9);
	ev_loop_destroy(loop);
}

/* The daemon stops serving from inside a verdict (fod_act.c does it on
 * a state change): the others are forgotten, the current one completes. */
static void
test_cancel_from_callback(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_ping pc = { fake_ctx, 1, 0 };
	struct park_set ps;
	struct seen s = { 0 };

	(void)state;
	park_init(&ps, loop, 8, done_cb, &s);
	s.cancel_in_cb = &ps;
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(1), 1, 0), 0);
	assert_int_equal(park_ping(&ps, &pc, &origin, msg_xid(2), 2, 0), 0);
	verdict(0, false);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.xid, 1);
	assert_int_equal(park_count(&ps), 0);
	assert_false(checks[1].live);
	assert_int_equal(ps.ctr.cancelled, 1);
	ev_loop_destroy(loop);
}

/* ------------------------------------------------- held until a verdict */

static void
test_hold_resume(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_set ps;
	struct seen s = { 0 };
	double	 far = ev_now(loop) + 60;

	(void)state;
	park_init(&ps, loop, 8, done_cb, &s);
	assert_int_equal(park_hold(&ps, &origin, msg_xid(1), 501, 0xc0000220,
	    far), 0);
	assert_int_equal(park_hold(&ps, &origin, msg_xid(2), 502, 0xc0000221,
	    far), 0);
	assert_int_equal(park_hold(&ps, &origin, msg_xid(3), 503, 0xc0000222,
	    far), 0);
	assert_false(park_resume(&ps, 999, true, false));

	assert_true(park_resume(&ps, 502, true, false));
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.xid, 2);
	assert_int_equal(s.in.approved_addr, 0xc0000221);
	assert_false(s.in.approval_refused);
	assert_int_equal(s.in.link_addr, origin.link_addr);
	/* Once only. */
	assert_false(park_resume(&ps, 502, true, false));

	assert_true(park_resume(&ps, 501, false, true));
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.xid, 1);
	assert_true(s.in.approval_refused);

	/* Nobody could decide: dropped without a call. */
	assert_true(park_resume(&ps, 503, false, false));
	assert_int_equal(s.calls, 2);
	assert_int_equal(park_count(&ps), 0);
	assert_false(ev_is_active(&ps.deadline_w));
	ev_loop_destroy(loop);
}

static void
test_hold_bound(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_set ps;
	struct seen s = { 0 };
	double	 far = ev_now(loop) + 60;

	(void)state;
	park_init(&ps, loop, 1, done_cb, &s);
	assert_true(park_room(&ps));
	assert_int_equal(park_hold(&ps, &origin, msg_xid(1), 1, 1, far), 0);
	assert_false(park_room(&ps));
	assert_int_equal(park_hold(&ps, &origin, msg_xid(2), 2, 2, far), -1);
	assert_int_equal(ps.ctr.backlog, 2);
	park_cancel_all(&ps);
	assert_false(ev_is_active(&ps.deadline_w));
	assert_true(park_room(&ps));
	ev_loop_destroy(loop);
}

/* The loop runs until no watcher is left: the deadline timer's end. */
static void
test_deadlines(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct park_set ps;
	struct seen s = { 0 };
	double	 now = ev_now(loop);

	(void)state;
	park_init(&ps, loop, 8, done_cb, &s);
	assert_int_equal(park_hold(&ps, &origin, msg_xid(1), 1, 1,
	    now + 0.01), 0);
	assert_int_equal(park_hold(&ps, &origin, msg_xid(2), 2, 2,
	    now + 0.05), 0);
	assert_true(ev_is_active(&ps.deadline_w));
	/* The first expires; the timer then runs for the second. */
	ev_run(loop, EVRUN_ONCE);
	assert_int_equal(ps.ctr.expired, 1);
	assert_int_equal(park_count(&ps), 1);
	assert_false(park_resume(&ps, 1, true, false));
	assert_true(ev_is_active(&ps.deadline_w));
	ev_run(loop, 0);
	assert_true(ev_now(loop) >= now + 0.05);
	assert_int_equal(ps.ctr.expired, 2);
	assert_int_equal(park_count(&ps), 0);
	assert_int_equal(s.calls, 0);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ping_verdicts, setup),
		cmocka_unit_test_setup(test_ping_bound_and_backlog, setup),
		cmocka_unit_test_setup(test_cancel_all, setup),
		cmocka_unit_test_setup(test_cancel_from_callback, setup),
		cmocka_unit_test_setup(test_hold_resume, setup),
		cmocka_unit_test_setup(test_hold_bound, setup),
		cmocka_unit_test_setup(test_deadlines, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
