/*
 * The bytes of binding updates in flight, kept until they are
 * acknowledged so that a retransmission sends exactly what the first
 * transmission sent (the store may hold a newer version of the lease by
 * then, under a higher sequence that travels on its own).  Companion of
 * struct fo_tx (common/proto/fo_stream.h), which keeps only sequences and
 * timers.  Pure: no I/O, no clock.
 *
 * Entries are added in increasing sequence order, as they are sent; an
 * ack removes any run of them.
 */
#ifndef DHCPFO_PRIMARY_REPL_RECS_H
#define DHCPFO_PRIMARY_REPL_RECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease.h"

struct repl_recs_idx {
	uint64_t	 seq;
	uint32_t	 slot;
};

struct repl_recs {
	size_t		 cap, n;
	struct repl_recs_idx *idx;	/* n entries, ascending seq */
	uint8_t		*bytes;		/* cap slots of LEASE_RECORD_MAX */
	uint16_t	*len;		/* per slot */
	uint32_t	*free;		/* free slots, nfree of them */
	size_t		 nfree;
};

/* -1 if out of memory. */
int	repl_recs_init(struct repl_recs *, size_t cap);
void	repl_recs_free(struct repl_recs *);
void	repl_recs_clear(struct repl_recs *);
/*
 * Keep len bytes (0..LEASE_RECORD_MAX; 0 for a stream marker that has no
 * record) under seq.  -1 when full, len is too big, or seq is not above
 * every sequence held.
 */
int	repl_recs_add(struct repl_recs *, uint64_t seq, const uint8_t *rec,
	    size_t len);
/* The bytes kept under seq, or NULL. */
const uint8_t *repl_recs_get(const struct repl_recs *, uint64_t seq,
	    size_t *len);
/* Forget every entry in [first, last]; returns how many. */
size_t	repl_recs_del_range(struct repl_recs *, uint64_t first,
	    uint64_t last);
size_t	repl_recs_count(const struct repl_recs *);

#endif
