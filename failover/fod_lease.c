/*
 * Operator commands on one primary's bindings, run on that primary's
 * thread (its pools and store are the thread's): `lease` finds
 * bindings, `lease-del` frees one.  fod_ctl.c posts them as calls and
 * gathers the answers of every thread.
 *
 * lease-del only where we serve: while the primary serves a subnet its
 * bindings are its own, and a change of our copy would be overwritten by
 * its next update (or, worse, handed back later over a newer binding of
 * its own).  So the failover frees an address only in a subnet it serves
 * in takeover; the change is ours, stamped and noted like a grant, and
 * goes back to the primary with the hand-back (as a released address
 * without a client: a hand-back leaves free addresses out).  Otherwise the answer
 * says to run the command on the primary, which replicates it here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "fod.h"
#include "lease_find.h"

void
fod_lease_find(struct fod_peer *p, struct fod_call *c)
{
	struct lease_query q;
	char	 why[256];

	if (!lease_query_parse(c->arg, &q, why, sizeof(why)))
		return;
	c->nitems = lease_find_pools(p->pools, &q, p->name, c->json,
	    LEASE_FIND_MAX, &c->out);
}

void
fod_lease_del(struct fod_peer *p, struct fod_call *c)
{
	struct in_addr	 a;
	struct lease	 l;
	const struct lease *cur;
	struct pool	*pl;

	c->rc = -1;
	if (inet_pton(AF_INET, c->arg, &a) != 1 ||
	    (pl = pool_set_find(p->pools, ntohl(a.s_addr))) == NULL)
		return;				/* not this primary's */
	c->matched = true;
	cur = pool_lease_at(pl, ntohl(a.s_addr));
	if (cur == NULL || !lease_has_client(cur)) {
		sb_printf(&c->out, "no binding at %s", c->arg);
		return;
	}
	if (!pool_is_serving(pl)) {
		sb_printf(&c->out, "%s belongs to primary %s, which serves "
		    "it: run lease-del on the primary (it replicates the "
		    "change here)", c->arg, p->name);
		return;
	}
	lease_make_freed(&l, cur->addr, (int64_t)ev_now(p->loop));
	l.seq = fod_store_local_seq(p);
	fod_handback_note_local(p, pool_index(pl), l.addr);
	if (lease_db_stage(p->db, &l) != 0 || fod_commit(p) != 0) {
		sb_printf(&c->out, "lease-del %s: the lease store failed; see "
		    "status", c->arg);
		return;
	}
	(void)pool_load_lease(p->pools, &l);
	c->rc = 0;
}
