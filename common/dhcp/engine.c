/*
 * DHCP protocol engine: RFC 2131 4.3 server behaviour over the pools.
 *
 * Decisions taken here (tests/unit/test_engine.c pins each one):
 *
 * Subnet.  A request belongs to the subnet of link_addr (giaddr, else
 *   the receiving interface).  When giaddr is 0 and ciaddr is not (a
 *   RENEWING unicast, a RELEASE, an INFORM) the subnet of ciaddr wins:
 *   a unicast arrives on whatever interface routes it, so the interface
 *   says nothing about the client's link.  No subnet: drop "no-subnet".
 *   A subnet that is not serving (pool_set_serving) is silent, except
 *   for INFORM, which grants nothing.
 *
 * Server identifier (option 54).  cfg->server.server_addr, unless it is
 *   outside the client's subnet and we know our address on the receiving
 *   interface (a directly attached client): then that one, so the
 *   client's unicasts reach an address on its own link.  An incoming 54
 *   is ours if it equals either address.
 *
 * INIT-REBOOT and RENEWING/REBINDING for an address that is free in our
 *   pool and unknown for this client: ACK it as a fresh binding (as Kea
 *   does).  Clients keep their address after a lease-store loss, and a
 *   failover standing in for a primary (which knows only the bindings
 *   replicated to it) can renew clients it has never seen.  Safety comes
 *   from the checks before: NAK when the address is held by another
 *   client or quarantined, reserved for another host, excluded, or when
 *   this client has a reservation or an unexpired binding elsewhere in
 *   the subnet (so it comes back to that one rather than holding two).
 *   INIT-REBOOT for an address off the link's subnet: NAK when
 *   authoritative (4.3.2), else silent.  RENEWING/REBINDING for an
 *   address off the subnet, and any request for an address of our
 *   subnet outside its ranges and reservations (maybe another server's
 *   or a static one), stay silent: the client's lease runs out and it
 *   starts over, and we never NAK what we did not hand out.
 *
 * Ping before offer (cfg->server.ping_before_assign): not for the
 *   client's reservation, nor for an address the client already holds
 *   unexpired (bound, or offered and so already checked).  Nothing is
 *   held during the ping: allocation is deterministic, so re-submitting
 *   gives the same address unless another client took it meanwhile, in
 *   which case the new choice is pinged.  ENGINE_PING_ROUNDS addresses in
 *   use and the DISCOVER is dropped ("no-free-address").
 *
 * Link.  Option 82 sub-option 5 from a relay (RFC 3527), else option
 *   118 (RFC 3011, echoed back), names the link instead of giaddr.  Subnets with the same SharedNetwork are one
 *   link: a DISCOVER is served from the one holding the client's
 *   reservation, lease or requested address, else the link's own, and
 *   moves on to the others in file order when that one is full; a
 *   REQUEST for an address of any of them is on the link.
 *
 * Options.  53 and 54 (DHCP replies), 51/58/59 (OFFER and ACK to a
 *   REQUEST) and 1 are the engine's; the configured ones, and siaddr,
 *   file and sname, come from the client's host, classes, subnet and
 *   [server] in that precedence (reply_opts.h: 3 always, others when
 *   asked for in option 55, AlwaysSend, or all when there is no 55).
 *   28 defaults to the subnet's broadcast address.  Option 82 is echoed
 *   verbatim in every reply (RFC 3046 2.2), option 61 too (RFC 6842 3).
 *   DHCPNAK carries only 53, 54, 56, 61 and 82 (table 3).
 *
 * Lease time: option 51 of the request clamped to [MinLeaseTime,
 *   MaxLeaseTime], else LeaseTime (clamped the same way); T1/T2 from the
 *   subnet's ratios, or 0.5 and 0.875 (4.4.5) when those are unset or
 *   inconsistent.  BOOTP: MaxLeaseTime, recorded as an ordinary binding.
 *
 * Destination (4.1): giaddr -> the relay, server port (a NAK gets the
 *   broadcast bit so the relay broadcasts it); else ciaddr -> unicast,
 *   client port -- for a NAK too, a deliberate departure from 4.1's
 *   "always broadcast a NAK": a RENEWING client reached us by unicast,
 *   possibly from another link, and only ciaddr gets to it; else the
 *   broadcast bit, a NAK, or no usable chaddr -> 255.255.255.255; else
 *   unicast to yiaddr at chaddr.  INFORM is answered at ciaddr even when
 *   relayed (4.3.5), and so, when relayed, only for a ciaddr on the
 *   relay's link (else "wrong-subnet": no reflection to any address).
 *
 * DECLINE must carry our 54 and option 50 (table 5 MUSTs) and name the
 *   client's binding.  RELEASE needs ciaddr bound to the client; its 54
 *   is checked only when present (old clients omit it; the key must
 *   match anyway).  A SELECTING REQUEST for another server releases our
 *   pending offer to that client (memory only) and is dropped.
 *
 * New bindings and the failover's share (docs/safety.md).  The role
 *   picks which addresses a new client may get (engine_scope):
 *   - ALONE: any.
 *   - PRIMARY: its own part; the failover's share only when that is used
 *     up.  Any binding on a share address that is not the renewal of the
 *     client's live binding there is proposed to the failover first
 *     (ENGINE_APPROVE_FIRST, before anything changes), and made only
 *     once the failover has stored it: the failover may be serving its
 *     share right now (a cut heartbeat path).  A refusal (another
 *     client holds it there) quarantines the address and NAKs.
 *   - FAILOVER, inside the safe period: a new client gets an address of
 *     the share, or nothing ("share-exhausted"), or with OnShareExhausted
 *     = borrow one of the primary's, in the order least likely to meet
 *     an unreplicated binding.  The client's previous lease counts only
 *     if it is in the share or still live in our copy; option 50 only
 *     in the share.  After the safe period (or partner-down): the share
 *     first, then any address.
 *   FailoverShare = 0 turns all of this off for the subnet: ALONE's rule.
 *   RENEWING, REBINDING and INIT-REBOOT are not "new clients": a client
 *   asking for an address we hold bound to nobody keeps it (the rule
 *   above), in the primary's part too -- it is almost certainly a
 *   binding the primary made and never replicated, and the failover
 *   records it as its own grant, which the hand-back returns.
 *
 * New clients (docs/security.md).  An offer or a binding for a client
 *   that holds no unexpired offer or binding in the subnet takes a token
 *   from the buckets of its client key, option 82 remote-id and
 *   circuit-id (from a relay only: a client's own 82 names nothing),
 *   and relay (giaddr, else the receiving interface), in that order, so
 *   a client over its own limit spends nothing of its relay's; one
 *   bucket empty and the request is dropped silently ("rate-client",
 *   ...).  Renewals, a REQUEST for our offer and a DISCOVER repeated
 *   while our offer stands cost nothing; a request re-submitted after a
 *   ping or an approval paid on its first pass.  A binding made without
 *   our offer (INIT-REBOOT, or RENEWING/REBINDING for an address the
 *   client does not hold) gets UnofferedLeaseTime when that is shorter:
 *   a sweep of requests for free addresses holds them minutes, not a
 *   day, and a real client renews at T1 and then gets the normal time,
 *   since a renewal of a live binding is no longer unoffered.  Nothing
 *   marks such a binding: the rule needs no field on disk.
 *
 * Changes.  Every lease change is returned to be persisted; needs_commit
 *   is set when a reply waits on it (ACK, BOOTP) or there is no reply to
 *   wait (DECLINE, RELEASE).  Offers, conflicts and turned-down offers
 *   may be written lazily.
 */
