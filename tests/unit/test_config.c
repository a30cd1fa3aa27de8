/*
 * Unit tests: primary/pr_config.c (primary.ini loader) and the spec
 * machinery of common/config/.
 *
 * Each test writes INI text to its own temporary file and loads it.  The
 * samples in etc/ are read relative to the working directory, which is the
 * repository root when run by `make unit`.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

#define INI_TMP_TEMPLATE	"/tmp/test_config.XXXXXX"
#include "ini_testutil.h"

static void
dump_errors(const struct config_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		print_message("  %s\n", e->msgs[i]);
}

/* Loads text that must be valid. */
static void
load_ok(const char *text, struct config *cfg)
{
	struct config_errors e;

	if (config_load_primary(write_ini(text), cfg, &e) != 0) {
		dump_errors(&e);
		config_errors_free(&e);
		fail_msg("config did not load");
	}
	assert_int_equal(e.count, 0);
	config_errors_free(&e);
}

/* Loads text that must fail; the caller frees e. */
static void
load_bad(const char *text, struct config_errors *e)
{
	struct config cfg;

	assert_int_equal(config_load_primary(write_ini(text), &cfg, e), -1);
	/* On failure nothing is left to free. */
	assert_int_equal(cfg.nsubnets, 0);
	assert_null(cfg.subnets);
	assert_null(cfg.hosts);
	assert_true(e->count > 0);
}

static bool
has_error(const struct config_errors *e, const char *needle)
{
	for (size_t i = 0; i < e->count; i++)
		if (strstr(e->msgs[i], needle) != NULL)
			return true;
	return false;
}

static void
expect_error(const struct config_errors *e, const char *needle)
{
	if (!has_error(e, needle)) {
		dump_errors(e);
		fail_msg("no error containing: %s", needle);
	}
}

#define MINIMAL \
	"[server]\n" \
	"Name = branch1\n" \
	"ServerAddress = 192.0.2.10\n" \
	"[subnet:lan1]\n" \
	"Subnet = 198.51.100.0/24\n" \
	"Range = 198.51.100.100-198.51.100.199\n"

/* ------------------------------------------------------------------ */

static void
sample_primary_ini_loads(void **state)
{
	struct config cfg;
	struct config_errors e;
	const struct cfg_subnet *sn;
	const struct cfg_host *h;
	(void)state;

	if (config_load_primary("etc/primary.ini", &cfg, &e) != 0) {
		dump_errors(&e);
		fail_msg("etc/primary.ini did not load");
	}
	config_errors_free(&e);
	assert_string_equal(cfg.path, "etc/primary.ini");
	assert_string_equal(cfg.server.name, "branch1");
	assert_int_equal(cfg.server.server_addr, A("192.0.2.10"));
	assert_int_equal(cfg.server.ninterfaces, 1);
	assert_string_equal(cfg.server.interfaces[0], "eth0");
	assert_int_equal(cfg.server.dhcp_port, 67);
	assert_string_equal(cfg.server.state_dir, "/var/lib/dhcpfo");
	assert_string_equal(cfg.server.control_socket,
	    "/run/dhcpfo/primary.sock");
	assert_false(cfg.server.ping_before_assign);
	assert_int_equal(cfg.server.ping_send_delay_ms, 500);
	assert_true(cfg.server.authoritative);
	assert_string_equal(cfg.server.log_facility, "daemon");

	assert_true(cfg.failover.use_failover);
	assert_int_equal(cfg.failover.server, A("192.0.2.20"));
	assert_int_equal(cfg.failover.port, 647);
	assert_string_equal(cfg.failover.key_file, "/etc/dhcpfo/branch1.key");
	assert_int_equal(cfg.failover.ctl_req_retry_max, 3);
	assert_int_equal(cfg.failover.sync_binding_buf_size, 1024);
	assert_true(cfg.failover.wait_sync_bind_ack_secs == 5.0);

	assert_int_equal(cfg.nsubnets, 2);
	sn = &cfg.subnets[0];
	assert_string_equal(sn->name, "lan1");
	assert_int_equal(sn->network, A("198.51.100.0"));
	assert_int_equal(sn->prefix, 24);
	assert_int_equal(sn->mask, 0xffffff00u);
	assert_int_equal(sn->nranges, 2);
	assert_int_equal(sn->ranges[1].lo, A("198.51.100.210"));
	assert_int_equal(sn->ranges[1].hi, A("198.51.100.220"));
	assert_int_equal(sn->nexclude_ranges, 2);
	assert_int_equal(sn->nexcludes, 4);
	assert_int_equal(sn->excludes[0], A("198.51.100.150"));
	assert_int_equal(sn->excludes[3], A("198.51.100.162"));
	assert_int_equal(sn->nrouters, 1);
	assert_int_equal(sn->ndns, 2);
	assert_int_equal(sn->dns[1], A("198.51.100.3"));
	assert_int_equal(sn->nntp, 1);
	assert_string_equal(sn->domain_name, "example.test");
	assert_int_equal(sn->broadcast, A("198.51.100.255"));
	assert_int_equal(sn->lease_time, 3600);
	assert_int_equal(sn->min_lease_time, 300);
	assert_int_equal(sn->max_lease_time, 86400);
	assert_true(sn->t1_ratio == 0.5);
	assert_true(sn->t2_ratio == 0.875);

	sn = &cfg.subnets[1];
	assert_string_equal(sn->name, "lab");
	assert_int_equal(sn->prefix, 25);
	assert_int_equal(sn->broadcast, A("203.0.113.127"));	/* derived */
	assert_int_equal(sn->lease_time, 600);
	assert_int_equal(sn->max_lease_time, 86400);

	assert_int_equal(cfg.nhosts, 2);
	h = &cfg.hosts[0];
	assert_string_equal(h->name, "printer7");
	assert_int_equal(h->htype, 1);
	assert_int_equal(h->hlen, 6);
	assert_int_equal(h->hwaddr[5], 7);
	assert_int_equal(h->addr, A("198.51.100.7"));
	assert_string_equal(h->hostname, "printer7");
	h = &cfg.hosts[1];
	assert_string_equal(h->name, "cam1");
	assert_int_equal(h->hlen, 0);
	assert_int_equal(h->cid_len, 7);
	assert_int_equal(h->cid[0], 1);
	assert_int_equal(h->cid[6], 8);

	assert_true(cfg.snmp.present);
	assert_true(cfg.snmp.traps);
	assert_string_equal(cfg.snmp.agentx_socket, "/var/agentx/master");
	config_free(&cfg);
	assert_null(cfg.subnets);
}

