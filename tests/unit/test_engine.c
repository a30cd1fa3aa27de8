/*
 * Unit tests: common/dhcp/engine.c (RFC 2131 4.3 server logic) over real pools
 * and the real codec, with a fake clock and a hand-built configuration.
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
#define LAN1_IFACE	IP(198, 51, 100, 250)	/* our address on lan1 */
#define LAN2_RELAY	IP(203, 0, 113, 1)

struct fixture {
	struct config	 cfg;
	struct cfg_subnet subnets[2];
	struct cfg_host	 hosts[2];
	struct pool_set	*set;
	struct engine	 eng;
	struct dhcp_msg	*req;		/* big: on the heap */
	struct engine_result *res;
	struct engine_input in;
};

/*
 * lan1 198.51.100.0/24 (directly attached, we are .250 there): range
 *   .100-.109, .104 excluded, router .1, DNS .2 .3, NTP .4,
 *   example.test; host printer (hw 02:00:00:00:00:07) at .7 named
 *   printer7, host laptop (client id "laptop") at .105.
 * lan2 203.0.113.0/24 behind a relay at .1: range .10-.12.
 */
static void
put_addrs(struct cfg_optset *s, unsigned code, const uint32_t *a, size_t n)
{
	if (n > 0)
		assert_true(cfg_optset_add_addrs(s, code, a, n));
}

/*
 * The option sets the loader makes of the old keys (cfg_subnet_optset,
 * cfg_host_optset): the engine reads options only from sets.
 */
static void
legacy_opts(struct config *cfg)
{
	static struct cfg_optset s;

	for (size_t i = 0; i < cfg->nsubnets; i++) {
		struct cfg_subnet *sn = &cfg->subnets[i];

		memset(&s, 0, sizeof(s));
		put_addrs(&s, DHO_ROUTERS, sn->routers, sn->nrouters);
		put_addrs(&s, DHO_DNS_SERVERS, sn->dns, sn->ndns);
		put_addrs(&s, DHO_NTP_SERVERS, sn->ntp, sn->nntp);
		if (sn->domain_name[0] != '\0')
			assert_true(cfg_optset_add(&s, OPT_SPACE_DHCP4,
			    DHO_DOMAIN_NAME, (const uint8_t *)sn->domain_name,
			    strlen(sn->domain_name)));
		sn->opts = cfg_optset_store(cfg, &s);
		assert_int_not_equal(sn->opts, UINT32_MAX);
	}
	for (size_t i = 0; i < cfg->nhosts; i++) {
		struct cfg_host *h = &cfg->hosts[i];

		memset(&s, 0, sizeof(s));
		if (h->hostname[0] != '\0')
			assert_true(cfg_optset_add(&s, OPT_SPACE_DHCP4,
			    DHO_HOST_NAME, (const uint8_t *)h->hostname,
			    strlen(h->hostname)));
		h->opts = cfg_optset_store(cfg, &s);
		assert_int_not_equal(h->opts, UINT32_MAX);
	}
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct cfg_subnet *sn;

	assert_non_null(f);
	et_server(&f->cfg.server, SERVER);

	sn = &f->subnets[0];
	et_subnet(sn, "lan1", IP(198, 51, 100, 0), 24);
	sn->ranges[0].lo = IP(198, 51, 100, 100);
	sn->ranges[0].hi = IP(198, 51, 100, 109);
	sn->nranges = 1;
	sn->excludes[sn->nexcludes++] = IP(198, 51, 100, 104);
	sn->routers[sn->nrouters++] = IP(198, 51, 100, 1);
	sn->dns[sn->ndns++] = IP(198, 51, 100, 2);
	sn->dns[sn->ndns++] = IP(198, 51, 100, 3);
	sn->ntp[sn->nntp++] = IP(198, 51, 100, 4);
	snprintf(sn->domain_name, sizeof(sn->domain_name), "example.test");

	sn = &f->subnets[1];
	et_subnet(sn, "lan2", IP(203, 0, 113, 0), 24);
	sn->ranges[0].lo = IP(203, 0, 113, 10);
	sn->ranges[0].hi = IP(203, 0, 113, 12);
	sn->nranges = 1;
	sn->routers[sn->nrouters++] = LAN2_RELAY;

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
	legacy_opts(&f->cfg);
	assert_int_equal(pool_set_new(&f->cfg, 1234, &f->set), POOL_OK);
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

/*
 * Building requests.
 */

/* A request from client `id` (chaddr 02:00:00:00:00:id) on lan1. */
static struct dhcp_msg *
mkreq(struct fixture *f, uint8_t type, uint8_t id)
{
	struct dhcp_msg	*m = et_request(f->req, &f->in, type, id, 0x1000u, T0);

	f->in.link_addr = LAN1_IFACE;
	f->in.iface_server_addr = LAN1_IFACE;
	return m;
}

static void
relayed(struct fixture *f, uint32_t giaddr)
{
	f->req->giaddr = giaddr;
	f->req->hops = 1;
	f->in.link_addr = giaddr;
	f->in.iface_server_addr = 0;
}

static void
set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v)
{
	assert_true(dhcp_opt_set_u32(m, code, v));
}

static void
run(struct fixture *f)
{
	engine_handle(&f->eng, &f->in, f->res);
}

static void
expect_reply(struct fixture *f, uint8_t type)
{
	assert_int_equal(f->res->action, ENGINE_REPLY);
	assert_int_equal(f->res->reply.op, BOOTREPLY);
	assert_int_equal(f->res->reply.msg_type, type);
	assert_int_equal(f->res->reply.xid, f->req->xid);
	assert_memory_equal(f->res->reply.chaddr, f->req->chaddr,
	    DHCP_CHADDR_LEN);
}

static void
expect_drop(struct fixture *f, enum engine_drop why)
{
	assert_int_equal(f->res->action, ENGINE_DROP);
	assert_int_equal(f->res->drop, why);
	assert_string_equal(f->res->drop_name, engine_drop_name(why));
}

/* Encode the reply and return the option codes in wire order. */
static size_t
wire_options(struct fixture *f, uint8_t *codes, size_t max)
{
	uint8_t		 buf[DHCP_PKT_MAX];
	size_t		 len, pos, n = 0;
	struct dhcp_msg	*back;

	assert_int_equal(dhcp_msg_encode(&f->res->reply, f->res->prl,
	    f->res->prl_len, f->res->max_len, buf, sizeof(buf), &len, NULL),
	    DHCP_OK);
	assert_true(len <= f->res->max_len);
	/* And it decodes back. */
	back = calloc(1, sizeof(*back));
	assert_non_null(back);
	assert_int_equal(dhcp_msg_decode(buf, len, back), DHCP_OK);
	assert_int_equal(back->msg_type, f->res->reply.msg_type);
	assert_int_equal(back->yiaddr, f->res->reply.yiaddr);
	free(back);

	pos = DHCP_FIXED_LEN + DHCP_COOKIE_LEN;
	while (pos < len && buf[pos] != DHO_END) {
		if (buf[pos] == DHO_PAD) {
			pos++;
			continue;
		}
		if (n < max)
			codes[n++] = buf[pos];
		pos += 2 + (size_t)buf[pos + 1];
	}
	return n;
}

