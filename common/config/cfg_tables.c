/*
 * The key tables of the sections both configuration files share: what
 * each key is (type, range, default, where it goes, what it means).
 * [server] is the primary's; the failover derives its own [server] from
 * it (failover/fod_config.c), so both agree on every type and range.
 * [subnet:NAME] and [host:NAME] are the same in both files (failover.ini
 * adds Primary), and so is [snmp].  The primary's own [failover] table is
 * in primary/pr_config.c, the failover's [failover] and [primary:NAME] in
 * failover/fod_config.c.  [class:NAME]'s table and [option:NAME]'s are
 * beside their parsers (cfg_class.c, cfg_opts.c); cfg_specs() hands out
 * all of them.  docs/config-primary.md lists every key, and the manual
 * pages are generated from the tables (docs/man/README).
 */
#include <string.h>

#include "cfg_int.h"

static const char *const log_facilities[] = {
	"daemon", "local0", "local1", "local2", "local3", "local4", "local5",
	"local6", "local7", NULL
};

#define S	struct cfg_server
static const struct cfg_spec server_specs[] = {
	{ .key = "Name", .type = CFG_NAME, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = 63, CFG_FIELD(S, name),
	  .meaning = "identifies this primary to its failover server" },
	{ .key = "ServerAddress", .type = CFG_ADDR,
	  .flags = CFG_F_REQUIRED | CFG_F_UNICAST, CFG_FIELD(S, server_addr),
	  .meaning = "server identifier (option 54) and failover source "
	  "address" },
	{ .key = "Interfaces", .type = CFG_IFLIST,
	  CFG_FIELD(S, interfaces), CFG_COUNT(S, ninterfaces),
	  .meaning = "interfaces whose directly attached clients are served" },
	{ .key = "DhcpPort", .type = CFG_UINT, .min = 1, .max = 65534,
	  .def = "67", CFG_FIELD(S, dhcp_port),
	  .meaning = "UDP port the server listens on; replies to clients go "
	  "to DhcpPort + 1" },
	{ .key = "StateDir", .type = CFG_PATH, .def = "/var/lib/dhcpfo",
	  CFG_FIELD(S, state_dir),
	  .meaning = "directory of the lease store (Berkeley DB environment)" },
	{ .key = "ControlSocket", .type = CFG_PATH, .max = 107,
	  .def = "/run/dhcpfo/primary.sock", CFG_FIELD(S, control_socket),
	  .meaning = "UNIX socket dhcpfoctl talks to (sun_path limit 107)" },
	{ .key = "PidFile", .type = CFG_PATH,
	  .def = "/run/dhcpfo/primary.pid", CFG_FIELD(S, pid_file),
	  .meaning = "PID file, locked while the daemon runs" },
	{ .key = "PingBeforeAssign", .type = CFG_BOOL, .def = "false",
	  CFG_FIELD(S, ping_before_assign),
	  .meaning = "ICMP-check an address before offering it" },
	{ .key = "PingAttempts", .type = CFG_UINT, .min = 1, .max = 10,
	  .def = "1", CFG_FIELD(S, ping_attempts),
	  .meaning = "echo requests sent per check" },
	{ .key = "PingSendDelay", .type = CFG_UINT, .min = 1, .max = 10000,
	  .def = "500", CFG_FIELD(S, ping_send_delay_ms),
	  .meaning = "milliseconds to wait for an echo reply" },
	{ .key = "MaxPendingSeconds", .type = CFG_UINT, .min = 1,
	  .max = 3600, .def = "10", CFG_FIELD(S, max_pending_secs),
	  .meaning = "seconds an offered address stays reserved for the "
	  "client's REQUEST" },
	{ .key = "MaxUnavailableTime", .type = CFG_UINT, .min = 0,
	  .max = 31536000, .def = "86400", CFG_FIELD(S, max_unavailable_time),
	  .meaning = "seconds an address found in use (ping, DECLINE) is "
	  "kept out of the pool" },
	{ .key = "Authoritative", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(S, authoritative),
	  .meaning = "NAK requests for addresses this server does not own" },
	{ .key = "CommitBatchMax", .type = CFG_UINT, .min = 1, .max = 4096,
	  .def = "256", CFG_FIELD(S, commit_batch_max),
	  .meaning = "most leases made durable by one group commit" },
	{ .key = "BatchInterval", .type = CFG_UINT, .min = 0, .max = 50,
	  .def = "8", CFG_FIELD(S, batch_interval_ms),
	  .meaning = "under load, milliseconds between turns of the event "
	  "loop, so one turn and one group commit carry what arrived "
	  "meanwhile (0: a turn per wake-up)" },
	{ .key = "LogFacility", .type = CFG_ENUM, .def = "daemon",
	  .choices = log_facilities, CFG_FIELD(S, log_facility),
	  .meaning = "syslog facility when not in the foreground" },
	{ .key = "LeaseLog", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(S, lease_log),
	  .meaning = "log one line per lease event: grant, renew, release, "
	  "decline, expire, nak (docs/lease-log.md); a reload applies it" },
	{ .key = "LeaseLogRate", .type = CFG_UINT, .min = 0, .max = 1000000,
	  .def = "1000", CFG_FIELD(S, lease_log_rate),
	  .meaning = "most lease log lines a second, in bursts of up to a "
	  "second's worth; the others are counted; 0: no limit" },
	/* New-client rate limits and the unoffered lease: docs/security.md
	 * gives the reasoning behind each default. */
	{ .key = "NewClientRatePerRelay", .type = CFG_UINT, .min = 0,
	  .max = 1000000, .def = "500", CFG_FIELD(S, new_rate_relay),
	  .meaning = "new clients a second per relay (giaddr; directly "
	  "attached clients: the receiving interface): offers and bindings "
	  "for clients holding no address; requests over it are dropped; "
	  "0: no limit" },
	{ .key = "NewClientBurstPerRelay", .type = CFG_UINT, .min = 1,
	  .max = 1000000, .def = "1000", CFG_FIELD(S, new_burst_relay),
	  .meaning = "new clients at once per relay (the bucket of "
	  "NewClientRatePerRelay)" },
	{ .key = "NewClientRatePerCircuit", .type = CFG_UINT, .min = 0,
	  .max = 1000000, .def = "20", CFG_FIELD(S, new_rate_circuit),
	  .meaning = "new clients a second per option 82 circuit-id of a "
	  "relay; 0: no limit" },
	{ .key = "NewClientBurstPerCircuit", .type = CFG_UINT, .min = 1,
	  .max = 1000000, .def = "40", CFG_FIELD(S, new_burst_circuit),
	  .meaning = "new clients at once per circuit-id" },
	{ .key = "NewClientRatePerRemoteId", .type = CFG_UINT, .min = 0,
	  .max = 1000000, .def = "20", CFG_FIELD(S, new_rate_remote_id),
	  .meaning = "new clients a second per option 82 remote-id; 0: no "
	  "limit" },
	{ .key = "NewClientBurstPerRemoteId", .type = CFG_UINT, .min = 1,
	  .max = 1000000, .def = "40", CFG_FIELD(S, new_burst_remote_id),
	  .meaning = "new clients at once per remote-id" },
	{ .key = "NewClientRatePerClient", .type = CFG_UINT, .min = 0,
	  .max = 1000000, .def = "1", CFG_FIELD(S, new_rate_client),
	  .meaning = "new bindings and offers a second per client (option "
	  "61, else hardware address) holding no address; 0: no limit" },
	{ .key = "NewClientBurstPerClient", .type = CFG_UINT, .min = 1,
	  .max = 1000000, .def = "3", CFG_FIELD(S, new_burst_client),
	  .meaning = "new bindings and offers at once per client" },
	{ .key = "UnofferedLeaseTime", .type = CFG_UINT, .min = 0,
	  .max = 31536000, .def = "300", CFG_FIELD(S, unoffered_lease_time),
	  .meaning = "seconds granted to a binding made without our offer "
	  "(a REQUEST in INIT-REBOOT, RENEWING or REBINDING for an address "
	  "the client did not hold); its next renewal gets the normal lease "
	  "time; 0: the normal lease time" },
	{ .key = "MetricsListen", .type = CFG_ADDR_PORT,
	  CFG_FIELD(S, metrics_addr), CFG_COUNT(S, metrics_port),
	  .meaning = "ADDRESS:PORT of the Prometheus endpoint GET /metrics "
	  "(docs/metrics.md); empty: none.  No authentication: a loopback "
	  "or management address" },
	{ .key = "User", .type = CFG_STRING, .max = 32,
	  CFG_FIELD(S, user),
	  .meaning = "started as root, run as this user after reading the "
	  "configuration, keeping only CAP_NET_BIND_SERVICE and CAP_NET_RAW "
	  "(empty: stay as started; the packaged units start the daemon as "
	  "_dhcpfo themselves)" },
	{ .key = "Group", .type = CFG_STRING, .max = 32,
	  CFG_FIELD(S, group),
	  .meaning = "group to run as with User (default: User's primary "
	  "group; User's other groups are kept)" },
	{ .key = "ControlSocketGroup", .type = CFG_STRING, .max = 32,
	  CFG_FIELD(S, control_group),
	  .meaning = "group of the control socket (mode 0660): its members "
	  "may use dhcpfoctl (default: the daemon's group)" },
	{ .key = "ControlSocketReadOnly", .type = CFG_STRING, .max = 107,
	  CFG_FIELD(S, control_socket_ro),
	  .meaning = "path of a second control socket that runs only the "
	  "commands that change nothing (empty: none)" },
	{ .key = "ReadOnlyGroup", .type = CFG_STRING, .max = 32,
	  CFG_FIELD(S, ro_group),
	  .meaning = "group of ControlSocketReadOnly (mode 0660): its "
	  "members may read status and leases (default: the daemon's "
	  "group)" },
};
#undef S

