/*
 * INI configuration, validated whole at load (STYLE.md point 8).
 *
 * iniparser reads the file.  A table of struct cfg_spec per section says
 * what each key is (type, range, default, where it goes); the loader
 * applies the tables, rejects unknown sections and keys, then runs the
 * cross-checks.  Every problem becomes one message naming file, line,
 * section, key, value and what is allowed, and loading goes on so that
 * all of them are reported at once.
 *
 * iniparser 4.1 keeps no line numbers, folds section and key names to
 * lower case, and lets a repeated key or section silently replace or
 * merge with the earlier one.  So the file is also scanned here with
 * iniparser's own rules for what a line is (scan_line()), to learn where
 * each section and key sits and to catch repeats.  The scan and the
 * dictionary are then required to agree entry for entry, so the section
 * structure can be taken from the scan and every value from iniparser.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser.h>

#include "config.h"
#include "log.h"

#define CFG_MAX_ERRORS	200	/* messages kept; the rest are counted */
#define INI_LINE_MAX	1023	/* iniparser 4.1 ASCIILINESZ, less '\n' */
#define VALUE_SHOW_MAX	120	/* longest value quoted in a message */
#define SHOW_LEN	(VALUE_SHOW_MAX * 4 + 8)	/* show_value() output */

/* One section header or key line as the scan found it. */
struct scan_ent {
	char		*section;	/* lower case, as iniparser keys it */
	char		*key;		/* lower case; NULL for a header */
	char		*key_orig;	/* as written, for messages */
	const char	*value;		/* iniparser's value (keys only) */
	int		 line;		/* first physical line */
	bool		 dup;		/* a repeated header or key */
	size_t		 sid;		/* index into cfg_file.secs */
};

struct scan_sec {
	const char	*name;		/* lower case */
	int		 line;		/* of the first header; 0: none */
	size_t		*keys;		/* indices into ents, file order */
	size_t		 nkeys;
};

struct cfg_file {
	char		*path;
	dictionary	*dict;
	struct config_errors *errs;
	size_t		 nerrors;	/* reported, kept or not */
	struct scan_ent	*ents;		/* file order */
	size_t		 nents, ents_cap;
	struct scan_sec	*secs;		/* sections with a header, in order */
	size_t		 nsecs;
	size_t		*secs_sorted;	/* indices into secs, by name */
	size_t		*keyidx;	/* storage for every scan_sec.keys */
};

/* ------------------------------------------------------------------ */
/* Error list                                                          */

static void
errs_push(struct cfg_file *f, char *msg)
{
	struct config_errors *e = f->errs;
	char	**n;

	f->nerrors++;
	if (e == NULL || msg == NULL || e->count > CFG_MAX_ERRORS) {
		free(msg);
		return;
	}
	if (e->count == CFG_MAX_ERRORS) {
		/* Replace this one with a note that the list was cut. */
		free(msg);
		if (asprintf(&msg, "%s: too many errors, the rest are not "
		    "shown", f->path) < 0)
			return;
	}
	if ((n = realloc(e->msgs, (e->count + 1) * sizeof(*n))) == NULL) {
		free(msg);
		return;
	}
	e->msgs = n;
	e->msgs[e->count++] = msg;
}

static void
errs_add(struct cfg_file *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
errs_add(struct cfg_file *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	errs_push(f, msg);
}

void
config_errors_free(struct config_errors *errs)
{
	if (errs == NULL)
		return;
	for (size_t i = 0; i < errs->count; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->count = 0;
}

size_t
cfg_file_nerrors(const struct cfg_file *f)
{
	return f->nerrors;
}

/*
 * A value as it appears in a message: bare when that is unambiguous,
 * otherwise in double quotes; unprintable bytes as \xNN; long values cut.
 */
static void
show_value(const char *v, char out[SHOW_LEN])
{
	char	 buf[VALUE_SHOW_MAX * 4 + 1];	/* \xNN per byte */
	size_t	 len = strlen(v);
	bool	 quote = len == 0, cut = false;

	if (len > VALUE_SHOW_MAX) {
		len = VALUE_SHOW_MAX;
		cut = true;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (!isgraph(c) || c == '"' || c == '\\')
			quote = true;
	}
	log_sanitize(v, len, buf, sizeof(buf));
	snprintf(out, SHOW_LEN, "%s%s%s%s", quote ? "\"" : "", buf,
	    cut ? "..." : "", quote ? "\"" : "");
}

/*
 * Names from the file as they appear in a message: unprintable bytes as
 * \xNN, cut after VALUE_SHOW_MAX bytes.
 */
#define SAN_LEN		(VALUE_SHOW_MAX * 4 + 4)

static const char *
san(const char *s, char out[SAN_LEN])
{
	size_t	 len = strlen(s);
	bool	 cut = len > VALUE_SHOW_MAX;

	log_sanitize(s, cut ? VALUE_SHOW_MAX : len, out, SAN_LEN - 3);
	if (cut)
		strcat(out, "...");
	return out;
}

/* ------------------------------------------------------------------ */
/* Scanning: where each section and key sits                          */

static char *
strip(char *s)
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
 * iniparser. */
static int
ent_add(struct cfg_file *f, const char *section, const char *key, int line)
{
	struct scan_ent *e;

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
	if ((e->section = strdup(section)) == NULL)
		return -1;
	f->nents++;
	if (key != NULL && ((e->key = strdup(key)) == NULL ||
	    (e->key_orig = strdup(key)) == NULL))
		return -1;
	if (e->key != NULL)
		lower(e->key);
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
	char	*s = strip(text), *eq, *name;
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
			errs_add(f, "%s:%d: []: empty section name", f->path,
			    line);
			if (strlen(*cursec) > len - 1)
				(*cursec)[len - 1] = '\0';
			return ent_add(f, *cursec, NULL, line);
		}
		name = strip(s + 1);
		lower(name);
		if (*name == '\0')
			errs_add(f, "%s:%d: [ ]: empty section name", f->path,
			    line);
		free(*cursec);
		if ((*cursec = strdup(name)) == NULL)
			return -1;
		return ent_add(f, name, NULL, line);
	}
	if (s[0] == '=' || (eq = strchr(s, '=')) == NULL)
		return 0;
	*eq = '\0';
	return ent_add(f, *cursec, strip(s), line);
}

/*
 * Read the file line by line as iniparser does: trailing white space is
 * dropped, and a line ending in '\' continues on the next one (iniparser
 * overwrites the '\' with the next line).  Bytes after a NUL are ignored,
 * like iniparser's strlen() does; such files fail in iniparser anyway.
 */
static int
scan_file(struct cfg_file *f, FILE *fp)
{
	char	*buf = NULL, *acc = NULL, *cursec;
	size_t	 cap = 0, acclen = 0;
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
		if ((n = realloc(acc, acclen + len + 1)) == NULL) {
			rc = -1;
			break;
		}
		acc = n;
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
		errs_add(f, "%s: cannot read: %s", f->path, strerror(errno));
		rc = -2;
	}
	/* iniparser drops a continued line cut off by the end of file. */
	if (rc == 0 && cont)
		errs_add(f, "%s:%d: the last line ends with '\\' (continued) "
		    "but the file ends there", f->path, first);
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

		char	 sec[SAN_LEN], key[SAN_LEN];

		san(e->section, sec);
		if (e->key == NULL) {
			if (same && p->key == NULL) {
				e->dup = true;
				errs_add(f, "%s:%d: [%s]: section appears "
				    "twice (first at line %d); merge them",
				    f->path, e->line, sec, p->line);
			} else
				nuniq++;
			continue;
		}
		san(e->key_orig, key);
		if (same && p->key != NULL && strcmp(p->key, e->key) == 0) {
			e->dup = true;
			errs_add(f, "%s:%d: [%s] %s: key appears twice in the "
			    "section (also at line %d)", f->path, e->line,
			    sec, key, p->line);
			continue;
		}
		nuniq++;
		if (e->section[0] == '\0')
			errs_add(f, "%s:%d: %s: key outside any [section]",
			    f->path, e->line, key);
		else if (strchr(e->key, ':') != NULL)
			errs_add(f, "%s:%d: [%s] %s: ':' is not allowed in a "
			    "key name", f->path, e->line, sec, key);
	}
	return nuniq;
}

