/*
 * Lease record: state names and the on-disk byte layout.
 *
 * The layout is explicit and big-endian so a record never depends on the
 * compiler's struct layout, padding or host byte order.  Version 1:
 *
 *	off  len  field
 *	  0    1  version (1)
 *	  1    2  body length N: exactly the bytes that follow
 *	body:
 *	  0    4  addr
 *	  4    1  state (enum lease_state)
 *	  5    1  htype
 *	  6    1  hlen (<= 16)
 *	  7   16  chaddr
 *	 23    8  starts	(two's complement)
 *	 31    8  ends
 *	 39    8  cltt
 *	 47    8  seq
 *	 55    2  client key length K (<= DHCP_CLIENT_KEY_MAX)
 *	 57    K  client key bytes
 *	57+K H+1  hostname and its terminating NUL (H < LEASE_HOSTNAME_MAX)
 *
 * The declared body length must match what arrived, so a torn (short) or
 * padded (long) record is rejected before any field is read.  The hostname
 * is the last field and must end exactly at the end of the body with its
 * NUL, which catches an unterminated name and stray bytes after it.
 * A later version may append fields; it gets a new version number and
 * this decoder rejects it rather than guess.
 */
#include <string.h>
#include <strings.h>

#include "byteorder.h"
#include "lease.h"

#define LEASE_REC_VERSION	1
#define LEASE_REC_HDR		3	/* version + body length */
#define LEASE_REC_FIXED		57	/* body up to the client key */

static const char *const state_names[LEASE_STATE_COUNT] = {
	[LEASE_FREE] = "free",
	[LEASE_OFFERED] = "offered",
	[LEASE_BOUND] = "bound",
	[LEASE_RELEASED] = "released",
	[LEASE_EXPIRED] = "expired",
	[LEASE_DECLINED] = "declined",
	[LEASE_CONFLICT] = "conflict",
};

const char *
lease_state_name(enum lease_state s)
{
	if ((unsigned)s >= LEASE_STATE_COUNT)
		return "unknown";
	return state_names[s];
}

int
lease_state_from_name(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < LEASE_STATE_COUNT; i++)
		if (strcasecmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

/*
 * Signed times travel as their two's complement bit pattern.  Converting
 * back through a range check keeps the conversion defined in C for
 * negative values (pre-1970 times never occur, but a decoder must not
 * invoke implementation-defined behaviour on any input).
 */
static int64_t
u64_to_i64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

/*
 * Refuses (returns 0) a lease that lease_decode would reject, so the store
 * can never hold a record it cannot read back.
 */
size_t
lease_encode(const struct lease *l, uint8_t *out, size_t outcap)
{
	size_t	 hn, body, total;
	uint8_t	*b;

	if (l->state >= LEASE_STATE_COUNT || l->hlen > DHCP_CHADDR_LEN ||
	    l->key.len > DHCP_CLIENT_KEY_MAX)
		return 0;
	hn = strnlen(l->hostname, sizeof(l->hostname));
	if (hn == sizeof(l->hostname))
		return 0;		/* unterminated */
	body = LEASE_REC_FIXED + l->key.len + hn + 1;
	total = LEASE_REC_HDR + body;
	if (total > outcap)
		return 0;

	out[0] = LEASE_REC_VERSION;
	put_be16(out + 1, (uint16_t)body);
	b = out + LEASE_REC_HDR;
	put_be32(b + 0, l->addr);
	b[4] = l->state;
	b[5] = l->htype;
	b[6] = l->hlen;
	memcpy(b + 7, l->chaddr, DHCP_CHADDR_LEN);
	put_be64(b + 23, (uint64_t)l->starts);
	put_be64(b + 31, (uint64_t)l->ends);
	put_be64(b + 39, (uint64_t)l->cltt);
	put_be64(b + 47, l->seq);
	put_be16(b + 55, l->key.len);
	memcpy(b + LEASE_REC_FIXED, l->key.bytes, l->key.len);
	memcpy(b + LEASE_REC_FIXED + l->key.len, l->hostname, hn + 1);
	return total;
}

bool
lease_decode(const uint8_t *buf, size_t len, struct lease *out)
{
	const uint8_t	*b, *nul;
	size_t		 body, klen, rest;

	if (len < LEASE_REC_HDR || buf[0] != LEASE_REC_VERSION)
		return false;
	body = get_be16(buf + 1);
	if (body != len - LEASE_REC_HDR || body < LEASE_REC_FIXED)
		return false;
	b = buf + LEASE_REC_HDR;

	/* Zeroed first: padding and unused bytes compare equal later. */
	memset(out, 0, sizeof(*out));
	out->addr = get_be32(b + 0);
	out->state = b[4];
	out->htype = b[5];
	out->hlen = b[6];
	if (out->state >= LEASE_STATE_COUNT || out->hlen > DHCP_CHADDR_LEN)
		return false;
	memcpy(out->chaddr, b + 7, DHCP_CHADDR_LEN);
	out->starts = u64_to_i64(get_be64(b + 23));
	out->ends = u64_to_i64(get_be64(b + 31));
	out->cltt = u64_to_i64(get_be64(b + 39));
	out->seq = get_be64(b + 47);

	klen = get_be16(b + 55);
	rest = body - LEASE_REC_FIXED;
	if (klen > DHCP_CLIENT_KEY_MAX || klen > rest)
		return false;
	out->key.len = (uint16_t)klen;
	memcpy(out->key.bytes, b + LEASE_REC_FIXED, klen);

	b += LEASE_REC_FIXED + klen;
	rest -= klen;
	if (rest == 0 || rest > sizeof(out->hostname))
		return false;
	nul = memchr(b, '\0', rest);
	if (nul == NULL || (size_t)(nul - b) != rest - 1)
		return false;		/* unterminated, or bytes after it */
	memcpy(out->hostname, b, rest);
	return true;
}
