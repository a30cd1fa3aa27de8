/*
 * Client classes: which [class:NAME] sections a request belongs to
 * (classify.h gives the keys).
 *
 * Cost model: one pass over the classes per request; each key reads one
 * option already decoded and concatenated (RFC 3396) by dhcp_codec.c and
 * compares a few bytes of it; a glob is O(pattern x value) at worst,
 * never exponential (one remembered `*`, no recursion); no allocation,
 * no copy of any option.
 *
 * Every option is untrusted: the RFC 3004 (option 77), RFC 4578
 * (option 93) and RFC 3046 (option 82) parsers check each length against
 * what is left before they read, and a malformed option matches nothing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classify.h"

/*
 * The set whose body starts at p (just past `[`) against byte c.
 * Returns the pattern just past the closing `]` with *hit telling
 * whether c is in the set, or NULL when the set is never closed (the
 * caller then takes the `[` as a plain byte, as fnmatch(3) does).
 * A `]` right after `[`, `[!` or `[^` is a member, not the end; a `-`
 * first or last is a member; `\` quotes the next byte.
 */
static const char *
glob_set(const char *p, uint8_t c, bool *hit)
{
	bool	 neg = false, in = false, first = true;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	for (;; first = false) {
		uint8_t	 lo, hi;

		if (*p == '\0')
			return NULL;
		if (*p == ']' && !first)
			break;
		if (*p == '\\' && p[1] != '\0')
			p++;
		lo = hi = (uint8_t)*p++;
		if (p[0] == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			if (*p == '\\' && p[1] != '\0')
				p++;
			hi = (uint8_t)*p++;
		}
		/* A reversed range (z-a) holds nothing. */
		if (c >= lo && c <= hi)
			in = true;
	}
	*hit = in != neg;
	return p + 1;
}

/*
 * One single-byte element of the pattern at p (not `*`, not the end)
 * against c: the pattern past the element if it matches, else NULL.
 */
static const char *
glob_one(const char *p, uint8_t c)
{
	const char	*end;
	bool		 hit;

	switch (*p) {
	case '?':
		return p + 1;
	case '[':
		if ((end = glob_set(p + 1, c, &hit)) == NULL)
			return c == '[' ? p + 1 : NULL;
		return hit ? end : NULL;
	case '\\':
		/* A trailing `\` quotes nothing: it is itself. */
		if (p[1] != '\0')
			return (uint8_t)p[1] == c ? p + 2 : NULL;
		return c == '\\' ? p + 1 : NULL;
	default:
		return (uint8_t)*p == c ? p + 1 : NULL;
	}
}

/*
 * Iterative matching with one backtrack point: on a mismatch, only the
 * last `*` seen takes one more byte and matching resumes after it.
 * Earlier stars never need to be revisited, since every other element
 * is exactly one byte long; so the worst case is O(pattern x text)
 * however many stars there are (no exponential blow-up on `*a*a*a*b`).
 */
bool
class_glob(const char *pattern, const uint8_t *text, size_t n)
{
	const char	*p = pattern, *star = NULL, *next;
	size_t		 t = 0, star_t = 0;

	while (t < n) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star = p;
			star_t = t;
			continue;
		}
		if (*p != '\0' && (next = glob_one(p, text[t])) != NULL) {
			p = next;
			t++;
			continue;
		}
		if (star == NULL)
			return false;
		p = star;
		t = ++star_t;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

bool
class_match_value(const struct cfg_match *k, const uint8_t *v, size_t len)
{
	if (!k->set)
		return false;
	if (k->exact) {
		/* The loader bounds len; a bad one must not read past bytes. */
		if (k->len > sizeof(k->bytes))
			return false;
		return len == k->len && (len == 0 ||
		    memcmp(k->bytes, v, len) == 0);
	}
	return class_glob((const char *)k->bytes, v, len);
}

