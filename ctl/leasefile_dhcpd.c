/*
 * ISC dhcpd's lease file (dhcpd.leases(5), dhcpd 4.x).  The file is a
 * log: dhcpd appends a `lease ADDRESS { ... }` block at every change and
 * rewrites the file now and then, so the last block of an address is its
 * state (leasefile.h).  Every other top-level statement or block
 * (authoring-byte-order, server-duid, failover peer state, host) says
 * nothing about a binding and is skipped.
 *
 * In a lease block:
 *	starts, ends, cltt	the lease's times (cltt defaults to starts);
 *	tstp, tsfp, atsfp	checked, not kept.  A date is "W YYYY/MM/DD
 *				HH:MM:SS" (UTC), "epoch N" (db-time-format
 *				local) or "never", which no import can hold
 *	binding state		active -> bound; abandoned -> declined (the
 *				address answered a ping or was declined:
 *				it stays quarantined until ends); any other
 *				state has no binding to carry over
 *	hardware TYPE XX:..	ethernet, token-ring, fddi, infiniband
 *	uid			option 61, a string or colon hex
 *	client-hostname		option 12
 *	option agent.circuit-id, agent.remote-id	option 82's, kept
 * Anything else (next/rewind binding state, set, on ... { }, bootp,
 * other options) is read past.  A bad value refuses the whole block.
 */
#include <string.h>

#include "dhcpd_lex.h"
#include "lease_text.h"
#include "leasefile.h"

#define STMT_WORDS	8	/* the longest statement used has 5 words */

struct stmt {
	unsigned long	 line;
	enum lf_tok	 end;		/* ; { } or end of file */
	int		 n;		/* words kept (up to STMT_WORDS) */
	const char	*why;		/* a token the lexer refused */
	struct word {
		enum lf_tok	 t;
		size_t		 len;
		char		 text[LF_TOK_MAX + 1];
	} w[STMT_WORDS];
};

/* A lease block as it is read. */
struct block {
	unsigned long	 line;		/* of `lease ADDRESS {` */
	const char	*why;		/* first problem, or NULL */
	unsigned long	 why_line;
	bool		 has_starts, has_ends, has_cltt, has_hw;
	char		 state[16];	/* binding state, "" if none */
	char		 msg[48];	/* "not active: STATE" */
	uint8_t		 uid[DHCP_CLIENT_KEY_MAX - 1];
	size_t		 uidlen;
	struct lease	 l;
};

struct drd {
	struct lf_lex	 lx;
	struct stmt	 st;
	struct block	 b;
	const struct lf_sink *sink;
	struct lf_last	*last;
	bool		 second;	/* the pass that reports */
	bool		 full;		/* the index could not grow */
};

/* Statements: words up to ; { } or the end of the file. */
static void
read_stmt(struct drd *rd)
{
	struct stmt	*s = &rd->st;
	enum lf_tok	 t;

	s->n = 0;
	s->why = NULL;
	s->line = 0;
	for (;;) {
		t = lf_lex_next(&rd->lx);
		if (s->line == 0)
			s->line = rd->lx.tok_line;
		if (t == LF_T_BAD) {
			if (s->why == NULL)
				s->why = rd->lx.why;
			continue;
		}
		if (t != LF_T_WORD && t != LF_T_STRING)
			break;
		if (s->n == STMT_WORDS) {
			if (s->why == NULL)
				s->why = "statement too long";
			continue;
		}
		s->w[s->n].t = t;
		s->w[s->n].len = rd->lx.len;
		memcpy(s->w[s->n].text, rd->lx.text, rd->lx.len + 1);
		s->n++;
	}
	s->end = t;
}

static bool
is(const struct stmt *s, int i, const char *word)
{
	return i < s->n && s->w[i].t == LF_T_WORD &&
	    strcmp(s->w[i].text, word) == 0;
}

/* Past the '}' that closes a block whose '{' was read: false at EOF. */
static bool
skip_block(struct drd *rd)
{
	unsigned long	 depth = 1;

	while (depth > 0) {
		switch (lf_lex_next(&rd->lx)) {
		case LF_T_EOF:
			return false;
		case LF_T_LBRACE:
			depth++;
			break;
		case LF_T_RBRACE:
			depth--;
			break;
		default:
			break;
		}
	}
	return true;
}

