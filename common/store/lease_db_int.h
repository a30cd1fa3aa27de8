/*
 * What the store's other files (lease_snap.c, lease_backup.c) need of
 * lease_db.c's environment: its Berkeley DB handle.  Not for daemons.
 */
#ifndef DHCPFO_LEASE_DB_INT_H
#define DHCPFO_LEASE_DB_INT_H

#include <db.h>

#include "lease_db.h"

#define LEASE_DB_SUFFIX	".db"

DB_ENV	*lease_env_bdb(struct lease_env *env);

#endif
