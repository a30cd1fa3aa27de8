/*
 * New-client rate limits (docs/security.md "LAN clients and relays"):
 * token buckets keyed by relay, option 82 circuit-id and remote-id, and
 * client, in bounded tables.  The engine asks rl_take() before it offers
 * or binds an address for a client that holds none; the daemons own one
 * struct ratelimit per engine and log the drops with ratelimit_log_drop().
 *
 * Bucket: `rate` tokens a second, holding at most `burst`; a request
 * takes one or is refused.  Kept in thousandths of a token so the refill
 * is exact integer arithmetic: rate tokens/s is rate milli-tokens per ms.
 *
 * Table: set-associative, RL_WAYS buckets per set, chosen by a hash of
 * the key; a key not found takes the set's least recently used bucket
 * (a free one first).  Cost: one hash and at most RL_WAYS compares in
 * three cache lines, no allocation after the table's first use, memory
 * fixed at RL_WAYS * nsets * 24 bytes whatever the flood.  Evicting a
 * bucket only forgets a debt: the key comes back with a full bucket, so
 * a table too small loosens a limit, never tightens one.  The bucket of
 * a key under flood is the newest of its set at every request and is not
 * the one evicted.
 *
 * Not thread-safe: one struct ratelimit per engine, on its loop.
 */
#ifndef DHCPFO_RATELIMIT_H
#define DHCPFO_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define RL_WAYS		8
/* Most buckets of one table (rounded down to whole sets). */
#define RL_MAX_ENTRIES	65536

struct rl_bucket {
	uint64_t	 key;		/* 0: free */
	int64_t		 last_ms;	/* last refill (and use) */
	uint32_t	 milli;		/* thousandths of a token */
};

struct rl_table {
	struct rl_bucket *b;		/* nsets * RL_WAYS; NULL until the
					 * first rl_take */
	size_t		 nsets;		/* a power of two */
	uint64_t	 evictions;	/* live buckets given to another key */
};

/* What a bucket is kept for: one table each. */
enum rl_kind {
	RL_RELAY = 0,		/* giaddr, else the receiving interface */
	RL_CIRCUIT,		/* giaddr + option 82 sub-option 1 */
	RL_REMOTE_ID,		/* option 82 sub-option 2 */
	RL_CLIENT,		/* the lease identity (option 61 or chaddr) */
	RL_KINDS
};

struct ratelimit {
	struct rl_table	 t[RL_KINDS];
	struct log_ratelimit log;	/* ratelimit_log_drop */
};

/* max_entries (at least RL_WAYS, at most RL_MAX_ENTRIES) sizes the
 * table; the memory is taken at its first use. */
void	rl_table_init(struct rl_table *, size_t max_entries);
void	rl_table_free(struct rl_table *);
/*
 * One token for `key` (rl_key) at now_ms, from a bucket of `rate`
 * tokens a second holding `burst`: true if taken.  rate 0 is no limit
 * (true, no lookup).  A table that cannot be allocated admits.
 */
bool	rl_take(struct rl_table *, uint64_t key, uint32_t rate,
	    uint32_t burst, int64_t now_ms);
/* Buckets in use (for tests and status). */
size_t	rl_table_used(const struct rl_table *);

/* A nonzero 64-bit key for bytes a/alen then b/blen (either may be
 * empty). */
uint64_t rl_key(const void *a, size_t alen, const void *b, size_t blen);

/* Every table at its default size (RL_MAX_ENTRIES). */
void	ratelimit_init(struct ratelimit *);
void	ratelimit_free(struct ratelimit *);

/*
 * A request was dropped by the limit `reason` (engine_drop_name):
 * log_warn at most one line a second, prefixed with `who` (the
 * failover's "primary=NAME: ", else ""), naming the relay (giaddr, 0 if
 * none) and how many were dropped since the previous line.
 */
void	ratelimit_log_drop(struct ratelimit *, double now, const char *who,
	    const char *reason, uint32_t giaddr);

#endif