#include <string.h>

#include "classify.h"
#include "engine.h"
#include "reply_opts.h"
#include "share.h"

#define ADDR_BROADCAST	0xffffffffu
#define DEFAULT_PORT	67

struct req {
	struct engine	*e;
	const struct engine_input *in;
	const struct dhcp_msg *m;
	struct engine_result *res;
	struct pool	*p;
	struct pool_client c;
	bool		 have_client;
};

const char *
engine_drop_name(enum engine_drop d)
{
	static const char *const names[ENGINE_DROP_COUNT] = {
		[ENGINE_DROP_NONE] = "none",
		[ENGINE_DROP_NO_SUBNET] = "no-subnet",
		[ENGINE_DROP_NOT_SERVING] = "not-serving",
		[ENGINE_DROP_NOT_FOR_US] = "not-for-us",
		[ENGINE_DROP_NO_FREE_ADDRESS] = "no-free-address",
		[ENGINE_DROP_BAD_REQUEST] = "bad-request",
		[ENGINE_DROP_UNKNOWN_TYPE] = "unknown-type",
		[ENGINE_DROP_BOOTP_NO_RESERVATION] = "bootp-no-reservation",
		[ENGINE_DROP_SERVER_MSG] = "server-msg",
		[ENGINE_DROP_NO_CLIENT_ID] = "no-client-id",
		[ENGINE_DROP_NOT_IN_POOL] = "not-in-pool",
		[ENGINE_DROP_WRONG_SUBNET] = "wrong-subnet",
		[ENGINE_DROP_UNKNOWN_LEASE] = "unknown-lease",
		[ENGINE_DROP_NO_MEMORY] = "no-memory",
		[ENGINE_DROP_SHARE_EXHAUSTED] = "share-exhausted",
		[ENGINE_DROP_RATE_RELAY] = "rate-relay",
		[ENGINE_DROP_RATE_CIRCUIT] = "rate-circuit",
		[ENGINE_DROP_RATE_REMOTE_ID] = "rate-remote-id",
		[ENGINE_DROP_RATE_CLIENT] = "rate-client",
	};

	if ((unsigned)d >= ENGINE_DROP_COUNT)
		return "unknown";
	return names[d];
}

bool
engine_drop_is_rate_limit(enum engine_drop d)
{
	return d == ENGINE_DROP_RATE_RELAY || d == ENGINE_DROP_RATE_CIRCUIT ||
	    d == ENGINE_DROP_RATE_REMOTE_ID || d == ENGINE_DROP_RATE_CLIENT;
}

const char *
engine_action_name(enum engine_action a)
{
	switch (a) {
	case ENGINE_DROP:
		return "drop";
	case ENGINE_REPLY:
		return "reply";
	case ENGINE_PING_FIRST:
		return "ping-first";
	case ENGINE_NONE:
		return "none";
	case ENGINE_APPROVE_FIRST:
		return "approve-first";
	}
	return "unknown";
}

int
engine_init(struct engine *e, const struct config *cfg,
    struct pool_set *pools)
{
	if (e == NULL || cfg == NULL || pools == NULL)
		return -1;
	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->pools = pools;
	return 0;
}

void
engine_set_role(struct engine *e, enum engine_role role, bool borrow)
{
	e->role = role;
	e->borrow = borrow;
}

void
engine_set_ratelimit(struct engine *e, struct ratelimit *rl)
{
	e->rl = rl;
}

enum pool_scope
engine_scope(const struct engine *e, const struct pool *p,
    const struct engine_input *in)
{
	/* FailoverShare = 0: no share, no safe period, as without one. */
	if (pool_subnet(p)->failover_share == 0)
		return POOL_SCOPE_ALL;
	switch (e->role) {
	case ENGINE_PRIMARY:
		return POOL_SCOPE_PRIMARY;
	case ENGINE_FAILOVER:
		if (in->partner_down || in->now >=
		    share_safe_until(pool_subnet(p), in->partner_heard))
			return POOL_SCOPE_SHARE_FIRST;
		return e->borrow ? POOL_SCOPE_SHARE_BORROW : POOL_SCOPE_SHARE;
	default:
		return POOL_SCOPE_ALL;
	}
}

/*
 * Small helpers.
 */
static void
drop(struct req *r, enum engine_drop why)
{
	r->res->action = ENGINE_DROP;
	r->res->drop = why;
	r->res->drop_name = engine_drop_name(why);
	r->e->ctr.drops[why]++;
}

static void
add_change(struct req *r, const struct lease *l)
{
	if (r->res->nchanges < ENGINE_MAX_CHANGES)
		r->res->changes[r->res->nchanges++] = *l;
}

static uint16_t
server_port(const struct req *r)
{
	return r->e->cfg->server.dhcp_port != 0 ?
	    r->e->cfg->server.dhcp_port : DEFAULT_PORT;
}

static bool
is_our_id(const struct req *r, uint32_t id)
{
	return id != 0 && (id == r->e->cfg->server.server_addr ||
	    (r->in->iface_server_addr != 0 && id == r->in->iface_server_addr));
}