#define N	struct cfg_subnet
const struct cfg_spec cfg_subnet_specs[] = {
	{ .key = "Subnet", .type = CFG_CIDR, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = 30, CFG_FIELD(N, network), CFG_COUNT(N, prefix),
	  .meaning = "network/prefix; host bits must be zero" },
	{ .key = "Range", .type = CFG_RANGES, .flags = CFG_F_REQUIRED,
	  CFG_FIELD(N, ranges), CFG_COUNT(N, nranges),
	  .meaning = "dynamic pool: comma list of A-B ranges (or single "
	  "addresses)" },
	{ .key = "Exclude", .type = CFG_RANGES,
	  CFG_FIELD(N, exclude_ranges), CFG_COUNT(N, nexclude_ranges),
	  .meaning = "addresses and A-B ranges inside Range never leased" },
	{ .key = "Routers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, routers), CFG_COUNT(N, nrouters),
	  .meaning = "option 3, in order of preference" },
	{ .key = "DnsServers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, dns), CFG_COUNT(N, ndns),
	  .meaning = "option 6" },
	{ .key = "NtpServers", .type = CFG_ADDR_LIST, .flags = CFG_F_UNICAST,
	  CFG_FIELD(N, ntp), CFG_COUNT(N, nntp),
	  .meaning = "option 42" },
	{ .key = "DomainName", .type = CFG_DOMAIN, CFG_FIELD(N, domain_name),
	  .meaning = "option 15" },
	{ .key = "BroadcastAddress", .type = CFG_ADDR,
	  CFG_FIELD(N, broadcast),
	  .meaning = "option 28 (default: the subnet's broadcast address)" },
	{ .key = "LeaseTime", .type = CFG_UINT, .min = 60, .max = 31536000,
	  .def = "3600", CFG_FIELD(N, lease_time),
	  .meaning = "seconds granted when the client asks for none" },
	{ .key = "MinLeaseTime", .type = CFG_UINT, .min = 60,
	  .max = 31536000, .def = "60", CFG_FIELD(N, min_lease_time),
	  .meaning = "shortest lease granted on request" },
	{ .key = "MaxLeaseTime", .type = CFG_UINT, .min = 60,
	  .max = 31536000, CFG_FIELD(N, max_lease_time),
	  .meaning = "longest lease granted on request (default 86400, or "
	  "LeaseTime if larger)" },
	{ .key = "RenewalPercent", .type = CFG_PERCENT,
	  .flags = CFG_F_OPEN_MIN | CFG_F_OPEN_MAX, .min = 0, .max = 100,
	  .def = "50", CFG_FIELD(N, t1_ratio),
	  .meaning = "T1 (option 58) as a percentage of the lease" },
	{ .key = "RebindingPercent", .type = CFG_PERCENT,
	  .flags = CFG_F_OPEN_MIN | CFG_F_OPEN_MAX, .min = 0, .max = 100,
	  .def = "87.5", CFG_FIELD(N, t2_ratio),
	  .meaning = "T2 (option 59) as a percentage of the lease" },
	{ .key = "FailoverShare", .type = CFG_UINT, .min = 0, .max = 50,
	  CFG_FIELD(N, failover_share),
	  .meaning = "percent of each range the failover alone may give to "
	  "new clients (default: [failover] FailoverShare)" },
	{ .key = "SafePeriod", .type = CFG_UINT, .min = 0, .max = 31536000,
	  CFG_FIELD(N, safe_period),
	  .meaning = "seconds after losing the primary during which the "
	  "failover gives new clients only its share (default: [failover] "
	  "SafePeriod, else MaxLeaseTime)" },
	{ .key = "SharedNetwork", .type = CFG_NAME, .min = 1, .max = 63,
	  CFG_FIELD(N, shared_network),
	  .meaning = "subnets with the same name share one link: a client "
	  "of any of them may get an address of any (docs/options.md)" },
};
#undef N

