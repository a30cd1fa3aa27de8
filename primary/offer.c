/*
 * The configuration offered to the failover (docs/learn.md): the primary
 * is the source of truth for its scopes, and the failover learns them
 * from here instead of from a second copy in failover.ini.
 *
 * Cost: one render and one SHA-256 per load or reload (a few ms for
 * thousands of reservations), 40 bytes of CFG_ID per PollRpl, and on
 * CfgReq a copy of at most one part: the failover asks only when the
 * SHA-256 it holds differs from the one announced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_render.h"
#include "fo_digest.h"
#include "offer.h"
#include "server_int.h"

static struct offer *
offer_of(struct server *srv)
{
	return srv->link != NULL ? srv->link->offer : NULL;
}

const struct offer *
offer_get(const struct server *srv)
{
	return srv->link != NULL ? srv->link->offer : NULL;
}

/*
 * Render srv's configuration into o; true when the text differs from
 * the one offered so far.  On failure nothing is offered (ok false):
 * better no configuration than a wrong one.
 */
static bool
offer_render(struct server *srv, struct offer *o)
{
	struct strbuf	 t;
	uint8_t		 sha[FO_SHA256_LEN];
	bool		 changed;

	sb_init(&t);
	if (cfg_render_scope(&srv->cfg, NULL, NULL, &t) < 0 || t.failed ||
	    t.len == 0 || t.len > FO_CFG_MAX ||
	    fo_sha256(t.buf, t.len, sha) < 0) {
		log_err("failover: cannot render this configuration for the "
		    "failover (%zu bytes; at most %u); it keeps the one it "
		    "has", t.len, FO_CFG_MAX);
		sb_free(&t);
		o->ok = false;
		return false;
	}
	changed = !o->ok || memcmp(sha, o->sha, sizeof(sha)) != 0;
	sb_free(&o->text);
	o->text = t;
	memcpy(o->sha, sha, sizeof(sha));
	o->ok = true;
	return changed;
}

int
offer_init(struct server *srv)
{
	struct offer	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -1;
	sb_init(&o->text);
	srv->link->offer = o;
	if (offer_render(srv, o)) {
		o->generation = 1;
		o->changed = link_now(srv);
	}
	return 0;
}

void
offer_free(struct server *srv)
{
	struct offer	*o = offer_of(srv);

	if (o == NULL)
		return;
	sb_free(&o->text);
	free(o);
	srv->link->offer = NULL;
}

void
offer_reloaded(struct server *srv)
{
	struct offer	*o = offer_of(srv);
	char		 hex[2 * 4 + 1];

	if (o == NULL || !offer_render(srv, o))
		return;
	o->generation++;
	o->changed = link_now(srv);
	for (size_t i = 0; i < 4; i++)
		snprintf(hex + 2 * i, 3, "%02x", o->sha[i]);
	log_info("failover: configuration generation %llu (%zu bytes, "
	    "sha256 %s...) offered to the failover",
	    (unsigned long long)o->generation, o->text.len, hex);
}

void
offer_announce(const struct server *srv, struct fo_msg *m)
{
	const struct offer *o = offer_get(srv);

	/* Only to a failover that knows CFG_ID (FO_FLAG_LEARNS). */
	if (o == NULL || !o->ok || !srv->link->peer_learns)
		return;
	m->cfg_size = (uint32_t)o->text.len;
	memcpy(m->cfg_sha, o->sha, FO_SHA256_LEN);
	m->present |= FO_BIT(FO_TLV_CFG_ID);
}

/*
 * CfgRpl: the part asked for, or -- when the failover asks for a text we
 * no longer offer (a reload came between its parts) -- RESULT
 * cfg-changed and our current CFG_ID, so it starts again.  A part is at
 * most what the failover asked and what fits our datagram size.
 */
void
offer_request(struct server *srv, const struct fo_msg *q)
{
	struct offer	*o = offer_of(srv);
	struct fo_msg	*m;
	size_t		 room, n;

	if (o == NULL || !o->ok)
		return;		/* nothing offered: it keeps what it has */
	m = link_msg(srv, FO_CFG_RPL);
	offer_announce(srv, m);
	m->offset = q->offset;
	m->present |= FO_BIT(FO_TLV_OFFSET);
	if (q->cfg_size != o->text.len ||
	    memcmp(q->cfg_sha, o->sha, FO_SHA256_LEN) != 0 ||
	    q->offset >= o->text.len) {
		o->stale++;
		m->offset = 0;
		m->result = FO_RESULT_CFG_CHANGED;
		m->present |= FO_BIT(FO_TLV_RESULT);
		link_send(srv, m);
		return;
	}
	/* Header, HMAC, CFG_ID, OFFSET and CFG_DATA's own header. */
	room = link_dgram_max(srv) - FO_MIN_LEN - 3 * FO_TLV_HDR_LEN -
	    FO_CFG_ID_LEN - 4;
	n = o->text.len - q->offset;
	if (n > q->count)
		n = q->count;
	if (n > room)
		n = room;
	m->data = (const uint8_t *)o->text.buf + q->offset;
	m->data_len = (uint16_t)n;
	m->present |= FO_BIT(FO_TLV_CFG_DATA);
	if (link_send(srv, m) == 0) {
		o->requests++;
		o->bytes_sent += n;
	}
}
