/*
 * The checkpoint thread (lease_ckpt.h).  It sleeps on a condition
 * variable with a deadline, so a stop wakes it at once; the environment
 * is opened free-threaded (DB_THREAD), so it may checkpoint while the
 * daemon's threads commit.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lease_ckpt.h"

struct lease_ckpt {
	struct lease_env	*env;
	double			 secs;
	pthread_t		 thr;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;		/* CLOCK_MONOTONIC */
	bool			 stop;		/* under mtx */
	atomic_int		 err;		/* first unreported error */
	_Atomic uint64_t	 count;
};

static struct timespec
deadline_after(double secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)secs;
	ts.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void *
ckpt_main(void *arg)
{
	struct lease_ckpt *c = arg;
	struct timespec	 at;
	int		 rc, none;

	pthread_mutex_lock(&c->mtx);
	for (;;) {
		at = deadline_after(c->secs);
		while (!c->stop && pthread_cond_timedwait(&c->cv, &c->mtx,
		    &at) != ETIMEDOUT)
			;
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->mtx);
		rc = lease_db_checkpoint(c->env);
		atomic_fetch_add(&c->count, 1);
		none = 0;
		if (rc != 0)
			(void)atomic_compare_exchange_strong(&c->err, &none,
			    rc);
		pthread_mutex_lock(&c->mtx);
	}
	pthread_mutex_unlock(&c->mtx);
	return NULL;
}

struct lease_ckpt *
lease_ckpt_start(struct lease_env *env, double secs, char *err,
    size_t errlen)
{
	struct lease_ckpt *c;
	pthread_condattr_t ca;
	sigset_t	 all, old;
	int		 rc;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "checkpoint thread: out of memory");
		return NULL;
	}
	c->env = env;
	c->secs = secs > 0 ? secs : 1;
	atomic_init(&c->err, 0);
	atomic_init(&c->count, 0);
	pthread_mutex_init(&c->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals belong to the daemon's loop: the thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&c->thr, NULL, ckpt_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "checkpoint thread: %s", strerror(rc));
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mtx);
		free(c);
		return NULL;
	}
	return c;
}

int
lease_ckpt_result(struct lease_ckpt *c)
{
	return c != NULL ? atomic_exchange(&c->err, 0) : 0;
}

uint64_t
lease_ckpt_count(struct lease_ckpt *c)
{
	return c != NULL ? atomic_load(&c->count) : 0;
}

void
lease_ckpt_stop(struct lease_ckpt *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mtx);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mtx);
	pthread_join(c->thr, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mtx);
	free(c);
}