#define H	struct cfg_host
const struct cfg_spec cfg_host_specs[] = {
	{ .key = "HardwareAddress", .type = CFG_MAC, CFG_FIELD(H, hwaddr),
	  .meaning = "Ethernet address (htype 1); this or ClientId" },
	{ .key = "ClientId", .type = CFG_HEX, .min = 2, CFG_FIELD(H, cid),
	  CFG_COUNT(H, cid_len),
	  .meaning = "client identifier (option 61) as hex bytes; this or "
	  "HardwareAddress" },
	{ .key = "Address", .type = CFG_ADDR,
	  .flags = CFG_F_REQUIRED | CFG_F_UNICAST, CFG_FIELD(H, addr),
	  .meaning = "the reserved address; inside some [subnet:NAME]" },
	{ .key = "Hostname", .type = CFG_DOMAIN, CFG_FIELD(H, hostname),
	  .meaning = "option 12 sent to the host" },
};
#undef H


#define P	struct cfg_snmp
/* A notification's switch: its DHCPFO-MIB name less "dhcpfo". */
#define NOTIFY_SWITCH(name, n, what)					\
	{ .key = name, .type = CFG_BOOL, .def = "true",			\
	  CFG_FIELD(P, notify[n]), .meaning = "send dhcpfo" name ": " what }
