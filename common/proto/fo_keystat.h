/*
 * What one peer's key set met, and how status shows it: the same on both
 * daemons (the primary's link, each of the failover's primary threads),
 * so that the rotation procedure of docs/security.md reads one way on
 * both hosts.
 */
#ifndef DHCPFO_FO_KEYSTAT_H
#define DHCPFO_FO_KEYSTAT_H

#include <stdint.h>

#include "fo_auth.h"
#include "fo_codec.h"

struct strbuf;

#define FO_KEY_ERR_MAX	600	/* a config key, a path and the fix */

struct fo_keystat {
	uint16_t	 sign_id;	/* the running set's ids (0: none) */
	uint16_t	 accept_id;
	uint16_t	 peer_key_id;	/* header key id of the last message
					 * accepted; 0: none, or an older
					 * peer */
	uint64_t	 second_key;	/* accepted with the accepted key
					 * (AcceptSharedKeyFile) */
	/* "" unless the keys could not be loaded: then nothing is sent
	 * or accepted (docs/security.md, "Key problems"). */
	char		 error[FO_KEY_ERR_MAX];
};

/* The running key set changed (or was loaded): its ids. */
void	fo_keystat_keys(struct fo_keystat *, const struct fo_keyset *);
/* An accepted message: the key its header named and the one that
 * verified it. */
void	fo_keystat_heard(struct fo_keystat *, const struct fo_hdr *,
	    enum fo_key_used);
/* ,"keys":{"signing_id":"1a2b","accept_id":"","peer_id":"1a2b",
 * "accepted_second_key":0,"error":""} */
void	fo_keystat_json(struct strbuf *, const struct fo_keystat *);
/* One line of status text after lead: "signing 1a2b, also accepting
 * none, peer signs with 1a2b, 0 accepted with the second key", or
 * "KEY ERROR: ..." while the keys did not load. */
void	fo_keystat_text(struct strbuf *, const char *lead,
	    const struct fo_keystat *);

#endif
