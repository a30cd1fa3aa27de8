/*
 * Control commands of the failover (docs/control.md), run on the main
 * thread.  They read the snapshots each primary's thread publishes and
 * pass operator commands to the threads through their queues; only
 * `leases` asks a thread for data it owns (the pools), and waits for the
 * answer at most FOD_CALL_TIMEOUT seconds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backup_job.h"
#include "fod.h"
#include "fod_snmp.h"
#include "version.h"

static struct fod_peer *
peer_named(struct fod *fod, const char *name)
{
	for (size_t i = 0; i < fod->npeers; i++)
		if (strcasecmp(fod->peers[i]->name, name) == 0)
			return fod->peers[i];
	return NULL;
}

/* A [primary:NAME] left without a thread by its keys, or NULL. */
static const struct fod_keyerr *
keyerr_named(struct fod *fod, const char *name)
{
	for (size_t i = 0; i < fod->nkeyerrs; i++)
		if (strcasecmp(fod->keyerrs[i].name, name) == 0)
			return &fod->keyerrs[i];
	return NULL;
}

/* Such a primary in status: state "key-error", its keys' error. */
static void
keyerr_json(const struct fod_keyerr *k, struct strbuf *out)
{
	struct fo_keystat st;

	memset(&st, 0, sizeof(st));
	snprintf(st.error, sizeof(st.error), "%s", k->error);
	sb_puts(out, "{\"name\":");
	sb_json_str(out, k->name);
	sb_puts(out, ",\"address\":\"");
	sb_ipv4(out, k->addr);
	sb_printf(out, "\",\"port\":%u,\"state\":\"key-error\","
	    "\"serving\":false,\"takeovers\":0", k->port);
	fo_keystat_json(out, &st);
	sb_puts(out, "}");
}

static void
keyerr_text(const struct fod_keyerr *k, struct strbuf *out)
{
	struct strbuf a;

	sb_init(&a);
	sb_ipv4(&a, k->addr);
	sb_printf(&a, ":%u", k->port);
	sb_printf(out, "%-12s %-21s %-10s  KEY ERROR: %s\n", k->name,
	    a.buf ? a.buf : "", "key-error", k->error);
	sb_free(&a);
}

static double
ago(double now, double t)
{
	return t > 0 ? now - t : -1;
}

static const char *
served_by(const struct fod_snap *s, const struct fod_snap_subnet *x)
{
	if (x->serving)
		return "failover";
	if (x->handback == FOD_SUB_SYNCING)
		return "none (handing back)";
	if (s->state == FOD_TAKEOVER && x->handback != FOD_SUB_BACK)
		return "none";
	return "primary";
}

static const char *
handback_name(uint8_t handback)
{
	switch (handback) {
	case FOD_SUB_SYNCING:	return "syncing";
	case FOD_SUB_BACK:	return "handed-back";
	default:		return "held";
	}
}

static uint64_t
rejects_total(const struct fod_snap *s)
{
	uint64_t n = 0;

	for (unsigned i = 1; i < FO_REJ_COUNT; i++)
		n += s->msg.rejects[i];
	return n;
}

static void
addr_port(struct strbuf *out, uint32_t a, uint16_t port)
{
	sb_ipv4(out, a);
	sb_printf(out, ":%u", port);
}

/* ,"rejected":{reason:count, ...}: the reasons that occurred. */
static void
rejected_json(const struct fod_snap *s, struct strbuf *out)
{
	bool	 first = true;

	sb_puts(out, ",\"rejected\":{");
	for (unsigned i = 1; i < FO_REJ_COUNT; i++) {
		if (s->msg.rejects[i] == 0)
			continue;
		sb_printf(out, "%s\"%s\":%llu", first ? "" : ",",
		    fo_reject_name(i), (unsigned long long)s->msg.rejects[i]);
		first = false;
	}
	sb_puts(out, "}");
}

