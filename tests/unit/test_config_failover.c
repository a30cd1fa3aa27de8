/*
 * Unit tests: failover/fod_config.c (failover.ini loader).
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

#include "fod_config.h"
#include "fo_codec.h"

#define INI_TMP_TEMPLATE	"/tmp/test_focfg.XXXXXX"
#include "ini_testutil.h"

static void
dump_msgs(const char *what, char **msgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		print_message("  %s: %s\n", what, msgs[i]);
}

static void
load_ok(const char *text, struct fod_config *cfg)
{
	struct config_errors e;

	if (config_load_failover(write_ini(text), cfg, &e) != 0) {
		dump_msgs("error", e.msgs, e.count);
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
	struct fod_config cfg;

	assert_int_equal(config_load_failover(write_ini(text), &cfg, e), -1);
	/* On failure nothing is left to free. */
	assert_int_equal(cfg.nprimaries, 0);
	assert_null(cfg.primaries);
	assert_null(cfg.warnings);
	assert_int_equal(cfg.nwarnings, 0);
	assert_true(e->count > 0);
}

static bool
has_msg(char **msgs, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(msgs[i], needle) != NULL)
			return true;
	return false;
}

static void
expect_error(const struct config_errors *e, const char *needle)
{
	if (!has_msg(e->msgs, e->count, needle)) {
		dump_msgs("error", e->msgs, e->count);
		fail_msg("no error containing: %s", needle);
	}
}

/* Exactly one error, containing needle. */
static void
expect_only(const char *text, const char *needle)
{
	struct config_errors e;

	load_bad(text, &e);
	if (e.count != 1 || !has_msg(e.msgs, e.count, needle)) {
		dump_msgs("error", e.msgs, e.count);
		fail_msg("expected only an error containing: %s", needle);
	}
	config_errors_free(&e);
}

#define SERVER \
	"[server]\n" \
	"Name = hub1\n" \
	"ServerAddress = 192.0.2.20\n"

#define PRIMARY(name, addr) \
	"[primary:" name "]\n" \
	"Address = " addr "\n" \
	"SharedKeyFile = /etc/dhcpfo/" name ".key\n"

#define SUBNET(name, primary, net, range) \
	"[subnet:" name "]\n" \
	"Primary = " primary "\n" \
	"Subnet = " net "\n" \
	"Range = " range "\n"

#define MINIMAL \
	SERVER \
	PRIMARY("b1", "192.0.2.10") \
	SUBNET("lan1", "b1", "198.51.100.0/24", \
	    "198.51.100.100-198.51.100.199")

#define TWO \
	MINIMAL \
	PRIMARY("b2", "192.0.2.11") \
	SUBNET("lan2", "b2", "203.0.113.0/24", "203.0.113.100-203.0.113.199")

/* ------------------------------------------------------------------ */

static void
sample_failover_ini_loads(void **state)
{
	struct fod_config cfg;
	struct config_errors e;
	const struct cfg_fo_primary *p;
	const struct config *v;
	(void)state;

	if (config_load_failover("etc/failover.ini", &cfg, &e) != 0) {
		dump_msgs("error", e.msgs, e.count);
		fail_msg("etc/failover.ini did not load");
	}
	config_errors_free(&e);
	if (cfg.nwarnings != 0)
		dump_msgs("warning", cfg.warnings, cfg.nwarnings);
	assert_int_equal(cfg.nwarnings, 0);
	assert_string_equal(cfg.path, "etc/failover.ini");
	assert_string_equal(cfg.server.name, "hub1");
	assert_int_equal(cfg.server.server_addr, A("192.0.2.20"));
	assert_int_equal(cfg.server.ninterfaces, 0);
	assert_int_equal(cfg.server.dhcp_port, 67);
	assert_string_equal(cfg.server.state_dir, "/var/lib/dhcpfo");
	assert_string_equal(cfg.server.control_socket,
	    "/run/dhcpfo/failover.sock");
	assert_string_equal(cfg.server.pid_file, "/run/dhcpfo/failover.pid");
	assert_int_equal(cfg.server.ping_send_delay_ms, 500);
	assert_int_equal(cfg.failover_port, 647);
	assert_int_equal(cfg.max_primaries, 5);
	assert_true(cfg.snmp.present);
	assert_true(cfg.snmp.traps);
	for (int k = 1; k < CFG_SNMP_NOTIFY_MAX; k++)
		assert_true(cfg.snmp.notify[k]);
	assert_int_equal(cfg.snmp.util_high, 90);
	assert_int_equal(cfg.snmp.util_normal, 80);

	/* [failover] defaults. */
	assert_true(cfg.defaults.poll_delay == 60);
	assert_int_equal(cfg.defaults.poll_retry_max, 3);
	assert_true(cfg.defaults.wait_poll_rpl == 5);
	assert_true(cfg.defaults.sync_bindings);
	assert_false(cfg.defaults.sync_fail_critical);
	assert_int_equal(cfg.defaults.sync_req_retry_max, 3);
	assert_true(cfg.defaults.wait_sync_start == 5);
	assert_int_equal(cfg.defaults.sync_bind_retry_max, 3);
	assert_int_equal(cfg.defaults.sync_binding_buf_size, 1024);
	assert_true(cfg.defaults.wait_sync_bind_ack == 5);
	assert_true(cfg.defaults.wait_sync_bind_update == 5);
	assert_true(cfg.defaults.takeover_ping_check);

	assert_int_equal(cfg.nprimaries, 3);
	p = &cfg.primaries[0];
	assert_string_equal(p->name, "branch1");
	assert_int_equal(p->id, fo_primary_id("Branch1"));
	assert_int_equal(p->addr, A("192.0.2.10"));
	assert_int_equal(p->port, 647);
	assert_string_equal(p->key_file, "/etc/dhcpfo/branch1.key");
	assert_true(p->policy.poll_delay == 0.5);
	assert_int_equal(p->policy.poll_retry_max, 2);
	assert_true(p->policy.wait_poll_rpl == 0.25);
	assert_true(fod_policy_detect_secs(&p->policy) == 1.25);
	assert_int_equal(p->policy.sync_binding_buf_size, 1024);
	v = &p->view;
	assert_int_equal(v->nsubnets, 2);
	assert_string_equal(v->subnets[0].name, "lan1");
	assert_string_equal(v->subnets[0].primary, "branch1");
	assert_int_equal(v->subnets[0].nexcludes, 4);
	assert_string_equal(v->subnets[1].name, "lab");
	assert_int_equal(v->nhosts, 2);
	assert_string_equal(v->hosts[0].name, "printer7");
	assert_string_equal(v->hosts[1].name, "cam1");
	assert_int_equal(v->hosts[1].cid_len, 7);
	assert_true(v->server.ping_before_assign);
	assert_string_equal(v->server.name, "hub1");
	assert_string_equal(v->path, "etc/failover.ini");
	assert_false(v->failover.use_failover);
	assert_true(v->snmp.present);

	p = &cfg.primaries[1];
	assert_string_equal(p->name, "branch2");
	assert_int_equal(p->port, 647);
	assert_memory_equal(&p->policy, &cfg.defaults, sizeof(p->policy));
	assert_true(fod_policy_detect_secs(&p->policy) == 80);
	assert_int_equal(p->view.nsubnets, 1);
	assert_string_equal(p->view.subnets[0].name, "shop");
	assert_int_equal(p->view.nhosts, 1);
	assert_string_equal(p->view.hosts[0].name, "till1");

	p = &cfg.primaries[2];
	assert_string_equal(p->name, "branch3");
	assert_int_equal(p->port, 1647);
	assert_true(p->policy.poll_delay == 120);
	assert_int_equal(p->policy.poll_retry_max, 3);
	assert_true(p->policy.wait_poll_rpl == 10);
	assert_true(p->policy.wait_sync_start == 30);
	assert_int_equal(p->policy.sync_req_retry_max, 5);
	assert_false(p->policy.sync_fail_critical);
	assert_int_equal(p->policy.sync_binding_buf_size, 2048);
	assert_false(p->policy.takeover_ping_check);
	assert_false(p->view.server.ping_before_assign);
	/* branch3 learns its subnets and hosts from the primary. */
	assert_true(p->learns);
	assert_false(cfg.primaries[0].learns);
	assert_int_equal(p->view.nsubnets, 0);
	assert_int_equal(p->view.nhosts, 0);
	fod_config_free(&cfg);
	assert_null(cfg.primaries);
	fod_config_free(&cfg);		/* twice is harmless */
}

