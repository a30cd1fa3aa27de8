/*
 * DHCPv4 option definitions: what an option is called, its code, where it
 * lives (the DHCP option space, or a sub-option of option 43) and how its
 * value is written (docs/options.md).
 *
 * The built-in table holds the standard options a server sends (RFC 2132
 * 1..76 and later ones: 119, 121, 125, 150, 249, ...) under their IANA /
 * Kea names.  A configuration adds its own with [option:NAME] sections
 * (struct optdef_set): a definition of a code that is built in replaces
 * the built-in type for that code, and the built-in name then names the
 * new definition too.
 *
 * Codes the server itself manages (optdef_reserved()) can be neither
 * defined nor set: 0, 1, 50..59 but 56, 61, 82, 118, 255 and so on.
 *
 * Pure: no I/O, no globals but the constant built-in table.
 */
#ifndef DHCPFO_OPTDEF_H
#define DHCPFO_OPTDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_NAME_MAX	64	/* longest option name, with the NUL */

/*
 * Value types.  The first group can be named in an [option:NAME] Type
 * key; the rest are used by built-in definitions only.
 */
enum opt_type {
	OPT_IP = 0,	/* "ip": one IPv4 address, 4 bytes */
	OPT_IP_LIST,	/* "ip-list": one or more, comma separated */
	OPT_UINT8,	/* "uint8" */
	OPT_UINT16,	/* "uint16", network order */
	OPT_UINT32,	/* "uint32", network order */
	OPT_INT32,	/* "int32", two's complement, network order */
	OPT_BOOL,	/* "bool": true/false yes/no on/off 1/0 -> 1 byte */
	OPT_STRING,	/* "string": printable text, 1..255 bytes, as is */
	OPT_HEX,	/* "hex": bytes as 0a:0b:.. or 0a0b.. or 0x0a0b.. */
	OPT_FQDN_LIST,	/* "fqdn-list": domain names, RFC 1035 labels,
			 * with RFC 1035 4.1.4 compression (RFC 3397) */
	OPT_ROUTES,	/* "routes": "a.b.c.d/len gw" items, comma
			 * separated (RFC 3442 encoding) */
	OPT_TYPE_USER_COUNT,
	/* Built-in only. */
	OPT_UINT16_LIST = OPT_TYPE_USER_COUNT,	/* "uint16-list" */
	OPT_IP_PAIRS,	/* "ip-pairs": an even number of addresses,
			 * written "a b, c d" (options 21, 33) */
	OPT_FQDN,	/* "fqdn": one domain name as text (option 15's
			 * NVT ASCII form, RFC 2132 3.17) */
	OPT_EMPTY,	/* "empty": no value (flag options, e.g. 80) */
	OPT_TYPE_COUNT
};

enum opt_space {
	OPT_SPACE_DHCP4 = 0,	/* the message's own options */
	OPT_SPACE_VENDOR,	/* sub-options inside option 43 */
	OPT_SPACE_COUNT
};

struct optdef {
	char		name[OPT_NAME_MAX];	/* lower case */
	uint8_t		code;			/* 1..254 */
	uint8_t		space;			/* enum opt_space */
	uint8_t		type;			/* enum opt_type */
};

/* "ip", "ip-list", ...; NULL for an out-of-range value. */
const char	*opt_type_name(enum opt_type);
/* The type named s (case-insensitive), user types only unless `any`.
 * Returns false if unknown. */
bool		 opt_type_parse(const char *s, bool any, enum opt_type *out);
/* "dhcp4" or "vendor"; parse the same. */
const char	*opt_space_name(enum opt_space);
bool		 opt_space_parse(const char *s, enum opt_space *out);

/*
 * True for a code the server fills in itself and a configuration may
 * not set (DHCP space): 0, 1 (from the subnet's prefix), 50..55, 57..59
 * (lease times come from LeaseTime and the percentages), 61, 81, 82,
 * 118, 255.  Vendor sub-options reserve only 0 and 255.  A code past
 * 255 is no code at all and is reserved in both spaces.
 */
bool		 optdef_reserved(enum opt_space, unsigned code);

/* The built-in table, in code order. */
const struct optdef *optdef_builtin(size_t *n);

/* The user's definitions ([option:NAME] sections), in file order. */
#define OPTDEF_USER_MAX	128
struct optdef_set {
	size_t		 n;
	struct optdef	 v[OPTDEF_USER_MAX];
};

/*
 * Look a name up (case-insensitive): first the user's definitions
 * (user may be NULL), then the built-in names; a built-in name whose
 * code the user redefined in the same space yields the user's
 * definition.  A decimal code ("150") names the definition of that code
 * in the DHCP space.  NULL if unknown.
 */
const struct optdef *optdef_find(const struct optdef_set *user,
		    const char *name);
/* The definition of a code in a space (user's first), or NULL.  The
 * built-in table is all DHCP space. */
const struct optdef *optdef_by_code(const struct optdef_set *user,
		    enum opt_space space, unsigned code);

#endif
