/*
 * INI configuration (iniparser), validated whole at load.
 *
 * Each key has a spec (type, range, default, meaning).  Loading reports
 * every error, each naming file, section, key, value and the allowed
 * range, then fails; nothing is half-applied.  Unknown sections and keys
 * are errors too, so a typo never silently falls back to a default.
 */
#ifndef DHCPFO_CONFIG_H
#define DHCPFO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"
#include "optdef.h"

struct strbuf;

#define CFG_NAME_MAX		64
#define CFG_PATH_MAX		256
#define CFG_MAX_RANGES		32
#define CFG_MAX_EXCLUDES	256
#define CFG_MAX_ADDRS		8	/* routers, DNS, NTP servers */
#define CFG_MAX_IFACES		16
#define CFG_DOMAIN_MAX		128

struct cfg_range {
	uint32_t	lo, hi;		/* inclusive, host order */
};

/*
 * What one section hands out (docs/options.md): its Option.NAME keys,
 * encoded at load (optval.h), and its boot fields.  Sections that carry
 * one: [server] (global), [subnet:], [class:], [host:], and on the
 * failover [primary:NAME].  A reply takes each option and field from
 * the first of host, classes (file order), subnet, global that sets it.
 * The sets live in struct config's optsets[]; a section refers to its
 * own by index, 0 being the empty set.
 */
#define CFG_OPTSET_MAX		64	/* options one section may set */
#define CFG_OPTBUF_MAX		4096	/* their encoded values together */

struct cfg_opt {
	uint8_t		code;
	uint8_t		space;		/* enum opt_space */
	bool		always;		/* AlwaysSend: even if not asked for */
	uint16_t	off, len;	/* the value, in buf */
};

struct cfg_optset {
	size_t		n;
	struct cfg_opt	v[CFG_OPTSET_MAX];	/* file order */
	size_t		used;			/* of buf */
	uint8_t		buf[CFG_OPTBUF_MAX];
	bool		has_next_server;
	uint32_t	next_server;		/* NextServer -> siaddr */
	char		boot_file[DHCP_FILE_LEN];	/* BootFile -> file;
							 * "" = none */
	char		server_name[DHCP_SNAME_LEN];	/* ServerName -> sname */
};

/*
 * A [class:NAME] match key: a glob over the option's bytes
 * (classify.h), or, when written 0x..., those exact bytes.
 */
#define CFG_MATCH_MAX		255
struct cfg_match {
	bool		set;
	bool		exact;		/* bytes, else a glob pattern */
	uint16_t	len;
	uint8_t		bytes[CFG_MATCH_MAX + 1];	/* pattern: NUL-ended */
};

#define CFG_MAX_CLASSES		64	/* a request's classes: a uint64_t */
#define CFG_MAX_ARCH		8

/* [class:NAME] (docs/options.md "Client classes"). */
struct cfg_class {
	char		name[CFG_NAME_MAX];	/* from [class:NAME] */
	struct cfg_match vendor_class;		/* VendorClass: option 60 */
	struct cfg_match user_class;		/* UserClass: option 77 */
	struct cfg_match circuit_id;		/* CircuitId: 82 sub-option 1 */
	struct cfg_match remote_id;		/* RemoteId: 82 sub-option 2 */
	size_t		narch;
	uint16_t	arch[CFG_MAX_ARCH];	/* ClientArch: option 93, any */
	size_t		hwprefix_len;
	uint8_t		hwprefix[DHCP_CHADDR_LEN];	/* HardwarePrefix */
	/* Range: addresses only members get, and the only dynamic
	 * addresses members get in a subnet holding any of them. */
	size_t		nranges;
	struct cfg_range ranges[CFG_MAX_RANGES];
	uint32_t	opts;			/* index in optsets */
	char		primaries[CFG_PATH_MAX];	/* failover.ini: Primary,
							 * "" = every one */
};