static uint32_t
server_id(const struct req *r)
{
	uint32_t	 sid = r->e->cfg->server.server_addr;
	uint32_t	 iface = r->in->iface_server_addr;

	/*
	 * Our address on the receiving interface names us only to a client
	 * on that interface's subnet (directly attached, ServerAddress
	 * elsewhere).  A routed unicast renewal also arrives without giaddr,
	 * on whatever interface the route uses: that interface's address
	 * may belong to another service on the host, so the client gets
	 * ServerAddress.
	 */
	if (iface != 0 && (sid == 0 || (r->p != NULL &&
	    !pool_contains(r->p, sid) && pool_contains(r->p, iface))))
		return iface;
	return sid;
}

/*
 * Option 82 sub-option 5 (RFC 3527): the link a relay names when giaddr
 * cannot say it.  Only from a relay (giaddr set): a client's own 82 is
 * not to be trusted with it.
 */
static bool
relay_link_selection(const struct dhcp_msg *m, uint32_t *out)
{
	const uint8_t	*v;
	size_t		 len, n;

	if (m->giaddr == 0 ||
	    (v = dhcp_opt_get(m, DHO_RELAY_AGENT_INFO, &len)) == NULL ||
	    (v = dhcp_subopt_get(v, len, RAI_LINK_SELECTION, &n)) == NULL ||
	    n != 4)
		return false;
	*out = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	    (uint32_t)v[2] << 8 | v[3];
	return *out != 0;
}

uint32_t
engine_link_address(const struct dhcp_msg *m, uint32_t link_addr)
{
	uint32_t	 a;

	if (relay_link_selection(m, &a))
		return a;
	if (dhcp_opt_get_u32(m, DHO_SUBNET_SELECTION, &a) && a != 0)
		return a;
	return link_addr != 0 ? link_addr : m->giaddr;
}

static struct pool *
link_pool(const struct req *r)
{
	uint32_t	 link = engine_link_address(r->m, r->in->link_addr);

	return link != 0 ? pool_set_find(r->e->pools, link) : NULL;
}

/*
 * Shared networks: subnets with the same SharedNetwork are one link, so
 * an address of any of them is "on the client's link".  Finding the
 * others is a pass over the subnets, paid only by requests on a shared
 * network.
 */
static bool
shared(const struct pool *p)
{
	return p != NULL && pool_subnet(p)->shared_network[0] != '\0';
}

static bool
same_link(const struct pool *a, const struct pool *b)
{
	return a == b || (shared(a) && strcmp(pool_subnet(a)->shared_network,
	    pool_subnet(b)->shared_network) == 0);
}

/* The pool holding addr if it is on p's link, else p. */
static struct pool *
pool_on_link(const struct req *r, struct pool *p, uint32_t addr)
{
	struct pool	*q;

	if (p == NULL || addr == 0 || pool_contains(p, addr) || !shared(p))
		return p;
	if ((q = pool_set_find(r->e->pools, addr)) != NULL && same_link(p, q))
		return q;
	return p;
}

/*
 * The request is answered from pool p (NULL: none of ours), if we serve
 * it: r->p is p; false after a drop with the reason.
 */
static bool
served(struct req *r, struct pool *p)
{
	r->p = p;
	r->res->pool = p;
	if (p == NULL) {
		drop(r, ENGINE_DROP_NO_SUBNET);
		return false;
	}
	if (!pool_is_serving(p)) {
		drop(r, ENGINE_DROP_NOT_SERVING);
		return false;
	}
	return true;
}

static bool
served_link(struct req *r)
{
	return served(r, link_pool(r));
}

/* RENEWING unicast, RELEASE, INFORM: ciaddr names the subnet. */
static struct pool *
client_pool(const struct req *r)
{
	struct pool	*p;

	if (r->m->ciaddr != 0 && r->m->giaddr == 0 &&
	    (p = pool_set_find(r->e->pools, r->m->ciaddr)) != NULL)
		return p;
	return link_pool(r);
}

/* Option 12 as a record may keep it (lease.h). */
static void
copy_hostname(const struct dhcp_msg *m, char *out, size_t outlen)
{
	const uint8_t	*v;
	size_t		 len;

	out[0] = '\0';
	if ((v = dhcp_opt_get(m, DHO_HOST_NAME, &len)) != NULL)
		lease_hostname_clean(v, len, out, outlen);
}

/* One option 82 sub-option, cut to what a record keeps. */
static uint8_t
copy_subopt(const uint8_t *v, size_t len, uint8_t code, uint8_t *out)
{
	const uint8_t	*sv;
	size_t		 n;

	if (v == NULL || (sv = dhcp_subopt_get(v, len, code, &n)) == NULL)
		return 0;
	if (n > LEASE_RELAY_ID_MAX)
		n = LEASE_RELAY_ID_MAX;
	memcpy(out, sv, n);
	return (uint8_t)n;
}

/* Where the request came from, kept with the binding it makes. */
static void
copy_relay(const struct dhcp_msg *m, struct lease_relay *r)
{
	const uint8_t	*v;
	size_t		 len = 0;

	r->giaddr = m->giaddr;
	v = dhcp_opt_get(m, DHO_RELAY_AGENT_INFO, &len);
	r->circuit_len = copy_subopt(v, len, 1, r->circuit_id);
	r->remote_len = copy_subopt(v, len, 2, r->remote_id);
}

static bool
make_client(struct req *r)
{
	struct pool_client *c = &r->c;
	const struct dhcp_msg *m = r->m;

	memset(c, 0, sizeof(*c));
	if (!dhcp_client_key(m, &c->key))
		return false;
	c->htype = m->htype;
	c->hlen = m->hlen > DHCP_CHADDR_LEN ? DHCP_CHADDR_LEN : m->hlen;
	memcpy(c->chaddr, m->chaddr, c->hlen);
	copy_hostname(m, c->hostname, sizeof(c->hostname));
	copy_relay(m, &c->relay);
	c->granted_by = r->e->role == ENGINE_FAILOVER ? LEASE_BY_FAILOVER :
	    LEASE_BY_PRIMARY;
	c->classes = classify(r->e->cfg, m);
	r->have_client = true;
	return true;
}

static uint32_t
lease_secs(const struct cfg_subnet *sn, const struct dhcp_msg *m)
{
	uint32_t	 lt, lo, hi, req;

	lt = sn->lease_time != 0 ? sn->lease_time : 3600;
	hi = sn->max_lease_time != 0 ? sn->max_lease_time : lt;
	lo = sn->min_lease_time;
	if (lo > hi)
		lo = hi;
	if (lo == 0)
		lo = 1;
	/* RFC 2131 4.3.1: the client may ask; the server decides. */
	if (dhcp_opt_get_u32(m, DHO_LEASE_TIME, &req))
		lt = req;
	if (lt > hi)
		lt = hi;
	if (lt < lo)
		lt = lo;
	return lt;
}

