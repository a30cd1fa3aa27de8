/*
 * In-flight binding-update records (see repl_recs.h).  A sorted index of
 * (seq, slot) over a fixed pool of record slots: lookups are a binary
 * search, an ack of a run is one memmove of small index entries, and the
 * record bytes never move.
 */
#include <stdlib.h>
#include <string.h>

#include "repl_recs.h"

int
repl_recs_init(struct repl_recs *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	if (cap == 0)
		cap = 1;
	r->idx = calloc(cap, sizeof(*r->idx));
	r->bytes = calloc(cap, LEASE_RECORD_MAX);
	r->len = calloc(cap, sizeof(*r->len));
	r->free = calloc(cap, sizeof(*r->free));
	if (r->idx == NULL || r->bytes == NULL || r->len == NULL ||
	    r->free == NULL) {
		repl_recs_free(r);
		return -1;
	}
	r->cap = cap;
	repl_recs_clear(r);
	return 0;
}

void
repl_recs_free(struct repl_recs *r)
{
	free(r->idx);
	free(r->bytes);
	free(r->len);
	free(r->free);
	memset(r, 0, sizeof(*r));
}

void
repl_recs_clear(struct repl_recs *r)
{
	r->n = 0;
	r->nfree = r->cap;
	/* Hand slots out low first: easier to follow in a debugger. */
	for (size_t i = 0; i < r->cap; i++)
		r->free[i] = (uint32_t)(r->cap - 1 - i);
}

size_t
repl_recs_count(const struct repl_recs *r)
{
	return r->n;
}

int
repl_recs_add(struct repl_recs *r, uint64_t seq, const uint8_t *rec, size_t len)
{
	uint32_t slot;

	if (r->nfree == 0 || len > LEASE_RECORD_MAX ||
	    (r->n > 0 && seq <= r->idx[r->n - 1].seq))
		return -1;
	slot = r->free[--r->nfree];
	if (len > 0)
		memcpy(r->bytes + (size_t)slot * LEASE_RECORD_MAX, rec, len);
	r->len[slot] = (uint16_t)len;
	r->idx[r->n].seq = seq;
	r->idx[r->n].slot = slot;
	r->n++;
	return 0;
}

/* First index whose seq >= seq. */
static size_t
lower_bound(const struct repl_recs *r, uint64_t seq)
{
	size_t	 lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->idx[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const uint8_t *
repl_recs_get(const struct repl_recs *r, uint64_t seq, size_t *len)
{
	size_t	 i = lower_bound(r, seq);

	if (i == r->n || r->idx[i].seq != seq)
		return NULL;
	*len = r->len[r->idx[i].slot];
	return r->bytes + (size_t)r->idx[i].slot * LEASE_RECORD_MAX;
}

size_t
repl_recs_del_range(struct repl_recs *r, uint64_t first, uint64_t last)
{
	size_t	 i, j;

	if (first > last)
		return 0;
	i = lower_bound(r, first);
	for (j = i; j < r->n && r->idx[j].seq <= last; j++)
		r->free[r->nfree++] = r->idx[j].slot;
	if (j == i)
		return 0;
	memmove(&r->idx[i], &r->idx[j], (r->n - j) * sizeof(r->idx[0]));
	r->n -= j - i;
	return j - i;
}
