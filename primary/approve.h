/*
 * Bindings in the failover's share it is asked to approve (approve.c;
 * docs/safety.md).  The counters are approve.c's: it alone writes them
 * (docs/architecture.md convention 14); others read them through
 * approve_get().
 */
#ifndef DHCPFO_PRIMARY_APPROVE_H
#define DHCPFO_PRIMARY_APPROVE_H

#include <stdint.h>

#include "fo_codec.h"
#include "lease.h"

struct server;

struct approve {
	uint64_t	 asked;		/* BIND_REQ sent */
	uint64_t	 approved;
	uint64_t	 refused;	/* held for another client there */
	uint64_t	 undecided;	/* its store failed: asked again */
	uint64_t	 unexpected;	/* a BIND_RPL for nothing we asked */
};

/* With a failover, from link_open: 0, or -1 out of memory. */
int	approve_init(struct server *);
void	approve_free(struct server *);
/* NULL without a failover. */
const struct approve *approve_get(const struct server *);

/*
 * Ask the failover to approve `proposal` (a BOUND record of its share):
 * a BIND_REQ numbered with the pools' next update sequence, put in *seq.
 * 0, or -1 when there is no failover to ask (none configured, no
 * socket, or the datagram could not be built or sent).
 */
int	approve_ask(struct server *, const struct lease *proposal,
	    uint64_t *seq);
/* BIND_RPL received (authenticated and decoded). */
void	approve_answer(struct server *, const struct fo_msg *);

#endif
