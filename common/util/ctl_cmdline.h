/*
 * What a control command line means: its words, and whether the command
 * changes anything.  Shared by the control socket (control.c), which
 * applies the split and the classification before any handler runs, and
 * by the fuzz target of the parser.
 */
#ifndef DHCPFO_CTL_CMDLINE_H
#define DHCPFO_CTL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_MAX_ARGS	16

/*
 * Splits line in place at blanks (space, tab, CR) into argv, which holds
 * CTL_MAX_ARGS words; later words are dropped.  A word "--json" anywhere
 * sets *json and is not a word.  Returns the number of words.
 */
int	ctl_split(char *line, char **argv, bool *json);

/*
 * Whether the command named `name` may change state (the daemon's or a
 * file's).  Every command of both daemons is classified in one table;
 * a name not in it counts as a change, so a new command stays off the
 * read-only socket and is audited until it is classified.
 */
bool	ctl_cmd_changes(const char *name);

/*
 * The words joined by single spaces for a log line, each byte that is
 * not printable ASCII shown as '?', truncated to fit len (len > 0).
 */
void	ctl_join(int argc, char **argv, char *buf, size_t len);

#endif
