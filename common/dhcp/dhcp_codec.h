/*
 * Pure DHCPv4/BOOTP codec: bytes -> struct dhcp_msg and back.
 * No I/O, no clock, no logging, no globals.  Every read is bounds-checked;
 * options split across several instances or into sname/file (option 52)
 * are concatenated as RFC 3396 says.
 *
 * Addresses and integers in struct dhcp_msg are in host byte order.
 * Option values are kept as raw bytes (network order), as on the wire.
 */
#ifndef DHCPFO_DHCP_CODEC_H
#define DHCPFO_DHCP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dhcp_proto.h"

enum dhcp_err {
	DHCP_OK = 0,
	DHCP_ERR_SHORT,		/* shorter than the fixed BOOTP header */
	DHCP_ERR_TOO_LONG,	/* longer than DHCP_PKT_MAX */
	DHCP_ERR_OP,		/* op is neither BOOTREQUEST nor BOOTREPLY */
	DHCP_ERR_HLEN,		/* hlen > 16 */
	DHCP_ERR_COOKIE,	/* vend area present but no magic cookie */
	DHCP_ERR_OPT_TRUNC,	/* option length runs past the area */
	DHCP_ERR_OVERLOAD,	/* option 52 malformed */
	DHCP_ERR_MSGTYPE,	/* option 53 present but not 1 byte in 1..8 */
	DHCP_ERR_NOSPACE,	/* encode: output buffer too small */
	DHCP_ERR_COUNT
};

/* Short stable name ("short", "bad-cookie", ...) for counters and logs. */
const char	*dhcp_err_name(enum dhcp_err);

struct dhcp_opt_slot {
	uint16_t	off;	/* offset of the value in optbuf */
	uint16_t	len;	/* total (concatenated) length */
	bool		present;
};

struct dhcp_msg {
	uint8_t		op, htype, hlen, hops;
	uint32_t	xid;
	uint16_t	secs, flags;
	uint32_t	ciaddr, yiaddr, siaddr, giaddr;
	uint8_t		chaddr[DHCP_CHADDR_LEN];
	uint8_t		sname[DHCP_SNAME_LEN];
	uint8_t		file[DHCP_FILE_LEN];
	bool		has_cookie;	/* false: plain BOOTP, no options */
	uint8_t		msg_type;	/* option 53, or 0 (BOOTP) */
	struct dhcp_opt_slot opt[256];
	size_t		optbuf_len;
	uint8_t		optbuf[DHCP_PKT_MAX];
};

/*
 * Parse len bytes of buf into *out.  On error *out is unspecified.
 * A vend area shorter than 4 bytes or not starting with the magic cookie
 * is legal RFC 951/1497 BOOTP: DHCP_OK with has_cookie false and no
 * options (DHCP_ERR_COOKIE is not returned by the decoder).  With option
 * 52, sname/file are still copied raw; opt[52] stays present so callers
 * know they hold options rather than names.  A missing END is accepted.
 */
enum dhcp_err	dhcp_msg_decode(const uint8_t *buf, size_t len,
		    struct dhcp_msg *out);

/* Zero *m (header and options) ready for building a message. */
void		dhcp_msg_init(struct dhcp_msg *m);

/* Option access.  Returns NULL when absent; *len receives the length. */
const uint8_t	*dhcp_opt_get(const struct dhcp_msg *m, uint8_t code,
		    size_t *len);
bool		dhcp_opt_has(const struct dhcp_msg *m, uint8_t code);
/* Exactly 4 bytes (an address or a 32-bit integer), host order. */
bool		dhcp_opt_get_u32(const struct dhcp_msg *m, uint8_t code,
		    uint32_t *out);
/* Exactly 2 bytes, host order. */
bool		dhcp_opt_get_u16(const struct dhcp_msg *m, uint8_t code,
		    uint16_t *out);

