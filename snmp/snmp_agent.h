/*
 * AgentX sub-agent for DHCPFO-MIB (snmp/DHCPFO-MIB.txt), on the daemon's
 * main libev loop.  net-snmp is not thread-safe (docs/design.md §5,
 * docs/architecture.md convention 7): every function here is for the main
 * thread only.  Worker threads publish status snapshots; the daemon's provider
 * callback copies those into a plain struct snmp_snap, and the agent answers
 * GET/GETNEXT from the last copy (refreshed at most once a second, or when
 * snmp_agent_refresh() is called).  Nothing here stops the daemon: an absent
 * or restarted master is retried every SNMP_AGENT_PING seconds.
 */
#ifndef DHCPFO_SNMP_AGENT_H
#define DHCPFO_SNMP_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "config.h"

#define SNMP_AGENT_PING		10	/* AgentX ping/reconnect, seconds */
#define SNMP_TEXT_MAX		128

/* DHCPFO-MIB DhcpfoRole */
enum snmp_role { SNMP_ROLE_PRIMARY = 1, SNMP_ROLE_FAILOVER = 2 };

/* DHCPFO-MIB DhcpfoState: fod_fsm states, then pr_fsm states. */
enum snmp_state {
	SNMP_ST_STARTUP = 1, SNMP_ST_SYNCING, SNMP_ST_MONITORING,
	SNMP_ST_TAKEOVER, SNMP_ST_RETURNING, SNMP_ST_STOPPED,
	SNMP_ST_PR_INIT, SNMP_ST_PR_STANDALONE, SNMP_ST_PR_CTL_WAIT,
	SNMP_ST_PR_RECEIVING, SNMP_ST_PR_SERVING
};

/* dhcpfoSubnetServedBy */
enum snmp_served { SNMP_SERVED_PRIMARY = 1, SNMP_SERVED_FAILOVER,
	SNMP_SERVED_NOBODY };

/* dhcpfoDhcp* scalars, in OID order (sub-identifier = index + 1). */
enum snmp_dhcp_ctr {
	SNMP_DHCP_DISCOVER = 0, SNMP_DHCP_OFFER, SNMP_DHCP_REQUEST,
	SNMP_DHCP_ACK, SNMP_DHCP_NAK, SNMP_DHCP_DECLINE, SNMP_DHCP_RELEASE,
	SNMP_DHCP_INFORM, SNMP_DHCP_DROPPED, SNMP_DHCP_MALFORMED,
	SNMP_DHCP_COUNT
};

/* Notifications: sub-identifier under dhcpfoNotifications = kind. */
enum snmp_trap {
	SNMP_TRAP_STATE_CHANGE = 1, SNMP_TRAP_NOT_RESPONDING,
	SNMP_TRAP_RESPONDING, SNMP_TRAP_TAKEOVER_STARTED,
	SNMP_TRAP_TAKEOVER_ENDED, SNMP_TRAP_HANDBACK_STARTED,
	SNMP_TRAP_HANDBACK_COMPLETED, SNMP_TRAP_HANDBACK_FAILED,
	SNMP_TRAP_SYNC_COMPLETED, SNMP_TRAP_SYNC_FAILED,
	SNMP_TRAP_BINDING_UPDATE_FAILED, SNMP_TRAP_CONFIG_MISMATCH,
	SNMP_TRAP_UTIL_HIGH, SNMP_TRAP_UTIL_NORMAL,
	SNMP_TRAP_DUPLICATE_ADDRESS, SNMP_TRAP_AUTH_FAILURE,
	SNMP_TRAP_SHARE_EXHAUSTED,
	SNMP_TRAP_COUNT
};
/* [snmp] has one switch per notification, indexed alike. */
_Static_assert(SNMP_TRAP_COUNT == CFG_SNMP_NOTIFY_MAX,
    "struct cfg_snmp has one switch per notification");

/* Ages are centiseconds since the event, -1 = never (see the MIB). */
struct snmp_primary_row {
	char		 name[CFG_NAME_MAX];
	uint32_t	 addr;			/* host order */
	enum snmp_state	 state;
	uint32_t	 time_in_state;		/* centiseconds */
	int32_t		 last_poll_age, last_reply_age, last_handback_age;
	uint64_t	 polls_sent, polls_answered, polls_timed_out;
	uint32_t	 consecutive_misses;
	uint32_t	 takeovers;
	char		 last_takeover_reason[SNMP_TEXT_MAX];
	uint32_t	 bindings;
	uint64_t	 upd_received, upd_acked, upd_failed;
	char		 last_failure[SNMP_TEXT_MAX];
	bool		 sync_in_progress;
	uint64_t	 auth_failures;
};

