/*
 * Unit tests: common/store/lease_db.c on a real Berkeley DB environment in a
 * temporary directory: durability across reopen, batches that must not
 * survive, both indexes, store identity, corrupt records, a SIGKILL in
 * the middle of a stream of commits, and a full file system.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_db.h"
#include "tmpdir_testutil.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */
#define NET2	0xcb007100u	/* 203.0.113.0 */

struct fixture {
	char	 dir[64];
};

static char	 errbuf[256];

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if (!tmpdir_make(fx->dir, sizeof(fx->dir), "test_lease_db"))
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

static struct lease_env *
env_open(const char *dir)
{
	struct lease_env *env = lease_env_open(dir, errbuf, sizeof(errbuf));

	if (env == NULL)
		fail_msg("lease_env_open: %s", errbuf);
	return env;
}

static struct lease_db *
db_open(struct lease_env *env, const char *name)
{
	struct lease_db *db = lease_db_open(env, name, errbuf, sizeof(errbuf));

	if (db == NULL)
		fail_msg("lease_db_open: %s", errbuf);
	return db;
}

/* A bound lease of client number `client` at addr. */
static void
mklease(struct lease *l, uint32_t addr, unsigned client)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[0] = 0x02;
	l->chaddr[4] = (uint8_t)(client >> 8);
	l->chaddr[5] = (uint8_t)client;
	l->key.len = 1 + 1 + 6;
	l->key.bytes[0] = 'H';
	l->key.bytes[1] = 1;
	memcpy(l->key.bytes + 2, l->chaddr, 6);
	l->starts = 1700000000 + (int64_t)addr % 1000;
	l->ends = l->starts + 3600;
	l->cltt = l->starts;
	snprintf(l->hostname, sizeof(l->hostname), "host-%u", client);
}

struct addrs {
	size_t		 n;
	uint32_t	 a[50000];
};

static int
collect(const struct lease *l, void *arg)
{
	struct addrs *v = arg;

	if (v->n < sizeof(v->a) / sizeof(v->a[0]))
		v->a[v->n++] = l->addr;
	return 0;
}

static struct addrs *
walk(struct lease_db *db)
{
	struct addrs *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	assert_int_equal(lease_db_foreach(db, collect, v), 0);
	return v;
}

/* The leases of one client, found by a walk (the store keeps no index by
 * client: the daemons' pools are that index). */
struct client_walk {
	struct dhcp_client_key	 key;
	struct addrs		*v;
};

static int
collect_client(const struct lease *l, void *arg)
{
	struct client_walk *w = arg;

	if (l->key.len == w->key.len &&
	    memcmp(l->key.bytes, w->key.bytes, l->key.len) == 0)
		return collect(l, w->v);
	return 0;
}

static struct addrs *
walk_client(struct lease_db *db, unsigned client)
{
	struct client_walk w;
	struct lease	 l;

	w.v = calloc(1, sizeof(*w.v));
	assert_non_null(w.v);
	mklease(&l, 0, client);
	w.key = l.key;
	assert_int_equal(lease_db_foreach(db, collect_client, &w), 0);
	return w.v;
}

static void
assert_lease(struct lease_db *db, uint32_t addr, unsigned client)
{
	struct lease	 want, got;

	mklease(&want, addr, client);
	assert_int_equal(lease_db_get(db, addr, &got), 0);
	assert_memory_equal(&got, &want, sizeof(want));
}

static void
create_reopen(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v;
	struct stat	 st;
	char		 sub[128];
	unsigned	 i;

	/* Missing parents are created, mode 0750. */
	snprintf(sub, sizeof(sub), "%s/a/b", fx->dir);
	env = env_open(sub);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	assert_false(lease_db_exists(env, "p1"));
	db = db_open(env, "p1");
	assert_true(lease_db_exists(env, "p1"));
	for (i = 0; i < 3; i++) {
		mklease(&l, NET1 + 10 + i, i);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	assert_int_equal(lease_db_staged(db), 3);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_staged(db), 0);
	lease_db_close(db);
	lease_env_close(env);

	env = env_open(sub);
	db = db_open(env, "p1");
	for (i = 0; i < 3; i++)
		assert_lease(db, NET1 + 10 + i, i);
	assert_int_equal(lease_db_get(db, NET1 + 13, &l), ENOENT);
	v = walk(db);
	assert_int_equal(v->n, 3);
	free(v);
	lease_db_close(db);
	lease_env_close(env);
}

