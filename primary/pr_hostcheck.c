/*
 * The host checks of primary.ini (pr_hostcheck.h).
 */
#include "hostcheck.h"
#include "pr_hostcheck.h"

int
pr_hostcheck(const struct config *cfg, struct config_errors *errs,
    struct config_errors *warns)
{
	static const char what[] = "the primary will serve DHCP without "
	    "failover until this is fixed";
	const struct cfg_primary_failover *fc = &cfg->failover;
	struct hostcheck *h;

	if ((h = hostcheck_begin(cfg->path, errs, warns)) == NULL)
		return -1;
	hostcheck_server(h, &cfg->server);
	/* Without a failover the keys are never read (link_keys.c). */
	if (fc->use_failover) {
		hostcheck_key_file(h, "failover", "SharedKeyFile",
		    fc->key_file, what);
		if (fc->accept_key_file[0] != '\0')
			hostcheck_key_file(h, "failover",
			    "AcceptSharedKeyFile", fc->accept_key_file, what);
	}
	hostcheck_subnets(h, cfg);
	return hostcheck_end(h);
}
