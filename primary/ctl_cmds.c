/*
 * Control socket commands of the primary: status, history, leases,
 * reload.  Text for people, --json for scripts (shapes in
 * docs/control.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup_job.h"
#include "server_int.h"
#include "version.h"

struct named_counter {
	const char	*name;
	uint64_t	 value;
};

static size_t
collect_counters(struct server *srv, struct named_counter *c, size_t max)
{
	const struct engine_counters *e = &srv->eng.ctr;
	struct lease_db_stats ds;
	struct ping_stats ps;
	struct ctl_stats cs = { 0 };
	size_t	 n = 0;

#define PUT(nm, v) do { if (n < max) { c[n].name = (nm); c[n].value = (v); n++; } } while (0)
	lease_db_get_stats(srv->db, &ds);
	memset(&ps, 0, sizeof(ps));
	if (srv->ping != NULL)
		ping_get_stats(srv->ping, &ps);
	PUT("received", srv->ctr.received);
	PUT("malformed", srv->ctr.malformed);
	PUT("bootp", e->rx[0]);
	PUT("discover", e->rx[DHCPDISCOVER]);
	PUT("request", e->rx[DHCPREQUEST]);
	PUT("decline", e->rx[DHCPDECLINE]);
	PUT("release", e->rx[DHCPRELEASE]);
	PUT("inform", e->rx[DHCPINFORM]);
	PUT("offer", e->tx[DHCPOFFER]);
	PUT("ack", e->tx[DHCPACK]);
	PUT("nak", e->tx[DHCPNAK]);
	PUT("bootp_replies", e->tx[0]);
	{
		uint64_t d = 0;
		for (int i = 1; i < ENGINE_DROP_COUNT; i++)
			d += e->drops[i];
		PUT("dropped", d);
	}
	PUT("sent", srv->tx.sent);
	PUT("send_errors", srv->tx.send_errors);
	PUT("encode_errors", srv->tx.encode_errors);
	PUT("commits", ds.commits);
	PUT("commit_failures", ds.commit_failures);
	PUT("leases_written", ds.leases_written);
	PUT("last_commit_usec", ds.last_commit_usec);
	PUT("max_commit_usec", ds.max_commit_usec);
	PUT("acks_withheld", srv->gc.stats.withheld);
	PUT("paced_turns", srv->pace.paced);
	/* Bindings in the failover's share (docs/safety.md). */
	PUT("approvals_waiting", park_count(&srv->approvals));
	PUT("approvals_timed_out", srv->approvals.ctr.expired);
	PUT("approvals_backlog", srv->approvals.ctr.backlog);
	PUT("approvals_unasked", srv->ctr.approvals_unasked);
	PUT("expired", srv->ctr.expired);
	PUT("ping_checks", e->ping_checks);
	PUT("ping_in_use", e->ping_conflicts);
	PUT("ping_backlog", srv->pings.ctr.backlog);
	PUT("ping_send_errors", ps.send_errors);
	PUT("lease_log_lines", srv->llog.stats.lines);
	PUT("lease_log_suppressed", srv->llog.stats.suppressed);
	PUT("reloads", srv->ctr.reloads);
	PUT("reload_failures", srv->ctr.reload_failures);
	ctl_stats_add(srv->ctl, &cs);
	ctl_stats_add(srv->ctl_ro, &cs);
	PUT("ctl_refused_peers", cs.refused_peers);
	PUT("ctl_busy", cs.busy);
	PUT("ctl_deadline", cs.deadline);
	PUT("ctl_fd_pauses", cs.fd_pauses);
#undef PUT
	return n;
}

static void
subnet_cidr(struct strbuf *out, const struct cfg_subnet *s)
{
	sb_ipv4(out, s->network);
	sb_printf(out, "/%u", s->prefix);
}

static void
sb_addr_port(struct strbuf *out, uint32_t a, uint16_t port)
{
	sb_ipv4(out, a);
	sb_printf(out, ":%u", port);
}

static void
sb_time(struct strbuf *out, double t)
{
	char	 buf[32];
	time_t	 tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		sb_puts(out, "never");
		return;
	}
	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	sb_puts(out, buf);
}

