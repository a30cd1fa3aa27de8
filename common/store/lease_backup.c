/*
 * Hot backup of a lease environment (lease_backup.h).
 *
 * Berkeley DB copies every database through its cache (so no page is
 * torn) and then the log files, while writers go on.  The copied pages
 * are of different moments, some older than the last checkpoint in the
 * copied log, so the copy is only consistent after catastrophic
 * recovery, which replays the whole copied log over them; that is done
 * here, on the copy, so what a backup leaves is a plain environment a
 * daemon opens like its own.
 *
 * Then each store in the copy gets a new identity.  The copy is not the
 * store it came from any more: the original goes on changing, and a
 * failover that protected it holds bindings the copy lacks.  With a new
 * identity a restored primary is, to its failover, a primary whose disk
 * was replaced: at its next request for control the failover hands back
 * every binding it holds and the conflict rule keeps the newer record of
 * each address.  Without it the failover would take the restored
 * store's older sequences for ones it had already seen.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lease_backup.h"
#include "lease_db_int.h"

/* A new directory, or an empty one: never mixed with other files. */
static int
target_ok(const char *dir, char *err, size_t errlen)
{
	struct dirent *de;
	DIR	*d;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			closedir(d);
			snprintf(err, errlen, "%s: not empty; a backup goes "
			    "into a new or empty directory", dir);
			return -1;
		}
	closedir(d);
	return 0;
}

/* Catastrophic recovery of the copy, in an environment of its own. */
static int
recover_copy(const char *dir, char *err, size_t errlen)
{
	DB_ENV	*dbenv;
	int	 ret;

	if ((ret = db_env_create(&dbenv, 0)) != 0) {
		snprintf(err, errlen, "%s: %s", dir, db_strerror(ret));
		return -1;
	}
	ret = dbenv->open(dbenv, dir, DB_CREATE | DB_INIT_TXN |
	    DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL | DB_RECOVER_FATAL |
	    DB_PRIVATE, 0640);
	if (ret == 0)
		ret = dbenv->txn_checkpoint(dbenv, 0, 0, DB_FORCE);
	if (ret != 0)
		snprintf(err, errlen, "%s: recovery of the copy: %s", dir,
		    db_strerror(ret));
	dbenv->close(dbenv, 0);
	return ret != 0 ? -1 : 0;
}

struct renew {
	struct lease_env *env;
	struct lease_backup_result *res;
	char	*err;
	size_t	 errlen;
};

static int
count_cb(const struct lease *l, void *arg)
{
	struct lease_backup_result *res = arg;

	(void)l;
	res->leases++;
	return 0;
}

static int
renew_cb(const char *name, void *arg)
{
	struct renew	*r = arg;
	struct lease_db	*db;
	int		 ret;

	if ((db = lease_db_open(r->env, name, r->err, r->errlen)) == NULL)
		return -1;
	ret = lease_db_renew_id(db);
	if (ret == 0)
		ret = lease_db_foreach(db, count_cb, r->res);
	if (ret != 0)
		snprintf(r->err, r->errlen, "%s: %s", name,
		    lease_db_strerror(ret));
	lease_db_close(db);
	r->res->stores++;
	return ret != 0 ? -1 : 0;
}

/* Every store of the recovered copy: a new identity, its leases counted. */
static int
renew_copy(const char *dir, struct lease_backup_result *res, char *err,
    size_t errlen)
{
	struct renew	 r = { NULL, res, err, errlen };
	int		 rc;

	if ((r.env = lease_env_open(dir, err, errlen)) == NULL)
		return -1;
	rc = lease_env_foreach_db(r.env, renew_cb, &r);
	if (rc == 0 && (rc = lease_db_checkpoint(r.env)) != 0)
		snprintf(err, errlen, "%s: checkpoint: %s", dir,
		    lease_db_strerror(rc));
	lease_env_close(r.env);
	return rc != 0 ? -1 : 0;
}

/* Everything in dir, and dir itself, on stable storage. */
static int
sync_dir(const char *dir, struct lease_backup_result *res, char *err,
    size_t errlen)
{
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX];
	DIR		*d;
	int		 fd, rc = 0;

	if ((d = opendir(dir)) == NULL)
		goto fail;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		res->bytes += (uint64_t)st.st_size;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    fsync(fd) != 0)
			rc = -1;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	if (rc == 0 && (fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		rc = fsync(fd);
		close(fd);
		if (rc == 0)
			return 0;
	}
fail:
	snprintf(err, errlen, "%s: sync: %s", dir, strerror(errno));
	return -1;
}

int
lease_env_backup(struct lease_env *env, const char *dir,
    struct lease_backup_result *res, char *err, size_t errlen)
{
	DB_ENV	*dbenv = lease_env_bdb(env);
	int	 ret;

	memset(res, 0, sizeof(*res));
	if (dir[0] != '/') {
		snprintf(err, errlen, "%s: give an absolute path (the daemon's "
		    "working directory is not yours)", dir);
		return -1;
	}
	if (target_ok(dir, err, errlen) < 0)
		return -1;
	/* A checkpoint first: the copy's recovery starts from it, and an
	 * environment that never wrote a log record has one then. */
	if ((ret = dbenv->txn_checkpoint(dbenv, 0, 0, DB_FORCE)) != 0 ||
	    (ret = dbenv->backup(dbenv, dir, DB_CREATE)) != 0) {
		snprintf(err, errlen, "%s: backup: %s", dir,
		    db_strerror(ret));
		return -1;
	}
	if (recover_copy(dir, err, errlen) < 0 ||
	    renew_copy(dir, res, err, errlen) < 0)
		return -1;
	return sync_dir(dir, res, err, errlen);
}
