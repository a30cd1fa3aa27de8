/*
 * dhcpfo-failover: stands in for up to MaxPrimaries dhcpfo primaries
 * (VitalQIP-style many-to-one failover, docs/design.md §1), one thread each.
 *
 *   dhcpfo-failover -c FILE [-f] [-t] [-d]
 */
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fod_config.h"
#include "daemon.h"
#include "daemon_start.h"
#include "exitcodes.h"
#include "fod.h"
#include "fod_snmp.h"
#include "log.h"
#include "pidfile.h"

int
main(int argc, char **argv)
{
	struct daemon_opts o;
	struct config_errors errs = { 0 }, warns;
	struct fod_config cfg;
	struct fod *fod;
	struct ev_loop *loop;
	char	 err[512], pidpath[CFG_PATH_MAX];
	size_t	 nsub = 0, nlearn = 0;
	int	 pidfd, code;

	daemon_opts_parse("dhcpfo-failover", argc, argv, &o);

	memset(&cfg, 0, sizeof(cfg));
	if (config_errors_report(o.cfgpath, config_load_failover(o.cfgpath, &cfg, &errs),
	    &errs) != 0)
		return EXIT_CONFIG;
	for (size_t i = 0; i < cfg.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", cfg.warnings[i]);
	/* At start as with -t, before anything is opened, as the user
	 * the daemon runs as: see primary/main.c. */
	if (!o.test_only) {
		log_init("dhcpfo-failover", o.foreground, o.debug);
		daemon_privileges(&cfg.server);
	}
	/* Key problems are warnings: the daemon starts (docs/security.md). */
	code = fod_hostcheck(&cfg, &errs, &warns);
	config_warnings_report(&warns);
	if (config_errors_report(o.cfgpath, code, &errs) != 0) {
		fod_config_free(&cfg);
		return EXIT_CONFIG;
	}
	if (o.test_only) {
		for (size_t i = 0; i < cfg.nprimaries; i++) {
			nsub += cfg.primaries[i].view.nsubnets;
			nlearn += cfg.primaries[i].learns;
		}
		printf("%s: configuration OK (%zu primar%s, %zu subnet%s; "
		    "%zu primar%s learning %s configuration)\n", o.cfgpath,
		    cfg.nprimaries, cfg.nprimaries == 1 ? "y" : "ies",
		    nsub, nsub == 1 ? "" : "s", nlearn, nlearn == 1 ? "y" :
		    "ies", nlearn == 1 ? "its" : "their");
		fod_config_free(&cfg);
		return EXIT_OK;
	}

	for (size_t i = 0; i < cfg.nwarnings; i++)
		log_warn("%s", cfg.warnings[i]);
	snprintf(pidpath, sizeof(pidpath), "%s", cfg.server.pid_file);
	if ((pidfd = pidfile_lock(pidpath, err, sizeof(err))) < 0)
		fatal(EXIT_SYSTEM, "%s", err);

	loop = ev_default_loop(EVFLAG_AUTO);
	/* Everything that can fail is opened before we detach. */
	fod = fod_new(loop, &cfg, o.cfgpath, o.debug, err, sizeof(err), &code);
	if (fod == NULL) {
		pidfile_remove(pidpath, pidfd);
		fod_config_free(&cfg);
		fatal(code, "%s", err);
	}
	if (!o.foreground && daemon(0, 0) < 0)
		fatal(EXIT_SYSTEM, "daemon: %s", strerror(errno));
	if (!o.foreground)
		ev_loop_fork(loop);
	if (pidfile_write(pidfd, err, sizeof(err)) < 0)
		log_warn("%s", err);
	if (fod_start_threads(fod, err, sizeof(err)) < 0) {
		log_err("%s", err);
		fod_free(fod);
		pidfile_remove(pidpath, pidfd);
		return EXIT_SYSTEM;
	}

	/* [snmp]: an AgentX sub-agent on this (main) thread; its failure
	 * costs SNMP only. */
	(void)fod_snmp_apply(fod);
	code = fod_run(fod);
	fod_snmp_stop();
	fod_free(fod);
	pidfile_remove(pidpath, pidfd);
	return code;
}
