/*
 * failover.ini: the failover host's configuration
 * (docs/config-failover.md; docs/design.md §1 and §4).
 *
 * Built on the spec machinery of common/config/, so the rules and the
 * messages are those of primary.ini: every key has a spec, every error
 * names file, line, section, key and value, all errors are reported, then
 * the load fails with nothing half-applied.
 *
 *   [server]          the primary's [server] keys (less PingBeforeAssign,
 *                     which is TakeoverPingCheck per primary here), plus
 *                     FailoverPort and MaxPrimaries
 *   [failover]        the default poll/sync policy (struct cfg_fo_policy)
 *   [primary:NAME]    Address, Port, SharedKeyFile, and any [failover]
 *                     key as an override: the policy table is applied a
 *                     second time, with CFG_TBL_NO_DEFAULTS, onto a copy
 *                     of the [failover] values
 *   [subnet:NAME]     cfg_subnet_parse() plus Primary = NAME
 *   [host:NAME]       cfg_host_parse_extra() plus Primary = NAME
 *   [class:NAME]      cfg_class_parse() plus Primary = NAME, ... (none:
 *                     every primary)
 *   [option:NAME]     as in primary.ini, for every primary
 *   [snmp]            as in primary.ini
 *
 * Options (docs/options.md): [server]'s Option.NAME keys are every
 * primary's global options, and a [primary:NAME] may set its own on top
 * (the primary's [server] options, repeated here).
 *
 * Each primary then gets a view: a complete struct config holding the
 * [server] values and only its own subnets and hosts, in arrays of its
 * own, so its thread can build pools and an engine exactly as a primary
 * does (docs/architecture.md convention 5: each thread its own copy).
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fo_proto.h"
#include "fod_config.h"
#include "fo_codec.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* One failover to five primaries at most is advised (docs/design.md §1). */
#define MAX_PRIMARIES_ADVISED	CFG_FO_MAX_PRIMARIES_DEFAULT
/* docs/failover-protocol.md 9.4: the largest lease record is 384 bytes. */

/* ------------------------------------------------------------------ */
/* Spec tables                                                         */

static const char *const share_exhausted_choices[] = {
	"refuse", "borrow", NULL
};

#define P	struct cfg_fo_policy
static const struct cfg_spec policy_specs[] = {
	{ .key = "PollDelay", .type = CFG_SECS, .min = 0, .max = 86400,
	  .def = "60", CFG_FIELD(P, poll_delay),
	  .meaning = "seconds between a poll reply and the next poll" },
	{ .key = "PollRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(P, poll_retry_max),
	  .meaning = "unanswered polls retried before the primary is taken "
	  "as down and its subnets are served" },
	{ .key = "WaitPollRplSecs", .type = CFG_SECS, .flags = CFG_F_ZERO_DEF,
	  .min = 0, .max = 3600, .def = "5", CFG_FIELD(P, wait_poll_rpl),
	  .meaning = "seconds to wait for a poll reply (0: the default); a "
	  "binding update also answers the poll" },
	{ .key = "SyncBindings", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(P, sync_bindings),
	  .meaning = "request all of the primary's bindings at start-up" },
	{ .key = "SyncFailCritical", .type = CFG_BOOL, .def = "false",
	  CFG_FIELD(P, sync_fail_critical),
	  .meaning = "stop this primary's thread when the start-up sync "
	  "fails (only with SyncBindings)" },
	{ .key = "SyncReqRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(P, sync_req_retry_max),
	  .meaning = "SyncReq resends without a SyncStart before the sync "
	  "has failed" },
	{ .key = "WaitSyncStartSecs", .type = CFG_SECS, .min = 0,
	  .max = 3600, .def = "5", CFG_FIELD(P, wait_sync_start),
	  .meaning = "seconds to wait for SyncStart after a SyncReq (0: wait "
	  "forever)" },
	{ .key = "SyncBindRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(P, sync_bind_retry_max),
	  .meaning = "binding update resends without an ack" },
	{ .key = "SyncBindingBufSize", .type = CFG_UINT,
	  .min = FO_BUF_SIZE_CFG_MIN,
	  .max = 4096, .def = "1024", CFG_FIELD(P, sync_binding_buf_size),
	  .meaning = "size of a binding update's options area; must equal "
	  "the primary's" },
	{ .key = "WaitSyncBindAckSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5", CFG_FIELD(P, wait_sync_bind_ack),
	  .meaning = "seconds to wait for the ack of a binding update "
	  "(sending side: hand-back)" },
	{ .key = "WaitSyncBindUpdateSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5", CFG_FIELD(P, wait_sync_bind_update),
	  .meaning = "seconds to wait for the next binding update (receiving "
	  "side: start-up sync)" },
	{ .key = "TakeoverPingCheck", .type = CFG_BOOL, .def = "true",
	  CFG_FIELD(P, takeover_ping_check),
	  .meaning = "in takeover, ICMP-check an address before granting it "
	  "to a client with no binding" },
	{ .key = "OnShareExhausted", .type = CFG_ENUM, .def = "refuse",
	  .choices = share_exhausted_choices,
	  CFG_FIELD(P, on_share_exhausted),
	  .meaning = "inside the safe period with the share used up: refuse "
	  "new clients, or borrow the primary's free addresses, highest "
	  "first, after a ping check (docs/safety.md)" },
	CFG_SAFETY_SPECS(P, failover_share, safe_period),
};
#undef P
/* Index of FailoverShare in policy_specs (SafePeriod follows). */
#define POLICY_SAFETY_SPEC	(NELEM(policy_specs) - 2)

bool
cfg_fo_policy_borrows(const struct cfg_fo_policy *p)
{
	return strcasecmp(p->on_share_exhausted, "borrow") == 0;
}