static void
minimal_sample_gets_defaults(void **state)
{
	struct config cfg;
	struct config_errors e;
	const struct cfg_subnet *sn;
	(void)state;

	if (config_load_primary("etc/primary-minimal.ini", &cfg, &e) != 0) {
		dump_errors(&e);
		fail_msg("etc/primary-minimal.ini did not load");
	}
	config_errors_free(&e);
	assert_int_equal(cfg.server.ninterfaces, 0);
	assert_int_equal(cfg.server.dhcp_port, 67);
	assert_string_equal(cfg.server.state_dir, "/var/lib/dhcpfo");
	assert_string_equal(cfg.server.control_socket,
	    "/run/dhcpfo/primary.sock");
	assert_string_equal(cfg.server.pid_file, "/run/dhcpfo/primary.pid");
	assert_false(cfg.server.ping_before_assign);
	assert_int_equal(cfg.server.ping_attempts, 1);
	assert_int_equal(cfg.server.ping_send_delay_ms, 500);
	assert_int_equal(cfg.server.max_pending_secs, 10);
	assert_int_equal(cfg.server.max_unavailable_time, 86400);
	assert_true(cfg.server.authoritative);
	assert_int_equal(cfg.server.commit_batch_max, 256);
	assert_string_equal(cfg.server.log_facility, "daemon");
	assert_int_equal(cfg.server.metrics_port, 0);	/* no endpoint */

	assert_false(cfg.failover.use_failover);
	assert_int_equal(cfg.failover.server, 0);
	assert_int_equal(cfg.failover.port, 647);
	assert_string_equal(cfg.failover.key_file, "");
	assert_int_equal(cfg.failover.ctl_req_retry_max, 3);
	assert_true(cfg.failover.wait_ctl_ret_secs == 5.0);
	assert_int_equal(cfg.failover.sync_bind_retry_max, 3);
	assert_int_equal(cfg.failover.sync_binding_buf_size, 1024);
	assert_true(cfg.failover.wait_sync_bind_ack_secs == 5.0);
	assert_true(cfg.failover.wait_sync_bind_update_secs == 5.0);

	assert_int_equal(cfg.nsubnets, 1);
	sn = &cfg.subnets[0];
	assert_int_equal(sn->nexcludes, 0);
	assert_int_equal(sn->nexclude_ranges, 0);
	assert_int_equal(sn->nrouters + sn->ndns + sn->nntp, 0);
	assert_string_equal(sn->domain_name, "");
	assert_int_equal(sn->broadcast, A("198.51.100.255"));
	assert_int_equal(sn->lease_time, 3600);
	assert_int_equal(sn->min_lease_time, 60);
	assert_int_equal(sn->max_lease_time, 86400);
	assert_true(sn->t1_ratio == 0.5);
	assert_true(sn->t2_ratio == 0.875);
	assert_int_equal(cfg.nhosts, 0);
	assert_null(cfg.hosts);
	assert_false(cfg.snmp.present);
	config_free(&cfg);
}

static void
fractions_and_zero_default(void **state)
{
	struct config cfg;
	(void)state;

	load_ok(MINIMAL
	    "RenewalPercent = 33.25\n"
	    "RebindingPercent = 66.5\n"
	    "[failover]\n"
	    "WaitCtlRetSecs = 0\n"
	    "WaitSyncBindAckSecs = 0.25\n"
	    "WaitSyncBindUpdateSecs = 0.01\n", &cfg);
	assert_true(cfg.failover.wait_ctl_ret_secs == 5.0);
	assert_true(cfg.failover.wait_sync_bind_ack_secs == 0.25);
	assert_true(cfg.failover.wait_sync_bind_update_secs > 0.0099 &&
	    cfg.failover.wait_sync_bind_update_secs < 0.0101);
	assert_true(cfg.subnets[0].t1_ratio > 0.33249 &&
	    cfg.subnets[0].t1_ratio < 0.33251);
	assert_true(cfg.subnets[0].t2_ratio == 0.665);
	config_free(&cfg);

	load_ok(MINIMAL "[failover]\nWaitCtlRetSecs = 1.5\n", &cfg);
	assert_true(cfg.failover.wait_ctl_ret_secs == 1.5);
	config_free(&cfg);
}

static void
long_lease_raises_default_max(void **state)
{
	struct config cfg;
	(void)state;

	load_ok(MINIMAL "LeaseTime = 172800\n", &cfg);
	assert_int_equal(cfg.subnets[0].max_lease_time, 172800);
	config_free(&cfg);
}

static void
keys_and_sections_case_insensitive(void **state)
{
	struct config cfg;
	(void)state;

	load_ok("[SERVER]\n"
	    "name = branch1\n"
	    "SERVERADDRESS = 192.0.2.10\n"
	    "dhcpport = 6767\n"
	    "pingbeforeassign = YES\n"
	    "Authoritative = off\n"
	    "LogFacility = LOCAL3\n"
	    "[Subnet:LAN1]\n"
	    "subnet = 198.51.100.0/24\n"
	    "RANGE = 198.51.100.100-198.51.100.199\n", &cfg);
	assert_int_equal(cfg.server.dhcp_port, 6767);
	assert_true(cfg.server.ping_before_assign);
	assert_false(cfg.server.authoritative);
	assert_string_equal(cfg.server.log_facility, "local3");
	assert_string_equal(cfg.subnets[0].name, "lan1");
	config_free(&cfg);
}

static void
ini_syntax_details(void **state)
{
	struct config cfg;
	(void)state;

	/* Inline comments, quotes, continuation lines, single addresses. */
	load_ok("[server]\n"
	    "Name = \"branch1\" ; quoted\n"
	    "ServerAddress = 192.0.2.10 # hash comment\n"
	    "Interfaces = eth0, eth1 ,eth2\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.110, \\\n"
	    "        198.51.100.120 - 198.51.100.130, 198.51.100.140\n"
	    "Exclude = 198.51.100.105-198.51.100.106\n"
	    "DomainName =\n", &cfg);
	assert_string_equal(cfg.server.name, "branch1");
	assert_int_equal(cfg.server.ninterfaces, 3);
	assert_string_equal(cfg.server.interfaces[2], "eth2");
	assert_int_equal(cfg.subnets[0].nranges, 3);
	assert_int_equal(cfg.subnets[0].ranges[1].lo, A("198.51.100.120"));
	assert_int_equal(cfg.subnets[0].ranges[2].lo, A("198.51.100.140"));
	assert_int_equal(cfg.subnets[0].ranges[2].hi, A("198.51.100.140"));
	assert_int_equal(cfg.subnets[0].nexcludes, 2);
	assert_string_equal(cfg.subnets[0].domain_name, "");
	config_free(&cfg);
}

static void
lookups(void **state)
{
	struct config cfg;
	const struct cfg_subnet *sn;
	(void)state;

	load_ok(MINIMAL
	    "Exclude = 198.51.100.120\n"
	    "[subnet:lan2]\n"
	    "Subnet = 203.0.113.0/25\n"
	    "Range = 203.0.113.10-203.0.113.20\n", &cfg);
	sn = config_subnet_for(&cfg, A("198.51.100.77"));
	assert_non_null(sn);
	assert_string_equal(sn->name, "lan1");
	sn = config_subnet_for(&cfg, A("203.0.113.126"));
	assert_non_null(sn);
	assert_string_equal(sn->name, "lan2");
	assert_null(config_subnet_for(&cfg, A("203.0.113.128")));
	assert_null(config_subnet_for(&cfg, A("192.0.2.10")));
	sn = &cfg.subnets[0];
	assert_true(config_subnet_dynamic(sn, A("198.51.100.100")));
	assert_true(config_subnet_dynamic(sn, A("198.51.100.199")));
	assert_false(config_subnet_dynamic(sn, A("198.51.100.120")));
	assert_false(config_subnet_dynamic(sn, A("198.51.100.99")));
	assert_false(config_subnet_dynamic(sn, A("198.51.100.200")));
	config_free(&cfg);
}

