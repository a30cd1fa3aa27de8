/*
 * DHCPFO-MIB data of a primary: the provider for the SNMP sub-agent
 * (snmp/snmp_agent.c) and its traps.  Main thread only (the primary
 * has no other).  The primary table has one row: this server, its
 * failover's address, and the primary's own control state (pr_fsm) as
 * DhcpfoState primaryInit(7)..primaryServing(11).
 *
 * Traps that could come in floods are limited here (common/util/trap_limit.h):
 * authentication failures and given-up replication one a minute, with
 * the count of what was held back; duplicate bindings a few a minute.
 * The limits are this file's own: the primary has one failover, one
 * main thread, one of each.
 */
#include <stdio.h>
#include <string.h>

#include "dhcp_proto.h"
#include "link.h"
#include "fo_proto.h"
#include "pool.h"
#include "pr_snmp.h"
#include "server_int.h"
#include "snmp_agent.h"
#include "trap_limit.h"
#include "version.h"

#define PR_TRAP_WINDOW	60.0	/* seconds */
#define PR_DUP_TRAPS	10	/* duplicate-address traps per window */

static struct {
	struct trap_limit auth, repl, dup;
} pt;

/* The scalars and the DHCP message counters. */
static void
provide_general(const struct server *srv, double now, struct snmp_snap *s)
{
	const struct engine_counters *ec = &srv->eng.ctr;
	double	 up = (now - srv->started) * 100.0;
	struct lease_db_stats ds;

	s->role = SNMP_ROLE_PRIMARY;
	snprintf(s->version, sizeof(s->version), "%s", DHCPFO_VERSION);
	s->proto_version = FO_VERSION_MAX;
	s->uptime = up > 4294967295.0 ? 4294967295u : (uint32_t)up;
	s->reloads = (uint32_t)srv->ctr.reloads;
	lease_db_get_stats(srv->db, &ds);
	s->commit_failures = ds.commit_failures;
	s->dhcp[SNMP_DHCP_DISCOVER] = ec->rx[DHCPDISCOVER];
	s->dhcp[SNMP_DHCP_OFFER] = ec->tx[DHCPOFFER];
	s->dhcp[SNMP_DHCP_REQUEST] = ec->rx[DHCPREQUEST];
	s->dhcp[SNMP_DHCP_ACK] = ec->tx[DHCPACK];
	s->dhcp[SNMP_DHCP_NAK] = ec->tx[DHCPNAK];
	s->dhcp[SNMP_DHCP_DECLINE] = ec->rx[DHCPDECLINE];
	s->dhcp[SNMP_DHCP_RELEASE] = ec->rx[DHCPRELEASE];
	s->dhcp[SNMP_DHCP_INFORM] = ec->rx[DHCPINFORM];
	s->dhcp[SNMP_DHCP_DROPPED] = 0;
	for (size_t k = 1; k < ENGINE_DROP_COUNT; k++)
		s->dhcp[SNMP_DHCP_DROPPED] += ec->drops[k];
	s->dhcp[SNMP_DHCP_MALFORMED] = srv->ctr.malformed +
	    srv->ctr.truncated;
}

/* A row per subnet; returns the bindings of all of them. */
static uint64_t
provide_subnets(const struct server *srv, struct snmp_snap *s)
{
	const struct link *fo = srv->link;
	bool	 linked = fo != NULL && fo->configured;
	uint64_t bound = 0;

	for (size_t i = 0; i < srv->cfg.nsubnets; i++) {
		const struct cfg_subnet *sn = &srv->cfg.subnets[i];
		struct snmp_subnet_row *x = snmp_snap_add_subnet(s);
		struct pool_stats st;

		if (x == NULL)
			break;
		pool_stats(pool_set_get(srv->pools, i), &st);
		bound += st.bound + st.reserved_bound;
		snprintf(x->name, sizeof(x->name), "%s", sn->name);
		x->network = sn->network;
		x->prefix = sn->prefix;
		x->primary = 1;
		x->served_by = SNMP_SERVED_PRIMARY;
		if (linked && i < fo->nsubnets)
			x->served_by = fo->subnets[i].who == SERVED_BY_PRIMARY ?
			    SNMP_SERVED_PRIMARY :
			    fo->subnets[i].who == SERVED_BY_NOBODY ?
			    SNMP_SERVED_NOBODY : SNMP_SERVED_FAILOVER;
		x->total = st.total;
		x->free = st.free;
		x->in_use = pool_stats_in_use(&st);
		x->declined = st.declined + st.conflict;
		x->share_total = st.share_total;
		x->share_free = st.share_free;
		/* The safe period is the failover's: never running here.
		 * The share matters only with a failover to take over. */
		x->share_matters = linked;
	}
	return bound;
}

