/*
 * DHCPv4 option definitions (see optdef.h): the built-in table, the
 * type and space names, and name / code look-ups over the user's
 * definitions and the built-in ones.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "optdef.h"

static const char *const opt_type_names[OPT_TYPE_COUNT] = {
	[OPT_IP] = "ip",
	[OPT_IP_LIST] = "ip-list",
	[OPT_UINT8] = "uint8",
	[OPT_UINT16] = "uint16",
	[OPT_UINT32] = "uint32",
	[OPT_INT32] = "int32",
	[OPT_BOOL] = "bool",
	[OPT_STRING] = "string",
	[OPT_HEX] = "hex",
	[OPT_FQDN_LIST] = "fqdn-list",
	[OPT_ROUTES] = "routes",
	[OPT_UINT16_LIST] = "uint16-list",
	[OPT_IP_PAIRS] = "ip-pairs",
	[OPT_FQDN] = "fqdn",
	[OPT_EMPTY] = "empty",
};

static const char *const opt_space_names[OPT_SPACE_COUNT] = {
	[OPT_SPACE_DHCP4] = "dhcp4",
	[OPT_SPACE_VENDOR] = "vendor",
};

#define D(c, n, t)	{ .name = (n), .code = (c), \
			  .space = OPT_SPACE_DHCP4, .type = (t) }

/*
 * The standard options a server sends, in code order (optdef_by_code
 * searches it by halves).  Names are those IANA and Kea use.  Options
 * that hold records (78, 79, 94, 97, 124, 125, ...) are plain hex: the
 * administrator writes the bytes.  Reserved codes (optdef_reserved) are
 * absent on purpose: nothing may name them.
 */
