/*
 * The primary's control machine: who may grant leases from this
 * primary's subnets, seen from the primary (docs/design.md §2, §3;
 * docs/design.md §4 CtlReqRetryMax, WaitCtlRetSecs, UseFailoverServer).
 *
 * Pure: (state, event, now) -> (state, actions).  No I/O, clock,
 * logging, sockets or timers.  dhcpfo-primary's loop performs the actions
 * in order (send CtlReq, arm or cancel the CtlRet timer, change which
 * subnets are served, log, queue traps) and feeds back what happens
 * (a message from the failover arrived, the timer fired).  Subnets are
 * named by an opaque id the loop chooses (e.g. its subnet index).
 *
 * Answering Polls (PollRpl carrying our state and the boot epoch) and
 * sending binding updates are the loop's work in every state; the
 * machine only decides what is served.  docs/failover-states.md has the
 * full state x event table.
 *
 * PollRpl state (fo_proto.h FO_STATE_*): INIT -> STARTUP, CTL_WAIT ->
 * WAIT_CONTROL, RECEIVING -> RETURNING, SERVING -> SERVING, or
 * STANDALONE when gave_up.  (PR_STANDALONE -- no failover configured --
 * never talks to a failover.)
 */
#ifndef DHCPFO_PR_FSM_H
#define DHCPFO_PR_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_proto.h"
#include "fsm_history.h"

/* WaitCtlRetSecs = 0 means this (docs/design.md §4: 0 means the default). */
#define PR_WAIT_CTL_RET_DEFAULT	5.0

/* Also carried in PollRpl, so the failover knows what the primary wants. */
enum pr_state {
	PR_INIT = 0,	/* not started yet; in a PollRpl: "not reported" */
	PR_STANDALONE,	/* UseFailoverServer false: serves everything */
	PR_CTL_WAIT,	/* sent CtlReq, waiting for CtlRet: serves nothing
			 * but subnets already handed back */
	PR_RECEIVING,	/* the failover is handing subnets back; each is
			 * served once its SubnetSyncDone is applied */
	PR_SERVING,	/* got CtlRet, or the failover was declared
			 * inoperable: serves everything */
	PR_STATE_COUNT
};

enum pr_event_type {
	PR_EV_START = 0,	/* daemon start-up */
	PR_EV_TIMER_CTL_RET,	/* WaitCtlRetSecs elapsed without CtlRet */
	PR_EV_CTL_RET,		/* CtlRet received */
	PR_EV_SUBNET_SYNC_START, /* SubnetSyncStart(subnet) received */
	PR_EV_SUBNET_SYNC_DONE,	/* SubnetSyncDone(subnet) received, its
				 * bindings applied and the ack sent */
	PR_EV_BIND_UPD,		/* BindUpd from the failover (applied) */
	PR_EV_POLL,		/* Poll from the failover (answered by the
				 * loop) */
	PR_EV_COUNT
};

struct pr_event {
	enum pr_event_type type;
	uint32_t	 subnet;	/* SUBNET_SYNC_START / _DONE */
};

enum pr_timer {
	PR_TIMER_CTL_RET = 0,
	PR_TIMER_COUNT
};

enum pr_notify {
	PR_NOTIFY_STATE_CHANGE = 0,	/* out->from, out->to, out->reason */
	PR_NOTIFY_HANDBACK_STARTED,	/* first SubnetSyncStart of a return */
	PR_NOTIFY_CONTROL_RETURNED,	/* CtlRet: we serve everything */
	PR_NOTIFY_FAILOVER_INOPERABLE,	/* CtlReqRetryMax exhausted */
	PR_NOTIFY_COUNT
};

