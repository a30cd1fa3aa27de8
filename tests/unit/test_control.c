/*
 * Unit tests: common/util/control.c (socket server and client) and strbuf.
 * The server runs on its own libev loop in a second thread; the test
 * thread is the client (ctl_request, or a raw socket where a test must
 * send a body or hang up early).  Streamed answers: pieces in order
 * behind one status line, failures before and after the first piece, a
 * fill that waits to be woken, bodies read line by line, and the job
 * freed once however the call ends.  The streaming client (ctl_client_*)
 * and dhcpfoctl's check of an export (ctl/ctl_export.c) against it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "dhcpfoctl.h"
#include "lease_text.h"
#include "loop_testutil.h"
#include "strbuf.h"

struct fixture {
	struct loop_thread lt;
	struct ctl_server *srv;
	char		 path[64];
	int		 calls;
	/* Jobs of streamed calls freed (on the loop thread). */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 frees;
	const char	*export;	/* the answer to "export" */
	struct ctl_server *ro;		/* read-only socket (setup_guard) */
	char		 ro_path[64];
};

/* What setup_guard gives the server: shorter limits, a read-only twin. */
static struct {
	unsigned	 max_conns;
	double		 deadline;
} guard = { CTL_MAX_CONNS, CTL_DEADLINE };

static int	 raw_connect(const char *);

#define NOT_MINE	(-2)
static int	 stream_handler(struct fixture *, struct ctl_call *, int,
		    char **, struct strbuf *);

