/*
 * Non-blocking ICMP echo checks on a raw socket watched by libev.
 *
 * Each check gets one sequence number, unique among the checks in flight,
 * and all its attempts carry it: any reply to any attempt proves the
 * address is taken, so telling attempts apart would buy nothing.  Checks
 * are found by sequence number in a small chained hash.  The identifier
 * is per context and unique within the process, so the contexts of other
 * threads (each raw socket sees every echo reply the host receives) never
 * claim each other's replies.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "ping.h"
#include "pkt_build.h"

#define PING_HASH		1024	/* buckets, a power of two */
#define PING_RECV_BUDGET	256	/* datagrams per wakeup, then yield */
#define PING_RCVBUF		(1024 * 1024)
#define PING_RECV_MAX		576	/* our replies are < 100 bytes */
#define PING_PAYLOAD_LEN	16

struct ping_req {
	LIST_ENTRY(ping_req)	 link;
	struct ping_ctx		*ctx;
	ev_timer		 timer;
	uint32_t		 addr;
	uint16_t		 seq;
	unsigned int		 attempts;
	unsigned int		 sent;		/* attempts made so far */
	double			 delay;		/* seconds */
	ping_done_cb		 done;
	void			*arg;
};

LIST_HEAD(ping_bucket, ping_req);

struct ping_ctx {
	struct ev_loop		*loop;
	int			 fd;
	ev_io			 io;
	uint16_t		 ident;
	uint16_t		 next_seq;
	unsigned int		 inflight;
	struct ping_stats	 st;
	struct ping_bucket	 hash[PING_HASH];
};

/*
 * Identifiers: a random base drawn once per process plus a counter, so no
 * two contexts of this process share one; the random base makes a stale
 * reply to a previous run of the daemon unlikely to match.
 */
static _Atomic uint32_t	ident_base;	/* bit 16 set once drawn */
static _Atomic uint32_t	ident_count;

static uint16_t
random16(void)
{
	uint16_t	 r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint16_t)(getpid() ^ (uintptr_t)&r);
	return r;
}

static uint16_t
ident_next(void)
{
	uint32_t	 base, want, expect = 0;

	base = atomic_load(&ident_base);
	if ((base & 0x10000) == 0) {
		want = 0x10000 | random16();
		/* Another thread may win the race; use whatever won. */
		(void)atomic_compare_exchange_strong(&ident_base, &expect,
		    want);
		base = atomic_load(&ident_base);
	}
	return (uint16_t)(base + atomic_fetch_add(&ident_count, 1));
}

static struct ping_bucket *
bucket(struct ping_ctx *ctx, uint16_t seq)
{
	return &ctx->hash[seq & (PING_HASH - 1)];
}

static struct ping_req *
req_find(struct ping_ctx *ctx, uint16_t seq)
{
	struct ping_req	*r;

	LIST_FOREACH(r, bucket(ctx, seq), link)
		if (r->seq == seq)
			return r;
	return NULL;
}

static void
req_send(struct ping_req *r)
{
	struct ping_ctx		*ctx = r->ctx;
	struct sockaddr_in	 sin;
	uint8_t			 payload[PING_PAYLOAD_LEN], pkt[64];
	size_t			 n;
	uint32_t		 a = htonl(r->addr);

	/* Recognisable in a capture: tag, attempt number, target. */
	memset(payload, 0, sizeof(payload));
	memcpy(payload, "dhcpfo-ping", 11);
	payload[11] = (uint8_t)r->sent;
	memcpy(payload + 12, &a, sizeof(a));
	n = pkt_icmp_echo_build(pkt, sizeof(pkt), ctx->ident, r->seq,
	    payload, sizeof(payload));

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = a;
	r->sent++;
	if (sendto(ctx->fd, pkt, n, MSG_DONTWAIT, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		ctx->st.send_errors++;
		ctx->st.last_errno = errno;
	} else
		ctx->st.sent++;
}

static void
req_unlink(struct ping_req *r)
{
	ev_timer_stop(r->ctx->loop, &r->timer);
	LIST_REMOVE(r, link);
	r->ctx->inflight--;
}

/* Unlinks and frees r before the callback, which may start new checks. */
static void
req_finish(struct ping_req *r, bool in_use)
{
	struct ping_ctx	*ctx = r->ctx;
	ping_done_cb	 done = r->done;
	void		*arg = r->arg;
	uint32_t	 addr = r->addr;

	req_unlink(r);
	free(r);
	if (in_use)
		ctx->st.in_use++;
	else
		ctx->st.timeouts++;
	done(arg, addr, in_use);
}

/*
 * Arms r's timer send_delay after now in real time.  libev counts from
 * ev_now(), the time the loop last woke up; after a long batch of work in
 * one iteration that lags, and the wait would be cut short by the lag.
 * Adding the lag keeps the promised wait without ev_now_update().
 */
static void
req_arm(struct ping_req *r)
{
	struct ev_loop	*loop = r->ctx->loop;
	double		 lag = ev_time() - ev_now(loop);

	ev_timer_set(&r->timer, r->delay + (lag > 0 ? lag : 0), 0.);
	ev_timer_start(loop, &r->timer);
}

static void
req_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ping_req	*r = w->data;

	(void)loop;
	(void)revents;
	if (r->sent < r->attempts) {
		req_send(r);
		req_arm(r);
		return;
	}
	req_finish(r, false);
}

