/*
 * A lease (binding) record as the server keeps it in memory and on disk.
 * The on-disk form is a versioned, explicit byte layout (lease_encode /
 * lease_decode): never a struct image, so a record written by one build
 * reads back in another and a torn or foreign record is rejected.
 */
#ifndef DHCPFO_LEASE_H
#define DHCPFO_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"

enum lease_state {
	LEASE_FREE = 0,		/* known address, no client (after expiry
				 * sweep or on first use) */
	LEASE_OFFERED,		/* held for a client between OFFER and
				 * REQUEST, until `ends` (MaxPendingSeconds) */
	LEASE_BOUND,		/* ACKed to a client until `ends` */
	LEASE_RELEASED,		/* client released it; reusable at once */
	LEASE_EXPIRED,		/* bound lease that ran out */
	LEASE_DECLINED,		/* client DECLINEd: quarantined until `ends` */
	LEASE_CONFLICT,		/* answered a ping or bound elsewhere:
				 * quarantined until `ends` */
	LEASE_STATE_COUNT
};

const char	*lease_state_name(enum lease_state);
/* Parse a name back (for tests and tools); -1 if unknown. */
int		 lease_state_from_name(const char *name);

#define LEASE_HOSTNAME_MAX	64
/* Relay agent sub-options kept with a binding, cut to this length: they
 * are for an operator to find the port a client is on (dhcpfoctl lease),
 * not for policy, and most switches send a few bytes. */
#define LEASE_RELAY_ID_MAX	32

/* Where the client's last request came from (RFC 3046 option 82). */
struct lease_relay {
	uint32_t	giaddr;		/* host order; 0: not relayed */
	uint8_t		circuit_len;	/* 0..LEASE_RELAY_ID_MAX */
	uint8_t		remote_len;
	uint8_t		circuit_id[LEASE_RELAY_ID_MAX];
	uint8_t		remote_id[LEASE_RELAY_ID_MAX];
};

/* Which server made the binding (for operators; no rule depends on it). */
enum lease_origin {
	LEASE_BY_UNKNOWN = 0,	/* a record from before this was kept */
	LEASE_BY_PRIMARY,
	LEASE_BY_FAILOVER,	/* granted in takeover */
	LEASE_BY_IMPORT,	/* dhcpfoctl import */
	LEASE_ORIGIN_COUNT
};

const char	*lease_origin_name(enum lease_origin);
int		 lease_origin_from_name(const char *name);

struct lease {
	uint32_t	addr;		/* host order */
	uint8_t		state;		/* enum lease_state */
	uint8_t		htype;
	uint8_t		hlen;
	uint8_t		chaddr[DHCP_CHADDR_LEN];
	struct dhcp_client_key key;	/* identity the lease is bound to */
	int64_t		starts;		/* unix seconds: when granted */
	int64_t		ends;		/* unix seconds: when it runs out */
	int64_t		cltt;		/* client last transaction time */
	uint64_t	seq;		/* update sequence (failover) */
	char		hostname[LEASE_HOSTNAME_MAX];	/* sanitised opt 12 */
	uint8_t		granted_by;	/* enum lease_origin */
	struct lease_relay relay;
};

/*
 * What `lease-del` leaves at addr: released, naming no client, its times
 * now.  Released rather than free because a hand-back leaves free records
 * out, and the failover's lease-del must reach the primary; both daemons
 * write this record (seq is the caller's).
 */
void	lease_make_freed(struct lease *l, uint32_t addr, int64_t now);

/* The record names a client (an identity or a hardware address): a
 * binding, or one that was; else an address nobody holds. */
bool	lease_has_client(const struct lease *l);

/*
 * Option 12 as a record keeps it: a bounded, harmless label of letters,
 * digits, '-', '.' and '_' (any other byte becomes '_'), ending at a NUL
 * or after outlen - 1 characters.  The one rule for every hostname a
 * lease holds: the engine's, an import's.
 */
void	lease_hostname_clean(const uint8_t *v, size_t len, char *out,
	    size_t outlen);

/* Upper bound of lease_encode's output. */
#define LEASE_RECORD_MAX	(64 + DHCP_CLIENT_KEY_MAX + LEASE_HOSTNAME_MAX + \
				 8 + 2 * LEASE_RELAY_ID_MAX)

/* Returns bytes written, or 0 if outcap is too small or the lease is
 * invalid (one lease_decode would reject). */
size_t	lease_encode(const struct lease *l, uint8_t *out, size_t outcap);
/* Returns true if buf holds one well-formed record of a known version. */
bool	lease_decode(const uint8_t *buf, size_t len, struct lease *out);

#endif