static int
handler(void *arg, struct ctl_call *call, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct fixture *f = arg;
	int	 rc;

	f->calls++;
	if ((rc = stream_handler(f, call, argc, argv, out)) != NOT_MINE)
		return rc;
	if (strcmp(argv[0], "echo") == 0) {
		sb_printf(out, "%s argc=%d", json ? "json" : "text", argc);
		for (int i = 1; i < argc; i++)
			sb_printf(out, " %s", argv[i]);
		sb_puts(out, "\n");
		return 0;
	}
	if (strcmp(argv[0], "export") == 0 && f->export != NULL) {
		sb_puts(out, f->export);
		return 0;
	}
	if (strcmp(argv[0], "status") == 0) {
		sb_puts(out, "all well\n");
		return 0;
	}
	if (strcmp(argv[0], "big") == 0) {
		for (int i = 0; i < 100000; i++)
			sb_printf(out, "line %d\n", i);
		return 0;
	}
	sb_printf(out, "unknown command '%s'\n", argv[0]);
	return -1;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char	 err[256];

	snprintf(f->path, sizeof(f->path), "/tmp/dhcpfo-ctl-test.%d",
	    (int)getpid());
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (loop_thread_init(&f->lt) < 0)
		return -1;
	f->srv = ctl_open(f->lt.loop, f->path, handler, f, err, sizeof(err));
	if (f->srv == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (loop_thread_start(&f->lt) < 0)
		return -1;
	*state = f;
	return 0;
}

/* setup, plus a read-only socket beside it and the limits in guard. */
static int
setup_guard(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char	 err[256];

	snprintf(f->path, sizeof(f->path), "/tmp/dhcpfo-ctl-test.%d",
	    (int)getpid());
	snprintf(f->ro_path, sizeof(f->ro_path), "/tmp/dhcpfo-ctl-ro.%d",
	    (int)getpid());
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (loop_thread_init(&f->lt) < 0)
		return -1;
	f->srv = ctl_open(f->lt.loop, f->path, handler, f, err, sizeof(err));
	f->ro = ctl_open(f->lt.loop, f->ro_path, handler, f, err,
	    sizeof(err));
	if (f->srv == NULL || f->ro == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	ctl_set_read_only(f->ro, f->path);
	ctl_set_limits(f->srv, guard.max_conns, guard.deadline,
	    guard.deadline);
	if (loop_thread_start(&f->lt) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	loop_thread_stop(&f->lt);
	ctl_close(f->ro);
	ctl_close(f->srv);
	loop_thread_free(&f->lt);
	assert_int_not_equal(access(f->path, F_OK), 0);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
	return 0;
}

static void
answers_ok_with_args_and_json_flag(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];

	sb_init(&ans);
	assert_int_equal(ctl_request(f->path, "echo a b --json", &ans, 5,
	    err, sizeof(err)), 0);
	assert_string_equal(ans.buf, "json argc=3 a b\n");
	assert_int_equal(ctl_request(f->path, "echo x\n", &ans, 5, err,
	    sizeof(err)), 0);
	assert_string_equal(ans.buf, "text argc=2 x\n");
	sb_free(&ans);
}

static void
reports_handler_error(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];

	sb_init(&ans);
	assert_int_equal(ctl_request(f->path, "nosuch", &ans, 5, err,
	    sizeof(err)), 1);
	assert_string_equal(ans.buf, "unknown command 'nosuch'\n");
	assert_int_equal(ctl_request(f->path, "   ", &ans, 5, err,
	    sizeof(err)), 1);
	sb_free(&ans);
}

static void
streams_large_answer(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];

	sb_init(&ans);
	assert_int_equal(ctl_request(f->path, "big", &ans, 10, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(ans.buf, "line 99999\n"));
	assert_true(ans.len > 1000000);
	sb_free(&ans);
}

static void
refuses_second_server_on_live_socket(void **state)
{
	struct fixture *f = *state;
	char	 err[256];
	struct ev_loop *l2 = ev_loop_new(EVFLAG_AUTO);

	assert_null(ctl_open(l2, f->path, handler, f, err, sizeof(err)));
	assert_non_null(strstr(err, "in use"));
	ev_loop_destroy(l2);
}

static void
unreachable_socket_is_reported(void **state)
{
	struct strbuf ans;
	char	 err[256];

	(void)state;
	sb_init(&ans);
	assert_int_equal(ctl_request("/tmp/dhcpfo-no-such.sock", "status",
	    &ans, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot connect"));
	sb_free(&ans);
}

/* The server's counters, read once the loop has had time to count. */
static struct ctl_stats
stats_of(struct fixture *f)
{
	struct ctl_stats st = { 0 };

	ctl_stats_add(f->srv, &st);
	return st;
}

/*
 * In a child that became `nobody` (with gid 65534, and `groups` as its
 * only supplementary group when given): the exit code says what
 * ctl_request answered: 0 ok, 1 error naming the uid, 2 anything else.
 */
static int
request_as_nobody(const char *path, const gid_t *groups)
{
	struct strbuf ans;
	char	 err[256];
	pid_t	 pid;
	int	 rc, st;

	if ((pid = fork()) == 0) {
		if (setgroups(groups ? 1 : 0, groups) < 0 ||
		    setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		sb_init(&ans);
		rc = ctl_request(path, "echo hi", &ans, 5, err, sizeof(err));
		if (rc == 1 && strstr(ans.buf, "uid 65534 may not") != NULL)
			_exit(1);
		_exit(rc == 0 ? 0 : 2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
refuses_peer_outside_the_group(void **state)
{
	struct fixture *f = *state;
	gid_t	 ours = getegid();

	if (geteuid() != 0)
		skip();
	/* The file mode would stop nobody first: open it, so the daemon's
	 * own check is what is tested. */
	assert_int_equal(chmod(f->path, 0666), 0);
	f->calls = 0;
	assert_int_equal(request_as_nobody(f->path, NULL), 1);
	assert_int_equal(stats_of(f).refused_peers, 1);
	/* A member of the socket's group (supplementary) is served. */
	assert_int_equal(request_as_nobody(f->path, &ours), 0);
	assert_int_equal(stats_of(f).refused_peers, 1);
}

static void
read_only_socket_runs_only_reads(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];
	int	 calls;

	sb_init(&ans);
	assert_int_equal(ctl_request(f->ro_path, "status", &ans, 5, err,
	    sizeof(err)), 0);
	assert_string_equal(ans.buf, "all well\n");
	calls = f->calls;
	assert_int_equal(ctl_request(f->ro_path, "takeover branch1", &ans, 5,
	    err, sizeof(err)), 1);
	assert_non_null(strstr(ans.buf, "read-only"));
	assert_non_null(strstr(ans.buf, f->path));
	/* Not classified: kept off the read-only socket too. */
	assert_int_equal(ctl_request(f->ro_path, "echo x --json", &ans, 5,
	    err, sizeof(err)), 1);
	assert_non_null(strstr(ans.buf, "{\"error\":"));
	assert_int_equal(f->calls, calls);
	/* The admin socket runs both. */
	assert_int_equal(ctl_request(f->path, "echo x", &ans, 5, err,
	    sizeof(err)), 0);
	sb_free(&ans);
}

/* ctl_request until it answers ok, for up to 2 s: 0, or -1. */
static int
request_soon(const char *path, const char *line)
{
	struct strbuf ans;
	char	 err[256];
	int	 rc = -1;

	sb_init(&ans);
	for (int i = 0; i < 200 && rc != 0; i++) {
		if ((rc = ctl_request(path, line, &ans, 2, err,
		    sizeof(err))) != 0)
			usleep(10000);
	}
	sb_free(&ans);
	return rc == 0 ? 0 : -1;
}

static void
caps_connections(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];
	int	 a, b;

	sb_init(&ans);
	a = raw_connect(f->path);
	b = raw_connect(f->path);
	/* Accepted in order: the third finds two open already. */
	assert_int_equal(ctl_request(f->path, "echo x", &ans, 5, err,
	    sizeof(err)), 1);
	assert_non_null(strstr(ans.buf, "too many"));
	assert_int_equal(stats_of(f).busy, 1);
	close(a);
	assert_int_equal(request_soon(f->path, "echo x"), 0);
	close(b);
	sb_free(&ans);
}

static double
clock_secs(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
trickling_client_meets_its_deadline(void **state)
{
	struct fixture *f = *state;
	double	 t0 = clock_secs(CLOCK_MONOTONIC), t;
	char	 c;
	int	 fd = raw_connect(f->path);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	/* A byte each 50 ms keeps the 10 s idle timeout away for ever. */
	for (;;) {
		assert_true(send(fd, "e", 1, MSG_NOSIGNAL) == 1 ||
		    errno == EPIPE || errno == ECONNRESET);
		if (poll(&pfd, 1, 50) > 0 && read(fd, &c, 1) <= 0)
			break;
		t = clock_secs(CLOCK_MONOTONIC) - t0;
		assert_true(t < 2.0);
	}
	t = clock_secs(CLOCK_MONOTONIC) - t0;
	assert_true(t >= 0.25);
	assert_int_equal(stats_of(f).deadline, 1);
	close(fd);
}

static void
out_of_descriptors_does_not_spin(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, low;
	int	 fds[128], n = 0, cl;
	double	 cpu;
	char	 c;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 128 && (fds[n] = open("/dev/null", O_RDONLY)) >= 0)
		n++;
	assert_true(n > 0 && n < 128 && errno == EMFILE);
	/* Room for the client only: the server's accept finds none. */
	close(fds[--n]);
	cl = raw_connect(f->path);
	cpu = clock_secs(CLOCK_PROCESS_CPUTIME_ID);
	usleep(200000);
	cpu = clock_secs(CLOCK_PROCESS_CPUTIME_ID) - cpu;
	/* The pending connection was shed, not left to wake the loop. */
	assert_int_equal(recv(cl, &c, 1, MSG_DONTWAIT), 0);
	assert_true(stats_of(f).fd_pauses >= 1);
	assert_true(stats_of(f).fd_pauses <= 3);
	assert_true(cpu < 0.05);
	close(cl);
	while (n > 0)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(request_soon(f->path, "echo again"), 0);
}

static int
setup_capped(void **state)
{
	guard.max_conns = 2;
	guard.deadline = CTL_DEADLINE;
	return setup_guard(state);
}

static int
setup_short_deadline(void **state)
{
	guard.max_conns = CTL_MAX_CONNS;
	guard.deadline = 0.3;
	return setup_guard(state);
}

static void
json_strings_are_escaped(void **state)
{
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	sb_json_str(&sb, "a\"b\\c\n\x01\xff");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\"");
	sb_reset(&sb);
	sb_ipv4(&sb, 0xc6336407);
	assert_string_equal(sb.buf, "198.51.100.7");
	sb_free(&sb);
}

/*
 * Streamed calls.  One job per call, freed by job_free on the loop
 * thread, which counts it for the test thread.
 */
#define LINES_PER_PIECE	100
#define WAIT_SECS	0.3

enum job_kind { JOB_STREAM, JOB_FAIL_FIRST, JOB_FAIL_LATE, JOB_WAIT,
	JOB_FOREVER, JOB_BODY };

struct job {
	struct fixture	*f;
	struct ctl_call	*call;
	enum job_kind	 kind;
	int		 pieces;	/* JOB_STREAM: how many to make */
	int		 made;		/* fills so far */
	ev_timer	 timer;		/* JOB_WAIT: wakes the call */
	bool		 woken;
	/* JOB_BODY: what the lines were. */
	int		 next_row, long_lines, nulls, bad;
	char		 null_at[64];
};

static void
job_free(void *arg)
{
	struct job	*j = arg;
	struct fixture	*f = j->f;

	ev_timer_stop(f->lt.loop, &j->timer);
	free(j);
	pthread_mutex_lock(&f->mu);
	f->frees++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* True once `n` jobs were freed, within a few seconds. */
static bool
frees_reach(struct fixture *f, int n)
{
	struct timespec	 until;
	int		 rc = 0;
	bool		 ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&f->mu);
	while (f->frees < n && rc == 0)
		rc = pthread_cond_timedwait(&f->cv, &f->mu, &until);
	ok = f->frees >= n;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

static int
frees_now(struct fixture *f)
{
	int	 n;

	pthread_mutex_lock(&f->mu);
	n = f->frees;
	pthread_mutex_unlock(&f->mu);
	return n;
}

static void
wake_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct job *j = w->data;

	(void)loop;
	(void)revents;
	/* Set before waking: a fill that runs before the call was parked
	 * must see it, or the wake would be lost. */
	j->woken = true;
	ctl_call_wake(j->call);
}

/* Piece k: lines numbered on from the pieces before it. */
static void
put_lines(int k, struct strbuf *out)
{
	for (int i = 0; i < LINES_PER_PIECE; i++)
		sb_printf(out, "%d\n", k * LINES_PER_PIECE + i);
}

/*
 * JOB_STREAM: an empty first piece (no status line may go out for it),
 * then `pieces` pieces of numbered lines and "end".
 */
static int
job_fill(void *arg, struct strbuf *out)
{
	struct job *j = arg;

	switch (j->kind) {
	case JOB_STREAM:
		if (j->made++ == 0)
			return CTL_MORE;
		if (j->made - 2 == j->pieces) {
			sb_puts(out, "end\n");
			return 0;
		}
		put_lines(j->made - 2, out);
		return CTL_MORE;
	case JOB_FAIL_FIRST:
		return ctl_error(out, false, "it failed");
	case JOB_FAIL_LATE:
		if (j->made++ == 0) {
			sb_puts(out, "a\n");
			return CTL_MORE;
		}
		return ctl_error(out, false, "broke");
	case JOB_WAIT:
		if (j->made++ == 0) {
			sb_puts(out, "before\n");
			ev_timer_init(&j->timer, wake_cb, WAIT_SECS, 0.);
			j->timer.data = j;
			ev_timer_start(j->f->lt.loop, &j->timer);
			return CTL_WAIT;
		}
		if (!j->woken)
			return CTL_WAIT;
		sb_puts(out, "after\n");
		return 0;
	case JOB_FOREVER:
		put_lines(j->made++, out);
		return CTL_MORE;
	default:
		sb_printf(out, "rows %d long %d nulls %d at %s bad %d\n",
		    j->next_row, j->long_lines, j->nulls, j->null_at, j->bad);
		return 0;
	}
}

/* A body of "row N" lines in order, with some long ones among them. */
static int
body_line(void *arg, char *line)
{
	struct job *j = arg;
	char	 want[32];
	size_t	 len;

	if (line == NULL) {
		j->nulls++;
		len = strlen(j->null_at);
		snprintf(j->null_at + len, sizeof(j->null_at) - len, "%s%d",
		    len ? "," : "", j->next_row);
		return 0;
	}
	len = strlen(line);
	if (len == CTL_MAX_LINE - 1 && strspn(line, "x") == len) {
		j->long_lines++;
		return 0;
	}
	snprintf(want, sizeof(want), "row %d", j->next_row);
	if (strcmp(line, want) == 0)
		j->next_row++;
	else
		j->bad++;
	return 0;
}

static int
stream_handler(struct fixture *f, struct ctl_call *call, int argc,
    char **argv, struct strbuf *out)
{
	static const char *const names[] = { "stream", "failfirst",
	    "faillate", "wait", "forever", "body" };
	struct job	*j;
	char		 who[64];

	if (strcmp(argv[0], "who") == 0) {
		ctl_call_who(call, who, sizeof(who));
		sb_printf(out, "%s\n", who);
		return 0;
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (strcmp(argv[0], names[k]) != 0)
			continue;
		if ((j = calloc(1, sizeof(*j))) == NULL)
			return ctl_error(out, false, "out of memory");
		j->f = f;
		j->call = call;
		j->kind = (enum job_kind)k;
		j->pieces = argc > 1 ? atoi(argv[1]) : 1;
		ev_timer_init(&j->timer, wake_cb, 0., 0.);
		if (j->kind == JOB_BODY)
			ctl_call_body(call, body_line, job_fill, job_free, j);
		else
			ctl_call_stream(call, job_fill, job_free, j);
		return CTL_TAKEN;
	}
	return NOT_MINE;
}

static void
streamed_pieces_arrive_in_order(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256], want[32], *line, *save = NULL;
	int	 n = 0;

	sb_init(&ans);
	/* ctl_request says 0 only for a first line "ok". */
	assert_int_equal(ctl_request(f->path, "stream 500", &ans, 10, err,
	    sizeof(err)), 0);
	for (line = strtok_r(ans.buf, "\n", &save); line != NULL &&
	    strcmp(line, "end") != 0; line = strtok_r(NULL, "\n", &save)) {
		snprintf(want, sizeof(want), "%d", n++);
		assert_string_equal(line, want);
	}
	assert_int_equal(n, 500 * LINES_PER_PIECE);
	assert_non_null(line);
	assert_null(strtok_r(NULL, "\n", &save));
	assert_true(frees_reach(f, 1));
	sb_free(&ans);
}

static void
streamed_failures(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];

	sb_init(&ans);
	/* Before any output: the status is "error". */
	assert_int_equal(ctl_request(f->path, "failfirst", &ans, 5, err,
	    sizeof(err)), 1);
	assert_string_equal(ans.buf, "it failed\n");
	/* After some: "ok" went out already; the answer just ends. */
	assert_int_equal(ctl_request(f->path, "faillate", &ans, 5, err,
	    sizeof(err)), 0);
	assert_string_equal(ans.buf, "a\nbroke\n");
	assert_true(frees_reach(f, 2));
	sb_free(&ans);
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A fill that waits is woken from the loop (a timer there) and
 * finishes; its idle timer is off meanwhile, so the call is still there
 * to finish (the wait is kept well under the idle timeout, so this
 * shows the call survives parking, not the timeout itself).
 */
static void
waiting_fill_is_woken(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];
	double	 t0 = now_secs();

	sb_init(&ans);
	assert_int_equal(ctl_request(f->path, "wait", &ans, 5, err,
	    sizeof(err)), 0);
	assert_string_equal(ans.buf, "before\nafter\n");
	assert_true(now_secs() - t0 >= WAIT_SECS - 0.05);
	assert_true(frees_reach(f, 1));
	sb_free(&ans);
}

static int
raw_connect(const char *path)
{
	struct sockaddr_un sun;
	int	 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n > 0);
		buf += n;
		len -= (size_t)n;
	}
}

