/*
 * Unit tests: common/config/optdef.c.  What is checked: the built-in
 * table is in code order, names are unique, lower case and short
 * enough, no reserved code is in it; type and space names go both ways;
 * look-ups by name (any case), by decimal code and by code; a user's
 * definition of a built-in code takes over the built-in name too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "optdef.h"

static struct optdef_set user;

static int
setup(void **state)
{
	(void)state;
	memset(&user, 0, sizeof(user));
	return 0;
}

static void
user_add(const char *name, unsigned code, enum opt_space sp,
    enum opt_type t)
{
	struct optdef	*d = &user.v[user.n++];

	snprintf(d->name, sizeof(d->name), "%s", name);
	d->code = (uint8_t)code;
	d->space = (uint8_t)sp;
	d->type = (uint8_t)t;
}

/* ------------------------------------------------------------- table */

static void
test_table_sorted_unique(void **state)
{
	const struct optdef *t;
	size_t		 n;

	(void)state;
	t = optdef_builtin(&n);
	assert_true(n >= 80);
	for (size_t i = 0; i < n; i++) {
		size_t	 len = strnlen(t[i].name, OPT_NAME_MAX);

		assert_true(len > 0 && len < OPT_NAME_MAX);
		for (size_t k = 0; k < len; k++)
			assert_false(t[i].name[k] >= 'A' &&
			    t[i].name[k] <= 'Z');
		assert_int_equal(t[i].space, OPT_SPACE_DHCP4);
		assert_true(t[i].type < OPT_TYPE_COUNT);
		assert_true(t[i].code >= 1 && t[i].code <= 254);
		assert_false(optdef_reserved(OPT_SPACE_DHCP4, t[i].code));
		if (i > 0)
			assert_true(t[i - 1].code < t[i].code);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[j].name, t[i].name);
		/* Every entry is found under its name and its code. */
		assert_ptr_equal(optdef_find(NULL, t[i].name), &t[i]);
		assert_ptr_equal(optdef_by_code(NULL, OPT_SPACE_DHCP4,
		    t[i].code), &t[i]);
	}
}

/* A few entries, as IANA and Kea name them. */
static void
test_table_entries(void **state)
{
	static const struct {
		unsigned	 code;
		const char	*name;
		enum opt_type	 type;
	} want[] = {
		{ 2, "time-offset", OPT_INT32 },
		{ 3, "routers", OPT_IP_LIST },
		{ 6, "domain-name-servers", OPT_IP_LIST },
		{ 15, "domain-name", OPT_FQDN },
		{ 21, "policy-filter", OPT_IP_PAIRS },
		{ 25, "path-mtu-plateau-table", OPT_UINT16_LIST },
		{ 26, "interface-mtu", OPT_UINT16 },
		{ 43, "vendor-encapsulated-options", OPT_HEX },
		{ 56, "dhcp-message", OPT_STRING },
		{ 66, "tftp-server-name", OPT_STRING },
		{ 67, "boot-file-name", OPT_STRING },
		{ 76, "streettalk-directory-assistance-server", OPT_IP_LIST },
		{ 93, "client-system", OPT_UINT16_LIST },
		{ 108, "v6-only-preferred", OPT_UINT32 },
		{ 119, "domain-search", OPT_FQDN_LIST },
		{ 121, "classless-static-route", OPT_ROUTES },
		{ 150, "tftp-server-address", OPT_IP_LIST },
		{ 249, "ms-classless-static-route", OPT_ROUTES },
		{ 252, "wpad", OPT_STRING },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct optdef *d = optdef_find(NULL, want[i].name);

		assert_non_null(d);
		assert_int_equal(d->code, want[i].code);
		assert_int_equal(d->type, want[i].type);
	}
}

/* ------------------------------------------------------------ reserved */

