/*
 * primary.ini: the primary's configuration (docs/config-primary.md).
 *
 * Built on the spec machinery of common/config/ like failover.ini, so
 * the rules and the messages are the same: [server], [subnet:NAME],
 * [host:NAME] and [snmp] come from the tables both files share
 * (common/config/cfg_tables.c, cfg_check.c), and the scope's sections
 * and their checks across sections from the code the scope file's
 * loader runs too (common/config/cfg_scope.c); what is the primary's
 * alone is here: its [failover] section (how it reaches its failover
 * server) and the loader that puts the file together.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fo_proto.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define F	struct cfg_primary_failover
static const struct cfg_spec failover_specs[] = {
	{ .key = "UseFailoverServer", .type = CFG_BOOL, .def = "false",
	  CFG_FIELD(F, use_failover),
	  .meaning = "true: this primary is backed up by FailoverServer" },
	{ .key = "FailoverServer", .type = CFG_ADDR, .flags = CFG_F_UNICAST,
	  CFG_FIELD(F, server),
	  .meaning = "address of the failover server (required with "
	  "UseFailoverServer)" },
	{ .key = "FailoverPort", .type = CFG_UINT, .min = 1, .max = 65535,
	  .def = "647", CFG_FIELD(F, port),
	  .meaning = "UDP port of the failover protocol" },
	{ .key = "SharedKeyFile", .type = CFG_PATH,
	  CFG_FIELD(F, key_file),
	  .meaning = "file holding the pair's HMAC key (required with "
	  "UseFailoverServer); it signs every message sent and is changed "
	  "by a reload (key rotation: docs/security.md)" },
	{ .key = "AcceptSharedKeyFile", .type = CFG_PATH,
	  .flags = CFG_F_EMPTY_NONE, CFG_FIELD(F, accept_key_file),
	  .meaning = "a second HMAC key file whose messages are accepted too "
	  "(never used to sign), for key rotation: docs/security.md" },
	{ .key = "CtlReqRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(F, ctl_req_retry_max),
	  .meaning = "CtlReq resends before the failover is taken as "
	  "inoperable" },
	{ .key = "WaitCtlRetSecs", .type = CFG_SECS, .flags = CFG_F_ZERO_DEF,
	  .min = 0, .max = 3600, .def = "5",
	  CFG_FIELD(F, wait_ctl_ret_secs),
	  .meaning = "seconds to wait for CtlRet (0: the default)" },
	{ .key = "SyncBindRetryMax", .type = CFG_UINT, .min = 0, .max = 10,
	  .def = "3", CFG_FIELD(F, sync_bind_retry_max),
	  .meaning = "binding update resends without an ack" },
	{ .key = "SyncBindingBufSize", .type = CFG_UINT,
	  .min = FO_BUF_SIZE_CFG_MIN,
	  .max = 4096, .def = "1024", CFG_FIELD(F, sync_binding_buf_size),
	  .meaning = "size of a binding update's options area; must equal "
	  "the failover's" },
	{ .key = "WaitSyncBindAckSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5", CFG_FIELD(F, wait_sync_bind_ack_secs),
	  .meaning = "seconds to wait for the ack of a binding update" },
	{ .key = "WaitSyncBindUpdateSecs", .type = CFG_SECS, .min = 0.01,
	  .max = 3600, .def = "5",
	  CFG_FIELD(F, wait_sync_bind_update_secs),
	  .meaning = "seconds to wait for the next binding update when "
	  "receiving" },
	{ .key = "BindUpdDelay", .type = CFG_UINT, .min = 0, .max = 1000,
	  .def = "20", CFG_FIELD(F, bind_upd_delay_ms),
	  .meaning = "milliseconds a committed change may wait to share a "
	  "binding update with the next ones (0: send at once)" },
	CFG_SAFETY_SPECS(F, failover_share, safe_period),
};
#undef F
/* Index of FailoverShare in failover_specs (SafePeriod follows). */
#define FO_SAFETY_SPEC	(NELEM(failover_specs) - 2)

const struct cfg_spec *
config_primary_specs(const char *kind, size_t *n)
{
	if (strcmp(kind, "failover") == 0) {
		*n = NELEM(failover_specs);
		return failover_specs;
	}
	return cfg_specs(kind, n);
}

/* [failover]: with UseFailoverServer, where and with which key. */
static void
failover_check(struct cfg_file *f, const struct cfg_primary_failover *fo)
{
	if (!fo->use_failover)
		return;
	if (cfg_file_value(f, "failover", "FailoverServer") == NULL)
		cfg_error(f, "failover", "FailoverServer", "required when "
		    "UseFailoverServer = true");
	if (cfg_file_value(f, "failover", "SharedKeyFile") == NULL)
		cfg_error(f, "failover", "SharedKeyFile", "required when "
		    "UseFailoverServer = true");
}

/* [server], [failover] and [snmp], whether in the file or not. */
static void
parse_fixed_sections(struct cfg_file *f, struct config *cfg)
{
	struct cfg_table tb;
	const struct cfg_spec *server;
	size_t	 n;

	cfg_optdefs_parse(f, cfg);
	server = cfg_specs("server", &n);
	tb = (struct cfg_table){ server, n, &cfg->server, CFG_TBL_OPTIONS,
	    0 };
	cfg_section_parse(f, "server", &tb, 1);
	(void)cfg_optset_parse(f, "server", cfg, &cfg->global_opts);
	tb = (struct cfg_table){ failover_specs, NELEM(failover_specs),
	    &cfg->failover, 0, 0 };
	cfg_section_parse(f, "failover", &tb, 1);
	cfg_safety_unset(&tb, FO_SAFETY_SPEC, &cfg->failover.safe_period);
	failover_check(f, &cfg->failover);
	cfg_snmp_parse(f, &cfg->snmp);
}

static void
unknown_section(struct cfg_file *f, const char *s)
{
	static const char *const known[] = {
		"server", "failover", "snmp", "subnet:NAME", "host:NAME",
		"class:NAME", "option:NAME"
	};
	const char *guess;

	if (strcmp(s, "subnet") == 0 || strcmp(s, "host") == 0 ||
	    strcmp(s, "class") == 0 || strcmp(s, "option") == 0)
		cfg_error(f, s, NULL, "needs a name: [%s:NAME]", s);
	else if ((guess = cfg_suggest(s, known, NELEM(known))) != NULL)
		cfg_error(f, s, NULL, "unknown section (did you mean "
		    "[%s]?)", guess);
	else
		cfg_error(f, s, NULL, "unknown section (expected "
		    "[server], [failover], [snmp], [subnet:NAME], "
		    "[host:NAME], [class:NAME] or [option:NAME])");
}

/* A section besides the scope's: primary.ini's own, or unknown. */
static void
other_section(struct cfg_file *f, const char *s)
{
	if (strcmp(s, "server") != 0 && strcmp(s, "failover") != 0 &&
	    strcmp(s, "snmp") != 0)
		unknown_section(f, s);
}

int
config_load_primary(const char *path, struct config *cfg,
    struct config_errors *errs)
{
	struct cfg_file *f;

	if ((f = cfg_load_begin(path, cfg, errs)) == NULL)
		return -1;
	parse_fixed_sections(f, cfg);
	/* Subnets inherit [failover]'s FailoverShare and SafePeriod. */
	cfg_scope_parse(f, cfg, other_section);
	cfg_scope_check(f, cfg, cfg->failover.failover_share,
	    cfg->failover.safe_period);
	return cfg_load_end(f, cfg);
}
