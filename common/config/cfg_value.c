/*
 * One value of a configuration file, parsed as its spec's type says
 * (enum cfg_type in config.h): numbers with their range, seconds and
 * percentages, IPv4 addresses and lists of them, CIDR blocks, address
 * ranges, an address and port to listen on, names, domain names, paths, interface lists, choices, hex
 * bytes.  A bad value is reported with what is allowed; a default that
 * fails its own spec is reported as a bug in the table.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "cfg_int.h"
#include "strbuf.h"

/* One value being parsed: where it came from, for messages. */
struct vctx {
	struct cfg_file		*f;
	const char		*section;
	const struct cfg_spec	*sp;
	const struct scan_ent	*e;	/* NULL: parsing the default */
};

static void
verr(const struct vctx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
verr(const struct vctx *v, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (v->e != NULL) {
		cfg_verror(v->f, v->section, v->sp->key, v->e, fmt, ap);
		va_end(ap);
		return;
	}
	/* A default that fails its own spec is a bug in the table. */
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	cfg_errs_add(v->f, "%s: [%s] %s: internal error: default \"%s\": %s",
	    v->f->path, v->section, v->sp->key, v->sp->def,
	    msg != NULL ? msg : "?");
	free(msg);
}

void
cfg_fmtnum(double d, char *buf, size_t len)
{
	snprintf(buf, len, "%.10g", d);
}

/* "must be 64..4096", "must be more than 0 and less than 100", ... */
static void
range_text(const struct cfg_spec *sp, char *buf, size_t len)
{
	char	 lo[32], hi[32], def[48] = "";
	const char *unit = sp->type == CFG_SECS ? " seconds" : "";

	cfg_fmtnum(sp->min, lo, sizeof(lo));
	cfg_fmtnum(sp->max, hi, sizeof(hi));
	if ((sp->flags & CFG_F_ZERO_DEF) && sp->def != NULL)
		snprintf(def, sizeof(def), " (0: the default, %s)", sp->def);
	if (sp->flags & (CFG_F_OPEN_MIN | CFG_F_OPEN_MAX))
		snprintf(buf, len, "must be %s %s and %s %s%s%s",
		    sp->flags & CFG_F_OPEN_MIN ? "more than" : "at least", lo,
		    sp->flags & CFG_F_OPEN_MAX ? "less than" : "at most", hi,
		    unit, def);
	else
		snprintf(buf, len, "must be %s..%s%s%s", lo, hi, unit, def);
}

/*
 * Decimal number, optionally with a fraction ("0.25").  No sign, exponent,
 * hex or octal, and no dependence on the locale's decimal point.
 * Returns 0, -1 (not a number) or -2 (has a fraction, !frac_ok).
 */
static int
parse_decimal(const char *s, bool frac_ok, double *out)
{
	double	 v = 0, scale = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		v = v * 10 + (*p - '0');
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
		if (!frac_ok)
			return *p == '\0' ? -2 : -1;
	}
	if (*p != '\0')
		return -1;
	*out = v;
	return 0;
}

/* "12.500" -> "12.5", "50.0" -> "50": zeros that parse to nothing. */
static void
trim_fraction(char *s)
{
	char	*end;

	if (strchr(s, '.') == NULL)
		return;
	end = s + strlen(s);
	while (end[-1] == '0')
		*--end = '\0';
	if (end[-1] == '.')
		end[-1] = '\0';
}

/*
 * Digits whose parse_decimal() is exactly x (0 < x < 2^53), chosen one
 * at a time as parse_decimal() adds them: each the largest that keeps
 * the sum at or below x.  Returns 0, or -1 if x is not reached within
 * len.
 */
