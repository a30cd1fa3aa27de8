/*
 * dhcpfoctl import --format dhcpd|kea-csv|csv FILE [--dry-run] [--json]
 *		    [--print]
 *
 * The file is read here (leasefile.h) and each lease is sent to the
 * daemon, which checks it against its configuration and stores it:
 *
 *	import [--dry-run] [--json]
 *	SRCLINE,<lease_text_csv line>		one per lease
 *	.
 *
 * then the answer, as for any command.  SRCLINE is the file's line, so
 * the daemon's reports name the line the operator can look at.
 *
 * The whole file is read first, and the lines to send spooled to a
 * temporary file: every record the file refuses is reported before the
 * daemon hears of the import, a file that cannot be read to its end
 * imports nothing, and the daemon is then sent lines as fast as it
 * takes them (it would drop a connection that a slow read of a large
 * file kept silent).  Here a file of a million leases costs a few bytes
 * an address (leasefile.h) and one line at a time.
 *
 * A lease whose `ends` has passed is not sent: it has nothing left to
 * carry over (counted with the leases that were not active).  --print
 * sends nothing and prints the CSV that would be sent, with its header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "dhcpfoctl.h"
#include "lease_text.h"
#include "leasefile.h"

/* --json lists this many errors (a million bad rows would otherwise
 * be held for one document); the count is always whole. */
#define IMPORT_ERRORS_LISTED	1000

struct imp {
	const char	*path;
	int		 fmt;		/* enum lf_format */
	bool		 dry_run, json, print;
	const struct ctl_opts *opts;
	FILE		*spool;		/* the lines to send */
	bool		 spool_failed;
	struct ctl_client *call;
	bool		 failed;	/* the daemon stopped reading */
	int		 exit;		/* why the call failed */
	char		 err[512];
	int64_t		 now;
	unsigned long	 records, errors, not_active;
	struct strbuf	 errs;		/* --json: the errors array's items */
	struct strbuf	 line;
};

static int
usage(void)
{
	fprintf(stderr, "usage: dhcpfoctl import --format dhcpd|kea-csv|csv "
	    "FILE [--dry-run] [--json] [--print]\n");
	return CTL_EXIT_USAGE;
}

static bool
parse_args(struct imp *im, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if ((im->fmt = lf_format_from_name(argv[++i])) < 0)
				return false;
		} else if (strcmp(argv[i], "--dry-run") == 0)
			im->dry_run = true;
		else if (strcmp(argv[i], "--json") == 0)
			im->json = true;
		else if (strcmp(argv[i], "--print") == 0)
			im->print = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return false;
		else if (im->path != NULL)
			return false;
		else
			im->path = argv[i];
	}
	return im->path != NULL && im->fmt >= 0 && !(im->print && im->json);
}

/* The file, able to be read twice (leasefile.h): a pipe is copied. */
static FILE *
open_seekable(const char *path)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	FILE	*t;
	char	 buf[65536];
	size_t	 n;

	if (f == NULL || fseek(f, 0, SEEK_SET) == 0)
		return f;
	if ((t = tmpfile()) == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, t) != n)
			break;
	if (ferror(f) || ferror(t) || fseek(t, 0, SEEK_SET) != 0) {
		fclose(t);
		t = NULL;
	}
	if (f != stdin)
		fclose(f);
	return t;
}

static bool
connect_daemon(struct imp *im)
{
	char	 cmd[64];

	snprintf(cmd, sizeof(cmd), "import%s%s", im->dry_run ? " --dry-run" :
	    "", im->json ? " --json" : "");
	im->call = ctl_client_open(im->opts->sock, cmd, im->opts->timeout, true,
	    im->err, sizeof(im->err));
	im->exit = CTL_EXIT_UNREACHABLE;
	return im->call != NULL;
}

/* The spooled lines, then "."; false once the daemon stopped reading. */
static bool
send_spool(struct imp *im)
{
	char	 buf[CTL_MAX_LINE + 2];

	rewind(im->spool);
	while (fgets(buf, sizeof(buf), im->spool) != NULL)
		if (ctl_client_send(im->call, buf, im->err,
		    sizeof(im->err)) < 0)
			return false;
	return ctl_client_send(im->call, ".", im->err, sizeof(im->err)) == 0;
}

static void
refused(struct imp *im, unsigned long line, const char *why)
{
	im->errors++;
	if (!im->json) {
		fprintf(stderr, "%s:%lu: not imported: %s\n", im->path, line,
		    why);
		return;
	}
	if (im->errors > IMPORT_ERRORS_LISTED)
		return;
	sb_printf(&im->errs, "%s{\"line\":%lu,\"reason\":",
	    im->errs.len ? "," : "", line);
	sb_json_str(&im->errs, why);
	sb_puts(&im->errs, "}");
}

static void
on_refuse(void *arg, unsigned long line, enum lf_refusal k, const char *why)
{
	struct imp *im = arg;

	if (k == LF_NOT_ACTIVE)
		im->not_active++;
	else
		refused(im, line, why);
}

