/*
 * Unit tests: common/util/metrics_http.c -- libmicrohttpd inside a libev
 * loop.  The endpoint runs on its own loop in a second thread (as a
 * daemon's main loop would, loop_testutil.h); the test thread is a plain
 * HTTP/1.1 client on a TCP socket to 127.0.0.1, on a port the kernel
 * picks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <errno.h>
#include <ev.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop_testutil.h"
#include "metrics_http.h"
#include "prom.h"

#define LOOPBACK	0x7f000001u

struct fixture {
	struct loop_thread lt;
	struct metrics_http *m;
	uint16_t	 port;
	atomic_int	 produced;
	atomic_bool	 fail;		/* the producer fails */
};

static int
produce(void *arg, struct strbuf *out)
{
	struct fixture *f = arg;

	atomic_fetch_add(&f->produced, 1);
	if (atomic_load(&f->fail))	/* a daemon out of memory */
		return -1;
	prom_family(out, "dhcpfo_test", PROM_GAUGE, "a test value");
	prom_sample(out, "dhcpfo_test", NULL, 42);
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char	 err[256];

	assert_non_null(f);
	assert_int_equal(loop_thread_init(&f->lt), 0);
	f->m = metrics_http_start(f->lt.loop, LOOPBACK, 0, produce, f, err,
	    sizeof(err));
	if (f->m == NULL)
		fail_msg("start: %s", err);
	f->port = metrics_http_port(f->m);
	assert_true(f->port > 0);
	assert_int_equal(loop_thread_start(&f->lt), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	loop_thread_stop(&f->lt);
	metrics_http_stop(f->m);
	loop_thread_free(&f->lt);
	free(f);
	return 0;
}

static int
connect_to(uint16_t port)
{
	struct sockaddr_in sin;
	struct timeval tv = { .tv_sec = 5 };
	int	 fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(LOOPBACK);
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Everything the server sends until it closes (or 5 s pass). */
static size_t
read_all(int fd, char *buf, size_t cap)
{
	size_t	 got = 0;
	ssize_t	 n;

	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got;
}

/* One request; the answer's status code, the whole answer in buf. */
static int
request(uint16_t port, const char *req, char *buf, size_t cap)
{
	int	 fd = connect_to(port), status = -1;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	read_all(fd, buf, cap);
	close(fd);
	if (sscanf(buf, "HTTP/1.1 %d ", &status) != 1)
		return -1;
	return status;
}

static const char *
body_of(const char *answer)
{
	const char *p = strstr(answer, "\r\n\r\n");

	return p != NULL ? p + 4 : "";
}

static void
get_metrics(void **state)
{
	struct fixture *f = *state;
	char	 buf[4096];

	assert_int_equal(request(f->port, "GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 200);
	assert_non_null(strstr(buf, "Content-Type: " PROM_CONTENT_TYPE
	    "\r\n"));
	assert_string_equal(body_of(buf), "# HELP dhcpfo_test a test value\n"
	    "# TYPE dhcpfo_test gauge\ndhcpfo_test 42\n");
	/* HEAD: the same headers, no body. */
	assert_int_equal(request(f->port, "HEAD /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 200);
	assert_string_equal(body_of(buf), "");
	assert_int_equal(atomic_load(&f->produced), 2);
}

static void
other_path_404_other_method_405(void **state)
{
	struct fixture *f = *state;
	struct metrics_http_stats st;
	char	 buf[4096];

	assert_int_equal(request(f->port, "GET /other HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 404);
	assert_int_equal(request(f->port, "GET /metrics/x HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 404);
	/* A body is never read: the answer comes at once. */
	assert_int_equal(request(f->port, "POST /metrics HTTP/1.1\r\n"
	    "Host: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
	    buf, sizeof(buf)), 405);
	assert_non_null(strstr(buf, "Allow: GET, HEAD\r\n"));
	assert_int_equal(request(f->port, "DELETE /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 405);
	/* Not HTTP at all: closed unanswered, nothing produced. */
	assert_int_equal(request(f->port, "garbage\r\n\r\n", buf,
	    sizeof(buf)), -1);
	assert_string_equal(buf, "");
	assert_int_equal(atomic_load(&f->produced), 0);
	/* Read after the thread has answered everything above. */
	assert_int_equal(request(f->port, "GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 200);
	metrics_http_get_stats(f->m, &st);
	assert_int_equal(st.scrapes, 1);
	assert_int_equal(st.refused, 4);
}

/* A producer that cannot write the body: 500, and the next scrape is
 * whole again. */
static void
producer_failure_is_500(void **state)
{
	struct fixture *f = *state;
	char	 buf[4096];

	atomic_store(&f->fail, true);
	assert_int_equal(request(f->port, "GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 500);
	assert_null(strstr(buf, "dhcpfo_test"));
	atomic_store(&f->fail, false);
	assert_int_equal(request(f->port, "GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\nConnection: close\r\n\r\n", buf, sizeof(buf)), 200);
	assert_string_equal(body_of(buf), "# HELP dhcpfo_test a test value\n"
	    "# TYPE dhcpfo_test gauge\ndhcpfo_test 42\n");
}

/*
 * A scraper cannot hold the daemon: past METRICS_HTTP_PER_IP idle
 * connections from one address, the next is closed unanswered, and
 * closing one makes room again.
 */
static void
connections_limited(void **state)
{
	struct fixture *f = *state;
	int	 idle[METRICS_HTTP_PER_IP], extra;
	char	 buf[4096];

	/* Silent clients: MHD holds each open until its timeout.  (Not
	 * half a request: MHD 0.9.75 may miss the close of a client that
	 * sent a few bytes and closed before it read them, until the
	 * timeout.) */
	for (int i = 0; i < METRICS_HTTP_PER_IP; i++) {
		idle[i] = connect_to(f->port);
		assert_true(idle[i] >= 0);
	}
	extra = connect_to(f->port);
	assert_true(extra >= 0);
	(void)write(extra, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 35);
	assert_int_equal(read_all(extra, buf, sizeof(buf)), 0);
	close(extra);
	close(idle[0]);
	/* The server notices the close at its next turn; retry briefly. */
	for (int tries = 0; tries < 50; tries++) {
		if (request(f->port, "GET /metrics HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n", buf, sizeof(buf)) == 200)
			break;
		usleep(20000);
	}
	assert_string_equal(body_of(buf), "# HELP dhcpfo_test a test value\n"
	    "# TYPE dhcpfo_test gauge\ndhcpfo_test 42\n");
	for (int i = 1; i < METRICS_HTTP_PER_IP; i++)
		close(idle[i]);
}

static void
bind_failure_is_clear(void **state)
{
	struct fixture *f = *state;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct metrics_http *m;
	char	 err[256], want[64];

	m = metrics_http_start(loop, LOOPBACK, f->port, produce, f, err,
	    sizeof(err));
	assert_null(m);
	snprintf(want, sizeof(want), "metrics 127.0.0.1:%u: bind: ", f->port);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, strerror(EADDRINUSE)));
	/* 192.0.2.1 (TEST-NET-1) is no address of this host. */
	m = metrics_http_start(loop, 0xc0000201u, 9647, produce, f, err,
	    sizeof(err));
	assert_null(m);
	assert_non_null(strstr(err, "metrics 192.0.2.1:9647: bind: "));
	ev_loop_destroy(loop);
}

/* Stopping closes the listening socket: the port is free again. */
static void
stop_releases_the_port(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct metrics_http *m;
	uint16_t port;
	char	 err[256];
	(void)state;

	m = metrics_http_start(loop, LOOPBACK, 0, produce, NULL, err,
	    sizeof(err));
	assert_non_null(m);
	port = metrics_http_port(m);
	metrics_http_stop(m);
	assert_int_equal(connect_to(port), -1);
	m = metrics_http_start(loop, LOOPBACK, port, produce, NULL, err,
	    sizeof(err));
	if (m == NULL)
		fail_msg("port %u not free after stop: %s", port, err);
	metrics_http_stop(m);
	metrics_http_stop(NULL);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(get_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(other_path_404_other_method_405,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(producer_failure_is_500, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(connections_limited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(bind_failure_is_clear, setup,
		    teardown),
		cmocka_unit_test(stop_releases_the_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
