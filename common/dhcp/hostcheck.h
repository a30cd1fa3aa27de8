/*
 * What a loaded configuration asks of the host it runs on, checked
 * before anything is opened: by `-t`, and by both daemons at start
 * (docs/config-primary.md, docs/config-failover.md).  The loaders
 * check a file against itself; these checks are the facts of this
 * host a start would otherwise find one at a time, some only after
 * the lease store was opened and recovered:
 *
 *   - an address the daemon binds to (ServerAddress, MetricsListen) is
 *     one of this host's (or the host allows non-local binds);
 *   - each of Interfaces exists and has an IPv4 address (ifaddr.h);
 *   - StateDir can be used or created (lease_env_check());
 *   - the directories of ControlSocket and PidFile exist and can be
 *     written in;
 *   - a key file loads as at start (fo_key_load(): existence, type,
 *     mode, contents) -- a warning, not an error: a key problem does
 *     not stop a start (the primary serves without its failover, the
 *     failover protects the other primaries; docs/security.md), so -t,
 *     which says whether the daemon would start, passes with it;
 *   - each subnet fits one pool (pool_subnet_fits()).
 *
 * Each check uses the rule start-up itself applies, so the two cannot
 * disagree.  Nothing is created, bound or locked: the daemon may be
 * running.  Every problem becomes one message in the loaders' format
 * (config.h), with the line of the key and the value in the message:
 *
 *   primary.ini:23: [server] ServerAddress: 192.0.2.77 is not an address
 *     of this host
 *
 * A daemon lists what its file asks for:
 *
 *	if ((h = hostcheck_begin(cfg->path, errs, warns)) == NULL)
 *		return -1;
 *	hostcheck_server(h, &cfg->server);
 *	hostcheck_key_file(h, "failover", "SharedKeyFile", path, what);
 *	hostcheck_subnets(h, cfg);
 *	return hostcheck_end(h);
 */
#ifndef DHCPFO_HOSTCHECK_H
#define DHCPFO_HOSTCHECK_H

#include "config.h"

struct hostcheck;

/*
 * Start checking the configuration loaded from path (read again for
 * the lines of its keys); errs and warns are initialised.  NULL when
 * even that fails, with the reason in errs.
 */
struct hostcheck *hostcheck_begin(const char *path,
		    struct config_errors *errs, struct config_errors *warns);
/* [server]: every key of it that names something of the host. */
void		 hostcheck_server(struct hostcheck *,
		    const struct cfg_server *s);
/* A shared key file, given as key of section ("primary:NAME"): one that
 * does not load is a warning ending with what follows (consequence). */
void		 hostcheck_key_file(struct hostcheck *, const char *section,
		    const char *key, const char *path,
		    const char *consequence);
/* Each [subnet:NAME] of cfg fits one pool. */
void		 hostcheck_subnets(struct hostcheck *,
		    const struct config *cfg);
/*
 * Ends the check and frees it: 0 if nothing was found, else -1 with
 * every message in errs, in file order.
 */
int		 hostcheck_end(struct hostcheck *);

#endif
