/*
 * What the failover exports at [server] MetricsListen (docs/metrics.md),
 * produced on the main thread's loop.  Like `dhcpfoctl status` and the
 * SNMP provider it reads nothing a primary's thread owns: each scrape
 * copies every thread's published snapshot (fod_status.c) once, then
 * writes the families from the copies -- the DHCP service and subnets
 * of each primary (dhcp_prom.c, shared with the primary, labelled
 * primary="NAME"), and each primary's machine: its state as one series
 * a state, time in it, takeovers, the last answer's age, updates,
 * hand-backs.  What the main thread counts itself (datagrams routed or
 * not) comes from struct fod.
 *
 * [server] MetricsListen is set up once; a reload reports a [server]
 * change as needing a restart (fod.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_prom.h"
#include "dhcp_prom.h"
#include "fod.h"
#include "metrics_http.h"

/* Scratch kept between scrapes, grown to the primaries and subnets;
 * a scrape then allocates nothing of its own. */
struct fod_metrics {
	struct metrics_http	*http;
	struct fod_snap		*snaps;		/* per primary */
	struct dhcp_prom_service *svc;		/* per primary */
	struct prom_labels	*who;		/* primary="NAME" */
	size_t			 cap;
	struct fod_snap_subnet	*raw;		/* every primary's subnets */
	struct dhcp_prom_subnet	*subs;
	size_t			 nsubs, subcap;
};

static int
grow(void **p, size_t cap, size_t n, size_t size)
{
	void	*x;

	if (n <= cap)
		return 0;
	if ((x = realloc(*p, n * size)) == NULL)
		return -1;
	*p = x;
	return 0;
}

/* Room for n primaries and nsub subnets in all. */
static int
reserve(struct fod_metrics *m, size_t n, size_t nsub)
{
	size_t	 c = m->cap, sc = m->subcap;

	if (grow((void **)&m->snaps, c, n, sizeof(*m->snaps)) < 0 ||
	    grow((void **)&m->svc, c, n, sizeof(*m->svc)) < 0 ||
	    grow((void **)&m->who, c, n, sizeof(*m->who)) < 0 ||
	    grow((void **)&m->raw, sc, nsub, sizeof(*m->raw)) < 0 ||
	    grow((void **)&m->subs, sc, nsub, sizeof(*m->subs)) < 0)
		return -1;
	m->cap = n > m->cap ? n : m->cap;
	m->subcap = nsub > m->subcap ? nsub : m->subcap;
	return 0;
}

/* Every snapshot copied out; the service and subnet rows built. */
static int
collect(struct fod *fod, struct fod_metrics *m)
{
	size_t	 nsub = 0;

	for (size_t i = 0; i < fod->npeers; i++)
		nsub += fod->peers[i]->view.nsubnets;
	if (reserve(m, fod->npeers, nsub) < 0)
		return -1;
	m->nsubs = 0;
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];
		struct fod_snap *s = &m->snaps[i];
		struct dhcp_prom_service *v = &m->svc[i];
		struct fod_snap_subnet *raw = m->raw + m->nsubs;
		size_t	 n;

		fod_peer_snapshot(p, s, raw, p->view.nsubnets);
		prom_labels_init(&m->who[i]);
		prom_labels_add(&m->who[i], "primary", p->name);
		v->labels = m->who[i];
		v->eng = &s->eng;
		v->tx = &s->replies;
		v->acks_withheld = s->gc.withheld;
		v->commits = s->commits;
		v->commit_failures = s->commit_failures;
		v->commit_secs = &s->commit_secs;
		n = s->nsubnets < p->view.nsubnets ? s->nsubnets :
		    p->view.nsubnets;
		for (size_t k = 0; k < n; k++) {
			struct dhcp_prom_subnet *x = &m->subs[m->nsubs++];

			dhcp_prom_subnet_labels(&x->labels, raw[k].name,
			    raw[k].network, raw[k].prefix);
			prom_labels_add(&x->labels, "primary", p->name);
			x->serving = raw[k].serving;
			x->st = raw[k].st;
		}
	}
	return 0;
}