/* DISCOVER + REQUEST for client id on lan1; returns the address. */
static uint32_t
dora(struct fixture *f, uint8_t id)
{
	uint32_t	 a;

	mkreq(f, DHCPDISCOVER, id);
	run(f);
	expect_reply(f, DHCPOFFER);
	a = f->res->reply.yiaddr;
	mkreq(f, DHCPREQUEST, id);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->reply.yiaddr, a);
	return a;
}

/*
 * Tests.
 */
static void
full_dora(void **state)
{
	static const uint8_t prl[] = { DHO_DOMAIN_NAME, DHO_ROUTERS,
	    DHO_SUBNET_MASK, DHO_DNS_SERVERS, DHO_BROADCAST_ADDRESS };
	struct fixture	*f = *state;
	struct dhcp_msg	*m, *rp = &f->res->reply;
	const uint8_t	*v;
	uint8_t		 codes[64];
	size_t		 len, n;

	m = mkreq(f, DHCPDISCOVER, 1);
	assert_true(dhcp_opt_set(m, DHO_PARAM_REQUEST_LIST, prl, sizeof(prl)));
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, "pc one\x01", 7));
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(rp->yiaddr, IP(198, 51, 100, 100));
	assert_int_equal(rp->ciaddr, 0);
	assert_int_equal(rp->giaddr, 0);
	/* ServerAddress is off this link: our lan1 address identifies us. */
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), LAN1_IFACE);
	assert_int_equal(et_opt_u32(rp, DHO_LEASE_TIME), 3600);
	assert_int_equal(et_opt_u32(rp, DHO_RENEWAL_TIME), 1800);
	assert_int_equal(et_opt_u32(rp, DHO_REBINDING_TIME), 3150);
	assert_int_equal(et_opt_u32(rp, DHO_SUBNET_MASK), 0xffffff00u);
	assert_int_equal(et_opt_u32(rp, DHO_ROUTERS), IP(198, 51, 100, 1));
	v = dhcp_opt_get(rp, DHO_DNS_SERVERS, &len);
	assert_non_null(v);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "\xc6\x33\x64\x02\xc6\x33\x64\x03", 8);
	v = dhcp_opt_get(rp, DHO_DOMAIN_NAME, &len);
	assert_non_null(v);
	assert_int_equal(len, 12);
	assert_memory_equal(v, "example.test", 12);
	assert_int_equal(et_opt_u32(rp, DHO_BROADCAST_ADDRESS),
	    IP(198, 51, 100, 255));
	assert_false(dhcp_opt_has(rp, DHO_NTP_SERVERS));	/* not asked */
	assert_false(dhcp_opt_has(rp, DHO_HOST_NAME));
	assert_false(dhcp_opt_has(rp, DHO_RELAY_AGENT_INFO));
	/* Reply goes out by order of the client's list. */
	assert_ptr_equal(f->res->prl, dhcp_opt_get(m, DHO_PARAM_REQUEST_LIST,
	    NULL));
	assert_int_equal(f->res->prl_len, sizeof(prl));
	assert_int_equal(f->res->max_len, 576 - 28);
	n = wire_options(f, codes, sizeof(codes));
	assert_true(n >= 10);
	assert_int_equal(codes[0], DHO_MESSAGE_TYPE);
	assert_int_equal(codes[1], DHO_SERVER_ID);
	assert_memory_equal(codes + 2, prl, sizeof(prl));
	/* No address yet, no broadcast bit: link-layer unicast. */
	assert_int_equal(f->res->dest, ENGINE_DEST_CHADDR);
	assert_int_equal(f->res->dst_addr, IP(198, 51, 100, 100));
	assert_int_equal(f->res->dst_port, 68);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].state, LEASE_OFFERED);
	assert_int_equal(f->res->changes[0].ends, T0 + 10);
	assert_string_equal(f->res->changes[0].hostname, "pc_one_");
	assert_false(f->res->needs_commit);
	assert_ptr_equal(f->res->pool, pool_set_get(f->set, 0));

	m = mkreq(f, DHCPREQUEST, 1);
	f->in.now = T0 + 1;
	assert_true(dhcp_opt_set(m, DHO_PARAM_REQUEST_LIST, prl, sizeof(prl)));
	set_u32(m, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(m, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 100));
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(rp->yiaddr, IP(198, 51, 100, 100));
	assert_int_equal(et_opt_u32(rp, DHO_LEASE_TIME), 3600);
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), LAN1_IFACE);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].state, LEASE_BOUND);
	assert_int_equal(f->res->changes[0].ends, T0 + 1 + 3600);
	assert_int_equal(f->res->dest, ENGINE_DEST_CHADDR);
	n = wire_options(f, codes, sizeof(codes));
	assert_memory_equal(codes + 2, prl, sizeof(prl));

	assert_int_equal(f->eng.ctr.rx[DHCPDISCOVER], 1);
	assert_int_equal(f->eng.ctr.rx[DHCPREQUEST], 1);
	assert_int_equal(f->eng.ctr.tx[DHCPOFFER], 1);
	assert_int_equal(f->eng.ctr.tx[DHCPACK], 1);

	/* A bound client that DISCOVERs again is offered its binding,
	 * which stays as it is: no lease change to write. */
	m = mkreq(f, DHCPDISCOVER, 1);
	f->in.now = T0 + 2;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(rp->yiaddr, IP(198, 51, 100, 100));
	assert_int_equal(f->res->nchanges, 0);
	assert_int_equal(pool_lease_at(pool_set_get(f->set, 0),
	    IP(198, 51, 100, 100))->ends, T0 + 1 + 3600);
}

static void
no_prl_gets_everything(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;

	mkreq(f, DHCPDISCOVER, 7);	/* the printer: a reservation */
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(rp->yiaddr, IP(198, 51, 100, 7));
	assert_true(dhcp_opt_has(rp, DHO_DNS_SERVERS));
	assert_true(dhcp_opt_has(rp, DHO_DOMAIN_NAME));
	assert_true(dhcp_opt_has(rp, DHO_BROADCAST_ADDRESS));
	assert_true(dhcp_opt_has(rp, DHO_NTP_SERVERS));
	assert_true(dhcp_opt_has(rp, DHO_HOST_NAME));
	assert_null(f->res->prl);
}