static int
cmp_str_q(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* iniparser's dictionary_get() is a linear scan; look up in sorted keys. */
static ssize_t
dict_find(char **keys, size_t n, const char *k)
{
	char	**hit = bsearch(&k, keys, n, sizeof(*keys), cmp_str_q);

	return hit == NULL ? -1 : hit - keys;
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
	int	 rc = 0;

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
		j = dict_find(keys, ndict, d->key[i]);
		if (j >= 0)
			vals[j] = d->val[i];
	}

	for (size_t i = 0; i < f->nents; i++) {
		struct scan_ent *e = &f->ents[i];
		ssize_t	 j;
		char	*k;

		if (e->key == NULL) {
			j = dict_find(keys, ndict, e->section);
			if (j >= 0 && vals[j] == NULL)
				continue;
		} else {
			if (asprintf(&k, "%s:%s", e->section, e->key) < 0) {
				rc = -1;
				break;
			}
			j = dict_find(keys, ndict, k);
			free(k);
			if (j >= 0 && (e->value = vals[j]) != NULL)
				continue;
		}
		errs_add(f, "%s:%d: the INI parser read this line differently "
		    "(is a section named like a key?)", f->path, e->line);
	}
	if (rc == 0 && f->nerrors == 0 && ndict != nuniq)
		errs_add(f, "%s: the INI parser read %zu entries where %zu "
		    "were expected", f->path, ndict, nuniq);
	free(keys);
	free(vals);
	return rc;
}

/* Build the section list (file order) and each section's key list. */
static int
scan_index(struct cfg_file *f)
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

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/*
 * iniparser reports syntax errors through a process-wide callback that
 * carries no context, so the file being loaded is kept here.  Its messages
 * are rewritten into ours ("FILE:LINE: ...") when their shape is the known
 * one, and passed through (sanitised) otherwise.
 */
static _Thread_local struct cfg_file *ini_cur;