static void
report(struct drd *rd, unsigned long line, enum lf_refusal k,
    const char *why)
{
	if (rd->second)
		rd->sink->refuse(rd->sink->arg, line, k, why);
}

static void
bad(struct block *b, unsigned long line, const char *why)
{
	if (b->why == NULL) {
		b->why = why;
		b->why_line = line;
	}
}

/* ---- values ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n numbers of up to 4 digits separated by sep, covering s exactly. */
static bool
numbers(const char *s, char sep, int n, unsigned *out)
{
	for (int i = 0; i < n; i++) {
		size_t	 len = strcspn(s, (char[]){ sep, '\0' });
		uint64_t v;

		if (len > 4 || !lease_text_u64(s, len, 9999, &v))
			return false;
		out[i] = (unsigned)v;
		s += len;
		if ((*s == sep) != (i < n - 1))
			return false;
		s += *s == sep;
	}
	return *s == '\0';
}

/* "W YYYY/MM/DD HH:MM:SS" or "epoch N" as Unix seconds; "never": -1. */
static bool
date(const struct stmt *s, int64_t *out)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	unsigned ymd[3], hms[3];
	uint64_t v;

	if (s->n == 2 && is(s, 1, "never")) {
		*out = -1;
		return true;
	}
	if (s->n == 3 && is(s, 1, "epoch")) {
		if (!lease_text_u64(s->w[2].text, s->w[2].len, INT64_MAX, &v))
			return false;
		*out = (int64_t)v;
		return true;
	}
	if (s->n != 4 || s->w[1].len != 1 || s->w[1].text[0] < '0' ||
	    s->w[1].text[0] > '6' || !numbers(s->w[2].text, '/', 3, ymd) ||
	    !numbers(s->w[3].text, ':', 3, hms))
		return false;
	if (ymd[0] < 1970 || ymd[1] < 1 || ymd[1] > 12 || ymd[2] < 1 ||
	    ymd[2] > mdays[ymd[1] - 1] || hms[0] > 23 || hms[1] > 59 ||
	    hms[2] > 60)
		return false;
	if (ymd[1] == 2 && ymd[2] == 29 && (ymd[0] % 4 != 0 ||
	    (ymd[0] % 100 == 0 && ymd[0] % 400 != 0)))
		return false;
	*out = days_from_civil(ymd[0], ymd[1], ymd[2]) * 86400 +
	    hms[0] * 3600 + hms[1] * 60 + hms[2];
	return true;
}

/* A string's bytes, or a word's colon hex. */
static bool
bytes(const struct word *w, uint8_t *out, size_t cap, size_t *n)
{
	if (w->t == LF_T_STRING) {
		if (w->len > cap)
			return false;
		memcpy(out, w->text, w->len);
		*n = w->len;
		return true;
	}
	return lease_text_hex(w->text, w->len, out, cap, n);
}

static int
hw_type(const char *name)
{
	static const struct {
		const char	*name;
		int		 type;
	} types[] = {
		{ "ethernet", 1 }, { "token-ring", 6 }, { "fddi", 8 },
		{ "infiniband", 32 },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(name, types[i].name) == 0)
			return types[i].type;
	return -1;
}

/* option agent.circuit-id / agent.remote-id: kept cut, as the engine. */
static bool
relay_id(const struct word *w, uint8_t *id, uint8_t *idlen)
{
	uint8_t	 buf[LF_TOK_MAX];
	size_t	 n;

	if (!bytes(w, buf, sizeof(buf), &n))
		return false;
	memset(id, 0, LEASE_RELAY_ID_MAX);
	*idlen = (uint8_t)(n < LEASE_RELAY_ID_MAX ? n : LEASE_RELAY_ID_MAX);
	memcpy(id, buf, *idlen);
	return true;
}

/* ---- statements of a lease block ---- */

static const char *
time_stmt(struct block *b, const struct stmt *s)
{
	int64_t	 t;

	if (!date(s, &t))
		return "bad date";
	if (is(s, 0, "starts")) {
		b->l.starts = t;
		b->has_starts = true;
	} else if (is(s, 0, "ends")) {
		b->l.ends = t;
		b->has_ends = true;
	} else if (is(s, 0, "cltt")) {
		b->l.cltt = t;
		b->has_cltt = true;
	}
	return NULL;
}

