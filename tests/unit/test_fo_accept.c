/*
 * Unit tests: common/proto/fo_accept.c, the receive order of a failover
 * datagram (docs/failover-protocol.md §7.1): each rejection reason, and
 * that the checks run in that order (a forged replay is bad-hmac, an
 * authentic replay is dropped before anything is decoded, the window is
 * never moved by the checks).
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

#include "byteorder.h"
#include "fo_accept.h"

#define EPOCH		1700000000000000ULL
#define PEER_ADDR	0x7f000003u	/* 127.0.0.3 */
#define PEER_PORT	647
#define PEER_NAME	"branch1"	/* the primary both sides serve */

struct fx {
	struct fo_key	 key, other;
	struct fo_keyset ks, other_ks;	/* {key}, {other} */
	struct fo_replay win;
	struct fo_accept_id id;
	struct fo_accept_ctx ctx;	/* receiving as the primary */
	struct fo_msg	*m;		/* building */
	struct fo_msg	*out;		/* decoded */
	uint8_t		 buf[FO_DGRAM_MAX + 1];
	size_t		 len;
};

static void
set_key(struct fo_key *k, uint8_t first)
{
	uint8_t	 b[32];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(first + i);
	assert_int_equal(fo_key_set(k, b, sizeof(b)), 0);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->m = calloc(1, sizeof(*f->m));
	f->out = calloc(1, sizeof(*f->out));
	assert_non_null(f->m);
	assert_non_null(f->out);
	set_key(&f->key, 0);
	set_key(&f->other, 100);
	f->ks.sign = f->key;
	f->other_ks.sign = f->other;
	f->id = (struct fo_accept_id){ .primary_id = fo_primary_id(PEER_NAME),
	    .addr = PEER_ADDR, .port = PEER_PORT };
	f->ctx = (struct fo_accept_ctx){ .keys = &f->ks, .replay = &f->win,
	    .lease_max = 1024, .primary = true };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	free(f->m);
	free(f->out);
	free(f);
	return 0;
}

/* A Poll from the failover (FROM_PRIMARY clear), signed with k. */
static void
build_poll(struct fx *f, uint64_t epoch, uint64_t seq,
    const struct fo_key *k)
{
	fo_msg_init(f->m, FO_POLL, false);
	f->m->hdr.seq = seq;
	f->m->hdr.epoch = epoch;
	f->m->hdr.primary_id = fo_primary_id(PEER_NAME);
	f->m->present = FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_CLOCK);
	f->m->ver_min = 1;
	f->m->ver_max = 2;
	f->m->clock_ms = 1700000000123ULL;
	f->m->hdr.key_id = k->id;	/* as the daemons send it */
	assert_int_equal(fo_encode(f->m, f->buf, sizeof(f->buf), &f->len),
	    FO_OK);
	assert_true(fo_auth_sign(k, f->buf, f->len));
}

/* A BIND_ACK (either side sends it), from the primary or not. */
static void
build_ack(struct fx *f, bool from_primary, uint64_t seq)
{
	fo_msg_init(f->m, FO_BIND_ACK, from_primary);
	f->m->hdr.seq = seq;
	f->m->hdr.epoch = EPOCH;
	f->m->hdr.primary_id = fo_primary_id(PEER_NAME);
	assert_true(fo_msg_add_ack(f->m, 5, 9));
	assert_int_equal(fo_encode(f->m, f->buf, sizeof(f->buf), &f->len),
	    FO_OK);
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
}

static enum fo_reject
accept_from(struct fx *f, uint32_t src, uint16_t sport, struct fo_hdr *h)
{
	return fo_accept(&f->id, &f->ctx, f->buf, f->len, src, sport, h,
	    f->out);
}

static enum fo_reject
accept_it(struct fx *f)
{
	struct fo_hdr h;

	return accept_from(f, PEER_ADDR, PEER_PORT, &h);
}

