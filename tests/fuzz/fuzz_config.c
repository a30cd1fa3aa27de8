/*
 * Fuzz target: the primary.ini loader (primary/pr_config.c) on arbitrary file
 * contents.  iniparser only reads files, so each input is written to a
 * temporary file first.  Must never crash, hang or leak (run under ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	 path[64];

static void
cleanup(void)
{
	if (path[0] != '\0')
		unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct config_errors errs;
	FILE	*fp;
	int	 rc;

	if (path[0] == '\0') {
		int fd;

		snprintf(path, sizeof(path), "/tmp/fuzz_config.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);

	rc = config_load_primary(path, &cfg, &errs);
	/* The contract: success and no messages, or failure and some. */
	if ((rc == 0) != (errs.count == 0))
		abort();
	for (size_t i = 0; i < errs.count; i++)
		if (errs.msgs[i] == NULL || strchr(errs.msgs[i], '\n') != NULL)
			abort();
	if (rc == 0) {
		/* Exercise the lookups on whatever loaded. */
		for (size_t i = 0; i < cfg.nsubnets; i++) {
			const struct cfg_subnet *sn = &cfg.subnets[i];
			if (config_subnet_for(&cfg, sn->network) != sn)
				abort();
			(void)config_subnet_dynamic(sn, sn->ranges[0].lo);
		}
		config_free(&cfg);
	}
	config_errors_free(&errs);
	return 0;
}