static const char *
ident_stmt(struct block *b, const struct stmt *s)
{
	struct lease	*l = &b->l;
	size_t		 n;
	int		 t;

	if (is(s, 0, "hardware")) {
		if (s->n != 3 || (t = hw_type(s->w[1].text)) < 0)
			return "bad hardware type";
		/* A repeated statement replaces, leaving nothing behind. */
		memset(l->chaddr, 0, sizeof(l->chaddr));
		if (s->w[2].t != LF_T_WORD || !lease_text_hex(s->w[2].text,
		    s->w[2].len, l->chaddr, DHCP_CHADDR_LEN, &n) || n == 0)
			return "bad hardware address";
		l->htype = (uint8_t)t;
		l->hlen = (uint8_t)n;
		b->has_hw = true;
		return NULL;
	}
	if (s->n != 2 || !bytes(&s->w[1], b->uid, sizeof(b->uid),
	    &b->uidlen))
		return "bad uid";
	return NULL;
}

static const char *
lease_stmt(struct block *b, const struct stmt *s)
{
	static const char *const times[] = { "starts", "ends", "cltt",
	    "tstp", "tsfp", "atsfp" };
	struct lease_relay *r = &b->l.relay;

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if (is(s, 0, times[i]))
			return time_stmt(b, s);
	if (is(s, 0, "binding")) {
		if (s->n != 3 || !is(s, 1, "state") ||
		    s->w[2].len >= sizeof(b->state))
			return "bad binding state";
		memcpy(b->state, s->w[2].text, s->w[2].len + 1);
	} else if (is(s, 0, "hardware") || is(s, 0, "uid"))
		return ident_stmt(b, s);
	else if (is(s, 0, "client-hostname")) {
		if (s->n != 2 || s->w[1].t != LF_T_STRING)
			return "bad client-hostname";
		memset(b->l.hostname, 0, sizeof(b->l.hostname));
		lease_hostname_clean((const uint8_t *)s->w[1].text,
		    s->w[1].len, b->l.hostname, sizeof(b->l.hostname));
	} else if (is(s, 0, "option") && (is(s, 1, "agent.circuit-id") ||
	    is(s, 1, "agent.remote-id"))) {
		bool	 circuit = is(s, 1, "agent.circuit-id");

		if (s->n != 3 || !relay_id(&s->w[2], circuit ? r->circuit_id :
		    r->remote_id, circuit ? &r->circuit_len : &r->remote_len))
			return "bad relay agent option";
	}
	return NULL;
}

/* ---- a block read: the lease, or why not ---- */

static const char *
finish_state(struct block *b, enum lf_refusal *kind)
{
	if (b->state[0] == '\0')
		return "no binding state";
	if (strcmp(b->state, "active") == 0)
		b->l.state = LEASE_BOUND;
	else if (strcmp(b->state, "abandoned") == 0)
		b->l.state = LEASE_DECLINED;
	else if (strcmp(b->state, "free") == 0 ||
	    strcmp(b->state, "expired") == 0 ||
	    strcmp(b->state, "released") == 0 ||
	    strcmp(b->state, "backup") == 0 ||
	    strcmp(b->state, "reset") == 0 ||
	    strcmp(b->state, "bootp") == 0) {
		*kind = LF_NOT_ACTIVE;
		snprintf(b->msg, sizeof(b->msg), "not active: %s", b->state);
		return b->msg;
	} else
		return "unknown binding state";
	return NULL;
}

static const char *
finish(struct block *b, enum lf_refusal *kind)
{
	struct lease	*l = &b->l;
	const char	*why;

	*kind = LF_ERROR;
	if ((why = finish_state(b, kind)) != NULL)
		return why;
	if (!b->has_starts || !b->has_ends)
		return "no starts or ends";
	if (l->starts < 0 || l->ends < 0 || (b->has_cltt && l->cltt < 0))
		return "a time is 'never' (an infinite lease)";
	if (!b->has_cltt)
		l->cltt = l->starts;
	if (!dhcp_client_key_make(l->htype, l->hlen, l->chaddr, b->uid,
	    b->uidlen, &l->key) && l->state == LEASE_BOUND)
		return "no hardware address or uid";
	l->granted_by = LEASE_BY_IMPORT;
	return NULL;
}

