/*
 * The failover's side of the SNMP sub-agent (fod_snmp.c): main thread only.
 */
#ifndef DHCPFO_FOD_SNMP_H
#define DHCPFO_FOD_SNMP_H

struct fod;
struct fod_peer;

/* Starts the AgentX sub-agent when the config has [snmp]: 0 or -1. */
int	fod_snmp_start(struct fod *);
/*
 * Reload: applies fod->cfg.snmp as fod_reload left it (switches and
 * thresholds at once; a new AgentXSocket restarts the sub-agent; an
 * added or removed section starts or stops it).
 */
void	fod_snmp_apply(struct fod *);
void	fod_snmp_stop(void);
/* One trap for a notification (enum fod_notify or enum fod_alert);
 * from/to: enum fod_state, for FOD_NOTIFY_STATE_CHANGE only. */
void	fod_snmp_trap(struct fod *, struct fod_peer *, int note, int from,
	    int to, const char *text);

#endif
