/*
 * The failover daemon's main thread: open what everything needs (the
 * lease store environment, sockets, the control socket), set up one
 * peer per primary, start their threads, then route datagrams, answer
 * the control socket and handle signals until told to stop.
 *
 * Order matters twice.  Everything that can fail is opened before the
 * daemon detaches, so a start-up error reaches the operator's terminal
 * and the exit code.  Threads start only after detaching, because a
 * fork keeps only the calling thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_start.h"
#include "exitcodes.h"
#include "fo_digest.h"
#include "fod_snmp.h"
#include "fod.h"

static void
checkpoint_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod *fod = w->data;
	int	 rc;
	uint64_t n;

	(void)loop;
	(void)revents;
	/* One checkpoint for the environment every store lives in, on the
	 * checkpoint thread (lease_ckpt.h); here without one. */
	rc = fod->ckpt != NULL ? lease_ckpt_result(fod->ckpt) :
	    lease_db_checkpoint(fod->env);
	if (rc != 0 &&
	    log_ratelimit_ok(&fod->rl_store, ev_now(fod->loop), 60, &n))
		log_warn("lease store checkpoint: %s", lease_db_strerror(rc));
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct fod *fod = w->data;
	struct strbuf why;

	(void)loop;
	(void)revents;
	sb_init(&why);
	fod_reload(fod, &why);
	sb_free(&why);
}

/* ------------------------------------------------------------ keys */

/* A primary's key set from its section; -1 with err naming the section. */
static int
peer_keys(const struct cfg_fo_primary *pc, struct fo_keyset *ks, char *err,
    size_t errlen)
{
	char	 e2[FO_KEY_ERR_MAX - CFG_NAME_MAX - 16];

	if (fo_keyset_load(pc->key_file, pc->accept_key_file, ks, e2,
	    sizeof(e2)) == 0)
		return 0;
	snprintf(err, errlen, "[primary:%s] %s", pc->name, e2);
	return -1;
}

/*
 * A primary whose keys do not load gets no thread: an alarm for it alone
 * (docs/security.md "Key problems"), the others are protected as ever.
 * list has room for every primary of the file.
 */
static void
keyerr_add(struct fod_keyerr *list, size_t *n,
    const struct cfg_fo_primary *pc, const char *err, const char *when)
{
	struct fod_keyerr *k = &list[(*n)++];

	snprintf(k->name, sizeof(k->name), "%s", pc->name);
	k->addr = pc->addr;
	k->port = pc->port;
	snprintf(k->error, sizeof(k->error), "%s", err);
	log_err("%skey error: %s: primary=%s will not be protected until "
	    "this is fixed and the configuration reloaded", when, err,
	    pc->name);
}

/* A peer per [primary:NAME] whose keys load, each with its store open
 * (not started). */