static const struct optdef builtin[] = {
	/* RFC 2132 3: vendor extensions */
	D(2, "time-offset", OPT_INT32),
	D(3, "routers", OPT_IP_LIST),
	D(4, "time-servers", OPT_IP_LIST),
	D(5, "name-servers", OPT_IP_LIST),
	D(6, "domain-name-servers", OPT_IP_LIST),
	D(7, "log-servers", OPT_IP_LIST),
	D(8, "cookie-servers", OPT_IP_LIST),
	D(9, "lpr-servers", OPT_IP_LIST),
	D(10, "impress-servers", OPT_IP_LIST),
	D(11, "resource-location-servers", OPT_IP_LIST),
	D(12, "host-name", OPT_STRING),
	D(13, "boot-size", OPT_UINT16),
	D(14, "merit-dump", OPT_STRING),
	D(15, "domain-name", OPT_FQDN),
	D(16, "swap-server", OPT_IP),
	D(17, "root-path", OPT_STRING),
	D(18, "extensions-path", OPT_STRING),
	/* RFC 2132 4: IP layer, per host */
	D(19, "ip-forwarding", OPT_BOOL),
	D(20, "non-local-source-routing", OPT_BOOL),
	D(21, "policy-filter", OPT_IP_PAIRS),
	D(22, "max-dgram-reassembly", OPT_UINT16),
	D(23, "default-ip-ttl", OPT_UINT8),
	D(24, "path-mtu-aging-timeout", OPT_UINT32),
	D(25, "path-mtu-plateau-table", OPT_UINT16_LIST),
	/* RFC 2132 5: IP layer, per interface */
	D(26, "interface-mtu", OPT_UINT16),
	D(27, "all-subnets-local", OPT_BOOL),
	D(28, "broadcast-address", OPT_IP),
	D(29, "perform-mask-discovery", OPT_BOOL),
	D(30, "mask-supplier", OPT_BOOL),
	D(31, "router-discovery", OPT_BOOL),
	D(32, "router-solicitation-address", OPT_IP),
	D(33, "static-routes", OPT_IP_PAIRS),
	/* RFC 2132 6: link layer, per interface */
	D(34, "trailer-encapsulation", OPT_BOOL),
	D(35, "arp-cache-timeout", OPT_UINT32),
	D(36, "ieee802-3-encapsulation", OPT_BOOL),
	/* RFC 2132 7: TCP */
	D(37, "default-tcp-ttl", OPT_UINT8),
	D(38, "tcp-keepalive-interval", OPT_UINT32),
	D(39, "tcp-keepalive-garbage", OPT_BOOL),
	/* RFC 2132 8: applications and services */
	D(40, "nis-domain", OPT_STRING),
	D(41, "nis-servers", OPT_IP_LIST),
	D(42, "ntp-servers", OPT_IP_LIST),
	D(43, "vendor-encapsulated-options", OPT_HEX),
	D(44, "netbios-name-servers", OPT_IP_LIST),
	D(45, "netbios-dd-server", OPT_IP_LIST),
	D(46, "netbios-node-type", OPT_UINT8),
	D(47, "netbios-scope", OPT_STRING),
	D(48, "font-servers", OPT_IP_LIST),
	D(49, "x-display-manager", OPT_IP_LIST),
	/* RFC 2132 9: DHCP extensions, the few a configuration may set */
	D(56, "dhcp-message", OPT_STRING),
	D(60, "vendor-class-identifier", OPT_STRING),
	/* RFC 2242 */
	D(62, "nwip-domain-name", OPT_STRING),
	D(63, "nwip-suboptions", OPT_HEX),
	/* RFC 2132 8.11 .. 8.22 */
	D(64, "nisplus-domain-name", OPT_STRING),
	D(65, "nisplus-servers", OPT_IP_LIST),
	D(66, "tftp-server-name", OPT_STRING),
	D(67, "boot-file-name", OPT_STRING),
	D(68, "mobile-ip-home-agent", OPT_IP_LIST),
	D(69, "smtp-server", OPT_IP_LIST),
	D(70, "pop-server", OPT_IP_LIST),
	D(71, "nntp-server", OPT_IP_LIST),
	D(72, "www-server", OPT_IP_LIST),
	D(73, "finger-server", OPT_IP_LIST),
	D(74, "irc-server", OPT_IP_LIST),
	D(75, "streettalk-server", OPT_IP_LIST),
	D(76, "streettalk-directory-assistance-server", OPT_IP_LIST),
	D(77, "user-class", OPT_HEX),			/* RFC 3004 */
	D(78, "slp-directory-agent", OPT_HEX),		/* RFC 2610 */
	D(79, "slp-service-scope", OPT_HEX),		/* RFC 2610 */
	D(85, "nds-servers", OPT_IP_LIST),		/* RFC 2241 */
	D(86, "nds-tree-name", OPT_STRING),
	D(87, "nds-context", OPT_STRING),
	D(88, "bcms-controller-names", OPT_FQDN_LIST),	/* RFC 4280 */
	D(89, "bcms-controller-address", OPT_IP_LIST),
	D(93, "client-system", OPT_UINT16_LIST),	/* RFC 4578 */
	D(94, "client-ndi", OPT_HEX),
	D(97, "uuid-guid", OPT_HEX),
	D(98, "uap-servers", OPT_STRING),		/* RFC 2485 */
	D(99, "geoconf-civic", OPT_HEX),		/* RFC 4776 */
	D(100, "pcode", OPT_STRING),			/* RFC 4833 */
	D(101, "tcode", OPT_STRING),
	D(108, "v6-only-preferred", OPT_UINT32),	/* RFC 8925 */
	D(112, "netinfo-server-address", OPT_IP_LIST),
	D(113, "netinfo-server-tag", OPT_STRING),
	D(114, "v4-captive-portal", OPT_STRING),	/* RFC 8910 */
	D(116, "auto-config", OPT_UINT8),		/* RFC 2563 */
	D(117, "name-service-search", OPT_UINT16_LIST),	/* RFC 2937 */
	D(119, "domain-search", OPT_FQDN_LIST),		/* RFC 3397 */
	D(120, "sip-server", OPT_HEX),			/* RFC 3361 */
	D(121, "classless-static-route", OPT_ROUTES),	/* RFC 3442 */
	D(124, "vivco-suboptions", OPT_HEX),		/* RFC 3925 */
	D(125, "vivso-suboptions", OPT_HEX),
	D(136, "pana-agent", OPT_IP_LIST),		/* RFC 5192 */
	D(138, "capwap-ac-v4", OPT_IP_LIST),		/* RFC 5417 */
	D(141, "sip-ua-cs-domains", OPT_FQDN_LIST),	/* RFC 6011 */
	D(150, "tftp-server-address", OPT_IP_LIST),	/* RFC 5859 */
	D(209, "pxelinux-configfile", OPT_STRING),	/* RFC 5071 */
	D(210, "pxelinux-pathprefix", OPT_STRING),
	D(211, "pxelinux-reboottime", OPT_UINT32),
	D(249, "ms-classless-static-route", OPT_ROUTES),
	D(252, "wpad", OPT_STRING),
};

