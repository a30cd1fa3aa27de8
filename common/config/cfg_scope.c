/*
 * A primary's scope: the sections that say what it hands out and to
 * whom ([option:NAME], [server]'s options, [class:NAME], [subnet:NAME],
 * [host:NAME]).  Here is what primary.ini's loader (primary/pr_config.c)
 * and the scope file's loader (config_load_scope(), below) share: the
 * frame of a load, the named sections in file order, the checks across
 * them; and the scope file's loader itself, which takes those sections
 * and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* Count the [subnet:], [host:] and [class:] sections; allocate them. */
static int
sections_alloc(struct cfg_file *f, struct config *cfg)
{
	size_t	 nsec = cfg_file_nsections(f), nsub = 0, nhost = 0, ncls = 0;

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(f, i);
		nsub += cfg_section_name(s, "subnet") != NULL;
		nhost += cfg_section_name(s, "host") != NULL;
		ncls += cfg_section_name(s, "class") != NULL;
	}
	if ((nsub > 0 && (cfg->subnets = calloc(nsub,
	    sizeof(*cfg->subnets))) == NULL) ||
	    (nhost > 0 && (cfg->hosts = calloc(nhost,
	    sizeof(*cfg->hosts))) == NULL) ||
	    (ncls > 0 && (cfg->classes = calloc(ncls,
	    sizeof(*cfg->classes))) == NULL))
		return -1;
	return 0;
}

struct cfg_file *
cfg_load_begin(const char *path, struct config *cfg,
    struct config_errors *errs)
{
	struct cfg_file *f;

	memset(cfg, 0, sizeof(*cfg));
	if ((f = cfg_file_load(path, errs)) == NULL)
		return NULL;
	if (strlen(path) >= sizeof(cfg->path))
		cfg_error(f, NULL, NULL, "path longer than %d characters",
		    CFG_PATH_MAX - 1);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	if (sections_alloc(f, cfg) < 0) {
		cfg_error(f, NULL, NULL, "out of memory");
		(void)cfg_load_end(f, cfg);
		return NULL;
	}
	return f;
}

int
cfg_load_end(struct cfg_file *f, struct config *cfg)
{
	int	 rc = cfg_file_nerrors(f) > 0 ? -1 : 0;

	cfg_file_free(f);
	if (rc < 0)
		config_free(cfg);
	return rc;
}

void
cfg_scope_parse(struct cfg_file *f, struct config *cfg,
    void (*other)(struct cfg_file *, const char *))
{
	size_t	 nsec = cfg_file_nsections(f);

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(f, i), *name;

		if ((name = cfg_section_name(s, "subnet")) != NULL) {
			struct cfg_subnet *sn = &cfg->subnets[cfg->nsubnets++];

			(void)cfg_subnet_parse(f, s, name, sn, NULL, 0);
			(void)cfg_subnet_optset(f, s, cfg, sn);
		} else if ((name = cfg_section_name(s, "host")) != NULL) {
			struct cfg_host *h = &cfg->hosts[cfg->nhosts++];

			(void)cfg_host_parse(f, s, name, h);
			(void)cfg_host_optset(f, s, cfg, h);
		} else if ((name = cfg_section_name(s, "class")) != NULL) {
			struct cfg_class *c = &cfg->classes[cfg->nclasses++];

			(void)cfg_class_parse(f, s, name, c, NULL, 0);
			(void)cfg_optset_parse(f, s, cfg, &c->opts);
		} else if (cfg_section_name(s, "option") == NULL)
			other(f, s);
	}
}

void
cfg_scope_check(struct cfg_file *f, struct config *cfg, unsigned share,
    uint32_t safe_period)
{
	if (cfg->nsubnets == 0)
		cfg_error(f, NULL, NULL, "no [subnet:NAME] section: at least "
		    "one is required");
	for (size_t i = 0; i < cfg->nsubnets; i++)
		cfg_subnet_resolve_safety(&cfg->subnets[i], share,
		    safe_period);
	cfg_subnets_check(f, cfg->subnets, cfg->nsubnets, NULL);
	cfg_hosts_check(f, cfg->subnets, cfg->nsubnets, cfg->hosts,
	    cfg->nhosts);
	cfg_classes_check(f, cfg->subnets, cfg->nsubnets, cfg->classes,
	    cfg->nclasses);
}

/* ------------------------------------------------------------------ */
/* The scope file                                                      */

#define SCOPE_SECTIONS	"[server], [option:NAME], [class:NAME], " \
			"[subnet:NAME] or [host:NAME]"

/* [server] holds the global options only: every other key is refused
 * by name, before cfg_optset_parse() reads the option keys. */
static void
scope_server(struct cfg_file *f, struct config *cfg)
{
	const struct scan_sec *sec = cfg_sec_find(f, "server");

	for (size_t i = 0; sec != NULL && i < sec->nkeys; i++) {
		const struct scan_ent *e = &f->ents[sec->keys[i]];

		if (!cfg_optkey_is(e->key))
			cfg_error_at(f, "server", e, "not a scope key: "
			    "[server] holds only Option.NAME, AlwaysSend, "
			    "NextServer, BootFile and ServerName here");
	}
	(void)cfg_optset_parse(f, "server", cfg, &cfg->global_opts);
}

/* A section that is none of the scope's. */
static void
scope_other(struct cfg_file *f, const char *s)
{
	if (strcmp(s, "server") != 0)
		cfg_error(f, s, NULL, "not a scope section (expected "
		    SCOPE_SECTIONS ")");
}

int
config_load_scope(const char *path, struct config *cfg,
    struct config_errors *errs)
{
	struct cfg_file *f;

	if ((f = cfg_load_begin(path, cfg, errs)) == NULL)
		return -1;
	cfg_optdefs_parse(f, cfg);
	scope_server(f, cfg);
	cfg_scope_parse(f, cfg, scope_other);
	cfg_scope_check(f, cfg, CFG_SHARE_DEFAULT, CFG_SAFE_PERIOD_LEASE);
	return cfg_load_end(f, cfg);
}
