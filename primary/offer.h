/*
 * The configuration the primary offers its failover (offer.c;
 * docs/learn.md): its scope -- option definitions, global options,
 * classes, subnets, reservations -- rendered as INI text once per load,
 * announced by size and SHA-256 (CFG_ID) in every PollRpl, CtlReq and
 * SyncStart, and sent in parts on CfgReq.  The counters are offer.c's
 * alone (docs/architecture.md convention 14); others read them through
 * offer_get().
 */
#ifndef DHCPFO_PRIMARY_OFFER_H
#define DHCPFO_PRIMARY_OFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "fo_codec.h"
#include "strbuf.h"

struct server;

struct offer {
	struct strbuf	 text;		/* primary form, cfg_render_scope() */
	uint8_t		 sha[FO_SHA256_LEN];	/* of text */
	bool		 ok;		/* rendered: announced and served */
	uint64_t	 generation;	/* 1 at start, +1 per changed reload */
	double		 changed;	/* wall clock of the last change */
	uint64_t	 requests;	/* CfgReq answered with a part */
	uint64_t	 bytes_sent;
	uint64_t	 stale;		/* CfgReq for a text we no longer offer */
};

/* With a failover, from link_open: 0, or -1 out of memory. */
int	offer_init(struct server *);
void	offer_free(struct server *);
/* NULL without a failover. */
const struct offer *offer_get(const struct server *);
/* After a reload: render the new configuration (logs when it changed). */
void	offer_reloaded(struct server *);
/* Add CFG_ID to a PollRpl, CtlReq or SyncStart being built. */
void	offer_announce(const struct server *, struct fo_msg *);
/* CfgReq received (authenticated and decoded): answer with CfgRpl. */
void	offer_request(struct server *, const struct fo_msg *);

#endif