static void
uncommitted_is_lost(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v;
	unsigned	 i;

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	for (i = 0; i < 5; i++) {
		mklease(&l, NET1 + i, i);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);

	/* Reads see the open batch. */
	mklease(&l, NET1 + 100, 100);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_lease(db, NET1 + 100, 100);
	/* lease_db_abort drops it. */
	lease_db_abort(db);
	assert_int_equal(lease_db_staged(db), 0);
	assert_int_equal(lease_db_get(db, NET1 + 100, &l), ENOENT);

	/* Staged, never committed, store closed: gone after reopen. */
	for (i = 5; i < 8; i++) {
		mklease(&l, NET1 + i, i);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	mklease(&l, NET1 + 0, 99);		/* rebind a committed one */
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_stage_delete(db, NET1 + 1), 0);
	assert_int_equal(lease_db_staged(db), 5);
	lease_db_close(db);

	/* Same again, but the environment closes the store itself. */
	db = db_open(env, "p1");
	mklease(&l, NET1 + 200, 200);
	assert_int_equal(lease_db_stage(db, &l), 0);
	lease_env_close(env);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	v = walk(db);
	assert_int_equal(v->n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(v->a[i], NET1 + i);
		assert_lease(db, NET1 + i, i);
	}
	free(v);
	v = walk_client(db, 99);
	assert_int_equal(v->n, 0);
	free(v);
	lease_db_close(db);
	lease_env_close(env);
}

static void
client_leases(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v;

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	/* Client 7 holds a lease in each of two subnets, staged out of
	 * order; client 8 one; a free address has no client. */
	mklease(&l, NET2 + 5, 7);
	assert_int_equal(lease_db_stage(db, &l), 0);
	mklease(&l, NET1 + 5, 7);
	assert_int_equal(lease_db_stage(db, &l), 0);
	mklease(&l, NET1 + 6, 8);
	assert_int_equal(lease_db_stage(db, &l), 0);
	memset(&l, 0, sizeof(l));
	l.addr = NET1 + 7;
	assert_int_equal(lease_db_stage(db, &l), 0);

	/* A walk sees the open batch too. */
	v = walk_client(db, 7);
	assert_int_equal(v->n, 2);
	free(v);
	assert_int_equal(lease_db_commit(db), 0);
	lease_db_close(db);
	lease_env_close(env);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	v = walk_client(db, 7);
	assert_int_equal(v->n, 2);
	assert_int_equal(v->a[0], NET1 + 5);
	assert_int_equal(v->a[1], NET2 + 5);
	free(v);
	v = walk_client(db, 8);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->a[0], NET1 + 6);
	free(v);
	v = walk_client(db, 9);
	assert_int_equal(v->n, 0);
	free(v);

	/* Rebinding an address moves it between clients. */
	mklease(&l, NET2 + 5, 9);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_commit(db), 0);
	v = walk_client(db, 7);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->a[0], NET1 + 5);
	free(v);
	v = walk_client(db, 9);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->a[0], NET2 + 5);
	free(v);
	lease_db_close(db);
	lease_env_close(env);
}

static void
delete_removes_lease(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v;

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	mklease(&l, NET1 + 5, 7);
	assert_int_equal(lease_db_stage(db, &l), 0);
	mklease(&l, NET2 + 5, 7);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_commit(db), 0);

	assert_int_equal(lease_db_stage_delete(db, NET1 + 5), 0);
	/* Absent: not an error, and nothing counted. */
	assert_int_equal(lease_db_stage_delete(db, NET1 + 99), 0);
	assert_int_equal(lease_db_staged(db), 1);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_get(db, NET1 + 5, &l), ENOENT);
	v = walk_client(db, 7);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->a[0], NET2 + 5);
	free(v);
	lease_db_close(db);
	lease_env_close(env);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	assert_int_equal(lease_db_get(db, NET1 + 5, &l), ENOENT);
	v = walk(db);
	assert_int_equal(v->n, 1);
	free(v);
	v = walk_client(db, 7);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->a[0], NET2 + 5);
	free(v);
	lease_db_close(db);
	lease_env_close(env);
}

static int
stop_at_third(const struct lease *l, void *arg)
{
	struct addrs *v = arg;

	collect(l, v);
	return v->n == 3 ? 7 : 0;
}

