/*
 * Unit tests: the engine on real networks (docs/options.md) -- shared
 * networks (several subnets on one link), link selection by option 82
 * sub-option 5 and option 118, client classes restricting ranges and
 * choosing boot files, all through engine_handle().
 *
 * Subnets:
 *   a  198.51.100.0/25    range .10-.11, SharedNetwork v1
 *   b  198.51.100.128/25  range .130-.139, SharedNetwork v1
 *   c  203.0.113.0/24     range .10-.20, alone; class pxe owns .18-.20
 * Relays: 198.51.100.1 (in a), 203.0.113.1 (in c), 192.0.2.1 (in no
 * subnet: it must name the link some other way).
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
#define SERVER		IP(192, 0, 2, 10)
#define RELAY_A		IP(198, 51, 100, 1)
#define RELAY_C		IP(203, 0, 113, 1)
#define RELAY_X		IP(192, 0, 2, 1)
#define T0		1700000000

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnets[3];
	struct cfg_class classes[1];
	struct pool_set	*set;
	struct engine	 eng;
	struct dhcp_msg	*req;
	struct engine_result *res;
	struct engine_input in;
};

static void
subnet(struct cfg_subnet *sn, const char *name, uint32_t net, uint8_t prefix,
    uint32_t lo, uint32_t hi, const char *shared)
{
	et_subnet(sn, name, net, prefix);
	snprintf(sn->shared_network, sizeof(sn->shared_network), "%s", shared);
	sn->ranges[0].lo = lo;
	sn->ranges[0].hi = hi;
	sn->nranges = 1;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	static struct cfg_optset s;
	struct cfg_class *c;

	assert_non_null(f);
	et_server(&f->cfg.server, SERVER);
	subnet(&f->subnets[0], "a", IP(198, 51, 100, 0), 25,
	    IP(198, 51, 100, 10), IP(198, 51, 100, 11), "v1");
	subnet(&f->subnets[1], "b", IP(198, 51, 100, 128), 25,
	    IP(198, 51, 100, 130), IP(198, 51, 100, 139), "v1");
	subnet(&f->subnets[2], "c", IP(203, 0, 113, 0), 24,
	    IP(203, 0, 113, 10), IP(203, 0, 113, 20), "");
	c = &f->classes[0];
	snprintf(c->name, sizeof(c->name), "pxe");
	c->vendor_class.set = true;
	c->vendor_class.len = 4;
	memcpy(c->vendor_class.bytes, "PXE*", 5);
	c->ranges[0].lo = IP(203, 0, 113, 18);
	c->ranges[0].hi = IP(203, 0, 113, 20);
	c->nranges = 1;
	memset(&s, 0, sizeof(s));
	snprintf(s.boot_file, sizeof(s.boot_file), "ipxe.efi");
	s.has_next_server = true;
	s.next_server = IP(203, 0, 113, 5);
	c->opts = cfg_optset_store(&f->cfg, &s);
	assert_int_not_equal(c->opts, UINT32_MAX);
	f->cfg.subnets = f->subnets;
	f->cfg.nsubnets = 3;
	f->cfg.classes = f->classes;
	f->cfg.nclasses = 1;
	assert_int_equal(pool_set_new(&f->cfg, 99, &f->set), POOL_OK);
	assert_int_equal(engine_init(&f->eng, &f->cfg, f->set), 0);
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

	pool_set_free(f->set);
	free(f->cfg.optsets);
	free(f->req);
	free(f->res);
	free(f);
	return 0;
}

/* A relayed request from client id through giaddr. */
static struct dhcp_msg *
mkreq(struct fixture *f, uint8_t type, uint8_t id, uint32_t giaddr)
{
	struct dhcp_msg	*m = et_request(f->req, &f->in, type, id, 0x2000u, T0);

	m->giaddr = giaddr;
	m->hops = giaddr != 0;
	f->in.link_addr = giaddr;
	return m;
}

static void
run(struct fixture *f)
{
	engine_handle(&f->eng, &f->in, f->res);
}

