/*
 * The failover's share of a subnet (see share.h for the rule and why).
 */
#include <stdlib.h>
#include <string.h>

#include "ranges.h"
#include "share.h"

/* Addresses of the subnet never handed out, sorted, unique. */
static size_t
unusable(const struct cfg_subnet *sn, uint32_t *v)
{
	uint32_t	 net = sn->network & sn->mask;
	size_t		 i, n = 0, m = 0;

	for (i = 0; i < sn->nexcludes && i < CFG_MAX_EXCLUDES; i++)
		v[n++] = sn->excludes[i];
	/* RFC 950: the network and broadcast addresses name no host (a
	 * /31 or /32 has neither; the loader allows neither). */
	if (sn->mask != 0xffffffffu && sn->mask != 0xfffffffeu) {
		v[n++] = net;
		v[n++] = net | ~sn->mask;
	}
	/* Insertion sort: the list is nearly sorted already. */
	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t	 j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	for (i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

/* How many of x[0..n) lie in [lo, hi]. */
static size_t
count_in(const uint32_t *x, size_t n, uint32_t lo, uint32_t hi)
{
	size_t	 c = 0;

	for (size_t i = 0; i < n; i++)
		c += x[i] >= lo && x[i] <= hi;
	return c;
}

static bool
is_unusable(const uint32_t *x, size_t n, uint32_t a)
{
	size_t	 lo = 0, hi = n;

	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (x[mid] == a)
			return true;
		if (x[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Prepend [lo, hi] to the runs taken from one range, which are
 * collected from the top down. */
static void
add_run(struct share_set *s, uint32_t lo, uint32_t hi)
{
	if (s->nruns < SHARE_MAX_RUNS) {
		s->runs[s->nruns].lo = lo;
		s->runs[s->nruns].hi = hi;
		s->nruns++;
		s->count += hi - lo + 1;
	}
}

/* The top `want` usable addresses of [lo, hi], as ascending runs. */
static void
take_top(struct share_set *s, uint32_t lo, uint32_t hi, uint64_t want,
    const uint32_t *x, size_t nx)
{
	size_t	 first = s->nruns;
	int64_t	 a = hi;

	while (want > 0 && a >= (int64_t)lo) {
		int64_t	 top;

		while (a >= (int64_t)lo && is_unusable(x, nx, (uint32_t)a))
			a--;
		if (a < (int64_t)lo)
			break;
		top = a;
		while (want > 0 && a >= (int64_t)lo &&
		    !is_unusable(x, nx, (uint32_t)a)) {
			a--;
			want--;
		}
		add_run(s, (uint32_t)(a + 1), (uint32_t)top);
	}
	/* Collected top-down: put this range's runs in ascending order. */
	for (size_t i = first, j = s->nruns; i + 1 < j; i++, j--) {
		struct cfg_range t = s->runs[i];

		s->runs[i] = s->runs[j - 1];
		s->runs[j - 1] = t;
	}
}

void
share_compute(const struct cfg_subnet *sn, struct share_set *out)
{
	struct cfg_range r[CFG_MAX_RANGES];
	uint32_t	 x[CFG_MAX_EXCLUDES + 2];
	size_t		 nr, nx;
	unsigned	 pct = sn->failover_share;

	out->nruns = 0;
	out->count = 0;
	if (pct == 0)
		return;
	if (pct > SHARE_PERCENT_MAX)
		pct = SHARE_PERCENT_MAX;
	nr = ranges_normalise(sn->ranges, sn->nranges < CFG_MAX_RANGES ?
	    sn->nranges : CFG_MAX_RANGES, sn->network & sn->mask,
	    (sn->network & sn->mask) | ~sn->mask, r);
	nx = unusable(sn, x);
	for (size_t i = 0; i < nr; i++) {
		uint64_t n = (uint64_t)r[i].hi - r[i].lo + 1 -
		    count_in(x, nx, r[i].lo, r[i].hi);
		uint64_t want = (n * pct + 99) / 100;

		if (want >= n)
			want = n > 0 ? n - 1 : 0;
		take_top(out, r[i].lo, r[i].hi, want, x, nx);
	}
}

bool
share_contains(const struct share_set *s, uint32_t addr)
{
	size_t	 lo = 0, hi = s->nruns;

	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (addr < s->runs[mid].lo)
			hi = mid;
		else if (addr > s->runs[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int64_t
share_safe_until(const struct cfg_subnet *sn, int64_t heard)
{
	return heard + (int64_t)sn->safe_period;
}
