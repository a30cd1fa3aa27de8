/*
 * The metric families both daemons export of their DHCP service and
 * their subnets (docs/metrics.md), written once for both from the
 * structs status and SNMP read: the engine's counters, the reply
 * queues' statistics, the lease store's, each pool's.
 *
 * On the primary there is one service, with no label; on the failover
 * one per primary, labelled primary="NAME" (what each primary's thread
 * served in a takeover, and its store's commits).  Each family is
 * written whole (HELP, TYPE, then a sample per service or subnet), as
 * the text format requires.
 */
#ifndef DHCPFO_DHCP_PROM_H
#define DHCPFO_DHCP_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_reply.h"
#include "engine.h"
#include "pool.h"
#include "prom.h"

/* One DHCP service and the store it commits to. */
struct dhcp_prom_service {
	struct prom_labels	 labels;	/* whose: none, or primary= */
	const struct engine_counters *eng;
	const struct dhcp_reply_stats *tx;
	uint64_t		 acks_withheld;	/* gcommit_stats */
	uint64_t		 commits, commit_failures;
	const struct prom_hist	*commit_secs;	/* lease_db_stats */
};

void	dhcp_prom_services(struct strbuf *, const struct dhcp_prom_service *v,
	    size_t n);

/* One subnet as a scrape sees it. */
struct dhcp_prom_subnet {
	struct prom_labels	 labels;	/* dhcp_prom_subnet_labels() */
	bool			 serving;	/* this daemon grants from it */
	struct pool_stats	 st;
};

/* subnet="198.51.100.0/24",name="lan1" into l (the caller may add
 * more: the failover adds primary=). */
void	dhcp_prom_subnet_labels(struct prom_labels *l, const char *name,
	    uint32_t network, uint8_t prefix);
void	dhcp_prom_subnets(struct strbuf *, const struct dhcp_prom_subnet *v,
	    size_t n);

#endif
