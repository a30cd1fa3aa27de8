/*
 * Unit tests: common/store/lease_snap.c on a real Berkeley DB environment
 * in a temporary directory: a snapshot keeps the store as it was when it
 * opened, across later commits; it neither waits for nor sees a batch
 * still open; a reader on another thread never sees half a batch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_db.h"
#include "lease_snap.h"
#include "tmpdir_testutil.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */

struct fixture {
	char		 dir[64];
	struct lease_env *env;
	struct lease_db	*db;
};

static char	 errbuf[256];

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || !tmpdir_make(fx->dir, sizeof(fx->dir),
	    "test_lease_snap"))
		return -1;
	if ((fx->env = lease_env_open(fx->dir, errbuf, sizeof(errbuf))) ==
	    NULL || (fx->db = lease_db_open(fx->env, "p1", errbuf,
	    sizeof(errbuf))) == NULL) {
		fprintf(stderr, "%s\n", errbuf);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	lease_db_close(fx->db);
	lease_env_close(fx->env);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

/* A bound lease of client number `client` at addr; gen marks a batch. */
static void
mklease(struct lease *l, uint32_t addr, unsigned client, int64_t gen)
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
	l->starts = 1700000000;
	l->ends = l->starts + 3600;
	l->cltt = l->starts + gen;
	snprintf(l->hostname, sizeof(l->hostname), "host-%u", client);
}

/* n leases at NET1 + 1 + i, staged from the top down (the store, not the
 * order of staging, must give address order), in one batch. */
static void
put_leases(struct lease_db *db, unsigned n, int64_t gen)
{
	struct lease l;

	for (unsigned i = n; i-- > 0;) {
		mklease(&l, NET1 + 1 + i, i, gen);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
}

static struct lease_snap *
snap_open(struct lease_env *env, const char *name)
{
	struct lease_snap *s = lease_snap_open(env, name, errbuf,
	    sizeof(errbuf));

	if (s == NULL)
		fail_msg("lease_snap_open: %s", errbuf);
	return s;
}

/* Every lease of the snapshot, in the order it gives them. */
static size_t
snap_all(struct lease_snap *s, struct lease *out, size_t max)
{
	size_t	 n = 0;
	int	 ret;

	while ((ret = lease_snap_next(s, &out[n])) == 0)
		if (++n == max)
			fail_msg("more than %zu leases", max);
	assert_int_equal(ret, ENOENT);
	assert_int_equal(lease_snap_corrupt(s), 0);
	return n;
}

static void
assert_ascending(const struct lease *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1].addr < v[i].addr);
}

/*
 * Changes committed after a snapshot opened do not reach it: a changed
 * record shows its old state, a deleted one is still there, a new one is
 * absent.  A snapshot opened after the commit sees all three.
 */
static void
old_content_after_commit(void **state)
{
	struct fixture	*fx = *state;
	struct lease	*v = calloc(200, sizeof(*v)), l;
	struct lease_snap *before, *after;
	const uint32_t	 changed = NET1 + 10, gone = NET1 + 20,
			 added = NET1 + 150;

	assert_non_null(v);
	put_leases(fx->db, 100, 0);
	assert_int_equal(lease_db_commit(fx->db), 0);
	before = snap_open(fx->env, "p1");

	mklease(&l, changed, 9999, 1);
	l.state = LEASE_RELEASED;
	assert_int_equal(lease_db_stage(fx->db, &l), 0);
	assert_int_equal(lease_db_stage_delete(fx->db, gone), 0);
	mklease(&l, added, 150, 1);
	assert_int_equal(lease_db_stage(fx->db, &l), 0);
	assert_int_equal(lease_db_commit(fx->db), 0);
	after = snap_open(fx->env, "p1");

	assert_int_equal(snap_all(before, v, 200), 100);
	assert_ascending(v, 100);
	assert_int_equal(v[0].addr, NET1 + 1);
	assert_int_equal(v[99].addr, NET1 + 100);
	assert_int_equal(v[9].addr, changed);
	assert_int_equal(v[9].state, LEASE_BOUND);
	assert_int_equal(v[9].chaddr[5], 9);
	assert_int_equal(v[19].addr, gone);
	assert_int_equal(lease_snap_get(before, changed, &l), 0);
	assert_int_equal(l.state, LEASE_BOUND);
	assert_string_equal(l.hostname, "host-9");
	assert_int_equal(lease_snap_get(before, gone, &l), 0);
	assert_int_equal(lease_snap_get(before, added, &l), ENOENT);

	assert_int_equal(snap_all(after, v, 200), 100);
	assert_ascending(v, 100);
	assert_int_equal(v[99].addr, added);
	assert_int_equal(lease_snap_get(after, changed, &l), 0);
	assert_int_equal(l.state, LEASE_RELEASED);
	assert_string_equal(l.hostname, "host-9999");
	assert_int_equal(lease_snap_get(after, gone, &l), ENOENT);
	assert_int_equal(lease_snap_get(after, added, &l), 0);
	assert_int_equal(l.addr, added);
	/* Outside every record, and address 0. */
	assert_int_equal(lease_snap_get(after, NET1 + 200, &l), ENOENT);
	assert_int_equal(lease_snap_get(after, 0, &l), ENOENT);
	lease_snap_close(before);
	lease_snap_close(after);
	free(v);
}

