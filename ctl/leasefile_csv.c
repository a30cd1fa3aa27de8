/*
 * dhcpfo's own CSV (lease_text.h), as `dhcpfoctl export` writes it: the
 * header and '#' comments are skipped wherever they are (exports may be
 * concatenated), blank lines too, and every other line is one lease.
 * An export holds each address once, so no line supersedes another.
 */
#include <string.h>

#include "lease_text.h"
#include "leasefile.h"

static bool
skipped(const char *s)
{
	return s[0] == '\0' || s[0] == '#' || strcmp(s, LEASE_CSV_HEADER) == 0;
}

int
lf_read_csv(FILE *f, const struct lf_sink *sink, char *err, size_t errlen)
{
	struct lf_lines	 ln;
	struct lease	 l;
	const char	*bad;
	char		 why[96];
	int		 rc;

	lf_lines_init(&ln, f);
	while ((rc = lf_lines_next(&ln)) > 0) {
		if ((bad = lf_lines_problem(&ln)) != NULL)
			sink->refuse(sink->arg, ln.no, LF_ERROR, bad);
		else if (skipped(ln.buf))
			continue;
		else if (lease_text_csv_parse(ln.buf, &l, why, sizeof(why)))
			sink->lease(sink->arg, ln.no, &l);
		else
			sink->refuse(sink->arg, ln.no, LF_ERROR, why);
	}
	if (rc < 0) {
		snprintf(err, errlen, "read error after line %lu", ln.no);
		return -1;
	}
	return 0;
}
