/*
 * Receiving the hand-back (handback.c): bindings the failover returns
 * when it hands control back, subnet by subnet.
 *
 * The state below is handback.c's: it alone writes it
 * (docs/architecture.md convention 14); others read it through
 * handback_get().
 */
#ifndef DHCPFO_PRIMARY_HANDBACK_H
#define DHCPFO_PRIMARY_HANDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_codec.h"
#include "fo_stream.h"
#include "log.h"

struct server;

/* Meta entry of the lease store: the LAST_SEQ we report. */
#define HANDBACK_META_PEER_SEQ	"fo_peer_seq"

/* A SubnetSyncDone waiting for the commit of what preceded it. */
struct handback_marker {
	int		 subnet;	/* link.subnets index, -1 unknown */
	uint32_t	 network;
	uint8_t		 prefix;
	bool		 has_seq;
	uint64_t	 upd_seq;
	uint32_t	 count;
};

#define HANDBACK_MARKERS_MAX	64
/* Conflicts logged one by one per subnet hand-back, then counted. */
#define HANDBACK_CONFLICT_LOGS	100

struct handback {
	struct fo_rx	 rx;		/* UPD_SEQs to ack after the commit */
	size_t		 ndone;
	struct handback_marker done[HANDBACK_MARKERS_MAX];
	uint64_t	 max_seq;	/* highest UPD_SEQ applied, this
					 * return */
	uint64_t	 peer_seq;	/* LAST_SEQ we report (persisted) */
	bool		 lost;		/* a failed commit lost bindings of
					 * this return: the pools hold some
					 * the store does not */
	/* counters */
	uint64_t	 subnets_started;
	uint64_t	 subnets_received;
	uint64_t	 updates;	/* (UPD_SEQ, LEASE) pairs received */
	uint64_t	 applied;	/* written to the store */
	uint64_t	 unchanged;	/* already held exactly (resends) */
	uint64_t	 kept_ours;	/* ours newer, no conflict */
	uint64_t	 conflicts;	/* two clients on one address */
	uint64_t	 conflicts_ours;
	uint64_t	 conflicts_theirs;
	uint64_t	 outside;	/* address in none of our pools */
	uint64_t	 acks_sent;
	uint64_t	 markers_unknown; /* subnet we do not have */
	unsigned	 conflicts_logged; /* in this subnet's hand-back */
	char		 last_conflict[512];
	double		 last_conflict_time;
	struct log_ratelimit rl;
};

/* With a failover, from link_open: 0, or an exit code (exitcodes.h)
 * with err filled. */
int	handback_init(struct server *, char *err, size_t errlen);
void	handback_free(struct server *);
/* NULL without a failover. */
const struct handback *handback_get(const struct server *);

/*
 * A BindUpd: returns how many updates were taken; *bad counts the LEASE
 * records that do not decode (not taken, not acknowledged).
 */
size_t	handback_bind_upd(struct server *, const struct fo_msg *,
	    size_t *bad);
void	handback_subnet_start(struct server *, const struct fo_msg *);
void	handback_subnet_done(struct server *, const struct fo_msg *);
void	handback_sync_done(struct server *, const struct fo_msg *);
/* CtlRet returned control: the hand-back is complete. */
void	handback_control_returned(struct server *);
/* Ack what the commit made durable; act on waiting markers. */
void	handback_committed(struct server *);
void	handback_commit_failed(struct server *);
bool	handback_wants_commit(const struct server *);

#endif
