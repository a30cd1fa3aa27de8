/*
 * Unit tests: failover/fod_queue.c, the queues between the failover's
 * main thread and each primary's thread: bounded in items and in bytes,
 * a refused item counted, room coming back as items are taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "fod.h"

static struct fq_item *
item(size_t len)
{
	struct fq_item *it = fq_item_new(FQ_FO, len);

	assert_non_null(it);
	return it;
}

/* 64 KB datagrams: the byte bound refuses what the count would take. */
static void
bounded_in_bytes(void **state)
{
	struct fq	 q;
	struct fq_item	*out[8];
	(void)state;

	assert_int_equal(fq_init(&q, 16, 3 * 65507, NULL, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_true(fq_push(&q, item(65507)));
	assert_false(fq_push(&q, item(65507)));	/* 4 x 64 KB > bound */
	assert_true(fq_push(&q, item(0)));		/* room for nothing */
	assert_int_equal(fq_dropped(&q), 1);
	assert_int_equal(q.bytes, 3 * 65507);

	assert_int_equal(fq_take(&q, out, 1), 1);
	free(out[0]);
	assert_int_equal(q.bytes, 2 * 65507);
	assert_true(fq_push(&q, item(65507)));	/* room again */
	assert_int_equal(fq_take(&q, out, 8), 4);
	for (int i = 0; i < 4; i++)
		free(out[i]);
	assert_int_equal(q.bytes, 0);
	fq_destroy(&q);
}

/* Small items: the count bound still holds. */
static void
bounded_in_items(void **state)
{
	struct fq	 q;
	(void)state;

	assert_int_equal(fq_init(&q, 4, FOD_QUEUE_BYTES, NULL, NULL), 0);
	for (int i = 0; i < 4; i++)
		assert_true(fq_push(&q, item(300)));
	assert_false(fq_push(&q, item(300)));
	assert_int_equal(fq_dropped(&q), 1);
	fq_destroy(&q);	/* frees what is still queued */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded_in_bytes),
		cmocka_unit_test(bounded_in_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