/* MetricsListen: address and port; empty is none, like absent. */
static void
metrics_listen_values(void **state)
{
	struct config cfg;
	(void)state;

	load_ok("[server]\n"
	    "MetricsListen = 127.0.0.2:9647\n"
	    "Name = branch1\n"
	    "ServerAddress = 192.0.2.10\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.199\n", &cfg);
	assert_int_equal(cfg.server.metrics_addr, A("127.0.0.2"));
	assert_int_equal(cfg.server.metrics_port, 9647);
	config_free(&cfg);
	load_ok("[server]\n"
	    "MetricsListen = 0.0.0.0:65535\n"
	    "Name = branch1\n"
	    "ServerAddress = 192.0.2.10\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.199\n", &cfg);
	assert_int_equal(cfg.server.metrics_addr, 0);
	assert_int_equal(cfg.server.metrics_port, 65535);
	config_free(&cfg);
	load_ok("[server]\n"
	    "MetricsListen =\n"
	    "Name = branch1\n"
	    "ServerAddress = 192.0.2.10\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.199\n", &cfg);
	assert_int_equal(cfg.server.metrics_port, 0);
	config_free(&cfg);
}

/*
 * FailoverShare and SafePeriod: a subnet's own value, else [failover]'s,
 * and a SafePeriod given nowhere is the subnet's MaxLeaseTime.
 */