/*
 * Option 77 (RFC 3004 section 4): a list of instances, each a length
 * byte and that many bytes.  Many clients send a bare string instead
 * (not length-prefixed), so the whole value is tried first; the
 * instances are tried only when they exactly fill the value, checked
 * before any is matched so that a stray prefix of garbage does not
 * pass for a list.  An instance of length 0 is not a list: RFC 3004
 * gives each instance data (the option is at least two bytes).
 */
static bool
match_user_class(const struct cfg_match *k, const struct dhcp_msg *m)
{
	const uint8_t	*v;
	size_t		 len, off;

	if ((v = dhcp_opt_get(m, DHO_USER_CLASS, &len)) == NULL)
		return false;
	if (class_match_value(k, v, len))
		return true;
	if (len == 0)
		return false;
	for (off = 0; off < len; off += 1 + (size_t)v[off])
		if (v[off] == 0 || v[off] > len - off - 1)
			return false;
	for (off = 0; off < len; off += 1 + (size_t)v[off])
		if (class_match_value(k, v + off + 1, v[off]))
			return true;
	return false;
}

/*
 * Option 93 (RFC 4578 section 2.1): one or more 16-bit architecture
 * types, network order.  Empty or odd-length is malformed.
 */
static bool
match_arch(const struct cfg_class *c, const struct dhcp_msg *m)
{
	const uint8_t	*v;
	size_t		 len, i, j, narch;

	if ((v = dhcp_opt_get(m, DHO_CLIENT_ARCH, &len)) == NULL)
		return false;
	if (len == 0 || len % 2 != 0)
		return false;
	narch = c->narch < CFG_MAX_ARCH ? c->narch : CFG_MAX_ARCH;
	for (i = 0; i < len; i += 2) {
		uint16_t	 a = (uint16_t)(v[i] << 8 | v[i + 1]);

		for (j = 0; j < narch; j++)
			if (c->arch[j] == a)
				return true;
	}
	return false;
}

static bool
match_relay(const struct cfg_match *k, uint8_t code,
    const struct dhcp_msg *m)
{
	const uint8_t	*v, *sv;
	size_t		 len, slen;

	if ((v = dhcp_opt_get(m, DHO_RELAY_AGENT_INFO, &len)) == NULL)
		return false;
	if ((sv = dhcp_subopt_get(v, len, code, &slen)) == NULL)
		return false;
	return class_match_value(k, sv, slen);
}

bool
class_matches(const struct cfg_class *c, const struct dhcp_msg *m)
{
	const uint8_t	*v;
	size_t		 len;
	bool		 any = false;

	if (c->vendor_class.set) {
		any = true;
		if ((v = dhcp_opt_get(m, DHO_VENDOR_CLASS, &len)) == NULL ||
		    !class_match_value(&c->vendor_class, v, len))
			return false;
	}
	if (c->user_class.set) {
		any = true;
		if (!match_user_class(&c->user_class, m))
			return false;
	}
	if (c->narch > 0) {
		any = true;
		if (!match_arch(c, m))
			return false;
	}
	if (c->hwprefix_len > 0) {
		any = true;
		if (c->hwprefix_len > sizeof(c->hwprefix) ||
		    m->hlen < c->hwprefix_len ||
		    memcmp(m->chaddr, c->hwprefix, c->hwprefix_len) != 0)
			return false;
	}
	if (c->circuit_id.set) {
		any = true;
		if (!match_relay(&c->circuit_id, RAI_CIRCUIT_ID, m))
			return false;
	}
	if (c->remote_id.set) {
		any = true;
		if (!match_relay(&c->remote_id, RAI_REMOTE_ID, m))
			return false;
	}
	/* No key at all: the loader refuses it; never a catch-all here. */
	return any;
}

uint64_t
classify(const struct config *cfg, const struct dhcp_msg *m)
{
	uint64_t	 bits = 0;
	size_t		 i, n;

	if (cfg->classes == NULL)
		return 0;
	n = cfg->nclasses < CFG_MAX_CLASSES ? cfg->nclasses : CFG_MAX_CLASSES;
	for (i = 0; i < n; i++)
		if (class_matches(&cfg->classes[i], m))
			bits |= (uint64_t)1 << i;
	return bits;
}
