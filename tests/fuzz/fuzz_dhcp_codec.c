/*
 * Fuzz target: common/dhcp/dhcp_codec.c.  Decode the input; when it is a valid
 * message, encode it again with the client's own parameter request list
 * and decode the result.  The message type and the client key must
 * survive the round trip (abort() otherwise); when nothing was dropped,
 * every option and header field must survive too, and encoding the
 * re-decoded message (its overloaded sname/file cleared again) must give
 * the same bytes.  Then encode under small caps, which overloads sname
 * and file when they are unused: whatever is decoded back must be m's,
 * exactly, and what is missing must be what the encoder counted.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_codec.h"

/* Where sname and file sit in the fixed BOOTP header. */
#define OFF_FILE	(DHCP_FIXED_LEN - DHCP_FILE_LEN)
#define OFF_SNAME	(OFF_FILE - DHCP_SNAME_LEN)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large; static so the fuzzer loop does not put 3 x 5 KB on the stack. */
static struct dhcp_msg	m1, m2, m3;
static uint8_t		out1[DHCP_PKT_MAX], out2[DHCP_PKT_MAX];

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static bool
same_key(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
	struct dhcp_client_key ka, kb;
	bool	 oka = dhcp_client_key(a, &ka);
	bool	 okb = dhcp_client_key(b, &kb);

	if (oka != okb)
		return false;
	return !oka || (ka.len == kb.len &&
	    memcmp(ka.bytes, kb.bytes, ka.len) == 0);
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Option 52 of a message the encoder produced: 0 if it overloaded none. */
static uint8_t
overload_of(const struct dhcp_msg *b)
{
	const uint8_t	*v;
	size_t		 len;

	if ((v = dhcp_opt_get(b, DHO_OVERLOAD, &len)) == NULL || len != 1)
		return 0;
	return v[0];
}

/*
 * b was encoded from a: sname and file went out as they were, unless b's
 * 52 says the encoder put options there, which it may only do when a's
 * field was unused (all zero).
 */
static bool
same_fields(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
	uint8_t	 ov = overload_of(b);

	if (ov & OVERLOAD_FILE) {
		if (!all_zero(a->file, sizeof(a->file)))
			return false;
	} else if (memcmp(a->file, b->file, sizeof(a->file)) != 0)
		return false;
	if (ov & OVERLOAD_SNAME)
		return all_zero(a->sname, sizeof(a->sname));
	return memcmp(a->sname, b->sname, sizeof(a->sname)) == 0;
}

/*
 * Every option b has (52 aside) is a's, value for value; returns how
 * many of a's options b lacks, or -1 if b has one a has not or a value
 * differs.
 */
static int
missing_opts(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
	int	 n = 0;

	for (unsigned c = 0; c < 256; c++) {
		const uint8_t	*va, *vb;
		size_t		 la, lb;

		if (c == DHO_OVERLOAD)
			continue;
		va = dhcp_opt_get(a, (uint8_t)c, &la);
		vb = dhcp_opt_get(b, (uint8_t)c, &lb);
		if (va == NULL && vb != NULL)
			return -1;
		if (va != NULL && vb == NULL)
			n++;
		else if (va != NULL && (la != lb || memcmp(va, vb, la) != 0))
			return -1;
	}
	return n;
}

/* Header and every option but 52 (the encoder's own) are equal. */
static bool
same_msg(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
	return a->op == b->op && a->htype == b->htype &&
	    a->hlen == b->hlen && a->hops == b->hops && a->xid == b->xid &&
	    a->secs == b->secs && a->flags == b->flags &&
	    a->ciaddr == b->ciaddr && a->yiaddr == b->yiaddr &&
	    a->siaddr == b->siaddr && a->giaddr == b->giaddr &&
	    a->msg_type == b->msg_type &&
	    memcmp(a->chaddr, b->chaddr, sizeof(a->chaddr)) == 0 &&
	    same_fields(a, b) && missing_opts(a, b) == 0;
}

/*
 * An overloaded sname or file the encoder wrote: whole options, never
 * 52, 53, 54 or 82, then END and only PAD after it.
 */
static bool
field_ok(const uint8_t *p, size_t n)
{
	size_t	 i = 0;

	while (i < n && p[i] != DHO_END) {
		uint8_t	 c = p[i];

		if (c == DHO_PAD || c == DHO_OVERLOAD ||
		    c == DHO_MESSAGE_TYPE || c == DHO_SERVER_ID ||
		    c == DHO_RELAY_AGENT_INFO || n - i < 2 ||
		    p[i + 1] > n - i - 2)
			return false;
		i += 2 + (size_t)p[i + 1];
	}
	return i < n && all_zero(p + i + 1, n - i - 1);
}

/*
 * Encode m1 under a small cap, where sname and file get overloaded if
 * they are unused.  What comes back must be m1's, exactly; only optional
 * options may be missing and their number is what the encoder counted.
 */
static void
small_cap(size_t max_len)
{
	const uint8_t	*prl;
	size_t		 prl_len = 0, len;
	unsigned	 dropped = 0;
	uint8_t		 ov;

	prl = dhcp_opt_get(&m1, DHO_PARAM_REQUEST_LIST, &prl_len);
	if (dhcp_msg_encode(&m1, prl, prl_len, max_len, out2, sizeof(out2),
	    &len, &dropped) != DHCP_OK)
		return;
	check(len <= max_len);
	check(dhcp_msg_decode(out2, len, &m3) == DHCP_OK);
	check(m3.msg_type == m1.msg_type);
	check(same_fields(&m1, &m3));
	check(missing_opts(&m1, &m3) == (int)dropped);
	check(dhcp_opt_has(&m3, DHO_SERVER_ID) ==
	    dhcp_opt_has(&m1, DHO_SERVER_ID));
	check(dhcp_opt_has(&m3, DHO_RELAY_AGENT_INFO) ==
	    dhcp_opt_has(&m1, DHO_RELAY_AGENT_INFO));
	ov = overload_of(&m3);
	if (ov & OVERLOAD_FILE)
		check(field_ok(out2 + OFF_FILE, DHCP_FILE_LEN));
	if (ov & OVERLOAD_SNAME)
		check(field_ok(out2 + OFF_SNAME, DHCP_SNAME_LEN));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*prl;
	size_t		 prl_len = 0, len1, len2;
	unsigned	 dropped = 0;
	bool		 overloaded;
	enum dhcp_err	 e;

	e = dhcp_msg_decode(data, size, &m1);
	check(e < DHCP_ERR_COUNT && e != DHCP_ERR_COOKIE &&
	    e != DHCP_ERR_NOSPACE);
	if (e != DHCP_OK)
		return 0;

	prl = dhcp_opt_get(&m1, DHO_PARAM_REQUEST_LIST, &prl_len);
	overloaded = dhcp_opt_has(&m1, DHO_OVERLOAD);
	e = dhcp_msg_encode(&m1, prl, prl_len, DHCP_PKT_MAX, out1,
	    sizeof(out1), &len1, &dropped);
	/*
	 * Re-encoding never needs more room than the input took, plus an
	 * END it may have lacked, unless options came from sname/file.
	 */
	if (!overloaded && size < DHCP_PKT_MAX)
		check(e == DHCP_OK && dropped == 0);
	if (e != DHCP_OK)
		return 0;
	check(len1 >= DHCP_MIN_REPLY && len1 <= DHCP_PKT_MAX);

	check(dhcp_msg_decode(out1, len1, &m2) == DHCP_OK);
	check(m2.has_cookie);
	check(m2.msg_type == m1.msg_type);
	/* The key may change only if option 61 itself was dropped. */
	if (!dhcp_opt_has(&m1, DHO_CLIENT_ID) ||
	    dhcp_opt_has(&m2, DHO_CLIENT_ID))
		check(same_key(&m1, &m2));
	if (dropped == 0) {
		check(same_msg(&m1, &m2));
		/* As a caller would rebuild it: overloaded fields unused. */
		if (overload_of(&m2) & OVERLOAD_FILE)
			memset(m2.file, 0, sizeof(m2.file));
		if (overload_of(&m2) & OVERLOAD_SNAME)
			memset(m2.sname, 0, sizeof(m2.sname));
		dhcp_opt_unset(&m2, DHO_OVERLOAD);
		prl = dhcp_opt_get(&m2, DHO_PARAM_REQUEST_LIST, &prl_len);
		check(dhcp_msg_encode(&m2, prl, prl_len, DHCP_PKT_MAX, out2,
		    sizeof(out2), &len2, &dropped) == DHCP_OK);
		check(dropped == 0 && len2 == len1 &&
		    memcmp(out1, out2, len1) == 0);
		check(dhcp_msg_decode(out2, len2, &m3) == DHCP_OK);
		check(same_msg(&m1, &m3));
	}

	/* RFC 2131 minimum (576 less IP/UDP), and the BOOTP minimum. */
	small_cap(DHCP_DEFAULT_MAX - DHCP_IP_UDP_HDR);
	small_cap(DHCP_MIN_REPLY);
	return 0;
}