static void
on_lease(void *arg, unsigned long line, const struct lease *l)
{
	struct imp *im = arg;

	if (l->ends <= im->now) {
		im->not_active++;
		return;
	}
	sb_reset(&im->line);
	sb_printf(&im->line, "%lu,", line);
	lease_text_csv(&im->line, l, NULL);
	if (im->line.failed || im->line.len >= CTL_MAX_LINE) {
		refused(im, line, "record too long for the control socket");
		return;
	}
	im->records++;
	if (im->print)
		fputs(strchr(im->line.buf, ',') + 1, stdout);
	else if (fputs(im->line.buf, im->spool) == EOF)
		im->spool_failed = true;
}

/* The daemon's body as a JSON value: itself if it is one, else a string. */
static void
json_daemon(struct strbuf *out, struct strbuf *body)
{
	while (body->len > 0 && (body->buf[body->len - 1] == '\n' ||
	    body->buf[body->len - 1] == ' '))
		body->buf[--body->len] = '\0';
	if (body->len > 0 && (body->buf[0] == '{' || body->buf[0] == '['))
		sb_append(out, body->buf, body->len);
	else
		sb_json_str(out, body->buf != NULL ? body->buf : "");
}

static void
print_json(struct imp *im, struct strbuf *body)
{
	struct strbuf out;

	sb_init(&out);
	sb_puts(&out, "{\"file\":{\"path\":");
	sb_json_str(&out, im->path);
	sb_puts(&out, ",\"format\":");
	sb_json_str(&out, lf_format_name((enum lf_format)im->fmt));
	sb_printf(&out, ",\"records\":%lu,\"unparsed\":%lu,"
	    "\"skipped\":{\"not-active\":%lu},\"errors\":[", im->records,
	    im->errors, im->not_active);
	sb_append(&out, im->errs.buf != NULL ? im->errs.buf : "", im->errs.len);
	sb_printf(&out, "],\"errors_cut\":%s},\"daemon\":",
	    im->errors > IMPORT_ERRORS_LISTED ? "true" : "false");
	json_daemon(&out, body);
	sb_puts(&out, "}\n");
	fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
}

static int
append(void *arg, const char *data, size_t len)
{
	sb_append(arg, data, len);
	return 0;
}

/* The import sent, and the daemon's answer: 0, 1 or -1. */
static int
finish(struct imp *im, struct strbuf *body)
{
	int	 rc;

	if (!connect_daemon(im))
		return -1;
	im->failed = !send_spool(im);
	rc = ctl_client_answer(im->call, append, body, im->err,
	    sizeof(im->err));
	if (rc == 0 && im->failed) {
		/* It stopped reading, so it cannot have had everything. */
		snprintf(im->err, sizeof(im->err), "the daemon did not read "
		    "the whole import");
		im->exit = CTL_EXIT_ERROR;
		rc = -1;
	}
	return rc;
}

/* After reading: tell, and answer with an exit code. */
static int
conclude(struct imp *im)
{
	struct strbuf body;
	int	 rc;

	if (!im->json)
		fprintf(stderr, "%s: %lu leases to import, %lu not imported "
		    "(malformed), %lu not active\n", im->path, im->records,
		    im->errors, im->not_active);
	if (im->print)
		return im->errors ? CTL_EXIT_ERROR : CTL_EXIT_OK;
	sb_init(&body);
	sb_puts(&body, "");
	if ((rc = finish(im, &body)) < 0) {
		fprintf(stderr, "dhcpfoctl: %s\n", im->err);
		if (body.len > 0)
			fwrite(body.buf, 1, body.len, stderr);
	} else if (im->json)
		print_json(im, &body);
	else
		fwrite(body.buf, 1, body.len, rc == 0 ? stdout : stderr);
	sb_free(&body);
	if (rc < 0)
		return im->exit;
	return rc == 0 && im->errors == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
}

/* Read the file: 0, or -1 (said why) when nothing may be sent. */
static int
read_file(struct imp *im, FILE *f)
{
	struct lf_sink	 sink = { on_lease, on_refuse, im };

	if (im->print)
		puts(LEASE_CSV_HEADER);
	else if ((im->spool = tmpfile()) == NULL) {
		fprintf(stderr, "dhcpfoctl: no temporary file for the "
		    "import\n");
		return -1;
	}
	if (lf_read((enum lf_format)im->fmt, f, &sink, im->err,
	    sizeof(im->err)) < 0) {
		fprintf(stderr, "dhcpfoctl: %s: %s; nothing imported\n",
		    im->path, im->err);
		return -1;
	}
	if (im->spool_failed || (im->spool != NULL && fflush(im->spool))) {
		fprintf(stderr, "dhcpfoctl: cannot write the temporary file; "
		    "nothing imported\n");
		return -1;
	}
	return 0;
}

int
ctl_import(const struct ctl_opts *opts, int argc, char **argv)
{
	struct imp	 im = { .fmt = -1, .opts = opts };
	FILE		*f;
	int		 rc = CTL_EXIT_ERROR;

	if (!parse_args(&im, argc, argv))
		return usage();
	if ((f = open_seekable(im.path)) == NULL) {
		fprintf(stderr, "dhcpfoctl: cannot read %s\n", im.path);
		return CTL_EXIT_ERROR;
	}
	im.now = (int64_t)time(NULL);
	sb_init(&im.errs);
	sb_init(&im.line);
	if (read_file(&im, f) == 0)
		rc = conclude(&im);
	ctl_client_close(im.call);
	if (im.spool != NULL)
		fclose(im.spool);
	if (f != stdin)
		fclose(f);
	sb_free(&im.errs);
	sb_free(&im.line);
	return rc;
}