static void
minimal_sample_gets_defaults(void **state)
{
	struct fod_config cfg;
	struct config_errors e;
	const struct cfg_fo_primary *p;
	(void)state;

	if (config_load_failover("etc/failover-minimal.ini", &cfg, &e) != 0) {
		dump_msgs("error", e.msgs, e.count);
		fail_msg("etc/failover-minimal.ini did not load");
	}
	config_errors_free(&e);
	assert_int_equal(cfg.nwarnings, 0);
	assert_int_equal(cfg.failover_port, 647);
	assert_int_equal(cfg.max_primaries, 5);
	assert_int_equal(cfg.server.dhcp_port, 67);
	assert_int_equal(cfg.server.ping_attempts, 1);
	assert_int_equal(cfg.server.commit_batch_max, 256);
	assert_true(cfg.server.authoritative);
	assert_string_equal(cfg.server.log_facility, "daemon");
	assert_string_equal(cfg.server.control_socket,
	    "/run/dhcpfo/failover.sock");
	assert_string_equal(cfg.server.pid_file, "/run/dhcpfo/failover.pid");
	assert_false(cfg.snmp.present);
	assert_string_equal(cfg.snmp.agentx_socket, "/var/agentx/master");
	assert_int_equal(cfg.nprimaries, 1);
	p = &cfg.primaries[0];
	assert_int_equal(p->port, 647);
	assert_memory_equal(&p->policy, &cfg.defaults, sizeof(p->policy));
	assert_true(p->policy.poll_delay == 60);
	assert_int_equal(p->policy.sync_binding_buf_size, 1024);
	assert_true(p->policy.takeover_ping_check);
	/* The four-line primary: it learns everything else. */
	assert_true(p->learns);
	assert_int_equal(p->view.nsubnets, 0);
	assert_int_equal(p->view.nhosts, 0);
	assert_null(p->view.hosts);
	fod_config_free(&cfg);
}

/* Overrides apply to their primary only; fractions; 0 meanings. */
static void
overrides_and_defaults(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_policy *d, *p1, *p2, *p3;
	(void)state;

	load_ok(SERVER
	    "[failover]\n"
	    "PollDelay = 30\n"
	    "PollRetryMax = 5\n"
	    "WaitPollRplSecs = 2.5\n"
	    "SyncBindings = no\n"
	    "TakeoverPingCheck = off\n"
	    "WaitSyncBindAckSecs = 0.01\n"
	    PRIMARY("b1", "192.0.2.10")
	    "PollDelay = 0.125\n"
	    "WaitPollRplSecs = 0\n"
	    "WaitSyncStartSecs = 0\n"
	    "takeoverpingcheck = YES\n"
	    PRIMARY("B2", "192.0.2.11")
	    "Port = 6470\n"
	    "SyncBindingBufSize = 4096\n"
	    "SyncReqRetryMax = 0\n"
	    "SyncBindRetryMax = 10\n"
	    "WaitSyncBindUpdateSecs = 3600\n"
	    "SyncFailCritical = 1\n"
	    PRIMARY("b3", "192.0.2.12")
	    SUBNET("lan1", "B1", "198.51.100.0/25", "198.51.100.10-198.51.100.20")
	    SUBNET("lan2", "b2", "198.51.100.128/25",
	    "198.51.100.130-198.51.100.140")
	    SUBNET("lan3", "b3", "203.0.113.0/24", "203.0.113.10-203.0.113.20"),
	    &cfg);
	d = &cfg.defaults;
	assert_true(d->poll_delay == 30);
	assert_int_equal(d->poll_retry_max, 5);
	assert_true(d->wait_poll_rpl == 2.5);
	assert_false(d->sync_bindings);
	assert_false(d->takeover_ping_check);
	assert_true(d->wait_sync_bind_ack == 0.01);
	assert_true(d->wait_sync_start == 5);

	p1 = &cfg.primaries[0].policy;
	assert_true(p1->poll_delay == 0.125);
	assert_int_equal(p1->poll_retry_max, 5);	/* inherited */
	assert_true(p1->wait_poll_rpl == 5);		/* 0: the default */
	assert_true(p1->wait_sync_start == 0);		/* 0: forever */
	assert_true(p1->takeover_ping_check);
	assert_false(p1->sync_bindings);
	assert_true(p1->wait_sync_bind_ack == 0.01);
	assert_true(cfg.primaries[0].view.server.ping_before_assign);

	p2 = &cfg.primaries[1].policy;
	assert_string_equal(cfg.primaries[1].name, "b2");
	assert_int_equal(cfg.primaries[1].port, 6470);
	assert_int_equal(p2->sync_binding_buf_size, 4096);
	assert_int_equal(p2->sync_req_retry_max, 0);
	assert_int_equal(p2->sync_bind_retry_max, 10);
	assert_true(p2->wait_sync_bind_update == 3600);
	assert_true(p2->sync_fail_critical);
	assert_true(p2->poll_delay == 30);
	assert_false(p2->takeover_ping_check);
	assert_false(cfg.primaries[1].view.server.ping_before_assign);

	p3 = &cfg.primaries[2].policy;
	assert_memory_equal(p3, d, sizeof(*p3));
	/* The Primary value is stored as the section spells it. */
	assert_string_equal(cfg.primaries[0].view.subnets[0].primary, "b1");
	fod_config_free(&cfg);
}