/* Everything until the daemon closes (or `max` bytes), within 10 s. */
static void
read_all(int fd, struct strbuf *sb, size_t max)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char	 buf[65536];
	ssize_t	 n;

	sb_reset(sb);
	while (sb->len < max) {
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			break;
		sb_append(sb, buf, (size_t)n);
	}
}

static void
append_chars(struct strbuf *sb, int c, size_t n)
{
	char	 chunk[1024];

	memset(chunk, c, sizeof(chunk));
	while (n > 0) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		sb_append(sb, chunk, k);
		n -= k;
	}
	sb_puts(sb, "\n");
}

/*
 * A body sent with its command in one go: every line reaches the line
 * callback in order; the longest line allowed whole, a longer one and
 * one longer than the whole input buffer as NULL, and reading goes on.
 */
static void
body_lines_in_order(void **state)
{
	struct fixture *f = *state;
	struct strbuf req, ans;
	int	 fd;

	sb_init(&req);
	sb_init(&ans);
	sb_puts(&req, "body\n");
	for (int i = 0; i < 20000; i++) {
		if (i == 10000) {
			append_chars(&req, 'x', CTL_MAX_LINE - 1);
			append_chars(&req, 'x', CTL_MAX_LINE);
		}
		if (i == 15000)
			append_chars(&req, 'y', 70000);
		sb_printf(&req, "row %d\n", i);
	}
	sb_puts(&req, ".\n");
	assert_false(req.failed);
	fd = raw_connect(f->path);
	write_all(fd, req.buf, req.len);
	read_all(fd, &ans, SIZE_MAX);
	close(fd);
	assert_non_null(ans.buf);
	assert_string_equal(ans.buf, "ok\nrows 20000 long 1 nulls 2 at "
	    "10000,15000 bad 0\n");
	assert_true(frees_reach(f, 1));
	sb_free(&req);
	sb_free(&ans);
}

