/*
 * libmicrohttpd inside a libev loop (metrics_http.h).
 *
 * MHD is started without MHD_USE_INTERNAL_POLLING_THREAD, with
 * MHD_USE_EPOLL: it puts its listening socket and connections into an
 * epoll set of its own, and we watch that set's descriptor with an
 * ev_io.  MHD_run() does the work whenever the set is readable or the
 * timer from MHD_get_timeout() fires (idle connections to close, data
 * MHD buffered); after each run the timer is set again.  The listening
 * socket is ours, so a bind failure names its cause.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <ev.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics_http.h"
#include "prom.h"
#include "version.h"

struct metrics_http {
	struct ev_loop	*loop;
	struct MHD_Daemon *d;
	ev_io		 io_w;		/* MHD's epoll descriptor */
	ev_timer	 tm_w;		/* MHD_get_timeout() */
	metrics_produce_cb *produce;
	void		*arg;
	/* Kept between scrapes: it grows to the body's size once, and a
	 * scrape allocates only MHD's copy of it. */
	struct strbuf	 body;
	uint16_t	 port;
	struct metrics_http_stats st;
};

#define NOT_FOUND	"not found: the metrics are at /metrics\n"
#define NOT_ALLOWED	"method not allowed: GET or HEAD\n"
#define NO_MEMORY	"out of memory\n"

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    mode);
	if (r == NULL)
		return MHD_NO;
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
scrape(struct metrics_http *m, struct MHD_Connection *c)
{
	double	 t0 = mono_now();
	int	 rc;

	sb_reset(&m->body);
	rc = m->produce(m->arg, &m->body);
	m->st.last_secs = mono_now() - t0;
	if (rc < 0 || m->body.failed) {
		m->st.refused++;
		return answer(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
		    NO_MEMORY, strlen(NO_MEMORY), MHD_RESPMEM_PERSISTENT);
	}
	m->st.scrapes++;
	/* Copied: a second connection may scrape before this one has
	 * sent its answer. */
	return answer(c, MHD_HTTP_OK, PROM_CONTENT_TYPE,
	    m->body.buf != NULL ? m->body.buf : "", m->body.len,
	    MHD_RESPMEM_MUST_COPY);
}

/*
 * Every request is answered on its first call, before any body is read:
 * nothing here takes a body, and MHD closes a connection whose body was
 * left unread.
 */
static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct metrics_http *m = cls;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(url, "/metrics") != 0) {
		m->st.refused++;
		return answer(c, MHD_HTTP_NOT_FOUND, "text/plain", NOT_FOUND,
		    strlen(NOT_FOUND), MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		m->st.refused++;
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
		    NOT_ALLOWED, strlen(NOT_ALLOWED), MHD_RESPMEM_PERSISTENT);
	}
	return scrape(m, c);
}

/* MHD's complaints (a connection refused at the limit, a broken peer)
 * matter to whoever debugs a scraper, not to the service. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	 buf[256];
	size_t	 n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("metrics: %s", buf);
}

static void
arm(struct metrics_http *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	ev_timer_stop(m->loop, &m->tm_w);
	if (MHD_get_timeout(m->d, &ms) != MHD_YES)
		return;
	ev_timer_set(&m->tm_w, (double)ms / 1000.0, 0.0);
	ev_timer_start(m->loop, &m->tm_w);
}

/* MHD's sockets are ready, or its timeout came: let it work, then ask
 * again when it next must run. */
static void
run(struct metrics_http *m)
{
	(void)MHD_run(m->d);
	arm(m);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

static void
tm_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

/* The listening socket, bound; -1 with err filled. */
static int
listen_on(uint32_t addr, uint16_t port, uint16_t *bound, char *err,
    size_t errlen)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	const char *step = "socket";
	int	 fd, one = 1, saved;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	step = "SO_REUSEADDR";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	step = "bind";
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	step = "listen";
	if (listen(fd, 16) < 0)
		goto fail;
	step = "getsockname";
	if (getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		goto fail;
	*bound = ntohs(sin.sin_port);
	return fd;
fail:
	saved = errno;
	snprintf(err, errlen, "metrics %u.%u.%u.%u:%u: %s: %s", addr >> 24,
	    (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff, port, step,
	    strerror(saved));
	if (fd >= 0)
		close(fd);
	return -1;
}

static struct MHD_Daemon *
mhd_start(struct metrics_http *m, int fd)
{
	/* The logger first: MHD logs the options that follow with it. */
	return MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, access_cb, m,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, m,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)METRICS_HTTP_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_TIMEOUT,
	    MHD_OPTION_END);
}

