/*
 * A libev loop run on a second thread, for the unit tests of a server
 * that lives in a daemon's loop (test_control.c, test_metrics_http.c):
 * the server is opened on lt.loop, the loop runs on its own thread while
 * the test thread plays the client, and loop_thread_stop() ends the run
 * (an ev_async breaks it) before the server is closed.
 */
#ifndef DHCPFO_LOOP_TESTUTIL_H
#define DHCPFO_LOOP_TESTUTIL_H

#include <ev.h>
#include <pthread.h>

struct loop_thread {
	struct ev_loop	*loop;
	ev_async	 stop;
	pthread_t	 thr;
};

static void
loop_thread_break(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void *
loop_thread_run(void *arg)
{
	struct loop_thread *lt = arg;

	ev_run(lt->loop, 0);
	return NULL;
}

/* A new loop that the stop watcher can break: 0, or -1. */
static int
loop_thread_init(struct loop_thread *lt)
{
	if ((lt->loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		return -1;
	ev_async_init(&lt->stop, loop_thread_break);
	ev_async_start(lt->loop, &lt->stop);
	return 0;
}

static int
loop_thread_start(struct loop_thread *lt)
{
	return pthread_create(&lt->thr, NULL, loop_thread_run, lt) == 0 ?
	    0 : -1;
}

/* Ends the run: the loop's watchers may be stopped from here on. */
static void
loop_thread_stop(struct loop_thread *lt)
{
	ev_async_send(lt->loop, &lt->stop);
	pthread_join(lt->thr, NULL);
}

static void
loop_thread_free(struct loop_thread *lt)
{
	ev_async_stop(lt->loop, &lt->stop);
	ev_loop_destroy(lt->loop);
}

#endif