struct cfg_subnet {
	char		name[CFG_NAME_MAX];	/* from [subnet:NAME] */
	char		primary[CFG_NAME_MAX];	/* failover.ini only */
	uint32_t	network;		/* host order */
	uint32_t	mask;
	uint8_t		prefix;
	size_t		nranges;
	struct cfg_range ranges[CFG_MAX_RANGES];
	size_t		nexcludes;
	uint32_t	excludes[CFG_MAX_EXCLUDES];
	size_t		nrouters, ndns, nntp;
	uint32_t	routers[CFG_MAX_ADDRS];
	uint32_t	dns[CFG_MAX_ADDRS];
	uint32_t	ntp[CFG_MAX_ADDRS];
	char		domain_name[CFG_DOMAIN_MAX];	/* "" = none */
	uint32_t	broadcast;		/* default: from network/mask */
	uint32_t	lease_time;		/* LeaseTime, seconds */
	uint32_t	min_lease_time;		/* MinLeaseTime */
	uint32_t	max_lease_time;		/* MaxLeaseTime */
	double		t1_ratio;		/* RenewalPercent / 100 */
	double		t2_ratio;		/* RebindingPercent / 100 */
	/*
	 * Exclude as written (single addresses are one-address ranges), in
	 * file order; excludes[] above holds the same addresses expanded,
	 * sorted, so both views always agree.
	 */
	size_t		nexclude_ranges;
	struct cfg_range exclude_ranges[CFG_MAX_EXCLUDES];
	/*
	 * Safety without duplicates (docs/safety.md, common/dhcp/share.h): the
	 * failover's share of each range, percent 0..50, and how long after
	 * losing the primary the failover keeps to it, seconds.  Given in
	 * the section or inherited from [failover] ([primary:NAME] on the
	 * failover): the loaders resolve both, so these are final values.
	 */
	unsigned	failover_share;		/* FailoverShare */
	uint32_t	safe_period;		/* SafePeriod */
	/* Subnets with the same SharedNetwork name share one link;
	 * "" = alone on its link. */
	char		shared_network[CFG_NAME_MAX];
	uint32_t	opts;			/* index in optsets: Option.*,
						 * boot fields, and the old keys
						 * above as options */
};

/* Not given in a section: inherit (cfg_subnet_resolve_safety). */
#define CFG_INHERIT	UINT32_MAX
/* FailoverShare given nowhere: percent of each range. */
#define CFG_SHARE_DEFAULT	10
/* SafePeriod not given anywhere: the subnet's longest lease. */
#define CFG_SAFE_PERIOD_LEASE	UINT32_MAX

struct cfg_host {
	char		name[CFG_NAME_MAX];	/* from [host:NAME] */
	uint8_t		htype;			/* 1 when HardwareAddress set */
	uint8_t		hlen;			/* 0 when matched by ClientId */
	uint8_t		hwaddr[DHCP_CHADDR_LEN];
	size_t		cid_len;
	uint8_t		cid[255];
	uint32_t	addr;
	char		hostname[CFG_NAME_MAX];	/* Hostname, optional */
	char		primary[CFG_NAME_MAX];	/* failover.ini only */
	uint32_t	opts;			/* index in optsets */
};

/* [failover] of primary.ini (used from the failover work on). */
struct cfg_primary_failover {
	bool		use_failover;		/* UseFailoverServer */
	uint32_t	server;			/* FailoverServer */
	uint16_t	port;			/* FailoverPort */
	char		key_file[CFG_PATH_MAX];	/* SharedKeyFile */
	char		accept_key_file[CFG_PATH_MAX];	/* AcceptSharedKeyFile,
							 * "" if none */
	unsigned	ctl_req_retry_max;	/* CtlReqRetryMax 0..10 */
	double		wait_ctl_ret_secs;	/* WaitCtlRetSecs 0..3600 */
	unsigned	sync_bind_retry_max;	/* SyncBindRetryMax 0..10 */
	unsigned	sync_binding_buf_size;	/* SyncBindingBufSize 64..4096 */
	double		wait_sync_bind_ack_secs;
	double		wait_sync_bind_update_secs;
	unsigned	bind_upd_delay_ms;	/* BindUpdDelay, ms 0..1000 */
	/* Defaults of the subnets' FailoverShare and SafePeriod. */
	unsigned	failover_share;		/* FailoverShare 0..50 (10) */
	uint32_t	safe_period;		/* SafePeriod, or
						 * CFG_SAFE_PERIOD_LEASE */
};

