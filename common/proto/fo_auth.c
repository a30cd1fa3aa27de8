/*
 * Failover message authentication (docs/failover-protocol.md section 6):
 * key files, HMAC-SHA256 sign/verify with OpenSSL libcrypto, and the
 * replay window.  No logging: errors go back to the caller as text.
 *
 * The MAC is compared with CRYPTO_memcmp, whose time does not depend on
 * where the first difference is (an ordinary memcmp would let a forger
 * learn a correct MAC byte by byte), and every message also passes a
 * replay window.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "fo_auth.h"
#include "strbuf.h"

/* Hex digits of the longest key, a CR LF, and one byte to see "longer". */
#define KEYFILE_READ	(2 * FO_KEY_MAX + 3)

static bool	hmac_sha256(const struct fo_key *, const uint8_t *, size_t,
		    uint8_t out[FO_HMAC_LEN]);

uint16_t
fo_key_id(const struct fo_key *key)
{
	static const char label[] = "dhcpfo key id";
	uint8_t		 md[FO_HMAC_LEN];
	uint16_t	 id;

	if (key->len == 0 || !hmac_sha256(key, (const uint8_t *)label,
	    sizeof(label) - 1, md))
		return 0;
	id = (uint16_t)(md[0] << 8 | md[1]);
	OPENSSL_cleanse(md, sizeof(md));
	return id == 0 ? 1 : id;
}

int
fo_key_set(struct fo_key *key, const uint8_t *bytes, size_t len)
{
	if (len < FO_KEY_MIN || len > FO_KEY_MAX)
		return -1;
	memset(key, 0, sizeof(*key));
	memcpy(key->bytes, bytes, len);
	key->len = len;
	key->id = fo_key_id(key);
	return 0;
}

void
fo_key_clear(struct fo_key *key)
{
	OPENSSL_cleanse(key, sizeof(*key));
}