/* The fields every status shows of a primary (the object left open). */
static void
peer_json_summary(struct fod_peer *p, const struct fod_snap *s, double now,
    struct strbuf *out)
{
	sb_puts(out, "{\"name\":");
	sb_json_str(out, p->name);
	sb_puts(out, ",\"address\":\"");
	sb_ipv4(out, p->addr);
	sb_printf(out, "\",\"port\":%u,\"snapshot_time\":%.3f,"
	    "\"state\":\"%s\",\"state_secs\":%.3f,"
	    "\"last_poll_sent\":%.3f,\"last_poll_sent_ago\":%.3f,"
	    "\"last_reply\":%.3f,\"last_reply_ago\":%.3f,"
	    "\"polls_sent\":%llu,\"polls_answered\":%llu,"
	    "\"polls_answered_by_bind_upd\":%llu,\"polls_timed_out\":%llu,"
	    "\"consecutive_misses\":%u,\"takeovers\":%llu,"
	    "\"last_takeover_time\":%.3f,\"last_takeover_reason\":",
	    p->port, s->now, fod_state_name(s->state),
	    now - s->ctr.state_since,
	    s->msg.last_poll_sent, ago(now, s->msg.last_poll_sent),
	    s->msg.last_reply, ago(now, s->msg.last_reply),
	    (unsigned long long)s->ctr.polls_sent,
	    (unsigned long long)s->ctr.polls_answered,
	    (unsigned long long)s->ctr.polls_answered_by_bind_upd,
	    (unsigned long long)s->ctr.polls_timed_out,
	    s->ctr.consecutive_misses, (unsigned long long)s->ctr.takeovers,
	    s->ctr.last_takeover_time);
	sb_json_str(out, s->ctr.last_takeover_reason);
	sb_printf(out, ",\"handbacks\":%llu,\"handback_failures\":%llu,"
	    "\"subnets_handed_back\":%llu,\"last_handback_time\":%.3f,"
	    "\"last_handback_secs\":%.6f,\"last_handback_bindings\":%zu,"
	    "\"bindings\":%llu,\"local_changes\":%llu,"
	    "\"updates_received\":%llu,\"updates_applied\":%llu,"
	    "\"updates_acked\":%llu,\"conflicts\":%llu,\"rejections\":%llu,"
	    "\"syncs_completed\":%llu,\"syncs_failed\":%llu,"
	    "\"last_sync_secs\":%.6f,\"primary_restarts\":%llu,"
	    "\"serving\":%s,\"faulty\":%s,\"critical\":%s",
	    (unsigned long long)s->ctr.handbacks,
	    (unsigned long long)s->ctr.handback_failures,
	    (unsigned long long)s->ctr.subnets_handed_back,
	    s->ctr.last_handback_time, s->handback.last_secs,
	    s->handback.last_leases,
	    (unsigned long long)s->bindings,
	    (unsigned long long)s->local_bindings,
	    (unsigned long long)s->sync.upd_received,
	    (unsigned long long)s->sync.upd_applied,
	    (unsigned long long)s->sync.upd_acked,
	    (unsigned long long)s->sync.upd_conflicts,
	    (unsigned long long)rejects_total(s),
	    (unsigned long long)s->ctr.syncs_completed,
	    (unsigned long long)s->ctr.syncs_failed, s->sync.last_sync_secs,
	    (unsigned long long)s->ctr.primary_restarts,
	    atomic_load(&p->serving) ? "true" : "false",
	    s->heard.faulty ? "true" : "false",
	    s->act.critical ? "true" : "false");
	sb_printf(out, ",\"partner_down\":%s,\"partner_heard\":%.3f,"
	    "\"approvals_granted\":%llu,\"approvals_refused\":%llu,"
	    "\"lease_log_lines\":%llu,\"lease_log_suppressed\":%llu",
	    s->partner_down ? "true" : "false", s->partner_heard,
	    (unsigned long long)s->approve.granted,
	    (unsigned long long)s->approve.refused,
	    (unsigned long long)s->lease_log.lines,
	    (unsigned long long)s->lease_log.suppressed);
	sb_printf(out, ",\"late_answers\":%llu,\"skewed_answers\":%llu",
	    (unsigned long long)s->msg.late_answers,
	    (unsigned long long)s->msg.skewed_answers);
	if (s->heard.have_clock)
		sb_printf(out, ",\"clock_skew\":%.3f", s->heard.clock_skew);
	else
		sb_puts(out, ",\"clock_skew\":null");
	if (s->act.critical) {
		sb_puts(out, ",\"stop_reason\":");
		sb_json_str(out, s->act.stop_reason);
	}
	rejected_json(s, out);
	fo_keystat_json(out, &s->keys);
}

