/* The primary's side of the SNMP sub-agent (pr_snmp.c). */
#ifndef DHCPFO_PR_SNMP_H
#define DHCPFO_PR_SNMP_H

#include "pr_fsm.h"

struct server;

/* Starts the AgentX sub-agent when the config has [snmp]: 0 or -1. */
int	pr_snmp_start(struct server *);
void	pr_snmp_stop(void);
/* A pr_fsm notification as a trap; from/to: enum pr_state. */
void	pr_snmp_notify(struct server *, enum pr_notify, int from, int to,
	    const char *reason);

#endif
