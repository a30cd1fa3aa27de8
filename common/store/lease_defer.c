/*
 * Deferred commits (lease_defer.h): lease_db_commit's first half, and a
 * flush of the log with the same check lease_db_commit makes -- the
 * on-disk end of the log (st_disk) must have moved past what was to be
 * flushed, or Berkeley DB lost a log write it reported done (a full
 * disk, lease_db.c) and the environment is stopped before a page that
 * trusts that log can be written.
 */
#include <db.h>
#include <stdio.h>

#include "lease_db_int.h"
#include "lease_defer.h"

int
lease_db_commit_deferred(struct lease_db *db, struct lease_lsn *at)
{
	DB_LSN	 end;
	int	 rc;

	rc = lease_db_commit_as(db, true, &end);
	at->file = rc == 0 ? end.file : 0;
	at->offset = rc == 0 ? end.offset : 0;
	return rc;
}

bool
lease_env_durable(struct lease_env *env, const struct lease_lsn *at)
{
	DB_LSN	 want = { at->file, at->offset }, cur, disk;

	if (at->file == 0 && at->offset == 0)
		return true;
	if (lease_env_failed(env) || lease_env_log_lsns(env, &cur, &disk) != 0)
		return false;
	return lease_env_lsn_cmp(&disk, &want) >= 0;
}

int
lease_env_flush(struct lease_env *env)
{
	DB_ENV	*dbenv = lease_env_bdb(env);
	DB_LSN	 cur, disk, cur2;
	char	 why[160];
	int	 ret;

	if (lease_env_failed(env))
		return DB_RUNRECOVERY;
	if ((ret = lease_env_log_lsns(env, &cur, &disk)) != 0)
		goto fail;
	if (lease_env_lsn_cmp(&disk, &cur) >= 0)
		return 0;
	if ((ret = dbenv->log_flush(dbenv, NULL)) != 0 ||
	    (ret = lease_env_log_lsns(env, &cur2, &disk)) != 0)
		goto fail;
	if (lease_env_lsn_cmp(&disk, &cur) < 0) {
		lease_env_fail(env, "a log flush reported done is not on "
		    "disk (log write failed; disk full?)");
		return DB_RUNRECOVERY;
	}
	return 0;
fail:
	snprintf(why, sizeof(why), "the log of deferred commits could not "
	    "be flushed: %s", lease_db_strerror(ret));
	lease_env_fail(env, why);
	return DB_RUNRECOVERY;
}
