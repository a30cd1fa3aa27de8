/*
 * What the failover does with a stored learnt configuration
 * (failover/fod_learn.c, docs/learn.md): fod_learn_attach on a loaded
 * failover.ini whose StateDir holds learnt texts.  A valid text becomes
 * the learning primary's view; a damaged, invalid or overlapping one is
 * refused with a reason and leaves the view empty; for a primary with
 * explicit sections the text is only compared, and the difference is
 * told subnet by subnet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "fod_config.h"
#include "fod.h"
#include "fo_digest.h"
#include "tmpdir_testutil.h"

static char	 dir[64];

/* b1 learns (no [subnet:] here), b2 has explicit sections. */
static void
load(struct fod_config *cfg)
{
	char	 path[128], text[2048];
	struct config_errors e = { 0 };
	FILE	*fp;

	snprintf(text, sizeof(text),
	    "[server]\nName = hub1\nServerAddress = 192.0.2.20\n"
	    "StateDir = %s\n"
	    "[failover]\nSafePeriod = 600\n"
	    "[primary:b1]\nAddress = 192.0.2.11\nSharedKeyFile = /k1\n"
	    "[primary:b2]\nAddress = 192.0.2.12\nSharedKeyFile = /k2\n"
	    "[subnet:two]\nPrimary = b2\nSubnet = 203.0.113.0/24\n"
	    "Range = 203.0.113.10-203.0.113.99\n", dir);
	snprintf(path, sizeof(path), "%s/failover.ini", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	if (config_load_failover(path, cfg, &e) != 0)
		fail_msg("failover.ini: %s", e.count ? e.msgs[0] : "?");
	config_errors_free(&e);
	assert_true(cfg->primaries[0].learns);
	assert_false(cfg->primaries[1].learns);
}

/* StateDir/learnt/NAME.ini as the failover stores it (docs/learn.md). */
static void
store(const char *name, const char *text, uint64_t gen, bool damage)
{
	char	 path[160], hex[65];
	uint8_t	 sha[32];
	unsigned int n = 0;
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/learnt", dir);
	(void)mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/learnt/%s.ini", dir, name);
	assert_int_equal(EVP_Digest(text, strlen(text), sha, &n,
	    EVP_sha256(), NULL), 1);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "; dhcpfo: configuration learnt from primary %s; do not "
	    "edit\n; generation=%llu learnt=1700000000.500 size=%zu "
	    "sha256=%s\n%s", name, (unsigned long long)gen, strlen(text),
	    hex, text);
	if (damage)
		fputs("[host:extra]\n", fp);
	fclose(fp);
}

static const char scope1[] =
    "[server]\nOption.domain-name = b1.example.test\n"
    "[subnet:one]\nSubnet = 198.51.100.0/24\n"
    "Range = 198.51.100.10-198.51.100.99\nLeaseTime = 900\n"
    "FailoverShare = 20\n"
    "[host:pr1]\nHardwareAddress = 02:00:00:00:00:01\n"
    "Address = 198.51.100.5\n";

