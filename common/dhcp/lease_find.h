/*
 * `dhcpfoctl lease ADDRESS|HWADDR|CLIENT-ID`: what an operator types to
 * find a client, and the bindings that answer it, for both daemons (the
 * primary searches its pools on its loop; the failover's thread of each
 * primary searches that primary's pools).
 *
 * A query is an IPv4 address (the binding of that address), or colon-
 * or dash-separated hex (1..255 bytes): every binding whose hardware
 * address is those bytes, or whose client identifier (option 61) is
 * those bytes or those bytes after its type byte -- so a MAC address
 * also finds a client that sends "01" + its MAC as option 61.
 */
#ifndef DHCPFO_LEASE_FIND_H
#define DHCPFO_LEASE_FIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease.h"
#include "pool.h"
#include "strbuf.h"

#define LEASE_FIND_MAX	64	/* bindings one answer lists */

struct lease_query {
	bool		 by_addr;
	uint32_t	 addr;		/* by_addr */
	size_t		 len;		/* !by_addr: the bytes */
	uint8_t		 id[255];
};

/* false, with why filled, when text is neither form. */
bool	lease_query_parse(const char *text, struct lease_query *q, char *why,
	    size_t whylen);
bool	lease_query_match(const struct lease_query *q, const struct lease *l);

/*
 * Append each binding of set that matches q (records naming no client are
 * not bindings) as lease_find_text/lease_text_json would show it, with
 * `primary` named on each (NULL on a primary), comma-separated in JSON.
 * Returns how many were appended; stops at `room`.
 */
size_t	lease_find_pools(struct pool_set *set, const struct lease_query *q,
	    const char *primary, bool json, size_t room, struct strbuf *out);

/* The arguments of `lease QUERY` into q: 0, or -1 with the usage or the
 * parse error written to out as the command's answer. */
int	lease_query_args(int argc, char **argv, bool json, struct strbuf *out,
	    struct lease_query *q);

/* The answer to `lease QUERY`: the n bindings found (as appended by
 * lease_find_pools), wrapped for JSON, or an error if none; 0 or -1. */
int	lease_find_answer(struct strbuf *out, const char *query, bool json,
	    const struct strbuf *found, size_t n);

/* One binding for people: a few labelled lines. now: unix seconds. */
void	lease_find_text(struct strbuf *out, const struct lease *l,
	    uint32_t subnet, uint8_t prefix, const char *primary,
	    int64_t now);

#endif
