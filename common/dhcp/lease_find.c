/*
 * Finding a client's bindings (lease_find.h).  A search by hardware
 * address or client identifier walks every binding of the pools: the
 * client hash is keyed by the identity a lease is bound to, which is
 * the client identifier when the client sends one, so a MAC address
 * alone cannot use it.  A walk of a million bindings takes some tens of
 * milliseconds, and an operator asks rarely.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "lease_find.h"
#include "lease_text.h"
#include "log.h"
#include "strbuf.h"

/* "aa:bb:cc", "aa-bb-cc" or "aabbcc". */
static bool
parse_hex(const char *t, struct lease_query *q)
{
	size_t	 n = 0;

	while (*t != '\0') {
		int hi = hex_digit(t[0]), lo = hi < 0 ? -1 : hex_digit(t[1]);

		if (lo < 0 || n == sizeof(q->id))
			return false;
		q->id[n++] = (uint8_t)(hi << 4 | lo);
		t += 2;
		if ((*t == ':' || *t == '-') && t[1] != '\0')
			t++;
	}
	q->len = n;
	return n > 0;
}

bool
lease_query_parse(const char *text, struct lease_query *q, char *why,
    size_t whylen)
{
	struct in_addr	 a;

	memset(q, 0, sizeof(*q));
	if (inet_pton(AF_INET, text, &a) == 1) {
		q->by_addr = true;
		q->addr = ntohl(a.s_addr);
		return true;
	}
	if (parse_hex(text, q))
		return true;
	snprintf(why, whylen, "'%.64s' is not an IPv4 address, a hardware "
	    "address or a client identifier (hex bytes, e.g. "
	    "00:11:22:33:44:55 or 01:00:11:22:33:44:55)", text);
	return false;
}

bool
lease_query_match(const struct lease_query *q, const struct lease *l)
{
	const uint8_t	*cid = l->key.bytes + 1;
	size_t		 clen = l->key.len > 0 ? l->key.len - 1u : 0;

	if (q->by_addr)
		return l->addr == q->addr;
	if (l->hlen == q->len && memcmp(l->chaddr, q->id, q->len) == 0)
		return true;
	if (l->key.len == 0 || l->key.bytes[0] != 'C')
		return false;
	if (clen == q->len && memcmp(cid, q->id, q->len) == 0)
		return true;
	return clen == q->len + 1 && memcmp(cid + 1, q->id, q->len) == 0;
}

size_t
lease_find_pools(struct pool_set *set, const struct lease_query *q,
    const char *primary, bool json, size_t room, struct strbuf *out)
{
	size_t	 found = 0;
	int64_t	 now = (int64_t)time(NULL);

	for (size_t i = 0; i < pool_set_count(set) && found < room; i++) {
		struct pool *p = pool_set_get(set, i);
		const struct cfg_subnet *sn = pool_subnet(p);
		struct lease_text_ctx ctx = { sn->network, sn->prefix,
		    primary };
		const struct lease *l;
		size_t	 cur = 0;

		if (q->by_addr && !pool_contains(p, q->addr))
			continue;
		while ((l = pool_next_lease(p, &cur)) != NULL && found < room) {
			if (!lease_has_client(l) || !lease_query_match(q, l))
				continue;
			if (json) {
				if (found > 0)
					sb_puts(out, ",");
				lease_text_json(out, l, &ctx);
			} else
				lease_find_text(out, l, sn->network,
				    sn->prefix, primary, now);
			found++;
		}
	}
	return found;
}

int
lease_query_args(int argc, char **argv, bool json, struct strbuf *out,
    struct lease_query *q)
{
	char	 why[256];

	if (argc != 2)
		return ctl_error(out, json, "usage: lease ADDRESS|HWADDR|"
		    "CLIENT-ID");
	if (!lease_query_parse(argv[1], q, why, sizeof(why)))
		return ctl_error(out, json, "%s", why);
	return 0;
}

int
lease_find_answer(struct strbuf *out, const char *query, bool json,
    const struct strbuf *found, size_t n)
{
	if (n == 0)
		return ctl_error(out, json, "no binding for %s", query);
	if (json) {
		sb_puts(out, "{\"query\":");
		sb_json_str(out, query);
		sb_printf(out, ",\"count\":%zu,\"leases\":[", n);
	}
	sb_append(out, found->buf, found->len);
	if (json)
		sb_puts(out, "]}\n");
	return 0;
}

static void
utc(struct strbuf *out, int64_t t)
{
	struct tm tm;
	time_t	 tt = (time_t)t;
	char	 buf[32];

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		sb_puts(out, "-");
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
	sb_puts(out, buf);
}

static void
relay_id(struct strbuf *out, const char *name, const uint8_t *v, size_t n)
{
	char	 clean[4 * LEASE_RELAY_ID_MAX + 1];

	if (n == 0)
		return;
	log_sanitize(v, n, clean, sizeof(clean));
	sb_printf(out, "  %s \"%s\" (", name, clean);
	sb_hex(out, v, n);
	sb_puts(out, ")");
}

void
lease_find_text(struct strbuf *out, const struct lease *l, uint32_t subnet,
    uint8_t prefix, const char *primary, int64_t now)
{
	char	 hw[64];

	sb_ipv4(out, l->addr);
	sb_printf(out, "  %s  subnet ", lease_state_name(l->state));
	sb_ipv4(out, subnet);
	sb_printf(out, "/%u", prefix);
	if (primary != NULL)
		sb_printf(out, "  primary %s", primary);
	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	sb_printf(out, "\n  client   hwaddr %s", l->hlen ? hw : "-");
	if (l->key.len > 1 && l->key.bytes[0] == 'C') {
		sb_puts(out, "  client-id ");
		sb_hex(out, l->key.bytes + 1, l->key.len - 1u);
	}
	sb_printf(out, "  hostname %s\n  time     starts ",
	    l->hostname[0] ? l->hostname : "-");
	utc(out, l->starts);
	sb_puts(out, "  ends ");
	utc(out, l->ends);
	if (l->ends > now)
		sb_printf(out, " (in %lld s)", (long long)(l->ends - now));
	sb_puts(out, "  last contact ");
	utc(out, l->cltt);
	sb_puts(out, "\n  relay    giaddr ");
	if (l->relay.giaddr != 0)
		sb_ipv4(out, l->relay.giaddr);
	else
		sb_puts(out, "- (not relayed)");
	relay_id(out, "circuit-id", l->relay.circuit_id,
	    l->relay.circuit_len);
	relay_id(out, "remote-id", l->relay.remote_id, l->relay.remote_len);
	sb_printf(out, "\n  granted  by %s\n",
	    l->granted_by ? lease_origin_name(l->granted_by) : "unknown");
}