static void
renew_times(const struct cfg_subnet *sn, uint32_t lt, uint32_t *t1,
    uint32_t *t2)
{
	double		 r1 = sn->t1_ratio, r2 = sn->t2_ratio;

	/* RFC 2131 4.4.5: T1 defaults to 0.5, T2 to 0.875 of the lease. */
	if (!(r1 > 0.0 && r1 < 1.0 && r2 > 0.0 && r2 < 1.0 && r1 < r2)) {
		r1 = 0.5;
		r2 = 0.875;
	}
	*t1 = (uint32_t)((double)lt * r1);
	*t2 = (uint32_t)((double)lt * r2);
}

static bool
wanted(const struct req *r, uint8_t code)
{
	if (r->res->prl == NULL)
		return true;
	return memchr(r->res->prl, code, r->res->prl_len) != NULL;
}

/*
 * Replies.
 */

/* Header (RFC 2131 table 3) plus 53 and 54; type 0 builds a BOOTREPLY. */
static struct dhcp_msg *
reply_init(struct req *r, uint8_t type)
{
	struct dhcp_msg	*rp = &r->res->reply;
	const struct dhcp_msg *m = r->m;

	dhcp_msg_init(rp);
	rp->op = BOOTREPLY;
	rp->htype = m->htype;
	rp->hlen = m->hlen;
	rp->xid = m->xid;
	rp->flags = m->flags;
	rp->giaddr = m->giaddr;
	memcpy(rp->chaddr, m->chaddr, sizeof(rp->chaddr));
	rp->has_cookie = true;
	if (type != 0) {
		(void)dhcp_opt_set_u8(rp, DHO_MESSAGE_TYPE, type);
		(void)dhcp_opt_set_u32(rp, DHO_SERVER_ID, server_id(r));
	}
	return rp;
}

/* Last, so a large echoed option cannot crowd out the configuration. */
static void
reply_echo(struct req *r, bool dhcp)
{
	const uint8_t	*v;
	size_t		 len;

	if (dhcp && (v = dhcp_opt_get(r->m, DHO_CLIENT_ID, &len)) != NULL &&
	    len > 0)
		(void)dhcp_opt_set(&r->res->reply, DHO_CLIENT_ID, v, len);
	/* RFC 3011 3: a server that used it returns it as it came. */
	if (dhcp && (v = dhcp_opt_get(r->m, DHO_SUBNET_SELECTION, &len)) !=
	    NULL && len == 4)
		(void)dhcp_opt_set(&r->res->reply, DHO_SUBNET_SELECTION, v,
		    len);
	if ((v = dhcp_opt_get(r->m, DHO_RELAY_AGENT_INFO, &len)) != NULL &&
	    len > 0)
		(void)dhcp_opt_set(&r->res->reply, DHO_RELAY_AGENT_INFO, v,
		    len);
}

static void
add_lease_opts(struct req *r, uint32_t lt)
{
	struct dhcp_msg	*rp = &r->res->reply;
	uint32_t	 t1, t2;

	renew_times(pool_subnet(r->p), lt, &t1, &t2);
	(void)dhcp_opt_set_u32(rp, DHO_LEASE_TIME, lt);
	(void)dhcp_opt_set_u32(rp, DHO_RENEWAL_TIME, t1);
	(void)dhcp_opt_set_u32(rp, DHO_REBINDING_TIME, t2);
}

/*
 * What the configuration hands this client (reply_opts.h): 1 from the
 * subnet, then every level's options and boot fields, then 28 from the
 * subnet unless a level set it.
 */
static void
add_config_opts(struct req *r, const struct cfg_host *h)
{
	const struct cfg_subnet *sn = pool_subnet(r->p);
	struct dhcp_msg	*rp = &r->res->reply;
	struct reply_levels lv;
	uint32_t	 bcast;

	(void)dhcp_opt_set_u32(rp, DHO_SUBNET_MASK, sn->mask);
	reply_levels(r->e->cfg, sn, h, r->c.classes, &lv);
	reply_opts_fill(rp, &lv, r->res->prl, r->res->prl_len, true);
	bcast = sn->broadcast != 0 ? sn->broadcast :
	    (sn->network & sn->mask) | ~sn->mask;
	if (!dhcp_opt_has(rp, DHO_BROADCAST_ADDRESS) &&
	    wanted(r, DHO_BROADCAST_ADDRESS))
		(void)dhcp_opt_set_u32(rp, DHO_BROADCAST_ADDRESS, bcast);
}

/* RFC 2131 4.1, with the NAK-to-ciaddr choice explained at the top. */
static void
set_dest(struct req *r, bool nak)
{
	struct engine_result *res = r->res;
	const struct dhcp_msg *m = r->m;
	uint16_t	 sport = server_port(r);

	if (m->giaddr != 0) {
		res->dest = ENGINE_DEST_RELAY;
		res->dst_addr = m->giaddr;
		res->dst_port = sport;
		if (nak)
			res->reply.flags |= DHCP_BROADCAST_FLAG;
		return;
	}
	res->dst_port = (uint16_t)(sport + 1);
	if (m->ciaddr != 0) {
		res->dest = ENGINE_DEST_CIADDR;
		res->dst_addr = m->ciaddr;
	} else if (nak || (m->flags & DHCP_BROADCAST_FLAG) != 0 ||
	    res->reply.yiaddr == 0 || m->hlen == 0) {
		res->dest = ENGINE_DEST_BROADCAST;
		res->dst_addr = ADDR_BROADCAST;
	} else {
		res->dest = ENGINE_DEST_CHADDR;
		res->dst_addr = res->reply.yiaddr;
	}
}

static void
reply_done(struct req *r, uint8_t type)
{
	r->res->action = ENGINE_REPLY;
	r->e->ctr.tx[type]++;
}

static void
send_nak(struct req *r, const char *why)
{
	struct dhcp_msg	*rp = reply_init(r, DHCPNAK);

	/* Table 3: no yiaddr, no ciaddr, only 53, 54, 56 (+61, 82). */
	(void)dhcp_opt_set(rp, DHO_MESSAGE, why, strlen(why));
	reply_echo(r, true);
	r->res->needs_commit = false;
	set_dest(r, true);
	reply_done(r, DHCPNAK);
}

/*
 * The pool's answer to an offer or a binding: true if it took it; else
 * the request is dropped (no memory) or answered with `refused`.
 */