/* The fields of `status PRIMARY` (up to the subnets' array, open). */
static void
peer_json_detail(struct fod *fod, struct fod_peer *p,
    const struct fod_snap *s, struct strbuf *out)
{
	/* The main thread's copy, as the last reload left it. */
	const struct cfg_fo_primary *pc = fod_config_primary(&fod->cfg,
	    p->name);
	const struct cfg_fo_policy *pol = pc != NULL ? &pc->policy :
	    &fod->cfg.defaults;

	sb_printf(out, ",\"messages_received\":%llu,\"messages_sent\":%llu,"
	    "\"send_errors\":%llu,\"dhcp_ignored\":%llu,\"dhcp_received\":%llu,"
	    "\"dhcp_sent\":%llu,\"offers\":%llu,\"acks\":%llu,\"naks\":%llu,"
	    "\"commits\":%llu,\"commit_failures\":%llu,\"acks_withheld\":%llu,"
	    "\"ping_checks\":%llu,\"ping_in_use\":%llu,\"ping_backlog\":%llu,"
	    "\"queue_dropped\":%llu,"
	    "\"primary_store_known\":%s,\"primary_store_changed\":%s,"
	    "\"primary_store_id\":\"",
	    (unsigned long long)s->msg.msgs_rx,
	    (unsigned long long)s->msg.msgs_tx,
	    (unsigned long long)s->msg.send_errors,
	    (unsigned long long)p->dhcp_ignored,
	    (unsigned long long)s->serve.dhcp_rx,
	    (unsigned long long)s->replies.sent,
	    (unsigned long long)s->eng.tx[DHCPOFFER],
	    (unsigned long long)s->eng.tx[DHCPACK],
	    (unsigned long long)s->eng.tx[DHCPNAK],
	    (unsigned long long)s->commits,
	    (unsigned long long)s->commit_failures,
	    (unsigned long long)s->gc.withheld,
	    (unsigned long long)s->eng.ping_checks,
	    (unsigned long long)s->eng.ping_conflicts,
	    (unsigned long long)s->pings.backlog,
	    (unsigned long long)fq_dropped(&p->inq),
	    s->meta.p_store_known ? "true" : "false",
	    s->meta.p_store_changed ? "true" : "false");
	sb_hex(out, s->meta.p_store_id, FO_STORE_ID_LEN);
	/* Requests the engine dropped while serving, by reason. */
	sb_puts(out, "\",\"drops\":{");
	for (int i = 1; i < ENGINE_DROP_COUNT; i++)
		sb_printf(out, "%s\"%s\":%llu", i > 1 ? "," : "",
		    engine_drop_name(i), (unsigned long long)s->eng.drops[i]);
	sb_printf(out, "},\"primary_last_seq\":%llu,"
	    "\"primary_holds_ours_through\":%llu,\"local_seq\":%llu,"
	    "\"handed_back_through\":%llu,\"primary_epoch\":%llu,"
	    "\"primary_buf_size\":%u,\"buf_size_mismatch\":%s,"
	    "\"digest_mismatches\":%u,\"digests_missing\":%u,"
	    "\"sync_expected\":%llu,\"sync_received\":%llu,"
	    "\"handback_full\":%s,\"policy\":{\"poll_delay\":%g,"
	    "\"poll_retry_max\":%u,\"wait_poll_rpl\":%g,"
	    "\"sync_bindings\":%s,\"sync_fail_critical\":%s,"
	    "\"takeover_ping_check\":%s},\"subnets\":[",
	    (unsigned long long)s->meta.p_last_seq,
	    (unsigned long long)(s->heard.p_acked_seq & ~FOD_LOCAL_SEQ_BIT),
	    (unsigned long long)s->meta.local_seq,
	    (unsigned long long)(s->meta.handback_through &
	    ~FOD_LOCAL_SEQ_BIT),
	    (unsigned long long)s->meta.p_epoch, s->heard.p_buf_size,
	    s->heard.buf_mismatch ? "true" : "false",
	    s->heard.digest_mismatches,
	    s->heard.digests_missing, (unsigned long long)s->sync_expected,
	    (unsigned long long)s->sync_received,
	    s->handback.full ? "true" : "false", pol->poll_delay,
	    pol->poll_retry_max, pol->wait_poll_rpl,
	    pol->sync_bindings ? "true" : "false",
	    pol->sync_fail_critical ? "true" : "false",
	    pol->takeover_ping_check ? "true" : "false");
}

