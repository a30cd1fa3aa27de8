/*
 * Unit tests: common/dhcp/hostcheck.c, the host checks of -t and
 * start-up, through each daemon's list (primary/pr_hostcheck.c,
 * failover/fod_hostcheck.c).
 *
 * Each test writes a configuration whose paths lie in its own temporary
 * directory, loads it with the daemon's loader, then checks it against
 * this host.  The good one uses 127.0.0.1 and the interface lo; the
 * address no host has is TEST-NET's 192.0.2.77.  Nothing is sent: the
 * checks read the interface table and the file system only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "fod_config.h"
#include "pr_hostcheck.h"

#define INI_TMP_TEMPLATE	"/tmp/test_hostcheck.XXXXXX"
#include "ini_testutil.h"
#include "tmpdir_testutil.h"

/* 32 bytes as 64 hex digits: the shortest key fo_key_load() takes. */
#define KEY_TEXT \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"

static char	 dir[64];		/* this test's directory */
static char	 good_key[128];		/* mode 0600 */
static char	 open_key[128];		/* mode 0644 */
static char	 text[4096];		/* the configuration written */

static void
key_write(char *path, size_t len, const char *name, mode_t mode)
{
	int	 fd;

	snprintf(path, len, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, KEY_TEXT, strlen(KEY_TEXT)) !=
	    (ssize_t)strlen(KEY_TEXT) || fchmod(fd, mode) < 0)
		fail_msg("key file %s: %s", path, strerror(errno));
	close(fd);
}

static int
setup(void **state)
{
	(void)state;
	if (!tmpdir_make(dir, sizeof(dir), "test_hostcheck"))
		return -1;
	key_write(good_key, sizeof(good_key), "good.key", 0600);
	key_write(open_key, sizeof(open_key), "open.key", 0644);
	return 0;
}

static int
cleanup(void **state)
{
	teardown(state);
	tmpdir_remove(dir);
	return 0;
}

/* Does this host let a socket bind to any address?  Then no address is
 * "not of this host" and those tests have nothing to show. */
static bool
nonlocal_bind(void)
{
	FILE	*fp = fopen("/proc/sys/net/ipv4/ip_nonlocal_bind", "r");
	int	 c = fp != NULL ? fgetc(fp) : EOF;

	if (fp != NULL)
		fclose(fp);
	return c == '1';
}

/*
 * A primary.ini: each field is one key's value, NULL leaving the key
 * out (key NULL: no failover).  good() passes every check.
 */
struct pini {
	const char	*addr, *ifaces, *state, *ctl, *pid, *metrics;
	const char	*key, *accept, *range;
};

static struct pini
good(void)
{
	static char	 state[128], ctl[128], pid[128];

	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", dir);
	snprintf(pid, sizeof(pid), "%s/primary.pid", dir);
	return (struct pini){ .addr = "127.0.0.1", .ifaces = "lo",
	    .state = state, .ctl = ctl, .pid = pid, .key = good_key,
	    .range = "127.1.0.0-127.1.0.255" };
}

static void
add(const char *key, const char *value)
{
	size_t	 n = strlen(text);

	if (value != NULL)
		snprintf(text + n, sizeof(text) - n, "%s = %s\n", key, value);
}

static const char *
primary_ini(const struct pini *p)
{
	snprintf(text, sizeof(text), "[server]\nName = branch1\n");
	add("ServerAddress", p->addr);
	add("Interfaces", p->ifaces);
	add("StateDir", p->state);
	add("ControlSocket", p->ctl);
	add("PidFile", p->pid);
	add("MetricsListen", p->metrics);
	if (p->key != NULL) {
		strcat(text, "[failover]\nUseFailoverServer = true\n"
		    "FailoverServer = 127.0.0.2\n");
		add("SharedKeyFile", p->key);
		add("AcceptSharedKeyFile", p->accept);
	}
	strcat(text, "[subnet:lan1]\nSubnet = 198.51.100.0/24\n");
	add("Range", "198.51.100.10-198.51.100.19");
	strcat(text, "[subnet:big]\nSubnet = 127.0.0.0/8\n");
	add("Range", p->range);
	return write_ini(text);
}

/* The warnings of the last check (key files). */
static struct config_errors warns;

static void
dump(const struct config_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		print_message("  error: %s\n", e->msgs[i]);
}

/* Load the file (which must load), then check it; the caller frees e. */
static int
check_primary(const struct pini *p, struct config_errors *e)
{
	struct config	 cfg;
	int		 rc;

	if (config_load_primary(primary_ini(p), &cfg, e) != 0) {
		dump(e);
		fail_msg("the configuration did not load");
	}
	config_errors_free(e);
	config_errors_free(&warns);
	rc = pr_hostcheck(&cfg, e, &warns);
	config_free(&cfg);
	return rc;
}