/* The primary table's one row: this server and its link. */
static void
provide_link(const struct server *srv, double now,
    struct snmp_primary_row *r)
{
	const struct link *fo = srv->link;
	const struct repl_stream *rs;

	if (fo == NULL || !fo->configured) {
		r->state = SNMP_ST_PR_STANDALONE;
		r->last_poll_age = r->last_reply_age = -1;
		r->last_handback_age = -1;
		return;
	}
	rs = &repl_get(srv)->stream;
	r->state = (enum snmp_state)(fo->fsm.state + SNMP_ST_PR_INIT);
	r->time_in_state = fo->fsm.ctr.state_since > 0 ?
	    (uint32_t)snmp_age_cs(now, fo->fsm.ctr.state_since) : 0;
	/* From the primary's side: polls received and answered. */
	r->last_poll_age = snmp_age_cs(now, fo->last_poll);
	r->last_reply_age = snmp_age_cs(now, fo->last_heard);
	r->last_handback_age = snmp_age_cs(now, fo->fsm.ctr.last_ctl_ret_time);
	r->polls_sent = fo->fsm.ctr.polls_received;
	r->polls_answered = fo->polls_answered;
	r->polls_timed_out = 0;
	r->upd_received = rs->tx.highest_sent;
	r->upd_acked = rs->tx.acked;
	r->upd_failed = rs->tx.failures;
	r->sync_in_progress = fo->fsm.state == PR_RECEIVING;
	r->auth_failures = fo_reject_auth_total(fo->rej);
	if (fo->fsm.gave_up)
		snprintf(r->last_failure, sizeof(r->last_failure),
		    "failover inoperable (no CtlRet)");
}

static void
provide(void *arg, struct snmp_snap *s)
{
	struct server *srv = arg;
	double	 now = ev_now(srv->loop);
	struct snmp_primary_row *r;
	uint64_t bound;

	provide_general(srv, now, s);
	bound = provide_subnets(srv, s);
	if ((r = snmp_snap_add_primary(s)) == NULL)
		return;
	snprintf(r->name, sizeof(r->name), "%s", srv->cfg.server.name);
	r->addr = srv->cfg.failover.server;
	r->bindings = (uint32_t)bound;
	provide_link(srv, now, r);
}

int
pr_snmp_apply(struct server *srv)
{
	return snmp_agent_apply(srv->loop, &srv->cfg.snmp,
	    srv->cfg.server.state_dir, provide, srv);
}

void
pr_snmp_stop(void)
{
	snmp_agent_stop();
}

void
pr_snmp_notify(struct server *srv, enum pr_notify n, int from, int to,
    const char *reason)
{
	if (!snmp_agent_running())
		return;
	snmp_agent_refresh();
	switch (n) {
	case PR_NOTIFY_STATE_CHANGE:
		snmp_agent_trap(SNMP_TRAP_STATE_CHANGE, srv->cfg.server.name,
		    from + SNMP_ST_PR_INIT, to + SNMP_ST_PR_INIT, reason, 0, 0);
		break;
	case PR_NOTIFY_HANDBACK_STARTED:
		snmp_agent_trap(SNMP_TRAP_HANDBACK_STARTED,
		    srv->cfg.server.name, 0, 0, reason, 0, 0);
		break;
	case PR_NOTIFY_CONTROL_RETURNED:
		snmp_agent_trap(SNMP_TRAP_HANDBACK_COMPLETED,
		    srv->cfg.server.name, 0, 0, reason, 0, 0);
		break;
	case PR_NOTIFY_FAILOVER_INOPERABLE:
		snmp_agent_trap(SNMP_TRAP_HANDBACK_FAILED,
		    srv->cfg.server.name, 0, 0, reason, 0, 0);
		break;
	case PR_NOTIFY_COUNT:
		break;
	}
}