static void
max_len_from_option57(void **state)
{
	static const struct {
		int		 opt57;		/* -1: absent */
		size_t		 max_len;
	} cases[] = {
		{ -1, 548 }, { 300, 548 }, { 576, 548 }, { 1500, 1472 },
		{ 4124, 4096 }, { 9000, 4096 },
	};
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkreq(f, DHCPINFORM, 1);
		f->req->ciaddr = IP(198, 51, 100, 150);
		if (cases[i].opt57 >= 0)
			assert_true(dhcp_opt_set_u16(f->req,
			    DHO_MAX_MESSAGE_SIZE, (uint16_t)cases[i].opt57));
		run(f);
		assert_int_equal(f->res->action, ENGINE_REPLY);
		assert_int_equal(f->res->max_len, cases[i].max_len);
	}
}

static void
init_reboot_wrong_subnet_nak(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	const uint8_t	*v;
	size_t		 len;

	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(203, 0, 113, 10));
	run(f);
	expect_reply(f, DHCPNAK);
	assert_int_equal(rp->yiaddr, 0);
	assert_int_equal(rp->ciaddr, 0);
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), LAN1_IFACE);
	v = dhcp_opt_get(rp, DHO_MESSAGE, &len);
	assert_non_null(v);
	assert_true(len > 0);
	assert_false(dhcp_opt_has(rp, DHO_LEASE_TIME));
	assert_false(dhcp_opt_has(rp, DHO_SUBNET_MASK));
	assert_int_equal(f->res->dest, ENGINE_DEST_BROADCAST);
	assert_int_equal(f->res->dst_addr, 0xffffffffu);
	assert_int_equal(f->res->dst_port, 68);
	assert_int_equal(f->res->nchanges, 0);
	assert_int_equal(f->eng.ctr.tx[DHCPNAK], 1);

	/* Not authoritative: silent. */
	f->cfg.server.authoritative = false;
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(203, 0, 113, 10));
	run(f);
	expect_drop(f, ENGINE_DROP_WRONG_SUBNET);
}

/* INIT-REBOOT for an address on the right subnet: a table of cases. */
static void
init_reboot_cases(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a1, a2;

	a1 = dora(f, 1);		/* .100 */
	a2 = dora(f, 2);		/* .101 */

	/* Own binding: ACK. */
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a1);
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->reply.yiaddr, a1);
	assert_true(f->res->needs_commit);

	/* Someone else's: NAK. */
	mkreq(f, DHCPREQUEST, 3);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a2);
	run(f);
	expect_reply(f, DHCPNAK);

	/* Unknown client, free address in the pool: fresh binding. */
	mkreq(f, DHCPREQUEST, 3);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 108));
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->changes[0].state, LEASE_BOUND);

	/* Bound elsewhere: NAK so it comes back to its binding. */
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 107));
	run(f);
	expect_reply(f, DHCPNAK);

	/* The printer asks for a dynamic address: its reservation wins. */
	mkreq(f, DHCPREQUEST, 7);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 106));
	run(f);
	expect_reply(f, DHCPNAK);

	/* Excluded: NAK.  Outside the ranges: silent. */
	mkreq(f, DHCPREQUEST, 4);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 104));
	run(f);
	expect_reply(f, DHCPNAK);
	mkreq(f, DHCPREQUEST, 4);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 50));
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_IN_POOL);
}

static void
request_for_other_server(void **state)
{
	struct fixture	*f = *state;
	struct pool	*p = pool_set_get(f->set, 0);
	struct pool_stats st;
	uint32_t	 a;

	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	expect_reply(f, DHCPOFFER);
	a = f->res->reply.yiaddr;
	pool_stats(p, &st);
	assert_int_equal(st.offered, 1);

	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_SERVER_ID, IP(192, 0, 2, 99));
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 33));
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_FOR_US);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].addr, a);
	assert_int_equal(f->res->changes[0].state, LEASE_FREE);
	assert_false(f->res->needs_commit);
	pool_stats(p, &st);
	assert_int_equal(st.offered, 0);
	assert_int_equal(pool_lease_at(p, a)->state, LEASE_FREE);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_NOT_FOR_US], 1);

	/* Our ServerAddress counts as ours too. */
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_SERVER_ID, SERVER);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_reply(f, DHCPACK);
}

static void
selecting_wrong_address_nak(void **state)
{
	struct fixture	*f = *state;

	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 109));
	run(f);
	expect_reply(f, DHCPNAK);

	/* SELECTING without option 50 is malformed. */
	mkreq(f, DHCPREQUEST, 1);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	run(f);
	expect_drop(f, ENGINE_DROP_BAD_REQUEST);
}

static void
renewing_extends(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	uint32_t	 a = dora(f, 1);

	/* Unicast renewal arriving on another interface: ciaddr decides. */
	mkreq(f, DHCPREQUEST, 1);
	f->req->ciaddr = a;
	f->in.link_addr = SERVER;
	f->in.iface_server_addr = SERVER;
	f->in.now = T0 + 1800;
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(rp->yiaddr, a);
	assert_int_equal(rp->ciaddr, a);
	assert_int_equal(f->res->changes[0].ends, T0 + 1800 + 3600);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->dest, ENGINE_DEST_CIADDR);
	assert_int_equal(f->res->dst_addr, a);
	assert_int_equal(f->res->dst_port, 68);
	assert_ptr_equal(f->res->pool, pool_set_get(f->set, 0));
}

/* A routed unicast renewal (no giaddr) arrives on an interface whose
 * address is not on the client's subnet: the reply names ServerAddress,
 * not that interface's address. */
static void
routed_renewal_names_server_address(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	uint32_t	 a = dora(f, 1);

	mkreq(f, DHCPREQUEST, 1);
	f->req->ciaddr = a;
	f->in.link_addr = IP(192, 0, 2, 99);
	f->in.iface_server_addr = IP(192, 0, 2, 99);
	f->in.now = T0 + 1800;
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(rp->yiaddr, a);
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), SERVER);
	/* Directly attached, the interface's address still names us. */
	mkreq(f, DHCPREQUEST, 1);
	f->req->ciaddr = a;
	f->in.now = T0 + 1900;
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), LAN1_IFACE);
}

