/*
 * The primary's side of the failover protocol (docs/design.md §2, §3;
 * docs/failover-design.md, docs/failover-protocol.md,
 * docs/failover-states.md "Primary"): the link (link.c) owns the socket,
 * the receive path, sending, the control machine (pr_fsm) and its
 * actions, Poll/CtlReq/Shutdown.  Three modules handle the rest, each
 * with its own state and header, all on the main loop thread:
 *
 *	replicate.c	binding updates to the failover: the replication
 *			stream and the start-up sync it asks for
 *	handback.c	bindings the failover hands back: applying them,
 *			conflicts, per-subnet markers
 *	approve.c	new bindings in the failover's share
 *	offer.c		the configuration the failover learns
 *
 * From the link they take sending (link_msg, link_send), the clock and
 * what the failover told us; their state hangs off struct link, each
 * pointer set and cleared by its module's init/free.
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
#include "fo_keystat.h"
#include "fo_proto.h"
#include "log.h"
#include "pr_fsm.h"

struct server;
struct strbuf;
struct cfg_primary_failover;
struct repl;
struct handback;
struct approve;
struct offer;

/* Datagrams read per wakeup of the failover socket. */
#define LINK_READ_BUDGET	256
/* SHUTDOWN copies sent at SIGTERM (no ack: the failover takes over). */
#define LINK_SHUTDOWN_COPIES	3

/* Meta entry of the lease store (lease_db_meta_*_u64). */
#define LINK_META_EPOCH		"fo_epoch"	/* last boot epoch, us */
/* The failover's replay position (protocol 7.3), kept across our
 * restarts: its boot epoch and the highest seq accepted in it. */
#define LINK_META_PEER_EPOCH	"fo_peer_epoch"
#define LINK_META_PEER_SEQ	"fo_peer_seq"

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
	/* Written by handback.c only; here so that a reload, which
	 * rebuilds this table, keeps them with their subnet. */
	uint32_t	 handback_expected;	/* SubnetSyncStart COUNT */
	uint64_t	 handback_applied;	/* bindings since then */
	uint64_t	 handbacks;		/* SubnetSyncDone applied */
};

struct link {
	struct server	*srv;
	bool		 configured;	/* UseFailoverServer */
	struct pr_fsm	 fsm;
	ev_timer	 ctl_ret_w;	/* the machine's one timer */
	ev_io		 rx_w;
	int		 fd;

	/* Written by link_keys.c only.  keys.sign.len == 0: a key
	 * problem (keystat.error); the link then sends and accepts
	 * nothing, as if the failover were unreachable. */
	struct fo_keyset keys;
	struct fo_keystat keystat;
	uint32_t	 peer_addr;	/* FailoverServer */
	uint16_t	 peer_port;	/* FailoverPort */
	uint32_t	 primary_id;	/* fo_primary_id(our Name) */
	uint64_t	 epoch;		/* our boot epoch, us */
	uint64_t	 tx_seq;	/* last header seq sent */
	uint8_t		 version;	/* we send in this one */
	size_t		 dgram_max;	/* BIND_UPD packing size */
	struct fo_replay replay;	/* the failover's (epoch, seq) */
	/* The window's (epoch, top) on disk, and as staged in the open
	 * batch (link_stage_replay). */
	uint64_t	 saved_epoch, saved_top;
	uint64_t	 staged_epoch, staged_top;
	bool		 replay_staged;

	size_t		 nsubnets;
	struct link_subnet *subnets;	/* cfg.subnets order */

	/* What we know of the failover. */
	bool		 peer_seen;
	char		 peer_name[FO_NAME_MAX + 1];
	uint8_t		 peer_state;	/* STATE of its last Poll */
	bool		 peer_learns;	/* it set FO_FLAG_LEARNS: CFG_ID */
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
	struct log_ratelimit rl_rej, rl_send;

	/* The modules' state: each pointer set and cleared by its own
	 * module (repl_init, handback_init, approve_init). */
	struct repl	*repl;
	struct handback	*handback;
	struct approve	*approve;
	struct offer	*offer;

	/* Scratch: a decoded message, one being built, datagram buffers. */
	struct fo_msg	*in, *out;
	uint8_t		*rxbuf, *txbuf;
};

/* ---- link_keys.c ---- */

/*
 * Load [failover] SharedKeyFile and AcceptSharedKeyFile at start.  A key
 * that cannot be used is an alarm, not an exit: logged with the fix, shown
 * in status, and the primary serves DHCP without its failover until a
 * reload loads good keys (docs/security.md).
 */
void	link_keys_open(struct server *);
/*
 * Reload: take the key set of nf (the new [failover]) if it differs from
 * the running one, without touching the link.  A set that does not load
 * is reported (log, why) and the running one kept; returns -1 then.
 */
int	link_keys_reload(struct server *,
	    const struct cfg_primary_failover *nf, struct strbuf *why);
/* The keys can sign and verify. */
bool	link_keys_ok(const struct link *);

/* ---- link.c ---- */

/*
 * Set up the link for srv (its config, store and pools must be ready):
 * key, boot epoch, socket; then the machine is started, which with a
 * failover stops every pool serving and sends the first CtlReq.  Returns
 * 0, or an exit code (exitcodes.h) with err filled.  A key file that
 * cannot be used is not one: link_keys_open.
 */
int	link_open(struct server *, char *err, size_t errlen);
void	link_close(struct server *);
/* SIGTERM/SIGINT: tell the failover (SHUTDOWN x3) before we go. */
void	link_shutdown(struct server *);
/* After a reload swapped the pools: re-apply who serves what, digests. */
void	link_reloaded(struct server *);
/* Once a second from the server's tick. */
void	link_tick(struct server *);
/*
 * The failover's replay position rides along with each batch (srv_commit
 * calls these around gcommit_end), and the tick commits it on its own
 * when no batch does: so after a restart a message accepted before the
 * last commit is refused as a replay.
 */
void	link_stage_replay(struct server *);
void	link_replay_committed(struct server *, bool ok);

/* Machine state for status and PollRpl. */
enum pr_state	 link_state(const struct server *);
uint8_t		 link_state_code(const struct server *);
/* Who serves pool index i (status). */
enum served_by	 link_served(const struct server *, size_t i);

/* Configured, and the socket is open: messages can be sent. */
bool	link_up(const struct server *);
/* The link's message to build one in (fo_msg_init for a primary's
 * type); valid until the next link_msg. */
struct fo_msg	*link_msg(struct server *, uint8_t type);
/* Sending (encode with a fresh header seq, sign, send); 0 or -1. */
int	link_send(struct server *, struct fo_msg *);
/* What BIND_UPD and BIND_REQ datagrams are packed up to. */
size_t	link_dgram_max(const struct server *);
/* The failover's SyncBindingBufSize, 0 until it told us. */
uint16_t link_peer_buf_size(const struct server *);
/* Index in fo->subnets of (network, prefix), or -1. */
int	link_subnet_find(const struct server *, uint32_t network,
	    uint8_t prefix);
/* Feed the control machine and perform its actions. */
void	link_event(struct server *, enum pr_event_type, int subnet);
double	link_now(const struct server *);
int64_t	link_clock_ms(void);

#endif
