/*
 * Options in the configuration (docs/options.md): [option:NAME] sections
 * define options that are not built in (optdef.h); each section that
 * hands something out ([server], [subnet:], [class:], [host:], and the
 * failover's [primary:NAME]) gives Option.NAME keys, NextServer,
 * BootFile, ServerName and AlwaysSend.  Every value is parsed and
 * encoded here, once, at load (optval.h), so a reply only copies bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_int.h"
#include "optval.h"

#define OPT_PREFIX	"option."
#define OPT_PREFIX_LEN	(sizeof(OPT_PREFIX) - 1)

/* The keys a section with CFG_TBL_OPTIONS takes besides Option.NAME. */
struct optkeys {
	uint32_t	 next_server;
	char		 boot_file[DHCP_FILE_LEN];
	char		 server_name[DHCP_SNAME_LEN];
	char		 always[CFG_ALWAYS_MAX + 1];
};

#define K	struct optkeys
static const struct cfg_spec optkey_specs[] = {
	{ .key = "NextServer", .type = CFG_ADDR, .flags = CFG_F_UNICAST,
	  CFG_FIELD(K, next_server),
	  .meaning = "siaddr: the server a PXE client loads its boot file "
	  "from" },
	{ .key = "BootFile", .type = CFG_STRING, .min = 1,
	  .max = DHCP_FILE_LEN - 1, CFG_FIELD(K, boot_file),
	  .meaning = "the reply's file field: the boot file's name" },
	{ .key = "ServerName", .type = CFG_STRING, .min = 1,
	  .max = DHCP_SNAME_LEN - 1, CFG_FIELD(K, server_name),
	  .meaning = "the reply's sname field: the boot server's name" },
	{ .key = "AlwaysSend", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(K, always),
	  .meaning = "options of this section sent even to a client that "
	  "did not ask for them (comma list of names or codes)" },
};
#undef K
enum { OK_NEXT, OK_FILE, OK_SNAME, OK_ALWAYS, OK_N };
_Static_assert(NELEM(optkey_specs) == OK_N, "optkey_specs and its enum");

bool
cfg_optkey_is(const char *key)
{
	if (strncmp(key, OPT_PREFIX, OPT_PREFIX_LEN) == 0)
		return true;
	for (size_t i = 0; i < NELEM(optkey_specs); i++)
		if (strcasecmp(key, optkey_specs[i].key) == 0)
			return true;
	return false;
}

const struct cfg_spec *
cfg_optkey_specs(size_t *n)
{
	*n = NELEM(optkey_specs);
	return optkey_specs;
}

/* ------------------------------------------------------------------ */
/* [option:NAME]                                                       */

struct defkeys {
	unsigned	 code;
	char		 type[16];
	char		 space[16];
};

static const char *const user_types[] = {
	"ip", "ip-list", "uint8", "uint16", "uint32", "int32", "bool",
	"string", "hex", "fqdn-list", "routes", NULL
};
static const char *const spaces[] = { "dhcp4", "vendor", NULL };

#define D	struct defkeys
static const struct cfg_spec optdef_specs[] = {
	{ .key = "Code", .type = CFG_UINT, .flags = CFG_F_REQUIRED, .min = 1,
	  .max = 254, CFG_FIELD(D, code),
	  .meaning = "option code (1..254; a sub-option code in space "
	  "vendor)" },
	{ .key = "Type", .type = CFG_ENUM, .flags = CFG_F_REQUIRED,
	  .choices = user_types, CFG_FIELD(D, type),
	  .meaning = "how the value is written and encoded" },
	{ .key = "Space", .type = CFG_ENUM, .def = "dhcp4", .choices = spaces,
	  CFG_FIELD(D, space),
	  .meaning = "dhcp4, or vendor: a sub-option of option 43" },
};
#undef D

const struct cfg_spec *
cfg_optdef_specs(size_t *n)
{
	*n = NELEM(optdef_specs);
	return optdef_specs;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The checks of one definition against the table and those before it. */
static bool
optdef_ok(struct cfg_file *f, const char *section, const struct optdef *d,
    const struct optdef_set *set)
{
	const struct optdef *b;
	size_t	 nb;

	if (all_digits(d->name)) {
		cfg_error(f, section, NULL, "an option's name may not be a "
		    "number (a number names the option of that code)");
		return false;
	}
	if (optdef_reserved(d->space, d->code)) {
		cfg_error(f, section, "Code", "option %u is set by the server "
		    "itself and cannot be defined", d->code);
		return false;
	}
	b = optdef_builtin(&nb);
	for (size_t i = 0; i < nb; i++)
		if (strcasecmp(b[i].name, d->name) == 0 &&
		    (b[i].code != d->code || b[i].space != d->space)) {
			cfg_error(f, section, NULL, "%s is the name of built-in "
			    "option %u; choose another name", b[i].name,
			    b[i].code);
			return false;
		}
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].code == d->code && set->v[i].space == d->space) {
			cfg_error(f, section, "Code", "[option:%s] defines "
			    "%s option %u already", set->v[i].name,
			    opt_space_name(d->space), d->code);
			return false;
		}
	return true;
}

