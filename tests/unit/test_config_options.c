/*
 * Unit tests: options in both configuration files (common/config/
 * cfg_opts.c, cfg_class.c, cfg_optset.c; docs/options.md): Option.NAME
 * keys at each level encoded at load, [option:NAME] definitions, the
 * old subnet keys as options, classes, every error with its file, line,
 * section and key; the failover's per-primary options and classes; and
 * the subnet digest, which must tell two files apart when any of it
 * differs and agree when they say the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "fo_digest.h"
#include "fod_config.h"

#define INI_TMP_TEMPLATE	"/tmp/test_config_options.XXXXXX"
#include "ini_testutil.h"

static void
dump(const struct config_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		print_message("  %s\n", e->msgs[i]);
}

static void
load_ok(const char *text, struct config *cfg)
{
	struct config_errors e;

	if (config_load_primary(write_ini(text), cfg, &e) != 0) {
		dump(&e);
		config_errors_free(&e);
		fail_msg("config did not load");
	}
	config_errors_free(&e);
}

/* text must fail with an error containing each needle, and no other. */
static void
load_bad(const char *text, const char *const *needles, size_t n)
{
	struct config	 cfg;
	struct config_errors e;

	assert_int_equal(config_load_primary(write_ini(text), &cfg, &e), -1);
	assert_null(cfg.optsets);
	assert_null(cfg.classes);
	for (size_t i = 0; i < n; i++) {
		bool	 found = false;

		for (size_t j = 0; j < e.count; j++)
			found |= strstr(e.msgs[j], needles[i]) != NULL;
		if (!found) {
			dump(&e);
			fail_msg("no error containing: %s", needles[i]);
		}
	}
	if (e.count != n) {
		dump(&e);
		fail_msg("%zu errors, expected %zu", e.count, n);
	}
	config_errors_free(&e);
}

#define SERVER \
	"[server]\n" \
	"Name = branch1\n" \
	"ServerAddress = 192.0.2.10\n"
#define LAN1 \
	"[subnet:lan1]\n" \
	"Subnet = 198.51.100.0/24\n" \
	"Range = 198.51.100.100-198.51.100.199\n"

static const struct cfg_opt *
opt(const struct config *cfg, uint32_t set, unsigned space, unsigned code)
{
	return cfg_optset_find(config_optset(cfg, set), space, code);
}

static void
opt_is(const struct config *cfg, uint32_t set, unsigned code,
    const void *want, size_t len)
{
	const struct cfg_opt *o = opt(cfg, set, OPT_SPACE_DHCP4, code);

	assert_non_null(o);
	assert_int_equal(o->len, len);
	assert_memory_equal(config_optset(cfg, set)->buf + o->off, want, len);
}

static const char full[] =
	SERVER
	"Option.ntp-servers = 192.0.2.5, 192.0.2.6\n"
	"Option.time-offset = -3600\n"
	"[option:tftp-servers]\n"
	"Code = 150\n"
	"Type = ip-list\n"
	"[option:phone-vlan]\n"
	"Code = 2\n"
	"Type = string\n"
	"Space = vendor\n"
	LAN1
	"Routers = 198.51.100.1\n"
	"DomainName = example.test\n"
	"Option.domain-search = eng.apple.com, marketing.apple.com\n"
	"Option.classless-static-route = 10.17.0.0/16 198.51.100.1\n"
	"Option.150 = 192.0.2.9\n"
	"NextServer = 192.0.2.9\n"
	"BootFile = pxelinux.0\n"
	"AlwaysSend = tftp-servers\n"
	"[class:uefi-pxe]\n"
	"VendorClass = PXEClient:Arch:00007*\n"
	"ClientArch = 7, 9\n"
	"BootFile = ipxe.efi\n"
	"Option.tftp-server-name = boot.example.test\n"
	"[class:phones]\n"
	"VendorClass = 0x0102ff\n"
	"HardwarePrefix = 02:00:5e\n"
	"Range = 198.51.100.190-198.51.100.199\n"
	"Option.phone-vlan = vlan100\n"
	"[host:pc1]\n"
	"HardwareAddress = 02:00:00:00:00:01\n"
	"Address = 198.51.100.50\n"
	"Hostname = pc1\n"
	"Option.ntp-servers = 192.0.2.99\n";

