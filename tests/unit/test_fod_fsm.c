/*
 * Unit tests: failover/fod_fsm.c, the failover's per-primary machine
 * (docs/design.md §3; docs/design.md §4 PollDelay, PollRetryMax,
 * WaitPollRplSecs, SyncBindings, SyncFailCritical, SyncReqRetryMax,
 * WaitSyncStartSecs).
 *
 * 1. A table over every state (and the sub-states that behave
 *    differently) x every event: next state and the exact actions.
 * 2. Scenarios with a fake clock and a fake loop.
 * 3. A random walk checking invariants after every step.
 * 4. The failover and primary machines together over a simulated link
 *    (links primary/pr_fsm.c too): no subnet is ever served by both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fod_fsm.h"
#include "pr_fsm.h"

static void
table_params(struct fod_params *p)
{
	memset(p, 0, sizeof(*p));
	p->poll_delay = 60;
	p->poll_retry_max = 3;
	p->wait_poll_rpl = 5;
	p->sync_bindings = true;
	p->sync_fail_critical = false;
	p->sync_req_retry_max = 3;
	p->wait_sync_start = 10;
	p->wait_sync_bind_update = 7;
}

/*
 * The output as one line of tokens: "poll" SEND_POLL, "syncreq",
 * "ctlret", "arm:T/S", "cancel:T", "serve-all", "stop-all", "handback"
 * START_HANDBACK, "next" HANDBACK_NEXT, "abort", "exit", "!NOTIFY".
 */
