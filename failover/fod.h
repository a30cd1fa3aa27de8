/*
 * dhcpfo-failover internals, shared by the files of failover/ only.
 *
 * Two kinds of thread (docs/design.md §1, §5; docs/architecture.md,
 * convention 5):
 *
 *  - the main thread (struct fod) owns the configuration, the Berkeley DB
 *    environment, every socket (failover UDP, DHCP, control), signals and
 *    the control commands.  It reads datagrams, checks their sanity and
 *    routes each to the thread of the primary it belongs to;
 *  - one thread per primary (struct fod_peer) owns that primary's store
 *    handle, pools, engine, state machine, key and replay window.  It
 *    authenticates and handles what the main thread routed to it, and
 *    serves the primary's clients while it stands in for it.
 *
 * They share nothing mutable but the queues (struct fq: mutex-protected
 * ring + ev_async), each peer's published status snapshot (a copy under
 * pub.mtx) and two atomic flags.  Fields of struct fod_peer are marked
 * with the one file that writes them.
 */
#ifndef DHCPFO_FAILOVER_FOD_H
#define DHCPFO_FAILOVER_FOD_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "fod_config.h"
#include "control.h"
#include "daemon.h"
#include "dhcp_reply.h"
#include "dhcp_socks.h"
#include "engine.h"
#include "fo_accept.h"
#include "fo_auth.h"
#include "fo_codec.h"
#include "fo_keystat.h"
#include "fod_fsm.h"
#include "fo_stream.h"
#include "gcommit.h"
#include "ifaddr.h"
#include "lease_ckpt.h"
#include "lease_db.h"
#include "lease_defer.h"
#include "lease_log.h"
#include "log.h"
#include "netio.h"
#include "park.h"
#include "ping.h"
#include "pool.h"
#include "pool_load.h"
#include "strbuf.h"
#include "trap_limit.h"

/*
 * Update sequences the failover gives its own grants (docs/failover-
 * design.md "Stores and sequences"): the top bit set, so they are told
 * apart from the primary's after a restart.
 */
#ifndef FOD_LOCAL_SEQ_BIT
#define FOD_LOCAL_SEQ_BIT	(UINT64_C(1) << 63)
#endif

#define FOD_READ_BUDGET		1024	/* datagrams per socket wake-up */
#define FOD_RX_BATCH		8	/* ... per recvmmsg (fod_peer_sock.c) */
#define FOD_QUEUE_CAP		16384	/* items waiting for one thread */
/*
 * ... and their bytes.  The count alone let a thread's queue hold 16384
 * failover datagrams of up to 64 KB, about 1 GiB, while its socket was
 * being reopened.  16 MiB holds the whole count of DHCP packets (about
 * 600 bytes each) and 256 of the largest datagrams.
 */
#define FOD_QUEUE_BYTES		(16u << 20)
#define FOD_CHECKPOINT_SECS	30.0
#define FOD_CALL_TIMEOUT	5.0	/* control call into a thread */
#define FOD_TICK_SECS		1.0	/* expiry sweep, lazy commits */
#define FOD_SNAP_INTERVAL	0.02	/* status snapshots at most this often */
#define FOD_PACE_SECS		0.2	/* steady replication commits, at most
					 * (fod_serve.c) */
#define FOD_PACE_BUSY		(FO_RX_MAX / 2)	/* ... read at once above */
#define FOD_DEFER_MAX		(FO_RX_MAX / 4)	/* ... a flush deferred for
					 * at most this many updates */
#define FOD_PACE_PHASES		8	/* ... the threads' ticks spread */
#define FOD_EXPIRE_PER_TICK	4096
#define FOD_MAX_PINGS		1024	/* DISCOVERs waiting on a ping
					 * (common/dhcp/park.c) */
#define FOD_HANDBACK_WINDOW		1024	/* hand-back updates in flight */
#define FOD_VERDICTS_MAX		256	/* BIND_RPLs waiting for one commit */
#define FOD_SKEW_WARN		30.0	/* design.md §3: clock skew warned */
#define FOD_SKEW_FAULTY		60.0	/* ... and the pair reported faulty */

struct fod;
struct fod_peer;

/* ------------------------------------------------------------ queues */

enum fq_kind {
	FQ_FO = 1,	/* main -> peer: a failover datagram */
	FQ_DHCP,	/* main -> peer: a DHCP request to serve */
	FQ_CMD,		/* main -> peer: an operator command */
	FQ_NOTE,	/* peer -> main: a notification (log, later traps) */
	FQ_LEARNT,	/* peer -> main: the primary's configuration text,
			 * fetched whole and checked (fod_fetch.c) */
};

enum fq_cmd {
	FQ_CMD_TAKEOVER = 1,	/* FOD_EV_FORCE_TAKEOVER */
	FQ_CMD_RELEASE,		/* FOD_EV_FORCE_RELEASE */
	FQ_CMD_START,		/* FOD_EV_START (after a stop) */
	FQ_CMD_POLICY,		/* reload: new poll/sync policy; buf: a
				 * struct fo_keyset when the keys changed */
	FQ_CMD_CALL,		/* run a control call (struct fod_call) */
	FQ_CMD_STOP,		/* shutdown or reload: stop the loop (buf:
				 * the reason) */
	FQ_CMD_PARTNER_DOWN,	/* FOD_EV_PARTNER_DOWN */
	FQ_CMD_REFETCH,		/* the text handed over was not stored:
				 * fetch it again (fod_learn.c) */
};

struct fod_call;

/*
 * One queued item, allocated by the producer and freed by the consumer.
 * buf holds the datagram (FQ_FO, FQ_DHCP) or text (FQ_NOTE, FQ_CMD).
 */