/* Counters of one kind as a JSON object, or text lines. */
struct named_count {
	const char	*name;
	uint64_t	 v;
};

/*
 * Every reason of common/proto/fo_accept.h, the receive path's own first,
 * then the decoder's (the encoder-only ones never count here); a reason
 * only the failover meets stays 0.
 */
static size_t
link_rejections(const struct link *fo, struct named_count *c, size_t max)
{
	size_t	 n = 0;

	for (int i = FO_ERR_COUNT; i < FO_REJ_COUNT && n < max; i++)
		c[n++] = (struct named_count){ fo_reject_name(i), fo->rej[i] };
	for (int i = 1; i < FO_ERR_COUNT && n < max; i++) {
		if (i == FO_ERR_NOSPACE || i == FO_ERR_INVALID)
			continue;
		c[n++] = (struct named_count){ fo_reject_name(i), fo->rej[i] };
	}
	return n;
}

static void
json_named(struct strbuf *out, const struct named_count *c, size_t n)
{
	sb_puts(out, "{");
	for (size_t i = 0; i < n; i++) {
		sb_puts(out, i ? "," : "");
		sb_json_key(out, c[i].name);
		sb_printf(out, "%llu", (unsigned long long)c[i].v);
	}
	sb_puts(out, "}");
}

static void
json_types(struct strbuf *out, const uint64_t *v)
{
	bool	 first = true;

	sb_puts(out, "{");
	for (unsigned t = 1; t <= FO_TYPE_MAX; t++) {
		if (v[t] == 0)
			continue;
		sb_puts(out, first ? "" : ",");
		sb_json_key(out, fo_type_name(t));
		sb_printf(out, "%llu", (unsigned long long)v[t]);
		first = false;
	}
	sb_puts(out, "}");
}

#define U(x)	((unsigned long long)(x))

/* The link itself: the peer, what was heard, the CtlReq exchange. */
static void
link_json(struct server *srv, struct strbuf *out)
{
	const struct link *fo = srv->link;
	const struct pr_fsm *m = &fo->fsm;

	sb_puts(out, ",\"peer\":\"");
	sb_addr_port(out, fo->peer_addr, fo->peer_port);
	sb_puts(out, "\",\"peer_name\":");
	sb_json_str(out, fo->peer_name);
	sb_printf(out, ",\"gave_up\":%s,\"boot_epoch\":%llu,"
	    "\"peer_heard\":%s,\"last_heard\":%.3f,\"last_poll\":%.3f,"
	    "\"polls_received\":%llu,\"polls_answered\":%llu,"
	    "\"peer_restarts\":%llu,\"peer_last_seq\":%llu,"
	    "\"datagrams_received\":%llu,\"accepted\":%llu,"
	    "\"send_errors\":%llu,\"version_answered\":%llu",
	    m->gave_up ? "true" : "false", U(fo->epoch),
	    fo->peer_seen ? "true" : "false", fo->last_heard, fo->last_poll,
	    U(m->ctr.polls_received), U(fo->polls_answered),
	    U(fo->peer_restarts), U(fo->peer_last_seq), U(fo->rx),
	    U(fo->accepted), U(fo->send_errors), U(fo->version_answered));
	sb_printf(out, ",\"ctl_req\":{\"sent\":%llu,\"retries\":%u,"
	    "\"ctl_ret_received\":%llu,\"refused\":%llu,"
	    "\"inoperable\":%llu,\"last_ctl_ret\":%.3f}",
	    U(m->ctr.ctl_req_sent), m->ctr.ctl_req_retries,
	    U(m->ctr.ctl_ret_received), U(fo->ctl_ret_refused),
	    U(m->ctr.failover_inoperable), m->ctr.last_ctl_ret_time);
	sb_printf(out, ",\"replay_position\":{\"epoch\":%llu,\"seq\":%llu,"
	    "\"saved_epoch\":%llu,\"saved_seq\":%llu}", U(fo->replay.epoch),
	    U(fo->replay.top), U(fo->saved_epoch), U(fo->saved_top));
}

