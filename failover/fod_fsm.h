/*
 * The failover's per-primary machine: start-up sync, polling, takeover
 * and return of control (docs/design.md §2, §3, §7; §4 PollDelay,
 * PollRetryMax, WaitPollRplSecs, SyncBindings, SyncFailCritical,
 * SyncReqRetryMax, WaitSyncStartSecs, WaitSyncBindUpdateSecs).
 *
 * Pure: (state, event, now) -> (state, actions).  No I/O, clock,
 * logging, sockets or timers.  Each per-primary thread of
 * dhcpfo-failover owns one machine; its loop performs the actions in the
 * order given (send a message, arm or cancel a timer, start or stop
 * serving the primary's subnets, drive the subnet-by-subnet hand-back,
 * log, record, queue a trap) and feeds back what happens (a message from
 * the primary, a timer fired, a hand-back step finished, an operator
 * command).  docs/failover-states.md has the full state x event table.
 *
 * Timers: at most one of each kind is armed.  ARM_TIMER (re)starts it
 * for secs; the machine cancels what it armed before it leaves a state,
 * and ignores a timer event for a timer it does not consider armed (a
 * stale expiry), so the loop may fire "late" without harm.
 */
#ifndef DHCPFO_FOD_FSM_H
#define DHCPFO_FOD_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm_history.h"
#include "fo_proto.h"

/* Used for WaitPollRplSecs and WaitSyncBindUpdateSecs given as 0. */
#define FOD_WAIT_DEFAULT		5.0

enum fod_state {
	FOD_STARTUP = 0,	/* before EV_START */
	FOD_SYNCING,	/* start-up sync: SyncReq sent, bindings arriving */
	FOD_MONITORING,	/* "sleep": poll, record binding updates */
	FOD_TAKEOVER,	/* serving the primary's subnets */
	FOD_RETURNING,	/* handing subnets back one by one */
	FOD_STOPPED,	/* SyncFailCritical failure or operator stop */
	FOD_STATE_COUNT
};

enum fod_event_type {
	FOD_EV_START = 0,	/* thread start-up, or operator start */
	FOD_EV_SYNC_START,	/* SyncStart received */
	FOD_EV_SYNC_DONE,	/* SyncDone received */
	FOD_EV_SYNC_BIND_UPD,	/* BindUpd of the start-up sync stream */
	FOD_EV_TIMER_SYNC_START,	/* WaitSyncStartSecs without SyncStart */
	FOD_EV_TIMER_SYNC_IDLE,	/* WaitSyncBindUpdateSecs without BindUpd */
	FOD_EV_TIMER_POLL,	/* PollDelay elapsed: time to poll */
	FOD_EV_POLL_RPL,		/* PollRpl received */
	FOD_EV_BIND_UPD,		/* BindUpd (normal replication) received */
	FOD_EV_TIMER_POLL_RPL,	/* WaitPollRplSecs without a reply */
	FOD_EV_SHUTDOWN,		/* Shutdown received: take over at once */
	FOD_EV_CTL_REQ,		/* CtlReq received */
	FOD_EV_SUBNET_HANDED_BACK, /* the primary acked one SubnetSyncDone */
	FOD_EV_HANDBACK_FAILED,	/* a subnet's hand-back ran out of retries */
	FOD_EV_ALL_HANDED_BACK,	/* nothing left to hand back */
	FOD_EV_FORCE_TAKEOVER,	/* operator */
	FOD_EV_FORCE_RELEASE,	/* operator */
	FOD_EV_STOP,		/* operator, or thread shutdown */
	FOD_EV_PARTNER_DOWN,	/* operator: the primary is down for sure,
				 * end the safe period (docs/safety.md) */
	FOD_EV_COUNT
};

