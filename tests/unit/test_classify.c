/*
 * Unit tests: common/dhcp/classify.c, client classes.  Each match key on
 * its own matches and fails; keys combine with AND; a class with no key
 * matches nothing; malformed options 77, 82 and 93 match nothing and are
 * never read past their end; globs stay fast on pathological patterns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"

#define OPT_USER_CLASS	77
#define OPT_CLIENT_ARCH	93

static const char pxe7[] = "PXEClient:Arch:00007:UNDI:003016";
static const char pxe0[] = "PXEClient:Arch:00000:UNDI:002001";

static struct dhcp_msg	msg;

/* A DHCPDISCOVER from 00:1b:21:0a:0b:0c, no other option. */
static struct dhcp_msg *
req(void)
{
	static const uint8_t mac[6] = { 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c };

	dhcp_msg_init(&msg);
	msg.op = BOOTREQUEST;
	msg.htype = 1;
	msg.hlen = 6;
	msg.xid = 0x12345678;
	memcpy(msg.chaddr, mac, sizeof(mac));
	assert_true(dhcp_opt_set_u8(&msg, DHO_MESSAGE_TYPE, DHCPDISCOVER));
	return &msg;
}

static void
opt(struct dhcp_msg *m, uint8_t code, const void *v, size_t len)
{
	assert_true(dhcp_opt_set(m, code, v, len));
}

static void
glob_key(struct cfg_match *k, const char *pat)
{
	memset(k, 0, sizeof(*k));
	k->set = true;
	k->len = (uint16_t)strlen(pat);
	assert_true(k->len <= CFG_MATCH_MAX);
	memcpy(k->bytes, pat, k->len + 1);
}

static void
exact_key(struct cfg_match *k, const void *b, size_t len)
{
	memset(k, 0, sizeof(*k));
	k->set = true;
	k->exact = true;
	k->len = (uint16_t)len;
	assert_true(len <= CFG_MATCH_MAX);
	memcpy(k->bytes, b, len);
}

static bool
G(const char *pat, const char *text)
{
	return class_glob(pat, (const uint8_t *)text, strlen(text));
}

/* Text with NUL bytes: n given. */
static bool
Gn(const char *pat, const char *text, size_t n)
{
	return class_glob(pat, (const uint8_t *)text, n);
}

static void
glob_plain(void **state)
{
	(void)state;

	assert_true(G("", ""));
	assert_false(G("", "a"));
	assert_true(G("*", ""));
	assert_true(G("*", "anything at all"));
	assert_true(G("**", ""));
	assert_true(Gn("*", "a\0b", 3));
	assert_true(G("abc", "abc"));
	/* The whole value must match, not a prefix or a suffix. */
	assert_false(G("abc", "abcd"));
	assert_false(G("abc", "xabc"));
	assert_false(G("abc", "ab"));
	/* Case-sensitive. */
	assert_false(G("abc", "ABC"));
	assert_true(G("?", "x"));
	assert_false(G("?", ""));
	assert_false(G("?", "xy"));
	assert_true(G("a?c", "abc"));
	assert_true(Gn("a?c", "a\0c", 3));
	assert_true(G("a*", "a"));
	assert_true(G("*c", "abc"));
	assert_true(G("a*c", "ac"));
	assert_true(G("a*b*c", "a-b-b-c"));
	assert_false(G("a*b*c", "a-b-b-d"));
	assert_true(G("*?", "x"));
	assert_false(G("*?", ""));
	assert_true(G("*a*", "bab"));
	/* Needs the last star to back up past an earlier partial match. */
	assert_true(G("*aab", "aaab"));
	assert_true(G("*ab*ab", "abxabab"));
	/* Text past a NUL byte is still text. */
	assert_true(Gn("a*z", "a\0\0z", 4));
	assert_false(Gn("a", "a\0", 2));
}