static void
ping_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ping_ctx		*ctx = w->data;
	struct ping_req		*r;
	struct sockaddr_in	 from;
	struct msghdr		 mh;
	struct iovec		 iov;
	uint8_t			 buf[PING_RECV_MAX], type;
	uint16_t		 id, seq;
	ssize_t			 n;
	int			 i, rc;

	(void)loop;
	(void)revents;
	for (i = 0; i < PING_RECV_BUDGET; i++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if ((n = recvmsg(ctx->fd, &mh, MSG_DONTWAIT)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				ctx->st.last_errno = errno;
			return;
		}
		/* Bigger than anything we send: somebody else's. */
		if (mh.msg_flags & MSG_TRUNC) {
			ctx->st.ignored++;
			continue;
		}
		rc = pkt_icmp_echo_parse(buf, (size_t)n, &type, &id, &seq);
		if (rc == PKT_ERR_NOTECHO) {
			ctx->st.ignored++;
			continue;
		}
		if (rc != PKT_OK) {
			ctx->st.malformed++;
			continue;
		}
		/*
		 * Our own requests to a local address come back in too; only
		 * a reply with our id and a live seq, from the very address
		 * we asked, is an answer.
		 */
		if (type != PKT_ICMP_ECHO_REPLY || id != ctx->ident ||
		    mh.msg_namelen < sizeof(from) ||
		    (r = req_find(ctx, seq)) == NULL ||
		    ntohl(from.sin_addr.s_addr) != r->addr) {
			ctx->st.ignored++;
			continue;
		}
		ctx->st.replies++;
		req_finish(r, true);
	}
	/* Budget spent: the watcher stays active, the loop calls us again. */
}

struct ping_ctx *
ping_open(struct ev_loop *loop, char *err, size_t errlen)
{
	struct ping_ctx		*ctx;
	struct icmp_filter	 filt;
	int			 rcvbuf = PING_RCVBUF, saved, i;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		snprintf(err, errlen, "ping: %s", strerror(errno));
		return NULL;
	}
	ctx->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ICMP);
	if (ctx->fd == -1) {
		saved = errno;
		snprintf(err, errlen, "ping: raw ICMP socket: %s%s",
		    strerror(saved), saved == EPERM ?
		    " (needs CAP_NET_RAW)" : "");
		free(ctx);
		errno = saved;
		return NULL;
	}
	/*
	 * Let the kernel drop every ICMP type but echo reply, so a busy
	 * host's other ICMP traffic never wakes us.  The parser checks the
	 * type anyway, so a kernel without the filter only costs wakeups.
	 */
	filt.data = ~(1U << ICMP_ECHOREPLY);
	(void)setsockopt(ctx->fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));
	if (setsockopt(ctx->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(ctx->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	for (i = 0; i < PING_HASH; i++)
		LIST_INIT(&ctx->hash[i]);
	ctx->loop = loop;
	ctx->ident = ident_next();
	ctx->next_seq = random16();
	ev_io_init(&ctx->io, ping_read_cb, ctx->fd, EV_READ);
	ctx->io.data = ctx;
	ev_io_start(loop, &ctx->io);
	return ctx;
}

int
ping_check(struct ping_ctx *ctx, uint32_t addr, unsigned int attempts,
    unsigned int send_delay_ms, ping_done_cb done, void *arg)
{
	struct ping_req	*r;
	uint16_t	 seq;

	if (attempts == 0 || attempts > PING_MAX_ATTEMPTS ||
	    send_delay_ms > PING_MAX_DELAY_MS || done == NULL ||
	    addr == 0 || addr >= 0xe0000000u) {
		errno = EINVAL;
		return -1;
	}
	if (ctx->inflight >= PING_MAX_INFLIGHT) {
		errno = EBUSY;
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	/*
	 * Ends within inflight + 1 steps: fewer than 65536 checks are in
	 * flight, so a free sequence number is always near.
	 */
	do {
		seq = ctx->next_seq++;
	} while (req_find(ctx, seq) != NULL);

	r->ctx = ctx;
	r->addr = addr;
	r->seq = seq;
	r->attempts = attempts;
	r->delay = send_delay_ms / 1000.;
	r->done = done;
	r->arg = arg;
	LIST_INSERT_HEAD(bucket(ctx, seq), r, link);
	ctx->inflight++;
	ctx->st.checks++;

	ev_init(&r->timer, req_timer_cb);
	r->timer.data = r;
	req_send(r);
	req_arm(r);
	return 0;
}

/* Drops the checks for arg (every check when all), without callbacks. */
static unsigned int
cancel(struct ping_ctx *ctx, const void *arg, bool all)
{
	struct ping_req	*r, *next;
	unsigned int	 n = 0;

	for (int i = 0; i < PING_HASH && ctx->inflight > 0; i++) {
		for (r = LIST_FIRST(&ctx->hash[i]); r != NULL; r = next) {
			next = LIST_NEXT(r, link);
			if (!all && r->arg != arg)
				continue;
			req_unlink(r);
			free(r);
			n++;
		}
	}
	ctx->st.cancelled += n;
	return n;
}

unsigned int
ping_cancel_arg(struct ping_ctx *ctx, const void *arg)
{
	return cancel(ctx, arg, false);
}

unsigned int
ping_cancel_all(struct ping_ctx *ctx)
{
	return cancel(ctx, NULL, true);
}

unsigned int
ping_inflight(const struct ping_ctx *ctx)
{
	return ctx->inflight;
}

void
ping_get_stats(const struct ping_ctx *ctx, struct ping_stats *out)
{
	*out = ctx->st;
}

uint16_t
ping_ident(const struct ping_ctx *ctx)
{
	return ctx->ident;
}

void
ping_close(struct ping_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ping_cancel_all(ctx);
	ev_io_stop(ctx->loop, &ctx->io);
	close(ctx->fd);
	free(ctx);
}