struct cfg_server {
	char		name[CFG_NAME_MAX];	/* Name */
	uint32_t	server_addr;		/* ServerAddress */
	size_t		ninterfaces;
	char		interfaces[CFG_MAX_IFACES][16];	/* Interfaces */
	uint16_t	dhcp_port;		/* DhcpPort (client port = +1) */
	char		state_dir[CFG_PATH_MAX];	/* StateDir */
	char		control_socket[CFG_PATH_MAX];	/* ControlSocket */
	char		pid_file[CFG_PATH_MAX];	/* PidFile */
	bool		ping_before_assign;	/* PingBeforeAssign */
	unsigned	ping_attempts;		/* PingAttempts 1..10 */
	unsigned	ping_send_delay_ms;	/* PingSendDelay, ms 1..10000 */
	uint32_t	max_pending_secs;	/* MaxPendingSeconds */
	uint32_t	max_unavailable_time;	/* MaxUnavailableTime */
	bool		authoritative;		/* Authoritative */
	unsigned	commit_batch_max;	/* CommitBatchMax */
	unsigned	batch_interval_ms;	/* BatchInterval, 0..50 */
	char		log_facility[16];	/* LogFacility */
	bool		lease_log;		/* LeaseLog */
	unsigned	lease_log_rate;		/* LeaseLogRate, lines/s; 0: no
						 * limit */
	/* New-client rate limits (docs/security.md): tokens a second and
	 * bucket size per relay, circuit-id, remote-id and client; rate 0:
	 * no limit. */
	uint32_t	new_rate_relay;		/* NewClientRatePerRelay */
	uint32_t	new_burst_relay;	/* NewClientBurstPerRelay */
	uint32_t	new_rate_circuit;	/* NewClientRatePerCircuit */
	uint32_t	new_burst_circuit;	/* NewClientBurstPerCircuit */
	uint32_t	new_rate_remote_id;	/* NewClientRatePerRemoteId */
	uint32_t	new_burst_remote_id;	/* NewClientBurstPerRemoteId */
	uint32_t	new_rate_client;	/* NewClientRatePerClient */
	uint32_t	new_burst_client;	/* NewClientBurstPerClient */
	uint32_t	unoffered_lease_time;	/* UnofferedLeaseTime; 0: the
						 * normal lease time */
	/* MetricsListen (docs/metrics.md); port 0: no metrics endpoint */
	uint32_t	metrics_addr;
	uint16_t	metrics_port;
	/* Least privilege (common/util/priv.h); "": not given */
	char		user[33];		/* User */
	char		group[33];		/* Group */
	char		control_group[33];	/* ControlSocketGroup */
	char		control_socket_ro[108];	/* ControlSocketReadOnly */
	char		ro_group[33];		/* ReadOnlyGroup */
};

/*
 * One switch per DHCPFO-MIB notification, indexed by the notification's
 * number (dhcpfoNotifications.N, 1..17; [0] is unused), so the agent
 * needs no table to find a switch.
 */
#define CFG_SNMP_NOTIFY_MAX	18

/* [snmp]: the AgentX sub-agent (snmp/snmp_agent.c). */
struct cfg_snmp {
	bool		present;		/* the file has an [snmp] section */
	char		agentx_socket[CFG_PATH_MAX];	/* AgentXSocket */
	bool		traps;			/* Traps: every notification */
	bool		notify[CFG_SNMP_NOTIFY_MAX];	/* StateChange, ... */
	unsigned	util_high;		/* UtilisationHigh, % 1..100 */
	unsigned	util_normal;		/* UtilisationNormal, % 0..99,
						 * below util_high */
};

