/*
 * What the primary does with a binding the failover hands back
 * (docs/failover-design.md "Conflicts"), decided from the record it
 * holds for the address and the incoming one.  Pure: no I/O, no clock
 * (`now` is a parameter).
 */
#ifndef DHCPFO_PRIMARY_FO_CONFLICT_H
#define DHCPFO_PRIMARY_FO_CONFLICT_H

#include <stdbool.h>
#include <stdint.h>

#include "lease.h"

enum fo_apply {
	FO_APPLY_NEW = 0,	/* we hold nothing for the address: take it */
	FO_APPLY_SAME,		/* we hold exactly this (a resend): ack only */
	FO_APPLY_THEIRS,	/* theirs is newer, no conflict: take it */
	FO_APPLY_OURS,		/* ours is newer (or as new), no conflict */
	FO_APPLY_CONFLICT_THEIRS, /* two clients hold it; theirs is newer */
	FO_APPLY_CONFLICT_OURS,	/* two clients hold it; ours is newer */
	FO_APPLY_COUNT
};

/* "new", "same", "theirs", "ours", "conflict-theirs", "conflict-ours". */
const char	*fo_apply_name(enum fo_apply);

/*
 * Which record is newer: the later `starts` (the later grant), then the
 * later `cltt` (the later client transaction: a renewal, a release),
 * then the higher `seq`.  > 0 when a is newer, < 0 when b is, 0 when
 * none of the three tells them apart.
 */
int		 fo_lease_cmp_newer(const struct lease *a,
		    const struct lease *b);

/* Equal in everything but `seq` (which each side numbers itself). */
bool		 fo_lease_same(const struct lease *a,
		    const struct lease *b);

/*
 * A binding a client may be using at `now`: OFFERED or BOUND, not run
 * out, with a client identity.
 */
bool		 fo_lease_live(const struct lease *l, int64_t now);

/*
 * ours may be NULL (no record).  A conflict is two live records of
 * different clients: the address may be in use twice.  Ties keep ours:
 * we are the one answering the client from now on, and replacing a
 * record on no evidence would only move the doubt.
 */
enum fo_apply	 fo_conflict_decide(const struct lease *ours,
		    const struct lease *theirs, int64_t now);

#endif
