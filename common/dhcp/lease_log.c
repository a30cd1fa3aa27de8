/*
 * The lease log (see lease_log.h and docs/lease-log.md): the line's
 * format, the rate, and the ACK lines that wait for their batch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lease_log.h"
#include "log.h"

const char *
lease_log_kind_name(enum lease_log_kind k)
{
	static const char *const names[LEASE_LOG_KIND_COUNT] = {
		[LEASE_LOG_GRANT] = "grant", [LEASE_LOG_RENEW] = "renew",
		[LEASE_LOG_RELEASE] = "release",
		[LEASE_LOG_DECLINE] = "decline",
		[LEASE_LOG_EXPIRE] = "expire", [LEASE_LOG_NAK] = "nak",
	};

	if ((unsigned)k >= LEASE_LOG_KIND_COUNT)
		return "unknown";
	return names[k];
}

/* ------------------------------------------------------------ format */

/* A line being written: buf holds len characters and a NUL, never more
 * than cap bytes in all. */
struct line_out {
	char	*buf;
	size_t	 cap, len;
};

static void	put(struct line_out *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct line_out *o, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len += (size_t)n < o->cap - o->len ? (size_t)n :
	    o->cap - o->len - 1;
}

static void
put_addr(struct line_out *o, const char *key, uint32_t a)
{
	if (a == 0)
		put(o, " %s=-", key);
	else
		put(o, " %s=%u.%u.%u.%u", key, a >> 24, (a >> 16) & 0xff,
		    (a >> 8) & 0xff, a & 0xff);
}

/*
 * key=VALUE, VALUE as `fmt` writes the first LEASE_LOG_VALUE_MAX bytes
 * of v: log_hex (01:02:..) or log_quote ("..."); key=- without v.
 */
static void
put_value(struct line_out *o, const char *key, const void *v, size_t len,
    void (*fmt)(const void *, size_t, char *, size_t))
{
	put(o, " %s=", key);
	if (v == NULL) {
		put(o, "-");
		return;
	}
	fmt(v, len < LEASE_LOG_VALUE_MAX ? len : LEASE_LOG_VALUE_MAX,
	    o->buf + o->len, o->cap - o->len);
	o->len += strlen(o->buf + o->len);
}

/* hwaddr, client-id, hostname: the request's, else the record's. */
static void
put_client(struct line_out *o, const struct dhcp_msg *m,
    const struct lease *l)
{
	const uint8_t	*v = NULL;
	size_t		 len = 0;

	if (m != NULL && m->hlen > 0)
		put_value(o, "hwaddr", m->chaddr, m->hlen, log_hex);
	else
		put_value(o, "hwaddr", l != NULL && l->hlen > 0 ? l->chaddr :
		    NULL, l != NULL ? l->hlen : 0, log_hex);
	if (m != NULL)
		v = dhcp_opt_get(m, DHO_CLIENT_ID, &len);
	/* A record's identity is option 61 when its key says 'C'. */
	if (v == NULL && l != NULL && l->key.len > 1 &&
	    l->key.bytes[0] == 'C') {
		v = l->key.bytes + 1;
		len = l->key.len - 1u;
	}
	put_value(o, "client-id", len > 0 ? v : NULL, len, log_hex);
	v = m != NULL ? dhcp_opt_get(m, DHO_HOST_NAME, &len) : NULL;
	if (v == NULL && l != NULL && l->hostname[0] != '\0') {
		v = (const uint8_t *)l->hostname;
		len = strnlen(l->hostname, sizeof(l->hostname));
	}
	put_value(o, "hostname", v, len, log_quote);
}

/* giaddr, and the relay agent's option 82 sub-options 1 and 2. */
static void
put_relay(struct line_out *o, const struct dhcp_msg *m)
{
	const uint8_t	*v = NULL, *s;
	size_t		 len = 0, slen = 0;

	put_addr(o, "giaddr", m != NULL ? m->giaddr : 0);
	if (m != NULL)
		v = dhcp_opt_get(m, DHO_RELAY_AGENT_INFO, &len);
	s = v != NULL ? dhcp_subopt_get(v, len, 1, &slen) : NULL;
	put_value(o, "circuit-id", s, slen, log_quote);
	s = v != NULL ? dhcp_subopt_get(v, len, 2, &slen) : NULL;
	put_value(o, "remote-id", s, slen, log_quote);
}

