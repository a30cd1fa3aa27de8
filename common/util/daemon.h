/*
 * What both daemons do the same way: the command line
 *
 *   PROG -c FILE [-f] [-t] [-d]      PROG -V|--version|-h|--help
 *
 * and signals as loop events (docs/architecture.md, convention 10):
 * SIGTERM and SIGINT stop, SIGHUP reloads, SIGPIPE is ignored.
 */
#ifndef DHCPFO_DAEMON_H
#define DHCPFO_DAEMON_H

#include <ev.h>
#include <stdbool.h>

struct daemon_opts {
	const char	*cfgpath;	/* -c FILE */
	bool		 foreground;	/* -f: no detach, log to stderr */
	bool		 test_only;	/* -t: check the configuration */
	bool		 debug;		/* -d */
};

/*
 * Fills `o` from argv.  -V/--version prints "PROG VERSION" and -h/--help
 * the usage, on stdout, and exit EXIT_OK; a bad or missing option prints
 * the usage on stderr and exits EXIT_USAGE.
 */
void	daemon_opts_parse(const char *prog, int argc, char **argv,
	    struct daemon_opts *o);

struct daemon_signals {
	ev_signal	 term, intr, hup;
};

/* Both callbacks get `data` as w->data. */
void	daemon_signals_start(struct ev_loop *, struct daemon_signals *,
	    void (*stop)(struct ev_loop *, ev_signal *, int),
	    void (*reload)(struct ev_loop *, ev_signal *, int), void *data);
void	daemon_signals_stop(struct ev_loop *, struct daemon_signals *);

#endif
