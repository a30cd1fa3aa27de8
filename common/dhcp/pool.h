/*
 * Address pools: the in-memory allocation state of every configured
 * subnet.  The durable copy lives in the lease store; it is fed back
 * through pool_load_lease() at start-up (and by the failover when it
 * applies a partner's binding updates).
 *
 * Pure: no I/O, no clock (`now` is a parameter), no logging, no globals.
 * One writer: a pool set belongs to the thread that drives it.
 *
 * Per subnet the pool keeps
 *   - a slot for every address in its ranges (indexed by offset, ranges
 *     sorted and merged) plus one for each reservation outside them;
 *   - a hash index client key -> leases (struct dhcp_client_key);
 *   - two min-heaps keyed by lease `ends`: "active" holds leases with a
 *     running timer (OFFERED, BOUND, DECLINED, CONFLICT) for the expiry
 *     sweep, "idle" holds reusable dynamic leases (FREE, RELEASED,
 *     EXPIRED) so the oldest one is found in O(1) and moved in O(log n);
 *   - a cursor over never-used addresses (they never become unused
 *     again, so the scan is amortised O(1));
 *   - counters by state, updated on every change.
 * The heaps and cursors come once per (group, part): see below.
 *
 * Client classes (config.h struct cfg_class, docs/options.md).  A
 * class's Range keys name addresses only its members get:
 *   1. A dynamic address inside some class's Range belongs to that
 *      class's group; every other dynamic address is in the open group.
 *      A class has a group in a subnet when its ranges hold at least one
 *      dynamic address of it (excluded and reserved ones do not count).
 *   2. A client that is a member of at least one class with a group in
 *      the subnet (struct pool_client `classes`) -- "its groups here"
 *      -- takes dynamic addresses only from those groups, in class
 *      order (lowest cfg->classes index first), never from the open
 *      group.  A client with no group here takes only open addresses,
 *      never a class's.
 *   3. That holds wherever a dynamic address is chosen or checked:
 *      every step of pool_allocate() (the client's previous lease, the
 *      requested address, never-used and reclaimed ones, borrowing),
 *      pool_addr_available(), pool_offer() and pool_bind().  Host
 *      reservations are not affected.
 *   4. With a scope (enum pool_scope) the order is a product: each of
 *      the client's groups in turn, the scope's parts in its order
 *      within the group (POOL_SCOPE_PRIMARY: group g's own part, group
 *      g's share, then the next group).  Borrowing alone comes after
 *      the share of every group the client may use: a share address of
 *      its next class is safe, a borrowed one is not.
 *   5. A pool without class ranges, or a client of no class with a
 *      group here, costs what it did without classes: one AND decides.
 *      A member costs one O(1)/O(log n) lookup per group it tries.
 *   6. The counters (struct pool_stats) count over all groups.
 * The loader keeps class ranges inside one subnet's ranges and apart
 * from each other; should two overlap, the lower class keeps the
 * address.  Groups are fixed when the set is built: a changed class
 * membership of a client applies from its next request (its lease in a
 * group it may no longer use is skipped, and refused when it asks for
 * it again).
 *
 * An address is available to a client when it is neither excluded nor
 * reserved for another host, nor in a group the client may not use
 * (above), and it has no lease record, or its record belongs to that
 * client (any state but DECLINED/CONFLICT, which are detached from the
 * client), or its record's `ends` is <= now.
 *
 * Returned `const struct lease *` point into the pool: valid until
 * pool_set_free(), contents change with the next mutation.
 */
#ifndef DHCPFO_POOL_H
#define DHCPFO_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhcp_codec.h"
#include "lease.h"

struct pool;
struct pool_set;

/* Largest number of addresses (range slots) one subnet may hold. */
#define POOL_MAX_ADDRS		(1u << 20)

/*
 * The rule pool_set_new() builds by, for the start-up checks
 * (hostcheck.h) to tell beforehand: the addresses of sn's ranges (clipped
 * to the subnet, overlaps counted once) into *naddrs, and whether they
 * fit one pool (at most POOL_MAX_ADDRS; else POOL_ERR_TOO_BIG).
 */
bool		 pool_subnet_fits(const struct cfg_subnet *sn,
		    uint64_t *naddrs);