static int
decimal_digits(double x, char *buf, size_t len)
{
	double	 v, scale = 1;
	size_t	 k, dot;
	int	 n;

	n = snprintf(buf, len, "%llu", (unsigned long long)x);
	if (n < 0 || (size_t)n + 2 >= len || parse_decimal(buf, false, &v) < 0)
		return -1;
	dot = (size_t)n;
	buf[dot] = '.';
	for (k = dot + 1; v != x && k + 1 < len; k++) {
		int	 d = 9;

		scale /= 10;
		while (d > 0 && v + d * scale > x)
			d--;
		v += d * scale;
		buf[k] = (char)('0' + d);
	}
	buf[k] = '\0';
	trim_fraction(buf);
	return v == x ? 0 : -1;
}

/* The positive double next to x, up or down (x positive, finite). */
static double
double_step(double x, bool up)
{
	uint64_t bits;

	memcpy(&bits, &x, sizeof(bits));
	bits = up ? bits + 1 : bits - 1;
	memcpy(&x, &bits, sizeof(x));
	return x;
}

int
cfg_percent_text(double ratio, char *buf, size_t len)
{
	double	 x = ratio * 100, d, cand[5];

	if (!(ratio > 0 && ratio < 1e13))
		return -1;
	/* The shortest of the usual forms, as a person would write it. */
	for (int prec = 0; prec <= 17; prec++) {
		snprintf(buf, len, "%.*f", prec, x);
		trim_fraction(buf);
		if (parse_decimal(buf, true, &d) == 0 && d / 100 == ratio)
			return 0;
	}
	/* Else digits that parse exactly to x, or to a neighbour of x
	 * that gives the same ratio. */
	cand[0] = x;
	cand[1] = double_step(x, false);
	cand[2] = double_step(x, true);
	cand[3] = double_step(cand[1], false);
	cand[4] = double_step(cand[2], true);
	for (size_t i = 0; i < NELEM(cand); i++)
		if (cand[i] / 100 == ratio &&
		    decimal_digits(cand[i], buf, len) == 0)
			return 0;
	buf[0] = '\0';
	return -1;
}

static bool
in_range(const struct cfg_spec *sp, double v)
{
	if ((sp->flags & CFG_F_OPEN_MIN) ? v <= sp->min : v < sp->min)
		return false;
	if ((sp->flags & CFG_F_OPEN_MAX) ? v >= sp->max : v > sp->max)
		return false;
	return true;
}

static void
store_uint(void *p, size_t size, uint64_t v)
{
	uint8_t	 u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static bool
parse_number(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	char	 range[128];
	double	 d;
	int	 rc;

	range_text(sp, range, sizeof(range));
	rc = parse_decimal(s, sp->type != CFG_UINT, &d);
	if (rc < 0) {
		verr(v, "%s, %s", rc == -2 ? "not a whole number" :
		    "not a number", range);
		return false;
	}
	/* WaitCtlRetSecs, WaitPollRplSecs: 0 means the default
	 * (docs/design.md §4). */
	if (d == 0 && (sp->flags & CFG_F_ZERO_DEF) && sp->def != NULL) {
		double def;
		if (parse_decimal(sp->def, true, &def) == 0)
			d = def;
	}
	if (!in_range(sp, d)) {
		verr(v, "%s", range);
		return false;
	}
	if (sp->type == CFG_UINT)
		store_uint(dst, sp->size, (uint64_t)d);
	else {
		if (sp->type == CFG_PERCENT)
			d /= 100;
		memcpy(dst, &d, sizeof(d));
	}
	return true;
}

static bool
parse_bool(const struct vctx *v, const char *s, void *dst)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	bool	 b;

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			b = strcasecmp(s, yes[i]) == 0;
			memcpy(dst, &b, sizeof(b));
			return true;
		}
	}
	verr(v, "must be true or false (or yes/no, on/off, 1/0)");
	return false;
}

static bool
addr_parse(const char *s, size_t len, uint32_t *out)
{
	char	 buf[INET_ADDRSTRLEN];
	struct in_addr in;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return false;
	*out = ntohl(in.s_addr);
	return true;
}

