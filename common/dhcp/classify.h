/*
 * Client classes (docs/options.md "Client classes"): which [class:NAME]
 * sections a request belongs to.  A class matches when every match key
 * it gives matches; a class must give at least one (the loader refuses
 * one that gives none).
 *
 *   VendorClass     option 60, glob over its bytes
 *   UserClass       option 77: the whole value, or any one of its
 *                   RFC 3004 instances (length-prefixed), glob
 *   ClientArch      option 93 (RFC 4578): any of its 16-bit types is
 *                   one of the listed values
 *   HardwarePrefix  chaddr starts with these bytes (hlen at least as long)
 *   CircuitId       option 82 sub-option 1 (RFC 3046), glob or exact
 *   RemoteId        option 82 sub-option 2, glob or exact
 *
 * Globs: `*` any run of bytes, `?` one byte, `[abc]` / `[a-z]` / `[!a]`
 * (or `[^a]`) a set, `\x` the byte x; case-sensitive; the whole value
 * must match.  A `[` never closed is a plain byte.  A malformed option
 * 82 (a sub-option running past it) or 93 (empty, odd length) matches
 * nothing; an option 77 whose instances do not exactly fill it is
 * matched as a whole value only.
 *
 * Pure: no I/O, no globals.  Costs one pass over the classes per
 * request; each key compares bytes already decoded (struct dhcp_msg).
 */
#ifndef DHCPFO_CLASSIFY_H
#define DHCPFO_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhcp_codec.h"

/* Bit i set: the request is a member of cfg->classes[i]. */
uint64_t	classify(const struct config *cfg, const struct dhcp_msg *m);
bool		class_matches(const struct cfg_class *c,
		    const struct dhcp_msg *m);
/* One match key against a value (len bytes). */
bool		class_match_value(const struct cfg_match *k,
		    const uint8_t *v, size_t len);
/* Glob match of n bytes of text against a NUL-terminated pattern. */
bool		class_glob(const char *pattern, const uint8_t *text,
		    size_t n);

#endif