struct fq_item {
	uint8_t		 kind;		/* enum fq_kind */
	uint8_t		 cmd;		/* FQ_CMD: enum fq_cmd */
	uint16_t	 sock;		/* FQ_DHCP: index in fod->socks */
	uint32_t	 src_addr;	/* host order */
	uint16_t	 src_port;
	unsigned int	 ifindex;	/* FQ_DHCP */
	uint32_t	 link_addr;	/* FQ_DHCP: giaddr or interface */
	uint32_t	 iface_addr;	/* FQ_DHCP: our address on the link */
	double		 rx_time;	/* FQ_DHCP: when it arrived (netio) */
	uint64_t	 peer;		/* FQ_NOTE: which peer (its uid) */
	int		 note;		/* FQ_NOTE: enum fod_notify or -1 */
	bool		 critical;	/* FQ_NOTE: EXIT_CRITICAL */
	struct fod_call	*call;		/* FQ_CMD_CALL */
	struct cfg_fo_policy policy;	/* FQ_CMD_POLICY */
	bool		 lease_log;	/* FQ_CMD_POLICY: [server] LeaseLog, */
	unsigned	 lease_log_rate;	/* LeaseLogRate */
	size_t		 len;
	uint8_t		 buf[];
};

struct fq {
	pthread_mutex_t	 mtx;
	struct fq_item	**ring;
	size_t		 cap, head, n;
	size_t		 bytes, max_bytes; /* payload queued, its bound */
	uint64_t	 dropped;	/* full: item refused (under mtx) */
	struct ev_loop	*loop;		/* consumer's loop */
	ev_async	*wake;		/* consumer's watcher */
};

/* fod_queue.c */
/* cap items and max_bytes of their payloads, whichever comes first. */
int		 fq_init(struct fq *, size_t cap, size_t max_bytes,
		    struct ev_loop *, ev_async *);
void		 fq_destroy(struct fq *);
struct fq_item	*fq_item_new(enum fq_kind, size_t len);
/* Appends it (the queue owns it) or frees it and returns false (full).
 * Does not wake the consumer: call fq_wake once per batch. */
bool		 fq_push(struct fq *, struct fq_item *);
void		 fq_wake(struct fq *);
/* Takes up to max items (oldest first); returns how many. */
size_t		 fq_take(struct fq *, struct fq_item **, size_t max);
uint64_t	 fq_dropped(struct fq *);

/*
 * A control command run on a peer's thread while the main thread waits
 * (with a time limit) for the answer: both ends hold a reference, the
 * last to let go frees it.
 */
enum fod_call_kind {
	FOD_CALL_LEASES = 1,	/* append the peer's leases (filter: arg) */
	FOD_CALL_FIND,		/* lease: bindings matching the query arg */
	FOD_CALL_LEASE_DEL,	/* lease-del: free the address arg */
};

struct fod_call {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
	int		 refs;
	bool		 done;
	enum fod_call_kind kind;
	bool		 json;
	char		 arg[CTL_MAX_LINE];	/* "" = none */
	/* Answer: */
	int		 rc;
	bool		 matched;	/* leases: the subnet filter matched */
	size_t		 nitems;	/* leases: entries appended */
	struct strbuf	 out;
};

struct fod_call	*fod_call_new(enum fod_call_kind, bool json, const char *arg);
void		 fod_call_release(struct fod_call *);
/* Thread side: the answer is complete. */
void		 fod_call_done(struct fod_call *);
/* Main side: wait up to secs; true if done. */
bool		 fod_call_wait(struct fod_call *, double secs);
/* Main side: queue c to the peer's thread (which gets a reference). */
bool		 fod_call_post(struct fod_peer *, struct fod_call *);

/* -------------------------------------------------- published status */

/* Per subnet, during and after a hand-back. */
enum fod_handback_sub {
	FOD_SUB_HELD = 0,	/* ours to serve in takeover */
	FOD_SUB_SYNCING,		/* being handed back: nobody serves it */
	FOD_SUB_BACK,		/* handed back: the primary's */
};

struct fod_snap_subnet {
	char		 name[CFG_NAME_MAX];
	uint32_t	 network;
	uint8_t		 prefix;
	bool		 serving;	/* we grant leases from it */
	uint8_t		 handback;		/* enum fod_handback_sub */
	bool		 digest_seen;	/* the primary sent its digest */
	bool		 digest_match;
	struct pool_stats st;
	/* Safety (docs/safety.md): the share's percentage, and when the
	 * safe period ends (wall clock) counted from the last time we
	 * heard from the primary. */
	unsigned	 failover_share;
	uint32_t	 safe_period;
	double		 safe_until;
};

/* ----------------------------------------------------- one primary */

/*
 * struct fod_peer is made of parts, each written by one file only
 * (docs/architecture.md convention 14); other files read them or call
 * the owner's functions.  What status shows is kept in the parts'
 * counter structs, and the snapshot (struct fod_snap, fod_status.c) is
 * made of copies of those structs, taken whole.
 */

/* fod_act.c: the machine's driver. */
struct fod_pending_ev {
	struct fod_event	 ev;
	char			 detail[FSM_REASON_MAX + 1];
};

struct fod_act_status {
	bool		 critical;	/* stopped by a critical sync failure */
	char		 stop_reason[FSM_REASON_MAX + 1];
};

struct fod_act {
	struct fod_fsm	 fsm;
	ev_timer	 fsm_w[FOD_TIMER_COUNT];
	unsigned	 timer_gen[FOD_TIMER_COUNT];	/* armed or cancelled */
	/* Events generated while actions run are queued, not nested. */
	bool		 in_fsm;
	struct fod_pending_ev pend[8];
	size_t		 npend;
	struct fod_act_status st;
};

