/*
 * Unit tests: the group commit both daemons serve DHCP by
 * (common/dhcp/gcommit.c, with common/store/lease_db.c), against a real Berkeley DB
 * store made to fail by tests/tools/dbfault.c, linked in (no preloading,
 * so this runs under ASan too).
 *
 * The rule: a reply queued for a batch is released only when the batch
 * commits; any failure while the batch is open -- its first write, a
 * later one, the commit itself -- loses the whole batch, drops its
 * replies (counted), counts a commit failure, and the next batch starts
 * clean and commits.  After a reopen the store holds exactly what was
 * committed.  The lease log's grant lines follow the replies: written
 * when they are released, never for a lost batch.  The failover's takeover serving goes through the same code
 * (failover/fod_serve.c fod_commit), so this covers both daemons.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dhcp_proto.h"
#include "gcommit.h"
#include "lease_db.h"
#include "tmpdir_testutil.h"
#include "../tools/dbfault.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */
#define MAXADDR	64

struct fixture {
	char		 dir[64];
	struct lease_env *env;
	struct lease_db	*db;
	struct gcommit	 gc;
	size_t		 released;	/* replies released */
	size_t		 releases;	/* release callbacks */
	struct dhcp_reply_stats st;
	struct dhcp_msg	 req;
	struct engine_result res;
	struct lease_log llog;
	size_t		 lines;		/* lease log lines written */
	char		 last[LEASE_LOG_LINE_MAX];
};

static char	 errbuf[256];

static void
release(void *arg, struct dhcp_replyq *q)
{
	struct fixture *fx = arg;

	fx->released += q->n;
	fx->releases++;
}

static void
capture(void *arg, const char *line)
{
	struct fixture *fx = arg;

	fx->lines++;
	snprintf(fx->last, sizeof(fx->last), "%s", line);
}

static void
open_store(struct fixture *fx)
{
	fx->env = lease_env_open(fx->dir, errbuf, sizeof(errbuf));
	assert_non_null(fx->env);
	/* The test's temporary file system may be nearly full: the
	 * reserve is not what is tested here. */
	lease_env_set_min_free(fx->env, 0);
	fx->db = lease_db_open(fx->env, "primary", errbuf, sizeof(errbuf));
	assert_non_null(fx->db);
	gcommit_init(&fx->gc, fx->db, release, fx, &fx->llog);
}

static void
close_store(struct fixture *fx)
{
	gcommit_free(&fx->gc);
	lease_db_close(fx->db);
	lease_env_close(fx->env);
	fx->db = NULL;
	fx->env = NULL;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if (!tmpdir_make(fx->dir, sizeof(fx->dir), "test_gcommit"))
		return -1;
	lease_log_init(&fx->llog, "branch1", capture, fx);
	lease_log_set(&fx->llog, true, 0);
	open_store(fx);
	/* Counting from here: the store's own open commits once. */
	dbfault_set(NULL);

	/* A request and the ACK the engine would make of it. */
	dhcp_msg_init(&fx->req);
	fx->req.op = BOOTREQUEST;
	fx->req.htype = 1;
	fx->req.hlen = 6;
	fx->req.giaddr = NET1 | 1;
	dhcp_msg_init(&fx->res.reply);
	fx->res.action = ENGINE_REPLY;
	fx->res.reply.op = BOOTREPLY;
	fx->res.reply.htype = 1;
	fx->res.reply.hlen = 6;
	fx->res.reply.has_cookie = true;
	fx->res.reply.msg_type = DHCPACK;
	fx->res.max_len = 576;
	fx->res.dest = ENGINE_DEST_RELAY;
	fx->res.dst_addr = NET1 | 1;
	fx->res.dst_port = 67;
	fx->res.needs_commit = true;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	dbfault_set(NULL);
	if (fx->db != NULL)
		close_store(fx);
	lease_log_free(&fx->llog);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

static void
mklease(struct lease *l, uint32_t addr)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[5] = (uint8_t)addr;
	l->key.len = 7;
	l->key.bytes[0] = 'H';
	l->key.bytes[6] = (uint8_t)addr;
	l->starts = 1700000000;
	l->ends = 1700003600;
	l->cltt = 1700000000;
}

