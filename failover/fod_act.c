/*
 * The driver of a primary's pure state machine (failover/fod_fsm.c): feed
 * it events, perform its actions in the order given
 * (docs/failover-states.md), log and persist what a transition changes.
 *
 * Events the actions themselves cause (a hand-back with nothing to send
 * ends at once) are queued and fed after the current action list, so the
 * actions of one event never interleave with those of the next.
 */
#include <stdio.h>
#include <string.h>

#include "fod.h"

/* ------------------------------------------------------ set-up */

static void
params_from_policy(const struct cfg_fo_policy *pol, struct fod_params *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->poll_delay = pol->poll_delay;
	fp->poll_retry_max = pol->poll_retry_max;
	fp->wait_poll_rpl = pol->wait_poll_rpl;
	fp->sync_bindings = pol->sync_bindings;
	fp->sync_fail_critical = pol->sync_fail_critical;
	fp->sync_req_retry_max = pol->sync_req_retry_max;
	fp->wait_sync_start = pol->wait_sync_start;
	fp->wait_sync_bind_update = pol->wait_sync_bind_update;
}

int
fod_act_init(struct fod_peer *p, char *err, size_t errlen)
{
	struct fod_params fp;

	atomic_init(&p->serving, false);
	atomic_init(&p->critical, false);
	for (int k = 0; k < FOD_TIMER_COUNT; k++) {
		ev_timer_init(&p->act.fsm_w[k], fod_peer_timer_cb, 1.0, 0.0);
		p->act.fsm_w[k].data = p;
	}
	params_from_policy(&p->policy, &fp);
	if (fod_fsm_init(&p->act.fsm, &fp, ev_time()) != FSM_OK) {
		snprintf(err, errlen, "primary=%s: poll policy refused",
		    p->name);
		return -1;
	}
	return 0;
}

void
fod_act_set_policy(struct fod_peer *p)
{
	struct fod_params fp;

	params_from_policy(&p->policy, &fp);
	if (fod_fsm_set_params(&p->act.fsm, &fp) != FSM_OK)
		log_err("primary=%s: reload: policy refused", p->name);
}

void
fod_act_start(struct fod_peer *p)
{
	if (p->act.fsm.state != FOD_STOPPED)
		return;
	p->act.st.critical = false;
	p->act.st.stop_reason[0] = '\0';
	atomic_store(&p->critical, false);
	fod_peer_event_simple(p, FOD_EV_START, NULL);
}

void
fod_act_free(struct fod_peer *p)
{
	if (p->loop == NULL)
		return;
	for (int k = 0; k < FOD_TIMER_COUNT; k++)
		ev_timer_stop(p->loop, &p->act.fsm_w[k]);
}

/* ------------------------------------------------------ serving */

static void
update_serving_flag(struct fod_peer *p)
{
	bool	 any = false;

	for (size_t i = 0; i < pool_set_count(p->pools) && !any; i++)
		any = pool_is_serving(pool_set_get(p->pools, i));
	atomic_store(&p->serving, any);
	fod_peer_changed(p);
}

void
fod_peer_serve(struct fod_peer *p, size_t i, bool on)
{
	if (i >= pool_set_count(p->pools))
		return;
	pool_set_serving(pool_set_get(p->pools, i), on);
	update_serving_flag(p);
}

void
fod_peer_serve_all(struct fod_peer *p, bool on)
{
	for (size_t i = 0; i < pool_set_count(p->pools); i++)
		pool_set_serving(pool_set_get(p->pools, i), on);
	if (on)
		fod_handback_hold_all(p);
	update_serving_flag(p);
}

/* ------------------------------------------------- state machine */

void
fod_peer_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod_peer *p = w->data;
	static const enum fod_event_type evs[FOD_TIMER_COUNT] = {
		[FOD_TIMER_POLL] = FOD_EV_TIMER_POLL,
		[FOD_TIMER_POLL_RPL] = FOD_EV_TIMER_POLL_RPL,
		[FOD_TIMER_SYNC_START] = FOD_EV_TIMER_SYNC_START,
		[FOD_TIMER_SYNC_IDLE] = FOD_EV_TIMER_SYNC_IDLE,
	};
	size_t	 t = (size_t)(w - p->act.fsm_w);
	unsigned gen;

	(void)loop;
	(void)revents;
	if (t >= FOD_TIMER_COUNT)
		return;
	/*
	 * A loop that was held up (a slow fdatasync on a saturated disk,
	 * no CPU) finds the timeout and the answer that beat it ready
	 * together, and libev runs the timer first.  Read what is waiting
	 * before calling anything a miss: if it moved this timer, the
	 * timeout is void.
	 */
	if (t != FOD_TIMER_POLL) {
		gen = p->act.timer_gen[t];
		fod_peer_sock_drain(p);
		if (p->act.timer_gen[t] != gen || p->stopping)
			return;
	}
	fod_peer_event_simple(p, evs[t], NULL);
}

