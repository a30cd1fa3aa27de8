/*
 * Backups on a thread (backup_job.h).
 *
 * lease_env_backup() copies every store and the log: seconds for a large
 * store, too long for the loop that serves DHCP.  So it runs on a thread
 * of its own, which tells the loop through an ev_async when it is done;
 * the loop then hands the result to whoever started it and frees the
 * run.  The daemon's own threads go on using the environment meanwhile
 * (lease_backup.c says how the copy stays consistent).
 *
 * `backup DIR` answers when the copy is done.  The client may go away
 * first: its control call is gone then, but the copy is not, so the job
 * outlives the call and is freed when the copy reports.  One backup
 * command at a time per daemon: two would copy the same files twice for
 * nothing.  (An export's private copy is not a backup command and does
 * not count.)
 */
#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_job.h"
#include "log.h"

struct backup_run {
	struct ev_loop	*loop;
	ev_async	 done_w;
	pthread_t	 thr;
	struct lease_env *env;
	backup_done_fn	*done;
	void		*arg;
	atomic_bool	 finished;
	int		 rc;
	struct lease_backup_result res;
	char		 dir[1024];
	char		 err[512];
};

static void *
run_thread(void *arg)
{
	struct backup_run *r = arg;

	r->rc = lease_env_backup(r->env, r->dir, &r->res, r->err,
	    sizeof(r->err));
	atomic_store(&r->finished, true);
	ev_async_send(r->loop, &r->done_w);
	return NULL;
}

static void
run_done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct backup_run *r = w->data;

	(void)revents;
	if (!atomic_load(&r->finished))
		return;
	pthread_join(r->thr, NULL);
	ev_async_stop(loop, &r->done_w);
	r->done(r->arg, r->rc, &r->res, r->err);
	free(r);
}

int
backup_run_start(struct ev_loop *loop, struct lease_env *env,
    const char *dir, backup_done_fn *done, void *arg, char *err,
    size_t errlen)
{
	struct backup_run *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(dir) >= sizeof(r->dir)) {
		free(r);
		snprintf(err, errlen, "directory name too long");
		return -1;
	}
	r->loop = loop;
	r->env = env;
	r->done = done;
	r->arg = arg;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	ev_async_init(&r->done_w, run_done_cb);
	r->done_w.data = r;
	ev_async_start(loop, &r->done_w);
	if (pthread_create(&r->thr, NULL, run_thread, r) != 0) {
		ev_async_stop(loop, &r->done_w);
		free(r);
		snprintf(err, errlen, "cannot start the backup thread");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------- the backup command */

struct backup_job {
	struct ctl_call	*call;		/* NULL once the client is gone */
	bool		 json;
	bool		 finished;
	int		 rc;
	struct lease_backup_result res;
	char		 dir[1024];
	char		 err[512];
	double		 started;
	double		 secs;		/* how long the copy took */
};

static atomic_bool backup_running;

static void
job_release(struct backup_job *j)
{
	free(j);
	atomic_store(&backup_running, false);
}

static void
job_done(void *arg, int rc, const struct lease_backup_result *res,
    const char *err)
{
	struct backup_job *j = arg;

	j->finished = true;
	j->secs = ev_time() - j->started;
	j->rc = rc;
	j->res = *res;
	snprintf(j->err, sizeof(j->err), "%s", err);
	if (rc == 0)
		log_info("backup: lease store copied to %s (%u stores, %llu "
		    "records, %llu bytes, %.1f s)", j->dir, res->stores,
		    (unsigned long long)res->leases,
		    (unsigned long long)res->bytes, j->secs);
	else
		log_warn("backup to %s failed: %s", j->dir, err);
	if (j->call == NULL)
		job_release(j);		/* nobody waits for the answer */
	else
		ctl_call_wake(j->call);
}

static int
job_fill(void *job, struct strbuf *out)
{
	struct backup_job *j = job;

	if (!j->finished)
		return CTL_WAIT;
	if (j->json) {
		sb_printf(out, "{\"ok\":%s,\"dir\":", j->rc == 0 ? "true" :
		    "false");
		sb_json_str(out, j->dir);
		sb_printf(out, ",\"stores\":%u,\"records\":%llu,\"bytes\":"
		    "%llu,\"seconds\":%.3f,\"error\":", j->res.stores,
		    (unsigned long long)j->res.leases,
		    (unsigned long long)j->res.bytes, j->secs);
		sb_json_str(out, j->rc == 0 ? "" : j->err);
		sb_puts(out, "}\n");
	} else if (j->rc == 0)
		sb_printf(out, "backup in %s: %u lease store%s, %llu records, "
		    "%llu bytes, %.1f s\n", j->dir, j->res.stores,
		    j->res.stores == 1 ? "" : "s",
		    (unsigned long long)j->res.leases,
		    (unsigned long long)j->res.bytes, j->secs);
	else
		sb_printf(out, "backup failed: %s\n", j->err);
	return j->rc == 0 ? 0 : -1;
}

static void
job_free(void *job)
{
	struct backup_job *j = job;

	if (j->finished)
		job_release(j);
	else
		j->call = NULL;		/* job_done frees it */
}

int
backup_job_command(struct ev_loop *loop, struct lease_env *env,
    struct ctl_call *call, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct backup_job *j;
	char	 err[512];
	bool	 no = false;

	if (argc != 2)
		return ctl_error(out, json, "usage: backup DIR");
	if (!atomic_compare_exchange_strong(&backup_running, &no, true))
		return ctl_error(out, json, "backup: a backup is already "
		    "running");
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		atomic_store(&backup_running, false);
		return ctl_error(out, json, "out of memory");
	}
	j->call = call;
	j->json = json;
	j->started = ev_time();
	snprintf(j->dir, sizeof(j->dir), "%s", argv[1]);
	if (backup_run_start(loop, env, argv[1], job_done, j, err,
	    sizeof(err)) < 0) {
		job_release(j);
		return ctl_error(out, json, "backup: %s", err);
	}
	ctl_call_stream(call, job_fill, job_free, j);
	return CTL_TAKEN;
}
