/*
 * Checkpoints of a lease environment on a thread of their own.
 *
 * A checkpoint writes every dirty page of the cache and syncs the files:
 * with the stores of many primaries that took up to a second, and a loop
 * that ran it itself answered nothing meanwhile (the failover's main
 * thread routes every DHCP request, so all takeovers stalled at once).
 * Here the daemons' loops only collect the result.
 */
#ifndef DHCPFO_LEASE_CKPT_H
#define DHCPFO_LEASE_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "lease_db.h"

struct lease_ckpt;

/* Checkpoints env every secs from now on; NULL (err says why) on failure. */
struct lease_ckpt	*lease_ckpt_start(struct lease_env *env, double secs,
			    char *err, size_t errlen);
/*
 * The first error since the last call (0 if none): lease_db_checkpoint's
 * value, to be reported by the caller's loop, once.
 */
int			 lease_ckpt_result(struct lease_ckpt *);
/* Checkpoints run so far. */
uint64_t		 lease_ckpt_count(struct lease_ckpt *);
/* Waits for a checkpoint in progress, stops the thread, frees; NULL ok. */
void			 lease_ckpt_stop(struct lease_ckpt *);

#endif
