/*
 * What the primary exports at [server] MetricsListen (docs/metrics.md).
 * One pass over the same state `dhcpfoctl status` and the SNMP provider
 * read, on the main loop: the DHCP service and subnets (dhcp_prom.c,
 * shared with the failover), the failover link's control state and the
 * replication backlog.
 *
 * MetricsListen is set up once, like ControlSocket: a reload that
 * changes it says a restart is needed (server.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_prom.h"
#include "dhcp_prom.h"
#include "metrics_http.h"
#include "pr_metrics.h"
#include "server_int.h"

/* Scratch kept between scrapes: a scrape allocates nothing of its own
 * once the subnets fit. */
struct pr_metrics {
	struct metrics_http	*http;
	struct dhcp_prom_subnet	*subs;
	size_t			 cap;
};

static void
malformed(struct server *srv, struct strbuf *out)
{
	static const char name[] = "dhcpfo_dhcp_malformed_total";
	struct prom_labels l;

	prom_family(out, "dhcpfo_dhcp_datagrams_total", PROM_COUNTER,
	    "datagrams read from the DHCP sockets");
	prom_sample_u(out, "dhcpfo_dhcp_datagrams_total", NULL,
	    srv->ctr.received);
	prom_family(out, name, PROM_COUNTER, "datagrams dropped before the "
	    "engine: they do not decode, by reason");
	for (int e = 1; e < DHCP_ERR_COUNT; e++) {
		if (e == DHCP_ERR_NOSPACE)	/* the encoder's, never here */
			continue;
		prom_labels_init(&l);
		prom_labels_add(&l, "reason", dhcp_err_name(e));
		prom_sample_u(out, name, &l, srv->ctr.malformed_by[e]);
	}
}

static void
service(struct server *srv, struct strbuf *out)
{
	struct dhcp_prom_service s;
	struct lease_db_stats ds;

	lease_db_get_stats(srv->db, &ds);
	prom_labels_init(&s.labels);
	s.eng = &srv->eng.ctr;
	s.tx = &srv->tx;
	s.acks_withheld = srv->gc.stats.withheld;
	s.commits = ds.commits;
	s.commit_failures = ds.commit_failures;
	s.commit_secs = &ds.commit_secs;
	dhcp_prom_services(out, &s, 1);
}

static int
subnets(struct server *srv, struct pr_metrics *pm, struct strbuf *out)
{
	size_t	 n = pool_set_count(srv->pools);

	if (n > pm->cap) {
		void	*x = realloc(pm->subs, n * sizeof(*pm->subs));

		if (x == NULL)
			return -1;
		pm->subs = x;
		pm->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct pool *p = pool_set_get(srv->pools, i);
		const struct cfg_subnet *s = pool_subnet(p);

		dhcp_prom_subnet_labels(&pm->subs[i].labels, s->name,
		    s->network, s->prefix);
		pm->subs[i].serving = pool_is_serving(p);
		pool_stats(p, &pm->subs[i].st);
	}
	dhcp_prom_subnets(out, pm->subs, n);
	return 0;
}

/* The failover link's control machine (pr_fsm.c), one series a state. */
static void
link_state_families(struct server *srv, struct strbuf *out)
{
	static const char name[] = "dhcpfo_link_state";
	const struct link *fo = srv->link;
	enum pr_state cur = link_state(srv);
	struct prom_labels l;

	prom_family(out, "dhcpfo_link_configured", PROM_GAUGE, "1: this "
	    "primary is backed up by a failover (UseFailoverServer)");
	prom_sample(out, "dhcpfo_link_configured", NULL,
	    fo != NULL && fo->configured);
	prom_family(out, name, PROM_GAUGE, "the primary's control state "
	    "towards its failover: 1 for the current one");
	for (int st = 0; st < PR_STATE_COUNT; st++) {
		prom_labels_init(&l);
		prom_labels_add(&l, "state", pr_state_name(st));
		prom_sample(out, name, &l, st == (int)cur);
	}
	if (fo == NULL)
		return;
	prom_family(out, "dhcpfo_link_state_seconds", PROM_GAUGE, "time in "
	    "the current control state");
	prom_sample(out, "dhcpfo_link_state_seconds", NULL,
	    ev_now(srv->loop) - fo->fsm.ctr.state_since);
	prom_family(out, "dhcpfo_link_last_heard_age_seconds", PROM_GAUGE,
	    "time since the failover was last heard (absent: never)");
	if (fo->configured && fo->last_heard > 0)
		prom_sample(out, "dhcpfo_link_last_heard_age_seconds", NULL,
		    ev_now(srv->loop) - fo->last_heard);
	prom_family(out, "dhcpfo_link_key_error", PROM_GAUGE, "1: the "
	    "failover keys did not load; serving without failover");
	prom_sample(out, "dhcpfo_link_key_error", NULL,
	    fo->configured && fo->keystat.error[0] != '\0');
	prom_family(out, "dhcpfo_link_second_key_total", PROM_COUNTER,
	    "messages accepted with AcceptSharedKeyFile's key (stops rising "
	    "once the failover signs with SharedKeyFile's)");
	prom_sample_u(out, "dhcpfo_link_second_key_total", NULL,
	    fo->keystat.second_key);
}

