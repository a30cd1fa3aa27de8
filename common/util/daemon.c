/*
 * The daemons' shared command line (daemon.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon.h"
#include "exitcodes.h"
#include "version.h"

/* Asked for (--help, -h): on stdout, success; else stderr, EXIT_USAGE. */
static void
usage(const char *prog, bool asked)
{
	fprintf(asked ? stdout : stderr,
	    "usage: %s -c FILE [-f] [-t] [-d]\n"
	    "  -c FILE        configuration file (INI)\n"
	    "  -f             stay in the foreground, log to stderr\n"
	    "  -t             check the configuration and exit\n"
	    "  -d             debug logging\n"
	    "  -V, --version  print the version and exit\n"
	    "  -h, --help     print this and exit\n", prog);
	exit(asked ? EXIT_OK : EXIT_USAGE);
}

void
daemon_opts_parse(const char *prog, int argc, char **argv,
    struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*o = (struct daemon_opts){ 0 };
	while ((ch = getopt_long(argc, argv, "c:ftdVh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->cfgpath = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 't':
			o->test_only = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'V':
			printf("%s %s\n", prog, DHCPFO_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(prog, true);
			break;
		default:
			usage(prog, false);
		}
	}
	if (o->cfgpath == NULL || optind != argc)
		usage(prog, false);
}

void
daemon_signals_start(struct ev_loop *loop, struct daemon_signals *s,
    void (*stop)(struct ev_loop *, ev_signal *, int),
    void (*reload)(struct ev_loop *, ev_signal *, int), void *data)
{
	ev_signal_init(&s->term, stop, SIGTERM);
	ev_signal_init(&s->intr, stop, SIGINT);
	ev_signal_init(&s->hup, reload, SIGHUP);
	s->term.data = s->intr.data = s->hup.data = data;
	ev_signal_start(loop, &s->term);
	ev_signal_start(loop, &s->intr);
	ev_signal_start(loop, &s->hup);
	signal(SIGPIPE, SIG_IGN);
}

void
daemon_signals_stop(struct ev_loop *loop, struct daemon_signals *s)
{
	ev_signal_stop(loop, &s->term);
	ev_signal_stop(loop, &s->intr);
	ev_signal_stop(loop, &s->hup);
}
