/*
 * Address ranges, normalised (see ranges.h).
 */
#include <stdlib.h>

#include "ranges.h"

static int
range_cmp(const void *a, const void *b)
{
	const struct cfg_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

size_t
ranges_normalise(const struct cfg_range *in, size_t n, uint32_t lo,
    uint32_t hi, struct cfg_range *out)
{
	size_t	 i, k = 0, m = 0;

	for (i = 0; i < n; i++) {
		struct cfg_range r = in[i];

		if (r.lo < lo)
			r.lo = lo;
		if (r.hi > hi)
			r.hi = hi;
		if (r.lo <= r.hi)
			out[k++] = r;
	}
	qsort(out, k, sizeof(out[0]), range_cmp);
	for (i = 0; i < k; i++) {
		if (m > 0 && (uint64_t)out[m - 1].hi + 1 >= out[i].lo) {
			if (out[i].hi > out[m - 1].hi)
				out[m - 1].hi = out[i].hi;
			continue;
		}
		out[m++] = out[i];
	}
	return m;
}
