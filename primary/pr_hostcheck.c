/*
 * The host checks of primary.ini (pr_hostcheck.h).
 */
#include "hostcheck.h"
#include "pr_hostcheck.h"

int
pr_hostcheck(const struct config *cfg, struct config_errors *errs)
{
	struct hostcheck *h;

	if ((h = hostcheck_begin(cfg->path, errs)) == NULL)
		return -1;
	hostcheck_server(h, &cfg->server);
	/* Without a failover the key is never read (link.c). */
	if (cfg->failover.use_failover)
		hostcheck_key_file(h, "failover", "SharedKeyFile",
		    cfg->failover.key_file);
	hostcheck_subnets(h, cfg);
	return hostcheck_end(h);
}
