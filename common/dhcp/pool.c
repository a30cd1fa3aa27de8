/*
 * Address pools: allocation state per subnet (see pool.h for the model).
 *
 * Data layout per subnet:
 *   slots[]   one per range address (ranges sorted, merged, clipped to
 *             the subnet), then one per reservation outside the ranges.
 *             A slot points at its lease record, allocated on first use
 *             and kept until the set is freed: a record is never
 *             forgotten, which keeps the never-used cursor monotonic.
 *   buckets[] chained hash client key -> records attached to a client
 *             (a client may keep an old record next to a new one).
 *   grp[]     one per group (pool.h, "Client classes"): 0 the open
 *             group, then one per class with dynamic addresses here,
 *             in class order.  Each holds, per part,
 *     active    a min-heap on `ends` of records whose timer runs,
 *     idle      a min-heap on `ends` of reusable records (dynamic slots),
 *     cursor    the never-used scan position, moving up,
 *   and for the primary's part one moving down (the failover borrowing,
 *   docs/safety.md).
 * The parts are the primary's and the failover's share (share.h); with
 * the groups they cut the dynamic addresses into (group, part) cells, so
 * a client finds the oldest reusable address of a cell it may use in
 * O(1), whether the sweep has reached it or not, and a never-used one by
 * an amortised O(1) scan.  A slot's cell never changes, so a record's
 * heap follows from its slot and its state.  Every record is in at most
 * one heap and remembers its position, so a change of state or `ends`
 * costs O(log n).  A pool without class ranges has the open group only:
 * two heaps of each kind and two cursors, as before classes existed.
 * The heaps' arrays are carved from one block: a cell's heap can hold
 * no more records than the cell has slots, 2 * nslots pointers in all.
 */
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "ranges.h"
#include "share.h"

#define NO_HOST		UINT32_MAX
#define NO_INDEX	UINT32_MAX

enum slot_kind {
	SLOT_DYNAMIC = 0,
	SLOT_RESERVED,
	SLOT_EXCLUDED
};

/* Which heap of its slot's cell (group, part) a record is in. */
enum heap_id {
	HEAP_NONE = 0,
	HEAP_ACTIVE,		/* grp[group].active[part] */
	HEAP_IDLE		/* grp[group].idle[part] */
};

/* The two parts of a pool's dynamic addresses. */
enum part {
	PART_OWN = 0,		/* the primary's */
	PART_SHARE,		/* the failover's share */
	PART_COUNT
};

/* Group 0 is the open group; class groups follow, in class order. */
#define GROUP_OPEN	0
#define POOL_MAX_GROUPS	(CFG_MAX_CLASSES + 1)

struct pool_ent {
	struct lease	 l;
	struct pool_ent	*hnext;		/* client hash chain */
	uint32_t	 hash;		/* of l.key, valid while hashed */
	uint32_t	 slot;
	uint32_t	 hpos;		/* index in its heap */
	uint8_t		 heap;		/* enum heap_id */
	bool		 hashed;
};

/*
 * Entries are made the first time an address is used and live as long as
 * the pool, so they come from chunks: a failover taking in thousands of
 * new bindings a second otherwise grew its thread's heap a page (an
 * mprotect) at a time.  A chunk is not zeroed up front, so only the
 * entries in use cost memory.
 */
#define POOL_CHUNK_ENTS	256

struct pool_chunk {
	struct pool_chunk *next;
	uint32_t	 used;
	struct pool_ent	 ents[POOL_CHUNK_ENTS];
};

struct pool_slot {
	struct pool_ent	*ent;		/* NULL: never used */
	uint32_t	 host;		/* cfg->hosts index, or NO_HOST */
	uint8_t		 kind;		/* enum slot_kind */
	uint8_t		 part;		/* enum part (dynamic slots) */
	uint8_t		 group;		/* index in grp[] (dynamic slots) */
};

struct pool_range {
	uint32_t	 lo, hi;	/* inclusive */
	uint32_t	 base;		/* slot of lo */
};

struct pool_extra {
	uint32_t	 addr;
	uint32_t	 slot;
};

struct pool_hostkey {
	struct dhcp_client_key key;
	uint32_t	 host;
	uint32_t	 next;		/* index in hkeys, or NO_INDEX */
};

/*
 * A heap's node carries its entry's key: a sift compares the keys of the
 * two children side by side in the array instead of reading two entries
 * (a cache miss each, an entry being a whole lease).  A failover that
 * takes in a busy primary's renewals sifts every renewed lease from near
 * the top to near the bottom; with the entries' keys that was a tenth of
 * its CPU.  The key is the entry's l.ends as it was placed: every change
 * of l.ends is followed by ent_place.
 */
struct pool_hnode {
	int64_t		 ends;
	struct pool_ent	*e;
};

struct pool_heap {
	struct pool_hnode *v;
	uint32_t	 n;
};

/* The allocation state of one group, per part. */
struct pool_grp {
	/* Never-used scan positions per part (moving up), and the
	 * primary's part moving down; dynamic slots never used. */
	uint32_t	 cursor[PART_COUNT];
	uint32_t	 rcursor;	/* one past the next candidate */
	uint32_t	 nunused[PART_COUNT];
	struct pool_heap active[PART_COUNT], idle[PART_COUNT];
};

struct pool {
	struct pool_set	*set;
	const struct cfg_subnet *sn;
	size_t		 idx;
	bool		 serving;
	uint32_t	 network, mask;

	struct pool_range *ranges;
	size_t		 nranges;
	struct pool_extra *extra;	/* sorted by addr */
	size_t		 nextra;
	struct pool_slot *slots;
	uint32_t	 nslots;
	struct pool_chunk *chunks;	/* newest first; where ents live */
	uint32_t	 nrange_slots;	/* extras follow, in extra[] order */

	/* Groups: [GROUP_OPEN], then the classes with dynamic addresses
	 * here.  class_mask has bit i when cfg->classes[i] has a group. */
	struct pool_grp	*grp;
	uint32_t	 ngroups;
	uint64_t	 class_mask;
	uint8_t		 class_grp[CFG_MAX_CLASSES];	/* class -> group */
	uint8_t		 grp_class[POOL_MAX_GROUPS];	/* group -> class */
	struct pool_hnode *heapmem;	/* every heap's array */

	struct pool_ent	**buckets;
	uint32_t	 hmask;

	struct pool_hostkey *hkeys;
	uint32_t	 nhkeys;
	uint32_t	*hkbuckets;
	uint32_t	 hkmask;

	struct pool_stats st;
};

struct pool_set {
	const struct config *cfg;
	uint64_t	 k0, k1;	/* hash key */
	uint64_t	 seq;		/* last update sequence stamped */
	size_t		 npools;
	struct pool	*pools;
	size_t		 expire_next;	/* round-robin start */
};

const char *
pool_err_name(enum pool_err e)
{
	static const char *const names[POOL_ERR_COUNT] = {
		[POOL_OK] = "ok",
		[POOL_ERR_NOADDR] = "not-in-pool",
		[POOL_ERR_BUSY] = "busy",
		[POOL_ERR_NOTOWNER] = "not-owner",
		[POOL_ERR_STATE] = "bad-state",
		[POOL_ERR_NOMEM] = "no-memory",
		[POOL_ERR_TOO_BIG] = "too-big",
	};

	if ((unsigned)e >= POOL_ERR_COUNT)
		return "unknown";
	return names[e];
}

const char *
pool_load_name(enum pool_load r)
{
	static const char *const names[] = {
		[POOL_LOAD_OK] = "ok",
		[POOL_LOAD_EXCLUDED] = "excluded",
		[POOL_LOAD_OUTSIDE] = "outside-ranges",
		[POOL_LOAD_NO_SUBNET] = "no-subnet",
		[POOL_LOAD_INVALID] = "invalid",
		[POOL_LOAD_NOMEM] = "no-memory",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[r];
}

/*
 * SipHash-2-4 (Aumasson and Bernstein), written from the paper.  Client
 * identities come off the wire; a keyed hash keeps a client from
 * choosing identities that all land in one bucket.
 */
#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);	\
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);	\
} while (0)