static void
glob_sets(void **state)
{
	(void)state;

	assert_true(G("[abc]", "b"));
	assert_false(G("[abc]", "d"));
	assert_false(G("[abc]", ""));
	assert_true(G("[a-z]", "m"));
	assert_true(G("[a-z]", "a"));
	assert_true(G("[a-z]", "z"));
	assert_false(G("[a-z]", "A"));
	assert_true(G("[0-9a-f][0-9a-f]", "7e"));
	assert_false(G("[0-9a-f][0-9a-f]", "7g"));
	assert_true(G("[!a-z]", "A"));
	assert_false(G("[!a-z]", "q"));
	assert_true(G("[^0-9]", "x"));
	assert_false(G("[^0-9]", "5"));
	assert_true(Gn("[!x]", "\0", 1));
	/* `]` first is a member, `-` first or last is a member. */
	assert_true(G("[]]", "]"));
	assert_true(G("[!]]", "a"));
	assert_false(G("[!]]", "]"));
	assert_true(G("[a-]", "-"));
	assert_true(G("[-a]", "-"));
	assert_false(G("[a-]", "b"));
	/* Quoted in a set. */
	assert_true(G("[\\]x]", "]"));
	assert_true(G("[\\-]", "-"));
	assert_true(G("[a\\-z]", "-"));
	assert_false(G("[a\\-z]", "m"));
	/* A reversed range holds nothing. */
	assert_false(G("[z-a]", "m"));
	/* Never closed: the `[` is a plain byte. */
	assert_true(G("[abc", "[abc"));
	assert_false(G("[abc", "a"));
	assert_true(G("a[", "a["));
	assert_true(G("*[", "xx["));
	assert_true(G("[!", "[!"));
	/* Sets and stars together. */
	assert_true(G("eth[0-3]/*", "eth2/1/1"));
	assert_false(G("eth[0-3]/*", "eth4/1/1"));
}

static void
glob_escapes(void **state)
{
	(void)state;

	assert_true(G("\\*", "*"));
	assert_false(G("\\*", "a"));
	assert_false(G("\\*", ""));
	assert_true(G("\\?", "?"));
	assert_false(G("\\?", "x"));
	assert_true(G("\\[a]", "[a]"));
	assert_false(G("\\[a]", "a"));
	assert_true(G("\\\\", "\\"));
	assert_true(G("\\a", "a"));
	/* A trailing `\` is itself. */
	assert_true(G("a\\", "a\\"));
	assert_false(G("a\\", "a"));
	assert_true(G("*\\*", "abc*"));
	assert_false(G("*\\*", "abc"));
}

/* Backtracking only the last star keeps this linear, not exponential. */
static void
glob_pathological(void **state)
{
	size_t	 n = 10000;
	char	*t = malloc(n + 1);
	(void)state;

	assert_non_null(t);
	memset(t, 'a', n);
	t[n] = '\0';
	assert_false(G("*a*a*a*a*a*a*b", t));
	assert_true(G("*a*a*a*a*a*a", t));
	assert_true(G("*a*a*a*a*a*a*", t));
	assert_false(G("*?*?*?*?*?*?*b", t));
	assert_false(G("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", t));
	t[n - 1] = 'b';
	assert_true(G("*a*a*a*a*a*a*b", t));
	assert_true(G("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", t));
	free(t);
}

static void
vendor_class(void **state)
{
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	glob_key(&c.vendor_class, "PXEClient:Arch:00007*");
	assert_false(class_matches(&c, m));	/* no option 60 */
	opt(m, DHO_VENDOR_CLASS, pxe7, strlen(pxe7));
	assert_true(class_matches(&c, m));
	opt(m, DHO_VENDOR_CLASS, pxe0, strlen(pxe0));
	assert_false(class_matches(&c, m));
	/* Exact bytes: the whole value, no more, no less. */
	exact_key(&c.vendor_class, "PXEClient", 9);
	assert_false(class_matches(&c, m));
	opt(m, DHO_VENDOR_CLASS, "PXEClient", 9);
	assert_true(class_matches(&c, m));
	opt(m, DHO_VENDOR_CLASS, "PXEClien", 8);
	assert_false(class_matches(&c, m));
	/* An empty option 60 matches an empty glob only. */
	opt(m, DHO_VENDOR_CLASS, "", 0);
	assert_false(class_matches(&c, m));
	glob_key(&c.vendor_class, "");
	assert_true(class_matches(&c, m));
}

