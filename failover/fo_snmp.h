/*
 * The failover's side of the SNMP sub-agent (fo_snmp.c): main thread only.
 */
#ifndef DHCPFO_FO_SNMP_H
#define DHCPFO_FO_SNMP_H

struct fod;
struct fo_peer;

/* Starts the AgentX sub-agent when the config has [snmp]: 0 or -1. */
int	fo_snmp_start(struct fod *);
/*
 * Reload: applies fod->cfg.snmp as fod_reload left it (switches and
 * thresholds at once; a new AgentXSocket restarts the sub-agent; an
 * added or removed section starts or stops it).
 */
void	fo_snmp_apply(struct fod *);
void	fo_snmp_stop(void);
/* One trap for a notification (enum fo_notify or enum fo_alert);
 * from/to: enum fo_state, for FO_NOTIFY_STATE_CHANGE only. */
void	fo_snmp_trap(struct fod *, struct fo_peer *, int note, int from,
	    int to, const char *text);

#endif
