/*
 * Group commit of DHCP service: the rule "durable before ACK" (README
 * "Durable before ACK, with group commit"; docs/failover-design.md) once,
 * for the primary's service loop and the failover's takeover serving.
 *
 * The loop stages the lease changes of every request it handles into one
 * lease_db batch and queues here the replies that grant them (ACKs).  It
 * then ends the batch once with gcommit_end():
 *
 *	committed	the replies are released: handed to the release
 *			callback, which sends them;
 *	failed		any failure while the batch was open -- a write
 *			that failed while staging (even the batch's first,
 *			so nothing counts as staged), a batch that could not
 *			begin, or the commit itself -- loses the whole batch:
 *			it is rolled back (counted in the store's
 *			commit_failures), its replies are dropped and counted
 *			here, and the next batch starts clean.
 *
 * A reply whose own lease could not be staged at all is never queued:
 * gcommit_withhold() counts it instead.  That covers a lease lease_encode
 * refuses (EINVAL from lease_db_stage), which leaves the batch itself
 * unharmed.
 *
 * The lease log's grant and renew lines (lease_log.h) follow the same
 * rule, here: a line is formatted when its ACK is queued and written
 * only when the ACK is released, forgotten when the ACK is dropped.
 * Keeping them with the batch rather than re-reading the replies when
 * they leave costs nothing to decode and keeps what only the decision
 * knows (a renewal, the subnet, the relay's sub-options as received).
 *
 * What else a daemon does around a commit (replication watermarks,
 * acknowledgements to the peer, its persistent values) stays in the
 * daemon, before and after gcommit_end(), which says 0 or the error.
 *
 * Costs nothing on the normal path: gcommit_end() commits exactly when a
 * caller of lease_db_commit() would have, and queues grow like
 * dhcp_reply.h's.  Not thread-safe: one per loop, as the store handle.
 */
#ifndef DHCPFO_GCOMMIT_H
#define DHCPFO_GCOMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"
#include "dhcp_reply.h"
#include "engine.h"
#include "lease_db.h"
#include "lease_log.h"

/* Sends q (its entries are dropped afterwards either way). */
typedef void	gcommit_release_cb(void *arg, struct dhcp_replyq *q);

/* Lost batches are counted by the store (lease_db_stats.commit_failures). */
struct gcommit_stats {
	uint64_t	 withheld;	/* replies never sent: their batch was
					 * lost or their lease not staged */
};

struct gcommit {
	struct lease_db	*db;
	struct dhcp_replyq replies;	/* waiting for the batch's commit */
	gcommit_release_cb *release;
	void		*arg;
	struct lease_log *log;		/* the ACKs' lines, or NULL */
	size_t		 withheld;	/* withheld in the open batch */
	size_t		 last_withheld;	/* ... in the last lost one */
	struct gcommit_stats stats;
};

/* log: where the lines of the ACKs released go, or NULL. */
void	gcommit_init(struct gcommit *, struct lease_db *,
	    gcommit_release_cb *release, void *arg, struct lease_log *log);
/* Drops whatever still waits (uncounted); the store is the caller's. */
void	gcommit_free(struct gcommit *);

/*
 * Queue the reply res->reply to a request whose leases were staged (as
 * dhcp_reply_queue; on -1 nothing is queued and *why says why), at
 * `now` (the loop's time, for the lease log's rate).
 */
int	gcommit_queue(struct gcommit *, int fd, unsigned int ifindex,
	    uint32_t iface_addr, double rx_time, const struct dhcp_msg *req,
	    const struct engine_result *res, double now,
	    struct dhcp_reply_stats *st, const char **why);
/* A reply not queued because its lease could not be staged. */
void	gcommit_withhold(struct gcommit *);

/* Replies waiting for the commit. */
size_t	gcommit_waiting(const struct gcommit *);
/* The open batch is spoiled: end it soon, so the next starts clean. */
bool	gcommit_spoiled(const struct gcommit *);
/* gcommit_end has something to do: changes staged, a spoiled batch or
 * replies waiting. */
bool	gcommit_pending(const struct gcommit *);

/*
 * End the batch.  0: what it staged is durable (or nothing was staged)
 * and the replies were released.  Otherwise the store's error: nothing of
 * the batch is durable, it is ended, its replies were dropped
 * (last_withheld: those and the ones withheld while it was open).
 */
int	gcommit_end(struct gcommit *);

#endif