struct config {
	char		path[CFG_PATH_MAX];
	struct cfg_server server;
	struct cfg_primary_failover failover;
	size_t		nsubnets;
	struct cfg_subnet *subnets;		/* file order */
	size_t		nhosts;
	struct cfg_host	*hosts;			/* file order */
	struct cfg_snmp	snmp;
	/* Options (docs/options.md): definitions from [option:NAME], the
	 * sets sections refer to ([0] is empty), the global set, classes. */
	struct optdef_set optdefs;
	size_t		noptsets;
	struct cfg_optset *optsets;
	uint32_t	global_opts;		/* [server]'s set */
	size_t		nclasses;
	struct cfg_class *classes;		/* file order */
};

/* One error message per line, in the order found. */
struct config_errors {
	size_t		count;
	char		**msgs;
};

/*
 * Load and validate a primary.ini (primary/pr_config.c: linked into the
 * primary and the tools that read its file, not into the failover).
 * Returns 0 and fills *cfg on success; on failure returns -1, *cfg is
 * left empty (zeroed, nothing to free) and errs holds every problem.
 * errs is initialised by the call (pass NULL to discard the messages);
 * free it with config_errors_free() either way.
 * Section names (and so subnet and host names) are lower case, as the INI
 * parser folds them.  Messages name the file and, where known, the line:
 *   primary.ini:12: [subnet:lan1] LeaseTime = abc: not a number, must be 60..31536000
 *   primary.ini:31: [failover] SyncBindingBufSize = 10: must be 512..4096
 *   primary.ini: no [subnet:NAME] section: at least one is required
 */
int	config_load_primary(const char *path, struct config *cfg,
	    struct config_errors *errs);
/*
 * Load a scope file: the primary form cfg_render_scope() writes
 * (common/config/cfg_scope.c).  Only [server] (which may hold only the
 * option keys: Option.NAME, AlwaysSend, NextServer, BootFile,
 * ServerName), [option:NAME], [class:NAME], [subnet:NAME] and
 * [host:NAME]; any other section or key is an error.  The checks are
 * exactly primary.ini's for these sections (ranges inside subnets,
 * overlaps, duplicate reservations, class ranges, option values).  A
 * subnet's FailoverShare not given in its section is CFG_SHARE_DEFAULT,
 * and its SafePeriod, never given, resolves as in a primary.ini without
 * [failover] (the subnet's longest lease).  Same contract as
 * config_load_primary(): 0 and *cfg filled, or -1, *cfg empty, errs
 * holds every problem.
 */
int	config_load_scope(const char *path, struct config *cfg,
	    struct config_errors *errs);
void	config_free(struct config *cfg);
void	config_errors_free(struct config_errors *errs);
/*
 * How both daemons end a load: when rc != 0, every error on stderr, then
 * "PATH: N errors, not started".  Frees errs either way; returns rc.
 */
int	config_errors_report(const char *path, int rc,
	    struct config_errors *errs);
/*
 * How both daemons refuse a reload: every error logged and added to the
 * control command's answer `why`, then the count.  Frees errs.
 */
/* Append msg (taken; NULL: out of memory, nothing added) to errs. */
void	config_errors_push(struct config_errors *errs, char *msg);
/* Print each of warns as "warning: MESSAGE" on stderr, and free them. */
void	config_warnings_report(struct config_errors *warns);
void	config_errors_refuse_reload(struct config_errors *errs,
	    struct strbuf *why);

/* Lookups used by the server (config.c). */
const struct cfg_subnet *config_subnet_for(const struct config *cfg,
	    uint32_t addr);
/* True if addr lies in one of the n ranges r. */
bool	config_in_ranges(const struct cfg_range *r, size_t n, uint32_t addr);
/* True if addr lies in one of sn's Range entries and is not excluded. */
bool	config_subnet_dynamic(const struct cfg_subnet *sn, uint32_t addr);

/*
 * Spec machinery, shared by the primary.ini loader (primary/pr_config.c)
 * and the failover.ini loader (failover/fod_config.c); its files are
 * listed in common/config/cfg_int.h.  A section is described by one or
 * more tables of struct cfg_spec, each writing into its own struct;
 * cfg_section_parse() fills every key of the section from the file or
 * from its default, range-checks it and reports unknown keys.
 * Cross-checks are then up to the caller, who reports with cfg_error().
 */
