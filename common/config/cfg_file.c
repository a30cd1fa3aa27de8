/*
 * Loading an INI file for the loaders (struct cfg_file): open it, scan it
 * for positions (ini_scan.c), let iniparser parse it, then index the
 * scan.  iniparser's own syntax errors arrive through its error callback
 * and are rewritten into the loaders' message format.  The file's
 * sections and values are then read through the accessors below.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "log.h"

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
		cfg_errs_add(f, "%s:%d: syntax error: \"%s\" is not a "
		    "[section], Key = value or ; comment", f->path, line,
		    cfg_san(text, show));
	} else if ((p = skip_where(f, skip(msg, "iniparser: input line too "
	    "long in "), &line)) != NULL) {
		cfg_errs_add(f, "%s:%d: line too long (at most %d characters) "
		    "or has a NUL byte", f->path, line, INI_LINE_MAX);
	} else if (skip(msg, "iniparser: memory allocation failure") != NULL) {
		cfg_errs_add(f, "%s: out of memory while parsing", f->path);
	} else {
		p = skip(msg, "iniparser: ") != NULL ? msg + 11 : msg;
		log_sanitize(p, strlen(p), text, sizeof(text));
		cfg_errs_add(f, "%s: %s", f->path, text);
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
		cfg_errs_add(f, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	rc = cfg_scan_file(f, fp);
	fclose(fp);
	if (rc < 0) {
		if (rc == -1)
			cfg_errs_add(f, "%s: out of memory", path);
		goto fail;
	}

	ini_cur = f;
	iniparser_set_error_callback(ini_error_cb);
	f->dict = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	ini_cur = NULL;
	if (f->dict == NULL) {
		if (f->nerrors == 0)
			cfg_errs_add(f, "%s: cannot be parsed", path);
		goto fail;
	}
	if (cfg_scan_index(f) < 0) {
		cfg_errs_add(f, "%s: out of memory", path);
		goto fail;
	}
	return f;
fail:
	if (f->nerrors == 0)
		cfg_errs_add(f, "%s: out of memory", path);
	cfg_file_free(f);
	return NULL;
}

void
cfg_file_free(struct cfg_file *f)
{
	if (f == NULL)
		return;
	cfg_errs_sort(f);
	for (size_t i = 0; i < f->nents; i++)
		free(f->ents[i].section);	/* and its key, key_orig */
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

const char *
cfg_file_value(const struct cfg_file *f, const char *section, const char *key)
{
	const struct scan_ent *e = cfg_key_find(f, section, key);

	return e != NULL ? e->value : NULL;
}

const char *
cfg_section_name(const char *section, const char *kind)
{
	size_t	 n = strlen(kind);

	if (strncmp(section, kind, n) == 0 && section[n] == ':')
		return section + n + 1;
	return NULL;
}
