/*
 * One primary's thread (DESIGN 1: "one thread per primary, each with its
 * own libev loop, its own state machine, its own lease database and its
 * own poll policy"): set-up before the thread starts, the thread's loop
 * and operator commands, and the end.  The state machine's driver is
 * fod_act.c, the status snapshots fod_status.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

#include "exitcodes.h"
#include "fo_digest.h"
#include "fod.h"

double
fod_wallclock(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
params_from_policy(const struct cfg_fo_policy *pol, struct fod_params *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->poll_delay = pol->poll_delay;
	fp->poll_retry_max = pol->poll_retry_max;
	fp->wait_poll_rpl = pol->wait_poll_rpl;
	fp->sync_bindings = pol->sync_bindings;
	fp->sync_fail_critical = pol->sync_fail_critical;
	fp->sync_req_retry_max = pol->sync_req_retry_max;
	fp->wait_sync_start = pol->wait_sync_start;
	fp->wait_sync_bind_update = pol->wait_sync_bind_update;
}

/* ------------------------------------------------------------ loop */

static void
handle_cmd(struct fod_peer *p, struct fq_item *it)
{
	struct fod_params fp;

	switch (it->cmd) {
	case FQ_CMD_TAKEOVER:
		fod_peer_event_simple(p, FOD_EV_FORCE_TAKEOVER,
		    "dhcpfoctl takeover");
		break;
	case FQ_CMD_RELEASE:
		fod_peer_event_simple(p, FOD_EV_FORCE_RELEASE,
		    "dhcpfoctl release");
		break;
	case FQ_CMD_PARTNER_DOWN:
		fod_peer_event_simple(p, FOD_EV_PARTNER_DOWN,
		    "dhcpfoctl partner-down");
		break;
	case FQ_CMD_START:
		if (p->fsm.state == FOD_STOPPED) {
			p->crit = false;
			p->stop_reason[0] = '\0';
			atomic_store(&p->critical, false);
			fod_peer_event_simple(p, FOD_EV_START, NULL);
		}
		break;
	case FQ_CMD_POLICY:
		p->policy = it->policy;
		params_from_policy(&p->policy, &fp);
		if (fod_fsm_set_params(&p->fsm, &fp) != FSM_OK)
			log_err("primary=%s: reload: policy refused", p->name);
		fod_handback_set_policy(p);
		fod_pace_init(p);
		engine_set_role(&p->eng, ENGINE_FAILOVER,
		    cfg_fo_policy_borrows(&p->policy));
		log_info("primary=%s: reload: PollDelay %g, PollRetryMax %u, "
		    "WaitPollRplSecs %g (from the next timer on)", p->name,
		    p->policy.poll_delay, p->policy.poll_retry_max,
		    p->policy.wait_poll_rpl);
		break;
	case FQ_CMD_CALL:
		if (it->call->kind == FOD_CALL_LEASES)
			fod_serve_leases(p, it->call);
		fod_call_done(it->call);
		it->call = NULL;
		break;
	case FQ_CMD_STOP:
		p->stopping = true;
		snprintf(p->stop_why, sizeof(p->stop_why), "%.*s",
		    (int)it->len, (const char *)it->buf);
		break;
	}
}

static void
wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct fod_peer *p = w->data;
	struct fq_item *items[256];
	size_t	 n;

	(void)revents;
	while ((n = fq_take(&p->inq, items, 256)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct fq_item *it = items[i];

			switch (it->kind) {
			case FQ_FO:
				fod_msg_rx(p, it);
				break;
			case FQ_DHCP:
				fod_serve_packet(p, it);
				break;
			case FQ_CMD:
				handle_cmd(p, it);
				break;
			default:
				break;
			}
			free(it);
		}
		if (p->stopping)
			break;
	}
	if (p->stopping) {
		/* Daemon shutdown or a reload that removes (or restarts)
		 * this primary: the persisted state stays as it is, so a
		 * takeover resumes at the next start. */
		fod_peer_event_simple(p, FOD_EV_STOP, p->stop_why[0] ?
		    p->stop_why : "daemon shutting down");
		fod_commit(p);
		if (p->outbox.n > 0)
			dhcp_reply_flush(&p->outbox, &p->l2,
			    p->view.server.dhcp_port, &p->rstats, NULL, NULL);
		ev_break(loop, EVBREAK_ALL);
	}
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct fod_peer *p = w->data;

	(void)loop;
	(void)revents;
	fod_serve_prepare(p);
	fod_peer_publish(p, false);
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod_peer *p = w->data;

	(void)loop;
	(void)revents;
	fod_serve_expire(p);
	p->snap_dirty = true;
}