static void
commit(struct fx *f, uint64_t epoch, uint64_t seq)
{
	fo_replay_commit(&f->win, epoch, seq);
}

/* The window the checks saw is the one left: they never move it. */
static void
expect_window(const struct fx *f, uint64_t epoch, uint64_t top)
{
	assert_int_equal(f->win.epoch, epoch);
	assert_int_equal(f->win.top, top);
}

/* ---- names ---- */

static void
names_are_stable_and_distinct(void **state)
{
	static const struct {
		enum fo_reject	 r;
		const char	*name;
	} want[] = {
		{ FO_REJ_NONE, "ok" },
		{ FO_REJ_VERSION, "bad-version" },
		{ (enum fo_reject)FO_ERR_SHORT, "short" },
		{ (enum fo_reject)FO_ERR_TLV_UNKNOWN, "bad-tlv" },
		{ FO_REJ_OVERSIZE, "oversize" },
		{ FO_REJ_UNKNOWN_PEER, "unknown-peer" },
		{ FO_REJ_WRONG_ID, "wrong-primary-id" },
		{ FO_REJ_BAD_HMAC, "bad-hmac" },
		{ FO_REJ_REPLAYED, "replayed" },
		{ FO_REJ_TOO_OLD, "too-old" },
		{ FO_REJ_OLD_EPOCH, "old-epoch" },
		{ FO_REJ_REFLECTED, "reflected" },
		{ FO_REJ_UNEXPECTED, "unexpected" },
		{ FO_REJ_BAD_LEASE, "bad-lease" },
		{ FO_REJ_SOCKET, "socket-error" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(fo_reject_name(want[i].r), want[i].name);
	assert_string_equal(fo_reject_name(FO_REJ_COUNT), "unknown");
	/* Counter names: one per reason, none shared. */
	for (unsigned a = 1; a < FO_REJ_COUNT; a++) {
		assert_string_not_equal(fo_reject_name(a), "unknown");
		for (unsigned b = a + 1; b < FO_REJ_COUNT; b++)
			assert_string_not_equal(fo_reject_name(a),
			    fo_reject_name(b));
	}
	assert_true(fo_reject_is_codec(FO_REJ_VERSION));
	assert_false(fo_reject_is_codec(FO_REJ_NONE));
	assert_false(fo_reject_is_codec(FO_REJ_OVERSIZE));
	assert_false(fo_reject_is_codec(FO_REJ_BAD_HMAC));
}

/* ---- 1. sanity ---- */

static void
sanity(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	build_poll(f, EPOCH, 1, &f->key);
	assert_int_equal(fo_accept_header(f->buf, f->len, &h), FO_REJ_NONE);
	assert_int_equal(h.type, FO_POLL);
	assert_int_equal(h.length, f->len);

	/* Over the largest datagram: refused before a byte is read. */
	memset(f->buf, 0, sizeof(f->buf));
	assert_int_equal(fo_accept_header(f->buf, FO_DGRAM_MAX + 1, &h),
	    FO_REJ_OVERSIZE);
	f->len = FO_DGRAM_MAX + 1;
	assert_int_equal(accept_it(f), FO_REJ_OVERSIZE);

	build_poll(f, EPOCH, 1, &f->key);
	assert_int_equal(fo_accept_header(f->buf, FO_MIN_LEN - 1, &h),
	    fo_reject_of(FO_ERR_SHORT));
	assert_int_equal(fo_accept_header(f->buf, f->len - 1, &h),
	    fo_reject_of(FO_ERR_LENGTH));
	f->buf[FO_OFF_MAGIC] ^= 0xff;
	assert_int_equal(accept_it(f), fo_reject_of(FO_ERR_MAGIC));
	expect_window(f, 0, 0);
}

/* ---- 2. the peer ---- */

static void
peer_by_address_port_and_id(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	build_poll(f, EPOCH, 1, &f->key);
	assert_int_equal(accept_from(f, PEER_ADDR + 1, PEER_PORT, &h),
	    FO_REJ_UNKNOWN_PEER);
	/* The header is read by then: the caller's log may name the id. */
	assert_int_equal(h.primary_id, f->id.primary_id);
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT + 1, &h),
	    FO_REJ_UNKNOWN_PEER);
	/* From the right address and port, for another primary. */
	f->id.primary_id = fo_primary_id("branch2");
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_UNKNOWN_PEER);
	/* Checked before the HMAC: a stranger's key does not matter. */
	f->id.primary_id = fo_primary_id(PEER_NAME);
	build_poll(f, EPOCH, 1, &f->other);
	assert_int_equal(accept_from(f, PEER_ADDR + 1, PEER_PORT, &h),
	    FO_REJ_UNKNOWN_PEER);
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_BAD_HMAC);
	expect_window(f, 0, 0);
}