/* Every level's values, encoded at load. */
static void
levels_encoded(void **state)
{
	struct config	 cfg;
	const struct cfg_subnet *sn;
	const struct cfg_class *c;
	const struct cfg_optset *s;
	(void)state;

	load_ok(full, &cfg);
	opt_is(&cfg, cfg.global_opts, 42, "\xc0\x00\x02\x05\xc0\x00\x02\x06",
	    8);
	opt_is(&cfg, cfg.global_opts, 2, "\xff\xff\xf1\xf0", 4);
	sn = &cfg.subnets[0];
	/* The old keys are options of the subnet's set. */
	opt_is(&cfg, sn->opts, 3, "\xc6\x33\x64\x01", 4);
	opt_is(&cfg, sn->opts, 15, "example.test", 12);
	/* RFC 3397 2's example, and RFC 3442's 10.17.0.0/16. */
	opt_is(&cfg, sn->opts, 119, "\x03" "eng" "\x05" "apple" "\x03" "com"
	    "\x00" "\x09" "marketing" "\xc0\x04", 27);
	opt_is(&cfg, sn->opts, 121, "\x10\x0a\x11\xc6\x33\x64\x01", 7);
	opt_is(&cfg, sn->opts, 150, "\xc0\x00\x02\x09", 4);
	assert_true(opt(&cfg, sn->opts, 0, 150)->always);
	assert_false(opt(&cfg, sn->opts, 0, 119)->always);
	s = config_optset(&cfg, sn->opts);
	assert_true(s->has_next_server);
	assert_int_equal(s->next_server, A("192.0.2.9"));
	assert_string_equal(s->boot_file, "pxelinux.0");

	assert_int_equal(cfg.nclasses, 2);
	c = &cfg.classes[0];
	assert_string_equal(c->name, "uefi-pxe");
	assert_true(c->vendor_class.set);
	assert_false(c->vendor_class.exact);
	assert_string_equal((const char *)c->vendor_class.bytes,
	    "PXEClient:Arch:00007*");
	assert_int_equal(c->narch, 2);
	assert_int_equal(c->arch[1], 9);
	assert_string_equal(config_optset(&cfg, c->opts)->boot_file,
	    "ipxe.efi");
	opt_is(&cfg, c->opts, 66, "boot.example.test", 17);
	c = &cfg.classes[1];
	assert_true(c->vendor_class.exact);
	assert_int_equal(c->vendor_class.len, 3);
	assert_memory_equal(c->vendor_class.bytes, "\x01\x02\xff", 3);
	assert_int_equal(c->hwprefix_len, 3);
	assert_int_equal(c->nranges, 1);
	assert_non_null(opt(&cfg, c->opts, OPT_SPACE_VENDOR, 2));

	opt_is(&cfg, cfg.hosts[0].opts, 12, "pc1", 3);
	opt_is(&cfg, cfg.hosts[0].opts, 42, "\xc0\x00\x02\x63", 4);
	config_free(&cfg);
}

/* Each mistake named with its line, section and key. */
static void
errors_located(void **state)
{
	(void)state;
	load_bad(SERVER LAN1
	    "Option.bogus = 1\n"
	    "Option.ntp-servers = 192.0.2.300\n"
	    "Option.51 = 5\n"
	    "Option.interface-mtu = 70000\n", (const char *const[]){
	    ":7: [subnet:lan1] Option.bogus = 1: unknown option bogus",
	    ":8: [subnet:lan1] Option.ntp-servers = 192.0.2.300: "
	    "192.0.2.300",
	    ":9: [subnet:lan1] Option.51 = 5: option 51 is set by the server "
	    "itself",
	    ":10: [subnet:lan1] Option.interface-mtu = 70000: 70000" }, 4);
	load_bad(SERVER LAN1
	    "Routers = 198.51.100.1\n"
	    "Option.routers = 198.51.100.2\n"
	    "AlwaysSend = ntp-servers\n", (const char *const[]){
	    "[subnet:lan1] Routers = 198.51.100.1: option 3 is also set",
	    "[subnet:lan1] AlwaysSend = ntp-servers: ntp-servers is not set "
	    "in this section" }, 2);
	load_bad(SERVER LAN1
	    "[option:x]\nCode = 53\nType = uint8\n"
	    "[option:routers]\nCode = 200\nType = ip\n"
	    "[option:y]\nCode = 151\nType = ip\n"
	    "[option:z]\nCode = 151\nType = hex\n"
	    "[option:w]\nCode = 152\nType = float\n", (const char *const[]){
	    "[option:x] Code = 53: option 53 is set by the server itself",
	    "[option:routers]: routers is the name of built-in option 3",
	    "[option:z] Code = 151: [option:y] defines dhcp4 option 151",
	    "[option:w] Type = float" }, 4);
	/* Options where they do not belong are unknown keys there. */
	load_bad(SERVER LAN1 "[failover]\nOption.routers = 192.0.2.1\n",
	    (const char *const[]){ "[failover] Option.routers = 192.0.2.1: "
	    "unknown key" }, 1);
}