static bool
pool_took(struct req *r, enum pool_err pe, void (*refused)(struct req *))
{
	switch (pe) {
	case POOL_OK:
		return true;
	case POOL_ERR_NOMEM:
		drop(r, ENGINE_DROP_NO_MEMORY);
		return false;
	default:
		refused(r);
		return false;
	}
}

static void
refuse_no_free(struct req *r)
{
	drop(r, ENGINE_DROP_NO_FREE_ADDRESS);
}

static void
refuse_nak(struct req *r)
{
	send_nak(r, "address not available");
}

/* The reservation to name in option 12, if addr is this client's. */
static const struct cfg_host *
own_host(const struct req *r, uint32_t addr)
{
	const struct cfg_host *h = pool_addr_host(r->p, addr);

	if (h == NULL || !r->have_client || pool_host_for(r->p, &r->c) != h)
		return NULL;
	return h;
}

/* The client holds a live binding at addr (a renewal, not a new one). */
static bool
holds_live(const struct req *r, uint32_t addr)
{
	const struct lease *l = pool_lease_at(r->p, addr);

	return l != NULL && pool_lease_is_client(l, &r->c) &&
	    l->state == LEASE_BOUND && l->ends > r->in->now;
}

/* The client holds an unexpired offer or binding in r->p. */
static bool
holds_any(const struct req *r)
{
	const struct lease *l = pool_find_for_client(r->p, &r->c, r->in->now);

	return l != NULL && l->ends > r->in->now &&
	    (l->state == LEASE_BOUND || l->state == LEASE_OFFERED);
}

/* One token from the bucket of `kind` for the key of a and b. */
static bool
take(struct req *r, enum rl_kind kind, const void *a, size_t alen,
    const void *b, size_t blen, uint32_t rate, uint32_t burst)
{
	int64_t		 ms = r->in->now_ms != 0 ? r->in->now_ms :
			    r->in->now * 1000;

	if (rate == 0)
		return true;
	return rl_take(&r->e->rl->t[kind], rl_key(a, alen, b, blen), rate,
	    burst, ms);
}

/*
 * The new-client limits, as explained at the top: true (and the request
 * dropped with the reason) when a bucket is empty.  Free for a client
 * holding something, and for the second pass of a parked request.
 */
static bool
over_limit(struct req *r)
{
	const struct cfg_server *s = &r->e->cfg->server;
	const uint8_t	*v = NULL, *sv;
	uint32_t	 relay = r->in->link_addr != 0 ? r->in->link_addr :
			    r->m->giaddr;
	size_t		 len = 0, n;
	enum engine_drop why = ENGINE_DROP_NONE;

	if (r->e->rl == NULL || (s->new_rate_client == 0 &&
	    s->new_rate_remote_id == 0 && s->new_rate_circuit == 0 &&
	    s->new_rate_relay == 0))
		return false;
	if (r->in->pinged_addr != 0 || r->in->approved_addr != 0 ||
	    holds_any(r))
		return false;
	if (r->m->giaddr != 0)
		v = dhcp_opt_get(r->m, DHO_RELAY_AGENT_INFO, &len);
	if (!take(r, RL_CLIENT, r->c.key.bytes, r->c.key.len, NULL, 0,
	    s->new_rate_client, s->new_burst_client))
		why = ENGINE_DROP_RATE_CLIENT;
	else if (v != NULL &&
	    (sv = dhcp_subopt_get(v, len, RAI_REMOTE_ID, &n)) != NULL &&
	    !take(r, RL_REMOTE_ID, sv, n, NULL, 0, s->new_rate_remote_id,
	    s->new_burst_remote_id))
		why = ENGINE_DROP_RATE_REMOTE_ID;
	else if (v != NULL &&
	    (sv = dhcp_subopt_get(v, len, RAI_CIRCUIT_ID, &n)) != NULL &&
	    !take(r, RL_CIRCUIT, &r->m->giaddr, sizeof(r->m->giaddr), sv, n,
	    s->new_rate_circuit, s->new_burst_circuit))
		why = ENGINE_DROP_RATE_CIRCUIT;
	else if (relay != 0 && !take(r, RL_RELAY, &relay, sizeof(relay),
	    NULL, 0, s->new_rate_relay, s->new_burst_relay))
		why = ENGINE_DROP_RATE_RELAY;
	if (why == ENGINE_DROP_NONE)
		return false;
	drop(r, why);
	return true;
}

/*
 * Seconds for a binding of addr: the normal time (lease_secs), or
 * UnofferedLeaseTime when shorter for a binding made without our offer
 * that the client does not already hold.
 */
static uint32_t
bind_secs(const struct req *r, uint32_t addr, bool unoffered)
{
	uint32_t	 lt = lease_secs(pool_subnet(r->p), r->m);
	uint32_t	 u = r->e->cfg->server.unoffered_lease_time;

	if (unoffered && u != 0 && u < lt && !holds_live(r, addr))
		return u;
	return lt;
}

/*
 * A primary's binding that needs the failover's word first: a share
 * address, unless it renews the client's live binding there.
 */
static bool
needs_approval(const struct req *r, uint32_t addr)
{
	if (r->e->role != ENGINE_PRIMARY || !pool_in_share(r->p, addr))
		return false;
	if (holds_live(r, addr))
		return false;
	return !(r->in->approved_addr == addr && !r->in->approval_refused);
}

/* Propose the binding (nothing changes until the verdict). */
static void
ask_approval(struct req *r, uint32_t addr, uint32_t lt)
{
	struct lease	*l = &r->res->approve;

	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = r->c.htype;
	l->hlen = r->c.hlen;
	memcpy(l->chaddr, r->c.chaddr, sizeof(l->chaddr));
	l->key = r->c.key;
	memcpy(l->hostname, r->c.hostname, sizeof(l->hostname));
	l->granted_by = r->c.granted_by;
	l->relay = r->c.relay;
	l->starts = r->in->now;
	l->cltt = r->in->now;
	l->ends = r->in->now + (int64_t)lt;
	r->res->action = ENGINE_APPROVE_FIRST;
}

/*
 * The failover holds addr for another client: our copy is behind (it
 * granted it while it stood in for us).  Quarantine it like an address
 * that answered a ping, so it is not offered again, and NAK.
 */
