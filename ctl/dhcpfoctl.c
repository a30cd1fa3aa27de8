/*
 * dhcpfoctl: talk to a dhcpfo daemon's control socket.
 *
 *   dhcpfoctl [-s SOCKET] [-T SECS] COMMAND [ARGS...] [--json]
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
#include "strbuf.h"

#define DEFAULT_PRIMARY_SOCK	"/run/dhcpfo/primary.sock"
#define DEFAULT_FAILOVER_SOCK	"/run/dhcpfo/failover.sock"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dhcpfoctl [-s SOCKET] [-T SECS] COMMAND [ARGS] [--json]\n"
	    "commands: status [PRIMARY], history [PRIMARY], leases [SUBNET],\n"
	    "          reload; on the failover also takeover PRIMARY,\n"
	    "          release PRIMARY, start PRIMARY\n"
	    "SOCKET defaults to $DHCPFO_SOCKET, else %s if present, else %s\n",
	    DEFAULT_FAILOVER_SOCK, DEFAULT_PRIMARY_SOCK);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sock = getenv("DHCPFO_SOCKET");
	double	 timeout = 10.0;
	struct strbuf line, answer;
	char	 err[512];
	int	 ch, rc;

	while ((ch = getopt(argc, argv, "+s:T:h")) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'T':
			timeout = strtod(optarg, NULL);
			if (timeout <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (sock == NULL)
		sock = access(DEFAULT_FAILOVER_SOCK, F_OK) == 0 ?
		    DEFAULT_FAILOVER_SOCK : DEFAULT_PRIMARY_SOCK;

	sb_init(&line);
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") != NULL) {
			fprintf(stderr, "dhcpfoctl: argument may not contain "
			    "white space: '%s'\n", argv[i]);
			return 2;
		}
		sb_printf(&line, "%s%s", i ? " " : "", argv[i]);
	}
	sb_puts(&line, "\n");
	if (line.len > CTL_MAX_LINE - 1) {
		fprintf(stderr, "dhcpfoctl: command line too long\n");
		return 2;
	}
	sb_init(&answer);
	rc = ctl_request(sock, line.buf, &answer, timeout, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "dhcpfoctl: %s\n", err);
		return 3;
	}
	if (answer.len > 0)
		fwrite(answer.buf, 1, answer.len, rc == 0 ? stdout : stderr);
	sb_free(&answer);
	sb_free(&line);
	return rc == 0 ? 0 : 1;
}