/* Sections may come in any order: Primary may name a later section. */
static void
section_order_is_free(void **state)
{
	struct fod_config cfg;
	(void)state;

	load_ok("[subnet:lan1]\n"
	    "Primary = b1\n"
	    "Subnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.10-198.51.100.20\n"
	    "[host:h1]\n"
	    "Primary = b1\n"
	    "HardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.5\n"
	    PRIMARY("b1", "192.0.2.10")
	    SERVER, &cfg);
	assert_int_equal(cfg.nprimaries, 1);
	assert_int_equal(cfg.primaries[0].view.nhosts, 1);
	fod_config_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* One bad value, one error: table-driven over the keys.               */

struct bad_case {
	const char	*section, *key, *value;
	const char	*expect;	/* substring of the only message */
};

static const struct bad_case bad_cases[] = {
	{ "server", "Name", "a b", "[server] Name = \"a b\": must be 1..63 "
	  "characters" },
	{ "server", "ServerAddress", "224.0.0.1", "[server] ServerAddress = "
	  "224.0.0.1: must be a unicast address" },
	{ "server", "DhcpPort", "65535", "[server] DhcpPort = 65535: must be "
	  "1..65534" },
	{ "server", "ControlSocket", "run/x.sock", "[server] ControlSocket = "
	  "run/x.sock: must be an absolute path" },
	{ "server", "PingSendDelay", "0", "[server] PingSendDelay = 0: must "
	  "be 1..10000" },
	{ "server", "LogFacility", "local9", "[server] LogFacility = local9: "
	  "must be one of daemon, local0" },
	{ "server", "FailoverPort", "0", "[server] FailoverPort = 0: must be "
	  "1..65535" },
	{ "server", "FailoverPort", "65536", "[server] FailoverPort = 65536: "
	  "must be 1..65535" },
	{ "server", "FailoverPort", "6.5", "[server] FailoverPort = 6.5: not "
	  "a whole number, must be 1..65535" },
	{ "server", "MaxPrimaries", "0", "[server] MaxPrimaries = 0: must be "
	  "1..64" },
	{ "server", "MaxPrimaries", "65", "[server] MaxPrimaries = 65: must "
	  "be 1..64" },
	{ "server", "PingBeforeAssign", "true", "[server] PingBeforeAssign = "
	  "true: not a failover.ini key: in takeover the failover pings before "
	  "granting an address when TakeoverPingCheck = true" },
	{ "server", "PollDelay", "1", "[server] PollDelay = 1: belongs in "
	  "[failover]" },
	{ "server", "Nmae", "x", "[server] Nmae = x: unknown key (did you "
	  "mean Name?)" },

	{ "failover", "PollDelay", "86401", "[failover] PollDelay = 86401: "
	  "must be 0..86400 seconds" },
	{ "failover", "PollDelay", "-1", "[failover] PollDelay = -1: not a "
	  "number, must be 0..86400 seconds" },
	{ "failover", "PollDelay", "1e3", "[failover] PollDelay = 1e3: not a "
	  "number" },
	{ "failover", "PollRetryMax", "11", "[failover] PollRetryMax = 11: "
	  "must be 0..10" },
	{ "failover", "PollRetryMax", "1.5", "[failover] PollRetryMax = 1.5: "
	  "not a whole number, must be 0..10" },
	{ "failover", "WaitPollRplSecs", "3601", "[failover] WaitPollRplSecs "
	  "= 3601: must be 0..3600 seconds (0: the default, 5)" },
	{ "failover", "SyncBindings", "maybe", "[failover] SyncBindings = "
	  "maybe: must be true or false" },
	{ "failover", "SyncFailCritical", "2", "[failover] SyncFailCritical "
	  "= 2: must be true or false" },
	{ "failover", "SyncReqRetryMax", "11", "[failover] SyncReqRetryMax = "
	  "11: must be 0..10" },
	{ "failover", "WaitSyncStartSecs", "3600.5", "[failover] "
	  "WaitSyncStartSecs = 3600.5: must be 0..3600 seconds" },
	{ "failover", "SyncBindRetryMax", "100", "[failover] SyncBindRetryMax "
	  "= 100: must be 0..10" },
	{ "failover", "SyncBindingBufSize", "511", "[failover] "
	  "SyncBindingBufSize = 511: must be 512..4096" },
	{ "failover", "SyncBindingBufSize", "4097", "[failover] "
	  "SyncBindingBufSize = 4097: must be 512..4096" },
	{ "failover", "WaitSyncBindAckSecs", "0", "[failover] "
	  "WaitSyncBindAckSecs = 0: must be 0.01..3600 seconds" },
	{ "failover", "WaitSyncBindUpdateSecs", "0.001", "[failover] "
	  "WaitSyncBindUpdateSecs = 0.001: must be 0.01..3600 seconds" },
	{ "failover", "TakeoverPingCheck", "", "[failover] TakeoverPingCheck "
	  "= \"\": must be true or false" },
	{ "failover", "PingBeforeAssign", "false", "[failover] "
	  "PingBeforeAssign = false: not a failover.ini key" },
	{ "failover", "UseFailoverServer", "true", "[failover] "
	  "UseFailoverServer = true: a primary.ini key; failover.ini names "
	  "each primary in a [primary:NAME] section" },
	{ "failover", "CtlReqRetryMax", "3", "[failover] CtlReqRetryMax = 3: "
	  "a primary.ini key" },
	{ "failover", "FailoverPort", "647", "[failover] FailoverPort = 647: "
	  "belongs in [server]" },
	{ "failover", "SharedKeyFile", "/k", "[failover] SharedKeyFile = /k: "
	  "set per primary, in its [primary:NAME] section" },
	{ "failover", "MaxPrimaries", "3", "[failover] MaxPrimaries = 3: "
	  "belongs in [server]" },
	{ "failover", "PolDelay", "3", "[failover] PolDelay = 3: unknown key "
	  "(did you mean PollDelay?)" },

	{ "primary:b1", "Address", "192.0.2.300", "[primary:b1] Address = "
	  "192.0.2.300: not an IPv4 address" },
	{ "primary:b1", "Address", "0.0.0.0", "[primary:b1] Address = "
	  "0.0.0.0: must be a unicast address" },
	{ "primary:b1", "Address", "", "[primary:b1] Address = \"\": not an "
	  "IPv4 address" },
	{ "primary:b1", "Port", "0", "[primary:b1] Port = 0: must be "
	  "1..65535" },
	{ "primary:b1", "SharedKeyFile", "b1.key", "[primary:b1] "
	  "SharedKeyFile = b1.key: must be an absolute path" },
	{ "primary:b1", "SharedKeyFile", "", "[primary:b1] SharedKeyFile = "
	  "\"\": must be an absolute path" },
	{ "primary:b1", "PollDelay", "x", "[primary:b1] PollDelay = x: not a "
	  "number, must be 0..86400 seconds" },
	{ "primary:b1", "PollRetryMax", "11", "[primary:b1] PollRetryMax = "
	  "11: must be 0..10" },
	{ "primary:b1", "WaitPollRplSecs", "3601", "[primary:b1] "
	  "WaitPollRplSecs = 3601: must be 0..3600 seconds" },
	{ "primary:b1", "SyncBindingBufSize", "10", "[primary:b1] "
	  "SyncBindingBufSize = 10: must be 512..4096" },
	{ "primary:b1", "WaitSyncBindAckSecs", "0", "[primary:b1] "
	  "WaitSyncBindAckSecs = 0: must be 0.01..3600 seconds" },
	{ "primary:b1", "TakeoverPingCheck", "sometimes", "[primary:b1] "
	  "TakeoverPingCheck = sometimes: must be true or false" },
	{ "primary:b1", "PingBeforeAssign", "true", "[primary:b1] "
	  "PingBeforeAssign = true: not a failover.ini key" },
	{ "primary:b1", "FailoverServer", "192.0.2.20", "[primary:b1] "
	  "FailoverServer = 192.0.2.20: a primary.ini key; here the "
	  "primary's address is Address" },
	{ "primary:b1", "FailoverPort", "647", "[primary:b1] FailoverPort = "
	  "647: belongs in [server]" },
	{ "primary:b1", "Adress", "192.0.2.10", "[primary:b1] Adress = "
	  "192.0.2.10: unknown key (did you mean Address?)" },

	{ "subnet:lan1", "Primary", "b 1", "[subnet:lan1] Primary = \"b 1\": "
	  "must be 1..63 characters" },
	{ "subnet:lan1", "Primary", "b9", "[subnet:lan1] Primary = b9: no "
	  "[primary:b9] section (did you mean b1?)" },
	{ "subnet:lan1", "Primary", "elsewhere", "[subnet:lan1] Primary = "
	  "elsewhere: no [primary:elsewhere] section" },
	{ "subnet:lan1", "LeaseTime", "1", "[subnet:lan1] LeaseTime = 1: "
	  "must be 60..31536000" },
	{ "subnet:lan1", "Subnet", "198.51.100.1/24", "[subnet:lan1] Subnet = "
	  "198.51.100.1/24: host bits are set" },

	{ "host:h1", "Primary", "", "[host:h1] Primary = \"\": must be 1..63 "
	  "characters" },
	{ "host:h1", "Primary", "b7", "[host:h1] Primary = b7: no "
	  "[primary:b7] section" },
	{ "host:h1", "Address", "203.0.113.5", "[host:h1] Address = "
	  "203.0.113.5: not inside any [subnet:NAME] of [primary:b1]" },
	{ "host:h1", "Address", "198.51.100.0", "[host:h1] Address = "
	  "198.51.100.0: is the network or broadcast address of "
	  "[subnet:lan1]" },
	{ "host:h1", "HardwareAddress", "02:00", "[host:h1] HardwareAddress = "
	  "02:00: must be six hex bytes" },

	{ "snmp", "Traps", "maybe", "[snmp] Traps = maybe: must be true or "
	  "false" },
	{ "snmp", "ConfigMismatch", "perhaps", "[snmp] ConfigMismatch = "
	  "perhaps: must be true or false" },
	{ "snmp", "UtilisationHigh", "0", "[snmp] UtilisationHigh = 0: must "
	  "be 1..100" },
	{ "snmp", "UtilisationNormal", "99.5", "[snmp] UtilisationNormal = "
	  "99.5: not a whole number" },
	{ "snmp", "UtilisationNormal", "95", "[snmp] UtilisationNormal = 95: "
	  "must be less than UtilisationHigh (90)" },
};

/* The base file: every section, valid; case c replaces or adds a key. */
static char *
build_ini(const struct bad_case *c)
{
	static const struct {
		const char	*section, *key, *value;
	} base[] = {
		{ "server", "Name", "hub1" },
		{ "server", "ServerAddress", "192.0.2.20" },
		{ "failover", "PollDelay", "60" },
		{ "primary:b1", "Address", "192.0.2.10" },
		{ "primary:b1", "SharedKeyFile", "/etc/dhcpfo/b1.key" },
		{ "subnet:lan1", "Primary", "b1" },
		{ "subnet:lan1", "Subnet", "198.51.100.0/24" },
		{ "subnet:lan1", "Range", "198.51.100.100-198.51.100.199" },
		{ "host:h1", "Primary", "b1" },
		{ "host:h1", "HardwareAddress", "02:00:00:00:00:01" },
		{ "host:h1", "Address", "198.51.100.7" },
		{ "snmp", "Traps", "true" },
	};
	static const char *const order[] = {
		"server", "failover", "primary:b1", "subnet:lan1", "host:h1",
		"snmp"
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
			    strcmp(base[i].key, c->key) == 0)
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
	struct bad_case none = { "none", "none", "", "" };
	struct fod_config cfg;
	char	*text = build_ini(&none);
	(void)state;

	load_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nprimaries, 1);
	assert_int_equal(cfg.primaries[0].view.nhosts, 1);
	fod_config_free(&cfg);
}

