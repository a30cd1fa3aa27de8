/*
 * `dhcpfoctl export`: every binding of one or more stores as they were
 * when the command arrived, streamed over the control socket a piece at
 * a time (ctl_call_stream), so the daemon holds one piece, never the
 * whole export, and serves between pieces.  Both daemons use it: the
 * primary with its store, the failover with the store of each primary
 * it protects.  lease_export.c says how the moment is kept.
 */
#ifndef DHCPFO_LEASE_EXPORT_H
#define DHCPFO_LEASE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control.h"
#include "lease_db.h"
#include "strbuf.h"

struct ev_loop;

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
 * Start copying env (names and nets are copied); the export is of that
 * copy.  call, if not NULL, is woken (ctl_call_wake) when the copy is
 * ready; until then the fill answers CTL_WAIT (a test without a call
 * runs the loop).  A source whose store does not exist is empty.  NULL
 * with err on failure.
 */
struct lease_export *lease_export_new(struct ev_loop *loop,
		    struct lease_env *env, struct ctl_call *call,
		    const struct lease_export_src *srcs, size_t nsrcs,
		    const struct lease_export_net *nets, size_t nnets,
		    bool json, char *err, size_t errlen);
/* The copy is made (the moment of the export is fixed): for tests, which
 * have no control call to wake. */
bool		 lease_export_ready(const struct lease_export *);
/* The command's arguments: [--format csv|json], csv by default; -1 if
 * anything else. */
int		 lease_export_format(int argc, char **argv, bool *json);
/* ctl_fill_fn and ctl_free_fn (control.h). */
int		 lease_export_fill(void *job, struct strbuf *out);
void		 lease_export_free(void *job);

#endif
