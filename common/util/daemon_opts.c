/*
 * The daemons' shared command line (daemon_opts.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon_opts.h"
#include "exitcodes.h"
#include "version.h"

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s -c FILE [-f] [-t] [-d]\n"
	    "  -c FILE  configuration file (INI)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -t       check the configuration and exit\n"
	    "  -d       debug logging\n"
	    "  -V       print the version and exit\n", prog);
	exit(EXIT_USAGE);
}

void
daemon_opts_parse(const char *prog, int argc, char **argv,
    struct daemon_opts *o)
{
	int	 ch;

	*o = (struct daemon_opts){ 0 };
	while ((ch = getopt(argc, argv, "c:ftdVh")) != -1) {
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
		default:
			usage(prog);
		}
	}
	if (o->cfgpath == NULL || optind != argc)
		usage(prog);
}
