/*
 * What a primary's thread keeps across restarts besides the bindings,
 * in its store's meta data (lease_db_meta_*_u64), so that it becomes
 * durable in the same commit as the leases it describes:
 *
 *	fo_epoch	our boot epoch towards this primary (protocol 7:
 *			max(now, previous + 1), so it always grows)
 *	fo_p_store_*	identity of the primary store our copy came from
 *	fo_p_last_seq	highest primary update sequence stored, valid only
 *	fo_sync_ok	while a complete start-up sync backs it (below)
 *	fo_local_seq	last sequence handed out to our own grants and
 *			hand-back updates (FOD_LOCAL_SEQ_BIT is added)
 *	fo_hb_through	our sequences up to this were handed back
 *	fo_p_epoch	the primary's boot epoch last seen
 *	fo_p_seq	the highest header seq accepted in it: with the
 *			epoch, the replay window after a restart (protocol
 *			7.3); it rides along with every commit, and the
 *			tick commits it when nothing else does
 *	fo_takeover	1 while we stand in for the primary (a failover
 *			restart loses nothing: docs/design.md §3)
 *	fo_partner_down	1 while an operator's partner-down holds (the
 *			takeover it was made in goes on): the safe
 *			period stays over after a restart
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "byteorder.h"
#include "fod.h"

enum {
	M_EPOCH, M_STORE_HI, M_STORE_LO, M_STORE_KNOWN, M_LAST_SEQ,
	M_SYNC_OK, M_LOCAL_SEQ, M_HANDBACK_THROUGH, M_P_EPOCH, M_TAKEOVER,
	M_PARTNER_DOWN, M_P_SEQ, M_COUNT
};

static const char *const meta_names[M_COUNT] = {
	[M_EPOCH] = "fo_epoch",
	[M_STORE_HI] = "fo_p_store_hi",
	[M_STORE_LO] = "fo_p_store_lo",
	[M_STORE_KNOWN] = "fo_p_store_known",
	[M_LAST_SEQ] = "fo_p_last_seq",
	[M_SYNC_OK] = "fo_sync_ok",
	[M_LOCAL_SEQ] = "fo_local_seq",
	[M_HANDBACK_THROUGH] = "fo_hb_through",
	[M_P_EPOCH] = "fo_p_epoch",
	[M_TAKEOVER] = "fo_takeover",
	[M_PARTNER_DOWN] = "fo_partner_down",
	[M_P_SEQ] = "fo_p_seq",
};

/* The current value of each persistent field. */
static void
current(const struct fod_peer *p, uint64_t v[M_COUNT])
{
	v[M_EPOCH] = p->meta.epoch;
	v[M_STORE_HI] = get_be64(p->meta.p_store_id);
	v[M_STORE_LO] = get_be64(p->meta.p_store_id + 8);
	v[M_STORE_KNOWN] = p->meta.p_store_known;
	v[M_LAST_SEQ] = p->meta.p_last_seq;
	v[M_SYNC_OK] = p->meta.sync_ok;
	v[M_LOCAL_SEQ] = p->meta.local_seq;
	v[M_HANDBACK_THROUGH] = p->meta.handback_through;
	v[M_P_EPOCH] = p->meta.p_epoch;
	/* The window's top once it holds that epoch; before (our start,
	 * or a new epoch noted but not yet accepted) what we know. */
	v[M_P_SEQ] = p->proto.replay.epoch == p->meta.p_epoch ?
	    p->proto.replay.top : p->meta.p_seq;
	v[M_TAKEOVER] = p->meta.takeover;
	/* Before the machine starts, what was loaded. */
	v[M_PARTNER_DOWN] = p->act.fsm.state == FOD_STARTUP ?
	    p->meta.partner_down : p->act.fsm.partner_down;
}

int
fod_store_load(struct fod_peer *p, char *err, size_t errlen)
{
	uint64_t v[M_COUNT];
	struct timeval tv;
	uint64_t now_us;
	int	 rc;

	for (int i = 0; i < M_COUNT; i++) {
		v[i] = 0;
		rc = lease_db_meta_get_u64(p->db, meta_names[i], &v[i]);
		if (rc != 0 && rc != ENOENT) {
			snprintf(err, errlen, "store %s: reading %s: %s",
			    p->name, meta_names[i], lease_db_strerror(rc));
			return -1;
		}
		p->meta.saved[i] = v[i];
	}
	put_be64(p->meta.p_store_id, v[M_STORE_HI]);
	put_be64(p->meta.p_store_id + 8, v[M_STORE_LO]);
	p->meta.p_store_known = v[M_STORE_KNOWN] != 0;
	p->meta.p_last_seq = v[M_LAST_SEQ];
	p->meta.sync_ok = v[M_SYNC_OK] != 0;
	p->meta.local_seq = v[M_LOCAL_SEQ];
	p->meta.local_seq_saved = v[M_LOCAL_SEQ];
	p->meta.handback_through = v[M_HANDBACK_THROUGH];
	p->meta.p_epoch = v[M_P_EPOCH];
	p->meta.p_seq = v[M_P_SEQ];
	p->meta.takeover = v[M_TAKEOVER] != 0;
	p->meta.partner_down = v[M_PARTNER_DOWN] != 0;

	/* Protocol 7: the epoch always grows, even if the clock stepped
	 * back since our last start. */
	gettimeofday(&tv, NULL);
	now_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	p->meta.epoch = now_us > v[M_EPOCH] ? now_us : v[M_EPOCH] + 1;
	if ((rc = fod_store_save(p)) != 0) {
		snprintf(err, errlen, "store %s: saving the boot epoch: %s",
		    p->name, lease_db_strerror(rc));
		return -1;
	}
	return 0;
}