struct sweep {
	struct lease_db	*db;
	size_t		 n;
};

/* What an expiry sweep does: write from inside the walk. */
static int
expire_all(const struct lease *l, void *arg)
{
	struct sweep	*s = arg;
	struct lease	 e = *l;

	e.state = LEASE_EXPIRED;
	s->n++;
	return lease_db_stage(s->db, &e);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
foreach_order(void **state)
{
	static const uint32_t addrs[] = {
		0xcb007105, 0x00000001, 0xffffffff, 0x80000000, 0x7fffffff,
		0xc6336401, 0xc6336400, 0x80000001, 0x0a000001, 0xc63364ff,
	};
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v;
	struct sweep	 sw;
	uint32_t	 sorted[sizeof(addrs) / sizeof(addrs[0])];
	size_t		 i, n = sizeof(addrs) / sizeof(addrs[0]);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	for (i = 0; i < n; i++) {
		mklease(&l, addrs[i], (unsigned)i);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	memcpy(sorted, addrs, sizeof(sorted));
	qsort(sorted, n, sizeof(sorted[0]), cmp_u32);
	v = walk(db);
	assert_int_equal(v->n, n);
	assert_memory_equal(v->a, sorted, sizeof(sorted));
	/* A read-only walk leaves no batch behind. */
	assert_int_equal(lease_db_staged(db), 0);

	/* A non-zero return stops the walk and is returned. */
	memset(v, 0, sizeof(*v));
	assert_int_equal(lease_db_foreach(db, stop_at_third, v), 7);
	assert_int_equal(v->n, 3);
	free(v);

	/* Writing from the callback joins the batch (and does not hang). */
	sw.db = db;
	sw.n = 0;
	assert_int_equal(lease_db_foreach(db, expire_all, &sw), 0);
	assert_int_equal(sw.n, n);
	assert_int_equal(lease_db_staged(db), n);
	assert_int_equal(lease_db_commit(db), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(lease_db_get(db, addrs[i], &l), 0);
		assert_int_equal(l.state, LEASE_EXPIRED);
	}
	lease_db_close(db);
	lease_env_close(env);
}

static void
store_identity(void **state)
{
	static const uint8_t zero[LEASE_DB_STORE_ID_LEN];
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*a, *b;
	struct lease	 l;
	uint8_t		 ida[LEASE_DB_STORE_ID_LEN], idb[LEASE_DB_STORE_ID_LEN];
	uint8_t		 id[LEASE_DB_STORE_ID_LEN];
	uint64_t	 s1, s2;

	env = env_open(fx->dir);
	a = db_open(env, "a");
	b = db_open(env, "b");
	lease_db_store_id(a, ida);
	lease_db_store_id(b, idb);
	assert_memory_not_equal(ida, zero, sizeof(zero));
	assert_memory_not_equal(ida, idb, sizeof(ida));

	/* Update sequence: handed out above what was committed. */
	assert_int_equal(lease_db_last_seq(a), 0);
	s1 = lease_db_next_seq(a);
	s2 = lease_db_next_seq(a);
	assert_true(s2 > s1 && s1 > 0);
	mklease(&l, NET1 + 1, 1);
	l.seq = s2;
	assert_int_equal(lease_db_stage(a, &l), 0);
	assert_int_equal(lease_db_commit(a), 0);
	assert_int_equal(lease_db_last_seq(a), s2);
	/* An aborted batch does not move the committed sequence. */
	l.seq = lease_db_next_seq(a);
	assert_int_equal(lease_db_stage(a, &l), 0);
	lease_db_abort(a);
	assert_int_equal(lease_db_last_seq(a), s2);
	lease_db_close(a);
	lease_db_close(b);
	lease_env_close(env);

	env = env_open(fx->dir);
	a = db_open(env, "a");
	b = db_open(env, "b");
	lease_db_store_id(a, id);
	assert_memory_equal(id, ida, sizeof(id));
	lease_db_store_id(b, id);
	assert_memory_equal(id, idb, sizeof(id));
	assert_int_equal(lease_db_last_seq(a), s2);
	assert_true(lease_db_next_seq(a) > s2);
	assert_int_equal(lease_db_last_seq(b), 0);
	lease_db_close(a);
	lease_db_close(b);
	lease_env_close(env);
}

static int
list_db(const char *name, void *arg)
{
	char *out = arg;

	strcat(out, name);
	strcat(out, ",");
	return 0;
}

static void
misuse_refused(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	char		 names[256] = "";

	env = env_open(fx->dir);
	/* One owner per StateDir. */
	assert_null(lease_env_open(fx->dir, errbuf, sizeof(errbuf)));
	assert_non_null(strstr(errbuf, "in use"));
	/* Names become file names. */
	assert_null(lease_db_open(env, "../x", errbuf, sizeof(errbuf)));
	assert_null(lease_db_open(env, "a/b", errbuf, sizeof(errbuf)));
	assert_null(lease_db_open(env, "", errbuf, sizeof(errbuf)));
	assert_null(lease_db_open(env, ".hidden", errbuf, sizeof(errbuf)));
	db = db_open(env, "hub-1_x.y");
	/* One handle per store. */
	assert_null(lease_db_open(env, "hub-1_x.y", errbuf, sizeof(errbuf)));
	assert_non_null(strstr(errbuf, "already open"));

	/* An invalid lease is refused without spoiling the batch. */
	mklease(&l, NET1 + 1, 1);
	assert_int_equal(lease_db_stage(db, &l), 0);
	l.hlen = 17;
	assert_int_equal(lease_db_stage(db, &l), EINVAL);
	l.hlen = 6;
	l.state = LEASE_STATE_COUNT;
	assert_int_equal(lease_db_stage(db, &l), EINVAL);
	assert_int_equal(lease_db_staged(db), 1);
	assert_int_equal(lease_db_commit(db), 0);
	assert_lease(db, NET1 + 1, 1);
	/* Committing nothing is fine. */
	assert_int_equal(lease_db_commit(db), 0);

	lease_db_close(lease_db_open(env, "other", errbuf, sizeof(errbuf)));
	assert_int_equal(lease_env_foreach_db(env, list_db, names), 0);
	assert_string_equal(names, "hub-1_x.y,other,");
	assert_string_equal(lease_db_strerror(ENOSPC),
	    "No space left on device");
	assert_non_null(strstr(lease_db_strerror(DB_RUNRECOVERY),
	    "DB_RUNRECOVERY"));
	assert_true(lease_db_fatal(DB_RUNRECOVERY));
	assert_false(lease_db_fatal(ENOSPC));
	lease_db_close(db);
	lease_env_close(env);
}

static void
note_corrupt(uint32_t addr, void *arg)
{
	struct addrs *v = arg;

	v->a[v->n++] = addr;
}

/* Plant records that lease_db would never write, with Berkeley DB. */
static void
plant(const char *dir, const char *file, const void *k, size_t klen,
    const void *d, size_t dlen)
{
	DB_ENV	*dbenv;
	DB	*dbp;
	DBT	 key, data;

	assert_int_equal(db_env_create(&dbenv, 0), 0);
	assert_int_equal(dbenv->open(dbenv, dir, DB_CREATE | DB_INIT_TXN |
	    DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL | DB_RECOVER |
	    DB_PRIVATE, 0), 0);
	assert_int_equal(db_create(&dbp, dbenv, 0), 0);
	assert_int_equal(dbp->open(dbp, NULL, file, "leases", DB_BTREE,
	    DB_AUTO_COMMIT, 0), 0);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = (void *)(uintptr_t)k;
	key.size = (u_int32_t)klen;
	data.data = (void *)(uintptr_t)d;
	data.size = (u_int32_t)dlen;
	assert_int_equal(dbp->put(dbp, NULL, &key, &data, DB_AUTO_COMMIT), 0);
	assert_int_equal(dbp->close(dbp, 0), 0);
	assert_int_equal(dbenv->txn_checkpoint(dbenv, 0, 0, 0), 0);
	assert_int_equal(dbenv->close(dbenv, 0), 0);
}

static void
corrupt_records_skipped(void **state)
{
	static const uint8_t k1[4] = { 0xc6, 0x33, 0x64, 0x02 };
	static const uint8_t k2[4] = { 0xc6, 0x33, 0x64, 0x03 };
	static const uint8_t k3[3] = { 1, 2, 3 };
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*v, *bad;
	struct lease_db_stats st;
	uint8_t		 rec[LEASE_RECORD_MAX];
	size_t		 n;

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	mklease(&l, NET1 + 1, 1);
	assert_int_equal(lease_db_stage(db, &l), 0);
	mklease(&l, NET1 + 4, 4);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_commit(db), 0);
	lease_db_close(db);
	lease_env_close(env);

	/* Garbage; a good record filed under the wrong address; a bad key. */
	plant(fx->dir, "p1.db", k1, sizeof(k1), "\x01\x00\x05junk", 8);
	mklease(&l, NET1 + 9, 9);
	n = lease_encode(&l, rec, sizeof(rec));
	plant(fx->dir, "p1.db", k2, sizeof(k2), rec, n);
	plant(fx->dir, "p1.db", k3, sizeof(k3), rec, n);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	bad = calloc(1, sizeof(*bad));
	assert_non_null(bad);
	lease_db_set_corrupt_cb(db, note_corrupt, bad);
	v = walk(db);
	assert_int_equal(v->n, 2);
	assert_int_equal(v->a[0], NET1 + 1);
	assert_int_equal(v->a[1], NET1 + 4);
	assert_int_equal(bad->n, 3);
	assert_int_equal(bad->a[0], 0);		/* short key sorts first */
	assert_int_equal(bad->a[1], NET1 + 2);
	assert_int_equal(bad->a[2], NET1 + 3);
	assert_int_equal(lease_db_get(db, NET1 + 2, &l), EBADMSG);
	lease_db_get_stats(db, &st);
	assert_int_equal(st.corrupt_records, 4);
	/* The store still works around them. */
	assert_int_equal(lease_db_stage_delete(db, NET1 + 2), 0);
	mklease(&l, NET1 + 3, 3);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_commit(db), 0);
	assert_lease(db, NET1 + 3, 3);
	free(v);
	free(bad);
	lease_db_close(db);
	lease_env_close(env);
}

