/*
 * Fuzz target: common/dhcp/classify.c.  Decode the input as a DHCP
 * message and, when it decodes, run classify() over a fixed set of
 * classes covering every key (globs with stars, sets and escapes, exact
 * bytes, architecture lists, a hardware prefix), so that the option 77
 * (RFC 3004), 82 (RFC 3046) and 93 (RFC 4578) parsers see arbitrary
 * values.  Checks: classify() agrees with class_matches() bit by bit, a
 * class with no key never matches, and a glob of `*` alone accepts any
 * value given to it.  The sanitizers catch any read past an option.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCLASSES	10

/* Large; static so the fuzzer loop does not put it on the stack. */
static struct dhcp_msg	m;
static struct cfg_class	classes[NCLASSES];
static struct config	cfg;
static bool		ready;

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static void
glob_key(struct cfg_match *k, const char *pat)
{
	k->set = true;
	k->len = (uint16_t)strlen(pat);
	memcpy(k->bytes, pat, k->len + 1);
}

static void
exact_key(struct cfg_match *k, const void *b, size_t len)
{
	k->set = true;
	k->exact = true;
	k->len = (uint16_t)len;
	memcpy(k->bytes, b, len);
}

static void
setup(void)
{
	static const uint8_t rid[] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01 };
	static const uint8_t mac[] = { 0x00, 0x1b, 0x21 };
	struct cfg_class *c = classes;

	glob_key(&c->vendor_class, "PXEClient:Arch:0000[0-9]*");
	c++;
	glob_key(&c->user_class, "*i[Pp][Xx][Ee]*");
	c++;
	c->arch[0] = 0;
	c->arch[1] = 7;
	c->arch[2] = 9;
	c->narch = 3;
	c++;
	glob_key(&c->circuit_id, "eth?/*[!0]:\\**");
	glob_key(&c->remote_id, "*a*a*a*a*b");
	c++;
	exact_key(&c->circuit_id, "eth0/1", 6);
	c++;
	exact_key(&c->remote_id, rid, sizeof(rid));
	c++;
	memcpy(c->hwprefix, mac, sizeof(mac));
	c->hwprefix_len = sizeof(mac);
	glob_key(&c->vendor_class, "MSFT *");
	c++;
	/* Everything at once, globs that take anything. */
	glob_key(&c->vendor_class, "*");
	glob_key(&c->user_class, "*");
	glob_key(&c->circuit_id, "*");
	glob_key(&c->remote_id, "*");
	c->arch[0] = 0x0007;
	c->narch = 1;
	c++;
	/* A malformed set: the `[` is a plain byte. */
	glob_key(&c->user_class, "[abc*");
	c++;
	/* classes[NCLASSES - 1]: no key, must never match. */
	cfg.classes = classes;
	cfg.nclasses = NCLASSES;
	ready = true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t codes[] = {
		DHO_VENDOR_CLASS, 77, 82, 93,
	};
	struct cfg_match star;
	uint64_t	 bits;
	size_t		 i;

	if (!ready)
		setup();
	if (dhcp_msg_decode(data, size, &m) != DHCP_OK)
		return 0;

	bits = classify(&cfg, &m);
	for (i = 0; i < NCLASSES; i++) {
		bool	 in = (bits >> i & 1) != 0;

		check(in == class_matches(&classes[i], &m));
	}
	check((bits >> (NCLASSES - 1) & 1) == 0);
	check(bits >> NCLASSES == 0);

	memset(&star, 0, sizeof(star));
	glob_key(&star, "*");
	for (i = 0; i < sizeof(codes); i++) {
		const uint8_t	*v;
		size_t		 len;

		if ((v = dhcp_opt_get(&m, codes[i], &len)) != NULL) {
			check(class_match_value(&star, v, len));
			/* And a glob that reads every byte. */
			(void)class_glob("*[!\\]]?*\\*", v, len);
		}
	}
	return 0;
}
