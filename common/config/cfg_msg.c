/*
 * The loaders' messages: every problem found in a file becomes one line
 *
 *   FILE:LINE: [section] Key = value: message
 *
 * (docs/config-primary.md, "Messages"), collected in the caller's struct
 * config_errors, at most CFG_MAX_ERRORS of them, and handed back in line
 * order.  Names and values from the file are shown sanitised and cut, so
 * a message is always one printable line whatever the file holds.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "log.h"
#include "strbuf.h"

/* ------------------------------------------------------------------ */
/* Error list                                                          */

void
config_errors_push(struct config_errors *errs, char *msg)
{
	char	**n;

	if (msg == NULL)
		return;
	if ((n = realloc(errs->msgs, (errs->count + 1) * sizeof(*n))) ==
	    NULL) {
		free(msg);
		return;
	}
	errs->msgs = n;
	errs->msgs[errs->count++] = msg;
}

void
cfg_errs_push(struct cfg_file *f, char *msg)
{
	struct config_errors *e = f->errs;

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
	config_errors_push(e, msg);
}

void
cfg_errs_add(struct cfg_file *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	cfg_errs_push(f, msg);
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

/* ------------------------------------------------------------------ */
/* Names and values from the file                                      */

/*
 * A value as it appears in a message: bare when that is unambiguous,
 * otherwise in double quotes; unprintable bytes as \xNN; long values cut.
 */
void
cfg_show_value(const char *v, char out[SHOW_LEN])
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
const char *
cfg_san(const char *s, char out[SAN_LEN])
{
	size_t	 len = strlen(s);
	bool	 cut = len > VALUE_SHOW_MAX;

	log_sanitize(s, cut ? VALUE_SHOW_MAX : len, out, SAN_LEN - 3);
	if (cut)
		strcat(out, "...");
	return out;
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
void
cfg_errs_sort(const struct cfg_file *f)
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

/* ------------------------------------------------------------------ */
/* Formatting                                                          */

/*
 * "FILE:LINE: [section] Key = value: message", without " = value" when
 * show_value is false.  The key is shown as the caller spells it: the
 * spec's canonical name, or as written when the caller passes the
 * line's key_orig (cfg_error_at()).
 * Returns the message (malloc'd), or NULL when out of memory.
 */
static char *vformat(struct cfg_file *, const char *, const char *,
    const struct scan_ent *, bool, const char *, va_list)
    __attribute__((format(printf, 6, 0)));

static char *
vformat(struct cfg_file *f, const char *section, const char *key,
    const struct scan_ent *e, bool show_value, const char *fmt, va_list ap)
{
	const struct scan_sec *s = cfg_sec_find(f, section);
	char	 where[16], sec[SAN_LEN + 4], val[SHOW_LEN + 4];
	char	 kbuf[SAN_LEN], sbuf[SAN_LEN];
	char	*msg, *out;
	int	 line = 0, rc;

	if (e == NULL && key != NULL)
		e = cfg_key_find(f, section, key);
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
		snprintf(sec, sizeof(sec), " [%s]", cfg_san(section, sbuf));
	val[0] = '\0';
	if (show_value && key != NULL && e != NULL && e->value != NULL) {
		char	 tmp[SHOW_LEN];
		cfg_show_value(e->value, tmp);
		snprintf(val, sizeof(val), " = %s", tmp);
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return NULL;
	/* An unknown key is shown as written. */
	if (key != NULL)
		cfg_san(key, kbuf);
	if (section == NULL && key == NULL)
		rc = asprintf(&out, "%s%s: %s", f->path, where, msg);
	else
		rc = asprintf(&out, "%s%s:%s%s%s%s: %s", f->path, where, sec,
		    key != NULL ? " " : "", key != NULL ? kbuf : "", val, msg);
	free(msg);
	return rc < 0 ? NULL : out;
}

void
cfg_verror(struct cfg_file *f, const char *section, const char *key,
    const struct scan_ent *e, const char *fmt, va_list ap)
{
	/* NULL (out of memory) still counts as an error. */
	cfg_errs_push(f, vformat(f, section, key, e, true, fmt, ap));
}

void
cfg_error(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cfg_verror(f, section, key, NULL, fmt, ap);
	va_end(ap);
}

char *
cfg_format_novalue(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = vformat(f, section, key, NULL, false, fmt, ap);
	va_end(ap);
	return msg;
}

void
cfg_error_novalue(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cfg_errs_push(f, vformat(f, section, key, NULL, false, fmt, ap));
	va_end(ap);
}

char *
cfg_format(struct cfg_file *f, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = vformat(f, section, key, NULL, true, fmt, ap);
	va_end(ap);
	return msg;
}

void
cfg_error_at(struct cfg_file *f, const char *section,
    const struct scan_ent *e, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cfg_verror(f, section, e->key_orig, e, fmt, ap);
	va_end(ap);
}

int
config_errors_report(const char *path, int rc, struct config_errors *errs)
{
	if (rc != 0) {
		for (size_t i = 0; i < errs->count; i++)
			fprintf(stderr, "%s\n", errs->msgs[i]);
		fprintf(stderr, "%s: %zu error%s, not started\n", path,
		    errs->count, errs->count == 1 ? "" : "s");
	}
	config_errors_free(errs);
	return rc;
}

void
config_warnings_report(struct config_errors *warns)
{
	for (size_t i = 0; i < warns->count; i++)
		fprintf(stderr, "warning: %s\n", warns->msgs[i]);
	config_errors_free(warns);
}

void
config_errors_refuse_reload(struct config_errors *errs, struct strbuf *why)
{
	for (size_t i = 0; i < errs->count; i++) {
		log_err("reload: %s", errs->msgs[i]);
		sb_printf(why, "%s\n", errs->msgs[i]);
	}
	log_err("reload: %zu error%s; keeping the running configuration",
	    errs->count, errs->count == 1 ? "" : "s");
	config_errors_free(errs);
}
