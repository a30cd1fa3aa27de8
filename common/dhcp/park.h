/*
 * Requests parked while a verdict is awaited, for both daemons
 * (docs/architecture.md convention 13): a DISCOVER while the address the
 * engine chose is pinged (ENGINE_PING_FIRST, common/net/ping.c), or a
 * REQUEST while the failover is asked to approve its binding
 * (ENGINE_APPROVE_FIRST, the primary only: primary/approve.c).
 *
 * Nothing is held for a parked request: when its verdict comes the set
 * hands the request back to the daemon's callback with the verdict in an
 * engine_input, and the daemon runs the engine again and applies the
 * result (its own "apply": what is staged, how replies leave).
 *
 * A set bounds how many wait; past that a request is dropped and counted
 * as backlog (the client retries).  It forgets them all when the daemon
 * stops serving or shuts down, without calling back.  Single-threaded:
 * one set belongs to one libev loop.
 */
#ifndef DHCPFO_PARK_H
#define DHCPFO_PARK_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "dhcp_codec.h"
#include "engine.h"

struct ping_ctx;
struct parked;

/* Where a request came from, as the daemon needs it to answer. */
struct park_origin {
	void		*sock;		/* the daemon's own socket handle */
	int		 fd;
	unsigned int	 ifindex;
	uint32_t	 src_addr;	/* host order */
	uint16_t	 src_port;
	uint32_t	 link_addr;	/* giaddr, or the interface's address */
	uint32_t	 iface_addr;	/* our address on the link (or 0) */
	double		 rx_time;	/* when it arrived (netio_pkt) */
};

/* The ping check to run (the daemon's configuration of the moment). */
struct park_ping {
	struct ping_ctx	*ctx;		/* NULL: none can run */
	unsigned int	 attempts;
	unsigned int	 send_delay_ms;
};

struct park_counters {
	uint64_t	 parked;	/* requests that waited */
	uint64_t	 backlog;	/* dropped: too many waiting, no memory,
					 * or the check could not start */
	uint64_t	 expired;	/* given up at their deadline */
	uint64_t	 cancelled;	/* forgotten by park_cancel_all */
};

/*
 * The verdict for a parked request: `in` carries the request (msg,
 * link_addr, iface_server_addr) and the verdict (pinged_addr,
 * ping_in_use, ping_round; or approved_addr, approval_refused); the
 * daemon fills in the rest (now, ...), runs the engine and applies the
 * result.  `in` and what it points to live until the callback returns.
 */
typedef void	(*park_done_cb)(void *arg, const struct park_origin *from,
		    struct engine_input *in);

struct park_set {
	struct ev_loop	*loop;
	struct parked	*head;		/* newest first: the oldest is last */
	unsigned int	 n, max;
	park_done_cb	 done;
	void		*arg;
	ev_timer	 deadline_w;	/* the oldest deadline (park_hold) */
	struct park_counters ctr;
};

void		 park_init(struct park_set *, struct ev_loop *,
		    unsigned int max, park_done_cb, void *arg);
/* Forgets everything (no callbacks); the set may be used again. */
void		 park_cancel_all(struct park_set *);
unsigned int	 park_count(const struct park_set *);

/*
 * Parks m and pings addr (round: the engine's ping_round); the verdict
 * comes through the callback.  -1 when it cannot wait (counted in
 * backlog): the request is dropped.
 */
int		 park_ping(struct park_set *, const struct park_ping *,
		    const struct park_origin *, const struct dhcp_msg *m,
		    uint32_t addr, unsigned int round);

/*
 * Whether one more may wait; false counts a backlog drop.  For a caller
 * that must do something before park_hold (ask for the verdict) only if
 * the request can wait for it.
 */
bool		 park_room(struct park_set *);
/*
 * Parks m under key (e.g. the sequence of the question asked) until
 * park_resume(key) or until deadline (ev_now time): then it is dropped,
 * counted in expired.  Deadlines should grow with each call (the oldest
 * request's is watched).  -1 (counted in backlog) when it cannot wait.
 */
int		 park_hold(struct park_set *, const struct park_origin *,
		    const struct dhcp_msg *m, uint64_t key, uint32_t addr,
		    double deadline);
/*
 * The approval verdict on the request parked under key: approved, or
 * refused (the address is someone else's); neither drops the request
 * (nobody could decide; the client asks again).  Otherwise the callback
 * runs with approved_addr (the addr given to park_hold) and
 * approval_refused.  False if nothing waits under key.
 */
bool		 park_resume(struct park_set *, uint64_t key, bool approved,
		    bool refused);

#endif