static int
take(void *arg, const char *data, size_t len)
{
	sb_append(arg, data, len);
	return 0;
}

/* ctl_client: a body far larger than the socket's buffers, written as
 * the daemon takes it. */
static void
client_streams_a_body(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c;
	struct strbuf ans;
	char	 err[256], line[64];

	sb_init(&ans);
	c = ctl_client_open(f->path, "body", 5, true, err, sizeof(err));
	assert_non_null(c);
	for (int i = 0; i < 200000; i++) {
		snprintf(line, sizeof(line), "row %d", i);
		assert_int_equal(ctl_client_send(c, line, err, sizeof(err)), 0);
	}
	assert_int_equal(ctl_client_send(c, ".", err, sizeof(err)), 0);
	assert_int_equal(ctl_client_answer(c, take, &ans, err, sizeof(err)), 0);
	assert_int_equal(ctl_client_status(c), 0);
	ctl_client_close(c);
	assert_string_equal(ans.buf, "rows 200000 long 0 nulls 0 at  bad 0\n");
	sb_free(&ans);
}

/* A daemon that answers without reading the body: the client's writes
 * fail, and it still hears the answer. */
static void
client_hears_a_daemon_that_stopped_reading(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c;
	struct strbuf ans;
	char	 err[256], line[256];
	int	 i;

	sb_init(&ans);
	c = ctl_client_open(f->path, "failfirst", 5, true, err, sizeof(err));
	assert_non_null(c);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 100000; i++)
		if (ctl_client_send(c, line, err, sizeof(err)) < 0)
			break;
	assert_true(i < 100000);
	assert_int_equal(ctl_client_answer(c, take, &ans, err, sizeof(err)), 1);
	ctl_client_close(c);
	assert_string_equal(ans.buf, "it failed\n");
	sb_free(&ans);
}