const struct cfg_spec cfg_snmp_specs[] = {
	{ .key = "AgentXSocket", .type = CFG_STRING, .min = 1,
	  .def = "/var/agentx/master", CFG_FIELD(P, agentx_socket),
	  .meaning = "snmpd's AgentX master socket (path or tcp:HOST:PORT)" },
	{ .key = "Traps", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(P, traps),
	  .meaning = "send notifications through the master agent (false: "
	  "none, whatever the switches below say)" },
	NOTIFY_SWITCH("StateChange", 1, "a state machine moved"),
	NOTIFY_SWITCH("PrimaryNotResponding", 2, "polls went unanswered"),
	NOTIFY_SWITCH("PrimaryResponding", 3, "a primary answers again"),
	NOTIFY_SWITCH("TakeoverStarted", 4, "the failover serves a primary's "
	    "subnets"),
	NOTIFY_SWITCH("TakeoverEnded", 5, "the takeover is over"),
	NOTIFY_SWITCH("HandbackStarted", 6, "subnets are being handed back"),
	NOTIFY_SWITCH("HandbackCompleted", 7, "control returned"),
	NOTIFY_SWITCH("HandbackFailed", 8, "a hand-back did not complete"),
	NOTIFY_SWITCH("SyncCompleted", 9, "start-up sync done"),
	NOTIFY_SWITCH("SyncFailed", 10, "start-up sync failed"),
	NOTIFY_SWITCH("BindingUpdateFailed", 11, "binding updates were given "
	    "up on or could not be stored"),
	NOTIFY_SWITCH("ConfigMismatch", 12, "subnet definitions or "
	    "SyncBindingBufSize differ between the servers"),
	NOTIFY_SWITCH("SubnetUtilisationHigh", 13, "a subnet reached "
	    "UtilisationHigh"),
	NOTIFY_SWITCH("SubnetUtilisationNormal", 14, "a subnet fell back to "
	    "UtilisationNormal"),
	NOTIFY_SWITCH("DuplicateAddress", 15, "one address bound to two "
	    "clients"),
	NOTIFY_SWITCH("AuthenticationFailure", 16, "failover datagrams failed "
	    "the HMAC or replay check"),
	NOTIFY_SWITCH("FailoverShareExhausted", 17, "the failover's share of a "
	    "subnet is used up (on the failover: in its safe period, new "
	    "clients refused)"),
	{ .key = "UtilisationHigh", .type = CFG_UINT, .min = 1, .max = 100,
	  .def = "90", CFG_FIELD(P, util_high),
	  .meaning = "percent of a subnet's addresses in use at which "
	  "dhcpfoSubnetUtilisationHigh is sent" },
	{ .key = "UtilisationNormal", .type = CFG_UINT, .min = 0, .max = 99,
	  .def = "80", CFG_FIELD(P, util_normal),
	  .meaning = "percent in use at or below which "
	  "dhcpfoSubnetUtilisationNormal follows; less than UtilisationHigh" },
};
#undef NOTIFY_SWITCH
#undef P

