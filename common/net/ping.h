/*
 * ICMP echo check of an address before it is offered (docs/design.md §3: the
 * failover's TakeoverPingCheck; the primary's PingBeforeAssign), run
 * without blocking inside a libev loop.  One context per loop (per
 * thread); each owns a raw ICMP socket and can have many checks in
 * flight.  Addresses are in host byte order.
 *
 * Verdicts: "in use" at the first echo reply whose source, identifier and
 * sequence number match a check; "not in use" send_delay_ms after the last
 * request went out with no such reply.  A request the kernel refuses to
 * send (no route, EHOSTUNREACH, a firewall's EPERM, a full buffer) counts
 * as "no answer" for that attempt, and is counted in send_errors: the
 * address cannot be reached from here, so nobody on it can be harmed by
 * a duplicate that we could have detected; the operator sees the errors.
 * ICMP errors (destination unreachable) are not listened for either: only
 * an echo reply proves the address is taken.
 */
#ifndef DHCPFO_PING_H
#define DHCPFO_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct ping_ctx;

/* Limits ping_check() enforces (EINVAL / EBUSY beyond them). */
#define PING_MAX_ATTEMPTS	16
#define PING_MAX_DELAY_MS	60000
#define PING_MAX_INFLIGHT	8192

struct ping_stats {
	uint64_t	checks;		/* ping_check() calls accepted */
	uint64_t	sent;		/* echo requests the kernel took */
	uint64_t	send_errors;	/* requests refused: "no answer" */
	uint64_t	replies;	/* echo replies that matched a check */
	uint64_t	in_use;		/* verdicts: in use */
	uint64_t	timeouts;	/* verdicts: not in use */
	uint64_t	cancelled;	/* checks dropped by a cancel */
	uint64_t	ignored;	/* ICMP not for us (other id, seq, source) */
	uint64_t	malformed;	/* rejected by pkt_icmp_echo_parse() */
	int		last_errno;	/* of the last send or receive error */
};

typedef void	(*ping_done_cb)(void *arg, uint32_t addr, bool in_use);

/*
 * Opens the raw ICMP socket (needs CAP_NET_RAW) and starts watching it on
 * loop.  Returns NULL with the reason in err.
 */
struct ping_ctx	*ping_open(struct ev_loop *loop, char *err, size_t errlen);

/*
 * Starts a check of addr: the first echo request leaves now, the others
 * send_delay_ms apart; done(arg, addr, in_use) is called exactly once,
 * always from the loop, never from inside ping_check().  A send_delay_ms
 * of 0 gives the verdict on the next loop iteration after the last
 * request, which only catches an answer that is already queued.
 * Returns 0, or -1 with errno: EINVAL (attempts 0 or above
 * PING_MAX_ATTEMPTS, delay above PING_MAX_DELAY_MS, addr 0.0.0.0 or
 * multicast/broadcast, done NULL), EBUSY (PING_MAX_INFLIGHT checks in
 * flight), ENOMEM.
 */
int		 ping_check(struct ping_ctx *ctx, uint32_t addr,
		    unsigned int attempts, unsigned int send_delay_ms,
		    ping_done_cb done, void *arg);

/*
 * Drops checks without calling their done callbacks: every check, or
 * those started with arg (e.g. when the client request they serve is
 * abandoned).  Safe inside a done callback.  Returns how many.
 */
unsigned int	 ping_cancel_all(struct ping_ctx *ctx);
unsigned int	 ping_cancel_arg(struct ping_ctx *ctx, const void *arg);

unsigned int	 ping_inflight(const struct ping_ctx *ctx);
void		 ping_get_stats(const struct ping_ctx *ctx,
		    struct ping_stats *out);
/* The ICMP identifier this context puts in its requests (for debugging). */
uint16_t	 ping_ident(const struct ping_ctx *ctx);

/* Cancels everything (no callbacks) and frees ctx; not from a callback. */
void		 ping_close(struct ping_ctx *ctx);

#endif
