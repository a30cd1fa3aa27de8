/*
 * Kea's memfile lease file (kea-leases4.csv), version 2.x: a header
 * naming the columns, then one row per change of a lease, appended; a
 * later row of an address supersedes the earlier ones (leasefile.h), and
 * a row with valid_lifetime 0 says the lease was deleted.  Columns are
 * found by name, so the columns later versions add (pool_id, ...) do not
 * matter; a header may come again (files concatenated, oldest first).
 * Kea writes a comma inside a field as "&#x2c" (any byte as &#xHH).
 *
 *	state 0 (default)	-> bound
 *	state 1 (declined)	-> declined: quarantined until expire
 *	state 2 (reclaimed)	-> not imported
 *	cltt = expire - valid_lifetime = starts; ends = expire
 *
 * Kea keeps no hardware type: every hardware address is Ethernet's.
 */
#include <string.h>

#include "lease_text.h"
#include "leasefile.h"

enum kcol {
	K_ADDRESS, K_HWADDR, K_CLIENT_ID, K_VALID, K_EXPIRE, K_STATE,
	K_HOSTNAME, K_COUNT
};

static const char *const kcol_names[K_COUNT] = {
	"address", "hwaddr", "client_id", "valid_lifetime", "expire",
	"state", "hostname"
};

#define KEA_COLS_MAX	64
#define KEA_HTYPE	1		/* Ethernet */
#define KEA_INFINITE	0xffffffffULL	/* valid_lifetime: never expires */

struct span {
	const char	*p;
	size_t		 n;
};

struct kea_rd {
	struct lf_lines	 ln;
	const struct lf_sink *sink;
	struct lf_last	*last;
	bool		 second;	/* the pass that reports */
	bool		 stop;		/* no usable header: nothing to read */
	bool		 full;		/* the index could not grow */
	int		 ncols;		/* 0: no header yet */
	int		 idx[K_COUNT];	/* column of each field, -1: none */
	struct span	 f[KEA_COLS_MAX];
};

static void
refuse(struct kea_rd *rd, enum lf_refusal kind, const char *why)
{
	if (rd->second)
		rd->sink->refuse(rd->sink->arg, rd->ln.no, kind, why);
}

/* Split buf at commas; the field count, or KEA_COLS_MAX + 1 if more. */
static int
split(const char *s, struct span *f)
{
	int	 n = 0;

	for (;;) {
		const char *c = strchr(s, ',');
		size_t	 len = c != NULL ? (size_t)(c - s) : strlen(s);

		if (n == KEA_COLS_MAX)
			return KEA_COLS_MAX + 1;
		f[n++] = (struct span){ s, len };
		if (c == NULL)
			return n;
		s = c + 1;
	}
}

static void
header(struct kea_rd *rd)
{
	int	 n = split(rd->ln.buf, rd->f), k, i;

	rd->ncols = 0;
	for (k = 0; k < K_COUNT; k++) {
		rd->idx[k] = -1;
		for (i = 0; i < n && i < KEA_COLS_MAX; i++)
			if (rd->f[i].n == strlen(kcol_names[k]) &&
			    memcmp(rd->f[i].p, kcol_names[k], rd->f[i].n) == 0)
				rd->idx[k] = i;
		if (rd->idx[k] < 0 && k != K_HOSTNAME) {
			refuse(rd, LF_ERROR, "header without a column this "
			    "reader needs (address, hwaddr, client_id, "
			    "valid_lifetime, expire, state)");
			rd->stop = true;
			return;
		}
	}
	if (n > KEA_COLS_MAX) {
		refuse(rd, LF_ERROR, "header with too many columns");
		rd->stop = true;
		return;
	}
	rd->ncols = n;
}

/* Field k with Kea's &#xHH escapes undone, NUL-terminated. */
static size_t
field(const struct kea_rd *rd, enum kcol k, char *out, size_t cap)
{
	const struct span *s;
	size_t	 i, n = 0, one;
	uint8_t	 b;

	out[0] = '\0';
	if (rd->idx[k] < 0)
		return 0;
	s = &rd->f[rd->idx[k]];
	for (i = 0; i < s->n && n + 1 < cap; i++) {
		if (s->n - i >= 5 && memcmp(s->p + i, "&#x", 3) == 0 &&
		    lease_text_hex(s->p + i + 3, 2, &b, 1, &one)) {
			out[n++] = (char)b;
			i += 4;
		} else
			out[n++] = s->p[i];
	}
	out[n] = '\0';
	return n;
}

static bool
num_field(const struct kea_rd *rd, enum kcol k, uint64_t max, uint64_t *v)
{
	char	 buf[32];
	size_t	 n = field(rd, k, buf, sizeof(buf));

	return lease_text_u64(buf, n, max, v);
}

static bool
address(const struct kea_rd *rd, uint32_t *a)
{
	char	 buf[32];
	size_t	 n = field(rd, K_ADDRESS, buf, sizeof(buf));

	return lease_text_ipv4(buf, n, a) && *a != 0;
}