static void
peer_json_subnets(const struct fod_snap *s, const struct fod_snap_subnet *subs,
    double now, struct strbuf *out)
{
	for (size_t i = 0; i < s->nsubnets; i++) {
		const struct fod_snap_subnet *x = &subs[i];

		sb_puts(out, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(out, x->name);
		sb_puts(out, ",\"subnet\":\"");
		sb_ipv4(out, x->network);
		sb_printf(out, "/%u\",\"served_by\":\"%s\",\"serving\":%s,"
		    "\"handback\":\"%s\",\"digest\":\"%s\",\"total\":%u,"
		    "\"free\":%u,\"offered\":%u,\"bound\":%u,\"declined\":%u,"
		    "\"conflict\":%u,\"reserved\":%u,\"failover_share\":%u,"
		    "\"share_total\":%u,\"share_free\":%u,\"safe_period\":%u,"
		    "\"safe_period_running\":%s,\"safe_period_ends\":%.3f}",
		    x->prefix, served_by(s, x), x->serving ? "true" : "false",
		    handback_name(x->handback), !x->digest_seen ? "unknown" :
		    x->digest_match ? "match" : "mismatch", x->st.total,
		    x->st.free, x->st.offered, x->st.bound, x->st.declined,
		    x->st.conflict, x->st.reserved, x->failover_share,
		    x->st.share_total, x->st.share_free, x->safe_period,
		    fod_safe_running(s, x, now) ? "true" : "false",
		    x->safe_until);
	}
}

/*
 * Where a primary's subnets come from and how that stands
 * (docs/learn.md): "current" (learnt, and the primary offers that very
 * text), "fetching", "behind" (it offers another one, not fetched yet
 * or refused), "none" (nothing learnt yet); with explicit sections,
 * "matches" or "differs" once the primary sent its text.
 */
static const char *
config_standing(const struct cfg_fo_primary *pc, const struct fod_snap *s)
{
	const struct cfg_fo_learnt *l = &pc->learnt;
	bool	 same = l->have && s->fetch.heard &&
	    memcmp(l->sha, s->fetch.heard_sha, sizeof(l->sha)) == 0;

	if (!pc->learns)
		return !l->have ? "unknown" : l->differs[0] ? "differs" :
		    "matches";
	if (s->fetch.fetching)
		return "fetching";
	if (!l->have)
		return "none";
	return same || !s->fetch.heard ? "current" : "behind";
}

static void
config_json(struct fod *fod, struct fod_peer *p, const struct fod_snap *s,
    struct strbuf *out)
{
	const struct cfg_fo_primary *pc = fod_config_primary(&fod->cfg,
	    p->name);

	if (pc == NULL)
		return;
	sb_printf(out, ",\"config\":{\"source\":\"%s\",\"state\":\"%s\","
	    "\"generation\":%llu,\"learnt\":%.3f,\"size\":%u,"
	    "\"fetches\":%llu,\"fetch_failures\":%llu,\"sha256\":\"",
	    pc->learns ? "learnt" : "failover.ini", config_standing(pc, s),
	    (unsigned long long)pc->learnt.generation, pc->learnt.at,
	    pc->learnt.size, (unsigned long long)s->fetch.fetches,
	    (unsigned long long)s->fetch.failed);
	if (pc->learnt.have)
		sb_hex(out, pc->learnt.sha, sizeof(pc->learnt.sha));
	sb_puts(out, "\",\"refused\":");
	sb_json_str(out, pc->learnt.refused);
	sb_puts(out, ",\"differs\":");
	sb_json_str(out, pc->learnt.differs);
	sb_puts(out, "}");
}

/* One line of text: "learnt, generation 3, 2.0s ago, current". */
static void
config_text(struct fod *fod, struct fod_peer *p, const struct fod_snap *s,
    struct strbuf *out)
{
	const struct cfg_fo_primary *pc = fod_config_primary(&fod->cfg,
	    p->name);
	const struct cfg_fo_learnt *l;

	if (pc == NULL)
		return;
	l = &pc->learnt;
	sb_printf(out, "%-12s %s", p->name, pc->learns ? "learnt" :
	    "failover.ini");
	if (l->have)
		sb_printf(out, ", generation %llu, %.1fs ago, %u bytes, "
		    "sha256 %02x%02x%02x%02x",
		    (unsigned long long)l->generation, s->now - l->at, l->size,
		    l->sha[0], l->sha[1], l->sha[2], l->sha[3]);
	sb_printf(out, ", %s", config_standing(pc, s));
	if (l->refused[0] != '\0')
		sb_printf(out, "\n             refused: %s", l->refused);
	if (l->differs[0] != '\0')
		sb_printf(out, "\n             differs: %s", l->differs);
	sb_puts(out, "\n");
}

/* One primary as a JSON object (detail adds subnets and more). */
static void
peer_json(struct fod *fod, struct fod_peer *p, const struct fod_snap *s,
    const struct fod_snap_subnet *subs, bool detail, struct strbuf *out)
{
	double	 now = fod_wallclock();

	peer_json_summary(p, s, now, out);
	config_json(fod, p, s, out);
	if (!detail) {
		sb_puts(out, "}");
		return;
	}
	peer_json_detail(fod, p, s, out);
	peer_json_subnets(s, subs, now, out);
	sb_puts(out, "]}");
}

static void
fmt_age(char *buf, size_t len, double now, double t)
{
	if (t <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1fs ago", now - t);
}

static void
peer_text_row(struct fod_peer *p, const struct fod_snap *s, struct strbuf *out)
{
	double	 now = fod_wallclock();
	char	 poll[24], rpl[24];
	struct strbuf a;

	sb_init(&a);
	addr_port(&a, p->addr, p->port);
	fmt_age(poll, sizeof(poll), now, s->msg.last_poll_sent);
	fmt_age(rpl, sizeof(rpl), now, s->msg.last_reply);
	sb_printf(out, "%-12s %-21s %-10s %8.1fs %-11s %-11s %6llu/%-6llu "
	    "%5llu %4u %4llu %8llu %8llu/%-8llu %5llu%s%s\n", p->name,
	    a.buf ? a.buf : "", fod_state_name(s->state),
	    now - s->ctr.state_since, poll, rpl,
	    (unsigned long long)s->ctr.polls_sent,
	    (unsigned long long)s->ctr.polls_answered,
	    (unsigned long long)s->ctr.polls_timed_out,
	    s->ctr.consecutive_misses, (unsigned long long)s->ctr.takeovers,
	    (unsigned long long)s->bindings,
	    (unsigned long long)s->sync.upd_received,
	    (unsigned long long)s->sync.upd_acked,
	    (unsigned long long)rejects_total(s),
	    s->heard.faulty ? "  FAULTY (clock)" : "",
	    s->act.critical ? "  STOPPED (sync failed)" : "");
	sb_free(&a);
}

/* `status PRIMARY` as text. */
static void
peer_text_detail(struct fod_peer *p, const struct fod_snap *s,
    const struct fod_snap_subnet *subs, struct strbuf *out)
{
	sb_printf(out, "%-12s %-21s %-10s %9s %-11s %-11s "
	    "%-13s %5s %4s %4s %8s %-17s %5s\n", "PRIMARY",
	    "ADDRESS", "STATE", "IN STATE", "LAST POLL",
	    "LAST REPLY", "POLLS SENT/OK", "T/O", "MISS",
	    "TAKE", "BINDINGS", "UPDATES RX/ACKED", "REJ");
	peer_text_row(p, s, out);
	sb_printf(out, "\nlast takeover: %s\nhand-backs: %llu "
	    "(last: %zu bindings in %.3f s), failures %llu\n"
	    "clock skew: %s%.1f s\nprimary store: %s\n",
	    s->ctr.last_takeover_reason[0] ?
	    s->ctr.last_takeover_reason : "never",
	    (unsigned long long)s->ctr.handbacks,
	    s->handback.last_leases, s->handback.last_secs,
	    (unsigned long long)s->ctr.handback_failures,
	    s->heard.have_clock ? "" : "unknown ",
	    s->heard.clock_skew, !s->meta.p_store_known ?
	    "unknown" : s->meta.p_store_changed ? "replaced "
	    "(full hand-back pending)" : "known");
	fo_keystat_text(out, "keys: ", &s->keys);
	/* A lost batch withholds its ACKs (fod_serve.c). */
	sb_printf(out, "serving: %llu DHCP requests, %llu "
	    "ACKs\nlease store: %llu commits, %llu commit "
	    "failures, %llu ACKs withheld\nlease log: %llu lines, %llu "
	    "suppressed\n\n",
	    (unsigned long long)s->serve.dhcp_rx,
	    (unsigned long long)s->eng.tx[DHCPACK],
	    (unsigned long long)s->commits,
	    (unsigned long long)s->commit_failures,
	    (unsigned long long)s->gc.withheld,
	    (unsigned long long)s->lease_log.lines,
	    (unsigned long long)s->lease_log.suppressed);
	sb_printf(out, "%-16s %-20s %-20s %-12s %7s %7s %7s "
	    "%11s %s\n", "SUBNET", "NETWORK", "SERVED BY",
	    "HAND-BACK", "TOTAL", "FREE", "BOUND", "SHARE FREE",
	    "SAFE PERIOD");
	for (size_t i = 0; i < s->nsubnets; i++) {
		struct strbuf n;

		sb_init(&n);
		sb_ipv4(&n, subs[i].network);
		sb_printf(&n, "/%u", subs[i].prefix);
		sb_printf(out, "%-16s %-20s %-20s %-12s %7u %7u "
		    "%7u %5u/%-5u ", subs[i].name,
		    n.buf ? n.buf : "", served_by(s, &subs[i]),
		    handback_name(subs[i].handback), subs[i].st.total,
		    subs[i].st.free, subs[i].st.bound,
		    subs[i].st.share_free,
		    subs[i].st.share_total);
		if (fod_safe_running(s, &subs[i], s->now))
			sb_printf(out, "ends in %.0f s\n",
			    subs[i].safe_until - s->now);
		else
			sb_puts(out, s->partner_down &&
			    subs[i].serving ?
			    "ended (partner-down)\n" : "-\n");
		sb_free(&n);
	}
}

#define U(x)	((unsigned long long)(x))

/* The daemon's part of `status`, before the primaries. */
static void
status_header(struct fod *fod, bool json, struct strbuf *out)
{
	double	 up = ev_now(fod->loop) - fod->started;
	uint64_t drx, dbad;
	struct ctl_stats cs = { 0 };

	fod_direct_counts(fod, &drx, &dbad);
	ctl_stats_add(fod->ctl, &cs);
	ctl_stats_add(fod->ctl_ro, &cs);
	if (json) {
		sb_puts(out, "{\"role\":\"failover\",\"name\":");
		sb_json_str(out, fod->cfg.server.name);
		sb_printf(out, ",\"version\":\"%s\",\"pid\":%ld,\"uptime\":%.3f,"
		    "\"counters\":{\"failover_received\":%llu,"
		    "\"failover_malformed\":%llu,\"failover_unknown_peer\":%llu,"
		    "\"failover_queue_full\":%llu,\"dhcp_received\":%llu,"
		    "\"dhcp_not_request\":%llu,\"dhcp_truncated\":%llu,"
		    "\"dhcp_no_subnet\":%llu,\"dhcp_queue_full\":%llu,"
		    "\"notifications\":%llu,\"reloads\":%llu,"
		    "\"reload_failures\":%llu,\"config_store_failures\":%llu,"
		    "\"ctl_refused_peers\":%llu,\"ctl_busy\":%llu,"
		    "\"ctl_deadline\":%llu,\"ctl_fd_pauses\":%llu},"
		    "\"primaries\":[",
		    DHCPFO_VERSION, (long)getpid(), up,
		    (unsigned long long)(fod->ctr.fo_rx + drx),
		    (unsigned long long)(fod->ctr.fod_bad + dbad),
		    (unsigned long long)fod->ctr.fod_unknown_peer,
		    (unsigned long long)fod->ctr.fod_queue_full,
		    (unsigned long long)fod->ctr.dhcp_rx,
		    (unsigned long long)fod->ctr.dhcp_short,
		    (unsigned long long)fod->ctr.dhcp_truncated,
		    (unsigned long long)fod->ctr.dhcp_no_subnet,
		    (unsigned long long)fod->ctr.dhcp_queue_full,
		    (unsigned long long)fod->ctr.notes,
		    (unsigned long long)fod->ctr.reloads,
		    (unsigned long long)fod->ctr.reload_failures,
		    (unsigned long long)fod->ctr.learn_store_failures,
		    U(cs.refused_peers), U(cs.busy), U(cs.deadline),
		    U(cs.fd_pauses));
	} else {
		sb_printf(out, "role:     failover\nname:     %s\nversion:  %s\n"
		    "pid:      %ld\nuptime:   %.0f s\ncontrol:  %llu peers "
		    "refused, %llu busy, %llu at deadline, %llu descriptor "
		    "pauses\n\n", fod->cfg.server.name, DHCPFO_VERSION,
		    (long)getpid(), up, U(cs.refused_peers), U(cs.busy),
		    U(cs.deadline), U(cs.fd_pauses));
		sb_printf(out, "%-12s %-21s %-10s %9s %-11s %-11s %-13s %5s "
		    "%4s %4s %8s %-17s %5s\n", "PRIMARY", "ADDRESS", "STATE",
		    "IN STATE", "LAST POLL", "LAST REPLY", "POLLS SENT/OK",
		    "T/O", "MISS", "TAKE", "BINDINGS", "UPDATES RX/ACKED",
		    "REJ");
	}
}
#undef U

static int
cmd_status(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct fod_snap *s;
	struct fod_snap_subnet *subs = NULL;
	struct fod_peer *only = NULL;
	struct strbuf	 cfgs, keys;
	struct lease_log_stats ll = { 0 };
	size_t	 cap = 0;

	if (argc > 1 && (only = peer_named(fod, argv[1])) == NULL) {
		const struct fod_keyerr *k = keyerr_named(fod, argv[1]);

		if (k == NULL)
			return ctl_error(out, json, "no primary named %s",
			    argv[1]);
		if (json)
			keyerr_json(k, out);
		else
			keyerr_text(k, out);
		sb_puts(out, "\n");
		return 0;
	}
	if ((s = malloc(sizeof(*s))) == NULL)
		return ctl_error(out, json, "out of memory");
	for (size_t i = 0; i < fod->npeers; i++)
		if (fod->peers[i]->view.nsubnets > cap)
			cap = fod->peers[i]->view.nsubnets;
	if ((subs = calloc(cap ? cap : 1, sizeof(*subs))) == NULL) {
		free(s);
		return ctl_error(out, json, "out of memory");
	}
	if (only != NULL) {
		fod_peer_snapshot(only, s, subs, cap);
		if (json) {
			peer_json(fod, only, s, subs, true, out);
			sb_puts(out, "\n");
		} else {
			peer_text_detail(only, s, subs, out);
			sb_puts(out, "\nCONFIGURATION\n");
			config_text(fod, only, s, out);
		}
		free(subs);
		free(s);
		return 0;
	}
	status_header(fod, json, out);
	sb_init(&cfgs);
	sb_init(&keys);
	for (size_t i = 0; i < fod->npeers; i++) {
		fod_peer_snapshot(fod->peers[i], s, subs, cap);
		ll.lines += s->lease_log.lines;
		ll.suppressed += s->lease_log.suppressed;
		if (json) {
			if (i > 0)
				sb_puts(out, ",");
			peer_json(fod, fod->peers[i], s, subs, false, out);
		} else {
			peer_text_row(fod->peers[i], s, out);
			config_text(fod, fod->peers[i], s, &cfgs);
			sb_printf(&keys, "%-12s ", fod->peers[i]->name);
			fo_keystat_text(&keys, "", &s->keys);
		}
	}
	for (size_t i = 0; i < fod->nkeyerrs; i++) {
		if (json) {
			if (i > 0 || fod->npeers > 0)
				sb_puts(out, ",");
			keyerr_json(&fod->keyerrs[i], out);
		} else
			keyerr_text(&fod->keyerrs[i], out);
	}
	if (json)
		sb_puts(out, "]}\n");
	else {
		if (cfgs.len > 0) {
			sb_puts(out, "\nPRIMARY      CONFIGURATION\n");
			sb_append(out, cfgs.buf, cfgs.len);
		}
		if (keys.len > 0) {
			sb_puts(out, "\nPRIMARY      KEYS\n");
			sb_append(out, keys.buf, keys.len);
		}
		sb_printf(out, "\nlease log: %llu lines, %llu suppressed\n",
		    (unsigned long long)ll.lines,
		    (unsigned long long)ll.suppressed);
	}
	sb_free(&cfgs);
	sb_free(&keys);
	free(subs);
	free(s);
	return 0;
}

static void
history_of(struct fod_peer *p, const struct fod_snap *s, bool json,
    bool *first, struct strbuf *out)
{
	size_t	 n = fsm_history_count(&s->hist);

	for (size_t i = 0; i < n; i++) {
		const struct fsm_transition *t = fsm_history_get(&s->hist, i);

		if (json) {
			sb_puts(out, *first ? "{\"primary\":" :
			    ",{\"primary\":");
			sb_json_str(out, p->name);
			sb_printf(out, ",\"seq\":%llu,\"time\":%.3f,\"from\":"
			    "\"%s\",\"to\":\"%s\",\"reason\":",
			    (unsigned long long)t->seq, t->when,
			    fod_state_name((enum fod_state)t->from),
			    fod_state_name((enum fod_state)t->to));
			sb_json_str(out, t->reason);
			sb_puts(out, "}");
		} else {
			char	 ts[32];
			time_t	 w = (time_t)t->when;
			struct tm tm;

			localtime_r(&w, &tm);
			strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
			sb_printf(out, "%s.%03d %-12s %-10s -> %-10s %s\n", ts,
			    (int)((t->when - (double)w) * 1000), p->name,
			    fod_state_name((enum fod_state)t->from),
			    fod_state_name((enum fod_state)t->to), t->reason);
		}
		*first = false;
	}
}

static int
cmd_history(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct fod_snap *s;
	struct fod_peer *only = NULL;
	bool	 first = true;

	if (argc > 1 && (only = peer_named(fod, argv[1])) == NULL)
		return ctl_error(out, json, "no primary named %s", argv[1]);
	if ((s = malloc(sizeof(*s))) == NULL)
		return ctl_error(out, json, "out of memory");
	if (json)
		sb_puts(out, "{\"history\":[");
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];

		if (only != NULL && p != only)
			continue;
		fod_peer_snapshot(p, s, NULL, 0);
		history_of(p, s, json, &first, out);
	}
	if (json) {
		sb_puts(out, "],\"counters\":[");
		first = true;
		for (size_t i = 0; i < fod->npeers; i++) {
			struct fod_peer *p = fod->peers[i];

			if (only != NULL && p != only)
				continue;
			fod_peer_snapshot(p, s, NULL, 0);
			sb_puts(out, first ? "{\"primary\":" : ",{\"primary\":");
			sb_json_str(out, p->name);
			sb_puts(out, ",\"states\":{");
			for (unsigned k = 0; k < FOD_STATE_COUNT; k++) {
				double secs = s->hist.stats[k].seconds;

				if (k == s->hist.cur)
					secs += fod_wallclock() - s->hist.since;
				sb_printf(out, "%s\"%s\":{\"entered\":%llu,"
				    "\"seconds\":%.3f}", k ? "," : "",
				    fod_state_name((enum fod_state)k),
				    (unsigned long long)s->hist.stats[k].entered,
				    secs);
			}
			sb_puts(out, "}}");
			first = false;
		}
		sb_puts(out, "]}\n");
	} else if (first)
		sb_puts(out, "no transitions yet\n");
	free(s);
	return 0;
}

