/*
 * Unit tests: primary/pr_fsm.c, the primary's control machine
 * (docs/design.md §3, §4 CtlReqRetryMax / WaitCtlRetSecs).  A table over
 * every state x event, then scenarios with a fake clock.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pr_fsm.h"

#define W	5.0	/* WaitCtlRetSecs in the table */
#define SUBNET	7u

static void
params(struct pr_params *p, bool use_failover, unsigned retry_max, double w)
{
	memset(p, 0, sizeof(*p));
	p->use_failover = use_failover;
	p->ctl_req_retry_max = retry_max;
	p->wait_ctl_ret = w;
}

/*
 * The output as one line of tokens, so the table reads like the spec:
 * "ctlreq" SEND_CTL_REQ, "arm:T/S" ARM_TIMER, "cancel:T", "serve-all",
 * "serve-none", "syncing:N", "serve:N", "!NOTIFY".
 */
static void
fmt_out(const struct pr_output *out, char *buf, size_t len)
{
	size_t	 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < out->nactions && n < len; i++) {
		const struct pr_action *a = &out->actions[i];
		const char *sep = i == 0 ? "" : " ";
		int	 w = 0;

		switch (a->type) {
		case PR_ACT_SEND_CTL_REQ:
			w = snprintf(buf + n, len - n, "%sctlreq", sep);
			break;
		case PR_ACT_ARM_TIMER:
			w = snprintf(buf + n, len - n, "%sarm:%s/%g", sep,
			    pr_timer_name(a->timer), a->secs);
			break;
		case PR_ACT_CANCEL_TIMER:
			w = snprintf(buf + n, len - n, "%scancel:%s", sep,
			    pr_timer_name(a->timer));
			break;
		case PR_ACT_SERVE_ALL:
			w = snprintf(buf + n, len - n, "%sserve-all", sep);
			break;
		case PR_ACT_SERVE_NONE:
			w = snprintf(buf + n, len - n, "%sserve-none", sep);
			break;
		case PR_ACT_SUBNET_SYNCING:
			w = snprintf(buf + n, len - n, "%ssyncing:%u", sep,
			    (unsigned)a->subnet);
			break;
		case PR_ACT_SUBNET_SERVE:
			w = snprintf(buf + n, len - n, "%sserve:%u", sep,
			    (unsigned)a->subnet);
			break;
		case PR_ACT_NOTIFY:
			w = snprintf(buf + n, len - n, "%s!%s", sep,
			    pr_notify_name(a->notify));
			break;
		default:
			w = snprintf(buf + n, len - n, "%s?", sep);
			break;
		}
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static int
feed(struct pr_fsm *m, enum pr_event_type type, uint32_t subnet, double now,
    struct pr_output *out)
{
	struct pr_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.subnet = subnet;
	return pr_fsm_handle(m, &ev, now, out);
}

static void
feed_ok(struct pr_fsm *m, enum pr_event_type type, uint32_t subnet,
    double now, struct pr_output *out)
{
	assert_int_equal(feed(m, type, subnet, now, out), FSM_OK);
}

/* ---- the table ------------------------------------------------------ */

enum row {
	R_INIT, R_STANDALONE, R_CTL_WAIT, R_RECEIVING, R_SERVING, R_COUNT
};

static const char *const row_names[R_COUNT] = {
	"init", "standalone", "ctl-wait", "receiving", "serving",
};

static void
row_setup(struct pr_fsm *m, enum row r)
{
	struct pr_params p;
	struct pr_output out;

	params(&p, r != R_STANDALONE, 2, W);
	assert_int_equal(pr_fsm_init(m, &p, 0), FSM_OK);
	if (r == R_INIT)
		return;
	feed_ok(m, PR_EV_START, 0, 0, &out);
	if (r == R_RECEIVING)
		feed_ok(m, PR_EV_SUBNET_SYNC_START, 1, 0, &out);
	else if (r == R_SERVING)
		feed_ok(m, PR_EV_CTL_RET, 0, 0, &out);
}

struct cell {
	bool		 set;
	enum pr_state	 next;	/* PR_STATE_COUNT: stays */
	const char	*acts;
};

#define STAY		PR_STATE_COUNT
#define C(next, acts)	{ true, (next), (acts) }
#define IGN		C(STAY, "")

#define TO_SERVING	"!state-change cancel:ctl-ret serve-all !control-returned"

static const struct cell table[R_COUNT][PR_EV_COUNT] = {
	[R_INIT] = {
		[PR_EV_START] = C(PR_CTL_WAIT,
		    "!state-change serve-none ctlreq arm:ctl-ret/5"),
		[PR_EV_TIMER_CTL_RET] = IGN,
		[PR_EV_CTL_RET] = IGN,
		[PR_EV_SUBNET_SYNC_START] = IGN,
		[PR_EV_SUBNET_SYNC_DONE] = IGN,
		[PR_EV_BIND_UPD] = IGN,
		[PR_EV_POLL] = IGN,
	},
	[R_STANDALONE] = {
		[PR_EV_START] = IGN,
		[PR_EV_TIMER_CTL_RET] = IGN,
		[PR_EV_CTL_RET] = IGN,
		[PR_EV_SUBNET_SYNC_START] = IGN,
		[PR_EV_SUBNET_SYNC_DONE] = IGN,
		[PR_EV_BIND_UPD] = IGN,
		[PR_EV_POLL] = IGN,
	},
	[R_CTL_WAIT] = {
		[PR_EV_START] = IGN,
		[PR_EV_TIMER_CTL_RET] = C(STAY, "ctlreq arm:ctl-ret/5"),
		[PR_EV_CTL_RET] = C(PR_SERVING, TO_SERVING),
		[PR_EV_SUBNET_SYNC_START] = C(PR_RECEIVING,
		    "!state-change !handback-started syncing:7 arm:ctl-ret/5"),
		[PR_EV_SUBNET_SYNC_DONE] = C(PR_RECEIVING,
		    "!state-change !handback-started serve:7 arm:ctl-ret/5"),
		[PR_EV_BIND_UPD] = C(STAY, "arm:ctl-ret/5"),
		[PR_EV_POLL] = IGN,
	},
	[R_RECEIVING] = {
		[PR_EV_START] = IGN,
		[PR_EV_TIMER_CTL_RET] = C(STAY, "ctlreq arm:ctl-ret/5"),
		[PR_EV_CTL_RET] = C(PR_SERVING, TO_SERVING),
		[PR_EV_SUBNET_SYNC_START] = C(STAY, "syncing:7 arm:ctl-ret/5"),
		[PR_EV_SUBNET_SYNC_DONE] = C(STAY, "serve:7 arm:ctl-ret/5"),
		[PR_EV_BIND_UPD] = C(STAY, "arm:ctl-ret/5"),
		[PR_EV_POLL] = IGN,
	},
	[R_SERVING] = {
		[PR_EV_START] = IGN,
		[PR_EV_TIMER_CTL_RET] = IGN,
		[PR_EV_CTL_RET] = IGN,
		[PR_EV_SUBNET_SYNC_START] = C(PR_RECEIVING,
		    "!state-change !handback-started syncing:7 arm:ctl-ret/5"),
		[PR_EV_SUBNET_SYNC_DONE] = IGN,
		[PR_EV_BIND_UPD] = IGN,
		[PR_EV_POLL] = IGN,
	},
};

static const enum pr_state row_state[R_COUNT] = {
	PR_INIT, PR_STANDALONE, PR_CTL_WAIT, PR_RECEIVING, PR_SERVING,
};

static void
state_event_table(void **state)
{
	struct pr_fsm	 m;
	struct pr_output out;
	char		 got[512];
	unsigned	 r, e, bad = 0;

	(void)state;
	for (r = 0; r < R_COUNT; r++) {
		for (e = 0; e < PR_EV_COUNT; e++) {
			const struct cell *c = &table[r][e];
			enum pr_state want;

			assert_true(c->set);	/* every cell is specified */
			row_setup(&m, (enum row)r);
			assert_int_equal(m.state, row_state[r]);
			want = c->next == STAY ? row_state[r] : c->next;
			feed_ok(&m, (enum pr_event_type)e, SUBNET, 1, &out);
			fmt_out(&out, got, sizeof(got));
			if (m.state != want || strcmp(got, c->acts) != 0 ||
			    out.transitioned != (c->next != STAY) ||
			    (c->next == STAY && out.reason[0] != '\0' &&
			    c->acts[0] == '\0')) {
				print_error("%s x %s: got %s \"%s\", want "
				    "%s \"%s\"\n", row_names[r],
				    pr_event_name((enum pr_event_type)e),
				    pr_state_name(m.state), got,
				    pr_state_name(want), c->acts);
				bad++;
			}
			if (out.transitioned) {
				assert_int_equal(out.from, row_state[r]);
				assert_int_equal(out.to, want);
				assert_true(out.reason[0] != '\0');
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* ---- scenarios ------------------------------------------------------ */

/*
 * A fake loop: performs the actions (timer deadline, CtlReq times,
 * which subnets are served) and fires the timer when the clock passes it.
 */
#define NSUB	4
struct sim {
	struct pr_fsm	 m;
	double		 now;
	double		 deadline;	/* < 0: not armed */
	double		 ctl_req_at[16];
	unsigned	 nctl_req;
	bool		 serve[NSUB];
	unsigned	 notified[PR_NOTIFY_COUNT];
};

static void
sim_apply(struct sim *s, const struct pr_output *out)
{
	size_t	 i, j;

	for (i = 0; i < out->nactions; i++) {
		const struct pr_action *a = &out->actions[i];

		switch (a->type) {
		case PR_ACT_SEND_CTL_REQ:
			if (s->nctl_req < 16)
				s->ctl_req_at[s->nctl_req] = s->now;
			s->nctl_req++;
			break;
		case PR_ACT_ARM_TIMER:
			s->deadline = s->now + a->secs;
			break;
		case PR_ACT_CANCEL_TIMER:
			s->deadline = -1;
			break;
		case PR_ACT_SERVE_ALL:
		case PR_ACT_SERVE_NONE:
			for (j = 0; j < NSUB; j++)
				s->serve[j] = a->type == PR_ACT_SERVE_ALL;
			break;
		case PR_ACT_SUBNET_SYNCING:
		case PR_ACT_SUBNET_SERVE:
			assert_true(a->subnet < NSUB);
			s->serve[a->subnet] = a->type == PR_ACT_SUBNET_SERVE;
			break;
		case PR_ACT_NOTIFY:
			s->notified[a->notify]++;
			break;
		default:
			fail();
		}
	}
	/* The loop's timer and the machine's idea of it agree. */
	assert_int_equal(s->deadline >= 0, s->m.timer_armed);
}

static void
sim_init(struct sim *s, unsigned retry_max, double w)
{
	struct pr_params p;

	memset(s, 0, sizeof(*s));
	s->deadline = -1;
	params(&p, true, retry_max, w);
	assert_int_equal(pr_fsm_init(&s->m, &p, 0), FSM_OK);
}

static void
sim_event(struct sim *s, enum pr_event_type type, uint32_t subnet)
{
	struct pr_output out;

	feed_ok(&s->m, type, subnet, s->now, &out);
	sim_apply(s, &out);
}

/* Advance the clock to t, firing the timer each time it is due. */
static void
sim_run(struct sim *s, double t)
{
	while (s->deadline >= 0 && s->deadline <= t) {
		s->now = s->deadline;
		s->deadline = -1;
		sim_event(s, PR_EV_TIMER_CTL_RET, 0);
	}
	s->now = t;
}

static unsigned
served(const struct sim *s)
{
	unsigned i, n = 0;

	for (i = 0; i < NSUB; i++)
		n += s->serve[i];
	return n;
}

/* CtlReqRetryMax 2: CtlReq at 0, W, 2W; serve everything at 3W. */
static void
gives_up_after_retries(void **state)
{
	struct sim	 s;
	const struct fsm_transition *t;

	(void)state;
	sim_init(&s, 2, 4);
	sim_event(&s, PR_EV_START, 0);
	assert_int_equal(s.m.state, PR_CTL_WAIT);
	assert_int_equal(served(&s), 0);
	sim_run(&s, 11.9);
	assert_int_equal(s.m.state, PR_CTL_WAIT);
	sim_run(&s, 100);
	assert_int_equal(s.m.state, PR_SERVING);
	assert_int_equal(s.nctl_req, 3);
	assert_true(s.ctl_req_at[0] == 0 && s.ctl_req_at[1] == 4 &&
	    s.ctl_req_at[2] == 8);
	assert_true(s.m.ctr.state_since == 12);	/* 3 * WaitCtlRetSecs */
	assert_int_equal(served(&s), NSUB);
	assert_int_equal(s.notified[PR_NOTIFY_FAILOVER_INOPERABLE], 1);
	assert_int_equal(s.m.ctr.failover_inoperable, 1);
	assert_true(s.m.gave_up);
	assert_int_equal(s.m.ctr.ctl_req_sent, 3);
	assert_true(s.deadline < 0);
	t = fsm_history_get(&s.m.hist, fsm_history_count(&s.m.hist) - 1);
	assert_string_equal(t->reason,
	    "failover not answering after 3 CtlReq; serving");
	assert_true(t->when == 12);
}

static void
retry_max_zero(void **state)
{
	struct sim	 s;

	(void)state;
	sim_init(&s, 0, 2);
	sim_event(&s, PR_EV_START, 0);
	sim_run(&s, 50);
	assert_int_equal(s.m.state, PR_SERVING);
	assert_int_equal(s.nctl_req, 1);
	assert_true(s.m.ctr.state_since == 2);
}

/* Seed 5 WaitCtlRetSecs: "If a value of zero is supplied, the default is
 * used" -- 5 seconds. */
static void
wait_zero_means_five(void **state)
{
	struct sim	 s;
	struct pr_params p;

	(void)state;
	sim_init(&s, 2, 0);
	assert_true(s.m.params.wait_ctl_ret == PR_WAIT_CTL_RET_DEFAULT);
	sim_event(&s, PR_EV_START, 0);
	assert_true(s.deadline == 5);
	sim_run(&s, 100);
	assert_true(s.m.ctr.state_since == 15);
	assert_int_equal(s.nctl_req, 3);

	/* Negative and NaN count as unset too. */
	params(&p, true, 1, -3);
	assert_int_equal(pr_fsm_init(&s.m, &p, 0), FSM_OK);
	assert_true(s.m.params.wait_ctl_ret == 5);
	params(&p, true, 1, NAN);
	assert_int_equal(pr_fsm_init(&s.m, &p, 0), FSM_OK);
	assert_true(s.m.params.wait_ctl_ret == 5);
}

/* Subnet-by-subnet hand-back: each subnet becomes servable as soon as its
 * SubnetSyncDone is applied; CtlRet serves the rest. */
static void
subnet_by_subnet(void **state)
{
	struct sim	 s;

	(void)state;
	sim_init(&s, 2, 5);
	sim_event(&s, PR_EV_START, 0);
	s.now = 1;
	sim_event(&s, PR_EV_SUBNET_SYNC_START, 0);
	assert_int_equal(s.m.state, PR_RECEIVING);
	assert_int_equal(served(&s), 0);
	sim_event(&s, PR_EV_BIND_UPD, 0);
	sim_event(&s, PR_EV_BIND_UPD, 0);
	s.now = 2;
	sim_event(&s, PR_EV_SUBNET_SYNC_DONE, 0);
	assert_true(s.serve[0]);
	assert_int_equal(served(&s), 1);
	sim_event(&s, PR_EV_SUBNET_SYNC_START, 2);
	assert_false(s.serve[2]);
	s.now = 3;
	sim_event(&s, PR_EV_SUBNET_SYNC_DONE, 2);
	assert_true(s.serve[0] && s.serve[2] && !s.serve[1] && !s.serve[3]);
	assert_int_equal(s.m.state, PR_RECEIVING);
	s.now = 4;
	sim_event(&s, PR_EV_CTL_RET, 0);
	assert_int_equal(s.m.state, PR_SERVING);
	assert_int_equal(served(&s), NSUB);
	assert_true(s.deadline < 0);
	assert_int_equal(s.nctl_req, 1);
	assert_int_equal(s.notified[PR_NOTIFY_HANDBACK_STARTED], 1);
	assert_int_equal(s.notified[PR_NOTIFY_CONTROL_RETURNED], 1);
	assert_int_equal(s.m.ctr.subnets_syncing, 2);
	assert_int_equal(s.m.ctr.subnets_received, 2);
	assert_true(s.m.ctr.last_ctl_ret_time == 4);

	/* History: init -> ctl-wait -> receiving -> serving, with reasons. */
	assert_int_equal(fsm_history_count(&s.m.hist), 3);
	assert_int_equal(fsm_history_get(&s.m.hist, 1)->to, PR_RECEIVING);
	assert_string_equal(fsm_history_get(&s.m.hist, 2)->reason,
	    "control returned by the failover");
	assert_true(fsm_history_seconds(&s.m.hist, PR_RECEIVING, 10) == 3);
	assert_int_equal(fsm_history_entered(&s.m.hist, PR_SERVING), 1);
}

/* A hand-back longer than (CtlReqRetryMax + 1) * WaitCtlRetSecs does not
 * make the primary give up while the failover makes progress; silence
 * afterwards does, counted from the last progress. */
static void
progress_keeps_waiting(void **state)
{
	struct sim	 s;
	double		 t;

	(void)state;
	sim_init(&s, 1, 5);
	sim_event(&s, PR_EV_START, 0);
	sim_run(&s, 6);		/* one resend at 5 */
	assert_int_equal(s.nctl_req, 2);
	assert_int_equal(s.m.ctr.ctl_req_retries, 1);
	sim_event(&s, PR_EV_SUBNET_SYNC_START, 1);
	assert_int_equal(s.m.ctr.ctl_req_retries, 0);	/* reset */
	for (t = 10; t <= 200; t += 4) {
		sim_run(&s, t);
		sim_event(&s, PR_EV_BIND_UPD, 0);
	}
	assert_int_equal(s.m.state, PR_RECEIVING);
	assert_int_equal(s.nctl_req, 2);
	/* Last progress at 198: resend at 203, give up at 208. */
	sim_run(&s, 207.9);
	assert_int_equal(s.m.state, PR_RECEIVING);
	assert_int_equal(s.nctl_req, 3);
	assert_true(s.ctl_req_at[2] == 203);
	sim_run(&s, 300);
	assert_int_equal(s.m.state, PR_SERVING);
	assert_true(s.m.ctr.state_since == 208);
	assert_int_equal(served(&s), NSUB);
	assert_string_equal(fsm_history_get(&s.m.hist,
	    fsm_history_count(&s.m.hist) - 1)->reason,
	    "failover not answering after 2 CtlReq; serving");
}

/* A Poll is neither progress nor a reason to resend CtlReq. */
static void
poll_changes_nothing(void **state)
{
	struct sim	 s;

	(void)state;
	sim_init(&s, 0, 5);
	sim_event(&s, PR_EV_START, 0);
	s.now = 3;
	sim_event(&s, PR_EV_POLL, 0);
	assert_int_equal(s.m.ctr.polls_received, 1);
	assert_true(s.m.ctr.last_poll_time == 3);
	assert_int_equal(s.nctl_req, 1);
	sim_run(&s, 5);
	assert_int_equal(s.m.state, PR_SERVING);	/* gave up at 5 */
}

/* The failover hands back after we gave up on it (partition healed):
 * the subnet in sync is not served, the others stay served. */
static void
handback_after_giving_up(void **state)
{
	struct sim	 s;

	(void)state;
	sim_init(&s, 0, 5);
	sim_event(&s, PR_EV_START, 0);
	sim_run(&s, 5);
	assert_int_equal(s.m.state, PR_SERVING);
	s.now = 50;
	sim_event(&s, PR_EV_SUBNET_SYNC_START, 3);
	assert_int_equal(s.m.state, PR_RECEIVING);
	assert_false(s.serve[3]);
	assert_int_equal(served(&s), NSUB - 1);
	assert_true(s.deadline == 55);
	sim_event(&s, PR_EV_SUBNET_SYNC_DONE, 3);
	assert_int_equal(served(&s), NSUB);
	assert_true(s.m.gave_up);	/* until CtlRet */
	sim_event(&s, PR_EV_CTL_RET, 0);
	assert_int_equal(s.m.state, PR_SERVING);
	assert_false(s.m.gave_up);
	assert_true(s.deadline < 0);
	assert_int_equal(fsm_history_entered(&s.m.hist, PR_SERVING), 2);
}

static void
stale_timer_ignored(void **state)
{
	struct pr_fsm	 m;
	struct pr_params p;
	struct pr_output out;

	(void)state;
	params(&p, true, 3, 5);
	assert_int_equal(pr_fsm_init(&m, &p, 0), FSM_OK);
	feed_ok(&m, PR_EV_START, 0, 0, &out);
	feed_ok(&m, PR_EV_CTL_RET, 0, 1, &out);
	/* The loop fired the timer just as it was cancelled. */
	feed_ok(&m, PR_EV_TIMER_CTL_RET, 0, 5, &out);
	assert_int_equal(out.nactions, 0);
	assert_int_equal(m.state, PR_SERVING);
}

static void
bad_arguments(void **state)
{
	struct pr_fsm	 m;
	struct pr_params p;
	struct pr_output out;
	struct pr_event	 ev;

	(void)state;
	params(&p, true, 3, 5);
	assert_int_equal(pr_fsm_init(NULL, &p, 0), FSM_ERR_INVAL);
	assert_int_equal(pr_fsm_init(&m, NULL, 0), FSM_ERR_INVAL);
	assert_int_equal(pr_fsm_init(&m, &p, 0), FSM_OK);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(pr_fsm_handle(NULL, &ev, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(pr_fsm_handle(&m, NULL, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(pr_fsm_handle(&m, &ev, 0, NULL), FSM_ERR_INVAL);
	ev.type = PR_EV_COUNT;
	assert_int_equal(pr_fsm_handle(&m, &ev, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(out.nactions, 0);
	assert_int_equal(m.state, PR_INIT);
	assert_int_equal(pr_fsm_set_params(&m, NULL), FSM_ERR_INVAL);
}

/* Reload: timings change from the next arming; UseFailoverServer not. */
static void
reload_params(void **state)
{
	struct sim	 s;
	struct pr_params p;

	(void)state;
	sim_init(&s, 5, 5);
	sim_event(&s, PR_EV_START, 0);
	params(&p, false, 0, 2);
	assert_int_equal(pr_fsm_set_params(&s.m, &p), FSM_OK);
	assert_true(s.m.params.use_failover);
	assert_true(s.deadline == 5);
	sim_run(&s, 5);		/* CtlReqRetryMax is 0 now: give up */
	assert_int_equal(s.m.state, PR_SERVING);
	assert_int_equal(s.nctl_req, 1);
}

static void
legality_table(void **state)
{
	static const int allowed[PR_STATE_COUNT][PR_STATE_COUNT] = {
		/* to:       init stand ctlw recv serv */
		[PR_INIT] =      { 0, 1, 1, 0, 0 },
		[PR_STANDALONE] = { 0, 0, 0, 0, 0 },
		[PR_CTL_WAIT] =  { 0, 0, 0, 1, 1 },
		[PR_RECEIVING] = { 0, 0, 0, 0, 1 },
		[PR_SERVING] =   { 0, 0, 0, 1, 0 },
	};
	unsigned f, t;

	(void)state;
	for (f = 0; f < PR_STATE_COUNT; f++)
		for (t = 0; t < PR_STATE_COUNT; t++)
			assert_int_equal(pr_edge_legal((enum pr_state)f,
			    (enum pr_state)t), allowed[f][t]);
	assert_false(pr_edge_legal(PR_STATE_COUNT, PR_INIT));
	assert_false(pr_edge_legal(PR_INIT, PR_STATE_COUNT));
}

static void
names(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < PR_STATE_COUNT; i++)
		assert_string_not_equal(pr_state_name((enum pr_state)i),
		    "unknown");
	for (i = 0; i < PR_EV_COUNT; i++)
		assert_string_not_equal(pr_event_name((enum pr_event_type)i),
		    "unknown");
	for (i = 0; i < PR_ACT_COUNT; i++)
		assert_string_not_equal(pr_action_name((enum pr_action_type)i),
		    "unknown");
	for (i = 0; i < PR_TIMER_COUNT; i++)
		assert_string_not_equal(pr_timer_name((enum pr_timer)i),
		    "unknown");
	for (i = 0; i < PR_NOTIFY_COUNT; i++)
		assert_string_not_equal(pr_notify_name((enum pr_notify)i),
		    "unknown");
	assert_string_equal(pr_state_name(PR_STATE_COUNT), "unknown");
	assert_string_equal(pr_state_name(PR_CTL_WAIT), "ctl-wait");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_event_table),
		cmocka_unit_test(gives_up_after_retries),
		cmocka_unit_test(retry_max_zero),
		cmocka_unit_test(wait_zero_means_five),
		cmocka_unit_test(subnet_by_subnet),
		cmocka_unit_test(progress_keeps_waiting),
		cmocka_unit_test(poll_changes_nothing),
		cmocka_unit_test(handback_after_giving_up),
		cmocka_unit_test(stale_timer_ignored),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(reload_params),
		cmocka_unit_test(legality_table),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
