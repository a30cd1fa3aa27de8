/*
 * New-client rate limits: bounded token-bucket tables (ratelimit.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define MILLI	1000u

void
rl_table_init(struct rl_table *t, size_t max_entries)
{
	size_t	 sets = 1;

	memset(t, 0, sizeof(*t));
	if (max_entries > RL_MAX_ENTRIES)
		max_entries = RL_MAX_ENTRIES;
	while (sets * 2 * RL_WAYS <= max_entries)
		sets *= 2;
	t->nsets = sets;
}

void
rl_table_free(struct rl_table *t)
{
	free(t->b);
	t->b = NULL;
}

/*
 * FNV-1a, then a 64-bit finaliser (MurmurHash3's fmix64) so that the low
 * bits choosing the set depend on every byte.
 */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t	*s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
rl_key(const void *a, size_t alen, const void *b, size_t blen)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	h = mix(h, &alen, sizeof(alen));
	h = mix(h, a, alen);
	h = mix(h, b, blen);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/* The key's bucket, or the set's free or least recently used one
 * (reset to a full bucket for the key). */
static struct rl_bucket *
lookup(struct rl_table *t, uint64_t key, uint32_t burst, int64_t now_ms)
{
	struct rl_bucket *set, *victim;

	set = &t->b[(key & (t->nsets - 1)) * RL_WAYS];
	victim = &set[0];
	for (size_t i = 0; i < RL_WAYS; i++) {
		if (set[i].key == key)
			return &set[i];
		if (victim->key != 0 && (set[i].key == 0 ||
		    set[i].last_ms < victim->last_ms))
			victim = &set[i];
	}
	if (victim->key != 0)
		t->evictions++;
	victim->key = key;
	victim->last_ms = now_ms;
	victim->milli = burst * MILLI;
	return victim;
}

bool
rl_take(struct rl_table *t, uint64_t key, uint32_t rate, uint32_t burst,
    int64_t now_ms)
{
	struct rl_bucket *b;
	uint64_t	 cap, m;

	if (rate == 0 || t->nsets == 0)
		return true;
	if (burst == 0)
		burst = 1;
	if (t->b == NULL &&
	    (t->b = calloc(t->nsets * RL_WAYS, sizeof(*t->b))) == NULL)
		return true;
	b = lookup(t, key, burst, now_ms);
	cap = (uint64_t)burst * MILLI;
	m = b->milli;
	/* A clock going back refills nothing (and does not stall). */
	if (now_ms > b->last_ms)
		m += (uint64_t)(now_ms - b->last_ms) * rate;
	if (m > cap)
		m = cap;
	b->last_ms = now_ms;
	if (m < MILLI) {
		b->milli = (uint32_t)m;
		return false;
	}
	b->milli = (uint32_t)(m - MILLI);
	return true;
}

size_t
rl_table_used(const struct rl_table *t)
{
	size_t	 n = 0;

	for (size_t i = 0; t->b != NULL && i < t->nsets * RL_WAYS; i++)
		if (t->b[i].key != 0)
			n++;
	return n;
}

/*
 * Relays are few (a small table); circuits, remote-ids and clients are
 * as many as the ports and hosts behind them, and a random-MAC flood
 * makes new client keys at its own rate: those get the largest tables.
 */
void
ratelimit_init(struct ratelimit *rl)
{
	memset(rl, 0, sizeof(*rl));
	rl_table_init(&rl->t[RL_RELAY], 4096);
	rl_table_init(&rl->t[RL_CIRCUIT], RL_MAX_ENTRIES);
	rl_table_init(&rl->t[RL_REMOTE_ID], RL_MAX_ENTRIES);
	rl_table_init(&rl->t[RL_CLIENT], RL_MAX_ENTRIES);
}

void
ratelimit_free(struct ratelimit *rl)
{
	for (size_t i = 0; i < RL_KINDS; i++)
		rl_table_free(&rl->t[i]);
}

void
ratelimit_log_drop(struct ratelimit *rl, double now, const char *who,
    const char *reason, uint32_t giaddr)
{
	char		 a[INET_ADDRSTRLEN] = "-";
	struct in_addr	 in;
	uint64_t	 n;

	if (!log_ratelimit_ok(&rl->log, now, 1.0, &n))
		return;
	if (giaddr != 0) {
		in.s_addr = htonl(giaddr);
		(void)inet_ntop(AF_INET, &in, a, sizeof(a));
	}
	log_warn("%snew-client rate limit: dropped a request (%s, relay %s); "
	    "%llu more dropped since the previous line (the drops in "
	    "dhcpfoctl status count them by reason)", who, reason, a,
	    (unsigned long long)n);
}