static void
safety_keys_inherit(void **state)
{
	struct config cfg;
	(void)state;

	load_ok(MINIMAL
	    "MaxLeaseTime = 7200\n"
	    "[subnet:lan2]\n"
	    "Subnet = 203.0.113.0/25\n"
	    "Range = 203.0.113.10-203.0.113.20\n"
	    "FailoverShare = 0\n"
	    "SafePeriod = 0\n", &cfg);
	assert_int_equal(cfg.failover.failover_share, 10);
	assert_int_equal(cfg.failover.safe_period, CFG_SAFE_PERIOD_LEASE);
	assert_int_equal(cfg.subnets[0].failover_share, 10);
	assert_int_equal(cfg.subnets[0].safe_period, 7200);
	assert_int_equal(cfg.subnets[1].failover_share, 0);
	assert_int_equal(cfg.subnets[1].safe_period, 0);
	config_free(&cfg);

	load_ok(MINIMAL
	    "[failover]\n"
	    "FailoverShare = 25\n"
	    "SafePeriod = 600\n"
	    "[subnet:lan2]\n"
	    "Subnet = 203.0.113.0/25\n"
	    "Range = 203.0.113.10-203.0.113.20\n"
	    "FailoverShare = 50\n", &cfg);
	assert_int_equal(cfg.subnets[0].failover_share, 25);
	assert_int_equal(cfg.subnets[0].safe_period, 600);
	assert_int_equal(cfg.subnets[1].failover_share, 50);
	assert_int_equal(cfg.subnets[1].safe_period, 600);
	config_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* One bad value, one error: table-driven over the keys.               */

struct base_line {
	const char	*section, *key, *value;
};

static const struct base_line base[] = {
	{ "server", "Name", "branch1" },
	{ "server", "ServerAddress", "192.0.2.10" },
	{ "subnet:lan1", "Subnet", "198.51.100.0/24" },
	{ "subnet:lan1", "Range", "198.51.100.100-198.51.100.199" },
	{ "host:h1", "HardwareAddress", "02:00:00:00:00:01" },
	{ "host:h1", "Address", "198.51.100.7" },
};

struct bad_case {
	const char	*section, *key, *value;
	const char	*expect;	/* substring of the only message */
	const char	*drop;		/* base key of the section to leave out */
};

static const struct bad_case bad_cases[] = {
	{ "server", "Name", "", "[server] Name = \"\": must be 1..63 "
	  "characters of A-Z a-z 0-9 _ . -", NULL },
	{ "server", "Name", "a b", "[server] Name = \"a b\": must be 1..63",
	  NULL },
	{ "server", "Name", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv"
	  "wxyzabcdefghijkl", "must be 1..63 characters", NULL },
	{ "server", "ServerAddress", "192.0.2.300", "[server] ServerAddress "
	  "= 192.0.2.300: not an IPv4 address", NULL },
	{ "server", "ServerAddress", "224.0.0.1", "[server] ServerAddress = "
	  "224.0.0.1: must be a unicast address", NULL },
	{ "server", "ServerAddress", "", "[server] ServerAddress = \"\": not "
	  "an IPv4 address", NULL },
	{ "server", "Interfaces", "eth0,,eth1", "[server] Interfaces = "
	  "eth0,,eth1: empty entry", NULL },
	{ "server", "Interfaces", "averyveryverylongname", "not an "
	  "interface name (1..15 characters", NULL },
	{ "server", "DhcpPort", "0", "[server] DhcpPort = 0: must be 1..65534",
	  NULL },
	{ "server", "DhcpPort", "65535", "[server] DhcpPort = 65535: must be "
	  "1..65534", NULL },
	{ "server", "DhcpPort", "-1", "[server] DhcpPort = -1: not a number, "
	  "must be 1..65534", NULL },
	{ "server", "DhcpPort", "0x43", "DhcpPort = 0x43: not a number", NULL },
	{ "server", "DhcpPort", "99999999999999999999999", "must be 1..65534",
	  NULL },
	{ "server", "StateDir", "var/lib", "[server] StateDir = var/lib: must "
	  "be an absolute path", NULL },
	{ "server", "StateDir", "", "[server] StateDir = \"\": must be an "
	  "absolute path", NULL },
	{ "server", "ControlSocket", "/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaa.sock", "ControlSocket = /run/aaa", NULL },
	{ "server", "ControlSocket", "/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaa.sock", "longer than 107 characters", NULL },
	{ "server", "PidFile", "pid", "[server] PidFile = pid: must be an "
	  "absolute path", NULL },
	{ "server", "PingBeforeAssign", "maybe", "[server] PingBeforeAssign = "
	  "maybe: must be true or false", NULL },
	{ "server", "PingAttempts", "0", "[server] PingAttempts = 0: must be "
	  "1..10", NULL },
	{ "server", "PingAttempts", "11", "PingAttempts = 11: must be 1..10",
	  NULL },
	{ "server", "PingSendDelay", "10001", "[server] PingSendDelay = 10001: "
	  "must be 1..10000", NULL },
	{ "server", "PingSendDelay", "1.5", "[server] PingSendDelay = 1.5: not "
	  "a whole number, must be 1..10000", NULL },
	{ "server", "MaxPendingSeconds", "3601", "[server] MaxPendingSeconds "
	  "= 3601: must be 1..3600", NULL },
	{ "server", "MaxUnavailableTime", "31536001", "[server] "
	  "MaxUnavailableTime = 31536001: must be 0..31536000", NULL },
	{ "server", "Authoritative", "2", "[server] Authoritative = 2: must "
	  "be true or false", NULL },
	{ "server", "CommitBatchMax", "4097", "[server] CommitBatchMax = "
	  "4097: must be 1..4096", NULL },
	{ "server", "LogFacility", "local8", "[server] LogFacility = local8: "
	  "must be one of daemon, local0, local1", NULL },
	{ "server", "MetricsListen", "127.0.0.1", "[server] MetricsListen = "
	  "127.0.0.1: not ADDRESS:PORT (like 127.0.0.1:9647)", NULL },
	{ "server", "MetricsListen", "127.0.0.1:0", "[server] MetricsListen "
	  "= 127.0.0.1:0: port must be 1..65535", NULL },
	{ "server", "MetricsListen", "127.0.0.1:65536", "port must be "
	  "1..65535", NULL },
	{ "server", "MetricsListen", "127.0.0.1:-1", "not ADDRESS:PORT",
	  NULL },
	{ "server", "MetricsListen", "localhost:9647", "[server] "
	  "MetricsListen = localhost:9647: not an IPv4 address before the "
	  "port", NULL },
	{ "server", "MetricsListen", "192.0.2.300:9647", "not an IPv4 "
	  "address before the port", NULL },
	{ "server", "MetricsListen", "239.1.2.3:9647", "cannot listen on a "
	  "multicast, reserved or broadcast address", NULL },

	{ "failover", "FailoverShare", "51", "[failover] FailoverShare = 51: "
	  "must be 0..50", NULL },
	{ "failover", "FailoverShare", "10.5", "[failover] FailoverShare = "
	  "10.5: not a whole number, must be 0..50", NULL },
	{ "failover", "SafePeriod", "31536001", "[failover] SafePeriod = "
	  "31536001: must be 0..31536000", NULL },
	{ "subnet:lan1", "FailoverShare", "-1", "[subnet:lan1] FailoverShare "
	  "= -1: not a number, must be 0..50", NULL },
	{ "subnet:lan1", "SafePeriod", "1d", "[subnet:lan1] SafePeriod = 1d: "
	  "not a number, must be 0..31536000", NULL },
	{ "failover", "UseFailoverServer", "yes please", "[failover] "
	  "UseFailoverServer = \"yes please\": must be true or false", NULL },
	{ "failover", "FailoverServer", "fo.example", "[failover] "
	  "FailoverServer = fo.example: not an IPv4 address", NULL },
	{ "failover", "FailoverPort", "65536", "[failover] FailoverPort = "
	  "65536: must be 1..65535", NULL },
	{ "failover", "SharedKeyFile", "branch1.key", "[failover] "
	  "SharedKeyFile = branch1.key: must be an absolute path", NULL },
	{ "failover", "CtlReqRetryMax", "11", "[failover] CtlReqRetryMax = "
	  "11: must be 0..10", NULL },
	{ "failover", "WaitCtlRetSecs", "3600.5", "[failover] WaitCtlRetSecs "
	  "= 3600.5: must be 0..3600 seconds (0: the default, 5)", NULL },
	{ "failover", "WaitCtlRetSecs", "-1", "[failover] WaitCtlRetSecs = "
	  "-1: not a number, must be 0..3600 seconds", NULL },
	{ "failover", "SyncBindRetryMax", "11", "[failover] SyncBindRetryMax "
	  "= 11: must be 0..10", NULL },
	{ "failover", "SyncBindingBufSize", "10", "[failover] "
	  "SyncBindingBufSize = 10: must be 512..4096", NULL },
	{ "failover", "SyncBindingBufSize", "4097", "[failover] "
	  "SyncBindingBufSize = 4097: must be 512..4096", NULL },
	{ "failover", "WaitSyncBindAckSecs", "0", "[failover] "
	  "WaitSyncBindAckSecs = 0: must be 0.01..3600 seconds", NULL },
	{ "failover", "WaitSyncBindAckSecs", "0.001", "WaitSyncBindAckSecs = "
	  "0.001: must be 0.01..3600 seconds", NULL },
	{ "failover", "WaitSyncBindAckSecs", "1e3", "WaitSyncBindAckSecs = "
	  "1e3: not a number", NULL },
	{ "failover", "WaitSyncBindAckSecs", ".5", "WaitSyncBindAckSecs = .5: "
	  "not a number", NULL },
	{ "failover", "WaitSyncBindUpdateSecs", "3601", "[failover] "
	  "WaitSyncBindUpdateSecs = 3601: must be 0.01..3600 seconds", NULL },

	{ "subnet:lan1", "Subnet", "198.51.100.0", "[subnet:lan1] Subnet = "
	  "198.51.100.0: not ADDRESS/PREFIX", NULL },
	{ "subnet:lan1", "Subnet", "198.51.100.0/31", "[subnet:lan1] Subnet "
	  "= 198.51.100.0/31: prefix length must be 1..30", NULL },
	{ "subnet:lan1", "Subnet", "198.51.100.1/24", "[subnet:lan1] Subnet "
	  "= 198.51.100.1/24: host bits are set (did you mean "
	  "198.51.100.0/24?)", NULL },
	{ "subnet:lan1", "Range", "198.51.100.10-198.51.100.300",
	  "[subnet:lan1] Range = 198.51.100.10-198.51.100.300: not an IPv4 "
	  "address range", NULL },
	{ "subnet:lan1", "Range", "198.51.100.20-198.51.100.10",
	  "[subnet:lan1] Range = 198.51.100.20-198.51.100.10: start is after "
	  "end", NULL },
	{ "subnet:lan1", "Range", "198.51.100.10-198.51.100.20, "
	  "198.51.100.15-198.51.100.30", "198.51.100.15-198.51.100.30: "
	  "overlaps 198.51.100.10-198.51.100.20", NULL },
	{ "subnet:lan1", "Range", "198.51.101.10-198.51.101.20",
	  "[subnet:lan1] Range = 198.51.101.10-198.51.101.20: "
	  "198.51.101.10-198.51.101.20 is not inside 198.51.100.0/24", NULL },
	{ "subnet:lan1", "Range", "198.51.100.0-198.51.100.20",
	  "includes the network address 198.51.100.0", NULL },
	{ "subnet:lan1", "Range", "198.51.100.200-198.51.100.255",
	  "includes the broadcast address 198.51.100.255", NULL },
	{ "subnet:lan1", "Range", "", "[subnet:lan1] Range = \"\": must not "
	  "be empty", NULL },
	{ "subnet:lan1", "Exclude", "198.51.100.50", "[subnet:lan1] Exclude = "
	  "198.51.100.50: 198.51.100.50 is not inside any Range", NULL },
	{ "subnet:lan1", "Exclude", "198.51.100.190-198.51.100.210",
	  "198.51.100.190-198.51.100.210: 198.51.100.200 is not inside any "
	  "Range", NULL },
	{ "subnet:lan1", "Routers", "198.51.101.1", "[subnet:lan1] Routers = "
	  "198.51.101.1: 198.51.101.1 is not inside the subnet", NULL },
	{ "subnet:lan1", "Routers", "198.51.100.150", "198.51.100.150 is "
	  "inside Range; add it to Exclude", NULL },
	{ "subnet:lan1", "Routers", "198.51.100.1, 198.51.100.1",
	  "198.51.100.1: listed twice", NULL },
	{ "subnet:lan1", "Routers", "198.51.100.1, 198.51.100.2, 198.51.100.3,"
	  " 198.51.100.4, 198.51.100.5, 198.51.100.6, 198.51.100.7,"
	  " 198.51.100.8, 198.51.100.9", "9 entries, at most 8 allowed", NULL },
	{ "subnet:lan1", "DnsServers", "255.255.255.255", "[subnet:lan1] "
	  "DnsServers = 255.255.255.255: must be a unicast address", NULL },
	{ "subnet:lan1", "NtpServers", "ntp.example", "[subnet:lan1] "
	  "NtpServers = ntp.example: not an IPv4 address", NULL },
	{ "subnet:lan1", "DomainName", "-bad.example", "[subnet:lan1] "
	  "DomainName = -bad.example: not a domain name", NULL },
	{ "subnet:lan1", "DomainName", "a_b.example", "DomainName = "
	  "a_b.example: not a domain name", NULL },
	{ "subnet:lan1", "BroadcastAddress", "198.51.101.255", "[subnet:lan1] "
	  "BroadcastAddress = 198.51.101.255: must be inside 198.51.100.0/24",
	  NULL },
	{ "subnet:lan1", "BroadcastAddress", "198.51.100.150", "[subnet:lan1] "
	  "Range = 198.51.100.100-198.51.100.199: "
	  "198.51.100.100-198.51.100.199 includes BroadcastAddress "
	  "198.51.100.150", NULL },
	{ "subnet:lan1", "LeaseTime", "59", "[subnet:lan1] LeaseTime = 59: "
	  "must be 60..31536000", NULL },
	{ "subnet:lan1", "LeaseTime", "abc", "[subnet:lan1] LeaseTime = abc: "
	  "not a number, must be 60..31536000", NULL },
	{ "subnet:lan1", "MinLeaseTime", "7200", "[subnet:lan1] MinLeaseTime "
	  "= 7200: must not exceed LeaseTime (3600)", NULL },
	{ "subnet:lan1", "MaxLeaseTime", "1800", "[subnet:lan1] MaxLeaseTime "
	  "= 1800: must be at least LeaseTime (3600)", NULL },
	{ "subnet:lan1", "MaxLeaseTime", "31536001", "MaxLeaseTime = "
	  "31536001: must be 60..31536000", NULL },
	{ "subnet:lan1", "RenewalPercent", "0", "[subnet:lan1] RenewalPercent "
	  "= 0: must be more than 0 and less than 100", NULL },
	{ "subnet:lan1", "RenewalPercent", "90", "[subnet:lan1] "
	  "RenewalPercent = 90: must be less than RebindingPercent (87.5)",
	  NULL },
	{ "subnet:lan1", "RebindingPercent", "100", "[subnet:lan1] "
	  "RebindingPercent = 100: must be more than 0 and less than 100",
	  NULL },
	{ "subnet:lan1", "RebindingPercent", "40", "[subnet:lan1] "
	  "RebindingPercent = 40: must be more than RenewalPercent (50)",
	  NULL },

	{ "host:h1", "HardwareAddress", "02:00:00:00:00", "[host:h1] "
	  "HardwareAddress = 02:00:00:00:00: must be six hex bytes", NULL },
	{ "host:h1", "HardwareAddress", "02:00:00:00:00:0g", "must be six "
	  "hex bytes", NULL },
	{ "host:h1", "HardwareAddress", "02:00:00:00:00:01:02", "must be six "
	  "hex bytes", NULL },
	{ "host:h1", "ClientId", "01", "[host:h1] ClientId = 01: must be "
	  "2..255 hex bytes", "HardwareAddress" },
	{ "host:h1", "ClientId", "01:zz", "[host:h1] ClientId = 01:zz: must "
	  "be 2..255 hex bytes", "HardwareAddress" },
	{ "host:h1", "ClientId", "01:02:03", "[host:h1]: HardwareAddress and "
	  "ClientId are both set; give exactly one", NULL },
	{ "host:h1", "Address", "198.51.101.7", "[host:h1] Address = "
	  "198.51.101.7: not inside any [subnet:NAME]", NULL },
	{ "host:h1", "Address", "198.51.100.255", "[host:h1] Address = "
	  "198.51.100.255: is the network or broadcast address of "
	  "[subnet:lan1]", NULL },
	{ "host:h1", "Hostname", "bad name", "[host:h1] Hostname = "
	  "\"bad name\": not a domain name", NULL },
	{ "host:h1", "HardwareAddress", "", "[host:h1] HardwareAddress = "
	  "\"\": must be six hex bytes", NULL },

	{ "snmp", "AgentXSocket", "", "[snmp] AgentXSocket = \"\": must not "
	  "be empty", NULL },
	{ "snmp", "Traps", "maybe", "[snmp] Traps = maybe: must be true or "
	  "false", NULL },
	{ "snmp", "StateChange", "maybe", "[snmp] StateChange = maybe: must "
	  "be true or false", NULL },
	{ "snmp", "AuthenticationFailure", "2", "[snmp] AuthenticationFailure "
	  "= 2: must be true or false", NULL },
	{ "snmp", "SubnetUtilisationHigh", "", "[snmp] SubnetUtilisationHigh "
	  "= \"\": must be true or false", NULL },
	{ "snmp", "UtilisationHigh", "0", "[snmp] UtilisationHigh = 0: must "
	  "be 1..100", NULL },
	{ "snmp", "UtilisationHigh", "101", "[snmp] UtilisationHigh = 101: "
	  "must be 1..100", NULL },
	{ "snmp", "UtilisationHigh", "95.5", "[snmp] UtilisationHigh = 95.5: "
	  "not a whole number", NULL },
	{ "snmp", "UtilisationHigh", "80", "[snmp] UtilisationHigh = 80: "
	  "must be more than UtilisationNormal (80)", NULL },
	{ "snmp", "UtilisationNormal", "100", "[snmp] UtilisationNormal = "
	  "100: must be 0..99", NULL },
	{ "snmp", "UtilisationNormal", "-1", "[snmp] UtilisationNormal = -1: "
	  "not a number, must be 0..99", NULL },
	{ "snmp", "UtilisationNormal", "90", "[snmp] UtilisationNormal = 90: "
	  "must be less than UtilisationHigh (90)", NULL },
};

static char *
build_ini(const struct bad_case *c)
{
	static const char *const order[] = {
		"server", "failover", "subnet:lan1", "host:h1", "snmp"
	};
	char	*buf;
	size_t	 len;
	FILE	*fp = open_memstream(&buf, &len);

	for (size_t s = 0; s < sizeof(order) / sizeof(order[0]); s++) {
		fprintf(fp, "[%s]\n", order[s]);
		for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
			if (strcmp(base[i].section, order[s]) != 0)
				continue;
			if (strcmp(c->section, order[s]) == 0 &&
			    (strcmp(base[i].key, c->key) == 0 ||
			    (c->drop != NULL &&
			    strcmp(base[i].key, c->drop) == 0)))
				continue;
			fprintf(fp, "%s = %s\n", base[i].key, base[i].value);
		}
		if (strcmp(c->section, order[s]) == 0)
			fprintf(fp, "%s = %s\n", c->key, c->value);
	}
	fclose(fp);
	return buf;
}

