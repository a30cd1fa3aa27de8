/*
 * The primary's configuration, fetched over the channel (docs/learn.md):
 * the primary announces the size and SHA-256 of its configuration text
 * (CFG_ID in PollRpl, CtlReq, SyncStart); when that is not the text this
 * thread holds, it fetches the text in parts of FOD_FETCH_PART bytes,
 * FOD_FETCH_WINDOW CfgReqs in flight, checks the SHA-256 of the whole,
 * and hands it to the main thread (fod_learn.c), which checks it like a
 * configuration file, stores it and applies it.
 *
 * Cost model: a configuration is fetched once per change, not per poll
 * (a PollRpl costs one 32-byte comparison).  Memory: the text being
 * fetched, at most FO_CFG_MAX (8 MiB) per primary, plus one state byte
 * per part; freed when the fetch ends.  On loopback a 1 MB text (about
 * 8,000 reservations) is a thousand CfgRpls: milliseconds.  Over a WAN
 * the window keeps it to size / (32 KB) round trips.
 *
 * The text is handed over only while the machine is in MONITORING,
 * TAKEOVER or STOPPED: applying it restarts this thread, which must not
 * cut a start-up sync or a hand-back short.  It waits (tick) otherwise.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "fo_digest.h"
#include "fod.h"

enum { PART_WANTED = 0, PART_ASKED, PART_GOT };

static void
fetch_end(struct fod_fetch *f)
{
	free(f->item);
	free(f->parts);
	f->item = NULL;
	f->parts = NULL;
	f->st.fetching = false;
}

static void
ask(struct fod_peer *p, size_t k)
{
	struct fod_fetch *f = &p->fetch;
	struct fo_msg	*m = p->proto.mt;
	size_t		 off = k * FOD_FETCH_PART;

	fod_msg_init_to_primary(p, m, FO_CFG_REQ);
	m->cfg_size = f->size;
	memcpy(m->cfg_sha, f->sha, FO_SHA256_LEN);
	m->offset = (uint32_t)off;
	m->count = (uint32_t)(f->size - off < FOD_FETCH_PART ?
	    f->size - off : FOD_FETCH_PART);
	m->present |= FO_BIT(FO_TLV_CFG_ID) | FO_BIT(FO_TLV_OFFSET) |
	    FO_BIT(FO_TLV_COUNT);
	f->parts[k] = PART_ASKED;
	(void)fod_msg_send(p, m);
}

/* Keep FOD_FETCH_WINDOW parts asked for and not yet received. */
static void
fill_window(struct fod_peer *p)
{
	struct fod_fetch *f = &p->fetch;

	while (f->inflight < FOD_FETCH_WINDOW && f->next < f->nparts) {
		ask(p, f->next++);
		f->inflight++;
	}
}

static void
begin(struct fod_peer *p, uint32_t size, const uint8_t sha[FO_SHA256_LEN])
{
	struct fod_fetch *f = &p->fetch;

	fetch_end(f);
	f->nparts = (size + FOD_FETCH_PART - 1) / FOD_FETCH_PART;
	if ((f->item = fq_item_new(FQ_LEARNT, size)) == NULL ||
	    (f->parts = calloc(f->nparts, 1)) == NULL) {
		log_err("primary=%s: out of memory for its configuration "
		    "(%u bytes); trying again at its next announcement",
		    p->name, size);
		fetch_end(f);
		return;
	}
	f->st.fetching = true;
	f->size = size;
	memcpy(f->sha, sha, FO_SHA256_LEN);
	f->next = f->inflight = f->got = 0;
	f->stalls = 0;
	f->progress = false;
	f->started = ev_now(p->loop);
	f->st.fetches++;
	fill_window(p);
	ev_timer_again(p->loop, &f->retry_w);
}

void
fod_fetch_announced(struct fod_peer *p, const struct fo_msg *m)
{
	struct fod_fetch *f = &p->fetch;

	if (!FO_HAS(m, FO_TLV_CFG_ID))
		return;
	f->st.heard = true;
	memcpy(f->st.heard_sha, m->cfg_sha, FO_SHA256_LEN);
	if (f->have && memcmp(m->cfg_sha, f->have_sha, FO_SHA256_LEN) == 0)
		return;		/* the one we hold (or refused) */
	if ((f->st.fetching || f->item != NULL) &&
	    memcmp(m->cfg_sha, f->sha, FO_SHA256_LEN) == 0)
		return;		/* being fetched, or waiting to be handed */
	begin(p, m->cfg_size, m->cfg_sha);
}

/* All parts in: the SHA-256 of the whole must be the one announced. */
static void
complete(struct fod_peer *p)
{
	struct fod_fetch *f = &p->fetch;
	uint8_t		 sha[FO_SHA256_LEN];

	ev_timer_stop(p->loop, &f->retry_w);
	free(f->parts);
	f->parts = NULL;
	f->st.fetching = false;
	if (fo_sha256(f->item->buf, f->size, sha) < 0 ||
	    CRYPTO_memcmp(sha, f->sha, sizeof(sha)) != 0) {
		log_err("primary=%s: the configuration received does not "
		    "match its SHA-256; fetching it again at the next "
		    "announcement", p->name);
		f->st.failed++;
		fetch_end(f);
		return;
	}
	f->st.completed++;
	log_info("primary=%s: configuration received (%u bytes in %zu "
	    "part%s, %.3f s)", p->name, f->size, f->nparts,
	    f->nparts == 1 ? "" : "s", ev_now(p->loop) - f->started);
	fod_fetch_tick(p);
}

