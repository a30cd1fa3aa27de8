/*
 * Unit tests, both daemons in one process (tests/unit/pair_testutil.h):
 * the configuration a primary offers and the failover fetches
 * (docs/learn.md).  The harness's failover.ini has explicit sections,
 * so what is fetched is stored and compared, not applied (applying
 * restarts a thread, which the harness does not run as one); the
 * fetch itself -- announcement, parts, SHA-256, store -- is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fod.h"
#include "offer.h"
#include "pair_testutil.h"
#include "server_int.h"

static int
setup(void **state)
{
	return (*state = pair_new(NULL)) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	pair_free(*state);
	return 0;
}

static const struct cfg_fo_learnt *
learnt(const struct pair *pr)
{
	return &pr->fod->cfg.primaries[0].learnt;
}

static bool
has_generation(struct pair *pr, void *arg)
{
	return learnt(pr)->have &&
	    learnt(pr)->generation == *(const uint64_t *)arg;
}

/*
 * The failover gets the very text the primary offers: same SHA-256 and
 * size, generation 1, within a poll of the pair coming up; the primary
 * answered its CfgReqs; failover.ini's sections match it.
 */
static void
offered_text_is_fetched_and_matches(void **state)
{
	struct pair *pr = *state;
	const struct offer *o;
	uint64_t gen = 1;
	double	 t0;

	pair_up(pr);
	t0 = pair_elapsed();
	assert_true(pair_until(pr, has_generation, &gen,
	    pr->o.poll_delay + 1.0));
	o = offer_get(pr->srv);
	assert_true(o->ok);
	assert_int_equal(o->generation, 1);
	assert_int_equal(learnt(pr)->size, o->text.len);
	assert_memory_equal(learnt(pr)->sha, o->sha, sizeof(o->sha));
	assert_true(o->requests >= 1);
	assert_int_equal(o->bytes_sent, o->text.len);
	assert_int_equal(pair_fpeer(pr)->fetch.st.completed, 1);
	assert_int_equal(pair_fpeer(pr)->fetch.st.failed, 0);
	assert_string_equal(learnt(pr)->differs, "");
	assert_string_equal(learnt(pr)->refused, "");
	print_message("fetched %u bytes in %.2f virtual s\n",
	    learnt(pr)->size, pair_elapsed() - t0);
	/* Polls go on; nothing is fetched again. */
	pair_step(pr, 3 * pr->o.poll_delay);
	assert_int_equal(pair_fpeer(pr)->fetch.st.fetches, 1);
}

/*
 * The primary comes back with another configuration: the failover
 * fetches the new text (generation 2) and says how failover.ini
 * differs from it.
 */
static void
changed_text_is_fetched_and_compared(void **state)
{
	struct pair *pr = *state;
	uint64_t gen = 1;
	char	 path[128];
	FILE	*fp;

	pair_up(pr);
	assert_true(pair_until(pr, has_generation, &gen, 2.0));
	pair_stop_primary(pr);
	/* Appended to the file's last section, [subnet:lan1]. */
	snprintf(path, sizeof(path), "%s/primary.ini", pr->dir);
	assert_non_null(fp = fopen(path, "a"));
	fputs("Option.domain-name = changed.example.test\n", fp);
	fclose(fp);
	pair_start_primary(pr);
	gen = 2;
	assert_true(pair_until(pr, has_generation, &gen, 5.0));
	assert_memory_equal(learnt(pr)->sha, offer_get(pr->srv)->sha,
	    sizeof(learnt(pr)->sha));
	/* The option by its name and value, as the file writes it. */
	assert_string_equal(learnt(pr)->differs, "127.78.0.0/16: only on the "
	    "primary: subnet Option.domain-name = changed.example.test");
	assert_int_equal(pair_fpeer(pr)->fetch.st.completed, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    offered_text_is_fetched_and_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    changed_text_is_fetched_and_compared, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