/* Replication and the start-up sync it answers (replicate.c). */
static void
repl_json(struct server *srv, struct strbuf *out)
{
	const struct repl_stream *r = &repl_get(srv)->stream;
	const struct repl_sync *sy = &repl_get(srv)->sync;

	sb_printf(out, ",\"replication\":{\"queued\":%llu,\"waiting\":%zu,"
	    "\"in_flight\":%zu,\"sent\":%llu,\"datagrams\":%llu,"
	    "\"acked\":%llu,\"retries\":%llu,\"failures\":%llu,"
	    "\"superseded\":%llu,\"too_big\":%llu,\"resumes\":%llu,"
	    "\"walks\":%llu,\"paused\":%s,\"watermark\":%llu,"
	    "\"watermark_persisted\":%llu,\"highest_sent\":%llu,"
	    "\"bind_upd_delay_ms\":%u,"
	    "\"last_failure_time\":%.3f,\"last_failure\":",
	    U(r->queued), r->q.n, fo_tx_inflight(&r->tx), U(r->sent),
	    U(r->datagrams), U(r->acked), U(r->retries), U(r->failures),
	    U(r->superseded), U(r->too_big), U(r->resumes), U(r->walks),
	    r->paused ? "true" : "false", U(fo_tx_acked_through(&r->tx)),
	    U(r->persisted), U(r->last_sent),
	    srv->cfg.failover.bind_upd_delay_ms, r->last_failure_time);
	sb_json_str(out, r->last_failure);
	sb_printf(out, "},\"sync\":{\"in_progress\":%s,\"requests\":%llu,"
	    "\"completed\":%llu,\"failed\":%llu,\"announced\":%u,"
	    "\"bindings_sent\":%u,\"bindings_total\":%llu,"
	    "\"in_flight\":%zu,\"last_rate\":%.0f,\"last_failure\":",
	    sy->active ? "true" : "false", U(sy->requests), U(sy->completed),
	    U(sy->failed), sy->announced, sy->sent, U(sy->bindings_total),
	    fo_tx_inflight(&sy->tx), sy->last_rate);
	sb_json_str(out, sy->last_failure);
	sb_puts(out, "}");
}

/* The hand-back received (handback.c) and the approvals (approve.c). */
static void
handback_json(struct server *srv, struct strbuf *out)
{
	const struct handback *h = handback_get(srv);
	const struct approve *ap = approve_get(srv);

	sb_printf(out, ",\"handback\":{\"subnets_started\":%llu,"
	    "\"subnets_received\":%llu,\"updates\":%llu,\"applied\":%llu,"
	    "\"unchanged\":%llu,\"kept_ours\":%llu,\"conflicts\":%llu,"
	    "\"conflicts_kept_ours\":%llu,\"conflicts_took_theirs\":%llu,"
	    "\"outside\":%llu,\"unknown_subnets\":%llu,\"acks_sent\":%llu,"
	    "\"peer_seq\":%llu,\"last_conflict\":",
	    U(h->subnets_started), U(h->subnets_received), U(h->updates),
	    U(h->applied), U(h->unchanged), U(h->kept_ours),
	    U(h->conflicts), U(h->conflicts_ours), U(h->conflicts_theirs),
	    U(h->outside), U(h->markers_unknown), U(h->acks_sent),
	    U(h->peer_seq));
	sb_json_str(out, h->last_conflict);
	sb_printf(out, "},\"approvals\":{\"asked\":%llu,\"approved\":%llu,"
	    "\"refused\":%llu,\"undecided\":%llu,\"unexpected\":%llu}",
	    U(ap->asked), U(ap->approved), U(ap->refused), U(ap->undecided),
	    U(ap->unexpected));
}

/* The configuration offered to the failover (offer.c, docs/learn.md). */
static void
offer_json(struct server *srv, struct strbuf *out)
{
	const struct offer *o = offer_get(srv);

	sb_printf(out, ",\"config\":{\"offered\":%s,\"generation\":%llu,"
	    "\"changed\":%.3f,\"size\":%zu,\"requests\":%llu,"
	    "\"bytes_sent\":%llu,\"stale_requests\":%llu,\"sha256\":\"",
	    o->ok ? "true" : "false", U(o->generation), o->changed,
	    o->text.len, U(o->requests), U(o->bytes_sent), U(o->stale));
	sb_hex(out, o->sha, sizeof(o->sha));
	sb_puts(out, "\"}");
}

