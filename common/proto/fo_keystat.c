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

/* "1a2b", or "" for no key (0 is never an id: fo_key_id). */
static void
fmt_id(uint16_t id, char buf[5])
{
	if (id == 0)
		buf[0] = '\0';
	else
		snprintf(buf, 5, "%04x", id);
}

void
fo_keystat_json(struct strbuf *out, const struct fo_keystat *st)
{
	char	 s[5], a[5], p[5];

	fmt_id(st->sign_id, s);
	fmt_id(st->accept_id, a);
	fmt_id(st->peer_key_id, p);
	sb_printf(out, ",\"keys\":{\"signing_id\":\"%s\",\"accept_id\":\"%s\","
	    "\"peer_id\":\"%s\",\"accepted_second_key\":%llu,\"error\":", s, a,
	    p, (unsigned long long)st->second_key);
	sb_json_str(out, st->error);
	sb_puts(out, "}");
}

void
fo_keystat_text(struct strbuf *out, const struct fo_keystat *st)
{
	char	 s[5], a[5], p[5];

	fmt_id(st->sign_id, s);
	fmt_id(st->accept_id, a);
	fmt_id(st->peer_key_id, p);
	if (st->error[0] != '\0')
		sb_printf(out, "  KEY ERROR:         %s\n", st->error);
	sb_printf(out, "  keys:              signing %s, also accepting %s, "
	    "peer signs with %s, %llu accepted with the second key\n",
	    s[0] ? s : "none", a[0] ? a : "none", p[0] ? p : "(not heard)",
	    (unsigned long long)st->second_key);
}
