/*
 * `dhcpfoctl backup DIR`, the same in both daemons: a hot backup of the
 * daemon's lease environment (lease_backup.h) on a thread, answered
 * when it is done (backup_job.c).
 */
#ifndef DHCPFO_BACKUP_JOB_H
#define DHCPFO_BACKUP_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"
#include "lease_db.h"

struct ev_loop;

/*
 * Start it and hand call the answer (ctl_call_stream); the handler then
 * returns CTL_TAKEN.  -1 with err (a backup already running, ...).
 */
int	backup_job_start(struct ev_loop *loop, struct lease_env *env,
	    struct ctl_call *call, const char *dir, bool json, char *err,
	    size_t errlen);
/* The whole `backup DIR` command: CTL_TAKEN, or -1 with the error. */
int	backup_job_command(struct ev_loop *loop, struct lease_env *env,
	    struct ctl_call *call, int argc, char **argv, bool json,
	    struct strbuf *out);
int	backup_job_fill(void *job, struct strbuf *out);
void	backup_job_free(void *job);

#endif
