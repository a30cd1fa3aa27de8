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
 * Version 2 is version 1 followed by where the binding came from:
 *
 *	  0    4  giaddr
 *	  4    1  granted_by (enum lease_origin)
 *	  5    1  circuit-id length C (<= LEASE_RELAY_ID_MAX)
 *	  6    C  circuit-id
 *	6+C    1  remote-id length R (<= LEASE_RELAY_ID_MAX)
 *	7+C    R  remote-id
 *
 * A lease with none of these (origin unknown, not relayed) is written as
 * version 1, so a record a build before version 2 could read stays
 * readable to it; both versions are read, and a version 2 record with
 * an empty block is refused (it has a version 1 form).
 *
 * The declared body length must match what arrived, so a torn (short) or
 * padded (long) record is rejected before any field is read.  The hostname
 * must end with its NUL exactly at the end of the body (version 1) or of
 * the part before the relay block (version 2), which catches an
 * unterminated name and stray bytes after it.
 * A later version may append fields; it gets a new version number and
 * this decoder rejects it rather than guess.
 */
#include <string.h>
#include <strings.h>

#include "byteorder.h"
#include "lease.h"

#define LEASE_REC_V1		1
#define LEASE_REC_V2		2
#define LEASE_REC_RELAY_FIXED	7	/* relay block without its ids */
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

static const char *const origin_names[LEASE_ORIGIN_COUNT] = {
	[LEASE_BY_UNKNOWN] = "",
	[LEASE_BY_PRIMARY] = "primary",
	[LEASE_BY_FAILOVER] = "failover",
	[LEASE_BY_IMPORT] = "import",
};

const char *
lease_origin_name(enum lease_origin o)
{
	if ((unsigned)o >= LEASE_ORIGIN_COUNT)
		return "";
	return origin_names[o];
}

int
lease_origin_from_name(const char *name)
{
	for (int i = 0; i < LEASE_ORIGIN_COUNT; i++)
		if (strcmp(name, origin_names[i]) == 0)
			return i;
	return -1;
}

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

void
lease_make_freed(struct lease *l, uint32_t addr, int64_t now)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_RELEASED;
	l->starts = l->ends = l->cltt = now;
}

bool
lease_has_client(const struct lease *l)
{
	return l->key.len > 0 || l->hlen > 0;
}

void
lease_hostname_clean(const uint8_t *v, size_t len, char *out, size_t outlen)
{
	size_t	 i, n = 0;

	if (outlen == 0)
		return;
	for (i = 0; i < len && n + 1 < outlen && v[i] != '\0'; i++) {
		uint8_t	 ch = v[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_')
			out[n++] = (char)ch;
		else
			out[n++] = '_';
	}
	out[n] = '\0';
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

	const struct lease_relay *r = &l->relay;
	bool	 v2;

	if (l->state >= LEASE_STATE_COUNT || l->hlen > DHCP_CHADDR_LEN ||
	    l->key.len > DHCP_CLIENT_KEY_MAX ||
	    l->granted_by >= LEASE_ORIGIN_COUNT ||
	    r->circuit_len > LEASE_RELAY_ID_MAX ||
	    r->remote_len > LEASE_RELAY_ID_MAX)
		return 0;
	hn = strnlen(l->hostname, sizeof(l->hostname));
	if (hn == sizeof(l->hostname))
		return 0;		/* unterminated */
	v2 = l->granted_by != LEASE_BY_UNKNOWN || r->giaddr != 0 ||
	    r->circuit_len != 0 || r->remote_len != 0;
	body = LEASE_REC_FIXED + l->key.len + hn + 1;
	if (v2)
		body += LEASE_REC_RELAY_FIXED + r->circuit_len + r->remote_len;
	total = LEASE_REC_HDR + body;
	if (total > outcap)
		return 0;

	out[0] = v2 ? LEASE_REC_V2 : LEASE_REC_V1;
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
	b += LEASE_REC_FIXED + l->key.len;
	memcpy(b, l->hostname, hn + 1);
	if (v2) {
		b += hn + 1;
		put_be32(b, r->giaddr);
		b[4] = l->granted_by;
		b[5] = r->circuit_len;
		memcpy(b + 6, r->circuit_id, r->circuit_len);
		b += 6 + r->circuit_len;
		b[0] = r->remote_len;
		memcpy(b + 1, r->remote_id, r->remote_len);
	}
	return total;
}

/* The version 2 block after the hostname: exactly rest bytes. */
static bool
decode_relay(const uint8_t *b, size_t rest, struct lease *out)
{
	struct lease_relay *r = &out->relay;
	size_t	 c, n;

	if (rest < LEASE_REC_RELAY_FIXED)
		return false;
	r->giaddr = get_be32(b);
	out->granted_by = b[4];
	c = b[5];
	if (out->granted_by >= LEASE_ORIGIN_COUNT || c > LEASE_RELAY_ID_MAX ||
	    c > rest - LEASE_REC_RELAY_FIXED)
		return false;
	r->circuit_len = (uint8_t)c;
	memcpy(r->circuit_id, b + 6, c);
	n = b[6 + c];
	if (n > LEASE_RELAY_ID_MAX ||
	    n != rest - LEASE_REC_RELAY_FIXED - c)
		return false;
	r->remote_len = (uint8_t)n;
	memcpy(r->remote_id, b + 7 + c, n);
	/* An empty block is written as version 1: one form per lease. */
	return r->giaddr != 0 || out->granted_by != LEASE_BY_UNKNOWN ||
	    c != 0 || n != 0;
}

bool
lease_decode(const uint8_t *buf, size_t len, struct lease *out)
{
	const uint8_t	*b, *nul;
	size_t		 body, klen, rest;

	if (len < LEASE_REC_HDR ||
	    (buf[0] != LEASE_REC_V1 && buf[0] != LEASE_REC_V2))
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
	if (rest == 0)
		return false;
	nul = memchr(b, '\0', rest < sizeof(out->hostname) ? rest :
	    sizeof(out->hostname));
	if (nul == NULL)
		return false;		/* unterminated or too long */
	memcpy(out->hostname, b, (size_t)(nul - b) + 1);
	rest -= (size_t)(nul - b) + 1;
	b = nul + 1;
	if (buf[0] == LEASE_REC_V1)
		return rest == 0;	/* no bytes after the name */
	return decode_relay(b, rest, out);
}