/* What the main thread itself counts of DHCP datagrams. */
static void
dispatch_counts(struct fod *fod, struct fod_metrics *m, struct strbuf *out)
{
	static const char mal[] = "dhcpfo_dhcp_malformed_total";
	static const char unr[] = "dhcpfo_dhcp_unrouted_total";
	static const char ign[] = "dhcpfo_dhcp_ignored_total";
	struct prom_labels l;

	prom_family(out, "dhcpfo_dhcp_datagrams_total", PROM_COUNTER,
	    "datagrams read from the DHCP sockets");
	prom_sample_u(out, "dhcpfo_dhcp_datagrams_total", NULL,
	    fod->ctr.dhcp_rx);
	prom_family(out, mal, PROM_COUNTER, "datagrams dropped before "
	    "routing: not a whole BOOTP request, by reason");
	prom_labels_init(&l);
	prom_labels_add(&l, "reason", dhcp_err_name(DHCP_ERR_SHORT));
	prom_sample_u(out, mal, &l, fod->ctr.dhcp_short);
	prom_labels_init(&l);
	prom_labels_add(&l, "reason", dhcp_err_name(DHCP_ERR_TOO_LONG));
	prom_sample_u(out, mal, &l, fod->ctr.dhcp_truncated);
	prom_family(out, unr, PROM_COUNTER, "requests routed to no primary: "
	    "in no subnet of any, or its thread's queue was full");
	prom_labels_init(&l);
	prom_labels_add(&l, "reason", "no-subnet");
	prom_sample_u(out, unr, &l, fod->ctr.dhcp_no_subnet);
	prom_labels_init(&l);
	prom_labels_add(&l, "reason", "queue-full");
	prom_sample_u(out, unr, &l, fod->ctr.dhcp_queue_full);
	prom_family(out, ign, PROM_COUNTER, "requests of a primary's subnets "
	    "while the failover serves none of them (the primary answers)");
	for (size_t i = 0; i < fod->npeers; i++)
		prom_sample_u(out, ign, &m->who[i], fod->peers[i]->dhcp_ignored);
}

static void
state_families(struct fod *fod, struct fod_metrics *m, double now,
    struct strbuf *out)
{
	static const char name[] = "dhcpfo_failover_state";
	static const char secs[] = "dhcpfo_failover_state_seconds";
	struct prom_labels l;

	prom_family(out, name, PROM_GAUGE, "each primary's state on the "
	    "failover (docs/failover-states.md): 1 for the current one");
	for (size_t i = 0; i < fod->npeers; i++) {
		const struct fod_snap *s = &m->snaps[i];
		enum fod_state cur = s->valid ? s->state : FOD_STARTUP;

		for (int st = 0; st < FOD_STATE_COUNT; st++) {
			prom_labels_with(&l, &m->who[i], "state",
			    fod_state_name(st));
			prom_sample(out, name, &l, st == (int)cur);
		}
	}
	prom_family(out, secs, PROM_GAUGE, "time each primary has been in "
	    "its current state");
	for (size_t i = 0; i < fod->npeers; i++) {
		const struct fod_snap *s = &m->snaps[i];

		prom_sample(out, secs, &m->who[i], s->valid &&
		    s->ctr.state_since > 0 ? now - s->ctr.state_since : 0);
	}
}

enum peer_value {
	PV_TAKEOVERS, PV_HANDBACKS, PV_HANDBACK_FAILURES, PV_POLLS_SENT,
	PV_POLLS_ANSWERED, PV_POLLS_TIMED_OUT, PV_UPD_RECEIVED, PV_UPD_ACKED,
	PV_UPD_CONFLICTS, PV_REJECTED, PV_SECOND_KEY, PV_BINDINGS, PV_HANDBACK_SECS,
	PV_COUNT
};

static const struct {
	const char	*name;
	enum prom_type	 type;
	const char	*help;
} peer_families[PV_COUNT] = {
	[PV_TAKEOVERS] = { "dhcpfo_failover_takeovers_total", PROM_COUNTER,
	    "takeovers of the primary's subnets started" },
	[PV_HANDBACKS] = { "dhcpfo_failover_handbacks_total", PROM_COUNTER,
	    "hand-backs completed" },
	[PV_HANDBACK_FAILURES] = { "dhcpfo_failover_handback_failures_total",
	    PROM_COUNTER, "hand-backs that did not complete" },
	[PV_POLLS_SENT] = { "dhcpfo_failover_polls_sent_total", PROM_COUNTER,
	    "polls sent to the primary" },
	[PV_POLLS_ANSWERED] = { "dhcpfo_failover_polls_answered_total",
	    PROM_COUNTER, "polls answered (a binding update answers too)" },
	[PV_POLLS_TIMED_OUT] = { "dhcpfo_failover_polls_timed_out_total",
	    PROM_COUNTER, "polls unanswered within WaitPollRplSecs" },
	[PV_UPD_RECEIVED] = { "dhcpfo_failover_updates_received_total",
	    PROM_COUNTER, "binding updates received from the primary" },
	[PV_UPD_ACKED] = { "dhcpfo_failover_updates_acked_total",
	    PROM_COUNTER, "binding updates stored and acknowledged" },
	[PV_UPD_CONFLICTS] = { "dhcpfo_failover_update_conflicts_total",
	    PROM_COUNTER, "binding updates that met another client's binding "
	    "(conflict rule applied)" },
	[PV_REJECTED] = { "dhcpfo_failover_rejected_total", PROM_COUNTER,
	    "failover datagrams from the primary rejected (bad HMAC, replay, "
	    "malformed, ...)" },
	[PV_SECOND_KEY] = { "dhcpfo_failover_second_key_total", PROM_COUNTER,
	    "messages from the primary accepted with AcceptSharedKeyFile's key "
	    "(stops rising once the primary signs with SharedKeyFile's)" },
	[PV_BINDINGS] = { "dhcpfo_failover_bindings", PROM_GAUGE,
	    "bindings held for the primary" },
	[PV_HANDBACK_SECS] = { "dhcpfo_failover_last_handback_duration_seconds",
	    PROM_GAUGE, "how long the last complete hand-back took (0: none "
	    "yet)" },
};

