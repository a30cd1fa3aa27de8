/*
 * Answers tied to their requests, and the replay window across a restart
 * (docs/failover-protocol.md 7.2 and 7.3): fo_msg_echo, fo_accept_answer,
 * fo_replay_restore, and an answer's ECHO through the wire and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fo_accept.h"

#define EPOCH		1700000000000000ULL

static struct fo_hdr
request(uint64_t epoch, uint64_t seq, bool echoes)
{
	struct fo_hdr h = { .magic = FO_MAGIC, .version = 1,
	    .type = FO_POLL, .seq = seq, .epoch = epoch,
	    .flags = echoes ? FO_FLAG_ECHO : 0 };

	return h;
}

/* A PollRpl answering req, decoded again from the wire. */
static void
answer(const struct fo_hdr *req, struct fo_msg *out)
{
	struct fo_msg	*m = calloc(1, sizeof(*m));
	uint8_t		 buf[2048];
	size_t		 len;

	assert_non_null(m);
	fo_msg_init(m, FO_POLL_RPL, true);
	m->hdr.seq = 9;
	m->hdr.epoch = EPOCH + 5;
	m->ver_min = m->ver_max = 1;
	m->present = FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_STATE) |
	    FO_BIT(FO_TLV_CLOCK) | FO_BIT(FO_TLV_STORE_ID) |
	    FO_BIT(FO_TLV_LAST_SEQ);
	m->state = FO_STATE_SERVING;
	fo_msg_echo(m, req);
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_int_equal(fo_decode(buf, len, 4096, out), FO_OK);
	free(m);
}

static void
echo_only_for_a_requester_that_asks(void **state)
{
	struct fo_msg	*m = calloc(1, sizeof(*m));
	struct fo_hdr	 req = request(EPOCH, 42, true);
	struct fo_hdr	 old = request(EPOCH, 42, false);

	(void)state;
	assert_non_null(m);
	answer(&req, m);
	assert_true(FO_HAS(m, FO_TLV_ECHO));
	assert_true((m->hdr.flags & FO_FLAG_ECHO) != 0);
	assert_int_equal(m->echo_epoch, EPOCH);
	assert_int_equal(m->echo_seq, 42);
	/* An older requester would refuse the unknown TLV. */
	answer(&old, m);
	assert_false(FO_HAS(m, FO_TLV_ECHO));
	free(m);
}

static void
answer_rules(void **state)
{
	struct fo_msg	*m = calloc(1, sizeof(*m));
	struct fo_hdr	 req;

	(void)state;
	assert_non_null(m);
	/* Our requests 10..20 may be answered; 10 is the floor. */
	for (uint64_t s = 10; s <= 20; s++) {
		req = request(EPOCH, s, true);
		answer(&req, m);
		assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20),
		    FO_ANSWER_OK);
	}
	req = request(EPOCH, 9, true);
	answer(&req, m);
	assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20), FO_ANSWER_LATE);
	/* A request we never sent. */
	req = request(EPOCH, 21, true);
	answer(&req, m);
	assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20), FO_ANSWER_STALE);
	req = request(EPOCH, 0, true);
	answer(&req, m);
	assert_int_equal(fo_accept_answer(m, EPOCH, 0, 20), FO_ANSWER_STALE);
	/* Recorded before our restart: another boot epoch of ours, even
	 * with a seq we have used again since. */
	req = request(EPOCH - 1, 15, true);
	answer(&req, m);
	assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20), FO_ANSWER_STALE);
	/* A peer that echoes, answering without ECHO. */
	req = request(EPOCH, 15, false);
	answer(&req, m);
	assert_true((m->hdr.flags & FO_FLAG_ECHO) != 0);
	assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20), FO_ANSWER_STALE);
	/* A peer of an older release: the window alone guards it. */
	m->hdr.flags &= (uint16_t)~FO_FLAG_ECHO;
	assert_int_equal(fo_accept_answer(m, EPOCH, 10, 20), FO_ANSWER_OK);
	assert_string_equal(fo_reject_name(FO_REJ_STALE_ANSWER),
	    "stale-answer");
	free(m);
}

static void
restored_window_refuses_what_was_accepted(void **state)
{
	struct fo_replay live = { 0 }, after = { 0 };
	uint64_t	 s;

	(void)state;
	/* Accepted before the restart: 1..100, some out of order. */
	for (s = 1; s <= 100; s++)
		fo_replay_commit(&live, EPOCH, s % 7 == 0 ? s - 1 : s);
	fo_replay_restore(&after, live.epoch, live.top);
	for (s = 1; s <= 100; s++)
		assert_int_not_equal(fo_replay_check(&after, EPOCH, s),
		    FO_REPLAY_OK);
	assert_int_equal(fo_replay_check(&after, EPOCH, 100),
	    FO_REPLAY_REPLAYED);
	assert_int_equal(fo_replay_check(&after, EPOCH, 10),
	    FO_REPLAY_TOO_OLD);
	assert_int_equal(fo_replay_check(&after, EPOCH - 1, 500),
	    FO_REPLAY_OLD_EPOCH);
	/* What the peer sends next, and after its own restart. */
	assert_int_equal(fo_replay_check(&after, EPOCH, 101), FO_REPLAY_OK);
	assert_int_equal(fo_replay_check(&after, EPOCH + 1, 1), FO_REPLAY_OK);
	fo_replay_commit(&after, EPOCH, 101);
	assert_int_equal(fo_replay_check(&after, EPOCH, 101),
	    FO_REPLAY_REPLAYED);

	/* Nothing saved: the empty window, as at first contact. */
	fo_replay_restore(&after, 0, 0);
	assert_int_equal(fo_replay_check(&after, EPOCH, 1), FO_REPLAY_OK);
	/* An epoch but no message accepted in it yet. */
	fo_replay_restore(&after, EPOCH, 0);
	assert_int_equal(fo_replay_check(&after, EPOCH, 1), FO_REPLAY_OK);
	assert_int_equal(fo_replay_check(&after, EPOCH - 1, 1),
	    FO_REPLAY_OLD_EPOCH);
}

static void
authentication_failures(void **state)
{
	uint64_t counts[FO_REJ_COUNT] = { 0 };
	unsigned n = 0;

	(void)state;
	for (unsigned r = 0; r < FO_REJ_COUNT; r++) {
		counts[r] = 1000 + r;
		n += fo_reject_is_auth((enum fo_reject)r);
	}
	assert_int_equal(n, 3);
	assert_true(fo_reject_is_auth(FO_REJ_BAD_HMAC));
	assert_true(fo_reject_is_auth(FO_REJ_REPLAYED));
	assert_true(fo_reject_is_auth(FO_REJ_STALE_ANSWER));
	assert_false(fo_reject_is_auth(FO_REJ_OLD_EPOCH));
	assert_false(fo_reject_is_auth(FO_REJ_TOO_OLD));
	assert_int_equal(fo_reject_auth_total(counts),
	    counts[FO_REJ_BAD_HMAC] + counts[FO_REJ_REPLAYED] +
	    counts[FO_REJ_STALE_ANSWER]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_only_for_a_requester_that_asks),
		cmocka_unit_test(answer_rules),
		cmocka_unit_test(restored_window_refuses_what_was_accepted),
		cmocka_unit_test(authentication_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