/* fod_store.c: the persistent values (the store's meta) and what we know
 * of the primary's store. */
struct fod_meta {
	uint64_t	 epoch;		/* our boot epoch for this pair */
	uint8_t		 p_store_id[FO_STORE_ID_LEN];
	bool		 p_store_known;
	bool		 p_store_changed; /* it reports another store */
	uint64_t	 p_last_seq;	/* primary's updates stored, through */
	bool		 sync_ok;	/* p_last_seq may advance */
	uint64_t	 local_seq;	/* last local sequence handed out */
	uint64_t	 local_seq_saved;
	uint64_t	 handback_through;	/* local sequences handed back */
	bool		 takeover;	/* we stand in for the primary */
	bool		 partner_down;	/* as loaded; then the machine's */
	uint64_t	 p_epoch;	/* the primary's boot epoch last seen */
	uint64_t	 p_seq;		/* ... the highest seq accepted in it,
					 * as loaded (protocol 7.3) */
	uint64_t	 saved[16];	/* as last staged */
};

/* fod_peer_sock.c: the primary's own connected socket. */
struct fod_sock_counters {
	uint64_t	 direct_rx;	/* datagrams on the primary's socket */
	uint64_t	 direct_bad;	/* ... of them malformed */
};

/* fod_msg.c: the protocol's counters and what the primary reports. */
struct fod_msg_counters {
	uint64_t	 msgs_rx, msgs_tx, send_errors;
	double		 last_rx;	/* wall clock of the last accepted, 0 */
	double		 last_poll_sent, last_reply;	/* wall clock, 0 */
	uint64_t	 rejects[FO_REJ_COUNT];
	uint64_t	 late_answers;	/* PollRpl to an answered Poll */
	uint64_t	 skewed_answers;	/* PollRpl whose CLOCK is off by
					 * more than FOD_SKEW_FAULTY: no
					 * answer */
};

struct fod_heard {
	uint64_t	 p_acked_seq;	/* its LAST_SEQ of our stream */
	unsigned	 p_buf_size;
	bool		 buf_mismatch;
	bool		 have_clock;
	bool		 faulty;	/* skew over FOD_SKEW_FAULTY */
	double		 clock_skew;	/* primary - us, seconds */
	unsigned	 digest_mismatches, digests_missing;
};

struct fod_proto {
	struct fo_msg	*m;		/* decode scratch (receive path) */
	struct fo_replay replay;
	size_t		 lease_max;	/* LEASE cap: min of buffer sizes */
	uint64_t	 tx_seq;	/* header seq of our last datagram */
	/* A PollRpl must echo one of our Polls in [poll_floor, poll_seq]
	 * (fo_accept_answer). */
	uint64_t	 poll_seq, poll_floor;
	struct fo_hdr	 ctl_req_hdr;	/* the last CtlReq, or PollRpl saying
					 * the primary waits for control:
					 * CtlRet echoes it */
	struct fo_msg	*mt;		/* encode scratch (senders) */
	uint8_t		*txbuf;		/* FO_DGRAM_MAX */
	uint8_t		 ctl_store_id[FO_STORE_ID_LEN];	/* CTL_REQ's */
	bool		 ctl_store_known;
	bool		 skew_warned;
	bool		*digest_seen, *digest_match;	/* per subnet */
	bool		 digests_logged;
	struct fod_msg_counters ctr;
	struct fod_heard heard;
	/* One limit per reason: garbage must not hide a wrong key. */
	struct log_ratelimit rl_rej[FO_REJ_COUNT + 1];
	struct log_ratelimit rl_send;
};

/* fod_sync.c: start-up sync and replication receive. */
struct fod_sync_counters {
	uint64_t	 upd_received, upd_applied, upd_acked, upd_conflicts;
	double		 last_sync_secs;
};

struct fod_sync {
	struct fo_rx	 rx;		/* update sequences to acknowledge */
	struct fo_rx	 held;		/* ... committed, not yet on disk */
	struct lease_lsn held_at;	/* where the log must be on disk for
					 * them (lease_defer.h) */
	uint64_t	 rx_max_seq;	/* highest primary seq staged */
	bool		 counting;	/* a start-up sync is running */
	uint64_t	 expected;	/* SyncStart COUNT */
	uint64_t	 last;		/* SyncStart LAST_SEQ (or max) */
	bool		 has_last;
	uint64_t	*seen;
	size_t		 nseen, capseen;
	double		 started;
	struct fod_sync_counters ctr;
	struct log_ratelimit rl_store, rl_conflict;
};

/* fod_handback.c: hand-back of the primary's subnets. */
struct fod_addrvec {
	uint32_t	*v;
	size_t		 n, cap;
};

struct fod_handback_ent {
	uint64_t	 seq;		/* UPD_SEQ */
	uint32_t	 addr;
	uint16_t	 len;
	uint8_t		 rec[LEASE_RECORD_MAX];
};

struct fod_handback_status {
	size_t		 cur;		/* subnet in progress, SIZE_MAX */
	bool		 full;		/* every binding, not only ours */
	size_t		 sent_total;	/* leases in this hand-back */
	size_t		 last_leases;	/* ... in the last complete one */
	double		 last_secs;
};

struct fod_handback {
	bool		 active;
	bool		 from_takeover;
	double		 started;	/* ev_now */
	bool		 was_serving;	/* cur was served when it began */
	uint64_t	 base;		/* START marker's UPD_SEQ */
	size_t		 n;		/* updates of cur */
	size_t		 next;		/* next update never sent */
	bool		 done_sent;	/* DONE marker out */
	struct fod_handback_ent *ents;
	size_t		 ents_cap;
	size_t		 ctl_ret_count;	/* for the CtlRet that ends it */
	struct fo_tx	 tx;
	ev_timer	 retry_w;
	uint8_t		*sub;		/* enum fod_handback_sub per subnet */
	struct fod_addrvec *local;	/* per subnet: addresses we granted */
	size_t		 skipped_big;	/* records over the buffer size */
	struct fod_handback_status st;
};