/* Keys of [primary:NAME] besides the policy overrides. */
#define R	struct cfg_fo_primary
static const struct cfg_spec primary_specs[] = {
	{ .key = "Address", .type = CFG_ADDR,
	  .flags = CFG_F_REQUIRED | CFG_F_UNICAST, CFG_FIELD(R, addr),
	  .meaning = "the primary's ServerAddress: where polls are sent and "
	  "its failover messages come from" },
	{ .key = "Port", .type = CFG_UINT, .min = 1, .max = 65535,
	  .def = "647", CFG_FIELD(R, port),
	  .meaning = "the primary's FailoverPort" },
	{ .key = "SharedKeyFile", .type = CFG_PATH, .flags = CFG_F_REQUIRED,
	  CFG_FIELD(R, key_file),
	  .meaning = "file holding the HMAC key shared with this primary; "
	  "it signs every message sent and is changed by a reload (key "
	  "rotation: docs/security.md)" },
	{ .key = "AcceptSharedKeyFile", .type = CFG_PATH,
	  .flags = CFG_F_EMPTY_NONE, CFG_FIELD(R, accept_key_file),
	  .meaning = "a second HMAC key file whose messages from this primary "
	  "are accepted too (never used to sign), for key rotation: "
	  "docs/security.md" },
};
#undef R

/* Primary = NAME of [subnet:NAME] and [host:NAME]. */
static const struct cfg_spec subnet_primary_specs[] = {
	{ .key = "Primary", .type = CFG_NAME, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = CFG_NAME_MAX - 1,
	  CFG_FIELD(struct cfg_subnet, primary),
	  .meaning = "the [primary:NAME] this subnet belongs to" },
};
static const struct cfg_spec host_primary_specs[] = {
	{ .key = "Primary", .type = CFG_NAME, .flags = CFG_F_REQUIRED,
	  .min = 1, .max = CFG_NAME_MAX - 1,
	  CFG_FIELD(struct cfg_host, primary),
	  .meaning = "the [primary:NAME] this reservation belongs to" },
};
static const struct cfg_spec class_primary_specs[] = {
	{ .key = "Primary", .type = CFG_STRING, .min = 1,
	  CFG_FIELD(struct cfg_class, primaries),
	  .meaning = "the [primary:NAME]s this class is defined for (comma "
	  "list; default: every one)" },
};

/*
 * [server]: the primary's table, moved onto struct fod_config (offsets
 * shifted by where .server sits), with failover defaults and meanings,
 * without PingBeforeAssign, plus the failover-only keys.  Built once:
 * deriving it keeps ranges and types identical to primary.ini's.
 */
static const struct {
	const char	*key, *def, *meaning;
} server_changes[] = {
	{ "Name", NULL, "names this failover server (logs, status, SNMP)" },
	{ "ServerAddress", NULL, "server identifier (option 54) in takeover "
	  "and the address failover messages are sent from" },
	{ "Interfaces", NULL, "interfaces whose directly attached clients "
	  "are served in takeover" },
	{ "ControlSocket", "/run/dhcpfo/failover.sock", NULL },
	{ "PidFile", "/run/dhcpfo/failover.pid", NULL },
	{ "PingAttempts", NULL, "echo requests sent per TakeoverPingCheck" },
	{ "PingSendDelay", NULL, "milliseconds to wait for an echo reply "
	  "(TakeoverPingCheck)" },
	{ "LeaseLogRate", NULL, "most lease log lines a second for each "
	  "primary served, in bursts of up to a second's worth; the others "
	  "are counted; 0: no limit" },
};

static const struct cfg_spec server_extra_specs[] = {
	{ .key = "FailoverPort", .type = CFG_UINT, .min = 1, .max = 65535,
	  .def = "647", CFG_FIELD(struct fod_config, failover_port),
	  .meaning = "UDP port of the failover protocol on ServerAddress" },
	{ .key = "MaxPrimaries", .type = CFG_UINT, .min = 1,
	  .max = CFG_FO_MAX_PRIMARIES_LIMIT, .def = "5",
	  CFG_FIELD(struct fod_config, max_primaries),
	  .meaning = "most [primary:NAME] sections accepted; above 5 loads "
	  "with a warning (docs/config-failover.md)" },
};

static struct cfg_spec	 server_specs[64];
static size_t		 server_nspecs;
static pthread_once_t	 server_once = PTHREAD_ONCE_INIT;

static void
server_specs_build(void)
{
	const struct cfg_spec *ps;
	size_t	 n, shift = offsetof(struct fod_config, server);

	ps = cfg_specs("server", &n);
	for (size_t i = 0; ps != NULL && i < n; i++) {
		struct cfg_spec sp = ps[i];

		if (strcasecmp(sp.key, "PingBeforeAssign") == 0 ||
		    strcasecmp(sp.key, "BatchInterval") == 0)
			continue;
		sp.off += shift;
		sp.off_n += shift;
		for (size_t j = 0; j < NELEM(server_changes); j++) {
			if (strcasecmp(sp.key, server_changes[j].key) != 0)
				continue;
			if (server_changes[j].def != NULL)
				sp.def = server_changes[j].def;
			if (server_changes[j].meaning != NULL)
				sp.meaning = server_changes[j].meaning;
		}
		if (server_nspecs < NELEM(server_specs))
			server_specs[server_nspecs++] = sp;
	}
	for (size_t i = 0; i < NELEM(server_extra_specs); i++)
		if (server_nspecs < NELEM(server_specs))
			server_specs[server_nspecs++] = server_extra_specs[i];
}

static const struct cfg_spec *
server_table(size_t *n)
{
	pthread_once(&server_once, server_specs_build);
	*n = server_nspecs;
	return server_specs;
}

/*
 * Keys that belong elsewhere: accepted by the parser (so there is no
 * "unknown key" guess) and reported with where they go instead.
 */
struct misplaced {
	const char	*kind;		/* "server", "failover", "primary" */
	const char	*key;
	const char	*hint;
};

