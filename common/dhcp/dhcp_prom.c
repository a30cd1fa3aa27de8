/*
 * DHCP service and subnet metric families (dhcp_prom.h; each family is
 * described in docs/metrics.md under the same name).
 */
#include <stdio.h>

#include "dhcp_proto.h"
#include "dhcp_prom.h"

struct named_slot {
	unsigned	 slot;
	const char	*name;
};

/* Engine message slots: 0 is BOOTP, the rest DHCP message types. */
static const struct named_slot received[] = {
	{ 0, "bootp" }, { DHCPDISCOVER, "discover" },
	{ DHCPREQUEST, "request" }, { DHCPDECLINE, "decline" },
	{ DHCPRELEASE, "release" }, { DHCPINFORM, "inform" },
};
static const struct named_slot sent[] = {
	{ 0, "bootp" }, { DHCPOFFER, "offer" }, { DHCPACK, "ack" },
	{ DHCPNAK, "nak" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
by_type(struct strbuf *sb, const char *name, const char *help,
    const struct dhcp_prom_service *v, size_t n, bool rx)
{
	const struct named_slot *t = rx ? received : sent;
	size_t	 nt = rx ? NELEM(received) : NELEM(sent);
	struct prom_labels l;

	prom_family(sb, name, PROM_COUNTER, help);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nt; k++) {
			const uint64_t *c = rx ? v[i].eng->rx : v[i].eng->tx;

			prom_labels_with(&l, &v[i].labels, "type", t[k].name);
			prom_sample_u(sb, name, &l, c[t[k].slot]);
		}
}

static void
drops(struct strbuf *sb, const struct dhcp_prom_service *v, size_t n)
{
	static const char name[] = "dhcpfo_dhcp_dropped_total";
	struct prom_labels l;

	prom_family(sb, name, PROM_COUNTER, "requests the engine answered "
	    "with nothing, by reason");
	for (size_t i = 0; i < n; i++)
		for (int k = 1; k < ENGINE_DROP_COUNT; k++) {
			prom_labels_with(&l, &v[i].labels, "reason",
			    engine_drop_name(k));
			prom_sample_u(sb, name, &l, v[i].eng->drops[k]);
		}
}

enum svc_counter { SVC_SEND_ERRORS, SVC_WITHHELD, SVC_COMMITS,
	SVC_COMMIT_FAILURES };

static uint64_t
svc_value(const struct dhcp_prom_service *s, enum svc_counter c)
{
	switch (c) {
	case SVC_SEND_ERRORS:	return s->tx->send_errors;
	case SVC_WITHHELD:	return s->acks_withheld;
	case SVC_COMMITS:	return s->commits;
	case SVC_COMMIT_FAILURES: return s->commit_failures;
	}
	return 0;
}

static void
svc_counter(struct strbuf *sb, const char *name, const char *help,
    const struct dhcp_prom_service *v, size_t n, enum svc_counter c)
{
	prom_family(sb, name, PROM_COUNTER, help);
	for (size_t i = 0; i < n; i++)
		prom_sample_u(sb, name, &v[i].labels, svc_value(&v[i], c));
}

void
dhcp_prom_services(struct strbuf *sb, const struct dhcp_prom_service *v,
    size_t n)
{
	static const char req[] = "dhcpfo_dhcp_request_duration_seconds";
	static const char com[] = "dhcpfo_lease_commit_duration_seconds";

	by_type(sb, "dhcpfo_dhcp_received_total", "DHCP and BOOTP requests "
	    "received, by message type", v, n, true);
	by_type(sb, "dhcpfo_dhcp_sent_total", "replies the engine made, by "
	    "message type (an ACK whose commit failed is counted here and in "
	    "dhcpfo_dhcp_acks_withheld_total)", v, n, false);
	drops(sb, v, n);
	svc_counter(sb, "dhcpfo_dhcp_send_errors_total", "replies the kernel "
	    "refused to send", v, n, SVC_SEND_ERRORS);
	svc_counter(sb, "dhcpfo_dhcp_acks_withheld_total", "ACKs never sent: "
	    "their lease was not made durable (the client retries)", v, n,
	    SVC_WITHHELD);
	prom_family(sb, req, PROM_HISTOGRAM, "from a request's arrival to its "
	    "reply leaving: an ACK's includes its group commit, an offer's a "
	    "ping check");
	for (size_t i = 0; i < n; i++)
		prom_histogram(sb, req, &v[i].labels, &v[i].tx->latency);
	svc_counter(sb, "dhcpfo_lease_commits_total", "group commits made "
	    "durable", v, n, SVC_COMMITS);
	svc_counter(sb, "dhcpfo_lease_commit_failures_total", "group commits "
	    "lost to a lease store error (rolled back whole)", v, n,
	    SVC_COMMIT_FAILURES);
	prom_family(sb, com, PROM_HISTOGRAM, "time of one group commit (one "
	    "synchronous log flush) of the lease store");
	for (size_t i = 0; i < n; i++)
		prom_histogram(sb, com, &v[i].labels, v[i].commit_secs);
}

void
dhcp_prom_subnet_labels(struct prom_labels *l, const char *name,
    uint32_t network, uint8_t prefix)
{
	char	 cidr[24];

	snprintf(cidr, sizeof(cidr), "%u.%u.%u.%u/%u", network >> 24,
	    (network >> 16) & 0xff, (network >> 8) & 0xff, network & 0xff,
	    prefix);
	prom_labels_init(l);
	prom_labels_add(l, "subnet", cidr);
	prom_labels_add(l, "name", name);
}

enum sub_gauge { SUB_TOTAL, SUB_IN_USE, SUB_FREE, SUB_DECLINED,
	SUB_CONFLICT, SUB_SHARE, SUB_SHARE_FREE, SUB_SERVING };

static const struct {
	const char	*name, *help;
} sub_families[] = {
	[SUB_TOTAL] = { "dhcpfo_subnet_addresses", "dynamic addresses of "
	    "the subnet's ranges, less exclusions" },
	[SUB_IN_USE] = { "dhcpfo_subnet_addresses_in_use", "addresses "
	    "offered or bound" },
	[SUB_FREE] = { "dhcpfo_subnet_addresses_free", "addresses never "
	    "used, free, released or expired" },
	[SUB_DECLINED] = { "dhcpfo_subnet_addresses_declined", "addresses a "
	    "client declined (quarantined MaxUnavailableTime)" },
	[SUB_CONFLICT] = { "dhcpfo_subnet_addresses_conflict", "addresses "
	    "found in use by a ping check or a hand-back conflict" },
	[SUB_SHARE] = { "dhcpfo_subnet_share_addresses", "dynamic addresses "
	    "of the failover's share (FailoverShare)" },
	[SUB_SHARE_FREE] = { "dhcpfo_subnet_share_addresses_free", "free "
	    "addresses of the failover's share" },
	[SUB_SERVING] = { "dhcpfo_subnet_serving", "1 while this daemon "
	    "grants leases from the subnet" },
};

static uint32_t
sub_value(const struct dhcp_prom_subnet *s, enum sub_gauge g)
{
	switch (g) {
	case SUB_TOTAL:		return s->st.total;
	case SUB_IN_USE:	return pool_stats_in_use(&s->st);
	case SUB_FREE:		return s->st.free;
	case SUB_DECLINED:	return s->st.declined;
	case SUB_CONFLICT:	return s->st.conflict;
	case SUB_SHARE:		return s->st.share_total;
	case SUB_SHARE_FREE:	return s->st.share_free;
	case SUB_SERVING:	return s->serving;
	}
	return 0;
}

void
dhcp_prom_subnets(struct strbuf *sb, const struct dhcp_prom_subnet *v,
    size_t n)
{
	for (size_t g = 0; g < NELEM(sub_families); g++) {
		prom_family(sb, sub_families[g].name, PROM_GAUGE,
		    sub_families[g].help);
		for (size_t i = 0; i < n; i++)
			prom_sample(sb, sub_families[g].name, &v[i].labels,
			    sub_value(&v[i], (enum sub_gauge)g));
	}
}