/* dhcpfoctl export against the answer in f->export; stdout dropped. */
static int
export_with(struct fixture *f, const char *answer, bool json)
{
	struct ctl_opts o = { f->path, 5, true };
	char	*argv[] = { "export", "--format", json ? "json" : "csv" };
	int	 saved, null, rc;

	f->export = answer;
	fflush(stdout);
	saved = dup(1);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	rc = ctl_export(&o, 3, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	return rc;
}

static void
export_must_arrive_whole(void **state)
{
	struct fixture *f = *state;
	char	*argv[] = { "export", "--format", "xml" };

	assert_int_equal(export_with(f, LEASE_CSV_HEADER "\n1,2\n3,4\n"
	    "# end: 2 bindings\n", false), CTL_EXIT_OK);
	assert_int_equal(export_with(f, LEASE_CSV_HEADER
	    "\n# end: 0 bindings\n", false), CTL_EXIT_OK);
	/* Cut: no end line, a line cut in two, a count that differs. */
	assert_int_equal(export_with(f, LEASE_CSV_HEADER "\n1,2\n3,4\n",
	    false), CTL_EXIT_ERROR);
	assert_int_equal(export_with(f, "1,2\n# end: 1 bindings\n3,",
	    false), CTL_EXIT_ERROR);
	assert_int_equal(export_with(f, "1,2\n# end: 2 bindings\n", false),
	    CTL_EXIT_ERROR);
	assert_int_equal(export_with(f, "{\"leases\":[\n{}\n],\"count\":1,"
	    "\"complete\":true}\n", true), CTL_EXIT_OK);
	assert_int_equal(export_with(f, "{\"leases\":[\n{}\n", true),
	    CTL_EXIT_ERROR);
	assert_int_equal(ctl_export(&(struct ctl_opts){ f->path, 5, true }, 3,
	    argv), CTL_EXIT_USAGE);
	assert_int_equal(ctl_export(&(struct ctl_opts){
	    "/tmp/dhcpfo-no-such.sock", 5, true }, 1, argv),
	    CTL_EXIT_UNREACHABLE);
}

/* The client hangs up in the middle of an endless answer: the call
 * ends and its job is freed, once. */
static void
client_gone_mid_stream(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256];
	int	 fd;

	sb_init(&ans);
	fd = raw_connect(f->path);
	write_all(fd, "forever\n", 8);
	read_all(fd, &ans, 100000);
	assert_int_equal(strncmp(ans.buf, "ok\n0\n1\n", 7), 0);
	close(fd);
	assert_true(frees_reach(f, 1));
	/* The server goes on serving, and frees nothing twice. */
	assert_int_equal(ctl_request(f->path, "echo x", &ans, 5, err,
	    sizeof(err)), 0);
	assert_int_equal(frees_now(f), 1);
	sb_free(&ans);
}