void
cfg_optdefs_parse(struct cfg_file *f, struct config *cfg)
{
	struct optdef_set *set = &cfg->optdefs;
	size_t	 nsec = cfg_file_nsections(f);

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(f, i), *name;
		struct defkeys k;
		struct cfg_table t = { optdef_specs, NELEM(optdef_specs), &k,
		    0, 0 };
		struct optdef d;
		enum opt_type ty;
		enum opt_space sp;

		if ((name = cfg_section_name(s, "option")) == NULL)
			continue;
		memset(&k, 0, sizeof(k));
		if (!cfg_name_ok(f, s, name) ||
		    cfg_section_parse(f, s, &t, 1) < 0)
			continue;
		if (set->n == OPTDEF_USER_MAX) {
			cfg_error(f, s, NULL, "more than %d [option:NAME] "
			    "sections", OPTDEF_USER_MAX);
			return;
		}
		memset(&d, 0, sizeof(d));
		snprintf(d.name, sizeof(d.name), "%s", name);
		d.code = (uint8_t)k.code;
		(void)opt_type_parse(k.type, false, &ty);
		(void)opt_space_parse(k.space, &sp);
		d.type = (uint8_t)ty;
		d.space = (uint8_t)sp;
		if (optdef_ok(f, s, &d, set))
			set->v[set->n++] = d;
	}
}

/* ------------------------------------------------------------------ */
/* Option sets                                                         */

/* One Option.NAME key into s. */
static void
optkey_parse(struct cfg_file *f, const char *section,
    const struct scan_ent *e, const struct optdef_set *defs,
    struct cfg_optset *s)
{
	const char *name = e->key_orig + OPT_PREFIX_LEN;
	const struct optdef *d;
	uint8_t	 buf[OPTVAL_MAX];
	char	 err[OPTVAL_ERR_MAX];
	int	 n;

	if (all_digits(name) && strlen(name) <= 3 &&
	    optdef_reserved(OPT_SPACE_DHCP4, (unsigned)atoi(name))) {
		cfg_error_at(f, section, e, "option %s is set by the server "
		    "itself", name);
		return;
	}
	if ((d = optdef_find(defs, name)) == NULL) {
		cfg_error_at(f, section, e, "unknown option %s (not built in: "
		    "define it in an [option:NAME] section)", name);
		return;
	}
	if (e->value == NULL)
		return;		/* the scan reported it */
	if ((n = optval_parse(d->type, e->value, buf, sizeof(buf), err)) < 0) {
		cfg_error_at(f, section, e, "%s", err);
		return;
	}
	if (d->space == OPT_SPACE_VENDOR && n > 255) {
		cfg_error_at(f, section, e, "a vendor sub-option holds at most "
		    "255 bytes, this value takes %d", n);
		return;
	}
	if (cfg_optset_find(s, d->space, d->code) != NULL) {
		cfg_error_at(f, section, e, "option %s (%s %u) is set twice in "
		    "this section", d->name, opt_space_name(d->space), d->code);
		return;
	}
	if (!cfg_optset_add(s, d->space, d->code, buf, (size_t)n))
		cfg_error_at(f, section, e, "too many options in one section "
		    "(at most %d, %d bytes of values)", CFG_OPTSET_MAX,
		    CFG_OPTBUF_MAX);
}

