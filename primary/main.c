/*
 * dhcpfo-primary: a DHCPv4 server for its subnets, optionally backed by a
 * dhcpfo failover server.
 *
 *   dhcpfo-primary -c FILE [-f] [-t] [-d]
 */
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "daemon_start.h"
#include "exitcodes.h"
#include "log.h"
#include "pidfile.h"
#include "pr_hostcheck.h"
#include "server.h"

int
main(int argc, char **argv)
{
	struct daemon_opts o;
	struct config_errors errs = { 0 }, warns;
	struct config cfg;
	struct server *srv;
	struct ev_loop *loop;
	char	 err[512];
	int	 pidfd, code;

	daemon_opts_parse("dhcpfo-primary", argc, argv, &o);

	memset(&cfg, 0, sizeof(cfg));
	if (config_errors_report(o.cfgpath, config_load_primary(o.cfgpath, &cfg, &errs),
	    &errs) != 0)
		return EXIT_CONFIG;
	/*
	 * What the file asks of this host, at start as with -t and before
	 * the pid file, the lease store or a socket is opened: every
	 * problem at once, in the same words, exit 78.  Found by start-up
	 * itself they came one at a time, a missing interface only after
	 * the store was recovered (and with exit 71).  A host not ready
	 * yet (an address added late at boot) is refused the same way;
	 * the units start after network-online.target and run -t first.
	 * At start the checks come after the switch to [server] User, so
	 * they ask what that user may do (-t asks for whoever runs it).
	 */
	if (!o.test_only) {
		log_init("dhcpfo-primary", o.foreground, o.debug);
		daemon_privileges(&cfg.server);
	}
	/* Key problems are warnings: the daemon starts (docs/security.md). */
	code = pr_hostcheck(&cfg, &errs, &warns);
	config_warnings_report(&warns);
	if (config_errors_report(o.cfgpath, code, &errs) != 0) {
		config_free(&cfg);
		return EXIT_CONFIG;
	}
	if (o.test_only) {
		printf("%s: configuration OK (%zu subnet%s, %zu host%s)\n",
		    o.cfgpath, cfg.nsubnets, cfg.nsubnets == 1 ? "" : "s",
		    cfg.nhosts, cfg.nhosts == 1 ? "" : "s");
		config_free(&cfg);
		return EXIT_OK;
	}

	if ((pidfd = pidfile_lock(cfg.server.pid_file, err, sizeof(err))) < 0)
		fatal(EXIT_SYSTEM, "%s", err);

	loop = ev_default_loop(EVFLAG_AUTO);
	/*
	 * Everything that can fail (lease store, sockets) is opened before we
	 * detach, so a start-up error reaches the operator's terminal and the
	 * exit code.
	 */
	srv = server_new(loop, &cfg, o.cfgpath, o.debug, err, sizeof(err), &code);
	if (srv == NULL) {
		pidfile_remove(cfg.server.pid_file, pidfd);
		fatal(code, "%s", err);
	}
	if (!o.foreground && daemon(0, 0) < 0)
		fatal(EXIT_SYSTEM, "daemon: %s", strerror(errno));
	if (pidfile_write(pidfd, err, sizeof(err)) < 0)
		log_warn("%s", err);

	code = server_run(srv);
	server_free(srv);
	pidfile_remove(cfg.server.pid_file, pidfd);
	config_free(&cfg);
	return code;
}
