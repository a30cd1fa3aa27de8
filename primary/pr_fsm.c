/*
 * The primary's control machine (docs/design.md §2, §3; §7.1 and §7.4:
 * the primary asks for control; §4 CtlReqRetryMax, WaitCtlRetSecs,
 * UseFailoverServer).  docs/failover-states.md has the table.
 *
 * Decisions (tests/unit/test_pr_fsm.c pins each one):
 *
 * PR_INIT is a fifth state, before EV_START: nothing is served yet and
 *   the history starts from a state that is neither "serves all" nor
 *   "serves none".
 *
 * CtlReq retries (docs/design.md §4): the first CtlReq goes out at start; each
 *   WaitCtlRetSecs without CtlRet resends it while fewer than
 *   CtlReqRetryMax resends were made, then the failover is declared
 *   inoperable and we serve everything (SERVING), still sending binding
 *   updates.  CtlReqRetryMax = 2 thus gives 3 CtlReq and gives up
 *   3 * WaitCtlRetSecs after the first.  WaitCtlRetSecs = 0 means 5.
 *
 * Hand-back progress (SubnetSyncStart, SubnetSyncDone, BindUpd from the
 *   failover) while waiting restarts the CtlRet timer and resets the
 *   resend count: a hand-back of many subnets legitimately takes longer
 *   than WaitCtlRetSecs, and giving up in the middle would make us serve
 *   a subnet the failover still serves.  Only silence counts against the
 *   failover.
 *
 * A Poll while waiting does nothing here: the loop answers every Poll
 *   with a PollRpl carrying our state, and the failover treats a PollRpl
 *   saying CTL_WAIT or RECEIVING as a request for control (fo_fsm.c), so
 *   a lost CtlReq is repaired by the next poll without a second,
 *   uncounted CtlReq stream.  A Poll is not progress either: a failover
 *   that polls but never returns control must not keep us from serving
 *   forever.
 *
 * SubnetSyncStart while SERVING (we gave up on the failover, or the
 *   failover saw us alive after a partition and started the hand-back
 *   itself, docs/design.md §3): back to RECEIVING and stop serving that
 *   subnet while it syncs: neither server grants from a subnet in
 *   transit.  The CtlRet timer runs again; the other subnets stay served.
 *
 * SubnetSyncDone without its SubnetSyncStart (lost): the subnet's
 *   bindings are applied, so it is served; from CTL_WAIT that starts
 *   RECEIVING.  While SERVING it changes nothing.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pr_fsm.h"

const char *const pr_state_names[PR_STATE_COUNT] = {
	[PR_INIT] = "init",
	[PR_STANDALONE] = "standalone",
	[PR_CTL_WAIT] = "ctl-wait",
	[PR_RECEIVING] = "receiving",
	[PR_SERVING] = "serving",
};

static const char *const event_names[PR_EV_COUNT] = {
	[PR_EV_START] = "start",
	[PR_EV_TIMER_CTL_RET] = "timer-ctl-ret",
	[PR_EV_CTL_RET] = "ctl-ret",
	[PR_EV_SUBNET_SYNC_START] = "subnet-sync-start",
	[PR_EV_SUBNET_SYNC_DONE] = "subnet-sync-done",
	[PR_EV_BIND_UPD] = "bind-upd",
	[PR_EV_POLL] = "poll",
};

static const char *const action_names[PR_ACT_COUNT] = {
	[PR_ACT_SEND_CTL_REQ] = "send-ctl-req",
	[PR_ACT_ARM_TIMER] = "arm-timer",
	[PR_ACT_CANCEL_TIMER] = "cancel-timer",
	[PR_ACT_SERVE_ALL] = "serve-all",
	[PR_ACT_SERVE_NONE] = "serve-none",
	[PR_ACT_SUBNET_SYNCING] = "subnet-syncing",
	[PR_ACT_SUBNET_SERVE] = "subnet-serve",
	[PR_ACT_NOTIFY] = "notify",
};

static const char *const timer_names[PR_TIMER_COUNT] = {
	[PR_TIMER_CTL_RET] = "ctl-ret",
};

static const char *const notify_names[PR_NOTIFY_COUNT] = {
	[PR_NOTIFY_STATE_CHANGE] = "state-change",
	[PR_NOTIFY_HANDBACK_STARTED] = "handback-started",
	[PR_NOTIFY_CONTROL_RETURNED] = "control-returned",
	[PR_NOTIFY_FAILOVER_INOPERABLE] = "failover-inoperable",
};

/* legal[from][to]: the only edges pr_set_state() will take. */
static const bool legal[PR_STATE_COUNT][PR_STATE_COUNT] = {
	[PR_INIT] = {
		[PR_STANDALONE] = true,
		[PR_CTL_WAIT] = true,
	},
	[PR_CTL_WAIT] = {
		[PR_RECEIVING] = true,	/* first SubnetSync* */
		[PR_SERVING] = true,	/* CtlRet, or gave up */
	},
	[PR_RECEIVING] = {
		[PR_SERVING] = true,	/* CtlRet, or gave up */
	},
	[PR_SERVING] = {
		[PR_RECEIVING] = true,	/* hand-back after a partition */
	},
	/* PR_STANDALONE: no failover, nothing ever changes. */
};

