/*
 * Reading a lease store record by record, in address order, where no one
 * writes it: the private copy an export reads (lease_export.c).  A scan
 * of a store in use would see the batches committed while it runs, some
 * before and some after the cursor: that is why an export copies first.
 */
#ifndef DHCPFO_LEASE_SCAN_H
#define DHCPFO_LEASE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "lease.h"
#include "lease_db.h"

struct lease_scan;

/* The store `name` of env; NULL with err filled (no such store: errno
 * ENOENT). */
struct lease_scan *lease_scan_open(struct lease_env *env, const char *name,
		    char *err, size_t errlen);
/*
 * The next lease in address order: 0, ENOENT after the last, or a store
 * error (lease_db_strerror).  A record that does not decode is skipped
 * and counted (lease_scan_corrupt).
 */
int		 lease_scan_next(struct lease_scan *, struct lease *out);
/* The lease at addr: 0, ENOENT or a store error. */
int		 lease_scan_get(struct lease_scan *, uint32_t addr,
		    struct lease *out);
uint64_t	 lease_scan_corrupt(const struct lease_scan *);
void		 lease_scan_close(struct lease_scan *);

#endif