static void
each_bad_value_has_its_message(void **state)
{
	size_t	 failures = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct fod_config cfg;
		struct config_errors e;
		char	*text = build_ini(c);
		int	 rc;

		rc = config_load_failover(write_ini(text), &cfg, &e);
		free(text);
		if (rc != -1 || e.count != 1 ||
		    !has_msg(e.msgs, e.count, c->expect) ||
		    strncmp(e.msgs[0], tmp_path, strlen(tmp_path)) != 0 ||
		    cfg.primaries != NULL) {
			print_error("case %zu [%s] %s = %s: rc %d, expected "
			    "one error containing\n    %s\n  got:\n", i,
			    c->section, c->key, c->value, rc, c->expect);
			dump_msgs("error", e.msgs, e.count);
			failures++;
		}
		if (rc == 0)
			fod_config_free(&cfg);
		config_errors_free(&e);
	}
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ */
/* Cross-checks                                                        */

/* n primaries b1..bn at 192.0.2.(10+i), each with a /28 of 198.51.100. */
static char *
n_primaries(size_t n, const char *server_extra)
{
	char	*buf;
	size_t	 len;
	FILE	*fp = open_memstream(&buf, &len);

	fprintf(fp, SERVER "%s", server_extra);
	for (size_t i = 1; i <= n; i++)
		fprintf(fp, "[primary:b%zu]\nAddress = 192.0.2.%zu\n"
		    "SharedKeyFile = /etc/dhcpfo/b%zu.key\n"
		    "[subnet:lan%zu]\nPrimary = b%zu\n"
		    "Subnet = 198.51.100.%zu/28\n"
		    "Range = 198.51.100.%zu-198.51.100.%zu\n",
		    i, 10 + i, i, i, i, 16 * i, 16 * i + 2, 16 * i + 10);
	fclose(fp);
	return buf;
}