static void
fmt_out(const struct fod_output *out, char *buf, size_t len)
{
	static const char *const simple[FOD_ACT_COUNT] = {
		[FOD_ACT_SEND_POLL] = "poll",
		[FOD_ACT_SEND_SYNC_REQ] = "syncreq",
		[FOD_ACT_SEND_CTL_RET] = "ctlret",
		[FOD_ACT_START_SERVING_ALL] = "serve-all",
		[FOD_ACT_STOP_SERVING_ALL] = "stop-all",
		[FOD_ACT_START_HANDBACK] = "handback",
		[FOD_ACT_HANDBACK_NEXT] = "next",
		[FOD_ACT_ABORT_HANDBACK] = "abort",
		[FOD_ACT_EXIT_CRITICAL] = "exit",
	};
	size_t	 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < out->nactions && n < len; i++) {
		const struct fod_action *a = &out->actions[i];
		const char *sep = i == 0 ? "" : " ";
		int	 w;

		if (a->type == FOD_ACT_ARM_TIMER)
			w = snprintf(buf + n, len - n, "%sarm:%s/%g", sep,
			    fod_timer_name(a->timer), a->secs);
		else if (a->type == FOD_ACT_CANCEL_TIMER)
			w = snprintf(buf + n, len - n, "%scancel:%s", sep,
			    fod_timer_name(a->timer));
		else if (a->type == FOD_ACT_NOTIFY)
			w = snprintf(buf + n, len - n, "%s!%s", sep,
			    fod_notify_name(a->notify));
		else if ((unsigned)a->type < FOD_ACT_COUNT &&
		    simple[a->type] != NULL)
			w = snprintf(buf + n, len - n, "%s%s", sep,
			    simple[a->type]);
		else
			w = snprintf(buf + n, len - n, "%s?", sep);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static void
ev_init(struct fod_event *ev, enum fod_event_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	/* A healthy primary's PollRpl. */
	ev->primary_state = FO_STATE_SERVING;
}

static void
feed(struct fod_fsm *m, enum fod_event_type type, double now,
    struct fod_output *out)
{
	struct fod_event	 ev;

	ev_init(&ev, type);
	assert_int_equal(fod_fsm_handle(m, &ev, now, out), FSM_OK);
}

static bool
has_action(const struct fod_output *out, enum fod_action_type type)
{
	size_t i;

	for (i = 0; i < out->nactions; i++)
		if (out->actions[i].type == type)
			return true;
	return false;
}

static const struct fsm_transition *
last_transition(const struct fod_fsm *m)
{
	size_t n = fsm_history_count(&m->hist);

	assert_true(n > 0);
	return fsm_history_get(&m->hist, n - 1);
}

/* ---- 1. the table --------------------------------------------------- */

enum row {
	R_STARTUP,
	R_SYNC_WAIT,	/* SyncReq out, SYNC_START armed */
	R_SYNC_RUN,	/* SyncStart seen, SYNC_IDLE armed */
	R_MON_AWAIT,	/* Poll out, POLL_RPL armed */
	R_MON_SLEEP,	/* answered, POLL armed */
	R_TO_SLEEP,	/* declared down (4 polls), POLL armed */
	R_TO_AWAIT,	/* polling from TAKEOVER, POLL_RPL armed */
	R_TO_PARTIAL,	/* after a failed hand-back, polling */
	R_RET_TO,	/* handing back after a takeover */
	R_RET_MON,	/* handing back after CtlReq in MONITORING */
	R_STOPPED,
	R_COUNT
};

static const char *const row_names[R_COUNT] = {
	"startup", "syncing/wait", "syncing/run", "monitoring/await",
	"monitoring/sleep", "takeover/sleep", "takeover/await",
	"takeover/partial", "returning/takeover", "returning/monitoring",
	"stopped",
};

static const enum fod_state row_state[R_COUNT] = {
	FOD_STARTUP, FOD_SYNCING, FOD_SYNCING, FOD_MONITORING, FOD_MONITORING,
	FOD_TAKEOVER, FOD_TAKEOVER, FOD_TAKEOVER, FOD_RETURNING, FOD_RETURNING,
	FOD_STOPPED,
};

/* Reach each row through real events, as the daemon would. */
static void
row_setup(struct fod_fsm *m, enum row r)
{
	struct fod_params p;
	struct fod_output out;
	int		 i;

	table_params(&p);
	assert_int_equal(fod_fsm_init(m, &p, 0), FSM_OK);
	if (r == R_STARTUP)
		return;
	feed(m, FOD_EV_START, 0, &out);
	if (r == R_SYNC_WAIT)
		return;
	if (r == R_SYNC_RUN) {
		feed(m, FOD_EV_SYNC_START, 0, &out);
		return;
	}
	feed(m, FOD_EV_SYNC_DONE, 0, &out);
	if (r == R_MON_AWAIT)
		return;
	if (r == R_STOPPED) {
		feed(m, FOD_EV_STOP, 0, &out);
		return;
	}
	if (r == R_MON_SLEEP || r == R_RET_MON) {
		feed(m, FOD_EV_POLL_RPL, 0, &out);
		if (r == R_RET_MON)
			feed(m, FOD_EV_CTL_REQ, 0, &out);
		return;
	}
	for (i = 0; i < 4; i++)
		feed(m, FOD_EV_TIMER_POLL_RPL, 0, &out);
	assert_int_equal(m->state, FOD_TAKEOVER);
	if (r == R_TO_AWAIT)
		feed(m, FOD_EV_TIMER_POLL, 0, &out);
	else if (r == R_RET_TO)
		feed(m, FOD_EV_CTL_REQ, 0, &out);
	else if (r == R_TO_PARTIAL) {
		feed(m, FOD_EV_CTL_REQ, 0, &out);
		feed(m, FOD_EV_SUBNET_HANDED_BACK, 0, &out);
		feed(m, FOD_EV_HANDBACK_FAILED, 0, &out);
		feed(m, FOD_EV_TIMER_POLL, 0, &out);
	}
}

struct cell {
	bool		 set;
	enum fod_state	 next;	/* FOD_STATE_COUNT: stays */
	const char	*acts;
};

#define STAY		FOD_STATE_COUNT
#define C(next, acts)	{ true, (next), (acts) }
#define IGN		C(STAY, "")

/* Entry actions, after the old state's timers are cancelled. */
#define TAKEOVER_NEW	"!state-change serve-all !takeover-started arm:poll/60"
#define RETURNING_IN	"!state-change handback !handback-started"
#define MONITORING_IN	"!state-change poll arm:poll-rpl/5"
#define SYNCING_IN	"!state-change syncreq arm:sync-start/10"
#define NOT_HANDBACK \
	[FOD_EV_SUBNET_HANDED_BACK] = IGN, \
	[FOD_EV_HANDBACK_FAILED] = IGN, \
	[FOD_EV_ALL_HANDED_BACK] = IGN
#define NOT_SYNC \
	[FOD_EV_START] = IGN, \
	[FOD_EV_SYNC_START] = IGN, \
	[FOD_EV_SYNC_DONE] = IGN, \
	[FOD_EV_TIMER_SYNC_START] = IGN, \
	[FOD_EV_TIMER_SYNC_IDLE] = IGN

static const struct cell table[R_COUNT][FOD_EV_COUNT] = {
	[R_STARTUP] = {
		[FOD_EV_START] = C(FOD_SYNCING, SYNCING_IN),
		[FOD_EV_SYNC_START] = IGN,
		[FOD_EV_SYNC_DONE] = IGN,
		[FOD_EV_SYNC_BIND_UPD] = IGN,
		[FOD_EV_TIMER_SYNC_START] = IGN,
		[FOD_EV_TIMER_SYNC_IDLE] = IGN,
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = IGN,
		[FOD_EV_CTL_REQ] = IGN,
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = IGN,
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED, "!state-change"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_SYNC_WAIT] = {
		[FOD_EV_START] = IGN,
		[FOD_EV_SYNC_START] = C(STAY,
		    "cancel:sync-start arm:sync-idle/7"),
		[FOD_EV_SYNC_DONE] = C(FOD_MONITORING,
		    "!sync-completed cancel:sync-start " MONITORING_IN),
		/* The stream began: its SyncStart was lost. */
		[FOD_EV_SYNC_BIND_UPD] = C(STAY,
		    "cancel:sync-start arm:sync-idle/7"),
		[FOD_EV_TIMER_SYNC_START] = C(STAY,
		    "syncreq arm:sync-start/10"),
		[FOD_EV_TIMER_SYNC_IDLE] = IGN,
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		/* Replication before the sync began is not progress. */
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER,
		    "cancel:sync-start " TAKEOVER_NEW),
		[FOD_EV_CTL_REQ] = C(STAY, "ctlret"),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER,
		    "cancel:sync-start " TAKEOVER_NEW),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED,
		    "cancel:sync-start !state-change"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_SYNC_RUN] = {
		[FOD_EV_START] = IGN,
		[FOD_EV_SYNC_START] = C(STAY, "arm:sync-idle/7"),
		[FOD_EV_SYNC_DONE] = C(FOD_MONITORING,
		    "!sync-completed cancel:sync-idle " MONITORING_IN),
		[FOD_EV_SYNC_BIND_UPD] = C(STAY, "arm:sync-idle/7"),
		[FOD_EV_TIMER_SYNC_START] = IGN,
		[FOD_EV_TIMER_SYNC_IDLE] = C(FOD_MONITORING,
		    "!sync-failed " MONITORING_IN),
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = C(STAY, "arm:sync-idle/7"),
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER,
		    "cancel:sync-idle " TAKEOVER_NEW),
		[FOD_EV_CTL_REQ] = C(STAY, "ctlret"),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER,
		    "cancel:sync-idle " TAKEOVER_NEW),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED, "cancel:sync-idle !state-change"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_MON_AWAIT] = {
		NOT_SYNC,
		/* Seed 5: a binding update answers the poll. */
		[FOD_EV_SYNC_BIND_UPD] = C(STAY, "cancel:poll-rpl arm:poll/60"),
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = C(STAY, "cancel:poll-rpl arm:poll/60"),
		[FOD_EV_BIND_UPD] = C(STAY, "cancel:poll-rpl arm:poll/60"),
		/* Retry at once, not after PollDelay. */
		[FOD_EV_TIMER_POLL_RPL] = C(STAY, "poll arm:poll-rpl/5"),
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER,
		    "cancel:poll-rpl " TAKEOVER_NEW),
		[FOD_EV_CTL_REQ] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER,
		    "cancel:poll-rpl " TAKEOVER_NEW),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED, "cancel:poll-rpl !state-change"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_MON_SLEEP] = {
		NOT_SYNC,
		[FOD_EV_SYNC_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL] = C(STAY, "poll arm:poll-rpl/5"),
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER, "cancel:poll " TAKEOVER_NEW),
		[FOD_EV_CTL_REQ] = C(FOD_RETURNING, "cancel:poll " RETURNING_IN),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER,
		    "cancel:poll " TAKEOVER_NEW),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED, "cancel:poll !state-change"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_TO_SLEEP] = {
		NOT_SYNC,
		/* Alive without asking for control: partition healed. */
		[FOD_EV_SYNC_BIND_UPD] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll " RETURNING_IN),
		[FOD_EV_TIMER_POLL] = C(STAY, "poll arm:poll-rpl/5"),
		[FOD_EV_POLL_RPL] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll " RETURNING_IN),
		[FOD_EV_BIND_UPD] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll " RETURNING_IN),
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = IGN,
		[FOD_EV_CTL_REQ] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll " RETURNING_IN),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = IGN,
		[FOD_EV_FORCE_RELEASE] = C(FOD_RETURNING,
		    "cancel:poll " RETURNING_IN),
		[FOD_EV_STOP] = C(FOD_STOPPED,
		    "cancel:poll !state-change stop-all !takeover-ended"),
		/* The safe period ends (docs/safety.md); noted in the
		 * history. */
		[FOD_EV_PARTNER_DOWN] = C(STAY, "!partner-down"),
	},
	[R_TO_AWAIT] = {
		NOT_SYNC,
		[FOD_EV_SYNC_BIND_UPD] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_BIND_UPD] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll-rpl " RETURNING_IN),
		/* Serving all already: just keep the PollDelay cadence. */
		[FOD_EV_TIMER_POLL_RPL] = C(STAY, "arm:poll/60"),
		[FOD_EV_SHUTDOWN] = IGN,
		[FOD_EV_CTL_REQ] = C(FOD_RETURNING,
		    "!primary-responding cancel:poll-rpl " RETURNING_IN),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = IGN,
		[FOD_EV_FORCE_RELEASE] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_STOP] = C(FOD_STOPPED,
		    "cancel:poll-rpl !state-change stop-all !takeover-ended"),
		/* The safe period ends (docs/safety.md); noted in the
		 * history. */
		[FOD_EV_PARTNER_DOWN] = C(STAY, "!partner-down"),
	},
	[R_TO_PARTIAL] = {
		NOT_SYNC,
		[FOD_EV_SYNC_BIND_UPD] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_BIND_UPD] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		/* Some subnets are the primary's: detect as in MONITORING. */
		[FOD_EV_TIMER_POLL_RPL] = C(STAY, "poll arm:poll-rpl/5"),
		[FOD_EV_SHUTDOWN] = C(STAY, "serve-all"),
		[FOD_EV_CTL_REQ] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = C(STAY, "serve-all"),
		[FOD_EV_FORCE_RELEASE] = C(FOD_RETURNING,
		    "cancel:poll-rpl " RETURNING_IN),
		[FOD_EV_STOP] = C(FOD_STOPPED,
		    "cancel:poll-rpl !state-change stop-all !takeover-ended"),
		/* The safe period ends (docs/safety.md); noted in the
		 * history. */
		[FOD_EV_PARTNER_DOWN] = C(STAY, "!partner-down"),
	},
	[R_RET_TO] = {
		NOT_SYNC,
		[FOD_EV_SYNC_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		/* Same takeover episode: no second takeover-started. */
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER,
		    "abort !state-change serve-all arm:poll/60"),
		/* A resend (same boot epoch): CtlRet comes at the end. */
		[FOD_EV_CTL_REQ] = IGN,
		[FOD_EV_SUBNET_HANDED_BACK] = C(STAY, "next"),
		[FOD_EV_HANDBACK_FAILED] = C(FOD_TAKEOVER,
		    "!handback-failed !state-change arm:poll/60"),
		[FOD_EV_ALL_HANDED_BACK] = C(FOD_MONITORING,
		    "stop-all ctlret !handback-completed !state-change "
		    "!takeover-ended poll arm:poll-rpl/5"),
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER,
		    "abort !state-change serve-all arm:poll/60"),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED,
		    "abort !state-change stop-all !takeover-ended"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_RET_MON] = {
		NOT_SYNC,
		[FOD_EV_SYNC_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = C(FOD_TAKEOVER, "abort " TAKEOVER_NEW),
		[FOD_EV_CTL_REQ] = IGN,
		[FOD_EV_SUBNET_HANDED_BACK] = C(STAY, "next"),
		/* We were not serving: back to monitoring, no CtlRet. */
		[FOD_EV_HANDBACK_FAILED] = C(FOD_MONITORING,
		    "!handback-failed " MONITORING_IN),
		[FOD_EV_ALL_HANDED_BACK] = C(FOD_MONITORING,
		    "stop-all ctlret !handback-completed " MONITORING_IN),
		[FOD_EV_FORCE_TAKEOVER] = C(FOD_TAKEOVER, "abort " TAKEOVER_NEW),
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = C(FOD_STOPPED, "abort !state-change stop-all"),
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
	[R_STOPPED] = {
		[FOD_EV_START] = C(FOD_SYNCING, SYNCING_IN),
		[FOD_EV_SYNC_START] = IGN,
		[FOD_EV_SYNC_DONE] = IGN,
		[FOD_EV_SYNC_BIND_UPD] = IGN,
		[FOD_EV_TIMER_SYNC_START] = IGN,
		[FOD_EV_TIMER_SYNC_IDLE] = IGN,
		[FOD_EV_TIMER_POLL] = IGN,
		[FOD_EV_POLL_RPL] = IGN,
		[FOD_EV_BIND_UPD] = IGN,
		[FOD_EV_TIMER_POLL_RPL] = IGN,
		[FOD_EV_SHUTDOWN] = IGN,
		[FOD_EV_CTL_REQ] = IGN,
		NOT_HANDBACK,
		[FOD_EV_FORCE_TAKEOVER] = IGN,
		[FOD_EV_FORCE_RELEASE] = IGN,
		[FOD_EV_STOP] = IGN,
		[FOD_EV_PARTNER_DOWN] = IGN,
	},
};

static void
state_event_table(void **state)
{
	struct fod_fsm	 m;
	struct fod_output out;
	char		 got[512];
	unsigned	 r, e, bad = 0, cells = 0;

	(void)state;
	for (r = 0; r < R_COUNT; r++) {
		for (e = 0; e < FOD_EV_COUNT; e++) {
			const struct cell *c = &table[r][e];
			enum fod_state want;
			size_t	 nhist;

			assert_true(c->set);	/* every cell is specified */
			row_setup(&m, (enum row)r);
			assert_int_equal(m.state, row_state[r]);
			nhist = fsm_history_count(&m.hist);
			want = c->next == STAY ? row_state[r] : c->next;
			feed(&m, (enum fod_event_type)e, 1, &out);
			fmt_out(&out, got, sizeof(got));
			cells++;
			if (m.state != want || strcmp(got, c->acts) != 0 ||
			    out.transitioned != (c->next != STAY)) {
				print_error("%s x %s: got %s \"%s\", want "
				    "%s \"%s\"\n", row_names[r],
				    fod_event_name((enum fod_event_type)e),
				    fod_state_name(m.state), got,
				    fod_state_name(want), c->acts);
				bad++;
				continue;
			}
			if (out.transitioned) {
				assert_int_equal(out.from, row_state[r]);
				assert_int_equal(out.to, want);
				assert_true(out.reason[0] != '\0');
				assert_int_equal(fsm_history_count(&m.hist),
				    nhist + 1);
				assert_string_equal(
				    last_transition(&m)->reason, out.reason);
			} else {
				/* partner-down is noted without a
				 * transition. */
				assert_int_equal(out.from, out.to);
				assert_int_equal(fsm_history_count(&m.hist),
				    nhist + (strcmp(c->acts,
				    "!partner-down") == 0));
			}
			/* An ignored cell leaves nothing to say either. */
			if (c->acts[0] == '\0')
				assert_string_equal(out.reason, "");
		}
	}
	assert_int_equal(cells, R_COUNT * FOD_EV_COUNT);
	assert_int_equal(bad, 0);
}

/* ---- 2. scenarios --------------------------------------------------- */

/* A fake loop: timers with deadlines, counts of what was sent. */
struct sim {
	struct fod_fsm	 m;
	double		 now;
	double		 deadline[FOD_TIMER_COUNT];	/* < 0: not armed */
	double		 poll_at[64];
	unsigned	 npoll;
	double		 sync_req_at[16];
	unsigned	 nsync_req;
	unsigned	 nctl_ret;
	unsigned	 nhandback;	/* START_HANDBACK */
	unsigned	 nnext;
	unsigned	 nexit;
	bool		 serving;
	unsigned	 notified[FOD_NOTIFY_COUNT];
	struct fod_output last;
};

static const enum fod_event_type timer_event[FOD_TIMER_COUNT] = {
	[FOD_TIMER_POLL] = FOD_EV_TIMER_POLL,
	[FOD_TIMER_POLL_RPL] = FOD_EV_TIMER_POLL_RPL,
	[FOD_TIMER_SYNC_START] = FOD_EV_TIMER_SYNC_START,
	[FOD_TIMER_SYNC_IDLE] = FOD_EV_TIMER_SYNC_IDLE,
};

static void
sim_apply(struct sim *s, const struct fod_output *out)
{
	size_t		 i;
	unsigned	 t, armed = 0;

	for (i = 0; i < out->nactions; i++) {
		const struct fod_action *a = &out->actions[i];

		switch (a->type) {
		case FOD_ACT_SEND_POLL:
			if (s->npoll < 64)
				s->poll_at[s->npoll] = s->now;
			s->npoll++;
			break;
		case FOD_ACT_SEND_SYNC_REQ:
			if (s->nsync_req < 16)
				s->sync_req_at[s->nsync_req] = s->now;
			s->nsync_req++;
			break;
		case FOD_ACT_SEND_CTL_RET:
			s->nctl_ret++;
			break;
		case FOD_ACT_ARM_TIMER:
			s->deadline[a->timer] = s->now + a->secs;
			break;
		case FOD_ACT_CANCEL_TIMER:
			assert_true(s->deadline[a->timer] >= 0);
			s->deadline[a->timer] = -1;
			break;
		case FOD_ACT_START_SERVING_ALL:
			s->serving = true;
			break;
		case FOD_ACT_STOP_SERVING_ALL:
			s->serving = false;
			break;
		case FOD_ACT_START_HANDBACK:
			s->nhandback++;
			break;
		case FOD_ACT_HANDBACK_NEXT:
			s->nnext++;
			break;
		case FOD_ACT_ABORT_HANDBACK:
			break;
		case FOD_ACT_EXIT_CRITICAL:
			s->nexit++;
			break;
		case FOD_ACT_NOTIFY:
			s->notified[a->notify]++;
			break;
		default:
			fail();
		}
	}
	/* The loop's timers and the machine's idea of them agree. */
	for (t = 0; t < FOD_TIMER_COUNT; t++)
		if (s->deadline[t] >= 0)
			armed |= 1u << t;
	assert_int_equal(armed, s->m.armed);
	s->last = *out;
}

static void
sim_init(struct sim *s, const struct fod_params *p)
{
	unsigned t;

	memset(s, 0, sizeof(*s));
	for (t = 0; t < FOD_TIMER_COUNT; t++)
		s->deadline[t] = -1;
	assert_int_equal(fod_fsm_init(&s->m, p, 0), FSM_OK);
}

static void
sim_ev(struct sim *s, const struct fod_event *ev)
{
	struct fod_output out;

	assert_int_equal(fod_fsm_handle(&s->m, ev, s->now, &out), FSM_OK);
	sim_apply(s, &out);
}

static void
sim_event(struct sim *s, enum fod_event_type type)
{
	struct fod_event	 ev;

	ev_init(&ev, type);
	sim_ev(s, &ev);
}

/* Advance the clock to `until`, firing due timers in deadline order. */
static void
sim_run(struct sim *s, double until)
{
	for (;;) {
		int	 t, first = -1;

		for (t = 0; t < FOD_TIMER_COUNT; t++)
			if (s->deadline[t] >= 0 && s->deadline[t] <= until &&
			    (first < 0 || s->deadline[t] < s->deadline[first]))
				first = t;
		if (first < 0)
			break;
		s->now = s->deadline[first];
		s->deadline[first] = -1;
		sim_event(s, timer_event[first]);
	}
	s->now = until;
}

/* Run until the machine reaches `st` (or `limit`); return that time. */
static double
sim_run_to_state(struct sim *s, enum fod_state st, double limit)
{
	while (s->m.state != st && s->now < limit) {
		int	 t, first = -1;

		for (t = 0; t < FOD_TIMER_COUNT; t++)
			if (s->deadline[t] >= 0 && (first < 0 ||
			    s->deadline[t] < s->deadline[first]))
				first = t;
		if (first < 0 || s->deadline[first] > limit)
			break;
		s->now = s->deadline[first];
		s->deadline[first] = -1;
		sim_event(s, timer_event[first]);
	}
	return s->now;
}

static void
monitoring_params(struct fod_params *p)
{
	table_params(p);
	p->sync_bindings = false;
}

/*
 * Seed 5 PollRetryMax = 3: four unanswered polls, sent back to back, so
 * the takeover comes 4 * WaitPollRplSecs after the first unanswered one.
 */
static void
takeover_after_poll_retries(void **state)
{
	struct sim	 s;
	struct fod_params p;
	double		 first, when;
	unsigned	 i;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_int_equal(s.npoll, 1);		/* a poll at once */
	s.now = 1;
	sim_event(&s, FOD_EV_POLL_RPL);		/* answered */
	assert_true(s.deadline[FOD_TIMER_POLL] == 61);

	/* The primary goes silent. */
	sim_run(&s, 60.9);
	assert_int_equal(s.npoll, 1);
	when = sim_run_to_state(&s, FOD_TAKEOVER, 1000);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	first = s.poll_at[1];
	assert_true(first == 61);
	assert_int_equal(s.npoll, 1 + 4);
	for (i = 1; i < 5; i++)
		assert_true(s.poll_at[i] == first + 5.0 * (i - 1));
	assert_true(when - first == 4 * 5.0);
	assert_string_equal(last_transition(&s.m)->reason,
	    "4 polls unanswered");
	assert_true(last_transition(&s.m)->when == 81);
	assert_int_equal(s.m.ctr.polls_sent, 5);
	assert_int_equal(s.m.ctr.polls_answered, 1);
	assert_int_equal(s.m.ctr.polls_timed_out, 4);
	assert_int_equal(s.m.ctr.takeovers, 1);
	assert_string_equal(s.m.ctr.last_takeover_reason,
	    "4 polls unanswered");
	assert_true(s.m.ctr.last_takeover_time == 81);
	assert_true(s.serving);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING], 1);
	assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_STARTED], 1);

	/* In TAKEOVER the polls go on at the PollDelay cadence, with no
	 * retries and no more notifications. */
	sim_run(&s, 81 + 3 * 65 + 1);
	assert_int_equal(s.npoll, 5 + 3);
	assert_true(s.poll_at[5] == 141 && s.poll_at[6] == 206);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING], 1);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_int_equal(s.m.ctr.takeovers, 1);
}