/*
 * What a daemon does with one request granting addr: stage its lease,
 * then queue the ACK, or withhold it when the lease was not staged.
 * Returns lease_db_stage's result.
 */
static int
request(struct fixture *fx, uint32_t addr)
{
	struct lease l;
	const char *why;
	int	 rc;

	mklease(&l, addr);
	l.seq = lease_db_next_seq(fx->db);
	fx->req.chaddr[5] = (uint8_t)addr;
	fx->res.reply.yiaddr = addr;
	fx->res.changes[0] = l;
	fx->res.nchanges = 1;
	if ((rc = lease_db_stage(fx->db, &l)) != 0)
		gcommit_withhold(&fx->gc);
	else
		assert_int_equal(gcommit_queue(&fx->gc, -1, 0, 0, 0, &fx->req,
		    &fx->res, 0, &fx->st, &why), 0);
	return rc;
}

static uint64_t
commit_failures(struct fixture *fx)
{
	struct lease_db_stats ds;

	lease_db_get_stats(fx->db, &ds);
	return ds.commit_failures;
}

static uint64_t
commits(struct fixture *fx)
{
	struct lease_db_stats ds;

	lease_db_get_stats(fx->db, &ds);
	return ds.commits;
}

struct addrs {
	uint32_t v[MAXADDR];
	size_t	 n;
};

static int
collect(const struct lease *l, void *arg)
{
	struct addrs *a = arg;

	assert_true(a->n < MAXADDR);
	a->v[a->n++] = l->addr;
	return 0;
}

/* After a reopen (recovery, as a restart), the store holds exactly
 * want[0..n) (ascending). */
static void
assert_store_holds(struct fixture *fx, const uint32_t *want, size_t n)
{
	struct addrs a = { .n = 0 };

	close_store(fx);
	open_store(fx);
	assert_int_equal(lease_db_foreach(fx->db, collect, &a), 0);
	assert_int_equal(a.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a.v[i], want[i]);
}

/* The normal path: one commit, every reply released, nothing counted. */
static void
batch_commits_and_releases(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 10, NET1 | 11, NET1 | 12 };
	uint64_t c0 = commits(fx);

	for (size_t i = 0; i < 3; i++)
		assert_int_equal(request(fx, want[i]), 0);
	assert_int_equal(gcommit_waiting(&fx->gc), 3);
	assert_true(gcommit_pending(&fx->gc));
	assert_false(gcommit_spoiled(&fx->gc));
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 3);
	assert_int_equal(gcommit_waiting(&fx->gc), 0);
	assert_false(gcommit_pending(&fx->gc));
	assert_int_equal(commits(fx), c0 + 1);
	assert_int_equal(commit_failures(fx), 0);
	assert_int_equal(fx->gc.stats.withheld, 0);
	assert_int_equal(fx->lines, 3);
	assert_non_null(strstr(fx->last, "lease grant addr=198.51.100.12 "));
	assert_non_null(strstr(fx->last, " lease=3600"));
	assert_store_holds(fx, want, 3);
}

/* Replies with nothing staged leave without a commit (no log flush). */
static void
nothing_staged_no_commit(void **state)
{
	struct fixture *fx = *state;
	const char *why;
	uint64_t c0 = commits(fx);
	struct dbfault_counts dc;

	assert_int_equal(gcommit_queue(&fx->gc, -1, 0, 0, 0, &fx->req,
	    &fx->res, 0, &fx->st, &why), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 1);
	assert_int_equal(commits(fx), c0);
	dbfault_counts(&dc);
	assert_int_equal(dc.commits, 0);
	/* And an empty end does nothing at all. */
	assert_false(gcommit_pending(&fx->gc));
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->releases, 1);
}

