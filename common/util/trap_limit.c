/*
 * Notification rate limit (trap_limit.h).
 */
#include "trap_limit.h"

bool
trap_limit_ok(struct trap_limit *tl, double now, double window,
    unsigned max, uint64_t *held)
{
	/* A clock that went back opens a new window rather than holding
	 * everything until it catches up. */
	if (!tl->open || now - tl->start >= window || now < tl->start) {
		tl->open = true;
		tl->start = now;
		tl->sent = 0;
	}
	if (tl->sent >= max) {
		tl->held++;
		return false;
	}
	tl->sent++;
	*held = tl->held;
	tl->held = 0;
	return true;
}
