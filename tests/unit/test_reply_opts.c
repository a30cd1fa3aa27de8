/*
 * Unit tests: common/dhcp/reply_opts.c, the configured part of a reply
 * (docs/options.md): precedence host > classes (file order) > subnet >
 * [server], the request list's filter, AlwaysSend, option 43 built from
 * vendor sub-options, and the boot fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "reply_opts.h"

struct fix {
	struct config	 cfg;
	struct cfg_subnet sn;
	struct cfg_host	 host;
	struct cfg_class cls[3];
	struct dhcp_msg	 rp;
};

static void
add(struct cfg_optset *s, unsigned space, unsigned code, const char *v,
    bool always)
{
	assert_true(cfg_optset_add(s, space, code, (const uint8_t *)v,
	    strlen(v)));
	s->v[s->n - 1].always = always;
}

static uint32_t
store(struct config *cfg, const struct cfg_optset *s)
{
	uint32_t idx = cfg_optset_store(cfg, s);

	assert_int_not_equal(idx, UINT32_MAX);
	return idx;
}

/*
 * Option 15 (text, so values read well) set at every level with a
 * different value; option 12 only globally; 66 at the subnet and in
 * class 1; vendor sub-option 1 globally and in class 0.
 */
static int
setup(void **state)
{
	static struct cfg_optset s;
	struct fix	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 15, "global.test", false);
	add(&s, OPT_SPACE_DHCP4, 12, "g-host", false);
	add(&s, OPT_SPACE_VENDOR, 1, "gv1", false);
	add(&s, OPT_SPACE_VENDOR, 2, "gv2", false);
	s.has_next_server = true;
	s.next_server = 0xc0000201;
	snprintf(s.boot_file, sizeof(s.boot_file), "global.efi");
	f->cfg.global_opts = store(&f->cfg, &s);

	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 15, "subnet.test", false);
	add(&s, OPT_SPACE_DHCP4, 66, "tftp.subnet", false);
	add(&s, OPT_SPACE_DHCP4, 3, "\xc6\x33\x64\x01", false);
	f->sn.opts = store(&f->cfg, &s);

	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 15, "class0.test", false);
	add(&s, OPT_SPACE_VENDOR, 1, "c0v1", false);
	snprintf(s.boot_file, sizeof(s.boot_file), "ipxe.efi");
	f->cls[0].opts = store(&f->cfg, &s);

	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 15, "class1.test", false);
	add(&s, OPT_SPACE_DHCP4, 66, "tftp.class1", true);
	snprintf(s.boot_file, sizeof(s.boot_file), "pxelinux.0");
	snprintf(s.server_name, sizeof(s.server_name), "boot1");
	f->cls[1].opts = store(&f->cfg, &s);

	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 15, "host.test", false);
	f->host.opts = store(&f->cfg, &s);

	f->cfg.classes = f->cls;
	f->cfg.nclasses = 3;		/* class 2 sets nothing */
	dhcp_msg_init(&f->rp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	free(f->cfg.optsets);
	free(f);
	return 0;
}

static void
fill(struct fix *f, bool host, uint64_t classes, const char *prl)
{
	struct reply_levels lv;

	dhcp_msg_init(&f->rp);
	reply_levels(&f->cfg, &f->sn, host ? &f->host : NULL, classes, &lv);
	reply_opts_fill(&f->rp, &lv, (const uint8_t *)prl,
	    prl != NULL ? strlen(prl) : 0, true);
}

static void
opt_is(const struct dhcp_msg *m, uint8_t code, const char *want)
{
	const uint8_t	*v;
	size_t		 len;

	v = dhcp_opt_get(m, code, &len);
	assert_non_null(v);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(v, want, len);
}

/* Each level in turn wins option 15. */
static void
precedence(void **state)
{
	struct fix	*f = *state;

	fill(f, true, 0x3, NULL);
	opt_is(&f->rp, 15, "host.test");
	fill(f, false, 0x3, NULL);
	opt_is(&f->rp, 15, "class0.test");
	fill(f, false, 0x2, NULL);
	opt_is(&f->rp, 15, "class1.test");
	fill(f, false, 0x4, NULL);	/* class 2: nothing of its own */
	opt_is(&f->rp, 15, "subnet.test");
	f->sn.opts = 0;
	fill(f, false, 0, NULL);
	opt_is(&f->rp, 15, "global.test");
	/* A level without the option leaves it to the next one. */
	opt_is(&f->rp, 12, "g-host");
}

