/*
 * Unit tests: common/proto/fo_auth.c (key files, HMAC sign/verify, replay
 * window), and the receive path in the order fo_codec.h prescribes.
 * The known-answer MACs were computed with Python's hmac module.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <pthread.h>

#include <openssl/evp.h>

#include "fo_auth.h"
#include "fo_codec.h"

/* HMAC-SHA256(key = 00 01 .. 1f, data = (i * 7) & 0xff for i < 64) */
static const char kat32[] =
    "014883ee52a054030c349a728526f93606a65fddcdc3b48a78c09bd021ba4996";
/* Same data, key = 00 01 .. 3f (the longest key) */
static const char kat64[] =
    "c74b0436b33eaf088bc863c4c8d51b925e234999f23c46b566ea3143c27ab2b2";

static void
unhex(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
seq_key(struct fo_key *k, size_t len)
{
	uint8_t	 b[FO_KEY_MAX];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	assert_int_equal(fo_key_set(k, b, len), 0);
}

/* 64 data bytes + room for the MAC, as fo_encode leaves it. */
static void
kat_data(uint8_t buf[96])
{
	for (int i = 0; i < 64; i++)
		buf[i] = (uint8_t)(i * 7);
	memset(buf + 64, 0, 32);
}

/* ---- HMAC ---- */

static void
sign_matches_known_answers(void **state)
{
	struct fo_key	 k;
	uint8_t		 buf[96], want[32];

	(void)state;
	seq_key(&k, 32);
	kat_data(buf);
	assert_true(fo_auth_sign(&k, buf, sizeof(buf)));
	unhex(kat32, want, sizeof(want));
	assert_memory_equal(buf + 64, want, 32);
	assert_true(fo_auth_verify(&k, buf, sizeof(buf)));

	seq_key(&k, 64);
	kat_data(buf);
	assert_true(fo_auth_sign(&k, buf, sizeof(buf)));
	unhex(kat64, want, sizeof(want));
	assert_memory_equal(buf + 64, want, 32);
	assert_true(fo_auth_verify(&k, buf, sizeof(buf)));
	fo_key_clear(&k);
	assert_int_equal(k.len, 0);
}

/*
 * Each thread keeps keyed contexts for the keys it used last (fo_auth.c):
 * more keys than it keeps, a key changed in place, the same bytes in
 * another struct and another thread all give what a fresh HMAC gives.
 */
static void
one_shot(const struct fo_key *k, const uint8_t *buf, size_t len,
    uint8_t out[32])
{
	size_t	 n = 0;

	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
	    k->bytes, k->len, buf, len - 32, out, 32, &n));
	assert_int_equal(n, 32);
}

static void
cycle_keys(void)
{
	struct fo_key	 k[3], same;
	uint8_t		 buf[96], want[32];

	for (int i = 0; i < 3; i++) {
		uint8_t b[FO_KEY_MAX];

		for (size_t j = 0; j < sizeof(b); j++)
			b[j] = (uint8_t)(j * (i + 3));
		assert_int_equal(fo_key_set(&k[i], b, 32 + 16 * (size_t)i),
		    0);
	}
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < 3; i++) {
			kat_data(buf);
			buf[0] = (uint8_t)round;
			assert_true(fo_auth_sign(&k[i], buf, sizeof(buf)));
			one_shot(&k[i], buf, sizeof(buf), want);
			assert_memory_equal(buf + 64, want, 32);
			assert_true(fo_auth_verify(&k[i], buf, sizeof(buf)));
			assert_false(fo_auth_verify(&k[(i + 1) % 3], buf,
			    sizeof(buf)));
		}
	/* Changed in place: the new bytes count, not the place. */
	k[0].bytes[5] ^= 0x40;
	kat_data(buf);
	assert_true(fo_auth_sign(&k[0], buf, sizeof(buf)));
	one_shot(&k[0], buf, sizeof(buf), want);
	assert_memory_equal(buf + 64, want, 32);
	same = k[0];
	assert_true(fo_auth_verify(&same, buf, sizeof(buf)));
	for (int i = 0; i < 3; i++)
		fo_key_clear(&k[i]);
	fo_key_clear(&same);
}

static void *
cycle_thread(void *arg)
{
	(void)arg;
	cycle_keys();
	return NULL;
}

