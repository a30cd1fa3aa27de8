/*
 * The one rule for two records of one address held by the two servers
 * (docs/failover-design.md "Conflicts"): the primary applies it to the
 * bindings the failover hands back, the failover to the primary's binding
 * updates that meet records of its own.  Both sides order the two records
 * the same way, whichever of them is asking, so they keep the same one.
 *
 * Pure: no I/O, no clock (`now` is a parameter).
 */
#ifndef DHCPFO_LEASE_CONFLICT_H
#define DHCPFO_LEASE_CONFLICT_H

#include <stdbool.h>
#include <stdint.h>

#include "lease.h"

enum lease_apply {
	LEASE_APPLY_NEW = 0,	/* we hold nothing for the address: take it */
	LEASE_APPLY_SAME,	/* we hold exactly this (a resend): ack only */
	LEASE_APPLY_THEIRS,	/* theirs is newer, no conflict: take it */
	LEASE_APPLY_OURS,	/* ours is newer, no conflict: keep it */
	LEASE_APPLY_CONFLICT_THEIRS, /* two clients hold it; theirs wins */
	LEASE_APPLY_CONFLICT_OURS, /* two clients hold it; ours wins */
	LEASE_APPLY_COUNT
};

/* "new", "same", "theirs", "ours", "conflict-theirs", "conflict-ours". */
const char	*lease_apply_name(enum lease_apply);

/*
 * Which record is newer, as a total order that uses only what both
 * servers hold identically (never `seq`, which each side numbers itself):
 * the later `starts` (the later grant), then the later `cltt` (the later
 * client transaction: a renewal, a release), then the later `ends`; on a
 * tie of all three, which happens when both servers acted in the same
 * second, the state further along a binding's life (an offer, then a
 * binding, then the states that end one), then the client identity
 * (longer key, then the greater bytes), the hardware address, the host
 * name and the address.  > 0 when a is newer, < 0 when b is, 0 only when
 * lease_same(a, b).
 */
int		 lease_newer(const struct lease *a, const struct lease *b);

/* Equal in everything but `seq`: the same binding, as far as either
 * server can tell. */
bool		 lease_same(const struct lease *a, const struct lease *b);

/*
 * A binding a client may be using at `now`: OFFERED or BOUND, not run
 * out, with a client identity.
 */
bool		 lease_live(const struct lease *l, int64_t now);

/*
 * What to do with `theirs`, an incoming record, when we hold `ours` for
 * the same address (NULL: nothing).  The newer record by lease_newer
 * stays.  A conflict is two live records of different clients: the
 * address may be in use twice, so it is counted and logged; the loser is
 * NAKed at its next renewal.  Records of the same client, or with one
 * side no longer live, are no conflict.  Never depends on which side is
 * asking: lease_conflict_decide(A, B) keeps the record that
 * lease_conflict_decide(B, A) keeps.
 */
enum lease_apply lease_conflict_decide(const struct lease *ours,
		    const struct lease *theirs, int64_t now);

/*
 * The same decision for a receiver that defers to the sender except on
 * records of its own making: the failover, facing the primary's binding
 * updates, where only its own changes (ours_own: made while it served
 * for the primary) can be newer than the primary's word.  A record of
 * ours that is not our own is the primary's earlier word: theirs
 * replaces it (LEASE_APPLY_THEIRS, or SAME for a resend), conflict or
 * not.  With ours_own it is lease_conflict_decide, so the failover keeps
 * what the primary keeps when that record is handed back.
 */
enum lease_apply lease_conflict_decide_own(const struct lease *ours,
		    bool ours_own, const struct lease *theirs, int64_t now);

#endif
