/*
 * The link's key set (docs/security.md "Key rotation", "Key problems";
 * docs/failover-protocol.md section 6): loaded at start, swapped in place
 * by a reload, and a key that cannot be used turned into an alarm.
 *
 * A key problem leaves the link without keys: it sends nothing and
 * accepts nothing, so to the control machine the failover is unreachable
 * and, after CtlReqRetryMax, the primary serves everything as it does
 * when the heartbeat path is cut (docs/safety.md).  That is safer than
 * exiting: a primary that does not start serves nobody.
 */
#include <stdio.h>
#include <string.h>

#include "link.h"
#include "log.h"
#include "server_int.h"
#include "strbuf.h"

bool
link_keys_ok(const struct link *fo)
{
	return fo->keys.sign.len > 0;
}

static void
key_alarm(struct link *fo, const char *when, const char *err)
{
	snprintf(fo->keystat.error, sizeof(fo->keystat.error),
	    "[failover] %s", err);
	log_err("%sfailover: key error: [failover] %s: the primary serves "
	    "DHCP without failover until this is fixed and the "
	    "configuration reloaded", when, err);
}

void
link_keys_open(struct server *srv)
{
	const struct cfg_primary_failover *fc = &srv->cfg.failover;
	struct link	*fo = srv->link;
	char		 err[FO_KEY_ERR_MAX - 16];

	if (fo_keyset_load(fc->key_file, fc->accept_key_file, &fo->keys, err,
	    sizeof(err)) < 0)
		key_alarm(fo, "", err);
	fo_keystat_keys(&fo->keystat, &fo->keys);
}

int
link_keys_reload(struct server *srv, const struct cfg_primary_failover *nf,
    struct strbuf *why)
{
	struct link	*fo = srv->link;
	struct fo_keyset ks;
	char		 err[FO_KEY_ERR_MAX - 16];
	bool		 was_ok;

	if (fo == NULL || !fo->configured)
		return 0;
	was_ok = link_keys_ok(fo);
	if (fo_keyset_load(nf->key_file, nf->accept_key_file, &ks, err,
	    sizeof(err)) < 0) {
		if (was_ok) {
			log_err("reload: [failover] %s; keeping the running "
			    "keys", err);
			sb_printf(why, "[failover] %s; keeping the running "
			    "keys\n", err);
		} else {
			key_alarm(fo, "reload: ", err);
			sb_printf(why, "[failover] %s; still no failover "
			    "until it is fixed\n", err);
		}
		return -1;
	}
	if (was_ok && fo_keyset_equal(&ks, &fo->keys)) {
		fo_keyset_clear(&ks);
		return 0;
	}
	fo_keyset_clear(&fo->keys);
	fo->keys = ks;
	fo_keyset_clear(&ks);
	fo->keystat.error[0] = '\0';
	fo_keystat_keys(&fo->keystat, &fo->keys);
	if (fo->keys.accept.len > 0)
		log_info("reload: failover keys: signing with key %04x, also "
		    "accepting key %04x", fo->keys.sign.id,
		    fo->keys.accept.id);
	else
		log_info("reload: failover keys: signing with key %04x",
		    fo->keys.sign.id);
	if (!was_ok)
		log_info("reload: failover: key problem fixed; the link "
		    "is up");
	return 0;
}
