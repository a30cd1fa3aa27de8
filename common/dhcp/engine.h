/*
 * DHCP protocol engine (RFC 2131 4.3): one decoded request in, one
 * decision out (drop, reply, or "ping this address first"), plus the
 * lease changes the caller must persist.
 *
 * Pure: no I/O, no clock, no logging, no globals.  The daemon's loop
 * decodes, calls engine_handle(), commits result->changes (before
 * sending when needs_commit), encodes result->reply with
 * dhcp_msg_encode(..., prl, prl_len, max_len, ...) and sends it to the
 * destination given.  The primary drives it for its subnets; the
 * failover drives one per primary it stands in for.
 */
#ifndef DHCPFO_ENGINE_H
#define DHCPFO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhcp_codec.h"
#include "lease.h"
#include "pool.h"
#include "ratelimit.h"

/* Addresses found in use by ping before the engine gives up on a DISCOVER. */
#define ENGINE_PING_ROUNDS	8
/* Most lease changes one request can cause (a conflict plus an offer). */
#define ENGINE_MAX_CHANGES	4

enum engine_action {
	ENGINE_DROP = 0,	/* nothing to send; see drop */
	ENGINE_REPLY,		/* send reply to the destination */
	ENGINE_PING_FIRST,	/* check ping_addr, then call again with the
				 * verdict (pinged_addr, ping_in_use,
				 * ping_round = result's ping_round) */
	ENGINE_NONE,		/* handled (DECLINE, RELEASE), no reply */
	ENGINE_APPROVE_FIRST	/* a primary's new binding in the failover's
				 * share: ask the failover to approve
				 * `approve` first, then call again with the
				 * verdict (approved_addr, approval_refused);
				 * no verdict, no reply */
};

enum engine_drop {
	ENGINE_DROP_NONE = 0,
	ENGINE_DROP_NO_SUBNET,		/* "no-subnet" */
	ENGINE_DROP_NOT_SERVING,	/* "not-serving": subnet handed off */
	ENGINE_DROP_NOT_FOR_US,		/* "not-for-us": option 54 names
					 * another server */
	ENGINE_DROP_NO_FREE_ADDRESS,	/* "no-free-address" */
	ENGINE_DROP_BAD_REQUEST,	/* "bad-request": a field RFC 2131
					 * requires is missing */
	ENGINE_DROP_UNKNOWN_TYPE,	/* "unknown-type" */
	ENGINE_DROP_BOOTP_NO_RESERVATION, /* "bootp-no-reservation" */
	ENGINE_DROP_SERVER_MSG,		/* "server-msg": BOOTREPLY, OFFER,
					 * ACK or NAK sent to us */
	ENGINE_DROP_NO_CLIENT_ID,	/* "no-client-id": no option 61 and
					 * no hardware address */
	ENGINE_DROP_NOT_IN_POOL,	/* "not-in-pool": address of one of
					 * our subnets but outside its
					 * ranges and reservations */
	ENGINE_DROP_WRONG_SUBNET,	/* "wrong-subnet": RENEW/REBIND for
					 * an address not on that link,
					 * INIT-REBOOT off-subnet when not
					 * authoritative, or a relayed
					 * INFORM whose ciaddr is not on
					 * the relay's link */
	ENGINE_DROP_UNKNOWN_LEASE,	/* "unknown-lease": DECLINE/RELEASE
					 * for an address not bound to the
					 * client */
	ENGINE_DROP_NO_MEMORY,		/* "no-memory" */
	ENGINE_DROP_SHARE_EXHAUSTED,	/* "share-exhausted": the failover
					 * in its safe period has no free
					 * address left in its share */
	/* New-client rate limits (ratelimit.h, docs/security.md): an
	 * offer or binding for a client holding none, over the limit of
	 * its relay, circuit-id, remote-id or its own. */
	ENGINE_DROP_RATE_RELAY,		/* "rate-relay" */
	ENGINE_DROP_RATE_CIRCUIT,	/* "rate-circuit" */
	ENGINE_DROP_RATE_REMOTE_ID,	/* "rate-remote-id" */
	ENGINE_DROP_RATE_CLIENT,	/* "rate-client" */
	ENGINE_DROP_COUNT
};

const char	*engine_drop_name(enum engine_drop);
/* d is one of the new-client rate limits (the daemons log those). */
bool		 engine_drop_is_rate_limit(enum engine_drop d);
const char	*engine_action_name(enum engine_action);

/* RFC 2131 4.1 destination of a reply. */
enum engine_dest {
	ENGINE_DEST_RELAY = 0,	/* giaddr, server port */
	ENGINE_DEST_CIADDR,	/* unicast to ciaddr, client port */
	ENGINE_DEST_BROADCAST,	/* 255.255.255.255, client port */
	ENGINE_DEST_CHADDR	/* unicast to yiaddr at chaddr (link layer,
				 * the client has no address yet) */
};