static uint64_t
siphash24(uint64_t k0, uint64_t k1, const uint8_t *in, size_t len)
{
	uint64_t	 v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t	 v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t	 v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t	 v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t	 m;
	size_t		 i, j, full = len & ~(size_t)7;

	for (i = 0; i < full; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (uint64_t)(len & 0xff) << 56;
	for (j = 0; j < (len & 7); j++)
		m |= (uint64_t)in[full + j] << (8 * j);
	v3 ^= m;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (j = 0; j < 4; j++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint32_t
key_hash(const struct pool_set *set, const struct dhcp_client_key *k)
{
	return (uint32_t)siphash24(set->k0, set->k1, k->bytes, k->len);
}

static bool
key_eq(const struct dhcp_client_key *a, const struct dhcp_client_key *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* The 'H' identity dhcp_client_key() gives a client without option 61. */
static bool
hw_key(uint8_t htype, uint8_t hlen, const uint8_t *hw,
    struct dhcp_client_key *k)
{
	return dhcp_client_key_make(htype, hlen, hw, NULL, 0, k);
}

static uint32_t
pow2_at_least(uint32_t n)
{
	uint32_t	 p = 16;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static bool
timed_state(uint8_t state)
{
	return state == LEASE_OFFERED || state == LEASE_BOUND ||
	    state == LEASE_DECLINED || state == LEASE_CONFLICT;
}

/*
 * Heaps.
 */
static void
heap_set(struct pool_heap *h, uint32_t i, struct pool_ent *e)
{
	h->v[i].ends = e->l.ends;
	h->v[i].e = e;
	e->hpos = i;
}

/* Node j moves to i. */
static void
heap_move(struct pool_heap *h, uint32_t i, uint32_t j)
{
	h->v[i] = h->v[j];
	h->v[i].e->hpos = i;
}

static void
heap_up(struct pool_heap *h, uint32_t i)
{
	struct pool_ent	*e = h->v[i].e;
	int64_t		 k = e->l.ends;

	while (i > 0) {
		uint32_t	 parent = (i - 1) / 2;

		if (h->v[parent].ends <= k)
			break;
		heap_move(h, i, parent);
		i = parent;
	}
	heap_set(h, i, e);
}

static void
heap_down(struct pool_heap *h, uint32_t i)
{
	struct pool_ent	*e = h->v[i].e;
	int64_t		 k = e->l.ends;

	for (;;) {
		uint32_t	 c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].ends < h->v[c].ends)
			c++;
		if (k <= h->v[c].ends)
			break;
		heap_move(h, i, c);
		i = c;
	}
	heap_set(h, i, e);
}

static void
heap_push(struct pool_heap *h, struct pool_ent *e)
{
	heap_set(h, h->n++, e);
	heap_up(h, e->hpos);
}

static void
heap_remove(struct pool_heap *h, struct pool_ent *e)
{
	uint32_t	 i = e->hpos;
	struct pool_ent	*last = h->v[--h->n].e;

	if (i < h->n) {
		heap_set(h, i, last);
		heap_up(h, i);
		heap_down(h, last->hpos);
	}
}

/* Heap `id` of the cell (group, part) of slot. */
static struct pool_heap *
heap_of(struct pool *p, uint32_t slot, uint8_t id)
{
	const struct pool_slot *s = &p->slots[slot];

	if (id == HEAP_ACTIVE)
		return &p->grp[s->group].active[s->part];
	if (id == HEAP_IDLE)
		return &p->grp[s->group].idle[s->part];
	return NULL;
}

/* Put e in the heap its state and slot call for, at the right place. */
static void
ent_place(struct pool *p, struct pool_ent *e)
{
	struct pool_heap *cur, *want;
	uint8_t		 id;

	if (timed_state(e->l.state))
		id = HEAP_ACTIVE;
	else if (p->slots[e->slot].kind == SLOT_DYNAMIC)
		id = HEAP_IDLE;
	else
		id = HEAP_NONE;

	cur = heap_of(p, e->slot, e->heap);
	want = heap_of(p, e->slot, id);
	if (cur == want) {
		if (cur != NULL) {
			heap_up(cur, e->hpos);
			heap_down(cur, e->hpos);
		}
		return;
	}
	if (cur != NULL)
		heap_remove(cur, e);
	e->heap = id;
	if (want != NULL)
		heap_push(want, e);
}

/*
 * Client index.
 */
static void
ent_unhash(struct pool *p, struct pool_ent *e)
{
	struct pool_ent	**pp;

	if (!e->hashed)
		return;
	for (pp = &p->buckets[e->hash & p->hmask]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	}
	e->hnext = NULL;
	e->hashed = false;
}

static void
ent_hash(struct pool *p, struct pool_ent *e)
{
	struct pool_ent	**b;

	if (e->hashed || e->l.key.len == 0)
		return;
	e->hash = key_hash(p->set, &e->l.key);
	b = &p->buckets[e->hash & p->hmask];
	e->hnext = *b;
	*b = e;
	e->hashed = true;
}

/* Attach e to client c, or detach it (c == NULL). */
static void
ent_set_owner(struct pool *p, struct pool_ent *e, const struct pool_client *c,
    bool keep_hw)
{
	if (e->hashed && (c == NULL || !key_eq(&e->l.key, &c->key)))
		ent_unhash(p, e);
	if (c == NULL) {
		memset(&e->l.key, 0, sizeof(e->l.key));
		memset(e->l.hostname, 0, sizeof(e->l.hostname));
		memset(&e->l.relay, 0, sizeof(e->l.relay));
		e->l.granted_by = LEASE_BY_UNKNOWN;
		if (!keep_hw) {
			e->l.htype = e->l.hlen = 0;
			memset(e->l.chaddr, 0, sizeof(e->l.chaddr));
		}
		return;
	}
	e->l.key = c->key;
	e->l.htype = c->htype;
	e->l.hlen = c->hlen > DHCP_CHADDR_LEN ? DHCP_CHADDR_LEN : c->hlen;
	memset(e->l.chaddr, 0, sizeof(e->l.chaddr));
	memcpy(e->l.chaddr, c->chaddr, e->l.hlen);
	if (c->hostname[0] != '\0') {
		memcpy(e->l.hostname, c->hostname, sizeof(e->l.hostname));
		e->l.hostname[sizeof(e->l.hostname) - 1] = '\0';
	}
	e->l.granted_by = c->granted_by;
	e->l.relay = c->relay;
	ent_hash(p, e);
}

static bool
ent_is_client(const struct pool_ent *e, const struct pool_client *c)
{
	return c != NULL && e->hashed && key_eq(&e->l.key, &c->key);
}

/*
 * Address -> slot.
 */
static bool
find_range_slot(const struct pool *p, uint32_t addr, uint32_t *slot)
{
	size_t		 lo = 0, hi = p->nranges;

	/* Last range with lo <= addr. */
	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (p->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && addr <= p->ranges[lo - 1].hi) {
		*slot = p->ranges[lo - 1].base + (addr - p->ranges[lo - 1].lo);
		return true;
	}
	return false;
}

static bool
find_slot(const struct pool *p, uint32_t addr, uint32_t *slot)
{
	size_t		 lo = 0, hi = p->nextra;

	if (find_range_slot(p, addr, slot))
		return true;
	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (p->extra[mid].addr == addr) {
			*slot = p->extra[mid].slot;
			return true;
		}
		if (p->extra[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static uint32_t
slot_addr(const struct pool *p, uint32_t slot)
{
	size_t		 i;

	if (slot >= p->nrange_slots)
		return p->extra[slot - p->nrange_slots].addr;
	/* At most CFG_MAX_RANGES ranges. */
	for (i = 0; i + 1 < p->nranges && slot >= p->ranges[i + 1].base; i++)
		;
	return p->ranges[i].lo + (slot - p->ranges[i].base);
}

/*
 * Reservations.
 */
static uint32_t
host_by_key(const struct pool *p, const struct dhcp_client_key *k)
{
	uint32_t	 i;

	if (p->nhkeys == 0 || k->len == 0)
		return NO_HOST;
	i = p->hkbuckets[key_hash(p->set, k) & p->hkmask];
	for (; i != NO_INDEX; i = p->hkeys[i].next)
		if (key_eq(&p->hkeys[i].key, k))
			return p->hkeys[i].host;
	return NO_HOST;
}

/*
 * A host entry names either a ClientId or a HardwareAddress.  A client
 * that sends option 61 is keyed by it, yet its HardwareAddress
 * reservation must still apply, so the hardware address is tried too.
 */
static uint32_t
host_lookup(const struct pool *p, const struct pool_client *c)
{
	struct dhcp_client_key hk;
	uint32_t	 h;

	if (c == NULL)
		return NO_HOST;
	if ((h = host_by_key(p, &c->key)) != NO_HOST)
		return h;
	if (hw_key(c->htype, c->hlen, c->chaddr, &hk) && !key_eq(&hk, &c->key))
		return host_by_key(p, &hk);
	return NO_HOST;
}

static void
hostkey_add(struct pool *p, const struct dhcp_client_key *k, uint32_t host)
{
	struct pool_hostkey *hk;
	uint32_t	*b;

	if (host_by_key(p, k) != NO_HOST)
		return;		/* first host with that identity wins */
	hk = &p->hkeys[p->nhkeys];
	hk->key = *k;
	hk->host = host;
	b = &p->hkbuckets[key_hash(p->set, k) & p->hkmask];
	hk->next = *b;
	*b = p->nhkeys++;
}

/*
 * Counters.
 */
static void
stat_adj(struct pool *p, uint32_t slot, int d)
{
	const struct pool_slot *s = &p->slots[slot];
	uint32_t	*c = NULL;

	if (s->kind == SLOT_EXCLUDED)
		return;
	if (s->kind == SLOT_RESERVED) {
		if (s->ent != NULL && (s->ent->l.state == LEASE_OFFERED ||
		    s->ent->l.state == LEASE_BOUND))
			p->st.reserved_bound += (uint32_t)d;
		return;
	}
	if (s->part == PART_SHARE && (s->ent == NULL ||
	    !timed_state(s->ent->l.state)))
		p->st.share_free += (uint32_t)d;
	if (s->ent == NULL)
		c = &p->st.free;
	else {
		switch (s->ent->l.state) {
		case LEASE_OFFERED:
			c = &p->st.offered;
			break;
		case LEASE_BOUND:
			c = &p->st.bound;
			break;
		case LEASE_DECLINED:
			c = &p->st.declined;
			break;
		case LEASE_CONFLICT:
			c = &p->st.conflict;
			break;
		default:
			c = &p->st.free;
			break;
		}
	}
	*c += (uint32_t)d;
}

/* The record of a slot, created (FREE, unattached) on first use. */
static struct pool_ent *
ent_get(struct pool *p, uint32_t slot)
{
	struct pool_slot *s = &p->slots[slot];
	struct pool_ent	*e;

	if (s->ent != NULL)
		return s->ent;
	if (p->chunks == NULL || p->chunks->used == POOL_CHUNK_ENTS) {
		struct pool_chunk *c = malloc(sizeof(*c));

		if (c == NULL)
			return NULL;
		c->next = p->chunks;
		c->used = 0;
		p->chunks = c;
	}
	e = &p->chunks->ents[p->chunks->used++];
	memset(e, 0, sizeof(*e));
	e->l.addr = slot_addr(p, slot);
	e->l.state = LEASE_FREE;
	e->slot = slot;
	e->heap = HEAP_NONE;
	s->ent = e;
	if (s->kind == SLOT_DYNAMIC)
		p->grp[s->group].nunused[s->part]--;
	return e;
}

static void
ent_done(struct pool *p, struct pool_ent *e, struct lease *out)
{
	e->l.seq = ++p->set->seq;
	ent_place(p, e);
	if (out != NULL)
		*out = e->l;
}

/*
 * Building.
 */
static int
extra_cmp(const void *a, const void *b)
{
	const struct pool_extra *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void
mark_excluded(struct pool *p, uint32_t addr)
{
	uint32_t	 slot;

	if (find_slot(p, addr, &slot) && p->slots[slot].kind == SLOT_DYNAMIC)
		p->slots[slot].kind = SLOT_EXCLUDED;
}

/*
 * The failover's share (share.h), computed from the subnet's definition
 * exactly as the other server computes it.  Only dynamic slots join:
 * an address excluded here, or a host's reservation, stays what it is.
 */
static void
mark_share(struct pool *p)
{
	struct share_set s;
	uint32_t	 slot;

	share_compute(p->sn, &s);
	for (size_t i = 0; i < s.nruns; i++) {
		for (uint64_t a = s.runs[i].lo; a <= s.runs[i].hi; a++) {
			if (!find_slot(p, (uint32_t)a, &slot) ||
			    p->slots[slot].kind != SLOT_DYNAMIC)
				continue;
			p->slots[slot].part = PART_SHARE;
			p->st.share_total++;
		}
	}
}

/* sn's ranges as its pool holds them: clipped to the subnet, sorted,
 * overlaps merged (ranges.h).  Returns how many. */
static size_t
subnet_ranges(const struct cfg_subnet *sn,
    struct cfg_range merged[CFG_MAX_RANGES])
{
	uint32_t	 net = sn->network & sn->mask;

	return ranges_normalise(sn->ranges, sn->nranges < CFG_MAX_RANGES ?
	    sn->nranges : CFG_MAX_RANGES, net, net | ~sn->mask, merged);
}

bool
pool_subnet_fits(const struct cfg_subnet *sn, uint64_t *naddrs)
{
	struct cfg_range merged[CFG_MAX_RANGES];
	size_t		 n = subnet_ranges(sn, merged);

	*naddrs = 0;
	for (size_t i = 0; i < n; i++)
		*naddrs += (uint64_t)(merged[i].hi - merged[i].lo) + 1;
	return *naddrs <= POOL_MAX_ADDRS;
}

/* The merged ranges and their slot bases (pool_subnet_fits() said they
 * fit, so every base fits 32 bits). */
static enum pool_err
build_ranges(struct pool *p)
{
	struct cfg_range merged[CFG_MAX_RANGES];
	uint64_t	 total = 0;
	size_t		 i, n;

	n = subnet_ranges(p->sn, merged);
	if (n > 0 && (p->ranges = calloc(n, sizeof(*p->ranges))) == NULL)
		return POOL_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		p->ranges[i].lo = merged[i].lo;
		p->ranges[i].hi = merged[i].hi;
		p->ranges[i].base = (uint32_t)total;
		total += (uint64_t)(merged[i].hi - merged[i].lo) + 1;
	}
	p->nranges = n;
	p->nrange_slots = (uint32_t)total;
	return POOL_OK;
}

static bool
host_in_subnet(const struct pool *p, const struct cfg_host *h)
{
	return h->addr != 0 && (h->addr & p->mask) == p->network;
}

/*
 * Reservations outside the ranges get their own slots, after the
 * ranges' (sorted, each address once).  *nhosts: the subnet's
 * reservations, in the ranges or not.
 */
static enum pool_err
build_extra(struct pool *p, const struct config *cfg, size_t *nhosts)
{
	uint32_t	 slot;
	size_t		 i, n;

	*nhosts = 0;
	for (i = 0; i < cfg->nhosts; i++)
		if (host_in_subnet(p, &cfg->hosts[i]))
			(*nhosts)++;
	if (*nhosts == 0)
		return POOL_OK;
	if ((p->extra = calloc(*nhosts, sizeof(*p->extra))) == NULL)
		return POOL_ERR_NOMEM;
	for (i = 0; i < cfg->nhosts; i++) {
		uint32_t a = cfg->hosts[i].addr;

		if (!host_in_subnet(p, &cfg->hosts[i]) ||
		    find_range_slot(p, a, &slot))
			continue;
		p->extra[p->nextra++].addr = a;
	}
	qsort(p->extra, p->nextra, sizeof(*p->extra), extra_cmp);
	for (i = 0, n = 0; i < p->nextra; i++)
		if (n == 0 || p->extra[n - 1].addr != p->extra[i].addr)
			p->extra[n++] = p->extra[i];
	p->nextra = n;
	for (n = 0; n < p->nextra; n++)
		p->extra[n].slot = p->nrange_slots + (uint32_t)n;
	return POOL_OK;
}

/* Slots and the address hash, every slot dynamic or reserved. */
static enum pool_err
build_slots(struct pool *p)
{
	uint32_t	 slot;

	p->nslots = p->nrange_slots + (uint32_t)p->nextra;
	p->slots = calloc(p->nslots > 0 ? p->nslots : 1, sizeof(*p->slots));
	p->hmask = pow2_at_least(p->nslots) - 1;
	p->buckets = calloc((size_t)p->hmask + 1, sizeof(*p->buckets));
	if (p->slots == NULL || p->buckets == NULL)
		return POOL_ERR_NOMEM;
	for (slot = 0; slot < p->nslots; slot++) {
		p->slots[slot].host = NO_HOST;
		p->slots[slot].kind = slot < p->nrange_slots ? SLOT_DYNAMIC :
		    SLOT_RESERVED;
	}
	return POOL_OK;
}

/*
 * RFC 950: the all-zeros and all-ones host numbers name the network and
 * its broadcast, never a host (a /31 or /32 has neither).  Our own
 * address in a range would be a guaranteed conflict.  Then Exclude, and
 * then the reservations: a reservation overrides an exclusion
 * (exclusion keeps an address from being handed out dynamically, a
 * reservation is static).
 */
static void
mark_kinds(struct pool *p, const struct config *cfg, uint32_t first,
    uint32_t last)
{
	uint32_t	 slot;
	size_t		 i;

	if (p->mask != 0xffffffffu && p->mask != 0xfffffffeu) {
		mark_excluded(p, first);
		mark_excluded(p, last);
	}
	if (cfg->server.server_addr != 0)
		mark_excluded(p, cfg->server.server_addr);
	for (i = 0; i < p->sn->nexcludes && i < CFG_MAX_EXCLUDES; i++)
		mark_excluded(p, p->sn->excludes[i]);
	for (i = 0; i < cfg->nhosts; i++) {
		if (!host_in_subnet(p, &cfg->hosts[i]) ||
		    !find_slot(p, cfg->hosts[i].addr, &slot) ||
		    p->slots[slot].host != NO_HOST)
			continue;
		p->slots[slot].host = (uint32_t)i;
		p->slots[slot].kind = SLOT_RESERVED;
	}
}

/* Host identities: one key per ClientId, one per HardwareAddress. */
static enum pool_err
build_hostkeys(struct pool *p, const struct config *cfg, size_t nhosts)
{
	struct dhcp_client_key k;
	uint32_t	 slot;

	if (nhosts == 0)
		return POOL_OK;
	p->hkmask = pow2_at_least((uint32_t)(2 * nhosts)) - 1;
	p->hkeys = calloc(2 * nhosts, sizeof(*p->hkeys));
	p->hkbuckets = calloc((size_t)p->hkmask + 1, sizeof(*p->hkbuckets));
	if (p->hkeys == NULL || p->hkbuckets == NULL)
		return POOL_ERR_NOMEM;
	memset(p->hkbuckets, 0xff,
	    ((size_t)p->hkmask + 1) * sizeof(*p->hkbuckets));
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct cfg_host *h = &cfg->hosts[i];

		if (!host_in_subnet(p, h))
			continue;
		if (!find_slot(p, h->addr, &slot) ||
		    p->slots[slot].host != (uint32_t)i)
			continue;	/* duplicate address */
		if (h->cid_len > 0 && h->cid_len < sizeof(k.bytes)) {
			memset(&k, 0, sizeof(k));
			k.bytes[0] = 'C';
			memcpy(k.bytes + 1, h->cid, h->cid_len);
			k.len = (uint16_t)(1 + h->cid_len);
			hostkey_add(p, &k, (uint32_t)i);
		}
		if (hw_key(h->htype, h->hlen, h->hwaddr, &k))
			hostkey_add(p, &k, (uint32_t)i);
	}
	return POOL_OK;
}

/*
 * Put the dynamic slots of cr (one class Range) that no earlier class
 * took into group g; returns how many.  Walks only the overlap of cr
 * with the pool's ranges, so a Range of another subnet costs nothing
 * but the comparisons.
 */
static uint32_t
mark_class_range(struct pool *p, const struct cfg_range *cr, uint8_t g)
{
	uint32_t	 n = 0;

	for (size_t i = 0; i < p->nranges; i++) {
		const struct pool_range *r = &p->ranges[i];
		uint32_t lo = cr->lo > r->lo ? cr->lo : r->lo;
		uint32_t hi = cr->hi < r->hi ? cr->hi : r->hi;

		if (lo > hi)
			continue;	/* no overlap */
		for (uint64_t a = lo; a <= hi; a++) {
			struct pool_slot *s =
			    &p->slots[r->base + ((uint32_t)a - r->lo)];

			if (s->kind != SLOT_DYNAMIC || s->group != GROUP_OPEN)
				continue;
			s->group = g;
			n++;
		}
	}
	return n;
}

/*
 * The groups (pool.h, "Client classes"): a class gets one when its
 * ranges hold at least one dynamic address of this pool -- one that is
 * excluded or a host's reservation is not the class's to give, and a
 * class with nothing to give here does not restrict its members here.
 * Class ranges do not overlap (the loader sees to it); if they did, the
 * lower class would keep the address.  O(classes * ranges + addresses
 * in class ranges), at start-up only.
 */
static void
mark_groups(struct pool *p, const struct config *cfg)
{
	size_t		 nclasses = cfg->classes == NULL ? 0 : cfg->nclasses;

	p->ngroups = 1;
	if (nclasses > CFG_MAX_CLASSES)
		nclasses = CFG_MAX_CLASSES;
	for (size_t i = 0; i < nclasses; i++) {
		const struct cfg_class *cl = &cfg->classes[i];
		uint8_t		 g = (uint8_t)p->ngroups;
		uint32_t	 n = 0;

		for (size_t j = 0; j < cl->nranges && j < CFG_MAX_RANGES; j++)
			n += mark_class_range(p, &cl->ranges[j], g);
		if (n == 0)
			continue;
		p->class_grp[i] = g;
		p->grp_class[g] = (uint8_t)i;
		p->class_mask |= (uint64_t)1 << i;
		p->ngroups++;
	}
}

/*
 * Each cell's heaps, carved from one block (a cell's heap never holds
 * more records than the cell has slots: non-dynamic slots count in the
 * open group's primary part, where their running timers are kept), and
 * its cursors, starting at the cell's first and last slot.
 */
static enum pool_err
build_groups(struct pool *p)
{
	struct pool_hnode *v;
	uint32_t	 slot, g, part;

	p->grp = calloc(p->ngroups, sizeof(*p->grp));
	p->heapmem = calloc(2 * (size_t)p->nslots + 1, sizeof(*p->heapmem));
	if (p->grp == NULL || p->heapmem == NULL)
		return POOL_ERR_NOMEM;
	for (g = 0; g < p->ngroups; g++)
		for (part = 0; part < PART_COUNT; part++)
			p->grp[g].cursor[part] = p->nslots;
	for (slot = 0; slot < p->nslots; slot++) {
		const struct pool_slot *s = &p->slots[slot];
		struct pool_grp *gr = &p->grp[s->group];

		gr->active[s->part].n++;	/* a count, for now */
		if (s->kind != SLOT_DYNAMIC)
			continue;
		if (gr->cursor[s->part] == p->nslots)
			gr->cursor[s->part] = slot;
		if (s->part == PART_OWN)
			gr->rcursor = slot + 1;
	}
	v = p->heapmem;
	for (g = 0; g < p->ngroups; g++) {
		for (part = 0; part < PART_COUNT; part++) {
			struct pool_grp *gr = &p->grp[g];
			uint32_t	 n = gr->active[part].n;

			gr->active[part].v = v;
			gr->idle[part].v = v + n;
			gr->active[part].n = 0;
			v += 2 * (size_t)n;
		}
	}
	return POOL_OK;
}

/* Counters of a pool nothing is bound in yet. */
static void
count_slots(struct pool *p)
{
	for (uint32_t slot = 0; slot < p->nslots; slot++) {
		const struct pool_slot *s = &p->slots[slot];

		switch (s->kind) {
		case SLOT_DYNAMIC:
			p->st.total++;
			p->grp[s->group].nunused[s->part]++;
			break;
		case SLOT_RESERVED:
			p->st.reserved++;
			break;
		default:
			p->st.excluded++;
			break;
		}
	}
	p->st.free = p->st.total;
	p->st.share_free = p->st.share_total;
}

static enum pool_err
pool_build(struct pool *p, struct pool_set *set, size_t idx)
{
	const struct config *cfg = set->cfg;
	const struct cfg_subnet *sn = &cfg->subnets[idx];
	uint32_t	 first, last;
	uint64_t	 naddrs;
	size_t		 nhosts;
	enum pool_err	 pe;

	p->set = set;
	p->sn = sn;
	p->idx = idx;
	p->serving = true;
	p->mask = sn->mask;
	p->network = sn->network & sn->mask;
	first = p->network;
	last = p->network | ~p->mask;

	if (!pool_subnet_fits(sn, &naddrs))
		return POOL_ERR_TOO_BIG;
	if ((pe = build_ranges(p)) != POOL_OK ||
	    (pe = build_extra(p, cfg, &nhosts)) != POOL_OK ||
	    (pe = build_slots(p)) != POOL_OK)
		return pe;
	mark_kinds(p, cfg, first, last);
	if ((pe = build_hostkeys(p, cfg, nhosts)) != POOL_OK)
		return pe;
	mark_share(p);
	mark_groups(p, cfg);
	if ((pe = build_groups(p)) != POOL_OK)
		return pe;
	count_slots(p);
	return POOL_OK;
}

static void
pool_destroy(struct pool *p)
{
	struct pool_chunk *c;

	while ((c = p->chunks) != NULL) {
		p->chunks = c->next;
		free(c);
	}
	free(p->slots);
	free(p->ranges);
	free(p->extra);
	free(p->buckets);
	free(p->hkeys);
	free(p->hkbuckets);
	free(p->grp);
	free(p->heapmem);
}

enum pool_err
pool_set_new(const struct config *cfg, uint64_t hash_seed,
    struct pool_set **out)
{
	struct pool_set	*set;
	enum pool_err	 err;
	size_t		 i;

	*out = NULL;
	if ((set = calloc(1, sizeof(*set))) == NULL)
		return POOL_ERR_NOMEM;
	set->cfg = cfg;
	set->k0 = hash_seed;
	set->k1 = hash_seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	if (cfg->nsubnets > 0 &&
	    (set->pools = calloc(cfg->nsubnets, sizeof(*set->pools))) ==
	    NULL) {
		free(set);
		return POOL_ERR_NOMEM;
	}
	set->npools = cfg->nsubnets;
	for (i = 0; i < set->npools; i++) {
		if ((err = pool_build(&set->pools[i], set, i)) != POOL_OK) {
			pool_set_free(set);
			return err;
		}
	}
	*out = set;
	return POOL_OK;
}

void
pool_set_free(struct pool_set *set)
{
	size_t		 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->npools; i++)
		pool_destroy(&set->pools[i]);
	free(set->pools);
	free(set);
}

size_t
pool_set_count(const struct pool_set *set)
{
	return set->npools;
}

struct pool *
pool_set_get(struct pool_set *set, size_t i)
{
	return i < set->npools ? &set->pools[i] : NULL;
}

struct pool *
pool_set_find(struct pool_set *set, uint32_t addr)
{
	size_t		 i;

	if (addr == 0)
		return NULL;
	for (i = 0; i < set->npools; i++)
		if ((addr & set->pools[i].mask) == set->pools[i].network)
			return &set->pools[i];
	return NULL;
}

/*
 * Accessors.
 */
const struct cfg_subnet *
pool_subnet(const struct pool *p)
{
	return p->sn;
}

size_t
pool_index(const struct pool *p)
{
	return p->idx;
}

bool
pool_contains(const struct pool *p, uint32_t addr)
{
	return (addr & p->mask) == p->network;
}

void
pool_set_serving(struct pool *p, bool on)
{
	p->serving = on;
}

bool
pool_is_serving(const struct pool *p)
{
	return p->serving;
}

enum pool_addr_kind
pool_addr_kind(const struct pool *p, uint32_t addr)
{
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot))
		return POOL_ADDR_OUTSIDE;
	switch (p->slots[slot].kind) {
	case SLOT_DYNAMIC:
		return POOL_ADDR_DYNAMIC;
	case SLOT_RESERVED:
		return POOL_ADDR_RESERVED;
	default:
		return POOL_ADDR_EXCLUDED;
	}
}

const struct cfg_host *
pool_addr_host(const struct pool *p, uint32_t addr)
{
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot) || p->slots[slot].host == NO_HOST)
		return NULL;
	return &p->set->cfg->hosts[p->slots[slot].host];
}

