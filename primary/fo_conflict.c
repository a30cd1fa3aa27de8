/*
 * Hand-back conflict rule (see fo_conflict.h; docs/failover-design.md
 * "Conflicts").
 */
#include <string.h>

#include "fo_conflict.h"

const char *
fo_apply_name(enum fo_apply a)
{
	static const char *const names[FO_APPLY_COUNT] = {
		[FO_APPLY_NEW] = "new",
		[FO_APPLY_SAME] = "same",
		[FO_APPLY_THEIRS] = "theirs",
		[FO_APPLY_OURS] = "ours",
		[FO_APPLY_CONFLICT_THEIRS] = "conflict-theirs",
		[FO_APPLY_CONFLICT_OURS] = "conflict-ours",
	};

	return (unsigned)a < FO_APPLY_COUNT ? names[a] : "unknown";
}

int
fo_lease_cmp_newer(const struct lease *a, const struct lease *b)
{
	if (a->starts != b->starts)
		return a->starts > b->starts ? 1 : -1;
	if (a->cltt != b->cltt)
		return a->cltt > b->cltt ? 1 : -1;
	if (a->seq != b->seq)
		return a->seq > b->seq ? 1 : -1;
	return 0;
}

static bool
same_client(const struct lease *a, const struct lease *b)
{
	return a->key.len == b->key.len &&
	    memcmp(a->key.bytes, b->key.bytes, a->key.len) == 0;
}

bool
fo_lease_same(const struct lease *a, const struct lease *b)
{
	return a->addr == b->addr && a->state == b->state &&
	    a->htype == b->htype && a->hlen == b->hlen &&
	    memcmp(a->chaddr, b->chaddr, sizeof(a->chaddr)) == 0 &&
	    same_client(a, b) && a->starts == b->starts &&
	    a->ends == b->ends && a->cltt == b->cltt &&
	    strncmp(a->hostname, b->hostname, sizeof(a->hostname)) == 0;
}

bool
fo_lease_live(const struct lease *l, int64_t now)
{
	return (l->state == LEASE_BOUND || l->state == LEASE_OFFERED) &&
	    l->ends > now && l->key.len > 0;
}

enum fo_apply
fo_conflict_decide(const struct lease *ours, const struct lease *theirs,
    int64_t now)
{
	bool	 conflict, theirs_newer;

	if (ours == NULL)
		return FO_APPLY_NEW;
	if (fo_lease_same(ours, theirs))
		return FO_APPLY_SAME;
	conflict = fo_lease_live(ours, now) && fo_lease_live(theirs, now) &&
	    !same_client(ours, theirs);
	theirs_newer = fo_lease_cmp_newer(theirs, ours) > 0;
	if (conflict)
		return theirs_newer ? FO_APPLY_CONFLICT_THEIRS :
		    FO_APPLY_CONFLICT_OURS;
	return theirs_newer ? FO_APPLY_THEIRS : FO_APPLY_OURS;
}