/* AlwaysSend: each name must be an option this section sets. */
static void
always_parse(struct cfg_file *f, const char *section,
    const struct optdef_set *defs, char *list, struct cfg_optset *s)
{
	char	*save = NULL;

	for (char *w = strtok_r(list, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		const struct optdef *d;
		struct cfg_opt *o;

		w = cfg_strip(w);
		if ((d = optdef_find(defs, w)) == NULL) {
			cfg_error(f, section, "AlwaysSend", "unknown option %s",
			    w);
			continue;
		}
		if ((o = (struct cfg_opt *)cfg_optset_find(s, d->space,
		    d->code)) == NULL) {
			cfg_error(f, section, "AlwaysSend", "%s is not set in "
			    "this section (give Option.%s here too)", w, w);
			continue;
		}
		o->always = true;
	}
}

/* Every Option.NAME key and the other option keys of section, into s. */
static void
optset_fill(struct cfg_file *f, const char *section,
    const struct optdef_set *defs, struct cfg_optset *s)
{
	const struct scan_sec *sec = cfg_sec_find(f, section);
	struct optkeys k;
	struct cfg_table t = { optkey_specs, NELEM(optkey_specs), &k,
	    CFG_TBL_NO_DEFAULTS, 0 };

	memset(s, 0, sizeof(*s));
	memset(&k, 0, sizeof(k));
	for (size_t i = 0; sec != NULL && i < sec->nkeys; i++) {
		const struct scan_ent *e = &f->ents[sec->keys[i]];

		if (strncmp(e->key, OPT_PREFIX, OPT_PREFIX_LEN) == 0)
			optkey_parse(f, section, e, defs, s);
	}
	cfg_table_apply(f, section, &t);
	if (t.present & (1ULL << OK_NEXT)) {
		s->has_next_server = true;
		s->next_server = k.next_server;
	}
	memcpy(s->boot_file, k.boot_file, sizeof(s->boot_file));
	memcpy(s->server_name, k.server_name, sizeof(s->server_name));
	if (t.present & (1ULL << OK_ALWAYS))
		always_parse(f, section, defs, k.always, s);
}

/* A new set filled from section, or NULL (reported) out of memory. */
static struct cfg_optset *
optset_begin(struct cfg_file *f, const char *section, struct config *cfg)
{
	struct cfg_optset *s;

	if ((s = malloc(sizeof(*s))) == NULL) {
		cfg_error(f, section, NULL, "out of memory");
		return NULL;
	}
	optset_fill(f, section, &cfg->optdefs, s);
	return s;
}

/* Store s unless errors were reported since `before`; free it. */
static int
optset_end(struct cfg_file *f, const char *section, struct config *cfg,
    struct cfg_optset *s, size_t before, uint32_t *idx)
{
	*idx = 0;
	if (f->nerrors == before &&
	    (*idx = cfg_optset_store(cfg, s)) == UINT32_MAX) {
		*idx = 0;
		cfg_error(f, section, NULL, "out of memory");
	}
	free(s);
	return f->nerrors > before ? -1 : 0;
}

int
cfg_optset_parse(struct cfg_file *f, const char *section, struct config *cfg,
    uint32_t *idx)
{
	size_t	 before = f->nerrors;
	struct cfg_optset *s;

	*idx = 0;
	if ((s = optset_begin(f, section, cfg)) == NULL)
		return -1;
	return optset_end(f, section, cfg, s, before, idx);
}

/* An old key's value as the option it stands for, unless an Option.
 * key of the section sets that option too. */
static bool
legacy_free(struct cfg_file *f, const char *section, struct cfg_optset *s,
    const char *key, unsigned code)
{
	if (cfg_optset_find(s, OPT_SPACE_DHCP4, code) == NULL)
		return true;
	cfg_error(f, section, key, "option %u is also set by an Option. key "
	    "in this section; give one of them", code);
	return false;
}

static void
legacy_text(struct cfg_file *f, const char *section, struct cfg_optset *s,
    const char *key, unsigned code, const char *v, size_t max)
{
	size_t	 len = strnlen(v, max);

	if (len > 0 && legacy_free(f, section, s, key, code) &&
	    !cfg_optset_add(s, OPT_SPACE_DHCP4, code, (const uint8_t *)v, len))
		cfg_error(f, section, key, "too many options in one section");
}

static void
legacy_addrs(struct cfg_file *f, const char *section, struct cfg_optset *s,
    const char *key, unsigned code, const uint32_t *a, size_t n)
{
	if (n > 0 && legacy_free(f, section, s, key, code) &&
	    !cfg_optset_add_addrs(s, code, a, n))
		cfg_error(f, section, key, "too many options in one section");
}

int
cfg_subnet_optset(struct cfg_file *f, const char *section,
    struct config *cfg, struct cfg_subnet *sn)
{
	size_t	 before = f->nerrors;
	struct cfg_optset *s;

	sn->opts = 0;
	if ((s = optset_begin(f, section, cfg)) == NULL)
		return -1;
	legacy_addrs(f, section, s, "Routers", DHO_ROUTERS, sn->routers,
	    sn->nrouters);
	legacy_addrs(f, section, s, "DnsServers", DHO_DNS_SERVERS, sn->dns,
	    sn->ndns);
	legacy_addrs(f, section, s, "NtpServers", DHO_NTP_SERVERS, sn->ntp,
	    sn->nntp);
	legacy_text(f, section, s, "DomainName", DHO_DOMAIN_NAME,
	    sn->domain_name, sizeof(sn->domain_name));
	return optset_end(f, section, cfg, s, before, &sn->opts);
}

int
cfg_host_optset(struct cfg_file *f, const char *section, struct config *cfg,
    struct cfg_host *h)
{
	size_t	 before = f->nerrors;
	struct cfg_optset *s;

	h->opts = 0;
	if ((s = optset_begin(f, section, cfg)) == NULL)
		return -1;
	legacy_text(f, section, s, "Hostname", DHO_HOST_NAME, h->hostname,
	    sizeof(h->hostname));
	return optset_end(f, section, cfg, s, before, &h->opts);
}