static int
setup(void **state)
{
	(void)state;
	if (!tmpdir_make(dir, sizeof(dir), "test_learn"))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

static void
valid_text_becomes_the_view(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	(void)state;

	store("b1", scope1, 4, false);
	load(&cfg);
	fod_learn_attach(&cfg);
	p = &cfg.primaries[0];
	assert_true(p->learnt.have);
	assert_int_equal(p->learnt.generation, 4);
	assert_int_equal(p->learnt.size, strlen(scope1));
	assert_string_equal(p->learnt.refused, "");
	assert_int_equal(p->view.nsubnets, 1);
	assert_string_equal(p->view.subnets[0].name, "one");
	assert_string_equal(p->view.subnets[0].primary, "b1");
	assert_int_equal(p->view.subnets[0].lease_time, 900);
	/* The primary's share, the failover's own safe period. */
	assert_int_equal(p->view.subnets[0].failover_share, 20);
	assert_int_equal(p->view.subnets[0].safe_period, 600);
	assert_int_equal(p->view.nhosts, 1);
	assert_string_equal(p->view.hosts[0].primary, "b1");
	/* The failover's own [server] values, not anything learnt. */
	assert_string_equal(p->view.server.name, "hub1");
	assert_non_null(cfg_optset_find(config_optset(&p->view,
	    p->view.global_opts), OPT_SPACE_DHCP4, 15));
	/* Explicit b2: no text from it, nothing to compare. */
	assert_false(cfg.primaries[1].learnt.have);
	assert_string_equal(cfg.primaries[1].learnt.differs, "");
	/* A lookup by address now leads to b1. */
	assert_ptr_equal(fod_config_primary_for(&cfg, 0xc6336432u, NULL),
	    &cfg.primaries[0]);
	fod_config_free(&cfg);
}

static void
damaged_text_is_refused(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	(void)state;

	store("b1", scope1, 2, true);
	load(&cfg);
	fod_learn_attach(&cfg);
	p = &cfg.primaries[0];
	assert_false(p->learnt.have);
	assert_non_null(strstr(p->learnt.refused, "damaged"));
	assert_int_equal(p->view.nsubnets, 0);
	fod_config_free(&cfg);
}

static void
invalid_text_is_refused_with_the_loader_message(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	(void)state;

	/* A [failover] section: not part of a scope. */
	store("b1", "[failover]\nUseFailoverServer = true\n"
	    "[subnet:one]\nSubnet = 198.51.100.0/24\n", 2, false);
	load(&cfg);
	fod_learn_attach(&cfg);
	p = &cfg.primaries[0];
	assert_false(p->learnt.have);
	assert_non_null(strstr(p->learnt.refused, "[failover]"));
	assert_int_equal(p->view.nsubnets, 0);
	fod_config_free(&cfg);
}

static void
overlap_with_another_primary_is_refused(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	(void)state;

	store("b1", "[subnet:steal]\nSubnet = 203.0.113.64/26\n"
	    "Range = 203.0.113.70-203.0.113.80\n", 3, false);
	load(&cfg);
	fod_learn_attach(&cfg);
	p = &cfg.primaries[0];
	assert_string_equal(p->learnt.refused, "[subnet:steal] "
	    "203.0.113.64/26 overlaps [subnet:two] 203.0.113.0/24 of primary "
	    "b2");
	assert_int_equal(p->view.nsubnets, 0);
	/* b2 keeps its own. */
	assert_int_equal(cfg.primaries[1].view.nsubnets, 1);
	fod_config_free(&cfg);
}

static void
explicit_sections_are_compared(void **state)
{
	struct fod_config cfg;
	const struct cfg_fo_primary *p;
	(void)state;

	/* b2's primary: another range, and a subnet failover.ini lacks. */
	store("b2", "[subnet:two]\nSubnet = 203.0.113.0/24\n"
	    "Range = 203.0.113.10-203.0.113.109\nFailoverShare = 10\n"
	    "[subnet:more]\nSubnet = 192.0.2.128/25\n"
	    "Range = 192.0.2.130-192.0.2.140\n", 1, false);
	load(&cfg);
	fod_learn_attach(&cfg);
	p = &cfg.primaries[1];
	assert_true(p->learnt.have);
	assert_string_equal(p->learnt.differs, "203.0.113.0/24: here "
	    "range=203.0.113.10-203.0.113.99, primary "
	    "range=203.0.113.10-203.0.113.109; 192.0.2.128/25 only on the "
	    "primary");
	/* Only compared: failover.ini's subnet is what is served. */
	assert_int_equal(p->view.nsubnets, 1);
	assert_int_equal(p->view.subnets[0].ranges[0].hi, 0xcb007163u);
	fod_config_free(&cfg);

	/* The same definition: nothing differs. */
	store("b2", "[subnet:two]\nSubnet = 203.0.113.0/24\n"
	    "Range = 203.0.113.10-203.0.113.99\nFailoverShare = 10\n", 2,
	    false);
	load(&cfg);
	fod_learn_attach(&cfg);
	assert_true(cfg.primaries[1].learnt.have);
	assert_string_equal(cfg.primaries[1].learnt.differs, "");
	fod_config_free(&cfg);
}

static void
nothing_stored_nothing_learnt(void **state)
{
	struct fod_config cfg;
	(void)state;

	load(&cfg);
	fod_learn_attach(&cfg);
	assert_false(cfg.primaries[0].learnt.have);
	assert_string_equal(cfg.primaries[0].learnt.refused, "");
	assert_int_equal(cfg.primaries[0].view.nsubnets, 0);
	fod_config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(valid_text_becomes_the_view,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_text_is_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    invalid_text_is_refused_with_the_loader_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    overlap_with_another_primary_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(explicit_sections_are_compared,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_stored_nothing_learnt,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