const struct cfg_host *
pool_host_for(const struct pool *p, const struct pool_client *c)
{
	uint32_t	 h = host_lookup(p, c);

	return h == NO_HOST ? NULL : &p->set->cfg->hosts[h];
}

const struct lease *
pool_lease_at(const struct pool *p, uint32_t addr)
{
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot) || p->slots[slot].ent == NULL)
		return NULL;
	return &p->slots[slot].ent->l;
}

bool
pool_lease_is_client(const struct lease *l, const struct pool_client *c)
{
	return l != NULL && c != NULL && l->key.len > 0 &&
	    l->state != LEASE_DECLINED && l->state != LEASE_CONFLICT &&
	    key_eq(&l->key, &c->key);
}

/*
 * The client's classes that have a group here; 0 puts it in the open
 * group.  One AND: a pool without class ranges has class_mask 0.
 */
static uint64_t
client_classes(const struct pool *p, const struct pool_client *c)
{
	return c == NULL ? 0 : c->classes & p->class_mask;
}

/*
 * Index of the lowest bit set in m (m != 0), by de Bruijn
 * multiplication: O(1) without compiler builtins.
 */
static unsigned
lowest_bit(uint64_t m)
{
	static const uint8_t tab[64] = {
		 0,  1, 48,  2, 57, 49, 28,  3, 61, 58, 50, 42, 38, 29, 17,  4,
		62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12,  5,
		63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
		46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19,  9, 13,  8,  7,  6
	};

	return tab[((m & (~m + 1)) * 0x03f79d71b4cb0a89ULL) >> 58];
}