/* PollRetryMax = 0: one unanswered poll is enough. */
static void
poll_retry_max_zero(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	monitoring_params(&p);
	p.poll_retry_max = 0;
	p.wait_poll_rpl = 0.25;		/* fractions are allowed */
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	assert_true(sim_run_to_state(&s, FOD_TAKEOVER, 100) == 0.25);
	assert_int_equal(s.npoll, 1);
	assert_string_equal(last_transition(&s.m)->reason,
	    "1 polls unanswered");
}

/* Seed 5 WaitPollRplSecs: a BindUpd while waiting is the reply; it also
 * resets the count of unanswered polls. */
static void
bind_upd_is_poll_reply(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_run(&s, 12);		/* polls at 0, 5, 10: two misses */
	assert_int_equal(s.npoll, 3);
	assert_int_equal(s.m.ctr.consecutive_misses, 2);
	sim_event(&s, FOD_EV_BIND_UPD);
	assert_int_equal(s.m.ctr.consecutive_misses, 0);
	assert_int_equal(s.m.ctr.polls_answered_by_bind_upd, 1);
	assert_true(s.deadline[FOD_TIMER_POLL_RPL] < 0);
	assert_true(s.deadline[FOD_TIMER_POLL] == 72);
	/* Binding updates while sleeping change nothing. */
	s.now = 30;
	sim_event(&s, FOD_EV_BIND_UPD);
	assert_int_equal(s.last.nactions, 0);
	assert_true(s.deadline[FOD_TIMER_POLL] == 72);
	/* Silent from 72: the full four polls again. */
	assert_true(sim_run_to_state(&s, FOD_TAKEOVER, 1000) == 92);
	assert_int_equal(s.m.ctr.polls_answered, 1);
}

/* Shutdown: take over at once, without declaring the primary down; the
 * dying process's late messages do not start a hand-back, a new boot
 * epoch does. */
static void
shutdown_immediate(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	s.now = 3;
	sim_event(&s, FOD_EV_SHUTDOWN);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_true(s.serving);
	assert_string_equal(last_transition(&s.m)->reason,
	    "primary shut down");
	assert_true(last_transition(&s.m)->when == 3);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING], 0);
	assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_STARTED], 1);

	s.now = 4;
	sim_event(&s, FOD_EV_BIND_UPD);		/* in flight before it died */
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_int_equal(s.last.nactions, 0);
	sim_run(&s, 63.5);			/* poll at 63 */
	sim_event(&s, FOD_EV_POLL_RPL);		/* still draining */
	assert_int_equal(s.m.state, FOD_TAKEOVER);

	ev_init(&ev, FOD_EV_POLL_RPL);
	ev.primary_restarted = true;
	ev.primary_state = FO_STATE_WAIT_CONTROL;
	s.now = 100;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_string_equal(last_transition(&s.m)->reason,
	    "primary restarted");
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_RESTARTED], 1);
	assert_int_equal(s.m.ctr.primary_restarts, 1);
	assert_int_equal(s.nhandback, 1);

	/* Shutdown while syncing takes over too. */
	table_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_SYNC_START);
	sim_event(&s, FOD_EV_SHUTDOWN);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_true(s.serving);
	assert_true(s.deadline[FOD_TIMER_SYNC_IDLE] < 0);
}

