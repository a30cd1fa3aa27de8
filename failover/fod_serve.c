/*
 * Serving a primary's clients while we stand in for it (TAKEOVER, and
 * the subnets not yet handed back in RETURNING), exactly as the primary
 * serves them: the same engine on the same pools, ping checks before a
 * new address is granted (TakeoverPingCheck, docs/design.md §3), and the same
 * group commit -- a DHCPACK leaves only after the commit of the batch
 * holding its lease (docs/design.md §5).
 *
 * Differences from the primary, and why:
 *  - every lease change we make gets a sequence with FOD_LOCAL_SEQ_BIT
 *    (docs/failover-design.md), so it is handed back after a restart too;
 *  - expiry sweeps are not written: the primary replicates its own, and a
 *    lease whose time ran out is reusable whatever its stored state says;
 *  - the commit also releases the BIND_ACKs of replicated updates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fod.h"

static void	apply_result(struct fod_peer *, const struct park_origin *,
		    const struct dhcp_msg *, struct engine_result *);
static void	pace_stop(struct fod_peer *);

void
fod_fmt_addr(uint32_t a, char *buf, size_t len)
{
	struct in_addr ia = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

static void
send_err(void *arg, uint32_t dst, uint16_t port, int errnum)
{
	struct fod_peer *p = arg;
	char	 a[INET_ADDRSTRLEN];
	uint64_t n;

	if (!log_ratelimit_ok(&p->serve.rl_send, ev_now(p->loop), 10, &n))
		return;
	fod_fmt_addr(dst, a, sizeof(a));
	log_warn("primary=%s: send DHCP reply to %s:%u: %s", p->name, a, port,
	    strerror(errnum));
}

/* A lost batch, once per batch: the store's last error says what failed
 * (a stage or the commit itself). */
static void
batch_failed(struct fod_peer *p, int rc)
{
	struct lease_db_stats ds;
	size_t	 k = p->serve.gc.last_withheld;
	uint64_t n;

	if (lease_db_fatal(rc)) {
		/* The environment is gone; a restart recovers it. */
		fod_notify_fatal(p, lease_db_strerror(rc));
		return;
	}
	if (!log_ratelimit_ok(&p->serve.rl_store, ev_now(p->loop), 5,
	    &n))
		return;
	lease_db_get_stats(p->db, &ds);
	log_err("primary=%s: lease store batch lost (%s); %zu ACK%s "
	    "withheld, binding updates not acknowledged (both are "
	    "retried)%s", p->name, ds.last_error_text[0] ?
	    ds.last_error_text : lease_db_strerror(rc), k, k == 1 ? "" : "s",
	    n ? "; repeated failures not logged" : "");
}

static void
release_acks(void *arg, struct dhcp_replyq *q)
{
	struct fod_peer *p = arg;

	dhcp_reply_flush(q, &p->l2, p->view.server.dhcp_port,
	    &p->serve.rstats, send_err, p);
}

void
fod_serve_flush(struct fod_peer *p)
{
	if (p->serve.outbox.n > 0)
		release_acks(p, &p->serve.outbox);
}

static void	unpark(void *, const struct park_origin *,
		    struct engine_input *);

int
fod_serve_init(struct fod_peer *p)
{
	char	 server[LEASE_LOG_SERVER_MAX];

	/* Which server granted, as the lease log says it: this failover
	 * standing in for that primary (docs/lease-log.md). */
	snprintf(server, sizeof(server), "failover:%s/%s",
	    p->view.server.name, p->name);
	lease_log_init(&p->serve.llog, server, NULL, NULL);
	fod_serve_set_lease_log(p, p->view.server.lease_log,
	    p->view.server.lease_log_rate);
	gcommit_init(&p->serve.gc, p->db, release_acks, p, &p->serve.llog);
	park_init(&p->serve.pings, p->loop, FOD_MAX_PINGS, unpark, p);
	/* Tables taken at the first new client in takeover, not before. */
	ratelimit_init(&p->serve.rlim);
	if ((p->serve.msg = malloc(sizeof(*p->serve.msg))) == NULL ||
	    (p->serve.res = malloc(sizeof(*p->serve.res))) == NULL)
		return -1;
	return 0;
}