/*
 * The client's next group to try, and its class taken off *m: groups
 * come in class order; with *m == 0 (no class here) the open group.
 */
static uint8_t
next_group(const struct pool *p, uint64_t *m)
{
	unsigned	 i;

	if (*m == 0)
		return GROUP_OPEN;
	i = lowest_bit(*m);
	*m &= *m - 1;
	return p->class_grp[i];
}

/*
 * May the client have the address of slot (pool.h, "Client classes")?
 * A class's address only if it is a member; an open one only if it is
 * a member of no class with addresses here.  Reservations and excluded
 * addresses are left to their own rules.  O(1).
 */
static bool
slot_allowed(const struct pool *p, uint32_t slot,
    const struct pool_client *c)
{
	const struct pool_slot *s = &p->slots[slot];
	uint64_t	 m;

	if (s->kind != SLOT_DYNAMIC)
		return true;
	m = client_classes(p, c);
	if (s->group == GROUP_OPEN)
		return m == 0;
	return (m >> p->grp_class[s->group]) & 1;
}

static int
client_rank(const struct pool_ent *e, int64_t now)
{
	if (e->l.ends > now && e->l.state == LEASE_BOUND)
		return 2;
	if (e->l.ends > now && e->l.state == LEASE_OFFERED)
		return 1;
	return 0;
}