static void
failover_json(struct server *srv, struct strbuf *out)
{
	const struct link *fo = srv->link;
	const struct pr_fsm *m = &fo->fsm;
	struct named_count c[FO_REJ_COUNT];
	size_t	 nc = link_rejections(fo, c, sizeof(c) / sizeof(c[0]));
	double	 now = ev_now(srv->loop);

	sb_printf(out, "\"failover\":{\"configured\":%s,\"state\":\"%s\","
	    "\"since\":%.3f,\"time_in_state\":%.3f", fo->configured ?
	    "true" : "false", pr_state_name(m->state), m->ctr.state_since,
	    now - m->ctr.state_since);
	if (!fo->configured) {
		sb_puts(out, "}");
		return;
	}
	link_json(srv, out);
	fo_keystat_json(out, &fo->keystat);
	repl_json(srv, out);
	handback_json(srv, out);
	offer_json(srv, out);
	sb_puts(out, ",\"rejected\":");
	json_named(out, c, nc);
	sb_printf(out, ",\"mismatch\":{\"buf_size\":%s,\"peer_buf_size\":%u,"
	    "\"digests\":%s,\"subnets_missing\":%llu}",
	    fo->buf_mismatch ? "true" : "false", fo->peer_buf_size,
	    fo->digest_mismatch ? "true" : "false", U(fo->subnets_missing));
	sb_puts(out, ",\"received\":");
	json_types(out, fo->rx_by_type);
	sb_puts(out, ",\"sent\":");
	json_types(out, fo->tx_by_type);
	sb_puts(out, "}");
}

static void
offer_text(struct server *srv, struct strbuf *out)
{
	const struct offer *o = offer_get(srv);

	if (!o->ok) {
		sb_puts(out, "  configuration:     none offered (see the log)\n");
		return;
	}
	sb_printf(out, "  configuration:     generation %llu, %zu bytes, "
	    "sha256 %02x%02x%02x%02x, %llu parts sent%s\n",
	    U(o->generation), o->text.len, o->sha[0], o->sha[1], o->sha[2],
	    o->sha[3], U(o->requests), srv->link->peer_learns ? "" :
	    " (the failover does not learn it)");
}