static void
class_errors(void **state)
{
	(void)state;
	load_bad(SERVER LAN1
	    "[class:empty]\nBootFile = x.efi\n"
	    "[class:outside]\nVendorClass = a*\n"
	    "Range = 198.51.100.195-198.51.100.210\n"
	    "[class:a]\nVendorClass = a*\nRange = 198.51.100.150-198.51.100.160\n"
	    "[class:b]\nVendorClass = b*\nRange = 198.51.100.160-198.51.100.170\n"
	    "[class:c]\nClientArch = 70000\n", (const char *const[]){
	    "[class:empty]: no match key",
	    "[class:outside] Range = 198.51.100.195-198.51.100.210: "
	    "198.51.100.195-198.51.100.210 is not inside the Range of one "
	    "subnet",
	    "[class:b] Range = 198.51.100.160-198.51.100.170: "
	    "198.51.100.160-198.51.100.170 overlaps a Range of [class:a]",
	    "[class:c] ClientArch = 70000: 70000" }, 4);
}

/*
 * A class Range may run across adjacent Range entries of its subnet, but
 * not across a gap between them (checked entry by entry: a class Range
 * can span most of the address space).
 */
static void
class_range_across_entries(void **state)
{
	struct config cfg;

	(void)state;
	load_ok(SERVER "[subnet:lan1]\nSubnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.149, 198.51.100.150-198.51.100.199\n"
	    "[class:a]\nVendorClass = a*\nRange = 198.51.100.140-198.51.100.160\n",
	    &cfg);
	assert_int_equal(cfg.nclasses, 1);
	config_free(&cfg);
	load_bad(SERVER "[subnet:lan1]\nSubnet = 198.51.100.0/24\n"
	    "Range = 198.51.100.100-198.51.100.149, 198.51.100.151-198.51.100.199\n"
	    "[class:a]\nVendorClass = a*\nRange = 198.51.100.140-198.51.100.160\n",
	    (const char *const[]){ "[class:a] Range = 198.51.100.140-"
	    "198.51.100.160: 198.51.100.140-198.51.100.160 is not inside the "
	    "Range of one subnet" }, 1);
	/* The whole of a /1: one step, not 2^31. */
	load_bad(SERVER "[subnet:big]\nSubnet = 0.0.0.0/1\n"
	    "Range = 0.0.0.1-127.255.255.254\n"
	    "[class:a]\nVendorClass = a*\nRange = 0.0.0.1-128.0.0.1\n",
	    (const char *const[]){ "0.0.0.1-128.0.0.1 is not inside the Range "
	    "of one subnet" }, 1);
}

/*
 * The digest: the same options in another order agree; a change at any
 * level (global, subnet, class, host, definitions) is a difference.
 */
static void
digest_covers_options(void **state)
{
	static const char *const variants[] = {
		"Option.time-offset = -3600\n", "Option.time-offset = -3601\n",
		"BootFile = ipxe.efi\n", "BootFile = snp.efi\n",
		"Option.ntp-servers = 192.0.2.99\n",
		"Option.ntp-servers = 192.0.2.98\n",
		"Code = 2\n", "Code = 3\n",
		"VendorClass = PXEClient:Arch:00007*\n",
		"VendorClass = PXEClient:Arch:00009*\n",
	};
	uint8_t	 d0[FO_SHA256_LEN], d1[FO_SHA256_LEN];
	struct config cfg;
	(void)state;

	load_ok(full, &cfg);
	assert_int_equal(fo_subnet_digest(&cfg, &cfg.subnets[0], d0), 0);
	config_free(&cfg);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]);
	    i += 2) {
		char	 text[sizeof(full) + 64];
		const char *at = strstr(full, variants[i]);

		assert_non_null(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - full), full,
		    variants[i + 1], at + strlen(variants[i]));
		load_ok(text, &cfg);
		assert_int_equal(fo_subnet_digest(&cfg, &cfg.subnets[0], d1),
		    0);
		if (memcmp(d0, d1, sizeof(d0)) == 0)
			fail_msg("digest blind to: %s", variants[i + 1]);
		config_free(&cfg);
	}
}

/*
 * failover.ini: [server] options for every primary, a [primary:NAME]'s
 * own on top; a class for some primaries only.  The view of b1 carries
 * the same configuration as the primary.ini above, so their digests
 * agree.
 */