static void
deliver(struct drd *rd, bool addr_ok)
{
	struct block	*b = &rd->b;
	enum lf_refusal	 kind = LF_ERROR;
	const char	*why = b->why;

	if (!rd->second) {
		if (addr_ok && !lf_last_put(rd->last, b->l.addr, b->line))
			rd->full = true;
		return;
	}
	if (addr_ok && !lf_last_is(rd->last, b->l.addr, b->line))
		return;			/* a later block of the address */
	if (why == NULL && (why = finish(b, &kind)) == NULL) {
		rd->sink->lease(rd->sink->arg, b->line, &b->l);
		return;
	}
	rd->sink->refuse(rd->sink->arg, b->why != NULL ? b->why_line :
	    b->line, kind, why);
}

/* The statements of `lease ADDRESS {`, up to its '}'. */
static void
lease_block(struct drd *rd, const struct word *addr)
{
	struct block	*b = &rd->b;
	struct stmt	*s = &rd->st;
	const char	*why;
	bool		 addr_ok;

	memset(b, 0, sizeof(*b));
	b->line = s->line;
	addr_ok = addr->t == LF_T_WORD && lease_text_ipv4(addr->text,
	    addr->len, &b->l.addr) && b->l.addr != 0;
	if (s->why != NULL)
		bad(b, b->line, s->why);
	if (!addr_ok)
		bad(b, b->line, "bad lease address");
	for (;;) {
		read_stmt(rd);
		if (s->why != NULL)
			bad(b, s->line, s->why);
		if (s->end == LF_T_EOF) {
			bad(b, b->line, "lease block cut short (no '}')");
			break;
		}
		if (s->end == LF_T_RBRACE) {
			if (s->n > 0)
				bad(b, s->line, "statement without ';'");
			break;
		}
		if (s->end == LF_T_LBRACE) {
			if (!skip_block(rd)) {
				bad(b, b->line, "lease block cut short "
				    "(no '}')");
				break;
			}
		} else if (s->n > 0 && (why = lease_stmt(b, s)) != NULL)
			bad(b, s->line, why);
	}
	deliver(rd, addr_ok);
}

/* One top-level statement or block; false at the end of the file. */
static bool
top_level(struct drd *rd)
{
	struct stmt	*s = &rd->st;
	unsigned long	 line;

	read_stmt(rd);
	line = s->line;
	if (s->why != NULL && !(s->end == LF_T_LBRACE && is(s, 0, "lease")))
		report(rd, line, LF_ERROR, s->why);
	switch (s->end) {
	case LF_T_EOF:
		if (s->n > 0)
			report(rd, line, LF_ERROR, "statement cut short at "
			    "the end of the file");
		return false;
	case LF_T_RBRACE:
		report(rd, line, LF_ERROR, "'}' without a block");
		return true;
	case LF_T_LBRACE:
		if (is(s, 0, "lease") && s->n == 2) {
			struct word addr = s->w[1];

			lease_block(rd, &addr);
		} else {
			if (is(s, 0, "lease"))
				report(rd, line, LF_ERROR, "bad lease line "
				    "(expected 'lease ADDRESS {')");
			if (!skip_block(rd))
				report(rd, line, LF_ERROR, "block cut short "
				    "(no '}')");
		}
		return true;
	default:
		return true;		/* a statement: nothing to import */
	}
}

static int
pass(void *arg, FILE *f, const struct lf_sink *sink, struct lf_last *last,
    bool second, char *err, size_t errlen)
{
	struct drd	*rd = arg;

	lf_lex_init(&rd->lx, f);
	rd->sink = sink;
	rd->last = last;
	rd->second = second;
	while (top_level(rd) && !rd->full)
		;
	if (rd->full) {
		snprintf(err, errlen, "out of memory at line %lu",
		    rd->lx.line);
		return -1;
	}
	if (rd->lx.io_error) {
		snprintf(err, errlen, "read error at line %lu", rd->lx.line);
		return -1;
	}
	return 0;
}

int
lf_read_dhcpd(FILE *f, const struct lf_sink *sink, char *err, size_t errlen)
{
	return lf_two_passes(f, sink, sizeof(struct drd), pass, err, errlen);
}
