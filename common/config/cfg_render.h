/*
 * A configuration's scope written back as INI text: what a primary hands
 * out and to whom, in the form config_load_scope() reads (primary.ini's
 * sections) or in failover.ini's form, for the failover to learn.
 *
 * What is written is what a load of it gives back: the same option
 * definitions, option sets (space, code, bytes, AlwaysSend, boot
 * fields), classes, subnets and hosts in the same order, so the subnet
 * digests (fo_digest.h) agree, and rendering the loaded text again
 * gives the same bytes.
 */
#ifndef DHCPFO_CFG_RENDER_H
#define DHCPFO_CFG_RENDER_H

#include "config.h"

struct strbuf;

/*
 * Render cfg's scope as INI text: [option:NAME] definitions, the global
 * options, [class:NAME], [subnet:NAME] and [host:NAME] sections, in that
 * order (sections keep cfg's array order; classes' order is their
 * precedence).
 * primary == NULL: primary.ini form -- global options under [server].
 * primary != NULL: failover.ini form -- global options under
 *   [primary:NAME] (primary_keys, if not NULL, is inserted verbatim
 *   right after that header line, a newline added if it lacks its last:
 *   e.g. "Address = 192.0.2.1\nSharedKeyFile = /etc/k\n"), and every
 *   subnet, host and class section gets "Primary = NAME".
 * Subnets carry their resolved FailoverShare, never SafePeriod.  A
 * value too long for one line of the INI reader in its usual form is
 * written in its most compact one ("Key=a,b", hex without ':').
 * The output is deterministic (same cfg -> same bytes), has no comments
 * and no timestamps.  It is appended to out.  Returns 0, or -1 (out of
 * memory, or a value that cannot be rendered: out is then as it was,
 * unless out of memory left it failed).
 */
int	cfg_render_scope(const struct config *cfg, const char *primary,
	    const char *primary_keys, struct strbuf *out);

#endif