static void
renew_cases(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = dora(f, 1);

	/* Bound to someone else: NAK, unicast to ciaddr. */
	mkreq(f, DHCPREQUEST, 2);
	f->req->ciaddr = a;
	run(f);
	expect_reply(f, DHCPNAK);
	assert_int_equal(f->res->dest, ENGINE_DEST_CIADDR);
	assert_int_equal(f->res->reply.yiaddr, 0);

	/* Relayed (REBINDING through a relay): NAK with broadcast bit. */
	mkreq(f, DHCPREQUEST, 2);
	f->req->ciaddr = a;
	relayed(f, IP(198, 51, 100, 1));
	run(f);
	expect_reply(f, DHCPNAK);
	assert_int_equal(f->res->dest, ENGINE_DEST_RELAY);
	assert_int_equal(f->res->dst_addr, IP(198, 51, 100, 1));
	assert_int_equal(f->res->dst_port, 67);
	assert_true(f->res->reply.flags & DHCP_BROADCAST_FLAG);

	/* Unknown to us and free (e.g. lost store, failover): ACK. */
	mkreq(f, DHCPREQUEST, 3);
	f->req->ciaddr = IP(198, 51, 100, 106);
	run(f);
	expect_reply(f, DHCPACK);

	/* Not one of our subnets, or outside our ranges: silent. */
	mkreq(f, DHCPREQUEST, 3);
	f->req->ciaddr = IP(192, 0, 2, 77);
	run(f);
	expect_drop(f, ENGINE_DROP_WRONG_SUBNET);
	mkreq(f, DHCPREQUEST, 3);
	f->req->ciaddr = IP(198, 51, 100, 50);
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_IN_POOL);

	/* Neither ciaddr, 50 nor 54. */
	mkreq(f, DHCPREQUEST, 3);
	run(f);
	expect_drop(f, ENGINE_DROP_BAD_REQUEST);
}

static void
decline_quarantines(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = dora(f, 1);

	mkreq(f, DHCPDECLINE, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_drop(f, ENGINE_DROP_BAD_REQUEST);	/* no 54 */

	mkreq(f, DHCPDECLINE, 1);
	set_u32(f->req, DHO_SERVER_ID, IP(192, 0, 2, 99));
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_FOR_US);

	mkreq(f, DHCPDECLINE, 2);	/* not its lease */
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_drop(f, ENGINE_DROP_UNKNOWN_LEASE);

	mkreq(f, DHCPDECLINE, 1);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	assert_int_equal(f->res->action, ENGINE_NONE);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].state, LEASE_DECLINED);
	assert_int_equal(f->res->changes[0].ends, T0 + 3600);

	/* Its next DISCOVER gets another address. */
	mkreq(f, DHCPDISCOVER, 1);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_not_equal(f->res->reply.yiaddr, a);
}

static void
release_frees(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a = dora(f, 1);

	mkreq(f, DHCPRELEASE, 1);
	f->req->ciaddr = a;
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	f->in.now = T0 + 100;
	run(f);
	assert_int_equal(f->res->action, ENGINE_NONE);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->changes[0].state, LEASE_RELEASED);
	assert_int_equal(f->res->changes[0].ends, T0 + 100);

	/* Twice: nothing bound any more. */
	run(f);
	expect_drop(f, ENGINE_DROP_UNKNOWN_LEASE);

	/* Another server's id: not ours to act on. */
	mkreq(f, DHCPRELEASE, 1);
	f->req->ciaddr = a;
	set_u32(f->req, DHO_SERVER_ID, IP(192, 0, 2, 99));
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_FOR_US);

	/* It comes back and gets the same address. */
	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, a);
}

static void
inform(void **state)
{
	static const uint8_t prl[] = { DHO_SUBNET_MASK, DHO_DNS_SERVERS };
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;

	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(198, 51, 100, 150);	/* static, outside range */
	assert_true(dhcp_opt_set(f->req, DHO_PARAM_REQUEST_LIST, prl,
	    sizeof(prl)));
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(rp->yiaddr, 0);
	assert_int_equal(rp->ciaddr, IP(198, 51, 100, 150));
	assert_false(dhcp_opt_has(rp, DHO_LEASE_TIME));
	assert_false(dhcp_opt_has(rp, DHO_RENEWAL_TIME));
	assert_false(dhcp_opt_has(rp, DHO_REBINDING_TIME));
	assert_true(dhcp_opt_has(rp, DHO_SUBNET_MASK));
	assert_true(dhcp_opt_has(rp, DHO_ROUTERS));
	assert_true(dhcp_opt_has(rp, DHO_DNS_SERVERS));
	assert_false(dhcp_opt_has(rp, DHO_DOMAIN_NAME));
	assert_true(dhcp_opt_has(rp, DHO_SERVER_ID));
	assert_int_equal(f->res->nchanges, 0);
	assert_false(f->res->needs_commit);
	assert_int_equal(f->res->dest, ENGINE_DEST_CIADDR);
	assert_int_equal(f->res->dst_addr, IP(198, 51, 100, 150));
	assert_int_equal(f->res->dst_port, 68);

	/* Relayed: still answered at ciaddr (4.3.5). */
	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(198, 51, 100, 150);
	relayed(f, IP(198, 51, 100, 1));
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->dest, ENGINE_DEST_CIADDR);

	/* ... but only at a ciaddr on the relay's link: another of our
	 * subnets, or an address of none, would be a reflection. */
	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(198, 51, 100, 150);
	relayed(f, LAN2_RELAY);
	run(f);
	expect_drop(f, ENGINE_DROP_WRONG_SUBNET);
	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(203, 0, 113, 77);
	relayed(f, IP(198, 51, 100, 1));
	run(f);
	expect_drop(f, ENGINE_DROP_WRONG_SUBNET);
	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(198, 51, 100, 150);
	relayed(f, IP(192, 0, 2, 77));	/* a relay of no subnet of ours */
	run(f);
	expect_drop(f, ENGINE_DROP_NO_SUBNET);

	/* A subnet handed off still answers INFORM: it grants nothing. */
	pool_set_serving(pool_set_get(f->set, 0), false);
	mkreq(f, DHCPINFORM, 9);
	f->req->ciaddr = IP(198, 51, 100, 150);
	run(f);
	expect_reply(f, DHCPACK);
}