static void
max_primaries_above_five_warns(void **state)
{
	struct fod_config cfg;
	char	*text = n_primaries(6, "MaxPrimaries = 6\n");
	(void)state;

	load_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nprimaries, 6);
	assert_int_equal(cfg.max_primaries, 6);
	if (cfg.nwarnings != 1)
		dump_msgs("warning", cfg.warnings, cfg.nwarnings);
	assert_int_equal(cfg.nwarnings, 1);
	assert_non_null(strstr(cfg.warnings[0], "[server] MaxPrimaries = 6: "
	    "more than the recommended 5 primaries"));
	assert_non_null(strstr(cfg.warnings[0], "processing power"));
	assert_non_null(strstr(cfg.warnings[0], "thread"));
	assert_non_null(strstr(cfg.warnings[0], "context switches"));
	assert_int_equal(strncmp(cfg.warnings[0], tmp_path, strlen(tmp_path)),
	    0);
	/* Views are separate: each has its one subnet. */
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(cfg.primaries[i].view.nsubnets, 1);
		assert_ptr_not_equal(cfg.primaries[i].view.subnets,
		    cfg.primaries[(i + 1) % 6].view.subnets);
	}
	fod_config_free(&cfg);

	/* 64 is the limit, and loads; 5 primaries with default: silent. */
	text = n_primaries(5, "");
	load_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nwarnings, 0);
	fod_config_free(&cfg);
	text = n_primaries(1, "MaxPrimaries = 64\n");
	load_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nwarnings, 1);
	fod_config_free(&cfg);
}

static void
too_many_primaries_is_an_error(void **state)
{
	char	*text = n_primaries(6, "");
	char	*text2 = n_primaries(3, "MaxPrimaries = 2\n");
	(void)state;

	expect_only(text, "[server] MaxPrimaries: 6 [primary:NAME] sections, "
	    "more than MaxPrimaries (5)");
	expect_only(text2, "[server] MaxPrimaries = 2: 3 [primary:NAME] "
	    "sections, more than MaxPrimaries (2)");
	free(text);
	free(text2);
}

static void
overlapping_subnets_name_both(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(MINIMAL
	    PRIMARY("b2", "192.0.2.11")
	    SUBNET("lan2", "b2", "198.51.100.128/25",
	    "198.51.100.130-198.51.100.140"), &e);
	assert_int_equal(e.count, 1);
	expect_error(&e, "[subnet:lan2] Subnet = 198.51.100.128/25: overlaps "
	    "[subnet:lan1] (198.51.100.0/24, of [primary:b1])");
	config_errors_free(&e);

	/* Within one primary: as in primary.ini. */
	expect_only(MINIMAL
	    SUBNET("lan2", "b1", "198.51.100.0/25",
	    "198.51.100.10-198.51.100.20"),
	    "[subnet:lan2] Subnet = 198.51.100.0/25: overlaps [subnet:lan1] "
	    "(198.51.100.0/24)");
}

static void
subnet_and_host_need_a_known_primary(void **state)
{
	struct config_errors e;
	(void)state;

	/* A typo: one message with a hint, no "b1 has no subnet" noise. */
	expect_only(SERVER
	    PRIMARY("branch1", "192.0.2.10")
	    SUBNET("lan1", "brnach1", "198.51.100.0/24",
	    "198.51.100.10-198.51.100.20"),
	    "[subnet:lan1] Primary = brnach1: no [primary:brnach1] section "
	    "(did you mean branch1?)");
	/* Missing Primary. */
	expect_only(SERVER
	    PRIMARY("b1", "192.0.2.10")
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.10-198.51.100.20")
	    "[subnet:lan2]\n"
	    "Subnet = 203.0.113.0/24\n"
	    "Range = 203.0.113.10-203.0.113.20\n",
	    "[subnet:lan2] Primary: required key is missing");
	load_bad(MINIMAL
	    "[host:h1]\n"
	    "HardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.7\n", &e);
	assert_int_equal(e.count, 1);
	expect_error(&e, "[host:h1] Primary: required key is missing");
	config_errors_free(&e);
}

