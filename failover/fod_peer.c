/*
 * One primary's thread (docs/design.md §1: each primary gets its own
 * thread with its own event loop, state machine, lease store and poll
 * policy): set-up before the thread starts, the thread's loop
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

#include <openssl/crypto.h>

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

/* ------------------------------------------------------------ loop */

/* A reload's new key set (fod.c): from the next message on. */
static void
take_keys(struct fod_peer *p, struct fq_item *it)
{
	fo_keyset_clear(&p->keys);
	memcpy(&p->keys, it->buf, sizeof(p->keys));
	OPENSSL_cleanse(it->buf, it->len);
	fo_keystat_keys(&p->keystat, &p->keys);
	if (p->keys.accept.len > 0)
		log_info("primary=%s: reload: signing with key %04x, also "
		    "accepting key %04x", p->name, p->keys.sign.id,
		    p->keys.accept.id);
	else
		log_info("primary=%s: reload: signing with key %04x", p->name,
		    p->keys.sign.id);
}

static void
handle_cmd(struct fod_peer *p, struct fq_item *it)
{
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
		fod_act_start(p);
		break;
	case FQ_CMD_REFETCH:
		fod_fetch_forget(p);
		break;
	case FQ_CMD_POLICY:
		if (it->len == sizeof(p->keys))
			take_keys(p, it);
		p->policy = it->policy;
		fod_act_set_policy(p);
		fod_handback_set_policy(p);
		fod_serve_set_policy(p);
		fod_serve_set_lease_log(p, it->lease_log, it->lease_log_rate);
		log_info("primary=%s: reload: PollDelay %g, PollRetryMax %u, "
		    "WaitPollRplSecs %g (from the next timer on)", p->name,
		    p->policy.poll_delay, p->policy.poll_retry_max,
		    p->policy.wait_poll_rpl);
		break;
	case FQ_CMD_CALL:
		if (it->call->kind == FOD_CALL_LEASES)
			fod_serve_leases(p, it->call);
		else if (it->call->kind == FOD_CALL_FIND)
			fod_lease_find(p, it->call);
		else if (it->call->kind == FOD_CALL_LEASE_DEL)
			fod_lease_del(p, it->call);
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
		fod_serve_flush(p);
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
	fod_fetch_tick(p);
	fod_peer_changed(p);
}

/*
 * What the thread does before it runs its loop.  The in-process pair
 * tests (tests/unit/pair_testutil.c) call it instead of fod_peer_start
 * and then run the peer's loop themselves, on their own clock.
 */
void
fod_peer_begin(struct fod_peer *p)
{
	struct fod_event ev;

	/* The loop was made long before: its cached time is stale. */
	ev_now_update(p->loop);
	p->started = fod_wallclock();
	memset(&ev, 0, sizeof(ev));
	ev.type = FOD_EV_START;
	/* docs/design.md §3: a takeover persisted by our previous run resumes
	 * at once, with every binding it granted. */
	ev.resume_takeover = p->meta.takeover;
	ev.resume_partner_down = p->meta.takeover && p->meta.partner_down;
	fod_peer_event(p, &ev);
	fod_peer_publish(p, true);
}

static void *
peer_main(void *arg)
{
	struct fod_peer *p = arg;

	fod_peer_begin(p);
	ev_run(p->loop, 0);
	fod_peer_publish(p, true);
	return NULL;
}

/* ------------------------------------------------------ lifecycle */