static void
relayed_destination_and_option82(void **state)
{
	static const uint8_t o82[] = { 1, 4, 'e', 't', 'h', '0', 2, 2, 0, 1 };
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	const uint8_t	*v;
	uint8_t		 codes[64];
	size_t		 len, n;

	mkreq(f, DHCPDISCOVER, 1);
	relayed(f, LAN2_RELAY);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, o82,
	    sizeof(o82)));
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(rp->yiaddr, IP(203, 0, 113, 10));
	assert_int_equal(rp->giaddr, LAN2_RELAY);
	assert_int_equal(et_opt_u32(rp, DHO_SERVER_ID), SERVER);
	assert_int_equal(et_opt_u32(rp, DHO_ROUTERS), LAN2_RELAY);
	v = dhcp_opt_get(rp, DHO_RELAY_AGENT_INFO, &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(o82));
	assert_memory_equal(v, o82, sizeof(o82));
	assert_int_equal(f->res->dest, ENGINE_DEST_RELAY);
	assert_int_equal(f->res->dst_addr, LAN2_RELAY);
	assert_int_equal(f->res->dst_port, 67);
	assert_false(rp->flags & DHCP_BROADCAST_FLAG);
	n = wire_options(f, codes, sizeof(codes));
	assert_int_equal(codes[n - 1], DHO_RELAY_AGENT_INFO);

	/* The ACK echoes it too. */
	mkreq(f, DHCPREQUEST, 1);
	relayed(f, LAN2_RELAY);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, o82,
	    sizeof(o82)));
	set_u32(f->req, DHO_SERVER_ID, SERVER);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(203, 0, 113, 10));
	run(f);
	expect_reply(f, DHCPACK);
	assert_true(dhcp_opt_has(rp, DHO_RELAY_AGENT_INFO));
	assert_int_equal(f->res->dest, ENGINE_DEST_RELAY);
}

/* A relayed DISCOVER/REQUEST in lan2 with option 82 for client id;
 * returns the address bound. */
static uint32_t
relayed_dora(struct fixture *f, uint8_t id, const uint8_t *o82, size_t len)
{
	uint32_t	 a;

	mkreq(f, DHCPDISCOVER, id);
	relayed(f, LAN2_RELAY);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, o82, len));
	run(f);
	expect_reply(f, DHCPOFFER);
	a = f->res->reply.yiaddr;
	mkreq(f, DHCPREQUEST, id);
	relayed(f, LAN2_RELAY);
	assert_true(dhcp_opt_set(f->req, DHO_RELAY_AGENT_INFO, o82, len));
	set_u32(f->req, DHO_SERVER_ID, SERVER);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
	run(f);
	expect_reply(f, DHCPACK);
	return a;
}

/* The bound record of a, as the engine hands it to the store (its
 * changes) and as the pool keeps it: both must agree. */
static const struct lease *
bound_record(struct fixture *f, uint32_t a)
{
	const struct lease *l = NULL, *p;

	for (size_t i = 0; i < f->res->nchanges; i++)
		if (f->res->changes[i].addr == a)
			l = &f->res->changes[i];
	assert_non_null(l);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_true(f->res->needs_commit);
	p = pool_lease_at(pool_set_find(f->set, a), a);
	assert_non_null(p);
	assert_memory_equal(&p->relay, &l->relay, sizeof(l->relay));
	assert_int_equal(p->granted_by, l->granted_by);
	return l;
}

/*
 * Option 82 is kept with the binding (giaddr, circuit-id, remote-id, the
 * latter cut to LEASE_RELAY_ID_MAX), and the binding says which server
 * granted it: the primary alone or with a failover, or the failover.
 */
static void
binding_keeps_relay_and_origin(void **state)
{
	static const enum engine_role roles[] = { ENGINE_ALONE,
	    ENGINE_PRIMARY, ENGINE_FAILOVER };
	struct fixture	*f = *state;
	uint8_t		 o82[2 + 8 + 2 + 40];
	const struct lease *l;
	uint32_t	 a;

	o82[0] = 1;
	o82[1] = 8;
	memcpy(o82 + 2, "eth0/1/7", 8);
	o82[10] = 2;
	o82[11] = 40;
	for (int i = 0; i < 40; i++)
		o82[12 + i] = (uint8_t)(0x40 + i);
	assert_true(40 > LEASE_RELAY_ID_MAX);

	for (int k = 0; k < 3; k++) {
		engine_set_role(&f->eng, roles[k], false);
		a = relayed_dora(f, (uint8_t)(40 + k), o82, sizeof(o82));
		assert_true(a >= IP(203, 0, 113, 10) &&
		    a <= IP(203, 0, 113, 12));
		l = bound_record(f, a);
		assert_int_equal(l->relay.giaddr, LAN2_RELAY);
		assert_int_equal(l->relay.circuit_len, 8);
		assert_memory_equal(l->relay.circuit_id, "eth0/1/7", 8);
		assert_int_equal(l->relay.remote_len, LEASE_RELAY_ID_MAX);
		assert_memory_equal(l->relay.remote_id, o82 + 12,
		    LEASE_RELAY_ID_MAX);
		assert_int_equal(l->granted_by, roles[k] == ENGINE_FAILOVER ?
		    LEASE_BY_FAILOVER : LEASE_BY_PRIMARY);
	}

	/* Not relayed: nothing of a relay. */
	engine_set_role(&f->eng, ENGINE_ALONE, false);
	a = dora(f, 50);
	l = bound_record(f, a);
	assert_int_equal(l->relay.giaddr, 0);
	assert_int_equal(l->relay.circuit_len, 0);
	assert_int_equal(l->relay.remote_len, 0);
	assert_int_equal(l->granted_by, LEASE_BY_PRIMARY);
}

static void
broadcast_flag_destination(void **state)
{
	struct fixture	*f = *state;

	mkreq(f, DHCPDISCOVER, 1);
	f->req->flags = DHCP_BROADCAST_FLAG;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_true(f->res->reply.flags & DHCP_BROADCAST_FLAG);
	assert_int_equal(f->res->dest, ENGINE_DEST_BROADCAST);
	assert_int_equal(f->res->dst_addr, 0xffffffffu);
	assert_int_equal(f->res->dst_port, 68);
}

static void
client_id_echoed(void **state)
{
	struct fixture	*f = *state;
	const uint8_t	*v;
	size_t		 len;

	mkreq(f, DHCPDISCOVER, 30);
	assert_true(dhcp_opt_set(f->req, DHO_CLIENT_ID, "laptop", 6));
	run(f);
	expect_reply(f, DHCPOFFER);
	/* Reserved by client id. */
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 105));
	v = dhcp_opt_get(&f->res->reply, DHO_CLIENT_ID, &len);
	assert_non_null(v);
	assert_int_equal(len, 6);
	assert_memory_equal(v, "laptop", 6);
}