static void
peer_on_a_connected_socket(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	f->id.connected = true;
	build_poll(f, EPOCH, 1, &f->key);
	assert_int_equal(fo_accept_header(f->buf, f->len, &h), FO_REJ_NONE);
	/* The socket already chose the source. */
	assert_int_equal(fo_accept_peer(&h, 0, 0, &f->id), FO_REJ_NONE);
	f->id.primary_id = fo_primary_id("branch2");
	assert_int_equal(fo_accept_peer(&h, PEER_ADDR, PEER_PORT, &f->id),
	    FO_REJ_WRONG_ID);
	f->id.connected = false;
	assert_int_equal(fo_accept_peer(&h, PEER_ADDR, PEER_PORT, &f->id),
	    FO_REJ_UNKNOWN_PEER);
}

/* ---- 3. authentication, 4. replay, in that order ---- */

static void
accepted_then_replayed(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	build_poll(f, EPOCH, 7, &f->key);
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_NONE);
	assert_int_equal(f->out->hdr.type, FO_POLL);
	assert_int_equal(f->out->clock_ms, 1700000000123ULL);
	assert_int_equal(h.seq, 7);
	/* Accepting is the caller's to record. */
	expect_window(f, 0, 0);
	commit(f, h.epoch, h.seq);
	assert_int_equal(accept_it(f), FO_REJ_REPLAYED);
	expect_window(f, EPOCH, 7);
}

static void
forged_is_bad_hmac_even_when_replayed(void **state)
{
	struct fx *f = *state;

	build_poll(f, EPOCH, 7, &f->other);
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	/* Also a replay of an accepted (epoch, seq): the HMAC decides
	 * first, so the forged one never reaches the window. */
	commit(f, EPOCH, 7);
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	/* A forged restart does not reset the window either. */
	build_poll(f, EPOCH + 1, 1, &f->other);
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	/* One bit of an authentic one flipped. */
	build_poll(f, EPOCH, 8, &f->key);
	f->buf[FO_HDR_LEN + 5] ^= 1;
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	expect_window(f, EPOCH, 7);
}

/*
 * Authentic and replayed, but broken inside: refused as a replay, and
 * the decoder never ran (it clears its output first).
 */
static void
replay_is_checked_before_decoding(void **state)
{
	struct fx *f = *state;

	build_poll(f, EPOCH, 9, &f->key);
	/* An unknown TLV type below the extension range, signed again. */
	put_be16(f->buf + FO_HDR_LEN, 0x00ee);
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	commit(f, EPOCH, 9);
	memset(f->out, 0xa5, sizeof(*f->out));
	assert_int_equal(accept_it(f), FO_REJ_REPLAYED);
	assert_int_equal(f->out->hdr.magic, 0xa5a5a5a5u);

	/* The same bytes under a fresh seq reach the decoder. */
	put_be64(f->buf + FO_OFF_SEQ, 10);
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_it(f), fo_reject_of(FO_ERR_TLV_UNKNOWN));
	expect_window(f, EPOCH, 9);
}

