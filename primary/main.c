/*
 * dhcpfo-primary: a DHCPv4 server for its subnets, optionally backed by a
 * dhcpfo failover server.
 *
 *   dhcpfo-primary -c FILE [-f] [-t] [-d]
 */
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcodes.h"
#include "log.h"
#include "pidfile.h"
#include "server.h"
#include "version.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dhcpfo-primary -c FILE [-f] [-t] [-d]\n"
	    "  -c FILE  configuration file (INI)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -t       check the configuration and exit\n"
	    "  -d       debug logging\n"
	    "  -V       print the version and exit\n");
	exit(EXIT_USAGE);
}

/* Prints every configuration error; returns 0 if the file is valid. */
static int
load_config(const char *path, struct config *cfg)
{
	struct config_errors errs = { 0 };

	if (config_load_primary(path, cfg, &errs) == 0)
		return 0;
	for (size_t i = 0; i < errs.count; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	fprintf(stderr, "%s: %zu error%s, not started\n", path, errs.count,
	    errs.count == 1 ? "" : "s");
	config_errors_free(&errs);
	return -1;
}

int
main(int argc, char **argv)
{
	const char *cfgpath = NULL;
	bool	 foreground = false, test_only = false, debug = false;
	struct config cfg;
	struct server *srv;
	struct ev_loop *loop;
	char	 err[512];
	int	 ch, pidfd, code;

	while ((ch = getopt(argc, argv, "c:ftdVh")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 't':
			test_only = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'V':
			printf("dhcpfo-primary %s\n", DHCPFO_VERSION);
			return EXIT_OK;
		default:
			usage();
		}
	}
	if (cfgpath == NULL || optind != argc)
		usage();

	memset(&cfg, 0, sizeof(cfg));
	if (load_config(cfgpath, &cfg) < 0)
		return EXIT_CONFIG;
	if (test_only) {
		printf("%s: configuration OK (%zu subnet%s, %zu host%s)\n",
		    cfgpath, cfg.nsubnets, cfg.nsubnets == 1 ? "" : "s",
		    cfg.nhosts, cfg.nhosts == 1 ? "" : "s");
		config_free(&cfg);
		return EXIT_OK;
	}

	log_init("dhcpfo-primary", foreground, debug);
	if ((pidfd = pidfile_lock(cfg.server.pid_file, err, sizeof(err))) < 0)
		fatal(EXIT_SYSTEM, "%s", err);

	loop = ev_default_loop(EVFLAG_AUTO);
	/*
	 * Everything that can fail (lease store, sockets) is opened before we
	 * detach, so a start-up error reaches the operator's terminal and the
	 * exit code.
	 */
	srv = server_new(loop, &cfg, cfgpath, debug, err, sizeof(err), &code);
	if (srv == NULL) {
		pidfile_remove(cfg.server.pid_file, pidfd);
		fatal(code, "%s", err);
	}
	if (!foreground && daemon(0, 0) < 0)
		fatal(EXIT_SYSTEM, "daemon: %s", strerror(errno));
	if (pidfile_write(pidfd, err, sizeof(err)) < 0)
		log_warn("%s", err);

	code = server_run(srv);
	server_free(srv);
	pidfile_remove(cfg.server.pid_file, pidfd);
	config_free(&cfg);
	return code;
}
