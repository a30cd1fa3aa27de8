/*
 * The primary's DHCP service: sockets, engine, lease store, group commit,
 * control socket, signals — everything that runs on the main loop.
 */
#ifndef DHCPFO_PRIMARY_SERVER_H
#define DHCPFO_PRIMARY_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct ev_loop;
struct config;
struct server;

/*
 * Takes ownership of *cfg (it is zeroed).  Opens the lease store, loads
 * every lease, opens the sockets and the control socket.  On failure
 * returns NULL with err filled and *exit_code set (exitcodes.h).
 */
struct server	*server_new(struct ev_loop *, struct config *cfg,
		    const char *cfgpath, bool debug, char *err, size_t errlen,
		    int *exit_code);
/* Runs until SIGTERM/SIGINT or a fatal error; returns the exit code. */
int		 server_run(struct server *);
void		 server_free(struct server *);

#endif