uint8_t
pr_state_code(const struct pr_fsm *m)
{
	switch (m->state) {
	case PR_INIT:
		return FO_STATE_STARTUP;
	case PR_CTL_WAIT:
		return FO_STATE_WAIT_CONTROL;
	case PR_RECEIVING:
		return FO_STATE_RETURNING;
	case PR_SERVING:
		return m->gave_up ? FO_STATE_STANDALONE : FO_STATE_SERVING;
	case PR_STANDALONE:
	case PR_STATE_COUNT:
		break;
	}
	return FO_STATE_STANDALONE;
}

const char *
pr_state_name(enum pr_state s)
{
	return FSM_NAME(pr_state_names, s, PR_STATE_COUNT);
}

const char *
pr_event_name(enum pr_event_type e)
{
	return FSM_NAME(event_names, e, PR_EV_COUNT);
}

const char *
pr_action_name(enum pr_action_type a)
{
	return FSM_NAME(action_names, a, PR_ACT_COUNT);
}

const char *
pr_timer_name(enum pr_timer t)
{
	return FSM_NAME(timer_names, t, PR_TIMER_COUNT);
}

const char *
pr_notify_name(enum pr_notify n)
{
	return FSM_NAME(notify_names, n, PR_NOTIFY_COUNT);
}

bool
pr_edge_legal(enum pr_state from, enum pr_state to)
{
	if ((unsigned)from >= PR_STATE_COUNT || (unsigned)to >= PR_STATE_COUNT)
		return false;
	return legal[from][to];
}

/* Working context of one pr_fsm_handle() call. */
struct pr_step {
	struct pr_fsm	*m;
	struct pr_output *out;
	double		 now;
	int		 err;
};

static void
emit(struct pr_step *st, enum pr_action_type type)
{
	struct pr_action *a;

	if (st->out->nactions >= PR_MAX_ACTIONS) {
		assert(0 && "pr_fsm: action overflow");
		st->err = FSM_ERR_OVERFLOW;
		return;
	}
	a = &st->out->actions[st->out->nactions++];
	memset(a, 0, sizeof(*a));
	a->type = type;
}

static void
emit_subnet(struct pr_step *st, enum pr_action_type type, uint32_t subnet)
{
	emit(st, type);
	if (st->err == FSM_OK)
		st->out->actions[st->out->nactions - 1].subnet = subnet;
}

static void
notify(struct pr_step *st, enum pr_notify n)
{
	emit(st, PR_ACT_NOTIFY);
	if (st->err == FSM_OK)
		st->out->actions[st->out->nactions - 1].notify = n;
}

static void
arm(struct pr_step *st)
{
	emit(st, PR_ACT_ARM_TIMER);
	if (st->err != FSM_OK)
		return;
	st->out->actions[st->out->nactions - 1].timer = PR_TIMER_CTL_RET;
	st->out->actions[st->out->nactions - 1].secs =
	    st->m->params.wait_ctl_ret;
	st->m->timer_armed = true;
}