size_t
lease_log_format(const struct lease_log_event *ev, const char *server,
    char *out, size_t outlen)
{
	struct line_out o = { .buf = out, .cap = outlen, .len = 0 };
	const struct cfg_subnet *s = ev->subnet;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	put(&o, "lease %s", lease_log_kind_name(ev->kind));
	put_addr(&o, "addr", ev->addr);
	put_client(&o, ev->req, ev->lease);
	put_relay(&o, ev->req);
	if (s != NULL)
		put(&o, " subnet=%u.%u.%u.%u/%u", s->network >> 24,
		    (s->network >> 16) & 0xff, (s->network >> 8) & 0xff,
		    s->network & 0xff, s->prefix);
	else
		put(&o, " subnet=-");
	put(&o, " server=%s", server);
	if (ev->kind == LEASE_LOG_GRANT || ev->kind == LEASE_LOG_RENEW) {
		if (ev->lease_secs != 0)
			put(&o, " lease=%u", ev->lease_secs);
		else
			put(&o, " lease=-");
	}
	if (ev->kind == LEASE_LOG_NAK)
		put_value(&o, "reason", ev->reason, ev->reason_len, log_quote);
	return o.len;
}

/* -------------------------------------------------------- the rate */

static void
emit_info(void *arg, const char *line)
{
	(void)arg;
	log_info("%s", line);
}

void
lease_log_init(struct lease_log *ll, const char *server,
    lease_log_emit_cb *emit, void *emit_arg)
{
	memset(ll, 0, sizeof(*ll));
	snprintf(ll->server, sizeof(ll->server), "%s", server);
	ll->emit = emit != NULL ? emit : emit_info;
	ll->emit_arg = emit_arg;
}

void
lease_log_set(struct lease_log *ll, bool on, unsigned rate)
{
	if (rate != ll->rate || (on && !ll->on)) {
		ll->tokens = rate;
		ll->filled = 0;
	}
	ll->on = on;
	ll->rate = rate;
}

void
lease_log_free(struct lease_log *ll)
{
	free(ll->batch);
	ll->batch = NULL;
	ll->batch_len = ll->batch_cap = ll->batch_lines = 0;
}

/* `rate` tokens a second since the last top-up, a second's worth at most
 * (a clock that went back adds nothing). */
static void
refill(struct lease_log *ll, double now)
{
	if (now > ll->filled) {
		ll->tokens += (now - ll->filled) * ll->rate;
		if (ll->tokens > ll->rate)
			ll->tokens = ll->rate;
	}
	ll->filled = now;
}

static bool
take(struct lease_log *ll, double now)
{
	if (ll->rate == 0)
		return true;
	refill(ll, now);
	if (ll->tokens < 1)
		return false;
	ll->tokens -= 1;
	return true;
}

static void
flush_summary(struct lease_log *ll)
{
	char	 s[64];

	if (ll->held_back == 0)
		return;
	snprintf(s, sizeof(s), "lease log: %llu line%s suppressed",
	    (unsigned long long)ll->held_back, ll->held_back == 1 ? "" : "s");
	ll->emit(ll->emit_arg, s);
	ll->held_back = 0;
}

static void
write_line(struct lease_log *ll, const char *line)
{
	ll->emit(ll->emit_arg, line);
	ll->stats.lines++;
}

static void
suppress(struct lease_log *ll, uint64_t n)
{
	ll->stats.suppressed += n;
	ll->held_back += n;
}

static void
log_now(struct lease_log *ll, double now, const struct lease_log_event *ev)
{
	if (!take(ll, now)) {
		suppress(ll, 1);
		return;
	}
	(void)lease_log_format(ev, ll->server, ll->line, sizeof(ll->line));
	write_line(ll, ll->line);
}

/*
 * The summary of what was held back comes once a second at most, from
 * the daemon's tick, whether or not the bucket has a token: a line per
 * summary before every line let through would double the log under a
 * sustained flood, which is when the limit matters.
 */
void
lease_log_tick(struct lease_log *ll, double now)
{
	if (ll->held_back == 0 ||
	    (ll->summarised != 0 && now - ll->summarised < 1.0))
		return;
	flush_summary(ll);
	ll->summarised = now;
}

/* ------------------------------------------------------- the events */

/* The change of res to `state` (at addr unless addr is 0), or NULL. */
static const struct lease *
change_to(const struct engine_result *res, uint8_t state, uint32_t addr)
{
	for (size_t i = 0; i < res->nchanges; i++)
		if (res->changes[i].state == state &&
		    (addr == 0 || res->changes[i].addr == addr))
			return &res->changes[i];
	return NULL;
}

static const struct cfg_subnet *
subnet_of(const struct engine_result *res)
{
	return res->pool != NULL ? pool_subnet(res->pool) : NULL;
}