/*
 * The client's best record (client_rank, then the latest `ends`); with
 * `allowed`, among those whose address its classes allow it now, so a
 * client whose classes changed finds the record it made since, not the
 * one it may no longer have.
 */
static struct pool_ent *
client_ent(const struct pool *p, const struct pool_client *c, int64_t now,
    bool allowed)
{
	struct pool_ent	*e, *best = NULL;
	uint32_t	 h;

	if (c == NULL || c->key.len == 0)
		return NULL;
	h = key_hash(p->set, &c->key);
	for (e = p->buckets[h & p->hmask]; e != NULL; e = e->hnext) {
		if (e->hash != h || !key_eq(&e->l.key, &c->key))
			continue;
		if (allowed && !slot_allowed(p, e->slot, c))
			continue;
		if (best == NULL || client_rank(e, now) >
		    client_rank(best, now) ||
		    (client_rank(e, now) == client_rank(best, now) &&
		    e->l.ends > best->l.ends))
			best = e;
	}
	return best;
}

const struct lease *
pool_find_for_client(const struct pool *p, const struct pool_client *c,
    int64_t now)
{
	struct pool_ent	*e = client_ent(p, c, now, false);

	return e == NULL ? NULL : &e->l;
}

static bool
slot_available(const struct pool *p, uint32_t slot,
    const struct pool_client *c, int64_t now)
{
	const struct pool_slot *s = &p->slots[slot];

	if (s->kind == SLOT_EXCLUDED)
		return false;
	if (s->kind == SLOT_RESERVED && (s->host == NO_HOST ||
	    host_lookup(p, c) != s->host))
		return false;
	if (!slot_allowed(p, slot, c))
		return false;
	if (s->ent == NULL || ent_is_client(s->ent, c))
		return true;
	return s->ent->l.ends <= now;
}

bool
pool_addr_available(const struct pool *p, uint32_t addr,
    const struct pool_client *c, int64_t now)
{
	uint32_t	 slot;

	return find_slot(p, addr, &slot) && slot_available(p, slot, c, now);
}

/*
 * The next never-used dynamic slot of a cell (group g, part), or
 * NO_INDEX.  Slots never go back to unused, so the cursor only moves
 * forward past used ones and those of other cells; it does not move past
 * the slot it returns, so a repeated call gives the same answer.  Each
 * cursor passes a slot at most once: amortised O(1).
 */
static uint32_t
unused_up(struct pool *p, uint8_t g, enum part part)
{
	uint32_t	*c = &p->grp[g].cursor[part];

	if (p->grp[g].nunused[part] == 0)
		return NO_INDEX;
	while (*c < p->nslots && (p->slots[*c].ent != NULL ||
	    p->slots[*c].kind != SLOT_DYNAMIC || p->slots[*c].part != part ||
	    p->slots[*c].group != g))
		(*c)++;
	return *c < p->nslots ? *c : NO_INDEX;
}