int
fod_store_stage(struct fod_peer *p)
{
	uint64_t v[M_COUNT];
	int	 rc;

	current(p, v);
	for (int i = 0; i < M_COUNT; i++) {
		if (v[i] == p->meta.saved[i])
			continue;
		if ((rc = lease_db_meta_set_u64(p->db, meta_names[i],
		    v[i])) != 0)
			return rc;
		/* Optimistic: a failed commit resets meta_saved (below). */
		p->meta.saved[i] = v[i];
	}
	p->meta.local_seq_saved = p->meta.local_seq;
	return 0;
}

/*
 * A failed commit lost the staged values with the batch: forget that
 * they were staged, so the next batch carries them again.
 */
void
fod_store_commit_failed(struct fod_peer *p)
{
	for (int i = 0; i < M_COUNT; i++)
		p->meta.saved[i] = ~p->meta.saved[i];
}

/* fod_commit stages the values; a failure there ends the batch too. */
int
fod_store_save(struct fod_peer *p)
{
	return fod_commit(p);
}

uint64_t
fod_store_local_seq(struct fod_peer *p)
{
	return FOD_LOCAL_SEQ_BIT | ++p->meta.local_seq;
}

/*
 * From now on our copy is that store's: after a complete hand-back to a
 * primary whose store we did not know, or the first time we learn it.
 * Its sequences start over, so nothing we recorded of the old one holds.
 */
void
fod_store_adopt_primary(struct fod_peer *p, const uint8_t *id)
{
	memcpy(p->meta.p_store_id, id, FO_STORE_ID_LEN);
	p->meta.p_store_known = true;
	p->meta.p_store_changed = false;
	p->meta.p_last_seq = 0;
	p->meta.sync_ok = false;
}

/* The primary's store identity as it reports it. */
void
fod_store_check_primary(struct fod_peer *p, const uint8_t *id)
{
	if (!p->meta.p_store_known) {
		fod_store_adopt_primary(p, id);
		(void)fod_store_save(p);
		return;
	}
	if (memcmp(id, p->meta.p_store_id, FO_STORE_ID_LEN) == 0) {
		p->meta.p_store_changed = false;
		return;
	}
	if (!p->meta.p_store_changed)
		log_warn("primary=%s: its lease store is not the one our copy "
		    "came from (replaced disk?); it gets every binding we "
		    "hold at its next request for control", p->name);
	p->meta.p_store_changed = true;
}


void
fod_store_primary_changed(struct fod_peer *p)
{
	p->meta.p_store_changed = true;
}

int
fod_store_set_takeover(struct fod_peer *p, bool on)
{
	if (p->meta.takeover == on)
		return 0;
	p->meta.takeover = on;
	return fod_store_save(p);
}

void
fod_store_set_sync_ok(struct fod_peer *p, bool ok)
{
	p->meta.sync_ok = ok;
}

void
fod_store_advance(struct fod_peer *p, uint64_t seq)
{
	if (seq > p->meta.p_last_seq)
		p->meta.p_last_seq = seq;
}

/* After a complete hand-back ("stored again with the bit cleared",
 * fod_handback.c). */
void
fod_store_handed_back(struct fod_peer *p)
{
	p->meta.handback_through = FOD_LOCAL_SEQ_BIT | p->meta.local_seq;
}

void
fod_store_note_p_epoch(struct fod_peer *p, uint64_t epoch)
{
	p->meta.p_epoch = epoch;
	p->meta.p_seq = 0;
	(void)fod_store_save(p);
}

bool
fod_store_unsaved(const struct fod_peer *p)
{
	uint64_t v[M_COUNT];

	current(p, v);
	for (int i = 0; i < M_COUNT; i++)
		if (v[i] != p->meta.saved[i])
			return true;
	return false;
}