static void
bootp_reservation(void **state)
{
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	const uint8_t	*v;
	size_t		 len;

	mkreq(f, 0, 7);
	run(f);
	assert_int_equal(f->res->action, ENGINE_REPLY);
	assert_int_equal(rp->op, BOOTREPLY);
	assert_int_equal(rp->msg_type, 0);
	assert_false(dhcp_opt_has(rp, DHO_MESSAGE_TYPE));
	assert_false(dhcp_opt_has(rp, DHO_SERVER_ID));
	assert_false(dhcp_opt_has(rp, DHO_LEASE_TIME));
	assert_int_equal(rp->yiaddr, IP(198, 51, 100, 7));
	assert_int_equal(et_opt_u32(rp, DHO_SUBNET_MASK), 0xffffff00u);
	assert_int_equal(et_opt_u32(rp, DHO_ROUTERS), IP(198, 51, 100, 1));
	v = dhcp_opt_get(rp, DHO_HOST_NAME, &len);
	assert_non_null(v);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "printer7", 8);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].state, LEASE_BOUND);
	assert_int_equal(f->res->changes[0].ends, T0 + 86400);
	assert_int_equal(f->res->dest, ENGINE_DEST_CHADDR);
	assert_int_equal(f->eng.ctr.rx[0], 1);
	assert_int_equal(f->eng.ctr.tx[0], 1);
	(void)wire_options(f, (uint8_t[64]){ 0 }, 64);

	/* No reservation: no dynamic BOOTP. */
	mkreq(f, 0, 8);
	run(f);
	expect_drop(f, ENGINE_DROP_BOOTP_NO_RESERVATION);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_BOOTP_NO_RESERVATION],
	    1);
}

static void
ping_first_flow(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a, b;

	f->cfg.server.ping_before_assign = true;

	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	assert_int_equal(f->res->action, ENGINE_PING_FIRST);
	a = f->res->ping_addr;
	assert_int_equal(a, IP(198, 51, 100, 100));
	assert_int_equal(f->res->ping_round, 0);
	assert_int_equal(f->res->nchanges, 0);

	/* It answered: conflict recorded, the next address to check. */
	mkreq(f, DHCPDISCOVER, 1);
	f->in.pinged_addr = a;
	f->in.ping_in_use = true;
	f->in.ping_round = 0;
	run(f);
	assert_int_equal(f->res->action, ENGINE_PING_FIRST);
	b = f->res->ping_addr;
	assert_int_not_equal(b, a);
	assert_int_equal(f->res->ping_round, 1);
	assert_int_equal(f->res->nchanges, 1);
	assert_int_equal(f->res->changes[0].addr, a);
	assert_int_equal(f->res->changes[0].state, LEASE_CONFLICT);

	/* Silence: offer it. */
	mkreq(f, DHCPDISCOVER, 1);
	f->in.pinged_addr = b;
	f->in.ping_in_use = false;
	f->in.ping_round = 1;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, b);
	assert_int_equal(f->eng.ctr.ping_checks, 2);
	assert_int_equal(f->eng.ctr.ping_conflicts, 1);

	/* A retransmitted DISCOVER during the offer: no second ping. */
	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, b);

	/* Reservations are not pinged. */
	mkreq(f, DHCPDISCOVER, 7);
	run(f);
	expect_reply(f, DHCPOFFER);

	/* Give up after ENGINE_PING_ROUNDS addresses in use. */
	mkreq(f, DHCPDISCOVER, 2);
	run(f);
	assert_int_equal(f->res->action, ENGINE_PING_FIRST);
	mkreq(f, DHCPDISCOVER, 2);
	f->in.pinged_addr = f->res->ping_addr;
	f->in.ping_in_use = true;
	f->in.ping_round = ENGINE_PING_ROUNDS - 1;
	run(f);
	expect_drop(f, ENGINE_DROP_NO_FREE_ADDRESS);
	assert_int_equal(f->res->nchanges, 1);	/* the conflict, to persist */
}

static void
lease_time_clamping_and_t1t2(void **state)
{
	static const struct {
		int64_t		 req;	/* -1: no option 51 */
		double		 r1, r2;
		uint32_t	 lt, t1, t2;
	} cases[] = {
		{ -1, 0.5, 0.875, 3600, 1800, 3150 },
		{ 30, 0.5, 0.875, 60, 30, 52 },
		{ 7200, 0.5, 0.875, 7200, 3600, 6300 },
		{ 1000000, 0.5, 0.875, 86400, 43200, 75600 },
		{ 0xffffffffLL, 0.5, 0.875, 86400, 43200, 75600 },
		{ -1, 0.4, 0.8, 3600, 1440, 2880 },
		{ -1, 0.0, 0.0, 3600, 1800, 3150 },	/* unset: 4.4.5 */
		{ -1, 0.9, 0.5, 3600, 1800, 3150 },	/* T1 > T2: same */
	};
	struct fixture	*f = *state;
	struct dhcp_msg	*rp = &f->res->reply;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f->subnets[0].t1_ratio = cases[i].r1;
		f->subnets[0].t2_ratio = cases[i].r2;
		mkreq(f, DHCPDISCOVER, (uint8_t)(40 + i));
		if (cases[i].req >= 0)
			set_u32(f->req, DHO_LEASE_TIME,
			    (uint32_t)cases[i].req);
		run(f);
		expect_reply(f, DHCPOFFER);
		assert_int_equal(et_opt_u32(rp, DHO_LEASE_TIME), cases[i].lt);
		assert_int_equal(et_opt_u32(rp, DHO_RENEWAL_TIME), cases[i].t1);
		assert_int_equal(et_opt_u32(rp, DHO_REBINDING_TIME), cases[i].t2);
	}
	/* The ACK binds for the clamped time. */
	f->subnets[0].t1_ratio = 0.5;
	f->subnets[0].t2_ratio = 0.875;
	mkreq(f, DHCPREQUEST, 40);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 100));
	set_u32(f->req, DHO_LEASE_TIME, 999999);
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->changes[0].ends, T0 + 86400);
}

