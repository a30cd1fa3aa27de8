/*
 * A consistent, restorable copy of a lease environment (every store in
 * StateDir) made while the daemon serves: `dhcpfoctl backup DIR`.
 * lease_backup.c says how, and why the copy's stores get new identities.
 *
 * Restore (docs/operations.md): stop the daemon, move StateDir's lease
 * files aside, copy the backup's files into StateDir, start.  Opening
 * runs ordinary recovery, which finds nothing to do.
 */
#ifndef DHCPFO_LEASE_BACKUP_H
#define DHCPFO_LEASE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "lease_db.h"

struct lease_backup_result {
	unsigned	 stores;
	uint64_t	 leases;	/* records in the copy */
	uint64_t	 bytes;		/* files in the copy */
};

/*
 * Copy env into dir (absolute; created if missing; must be empty), make
 * the copy consistent, renew its stores' identities and sync it.  Slow
 * (it copies every store and the log): call it from a thread of its own;
 * the daemon's threads go on using env meanwhile.  0, or -1 with err.
 */
int	lease_env_backup(struct lease_env *env, const char *dir,
	    struct lease_backup_result *res, char *err, size_t errlen);

#endif