static void
test_reserved(void **state)
{
	static const unsigned dhcp[] = { 0, 1, 50, 51, 52, 53, 54, 55, 57,
	    58, 59, 61, 81, 82, 118, 255 };
	char		 num[8];
	unsigned	 nres = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dhcp) / sizeof(dhcp[0]); i++) {
		assert_true(optdef_reserved(OPT_SPACE_DHCP4, dhcp[i]));
		assert_null(optdef_by_code(NULL, OPT_SPACE_DHCP4, dhcp[i]));
		snprintf(num, sizeof(num), "%u", dhcp[i]);
		assert_null(optdef_find(NULL, num));
	}
	for (unsigned c = 0; c <= 255; c++)
		nres += optdef_reserved(OPT_SPACE_DHCP4, c);
	assert_int_equal(nres, sizeof(dhcp) / sizeof(dhcp[0]));
	assert_false(optdef_reserved(OPT_SPACE_DHCP4, 56));
	assert_false(optdef_reserved(OPT_SPACE_DHCP4, 60));
	assert_false(optdef_reserved(OPT_SPACE_DHCP4, 2));
	/* Vendor sub-options: only PAD and END. */
	assert_true(optdef_reserved(OPT_SPACE_VENDOR, 0));
	assert_true(optdef_reserved(OPT_SPACE_VENDOR, 255));
	assert_false(optdef_reserved(OPT_SPACE_VENDOR, 1));
	assert_false(optdef_reserved(OPT_SPACE_VENDOR, 53));
	/* No code at all. */
	assert_true(optdef_reserved(OPT_SPACE_DHCP4, 256));
	assert_true(optdef_reserved(OPT_SPACE_VENDOR, 1000));
	/* Reserved codes have no name either. */
	assert_null(optdef_find(NULL, "subnet-mask"));
	assert_null(optdef_find(NULL, "dhcp-lease-time"));
	assert_null(optdef_find(NULL, "dhcp-agent-options"));
}

/* --------------------------------------------------------- type names */

static void
test_type_names(void **state)
{
	enum opt_type	 t;
	enum opt_space	 sp;

	(void)state;
	for (unsigned i = 0; i < OPT_TYPE_COUNT; i++) {
		const char	*name = opt_type_name((enum opt_type)i);

		assert_non_null(name);
		assert_true(opt_type_parse(name, true, &t));
		assert_int_equal(t, i);
		/* Built-in-only types are not for [option:NAME]. */
		assert_int_equal(opt_type_parse(name, false, &t),
		    i < OPT_TYPE_USER_COUNT);
	}
	assert_null(opt_type_name(OPT_TYPE_COUNT));
	assert_string_equal(opt_type_name(OPT_FQDN_LIST), "fqdn-list");
	assert_string_equal(opt_type_name(OPT_IP_PAIRS), "ip-pairs");
	assert_true(opt_type_parse("IP-List", false, &t));
	assert_int_equal(t, OPT_IP_LIST);
	assert_false(opt_type_parse("uint16-list", false, &t));
	assert_false(opt_type_parse("empty", false, &t));
	assert_true(opt_type_parse("empty", true, &t));
	assert_int_equal(t, OPT_EMPTY);
	assert_false(opt_type_parse("ipv4", true, &t));
	assert_false(opt_type_parse("", true, &t));

	assert_string_equal(opt_space_name(OPT_SPACE_DHCP4), "dhcp4");
	assert_string_equal(opt_space_name(OPT_SPACE_VENDOR), "vendor");
	assert_null(opt_space_name(OPT_SPACE_COUNT));
	assert_true(opt_space_parse("Vendor", &sp));
	assert_int_equal(sp, OPT_SPACE_VENDOR);
	assert_true(opt_space_parse("dhcp4", &sp));
	assert_int_equal(sp, OPT_SPACE_DHCP4);
	assert_false(opt_space_parse("dhcp6", &sp));
}

/* ------------------------------------------------------------ look-ups */

static void
test_find_builtin(void **state)
{
	const struct optdef *d;

	(void)state;
	d = optdef_find(NULL, "routers");
	assert_non_null(d);
	assert_int_equal(d->code, 3);
	assert_ptr_equal(optdef_find(NULL, "ROUTERS"), d);
	assert_ptr_equal(optdef_find(NULL, "Routers"), d);
	assert_ptr_equal(optdef_find(NULL, "3"), d);
	assert_ptr_equal(optdef_find(NULL, "003"), d);
	assert_ptr_equal(optdef_find(&user, "routers"), d);
	d = optdef_find(NULL, "150");
	assert_non_null(d);
	assert_string_equal(d->name, "tftp-server-address");
	assert_null(optdef_find(NULL, "router"));
	assert_null(optdef_find(NULL, ""));
	assert_null(optdef_find(NULL, "3a"));
	assert_null(optdef_find(NULL, "-3"));
	/* Unassigned, out of range, or vendor space: nothing. */
	assert_null(optdef_find(NULL, "200"));
	assert_null(optdef_find(NULL, "254"));
	assert_null(optdef_find(NULL, "256"));
	assert_null(optdef_find(NULL, "99999999999999999999"));
	assert_null(optdef_by_code(NULL, OPT_SPACE_VENDOR, 3));
}