static void
drops_and_counters(void **state)
{
	struct fixture	*f = *state;
	size_t		 i, j;

	/* Server messages. */
	mkreq(f, DHCPOFFER, 1);
	run(f);
	expect_drop(f, ENGINE_DROP_SERVER_MSG);
	mkreq(f, DHCPDISCOVER, 1);
	f->req->op = BOOTREPLY;
	run(f);
	expect_drop(f, ENGINE_DROP_SERVER_MSG);

	/* Unknown link. */
	mkreq(f, DHCPDISCOVER, 1);
	f->in.link_addr = 0;
	f->in.iface_server_addr = 0;
	run(f);
	expect_drop(f, ENGINE_DROP_NO_SUBNET);
	mkreq(f, DHCPDISCOVER, 1);
	f->in.link_addr = IP(192, 0, 2, 1);
	run(f);
	expect_drop(f, ENGINE_DROP_NO_SUBNET);

	/* No identity at all. */
	mkreq(f, DHCPDISCOVER, 1);
	f->req->hlen = 0;
	run(f);
	expect_drop(f, ENGINE_DROP_NO_CLIENT_ID);

	/* A type we do not know (the codec would refuse it; be safe). */
	mkreq(f, DHCPDISCOVER, 1);
	f->req->msg_type = 13;
	run(f);
	expect_drop(f, ENGINE_DROP_UNKNOWN_TYPE);

	/* Handed-off subnet. */
	pool_set_serving(pool_set_get(f->set, 0), false);
	mkreq(f, DHCPDISCOVER, 1);
	run(f);
	expect_drop(f, ENGINE_DROP_NOT_SERVING);
	pool_set_serving(pool_set_get(f->set, 0), true);

	/* Exhaustion: lan2 has three addresses. */
	for (i = 0; i < 3; i++) {
		mkreq(f, DHCPDISCOVER, (uint8_t)(50 + i));
		relayed(f, LAN2_RELAY);
		run(f);
		expect_reply(f, DHCPOFFER);
	}
	mkreq(f, DHCPDISCOVER, 60);
	relayed(f, LAN2_RELAY);
	run(f);
	expect_drop(f, ENGINE_DROP_NO_FREE_ADDRESS);

	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_SERVER_MSG], 2);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_NO_SUBNET], 2);
	assert_int_equal(f->eng.ctr.rx[DHCPOFFER], 1);

	/* Every reason has its own name. */
	for (i = 0; i < ENGINE_DROP_COUNT; i++) {
		assert_non_null(engine_drop_name((enum engine_drop)i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(
			    engine_drop_name((enum engine_drop)i),
			    engine_drop_name((enum engine_drop)j));
	}
	assert_string_equal(engine_drop_name(ENGINE_DROP_COUNT), "unknown");
	assert_string_equal(engine_action_name(ENGINE_PING_FIRST),
	    "ping-first");
}


/* ---- the failover's share (docs/safety.md) -------------------------- */

/*
 * lan1 with FailoverShare 20: of its nine usable addresses (.100-.109
 * without .104) the share is the top two, .108 and .109; .105 is the
 * laptop's reservation.  The primary's own part for new clients is .100
 * .101 .102 .103 .106 .107.
 */
static int
setup_share(void **state)
{
	struct fixture	*f;

	setup(state);
	f = *state;
	pool_set_free(f->set);
	f->subnets[0].failover_share = 20;
	f->subnets[0].safe_period = 3600;
	assert_int_equal(pool_set_new(&f->cfg, 1234, &f->set), POOL_OK);
	assert_int_equal(engine_init(&f->eng, &f->cfg, f->set), 0);
	return 0;
}

/* A REQUEST (SELECTING) for the address offered to client id. */
static void
select_offer(struct fixture *f, uint8_t id, uint32_t a)
{
	mkreq(f, DHCPREQUEST, id);
	set_u32(f->req, DHO_SERVER_ID, LAN1_IFACE);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, a);
}

static void
primary_fills_own_part_first(void **state)
{
	static const uint8_t own[] = { 100, 101, 102, 103, 106, 107 };
	struct fixture	*f = *state;

	engine_set_role(&f->eng, ENGINE_PRIMARY, false);
	for (size_t i = 0; i < sizeof(own); i++)
		assert_int_equal(dora(f, (uint8_t)(10 + i)),
		    IP(198, 51, 100, own[i]));
	/* The share is offered only now, and its REQUEST waits. */
	mkreq(f, DHCPDISCOVER, 20);
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 108));
}

/*
 * The primary binds an address of the share only after the failover
 * approved it; nothing changes before.  A renewal of that live binding
 * needs no approval; a refusal quarantines the address and NAKs.
 */
static void
primary_asks_before_binding_in_share(void **state)
{
	struct fixture	*f = *state;
	const struct lease *l;
	uint32_t	 a = IP(198, 51, 100, 108);

	primary_fills_own_part_first(state);
	select_offer(f, 20, a);
	run(f);
	assert_int_equal(f->res->action, ENGINE_APPROVE_FIRST);
	assert_int_equal(f->res->nchanges, 0);
	assert_int_equal(f->res->approve.addr, a);
	assert_int_equal(f->res->approve.state, LEASE_BOUND);
	assert_int_equal(f->res->approve.ends, T0 + 3600);
	assert_int_equal(f->res->approve.chaddr[5], 20);
	l = pool_lease_at(pool_set_get(f->set, 0), a);
	assert_int_equal(l->state, LEASE_OFFERED);	/* unchanged */

	/* Approved: bound, ACKed, durable before it leaves. */
	select_offer(f, 20, a);
	f->in.approved_addr = a;
	run(f);
	expect_reply(f, DHCPACK);
	assert_true(f->res->needs_commit);
	assert_int_equal(f->res->changes[0].addr, a);
	assert_int_equal(f->res->changes[0].state, LEASE_BOUND);

	/* Renewing its live binding: as any renewal. */
	mkreq(f, DHCPREQUEST, 20);
	f->req->ciaddr = a;
	f->in.now = T0 + 1800;
	run(f);
	expect_reply(f, DHCPACK);

	/* INIT-REBOOT of an unknown client on the other share address:
	 * a new binding there, so asked too. */
	mkreq(f, DHCPREQUEST, 21);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 109));
	run(f);
	assert_int_equal(f->res->action, ENGINE_APPROVE_FIRST);

	/* Refused: the failover holds .109 for someone else. */
	mkreq(f, DHCPREQUEST, 21);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 109));
	f->in.approved_addr = IP(198, 51, 100, 109);
	f->in.approval_refused = true;
	run(f);
	expect_reply(f, DHCPNAK);
	l = pool_lease_at(pool_set_get(f->set, 0), IP(198, 51, 100, 109));
	assert_int_equal(l->state, LEASE_CONFLICT);
	mkreq(f, DHCPDISCOVER, 22);
	run(f);
	expect_drop(f, ENGINE_DROP_NO_FREE_ADDRESS);
}

/* An approval for another address does not let this one through. */
static void
primary_approval_is_per_address(void **state)
{
	struct fixture	*f = *state;

	primary_fills_own_part_first(state);
	select_offer(f, 20, IP(198, 51, 100, 108));
	f->in.approved_addr = IP(198, 51, 100, 109);
	run(f);
	assert_int_equal(f->res->action, ENGINE_APPROVE_FIRST);
	/* Alone (no failover): no approval, ever. */
	engine_set_role(&f->eng, ENGINE_ALONE, false);
	select_offer(f, 20, IP(198, 51, 100, 108));
	run(f);
	expect_reply(f, DHCPACK);
}