static uint32_t
offer(struct fixture *f, uint8_t id, uint32_t giaddr)
{
	mkreq(f, DHCPDISCOVER, id, giaddr);
	run(f);
	if (f->res->action != ENGINE_REPLY)
		return 0;
	assert_int_equal(f->res->reply.msg_type, DHCPOFFER);
	return f->res->reply.yiaddr;
}

static uint8_t
request(struct fixture *f, uint8_t id, uint32_t giaddr, uint32_t addr,
    bool selecting)
{
	mkreq(f, DHCPREQUEST, id, giaddr);
	if (selecting)
		assert_true(dhcp_opt_set_u32(f->req, DHO_SERVER_ID, SERVER));
	assert_true(dhcp_opt_set_u32(f->req, DHO_REQUESTED_ADDRESS, addr));
	run(f);
	return f->res->action == ENGINE_REPLY ? f->res->reply.msg_type : 0;
}

static uint32_t
dora(struct fixture *f, uint8_t id, uint32_t giaddr)
{
	uint32_t	 a = offer(f, id, giaddr);

	assert_int_not_equal(a, 0);
	assert_int_equal(request(f, id, giaddr, a, true), DHCPACK);
	return a;
}

/* a holds two addresses; the third client moves on to b, same link. */
static void
shared_network_moves_on(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(dora(f, 1, RELAY_A), IP(198, 51, 100, 10));
	assert_int_equal(dora(f, 2, RELAY_A), IP(198, 51, 100, 11));
	assert_int_equal(dora(f, 3, RELAY_A), IP(198, 51, 100, 130));
	assert_string_equal(pool_subnet(f->res->pool)->name, "b");
	/* b's address is on a's link: INIT-REBOOT through a's relay. */
	assert_int_equal(request(f, 3, RELAY_A, IP(198, 51, 100, 130), false),
	    DHCPACK);
	/* c's is not: authoritative NAK. */
	assert_int_equal(request(f, 4, RELAY_A, IP(203, 0, 113, 10), false),
	    DHCPNAK);
	/* A lone subnet does not move on: c's relay, c only. */
	for (uint8_t id = 10; id < 18; id++)
		assert_int_not_equal(dora(f, id, RELAY_C), 0);
	assert_int_equal(offer(f, 18, RELAY_C), 0);
	assert_int_equal(f->res->drop, ENGINE_DROP_NO_FREE_ADDRESS);
}

/* A client with a lease in b gets it back though a has room again. */
static void
shared_network_client_stays(void **state)
{
	struct fixture	*f = *state;
	struct lease	 out;

	dora(f, 1, RELAY_A);
	dora(f, 2, RELAY_A);
	assert_int_equal(dora(f, 3, RELAY_A), IP(198, 51, 100, 130));
	assert_int_equal(pool_release(pool_set_find(f->set,
	    IP(198, 51, 100, 10)), &(struct pool_client){ 0 },
	    IP(198, 51, 100, 10), T0, &out), POOL_ERR_NOTOWNER);
	mkreq(f, DHCPRELEASE, 1, RELAY_A);
	f->req->ciaddr = IP(198, 51, 100, 10);
	assert_true(dhcp_opt_set_u32(f->req, DHO_SERVER_ID, SERVER));
	run(f);
	assert_int_equal(f->res->action, ENGINE_NONE);
	assert_int_equal(offer(f, 3, RELAY_A), IP(198, 51, 100, 130));
	/* And one asking for b's .135 by option 50 gets it. */
	mkreq(f, DHCPDISCOVER, 7, RELAY_A);
	assert_true(dhcp_opt_set_u32(f->req, DHO_REQUESTED_ADDRESS,
	    IP(198, 51, 100, 135)));
	run(f);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 135));
}

