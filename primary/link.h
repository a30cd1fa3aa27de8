/*
 * The primary's side of the failover protocol (DESIGN 2, 3;
 * docs/failover-design.md, docs/failover-protocol.md,
 * docs/failover-states.md "Primary").  Three files share this state, all
 * on the main loop thread:
 *
 *	link.c	socket, receive path, sending, the control machine
 *			(pr_fsm) and its actions, Poll/CtlReq/Shutdown
 *	replicate.c	binding updates to the failover: the replication
 *			stream and the start-up sync it asks for
 *	handback.c	bindings the failover hands back: applying them,
 *			conflicts, per-subnet markers
 *
 * With UseFailoverServer = false only the machine exists (STANDALONE) and
 * every entry point below returns at once.
 */
#ifndef DHCPFO_PRIMARY_LINK_H
#define DHCPFO_PRIMARY_LINK_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "fo_accept.h"
#include "fo_auth.h"
#include "fo_codec.h"
#include "fo_proto.h"
#include "repl_recs.h"
#include "fo_stream.h"
#include "lease.h"
#include "log.h"
#include "pr_fsm.h"
#include "strbuf.h"

struct server;

/* Updates in flight per stream (fo_stream.h). */
#define LINK_WINDOW		1024
/* Datagrams read per wakeup of the failover socket. */
#define LINK_READ_BUDGET	256
/* SHUTDOWN copies sent at SIGTERM (no ack: the failover takes over). */
#define LINK_SHUTDOWN_COPIES	3
/* Committed changes held in memory for replication; beyond this the
 * queue is dropped and rebuilt from the store (the store is the queue). */
#define LINK_QUEUE_MAX	(1u << 20)
/* The watermark reaches the store at least this often when it moved. */
#define LINK_PERSIST_SECS	1.0

/* Meta entries of the lease store (lease_db_meta_*_u64). */
#define LINK_META_EPOCH		"fo_epoch"	/* last boot epoch, us */
#define LINK_META_REPL_ACKED	"fo_repl_acked"	/* replication watermark */
#define LINK_META_PEER_SEQ	"fo_peer_seq"	/* LAST_SEQ we report */
#define LINK_META_SEQ_FLOOR	"fo_seq_floor"	/* stream markers' numbers */

/* Who grants leases from a subnet now (dhcpfoctl status). */
enum served_by {
	SERVED_BY_PRIMARY = 0,	/* we do */
	SERVED_BY_NOBODY,	/* nobody: being handed back */
	SERVED_BY_FAILOVER,	/* not handed back yet */
};
const char	*served_by_name(enum served_by);

struct link_subnet {
	uint32_t	 network;
	uint8_t		 prefix;
	enum served_by	 who;
	uint8_t		 digest[FO_SHA256_LEN];
	bool		 peer_digest;		/* the failover sent one */
	bool		 digest_mismatch;
	uint32_t	 handback_expected;	/* SubnetSyncStart COUNT */
	uint64_t	 handback_applied;	/* bindings since then */
	uint64_t	 handbacks;		/* SubnetSyncDone applied */
};

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
struct repl {
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

/* Hand-back: bindings the failover returns. */
struct handback {
	struct fo_rx	 rx;		/* UPD_SEQs to ack after the commit */
	size_t		 ndone;
	struct handback_marker done[HANDBACK_MARKERS_MAX];
	uint64_t	 max_seq;	/* highest UPD_SEQ applied, this return */
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
};

/* Bindings in the failover's share it was asked to approve (approve.c;
 * docs/safety.md). */
struct approve_counts {
	uint64_t	 asked;		/* BIND_REQ sent */
	uint64_t	 approved;
	uint64_t	 refused;	/* held for another client there */
	uint64_t	 undecided;	/* its store failed: asked again */
	uint64_t	 unexpected;	/* a BIND_RPL for nothing we asked */
};

struct link {
	struct server	*srv;
	bool		 configured;	/* UseFailoverServer */
	struct pr_fsm	 fsm;
	ev_timer	 ctl_ret_w;	/* the machine's one timer */
	ev_timer	 resend_w;	/* earliest ack deadline of the streams */
	ev_timer	 hold_w;	/* BindUpdDelay of the oldest change */
	ev_io		 rx_w;
	int		 fd;

	struct fo_key	 key;
	uint32_t	 peer_addr;	/* FailoverServer */
	uint16_t	 peer_port;	/* FailoverPort */
	uint32_t	 primary_id;	/* fo_primary_id(our Name) */
	uint64_t	 epoch;		/* our boot epoch, us */
	uint64_t	 tx_seq;	/* last header seq sent */
	uint8_t		 version;	/* we send in this one */
	size_t		 dgram_max;	/* BIND_UPD packing size */
	struct fo_replay replay;	/* the failover's (epoch, seq) */

