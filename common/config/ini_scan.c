/*
 * The INI scanner: where each section and key of a file sits, beside
 * iniparser, which reads it.
 *
 * iniparser parses the file: what a line is, section and key names,
 * values (quotes, inline comments, '\' continuations), and its own syntax
 * errors.  Every value the loaders use comes from its dictionary.  What
 * iniparser 4.1 cannot give is why this scanner exists:
 *
 *   - line numbers: it keeps none, and every message names the line
 *     (FILE:LINE: ...) of the key or section it is about;
 *   - keys as written: it folds names to lower case, and an unknown key
 *     is shown as the operator spelt it;
 *   - repeats: a repeated key silently replaces the earlier value and a
 *     repeated section merges into the first; both are errors here;
 *   - keys it would misfile: a key before any [section], a key with ':'
 *     in its name (the dictionary keys entries "section:key");
 *   - a '\' continuation cut off by the end of the file, which it drops
 *     without a word, and an empty "[]" header.
 *
 * So the scan follows iniparser's own rules for what a line is
 * (scan_line()) but takes only names and positions from it.  The scan and
 * the dictionary are then required to agree entry for entry
 * (scan_agree()), so the section structure can be taken from the scan and
 * every value from iniparser.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "cfg_int.h"

char *
cfg_strip(char *s)
{
	size_t	 len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Record a header (key NULL) or a key, as written; keys fold as in
 * iniparser.  The entry's strings share one allocation (struct scan_ent):
 * there is an entry per line, on every load. */
static int
ent_add(struct cfg_file *f, const char *section, const char *key, int line)
{
	struct scan_ent *e;
	size_t	 slen = strlen(section) + 1;	/* with the NULs */
	size_t	 klen = key != NULL ? strlen(key) + 1 : 0;
	char	*p;

	if (f->nents == f->ents_cap) {
		size_t ncap = f->ents_cap ? f->ents_cap * 2 : 64;
		if ((e = realloc(f->ents, ncap * sizeof(*e))) == NULL)
			return -1;
		f->ents = e;
		f->ents_cap = ncap;
	}
	e = &f->ents[f->nents];
	memset(e, 0, sizeof(*e));
	e->line = line;
	if ((p = malloc(slen + 2 * klen)) == NULL)
		return -1;
	f->nents++;
	e->section = memcpy(p, section, slen);
	if (key != NULL) {
		e->key = memcpy(p + slen, key, klen);
		e->key_orig = memcpy(p + slen + klen, key, klen);
		lower(e->key);
	}
	return 0;
}

/*
 * Classify one logical line exactly as iniparser 4.1's iniparser_line()
 * does: after stripping, '#' or ';' starts a comment; "[...]" is a section
 * named by the text up to the first ']' (an empty "[]" leaves the current
 * section unchanged); anything else with an '=' that is not the first
 * character is a key, named by the text before the first '='.  Other lines
 * are iniparser's syntax errors, reported through its callback.
 */
static int
scan_line(struct cfg_file *f, char *text, int line, char **cursec)
{
	char	*s = cfg_strip(text), *eq, *name;
	size_t	 len = strlen(s);

	if (len == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[' && s[len - 1] == ']') {
		char *end = strchr(s + 1, ']');
		*end = '\0';
		if (s[1] == '\0') {
			/*
			 * iniparser's sscanf("[%[^]]") matches nothing here, so
			 * it keeps the previous section name, then cuts it to
			 * strlen(line) - 1 characters with strlwc().  Follow
			 * it, so both still agree on where later keys go.
			 */
			cfg_errs_add(f, "%s:%d: []: empty section name",
			    f->path, line);
			if (strlen(*cursec) > len - 1)
				(*cursec)[len - 1] = '\0';
			return ent_add(f, *cursec, NULL, line);
		}
		name = cfg_strip(s + 1);
		lower(name);
		if (*name == '\0')
			cfg_errs_add(f, "%s:%d: [ ]: empty section name",
			    f->path, line);
		free(*cursec);
		if ((*cursec = strdup(name)) == NULL)
			return -1;
		return ent_add(f, name, NULL, line);
	}
	if (s[0] == '=' || (eq = strchr(s, '=')) == NULL)
		return 0;
	*eq = '\0';
	return ent_add(f, *cursec, cfg_strip(s), line);
}

/*
 * Read the file line by line as iniparser does: trailing white space is
 * dropped, and a line ending in '\' continues on the next one (iniparser
 * overwrites the '\' with the next line).  Bytes after a NUL are ignored,
 * like iniparser's strlen() does; such files fail in iniparser anyway.
 */