void
lease_log_result(struct lease_log *ll, double now,
    const struct dhcp_msg *req, const struct engine_result *res)
{
	struct lease_log_event ev = { .req = req };

	if (!ll->on)
		return;
	ev.subnet = subnet_of(res);
	if (res->action == ENGINE_REPLY && res->reply.msg_type == DHCPNAK) {
		ev.kind = LEASE_LOG_NAK;
		if (!dhcp_opt_get_u32(req, DHO_REQUESTED_ADDRESS, &ev.addr))
			ev.addr = req->ciaddr;
		ev.reason = dhcp_opt_get(&res->reply, DHO_MESSAGE,
		    &ev.reason_len);
	} else if (res->action == ENGINE_NONE &&
	    (req->msg_type == DHCPRELEASE || req->msg_type == DHCPDECLINE)) {
		ev.kind = req->msg_type == DHCPRELEASE ? LEASE_LOG_RELEASE :
		    LEASE_LOG_DECLINE;
		ev.lease = change_to(res, req->msg_type == DHCPRELEASE ?
		    LEASE_RELEASED : LEASE_DECLINED, 0);
		if (ev.lease == NULL)
			return;
		ev.addr = ev.lease->addr;
	} else
		return;
	log_now(ll, now, &ev);
}

/* Room for one more line in the batch: 0, or -1 (out of memory). */
static int
batch_room(struct lease_log *ll)
{
	size_t	 ncap;
	char	*nb;

	if (ll->batch_cap - ll->batch_len >= LEASE_LOG_LINE_MAX)
		return 0;
	ncap = ll->batch_cap ? ll->batch_cap * 2 : 16 * LEASE_LOG_LINE_MAX;
	if ((nb = realloc(ll->batch, ncap)) == NULL)
		return -1;
	ll->batch = nb;
	ll->batch_cap = ncap;
	return 0;
}

void
lease_log_ack(struct lease_log *ll, double now, const struct dhcp_msg *req,
    const struct engine_result *res)
{
	struct lease_log_event ev = { .req = req };
	size_t	 n;

	if (!ll->on)
		return;
	/* Over the rate, or no room: counted with the batch, so a lost
	 * batch leaves no trace in the counters either. */
	if (!take(ll, now)) {
		ll->batch_suppressed++;
		return;
	}
	if (batch_room(ll) < 0) {
		if (ll->rate != 0)
			ll->tokens += 1;
		ll->batch_suppressed++;
		return;
	}
	ev.kind = res->renewed ? LEASE_LOG_RENEW : LEASE_LOG_GRANT;
	ev.addr = res->reply.yiaddr;
	ev.lease = change_to(res, LEASE_BOUND, ev.addr);
	ev.subnet = subnet_of(res);
	if (ev.lease != NULL && ev.lease->ends > ev.lease->starts &&
	    ev.lease->ends - ev.lease->starts <= UINT32_MAX)
		ev.lease_secs = (uint32_t)(ev.lease->ends - ev.lease->starts);
	n = lease_log_format(&ev, ll->server, ll->batch + ll->batch_len,
	    LEASE_LOG_LINE_MAX);
	ll->batch_len += n + 1;
	ll->batch_lines++;
}

void
lease_log_batch_end(struct lease_log *ll, bool committed)
{
	if (ll->batch_lines == 0 && ll->batch_suppressed == 0)
		return;
	if (committed) {
		for (size_t off = 0; off < ll->batch_len;
		    off += strlen(ll->batch + off) + 1)
			write_line(ll, ll->batch + off);
		suppress(ll, ll->batch_suppressed);
	} else if (ll->rate != 0) {
		/* Lines never written give their tokens back. */
		ll->tokens += (double)ll->batch_lines;
		if (ll->tokens > ll->rate)
			ll->tokens = ll->rate;
	}
	ll->batch_len = 0;
	ll->batch_lines = 0;
	ll->batch_suppressed = 0;
}

void
lease_log_expired(struct lease_log *ll, double now, const struct pool *p,
    const struct lease *l)
{
	struct lease_log_event ev = { .kind = LEASE_LOG_EXPIRE };

	/* BOUND -> EXPIRED only (offers and quarantines running out are
	 * no binding's end), and only where we serve: the server serving
	 * a subnet is the one to say its bindings ended. */
	if (!ll->on || l->state != LEASE_EXPIRED || !pool_is_serving(p))
		return;
	ev.addr = l->addr;
	ev.lease = l;
	ev.subnet = pool_subnet(p);
	log_now(ll, now, &ev);
}