/* Usable as a host's, server's or router's own address. */
static bool
addr_unicast(uint32_t a)
{
	return (a >> 24) != 0 && a < 0xe0000000u;
}

const char *
cfg_addr_str(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

const char *
cfg_range_str(const struct cfg_range *r, char *buf, size_t len)
{
	char	 lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];

	if (r->lo == r->hi)
		snprintf(buf, len, "%s", cfg_addr_str(r->lo, lo));
	else
		snprintf(buf, len, "%s-%s", cfg_addr_str(r->lo, lo),
		    cfg_addr_str(r->hi, hi));
	return buf;
}

/*
 * A value split at commas into trimmed items (none for an empty value);
 * the items point into a private copy.  items_free() releases both, also
 * after items_split() failed.
 */
struct items {
	char	*copy;
	char	**v;
	size_t	 n;
};

static int
items_split(const char *s, struct items *it)
{
	size_t	 max = 1;
	char	*p, *tok;

	memset(it, 0, sizeof(*it));
	for (const char *c = s; *c != '\0'; c++)
		if (*c == ',')
			max++;
	if ((it->copy = strdup(s)) == NULL ||
	    (it->v = calloc(max, sizeof(*it->v))) == NULL)
		return -1;
	if (*cfg_strip(it->copy) == '\0')
		return 0;
	p = it->copy;
	while ((tok = strsep(&p, ",")) != NULL)
		it->v[it->n++] = cfg_strip(tok);
	return 0;
}

static void
items_free(struct items *it)
{
	free(it->copy);
	free(it->v);
}

/* Prefix naming the item, when the list has more than one. */
static const char *
item_pfx(const struct items *it, size_t i, char *buf, size_t len)
{
	char	 tmp[SHOW_LEN];

	if (it->n <= 1)
		return "";
	cfg_show_value(it->v[i], tmp);
	snprintf(buf, len, "%s: ", tmp);
	return buf;
}

static bool
items_count_ok(const struct vctx *v, const struct items *it, size_t cap)
{
	if (it->n > cap) {
		verr(v, "%zu entries, at most %zu allowed", it->n, cap);
		return false;
	}
	for (size_t i = 0; i < it->n; i++)
		if (it->v[i][0] == '\0') {
			verr(v, "empty entry in the comma-separated list");
			return false;
		}
	return true;
}

static bool
parse_addr_list(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 cap = sp->type == CFG_ADDR ? 1 : sp->size / sizeof(uint32_t);
	uint32_t out[256];
	struct items it;
	char	 pfx[SHOW_LEN + 2];
	bool	 ok = true;

	if (cap > 256)
		cap = 256;
	if (items_split(s, &it) < 0) {
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	if (sp->type == CFG_ADDR && it.n != 1) {
		verr(v, "not an IPv4 address");
		items_free(&it);
		return false;
	}
	if (!items_count_ok(v, &it, cap)) {
		items_free(&it);
		return false;
	}
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));

		if (!addr_parse(it.v[i], strlen(it.v[i]), &out[i])) {
			verr(v, "%snot an IPv4 address", p);
			ok = false;
		} else if ((sp->flags & CFG_F_UNICAST) &&
		    !addr_unicast(out[i])) {
			verr(v, "%smust be a unicast address (not 0.0.0.0/8, "
			    "multicast, reserved or broadcast)", p);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (out[j] == out[i]) {
				verr(v, "%slisted twice", p);
				ok = false;
			}
	}
	if (ok) {
		memcpy(dst, out, it.n * sizeof(uint32_t));
		if (np != NULL)
			*np = it.n;
	}
	items_free(&it);
	return ok;
}

