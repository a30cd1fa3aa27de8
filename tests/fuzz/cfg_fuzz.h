/*
 * What the configuration fuzz targets share: the loaders read only files
 * (iniparser), so each input goes to a private temporary file first; and
 * the loaders' contract, checked the same way for each.
 */
#ifndef DHCPFO_CFG_FUZZ_H
#define DHCPFO_CFG_FUZZ_H

#include <stddef.h>

#include "config.h"

/* A new temporary file, on tmpfs when there is one, removed at exit
 * (at most 4 per process).  Aborts on failure. */
const char	*fuzz_file_new(void);
/* Its contents become data.  Aborts on failure. */
void		 fuzz_file_write(const char *path, const void *data,
		    size_t size);
/* A load's contract: success and no message, or failure and messages
 * of one line each.  Aborts otherwise. */
void		 fuzz_check_load(int rc, const struct config_errors *errs);

#endif
