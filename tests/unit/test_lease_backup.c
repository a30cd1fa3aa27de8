/*
 * Unit tests: common/store/lease_backup.c.  A hot backup of an
 * environment of two stores, taken on its own thread while the owner
 * holds an uncommitted batch, opens as a plain environment in which
 * every store holds exactly the committed records, under a new
 * identity; a target that is not new and empty, or not absolute, is
 * refused.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
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

#include "lease_backup.h"
#include "lease_db.h"
#include "store_testutil.h"
#include "tmpdir_testutil.h"

#define NET1	0x0a010000u	/* 10.1.0.0 */
#define NET2	0x0a020000u	/* 10.2.0.0 */
#define N1	3000
#define N2	2000

struct fixture {
	char		 base[64];
	char		 state[96];	/* the environment */
	char		 copy[96];	/* the backup */
	struct lease_env *env;
};

static char	 errbuf[256];

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || !tmpdir_make(fx->base, sizeof(fx->base),
	    "test_lease_backup"))
		return -1;
	snprintf(fx->state, sizeof(fx->state), "%s/state", fx->base);
	snprintf(fx->copy, sizeof(fx->copy), "%s/copy", fx->base);
	if ((fx->env = lease_env_open(fx->state, errbuf, sizeof(errbuf))) ==
	    NULL) {
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

	if (fx->env != NULL)
		lease_env_close(fx->env);
	tmpdir_remove(fx->base);
	free(fx);
	return 0;
}

/* Lease i of a store: varied states, relay fields and origins, so the
 * comparison covers every part of a record. */
static void
mklease(struct lease *l, uint32_t net, unsigned i, int64_t gen)
{
	store_lease(l, net + 1 + i, i);
	l->state = (uint8_t)(i % 7 == 0 ? LEASE_EXPIRED : LEASE_BOUND);
	l->starts += i;
	l->ends += i;
	l->cltt += i + gen;
	l->seq = i + 1;
	l->granted_by = (uint8_t)(i % 2 ? LEASE_BY_PRIMARY : LEASE_BY_FAILOVER);
	l->relay.giaddr = i % 3 ? net + 0xfe : 0;
	l->relay.circuit_len = (uint8_t)snprintf((char *)l->relay.circuit_id,
	    sizeof(l->relay.circuit_id), "port-%u", i % 48);
}

static void
fill_store(struct lease_db *db, uint32_t net, unsigned n)
{
	struct lease l;

	for (unsigned i = 0; i < n; i++) {
		mklease(&l, net, i, 0);
		assert_int_equal(lease_db_stage(db, &l), 0);
		if (i % 1000 == 999)
			assert_int_equal(lease_db_commit(db), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
}

/* Every record of a store, encoded, in walk order. */
struct image {
	size_t		 n;
	size_t		 len[N1];
	uint8_t		 rec[N1][LEASE_RECORD_MAX];
};

static int
image_cb(const struct lease *l, void *arg)
{
	struct image *im = arg;

	if (im->n == sizeof(im->len) / sizeof(im->len[0]))
		return -1;
	im->len[im->n] = lease_encode(l, im->rec[im->n], LEASE_RECORD_MAX);
	if (im->len[im->n] == 0)
		return -1;
	im->n++;
	return 0;
}

static struct image *
image_of(struct lease_db *db)
{
	struct image *im = calloc(1, sizeof(*im));

	assert_non_null(im);
	assert_int_equal(lease_db_foreach(db, image_cb, im), 0);
	return im;
}

static void
assert_same_image(const struct image *a, const struct image *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->rec[i], b->rec[i], a->len[i]);
	}
}

/* The backup on a thread of its own, as the daemon runs it. */
struct backup_run {
	struct lease_env *env;
	const char	*dir;
	struct lease_backup_result res;
	int		 rc;
	char		 err[256];
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
};

static void *
backup_thread(void *arg)
{
	struct backup_run *b = arg;

	b->rc = lease_env_backup(b->env, b->dir, &b->res, b->err,
	    sizeof(b->err));
	pthread_mutex_lock(&b->mu);
	b->done = true;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

static bool
backup_wait(struct backup_run *b, int secs)
{
	struct timespec	 until;
	int		 rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&b->mu);
	while (!b->done && rc == 0)
		rc = pthread_cond_timedwait(&b->cv, &b->mu, &until);
	pthread_mutex_unlock(&b->mu);
	return b->done;
}

/*
 * Changes staged in db and left uncommitted: every record rewritten in
 * place (a new cltt, same size) and some deleted.  Not added ones: a
 * batch that splits pages holds the file's metadata page, and Berkeley
 * DB's backup opens each file through that page, so it would wait for
 * the commit (in the daemon, a batch lasts a moment).
 */
