/*
 * Subnet digests (docs/failover-protocol.md 9.5): the SHA-256 of one
 * subnet's definition in a canonical text form that the primary and the
 * failover compute alike from their own INI files.  Carried in DIGEST
 * TLVs (CTL_REQ, SYNC_REQ, POLL_RPL); a differing or missing digest is
 * reported (log, status, trap) and never stops the protocol.
 *
 * What is in the canonical form is what changes how a subnet is served:
 * network and prefix, the dynamic ranges (sorted and merged, so
 * "a-b, c-d" and "c-d, a-b" agree), the excluded addresses (sorted), the
 * options handed out (routers, DNS, NTP in configured order: order is
 * meaningful to clients; domain name, broadcast), the lease times and
 * T1/T2 percentages, and the failover's share (FailoverShare and the
 * very addresses it gives, share.h); and then (docs/options.md) the
 * option definitions, the global options, the subnet's options and
 * boot fields, every client class (match keys, ranges, options; by
 * position, since their order is their precedence), the reservations
 * inside the subnet with their options, and the other subnets of its
 * shared network.  Options are listed by space and code, so the order
 * they are written in does not count.  Not in it: the names of
 * subnets, classes and hosts (each file may call them what it likes),
 * SafePeriod (only the failover acts on it).
 *
 * Pure: no I/O, no globals.
 */
#ifndef DHCPFO_FO_DIGEST_H
#define DHCPFO_FO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fo_proto.h"

/*
 * The canonical text, one "key=value\n" line per item, into buf
 * (always terminated when len > 0).  Returns the length the whole text
 * needs (like snprintf): larger than or equal to len means truncated.
 */
/* sn is a subnet of cfg; cfg may be NULL (the subnet's own keys only). */
size_t	fo_subnet_canon(const struct config *cfg, const struct cfg_subnet *sn,
	    char *buf, size_t len);

/*
 * SHA-256 of len bytes: what a DIGEST and a CFG_ID carry.  Returns 0, or
 * -1 on libcrypto failure (out is then zeroed).
 */
int	fo_sha256(const void *data, size_t len, uint8_t out[FO_SHA256_LEN]);

/* SHA-256 of fo_subnet_canon()'s text.  Returns 0, -1 on libcrypto or
 * allocation failure (out is then zeroed). */
int	fo_subnet_digest(const struct config *cfg, const struct cfg_subnet *sn,
	    uint8_t out[FO_SHA256_LEN]);

#endif
