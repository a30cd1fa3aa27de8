/*
 * The failover's share of a subnet and its safe period
 * (docs/safety.md).
 *
 * FailoverShare percent of each dynamic range belongs to the failover
 * alone for new clients.  Both daemons compute the share from their
 * own copy of the subnet's Range and Exclude with this code, so they
 * agree exactly when those agree; the subnet digest (fo_digest.c)
 * carries the result, so a difference is an alarm at every poll, never
 * a silent divergence.
 *
 * The rule, per range (ranges sorted and merged, as the pools and the
 * digest see them): the range's usable addresses are its addresses
 * minus Exclude and minus the subnet's network and broadcast
 * addresses.  Of N usable addresses the share is the highest
 * ceil(N * FailoverShare / 100), but never all N: the primary keeps at
 * least one address of every range.  The highest, because a primary
 * hands out never-used addresses from the bottom up (pool.c), so the
 * top of a range is what it reaches last.  A host reservation inside
 * the share stays its host's; the share is then one address smaller.
 *
 * The safe period: after it last heard from the primary, the failover
 * gives new clients addresses of its share only, for SafePeriod
 * seconds (default: the subnet's longest lease), so that a binding the
 * primary granted but never replicated has run out before the failover
 * may use the rest.
 *
 * Pure: no I/O, no clock, no allocation, no globals.
 */
#ifndef DHCPFO_SHARE_H
#define DHCPFO_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SHARE_PERCENT_MAX	50
#define SHARE_PERCENT_DEFAULT	CFG_SHARE_DEFAULT
/*
 * Runs of consecutive addresses a share can have: each merged range
 * gives one run, split at most once per excluded address in it.
 */
#define SHARE_MAX_RUNS		(CFG_MAX_RANGES + CFG_MAX_EXCLUDES + 2)

struct share_set {
	size_t		 nruns;
	struct cfg_range runs[SHARE_MAX_RUNS];	/* ascending, disjoint */
	uint32_t	 count;			/* addresses in the runs */
};

/* The share of sn (sn->failover_share percent); empty at 0 %. */
void	share_compute(const struct cfg_subnet *sn, struct share_set *out);
bool	share_contains(const struct share_set *s, uint32_t addr);

/*
 * When the failover may use more than its share of sn, having last
 * heard from the primary at `heard` (unix seconds).
 */
int64_t	share_safe_until(const struct cfg_subnet *sn, int64_t heard);

#endif