static void
base_config_is_valid(void **state)
{
	struct bad_case none = { "none", "none", "", "", NULL };
	struct config cfg;
	char	*text = build_ini(&none);
	(void)state;

	load_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nhosts, 1);
	config_free(&cfg);
}

static void
each_bad_value_has_its_message(void **state)
{
	size_t	 failures = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct config cfg;
		struct config_errors e;
		char	*text = build_ini(c);
		int	 rc;

		rc = config_load_primary(write_ini(text), &cfg, &e);
		free(text);
		if (rc != -1 || e.count != 1 || !has_error(&e, c->expect) ||
		    strncmp(e.msgs[0], tmp_path, strlen(tmp_path)) != 0) {
			print_error("case %zu [%s] %s = %s: rc %d, expected "
			    "one error containing\n    %s\n  got:\n", i,
			    c->section, c->key, c->value, rc, c->expect);
			dump_errors(&e);
			failures++;
		}
		if (rc == 0)
			config_free(&cfg);
		config_errors_free(&e);
	}
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */

static void
all_errors_reported_at_once(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad("[server]\n"
	    "Name = branch1\n"
	    "ServerAddress = 192.0.2.10\n"
	    "DhcpPort = 0\n"
	    "[failover]\n"
	    "SyncBindingBufSize = 10\n"
	    "WaitSyncBindAckSecs = x\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.10-198.51.100.300\n"
	    "LeaseTime = 1\n", &e);
	assert_int_equal(e.count, 5);
	/* In file order, each with its line. */
	assert_non_null(strstr(e.msgs[0], ":4: [server] DhcpPort = 0"));
	assert_non_null(strstr(e.msgs[1], ":6: [failover] SyncBindingBufSize "
	    "= 10: must be 512..4096"));
	assert_non_null(strstr(e.msgs[2], ":7: [failover] WaitSyncBindAckSecs"));
	assert_non_null(strstr(e.msgs[3], ":10: [subnet:lan1] Range"));
	assert_non_null(strstr(e.msgs[4], ":11: [subnet:lan1] LeaseTime = 1"));
	config_errors_free(&e);
}

