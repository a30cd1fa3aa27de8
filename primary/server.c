/*
 * The primary's lifecycle: open the lease store and load it into the
 * pools, open sockets, run the loop; group commit in ev_prepare; expiry
 * sweeps and checkpoints on timers; signals as events.
 *
 * Durability rule (common/dhcp/gcommit.h): a DHCPACK leaves only after the
 * batch that holds its lease is committed, and never when the batch is
 * lost.  The loop gathers every request that is ready, stages their
 * leases, and commits once before it would sleep (ev_prepare), so one log
 * flush covers the whole batch.
 */
#include <sys/random.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_start.h"
#include "exitcodes.h"
#include "server.h"
#include "server_int.h"
#include "pr_metrics.h"
#include "pr_snmp.h"

int64_t
srv_now(const struct server *srv)
{
	return (int64_t)ev_now(srv->loop);
}

/* True (and the loop told to stop) when the store is lost for good. */
static bool
store_fatal(struct server *srv, int rc, const char *what)
{
	if (!lease_db_fatal(rc))
		return false;
	log_err("lease store %s failed: %s; stopping (a restart recovers the "
	    "store)", what, lease_db_strerror(rc));
	srv->exit_code = EXIT_STORE;
	ev_break(srv->loop, EVBREAK_ALL);
	return true;
}

static void
store_failed(struct server *srv, int rc, const char *what)
{
	uint64_t n;

	if (store_fatal(srv, rc, what))
		return;
	if (log_ratelimit_ok(&srv->rl_store, ev_now(srv->loop), 5, &n))
		log_err("lease store %s failed: %s%s", what,
		    lease_db_strerror(rc),
		    n ? "; repeated failures not logged" : "");
}

/* A lost batch, once per batch: the store's last error says what failed
 * (a stage or the commit itself). */
static void
batch_failed(struct server *srv, int rc)
{
	struct lease_db_stats ds;
	size_t	 k = srv->gc.last_withheld;
	uint64_t n;

	if (store_fatal(srv, rc, "commit"))
		return;
	if (!log_ratelimit_ok(&srv->rl_store, ev_now(srv->loop), 5, &n))
		return;
	lease_db_get_stats(srv->db, &ds);
	log_err("lease store batch lost (%s); %zu ACK%s withheld (clients "
	    "will retry)%s", ds.last_error_text[0] ? ds.last_error_text :
	    lease_db_strerror(rc), k, k == 1 ? "" : "s",
	    n ? "; repeated failures not logged" : "");
}

/*
 * A stage that fails spoils the batch (lease_db.h).  Nothing is logged
 * here: the commit that ends the batch (at the latest before the loop
 * sleeps) reports it, once per batch, and stops the daemon if the store
 * is lost for good.
 */
int
srv_stage(struct server *srv, const struct lease *l, bool urgent)
{
	int	 rc = lease_db_stage(srv->db, l);

	if (rc == 0)
		repl_note_staged(srv, l);
	if (urgent)
		srv->commit_urgent = true;
	return rc;
}

int
srv_stage_from_failover(struct server *srv, const struct lease *l)
{
	srv->commit_urgent = true;
	return lease_db_stage(srv->db, l);
}

static void
release_acks(void *arg, struct dhcp_replyq *q)
{
	srv_flush_replies(arg, q);
}

/*
 * End the batch (gcommit.c: commit, then release the replies that waited
 * for it).  On failure the batch is gone from disk but its leases stay
 * held in memory for their clients: the ACKs are not sent, the clients
 * retry, and the retry stages the same lease again -- no address is lost
 * or handed out twice.
 */