static void
approval_refused(struct req *r, uint32_t addr)
{
	const struct lease *l = pool_lease_at(r->p, addr);
	struct lease	 out;

	if (l != NULL && pool_lease_is_client(l, &r->c) &&
	    l->state == LEASE_OFFERED &&
	    pool_release(r->p, &r->c, addr, r->in->now, &out) == POOL_OK)
		add_change(r, &out);
	if (pool_conflict(r->p, addr, r->in->now, &out) == POOL_OK)
		add_change(r, &out);
	send_nak(r, "address held by the failover");
}

/*
 * Bind addr and answer DHCPACK (REQUEST in any state); unoffered: not
 * the REQUEST for our offer (SELECTING) but a client asking for an
 * address itself.
 */
static void
ack_binding(struct req *r, uint32_t addr, bool unoffered)
{
	struct dhcp_msg	*rp;
	struct lease	 l;
	uint32_t	 lt = bind_secs(r, addr, unoffered);
	bool		 renewal = holds_live(r, addr);

	if (!renewal && over_limit(r))
		return;
	if (needs_approval(r, addr)) {
		if (r->in->approved_addr == addr && r->in->approval_refused)
			approval_refused(r, addr);
		else
			ask_approval(r, addr, lt);
		return;
	}
	if (!pool_took(r, pool_bind(r->p, &r->c, addr, r->in->now, lt, &l),
	    refuse_nak))
		return;
	r->res->renewed = renewal;
	add_change(r, &l);
	r->res->needs_commit = true;
	rp = reply_init(r, DHCPACK);
	rp->ciaddr = r->m->ciaddr;
	rp->yiaddr = addr;
	add_lease_opts(r, lt);
	add_config_opts(r, own_host(r, addr));
	reply_echo(r, true);
	set_dest(r, false);
	reply_done(r, DHCPACK);
}

/*
 * Message handlers.
 */
static bool
need_ping(const struct req *r, uint32_t addr, enum pool_src src)
{
	const struct lease *l;

	if (!r->e->cfg->server.ping_before_assign ||
	    src == POOL_SRC_RESERVED)
		return false;
	l = pool_lease_at(r->p, addr);
	if (src == POOL_SRC_EXISTING && l != NULL && l->ends > r->in->now &&
	    (l->state == LEASE_BOUND || l->state == LEASE_OFFERED))
		return false;
	return true;
}

/*
 * On a shared network, the subnet to try first: the one holding the
 * client's reservation, else its lease, else the address it asks for
 * (RFC 2131 4.3.1's order), else the link's own.
 */
static struct pool *
first_on_link(const struct req *r, struct pool *lp, uint32_t req)
{
	struct pool	*best = lp;
	int		 rank = 0;

	for (size_t i = 0; i < pool_set_count(r->e->pools); i++) {
		struct pool *p = pool_set_get(r->e->pools, i);
		int	 k = 0;

		if (!same_link(lp, p) || !pool_is_serving(p))
			continue;
		if (pool_host_for(p, &r->c) != NULL)
			k = 3;
		else if (pool_find_for_client(p, &r->c, r->in->now) != NULL)
			k = 2;
		else if (req != 0 && pool_contains(p, req))
			k = 1;
		if (k > rank) {
			rank = k;
			best = p;
		}
	}
	return best;
}

/*
 * An address for a new offer from r->p, then, on a shared network, from
 * the link's other subnets in file order: "allocation moves to the next
 * subnet when one is full".  r->p ends as the pool that gave it.
 */
static uint32_t
allocate_on_link(struct req *r, uint32_t req, enum pool_scope *scope,
    enum pool_src *src)
{
	struct pool	*lp = r->p, *p;
	uint32_t	 addr;

	if (shared(lp))
		r->p = r->res->pool = first_on_link(r, lp, req);
	*scope = engine_scope(r->e, r->p, r->in);
	addr = pool_allocate(r->p, &r->c, req, r->in->now, *scope, src);
	for (size_t i = 0; addr == 0 && shared(lp) &&
	    i < pool_set_count(r->e->pools); i++) {
		enum pool_scope sc;

		p = pool_set_get(r->e->pools, i);
		if (p == r->p || !same_link(lp, p) || !pool_is_serving(p))
			continue;
		sc = engine_scope(r->e, p, r->in);
		if ((addr = pool_allocate(p, &r->c, req, r->in->now, sc,
		    src)) != 0) {
			r->p = r->res->pool = p;
			*scope = sc;
		}
	}
	return addr;
}

/* RFC 2131 4.3.1 */
static void
handle_discover(struct req *r)
{
	const struct engine_input *in = r->in;
	struct dhcp_msg	*rp;
	struct lease	 l;
	enum pool_src	 src;
	enum pool_scope	 scope;
	uint32_t	 addr, req = 0, lt;
	unsigned	 round = in->ping_round;

	if (in->pinged_addr != 0 && in->ping_in_use) {
		/* Someone we do not know uses it: quarantine, try another. */
		r->e->ctr.ping_conflicts++;
		if (pool_conflict(pool_on_link(r, r->p, in->pinged_addr),
		    in->pinged_addr, in->now, &l) == POOL_OK)
			add_change(r, &l);
		round++;
	}
	if (!dhcp_opt_get_u32(r->m, DHO_REQUESTED_ADDRESS, &req))
		req = 0;
	if ((addr = allocate_on_link(r, req, &scope, &src)) == 0) {
		drop(r, pool_scope_limited(scope) ?
		    ENGINE_DROP_SHARE_EXHAUSTED : ENGINE_DROP_NO_FREE_ADDRESS);
		return;
	}
	if (over_limit(r))
		return;
	if (need_ping(r, addr, src) &&
	    (in->pinged_addr != addr || in->ping_in_use)) {
		if (round >= ENGINE_PING_ROUNDS) {
			drop(r, ENGINE_DROP_NO_FREE_ADDRESS);
			return;
		}
		r->res->action = ENGINE_PING_FIRST;
		r->res->ping_addr = addr;
		r->res->ping_round = round;
		r->e->ctr.ping_checks++;
		return;
	}
	if (!pool_took(r, pool_offer(r->p, &r->c, addr, in->now, &l),
	    refuse_no_free))
		return;
	/* An offer of a binding the client still holds leaves it as it
	 * is: nothing changed, nothing to write or replicate. */
	if (l.state == LEASE_OFFERED)
		add_change(r, &l);
	lt = lease_secs(pool_subnet(r->p), r->m);
	rp = reply_init(r, DHCPOFFER);
	rp->yiaddr = addr;
	add_lease_opts(r, lt);
	add_config_opts(r, own_host(r, addr));
	reply_echo(r, true);
	set_dest(r, false);
	reply_done(r, DHCPOFFER);
}