/*
 * A lease walk over many leases, with a write per lease in one batch:
 * the lock table must hold it (read-committed walks, page locks).
 */
static void
large_sweep(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct sweep	 sw;
	struct addrs	*v;
	unsigned	 i, total = 20000;

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	for (i = 0; i < total; i++) {
		mklease(&l, 0x0a000000u + i, i);
		assert_int_equal(lease_db_stage(db, &l), 0);
		if (i % 2000 == 1999)
			assert_int_equal(lease_db_commit(db), 0);
	}
	sw.db = db;
	sw.n = 0;
	assert_int_equal(lease_db_foreach(db, expire_all, &sw), 0);
	assert_int_equal(sw.n, total);
	assert_int_equal(lease_db_commit(db), 0);
	lease_db_close(db);
	lease_env_close(env);

	env = env_open(fx->dir);
	db = db_open(env, "p1");
	v = walk(db);
	assert_int_equal(v->n, total);
	free(v);
	assert_int_equal(lease_db_get(db, 0x0a000000u + total - 1, &l), 0);
	assert_int_equal(l.state, LEASE_EXPIRED);
	lease_db_close(db);
	lease_env_close(env);
}

struct worker {
	struct lease_env *env;
	char		 name[16];
	uint32_t	 base;
	int		 err;
};