/* Hardware address, client id, the key; hostname. */
static const char *
identity(const struct kea_rd *rd, struct lease *l)
{
	char	 buf[LF_LINE_MAX];
	uint8_t	 cid[DHCP_CLIENT_KEY_MAX - 1];
	size_t	 n, cidlen;

	n = field(rd, K_HWADDR, buf, sizeof(buf));
	if (!lease_text_hex(buf, n, l->chaddr, DHCP_CHADDR_LEN, &n))
		return "bad hwaddr";
	l->htype = KEA_HTYPE;
	l->hlen = (uint8_t)n;
	n = field(rd, K_CLIENT_ID, buf, sizeof(buf));
	if (!lease_text_hex(buf, n, cid, sizeof(cid), &cidlen))
		return "bad client_id";
	if (!dhcp_client_key_make(l->htype, l->hlen, l->chaddr, cid, cidlen,
	    &l->key) && l->state == LEASE_BOUND)
		return "no client identity (hwaddr or client_id)";
	n = field(rd, K_HOSTNAME, buf, sizeof(buf));
	lease_hostname_clean((const uint8_t *)buf, n, l->hostname,
	    sizeof(l->hostname));
	return NULL;
}

/* The row in rd->f as a lease: NULL, or why not (*kind). */
static const char *
row(const struct kea_rd *rd, struct lease *l, enum lf_refusal *kind)
{
	uint64_t valid, expire, state;

	*kind = LF_ERROR;
	memset(l, 0, sizeof(*l));
	if (!address(rd, &l->addr))
		return "bad address";
	if (!num_field(rd, K_VALID, UINT32_MAX, &valid))
		return "bad valid_lifetime";
	if (!num_field(rd, K_EXPIRE, INT64_MAX, &expire))
		return "bad expire";
	if (!num_field(rd, K_STATE, 255, &state) || state > 2)
		return "unknown state";
	*kind = LF_NOT_ACTIVE;
	if (valid == 0)
		return "not active: deleted";
	if (state == 2)
		return "not active: expired-reclaimed";
	*kind = LF_ERROR;
	if (valid == KEA_INFINITE)
		return "infinite lease (valid_lifetime 4294967295)";
	if (expire < valid)
		return "expire before valid_lifetime";
	l->state = state == 0 ? LEASE_BOUND : LEASE_DECLINED;
	l->ends = (int64_t)expire;
	l->starts = l->cltt = (int64_t)(expire - valid);
	l->granted_by = LEASE_BY_IMPORT;
	return identity(rd, l);
}

static void
data_line(struct kea_rd *rd)
{
	struct lease	 l;
	enum lf_refusal	 kind;
	const char	*why;
	int		 n = split(rd->ln.buf, rd->f);
	char		 msg[64];

	if (n != rd->ncols) {
		snprintf(msg, sizeof(msg), "%d fields, the header has %d",
		    n > KEA_COLS_MAX ? KEA_COLS_MAX + 1 : n, rd->ncols);
		refuse(rd, LF_ERROR, msg);
		return;
	}
	if (!address(rd, &l.addr)) {
		refuse(rd, LF_ERROR, "bad address");
		return;
	}
	if (!rd->second) {
		if (!lf_last_put(rd->last, l.addr, rd->ln.no))
			rd->stop = rd->full = true;
		return;
	}
	if (!lf_last_is(rd->last, l.addr, rd->ln.no))
		return;			/* superseded by a later row */
	if ((why = row(rd, &l, &kind)) != NULL)
		rd->sink->refuse(rd->sink->arg, rd->ln.no, kind, why);
	else
		rd->sink->lease(rd->sink->arg, rd->ln.no, &l);
}

static void
one_line(struct kea_rd *rd)
{
	const char *why = lf_lines_problem(&rd->ln);

	if (why != NULL)
		refuse(rd, LF_ERROR, why);
	else if (rd->ln.buf[strspn(rd->ln.buf, " \t")] == '\0')
		return;
	else if (strncmp(rd->ln.buf, "address,", 8) == 0)
		header(rd);
	else if (rd->ncols == 0) {
		refuse(rd, LF_ERROR, "not a Kea lease file: no header "
		    "(address,hwaddr,client_id,...)");
		rd->stop = true;
	} else
		data_line(rd);
}

static int
pass(void *arg, FILE *f, const struct lf_sink *sink, struct lf_last *last,
    bool second, char *err, size_t errlen)
{
	struct kea_rd	*rd = arg;
	int		 rc = 0;

	lf_lines_init(&rd->ln, f);
	rd->sink = sink;
	rd->last = last;
	rd->second = second;
	rd->ncols = 0;
	rd->stop = false;
	while (!rd->stop && (rc = lf_lines_next(&rd->ln)) > 0)
		one_line(rd);
	if (rd->full) {
		snprintf(err, errlen, "out of memory at line %lu", rd->ln.no);
		return -1;
	}
	if (!rd->stop && rc < 0) {
		snprintf(err, errlen, "read error after line %lu", rd->ln.no);
		return -1;
	}
	return 0;
}

int
lf_read_kea(FILE *f, const struct lf_sink *sink, char *err, size_t errlen)
{
	return lf_two_passes(f, sink, sizeof(struct kea_rd), pass, err, errlen);
}