/* docs/design.md §3: the takeover is persisted, so a restart resumes it. */
static void
persist_state(struct fod_peer *p, enum fod_state to)
{
	bool	 want = p->meta.takeover;

	if (to == FOD_TAKEOVER)
		want = true;
	else if (to == FOD_MONITORING || to == FOD_SYNCING)
		want = false;
	if (fod_store_set_takeover(p, want) != 0)
		log_err("primary=%s: cannot save the state; a restart now "
		    "would not resume it", p->name);
}

static void
perform(struct fod_peer *p, const struct fod_output *out,
    const struct fod_action *a)
{
	ev_timer *t;

	switch (a->type) {
	case FOD_ACT_SEND_POLL:
		(void)fod_send_poll(p);
		fod_serve_listen(p);
		break;
	case FOD_ACT_SEND_SYNC_REQ:
		fod_sync_begin(p);
		(void)fod_send_sync_req(p);
		break;
	case FOD_ACT_SEND_CTL_RET:
		(void)fod_send_ctl_ret(p, FO_RESULT_OK, NULL);
		break;
	case FOD_ACT_ARM_TIMER:
		p->act.timer_gen[a->timer]++;
		t = &p->act.fsm_w[a->timer];
		ev_timer_stop(p->loop, t);
		ev_timer_set(t, a->secs, 0.0);
		ev_timer_start(p->loop, t);
		break;
	case FOD_ACT_CANCEL_TIMER:
		p->act.timer_gen[a->timer]++;
		ev_timer_stop(p->loop, &p->act.fsm_w[a->timer]);
		break;
	case FOD_ACT_START_SERVING_ALL:
		fod_peer_serve_all(p, true);
		break;
	case FOD_ACT_STOP_SERVING_ALL:
		/* What was granted up to now is durable and answered. */
		fod_commit(p);
		fod_peer_serve_all(p, false);
		fod_serve_cancel_pings(p);
		break;
	case FOD_ACT_START_HANDBACK:
		fod_handback_start(p);
		break;
	case FOD_ACT_HANDBACK_NEXT:
		fod_handback_next(p);
		break;
	case FOD_ACT_ABORT_HANDBACK:
		fod_handback_abort(p);
		break;
	case FOD_ACT_EXIT_CRITICAL:
		p->act.st.critical = true;
		snprintf(p->act.st.stop_reason, sizeof(p->act.st.stop_reason),
		    "%s", out->reason);
		atomic_store(&p->critical, true);
		fod_notify_critical(p, out->reason);
		break;
	case FOD_ACT_NOTIFY:
		if (a->notify == FOD_NOTIFY_PARTNER_DOWN &&
		    fod_store_save(p) != 0)
			log_err("primary=%s: cannot save partner-down; a "
			    "restart now would start a new safe period",
			    p->name);
		if (a->notify == FOD_NOTIFY_SYNC_FAILED)
			fod_sync_failed(p);
		fod_notify_post(p, a->notify, out);
		break;
	case FOD_ACT_COUNT:
		break;
	}
}

static void
run_event(struct fod_peer *p, const struct fod_event *ev)
{
	struct fod_output out;
	int	 rc;

	rc = fod_fsm_handle(&p->act.fsm, ev, ev_now(p->loop), &out);
	if (rc != FSM_OK) {
		log_err("primary=%s: state machine refused %s in %s: %d",
		    p->name, fod_event_name(ev->type),
		    fod_state_name(p->act.fsm.state), rc);
		return;
	}
	if (!out.transitioned && out.nactions == 0)
		return;
	if (out.transitioned)
		persist_state(p, out.to);
	for (size_t i = 0; i < out.nactions; i++)
		perform(p, &out, &out.actions[i]);
	fod_peer_changed(p);
	if (out.transitioned)
		fod_peer_publish(p, true);
}

void
fod_peer_event(struct fod_peer *p, const struct fod_event *ev)
{
	struct fod_pending_ev cur;

	if (p->act.in_fsm) {
		struct fod_pending_ev *q;

		if (p->act.npend ==
		    sizeof(p->act.pend) / sizeof(p->act.pend[0])) {
			log_err("primary=%s: event %s lost (queue full)",
			    p->name, fod_event_name(ev->type));
			return;
		}
		q = &p->act.pend[p->act.npend++];
		q->ev = *ev;
		q->detail[0] = '\0';
		if (ev->detail != NULL) {
			snprintf(q->detail, sizeof(q->detail), "%s",
			    ev->detail);
			q->ev.detail = NULL;	/* set when it runs */
		}
		return;
	}
	p->act.in_fsm = true;
	run_event(p, ev);
	while (p->act.npend > 0) {
		cur = p->act.pend[0];
		memmove(&p->act.pend[0], &p->act.pend[1],
		    (p->act.npend - 1) * sizeof(p->act.pend[0]));
		p->act.npend--;
		if (cur.detail[0] != '\0')
			cur.ev.detail = cur.detail;
		run_event(p, &cur.ev);
	}
	p->act.in_fsm = false;
}

void
fod_peer_event_simple(struct fod_peer *p, enum fod_event_type type,
    const char *detail)
{
	struct fod_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.detail = detail;
	fod_peer_event(p, &ev);
}