static void
who_is_calling(void **state)
{
	struct fixture *f = *state;
	struct strbuf ans;
	char	 err[256], want[64];

	sb_init(&ans);
	assert_int_equal(ctl_request(f->path, "who", &ans, 5, err,
	    sizeof(err)), 0);
	snprintf(want, sizeof(want), "uid %u pid %d\n", (unsigned)getuid(),
	    (int)getpid());
	assert_string_equal(ans.buf, want);
	sb_free(&ans);
}

static void
error_answers(void **state)
{
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	assert_int_equal(ctl_error(&sb, false, "no lease %d", 7), -1);
	assert_string_equal(sb.buf, "no lease 7\n");
	sb_reset(&sb);
	assert_int_equal(ctl_error(&sb, true, "bad \"%s\"", "x"), -1);
	assert_string_equal(sb.buf, "{\"error\":\"bad \\\"x\\\"\"}\n");
	sb_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    answers_ok_with_args_and_json_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_handler_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(streams_large_answer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    refuses_second_server_on_live_socket, setup, teardown),
		cmocka_unit_test(unreachable_socket_is_reported),
		cmocka_unit_test(json_strings_are_escaped),
		cmocka_unit_test_setup_teardown(
		    streamed_pieces_arrive_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(streamed_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(waiting_fill_is_woken, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(body_lines_in_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(client_gone_mid_stream, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(who_is_calling, setup,
		    teardown),
		cmocka_unit_test(error_answers),
		cmocka_unit_test_setup_teardown(client_streams_a_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    client_hears_a_daemon_that_stopped_reading, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(export_must_arrive_whole,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_peer_outside_the_group,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    read_only_socket_runs_only_reads, setup_guard, teardown),
		cmocka_unit_test_setup_teardown(caps_connections,
		    setup_capped, teardown),
		cmocka_unit_test_setup_teardown(
		    trickling_client_meets_its_deadline, setup_short_deadline,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    out_of_descriptors_does_not_spin, setup, teardown),
	};

	/* As the daemons do (daemon.c): a client that hung up is seen as
	 * EPIPE from write(), not as a signal. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