enum pool_err {
	POOL_OK = 0,
	POOL_ERR_NOADDR,	/* address is not in this pool */
	POOL_ERR_BUSY,		/* held by another client, quarantined,
				 * excluded, reserved for another host or
				 * in a class group the client may not use */
	POOL_ERR_NOTOWNER,	/* lease does not belong to this client */
	POOL_ERR_STATE,		/* lease is not in a state that allows it */
	POOL_ERR_NOMEM,
	POOL_ERR_TOO_BIG,	/* pool_set_new: a subnet exceeds
				 * POOL_MAX_ADDRS */
	POOL_ERR_COUNT
};

const char	*pool_err_name(enum pool_err);

/* Who is asking.  Build it from the request (the engine does). */
struct pool_client {
	struct dhcp_client_key key;	/* lease identity */
	uint8_t		htype;
	uint8_t		hlen;		/* 0..DHCP_CHADDR_LEN */
	uint8_t		chaddr[DHCP_CHADDR_LEN];
	char		hostname[LEASE_HOSTNAME_MAX];	/* "" = none */
	/* Kept with the binding for operators (lease.h). */
	uint8_t		granted_by;	/* enum lease_origin */
	struct lease_relay relay;
	/* Its client classes (classify.h): bit i for cfg->classes[i].
	 * Decides which class ranges it may take addresses from, and
	 * whether it may take open ones (top of this file). */
	uint64_t	classes;
};

/* Where pool_allocate() found the address, in its order of preference. */
enum pool_src {
	POOL_SRC_NONE = 0,	/* exhausted */
	POOL_SRC_RESERVED,	/* the client's host reservation */
	POOL_SRC_EXISTING,	/* the client's current or previous lease */
	POOL_SRC_REQUESTED,	/* option 50 */
	POOL_SRC_NEW,		/* never used before */
	POOL_SRC_RECLAIMED,	/* oldest expired/released/free lease */
	POOL_SRC_BORROWED	/* the primary's, taken by the failover with
				 * its share used up (POOL_SCOPE_SHARE_BORROW) */
};

/*
 * Which addresses a new binding may take (docs/safety.md).  A pool's
 * dynamic addresses are the primary's part and the failover's share
 * (share.h); the daemon's engine picks the scope for each request.
 */
enum pool_scope {
	POOL_SCOPE_ALL = 0,	/* no partner: every address, in one order */
	POOL_SCOPE_PRIMARY,	/* the primary: its own part, then the share
				 * (which the failover must approve first) */
	POOL_SCOPE_SHARE,	/* the failover in its safe period: only its
				 * share */
	POOL_SCOPE_SHARE_BORROW,/* ... then the primary's free addresses,
				 * never-used from the top down, then the
				 * most recently freed: the order least likely
				 * to meet a binding the primary made but
				 * never replicated */
	POOL_SCOPE_SHARE_FIRST	/* the failover after its safe period: the
				 * share first, then every other address */
};

/* The failover's safe-period scopes, which keep new clients out of the
 * primary's part. */
bool		 pool_scope_limited(enum pool_scope);

enum pool_addr_kind {
	POOL_ADDR_OUTSIDE = 0,	/* not in a range nor a reservation */
	POOL_ADDR_DYNAMIC,	/* in a range, allocatable */
	POOL_ADDR_RESERVED,	/* a host reservation (in a range or not) */
	POOL_ADDR_EXCLUDED	/* in a range but excluded (configured, or
				 * network/broadcast/our own address) */
};

/*
 * Counters, maintained on every change.  free/offered/bound/declined/
 * conflict partition `total` (dynamic addresses).  A lease whose time
 * ran out still counts in its old state until pool_expire() sweeps it.
 */
struct pool_stats {
	uint32_t	total;		/* dynamic addresses */
	uint32_t	free;		/* never used, FREE, RELEASED, EXPIRED */
	uint32_t	offered;
	uint32_t	bound;
	uint32_t	declined;
	uint32_t	conflict;
	uint32_t	reserved;	/* reservation addresses */
	uint32_t	reserved_bound;	/* of those, OFFERED or BOUND */
	uint32_t	excluded;	/* excluded addresses inside ranges */
	/* The failover's share (share.h): its dynamic addresses, and those
	 * of them free (as in `free`). */
	uint32_t	share_total;
	uint32_t	share_free;
};

