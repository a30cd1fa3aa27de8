/*
 * Address ranges as every part of dhcpfo reads a subnet's Range and
 * Exclude: clipped to the subnet, sorted, overlapping or adjacent ones
 * joined.  So "a-b, c-d" and "c-d, a-b", or one range and the same
 * addresses split in two, are the same addresses to the pools
 * (pool.c), the failover's share (share.c) and the subnet digest
 * (fo_digest.c) alike -- which is what lets two servers agree.
 *
 * Pure: no I/O, no allocation, no globals.
 */
#ifndef DHCPFO_RANGES_H
#define DHCPFO_RANGES_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * in[0..n) clipped to [lo, hi] (ranges wholly outside dropped), sorted,
 * merged, into out (room for n); returns how many.  in and out may not
 * overlap.
 */
size_t	ranges_normalise(const struct cfg_range *in, size_t n, uint32_t lo,
	    uint32_t hi, struct cfg_range *out);

#endif
