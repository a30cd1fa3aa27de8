/*
 * State of the primary's service, shared by the files of primary/ only:
 * server.c (lifecycle, group commit, timers, signals), dhcp_io.c (packets
 * in and out) and ctl_cmds.c (control socket commands).  Everything here
 * runs on the one main loop thread.
 */
#ifndef DHCPFO_PRIMARY_SERVER_INT_H
#define DHCPFO_PRIMARY_SERVER_INT_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "approve.h"
#include "offer.h"
#include "config.h"
#include "control.h"
#include "dhcp_codec.h"
#include "daemon.h"
#include "dhcp_reply.h"
#include "dhcp_socks.h"
#include "engine.h"
#include "handback.h"
#include "link.h"
#include "gcommit.h"
#include "ifaddr.h"
#include "lease_ckpt.h"
#include "lease_db.h"
#include "lease_log.h"
#include "log.h"
#include "netio.h"
#include "pace.h"
#include "park.h"
#include "ping.h"
#include "pool.h"
#include "pool_load.h"
#include "replicate.h"

#define SRV_READ_BUDGET		1024	/* datagrams per socket wakeup */
#define SRV_MAX_PINGS		1024	/* DISCOVERs waiting on a ping */
#define SRV_MAX_APPROVALS	1024	/* REQUESTs waiting for the failover's
					 * approval (docs/safety.md) */
#define SRV_TICK_SECS		1.0	/* expiry sweep, lazy commits */
#define SRV_CHECKPOINT_SECS	30.0
#define SRV_EXPIRE_PER_TICK	4096

/* Counters of the service itself (the engine keeps protocol counters). */
struct srv_counters {
	uint64_t	 received;
	uint64_t	 malformed;
	uint64_t	 malformed_by[DHCP_ERR_COUNT];
	uint64_t	 truncated;	/* larger than DHCP_PKT_MAX */
	/* REQUESTs for a binding in the failover's share (dhcp_io.c; the
	 * others are counted by struct server's approvals). */
	uint64_t	 approvals_unasked;	/* dropped: no failover to ask */
	uint64_t	 reloads;
	uint64_t	 reload_failures;
	uint64_t	 expired;
};

struct server {
	struct ev_loop	*loop;
	struct config	 cfg;
	char		 cfgpath[CFG_PATH_MAX];
	bool		 debug;
	double		 started;	/* ev_now at start */
	int		 exit_code;

	struct lease_env *env;
	struct lease_ckpt *ckpt;	/* checkpoint thread, or NULL */
	struct lease_db	*db;
	struct pool_set	*pools;
	struct engine	 eng;
	uint64_t	 hash_seed;

	struct dhcp_socks socks;	/* dhcp_io.c */
	struct netio_l2	 l2;
	struct ping_ctx	*ping;
	struct park_set	 pings;		/* DISCOVERs waiting on a ping */
	struct park_set	 approvals;	/* REQUESTs waiting for the failover */
	struct ctl_server *ctl;
	struct ctl_server *ctl_ro;	/* ControlSocketReadOnly, or NULL */
	struct pr_metrics *metrics;	/* MetricsListen (pr_metrics.c) */
	struct link	*link;		/* failover link (link.h) */

	/* Group commit: staged leases, replies that wait for them. */
	bool		 commit_urgent;	/* a staged change gates a reply or
					 * was asked for by the client */
	struct gcommit	 gc;		/* ACKs until their batch commits */
	struct lease_log llog;		/* one line per lease event */
	struct ratelimit rlim;		/* new-client buckets (the engine's) */
	struct dhcp_replyq outbox;
	struct dhcp_reply_stats tx;	/* replies sent, send/encode errors */
	/* BatchInterval: turns spaced under load (server.c). */
	struct pace	 pace;
	uint64_t	 pace_rx;	/* ctr.received at the last turn's end */

	ev_prepare	 prepare_w;
	ev_timer	 tick_w;
	ev_timer	 checkpoint_w;
	struct daemon_signals sigs;

	struct srv_counters ctr;
	struct log_ratelimit rl_malformed, rl_store, rl_send, rl_ping;
	struct netio_pkt *rxbuf;	/* NETIO_BATCH receive slots */
	struct dhcp_msg	*msg;		/* decode scratch */
	struct engine_result *res;	/* engine scratch */
};

/* dhcp_io.c */
int	srv_open_sockets(struct server *, char *err, size_t errlen);
void	srv_close_sockets(struct server *);
void	srv_flush_outbox(struct server *);
void	srv_flush_replies(struct server *, struct dhcp_replyq *);
void	srv_cancel_parked(struct server *);
void	srv_park_init(struct server *);
/*
 * The failover's answer to the BIND_REQ numbered seq: approved (the
 * engine binds and ACKs), refused (another client holds the address
 * there: the engine quarantines it and NAKs), or neither (it could not
 * decide: the request is dropped, the client asks again).  False when
 * no request waits for that answer.
 */
bool	srv_approval_verdict(struct server *, uint64_t seq, bool approved,
	    bool refused);

/* server.c */
/*
 * Stage a lease change into the open batch: 0, EINVAL (a lease the store
 * refuses; the batch is unharmed) or the store's error (the batch is
 * spoiled: the next srv_commit fails and ends it).
 */
int	srv_stage(struct server *, const struct lease *, bool urgent);
/* A binding the failover handed back: stored, not replicated back
 * (handback.c explains why). */
int	srv_stage_from_failover(struct server *, const struct lease *);
/*
 * End the batch (gcommit.h): 0, the ACKs waiting for it were sent; or the
 * store's error, nothing of the batch is durable and its ACKs are dropped.
 * The failover link hears either way.
 */
int	srv_commit(struct server *);
int	srv_reload(struct server *, struct strbuf *why);
int64_t	srv_now(const struct server *);

/* ctl_ops.c: lease, lease-del, export */
int	srv_cmd_lease(struct server *, int argc, char **argv, bool json,
	    struct strbuf *out);
int	srv_cmd_lease_del(struct server *, struct ctl_call *, int argc,
	    char **argv, bool json, struct strbuf *out);
int	srv_cmd_export(struct server *, struct ctl_call *, int argc,
	    char **argv, bool json, struct strbuf *out);
/* import.c */
int	srv_cmd_import(struct server *, struct ctl_call *, int argc,
	    char **argv, bool json, struct strbuf *out);

/* ctl_cmds.c */
int	srv_ctl_handler(void *arg, struct ctl_call *call, int argc,
	    char **argv, bool json, struct strbuf *out);

#endif
