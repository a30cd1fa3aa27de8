/*
 * Unit tests: a scope rendered as INI text (common/config/cfg_render.c)
 * and loaded back by the scope loader (common/config/cfg_scope.c).
 * The contract is the round trip: render a primary.ini's scope, load the
 * text, and every subnet digests alike; subnets, hosts and classes keep
 * their names, order and fields; every option set gives the same
 * options and boot fields; the option definitions are the same; and
 * rendering the loaded scope gives the same bytes.  Also: the failover
 * form (loaded by the failover.ini loader, whose views digest alike),
 * compact lines for values too long for the reader's line, what the
 * scope loader refuses and why, and a scope of 5,000 hosts.
 * etc/primary.ini is read relative to the working directory, the top of
 * the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_render.h"
#include "config.h"
#include "fo_digest.h"
#include "fod_config.h"
#include "strbuf.h"

#define INI_TMP_TEMPLATE	"/tmp/test_cfg_render.XXXXXX"
#include "ini_testutil.h"

static void
dump(const struct config_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		print_message("  %s\n", e->msgs[i]);
}

static void
load_primary(const char *path, struct config *cfg)
{
	struct config_errors e;

	if (config_load_primary(path, cfg, &e) != 0) {
		dump(&e);
		config_errors_free(&e);
		fail_msg("%s did not load", path);
	}
	config_errors_free(&e);
}

static void
load_scope(const char *text, struct config *cfg)
{
	struct config_errors e;

	if (config_load_scope(write_ini(text), cfg, &e) != 0) {
		print_message("%s", text);
		dump(&e);
		config_errors_free(&e);
		fail_msg("the rendered scope did not load");
	}
	config_errors_free(&e);
}

/* cfg rendered (primary is NULL for the primary form), malloc'd. */
static char *
render(const struct config *cfg, const char *primary, const char *keys)
{
	struct strbuf sb;
	char	*text;

	sb_init(&sb);
	if (cfg_render_scope(cfg, primary, keys, &sb) != 0)
		fail_msg("cfg_render_scope failed");
	assert_non_null(sb.buf);
	assert_non_null(text = strdup(sb.buf));
	sb_free(&sb);
	return text;
}

/* ------------------------------------------------------------------ */
/* Comparing two configurations' scopes                                */

static void
optset_same(const struct config *a, uint32_t ia, const struct config *b,
    uint32_t ib)
{
	const struct cfg_optset *x = config_optset(a, ia);
	const struct cfg_optset *y = config_optset(b, ib);

	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		const struct cfg_opt *o = &x->v[i], *p = &y->v[i];

		assert_int_equal(o->space, p->space);
		assert_int_equal(o->code, p->code);
		assert_int_equal(o->always, p->always);
		assert_int_equal(o->len, p->len);
		assert_memory_equal(x->buf + o->off, y->buf + p->off, o->len);
	}
	assert_int_equal(x->has_next_server, y->has_next_server);
	assert_int_equal(x->next_server, y->next_server);
	assert_string_equal(x->boot_file, y->boot_file);
	assert_string_equal(x->server_name, y->server_name);
}

static void
ranges_same(const struct cfg_range *a, size_t na, const struct cfg_range *b,
    size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].lo, b[i].lo);
		assert_int_equal(a[i].hi, b[i].hi);
	}
}

static void
subnet_same(const struct config *a, const struct cfg_subnet *x,
    const struct config *b, const struct cfg_subnet *y)
{
	uint8_t	 da[FO_SHA256_LEN], db[FO_SHA256_LEN];

	assert_string_equal(x->name, y->name);
	assert_int_equal(x->network, y->network);
	assert_int_equal(x->prefix, y->prefix);
	ranges_same(x->ranges, x->nranges, y->ranges, y->nranges);
	ranges_same(x->exclude_ranges, x->nexclude_ranges, y->exclude_ranges,
	    y->nexclude_ranges);
	assert_int_equal(x->nexcludes, y->nexcludes);
	assert_int_equal(x->nrouters, y->nrouters);
	assert_memory_equal(x->routers, y->routers, sizeof(x->routers));
	assert_int_equal(x->ndns, y->ndns);
	assert_memory_equal(x->dns, y->dns, sizeof(x->dns));
	assert_int_equal(x->nntp, y->nntp);
	assert_memory_equal(x->ntp, y->ntp, sizeof(x->ntp));
	assert_string_equal(x->domain_name, y->domain_name);
	assert_int_equal(x->broadcast, y->broadcast);
	assert_int_equal(x->lease_time, y->lease_time);
	assert_int_equal(x->min_lease_time, y->min_lease_time);
	assert_int_equal(x->max_lease_time, y->max_lease_time);
	assert_true(x->t1_ratio == y->t1_ratio);
	assert_true(x->t2_ratio == y->t2_ratio);
	assert_int_equal(x->failover_share, y->failover_share);
	assert_string_equal(x->shared_network, y->shared_network);
	optset_same(a, x->opts, b, y->opts);
	assert_int_equal(fo_subnet_digest(a, x, da), 0);
	assert_int_equal(fo_subnet_digest(b, y, db), 0);
	assert_memory_equal(da, db, sizeof(da));
}

