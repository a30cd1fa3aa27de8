/*
 * Option values: the text an administrator writes in an INI file, turned
 * into the bytes that go on the wire, per type (optdef.h), and back into
 * canonical text (for `-t` output, status and the subnet digest).
 *
 * Encodings:
 *   ip, ip-list, ip-pairs   4 bytes per address, in the order written
 *   uint8/16/32, int32      big-endian; decimal or 0x hex, range-checked
 *   uint16-list             2 bytes per item
 *   bool                    one byte, 0 or 1
 *   string, fqdn            the text as written (1..255 bytes), no NUL
 *   hex                     the bytes (1..OPTVAL_MAX)
 *   fqdn-list               RFC 1035 3.1 names, later names compressed
 *                           against earlier ones with 4.1.4 pointers
 *                           (RFC 3397 2: offsets count from the start of
 *                           the option's whole value)
 *   routes                  RFC 3442: per route the prefix length, the
 *                           significant octets of the destination
 *                           ((len + 7) / 8 of them), then the router
 *   empty                   no bytes
 * A value longer than 255 bytes is legal: the codec sends it as several
 * instances of the option (RFC 3396).
 *
 * Text forms:
 *   lists                   items separated by commas, spaces around
 *                           them ignored; no item may be empty
 *   ip-pairs items          "a.b.c.d a.b.c.d"
 *   routes items            "a.b.c.d/len router" or "a.b.c.d/len - router";
 *                           no bits set past len; 0.0.0.0/0 is the default
 *   string, fqdn            one pair of enclosing double quotes is
 *                           removed; printable ASCII only
 *   fqdn, fqdn-list names   letters, digits, '-' (not first or last),
 *                           labels 1..63, at most 253 characters, a
 *                           trailing dot allowed; fqdn-list compares
 *                           labels without case, so a name compressed
 *                           against an earlier one takes its spelling
 *   hex                     digit pairs after an optional 0x, run
 *                           together or separated by ':' or spaces
 *   bool                    true/false, yes/no, on/off, 1/0
 * optval_format writes the first form listed (and quotes a string only
 * when its quotes or outer spaces would otherwise be lost).
 *
 * Pure: no I/O, no globals.
 */
#ifndef DHCPFO_OPTVAL_H
#define DHCPFO_OPTVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optdef.h"

/* Longest encoded value of one option we accept from a configuration. */
#define OPTVAL_MAX	1024
/* Room for a message naming what is wrong with a value. */
#define OPTVAL_ERR_MAX	160

/*
 * Parse text (NUL-terminated; surrounding white space ignored) as a
 * value of type t into out (at most cap bytes).  Returns the number of
 * bytes, or -1 with a message in err (e.g. "192.0.2.300: not an IPv4
 * address", "70000: must be 0..65535", "203.0.113.0/33: prefix length
 * must be 0..32", "a..b: empty label", "value too long: 1030 bytes,
 * at most 1024"); the message does not repeat the option's name.
 * An empty text is an error for every type but empty.
 */
int	optval_parse(enum opt_type t, const char *text, uint8_t *out,
	    size_t cap, char err[OPTVAL_ERR_MAX]);

/*
 * Canonical text of an encoded value (ip-lists "a, b", routes
 * "a.b.c.d/len gw, ...", fqdn-lists decompressed "a.test, b.test", hex
 * "0a:0b", strings as they are).  Writes at most cap bytes, always
 * terminated when cap > 0; returns the length the whole text needs (like
 * snprintf), or -1 if the bytes are not a valid value of type t.
 */
int	optval_format(enum opt_type t, const uint8_t *v, size_t len,
	    char *out, size_t cap);

#endif
