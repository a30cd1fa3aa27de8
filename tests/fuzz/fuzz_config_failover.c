/*
 * Fuzz target: the failover.ini loader (failover/fod_config.c) on
 * arbitrary file contents.  iniparser only reads files, so each input is
 * written to a temporary file first.  Must never crash, hang or leak
 * (run under ASan), and must keep the loader's contract.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fod_config.h"
#include "cfg_fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;

static void
check_loaded(const struct fod_config *cfg)
{
	if (cfg->nprimaries == 0 || cfg->nprimaries > cfg->max_primaries)
		abort();
	for (size_t i = 0; i < cfg->nwarnings; i++)
		if (cfg->warnings[i] == NULL ||
		    strchr(cfg->warnings[i], '\n') != NULL)
			abort();
	for (size_t i = 0; i < cfg->nprimaries; i++) {
		const struct cfg_fo_primary *p = &cfg->primaries[i];
		const struct config *v = &p->view;
		struct config dup;

		/* A primary with no subnet here learns its configuration
		 * from itself (docs/learn.md): its view starts empty. */
		if (fod_config_primary(cfg, p->name) != p ||
		    fod_config_primary_by_id(cfg, p->id) != p ||
		    (v->nsubnets == 0) != p->learns || p->addr == 0 ||
		    p->port == 0)
			abort();
		/* A view holds its own primary's subnets and hosts only. */
		for (size_t j = 0; j < v->nsubnets; j++) {
			const struct cfg_subnet *sn = NULL;

			if (strcasecmp(v->subnets[j].primary, p->name) != 0 ||
			    fod_config_primary_for(cfg, v->subnets[j].network,
			    &sn) != p || sn != &v->subnets[j])
				abort();
		}
		for (size_t j = 0; j < v->nhosts; j++)
			if (strcasecmp(v->hosts[j].primary, p->name) != 0 ||
			    config_subnet_for(v, v->hosts[j].addr) == NULL)
				abort();
		if (v->server.ping_before_assign !=
		    p->policy.takeover_ping_check)
			abort();
		if (fod_config_view_dup(v, &dup) == 0)
			config_free(&dup);
		(void)fod_policy_detect_secs(&p->policy);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fod_config cfg;
	struct config_errors errs;
	int	 rc;

	if (path == NULL)
		path = fuzz_file_new();
	fuzz_file_write(path, data, size);

	rc = config_load_failover(path, &cfg, &errs);
	fuzz_check_load(rc, &errs);
	if (rc == 0)
		check_loaded(&cfg);
	else if (cfg.primaries != NULL || cfg.warnings != NULL)
		abort();
	fod_config_free(&cfg);
	config_errors_free(&errs);
	return 0;
}
