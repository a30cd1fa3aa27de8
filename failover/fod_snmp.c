/*
 * DHCPFO-MIB data of the failover: the provider for the SNMP sub-agent
 * (snmp/snmp_agent.c) and the notification-to-trap map.  Main thread
 * only.  The provider reads nothing of a peer thread's live state: it
 * copies the snapshots the threads publish (fod_status.c), as dhcpfoctl
 * status does.
 *
 * [snmp] on reload: fod_reload() (fod.c) takes the new section from any
 * valid file, even one whose primaries' part it refuses, and calls
 * fod_snmp_apply().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_proto.h"
#include "fo_proto.h"
#include "fod.h"
#include "fod_snmp.h"
#include "snmp_agent.h"
#include "version.h"


/* Whole seconds to `until`, rounded up: "1" until the very end. */
static uint32_t
safe_left(double until, double now)
{
	double	 d = until - now;
	uint32_t u;

	if (d <= 0)
		return 0;
	if (d >= 4294967295.0)
		return 4294967295u;
	u = (uint32_t)d;
	return (double)u < d ? u + 1 : u;
}

/* A primary's row of dhcpfoPrimaryTable from its snapshot. */
static void
provide_primary(struct snmp_primary_row *r, const struct fod_peer *p,
    const struct fod_snap *sn)
{
	snprintf(r->name, sizeof(r->name), "%s", p->name);
	r->addr = p->addr;
	r->state = (enum snmp_state)(sn->state + SNMP_ST_STARTUP);
	if (!sn->valid)
		r->state = SNMP_ST_STARTUP;
	r->time_in_state = sn->ctr.state_since > 0 ?
	    (uint32_t)snmp_age_cs(sn->now, sn->ctr.state_since) : 0;
	r->last_poll_age = snmp_age_cs(sn->now, sn->msg.last_poll_sent);
	r->last_reply_age = snmp_age_cs(sn->now, sn->msg.last_reply);
	r->last_handback_age = snmp_age_cs(sn->now,
	    sn->ctr.last_handback_time);
	r->polls_sent = sn->ctr.polls_sent;
	r->polls_answered = sn->ctr.polls_answered;
	r->polls_timed_out = sn->ctr.polls_timed_out;
	r->consecutive_misses = sn->ctr.consecutive_misses;
	r->takeovers = (uint32_t)sn->ctr.takeovers;
	snprintf(r->last_takeover_reason,
	    sizeof(r->last_takeover_reason), "%s",
	    sn->ctr.last_takeover_reason);
	r->bindings = (uint32_t)sn->bindings;
	r->upd_received = sn->sync.upd_received;
	r->upd_acked = sn->sync.upd_acked;
	r->upd_failed = sn->sync.upd_received > sn->sync.upd_applied ?
	    sn->sync.upd_received - sn->sync.upd_applied : 0;
	snprintf(r->last_failure, sizeof(r->last_failure), "%s",
	    sn->act.stop_reason);
	r->sync_in_progress = sn->state == FOD_SYNCING ||
	    sn->handback.cur != SIZE_MAX;
	r->auth_failures = fo_reject_auth_total(sn->msg.rejects);
}

/* The daemon's DHCP counters add up the primaries' engines. */
static void
provide_counts(struct snmp_snap *s, const struct fod_snap *sn)
{
	s->dhcp[SNMP_DHCP_DISCOVER] += sn->eng.rx[DHCPDISCOVER];
	s->dhcp[SNMP_DHCP_OFFER] += sn->eng.tx[DHCPOFFER];
	s->dhcp[SNMP_DHCP_REQUEST] += sn->eng.rx[DHCPREQUEST];
	s->dhcp[SNMP_DHCP_ACK] += sn->eng.tx[DHCPACK];
	s->dhcp[SNMP_DHCP_NAK] += sn->eng.tx[DHCPNAK];
	s->dhcp[SNMP_DHCP_DECLINE] += sn->eng.rx[DHCPDECLINE];
	s->dhcp[SNMP_DHCP_RELEASE] += sn->eng.rx[DHCPRELEASE];
	s->dhcp[SNMP_DHCP_INFORM] += sn->eng.rx[DHCPINFORM];
	for (size_t k = 1; k < ENGINE_DROP_COUNT; k++)
		s->dhcp[SNMP_DHCP_DROPPED] += sn->eng.drops[k];
	s->commit_failures += sn->commit_failures;
}

/* The primary's subnets (index i + 1 in dhcpfoPrimaryTable). */
static void
provide_subnets(struct snmp_snap *s, const struct fod_snap *sn,
    const struct fod_snap_subnet *subs, size_t n, size_t i, bool borrows)
{
	double	 now = fod_wallclock();	/* safe_until is wall clock */

	for (size_t k = 0; k < n; k++) {
		struct snmp_subnet_row *x = snmp_snap_add_subnet(s);
		const struct pool_stats *st = &subs[k].st;

		if (x == NULL)
			break;
		snprintf(x->name, sizeof(x->name), "%s",
		    subs[k].name);
		x->network = subs[k].network;
		x->prefix = subs[k].prefix;
		x->primary = (int32_t)(i + 1);
		x->served_by = subs[k].serving ? SNMP_SERVED_FAILOVER :
		    subs[k].handback == FOD_SUB_SYNCING ? SNMP_SERVED_NOBODY :
		    SNMP_SERVED_PRIMARY;
		x->total = st->total;
		x->free = st->free;
		x->in_use = pool_stats_in_use(st);
		x->declined = st->declined + st->conflict;
		x->share_total = st->share_total;
		x->share_free = st->share_free;
		x->safe_running = fod_safe_running(sn, &subs[k], now);
		x->safe_left = x->safe_running ?
		    safe_left(subs[k].safe_until, now) : 0;
		x->share_matters = x->safe_running;
		x->borrows = borrows;
	}
}

