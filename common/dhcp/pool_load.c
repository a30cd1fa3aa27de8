/*
 * A lease store into a pool set (pool_load.h).
 */
#include <errno.h>
#include <string.h>

#include "pool_load.h"

struct load {
	struct pool_set	*set;
	struct pool_load_tally *t;
	void		(*each)(const struct lease *, void *);
	void		*arg;
};

static int
load_one(const struct lease *l, void *arg)
{
	struct load	*ld = arg;
	enum pool_load	 r = pool_load_lease(ld->set, l);

	ld->t->n[r]++;
	if (r == POOL_LOAD_NOMEM)
		return ENOMEM;
	if (ld->each != NULL)
		ld->each(l, ld->arg);
	return 0;
}

int
pool_load_store(struct pool_set *set, struct lease_db *db,
    struct pool_load_tally *t, void (*each)(const struct lease *, void *),
    void *arg)
{
	struct load	 ld = { set, t, each, arg };

	memset(t, 0, sizeof(*t));
	return lease_db_foreach(db, load_one, &ld);
}

size_t
pool_load_held(const struct pool_load_tally *t)
{
	return t->n[POOL_LOAD_OK] + t->n[POOL_LOAD_EXCLUDED];
}

size_t
pool_load_outside(const struct pool_load_tally *t)
{
	return t->n[POOL_LOAD_OUTSIDE] + t->n[POOL_LOAD_NO_SUBNET];
}
