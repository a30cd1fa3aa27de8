/*
 * Unit tests: common/util/control.c (socket server and client) and strbuf.
 * The server runs on its own libev loop in a second thread; the test
 * thread is the client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "loop_testutil.h"
#include "strbuf.h"

struct fixture {
	struct loop_thread lt;
	struct ctl_server *srv;
	char		 path[64];
	int		 calls;
};

static int
handler(void *arg, int argc, char **argv, bool json, struct strbuf *out)
{
	struct fixture *f = arg;

	f->calls++;
	if (strcmp(argv[0], "echo") == 0) {
		sb_printf(out, "%s argc=%d", json ? "json" : "text", argc);
		for (int i = 1; i < argc; i++)
			sb_printf(out, " %s", argv[i]);
		sb_puts(out, "\n");
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

static int
teardown(void **state)
{
	struct fixture *f = *state;

	loop_thread_stop(&f->lt);
	ctl_close(f->srv);
	loop_thread_free(&f->lt);
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
		cmocka_unit_test_setup_teardown(
		    refuses_second_server_on_live_socket, setup, teardown),
		cmocka_unit_test(unreachable_socket_is_reported),
		cmocka_unit_test(json_strings_are_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
