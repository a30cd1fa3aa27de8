/*
 * Subnet utilisation crossings and share episodes (utilisation.h).
 */
#include <stdlib.h>
#include <string.h>

#include "utilisation.h"

enum util_cross
util_cross_step(bool *high, uint32_t in_use, uint32_t total,
    unsigned high_pct, unsigned normal_pct)
{
	/* 64 bits: 100 * 2^32 does not fit in 32. */
	uint64_t used = (uint64_t)in_use * 100;

	if (total == 0)
		return UTIL_CROSS_NONE;
	if (!*high && used >= (uint64_t)high_pct * total) {
		*high = true;
		return UTIL_CROSS_HIGH;
	}
	if (*high && used <= (uint64_t)normal_pct * total) {
		*high = false;
		return UTIL_CROSS_NORMAL;
	}
	return UTIL_CROSS_NONE;
}

enum share_cross
share_cross_step(bool *exhausted, uint32_t share_free, uint32_t share_total,
    bool matters)
{
	if (share_total == 0 || share_free > 0) {
		if (!*exhausted)
			return SHARE_CROSS_NONE;
		*exhausted = false;
		return SHARE_CROSS_REARMED;
	}
	if (*exhausted || !matters)
		return SHARE_CROSS_NONE;
	*exhausted = true;
	return SHARE_CROSS_EXHAUSTED;
}

uint32_t
util_percent(uint32_t in_use, uint32_t total)
{
	if (total == 0)
		return 0;
	return (uint32_t)(((uint64_t)in_use * 100 + total / 2) / total);
}

static int
cmp_key(uint32_t na, uint8_t pa, uint32_t nb, uint8_t pb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	return pa < pb ? -1 : pa > pb;
}

static int
cmp_state(const void *a, const void *b)
{
	const struct util_state *x = a, *y = b;

	return cmp_key(x->network, x->prefix, y->network, y->prefix);
}

static const struct util_state *
find(const struct util_watch *w, uint32_t network, uint8_t prefix)
{
	size_t	 lo = 0, hi = w->n;

	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;
		int	 c = cmp_key(w->v[mid].network, w->v[mid].prefix,
		    network, prefix);

		if (c == 0)
			return &w->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
util_watch_step(struct util_watch *w, const struct util_sample *samples,
    size_t n, const struct util_look *look, struct util_event *out)
{
	struct util_state *nv = NULL;
	size_t	 nn = 0;

	for (size_t i = 0; i < n; i++) {
		out[i].util = UTIL_CROSS_NONE;
		out[i].share = SHARE_CROSS_NONE;
	}
	if (n > 0 && (nv = calloc(n, sizeof(*nv))) == NULL)
		return -1;
	/* The new set is built beside the old one, so a subnet's state
	 * follows its key, wherever the subnet now sits in samples. */
	for (size_t i = 0; i < n; i++) {
		const struct util_sample *s = &samples[i];
		const struct util_state *old;
		struct util_state *st;

		if (!s->watched)
			continue;
		st = &nv[nn++];
		st->network = s->network;
		st->prefix = s->prefix;
		old = find(w, s->network, s->prefix);
		if (look->util) {
			st->high = old != NULL && old->high;
			out[i].util = util_cross_step(&st->high, s->in_use,
			    s->total, look->high_pct, look->normal_pct);
		}
		if (look->share) {
			st->share_exhausted = old != NULL &&
			    old->share_exhausted;
			out[i].share = share_cross_step(&st->share_exhausted,
			    s->share_free, s->share_total, s->share_matters);
		}
	}
	if (nn > 1)
		qsort(nv, nn, sizeof(*nv), cmp_state);
	free(w->v);
	w->v = nv;
	w->n = nn;
	return 0;
}

void
util_watch_free(struct util_watch *w)
{
	free(w->v);
	w->v = NULL;
	w->n = 0;
}