static void
failover_text(struct server *srv, struct strbuf *out)
{
	const struct link *fo = srv->link;
	const struct pr_fsm *m = &fo->fsm;
	const struct repl_stream *r;
	const struct repl_sync *sy;
	const struct handback *handback = handback_get(srv);
	const struct approve *ap = approve_get(srv);
	struct named_count c[FO_REJ_COUNT];
	size_t	 nc = link_rejections(fo, c, sizeof(c) / sizeof(c[0]));
	double	 now = ev_now(srv->loop);
	bool	 any = false;

	if (!fo->configured) {
		sb_puts(out, "failover: none configured (standalone)\n\n");
		return;
	}
	r = &repl_get(srv)->stream;
	sy = &repl_get(srv)->sync;
	sb_puts(out, "failover:\n  peer:              ");
	sb_addr_port(out, fo->peer_addr, fo->peer_port);
	if (fo->peer_name[0])
		sb_printf(out, " (%s)", fo->peer_name);
	sb_printf(out, "\n  state:             %s%s for %.0f s\n",
	    pr_state_name(m->state), m->gave_up ? " (failover declared "
	    "inoperable)" : "", now - m->ctr.state_since);
	sb_puts(out, "  last heard:        ");
	sb_time(out, fo->last_heard);
	sb_puts(out, "\n  last poll:         ");
	sb_time(out, fo->last_poll);
	sb_printf(out, " (%llu received)\n", U(m->ctr.polls_received));
	fo_keystat_text(out, "  keys:              ", &fo->keystat);
	sb_printf(out, "  CtlReq:            %llu sent, %u retries in this "
	    "wait, %llu CtlRet, %llu refused\n", U(m->ctr.ctl_req_sent),
	    m->ctr.ctl_req_retries, U(m->ctr.ctl_ret_received),
	    U(fo->ctl_ret_refused));
	sb_printf(out, "  replication:       %llu queued, %zu waiting, %zu "
	    "in flight, %llu sent, %llu acked, %llu retries, %llu failures%s\n",
	    U(r->queued), r->q.n, fo_tx_inflight(&r->tx), U(r->sent),
	    U(r->acked), U(r->retries), U(r->failures),
	    r->paused ? " (paused)" : "");
	sb_printf(out, "  watermark:         %llu (stored %llu)\n",
	    U(fo_tx_acked_through(&r->tx)), U(r->persisted));
	sb_printf(out, "  update datagrams:  %llu for %llu updates "
	    "(BindUpdDelay %u ms)\n", U(r->datagrams), U(r->sent),
	    srv->cfg.failover.bind_upd_delay_ms);
	if (r->last_failure[0])
		sb_printf(out, "  last failure:      %s\n", r->last_failure);
	sb_printf(out, "  start-up sync:     %s, %u bindings sent, %llu "
	    "completed, %llu failed, last rate %.0f/s\n", sy->active ?
	    "in progress" : "idle", sy->sent, U(sy->completed),
	    U(sy->failed), sy->last_rate);
	sb_printf(out, "  hand-back:         %llu subnets received, %llu "
	    "bindings applied, %llu conflicts\n",
	    U(handback->subnets_received), U(handback->applied),
	    U(handback->conflicts));
	sb_printf(out, "  share approvals:   %llu asked, %llu approved, %llu "
	    "refused, %llu undecided, %u waiting\n", U(ap->asked),
	    U(ap->approved), U(ap->refused),
	    U(ap->undecided), park_count(&srv->approvals));
	if (handback->last_conflict[0])
		sb_printf(out, "  last conflict:     %s\n",
		    handback->last_conflict);
	offer_text(srv, out);
	if (fo->buf_mismatch)
		sb_printf(out, "  MISMATCH:          SyncBindingBufSize %u on "
		    "the failover, %u here\n", fo->peer_buf_size,
		    srv->cfg.failover.sync_binding_buf_size);
	if (fo->digest_mismatch)
		sb_puts(out, "  MISMATCH:          subnet definitions differ "
		    "(see the log)\n");
	sb_puts(out, "  rejected:         ");
	for (size_t i = 0; i < nc; i++) {
		if (c[i].v == 0)
			continue;
		sb_printf(out, " %s=%llu", c[i].name, U(c[i].v));
		any = true;
	}
	sb_puts(out, any ? "\n\n" : " none\n\n");
}

/* JSON status: everything before the subnets' array. */
static void
status_json_head(struct server *srv, const struct named_counter *c,
    size_t nc, const struct lease_db_stats *ds, struct strbuf *out)
{
	sb_puts(out, "{\"role\":\"primary\",\"name\":");
	sb_json_str(out, srv->cfg.server.name);
	sb_printf(out, ",\"version\":\"%s\",\"pid\":%ld,"
	    "\"uptime\":%.3f,\"state\":\"%s\",",
	    DHCPFO_VERSION, (long)getpid(), ev_now(srv->loop) - srv->started,
	    pr_state_name(link_state(srv)));
	failover_json(srv, out);
	sb_puts(out, ",\"counters\":{");
	for (size_t i = 0; i < nc; i++)
		sb_printf(out, "%s\"%s\":%llu", i ? "," : "",
		    c[i].name, (unsigned long long)c[i].value);
	sb_puts(out, "},\"malformed\":{");
	for (int i = 1, first = 1; i < DHCP_ERR_COUNT; i++) {
		if (srv->ctr.malformed_by[i] == 0)
			continue;
		sb_printf(out, "%s\"%s\":%llu", first ? "" : ",",
		    dhcp_err_name(i),
		    (unsigned long long)srv->ctr.malformed_by[i]);
		first = 0;
	}
	sb_puts(out, "},\"drops\":{");
	for (int i = 1; i < ENGINE_DROP_COUNT; i++)
		sb_printf(out, "%s\"%s\":%llu", i > 1 ? "," : "",
		    engine_drop_name(i),
		    (unsigned long long)srv->eng.ctr.drops[i]);
	sb_puts(out, "},\"store\":{\"last_error\":");
	sb_json_str(out, ds->last_error_text);
	sb_puts(out, "},\"subnets\":[");
}