static const char *
skip(const char *s, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return s != NULL && strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* "PATH (LINE)" as iniparser prints it; returns what follows, or NULL. */
static const char *
skip_where(const struct cfg_file *f, const char *s, int *line)
{
	char	*end;
	long	 n;

	if ((s = skip(skip(s, f->path), " (")) == NULL ||
	    !isdigit((unsigned char)*s))
		return NULL;
	n = strtol(s, &end, 10);
	if (n < 0 || n > 1000000000L || *end != ')')
		return NULL;
	*line = (int)n;
	return end + 1;
}

static void
ini_message(struct cfg_file *f, const char *msg)
{
	char	 text[INI_LINE_MAX * 4 + 8];
	const char *p;
	size_t	 len;
	int	 line;

	if ((p = skip_where(f, skip(msg, "iniparser: syntax error in "),
	    &line)) != NULL && (p = skip(p, ":\n-> ")) != NULL) {
		char	 show[SAN_LEN];

		len = strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		snprintf(text, sizeof(text), "%.*s", (int)len, p);
		errs_add(f, "%s:%d: syntax error: \"%s\" is not a [section], "
		    "Key = value or ; comment", f->path, line, san(text, show));
	} else if ((p = skip_where(f, skip(msg, "iniparser: input line too "
	    "long in "), &line)) != NULL) {
		errs_add(f, "%s:%d: line too long (at most %d characters) or "
		    "has a NUL byte", f->path, line, INI_LINE_MAX);
	} else if (skip(msg, "iniparser: memory allocation failure") != NULL) {
		errs_add(f, "%s: out of memory while parsing", f->path);
	} else {
		p = skip(msg, "iniparser: ") != NULL ? msg + 11 : msg;
		log_sanitize(p, strlen(p), text, sizeof(text));
		errs_add(f, "%s: %s", f->path, text);
	}
}

static int
ini_error_cb(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
ini_error_cb(const char *fmt, ...)
{
	char	 msg[8192];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ini_cur != NULL)
		ini_message(ini_cur, msg);
	return 0;
}

struct cfg_file *
cfg_file_load(const char *path, struct config_errors *errs)
{
	struct cfg_file *f;
	FILE	*fp;
	int	 rc;

	if (errs != NULL) {
		errs->count = 0;
		errs->msgs = NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->errs = errs;
	if ((f->path = strdup(path)) == NULL)
		goto fail;
	/* Open it ourselves first: iniparser's message has no reason. */
	if ((fp = fopen(path, "r")) == NULL) {
		errs_add(f, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	rc = scan_file(f, fp);
	fclose(fp);
	if (rc < 0) {
		if (rc == -1)
			errs_add(f, "%s: out of memory", path);
		goto fail;
	}

	ini_cur = f;
	iniparser_set_error_callback(ini_error_cb);
	f->dict = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	ini_cur = NULL;
	if (f->dict == NULL) {
		if (f->nerrors == 0)
			errs_add(f, "%s: cannot be parsed", path);
		goto fail;
	}
	if (scan_index(f) < 0) {
		errs_add(f, "%s: out of memory", path);
		goto fail;
	}
	return f;
fail:
	if (f->nerrors == 0)
		errs_add(f, "%s: out of memory", path);
	cfg_file_free(f);
	return NULL;
}

/* The line a message of ours is about; messages without one sort last. */
static long
msg_line(const struct cfg_file *f, const char *msg)
{
	size_t	 n = strlen(f->path);

	if (strncmp(msg, f->path, n) == 0 && msg[n] == ':' &&
	    isdigit((unsigned char)msg[n + 1]))
		return strtol(msg + n + 1, NULL, 10);
	return 0x7fffffffL;
}

/*
 * Messages are produced section by section and key by key in spec order;
 * reading them in file order is easier, so sort them by line (stable, and
 * the "too many errors" note stays last).
 */
static void
errs_sort(const struct cfg_file *f)
{
	struct config_errors *e = f->errs;
	size_t	 n;

	if (e == NULL || e->count < 2)
		return;
	n = e->count > CFG_MAX_ERRORS ? CFG_MAX_ERRORS : e->count;
	for (size_t i = 1; i < n; i++) {
		char	*m = e->msgs[i];
		long	 l = msg_line(f, m);
		size_t	 j = i;

		for (; j > 0 && msg_line(f, e->msgs[j - 1]) > l; j--)
			e->msgs[j] = e->msgs[j - 1];
		e->msgs[j] = m;
	}
}

void
cfg_file_free(struct cfg_file *f)
{
	if (f == NULL)
		return;
	errs_sort(f);
	for (size_t i = 0; i < f->nents; i++) {
		free(f->ents[i].section);
		free(f->ents[i].key);
		free(f->ents[i].key_orig);
	}
	free(f->ents);
	free(f->secs);
	free(f->secs_sorted);
	free(f->keyidx);
	if (f->dict != NULL)
		iniparser_freedict(f->dict);
	free(f->path);
	free(f);
}

size_t
cfg_file_nsections(const struct cfg_file *f)
{
	return f->nsecs;
}

const char *
cfg_file_section(const struct cfg_file *f, size_t i)
{
	return i < f->nsecs ? f->secs[i].name : NULL;
}

static const struct scan_sec *
sec_find(const struct cfg_file *f, const char *section)
{
	size_t	 sid;

	if (section == NULL || f->secs_sorted == NULL)
		return NULL;
	sid = find_sid(f, section);
	return sid == (size_t)-1 ? NULL : &f->secs[sid];
}

static const struct scan_ent *
key_find(const struct cfg_file *f, const char *section, const char *key)
{
	const struct scan_sec *s = sec_find(f, section);

	if (s == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < s->nkeys; i++)
		if (strcasecmp(f->ents[s->keys[i]].key, key) == 0)
			return &f->ents[s->keys[i]];
	return NULL;
}

const char *
cfg_file_value(const struct cfg_file *f, const char *section, const char *key)
{
	const struct scan_ent *e = key_find(f, section, key);

	return e != NULL ? e->value : NULL;
}

/*
 * "FILE:LINE: [section] Key = value: message".  The key is shown as the
 * caller spells it (the spec's canonical name) unless `orig` is given.
 * Returns the message (malloc'd), or NULL when out of memory.
 */
static char *vformat(struct cfg_file *, const char *, const char *,
    const struct scan_ent *, const char *, va_list)
    __attribute__((format(printf, 5, 0)));

static char *
vformat(struct cfg_file *f, const char *section, const char *key,
    const struct scan_ent *e, const char *fmt, va_list ap)
{
	const struct scan_sec *s = sec_find(f, section);
	char	 where[16], sec[SAN_LEN + 4], val[SHOW_LEN + 4];
	char	 kbuf[SAN_LEN], sbuf[SAN_LEN];
	char	*msg, *out;
	int	 line = 0, rc;

	if (e == NULL && key != NULL)
		e = key_find(f, section, key);
	if (e != NULL)
		line = e->line;
	else if (s != NULL)
		line = s->line;
	if (line > 0)
		snprintf(where, sizeof(where), ":%d", line);
	else
		where[0] = '\0';
	sec[0] = '\0';
	if (section != NULL)
		snprintf(sec, sizeof(sec), " [%s]", san(section, sbuf));
	val[0] = '\0';
	if (key != NULL && e != NULL && e->value != NULL) {
		char	 tmp[SHOW_LEN];
		show_value(e->value, tmp);
		snprintf(val, sizeof(val), " = %s", tmp);
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return NULL;
	/* An unknown key is shown as written. */
	if (key != NULL)
		san(key, kbuf);
	if (section == NULL && key == NULL)
		rc = asprintf(&out, "%s%s: %s", f->path, where, msg);
	else
		rc = asprintf(&out, "%s%s:%s%s%s%s: %s", f->path, where, sec,
		    key != NULL ? " " : "", key != NULL ? kbuf : "", val, msg);
	free(msg);
	return rc < 0 ? NULL : out;
}

static void verror(struct cfg_file *, const char *, const char *,
    const struct scan_ent *, const char *, va_list)
    __attribute__((format(printf, 5, 0)));

static void
verror(struct cfg_file *f, const char *section, const char *key,
    const struct scan_ent *e, const char *fmt, va_list ap)
{
	/* NULL (out of memory) still counts as an error. */
	errs_push(f, vformat(f, section, key, e, fmt, ap));
}

void
cfg_error(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(f, section, key, NULL, fmt, ap);
	va_end(ap);
}

char *
cfg_format(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = vformat(f, section, key, NULL, fmt, ap);
	va_end(ap);
	return msg;
}

/* The same about a line of the file, showing the key as written. */
static void
cfg_error_at(struct cfg_file *f, const char *section,
    const struct scan_ent *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
cfg_error_at(struct cfg_file *f, const char *section,
    const struct scan_ent *e, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verror(f, section, e->key_orig, e, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* One value being parsed: where it came from, for messages. */
struct vctx {
	struct cfg_file		*f;
	const char		*section;
	const struct cfg_spec	*sp;
	const struct scan_ent	*e;	/* NULL: parsing the default */
};

static void
verr(const struct vctx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
verr(const struct vctx *v, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (v->e != NULL) {
		verror(v->f, v->section, v->sp->key, v->e, fmt, ap);
		va_end(ap);
		return;
	}
	/* A default that fails its own spec is a bug in the table. */
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	errs_add(v->f, "%s: [%s] %s: internal error: default \"%s\": %s",
	    v->f->path, v->section, v->sp->key, v->sp->def,
	    msg != NULL ? msg : "?");
	free(msg);
}

static void
fmtnum(double d, char *buf, size_t len)
{
	snprintf(buf, len, "%.10g", d);
}

/* "must be 64..4096", "must be more than 0 and less than 100", ... */
static void
range_text(const struct cfg_spec *sp, char *buf, size_t len)
{
	char	 lo[32], hi[32], def[48] = "";
	const char *unit = sp->type == CFG_SECS ? " seconds" : "";

	fmtnum(sp->min, lo, sizeof(lo));
	fmtnum(sp->max, hi, sizeof(hi));
	if ((sp->flags & CFG_F_ZERO_DEF) && sp->def != NULL)
		snprintf(def, sizeof(def), " (0: the default, %s)", sp->def);
	if (sp->flags & (CFG_F_OPEN_MIN | CFG_F_OPEN_MAX))
		snprintf(buf, len, "must be %s %s and %s %s%s%s",
		    sp->flags & CFG_F_OPEN_MIN ? "more than" : "at least", lo,
		    sp->flags & CFG_F_OPEN_MAX ? "less than" : "at most", hi,
		    unit, def);
	else
		snprintf(buf, len, "must be %s..%s%s%s", lo, hi, unit, def);
}

/*
 * Decimal number, optionally with a fraction ("0.25").  No sign, exponent,
 * hex or octal, and no dependence on the locale's decimal point.
 * Returns 0, -1 (not a number) or -2 (has a fraction, !frac_ok).
 */
static int
parse_decimal(const char *s, bool frac_ok, double *out)
{
	double	 v = 0, scale = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		v = v * 10 + (*p - '0');
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
		if (!frac_ok)
			return *p == '\0' ? -2 : -1;
	}
	if (*p != '\0')
		return -1;
	*out = v;
	return 0;
}

static bool
in_range(const struct cfg_spec *sp, double v)
{
	if ((sp->flags & CFG_F_OPEN_MIN) ? v <= sp->min : v < sp->min)
		return false;
	if ((sp->flags & CFG_F_OPEN_MAX) ? v >= sp->max : v > sp->max)
		return false;
	return true;
}

static void
store_uint(void *p, size_t size, uint64_t v)
{
	uint8_t	 u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static bool
parse_number(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	char	 range[128];
	double	 d;
	int	 rc;

	range_text(sp, range, sizeof(range));
	rc = parse_decimal(s, sp->type != CFG_UINT, &d);
	if (rc < 0) {
		verr(v, "%s, %s", rc == -2 ? "not a whole number" :
		    "not a number", range);
		return false;
	}
	/* WaitCtlRetSecs: "If a value of zero is supplied, the default is
	 * used" (VitalQIP, seed section 5). */
	if (d == 0 && (sp->flags & CFG_F_ZERO_DEF) && sp->def != NULL) {
		double def;
		if (parse_decimal(sp->def, true, &def) == 0)
			d = def;
	}
	if (!in_range(sp, d)) {
		verr(v, "%s", range);
		return false;
	}
	if (sp->type == CFG_UINT)
		store_uint(dst, sp->size, (uint64_t)d);
	else {
		if (sp->type == CFG_PERCENT)
			d /= 100;
		memcpy(dst, &d, sizeof(d));
	}
	return true;
}

static bool
parse_bool(const struct vctx *v, const char *s, void *dst)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	bool	 b;

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			b = strcasecmp(s, yes[i]) == 0;
			memcpy(dst, &b, sizeof(b));
			return true;
		}
	}
	verr(v, "must be true or false (or yes/no, on/off, 1/0)");
	return false;
}

static bool
addr_parse(const char *s, size_t len, uint32_t *out)
{
	char	 buf[INET_ADDRSTRLEN];
	struct in_addr in;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return false;
	*out = ntohl(in.s_addr);
	return true;
}

/* Usable as a host's, server's or router's own address. */
static bool
addr_unicast(uint32_t a)
{
	return (a >> 24) != 0 && a < 0xe0000000u;
}

static const char *
addr_str(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static const char *
range_str(const struct cfg_range *r, char *buf, size_t len)
{
	char	 lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];

	if (r->lo == r->hi)
		snprintf(buf, len, "%s", addr_str(r->lo, lo));
	else
		snprintf(buf, len, "%s-%s", addr_str(r->lo, lo),
		    addr_str(r->hi, hi));
	return buf;
}

/*
 * A value split at commas into trimmed items (none for an empty value);
 * the items point into a private copy.  items_free() releases both, also
 * after items_split() failed.
 */
struct items {
	char	*copy;
	char	**v;
	size_t	 n;
};

static int
items_split(const char *s, struct items *it)
{
	size_t	 max = 1;
	char	*p, *tok;

	memset(it, 0, sizeof(*it));
	for (const char *c = s; *c != '\0'; c++)
		if (*c == ',')
			max++;
	if ((it->copy = strdup(s)) == NULL ||
	    (it->v = calloc(max, sizeof(*it->v))) == NULL)
		return -1;
	if (*strip(it->copy) == '\0')
		return 0;
	p = it->copy;
	while ((tok = strsep(&p, ",")) != NULL)
		it->v[it->n++] = strip(tok);
	return 0;
}

static void
items_free(struct items *it)
{
	free(it->copy);
	free(it->v);
}

/* Prefix naming the item, when the list has more than one. */
static const char *
item_pfx(const struct items *it, size_t i, char *buf, size_t len)
{
	char	 tmp[SHOW_LEN];

	if (it->n <= 1)
		return "";
	show_value(it->v[i], tmp);
	snprintf(buf, len, "%s: ", tmp);
	return buf;
}

static bool
items_count_ok(const struct vctx *v, const struct items *it, size_t cap)
{
	if (it->n > cap) {
		verr(v, "%zu entries, at most %zu allowed", it->n, cap);
		return false;
	}
	for (size_t i = 0; i < it->n; i++)
		if (it->v[i][0] == '\0') {
			verr(v, "empty entry in the comma-separated list");
			return false;
		}
	return true;
}

static bool
parse_addr_list(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 cap = sp->type == CFG_ADDR ? 1 : sp->size / sizeof(uint32_t);
	uint32_t out[256];
	struct items it;
	char	 pfx[SHOW_LEN + 2];
	bool	 ok = true;

	if (cap > 256)
		cap = 256;
	if (items_split(s, &it) < 0) {
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	if (sp->type == CFG_ADDR && it.n != 1) {
		verr(v, "not an IPv4 address");
		items_free(&it);
		return false;
	}
	if (!items_count_ok(v, &it, cap)) {
		items_free(&it);
		return false;
	}
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));

		if (!addr_parse(it.v[i], strlen(it.v[i]), &out[i])) {
			verr(v, "%snot an IPv4 address", p);
			ok = false;
		} else if ((sp->flags & CFG_F_UNICAST) &&
		    !addr_unicast(out[i])) {
			verr(v, "%smust be a unicast address (not 0.0.0.0/8, "
			    "multicast, reserved or broadcast)", p);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (out[j] == out[i]) {
				verr(v, "%slisted twice", p);
				ok = false;
			}
	}
	if (ok) {
		memcpy(dst, out, it.n * sizeof(uint32_t));
		if (np != NULL)
			*np = it.n;
	}
	items_free(&it);
	return ok;
}

static bool
parse_cidr(const struct vctx *v, const char *s, void *dst, uint8_t *prefix)
{
	const struct cfg_spec *sp = v->sp;
	const char *slash = strchr(s, '/');
	uint32_t a, mask;
	double	 len;
	char	 buf[INET_ADDRSTRLEN], lo[32], hi[32];

	fmtnum(sp->min, lo, sizeof(lo));
	fmtnum(sp->max, hi, sizeof(hi));
	if (slash == NULL || !addr_parse(s, (size_t)(slash - s), &a) ||
	    strlen(slash + 1) > 2 || parse_decimal(slash + 1, false, &len) < 0) {
		verr(v, "not ADDRESS/PREFIX (like 198.51.100.0/24)");
		return false;
	}
	if (len < sp->min || len > sp->max) {
		verr(v, "prefix length must be %s..%s", lo, hi);
		return false;
	}
	mask = len == 0 ? 0 : 0xffffffffu << (32 - (int)len);
	if ((a & ~mask) != 0) {
		verr(v, "host bits are set (did you mean %s/%d?)",
		    addr_str(a & mask, buf), (int)len);
		return false;
	}
	memcpy(dst, &a, sizeof(a));
	*prefix = (uint8_t)len;
	return true;
}

static bool
parse_ranges(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 cap = sp->size / sizeof(struct cfg_range);
	struct cfg_range *out;
	struct items it;
	char	 pfx[SHOW_LEN + 2], a[40];
	bool	 ok = true;

	if ((out = calloc(cap + 1, sizeof(*out))) == NULL ||
	    items_split(s, &it) < 0) {
		free(out);
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	if ((sp->flags & CFG_F_REQUIRED) && it.n == 0) {
		verr(v, "must not be empty");
		ok = false;
	} else
		ok = items_count_ok(v, &it, cap);
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));
		char	*dash = strchr(it.v[i], '-');
		char	*l = it.v[i], *h = it.v[i];

		if (dash != NULL) {
			*dash = '\0';
			l = strip(it.v[i]);
			h = strip(dash + 1);
		}
		if (!addr_parse(l, strlen(l), &out[i].lo) ||
		    !addr_parse(h, strlen(h), &out[i].hi)) {
			if (dash != NULL)
				*dash = '-';
			verr(v, "%snot an IPv4 address range (A.B.C.D-A.B.C.D "
			    "or one address)", p);
			ok = false;
			break;
		}
		if (dash != NULL)
			*dash = '-';
		if (out[i].lo > out[i].hi) {
			verr(v, "%sstart is after end", p);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (out[j].lo <= out[i].hi && out[i].lo <= out[j].hi) {
				verr(v, "%soverlaps %s", p,
				    range_str(&out[j], a, sizeof(a)));
				ok = false;
			}
	}
	if (ok) {
		memcpy(dst, out, it.n * sizeof(*out));
		*np = it.n;
	}
	free(out);
	items_free(&it);
	return ok;
}

/* Text kinds: which characters, and how the allowed set is described. */
static bool
text_char_ok(enum cfg_type t, unsigned char c)
{
	switch (t) {
	case CFG_NAME:
		return isalnum(c) || c == '_' || c == '.' || c == '-';
	case CFG_PATH:
	case CFG_STRING:
		return isprint(c);
	default:
		return false;
	}
}

/* RFC 1035 section 2.3.1 (letters, digits, hyphen), with RFC 1123's
 * leading digit; labels 1..63, no leading or trailing hyphen. */
static bool
domain_ok(const char *s)
{
	size_t	 lab = 0;
	char	 prev = '.';

	if (*s == '\0')
		return false;
	for (const char *p = s; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || prev == '-')
				return false;
			if (*p == '\0')
				return true;
			lab = 0;
		} else if (isalnum((unsigned char)*p) ||
		    (*p == '-' && lab > 0)) {
			lab++;
		} else
			return false;
		prev = *p;
	}
}

static bool
parse_text(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	size_t	 len = strlen(s), maxlen = sp->size - 1, minlen;

	if (sp->max > 0 && (size_t)sp->max < maxlen)
		maxlen = (size_t)sp->max;
	minlen = (size_t)sp->min;
	if ((sp->flags & CFG_F_REQUIRED) && minlen == 0)
		minlen = 1;
	/* An empty value means "none", except for a path. */
	if (len == 0 && minlen == 0 && sp->type != CFG_PATH) {
		memset(dst, 0, sp->size);
		return true;
	}
	switch (sp->type) {
	case CFG_NAME: {
		bool ok = len >= minlen && len <= maxlen;
		for (const char *p = s; *p != '\0' && ok; p++)
			ok = text_char_ok(sp->type, (unsigned char)*p);
		if (!ok) {
			verr(v, "must be %zu..%zu characters of A-Z a-z 0-9 "
			    "_ . -", minlen, maxlen);
			return false;
		}
		break;
	}
	case CFG_DOMAIN:
		if (!domain_ok(s)) {
			verr(v, "not a domain name (dot-separated labels of "
			    "1..63 letters, digits and inner '-')");
			return false;
		}
		if (len > maxlen) {
			verr(v, "longer than %zu characters", maxlen);
			return false;
		}
		break;
	case CFG_PATH:
		if (s[0] != '/') {
			verr(v, "must be an absolute path (starting with /)");
			return false;
		}
		/* FALLTHROUGH */
	default:
		for (const char *p = s; *p != '\0'; p++)
			if (!text_char_ok(sp->type, (unsigned char)*p)) {
				verr(v, "contains a control or non-ASCII "
				    "character");
				return false;
			}
		if (len == 0)
			verr(v, "must not be empty");
		else if (len < minlen)
			verr(v, "shorter than %zu characters", minlen);
		else if (len > maxlen)
			verr(v, "longer than %zu characters", maxlen);
		if (len == 0 || len < minlen || len > maxlen)
			return false;
		break;
	}
	memset(dst, 0, sp->size);
	memcpy(dst, s, len);
	return true;
}

static bool
parse_enum(const struct vctx *v, const char *s, void *dst)
{
	const struct cfg_spec *sp = v->sp;
	char	 list[512] = "";
	size_t	 used = 0;

	for (size_t i = 0; sp->choices[i] != NULL; i++) {
		if (strcasecmp(s, sp->choices[i]) == 0 &&
		    strlen(sp->choices[i]) < sp->size) {
			memset(dst, 0, sp->size);
			memcpy(dst, sp->choices[i], strlen(sp->choices[i]));
			return true;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used,
			    sizeof(list) - used, "%s%s", i > 0 ? ", " : "",
			    sp->choices[i]);
	}
	verr(v, "must be one of %s", list);
	return false;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "xx:xx:...": two hex digits per byte.  Returns the count, or -1. */
static ssize_t
hex_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t	 n = 0;

	for (const char *p = s; ; p += 3) {
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
		if (lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		if (p[2] == '\0')
			return (ssize_t)n;
		if (p[2] != ':')
			return -1;
	}
}

static bool
parse_hex(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	const struct cfg_spec *sp = v->sp;
	uint8_t	 buf[256];
	size_t	 cap = sp->type == CFG_MAC ? 6 : sp->size;
	size_t	 minb = sp->type == CFG_MAC ? 6 : (size_t)sp->min;
	ssize_t	 n;

	if (cap > sizeof(buf))
		cap = sizeof(buf);
	n = hex_bytes(s, buf, cap);
	if (sp->type == CFG_MAC && n != 6) {
		verr(v, "must be six hex bytes like 02:00:00:00:00:07");
		return false;
	}
	if (n < 0 || (size_t)n < minb) {
		verr(v, "must be %zu..%zu hex bytes separated by ':' (like "
		    "01:02:00:00:00:00:07)", minb, cap);
		return false;
	}
	memcpy(dst, buf, (size_t)n);
	if (np != NULL)
		*np = (size_t)n;
	return true;
}

static bool
parse_iflist(const struct vctx *v, const char *s, void *dst, size_t *np)
{
	size_t	 cap = v->sp->size / CFG_IFNAME_LEN;
	struct items it;
	char	 pfx[SHOW_LEN + 2];
	bool	 ok;

	if (items_split(s, &it) < 0) {
		items_free(&it);
		verr(v, "out of memory");
		return false;
	}
	ok = items_count_ok(v, &it, cap);
	for (size_t i = 0; i < it.n && ok; i++) {
		const char *p = item_pfx(&it, i, pfx, sizeof(pfx));
		size_t	 len = strlen(it.v[i]);

		for (const char *c = it.v[i]; *c != '\0' && ok; c++)
			if (!isgraph((unsigned char)*c) || *c == '/' ||
			    *c == ':')
				ok = false;
		if (!ok || len >= CFG_IFNAME_LEN) {
			verr(v, "%snot an interface name (1..%d characters, "
			    "no '/', ':' or spaces)", p, CFG_IFNAME_LEN - 1);
			ok = false;
		}
		for (size_t j = 0; j < i && ok; j++)
			if (strcmp(it.v[j], it.v[i]) == 0) {
				verr(v, "%slisted twice", p);
				ok = false;
			}
	}
	if (ok) {
		memset(dst, 0, v->sp->size);
		for (size_t i = 0; i < it.n; i++)
			memcpy((char *)dst + i * CFG_IFNAME_LEN, it.v[i],
			    strlen(it.v[i]));
		*np = it.n;
	}
	items_free(&it);
	return ok;
}

static bool
parse_value(const struct vctx *v, const char *s, void *base)
{
	const struct cfg_spec *sp = v->sp;
	void	*dst = (char *)base + sp->off;
	void	*n = (char *)base + sp->off_n;

	switch (sp->type) {
	case CFG_BOOL:
		return parse_bool(v, s, dst);
	case CFG_UINT:
	case CFG_SECS:
	case CFG_PERCENT:
		return parse_number(v, s, dst);
	case CFG_ADDR:
		return parse_addr_list(v, s, dst, NULL);
	case CFG_ADDR_LIST:
		return parse_addr_list(v, s, dst, n);
	case CFG_CIDR:
		return parse_cidr(v, s, dst, n);
	case CFG_RANGES:
		return parse_ranges(v, s, dst, n);
	case CFG_NAME:
	case CFG_DOMAIN:
	case CFG_STRING:
	case CFG_PATH:
		return parse_text(v, s, dst);
	case CFG_IFLIST:
		return parse_iflist(v, s, dst, n);
	case CFG_ENUM:
		return parse_enum(v, s, dst);
	case CFG_MAC:
		return parse_hex(v, s, dst, NULL);
	case CFG_HEX:
		return parse_hex(v, s, dst, n);
	}
	return false;
}

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

static const char *
suggest(const char *word, const char *const *cands, size_t n)
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
	if ((s = suggest(e->key, cands, n)) != NULL)
		cfg_error_at(f, section, e, "unknown key (did you mean %s?)",
		    s);
	else
		cfg_error_at(f, section, e, "unknown key in [%s]", section);
}

int
cfg_section_parse(struct cfg_file *f, const char *section,
    struct cfg_table *tables, size_t ntables)
{
	const struct scan_sec *s = sec_find(f, section);
	size_t	 before = f->nerrors;

	if (s != NULL)
		for (size_t i = 0; i < s->nkeys; i++) {
			const struct scan_ent *e = &f->ents[s->keys[i]];
			if (spec_find(tables, ntables, e->key, NULL) == NULL)
				unknown_key(f, section, e, tables, ntables);
		}
	for (size_t t = 0; t < ntables; t++) {
		struct cfg_table *tb = &tables[t];

		tb->present = 0;
		for (size_t i = 0; i < tb->nspecs; i++) {
			const struct cfg_spec *sp = &tb->specs[i];
			struct vctx v = { f, section, sp, NULL };
			const char *why;

			if (i >= 64 || (why = spec_bad(sp)) != NULL) {
				errs_add(f, "%s: [%s] %s: internal error: bad "
				    "spec (%s)", f->path, section, sp->key,
				    i >= 64 ? "table too long" : why);
				continue;
			}
			v.e = key_find(f, section, sp->key);
			/* No value: the scan and iniparser disagreed, which
			 * scan_agree() has reported. */
			if (v.e != NULL && v.e->value == NULL)
				continue;
			if (v.e != NULL) {
				if (parse_value(&v, v.e->value, tb->base))
					tb->present |= 1ULL << i;
			} else if (tb->flags & CFG_TBL_NO_DEFAULTS)
				continue;
			else if (sp->def != NULL)
				(void)parse_value(&v, sp->def, tb->base);
			else if (sp->flags & CFG_F_REQUIRED)
				cfg_error(f, section, sp->key,
				    "required key is missing");
		}
	}
	return f->nerrors > before ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* primary.ini                                                         */

static const char *const log_facilities[] = {
	"daemon", "local0", "local1", "local2", "local3", "local4", "local5",
	"local6", "local7", NULL
};

#define S	struct cfg_server
static const struct cfg_spec server_specs[] = {
	{ .key = "Name", .type = CFG_NAME, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = 63, CFG_FIELD(S, name),
	  .meaning = "identifies this primary to its failover server" },
	{ .key = "ServerAddress", .type = CFG_ADDR,
	  .flags = CFG_F_REQUIRED | CFG_F_UNICAST, CFG_FIELD(S, server_addr),
	  .meaning = "server identifier (option 54) and failover source "
	  "address" },
	{ .key = "Interfaces", .type = CFG_IFLIST,
	  CFG_FIELD(S, interfaces), CFG_COUNT(S, ninterfaces),
	  .meaning = "interfaces whose directly attached clients are served" },
	{ .key = "DhcpPort", .type = CFG_UINT, .min = 1, .max = 65534,
	  .def = "67", CFG_FIELD(S, dhcp_port),
	  .meaning = "UDP port the server listens on; replies to clients go "
	  "to DhcpPort + 1" },
	{ .key = "StateDir", .type = CFG_PATH, .def = "/var/lib/dhcpfo",
	  CFG_FIELD(S, state_dir),
	  .meaning = "directory of the lease store (Berkeley DB environment)" },
	{ .key = "ControlSocket", .type = CFG_PATH, .max = 107,
	  .def = "/run/dhcpfo/primary.sock", CFG_FIELD(S, control_socket),
	  .meaning = "UNIX socket dhcpfoctl talks to (sun_path limit 107)" },
	{ .key = "PidFile", .type = CFG_PATH,
	  .def = "/run/dhcpfo/primary.pid", CFG_FIELD(S, pid_file),
	  .meaning = "PID file, locked while the daemon runs" },
	{ .key = "PingBeforeAssign", .type = CFG_BOOL, .def = "false",
	  CFG_FIELD(S, ping_before_assign),
	  .meaning = "ICMP-check an address before offering it" },
	{ .key = "PingAttempts", .type = CFG_UINT, .min = 1, .max = 10,
	  .def = "1", CFG_FIELD(S, ping_attempts),
	  .meaning = "echo requests sent per check" },
	{ .key = "PingSendDelay", .type = CFG_UINT, .min = 1, .max = 10000,
	  .def = "500", CFG_FIELD(S, ping_send_delay_ms),
	  .meaning = "milliseconds to wait for an echo reply" },
	{ .key = "MaxPendingSeconds", .type = CFG_UINT, .min = 1,
	  .max = 3600, .def = "10", CFG_FIELD(S, max_pending_secs),
	  .meaning = "seconds an offered address stays reserved for the "
	  "client's REQUEST" },
	{ .key = "MaxUnavailableTime", .type = CFG_UINT, .min = 0,
	  .max = 31536000, .def = "86400", CFG_FIELD(S, max_unavailable_time),
	  .meaning = "seconds an address found in use (ping, DECLINE) is "
	  "kept out of the pool" },
	{ .key = "Authoritative", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(S, authoritative),
	  .meaning = "NAK requests for addresses this server does not own" },
	{ .key = "CommitBatchMax", .type = CFG_UINT, .min = 1, .max = 4096,
	  .def = "256", CFG_FIELD(S, commit_batch_max),
	  .meaning = "most leases made durable by one group commit" },
	{ .key = "LogFacility", .type = CFG_ENUM, .def = "daemon",
	  .choices = log_facilities, CFG_FIELD(S, log_facility),
	  .meaning = "syslog facility when not in the foreground" },
};
#undef S

#define F	struct cfg_primary_failover
static const struct cfg_spec failover_specs[] = {
	{ .key = "UseFailoverServer", .type = CFG_BOOL, .def = "false",
	  CFG_FIELD(F, use_failover),
	  .meaning = "true: this primary is backed up by FailoverServer" },
	{ .key = "FailoverServer", .type = CFG_ADDR, .flags = CFG_F_UNICAST,
	  CFG_FIELD(F, server),
	  .meaning = "address of the failover server (required with "
	  "UseFailoverServer)" },
	{ .key = "FailoverPort", .type = CFG_UINT, .min = 1, .max = 65535,
	  .def = "647", CFG_FIELD(F, port),
	  .meaning = "UDP port of the failover protocol" },
	{ .key = "SharedKeyFile", .type = CFG_PATH,
	  CFG_FIELD(F, key_file),
	  .meaning = "file holding the pair's HMAC key (required with "
	  "UseFailoverServer)" },
	{ .key = "CtlReqRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(F, ctl_req_retry_max),
	  .meaning = "CtlReq resends before the failover is taken as "
	  "inoperable" },
	{ .key = "WaitCtlRetSecs", .type = CFG_SECS, .flags = CFG_F_ZERO_DEF,
	  .min = 0, .max = 3600, .def = "5",
	  CFG_FIELD(F, wait_ctl_ret_secs),
	  .meaning = "seconds to wait for CtlRet (0: the default)" },
	{ .key = "SyncBindRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(F, sync_bind_retry_max),
	  .meaning = "binding update resends without an ack" },
	{ .key = "SyncBindingBufSize", .type = CFG_UINT, .min = 64,
	  .max = 4096, .def = "1024", CFG_FIELD(F, sync_binding_buf_size),
	  .meaning = "size of a binding update's options area; must equal "
	  "the failover's" },
	{ .key = "WaitSyncBindAckSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5", CFG_FIELD(F, wait_sync_bind_ack_secs),
	  .meaning = "seconds to wait for the ack of a binding update" },
	{ .key = "WaitSyncBindUpdateSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5",
	  CFG_FIELD(F, wait_sync_bind_update_secs),
	  .meaning = "seconds to wait for the next binding update when "
	  "receiving" },
	{ .key = "BindUpdDelay", .type = CFG_UINT, .min = 0, .max = 1000,
	  .def = "20", CFG_FIELD(F, bind_upd_delay_ms),
	  .meaning = "milliseconds a committed change may wait to share a "
	  "binding update with the next ones (0: send at once)" },
	CFG_SAFETY_SPECS(F, failover_share, safe_period),
};
#undef F
/* Index of FailoverShare in failover_specs (SafePeriod follows). */
#define FO_SAFETY_SPEC	(NELEM(failover_specs) - 2)

#define N	struct cfg_subnet
static const struct cfg_spec subnet_specs[] = {
	{ .key = "Subnet", .type = CFG_CIDR, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = 30, CFG_FIELD(N, network), CFG_COUNT(N, prefix),
	  .meaning = "network/prefix; host bits must be zero" },
	{ .key = "Range", .type = CFG_RANGES, .flags = CFG_F_REQUIRED,
	  CFG_FIELD(N, ranges), CFG_COUNT(N, nranges),
	  .meaning = "dynamic pool: comma list of A-B ranges (or single "
	  "addresses)" },
	{ .key = "Exclude", .type = CFG_RANGES,
	  CFG_FIELD(N, exclude_ranges), CFG_COUNT(N, nexclude_ranges),
	  .meaning = "addresses and A-B ranges inside Range never leased" },
	{ .key = "Routers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, routers), CFG_COUNT(N, nrouters),
	  .meaning = "option 3, in order of preference" },
	{ .key = "DnsServers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, dns), CFG_COUNT(N, ndns),
	  .meaning = "option 6" },
	{ .key = "NtpServers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, ntp), CFG_COUNT(N, nntp),
	  .meaning = "option 42" },
	{ .key = "DomainName", .type = CFG_DOMAIN, CFG_FIELD(N, domain_name),
	  .meaning = "option 15" },
	{ .key = "BroadcastAddress", .type = CFG_ADDR,
	  CFG_FIELD(N, broadcast),
	  .meaning = "option 28 (default: the subnet's broadcast address)" },
	{ .key = "LeaseTime", .type = CFG_UINT, .min = 60, .max = 31536000,
	  .def = "3600", CFG_FIELD(N, lease_time),
	  .meaning = "seconds granted when the client asks for none" },
	{ .key = "MinLeaseTime", .type = CFG_UINT, .min = 60,
	  .max = 31536000, .def = "60", CFG_FIELD(N, min_lease_time),
	  .meaning = "shortest lease granted on request" },
	{ .key = "MaxLeaseTime", .type = CFG_UINT, .min = 60,
	  .max = 31536000, CFG_FIELD(N, max_lease_time),
	  .meaning = "longest lease granted on request (default 86400, or "
	  "LeaseTime if larger)" },
	{ .key = "RenewalPercent", .type = CFG_PERCENT,
	  .flags = CFG_F_OPEN_MIN | CFG_F_OPEN_MAX, .min = 0, .max = 100,
	  .def = "50", CFG_FIELD(N, t1_ratio),
	  .meaning = "T1 (option 58) as a percentage of the lease" },
	{ .key = "RebindingPercent", .type = CFG_PERCENT,
	  .flags = CFG_F_OPEN_MIN | CFG_F_OPEN_MAX, .min = 0, .max = 100,
	  .def = "87.5", CFG_FIELD(N, t2_ratio),
	  .meaning = "T2 (option 59) as a percentage of the lease" },
	{ .key = "FailoverShare", .type = CFG_UINT, .min = 0, .max = 50,
	  CFG_FIELD(N, failover_share),
	  .meaning = "percent of each range the failover alone may give to "
	  "new clients (default: [failover] FailoverShare)" },
	{ .key = "SafePeriod", .type = CFG_UINT, .min = 0, .max = 31536000,
	  CFG_FIELD(N, safe_period),
	  .meaning = "seconds after losing the primary during which the "
	  "failover gives new clients only its share (default: [failover] "
	  "SafePeriod, else MaxLeaseTime)" },
};
#undef N

enum {
	SN_SUBNET, SN_RANGE, SN_EXCLUDE, SN_ROUTERS, SN_DNS, SN_NTP,
	SN_DOMAIN, SN_BROADCAST, SN_LEASE, SN_MINLEASE, SN_MAXLEASE,
	SN_T1, SN_T2, SN_SHARE, SN_SAFE
};

#define H	struct cfg_host
static const struct cfg_spec host_specs[] = {
	{ .key = "HardwareAddress", .type = CFG_MAC, CFG_FIELD(H, hwaddr),
	  .meaning = "Ethernet address (htype 1); this or ClientId" },
	{ .key = "ClientId", .type = CFG_HEX, .min = 2, CFG_FIELD(H, cid),
	  CFG_COUNT(H, cid_len),
	  .meaning = "client identifier (option 61) as hex bytes; this or "
	  "HardwareAddress" },
	{ .key = "Address", .type = CFG_ADDR,
	  .flags = CFG_F_REQUIRED | CFG_F_UNICAST, CFG_FIELD(H, addr),
	  .meaning = "the reserved address; inside some [subnet:NAME]" },
	{ .key = "Hostname", .type = CFG_DOMAIN, CFG_FIELD(H, hostname),
	  .meaning = "option 12 sent to the host" },
};
#undef H

enum { HO_HW, HO_CID, HO_ADDR, HO_HOSTNAME };

#define P	struct cfg_snmp
/* A notification's switch: its DHCPFO-MIB name less "dhcpfo". */
#define NOTIFY_SWITCH(name, n, what)					\
	{ .key = name, .type = CFG_BOOL, .def = "true",			\
	  CFG_FIELD(P, notify[n]), .meaning = "send dhcpfo" name ": " what }
static const struct cfg_spec snmp_specs[] = {
	{ .key = "AgentXSocket", .type = CFG_STRING, .min = 1,
	  .def = "/var/agentx/master", CFG_FIELD(P, agentx_socket),
	  .meaning = "snmpd's AgentX master socket (path or tcp:HOST:PORT)" },
	{ .key = "Traps", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(P, traps),
	  .meaning = "send notifications through the master agent (false: "
	  "none, whatever the switches below say)" },
	NOTIFY_SWITCH("StateChange", 1, "a state machine moved"),
	NOTIFY_SWITCH("PrimaryNotResponding", 2, "polls went unanswered"),
	NOTIFY_SWITCH("PrimaryResponding", 3, "a primary answers again"),
	NOTIFY_SWITCH("TakeoverStarted", 4, "the failover serves a primary's "
	    "subnets"),
	NOTIFY_SWITCH("TakeoverEnded", 5, "the takeover is over"),
	NOTIFY_SWITCH("HandbackStarted", 6, "subnets are being handed back"),
	NOTIFY_SWITCH("HandbackCompleted", 7, "control returned"),
	NOTIFY_SWITCH("HandbackFailed", 8, "a hand-back did not complete"),
	NOTIFY_SWITCH("SyncCompleted", 9, "start-up sync done"),
	NOTIFY_SWITCH("SyncFailed", 10, "start-up sync failed"),
	NOTIFY_SWITCH("BindingUpdateFailed", 11, "binding updates were given "
	    "up on or could not be stored"),
	NOTIFY_SWITCH("ConfigMismatch", 12, "subnet definitions or "
	    "SyncBindingBufSize differ between the servers"),
	NOTIFY_SWITCH("SubnetUtilisationHigh", 13, "a subnet reached "
	    "UtilisationHigh"),
	NOTIFY_SWITCH("SubnetUtilisationNormal", 14, "a subnet fell back to "
	    "UtilisationNormal"),
	NOTIFY_SWITCH("DuplicateAddress", 15, "one address bound to two "
	    "clients"),
	NOTIFY_SWITCH("AuthenticationFailure", 16, "failover datagrams failed "
	    "the HMAC or replay check"),
	NOTIFY_SWITCH("FailoverShareExhausted", 17, "the failover's share of a "
	    "subnet is used up (on the failover: in its safe period, new "
	    "clients refused)"),
	{ .key = "UtilisationHigh", .type = CFG_UINT, .min = 1, .max = 100,
	  .def = "90", CFG_FIELD(P, util_high),
	  .meaning = "percent of a subnet's addresses in use at which "
	  "dhcpfoSubnetUtilisationHigh is sent" },
	{ .key = "UtilisationNormal", .type = CFG_UINT, .min = 0, .max = 99,
	  .def = "80", CFG_FIELD(P, util_normal),
	  .meaning = "percent in use at or below which "
	  "dhcpfoSubnetUtilisationNormal follows; less than UtilisationHigh" },
};
#undef NOTIFY_SWITCH
#undef P

enum { SNMP_SOCKET, SNMP_TRAPS, SNMP_UTIL_HIGH = SNMP_TRAPS + 18,
	SNMP_UTIL_NORMAL };
_Static_assert(sizeof(snmp_specs) / sizeof(snmp_specs[0]) ==
    SNMP_UTIL_NORMAL + 1, "snmp_specs and its index enum disagree");
_Static_assert(CFG_SNMP_NOTIFY_MAX == 18, "one switch per notification");

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const struct cfg_spec *
config_primary_specs(const char *kind, size_t *n)
{
	static const struct {
		const char		*kind;
		const struct cfg_spec	*specs;
		size_t			 n;
	} kinds[] = {
		{ "server", server_specs, NELEM(server_specs) },
		{ "failover", failover_specs, NELEM(failover_specs) },
		{ "subnet", subnet_specs, NELEM(subnet_specs) },
		{ "host", host_specs, NELEM(host_specs) },
		{ "snmp", snmp_specs, NELEM(snmp_specs) },
	};

	for (size_t i = 0; i < NELEM(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0) {
			*n = kinds[i].n;
			return kinds[i].specs;
		}
	*n = 0;
	return NULL;
}

/* Was specs[i] valid, either given correctly or left to its default? */
static bool
key_ok(const struct cfg_file *f, const char *section,
    const struct cfg_table *t, size_t i)
{
	return (t->present & (1ULL << i)) ||
	    key_find(f, section, t->specs[i].key) == NULL;
}

int
cfg_snmp_parse(struct cfg_file *f, struct cfg_snmp *s)
{
	struct cfg_table tb = { snmp_specs, NELEM(snmp_specs), s, 0, 0 };
	size_t	 before = f->nerrors;

	cfg_section_parse(f, "snmp", &tb, 1);
	s->present = sec_find(f, "snmp") != NULL;
	/* Hysteresis needs a gap: at equal thresholds a subnet sitting on
	 * the line would alternate High and Normal. */
	if (key_ok(f, "snmp", &tb, SNMP_UTIL_HIGH) &&
	    key_ok(f, "snmp", &tb, SNMP_UTIL_NORMAL) &&
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

static bool
name_ok(struct cfg_file *f, const char *section, const char *name)
{
	size_t	 len = strlen(name);

	for (const char *p = name; *p != '\0'; p++)
		if (!text_char_ok(CFG_NAME, (unsigned char)*p))
			len = 0;
	if (len == 0 || len >= CFG_NAME_MAX) {
		cfg_error(f, section, NULL, "the name after ':' must be 1..%d "
		    "characters of a-z 0-9 _ . -", CFG_NAME_MAX - 1);
		return false;
	}
	return true;
}

bool
cfg_name_ok(struct cfg_file *f, const char *section, const char *name)
{
	return name_ok(f, section, name);
}

const char *
cfg_suggest(const char *word, const char *const *cands, size_t n)
{
	return suggest(word, cands, n);
}

static bool
in_subnet(const struct cfg_subnet *sn, uint32_t a)
{
	return (a & sn->mask) == sn->network;
}

static bool
in_ranges(const struct cfg_range *r, size_t n, uint32_t a)
{
	for (size_t i = 0; i < n; i++)
		if (a >= r[i].lo && a <= r[i].hi)
			return true;
	return false;
}

bool
config_subnet_dynamic(const struct cfg_subnet *sn, uint32_t addr)
{
	return in_ranges(sn->ranges, sn->nranges, addr) &&
	    !in_ranges(sn->exclude_ranges, sn->nexclude_ranges, addr);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Range: inside the subnet, clear of its network and broadcast address. */
static void
subnet_check_ranges(struct cfg_file *f, const char *section,
    const struct cfg_subnet *sn)
{
	char	 r[40], a[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	uint32_t bcast = sn->network | ~sn->mask;

	addr_str(sn->network, net);
	for (size_t i = 0; i < sn->nranges; i++) {
		const struct cfg_range *x = &sn->ranges[i];

		range_str(x, r, sizeof(r));
		if (!in_subnet(sn, x->lo) || !in_subnet(sn, x->hi))
			cfg_error(f, section, "Range", "%s is not inside %s/%u",
			    r, net, sn->prefix);
		else if (x->lo == sn->network)
			cfg_error(f, section, "Range", "%s includes the network "
			    "address %s", r, net);
		else if (x->hi == bcast)
			cfg_error(f, section, "Range", "%s includes the "
			    "broadcast address %s", r, addr_str(bcast, a));
		else if (sn->broadcast != bcast && x->lo <= sn->broadcast &&
		    sn->broadcast <= x->hi)
			cfg_error(f, section, "Range", "%s includes "
			    "BroadcastAddress %s", r, addr_str(sn->broadcast, a));
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
				addr_str((uint32_t)ad, a);
				if (x->lo == x->hi)
					cfg_error(f, section, "Exclude", "%s is "
					    "not inside any Range", a);
				else
					cfg_error(f, section, "Exclude", "%s: "
					    "%s is not inside any Range",
					    range_str(x, r, sizeof(r)), a);
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

int
cfg_subnet_parse(struct cfg_file *f, const char *section, const char *name,
    struct cfg_subnet *sn, struct cfg_table *extra, size_t nextra)
{
	struct cfg_table tb[8] = {
		{ subnet_specs, NELEM(subnet_specs), sn, 0, 0 },
	};
	const struct cfg_table *t = &tb[0];
	size_t	 before = f->nerrors, nt = 1;
	char	 a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < nextra && nt < NELEM(tb); i++)
		tb[nt++] = extra[i];
	if (name_ok(f, section, name))
		snprintf(sn->name, sizeof(sn->name), "%s", name);
	cfg_section_parse(f, section, tb, nt);
	for (size_t i = 1; i < nt; i++)
		extra[i - 1].present = tb[i].present;

	/* Inherited unless given here (cfg_subnet_resolve_safety). */
	if (!(t->present & (1ULL << SN_SHARE)))
		sn->failover_share = CFG_INHERIT;
	if (!(t->present & (1ULL << SN_SAFE)))
		sn->safe_period = CFG_INHERIT;
	/* Lease times: MinLeaseTime <= LeaseTime <= MaxLeaseTime. */
	if (!(t->present & (1ULL << SN_MAXLEASE)) && key_ok(f, section, t,
	    SN_MAXLEASE))
		sn->max_lease_time = sn->lease_time > 86400 ?
		    sn->lease_time : 86400;
	if (key_ok(f, section, t, SN_LEASE) &&
	    key_ok(f, section, t, SN_MINLEASE) &&
	    sn->min_lease_time > sn->lease_time)
		cfg_error(f, section, "MinLeaseTime", "must not exceed "
		    "LeaseTime (%u)", sn->lease_time);
	if (key_ok(f, section, t, SN_LEASE) &&
	    key_ok(f, section, t, SN_MAXLEASE) &&
	    sn->max_lease_time < sn->lease_time)
		cfg_error(f, section, "MaxLeaseTime", "must be at least "
		    "LeaseTime (%u)", sn->lease_time);
	/* RFC 2131 section 4.4.5: T1 < T2 < lease. */
	if (key_ok(f, section, t, SN_T1) && key_ok(f, section, t, SN_T2) &&
	    sn->t1_ratio >= sn->t2_ratio) {
		char	 p1[32], p2[32];
		fmtnum(sn->t1_ratio * 100, p1, sizeof(p1));
		fmtnum(sn->t2_ratio * 100, p2, sizeof(p2));
		if (t->present & (1ULL << SN_T2))
			cfg_error(f, section, "RebindingPercent", "must be "
			    "more than RenewalPercent (%s)", p1);
		else
			cfg_error(f, section, "RenewalPercent", "must be less "
			    "than RebindingPercent (%s)", p2);
	}

	/* The rest needs a valid Subnet. */
	if (!(t->present & (1ULL << SN_SUBNET)))
		return f->nerrors > before ? -1 : 0;
	sn->mask = 0xffffffffu << (32 - sn->prefix);
	if (!(t->present & (1ULL << SN_BROADCAST)))
		sn->broadcast = sn->network | ~sn->mask;
	else if (!in_subnet(sn, sn->broadcast) ||
	    sn->broadcast == sn->network)
		cfg_error(f, section, "BroadcastAddress", "must be inside "
		    "%s/%u and not its network address",
		    addr_str(sn->network, a), sn->prefix);
	if (t->present & (1ULL << SN_RANGE)) {
		subnet_check_ranges(f, section, sn);
		if (t->present & (1ULL << SN_EXCLUDE))
			subnet_check_excludes(f, section, sn);
	}
	/* A router handed out as a lease would break the whole subnet. */
	for (size_t i = 0; i < sn->nrouters; i++) {
		addr_str(sn->routers[i], a);
		if (!in_subnet(sn, sn->routers[i]))
			cfg_error(f, section, "Routers", "%s is not inside the "
			    "subnet", a);
		else if (config_subnet_dynamic(sn, sn->routers[i]))
			cfg_error(f, section, "Routers", "%s is inside Range; "
			    "add it to Exclude", a);
	}
	return f->nerrors > before ? -1 : 0;
}

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
	struct cfg_table tb[8] = {
		{ host_specs, NELEM(host_specs), h, 0, 0 },
	};
	size_t	 before = f->nerrors, nt = 1;
	bool	 hw, cid;

	for (size_t i = 0; i < nextra && nt < NELEM(tb); i++)
		tb[nt++] = extra[i];
	if (name_ok(f, section, name))
		snprintf(h->name, sizeof(h->name), "%s", name);
	cfg_section_parse(f, section, tb, nt);
	for (size_t i = 1; i < nt; i++)
		extra[i - 1].present = tb[i].present;
	hw = key_find(f, section, "HardwareAddress") != NULL;
	cid = key_find(f, section, "ClientId") != NULL;
	if (hw && cid)
		cfg_error(f, section, NULL, "HardwareAddress and ClientId are "
		    "both set; give exactly one");
	else if (!hw && !cid)
		cfg_error(f, section, NULL, "HardwareAddress or ClientId is "
		    "required");
	if (tb[0].present & (1ULL << HO_HW)) {
		h->htype = 1;		/* Ethernet, RFC 1700 */
		h->hlen = 6;
	}
	return f->nerrors > before ? -1 : 0;
}

void
cfg_subnets_check(struct cfg_file *f, const struct cfg_subnet *sn, size_t n)
{
	char	 a[INET_ADDRSTRLEN], sa[CFG_NAME_MAX + 8];

	for (size_t i = 0; i < n; i++) {
		if (sn[i].prefix == 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			uint32_t m;
			if (sn[j].prefix == 0)
				continue;
			/* CIDR blocks overlap iff one contains the other. */
			m = sn[i].mask & sn[j].mask;
			if ((sn[i].network & m) != (sn[j].network & m))
				continue;
			snprintf(sa, sizeof(sa), "subnet:%s", sn[i].name);
			cfg_error(f, sa, "Subnet", "overlaps [subnet:%s] "
			    "(%s/%u)", sn[j].name, addr_str(sn[j].network, a),
			    sn[j].prefix);
		}
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

void
cfg_hosts_check(struct cfg_file *f, const struct cfg_subnet *sn, size_t nsn,
    const struct cfg_host *h, size_t nh)
{
	static const char *const what[] = {
		"Address", "HardwareAddress", "ClientId"
	};
	struct hkey *k;
	size_t	 n = 0;
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

	if (nh == 0 || (k = calloc(nh * 2, sizeof(*k))) == NULL)
		return;
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

static void
failover_check(struct cfg_file *f, const struct cfg_primary_failover *fo)
{
	if (!fo->use_failover)
		return;
	if (cfg_file_value(f, "failover", "FailoverServer") == NULL)
		cfg_error(f, "failover", "FailoverServer", "required when "
		    "UseFailoverServer = true");
	if (cfg_file_value(f, "failover", "SharedKeyFile") == NULL)
		cfg_error(f, "failover", "SharedKeyFile", "required when "
		    "UseFailoverServer = true");
}

static const char *
sec_name(const char *section, const char *kind)
{
	size_t	 n = strlen(kind);

	if (strncmp(section, kind, n) == 0 && section[n] == ':')
		return section + n + 1;
	return NULL;
}

int
config_load_primary(const char *path, struct config *cfg,
    struct config_errors *errs)
{
	static const char *const known[] = {
		"server", "failover", "snmp", "subnet:NAME", "host:NAME"
	};
	struct cfg_table tb;
	struct cfg_file *f;
	size_t	 nsec, nsub = 0, nhost = 0;

	memset(cfg, 0, sizeof(*cfg));
	if ((f = cfg_file_load(path, errs)) == NULL)
		return -1;
	if (strlen(path) >= sizeof(cfg->path))
		cfg_error(f, NULL, NULL, "path longer than %d characters",
		    CFG_PATH_MAX - 1);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);

	nsec = cfg_file_nsections(f);
	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(f, i);
		nsub += sec_name(s, "subnet") != NULL;
		nhost += sec_name(s, "host") != NULL;
	}
	if ((nsub > 0 && (cfg->subnets = calloc(nsub,
	    sizeof(*cfg->subnets))) == NULL) ||
	    (nhost > 0 && (cfg->hosts = calloc(nhost,
	    sizeof(*cfg->hosts))) == NULL)) {
		cfg_error(f, NULL, NULL, "out of memory");
		goto fail;
	}

	tb = (struct cfg_table){ server_specs, NELEM(server_specs),
	    &cfg->server, 0, 0 };
	cfg_section_parse(f, "server", &tb, 1);
	tb = (struct cfg_table){ failover_specs, NELEM(failover_specs),
	    &cfg->failover, 0, 0 };
	cfg_section_parse(f, "failover", &tb, 1);
	cfg_safety_unset(&tb, FO_SAFETY_SPEC, &cfg->failover.safe_period);
	failover_check(f, &cfg->failover);
	cfg_snmp_parse(f, &cfg->snmp);

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(f, i), *name, *guess;

		if ((name = sec_name(s, "subnet")) != NULL)
			cfg_subnet_parse(f, s, name,
			    &cfg->subnets[cfg->nsubnets++], NULL, 0);
		else if ((name = sec_name(s, "host")) != NULL)
			cfg_host_parse(f, s, name, &cfg->hosts[cfg->nhosts++]);
		else if (strcmp(s, "server") == 0 ||
		    strcmp(s, "failover") == 0 || strcmp(s, "snmp") == 0)
			continue;
		else if (strcmp(s, "subnet") == 0 || strcmp(s, "host") == 0)
			cfg_error(f, s, NULL, "needs a name: [%s:NAME]", s);
		else if ((guess = suggest(s, known, NELEM(known))) != NULL)
			cfg_error(f, s, NULL, "unknown section (did you mean "
			    "[%s]?)", guess);
		else
			cfg_error(f, s, NULL, "unknown section (expected "
			    "[server], [failover], [snmp], [subnet:NAME] or "
			    "[host:NAME])");
	}
	if (nsub == 0)
		cfg_error(f, NULL, NULL, "no [subnet:NAME] section: at least "
		    "one is required");
	for (size_t i = 0; i < cfg->nsubnets; i++)
		cfg_subnet_resolve_safety(&cfg->subnets[i],
		    cfg->failover.failover_share, cfg->failover.safe_period);
	cfg_subnets_check(f, cfg->subnets, cfg->nsubnets);
	cfg_hosts_check(f, cfg->subnets, cfg->nsubnets, cfg->hosts,
	    cfg->nhosts);

	if (cfg_file_nerrors(f) > 0)
		goto fail;
	cfg_file_free(f);
	return 0;
fail:
	cfg_file_free(f);
	config_free(cfg);
	return -1;
}

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

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->subnets);
	free(cfg->hosts);
	memset(cfg, 0, sizeof(*cfg));
}

const struct cfg_subnet *
config_subnet_for(const struct config *cfg, uint32_t addr)
{
	for (size_t i = 0; i < cfg->nsubnets; i++)
		if ((addr & cfg->subnets[i].mask) == cfg->subnets[i].network)
			return &cfg->subnets[i];
	return NULL;
}
