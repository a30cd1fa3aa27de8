/*
 * A lease as text (lease_text.h): dhcpfo's CSV line, the JSON object with
 * the same names, and the CSV line read back.
 *
 * Writing goes through one table of columns, so the CSV and the JSON
 * cannot disagree on a field's form; reading checks every field and
 * refuses the whole line at the first bad one, so a line is either the
 * lease it describes or nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lease_text.h"

enum col {
	COL_ADDRESS, COL_HTYPE, COL_HWADDR, COL_CLIENT_ID, COL_STATE,
	COL_STARTS, COL_ENDS, COL_CLTT, COL_HOSTNAME, COL_GIADDR,
	COL_CIRCUIT_ID, COL_REMOTE_ID, COL_GRANTED_BY, COL_SUBNET,
	COL_PRIMARY, COL_COUNT
};

/* In LEASE_CSV_HEADER's order; `time`: also written as "NAME_utc". */
static const struct {
	const char	*name;
	bool		 number;
	bool		 time;
} cols[COL_COUNT] = {
	[COL_ADDRESS] = { "address", false, false },
	[COL_HTYPE] = { "htype", true, false },
	[COL_HWADDR] = { "hwaddr", false, false },
	[COL_CLIENT_ID] = { "client_id", false, false },
	[COL_STATE] = { "state", false, false },
	[COL_STARTS] = { "starts", true, true },
	[COL_ENDS] = { "ends", true, true },
	[COL_CLTT] = { "cltt", true, true },
	[COL_HOSTNAME] = { "hostname", false, false },
	[COL_GIADDR] = { "giaddr", false, false },
	[COL_CIRCUIT_ID] = { "circuit_id", false, false },
	[COL_REMOTE_ID] = { "remote_id", false, false },
	[COL_GRANTED_BY] = { "granted_by", false, false },
	[COL_SUBNET] = { "subnet", false, false },
	[COL_PRIMARY] = { "primary", false, false },
};

/* Widest field: a client id of 255 bytes as colon hex. */
#define FIELD_MAX	(3 * DHCP_CLIENT_KEY_MAX)

struct fields {
	char	v[COL_COUNT][FIELD_MAX];
};

static void
put_hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t	 i, o = 0;

	for (i = 0; i < n && o + 3 < FIELD_MAX; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = digits[b[i] >> 4];
		out[o++] = digits[b[i] & 15];
	}
	out[o] = '\0';
}