static void
unknown_keys_rejected(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL
	    "Rnage = 198.51.100.10\n"
	    "[server]\n", &e);
	config_errors_free(&e);

	load_bad("[server]\n"
	    "Nmae = branch1\n"
	    "Colour = blue\n"
	    "ServerAddress = 192.0.2.10\n"
	    "[subnet:lan1]\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.199\n"
	    "LeaseTme = 100\n", &e);
	expect_error(&e, ":2: [server] Nmae = branch1: unknown key (did you "
	    "mean Name?)");
	expect_error(&e, ":3: [server] Colour = blue: unknown key in "
	    "[server]");
	expect_error(&e, ":8: [subnet:lan1] LeaseTme = 100: unknown key (did "
	    "you mean LeaseTime?)");
	/* The misspelt key does not count as the required one. */
	expect_error(&e, "[server] Name: required key is missing");
	assert_int_equal(e.count, 4);
	config_errors_free(&e);
}

static void
unknown_sections_rejected(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL
	    "[sever]\n"
	    "[options]\n"
	    "[subnet]\n"
	    "[host:bad/name]\n"
	    "Address = 198.51.100.9\n"
	    "HardwareAddress = 02:00:00:00:00:09\n", &e);
	expect_error(&e, ":7: [sever]: unknown section (did you mean "
	    "[server]?)");
	expect_error(&e, ":8: [options]: unknown section (expected [server], "
	    "[failover], [snmp], [subnet:NAME], [host:NAME], [class:NAME] or "
	    "[option:NAME])");
	expect_error(&e, ":9: [subnet]: needs a name: [subnet:NAME]");
	expect_error(&e, ":10: [host:bad/name]: the name after ':' must be");
	assert_int_equal(e.count, 4);
	config_errors_free(&e);
}

static void
overlapping_subnets_name_both(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL
	    "[subnet:lan2]\n"
	    "Subnet = 198.51.100.128/25\n"
	    "Range = 198.51.100.200-198.51.100.210\n", &e);
	expect_error(&e, ":8: [subnet:lan2] Subnet = 198.51.100.128/25: "
	    "overlaps [subnet:lan1] (198.51.100.0/24)");
	assert_int_equal(e.count, 1);
	config_errors_free(&e);
}

static void
duplicate_hosts_rejected(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL
	    "[host:a]\n"
	    "HardwareAddress = 02:00:00:00:00:07\n"
	    "Address = 198.51.100.7\n"
	    "[host:b]\n"
	    "HardwareAddress = 02:00:00:00:00:07\n"
	    "Address = 198.51.100.8\n"
	    "[host:c]\n"
	    "ClientId = 01:02:03\n"
	    "Address = 198.51.100.7\n"
	    "[host:d]\n"
	    "ClientId = 01:02:03\n"
	    "Address = 198.51.100.9\n"
	    "[host:e]\n"
	    "HardwareAddress = 02:00:00:00:00:07\n"
	    "Address = 198.51.100.150\n", &e);
	expect_error(&e, "[host:b] HardwareAddress = 02:00:00:00:00:07: also "
	    "used by [host:a]");
	expect_error(&e, "[host:e] HardwareAddress = 02:00:00:00:00:07: also "
	    "used by [host:a]");
	expect_error(&e, "[host:c] Address = 198.51.100.7: also used by "
	    "[host:a]");
	expect_error(&e, "[host:d] ClientId = 01:02:03: also used by "
	    "[host:c]");
	assert_int_equal(e.count, 4);
	config_errors_free(&e);
}

static void
hosts_inside_or_outside_range(void **state)
{
	struct config cfg;
	(void)state;

	/* A reservation may sit in the dynamic range or outside it. */
	load_ok(MINIMAL
	    "[host:in]\n"
	    "HardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.150\n"
	    "[host:out]\n"
	    "HardwareAddress = 02:00:00:00:00:02\n"
	    "Address = 198.51.100.20\n", &cfg);
	assert_int_equal(cfg.nhosts, 2);
	assert_string_equal(cfg.hosts[1].name, "out");
	config_free(&cfg);
}