/* Subnet i of the JSON status, pool p. */
static void
subnet_json(struct server *srv, size_t i, struct pool *p,
    struct strbuf *out)
{
	const struct cfg_subnet *s = pool_subnet(p);
	struct pool_stats st;

	pool_stats(p, &st);
	sb_puts(out, i ? ",{\"name\":" : "{\"name\":");
	sb_json_str(out, s->name);
	sb_puts(out, ",\"subnet\":\"");
	subnet_cidr(out, s);
	sb_printf(out, "\",\"serving\":%s,\"served_by\":\"%s\","
	    "\"total\":%u,"
	    "\"free\":%u,\"offered\":%u,\"bound\":%u,"
	    "\"declined\":%u,\"conflict\":%u,\"reserved\":%u,"
	    "\"failover_share\":%u,\"share_total\":%u,"
	    "\"share_free\":%u",
	    pool_is_serving(p) ? "true" : "false",
	    served_by_name(link_served(srv, i)), st.total,
	    st.free, st.offered, st.bound, st.declined,
	    st.conflict, st.reserved, s->failover_share,
	    st.share_total, st.share_free);
	if (srv->link != NULL && srv->link->configured) {
		int k = link_subnet_find(srv, s->network, s->prefix);
		const struct link_subnet *fs = k >= 0 ?
		    &srv->link->subnets[k] : NULL;
		bool dm = fs != NULL && fs->digest_mismatch;

		sb_printf(out, ",\"digest_mismatch\":%s,\"handbacks\":%llu",
		    dm ? "true" : "false", fs ? U(fs->handbacks) : 0ull);
	}
	sb_puts(out, "}");
}

/* Subnet i of the text status, pool p. */
static void
subnet_text(struct server *srv, size_t i, struct pool *p,
    struct strbuf *out)
{
	const struct cfg_subnet *s = pool_subnet(p);
	struct pool_stats st;
	struct strbuf net;

	pool_stats(p, &st);
	sb_init(&net);
	subnet_cidr(&net, s);
	sb_printf(out, "%-22s %-20s %7u %7u %7u %7u %8u %8u "
	    "%5u/%-5u %s\n", s->name, net.buf ? net.buf : "",
	    st.total, st.free, st.offered, st.bound,
	    st.declined + st.conflict, st.reserved,
	    st.share_free, st.share_total,
	    served_by_name(link_served(srv, i)));
	sb_free(&net);
}

static int
cmd_status(struct server *srv, bool json, struct strbuf *out)
{
	struct named_counter c[64];
	size_t	 nc = collect_counters(srv, c, 64);
	double	 up = ev_now(srv->loop) - srv->started;
	struct lease_db_stats ds;

	lease_db_get_stats(srv->db, &ds);
	if (json)
		status_json_head(srv, c, nc, &ds, out);
	else {
		sb_printf(out, "role:     primary\nname:     %s\nversion:  %s\n"
		    "pid:      %ld\nuptime:   %.0f s\nstate:    %s\n\n",
		    srv->cfg.server.name, DHCPFO_VERSION, (long)getpid(), up,
		    pr_state_name(link_state(srv)));
		failover_text(srv, out);
		sb_printf(out, "%-22s %-20s %7s %7s %7s %7s %8s %8s %11s "
		    "%s\n", "SUBNET", "NETWORK", "TOTAL", "FREE", "OFFERED",
		    "BOUND", "DECLINED", "RESERVED", "SHARE FREE",
		    "SERVED BY");
	}
	for (size_t i = 0; i < pool_set_count(srv->pools); i++) {
		struct pool *p = pool_set_get(srv->pools, i);

		if (json)
			subnet_json(srv, i, p, out);
		else
			subnet_text(srv, i, p, out);
	}
	if (json) {
		sb_puts(out, "]}\n");
		return 0;
	}
	sb_puts(out, "\ncounters:\n");
	for (size_t i = 0; i < nc; i++)
		sb_printf(out, "  %-18s %llu\n", c[i].name,
		    (unsigned long long)c[i].value);
	if (ds.last_error_text[0])
		sb_printf(out, "\nlast lease store error: %s\n",
		    ds.last_error_text);
	return 0;
}