enum cfg_type {
	CFG_BOOL,	/* true/false yes/no on/off 1/0 -> bool */
	CFG_UINT,	/* decimal integer min..max -> unsigned of `size` bytes */
	CFG_SECS,	/* seconds, fractions allowed, min..max -> double */
	CFG_PERCENT,	/* percent, fractions allowed, min..max -> double ratio
			   (value / 100) */
	CFG_ADDR,	/* dotted-quad IPv4 -> uint32_t, host order */
	CFG_ADDR_LIST,	/* comma list of IPv4 -> uint32_t[], count at off_n */
	CFG_CIDR,	/* a.b.c.d/len, host bits zero -> uint32_t network at
			   off, uint8_t prefix at off_n; len must be min..max */
	CFG_RANGES,	/* comma list of a-b or single addresses ->
			   struct cfg_range[], count at off_n; lo <= hi */
	CFG_NAME,	/* [A-Za-z0-9_.-]{min..max} -> char[] */
	CFG_DOMAIN,	/* RFC 1035 name: dot-separated labels of letters,
			   digits, '-' (1..63 each) -> char[], min..max long */
	CFG_STRING,	/* printable text, min..max long -> char[] */
	CFG_PATH,	/* absolute path, min..max long -> char[] */
	CFG_IFLIST,	/* comma list of interface names ->
			   char[][CFG_IFNAME_LEN], count at off_n */
	CFG_ENUM,	/* one of `choices` (case-insensitive) -> char[] */
	CFG_MAC,	/* xx:xx:xx:xx:xx:xx -> uint8_t[6] */
	CFG_HEX,	/* xx:xx:... min..max bytes -> uint8_t[], length
			   (size_t) at off_n */
	CFG_ADDR_PORT,	/* a.b.c.d:port, port 1..65535, to listen on ->
			   uint32_t address at off, uint16_t port at off_n;
			   empty: none (both 0) */
};

#define CFG_IFNAME_LEN	16	/* IFNAMSIZ */

/* struct cfg_spec.flags */
#define CFG_F_REQUIRED	0x01	/* missing key is an error */
#define CFG_F_UNICAST	0x02	/* ADDR, ADDR_LIST: no 0/8, multicast,
				   reserved or broadcast addresses */
#define CFG_F_ZERO_DEF	0x04	/* a value of 0 means "use the default" */
#define CFG_F_OPEN_MIN	0x08	/* numbers: value must be > min */
#define CFG_F_OPEN_MAX	0x10	/* numbers: value must be < max */
#define CFG_F_EMPTY_NONE 0x20	/* PATH: empty means none, like absent
				   (an optional file a reload may drop) */

struct cfg_spec {
	const char	*key;		/* canonical spelling, for messages */
	enum cfg_type	 type;
	unsigned	 flags;		/* CFG_F_* */
	double		 min, max;	/* numbers: value range; text and HEX:
					   length range (max 0: buffer size) */
	const char	*def;		/* default, parsed like a file value;
					   NULL: none (the field stays 0) */
	size_t		 off, size;	/* the field in the target struct */
	size_t		 off_n;		/* count / prefix / length field */
	const char *const *choices;	/* CFG_ENUM, NULL-terminated */
	const char	*meaning;	/* one line: what the key does */
};

/* Designated-initialiser helpers for spec tables. */
#define CFG_FIELD(st, m)	.off = offsetof(st, m), .size = sizeof(((st *)0)->m)
#define CFG_COUNT(st, m)	.off_n = offsetof(st, m)

/* One table applied to one struct; up to 64 specs per table. */
struct cfg_table {
	const struct cfg_spec *specs;
	size_t		 nspecs;
	void		*base;		/* the struct the specs write into */
	unsigned	 flags;		/* CFG_TBL_* */
	uint64_t	 present;	/* out: bit i set if specs[i] was in
					   the file and valid */
};
#define CFG_TBL_NO_DEFAULTS	0x01	/* keys not in the file are left
					   untouched (overrides) */