/*
 * A primary no [subnet:] names learns its configuration (docs/learn.md):
 * it loads with an empty view, and a reservation naming it is an error
 * that says why.
 */
static void
primary_without_subnet(void **state)
{
	struct fod_config cfg;
	(void)state;

	load_ok(MINIMAL
	    PRIMARY("b2", "192.0.2.11"), &cfg);
	assert_int_equal(cfg.nprimaries, 2);
	assert_false(cfg.primaries[0].learns);
	assert_true(cfg.primaries[1].learns);
	assert_int_equal(cfg.primaries[1].view.nsubnets, 0);
	assert_int_equal(cfg.primaries[1].view.nhosts, 0);
	fod_config_free(&cfg);
	expect_only(MINIMAL
	    PRIMARY("b2", "192.0.2.11")
	    "[host:h2]\n"
	    "Primary = b2\n"
	    "HardwareAddress = 02:00:00:00:00:02\n"
	    "Address = 203.0.113.7\n",
	    "[host:h2] Primary = b2: [primary:b2] has no [subnet:NAME] here, "
	    "so its configuration, reservations included, is learnt from it; "
	    "give this reservation to the primary, or its subnets to this "
	    "file");
	expect_only(SERVER, "no [primary:NAME] section: at least one is "
	    "required");
}

