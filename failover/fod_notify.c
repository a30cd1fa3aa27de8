/*
 * Notifications of the per-primary machines (FOD_ACT_NOTIFY): each is
 * logged by the thread that makes it, then posted to the main thread,
 * where the SNMP sub-agent turns it into a trap (fod_snmp.c; net-snmp is
 * not thread-safe: docs/design.md §5, docs/architecture.md convention 7) and
 * the main thread counts them.  Two notifications change what the daemon does:
 *
 *  - a critical start-up sync failure (SyncFailCritical) stops that
 *    primary's thread only; the daemon exits with EXIT_SYNCFAIL when no
 *    primary is left protected (see README "SyncFailCritical");
 *  - a lost lease store environment stops the daemon (EXIT_STORE): the
 *    next start runs recovery.
 *
 * Alerts (enum fod_alert) are notifications from outside the machine:
 * the receive path, the store, the conflict rule.  Those that could come
 * in floods -- forged datagrams, a store refusing every update, a
 * diverged copy -- are limited here, on the peer's thread, before they
 * reach the queue: the queue is shared with the state changes, which
 * must never be crowded out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "fod.h"
#include "fod_snmp.h"

#define NOTE_FATAL	(-2)
#define ALERT_WINDOW	60.0	/* seconds */
#define ALERT_DUPS	10	/* duplicate-address alerts per window */

static void
post(struct fod_peer *p, int note, bool critical, const char *text,
    int from, int to)
{
	size_t	 len = text != NULL ? strlen(text) : 0;
	struct fq_item *it = fq_item_new(FQ_NOTE, len + 1);

	if (it == NULL)
		return;
	it->peer = p->uid;
	it->note = note;
	it->critical = critical;
	/* A state change carries its edge: src_addr/src_port are unused
	 * by FQ_NOTE, and the snapshot may already be newer. */
	it->src_addr = (uint32_t)from;
	it->src_port = (uint16_t)to;
	if (len > 0)
		memcpy(it->buf, text, len);
	it->buf[len] = '\0';
	if (fq_push(&p->fod->noteq, it))
		fq_wake(&p->fod->noteq);
}

void
fod_notify_post(struct fod_peer *p, enum fod_notify n,
    const struct fod_output *out)
{
	const char *r = out->reason[0] ? out->reason : "no reason given";

	switch (n) {
	case FOD_NOTIFY_STATE_CHANGE:
		log_info("primary=%s: %s -> %s (%s)", p->name,
		    fod_state_name(out->from), fod_state_name(out->to), r);
		break;
	case FOD_NOTIFY_PRIMARY_NOT_RESPONDING:
		log_warn("primary=%s: not responding (%u polls unanswered)",
		    p->name, p->act.fsm.ctr.consecutive_misses);
		break;
	case FOD_NOTIFY_PRIMARY_RESPONDING:
		log_info("primary=%s: responding again", p->name);
		break;
	case FOD_NOTIFY_PRIMARY_RESTARTED:
		log_info("primary=%s: restarted (new boot epoch)", p->name);
		break;
	case FOD_NOTIFY_TAKEOVER_STARTED:
		log_warn("primary=%s: takeover: serving its %zu subnet%s (%s)",
		    p->name, p->view.nsubnets,
		    p->view.nsubnets == 1 ? "" : "s", r);
		break;
	case FOD_NOTIFY_TAKEOVER_ENDED:
		log_info("primary=%s: takeover ended", p->name);
		break;
	case FOD_NOTIFY_HANDBACK_STARTED:
		log_info("primary=%s: hand-back started", p->name);
		break;
	case FOD_NOTIFY_HANDBACK_COMPLETED:
		log_info("primary=%s: hand-back completed; control returned",
		    p->name);
		break;
	case FOD_NOTIFY_HANDBACK_FAILED:
		log_warn("primary=%s: hand-back failed", p->name);
		break;
	case FOD_NOTIFY_SYNC_COMPLETED:
		log_info("primary=%s: start-up sync completed", p->name);
		break;
	case FOD_NOTIFY_SYNC_FAILED:
		log_warn("primary=%s: start-up sync failed", p->name);
		break;
	case FOD_NOTIFY_PARTNER_DOWN:
		log_warn("primary=%s: %s; new clients may now get any address "
		    "we hold no binding for", p->name, r);
		break;
	case FOD_NOTIFY_COUNT:
		break;
	}
	post(p, (int)n, false, r, (int)out->from, (int)out->to);
}

void
fod_notify_critical(struct fod_peer *p, const char *reason)
{
	log_err("primary=%s: %s; SyncFailCritical is set: this primary is no "
	    "longer protected", p->name, reason);
	post(p, -1, true, reason, 0, 0);
}

void
fod_notify_fatal(struct fod_peer *p, const char *why)
{
	log_err("primary=%s: lease store lost: %s; stopping (a restart "
	    "recovers the store)", p->name, why);
	post(p, NOTE_FATAL, false, why, 0, 0);
}