static void
user_class(void **state)
{
	static const uint8_t list[] = {
		4, 'i', 'P', 'X', 'E', 5, 'g', 'p', 'x', 'e', '1',
	};
	/* The second instance claims 4 bytes; 3 follow. */
	static const uint8_t loose[] = {
		4, 'i', 'P', 'X', 'E', 4, 'g', 'p', 'x',
	};
	static const uint8_t empty_inst[] = { 4, 'i', 'P', 'X', 'E', 0 };
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	glob_key(&c.user_class, "iPXE");
	assert_false(class_matches(&c, m));	/* no option 77 */
	/* A bare string, as many clients send: the whole value. */
	opt(m, OPT_USER_CLASS, "iPXE", 4);
	assert_true(class_matches(&c, m));
	opt(m, OPT_USER_CLASS, "gPXE", 4);
	assert_false(class_matches(&c, m));

	/* RFC 3004 instances: any one of them. */
	opt(m, OPT_USER_CLASS, list, sizeof(list));
	assert_true(class_matches(&c, m));
	glob_key(&c.user_class, "gpxe?");
	assert_true(class_matches(&c, m));
	exact_key(&c.user_class, "gpxe1", 5);
	assert_true(class_matches(&c, m));
	exact_key(&c.user_class, "gpxe", 4);
	assert_false(class_matches(&c, m));
	/* The whole list is a value too. */
	glob_key(&c.user_class, "\x04iPXE*");
	assert_true(class_matches(&c, m));
	glob_key(&c.user_class, "ipxe");
	assert_false(class_matches(&c, m));

	/* Instances that do not fill the value are no list. */
	glob_key(&c.user_class, "iPXE");
	opt(m, OPT_USER_CLASS, loose, sizeof(loose));
	assert_false(class_matches(&c, m));
	opt(m, OPT_USER_CLASS, empty_inst, sizeof(empty_inst));
	assert_false(class_matches(&c, m));
	opt(m, OPT_USER_CLASS, "", 0);
	assert_false(class_matches(&c, m));
}

static void
client_arch(void **state)
{
	static const uint8_t two[] = { 0x00, 0x00, 0x00, 0x07 };
	static const uint8_t efi[] = { 0x00, 0x09 };
	static const uint8_t odd[] = { 0x00, 0x07, 0x00 };
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	c.arch[0] = 9;
	c.arch[1] = 7;
	c.arch[2] = 0x10;
	c.narch = 3;
	assert_false(class_matches(&c, m));	/* no option 93 */
	opt(m, OPT_CLIENT_ARCH, two, sizeof(two));
	assert_true(class_matches(&c, m));	/* 7, second of both */
	opt(m, OPT_CLIENT_ARCH, efi, sizeof(efi));
	assert_true(class_matches(&c, m));
	c.arch[0] = 6;
	assert_false(class_matches(&c, m));
	/* Big-endian: 0x0900 is not 9. */
	c.arch[0] = 0x0900;
	assert_false(class_matches(&c, m));
	c.arch[0] = 9;
	/* Malformed: odd or empty. */
	opt(m, OPT_CLIENT_ARCH, odd, sizeof(odd));
	assert_false(class_matches(&c, m));
	opt(m, OPT_CLIENT_ARCH, "", 0);
	assert_false(class_matches(&c, m));
	/* 0x0000 (x86 BIOS) is a value like any other. */
	c.arch[0] = 0;
	c.narch = 1;
	opt(m, OPT_CLIENT_ARCH, two, sizeof(two));
	assert_true(class_matches(&c, m));
}

static void
hardware_prefix(void **state)
{
	static const uint8_t p3[] = { 0x00, 0x1b, 0x21 };
	static const uint8_t p8[] = {
		0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c, 0x00, 0x00,
	};
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	memcpy(c.hwprefix, p3, sizeof(p3));
	c.hwprefix_len = sizeof(p3);
	assert_true(class_matches(&c, m));
	c.hwprefix[2] = 0x22;
	assert_false(class_matches(&c, m));
	c.hwprefix[2] = 0x21;
	/* Exactly hlen long. */
	c.hwprefix_len = 6;
	memcpy(c.hwprefix, p8, 6);
	assert_true(class_matches(&c, m));
	/* Longer than hlen: no match, even though chaddr's zero padding
	 * would compare equal. */
	memcpy(c.hwprefix, p8, sizeof(p8));
	c.hwprefix_len = sizeof(p8);
	assert_false(class_matches(&c, m));
	m->hlen = 16;
	assert_true(class_matches(&c, m));
	m->hlen = 0;
	c.hwprefix_len = 1;
	assert_false(class_matches(&c, m));
}