int
fod_ctl_call_all(struct fod *fod, enum fod_call_kind kind, bool json,
    const char *arg, fod_ctl_visit *visit, void *ctx, struct strbuf *out)
{
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_call *c = fod_call_new(kind, json, arg);

		if (c == NULL)
			return ctl_error(out, json, "out of memory");
		if (!fod_call_post(fod->peers[i], c)) {
			fod_call_release(c);
			sb_reset(out);
			return ctl_error(out, json, "primary %s is busy; try "
			    "again", fod->peers[i]->name);
		}
		if (!fod_call_wait(c, FOD_CALL_TIMEOUT)) {
			fod_call_release(c);
			sb_reset(out);
			return ctl_error(out, json, "primary %s did not "
			    "answer in time", fod->peers[i]->name);
		}
		visit(ctx, fod->peers[i], c);
		fod_call_release(c);
	}
	return 0;
}

/* leases: each thread's table rows or JSON objects, one list. */
struct leases_ctx {
	bool		 json;
	bool		 matched;
	bool		 first;
	struct strbuf	*out;
};

static void
leases_visit(void *arg, struct fod_peer *p, struct fod_call *c)
{
	struct leases_ctx *x = arg;

	(void)p;
	x->matched |= c->matched;
	if (c->nitems > 0) {
		if (x->json && !x->first)
			sb_puts(x->out, ",");
		sb_append(x->out, c->out.buf, c->out.len);
		x->first = false;
	}
}

