/*
 * What both daemons do at start with their [server] section, once it is
 * loaded: least privilege (common/util/priv.h) and the control sockets
 * (common/util/control.h).  Beside hostcheck.h, and for the same reason
 * above common/util: it reads the configuration, which util may not.
 */
#ifndef DHCPFO_DAEMON_START_H
#define DHCPFO_DAEMON_START_H

#include <ev.h>

#include "config.h"
#include "control.h"

/*
 * Least privilege at start (priv.h), after the configuration is read and
 * before anything is opened or a second thread runs: looks up [server]
 * User and Group (a missing one exits EXIT_CONFIG; the socket groups are
 * hostcheck's),
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
