/*
 * Subnet utilisation crossings, for dhcpfoSubnetUtilisationHigh/Normal
 * ([snmp] UtilisationHigh, UtilisationNormal).  Two thresholds with a gap
 * between them (hysteresis): a subnet becomes "high" when the addresses
 * in use reach UtilisationHigh percent of its total, and "normal" again
 * only when they fall to UtilisationNormal percent or below, so a subnet
 * hovering at one threshold gives one notification per crossing, not one
 * per look.
 *
 * The same looks follow the failover's share of each subnet (share.h),
 * for dhcpfoFailoverShareExhausted: an episode starts when the share's
 * last free address is taken while its exhaustion matters (on the
 * failover: in the safe period, when new clients are then refused; on a
 * primary with a failover: always, as a takeover could then serve no new
 * client), and
 * ends only when the share has a free address again.  One notification
 * per episode, however long the share stays used up.
 *
 * Pure: no clock, no I/O.  The caller decides how often to look (the
 * SNMP agent: once a second) and which subnets to watch.
 */
#ifndef DHCPFO_UTILISATION_H
#define DHCPFO_UTILISATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum util_cross {
	UTIL_CROSS_NONE = 0,	/* no change */
	UTIL_CROSS_HIGH,	/* normal -> high: send the High trap */
	UTIL_CROSS_NORMAL,	/* high -> normal: send the Normal trap */
};

/*
 * One look at one subnet.  *high is its state (false, "normal", before
 * the first look).  Exact integer comparisons: high when
 * in_use * 100 >= high_pct * total, normal again when
 * in_use * 100 <= normal_pct * total.  A subnet with no addresses
 * (total 0) never crosses.  normal_pct < high_pct is the caller's
 * (the config loader checks it).
 */
enum util_cross	 util_cross_step(bool *high, uint32_t in_use, uint32_t total,
		    unsigned high_pct, unsigned normal_pct);

enum share_cross {
	SHARE_CROSS_NONE = 0,	/* no change */
	SHARE_CROSS_EXHAUSTED,	/* an episode starts: send the notification */
	SHARE_CROSS_REARMED,	/* the share has a free address again */
};

/*
 * One look at one subnet's share.  *exhausted is its episode (false
 * before the first look).  An episode starts when share_free is 0 of a
 * share_total above 0 while `matters`; it ends when share_free is above
 * 0, or when there is no share any more (share_total 0, after a reload).
 * A used-up share that does not matter yet starts no episode: it does
 * when it comes to matter, if still used up.
 */
enum share_cross share_cross_step(bool *exhausted, uint32_t share_free,
		    uint32_t share_total, bool matters);

/* Percent in use, rounded to the nearest (dhcpfoSubnetPercentUsed). */
uint32_t	 util_percent(uint32_t in_use, uint32_t total);

/* One subnet as seen at a look. */
struct util_sample {
	uint32_t	 network;	/* with prefix: the subnet's key */
	uint8_t		 prefix;
	uint32_t	 in_use, total;
	bool		 watched;	/* false: forget its states */
	uint32_t	 share_free, share_total;
	bool		 share_matters;	/* see share_cross_step() */
};

/*
 * The states of a set of subnets, keyed by (network, prefix) so that a
 * reload that reorders, adds or removes subnets keeps the others' states.
 */
struct util_watch {
	struct util_state {
		uint32_t	 network;
		uint8_t		 prefix;
		bool		 high;
		bool		 share_exhausted;
	}		*v;		/* sorted by (network, prefix) */
	size_t		 n;
};

/* What a look is for. */
struct util_look {
	/* Utilisation crossings; false: none, and every subnet is
	 * "normal" again (switching them on reports afresh). */
	bool		 util;
	unsigned	 high_pct, normal_pct;
	/* Share episodes; false: none, and none is running any more. */
	bool		 share;
};

/* What one subnet crossed at a look. */
struct util_event {
	enum util_cross	 util;
	enum share_cross share;
};

/*
 * One look at every subnet: out[i] is what samples[i] crossed.  A subnet
 * that is not watched, or not in samples at all, is forgotten: when it is
 * watched again it starts from "normal" with no share episode (a server
 * that takes a subnet over reports it afresh).  Returns 0, or -1 when
 * out of memory (the states are then unchanged and out[] is all NONE).
 */
int		 util_watch_step(struct util_watch *,
		    const struct util_sample *samples, size_t n,
		    const struct util_look *look, struct util_event *out);
void		 util_watch_free(struct util_watch *);

#endif