static int
cmd_leases(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	const char *only = argc > 1 ? argv[1] : "";
	struct leases_ctx x = { json, only[0] == '\0', true, out };

	if (json)
		sb_puts(out, "{\"leases\":[");
	else
		sb_printf(out, "%-16s %-12s %-12s %-9s %-17s %-10s %s\n",
		    "ADDRESS", "SUBNET", "PRIMARY", "STATE", "HWADDR",
		    "EXPIRES", "HOSTNAME");
	if (fod_ctl_call_all(fod, FOD_CALL_LEASES, json, only, leases_visit,
	    &x, out) < 0)
		return -1;
	if (json)
		sb_puts(out, "]}\n");
	if (!x.matched) {
		sb_reset(out);
		return ctl_error(out, json, "no subnet named %s", only);
	}
	return 0;
}

static int
cmd_to_peer(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out, enum fq_cmd cmd, const char *what)
{
	struct fod_peer *p;
	struct fq_item *it;
	struct fod_snap *s;

	if (argc != 2)
		return ctl_error(out, json, "usage: %s PRIMARY", argv[0]);
	if ((p = peer_named(fod, argv[1])) == NULL)
		return ctl_error(out, json, "no primary named %s", argv[1]);
	if ((it = fq_item_new(FQ_CMD, 0)) == NULL)
		return ctl_error(out, json, "out of memory");
	it->cmd = (uint8_t)cmd;
	if (!fq_push(&p->inq, it))
		return ctl_error(out, json, "primary %s is busy; try again",
		    p->name);
	fq_wake(&p->inq);
	log_info("control: %s %s", argv[0], p->name);
	if ((s = malloc(sizeof(*s))) == NULL)
		return ctl_error(out, json, "out of memory");
	fod_peer_snapshot(p, s, NULL, 0);
	if (json) {
		sb_puts(out, "{\"primary\":");
		sb_json_str(out, p->name);
		sb_printf(out, ",\"requested\":\"%s\",\"state\":\"%s\"}\n",
		    argv[0], fod_state_name(s->state));
	} else
		sb_printf(out, "%s %s requested (state was %s); see "
		    "dhcpfoctl status %s\n", what, p->name,
		    fod_state_name(s->state), p->name);
	free(s);
	return 0;
}

