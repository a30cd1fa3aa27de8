/*
 * The key set's part of dhcpfoctl status (fo_keystat.h).  Key ids are
 * shown as 4 hex digits, never the keys.
 */
#include <stdio.h>

#include "fo_keystat.h"
#include "strbuf.h"

void
fo_keystat_keys(struct fo_keystat *st, const struct fo_keyset *ks)
{
	st->sign_id = ks->sign.id;
	st->accept_id = ks->accept.id;
}

void
fo_keystat_heard(struct fo_keystat *st, const struct fo_hdr *h,
    enum fo_key_used used)
{
	st->peer_key_id = h->key_id;
	if (used == FO_KEY_ACCEPT)
		st->second_key++;
}

/* The three ids as text: "1a2b", or "" for none (0 is never an id). */
struct ids {
	char	 s[5], a[5], p[5];
};

static void
fmt_id(uint16_t id, char buf[5])
{
	if (id == 0)
		buf[0] = '\0';
	else
		snprintf(buf, 5, "%04x", id);
}

static struct ids
ids_of(const struct fo_keystat *st)
{
	struct ids i;

	fmt_id(st->sign_id, i.s);
	fmt_id(st->accept_id, i.a);
	fmt_id(st->peer_key_id, i.p);
	return i;
}

void
fo_keystat_json(struct strbuf *out, const struct fo_keystat *st)
{
	struct ids i = ids_of(st);

	sb_printf(out, ",\"keys\":{\"signing_id\":\"%s\",\"accept_id\":\"%s\","
	    "\"peer_id\":\"%s\",\"accepted_second_key\":%llu,\"error\":", i.s,
	    i.a, i.p, (unsigned long long)st->second_key);
	sb_json_str(out, st->error);
	sb_puts(out, "}");
}

void
fo_keystat_text(struct strbuf *out, const char *lead,
    const struct fo_keystat *st)
{
	struct ids i = ids_of(st);

	if (st->error[0] != '\0') {
		sb_printf(out, "%sKEY ERROR: %s\n", lead, st->error);
		return;
	}
	sb_printf(out, "%ssigning %s, also accepting %s, peer signs with %s, "
	    "%llu accepted with the second key\n", lead,
	    i.s[0] ? i.s : "none", i.a[0] ? i.a : "none",
	    i.p[0] ? i.p : "(not heard)",
	    (unsigned long long)st->second_key);
}