static void
cancel(struct pr_step *st)
{
	if (!st->m->timer_armed)
		return;
	emit(st, PR_ACT_CANCEL_TIMER);
	if (st->err != FSM_OK)
		return;
	st->out->actions[st->out->nactions - 1].timer = PR_TIMER_CTL_RET;
	st->m->timer_armed = false;
}

static void
send_ctl_req(struct pr_step *st)
{
	emit(st, PR_ACT_SEND_CTL_REQ);
	st->m->ctr.ctl_req_sent++;
}

/*
 * The one writer of m->state (docs/architecture.md convention 4): checks the
 * edge, records the history, then emits STATE_CHANGE and the entry actions of
 * `to`.
 */
static void
pr_set_state(struct pr_step *st, enum pr_state to, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
pr_set_state(struct pr_step *st, enum pr_state to, const char *fmt, ...)
{
	struct pr_fsm	*m = st->m;
	struct pr_output *out = st->out;
	enum pr_state	 from = m->state;
	va_list		 ap;

	if (!pr_edge_legal(from, to)) {
		assert(0 && "pr_fsm: illegal edge");
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
		assert(0 && "pr_fsm: history out of step");
		st->err = FSM_ERR_ILLEGAL;
		return;
	}
	m->state = to;
	m->ctr.state_since = st->now;
	out->transitioned = true;
	out->from = from;
	out->to = to;
	notify(st, PR_NOTIFY_STATE_CHANGE);

	switch (to) {
	case PR_STANDALONE:
		emit(st, PR_ACT_SERVE_ALL);
		break;
	case PR_CTL_WAIT:
		/* Serve nothing until the failover says so (design.md §3). */
		m->ctr.ctl_req_retries = 0;
		emit(st, PR_ACT_SERVE_NONE);
		send_ctl_req(st);
		arm(st);
		break;
	case PR_RECEIVING:
		notify(st, PR_NOTIFY_HANDBACK_STARTED);
		break;
	case PR_SERVING:
		cancel(st);
		emit(st, PR_ACT_SERVE_ALL);
		break;
	case PR_INIT:
	case PR_STATE_COUNT:
		break;
	}
}

/* The failover is making progress with the hand-back: wait afresh. */
static void
progress(struct pr_step *st)
{
	st->m->ctr.ctl_req_retries = 0;
	arm(st);
}

static void
on_timer(struct pr_step *st)
{
	struct pr_fsm	*m = st->m;
	unsigned	 sent = m->ctr.ctl_req_retries + 1;

	/* A timer the loop fired after we cancelled it: stale. */
	if (!m->timer_armed)
		return;
	m->timer_armed = false;
	if (m->ctr.ctl_req_retries < m->params.ctl_req_retry_max) {
		m->ctr.ctl_req_retries++;
		send_ctl_req(st);
		arm(st);
		return;
	}
	/* Seed 5: "the primary assumes that the failover is inoperable". */
	m->ctr.failover_inoperable++;
	m->gave_up = true;
	pr_set_state(st, PR_SERVING, "failover not answering after %u "
	    "CtlReq; serving", sent);
	notify(st, PR_NOTIFY_FAILOVER_INOPERABLE);
}

static void
on_ctl_ret(struct pr_step *st)
{
	st->m->ctr.ctl_ret_received++;
	st->m->gave_up = false;
	st->m->ctr.last_ctl_ret_time = st->now;
	pr_set_state(st, PR_SERVING, "control returned by the failover");
	notify(st, PR_NOTIFY_CONTROL_RETURNED);
}

static void
on_subnet_sync_start(struct pr_step *st, uint32_t subnet)
{
	struct pr_fsm	*m = st->m;

	m->ctr.subnets_syncing++;
	if (m->state == PR_CTL_WAIT)
		pr_set_state(st, PR_RECEIVING,
		    "failover handing back subnets (first: %u)", subnet);
	else if (m->state == PR_SERVING)
		pr_set_state(st, PR_RECEIVING,
		    "failover handing back subnet %u while we serve", subnet);
	emit_subnet(st, PR_ACT_SUBNET_SYNCING, subnet);
	progress(st);
}

static void
on_subnet_sync_done(struct pr_step *st, uint32_t subnet)
{
	struct pr_fsm	*m = st->m;

	m->ctr.subnets_received++;
	if (m->state == PR_CTL_WAIT)
		pr_set_state(st, PR_RECEIVING,
		    "subnet %u handed back (its SubnetSyncStart was lost)",
		    subnet);
	emit_subnet(st, PR_ACT_SUBNET_SERVE, subnet);
	progress(st);
}

static void
dispatch(struct pr_step *st, const struct pr_event *ev)
{
	struct pr_fsm	*m = st->m;
	enum pr_state	 s = m->state;
	bool		 waiting = s == PR_CTL_WAIT || s == PR_RECEIVING;

	/* Counted in every state: dhcpfoctl shows when the failover last
	 * polled us. */
	if (ev->type == PR_EV_POLL) {
		m->ctr.polls_received++;
		m->ctr.last_poll_time = st->now;
		return;
	}

	switch (s) {
	case PR_INIT:
		if (ev->type == PR_EV_START) {
			if (m->params.use_failover)
				pr_set_state(st, PR_CTL_WAIT, "start-up: "
				    "asking the failover for control");
			else
				pr_set_state(st, PR_STANDALONE, "start-up: "
				    "no failover server");
		}
		return;
	case PR_STANDALONE:
		/* No failover: the loop drops its messages anyway. */
		return;
	case PR_CTL_WAIT:
	case PR_RECEIVING:
	case PR_SERVING:
		break;
	case PR_STATE_COUNT:
		return;
	}

	switch (ev->type) {
	case PR_EV_TIMER_CTL_RET:
		if (waiting)
			on_timer(st);
		break;
	case PR_EV_CTL_RET:
		if (waiting)
			on_ctl_ret(st);
		break;
	case PR_EV_SUBNET_SYNC_START:
		on_subnet_sync_start(st, ev->subnet);
		break;
	case PR_EV_SUBNET_SYNC_DONE:
		if (waiting)
			on_subnet_sync_done(st, ev->subnet);
		break;
	case PR_EV_BIND_UPD:
		if (waiting)
			progress(st);
		break;
	case PR_EV_START:
	case PR_EV_POLL:
	case PR_EV_COUNT:
		break;
	}
}

static int
normalise(const struct pr_params *in, struct pr_params *p)
{
	if (in == NULL)
		return FSM_ERR_INVAL;
	*p = *in;
	/* Seed 5: "If a value of zero is supplied, the default is used." */
	if (!(p->wait_ctl_ret > 0.0))
		p->wait_ctl_ret = PR_WAIT_CTL_RET_DEFAULT;
	return FSM_OK;
}

int
pr_fsm_init(struct pr_fsm *m, const struct pr_params *params, double now)
{
	struct pr_params p;

	if (m == NULL || normalise(params, &p) != FSM_OK)
		return FSM_ERR_INVAL;
	memset(m, 0, sizeof(*m));
	m->state = PR_INIT;
	m->params = p;
	m->ctr.state_since = now;
	return fsm_history_init(&m->hist, pr_state_names, PR_STATE_COUNT,
	    PR_INIT, now);
}

int
pr_fsm_set_params(struct pr_fsm *m, const struct pr_params *params)
{
	struct pr_params p;

	if (m == NULL || normalise(params, &p) != FSM_OK)
		return FSM_ERR_INVAL;
	/* UseFailoverServer cannot change under a running machine: it
	 * decides the whole life of the daemon (restart to change it). */
	p.use_failover = m->params.use_failover;
	m->params = p;
	return FSM_OK;
}

int
pr_fsm_handle(struct pr_fsm *m, const struct pr_event *ev, double now,
    struct pr_output *out)
{
	struct pr_step	 st;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (m == NULL || ev == NULL || out == NULL ||
	    (unsigned)ev->type >= PR_EV_COUNT)
		return FSM_ERR_INVAL;
	out->from = out->to = m->state;
	st.m = m;
	st.out = out;
	st.now = now;
	st.err = FSM_OK;
	dispatch(&st, ev);
	return st.err;
}
