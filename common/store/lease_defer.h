/*
 * Deferred commits: a batch committed now and made durable by a later
 * flush of the environment's log, which may be another thread's.
 *
 * What it is for: threads sharing one environment (the failover's, one
 * per primary) that commit on a common grid.  Each commit with
 * lease_db_commit writes the log and flushes it (fdatasync); Berkeley
 * DB's group commit lets a thread that arrives while another flushes
 * wait for it and ride along, but every waiter costs a futex sleep and
 * wake-up, and five threads on two CPUs still made about four flushes
 * per tick.  Deferred, each thread commits into the log buffer (no I/O),
 * and the first thread to need a flush makes one for every batch of
 * every thread committed so far; the others find theirs on disk
 * (lease_env_durable, a look at the log's on-disk end) and do no I/O at
 * all.
 *
 * The rule stays "durable before acknowledged": nothing committed this
 * way may be acknowledged (or answered) before lease_env_durable says
 * so, or lease_env_flush returned 0.  Until then a crash loses the batch
 * whole, as a commit that never happened (recovery rolls it back).
 *
 * A flush that fails stops the environment (lease_db_fatal): a batch
 * committed to the buffer can no longer be rolled back, and Berkeley DB
 * itself panics the environment when an fdatasync of its log fails.
 * Full disks are kept away as for every commit: the free-space reserve
 * is checked before the commit (lease_db.c).
 */
#ifndef DHCPFO_LEASE_DEFER_H
#define DHCPFO_LEASE_DEFER_H

#include <stdbool.h>
#include <stdint.h>

#include "lease_db.h"

/* A place in the environment's log; {0, 0}: none. */
struct lease_lsn {
	uint32_t	 file, offset;
};

/*
 * End the open batch like lease_db_commit (the same checks, the same
 * errors, a failed or spoiled batch rolled back), but leave its commit
 * record in the log buffer.  *at: where the log must be on disk for the
 * batch to be durable ({0, 0} when nothing was committed: durable).
 */
int	lease_db_commit_deferred(struct lease_db *, struct lease_lsn *at);
/* Whether the log is on disk through at: no I/O. */
bool	lease_env_durable(struct lease_env *, const struct lease_lsn *at);
/*
 * Write and flush the whole log: every deferred commit of every thread
 * so far is durable on 0.  Nothing to do costs no I/O.  An error stops
 * the environment (see above); DB_RUNRECOVERY if it already was.
 */
int	lease_env_flush(struct lease_env *);

#endif