/* A CtlReq also ends a Shutdown takeover, same epoch or not. */
static void
shutdown_then_ctl_req(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_SHUTDOWN);
	sim_event(&s, FOD_EV_CTL_REQ);
	assert_int_equal(s.m.state, FOD_RETURNING);
	sim_event(&s, FOD_EV_ALL_HANDED_BACK);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_false(s.serving);
	/* The flag does not outlive the episode: a later partition heal
	 * is recognised again. */
	assert_false(s.m.primary_shut_down);
	sim_event(&s, FOD_EV_FORCE_TAKEOVER);
	sim_event(&s, FOD_EV_POLL_RPL);
	assert_int_equal(s.m.state, FOD_RETURNING);
}

/* SyncReqRetryMax = 3: SyncReq at 0, W, 2W, 3W; failed at 4W. */
static void
sync_req_retries_noncritical(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	table_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	assert_int_equal(s.m.state, FOD_SYNCING);
	assert_true(sim_run_to_state(&s, FOD_MONITORING, 1000) == 40);
	assert_int_equal(s.nsync_req, 4);
	assert_true(s.sync_req_at[0] == 0 && s.sync_req_at[1] == 10 &&
	    s.sync_req_at[2] == 20 && s.sync_req_at[3] == 30);
	assert_int_equal(s.m.ctr.sync_req_sent, 4);
	assert_int_equal(s.m.ctr.syncs_failed, 1);
	assert_int_equal(s.notified[FOD_NOTIFY_SYNC_FAILED], 1);
	assert_int_equal(s.nexit, 0);
	assert_string_equal(last_transition(&s.m)->reason,
	    "start-up sync failed (no SyncStart after 4 SyncReq); polling");
	/* Polling begins at once. */
	assert_int_equal(s.npoll, 1);
	assert_true(s.poll_at[0] == 40);
}

static void
sync_req_retries_critical(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	table_params(&p);
	p.sync_fail_critical = true;
	p.sync_req_retry_max = 1;
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	assert_true(sim_run_to_state(&s, FOD_STOPPED, 1000) == 20);
	assert_int_equal(s.nsync_req, 2);
	assert_int_equal(s.nexit, 1);
	/* EXIT_CRITICAL comes last, after the state change is logged. */
	assert_int_equal(s.last.actions[s.last.nactions - 1].type,
	    FOD_ACT_EXIT_CRITICAL);
	assert_string_equal(last_transition(&s.m)->reason,
	    "start-up sync failed: no SyncStart after 2 SyncReq");
	assert_int_equal(s.npoll, 0);
	assert_int_equal(s.m.armed, 0);
}

/* A stalled sync (no BindUpd for WaitSyncBindUpdateSecs) fails too;
 * every BindUpd restarts that timer. */
static void
sync_idle_both_outcomes(void **state)
{
	struct sim	 s;
	struct fod_params p;
	int		 critical;

	(void)state;
	for (critical = 0; critical <= 1; critical++) {
		table_params(&p);
		p.sync_fail_critical = critical;
		sim_init(&s, &p);
		sim_event(&s, FOD_EV_START);
		s.now = 2;
		sim_event(&s, FOD_EV_SYNC_START);
		assert_true(s.deadline[FOD_TIMER_SYNC_START] < 0);
		assert_true(s.deadline[FOD_TIMER_SYNC_IDLE] == 9);
		s.now = 8;
		sim_event(&s, FOD_EV_SYNC_BIND_UPD);
		assert_true(s.deadline[FOD_TIMER_SYNC_IDLE] == 15);
		s.now = 14;
		sim_event(&s, FOD_EV_SYNC_BIND_UPD);
		sim_run(&s, 20.9);
		assert_int_equal(s.m.state, FOD_SYNCING);
		sim_run(&s, 21);
		assert_int_equal(s.m.state,
		    critical ? FOD_STOPPED : FOD_MONITORING);
		assert_int_equal(s.nexit, (unsigned)critical);
		assert_true(s.m.ctr.state_since == 21);
		assert_int_equal(s.notified[FOD_NOTIFY_SYNC_FAILED], 1);
	}
	assert_string_equal(last_transition(&s.m)->reason,
	    "start-up sync failed: no binding update for 7 s");

	/* A completed sync goes to MONITORING and polls. */
	table_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_SYNC_START);
	sim_event(&s, FOD_EV_SYNC_DONE);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_int_equal(s.notified[FOD_NOTIFY_SYNC_COMPLETED], 1);
	assert_string_equal(last_transition(&s.m)->reason,
	    "start-up sync completed");
	assert_int_equal(s.npoll, 1);
}

/* Seed 5 WaitSyncStartSecs = 0: "wait indefinitely" -- no timer. */
static void
wait_sync_start_zero(void **state)
{
	struct sim	 s;
	struct fod_params p;
	char		 got[256];

	(void)state;
	table_params(&p);
	p.wait_sync_start = 0;
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	fmt_out(&s.last, got, sizeof(got));
	assert_string_equal(got, "!state-change syncreq");
	assert_int_equal(s.m.armed, 0);
	sim_run(&s, 1e6);
	assert_int_equal(s.m.state, FOD_SYNCING);
	assert_int_equal(s.nsync_req, 1);
	/* Once the sync has started, the idle timer still guards it. */
	sim_event(&s, FOD_EV_SYNC_START);
	assert_true(s.deadline[FOD_TIMER_SYNC_IDLE] == 1e6 + 7);
}

/* Partition healed: the primary answers in TAKEOVER without asking. */
static void
partition_heal(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_run_to_state(&s, FOD_TAKEOVER, 100);
	sim_run(&s, 20 + 60 + 1);		/* a poll is out */
	assert_true(s.deadline[FOD_TIMER_POLL_RPL] >= 0);
	sim_event(&s, FOD_EV_POLL_RPL);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_string_equal(last_transition(&s.m)->reason,
	    "primary alive again; partition healed");
	assert_int_equal(s.nhandback, 1);
	assert_true(s.serving);			/* until handed back */
	assert_int_equal(s.m.armed, 0);
	assert_int_equal(s.m.ctr.polls_answered, 1);
	sim_event(&s, FOD_EV_SUBNET_HANDED_BACK);
	sim_event(&s, FOD_EV_SUBNET_HANDED_BACK);
	assert_int_equal(s.nnext, 2);
	assert_int_equal(s.m.ctr.subnets_handed_back, 2);
	s.now = 90;
	sim_event(&s, FOD_EV_ALL_HANDED_BACK);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_false(s.serving);
	assert_int_equal(s.nctl_ret, 1);
	assert_true(s.m.ctr.last_handback_time == 90);
	assert_int_equal(s.m.ctr.handbacks, 1);

	/* A BindUpd alone heals it too (docs/design.md §4: the primary is
	 * evidently operational). */
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_FORCE_TAKEOVER);
	sim_event(&s, FOD_EV_BIND_UPD);
	assert_int_equal(s.m.state, FOD_RETURNING);
}

/* Each notification once per episode, over a whole outage. */
static void
notifications_once_per_episode(void **state)
{
	struct sim	 s;
	struct fod_params p;
	unsigned	 i;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	for (i = 0; i < 3; i++) {
		unsigned n0 = s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING];

		/* Outage: 4 polls, then 10 more unanswered in TAKEOVER. */
		sim_run_to_state(&s, FOD_TAKEOVER, s.now + 1000);
		sim_run(&s, s.now + 10 * 65);
		assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING],
		    n0 + 1);
		/* Back: PollRpl and BindUpd in a row, then CtlReq. */
		sim_event(&s, FOD_EV_POLL_RPL);
		sim_event(&s, FOD_EV_BIND_UPD);
		sim_event(&s, FOD_EV_CTL_REQ);
		sim_event(&s, FOD_EV_SUBNET_HANDED_BACK);
		sim_event(&s, FOD_EV_ALL_HANDED_BACK);
		sim_event(&s, FOD_EV_POLL_RPL);
		assert_int_equal(s.m.state, FOD_MONITORING);
		assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_RESPONDING],
		    i + 1);
		assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_STARTED],
		    i + 1);
		assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_ENDED], i + 1);
		assert_int_equal(s.notified[FOD_NOTIFY_HANDBACK_STARTED],
		    i + 1);
		assert_int_equal(s.notified[FOD_NOTIFY_HANDBACK_COMPLETED],
		    i + 1);
	}
	assert_int_equal(s.m.ctr.takeovers, 3);
	assert_int_equal(s.notified[FOD_NOTIFY_HANDBACK_FAILED], 0);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_RESTARTED], 0);
}

/* A PollRpl saying the primary waits for control is a CtlReq (its own
 * CtlReq was lost, or arrived before we listened). */
static void
poll_rpl_ctl_wait_is_ctl_req(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	ev_init(&ev, FOD_EV_POLL_RPL);
	ev.primary_state = FO_STATE_WAIT_CONTROL;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_string_equal(last_transition(&s.m)->reason,
	    "primary waiting for control (PollRpl says ctl-wait)");
	assert_int_equal(s.m.ctr.polls_answered, 1);
	sim_event(&s, FOD_EV_ALL_HANDED_BACK);	/* held nothing */
	assert_int_equal(s.nctl_ret, 1);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_int_equal(s.m.ctr.takeovers, 0);
	assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_ENDED], 0);

	/* Not while sleeping for a PollRpl with no state, but for RECEIVING
	 * even unsolicited. */
	sim_event(&s, FOD_EV_POLL_RPL);
	ev.primary_state = FO_STATE_RETURNING;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_RETURNING);
}

/* CtlReq in SYNCING is answered at once; the sync goes on. */
static void
ctl_req_while_syncing(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	table_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_CTL_REQ);
	assert_int_equal(s.m.state, FOD_SYNCING);
	assert_int_equal(s.nctl_ret, 1);
	assert_false(s.last.transitioned);
	assert_string_equal(s.last.reason,
	    "CtlReq during start-up sync: nothing held, control returned");
	assert_true(s.deadline[FOD_TIMER_SYNC_START] == 10);
}

/* A hand-back that fails after a takeover: keep what was not handed
 * back, retry on the next sign of life; if the primary has gone, serve
 * everything again after PollRetryMax + 1 polls. */
