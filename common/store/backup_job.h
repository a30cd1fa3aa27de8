/*
 * A hot backup of the daemon's lease environment (lease_backup.h) on a
 * thread of its own, so the loop goes on serving while it copies, and
 * what the control socket does with it: `dhcpfoctl backup DIR`, the same
 * in both daemons, and the private copy an export reads
 * (lease_export.c).  backup_job.c says how the thread and the loop meet.
 */
#ifndef DHCPFO_BACKUP_JOB_H
#define DHCPFO_BACKUP_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"
#include "lease_backup.h"
#include "lease_db.h"

struct ev_loop;
struct backup_run;

/* The copy is done (rc 0) or failed (rc -1, err); on the loop's thread.
 * The run is freed right after. */
typedef void	backup_done_fn(void *arg, int rc,
		    const struct lease_backup_result *res, const char *err);

/* Copy env into dir on a thread; done(arg, ...) when it ends.  -1 with
 * err if the thread could not start (done is then never called). */
int	backup_run_start(struct ev_loop *loop, struct lease_env *env,
	    const char *dir, backup_done_fn *done, void *arg, char *err,
	    size_t errlen);

/*
 * The whole `backup DIR` command: one backup at a time per daemon, an
 * audit line, the answer when the copy is done.  CTL_TAKEN, or -1 with
 * the error in out.
 */
int	backup_job_command(struct ev_loop *loop, struct lease_env *env,
	    struct ctl_call *call, int argc, char **argv, bool json,
	    struct strbuf *out);

#endif
