/*
 * dhcpfoctl export [--format csv|json]
 *
 * The daemon's answer can hold every binding it has, so it is copied to
 * stdout as it arrives, never held whole.  A CSV export ends with the
 * comment "# end: N bindings" (lease_text.h): the export is complete
 * only if that is its last line and N is the number of lease lines
 * before it.  Anything else (the daemon stopped, the socket broke) is a
 * cut export and the exit status says so, since a cut export would
 * import as a smaller set of leases without a word.  A JSON export ends
 * with "complete":true after its count.
 */
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "dhcpfoctl.h"
#include "lease_text.h"

#define TAIL_MAX	128	/* enough of a line to classify it */

struct exp {
	const struct ctl_client *call;
	bool		 json;
	bool		 out_failed;
	unsigned long	 leases;	/* lines that are not header/comment */
	size_t		 cur_len;	/* the line being received */
	char		 cur[TAIL_MAX];
	char		 last[TAIL_MAX];	/* the last non-empty line */
};

static int
usage(void)
{
	fprintf(stderr, "usage: dhcpfoctl export [--format csv|json]\n");
	return CTL_EXIT_USAGE;
}

/* The line in cur is complete. */
static void
line_done(struct exp *ex)
{
	ex->cur[ex->cur_len < TAIL_MAX ? ex->cur_len : TAIL_MAX - 1] = '\0';
	if (ex->cur_len > 0) {
		memcpy(ex->last, ex->cur, sizeof(ex->last));
		if (ex->cur[0] != '#' && strncmp(ex->cur, LEASE_CSV_HEADER,
		    TAIL_MAX - 1) != 0)
			ex->leases++;
	}
	ex->cur_len = 0;
}

static int
body(void *arg, const char *data, size_t len)
{
	struct exp *ex = arg;

	if (ctl_client_status(ex->call) != 0) {
		fwrite(data, 1, len, stderr);	/* the daemon's error */
		return 0;
	}
	if (fwrite(data, 1, len, stdout) != len)
		ex->out_failed = true;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n')
			line_done(ex);
		else {
			if (ex->cur_len < TAIL_MAX - 1)
				ex->cur[ex->cur_len] = data[i];
			ex->cur_len++;
		}
	}
	return ex->out_failed ? -1 : 0;
}

/* Whether the export arrived whole; if not, says why on stderr. */
static bool
complete(const struct exp *ex)
{
	unsigned long long n;

	if (ex->json) {
		if (ex->cur_len == 0 && strstr(ex->last, "\"complete\":true}"))
			return true;
		fprintf(stderr, "dhcpfoctl: export cut short: the JSON "
		    "document does not end\n");
		return false;
	}
	if (ex->cur_len > 0 || !lease_text_csv_end(ex->last, &n)) {
		fprintf(stderr, "dhcpfoctl: export cut short: no '# end: N "
		    "bindings' line at its end\n");
		return false;
	}
	/* The end line counts itself out: it is a comment. */
	if (n != (unsigned long long)ex->leases) {
		fprintf(stderr, "dhcpfoctl: export cut short: %lu bindings "
		    "received, its end line says %llu\n", ex->leases, n);
		return false;
	}
	return true;
}

static bool
parse_args(int argc, char **argv, struct strbuf *line, bool *json)
{
	sb_puts(line, "export");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		    (strcmp(argv[i + 1], "csv") == 0 ||
		    strcmp(argv[i + 1], "json") == 0)) {
			*json = strcmp(argv[++i], "json") == 0;
			sb_printf(line, " --format %s", argv[i]);
		} else
			return false;
	}
	return true;
}

int
ctl_export(const struct ctl_opts *opts, int argc, char **argv)
{
	struct exp	 ex = { 0 };
	struct strbuf	 line;
	struct ctl_client	*c;
	char		 err[512];
	int		 rc;

	sb_init(&line);
	if (!parse_args(argc, argv, &line, &ex.json)) {
		sb_free(&line);
		return usage();
	}
	c = ctl_client_open(opts->sock, line.buf, opts->timeout, true, err,
	    sizeof(err));
	sb_free(&line);
	if (c == NULL) {
		fprintf(stderr, "dhcpfoctl: %s\n", err);
		return CTL_EXIT_UNREACHABLE;
	}
	ex.call = c;
	rc = ctl_client_answer(c, body, &ex, err, sizeof(err));
	ctl_client_close(c);
	if (fflush(stdout) != 0 || ex.out_failed) {
		fprintf(stderr, "dhcpfoctl: export: cannot write the output\n");
		return CTL_EXIT_ERROR;
	}
	if (rc < 0) {
		fprintf(stderr, "dhcpfoctl: %s\n", err);
		complete(&ex);
		return CTL_EXIT_UNREACHABLE;
	}
	if (rc == 0 && !complete(&ex))
		return CTL_EXIT_ERROR;
	return rc == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
}
