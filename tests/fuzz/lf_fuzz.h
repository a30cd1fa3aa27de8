/*
 * What the lease file fuzz targets share: read the input as a lease file
 * and check what the reader reports (lf_fuzz.c).
 */
#ifndef DHCPFO_LF_FUZZ_H
#define DHCPFO_LF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "leasefile.h"

void	lf_fuzz_one(enum lf_format, const uint8_t *data, size_t size);

#endif