static void
relay_ids(void **state)
{
	/* circuit "eth0/1/2:100", remote 6 bytes with NULs. */
	static const uint8_t o82[] = {
		1, 12, 'e', 't', 'h', '0', '/', '1', '/', '2', ':', '1', '0',
		'0',
		2, 6, 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01,
	};
	static const uint8_t rid[] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01 };
	static const uint8_t rid2[] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x02 };
	static const uint8_t only_rid[] = { 2, 2, 'r', 'x' };
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	glob_key(&c.circuit_id, "eth0/1/*");
	assert_false(class_matches(&c, m));	/* no option 82 */
	opt(m, DHO_RELAY_AGENT_INFO, o82, sizeof(o82));
	assert_true(class_matches(&c, m));
	glob_key(&c.circuit_id, "eth0/2/*");
	assert_false(class_matches(&c, m));
	exact_key(&c.circuit_id, "eth0/1/2:100", 12);
	assert_true(class_matches(&c, m));
	exact_key(&c.circuit_id, "eth0/1/2:10", 11);
	assert_false(class_matches(&c, m));

	memset(&c, 0, sizeof(c));
	exact_key(&c.remote_id, rid, sizeof(rid));
	assert_true(class_matches(&c, m));
	exact_key(&c.remote_id, rid2, sizeof(rid2));
	assert_false(class_matches(&c, m));
	/* Only three bytes, up to the first NUL: not the value. */
	exact_key(&c.remote_id, rid, 3);
	assert_false(class_matches(&c, m));
	/* A glob sees past NUL bytes too. */
	glob_key(&c.remote_id, "*\x1b!*");
	assert_true(class_matches(&c, m));
	glob_key(&c.remote_id, "??????");
	assert_true(class_matches(&c, m));
	glob_key(&c.remote_id, "?????");
	assert_false(class_matches(&c, m));

	/* Sub-option 1 absent: a circuit key fails, a remote key works. */
	opt(m, DHO_RELAY_AGENT_INFO, only_rid, sizeof(only_rid));
	glob_key(&c.remote_id, "r?");
	assert_true(class_matches(&c, m));
	glob_key(&c.circuit_id, "*");
	assert_false(class_matches(&c, m));
}

/*
 * A heap message whose option `code` is v, placed at the very end of
 * optbuf (the last member; no padding after it is asserted), so that a
 * read past the value is a read past the allocation, which the
 * sanitizer build reports.  Free with free().
 */
static struct dhcp_msg *
at_end(uint8_t code, const void *v, size_t len)
{
	struct dhcp_msg	*m;
	uint8_t		*fill;
	const uint8_t	*got;
	size_t		 glen;

	assert_int_equal(sizeof(struct dhcp_msg),
	    offsetof(struct dhcp_msg, optbuf) + DHCP_PKT_MAX);
	assert_non_null(m = malloc(sizeof(*m)));
	assert_non_null(fill = calloc(1, DHCP_PKT_MAX));
	dhcp_msg_init(m);
	m->op = BOOTREQUEST;
	opt(m, 43, fill, DHCP_PKT_MAX - len);
	opt(m, code, v, len);
	free(fill);
	got = dhcp_opt_get(m, code, &glen);
	assert_ptr_equal(got + glen, m->optbuf + DHCP_PKT_MAX);
	return m;
}

/* Malformed option 82 values: no match, no read past the value. */
static void
relay_malformed(void **state)
{
	static const struct {
		const char	*v;
		size_t		 len;
	} bad[] = {
		{ "\x01", 1 },			/* header cut */
		{ "\x01\x05" "ab", 4 },		/* value cut */
		{ "\x01\xff", 2 },
		{ "\x01\x02" "ab" "\x02", 5 },	/* then a stray byte */
		{ "\x01\x02" "ab" "\x02\x03" "rx", 6 },	/* remote cut */
		{ "\x02\x01" "r" "\x01\x03" "ab", 7 },	/* circuit cut */
	};
	struct dhcp_msg	*m;
	struct cfg_class c;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = at_end(DHO_RELAY_AGENT_INFO, bad[i].v, bad[i].len);
		/* "*z" reads every byte; "*" would take anything. */
		memset(&c, 0, sizeof(c));
		glob_key(&c.circuit_id, "*z");
		assert_false(class_matches(&c, m));
		glob_key(&c.circuit_id, "*");
		assert_false(class_matches(&c, m));
		memset(&c, 0, sizeof(c));
		glob_key(&c.remote_id, "*z");
		assert_false(class_matches(&c, m));
		glob_key(&c.remote_id, "*");
		assert_false(class_matches(&c, m));
		free(m);
	}
	/* The same, well formed and at the end, does match. */
	m = at_end(DHO_RELAY_AGENT_INFO, "\x01\x02" "ab", 4);
	memset(&c, 0, sizeof(c));
	exact_key(&c.circuit_id, "ab", 2);
	assert_true(class_matches(&c, m));
	/* An empty option 82 has no sub-option. */
	opt(m, DHO_RELAY_AGENT_INFO, "", 0);
	assert_false(class_matches(&c, m));
	free(m);
}

