/*
 * The last record of each address (leasefile.h): an open-addressing
 * table of address -> line, kept at most half full.  Eight bytes an
 * address, so a file of a million leases needs some 16 MB, and each
 * record costs O(1) whatever the order of the file.
 */
#include <stdlib.h>

#include "leasefile.h"

struct lf_slot {
	uint32_t	addr;
	uint32_t	line;		/* 0: empty */
};

struct lf_last {
	struct lf_slot	*slots;
	size_t		 mask;		/* slot count - 1 (a power of two) */
	size_t		 used;
};

/* Addresses of one pool are consecutive: mix every bit into the index. */
static size_t
slot_of(const struct lf_last *t, uint32_t a)
{
	a ^= a >> 16;
	a *= 0x7feb352dU;
	a ^= a >> 15;
	a *= 0x846ca68bU;
	a ^= a >> 16;
	return a & t->mask;
}

struct lf_last *
lf_last_new(void)
{
	struct lf_last *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->mask = 1023;
	if ((t->slots = calloc(t->mask + 1, sizeof(*t->slots))) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
lf_last_free(struct lf_last *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

static struct lf_slot *
find(const struct lf_last *t, uint32_t addr)
{
	size_t	 i = slot_of(t, addr);

	while (t->slots[i].line != 0 && t->slots[i].addr != addr)
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

static bool
grow(struct lf_last *t)
{
	struct lf_last	 n = { NULL, t->mask * 2 + 1, t->used };

	if ((n.slots = calloc(n.mask + 1, sizeof(*n.slots))) == NULL)
		return false;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].line != 0)
			*find(&n, t->slots[i].addr) = t->slots[i];
	free(t->slots);
	*t = n;
	return true;
}

bool
lf_last_put(struct lf_last *t, uint32_t addr, unsigned long line)
{
	struct lf_slot *s;

	if (line == 0 || line > UINT32_MAX)
		return false;
	if ((t->used + 1) * 2 > t->mask + 1 && !grow(t))
		return false;
	s = find(t, addr);
	if (s->line == 0)
		t->used++;
	s->addr = addr;
	s->line = (uint32_t)line;
	return true;
}

bool
lf_last_is(const struct lf_last *t, uint32_t addr, unsigned long line)
{
	return line != 0 && find(t, addr)->line == line;
}