static void
failover_needs_server_and_key(void **state)
{
	struct config_errors e;
	struct config cfg;
	(void)state;

	load_bad(MINIMAL "[failover]\nUseFailoverServer = true\n", &e);
	expect_error(&e, ":7: [failover] FailoverServer: required when "
	    "UseFailoverServer = true");
	expect_error(&e, ":7: [failover] SharedKeyFile: required when "
	    "UseFailoverServer = true");
	assert_int_equal(e.count, 2);
	config_errors_free(&e);

	/* Set but unused: fine. */
	load_ok(MINIMAL "[failover]\nFailoverServer = 192.0.2.20\n", &cfg);
	assert_false(cfg.failover.use_failover);
	assert_int_equal(cfg.failover.server, A("192.0.2.20"));
	config_free(&cfg);
}

static void
required_keys_and_sections(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad("; nothing here\n", &e);
	expect_error(&e, ": [server] Name: required key is missing");
	expect_error(&e, ": [server] ServerAddress: required key is missing");
	expect_error(&e, ": no [subnet:NAME] section: at least one is "
	    "required");
	assert_int_equal(e.count, 3);
	config_errors_free(&e);

	load_bad("[server]\nName = a\nServerAddress = 192.0.2.1\n"
	    "[subnet:x]\n[host:y]\n", &e);
	expect_error(&e, ":4: [subnet:x] Subnet: required key is missing");
	expect_error(&e, ":4: [subnet:x] Range: required key is missing");
	expect_error(&e, ":5: [host:y] Address: required key is missing");
	expect_error(&e, ":5: [host:y]: HardwareAddress or ClientId is "
	    "required");
	assert_int_equal(e.count, 4);
	config_errors_free(&e);
}

static void
server_address_inside_range_allowed(void **state)
{
	struct config cfg;
	(void)state;

	/* The pool never leases ServerAddress (common/dhcp/pool.c). */
	load_ok("[server]\nName = a\nServerAddress = 198.51.100.150\n"
	    "[subnet:lan1]\nSubnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.199\n", &cfg);
	assert_true(config_subnet_dynamic(&cfg.subnets[0],
	    cfg.server.server_addr));
	config_free(&cfg);
}

static void
exclude_limit(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad("[server]\nName = a\nServerAddress = 192.0.2.1\n"
	    "[subnet:big]\nSubnet = 10.0.0.0/16\n"
	    "Range = 10.0.1.0-10.0.9.255\n"
	    "Exclude = 10.0.2.0-10.0.3.255\n", &e);
	expect_error(&e, "[subnet:big] Exclude = 10.0.2.0-10.0.3.255: covers "
	    "512 addresses, at most 256");
	config_errors_free(&e);
}

static void
syntax_errors_reported(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad("[server]\n"
	    "Name branch1\n"
	    "ServerAddress = 192.0.2.10\n"
	    "[subnet:lan1\n", &e);
	assert_int_equal(e.count, 2);
	assert_true(strncmp(e.msgs[0], tmp_path, strlen(tmp_path)) == 0);
	expect_error(&e, ":2: syntax error: \"Name branch1\" is not a "
	    "[section], Key = value or ; comment");
	expect_error(&e, ":4: syntax error: \"[subnet:lan1\"");
	config_errors_free(&e);
}

static void
structural_errors_reported(void **state)
{
	struct config_errors e;
	char	 longline[2100];
	(void)state;

	load_bad("Name = stray\n" MINIMAL, &e);
	expect_error(&e, ":1: Name: key outside any [section]");
	config_errors_free(&e);

	load_bad(MINIMAL "Range = 198.51.100.10-198.51.100.20\n", &e);
	expect_error(&e, ":7: [subnet:lan1] Range: key appears twice in the "
	    "section (also at line 6)");
	assert_int_equal(e.count, 1);
	config_errors_free(&e);

	load_bad(MINIMAL "[server]\nDhcpPort = 6767\n", &e);
	expect_error(&e, ":7: [server]: section appears twice (first at line "
	    "1); merge them");
	config_errors_free(&e);

	load_bad(MINIMAL "[SubNet:LAN1]\n", &e);
	expect_error(&e, ":7: [subnet:lan1]: section appears twice");
	config_errors_free(&e);

	load_bad(MINIMAL "[]\n", &e);
	expect_error(&e, ":7: []: empty section name");
	config_errors_free(&e);

	load_bad(MINIMAL "Foo:bar = 1\n", &e);
	expect_error(&e, ":7: [subnet:lan1] Foo:bar: ':' is not allowed in a "
	    "key name");
	config_errors_free(&e);

	/* iniparser keys both "subnet:lan1:range": the header takes the
	 * key's value away. */
	load_bad(MINIMAL "[subnet:lan1:range]\n", &e);
	expect_error(&e, ":6: the INI parser read this line differently (is "
	    "a section named like a key?)");
	config_errors_free(&e);

	/* iniparser would silently drop this last line. */
	load_bad(MINIMAL "Exclude = 198.51.100.120 \\", &e);
	expect_error(&e, ":7: the last line ends with '\\' (continued) but "
	    "the file ends there");
	config_errors_free(&e);

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "Name = ", 7);
	{
		char *text;
		assert_true(asprintf(&text, "[server]\n%s\n", longline) > 0);
		load_bad(text, &e);
		free(text);
	}
	expect_error(&e, ":2: line too long (at most 1023 characters)");
	config_errors_free(&e);
}

static void
missing_file_is_clear(void **state)
{
	struct config cfg;
	struct config_errors e;
	(void)state;

	assert_int_equal(config_load_primary("/nonexistent/dir/primary.ini",
	    &cfg, &e), -1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msgs[0], "/nonexistent/dir/primary.ini: cannot "
	    "open: No such file or directory");
	config_errors_free(&e);

	assert_int_equal(config_load_primary("/tmp", &cfg, &e), -1);
	expect_error(&e, "/tmp: cannot read: Is a directory");
	config_errors_free(&e);

	/* errs may be NULL. */
	assert_int_equal(config_load_primary("/nonexistent", &cfg, NULL), -1);
}

static void
error_list_is_capped(void **state)
{
	struct config_errors e;
	char	*text;
	size_t	 len;
	FILE	*fp = open_memstream(&text, &len);
	(void)state;

	fputs(MINIMAL, fp);
	for (int i = 0; i < 300; i++)
		fprintf(fp, "Bogus%d = %d\n", i, i);
	fclose(fp);
	load_bad(text, &e);
	free(text);
	assert_int_equal(e.count, 201);
	assert_non_null(strstr(e.msgs[0], ":7: [subnet:lan1] Bogus0 = 0: "
	    "unknown key"));
	assert_non_null(strstr(e.msgs[200], "too many errors, the rest are "
	    "not shown"));
	config_errors_free(&e);
}