#define HINT_PING	"not a failover.ini key: in takeover the failover " \
	"pings before granting an address when TakeoverPingCheck = true (in " \
	"[failover] or [primary:NAME])"
#define HINT_PRIMARY_INI "a primary.ini key; failover.ini names each " \
	"primary in a [primary:NAME] section (Address, Port, SharedKeyFile)"
#define HINT_PER_PRIMARY "set per primary, in its [primary:NAME] section"
#define HINT_OUR_PORT	"belongs in [server] (the port this failover server " \
	"listens on); a primary's own port is Port in [primary:NAME]"
#define HINT_POLICY	"belongs in [failover] (for every primary) or in " \
	"[primary:NAME]"

static const struct misplaced misplaced[] = {
	{ "server", "PingBeforeAssign", HINT_PING },
	{ "failover", "PingBeforeAssign", HINT_PING },
	{ "primary", "PingBeforeAssign", HINT_PING },
	{ "failover", "UseFailoverServer", HINT_PRIMARY_INI },
	{ "failover", "FailoverServer", HINT_PRIMARY_INI },
	{ "failover", "CtlReqRetryMax", HINT_PRIMARY_INI },
	{ "failover", "WaitCtlRetSecs", HINT_PRIMARY_INI },
	{ "primary", "UseFailoverServer", HINT_PRIMARY_INI },
	{ "primary", "FailoverServer", "a primary.ini key; here the "
	  "primary's address is Address" },
	{ "primary", "CtlReqRetryMax", HINT_PRIMARY_INI },
	{ "primary", "WaitCtlRetSecs", HINT_PRIMARY_INI },
	{ "failover", "FailoverPort", HINT_OUR_PORT },
	{ "primary", "FailoverPort", HINT_OUR_PORT },
	{ "failover", "Address", HINT_PER_PRIMARY },
	{ "failover", "Port", HINT_PER_PRIMARY },
	{ "failover", "SharedKeyFile", HINT_PER_PRIMARY },
	{ "failover", "MaxPrimaries", "belongs in [server]" },
	{ "server", "SharedKeyFile", HINT_PER_PRIMARY },
	{ "server", "PollDelay", HINT_POLICY },
	{ "server", "PollRetryMax", HINT_POLICY },
	{ "server", "WaitPollRplSecs", HINT_POLICY },
	{ "server", "SyncBindings", HINT_POLICY },
	{ "server", "TakeoverPingCheck", HINT_POLICY },
};

/* Where a misplaced key's value goes: nowhere that is used. */
struct scratch {
	char		 v[1024];	/* longer than any INI line */
};

/* The misplaced keys of kind as a table, at most 64. */
static size_t
misplaced_table(const char *kind, struct cfg_spec *specs, size_t cap)
{
	size_t	 n = 0;

	for (size_t i = 0; i < NELEM(misplaced) && n < cap; i++) {
		if (strcmp(misplaced[i].kind, kind) != 0)
			continue;
		specs[n++] = (struct cfg_spec){
			.key = misplaced[i].key, .type = CFG_STRING,
			CFG_FIELD(struct scratch, v),
			.meaning = misplaced[i].hint,
		};
	}
	return n;
}

static void
misplaced_report(struct cfg_file *f, const char *section,
    const struct cfg_spec *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cfg_file_value(f, section, specs[i].key) != NULL)
			cfg_error(f, section, specs[i].key, "%s",
			    specs[i].meaning);
}

/*
 * Parse a section with tables plus the misplaced keys of its kind.
 * tables must have room for one more entry at tables[n].
 */
static void
section_parse(struct cfg_file *f, const char *section, const char *kind,
    struct cfg_table *tables, size_t n)
{
	struct cfg_spec	 specs[64];
	struct scratch	 scratch;
	size_t		 nm = misplaced_table(kind, specs, NELEM(specs));

	tables[n] = (struct cfg_table){ specs, nm, &scratch,
	    CFG_TBL_NO_DEFAULTS, 0 };
	cfg_section_parse(f, section, tables, nm > 0 ? n + 1 : n);
	misplaced_report(f, section, specs, nm);
}

const struct cfg_spec *
fod_config_specs(const char *kind, size_t *n)
{
	static const struct {
		const char		*kind;
		const struct cfg_spec	*specs;
		size_t			 n;
	} kinds[] = {
		{ "failover", policy_specs, NELEM(policy_specs) },
		{ "primary", primary_specs, NELEM(primary_specs) },
		{ "subnet", subnet_primary_specs,
		  NELEM(subnet_primary_specs) },
		{ "host", host_primary_specs, NELEM(host_primary_specs) },
		{ "class", class_primary_specs, NELEM(class_primary_specs) },
	};

	if (strcmp(kind, "server") == 0)
		return server_table(n);
	if (strcmp(kind, "snmp") == 0)
		return cfg_specs("snmp", n);
	for (size_t i = 0; i < NELEM(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0) {
			*n = kinds[i].n;
			return kinds[i].specs;
		}
	*n = 0;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/* Everything the loader holds until the views are built. */
struct load {
	struct cfg_file		*f;
	struct fod_config	*cfg;
	size_t			 nsub, nhost;
	struct cfg_subnet	*subnets;	/* all, file order */
	size_t			*sub_owner;	/* index into primaries */
	struct cfg_host		*hosts;
	size_t			*host_owner;
	bool			 owners_ok;	/* every Primary resolved */
	/* Option definitions, every option set, every class; each view
	 * gets a copy (its classes: those for its primary). */
	struct config		 opts;
	uint32_t		*prim_opts;	/* [primary:NAME]'s own set */
	uint64_t		*class_owners;	/* per class: bit i for
						 * primaries[i] (its Primary) */
	size_t			 view_of;	/* build_view()'s primary */
	size_t			 nwarn;
	char			**warn;
};

static void
warning_add(struct load *ld, char *msg)
{
	char	**n;

	if (msg == NULL)
		return;
	if ((n = realloc(ld->warn, (ld->nwarn + 1) * sizeof(*n))) == NULL) {
		free(msg);
		return;
	}
	ld->warn = n;
	ld->warn[ld->nwarn++] = msg;
}

static char *
addr_str(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = htonl(a) };

	if (inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) == NULL)
		snprintf(buf, INET_ADDRSTRLEN, "?");
	return buf;
}