enum pr_action_type {
	PR_ACT_SEND_CTL_REQ = 0,
	PR_ACT_ARM_TIMER,	/* (re)start timer for secs */
	PR_ACT_CANCEL_TIMER,
	PR_ACT_SERVE_ALL,	/* serve every subnet */
	PR_ACT_SERVE_NONE,	/* serve no subnet */
	PR_ACT_SUBNET_SYNCING,	/* stop serving subnet: it is being synced
				 * (neither server grants from it) */
	PR_ACT_SUBNET_SERVE,	/* serve subnet: it has been handed back */
	PR_ACT_NOTIFY,		/* log line and/or trap */
	PR_ACT_COUNT
};

struct pr_action {
	enum pr_action_type type;
	enum pr_timer	 timer;		/* ARM_TIMER, CANCEL_TIMER */
	double		 secs;		/* ARM_TIMER */
	uint32_t	 subnet;	/* SUBNET_SYNCING, SUBNET_SERVE */
	enum pr_notify	 notify;	/* NOTIFY */
};

#define PR_MAX_ACTIONS	8

struct pr_output {
	size_t		 nactions;
	struct pr_action actions[PR_MAX_ACTIONS];
	bool		 transitioned;
	enum pr_state	 from;		/* == to when not transitioned */
	enum pr_state	 to;
	char		 reason[FSM_REASON_MAX + 1];	/* "" if nothing */
};

/* Copied from the primary's [failover] config (cfg_primary_failover). */
struct pr_params {
	bool		 use_failover;		/* UseFailoverServer */
	unsigned	 ctl_req_retry_max;	/* CtlReqRetryMax */
	double		 wait_ctl_ret;		/* WaitCtlRetSecs, 0 = 5 */
};

struct pr_counters {
	uint64_t	 ctl_req_sent;
	unsigned	 ctl_req_retries;	/* resent since the last
						 * (re)start of the wait */
	uint64_t	 ctl_ret_received;
	uint64_t	 subnets_syncing;	/* SubnetSyncStart seen */
	uint64_t	 subnets_received;	/* SubnetSyncDone applied */
	uint64_t	 failover_inoperable;	/* gave up waiting */
	uint64_t	 polls_received;
	double		 last_poll_time;	/* 0: never */
	double		 last_ctl_ret_time;	/* 0: never */
	double		 state_since;
};

struct pr_fsm {
	enum pr_state	 state;
	struct pr_params params;	/* normalised */
	bool		 timer_armed;
	/*
	 * SERVING because the failover was declared inoperable (docs/design.md
	 * §4 CtlReqRetryMax), not because it returned control; cleared by
	 * CtlRet.  PollRpl reports it as FO_STATE_STANDALONE (fo_proto.h).
	 */
	bool		 gave_up;
	struct pr_counters ctr;
	struct fsm_history hist;
};

/* Parameters rejected: FSM_ERR_INVAL.  The machine starts in PR_INIT. */
int	pr_fsm_init(struct pr_fsm *, const struct pr_params *, double now);
/*
 * Feed one event; *out is overwritten with the actions to perform, in
 * order.  An event with no effect in the current state gives no actions
 * and no transition.  Returns FSM_OK or an enum fsm_err.
 */
int	pr_fsm_handle(struct pr_fsm *, const struct pr_event *, double now,
	    struct pr_output *out);
/* Reload (SIGHUP): used from the next arming of the timer on. */
int	pr_fsm_set_params(struct pr_fsm *, const struct pr_params *);

/* The legality table: may the machine go from -> to? */
bool	pr_edge_legal(enum pr_state from, enum pr_state to);

/* The machine's state as a STATE TLV says it (enum fo_state_code). */
uint8_t	pr_state_code(const struct pr_fsm *);
const char *pr_state_name(enum pr_state);
const char *pr_event_name(enum pr_event_type);
const char *pr_action_name(enum pr_action_type);
const char *pr_timer_name(enum pr_timer);
const char *pr_notify_name(enum pr_notify);
/* Table of PR_STATE_COUNT names, for the history. */
extern const char *const pr_state_names[PR_STATE_COUNT];

#endif
