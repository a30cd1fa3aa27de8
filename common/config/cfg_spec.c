/*
 * The spec machinery: one or more tables of struct cfg_spec applied to a
 * section (cfg_section_parse()).  Every key of the section is filled from
 * the file or from its default and checked by its type (cfg_value.c);
 * keys no table knows are errors, with a "did you mean" where one is
 * close; required keys that are missing are errors.  Which keys were
 * given and valid is reported back (struct cfg_table.present) for the
 * checks that follow (cfg_check.c, the loaders).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_int.h"

/*
 * A spec whose type does not fit its field would write out of bounds;
 * tables are constant, so this only ever catches a programming error.
 */
static const char *
spec_bad(const struct cfg_spec *sp)
{
	switch (sp->type) {
	case CFG_BOOL:
		return sp->size == sizeof(bool) ? NULL : "size";
	case CFG_UINT:
		if (sp->size != 1 && sp->size != 2 && sp->size != 4 &&
		    sp->size != 8)
			return "size";
		if (sp->size < 8 && sp->max >= (double)(1ULL << (8 * sp->size)))
			return "max does not fit the field";
		return sp->min <= sp->max ? NULL : "min > max";
	case CFG_SECS:
	case CFG_PERCENT:
		return sp->size == sizeof(double) && sp->min <= sp->max ?
		    NULL : "size or range";
	case CFG_ADDR:
		return sp->size == sizeof(uint32_t) ? NULL : "size";
	case CFG_ADDR_LIST:
		return sp->size >= sizeof(uint32_t) ? NULL : "size";
	case CFG_CIDR:
		return sp->size == sizeof(uint32_t) && sp->max <= 32 ?
		    NULL : "size or range";
	case CFG_RANGES:
		return sp->size >= sizeof(struct cfg_range) ? NULL : "size";
	case CFG_IFLIST:
		return sp->size >= CFG_IFNAME_LEN ? NULL : "size";
	case CFG_ENUM:
		return sp->choices != NULL && sp->size > 1 ? NULL : "choices";
	case CFG_MAC:
		return sp->size >= 6 ? NULL : "size";
	case CFG_HEX:
		return sp->size >= 1 && sp->min <= sp->size ? NULL : "size";
	case CFG_ADDR_PORT:
		return sp->size == sizeof(uint32_t) ? NULL : "size";
	case CFG_NAME:
	case CFG_DOMAIN:
	case CFG_STRING:
	case CFG_PATH:
		return sp->size > 1 ? NULL : "size";
	}
	return "type";
}

/* Edit distance, for "did you mean"; large when lengths differ much. */
static size_t
distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), row[64], i, j;

	if (lb >= 63 || (la > lb ? la - lb : lb - la) > 3)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			best = diag + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *
cfg_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t	 bestd = 99, limit = strlen(word) / 4;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

static const struct cfg_spec *
spec_find(struct cfg_table *tables, size_t ntables, const char *key,
    struct cfg_table **tp)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].nspecs; i++)
			if (strcasecmp(tables[t].specs[i].key, key) == 0) {
				if (tp != NULL)
					*tp = &tables[t];
				return &tables[t].specs[i];
			}
	return NULL;
}

static void
unknown_key(struct cfg_file *f, const char *section,
    const struct scan_ent *e, struct cfg_table *tables, size_t ntables)
{
	const char *cands[256], *s;
	size_t	 n = 0;

	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].nspecs && n < 256; i++)
			cands[n++] = tables[t].specs[i].key;
	if ((s = cfg_suggest(e->key, cands, n)) != NULL)
		cfg_error_at(f, section, e, "unknown key (did you mean %s?)",
		    s);
	else
		cfg_error_at(f, section, e, "unknown key in [%s]", section);
}

/*
 * One table: each spec from its key in the file, else its default (unless
 * CFG_TBL_NO_DEFAULTS), else "required key is missing" if it is required.
 */
void
cfg_table_apply(struct cfg_file *f, const char *section, struct cfg_table *tb)
{
	tb->present = 0;
	for (size_t i = 0; i < tb->nspecs; i++) {
		const struct cfg_spec *sp = &tb->specs[i];
		const struct scan_ent *e;
		const char *why;

		if (i >= 64 || (why = spec_bad(sp)) != NULL) {
			cfg_errs_add(f, "%s: [%s] %s: internal error: bad "
			    "spec (%s)", f->path, section, sp->key,
			    i >= 64 ? "table too long" : why);
			continue;
		}
		e = cfg_key_find(f, section, sp->key);
		/* No value: the scan and iniparser disagreed, which
		 * ini_scan.c has reported. */
		if (e != NULL && e->value == NULL)
			continue;
		if (e != NULL) {
			if (cfg_value_parse(f, section, sp, e, e->value,
			    tb->base))
				tb->present |= 1ULL << i;
		} else if (tb->flags & CFG_TBL_NO_DEFAULTS)
			continue;
		else if (sp->def != NULL)
			(void)cfg_value_parse(f, section, sp, NULL, sp->def,
			    tb->base);
		else if (sp->flags & CFG_F_REQUIRED)
			cfg_error(f, section, sp->key,
			    "required key is missing");
	}
}

int
cfg_section_parse(struct cfg_file *f, const char *section,
    struct cfg_table *tables, size_t ntables)
{
	const struct scan_sec *s = cfg_sec_find(f, section);
	size_t	 before = f->nerrors;

	bool	 opts = false;

	for (size_t t = 0; t < ntables; t++)
		opts |= (tables[t].flags & CFG_TBL_OPTIONS) != 0;
	if (s != NULL)
		for (size_t i = 0; i < s->nkeys; i++) {
			const struct scan_ent *e = &f->ents[s->keys[i]];
			if (opts && cfg_optkey_is(e->key))
				continue;	/* cfg_optset_parse's */
			if (spec_find(tables, ntables, e->key, NULL) == NULL)
				unknown_key(f, section, e, tables, ntables);
		}
	for (size_t t = 0; t < ntables; t++)
		cfg_table_apply(f, section, &tables[t]);
	return f->nerrors > before ? -1 : 0;
}

void
cfg_section_parse_extra(struct cfg_file *f, const char *section,
    struct cfg_table *base, struct cfg_table *extra, size_t nextra)
{
	struct cfg_table tb[8];
	size_t	 nt = 1;

	tb[0] = *base;
	for (size_t i = 0; i < nextra && nt < NELEM(tb); i++)
		tb[nt++] = extra[i];
	cfg_section_parse(f, section, tb, nt);
	base->present = tb[0].present;
	for (size_t i = 1; i < nt; i++)
		extra[i - 1].present = tb[i].present;
}

bool
cfg_key_ok(const struct cfg_file *f, const char *section,
    const struct cfg_table *t, size_t i)
{
	return (t->present & (1ULL << i)) ||
	    cfg_key_find(f, section, t->specs[i].key) == NULL;
}

bool
cfg_name_ok(struct cfg_file *f, const char *section, const char *name)
{
	size_t	 len = strlen(name);

	for (const char *p = name; *p != '\0'; p++)
		if (!cfg_text_char_ok(CFG_NAME, (unsigned char)*p))
			len = 0;
	if (len == 0 || len >= CFG_NAME_MAX) {
		cfg_error(f, section, NULL, "the name after ':' must be 1..%d "
		    "characters of a-z 0-9 _ . -", CFG_NAME_MAX - 1);
		return false;
	}
	return true;
}
