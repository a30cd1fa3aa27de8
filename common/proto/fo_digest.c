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

static void
put_hex(struct canon *c, const uint8_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(c, "%02x", v[i]);
}

/*
 * One level's options, by (space, code) rather than file order, which
 * is no difference to a client; and its boot fields.
 */
static void
put_optset(struct canon *c, const char *level, const struct cfg_optset *s)
{
	for (unsigned sp = 0; sp < OPT_SPACE_COUNT; sp++)
		for (unsigned code = 1; code < 255; code++) {
			const struct cfg_opt *o = cfg_optset_find(s, sp, code);

			if (o == NULL)
				continue;
			put(c, "%s.opt=%u.%u%s=", level, sp, code,
			    o->always ? "!" : "");
			put_hex(c, s->buf + o->off, o->len);
			put(c, "\n");
		}
	if (s->has_next_server) {
		put(c, "%s.next-server=", level);
		put_addr(c, s->next_server);
		put(c, "\n");
	}
	if (s->boot_file[0] != '\0')
		put(c, "%s.boot-file=%.*s\n", level, (int)sizeof(s->boot_file),
		    s->boot_file);
	if (s->server_name[0] != '\0')
		put(c, "%s.server-name=%.*s\n", level,
		    (int)sizeof(s->server_name), s->server_name);
}

static void
put_match(struct canon *c, const char *key, const struct cfg_match *m)
{
	if (!m->set)
		return;
	put(c, "%s=%s", key, m->exact ? "exact:" : "glob:");
	put_hex(c, m->bytes, m->len);
	put(c, "\n");
}

/*
 * Classes in file order (the order is their precedence), by position:
 * their names are each file's own business.
 */
static void
put_classes(struct canon *c, const struct config *cfg)
{
	char	 level[32];

	for (size_t i = 0; i < cfg->nclasses; i++) {
		const struct cfg_class *k = &cfg->classes[i];

		put(c, "class=%zu\n", i);
		put_match(c, "class.vendor", &k->vendor_class);
		put_match(c, "class.user", &k->user_class);
		put_match(c, "class.circuit", &k->circuit_id);
		put_match(c, "class.remote", &k->remote_id);
		for (size_t j = 0; j < k->narch; j++)
			put(c, "class.arch=%u\n", k->arch[j]);
		if (k->hwprefix_len > 0) {
			put(c, "class.hw=");
			put_hex(c, k->hwprefix, k->hwprefix_len);
			put(c, "\n");
		}
		put_ranges(c, "class.range", k->ranges, k->nranges);
		snprintf(level, sizeof(level), "class.%zu", i);
		put_optset(c, level, config_optset(cfg, k->opts));
	}
}

/* Reservations inside the subnet, in file order, with their options. */
static void
put_hosts(struct canon *c, const struct config *cfg,
    const struct cfg_subnet *sn)
{
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];

		if ((h->addr & sn->mask) != sn->network)
			continue;
		put(c, "host=");
		put_addr(c, h->addr);
		put(c, " hw=%u.", h->htype);
		put_hex(c, h->hwaddr, h->hlen);
		put(c, " cid=");
		put_hex(c, h->cid, h->cid_len);
		put(c, "\n");
		put_optset(c, "host", config_optset(cfg, h->opts));
	}
}

/*
 * Everything else that shapes a reply on this subnet: the option
 * definitions, [server]'s options, the subnet's own, the classes, the
 * reservations, and the other subnets on its link.
 */
static void
put_config(struct canon *c, const struct config *cfg,
    const struct cfg_subnet *sn)
{
	put(c, "options-v1\n");
	for (size_t i = 0; i < cfg->optdefs.n; i++) {
		const struct optdef *d = &cfg->optdefs.v[i];

		put(c, "def=%u.%u.%s\n", d->space, d->code,
		    opt_type_name(d->type));
	}
	put_optset(c, "global", config_optset(cfg, cfg->global_opts));
	put_optset(c, "subnet", config_optset(cfg, sn->opts));
	put_classes(c, cfg);
	put_hosts(c, cfg, sn);
	for (size_t i = 0; sn->shared_network[0] != '\0' &&
	    i < cfg->nsubnets; i++) {
		const struct cfg_subnet *o = &cfg->subnets[i];

		if (o != sn && strcmp(o->shared_network,
		    sn->shared_network) == 0) {
			put(c, "shared=");
			put_addr(c, o->network);
			put(c, "/%u\n", o->prefix);
		}
	}
}

size_t
fo_subnet_canon(const struct config *cfg, const struct cfg_subnet *sn,
    char *buf, size_t len)
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
	if (cfg != NULL)
		put_config(&c, cfg, sn);
	return c.need;
}

int
fo_sha256(const void *data, size_t len, uint8_t out[FO_SHA256_LEN])
{
	unsigned int dlen = 0;

	if (EVP_Digest(data, len, out, &dlen, EVP_sha256(), NULL) == 1 &&
	    dlen == FO_SHA256_LEN)
		return 0;
	memset(out, 0, FO_SHA256_LEN);
	return -1;
}

int
fo_subnet_digest(const struct config *cfg, const struct cfg_subnet *sn,
    uint8_t out[FO_SHA256_LEN])
{
	char	 small[2048], *text = small;
	size_t	 need;
	int	 rc;

	memset(out, 0, FO_SHA256_LEN);
	need = fo_subnet_canon(cfg, sn, small, sizeof(small));
	if (need >= sizeof(small)) {
		if ((text = malloc(need + 1)) == NULL)
			return -1;
		fo_subnet_canon(cfg, sn, text, need + 1);
	}
	rc = fo_sha256(text, need, out);
	if (text != small)
		free(text);
	return rc;
}
