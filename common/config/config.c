/*
 * A loaded configuration (struct config, config.h): the lookups the
 * server makes in it, and freeing it.  Loading is elsewhere: the spec
 * machinery in this folder (cfg_int.h lists its files), primary.ini in
 * primary/pr_config.c, a scope file in cfg_scope.c, failover.ini in
 * failover/fod_config.c.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"

bool
config_in_ranges(const struct cfg_range *r, size_t n, uint32_t a)
{
	for (size_t i = 0; i < n; i++)
		if (a >= r[i].lo && a <= r[i].hi)
			return true;
	return false;
}

bool
config_subnet_dynamic(const struct cfg_subnet *sn, uint32_t addr)
{
	return config_in_ranges(sn->ranges, sn->nranges, addr) &&
	    !config_in_ranges(sn->exclude_ranges, sn->nexclude_ranges, addr);
}

const struct cfg_subnet *
config_subnet_for(const struct config *cfg, uint32_t addr)
{
	for (size_t i = 0; i < cfg->nsubnets; i++)
		if ((addr & cfg->subnets[i].mask) == cfg->subnets[i].network)
			return &cfg->subnets[i];
	return NULL;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->subnets);
	free(cfg->hosts);
	free(cfg->optsets);
	free(cfg->classes);
	memset(cfg, 0, sizeof(*cfg));
}
