/*
 * What the tests of the pools and of the engine over hand-built
 * configurations share (test_pool.c, test_engine.c, test_engine_links.c,
 * test_lease_log.c, test_engine_ratelimit.c): the [server] values they
 * run with, a subnet with the usual lease times, a request of a client
 * 02:00:00:00:00:ID, and a reply's 32-bit option.
 * Include after cmocka.h.
 */
#ifndef DHCPFO_ENGINE_TESTUTIL_H
#define DHCPFO_ENGINE_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/* Server identifier `server_addr`, port 67, offers held 10 s, addresses
 * found in use kept out an hour, authoritative. */
static inline void
et_server(struct cfg_server *s, uint32_t server_addr)
{
	s->server_addr = server_addr;
	s->dhcp_port = 67;
	s->max_pending_secs = 10;
	s->max_unavailable_time = 3600;
	s->authoritative = true;
}

/* network/prefix named `name`, no range yet: leases of an hour (60 s to
 * a day on request), T1 50 %, T2 87.5 %. */
static inline void
et_subnet(struct cfg_subnet *sn, const char *name, uint32_t net,
    uint8_t prefix)
{
	memset(sn, 0, sizeof(*sn));
	snprintf(sn->name, sizeof(sn->name), "%s", name);
	sn->network = net;
	sn->prefix = prefix;
	sn->mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
	sn->lease_time = 3600;
	sn->min_lease_time = 60;
	sn->max_lease_time = 86400;
	sn->t1_ratio = 0.5;
	sn->t2_ratio = 0.875;
}

/* m: a request of `type` (0: BOOTP) from client 02:00:00:00:00:id, xid
 * xid_base + id; in: its input at `now`, the link left to the caller. */
static inline struct dhcp_msg *
et_request(struct dhcp_msg *m, struct engine_input *in, uint8_t type,
    uint8_t id, uint32_t xid_base, int64_t now)
{
	dhcp_msg_init(m);
	m->op = BOOTREQUEST;
	m->htype = 1;
	m->hlen = 6;
	m->xid = xid_base + id;
	m->chaddr[0] = 0x02;
	m->chaddr[5] = id;
	m->has_cookie = true;
	if (type != 0)
		assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, type));
	memset(in, 0, sizeof(*in));
	in->msg = m;
	in->now = now;
	return m;
}

/* Option `code` of m as a u32; it must be there. */
static inline uint32_t
et_opt_u32(const struct dhcp_msg *m, uint8_t code)
{
	uint32_t	 v = 0;

	assert_true(dhcp_opt_get_u32(m, code, &v));
	return v;
}

#endif