static void
duplicate_address_and_port(void **state)
{
	struct fod_config cfg;
	(void)state;

	expect_only(TWO
	    PRIMARY("b3", "192.0.2.10")
	    SUBNET("lan3", "b3", "192.0.2.128/25", "192.0.2.130-192.0.2.140"),
	    "[primary:b3] Address = 192.0.2.10: 192.0.2.10 port 647 is also "
	    "[primary:b1]'s Address and Port");
	/* Same address, other port: two primaries on one host (tests). */
	load_ok(TWO
	    PRIMARY("b3", "192.0.2.10")
	    "Port = 6470\n"
	    SUBNET("lan3", "b3", "192.0.2.128/25", "192.0.2.130-192.0.2.140"),
	    &cfg);
	assert_int_equal(cfg.nprimaries, 3);
	fod_config_free(&cfg);
	/* Ourselves. */
	expect_only(SERVER
	    PRIMARY("b1", "192.0.2.20")
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.10-198.51.100.20"),
	    "[primary:b1] Address = 192.0.2.20: 192.0.2.20 port 647 is this "
	    "failover server's own ServerAddress and FailoverPort");
	load_ok(SERVER
	    "FailoverPort = 1647\n"
	    PRIMARY("b1", "192.0.2.20")
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.10-198.51.100.20"), &cfg);
	fod_config_free(&cfg);
}

static void
views_hold_only_their_own(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	const struct cfg_subnet *sn;
	struct config dup;
	(void)state;

	load_ok(SERVER
	    PRIMARY("b1", "192.0.2.10")
	    PRIMARY("b2", "192.0.2.11")
	    SUBNET("a1", "b1", "198.51.100.0/26", "198.51.100.10-198.51.100.20")
	    SUBNET("b1net", "b2", "198.51.100.64/26",
	    "198.51.100.70-198.51.100.80")
	    SUBNET("a2", "b1", "198.51.100.128/26",
	    "198.51.100.130-198.51.100.140")
	    "[host:hb]\nPrimary = b2\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.66\n"
	    "[host:ha]\nPrimary = b1\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.5\n"
	    "[host:ha2]\nPrimary = b1\nClientId = 01:02\n"
	    "Address = 198.51.100.129\n", &cfg);
	p = fod_config_primary(&cfg, "B1");
	assert_ptr_equal(p, &cfg.primaries[0]);
	assert_int_equal(p->view.nsubnets, 2);
	assert_string_equal(p->view.subnets[0].name, "a1");
	assert_string_equal(p->view.subnets[1].name, "a2");
	assert_int_equal(p->view.nhosts, 2);
	assert_string_equal(p->view.hosts[0].name, "ha");
	assert_string_equal(p->view.hosts[1].name, "ha2");
	p = fod_config_primary(&cfg, "b2");
	assert_int_equal(p->view.nsubnets, 1);
	assert_string_equal(p->view.subnets[0].name, "b1net");
	assert_int_equal(p->view.nhosts, 1);
	assert_string_equal(p->view.hosts[0].name, "hb");
	assert_string_equal(p->view.hosts[0].primary, "b2");
	assert_null(fod_config_primary(&cfg, "b3"));

	/* Lookups. */
	assert_ptr_equal(fod_config_primary_by_id(&cfg, fo_primary_id("B2")),
	    p);
	assert_null(fod_config_primary_by_id(&cfg, fo_primary_id("b3")));
	assert_ptr_equal(fod_config_primary_for(&cfg, A("198.51.100.77"), &sn),
	    p);
	assert_string_equal(sn->name, "b1net");
	assert_ptr_equal(fod_config_primary_for(&cfg, A("198.51.100.190"),
	    NULL), &cfg.primaries[0]);
	assert_null(fod_config_primary_for(&cfg, A("203.0.113.1"), &sn));
	assert_null(sn);

	/* A thread's own copy outlives the loaded file. */
	assert_int_equal(fod_config_view_dup(&cfg.primaries[0].view, &dup), 0);
	fod_config_free(&cfg);
	assert_int_equal(dup.nsubnets, 2);
	assert_string_equal(dup.subnets[1].name, "a2");
	assert_int_equal(dup.nhosts, 2);
	assert_non_null(config_subnet_for(&dup, A("198.51.100.131")));
	config_free(&dup);
}

static void
hosts_belong_to_their_primary(void **state)
{
	struct config_errors e;
	(void)state;

	expect_only(TWO
	    "[host:h1]\nPrimary = b1\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 203.0.113.5\n",
	    "[host:h1] Address = 203.0.113.5: inside [subnet:lan2] of "
	    "[primary:b2], not a subnet of [primary:b1]");
	/* Duplicates within one primary. */
	load_bad(TWO
	    "[host:h1]\nPrimary = b1\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.5\n"
	    "[host:h2]\nPrimary = b1\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 198.51.100.6\n", &e);
	assert_int_equal(e.count, 1);
	expect_error(&e, "[host:h2] HardwareAddress = 02:00:00:00:00:01: also "
	    "used by [host:h1]");
	config_errors_free(&e);
}

/*
 * Below 512 a large lease record (a long client id and host name, relay
 * ids) could not be replicated at all: such a buffer is refused, in
 * [failover] and per primary alike, not loaded with a warning.
 */
static void
small_buffer_refused(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(SERVER
	    "[failover]\nSyncBindingBufSize = 256\n"
	    PRIMARY("b1", "192.0.2.10")
	    PRIMARY("b2", "192.0.2.11")
	    "SyncBindingBufSize = 128\n"
	    SUBNET("lan1", "b1", "198.51.100.0/26", "198.51.100.10-198.51.100.20")
	    SUBNET("lan2", "b2", "198.51.100.64/26",
	    "198.51.100.70-198.51.100.80"), &e);
	expect_error(&e, "[failover] SyncBindingBufSize = 256: must be "
	    "512..4096");
	expect_error(&e, "[primary:b2] SyncBindingBufSize = 128: must be "
	    "512..4096");
	config_errors_free(&e);
}

static void
sync_fail_critical_warns_with_many(void **state)
{
	struct fod_config cfg;
	(void)state;

	/* One primary: exiting only loses that one's backup. */
	load_ok(SERVER
	    PRIMARY("b1", "192.0.2.10")
	    "SyncFailCritical = true\n"
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.100-198.51.100.199"), &cfg);
	assert_int_equal(cfg.nwarnings, 0);
	assert_true(cfg.primaries[0].policy.sync_fail_critical);
	fod_config_free(&cfg);

	load_ok(TWO "[failover]\nSyncFailCritical = true\n", &cfg);
	if (cfg.nwarnings != 1)
		dump_msgs("warning", cfg.warnings, cfg.nwarnings);
	assert_int_equal(cfg.nwarnings, 1);
	assert_non_null(strstr(cfg.warnings[0], ":19: [failover] "
	    "SyncFailCritical = true: a failed start-up sync stops the whole "
	    "failover server, so every other primary loses its backup too"));
	fod_config_free(&cfg);

	/* Set in one primary: said there.  Without SyncBindings: moot. */
	load_ok(MINIMAL
	    PRIMARY("b2", "192.0.2.11")
	    "SyncFailCritical = yes\n"
	    SUBNET("lan2", "b2", "203.0.113.0/24",
	    "203.0.113.100-203.0.113.199"), &cfg);
	assert_int_equal(cfg.nwarnings, 1);
	assert_non_null(strstr(cfg.warnings[0], "[primary:b2] "
	    "SyncFailCritical = yes: a failed"));
	fod_config_free(&cfg);
	load_ok(MINIMAL
	    PRIMARY("b2", "192.0.2.11")
	    "SyncFailCritical = yes\n"
	    "SyncBindings = no\n"
	    SUBNET("lan2", "b2", "203.0.113.0/24",
	    "203.0.113.100-203.0.113.199"), &cfg);
	assert_int_equal(cfg.nwarnings, 0);
	fod_config_free(&cfg);
}

static void
sections_checked(void **state)
{
	(void)state;

	expect_only(MINIMAL "[primary]\n", "[primary]: needs a name: "
	    "[primary:NAME]");
	expect_only(MINIMAL "[primry:b2]\n", "[primry:b2]: unknown section "
	    "(did you mean [primary:b2]?)");
	expect_only(MINIMAL "[primery]\n", "[primery]: unknown section "
	    "(did you mean [primary:NAME]?)");
	expect_only(MINIMAL "[snpm]\n", "[snpm]: unknown section (did you "
	    "mean [snmp]?)");
	expect_only(MINIMAL "[zzzzzz]\n", "[zzzzzz]: unknown section "
	    "(expected [server], [failover], [snmp], [primary:NAME], "
	    "[subnet:NAME], [host:NAME], [class:NAME] or [option:NAME])");
	expect_only(MINIMAL "[primary:b 2]\nAddress = 192.0.2.11\n"
	    "SharedKeyFile = /k\n", "[primary:b 2]: the name after ':' must "
	    "be 1..63 characters");
	expect_only(MINIMAL "[subnet:lan1]\n", "section appears twice");
	expect_only(MINIMAL "[server]\n", "section appears twice");
	/* Required keys of [primary:NAME] and [server]. */
	expect_only(MINIMAL "[primary:b2]\nAddress = 192.0.2.11\n"
	    SUBNET("lan2", "b2", "203.0.113.0/24",
	    "203.0.113.10-203.0.113.20"),
	    "[primary:b2] SharedKeyFile: required key is missing");
	expect_only(PRIMARY("b1", "192.0.2.10")
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.10-198.51.100.20")
	    "[server]\nName = hub1\n",
	    "[server] ServerAddress: required key is missing");
}

static void
all_errors_reported_at_once(void **state)
{
	struct config_errors e;
	(void)state;

	load_bad(SERVER			/* lines 1-3 */
	    "MaxPrimaries = 0\n"	/* 4 */
	    "[failover]\n"		/* 5 */
	    "PollDelay = soon\n"	/* 6 */
	    PRIMARY("b1", "192.0.2.10")	/* 7-9 */
	    "PollRetryMax = 20\n"	/* 10 */
	    SUBNET("lan1", "b9", "198.51.100.0/24",	/* 11-14 */
	    "198.51.100.10-198.51.100.300"), &e);
	if (e.count != 5)
		dump_msgs("error", e.msgs, e.count);
	assert_int_equal(e.count, 5);
	assert_non_null(strstr(e.msgs[0], ":4: [server] MaxPrimaries = 0"));
	assert_non_null(strstr(e.msgs[1], ":6: [failover] PollDelay = soon"));
	assert_non_null(strstr(e.msgs[2], ":10: [primary:b1] PollRetryMax = "
	    "20"));
	assert_non_null(strstr(e.msgs[3], ":12: [subnet:lan1] Primary = b9"));
	assert_non_null(strstr(e.msgs[4], ":14: [subnet:lan1] Range"));
	config_errors_free(&e);
}

static void
missing_file_is_clear(void **state)
{
	struct fod_config cfg;
	struct config_errors e;
	(void)state;

	assert_int_equal(config_load_failover("/nonexistent/failover.ini",
	    &cfg, &e), -1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msgs[0], "/nonexistent/failover.ini: cannot "
	    "open: No such file or directory");
	config_errors_free(&e);
	assert_null(cfg.primaries);
	/* errs may be NULL. */
	assert_int_equal(config_load_failover("/nonexistent/failover.ini",
	    &cfg, NULL), -1);
}

/* ------------------------------------------------------------------ */

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
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

static void
every_key_documented(void **state)
{
	static const char *const kinds[] = {
		"server", "failover", "primary", "subnet", "host", "snmp"
	};
	char	*ini = slurp("etc/failover.ini");
	char	*doc = slurp("docs/config-failover.md");
	size_t	 missing = 0, total = 0;
	(void)state;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t	 n;
		const struct cfg_spec *sp = fod_config_specs(kinds[k], &n);

		assert_non_null(sp);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			char	 line[64], row[64];

			snprintf(line, sizeof(line), "\n%s ", sp[i].key);
			snprintf(row, sizeof(row), "`%s`", sp[i].key);
			if (strstr(ini, line) == NULL) {
				print_error("etc/failover.ini lacks %s\n",
				    sp[i].key);
				missing++;
			}
			if (strstr(doc, row) == NULL) {
				print_error("docs/config-failover.md lacks "
				    "%s\n", row);
				missing++;
			}
			assert_non_null(sp[i].meaning);
			/* PingBeforeAssign is TakeoverPingCheck here. */
			assert_string_not_equal(sp[i].key,
			    "PingBeforeAssign");
			total++;
		}
	}
	/* 33 [server], 15 [failover], 4 [primary:NAME], 2 Primary, and
	 * [snmp]: AgentXSocket, Traps, 17 switches, 2 thresholds. */
	assert_int_equal(total, 75);
	assert_null(fod_config_specs("nosuch", &(size_t){ 0 }));
	free(ini);
	free(doc);
	assert_int_equal(missing, 0);
}


