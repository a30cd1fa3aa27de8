/*
 * Unit tests: common/util/control.c (socket server and client) and strbuf,
 * and dhcpfoctl's check of an export (ctl/ctl_export.c).  The server runs
 * on its own libev loop in a second thread; the test thread is the
 * client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "dhcpfoctl.h"
#include "lease_text.h"
#include "strbuf.h"

struct fixture {
	struct ev_loop	*loop;
	ev_async	 stop;
	struct ctl_server *srv;
	pthread_t	 thr;
	char		 path[64];
	int		 calls;
	const char	*export;	/* the answer to "export" */
};

/* A command with a body: counts its lines ("stop" stops at the first). */
struct sum_job {
	unsigned long	 lines;
	bool		 stop;
};

static int
sum_line(void *job, char *line)
{
	struct sum_job *j = job;

	j->lines += line != NULL;
	return j->stop ? -1 : 0;
}

static int
sum_end(void *job, struct strbuf *out)
{
	struct sum_job *j = job;

	sb_printf(out, "%lu lines\n", j->lines);
	return j->stop ? -1 : 0;
}

static int
handler(void *arg, struct ctl_call *call, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct fixture *f = arg;

	f->calls++;
	if (strcmp(argv[0], "sum") == 0 || strcmp(argv[0], "stop") == 0) {
		struct sum_job *j = calloc(1, sizeof(*j));

		j->stop = argv[0][1] == 't';
		ctl_call_body(call, sum_line, sum_end, free, j);
		return CTL_TAKEN;
	}
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
	if (strcmp(argv[0], "big") == 0) {
		for (int i = 0; i < 100000; i++)
			sb_printf(out, "line %d\n", i);
		return 0;
	}
	sb_printf(out, "unknown command '%s'\n", argv[0]);
	return -1;
}

static void
stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void *
run_loop(void *arg)
{
	struct fixture *f = arg;

	ev_run(f->loop, 0);
	return NULL;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char	 err[256];

	snprintf(f->path, sizeof(f->path), "/tmp/dhcpfo-ctl-test.%d",
	    (int)getpid());
	f->loop = ev_loop_new(EVFLAG_AUTO);
	ev_async_init(&f->stop, stop_cb);
	ev_async_start(f->loop, &f->stop);
	f->srv = ctl_open(f->loop, f->path, handler, f, err, sizeof(err));
	if (f->srv == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	pthread_create(&f->thr, NULL, run_loop, f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ev_async_send(f->loop, &f->stop);
	pthread_join(f->thr, NULL);
	ctl_close(f->srv);
	ev_loop_destroy(f->loop);
	assert_int_not_equal(access(f->path, F_OK), 0);
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

static int
take(void *arg, const char *data, size_t len)
{
	sb_append(arg, data, len);
	return 0;
}

/* A body far larger than the socket's buffers, written as it drains. */
static void
sends_a_streamed_body(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c;
	struct strbuf ans;
	char	 err[256], line[64];

	sb_init(&ans);
	c = ctl_client_open(f->path, "sum", 5, true, err, sizeof(err));
	assert_non_null(c);
	for (int i = 0; i < 200000; i++) {
		snprintf(line, sizeof(line), "%d,row of a body %d", i, i);
		assert_int_equal(ctl_client_send(c, line, err, sizeof(err)), 0);
	}
	assert_int_equal(ctl_client_send(c, ".", err, sizeof(err)), 0);
	assert_int_equal(ctl_client_answer(c, take, &ans, err, sizeof(err)), 0);
	assert_int_equal(ctl_client_status(c), 0);
	ctl_client_close(c);
	assert_string_equal(ans.buf, "200000 lines\n");
	sb_free(&ans);
}

/* The daemon answers before the body ends: the client still hears why. */
static void
hears_a_daemon_that_stopped_reading(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c;
	struct strbuf ans;
	char	 err[256], line[256];
	int	 i;

	sb_init(&ans);
	c = ctl_client_open(f->path, "stop", 5, true, err, sizeof(err));
	assert_non_null(c);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 100000; i++)
		if (ctl_client_send(c, line, err, sizeof(err)) < 0)
			break;
	assert_true(i < 100000);
	assert_int_equal(ctl_client_answer(c, take, &ans, err, sizeof(err)), 1);
	ctl_client_close(c);
	assert_string_equal(ans.buf, "1 lines\n");
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
	assert_int_equal(export_with(f, LEASE_CSV_HEADER "\n1,2\n3,4\n", false),
	    CTL_EXIT_ERROR);
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
		cmocka_unit_test_setup_teardown(sends_a_streamed_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    hears_a_daemon_that_stopped_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(export_must_arrive_whole,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    refuses_second_server_on_live_socket, setup, teardown),
		cmocka_unit_test(unreachable_socket_is_reported),
		cmocka_unit_test(json_strings_are_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
