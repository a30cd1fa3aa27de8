/*
 * Lease files (leasefile.h): the formats by name, and what the readers
 * share: the bounded line reader, the two readings of a log.
 */
#include <stdlib.h>
#include <string.h>

#include "leasefile.h"

static const char *const format_names[LF_FORMAT_COUNT] = {
	[LF_DHCPD] = "dhcpd",
	[LF_KEA] = "kea-csv",
	[LF_CSV] = "csv",
};

int
lf_format_from_name(const char *name)
{
	for (int i = 0; i < LF_FORMAT_COUNT; i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

const char *
lf_format_name(enum lf_format f)
{
	return (unsigned)f < LF_FORMAT_COUNT ? format_names[f] : "?";
}

int
lf_read(enum lf_format fmt, FILE *f, const struct lf_sink *sink, char *err,
    size_t errlen)
{
	static int (*const readers[LF_FORMAT_COUNT])(FILE *,
	    const struct lf_sink *, char *, size_t) = {
		[LF_DHCPD] = lf_read_dhcpd,
		[LF_KEA] = lf_read_kea,
		[LF_CSV] = lf_read_csv,
	};

	if ((unsigned)fmt >= LF_FORMAT_COUNT) {
		snprintf(err, errlen, "unknown format");
		return -1;
	}
	return readers[fmt](f, sink, err, errlen);
}

void
lf_lines_init(struct lf_lines *ln, FILE *f)
{
	memset(ln, 0, sizeof(*ln));
	ln->f = f;
}

int
lf_lines_next(struct lf_lines *ln)
{
	int	 ch = EOF;

	ln->len = 0;
	ln->too_long = false;
	ln->has_nul = false;
	while ((ch = getc(ln->f)) != EOF && ch != '\n') {
		if (ch == '\0')
			ln->has_nul = true;
		if (ln->len < sizeof(ln->buf) - 1)
			ln->buf[ln->len++] = (char)ch;
		else
			ln->too_long = true;
	}
	if (ch == EOF && ferror(ln->f))
		return -1;
	if (ch == EOF && ln->len == 0 && !ln->too_long)
		return 0;
	if (ln->len > 0 && ln->buf[ln->len - 1] == '\r' && !ln->too_long)
		ln->len--;
	ln->buf[ln->len] = '\0';
	ln->no++;
	return 1;
}

const char *
lf_lines_problem(const struct lf_lines *ln)
{
	if (ln->too_long)
		return "line too long";
	if (ln->has_nul)
		return "NUL byte in line";
	return NULL;
}

int
lf_two_passes(FILE *f, const struct lf_sink *sink, size_t rdsize,
    lf_pass_fn *pass, char *err, size_t errlen)
{
	struct lf_last	*last = lf_last_new();
	void		*rd = calloc(1, rdsize);
	int		 rc = -1;

	if (last == NULL || rd == NULL)
		snprintf(err, errlen, "out of memory");
	else if (pass(rd, f, sink, last, false, err, errlen) == 0) {
		if (fseek(f, 0, SEEK_SET) != 0)
			snprintf(err, errlen, "cannot read the file twice "
			    "(not seekable)");
		else {
			clearerr(f);
			rc = pass(rd, f, sink, last, true, err, errlen);
		}
	}
	free(rd);
	lf_last_free(last);
	return rc;
}