/* The same from the top down, for the primary's part only. */
static uint32_t
unused_down(struct pool *p, uint8_t g)
{
	uint32_t	*c = &p->grp[g].rcursor;

	if (p->grp[g].nunused[PART_OWN] == 0)
		return NO_INDEX;
	while (*c > 0) {
		const struct pool_slot *s = &p->slots[*c - 1];

		if (s->ent == NULL && s->kind == SLOT_DYNAMIC &&
		    s->part == PART_OWN && s->group == g)
			return *c - 1;
		(*c)--;
	}
	return NO_INDEX;
}

/*
 * The record of a cell reusable for longest (smallest `ends` <= now), or
 * NULL.  The idle heap holds swept ones; a lease whose timer ran out but
 * that the sweep has not reached yet sits at the top of the active heap.
 */
static const struct pool_ent *
reusable_oldest(const struct pool *p, uint8_t g, enum part part,
    int64_t now)
{
	const struct pool_heap *idle = &p->grp[g].idle[part];
	const struct pool_heap *act = &p->grp[g].active[part];
	const struct pool_ent *a, *b;

	a = idle->n > 0 && idle->v[0].ends <= now ? idle->v[0].e : NULL;
	b = act->n > 0 && act->v[0].ends <= now &&
	    p->slots[act->v[0].e->slot].kind == SLOT_DYNAMIC ? act->v[0].e :
	    NULL;
	if (a == NULL || (b != NULL && b->l.ends < a->l.ends))
		a = b;
	return a;
}

/*
 * The primary's reusable record of group g freed most recently: the one
 * the primary itself would take last (it takes the oldest first).  A
 * scan, O(n): it serves only the failover's degraded mode (borrowing, in
 * a safe period with its share used up).
 */
static const struct pool_ent *
reusable_newest(const struct pool *p, uint8_t g, int64_t now)
{
	const struct pool_heap *idle = &p->grp[g].idle[PART_OWN];
	const struct pool_ent *best = NULL;

	for (uint32_t i = 0; i < idle->n; i++) {
		const struct pool_ent *e = idle->v[i].e;

		if (e->l.ends <= now && (best == NULL || e->l.ends > best->l.ends ||
		    (e->l.ends == best->l.ends && e->l.addr > best->l.addr)))
			best = e;
	}
	return best;
}

/* A never-used address of the cell, else its oldest reusable one. */
static uint32_t
from_part(struct pool *p, uint8_t g, enum part part, int64_t now,
    enum pool_src *src)
{
	const struct pool_ent *e;
	uint32_t	 slot;

	if ((slot = unused_up(p, g, part)) != NO_INDEX) {
		*src = POOL_SRC_NEW;
		return slot_addr(p, slot);
	}
	if ((e = reusable_oldest(p, g, part, now)) != NULL) {
		*src = POOL_SRC_RECLAIMED;
		return e->l.addr;
	}
	return 0;
}

/* Both parts of group g as one: never-used addresses in address order,
 * then the oldest reusable one -- the order of a pool with no share. */
static uint32_t
from_all(struct pool *p, uint8_t g, int64_t now, enum pool_src *src)
{
	const struct pool_ent *a, *b;
	uint32_t	 x = unused_up(p, g, PART_OWN);
	uint32_t	 y = unused_up(p, g, PART_SHARE);

	if (x != NO_INDEX || y != NO_INDEX) {
		*src = POOL_SRC_NEW;
		return slot_addr(p, x < y ? x : y);
	}
	a = reusable_oldest(p, g, PART_OWN, now);
	b = reusable_oldest(p, g, PART_SHARE, now);
	if (a == NULL || (b != NULL && b->l.ends < a->l.ends))
		a = b;
	if (a != NULL) {
		*src = POOL_SRC_RECLAIMED;
		return a->l.addr;
	}
	return 0;
}

/* The primary's free addresses of group g in the order least likely to
 * meet one of its bindings that never reached the failover
 * (docs/safety.md). */
static uint32_t
borrowed(struct pool *p, uint8_t g, int64_t now, enum pool_src *src)
{
	const struct pool_ent *e;
	uint32_t	 slot;

	*src = POOL_SRC_BORROWED;
	if ((slot = unused_down(p, g)) != NO_INDEX)
		return slot_addr(p, slot);
	if ((e = reusable_newest(p, g, now)) != NULL)
		return e->l.addr;
	return 0;
}

bool
pool_scope_limited(enum pool_scope scope)
{
	return scope == POOL_SCOPE_SHARE || scope == POOL_SCOPE_SHARE_BORROW;
}

/* May a new binding of this scope take the address in `slot`? */
static bool
scope_allows(const struct pool *p, uint32_t slot, enum pool_scope scope)
{
	const struct pool_slot *s = &p->slots[slot];

	if (s->kind != SLOT_DYNAMIC)
		return true;		/* reservations are their host's */
	switch (scope) {
	case POOL_SCOPE_PRIMARY:
		return s->part == PART_OWN;
	case POOL_SCOPE_SHARE:
	case POOL_SCOPE_SHARE_BORROW:
		return s->part == PART_SHARE;
	default:
		return true;
	}
}

/* Steps 4 and 5 within group g: the parts the scope may use, in its
 * order (borrowing aside, see from_groups). */
static uint32_t
from_group(struct pool *p, uint8_t g, int64_t now, enum pool_scope scope,
    enum pool_src *src)
{
	uint32_t	 a;

	switch (scope) {
	case POOL_SCOPE_ALL:
		return from_all(p, g, now, src);
	case POOL_SCOPE_PRIMARY:
		if ((a = from_part(p, g, PART_OWN, now, src)) == 0)
			a = from_part(p, g, PART_SHARE, now, src);
		return a;
	case POOL_SCOPE_SHARE:
	case POOL_SCOPE_SHARE_BORROW:
		return from_part(p, g, PART_SHARE, now, src);
	case POOL_SCOPE_SHARE_FIRST:
	default:
		if ((a = from_part(p, g, PART_SHARE, now, src)) == 0)
			a = from_part(p, g, PART_OWN, now, src);
		return a;
	}
}

/*
 * Steps 4 and 5 over the client's groups: each in class order, the
 * scope's parts within each (the open group alone for a client of no
 * class here).  Borrowing waits until the share of every group the
 * client may use is gone: a share address of its next class is safe, a
 * borrowed one may meet a binding the primary never replicated
 * (docs/safety.md), which weighs more than the class order.  Costs one
 * from_group per group tried, each O(1) amortised or O(log n).
 */
static uint32_t
from_groups(struct pool *p, const struct pool_client *c, int64_t now,
    enum pool_scope scope, enum pool_src *src)
{
	uint64_t	 m = client_classes(p, c), left;
	uint32_t	 a;

	left = m;
	do {
		if ((a = from_group(p, next_group(p, &left), now, scope,
		    src)) != 0)
			return a;
	} while (left != 0);
	if (scope != POOL_SCOPE_SHARE_BORROW)
		return 0;
	left = m;
	do {
		if ((a = borrowed(p, next_group(p, &left), now, src)) != 0)
			return a;
	} while (left != 0);
	return 0;
}

/*
 * Class rules (pool.h): slot_available() refuses an address of a group
 * the client may not use, so steps 1-3 need nothing more (a reservation
 * is no group's); client_ent(.., true) passes over a record of such a
 * group so a member's newer record is found; steps 4 and 5 walk only
 * its groups (from_groups).  Without classes each of these is one AND.
 */
uint32_t
pool_allocate(struct pool *p, const struct pool_client *c,
    uint32_t requested, int64_t now, enum pool_scope scope,
    enum pool_src *src)
{
	const struct pool_ent *e;
	uint32_t	 h, slot, a;
	enum pool_src	 dummy;

	if (src == NULL)
		src = &dummy;

	/* 1. A reservation, unless something else still holds it. */
	if ((h = host_lookup(p, c)) != NO_HOST &&
	    find_slot(p, p->set->cfg->hosts[h].addr, &slot) &&
	    slot_available(p, slot, c, now)) {
		*src = POOL_SRC_RESERVED;
		return p->set->cfg->hosts[h].addr;
	}

	/*
	 * 2. The client's own lease: RFC 2131 4.3.1 prefers it.  Within a
	 * limited scope only if the client still holds it or it is in the
	 * share: a lease of the primary's that ran out in our copy may
	 * have been renewed or given away there since.  Only a record in
	 * a group the client may use now (pool.h, "Client classes").
	 */
	if ((e = client_ent(p, c, now, true)) != NULL &&
	    slot_available(p, e->slot, c, now) &&
	    (!pool_scope_limited(scope) || scope_allows(p, e->slot, scope) ||
	    (e->l.ends > now && (e->l.state == LEASE_BOUND ||
	    e->l.state == LEASE_OFFERED)))) {
		*src = POOL_SRC_EXISTING;
		return e->l.addr;
	}