/*
 * Set (replace) an option's value in a message being built.
 * Returns false if optbuf has no room; the message is then unchanged.
 * Replacing may leave dead bytes in optbuf; optbuf is compacted when it
 * runs out.  data may point into m->optbuf.  Codes 0 and 255 are
 * refused, and so is option 53 unless it is one byte in 1..8; setting 53
 * also sets m->msg_type (and unsetting it clears msg_type).
 */
bool		dhcp_opt_set(struct dhcp_msg *m, uint8_t code,
		    const void *data, size_t len);
bool		dhcp_opt_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v);
bool		dhcp_opt_set_u16(struct dhcp_msg *m, uint8_t code, uint16_t v);
bool		dhcp_opt_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v);
void		dhcp_opt_unset(struct dhcp_msg *m, uint8_t code);

/*
 * Encode m into out (at most outcap bytes).  max_len caps the message
 * (from the client's option 57, minus IP/UDP headers); the cap is
 * min(max_len, outcap).  Options are emitted in this order: 53 (from
 * m->msg_type; none if 0), 54, 52 (only when overloading, below), then
 * the codes of `order` (the client's parameter request list) that are
 * set, then any other set option in ascending code order except 82, then
 * 82 last (RFC 3046 2.2), then END, padded to DHCP_MIN_REPLY as far as
 * the cap allows.  A 52 set in m is ignored.  Values longer than 255
 * bytes are split into several instances (RFC 3396).
 * Options 53, 54 and 82 always go in the options field; if they do not
 * fit there the call fails with DHCP_ERR_NOSPACE.  When every option
 * fits, sname and file are copied as they are and 52 is not emitted.
 * Otherwise the options are overloaded (RFC 2131 4.1, RFC 2132 9.3): in
 * the same order, each goes wholly (all its instances) into the first of
 * the options field, file, sname with room for it, file and sname only
 * if all their bytes are zero in m (unused).  52 (1 file, 2 sname, 3
 * both) then says which carry options, each ending with END and padded
 * with PAD.  An option that fits in no area is left out and counted in
 * *dropped (may be NULL).  Overloading is used only when it leaves out
 * fewer options than not overloading.  On success *outlen receives the
 * length.
 */
enum dhcp_err	dhcp_msg_encode(const struct dhcp_msg *m,
		    const uint8_t *order, size_t order_len, size_t max_len,
		    uint8_t *out, size_t outcap, size_t *outlen,
		    unsigned *dropped);

/* Client identity: option 61 if present, else htype + chaddr. */
#define DHCP_CLIENT_KEY_MAX	256
struct dhcp_client_key {
	uint16_t	len;
	uint8_t		bytes[DHCP_CLIENT_KEY_MAX];
};
/*
 * Fill *key from the message: 'C' + option 61 value, or 'H' + htype +
 * chaddr[0..hlen).  Returns false if neither gives a usable identity
 * (empty option 61 and hlen 0), or if option 61 is longer than 255 bytes
 * (only possible by RFC 3396 concatenation; it would not fit the key).
 */
bool		dhcp_client_key(const struct dhcp_msg *m,
		    struct dhcp_client_key *key);
/*
 * The same identity from its parts, for a record that is not a message
 * (a lease read from a file): 'C' + cid when cidlen > 0, else 'H' + htype
 * + chaddr[0..hlen).  False as above (nothing usable, or cid too long).
 */
bool		dhcp_client_key_make(uint8_t htype, uint8_t hlen,
		    const uint8_t *chaddr, const uint8_t *cid, size_t cidlen,
		    struct dhcp_client_key *key);

/*
 * A sub-option of an option made of code/length/value sub-options
 * (RFC 3046 2.0: option 82; also option 43's vendor sub-options): the
 * first one with `code`, *outlen its length.  NULL when there is none
 * or when the option (v, len bytes) is malformed anywhere.
 */
const uint8_t	*dhcp_subopt_get(const uint8_t *v, size_t len, uint8_t code,
		    size_t *outlen);

#endif