void
fod_serve_set_lease_log(struct fod_peer *p, bool on, unsigned rate)
{
	lease_log_set(&p->serve.llog, on, rate);
}

void
fod_serve_engine_init(struct fod_peer *p)
{
	engine_init(&p->serve.eng, &p->view, p->pools);
	engine_set_ratelimit(&p->serve.eng, &p->serve.rlim);
	fod_serve_set_policy(p);
}

void
fod_commit_soon(struct fod_peer *p)
{
	p->serve.commit_urgent = true;
}

/*
 * The commit of a grid tick that another tick follows (pace_cb): into
 * the log buffer only, its flush left to the first thread that needs
 * one (common/store/lease_defer.h); fod_sync_committed acks what is on
 * disk.  Only where nothing but replication acks waits for it -- no
 * DHCP reply, no approval -- and only in MONITORING, where this thread
 * serves no DHCP (gcommit_end would have nothing to release).
 */
static int
commit_deferred(struct fod_peer *p, struct lease_lsn *at)
{
	at->file = at->offset = 0;
	if (lease_db_staged(p->db) == 0 && lease_db_spoiled(p->db) == 0)
		return 0;
	return lease_db_commit_deferred(p->db, at);
}

int
fod_commit(struct fod_peer *p)
{
	struct lease_lsn at;
	bool	 defer = p->serve.defer && p->act.fsm.state ==
	    FOD_MONITORING && gcommit_waiting(&p->serve.gc) == 0 &&
	    p->approve.nverdicts == 0;
	int	 rc, frc;

	fod_sync_before_commit(p);
	/* The persistent values ride along; a failure to stage them
	 * spoils the batch, which gcommit_end then ends and reports. */
	(void)fod_store_stage(p);
	rc = defer ? commit_deferred(p, &at) : gcommit_end(&p->serve.gc);
	p->serve.commit_urgent = false;
	p->serve.commit_paced = false;
	/* A commit off the grid ends the stream (pace_cb decides on its
	 * own ticks). */
	if (!p->serve.in_tick)
		pace_stop(p);
	/* Approvals of the primary's bindings are true only now. */
	fod_approve_committed(p, rc);
	if (rc != 0) {
		fod_store_commit_failed(p);
		batch_failed(p, rc);
	}
	/* Acks for what is durable now; none if nothing is. */
	frc = fod_sync_committed(p, rc, defer ? &at : NULL);
	if (rc == 0 && frc != 0) {
		/* The log flush failed: the store is stopped. */
		batch_failed(p, frc);
		rc = frc;
	}
	if (rc != 0)
		return rc;
	fod_peer_changed(p);
	return 0;
}

