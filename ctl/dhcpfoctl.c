/*
 * dhcpfoctl: talk to a dhcpfo daemon's control socket.
 *
 *   dhcpfoctl [-s SOCKET] [-T SECS] COMMAND [ARGS...] [--json]
 *
 * Most commands are one line sent and the answer printed; import and
 * export stream (ctl_import.c, ctl_export.c).
 *
 * Exit codes: 0 the daemon answered ok; 1 it answered with an error;
 * 2 usage error; 3 the daemon could not be reached.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "dhcpfoctl.h"
#include "strbuf.h"
#include "version.h"

#define DEFAULT_PRIMARY_SOCK	"/run/dhcpfo/primary.sock"
#define DEFAULT_FAILOVER_SOCK	"/run/dhcpfo/failover.sock"

/* Asked for (-h, --help): on stdout, success; else stderr, a usage error. */
static void
usage(bool asked)
{
	fprintf(asked ? stdout : stderr,
	    "usage: dhcpfoctl [-s SOCKET] [-T SECS] COMMAND [ARGS] [--json]\n"
	    "       dhcpfoctl -V|--version|-h|--help\n"
	    "commands: status [PRIMARY], history [PRIMARY], leases [SUBNET],\n"
	    "          lease ADDRESS|HWADDR|CLIENT-ID, lease-del ADDRESS,\n"
	    "          export [--format csv|json], backup DIR, reload,\n"
	    "          import --format dhcpd|kea-csv|csv FILE [--dry-run]\n"
	    "                 [--print];\n"
	    "          on the failover also takeover PRIMARY, release\n"
	    "          PRIMARY, start PRIMARY, partner-down PRIMARY,\n"
	    "          config PRIMARY\n"
	    "SOCKET defaults to $DHCPFO_SOCKET, else %s if present, else %s\n"
	    "-T: seconds to wait for the answer (default 10); for import and\n"
	    "export, the longest silence (default %.0f)\n",
	    DEFAULT_FAILOVER_SOCK, DEFAULT_PRIMARY_SOCK, CTL_LONG_TIMEOUT);
	exit(asked ? CTL_EXIT_OK : CTL_EXIT_USAGE);
}

/* A command that is one line: send it, print the answer. */
static int
one_line(const struct ctl_opts *o, int argc, char **argv)
{
	struct strbuf line, answer;
	char	 err[512];
	int	 rc;

	sb_init(&line);
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") != NULL) {
			fprintf(stderr, "dhcpfoctl: argument may not contain "
			    "white space: '%s'\n", argv[i]);
			return CTL_EXIT_USAGE;
		}
		sb_printf(&line, "%s%s", i ? " " : "", argv[i]);
	}
	if (line.len > CTL_MAX_LINE - 2) {
		fprintf(stderr, "dhcpfoctl: command line too long\n");
		return CTL_EXIT_USAGE;
	}
	sb_init(&answer);
	rc = ctl_request(o->sock, line.buf, &answer, o->timeout, err,
	    sizeof(err));
	sb_free(&line);
	if (rc < 0) {
		fprintf(stderr, "dhcpfoctl: %s\n", err);
		sb_free(&answer);
		return CTL_EXIT_UNREACHABLE;
	}
	if (answer.len > 0)
		fwrite(answer.buf, 1, answer.len, rc == 0 ? stdout : stderr);
	sb_free(&answer);
	return rc == 0 ? CTL_EXIT_OK : CTL_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_opts o = { getenv("DHCPFO_SOCKET"), 10.0, false };
	int	 ch;

	while ((ch = getopt_long(argc, argv, "+s:T:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
			o.sock = optarg;
			break;
		case 'T':
			o.timeout = strtod(optarg, NULL);
			o.timeout_set = true;
			if (o.timeout <= 0)
				usage(false);
			break;
		case 'V':
			printf("dhcpfoctl %s\n", DHCPFO_VERSION);
			return CTL_EXIT_OK;
		case 'h':
			usage(true);
			break;
		default:
			usage(false);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(false);
	if (o.sock == NULL)
		o.sock = access(DEFAULT_FAILOVER_SOCK, F_OK) == 0 ?
		    DEFAULT_FAILOVER_SOCK : DEFAULT_PRIMARY_SOCK;
	if (strcmp(argv[0], "import") == 0 || strcmp(argv[0], "export") == 0) {
		if (!o.timeout_set)
			o.timeout = CTL_LONG_TIMEOUT;
		return argv[0][0] == 'i' ? ctl_import(&o, argc, argv) :
		    ctl_export(&o, argc, argv);
	}
	return one_line(&o, argc, argv);
}