int
srv_commit(struct server *srv)
{
	int	 rc;

	/* The replication watermark and the failover's replay position
	 * ride along (replicate.h, link.h). */
	if (lease_db_staged(srv->db) > 0)
		repl_before_commit(srv);
	link_stage_replay(srv);
	srv->commit_urgent = false;
	rc = gcommit_end(&srv->gc);
	link_replay_committed(srv, rc == 0);
	if (rc != 0) {
		batch_failed(srv, rc);
		repl_commit_failed(srv);
		handback_commit_failed(srv);
		return rc;
	}
	/*
	 * Only now, after the clients' ACKs: the failover hears of what
	 * this batch made durable, and gets the acks of the bindings it
	 * handed back.  Neither can delay an ACK; neither blocks.
	 */
	repl_committed(srv);
	handback_committed(srv);
	return 0;
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct server *srv = w->data;

	(void)revents;
	/* A spoiled batch ends now, so the requests read next are staged
	 * into a clean one. */
	if (srv->commit_urgent || gcommit_waiting(&srv->gc) > 0 ||
	    gcommit_spoiled(&srv->gc))
		(void)srv_commit(srv);
	srv_flush_outbox(srv);
	/*
	 * BatchInterval (common/util/pace.h): a loop that turns for every
	 * datagram under load waits out the rest of the interval before
	 * it polls again, so the next turn and its one commit carry all
	 * that arrived meanwhile.  libev sleeps io_collect_interval less
	 * the time since the last poll returned (ev_now); timers still run
	 * on time.
	 */
	ev_set_io_collect_interval(loop, pace_turn(&srv->pace, ev_now(loop),
	    ev_time(), srv->ctr.received != srv->pace_rx));
	srv->pace_rx = srv->ctr.received;
}

static void
expired_cb(struct pool *p, const struct lease *l, void *arg)
{
	struct server *srv = arg;

	srv->ctr.expired++;
	lease_log_expired(&srv->llog, ev_now(srv->loop), p, l);
	/* A failure spoils the batch; the tick's commit reports it. */
	(void)srv_stage(srv, l, false);
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;

	(void)loop;
	(void)revents;
	pool_set_expire(srv->pools, srv_now(srv), SRV_EXPIRE_PER_TICK,
	    expired_cb, srv);
	lease_log_tick(&srv->llog, ev_now(srv->loop));
	/* Stages the replication watermark when it moved. */
	link_tick(srv);
	/* Lazy changes (expiries, turned-down offers) reach the disk at
	 * least once a tick. */
	if (gcommit_pending(&srv->gc))
		(void)srv_commit(srv);
}

static void
checkpoint_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;
	int	 rc;

	(void)loop;
	(void)revents;
	/* The checkpoint thread's result; without it, checkpoint here. */
	rc = srv->ckpt != NULL ? lease_ckpt_result(srv->ckpt) :
	    lease_db_checkpoint(srv->env);
	if (rc != 0)
		store_failed(srv, rc, "checkpoint");
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct server *srv = w->data;

	(void)revents;
	log_info("signal %d: finishing in-flight commits and stopping",
	    w->signum);
	/* A failure is logged and its ACKs dropped; nothing else to do. */
	(void)srv_commit(srv);
	srv_flush_outbox(srv);
	link_shutdown(srv);
	ev_break(loop, EVBREAK_ALL);
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct server *srv = w->data;
	struct strbuf why;

	(void)loop;
	(void)revents;
	sb_init(&why);
	srv_reload(srv, &why);
	sb_free(&why);
}

/* Rebuild pools from cfg and the lease store. */
static int
build_pools(struct server *srv, const struct config *cfg,
    struct pool_set **out, char *err, size_t errlen)
{
	struct pool_load_tally t;
	enum pool_err pe;
	size_t	 held, outside;
	int	 rc;

	if ((pe = pool_set_new(cfg, srv->hash_seed, out)) != POOL_OK) {
		snprintf(err, errlen, "cannot build address pools: %s",
		    pool_err_name(pe));
		return EXIT_CONFIG;
	}
	if ((rc = pool_load_store(*out, srv->db, &t, NULL, NULL)) != 0) {
		snprintf(err, errlen, "loading leases: %s",
		    lease_db_strerror(rc));
		pool_set_free(*out);
		*out = NULL;
		return EXIT_STORE;
	}
	held = pool_load_held(&t);
	outside = pool_load_outside(&t);
	log_info("loaded %zu lease%s from the store", held,
	    held == 1 ? "" : "s");
	if (t.n[POOL_LOAD_EXCLUDED])
		log_warn("%zu stored lease%s now fall on excluded addresses; "
		    "kept, never handed out again", t.n[POOL_LOAD_EXCLUDED],
		    t.n[POOL_LOAD_EXCLUDED] == 1 ? "" : "s");
	if (outside)
		log_warn("%zu stored lease%s lie outside every configured "
		    "range; kept on disk, not served", outside,
		    outside == 1 ? "" : "s");
	if (t.n[POOL_LOAD_INVALID])
		log_warn("%zu stored lease record%s invalid, ignored",
		    t.n[POOL_LOAD_INVALID], t.n[POOL_LOAD_INVALID] == 1 ?
		    " is" : "s are");
	return 0;
}

