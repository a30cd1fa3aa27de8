/*
 * The command line both daemons share:
 *
 *   PROG -c FILE [-f] [-t] [-d] [-V]
 *
 * and how both report a configuration that does not load.
 */
#ifndef DHCPFO_DAEMON_OPTS_H
#define DHCPFO_DAEMON_OPTS_H

#include <stdbool.h>
#include <stddef.h>

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

/*
 * Prints each message of a failed load on stderr, then
 * "PATH: N errors, not started".  Returns -1 for the caller to return.
 */
int	daemon_config_failed(const char *path, char *const *msgs,
	    size_t count);

#endif