static void
handback_failed_partial(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;
	double		 t0;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_run_to_state(&s, FOD_TAKEOVER, 1000);
	sim_event(&s, FOD_EV_CTL_REQ);
	sim_event(&s, FOD_EV_SUBNET_HANDED_BACK);
	ev_init(&ev, FOD_EV_HANDBACK_FAILED);
	ev.detail = "subnet lan2: no ack after 3 tries";
	s.now = 30;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_true(s.m.partial);
	assert_string_equal(last_transition(&s.m)->reason,
	    "hand-back failed: subnet lan2: no ack after 3 tries");
	assert_false(has_action(&s.last, FOD_ACT_START_SERVING_ALL));
	assert_int_equal(s.notified[FOD_NOTIFY_HANDBACK_FAILED], 1);
	assert_int_equal(s.notified[FOD_NOTIFY_TAKEOVER_STARTED], 1);
	assert_int_equal(s.m.ctr.takeovers, 1);
	assert_int_equal(s.m.ctr.handback_failures, 1);

	/* The primary answers the next poll: retry the hand-back. */
	sim_run(&s, 91);
	sim_event(&s, FOD_EV_POLL_RPL);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_int_equal(s.nhandback, 2);

	/* It fails again, and now the primary is gone for good. */
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	t0 = s.now;
	sim_run(&s, t0 + 60 + 4 * 5 - 0.5);
	assert_true(s.m.partial);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING], 1);
	sim_run(&s, t0 + 60 + 4 * 5);
	assert_false(s.m.partial);
	assert_true(has_action(&s.last, FOD_ACT_START_SERVING_ALL));
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_NOT_RESPONDING], 2);
	assert_string_equal(s.last.reason, "primary not responding after a "
	    "failed hand-back: serving all subnets again");
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_int_equal(s.m.ctr.takeovers, 1);	/* one episode */
	assert_true(s.deadline[FOD_TIMER_POLL] == t0 + 60 + 20 + 60);
}

/* A restarted primary's CtlReq during RETURNING restarts the hand-back. */
static void
ctl_req_restart_during_returning(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	sim_event(&s, FOD_EV_FORCE_TAKEOVER);
	sim_event(&s, FOD_EV_CTL_REQ);
	sim_event(&s, FOD_EV_SUBNET_HANDED_BACK);
	ev_init(&ev, FOD_EV_CTL_REQ);
	ev.primary_restarted = true;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_false(s.last.transitioned);
	assert_int_equal(s.nhandback, 2);
	assert_int_equal(s.notified[FOD_NOTIFY_PRIMARY_RESTARTED], 1);
	assert_string_equal(s.last.reason,
	    "primary restarted during hand-back; restarting it");
}

/* A failover restarted in the middle of a takeover resumes it and polls
 * at once rather than syncing (docs/design.md §3: a restart loses nothing). */
static void
resume_takeover(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;

	(void)state;
	table_params(&p);
	sim_init(&s, &p);
	ev_init(&ev, FOD_EV_START);
	ev.resume_takeover = true;
	sim_ev(&s, &ev);
	assert_int_equal(s.m.state, FOD_TAKEOVER);
	assert_true(s.serving);
	assert_int_equal(s.nsync_req, 0);
	assert_int_equal(s.npoll, 1);
	assert_true(s.deadline[FOD_TIMER_POLL_RPL] == 5);
	assert_string_equal(last_transition(&s.m)->reason,
	    "start-up: resuming persisted takeover");
	sim_event(&s, FOD_EV_POLL_RPL);
	assert_int_equal(s.m.state, FOD_RETURNING);
}

/* Operator: stop from anywhere, start again; force release hands back. */
static void
operator_commands(void **state)
{
	struct sim	 s;
	struct fod_params p;
	struct fod_event	 ev;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	ev_init(&ev, FOD_EV_FORCE_TAKEOVER);
	ev.detail = "maintenance on branch1";
	sim_ev(&s, &ev);
	assert_string_equal(last_transition(&s.m)->reason,
	    "operator forced takeover: maintenance on branch1");
	sim_event(&s, FOD_EV_FORCE_RELEASE);
	assert_int_equal(s.m.state, FOD_RETURNING);
	assert_string_equal(last_transition(&s.m)->reason,
	    "operator release");
	sim_event(&s, FOD_EV_STOP);
	assert_int_equal(s.m.state, FOD_STOPPED);
	assert_false(s.serving);
	assert_int_equal(s.m.armed, 0);
	sim_event(&s, FOD_EV_STOP);
	assert_int_equal(s.last.nactions, 0);
	sim_event(&s, FOD_EV_START);
	assert_int_equal(s.m.state, FOD_MONITORING);
	assert_string_equal(last_transition(&s.m)->reason,
	    "operator start: polling");
}

/* Timer events for timers not armed (fired late) change nothing. */
static void
stale_timers_ignored(void **state)
{
	struct fod_fsm	 m;
	struct fod_output out;
	unsigned	 r, t;

	(void)state;
	for (r = 0; r < R_COUNT; r++) {
		for (t = 0; t < FOD_TIMER_COUNT; t++) {
			row_setup(&m, (enum row)r);
			if (m.armed & (1u << t))
				continue;
			feed(&m, timer_event[t], 1, &out);
			assert_int_equal(out.nactions, 0);
			assert_int_equal(m.state, row_state[r]);
		}
	}
}

/* Reload: new timings from the next timer armed. */
static void
reload_params(void **state)
{
	struct sim	 s;
	struct fod_params p;

	(void)state;
	monitoring_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	p.poll_delay = 10;
	p.wait_poll_rpl = 2;
	assert_int_equal(fod_fsm_set_params(&s.m, &p), FSM_OK);
	assert_true(s.deadline[FOD_TIMER_POLL_RPL] == 5);
	sim_event(&s, FOD_EV_POLL_RPL);
	assert_true(s.deadline[FOD_TIMER_POLL] == 10);
	p.wait_poll_rpl = -1;
	assert_int_equal(fod_fsm_set_params(&s.m, &p), FSM_ERR_INVAL);
	assert_true(s.m.params.wait_poll_rpl == 2);
}