static void
corrupt_cb(uint32_t addr, void *arg)
{
	(void)arg;
	log_warn("lease store: record for %u.%u.%u.%u is corrupt; skipped",
	    addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
}

/* The lease store: its environment (recovered at open) and our table. */
static int
open_store(struct server *srv, char *err, size_t errlen)
{
	char	 e2[512];

	srv->env = lease_env_open(srv->cfg.server.state_dir, e2, sizeof(e2));
	if (srv->env == NULL) {
		snprintf(err, errlen, "lease store: %s", e2);
		return -1;
	}
	srv->db = lease_db_open(srv->env, "primary", e2, sizeof(e2));
	if (srv->db == NULL) {
		snprintf(err, errlen, "lease store: %s", e2);
		return -1;
	}
	lease_db_set_corrupt_cb(srv->db, corrupt_cb, srv);
	return 0;
}

/* The loop's own watchers: group commit, timers, signals as events. */
static void
start_watchers(struct server *srv)
{
	struct ev_loop *loop = srv->loop;

	pace_init(&srv->pace, srv->cfg.server.batch_interval_ms / 1000.0,
	    ev_now(loop));
	ev_prepare_init(&srv->prepare_w, prepare_cb);
	srv->prepare_w.data = srv;
	ev_prepare_start(loop, &srv->prepare_w);
	ev_timer_init(&srv->tick_w, tick_cb, SRV_TICK_SECS, SRV_TICK_SECS);
	srv->tick_w.data = srv;
	ev_timer_start(loop, &srv->tick_w);
	ev_timer_init(&srv->checkpoint_w, checkpoint_cb, SRV_CHECKPOINT_SECS,
	    SRV_CHECKPOINT_SECS);
	srv->checkpoint_w.data = srv;
	ev_timer_start(loop, &srv->checkpoint_w);
	daemon_signals_start(loop, &srv->sigs, stop_cb, hup_cb, srv);
}

struct server *
server_new(struct ev_loop *loop, struct config *cfg, const char *cfgpath,
    bool debug, char *err, size_t errlen, int *exit_code)
{
	struct server *srv;
	char	 e2[512];

	if ((srv = calloc(1, sizeof(*srv))) == NULL ||
	    (srv->rxbuf = calloc(NETIO_BATCH, sizeof(*srv->rxbuf))) == NULL ||
	    (srv->msg = malloc(sizeof(*srv->msg))) == NULL ||
	    (srv->res = malloc(sizeof(*srv->res))) == NULL) {
		snprintf(err, errlen, "out of memory");
		*exit_code = EXIT_SYSTEM;
		server_free(srv);
		return NULL;
	}
	srv->loop = loop;
	srv->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	log_set_facility(srv->cfg.server.log_facility);
	snprintf(srv->cfgpath, sizeof(srv->cfgpath), "%s", cfgpath);
	srv->debug = debug;
	srv->started = ev_now(loop);
	srv->l2 = (struct netio_l2)NETIO_L2_INIT;
	if (getrandom(&srv->hash_seed, sizeof(srv->hash_seed), 0) !=
	    sizeof(srv->hash_seed))
		srv->hash_seed = (uint64_t)getpid() ^ (uint64_t)ev_time();

	if (open_store(srv, err, errlen) < 0) {
		*exit_code = EXIT_STORE;
		goto fail;
	}
	lease_log_init(&srv->llog, srv->cfg.server.name, NULL, NULL);
	lease_log_set(&srv->llog, srv->cfg.server.lease_log,
	    srv->cfg.server.lease_log_rate);
	gcommit_init(&srv->gc, srv->db, release_acks, srv, &srv->llog);
	if ((*exit_code = build_pools(srv, &srv->cfg, &srv->pools, err,
	    errlen)) != 0)
		goto fail;
	engine_init(&srv->eng, &srv->cfg, srv->pools);
	ratelimit_init(&srv->rlim);
	engine_set_ratelimit(&srv->eng, &srv->rlim);

	if (srv_open_sockets(srv, err, errlen) < 0) {
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	if (srv->cfg.server.ping_before_assign) {
		srv->ping = ping_open(loop, e2, sizeof(e2));
		if (srv->ping == NULL) {
			snprintf(err, errlen, "PingBeforeAssign: %s", e2);
			*exit_code = EXIT_SYSTEM;
			goto fail;
		}
	}
	if ((*exit_code = link_open(srv, err, errlen)) != 0)
		goto fail;
	if (daemon_ctl_open(loop, &srv->cfg.server, srv_ctl_handler, srv,
	    &srv->ctl, &srv->ctl_ro, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s", e2);
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	if (pr_metrics_start(srv, err, errlen) < 0) {
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}

	srv_park_init(srv);
	start_watchers(srv);
	*exit_code = 0;
	return srv;
fail:
	server_free(srv);
	return NULL;
}

int
server_run(struct server *srv)
{
	char	 a[16], e2[256];
	uint32_t sa = srv->cfg.server.server_addr;

	/* After daemon(): threads do not survive a fork. */
	if ((srv->ckpt = lease_ckpt_start(srv->env, SRV_CHECKPOINT_SECS, e2,
	    sizeof(e2))) == NULL)
		log_warn("%s; checkpoints run in the event loop", e2);

	snprintf(a, sizeof(a), "%u.%u.%u.%u", sa >> 24, (sa >> 16) & 0xff,
	    (sa >> 8) & 0xff, sa & 0xff);
	log_info("dhcpfo-primary %s serving %zu subnet%s on %s:%u%s%s",
	    srv->cfg.server.name, srv->cfg.nsubnets,
	    srv->cfg.nsubnets == 1 ? "" : "s", a, srv->cfg.server.dhcp_port,
	    srv->cfg.server.ninterfaces ? " and interface " : "",
	    srv->cfg.server.ninterfaces ? srv->cfg.server.interfaces[0] : "");
	/* [snmp]: an AgentX sub-agent on this loop; its failure costs SNMP
	 * only. */
	(void)pr_snmp_apply(srv);
	ev_run(srv->loop, 0);
	pr_snmp_stop();
	return srv->exit_code;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	if (srv->loop != NULL) {
		ev_prepare_stop(srv->loop, &srv->prepare_w);
		ev_timer_stop(srv->loop, &srv->tick_w);
		ev_timer_stop(srv->loop, &srv->checkpoint_w);
		daemon_signals_stop(srv->loop, &srv->sigs);
	}
	ctl_close(srv->ctl);
	ctl_close(srv->ctl_ro);
	pr_metrics_stop(srv);
	/* Committed with what else is staged, below. */
	link_stage_replay(srv);
	link_close(srv);
	srv_cancel_parked(srv);
	if (srv->ping != NULL)
		ping_close(srv->ping);
	srv_close_sockets(srv);
	if (srv->db != NULL) {
		/* Whatever is still staged (lazy expiries) is worth keeping. */
		if (lease_db_staged(srv->db) > 0)
			(void)lease_db_commit(srv->db);
		lease_db_close(srv->db);
	}
	lease_ckpt_stop(srv->ckpt);
	srv->ckpt = NULL;
	if (srv->env != NULL) {
		(void)lease_db_checkpoint(srv->env);
		lease_env_close(srv->env);
	}
	pool_set_free(srv->pools);
	config_free(&srv->cfg);
	gcommit_free(&srv->gc);
	lease_log_free(&srv->llog);
	ratelimit_free(&srv->rlim);
	dhcp_replyq_free(&srv->outbox);
	free(srv->rxbuf);
	free(srv->msg);
	free(srv->res);
	free(srv);
}

/*
 * What a reload cannot change (the sockets, the store, the link and its
 * key are set up once): the running value is put back into the new
 * configuration, with a note to restart.
 */
static void
keep_restart_only(const struct server *srv, struct config *ncfg,
    struct strbuf *why)
{
	const struct cfg_server *o = &srv->cfg.server;
	const struct cfg_primary_failover *of = &srv->cfg.failover;
	struct cfg_server *n = &ncfg->server;
	struct cfg_primary_failover *nf = &ncfg->failover;

#define KEEP(run, new, field, key) do {					\
	if (memcmp(&(run)->field, &(new)->field, sizeof((run)->field)) != 0) { \
		log_warn("reload: %s changed; restart to apply it", key);	\
		sb_printf(why, "%s changed; restart to apply it\n", key);	\
		memcpy(&(new)->field, &(run)->field, sizeof((run)->field)); \
	}								\
} while (0)
	KEEP(o, n, name, "Name");	/* our identity to the failover */
	KEEP(o, n, server_addr, "ServerAddress");
	KEEP(o, n, dhcp_port, "DhcpPort");
	KEEP(o, n, ninterfaces, "Interfaces");
	KEEP(o, n, interfaces, "Interfaces");
	KEEP(o, n, state_dir, "StateDir");
	KEEP(o, n, control_socket, "ControlSocket");
	KEEP(o, n, pid_file, "PidFile");
	KEEP(o, n, user, "User");
	KEEP(o, n, group, "Group");
	KEEP(o, n, control_group, "ControlSocketGroup");
	KEEP(o, n, control_socket_ro, "ControlSocketReadOnly");
	KEEP(o, n, ro_group, "ReadOnlyGroup");
	KEEP(o, n, metrics_addr, "MetricsListen");
	KEEP(o, n, metrics_port, "MetricsListen");
	KEEP(o, n, ping_before_assign, "PingBeforeAssign");
	KEEP(of, nf, use_failover, "UseFailoverServer");
	KEEP(of, nf, server, "FailoverServer");
	KEEP(of, nf, port, "FailoverPort");
	KEEP(of, nf, sync_binding_buf_size, "SyncBindingBufSize");
#undef KEEP
}

/*
 * Reload (SIGHUP or `dhcpfoctl reload`): a new file that fails validation
 * changes nothing.  Subnets, ranges, hosts and options take effect at
 * once; pools are rebuilt from the lease store, so only offers in flight
 * are forgotten.  Keys that name sockets or files need a restart; their
 * new values are reported and ignored.  The failover keys are the
 * exception: SharedKeyFile and AcceptSharedKeyFile (and the files'
 * contents) change in place, for key rotation.
 */
int
srv_reload(struct server *srv, struct strbuf *why)
{
	struct config ncfg, old;
	struct config_errors errs = { 0 };
	struct pool_set *npools;
	char	 err[512];

	memset(&ncfg, 0, sizeof(ncfg));
	if (config_load_primary(srv->cfgpath, &ncfg, &errs) < 0) {
		config_errors_refuse_reload(&errs, why);
		srv->ctr.reload_failures++;
		return -1;
	}
	keep_restart_only(srv, &ncfg, why);
	/*
	 * The new pools are built from the store: what is held in memory
	 * only, because its batch was lost, would be forgotten.  Keep the
	 * running configuration instead (the clients' retries store it).
	 */
	if (srv_commit(srv) != 0) {
		log_err("reload: lease store commit failed; keeping the "
		    "running configuration");
		sb_printf(why, "lease store commit failed; not reloaded\n");
		config_free(&ncfg);
		srv->ctr.reload_failures++;
		return -1;
	}
	/*
	 * The pools keep a pointer to the config they are built from
	 * (pool_set_new: "cfg must outlive the set"), so build them from
	 * srv->cfg itself, not from the copy on this stack: swap first, and
	 * swap back if the build fails.  The old pools stay valid meanwhile:
	 * they only point into the old config's arrays, kept in `old`.
	 */
	old = srv->cfg;
	srv->cfg = ncfg;
	if (build_pools(srv, &srv->cfg, &npools, err, sizeof(err)) != 0) {
		srv->cfg = old;
		log_err("reload: %s; keeping the running configuration", err);
		sb_printf(why, "%s\n", err);
		config_free(&ncfg);
		srv->ctr.reload_failures++;
		return -1;
	}
	log_set_facility(srv->cfg.server.log_facility);
	srv_cancel_parked(srv);
	pool_set_free(srv->pools);
	srv->pools = npools;
	{
		struct engine_counters keep = srv->eng.ctr;
		engine_init(&srv->eng, &srv->cfg, srv->pools);
		srv->eng.ctr = keep;
		/* The buckets stay: a reload is no reprieve. */
		engine_set_ratelimit(&srv->eng, &srv->rlim);
	}
	config_free(&old);
	lease_log_set(&srv->llog, srv->cfg.server.lease_log,
	    srv->cfg.server.lease_log_rate);
	pace_set_interval(&srv->pace,
	    srv->cfg.server.batch_interval_ms / 1000.0);
	/* New pools serve by default: who serves what is the link's. */
	link_reloaded(srv);
	/* Keys change in place (key rotation); one that does not load is
	 * reported in why and the running ones stay. */
	(void)link_keys_reload(srv, &srv->cfg.failover, why);
	/* [snmp]: switches and thresholds at once, a new socket or a
	 * section added or removed (re)starts or stops the sub-agent. */
	(void)pr_snmp_apply(srv);
	srv->ctr.reloads++;
	log_info("reload: configuration applied (%zu subnets, %zu hosts)",
	    srv->cfg.nsubnets, srv->cfg.nhosts);
	return 0;
}