void
fod_fetch_on_rpl(struct fod_peer *p, const struct fo_msg *m)
{
	struct fod_fetch *f = &p->fetch;
	size_t		 k, want;

	if (!f->st.fetching || m->cfg_size != f->size ||
	    memcmp(m->cfg_sha, f->sha, FO_SHA256_LEN) != 0) {
		/* The primary offers another text now: fetch that one. */
		if (f->st.fetching && FO_HAS(m, FO_TLV_RESULT) &&
		    m->result == FO_RESULT_CFG_CHANGED) {
			f->st.restarts++;
			fod_fetch_announced(p, m);
		}
		return;
	}
	k = m->offset / FOD_FETCH_PART;
	want = f->size - k * FOD_FETCH_PART;
	if (want > FOD_FETCH_PART)
		want = FOD_FETCH_PART;
	/* Only whole parts we asked for; anything else is ignored. */
	if (!FO_HAS(m, FO_TLV_CFG_DATA) || m->offset % FOD_FETCH_PART != 0 ||
	    k >= f->nparts || f->parts[k] != PART_ASKED ||
	    m->data_len != want)
		return;
	memcpy(f->item->buf + m->offset, m->data, m->data_len);
	f->parts[k] = PART_GOT;
	f->got++;
	f->inflight--;
	f->progress = true;
	f->st.parts++;
	if (f->got == f->nparts)
		complete(p);
	else
		fill_window(p);
}

/*
 * No part for a whole retry interval: ask again for those outstanding.
 * FOD_FETCH_STALLS intervals in a row without one and the fetch is
 * given up; the next announcement starts it again.
 */
static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod_peer	*p = w->data;
	struct fod_fetch *f = &p->fetch;

	(void)loop;
	(void)revents;
	if (!f->st.fetching) {
		ev_timer_stop(p->loop, w);
		return;
	}
	if (f->progress) {
		f->progress = false;
		f->stalls = 0;
		return;
	}
	if (++f->stalls > FOD_FETCH_STALLS) {
		log_warn("primary=%s: configuration fetch gave up after %zu "
		    "of %zu parts; trying again at its next announcement",
		    p->name, f->got, f->nparts);
		f->st.failed++;
		ev_timer_stop(p->loop, w);
		fetch_end(f);
		return;
	}
	for (size_t k = 0; k < f->next; k++)
		if (f->parts[k] == PART_ASKED)
			ask(p, k);
}

void
fod_fetch_tick(struct fod_peer *p)
{
	struct fod_fetch *f = &p->fetch;
	enum fod_state	 st = p->act.fsm.state;

	if (f->st.fetching || f->item == NULL)
		return;
	if (st != FOD_MONITORING && st != FOD_TAKEOVER && st != FOD_STOPPED)
		return;
	f->item->peer = p->uid;
	memcpy(f->have_sha, f->sha, FO_SHA256_LEN);
	f->have = true;
	if (fq_push(&p->fod->noteq, f->item))
		fq_wake(&p->fod->noteq);
	else
		f->have = false;	/* full: again at the next one */
	f->item = NULL;
}

bool
fod_fetch_pending(const struct fod_peer *p)
{
	const struct fod_fetch *f = &p->fetch;

	if (!f->learns)
		return false;
	/* Nothing learnt yet: there is nothing of ours to compare, also
	 * before the first message that announces a configuration (a
	 * CtlReq of a primary that starts after us carries none). */
	if (!f->serving || f->st.fetching || f->item != NULL)
		return true;
	return f->st.heard &&
	    memcmp(f->st.heard_sha, f->serving_sha, FO_SHA256_LEN) != 0;
}

void
fod_fetch_forget(struct fod_peer *p)
{
	p->fetch.have = false;
}

void
fod_fetch_init(struct fod_peer *p, const struct cfg_fo_primary *pc)
{
	struct fod_fetch *f = &p->fetch;
	double	 every = p->policy.wait_sync_bind_ack;

	memset(f, 0, sizeof(*f));
	f->learns = pc->learns;
	f->have = f->serving = pc->learnt.have;
	memcpy(f->have_sha, pc->learnt.sha, FO_SHA256_LEN);
	memcpy(f->serving_sha, pc->learnt.sha, FO_SHA256_LEN);
	if (every < FOD_FETCH_RETRY_MIN)
		every = FOD_FETCH_RETRY_MIN;
	ev_init(&f->retry_w, retry_cb);
	f->retry_w.repeat = every;
	f->retry_w.data = p;
}

void
fod_fetch_free(struct fod_peer *p)
{
	if (p->loop != NULL)
		ev_timer_stop(p->loop, &p->fetch.retry_w);
	fetch_end(&p->fetch);
}
