/*
 * Fuzz target: the primary.ini loader (primary/pr_config.c) on arbitrary file
 * contents, and what loads rendered as a scope (cfg_render.h) and loaded
 * back (config_load_scope()): it must load, digest alike and render to the
 * same text again.  iniparser only reads files, so each input is written
 * to a temporary file first.  Must never crash, hang or leak (run under
 * ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_render.h"
#include "config.h"
#include "fo_digest.h"
#include "cfg_fuzz.h"
#include "strbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path, *scope_path;

/* The scope's round trip: cfg rendered, loaded back, rendered again. */
static void
scope_round_trip(const struct config *cfg)
{
	struct config	 back;
	struct strbuf	 a, b;
	uint8_t		 da[FO_SHA256_LEN], db[FO_SHA256_LEN];

	sb_init(&a);
	sb_init(&b);
	if (cfg_render_scope(cfg, NULL, NULL, &a) != 0 || a.buf == NULL)
		abort();
	fuzz_file_write(scope_path, a.buf, a.len);
	if (config_load_scope(scope_path, &back, NULL) != 0 ||
	    back.nsubnets != cfg->nsubnets || back.nhosts != cfg->nhosts ||
	    back.nclasses != cfg->nclasses)
		abort();
	for (size_t i = 0; i < cfg->nsubnets; i++)
		if (fo_subnet_digest(cfg, &cfg->subnets[i], da) != 0 ||
		    fo_subnet_digest(&back, &back.subnets[i], db) != 0 ||
		    memcmp(da, db, sizeof(da)) != 0)
			abort();
	if (cfg_render_scope(&back, NULL, NULL, &b) != 0 || b.len != a.len ||
	    memcmp(a.buf, b.buf, a.len) != 0)
		abort();
	config_free(&back);
	sb_free(&a);
	sb_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct config_errors errs;
	int	 rc;

	if (path == NULL) {
		path = fuzz_file_new();
		scope_path = fuzz_file_new();
	}
	fuzz_file_write(path, data, size);

	rc = config_load_primary(path, &cfg, &errs);
	fuzz_check_load(rc, &errs);
	if (rc == 0) {
		/* Exercise the lookups on whatever loaded. */
		for (size_t i = 0; i < cfg.nsubnets; i++) {
			const struct cfg_subnet *sn = &cfg.subnets[i];
			if (config_subnet_for(&cfg, sn->network) != sn)
				abort();
			(void)config_subnet_dynamic(sn, sn->ranges[0].lo);
		}
		scope_round_trip(&cfg);
		config_free(&cfg);
	}
	config_errors_free(&errs);
	return 0;
}
