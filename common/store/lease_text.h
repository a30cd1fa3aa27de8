/*
 * A lease as text, for operators and for moving leases between servers:
 * dhcpfo's own CSV (what `dhcpfoctl export` writes and `dhcpfoctl import
 * --format csv` reads back) and one JSON object (`lease --json`,
 * `export --format json`).  Both daemons write with these functions and
 * dhcpfoctl reads with them, so the format has one definition.
 *
 * CSV: one header line (LEASE_CSV_HEADER), then one line per lease,
 * fields in the header's order, separated by commas:
 *
 *	address		dotted quad
 *	htype		hardware type, decimal
 *	hwaddr		chaddr[0..hlen) as colon-separated hex ("" if none)
 *	client_id	option 61 as colon-separated hex ("" when the client
 *			is known by its hardware address)
 *	state		lease_state_name()
 *	starts, ends, cltt  Unix seconds
 *	hostname	the sanitised option 12 ("" if none)
 *	giaddr		dotted quad ("" if the request was not relayed)
 *	circuit_id, remote_id  option 82 sub-options 1 and 2, colon hex
 *	granted_by	lease_origin_name()
 *	subnet		network/prefix the address belongs to (informational)
 *	primary		on the failover, the primary it belongs to
 *
 * Lines starting with '#' are comments; an export ends with the comment
 * "# end: N bindings", so a reader can tell a complete export from a cut
 * one.  No field can hold a comma, a quote or a line break: every one is
 * a number, an address, hex or a sanitised name.
 */
#ifndef DHCPFO_LEASE_TEXT_H
#define DHCPFO_LEASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease.h"
#include "strbuf.h"

#define LEASE_CSV_HEADER \
	"address,htype,hwaddr,client_id,state,starts,ends,cltt,hostname," \
	"giaddr,circuit_id,remote_id,granted_by,subnet,primary"

/* The comment that closes an export, and a reader for it: is line (no
 * newline) exactly that comment?  *n: the count it gives. */
#define LEASE_CSV_END_FMT	"# end: %llu bindings\n"
bool	lease_text_csv_end(const char *line, unsigned long long *n);

/* Where a lease sits, for the informational columns; NULL/0: empty. */
struct lease_text_ctx {
	uint32_t	 subnet;	/* network, host order */
	uint8_t		 prefix;
	const char	*primary;	/* failover: the primary's name */
};

/* One CSV line, with its newline. */
void	lease_text_csv(struct strbuf *out, const struct lease *l,
	    const struct lease_text_ctx *ctx);
/* One JSON object (no newline); fields named as the CSV columns, times
 * also as ISO 8601 UTC ("starts_utc", ...). */
void	lease_text_json(struct strbuf *out, const struct lease *l,
	    const struct lease_text_ctx *ctx);

/*
 * Parse one CSV line (no newline; the header and comments are the
 * caller's to skip) into *l: address, identity (client key built as the
 * engine builds it: 'C' + client_id, else 'H' + htype + hwaddr), state,
 * times, hostname (lease_hostname_clean, lease.h), relay fields
 * and origin.  seq is 0.  Returns false with a short reason in why.
 */
bool	lease_text_csv_parse(const char *line, struct lease *l,
	    char *why, size_t whylen);

/*
 * The field readers behind lease_text_csv_parse, for the importers of
 * other servers' files (which write these fields the same way).  Each
 * reads exactly len bytes of s, which need not end there.
 *
 * lease_text_hex: colon-separated hex, one or two digits a byte ("" is
 * no bytes); false if malformed or longer than cap bytes.
 * lease_text_ipv4: a dotted quad, host order.
 * lease_text_u64: a decimal number, digits only, at most max.
 */
bool	lease_text_hex(const char *s, size_t len, uint8_t *out, size_t cap,
	    size_t *outlen);
bool	lease_text_ipv4(const char *s, size_t len, uint32_t *out);
bool	lease_text_u64(const char *s, size_t len, uint64_t max,
	    uint64_t *out);

#endif