#define CFG_TBL_OPTIONS		0x02	/* the section also takes Option.NAME,
					   NextServer, BootFile, ServerName
					   and AlwaysSend (cfg_optset_parse) */

struct cfg_file;	/* a parsed INI file plus its error list */

/*
 * Parse path.  Returns NULL after recording the reasons in errs (cannot
 * open, syntax errors with their line, duplicate sections or keys).
 * Not thread-safe: iniparser's error callback is process-wide.
 */
struct cfg_file	*cfg_file_load(const char *path, struct config_errors *errs);
/* Frees f, leaving its messages in errs sorted by line number. */
void		 cfg_file_free(struct cfg_file *f);
size_t		 cfg_file_nerrors(const struct cfg_file *f);
/* Sections in file order, lower case (e.g. "subnet:lan1"). */
size_t		 cfg_file_nsections(const struct cfg_file *f);
const char	*cfg_file_section(const struct cfg_file *f, size_t i);
/* The NAME of a section named "KIND:NAME", or NULL if it is not one. */
const char	*cfg_section_name(const char *section, const char *kind);
/* The raw value of section:key (any case), or NULL. */
const char	*cfg_file_value(const struct cfg_file *f, const char *section,
		    const char *key);

/*
 * Apply tables to section (which need not exist in the file: then every
 * default applies and every required key is reported missing).  Keys of
 * the section that no table knows are errors.  Returns 0, or -1 if any
 * error was reported.
 */
int	cfg_section_parse(struct cfg_file *f, const char *section,
	    struct cfg_table *tables, size_t ntables);

/*
 * Report an error about section and key (either may be NULL) as
 *   FILE:LINE: [section] Key = value: message
 * The line and value are looked up in the file; without them the message
 * reads "FILE: [section] Key: message".
 */
