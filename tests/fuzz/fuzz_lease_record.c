/*
 * Fuzz target: the lease record codec (common/store/lease.c), versions 1
 * and 2, and the `lease` query parser (common/dhcp/lease_find.c).
 *
 * A record that decodes must encode back to the very same bytes (the
 * codec has one form per lease, so a store or a peer can never hold two
 * spellings of one record), and decode again to the same lease.  The
 * same input, as text, goes to the query parser, which must either
 * accept it with an address or 1..255 bytes, or say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lease.h"
#include "lease_find.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void
record(const uint8_t *data, size_t size)
{
	struct lease	 l, back;
	uint8_t		 buf[LEASE_RECORD_MAX];
	size_t		 n;

	if (!lease_decode(data, size, &l))
		return;
	n = lease_encode(&l, buf, sizeof(buf));
	check(n == size && memcmp(buf, data, size) == 0);
	check(lease_decode(buf, n, &back));
	check(memcmp(&back, &l, sizeof(l)) == 0);
}

static void
query(const uint8_t *data, size_t size)
{
	struct lease_query q;
	char	 text[600], why[256];

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	why[0] = '\0';
	if (lease_query_parse(text, &q, why, sizeof(why)))
		check(q.by_addr || (q.len >= 1 && q.len <= sizeof(q.id)));
	else
		check(why[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	record(data, size);
	query(data, size);
	return 0;
}