/*
 * partner-down PRIMARY (docs/safety.md): the operator knows the primary
 * is down, so the failover need not wait out the safe period.  Only
 * while it stands in for the primary: a primary that answers is not
 * down.
 */
static int
cmd_partner_down(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct fod_peer *p;
	struct fod_snap *s;
	enum fod_state st;

	if (argc != 2)
		return ctl_error(out, json, "usage: partner-down PRIMARY");
	if ((p = peer_named(fod, argv[1])) == NULL)
		return ctl_error(out, json, "no primary named %s", argv[1]);
	if ((s = malloc(sizeof(*s))) == NULL)
		return ctl_error(out, json, "out of memory");
	fod_peer_snapshot(p, s, NULL, 0);
	st = s->state;
	free(s);
	if (st != FOD_TAKEOVER)
		return ctl_error(out, json, "primary %s is %s: partner-down "
		    "applies only while its subnets are taken over", p->name,
		    fod_state_name(st));
	return cmd_to_peer(fod, argc, argv, json, out, FQ_CMD_PARTNER_DOWN,
	    "partner-down of");
}

/* config PRIMARY: what the failover learnt of it (docs/learn.md). */
static int
cmd_config(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	char	 why[CFG_FO_LEARN_WHY_MAX];

	if (argc != 2)
		return ctl_error(out, json, "usage: config PRIMARY");
	if (fod_learn_show(fod, argv[1], json, out, why, sizeof(why)) < 0)
		return ctl_error(out, json, "%s", why);
	return 0;
}