/*
 * INIT-REBOOT (init_reboot) or RENEWING/REBINDING: is `addr` right for
 * this client?  ACK, NAK or stay silent, as explained at the top.
 */
static void
verify_address(struct req *r, uint32_t addr, bool init_reboot)
{
	const struct lease *l;
	const struct cfg_host *h;
	int64_t		 now = r->in->now;

	if (!pool_contains(r->p, addr)) {
		if (init_reboot && r->e->cfg->server.authoritative)
			send_nak(r, "wrong network");
		else
			drop(r, ENGINE_DROP_WRONG_SUBNET);
		return;
	}
	switch (pool_addr_kind(r->p, addr)) {
	case POOL_ADDR_OUTSIDE:
		drop(r, ENGINE_DROP_NOT_IN_POOL);
		return;
	case POOL_ADDR_EXCLUDED:
		send_nak(r, "address excluded");
		return;
	default:
		break;
	}
	l = pool_lease_at(r->p, addr);
	if (l != NULL && pool_lease_is_client(l, &r->c)) {
		ack_binding(r, addr, true);
		return;
	}
	if (!pool_addr_available(r->p, addr, &r->c, now)) {
		send_nak(r, "address in use");
		return;
	}
	if ((h = pool_host_for(r->p, &r->c)) != NULL && h->addr != addr &&
	    pool_addr_available(r->p, h->addr, &r->c, now)) {
		send_nak(r, "client has a reservation");
		return;
	}
	l = pool_find_for_client(r->p, &r->c, now);
	if (l != NULL && l->addr != addr && l->state == LEASE_BOUND &&
	    l->ends > now) {
		send_nak(r, "client is bound to another address");
		return;
	}
	ack_binding(r, addr, true);
}

/* RFC 2131 4.3.2 */
static void
handle_request(struct req *r)
{
	const struct lease *l;
	struct lease	 out;
	uint32_t	 sid, want;
	bool		 has_sid, has_want;

	has_sid = dhcp_opt_get_u32(r->m, DHO_SERVER_ID, &sid);
	has_want = dhcp_opt_get_u32(r->m, DHO_REQUESTED_ADDRESS, &want);

	if (has_sid) {
		/* SELECTING */
		r->p = link_pool(r);
		r->res->pool = r->p;
		if (!is_our_id(r, sid)) {
			/* It took another server's offer: ours is free. */
			if (r->p != NULL && (l = pool_find_for_client(r->p,
			    &r->c, r->in->now)) != NULL &&
			    l->state == LEASE_OFFERED &&
			    pool_release(r->p, &r->c, l->addr, r->in->now,
			    &out) == POOL_OK)
				add_change(r, &out);
			drop(r, ENGINE_DROP_NOT_FOR_US);
			return;
		}
		if (!served(r, pool_on_link(r, r->p, has_want ? want : 0)))
			return;
		if (!has_want || want == 0) {
			drop(r, ENGINE_DROP_BAD_REQUEST);
			return;
		}
		l = pool_lease_at(r->p, want);
		if (((l != NULL && pool_lease_is_client(l, &r->c)) ||
		    own_host(r, want) != NULL) &&
		    pool_addr_available(r->p, want, &r->c, r->in->now))
			ack_binding(r, want, false);
		else
			send_nak(r, "address not offered");
		return;
	}

	if (r->m->ciaddr != 0) {
		/* RENEWING (unicast) or REBINDING (broadcast) */
		r->p = client_pool(r);
		want = r->m->ciaddr;
	} else if (has_want && want != 0) {
		/* INIT-REBOOT */
		r->p = link_pool(r);
	} else {
		drop(r, ENGINE_DROP_BAD_REQUEST);
		return;
	}
	if (served(r, pool_on_link(r, r->p, want)))
		verify_address(r, want, r->m->ciaddr == 0);
}

/*
 * DECLINE and RELEASE give an address back: it must be bound to this
 * client in a subnet we serve, or the message is dropped with the
 * reason.  True when it is; r->p is its pool.
 */
static bool
given_back(struct req *r, struct pool *p, uint32_t addr)
{
	const struct lease *l;

	if (!served(r, p))
		return false;
	l = pool_lease_at(p, addr);
	if (l == NULL || !pool_lease_is_client(l, &r->c) ||
	    l->state != LEASE_BOUND) {
		drop(r, ENGINE_DROP_UNKNOWN_LEASE);
		return false;
	}
	return true;
}

/* The pool took the address back (pe): the change is committed, no reply. */
static void
taken_back(struct req *r, enum pool_err pe, const struct lease *out)
{
	if (pe != POOL_OK) {
		drop(r, ENGINE_DROP_UNKNOWN_LEASE);
		return;
	}
	add_change(r, out);
	r->res->needs_commit = true;
	r->res->action = ENGINE_NONE;
}

/* RFC 2131 4.3.3 */
static void
handle_decline(struct req *r)
{
	struct pool	*p;
	struct lease	 out;
	uint32_t	 sid, addr;

	if (!dhcp_opt_get_u32(r->m, DHO_SERVER_ID, &sid) ||
	    !dhcp_opt_get_u32(r->m, DHO_REQUESTED_ADDRESS, &addr) ||
	    addr == 0) {
		drop(r, ENGINE_DROP_BAD_REQUEST);
		return;
	}
	if (!is_our_id(r, sid)) {
		drop(r, ENGINE_DROP_NOT_FOR_US);
		return;
	}
	if ((p = link_pool(r)) == NULL || !pool_contains(p, addr))
		p = pool_set_find(r->e->pools, addr);
	if (given_back(r, p, addr))
		taken_back(r, pool_decline(r->p, &r->c, addr, r->in->now, &out),
		    &out);
}

/* RFC 2131 4.3.4 */
static void
handle_release(struct req *r)
{
	struct lease	 out;
	uint32_t	 sid, addr = r->m->ciaddr;

	if (dhcp_opt_get_u32(r->m, DHO_SERVER_ID, &sid) && !is_our_id(r, sid)) {
		drop(r, ENGINE_DROP_NOT_FOR_US);
		return;
	}
	if (addr == 0) {
		drop(r, ENGINE_DROP_BAD_REQUEST);
		return;
	}
	if (given_back(r, pool_set_find(r->e->pools, addr), addr))
		taken_back(r, pool_release(r->p, &r->c, addr, r->in->now, &out),
		    &out);
}