static double
peer_value(const struct fod_snap *s, enum peer_value v)
{
	uint64_t rej = 0;

	switch (v) {
	case PV_TAKEOVERS:	return (double)s->ctr.takeovers;
	case PV_HANDBACKS:	return (double)s->ctr.handbacks;
	case PV_HANDBACK_FAILURES: return (double)s->ctr.handback_failures;
	case PV_POLLS_SENT:	return (double)s->ctr.polls_sent;
	case PV_POLLS_ANSWERED:	return (double)s->ctr.polls_answered;
	case PV_POLLS_TIMED_OUT: return (double)s->ctr.polls_timed_out;
	case PV_UPD_RECEIVED:	return (double)s->sync.upd_received;
	case PV_UPD_ACKED:	return (double)s->sync.upd_acked;
	case PV_UPD_CONFLICTS:	return (double)s->sync.upd_conflicts;
	case PV_REJECTED:
		for (unsigned k = 1; k < FO_REJ_COUNT; k++)
			rej += s->msg.rejects[k];
		return (double)rej;
	case PV_SECOND_KEY:	return (double)s->keys.second_key;
	case PV_BINDINGS:	return (double)s->bindings;
	case PV_HANDBACK_SECS:	return s->handback.last_secs;
	case PV_COUNT:		break;
	}
	return 0;
}

static void
peer_families_write(struct fod *fod, struct fod_metrics *m, double now,
    struct strbuf *out)
{
	static const char age[] = "dhcpfo_failover_last_reply_age_seconds";

	for (int v = 0; v < PV_COUNT; v++) {
		prom_family(out, peer_families[v].name, peer_families[v].type,
		    peer_families[v].help);
		for (size_t i = 0; i < fod->npeers; i++)
			prom_sample(out, peer_families[v].name, &m->who[i],
			    peer_value(&m->snaps[i], (enum peer_value)v));
	}
	prom_family(out, age, PROM_GAUGE, "time since the primary last "
	    "answered a poll or sent a binding update (absent: never)");
	for (size_t i = 0; i < fod->npeers; i++)
		if (m->snaps[i].msg.last_reply > 0)
			prom_sample(out, age, &m->who[i],
			    now - m->snaps[i].msg.last_reply);
}

static int
produce(void *arg, struct strbuf *out)
{
	struct fod *fod = arg;
	struct fod_metrics *m = fod->metrics;
	double	 now = fod_wallclock();
	struct ctl_stats cs = { 0 };

	metrics_http_write_own(m->http, out, "failover", fod->cfg.server.name,
	    fod->started);
	if (collect(fod, m) < 0)
		return -1;
	dispatch_counts(fod, m, out);
	dhcp_prom_services(out, m->svc, fod->npeers);
	dhcp_prom_subnets(out, m->subs, m->nsubs);
	state_families(fod, m, now, out);
	peer_families_write(fod, m, now, out);
	ctl_stats_add(fod->ctl, &cs);
	ctl_stats_add(fod->ctl_ro, &cs);
	ctl_prom_write(out, &cs);
	return 0;
}

int
fod_metrics_start(struct fod *fod, char *err, size_t errlen)
{
	const struct cfg_server *c = &fod->cfg.server;

	if (c->metrics_port == 0)
		return 0;
	if ((fod->metrics = calloc(1, sizeof(*fod->metrics))) == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		return -1;
	}
	fod->metrics->http = metrics_http_start(fod->loop, c->metrics_addr,
	    c->metrics_port, produce, fod, err, errlen);
	if (fod->metrics->http == NULL) {
		fod_metrics_stop(fod);
		return -1;
	}
	return 0;
}

void
fod_metrics_stop(struct fod *fod)
{
	struct fod_metrics *m = fod->metrics;

	if (m == NULL)
		return;
	metrics_http_stop(m->http);
	free(m->snaps);
	free(m->svc);
	free(m->who);
	free(m->raw);
	free(m->subs);
	free(m);
	fod->metrics = NULL;
}
