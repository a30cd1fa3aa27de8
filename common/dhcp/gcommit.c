/*
 * Group commit of DHCP service (see gcommit.h): replies released only
 * after the commit of the batch holding their leases, dropped with it.
 */
#include "gcommit.h"

void
gcommit_init(struct gcommit *gc, struct lease_db *db,
    gcommit_release_cb *release, void *arg, struct lease_log *log)
{
	*gc = (struct gcommit){ .db = db, .release = release, .arg = arg,
	    .log = log };
}

void
gcommit_free(struct gcommit *gc)
{
	dhcp_replyq_free(&gc->replies);
}

int
gcommit_queue(struct gcommit *gc, int fd, unsigned int ifindex,
    uint32_t iface_addr, double rx_time, const struct dhcp_msg *req,
    const struct engine_result *res, double now,
    struct dhcp_reply_stats *st, const char **why)
{
	if (dhcp_reply_queue(&gc->replies, fd, ifindex, iface_addr, rx_time,
	    req, res, st, why) < 0)
		return -1;
	if (gc->log != NULL)
		lease_log_ack(gc->log, now, req, res);
	return 0;
}

void
gcommit_withhold(struct gcommit *gc)
{
	gc->withheld++;
	gc->stats.withheld++;
}

size_t
gcommit_waiting(const struct gcommit *gc)
{
	return gc->replies.n;
}

bool
gcommit_spoiled(const struct gcommit *gc)
{
	return lease_db_spoiled(gc->db) != 0;
}

bool
gcommit_pending(const struct gcommit *gc)
{
	return gc->replies.n > 0 || lease_db_staged(gc->db) > 0 ||
	    lease_db_spoiled(gc->db) != 0;
}

int
gcommit_end(struct gcommit *gc)
{
	int	 rc = 0;

	/*
	 * Nothing staged and nothing failed: no commit (and no log flush)
	 * is needed for the replies to leave.  A spoiled batch is ended
	 * whatever lease_db_staged() says: lease_db_commit rolls it back
	 * and returns its error.
	 */
	if (lease_db_staged(gc->db) > 0 || lease_db_spoiled(gc->db) != 0)
		rc = lease_db_commit(gc->db);
	if (rc != 0) {
		gc->stats.withheld += gc->replies.n;
		gc->last_withheld = gc->withheld + gc->replies.n;
		gc->withheld = 0;
		gc->replies.n = 0;
		if (gc->log != NULL)
			lease_log_batch_end(gc->log, false);
		return rc;
	}
	gc->withheld = 0;
	gc->last_withheld = 0;
	if (gc->replies.n > 0)
		gc->release(gc->arg, &gc->replies);
	gc->replies.n = 0;
	if (gc->log != NULL)
		lease_log_batch_end(gc->log, true);
	return 0;
}