/*
 * Steady replication (monitoring): a primary at 1,000 changes a second
 * sends a binding update every few milliseconds, and a commit -- a log
 * write and an fdatasync -- for each would be most of what the failover
 * does.  So those commits wait for the next tick of a wall-clock grid:
 * FOD_PACE_SECS, or a quarter of WaitSyncBindAckSecs if that is shorter,
 * so that an ack never comes late enough to make the primary resend (at
 * most two ticks after its update, with the flush deferred).  The
 * threads' ticks are spread over the period (pace_init): the first that
 * needs a flush makes one for all (fod_sync.c), and no two threads
 * write the shared environment at the same time -- at one instant, five
 * threads on two CPUs met at Berkeley DB's environment-wide mutexes (the
 * log, the cursor list every overwrite walks), and each meeting is a
 * futex sleep and wake-up.  An ack still means durable.  DHCP replies,
 * syncs and hand-backs never wait for the grid.
 *
 * The period is what the steady state costs: per tick and thread a
 * wake-up, a commit, an ack, a share of the flush, whatever the updates.
 * With five primaries at 1,000 renewals a second (bench/many.sh), 0.1 s
 * to 0.2 s took the failover from 2.8-2.9% to about 2.3% of one core
 * (bench/README.md has the runs).  The price is in the acks alone: they
 * come 0.2-0.4 s after the update instead of 0.1-0.2 s, so a primary at
 * 1,000 updates a second has about 450 of its window (REPL_WINDOW,
 * 1,024) in flight.  To keep it well inside, a tick defers its flush
 * for at most FOD_DEFER_MAX updates, and past FOD_PACE_BUSY updates
 * waiting for one tick the socket is read as things arrive (below).
 *
 * While a paced commit is pending the thread also stops watching its
 * socket: what the primary sends meanwhile is read at the tick.  And
 * while the updates keep coming it goes on that way from tick to tick
 * ("streaming"): the socket is read at the ticks only, so a busy primary
 * costs its thread one wake-up per tick, not one per datagram, nor the
 * two per tick (the tick, then the first datagram after it) of a socket
 * watched again after every commit; on the development VM a wake-up
 * costs about 15-30 us of CPU.  A poll answer read late is still an
 * answer: a timeout reads the socket before it counts (fod_act.c).  The
 * stream ends, and the socket is watched again, at a tick that finds no
 * update, outside MONITORING, after a commit off the grid (an approval,
 * a sync, DHCP served) and after any message but a binding update or a
 * poll answer (fod_serve_watch: a CtlReq, a configuration part, a
 * Shutdown may want an answer sooner than the next tick).  Past
 * FOD_PACE_BUSY updates waiting for one tick the socket is read as
 * things arrive, and a full receive window (FO_RX_MAX) commits at once,
 * so a burst is not held to one window per tick.
 */
static void
pace_stop(struct fod_peer *p)
{
	ev_periodic_stop(p->loop, &p->serve.pace_w);
	p->serve.streaming = false;
	p->serve.stream_break = false;
	fod_peer_sock_resume(p);
}

static void
pace_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct fod_peer *p = w->data;
	bool	 more;

	(void)loop;
	(void)revents;
	p->serve.in_tick = true;
	fod_peer_sock_drain(p);
	more = p->serve.commit_paced && !p->serve.stream_break &&
	    p->act.fsm.state == FOD_MONITORING &&
	    fo_rx_pending(&p->sync.rx) < FOD_PACE_BUSY && !p->stopping;
	/* A next tick will come: it flushes what this one defers. */
	p->serve.defer = more &&
	    fo_rx_pending(&p->sync.rx) <= FOD_DEFER_MAX;
	if (fod_commit(p) != 0)
		more = false;
	p->serve.defer = false;
	p->serve.in_tick = false;
	if (more) {
		/* pace_w stays, the socket stays paused. */
		p->serve.streaming = true;
		p->serve.stream_break = false;
	} else
		pace_stop(p);
}

static void
pace_init(struct fod_peer *p)
{
	double	 secs = p->policy.wait_sync_bind_ack / 4;
	bool	 was = ev_is_active(&p->serve.pace_w);

	if (secs > FOD_PACE_SECS)
		secs = FOD_PACE_SECS;
	if (was)
		ev_periodic_stop(p->loop, &p->serve.pace_w);
	/* Eight phases a sixteenth of the period apart (12.5 ms at 0.2 s),
	 * far more than a thread's tick takes (1-2 ms of CPU). */
	ev_periodic_init(&p->serve.pace_w, pace_cb,
	    (double)(p->uid % FOD_PACE_PHASES) * secs / (2 * FOD_PACE_PHASES),
	    secs, NULL);
	p->serve.pace_w.data = p;
	if (was)
		ev_periodic_start(p->loop, &p->serve.pace_w);
}

void
fod_commit_paced(struct fod_peer *p)
{
	p->serve.commit_paced = true;
	if (!ev_is_active(&p->serve.pace_w))
		ev_periodic_start(p->loop, &p->serve.pace_w);
	if (fo_rx_pending(&p->sync.rx) < FOD_PACE_BUSY)
		fod_peer_sock_pause(p);
	else	/* a burst: read as things arrive */
		fod_serve_listen(p);
}

void
fod_serve_watch(struct fod_peer *p)
{
	p->serve.stream_break = true;
}