static bool
parse_cidr(const struct vctx *v, const char *s, void *dst, uint8_t *prefix)
{
	const struct cfg_spec *sp = v->sp;
	const char *slash = strchr(s, '/');
	uint32_t a, mask;
	double	 len;
	char	 buf[INET_ADDRSTRLEN], lo[32], hi[32];

	cfg_fmtnum(sp->min, lo, sizeof(lo));
	cfg_fmtnum(sp->max, hi, sizeof(hi));
	if (slash == NULL || !addr_parse(s, (size_t)(slash - s), &a) ||
	    strlen(slash + 1) > 2 || parse_decimal(slash + 1, false, &len) < 0) {
		verr(v, "not ADDRESS/PREFIX (like 198.51.100.0/24)");
		return false;
	}
	if (len < sp->min || len > sp->max) {
		verr(v, "prefix length must be %s..%s", lo, hi);
		return false;
	}
	mask = len == 0 ? 0 : 0xffffffffu << (32 - (int)len);
	if ((a & ~mask) != 0) {
		verr(v, "host bits are set (did you mean %s/%d?)",
		    cfg_addr_str(a & mask, buf), (int)len);
		return false;
	}
	memcpy(dst, &a, sizeof(a));
	*prefix = (uint8_t)len;
	return true;
}

/*
 * ADDRESS:PORT to listen on; empty: none.  0.0.0.0 is every address of
 * the host (allowed, not advised: docs/metrics.md); an address no socket
 * can be bound to is refused here rather than at start.
 */
static bool
parse_addr_port(const struct vctx *v, const char *s, void *dst,
    uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	uint32_t a;
	double	 p;

	if (*s == '\0') {
		memset(dst, 0, sizeof(uint32_t));
		*port = 0;
		return true;
	}
	if (colon == NULL || strlen(colon + 1) > 5 ||
	    parse_decimal(colon + 1, false, &p) < 0) {
		verr(v, "not ADDRESS:PORT (like 127.0.0.1:9647)");
		return false;
	}
	if (!addr_parse(s, (size_t)(colon - s), &a)) {
		verr(v, "not an IPv4 address before the port (like "
		    "127.0.0.1:9647)");
		return false;
	}
	if (a >= 0xe0000000u) {
		verr(v, "cannot listen on a multicast, reserved or broadcast "
		    "address");
		return false;
	}
	if (p < 1 || p > 65535) {
		verr(v, "port must be 1..65535");
		return false;
	}
	memcpy(dst, &a, sizeof(a));
	*port = (uint16_t)p;
	return true;
}

static bool
parse_ranges(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 cap = sp->size / sizeof(struct cfg_range);
	struct cfg_range *out;
	struct items it;
	char	 pfx[SHOW_LEN + 2], a[40];
	bool	 ok = true;

	if ((out = calloc(cap + 1, sizeof(*out))) == NULL ||
	    items_split(s, &it) < 0) {
		free(out);
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	if ((sp->flags & CFG_F_REQUIRED) && it.n == 0) {
		verr(v, "must not be empty");
		ok = false;
	} else
		ok = items_count_ok(v, &it, cap);
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));
		char	*dash = strchr(it.v[i], '-');
		char	*l = it.v[i], *h = it.v[i];

		if (dash != NULL) {
			*dash = '\0';
			l = cfg_strip(it.v[i]);
			h = cfg_strip(dash + 1);
		}
		if (!addr_parse(l, strlen(l), &out[i].lo) ||
		    !addr_parse(h, strlen(h), &out[i].hi)) {
			if (dash != NULL)
				*dash = '-';
			verr(v, "%snot an IPv4 address range (A.B.C.D-A.B.C.D "
			    "or one address)", p);
			ok = false;
			break;
		}
		if (dash != NULL)
			*dash = '-';
		if (out[i].lo > out[i].hi) {
			verr(v, "%sstart is after end", p);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (out[j].lo <= out[i].hi && out[i].lo <= out[j].hi) {
				verr(v, "%soverlaps %s", p,
				    cfg_range_str(&out[j], a, sizeof(a)));
				ok = false;
			}
	}
	if (ok) {
		memcpy(dst, out, it.n * sizeof(*out));
		*np = it.n;
	}
	free(out);
	items_free(&it);
	return ok;
}

