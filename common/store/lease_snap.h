/*
 * A consistent view of one lease store as it is at one moment, read
 * while the daemon goes on writing (Berkeley DB snapshot isolation): for
 * an export of every binding and for finding a client's bindings, where
 * a walk that saw half of a batch would mislead.
 *
 * Any thread may open one (the failover's main thread reads the stores
 * its per-primary threads write).  A reader never waits for a batch's
 * locks, and no writer waits for a reader; the price is memory: a page
 * a writer changes while a snapshot is open is copied, and the copy
 * stays in the cache until the snapshot closes.  So a snapshot is read
 * through and closed, not kept.
 */
#ifndef DHCPFO_LEASE_SNAP_H
#define DHCPFO_LEASE_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "lease.h"
#include "lease_db.h"

struct lease_snap;

/* The store `name` of env, now; NULL with err filled (ENOENT: no such
 * store yet). */
struct lease_snap *lease_snap_open(struct lease_env *env, const char *name,
		    char *err, size_t errlen);
/*
 * The next lease in address order: 0, ENOENT after the last, or a store
 * error (lease_db_strerror).  A record that does not decode is skipped
 * and counted (lease_snap_corrupt).
 */
int		 lease_snap_next(struct lease_snap *, struct lease *out);
/* The lease at addr: 0, ENOENT or a store error. */
int		 lease_snap_get(struct lease_snap *, uint32_t addr,
		    struct lease *out);
uint64_t	 lease_snap_corrupt(const struct lease_snap *);
void		 lease_snap_close(struct lease_snap *);

#endif
