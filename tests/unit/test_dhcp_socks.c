/*
 * Unit tests: common/net/dhcp_socks.c.  The interface table is read
 * again for a packet from an interface it does not know, but at most
 * once a second, however many such packets come (a netlink dump of
 * every address each time was a cost any sender could impose).  Binds
 * 127.0.0.1 on a high port only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <net/if.h>

#include <ev.h>

#include "dhcp_socks.h"

#define LOOPBACK	0x7f000001u
#define PORT		16767

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

static void
unknown_interface_rereads_at_most_once_a_second(void **state)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	struct dhcp_socks s;
	char		 err[256];
	unsigned int	 lo = if_nametoindex("lo");
	(void)state;

	assert_non_null(loop);
	assert_int_equal(dhcp_socks_open(&s, loop, LOOPBACK, PORT, NULL, 0,
	    read_cb, NULL, err, sizeof(err)), 0);
	/* A known interface: its address, nothing read. */
	assert_int_equal(dhcp_socks_iface_addr(&s, lo), LOOPBACK);
	/* Unknown, right after the open: the table is fresh. */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(dhcp_socks_iface_addr(&s, 999999), 0);
	assert_int_equal(s.reloads, 0);
	/* A second later: read once, and not again for the next 1000. */
	s.loaded_at -= DHCP_SOCKS_RELOAD_SECS;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(dhcp_socks_iface_addr(&s, 999999), 0);
	assert_int_equal(s.reloads, 1);
	assert_int_equal(dhcp_socks_iface_addr(&s, lo), LOOPBACK);
	dhcp_socks_close(&s, loop);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_interface_rereads_at_most_once_a_second),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