static void
lease_json(struct strbuf *out, const struct lease *l,
    const struct cfg_subnet *s, bool first)
{
	char	 hw[64];

	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	sb_puts(out, first ? "{\"address\":\"" : ",{\"address\":\"");
	sb_ipv4(out, l->addr);
	sb_puts(out, "\",\"subnet\":");
	sb_json_str(out, s->name);
	sb_printf(out, ",\"state\":\"%s\",\"hwaddr\":\"%s\",\"client_id\":\"",
	    lease_state_name(l->state), hw);
	if (l->key.len > 1 && l->key.bytes[0] == 'C')
		sb_hex(out, l->key.bytes + 1, l->key.len - 1u);
	sb_puts(out, "\",\"hostname\":");
	sb_json_str(out, l->hostname);
	sb_printf(out, ",\"starts\":%lld,\"ends\":%lld}", (long long)l->starts,
	    (long long)l->ends);
}

static int
cmd_leases(struct server *srv, int argc, char **argv, bool json,
    struct strbuf *out)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	bool	 first = true, found = only == NULL;
	int64_t	 now = srv_now(srv);

	if (json)
		sb_puts(out, "{\"leases\":[");
	else
		sb_printf(out, "%-16s %-12s %-9s %-17s %-10s %s\n", "ADDRESS",
		    "SUBNET", "STATE", "HWADDR", "EXPIRES", "HOSTNAME");
	for (size_t i = 0; i < pool_set_count(srv->pools); i++) {
		struct pool *p = pool_set_get(srv->pools, i);
		const struct cfg_subnet *s = pool_subnet(p);
		const struct lease *l;
		size_t	 cur = 0;

		if (only != NULL && strcmp(only, s->name) != 0) {
			struct strbuf net;
			sb_init(&net);
			subnet_cidr(&net, s);
			bool match = net.buf && strcmp(only, net.buf) == 0;
			sb_free(&net);
			if (!match)
				continue;
		}
		found = true;
		while ((l = pool_next_lease(p, &cur)) != NULL) {
			if (json) {
				lease_json(out, l, s, first);
				first = false;
				continue;
			}
			char hw[64], a[16], exp[24];
			log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
			snprintf(a, sizeof(a), "%u.%u.%u.%u", l->addr >> 24,
			    (l->addr >> 16) & 0xff, (l->addr >> 8) & 0xff,
			    l->addr & 0xff);
			if (l->ends > now)
				snprintf(exp, sizeof(exp), "in %llds",
				    (long long)(l->ends - now));
			else
				snprintf(exp, sizeof(exp), "-");
			char host[LEASE_HOSTNAME_MAX * 4];
			log_sanitize(l->hostname, strlen(l->hostname), host,
			    sizeof(host));
			sb_printf(out, "%-16s %-12s %-9s %-17s %-10s %s\n", a,
			    s->name, lease_state_name(l->state), hw, exp, host);
		}
	}
	if (json)
		sb_puts(out, "]}\n");
	if (!found) {
		sb_reset(out);
		if (json) {
			sb_puts(out, "{\"error\":");
			sb_json_str(out, "no such subnet");
			sb_puts(out, "}\n");
		} else
			sb_printf(out, "no subnet named %s\n", only);
		return -1;
	}
	return 0;
}

/*
 * The control machine's transitions (docs/design.md §3; `show redundancy
 * history`): oldest first, with the time spent in each state.
 */
static int
cmd_history(struct server *srv, int argc, char **argv, bool json,
    struct strbuf *out)
{
	const struct fsm_history *h = &srv->link->fsm.hist;
	double	 now = ev_now(srv->loop);
	size_t	 n = fsm_history_count(h);