static void
failover_views(void **state)
{
	static const char fo[] =
		"[server]\n"
		"Name = hub1\n"
		"ServerAddress = 192.0.2.20\n"
		"Option.ntp-servers = 192.0.2.7\n"
		"Option.time-offset = -3600\n"
		"[option:tftp-servers]\nCode = 150\nType = ip-list\n"
		"[option:phone-vlan]\nCode = 2\nType = string\nSpace = vendor\n"
		"[primary:b1]\nAddress = 192.0.2.10\n"
		"SharedKeyFile = /etc/dhcpfo/b1.key\n"
		"Option.ntp-servers = 192.0.2.5, 192.0.2.6\n"
		"[primary:b2]\nAddress = 192.0.2.11\n"
		"SharedKeyFile = /etc/dhcpfo/b2.key\n"
		"[subnet:lan1]\nPrimary = b1\n"
		"Subnet = 198.51.100.0/24\n"
		"Range = 198.51.100.100-198.51.100.199\n"
		"Routers = 198.51.100.1\n"
		"DomainName = example.test\n"
		"Option.domain-search = eng.apple.com, marketing.apple.com\n"
		"Option.classless-static-route = 10.17.0.0/16 198.51.100.1\n"
		"Option.150 = 192.0.2.9\n"
		"NextServer = 192.0.2.9\n"
		"BootFile = pxelinux.0\n"
		"AlwaysSend = tftp-servers\n"
		"[subnet:lan2]\nPrimary = b2\n"
		"Subnet = 203.0.113.0/24\n"
		"Range = 203.0.113.100-203.0.113.199\n"
		"[class:uefi-pxe]\n"
		"VendorClass = PXEClient:Arch:00007*\n"
		"ClientArch = 7, 9\n"
		"BootFile = ipxe.efi\n"
		"Option.tftp-server-name = boot.example.test\n"
		"[class:phones]\nPrimary = b1\n"
		"VendorClass = 0x0102ff\n"
		"HardwarePrefix = 02:00:5e\n"
		"Range = 198.51.100.190-198.51.100.199\n"
		"Option.phone-vlan = vlan100\n"
		"[host:pc1]\nPrimary = b1\n"
		"HardwareAddress = 02:00:00:00:00:01\n"
		"Address = 198.51.100.50\n"
		"Hostname = pc1\n"
		"Option.ntp-servers = 192.0.2.99\n";
	struct fod_config fcfg;
	struct config	 pcfg, dup;
	struct config_errors e;
	const struct config *v1, *v2;
	uint8_t		 dp[FO_SHA256_LEN], df[FO_SHA256_LEN];
	(void)state;

	if (config_load_failover(write_ini(fo), &fcfg, &e) != 0) {
		dump(&e);
		fail_msg("failover.ini did not load");
	}
	config_errors_free(&e);
	v1 = &fcfg.primaries[0].view;
	v2 = &fcfg.primaries[1].view;
	assert_int_equal(v1->nclasses, 2);
	assert_int_equal(v2->nclasses, 1);
	/* b1's own ntp-servers over [server]'s; b2 has [server]'s. */
	opt_is(v1, v1->global_opts, 42, "\xc0\x00\x02\x05\xc0\x00\x02\x06",
	    8);
	opt_is(v2, v2->global_opts, 42, "\xc0\x00\x02\x07", 4);
	opt_is(v2, v2->global_opts, 2, "\xff\xff\xf1\xf0", 4);

	load_ok(full, &pcfg);
	assert_int_equal(fo_subnet_digest(&pcfg, &pcfg.subnets[0], dp), 0);
	assert_int_equal(fo_subnet_digest(v1, &v1->subnets[0], df), 0);
	assert_memory_equal(dp, df, sizeof(dp));
	/* A thread's own copy digests alike. */
	assert_int_equal(fod_config_view_dup(v1, &dup), 0);
	assert_int_equal(fo_subnet_digest(&dup, &dup.subnets[0], df), 0);
	assert_memory_equal(dp, df, sizeof(dp));
	config_free(&dup);
	config_free(&pcfg);
	fod_config_free(&fcfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(levels_encoded, teardown),
		cmocka_unit_test_teardown(errors_located, teardown),
		cmocka_unit_test_teardown(class_errors, teardown),
		cmocka_unit_test_teardown(class_range_across_entries, teardown),
		cmocka_unit_test_teardown(digest_covers_options, teardown),
		cmocka_unit_test_teardown(failover_views, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