static void
parse_server(struct load *ld)
{
	struct cfg_table tb[2];
	size_t	 n;
	const struct cfg_spec *sp = server_table(&n);

	tb[0] = (struct cfg_table){ sp, n, ld->cfg, CFG_TBL_OPTIONS, 0 };
	section_parse(ld->f, "server", "server", tb, 1);
	(void)cfg_optset_parse(ld->f, "server", &ld->opts,
	    &ld->opts.global_opts);
	if (ld->cfg->max_primaries > MAX_PRIMARIES_ADVISED)
		/* docs/design.md §1, both reasons. */
		warning_add(ld, cfg_format(ld->f, "server", "MaxPrimaries", "more "
		    "than the recommended %d primaries per failover server: "
		    "in a catastrophic failure (all primaries down, or the "
		    "failover cut off from them) one host may not have the "
		    "processing power to replace them all, and each primary "
		    "adds a thread and its context switches",
		    MAX_PRIMARIES_ADVISED));
}

static void
parse_primary(struct load *ld, const char *section, const char *name,
    struct cfg_fo_primary *p, uint32_t *opts)
{
	struct cfg_table tb[3];

	if (cfg_name_ok(ld->f, section, name)) {
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->id = fo_primary_id(p->name);
	}
	p->policy = ld->cfg->defaults;
	tb[0] = (struct cfg_table){ primary_specs, NELEM(primary_specs), p,
	    CFG_TBL_OPTIONS, 0 };
	tb[1] = (struct cfg_table){ policy_specs, NELEM(policy_specs),
	    &p->policy, CFG_TBL_NO_DEFAULTS, 0 };
	section_parse(ld->f, section, "primary", tb, 2);
	(void)cfg_optset_parse(ld->f, section, &ld->opts, opts);
}

/* The index of the primary named name (case-insensitive), or
 * CFG_NO_OWNER. */
static size_t
owner_find(const struct fod_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nprimaries; i++)
		if (cfg->primaries[i].name[0] != '\0' &&
		    strcasecmp(cfg->primaries[i].name, name) == 0)
			return i;
	return CFG_NO_OWNER;
}

/*
 * Resolve the Primary of a subnet or host; report a name that matches
 * no [primary:NAME].  An invalid Primary was reported by its spec.
 */
static size_t
owner_resolve(struct load *ld, const char *section, char *primary)
{
	const struct fod_config *cfg = ld->cfg;
	const char *cands[CFG_FO_MAX_PRIMARIES_LIMIT], *guess;
	size_t	 i, n = 0;

	if (primary[0] == '\0') {
		ld->owners_ok = false;
		return CFG_NO_OWNER;
	}
	if ((i = owner_find(cfg, primary)) != CFG_NO_OWNER) {
		/* The section's spelling: lower case, as in logs. */
		snprintf(primary, CFG_NAME_MAX, "%s", cfg->primaries[i].name);
		return i;
	}
	ld->owners_ok = false;
	for (i = 0; i < cfg->nprimaries && n < NELEM(cands); i++)
		if (cfg->primaries[i].name[0] != '\0')
			cands[n++] = cfg->primaries[i].name;
	if ((guess = cfg_suggest(primary, cands, n)) != NULL)
		cfg_error(ld->f, section, "Primary", "no [primary:%s] section "
		    "(did you mean %s?)", primary, guess);
	else
		cfg_error(ld->f, section, "Primary", "no [primary:%s] section",
		    primary);
	return CFG_NO_OWNER;
}

static void
unknown_section(struct cfg_file *f, const char *s)
{
	static const char *const plain[] = { "server", "failover", "snmp" };
	static const char *const named[] = { "primary", "subnet", "host",
		"class", "option" };
	const char *colon = strchr(s, ':'), *guess;
	char	 kind[CFG_NAME_MAX];

	if (colon == NULL) {
		const char *all[NELEM(plain) + NELEM(named)];

		for (size_t i = 0; i < NELEM(plain); i++)
			all[i] = plain[i];
		for (size_t i = 0; i < NELEM(named); i++)
			all[NELEM(plain) + i] = named[i];
		guess = cfg_suggest(s, all, NELEM(all));
		for (size_t i = 0; i < NELEM(named); i++)
			if (strcmp(s, named[i]) == 0) {
				cfg_error(f, s, NULL, "needs a name: "
				    "[%s:NAME]", s);
				return;
			}
		for (size_t i = 0; guess != NULL && i < NELEM(named); i++)
			if (guess == named[i]) {
				cfg_error(f, s, NULL, "unknown section (did "
				    "you mean [%s:NAME]?)", guess);
				return;
			}
		if (guess != NULL) {
			cfg_error(f, s, NULL, "unknown section (did you mean "
			    "[%s]?)", guess);
			return;
		}
	} else if ((size_t)(colon - s) < sizeof(kind)) {
		memcpy(kind, s, (size_t)(colon - s));
		kind[colon - s] = '\0';
		if ((guess = cfg_suggest(kind, named, NELEM(named))) != NULL) {
			cfg_error(f, s, NULL, "unknown section (did you mean "
			    "[%s%s]?)", guess, colon);
			return;
		}
	}
	cfg_error(f, s, NULL, "unknown section (expected [server], "
	    "[failover], [snmp], [primary:NAME], [subnet:NAME], "
	    "[host:NAME], [class:NAME] or [option:NAME])");
}