/* Refused with exactly one message, containing needle. */
static void
primary_refused(const struct pini *p, const char *needle)
{
	struct config_errors e;

	assert_int_equal(check_primary(p, &e), -1);
	if (e.count != 1 || strstr(e.msgs[0], needle) == NULL) {
		dump(&e);
		fail_msg("expected one error containing: %s", needle);
	}
	config_errors_free(&e);
}

/* Passes (the daemon would start), with one warning containing needle. */
static void
primary_warned(const struct pini *p, const char *needle)
{
	struct config_errors e;

	if (check_primary(p, &e) != 0) {
		dump(&e);
		fail_msg("refused");
	}
	config_errors_free(&e);
	if (warns.count != 1 || strstr(warns.msgs[0], needle) == NULL) {
		dump(&warns);
		fail_msg("expected one warning containing: %s", needle);
	}
}

static void
primary_passes(const struct pini *p)
{
	struct config_errors e;

	if (check_primary(p, &e) != 0) {
		dump(&e);
		fail_msg("refused");
	}
	assert_int_equal(e.count, 0);
	config_errors_free(&e);
	assert_int_equal(warns.count, 0);
}

/* ------------------------------------------------------------------ */

static void
good_config_passes(void **state)
{
	struct pini	 p = good();
	struct config	 cfg;
	struct config_errors e;
	struct stat	 st;

	(void)state;
	primary_passes(&p);
	/* What was checked is what the file says. */
	assert_int_equal(config_load_primary(tmp_path, &cfg, &e), 0);
	assert_int_equal(cfg.server.server_addr, A("127.0.0.1"));
	assert_string_equal(cfg.server.interfaces[0], "lo");
	config_free(&cfg);
	config_errors_free(&e);
	/* Nothing was created: StateDir is made by the start only. */
	assert_int_equal(stat(p.state, &st), -1);
	/* Without a failover the key file is never read. */
	p.key = NULL;
	primary_passes(&p);
}

static void
missing_key_file(void **state)
{
	struct pini	 p = good();
	char		 key[160], want[512];

	(void)state;
	snprintf(key, sizeof(key), "%s/none.key", dir);
	p.key = key;
	snprintf(want, sizeof(want), "[failover] SharedKeyFile: %s: "
	    "cannot open key file: No such file or directory: the primary "
	    "will serve DHCP without failover until this is fixed", key);
	primary_warned(&p, want);
}

static void
key_file_mode_0644(void **state)
{
	struct pini	 p = good();
	char		 want[1024];

	(void)state;
	p.key = open_key;
	snprintf(want, sizeof(want), "[failover] SharedKeyFile: %s: key "
	    "file is accessible by group or others (mode 0644); run `chmod 600 "
	    "%s`: the primary will serve DHCP without failover", open_key,
	    open_key);
	primary_warned(&p, want);
	/* The accepted key of a rotation, the same way. */
	p.key = good_key;
	p.accept = open_key;
	snprintf(want, sizeof(want), "[failover] AcceptSharedKeyFile: %s: "
	    "key file is accessible", open_key);
	primary_warned(&p, want);
	p.accept = good_key;
	primary_passes(&p);
}

static void
missing_interface(void **state)
{
	struct pini	 p = good();

	(void)state;
	p.ifaces = "lo, nosuch0";
	primary_refused(&p, "[server] Interfaces: no interface 'nosuch0' on "
	    "this host");
}

static void
address_not_of_this_host(void **state)
{
	struct pini	 p = good();
	struct config_errors e;
	char		 want[256];

	(void)state;
	if (nonlocal_bind())
		skip();
	p.addr = "192.0.2.77";
	assert_int_equal(check_primary(&p, &e), -1);
	/* The whole line: file, line of the key, section, key, message. */
	snprintf(want, sizeof(want), "%s:3: [server] ServerAddress: "
	    "192.0.2.77 is not an address of this host", tmp_path);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msgs[0], want);
	config_errors_free(&e);
}

static void
metrics_listen_address(void **state)
{
	struct pini	 p = good();

	(void)state;
	/* Every address, and any of loopback's 127.0.0.0/8, can be bound. */
	p.metrics = "0.0.0.0:9100";
	primary_passes(&p);
	p.metrics = "127.0.0.5:9100";
	primary_passes(&p);
	if (nonlocal_bind())
		skip();
	p.metrics = "192.0.2.77:9100";
	primary_refused(&p, "[server] MetricsListen: 192.0.2.77 is not an "
	    "address of this host");
}

