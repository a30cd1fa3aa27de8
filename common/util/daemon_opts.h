/*
 * The command line both daemons share:
 *
 *   PROG -c FILE [-f] [-t] [-d] [-V]
 */
#ifndef DHCPFO_DAEMON_OPTS_H
#define DHCPFO_DAEMON_OPTS_H

#include <stdbool.h>

struct daemon_opts {
	const char	*cfgpath;	/* -c FILE */
	bool		 foreground;	/* -f: no detach, log to stderr */
	bool		 test_only;	/* -t: check the configuration */
	bool		 debug;		/* -d */
};

/*
 * Fills `o` from argv.  -V prints "PROG VERSION" and exits EXIT_OK; a bad
 * or missing option prints the usage and exits EXIT_USAGE.
 */
void	daemon_opts_parse(const char *prog, int argc, char **argv,
	    struct daemon_opts *o);

#endif