_Static_assert(NELEM(cfg_subnet_specs) == SN_NSPECS,
    "cfg_subnet_specs and its index enum disagree");
_Static_assert(NELEM(cfg_host_specs) == HO_NSPECS,
    "cfg_host_specs and its index enum disagree");
_Static_assert(NELEM(cfg_snmp_specs) == SNMP_NSPECS,
    "cfg_snmp_specs and its index enum disagree");
_Static_assert(CFG_SNMP_NOTIFY_MAX == 18, "one switch per notification");

const struct cfg_spec *
cfg_specs(const char *kind, size_t *n)
{
	static const struct {
		const char		*kind;
		const struct cfg_spec	*specs;
		size_t			 n;
	} kinds[] = {
		{ "server", server_specs, NELEM(server_specs) },
		{ "subnet", cfg_subnet_specs, SN_NSPECS },
		{ "host", cfg_host_specs, HO_NSPECS },
		{ "snmp", cfg_snmp_specs, SNMP_NSPECS },
	};

	for (size_t i = 0; i < NELEM(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0) {
			*n = kinds[i].n;
			return kinds[i].specs;
		}
	/* Tables kept beside the code that parses their sections. */
	if (strcmp(kind, "class") == 0)
		return cfg_class_specs(n);
	if (strcmp(kind, "option") == 0)
		return cfg_optdef_specs(n);
	if (strcmp(kind, "optset") == 0)
		return cfg_optkey_specs(n);
	*n = 0;
	return NULL;
}
