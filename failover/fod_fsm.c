/*
 * The failover's per-primary machine (docs/design.md §2, §3, §4, §7).
 * docs/failover-states.md has the state x event table; this comment
 * gives the reasons.  tests/unit/test_fod_fsm.c pins every cell.
 *
 * Polling (docs/design.md §4 PollDelay, WaitPollRplSecs, PollRetryMax).
 *   A poll cycle is: send Poll, arm POLL_RPL for WaitPollRplSecs.  A
 *   reply (PollRpl, or a BindUpd: a binding update arriving meanwhile
 *   counts as the answer, docs/design.md §2) cancels it and arms POLL
 *   for PollDelay.  An unanswered poll is retried at once, not after
 *   PollDelay: PollRetryMax retries, so PollRetryMax + 1 polls in all,
 *   and the primary is declared down (TAKEOVER) (PollRetryMax + 1) *
 *   WaitPollRplSecs after the first unanswered poll.  Entering
 *   MONITORING always starts a cycle at once (docs/design.md §7.1: the
 *   failover starts polling once the sync is complete).
 *
 * Start-up sync (docs/design.md §4 SyncBindings, SyncReqRetryMax,
 *   WaitSyncStartSecs, WaitSyncBindUpdateSecs, SyncFailCritical).  SyncReq,
 *   then WaitSyncStartSecs for SyncStart (0: no timer, wait forever);
 *   SyncReqRetryMax resends, then the sync has failed.  Once started, a
 *   gap of WaitSyncBindUpdateSecs between binding updates fails it too.
 *   A sync-stream BindUpd before SyncStart starts the sync (the SyncStart
 *   was lost; resending SyncReq would restart the whole stream).  Failure
 *   with SyncFailCritical: STOPPED plus EXIT_CRITICAL; without: MONITORING.
 *   SyncDone is accepted even without SyncStart (an empty stream whose
 *   SyncStart was lost).
 *
 * CtlReq in SYNCING is answered with CtlRet at once, without leaving
 *   SYNCING: in SYNCING we serve nothing and hold nothing to hand back
 *   (a failover that restarts in the middle of a takeover resumes it
 *   with START.resume_takeover instead of syncing), and leaving would
 *   abandon the sync while the primary sits in CTL_WAIT serving nothing.
 *
 * CtlReq in MONITORING (the primary restarted faster than polling
 *   notices) goes through RETURNING: the loop hands back whatever it
 *   holds (maybe nothing), then CtlRet; so the primary always gets its
 *   CtlRet the same way.  A PollRpl reporting CTL_WAIT or RECEIVING is
 *   taken as a CtlReq: the primary waits for control, its CtlReq was
 *   lost (pr_fsm.c relies on this instead of resending CtlReq on Poll).
 *
 * Partition heal (docs/design.md §3): in TAKEOVER any PollRpl or BindUpd shows
 *   the primary alive without having asked for control; we start the
 *   hand-back ourselves (RETURNING).  Except after a Shutdown: a message
 *   with the same boot epoch is a leftover of the process that is going
 *   away (reordered, or sent while it drains); only a new epoch or a
 *   CtlReq ends that takeover.  This keeps a graceful handoff from
 *   flapping TAKEOVER -> RETURNING -> TAKEOVER.
 *
 * Hand-back (docs/design.md §3, §7.4: subnet by subnet).  The loop
 *   hands subnets back one at a time; the machine says when to start
 *   (START_HANDBACK), go on (HANDBACK_NEXT), abort (ABORT_HANDBACK) and
 *   finish.  On completion STOP_SERVING_ALL comes
 *   before SEND_CTL_RET: the primary serves everything on CtlRet, and we
 *   must have stopped first.  A CtlReq during RETURNING restarts the
 *   hand-back only if the primary restarted (new boot epoch); otherwise
 *   it is a resend while we work, and CtlRet will come at the end.
 *   RETURNING arms no timer: the loop's per-subnet retries
 *   (SyncBindRetryMax, WaitSyncBindAckSecs) always end in ALL_HANDED_BACK
 *   or HANDBACK_FAILED.
 *
 * Hand-back failure.  From a takeover: back to TAKEOVER without
 *   START_SERVING_ALL -- subnets already handed back are the primary's
 *   now, we keep serving the rest ("partial").  The next sign of life
 *   (CtlReq, PollRpl, BindUpd) retries the hand-back.  If instead the
 *   primary goes silent (PollRetryMax + 1 polls, retried at once as in
 *   MONITORING), Shutdown arrives or the operator forces a takeover, the
 *   handed-back subnets would be served by nobody: START_SERVING_ALL
 *   then.  From a hand-back begun in MONITORING (we were not serving):
 *   back to MONITORING; the primary's next CtlReq retries it.
 *
 * SHUTDOWN and FORCE_TAKEOVER in SYNCING or RETURNING take over at once
 *   as in MONITORING: someone must serve when the primary leaves, and
 *   an operator's order is obeyed.  TakeoverPingCheck (docs/design.md §3)
 *   covers bindings a cut-short sync did not bring.  FORCE_TAKEOVER means
 *   "declare the primary down now": if it is in fact alive, its next
 *   reply starts the hand-back as for a healed partition, so a forced
 *   takeover never leaves two servers serving (for maintenance, stop the
 *   primary: it sends Shutdown).  FORCE_RELEASE in TAKEOVER goes through
 *   RETURNING (hand-back first); EV_STOP stops serving without a
 *   hand-back.
 *
 * Notifications, once per episode: PRIMARY_NOT_RESPONDING when the
 *   primary is declared down (not per missed poll), PRIMARY_RESPONDING
 *   at the first sign of life after that; TAKEOVER_STARTED when a
 *   takeover episode starts (RETURNING -> TAKEOVER continues it),
 *   TAKEOVER_ENDED when it ends (hand-back complete, or STOPPED);
 *   PRIMARY_RESTARTED for each event flagged primary_restarted (the
 *   loop flags only the first message of a new epoch).  STATE_CHANGE on
 *   every transition.
 *
 * STOPPED accepts START again (operator start); everything else there,
 *   and in STARTUP, is ignored.
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fod_fsm.h"
#include "fo_codec.h"

const char *const fod_state_names[FOD_STATE_COUNT] = {
	[FOD_STARTUP] = "startup",
	[FOD_SYNCING] = "syncing",
	[FOD_MONITORING] = "monitoring",
	[FOD_TAKEOVER] = "takeover",
	[FOD_RETURNING] = "returning",
	[FOD_STOPPED] = "stopped",
};

static const char *const event_names[FOD_EV_COUNT] = {
	[FOD_EV_START] = "start",
	[FOD_EV_SYNC_START] = "sync-start",
	[FOD_EV_SYNC_DONE] = "sync-done",
	[FOD_EV_SYNC_BIND_UPD] = "sync-bind-upd",
	[FOD_EV_TIMER_SYNC_START] = "timer-sync-start",
	[FOD_EV_TIMER_SYNC_IDLE] = "timer-sync-idle",
	[FOD_EV_TIMER_POLL] = "timer-poll",
	[FOD_EV_POLL_RPL] = "poll-rpl",
	[FOD_EV_BIND_UPD] = "bind-upd",
	[FOD_EV_TIMER_POLL_RPL] = "timer-poll-rpl",
	[FOD_EV_SHUTDOWN] = "shutdown",
	[FOD_EV_CTL_REQ] = "ctl-req",
	[FOD_EV_SUBNET_HANDED_BACK] = "subnet-handed-back",
	[FOD_EV_HANDBACK_FAILED] = "handback-failed",
	[FOD_EV_ALL_HANDED_BACK] = "all-handed-back",
	[FOD_EV_FORCE_TAKEOVER] = "force-takeover",
	[FOD_EV_FORCE_RELEASE] = "force-release",
	[FOD_EV_STOP] = "stop",
	[FOD_EV_PARTNER_DOWN] = "partner-down",
};

static const char *const action_names[FOD_ACT_COUNT] = {
	[FOD_ACT_SEND_POLL] = "send-poll",
	[FOD_ACT_SEND_SYNC_REQ] = "send-sync-req",
	[FOD_ACT_SEND_CTL_RET] = "send-ctl-ret",
	[FOD_ACT_ARM_TIMER] = "arm-timer",
	[FOD_ACT_CANCEL_TIMER] = "cancel-timer",
	[FOD_ACT_START_SERVING_ALL] = "start-serving-all",
	[FOD_ACT_STOP_SERVING_ALL] = "stop-serving-all",
	[FOD_ACT_START_HANDBACK] = "start-handback",
	[FOD_ACT_HANDBACK_NEXT] = "handback-next",
	[FOD_ACT_ABORT_HANDBACK] = "abort-handback",
	[FOD_ACT_EXIT_CRITICAL] = "exit-critical",
	[FOD_ACT_NOTIFY] = "notify",
};

static const char *const timer_names[FOD_TIMER_COUNT] = {
	[FOD_TIMER_POLL] = "poll",
	[FOD_TIMER_POLL_RPL] = "poll-rpl",
	[FOD_TIMER_SYNC_START] = "sync-start",
	[FOD_TIMER_SYNC_IDLE] = "sync-idle",
};

static const char *const notify_names[FOD_NOTIFY_COUNT] = {
	[FOD_NOTIFY_STATE_CHANGE] = "state-change",
	[FOD_NOTIFY_PRIMARY_NOT_RESPONDING] = "primary-not-responding",
	[FOD_NOTIFY_PRIMARY_RESPONDING] = "primary-responding",
	[FOD_NOTIFY_PRIMARY_RESTARTED] = "primary-restarted",
	[FOD_NOTIFY_TAKEOVER_STARTED] = "takeover-started",
	[FOD_NOTIFY_TAKEOVER_ENDED] = "takeover-ended",
	[FOD_NOTIFY_HANDBACK_STARTED] = "handback-started",
	[FOD_NOTIFY_HANDBACK_COMPLETED] = "handback-completed",
	[FOD_NOTIFY_HANDBACK_FAILED] = "handback-failed",
	[FOD_NOTIFY_SYNC_COMPLETED] = "sync-completed",
	[FOD_NOTIFY_SYNC_FAILED] = "sync-failed",
	[FOD_NOTIFY_PARTNER_DOWN] = "partner-down",
};

/* legal[from][to]: the only edges fod_set_state() takes (design.md §3). */
static const bool legal[FOD_STATE_COUNT][FOD_STATE_COUNT] = {
	[FOD_STARTUP] = {
		[FOD_SYNCING] = true,	/* SyncBindings */
		[FOD_MONITORING] = true,	/* no SyncBindings */
		[FOD_TAKEOVER] = true,	/* resume a persisted takeover */
		[FOD_STOPPED] = true,
	},
	[FOD_SYNCING] = {
		[FOD_MONITORING] = true,	/* done, or failed non-critically */
		[FOD_TAKEOVER] = true,	/* Shutdown, operator */
		[FOD_STOPPED] = true,	/* SyncFailCritical, operator */
	},
	[FOD_MONITORING] = {
		[FOD_TAKEOVER] = true,	/* polls unanswered, Shutdown,
					 * operator */
		[FOD_RETURNING] = true,	/* CtlReq after a quick restart */
		[FOD_STOPPED] = true,
	},
	[FOD_TAKEOVER] = {
		[FOD_RETURNING] = true,	/* CtlReq, partition healed,
					 * operator release */
		[FOD_STOPPED] = true,
	},
	[FOD_RETURNING] = {
		[FOD_MONITORING] = true,	/* all handed back, CtlRet sent */
		[FOD_TAKEOVER] = true,	/* hand-back failed, Shutdown,
					 * operator */
		[FOD_STOPPED] = true,
	},
	[FOD_STOPPED] = {
		[FOD_SYNCING] = true,	/* operator start */
		[FOD_MONITORING] = true,
		[FOD_TAKEOVER] = true,
	},
};