/* Binding updates to the failover (replicate.c), as status shows them. */
static void
replication(struct server *srv, struct strbuf *out)
{
	const struct repl *rp = repl_get(srv);
	const struct repl_stream *r;

	if (rp == NULL || !srv->link->configured)
		return;
	r = &rp->stream;
	prom_family(out, "dhcpfo_replication_backlog", PROM_GAUGE, "binding "
	    "updates not acknowledged yet: queued and in flight");
	prom_sample(out, "dhcpfo_replication_backlog", NULL,
	    (double)(r->q.n + fo_tx_inflight(&r->tx)));
	prom_family(out, "dhcpfo_replication_paused", PROM_GAUGE, "1: an "
	    "update was given up on; sending waits to hear from the failover");
	prom_sample(out, "dhcpfo_replication_paused", NULL, r->paused);
	prom_family(out, "dhcpfo_replication_queued_total", PROM_COUNTER,
	    "lease changes queued for the failover");
	prom_sample_u(out, "dhcpfo_replication_queued_total", NULL, r->queued);
	prom_family(out, "dhcpfo_replication_acked_total", PROM_COUNTER,
	    "binding updates the failover acknowledged (stored)");
	prom_sample_u(out, "dhcpfo_replication_acked_total", NULL, r->acked);
	prom_family(out, "dhcpfo_replication_retries_total", PROM_COUNTER,
	    "binding updates sent again for want of an ack");
	prom_sample_u(out, "dhcpfo_replication_retries_total", NULL,
	    r->retries);
	prom_family(out, "dhcpfo_replication_failures_total", PROM_COUNTER,
	    "binding updates given up on after SyncBindRetryMax");
	prom_sample_u(out, "dhcpfo_replication_failures_total", NULL,
	    r->failures);
}

static int
produce(void *arg, struct strbuf *out)
{
	struct server *srv = arg;
	struct ctl_stats cs = { 0 };

	metrics_http_write_own(srv->metrics->http, out, "primary",
	    srv->cfg.server.name, srv->started);
	malformed(srv, out);
	service(srv, out);
	if (subnets(srv, srv->metrics, out) < 0)
		return -1;
	link_state_families(srv, out);
	replication(srv, out);
	ctl_stats_add(srv->ctl, &cs);
	ctl_stats_add(srv->ctl_ro, &cs);
	ctl_prom_write(out, &cs);
	return 0;
}

int
pr_metrics_start(struct server *srv, char *err, size_t errlen)
{
	const struct cfg_server *c = &srv->cfg.server;

	if (c->metrics_port == 0)
		return 0;
	if ((srv->metrics = calloc(1, sizeof(*srv->metrics))) == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		return -1;
	}
	srv->metrics->http = metrics_http_start(srv->loop, c->metrics_addr,
	    c->metrics_port, produce, srv, err, errlen);
	if (srv->metrics->http == NULL) {
		pr_metrics_stop(srv);
		return -1;
	}
	return 0;
}

void
pr_metrics_stop(struct server *srv)
{
	if (srv->metrics == NULL)
		return;
	metrics_http_stop(srv->metrics->http);
	free(srv->metrics->subs);
	free(srv->metrics);
	srv->metrics = NULL;
}
