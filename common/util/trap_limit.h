/*
 * How often one kind of notification may go out about one thing (a
 * peer's authentication failures, a store that refuses updates, duplicate
 * bindings): at most `max` in a window of `window` seconds that opens
 * with the first of them.  What is held back is counted and handed to the
 * next one that goes out, so its reason can say "N since the last
 * notification" -- a flood of forged datagrams costs the manager one
 * trap a minute, not one per datagram.
 *
 * Pure: the caller passes the time.  A zeroed struct is ready to use.
 */
#ifndef DHCPFO_TRAP_LIMIT_H
#define DHCPFO_TRAP_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct trap_limit {
	bool		 open;		/* a window is running */
	double		 start;		/* when it opened */
	unsigned	 sent;		/* notifications in it */
	uint64_t	 held;		/* events held back since the last
					 * notification that went out */
};

/*
 * Count one event at now.  True: send it now; *held is then the number
 * of events held back before it (and the count starts again).  False:
 * it was held back (counted).
 */
bool	trap_limit_ok(struct trap_limit *, double now, double window,
	    unsigned max, uint64_t *held);

#endif