#define THREAD_BATCHES	100
#define THREAD_BATCH	5

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	struct lease_db	*db;
	struct lease	 l;
	char		 err[256];
	unsigned	 b, i;

	if ((db = lease_db_open(w->env, w->name, err, sizeof(err))) == NULL) {
		w->err = -1;
		return NULL;
	}
	for (b = 0; b < THREAD_BATCHES && w->err == 0; b++) {
		for (i = 0; i < THREAD_BATCH && w->err == 0; i++) {
			mklease(&l, w->base + b * THREAD_BATCH + i, b);
			w->err = lease_db_stage(db, &l);
		}
		if (w->err == 0)
			w->err = lease_db_commit(db);
	}
	lease_db_close(db);
	return NULL;
}

/* The failover's shape: one store per thread in one environment. */
static void
threads_share_env(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct worker	 w[4];
	pthread_t	 t[4];
	struct addrs	*v;
	unsigned	 i;

	env = env_open(fx->dir);
	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].env = env;
		snprintf(w[i].name, sizeof(w[i].name), "primary%u", i);
		w[i].base = NET1 + i * 0x10000;
		assert_int_equal(pthread_create(&t[i], NULL, worker_run,
		    &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].err, 0);
	}
	assert_int_equal(lease_db_checkpoint(env), 0);
	lease_env_close(env);

	env = env_open(fx->dir);
	for (i = 0; i < 4; i++) {
		db = db_open(env, w[i].name);
		v = walk(db);
		assert_int_equal(v->n, THREAD_BATCHES * THREAD_BATCH);
		assert_int_equal(v->a[0], w[i].base);
		free(v);
		lease_db_close(db);
	}
	lease_env_close(env);
}

