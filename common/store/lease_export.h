/*
 * `dhcpfoctl export`: every binding of one or more stores, from
 * snapshots taken together when the command arrives, streamed over the
 * control socket a piece at a time (ctl_call_stream), so the daemon
 * holds one piece, never the whole export, and serves between pieces.
 * Both daemons use it: the primary with its store, the failover with
 * the store of each primary it protects.
 */
#ifndef DHCPFO_LEASE_EXPORT_H
#define DHCPFO_LEASE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lease_db.h"
#include "strbuf.h"

/* One store to export; primary is its owner's name on the failover. */
struct lease_export_src {
	const char	*store;
	const char	*primary;	/* NULL on a primary */
};

/* A subnet, for the informational `subnet` column. */
struct lease_export_net {
	uint32_t	 network;
	uint8_t		 prefix;
};

struct lease_export;

/*
 * Snapshots of every source now (names and nets are copied).  A source
 * whose store does not exist yet is empty.  NULL with err on failure.
 */
struct lease_export *lease_export_new(struct lease_env *env,
		    const struct lease_export_src *srcs, size_t nsrcs,
		    const struct lease_export_net *nets, size_t nnets,
		    bool json, char *err, size_t errlen);
/* The command's arguments: [--format csv|json], csv by default; -1 if
 * anything else. */
int		 lease_export_format(int argc, char **argv, bool *json);
/* ctl_fill_fn and ctl_free_fn (control.h). */
int		 lease_export_fill(void *job, struct strbuf *out);
void		 lease_export_free(void *job);

#endif