int
cfg_scan_file(struct cfg_file *f, FILE *fp)
{
	char	*buf = NULL, *acc = NULL, *cursec;
	size_t	 cap = 0, acclen = 0, acccap = 0;
	int	 lineno = 0, first = 0, rc = 0;
	bool	 cont = false;

	if ((cursec = strdup("")) == NULL)
		return -1;
	while (getline(&buf, &cap, fp) != -1) {
		size_t	 len = strlen(buf);
		char	*n;

		lineno++;
		while (len > 0 && isspace((unsigned char)buf[len - 1]))
			buf[--len] = '\0';
		if (!cont) {
			acclen = 0;
			first = lineno;
		}
		/* acc only grows: a realloc per line is an allocation per
		 * line, on every load. */
		if (acclen + len + 1 > acccap) {
			if ((n = realloc(acc, acclen + len + 1)) == NULL) {
				rc = -1;
				break;
			}
			acc = n;
			acccap = acclen + len + 1;
		}
		memcpy(acc + acclen, buf, len + 1);
		acclen += len;
		if (acclen > 0 && acc[acclen - 1] == '\\') {
			acc[--acclen] = '\0';
			cont = true;
			continue;
		}
		cont = false;
		if (scan_line(f, acc, first, &cursec) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		cfg_errs_add(f, "%s: cannot read: %s", f->path,
		    strerror(errno));
		rc = -2;
	}
	/* iniparser drops a continued line cut off by the end of file. */
	if (rc == 0 && cont)
		cfg_errs_add(f, "%s:%d: the last line ends with '\\' "
		    "(continued) but the file ends there", f->path, first);
	free(cursec);
	free(acc);
	free(buf);
	return rc;
}

/* qsort(3) has no context argument; loading happens on one thread. */
static _Thread_local const struct scan_ent *sort_ents;
static _Thread_local const struct scan_sec *sort_secs;

static int
cmp_ent(const void *a, const void *b)
{
	const struct scan_ent *x = &sort_ents[*(const size_t *)a];
	const struct scan_ent *y = &sort_ents[*(const size_t *)b];
	int	 c;

	if ((c = strcmp(x->section, y->section)) != 0)
		return c;
	if ((x->key == NULL) != (y->key == NULL))
		return x->key == NULL ? -1 : 1;
	if (x->key != NULL && (c = strcmp(x->key, y->key)) != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_sec_line(const void *a, const void *b)
{
	const struct scan_sec *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_sec_name(const void *a, const void *b)
{
	return strcmp(sort_secs[*(const size_t *)a].name,
	    sort_secs[*(const size_t *)b].name);
}

static size_t
find_sid(const struct cfg_file *f, const char *name)
{
	size_t	 lo = 0, hi = f->nsecs;

	while (lo < hi) {
		size_t	 mid = (lo + hi) / 2;
		int	 c = strcmp(name, f->secs[f->secs_sorted[mid]].name);
		if (c == 0)
			return f->secs_sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

/*
 * Sorting the scanned lines by (section, key, line) puts repeats next to
 * each other: report them, keys outside any section and keys iniparser
 * would misfile.  Returns the number of distinct entries, which is what
 * iniparser's dictionary must hold.
 */
static size_t
scan_repeats(struct cfg_file *f, const size_t *idx)
{
	size_t	 nuniq = 0;

	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[idx[i]];
		struct scan_ent *p = i > 0 ? &f->ents[idx[i - 1]] : NULL;
		bool	 same = p != NULL && strcmp(p->section, e->section) == 0;

		/* Names are sanitised for a message only: most lines
		 * have none, on every load. */
		char	 sec[SAN_LEN], key[SAN_LEN];

		if (e->key == NULL) {
			if (same && p->key == NULL) {
				e->dup = true;
				cfg_errs_add(f, "%s:%d: [%s]: section appears "
				    "twice (first at line %d); merge them",
				    f->path, e->line, cfg_san(e->section, sec),
				    p->line);
			} else
				nuniq++;
			continue;
		}
		if (same && p->key != NULL && strcmp(p->key, e->key) == 0) {
			e->dup = true;
			cfg_errs_add(f, "%s:%d: [%s] %s: key appears twice in "
			    "the section (also at line %d)", f->path, e->line,
			    cfg_san(e->section, sec), cfg_san(e->key_orig, key),
			    p->line);
			continue;
		}
		nuniq++;
		if (e->section[0] == '\0')
			cfg_errs_add(f, "%s:%d: %s: key outside any [section]",
			    f->path, e->line, cfg_san(e->key_orig, key));
		else if (strchr(e->key, ':') != NULL)
			cfg_errs_add(f, "%s:%d: [%s] %s: ':' is not allowed "
			    "in a key name", f->path, e->line,
			    cfg_san(e->section, sec),
			    cfg_san(e->key_orig, key));
	}
	return nuniq;
}

static int
cmp_str_q(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * strcmp(3) of the dictionary key "section:key" (or "section" when key is
 * NULL) against s, without building it: an allocation per key, on every
 * load, saved.
 */
static int
cmp_dict_key(const char *section, const char *key, const char *s)
{
	size_t	 n = strlen(section);
	int	 c;

	if ((c = strncmp(section, s, n)) != 0)
		return c;
	if (key == NULL)
		return s[n] == '\0' ? 0 : -1;
	if (s[n] != ':')
		return ':' - (unsigned char)s[n];
	return strcmp(key, s + n + 1);
}

/* iniparser's dictionary_get() is a linear scan; look up in sorted keys. */
static ssize_t
dict_find(char **keys, size_t n, const char *section, const char *key)
{
	size_t	 lo = 0, hi = n;

	while (lo < hi) {
		size_t	 mid = (lo + hi) / 2;
		int	 c = cmp_dict_key(section, key, keys[mid]);
		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * iniparser must hold exactly what the scan saw: each header an entry
 * without a value, each key "section:key" with one.  Only a bug in the
 * scan, or a key with ':' in its name (already reported), breaks this;
 * the check keeps a silent disagreement from passing as valid.
 */
static int
scan_agree(struct cfg_file *f, size_t nuniq)
{
	const dictionary *d = f->dict;
	char	**keys, **vals;
	size_t	 ndict = 0;

	/* Keys sorted; vals[j] is the value of keys[j]. */
	if ((keys = calloc((size_t)d->size + 1, sizeof(*keys))) == NULL ||
	    (vals = calloc((size_t)d->size + 1, sizeof(*vals))) == NULL) {
		free(keys);
		return -1;
	}
	for (ssize_t i = 0; i < d->size; i++)
		if (d->key[i] != NULL)
			keys[ndict++] = d->key[i];
	qsort(keys, ndict, sizeof(*keys), cmp_str_q);
	for (ssize_t i = 0; i < d->size; i++) {
		ssize_t j;
		if (d->key[i] == NULL)
			continue;
		j = dict_find(keys, ndict, d->key[i], NULL);
		if (j >= 0)
			vals[j] = d->val[i];
	}

	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[i];
		ssize_t	 j = dict_find(keys, ndict, e->section, e->key);

		if (e->key == NULL && j >= 0 && vals[j] == NULL)
			continue;
		if (e->key != NULL && j >= 0 && (e->value = vals[j]) != NULL)
			continue;
		cfg_errs_add(f, "%s:%d: the INI parser read this line "
		    "differently (is a section named like a key?)", f->path,
		    e->line);
	}
	if (f->nerrors == 0 && ndict != nuniq)
		cfg_errs_add(f, "%s: the INI parser read %zu entries where %zu "
		    "were expected", f->path, ndict, nuniq);
	free(keys);
	free(vals);
	return 0;
}

/* Build the section list (file order) and each section's key list. */
int
cfg_scan_index(struct cfg_file *f)
{
	size_t	*idx, nuniq, *cnt;

	if ((idx = calloc(f->nents + 1, sizeof(*idx))) == NULL)
		return -1;
	for (size_t i = 0; i < f->nents; i++)
		idx[i] = i;
	sort_ents = f->ents;
	qsort(idx, f->nents, sizeof(*idx), cmp_ent);
	nuniq = scan_repeats(f, idx);
	free(idx);
	if (scan_agree(f, nuniq) < 0)
		return -1;

	if ((f->secs = calloc(f->nents + 1, sizeof(*f->secs))) == NULL ||
	    (f->secs_sorted = calloc(f->nents + 1, sizeof(size_t))) == NULL ||
	    (f->keyidx = calloc(f->nents + 1, sizeof(size_t))) == NULL)
		return -1;
	/* A named section's first header, in file order. */
	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[i];

		/* Repeats were reported; keep the first header only. */
		if (e->key != NULL || e->section[0] == '\0' || e->dup)
			continue;
		f->secs[f->nsecs].name = e->section;
		f->secs[f->nsecs].line = e->line;
		f->nsecs++;
	}
	qsort(f->secs, f->nsecs, sizeof(*f->secs), cmp_sec_line);
	for (size_t s = 0; s < f->nsecs; s++)
		f->secs_sorted[s] = s;
	sort_secs = f->secs;
	qsort(f->secs_sorted, f->nsecs, sizeof(size_t), cmp_sec_name);

	/* Keys per section: count, then hand out slices of keyidx. */
	if ((cnt = calloc(f->nsecs + 1, sizeof(*cnt))) == NULL)
		return -1;
	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[i];
		e->sid = e->key != NULL && !e->dup ?
		    find_sid(f, e->section) : (size_t)-1;
		if (e->sid != (size_t)-1)
			cnt[e->sid]++;
	}
	for (size_t s = 0, off = 0; s < f->nsecs; s++) {
		f->secs[s].keys = f->keyidx + off;
		off += cnt[s];
	}
	free(cnt);
	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[i];
		if (e->sid != (size_t)-1)
			f->secs[e->sid].keys[f->secs[e->sid].nkeys++] = i;
	}
	return 0;
}

/* Lookups in the index. */

const struct scan_sec *
cfg_sec_find(const struct cfg_file *f, const char *section)
{
	size_t	 sid;

	if (section == NULL || f->secs_sorted == NULL)
		return NULL;
	sid = find_sid(f, section);
	return sid == (size_t)-1 ? NULL : &f->secs[sid];
}

const struct scan_ent *
cfg_key_find(const struct cfg_file *f, const char *section, const char *key)
{
	const struct scan_sec *s = cfg_sec_find(f, section);

	if (s == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < s->nkeys; i++)
		if (strcasecmp(f->ents[s->keys[i]].key, key) == 0)
			return &f->ents[s->keys[i]];
	return NULL;
}