static void
host_same(const struct config *a, const struct cfg_host *x,
    const struct config *b, const struct cfg_host *y)
{
	assert_string_equal(x->name, y->name);
	assert_int_equal(x->htype, y->htype);
	assert_int_equal(x->hlen, y->hlen);
	assert_memory_equal(x->hwaddr, y->hwaddr, x->hlen);
	assert_int_equal(x->cid_len, y->cid_len);
	assert_memory_equal(x->cid, y->cid, x->cid_len);
	assert_int_equal(x->addr, y->addr);
	assert_string_equal(x->hostname, y->hostname);
	optset_same(a, x->opts, b, y->opts);
}

static void
match_same(const struct cfg_match *x, const struct cfg_match *y)
{
	assert_int_equal(x->set, y->set);
	assert_int_equal(x->exact, y->exact);
	assert_int_equal(x->len, y->len);
	assert_memory_equal(x->bytes, y->bytes, x->len);
}

static void
class_same(const struct config *a, const struct cfg_class *x,
    const struct config *b, const struct cfg_class *y)
{
	assert_string_equal(x->name, y->name);
	match_same(&x->vendor_class, &y->vendor_class);
	match_same(&x->user_class, &y->user_class);
	match_same(&x->circuit_id, &y->circuit_id);
	match_same(&x->remote_id, &y->remote_id);
	assert_int_equal(x->narch, y->narch);
	assert_memory_equal(x->arch, y->arch, x->narch * sizeof(x->arch[0]));
	assert_int_equal(x->hwprefix_len, y->hwprefix_len);
	assert_memory_equal(x->hwprefix, y->hwprefix, x->hwprefix_len);
	ranges_same(x->ranges, x->nranges, y->ranges, y->nranges);
	optset_same(a, x->opts, b, y->opts);
}

/* b is a's scope: the round trip's contract, section by section. */
static void
scope_same(const struct config *a, const struct config *b)
{
	assert_int_equal(a->optdefs.n, b->optdefs.n);
	for (size_t i = 0; i < a->optdefs.n; i++) {
		const struct optdef *x = &a->optdefs.v[i];
		const struct optdef *y = &b->optdefs.v[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->code, y->code);
		assert_int_equal(x->space, y->space);
		assert_int_equal(x->type, y->type);
	}
	optset_same(a, a->global_opts, b, b->global_opts);
	assert_int_equal(a->nclasses, b->nclasses);
	for (size_t i = 0; i < a->nclasses; i++)
		class_same(a, &a->classes[i], b, &b->classes[i]);
	assert_int_equal(a->nsubnets, b->nsubnets);
	for (size_t i = 0; i < a->nsubnets; i++)
		subnet_same(a, &a->subnets[i], b, &b->subnets[i]);
	assert_int_equal(a->nhosts, b->nhosts);
	for (size_t i = 0; i < a->nhosts; i++)
		host_same(a, &a->hosts[i], b, &b->hosts[i]);
}

/*
 * The whole contract on a loaded primary.ini: render, load the text as a
 * scope, compare, render again: the same bytes.  Returns the text.
 */