enum pool_load {
	POOL_LOAD_OK = 0,	/* stored */
	POOL_LOAD_EXCLUDED,	/* stored, address now excluded: kept
				 * visible, never allocated */
	POOL_LOAD_OUTSIDE,	/* in a subnet but outside its ranges and
				 * reservations: not stored */
	POOL_LOAD_NO_SUBNET,	/* in no configured subnet: not stored */
	POOL_LOAD_INVALID,	/* address 0, bad state or key: not stored */
	POOL_LOAD_NOMEM
};

const char	*pool_load_name(enum pool_load);

/* Called for every lease pool_expire() changes: persist/replicate it. */
typedef void	pool_change_cb(struct pool *p, const struct lease *l,
		    void *arg);

/*
 * Build the pools of every subnet of cfg.  cfg must outlive the set.
 * hash_seed keys the client hash (pass a random value so a client
 * cannot craft identities that collide).  Reservations are the hosts
 * whose address lies in a subnet; a subnet's network and broadcast
 * addresses and cfg->server.server_addr are never given out.
 */
enum pool_err	 pool_set_new(const struct config *cfg, uint64_t hash_seed,
		    struct pool_set **out);
void		 pool_set_free(struct pool_set *);

size_t		 pool_set_count(const struct pool_set *);
struct pool	*pool_set_get(struct pool_set *, size_t i);
/* The subnet whose network contains addr, or NULL. */
struct pool	*pool_set_find(struct pool_set *, uint32_t addr);

/*
 * Store one lease record as it is (start-up load, or a binding update
 * from the failover partner): it replaces whatever the pool held for
 * that address.  Class rules are not checked (the record is a fact);
 * it goes to the heaps of its address's group and part, so once it is
 * reusable only clients of that group reclaim it.
 */
enum pool_load	 pool_load_lease(struct pool_set *, const struct lease *);

/*
 * Hand out the set's next update sequence without changing any lease,
 * for a record that enters the pools from outside through
 * pool_load_lease() but is a change of ours all the same (a binding the
 * failover handed back, or our side of a conflict re-asserted): stamping
 * it here keeps sequences unique and increasing across everything the
 * set stamps, which the replication stream to the failover relies on.
 */
uint64_t	 pool_set_next_seq(struct pool_set *);
/*
 * Make every sequence stamped from now on exceed `seq`: after a rebuild
 * from the store (which knows only the sequences of stored leases), for
 * numbers that were handed out for something else than a lease and
 * persisted by the caller.
 */
void		 pool_set_raise_seq(struct pool_set *, uint64_t seq);

/*
 * Sweep at most `max` timed-out leases over all subnets (round robin, so
 * a busy subnet cannot starve the others).  Returns how many changed; a
 * return of `max` means there may be more.
 */
size_t		 pool_set_expire(struct pool_set *, int64_t now, size_t max,
		    pool_change_cb *cb, void *arg);

/* Per subnet. */
const struct cfg_subnet *pool_subnet(const struct pool *);
size_t		 pool_index(const struct pool *);
bool		 pool_contains(const struct pool *, uint32_t addr);
enum pool_addr_kind pool_addr_kind(const struct pool *, uint32_t addr);
/* The host a reservation address belongs to, or NULL. */
const struct cfg_host *pool_addr_host(const struct pool *, uint32_t addr);
/*
 * The client's reservation in this subnet: matched by its key (option 61
 * against ClientId) or by htype + chaddr (against HardwareAddress).
 */
const struct cfg_host *pool_host_for(const struct pool *,
		    const struct pool_client *);

/*
 * Returned by the RFC 2131 4.3.2 steps that can stop a client.  While a
 * subnet is not serving (it is being handed back, or belongs to a
 * primary the failover is not standing in for) nothing may be granted
 * from it; the engine checks this.  New pools serve.
 */
void		 pool_set_serving(struct pool *, bool);
bool		 pool_is_serving(const struct pool *);

/* The lease record of addr, or NULL (never used / not in the pool). */
const struct lease *pool_lease_at(const struct pool *, uint32_t addr);
/* True if l is attached to this client (not DECLINED/CONFLICT). */
bool		 pool_lease_is_client(const struct lease *l,
		    const struct pool_client *c);
/*
 * The client's current lease in this subnet (any state except
 * CONFLICT/DECLINED, which are detached), preferring an unexpired
 * binding, then an unexpired offer, then the latest `ends`.  NULL if
 * none.
 */
const struct lease *pool_find_for_client(const struct pool *,
		    const struct pool_client *, int64_t now);
/* addr is available to c (top of this file), class groups included:
 * the engine refuses a REQUEST for an address that is not. */
