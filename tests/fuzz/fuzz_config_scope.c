/*
 * Fuzz target: the learnt-configuration text (docs/learn.md), which a
 * failover receives from its primary over the channel and loads with
 * config_load_scope() (failover/fod_learn.c).  The channel is
 * authenticated, but the text is still input: a primary's bug or a
 * stolen key must not crash the failover.  Besides the loader's contract
 * (success and no message, or failure and messages of one line), a text
 * that loads must survive the round trip the failover relies on:
 * rendering it (cfg_render_scope, as `dhcpfoctl config` and the learnt
 * store do) gives a text that loads again and renders to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_render.h"
#include "config.h"
#include "cfg_fuzz.h"
#include "strbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;

/* Rendered, loaded again, rendered again: the same bytes. */
static void
round_trip(const struct config *cfg)
{
	struct strbuf	 one, two;
	struct config	 again;
	struct config_errors errs;
	int		 rc;

	sb_init(&one);
	sb_init(&two);
	if (cfg_render_scope(cfg, NULL, NULL, &one) < 0 || one.failed) {
		sb_free(&one);	/* a value that cannot be rendered: refused */
		return;
	}
	fuzz_file_write(path, one.buf, one.len);
	rc = config_load_scope(path, &again, &errs);
	fuzz_check_load(rc, &errs);
	if (rc != 0)
		abort();	/* what we render, we must read */
	if (cfg_render_scope(&again, NULL, NULL, &two) < 0 || two.failed ||
	    two.len != one.len || memcmp(one.buf, two.buf, one.len) != 0 ||
	    again.nsubnets != cfg->nsubnets || again.nhosts != cfg->nhosts)
		abort();
	config_free(&again);
	config_errors_free(&errs);
	sb_free(&one);
	sb_free(&two);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	struct config_errors errs;
	int		 rc;

	if (path == NULL)
		path = fuzz_file_new();
	fuzz_file_write(path, data, size);
	rc = config_load_scope(path, &cfg, &errs);
	fuzz_check_load(rc, &errs);
	if (rc != 0 && (cfg.subnets != NULL || cfg.hosts != NULL))
		abort();
	config_errors_free(&errs);
	if (rc == 0) {
		round_trip(&cfg);
		config_free(&cfg);
	}
	return 0;
}
