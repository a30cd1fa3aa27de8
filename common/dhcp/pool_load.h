/*
 * A lease store loaded into a pool set, at start-up and on a reload: each
 * stored lease offered to pool_load_lease(), the results counted.  Both
 * daemons load their stores this way; what they log of the tally is
 * theirs.
 */
#ifndef DHCPFO_POOL_LOAD_H
#define DHCPFO_POOL_LOAD_H

#include <stddef.h>

#include "lease.h"
#include "lease_db.h"
#include "pool.h"

struct pool_load_tally {
	size_t		 n[POOL_LOAD_NOMEM + 1];	/* by enum pool_load */
};

/*
 * Every lease of db into set, in address order.  `each`, when not NULL,
 * sees every lease the pools could at least consider (all but a lack of
 * memory), after pool_load_lease().  0, ENOMEM, or the store's error.
 */
int	pool_load_store(struct pool_set *set, struct lease_db *db,
	    struct pool_load_tally *t,
	    void (*each)(const struct lease *, void *), void *arg);
/* Leases the pools hold: stored, on an address excluded or not. */
size_t	pool_load_held(const struct pool_load_tally *t);
/* Leases kept on disk but not served: outside every range or subnet. */
size_t	pool_load_outside(const struct pool_load_tally *t);

#endif