bool		 pool_addr_available(const struct pool *, uint32_t addr,
		    const struct pool_client *c, int64_t now);

/*
 * Choose an address for the client without changing any state, in this
 * order: its reservation; its current/previous lease; `requested` (option
 * 50, 0 = none) if available; a never-used address; the lease that has
 * been reusable longest (smallest `ends` <= now).  The scope limits the
 * last three (and, when limited, a previous lease of the primary's that
 * ran out) to the parts it may use, in its order (enum pool_scope).
 *
 * Client classes (top of this file) limit every dynamic choice to the
 * client's groups: its previous lease is its best record in a group it
 * may use now (one elsewhere is passed over); `requested` outside them
 * is ignored; never-used and reclaimed addresses are sought group by
 * group in class order -- never-used then reclaimed within each group,
 * the scope's parts in its order within each -- so a member whose
 * groups are used up gets 0, not an open address, and a non-member
 * never gets a class's.  POOL_SCOPE_SHARE_BORROW borrows only once the
 * share of all its groups is used up, then group by group.  The
 * reservation is unaffected.
 *
 * Returns 0 when nothing is left.  *src (may be NULL) tells which rule
 * chose it.  Deterministic: the same state gives the same answer, which
 * the ping-before-offer round trip relies on.
 */
uint32_t	 pool_allocate(struct pool *, const struct pool_client *,
		    uint32_t requested, int64_t now, enum pool_scope scope,
		    enum pool_src *src);
/* addr is a dynamic address of the failover's share. */
bool		 pool_in_share(const struct pool *, uint32_t addr);

/*
 * State changes.  Each copies the updated record to *out (may be NULL)
 * for the caller to persist, and stamps it with the next update
 * sequence of the set.  pool_offer and pool_bind take only an address
 * available to the client (pool_addr_available), else POOL_ERR_BUSY:
 * a client renewing a lease in a class group it has left is refused.
 *
 * pool_offer: hold addr for the client until now + MaxPendingSeconds
 *   (OFFERED).  A binding the client already holds is left as it is.
 * pool_bind: BOUND until now + lease_secs.
 * pool_release: the client's BOUND lease -> RELEASED, OFFERED -> FREE,
 *   ends = now; it stays attached to the client, which gets it back.
 * pool_decline: the client's BOUND/OFFERED lease -> DECLINED until now +
 *   MaxUnavailableTime, detached from the client (htype/chaddr are kept
 *   to show who declined it).
 * pool_conflict: addr answered a ping -> CONFLICT until now +
 *   MaxUnavailableTime, detached; refused (BUSY) while another client
 *   holds an unexpired offer or binding on it.
 */
enum pool_err	 pool_offer(struct pool *, const struct pool_client *,
		    uint32_t addr, int64_t now, struct lease *out);
enum pool_err	 pool_bind(struct pool *, const struct pool_client *,
		    uint32_t addr, int64_t now, uint32_t lease_secs,
		    struct lease *out);
enum pool_err	 pool_release(struct pool *, const struct pool_client *,
		    uint32_t addr, int64_t now, struct lease *out);
enum pool_err	 pool_decline(struct pool *, const struct pool_client *,
		    uint32_t addr, int64_t now, struct lease *out);
enum pool_err	 pool_conflict(struct pool *, uint32_t addr, int64_t now,
		    struct lease *out);

/*
 * Move at most `max` leases whose `ends` <= now on: BOUND -> EXPIRED,
 * OFFERED -> FREE (still attached to its client), DECLINED/CONFLICT ->
 * FREE.  cb (may be NULL) sees each changed record.  Returns the count.
 */
size_t		 pool_expire(struct pool *, int64_t now, size_t max,
		    pool_change_cb *cb, void *arg);

void		 pool_stats(const struct pool *, struct pool_stats *);
/* Addresses in use: offered or bound (utilisation, SNMP, metrics). */
uint32_t	 pool_stats_in_use(const struct pool_stats *);

/*
 * Iterate over every lease record of the subnet: start with *cursor = 0;
 * returns NULL at the end.  Safe across mutations (a cursor is a slot
 * position), so a control client can page through.
 */
const struct lease *pool_next_lease(const struct pool *, size_t *cursor);

/*
 * Check every internal invariant (heap order and positions, hash index,
 * counters); returns 0 or a negative code naming the first broken one.
 * For tests; O(n).
 */
int		 pool_selfcheck(const struct pool *);

#endif