static void
bad_arguments(void **state)
{
	struct fod_fsm	 m;
	struct fod_params p;
	struct fod_output out;
	struct fod_event	 ev;

	(void)state;
	table_params(&p);
	assert_int_equal(fod_fsm_init(NULL, &p, 0), FSM_ERR_INVAL);
	assert_int_equal(fod_fsm_init(&m, NULL, 0), FSM_ERR_INVAL);
	p.poll_delay = -1;
	assert_int_equal(fod_fsm_init(&m, &p, 0), FSM_ERR_INVAL);
	table_params(&p);
	p.wait_sync_start = 1.0 / 0.0;
	assert_int_equal(fod_fsm_init(&m, &p, 0), FSM_ERR_INVAL);
	/* Zero waits that would make no sense become 5 s. */
	table_params(&p);
	p.wait_poll_rpl = 0;
	p.wait_sync_bind_update = 0;
	assert_int_equal(fod_fsm_init(&m, &p, 0), FSM_OK);
	assert_true(m.params.wait_poll_rpl == FOD_WAIT_DEFAULT);
	assert_true(m.params.wait_sync_bind_update == FOD_WAIT_DEFAULT);
	assert_true(m.params.wait_sync_start == 10);

	ev_init(&ev, FOD_EV_START);
	assert_int_equal(fod_fsm_handle(NULL, &ev, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(fod_fsm_handle(&m, NULL, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(fod_fsm_handle(&m, &ev, 0, NULL), FSM_ERR_INVAL);
	ev.type = FOD_EV_COUNT;
	assert_int_equal(fod_fsm_handle(&m, &ev, 0, &out), FSM_ERR_INVAL);
	assert_int_equal(out.nactions, 0);
	assert_int_equal(m.state, FOD_STARTUP);

	fod_params_default(&p);
	assert_true(p.poll_delay == 60 && p.poll_retry_max == 3 &&
	    p.wait_poll_rpl == 5 && p.sync_bindings &&
	    !p.sync_fail_critical && p.sync_req_retry_max == 3);
}

static void
legality_table(void **state)
{
	static const int allowed[FOD_STATE_COUNT][FOD_STATE_COUNT] = {
		/* to:          stu syn mon tko ret stp */
		[FOD_STARTUP] =    { 0, 1, 1, 1, 0, 1 },
		[FOD_SYNCING] =    { 0, 0, 1, 1, 0, 1 },
		[FOD_MONITORING] = { 0, 0, 0, 1, 1, 1 },
		[FOD_TAKEOVER] =   { 0, 0, 0, 0, 1, 1 },
		[FOD_RETURNING] =  { 0, 0, 1, 1, 0, 1 },
		[FOD_STOPPED] =    { 0, 1, 1, 1, 0, 0 },
	};
	unsigned f, t;

	(void)state;
	for (f = 0; f < FOD_STATE_COUNT; f++)
		for (t = 0; t < FOD_STATE_COUNT; t++)
			assert_int_equal(fod_edge_legal((enum fod_state)f,
			    (enum fod_state)t), allowed[f][t]);
	assert_false(fod_edge_legal(FOD_STATE_COUNT, FOD_STARTUP));
	assert_false(fod_edge_legal(FOD_STARTUP, FOD_STATE_COUNT));
}

static void
names(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < FOD_STATE_COUNT; i++)
		assert_string_not_equal(fod_state_name((enum fod_state)i),
		    "unknown");
	for (i = 0; i < FOD_EV_COUNT; i++)
		assert_string_not_equal(fod_event_name((enum fod_event_type)i),
		    "unknown");
	for (i = 0; i < FOD_ACT_COUNT; i++)
		assert_string_not_equal(fod_action_name((enum fod_action_type)i),
		    "unknown");
	for (i = 0; i < FOD_TIMER_COUNT; i++)
		assert_string_not_equal(fod_timer_name((enum fod_timer)i),
		    "unknown");
	for (i = 0; i < FOD_NOTIFY_COUNT; i++)
		assert_string_not_equal(fod_notify_name((enum fod_notify)i),
		    "unknown");
	assert_string_equal(fod_state_name(FOD_STATE_COUNT), "unknown");
	assert_string_equal(fod_notify_name(FOD_NOTIFY_PRIMARY_NOT_RESPONDING),
	    "primary-not-responding");
}

/* The history of a whole life, and the per-state counters. */
static void
history_and_counters(void **state)
{
	struct sim	 s;
	struct fod_params p;
	static const struct {
		enum fod_state from, to;
		double	 when;
		const char *reason;
	} want[] = {
		{ FOD_STARTUP, FOD_SYNCING, 0,
		    "start-up: requesting bindings (SyncBindings)" },
		{ FOD_SYNCING, FOD_MONITORING, 3, "start-up sync completed" },
		{ FOD_MONITORING, FOD_TAKEOVER, 23, "4 polls unanswered" },
		{ FOD_TAKEOVER, FOD_RETURNING, 100,
		    "primary requested control" },
		{ FOD_RETURNING, FOD_MONITORING, 102,
		    "hand-back complete; control returned" },
	};
	size_t		 i;

	(void)state;
	table_params(&p);
	sim_init(&s, &p);
	sim_event(&s, FOD_EV_START);
	s.now = 1;
	sim_event(&s, FOD_EV_SYNC_START);
	s.now = 3;
	sim_event(&s, FOD_EV_SYNC_DONE);
	sim_run_to_state(&s, FOD_TAKEOVER, 1000);
	sim_run(&s, 100);
	sim_event(&s, FOD_EV_CTL_REQ);
	s.now = 102;
	sim_event(&s, FOD_EV_ALL_HANDED_BACK);

	assert_int_equal(fsm_history_count(&s.m.hist), 5);
	for (i = 0; i < 5; i++) {
		const struct fsm_transition *t =
		    fsm_history_get(&s.m.hist, i);

		assert_int_equal(t->seq, i + 1);
		assert_int_equal(t->from, want[i].from);
		assert_int_equal(t->to, want[i].to);
		assert_true(t->when == want[i].when);
		assert_string_equal(t->reason, want[i].reason);
	}
	assert_int_equal(fsm_history_entered(&s.m.hist, FOD_MONITORING), 2);
	assert_int_equal(fsm_history_entered(&s.m.hist, FOD_TAKEOVER), 1);
	assert_true(fsm_history_seconds(&s.m.hist, FOD_TAKEOVER, 500) == 77);
	assert_true(fsm_history_seconds(&s.m.hist, FOD_MONITORING, 110) ==
	    20 + 8);
	assert_true(s.m.ctr.state_since == 102);
	assert_string_equal(fsm_history_state_name(&s.m.hist, FOD_RETURNING),
	    "returning");
}

/* ---- 3. random walk ------------------------------------------------- */

static uint32_t
rnd(uint32_t *seed)
{
	/* xorshift32: deterministic, good enough to pick events. */
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static void
check_invariants(const struct sim *s, const struct fod_output *out,
    enum fod_state before)
{
	const struct fod_fsm *m = &s->m;
	unsigned	 poll_timers = m->armed & (1u << FOD_TIMER_POLL |
			    1u << FOD_TIMER_POLL_RPL);
	unsigned	 sync_timers = m->armed & (1u << FOD_TIMER_SYNC_START |
			    1u << FOD_TIMER_SYNC_IDLE);
	size_t		 i;
	unsigned	 changes = 0;

	if (out->transitioned) {
		assert_true(fod_edge_legal(before, m->state));
		assert_int_equal(out->from, before);
		assert_int_equal(out->to, m->state);
		assert_int_equal(last_transition(m)->to, m->state);
	} else
		assert_int_equal(before, m->state);
	for (i = 0; i < out->nactions; i++) {
		const struct fod_action *a = &out->actions[i];

		if (a->type == FOD_ACT_NOTIFY &&
		    a->notify == FOD_NOTIFY_STATE_CHANGE)
			changes++;
		if (a->type == FOD_ACT_EXIT_CRITICAL)
			assert_true(out->transitioned &&
			    m->state == FOD_STOPPED);
		if (a->type == FOD_ACT_SEND_CTL_RET)
			assert_true(before == FOD_SYNCING ||
			    (before == FOD_RETURNING &&
			    m->state == FOD_MONITORING));
	}
	assert_int_equal(changes, out->transitioned ? 1 : 0);

	switch (m->state) {
	case FOD_STARTUP:
	case FOD_STOPPED:
	case FOD_RETURNING:
		assert_int_equal(m->armed, 0);
		break;
	case FOD_SYNCING:
		assert_int_equal(poll_timers, 0);
		assert_true(popcount(sync_timers) <= 1);
		if (m->sync_started)
			assert_true(m->armed & 1u << FOD_TIMER_SYNC_IDLE);
		else if (m->params.wait_sync_start > 0)
			assert_true(m->armed & 1u << FOD_TIMER_SYNC_START);
		break;
	case FOD_MONITORING:
	case FOD_TAKEOVER:
		/* Never stuck: exactly one poll timer runs. */
		assert_int_equal(sync_timers, 0);
		assert_int_equal(popcount(poll_timers), 1);
		assert_int_equal(m->awaiting_reply,
		    (m->armed & 1u << FOD_TIMER_POLL_RPL) != 0);
		break;
	case FOD_STATE_COUNT:
		fail();
	}

	/* Serving (the loop's view) exactly while in a takeover episode. */
	switch (m->state) {
	case FOD_TAKEOVER:
		assert_true(s->serving);
		assert_true(m->in_takeover);
		break;
	case FOD_RETURNING:
		assert_int_equal(s->serving, m->in_takeover);
		break;
	default:
		assert_false(s->serving);
		assert_false(m->in_takeover);
		assert_false(m->partial);
		break;
	}
	assert_true(fsm_history_count(&m->hist) <= FSM_HISTORY_LEN);
}

static void
random_walk(void **state)
{
	struct sim	 s;
	struct fod_params p;
	uint32_t	 seed = 0x2545f491u;
	unsigned	 run, step;
	uint64_t	 transitions = 0, notes = 0;

	(void)state;
	for (run = 0; run < 8; run++) {
		table_params(&p);
		p.sync_bindings = run & 1;
		p.sync_fail_critical = run & 2;
		p.wait_sync_start = run & 4 ? 0 : 10;
		sim_init(&s, &p);
		transitions = notes = 0;
		for (step = 0; step < 40000; step++) {
			struct fod_event	 ev;
			struct fod_output out;
			enum fod_state	 before = s.m.state;
			uint32_t	 r = rnd(&seed);

			memset(&ev, 0, sizeof(ev));
			ev.type = (enum fod_event_type)(r % FOD_EV_COUNT);
			/* Favour timers that are armed, as a loop would. */
			if ((r >> 8) % 3 == 0 && s.m.armed != 0) {
				unsigned t = (r >> 12) % FOD_TIMER_COUNT;

				while ((s.m.armed & 1u << t) == 0)
					t = (t + 1) % FOD_TIMER_COUNT;
				s.deadline[t] = -1;
				ev.type = timer_event[t];
			}
			/* A "stale" expiry of an armed timer would make the
			 * fake loop disagree; only fire armed ones. */
			if (ev.type == FOD_EV_TIMER_POLL ||
			    ev.type == FOD_EV_TIMER_POLL_RPL ||
			    ev.type == FOD_EV_TIMER_SYNC_START ||
			    ev.type == FOD_EV_TIMER_SYNC_IDLE) {
				unsigned t;

				for (t = 0; t < FOD_TIMER_COUNT; t++)
					if (timer_event[t] == ev.type)
						s.deadline[t] = -1;
			}
			ev.primary_restarted = (r >> 16) % 10 == 0;
			ev.primary_state = (uint8_t)((r >> 20) %
			    (FO_STATE_SHUTTING_DOWN + 2));
			ev.resume_takeover = (r >> 24) % 4 == 0;
			ev.detail = (r >> 26) % 2 ? "detail" : NULL;
			s.now += (double)((r >> 27) % 8);
			assert_int_equal(fod_fsm_handle(&s.m, &ev, s.now, &out),
			    FSM_OK);
			sim_apply(&s, &out);
			check_invariants(&s, &out, before);
			transitions += out.transitioned;
			/* partner-down is noted in the history as well. */
			for (size_t i = 0; i < out.nactions; i++)
				notes += out.actions[i].type ==
				    FOD_ACT_NOTIFY && out.actions[i].notify ==
				    FOD_NOTIFY_PARTNER_DOWN;
			/* EXIT_CRITICAL: the daemon would exit; go on from
			 * STOPPED anyway. */
		}
		assert_int_equal(s.m.hist.total, transitions + notes);
		assert_true(notes > 0);
		assert_true(transitions > 1000);
	}
}

/*
 * partner-down (docs/safety.md): only in TAKEOVER, once per takeover,
 * noted in the history; ends with the takeover, and a resumed takeover
 * keeps it.
 */
static void
partner_down(void **state)
{
	struct fod_fsm	 m;
	struct fod_output out;
	struct fod_event	 ev;
	uint64_t	 total;
	(void)state;

	row_setup(&m, R_MON_SLEEP);
	feed(&m, FOD_EV_PARTNER_DOWN, 1, &out);
	assert_false(m.partner_down);
	assert_int_equal(out.nactions, 0);
	row_setup(&m, R_TO_SLEEP);
	total = m.hist.total;
	feed(&m, FOD_EV_PARTNER_DOWN, 2, &out);
	assert_true(m.partner_down);
	assert_int_equal(m.state, FOD_TAKEOVER);
	assert_int_equal(m.hist.total, total + 1);
	assert_non_null(strstr(last_transition(&m)->reason,
	    "declared the primary down"));
	assert_int_equal(last_transition(&m)->from, FOD_TAKEOVER);
	assert_int_equal(last_transition(&m)->to, FOD_TAKEOVER);
	feed(&m, FOD_EV_PARTNER_DOWN, 3, &out);	/* said once */
	assert_int_equal(m.hist.total, total + 1);
	assert_int_equal(out.nactions, 0);
	/* The primary is heard: not down after all. */
	feed(&m, FOD_EV_POLL_RPL, 4, &out);
	assert_int_equal(m.state, FOD_RETURNING);
	assert_false(m.partner_down);

	row_setup(&m, R_STARTUP);
	ev_init(&ev, FOD_EV_START);
	ev.resume_takeover = true;
	ev.resume_partner_down = true;
	assert_int_equal(fod_fsm_handle(&m, &ev, 5, &out), FSM_OK);
	assert_int_equal(m.state, FOD_TAKEOVER);
	assert_true(m.partner_down);
}

/* ---- 4. both machines over a simulated link ------------------------- */

#define NSUB	3

enum msg_kind {
	/* failover -> primary */
	M_POLL, M_SYNC_REQ, M_CTL_RET, M_SUBNET_SYNC_START, M_BIND_UPD_F,
	M_SUBNET_SYNC_DONE,
	/* primary -> failover */
	M_POLL_RPL, M_SYNC_START, M_SYNC_DONE, M_CTL_REQ, M_SUBNET_ACK,
	M_SHUTDOWN
};

struct msg {
	enum msg_kind	 kind;
	bool		 to_primary;
	uint32_t	 subnet;
	uint8_t		 pstate;	/* M_POLL_RPL: STATE on the wire */
	unsigned	 epoch;		/* primary -> failover */
};

struct pair {
	struct fod_fsm	 f;
	struct pr_fsm	 p;
	double		 now;
	double		 fdl[FOD_TIMER_COUNT];
	double		 pdl;
	bool		 p_up;
	bool		 link_up;
	unsigned	 epoch;		/* the primary's boot epoch */
	unsigned	 f_seen_epoch;	/* last one the failover saw */
	bool		 f_held[NSUB];	/* failover has control of it */
	bool		 f_serve[NSUB];
	bool		 p_serve[NSUB];
	int		 handback_cur;	/* subnet being handed back, -1 */
	bool		 check_exclusive;
	unsigned	 die_at_sync_start;	/* kill the primary at the
						 * Nth SubnetSyncStart, 0 */
	unsigned	 sync_starts;
	struct msg	 q[256];
	size_t		 qh, qt;
	/* Failover loop events generated locally (hand-back results). */
	enum fod_event_type local[16];
	const char	*local_detail[16];
	size_t		 nlocal;
};

static void
pair_send(struct pair *w, enum msg_kind kind, bool to_primary,
    uint32_t subnet)
{
	struct msg *m;

	assert_true(w->qt - w->qh < 256);
	m = &w->q[w->qt++ % 256];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->to_primary = to_primary;
	m->subnet = subnet;
	m->pstate = pr_state_code(&w->p);
	m->epoch = w->epoch;
}

static void
pair_exclusive(const struct pair *w)
{
	unsigned i;

	if (!w->check_exclusive)
		return;
	for (i = 0; i < NSUB; i++)
		assert_false(w->f_serve[i] && w->p_serve[i]);
}

static void pair_fo_event(struct pair *, const struct fod_event *);

static void
pair_local(struct pair *w, enum fod_event_type t, const char *detail)
{
	assert_true(w->nlocal < 16);
	w->local_detail[w->nlocal] = detail;
	w->local[w->nlocal++] = t;
}

/* The failover loop's hand-back: one held subnet at a time. */
static void
pair_handback_next(struct pair *w)
{
	unsigned i;

	for (i = 0; i < NSUB; i++)
		if (w->f_held[i])
			break;
	if (i == NSUB) {
		w->handback_cur = -1;
		pair_local(w, FOD_EV_ALL_HANDED_BACK, NULL);
		return;
	}
	w->handback_cur = (int)i;
	/* docs/design.md §3: neither server grants from a subnet in sync. */
	w->f_serve[i] = false;
	pair_send(w, M_SUBNET_SYNC_START, true, i);
	pair_send(w, M_BIND_UPD_F, true, i);
	pair_send(w, M_SUBNET_SYNC_DONE, true, i);
}

static void
pair_fo_apply(struct pair *w, const struct fod_output *out)
{
	size_t	 i;
	unsigned j;

	for (i = 0; i < out->nactions; i++) {
		const struct fod_action *a = &out->actions[i];

		switch (a->type) {
		case FOD_ACT_SEND_POLL:
			pair_send(w, M_POLL, true, 0);
			break;
		case FOD_ACT_SEND_SYNC_REQ:
			pair_send(w, M_SYNC_REQ, true, 0);
			break;
		case FOD_ACT_SEND_CTL_RET:
			pair_send(w, M_CTL_RET, true, 0);
			break;
		case FOD_ACT_ARM_TIMER:
			w->fdl[a->timer] = w->now + a->secs;
			break;
		case FOD_ACT_CANCEL_TIMER:
			w->fdl[a->timer] = -1;
			break;
		case FOD_ACT_START_SERVING_ALL:
			for (j = 0; j < NSUB; j++)
				w->f_held[j] = w->f_serve[j] = true;
			break;
		case FOD_ACT_STOP_SERVING_ALL:
			for (j = 0; j < NSUB; j++) {
				assert_false(w->f_held[j]);
				w->f_serve[j] = false;
			}
			break;
		case FOD_ACT_START_HANDBACK:
		case FOD_ACT_HANDBACK_NEXT:
			pair_handback_next(w);
			break;
		case FOD_ACT_ABORT_HANDBACK:
			if (w->handback_cur >= 0)
				w->f_serve[w->handback_cur] = true;
			w->handback_cur = -1;
			break;
		case FOD_ACT_EXIT_CRITICAL:
		case FOD_ACT_NOTIFY:
			break;
		default:
			fail();
		}
		pair_exclusive(w);
	}
}

static void
pair_fo_event(struct pair *w, const struct fod_event *ev)
{
	struct fod_output out;

	assert_int_equal(fod_fsm_handle(&w->f, ev, w->now, &out), FSM_OK);
	pair_fo_apply(w, &out);
}

static void
pair_pr_apply(struct pair *w, const struct pr_output *out)
{
	size_t	 i;
	unsigned j;

	for (i = 0; i < out->nactions; i++) {
		const struct pr_action *a = &out->actions[i];

		switch (a->type) {
		case PR_ACT_SEND_CTL_REQ:
			pair_send(w, M_CTL_REQ, false, 0);
			break;
		case PR_ACT_ARM_TIMER:
			w->pdl = w->now + a->secs;
			break;
		case PR_ACT_CANCEL_TIMER:
			w->pdl = -1;
			break;
		case PR_ACT_SERVE_ALL:
		case PR_ACT_SERVE_NONE:
			for (j = 0; j < NSUB; j++)
				w->p_serve[j] = a->type == PR_ACT_SERVE_ALL;
			break;
		case PR_ACT_SUBNET_SYNCING:
			w->p_serve[a->subnet] = false;
			break;
		case PR_ACT_SUBNET_SERVE:
			w->p_serve[a->subnet] = true;
			break;
		case PR_ACT_NOTIFY:
			break;
		default:
			fail();
		}
		pair_exclusive(w);
	}
}

static void
pair_pr_event(struct pair *w, enum pr_event_type type, uint32_t subnet)
{
	struct pr_event	 ev;
	struct pr_output out;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.subnet = subnet;
	assert_int_equal(pr_fsm_handle(&w->p, &ev, w->now, &out), FSM_OK);
	pair_pr_apply(w, &out);
}

static void
pair_primary_start(struct pair *w)
{
	struct pr_params pp;

	memset(&pp, 0, sizeof(pp));
	pp.use_failover = true;
	pp.ctl_req_retry_max = 2;
	pp.wait_ctl_ret = 5;
	assert_int_equal(pr_fsm_init(&w->p, &pp, w->now), FSM_OK);
	w->p_up = true;
	w->epoch++;
	w->sync_starts = 0;
	pair_pr_event(w, PR_EV_START, 0);
}

static void
pair_primary_die(struct pair *w)
{
	unsigned i;

	w->p_up = false;
	w->pdl = -1;
	for (i = 0; i < NSUB; i++)
		w->p_serve[i] = false;
}

static void
deliver_to_primary(struct pair *w, const struct msg *m)
{
	switch (m->kind) {
	case M_POLL:
		pair_pr_event(w, PR_EV_POLL, 0);
		pair_send(w, M_POLL_RPL, false, 0);
		break;
	case M_SYNC_REQ:
		pair_send(w, M_SYNC_START, false, 0);
		pair_send(w, M_SYNC_DONE, false, 0);
		break;
	case M_CTL_RET:
		pair_pr_event(w, PR_EV_CTL_RET, 0);
		break;
	case M_SUBNET_SYNC_START:
		if (++w->sync_starts == w->die_at_sync_start) {
			pair_primary_die(w);
			break;
		}
		pair_pr_event(w, PR_EV_SUBNET_SYNC_START, m->subnet);
		break;
	case M_BIND_UPD_F:
		pair_pr_event(w, PR_EV_BIND_UPD, m->subnet);
		break;
	case M_SUBNET_SYNC_DONE:
		pair_pr_event(w, PR_EV_SUBNET_SYNC_DONE, m->subnet);
		pair_send(w, M_SUBNET_ACK, false, m->subnet);
		break;
	default:
		fail();
	}
}

static void
deliver_to_failover(struct pair *w, const struct msg *m)
{
	struct fod_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.primary_restarted = w->f_seen_epoch != 0 &&
	    m->epoch != w->f_seen_epoch;
	w->f_seen_epoch = m->epoch;
	switch (m->kind) {
	case M_POLL_RPL:
		ev.type = FOD_EV_POLL_RPL;
		ev.primary_state = m->pstate;
		break;
	case M_SYNC_START:
		ev.type = FOD_EV_SYNC_START;
		break;
	case M_SYNC_DONE:
		ev.type = FOD_EV_SYNC_DONE;
		break;
	case M_CTL_REQ:
		ev.type = FOD_EV_CTL_REQ;
		break;
	case M_SHUTDOWN:
		ev.type = FOD_EV_SHUTDOWN;
		break;
	case M_SUBNET_ACK:
		/* The loop's part: the subnet is the primary's now. */
		if (w->handback_cur != (int)m->subnet)
			return;
		w->f_held[m->subnet] = false;
		w->handback_cur = -1;
		ev.type = FOD_EV_SUBNET_HANDED_BACK;
		break;
	default:
		fail();
	}
	pair_fo_event(w, &ev);
}

/* Deliver everything queued (zero latency), then local loop events. */
static void
pair_drain(struct pair *w)
{
	while (w->qh != w->qt || w->nlocal > 0) {
		if (w->qh != w->qt) {
			struct msg m = w->q[w->qh++ % 256];

			if (!w->link_up)
				continue;
			if (m.to_primary) {
				if (!w->p_up) {
					/* The hand-back's retries run out. */
					if (m.kind == M_SUBNET_SYNC_DONE &&
					    w->handback_cur == (int)m.subnet)
						pair_local(w,
						    FOD_EV_HANDBACK_FAILED,
						    "no ack");
					continue;
				}
				deliver_to_primary(w, &m);
			} else
				deliver_to_failover(w, &m);
		} else {
			struct fod_event ev;

			memset(&ev, 0, sizeof(ev));
			ev.type = w->local[0];
			ev.detail = w->local_detail[0];
			memmove(w->local, w->local + 1,
			    (w->nlocal - 1) * sizeof(w->local[0]));
			memmove(w->local_detail, w->local_detail + 1,
			    (w->nlocal - 1) * sizeof(w->local_detail[0]));
			w->nlocal--;
			if (ev.type == FOD_EV_HANDBACK_FAILED) {
				/* Keep serving the subnet not handed back. */
				if (w->handback_cur >= 0)
					w->f_serve[w->handback_cur] = true;
				w->handback_cur = -1;
			}
			pair_fo_event(w, &ev);
		}
		pair_exclusive(w);
	}
}

/* Advance both loops' clocks to `until`, firing timers in order. */
static void
pair_run(struct pair *w, double until)
{
	pair_drain(w);
	for (;;) {
		int	 t, first = -1;
		bool	 prim;

		for (t = 0; t < FOD_TIMER_COUNT; t++)
			if (w->fdl[t] >= 0 && (first < 0 ||
			    w->fdl[t] < w->fdl[first]))
				first = t;
		prim = w->pdl >= 0 && (first < 0 || w->pdl < w->fdl[first]);
		if (prim && w->pdl <= until) {
			w->now = w->pdl;
			w->pdl = -1;
			pair_pr_event(w, PR_EV_TIMER_CTL_RET, 0);
		} else if (!prim && first >= 0 && w->fdl[first] <= until) {
			struct fod_event ev;

			w->now = w->fdl[first];
			w->fdl[first] = -1;
			memset(&ev, 0, sizeof(ev));
			ev.type = timer_event[first];
			pair_fo_event(w, &ev);
		} else
			break;
		pair_drain(w);
	}
	w->now = until;
}

static void
pair_init(struct pair *w)
{
	struct fod_params p;
	struct fod_event	 ev;
	unsigned	 t;

	memset(w, 0, sizeof(*w));
	for (t = 0; t < FOD_TIMER_COUNT; t++)
		w->fdl[t] = -1;
	w->pdl = -1;
	w->handback_cur = -1;
	w->link_up = true;
	w->check_exclusive = true;
	table_params(&p);
	assert_int_equal(fod_fsm_init(&w->f, &p, 0), FSM_OK);

	/* Appliance boot: the primary first (its CtlReq finds the failover
	 * not listening yet), then the failover syncs and polls. */
	pair_primary_start(w);
	pair_drain(w);
	memset(&ev, 0, sizeof(ev));
	ev.type = FOD_EV_START;
	pair_fo_event(w, &ev);
	pair_run(w, 1);
	/* The PollRpl said CTL_WAIT: control returned, nothing held. */
	assert_int_equal(w->f.state, FOD_MONITORING);
	assert_int_equal(w->p.state, PR_SERVING);
	assert_string_equal(fsm_history_get(&w->f.hist, 2)->reason,
	    "primary waiting for control (PollRpl says ctl-wait)");
	assert_int_equal(w->p.ctr.ctl_req_sent, 1);
}

static unsigned
count_true(const bool *v)
{
	unsigned i, n = 0;

	for (i = 0; i < NSUB; i++)
		n += v[i];
	return n;
}

/* Primary crashes, the failover takes over, the primary restarts and
 * gets its subnets back one by one. */
static void
pair_crash_and_return(void **state)
{
	struct pair	 w;
	double		 t;

	(void)state;
	pair_init(&w);
	assert_int_equal(fsm_history_count(&w.f.hist), 4);
	pair_run(&w, 100);
	pair_primary_die(&w);
	pair_run(&w, 400);
	assert_int_equal(w.f.state, FOD_TAKEOVER);
	assert_int_equal(count_true(w.f_serve), NSUB);
	/* Detected at the first poll after the crash + 4 * 5 s. */
	t = fsm_history_get(&w.f.hist, 4)->when;
	assert_true(t > 100 && t <= 100 + 60 + 20);

	pair_primary_start(&w);
	assert_int_equal(count_true(w.p_serve), 0);
	pair_run(&w, 401);
	assert_int_equal(w.f.state, FOD_MONITORING);
	assert_int_equal(w.p.state, PR_SERVING);
	assert_int_equal(count_true(w.f_serve), 0);
	assert_int_equal(count_true(w.f_held), 0);
	assert_int_equal(count_true(w.p_serve), NSUB);
	assert_int_equal(w.f.ctr.subnets_handed_back, NSUB);
	assert_int_equal(w.p.ctr.subnets_received, NSUB);
	assert_int_equal(w.f.ctr.primary_restarts, 1);
	assert_string_equal(fsm_history_get(&w.f.hist, 5)->reason,
	    "primary requested control");
	/* The primary served each subnet as it arrived, before CtlRet. */
	assert_int_equal(fsm_history_entered(&w.p.hist, PR_RECEIVING), 1);
	assert_string_equal(fsm_history_get(&w.p.hist, 2)->reason,
	    "control returned by the failover");
	/* Quiet afterwards: polls answered, nothing changes. */
	pair_run(&w, 2000);
	assert_int_equal(w.f.state, FOD_MONITORING);
	assert_int_equal(fsm_history_count(&w.f.hist), 7);
}

/* A partition: both serve (the heartbeat shares the clients' path, so
 * the failover sees none of them, docs/design.md §1); once healed the failover
 * hands back on its own and exclusivity holds again. */
static void
pair_partition_heal(void **state)
{
	struct pair	 w;

	(void)state;
	pair_init(&w);
	w.link_up = false;
	w.check_exclusive = false;
	pair_run(&w, 300);
	assert_int_equal(w.f.state, FOD_TAKEOVER);
	assert_int_equal(w.p.state, PR_SERVING);
	/* Until the hand-back has moved a subnet, both still serve it:
	 * that is the partition.  Exclusivity is checked once it is over. */
	w.link_up = true;
	while (w.f.state == FOD_TAKEOVER && w.now < 1000) {
		double next = w.fdl[FOD_TIMER_POLL];

		assert_true(next >= 0);
		pair_run(&w, next);
	}
	w.check_exclusive = true;
	pair_exclusive(&w);
	assert_int_equal(w.f.state, FOD_MONITORING);
	assert_int_equal(w.p.state, PR_SERVING);
	assert_int_equal(count_true(w.p_serve), NSUB);
	assert_int_equal(count_true(w.f_serve), 0);
	assert_string_equal(fsm_history_get(&w.f.hist, 5)->reason,
	    "primary alive again; partition healed");
	assert_int_equal(fsm_history_entered(&w.p.hist, PR_RECEIVING), 1);
}

/* Graceful shutdown, then the primary dies half-way through the next
 * hand-back: the failover keeps what it held, then serves everything
 * again once the primary is declared down. */
static void
pair_shutdown_and_death_in_handback(void **state)
{
	struct pair	 w;

	(void)state;
	pair_init(&w);
	pair_run(&w, 50);
	pair_send(&w, M_SHUTDOWN, false, 0);
	pair_primary_die(&w);
	pair_drain(&w);
	assert_int_equal(w.f.state, FOD_TAKEOVER);
	assert_int_equal(count_true(w.f_serve), NSUB);
	assert_string_equal(fsm_history_get(&w.f.hist, 4)->reason,
	    "primary shut down");

	w.die_at_sync_start = 2;	/* after the first subnet */
	w.now = 70;
	pair_primary_start(&w);
	pair_drain(&w);
	assert_int_equal(w.f.ctr.primary_restarts, 1);
	assert_int_equal(w.p_up, false);
	assert_int_equal(w.f.state, FOD_TAKEOVER);
	assert_true(w.f.partial);
	assert_false(w.f_serve[0]);	/* handed back before the crash */
	assert_true(w.f_serve[1] && w.f_serve[2]);
	pair_run(&w, 300);
	assert_false(w.f.partial);
	assert_int_equal(count_true(w.f_serve), NSUB);
	assert_int_equal(w.f.state, FOD_TAKEOVER);
	assert_int_equal(w.f.ctr.takeovers, 1);
	assert_int_equal(w.f.ctr.handback_failures, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_event_table),
		cmocka_unit_test(takeover_after_poll_retries),
		cmocka_unit_test(poll_retry_max_zero),
		cmocka_unit_test(bind_upd_is_poll_reply),
		cmocka_unit_test(shutdown_immediate),
		cmocka_unit_test(shutdown_then_ctl_req),
		cmocka_unit_test(sync_req_retries_noncritical),
		cmocka_unit_test(sync_req_retries_critical),
		cmocka_unit_test(sync_idle_both_outcomes),
		cmocka_unit_test(wait_sync_start_zero),
		cmocka_unit_test(partition_heal),
		cmocka_unit_test(notifications_once_per_episode),
		cmocka_unit_test(poll_rpl_ctl_wait_is_ctl_req),
		cmocka_unit_test(ctl_req_while_syncing),
		cmocka_unit_test(handback_failed_partial),
		cmocka_unit_test(ctl_req_restart_during_returning),
		cmocka_unit_test(resume_takeover),
		cmocka_unit_test(operator_commands),
		cmocka_unit_test(stale_timers_ignored),
		cmocka_unit_test(reload_params),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(legality_table),
		cmocka_unit_test(names),
		cmocka_unit_test(history_and_counters),
		cmocka_unit_test(partner_down),
		cmocka_unit_test(random_walk),
		cmocka_unit_test(pair_crash_and_return),
		cmocka_unit_test(pair_partition_heal),
		cmocka_unit_test(pair_shutdown_and_death_in_handback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