struct snmp_subnet_row {
	char		 name[CFG_NAME_MAX];	/* [subnet:NAME], for traps */
	uint32_t	 network;		/* host order */
	uint32_t	 prefix;
	int32_t		 primary;		/* dhcpfoPrimaryIndex */
	enum snmp_served served_by;
	uint32_t	 total, free, in_use, declined;
	/* The failover's share (share.h) and, on the failover, its safe
	 * period: running while it serves the subnet and gives new
	 * clients share addresses only; left in whole seconds, 0 when not
	 * running. */
	uint32_t	 share_total, share_free;
	bool		 safe_running;
	uint32_t	 safe_left;
	/* Whether the share running out matters now (dhcpfoFailover-
	 * ShareExhausted): on the failover while the safe period runs, on
	 * a primary while it has a failover.  borrows: OnShareExhausted =
	 * borrow (the failover; only for the notification's text). */
	bool		 share_matters;
	bool		 borrows;
};

struct snmp_snap {
	enum snmp_role	 role;
	char		 version[32];
	uint32_t	 proto_version;
	uint32_t	 uptime;		/* centiseconds */
	uint32_t	 reloads;
	uint64_t	 commit_failures;	/* lease store batches */
	uint64_t	 dhcp[SNMP_DHCP_COUNT];
	size_t		 nprimaries, nsubnets;
	struct snmp_primary_row *primaries;	/* index = position + 1 */
	struct snmp_subnet_row *subnets;
	size_t		 cap_primaries, cap_subnets;
};

/* Provider: fill *s (arrays via snmp_snap_add_*; s is reset before). */
typedef void	(*snmp_provider_fn)(void *arg, struct snmp_snap *s);

/* A zeroed new row, or NULL when out of memory. */
struct snmp_primary_row *snmp_snap_add_primary(struct snmp_snap *);
struct snmp_subnet_row *snmp_snap_add_subnet(struct snmp_snap *);

/*
 * Starts the sub-agent on loop if cfg->present; 0, or -1 (logged).
 * state_dir: the daemon's StateDir; net-snmp's few files go to
 * state_dir/snmp.  The agent keeps its own copy of *cfg.
 */
int	snmp_agent_start(struct ev_loop *loop, const struct cfg_snmp *cfg,
	    const char *state_dir, snmp_provider_fn fn, void *arg);
/*
 * A reload's [snmp]: start the sub-agent (section added), stop it
 * (section removed), restart it on a changed AgentXSocket, or else take
 * the new switches and thresholds at once without touching the AgentX
 * session.  Logs what it did; 0, or -1 when a start failed (logged).
 */
int	snmp_agent_apply(struct ev_loop *loop, const struct cfg_snmp *cfg,
	    const char *state_dir, snmp_provider_fn fn, void *arg);
bool	snmp_agent_running(void);
/* now - then in hundredths of a second for an INTEGER column, clamped to
 * 0..2^31-1; -1 when then is 0 (never). */
int32_t	snmp_age_cs(double now, double then);
void	snmp_agent_refresh(void);
void	snmp_agent_stop(void);

/*
 * Subnet utilisation and the failover's share: once a second the agent
 * takes a snapshot and sends dhcpfoSubnetUtilisationHigh/Normal and
 * dhcpfoFailoverShareExhausted for the subnets this daemon serves
 * (served_by primary on a primary, failover on the failover), with the
 * hysteresis of common/util/utilisation.h.  Nothing for the daemons to do but
 * fill snmp_subnet_row.
 */
#define SNMP_UTIL_INTERVAL	1.0	/* seconds */

/* True if a notification of this kind would be sent now ([snmp] Traps
 * and its switch are on, the agent runs): spare the work otherwise. */
bool	snmp_agent_wants(enum snmp_trap kind);
/*
 * Sends one notification if snmp_agent_wants(kind).  name: the primary
 * concerned (on a primary, its own Name); from/to: DhcpfoState, 0 when
 * not a state change; subnet: for the utilisation and share traps, pct:
 * for the utilisation traps, else 0.
 */
void	snmp_agent_trap(enum snmp_trap kind, const char *name, int from,
	    int to, const char *reason, uint32_t subnet, uint32_t pct);
const char *snmp_trap_name(enum snmp_trap);

#endif