	if (argc > 1 && strcmp(argv[1], srv->cfg.server.name) != 0) {
		if (json) {
			sb_puts(out, "{\"error\":");
			sb_json_str(out, "no such primary");
			sb_puts(out, "}\n");
		} else
			sb_printf(out, "this primary is %s\n",
			    srv->cfg.server.name);
		return -1;
	}
	if (json) {
		sb_puts(out, "{\"name\":");
		sb_json_str(out, srv->cfg.server.name);
		sb_printf(out, ",\"state\":\"%s\",\"total\":%llu,"
		    "\"history\":[", pr_state_name(srv->link->fsm.state),
		    U(h->total));
		for (size_t i = 0; i < n; i++) {
			const struct fsm_transition *t = fsm_history_get(h, i);

			sb_printf(out, "%s{\"seq\":%llu,\"time\":%.3f,"
			    "\"from\":\"%s\",\"to\":\"%s\",\"reason\":",
			    i ? "," : "", U(t->seq), t->when,
			    fsm_history_state_name(h, t->from),
			    fsm_history_state_name(h, t->to));
			sb_json_str(out, t->reason);
			sb_puts(out, "}");
		}
		sb_puts(out, "],\"states\":{");
		for (unsigned st = 0; st < h->nstates; st++)
			sb_printf(out, "%s\"%s\":{\"entered\":%llu,"
			    "\"seconds\":%.3f}", st ? "," : "",
			    fsm_history_state_name(h, st),
			    U(fsm_history_entered(h, st)),
			    fsm_history_seconds(h, st, now));
		sb_puts(out, "}}\n");
		return 0;
	}
	sb_printf(out, "%-19s  %-10s  %-10s  %s\n", "TIME", "FROM", "TO",
	    "REASON");
	for (size_t i = 0; i < n; i++) {
		const struct fsm_transition *t = fsm_history_get(h, i);

		sb_time(out, t->when);
		sb_printf(out, "  %-10s  %-10s  %s\n",
		    fsm_history_state_name(h, t->from),
		    fsm_history_state_name(h, t->to), t->reason);
	}
	sb_printf(out, "\n%-10s  %7s  %10s\n", "STATE", "ENTERED", "SECONDS");
	for (unsigned st = 0; st < h->nstates; st++)
		sb_printf(out, "%-10s  %7llu  %10.0f\n",
		    fsm_history_state_name(h, st),
		    U(fsm_history_entered(h, st)),
		    fsm_history_seconds(h, st, now));
	return 0;
}

static int
cmd_reload(struct server *srv, bool json, struct strbuf *out)
{
	struct strbuf why;
	int	 rc;

	sb_init(&why);
	rc = srv_reload(srv, &why);
	ctl_reload_answer(out, json, rc, &why, "reload failed; running configuration kept\n");
	sb_free(&why);
	return rc;
}

int
srv_ctl_handler(void *arg, struct ctl_call *call, int argc, char **argv,
    bool json, struct strbuf *out)
{
	struct server *srv = arg;

	if (strcmp(argv[0], "status") == 0)
		return cmd_status(srv, json, out);
	if (strcmp(argv[0], "leases") == 0)
		return cmd_leases(srv, argc, argv, json, out);
	if (strcmp(argv[0], "history") == 0)
		return cmd_history(srv, argc, argv, json, out);
	if (strcmp(argv[0], "reload") == 0)
		return cmd_reload(srv, json, out);
	if (strcmp(argv[0], "lease") == 0)
		return srv_cmd_lease(srv, argc, argv, json, out);
	if (strcmp(argv[0], "lease-del") == 0)
		return srv_cmd_lease_del(srv, call, argc, argv, json, out);
	if (strcmp(argv[0], "export") == 0)
		return srv_cmd_export(srv, call, argc, argv, json, out);
	if (strcmp(argv[0], "import") == 0)
		return srv_cmd_import(srv, call, argc, argv, json, out);
	if (strcmp(argv[0], "backup") == 0)
		return backup_job_command(srv->loop, srv->env, call, argc,
		    argv, json, out);
	return ctl_error(out, json, "unknown command; the primary knows: "
	    "status, history, leases [SUBNET], lease ADDRESS|HWADDR|CLIENT-ID, "
	    "lease-del ADDRESS, export, import, backup DIR, reload");
}