/* Read up to cap bytes; returns the count, or -1 with errno set. */
static ssize_t
read_all(int fd, char *buf, size_t cap)
{
	size_t	 n = 0;
	ssize_t	 r;

	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* Parse the hex text of a key file; -1 with a message in err. */
static int
parse_key(const char *path, char *text, size_t n, struct fo_key *key,
    char *err, size_t errlen)
{
	size_t	 i;
	int	 hi, lo;

	if (n > 0 && text[n - 1] == '\n') {
		n--;
		if (n > 0 && text[n - 1] == '\r')
			n--;
	}
	for (i = 0; i < n; i++) {
		if (hex_digit((unsigned char)text[i]) < 0) {
			snprintf(err, errlen, "%s: key file must hold only hex "
			    "digits and an optional final newline (bad "
			    "character at offset %zu)", path, i);
			return -1;
		}
	}
	if (n % 2 != 0) {
		snprintf(err, errlen, "%s: key has an odd number of hex "
		    "digits (%zu)", path, n);
		return -1;
	}
	if (n < 2 * FO_KEY_MIN) {
		snprintf(err, errlen, "%s: key too short: %zu bytes, need "
		    "%d..%d (%d..%d hex digits); make one with "
		    "`openssl rand -hex %d`", path, n / 2, FO_KEY_MIN,
		    FO_KEY_MAX, 2 * FO_KEY_MIN, 2 * FO_KEY_MAX, FO_KEY_MIN);
		return -1;
	}
	if (n > 2 * FO_KEY_MAX) {
		snprintf(err, errlen, "%s: key too long: more than %d bytes "
		    "(%d hex digits)", path, FO_KEY_MAX, 2 * FO_KEY_MAX);
		return -1;
	}
	memset(key, 0, sizeof(*key));
	for (i = 0; i < n; i += 2) {
		hi = hex_digit((unsigned char)text[i]);
		lo = hex_digit((unsigned char)text[i + 1]);
		key->bytes[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	key->len = n / 2;
	key->id = fo_key_id(key);
	return 0;
}

int
fo_key_load(const char *path, struct fo_key *key, char *err, size_t errlen)
{
	struct stat	 st;
	struct fo_key	 tmp;
	char		 text[KEYFILE_READ];
	ssize_t		 n;
	int		 fd, rc = -1;

	/*
	 * Check the mode on the open descriptor, not the name, so the file
	 * read is the file checked.  O_NONBLOCK keeps a FIFO planted at
	 * the path from hanging the open; it is rejected below.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot open key file: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: key file is not a regular file",
		    path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: key file is accessible by group "
		    "or others (mode %04o); run `chmod 600 %s`", path,
		    (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if ((n = read_all(fd, text, sizeof(text))) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((size_t)n == sizeof(text)) {
		/* Longer than the longest key with a CR LF: don't parse. */
		snprintf(err, errlen, "%s: key too long: more than %d bytes "
		    "(%d hex digits)", path, FO_KEY_MAX, 2 * FO_KEY_MAX);
		goto out;
	}
	if (parse_key(path, text, (size_t)n, &tmp, err, errlen) == 0) {
		*key = tmp;
		rc = 0;
	}
out:
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(&tmp, sizeof(tmp));
	close(fd);
	return rc;
}

/*
 * OpenSSL 3's one-shot HMAC() looks the algorithm up by name at every
 * call (a shared lock all the failover's threads meet at).  The HMAC
 * implementation is fetched once per process instead -- fetched objects
 * may be shared by threads.
 *
 * Setting up a context still cost as much again as hashing a full
 * datagram: a context allocated and freed, the digest fetched by name
 * (a lookup under OpenSSL's method-store lock) and both pads of the key
 * hashed, per message.  So each thread keeps a context per key it used
 * last (a thread signs with one key and verifies with one or two): for
 * the same key again the context is only reset to the key's hashed
 * pads.  A key that matches neither takes the older place.  The
 * contexts and the copies of the key bytes they were made from are
 * freed and cleansed when the thread ends.
 */
static EVP_MAC		*hmac_impl;
static pthread_once_t	 hmac_once = PTHREAD_ONCE_INIT;
static pthread_key_t	 hmac_tls;
static bool		 hmac_tls_ok;

#define HMAC_CACHED	2	/* a key set's two keys */

struct hmac_slot {
	EVP_MAC_CTX	*ctx;		/* keyed with bytes[0..len) */
	size_t		 len;
	uint8_t		 bytes[FO_KEY_MAX];
	uint64_t	 used;		/* for "the older place" */
};

struct hmac_cache {
	struct hmac_slot slot[HMAC_CACHED];
	uint64_t	 clock;
};

static void
hmac_cache_free(void *arg)
{
	struct hmac_cache *c = arg;

	for (size_t i = 0; i < HMAC_CACHED; i++)
		EVP_MAC_CTX_free(c->slot[i].ctx);
	OPENSSL_clear_free(c, sizeof(*c));
}

static void
hmac_fetch(void)
{
	hmac_impl = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	hmac_tls_ok = pthread_key_create(&hmac_tls, hmac_cache_free) == 0;
}

/* A new context keyed with key (NULL: out of memory). */
static EVP_MAC_CTX *
hmac_ctx_new(const struct fo_key *key)
{
	char		 digest[] = "SHA256";
	OSSL_PARAM	 params[2];
	EVP_MAC_CTX	*ctx;

	if ((ctx = EVP_MAC_CTX_new(hmac_impl)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key->bytes, key->len, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * This thread's context for key, ready for EVP_MAC_update; *own: the
 * caller frees it (no cache: the thread-local key could not be made).
 */
static EVP_MAC_CTX *
hmac_ctx_get(const struct fo_key *key, bool *own)
{
	struct hmac_cache *c = NULL;
	struct hmac_slot *s;

	*own = false;
	if (hmac_tls_ok && (c = pthread_getspecific(hmac_tls)) == NULL &&
	    (c = OPENSSL_zalloc(sizeof(*c))) != NULL &&
	    pthread_setspecific(hmac_tls, c) != 0) {
		OPENSSL_free(c);
		c = NULL;
	}
	if (c == NULL) {
		*own = true;
		return hmac_ctx_new(key);
	}
	c->clock++;
	for (size_t i = 0; i < HMAC_CACHED; i++) {
		s = &c->slot[i];
		if (s->ctx != NULL && s->len == key->len &&
		    memcmp(s->bytes, key->bytes, key->len) == 0) {
			s->used = c->clock;
			/* No key: back to the pads hashed at the start. */
			return EVP_MAC_init(s->ctx, NULL, 0, NULL) == 1 ?
			    s->ctx : NULL;
		}
	}
	s = &c->slot[c->slot[0].used <= c->slot[1].used ? 0 : 1];
	EVP_MAC_CTX_free(s->ctx);
	OPENSSL_cleanse(s, sizeof(*s));
	if ((s->ctx = hmac_ctx_new(key)) == NULL)
		return NULL;
	s->len = key->len;
	memcpy(s->bytes, key->bytes, key->len);
	s->used = c->clock;
	return s->ctx;
}

/* HMAC-SHA256 of buf[0..len) under key. */
static bool
hmac_sha256(const struct fo_key *key, const uint8_t *buf, size_t len,
    uint8_t out[FO_HMAC_LEN])
{
	EVP_MAC_CTX	*ctx;
	size_t		 mdlen = 0;
	bool		 ok, own;

	/* An unloaded (all-zero) key must never produce a valid MAC. */
	if (key->len < FO_KEY_MIN || key->len > FO_KEY_MAX)
		return false;
	pthread_once(&hmac_once, hmac_fetch);
	if (hmac_impl == NULL || (ctx = hmac_ctx_get(key, &own)) == NULL)
		return false;
	ok = EVP_MAC_update(ctx, buf, len) == 1 &&
	    EVP_MAC_final(ctx, out, &mdlen, FO_HMAC_LEN) == 1 &&
	    mdlen == FO_HMAC_LEN;
	if (own)
		EVP_MAC_CTX_free(ctx);
	return ok;
}

/* A datagram's MAC: over all of it but the MAC's own place. */
static bool
mac(const struct fo_key *key, const uint8_t *buf, size_t len,
    uint8_t out[FO_HMAC_LEN])
{
	if (len < FO_MIN_LEN)
		return false;
	return hmac_sha256(key, buf, len - FO_HMAC_LEN, out);
}

bool
fo_auth_sign(const struct fo_key *key, uint8_t *buf, size_t len)
{
	uint8_t	 md[FO_HMAC_LEN];

	if (!mac(key, buf, len, md))
		return false;
	memcpy(buf + len - FO_HMAC_LEN, md, FO_HMAC_LEN);
	return true;
}

bool
fo_auth_verify(const struct fo_key *key, const uint8_t *buf, size_t len)
{
	uint8_t	 md[FO_HMAC_LEN];

	if (!mac(key, buf, len, md))
		return false;
	return CRYPTO_memcmp(md, buf + len - FO_HMAC_LEN, FO_HMAC_LEN) == 0;
}

enum fo_key_used
fo_keyset_verify(const struct fo_keyset *ks, uint16_t key_id,
    const uint8_t *buf, size_t len)
{
	bool	 has = ks->accept.len > 0;

	/*
	 * The header's id picks the key when it names exactly one.  An id
	 * of 0 (an older peer), one neither key has (a key we do not hold:
	 * the HMAC fails either way, but costs no more than two), or one
	 * both have (a 1 in 65536 clash between two keys) tries both.
	 */
	if (key_id != 0 && has && ks->sign.id != ks->accept.id) {
		if (key_id == ks->accept.id)
			return fo_auth_verify(&ks->accept, buf, len) ?
			    FO_KEY_ACCEPT : FO_KEY_NONE;
		if (key_id == ks->sign.id)
			return fo_auth_verify(&ks->sign, buf, len) ?
			    FO_KEY_SIGN : FO_KEY_NONE;
	}
	if (fo_auth_verify(&ks->sign, buf, len))
		return FO_KEY_SIGN;
	if (has && fo_auth_verify(&ks->accept, buf, len))
		return FO_KEY_ACCEPT;
	return FO_KEY_NONE;
}

int
fo_keyset_load(const char *sign_path, const char *accept_path,
    struct fo_keyset *ks, char *err, size_t errlen)
{
	struct fo_keyset tmp;
	char		 e2[512];
	int		 rc = -1;

	memset(&tmp, 0, sizeof(tmp));
	if (fo_key_load(sign_path, &tmp.sign, e2, sizeof(e2)) < 0)
		snprintf(err, errlen, "SharedKeyFile: %s", e2);
	else if (accept_path != NULL && accept_path[0] != '\0' &&
	    fo_key_load(accept_path, &tmp.accept, e2, sizeof(e2)) < 0)
		snprintf(err, errlen, "AcceptSharedKeyFile: %s", e2);
	else {
		*ks = tmp;
		rc = 0;
	}
	fo_keyset_clear(&tmp);
	return rc;
}

void
fo_keyset_clear(struct fo_keyset *ks)
{
	fo_key_clear(&ks->sign);
	fo_key_clear(&ks->accept);
}

static bool
key_equal(const struct fo_key *a, const struct fo_key *b)
{
	return a->len == b->len &&
	    CRYPTO_memcmp(a->bytes, b->bytes, a->len) == 0;
}

bool
fo_keyset_equal(const struct fo_keyset *a, const struct fo_keyset *b)
{
	return key_equal(&a->sign, &b->sign) &&
	    key_equal(&a->accept, &b->accept);
}

/* ---- replay window ---- */

#define WINDOW	64

static const char *const replay_names[FO_REPLAY_COUNT] = {
	[FO_REPLAY_OK] = "ok",
	[FO_REPLAY_REPLAYED] = "replayed",
	[FO_REPLAY_TOO_OLD] = "too-old",
	[FO_REPLAY_OLD_EPOCH] = "old-epoch",
};

const char *
fo_replay_name(enum fo_replay_res r)
{
	if ((unsigned)r >= FO_REPLAY_COUNT)
		return "unknown";
	return replay_names[r];
}

enum fo_replay_res
fo_replay_check(const struct fo_replay *r, uint64_t epoch, uint64_t seq)
{
	uint64_t	 diff;

	if (epoch < r->epoch)
		return FO_REPLAY_OLD_EPOCH;
	if (epoch > r->epoch || seq > r->top)
		return FO_REPLAY_OK;
	diff = r->top - seq;
	if (diff >= WINDOW)
		return FO_REPLAY_TOO_OLD;
	if ((r->bitmap & ((uint64_t)1 << diff)) != 0)
		return FO_REPLAY_REPLAYED;
	return FO_REPLAY_OK;
}

void
fo_replay_commit(struct fo_replay *r, uint64_t epoch, uint64_t seq)
{
	uint64_t	 shift, diff;

	if (epoch < r->epoch)
		return;
	if (epoch > r->epoch) {
		/* The peer restarted: its old sequence space is closed. */
		r->epoch = epoch;
		r->top = seq;
		r->bitmap = 1;
		return;
	}
	if (seq > r->top) {
		shift = seq - r->top;
		r->bitmap = shift >= WINDOW ? 0 : r->bitmap << shift;
		r->bitmap |= 1;
		r->top = seq;
		return;
	}
	diff = r->top - seq;
	if (diff < WINDOW)
		r->bitmap |= (uint64_t)1 << diff;
}

void
fo_replay_restore(struct fo_replay *r, uint64_t epoch, uint64_t top)
{
	r->epoch = epoch;
	r->top = top;
	r->bitmap = top > 0 ? ~(uint64_t)0 : 0;
}
