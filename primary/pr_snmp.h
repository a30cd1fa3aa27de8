/* The primary's side of the SNMP sub-agent (pr_snmp.c). */
#ifndef DHCPFO_PR_SNMP_H
#define DHCPFO_PR_SNMP_H

#include <stdint.h>

#include "link.h"
#include "pr_fsm.h"

struct server;

/*
 * At start and after a reload: applies srv->cfg.snmp (the sub-agent
 * starts when [snmp] is there; on a reload switches and thresholds
 * apply at once, a new AgentXSocket restarts it, a new or removed
 * section starts or stops it).  0, or -1 when a start failed (logged).
 */
int	pr_snmp_apply(struct server *);
void	pr_snmp_stop(void);
/* A pr_fsm notification as a trap; from/to: enum pr_state. */
void	pr_snmp_notify(struct server *, enum pr_notify, int from, int to,
	    const char *reason);
/* Replication gave up on an update (replicate.c). */
void	pr_snmp_repl_stopped(struct server *);
/* A failover datagram was rejected: bad HMAC or replay raise
 * dhcpfoAuthenticationFailure, at most one a minute. */
void	pr_snmp_rejected(struct server *, enum fo_reject, uint32_t src,
	    uint16_t sport);
/* A hand-back found addr bound to two clients (what: both clients and
 * which binding was kept). */
void	pr_snmp_duplicate(struct server *, uint32_t addr, const char *what);

#endif
