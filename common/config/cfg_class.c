/*
 * [class:NAME] sections (docs/options.md "Client classes"): the match
 * keys, the class's own ranges, and the checks across classes and
 * subnets.  Its options and boot fields are cfg_optset_parse()'s.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "optval.h"

struct classkeys {
	char		 vendor[CFG_MATCH_MAX + 1];
	char		 user[CFG_MATCH_MAX + 1];
	char		 circuit[CFG_MATCH_MAX + 1];
	char		 remote[CFG_MATCH_MAX + 1];
	char		 arch[128];
	uint8_t		 hwprefix[DHCP_CHADDR_LEN];
	size_t		 hwprefix_len;
	struct cfg_range ranges[CFG_MAX_RANGES];
	size_t		 nranges;
};

#define MATCH_MEANING	" (glob: * ? [set]; or exact bytes written 0x...)"
#define C	struct classkeys
static const struct cfg_spec class_specs[] = {
	{ .key = "VendorClass", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(C, vendor),
	  .meaning = "option 60 must match" MATCH_MEANING },
	{ .key = "UserClass", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(C, user),
	  .meaning = "option 77, or one of its RFC 3004 instances, must "
	  "match" MATCH_MEANING },
	{ .key = "CircuitId", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(C, circuit),
	  .meaning = "the relay's option 82 circuit-id must match"
	  MATCH_MEANING },
	{ .key = "RemoteId", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(C, remote),
	  .meaning = "the relay's option 82 remote-id must match"
	  MATCH_MEANING },
	{ .key = "ClientArch", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(C, arch),
	  .meaning = "option 93 holds one of these (comma list of 0..65535; "
	  "0 BIOS, 6/7/9 UEFI, RFC 4578)" },
	{ .key = "HardwarePrefix", .type = CFG_HEX, .min = 1,
	  .max = DHCP_CHADDR_LEN, CFG_FIELD(C, hwprefix),
	  CFG_COUNT(C, hwprefix_len),
	  .meaning = "the client's hardware address starts with these bytes" },
	{ .key = "Range", .type = CFG_RANGES, CFG_FIELD(C, ranges),
	  CFG_COUNT(C, nranges),
	  .meaning = "addresses of a subnet's Range only members get; "
	  "members get no others there" },
};
#undef C
enum { CL_VENDOR, CL_USER, CL_CIRCUIT, CL_REMOTE, CL_ARCH, CL_HW, CL_RANGE,
	CL_N };
_Static_assert(NELEM(class_specs) == CL_N, "class_specs and its enum");

const struct cfg_spec *
cfg_class_specs(size_t *n)
{
	*n = NELEM(class_specs);
	return class_specs;
}

/* A match key's text: 0x... is exact bytes, anything else a glob. */
static void
match_set(struct cfg_file *f, const char *section, const char *key,
    const char *text, struct cfg_match *m)
{
	char	 err[OPTVAL_ERR_MAX];
	int	 n;

	memset(m, 0, sizeof(*m));
	if (strncasecmp(text, "0x", 2) == 0) {
		if ((n = optval_parse(OPT_HEX, text, m->bytes,
		    CFG_MATCH_MAX, err)) < 0) {
			cfg_error(f, section, key, "%s", err);
			return;
		}
		m->exact = true;
		m->len = (uint16_t)n;
	} else {
		m->len = (uint16_t)strlen(text);
		memcpy(m->bytes, text, m->len + 1);
	}
	m->set = true;
}

static void
arch_set(struct cfg_file *f, const char *section, const char *text,
    struct cfg_class *c)
{
	uint8_t	 buf[2 * CFG_MAX_ARCH + 2];
	char	 err[OPTVAL_ERR_MAX];
	int	 n;

	if ((n = optval_parse(OPT_UINT16_LIST, text, buf, sizeof(buf),
	    err)) < 0) {
		cfg_error(f, section, "ClientArch", "%s", err);
		return;
	}
	if ((size_t)n > 2 * CFG_MAX_ARCH) {
		cfg_error(f, section, "ClientArch", "at most %d values",
		    CFG_MAX_ARCH);
		return;
	}
	for (int i = 0; i + 1 < n; i += 2)
		c->arch[c->narch++] = (uint16_t)(buf[i] << 8 | buf[i + 1]);
}

