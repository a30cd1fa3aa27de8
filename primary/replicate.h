/*
 * Binding updates from the primary to the failover (replicate.c): the
 * replication stream of every committed change, and the answer to the
 * failover's start-up sync.
 *
 * The state below and its timers are replicate.c's: it alone writes them
 * (docs/architecture.md convention 14).  Others read them through
 * repl_get(); from the link (link.c) replicate.c takes only sending, the
 * clock and what the failover told us.
 */
#ifndef DHCPFO_PRIMARY_REPLICATE_H
#define DHCPFO_PRIMARY_REPLICATE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_codec.h"
#include "fo_stream.h"
#include "lease.h"
#include "log.h"
#include "repl_recs.h"

struct server;

/* Updates in flight per stream (fo_stream.h). */
#define REPL_WINDOW		1024
/*
 * The start-up sync's window: two of the failover's commit batches
 * (FO_RX_MAX).  The failover commits and acknowledges every FO_RX_MAX
 * updates; with only one batch in flight the sync stops and waits at
 * each of them -- the failover idle while the ack travels and we read,
 * encode and send the next batch, and we idle during its commit.  With
 * two, the next batch is already in its socket when a commit ends.  Not
 * more: the window must fit the failover's socket buffer even where it
 * could not be raised to NETIO_SOCKBUF (a primary restarted by a reload
 * after the failover dropped its privileges gets the kernel's default,
 * 416 KB with rmem_max 208 KB): 2,048 updates of the usual 85 bytes
 * are 64 datagrams of 3 KB on loopback (about 280 KB in the socket) or
 * about 150 of 1,400 bytes (about 340 KB).  A datagram dropped there
 * stalls the sync for WaitSyncBindAckSecs.  Cost: one record buffer per
 * update (repl_recs).
 */
#define REPL_SYNC_WINDOW	(2 * FO_RX_MAX)
/* Committed changes held in memory for replication; beyond this the
 * queue is dropped and rebuilt from the store (the store is the queue). */
#define REPL_QUEUE_MAX		(1u << 20)
/* The watermark reaches the store at least this often when it moved. */
#define REPL_PERSIST_SECS	1.0

/* Meta entries of the lease store (lease_db_meta_*_u64). */
#define REPL_META_ACKED		"fo_repl_acked"	/* replication watermark */
#define REPL_META_SEQ_FLOOR	"fo_seq_floor"	/* stream markers' numbers */

struct repl_ent {
	uint64_t	 seq;
	uint32_t	 addr;
};

/* FIFO of committed changes (sequence order). */
struct repl_queue {
	struct repl_ent	*v;
	size_t		 cap, head, n;
};

/* Replication: every committed change but offers, to the failover. */
struct repl_stream {
	struct fo_tx	 tx;
	struct repl_recs	 recs;		/* bytes of what is in flight */
	struct repl_queue	 q;		/* committed, not sent yet */
	struct repl_ent	*pending;	/* staged, not committed yet */
	size_t		 npending, cappending;
	bool		 paused;	/* an update failed: wait to hear from
					 * the failover, then resume from the
					 * watermark */
	bool		 rewalk;	/* queue dropped: rebuild it from the
					 * store before sending more */
	uint64_t	 persisted;	/* watermark in the store's meta */
	double		 persisted_at;
	uint64_t	 last_sent;	/* highest seq sent since the reset */
	uint64_t	 staged_wm;	/* watermark in the open batch */
	bool		 wm_staged;
	double		 q_since;	/* the queue's oldest change, ev_now */
	bool		 flush;		/* send without BindUpdDelay */
	/* counters */
	uint64_t	 queued;	/* changes queued */
	uint64_t	 sent;		/* updates sent (first transmissions) */
	uint64_t	 datagrams;	/* BIND_UPD datagrams, retries too */
	uint64_t	 acked;
	uint64_t	 retries;
	uint64_t	 failures;	/* updates given up on */
	uint64_t	 superseded;	/* skipped: a newer change follows */
	uint64_t	 too_big;	/* record above SyncBindingBufSize */
	uint64_t	 resumes;	/* restarts from the watermark */
	uint64_t	 walks;		/* queue rebuilt from the store */
	char		 last_failure[160];
	double		 last_failure_time;
};

/* Start-up sync: answering the failover's SyncReq. */
struct repl_sync {
	bool		 active;
	uint64_t	 peer_epoch;	/* of the SyncReq being answered */
	struct fo_tx	 tx;
	struct repl_recs	 recs;
	struct repl_ent	*list;		/* the store at SyncReq, seq order */
	size_t		 nlist, next;
	uint64_t	 above;		/* sent: above < seq <= covered */
	uint64_t	 covered;	/* LAST_SEQ of SyncStart */
	uint64_t	 done_seq;	/* SyncDone's UPD_SEQ, 0 = not sent */
	bool		 marking;	/* taking SyncDone's number */
	uint32_t	 announced;	/* SyncStart COUNT */
	uint32_t	 sent;		/* bindings sent in this sync */
	double		 started, finished;
	/* counters */
	uint64_t	 requests;	/* SyncReq received */
	uint64_t	 completed;
	uint64_t	 failed;
	uint64_t	 bindings_total;
	double		 last_rate;	/* bindings/s of the last sync */
	char		 last_failure[160];
};

struct repl {
	ev_timer	 resend_w;	/* earliest ack deadline of both */
	ev_timer	 hold_w;	/* BindUpdDelay of the oldest change */
	/* A BIND_UPD being built, and the records it points at. */
	struct fo_msg	*out;
	uint8_t		 (*recbuf)[LEASE_RECORD_MAX];	/* FO_MAX_UPDATES */
	struct log_ratelimit rl;
	struct repl_stream stream;
	struct repl_sync sync;
};

/*
 * With a failover, from link_open once the socket is open: the streams,
 * the watermark and the markers' floor from the store.  0, or an exit
 * code (exitcodes.h) with err filled.
 */
int	repl_init(struct server *, char *err, size_t errlen);
void	repl_free(struct server *);
/* After a reload: retry policy, the pools' sequence floor. */
void	repl_reloaded(struct server *);
/* NULL without a failover. */
const struct repl *repl_get(const struct server *);

/* A lease was staged (not an offer, not from the failover). */
void	repl_note_staged(struct server *, const struct lease *);
/* Stage the watermark into the open batch if it moved. */
void	repl_before_commit(struct server *);
/* The batch committed / failed. */
void	repl_committed(struct server *);
void	repl_commit_failed(struct server *);
/* Send what the window allows, from the queue and a running sync. */
void	repl_pump(struct server *);
/* Send what BindUpdDelay holds back, now and from then on (shutdown). */
void	repl_flush(struct server *);
/* Acks from the failover. */
void	repl_ack(struct server *, const struct fo_msg *);
/* The failover was heard from: resume a paused stream. */
void	repl_heard(struct server *, bool peer_restarted);
/* SyncReq received (already authenticated and decoded). */
void	repl_sync_request(struct server *, const struct fo_msg *);
/* Once a second: persist the watermark if it moved. */
void	repl_tick(struct server *);
uint64_t repl_watermark(const struct server *);

#endif