static void
stage_batch(struct lease_db *db)
{
	struct lease l;

	for (unsigned i = 0; i < N1; i++) {
		mklease(&l, NET1, i, 1);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(lease_db_stage_delete(db, NET1 + 1 + i * 7),
		    0);
}

static int
name_cb(const char *name, void *arg)
{
	char	*list = arg;

	strcat(list, name);
	strcat(list, " ");
	return 0;
}

/* The copy: both stores, the committed records exactly, new identities. */
static void
check_copy(struct fixture *fx, struct lease_db *orig[2],
    struct image *want[2])
{
	static const char *names[2] = { "p1", "p2" };
	struct lease_env *cenv;
	struct lease_db	*cdb;
	struct image	*got;
	uint8_t		 id_orig[LEASE_DB_STORE_ID_LEN],
			 id_copy[LEASE_DB_STORE_ID_LEN];
	char		 list[128] = "";

	cenv = lease_env_open(fx->copy, errbuf, sizeof(errbuf));
	if (cenv == NULL)
		fail_msg("opening the copy: %s", errbuf);
	assert_int_equal(lease_env_foreach_db(cenv, name_cb, list), 0);
	assert_true(strcmp(list, "p1 p2 ") == 0 || strcmp(list, "p2 p1 ") == 0);
	for (int k = 0; k < 2; k++) {
		cdb = store_db_open(cenv, names[k]);
		got = image_of(cdb);
		assert_same_image(want[k], got);
		lease_db_store_id(orig[k], id_orig);
		lease_db_store_id(cdb, id_copy);
		assert_memory_not_equal(id_orig, id_copy, sizeof(id_orig));
		assert_int_equal(lease_db_last_seq(cdb),
		    lease_db_last_seq(orig[k]));
		free(got);
		lease_db_close(cdb);
	}
	lease_env_close(cenv);
}

/*
 * A backup taken while p1 has a large batch open: it neither waits for
 * the batch nor holds any of it, and the copy is every committed record
 * byte for byte.
 */
static void
copy_holds_committed_records(void **state)
{
	struct fixture	*fx = *state;
	struct lease_db	*db[2];
	struct image	*want[2];
	struct backup_run b = { .env = fx->env, .dir = fx->copy, .rc = -2 };
	pthread_t	 t;
	bool		 finished;

	db[0] = store_db_open(fx->env, "p1");
	db[1] = store_db_open(fx->env, "p2");
	fill_store(db[0], NET1, N1);
	fill_store(db[1], NET2, N2);
	want[0] = image_of(db[0]);
	want[1] = image_of(db[1]);
	assert_int_equal(want[0]->n, N1);
	assert_int_equal(want[1]->n, N2);
	stage_batch(db[0]);
	/* As the daemon's periodic one may: the batch's dirty pages reach
	 * the file before the copy reads it. */
	assert_int_equal(lease_db_checkpoint(fx->env), 0);

	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	assert_int_equal(pthread_create(&t, NULL, backup_thread, &b), 0);
	finished = backup_wait(&b, 30);
	/* Committed only now: the copy must not have it either way. */
	assert_int_equal(lease_db_commit(db[0]), 0);
	pthread_join(t, NULL);
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.cv);
	assert_true(finished);
	if (b.rc != 0)
		fail_msg("backup: %s", b.err);
	assert_int_equal(b.res.stores, 2);
	assert_int_equal(b.res.leases, N1 + N2);
	assert_true(b.res.bytes > 0);

	check_copy(fx, db, want);
	free(want[0]);
	free(want[1]);
	lease_db_close(db[0]);
	lease_db_close(db[1]);
}

/* An existing empty directory is a good target; one with anything in
 * it, or a relative path, is not, and nothing is written there. */
static void
refuses_bad_targets(void **state)
{
	struct fixture	*fx = *state;
	struct lease_backup_result res;
	struct lease_db	*db = store_db_open(fx->env, "p1");
	char		 path[160];
	FILE		*f;

	fill_store(db, NET1, 10);

	res.stores = 99;
	assert_int_equal(lease_env_backup(fx->env, "relative/copy", &res,
	    errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "absolute"));
	assert_int_equal(res.stores, 0);

	assert_int_equal(mkdir(fx->copy, 0700), 0);
	snprintf(path, sizeof(path), "%s/notes.txt", fx->copy);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(lease_env_backup(fx->env, fx->copy, &res, errbuf,
	    sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "not empty"));
	snprintf(path, sizeof(path), "%s/p1.db", fx->copy);
	assert_int_not_equal(access(path, F_OK), 0);

	snprintf(path, sizeof(path), "%s/notes.txt", fx->copy);
	assert_int_equal(unlink(path), 0);
	if (lease_env_backup(fx->env, fx->copy, &res, errbuf,
	    sizeof(errbuf)) != 0)
		fail_msg("backup into an empty directory: %s", errbuf);
	assert_int_equal(res.stores, 1);
	assert_int_equal(res.leases, 10);
	/* Now it is not empty. */
	assert_int_equal(lease_env_backup(fx->env, fx->copy, &res, errbuf,
	    sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "not empty"));
	lease_db_close(db);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(copy_holds_committed_records),
		T(refuses_bad_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