/* RFC 3527: a relay outside every subnet names the link in 82.5. */
static void
link_selection_suboption(void **state)
{
	static const uint8_t rai[] = { 1, 3, 'p', '1', '0',
	    5, 4, 203, 0, 113, 0 };
	struct fixture	*f = *state;
	uint32_t	 a;

	assert_int_equal(offer(f, 1, RELAY_X), 0);
	assert_int_equal(f->res->drop, ENGINE_DROP_NO_SUBNET);
	mkreq(f, DHCPDISCOVER, 1, RELAY_X);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, rai,
	    sizeof(rai)));
	run(f);
	assert_int_equal(f->res->action, ENGINE_REPLY);
	a = f->res->reply.yiaddr;
	assert_true(a >= IP(203, 0, 113, 10) && a <= IP(203, 0, 113, 17));
	/* The reply still goes to the relay that sent it. */
	assert_int_equal(f->res->dest, ENGINE_DEST_RELAY);
	assert_int_equal(f->res->dst_addr, RELAY_X);
	/* A malformed 82 names nothing. */
	mkreq(f, DHCPDISCOVER, 2, RELAY_X);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, rai,
	    sizeof(rai) - 1));
	run(f);
	assert_int_equal(f->res->drop, ENGINE_DROP_NO_SUBNET);
	/* Not relayed: a client's own 82.5 is not trusted. */
	mkreq(f, DHCPDISCOVER, 3, 0);
	f->in.link_addr = IP(198, 51, 100, 1);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, rai,
	    sizeof(rai)));
	run(f);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 10));
}

/* RFC 3011: option 118 names the subnet, and is returned. */
static void
subnet_selection_option(void **state)
{
	struct fixture	*f = *state;
	const uint8_t	*v;
	size_t		 len;

	mkreq(f, DHCPDISCOVER, 1, RELAY_X);
	assert_true(dhcp_opt_set_u32(f->req, DHO_SUBNET_SELECTION,
	    IP(198, 51, 100, 129)));
	run(f);
	assert_int_equal(f->res->action, ENGINE_REPLY);
	/* b, which shares a's link: b's own address first. */
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 130));
	v = dhcp_opt_get(&f->res->reply, DHO_SUBNET_SELECTION, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "\xc6\x33\x64\x81", 4);
}

/* Class pxe: its range only for members, members only there, and its
 * boot file and next server. */
static void
class_range_and_boot(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a;

	for (uint8_t id = 1; id <= 3; id++) {
		mkreq(f, DHCPDISCOVER, id, RELAY_C);
		assert_true(dhcp_opt_set(f->req, DHO_VENDOR_CLASS,
		    "PXEClient:Arch:00007", 20));
		run(f);
		a = f->res->reply.yiaddr;
		assert_int_equal(a, IP(203, 0, 113, 17 + id));
		assert_string_equal((const char *)f->res->reply.file,
		    "ipxe.efi");
		assert_int_equal(f->res->reply.siaddr, IP(203, 0, 113, 5));
		assert_true(dhcp_opt_set(f->req, DHO_SERVER_ID, "\xc0\x00\x02"
		    "\x0a", 4));
		assert_true(dhcp_opt_set_u8(f->req, DHO_MESSAGE_TYPE,
		    DHCPREQUEST));
		assert_true(dhcp_opt_set_u32(f->req, DHO_REQUESTED_ADDRESS, a));
		run(f);
		assert_int_equal(f->res->reply.msg_type, DHCPACK);
	}
	/* The class range is used up: a member gets nothing else. */
	mkreq(f, DHCPDISCOVER, 4, RELAY_C);
	assert_true(dhcp_opt_set(f->req, DHO_VENDOR_CLASS, "PXE", 3));
	run(f);
	assert_int_equal(f->res->drop, ENGINE_DROP_NO_FREE_ADDRESS);
	/* A plain client: the open range, no boot file; never .18-.20. */
	for (uint8_t id = 10; id < 18; id++) {
		a = offer(f, id, RELAY_C);
		assert_true(a >= IP(203, 0, 113, 10) &&
		    a <= IP(203, 0, 113, 17));
		assert_int_equal(f->res->reply.file[0], 0);
		assert_int_equal(f->res->reply.siaddr, 0);
		assert_int_equal(request(f, id, RELAY_C, a, true), DHCPACK);
	}
	assert_int_equal(offer(f, 20, RELAY_C), 0);
	/* Nor by asking for one: INIT-REBOOT for .19 is refused. */
	assert_int_equal(request(f, 21, RELAY_C, IP(203, 0, 113, 19), false),
	    DHCPNAK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shared_network_moves_on, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(shared_network_client_stays,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(link_selection_suboption, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(subnet_selection_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(class_range_and_boot, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
