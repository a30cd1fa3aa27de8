/*
 * The host checks of failover.ini (fod_config.h, fod_hostcheck()).
 */
#include <stdio.h>

#include "fod_config.h"
#include "hostcheck.h"

int
fod_hostcheck(const struct fod_config *cfg, struct config_errors *errs,
    struct config_errors *warns)
{
	struct hostcheck *h;
	char	 section[CFG_NAME_MAX + 8], what[CFG_NAME_MAX + 40];

	if ((h = hostcheck_begin(cfg->path, errs, warns)) == NULL)
		return -1;
	hostcheck_server(h, &cfg->server);
	for (size_t i = 0; i < cfg->nprimaries; i++) {
		const struct cfg_fo_primary *p = &cfg->primaries[i];

		snprintf(section, sizeof(section), "primary:%s", p->name);
		snprintf(what, sizeof(what), "primary=%s will not be protected",
		    p->name);
		hostcheck_key_file(h, section, "SharedKeyFile", p->key_file,
		    what);
		if (p->accept_key_file[0] != '\0')
			hostcheck_key_file(h, section, "AcceptSharedKeyFile",
			    p->accept_key_file, what);
		/* A primary that learns its subnets has none here; it
		 * offers only subnets it built its own pools from. */
		hostcheck_subnets(h, &p->view);
	}
	return hostcheck_end(h);
}
