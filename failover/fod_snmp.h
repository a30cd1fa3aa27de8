/*
 * The failover's side of the SNMP sub-agent (fod_snmp.c): main thread only.
 */
#ifndef DHCPFO_FOD_SNMP_H
#define DHCPFO_FOD_SNMP_H

struct fod;
struct fod_peer;

/*
 * At start and after a reload: applies fod->cfg.snmp (the sub-agent
 * starts when [snmp] is there; on a reload switches and thresholds
 * apply at once, a new AgentXSocket restarts it, an added or removed
 * section starts or stops it).  0, or -1 when a start failed (logged).
 */
int	fod_snmp_apply(struct fod *);
void	fod_snmp_stop(void);
/* One trap for a notification (enum fod_notify or enum fod_alert);
 * from/to: enum fod_state, for FOD_NOTIFY_STATE_CHANGE only. */
void	fod_snmp_trap(struct fod *, struct fod_peer *, int note, int from,
	    int to, const char *text);

#endif