	/* 3. The address it asked for (option 50), 4.3.1 again, if this
	 * scope may give it to a new client and it is in one of the
	 * client's groups. */
	if (requested != 0 && find_slot(p, requested, &slot) &&
	    slot_available(p, slot, c, now) && scope_allows(p, slot, scope)) {
		*src = POOL_SRC_REQUESTED;
		return requested;
	}

	/* 4, 5. A never-used address, else the one reusable for longest,
	 * from the groups the client may use and the parts this scope may
	 * use, in their order. */
	if ((a = from_groups(p, c, now, scope, src)) == 0)
		*src = POOL_SRC_NONE;
	return a;
}

bool
pool_in_share(const struct pool *p, uint32_t addr)
{
	uint32_t	 slot;

	return find_slot(p, addr, &slot) &&
	    p->slots[slot].kind == SLOT_DYNAMIC &&
	    p->slots[slot].part == PART_SHARE;
}

/*
 * A new record in slot: client c (NULL: nobody) in `state` from now to
 * ends.  The counters move with it.
 */
static enum pool_err
slot_bind(struct pool *p, uint32_t slot, const struct pool_client *c,
    enum lease_state state, int64_t now, int64_t ends, struct lease *out)
{
	struct pool_ent	*e;

	stat_adj(p, slot, -1);
	if ((e = ent_get(p, slot)) == NULL) {
		stat_adj(p, slot, +1);
		return POOL_ERR_NOMEM;
	}
	ent_set_owner(p, e, c, false);
	e->l.state = state;
	e->l.starts = now;
	e->l.cltt = now;
	e->l.ends = ends;
	stat_adj(p, slot, +1);
	ent_done(p, e, out);
	return POOL_OK;
}

/*
 * State changes.
 */
enum pool_err
pool_offer(struct pool *p, const struct pool_client *c, uint32_t addr,
    int64_t now, struct lease *out)
{
	struct pool_ent	*e;
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot))
		return POOL_ERR_NOADDR;
	if (!slot_available(p, slot, c, now))
		return POOL_ERR_BUSY;
	e = p->slots[slot].ent;
	if (e != NULL && ent_is_client(e, c) && e->l.state == LEASE_BOUND &&
	    e->l.ends > now) {
		/*
		 * The client lost track of a binding it still has: offering
		 * it again must not shorten it to MaxPendingSeconds.
		 */
		if (out != NULL)
			*out = e->l;
		return POOL_OK;
	}
	return slot_bind(p, slot, c, LEASE_OFFERED, now,
	    now + (int64_t)p->set->cfg->server.max_pending_secs, out);
}

enum pool_err
pool_bind(struct pool *p, const struct pool_client *c, uint32_t addr,
    int64_t now, uint32_t lease_secs, struct lease *out)
{
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot))
		return POOL_ERR_NOADDR;
	if (!slot_available(p, slot, c, now))
		return POOL_ERR_BUSY;
	return slot_bind(p, slot, c, LEASE_BOUND, now,
	    now + (int64_t)lease_secs, out);
}

/* The client's record at addr, or an error why not. */
static enum pool_err
own_ent(struct pool *p, const struct pool_client *c, uint32_t addr,
    struct pool_ent **ep)
{
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot))
		return POOL_ERR_NOADDR;
	if (p->slots[slot].ent == NULL ||
	    !ent_is_client(p->slots[slot].ent, c))
		return POOL_ERR_NOTOWNER;
	*ep = p->slots[slot].ent;
	if ((*ep)->l.state != LEASE_BOUND && (*ep)->l.state != LEASE_OFFERED)
		return POOL_ERR_STATE;
	return POOL_OK;
}

/*
 * The client gives addr back (`declined`: it found it in use).  The
 * change is made between the counters' removal and re-entry.
 */
static enum pool_err
give_back(struct pool *p, const struct pool_client *c, uint32_t addr,
    int64_t now, bool declined, struct lease *out)
{
	struct pool_ent	*e = NULL;
	enum pool_err	 err;

	if ((err = own_ent(p, c, addr, &e)) != POOL_OK)
		return err;
	stat_adj(p, e->slot, -1);
	if (declined) {
		/*
		 * RFC 2131 4.3.3: the address is in use by something else;
		 * mark it unavailable (for MaxUnavailableTime) and do not
		 * tie the client to it any longer, so its next DISCOVER
		 * gets another one.
		 */
		ent_set_owner(p, e, NULL, true);
		e->l.state = LEASE_DECLINED;
		e->l.ends = now +
		    (int64_t)p->set->cfg->server.max_unavailable_time;
	} else {
		/*
		 * RFC 2131 4.3.4: the server marks the address not
		 * allocated but SHOULD keep the client's record, so it
		 * stays attached and the client gets it back.  An offer the
		 * client turned down (it chose another server, 4.3.2) is
		 * simply FREE again.
		 */
		e->l.state = e->l.state == LEASE_BOUND ? LEASE_RELEASED :
		    LEASE_FREE;
		if (e->l.ends > now)
			e->l.ends = now;
	}
	e->l.cltt = now;
	stat_adj(p, e->slot, +1);
	ent_done(p, e, out);
	return POOL_OK;
}

enum pool_err
pool_release(struct pool *p, const struct pool_client *c, uint32_t addr,
    int64_t now, struct lease *out)
{
	return give_back(p, c, addr, now, false, out);
}

enum pool_err
pool_decline(struct pool *p, const struct pool_client *c, uint32_t addr,
    int64_t now, struct lease *out)
{
	return give_back(p, c, addr, now, true, out);
}

enum pool_err
pool_conflict(struct pool *p, uint32_t addr, int64_t now, struct lease *out)
{
	struct pool_ent	*e;
	uint32_t	 slot;

	if (!find_slot(p, addr, &slot))
		return POOL_ERR_NOADDR;
	e = p->slots[slot].ent;
	if (e != NULL && e->l.ends > now && (e->l.state == LEASE_BOUND ||
	    e->l.state == LEASE_OFFERED))
		return POOL_ERR_BUSY;	/* someone we know answered */
	return slot_bind(p, slot, NULL, LEASE_CONFLICT, now,
	    now + (int64_t)p->set->cfg->server.max_unavailable_time, out);
}

/*
 * The active heap whose top ends first, as one heap over the pool would
 * give it (ties: the lower group, then the primary's part), or NULL.
 * O(groups) per call: two heaps for a pool without class ranges, at
 * most 2 * POOL_MAX_GROUPS with them -- a handful of compares for each
 * lease the sweep changes, against keeping a heap of heaps in step on
 * every change.
 */
static const struct pool_heap *
active_first(const struct pool *p)
{
	const struct pool_heap *best = NULL;

	for (uint32_t g = 0; g < p->ngroups; g++) {
		for (unsigned part = PART_OWN; part < PART_COUNT; part++) {
			const struct pool_heap *h = &p->grp[g].active[part];

			if (h->n > 0 && (best == NULL ||
			    h->v[0].ends < best->v[0].ends))
				best = h;
		}
	}
	return best;
}

size_t
pool_expire(struct pool *p, int64_t now, size_t max, pool_change_cb *cb,
    void *arg)
{
	const struct pool_heap *a;
	struct pool_ent	*e;
	size_t		 n = 0;

	while (n < max) {
		if ((a = active_first(p)) == NULL || a->v[0].ends > now)
			break;
		e = a->v[0].e;
		stat_adj(p, e->slot, -1);
		/*
		 * RFC 2131 4.3.1 asks servers to keep an expired client's
		 * address for it as long as they can: the record stays
		 * attached, only quarantined ones were detached already.
		 */
		e->l.state = e->l.state == LEASE_BOUND ? LEASE_EXPIRED :
		    LEASE_FREE;
		stat_adj(p, e->slot, +1);
		ent_done(p, e, NULL);
		if (cb != NULL)
			cb(p, &e->l, arg);
		n++;
	}
	return n;
}

size_t
pool_set_expire(struct pool_set *set, int64_t now, size_t max,
    pool_change_cb *cb, void *arg)
{
	size_t		 i, done = 0;

	if (set->npools == 0)
		return 0;
	for (i = 0; i < set->npools && done < max; i++) {
		size_t	 k = (set->expire_next + i) % set->npools;

		done += pool_expire(&set->pools[k], now, max - done, cb, arg);
	}
	set->expire_next = (set->expire_next + 1) % set->npools;
	return done;
}