/* Option 55 filters and orders nothing here but which go: asked-for
 * ones, 3 always, AlwaysSend ones of the winning level. */
static void
request_list(void **state)
{
	struct fix	*f = *state;

	fill(f, false, 0, "\x0f");	/* asks for 15 only */
	opt_is(&f->rp, 15, "subnet.test");
	assert_false(dhcp_opt_has(&f->rp, 12));
	assert_false(dhcp_opt_has(&f->rp, 66));
	assert_false(dhcp_opt_has(&f->rp, 43));
	assert_true(dhcp_opt_has(&f->rp, 3));
	/* Class 1 marks its 66 AlwaysSend: sent though not asked for. */
	fill(f, false, 0x2, "\x0f");
	opt_is(&f->rp, 66, "tftp.class1");
	/* The subnet's 66 is not AlwaysSend, and the class one wins the
	 * code: without the class, not sent. */
	fill(f, false, 0, "\x0f\x0c");
	assert_false(dhcp_opt_has(&f->rp, 66));
	opt_is(&f->rp, 12, "g-host");
}

/* Vendor sub-options merge by sub-option code into one option 43. */
static void
vendor_43(void **state)
{
	struct fix	*f = *state;

	fill(f, false, 0x1, "\x2b");
	opt_is(&f->rp, 43, "\x01\x04" "c0v1" "\x02\x03" "gv2");
	fill(f, false, 0, "\x2b");
	opt_is(&f->rp, 43, "\x01\x03" "gv1" "\x02\x03" "gv2");
	fill(f, false, 0, NULL);
	assert_true(dhcp_opt_has(&f->rp, 43));
}

/* Boot fields, each from the first level that sets it. */
static void
boot_fields(void **state)
{
	struct fix	*f = *state;
	struct reply_levels lv;

	fill(f, false, 0x1, NULL);
	assert_string_equal((const char *)f->rp.file, "ipxe.efi");
	assert_int_equal(f->rp.siaddr, 0xc0000201);
	assert_int_equal(f->rp.sname[0], 0);
	fill(f, false, 0x2, NULL);
	assert_string_equal((const char *)f->rp.file, "pxelinux.0");
	assert_string_equal((const char *)f->rp.sname, "boot1");
	fill(f, false, 0x3, NULL);	/* class 0 first */
	assert_string_equal((const char *)f->rp.file, "ipxe.efi");
	assert_string_equal((const char *)f->rp.sname, "boot1");
	fill(f, false, 0, NULL);
	assert_string_equal((const char *)f->rp.file, "global.efi");
	/* Not for a NAK: boot false. */
	dhcp_msg_init(&f->rp);
	reply_levels(&f->cfg, &f->sn, NULL, 0x1, &lv);
	reply_opts_fill(&f->rp, &lv, NULL, 0, false);
	assert_int_equal(f->rp.file[0], 0);
	assert_int_equal(f->rp.siaddr, 0);
}

/* Options the engine set first are never replaced. */
static void
engine_options_kept(void **state)
{
	struct fix	*f = *state;
	static struct cfg_optset s;
	struct reply_levels lv;

	memset(&s, 0, sizeof(s));
	add(&s, OPT_SPACE_DHCP4, 28, "\xc6\x33\x64\xff", false);
	f->host.opts = store(&f->cfg, &s);
	dhcp_msg_init(&f->rp);
	assert_true(dhcp_opt_set_u32(&f->rp, 28, 0x01020304));
	reply_levels(&f->cfg, &f->sn, &f->host, 0, &lv);
	reply_opts_fill(&f->rp, &lv, NULL, 0, true);
	opt_is(&f->rp, 28, "\x01\x02\x03\x04");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(request_list, setup, teardown),
		cmocka_unit_test_setup_teardown(vendor_43, setup, teardown),
		cmocka_unit_test_setup_teardown(boot_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(engine_options_kept, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