	size_t		 nsubnets;
	struct link_subnet *subnets;	/* cfg.subnets order */

	/* What we know of the failover. */
	bool		 peer_seen;
	char		 peer_name[FO_NAME_MAX + 1];
	uint8_t		 peer_state;	/* STATE of its last Poll */
	uint8_t		 peer_ver_min, peer_ver_max;
	uint16_t	 peer_buf_size;	/* 0: not told yet */
	uint64_t	 peer_last_seq;	/* its LAST_SEQ of our stream */
	double		 last_heard;	/* any accepted message */
	double		 last_poll;
	uint64_t	 peer_restarts;
	bool		 buf_mismatch;
	bool		 digest_mismatch;	/* any subnet */
	uint64_t	 subnets_missing;	/* digest for a subnet we lack */

	/* Counters. */
	uint64_t	 rx;		/* datagrams read */
	uint64_t	 accepted;
	uint64_t	 rx_by_type[FO_TYPE_MAX + 1];
	uint64_t	 tx_by_type[FO_TYPE_MAX + 1];
	uint64_t	 rej[FO_REJ_COUNT];	/* dropped, by reason */
	uint64_t	 send_errors;
	uint64_t	 ctl_ret_refused;
	uint64_t	 polls_answered;
	uint64_t	 version_answered;	/* Poll in a version we do
						 * not speak, answered */
	struct log_ratelimit rl_rej, rl_send, rl_repl, rl_handback;

	struct repl	 repl;
	struct repl_sync	 sync;
	struct handback	 handback;
	struct approve_counts approve;

	/* Scratch: a decoded message, one being built, datagram buffers. */
	struct fo_msg	*in, *out;
	uint8_t		*rxbuf, *txbuf;
	uint8_t		 (*recbuf)[LEASE_RECORD_MAX];	/* FO_MAX_UPDATES */
};

/* ---- link.c ---- */

/*
 * Set up the link for srv (its config, store and pools must be ready):
 * key, boot epoch, socket; then the machine is started, which with a
 * failover stops every pool serving and sends the first CtlReq.  Returns
 * 0, or an exit code (exitcodes.h) with err filled: EXIT_CONFIG for a
 * key file that cannot be used.
 */
int	link_open(struct server *, char *err, size_t errlen);
void	link_close(struct server *);
/* SIGTERM/SIGINT: tell the failover (SHUTDOWN x3) before we go. */
void	link_shutdown(struct server *);
/* After a reload swapped the pools: re-apply who serves what, digests. */
void	link_reloaded(struct server *);
/* Once a second from the server's tick. */
void	link_tick(struct server *);

/* Machine state for status and PollRpl. */
enum pr_state	 link_state(const struct server *);
uint8_t		 link_state_code(const struct server *);
/* Who serves pool index i (status). */
enum served_by	 link_served(const struct server *, size_t i);

/* Sending (encode with a fresh header seq, sign, send); 0 or -1. */
int	link_send(struct server *, struct fo_msg *);
/* Index in fo->subnets of (network, prefix), or -1. */
int	link_subnet_find(const struct server *, uint32_t network,
	    uint8_t prefix);
/* Feed the control machine and perform its actions. */
void	link_event(struct server *, enum pr_event_type, int subnet);
/* Re-arm the retransmission timer after the streams changed. */
void	link_rearm(struct server *);
double	link_now(const struct server *);
int64_t	link_clock_ms(void);

/* ---- replicate.c ---- */

int	repl_init(struct server *, char *err, size_t errlen);
void	repl_free(struct server *);
/* A lease was staged (not an offer, not from the failover). */
void	repl_note_staged(struct server *, const struct lease *);
/* Stage the watermark into the open batch if it moved. */
void	repl_before_commit(struct server *);
/* The batch committed / failed. */
void	repl_committed(struct server *);
void	repl_commit_failed(struct server *);
/* Send what the window allows, from the queue and a running sync. */
void	repl_pump(struct server *);
/* Acks from the failover. */
void	repl_ack(struct server *, const struct fo_msg *);
/* Retransmit what is overdue; give up what ran out of tries. */
void	repl_resend(struct server *);
/* The failover was heard from: resume a paused stream. */
void	repl_heard(struct server *, bool peer_restarted);
/* SyncReq received (already authenticated and decoded). */
void	sync_request(struct server *, const struct fo_msg *);
/* Earliest ack deadline of both streams (0: none). */
double	repl_deadline(const struct server *);
/* Once a second: persist the watermark if it moved. */
void	repl_tick(struct server *);
uint64_t repl_watermark(const struct server *);

/* ---- approve.c ---- */

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

/* ---- handback.c ---- */

void	handback_init(struct server *);
/* Returns how many updates were taken (a malformed record is not). */
size_t	handback_bind_upd(struct server *, const struct fo_msg *);
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
