/*
 * The primary's Prometheus endpoint ([server] MetricsListen,
 * docs/metrics.md): what it exports, produced on the main loop from the
 * state status and SNMP read.
 */
#ifndef DHCPFO_PR_METRICS_H
#define DHCPFO_PR_METRICS_H

#include <stddef.h>

struct server;

/* Listen on MetricsListen, if set: 0, or -1 with err filled (the address
 * cannot be bound). */
int	pr_metrics_start(struct server *, char *err, size_t errlen);
void	pr_metrics_stop(struct server *);

#endif