static void
cached_contexts_give_fresh_macs(void **state)
{
	pthread_t t;

	(void)state;
	cycle_keys();
	assert_int_equal(pthread_create(&t, NULL, cycle_thread, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	cycle_keys();
}

/* One flipped bit anywhere, data or MAC, fails verification. */
static void
any_flipped_bit_fails(void **state)
{
	struct fo_key	 k;
	uint8_t		*buf;
	size_t		 len = 150;

	(void)state;
	seq_key(&k, 48);
	buf = malloc(len);
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i ^ 0x5c);
	assert_true(fo_auth_sign(&k, buf, len));
	assert_true(fo_auth_verify(&k, buf, len));
	for (size_t bit = 0; bit < len * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_false(fo_auth_verify(&k, buf, len));
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_true(fo_auth_verify(&k, buf, len));
	free(buf);
}

static void
wrong_key_fails(void **state)
{
	struct fo_key	 k, other;
	uint8_t		 buf[96];

	(void)state;
	seq_key(&k, 32);
	kat_data(buf);
	assert_true(fo_auth_sign(&k, buf, sizeof(buf)));

	other = k;
	other.bytes[31] ^= 1;
	assert_false(fo_auth_verify(&other, buf, sizeof(buf)));
	/* Same first 32 bytes, one more: a different key. */
	seq_key(&other, 33);
	assert_false(fo_auth_verify(&other, buf, sizeof(buf)));
	/* No key loaded: never valid, not even over a zero MAC. */
	memset(&other, 0, sizeof(other));
	assert_false(fo_auth_verify(&other, buf, sizeof(buf)));
	memset(buf + 64, 0, 32);
	assert_false(fo_auth_verify(&other, buf, sizeof(buf)));
	assert_false(fo_auth_sign(&other, buf, sizeof(buf)));
	other.len = FO_KEY_MAX + 1;		/* corrupt */
	assert_false(fo_auth_sign(&other, buf, sizeof(buf)));
}

static void
length_is_part_of_the_check(void **state)
{
	struct fo_key	 k;
	uint8_t		 buf[200];

	(void)state;
	seq_key(&k, 32);
	memset(buf, 0x11, sizeof(buf));
	assert_true(fo_auth_sign(&k, buf, 100));
	assert_true(fo_auth_verify(&k, buf, 100));
	assert_false(fo_auth_verify(&k, buf, 99));
	assert_false(fo_auth_verify(&k, buf, 101));
	/* Shorter than header + MAC: refused without reading. */
	for (size_t n = 0; n < FO_MIN_LEN; n++) {
		assert_false(fo_auth_sign(&k, buf, n));
		assert_false(fo_auth_verify(&k, buf, n));
	}
	assert_true(fo_auth_sign(&k, buf, FO_MIN_LEN));
	assert_true(fo_auth_verify(&k, buf, FO_MIN_LEN));
}

static void
key_set_checks_length(void **state)
{
	struct fo_key	 k;
	uint8_t		 b[FO_KEY_MAX + 1] = { 0 };

	(void)state;
	assert_int_equal(fo_key_set(&k, b, 0), -1);
	assert_int_equal(fo_key_set(&k, b, FO_KEY_MIN - 1), -1);
	assert_int_equal(fo_key_set(&k, b, FO_KEY_MIN), 0);
	assert_int_equal(k.len, FO_KEY_MIN);
	assert_int_equal(fo_key_set(&k, b, FO_KEY_MAX), 0);
	assert_int_equal(fo_key_set(&k, b, FO_KEY_MAX + 1), -1);
}

/* ---- replay window ---- */

static void
replay_window_table(void **state)
{
	static const struct {
		uint64_t		 epoch, seq;
		enum fo_replay_res	 want;
		bool			 commit;
	} steps[] = {
		{ 100, 1, FO_REPLAY_OK, true },		/* first contact */
		{ 100, 2, FO_REPLAY_OK, true },		/* in order */
		{ 100, 3, FO_REPLAY_OK, true },
		{ 100, 2, FO_REPLAY_REPLAYED, false },	/* duplicate */
		{ 100, 3, FO_REPLAY_REPLAYED, false },	/* duplicate of top */
		{ 100, 10, FO_REPLAY_OK, true },	/* gap: 4..9 lost */
		{ 100, 7, FO_REPLAY_OK, true },		/* late, in window */
		{ 100, 7, FO_REPLAY_REPLAYED, false },
		{ 100, 4, FO_REPLAY_OK, false },	/* checked only... */
		{ 100, 4, FO_REPLAY_OK, true },		/* ...so still ok */
		{ 100, 4, FO_REPLAY_REPLAYED, false },
		{ 100, 73, FO_REPLAY_OK, true },	/* 10 is now top-63 */
		{ 100, 10, FO_REPLAY_REPLAYED, false },	/* edge, seen */
		{ 100, 11, FO_REPLAY_OK, true },	/* edge, unseen */
		{ 100, 9, FO_REPLAY_TOO_OLD, false },	/* top-64 */
		{ 100, 1, FO_REPLAY_TOO_OLD, false },
		{ 100, 1000, FO_REPLAY_OK, true },	/* jump past window */
		{ 100, 73, FO_REPLAY_TOO_OLD, false },
		{ 100, 999, FO_REPLAY_OK, true },	/* bitmap cleared */
		{ 99, 5000, FO_REPLAY_OLD_EPOCH, false },	/* old boot */
		{ 0, 0, FO_REPLAY_OLD_EPOCH, false },
		{ 101, 1, FO_REPLAY_OK, true },		/* peer restarted */
		{ 100, 1001, FO_REPLAY_OLD_EPOCH, false },
		{ 101, 1, FO_REPLAY_REPLAYED, false },
		{ 101, 2, FO_REPLAY_OK, true },
		{ 200, 0, FO_REPLAY_OK, true },		/* seq 0 in new epoch */
		{ 200, 0, FO_REPLAY_REPLAYED, false },
		{ 200, UINT64_MAX, FO_REPLAY_OK, true },	/* no wrap */
		{ 200, UINT64_MAX, FO_REPLAY_REPLAYED, false },
		{ 200, UINT64_MAX - 63, FO_REPLAY_OK, true },
		{ 200, UINT64_MAX - 64, FO_REPLAY_TOO_OLD, false },
		{ UINT64_MAX, 0, FO_REPLAY_OK, true },
	};
	struct fo_replay	 r;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		enum fo_replay_res got = fo_replay_check(&r, steps[i].epoch,
		    steps[i].seq);

		if (got != steps[i].want)
			fail_msg("step %zu: epoch %llu seq %llu: got %s, want "
			    "%s", i, (unsigned long long)steps[i].epoch,
			    (unsigned long long)steps[i].seq,
			    fo_replay_name(got), fo_replay_name(steps[i].want));
		if (steps[i].commit)
			fo_replay_commit(&r, steps[i].epoch, steps[i].seq);
	}
}

/* Out of order within the window: every permutation of a block. */
static void
replay_accepts_each_seq_once_in_any_order(void **state)
{
	struct fo_replay r;
	uint64_t	 order[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	fo_replay_commit(&r, 5, 100);
	/* 101..164 arrive reversed: each once, none lost. */
	for (int i = 0; i < 64; i++)
		order[i] = 164 - (uint64_t)i;
	for (int i = 0; i < 64; i++) {
		assert_int_equal(fo_replay_check(&r, 5, order[i]),
		    FO_REPLAY_OK);
		fo_replay_commit(&r, 5, order[i]);
	}
	for (int i = 0; i < 64; i++)
		assert_int_equal(fo_replay_check(&r, 5, order[i]),
		    FO_REPLAY_REPLAYED);
	assert_int_equal(fo_replay_check(&r, 5, 100), FO_REPLAY_TOO_OLD);
	/* Committing an old epoch changes nothing. */
	fo_replay_commit(&r, 4, 1000);
	assert_true(r.epoch == 5 && r.top == 164);
}

static void
replay_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(fo_replay_name(FO_REPLAY_OK), "ok");
	assert_string_equal(fo_replay_name(FO_REPLAY_REPLAYED), "replayed");
	assert_string_equal(fo_replay_name(FO_REPLAY_TOO_OLD), "too-old");
	assert_string_equal(fo_replay_name(FO_REPLAY_OLD_EPOCH), "old-epoch");
	assert_string_equal(fo_replay_name(FO_REPLAY_COUNT), "unknown");
}

/* ---- key files ---- */

static char	 dir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_fo_auth.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write a key file with the given contents and mode; returns its path. */
static const char *
keyfile(const char *name, const char *text, size_t n, mode_t mode)
{
	static char	 path[128];
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

#define HEX64 "000102030405060708090a0b0c0d0e0f" \
	      "101112131415161718191a1b1c1d1e1f"

static void
key_load_good(void **state)
{
	static const struct {
		const char	*text;
		size_t		 len;
	} good[] = {
		{ HEX64, 32 },
		{ HEX64 "\n", 32 },
		{ HEX64 "\r\n", 32 },
		{ "000102030405060708090A0B0C0D0E0F"
		  "101112131415161718191A1B1C1D1E1F\n", 32 },
		{ HEX64 "00", 33 },
		{ HEX64 HEX64 "\n", 64 },
	};
	struct fo_key	 k, want;
	char		 err[256];
	const char	*p;
	uint8_t		 buf[96];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = keyfile("good.key", good[i].text, strlen(good[i].text),
		    0600);
		err[0] = '\0';
		assert_int_equal(fo_key_load(p, &k, err, sizeof(err)), 0);
		assert_string_equal(err, "");
		assert_int_equal(k.len, good[i].len);
		for (size_t b = 0; b < k.len; b++)
			assert_int_equal(k.bytes[b], b % 32);
	}
	/* Owner-only bits beyond rw are no business of ours. */
	p = keyfile("good.key", HEX64, 64, 0400);
	assert_int_equal(fo_key_load(p, &k, err, sizeof(err)), 0);
	p = keyfile("good.key", HEX64, 64, 0700);
	assert_int_equal(fo_key_load(p, &k, err, sizeof(err)), 0);

	/* The loaded key is the one the known answer was computed with. */
	seq_key(&want, 32);
	assert_memory_equal(k.bytes, want.bytes, 32);
	kat_data(buf);
	assert_true(fo_auth_sign(&k, buf, sizeof(buf)));
	assert_true(fo_auth_verify(&want, buf, sizeof(buf)));
}

static void
expect_load_error(const char *path, const char *needle)
{
	struct fo_key	 k;
	char		 err[512];

	memset(&k, 0x99, sizeof(k));
	err[0] = '\0';
	assert_int_equal(fo_key_load(path, &k, err, sizeof(err)), -1);
	if (strstr(err, needle) == NULL || strstr(err, path) == NULL)
		fail_msg("error \"%s\" lacks \"%s\" or the path", err, needle);
	/* Never echo key material. */
	assert_null(strstr(err, "0001020304"));
	/* *key untouched on failure. */
	for (size_t i = 0; i < sizeof(k); i++)
		assert_int_equal(((uint8_t *)&k)[i], 0x99);
}

static void
key_load_rejects_short_keys(void **state)
{
	(void)state;
	/* 31 bytes */
	expect_load_error(keyfile("k", HEX64, 62, 0600), "too short");
	expect_load_error(keyfile("k", "\n", 1, 0600), "too short");
	expect_load_error(keyfile("k", "", 0, 0600), "too short");
	expect_load_error(keyfile("k", "abcd\n", 5, 0600), "too short");
}

static void
key_load_rejects_bad_hex(void **state)
{
	char	 t[200];

	(void)state;
	snprintf(t, sizeof(t), "%s", HEX64);
	t[10] = 'g';
	expect_load_error(keyfile("k", t, strlen(t), 0600), "hex");
	expect_load_error(keyfile("k", HEX64 " ", 65, 0600), "hex");
	expect_load_error(keyfile("k", " " HEX64, 65, 0600), "hex");
	expect_load_error(keyfile("k", HEX64 "\n\n", 66, 0600), "hex");
	expect_load_error(keyfile("k", "0x" HEX64, 66, 0600), "hex");
	expect_load_error(keyfile("k", HEX64 "\0", 65, 0600), "hex");
	expect_load_error(keyfile("k", HEX64 "0", 65, 0600), "odd");
	/* 65 bytes, then far too long. */
	expect_load_error(keyfile("k", HEX64 HEX64 "00", 130, 0600),
	    "too long");
	memset(t, 'a', sizeof(t));
	expect_load_error(keyfile("k", t, sizeof(t), 0600), "too long");
}

static void
key_load_rejects_readable_by_others(void **state)
{
	const mode_t	 bad[] = { 0644, 0640, 0604, 0660, 0606, 0610, 0601,
	    0777 };
	char		 want[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = keyfile("open.key", HEX64 "\n", 65, bad[i]);

		snprintf(want, sizeof(want), "chmod 600 %s", p);
		expect_load_error(p, want);
	}
}

static void
key_load_rejects_missing_and_non_files(void **state)
{
	char	 p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/absent.key", dir);
	expect_load_error(p, "No such file");
	/* A directory (mode 0700 from mkdtemp, so not the mode check). */
	expect_load_error(dir, "not a regular file");
	snprintf(p, sizeof(p), "%s/fifo.key", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	expect_load_error(p, "not a regular file");
}

/* ---- the receive path ---- */

/*
 * Send a POLL, then run the receiver's fixed order: peek, auth, replay
 * check, decode, commit.  The same datagram again is a replay; a
 * tampered one fails before its fields are decoded.
 */
/* ---- key ids and key sets ---- */

/* Two keys with the same id: a 16-bit id clashes once in 65536 pairs,
 * so a few hundred keys give one (birthday bound); bounded search. */
static void
clashing_keys(struct fo_key *a, struct fo_key *b)
{
	static uint32_t	 seen[65536];	/* id -> seed + 1 */
	uint8_t		 bytes[32];

	memset(seen, 0, sizeof(seen));
	for (uint32_t s = 0; s < 70000; s++) {
		memset(bytes, 0, sizeof(bytes));
		memcpy(bytes, &s, sizeof(s));
		assert_int_equal(fo_key_set(b, bytes, sizeof(bytes)), 0);
		if (seen[b->id] != 0) {
			uint32_t o = seen[b->id] - 1;

			memset(bytes, 0, sizeof(bytes));
			memcpy(bytes, &o, sizeof(o));
			assert_int_equal(fo_key_set(a, bytes, sizeof(bytes)),
			    0);
			assert_int_equal(a->id, b->id);
			return;
		}
		seen[b->id] = s + 1;
	}
	fail_msg("no two keys with the same id in 70000");
}

/* The id is HMAC-SHA256(key, "dhcpfo key id")[0..2), big-endian (the
 * known answers computed with Python's hmac module), the same however
 * the key arrived, never 0. */
static void
key_id_derivation(void **state)
{
	struct fo_key	 k, k2;
	uint8_t		 b[32] = { 0 };
	const char	*path;
	char		 err[256];

	(void)state;
	seq_key(&k, 32);
	assert_int_equal(k.id, 0x3d90);
	assert_int_equal(fo_key_id(&k), 0x3d90);
	seq_key(&k2, 64);
	assert_int_equal(k2.id, 0xd292);
	path = keyfile("id.key", HEX64 "\n", sizeof(HEX64), 0600);
	assert_int_equal(fo_key_load(path, &k2, err, sizeof(err)), 0);
	assert_int_equal(k2.id, 0x3d90);
	/* No key: no id. */
	memset(&k2, 0, sizeof(k2));
	assert_int_equal(fo_key_id(&k2), 0);
	/* Never 0, over many keys. */
	for (uint32_t s = 0; s < 5000; s++) {
		memcpy(b, &s, sizeof(s));
		assert_int_equal(fo_key_set(&k2, b, sizeof(b)), 0);
		assert_int_not_equal(k2.id, 0);
	}
}

/* A datagram-shaped buffer (fo_encode's layout) signed with k, whose
 * header names key id `id`. */
static void
signed_buf(uint8_t buf[96], const struct fo_key *k, uint16_t id)
{
	kat_data(buf);
	buf[FO_OFF_KEY_ID] = (uint8_t)(id >> 8);
	buf[FO_OFF_KEY_ID + 1] = (uint8_t)id;
	assert_true(fo_auth_sign(k, buf, 96));
}

static void
keyset_verify(void **state)
{
	struct fo_keyset ks = { 0 };
	struct fo_key	 old, new, stranger;
	uint8_t		 buf[96], b[32];
	uint16_t	 wrong;

	(void)state;
	seq_key(&old, 32);
	seq_key(&new, 64);
	memset(b, 0xa5, sizeof(b));
	assert_int_equal(fo_key_set(&stranger, b, sizeof(b)), 0);
	/* One key: the signing one, whatever the id says. */
	ks.sign = old;
	signed_buf(buf, &old, old.id);
	assert_int_equal(fo_keyset_verify(&ks, old.id, buf, 96), FO_KEY_SIGN);
	signed_buf(buf, &old, 0);
	assert_int_equal(fo_keyset_verify(&ks, 0, buf, 96), FO_KEY_SIGN);
	signed_buf(buf, &new, new.id);
	assert_int_equal(fo_keyset_verify(&ks, new.id, buf, 96), FO_KEY_NONE);
	/* Two keys: each by its id. */
	ks.accept = new;
	assert_int_equal(fo_keyset_verify(&ks, new.id, buf, 96),
	    FO_KEY_ACCEPT);
	signed_buf(buf, &old, old.id);
	assert_int_equal(fo_keyset_verify(&ks, old.id, buf, 96), FO_KEY_SIGN);
	/* An older peer (id 0): both are tried. */
	signed_buf(buf, &new, 0);
	assert_int_equal(fo_keyset_verify(&ks, 0, buf, 96), FO_KEY_ACCEPT);
	signed_buf(buf, &old, 0);
	assert_int_equal(fo_keyset_verify(&ks, 0, buf, 96), FO_KEY_SIGN);
	/* An id neither key has: both are tried. */
	wrong = (uint16_t)(old.id ^ new.id ^ 0x5a5a);
	if (wrong == 0 || wrong == old.id || wrong == new.id)
		wrong = 0x0101;
	signed_buf(buf, &new, wrong);
	assert_int_equal(fo_keyset_verify(&ks, wrong, buf, 96),
	    FO_KEY_ACCEPT);
	/* An id naming the other key: only that key, which fails. */
	signed_buf(buf, &new, old.id);
	assert_int_equal(fo_keyset_verify(&ks, old.id, buf, 96), FO_KEY_NONE);
	/* A forger's key under either id, or none. */
	signed_buf(buf, &stranger, new.id);
	assert_int_equal(fo_keyset_verify(&ks, new.id, buf, 96), FO_KEY_NONE);
	signed_buf(buf, &stranger, 0);
	assert_int_equal(fo_keyset_verify(&ks, 0, buf, 96), FO_KEY_NONE);
	/* A flipped bit in an accepted-key message. */
	signed_buf(buf, &new, new.id);
	buf[40] ^= 1;
	assert_int_equal(fo_keyset_verify(&ks, new.id, buf, 96), FO_KEY_NONE);
	/* No keys at all (a key problem): nothing passes. */
	memset(&ks, 0, sizeof(ks));
	signed_buf(buf, &old, old.id);
	assert_int_equal(fo_keyset_verify(&ks, old.id, buf, 96), FO_KEY_NONE);
}

/* Two keys with one id: both are tried, in order. */
static void
keyset_verify_same_id(void **state)
{
	struct fo_keyset ks = { 0 };
	uint8_t		 buf[96];

	(void)state;
	clashing_keys(&ks.sign, &ks.accept);
	assert_int_not_equal(memcmp(ks.sign.bytes, ks.accept.bytes, 32), 0);
	signed_buf(buf, &ks.accept, ks.accept.id);
	assert_int_equal(fo_keyset_verify(&ks, ks.accept.id, buf, 96),
	    FO_KEY_ACCEPT);
	signed_buf(buf, &ks.sign, ks.sign.id);
	assert_int_equal(fo_keyset_verify(&ks, ks.sign.id, buf, 96),
	    FO_KEY_SIGN);
}

static void
keyset_load(void **state)
{
	struct fo_keyset ks, before;
	struct fo_key	 k32, k64;
	char		 sign[128], err[512];
	const char	*path;

	(void)state;
	seq_key(&k32, 32);
	seq_key(&k64, 64);
	path = keyfile("sign.key", HEX64 "\n", sizeof(HEX64), 0600);
	snprintf(sign, sizeof(sign), "%s", path);
	assert_int_equal(fo_keyset_load(sign, "", &ks, err, sizeof(err)), 0);
	assert_int_equal(ks.sign.id, k32.id);
	assert_int_equal(ks.accept.len, 0);
	assert_int_equal(ks.accept.id, 0);
	path = keyfile("accept.key", HEX64 HEX64 "\n", 2 * sizeof(HEX64) - 1,
	    0600);
	assert_int_equal(fo_keyset_load(sign, path, &ks, err, sizeof(err)),
	    0);
	assert_int_equal(ks.accept.len, 64);
	assert_int_equal(ks.accept.id, fo_key_id(&ks.accept));
	assert_int_not_equal(ks.accept.id, k64.id);	/* 00..1f twice */
	/* Failures name the key and leave the set alone. */
	before = ks;
	path = keyfile("open.key", HEX64 "\n", sizeof(HEX64), 0644);
	assert_int_equal(fo_keyset_load(sign, path, &ks, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "AcceptSharedKeyFile: "));
	assert_non_null(strstr(err, "chmod 600"));
	assert_true(fo_keyset_equal(&ks, &before));
	assert_int_equal(fo_keyset_load(path, "", &ks, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "SharedKeyFile: ", 15), 0);
	assert_true(fo_keyset_equal(&ks, &before));
	/* Equality is by bytes and role. */
	ks.accept = before.sign;
	ks.sign = before.accept;
	assert_false(fo_keyset_equal(&ks, &before));
}

static void
receive_path_order(void **state)
{
	struct fo_msg	*m = calloc(1, sizeof(*m));
	struct fo_key	 k;
	struct fo_replay win;
	struct fo_hdr	 h;
	uint8_t		 buf[256];
	size_t		 len;

	(void)state;
	assert_non_null(m);
	seq_key(&k, 32);
	memset(&win, 0, sizeof(win));

	fo_msg_init(m, FO_POLL, false);
	m->hdr.seq = 1;
	m->hdr.epoch = 1700000000000000ULL;
	m->hdr.primary_id = fo_primary_id("branch1");
	m->present = FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_CLOCK);
	m->ver_min = m->ver_max = 1;
	m->clock_ms = 1700000000123ULL;
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_true(fo_auth_sign(&k, buf, len));

	assert_int_equal(fo_peek_header(buf, len, &h), FO_OK);
	assert_int_equal(h.primary_id, fo_primary_id("Branch1"));
	assert_true(fo_auth_verify(&k, buf, len));
	assert_int_equal(fo_replay_check(&win, h.epoch, h.seq), FO_REPLAY_OK);
	assert_int_equal(fo_decode(buf, len, 1024, m), FO_OK);
	fo_replay_commit(&win, h.epoch, h.seq);

	assert_int_equal(fo_peek_header(buf, len, &h), FO_OK);
	assert_true(fo_auth_verify(&k, buf, len));
	assert_int_equal(fo_replay_check(&win, h.epoch, h.seq),
	    FO_REPLAY_REPLAYED);

	/* Re-encoded with a fresh seq (a retry): accepted. */
	m->hdr.seq = 2;
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_true(fo_auth_sign(&k, buf, len));
	assert_true(fo_auth_verify(&k, buf, len));
	assert_int_equal(fo_replay_check(&win, m->hdr.epoch, m->hdr.seq),
	    FO_REPLAY_OK);

	/* Reflected to its sender with the direction bit set: no MAC. */
	buf[FO_OFF_FLAGS + 1] |= FO_FLAG_FROM_PRIMARY;
	assert_false(fo_auth_verify(&k, buf, len));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_matches_known_answers),
		cmocka_unit_test(cached_contexts_give_fresh_macs),
		cmocka_unit_test(any_flipped_bit_fails),
		cmocka_unit_test(wrong_key_fails),
		cmocka_unit_test(length_is_part_of_the_check),
		cmocka_unit_test(key_set_checks_length),
		cmocka_unit_test(replay_window_table),
		cmocka_unit_test(replay_accepts_each_seq_once_in_any_order),
		cmocka_unit_test(replay_names_are_stable),
		cmocka_unit_test(key_load_good),
		cmocka_unit_test(key_load_rejects_short_keys),
		cmocka_unit_test(key_load_rejects_bad_hex),
		cmocka_unit_test(key_load_rejects_readable_by_others),
		cmocka_unit_test(key_load_rejects_missing_and_non_files),
		cmocka_unit_test(receive_path_order),
		cmocka_unit_test(keyset_verify),
		cmocka_unit_test(keyset_verify_same_id),
		cmocka_unit_test(key_id_derivation),
		cmocka_unit_test(keyset_load),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
