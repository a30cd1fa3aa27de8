/*
 * What the store's other files (lease_snap.c, lease_backup.c,
 * lease_defer.c) need of lease_db.c's environment: its Berkeley DB
 * handle, its commit and its log.  Not for daemons.
 */
#ifndef DHCPFO_LEASE_DB_INT_H
#define DHCPFO_LEASE_DB_INT_H

#include <db.h>
#include <stdbool.h>

#include "lease_db.h"

#define LEASE_DB_SUFFIX	".db"

DB_ENV	*lease_env_bdb(struct lease_env *env);

/* lease_defer.c: a commit whose log flush comes later (see there). */
int	 lease_db_commit_as(struct lease_db *db, bool defer, DB_LSN *end);
int	 lease_env_log_lsns(struct lease_env *env, DB_LSN *cur, DB_LSN *disk);
int	 lease_env_lsn_cmp(const DB_LSN *a, const DB_LSN *b);
bool	 lease_env_failed(struct lease_env *env);
/* Stop the environment (panicked): its log is not to be trusted. */
void	 lease_env_fail(struct lease_env *env, const char *why);

#endif
