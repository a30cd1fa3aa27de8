/*
 * Subnet utilisation crossings, for dhcpfoSubnetUtilisationHigh/Normal
 * ([snmp] UtilisationHigh, UtilisationNormal).  Two thresholds with a gap
 * between them (hysteresis): a subnet becomes "high" when the addresses
 * in use reach UtilisationHigh percent of its total, and "normal" again
 * only when they fall to UtilisationNormal percent or below, so a subnet
 * hovering at one threshold gives one notification per crossing, not one
 * per look.
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

/* Percent in use, rounded to the nearest (dhcpfoSubnetPercentUsed). */
uint32_t	 util_percent(uint32_t in_use, uint32_t total);

/* One subnet as seen at a look. */
struct util_sample {
	uint32_t	 network;	/* with prefix: the subnet's key */
	uint8_t		 prefix;
	uint32_t	 in_use, total;
	bool		 watched;	/* false: forget its state */
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
	}		*v;		/* sorted by (network, prefix) */
	size_t		 n;
};

/*
 * One look at every subnet: out[i] is what samples[i] crossed.  A subnet
 * that is not watched, or not in samples at all, is forgotten: when it is
 * watched again it starts from "normal" (a server that takes a subnet
 * over reports it afresh).  Returns 0, or -1 when out of memory (the
 * states are then unchanged and out[] is all UTIL_CROSS_NONE).
 */
int		 util_watch_step(struct util_watch *,
		    const struct util_sample *samples, size_t n,
		    unsigned high_pct, unsigned normal_pct,
		    enum util_cross *out);
void		 util_watch_free(struct util_watch *);

#endif
