/*
 * Binding-update streams (docs/design.md §2): a window of unacknowledged
 * BindUpd in flight instead of one at a time, acks that cover runs of sequence
 * numbers, and retries after WaitSyncBindAckSecs up to SyncBindRetryMax.
 * Used for normal replication (primary -> failover), start-up sync
 * (primary -> failover) and hand-back (failover -> primary).
 *
 * Pure bookkeeping: no I/O, no clock (times are parameters).
 */
#ifndef DHCPFO_FO_STREAM_H
#define DHCPFO_FO_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fo_tx_entry {
	uint64_t	 seq;		/* update sequence (lease.seq) */
	uint32_t	 addr;		/* the lease it carried */
	double		 sent_at;	/* last (re)transmission */
	unsigned	 tries;		/* retransmissions so far */
};

struct fo_tx {
	struct fo_tx_entry *v;		/* ring, in send (= seq) order */
	size_t		 cap, head, n;
	double		 ack_wait;	/* WaitSyncBindAckSecs */
	unsigned	 retry_max;	/* SyncBindRetryMax */
	uint64_t	 highest_sent;
	uint64_t	 acked;		/* updates acknowledged (counter) */
	uint64_t	 retries;	/* retransmissions (counter) */
	uint64_t	 failures;	/* updates given up on (counter) */
	bool		 pinned;	/* an update was given up on: the */
	uint64_t	 pin;		/* watermark stays at pin until reset */
};

/* window: most updates in flight.  Returns -1 if out of memory. */
int	fo_tx_init(struct fo_tx *, size_t window, double ack_wait,
	    unsigned retry_max);
void	fo_tx_free(struct fo_tx *);
/*
 * Forget everything in flight and any failure (the peer restarted or came
 * back, and the caller resends from fo_tx_acked_through()).
 */
void	fo_tx_reset(struct fo_tx *);
void	fo_tx_set_policy(struct fo_tx *, double ack_wait, unsigned retry_max);
bool	fo_tx_full(const struct fo_tx *);
size_t	fo_tx_inflight(const struct fo_tx *);
/*
 * Record an update just sent.  Sequences must increase (the caller sends
 * in sequence order); returns -1 if the window is full or seq does not
 * increase.
 */
int	fo_tx_sent(struct fo_tx *, uint64_t seq, uint32_t addr, double now);
/* An ack for [first, last]: drops those entries; returns how many. */
size_t	fo_tx_ack(struct fo_tx *, uint64_t first, uint64_t last);

enum fo_tx_due {
	FO_TX_NONE = 0,		/* nothing to resend now */
	FO_TX_RETRY,		/* resend *e (its timer and tries updated) */
	FO_TX_FAILED		/* *e exhausted its retries; it was dropped */
};
/* The next entry whose ack is overdue at `now`, if any. */
enum fo_tx_due fo_tx_due(struct fo_tx *, double now, struct fo_tx_entry *e);
/* When the earliest pending ack times out; 0 if nothing is in flight. */
double	fo_tx_deadline(const struct fo_tx *);
/*
 * Every update with seq <= this has been acknowledged (or was never part
 * of the stream).  A sender persists it, so after a restart it resends
 * only what the peer may not have.  An update given up on holds the
 * watermark below it until fo_tx_reset(), so it is never skipped.
 */
uint64_t fo_tx_acked_through(const struct fo_tx *);

/*
 * Receiver side: collect the sequences received since the last ack and
 * coalesce them into runs for BIND_ACK.
 */
#define FO_RX_MAX	1024

struct fo_rx {
	size_t		 n;
	uint64_t	 seq[FO_RX_MAX];
};

void	fo_rx_init(struct fo_rx *);
/* Returns false when full: send the acks first. */
bool	fo_rx_note(struct fo_rx *, uint64_t seq);
size_t	fo_rx_pending(const struct fo_rx *);
/*
 * Sort, merge into [first, last] runs (at most max of them; the rest stay
 * pending) and forget what was returned.  Returns the number of runs.
 */
size_t	fo_rx_take(struct fo_rx *, uint64_t (*runs)[2], size_t max);

#endif