struct engine_input {
	const struct dhcp_msg *msg;	/* decoded request */
	uint32_t	 link_addr;	/* giaddr if nonzero, else the address
					 * of the receiving interface, else 0 */
	uint32_t	 iface_server_addr; /* our address on the receiving
					 * interface; 0 if relayed/unknown */
	int64_t		 now;		/* unix seconds */
	int64_t		 now_ms;	/* the same in milliseconds, for the
					 * rate limits; 0: now * 1000 */
	/* Ping verdict when re-submitting after ENGINE_PING_FIRST. */
	uint32_t	 pinged_addr;	/* 0: no ping was done */
	bool		 ping_in_use;	/* it answered */
	unsigned	 ping_round;	/* echo result->ping_round */
	/* The failover's verdict when re-submitting after
	 * ENGINE_APPROVE_FIRST (ENGINE_PRIMARY). */
	uint32_t	 approved_addr;	/* 0: none */
	bool		 approval_refused; /* bound to another client there */
	/*
	 * ENGINE_FAILOVER: when we last heard from the primary (unix
	 * seconds; the daemon never passes a time earlier than the truth),
	 * and whether an operator declared it down (partner-down): the
	 * safe period (share.h) runs from `partner_heard` unless
	 * `partner_down`.
	 */
	int64_t		 partner_heard;
	bool		 partner_down;
};

struct engine_result {
	enum engine_action action;
	enum engine_drop drop;
	const char	*drop_name;	/* engine_drop_name(drop) */

	/* ENGINE_REPLY: the message to encode, and how. */
	struct dhcp_msg	 reply;
	const uint8_t	*prl;		/* option 55 of the request (points
					 * into the request), or NULL */
	size_t		 prl_len;
	size_t		 max_len;	/* max(576, option 57) - 28, capped
					 * at DHCP_PKT_MAX */
	enum engine_dest dest;
	uint32_t	 dst_addr;	/* host order */
	uint16_t	 dst_port;

	/* ENGINE_PING_FIRST */
	uint32_t	 ping_addr;
	unsigned	 ping_round;

	/* ENGINE_APPROVE_FIRST: the binding to propose (BOUND; seq 0, for
	 * the caller to number). */
	struct lease	 approve;

	/*
	 * Lease records to persist, whatever the action.  needs_commit:
	 * they must be durable before the reply leaves (an ACK, RFC 2131
	 * 4.3.2; docs/design.md §5 "durable before acknowledged") or, with no
	 * reply, they must be committed now (DECLINE, RELEASE).  Otherwise
	 * (offers, conflicts, a turned-down offer) they may be written
	 * lazily.
	 */
	bool		 needs_commit;
	/* A binding ACKed (DHCPACK, BOOTREPLY) that the client already
	 * held, live, at that address: a renewal rather than a new grant
	 * (the lease log tells them apart). */
	bool		 renewed;
	size_t		 nchanges;
	struct lease	 changes[ENGINE_MAX_CHANGES];
	struct pool	*pool;		/* subnet the request was served from */
};

/* Indexed by message type; [0] counts BOOTP (no option 53). */
#define ENGINE_MSG_SLOTS	(DHCPINFORM + 1)

struct engine_counters {
	uint64_t	 rx[ENGINE_MSG_SLOTS];
	uint64_t	 tx[ENGINE_MSG_SLOTS];	/* replies produced */
	uint64_t	 drops[ENGINE_DROP_COUNT];
	uint64_t	 ping_checks;	/* PING_FIRST results */
	uint64_t	 ping_conflicts; /* pinged addresses found in use */
};

/*
 * Whose rules apply to new bindings (docs/safety.md): which addresses a
 * new client may get (enum pool_scope) and whether the failover must
 * approve one first.
 */
enum engine_role {
	ENGINE_ALONE = 0,	/* no failover: every address */
	ENGINE_PRIMARY,		/* a primary with a failover: its own part;
				 * the share only with the failover's
				 * approval (ENGINE_APPROVE_FIRST) */
	ENGINE_FAILOVER		/* the failover standing in for a primary:
				 * its share until the safe period ends */
};

struct engine {
	const struct config *cfg;
	struct pool_set	*pools;
	struct engine_counters ctr;
	enum engine_role role;
	bool		 borrow;	/* ENGINE_FAILOVER: OnShareExhausted =
					 * borrow */
	struct ratelimit *rl;		/* new-client buckets; NULL: no
					 * limits */
};

/* cfg and pools must outlive the engine.  Returns 0, or -1 on NULL.
 * The role starts as ENGINE_ALONE. */
int	engine_init(struct engine *, const struct config *, struct pool_set *);
void	engine_set_role(struct engine *, enum engine_role, bool borrow);
/* The daemon's buckets (it owns and frees them; they outlive a reload's
 * engine_init, which forgets them: attach again).  NULL: no limits. */
void	engine_set_ratelimit(struct engine *, struct ratelimit *);
/* The scope of a new binding in pool p for a request at `in`. */
enum pool_scope engine_scope(const struct engine *, const struct pool *p,
	    const struct engine_input *in);
/*
 * The address naming the link of request m, received with link_addr
 * (giaddr, else the receiving interface's address, else 0): option 82
 * sub-option 5 from a relay (RFC 3527), else option 118 (RFC 3011), else
 * link_addr, else giaddr.  The subnet containing it serves the request.
 */
uint32_t engine_link_address(const struct dhcp_msg *m, uint32_t link_addr);

/* *res is overwritten; res->reply is meaningful only for ENGINE_REPLY. */
void	engine_handle(struct engine *, const struct engine_input *,
	    struct engine_result *);

#endif
