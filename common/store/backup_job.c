/*
 * `dhcpfoctl backup DIR` in either daemon: lease_env_backup() on a
 * thread of its own (it copies every store and the log, seconds for a
 * large store, and the loop must go on serving), its answer streamed
 * to the control client when the thread is done.
 *
 * The thread tells the loop through an ev_async.  The client may go away
 * first: then the control call is gone (backup_job_free ran) but the
 * thread is not, so the job outlives the call and the loop frees it when
 * the thread reports.  One backup at a time per daemon: two would copy
 * the same files twice for nothing.
 */
#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup_job.h"
#include "lease_backup.h"
#include "log.h"

struct backup_job {
	struct ev_loop	*loop;
	ev_async	 done_w;
	pthread_t	 thr;
	struct lease_env *env;
	struct ctl_call	*call;		/* NULL once the client is gone */
	bool		 json;
	atomic_bool	 finished;
	int		 rc;
	struct lease_backup_result res;
	char		 dir[1024];
	char		 err[512];
	double		 started;
};

static atomic_bool backup_running;

static void *
backup_thread(void *arg)
{
	struct backup_job *j = arg;

	j->rc = lease_env_backup(j->env, j->dir, &j->res, j->err,
	    sizeof(j->err));
	atomic_store(&j->finished, true);
	ev_async_send(j->loop, &j->done_w);
	return NULL;
}

static void
job_release(struct backup_job *j)
{
	pthread_join(j->thr, NULL);
	ev_async_stop(j->loop, &j->done_w);
	free(j);
	atomic_store(&backup_running, false);
}

static void
done_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct backup_job *j = w->data;

	(void)loop;
	(void)revents;
	if (!atomic_load(&j->finished))
		return;
	if (j->rc == 0)
		log_info("backup: lease store copied to %s (%u stores, %llu "
		    "records, %llu bytes, %.1f s)", j->dir, j->res.stores,
		    (unsigned long long)j->res.leases,
		    (unsigned long long)j->res.bytes,
		    ev_time() - j->started);
	else
		log_warn("backup to %s failed: %s", j->dir, j->err);
	if (j->call == NULL)
		job_release(j);		/* nobody waits for the answer */
	else
		ctl_call_wake(j->call);
}

int
backup_job_start(struct ev_loop *loop, struct lease_env *env,
    struct ctl_call *call, const char *dir, bool json, char *err,
    size_t errlen)
{
	struct backup_job *j;
	bool	 no = false;

	if (strlen(dir) >= sizeof(j->dir)) {
		snprintf(err, errlen, "directory name too long");
		return -1;
	}
	if (!atomic_compare_exchange_strong(&backup_running, &no, true)) {
		snprintf(err, errlen, "a backup is already running");
		return -1;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		atomic_store(&backup_running, false);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->loop = loop;
	j->env = env;
	j->call = call;
	j->json = json;
	j->started = ev_time();
	snprintf(j->dir, sizeof(j->dir), "%s", dir);
	ev_async_init(&j->done_w, done_cb);
	j->done_w.data = j;
	ev_async_start(loop, &j->done_w);
	if (pthread_create(&j->thr, NULL, backup_thread, j) != 0) {
		ev_async_stop(loop, &j->done_w);
		free(j);
		atomic_store(&backup_running, false);
		snprintf(err, errlen, "cannot start the backup thread");
		return -1;
	}
	ctl_call_stream(call, backup_job_fill, backup_job_free, j);
	return 0;
}

int
backup_job_fill(void *job, struct strbuf *out)
{
	struct backup_job *j = job;

	if (!atomic_load(&j->finished))
		return CTL_WAIT;
	if (j->json) {
		sb_printf(out, "{\"ok\":%s,\"dir\":", j->rc == 0 ? "true" :
		    "false");
		sb_json_str(out, j->dir);
		sb_printf(out, ",\"stores\":%u,\"records\":%llu,\"bytes\":"
		    "%llu,\"seconds\":%.3f,\"error\":", j->res.stores,
		    (unsigned long long)j->res.leases,
		    (unsigned long long)j->res.bytes, ev_time() - j->started);
		sb_json_str(out, j->rc == 0 ? "" : j->err);
		sb_puts(out, "}\n");
	} else if (j->rc == 0)
		sb_printf(out, "backup in %s: %u lease store%s, %llu records, "
		    "%llu bytes, %.1f s\n", j->dir, j->res.stores,
		    j->res.stores == 1 ? "" : "s",
		    (unsigned long long)j->res.leases,
		    (unsigned long long)j->res.bytes, ev_time() - j->started);
	else
		sb_printf(out, "backup failed: %s\n", j->err);
	return j->rc == 0 ? 0 : -1;
}

void
backup_job_free(void *job)
{
	struct backup_job *j = job;

	if (atomic_load(&j->finished))
		job_release(j);
	else
		j->call = NULL;		/* done_cb frees it */
}

int
backup_job_command(struct ev_loop *loop, struct lease_env *env,
    struct ctl_call *call, int argc, char **argv, bool json,
    struct strbuf *out)
{
	char	 err[512], who[64];

	if (argc != 2)
		return ctl_error(out, json, "usage: backup DIR");
	ctl_call_who(call, who, sizeof(who));
	if (backup_job_start(loop, env, call, argv[1], json, err,
	    sizeof(err)) < 0)
		return ctl_error(out, json, "backup: %s", err);
	log_info("audit: backup to %s by %s", argv[1], who);
	return CTL_TAKEN;
}