/* Count the named sections and allocate what they parse into. */
static int
alloc_sections(struct load *ld)
{
	struct fod_config *cfg = ld->cfg;
	size_t	 nsec = cfg_file_nsections(ld->f), nprim = 0, ncls = 0;

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(ld->f, i);
		nprim += cfg_section_name(s, "primary") != NULL;
		ld->nsub += cfg_section_name(s, "subnet") != NULL;
		ld->nhost += cfg_section_name(s, "host") != NULL;
		ncls += cfg_section_name(s, "class") != NULL;
	}
	if ((nprim > 0 && ((cfg->primaries = calloc(nprim,
	    sizeof(*cfg->primaries))) == NULL || (ld->prim_opts = calloc(nprim,
	    sizeof(*ld->prim_opts))) == NULL)) ||
	    (ncls > 0 && ((ld->opts.classes = calloc(ncls,
	    sizeof(*ld->opts.classes))) == NULL ||
	    (ld->class_owners = calloc(ncls,
	    sizeof(*ld->class_owners))) == NULL)) ||
	    (ld->nsub > 0 && ((ld->subnets = calloc(ld->nsub,
	    sizeof(*ld->subnets))) == NULL || (ld->sub_owner = calloc(ld->nsub,
	    sizeof(*ld->sub_owner))) == NULL)) ||
	    (ld->nhost > 0 && ((ld->hosts = calloc(ld->nhost,
	    sizeof(*ld->hosts))) == NULL || (ld->host_owner = calloc(ld->nhost,
	    sizeof(*ld->host_owner))) == NULL)))
		return -1;
	return 0;
}

/*
 * A class's Primary: a comma list, each a [primary:NAME], resolved here
 * once into the primaries it is for (none given: every one).
 */
static void
parse_class(struct load *ld, const char *section, const char *name)
{
	size_t	 ci = ld->opts.nclasses++;
	struct cfg_class *c = &ld->opts.classes[ci];
	struct cfg_table tb = { class_primary_specs,
	    NELEM(class_primary_specs), c, 0, 0 };
	char	 list[sizeof(c->primaries)], *save = NULL;

	(void)cfg_class_parse(ld->f, section, name, c, &tb, 1);
	(void)cfg_optset_parse(ld->f, section, &ld->opts, &c->opts);
	ld->class_owners[ci] = c->primaries[0] == '\0' ? UINT64_MAX : 0;
	snprintf(list, sizeof(list), "%s", c->primaries);
	for (char *w = strtok_r(list, ", \t", &save); w != NULL;
	    w = strtok_r(NULL, ", \t", &save)) {
		char	 one[CFG_NAME_MAX];
		size_t	 pi;

		snprintf(one, sizeof(one), "%s", w);
		/* More primaries than the limit is an error of its own. */
		if ((pi = owner_resolve(ld, section, one)) != CFG_NO_OWNER &&
		    pi < 64)
			ld->class_owners[ci] |= 1ULL << pi;
	}
}

/* Is the class defined for the primary whose view is being built? */
static bool
class_for(const struct cfg_class *c, void *arg)
{
	const struct load *ld = arg;

	return ld->view_of < 64 &&
	    ((ld->class_owners[c - ld->opts.classes] >> ld->view_of) & 1);
}

/* Every section in file order.  Primaries first: Primary refers to them
 * whatever the order of the sections. */
static void
parse_sections(struct load *ld)
{
	struct fod_config *cfg = ld->cfg;
	size_t	 nsec = cfg_file_nsections(ld->f), nsub = 0, nhost = 0;

	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(ld->f, i), *name;

		if ((name = cfg_section_name(s, "primary")) != NULL) {
			parse_primary(ld, s, name,
			    &cfg->primaries[cfg->nprimaries],
			    &ld->prim_opts[cfg->nprimaries]);
			cfg->nprimaries++;
		}
	}
	for (size_t i = 0; i < nsec; i++) {
		const char *s = cfg_file_section(ld->f, i), *name;
		struct cfg_table tb;

		if ((name = cfg_section_name(s, "subnet")) != NULL) {
			struct cfg_subnet *sn = &ld->subnets[nsub];

			tb = (struct cfg_table){ subnet_primary_specs,
			    NELEM(subnet_primary_specs), sn, 0, 0 };
			cfg_subnet_parse(ld->f, s, name, sn, &tb, 1);
			(void)cfg_subnet_optset(ld->f, s, &ld->opts, sn);
			ld->sub_owner[nsub++] = owner_resolve(ld, s,
			    sn->primary);
		} else if ((name = cfg_section_name(s, "host")) != NULL) {
			struct cfg_host *h = &ld->hosts[nhost];

			tb = (struct cfg_table){ host_primary_specs,
			    NELEM(host_primary_specs), h, 0, 0 };
			cfg_host_parse_extra(ld->f, s, name, h, &tb, 1);
			(void)cfg_host_optset(ld->f, s, &ld->opts, h);
			ld->host_owner[nhost++] = owner_resolve(ld, s,
			    h->primary);
		} else if ((name = cfg_section_name(s, "class")) != NULL) {
			parse_class(ld, s, name);
		} else if (cfg_section_name(s, "primary") != NULL ||
		    cfg_section_name(s, "option") != NULL ||
		    strcmp(s, "server") == 0 || strcmp(s, "failover") == 0 ||
		    strcmp(s, "snmp") == 0)
			continue;
		else
			unknown_section(ld->f, s);
	}
}

