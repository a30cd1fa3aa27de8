/*
 * failover.ini: the failover host's configuration (docs/config-failover.md).
 *
 * [server] as for a primary, plus FailoverPort and MaxPrimaries;
 * [failover] holds the default poll/sync policy; [primary:NAME] names each
 * primary protected (Address, Port, SharedKeyFile) and may override any
 * [failover] key; [subnet:NAME] and [host:NAME] carry `Primary = NAME`.
 *
 * The loader gives each primary its own complete `struct config` (view):
 * the [server] values plus only that primary's subnets and hosts, so each
 * per-primary thread owns an immutable copy and its pools and engine can
 * be built exactly as a primary builds them.
 */
#ifndef DHCPFO_FOD_CONFIG_H
#define DHCPFO_FOD_CONFIG_H

#include "config.h"

#define CFG_FO_MAX_PRIMARIES_DEFAULT	5	/* advised: docs/design.md §1 */
#define CFG_FO_MAX_PRIMARIES_LIMIT	64

/* Poll and sync policy of one primary (VitalQIP names, docs/design.md §4). */
struct cfg_fo_policy {
	double		poll_delay;		/* PollDelay 0..86400 (60) */
	unsigned	poll_retry_max;		/* PollRetryMax 0..10 (3) */
	double		wait_poll_rpl;		/* WaitPollRplSecs 0..3600 (5) */
	bool		sync_bindings;		/* SyncBindings (true) */
	bool		sync_fail_critical;	/* SyncFailCritical (false) */
	unsigned	sync_req_retry_max;	/* SyncReqRetryMax 0..10 (3) */
	double		wait_sync_start;	/* WaitSyncStartSecs 0..3600 (5),
						 * 0 = wait forever */
	unsigned	sync_bind_retry_max;	/* SyncBindRetryMax 0..10 (3) */
	unsigned	sync_binding_buf_size;	/* SyncBindingBufSize 64..4096 */
	double		wait_sync_bind_ack;	/* WaitSyncBindAckSecs (5) */
	double		wait_sync_bind_update;	/* WaitSyncBindUpdateSecs (5) */
	bool		takeover_ping_check;	/* TakeoverPingCheck (true) */
	/* Safety (docs/safety.md): the subnets' defaults, and what to do
	 * when the share runs out inside the safe period. */
	unsigned	failover_share;		/* FailoverShare 0..50 (10) */
	uint32_t	safe_period;		/* SafePeriod, or
						 * CFG_SAFE_PERIOD_LEASE */
	char		on_share_exhausted[16];	/* OnShareExhausted:
						 * "refuse" or "borrow" */
};

/* OnShareExhausted = borrow (else refuse). */
bool	cfg_fo_policy_borrows(const struct cfg_fo_policy *);

/*
 * What the failover learnt of a primary's configuration over the
 * channel (docs/learn.md); written by failover/fod_learn.c only.
 */
#define CFG_FO_LEARN_WHY_MAX	512
struct cfg_fo_learnt {
	bool		have;			/* a stored text was loaded */
	uint64_t	generation;		/* texts learnt so far */
	double		at;			/* when this one was, wall clock */
	uint32_t	size;
	uint8_t		sha[32];		/* SHA-256 of the text */
	/* The last text refused, and why ("" = none). */
	char		refused[CFG_FO_LEARN_WHY_MAX];
	/* Explicit sections only: how they differ from it ("" = same). */
	char		differs[CFG_FO_LEARN_WHY_MAX];
};

struct cfg_fo_primary {
	char		name[CFG_NAME_MAX];	/* from [primary:NAME] */
	uint32_t	id;			/* fo_primary_id(name) */
	uint32_t	addr;			/* Address */
	uint16_t	port;			/* Port (647) */
	char		key_file[CFG_PATH_MAX];	/* SharedKeyFile */
	char		accept_key_file[CFG_PATH_MAX];	/* AcceptSharedKeyFile,
							 * "" if none */
	struct cfg_fo_policy policy;		/* [failover] + overrides */
	/*
	 * No [subnet:NAME] names it: its subnets, ranges, options, classes
	 * and reservations are what it sends (docs/learn.md), and the view
	 * is built from them (fod_learn.c); empty until the first arrives.
	 */
	bool		learns;
	struct cfg_fo_learnt learnt;
	/*
	 * What the failover serves for this primary in takeover: [server]
	 * values (ping_before_assign = TakeoverPingCheck) with this
	 * primary's subnets and hosts only.
	 */
	struct config	view;
};

