/*
 * Unit tests: the manual pages (docs/man/README) list every key of the
 * key tables the daemons load their files with, each as an item of its
 * own, and carry the version.  A key added to a table whose section has
 * no list in its page, or a page left from an older table, fails here.
 *
 * The pages are read from the man/ folder of the build this program was
 * built in (build/ or build-san/), found from argv[0]: the Makefile
 * builds them with the program.
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
#include "fod_config.h"
#include "version.h"

static char	 mandir[1024];

/* The page's text; fails the test if it cannot be read. */
static char *
page_text(const char *page)
{
	char	 path[1100];
	FILE	*fp;
	char	*buf;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", mandir, page);
	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s (make man builds it)", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

/* Every key of the kinds' tables an item of page; returns how many miss. */
static size_t
keys_listed(const char *page, const char *const *kinds, size_t nkinds,
    const struct cfg_spec *(*specs)(const char *, size_t *))
{
	char	*text = page_text(page);
	size_t	 missing = 0;

	for (size_t k = 0; k < nkinds; k++) {
		size_t	 n;
		const struct cfg_spec *sp = specs(kinds[k], &n);

		assert_non_null(sp);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			char	 item[128];

			snprintf(item, sizeof(item), "\n.It Cm %s Ns = Ns Ar ",
			    sp[i].key);
			if (strstr(text, item) == NULL) {
				print_error("%s lacks [%s] %s\n", page,
				    kinds[k], sp[i].key);
				missing++;
			}
		}
	}
	free(text);
	return missing;
}

static void
primary_ini_keys(void **state)
{
	static const char *const kinds[] = {
		"server", "failover", "subnet", "host", "class", "option",
		"optset", "snmp"
	};
	(void)state;

	assert_int_equal(keys_listed("dhcpfo-primary.ini.5", kinds,
	    sizeof(kinds) / sizeof(kinds[0]), config_primary_specs), 0);
}

static void
failover_ini_keys(void **state)
{
	static const char *const kinds[] = {
		"server", "failover", "primary", "subnet", "host", "class",
		"snmp"
	};
	(void)state;

	assert_int_equal(keys_listed("dhcpfo-failover.ini.5", kinds,
	    sizeof(kinds) / sizeof(kinds[0]), fod_config_specs), 0);
}

/* Every placeholder filled in, and the version where the source asks. */
static void
pages_complete(void **state)
{
	static const char *const pages[] = {
		"dhcpfo-primary.8", "dhcpfo-failover.8", "dhcpfoctl.8",
		"dhcpfo-primary.ini.5", "dhcpfo-failover.ini.5"
	};
	(void)state;

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char	*text = page_text(pages[i]);

		if (strstr(text, "@KEYS") != NULL ||
		    strstr(text, "@VERSION@") != NULL)
			fail_msg("%s: a placeholder is left", pages[i]);
		if (strstr(text, " " DHCPFO_VERSION) == NULL)
			fail_msg("%s: no version %s", pages[i],
			    DHCPFO_VERSION);
		free(text);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(primary_ini_keys),
		cmocka_unit_test(failover_ini_keys),
		cmocka_unit_test(pages_complete),
	};
	const char *slash;
	int	 len;

	/* BUILD/unit/test_manpages: the pages are in BUILD/man. */
	(void)argc;
	slash = strrchr(argv[0], '/');
	len = slash != NULL ? (int)(slash - argv[0]) : 0;
	snprintf(mandir, sizeof(mandir), "%.*s%s../man", len, argv[0],
	    len > 0 ? "/" : "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