/*
 * A poll is out: its answer -- or an update, which counts as one -- is
 * read as it comes, not at the next tick, so that the poll cycle, and
 * with it the takeover's bound (PollDelay + (PollRetryMax + 1) x
 * WaitPollRplSecs), does not slip by up to a grid period at every poll
 * (bench/many.sh saw takeovers declared 0.15 s past the bound).  The
 * first update read pauses the socket again (fod_commit_paced) and the
 * stream goes on at the next tick: a wake-up or two per poll.
 */
void
fod_serve_listen(struct fod_peer *p)
{
	p->serve.streaming = false;
	fod_peer_sock_resume(p);
}

void
fod_serve_set_policy(struct fod_peer *p)
{
	pace_init(p);
	/* In takeover: our share until the safe period ends
	 * (docs/safety.md). */
	engine_set_role(&p->serve.eng, ENGINE_FAILOVER,
	    cfg_fo_policy_borrows(&p->policy));
}

void
fod_serve_prepare(struct fod_peer *p)
{
	/* A spoiled batch ends now, so what comes next is staged into a
	 * clean one. */
	if (p->serve.commit_urgent || gcommit_waiting(&p->serve.gc) > 0 ||
	    gcommit_spoiled(&p->serve.gc) ||
	    (fo_rx_pending(&p->sync.rx) > 0 && !p->serve.commit_paced))
		(void)fod_commit(p);
	fod_serve_flush(p);
}

/* Not written (see the top); said in the lease log where we serve. */
static void
expired_cb(struct pool *pl, const struct lease *l, void *arg)
{
	struct fod_peer *p = arg;

	lease_log_expired(&p->serve.llog, ev_now(p->loop), pl, l);
}

void
fod_serve_expire(struct fod_peer *p)
{
	pool_set_expire(p->pools, (int64_t)ev_now(p->loop),
	    FOD_EXPIRE_PER_TICK, expired_cb, p);
	lease_log_tick(&p->serve.llog, ev_now(p->loop));
	/* Lazy changes (conflicts found by ping, the replay position)
	 * reach the disk at least once a tick: with the commit grid's
	 * next tick when that runs (no commit, fdatasync and end of the
	 * stream of its own), else now. */
	if (ev_is_active(&p->serve.pace_w))
		return;
	if (gcommit_pending(&p->serve.gc) || fod_store_unsaved(p))
		(void)fod_commit(p);
}

/* ------------------------------------------------ the safe period */

/*
 * When we last heard from the primary, for the safe period
 * (docs/safety.md): its last authenticated message, and never before
 * this thread started -- while we were down we could not hear it, and
 * it may have been granting addresses we never learnt of.
 */
double
fod_partner_heard(const struct fod_peer *p)
{
	return p->proto.ctr.last_rx > p->started ? p->proto.ctr.last_rx :
	    p->started;
}

static void
partner_input(const struct fod_peer *p, struct engine_input *in)
{
	in->partner_heard = (int64_t)fod_partner_heard(p);
	in->partner_down = p->act.fsm.partner_down;
}

/* ------------------------------------------------------------ pings */

void
fod_serve_cancel_pings(struct fod_peer *p)
{
	park_cancel_all(&p->serve.pings);
}

/* A ping's verdict (common/dhcp/park.c): the engine decides again. */
static void
unpark(void *arg, const struct park_origin *from, struct engine_input *in)
{
	struct fod_peer *p = arg;

	if (in->ping_in_use) {
		char	 a[INET_ADDRSTRLEN];
		uint64_t n;

		fod_fmt_addr(in->pinged_addr, a, sizeof(a));
		if (log_ratelimit_ok(&p->serve.rl_ping, ev_now(p->loop), 10,
		    &n))
			log_warn("primary=%s: ping check: %s answered; marked "
			    "in conflict and not offered (is the primary "
			    "still serving?)", p->name, a);
	}
	/* The subnet may have been handed back meanwhile: the engine
	 * then drops the request (not-serving). */
	in->now = (int64_t)ev_now(p->loop);
	in->now_ms = (int64_t)(ev_now(p->loop) * 1000);
	partner_input(p, in);
	engine_handle(&p->serve.eng, in, p->serve.res);
	apply_result(p, from, in->msg, p->serve.res);
	fod_serve_flush(p);
}