static char *
round_trip(const struct config *cfg)
{
	struct config	 back;
	char		*text, *again;

	text = render(cfg, NULL, NULL);
	load_scope(text, &back);
	scope_same(cfg, &back);
	again = render(&back, NULL, NULL);
	assert_string_equal(text, again);
	free(again);
	config_free(&back);
	return text;
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */

static void
sample_round_trip(void **state)
{
	struct config	 cfg;
	char		*text;
	(void)state;

	load_primary("etc/primary.ini", &cfg);
	text = round_trip(&cfg);
	/* What primary.ini alone holds stays out of a scope. */
	assert_null(strstr(text, "[failover]"));
	assert_null(strstr(text, "[snmp]"));
	assert_null(strstr(text, "ServerAddress"));
	assert_null(strstr(text, "SafePeriod"));
	assert_non_null(strstr(text, "[server]\n"));
	assert_non_null(strstr(text, "\n[subnet:lan1]\nSubnet = "
	    "198.51.100.0/24\nRange = 198.51.100.100-198.51.100.199, "
	    "198.51.100.210-198.51.100.220\n"));
	assert_non_null(strstr(text, "Routers = 198.51.100.1\n"));
	assert_non_null(strstr(text, "RebindingPercent = 87.5\n"));
	assert_non_null(strstr(text, "FailoverShare = 10\n"));
	/* The default broadcast address is left to the loader. */
	assert_null(strstr(text, "BroadcastAddress"));
	free(text);
	config_free(&cfg);
}

/* Every kind of section, key and option type a scope can hold. */
static const char rich[] =
	"[option:site-flag]\nCode = 224\nType = bool\n"
	"[option:vendor-url]\nCode = 5\nType = string\nSpace = vendor\n"
	"[option:vendor-servers]\nCode = 6\nType = ip-list\nSpace = vendor\n"
	"[option:site-routes]\nCode = 225\nType = routes\n"
	"[option:site-blob]\nCode = 226\nType = hex\n"
	"[option:site-time]\nCode = 2\nType = uint32\n"
	"[server]\nName = branch1\nServerAddress = 192.0.2.10\n"
	"Option.domain-search = example.test, corp.example.test, "
	"lab.corp.example.test\n"
	"Option.classless-static-route = 0.0.0.0/0 198.51.100.1, "
	"10.0.0.0/8 - 198.51.100.254\n"
	"Option.site-time = 0x10\n"
	"Option.interface-mtu = 1400\n"
	"Option.ip-forwarding = no\n"
	"Option.site-flag = true\n"
	"Option.vendor-url = 'say \"hi\"; then # leave'\n"
	"Option.root-path = '\"  spaced out  \"'\n"
	"Option.merit-dump = \"semi;colon#hash\"\n"
	"Option.extensions-path = \"C:\\dir\\\"\n"
	"Option.nis-domain = \"\"it's\"\n"
	"Option.nds-context = \"\"x\"\"\n"
	"Option.vendor-encapsulated-options = 01 02 03\n"
	"Option.tftp-server-address = 192.0.2.50,192.0.2.51\n"
	"Option.site-blob = 0xDEADbeef\n"
	"Option.name-service-search = 6, 42\n"
	"Option.policy-filter = 10.0.0.0 255.0.0.0\n"
	"Option.default-ip-ttl = 64\n"
	"Option.domain-name = Example.Test.\n"
	"AlwaysSend = site-flag, vendor-url, 119\n"
	"NextServer = 192.0.2.60\n"
	"BootFile = pxelinux.0\n"
	"ServerName = boot.example.test\n"
	"[failover]\nFailoverShare = 15\nSafePeriod = 600\n"
	"[class:pxe-bios]\n"
	"VendorClass = PXEClient:Arch:00000*\n"
	"ClientArch = 0,7, 9\n"
	"Range = 198.51.100.180-198.51.100.189\n"
	"Option.tftp-server-name = tftp.example.test\n"
	"BootFile = \"boot file;1\"\n"
	"AlwaysSend = tftp-server-name\n"
	"[class:voip]\n"
	"UserClass = 0x766f6970\n"
	"CircuitId = \"eth0/1;*\"\n"
	"RemoteId = 0x01:02:03\n"
	"HardwarePrefix = 00:1A:2b\n"
	"Option.vendor-servers = 192.0.2.70\n"
	"ServerName = \"\"srv'1\"\n"
	"[subnet:lan1]\n"
	"Subnet = 198.51.100.0/24\n"
	"Range = 198.51.100.100-198.51.100.199, 198.51.100.210\n"
	"Exclude = 198.51.100.150, 198.51.100.160-198.51.100.162\n"
	"SharedNetwork = vlan10\n"
	"Routers = 198.51.100.1\n"
	"DnsServers = 198.51.100.2, 198.51.100.3\n"
	"NtpServers = 198.51.100.2\n"
	"DomainName = example.test\n"
	"BroadcastAddress = 198.51.100.250\n"
	"LeaseTime = 7200\nMinLeaseTime = 120\nMaxLeaseTime = 172800\n"
	"RenewalPercent = 33.333\n"
	"RebindingPercent = 66.66666666666666666666667\n"
	"FailoverShare = 20\n"
	"Option.interface-mtu = 9000\n"
	"Option.site-routes = 10.1.0.0/16 198.51.100.1\n"
	"AlwaysSend = interface-mtu\n"
	"[subnet:lan1b]\n"
	"Subnet = 198.51.101.0/25\n"
	"Range = 198.51.101.10-198.51.101.100\n"
	"SharedNetwork = vlan10\n"
	"Option.routers = 198.51.101.1\n"
	"Option.domain-name-servers = 198.51.101.2\n"
	"Option.domain-name = other.test\n"
	"[subnet:isolated]\n"
	"Subnet = 203.0.113.0/28\n"
	"Range = 203.0.113.2-203.0.113.14\n"
	"RenewalPercent = 12.3456789012345678901\n"
	"[host:printer]\n"
	"HardwareAddress = 02:00:00:00:00:07\n"
	"Address = 198.51.100.7\n"
	"Hostname = printer7\n"
	"Option.lpr-servers = 198.51.100.9\n"
	"[host:cam]\n"
	"ClientId = 01:02:00:00:00:00:08\n"
	"Address = 198.51.101.8\n"
	"Option.host-name = cam-by-option\n"
	"NextServer = 198.51.101.9\n";

static void
rich_round_trip(void **state)
{
	struct config	 cfg;
	char		*text;
	(void)state;

	load_primary(write_ini(rich), &cfg);
	text = round_trip(&cfg);
	/* Values the reader would change bare are quoted. */
	assert_non_null(strstr(text, "Option.vendor-url = "
	    "'say \"hi\"; then # leave'\n"));
	assert_non_null(strstr(text, "Option.root-path = "
	    "'\"  spaced out  \"'\n"));
	assert_non_null(strstr(text, "Option.merit-dump = "
	    "\"semi;colon#hash\"\n"));
	assert_non_null(strstr(text, "Option.extensions-path = "
	    "\"C:\\dir\\\"\n"));
	assert_non_null(strstr(text, "BootFile = \"boot file;1\"\n"));
	assert_non_null(strstr(text, "CircuitId = \"eth0/1;*\"\n"));
	/* Both quotes: bare, opening with a doubled quote. */
	assert_non_null(strstr(text, "Option.nis-domain = \"\"it's\"\n"));
	assert_non_null(strstr(text, "Option.nds-context = \"\"x\"\"\n"));
	assert_non_null(strstr(text, "ServerName = \"\"srv'1\"\n"));
	/* Canonical forms. */
	assert_non_null(strstr(text, "Option.site-time = 16\n"));
	assert_non_null(strstr(text, "Option.site-blob = de:ad:be:ef\n"));
	assert_non_null(strstr(text, "UserClass = 0x76:6f:69:70\n"));
	assert_non_null(strstr(text, "ClientArch = 0, 7, 9\n"));
	assert_non_null(strstr(text, "AlwaysSend = domain-search, site-flag, "
	    "vendor-url\n"));
	assert_non_null(strstr(text, "RenewalPercent = 33.333\n"));
	assert_non_null(strstr(text, "BroadcastAddress = 198.51.100.250\n"));
	assert_non_null(strstr(text, "FailoverShare = 15\n"));
	/* The old keys stay old keys, Option.* stays Option.*. */
	assert_non_null(strstr(text, "DomainName = example.test\n"));
	assert_non_null(strstr(text, "Option.domain-name = other.test\n"));
	assert_non_null(strstr(text, "Option.routers = 198.51.101.1\n"));
	assert_non_null(strstr(text, "Hostname = printer7\n"));
	assert_non_null(strstr(text, "Option.host-name = cam-by-option\n"));
	/* No comments. */
	assert_true(text[0] == '[');
	assert_null(strstr(text, "\n;"));
	assert_null(strstr(text, "\n#"));
	free(text);
	config_free(&cfg);
}

/*
 * The failover form: [primary:NAME] with its keys and the global
 * options, Primary = NAME in every subnet, host and class.  With a
 * failover [server] before it, it is a failover.ini whose view of the
 * primary digests like the primary itself.
 */
static void
failover_form(void **state)
{
	static const char keys[] = "Address = 192.0.2.10\n"
	    "SharedKeyFile = /etc/dhcpfo/branch1.key";
	struct config	 cfg;
	struct fod_config fcfg;
	struct config_errors e;
	struct strbuf	 ini;
	const struct config *v;
	char		*text, want[128];
	(void)state;

	load_primary(write_ini(rich), &cfg);
	text = render(&cfg, "branch1", keys);
	assert_null(strstr(text, "[server]"));
	assert_non_null(strstr(text, "\n[primary:branch1]\nAddress = "
	    "192.0.2.10\nSharedKeyFile = /etc/dhcpfo/branch1.key\n"
	    "Option.domain-search = "));
	for (size_t i = 0; i < cfg.nsubnets; i++) {
		snprintf(want, sizeof(want), "[subnet:%s]\nPrimary = branch1\n",
		    cfg.subnets[i].name);
		assert_non_null(strstr(text, want));
	}
	for (size_t i = 0; i < cfg.nhosts; i++) {
		snprintf(want, sizeof(want), "[host:%s]\nPrimary = branch1\n",
		    cfg.hosts[i].name);
		assert_non_null(strstr(text, want));
	}
	for (size_t i = 0; i < cfg.nclasses; i++) {
		snprintf(want, sizeof(want), "[class:%s]\nPrimary = branch1\n",
		    cfg.classes[i].name);
		assert_non_null(strstr(text, want));
	}
	sb_init(&ini);
	sb_printf(&ini, "[server]\nName = hub1\nServerAddress = 192.0.2.20\n"
	    "\n%s", text);
	if (config_load_failover(write_ini(ini.buf), &fcfg, &e) != 0) {
		print_message("%s", ini.buf);
		dump(&e);
		fail_msg("the failover form did not load");
	}
	config_errors_free(&e);
	v = &fcfg.primaries[0].view;
	assert_int_equal(v->nsubnets, cfg.nsubnets);
	assert_int_equal(v->nhosts, cfg.nhosts);
	for (size_t i = 0; i < cfg.nsubnets; i++)
		subnet_same(&cfg, &cfg.subnets[i], v, &v->subnets[i]);
	fod_config_free(&fcfg);
	sb_free(&ini);
	free(text);
	config_free(&cfg);
}

/* The same text from the same configuration, and from its scope. */
static void
idempotent(void **state)
{
	struct config	 cfg, back;
	char		*a, *b, *c;
	(void)state;

	load_primary(write_ini(rich), &cfg);
	a = render(&cfg, NULL, NULL);
	b = render(&cfg, NULL, NULL);
	assert_string_equal(a, b);
	load_scope(a, &back);
	c = render(&back, NULL, NULL);
	assert_string_equal(a, c);
	free(c);
	c = render(&back, "branch1", NULL);
	free(b);
	b = render(&cfg, "branch1", NULL);
	assert_string_equal(b, c);
	free(a);
	free(b);
	free(c);
	config_free(&back);
	config_free(&cfg);
}

/*
 * Values whose usual text is too long for one line of the INI reader,
 * though their most compact text fits: written compact, loaded back
 * alike.  AlwaysSend too long by names: by codes.
 */
static void
long_values_compact(void **state)
{
	static const char *const longnames[] = {
		"streettalk-directory-assistance-server",
		"resource-location-servers", "netbios-name-servers",
		"impress-servers", "streettalk-server", "mobile-ip-home-agent",
		"nisplus-servers", "bcms-controller-address",
		"netinfo-server-address", "tftp-server-address",
		"domain-name-servers", "cookie-servers",
	};
	struct config	 cfg;
	struct strbuf	 ini;
	char		*text;
	(void)state;

	sb_init(&ini);
	sb_puts(&ini, "[option:site-blob]\nCode = 226\nType = hex\n"
	    "[option:site-blob22]\nCode = 227\nType = hex\n"
	    "[server]\nName = b1\nServerAddress = 192.0.2.10\n"
	    "Option.site-blob = 0x");
	/* "Option.site-blob = 00:01:..." would be 1023 characters, one
	 * too many with its newline; site-blob22's 1022 just fit. */
	for (int i = 0; i < 335; i++)
		sb_printf(&ini, "%02x", i & 0xff);
	sb_puts(&ini, "\nOption.site-blob22 = ");
	for (int i = 0; i < 334; i++)
		sb_printf(&ini, "%02x", i & 0xff);
	sb_puts(&ini, "\n");
	for (size_t i = 0; i < sizeof(longnames) / sizeof(longnames[0]); i++)
		sb_printf(&ini, "Option.%s = 192.0.2.%zu\n", longnames[i],
		    i + 1);
	sb_puts(&ini, "AlwaysSend = 76,11,44,10,75,68,65,89,112,150,6,8\n"
	    "[subnet:a]\nSubnet = 10.0.0.0/24\nRange = 10.0.0.1-10.0.0.254\n"
	    "Exclude=");
	for (int i = 0; i < 85; i++)
		sb_printf(&ini, "%s10.0.0.%d", i > 0 ? "," : "", 100 + i);
	sb_puts(&ini, "\n");
	load_primary(write_ini(ini.buf), &cfg);
	text = round_trip(&cfg);
	assert_non_null(strstr(text, "\nOption.site-blob=00010203"));
	assert_non_null(strstr(text, "\nOption.site-blob22 = 00:01:02"));
	assert_int_equal(strcspn(strstr(text, "\nOption.site-blob22 = ") + 1,
	    "\n"), 1022);
	assert_non_null(strstr(text, "\nExclude=10.0.0.100,10.0.0.101,"));
	assert_non_null(strstr(text, "\nAlwaysSend = 76,11,44,"));
	assert_non_null(strstr(text, "\nRange = 10.0.0.1-10.0.0.254\n"));
	free(text);
	config_free(&cfg);
	sb_free(&ini);
}

/* What cannot be written is refused, and out is left as it was. */
static void
unrenderable(void **state)
{
	struct config	 cfg;
	struct strbuf	 sb;
	(void)state;

	load_primary("etc/primary.ini", &cfg);
	sb_init(&sb);
	sb_puts(&sb, "kept");
	assert_int_equal(cfg_render_scope(&cfg, "not a name", NULL, &sb), -1);
	assert_string_equal(sb.buf, "kept");
	cfg.subnets[1].failover_share = CFG_INHERIT;
	assert_int_equal(cfg_render_scope(&cfg, NULL, NULL, &sb), -1);
	assert_string_equal(sb.buf, "kept");
	cfg.subnets[1].failover_share = 0;
	cfg.hosts[0].hlen = 0;	/* neither address nor client id */
	assert_int_equal(cfg_render_scope(&cfg, NULL, NULL, &sb), -1);
	assert_string_equal(sb.buf, "kept");
	sb_free(&sb);
	config_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* The scope loader                                                    */

#define LAN_A	"[subnet:a]\nSubnet = 198.51.100.0/24\n" \
		"Range = 198.51.100.10-198.51.100.20\n"

/* text must fail with exactly one error, holding each needle. */
static void
scope_bad(const char *text, const char *needle1, const char *needle2)
{
	struct config	 cfg;
	struct config_errors e;

	assert_int_equal(config_load_scope(write_ini(text), &cfg, &e), -1);
	assert_null(cfg.subnets);
	assert_null(cfg.optsets);
	if (e.count != 1 || strstr(e.msgs[0], needle1) == NULL ||
	    strstr(e.msgs[0], needle2) == NULL) {
		dump(&e);
		fail_msg("expected one error with \"%s\" and \"%s\"", needle1,
		    needle2);
	}
	config_errors_free(&e);
}

static void
scope_refuses(void **state)
{
	(void)state;
	scope_bad("[failover]\nFailoverShare = 10\n" LAN_A,
	    ":1: [failover]: ", "not a scope section");
	scope_bad(LAN_A "[snmp]\nTraps = false\n", "[snmp]: ",
	    "not a scope section");
	scope_bad(LAN_A "[primary:b1]\nAddress = 192.0.2.10\n",
	    "[primary:b1]: ", "not a scope section");
	scope_bad("[server]\nOption.interface-mtu = 1400\n"
	    "ServerAddress = 192.0.2.10\n" LAN_A,
	    ":3: [server] ServerAddress = 192.0.2.10: ",
	    "not a scope key: [server] holds only Option.NAME, AlwaysSend, "
	    "NextServer, BootFile and ServerName");
	scope_bad(LAN_A "[host:h]\nHardwareAddress = 02:00:00:00:00:01\n"
	    "Address = 203.0.113.5\n",
	    "[host:h] Address = 203.0.113.5: ", "not inside any [subnet:NAME]");
	scope_bad(LAN_A "[subnet:b]\nSubnet = 198.51.100.128/25\n"
	    "Range = 198.51.100.130-198.51.100.140\n",
	    "[subnet:b] Subnet = 198.51.100.128/25: ", "overlaps [subnet:a]");
	scope_bad(LAN_A "Option.interface-mtu = 70000\n",
	    "[subnet:a] Option.interface-mtu = 70000: ", "must be 0..65535");
	scope_bad(LAN_A "LeaseTime = 30\n", "[subnet:a] LeaseTime = 30: ",
	    "must be 60..31536000");
	scope_bad(LAN_A "[class:c]\nVendorClass = x*\n"
	    "Range = 198.51.100.30\n", "[class:c] Range = 198.51.100.30: ",
	    "not inside the Range of one subnet");
	scope_bad("[server]\nOption.interface-mtu = 1400\n",
	    "no [subnet:NAME] section", "at least one is required");
}

/* What a scope file does not say: FailoverShare 10, SafePeriod the
 * longest lease. */
static void
scope_defaults(void **state)
{
	struct config	 cfg;
	(void)state;

	load_scope(LAN_A "MaxLeaseTime = 7200\n", &cfg);
	assert_int_equal(cfg.nsubnets, 1);
	assert_int_equal(cfg.subnets[0].failover_share, 10);
	assert_int_equal(cfg.subnets[0].safe_period, 7200);
	assert_int_equal(cfg.global_opts, 0);
	config_free(&cfg);
}

/* Many reservations render and load back. */
#define NHOSTS	500
static void
many_hosts(void **state)
{
	struct config	 cfg, back;
	struct strbuf	 ini;
	const struct cfg_host *h;
	char		*text;
	(void)state;

	sb_init(&ini);
	sb_puts(&ini, "[server]\nName = b1\nServerAddress = 192.0.2.10\n"
	    "[subnet:big]\nSubnet = 10.0.0.0/16\n"
	    "Range = 10.0.200.1-10.0.200.100\n");
	/* 500: the INI library's table makes a load quadratic in keys,
	 * which the sanitizer build multiplies (bench/README.md, learn.sh);
	 * t_fo_learn carries 3,000 through the daemons. */
	for (int i = 0; i < NHOSTS; i++)
		sb_printf(&ini, "[host:h%d]\nHardwareAddress = "
		    "02:00:00:00:%02x:%02x\nAddress = 10.0.%d.%d\n"
		    "Hostname = h%d\nOption.tftp-server-name = t%d.test\n", i,
		    i >> 8, i & 0xff, i / 200 + 1, i % 200 + 1, i, i);
	load_primary(write_ini(ini.buf), &cfg);
	text = render(&cfg, NULL, NULL);
	load_scope(text, &back);
	assert_int_equal(back.nhosts, NHOSTS);
	h = &back.hosts[487];
	assert_string_equal(h->name, "h487");
	assert_int_equal(h->hlen, 6);
	assert_memory_equal(h->hwaddr, "\x02\x00\x00\x00\x01\xe7", 6);
	assert_int_equal(h->addr, A("10.0.3.88"));
	assert_string_equal(h->hostname, "h487");
	host_same(&cfg, &cfg.hosts[487], &back, h);
	subnet_same(&cfg, &cfg.subnets[0], &back, &back.subnets[0]);
	free(text);
	config_free(&back);
	config_free(&cfg);
	sb_free(&ini);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(sample_round_trip, teardown),
		cmocka_unit_test_teardown(rich_round_trip, teardown),
		cmocka_unit_test_teardown(failover_form, teardown),
		cmocka_unit_test_teardown(idempotent, teardown),
		cmocka_unit_test_teardown(long_values_compact, teardown),
		cmocka_unit_test_teardown(unrenderable, teardown),
		cmocka_unit_test_teardown(scope_refuses, teardown),
		cmocka_unit_test_teardown(scope_defaults, teardown),
		cmocka_unit_test_teardown(many_hosts, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
