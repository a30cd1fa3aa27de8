/*
 * Option values: text to wire bytes and back (see optval.h).
 *
 * Parsing writes through a counting output (struct pctx): bytes past
 * the cap are counted but not stored, so an over-long value is reported
 * with its whole length.  Lists are split on commas first; each item is
 * trimmed and parsed by the item parser of its type.  Formatting is the
 * inverse and validates as it goes: bytes that parsing could not have
 * produced give -1, so that text from optval_format always parses back
 * (the fuzz target checks it).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "optval.h"
#include "strbuf.h"

#define STRING_MAX	255	/* one option instance (RFC 2132 2) */
#define LABEL_MAX	63	/* RFC 1035 2.3.4 */
#define NAME_TEXT_MAX	253	/* 255 octets on the wire (RFC 1035 2.3.4) */
#define PTR_MASK	0xc0	/* RFC 1035 4.1.4: top bits of a pointer */
#define PTR_OFF_MAX	0x3fff	/* and its 14-bit offset */
#define ITEM_QUOTE_MAX	60	/* longest piece of text an error quotes */
#define SUFFIX_MAX	(OPTVAL_MAX / 2)	/* labels are 2 bytes or more */

/* A piece of the text being parsed; not NUL-terminated. */
struct span {
	const char	*p;
	size_t		 n;
};

/*
 * fqdn-list: a name suffix (from one label to the end of its name, as
 * written in the text) already in the value, and where its first label
 * is: what a later name can point to (RFC 1035 4.1.4).
 */
struct suffix {
	const char	*p;
	size_t		 n;
	size_t		 off;
};

/* Parser state: the output, and the names an fqdn-list has so far. */
struct pctx {
	uint8_t		*out;
	size_t		 cap;		/* bytes that may be stored */
	size_t		 len;		/* bytes produced; may pass cap */
	char		*err;		/* may be NULL */
	struct suffix	*sfx;
	size_t		 nsfx;
};

typedef int	(*item_fn)(struct pctx *, struct span);