#undef D

const char *
opt_type_name(enum opt_type t)
{
	if ((unsigned)t >= OPT_TYPE_COUNT)
		return NULL;
	return opt_type_names[t];
}

bool
opt_type_parse(const char *s, bool any, enum opt_type *out)
{
	unsigned	 n = any ? OPT_TYPE_COUNT : OPT_TYPE_USER_COUNT;

	for (unsigned t = 0; t < n; t++)
		if (strcasecmp(s, opt_type_names[t]) == 0) {
			*out = (enum opt_type)t;
			return true;
		}
	return false;
}

const char *
opt_space_name(enum opt_space sp)
{
	if ((unsigned)sp >= OPT_SPACE_COUNT)
		return NULL;
	return opt_space_names[sp];
}

bool
opt_space_parse(const char *s, enum opt_space *out)
{
	for (unsigned sp = 0; sp < OPT_SPACE_COUNT; sp++)
		if (strcasecmp(s, opt_space_names[sp]) == 0) {
			*out = (enum opt_space)sp;
			return true;
		}
	return false;
}

/*
 * 0 and 255 are PAD and END everywhere (RFC 2132 3.1, 3.2; RFC 2132
 * 8.4 for option 43's sub-options).  In the DHCP space the rest are
 * what the server decides per message: 1 comes from the subnet, 50..55
 * and 57..59 are the protocol's own (RFC 2132 9), 61 is the client's,
 * 81 the client FQDN exchange (RFC 4702), 82 the relay's (RFC 3046),
 * 118 the relay's subnet selection (RFC 3011).  A code past 255 is
 * no code at all, so it is refused the same way.
 */
bool
optdef_reserved(enum opt_space space, unsigned code)
{
	if (code == 0 || code >= 255)
		return true;
	if (space != OPT_SPACE_DHCP4)
		return false;
	switch (code) {
	case 1:
	case 50: case 51: case 52: case 53: case 54: case 55:
	case 57: case 58: case 59:
	case 61:
	case 81:
	case 82:
	case 118:
		return true;
	default:
		return false;
	}
}

const struct optdef *
optdef_builtin(size_t *n)
{
	*n = sizeof(builtin) / sizeof(builtin[0]);
	return builtin;
}

static const struct optdef *
builtin_by_code(enum opt_space space, unsigned code)
{
	size_t	 lo = 0, hi = sizeof(builtin) / sizeof(builtin[0]);

	if (space != OPT_SPACE_DHCP4)
		return NULL;
	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (builtin[mid].code == code)
			return &builtin[mid];
		if (builtin[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct optdef *
user_by_code(const struct optdef_set *user, enum opt_space space,
    unsigned code)
{
	if (user == NULL)
		return NULL;
	for (size_t i = 0; i < user->n && i < OPTDEF_USER_MAX; i++)
		if (user->v[i].space == space && user->v[i].code == code)
			return &user->v[i];
	return NULL;
}

const struct optdef *
optdef_by_code(const struct optdef_set *user, enum opt_space space,
    unsigned code)
{
	const struct optdef *d;

	if ((d = user_by_code(user, space, code)) != NULL)
		return d;
	return builtin_by_code(space, code);
}

/*
 * A name of decimal digits only is a DHCP-space code: "150".  Returns
 * false for anything else; a number too large for a code gives 256,
 * which no definition has.
 */
static bool
name_code(const char *name, unsigned *code)
{
	unsigned	 v = 0;

	if (*name == '\0')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 255)
			v = 256;
	}
	*code = v;
	return true;
}

const struct optdef *
optdef_find(const struct optdef_set *user, const char *name)
{
	const struct optdef *d;
	unsigned	 code;
	size_t		 i;

	if (name_code(name, &code))
		return code > 254 ? NULL :
		    optdef_by_code(user, OPT_SPACE_DHCP4, code);
	if (user != NULL)
		for (i = 0; i < user->n && i < OPTDEF_USER_MAX; i++)
			if (strcasecmp(user->v[i].name, name) == 0)
				return &user->v[i];
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (strcasecmp(builtin[i].name, name) != 0)
			continue;
		/* The user's definition of this code replaces ours. */
		d = user_by_code(user, builtin[i].space, builtin[i].code);
		return d != NULL ? d : &builtin[i];
	}
	return NULL;
}
