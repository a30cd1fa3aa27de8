/*
 * Transition history and per-state counters, shared by the failover's
 * per-primary machine (fod_fsm) and the primary's control machine
 * (pr_fsm).  docs/design.md §3: every transition is logged with its
 * reason, kept in a bounded history (time, from, to, reason) and
 * counted, and shown by dhcpfoctl and over SNMP, as routers show their
 * redundancy history and counters.
 *
 * Pure and plain data: no I/O, no clock (`now` is a parameter), no
 * allocation, no pointers except the caller's static name table.  A
 * thread may publish a snapshot by copying the struct whole.
 *
 * Also home of the error codes both machines return, so the daemons
 * handle them in one way.
 */
#ifndef DHCPFO_FSM_HISTORY_H
#define DHCPFO_FSM_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* Longest reason kept, in characters (the copy is truncated to it). */
#define FSM_REASON_MAX		96
/* Transitions kept; older ones are overwritten (the counters keep all). */
#define FSM_HISTORY_LEN		64
/* Most states a machine using this history may have. */
#define FSM_MAX_STATES		8

/* Entry i of a machine's name table of n, or "unknown". */
#define FSM_NAME(tab, i, n)	((unsigned)(i) < (n) && (tab)[i] != NULL ? \
				    (tab)[i] : "unknown")

/* Return codes of the machines and of this module. */
enum fsm_err {
	FSM_OK = 0,
	FSM_ERR_INVAL = -1,	/* bad argument: NULL, state or event out
				 * of range, parameters rejected */
	FSM_ERR_ILLEGAL = -2,	/* edge not in the legality table: a
				 * programming error (asserts first) */
	FSM_ERR_OVERFLOW = -3	/* more actions than the output holds:
				 * a programming error (asserts first) */
};

struct fsm_transition {
	uint64_t	 seq;		/* 1 for the first transition ever
					 * recorded; stable index for SNMP */
	double		 when;		/* `now` given to the machine */
	unsigned	 from;
	unsigned	 to;
	char		 reason[FSM_REASON_MAX + 1];
};

struct fsm_state_stats {
	uint64_t	 entered;	/* times entered (the initial state
					 * counts once, at init) */
	double		 seconds;	/* completed stays; fsm_history_seconds()
					 * adds the current one */
};

struct fsm_history {
	const char *const *names;	/* state names, nstates of them */
	unsigned	 nstates;
	unsigned	 cur;		/* current state */
	double		 since;		/* when cur was entered */
	size_t		 head;		/* ring index of the oldest entry */
	size_t		 count;		/* entries held, <= FSM_HISTORY_LEN */
	uint64_t	 total;		/* transitions ever recorded */
	struct fsm_state_stats stats[FSM_MAX_STATES];
	struct fsm_transition ring[FSM_HISTORY_LEN];
};

/*
 * names must outlive the history (a static table).  The initial state is
 * counted as entered at `now` but is not a transition.
 */
int	fsm_history_init(struct fsm_history *, const char *const *names,
	    unsigned nstates, unsigned initial, double now);

/*
 * Record from -> to at `now`.  from must be the current state (else
 * FSM_ERR_INVAL and nothing changes).  reason may be NULL; it is copied,
 * truncated to FSM_REASON_MAX characters, bytes outside printable ASCII
 * replaced by '?' (a reason may quote a peer's text).  A clock that
 * stepped back counts as zero seconds spent.
 */
int	fsm_history_record(struct fsm_history *, unsigned from, unsigned to,
	    double now, const char *reason);
/*
 * Record an event worth keeping among the transitions although the
 * state stays (an operator's declaration): an entry from the current
 * state to itself.  Time in state and entry counts do not change.
 */
int	fsm_history_note(struct fsm_history *, double now, const char *reason);

/* Entries held; i = 0 is the oldest held, count - 1 the newest. */
size_t	fsm_history_count(const struct fsm_history *);
const struct fsm_transition *
	fsm_history_get(const struct fsm_history *, size_t i);

uint64_t fsm_history_entered(const struct fsm_history *, unsigned state);
/* Total seconds spent in state, including the current stay up to now. */
double	fsm_history_seconds(const struct fsm_history *, unsigned state,
	    double now);
/* "unknown" for a state out of range. */
const char *fsm_history_state_name(const struct fsm_history *, unsigned state);

#endif