/*
 * The failover across its safe period (heard from the primary at T0,
 * SafePeriod 1800): the share only, then "share-exhausted"; from
 * T0 + 1800 (or after partner-down) the rest too.
 */
static void
failover_share_then_everything(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 a;

	/* Shorter than the leases granted, which then stay bound. */
	f->subnets[0].safe_period = 1800;
	engine_set_role(&f->eng, ENGINE_FAILOVER, false);
	for (uint8_t id = 30; id < 32; id++) {
		mkreq(f, DHCPDISCOVER, id);
		f->in.partner_heard = T0;
		run(f);
		expect_reply(f, DHCPOFFER);
		a = f->res->reply.yiaddr;
		assert_true(a == IP(198, 51, 100, 108) ||
		    a == IP(198, 51, 100, 109));
		select_offer(f, id, a);
		f->in.partner_heard = T0;
		run(f);
		expect_reply(f, DHCPACK);
	}
	mkreq(f, DHCPDISCOVER, 32);
	f->in.partner_heard = T0;
	f->in.now = T0 + 1799;
	run(f);
	expect_drop(f, ENGINE_DROP_SHARE_EXHAUSTED);
	assert_int_equal(f->eng.ctr.drops[ENGINE_DROP_SHARE_EXHAUSTED], 1);
	/* partner-down: at once. */
	mkreq(f, DHCPDISCOVER, 32);
	f->in.partner_heard = T0;
	f->in.partner_down = true;
	f->in.now = T0 + 10;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 100));
	/* Or the safe period over. */
	mkreq(f, DHCPDISCOVER, 33);
	f->in.partner_heard = T0;
	f->in.now = T0 + 1800;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 101));
	/* Heard again (a partition healed): back to the share. */
	mkreq(f, DHCPDISCOVER, 34);
	f->in.partner_heard = T0 + 1800;
	f->in.now = T0 + 1801;
	run(f);
	expect_drop(f, ENGINE_DROP_SHARE_EXHAUSTED);
}

/*
 * A client the failover does not know: RENEWING, REBINDING or
 * INIT-REBOOT for an address of the primary's part that our copy holds
 * bound to nobody keeps it (a binding the primary never replicated).  A
 * DISCOVER asking for it (option 50) does not get it inside the safe
 * period: that client holds no lease we could be continuing.
 */
static void
failover_unknown_client_keeps_address(void **state)
{
	struct fixture	*f = *state;

	engine_set_role(&f->eng, ENGINE_FAILOVER, false);
	mkreq(f, DHCPREQUEST, 40);
	f->req->ciaddr = IP(198, 51, 100, 103);
	f->in.partner_heard = T0;
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 103));
	assert_int_equal(f->res->changes[0].state, LEASE_BOUND);

	mkreq(f, DHCPREQUEST, 41);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 102));
	f->in.partner_heard = T0;
	run(f);
	expect_reply(f, DHCPACK);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 102));

	/* Bound to another client in our copy: NAK, as always. */
	mkreq(f, DHCPREQUEST, 42);
	f->req->ciaddr = IP(198, 51, 100, 103);
	f->in.partner_heard = T0;
	run(f);
	expect_reply(f, DHCPNAK);

	mkreq(f, DHCPDISCOVER, 43);
	set_u32(f->req, DHO_REQUESTED_ADDRESS, IP(198, 51, 100, 106));
	f->in.partner_heard = T0;
	run(f);
	expect_reply(f, DHCPOFFER);
	assert_int_equal(f->res->reply.yiaddr, IP(198, 51, 100, 108));
}

/* OnShareExhausted = borrow: the primary's free addresses from the top,
 * pinged first when ping checks are on. */
static void
failover_borrows_from_the_top(void **state)
{
	struct fixture	*f = *state;

	engine_set_role(&f->eng, ENGINE_FAILOVER, true);
	f->cfg.server.ping_before_assign = true;
	for (uint8_t id = 50; id < 52; id++) {
		mkreq(f, DHCPDISCOVER, id);
		f->in.partner_heard = T0;
		run(f);
		assert_int_equal(f->res->action, ENGINE_PING_FIRST);
		mkreq(f, DHCPDISCOVER, id);
		f->in.partner_heard = T0;
		f->in.pinged_addr = f->res->ping_addr;
		run(f);
		expect_reply(f, DHCPOFFER);
		select_offer(f, id, f->res->reply.yiaddr);
		f->in.partner_heard = T0;
		run(f);
		expect_reply(f, DHCPACK);
	}
	mkreq(f, DHCPDISCOVER, 52);
	f->in.partner_heard = T0;
	run(f);
	assert_int_equal(f->res->action, ENGINE_PING_FIRST);
	assert_int_equal(f->res->ping_addr, IP(198, 51, 100, 107));
	mkreq(f, DHCPDISCOVER, 52);
	f->in.partner_heard = T0;
	f->in.pinged_addr = IP(198, 51, 100, 107);
	f->in.ping_in_use = true;
	run(f);
	assert_int_equal(f->res->action, ENGINE_PING_FIRST);
	assert_int_equal(f->res->ping_addr, IP(198, 51, 100, 106));
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TS(fn)	cmocka_unit_test_setup_teardown(fn, setup_share, teardown)
	const struct CMUnitTest tests[] = {
		T(full_dora),
		T(no_prl_gets_everything),
		T(max_len_from_option57),
		T(init_reboot_wrong_subnet_nak),
		T(init_reboot_cases),
		T(request_for_other_server),
		T(selecting_wrong_address_nak),
		T(renewing_extends),
		T(routed_renewal_names_server_address),
		T(renew_cases),
		T(decline_quarantines),
		T(release_frees),
		T(inform),
		T(relayed_destination_and_option82),
		T(binding_keeps_relay_and_origin),
		T(broadcast_flag_destination),
		T(client_id_echoed),
		T(bootp_reservation),
		T(ping_first_flow),
		T(lease_time_clamping_and_t1t2),
		T(drops_and_counters),
		TS(primary_fills_own_part_first),
		TS(primary_asks_before_binding_in_share),
		TS(primary_approval_is_per_address),
		TS(failover_share_then_everything),
		TS(failover_unknown_client_keeps_address),
		TS(failover_borrows_from_the_top),
	};
#undef T
#undef TS

	return cmocka_run_group_tests(tests, NULL, NULL);
}