static void
test_find_user(void **state)
{
	const struct optdef *d;

	(void)state;
	user_add("my-option", 224, OPT_SPACE_DHCP4, OPT_STRING);
	user_add("vendor-thing", 3, OPT_SPACE_VENDOR, OPT_IP);
	user_add("big-code", 254, OPT_SPACE_DHCP4, OPT_HEX);

	d = optdef_find(&user, "My-Option");
	assert_ptr_equal(d, &user.v[0]);
	assert_ptr_equal(optdef_find(&user, "224"), &user.v[0]);
	assert_ptr_equal(optdef_find(&user, "254"), &user.v[2]);
	assert_null(optdef_find(NULL, "my-option"));
	/* A vendor sub-option is found by name, never by a bare number. */
	assert_ptr_equal(optdef_find(&user, "vendor-thing"), &user.v[1]);
	assert_ptr_equal(optdef_by_code(&user, OPT_SPACE_VENDOR, 3),
	    &user.v[1]);
	d = optdef_find(&user, "3");
	assert_non_null(d);
	assert_string_equal(d->name, "routers");
	/* A vendor code 3 does not hide the DHCP-space built-in. */
	assert_int_equal(optdef_find(&user, "routers")->space,
	    OPT_SPACE_DHCP4);
}

/*
 * [option:tftp-servers] Code=150 Type=ip-list: the user's definition
 * answers for its own name, for the built-in name of 150 and for "150".
 */
static void
test_user_redefines_builtin(void **state)
{
	const struct optdef *d, *builtin150;

	(void)state;
	builtin150 = optdef_find(NULL, "tftp-server-address");
	assert_non_null(builtin150);
	user_add("tftp-servers", 150, OPT_SPACE_DHCP4, OPT_IP_LIST);
	user_add("boot-size", 200, OPT_SPACE_DHCP4, OPT_UINT32);

	d = optdef_find(&user, "tftp-servers");
	assert_ptr_equal(d, &user.v[0]);
	assert_ptr_equal(optdef_find(&user, "tftp-server-address"), d);
	assert_ptr_equal(optdef_find(&user, "TFTP-Server-Address"), d);
	assert_ptr_equal(optdef_find(&user, "150"), d);
	assert_ptr_equal(optdef_by_code(&user, OPT_SPACE_DHCP4, 150), d);
	assert_ptr_not_equal(d, builtin150);
	/* The user's name wins over a built-in name it reuses. */
	d = optdef_find(&user, "boot-size");
	assert_ptr_equal(d, &user.v[1]);
	assert_int_equal(d->code, 200);
	/* Other built-ins are untouched. */
	assert_int_equal(optdef_find(&user, "13")->type, OPT_UINT16);
	assert_ptr_equal(optdef_find(NULL, "150"), builtin150);
}

/* docs/options.md lists every built-in option with its code and type
 * (the table a reader relies on must not drift from the code's). */
static void
test_builtins_documented(void **state)
{
	const struct optdef *b;
	size_t	 n, missing = 0;
	char	*doc = NULL, row[OPT_NAME_MAX + 48];
	FILE	*fp;
	long	 len;
	(void)state;

	assert_non_null(fp = fopen("docs/options.md", "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((len = ftell(fp)) > 0);
	rewind(fp);
	assert_non_null(doc = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(doc, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	b = optdef_builtin(&n);
	for (size_t i = 0; i < n; i++) {
		snprintf(row, sizeof(row), "| %u | `%s` | %s |", b[i].code,
		    b[i].name, opt_type_name(b[i].type));
		if (strstr(doc, row) == NULL) {
			print_error("docs/options.md lacks: %s\n", row);
			missing++;
		}
	}
	free(doc);
	assert_int_equal(missing, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_table_sorted_unique, setup),
		cmocka_unit_test_setup(test_table_entries, setup),
		cmocka_unit_test_setup(test_reserved, setup),
		cmocka_unit_test_setup(test_type_names, setup),
		cmocka_unit_test_setup(test_find_builtin, setup),
		cmocka_unit_test_setup(test_find_user, setup),
		cmocka_unit_test_setup(test_user_redefines_builtin, setup),
		cmocka_unit_test_setup(test_builtins_documented, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