/* fod_serve.c: takeover serving and the group commit. */
struct fod_serve_counters {
	uint64_t	 dhcp_rx;
};

struct fod_serve {
	struct engine	 eng;
	bool		 commit_urgent;
	bool		 commit_paced;	/* rx waits for pace_w */
	bool		 streaming;	/* the socket stays paused from tick
					 * to tick (fod_serve.c) */
	bool		 stream_break;	/* ... until the next tick only */
	bool		 in_tick;	/* pace_cb is committing */
	bool		 defer;		/* ... and may defer the flush */
	ev_periodic	 pace_w;
	struct gcommit	 gc;		/* ACKs until their batch commits */
	struct lease_log llog;		/* one line per lease event */
	struct ratelimit rlim;		/* new-client buckets (the engine's) */
	struct dhcp_replyq outbox;
	struct dhcp_reply_stats rstats;
	struct park_set	 pings;		/* DISCOVERs waiting on a ping */
	struct dhcp_msg	*msg;		/* decode scratch */
	struct engine_result *res;	/* engine scratch */
	struct fod_serve_counters ctr;
	struct log_ratelimit rl_store, rl_send, rl_ping;
};

/* fod_fetch.c: the primary's configuration text (docs/learn.md). */
#define FOD_FETCH_PART		1024	/* bytes asked per CfgReq */
#define FOD_FETCH_WINDOW	32	/* CfgReqs in flight */
#define FOD_FETCH_STALLS	5	/* retry intervals without progress */
#define FOD_FETCH_RETRY_MIN	1.0	/* seconds, at least */

struct fod_fetch_status {
	uint64_t	 fetches, completed, failed, restarts, parts;
	bool		 heard;		/* the primary announced heard_sha */
	uint8_t		 heard_sha[FO_SHA256_LEN];
	bool		 fetching;	/* parts outstanding */
};

struct fod_fetch {
	bool		 learns;	/* the view is what we learnt */
	bool		 serving;	/* ... and serving_sha is in it */
	uint8_t		 serving_sha[FO_SHA256_LEN];
	bool		 have;		/* we hold (or refused) have_sha */
	uint8_t		 have_sha[FO_SHA256_LEN];
	uint32_t	 size;		/* of the text being fetched */
	uint8_t		 sha[FO_SHA256_LEN];
	struct fq_item	*item;		/* FQ_LEARNT: the text, in buf */
	uint8_t		*parts;		/* per part: wanted, asked, got */
	size_t		 nparts, next, inflight, got;
	unsigned	 stalls;
	bool		 progress;	/* a part since the last retry */
	double		 started;
	ev_timer	 retry_w;
	struct fod_fetch_status st;
};

/* fod_approve.c: BIND_REQs of the primary. */
struct fod_approve_counters {
	uint64_t	 granted, refused;
};

struct fod_verdict {
	uint64_t	 seq;
	uint8_t		 result;
};

struct fod_approve {
	/* Verdicts waiting for the commit that makes them true. */
	size_t		 nverdicts;
	struct fod_verdict verdicts[FOD_VERDICTS_MAX];
	struct fod_approve_counters ctr;
};

/* fod_notify.c: notifications that could come in floods. */
struct fod_notify_limits {
	struct trap_limit tl_auth, tl_store, tl_dup;
};

/*
 * Counters of the receive path, which fod_msg_rx (fod_msg.c) and
 * fod_peer_sock_drain (fod_peer_sock.c) keep in struct fod_peer itself.
 */

/*
 * The status snapshot: the parts' structs as they were at one moment,
 * and the few values computed from them then.
 */
struct fod_snap {
	bool		 valid;		/* published at least once */
	double		 now;		/* wall clock of the snapshot */
	enum fod_state	 state;
	struct fod_fsm_counters ctr;
	struct fsm_history hist;
	struct fod_act_status act;
	struct fod_sock_counters sock;
	struct fod_msg_counters msg;
	struct fod_heard heard;
	struct fod_meta	 meta;
	struct fod_sync_counters sync;
	struct fod_handback_status handback;
	struct fo_keystat keys;
	struct fod_approve_counters approve;
	struct fod_fetch_status fetch;
	struct fod_serve_counters serve;
	struct engine_counters eng;
	struct dhcp_reply_stats replies;
	struct gcommit_stats gc;
	struct lease_log_stats lease_log;
	struct park_counters pings;
	/* Computed when published. */
	double		 partner_heard;	/* the safe period's start, wall */
	bool		 partner_down;
	uint64_t	 sync_expected, sync_received;	/* 0: none running */
	uint64_t	 bindings, local_bindings;
	uint64_t	 commits, commit_failures;
	struct prom_hist commit_secs;	/* lease_db_stats */
	size_t		 nsubnets;	/* entries in the peer's pub.subnets */
};

/* fod_status.c: the published snapshot (shared with the main thread). */
struct fod_pub {
	pthread_mutex_t	 mtx;
	struct fod_snap	 snap;		/* under mtx */
	struct fod_snap_subnet *subnets;	/* under mtx */
	double		 at;		/* last published (ev_now) */
	ev_timer	 w;		/* a deferred snapshot */
	bool		 dirty;		/* changed since (fod_peer_changed) */
};