static int
open_peers(struct fod *fod, char *err, size_t errlen, int *exit_code)
{
	size_t	 n = fod->cfg.nprimaries ? fod->cfg.nprimaries : 1;

	if ((fod->peers = calloc(n, sizeof(*fod->peers))) == NULL ||
	    (fod->keyerrs = calloc(n, sizeof(*fod->keyerrs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < fod->cfg.nprimaries; i++) {
		const struct cfg_fo_primary *pc = &fod->cfg.primaries[i];
		struct fo_keyset ks;
		struct fod_peer *p;

		if (peer_keys(pc, &ks, err, errlen) < 0) {
			keyerr_add(fod->keyerrs, &fod->nkeyerrs, pc, err, "");
			err[0] = '\0';
			continue;
		}
		p = fod_peer_new(fod, pc, &ks, err, errlen, exit_code);
		if (p != NULL)
			p->main_keys = ks;
		fo_keyset_clear(&ks);
		if (p == NULL)
			return -1;
		p->idx = fod->npeers;
		fod->peers[fod->npeers++] = p;
	}
	return 0;
}

/* The main loop's own watchers: checkpoints, signals as events. */
static void
start_watchers(struct fod *fod)
{
	struct ev_loop *loop = fod->loop;

	ev_timer_init(&fod->checkpoint_w, checkpoint_cb, FOD_CHECKPOINT_SECS,
	    FOD_CHECKPOINT_SECS);
	fod->checkpoint_w.data = fod;
	ev_timer_start(loop, &fod->checkpoint_w);
	daemon_signals_start(loop, &fod->sigs, stop_cb, hup_cb, fod);
}

struct fod *
fod_new(struct ev_loop *loop, struct fod_config *cfg, const char *cfgpath,
    bool debug, char *err, size_t errlen, int *exit_code)
{
	struct fod *fod;
	char	 e2[512];

	*exit_code = EXIT_SYSTEM;
	if ((fod = calloc(1, sizeof(*fod))) == NULL ||
	    (fod->rxbuf = calloc(NETIO_BATCH, sizeof(*fod->rxbuf))) == NULL ||
	    (fod->fod_rxbuf = malloc(FO_DGRAM_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		if (fod != NULL)
			free(fod->rxbuf);
		free(fod);
		return NULL;
	}
	fod->loop = loop;
	fod->fod_fd = -1;
	fod->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	log_set_facility(fod->cfg.server.log_facility);
	/* What the primaries sent before: served even if none answers. */
	fod_learn_attach(&fod->cfg);
	snprintf(fod->cfgpath, sizeof(fod->cfgpath), "%s", cfgpath);
	fod->debug = debug;
	fod->started = ev_now(loop);

	ev_async_init(&fod->note_w, fod_note_cb);
	fod->note_w.data = fod;
	ev_async_start(loop, &fod->note_w);
	if (fq_init(&fod->noteq, 4096, FOD_QUEUE_BYTES, loop, &fod->note_w) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}

	fod->env = lease_env_open(fod->cfg.server.state_dir, e2, sizeof(e2));
	if (fod->env == NULL) {
		snprintf(err, errlen, "lease store: %s", e2);
		*exit_code = EXIT_STORE;
		goto fail;
	}
	if (fod_open_sockets(fod, err, errlen) < 0) {
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	if (open_peers(fod, err, errlen, exit_code) < 0)
		goto fail;
	if (fod_build_routes(fod) < 0) {
		snprintf(err, errlen, "out of memory");
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	if (daemon_ctl_open(loop, &fod->cfg.server, fod_ctl_handler, fod,
	    &fod->ctl, &fod->ctl_ro, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "%s", e2);
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	if (fod_metrics_start(fod, err, errlen) < 0) {
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}

	start_watchers(fod);
	*exit_code = 0;
	return fod;
fail:
	fod_free(fod);
	return NULL;
}

int
fod_start_threads(struct fod *fod, char *err, size_t errlen)
{
	sigset_t all, old;
	char	 e2[256];
	int	 rc = 0;

	/*
	 * Signals belong to the main loop (docs/architecture.md,
	 * convention 10): threads start with every signal blocked and
	 * inherit nothing to handle.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t i = 0; i < fod->npeers && rc == 0; i++) {
		/* The loops were made before daemon() forked. */
		ev_loop_fork(fod->peers[i]->loop);
		rc = fod_peer_start(fod->peers[i], err, errlen);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0 && (fod->ckpt = lease_ckpt_start(fod->env,
	    FOD_CHECKPOINT_SECS, e2, sizeof(e2))) == NULL)
		log_warn("%s; checkpoints run on the main thread", e2);
	return rc;
}

int
fod_run(struct fod *fod)
{
	char	 a[16];
	uint32_t sa = fod->cfg.server.server_addr;

	fod_fmt_addr(sa, a, sizeof(a));
	log_info("dhcpfo-failover %s protecting %zu primar%s; failover "
	    "protocol on %s:%u, DHCP on port %u", fod->cfg.server.name,
	    fod->npeers, fod->npeers == 1 ? "y" : "ies", a,
	    fod->cfg.failover_port, fod->cfg.server.dhcp_port);
	ev_run(fod->loop, 0);
	return fod->exit_code;
}

void
fod_free(struct fod *fod)
{
	if (fod == NULL)
		return;
	if (fod->loop != NULL) {
		ev_timer_stop(fod->loop, &fod->checkpoint_w);
		daemon_signals_stop(fod->loop, &fod->sigs);
	}
	ctl_close(fod->ctl);
	ctl_close(fod->ctl_ro);
	fod_metrics_stop(fod);
	/* Threads first: they send on our sockets and use the env. */
	for (size_t i = 0; i < fod->npeers; i++)
		fod_peer_stop(fod->peers[i], NULL);
	for (size_t i = 0; i < fod->npeers; i++)
		fod_peer_free(fod->peers[i]);
	free(fod->peers);
	free(fod->keyerrs);
	fod_close_sockets(fod);
	lease_ckpt_stop(fod->ckpt);
	fod->ckpt = NULL;
	if (fod->env != NULL) {
		(void)lease_db_checkpoint(fod->env);
		lease_env_close(fod->env);
	}
	if (fod->loop != NULL)
		ev_async_stop(fod->loop, &fod->note_w);
	fq_destroy(&fod->noteq);
	fod_config_free(&fod->cfg);
	free(fod->routes);
	free(fod->rxbuf);
	free(fod->fod_rxbuf);
	free(fod);
}

/* ------------------------------------------------------------ reload */

static bool
same_subnets(const struct config *a, const struct config *b)
{
	uint8_t	 da[FO_SHA256_LEN], db[FO_SHA256_LEN];

	if (a->nsubnets != b->nsubnets || a->nhosts != b->nhosts)
		return false;
	for (size_t i = 0; i < a->nsubnets; i++) {
		if (strcmp(a->subnets[i].name, b->subnets[i].name) != 0 ||
		    fo_subnet_digest(a, &a->subnets[i], da) < 0 ||
		    fo_subnet_digest(b, &b->subnets[i], db) < 0 ||
		    memcmp(da, db, sizeof(da)) != 0)
			return false;
	}
	for (size_t i = 0; i < a->nhosts; i++)
		if (memcmp(&a->hosts[i], &b->hosts[i], sizeof(a->hosts[i])))
			return false;
	return true;
}

/* Why a running primary must be restarted to take its new section, or
 * NULL if policy changes are all (they need no restart; nor do its keys,
 * which its thread takes in place). */
static const char *
restart_reason(const struct cfg_fo_primary *o, const struct cfg_fo_primary *n)
{
	if (strcmp(o->name, n->name) != 0 || o->id != n->id)
		return "renamed";
	if (o->addr != n->addr || o->port != n->port)
		return "Address or Port changed";
	if (!same_subnets(&o->view, &n->view))
		return "subnets, hosts, options or classes changed";
	if (n->view.server.ping_before_assign !=
	    o->view.server.ping_before_assign)
		return "TakeoverPingCheck changed";
	return NULL;
}

/* Threads start with every signal blocked, as at start-up (convention 10
 * of docs/architecture.md). */
static int
start_peer(struct fod_peer *p, char *err, size_t errlen)
{
	sigset_t all, old;
	int	 rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = fod_peer_start(p, err, errlen);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/*
 * The running [server] values stay until a restart (they own the
 * sockets): a primary started by a reload gets them too, with its own
 * TakeoverPingCheck and the new file's lease log switches, which a
 * reload applies.
 */
static void
adopt_server(const struct fod *fod, struct cfg_fo_primary *n)
{
	struct cfg_server ns = n->view.server;

	n->view.server = fod->cfg.server;
	n->view.server.ping_before_assign = ns.ping_before_assign;
	n->view.server.lease_log = ns.lease_log;
	n->view.server.lease_log_rate = ns.lease_log_rate;
	n->policy.takeover_ping_check = ns.ping_before_assign;
}

/* What a reload does to each running primary (fate) and where each
 * primary of the new file comes from (origin). */
enum rl_fate { RL_KEEP = 0, RL_REMOVE, RL_RESTART };
enum rl_origin { RL_KEPT = 0, RL_NEW, RL_RESTARTED, RL_KEYERR };

/*
 * Reload (SIGHUP, `dhcpfoctl reload`; docs/design.md §4: new poll
 * parameters apply without dropping any state).  With a valid file:
 *
 *  - a primary whose section is unchanged but for its poll and sync
 *    policy keeps its thread and all its state; the thread applies the
 *    policy from the next timer on (fod_fsm_set_params);
 *  - a primary whose section is gone is stopped: its thread commits
 *    what it staged and ends, its store handle is closed (the store
 *    stays on disk);
 *  - a new [primary:NAME] gets a thread exactly as at start-up (its
 *    store opened or created, the start-up sync per its policy);
 *  - a primary whose name case, Address, Port, subnets, hosts or
 *    TakeoverPingCheck changed is restarted: stopped as if removed, then
 *    started as if new;
 *  - keys (SharedKeyFile, AcceptSharedKeyFile, or the files' contents)
 *    change in place: a running primary's thread gets its new set with
 *    the policy; a set that does not load is reported and the running
 *    one kept; a primary without a thread for want of keys (fod_keyerr)
 *    is started once they load, as if new.
 *
 * Only the main thread routes, and a reload runs on it: the routing
 * tables are swapped to leave out every primary about to stop before
 * any is stopped, and a new thread is started before the tables that
 * route to it are installed.  Everything that can fail for a reason of
 * the file (a key, a new store) is done before anything changes, so a
 * refused reload changes nothing.  [server] changes need a restart, but
 * for LeaseLog and LeaseLogRate, which every primary's thread takes with
 * its policy.
 */
/* One reload in progress: the new file and what becomes of each primary. */
struct reload {
	struct fod	*fod;
	struct strbuf	*why;
	struct fod_config cfg;		/* the new file */
	size_t		 nn, no;	/* primaries: new file, running */
	struct fod_peer **np;		/* per new primary: its peer */
	struct fod_peer **arr;		/* the peer table being built */
	uint8_t		*fate;		/* per running primary: rl_fate */
	uint8_t		*origin;	/* per new primary: rl_origin */
	struct fod_route *ra, *rb;	/* routes while stopping, final */
	size_t		 nsub;
	bool		 learnt;	/* a learnt configuration, not the
					 * file (fod_reload_learnt) ... */
	const char	*learnt_name;	/* ... of this primary */
	struct fo_keyset *keys;		/* per new primary: its key set */
	uint8_t		*newkeys;	/* per new primary: keys changed in
					 * place */
	struct fod_keyerr *keyerrs;	/* becomes fod->keyerrs */
	size_t		 nkeyerrs;
	size_t		 added, removed, restarted, kept;
	char		 err[512];
	int		 rc;
};

/* The new file, loaded and acceptable as a whole; [snmp] applied. */
static int
rl_load(struct reload *rl)
{
	struct fod	*fod = rl->fod;
	struct config_errors errs = { 0 };

	if (config_load_failover(fod->cfgpath, &rl->cfg, &errs) < 0) {
		config_errors_refuse_reload(&errs, rl->why);
		return -1;
	}
	config_errors_free(&errs);
	fod_learn_attach(&rl->cfg);
	/* [snmp] concerns only this thread: applied from any valid file,
	 * whatever becomes of the primaries' part. */
	fod->cfg.snmp = rl->cfg.snmp;
	(void)fod_snmp_apply(fod);
	rl->nn = rl->cfg.nprimaries;
	rl->no = fod->npeers;
	/* MaxPrimaries is a [server] key: the running value holds. */
	if (rl->nn > fod->cfg.max_primaries) {
		snprintf(rl->err, sizeof(rl->err), "%zu [primary:NAME] "
		    "sections, over the running MaxPrimaries %u", rl->nn,
		    fod->cfg.max_primaries);
		return -2;
	}
	for (size_t i = 0; i < rl->cfg.nwarnings; i++)
		log_warn("reload: %s", rl->cfg.warnings[i]);
	return 0;
}

/*
 * The key set of new primary j into rl->keys[j]; p is its running peer,
 * or NULL.  Returns false for a primary that gets no thread: its keys do
 * not load and it has none running.  A running one whose new keys do not
 * load keeps its set.
 */
static bool
rl_keys(struct reload *rl, size_t j, struct fod_peer *p)
{
	const struct cfg_fo_primary *n = &rl->cfg.primaries[j];
	char	 err[FO_KEY_ERR_MAX];

	if (peer_keys(n, &rl->keys[j], err, sizeof(err)) == 0) {
		rl->newkeys[j] = p != NULL &&
		    !fo_keyset_equal(&rl->keys[j], &p->main_keys);
		return true;
	}
	if (p == NULL) {
		rl->origin[j] = RL_KEYERR;
		keyerr_add(rl->keyerrs, &rl->nkeyerrs, n, err, "reload: ");
		sb_printf(rl->why, "%s; primary %s is not protected\n", err,
		    n->name);
		return false;
	}
	rl->keys[j] = p->main_keys;
	log_err("reload: %s; primary=%s keeps its running keys", err,
	    n->name);
	sb_printf(rl->why, "%s; primary %s keeps its running keys\n", err,
	    n->name);
	return true;
}

/* Kept, restarted or new: each primary of the new file; 0 or -1 (err). */
static int
rl_plan(struct reload *rl)
{
	struct fod	*fod = rl->fod;
	size_t		 i, j, nn = rl->nn, no = rl->no;

	if ((rl->np = calloc(nn ? nn : 1, sizeof(*rl->np))) == NULL ||
	    (rl->arr = calloc(nn ? nn : 1, sizeof(*rl->arr))) == NULL ||
	    (rl->origin = calloc(nn ? nn : 1, 1)) == NULL ||
	    (rl->keys = calloc(nn ? nn : 1, sizeof(*rl->keys))) == NULL ||
	    (rl->newkeys = calloc(nn ? nn : 1, 1)) == NULL ||
	    (rl->keyerrs = calloc(nn ? nn : 1, sizeof(*rl->keyerrs))) == NULL ||
	    (rl->fate = calloc(no ? no : 1, 1)) == NULL) {
		snprintf(rl->err, sizeof(rl->err), "out of memory");
		return -1;
	}
	/* Every old primary goes unless the new file names it. */
	for (i = 0; i < no; i++)
		rl->fate[i] = RL_REMOVE;
	for (j = 0; j < nn; j++) {
		struct cfg_fo_primary *n = &rl->cfg.primaries[j];
		const struct cfg_fo_primary *o;
		const char *r;

		rl->nsub += n->view.nsubnets;
		adopt_server(fod, n);
		for (i = 0; i < no; i++)
			if (strcasecmp(fod->peers[i]->name, n->name) == 0)
				break;
		if (!rl_keys(rl, j, i < no ? fod->peers[i] : NULL))
			continue;
		if (i == no) {
			rl->origin[j] = RL_NEW;	/* made by rl_prepare */
			continue;
		}
		o = fod_config_primary(&fod->cfg, fod->peers[i]->name);
		r = o == NULL ? "not found" : restart_reason(o, n);
		/* Its thread must serve (and know it serves) the new text. */
		if (r == NULL && rl->learnt &&
		    strcasecmp(n->name, rl->learnt_name) == 0)
			r = "new configuration learnt";
		if (r == NULL) {
			rl->fate[i] = RL_KEEP;
			rl->np[j] = fod->peers[i];
		} else {
			rl->fate[i] = RL_RESTART;
			rl->origin[j] = RL_RESTARTED;
			log_info("primary=%s: %s; restarting it", n->name, r);
			sb_printf(rl->why, "primary %s: %s; restarted\n",
			    n->name, r);
		}
	}
	return 0;
}

/* What can fail for a reason of the file, before anything changes: the
 * route tables, and the new primaries' stores opened (or created). */
static int
rl_prepare(struct reload *rl)
{
	size_t	 nsub = rl->nsub ? rl->nsub : 1;
	int	 exit_code;

	if ((rl->ra = calloc(nsub, sizeof(*rl->ra))) == NULL ||
	    (rl->rb = calloc(nsub, sizeof(*rl->rb))) == NULL) {
		snprintf(rl->err, sizeof(rl->err), "out of memory");
		return -1;
	}
	for (size_t j = 0; j < rl->nn; j++) {
		if (rl->origin[j] != RL_NEW)
			continue;
		rl->np[j] = fod_peer_new(rl->fod, &rl->cfg.primaries[j],
		    &rl->keys[j], rl->err, sizeof(rl->err), &exit_code);
		if (rl->np[j] == NULL)
			return -1;
	}
	return 0;
}

/* peers[0..n) become the peer table and route by *routes (taken). */
static void
rl_install(struct fod *fod, struct fod_peer **peers, size_t n,
    struct fod_route **routes)
{
	for (size_t i = 0; i < n; i++)
		peers[i]->idx = i;
	fod->npeers = n;
	fod->nroutes = fod_fill_routes(peers, n, *routes);
	free(fod->routes);
	fod->routes = *routes;
	*routes = NULL;
}

/* Stop routing to whatever stops, then stop it: each commits what it
 * staged and closes its store. */
static void
rl_stop_leaving(struct reload *rl)
{
	struct fod	*fod = rl->fod;
	struct fod_peer **oldpeers = fod->peers;
	size_t		 i, k;

	for (i = k = 0; i < rl->no; i++)
		if (rl->fate[i] == RL_KEEP)
			rl->arr[k++] = oldpeers[i];
	fod->peers = rl->arr;
	rl_install(fod, rl->arr, k, &rl->ra);
	for (i = 0; i < rl->no; i++) {
		struct fod_peer *p = oldpeers[i];

		if (rl->fate[i] == RL_KEEP)
			continue;
		fod_peer_stop(p, rl->fate[i] == RL_REMOVE ?
		    "removed by reload" : rl->learnt ? "restarted: new "
		    "configuration learnt" : "restarted by reload");
		if (rl->fate[i] == RL_REMOVE) {
			log_info("primary=%s: removed by reload", p->name);
			sb_printf(rl->why, "primary %s removed\n", p->name);
			rl->removed++;
		}
		fod_peer_free(p);
	}
	free(oldpeers);
}

/* Restarted primaries come back as new ones; every new thread starts
 * before the tables route to it.  One that fails is left out. */
static void
rl_start_arriving(struct reload *rl)
{
	int	 exit_code;

	for (size_t j = 0; j < rl->nn; j++) {
		struct fod_peer **pp = &rl->np[j];

		if (rl->origin[j] == RL_KEPT || rl->origin[j] == RL_KEYERR)
			continue;
		if (rl->origin[j] == RL_RESTARTED)	/* its store was closed */
			*pp = fod_peer_new(rl->fod, &rl->cfg.primaries[j],
			    &rl->keys[j], rl->err, sizeof(rl->err),
			    &exit_code);
		if (*pp != NULL && start_peer(*pp, rl->err,
		    sizeof(rl->err)) < 0) {
			fod_peer_free(*pp);
			*pp = NULL;
		}
		if (*pp == NULL) {
			log_err("reload: %s; primary %s is not protected "
			    "until the next reload or restart", rl->err,
			    rl->cfg.primaries[j].name);
			sb_printf(rl->why, "%s\n", rl->err);
			rl->rc = -1;
			continue;
		}
		(*pp)->main_keys = rl->keys[j];
		if (rl->origin[j] == RL_NEW)
			rl->added++;
		else
			rl->restarted++;
		log_info("primary=%s: started by reload", (*pp)->name);
	}
}

/* The final tables in the file's order; policy to the threads that
 * stayed (they apply it from their next timer). */
static void
rl_finish_tables(struct reload *rl)
{
	size_t	 j, k;

	for (j = k = 0; j < rl->nn; j++)
		if (rl->np[j] != NULL)
			rl->arr[k++] = rl->np[j];
	rl_install(rl->fod, rl->arr, k, &rl->rb);
	for (j = 0; j < rl->nn; j++) {
		struct fod_peer *p = rl->np[j];
		struct fq_item *it;

		if (rl->origin[j] != RL_KEPT)
			continue;
		rl->kept++;
		it = fq_item_new(FQ_CMD, rl->newkeys[j] ? sizeof(rl->keys[j]) :
		    0);
		if (it == NULL)
			goto lost;
		it->cmd = FQ_CMD_POLICY;
		it->policy = rl->cfg.primaries[j].policy;
		it->lease_log = rl->cfg.server.lease_log;
		it->lease_log_rate = rl->cfg.server.lease_log_rate;
		/* The key set goes to the thread that uses it, in the item:
		 * nothing of it is shared between threads. */
		if (rl->newkeys[j])
			memcpy(it->buf, &rl->keys[j], sizeof(rl->keys[j]));
		if (!fq_push(&p->inq, it))
			goto lost;
		fq_wake(&p->inq);
		if (rl->newkeys[j]) {
			p->main_keys = rl->keys[j];
			sb_printf(rl->why, "primary %s: keys changed in place\n",
			    p->name);
		}
		continue;
lost:
		if (rl->newkeys[j]) {
			log_err("reload: primary=%s: its queue is full: the new "
			    "keys were not handed over; reload again", p->name);
			sb_printf(rl->why, "primary %s: queue full, keys not "
			    "changed; reload again\n", p->name);
		}
	}
}

/* The main thread's copy of the primaries (status shows their policy):
 * the new file's; [server] stays until a restart. */
static void
rl_adopt(struct reload *rl)
{
	struct fod	*fod = rl->fod;
	struct fod_config *n = &rl->cfg;
	struct cfg_fo_primary *t = fod->cfg.primaries;
	size_t		 tn = fod->cfg.nprimaries;

	/* The lease log's switches are applied (rl_finish_tables), and
	 * the syslog facility. */
	fod->cfg.server.lease_log = n->server.lease_log;
	fod->cfg.server.lease_log_rate = n->server.lease_log_rate;
	memcpy(fod->cfg.server.log_facility, n->server.log_facility,
	    sizeof(n->server.log_facility));
	log_set_facility(fod->cfg.server.log_facility);
	if (memcmp(&fod->cfg.server, &n->server, sizeof(n->server)) != 0 ||
	    fod->cfg.failover_port != n->failover_port ||
	    fod->cfg.max_primaries != n->max_primaries) {
		log_warn("reload: [server] changed; restart to apply it");
		sb_puts(rl->why, "[server] changed; restart to apply it\n");
	}
	free(fod->keyerrs);
	fod->keyerrs = rl->keyerrs;
	fod->nkeyerrs = rl->nkeyerrs;
	rl->keyerrs = NULL;
	fod_learn_carry(&fod->cfg, n);
	fod->cfg.primaries = n->primaries;
	fod->cfg.nprimaries = n->nprimaries;
	n->primaries = t;
	n->nprimaries = tn;
	fod->cfg.defaults = n->defaults;
}

static void
rl_free(struct reload *rl)
{
	free(rl->np);
	free(rl->origin);
	free(rl->fate);
	free(rl->ra);
	free(rl->rb);
	for (size_t j = 0; rl->keys != NULL && j < rl->nn; j++)
		fo_keyset_clear(&rl->keys[j]);
	free(rl->keys);
	free(rl->newkeys);
	free(rl->keyerrs);
	fod_config_free(&rl->cfg);
}

/* A refused reload: nothing changed.  Only the new primaries' peers are
 * ours, and none has started. */
static int
rl_refuse(struct reload *rl)
{
	log_err("reload: %s; keeping the running configuration", rl->err);
	sb_printf(rl->why, "%s; running configuration kept\n", rl->err);
	for (size_t j = 0; rl->np != NULL && rl->origin != NULL && j < rl->nn;
	    j++)
		if (rl->origin[j] == RL_NEW)
			fod_peer_free(rl->np[j]);
	free(rl->arr);
	rl_free(rl);
	rl->fod->ctr.reload_failures++;
	return -1;
}

/* Everything after loading: plan, prepare, then change. */
static int
rl_run(struct reload *rl)
{
	struct fod	*fod = rl->fod;
	size_t		 nkeyerrs;

	if (rl_plan(rl) < 0 || rl_prepare(rl) < 0)
		return rl_refuse(rl);
	/* ---- from here on the reload happens. */
	rl_stop_leaving(rl);
	rl_start_arriving(rl);
	rl_finish_tables(rl);
	nkeyerrs = rl->nkeyerrs;
	rl_adopt(rl);
	rl_free(rl);
	if (rl->learnt)
		return rl->rc;
	if (rl->rc == 0)
		fod->ctr.reloads++;
	else
		fod->ctr.reload_failures++;
	log_info("reload: %zu primar%s kept (policy applied), %zu added, "
	    "%zu removed, %zu restarted, %zu without keys", rl->kept,
	    rl->kept == 1 ? "y" : "ies", rl->added, rl->removed,
	    rl->restarted, nkeyerrs);
	return rl->rc;
}

int
fod_reload(struct fod *fod, struct strbuf *why)
{
	struct reload	 rl;
	int		 rc;

	memset(&rl, 0, sizeof(rl));
	rl.fod = fod;
	rl.why = why;
	if ((rc = rl_load(&rl)) == -1) {	/* reported, nothing loaded */
		fod->ctr.reload_failures++;
		return -1;
	}
	if (rc < 0)
		return rl_refuse(&rl);
	return rl_run(&rl);
}

/*
 * A primary's newly learnt configuration (fod_learn.c): the running
 * configuration with that primary's view replaced by *view (taken),
 * applied as a reload would -- its thread restarts with its state kept
 * in its store (a takeover resumes), the others are left alone, and
 * failover.ini is not read again (edits not yet reloaded stay so).
 */
int
fod_reload_learnt(struct fod *fod, const char *name, struct config *view)
{
	struct reload	 rl;
	struct cfg_fo_primary *n;
	struct strbuf	 why;
	int		 rc;

	memset(&rl, 0, sizeof(rl));
	rl.fod = fod;
	rl.learnt = true;
	rl.learnt_name = name;
	sb_init(&why);
	rl.why = &why;
	if (fod_config_dup(&fod->cfg, &rl.cfg) < 0 ||
	    (n = (struct cfg_fo_primary *)fod_config_primary(&rl.cfg,
	    name)) == NULL) {
		config_free(view);
		fod_config_free(&rl.cfg);
		sb_free(&why);
		log_err("primary=%s: out of memory applying its configuration",
		    name);
		return -1;
	}
	config_free(&n->view);
	n->view = *view;
	memset(view, 0, sizeof(*view));
	rl.nn = rl.cfg.nprimaries;
	rl.no = fod->npeers;
	rc = rl_run(&rl);
	sb_free(&why);
	return rc;
}