static void
pool_too_big(void **state)
{
	struct pini	 p = good();

	(void)state;
	/* 2^20 addresses fit, one more does not. */
	p.range = "127.1.0.0-127.16.255.255";
	primary_passes(&p);
	p.range = "127.1.0.0-127.17.0.0";
	primary_refused(&p, "[subnet:big] Range: 1048577 addresses, more "
	    "than the limit of 1048576 for one subnet");
	/* The subnet's ranges together. */
	p.range = "127.1.0.0-127.8.255.255, 127.9.0.0-127.17.0.0";
	primary_refused(&p, "[subnet:big] Range: 1048577 addresses");
}

static void
state_dir_and_paths(void **state)
{
	struct pini	 p = good();
	char		 ctl[160], want[512];

	(void)state;
	p.state = good_key;
	snprintf(want, sizeof(want), "[server] StateDir: %s: not a "
	    "directory", good_key);
	primary_refused(&p, want);

	p = good();
	snprintf(ctl, sizeof(ctl), "%s/nodir/ctl.sock", dir);
	p.ctl = ctl;
	snprintf(want, sizeof(want), "[server] ControlSocket: %s: directory "
	    "%s/nodir: does not exist", ctl, dir);
	primary_refused(&p, want);

	/* A pid file that exists is reused: its directory does not matter. */
	p = good();
	p.pid = good_key;
	primary_passes(&p);
}

static void
every_error_at_once(void **state)
{
	struct pini	 p = good();
	struct config_errors e;
	char		 key[160];

	(void)state;
	snprintf(key, sizeof(key), "%s/none.key", dir);
	p.ifaces = "nosuch0";
	p.key = key;
	p.range = "127.1.0.0-127.17.0.0";
	assert_int_equal(check_primary(&p, &e), -1);
	if (e.count != 2) {
		dump(&e);
		fail_msg("expected 2 errors");
	}
	/* In file order, as the loader's; the key is a warning. */
	assert_non_null(strstr(e.msgs[0], "[server] Interfaces:"));
	assert_non_null(strstr(e.msgs[1], "[subnet:big] Range:"));
	config_errors_free(&e);
	assert_int_equal(warns.count, 1);
	assert_non_null(strstr(warns.msgs[0], "[failover] SharedKeyFile"));
}

/* ---- the failover's list ------------------------------------------ */

static int
check_failover(const char *key, const char *ifaces, struct config_errors *e)
{
	struct fod_config cfg;
	int		 rc;

	snprintf(text, sizeof(text), "[server]\nName = hub1\n"
	    "ServerAddress = 127.0.0.1\n");
	add("Interfaces", ifaces);
	add("StateDir", good().state);
	add("ControlSocket", good().ctl);
	add("PidFile", good().pid);
	strcat(text, "[primary:b1]\nAddress = 127.0.0.2\n");
	add("SharedKeyFile", key);
	strcat(text, "[primary:b2]\nAddress = 127.0.0.3\n");
	add("SharedKeyFile", good_key);
	strcat(text, "[subnet:lan1]\nPrimary = b1\nSubnet = 127.0.0.0/8\n"
	    "Range = 127.1.0.0-127.17.0.0\n");
	if (config_load_failover(write_ini(text), &cfg, e) != 0) {
		dump(e);
		fail_msg("the configuration did not load");
	}
	config_errors_free(e);
	config_errors_free(&warns);
	rc = fod_hostcheck(&cfg, e, &warns);
	fod_config_free(&cfg);
	return rc;
}

static void
failover_list(void **state)
{
	struct config_errors e;

	(void)state;
	assert_int_equal(check_failover(open_key, "lo, nosuch0", &e), -1);
	if (e.count != 2) {
		dump(&e);
		fail_msg("expected 2 errors");
	}
	assert_non_null(strstr(e.msgs[0], "[server] Interfaces: no "
	    "interface 'nosuch0' on this host"));
	assert_non_null(strstr(e.msgs[1], "[subnet:lan1] Range: 1048577 "
	    "addresses"));
	config_errors_free(&e);
	/* A key problem stops one primary only: a warning naming it. */
	if (warns.count != 1) {
		dump(&warns);
		fail_msg("expected 1 warning");
	}
	assert_non_null(strstr(warns.msgs[0], "[primary:b1] SharedKeyFile"));
	assert_non_null(strstr(warns.msgs[0], "(mode 0644)"));
	assert_non_null(strstr(warns.msgs[0], "primary=b1 will not be "
	    "protected"));
	config_errors_free(&warns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(good_config_passes, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(missing_key_file, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(key_file_mode_0644, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(missing_interface, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(address_not_of_this_host,
		    setup, cleanup),
		cmocka_unit_test_setup_teardown(metrics_listen_address, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(pool_too_big, setup, cleanup),
		cmocka_unit_test_setup_teardown(state_dir_and_paths, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(every_error_at_once, setup,
		    cleanup),
		cmocka_unit_test_setup_teardown(failover_list, setup,
		    cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
