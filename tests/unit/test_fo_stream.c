/* Unit tests: common/proto/fo_stream.c (BindUpd windows, acks, retries). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fo_stream.h"

static void
window_fills_and_drains_with_range_acks(void **state)
{
	struct fo_tx tx;
	(void)state;
	assert_int_equal(fo_tx_init(&tx, 4, 1.0, 2), 0);
	for (uint64_t s = 10; s < 14; s++)
		assert_int_equal(fo_tx_sent(&tx, s, (uint32_t)s, 0.0), 0);
	assert_true(fo_tx_full(&tx));
	assert_int_equal(fo_tx_sent(&tx, 14, 14, 0.0), -1);
	assert_int_equal(fo_tx_acked_through(&tx), 9);
	/* An ack in the middle leaves the watermark at the oldest hole. */
	assert_int_equal(fo_tx_ack(&tx, 11, 12), 2);
	assert_int_equal(fo_tx_inflight(&tx), 2);
	assert_int_equal(fo_tx_acked_through(&tx), 9);
	assert_int_equal(fo_tx_ack(&tx, 10, 10), 1);
	assert_int_equal(fo_tx_acked_through(&tx), 12);
	/* Acks for unknown or already-acked sequences change nothing. */
	assert_int_equal(fo_tx_ack(&tx, 1, 9), 0);
	assert_int_equal(fo_tx_ack(&tx, 20, 10), 0);
	assert_int_equal(fo_tx_ack(&tx, 13, 100), 1);
	assert_int_equal(fo_tx_acked_through(&tx), 13);
	assert_int_equal(tx.acked, 4);
	fo_tx_free(&tx);
}

static void
sequences_must_increase(void **state)
{
	struct fo_tx tx;
	(void)state;
	fo_tx_init(&tx, 8, 1.0, 2);
	assert_int_equal(fo_tx_sent(&tx, 5, 1, 0.0), 0);
	assert_int_equal(fo_tx_sent(&tx, 5, 1, 0.0), -1);
	assert_int_equal(fo_tx_sent(&tx, 4, 1, 0.0), -1);
	assert_int_equal(fo_tx_sent(&tx, 9, 1, 0.0), 0);
	fo_tx_free(&tx);
}

static void
retries_then_failure_pins_watermark(void **state)
{
	struct fo_tx tx;
	struct fo_tx_entry e;
	(void)state;
	fo_tx_init(&tx, 8, 2.0, 2);
	fo_tx_sent(&tx, 1, 100, 0.0);
	fo_tx_sent(&tx, 2, 101, 0.5);
	assert_true(fo_tx_deadline(&tx) == 2.0);
	assert_int_equal(fo_tx_due(&tx, 1.9, &e), FO_TX_NONE);
	assert_int_equal(fo_tx_due(&tx, 2.0, &e), FO_TX_RETRY);
	assert_int_equal(e.seq, 1);
	assert_int_equal(e.addr, 100);
	assert_int_equal(e.tries, 1);
	assert_int_equal(fo_tx_due(&tx, 2.5, &e), FO_TX_RETRY);
	assert_int_equal(e.seq, 2);
	assert_int_equal(fo_tx_ack(&tx, 2, 2), 1);
	assert_int_equal(fo_tx_due(&tx, 4.0, &e), FO_TX_RETRY);
	assert_int_equal(e.tries, 2);
	/* Third timeout: SyncBindRetryMax (2) retries were spent. */
	assert_int_equal(fo_tx_due(&tx, 6.0, &e), FO_TX_FAILED);
	assert_int_equal(e.seq, 1);
	assert_int_equal(tx.failures, 1);
	assert_int_equal(tx.retries, 3);
	assert_int_equal(fo_tx_inflight(&tx), 0);
	/* Never skip the update given up on. */
	fo_tx_sent(&tx, 3, 102, 6.0);
	fo_tx_ack(&tx, 3, 3);
	assert_int_equal(fo_tx_acked_through(&tx), 0);
	fo_tx_reset(&tx);
	assert_int_equal(fo_tx_acked_through(&tx), 3);
	assert_true(fo_tx_deadline(&tx) == 0);
	fo_tx_free(&tx);
}

static void
ring_wraps(void **state)
{
	struct fo_tx tx;
	(void)state;
	fo_tx_init(&tx, 3, 1.0, 0);
	for (uint64_t s = 1; s <= 100; s++) {
		assert_int_equal(fo_tx_sent(&tx, s, 0, 0.0), 0);
		if (s >= 3)
			assert_int_equal(fo_tx_ack(&tx, s - 2, s - 2), 1);
	}
	assert_int_equal(fo_tx_inflight(&tx), 2);
	assert_int_equal(fo_tx_acked_through(&tx), 98);
	fo_tx_free(&tx);
}

static void
receiver_coalesces_runs(void **state)
{
	struct fo_rx rx;
	uint64_t runs[4][2];
	const uint64_t in[] = { 7, 3, 4, 5, 5, 9, 10, 8, 20, 1 };
	(void)state;
	fo_rx_init(&rx);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_true(fo_rx_note(&rx, in[i]));
	assert_int_equal(fo_rx_take(&rx, runs, 2), 2);
	assert_int_equal(runs[0][0], 1);
	assert_int_equal(runs[0][1], 1);
	assert_int_equal(runs[1][0], 3);
	assert_int_equal(runs[1][1], 5);	/* 6 is missing */
	assert_int_equal(fo_rx_pending(&rx), 5);
	assert_int_equal(fo_rx_take(&rx, runs, 4), 2);
	assert_int_equal(runs[0][0], 7);
	assert_int_equal(runs[0][1], 10);
	assert_int_equal(runs[1][0], 20);
	assert_int_equal(runs[1][1], 20);
	assert_int_equal(fo_rx_take(&rx, runs, 4), 0);
}

static void
receiver_reports_full(void **state)
{
	struct fo_rx rx;
	(void)state;
	fo_rx_init(&rx);
	for (uint64_t s = 0; s < FO_RX_MAX; s++)
		assert_true(fo_rx_note(&rx, s));
	assert_false(fo_rx_note(&rx, 99999));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_fills_and_drains_with_range_acks),
		cmocka_unit_test(sequences_must_increase),
		cmocka_unit_test(retries_then_failure_pins_watermark),
		cmocka_unit_test(ring_wraps),
		cmocka_unit_test(receiver_coalesces_runs),
		cmocka_unit_test(receiver_reports_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
