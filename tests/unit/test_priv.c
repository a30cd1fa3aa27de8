/*
 * Unit tests: common/util/priv.c.  Looking up User, Group and
 * ControlSocketGroup, each refusal with its own message; and, as root, the
 * drop itself in a child process: the user and groups switched, exactly
 * CAP_NET_BIND_SERVICE and CAP_NET_RAW left (permitted, effective and the
 * bounding set), no way back to root, a root-only file unreadable, a port
 * below 1024 still bindable.  Not root: the drop tests are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

/* "nobody" exists on every Debian system, with its own group nogroup. */
#define USER	"nobody"

static const char *bad_key;	/* the key resolve() last refused */

static int
resolve(const char *user, const char *group, struct priv_ids *ids,
    char *err, size_t errlen)
{
	return priv_resolve(user, group, ids, &bad_key, err, errlen);
}

static void
resolve_refusals(void **state)
{
	struct priv_ids ids;
	char	 err[256];
	gid_t	 gid;
	(void)state;

	assert_int_equal(resolve("", "", &ids, err, sizeof(err)), 0);
	assert_false(ids.switch_user);

	assert_int_equal(resolve("no-such-user-x", "", &ids, err,
	    sizeof(err)), -1);
	assert_string_equal(bad_key, "User");
	assert_string_equal(err, "no user 'no-such-user-x' on this host");
	assert_int_equal(resolve(USER, "no-such-group-x", &ids, err,
	    sizeof(err)), -1);
	assert_string_equal(bad_key, "Group");
	assert_string_equal(err, "no group 'no-such-group-x' on this host");
	/* ControlSocketGroup and ReadOnlyGroup (hostcheck.c). */
	assert_int_equal(priv_group_id("no-such-group-x", &gid, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no group 'no-such-group-x' on this host");
	assert_int_equal(resolve("", "nogroup", &ids, err,
	    sizeof(err)), -1);
	assert_string_equal(bad_key, "Group");
	assert_string_equal(err, "needs User");
	assert_int_equal(resolve("root", "", &ids, err, sizeof(err)),
	    -1);
	assert_string_equal(bad_key, "User");
	assert_non_null(strstr(err, "is root"));
}

static void
resolve_ids(void **state)
{
	struct priv_ids ids;
	struct passwd	*pw = getpwnam(USER);
	char	 err[256];
	gid_t	 gid = 1;
	(void)state;

	assert_non_null(pw);
	assert_int_equal(resolve(USER, "", &ids, err, sizeof(err)), 0);
	assert_true(ids.switch_user);
	assert_int_equal(ids.uid, pw->pw_uid);
	assert_int_equal(ids.gid, pw->pw_gid);	/* the primary group */
	assert_string_equal(ids.user, USER);
	assert_int_equal(priv_group_id("root", &gid, err, sizeof(err)), 0);
	assert_int_equal(gid, 0);
	assert_int_equal(resolve(USER, "root", &ids, err,
	    sizeof(err)), 0);
	assert_int_equal(ids.gid, 0);
}

/* A field of /proc/self/status as a number in `base`. */
static unsigned long long
status_field(const char *name, int base)
{
	char	 line[256];
	unsigned long long v = ~0ull;
	size_t	 n = strlen(name);
	FILE	*f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return v;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, base);
	fclose(f);
	return v;
}

/* Binds 127.0.0.1:port (UDP); 0 or errno. */
static int
bind_port(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int	 fd = socket(AF_INET, SOCK_DGRAM, 0), rc = 0;

	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		rc = errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Child side of drop_as_root: each failed check is its own exit code. */
static int
child_drops(const char *secret)
{
	struct priv_ids ids;
	char	 err[256], warn[256];
	const unsigned long long two = 1ull << 10 | 1ull << 13;
	int	 fd;

	if (resolve(USER, "", &ids, err, sizeof(err)) < 0)
		return 10;
	if (priv_drop(&ids, warn, sizeof(warn), err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 11;
	}
	if (getuid() != ids.uid || geteuid() != ids.uid || getgid() != ids.gid)
		return 12;
	if (status_field("CapPrm", 16) != two ||
	    status_field("CapEff", 16) != two ||
	    status_field("CapBnd", 16) != two ||
	    status_field("CapInh", 16) != 0 || status_field("CapAmb", 16) != 0)
		return 13;
	if (status_field("NoNewPrivs", 10) != 1)
		return 14;
	if (setuid(0) == 0 || setgid(0) == 0)
		return 15;
	if ((fd = open(secret, O_RDONLY)) >= 0 || errno != EACCES)
		return 16;
	/* CAP_NET_BIND_SERVICE: a privileged port (any below 1024). */
	if (bind_port(1023) != 0 && bind_port(1022) != 0)
		return 17;
	/* CAP_NET_RAW: an ICMP raw socket. */
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) < 0)
		return 18;
	close(fd);
	return warn[0] == '\0' ? 0 : 19;
}

static void
drop_as_root(void **state)
{
	char	 secret[] = "/tmp/test_priv.XXXXXX";
	pid_t	 pid;
	int	 fd, st;
	(void)state;

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_true((fd = mkstemp(secret)) >= 0);	/* root, mode 0600 */
	assert_int_equal(write(fd, "key\n", 4), 4);
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_drops(secret));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unlink(secret);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Root without User: nothing changes, and a warning says so. */
static void
root_without_user_warns(void **state)
{
	struct priv_ids ids;
	char	 err[256], warn[256];
	pid_t	 pid;
	int	 st;
	(void)state;

	if (geteuid() != 0) {
		skip();
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (resolve("", "", &ids, err, sizeof(err)) < 0 ||
		    priv_drop(&ids, warn, sizeof(warn), err, sizeof(err)) < 0)
			_exit(1);
		_exit(getuid() == 0 && strstr(warn, "running as root") != NULL ?
		    0 : 2);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_refusals),
		cmocka_unit_test(resolve_ids),
		cmocka_unit_test(drop_as_root),
		cmocka_unit_test(root_without_user_warns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