/*
 * The batch's first write fails: nothing counts as staged, yet the batch
 * is spoiled and must be ended -- no reply leaves, the failure is
 * counted, and the next batch is clean.
 */
static void
first_put_fails(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 5, NET1 | 22 };
	struct dbfault_counts dc;

	/* Something committed before, which must survive. */
	assert_int_equal(request(fx, NET1 | 5), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	fx->released = 0;

	assert_int_equal(dbfault_set("put_fail_count=1 errno=ENOMEM"), 0);
	assert_int_equal(request(fx, NET1 | 20), ENOMEM);
	assert_int_equal(lease_db_staged(fx->db), 0);
	assert_int_equal(lease_db_spoiled(fx->db), ENOMEM);
	assert_true(gcommit_spoiled(&fx->gc));
	assert_true(gcommit_pending(&fx->gc));
	/* Later writes of the batch fail the same way, without a put. */
	assert_int_equal(request(fx, NET1 | 21), ENOMEM);
	dbfault_counts(&dc);
	assert_int_equal(dc.puts, 1);
	assert_int_equal(dc.puts_failed, 1);

	assert_int_equal(gcommit_end(&fx->gc), ENOMEM);
	assert_int_equal(fx->released, 0);
	assert_int_equal(fx->gc.stats.withheld, 2);
	assert_int_equal(fx->gc.last_withheld, 2);
	assert_int_equal(commit_failures(fx), 1);
	assert_int_equal(lease_db_spoiled(fx->db), 0);
	assert_false(gcommit_pending(&fx->gc));

	/* The next batch starts clean and commits. */
	assert_int_equal(request(fx, NET1 | 22), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 1);
	assert_int_equal(commit_failures(fx), 1);
	assert_store_holds(fx, want, 2);
}

/* A write fails after others succeeded: their replies are dropped too. */
static void
later_put_fails(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 40, NET1 | 41 };

	assert_int_equal(dbfault_set("put_fail_after=2 put_fail_count=1 "
	    "errno=EIO"), 0);
	assert_int_equal(request(fx, NET1 | 30), 0);
	assert_int_equal(request(fx, NET1 | 31), 0);
	assert_int_equal(request(fx, NET1 | 32), EIO);
	assert_int_equal(request(fx, NET1 | 33), EIO);
	assert_int_equal(lease_db_staged(fx->db), 2);
	assert_int_equal(gcommit_waiting(&fx->gc), 2);
	assert_int_equal(gcommit_end(&fx->gc), EIO);
	assert_int_equal(fx->released, 0);
	assert_int_equal(fx->gc.last_withheld, 4);
	assert_int_equal(fx->gc.stats.withheld, 4);
	assert_int_equal(commit_failures(fx), 1);

	assert_int_equal(request(fx, NET1 | 40), 0);
	assert_int_equal(request(fx, NET1 | 41), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 2);
	assert_store_holds(fx, want, 2);
}

/* The commit itself fails: the batch is rolled back, nothing released;
 * the environment stays usable. */