/* Text kinds: which characters, and how the allowed set is described. */
bool
cfg_text_char_ok(enum cfg_type t, unsigned char c)
{
	switch (t) {
	case CFG_NAME:
		return isalnum(c) || c == '_' || c == '.' || c == '-';
	case CFG_PATH:
	case CFG_STRING:
		return isprint(c);
	default:
		return false;
	}
}

/* RFC 1035 section 2.3.1 (letters, digits, hyphen), with RFC 1123's
 * leading digit; labels 1..63, no leading or trailing hyphen. */
static bool
domain_ok(const char *s)
{
	size_t	 lab = 0;
	char	 prev = '.';

	if (*s == '\0')
		return false;
	for (const char *p = s; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || prev == '-')
				return false;
			if (*p == '\0')
				return true;
			lab = 0;
		} else if (isalnum((unsigned char)*p) ||
		    (*p == '-' && lab > 0)) {
			lab++;
		} else
			return false;
		prev = *p;
	}
}

static bool
parse_text(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 len = strlen(s), maxlen = sp->size - 1, minlen;

	if (sp->max > 0 && (size_t)sp->max < maxlen)
		maxlen = (size_t)sp->max;
	minlen = (size_t)sp->min;
	if ((sp->flags & CFG_F_REQUIRED) && minlen == 0)
		minlen = 1;
	/* An empty value means "none", except for a path. */
	if (len == 0 && minlen == 0 && (sp->type != CFG_PATH ||
	    (sp->flags & CFG_F_EMPTY_NONE))) {
		memset(dst, 0, sp->size);
		return true;
	}
	switch (sp->type) {
	case CFG_NAME: {
		bool ok = len >= minlen && len <= maxlen;
		for (const char *p = s; *p != '\0' && ok; p++)
			ok = cfg_text_char_ok(sp->type, (unsigned char)*p);
		if (!ok) {
			verr(v, "must be %zu..%zu characters of A-Z a-z 0-9 "
			    "_ . -", minlen, maxlen);
			return false;
		}
		break;
	}
	case CFG_DOMAIN:
		if (!domain_ok(s)) {
			verr(v, "not a domain name (dot-separated labels of "
			    "1..63 letters, digits and inner '-')");
			return false;
		}
		if (len > maxlen) {
			verr(v, "longer than %zu characters", maxlen);
			return false;
		}
		break;
	case CFG_PATH:
		if (s[0] != '/') {
			verr(v, "must be an absolute path (starting with /)");
			return false;
		}
		/* FALLTHROUGH */
	default:
		for (const char *p = s; *p != '\0'; p++)
			if (!cfg_text_char_ok(sp->type, (unsigned char)*p)) {
				verr(v, "contains a control or non-ASCII "
				    "character");
				return false;
			}
		if (len == 0)
			verr(v, "must not be empty");
		else if (len < minlen)
			verr(v, "shorter than %zu characters", minlen);
		else if (len > maxlen)
			verr(v, "longer than %zu characters", maxlen);
		if (len == 0 || len < minlen || len > maxlen)
			return false;
		break;
	}
	memset(dst, 0, sp->size);
	memcpy(dst, s, len);
	return true;
}

static bool
parse_enum(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	char	 list[512] = "";
	size_t	 used = 0;

	for (size_t i = 0; sp->choices[i] != NULL; i++) {
		if (strcasecmp(s, sp->choices[i]) == 0 &&
		    strlen(sp->choices[i]) < sp->size) {
			memset(dst, 0, sp->size);
			memcpy(dst, sp->choices[i], strlen(sp->choices[i]));
			return true;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used,
			    sizeof(list) - used, "%s%s", i > 0 ? ", " : "",
			    sp->choices[i]);
	}
	verr(v, "must be one of %s", list);
	return false;
}