struct fod_event {
	enum fod_event_type type;
	/*
	 * Any message event: the sender boot epoch in the header differs
	 * from the last one the loop saw from this primary.
	 */
	bool		 primary_restarted;
	/* POLL_RPL: the primary's state as it reports it, the STATE TLV
	 * (enum fo_state_code; FO_STATE_UNKNOWN: not reported). */
	uint8_t		 primary_state;
	/* START: the loop restored a persisted TAKEOVER (docs/design.md §3:
	 * a failover restart loses nothing): resume it, do not sync; and
	 * the operator's partner-down made during it. */
	bool		 resume_takeover;
	bool		 resume_partner_down;
	/* HANDBACK_FAILED, FORCE_*, STOP: text for the reason, or NULL. */
	const char	*detail;
};

enum fod_timer {
	FOD_TIMER_POLL = 0,	/* PollDelay */
	FOD_TIMER_POLL_RPL,	/* WaitPollRplSecs */
	FOD_TIMER_SYNC_START,	/* WaitSyncStartSecs */
	FOD_TIMER_SYNC_IDLE,	/* WaitSyncBindUpdateSecs */
	FOD_TIMER_COUNT
};

/* Log lines and traps; each is emitted once per episode, see fod_fsm.c. */
enum fod_notify {
	FOD_NOTIFY_STATE_CHANGE = 0,	/* out->from, out->to, out->reason */
	FOD_NOTIFY_PRIMARY_NOT_RESPONDING, /* declared down */
	FOD_NOTIFY_PRIMARY_RESPONDING,	/* first sign of life after that */
	FOD_NOTIFY_PRIMARY_RESTARTED,	/* new boot epoch seen */
	FOD_NOTIFY_TAKEOVER_STARTED,
	FOD_NOTIFY_TAKEOVER_ENDED,
	FOD_NOTIFY_HANDBACK_STARTED,
	FOD_NOTIFY_HANDBACK_COMPLETED,
	FOD_NOTIFY_HANDBACK_FAILED,
	FOD_NOTIFY_SYNC_COMPLETED,
	FOD_NOTIFY_SYNC_FAILED,
	FOD_NOTIFY_PARTNER_DOWN,		/* operator ended the safe period */
	FOD_NOTIFY_COUNT
};

enum fod_action_type {
	FOD_ACT_SEND_POLL = 0,
	FOD_ACT_SEND_SYNC_REQ,
	FOD_ACT_SEND_CTL_RET,
	FOD_ACT_ARM_TIMER,	/* (re)start timer for secs */
	FOD_ACT_CANCEL_TIMER,
	FOD_ACT_START_SERVING_ALL, /* serve every subnet of the primary */
	FOD_ACT_STOP_SERVING_ALL, /* serve none of them */
	FOD_ACT_START_HANDBACK,	/* (re)start the hand-back from the first
				 * subnet still held */
	FOD_ACT_HANDBACK_NEXT,	/* hand back the next subnet */
	FOD_ACT_ABORT_HANDBACK,	/* stop the hand-back in progress; keep
				 * serving what is still held */
	FOD_ACT_EXIT_CRITICAL,	/* SyncFailCritical: terminate the daemon */
	FOD_ACT_NOTIFY,		/* log line and/or trap */
	FOD_ACT_COUNT
};

struct fod_action {
	enum fod_action_type type;
	enum fod_timer	 timer;		/* ARM_TIMER, CANCEL_TIMER */
	double		 secs;		/* ARM_TIMER */
	enum fod_notify	 notify;	/* NOTIFY */
};

#define FOD_MAX_ACTIONS	12

struct fod_output {
	size_t		 nactions;
	struct fod_action actions[FOD_MAX_ACTIONS];
	bool		 transitioned;	/* at most one transition per event */
	enum fod_state	 from;		/* == to when not transitioned */
	enum fod_state	 to;
	/* Why: the transition's reason, or what a notification without a
	 * transition is about; "" when nothing notable happened. */
	char		 reason[FSM_REASON_MAX + 1];
};