static void
pub_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	fod_peer_publish(w->data, false);
}

static void *
peer_main(void *arg)
{
	struct fod_peer *p = arg;
	struct fod_event ev;

	/* The loop was made long before: its cached time is stale. */
	ev_now_update(p->loop);
	p->started = fod_wallclock();
	memset(&ev, 0, sizeof(ev));
	ev.type = FOD_EV_START;
	/* DESIGN 3: a takeover persisted by our previous run resumes at
	 * once, with every binding it granted. */
	ev.resume_takeover = p->takeover_saved;
	ev.resume_partner_down = p->takeover_saved && p->partner_down_saved;
	fod_peer_event(p, &ev);
	fod_peer_publish(p, true);
	ev_run(p->loop, 0);
	fod_peer_publish(p, true);
	return NULL;
}

/* ------------------------------------------------------ lifecycle */

struct load_tally {
	struct fod_peer	*p;
	size_t		 n[POOL_LOAD_NOMEM + 1];
};

static int
load_one(const struct lease *l, void *arg)
{
	struct load_tally *t = arg;
	struct fod_peer *p = t->p;
	enum pool_load r = pool_load_lease(p->pools, l);
	struct pool *pl;

	t->n[r]++;
	if (r == POOL_LOAD_NOMEM)
		return ENOMEM;
	if ((l->seq & FOD_LOCAL_SEQ_BIT) != 0 && l->seq > p->handback_through &&
	    (pl = pool_set_find(p->pools, l->addr)) != NULL)
		fod_handback_note_local(p, pool_index(pl), l->addr);
	return 0;
}

static void
corrupt_cb(uint32_t addr, void *arg)
{
	struct fod_peer *p = arg;
	char	 a[16];

	fod_fmt_addr(addr, a, sizeof(a));
	log_warn("primary=%s: lease store: record for %s is corrupt; "
	    "skipped", p->name, a);
}