static void
commit_fails(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 52, NET1 | 53 };
	struct dbfault_counts dc;

	assert_int_equal(dbfault_set("commit_fail_count=2 errno=EIO"), 0);
	assert_int_equal(request(fx, NET1 | 50), 0);
	assert_int_equal(request(fx, NET1 | 51), 0);
	assert_int_equal(gcommit_end(&fx->gc), EIO);
	assert_int_equal(fx->released, 0);
	assert_int_equal(fx->gc.stats.withheld, 2);
	assert_int_equal(commit_failures(fx), 1);
	assert_false(gcommit_pending(&fx->gc));
	/* No ACK left: no grant logged, nothing counted as suppressed. */
	assert_int_equal(fx->lines, 0);
	assert_int_equal(fx->llog.stats.lines, 0);
	assert_int_equal(fx->llog.stats.suppressed, 0);

	/* The second failure: one reply more dropped. */
	assert_int_equal(request(fx, NET1 | 50), 0);
	assert_int_equal(gcommit_end(&fx->gc), EIO);
	assert_int_equal(fx->gc.stats.withheld, 3);
	assert_int_equal(commit_failures(fx), 2);

	/* The fault is used up: service resumes. */
	assert_int_equal(request(fx, NET1 | 52), 0);
	assert_int_equal(request(fx, NET1 | 53), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 2);
	assert_int_equal(fx->lines, 2);
	assert_non_null(strstr(fx->last, "lease grant addr=198.51.100.53 "));
	assert_int_equal(commit_failures(fx), 2);
	dbfault_counts(&dc);
	assert_int_equal(dc.commits, 3);
	assert_int_equal(dc.commits_failed, 2);
	assert_store_holds(fx, want, 2);
}

/* Every write fails until the fault is cleared: no reply ever leaves;
 * then the next batch commits. */
static void
persistent_fault_then_clear(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 63 };

	assert_int_equal(dbfault_set("put_fail_count=-1"), 0);
	for (uint32_t a = 60; a < 63; a++) {
		assert_int_equal(request(fx, NET1 | a), ENOMEM);
		assert_int_equal(gcommit_end(&fx->gc), ENOMEM);
	}
	assert_int_equal(fx->released, 0);
	assert_int_equal(fx->gc.stats.withheld, 3);
	assert_int_equal(commit_failures(fx), 3);

	assert_int_equal(dbfault_set(""), 0);
	assert_int_equal(request(fx, NET1 | 63), 0);
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 1);
	assert_store_holds(fx, want, 1);
}

/*
 * A lease the store refuses (EINVAL) is not a store failure: the batch
 * is unharmed and commits; only that request's reply is withheld.
 */
static void
invalid_lease_leaves_batch_alone(void **state)
{
	struct fixture *fx = *state;
	uint32_t want[] = { NET1 | 70 };
	struct lease bad;

	assert_int_equal(request(fx, NET1 | 70), 0);
	mklease(&bad, NET1 | 71);
	bad.state = LEASE_STATE_COUNT;
	assert_int_equal(lease_db_stage(fx->db, &bad), EINVAL);
	gcommit_withhold(&fx->gc);
	assert_false(gcommit_spoiled(&fx->gc));
	assert_int_equal(gcommit_end(&fx->gc), 0);
	assert_int_equal(fx->released, 1);
	/* The withheld ACK is not logged; the one released is. */
	assert_int_equal(fx->lines, 1);
	assert_non_null(strstr(fx->last, "addr=198.51.100.70 "));
	assert_int_equal(fx->gc.stats.withheld, 1);
	assert_int_equal(commit_failures(fx), 0);
	assert_store_holds(fx, want, 1);
}

/* A failed meta value (the daemons' watermarks ride in the batch)
 * spoils the batch like a lease. */
static void
meta_put_fails(void **state)
{
	struct fixture *fx = *state;
	uint64_t v = 0;

	assert_int_equal(request(fx, NET1 | 80), 0);
	assert_int_equal(dbfault_set("db=meta put_fail_count=1"), 0);
	assert_int_equal(lease_db_meta_set_u64(fx->db, "fo_repl_acked", 7),
	    ENOMEM);
	assert_true(gcommit_spoiled(&fx->gc));
	assert_int_equal(gcommit_end(&fx->gc), ENOMEM);
	assert_int_equal(fx->released, 0);
	assert_int_equal(commit_failures(fx), 1);
	assert_int_equal(lease_db_meta_get_u64(fx->db, "fo_repl_acked", &v),
	    ENOENT);
	assert_store_holds(fx, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(batch_commits_and_releases,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_staged_no_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(first_put_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(later_put_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(commit_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(persistent_fault_then_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    invalid_lease_leaves_batch_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(meta_put_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
