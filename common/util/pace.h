/*
 * Loop pacing: under load, at most one loop turn per interval, so each
 * turn reads, answers and commits everything that arrived meanwhile.
 *
 * Cost model (docs/performance.md).  What a loop turn costs does not
 * depend on how much it carries: the wake-up (about 15 us of CPU on the
 * virtual machines we measure on), the poll, one recvmmsg, one or two
 * sendmmsg and one group commit, whose fdatasync is two device
 * operations (about 70-100 us).  One DHCP exchange inside a turn costs
 * about 7 us.  A loop that turns for every datagram at 1,000 DORA/s pays
 * the fixed part once per datagram and the commit once per REQUEST;
 * spaced `interval` apart, a turn shares them among rate * interval
 * exchanges.  The price is latency, and only under load: up to one
 * interval before a datagram is read.
 *
 * When is it load?  A token bucket of turns: tokens come in with the
 * time the loop spent waiting for work (in the poll, or in the wait
 * asked for here), one per interval of it, up to PACE_BURST; a turn that
 * handled work takes one.  While tokens are left the loop polls at
 * once, so a client of a quiet server (a few exchanges a second, or a
 * short burst) is answered without waiting.  Only a loop that would turn
 * faster than once per interval for longer than the burst waits out the
 * rest of the interval.  Time spent inside turns earns nothing: a turn
 * slowed by a slow disk flush is no quiet spell, and must not buy the
 * next turns a commit each.
 *
 * Pure: the caller passes the time and applies the answer (the primary
 * with ev_set_io_collect_interval).  A zeroed struct never paces.
 */
#ifndef DHCPFO_PACE_H
#define DHCPFO_PACE_H

#include <stdbool.h>
#include <stdint.h>

#define PACE_BURST	8.0	/* turns at full speed after a quiet spell */

struct pace {
	double		 interval;	/* seconds; 0: never pace */
	double		 tokens;
	double		 last;		/* when the last turn ended */
	uint64_t	 paced;		/* turns that waited */
};

/* Start with a full bucket at now; interval 0 turns pacing off. */
void	pace_init(struct pace *, double interval, double now);
/* A new interval (a reload): the bucket and the count stay. */
void	pace_set_interval(struct pace *, double interval);

/*
 * At the end of a loop turn (before the loop blocks): polled, when this
 * turn's poll returned; now, the time now; worked: the turn handled a
 * datagram.  Returns how long after the poll returned the next poll may
 * come: the interval while the bucket is empty, else 0 (poll at once).
 */
double	pace_turn(struct pace *, double polled, double now, bool worked);

#endif