struct metrics_http *
metrics_http_start(struct ev_loop *loop, uint32_t addr, uint16_t port,
    metrics_produce_cb *produce, void *arg, char *err, size_t errlen)
{
	struct metrics_http *m;
	const union MHD_DaemonInfo *info;
	int	 fd;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		return NULL;
	}
	m->loop = loop;
	m->produce = produce;
	m->arg = arg;
	sb_init(&m->body);
	ev_io_init(&m->io_w, io_cb, -1, EV_READ);
	m->io_w.data = m;
	ev_timer_init(&m->tm_w, tm_cb, 0.0, 0.0);
	m->tm_w.data = m;
	if ((fd = listen_on(addr, port, &m->port, err, errlen)) < 0) {
		free(m);
		return NULL;
	}
	/* MHD owns fd from here: it closes it when it stops. */
	if ((m->d = mhd_start(m, fd)) == NULL ||
	    (info = MHD_get_daemon_info(m->d,
	    MHD_DAEMON_INFO_EPOLL_FD)) == NULL) {
		snprintf(err, errlen, "metrics: libmicrohttpd did not start "
		    "(epoll mode)");
		if (m->d == NULL)
			close(fd);
		metrics_http_stop(m);
		return NULL;
	}
	ev_io_set(&m->io_w, info->epoll_fd, EV_READ);
	ev_io_start(loop, &m->io_w);
	arm(m);
	return m;
}

void
metrics_http_stop(struct metrics_http *m)
{
	if (m == NULL)
		return;
	ev_io_stop(m->loop, &m->io_w);
	ev_timer_stop(m->loop, &m->tm_w);
	if (m->d != NULL)
		MHD_stop_daemon(m->d);
	sb_free(&m->body);
	free(m);
}

uint16_t
metrics_http_port(const struct metrics_http *m)
{
	return m->port;
}

void
metrics_http_get_stats(const struct metrics_http *m,
    struct metrics_http_stats *out)
{
	*out = m->st;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

void
metrics_http_write_own(const struct metrics_http *m, struct strbuf *sb,
    const char *role, const char *name, double started)
{
	struct prom_labels l;

	prom_labels_init(&l);
	prom_labels_add(&l, "role", role);
	prom_labels_add(&l, "name", name);
	prom_labels_add(&l, "version", DHCPFO_VERSION);
	prom_family(sb, "dhcpfo_info", PROM_GAUGE, "this daemon: its role, "
	    "Name and version (always 1)");
	prom_sample(sb, "dhcpfo_info", &l, 1);
	prom_family(sb, "process_start_time_seconds", PROM_GAUGE, "start "
	    "time of the process since the Unix epoch");
	prom_sample(sb, "process_start_time_seconds", NULL, started);
	prom_family(sb, "process_cpu_seconds_total", PROM_COUNTER, "user and "
	    "system CPU time of every thread");
	prom_sample(sb, "process_cpu_seconds_total", NULL, cpu_seconds());
	prom_family(sb, "dhcpfo_metrics_scrapes_total", PROM_COUNTER,
	    "answers of GET /metrics before this one");
	prom_sample_u(sb, "dhcpfo_metrics_scrapes_total", NULL, m->st.scrapes);
	prom_family(sb, "dhcpfo_metrics_refused_total", PROM_COUNTER,
	    "requests answered 404, 405 or 500");
	prom_sample_u(sb, "dhcpfo_metrics_refused_total", NULL, m->st.refused);
	prom_family(sb, "dhcpfo_metrics_produce_seconds", PROM_GAUGE,
	    "time the previous scrape took to write its body");
	prom_sample(sb, "dhcpfo_metrics_produce_seconds", NULL,
	    m->st.last_secs);
}
