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

#include "control.h"

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

struct cfg_server;

/*
 * Least privilege at start (priv.h), after the configuration is read and
 * before anything is opened or a second thread runs: looks up [server]
 * User, Group and ControlSocketGroup (a missing one exits EXIT_CONFIG),
 * creates the missing directories of the pid file and control socket
 * and StateDir for User, and drops (a failure exits EXIT_SYSTEM).
 */
void	daemon_privileges(const struct cfg_server *);

/*
 * The control sockets of [server]: ControlSocket, given to
 * ControlSocketGroup, and if set ControlSocketReadOnly, given to
 * ReadOnlyGroup, both served by handler.  0, or -1 with err filled and
 * nothing left open.
 */
int	daemon_ctl_open(struct ev_loop *, const struct cfg_server *,
	    ctl_handler *handler, void *arg, struct ctl_server **admin,
	    struct ctl_server **ro, char *err, size_t errlen);

#endif
