/*
 * Fuzz target: common/dhcp/dhcp_codec.c.  Decode the input; when it is a valid
 * message, encode it again with the client's own parameter request list
 * and decode the result.  The message type and the client key must
 * survive the round trip (abort() otherwise); when nothing was dropped,
 * every option and header field must survive too, and encoding the
 * re-decoded message must give the same bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_codec.h"

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

/* Header and every option but 52 (never encoded) are equal. */
static bool
same_msg(const struct dhcp_msg *a, const struct dhcp_msg *b)
{
	if (a->op != b->op || a->htype != b->htype || a->hlen != b->hlen ||
	    a->hops != b->hops || a->xid != b->xid || a->secs != b->secs ||
	    a->flags != b->flags || a->ciaddr != b->ciaddr ||
	    a->yiaddr != b->yiaddr || a->siaddr != b->siaddr ||
	    a->giaddr != b->giaddr || a->msg_type != b->msg_type ||
	    memcmp(a->chaddr, b->chaddr, sizeof(a->chaddr)) != 0 ||
	    memcmp(a->sname, b->sname, sizeof(a->sname)) != 0 ||
	    memcmp(a->file, b->file, sizeof(a->file)) != 0)
		return false;
	for (unsigned c = 0; c < 256; c++) {
		const uint8_t	*va, *vb;
		size_t		 la, lb;

		if (c == DHO_OVERLOAD)
			continue;
		va = dhcp_opt_get(a, (uint8_t)c, &la);
		vb = dhcp_opt_get(b, (uint8_t)c, &lb);
		if ((va == NULL) != (vb == NULL))
			return false;
		if (va != NULL && (la != lb || memcmp(va, vb, la) != 0))
			return false;
	}
	return true;
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
	if (dropped != 0)
		return 0;
	check(same_msg(&m1, &m2));

	prl = dhcp_opt_get(&m2, DHO_PARAM_REQUEST_LIST, &prl_len);
	check(dhcp_msg_encode(&m2, prl, prl_len, DHCP_PKT_MAX, out2,
	    sizeof(out2), &len2, &dropped) == DHCP_OK);
	check(dropped == 0 && len2 == len1 && memcmp(out1, out2, len1) == 0);
	check(dhcp_msg_decode(out2, len2, &m3) == DHCP_OK);
	check(same_msg(&m2, &m3));
	return 0;
}