struct fod_peer *
fod_peer_new(struct fod *fod, size_t idx, const struct cfg_fo_primary *pc,
    char *err, size_t errlen, int *exit_code)
{
	struct fod_peer *p;
	struct fod_params fp;
	struct load_tally t;
	uint64_t seed;
	char	 e2[512];
	size_t	 n;

	*exit_code = EXIT_SYSTEM;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fd = -1;
	p->fod = fod;
	p->idx = idx;
	p->uid = ++fod->next_uid;
	snprintf(p->name, sizeof(p->name), "%s", pc->name);
	p->id = pc->id;
	p->addr = pc->addr;
	p->port = pc->port;
	p->policy = pc->policy;
	p->l2 = (struct netio_l2)NETIO_L2_INIT;
	p->handback.cur = SIZE_MAX;
	atomic_init(&p->serving, false);
	atomic_init(&p->critical, false);
	pthread_mutex_init(&p->snap_mtx, NULL);
	if (fod_config_view_dup(&pc->view, &p->view) < 0)
		goto nomem;
	n = p->view.nsubnets;
	if ((p->m = malloc(sizeof(*p->m))) == NULL ||
	    (p->mt = malloc(sizeof(*p->mt))) == NULL ||
	    (p->txbuf = malloc(FO_DGRAM_MAX)) == NULL ||
	    (p->msg = malloc(sizeof(*p->msg))) == NULL ||
	    (p->res = malloc(sizeof(*p->res))) == NULL ||
	    (p->snap_subnets = calloc(n ? n : 1,
	    sizeof(*p->snap_subnets))) == NULL ||
	    (p->digests = calloc(n ? n : 1, sizeof(*p->digests))) == NULL ||
	    (p->digest_seen = calloc(n ? n : 1, sizeof(bool))) == NULL ||
	    (p->digest_match = calloc(n ? n : 1, sizeof(bool))) == NULL ||
	    fod_handback_init(p) < 0)
		goto nomem;
	fo_rx_init(&p->rx);

	if (fo_key_load(pc->key_file, &p->key, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "primary=%s: SharedKeyFile: %s", p->name,
		    e2);
		*exit_code = EXIT_CONFIG;
		goto fail;
	}
	if ((p->loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		snprintf(err, errlen, "primary=%s: cannot create an event "
		    "loop", p->name);
		goto fail;
	}
	ev_async_init(&p->wake_w, wake_cb);
	p->wake_w.data = p;
	ev_async_start(p->loop, &p->wake_w);
	if (fq_init(&p->inq, FOD_QUEUE_CAP, p->loop, &p->wake_w) < 0)
		goto nomem;
	if (fod_peer_sock_open(p, err, errlen) < 0)
		goto fail;

	/* The store, named after the primary (lease_db.h). */
	if ((p->db = lease_db_open(fod->env, p->name, e2,
	    sizeof(e2))) == NULL) {
		snprintf(err, errlen, "primary=%s: lease store: %s", p->name,
		    e2);
		*exit_code = EXIT_STORE;
		goto fail;
	}
	lease_db_set_corrupt_cb(p->db, corrupt_cb, p);
	fod_serve_init(p);
	if (fod_store_load(p, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s", e2);
		*exit_code = EXIT_STORE;
		goto fail;
	}
	/* Messages from an older life of the primary stay refused after
	 * our own restart. */
	p->replay.epoch = p->p_epoch;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)fod_wallclock() ^ (uint64_t)(uintptr_t)p;
	if (pool_set_new(&p->view, seed, &p->pools) != POOL_OK) {
		snprintf(err, errlen, "primary=%s: cannot build the address "
		    "pools", p->name);
		*exit_code = EXIT_CONFIG;
		goto fail;
	}
	engine_init(&p->eng, &p->view, p->pools);
	/* In takeover: our share until the safe period ends
	 * (docs/safety.md). */
	engine_set_role(&p->eng, ENGINE_FAILOVER,
	    cfg_fo_policy_borrows(&p->policy));
	memset(&t, 0, sizeof(t));
	t.p = p;
	if (lease_db_foreach(p->db, load_one, &t) != 0) {
		snprintf(err, errlen, "primary=%s: loading leases failed",
		    p->name);
		*exit_code = EXIT_STORE;
		goto fail;
	}
	log_info("primary=%s: %zu binding%s in the store%s%s", p->name,
	    t.n[POOL_LOAD_OK] + t.n[POOL_LOAD_EXCLUDED],
	    t.n[POOL_LOAD_OK] + t.n[POOL_LOAD_EXCLUDED] == 1 ? "" : "s",
	    p->takeover_saved ? "; a takeover was in progress" : "",
	    t.n[POOL_LOAD_OUTSIDE] + t.n[POOL_LOAD_NO_SUBNET] ?
	    "; some lie outside the configured ranges" : "");
	/* Nothing is served until the machine says so. */
	for (size_t i = 0; i < pool_set_count(p->pools); i++)
		pool_set_serving(pool_set_get(p->pools, i), false);
	for (size_t i = 0; i < n; i++)
		if (fo_subnet_digest(&p->view.subnets[i], p->digests[i]) < 0)
			log_warn("primary=%s: cannot compute the digest of "
			    "subnet %s", p->name, p->view.subnets[i].name);

	if (p->view.server.ping_before_assign) {
		p->ping = ping_open(p->loop, e2, sizeof(e2));
		if (p->ping == NULL) {
			snprintf(err, errlen, "primary=%s: TakeoverPingCheck: "
			    "%s", p->name, e2);
			goto fail;
		}
	}
	if (p->view.server.ninterfaces > 0 &&
	    netio_l2_open(&p->l2, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "primary=%s: %s", p->name, e2);
		goto fail;
	}
	p->lease_max = p->policy.sync_binding_buf_size;
	p->dgram_max = (p->addr >> 24) == 127 ? FO_DGRAM_LOOPBACK :
	    FO_DGRAM_DEFAULT;

	params_from_policy(&p->policy, &fp);
	if (fod_fsm_init(&p->fsm, &fp, ev_time()) != FSM_OK) {
		snprintf(err, errlen, "primary=%s: poll policy refused",
		    p->name);
		*exit_code = EXIT_CONFIG;
		goto fail;
	}
	for (int k = 0; k < FOD_TIMER_COUNT; k++) {
		ev_timer_init(&p->fsm_w[k], fod_peer_timer_cb, 1.0, 0.0);
		p->fsm_w[k].data = p;
	}
	fod_pace_init(p);
	ev_prepare_init(&p->prepare_w, prepare_cb);
	p->prepare_w.data = p;
	ev_prepare_start(p->loop, &p->prepare_w);
	ev_timer_init(&p->pub_w, pub_cb, FOD_SNAP_INTERVAL, 0.0);
	p->pub_w.data = p;
	ev_timer_init(&p->tick_w, tick_cb, FOD_TICK_SECS, FOD_TICK_SECS);
	p->tick_w.data = p;
	ev_timer_start(p->loop, &p->tick_w);
	*exit_code = 0;
	return p;

nomem:
	snprintf(err, errlen, "primary=%s: out of memory", p->name);
fail:
	fod_peer_free(p);
	return NULL;
}

int
fod_peer_start(struct fod_peer *p, char *err, size_t errlen)
{
	int	 rc;

	if ((rc = pthread_create(&p->thr, NULL, peer_main, p)) != 0) {
		snprintf(err, errlen, "primary=%s: cannot start its thread: %s",
		    p->name, strerror(rc));
		return -1;
	}
	p->thr_started = true;
	return 0;
}

void
fod_peer_stop(struct fod_peer *p, const char *why)
{
	struct fq_item *it;
	size_t	 len = why != NULL ? strlen(why) : 0;

	if (!p->thr_started)
		return;
	/* The queue may be full: retry until the stop gets in. */
	for (;;) {
		if ((it = fq_item_new(FQ_CMD, len)) != NULL) {
			it->cmd = FQ_CMD_STOP;
			if (len > 0)
				memcpy(it->buf, why, len);
			if (fq_push(&p->inq, it))
				break;
		}
		fq_wake(&p->inq);
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fq_wake(&p->inq);
	pthread_join(p->thr, NULL);
	p->thr_started = false;
}

void
fod_peer_free(struct fod_peer *p)
{
	if (p == NULL)
		return;
	if (p->loop != NULL) {
		for (int k = 0; k < FOD_TIMER_COUNT; k++)
			ev_timer_stop(p->loop, &p->fsm_w[k]);
		ev_prepare_stop(p->loop, &p->prepare_w);
		ev_timer_stop(p->loop, &p->tick_w);
		ev_timer_stop(p->loop, &p->pub_w);
		ev_periodic_stop(p->loop, &p->pace_w);
		ev_async_stop(p->loop, &p->wake_w);
		fod_peer_sock_close(p);
	}
	fod_serve_free(p);
	if (p->ping != NULL)
		ping_close(p->ping);
	netio_l2_close(&p->l2);
	fod_handback_free(p);
	fod_sync_free(p);
	if (p->db != NULL) {
		if (lease_db_staged(p->db) > 0)
			(void)lease_db_commit(p->db);
		lease_db_close(p->db);
	}
	pool_set_free(p->pools);
	config_free(&p->view);
	fq_destroy(&p->inq);
	if (p->loop != NULL)
		ev_loop_destroy(p->loop);
	fo_key_clear(&p->key);
	pthread_mutex_destroy(&p->snap_mtx);
	free(p->m);
	free(p->mt);
	free(p->txbuf);
	free(p->msg);
	free(p->res);
	free(p->snap_subnets);
	free(p->digests);
	free(p->digest_seen);
	free(p->digest_match);
	free(p);
}