void	cfg_error(struct cfg_file *f, const char *section, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * The same without " = value", for a message that names the value
 * itself or tells more than the value would (the host checks,
 * common/dhcp/hostcheck.h):
 *   FILE:LINE: [section] Key: message
 */
void	cfg_error_novalue(struct cfg_file *f, const char *section,
	    const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/*
 * The same message, returned (malloc'd; NULL when out of memory) instead
 * of recorded as an error: for warnings, which do not fail a load.
 */
char	*cfg_format(struct cfg_file *f, const char *section, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same without " = value" (cfg_error_novalue's form). */
char	*cfg_format_novalue(struct cfg_file *f, const char *section,
	    const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/*
 * Check the NAME of a [KIND:NAME] section (1..CFG_NAME_MAX-1 characters
 * of a-z 0-9 _ . -), reporting an error about section if it is not.
 */
bool	cfg_name_ok(struct cfg_file *f, const char *section, const char *name);
/* The candidate closest to word (case-insensitive), if close enough for
 * a "did you mean" hint; NULL otherwise. */
const char *cfg_suggest(const char *word, const char *const *cands,
	    size_t n);

/*
 * The spec tables of the sections both files share, by section kind:
 * "server" (primary.ini's; failover.ini derives its own from it),
 * "subnet", "host", "class", "option" ([option:NAME]), "optset" (the
 * keys a section that hands out options takes beside Option.NAME:
 * NextServer, BootFile, ServerName, AlwaysSend), "snmp".  NULL for any
 * other kind.
 */
const struct cfg_spec *cfg_specs(const char *kind, size_t *n);
/*
 * Sections of primary.ini: cfg_specs() plus "failover", the primary's own
 * [failover] (primary/pr_config.c, like config_load_primary()).
 */
const struct cfg_spec *config_primary_specs(const char *kind, size_t *n);

/*
 * Parse one [subnet:NAME] / [host:NAME] section (name is the part after
 * the colon) into a zeroed struct, with the section-local cross-checks
 * (ranges inside the subnet, lease-time order, ...).  Up to 7 extra
 * tables take further keys of the same section (failover.ini's Primary);
 * their `present` is filled in.  Return 0 or -1.
 */
int	cfg_subnet_parse(struct cfg_file *f, const char *section,
	    const char *name, struct cfg_subnet *sn, struct cfg_table *extra,
	    size_t nextra);
int	cfg_host_parse(struct cfg_file *f, const char *section,
	    const char *name, struct cfg_host *h);
/* The same with up to 7 extra tables, like cfg_subnet_parse(). */
int	cfg_host_parse_extra(struct cfg_file *f, const char *section,
	    const char *name, struct cfg_host *h, struct cfg_table *extra,
	    size_t nextra);
/*
 * Parse the [snmp] section (if any) into *s with its cross-check
 * (UtilisationNormal below UtilisationHigh); shared by both loaders.
 * Returns 0 or -1.
 */
int	cfg_snmp_parse(struct cfg_file *f, struct cfg_snmp *s);
/*
 * A subnet's FailoverShare and SafePeriod from its section, else from
 * the defaults given (the [failover] values); a SafePeriod given
 * nowhere is the subnet's longest lease (MaxLeaseTime).
 */
void	cfg_subnet_resolve_safety(struct cfg_subnet *sn, unsigned share,
	    uint32_t safe_period);
/* A number as the text of a default: CFG_STR(CFG_SHARE_DEFAULT) is "10". */
#define CFG_STR(x)	CFG_STR_(x)
#define CFG_STR_(x)	#x
/* The spec of the two keys above, for [failover] tables: FailoverShare
 * and SafePeriod of a struct at the given offsets. */
#define CFG_SAFETY_SPECS(st, share, safe)				\
	{ .key = "FailoverShare", .type = CFG_UINT, .min = 0,		\
	  .max = 50, .def = CFG_STR(CFG_SHARE_DEFAULT),		\
	  CFG_FIELD(st, share),						\
	  .meaning = "percent of each range the failover alone may give "	\
	  "to new clients (docs/safety.md); 0: no share" },		\
	{ .key = "SafePeriod", .type = CFG_UINT, .min = 0,		\
	  .max = 31536000, CFG_FIELD(st, safe),				\
	  .meaning = "seconds after losing the primary during which the "	\
	  "failover gives new clients only its share (default: each "	\
	  "subnet's MaxLeaseTime)" }
/* After parsing a table holding CFG_SAFETY_SPECS at index i (the
 * SafePeriod spec is i + 1): a SafePeriod not given becomes
 * CFG_SAFE_PERIOD_LEASE. */
void	cfg_safety_unset(const struct cfg_table *t, size_t i,
	    uint32_t *safe_period);
/*
 * Options (common/config/cfg_opts.c, docs/options.md).  Parse the
 * [option:NAME] sections into cfg->optdefs first: Option.NAME keys are
 * looked up there.
 */
void	cfg_optdefs_parse(struct cfg_file *f, struct config *cfg);
/*
 * The Option.NAME keys, NextServer, BootFile, ServerName and AlwaysSend
 * of a section (one parsed with CFG_TBL_OPTIONS) into a new set of cfg:
 * *idx receives its index, 0 when the section sets nothing.  Returns 0,
 * or -1 after reporting the errors.
 */
int	cfg_optset_parse(struct cfg_file *f, const char *section,
	    struct config *cfg, uint32_t *idx);
/* The same for a subnet, whose old keys Routers, DnsServers, NtpServers
 * and DomainName become options of its set (sn->opts). */
int	cfg_subnet_optset(struct cfg_file *f, const char *section,
	    struct config *cfg, struct cfg_subnet *sn);
/* A host's: Hostname becomes option 12 of its set (h->opts). */
int	cfg_host_optset(struct cfg_file *f, const char *section,
	    struct config *cfg, struct cfg_host *h);
/* A new set: over's options and fields on top of base's (either may be
 * 0).  Returns 0, or -1 when out of memory. */
int	cfg_optset_merge(struct config *cfg, uint32_t base, uint32_t over,
	    uint32_t *idx);
/* Store a copy of s (0 if it is empty; UINT32_MAX out of memory). */
uint32_t cfg_optset_store(struct config *cfg, const struct cfg_optset *s);
bool	cfg_optset_add(struct cfg_optset *s, unsigned space, unsigned code,
	    const uint8_t *v, size_t len);
/* The same for n addresses (host order), 4 bytes each, in order. */
bool	cfg_optset_add_addrs(struct cfg_optset *s, unsigned code,
	    const uint32_t *a, size_t n);
bool	cfg_optset_empty(const struct cfg_optset *s);
const struct cfg_opt *cfg_optset_find(const struct cfg_optset *s,
	    unsigned space, unsigned code);
/* The set of index idx (an empty one for 0 or out of range). */
const struct cfg_optset *config_optset(const struct config *cfg,
	    uint32_t idx);
/*
 * Copy src's option definitions, sets and the classes for which keep
 * (may be NULL: all) returns true into dst, which has none yet.
 * Returns 0, or -1 when out of memory (dst's then freed by
 * config_free()).
 */
int	config_options_copy(struct config *dst, const struct config *src,
	    bool (*keep)(const struct cfg_class *, void *), void *arg);

/*
 * [class:NAME] (common/config/cfg_class.c) into a zeroed struct, with up
 * to 7 extra tables (failover.ini's Primary); its options are
 * cfg_optset_parse()'s.  Returns 0 or -1.
 */
int	cfg_class_parse(struct cfg_file *f, const char *section,
	    const char *name, struct cfg_class *c, struct cfg_table *extra,
	    size_t nextra);
/* Class ranges inside one subnet's ranges and apart from each other;
 * at most CFG_MAX_CLASSES classes. */
void	cfg_classes_check(struct cfg_file *f, const struct cfg_subnet *sn,
	    size_t nsn, const struct cfg_class *c, size_t nc);

/*
 * What primary.ini and a scope file share (common/config/cfg_scope.c):
 * the frame of their loaders, their [subnet:NAME], [host:NAME] and
 * [class:NAME] sections and the checks across those.
 *
 * cfg_load_begin() zeroes *cfg, loads path and allocates cfg's subnets,
 * hosts and classes for the file's sections; it returns the file, or
 * NULL with *cfg empty and errs filled.  cfg_load_end() frees f and
 * returns 0 if no error was reported, else -1 with *cfg freed (empty).
 */
struct cfg_file	*cfg_load_begin(const char *path, struct config *cfg,
		    struct config_errors *errs);
int		 cfg_load_end(struct cfg_file *f, struct config *cfg);
/*
 * [subnet:NAME], [host:NAME] and [class:NAME] with their options, in
 * file order, into the arrays cfg_load_begin() allocated.  [option:NAME]
 * sections are skipped (cfg_optdefs_parse() comes first); every other
 * section is handed to other(), which knows the file's own sections and
 * reports the rest.
 */
void	cfg_scope_parse(struct cfg_file *f, struct config *cfg,
	    void (*other)(struct cfg_file *f, const char *section));
/*
 * Across the scope's sections: at least one subnet; each subnet's
 * FailoverShare and SafePeriod resolved against the defaults given
 * (cfg_subnet_resolve_safety()); overlapping subnets, misplaced or
 * duplicate reservations, class ranges.
 */
void	cfg_scope_check(struct cfg_file *f, struct config *cfg,
	    unsigned share, uint32_t safe_period);

/*
 * Cross-checks over all subnets and hosts: overlaps, duplicates.  owner
 * (failover.ini; NULL for primary.ini) holds each subnet's primary as an
 * index, CFG_NO_OWNER where its Primary did not resolve: an overlap with
 * a subnet of another primary names that primary too.
 */
#define CFG_NO_OWNER	((size_t)-1)
/* Do two (valid) subnets share an address? */
bool	cfg_subnets_overlap(const struct cfg_subnet *a,
	    const struct cfg_subnet *b);
void	cfg_subnets_check(struct cfg_file *f, const struct cfg_subnet *sn,
	    size_t n, const size_t *owner);
void	cfg_hosts_check(struct cfg_file *f, const struct cfg_subnet *sn,
	    size_t nsn, const struct cfg_host *h, size_t nh);

#endif