struct fod_peer {
	/* ---- fod_peer.c: set before the thread starts, read-only after
	 * (policy: also a reload's FQ_CMD_POLICY; stop*: FQ_CMD_STOP) */
	struct fod	*fod;
	uint64_t	 uid;		/* unique for the daemon's life: a
					 * reload may stop a peer while its
					 * notifications are still queued */
	char		 name[CFG_NAME_MAX];
	uint32_t	 id;		/* primary id */
	uint32_t	 addr;		/* primary's address, port */
	uint16_t	 port;
	struct ev_loop	*loop;		/* the thread's loop */
	struct fq	 inq;		/* main -> thread */
	pthread_t	 thr;
	bool		 thr_started;
	ev_async	 wake_w;
	ev_prepare	 prepare_w;
	ev_timer	 tick_w;
	bool		 stopping;
	char		 stop_why[64];	/* FQ_CMD_STOP's reason */
	struct config	 view;		/* own deep copy */
	struct cfg_fo_policy policy;
	/* Set before the thread starts (fod_peer_new's keys), then the
	 * thread's own: a reload's FQ_CMD_POLICY may bring a new set. */
	struct fo_keyset keys;
	struct fo_keystat keystat;	/* the thread's: fo_keystat_* */
	struct lease_db	*db;
	struct pool_set	*pools;
	struct ping_ctx	*ping;
	struct netio_l2	 l2;
	size_t		 dgram_max;	/* BIND_UPD packing */
	uint8_t		(*digests)[FO_SHA256_LEN];	/* ours, per subnet */
	double		 started;	/* wall clock, thread start */

	/* ---- fod.c (main thread): index in fod->peers, a reload moves it */
	size_t		 idx;
	/* The set the thread was last given: a reload compares the
	 * files' keys with it (the thread's own is not main's to read). */
	struct fo_keyset main_keys;
	/* ---- fod_dispatch.c (main thread) */
	uint64_t	 dhcp_ignored;	/* dropped by main: not serving */
	uint64_t	 dhcp_queued;
	uint64_t	 fod_queued;

	/* ---- shared: fod_act.c stores, main loads */
	atomic_bool	 serving;	/* any subnet served: route DHCP */
	atomic_bool	 critical;	/* stopped by SyncFailCritical */

	/* ---- fod_peer_sock.c: the primary's own connected socket */
	int		 fd;		/* -1: not open */
	ev_io		 sock_w;
	struct fq_item	*rxit[FOD_RX_BATCH];	/* receive buffers for fd */
	struct fod_sock_counters sock_ctr;

	/* ---- the parts */
	struct fod_act	 act;		/* fod_act.c */
	struct fod_meta	 meta;		/* fod_store.c */
	struct fod_proto proto;		/* fod_msg.c */
	struct fod_sync	 sync;		/* fod_sync.c */
	struct fod_handback handback;	/* fod_handback.c */
	struct fod_serve serve;		/* fod_serve.c */
	struct fod_approve approve;	/* fod_approve.c */
	struct fod_fetch fetch;		/* fod_fetch.c */
	struct fod_notify_limits notify;	/* fod_notify.c */
	struct fod_pub	 pub;		/* fod_status.c */
};

/* ------------------------------------------------------ main thread */

/* A subnet of some primary, for routing DHCP by address. */
struct fod_route {
	uint32_t	 network, mask;
	size_t		 peer;
};

/* A [primary:NAME] whose keys do not load: it has no thread and is not
 * protected until a reload loads them (docs/security.md). */
struct fod_keyerr {
	char		 name[CFG_NAME_MAX];
	uint32_t	 addr;
	uint16_t	 port;
	char		 error[FO_KEY_ERR_MAX];
};

struct fod_counters {
	uint64_t	 fo_rx, fod_bad;		/* sanity failures */
	uint64_t	 fod_bad_by[FO_REJ_COUNT];
	uint64_t	 fod_unknown_peer;	/* id or source unknown */
	uint64_t	 fod_queue_full;
	uint64_t	 dhcp_rx, dhcp_short, dhcp_truncated;
	uint64_t	 dhcp_no_subnet, dhcp_queue_full;
	uint64_t	 notes;
	uint64_t	 reloads, reload_failures;
	uint64_t	 learn_store_failures;	/* fod_learn.c */
};

struct fod {
	struct ev_loop	*loop;
	struct fod_config cfg;
	char		 cfgpath[CFG_PATH_MAX];
	bool		 debug;
	double		 started;	/* ev_now */
	int		 exit_code;

	struct lease_env *env;
	struct lease_ckpt *ckpt;	/* checkpoint thread, or NULL */
	int		 fod_fd;
	ev_io		 fod_w;
	struct dhcp_socks socks;	/* fod_dispatch.c */
	struct ctl_server *ctl;
	struct ctl_server *ctl_ro;	/* ControlSocketReadOnly, or NULL */
	struct fod_metrics *metrics;	/* MetricsListen (fod_metrics.c) */

	ev_timer	 checkpoint_w;
	struct daemon_signals sigs;
	ev_async	 note_w;
	struct fq	 noteq;		/* peers -> main */

	size_t		 npeers;
	struct fod_peer	**peers;	/* in the order of cfg.primaries */
	uint64_t	 next_uid;
	struct fod_keyerr *keyerrs;	/* fod.c; status lists them */
	size_t		 nkeyerrs;
	struct fod_route *routes;	/* sorted by network */
	size_t		 nroutes;

	struct fod_counters ctr;
	struct log_ratelimit rl_fo, rl_dhcp, rl_store;
	struct log_ratelimit rl_learn;	/* fod_learn.c */
	struct netio_pkt *rxbuf;	/* NETIO_BATCH slots */
	uint8_t		*fod_rxbuf;	/* FO_DGRAM_MAX + 1 */
};

/* fod.c: the main thread's lifecycle */
struct fod	*fod_new(struct ev_loop *, struct fod_config *cfg,
		    const char *cfgpath, bool debug, char *err, size_t errlen,
		    int *exit_code);