/*
 * FailoverShare, SafePeriod, OnShareExhausted: [failover], overridden
 * per [primary:NAME], and FailoverShare/SafePeriod per [subnet:NAME];
 * a SafePeriod given nowhere is the subnet's MaxLeaseTime.
 */
static void
safety_keys_inherit(void **state)
{
	struct fod_config cfg;
	const struct config *v1, *v2;
	(void)state;

	load_ok(SERVER
	    "[failover]\n"
	    "FailoverShare = 20\n"
	    "OnShareExhausted = BORROW\n"
	    PRIMARY("b1", "192.0.2.10")
	    "SafePeriod = 600\n"
	    SUBNET("lan1", "b1", "198.51.100.0/24",
	    "198.51.100.100-198.51.100.199")
	    SUBNET("lan3", "b1", "192.0.2.128/25", "192.0.2.130-192.0.2.140")
	    "FailoverShare = 0\n"
	    "SafePeriod = 60\n"
	    PRIMARY("b2", "192.0.2.11")
	    "OnShareExhausted = refuse\n"
	    SUBNET("lan2", "b2", "203.0.113.0/24",
	    "203.0.113.100-203.0.113.199")
	    "MaxLeaseTime = 7200\n", &cfg);
	v1 = &fod_config_primary(&cfg, "b1")->view;
	v2 = &fod_config_primary(&cfg, "b2")->view;
	assert_int_equal(v1->subnets[0].failover_share, 20);
	assert_int_equal(v1->subnets[0].safe_period, 600);
	assert_int_equal(v1->subnets[1].failover_share, 0);
	assert_int_equal(v1->subnets[1].safe_period, 60);
	assert_int_equal(v2->subnets[0].failover_share, 20);
	assert_int_equal(v2->subnets[0].safe_period, 7200);
	assert_true(cfg_fo_policy_borrows(&fod_config_primary(&cfg,
	    "b1")->policy));
	assert_false(cfg_fo_policy_borrows(&fod_config_primary(&cfg,
	    "b2")->policy));
	fod_config_free(&cfg);

	expect_only(MINIMAL "[failover]\nOnShareExhausted = wait\n",
	    "OnShareExhausted = wait");
	expect_only(MINIMAL "FailoverShare = 60\n", "must be 0..50");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(sample_failover_ini_loads, teardown),
		cmocka_unit_test_teardown(minimal_sample_gets_defaults,
		    teardown),
		cmocka_unit_test_teardown(overrides_and_defaults, teardown),
		cmocka_unit_test_teardown(section_order_is_free, teardown),
		cmocka_unit_test_teardown(base_config_is_valid, teardown),
		cmocka_unit_test_teardown(each_bad_value_has_its_message,
		    teardown),
		cmocka_unit_test_teardown(max_primaries_above_five_warns,
		    teardown),
		cmocka_unit_test_teardown(too_many_primaries_is_an_error,
		    teardown),
		cmocka_unit_test_teardown(overlapping_subnets_name_both,
		    teardown),
		cmocka_unit_test_teardown(subnet_and_host_need_a_known_primary,
		    teardown),
		cmocka_unit_test_teardown(primary_without_subnet, teardown),
		cmocka_unit_test_teardown(duplicate_address_and_port, teardown),
		cmocka_unit_test_teardown(views_hold_only_their_own, teardown),
		cmocka_unit_test_teardown(hosts_belong_to_their_primary,
		    teardown),
		cmocka_unit_test_teardown(small_buffer_refused, teardown),
		cmocka_unit_test_teardown(sync_fail_critical_warns_with_many,
		    teardown),
		cmocka_unit_test_teardown(sections_checked, teardown),
		cmocka_unit_test_teardown(all_errors_reported_at_once,
		    teardown),
		cmocka_unit_test_teardown(missing_file_is_clear, teardown),
		cmocka_unit_test_teardown(every_key_documented, teardown),
		cmocka_unit_test_teardown(safety_keys_inherit, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