/* Count, MaxPrimaries, Address:Port, ids, subnets per primary. */
static void
check_primaries(struct load *ld)
{
	struct fod_config *cfg = ld->cfg;
	struct cfg_file *f = ld->f;
	char	 a[INET_ADDRSTRLEN], sec[CFG_NAME_MAX + 16];

	if (cfg->nprimaries == 0) {
		cfg_error(f, NULL, NULL, "no [primary:NAME] section: at least "
		    "one is required");
		return;
	}
	/* 0: MaxPrimaries itself was invalid, and reported. */
	if (cfg->max_primaries != 0 && cfg->nprimaries > cfg->max_primaries)
		cfg_error(f, "server", "MaxPrimaries", "%zu [primary:NAME] "
		    "sections, more than MaxPrimaries (%u); raise it (more "
		    "than %d is not recommended) or move primaries to another "
		    "failover server", cfg->nprimaries, cfg->max_primaries,
		    MAX_PRIMARIES_ADVISED);

	for (size_t i = 0; i < cfg->nprimaries; i++) {
		const struct cfg_fo_primary *p = &cfg->primaries[i];
		bool	 has_subnet = false;

		if (p->name[0] == '\0')
			continue;	/* bad name, reported */
		snprintf(sec, sizeof(sec), "primary:%s", p->name);
		if (p->addr != 0 && p->port != 0 &&
		    p->addr == cfg->server.server_addr &&
		    p->port == cfg->failover_port)
			cfg_error(f, sec, "Address", "%s port %u is this "
			    "failover server's own ServerAddress and "
			    "FailoverPort", addr_str(p->addr, a), p->port);
		for (size_t j = 0; j < i; j++) {
			const struct cfg_fo_primary *q = &cfg->primaries[j];

			if (q->name[0] == '\0')
				continue;
			if (p->addr != 0 && p->port != 0 &&
			    p->addr == q->addr && p->port == q->port)
				cfg_error(f, sec, "Address", "%s port %u is "
				    "also [primary:%s]'s Address and Port",
				    addr_str(p->addr, a), p->port, q->name);
			/* FNV-1a of distinct names: rare, but the id is
			 * what messages are routed by. */
			if (p->id == q->id)
				cfg_error(f, sec, NULL, "its primary id "
				    "(0x%08x) equals [primary:%s]'s; rename "
				    "one of them", p->id, q->name);
		}
		for (size_t j = 0; j < ld->nsub && !has_subnet; j++)
			has_subnet = ld->sub_owner[j] == i;
		/* None: it sends its configuration (docs/learn.md).  With a
		 * Primary that matched nothing, it may have meant this one:
		 * that error is the one to read. */
		cfg->primaries[i].learns = !has_subnet && ld->owners_ok;
	}
}

/* A shared network is one link, served by one primary. */
static void
check_shared_networks(struct load *ld)
{
	char	 sec[CFG_NAME_MAX + 16];

	for (size_t i = 0; i < ld->nsub; i++) {
		const struct cfg_subnet *a = &ld->subnets[i];

		if (a->shared_network[0] == '\0' ||
		    ld->sub_owner[i] == CFG_NO_OWNER)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct cfg_subnet *b = &ld->subnets[j];

			if (ld->sub_owner[j] == CFG_NO_OWNER ||
			    ld->sub_owner[j] == ld->sub_owner[i] ||
			    strcmp(a->shared_network, b->shared_network) != 0)
				continue;
			snprintf(sec, sizeof(sec), "subnet:%s", a->name);
			cfg_error(ld->f, sec, "SharedNetwork", "[subnet:%s] of "
			    "[primary:%s] is on this shared network too; a "
			    "shared network belongs to one primary", b->name,
			    b->primary);
			break;
		}
	}
}

static bool
in_subnet(const struct cfg_subnet *sn, uint32_t a)
{
	return sn->prefix != 0 && (a & sn->mask) == sn->network;
}

/* A host's Address must be inside a subnet of its own primary. */
static bool
host_placed(struct load *ld, size_t h)
{
	const struct cfg_host *ho = &ld->hosts[h];
	size_t	 own = ld->host_owner[h];
	bool	 all_valid = true;
	char	 sec[CFG_NAME_MAX + 16];

	if (ho->addr == 0 || own == CFG_NO_OWNER)
		return true;	/* reported already */
	snprintf(sec, sizeof(sec), "host:%s", ho->name);
	if (ld->cfg->primaries[own].learns) {
		cfg_error(ld->f, sec, "Primary", "[primary:%s] has no "
		    "[subnet:NAME] here, so its configuration, reservations "
		    "included, is learnt from it; give this reservation to "
		    "the primary, or its subnets to this file",
		    ho->primary);
		return false;
	}
	for (size_t j = 0; j < ld->nsub; j++) {
		if (ld->sub_owner[j] != own)
			continue;
		if (ld->subnets[j].prefix == 0)
			all_valid = false;
		else if (in_subnet(&ld->subnets[j], ho->addr))
			return true;
	}
	for (size_t j = 0; j < ld->nsub; j++) {
		if (!in_subnet(&ld->subnets[j], ho->addr))
			continue;
		/* Its subnet's Primary is in error: that one message. */
		if (ld->sub_owner[j] == CFG_NO_OWNER)
			return false;
		cfg_error(ld->f, sec, "Address", "inside [subnet:%s] of "
		    "[primary:%s], not a subnet of [primary:%s]",
		    ld->subnets[j].name, ld->subnets[j].primary, ho->primary);
		return false;
	}
	/* With one of its subnets in error, "not inside" would be noise. */
	if (all_valid)
		cfg_error(ld->f, sec, "Address", "not inside any "
		    "[subnet:NAME] of [primary:%s]", ho->primary);
	return false;
}

/*
 * Each primary's view: [server] with ping_before_assign from its
 * TakeoverPingCheck, [snmp], and copies of its own subnets and hosts
 * (only hosts inside its subnets, so the host checks below do not
 * repeat host_placed()'s message).
 */
/* What every view holds of the failover's own file, whatever the source
 * of its subnets: the path, [server] with the primary's
 * TakeoverPingCheck, [snmp]. */