void
fod_alert(struct fod_peer *p, enum fod_alert a, const char *fmt, ...)
{
	char	 text[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_warn("primary=%s: %s", p->name, text);
	post(p, (int)a, false, text, 0, 0);
}

void
fod_alert_rejected(struct fod_peer *p, enum fo_reject rej)
{
	char	 text[256];
	uint64_t held;

	if (!fo_reject_is_auth(rej))
		return;
	if (!trap_limit_ok(&p->notify.tl_auth, ev_now(p->loop), ALERT_WINDOW, 1,
	    &held))
		return;
	snprintf(text, sizeof(text), "%llu failover datagram%s failed "
	    "authentication (%s) since the last notification; %llu bad-hmac, "
	    "%llu replayed in all: check SharedKeyFile on both servers, or "
	    "look for a spoofer", (unsigned long long)(held + 1),
	    held ? "s" : "", fo_reject_name(rej),
	    (unsigned long long)p->proto.ctr.rejects[FO_REJ_BAD_HMAC],
	    (unsigned long long)p->proto.ctr.rejects[FO_REJ_REPLAYED]);
	post(p, FOD_ALERT_AUTH_FAILURE, false, text, 0, 0);
}

void
fod_alert_update_failed(struct fod_peer *p, int rc, size_t n)
{
	char	 text[256];
	uint64_t held;

	if (!trap_limit_ok(&p->notify.tl_store, ev_now(p->loop), ALERT_WINDOW, 1,
	    &held))
		return;
	snprintf(text, sizeof(text), "%zu binding update%s from the primary "
	    "not stored: %s; not acknowledged, so the primary resends%s",
	    n, n == 1 ? "" : "s", lease_db_strerror(rc),
	    held ? " (the store failed more often since the last "
	    "notification)" : "");
	post(p, FOD_ALERT_UPDATE_FAILED, false, text, 0, 0);
}

static void
fmt_client(const struct lease *l, char *buf, size_t len)
{
	char	 hw[48];

	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	snprintf(buf, len, "%s (since %lld)", hw, (long long)l->starts);
}

void
fod_alert_duplicate(struct fod_peer *p, const struct lease *ours,
    const struct lease *theirs, bool ours_kept)
{
	const struct cfg_subnet *sn = config_subnet_for(&p->view, ours->addr);
	char	 text[512], a[16], co[96], ct[96], more[64] = "";
	uint64_t held;

	if (!trap_limit_ok(&p->notify.tl_dup, ev_now(p->loop), ALERT_WINDOW,
	    ALERT_DUPS, &held))
		return;
	fod_fmt_addr(ours->addr, a, sizeof(a));
	fmt_client(ours, co, sizeof(co));
	fmt_client(theirs, ct, sizeof(ct));
	if (held > 0)
		snprintf(more, sizeof(more), " (%llu more not notified)",
		    (unsigned long long)held);
	snprintf(text, sizeof(text), "subnet %s%s: duplicate binding of %s: "
	    "ours to %s, the primary's to %s; keeping %s",
	    sn != NULL ? sn->name : "?", more, a, co, ct,
	    ours_kept ? "ours" : "the primary's");
	post(p, FOD_ALERT_DUPLICATE, false, text, 0, 0);
}

void
fod_note_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct fod *fod = w->data;
	struct fq_item *items[64];
	size_t	 n;

	(void)revents;
	while ((n = fq_take(&fod->noteq, items, 64)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct fq_item *it = items[i];
			/* NULL: a reload stopped it since. */
			struct fod_peer *p = fod_peer_by_uid(fod, it->peer);
			const char *text = (const char *)it->buf;

			if (it->kind == FQ_LEARNT) {
				if (p != NULL)
					fod_learn_offered(fod, p, it);
				free(it);
				continue;
			}
			fod->ctr.notes++;
			if (it->note == NOTE_FATAL) {
				fod->exit_code = EXIT_STORE;
				ev_break(loop, EVBREAK_ALL);
			} else if (it->critical && p != NULL) {
				size_t	 left = 0;

				for (size_t k = 0; k < fod->npeers; k++)
					left += !atomic_load(
					    &fod->peers[k]->critical);
				if (left == 0) {
					log_err("no primary is protected any "
					    "more (SyncFailCritical); exiting");
					fod->exit_code = EXIT_SYNCFAIL;
					ev_break(loop, EVBREAK_ALL);
				} else
					log_warn("primary=%s stopped; still "
					    "protecting %zu other primar%s",
					    p->name, left, left == 1 ? "y" :
					    "ies");
			} else if (p != NULL)
				/* One trap each (docs/design.md §3). */
				fod_snmp_trap(fod, p, it->note,
				    (int)it->src_addr, (int)it->src_port, text);
			free(it);
		}
	}
}
