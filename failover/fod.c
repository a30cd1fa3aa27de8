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
#include <unistd.h>

#include "exitcodes.h"
#include "fo_digest.h"
#include "fod.h"

static void
checkpoint_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod *fod = w->data;
	int	 rc;
	uint64_t n;

	(void)loop;
	(void)revents;
	/* One checkpoint for the environment every store lives in. */
	if ((rc = lease_db_checkpoint(fod->env)) != 0 &&
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

struct fod *
fod_new(struct ev_loop *loop, struct fo_config *cfg, const char *cfgpath,
    bool debug, char *err, size_t errlen, int *exit_code)
{
	struct fod *fod;
	char	 e2[512];

	*exit_code = EXIT_SYSTEM;
	if ((fod = calloc(1, sizeof(*fod))) == NULL ||
	    (fod->rxbuf = calloc(NETIO_BATCH, sizeof(*fod->rxbuf))) == NULL ||
	    (fod->fo_rxbuf = malloc(FO_DGRAM_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		if (fod != NULL)
			free(fod->rxbuf);
		free(fod);
		return NULL;
	}
	fod->loop = loop;
	fod->fo_fd = -1;
	fod->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	snprintf(fod->cfgpath, sizeof(fod->cfgpath), "%s", cfgpath);
	fod->debug = debug;
	fod->started = ev_now(loop);

	ev_async_init(&fod->note_w, fod_note_cb);
	fod->note_w.data = fod;
	ev_async_start(loop, &fod->note_w);
	if (fq_init(&fod->noteq, 4096, loop, &fod->note_w) < 0) {
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
	if ((fod->peers = calloc(fod->cfg.nprimaries,
	    sizeof(*fod->peers))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < fod->cfg.nprimaries; i++) {
		fod->peers[i] = fo_peer_new(fod, i, &fod->cfg.primaries[i],
		    err, errlen, exit_code);
		if (fod->peers[i] == NULL)
			goto fail;
		fod->npeers++;
	}
	if (fod_build_routes(fod) < 0) {
		snprintf(err, errlen, "out of memory");
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}
	fod->ctl = ctl_open(loop, fod->cfg.server.control_socket,
	    fod_ctl_handler, fod, e2, sizeof(e2));
	if (fod->ctl == NULL) {
		snprintf(err, errlen, "%s", e2);
		*exit_code = EXIT_SYSTEM;
		goto fail;
	}

	ev_timer_init(&fod->checkpoint_w, checkpoint_cb, FOD_CHECKPOINT_SECS,
	    FOD_CHECKPOINT_SECS);
	fod->checkpoint_w.data = fod;
	ev_timer_start(loop, &fod->checkpoint_w);
	ev_signal_init(&fod->sigterm_w, stop_cb, SIGTERM);
	ev_signal_init(&fod->sigint_w, stop_cb, SIGINT);
	ev_signal_init(&fod->sighup_w, hup_cb, SIGHUP);
	fod->sigterm_w.data = fod->sigint_w.data = fod->sighup_w.data = fod;
	ev_signal_start(loop, &fod->sigterm_w);
	ev_signal_start(loop, &fod->sigint_w);
	ev_signal_start(loop, &fod->sighup_w);
	signal(SIGPIPE, SIG_IGN);
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
	int	 rc = 0;

	/*
	 * Signals belong to the main loop (STYLE 10): threads start with
	 * every signal blocked and inherit nothing to handle.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t i = 0; i < fod->npeers && rc == 0; i++) {
		/* The loops were made before daemon() forked. */
		ev_loop_fork(fod->peers[i]->loop);
		rc = fo_peer_start(fod->peers[i], err, errlen);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
fod_run(struct fod *fod)
{
	char	 a[16];
	uint32_t sa = fod->cfg.server.server_addr;

	fo_fmt_addr(sa, a, sizeof(a));
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
		ev_signal_stop(fod->loop, &fod->sigterm_w);
		ev_signal_stop(fod->loop, &fod->sigint_w);
		ev_signal_stop(fod->loop, &fod->sighup_w);
	}
	ctl_close(fod->ctl);
	/* Threads first: they send on our sockets and use the env. */
	for (size_t i = 0; i < fod->npeers; i++)
		fo_peer_stop(fod->peers[i]);
	for (size_t i = 0; i < fod->npeers; i++)
		fo_peer_free(fod->peers[i]);
	free(fod->peers);
	fod_close_sockets(fod);
	if (fod->env != NULL) {
		(void)lease_db_checkpoint(fod->env);
		lease_env_close(fod->env);
	}
	if (fod->loop != NULL)
		ev_async_stop(fod->loop, &fod->note_w);
	fq_destroy(&fod->noteq);
	fo_config_free(&fod->cfg);
	free(fod->routes);
	free(fod->rxbuf);
	free(fod->fo_rxbuf);
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
		    fo_subnet_digest(&a->subnets[i], da) < 0 ||
		    fo_subnet_digest(&b->subnets[i], db) < 0 ||
		    memcmp(da, db, sizeof(da)) != 0)
			return false;
	}
	for (size_t i = 0; i < a->nhosts; i++)
		if (memcmp(&a->hosts[i], &b->hosts[i], sizeof(a->hosts[i])))
			return false;
	return true;
}

/*
 * Reload (SIGHUP, `dhcpfoctl reload`; DESIGN 4: "SIGHUP reloads poll
 * parameters without dropping state"): each primary's poll and sync
 * policy is handed to its thread, which applies it from the next timer
 * on.  Adding, removing or re-addressing primaries would mean starting
 * and stopping threads, stores and state machines: refused, the running
 * configuration stays.  Other changes (subnets, [server]) need a
 * restart and are reported.
 */
int
fod_reload(struct fod *fod, struct strbuf *why)
{
	struct fo_config ncfg;
	struct config_errors errs = { 0 };
	size_t	 i;

	memset(&ncfg, 0, sizeof(ncfg));
	if (config_load_failover(fod->cfgpath, &ncfg, &errs) < 0) {
		for (i = 0; i < errs.count; i++) {
			log_err("reload: %s", errs.msgs[i]);
			sb_printf(why, "%s\n", errs.msgs[i]);
		}
		log_err("reload: %zu error%s; keeping the running "
		    "configuration", errs.count, errs.count == 1 ? "" : "s");
		config_errors_free(&errs);
		fod->ctr.reload_failures++;
		return -1;
	}
	config_errors_free(&errs);
	for (i = 0; i < ncfg.nwarnings; i++)
		log_warn("reload: %s", ncfg.warnings[i]);

	/* The set of primaries must stay the same. */
	if (ncfg.nprimaries != fod->npeers) {
		log_err("reload: the number of primaries changed (%zu -> %zu); "
		    "adding or removing primaries needs a restart; keeping "
		    "the running configuration", fod->npeers,
		    ncfg.nprimaries);
		sb_printf(why, "the number of primaries changed (%zu -> %zu): "
		    "adding or removing primaries needs a restart\n",
		    fod->npeers, ncfg.nprimaries);
		fo_config_free(&ncfg);
		fod->ctr.reload_failures++;
		return -1;
	}
	for (i = 0; i < ncfg.nprimaries; i++) {
		const struct cfg_fo_primary *o = &fod->cfg.primaries[i],
		    *n = &ncfg.primaries[i];

		if (strcmp(o->name, n->name) != 0 || o->addr != n->addr ||
		    o->port != n->port ||
		    strcmp(o->key_file, n->key_file) != 0) {
			log_err("reload: [primary:%s] was replaced or "
			    "re-addressed; that needs a restart; keeping the "
			    "running configuration", o->name);
			sb_printf(why, "[primary:%s] replaced or re-addressed: "
			    "needs a restart\n", o->name);
			fo_config_free(&ncfg);
			fod->ctr.reload_failures++;
			return -1;
		}
	}
	for (i = 0; i < ncfg.nprimaries; i++) {
		struct cfg_fo_primary *o = &fod->cfg.primaries[i];
		const struct cfg_fo_primary *n = &ncfg.primaries[i];
		struct fq_item *it;

		if (!same_subnets(&o->view, &n->view)) {
			log_warn("reload: subnets or hosts of primary %s "
			    "changed; restart to apply them", o->name);
			sb_printf(why, "subnets or hosts of primary %s changed; "
			    "restart to apply them\n", o->name);
		}
		if (n->policy.takeover_ping_check !=
		    o->policy.takeover_ping_check) {
			log_warn("reload: TakeoverPingCheck of primary %s "
			    "changed; restart to apply it", o->name);
			sb_printf(why, "TakeoverPingCheck of %s changed; "
			    "restart to apply it\n", o->name);
		}
		o->policy = n->policy;
		o->policy.takeover_ping_check = fod->cfg.primaries[i].
		    view.server.ping_before_assign;
		if ((it = fq_item_new(FQ_CMD, 0)) == NULL)
			continue;
		it->cmd = FQ_CMD_POLICY;
		it->policy = o->policy;
		if (fq_push(&fod->peers[i]->inq, it))
			fq_wake(&fod->peers[i]->inq);
	}
	if (memcmp(&fod->cfg.server, &ncfg.server, sizeof(ncfg.server)) != 0 ||
	    fod->cfg.failover_port != ncfg.failover_port) {
		log_warn("reload: [server] changed; restart to apply it");
		sb_puts(why, "[server] changed; restart to apply it\n");
	}
	fod->cfg.defaults = ncfg.defaults;
	fo_config_free(&ncfg);
	fod->ctr.reloads++;
	log_info("reload: poll and sync policy applied to %zu primar%s",
	    fod->npeers, fod->npeers == 1 ? "y" : "ies");
	return 0;
}