/* Every key in the spec tables is documented in the samples and docs. */
static char *
slurp(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf;
	long	 n;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

/* [snmp]: defaults, and each switch lands on its notification's number. */
static void
snmp_switches_and_thresholds(void **state)
{
	/* In DHCPFO-MIB order: dhcpfoNotifications.1 .. .17. */
	static const char *const names[] = {
		"StateChange", "PrimaryNotResponding", "PrimaryResponding",
		"TakeoverStarted", "TakeoverEnded", "HandbackStarted",
		"HandbackCompleted", "HandbackFailed", "SyncCompleted",
		"SyncFailed", "BindingUpdateFailed", "ConfigMismatch",
		"SubnetUtilisationHigh", "SubnetUtilisationNormal",
		"DuplicateAddress", "AuthenticationFailure",
		"FailoverShareExhausted",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) ==
	    CFG_SNMP_NOTIFY_MAX - 1, "a name for every switch");
	struct config cfg;
	char	 text[512];
	(void)state;

	load_ok(MINIMAL "[snmp]\n", &cfg);
	assert_true(cfg.snmp.present);
	assert_true(cfg.snmp.traps);
	for (int k = 1; k < CFG_SNMP_NOTIFY_MAX; k++)
		assert_true(cfg.snmp.notify[k]);
	assert_int_equal(cfg.snmp.util_high, 90);
	assert_int_equal(cfg.snmp.util_normal, 80);
	config_free(&cfg);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), MINIMAL "[snmp]\n%s = off\n",
		    names[i]);
		load_ok(text, &cfg);
		for (int k = 1; k < CFG_SNMP_NOTIFY_MAX; k++)
			if (cfg.snmp.notify[k] != ((size_t)k != i + 1))
				fail_msg("%s = off: switch %d is %d", names[i],
				    k, cfg.snmp.notify[k]);
		config_free(&cfg);
	}

	load_ok(MINIMAL "[snmp]\nTraps = no\nUtilisationHigh = 100\n"
	    "UtilisationNormal = 0\n", &cfg);
	assert_false(cfg.snmp.traps);
	assert_int_equal(cfg.snmp.util_high, 100);
	assert_int_equal(cfg.snmp.util_normal, 0);
	config_free(&cfg);
	/* Keys are case-insensitive like every other. */
	load_ok(MINIMAL "[snmp]\nutilisationhigh = 60\n"
	    "UTILISATIONNORMAL = 40\n", &cfg);
	assert_int_equal(cfg.snmp.util_high, 60);
	assert_int_equal(cfg.snmp.util_normal, 40);
	config_free(&cfg);
}

/* The order check names both keys, once, and only on valid values. */
static void
snmp_threshold_order(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL "[snmp]\nUtilisationHigh = 50\n"
	    "UtilisationNormal = 60\n", &e);
	assert_int_equal(e.count, 1);
	expect_error(&e, ":9: [snmp] UtilisationNormal = 60: must be less "
	    "than UtilisationHigh (50)");
	config_errors_free(&e);

	/* A bad High is reported alone: no second message about order. */
	load_bad(MINIMAL "[snmp]\nUtilisationHigh = abc\n"
	    "UtilisationNormal = 95\n", &e);
	assert_int_equal(e.count, 1);
	expect_error(&e, ":8: [snmp] UtilisationHigh = abc: not a number");
	config_errors_free(&e);

	/* No [snmp] section: the defaults, nothing to report. */
	{
		struct config cfg;

		load_ok(MINIMAL, &cfg);
		assert_false(cfg.snmp.present);
		assert_int_equal(cfg.snmp.util_high, 90);
		config_free(&cfg);
	}
}

static void
every_key_documented(void **state)
{
	static const char *const kinds[] = {
		"server", "failover", "subnet", "host", "snmp"
	};
	char	*ini = slurp("etc/primary.ini");
	char	*doc = slurp("docs/config-primary.md");
	size_t	 missing = 0;
	(void)state;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t	 n;
		const struct cfg_spec *sp = config_primary_specs(kinds[k], &n);

		assert_non_null(sp);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			char	 line[64], row[64];
			snprintf(line, sizeof(line), "\n%s ", sp[i].key);
			snprintf(row, sizeof(row), "`%s`", sp[i].key);
			if (strstr(ini, line) == NULL) {
				print_error("etc/primary.ini lacks %s\n",
				    sp[i].key);
				missing++;
			}
			if (strstr(doc, row) == NULL) {
				print_error("docs/config-primary.md lacks %s\n",
				    row);
				missing++;
			}
			assert_non_null(sp[i].meaning);
		}
	}
	assert_null(config_primary_specs("nosuch", &(size_t){ 0 }));
	free(ini);
	free(doc);
	assert_int_equal(missing, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(sample_primary_ini_loads, teardown),
		cmocka_unit_test_teardown(minimal_sample_gets_defaults,
		    teardown),
		cmocka_unit_test_teardown(fractions_and_zero_default, teardown),
		cmocka_unit_test_teardown(long_lease_raises_default_max,
		    teardown),
		cmocka_unit_test_teardown(keys_and_sections_case_insensitive,
		    teardown),
		cmocka_unit_test_teardown(ini_syntax_details, teardown),
		cmocka_unit_test_teardown(lookups, teardown),
		cmocka_unit_test_teardown(metrics_listen_values, teardown),
		cmocka_unit_test_teardown(base_config_is_valid, teardown),
		cmocka_unit_test_teardown(each_bad_value_has_its_message,
		    teardown),
		cmocka_unit_test_teardown(all_errors_reported_at_once,
		    teardown),
		cmocka_unit_test_teardown(unknown_keys_rejected, teardown),
		cmocka_unit_test_teardown(unknown_sections_rejected, teardown),
		cmocka_unit_test_teardown(overlapping_subnets_name_both,
		    teardown),
		cmocka_unit_test_teardown(duplicate_hosts_rejected, teardown),
		cmocka_unit_test_teardown(hosts_inside_or_outside_range,
		    teardown),
		cmocka_unit_test_teardown(failover_needs_server_and_key,
		    teardown),
		cmocka_unit_test_teardown(required_keys_and_sections, teardown),
		cmocka_unit_test_teardown(server_address_inside_range_allowed,
		    teardown),
		cmocka_unit_test_teardown(exclude_limit, teardown),
		cmocka_unit_test_teardown(syntax_errors_reported, teardown),
		cmocka_unit_test_teardown(structural_errors_reported,
		    teardown),
		cmocka_unit_test_teardown(missing_file_is_clear, teardown),
		cmocka_unit_test_teardown(error_list_is_capped, teardown),
		cmocka_unit_test_teardown(snmp_switches_and_thresholds,
		    teardown),
		cmocka_unit_test_teardown(snmp_threshold_order, teardown),
		cmocka_unit_test_teardown(every_key_documented, teardown),
		cmocka_unit_test_teardown(safety_keys_inherit, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