static void
view_base(const struct fod_config *cfg, const struct cfg_fo_primary *p,
    struct config *v)
{
	snprintf(v->path, sizeof(v->path), "%s", cfg->path);
	v->server = cfg->server;
	v->server.ping_before_assign = p->policy.takeover_ping_check;
	v->snmp = cfg->snmp;
}

static int
build_view(struct load *ld, size_t pi, const bool *placed)
{
	struct fod_config *cfg = ld->cfg;
	struct cfg_fo_primary *p = &cfg->primaries[pi];
	struct config *v = &p->view;
	size_t	 ns = 0, nh = 0;

	view_base(cfg, p, v);
	for (size_t j = 0; j < ld->nsub; j++)
		ns += ld->sub_owner[j] == pi;
	for (size_t j = 0; j < ld->nhost; j++)
		nh += ld->host_owner[j] == pi && placed[j];
	if ((ns > 0 && (v->subnets = calloc(ns, sizeof(*v->subnets))) ==
	    NULL) || (nh > 0 && (v->hosts = calloc(nh,
	    sizeof(*v->hosts))) == NULL))
		return -1;
	for (size_t j = 0; j < ld->nsub; j++) {
		if (ld->sub_owner[j] != pi)
			continue;
		v->subnets[v->nsubnets] = ld->subnets[j];
		cfg_subnet_resolve_safety(&v->subnets[v->nsubnets++],
		    p->policy.failover_share, p->policy.safe_period);
	}
	for (size_t j = 0; j < ld->nhost; j++)
		if (ld->host_owner[j] == pi && placed[j])
			v->hosts[v->nhosts++] = ld->hosts[j];
	ld->view_of = pi;
	if (config_options_copy(v, &ld->opts, class_for, ld) < 0 ||
	    cfg_optset_merge(v, v->global_opts, ld->prim_opts[pi],
	    &v->global_opts) < 0)
		return -1;
	return 0;
}

static int
check_hosts_build_views(struct load *ld)
{
	struct fod_config *cfg = ld->cfg;
	bool	*placed = NULL;
	int	 rc = 0;

	if (ld->nhost > 0 && (placed = calloc(ld->nhost,
	    sizeof(*placed))) == NULL)
		return -1;
	for (size_t h = 0; h < ld->nhost; h++)
		placed[h] = host_placed(ld, h);
	for (size_t i = 0; i < cfg->nprimaries && rc == 0; i++) {
		struct config *v = &cfg->primaries[i].view;

		if ((rc = build_view(ld, i, placed)) == 0)
			/* Duplicates and network/broadcast addresses, per
			 * primary: a client may hold reservations at two
			 * primaries (it moves between their sites). */
		{
			cfg_hosts_check(ld->f, v->subnets, v->nsubnets,
			    v->hosts, v->nhosts);
			cfg_classes_check(ld->f, v->subnets, v->nsubnets,
			    v->classes, v->nclasses);
		}
	}
	free(placed);
	return rc;
}

/*
 * Policy values that load but deserve a word, said where they are set:
 * once per primary that sets its own, and once for [failover] when some
 * primary concerned takes the key from there.
 */
static bool
sync_fatal(const struct cfg_fo_policy *p)
{
	/* docs/design.md §4: the failover server exits -- here the whole
	 * daemon (fod_fsm.h FOD_ACT_EXIT_CRITICAL), so every other primary
	 * loses its backup over one primary's failed sync. */
	return p->sync_fail_critical && p->sync_bindings;
}

static const struct {
	const char	*key;
	bool		(*applies)(const struct cfg_fo_policy *);
	bool		 many;		/* only with two or more primaries */
	const char	*why;
} policy_warnings[] = {
	{ "SyncFailCritical", sync_fatal, true, "a failed start-up sync "
	  "stops the whole failover server, so every other primary loses its "
	  "backup too" },
};

static void
check_policies(struct load *ld)
{
	struct fod_config *cfg = ld->cfg;
	char	 sec[CFG_NAME_MAX + 16];

	for (size_t w = 0; w < NELEM(policy_warnings); w++) {
		const char *key = policy_warnings[w].key;
		bool	 inherited = false;

		if (policy_warnings[w].many && cfg->nprimaries < 2)
			continue;
		for (size_t i = 0; i < cfg->nprimaries; i++) {
			const struct cfg_fo_primary *p = &cfg->primaries[i];

			snprintf(sec, sizeof(sec), "primary:%s", p->name);
			if (!policy_warnings[w].applies(&p->policy))
				continue;
			if (cfg_file_value(ld->f, sec, key) == NULL)
				inherited = true;
			else
				warning_add(ld, cfg_format(ld->f, sec, key, "%s",
				    policy_warnings[w].why));
		}
		if (inherited)
			warning_add(ld, cfg_format(ld->f, "failover", key, "%s",
			    policy_warnings[w].why));
	}
}

static void
load_free(struct load *ld)
{
	free(ld->subnets);
	free(ld->sub_owner);
	free(ld->hosts);
	free(ld->host_owner);
	free(ld->prim_opts);
	free(ld->class_owners);
	config_free(&ld->opts);
	for (size_t i = 0; i < ld->nwarn; i++)
		free(ld->warn[i]);
	free(ld->warn);
}

int
config_load_failover(const char *path, struct fod_config *cfg,
    struct config_errors *errs)
{
	struct load	 ld;
	struct cfg_table tb[2];

	memset(cfg, 0, sizeof(*cfg));
	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.owners_ok = true;
	if ((ld.f = cfg_file_load(path, errs)) == NULL)
		return -1;
	if (strlen(path) >= sizeof(cfg->path))
		cfg_error(ld.f, NULL, NULL, "path longer than %d characters",
		    CFG_PATH_MAX - 1);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	if (alloc_sections(&ld) < 0) {
		cfg_error(ld.f, NULL, NULL, "out of memory");
		goto fail;
	}