const char *
fod_state_name(enum fod_state s)
{
	return FSM_NAME(fod_state_names, s, FOD_STATE_COUNT);
}

const char *
fod_event_name(enum fod_event_type e)
{
	return FSM_NAME(event_names, e, FOD_EV_COUNT);
}

const char *
fod_action_name(enum fod_action_type a)
{
	return FSM_NAME(action_names, a, FOD_ACT_COUNT);
}

const char *
fod_timer_name(enum fod_timer t)
{
	return FSM_NAME(timer_names, t, FOD_TIMER_COUNT);
}

const char *
fod_notify_name(enum fod_notify n)
{
	return FSM_NAME(notify_names, n, FOD_NOTIFY_COUNT);
}

bool
fod_edge_legal(enum fod_state from, enum fod_state to)
{
	if ((unsigned)from >= FOD_STATE_COUNT || (unsigned)to >= FOD_STATE_COUNT)
		return false;
	return legal[from][to];
}

/* Working context of one fod_fsm_handle() call. */
struct fod_step {
	struct fod_fsm	*m;
	struct fod_output *out;
	const struct fod_event *ev;
	double		 now;
	int		 err;
	bool		 resume;	/* START.resume_takeover */
};

/* ": detail" or "" for reasons. */
#define DETAIL_SEP(ev)	((ev)->detail != NULL ? ": " : "")
#define DETAIL(ev)	((ev)->detail != NULL ? (ev)->detail : "")