/* "xx:xx:...": two hex digits per byte.  Returns the count, or -1. */
static ssize_t
hex_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t	 n = 0;

	for (const char *p = s; ; p += 3) {
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
		if (lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		if (p[2] == '\0')
			return (ssize_t)n;
		if (p[2] != ':')
			return -1;
	}
}

static bool
parse_hex(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	uint8_t	 buf[256];
	size_t	 cap = sp->type == CFG_MAC ? 6 : sp->size;
	size_t	 minb = sp->type == CFG_MAC ? 6 : (size_t)sp->min;
	ssize_t	 n;

	if (cap > sizeof(buf))
		cap = sizeof(buf);
	n = hex_bytes(s, buf, cap);
	if (sp->type == CFG_MAC && n != 6) {
		verr(v, "must be six hex bytes like 02:00:00:00:00:07");
		return false;
	}
	if (n < 0 || (size_t)n < minb) {
		verr(v, "must be %zu..%zu hex bytes separated by ':' (like "
		    "01:02:00:00:00:00:07)", minb, cap);
		return false;
	}
	memcpy(dst, buf, (size_t)n);
	if (np != NULL)
		*np = (size_t)n;
	return true;
}

static bool
parse_iflist(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	size_t	 cap = v->sp->size / CFG_IFNAME_LEN;
	struct items it;
	char	 pfx[SHOW_LEN + 2];
	bool	 ok;

	if (items_split(s, &it) < 0) {
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	ok = items_count_ok(v, &it, cap);
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));
		size_t	 len = strlen(it.v[i]);

		for (const char *c = it.v[i]; *c != '\0' && ok; c++)
			if (!isgraph((unsigned char)*c) || *c == '/' ||
			    *c == ':')
				ok = false;
		if (!ok || len >= CFG_IFNAME_LEN) {
			verr(v, "%snot an interface name (1..%d characters, "
			    "no '/', ':' or spaces)", p, CFG_IFNAME_LEN - 1);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (strcmp(it.v[j], it.v[i]) == 0) {
				verr(v, "%slisted twice", p);
				ok = false;
			}
	}
	if (ok) {
		memset(dst, 0, v->sp->size);
		for (size_t i = 0; i < it.n; i++)
			memcpy((char *)dst + i * CFG_IFNAME_LEN, it.v[i],
			    strlen(it.v[i]));
		*np = it.n;
	}
	items_free(&it);
	return ok;
}

static bool
parse_value(const struct vctx *v, const char *s, void *base)
{
	const struct cfg_spec *sp = v->sp;
	void	*dst = (char *)base + sp->off;
	void	*n = (char *)base + sp->off_n;

	switch (sp->type) {
	case CFG_BOOL:
		return parse_bool(v, s, dst);
	case CFG_UINT:
	case CFG_SECS:
	case CFG_PERCENT:
		return parse_number(v, s, dst);
	case CFG_ADDR:
		return parse_addr_list(v, s, dst, NULL);
	case CFG_ADDR_LIST:
		return parse_addr_list(v, s, dst, n);
	case CFG_CIDR:
		return parse_cidr(v, s, dst, n);
	case CFG_RANGES:
		return parse_ranges(v, s, dst, n);
	case CFG_NAME:
	case CFG_DOMAIN:
	case CFG_STRING:
	case CFG_PATH:
		return parse_text(v, s, dst);
	case CFG_IFLIST:
		return parse_iflist(v, s, dst, n);
	case CFG_ENUM:
		return parse_enum(v, s, dst);
	case CFG_MAC:
		return parse_hex(v, s, dst, NULL);
	case CFG_HEX:
		return parse_hex(v, s, dst, n);
	case CFG_ADDR_PORT:
		return parse_addr_port(v, s, dst, n);
	}
	return false;
}

bool
cfg_value_parse(struct cfg_file *f, const char *section,
    const struct cfg_spec *sp, const struct scan_ent *e, const char *s,
    void *base)
{
	struct vctx v = { f, section, sp, e };

	return parse_value(&v, s, base);
}
