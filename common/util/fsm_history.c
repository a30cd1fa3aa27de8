/*
 * Bounded transition history with per-state counters (docs/design.md §3).
 *
 * The ring keeps the last FSM_HISTORY_LEN transitions; the counters
 * (times entered, seconds spent) cover the whole life of the machine, so
 * nothing is lost from them when the ring wraps.  seq numbers every
 * transition ever recorded, so a reader (dhcpfoctl, the SNMP table) can
 * tell which entries it has already seen.
 */
#include <string.h>

#include "fsm_history.h"

int
fsm_history_init(struct fsm_history *h, const char *const *names,
    unsigned nstates, unsigned initial, double now)
{
	if (h == NULL || names == NULL || nstates == 0 ||
	    nstates > FSM_MAX_STATES || initial >= nstates)
		return FSM_ERR_INVAL;
	memset(h, 0, sizeof(*h));
	h->names = names;
	h->nstates = nstates;
	h->cur = initial;
	h->since = now;
	h->stats[initial].entered = 1;
	return FSM_OK;
}

/* Time from `since` to `now`; a clock stepped back gives 0, not a debt. */
static double
stay(double since, double now)
{
	return now > since ? now - since : 0.0;
}

/* The next ring entry, the oldest overwritten when full. */
static struct fsm_transition *
ring_next(struct fsm_history *h)
{
	size_t	 slot;

	if (h->count < FSM_HISTORY_LEN) {
		slot = (h->head + h->count) % FSM_HISTORY_LEN;
		h->count++;
	} else {
		slot = h->head;
		h->head = (h->head + 1) % FSM_HISTORY_LEN;
	}
	return &h->ring[slot];
}

static void
entry_fill(struct fsm_history *h, struct fsm_transition *t, unsigned from,
    unsigned to, double now, const char *reason)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	t->seq = ++h->total;
	t->when = now;
	t->from = from;
	t->to = to;
	for (i = 0; reason != NULL && reason[i] != '\0' &&
	    i < FSM_REASON_MAX; i++) {
		unsigned char c = (unsigned char)reason[i];

		t->reason[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	t->reason[i] = '\0';
}

int
fsm_history_record(struct fsm_history *h, unsigned from, unsigned to,
    double now, const char *reason)
{
	if (h == NULL || from >= h->nstates || to >= h->nstates ||
	    from != h->cur)
		return FSM_ERR_INVAL;

	h->stats[from].seconds += stay(h->since, now);
	h->stats[to].entered++;
	h->cur = to;
	h->since = now;
	entry_fill(h, ring_next(h), from, to, now, reason);
	return FSM_OK;
}

int
fsm_history_note(struct fsm_history *h, double now, const char *reason)
{
	if (h == NULL)
		return FSM_ERR_INVAL;
	entry_fill(h, ring_next(h), h->cur, h->cur, now, reason);
	return FSM_OK;
}

size_t
fsm_history_count(const struct fsm_history *h)
{
	return h == NULL ? 0 : h->count;
}

const struct fsm_transition *
fsm_history_get(const struct fsm_history *h, size_t i)
{
	if (h == NULL || i >= h->count)
		return NULL;
	return &h->ring[(h->head + i) % FSM_HISTORY_LEN];
}

uint64_t
fsm_history_entered(const struct fsm_history *h, unsigned state)
{
	if (h == NULL || state >= h->nstates)
		return 0;
	return h->stats[state].entered;
}

double
fsm_history_seconds(const struct fsm_history *h, unsigned state, double now)
{
	double	s;

	if (h == NULL || state >= h->nstates)
		return 0.0;
	s = h->stats[state].seconds;
	if (state == h->cur)
		s += stay(h->since, now);
	return s;
}

const char *
fsm_history_state_name(const struct fsm_history *h, unsigned state)
{
	if (h == NULL || h->names == NULL || state >= h->nstates ||
	    h->names[state] == NULL)
		return "unknown";
	return h->names[state];
}