static int
cmd_reload(struct fod *fod, bool json, struct strbuf *out)
{
	struct strbuf why;
	int	 rc;

	sb_init(&why);
	rc = fod_reload(fod, &why);
	/* A refused file changes nothing; a primary whose (re)start
	 * failed is named in the messages. */
	ctl_reload_answer(out, json, rc, &why, "reload failed\n");
	sb_free(&why);
	return rc;
}

int
fod_ctl_handler(void *arg, struct ctl_call *call, int argc, char **argv,
    bool json, struct strbuf *out)
{
	struct fod *fod = arg;

	if (strcmp(argv[0], "status") == 0)
		return cmd_status(fod, argc, argv, json, out);
	if (strcmp(argv[0], "history") == 0)
		return cmd_history(fod, argc, argv, json, out);
	if (strcmp(argv[0], "leases") == 0)
		return cmd_leases(fod, argc, argv, json, out);
	if (strcmp(argv[0], "takeover") == 0)
		return cmd_to_peer(fod, argc, argv, json, out,
		    FQ_CMD_TAKEOVER, "takeover of");
	if (strcmp(argv[0], "release") == 0)
		return cmd_to_peer(fod, argc, argv, json, out,
		    FQ_CMD_RELEASE, "release of");
	if (strcmp(argv[0], "start") == 0)
		return cmd_to_peer(fod, argc, argv, json, out, FQ_CMD_START,
		    "start of");
	if (strcmp(argv[0], "partner-down") == 0)
		return cmd_partner_down(fod, argc, argv, json, out);
	if (strcmp(argv[0], "reload") == 0)
		return cmd_reload(fod, json, out);
	if (strcmp(argv[0], "config") == 0)
		return cmd_config(fod, argc, argv, json, out);
	if (strcmp(argv[0], "lease") == 0)
		return fod_cmd_lease(fod, argc, argv, json, out);
	if (strcmp(argv[0], "lease-del") == 0)
		return fod_cmd_lease_del(fod, call, argc, argv, json, out);
	if (strcmp(argv[0], "export") == 0)
		return fod_cmd_export(fod, call, argc, argv, json, out);
	if (strcmp(argv[0], "backup") == 0)
		return backup_job_command(fod->loop, fod->env, call, argc,
		    argv, json, out);
	if (strcmp(argv[0], "import") == 0)
		return ctl_error(out, json, "import into the primary that "
		    "owns the addresses: it replicates them here");
	return ctl_error(out, json, "unknown command; the failover knows: "
	    "status [PRIMARY], history [PRIMARY], leases [SUBNET], "
	    "takeover PRIMARY, release PRIMARY, start PRIMARY, "
	    "partner-down PRIMARY, config PRIMARY, lease ADDRESS|HWADDR|"
	    "CLIENT-ID, lease-del ADDRESS, export, backup DIR, reload");
}