/* Options 77 and 93 cut short at the end of the buffer. */
static void
list_malformed(void **state)
{
	static const uint8_t uc[] = { 2, 'a', 'b', 4, 'i', 'P', 'X' };
	static const uint8_t ok[] = { 2, 'a', 'b', 3, 'i', 'P', 'X' };
	static const uint8_t arch[] = { 0x00, 0x07, 0x00 };
	struct dhcp_msg	*m;
	struct cfg_class c;
	(void)state;

	memset(&c, 0, sizeof(c));
	glob_key(&c.user_class, "*z");
	m = at_end(OPT_USER_CLASS, uc, sizeof(uc));
	assert_false(class_matches(&c, m));
	glob_key(&c.user_class, "iPX");
	assert_false(class_matches(&c, m));
	free(m);
	m = at_end(OPT_USER_CLASS, ok, sizeof(ok));
	assert_true(class_matches(&c, m));
	free(m);

	memset(&c, 0, sizeof(c));
	c.arch[0] = 0x0000;
	c.arch[1] = 0x0700;
	c.narch = 2;
	m = at_end(OPT_CLIENT_ARCH, arch, sizeof(arch));
	assert_false(class_matches(&c, m));
	free(m);
	m = at_end(OPT_CLIENT_ARCH, arch, 2);
	assert_false(class_matches(&c, m));
	c.arch[1] = 7;
	assert_true(class_matches(&c, m));
	free(m);
}

/* Every key given must match. */
static void
combination(void **state)
{
	static const uint8_t arch7[] = { 0x00, 0x07 };
	static const uint8_t arch0[] = { 0x00, 0x00 };
	static const uint8_t o82[] = { 1, 4, 'p', 'o', 'r', 't' };
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	glob_key(&c.vendor_class, "PXEClient:*");
	c.arch[0] = 7;
	c.narch = 1;
	opt(m, DHO_VENDOR_CLASS, pxe7, strlen(pxe7));
	assert_false(class_matches(&c, m));	/* no option 93 */
	opt(m, OPT_CLIENT_ARCH, arch0, sizeof(arch0));
	assert_false(class_matches(&c, m));	/* vendor yes, arch no */
	opt(m, OPT_CLIENT_ARCH, arch7, sizeof(arch7));
	assert_true(class_matches(&c, m));
	opt(m, DHO_VENDOR_CLASS, "MSFT 5.0", 8);
	assert_false(class_matches(&c, m));	/* arch yes, vendor no */

	/* All six keys. */
	opt(m, DHO_VENDOR_CLASS, pxe7, strlen(pxe7));
	opt(m, OPT_USER_CLASS, "iPXE", 4);
	opt(m, DHO_RELAY_AGENT_INFO, o82, sizeof(o82));
	glob_key(&c.user_class, "iPXE");
	c.hwprefix[0] = 0x00;
	c.hwprefix[1] = 0x1b;
	c.hwprefix_len = 2;
	glob_key(&c.circuit_id, "p*");
	assert_true(class_matches(&c, m));	/* five keys */
	glob_key(&c.remote_id, "*");
	assert_false(class_matches(&c, m));	/* no remote-id */
	opt(m, DHO_RELAY_AGENT_INFO, "\x01\x04port\x02\x01r", 9);
	assert_true(class_matches(&c, m));
	m->chaddr[1] = 0x1c;
	assert_false(class_matches(&c, m));
}

/* A class with no key is no catch-all, whatever the request holds. */
static void
no_key(void **state)
{
	static const uint8_t arch7[] = { 0x00, 0x07 };
	struct cfg_class c;
	struct dhcp_msg	*m = req();
	(void)state;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "empty");
	assert_false(class_matches(&c, m));
	opt(m, DHO_VENDOR_CLASS, pxe7, strlen(pxe7));
	opt(m, OPT_USER_CLASS, "iPXE", 4);
	opt(m, OPT_CLIENT_ARCH, arch7, sizeof(arch7));
	opt(m, DHO_RELAY_AGENT_INFO, "\x01\x01x\x02\x01y", 6);
	assert_false(class_matches(&c, m));
	/* A key left with set false is not given, whatever its bytes. */
	glob_key(&c.vendor_class, "*");
	c.vendor_class.set = false;
	assert_false(class_matches(&c, m));
	assert_false(class_match_value(&c.vendor_class,
	    (const uint8_t *)"x", 1));
}

