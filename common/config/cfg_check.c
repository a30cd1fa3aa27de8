/*
 * The sections both files share, parsed through their tables
 * (cfg_tables.c) and then checked: each [subnet:NAME], [host:NAME] and
 * [snmp] against itself (lease times in order, T1 before T2, ranges
 * inside the subnet, excludes inside a range, routers outside the pool,
 * one host identity, a gap between the utilisation thresholds), all
 * subnets and hosts against each other (overlaps, duplicate reservations,
 * hosts outside every subnet), and the safety keys a subnet inherits
 * from [failover] or [primary:NAME] (docs/safety.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* ------------------------------------------------------------------ */
/* [snmp]                                                              */

int
cfg_snmp_parse(struct cfg_file *f, struct cfg_snmp *s)
{
	struct cfg_table tb = { cfg_snmp_specs, SNMP_NSPECS, s, 0, 0 };
	size_t	 before = f->nerrors;

	cfg_section_parse(f, "snmp", &tb, 1);
	s->present = cfg_sec_find(f, "snmp") != NULL;
	/* Hysteresis needs a gap: at equal thresholds a subnet sitting on
	 * the line would alternate High and Normal. */
	if (cfg_key_ok(f, "snmp", &tb, SNMP_UTIL_HIGH) &&
	    cfg_key_ok(f, "snmp", &tb, SNMP_UTIL_NORMAL) &&
	    s->util_normal >= s->util_high) {
		if (tb.present & (1ULL << SNMP_UTIL_NORMAL))
			cfg_error(f, "snmp", "UtilisationNormal", "must be "
			    "less than UtilisationHigh (%u)", s->util_high);
		else
			cfg_error(f, "snmp", "UtilisationHigh", "must be more "
			    "than UtilisationNormal (%u)", s->util_normal);
	}
	return f->nerrors > before ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* [subnet:NAME]                                                       */

static bool
in_subnet(const struct cfg_subnet *sn, uint32_t a)
{
	return (a & sn->mask) == sn->network;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Lease times: MinLeaseTime <= LeaseTime <= MaxLeaseTime. */
static void
subnet_check_leases(struct cfg_file *f, const char *section,
    const struct cfg_table *t, struct cfg_subnet *sn)
{
	if (!(t->present & (1ULL << SN_MAXLEASE)) && cfg_key_ok(f, section, t,
	    SN_MAXLEASE))
		sn->max_lease_time = sn->lease_time > 86400 ?
		    sn->lease_time : 86400;
	if (cfg_key_ok(f, section, t, SN_LEASE) &&
	    cfg_key_ok(f, section, t, SN_MINLEASE) &&
	    sn->min_lease_time > sn->lease_time)
		cfg_error(f, section, "MinLeaseTime", "must not exceed "
		    "LeaseTime (%u)", sn->lease_time);
	if (cfg_key_ok(f, section, t, SN_LEASE) &&
	    cfg_key_ok(f, section, t, SN_MAXLEASE) &&
	    sn->max_lease_time < sn->lease_time)
		cfg_error(f, section, "MaxLeaseTime", "must be at least "
		    "LeaseTime (%u)", sn->lease_time);
}

/* RFC 2131 section 4.4.5: T1 < T2 < lease. */
static void
subnet_check_renewal(struct cfg_file *f, const char *section,
    const struct cfg_table *t, const struct cfg_subnet *sn)
{
	char	 p1[32], p2[32];

	if (!cfg_key_ok(f, section, t, SN_T1) ||
	    !cfg_key_ok(f, section, t, SN_T2) ||
	    sn->t1_ratio < sn->t2_ratio)
		return;
	cfg_fmtnum(sn->t1_ratio * 100, p1, sizeof(p1));
	cfg_fmtnum(sn->t2_ratio * 100, p2, sizeof(p2));
	if (t->present & (1ULL << SN_T2))
		cfg_error(f, section, "RebindingPercent", "must be "
		    "more than RenewalPercent (%s)", p1);
	else
		cfg_error(f, section, "RenewalPercent", "must be less "
		    "than RebindingPercent (%s)", p2);
}

/* Range: inside the subnet, clear of its network and broadcast address. */
static void
subnet_check_ranges(struct cfg_file *f, const char *section,
    const struct cfg_subnet *sn)
{
	char	 r[40], a[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	uint32_t bcast = sn->network | ~sn->mask;

	cfg_addr_str(sn->network, net);
	for (size_t i = 0; i < sn->nranges; i++) {
		const struct cfg_range *x = &sn->ranges[i];

		cfg_range_str(x, r, sizeof(r));
		if (!in_subnet(sn, x->lo) || !in_subnet(sn, x->hi))
			cfg_error(f, section, "Range", "%s is not inside %s/%u",
			    r, net, sn->prefix);
		else if (x->lo == sn->network)
			cfg_error(f, section, "Range", "%s includes the network "
			    "address %s", r, net);
		else if (x->hi == bcast)
			cfg_error(f, section, "Range", "%s includes the "
			    "broadcast address %s", r, cfg_addr_str(bcast, a));
		else if (sn->broadcast != bcast && x->lo <= sn->broadcast &&
		    sn->broadcast <= x->hi)
			cfg_error(f, section, "Range", "%s includes "
			    "BroadcastAddress %s", r,
			    cfg_addr_str(sn->broadcast, a));
	}
}

/* Exclude: every address inside some Range; expanded into excludes[]. */
static void
subnet_check_excludes(struct cfg_file *f, const char *section,
    struct cfg_subnet *sn)
{
	char	 r[40], a[INET_ADDRSTRLEN];
	uint64_t total = 0;
	bool	 ok = true;

	for (size_t i = 0; i < sn->nexclude_ranges; i++) {
		const struct cfg_range *x = &sn->exclude_ranges[i];

		for (uint64_t ad = x->lo; ad <= x->hi; ) {
			size_t j;
			for (j = 0; j < sn->nranges; j++)
				if (ad >= sn->ranges[j].lo &&
				    ad <= sn->ranges[j].hi)
					break;
			if (j == sn->nranges) {
				cfg_addr_str((uint32_t)ad, a);
				if (x->lo == x->hi)
					cfg_error(f, section, "Exclude", "%s is "
					    "not inside any Range", a);
				else
					cfg_error(f, section, "Exclude", "%s: "
					    "%s is not inside any Range",
					    cfg_range_str(x, r, sizeof(r)), a);
				ok = false;
				break;
			}
			ad = (uint64_t)sn->ranges[j].hi + 1;
		}
		total += (uint64_t)x->hi - x->lo + 1;
	}
	if (!ok)
		return;
	if (total > CFG_MAX_EXCLUDES) {
		cfg_error(f, section, "Exclude", "covers %llu addresses, at "
		    "most %d (leave them out of Range instead)",
		    (unsigned long long)total, CFG_MAX_EXCLUDES);
		return;
	}
	sn->nexcludes = 0;
	for (size_t i = 0; i < sn->nexclude_ranges; i++)
		for (uint64_t ad = sn->exclude_ranges[i].lo;
		    ad <= sn->exclude_ranges[i].hi; ad++)
			sn->excludes[sn->nexcludes++] = (uint32_t)ad;
	qsort(sn->excludes, sn->nexcludes, sizeof(uint32_t), cmp_u32);
}


/* What needs a valid Subnet: BroadcastAddress, Range, Exclude, Routers. */
static void
subnet_check_addresses(struct cfg_file *f, const char *section,
    const struct cfg_table *t, struct cfg_subnet *sn)
{
	char	 a[INET_ADDRSTRLEN];

	sn->mask = 0xffffffffu << (32 - sn->prefix);
	if (!(t->present & (1ULL << SN_BROADCAST)))
		sn->broadcast = sn->network | ~sn->mask;
	else if (!in_subnet(sn, sn->broadcast) ||
	    sn->broadcast == sn->network)
		cfg_error(f, section, "BroadcastAddress", "must be inside "
		    "%s/%u and not its network address",
		    cfg_addr_str(sn->network, a), sn->prefix);
	if (t->present & (1ULL << SN_RANGE)) {
		subnet_check_ranges(f, section, sn);
		if (t->present & (1ULL << SN_EXCLUDE))
			subnet_check_excludes(f, section, sn);
	}
	/* A router handed out as a lease would break the whole subnet. */
	for (size_t i = 0; i < sn->nrouters; i++) {
		cfg_addr_str(sn->routers[i], a);
		if (!in_subnet(sn, sn->routers[i]))
			cfg_error(f, section, "Routers", "%s is not inside the "
			    "subnet", a);
		else if (config_subnet_dynamic(sn, sn->routers[i]))
			cfg_error(f, section, "Routers", "%s is inside Range; "
			    "add it to Exclude", a);
	}
}

int
cfg_subnet_parse(struct cfg_file *f, const char *section, const char *name,
    struct cfg_subnet *sn, struct cfg_table *extra, size_t nextra)
{
	struct cfg_table t = { cfg_subnet_specs, SN_NSPECS, sn,
	    CFG_TBL_OPTIONS, 0 };
	size_t	 before = f->nerrors;

	if (cfg_name_ok(f, section, name))
		snprintf(sn->name, sizeof(sn->name), "%s", name);
	cfg_section_parse_extra(f, section, &t, extra, nextra);
	/* Inherited unless given here (cfg_subnet_resolve_safety). */
	if (!(t.present & (1ULL << SN_SHARE)))
		sn->failover_share = CFG_INHERIT;
	if (!(t.present & (1ULL << SN_SAFE)))
		sn->safe_period = CFG_INHERIT;
	subnet_check_leases(f, section, &t, sn);
	subnet_check_renewal(f, section, &t, sn);
	if (t.present & (1ULL << SN_SUBNET))
		subnet_check_addresses(f, section, &t, sn);
	return f->nerrors > before ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* [host:NAME]                                                         */

int
cfg_host_parse(struct cfg_file *f, const char *section, const char *name,
    struct cfg_host *h)
{
	return cfg_host_parse_extra(f, section, name, h, NULL, 0);
}

int
cfg_host_parse_extra(struct cfg_file *f, const char *section,
    const char *name, struct cfg_host *h, struct cfg_table *extra,
    size_t nextra)
{
	struct cfg_table t = { cfg_host_specs, HO_NSPECS, h,
	    CFG_TBL_OPTIONS, 0 };
	size_t	 before = f->nerrors;
	bool	 hw, cid;

	if (cfg_name_ok(f, section, name))
		snprintf(h->name, sizeof(h->name), "%s", name);
	cfg_section_parse_extra(f, section, &t, extra, nextra);
	hw = cfg_key_find(f, section, "HardwareAddress") != NULL;
	cid = cfg_key_find(f, section, "ClientId") != NULL;
	if (hw && cid)
		cfg_error(f, section, NULL, "HardwareAddress and ClientId are "
		    "both set; give exactly one");
	else if (!hw && !cid)
		cfg_error(f, section, NULL, "HardwareAddress or ClientId is "
		    "required");
	if (t.present & (1ULL << HO_HW)) {
		h->htype = 1;		/* Ethernet, RFC 1700 */
		h->hlen = 6;
	}
	return f->nerrors > before ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* All subnets, all hosts                                              */

bool
cfg_subnets_overlap(const struct cfg_subnet *a, const struct cfg_subnet *b)
{
	/* CIDR blocks overlap iff one contains the other. */
	uint32_t m = a->mask & b->mask;

	return (a->network & m) == (b->network & m);
}

void
cfg_subnets_check(struct cfg_file *f, const struct cfg_subnet *sn, size_t n,
    const size_t *owner)
{
	char	 a[INET_ADDRSTRLEN], sec[CFG_NAME_MAX + 16];
	char	 whose[CFG_NAME_MAX + 32];

	for (size_t i = 0; i < n; i++) {
		if (sn[i].prefix == 0)
			continue;	/* invalid Subnet, reported */
		for (size_t j = 0; j < i; j++) {
			if (sn[j].prefix == 0 ||
			    !cfg_subnets_overlap(&sn[i], &sn[j]))
				continue;
			whose[0] = '\0';
			if (owner != NULL && owner[j] != CFG_NO_OWNER &&
			    owner[j] != owner[i])
				snprintf(whose, sizeof(whose), ", of "
				    "[primary:%s]", sn[j].primary);
			snprintf(sec, sizeof(sec), "subnet:%s", sn[i].name);
			cfg_error(f, sec, "Subnet", "overlaps [subnet:%s] "
			    "(%s/%u%s)", sn[j].name,
			    cfg_addr_str(sn[j].network, a), sn[j].prefix,
			    whose);
		}
	}
}

/* Each host's Address inside some subnet, and not its network or
 * broadcast address. */
static void
hosts_check_placed(struct cfg_file *f, const struct cfg_subnet *sn,
    size_t nsn, const struct cfg_host *h, size_t nh)
{
	char	 sec[CFG_NAME_MAX + 8];
	bool	 all_subnets = true;

	/* With a subnet already in error, "not inside" would be noise. */
	for (size_t j = 0; j < nsn; j++)
		if (sn[j].prefix == 0)
			all_subnets = false;
	for (size_t i = 0; i < nh; i++) {
		const struct cfg_subnet *s = NULL;

		snprintf(sec, sizeof(sec), "host:%s", h[i].name);
		if (h[i].addr == 0)
			continue;	/* missing or invalid: reported */
		for (size_t j = 0; j < nsn && s == NULL; j++)
			if (sn[j].prefix != 0 && in_subnet(&sn[j], h[i].addr))
				s = &sn[j];
		if (s == NULL && all_subnets)
			cfg_error(f, sec, "Address", "not inside any "
			    "[subnet:NAME]");
		else if (s == NULL)
			continue;
		else if (h[i].addr == s->network ||
		    h[i].addr == (s->network | ~s->mask) ||
		    h[i].addr == s->broadcast)
			cfg_error(f, sec, "Address", "is the network or "
			    "broadcast address of [subnet:%s]", s->name);
	}
}

/*
 * Hosts' identities as sortable keys: duplicates end up adjacent, and
 * sorting by file position within equal keys names the earlier host.
 */
struct hkey {
	size_t		 idx;
	uint8_t		 kind;		/* 0 address, 1 hardware, 2 client id */
	size_t		 len;
	uint8_t		 b[255];
};

static int
cmp_hkey(const void *a, const void *b)
{
	const struct hkey *x = a, *y = b;
	int	 c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((c = memcmp(x->b, y->b, x->len)) != 0)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Up to two keys per host (k has room for 2 * nh): its Address, and its
 * hardware address or else its client id.  Returns the count. */
static size_t
hkeys_fill(struct hkey *k, const struct cfg_host *h, size_t nh)
{
	size_t	 n = 0;

	for (size_t i = 0; i < nh; i++) {
		if (h[i].addr != 0) {
			k[n].idx = i;
			k[n].kind = 0;
			k[n].len = 4;
			for (int j = 0; j < 4; j++)
				k[n].b[j] = (uint8_t)(h[i].addr >> (24 - 8 * j));
			n++;
		}
		if (h[i].hlen == 6) {
			k[n].idx = i;
			k[n].kind = 1;
			k[n].len = 6;
			memcpy(k[n].b, h[i].hwaddr, 6);
			n++;
		} else if (h[i].cid_len > 0) {
			k[n].idx = i;
			k[n].kind = 2;
			k[n].len = h[i].cid_len;
			memcpy(k[n].b, h[i].cid, h[i].cid_len);
			n++;
		}
	}
	return n;
}

/* No Address, HardwareAddress or ClientId used by two hosts. */
static void
hosts_check_duplicates(struct cfg_file *f, const struct cfg_host *h,
    size_t nh)
{
	static const char *const what[] = {
		"Address", "HardwareAddress", "ClientId"
	};
	struct hkey *k;
	size_t	 n;
	char	 sec[CFG_NAME_MAX + 8];

	if (nh == 0 || (k = calloc(nh * 2, sizeof(*k))) == NULL)
		return;
	n = hkeys_fill(k, h, nh);
	qsort(k, n, sizeof(*k), cmp_hkey);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (k[i].kind != k[first].kind || k[i].len != k[first].len ||
		    memcmp(k[i].b, k[first].b, k[i].len) != 0) {
			first = i;
			continue;
		}
		snprintf(sec, sizeof(sec), "host:%s", h[k[i].idx].name);
		cfg_error(f, sec, what[k[i].kind], "also used by [host:%s]",
		    h[k[first].idx].name);
	}
	free(k);
}

void
cfg_hosts_check(struct cfg_file *f, const struct cfg_subnet *sn, size_t nsn,
    const struct cfg_host *h, size_t nh)
{
	hosts_check_placed(f, sn, nsn, h, nh);
	hosts_check_duplicates(f, h, nh);
}

/* ------------------------------------------------------------------ */
/* Safety keys a subnet inherits (docs/safety.md)                      */

void
cfg_safety_unset(const struct cfg_table *t, size_t i, uint32_t *safe_period)
{
	if (!(t->present & (1ULL << (i + 1))))
		*safe_period = CFG_SAFE_PERIOD_LEASE;
}

void
cfg_subnet_resolve_safety(struct cfg_subnet *sn, unsigned share,
    uint32_t safe_period)
{
	if (sn->failover_share == CFG_INHERIT)
		sn->failover_share = share;
	if (sn->safe_period != CFG_INHERIT)
		return;
	/* The longest lease a client of this subnet can hold (BOOTP
	 * included: engine.c). */
	if (safe_period == CFG_SAFE_PERIOD_LEASE)
		sn->safe_period = sn->max_lease_time != 0 ?
		    sn->max_lease_time : sn->lease_time;
	else
		sn->safe_period = safe_period;
}