static void
fmt_addr(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

/*
 * replicate.c gave up on an update after SyncBindRetryMax retries and
 * paused replication until the failover is heard from: one trap per
 * such episode, no more than one a minute.
 */
void
pr_snmp_repl_stopped(struct server *srv)
{
	const struct repl_stream *r = &repl_get(srv)->stream;
	char	 reason[512];
	uint64_t held;

	if (!snmp_agent_wants(SNMP_TRAP_BINDING_UPDATE_FAILED))
		return;
	if (!trap_limit_ok(&pt.repl, ev_now(srv->loop), PR_TRAP_WINDOW, 1,
	    &held)) {
		log_debug("snmp: dhcpfoBindingUpdateFailed held back (at most "
		    "one a minute)");
		return;
	}
	if (held > 0)
		snprintf(reason, sizeof(reason), "replication to the failover "
		    "stopped %llu times since the last notification; last: %s",
		    (unsigned long long)(held + 1), r->last_failure);
	else
		snprintf(reason, sizeof(reason), "replication to the failover "
		    "stopped: %s", r->last_failure);
	snmp_agent_trap(SNMP_TRAP_BINDING_UPDATE_FAILED, srv->cfg.server.name,
	    0, 0, reason, 0, 0);
}

void
pr_snmp_rejected(struct server *srv, enum fo_reject rej, uint32_t src,
    uint16_t sport)
{
	const struct link *fo = srv->link;
	char	 reason[512], a[16];
	uint64_t held;

	if (!fo_reject_is_auth(rej))
		return;
	if (!snmp_agent_wants(SNMP_TRAP_AUTH_FAILURE) ||
	    !trap_limit_ok(&pt.auth, ev_now(srv->loop), PR_TRAP_WINDOW, 1,
	    &held))
		return;
	fmt_addr(src, a, sizeof(a));
	snprintf(reason, sizeof(reason), "%llu failover datagram%s from "
	    "%s:%u failed authentication (%s) since the last notification; "
	    "%llu bad-hmac, %llu replayed in all: check SharedKeyFile on "
	    "both servers, or look for a spoofer",
	    (unsigned long long)(held + 1), held ? "s" : "", a, sport,
	    fo_reject_name(rej), (unsigned long long)fo->rej[FO_REJ_BAD_HMAC],
	    (unsigned long long)fo->rej[FO_REJ_REPLAYED]);
	snmp_agent_trap(SNMP_TRAP_AUTH_FAILURE, srv->cfg.server.name, 0, 0,
	    reason, 0, 0);
}

void
pr_snmp_duplicate(struct server *srv, uint32_t addr, const char *what)
{
	const struct cfg_subnet *sn = config_subnet_for(&srv->cfg, addr);
	char	 reason[512];
	uint64_t held;

	if (!snmp_agent_wants(SNMP_TRAP_DUPLICATE_ADDRESS) ||
	    !trap_limit_ok(&pt.dup, ev_now(srv->loop), PR_TRAP_WINDOW,
	    PR_DUP_TRAPS, &held))
		return;
	/* The count first: a long host name may cut the end. */
	if (held > 0)
		snprintf(reason, sizeof(reason), "subnet %s (%llu more "
		    "duplicates not notified, see the log): %s",
		    sn != NULL ? sn->name : "?", (unsigned long long)held,
		    what);
	else
		snprintf(reason, sizeof(reason), "subnet %s: %s",
		    sn != NULL ? sn->name : "?", what);
	snmp_agent_trap(SNMP_TRAP_DUPLICATE_ADDRESS, srv->cfg.server.name,
	    0, 0, reason, 0, 0);
}