static void
classify_mask(void **state)
{
	static const uint8_t arch7[] = { 0x00, 0x07 };
	struct cfg_class cls[3], *many;
	struct config	*cfg;
	struct dhcp_msg	*m = req();
	(void)state;

	assert_non_null(cfg = calloc(1, sizeof(*cfg)));
	memset(cls, 0, sizeof(cls));
	strcpy(cls[0].name, "pxe");
	glob_key(&cls[0].vendor_class, "PXEClient:Arch:00007*");
	strcpy(cls[1].name, "msft");
	glob_key(&cls[1].vendor_class, "MSFT *");
	strcpy(cls[2].name, "efi64");
	cls[2].arch[0] = 7;
	cls[2].arch[1] = 9;
	cls[2].narch = 2;
	cfg->classes = cls;
	cfg->nclasses = 3;

	assert_int_equal(classify(cfg, m), 0);
	opt(m, DHO_VENDOR_CLASS, pxe7, strlen(pxe7));
	assert_int_equal(classify(cfg, m), 0x1);
	opt(m, OPT_CLIENT_ARCH, arch7, sizeof(arch7));
	assert_int_equal(classify(cfg, m), 0x5);
	opt(m, DHO_VENDOR_CLASS, "MSFT 5.0", 8);
	assert_int_equal(classify(cfg, m), 0x6);
	cfg->nclasses = 2;
	assert_int_equal(classify(cfg, m), 0x2);
	cfg->nclasses = 0;
	assert_int_equal(classify(cfg, m), 0);

	/* Past 64 classes there is no bit to set: the rest are ignored. */
	assert_non_null(many = calloc(70, sizeof(*many)));
	for (size_t i = 0; i < 70; i++)
		glob_key(&many[i].vendor_class, "MSFT*");
	cfg->classes = many;
	cfg->nclasses = 70;
	assert_true(classify(cfg, m) == UINT64_MAX);
	cfg->nclasses = 64;
	assert_true(classify(cfg, m) == UINT64_MAX);
	cfg->nclasses = 63;
	assert_true(classify(cfg, m) == UINT64_MAX >> 1);
	free(many);
	free(cfg);
}

/*
 * From the wire: option 82 split over two instances (RFC 3396) is
 * matched as the decoder concatenated it.
 */
static void
decoded(void **state)
{
	static const uint8_t tail[] = {
		0x63, 0x82, 0x53, 0x63,
		DHO_MESSAGE_TYPE, 1, DHCPDISCOVER,
		DHO_VENDOR_CLASS, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n',
		't',
		DHO_RELAY_AGENT_INFO, 4, 1, 5, 'e', 't',
		OPT_CLIENT_ARCH, 2, 0x00, 0x07,
		DHO_RELAY_AGENT_INFO, 3, 'h', '0', '/',
		DHO_END,
	};
	uint8_t		 pkt[DHCP_FIXED_LEN + sizeof(tail)];
	struct cfg_class c;
	(void)state;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = BOOTREQUEST;
	pkt[1] = 1;
	pkt[2] = 6;
	pkt[28] = 0x02;			/* chaddr 02:... */
	memcpy(pkt + DHCP_FIXED_LEN, tail, sizeof(tail));
	assert_int_equal(dhcp_msg_decode(pkt, sizeof(pkt), &msg), DHCP_OK);

	memset(&c, 0, sizeof(c));
	exact_key(&c.circuit_id, "eth0/", 5);
	glob_key(&c.vendor_class, "PXEClient");
	c.arch[0] = 7;
	c.narch = 1;
	c.hwprefix[0] = 0x02;
	c.hwprefix_len = 1;
	assert_true(class_matches(&c, &msg));
	/* One instance alone is a truncated sub-option. */
	pkt[DHCP_FIXED_LEN + 28] = 182;	/* the 2nd 82, now another */
	assert_int_equal(dhcp_msg_decode(pkt, sizeof(pkt), &msg), DHCP_OK);
	assert_false(class_matches(&c, &msg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob_plain),
		cmocka_unit_test(glob_sets),
		cmocka_unit_test(glob_escapes),
		cmocka_unit_test(glob_pathological),
		cmocka_unit_test(vendor_class),
		cmocka_unit_test(user_class),
		cmocka_unit_test(client_arch),
		cmocka_unit_test(hardware_prefix),
		cmocka_unit_test(relay_ids),
		cmocka_unit_test(relay_malformed),
		cmocka_unit_test(list_malformed),
		cmocka_unit_test(combination),
		cmocka_unit_test(no_key),
		cmocka_unit_test(classify_mask),
		cmocka_unit_test(decoded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