static int	fail(char *, const char *, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------ helpers */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive in ASCII only, whatever the locale. */
static bool
same_text(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

static bool
span_is(struct span s, const char *word)
{
	return strlen(word) == s.n && same_text(s.p, word, s.n);
}

static struct span
trim(const char *p, size_t n)
{
	while (n > 0 && is_space(p[0])) {
		p++;
		n--;
	}
	while (n > 0 && is_space(p[n - 1]))
		n--;
	return (struct span){ p, n };
}

/* The next word of *rest (split on white space); false if none is left. */
static bool
next_word(struct span *rest, struct span *w)
{
	size_t	 i = 0;

	*rest = trim(rest->p, rest->n);
	if (rest->n == 0)
		return false;
	while (i < rest->n && !is_space(rest->p[i]))
		i++;
	*w = (struct span){ rest->p, i };
	rest->p += i;
	rest->n -= i;
	return true;
}

/* "text" -> text: the quotes an INI value may carry are not the value. */
static struct span
unquote(struct span s)
{
	if (s.n >= 2 && s.p[0] == '"' && s.p[s.n - 1] == '"')
		return (struct span){ s.p + 1, s.n - 2 };
	return s;
}

/*
 * Writes "ITEM: message" into err (when there is one) and returns -1.
 * The item is clipped and its unprintable bytes shown as '?', so that
 * a message stays one readable line; item NULL gives the message alone.
 */
static int
fail(char *err, const char *item, size_t n, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 k = 0;

	if (err == NULL)
		return -1;
	if (item != NULL) {
		size_t	 show = n > ITEM_QUOTE_MAX ? ITEM_QUOTE_MAX - 3 : n;

		for (size_t i = 0; i < show; i++)
			err[k++] = item[i] >= 0x20 && item[i] <= 0x7e ?
			    item[i] : '?';
		if (show < n)
			for (int i = 0; i < 3; i++)
				err[k++] = '.';
		err[k++] = ':';
		err[k++] = ' ';
	}
	va_start(ap, fmt);
	vsnprintf(err + k, OPTVAL_ERR_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Stores n bytes if they fit under the cap; counts them either way. */
static void
emit(struct pctx *pc, const void *b, size_t n)
{
	if (pc->len <= pc->cap && n <= pc->cap - pc->len && n > 0)
		memcpy(pc->out + pc->len, b, n);
	pc->len += n;
}

static void
emit_u8(struct pctx *pc, unsigned v)
{
	uint8_t	 b = (uint8_t)v;

	emit(pc, &b, 1);
}

/* Big-endian, the low `size` bytes of v. */
static void
emit_be(struct pctx *pc, uint32_t v, size_t size)
{
	for (size_t i = size; i > 0; i--)
		emit_u8(pc, (v >> (8 * (i - 1))) & 0xff);
}

/* --------------------------------------------------- scalars and items */

static bool
ip_text(struct span s, uint8_t a[4])
{
	char	 buf[INET_ADDRSTRLEN];

	if (s.n == 0 || s.n >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return inet_pton(AF_INET, buf, a) == 1;
}

/*
 * Decimal, or hex after 0x.  Values past 2^33 are kept at 2^33: large
 * enough to fail any range check, small enough never to overflow.
 */
static bool
num_text(struct span s, uint64_t *v)
{
	const uint64_t	 sat = (uint64_t)1 << 33;
	unsigned	 base = 10;
	uint64_t	 n = 0;
	size_t		 i = 0;

	if (s.n > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == s.n)
		return false;
	for (; i < s.n; i++) {
		int	 d = hex_digit(s.p[i]);

		if (d < 0 || (unsigned)d >= base)
			return false;
		n = n * base + (unsigned)d;
		if (n > sat)
			n = sat;
	}
	*v = n;
	return true;
}

static int
item_ip(struct pctx *pc, struct span s)
{
	uint8_t	 a[4];

	if (!ip_text(s, a))
		return fail(pc->err, s.p, s.n, "not an IPv4 address");
	emit(pc, a, sizeof(a));
	return 0;
}

/* "a b": two addresses (RFC 2132 4.3 destination/mask, 5.8 dest/router). */
static int
item_ip_pair(struct pctx *pc, struct span s)
{
	struct span	 rest = s, a, b, extra;

	if (!next_word(&rest, &a) || !next_word(&rest, &b) ||
	    next_word(&rest, &extra))
		return fail(pc->err, s.p, s.n,
		    "must be two addresses, \"a.b.c.d a.b.c.d\"");
	if (item_ip(pc, a) == -1 || item_ip(pc, b) == -1)
		return -1;
	return 0;
}

static int
item_uint(struct pctx *pc, struct span s, size_t size)
{
	uint64_t	 max = size == 4 ? UINT32_MAX :
			    ((uint64_t)1 << (8 * size)) - 1;
	uint64_t	 v;

	if (!num_text(s, &v))
		return fail(pc->err, s.p, s.n, "not a number");
	if (v > max)
		return fail(pc->err, s.p, s.n, "must be 0..%" PRIu64, max);
	emit_be(pc, (uint32_t)v, size);
	return 0;
}

static int
item_uint8(struct pctx *pc, struct span s)
{
	return item_uint(pc, s, 1);
}

static int
item_uint16(struct pctx *pc, struct span s)
{
	return item_uint(pc, s, 2);
}

static int
item_uint32(struct pctx *pc, struct span s)
{
	return item_uint(pc, s, 4);
}

static int
item_int32(struct pctx *pc, struct span s)
{
	bool		 neg = s.n > 0 && s.p[0] == '-';
	struct span	 mag = { s.p + neg, s.n - neg };
	uint64_t	 v;

	if (!num_text(mag, &v))
		return fail(pc->err, s.p, s.n, "not a number");
	if (v > (neg ? (uint64_t)1 << 31 : INT32_MAX))
		return fail(pc->err, s.p, s.n, "must be %" PRId32 "..%" PRId32,
		    INT32_MIN, INT32_MAX);
	/* Two's complement, whatever the host does. */
	emit_be(pc, neg ? (uint32_t)(0 - v) : (uint32_t)v, 4);
	return 0;
}

static int
item_bool(struct pctx *pc, struct span s)
{
	static const char *const words[][2] = {
		{ "true", "false" }, { "yes", "no" }, { "on", "off" },
		{ "1", "0" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (unsigned v = 0; v < 2; v++)
			if (span_is(s, words[i][v])) {
				emit_u8(pc, v == 0);
				return 0;
			}
	return fail(pc->err, s.p, s.n, "must be true or false");
}

/* -------------------------------------------------------- text values */

static int
check_printable(struct span s, char *err)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < 0x20 || s.p[i] > 0x7e)
			return fail(err, s.p, s.n, "byte 0x%02x is not "
			    "printable ASCII", (unsigned)(uint8_t)s.p[i]);
	return 0;
}

static int
item_string(struct pctx *pc, struct span whole)
{
	struct span	 s = unquote(whole);

	if (s.n == 0)
		return fail(pc->err, whole.p, whole.n, "empty string");
	if (s.n > STRING_MAX)
		return fail(pc->err, s.p, s.n, "string longer than %d bytes",
		    STRING_MAX);
	if (check_printable(s, pc->err) == -1)
		return -1;
	emit(pc, s.p, s.n);
	return 0;
}

static bool
label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* Where the label starting at i ends: the next dot, or n. */
static size_t
label_end(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] != '.')
		i++;
	return i;
}

/*
 * What is wrong with one label of a domain name, or NULL: letters,
 * digits and '-', neither first nor last (RFC 1035 2.3.1, with RFC 1123
 * 2.1's leading digits), 1..63 of them.  Parsing and formatting both
 * ask, so that what one writes the other takes.
 */
static const char *
label_problem(const char *p, size_t n)
{
	if (n == 0)
		return "empty label";
	if (n > LABEL_MAX)
		return "label longer than 63 characters";
	if (p[0] == '-' || p[n - 1] == '-')
		return "a label starts or ends with '-'";
	for (size_t i = 0; i < n; i++)
		if (!label_char(p[i]))
			return "not a domain name (letters, digits, '-', '.')";
	return NULL;
}

/*
 * A domain name as text: good labels, at most 253 characters without
 * the root's trailing dot, which may be written.  *n is the length
 * without that dot.
 */
static int
name_check(struct span s, size_t *n, char *err)
{
	const char	*why;
	size_t		 len = s.n, i, k;

	if (len > 0 && s.p[len - 1] == '.')
		len--;
	if (len > NAME_TEXT_MAX)
		return fail(err, s.p, s.n, "name longer than %d characters",
		    NAME_TEXT_MAX);
	for (i = 0; i <= len; i = k + 1) {
		k = label_end(s.p, len, i);
		if ((why = label_problem(s.p + i, k - i)) != NULL)
			return fail(err, s.p, s.n, "%s", why);
	}
	*n = len;
	return 0;
}

/* Option 15's form: the name as text, as written (RFC 2132 3.17). */
static int
item_fqdn(struct pctx *pc, struct span whole)
{
	struct span	 s = unquote(whole);
	size_t		 n;

	if (name_check(s, &n, pc->err) == -1)
		return -1;
	emit(pc, s.p, s.n);
	return 0;
}

static const struct suffix *
suffix_find(const struct pctx *pc, const char *p, size_t n)
{
	for (size_t i = 0; i < pc->nsfx; i++)
		if (pc->sfx[i].n == n && same_text(pc->sfx[i].p, p, n))
			return &pc->sfx[i];
	return NULL;
}

/*
 * One name of an fqdn-list, in RFC 1035 3.1 labels.  Its longest
 * suffix already in the value (compared without case, RFC 1035 2.3.3)
 * becomes a pointer to it (RFC 1035 4.1.4), offsets counting from the
 * start of the value (RFC 3397 2); the labels written out become
 * suffixes later names may point to.
 */
static int
item_fqdn_wire(struct pctx *pc, struct span s)
{
	const struct suffix *hit = NULL;
	size_t		 n, i, j, k;

	if (name_check(s, &n, pc->err) == -1)
		return -1;
	for (i = 0; i < n; i = label_end(s.p, n, i) + 1)
		if ((hit = suffix_find(pc, s.p + i, n - i)) != NULL)
			break;
	for (j = 0; j < i && j < n; j = k + 1) {
		k = label_end(s.p, n, j);
		if (pc->nsfx < SUFFIX_MAX && pc->len <= PTR_OFF_MAX)
			pc->sfx[pc->nsfx++] = (struct suffix){ s.p + j, n - j,
			    pc->len };
		emit_u8(pc, (unsigned)(k - j));
		emit(pc, s.p + j, k - j);
	}
	if (hit == NULL) {
		emit_u8(pc, 0);
		return 0;
	}
	emit_u8(pc, PTR_MASK | (unsigned)(hit->off >> 8));
	emit_u8(pc, hit->off & 0xff);
	return 0;
}

/* ------------------------------------------------------ other values */

/* The bits of a /len mask, host order. */
static uint32_t
prefix_mask(unsigned len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static uint32_t
addr_u32(const uint8_t a[4])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
}

/* "/len": 0..32, decimal. */
static bool
prefix_text(struct span s, unsigned *len)
{
	unsigned	 v = 0;

	if (s.n == 0 || s.n > 2)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	*len = v;
	return v <= 32;
}

/*
 * "a.b.c.d/len router" or "a.b.c.d/len - router", encoded as RFC 3442
 * describes: the length, the destination's significant octets, the
 * router.  0.0.0.0/0 is the default route.
 */
static int
item_route(struct pctx *pc, struct span s)
{
	struct span	 rest = s, dst, gw, extra, addr, plen;
	const char	*slash;
	uint8_t		 a[4], r[4];
	unsigned	 len;

	if (!next_word(&rest, &dst) || !next_word(&rest, &gw) ||
	    (span_is(gw, "-") && !next_word(&rest, &gw)) ||
	    next_word(&rest, &extra) ||
	    (slash = memchr(dst.p, '/', dst.n)) == NULL)
		return fail(pc->err, s.p, s.n,
		    "must be \"a.b.c.d/len router\"");
	addr = (struct span){ dst.p, (size_t)(slash - dst.p) };
	plen = (struct span){ slash + 1, dst.n - addr.n - 1 };
	if (!ip_text(addr, a))
		return fail(pc->err, addr.p, addr.n, "not an IPv4 address");
	if (!prefix_text(plen, &len))
		return fail(pc->err, dst.p, dst.n,
		    "prefix length must be 0..32");
	if ((addr_u32(a) & ~prefix_mask(len)) != 0)
		return fail(pc->err, dst.p, dst.n,
		    "address has bits set past the prefix length");
	if (!ip_text(gw, r))
		return fail(pc->err, gw.p, gw.n, "not an IPv4 address");
	emit_u8(pc, len);
	emit(pc, a, (len + 7) / 8);
	emit(pc, r, sizeof(r));
	return 0;
}

/*
 * Bytes as hex digit pairs, after an optional 0x; pairs may be run
 * together or separated by ':' or white space ("0a:0b", "0a 0b",
 * "0a0b", "0x0a0b").
 */
static int
parse_hex(struct pctx *pc, struct span s)
{
	size_t	 i = 0;
	int	 hi, lo;

	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		i = 2;
	if (i == s.n)
		return fail(pc->err, s.p, s.n, "no hex digits");
	for (;;) {
		hi = hex_digit(s.p[i]);
		lo = i + 1 < s.n ? hex_digit(s.p[i + 1]) : -1;
		if (hi >= 0 && lo < 0 && (i + 1 == s.n ||
		    s.p[i + 1] == ':' || is_space(s.p[i + 1])))
			return fail(pc->err, s.p, s.n,
			    "odd number of hex digits");
		if (hi < 0 || lo < 0)
			return fail(pc->err, s.p, s.n, "not hex bytes "
			    "(\"0a:0b\", \"0a0b\" or \"0x0a0b\")");
		emit_u8(pc, (unsigned)(hi << 4 | lo));
		if ((i += 2) == s.n)
			return 0;
		while (i < s.n && is_space(s.p[i]))
			i++;
		if (i < s.n && s.p[i] == ':')
			i++;
		while (i < s.n && is_space(s.p[i]))
			i++;
		if (i == s.n)
			return fail(pc->err, s.p, s.n,
			    "ends with a separator");
	}
}

/* Comma-separated items, each trimmed; none may be empty. */
static int
parse_list(struct pctx *pc, struct span s, item_fn fn)
{
	const char	*p = s.p, *end = s.p + s.n, *q;
	struct span	 item;

	for (;;) {
		if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
			q = end;
		item = trim(p, (size_t)(q - p));
		if (item.n == 0)
			return fail(pc->err, s.p, s.n, "empty list item");
		if (fn(pc, item) == -1)
			return -1;
		if (q == end)
			return 0;
		p = q + 1;
	}
}

static int
parse_fqdn_list(struct pctx *pc, struct span s)
{
	struct suffix	 sfx[SUFFIX_MAX];
	int		 rc;

	pc->sfx = sfx;
	pc->nsfx = 0;
	rc = parse_list(pc, s, item_fqdn_wire);
	pc->sfx = NULL;
	return rc;
}

static int
parse_typed(struct pctx *pc, enum opt_type t, struct span s)
{
	switch (t) {
	case OPT_IP:		return item_ip(pc, s);
	case OPT_IP_LIST:	return parse_list(pc, s, item_ip);
	case OPT_UINT8:		return item_uint8(pc, s);
	case OPT_UINT16:	return item_uint16(pc, s);
	case OPT_UINT32:	return item_uint32(pc, s);
	case OPT_INT32:		return item_int32(pc, s);
	case OPT_BOOL:		return item_bool(pc, s);
	case OPT_STRING:	return item_string(pc, s);
	case OPT_HEX:		return parse_hex(pc, s);
	case OPT_FQDN_LIST:	return parse_fqdn_list(pc, s);
	case OPT_ROUTES:	return parse_list(pc, s, item_route);
	case OPT_UINT16_LIST:	return parse_list(pc, s, item_uint16);
	case OPT_IP_PAIRS:	return parse_list(pc, s, item_ip_pair);
	case OPT_FQDN:		return item_fqdn(pc, s);
	case OPT_EMPTY:
		if (s.n != 0)
			return fail(pc->err, s.p, s.n, "takes no value");
		return 0;
	default:
		return fail(pc->err, NULL, 0, "unknown value type %u",
		    (unsigned)t);
	}
}

int
optval_parse(enum opt_type t, const char *text, uint8_t *out, size_t cap,
    char err[OPTVAL_ERR_MAX])
{
	struct pctx	 pc = { .out = out, .err = err };
	struct span	 s = trim(text, strlen(text));

	pc.cap = out == NULL ? 0 : cap < OPTVAL_MAX ? cap : OPTVAL_MAX;
	if (err != NULL)
		err[0] = '\0';
	if (s.n == 0 && t != OPT_EMPTY)
		return fail(err, NULL, 0, "empty value");
	if (parse_typed(&pc, t, s) == -1)
		return -1;
	if (pc.len > pc.cap)
		return fail(err, NULL, 0, "value too long: %zu bytes, at "
		    "most %zu", pc.len, pc.cap);
	return (int)pc.len;
}

/* --------------------------------------------------------- formatting */

/* Text output, snprintf-like: counts everything, stores what fits. */
struct tb {
	char	*p;
	size_t	 cap;
	size_t	 len;
};

static void	tb_printf(struct tb *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
tb_put(struct tb *b, const void *s, size_t n)
{
	const char	*c = s;

	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->cap)
			b->p[b->len] = c[i];
}

static void
tb_printf(struct tb *b, const char *fmt, ...)
{
	char	 buf[32];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		tb_put(b, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf) - 1);
}

static void
tb_ip(struct tb *b, const uint8_t *a)
{
	tb_printf(b, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static uint32_t
get_be(const uint8_t *v, size_t size)
{
	uint32_t	 x = 0;

	for (size_t i = 0; i < size; i++)
		x = x << 8 | v[i];
	return x;
}

/* Items of `size` bytes each, ", " between them; at least one. */
static bool
fmt_items(struct tb *b, const uint8_t *v, size_t len, size_t size,
    void (*one)(struct tb *, const uint8_t *))
{
	if (len == 0 || len % size != 0)
		return false;
	for (size_t i = 0; i < len; i += size) {
		if (i > 0)
			tb_put(b, ", ", 2);
		one(b, v + i);
	}
	return true;
}

static void
one_pair(struct tb *b, const uint8_t *v)
{
	tb_ip(b, v);
	tb_put(b, " ", 1);
	tb_ip(b, v + 4);
}

static void
one_u16(struct tb *b, const uint8_t *v)
{
	tb_printf(b, "%" PRIu32, get_be(v, 2));
}

static void
one_hex(struct tb *b, const uint8_t *v)
{
	tb_printf(b, "%02x", v[0]);
}

/*
 * As parsing takes it back: quoted when the quotes or the outer spaces
 * would otherwise be lost.
 */
static bool
fmt_string(struct tb *b, const uint8_t *v, size_t len)
{
	struct span	 s = { (const char *)v, len };
	bool		 quote;

	if (len == 0 || len > STRING_MAX || check_printable(s, NULL) == -1)
		return false;
	quote = v[0] == ' ' || v[len - 1] == ' ' ||
	    (len >= 2 && v[0] == '"' && v[len - 1] == '"');
	if (quote)
		tb_put(b, "\"", 1);
	tb_put(b, v, len);
	if (quote)
		tb_put(b, "\"", 1);
	return true;
}

static bool
fmt_routes(struct tb *b, const uint8_t *v, size_t len)
{
	uint8_t		 a[4];
	size_t		 i = 0, sig;
	unsigned	 plen;

	if (len == 0)
		return false;
	while (i < len) {
		if ((plen = v[i]) > 32)
			return false;
		sig = (plen + 7) / 8;
		if (len - i < 1 + sig + 4)
			return false;
		memset(a, 0, sizeof(a));
		memcpy(a, v + i + 1, sig);
		/* Parsing refuses these, so no text can stand for them. */
		if ((addr_u32(a) & ~prefix_mask(plen)) != 0)
			return false;
		if (i > 0)
			tb_put(b, ", ", 2);
		tb_ip(b, a);
		tb_printf(b, "/%u ", plen);
		tb_ip(b, v + i + 1 + sig);
		i += 1 + sig + 4;
	}
	return true;
}

/*
 * One RFC 1035 3.1 name at *pos, following 4.1.4 pointers; *pos moves
 * past it.  A pointer must aim before the run of labels it ends, so
 * every jump goes backwards and the walk ends however the bytes lie.
 * The labels must be what name_check() accepts, and the root alone
 * (which parsing never writes) is refused.
 */
static bool
fmt_name(struct tb *b, const uint8_t *v, size_t len, size_t *pos)
{
	size_t	 at = *pos, run = *pos, text = 0, target;
	bool	 jumped = false;
	uint8_t	 c;

	for (;;) {
		if (at >= len)
			return false;
		if (((c = v[at]) & PTR_MASK) == PTR_MASK) {
			if (len - at < 2)
				return false;
			target = (size_t)(c & ~PTR_MASK) << 8 | v[at + 1];
			if (target >= run)
				return false;
			if (!jumped)
				*pos = at + 2;
			jumped = true;
			at = run = target;
			continue;
		}
		if (c == 0)
			break;
		/* 0x40 and 0x80 start no label (RFC 1035 4.1.4). */
		if (len - at - 1 < c ||
		    label_problem((const char *)v + at + 1, c) != NULL)
			return false;
		if (text > 0) {
			tb_put(b, ".", 1);
			text++;
		}
		if ((text += c) > NAME_TEXT_MAX)
			return false;
		tb_put(b, v + at + 1, c);
		at += 1 + c;
	}
	if (!jumped)
		*pos = at + 1;
	return text > 0;
}

static bool
fmt_fqdn_list(struct tb *b, const uint8_t *v, size_t len)
{
	size_t	 pos = 0;

	if (len == 0)
		return false;
	while (pos < len) {
		if (pos > 0)
			tb_put(b, ", ", 2);
		if (!fmt_name(b, v, len, &pos))
			return false;
	}
	return true;
}

static bool
fmt_scalar(struct tb *b, enum opt_type t, const uint8_t *v, size_t len)
{
	switch (t) {
	case OPT_UINT8:
	case OPT_UINT16:
	case OPT_UINT32:
		if (len != (t == OPT_UINT8 ? 1u : t == OPT_UINT16 ? 2u : 4u))
			return false;
		tb_printf(b, "%" PRIu32, get_be(v, len));
		return true;
	case OPT_INT32:
		if (len != 4)
			return false;
		/* Two's complement, whatever the host does. */
		tb_printf(b, "%" PRId64, (int64_t)get_be(v, 4) -
		    (v[0] & 0x80 ? (int64_t)1 << 32 : 0));
		return true;
	case OPT_BOOL:
		if (len != 1 || v[0] > 1)
			return false;
		tb_printf(b, "%s", v[0] ? "true" : "false");
		return true;
	case OPT_EMPTY:
		return len == 0;
	default:
		return false;
	}
}

static bool
fmt_typed(struct tb *b, enum opt_type t, const uint8_t *v, size_t len)
{
	struct span	 s = { (const char *)v, len };
	size_t		 n;

	switch (t) {
	case OPT_IP:
		return len == 4 && fmt_items(b, v, len, 4, tb_ip);
	case OPT_IP_LIST:	return fmt_items(b, v, len, 4, tb_ip);
	case OPT_IP_PAIRS:	return fmt_items(b, v, len, 8, one_pair);
	case OPT_UINT16_LIST:	return fmt_items(b, v, len, 2, one_u16);
	case OPT_STRING:	return fmt_string(b, v, len);
	case OPT_HEX:
		for (size_t i = 0; i < len; i++) {
			if (i > 0)
				tb_put(b, ":", 1);
			one_hex(b, v + i);
		}
		return len > 0;
	case OPT_FQDN:
		if (name_check(s, &n, NULL) == -1)
			return false;
		tb_put(b, v, len);
		return true;
	case OPT_FQDN_LIST:	return fmt_fqdn_list(b, v, len);
	case OPT_ROUTES:	return fmt_routes(b, v, len);
	default:		return fmt_scalar(b, t, v, len);
	}
}

int
optval_format(enum opt_type t, const uint8_t *v, size_t len, char *out,
    size_t cap)
{
	struct tb	 b = { out, out == NULL ? 0 : cap, 0 };

	if ((v == NULL && len > 0) || !fmt_typed(&b, t, v, len) ||
	    b.len > INT_MAX) {
		if (b.cap > 0)
			out[0] = '\0';
		return -1;
	}
	if (b.cap > 0)
		out[b.len < b.cap ? b.len : b.cap - 1] = '\0';
	return (int)b.len;
}