/* A grant of ours not handed back yet: the hand-back will send it. */
static void
note_local(const struct lease *l, void *arg)
{
	struct fod_peer *p = arg;
	struct pool	*pl;

	if ((l->seq & FOD_LOCAL_SEQ_BIT) != 0 &&
	    l->seq > p->meta.handback_through &&
	    (pl = pool_set_find(p->pools, l->addr)) != NULL)
		fod_handback_note_local(p, pool_index(pl), l->addr);
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

/* Who the primary is, and the parts that only need memory. */
static struct fod_peer *
peer_alloc(struct fod *fod, const struct cfg_fo_primary *pc)
{
	struct fod_peer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fod = fod;
	p->uid = ++fod->next_uid;
	snprintf(p->name, sizeof(p->name), "%s", pc->name);
	p->id = pc->id;
	p->addr = pc->addr;
	p->port = pc->port;
	p->policy = pc->policy;
	p->l2 = (struct netio_l2)NETIO_L2_INIT;
	p->dgram_max = (p->addr >> 24) == 127 ? FO_DGRAM_LOOPBACK :
	    FO_DGRAM_DEFAULT;
	fod_sync_init(p);
	fod_fetch_init(p, pc);
	/* The parts size themselves after the view's subnets. */
	if (fod_config_view_dup(&pc->view, &p->view) < 0 ||
	    fod_status_init(p) < 0 ||
	    (p->digests = calloc(p->view.nsubnets ? p->view.nsubnets : 1,
	    sizeof(*p->digests))) == NULL ||
	    fod_handback_init(p) < 0) {
		fod_peer_free(p);
		return NULL;
	}
	return p;
}

/* The thread's loop and queue, the primary's own socket. */
static int
open_loop(struct fod_peer *p, char *err, size_t errlen)
{
	if ((p->loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		snprintf(err, errlen, "primary=%s: cannot create an event "
		    "loop", p->name);
		return -1;
	}
	ev_async_init(&p->wake_w, wake_cb);
	p->wake_w.data = p;
	ev_async_start(p->loop, &p->wake_w);
	if (fq_init(&p->inq, FOD_QUEUE_CAP, FOD_QUEUE_BYTES, p->loop,
	    &p->wake_w) < 0) {
		snprintf(err, errlen, "primary=%s: out of memory", p->name);
		return -1;
	}
	return fod_peer_sock_open(p, err, errlen);
}

/* The store named after the primary (lease_db.h), its persistent values,
 * the pools and engine with every binding it holds. */
static int
open_store(struct fod_peer *p, char *err, size_t errlen, int *exit_code)
{
	struct pool_load_tally t;
	uint64_t seed;
	char	 e2[512];

	*exit_code = EXIT_STORE;
	if ((p->db = lease_db_open(p->fod->env, p->name, e2,
	    sizeof(e2))) == NULL) {
		snprintf(err, errlen, "primary=%s: lease store: %s", p->name,
		    e2);
		return -1;
	}
	lease_db_set_corrupt_cb(p->db, corrupt_cb, p);
	if (fod_serve_init(p) < 0) {
		*exit_code = EXIT_SYSTEM;
		snprintf(err, errlen, "primary=%s: out of memory", p->name);
		return -1;
	}
	if (fod_store_load(p, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	if (fod_msg_init(p) < 0) {
		*exit_code = EXIT_SYSTEM;
		snprintf(err, errlen, "primary=%s: out of memory", p->name);
		return -1;
	}
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)fod_wallclock() ^ (uint64_t)(uintptr_t)p;
	if (pool_set_new(&p->view, seed, &p->pools) != POOL_OK) {
		snprintf(err, errlen, "primary=%s: cannot build the address "
		    "pools", p->name);
		*exit_code = EXIT_CONFIG;
		return -1;
	}
	fod_serve_engine_init(p);
	if (pool_load_store(p->pools, p->db, &t, note_local, p) != 0) {
		snprintf(err, errlen, "primary=%s: loading leases failed",
		    p->name);
		return -1;
	}
	log_info("primary=%s: %zu binding%s in the store%s%s", p->name,
	    pool_load_held(&t), pool_load_held(&t) == 1 ? "" : "s",
	    p->meta.takeover ? "; a takeover was in progress" : "",
	    pool_load_outside(&t) ? "; some lie outside the configured "
	    "ranges" : "");
	/* Nothing is served until the machine says so. */
	for (size_t i = 0; i < pool_set_count(p->pools); i++)
		pool_set_serving(pool_set_get(p->pools, i), false);
	*exit_code = 0;
	return 0;
}

/* Our subnets' digests, the sockets serving needs, the machine and the
 * loop's watchers. */
static int
open_rest(struct fod_peer *p, char *err, size_t errlen, int *exit_code)
{
	char	 e2[512];

	for (size_t i = 0; i < p->view.nsubnets; i++)
		if (fo_subnet_digest(&p->view,
		    &p->view.subnets[i], p->digests[i]) < 0)
			log_warn("primary=%s: cannot compute the digest of "
			    "subnet %s", p->name, p->view.subnets[i].name);
	if (p->view.server.ping_before_assign) {
		p->ping = ping_open(p->loop, e2, sizeof(e2));
		if (p->ping == NULL) {
			snprintf(err, errlen, "primary=%s: TakeoverPingCheck: "
			    "%s", p->name, e2);
			return -1;
		}
	}
	if (p->view.server.ninterfaces > 0 &&
	    netio_l2_open(&p->l2, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "primary=%s: %s", p->name, e2);
		return -1;
	}
	if (fod_act_init(p, err, errlen) < 0) {
		*exit_code = EXIT_CONFIG;
		return -1;
	}
	ev_prepare_init(&p->prepare_w, prepare_cb);
	p->prepare_w.data = p;
	ev_prepare_start(p->loop, &p->prepare_w);
	ev_timer_init(&p->tick_w, tick_cb, FOD_TICK_SECS, FOD_TICK_SECS);
	p->tick_w.data = p;
	ev_timer_start(p->loop, &p->tick_w);
	return 0;
}

struct fod_peer *
fod_peer_new(struct fod *fod, const struct cfg_fo_primary *pc,
    const struct fo_keyset *keys, char *err, size_t errlen, int *exit_code)
{
	struct fod_peer *p;

	*exit_code = EXIT_SYSTEM;
	if ((p = peer_alloc(fod, pc)) == NULL) {
		snprintf(err, errlen, "primary=%s: out of memory", pc->name);
		return NULL;
	}
	p->keys = *keys;
	fo_keystat_keys(&p->keystat, &p->keys);
	if (open_loop(p, err, errlen) < 0 ||
	    open_store(p, err, errlen, exit_code) < 0 ||
	    open_rest(p, err, errlen, exit_code) < 0) {
		fod_peer_free(p);
		return NULL;
	}
	*exit_code = 0;
	return p;
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
		fod_act_free(p);
		ev_prepare_stop(p->loop, &p->prepare_w);
		ev_timer_stop(p->loop, &p->tick_w);
		ev_async_stop(p->loop, &p->wake_w);
		fod_peer_sock_close(p);
	}
	fod_fetch_free(p);	/* its timer is on p->loop, still there */
	fod_status_free(p);
	fod_serve_free(p);
	if (p->ping != NULL)
		ping_close(p->ping);
	netio_l2_close(&p->l2);
	fod_handback_free(p);
	fod_sync_free(p);
	fod_msg_free(p);
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
	fo_keyset_clear(&p->keys);
	fo_keyset_clear(&p->main_keys);
	free(p->digests);
	free(p);
}