static void
put_ipv4(char *out, uint32_t a)
{
	snprintf(out, FIELD_MAX, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

/* Every column of l as text; numbers as decimal digits. */
static void
fields_of(const struct lease *l, const struct lease_text_ctx *ctx,
    struct fields *f)
{
	const struct lease_relay *r = &l->relay;
	bool	 cid = l->key.len > 1 && l->key.bytes[0] == 'C';

	memset(f, 0, sizeof(*f));
	put_ipv4(f->v[COL_ADDRESS], l->addr);
	snprintf(f->v[COL_HTYPE], FIELD_MAX, "%u", l->htype);
	put_hex(f->v[COL_HWADDR], l->chaddr,
	    l->hlen <= DHCP_CHADDR_LEN ? l->hlen : DHCP_CHADDR_LEN);
	if (cid)
		put_hex(f->v[COL_CLIENT_ID], l->key.bytes + 1,
		    (size_t)l->key.len - 1);
	snprintf(f->v[COL_STATE], FIELD_MAX, "%s",
	    lease_state_name((enum lease_state)l->state));
	snprintf(f->v[COL_STARTS], FIELD_MAX, "%lld", (long long)l->starts);
	snprintf(f->v[COL_ENDS], FIELD_MAX, "%lld", (long long)l->ends);
	snprintf(f->v[COL_CLTT], FIELD_MAX, "%lld", (long long)l->cltt);
	lease_hostname_clean((const uint8_t *)l->hostname,
	    strnlen(l->hostname, sizeof(l->hostname)), f->v[COL_HOSTNAME],
	    LEASE_HOSTNAME_MAX);
	if (r->giaddr != 0)
		put_ipv4(f->v[COL_GIADDR], r->giaddr);
	put_hex(f->v[COL_CIRCUIT_ID], r->circuit_id,
	    r->circuit_len <= LEASE_RELAY_ID_MAX ? r->circuit_len : 0);
	put_hex(f->v[COL_REMOTE_ID], r->remote_id,
	    r->remote_len <= LEASE_RELAY_ID_MAX ? r->remote_len : 0);
	snprintf(f->v[COL_GRANTED_BY], FIELD_MAX, "%s",
	    lease_origin_name((enum lease_origin)l->granted_by));
	if (ctx != NULL && (ctx->subnet != 0 || ctx->prefix != 0)) {
		put_ipv4(f->v[COL_SUBNET], ctx->subnet);
		snprintf(f->v[COL_SUBNET] + strlen(f->v[COL_SUBNET]), 5, "/%u",
		    ctx->prefix);
	}
	/* A configured name, held to the hostname rule so that it can never
	 * carry a comma or a quote into the line. */
	if (ctx != NULL && ctx->primary != NULL)
		lease_hostname_clean((const uint8_t *)ctx->primary,
		    strlen(ctx->primary), f->v[COL_PRIMARY], FIELD_MAX);
}

void
lease_text_csv(struct strbuf *out, const struct lease *l,
    const struct lease_text_ctx *ctx)
{
	struct fields f;

	fields_of(l, ctx, &f);
	for (int c = 0; c < COL_COUNT; c++) {
		if (c > 0)
			sb_append(out, ",", 1);
		sb_puts(out, f.v[c]);
	}
	sb_append(out, "\n", 1);
}

static void
json_utc(struct strbuf *out, const char *name, int64_t t)
{
	time_t	 tt = (time_t)t;
	struct tm tm;
	char	 key[32], buf[64] = "";

	if (gmtime_r(&tt, &tm) != NULL)
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(key, sizeof(key), "%s_utc", name);
	sb_puts(out, ",");
	sb_json_key(out, key);
	sb_json_str(out, buf);
}

void
lease_text_json(struct strbuf *out, const struct lease *l,
    const struct lease_text_ctx *ctx)
{
	const int64_t times[COL_COUNT] = {
		[COL_STARTS] = l->starts, [COL_ENDS] = l->ends,
		[COL_CLTT] = l->cltt,
	};
	struct fields f;

	fields_of(l, ctx, &f);
	sb_puts(out, "{");
	for (int c = 0; c < COL_COUNT; c++) {
		if (c > 0)
			sb_puts(out, ",");
		sb_json_key(out, cols[c].name);
		if (cols[c].number)
			sb_puts(out, f.v[c]);
		else
			sb_json_str(out, f.v[c]);
		if (cols[c].time)
			json_utc(out, cols[c].name, times[c]);
	}
	sb_puts(out, "}");
}

bool
lease_text_hex(const char *s, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	size_t	 i = 0, n = 0;

	*outlen = 0;
	if (len == 0)
		return true;
	for (;;) {
		int	 hi = i < len ? hex_digit(s[i]) : -1, lo;

		if (hi < 0 || n == cap)
			return false;
		i++;
		lo = i < len ? hex_digit(s[i]) : -1;
		if (lo >= 0) {
			out[n++] = (uint8_t)(hi << 4 | lo);
			i++;
		} else
			out[n++] = (uint8_t)hi;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
	}
	*outlen = n;
	return true;
}

bool
lease_text_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
lease_text_ipv4(const char *s, size_t len, uint32_t *out)
{
	uint32_t a = 0;
	size_t	 i = 0;

	for (int part = 0; part < 4; part++) {
		size_t	 j = i;
		uint64_t v;

		while (j < len && s[j] != '.')
			j++;
		/* "01" is not accepted: some readers take it as octal. */
		if (j - i > 3 || (j - i > 1 && s[i] == '0') ||
		    !lease_text_u64(s + i, j - i, 255, &v))
			return false;
		a = a << 8 | (uint32_t)v;
		if ((part < 3) != (j < len))
			return false;
		i = j + 1;
	}
	*out = a;
	return true;
}

/* A field of the line, not NUL-terminated. */
struct span {
	const char	*p;
	size_t		 n;
};

/* Exactly COL_COUNT comma-separated fields, else false. */
static bool
split(const char *line, struct span *f, int *count)
{
	const char *p = line;
	int	 n = 0;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t	 len = c != NULL ? (size_t)(c - p) : strlen(p);

		if (n < COL_COUNT)
			f[n] = (struct span){ p, len };
		n++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	*count = n;
	return n == COL_COUNT;
}

static bool
time_field(struct span s, int64_t *out)
{
	uint64_t v;

	if (!lease_text_u64(s.p, s.n, INT64_MAX, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* "" or network/prefix. */
static bool
subnet_field(struct span s)
{
	const char *slash = memchr(s.p, '/', s.n);
	uint32_t a;
	uint64_t pfx;

	if (s.n == 0)
		return true;
	return slash != NULL &&
	    lease_text_ipv4(s.p, (size_t)(slash - s.p), &a) &&
	    lease_text_u64(slash + 1, s.n - (size_t)(slash - s.p) - 1, 32,
	    &pfx);
}

/* A name field as a NUL-terminated string, or "" if it cannot be one. */
static void
name_of(struct span s, char *out, size_t cap)
{
	snprintf(out, cap, "%.*s", s.n < cap ? (int)s.n : 0, s.p);
}

/* Identity: hardware address, client id, the key built from them. */
static const char *
parse_identity(const struct span *f, struct lease *l)
{
	uint8_t	 cid[DHCP_CLIENT_KEY_MAX - 1];
	size_t	 n, cidlen;
	uint64_t v;

	if (!lease_text_u64(f[COL_HTYPE].p, f[COL_HTYPE].n, 255, &v))
		return "bad htype";
	l->htype = (uint8_t)v;
	if (!lease_text_hex(f[COL_HWADDR].p, f[COL_HWADDR].n, l->chaddr,
	    DHCP_CHADDR_LEN, &n))
		return "bad hwaddr";
	l->hlen = (uint8_t)n;
	if (!lease_text_hex(f[COL_CLIENT_ID].p, f[COL_CLIENT_ID].n, cid,
	    sizeof(cid), &cidlen))
		return "bad client_id";
	if (!dhcp_client_key_make(l->htype, l->hlen, l->chaddr, cid, cidlen,
	    &l->key) && (l->state == LEASE_BOUND ||
	    l->state == LEASE_OFFERED))
		return "no client identity (hwaddr or client_id)";
	return NULL;
}

static const char *
parse_relay(const struct span *f, struct lease *l)
{
	struct lease_relay *r = &l->relay;
	size_t	 n;

	if (f[COL_GIADDR].n > 0 &&
	    (!lease_text_ipv4(f[COL_GIADDR].p, f[COL_GIADDR].n, &r->giaddr) ||
	    r->giaddr == 0))
		return "bad giaddr";
	if (!lease_text_hex(f[COL_CIRCUIT_ID].p, f[COL_CIRCUIT_ID].n,
	    r->circuit_id, LEASE_RELAY_ID_MAX, &n))
		return "bad circuit_id";
	r->circuit_len = (uint8_t)n;
	if (!lease_text_hex(f[COL_REMOTE_ID].p, f[COL_REMOTE_ID].n,
	    r->remote_id, LEASE_RELAY_ID_MAX, &n))
		return "bad remote_id";
	r->remote_len = (uint8_t)n;
	return NULL;
}

static const char *
parse_fields(const struct span *f, struct lease *l)
{
	char	 name[32];
	const char *why;
	int	 v;

	if (!lease_text_ipv4(f[COL_ADDRESS].p, f[COL_ADDRESS].n, &l->addr) ||
	    l->addr == 0)
		return "bad address";
	name_of(f[COL_STATE], name, sizeof(name));
	if ((v = lease_state_from_name(name)) < 0)
		return "unknown state";
	l->state = (uint8_t)v;
	if ((why = parse_identity(f, l)) != NULL)
		return why;
	if (!time_field(f[COL_STARTS], &l->starts))
		return "bad starts";
	if (!time_field(f[COL_ENDS], &l->ends))
		return "bad ends";
	if (!time_field(f[COL_CLTT], &l->cltt))
		return "bad cltt";
	lease_hostname_clean((const uint8_t *)f[COL_HOSTNAME].p,
	    f[COL_HOSTNAME].n, l->hostname, sizeof(l->hostname));
	if ((why = parse_relay(f, l)) != NULL)
		return why;
	name_of(f[COL_GRANTED_BY], name, sizeof(name));
	if (f[COL_GRANTED_BY].n >= sizeof(name) ||
	    (v = lease_origin_from_name(name)) < 0)
		return "unknown granted_by";
	l->granted_by = (uint8_t)v;
	if (!subnet_field(f[COL_SUBNET]))
		return "bad subnet";
	return NULL;
}

bool
lease_text_csv_parse(const char *line, struct lease *l, char *why,
    size_t whylen)
{
	struct span f[COL_COUNT];
	const char *bad;
	int	 n;

	memset(l, 0, sizeof(*l));
	if (!split(line, f, &n)) {
		snprintf(why, whylen, "%d fields, expected %d", n, COL_COUNT);
		return false;
	}
	if ((bad = parse_fields(f, l)) != NULL) {
		memset(l, 0, sizeof(*l));
		snprintf(why, whylen, "%s", bad);
		return false;
	}
	return true;
}

bool
lease_text_csv_end(const char *line, unsigned long long *n)
{
	static const char pre[] = "# end: ", post[] = " bindings";
	size_t	 len = strlen(line), digits;
	uint64_t v;

	if (len < sizeof(pre) + sizeof(post) - 1 ||
	    strncmp(line, pre, sizeof(pre) - 1) != 0 ||
	    strcmp(line + len - (sizeof(post) - 1), post) != 0)
		return false;
	digits = len - (sizeof(pre) - 1) - (sizeof(post) - 1);
	if (!lease_text_u64(line + sizeof(pre) - 1, digits, UINT64_MAX, &v))
		return false;
	*n = v;
	return true;
}