/*
 * RFC 2131 4.3.5: configuration only; no lease, no yiaddr.  The ACK goes
 * to ciaddr, also when relayed; so a relayed INFORM is answered only
 * when ciaddr is on the relay's link.  Otherwise anyone could have us
 * send ACKs to any address by naming it in ciaddr behind a made-up
 * giaddr (reflection): "wrong-subnet".
 */
static void
handle_inform(struct req *r)
{
	struct dhcp_msg	*rp;
	const struct cfg_host *h = NULL;
	struct pool	*lp;

	if (r->m->ciaddr != 0)
		r->p = pool_set_find(r->e->pools, r->m->ciaddr);
	if (r->m->giaddr != 0 && r->m->ciaddr != 0) {
		lp = link_pool(r);
		r->res->pool = lp;
		if (lp == NULL) {
			drop(r, ENGINE_DROP_NO_SUBNET);
			return;
		}
		if (r->p == NULL || !same_link(lp, r->p)) {
			drop(r, ENGINE_DROP_WRONG_SUBNET);
			return;
		}
	}
	if (r->p == NULL)
		r->p = link_pool(r);
	r->res->pool = r->p;
	if (r->p == NULL) {
		drop(r, ENGINE_DROP_NO_SUBNET);
		return;
	}
	if (r->m->ciaddr != 0)
		h = own_host(r, r->m->ciaddr);
	rp = reply_init(r, DHCPACK);
	rp->ciaddr = r->m->ciaddr;
	add_config_opts(r, h);
	reply_echo(r, true);
	if (r->m->ciaddr != 0) {
		r->res->dest = ENGINE_DEST_CIADDR;
		r->res->dst_addr = r->m->ciaddr;
		r->res->dst_port = (uint16_t)(server_port(r) + 1);
	} else
		set_dest(r, false);
	reply_done(r, DHCPACK);
}

/* RFC 951 / RFC 1542: static BOOTP only, from host reservations. */
static void
handle_bootp(struct req *r)
{
	const struct cfg_host *h;
	const struct cfg_subnet *sn;
	struct dhcp_msg	*rp;
	struct lease	 l;
	bool		 renewal;

	if (!served_link(r))
		return;
	if (shared(r->p))
		r->p = r->res->pool = first_on_link(r, r->p, 0);
	if ((h = pool_host_for(r->p, &r->c)) == NULL) {
		drop(r, ENGINE_DROP_BOOTP_NO_RESERVATION);
		return;
	}
	/* BOOTP has no lease: keep the binding as long as we ever do. */
	sn = pool_subnet(r->p);
	renewal = holds_live(r, h->addr);
	if (!pool_took(r, pool_bind(r->p, &r->c, h->addr, r->in->now,
	    sn->max_lease_time != 0 ? sn->max_lease_time : sn->lease_time,
	    &l), refuse_no_free))
		return;
	r->res->renewed = renewal;
	add_change(r, &l);
	r->res->needs_commit = true;
	rp = reply_init(r, 0);
	rp->ciaddr = r->m->ciaddr;
	rp->yiaddr = h->addr;
	add_config_opts(r, h);
	reply_echo(r, false);
	set_dest(r, false);
	reply_done(r, 0);
}

/* Not a memset: the reply alone is ~5.6 KB and is set when used. */
static void
result_reset(struct engine_result *res)
{
	res->action = ENGINE_DROP;
	res->drop = ENGINE_DROP_NONE;
	res->drop_name = NULL;
	res->prl = NULL;
	res->prl_len = 0;
	res->max_len = 0;
	res->dest = ENGINE_DEST_BROADCAST;
	res->dst_addr = 0;
	res->dst_port = 0;
	res->ping_addr = 0;
	res->ping_round = 0;
	res->needs_commit = false;
	res->renewed = false;
	res->nchanges = 0;
	res->pool = NULL;
}

/* RFC 2131 4.1: how big a reply the client takes, and in what order. */
static void
reply_shape(const struct dhcp_msg *m, struct engine_result *res)
{
	uint16_t	 mms;
	size_t		 len;

	res->prl = dhcp_opt_get(m, DHO_PARAM_REQUEST_LIST, &len);
	res->prl_len = res->prl != NULL ? len : 0;
	res->max_len = DHCP_DEFAULT_MAX;
	if (dhcp_opt_get_u16(m, DHO_MAX_MESSAGE_SIZE, &mms) &&
	    mms > res->max_len)
		res->max_len = mms;
	res->max_len -= DHCP_IP_UDP_HDR;
	if (res->max_len > DHCP_PKT_MAX)
		res->max_len = DHCP_PKT_MAX;
}

/* RFC 2131 4.3.1: a DISCOVER is answered from the pool of its link. */
static void
handle_discover_on_link(struct req *r)
{
	if (served_link(r))
		handle_discover(r);
}

void
engine_handle(struct engine *e, const struct engine_input *in,
    struct engine_result *res)
{
	struct req	 r;
	const struct dhcp_msg *m = in->msg;

	result_reset(res);
	memset(&r, 0, sizeof(r));
	r.e = e;
	r.in = in;
	r.m = m;
	r.res = res;

	if (m == NULL) {
		drop(&r, ENGINE_DROP_BAD_REQUEST);
		return;
	}
	if (m->msg_type < ENGINE_MSG_SLOTS)
		e->ctr.rx[m->msg_type]++;
	if (m->op != BOOTREQUEST) {
		drop(&r, ENGINE_DROP_SERVER_MSG);
		return;
	}
	reply_shape(m, res);

	switch (m->msg_type) {
	case DHCPOFFER:
	case DHCPACK:
	case DHCPNAK:
		drop(&r, ENGINE_DROP_SERVER_MSG);
		return;
	case DHCPINFORM:
		(void)make_client(&r);	/* only to name a reservation */
		handle_inform(&r);
		return;
	case 0:
	case DHCPDISCOVER:
	case DHCPREQUEST:
	case DHCPDECLINE:
	case DHCPRELEASE:
		break;
	default:
		drop(&r, ENGINE_DROP_UNKNOWN_TYPE);
		return;
	}
	if (!make_client(&r)) {
		drop(&r, ENGINE_DROP_NO_CLIENT_ID);
		return;
	}
	switch (m->msg_type) {
	case 0:
		handle_bootp(&r);
		break;
	case DHCPDISCOVER:
		handle_discover_on_link(&r);
		break;
	case DHCPREQUEST:
		handle_request(&r);
		break;
	case DHCPDECLINE:
		handle_decline(&r);
		break;
	case DHCPRELEASE:
		handle_release(&r);
		break;
	}
}