static void
provide(void *arg, struct snmp_snap *s)
{
	struct fod *fod = arg;
	struct fod_snap_subnet *subs = NULL;
	size_t	 cap = 0;
	double	 up = (ev_now(fod->loop) - fod->started) * 100.0;

	s->role = SNMP_ROLE_FAILOVER;
	snprintf(s->version, sizeof(s->version), "%s", DHCPFO_VERSION);
	s->proto_version = FO_VERSION_MAX;
	s->uptime = up > 4294967295.0 ? 4294967295u : (uint32_t)up;
	s->reloads = (uint32_t)fod->ctr.reloads;
	memset(s->dhcp, 0, sizeof(s->dhcp));
	s->dhcp[SNMP_DHCP_MALFORMED] = fod->ctr.dhcp_short +
	    fod->ctr.dhcp_truncated;
	s->dhcp[SNMP_DHCP_DROPPED] = fod->ctr.dhcp_no_subnet +
	    fod->ctr.dhcp_queue_full;
	s->commit_failures = 0;

	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];
		/* The main thread's copy of its policy, as the last reload
		 * left it (as dhcpfoctl status reads it). */
		const struct cfg_fo_primary *pc = fod_config_primary(&fod->cfg,
		    p->name);
		bool	 borrows = cfg_fo_policy_borrows(pc != NULL ?
		    &pc->policy : &fod->cfg.defaults);
		struct fod_snap	 sn;
		struct snmp_primary_row *r;
		size_t	 n;

		if (p->view.nsubnets > cap) {
			void *x = realloc(subs, p->view.nsubnets *
			    sizeof(*subs));

			if (x == NULL)
				break;
			subs = x;
			cap = p->view.nsubnets;
		}
		fod_peer_snapshot(p, &sn, subs, cap);
		if ((r = snmp_snap_add_primary(s)) == NULL)
			break;
		provide_primary(r, p, &sn);
		provide_counts(s, &sn);
		n = sn.nsubnets < cap ? sn.nsubnets : cap;
		provide_subnets(s, &sn, subs, n, i, borrows);
	}
	free(subs);
}

int
fod_snmp_apply(struct fod *fod)
{
	return snmp_agent_apply(fod->loop, &fod->cfg.snmp,
	    fod->cfg.server.state_dir, provide, fod);
}

/* fod_notify numbers (enum fod_notify) to DHCPFO-MIB notifications. */
void
fod_snmp_trap(struct fod *fod, struct fod_peer *p, int note, int from, int to,
    const char *text)
{
	static const enum snmp_trap map[FOD_ALERT_END] = {
		[FOD_NOTIFY_STATE_CHANGE] = SNMP_TRAP_STATE_CHANGE,
		[FOD_NOTIFY_PRIMARY_NOT_RESPONDING] = SNMP_TRAP_NOT_RESPONDING,
		[FOD_NOTIFY_PRIMARY_RESPONDING] = SNMP_TRAP_RESPONDING,
		/* A restart is seen as "responding again" by operators. */
		[FOD_NOTIFY_PRIMARY_RESTARTED] = SNMP_TRAP_RESPONDING,
		[FOD_NOTIFY_TAKEOVER_STARTED] = SNMP_TRAP_TAKEOVER_STARTED,
		[FOD_NOTIFY_TAKEOVER_ENDED] = SNMP_TRAP_TAKEOVER_ENDED,
		[FOD_NOTIFY_HANDBACK_STARTED] = SNMP_TRAP_HANDBACK_STARTED,
		[FOD_NOTIFY_HANDBACK_COMPLETED] = SNMP_TRAP_HANDBACK_COMPLETED,
		[FOD_NOTIFY_HANDBACK_FAILED] = SNMP_TRAP_HANDBACK_FAILED,
		[FOD_NOTIFY_SYNC_COMPLETED] = SNMP_TRAP_SYNC_COMPLETED,
		[FOD_NOTIFY_SYNC_FAILED] = SNMP_TRAP_SYNC_FAILED,
		[FOD_ALERT_UPDATE_FAILED] = SNMP_TRAP_BINDING_UPDATE_FAILED,
		[FOD_ALERT_CONFIG_MISMATCH] = SNMP_TRAP_CONFIG_MISMATCH,
		[FOD_ALERT_DUPLICATE] = SNMP_TRAP_DUPLICATE_ADDRESS,
		[FOD_ALERT_AUTH_FAILURE] = SNMP_TRAP_AUTH_FAILURE,
	};
	(void)fod;
	if (!snmp_agent_running())
		return;
	snmp_agent_refresh();
	if (note < 0 || note >= FOD_ALERT_END || map[note] == 0)
		return;
	if (note == FOD_NOTIFY_STATE_CHANGE) {
		from += SNMP_ST_STARTUP;
		to += SNMP_ST_STARTUP;
	} else
		from = to = 0;
	snmp_agent_trap(map[note], p->name, from, to, text, 0, 0);
}

void
fod_snmp_stop(void)
{
	snmp_agent_stop();
}