static void
missing_store(void **state)
{
	struct fixture *fx = *state;

	errno = 0;
	errbuf[0] = '\0';
	assert_null(lease_snap_open(fx->env, "p2", errbuf, sizeof(errbuf)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(errbuf, "p2"));
	assert_non_null(strstr(errbuf, "no such"));
	/* A name that cannot be a store is not looked for on disk. */
	assert_null(lease_snap_open(fx->env, "../p1", errbuf, sizeof(errbuf)));
	/* Opening the snapshot did not create the store. */
	assert_false(lease_db_exists(fx->env, "p2"));
	lease_snap_close(NULL);
}

/* A snapshot opened and read on another thread, for the case where the
 * opening must not wait for the owner's batch. */
struct reader {
	struct lease_env *env;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
	bool		 opened;
	size_t		 n;
	int		 get_ret;
	struct lease	 got;
	int64_t		 max_gen;
};

static void *
read_once(void *arg)
{
	struct reader	*r = arg;
	struct lease	 l;
	struct lease_snap *s;
	char		 err[256];

	if ((s = lease_snap_open(r->env, "p1", err, sizeof(err))) != NULL) {
		r->opened = true;
		while (lease_snap_next(s, &l) == 0) {
			r->n++;
			if (l.cltt - l.starts > r->max_gen)
				r->max_gen = l.cltt - l.starts;
		}
		r->get_ret = lease_snap_get(s, NET1 + 1, &r->got);
		lease_snap_close(s);
	}
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* True if the reader finished within secs. */
static bool
reader_wait(struct reader *r, int secs)
{
	struct timespec	 until;
	int		 rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&r->mu);
	while (!r->done && rc == 0)
		rc = pthread_cond_timedwait(&r->cv, &r->mu, &until);
	pthread_mutex_unlock(&r->mu);
	return r->done;
}

/*
 * A batch that rewrote every record and added enough to split pages
 * (so it holds write locks on leaf pages and on the file's allocation
 * metadata) is open and uncommitted: a snapshot opens and reads at once,
 * without it.
 */
static void
open_batch_neither_blocks_nor_shows(void **state)
{
	struct fixture	*fx = *state;
	struct reader	 r = { .env = fx->env, .get_ret = -1 };
	pthread_t	 t;
	bool		 finished;

	put_leases(fx->db, 2000, 0);
	assert_int_equal(lease_db_commit(fx->db), 0);
	put_leases(fx->db, 6000, 1);
	assert_int_equal(lease_db_staged(fx->db), 6000);

	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	assert_int_equal(pthread_create(&t, NULL, read_once, &r), 0);
	finished = reader_wait(&r, 20);
	/* Either way the batch ends, so a blocked reader can finish. */
	lease_db_abort(fx->db);
	pthread_join(t, NULL);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	assert_true(finished);
	assert_true(r.opened);
	assert_int_equal(r.n, 2000);
	assert_int_equal(r.max_gen, 0);
	assert_int_equal(r.get_ret, 0);
	assert_int_equal(r.got.addr, NET1 + 1);
	assert_int_equal(r.got.cltt, r.got.starts);
}

/*
 * The owner commits batch after batch, each rewriting every record with
 * its generation; a reader on another thread opens snapshot after
 * snapshot meanwhile.  Each must hold every record, all of one
 * generation: one moment, never half a batch.
 */
#define CC_LEASES	500
#define CC_BATCHES	30

struct cc_reader {
	struct lease_env *env;
	atomic_bool	 stop;
	unsigned	 snaps, torn, short_count, failed;
	int64_t		 last_gen;
	bool		 went_back;
};

static void
cc_walk(struct cc_reader *r, struct lease_snap *s)
{
	struct lease	 l;
	int64_t		 gen = -1;
	unsigned	 n = 0;
	int		 ret;

	while ((ret = lease_snap_next(s, &l)) == 0) {
		if (gen < 0)
			gen = l.cltt - l.starts;
		else if (l.cltt - l.starts != gen)
			r->torn++;
		n++;
	}
	if (ret != ENOENT)
		r->failed++;
	if (n != CC_LEASES)
		r->short_count++;
	if (gen < r->last_gen)
		r->went_back = true;
	r->last_gen = gen;
	r->snaps++;
}

static void *
cc_read(void *arg)
{
	struct cc_reader *r = arg;
	struct lease_snap *s;
	char		 err[256];

	/* At least a few snapshots, however fast the writer is. */
	while (!atomic_load(&r->stop) || r->snaps < 3) {
		if ((s = lease_snap_open(r->env, "p1", err,
		    sizeof(err))) == NULL) {
			r->failed++;
			break;
		}
		cc_walk(r, s);
		lease_snap_close(s);
	}
	return NULL;
}

static void
concurrent_reader_sees_whole_batches(void **state)
{
	struct fixture	*fx = *state;
	struct cc_reader r = { .env = fx->env };
	pthread_t	 t;

	put_leases(fx->db, CC_LEASES, 0);
	assert_int_equal(lease_db_commit(fx->db), 0);
	assert_int_equal(pthread_create(&t, NULL, cc_read, &r), 0);
	for (int64_t gen = 1; gen <= CC_BATCHES; gen++) {
		put_leases(fx->db, CC_LEASES, gen);
		assert_int_equal(lease_db_commit(fx->db), 0);
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(r.failed, 0);
	assert_true(r.snaps >= 3);
	assert_int_equal(r.torn, 0);
	assert_int_equal(r.short_count, 0);
	assert_false(r.went_back);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(old_content_after_commit),
		T(missing_store),
		T(open_batch_neither_blocks_nor_shows),
		T(concurrent_reader_sees_whole_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
