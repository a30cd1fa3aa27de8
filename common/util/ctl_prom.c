/*
 * dhcpfo_control_refused_total: one family, one sample per reason, so a
 * single alert covers every way a control connection was turned away.
 */
#include "ctl_prom.h"
#include "prom.h"

void
ctl_prom_write(struct strbuf *out, const struct ctl_stats *st)
{
	const char *name = "dhcpfo_control_refused_total";
	const struct {
		const char	*reason;
		uint64_t	 n;
	} v[] = {
		{ "peer", st->refused_peers },
		{ "busy", st->busy },
		{ "deadline", st->deadline },
		{ "descriptors", st->fd_pauses },
	};
	struct prom_labels l;

	prom_family(out, name, PROM_COUNTER, "control connections refused "
	    "or cut short: peer not allowed, too many at once, deadline "
	    "reached, out of descriptors (docs/control.md)");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		prom_labels_init(&l);
		prom_labels_add(&l, "reason", v[i].reason);
		prom_sample_u(out, name, &l, v[i].n);
	}
}