static void
too_old_and_old_epoch(void **state)
{
	struct fx *f = *state;

	commit(f, EPOCH, 100);
	build_poll(f, EPOCH, 100 - 64, &f->key);
	assert_int_equal(accept_it(f), FO_REJ_TOO_OLD);
	build_poll(f, EPOCH - 1, 500, &f->key);
	assert_int_equal(accept_it(f), FO_REJ_OLD_EPOCH);
	/* Within the window and not seen yet: accepted. */
	build_poll(f, EPOCH, 100 - 63, &f->key);
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	/* A new boot epoch of the peer: accepted, below the old top. */
	build_poll(f, EPOCH + 1, 1, &f->key);
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	expect_window(f, EPOCH, 100);
}

/* ---- 5. decode ---- */

static void
decode_errors(void **state)
{
	struct fx *f = *state;

	/* FROM_PRIMARY on a Poll (F->P only): the decoder's direction. */
	build_poll(f, EPOCH, 1, &f->key);
	put_be16(f->buf + FO_OFF_FLAGS, FO_FLAG_FROM_PRIMARY);
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_it(f), fo_reject_of(FO_ERR_DIRECTION));
	/* An unknown type. */
	build_poll(f, EPOCH, 1, &f->key);
	f->buf[FO_OFF_TYPE] = 99;
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_it(f), fo_reject_of(FO_ERR_TYPE));
	expect_window(f, 0, 0);
}

/*
 * A version we do not speak: refused as bad-version once it passed the
 * HMAC and the window, with what the caller needs to answer a Poll.
 */
static void
other_version(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	build_poll(f, EPOCH, 3, &f->key);
	f->buf[FO_OFF_VERSION] = FO_VERSION_MAX + 1;
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_VERSION);
	assert_int_equal(h.version, FO_VERSION_MAX + 1);
	assert_int_equal(f->out->hdr.type, FO_POLL);
	assert_true(FO_HAS(f->out, FO_TLV_VERSIONS));
	assert_int_equal(f->out->ver_min, 1);
	assert_int_equal(f->out->ver_max, 2);
	assert_int_equal(fo_version_pick(FO_VERSION_MIN, FO_VERSION_MAX,
	    f->out->ver_min, f->out->ver_max), 1);

	/* Answered, so committed: the same bytes again are a replay. */
	commit(f, h.epoch, h.seq);
	assert_int_equal(accept_it(f), FO_REJ_REPLAYED);
	/* Forged: bad-hmac, not bad-version. */
	f->buf[FO_HDR_LEN] ^= 1;
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
}

/* ---- 6. direction ---- */

static void
reflected_both_ways(void **state)
{
	struct fx *f = *state;

	/* The primary's own BindAck sent back to it. */
	build_ack(f, true, 1);
	assert_int_equal(accept_it(f), FO_REJ_REFLECTED);
	build_ack(f, false, 1);
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	assert_int_equal(f->out->n_acks, 1);

	/* On the failover: the other way round. */
	f->ctx.primary = false;
	assert_int_equal(accept_it(f), FO_REJ_REFLECTED);
	build_ack(f, true, 1);
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	expect_window(f, 0, 0);
}

/* fo_accept_message is steps 3-6 alone, as a peer's thread runs it. */
static void
message_steps_alone(void **state)
{
	struct fx *f = *state;
	struct fo_hdr h;

	f->ctx.primary = false;
	build_ack(f, true, 4);
	assert_int_equal(fo_accept_header(f->buf, f->len, &h), FO_REJ_NONE);
	assert_int_equal(fo_accept_message(&f->ctx, f->buf, f->len, &h,
	    f->out), FO_REJ_NONE);
	commit(f, h.epoch, h.seq);
	assert_int_equal(fo_accept_message(&f->ctx, f->buf, f->len, &h,
	    f->out), FO_REJ_REPLAYED);
	f->ctx.keys = &f->other_ks;
	assert_int_equal(fo_accept_message(&f->ctx, f->buf, f->len, &h,
	    f->out), FO_REJ_BAD_HMAC);
}

