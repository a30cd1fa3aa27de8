/*
 * The configured part of a reply (docs/options.md): its options and the
 * boot fields siaddr, file and sname, taken from the levels that apply
 * to the client, most specific first -- its host reservation, its
 * classes in file order, its subnet, [server] -- each option and field
 * from the first level that sets it.
 *
 * Which options go: 3 (routers) always, as RFC 2131 clients without a
 * parameter request list need it; any option marked AlwaysSend at the
 * level that sets it; the rest only when the client's option 55 asks
 * for them, or when it sent no option 55 at all (RFC 2131 4.3.1 lets a
 * server send what it has; a client without a list gets a usable
 * configuration).  Vendor sub-options (space vendor) go together inside
 * option 43 when 43 is asked for or one of them is AlwaysSend; they
 * replace a plain Option.vendor-encapsulated-options value.  Options
 * the engine set already (53, 54, 51, 58, 59, 1) are never replaced.
 *
 * Pure: no I/O, no globals, no allocation.  Costs one pass over the
 * options of each level plus, per option sent, one copy of its bytes.
 */
#ifndef DHCPFO_REPLY_OPTS_H
#define DHCPFO_REPLY_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhcp_codec.h"

/* The levels of one reply, most specific first. */
struct reply_levels {
	size_t		 n;
	const struct cfg_optset *v[CFG_MAX_CLASSES + 3];
};

/* h may be NULL (no reservation of this client at this address);
 * classes is the request's class bits (classify.h). */
void	reply_levels(const struct config *cfg, const struct cfg_subnet *sn,
	    const struct cfg_host *h, uint64_t classes,
	    struct reply_levels *out);

/*
 * Add the levels' options to rp, filtered by the request's option 55
 * (prl, prl_len; NULL when it sent none), and, with `boot`, set siaddr,
 * file and sname (DHCP OFFER/ACK and BOOTP replies; never a NAK).
 */
void	reply_opts_fill(struct dhcp_msg *rp, const struct reply_levels *lv,
	    const uint8_t *prl, size_t prl_len, bool boot);

#endif