/* Copied from the failover's [primary:NAME] config section. */
struct fod_params {
	double		 poll_delay;		/* PollDelay */
	unsigned	 poll_retry_max;	/* PollRetryMax */
	double		 wait_poll_rpl;		/* WaitPollRplSecs, 0 = 5 */
	bool		 sync_bindings;		/* SyncBindings */
	bool		 sync_fail_critical;	/* SyncFailCritical */
	unsigned	 sync_req_retry_max;	/* SyncReqRetryMax */
	double		 wait_sync_start;	/* WaitSyncStartSecs, 0 =
						 * wait forever */
	double		 wait_sync_bind_update;	/* WaitSyncBindUpdateSecs,
						 * 0 = 5 */
};

struct fod_fsm_counters {
	uint64_t	 polls_sent;
	uint64_t	 polls_answered;	/* by PollRpl or BindUpd */
	uint64_t	 polls_answered_by_bind_upd;
	uint64_t	 polls_timed_out;
	unsigned	 consecutive_misses;
	uint64_t	 takeovers;		/* takeover episodes started */
	uint64_t	 handbacks;		/* hand-backs completed */
	uint64_t	 handback_failures;
	uint64_t	 subnets_handed_back;
	uint64_t	 sync_req_sent;
	uint64_t	 syncs_completed;
	uint64_t	 syncs_failed;
	uint64_t	 primary_restarts;	/* new boot epochs seen */
	char		 last_takeover_reason[FSM_REASON_MAX + 1];
	double		 last_takeover_time;	/* 0: never */
	double		 last_handback_time;	/* 0: never */
	double		 state_since;		/* current state entered */
};

struct fod_fsm {
	enum fod_state	 state;
	struct fod_params params;	/* normalised */
	unsigned	 armed;		/* bit (1 << enum fod_timer) */

	/* SYNCING */
	bool		 sync_started;	/* SyncStart (or the stream) seen */
	unsigned	 sync_req_retries;

	/* MONITORING, TAKEOVER */
	bool		 awaiting_reply; /* a Poll is out, POLL_RPL armed */

	/* Episodes (each notification once per episode). */
	bool		 primary_down;	/* NOT_RESPONDING sent, no life since */
	bool		 in_takeover;	/* TAKEOVER_STARTED sent, not ENDED */
	bool		 partial;	/* a hand-back failed half-way: some
					 * subnets are the primary's now */
	bool		 primary_shut_down; /* Shutdown seen, no new epoch */
	bool		 returning_from_takeover;
	/* TAKEOVER only: an operator declared the primary down, so the
	 * safe period is over (docs/safety.md).  Ends with the takeover:
	 * once the primary is heard again it is evidently not down. */
	bool		 partner_down;

	struct fod_fsm_counters ctr;
	struct fsm_history hist;
};

/* Values for callers without a config (tests); config.c owns the real
 * defaults (docs/design.md §4). */
void	fod_params_default(struct fod_params *);

/* Parameters rejected: FSM_ERR_INVAL.  The machine starts in STARTUP. */
int	fod_fsm_init(struct fod_fsm *, const struct fod_params *, double now);
/*
 * Feed one event; *out is overwritten with the actions to perform, in
 * order.  An event with no effect in the current state gives no actions
 * and no transition.  Returns FSM_OK or an enum fsm_err.
 */
int	fod_fsm_handle(struct fod_fsm *, const struct fod_event *, double now,
	    struct fod_output *out);
/* Reload (SIGHUP, docs/design.md §4): used from the next timer armed on. */
int	fod_fsm_set_params(struct fod_fsm *, const struct fod_params *);

/* The legality table: may the machine go from -> to? */
bool	fod_edge_legal(enum fod_state from, enum fod_state to);

const char *fod_state_name(enum fod_state);
const char *fod_event_name(enum fod_event_type);
const char *fod_action_name(enum fod_action_type);
const char *fod_timer_name(enum fod_timer);
const char *fod_notify_name(enum fod_notify);
/* Table of FOD_STATE_COUNT names, for the history. */
extern const char *const fod_state_names[FOD_STATE_COUNT];

#endif
