/*
 * The conflict rule of both daemons (lease_conflict.h;
 * docs/failover-design.md "Conflicts").
 */
#include <string.h>

#include "lease_conflict.h"

const char *
lease_apply_name(enum lease_apply a)
{
	static const char *const names[LEASE_APPLY_COUNT] = {
		[LEASE_APPLY_NEW] = "new",
		[LEASE_APPLY_SAME] = "same",
		[LEASE_APPLY_THEIRS] = "theirs",
		[LEASE_APPLY_OURS] = "ours",
		[LEASE_APPLY_CONFLICT_THEIRS] = "conflict-theirs",
		[LEASE_APPLY_CONFLICT_OURS] = "conflict-ours",
	};

	return (unsigned)a < LEASE_APPLY_COUNT ? names[a] : "unknown";
}

/*
 * Where a state stands in a binding's life, for records whose three
 * times are equal: a binding beats the offer it took up in the same
 * second, and a binding that ran out (the expiry changes only the state)
 * beats itself still bound.  The states that end a binding follow in
 * their numeric order: any fixed order will do, both sides use this one.
 */
static int
state_rank(uint8_t st)
{
	switch (st) {
	case LEASE_OFFERED:
		return 0;
	case LEASE_BOUND:
		return 1;
	default:
		return 2 + st;
	}
}

/* -1, 0, 1 as x is below, equal to, above y. */
static int
cmp_i64(int64_t x, int64_t y)
{
	return (x > y) - (x < y);
}

static int
cmp_bytes(const void *x, const void *y, size_t len)
{
	int	 c = memcmp(x, y, len);

	return (c > 0) - (c < 0);
}

int
lease_newer(const struct lease *a, const struct lease *b)
{
	size_t	 ha, hb;
	int	 c;

	if ((c = cmp_i64(a->starts, b->starts)) != 0 ||
	    (c = cmp_i64(a->cltt, b->cltt)) != 0 ||
	    (c = cmp_i64(a->ends, b->ends)) != 0 ||
	    (c = cmp_i64(state_rank(a->state), state_rank(b->state))) != 0)
		return c;
	/*
	 * Past this point the records differ at most in what names the
	 * client: no side can say which is newer, and it does not matter
	 * which stays as long as both servers pick the same one.
	 */
	if ((c = cmp_i64(a->key.len, b->key.len)) != 0 ||
	    (c = cmp_bytes(a->key.bytes, b->key.bytes, a->key.len)) != 0 ||
	    (c = cmp_i64(a->htype, b->htype)) != 0 ||
	    (c = cmp_i64(a->hlen, b->hlen)) != 0 ||
	    (c = cmp_bytes(a->chaddr, b->chaddr, sizeof(a->chaddr))) != 0)
		return c;
	/* A stored name need not be terminated: bounded. */
	ha = strnlen(a->hostname, sizeof(a->hostname));
	hb = strnlen(b->hostname, sizeof(b->hostname));
	if ((c = cmp_i64((int64_t)ha, (int64_t)hb)) != 0 ||
	    (c = cmp_bytes(a->hostname, b->hostname, ha)) != 0)
		return c;
	return cmp_i64(a->addr, b->addr);
}

bool
lease_same(const struct lease *a, const struct lease *b)
{
	return lease_newer(a, b) == 0;
}

bool
lease_live(const struct lease *l, int64_t now)
{
	return (l->state == LEASE_BOUND || l->state == LEASE_OFFERED) &&
	    l->ends > now && l->key.len > 0;
}

static bool
same_client(const struct lease *a, const struct lease *b)
{
	return a->key.len == b->key.len &&
	    memcmp(a->key.bytes, b->key.bytes, a->key.len) == 0;
}

enum lease_apply
lease_conflict_decide(const struct lease *ours, const struct lease *theirs,
    int64_t now)
{
	int	 n;
	bool	 conflict;

	if (ours == NULL)
		return LEASE_APPLY_NEW;
	if ((n = lease_newer(theirs, ours)) == 0)
		return LEASE_APPLY_SAME;
	conflict = lease_live(ours, now) && lease_live(theirs, now) &&
	    !same_client(ours, theirs);
	if (conflict)
		return n > 0 ? LEASE_APPLY_CONFLICT_THEIRS :
		    LEASE_APPLY_CONFLICT_OURS;
	return n > 0 ? LEASE_APPLY_THEIRS : LEASE_APPLY_OURS;
}

enum lease_apply
lease_conflict_decide_own(const struct lease *ours, bool ours_own,
    const struct lease *theirs, int64_t now)
{
	if (ours == NULL)
		return LEASE_APPLY_NEW;
	if (!ours_own)
		return lease_same(ours, theirs) ? LEASE_APPLY_SAME :
		    LEASE_APPLY_THEIRS;
	return lease_conflict_decide(ours, theirs, now);
}