struct fod_config {
	char		path[CFG_PATH_MAX];
	struct cfg_server server;		/* [server] */
	uint16_t	failover_port;		/* [server] FailoverPort (647) */
	unsigned	max_primaries;		/* [server] MaxPrimaries (5) */
	struct cfg_fo_policy defaults;		/* [failover] */
	size_t		nprimaries;
	struct cfg_fo_primary *primaries;	/* file order */
	struct cfg_snmp	snmp;
	/* Not errors, but worth telling the operator (e.g. MaxPrimaries
	 * above the recommended 5, and why). */
	size_t		nwarnings;
	char		**warnings;
};

/*
 * Load and validate failover.ini; same contract as config_load_primary():
 * 0 and *cfg filled, or -1 with *cfg empty and every error in errs.
 * Besides per-key checks: at least one primary; no more than
 * MaxPrimaries; each subnet's and host's Primary names a [primary:NAME]
 * (case-insensitive); each primary has at least one subnet; subnets of
 * all primaries do not overlap (the error names both sections); no two
 * primaries share Address:Port or a primary id.
 */
int	config_load_failover(const char *path, struct fod_config *cfg,
	    struct config_errors *errs);
void	fod_config_free(struct fod_config *cfg);
/*
 * What the loaded file asks of this host (common/dhcp/hostcheck.h):
 * [server], each [primary:NAME]'s key files, every subnet.  Checked by
 * -t and before start-up opens anything (failover/fod_hostcheck.c).
 * Returns 0, or -1 with every problem in errs; a key file that does not
 * load is a warning in warns (both initialised by the call).
 */
int	fod_hostcheck(const struct fod_config *cfg, struct config_errors *errs,
	    struct config_errors *warns);
/* The primary named (case-insensitive), or NULL. */
const struct cfg_fo_primary *fod_config_primary(const struct fod_config *cfg,
	    const char *name);
/* The primary whose id (fo_primary_id of its name) is id, or NULL. */
const struct cfg_fo_primary *fod_config_primary_by_id(
	    const struct fod_config *cfg, uint32_t id);
/* The primary one of whose subnets contains addr (host order), or NULL;
 * *sn (if not NULL) is set to that subnet in the primary's view. */
const struct cfg_fo_primary *fod_config_primary_for(
	    const struct fod_config *cfg, uint32_t addr,
	    const struct cfg_subnet **sn);
/*
 * A deep copy of a view (its own subnets and hosts arrays) for a thread
 * to own past a reload of the file; free it with config_free().  0, or
 * -1 with *out zeroed when out of memory.
 */
int	fod_config_view_dup(const struct config *view, struct config *out);
/* A deep copy of a loaded configuration (warnings left out); 0 or -1. */
int	fod_config_dup(const struct fod_config *src, struct fod_config *dst);
/* The view of a primary that learns its configuration, from the scope
 * it sent (moved into the view): [server] values as for any view,
 * SafePeriod from its policy. */
void	fod_config_learnt_view(const struct fod_config *cfg,
	    const struct cfg_fo_primary *p, struct config *scope,
	    struct config *view);
/*
 * Worst-case seconds from a primary's failure to takeover:
 * PollDelay + (PollRetryMax + 1) * WaitPollRplSecs (the primary fails
 * just after answering a poll; see fod_fsm.c on polling).
 */
double	fod_policy_detect_secs(const struct cfg_fo_policy *p);
/*
 * The spec tables by section kind: "server", "failover" (the policy
 * keys, also accepted in [primary:NAME]), "primary" (Address, Port,
 * SharedKeyFile), "subnet", "host" and "class" (only the key
 * failover.ini adds, Primary; the rest is cfg_specs()), "snmp".  NULL
 * for an unknown kind.  Used by the tests to check every key is
 * documented, and by docs/man/mkman.c to list them.
 */
const struct cfg_spec *fod_config_specs(const char *kind, size_t *n);

#endif
