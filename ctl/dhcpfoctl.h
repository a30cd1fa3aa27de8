/*
 * dhcpfoctl's commands that do more than send one line and print the
 * answer (ctl_import.c, ctl_export.c), and what they share with main().
 */
#ifndef DHCPFO_DHCPFOCTL_H
#define DHCPFO_DHCPFOCTL_H

#include <stdbool.h>

/* Exit codes (docs/control.md). */
enum {
	CTL_EXIT_OK = 0,	/* the daemon answered ok */
	CTL_EXIT_ERROR = 1,	/* it answered error, or the command failed */
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_UNREACHABLE = 3
};

struct ctl_opts {
	const char	*sock;
	double		 timeout;	/* -T: seconds */
	bool		 timeout_set;	/* -T given */
};

/* Silence that import and export wait through without -T: a large
 * import is checked and committed whole before the daemon answers. */
#define CTL_LONG_TIMEOUT	120.0

/* argv[0] is the command's name. */
int	ctl_import(const struct ctl_opts *, int argc, char **argv);
int	ctl_export(const struct ctl_opts *, int argc, char **argv);

#endif