/*
 * SIGKILL in the middle of a stream of commits.  The child reports each
 * batch's last address only after lease_db_commit returned 0, as the
 * daemon sends its ACKs; everything reported must be there after
 * recovery, and batches must be all-or-nothing.
 */
#define CRASH_BATCH	7
#define CRASH_ROUNDS	3

static void
crash_child(const char *dir, uint32_t base, int fd)
{
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	char		 err[256];
	uint32_t	 a = base;
	unsigned	 i;

	if ((env = lease_env_open(dir, err, sizeof(err))) == NULL ||
	    (db = lease_db_open(env, "crash", err, sizeof(err))) == NULL) {
		fprintf(stderr, "crash child: %s\n", err);
		_exit(2);
	}
	for (;;) {
		for (i = 0; i < CRASH_BATCH; i++, a++) {
			mklease(&l, a, a);
			if (lease_db_stage(db, &l) != 0)
				_exit(3);
		}
		if (lease_db_commit(db) != 0)
			_exit(4);
		if (write(fd, &a, sizeof(a)) != sizeof(a))
			_exit(5);
	}
}

static void
crash_mid_stream(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct addrs	*v;
	uint32_t	 base, a, last, reported[CRASH_ROUNDS];
	unsigned	 round, got, seen, status_ok;
	size_t		 i, k, expect_min = 0;
	int		 p[2], status;
	pid_t		 pid;

	for (round = 0; round < CRASH_ROUNDS; round++) {
		base = NET1 + round * 0x100000;
		assert_int_equal(pipe(p), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid != -1);
		if (pid == 0) {
			close(p[0]);
			crash_child(fx->dir, base, p[1]);
		}
		close(p[1]);
		/* Let some batches through, then kill without warning. */
		last = 0;
		for (got = 0; got < 20 + round * 13; got++) {
			assert_int_equal(read(p[0], &a, sizeof(a)),
			    sizeof(a));
			last = a;
		}
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		status_ok = WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL;
		assert_true(status_ok);
		/* Reports already in the pipe count too. */
		while (read(p[0], &a, sizeof(a)) == sizeof(a)) {
			last = a;
			got++;
		}
		close(p[0]);
		reported[round] = last;

		env = env_open(fx->dir);
		db = db_open(env, "crash");
		v = walk(db);
		/* Every earlier round's and this round's reports survive. */
		for (k = 0; k <= round; k++) {
			uint32_t rb = NET1 + (uint32_t)k * 0x100000;

			for (a = rb; a < reported[k]; a++)
				assert_lease(db, a, a);
		}
		/* This round: whole batches only, at most one unreported. */
		seen = 0;
		for (i = 0; i < v->n; i++)
			if (v->a[i] >= base && v->a[i] < base + 0x100000)
				seen++;
		assert_int_equal(seen % CRASH_BATCH, 0);
		assert_true(seen >= got * CRASH_BATCH);
		assert_true(seen <= (got + 1) * CRASH_BATCH);
		for (a = base; a < base + seen; a++)
			assert_lease(db, a, a);
		expect_min += seen;
		assert_int_equal(v->n, expect_min);
		print_message("crash round %u: %u batches reported, %u "
		    "leases after recovery\n", round, got, seen);
		free(v);
		lease_db_close(db);
		lease_env_close(env);
	}
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Measured, not asserted: what one fsync'd batch costs here. */
static void
commit_timing(void **state)
{
	static const unsigned sizes[] = { 1, 100 };
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct lease_db_stats st;
	unsigned	 s, r, i, rounds = 50;
	uint32_t	 a = NET1;
	double		 t0, tc, commit_sum;

	env = env_open(fx->dir);
	db = db_open(env, "timing");
	for (s = 0; s < 2; s++) {
		commit_sum = 0;
		t0 = mono();
		for (r = 0; r < rounds; r++) {
			for (i = 0; i < sizes[s]; i++, a++) {
				mklease(&l, a, a);
				assert_int_equal(lease_db_stage(db, &l), 0);
			}
			tc = mono();
			assert_int_equal(lease_db_commit(db), 0);
			commit_sum += mono() - tc;
		}
		lease_db_get_stats(db, &st);
		print_message("commit timing (%s): %3u-lease batch: "
		    "%.3f ms per commit, %.3f ms per batch incl. staging, "
		    "max %.3f ms\n", fx->dir, sizes[s],
		    commit_sum / rounds * 1e3, (mono() - t0) / rounds * 1e3,
		    st.max_commit_usec / 1e3);
	}
	lease_db_close(db);
	lease_env_close(env);
}

/*
 * Full disk: a small tmpfs in a private mount namespace (it vanishes with
 * this process even if the test dies), filled until a batch fails.
 */
static bool
fill(const char *path)
{
	static char	 chunk[65536];
	size_t		 sz;
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1)
		return false;
	for (sz = sizeof(chunk); sz > 0; sz /= 2)
		while (write(fd, chunk, sz) == (ssize_t)sz)
			;
	close(fd);
	return true;
}