int
cfg_class_parse(struct cfg_file *f, const char *section, const char *name,
    struct cfg_class *c, struct cfg_table *extra, size_t nextra)
{
	struct classkeys k;
	struct cfg_table t = { class_specs, CL_N, &k, CFG_TBL_OPTIONS, 0 };
	size_t	 before = f->nerrors;

	memset(&k, 0, sizeof(k));
	if (cfg_name_ok(f, section, name))
		snprintf(c->name, sizeof(c->name), "%s", name);
	cfg_section_parse_extra(f, section, &t, extra, nextra);
	if (t.present & (1ULL << CL_VENDOR))
		match_set(f, section, "VendorClass", k.vendor, &c->vendor_class);
	if (t.present & (1ULL << CL_USER))
		match_set(f, section, "UserClass", k.user, &c->user_class);
	if (t.present & (1ULL << CL_CIRCUIT))
		match_set(f, section, "CircuitId", k.circuit, &c->circuit_id);
	if (t.present & (1ULL << CL_REMOTE))
		match_set(f, section, "RemoteId", k.remote, &c->remote_id);
	if (t.present & (1ULL << CL_ARCH))
		arch_set(f, section, k.arch, c);
	memcpy(c->hwprefix, k.hwprefix, sizeof(c->hwprefix));
	c->hwprefix_len = k.hwprefix_len;
	memcpy(c->ranges, k.ranges, sizeof(c->ranges));
	c->nranges = k.nranges;
	if ((t.present & ((1ULL << CL_RANGE) - 1)) == 0 &&
	    f->nerrors == before)
		cfg_error(f, section, NULL, "no match key: give at least one of "
		    "VendorClass, UserClass, CircuitId, RemoteId, ClientArch, "
		    "HardwarePrefix");
	return f->nerrors > before ? -1 : 0;
}

/* The Range entry of sn that holds a, or NULL. */
static const struct cfg_range *
range_holding(const struct cfg_subnet *sn, uint32_t a)
{
	for (size_t k = 0; k < sn->nranges; k++)
		if (sn->ranges[k].lo <= a && a <= sn->ranges[k].hi)
			return &sn->ranges[k];
	return NULL;
}

/*
 * Is all of r inside one subnet's Range entries (Exclude may cut it)?
 * It steps from entry to entry, not from address to address: a class
 * Range may span most of 2^32 addresses, and walking them took a minute
 * to load such a file.  Each step passes the end of the entry that holds
 * the next address, so there are at most nranges steps.
 */
static bool
range_placed(const struct cfg_subnet *sn, size_t nsn, const struct cfg_range *r)
{
	const struct cfg_range *in;

	for (size_t i = 0; i < nsn; i++) {
		if ((r->lo & sn[i].mask) != sn[i].network)
			continue;
		for (uint32_t a = r->lo;; a = in->hi + 1) {
			if ((in = range_holding(&sn[i], a)) == NULL)
				return false;
			if (in->hi >= r->hi)
				return true;
		}
	}
	return false;
}

static bool
ranges_meet(const struct cfg_range *a, const struct cfg_range *b)
{
	return a->lo <= b->hi && b->lo <= a->hi;
}

void
cfg_classes_check(struct cfg_file *f, const struct cfg_subnet *sn,
    size_t nsn, const struct cfg_class *c, size_t nc)
{
	char	 section[CFG_NAME_MAX + 8], buf[40];

	if (nc > CFG_MAX_CLASSES)
		cfg_error(f, NULL, NULL, "%zu [class:NAME] sections: at most "
		    "%d", nc, CFG_MAX_CLASSES);
	for (size_t i = 0; i < nc; i++) {
		snprintf(section, sizeof(section), "class:%s", c[i].name);
		for (size_t r = 0; r < c[i].nranges; r++) {
			cfg_range_str(&c[i].ranges[r], buf, sizeof(buf));
			if (!range_placed(sn, nsn, &c[i].ranges[r]))
				cfg_error(f, section, "Range", "%s is not inside "
				    "the Range of one subnet", buf);
			for (size_t j = 0; j < i; j++)
				for (size_t q = 0; q < c[j].nranges; q++)
					if (ranges_meet(&c[i].ranges[r],
					    &c[j].ranges[q]))
						cfg_error(f, section, "Range",
						    "%s overlaps a Range of "
						    "[class:%s]", buf,
						    c[j].name);
		}
	}
}