static void
start_ping(struct fod_peer *p, const struct park_origin *from,
    const struct dhcp_msg *m, const struct engine_result *res)
{
	const struct cfg_server *sc = &p->view.server;
	struct park_ping pc = { .ctx = p->ping,
	    .attempts = sc->ping_attempts,
	    .send_delay_ms = sc->ping_send_delay_ms };

	(void)park_ping(&p->serve.pings, &pc, from, m, res->ping_addr,
	    res->ping_round);
	fod_peer_changed(p);
}

/* ---------------------------------------------------------- serving */

static void
apply_result(struct fod_peer *p, const struct park_origin *from,
    const struct dhcp_msg *m, struct engine_result *res)
{
	const char *why;
	bool	 staged = true;

	/*
	 * As the primary: offers are held in memory only (a restart costs
	 * a client one more DISCOVER, never a duplicate); the rest is
	 * written, at once when it gates a reply.  A failed stage spoils
	 * the batch (fod_commit reports it); a reply whose lease was not
	 * staged is not sent at all (gcommit.h).
	 */
	for (size_t i = 0; i < res->nchanges; i++) {
		struct lease *c = &res->changes[i];
		struct pool *pl;

		if (!res->needs_commit && c->state == LEASE_OFFERED)
			continue;
		c->seq = fod_store_local_seq(p);
		if ((pl = pool_set_find(p->pools, c->addr)) != NULL)
			fod_handback_note_local(p, pool_index(pl), c->addr);
		if (lease_db_stage(p->db, c) != 0)
			staged = false;
		else
			/* The pools hold it with our sequence too (fod_sync.c
			 * keep_ours tells our grants from the pools). */
			(void)pool_load_lease(p->pools, c);
	}
	if (res->needs_commit)
		p->serve.commit_urgent = true;
	/* NAK, RELEASE, DECLINE; an ACK's line waits for its commit. */
	lease_log_result(&p->serve.llog, ev_now(p->loop), m, res);
	switch (res->action) {
	case ENGINE_REPLY:
		if (res->needs_commit && !staged)
			gcommit_withhold(&p->serve.gc);
		else if ((res->needs_commit ? gcommit_queue(&p->serve.gc,
		    from->fd, from->ifindex, from->iface_addr, from->rx_time,
		    m, res, ev_now(p->loop), &p->serve.rstats, &why) :
		    dhcp_reply_queue(&p->serve.outbox, from->fd, from->ifindex,
		    from->iface_addr, from->rx_time, m, res, &p->serve.rstats,
		    &why)) < 0)
			log_warn("primary=%s: cannot encode a reply: %s",
			    p->name, why);
		break;
	case ENGINE_PING_FIRST:
		start_ping(p, from, m, res);
		break;
	case ENGINE_APPROVE_FIRST:	/* a primary's rule, never ours */
	case ENGINE_DROP:
		if (engine_drop_is_rate_limit(res->drop)) {
			char	 who[CFG_NAME_MAX + 16];

			snprintf(who, sizeof(who), "primary=%s: ", p->name);
			ratelimit_log_drop(&p->serve.rlim, ev_now(p->loop),
			    who, res->drop_name, m->giaddr);
		}
		if (p->fod->debug) {
			char	 hw[48];

			log_hwaddr(m->chaddr, m->hlen, hw, sizeof(hw));
			log_debug("primary=%s: dropped request from %s: %s",
			    p->name, hw, res->drop_name);
		}
		break;
	case ENGINE_NONE:
		break;
	}
}