int		 fod_run(struct fod *);
void		 fod_free(struct fod *);
int		 fod_reload(struct fod *, struct strbuf *why);
/* Apply a primary's learnt configuration: its view becomes *view
 * (taken), its thread restarts, nothing else changes. */
int		 fod_reload_learnt(struct fod *, const char *name,
		    struct config *view);
/* Starts every peer thread (after daemon(): threads do not fork). */
int		 fod_start_threads(struct fod *, char *err, size_t errlen);

/* fod_dispatch.c: main-thread routing */
int		 fod_open_sockets(struct fod *, char *err, size_t errlen);
void		 fod_close_sockets(struct fod *);
int		 fod_build_routes(struct fod *);
/* Routes of peers[0..n) into out (room for all their subnets): count. */
size_t		 fod_fill_routes(struct fod_peer *const *peers, size_t n,
		    struct fod_route *out);
/* The peer whose uid is uid, or NULL (stopped by a reload). */
struct fod_peer	*fod_peer_by_uid(const struct fod *, uint64_t uid);
/* Peer index owning addr, or -1. */
long		 fod_route(const struct fod *, uint32_t addr);

/* fod_notify.c: notifications from the peers */
void		 fod_note_cb(struct ev_loop *, ev_async *, int);
/* Peer side: log the notification and post it to the main thread. */
void		 fod_notify_post(struct fod_peer *, enum fod_notify,
		    const struct fod_output *);
void		 fod_notify_critical(struct fod_peer *, const char *reason);
/* The store's environment is lost: the daemon must exit (EXIT_STORE). */
void		 fod_notify_fatal(struct fod_peer *, const char *why);
/*
 * Notifications raised outside the state machine, numbered after enum
 * fod_notify (the main thread maps both to traps: fod_snmp.c).
 */
