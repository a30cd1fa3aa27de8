/*
 * Unit tests: common/util/prom.c -- the text exposition (escaping, the
 * family and sample lines, label sets) and the fixed-bucket histogram
 * (buckets, cumulative counts, sum and count).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "prom.h"

static void
label_and_help_escaping(void **state)
{
	struct strbuf sb;
	struct prom_labels l;
	(void)state;

	sb_init(&sb);
	prom_escape_label(&sb, "a\\b\"c\nd");
	assert_string_equal(sb.buf, "a\\\\b\\\"c\\nd");
	sb_reset(&sb);
	/* HELP escapes backslash and newline, never the double quote. */
	prom_escape_help(&sb, "x \"y\"\\z\n");
	assert_string_equal(sb.buf, "x \"y\"\\\\z\\n");
	sb_reset(&sb);
	prom_escape_label(&sb, "plain");
	assert_string_equal(sb.buf, "plain");

	prom_labels_init(&l);
	prom_labels_add(&l, "name", "lan \"one\"");
	prom_labels_add(&l, "primary", "b\\1");
	assert_false(l.overflow);
	assert_string_equal(l.text, "name=\"lan \\\"one\\\"\",primary=\"b\\\\1\"");
	sb_free(&sb);
}

static void
family_and_samples(void **state)
{
	struct strbuf sb;
	struct prom_labels l, t;
	(void)state;

	sb_init(&sb);
	prom_family(&sb, "dhcpfo_x_total", PROM_COUNTER, "what\nit counts");
	prom_labels_init(&l);
	prom_labels_add(&l, "subnet", "198.51.100.0/24");
	prom_labels_with(&t, &l, "type", "ack");
	prom_sample_u(&sb, "dhcpfo_x_total", &t, UINT64_C(18446744073709551615));
	prom_sample_u(&sb, "dhcpfo_x_total", NULL, 0);
	prom_family(&sb, "dhcpfo_g", PROM_GAUGE, "a gauge");
	prom_sample(&sb, "dhcpfo_g", &l, 0.25);
	prom_sample(&sb, "dhcpfo_g", &l, 1700000000.125);
	prom_sample(&sb, "dhcpfo_g", NULL, NAN);
	prom_sample(&sb, "dhcpfo_g", NULL, INFINITY);
	prom_sample(&sb, "dhcpfo_g", NULL, -INFINITY);
	assert_string_equal(sb.buf,
	    "# HELP dhcpfo_x_total what\\nit counts\n"
	    "# TYPE dhcpfo_x_total counter\n"
	    "dhcpfo_x_total{subnet=\"198.51.100.0/24\",type=\"ack\"} "
	    "18446744073709551615\n"
	    "dhcpfo_x_total 0\n"
	    "# HELP dhcpfo_g a gauge\n"
	    "# TYPE dhcpfo_g gauge\n"
	    "dhcpfo_g{subnet=\"198.51.100.0/24\"} 0.25\n"
	    "dhcpfo_g{subnet=\"198.51.100.0/24\"} 1700000000.125\n"
	    "dhcpfo_g NaN\n"
	    "dhcpfo_g +Inf\n"
	    "dhcpfo_g -Inf\n");
	/* The base set is untouched by prom_labels_with. */
	assert_string_equal(l.text, "subnet=\"198.51.100.0/24\"");
	sb_free(&sb);
}

/* A label set that does not fit is never cut short: its samples are
 * left out, the others still written. */
static void
label_overflow_leaves_sample_out(void **state)
{
	struct strbuf sb;
	struct prom_labels l;
	char	 big[PROM_LABELS_LEN];
	(void)state;

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	prom_labels_init(&l);
	prom_labels_add(&l, "name", big);
	assert_true(l.overflow);
	assert_true(l.len < sizeof(l.text));
	sb_init(&sb);
	prom_sample(&sb, "dhcpfo_g", &l, 1);
	prom_sample_u(&sb, "dhcpfo_c", &l, 1);
	prom_histogram(&sb, "dhcpfo_h", &l, &(struct prom_hist){ .sum = 0 });
	assert_int_equal(sb.len, 0);
	prom_sample(&sb, "dhcpfo_g", NULL, 2);
	assert_string_equal(sb.buf, "dhcpfo_g 2\n");
	sb_free(&sb);
}

static void
histogram_buckets_sum_count(void **state)
{
	struct prom_hist h;
	(void)state;

	memset(&h, 0, sizeof(h));
	prom_hist_observe(&h, 0);		/* le 0.00005 */
	prom_hist_observe(&h, 0.00005);		/* on the bound: le 0.00005 */
	prom_hist_observe(&h, 0.0003);		/* le 0.0005 */
	prom_hist_observe(&h, 0.0005);		/* le 0.0005 */
	prom_hist_observe(&h, 2.5);		/* le 2.5, the last bound */
	prom_hist_observe(&h, 3.0);		/* +Inf only */
	prom_hist_observe(&h, -1.0);		/* a clock step: counts as 0 */
	prom_hist_observe(&h, NAN);		/* ignored */
	assert_int_equal(prom_hist_count(&h), 7);
	assert_int_equal(h.n[0], 3);
	assert_int_equal(h.n[3], 2);
	assert_int_equal(h.n[PROM_HIST_BOUNDS - 1], 1);
	assert_int_equal(h.n[PROM_HIST_BOUNDS], 1);
	assert_true(fabs(h.sum - (0.00005 + 0.0003 + 0.0005 + 2.5 + 3.0)) <
	    1e-12);
	/* The bounds rise. */
	for (size_t i = 1; i < PROM_HIST_BOUNDS; i++)
		assert_true(prom_hist_le[i] > prom_hist_le[i - 1]);
}

static void
histogram_text(void **state)
{
	struct strbuf sb;
	struct prom_labels l;
	struct prom_hist h;
	(void)state;

	memset(&h, 0, sizeof(h));
	prom_hist_observe(&h, 0.00004);
	prom_hist_observe(&h, 0.002);
	prom_hist_observe(&h, 0.002);
	prom_hist_observe(&h, 7);
	prom_labels_init(&l);
	prom_labels_add(&l, "primary", "b1");
	sb_init(&sb);
	prom_histogram(&sb, "dhcpfo_h_seconds", &l, &h);
	assert_string_equal(sb.buf,
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.00005\"} 1\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.0001\"} 1\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.00025\"} 1\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.0005\"} 1\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.001\"} 1\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.0025\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.005\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.01\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.025\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.05\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.1\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.25\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"0.5\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"1\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"2.5\"} 3\n"
	    "dhcpfo_h_seconds_bucket{primary=\"b1\",le=\"+Inf\"} 4\n"
	    "dhcpfo_h_seconds_sum{primary=\"b1\"} 7.00404\n"
	    "dhcpfo_h_seconds_count{primary=\"b1\"} 4\n");
	/* Without labels, le is the only one. */
	sb_reset(&sb);
	memset(&h, 0, sizeof(h));
	prom_histogram(&sb, "dhcpfo_e", NULL, &h);
	assert_non_null(strstr(sb.buf, "dhcpfo_e_bucket{le=\"0.00005\"} 0\n"));
	assert_non_null(strstr(sb.buf, "dhcpfo_e_bucket{le=\"+Inf\"} 0\n"
	    "dhcpfo_e_sum 0\ndhcpfo_e_count 0\n"));
	sb_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_and_help_escaping),
		cmocka_unit_test(family_and_samples),
		cmocka_unit_test(label_overflow_leaves_sample_out),
		cmocka_unit_test(histogram_buckets_sum_count),
		cmocka_unit_test(histogram_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
