/*
 * Loop pacing: a token bucket of loop turns (see pace.h).
 */
#include "pace.h"

void
pace_init(struct pace *p, double interval, double now)
{
	*p = (struct pace){ .tokens = PACE_BURST, .last = now };
	pace_set_interval(p, interval);
}

void
pace_set_interval(struct pace *p, double interval)
{
	p->interval = interval > 0 ? interval : 0;
}

double
pace_turn(struct pace *p, double polled, double now, bool worked)
{
	if (p->interval <= 0)
		return 0;
	/* Waiting time since the last turn ended earns tokens; a clock
	 * that stepped back earns nothing. */
	if (polled > p->last) {
		p->tokens += (polled - p->last) / p->interval;
		if (p->tokens > PACE_BURST)
			p->tokens = PACE_BURST;
	}
	if (now > p->last)
		p->last = now;
	if (!worked)
		return 0;
	if (p->tokens >= 1) {
		p->tokens -= 1;
		return 0;
	}
	/* The wait itself brings the token this turn lacked; the floor
	 * keeps a clock that stood still from banking debt. */
	p->tokens -= 1;
	if (p->tokens < -1)
		p->tokens = -1;
	p->paced++;
	return p->interval;
}
