/*
 * The wire side of a new binding in the failover's share
 * (docs/safety.md, docs/failover-protocol.md BIND_REQ / BIND_RPL).
 *
 * While a primary has a failover, it makes a new binding on an address
 * of the failover's share only once the failover has stored it: the
 * failover may be serving its share at this very moment (the heartbeat
 * path is cut while clients still reach both servers), and it must learn
 * of the binding before any takeover.  The engine says when
 * (ENGINE_APPROVE_FIRST); dhcp_io.c parks the request; here the proposal
 * leaves as a BIND_REQ and the BIND_RPL that answers it comes back.  The
 * failover answers after its commit, so an approval means durable there;
 * then the primary binds, commits and ACKs as usual.
 *
 * This is a slow path by design: the primary uses the share only when
 * its own part of the range is used up.
 */
#include <stdlib.h>

#include "approve.h"
#include "server_int.h"

/* Ours: NULL without a failover (approve_init never ran). */
static struct approve *
approve_of(struct server *srv)
{
	return srv->link != NULL ? srv->link->approve : NULL;
}

const struct approve *
approve_get(const struct server *srv)
{
	return srv->link != NULL ? srv->link->approve : NULL;
}

int
approve_init(struct server *srv)
{
	if ((srv->link->approve = calloc(1, sizeof(struct approve))) == NULL)
		return -1;
	return 0;
}

void
approve_free(struct server *srv)
{
	if (srv->link == NULL)
		return;
	free(srv->link->approve);
	srv->link->approve = NULL;
}

int
approve_ask(struct server *srv, const struct lease *proposal,
    uint64_t *seq)
{
	struct approve	*a = approve_of(srv);
	struct lease	 l = *proposal;
	uint8_t		 rec[LEASE_RECORD_MAX];
	struct fo_msg	*m;
	size_t		 len;

	if (a == NULL || !link_up(srv))
		return -1;
	/* A number of our update stream that no stored lease carries:
	 * the record the failover keeps is ours, older than the binding
	 * that follows its approval. */
	l.seq = pool_set_next_seq(srv->pools);
	len = lease_encode(&l, rec, sizeof(rec));
	m = link_msg(srv, FO_BIND_REQ);
	if (len == 0 || !fo_msg_add_update(m, l.seq, rec, len,
	    link_dgram_max(srv)) || link_send(srv, m) < 0)
		return -1;
	a->asked++;
	*seq = l.seq;
	return 0;
}

void
approve_answer(struct server *srv, const struct fo_msg *m)
{
	struct approve *a = approve_of(srv);
	bool	 ok = m->result == FO_RESULT_OK;
	bool	 held = m->result == FO_RESULT_IN_USE;

	/* One we gave up on already, or a duplicate: nothing waits. */
	if (!srv_approval_verdict(srv, m->upd_seq, ok, held)) {
		a->unexpected++;
		return;
	}
	if (ok)
		a->approved++;
	else if (held)
		a->refused++;
	else
		a->undecided++;
}