/*
 * Key rotation (protocol §6): a key set of {signing, accepted}.  The
 * header's key id picks the key; 0 (an older peer) or an id neither has
 * tries both; what verified is reported for the second-key count.
 */
static void
second_key(void **state)
{
	struct fx *f = *state;
	struct fo_keyset ks = { .sign = f->other, .accept = f->key };
	enum fo_key_used used = FO_KEY_SIGN;
	struct fo_key	 stranger;
	struct fo_hdr	 h;

	f->ctx.keys = &ks;
	f->ctx.used = &used;
	/* Signed with the accepted key, named by its id. */
	build_poll(f, EPOCH, 1, &f->key);
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_NONE);
	assert_int_equal(h.key_id, f->key.id);
	assert_int_equal(used, FO_KEY_ACCEPT);
	commit(f, EPOCH, 1);
	/* With the signing key. */
	build_poll(f, EPOCH, 2, &f->other);
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	assert_int_equal(used, FO_KEY_SIGN);
	commit(f, EPOCH, 2);
	/* An older peer sends id 0: both keys are tried. */
	fo_msg_init(f->m, FO_POLL, false);
	build_poll(f, EPOCH, 3, &f->key);
	f->buf[FO_OFF_KEY_ID] = f->buf[FO_OFF_KEY_ID + 1] = 0;
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_from(f, PEER_ADDR, PEER_PORT, &h),
	    FO_REJ_NONE);
	assert_int_equal(h.key_id, 0);
	assert_int_equal(used, FO_KEY_ACCEPT);
	commit(f, EPOCH, 3);
	/* An id neither key has: both are tried too. */
	build_poll(f, EPOCH, 4, &f->key);
	f->buf[FO_OFF_KEY_ID] ^= 0xff;
	if (f->buf[FO_OFF_KEY_ID] == 0 && f->buf[FO_OFF_KEY_ID + 1] == 0)
		f->buf[FO_OFF_KEY_ID + 1] = 1;
	assert_true(fo_auth_sign(&f->key, f->buf, f->len));
	assert_int_equal(accept_it(f), FO_REJ_NONE);
	assert_int_equal(used, FO_KEY_ACCEPT);
	commit(f, EPOCH, 4);
	/* The id is under the HMAC: changed after signing, it fails. */
	build_poll(f, EPOCH, 5, &f->key);
	f->buf[FO_OFF_KEY_ID] = f->buf[FO_OFF_KEY_ID + 1] = 0;
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	assert_int_equal(used, FO_KEY_NONE);
	/* A forger's key, whatever id it names. */
	set_key(&stranger, 200);
	build_poll(f, EPOCH, 5, &stranger);
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	f->buf[FO_OFF_KEY_ID] = (uint8_t)(f->key.id >> 8);
	f->buf[FO_OFF_KEY_ID + 1] = (uint8_t)f->key.id;
	assert_true(fo_auth_sign(&stranger, f->buf, f->len));
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	/* The accepted key gone (step 3 of the rotation): refused. */
	ks.accept.len = 0;
	ks.accept.id = 0;
	build_poll(f, EPOCH, 6, &f->key);
	assert_int_equal(accept_it(f), FO_REJ_BAD_HMAC);
	expect_window(f, EPOCH, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_stable_and_distinct),
		cmocka_unit_test_setup_teardown(sanity, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_by_address_port_and_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(peer_on_a_connected_socket,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(accepted_then_replayed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    forged_is_bad_hmac_even_when_replayed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    replay_is_checked_before_decoding, setup, teardown),
		cmocka_unit_test_setup_teardown(too_old_and_old_epoch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(decode_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(other_version, setup, teardown),
		cmocka_unit_test_setup_teardown(reflected_both_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(message_steps_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(second_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