void
fod_serve_packet(struct fod_peer *p, const struct fq_item *it)
{
	struct park_origin from = {
		.fd = p->fod->socks.v[it->sock].fd, .ifindex = it->ifindex,
		.src_addr = it->src_addr, .src_port = it->src_port,
		.link_addr = it->link_addr, .iface_addr = it->iface_addr,
		.rx_time = it->rx_time,
	};
	struct engine_input in;
	enum dhcp_err e;

	p->serve.ctr.dhcp_rx++;
	fod_peer_changed(p);
	if ((e = dhcp_msg_decode(it->buf, it->len, p->serve.msg)) !=
	    DHCP_OK) {
		/* The main thread saw a plausible header; the options are
		 * broken.  Counted like the primary's engine would not. */
		p->serve.eng.ctr.drops[ENGINE_DROP_BAD_REQUEST]++;
		return;
	}
	memset(&in, 0, sizeof(in));
	in.msg = p->serve.msg;
	in.link_addr = it->link_addr;
	in.iface_server_addr = it->iface_addr;
	in.now = (int64_t)ev_now(p->loop);
	in.now_ms = (int64_t)(ev_now(p->loop) * 1000);
	partner_input(p, &in);
	engine_handle(&p->serve.eng, &in, p->serve.res);
	apply_result(p, &from, p->serve.msg, p->serve.res);
}

void
fod_serve_free(struct fod_peer *p)
{
	fod_serve_cancel_pings(p);
	if (p->loop != NULL)
		ev_periodic_stop(p->loop, &p->serve.pace_w);
	gcommit_free(&p->serve.gc);
	lease_log_free(&p->serve.llog);
	ratelimit_free(&p->serve.rlim);
	dhcp_replyq_free(&p->serve.outbox);
	free(p->serve.msg);
	free(p->serve.res);
	p->serve.msg = NULL;
	p->serve.res = NULL;
}

/* ------------------------------------------------- leases (control) */

static bool
subnet_matches(const struct cfg_subnet *s, const char *only)
{
	char	 a[INET_ADDRSTRLEN], cidr[INET_ADDRSTRLEN + 4];

	if (only[0] == '\0' || strcmp(only, s->name) == 0)
		return true;
	fod_fmt_addr(s->network, a, sizeof(a));
	snprintf(cidr, sizeof(cidr), "%s/%u", a, s->prefix);
	return strcmp(only, cidr) == 0;
}

void
fod_serve_leases(struct fod_peer *p, struct fod_call *c)
{
	struct strbuf *out = &c->out;
	int64_t	 now = (int64_t)ev_now(p->loop);

	for (size_t i = 0; i < pool_set_count(p->pools); i++) {
		struct pool *pl = pool_set_get(p->pools, i);
		const struct cfg_subnet *s = pool_subnet(pl);
		const struct lease *l;
		size_t	 cur = 0;

		if (!subnet_matches(s, c->arg))
			continue;
		c->matched = true;
		while ((l = pool_next_lease(pl, &cur)) != NULL) {
			char	 hw[64], a[INET_ADDRSTRLEN];

			log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
			if (c->json) {
				sb_puts(out, c->nitems ? ",{\"address\":\"" :
				    "{\"address\":\"");
				sb_ipv4(out, l->addr);
				sb_puts(out, "\",\"subnet\":");
				sb_json_str(out, s->name);
				sb_puts(out, ",\"primary\":");
				sb_json_str(out, p->name);
				sb_printf(out, ",\"state\":\"%s\",\"hwaddr\":"
				    "\"%s\",\"client_id\":\"",
				    lease_state_name(l->state), hw);
				if (l->key.len > 1 && l->key.bytes[0] == 'C')
					sb_hex(out, l->key.bytes + 1,
					    l->key.len - 1u);
				sb_puts(out, "\",\"hostname\":");
				sb_json_str(out, l->hostname);
				sb_printf(out, ",\"starts\":%lld,\"ends\":%lld}",
				    (long long)l->starts, (long long)l->ends);
			} else {
				char	 exp[24], host[LEASE_HOSTNAME_MAX * 4];

				fod_fmt_addr(l->addr, a, sizeof(a));
				if (l->ends > now)
					snprintf(exp, sizeof(exp), "in %llds",
					    (long long)(l->ends - now));
				else
					snprintf(exp, sizeof(exp), "-");
				log_sanitize(l->hostname, strlen(l->hostname),
				    host, sizeof(host));
				sb_printf(out, "%-16s %-12s %-12s %-9s %-17s "
				    "%-10s %s\n", a, s->name, p->name,
				    lease_state_name(l->state), hw, exp, host);
			}
			c->nitems++;
		}
	}
}