static void
assert_model(const char *dir, struct addrs *model)
{
	struct lease_env *env;
	struct lease_db	*db;
	struct addrs	*v;
	size_t		 i;

	qsort(model->a, model->n, sizeof(model->a[0]), cmp_u32);
	env = env_open(dir);
	db = db_open(env, "p1");
	v = walk(db);
	assert_int_equal(v->n, model->n);
	assert_memory_equal(v->a, model->a, model->n * sizeof(v->a[0]));
	for (i = 0; i < v->n; i++)
		assert_lease(db, v->a[i], v->a[i]);
	free(v);
	lease_db_close(db);
	lease_env_close(env);
}

/* Stage and commit count leases from *a on; they join the model. */
static void
commit_more(struct lease_db *db, uint32_t *a, unsigned count,
    struct addrs *model)
{
	struct lease	 l;
	unsigned	 i;

	for (i = 0; i < count; i++) {
		mklease(&l, *a + i, *a + i);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
	for (i = 0; i < count; i++)
		model->a[model->n++] = (*a)++;
}

struct batch_report {
	uint32_t	 first;
	uint32_t	 n;	/* 0: last report, err says why */
	int32_t		 err;
};

/* Phase C of full_disk, in a child: no cmocka here, exit codes only. */
static int
log_switch_child(const char *dir, const char *filler, uint32_t a, int fd)
{
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct batch_report r;
	char		 err[256];
	unsigned	 b, i;
	int		 ret = 0;

	if ((env = lease_env_open(dir, err, sizeof(err))) == NULL ||
	    (db = lease_db_open(env, "p1", err, sizeof(err))) == NULL) {
		fprintf(stderr, "child: %s\n", err);
		return 2;
	}
	lease_env_set_min_free(env, 0);
	if (!fill(filler))
		return 3;
	for (b = 0; b < 5000 && ret == 0; b++) {
		r.first = a;
		for (i = 0; i < 20 && ret == 0; i++, a++) {
			mklease(&l, a, a);
			ret = lease_db_stage(db, &l);
		}
		if (ret == 0)
			ret = lease_db_commit(db);
		else
			lease_db_abort(db);
		r.n = ret == 0 ? 20 : 0;
		r.err = ret;
		if (write(fd, &r, sizeof(r)) != sizeof(r))
			return 4;
	}
	if (ret == DB_RUNRECOVERY) {
		/* Stopped for good: nothing goes through any more. */
		mklease(&l, a, a);
		if (!lease_db_fatal(ret) ||
		    lease_db_checkpoint(env) != DB_RUNRECOVERY ||
		    lease_db_stage(db, &l) != DB_RUNRECOVERY ||
		    lease_db_get(db, r.first, &l) != DB_RUNRECOVERY)
			return 5;
	} else if (ret != ENOSPC)
		return 6;
	lease_db_close(db);
	lease_env_close(env);
	return 0;
}

static void
full_disk(void **state)
{
	struct fixture	*fx = *state;
	struct lease_env *env;
	struct lease_db	*db;
	struct lease	 l;
	struct addrs	*model;
	struct lease_db_stats st;
	char		 mnt[128], dir[160], filler[160], opts[64];
	struct batch_report r;
	uint32_t	 a = NET1;
	int		 err, p[2], status;
	pid_t		 pid;

	if (geteuid() != 0) {
		print_message("full-disk test SKIPPED: needs root to mount a "
		    "tmpfs (running as uid %u)\n", (unsigned)geteuid());
		skip();
	}
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		print_message("full-disk test SKIPPED: no private mount "
		    "namespace: %s\n", strerror(errno));
		skip();
	}
	snprintf(mnt, sizeof(mnt), "%s/mnt", fx->dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	/* The default reserve, plus room for a few log files. */
	snprintf(opts, sizeof(opts), "size=%uk,mode=0700",
	    (unsigned)(LEASE_DB_MIN_FREE_DEFAULT / 1024) +
	    3 * LEASE_DB_LOG_FILE_BYTES / 1024);
	if (mount("tmpfs", mnt, "tmpfs", 0, opts) == -1) {
		print_message("full-disk test SKIPPED: mount tmpfs: %s\n",
		    strerror(errno));
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/state", mnt);
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	model = calloc(1, sizeof(*model));
	assert_non_null(model);

	env = env_open(dir);
	db = db_open(env, "p1");
	commit_more(db, &a, 10, model);

	/* A: below the reserve, commits fail cleanly before Berkeley DB
	 * ever sees a full disk. */
	assert_true(fill(filler));
	mklease(&l, a, a);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_commit(db), ENOSPC);
	lease_db_get_stats(db, &st);
	print_message("full disk: reserve: \"%s\"\n", st.last_error_text);
	assert_non_null(strstr(st.last_error_text, "reserve"));
	assert_int_equal(lease_db_get(db, a, &l), ENOENT);
	assert_int_equal(lease_db_checkpoint(env), ENOSPC);
	assert_int_equal(unlink(filler), 0);
	commit_more(db, &a, 20, model);

	/*
	 * B: no reserve, the disk fills under a running daemon.  The log
	 * file in use was written with zeros when it was made (lease_db.c,
	 * DB_LOG_ZERO), so commits go on into blocks it already has, on a
	 * full disk; a checkpoint that cannot write its pages fails without
	 * stopping the environment; space returns and the same environment
	 * carries on.
	 */
	lease_env_set_min_free(env, 0);
	assert_true(fill(filler));
	commit_more(db, &a, 20, model);
	commit_more(db, &a, 20, model);
	err = lease_db_checkpoint(env);
	print_message("full disk: checkpoint: %s\n", lease_db_strerror(err));
	assert_false(lease_db_fatal(err));
	commit_more(db, &a, 20, model);
	assert_int_equal(unlink(filler), 0);
	commit_more(db, &a, 20, model);
	assert_int_equal(lease_db_checkpoint(env), 0);
	lease_db_close(db);
	lease_env_close(env);
	/* Recovery shows exactly what was committed. */
	assert_model(dir, model);

	/*
	 * C: no reserve, the disk fills and a new log file is due: its
	 * zero-filling fails inside a commit.  Berkeley DB stops the
	 * environment (or, without preallocation, fails the write
	 * silently); lease_db must notice and stop, and recovery must then
	 * show every batch that was reported committed.  A child
	 * runs it, as the daemon that exits on DB_RUNRECOVERY: a stopped
	 * environment cannot give its memory back.
	 */
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(p[0]);
		_exit(log_switch_child(dir, filler, a, p[1]));
	}
	assert_true(pid != -1);
	close(p[1]);
	err = 0;
	while (read(p[0], &r, sizeof(r)) == sizeof(r)) {
		if (r.n == 0) {
			err = r.err;
			break;
		}
		for (a = r.first; a < r.first + r.n; a++)
			model->a[model->n++] = a;
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	print_message("full disk: at the log file switch: %s\n",
	    lease_db_strerror(err));
	assert_true(err == ENOSPC || err == DB_RUNRECOVERY);
	/* A restart before space returns: refused, saying why. */
	assert_null(lease_env_open(dir, errbuf, sizeof(errbuf)));
	print_message("full disk: restart refused: %s\n", errbuf);
	assert_non_null(strstr(errbuf, "KB free"));
	assert_int_equal(unlink(filler), 0);
	assert_model(dir, model);
	free(model);
	assert_int_equal(umount(mnt), 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(create_reopen),
		T(uncommitted_is_lost),
		T(client_leases),
		T(delete_removes_lease),
		T(foreach_order),
		T(store_identity),
		T(misuse_refused),
		T(corrupt_records_skipped),
		T(large_sweep),
		T(threads_share_env),
		T(crash_mid_stream),
		T(commit_timing),
		T(full_disk),		/* last: leaves a mount namespace */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