enum pool_load
pool_load_lease(struct pool_set *set, const struct lease *l)
{
	struct pool	*p;
	struct pool_ent	*e;
	uint32_t	 slot;
	bool		 attach, same;

	if (l->addr == 0 || l->state >= LEASE_STATE_COUNT ||
	    l->key.len > DHCP_CLIENT_KEY_MAX || l->hlen > DHCP_CHADDR_LEN)
		return POOL_LOAD_INVALID;
	if ((p = pool_set_find(set, l->addr)) == NULL)
		return POOL_LOAD_NO_SUBNET;
	if (!find_slot(p, l->addr, &slot))
		return POOL_LOAD_OUTSIDE;
	stat_adj(p, slot, -1);
	if ((e = ent_get(p, slot)) == NULL) {
		stat_adj(p, slot, +1);
		return POOL_LOAD_NOMEM;
	}
	/* Quarantined records are detached whatever the store says. */
	attach = l->state != LEASE_DECLINED && l->state != LEASE_CONFLICT;
	/* A renewal (the same client again) keeps its place in the client
	 * hash: finding it in its chain is a cache miss or two per update
	 * on a failover that replays a busy primary. */
	same = attach && e->hashed && key_eq(&e->l.key, &l->key);
	if (!same)
		ent_unhash(p, e);
	e->l = *l;
	e->l.hostname[sizeof(e->l.hostname) - 1] = '\0';
	if (attach && !same)
		ent_hash(p, e);
	stat_adj(p, slot, +1);
	ent_place(p, e);
	if (l->seq > set->seq)
		set->seq = l->seq;
	return p->slots[slot].kind == SLOT_EXCLUDED ? POOL_LOAD_EXCLUDED :
	    POOL_LOAD_OK;
}

uint64_t
pool_set_next_seq(struct pool_set *set)
{
	return ++set->seq;
}

void
pool_set_raise_seq(struct pool_set *set, uint64_t seq)
{
	if (seq > set->seq)
		set->seq = seq;
}

void
pool_stats(const struct pool *p, struct pool_stats *st)
{
	*st = p->st;
}

uint32_t
pool_stats_in_use(const struct pool_stats *st)
{
	return st->offered + st->bound;
}

const struct lease *
pool_next_lease(const struct pool *p, size_t *cursor)
{
	size_t		 i;

	for (i = *cursor; i < p->nslots; i++) {
		if (p->slots[i].ent != NULL) {
			*cursor = i + 1;
			return &p->slots[i].ent->l;
		}
	}
	*cursor = p->nslots;
	return NULL;
}

/* Heap `id` of cell (g, part): order, positions, and every record's
 * slot in that cell. */
static int
heap_check(const struct pool *p, const struct pool_heap *h, uint8_t id,
    uint32_t g, unsigned part)
{
	uint32_t	 i;

	for (i = 0; i < h->n; i++) {
		const struct pool_ent *e = h->v[i].e;
		const struct pool_slot *s = &p->slots[e->slot];

		if (e->heap != id || e->hpos != i || s->ent != e ||
		    s->group != g || s->part != part)
			return -1;
		if (h->v[i].ends != e->l.ends ||
		    (i > 0 && h->v[(i - 1) / 2].ends > e->l.ends))
			return -2;
	}
	return 0;
}

/* Every cell's heaps; *n: the records they hold. */
static int
heaps_check(const struct pool *p, uint32_t *n)
{
	int		 rc;

	*n = 0;
	for (uint32_t g = 0; g < p->ngroups; g++) {
		for (unsigned part = 0; part < PART_COUNT; part++) {
			const struct pool_grp *gr = &p->grp[g];

			if ((rc = heap_check(p, &gr->active[part], HEAP_ACTIVE,
			    g, part)) != 0 ||
			    (rc = heap_check(p, &gr->idle[part], HEAP_IDLE,
			    g, part)) != 0)
				return rc;
			*n += gr->active[part].n + gr->idle[part].n;
		}
	}
	return 0;
}

/* What pool_selfcheck() recounts from the slots. */
struct recount {
	struct pool_stats st;
	uint32_t	 nheaped, nhashed;
	uint32_t	 unused[POOL_MAX_GROUPS][PART_COUNT];
};

static void
recount_kind(struct recount *c, const struct pool_slot *s)
{
	const struct pool_ent *e = s->ent;

	switch (s->kind) {
	case SLOT_DYNAMIC:
		c->st.total++;
		if (s->part == PART_SHARE) {
			c->st.share_total++;
			if (e == NULL || !timed_state(e->l.state))
				c->st.share_free++;
		}
		break;
	case SLOT_RESERVED:
		c->st.reserved++;
		break;
	default:
		c->st.excluded++;
		break;
	}
}

static void
recount_state(struct recount *c, const struct pool_slot *s)
{
	enum lease_state state = s->ent->l.state;

	if (s->kind == SLOT_RESERVED) {
		if (state == LEASE_OFFERED || state == LEASE_BOUND)
			c->st.reserved_bound++;
		return;
	}
	if (s->kind != SLOT_DYNAMIC)
		return;
	switch (state) {
	case LEASE_OFFERED:
		c->st.offered++;
		break;
	case LEASE_BOUND:
		c->st.bound++;
		break;
	case LEASE_DECLINED:
		c->st.declined++;
		break;
	case LEASE_CONFLICT:
		c->st.conflict++;
		break;
	default:
		c->st.free++;
		break;
	}
}

/* The record of slot i against its slot, heaps and hash: 0 or -3..-7. */
static int
check_ent(const struct pool *p, uint32_t i, struct recount *c)
{
	const struct pool_slot *s = &p->slots[i];
	const struct pool_ent *e = s->ent;
	bool		 forgets;	/* its client is not kept */

	if (e->slot != i || e->l.addr != slot_addr(p, i))
		return -3;
	if (e->heap != HEAP_NONE)
		c->nheaped++;
	if (timed_state(e->l.state) != (e->heap == HEAP_ACTIVE))
		return -4;
	if (!timed_state(e->l.state) && e->heap !=
	    (s->kind == SLOT_DYNAMIC ? HEAP_IDLE : HEAP_NONE))
		return -5;
	forgets = e->l.state == LEASE_DECLINED || e->l.state == LEASE_CONFLICT;
	if (e->hashed) {
		c->nhashed++;
		if (e->l.key.len == 0 ||
		    e->hash != key_hash(p->set, &e->l.key) || forgets)
			return -6;
	} else if (e->l.key.len != 0 && !forgets)
		return -7;
	return 0;
}

/* Every hashed record is in the chain of its bucket, and only those. */
static int
check_chains(const struct pool *p, uint32_t nhashed)
{
	uint32_t	 nchained = 0;

	for (uint32_t i = 0; i <= p->hmask; i++) {
		const struct pool_ent *e;

		for (e = p->buckets[i]; e != NULL; e = e->hnext) {
			if (!e->hashed || (e->hash & p->hmask) != i)
				return -9;
			nchained++;
		}
	}
	return nchained == nhashed ? 0 : -10;
}

/* A slot's cell: only dynamic slots leave the open group's primary
 * part, and a class group is one this pool has: -13 if not. */
static bool
slot_cell_ok(const struct pool *p, const struct pool_slot *s)
{
	if (s->group >= p->ngroups || s->part >= PART_COUNT)
		return false;
	return s->kind == SLOT_DYNAMIC ||
	    (s->part == PART_OWN && s->group == GROUP_OPEN);
}

/* The recount against the pool's own counts: 0, -8, -10..-12. */
static int
check_totals(const struct pool *p, const struct recount *c,
    uint32_t nheaped)
{
	int		 rc;

	if (c->nheaped != nheaped)
		return -8;
	if ((rc = check_chains(p, c->nhashed)) != 0)
		return rc;
	for (uint32_t g = 0; g < p->ngroups; g++)
		for (unsigned part = 0; part < PART_COUNT; part++)
			if (c->unused[g][part] != p->grp[g].nunused[part])
				return -11;
	if (memcmp(&c->st, &p->st, sizeof(c->st)) != 0)
		return -12;
	return 0;
}

int
pool_selfcheck(const struct pool *p)
{
	struct recount	 c;
	uint32_t	 nheaped;
	int		 rc;

	if ((rc = heaps_check(p, &nheaped)) != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	for (uint32_t i = 0; i < p->nslots; i++) {
		const struct pool_slot *s = &p->slots[i];

		if (!slot_cell_ok(p, s))
			return -13;
		recount_kind(&c, s);
		if (s->ent == NULL) {
			if (s->kind == SLOT_DYNAMIC) {
				c.st.free++;
				c.unused[s->group][s->part]++;
			}
			continue;
		}
		if ((rc = check_ent(p, i, &c)) != 0)
			return rc;
		recount_state(&c, s);
	}
	return check_totals(p, &c, nheaped);
}
