/*
 * The control sockets' refusals as a Prometheus family, the same in
 * both daemons' metrics (primary/pr_metrics.c, failover/fod_metrics.c).
 */
#ifndef DHCPFO_CTL_PROM_H
#define DHCPFO_CTL_PROM_H

#include "control.h"
#include "strbuf.h"

/* dhcpfo_control_refused_total{reason=...} from st. */
void	ctl_prom_write(struct strbuf *, const struct ctl_stats *st);

#endif
