/*
 * Fuzz target: common/proto/fo_codec.c and fo_auth_verify.
 *
 * Every input goes through fo_auth_verify with a fixed key (it must not
 * crash on any length) and fo_peek_header, then fo_decode with
 * lease_max 4096.  Whatever decodes must encode again (nothing decoded
 * is unencodable; extension TLVs are dropped, so it cannot grow), and
 * the re-encoded bytes must decode to the same message, whose encoding
 * is byte-identical (idempotent).  Any violation abort()s.
 *
 * Seeds in tests/fuzz/corpus/fo_codec are signed with this key, so the
 * verify path is exercised on valid MACs too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fo_auth.h"
#include "fo_codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEASE_MAX	4096

static const char fuzz_key[] = "dhcpfo-fuzz-key-0123456789abcdef";

/* Large: static so the fuzzer loop keeps them off the stack. */
static struct fo_msg	m1, m2;
static uint8_t		out1[FO_DGRAM_MAX], out2[FO_DGRAM_MAX];

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static bool
same_hdr(const struct fo_hdr *a, const struct fo_hdr *b)
{
	return a->magic == b->magic && a->version == b->version &&
	    a->type == b->type && a->flags == b->flags && a->seq == b->seq &&
	    a->epoch == b->epoch && a->primary_id == b->primary_id;
}

#define HAS(m, t)	FO_HAS(m, FO_TLV_##t)

static bool
same_msg(const struct fo_msg *a, const struct fo_msg *b)
{
	size_t	 i;

	if (!same_hdr(&a->hdr, &b->hdr) || a->present != b->present)
		return false;
	if ((HAS(a, VERSIONS) && (a->ver_min != b->ver_min ||
	    a->ver_max != b->ver_max)) ||
	    (HAS(a, NAME) && strcmp(a->name, b->name) != 0) ||
	    (HAS(a, STATE) && a->state != b->state) ||
	    (HAS(a, CLOCK) && a->clock_ms != b->clock_ms) ||
	    (HAS(a, STORE_ID) && memcmp(a->store_id, b->store_id,
	    FO_STORE_ID_LEN) != 0) ||
	    (HAS(a, LAST_SEQ) && a->last_seq != b->last_seq) ||
	    (HAS(a, BUF_SIZE) && a->buf_size != b->buf_size) ||
	    (HAS(a, COUNT) && a->count != b->count) ||
	    (HAS(a, SUBNET) && (a->subnet != b->subnet ||
	    a->subnet_prefix != b->subnet_prefix)) ||
	    (HAS(a, REASON) && strcmp(a->reason, b->reason) != 0) ||
	    (HAS(a, RESULT) && a->result != b->result) ||
	    (HAS(a, UPD_SEQ) && a->hdr.type != FO_BIND_UPD &&
	    a->upd_seq != b->upd_seq) ||
	    (HAS(a, CFG_ID) && (a->cfg_size != b->cfg_size ||
	    memcmp(a->cfg_sha, b->cfg_sha, FO_SHA256_LEN) != 0)) ||
	    (HAS(a, OFFSET) && a->offset != b->offset) ||
	    (HAS(a, CFG_DATA) && (a->data_len != b->data_len ||
	    memcmp(a->data, b->data, a->data_len) != 0)))
		return false;
	if (a->n_digests != b->n_digests || a->n_acks != b->n_acks ||
	    a->n_updates != b->n_updates)
		return false;
	for (i = 0; i < a->n_digests; i++)
		if (a->digests[i].network != b->digests[i].network ||
		    a->digests[i].prefix != b->digests[i].prefix ||
		    memcmp(a->digests[i].sha256, b->digests[i].sha256,
		    FO_SHA256_LEN) != 0)
			return false;
	for (i = 0; i < a->n_acks; i++)
		if (a->acks[i].first != b->acks[i].first ||
		    a->acks[i].last != b->acks[i].last)
			return false;
	for (i = 0; i < a->n_updates; i++)
		if (a->updates[i].seq != b->updates[i].seq ||
		    a->updates[i].lease_len != b->updates[i].lease_len ||
		    memcmp(a->updates[i].lease, b->updates[i].lease,
		    a->updates[i].lease_len) != 0)
			return false;
	return true;
}

/* What any successful decode guarantees, whatever the input. */
static void
check_invariants(const struct fo_msg *m, const uint8_t *data, size_t size)
{
	size_t	 i;

	check(m->hdr.length == size && m->hdr.version == 1);
	check(fo_type_dir(m->hdr.type) != FO_DIR_NONE);
	check(m->n_digests <= FO_MAX_DIGESTS && m->n_acks <=
	    FO_MAX_ACK_RANGES && m->n_updates <= FO_MAX_UPDATES);
	check(memchr(m->name, '\0', sizeof(m->name)) != NULL);
	check(memchr(m->reason, '\0', sizeof(m->reason)) != NULL);
	for (i = 0; i < m->n_updates; i++) {
		/* Lease values lie inside the input's TLV area. */
		check(m->updates[i].lease >= data + FO_HDR_LEN);
		check(m->updates[i].lease + m->updates[i].lease_len <=
		    data + size - FO_HMAC_LEN);
		check(m->updates[i].lease_len >= 1 &&
		    m->updates[i].lease_len <= LEASE_MAX);
	}
	/* A configuration part lies inside the input and its text. */
	if (HAS(m, CFG_DATA)) {
		check(m->data >= data + FO_HDR_LEN && m->data + m->data_len <=
		    data + size - FO_HMAC_LEN);
		check(m->offset + (uint64_t)m->data_len <= m->cfg_size &&
		    m->cfg_size <= FO_CFG_MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fo_key	 key;
	struct fo_hdr		 h;
	size_t			 len1, len2;
	enum fo_err		 e, ep;

	if (key.len == 0)
		check(fo_key_set(&key, (const uint8_t *)fuzz_key,
		    sizeof(fuzz_key) - 1) == 0);
	(void)fo_auth_verify(&key, data, size);

	ep = fo_peek_header(data, size, &h);
	e = fo_decode(data, size, LEASE_MAX, &m1);
	check(e < FO_ERR_COUNT && e != FO_ERR_NOSPACE && e != FO_ERR_INVALID);
	/* Decode starts with exactly the checks peek makes. */
	if (ep != FO_OK) {
		check(e == ep);
		return 0;
	}
	check(same_hdr(&h, &m1.hdr));
	if (e == FO_ERR_VERSION) {
		check((m1.present & ~FO_BIT(FO_TLV_VERSIONS)) == 0);
		if (m1.present != 0)
			check(m1.ver_min >= 1 && m1.ver_min <= m1.ver_max);
	}
	if (e != FO_OK)
		return 0;
	check_invariants(&m1, data, size);

	e = fo_encode(&m1, out1, sizeof(out1), &len1);
	check(e == FO_OK);
	check(len1 <= size && len1 == fo_encoded_len(&m1));
	check(fo_auth_sign(&key, out1, len1));
	check(fo_auth_verify(&key, out1, len1));

	check(fo_decode(out1, len1, LEASE_MAX, &m2) == FO_OK);
	check(m2.hdr.type == m1.hdr.type && m2.present == m1.present);
	check(m2.n_ext == 0);
	check(same_msg(&m1, &m2));

	check(fo_encode(&m2, out2, sizeof(out2), &len2) == FO_OK);
	check(len2 == len1);
	/* The HMAC bytes differ (out1 was signed); compare the rest. */
	check(memcmp(out1, out2, len1 - FO_HMAC_LEN) == 0);
	return 0;
}
