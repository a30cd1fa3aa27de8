/*
 * dhcpfo's own CSV (lease_text.h), as `dhcpfoctl export` writes it: the
 * header and '#' comments are skipped wherever they are (exports may be
 * concatenated), blank lines too, and every other line is one lease.
 * An export holds each address once, so no line supersedes another.
 *
 * Each export ends with "# end: N bindings", N its lease lines.  The
 * file must end with such a line, and each must count the lines since
 * the one before: a file cut short (a copy interrupted, a full disk)
 * would otherwise import as fewer bindings without a word, so it
 * imports nothing.
 */
#include <string.h>

#include "lease_text.h"
#include "leasefile.h"

struct csv_rd {
	unsigned long	 since_end;	/* lease lines since the last end */
	bool		 ended;		/* an end line, nothing after it */
};

/* A comment or other line that is not a lease: false if it is one. */
static bool
not_a_lease(struct csv_rd *rd, const char *s, char *err, size_t errlen,
    unsigned long no, bool *bad_end)
{
	unsigned long long n;

	if (s[0] == '\0' || strcmp(s, LEASE_CSV_HEADER) == 0)
		return true;
	if (s[0] != '#')
		return false;
	if (lease_text_csv_end(s, &n)) {
		if (n != rd->since_end) {
			snprintf(err, errlen, "line %lu says %llu bindings, "
			    "%lu lines of bindings precede it", no, n,
			    rd->since_end);
			*bad_end = true;
		}
		rd->since_end = 0;
		rd->ended = true;
	}
	return true;
}

int
lf_read_csv(FILE *f, const struct lf_sink *sink, char *err, size_t errlen)
{
	struct csv_rd	 rd = { 0, false };
	struct lf_lines	 ln;
	struct lease	 l;
	const char	*bad;
	char		 why[96];
	bool		 bad_end = false;
	int		 rc = 0;

	lf_lines_init(&ln, f);
	while (!bad_end && (rc = lf_lines_next(&ln)) > 0) {
		if ((bad = lf_lines_problem(&ln)) == NULL &&
		    not_a_lease(&rd, ln.buf, err, errlen, ln.no, &bad_end))
			continue;
		rd.since_end++;
		rd.ended = false;
		if (bad != NULL)
			sink->refuse(sink->arg, ln.no, LF_ERROR, bad);
		else if (lease_text_csv_parse(ln.buf, &l, why, sizeof(why)))
			sink->lease(sink->arg, ln.no, &l);
		else
			sink->refuse(sink->arg, ln.no, LF_ERROR, why);
	}
	if (bad_end)
		return -1;
	if (rc < 0) {
		snprintf(err, errlen, "read error after line %lu", ln.no);
		return -1;
	}
	if (!rd.ended) {
		snprintf(err, errlen, "no '# end: N bindings' line at the "
		    "end: the export looks cut short");
		return -1;
	}
	return 0;
}
