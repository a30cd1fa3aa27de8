/*
 * Control command lines: splitting, the one table that says which
 * commands change something, and the printable form for audit lines.
 */
#include <string.h>

#include "ctl_cmdline.h"

/*
 * Both daemons' commands.  A read only looks: status, history, the
 * leases (export too: it shows what `leases` shows, in bulk), the
 * configuration a failover learnt.  A change alters the daemon, its
 * store or its peer, or writes files (backup).
 */
static const struct {
	const char	*name;
	bool		 changes;
} ctl_cmds[] = {
	{ "status",		false },
	{ "history",		false },
	{ "leases",		false },
	{ "lease",		false },
	{ "config",		false },
	{ "export",		false },
	{ "reload",		true },
	{ "lease-del",		true },
	{ "import",		true },
	{ "backup",		true },
	{ "takeover",		true },
	{ "release",		true },
	{ "start",		true },
	{ "partner-down",	true },
};

int
ctl_split(char *line, char **argv, bool *json)
{
	char	*save = NULL, *tok;
	int	 argc = 0;

	*json = false;
	for (tok = strtok_r(line, " \t\r", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r", &save)) {
		if (strcmp(tok, "--json") == 0)
			*json = true;
		else if (argc < CTL_MAX_ARGS)
			argv[argc++] = tok;
	}
	return argc;
}

bool
ctl_cmd_changes(const char *name)
{
	for (size_t i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(ctl_cmds[i].name, name) == 0)
			return ctl_cmds[i].changes;
	return true;
}

void
ctl_join(int argc, char **argv, char *buf, size_t len)
{
	size_t	 n = 0;

	for (int i = 0; i < argc && n + 1 < len; i++) {
		if (i > 0)
			buf[n++] = ' ';
		for (const char *p = argv[i]; *p != '\0' && n + 1 < len; p++)
			buf[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	}
	buf[n] = '\0';
}
