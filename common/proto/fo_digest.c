/*
 * Subnet digests: canonical text of a subnet definition and its SHA-256
 * (see fo_digest.h for what is in it and why).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fo_digest.h"
#include "ranges.h"
#include "share.h"

struct canon {
	char	*buf;
	size_t	 len, need;
};

static void
put(struct canon *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct canon *c, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room = c->need < c->len ? c->len - c->need : 0;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(room ? c->buf + c->need : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->need += (size_t)n;
}

static void
put_addr(struct canon *c, uint32_t a)
{
	put(c, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
	    a & 0xff);
}

/*
 * Ranges sorted and merged (ranges.h), so two files that list the same
 * addresses in another order or split agree.
 */
static void
put_ranges(struct canon *c, const char *key, const struct cfg_range *in,
    size_t n)
{
	struct cfg_range v[CFG_MAX_EXCLUDES > CFG_MAX_RANGES ?
	    CFG_MAX_EXCLUDES : CFG_MAX_RANGES];
	size_t	 i, m;

	if (n > sizeof(v) / sizeof(v[0]))
		n = sizeof(v) / sizeof(v[0]);
	m = ranges_normalise(in, n, 0, UINT32_MAX, v);
	for (i = 0; i < m; i++) {
		put(c, "%s=", key);
		put_addr(c, v[i].lo);
		put(c, "-");
		put_addr(c, v[i].hi);
		put(c, "\n");
	}
}

/* Address lists keep their order: clients try routers, DNS and NTP
 * servers in the order given, so a reordering is a real difference. */
static void
put_list(struct canon *c, const char *key, const uint32_t *v, size_t n)
{
	put(c, "%s=", key);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(c, ",");
		put_addr(c, v[i]);
	}
	put(c, "\n");
}

/*
 * The failover's share as computed here (share.c), not only the
 * percentage: both servers must agree on the very addresses, and a
 * later change of the rule in one version would show as a mismatch.
 */
static void
put_share(struct canon *c, const struct cfg_subnet *sn)
{
	struct share_set s;

	share_compute(sn, &s);
	put(c, "failover-share=%u\n", sn->failover_share);
	for (size_t i = 0; i < s.nruns; i++) {
		put(c, "share=");
		put_addr(c, s.runs[i].lo);
		put(c, "-");
		put_addr(c, s.runs[i].hi);
		put(c, "\n");
	}
}

size_t
fo_subnet_canon(const struct cfg_subnet *sn, char *buf, size_t len)
{
	struct canon c = { .buf = buf, .len = len, .need = 0 };

	if (len > 0)
		buf[0] = '\0';
	put(&c, "dhcpfo-subnet-v1\nsubnet=");
	put_addr(&c, sn->network);
	put(&c, "/%u\n", sn->prefix);
	put_ranges(&c, "range", sn->ranges, sn->nranges);
	put_ranges(&c, "exclude", sn->exclude_ranges, sn->nexclude_ranges);
	put_list(&c, "routers", sn->routers, sn->nrouters);
	put_list(&c, "dns", sn->dns, sn->ndns);
	put_list(&c, "ntp", sn->ntp, sn->nntp);
	put(&c, "domain=%s\nbroadcast=", sn->domain_name);
	put_addr(&c, sn->broadcast);
	/* Percentages as integers of 1/1000 %: no float formatting that
	 * could differ between builds. */
	put(&c, "\nlease=%u\nminlease=%u\nmaxlease=%u\nt1=%ld\nt2=%ld\n",
	    sn->lease_time, sn->min_lease_time, sn->max_lease_time,
	    (long)(sn->t1_ratio * 100000.0 + 0.5),
	    (long)(sn->t2_ratio * 100000.0 + 0.5));
	put_share(&c, sn);
	return c.need;
}

int
fo_subnet_digest(const struct cfg_subnet *sn, uint8_t out[FO_SHA256_LEN])
{
	char	 small[2048], *text = small;
	size_t	 need;
	unsigned int dlen = 0;
	int	 rc = -1;

	memset(out, 0, FO_SHA256_LEN);
	need = fo_subnet_canon(sn, small, sizeof(small));
	if (need >= sizeof(small)) {
		if ((text = malloc(need + 1)) == NULL)
			return -1;
		fo_subnet_canon(sn, text, need + 1);
	}
	if (EVP_Digest(text, need, out, &dlen, EVP_sha256(), NULL) == 1 &&
	    dlen == FO_SHA256_LEN)
		rc = 0;
	else
		memset(out, 0, FO_SHA256_LEN);
	if (text != small)
		free(text);
	return rc;
}