static struct fod_action *
emit(struct fod_step *st, enum fod_action_type type)
{
	struct fod_action *a;

	if (st->out->nactions >= FOD_MAX_ACTIONS) {
		assert(0 && "fo_fsm: action overflow");
		st->err = FSM_ERR_OVERFLOW;
		return NULL;
	}
	a = &st->out->actions[st->out->nactions++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void
notify(struct fod_step *st, enum fod_notify n)
{
	struct fod_action *a = emit(st, FOD_ACT_NOTIFY);

	if (a != NULL)
		a->notify = n;
}

/* Reason for a step that notifies without a transition. */
static void
note(struct fod_step *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct fod_step *st, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(st->out->reason, sizeof(st->out->reason), fmt, ap);
	va_end(ap);
}

static void
arm(struct fod_step *st, enum fod_timer t, double secs)
{
	struct fod_action *a = emit(st, FOD_ACT_ARM_TIMER);

	if (a == NULL)
		return;
	a->timer = t;
	a->secs = secs;
	st->m->armed |= 1u << t;
}

static void
cancel(struct fod_step *st, enum fod_timer t)
{
	struct fod_action *a;

	if ((st->m->armed & (1u << t)) == 0)
		return;
	st->m->armed &= ~(1u << t);
	if ((a = emit(st, FOD_ACT_CANCEL_TIMER)) != NULL)
		a->timer = t;
}

/*
 * A timer event: true if that timer was armed (it is not any more).
 * False for an expiry the loop delivered after we cancelled it.
 */
static bool
fired(struct fod_step *st, enum fod_timer t)
{
	if ((st->m->armed & (1u << t)) == 0)
		return false;
	st->m->armed &= ~(1u << t);
	return true;
}

static void
send_poll(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;

	emit(st, FOD_ACT_SEND_POLL);
	m->ctr.polls_sent++;
	m->awaiting_reply = true;
	arm(st, FOD_TIMER_POLL_RPL, m->params.wait_poll_rpl);
}

static void
send_sync_req(struct fod_step *st)
{
	emit(st, FOD_ACT_SEND_SYNC_REQ);
	st->m->ctr.sync_req_sent++;
}

/*
 * The outstanding poll is answered.  arm_next: the state stays, so sleep
 * PollDelay until the next one; otherwise the caller changes state and
 * fod_set_state() cancels POLL_RPL.
 */
static void
poll_answered(struct fod_step *st, bool by_bind_upd, bool arm_next)
{
	struct fod_fsm	*m = st->m;

	m->ctr.polls_answered++;
	if (by_bind_upd)
		m->ctr.polls_answered_by_bind_upd++;
	m->ctr.consecutive_misses = 0;
	m->awaiting_reply = false;
	if (arm_next) {
		cancel(st, FOD_TIMER_POLL_RPL);
		arm(st, FOD_TIMER_POLL, m->params.poll_delay);
	}
}

/* A sign of life from the primary: ends a not-responding episode. */
static void
alive(struct fod_step *st)
{
	if (!st->m->primary_down)
		return;
	st->m->primary_down = false;
	notify(st, FOD_NOTIFY_PRIMARY_RESPONDING);
}

static void
declare_down(struct fod_step *st)
{
	if (st->m->primary_down)
		return;
	st->m->primary_down = true;
	notify(st, FOD_NOTIFY_PRIMARY_NOT_RESPONDING);
}

static void
end_takeover(struct fod_step *st)
{
	if (!st->m->in_takeover)
		return;
	st->m->in_takeover = false;
	st->m->partial = false;
	notify(st, FOD_NOTIFY_TAKEOVER_ENDED);
}

/*
 * The entry actions of `to`, coming from `from`: every state cancels the
 * timers of the last and arms its own, then STATE_CHANGE and what
 * entering it means (serving, polls, traps).
 */
static void
enter(struct fod_step *st, enum fod_state from, enum fod_state to)
{
	struct fod_fsm	*m = st->m;
	unsigned	 t;

	/* Every state arms its own timers on entry. */
	for (t = 0; t < FOD_TIMER_COUNT; t++)
		cancel(st, (enum fod_timer)t);
	m->awaiting_reply = false;
	/* Only a takeover caused by Shutdown cares that one was seen. */
	if (to != FOD_TAKEOVER) {
		m->primary_shut_down = false;
		m->partner_down = false;
	}
	notify(st, FOD_NOTIFY_STATE_CHANGE);

	switch (to) {
	case FOD_SYNCING:
		m->sync_started = false;
		m->sync_req_retries = 0;
		send_sync_req(st);
		/* Seed 5: WaitSyncStartSecs 0 "wait indefinitely". */
		if (m->params.wait_sync_start > 0.0)
			arm(st, FOD_TIMER_SYNC_START, m->params.wait_sync_start);
		break;
	case FOD_MONITORING:
		end_takeover(st);
		m->ctr.consecutive_misses = 0;
		send_poll(st);
		break;
	case FOD_TAKEOVER:
		if (m->partial)
			m->ctr.consecutive_misses = 0;
		else
			emit(st, FOD_ACT_START_SERVING_ALL);
		if (!m->in_takeover) {
			m->in_takeover = true;
			m->ctr.takeovers++;
			m->ctr.last_takeover_time = st->now;
			memcpy(m->ctr.last_takeover_reason, st->out->reason,
			    sizeof(m->ctr.last_takeover_reason));
			notify(st, FOD_NOTIFY_TAKEOVER_STARTED);
		}
		/*
		 * Keep polling to notice the primary coming back
		 * (docs/design.md §7.3, §7.4).  After a restart of ours, poll
		 * at once: the primary may have come back while we were down.
		 */
		if (st->resume)
			send_poll(st);
		else
			arm(st, FOD_TIMER_POLL, m->params.poll_delay);
		break;
	case FOD_RETURNING:
		m->returning_from_takeover = m->in_takeover;
		emit(st, FOD_ACT_START_HANDBACK);
		notify(st, FOD_NOTIFY_HANDBACK_STARTED);
		break;
	case FOD_STOPPED:
		if (from == FOD_TAKEOVER || from == FOD_RETURNING)
			emit(st, FOD_ACT_STOP_SERVING_ALL);
		end_takeover(st);
		break;
	case FOD_STARTUP:
	case FOD_STATE_COUNT:
		break;
	}
}

/*
 * The one writer of m->state (docs/architecture.md convention 4): checks the
 * edge, records the history and the reason, then enters `to`.
 */
static void
fod_set_state(struct fod_step *st, enum fod_state to, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fod_set_state(struct fod_step *st, enum fod_state to, const char *fmt, ...)
{
	struct fod_fsm	*m = st->m;
	struct fod_output *out = st->out;
	enum fod_state	 from = m->state;
	va_list		 ap;

	if (!fod_edge_legal(from, to)) {
		assert(0 && "fo_fsm: illegal edge");
		st->err = FSM_ERR_ILLEGAL;
		return;
	}
	/* One transition per event: the output has room for one reason. */
	assert(!out->transitioned);

	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	if (fsm_history_record(&m->hist, from, to, st->now, out->reason) !=
	    FSM_OK) {
		assert(0 && "fo_fsm: history out of step");
		st->err = FSM_ERR_ILLEGAL;
		return;
	}
	m->state = to;
	m->ctr.state_since = st->now;
	out->transitioned = true;
	out->from = from;
	out->to = to;

	enter(st, from, to);
}

static void
on_start(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const char	*how = m->state == FOD_STOPPED ? "operator start" :
			    "start-up";

	if (st->ev->resume_takeover) {
		st->resume = true;
		fod_set_state(st, FOD_TAKEOVER, "%s: resuming persisted "
		    "takeover%s", how, st->ev->resume_partner_down ?
		    " (partner-down)" : "");
		m->partner_down = st->ev->resume_partner_down;
	} else if (m->params.sync_bindings)
		fod_set_state(st, FOD_SYNCING, "%s: requesting bindings "
		    "(SyncBindings)", how);
	else
		fod_set_state(st, FOD_MONITORING, "%s: polling", how);
}

static void
sync_failed(struct fod_step *st, const char *why)
{
	struct fod_fsm	*m = st->m;

	m->ctr.syncs_failed++;
	notify(st, FOD_NOTIFY_SYNC_FAILED);
	if (m->params.sync_fail_critical) {
		fod_set_state(st, FOD_STOPPED, "start-up sync failed: %s", why);
		emit(st, FOD_ACT_EXIT_CRITICAL);
	} else
		fod_set_state(st, FOD_MONITORING, "start-up sync failed (%s); "
		    "polling", why);
}

static void
on_syncing(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const struct fod_event *ev = st->ev;
	char		 why[64];

	switch (ev->type) {
	case FOD_EV_SYNC_START:
		alive(st);
		m->sync_started = true;
		cancel(st, FOD_TIMER_SYNC_START);
		arm(st, FOD_TIMER_SYNC_IDLE, m->params.wait_sync_bind_update);
		break;
	case FOD_EV_SYNC_BIND_UPD:
	case FOD_EV_BIND_UPD:
		/* A plain BindUpd before the sync began is replication,
		 * not progress of the sync. */
		if (!m->sync_started && ev->type == FOD_EV_BIND_UPD)
			break;
		alive(st);
		m->sync_started = true;
		cancel(st, FOD_TIMER_SYNC_START);
		arm(st, FOD_TIMER_SYNC_IDLE, m->params.wait_sync_bind_update);
		break;
	case FOD_EV_SYNC_DONE:
		alive(st);
		m->ctr.syncs_completed++;
		notify(st, FOD_NOTIFY_SYNC_COMPLETED);
		fod_set_state(st, FOD_MONITORING, "start-up sync completed");
		break;
	case FOD_EV_TIMER_SYNC_START:
		if (!fired(st, FOD_TIMER_SYNC_START))
			break;
		if (m->sync_req_retries < m->params.sync_req_retry_max) {
			m->sync_req_retries++;
			send_sync_req(st);
			arm(st, FOD_TIMER_SYNC_START, m->params.wait_sync_start);
			break;
		}
		snprintf(why, sizeof(why), "no SyncStart after %u SyncReq",
		    m->sync_req_retries + 1);
		sync_failed(st, why);
		break;
	case FOD_EV_TIMER_SYNC_IDLE:
		if (!fired(st, FOD_TIMER_SYNC_IDLE))
			break;
		snprintf(why, sizeof(why), "no binding update for %g s",
		    m->params.wait_sync_bind_update);
		sync_failed(st, why);
		break;
	case FOD_EV_CTL_REQ:
		alive(st);
		emit(st, FOD_ACT_SEND_CTL_RET);
		note(st, "CtlReq during start-up sync: nothing held, "
		    "control returned");
		break;
	case FOD_EV_SHUTDOWN:
		m->primary_shut_down = true;
		fod_set_state(st, FOD_TAKEOVER,
		    "primary shut down during start-up sync");
		break;
	case FOD_EV_FORCE_TAKEOVER:
		fod_set_state(st, FOD_TAKEOVER, "operator forced takeover%s%s",
		    DETAIL_SEP(ev), DETAIL(ev));
		break;
	default:
		break;
	}
}

static void
on_monitoring(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const struct fod_event *ev = st->ev;
	uint8_t		 ps = ev->primary_state;

	switch (ev->type) {
	case FOD_EV_TIMER_POLL:
		if (fired(st, FOD_TIMER_POLL))
			send_poll(st);
		break;
	case FOD_EV_POLL_RPL:
		if (ps == FO_STATE_WAIT_CONTROL || ps == FO_STATE_RETURNING) {
			if (m->awaiting_reply)
				poll_answered(st, false, false);
			alive(st);
			fod_set_state(st, FOD_RETURNING, "primary waiting for "
			    "control (PollRpl says %s)",
			    fo_state_code_name(ps));
		} else if (m->awaiting_reply) {
			alive(st);
			poll_answered(st, false, true);
		}
		break;
	case FOD_EV_BIND_UPD:
	case FOD_EV_SYNC_BIND_UPD:
		/* Seed 5 WaitPollRplSecs: a BindUpd answers the poll. */
		if (m->awaiting_reply) {
			alive(st);
			poll_answered(st, true, true);
		}
		break;
	case FOD_EV_TIMER_POLL_RPL:
		if (!fired(st, FOD_TIMER_POLL_RPL))
			break;
		m->awaiting_reply = false;
		m->ctr.polls_timed_out++;
		m->ctr.consecutive_misses++;
		/* Seed 5 PollRetryMax: retries, so retry_max + 1 polls. */
		if (m->ctr.consecutive_misses > m->params.poll_retry_max) {
			declare_down(st);
			fod_set_state(st, FOD_TAKEOVER, "%u polls unanswered",
			    m->ctr.consecutive_misses);
		} else
			send_poll(st);
		break;
	case FOD_EV_SHUTDOWN:
		m->primary_shut_down = true;
		fod_set_state(st, FOD_TAKEOVER, "primary shut down");
		break;
	case FOD_EV_CTL_REQ:
		alive(st);
		fod_set_state(st, FOD_RETURNING, "primary requested control");
		break;
	case FOD_EV_FORCE_TAKEOVER:
		fod_set_state(st, FOD_TAKEOVER, "operator forced takeover%s%s",
		    DETAIL_SEP(ev), DETAIL(ev));
		break;
	default:
		break;
	}
}

/* Take every subnet back after a partial hand-back (see top). */
static void
reclaim_all(struct fod_step *st, const char *why)
{
	st->m->partial = false;
	emit(st, FOD_ACT_START_SERVING_ALL);
	note(st, "%s: serving all subnets again", why);
}

static void
on_takeover(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const struct fod_event *ev = st->ev;

	switch (ev->type) {
	case FOD_EV_TIMER_POLL:
		if (fired(st, FOD_TIMER_POLL))
			send_poll(st);
		break;
	case FOD_EV_TIMER_POLL_RPL:
		if (!fired(st, FOD_TIMER_POLL_RPL))
			break;
		m->awaiting_reply = false;
		m->ctr.polls_timed_out++;
		m->ctr.consecutive_misses++;
		if (!m->partial) {
			/* Serving everything: nothing hangs on this poll. */
			arm(st, FOD_TIMER_POLL, m->params.poll_delay);
			break;
		}
		if (m->ctr.consecutive_misses > m->params.poll_retry_max) {
			declare_down(st);
			reclaim_all(st, "primary not responding after a "
			    "failed hand-back");
			arm(st, FOD_TIMER_POLL, m->params.poll_delay);
		} else
			send_poll(st);
		break;
	case FOD_EV_POLL_RPL:
	case FOD_EV_BIND_UPD:
	case FOD_EV_SYNC_BIND_UPD:
		if (m->primary_shut_down && !ev->primary_restarted)
			break;
		if (m->awaiting_reply)
			poll_answered(st, ev->type != FOD_EV_POLL_RPL, false);
		alive(st);
		if (ev->primary_restarted)
			fod_set_state(st, FOD_RETURNING, "primary restarted");
		else
			fod_set_state(st, FOD_RETURNING,
			    "primary alive again; partition healed");
		break;
	case FOD_EV_CTL_REQ:
		alive(st);
		fod_set_state(st, FOD_RETURNING, "primary requested control");
		break;
	case FOD_EV_FORCE_RELEASE:
		fod_set_state(st, FOD_RETURNING, "operator release%s%s",
		    DETAIL_SEP(ev), DETAIL(ev));
		break;
	case FOD_EV_SHUTDOWN:
		m->primary_shut_down = true;
		if (m->partial)
			reclaim_all(st, "primary shut down");
		break;
	case FOD_EV_FORCE_TAKEOVER:
		if (m->partial)
			reclaim_all(st, "operator forced takeover");
		break;
	case FOD_EV_PARTNER_DOWN:
		if (m->partner_down)
			break;
		m->partner_down = true;
		note(st, "operator declared the primary down%s%s: safe "
		    "period ended", DETAIL_SEP(ev), DETAIL(ev));
		if (fsm_history_note(&m->hist, st->now, st->out->reason) !=
		    FSM_OK)
			st->err = FSM_ERR_INVAL;
		notify(st, FOD_NOTIFY_PARTNER_DOWN);
		break;
	default:
		break;
	}
}

static void
on_returning(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const struct fod_event *ev = st->ev;

	switch (ev->type) {
	case FOD_EV_SUBNET_HANDED_BACK:
		m->ctr.subnets_handed_back++;
		emit(st, FOD_ACT_HANDBACK_NEXT);
		break;
	case FOD_EV_ALL_HANDED_BACK:
		m->ctr.handbacks++;
		m->ctr.last_handback_time = st->now;
		/* Stop before CtlRet: on CtlRet the primary serves all. */
		emit(st, FOD_ACT_STOP_SERVING_ALL);
		emit(st, FOD_ACT_SEND_CTL_RET);
		notify(st, FOD_NOTIFY_HANDBACK_COMPLETED);
		fod_set_state(st, FOD_MONITORING,
		    "hand-back complete; control returned");
		break;
	case FOD_EV_HANDBACK_FAILED:
		m->ctr.handback_failures++;
		notify(st, FOD_NOTIFY_HANDBACK_FAILED);
		if (m->returning_from_takeover) {
			m->partial = true;
			fod_set_state(st, FOD_TAKEOVER, "hand-back failed: %s",
			    ev->detail != NULL ? ev->detail : "no detail");
		} else
			fod_set_state(st, FOD_MONITORING, "hand-back failed: "
			    "%s; monitoring",
			    ev->detail != NULL ? ev->detail : "no detail");
		break;
	case FOD_EV_CTL_REQ:
		/* A resend while we work is answered by the CtlRet at the
		 * end; a restarted primary lost what it was given. */
		if (!ev->primary_restarted)
			break;
		emit(st, FOD_ACT_START_HANDBACK);
		note(st, "primary restarted during hand-back; restarting it");
		break;
	case FOD_EV_SHUTDOWN:
		/* Handed-back subnets would be served by nobody. */
		m->partial = false;
		m->primary_shut_down = true;
		emit(st, FOD_ACT_ABORT_HANDBACK);
		fod_set_state(st, FOD_TAKEOVER,
		    "primary shut down during hand-back");
		break;
	case FOD_EV_FORCE_TAKEOVER:
		m->partial = false;
		emit(st, FOD_ACT_ABORT_HANDBACK);
		fod_set_state(st, FOD_TAKEOVER, "operator forced takeover%s%s",
		    DETAIL_SEP(ev), DETAIL(ev));
		break;
	default:
		break;
	}
}

static bool
is_message(enum fod_event_type t)
{
	switch (t) {
	case FOD_EV_SYNC_START:
	case FOD_EV_SYNC_DONE:
	case FOD_EV_SYNC_BIND_UPD:
	case FOD_EV_POLL_RPL:
	case FOD_EV_BIND_UPD:
	case FOD_EV_SHUTDOWN:
	case FOD_EV_CTL_REQ:
		return true;
	default:
		return false;
	}
}

static void
dispatch(struct fod_step *st)
{
	struct fod_fsm	*m = st->m;
	const struct fod_event *ev = st->ev;

	/* STARTUP and STOPPED listen to nothing but START. */
	if (m->state == FOD_STARTUP || m->state == FOD_STOPPED) {
		if (ev->type == FOD_EV_START)
			on_start(st);
		else if (ev->type == FOD_EV_STOP && m->state == FOD_STARTUP)
			fod_set_state(st, FOD_STOPPED, "operator stop%s%s",
			    DETAIL_SEP(ev), DETAIL(ev));
		return;
	}

	if (ev->type == FOD_EV_STOP) {
		if (m->state == FOD_RETURNING)
			emit(st, FOD_ACT_ABORT_HANDBACK);
		fod_set_state(st, FOD_STOPPED, "operator stop%s%s",
		    DETAIL_SEP(ev), DETAIL(ev));
		return;
	}

	if (is_message(ev->type) && ev->primary_restarted) {
		m->ctr.primary_restarts++;
		m->primary_shut_down = false;
		notify(st, FOD_NOTIFY_PRIMARY_RESTARTED);
		note(st, "primary restarted (new boot epoch)");
	}

	switch (m->state) {
	case FOD_SYNCING:
		on_syncing(st);
		break;
	case FOD_MONITORING:
		on_monitoring(st);
		break;
	case FOD_TAKEOVER:
		on_takeover(st);
		break;
	case FOD_RETURNING:
		on_returning(st);
		break;
	case FOD_STARTUP:
	case FOD_STOPPED:
	case FOD_STATE_COUNT:
		break;
	}
}

void
fod_params_default(struct fod_params *p)
{
	/* docs/design.md §4: the VitalQIP screen's defaults. */
	memset(p, 0, sizeof(*p));
	p->poll_delay = 60;
	p->poll_retry_max = 3;
	p->wait_poll_rpl = 5;
	p->sync_bindings = true;
	p->sync_fail_critical = false;
	p->sync_req_retry_max = 3;
	p->wait_sync_start = 5;
	p->wait_sync_bind_update = 5;
}

static int
normalise(const struct fod_params *in, struct fod_params *p)
{
	if (in == NULL || !isfinite(in->poll_delay) ||
	    !isfinite(in->wait_poll_rpl) || !isfinite(in->wait_sync_start) ||
	    !isfinite(in->wait_sync_bind_update) || in->poll_delay < 0 ||
	    in->wait_poll_rpl < 0 || in->wait_sync_start < 0 ||
	    in->wait_sync_bind_update < 0)
		return FSM_ERR_INVAL;
	*p = *in;
	/*
	 * A zero wait would declare the primary down (or the sync failed)
	 * the instant the poll leaves.  Config rejects it; be safe anyway.
	 * WaitSyncStartSecs 0 is meaningful (forever) and stays.
	 */
	if (p->wait_poll_rpl == 0)
		p->wait_poll_rpl = FOD_WAIT_DEFAULT;
	if (p->wait_sync_bind_update == 0)
		p->wait_sync_bind_update = FOD_WAIT_DEFAULT;
	return FSM_OK;
}

int
fod_fsm_init(struct fod_fsm *m, const struct fod_params *params, double now)
{
	struct fod_params p;

	if (m == NULL || normalise(params, &p) != FSM_OK)
		return FSM_ERR_INVAL;
	memset(m, 0, sizeof(*m));
	m->state = FOD_STARTUP;
	m->params = p;
	m->ctr.state_since = now;
	return fsm_history_init(&m->hist, fod_state_names, FOD_STATE_COUNT,
	    FOD_STARTUP, now);
}

int
fod_fsm_set_params(struct fod_fsm *m, const struct fod_params *params)
{
	struct fod_params p;

	if (m == NULL || normalise(params, &p) != FSM_OK)
		return FSM_ERR_INVAL;
	m->params = p;
	return FSM_OK;
}

int
fod_fsm_handle(struct fod_fsm *m, const struct fod_event *ev, double now,
    struct fod_output *out)
{
	struct fod_step	 st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (m == NULL || ev == NULL || out == NULL ||
	    (unsigned)ev->type >= FOD_EV_COUNT)
		return FSM_ERR_INVAL;
	out->from = out->to = m->state;
	memset(&st, 0, sizeof(st));
	st.m = m;
	st.out = out;
	st.ev = ev;
	st.now = now;
	st.err = FSM_OK;
	dispatch(&st);
	return st.err;
}
