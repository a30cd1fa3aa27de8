/*
 * For the unit tests of the lease store's readers and copies
 * (test_lease_scan.c, test_lease_backup.c, test_lease_export.c,
 * test_lease_defer.c): an environment and a store
 * opened or the test fails, and a bound lease of a numbered client.
 * Include after cmocka.h.
 */
#ifndef DHCPFO_STORE_TESTUTIL_H
#define DHCPFO_STORE_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include "lease.h"
#include "lease_db.h"

static inline struct lease_env *
store_env_open(const char *dir)
{
	char	 err[256];
	struct lease_env *env = lease_env_open(dir, err, sizeof(err));

	if (env == NULL)
		fail_msg("lease_env_open: %s", err);
	return env;
}

static inline struct lease_db *
store_db_open(struct lease_env *env, const char *name)
{
	char	 err[256];
	struct lease_db *db = lease_db_open(env, name, err, sizeof(err));

	if (db == NULL)
		fail_msg("lease_db_open: %s", err);
	return db;
}

/* Bound to client number `client` (hardware address 02:00:00:cc:cc:cc),
 * an hour from 1700000000, named host-N. */
static inline void
store_lease(struct lease *l, uint32_t addr, unsigned client)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[0] = 0x02;
	l->chaddr[3] = (uint8_t)(client >> 16);
	l->chaddr[4] = (uint8_t)(client >> 8);
	l->chaddr[5] = (uint8_t)client;
	l->key.len = 1 + 1 + 6;
	l->key.bytes[0] = 'H';
	l->key.bytes[1] = 1;
	memcpy(l->key.bytes + 2, l->chaddr, 6);
	l->starts = 1700000000;
	l->ends = l->starts + 3600;
	l->cltt = l->starts;
	snprintf(l->hostname, sizeof(l->hostname), "host-%u", client);
}

#endif
