/*
 * Queues between the main thread and the per-primary threads: a ring of
 * pointers under a mutex plus the consumer's ev_async.  libev coalesces
 * ev_async_send calls, so the consumer's callback drains everything that
 * is queued, never just one item.  A full ring refuses new items (they
 * are counted): the protocol retries failover datagrams and DHCP
 * clients retransmit, whereas an unbounded queue could eat the memory of
 * a failover that is flooded while one of its threads is slow.  Bounded
 * in items and in bytes: datagrams range from 300 bytes to 64 KB.
 *
 * Also the control calls: a command the main thread runs on a peer's
 * thread and waits for, with a time limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fod.h"

int
fq_init(struct fq *q, size_t cap, size_t max_bytes, struct ev_loop *loop,
    ev_async *wake)
{
	memset(q, 0, sizeof(*q));
	if ((q->ring = calloc(cap, sizeof(*q->ring))) == NULL)
		return -1;
	if (pthread_mutex_init(&q->mtx, NULL) != 0) {
		free(q->ring);
		q->ring = NULL;
		return -1;
	}
	q->cap = cap;
	q->max_bytes = max_bytes;
	q->loop = loop;
	q->wake = wake;
	return 0;
}

void
fq_destroy(struct fq *q)
{
	if (q->ring == NULL)
		return;
	while (q->n > 0) {
		struct fq_item *it = q->ring[q->head];

		/* A control call the thread never ran: its reference. */
		if (it->kind == FQ_CMD && it->cmd == FQ_CMD_CALL)
			fod_call_release(it->call);
		free(it);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	free(q->ring);
	q->ring = NULL;
	pthread_mutex_destroy(&q->mtx);
}

struct fq_item *
fq_item_new(enum fq_kind kind, size_t len)
{
	struct fq_item *it = malloc(sizeof(*it) + len);

	if (it == NULL)
		return NULL;
	/* Everything but the payload: callers fill what they use. */
	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->len = len;
	it->note = -1;
	return it;
}

bool
fq_push(struct fq *q, struct fq_item *it)
{
	bool	 ok;

	pthread_mutex_lock(&q->mtx);
	ok = q->n < q->cap && it->len <= q->max_bytes - q->bytes;
	if (ok) {
		q->ring[(q->head + q->n) % q->cap] = it;
		q->n++;
		q->bytes += it->len;
	} else
		q->dropped++;
	pthread_mutex_unlock(&q->mtx);
	if (!ok)
		free(it);
	return ok;
}

void
fq_wake(struct fq *q)
{
	ev_async_send(q->loop, q->wake);
}

size_t
fq_take(struct fq *q, struct fq_item **out, size_t max)
{
	size_t	 k = 0;

	pthread_mutex_lock(&q->mtx);
	while (k < max && q->n > 0) {
		out[k] = q->ring[q->head];
		q->bytes -= out[k++]->len;
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	pthread_mutex_unlock(&q->mtx);
	return k;
}

uint64_t
fq_dropped(struct fq *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mtx);
	n = q->dropped;
	pthread_mutex_unlock(&q->mtx);
	return n;
}

/* ---------------------------------------------------- control calls */

struct fod_call *
fod_call_new(enum fod_call_kind kind, bool json, const char *arg)
{
	struct fod_call *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if (pthread_mutex_init(&c->mtx, NULL) != 0) {
		free(c);
		return NULL;
	}
	if (pthread_cond_init(&c->cv, NULL) != 0) {
		pthread_mutex_destroy(&c->mtx);
		free(c);
		return NULL;
	}
	c->refs = 1;
	c->kind = kind;
	c->json = json;
	if (arg != NULL)
		strncpy(c->arg, arg, sizeof(c->arg) - 1);
	sb_init(&c->out);
	return c;
}

/* A reference for the thread, taken before the call is queued. */
static void
call_ref(struct fod_call *c)
{
	pthread_mutex_lock(&c->mtx);
	c->refs++;
	pthread_mutex_unlock(&c->mtx);
}

void
fod_call_release(struct fod_call *c)
{
	bool	 last;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mtx);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->mtx);
	if (!last)
		return;
	sb_free(&c->out);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mtx);
	free(c);
}

void
fod_call_done(struct fod_call *c)
{
	pthread_mutex_lock(&c->mtx);
	c->done = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mtx);
	fod_call_release(c);
}

bool
fod_call_wait(struct fod_call *c, double secs)
{
	struct timespec ts;
	bool	 done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)secs;
	ts.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->mtx);
	while (!c->done)
		if (pthread_cond_timedwait(&c->cv, &c->mtx, &ts) == ETIMEDOUT)
			break;
	done = c->done;
	pthread_mutex_unlock(&c->mtx);
	return done;
}

bool
fod_call_post(struct fod_peer *p, struct fod_call *c)
{
	struct fq_item *it = fq_item_new(FQ_CMD, 0);

	if (it == NULL)
		return false;
	it->cmd = FQ_CMD_CALL;
	it->call = c;
	call_ref(c);
	if (!fq_push(&p->inq, it)) {
		fod_call_release(c);
		return false;
	}
	fq_wake(&p->inq);
	return true;
}