	cfg_optdefs_parse(ld.f, &ld.opts);
	parse_server(&ld);
	tb[0] = (struct cfg_table){ policy_specs, NELEM(policy_specs),
	    &cfg->defaults, 0, 0 };
	section_parse(ld.f, "failover", "failover", tb, 1);
	cfg_safety_unset(&tb[0], POLICY_SAFETY_SPEC,
	    &cfg->defaults.safe_period);
	cfg_snmp_parse(ld.f, &cfg->snmp);

	parse_sections(&ld);
	check_primaries(&ld);
	/* A client's address must lead to one thread. */
	cfg_subnets_check(ld.f, ld.subnets, ld.nsub, ld.sub_owner);
	check_shared_networks(&ld);
	if (check_hosts_build_views(&ld) < 0) {
		cfg_error(ld.f, NULL, NULL, "out of memory");
		goto fail;
	}
	check_policies(&ld);
	if (cfg_file_nerrors(ld.f) > 0)
		goto fail;

	cfg->warnings = ld.warn;
	cfg->nwarnings = ld.nwarn;
	ld.warn = NULL;
	ld.nwarn = 0;
	load_free(&ld);
	cfg_file_free(ld.f);
	return 0;
fail:
	load_free(&ld);
	cfg_file_free(ld.f);
	fod_config_free(cfg);
	return -1;
}

void
fod_config_free(struct fod_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; cfg->primaries != NULL && i < cfg->nprimaries; i++)
		config_free(&cfg->primaries[i].view);
	free(cfg->primaries);
	for (size_t i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

const struct cfg_fo_primary *
fod_config_primary(const struct fod_config *cfg, const char *name)
{
	size_t	 i = name != NULL ? owner_find(cfg, name) : CFG_NO_OWNER;

	return i == CFG_NO_OWNER ? NULL : &cfg->primaries[i];
}

const struct cfg_fo_primary *
fod_config_primary_by_id(const struct fod_config *cfg, uint32_t id)
{
	for (size_t i = 0; i < cfg->nprimaries; i++)
		if (cfg->primaries[i].id == id)
			return &cfg->primaries[i];
	return NULL;
}

const struct cfg_fo_primary *
fod_config_primary_for(const struct fod_config *cfg, uint32_t addr,
    const struct cfg_subnet **sn)
{
	for (size_t i = 0; i < cfg->nprimaries; i++) {
		const struct cfg_subnet *s;

		if ((s = config_subnet_for(&cfg->primaries[i].view,
		    addr)) != NULL) {
			if (sn != NULL)
				*sn = s;
			return &cfg->primaries[i];
		}
	}
	if (sn != NULL)
		*sn = NULL;
	return NULL;
}

int
fod_config_view_dup(const struct config *view, struct config *out)
{
	*out = *view;
	out->subnets = NULL;
	out->hosts = NULL;
	out->optsets = NULL;
	out->noptsets = 0;
	out->classes = NULL;
	out->nclasses = 0;
	if ((view->nsubnets > 0 && (out->subnets = calloc(view->nsubnets,
	    sizeof(*out->subnets))) == NULL) ||
	    (view->nhosts > 0 && (out->hosts = calloc(view->nhosts,
	    sizeof(*out->hosts))) == NULL)) {
		config_free(out);
		return -1;
	}
	if (view->nsubnets > 0)
		memcpy(out->subnets, view->subnets,
		    view->nsubnets * sizeof(*out->subnets));
	if (view->nhosts > 0)
		memcpy(out->hosts, view->hosts,
		    view->nhosts * sizeof(*out->hosts));
	if (config_options_copy(out, view, NULL, NULL) < 0) {
		config_free(out);
		return -1;
	}
	return 0;
}

double
fod_policy_detect_secs(const struct cfg_fo_policy *p)
{
	return p->poll_delay + (p->poll_retry_max + 1.0) * p->wait_poll_rpl;
}

int
fod_config_dup(const struct fod_config *src, struct fod_config *dst)
{
	*dst = *src;
	dst->primaries = NULL;
	dst->nprimaries = 0;
	dst->warnings = NULL;
	dst->nwarnings = 0;
	if (src->nprimaries > 0 && (dst->primaries = calloc(src->nprimaries,
	    sizeof(*dst->primaries))) == NULL)
		return -1;
	for (size_t i = 0; i < src->nprimaries; i++) {
		dst->primaries[i] = src->primaries[i];
		memset(&dst->primaries[i].view, 0,
		    sizeof(dst->primaries[i].view));
		dst->nprimaries++;
		if (fod_config_view_dup(&src->primaries[i].view,
		    &dst->primaries[i].view) < 0) {
			fod_config_free(dst);
			return -1;
		}
	}
	return 0;
}

/*
 * The view_base() of any view, and the subnets' SafePeriod from this
 * primary's policy (the primary's own SafePeriod is not sent: only the
 * failover acts on it).  FailoverShare is the primary's: both servers
 * must agree on the very addresses of the share.
 */
void
fod_config_learnt_view(const struct fod_config *cfg,
    const struct cfg_fo_primary *p, struct config *scope, struct config *view)
{
	*view = *scope;
	memset(scope, 0, sizeof(*scope));
	view_base(cfg, p, view);
	memset(&view->failover, 0, sizeof(view->failover));
	for (size_t i = 0; i < view->nsubnets; i++) {
		struct cfg_subnet *sn = &view->subnets[i];

		snprintf(sn->primary, sizeof(sn->primary), "%s", p->name);
		sn->safe_period = CFG_INHERIT;
		cfg_subnet_resolve_safety(sn, sn->failover_share,
		    p->policy.safe_period);
	}
	for (size_t i = 0; i < view->nhosts; i++)
		snprintf(view->hosts[i].primary, sizeof(view->hosts[i].primary),
		    "%s", p->name);
}