enum fod_alert {
	FOD_ALERT_UPDATE_FAILED = FOD_NOTIFY_COUNT, /* an update not stored */
	FOD_ALERT_CONFIG_MISMATCH,	/* digests or SyncBindingBufSize */
	FOD_ALERT_DUPLICATE,		/* one address, two clients */
	FOD_ALERT_AUTH_FAILURE,		/* bad HMAC or replay */
	FOD_ALERT_END
};
/* Peer side: log_warn "primary=NAME: <text>" and post it. */
void		 fod_alert(struct fod_peer *, enum fod_alert, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* A datagram fod_reject()ed: bad HMAC or replay are posted, at most one
 * a minute per primary, with the count held back. */
void		 fod_alert_rejected(struct fod_peer *, enum fo_reject);
/* Binding updates from the primary not stored (n of them, the store's
 * error rc): at most one a minute. */
void		 fod_alert_update_failed(struct fod_peer *, int rc, size_t n);
/* ours (our grant) and theirs (the primary's update) hold one address;
 * ours_kept says which stays.  A few a minute. */
void		 fod_alert_duplicate(struct fod_peer *, const struct lease *ours,
		    const struct lease *theirs, bool ours_kept);

/* fod_metrics.c: [server] MetricsListen (docs/metrics.md) */
/* Listen, if it is set: 0, or -1 with err filled. */
int		 fod_metrics_start(struct fod *, char *err, size_t errlen);
void		 fod_metrics_stop(struct fod *);

/* fod_ctl.c: control commands */
/* A call (kind, arg) to every peer's thread in turn, each answer passed
 * to visit; -1 with the error in out if a thread did not answer. */
typedef void	 fod_ctl_visit(void *ctx, struct fod_peer *, struct fod_call *);
int		 fod_ctl_call_all(struct fod *, enum fod_call_kind, bool json,
		    const char *arg, fod_ctl_visit *visit, void *ctx,
		    struct strbuf *out);
/* fod_ctl_ops.c: lease, lease-del, export */
int		 fod_cmd_lease(struct fod *, int argc, char **argv, bool json,
		    struct strbuf *out);
int		 fod_cmd_lease_del(struct fod *, struct ctl_call *, int argc,
		    char **argv, bool json, struct strbuf *out);
int		 fod_cmd_export(struct fod *, struct ctl_call *, int argc,
		    char **argv, bool json, struct strbuf *out);

int		 fod_ctl_handler(void *arg, struct ctl_call *call, int argc,
		    char **argv, bool json, struct strbuf *out);

/* fod_peer.c: the per-primary thread */
/* Its index in fod->peers is the caller's to set (fod.c). */
/* keys: the primary's key set, loaded by the caller (fod.c). */
struct fod_peer	*fod_peer_new(struct fod *, const struct cfg_fo_primary *,
		    const struct fo_keyset *keys, char *err, size_t errlen,
		    int *exit_code);
int		 fod_peer_start(struct fod_peer *, char *err, size_t errlen);
/* The thread's first steps (the machine's START), before its loop runs;
 * for tests that run the loop themselves instead of fod_peer_start. */
void		 fod_peer_begin(struct fod_peer *);
/* Asks the thread to stop (why: for the log, NULL = daemon shutting
 * down) and waits for it. */
void		 fod_peer_stop(struct fod_peer *, const char *why);
void		 fod_peer_free(struct fod_peer *);
/* fod_peer_sock.c: the primary's own connected failover socket. */
int		 fod_peer_sock_open(struct fod_peer *, char *err, size_t errlen);
void		 fod_peer_sock_close(struct fod_peer *);
/* Handle whatever waits in that socket now. */
void		 fod_peer_sock_drain(struct fod_peer *);
/* Stop and start watching it (a paced commit reads it at its tick). */
void		 fod_peer_sock_pause(struct fod_peer *);
void		 fod_peer_sock_resume(struct fod_peer *);
/* Feed an event to the machine and perform its actions. */
void		 fod_peer_event(struct fod_peer *, const struct fod_event *);
/* Shorthand for an event with no fields but its type (and detail). */
void		 fod_peer_event_simple(struct fod_peer *, enum fod_event_type,
		    const char *detail);
/* fod_act.c: the machine's driver. */
/* The machine from the policy, its timers: -1 if the policy is refused. */
int		 fod_act_init(struct fod_peer *, char *err, size_t errlen);
/* A reload's policy, from the next timer on. */
void		 fod_act_set_policy(struct fod_peer *);
/* dhcpfoctl start: out of STOPPED, the critical stop forgotten. */
void		 fod_act_start(struct fod_peer *);
void		 fod_act_free(struct fod_peer *);
void		 fod_peer_timer_cb(struct ev_loop *, ev_timer *, int);
/* Serving on/off for one subnet or all (keeps the main's flag right). */
void		 fod_peer_serve(struct fod_peer *, size_t subnet, bool on);
void		 fod_peer_serve_all(struct fod_peer *, bool on);
/* fod_status.c */
int		 fod_status_init(struct fod_peer *);
void		 fod_status_free(struct fod_peer *);
/* Something status shows changed: publish soon. */
void		 fod_peer_changed(struct fod_peer *);
void		 fod_peer_publish(struct fod_peer *, bool force);
double		 fod_wallclock(void);
/* Thread side of reading a peer snapshot (main: fod_ctl.c). */
void		 fod_peer_snapshot(struct fod_peer *, struct fod_snap *,
		    struct fod_snap_subnet *subs, size_t cap);
/* The safe period of x runs at `now` (wall clock): we serve the subnet
 * and keep new clients to our share (docs/config-failover.md). */
bool		 fod_safe_running(const struct fod_snap *,
		    const struct fod_snap_subnet *x, double now);
/* Sums over the primaries' own sockets: datagrams, malformed ones. */
void		 fod_direct_counts(struct fod *, uint64_t *rx, uint64_t *bad);

/* fod_store.c: persistent per-primary values in the store's meta */
int		 fod_store_load(struct fod_peer *, char *err, size_t errlen);
/* Stage every changed value into the open batch (before a commit). */
int		 fod_store_stage(struct fod_peer *);
/* Stage and commit at once (rare events: state, epochs, store ids). */
int		 fod_store_save(struct fod_peer *);
/* The batch carrying staged values was lost: stage them again. */
void		 fod_store_commit_failed(struct fod_peer *);
uint64_t	 fod_store_local_seq(struct fod_peer *);
void		 fod_store_adopt_primary(struct fod_peer *, const uint8_t *id);
/* The primary's store identity as it reports it. */
void		 fod_store_check_primary(struct fod_peer *, const uint8_t *id);
/* Our copy may lack what we granted: hand back everything next time. */
void		 fod_store_primary_changed(struct fod_peer *);
/* Persist the takeover (docs/design.md §3): 0, or the store's error. */
int		 fod_store_set_takeover(struct fod_peer *, bool);
void		 fod_store_set_sync_ok(struct fod_peer *, bool);
/* A new boot epoch of the primary: kept and saved at once. */
void		 fod_store_note_p_epoch(struct fod_peer *, uint64_t epoch);
/* A persistent value moved since it was last staged (the tick commits). */
bool		 fod_store_unsaved(const struct fod_peer *);
/* We hold the primary's updates through seq (it never goes back). */
void		 fod_store_advance(struct fod_peer *, uint64_t seq);
/* Every local sequence handed out so far was handed back. */
void		 fod_store_handed_back(struct fod_peer *);

/* fod_msg.c: the failover protocol on a peer's thread */
/* Buffers, the replay window's epoch, the LEASE cap (after the store's
 * values are loaded): -1 when out of memory. */
int		 fod_msg_init(struct fod_peer *);
void		 fod_msg_free(struct fod_peer *);
void		 fod_msg_rx(struct fod_peer *, const struct fq_item *);
/* Encode, sign and send p->m (its header is filled in here). */
int		 fod_msg_send(struct fod_peer *, struct fo_msg *);
void		 fod_msg_init_to_primary(struct fod_peer *, struct fo_msg *,
		    uint8_t type);
int		 fod_send_poll(struct fod_peer *);
int		 fod_send_sync_req(struct fod_peer *);
int		 fod_send_ctl_ret(struct fod_peer *, uint8_t result,
		    const char *reason);
uint8_t		 fo_state_code(enum fod_state);
void		 fod_reject(struct fod_peer *, enum fo_reject, const char *what);
/* What the primary says about its buffer size. */
void		 fod_check_buf_size(struct fod_peer *, const struct fo_msg *);

/* fod_sync.c: start-up sync and replication receive */
void		 fod_sync_init(struct fod_peer *);
void		 fod_sync_begin(struct fod_peer *);
/* The sync failed: our watermark is not backed by a complete one. */
void		 fod_sync_failed(struct fod_peer *);
/* Before a commit: what it makes durable moves the watermark. */
void		 fod_sync_before_commit(struct fod_peer *);
/*
 * After it (rc 0) the updates are acknowledged once durable: at once
 * after a synchronous commit (at NULL), else (a deferred one, at: where
 * the log must be on disk) when a flush covered at, which may be this
 * call's, another thread's, or the next tick's.  A failure (rc) lost
 * them: none is, the primary resends.  Returns 0, or the error of a log
 * flush that failed (the store is then stopped).
 */
int		 fod_sync_committed(struct fod_peer *, int rc,
		    const struct lease_lsn *at);
void		 fod_sync_on_start(struct fod_peer *, const struct fo_msg *,
		    bool restarted);
void		 fod_sync_on_done(struct fod_peer *, const struct fo_msg *,
		    bool restarted);
/* Returns false if the message was rejected (bad lease). */
bool		 fod_sync_on_bind_upd(struct fod_peer *, const struct fo_msg *,
		    bool restarted);
void		 fod_sync_free(struct fod_peer *);

/* fod_serve.c: takeover DHCP serving and the group commit */
/* The group commit on p->db (once the store is open), the ping
 * parking, buffers: -1 when out of memory. */
int		 fod_serve_init(struct fod_peer *);
/* The engine on p->pools (once they are built). */
void		 fod_serve_engine_init(struct fod_peer *);
/* The policy (at start and after a reload): the commit grid, whether
 * the share's limits apply. */
void		 fod_serve_set_policy(struct fod_peer *);
/* [server] LeaseLog and LeaseLogRate (at start and after a reload). */
void		 fod_serve_set_lease_log(struct fod_peer *, bool on,
		    unsigned rate);
/* Something staged gates an answer: commit before the loop sleeps. */
void		 fod_commit_soon(struct fod_peer *);
/* Send the replies that need no commit. */
void		 fod_serve_flush(struct fod_peer *);
void		 fod_serve_packet(struct fod_peer *, const struct fq_item *);
/*
 * End the batch (gcommit.h): commit what is staged (and the persistent
 * values), then release the replies and acknowledgements that waited
 * for it.  0, or the store's error: the batch is lost, whatever failed
 * (a stage or the commit), its replies are dropped and no ack is sent.
 */
int		 fod_commit(struct fod_peer *);
/* Commit what is staged at the next tick of the commit grid. */
void		 fod_commit_paced(struct fod_peer *);
/* A message that may want a prompt answer came (not a binding update
 * or a poll answer): the socket is watched again from the next tick. */
void		 fod_serve_watch(struct fod_peer *);
/* A poll is out: read its answer as it comes. */
void		 fod_serve_listen(struct fod_peer *);
void		 fod_serve_prepare(struct fod_peer *);
void		 fod_serve_cancel_pings(struct fod_peer *);
void		 fod_serve_expire(struct fod_peer *);
void		 fod_serve_free(struct fod_peer *);
void		 fod_serve_leases(struct fod_peer *, struct fod_call *);

/* fod_lease.c: lease and lease-del, on the peer's thread */
void		 fod_lease_find(struct fod_peer *, struct fod_call *);
/* rc 0 freed; -1 with out saying why (matched: the address is this
 * primary's). */
void		 fod_lease_del(struct fod_peer *, struct fod_call *);
/* When the safe period runs from: we last heard from the primary, wall
 * clock (docs/safety.md). */
double		 fod_partner_heard(const struct fod_peer *);

/* fod_approve.c: a primary's BIND_REQ for bindings in our share */
void		 fod_approve_on_req(struct fod_peer *, const struct fo_msg *,
		    bool restarted);
/* The commit after them succeeded (rc 0) or failed: answer them all. */
void		 fod_approve_committed(struct fod_peer *, int rc);

/* fod_fetch.c: the primary's configuration text (docs/learn.md) */
void		 fod_fetch_init(struct fod_peer *, const struct cfg_fo_primary *);
void		 fod_fetch_free(struct fod_peer *);
/* A message carrying the primary's CFG_ID: fetch it if it is new. */
void		 fod_fetch_announced(struct fod_peer *, const struct fo_msg *);
void		 fod_fetch_on_rpl(struct fod_peer *, const struct fo_msg *);
/* Hand a fetched text to the main thread once the machine allows. */
void		 fod_fetch_tick(struct fod_peer *);
/* FQ_CMD_REFETCH: what was handed over was not kept. */
void		 fod_fetch_forget(struct fod_peer *);
/* A primary that learns its configuration has none learnt yet, or
 * offers one this thread does not serve yet (being fetched, handed
 * over, or refused): its subnet digests cannot be compared. */
bool		 fod_fetch_pending(const struct fod_peer *);

/* fod_learn.c (main thread): what the failover learnt of each primary */
/* Attach the stored configurations to the primaries that learn theirs,
 * and compare them with the explicit sections of the others. */
void		 fod_learn_attach(struct fod_config *);
/* Keep what the running configuration knows of refusals across a
 * reload of failover.ini. */
void		 fod_learn_carry(const struct fod_config *old,
		    struct fod_config *cfg);
/* An FQ_LEARNT item from p's thread: check, store, apply. */
void		 fod_learn_offered(struct fod *, struct fod_peer *,
		    struct fq_item *);
/* `dhcpfoctl config PRIMARY`. */
int		 fod_learn_show(struct fod *, const char *name, bool json,
		    struct strbuf *out, char *why, size_t whylen);

/* fod_handback.c */
int		 fod_handback_init(struct fod_peer *);
void		 fod_handback_free(struct fod_peer *);
void		 fod_handback_start(struct fod_peer *);
void		 fod_handback_next(struct fod_peer *);
void		 fod_handback_abort(struct fod_peer *);
void		 fod_handback_on_ack(struct fod_peer *, const struct fo_msg *);
/* A local grant at addr in subnet i: remember it for the hand-back. */
void		 fod_handback_note_local(struct fod_peer *, size_t subnet,
		    uint32_t addr);
void		 fod_handback_set_policy(struct fod_peer *);
/* Serving every subnet again: none is handed back. */
void		 fod_handback_hold_all(struct fod_peer *);
/* Bindings of the hand-back the next CtlRet ends (then 0). */
size_t		 fod_handback_take_ctl_count(struct fod_peer *);

/* Small helpers. */
void		 fod_fmt_addr(uint32_t, char *, size_t);

#endif
