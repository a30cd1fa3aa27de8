/*
 * Lease files (leasefile.h): the formats by name, and the bounded line
 * reader the line-based formats share.
 */
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
	switch (fmt) {
	case LF_DHCPD:
		return lf_read_dhcpd(f, sink, err, errlen);
	case LF_KEA:
		return lf_read_kea(f, sink, err, errlen);
	case LF_CSV:
		return lf_read_csv(f, sink, err, errlen);
	default:
		snprintf(err, errlen, "unknown format");
		return -1;
	}
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

bool
lf_lines_rewind(struct lf_lines *ln)
{
	if (fseek(ln->f, 0, SEEK_SET) != 0)
		return false;
	clearerr(ln->f);
	ln->no = 0;
	return true;
}
