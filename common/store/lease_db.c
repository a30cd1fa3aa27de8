/*
 * Lease store on Berkeley DB 5.3 (see lease_db.h for the model).
 *
 * Choices and why:
 *
 * - DB_PRIVATE: the environment's regions (cache, locks, log buffer) live
 *   in this process's heap, not in mmap'd __db.NNN files.  Only one
 *   process ever uses a StateDir (enforced by a lock file, below) and we
 *   run recovery at every open anyway, so shared regions would buy
 *   nothing; and a file-backed region on a full file system can turn a
 *   page fault into SIGBUS instead of an ENOSPC we can report.
 * - A lock file (flock) per StateDir: DB_RECOVER assumes nobody else has
 *   the environment open.  Two daemons configured with the same StateDir
 *   (the sample INI files of primary and failover both say
 *   /var/lib/dhcpfo) would corrupt each other; the second now fails to
 *   start with a clear message.
 * - Commit with DB_TXN_SYNC explicitly, so a DB_CONFIG file setting
 *   DB_TXN_NOSYNC cannot silently weaken "durable before ACK".
 * - A stage error spoils the batch rather than ending it: a caller that
 *   misses the error cannot then commit the second half of a batch whose
 *   first half was rolled back.
 * - Walks run inside the batch transaction with DB_READ_COMMITTED
 *   cursors.  A cursor outside the transaction would hold read locks that
 *   a stage from the walk's callback (an expiry sweep) then waits on
 *   forever: same thread, so the deadlock detector sees no cycle.
 *   Read-committed releases page locks as the cursor moves, so a walk
 *   over every lease does not exhaust the lock table.
 * - Log files written with zeros when they are made (DB_LOG_ZERO), so a
 *   commit overwrites blocks the file already has: its fdatasync writes
 *   the log's data and flushes, and never the inode, whose size no
 *   longer changes.  On ext4 that inode write was a synchronous device
 *   write of its own in every commit, a quarter of fdatasync's CPU
 *   (docs/performance.md).  The zeros cost one 4 MB write per log file.
 * - A full disk: with the log files preallocated, the only commit that
 *   needs new blocks is the one that starts the next log file, and
 *   Berkeley DB 5.3 fails that one by stopping the environment
 *   (DB_RUNRECOVERY), not with ENOSPC.  So a free-space reserve (three
 *   log files) keeps it away from a full disk: a batch that may reach
 *   the end of the current file is checked first (check_free) and
 *   refused with ENOSPC below the reserve.  Every commit is also checked
 *   against the log's own on-disk position, and an environment caught
 *   lying is panicked before it can write a page (env_fail).
 *   tests/unit/test_lease_db.c full_disk covers the three cases.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <db.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "byteorder.h"
#include "lease_db.h"
#include "lease_db_int.h"
#include "log.h"

#define CACHE_BYTES	(32u * 1024 * 1024)
/*
 * The in-memory log buffer holds a whole batch, so a commit is one
 * write + one fdatasync; the default 32 KB would write a large start-up
 * sync batch in many pieces.  Log files are 4 MB rather than the default
 * 10 MB because recovery at open fills the tail of the last one with
 * zeros: a smaller file lets a daemon restart on a nearly full disk.
 */
#define LOG_BUF_BYTES	(1u * 1024 * 1024)
/* Page locks: a batch holds its write locks until it commits. */
#define MAX_LOCKS	20000
#define FILE_MODE	0640
#define DIR_MODE	0750
#define LOCK_FILE	"lease.lock"
#define DB_SUFFIX	LEASE_DB_SUFFIX
#define STORE_FORMAT	1u

#define META_FORMAT	"format"
#define META_STORE_ID	"store_id"
#define META_SEQ	"seq"

struct lease_env {
	DB_ENV		*dbenv;
	int		 lockfd;
	char		 dir[PATH_MAX];
	pthread_mutex_t	 mtx;		/* guards dbs */
	struct lease_db	*dbs;		/* open stores */
	atomic_bool	 failed;	/* panic, or a commit not on disk */
	_Atomic uint64_t min_free;	/* bytes; see lease_env_set_min_free */
	/* The last statvfs: free bytes, and when (now_usec; 0: never). */
	_Atomic uint64_t free_avail;
	_Atomic uint64_t free_at;
};

struct lease_db {
	struct lease_env *env;
	struct lease_db	*next;
	char		 name[LEASE_DB_NAME_MAX + 1];
	DB		*leases;	/* primary: address -> record */
	DB		*meta;
	DB_TXN		*txn;		/* open batch, or NULL */
	size_t		 staged;
	size_t		 meta_staged;	/* of staged: meta values */
	int		 batch_err;	/* non-zero: batch spoiled */
	uint64_t	 batch_seq;	/* highest seq in the open batch */
	uint64_t	 last_seq;	/* highest seq committed */
	uint64_t	 next_seq;	/* highest seq handed out */
	uint8_t		 store_id[LEASE_DB_STORE_ID_LEN];
	lease_db_corrupt_cb *corrupt_cb;
	void		*corrupt_arg;
	struct lease_db_stats stats;
};

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const char *
lease_db_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case EBADMSG:
		return "corrupt lease record";
	case DB_RUNRECOVERY:
		return "lease store failed and must be recovered "
		    "(DB_RUNRECOVERY): restart the daemon";
	case DB_VERSION_MISMATCH:
		return "lease store was written by another Berkeley DB "
		    "version (DB_VERSION_MISMATCH)";
	case DB_LOCK_DEADLOCK:
		return "lease store deadlock, batch rolled back "
		    "(DB_LOCK_DEADLOCK)";
	case DB_SECONDARY_BAD:
		return "lease store client index out of step with the "
		    "leases (DB_SECONDARY_BAD)";
	default:
		/* Berkeley DB's own codes, and strerror() for errno. */
		return db_strerror(err);
	}
}

bool
lease_db_fatal(int err)
{
	return err == DB_RUNRECOVERY;
}

/*
 * Berkeley DB's own messages carry the detail (which file, which limit).
 * A full disk makes it print two lines per failed write, and the daemon
 * retries every batch, so a burst is capped: ERR_BURST lines per
 * ERR_WINDOW seconds, then one line saying how many were dropped.  All
 * threads share it, hence the mutex.
 */
#define ERR_BURST	20
#define ERR_WINDOW	10.0

static pthread_mutex_t	 errcall_mtx = PTHREAD_MUTEX_INITIALIZER;
static double		 errcall_start;
static unsigned		 errcall_count;
static unsigned long	 errcall_dropped;

static void
bdb_errcall(const DB_ENV *dbenv, const char *pfx, const char *msg)
{
	struct timespec	 ts;
	double		 now;
	unsigned long	 dropped = 0;
	bool		 show;

	(void)dbenv;
	(void)pfx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	pthread_mutex_lock(&errcall_mtx);
	if (now - errcall_start >= ERR_WINDOW) {
		dropped = errcall_dropped;
		errcall_start = now;
		errcall_count = 0;
		errcall_dropped = 0;
	}
	if ((show = errcall_count < ERR_BURST))
		errcall_count++;
	else
		errcall_dropped++;
	pthread_mutex_unlock(&errcall_mtx);
	if (dropped > 0)
		log_warn("lease store: %lu more Berkeley DB messages not "
		    "logged", dropped);
	if (show)
		log_warn("lease store: %s", msg);
}

/*
 * Stop using the environment: every later call fails with DB_RUNRECOVERY
 * and closing writes no page back, so the files on disk stay what the
 * durable log describes and recovery at the next start can rebuild them.
 */
static void
env_fail(struct lease_env *env, const char *why, bool panic)
{
	if (atomic_exchange(&env->failed, true))
		return;
	log_err("lease store %s: %s; no further writes, restart to recover",
	    env->dir, why);
	/*
	 * Panic the environment ourselves: DB_ENV->close would otherwise
	 * flush the log and write every dirty page back, trusting the log
	 * that just proved untrustworthy.
	 */
	if (panic)
		env->dbenv->set_flags(env->dbenv, DB_PANIC_ENVIRONMENT, 1);
}

static void
bdb_event(DB_ENV *dbenv, u_int32_t event, void *info)
{
	struct lease_env *env = dbenv->app_private;

	(void)info;
	/* Already panicked: just stop using it. */
	if (event == DB_EVENT_PANIC && env != NULL)
		env_fail(env, "Berkeley DB panic", false);
}

static void
record_error(struct lease_db *db, int err, const char *what)
{
	db->stats.last_error = err;
	snprintf(db->stats.last_error_text, sizeof(db->stats.last_error_text),
	    "%s: %s", what, lease_db_strerror(err));
}

static bool
valid_name(const char *name)
{
	size_t	 i, n = strlen(name);

	if (n == 0 || n > LEASE_DB_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.'))
			return false;
	}
	return true;
}

/* mkdir -p; new directories get DIR_MODE, existing ones are left alone. */
static int
mkdirs(const char *dir)
{
	char		 path[PATH_MAX];
	size_t		 i, n = strlen(dir);
	struct stat	 st;

	if (n == 0 || n >= sizeof(path))
		return ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, DIR_MODE) == -1 && errno != EEXIST)
			return errno;
		path[i] = dir[i];
	}
	if (stat(dir, &st) == -1)
		return errno;
	return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

/*
 * Free bytes for us in dir, UINT64_MAX if unknown.  Root may also use the
 * blocks a file system reserves for it (ext4: 5%), so a daemon running as
 * root does not stop granting leases while the disk still has room.
 */
static uint64_t
free_bytes(const char *dir)
{
	struct statvfs	 sv;

	if (statvfs(dir, &sv) == -1)
		return UINT64_MAX;
	return (uint64_t)(geteuid() == 0 ? sv.f_bfree : sv.f_bavail) *
	    sv.f_frsize;
}

/*
 * Refuse to start recovery in dir below the reserve; at is a directory
 * on the same file system (dir itself, or where it will be created).
 */
static int
reserve_check(const char *dir, const char *at, char *err, size_t errlen)
{
	uint64_t	 avail;

	if ((avail = free_bytes(at)) >= LEASE_DB_MIN_FREE_DEFAULT)
		return 0;
	snprintf(err, errlen, "%s: only %llu KB free there, need %llu KB to "
	    "open and recover the lease store safely", dir,
	    (unsigned long long)(avail / 1024),
	    LEASE_DB_MIN_FREE_DEFAULT / 1024);
	return -1;
}

int
lease_env_check(const char *dir, char *err, size_t errlen)
{
	char		 at[PATH_MAX], *slash;
	struct stat	 st;
	bool		 exists = true;

	if (strlen(dir) + 1 + sizeof(LOCK_FILE) > PATH_MAX) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	snprintf(at, sizeof(at), "%s", dir);
	/* The nearest existing directory: dir, or where mkdirs() starts. */
	while (stat(at, &st) == -1) {
		if (errno != ENOENT || (slash = strrchr(at, '/')) == NULL) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
		/* "/a/b" becomes "/a", "/a" becomes "/". */
		slash[slash == at ? 1 : 0] = '\0';
		exists = false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, exists ? "%s: not a directory" :
		    "%s: cannot create: %s is not a directory", dir, at);
		return -1;
	}
	/* The lock file and Berkeley DB's files are created in it. */
	if (faccessat(AT_FDCWD, at, W_OK | X_OK, AT_EACCESS) == -1) {
		if (exists)
			snprintf(err, errlen, "%s: cannot write there: %s",
			    dir, strerror(errno));
		else
			snprintf(err, errlen, "%s: cannot create: %s: %s",
			    dir, at, strerror(errno));
		return -1;
	}
	return reserve_check(dir, at, err, errlen);
}

/*
 * ENOSPC if StateDir's file system is below the reserve, before a batch
 * of `changes` is committed at log position `at` (NULL: ask now).
 *
 * statvfs(2) (and the geteuid(2) of free_bytes) cost a system call pair
 * each, and a commit at a low rate is one log write and one fdatasync:
 * asking every time was a tenth of the system calls of a DHCP exchange.
 * So the file system is asked only when its answer could change the
 * outcome:
 *   - once a second, whatever happens (others write to that disk too);
 *   - at every commit once the last answer was within twice the reserve,
 *     so near the edge the check is exact, as before;
 *   - before a batch that may reach the end of the current log file:
 *     Berkeley DB creates the next file inside that commit, and a full
 *     disk there must be refused here, not met there.
 * Between those, a batch adds to the log at most what LOG_CHANGE_MAX
 * bounds per change, far below the reserve.  Threads share the env:
 * the cached answer is atomic, and two threads asking at once is only
 * one statvfs too many.
 */
#define FREE_CHECK_USEC		1000000u
#define LOG_CHANGE_MAX		8192u	/* log bytes per staged change, at
					 * most: a record, its key, a page
					 * split */
static int
check_free(struct lease_env *env, const DB_LSN *at, size_t changes,
    char *why, size_t whylen)
{
	uint64_t	 avail, now, min = atomic_load(&env->min_free);

	if (min == 0)
		return 0;
	now = now_usec();
	avail = atomic_load(&env->free_avail);
	if (at != NULL && atomic_load(&env->free_at) != 0 &&
	    now - atomic_load(&env->free_at) < FREE_CHECK_USEC &&
	    avail >= 2 * min && (uint64_t)at->offset +
	    (uint64_t)changes * LOG_CHANGE_MAX < LEASE_DB_LOG_FILE_BYTES)
		return 0;
	avail = free_bytes(env->dir);
	atomic_store(&env->free_avail, avail);
	atomic_store(&env->free_at, now);
	if (avail >= min)
		return 0;
	snprintf(why, whylen, "free space %llu KB below the %llu KB reserve",
	    (unsigned long long)(avail / 1024),
	    (unsigned long long)(min / 1024));
	return ENOSPC;
}

/* The store's directory, locked for this process alone. */
static int
env_lock(struct lease_env *env, char *err, size_t errlen)
{
	char	 path[PATH_MAX + sizeof(LOCK_FILE) + 1];

	snprintf(path, sizeof(path), "%s/%s", env->dir, LOCK_FILE);
	env->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, FILE_MODE);
	if (env->lockfd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(env->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: lease store in use by "
			    "another process (or already open)", env->dir);
		else
			snprintf(err, errlen, "%s: lock: %s", path,
			    strerror(errno));
		return -1;
	}
	return 0;
}

/* Berkeley DB's environment, configured, opened and recovered. */
static int
env_open_bdb(struct lease_env *env, char *err, size_t errlen)
{
	const char	*dir = env->dir;
	DB_ENV		*dbenv;
	uint64_t	 avail;
	int		 ret;

	if ((ret = db_env_create(&dbenv, 0)) != 0) {
		snprintf(err, errlen, "%s: %s", dir, lease_db_strerror(ret));
		return -1;
	}
	env->dbenv = dbenv;
	dbenv->app_private = env;
	dbenv->set_errcall(dbenv, bdb_errcall);
	if ((ret = dbenv->set_event_notify(dbenv, bdb_event)) != 0 ||
	    (ret = dbenv->set_cachesize(dbenv, 0, CACHE_BYTES, 1)) != 0 ||
	    (ret = dbenv->set_lg_bsize(dbenv, LOG_BUF_BYTES)) != 0 ||
	    (ret = dbenv->set_lg_max(dbenv, LEASE_DB_LOG_FILE_BYTES)) != 0 ||
	    (ret = dbenv->set_lk_detect(dbenv, DB_LOCK_DEFAULT)) != 0 ||
	    (ret = dbenv->set_lk_max_locks(dbenv, MAX_LOCKS)) != 0 ||
	    (ret = dbenv->set_lk_max_objects(dbenv, MAX_LOCKS)) != 0 ||
	    (ret = dbenv->log_set_config(dbenv, DB_LOG_AUTO_REMOVE, 1)) != 0 ||
	    (ret = dbenv->log_set_config(dbenv, DB_LOG_ZERO, 1)) != 0) {
		snprintf(err, errlen, "%s: configure: %s", dir,
		    lease_db_strerror(ret));
		return -1;
	}
	ret = dbenv->open(dbenv, dir, DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK |
	    DB_INIT_LOG | DB_INIT_MPOOL | DB_THREAD | DB_RECOVER | DB_PRIVATE,
	    FILE_MODE);
	if (ret != 0) {
		const char *why = ret == DB_RUNRECOVERY ?
		    "recovery failed (DB_RUNRECOVERY)" : lease_db_strerror(ret);

		if ((avail = free_bytes(dir)) < 2ull * LEASE_DB_LOG_FILE_BYTES)
			snprintf(err, errlen, "%s: open: %s; only %llu KB "
			    "free there, recovery needs up to %u KB", dir, why,
			    (unsigned long long)(avail / 1024),
			    LEASE_DB_LOG_FILE_BYTES / 1024);
		else
			snprintf(err, errlen, "%s: open: %s", dir, why);
		return -1;
	}
	return 0;
}

struct lease_env *
lease_env_open(const char *dir, char *err, size_t errlen)
{
	struct lease_env *env;
	int		 ret;

	if (strlen(dir) + 1 + sizeof(LOCK_FILE) > PATH_MAX) {
		snprintf(err, errlen, "%s: path too long", dir);
		return NULL;
	}
	if ((ret = mkdirs(dir)) != 0) {
		snprintf(err, errlen, "%s: cannot create: %s", dir,
		    strerror(ret));
		return NULL;
	}
	if ((env = calloc(1, sizeof(*env))) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	snprintf(env->dir, sizeof(env->dir), "%s", dir);
	env->lockfd = -1;
	atomic_init(&env->failed, false);
	atomic_init(&env->min_free, LEASE_DB_MIN_FREE_DEFAULT);
	pthread_mutex_init(&env->mtx, NULL);
	if (env_lock(env, err, errlen) < 0)
		goto fail;
	/*
	 * Recovery writes: log file tails, pages, compensation records.  On
	 * a full disk Berkeley DB can get that wrong (see lease_db_commit),
	 * so do not start it without the reserve.
	 */
	if (reserve_check(dir, dir, err, errlen) < 0)
		goto fail;
	if (env_open_bdb(env, err, errlen) < 0)
		goto fail;
	return env;

fail:
	if (env->dbenv != NULL)
		env->dbenv->close(env->dbenv, 0);
	if (env->lockfd != -1)
		close(env->lockfd);
	pthread_mutex_destroy(&env->mtx);
	free(env);
	return NULL;
}

void
lease_env_set_min_free(struct lease_env *env, uint64_t bytes)
{
	atomic_store(&env->min_free, bytes);
}

int
lease_db_checkpoint(struct lease_env *env)
{
	char	 why[96];
	int	 ret;

	if (atomic_load(&env->failed))
		return DB_RUNRECOVERY;
	/*
	 * A checkpoint writes pages and log records; on a nearly full disk
	 * that is where Berkeley DB's error handling is weakest (see
	 * lease_db_commit), so wait for space instead.
	 */
	if ((ret = check_free(env, NULL, 0, why, sizeof(why))) != 0)
		return ret;
	/* No-op when nothing was logged since the last one. */
	if ((ret = env->dbenv->txn_checkpoint(env->dbenv, 0, 0, 0)) != 0)
		return ret;
	/* DB_LOG_AUTO_REMOVE does this too; be explicit about the intent. */
	return env->dbenv->log_archive(env->dbenv, NULL, DB_ARCH_REMOVE);
}

void
lease_env_close(struct lease_env *env)
{
	struct lease_db	*db;
	int		 ret;

	if (env == NULL)
		return;
	while ((db = env->dbs) != NULL) {
		log_warn("lease store %s: %s still open at close", env->dir,
		    db->name);
		lease_db_close(db);
	}
	/* A checkpoint now keeps the next start's recovery short. */
	if (!atomic_load(&env->failed) &&
	    (ret = lease_db_checkpoint(env)) != 0)
		log_warn("lease store %s: checkpoint at close: %s", env->dir,
		    lease_db_strerror(ret));
	if ((ret = env->dbenv->close(env->dbenv, 0)) != 0)
		log_warn("lease store %s: close: %s", env->dir,
		    lease_db_strerror(ret));
	close(env->lockfd);
	pthread_mutex_destroy(&env->mtx);
	free(env);
}

static int
filter_db(const struct dirent *de)
{
	size_t	 n = strlen(de->d_name), s = sizeof(DB_SUFFIX) - 1;
	char	 name[LEASE_DB_NAME_MAX + 1];

	if (n <= s || n - s > LEASE_DB_NAME_MAX ||
	    strcmp(de->d_name + n - s, DB_SUFFIX) != 0)
		return 0;
	memcpy(name, de->d_name, n - s);
	name[n - s] = '\0';
	return valid_name(name);
}

int
lease_env_foreach_db(struct lease_env *env,
    int (*cb)(const char *name, void *arg), void *arg)
{
	struct dirent	**list;
	char		 name[LEASE_DB_NAME_MAX + 1];
	int		 i, n, ret = 0;

	if ((n = scandir(env->dir, &list, filter_db, alphasort)) == -1)
		return errno;
	for (i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name) - (sizeof(DB_SUFFIX) - 1);

		memcpy(name, list[i]->d_name, len);
		name[len] = '\0';
		if (ret == 0)
			ret = cb(name, arg);
		free(list[i]);
	}
	free(list);
	return ret;
}

static void
db_file(const char *name, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s", name, DB_SUFFIX);
}

bool
lease_db_exists(struct lease_env *env, const char *name)
{
	char		 path[PATH_MAX + LEASE_DB_NAME_MAX + sizeof(DB_SUFFIX)];
	struct stat	 st;

	if (!valid_name(name))
		return false;
	snprintf(path, sizeof(path), "%s/%s%s", env->dir, name, DB_SUFFIX);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
meta_get(struct lease_db *db, DB_TXN *txn, const char *name, void *buf,
    size_t len)
{
	DBT	 key, data;
	int	 ret;

	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = (void *)(uintptr_t)name;
	key.size = (u_int32_t)strlen(name);
	data.data = buf;
	data.ulen = (u_int32_t)len;
	data.flags = DB_DBT_USERMEM;
	ret = db->meta->get(db->meta, txn, &key, &data, 0);
	if (ret == DB_BUFFER_SMALL || (ret == 0 && data.size != len))
		return EBADMSG;
	return ret;
}

static int
meta_put(struct lease_db *db, DB_TXN *txn, const char *name, const void *buf,
    size_t len)
{
	DBT	 key, data;

	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = (void *)(uintptr_t)name;
	key.size = (u_int32_t)strlen(name);
	data.data = (void *)(uintptr_t)buf;
	data.size = (u_int32_t)len;
	return db->meta->put(db->meta, txn, &key, &data, 0);
}

static int
random_id(uint8_t *out, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		if ((n = getrandom(out + off, len - off, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		off += (size_t)n;
	}
	return 0;
}

/* Read the store's identity, or give a new store one. */
static int
meta_load(struct lease_db *db, DB_TXN *txn, char *err, size_t errlen)
{
	uint8_t	 fmt[4], seq[8];
	int	 ret;

	ret = meta_get(db, txn, META_FORMAT, fmt, sizeof(fmt));
	if (ret == DB_NOTFOUND) {
		put_be32(fmt, STORE_FORMAT);
		put_be64(seq, 0);
		if ((ret = random_id(db->store_id,
		    sizeof(db->store_id))) != 0 ||
		    (ret = meta_put(db, txn, META_STORE_ID, db->store_id,
		    sizeof(db->store_id))) != 0 ||
		    (ret = meta_put(db, txn, META_SEQ, seq,
		    sizeof(seq))) != 0 ||
		    (ret = meta_put(db, txn, META_FORMAT, fmt,
		    sizeof(fmt))) != 0) {
			snprintf(err, errlen, "%s: create identity: %s",
			    db->name, lease_db_strerror(ret));
			return ret;
		}
		log_info("lease store %s/%s: created", db->env->dir, db->name);
		return 0;
	}
	if (ret == 0 && get_be32(fmt) != STORE_FORMAT) {
		snprintf(err, errlen, "%s: store format %u not supported "
		    "(this build reads %u)", db->name, get_be32(fmt),
		    STORE_FORMAT);
		return EPROTO;
	}
	if (ret == 0)
		ret = meta_get(db, txn, META_STORE_ID, db->store_id,
		    sizeof(db->store_id));
	if (ret == 0)
		ret = meta_get(db, txn, META_SEQ, seq, sizeof(seq));
	if (ret != 0) {
		snprintf(err, errlen, "%s: store identity unreadable: %s",
		    db->name, ret == DB_NOTFOUND ? "missing" :
		    lease_db_strerror(ret));
		return ret == DB_NOTFOUND ? EBADMSG : ret;
	}
	db->last_seq = db->next_seq = get_be64(seq);
	return 0;
}

static void
db_close_handles(struct lease_db *db)
{
	/* A failed environment must not write pages back (env_fail). */
	u_int32_t flags = atomic_load(&db->env->failed) ? DB_NOSYNC : 0;

	/* The secondary first: it refers to the primary. */
	if (db->leases != NULL)
		db->leases->close(db->leases, flags);
	if (db->meta != NULL)
		db->meta->close(db->meta, flags);
	db->leases = db->meta = NULL;
}

static void
env_unlink_db(struct lease_env *env, struct lease_db *db)
{
	struct lease_db **pp;

	pthread_mutex_lock(&env->mtx);
	for (pp = &env->dbs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == db) {
			*pp = db->next;
			break;
		}
	pthread_mutex_unlock(&env->mtx);
}

static int
open_one(struct lease_db *db, DB_TXN *txn, DB **dbp, const char *sub,
    u_int32_t dbflags)
{
	char	 file[LEASE_DB_NAME_MAX + sizeof(DB_SUFFIX)];
	int	 ret;

	db_file(db->name, file, sizeof(file));
	if ((ret = db_create(dbp, db->env->dbenv, 0)) != 0)
		return ret;
	if (dbflags != 0 && (ret = (*dbp)->set_flags(*dbp, dbflags)) != 0)
		return ret;
	return (*dbp)->open(*dbp, txn, file, sub, DB_BTREE,
	    DB_CREATE | DB_THREAD, FILE_MODE);
}

struct lease_db *
lease_db_open(struct lease_env *env, const char *name, char *err,
    size_t errlen)
{
	struct lease_db	*db, *o;
	DB_TXN		*txn = NULL;
	DB_ENV		*dbenv = env->dbenv;
	int		 ret;

	if (!valid_name(name)) {
		snprintf(err, errlen, "invalid lease store name \"%s\"", name);
		return NULL;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return NULL;
	}
	db->env = env;
	snprintf(db->name, sizeof(db->name), "%s", name);

	pthread_mutex_lock(&env->mtx);
	for (o = env->dbs; o != NULL; o = o->next)
		if (strcmp(o->name, name) == 0)
			break;
	if (o == NULL) {
		db->next = env->dbs;
		env->dbs = db;
	}
	pthread_mutex_unlock(&env->mtx);
	if (o != NULL) {
		snprintf(err, errlen, "%s: lease store already open", name);
		free(db);
		return NULL;
	}

	/*
	 * Create and identify in one transaction: a crash half way
	 * leaves no store at all rather than one without an identity.
	 */
	if ((ret = dbenv->txn_begin(dbenv, NULL, &txn, 0)) != 0) {
		snprintf(err, errlen, "%s: begin: %s", name,
		    lease_db_strerror(ret));
		goto fail;
	}
	if ((ret = open_one(db, txn, &db->leases, "leases", 0)) != 0 ||
	    (ret = open_one(db, txn, &db->meta, "meta", 0)) != 0) {
		snprintf(err, errlen, "%s: open: %s", name,
		    lease_db_strerror(ret));
		goto fail;
	}
	if ((ret = meta_load(db, txn, err, errlen)) != 0)
		goto fail;
	ret = txn->commit(txn, DB_TXN_SYNC);
	txn = NULL;
	if (ret != 0) {
		snprintf(err, errlen, "%s: commit open: %s", name,
		    lease_db_strerror(ret));
		goto fail;
	}
	return db;

fail:
	if (txn != NULL)
		txn->abort(txn);
	db_close_handles(db);
	env_unlink_db(env, db);
	free(db);
	return NULL;
}

static void
batch_end(struct lease_db *db)
{
	db->txn = NULL;
	db->staged = 0;
	db->meta_staged = 0;
	db->batch_err = 0;
	db->batch_seq = db->last_seq;
}

void
lease_db_abort(struct lease_db *db)
{
	int	 ret;

	/* A batch that failed to begin has an error but no transaction. */
	if (db->txn == NULL && db->batch_err == 0)
		return;
	if (db->batch_err != 0)
		db->stats.commit_failures++;
	else
		db->stats.aborts++;
	if (db->txn != NULL && (ret = db->txn->abort(db->txn)) != 0)
		record_error(db, ret, "abort");
	batch_end(db);
}

void
lease_db_close(struct lease_db *db)
{
	if (db == NULL)
		return;
	lease_db_abort(db);
	db_close_handles(db);
	env_unlink_db(db->env, db);
	free(db);
}

static int
batch_spoil(struct lease_db *db, int err, const char *what)
{
	db->batch_err = err;
	record_error(db, err, what);
	return err;
}

/*
 * A batch that cannot begin is spoiled like one whose stage failed, with
 * no transaction: the caller's commit then fails (and is counted) instead
 * of committing nothing and reporting success.
 */
static int
batch_begin(struct lease_db *db)
{
	DB_ENV	*dbenv = db->env->dbenv;
	int	 ret;

	if (db->batch_err != 0)
		return db->batch_err;
	if (atomic_load(&db->env->failed))
		return batch_spoil(db, DB_RUNRECOVERY, "begin batch");
	if (db->txn != NULL)
		return 0;
	if ((ret = dbenv->txn_begin(dbenv, NULL, &db->txn, 0)) != 0) {
		db->txn = NULL;
		return batch_spoil(db, ret, "begin batch");
	}
	db->staged = 0;
	db->meta_staged = 0;
	db->batch_seq = db->last_seq;
	return 0;
}

int
lease_db_stage(struct lease_db *db, const struct lease *l)
{
	uint8_t	 rec[LEASE_RECORD_MAX], kb[4];
	size_t	 n;
	DBT	 key, data;
	int	 ret;

	if ((n = lease_encode(l, rec, sizeof(rec))) == 0)
		return EINVAL;
	if ((ret = batch_begin(db)) != 0)
		return ret;
	put_be32(kb, l->addr);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = kb;
	key.size = sizeof(kb);
	data.data = rec;
	data.size = (u_int32_t)n;
	if ((ret = db->leases->put(db->leases, db->txn, &key, &data, 0)) != 0)
		return batch_spoil(db, ret, "stage");
	db->staged++;
	if (l->seq > db->batch_seq)
		db->batch_seq = l->seq;
	if (l->seq > db->next_seq)
		db->next_seq = l->seq;
	return 0;
}

int
lease_db_stage_delete(struct lease_db *db, uint32_t addr)
{
	uint8_t	 kb[4];
	DBT	 key;
	int	 ret;

	if ((ret = batch_begin(db)) != 0)
		return ret;
	put_be32(kb, addr);
	memset(&key, 0, sizeof(key));
	key.data = kb;
	key.size = sizeof(kb);
	/* Deletes the client index entry too (associate). */
	ret = db->leases->del(db->leases, db->txn, &key, 0);
	if (ret == DB_NOTFOUND)
		return 0;
	if (ret != 0)
		return batch_spoil(db, ret, "stage delete");
	db->staged++;
	return 0;
}

/* Where the log ends in memory, and how far it is known to be on disk. */
static int
log_lsns(struct lease_env *env, DB_LSN *cur, DB_LSN *disk)
{
	DB_LOG_STAT	*sp;
	int		 ret;

	if ((ret = env->dbenv->log_stat(env->dbenv, &sp, 0)) != 0)
		return ret;
	cur->file = sp->st_cur_file;
	cur->offset = sp->st_cur_offset;
	disk->file = sp->st_disk_file;
	disk->offset = sp->st_disk_offset;
	free(sp);
	return 0;
}

static int
lsn_cmp(const DB_LSN *a, const DB_LSN *b)
{
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return 0;
}

/*
 * Commit, and check that the commit really reached the disk.
 *
 * Berkeley DB 5.3.28 can return 0 from a synchronous commit whose log
 * write failed: when a log file switch meets a full file system, the new
 * file stays empty, every later commit "succeeds" and its records stay in
 * memory (found by tests/unit/test_lease_db.c full_disk; a SIGKILL then
 * lost hundreds of such leases).  Worse, later page writes trust that log
 * and make the store unrecoverable.  Its own bookkeeping knows better:
 * the on-disk end of the log (st_disk) stays put.  A commit record lies
 * at or after the end of the log as it was before the commit, so a
 * durable commit leaves st_disk past that point; if it does not, the
 * batch is not durable, and the environment is stopped before any page
 * can be written (env_fail).  The check costs two log_stat calls.
 *
 * Before that, a free-space reserve keeps Berkeley DB away from ENOSPC in
 * the first place: the batch fails cleanly with ENOSPC instead.
 */
int
lease_db_commit(struct lease_db *db)
{
	return lease_db_commit_as(db, false, NULL);
}

/*
 * lease_db_commit, or with defer its first half (lease_defer.h): the
 * commit record goes into the log buffer only (DB_TXN_NOSYNC) and *end
 * says where the log ends after it; the on-disk check is then
 * lease_env_flush's.  Everything before the commit is the same.
 */
int
lease_db_commit_as(struct lease_db *db, bool defer, DB_LSN *end)
{
	struct lease_env *env = db->env;
	DB_LSN	 pre, cur, disk;
	uint8_t	 seq[8];
	uint64_t t0, dt, bseq;
	size_t	 n = db->staged - db->meta_staged;
	bool	 logged = db->staged > 0 || db->batch_seq > db->last_seq;
	char	 why[96];
	int	 ret;

	if (end != NULL)
		end->file = end->offset = 0;
	if (db->txn == NULL && db->batch_err == 0)
		return 0;
	if (atomic_load(&env->failed))
		batch_spoil(db, DB_RUNRECOVERY, "commit");
	if (db->batch_err == 0 && logged &&
	    (ret = log_lsns(env, &pre, &disk)) != 0)
		batch_spoil(db, ret, "log position");
	if (db->batch_err == 0 && logged &&
	    (ret = check_free(env, &pre, db->staged + 1, why,
	    sizeof(why))) != 0)
		batch_spoil(db, ret, why);
	if (db->batch_err == 0 && db->batch_seq > db->last_seq) {
		put_be64(seq, db->batch_seq);
		if ((ret = meta_put(db, db->txn, META_SEQ, seq,
		    sizeof(seq))) != 0)
			batch_spoil(db, ret, "stage sequence");
	}
	if (db->batch_err != 0) {
		ret = db->batch_err;
		lease_db_abort(db);
		return ret;
	}

	bseq = db->batch_seq;
	t0 = now_usec();
	/* Even on failure the handle is gone: Berkeley DB aborted it. */
	ret = db->txn->commit(db->txn, defer ? DB_TXN_NOSYNC : DB_TXN_SYNC);
	dt = now_usec() - t0;
	batch_end(db);
	if (ret == 0 && defer && end != NULL &&
	    (ret = log_lsns(env, &cur, &disk)) == 0)
		*end = cur;
	if (ret == 0 && !defer && logged &&
	    (ret = log_lsns(env, &cur, &disk)) == 0 &&
	    lsn_cmp(&disk, &pre) <= 0) {
		env_fail(env, "a commit reported durable is not on disk "
		    "(log write failed; disk full?)", true);
		ret = DB_RUNRECOVERY;
	}
	if (ret != 0) {
		db->stats.commit_failures++;
		record_error(db, ret, "commit");
		return ret;
	}
	db->last_seq = db->batch_seq = bseq;
	db->stats.commits++;
	db->stats.leases_written += n;
	db->stats.last_commit_usec = dt;
	prom_hist_observe(&db->stats.commit_secs, (double)dt / 1e6);
	if (dt > db->stats.max_commit_usec)
		db->stats.max_commit_usec = dt;
	return 0;
}

/* For lease_defer.c: the log's two ends, the environment's failure. */
int
lease_env_log_lsns(struct lease_env *env, DB_LSN *cur, DB_LSN *disk)
{
	return log_lsns(env, cur, disk);
}

int
lease_env_lsn_cmp(const DB_LSN *a, const DB_LSN *b)
{
	return lsn_cmp(a, b);
}

bool
lease_env_failed(struct lease_env *env)
{
	return atomic_load(&env->failed);
}

void
lease_env_fail(struct lease_env *env, const char *why)
{
	env_fail(env, why, true);
}

size_t
lease_db_staged(const struct lease_db *db)
{
	return db->txn != NULL ? db->staged : 0;
}

int
lease_db_spoiled(const struct lease_db *db)
{
	return db->batch_err;
}

static void
corrupt(struct lease_db *db, uint32_t addr)
{
	db->stats.corrupt_records++;
	if (db->corrupt_cb != NULL)
		db->corrupt_cb(addr, db->corrupt_arg);
}

void
lease_db_set_corrupt_cb(struct lease_db *db, lease_db_corrupt_cb *cb,
    void *arg)
{
	db->corrupt_cb = cb;
	db->corrupt_arg = arg;
}

/* Decode a primary record; false (counted) if it is not a sound lease. */
static bool
decode_checked(struct lease_db *db, const DBT *key, const DBT *data,
    struct lease *out)
{
	uint32_t addr;

	if (key->size != 4) {
		corrupt(db, 0);
		return false;
	}
	addr = get_be32(key->data);
	if (!lease_decode(data->data, data->size, out) || out->addr != addr) {
		corrupt(db, addr);
		return false;
	}
	return true;
}

int
lease_db_get(struct lease_db *db, uint32_t addr, struct lease *out)
{
	uint8_t	 kb[4], rec[LEASE_RECORD_MAX];
	DBT	 key, data;
	int	 ret;

	/* A failed environment's cache may hold changes that are not on
	 * disk: nothing is read from it either. */
	if (atomic_load(&db->env->failed))
		return DB_RUNRECOVERY;
	put_be32(kb, addr);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = kb;
	key.size = sizeof(kb);
	data.data = rec;
	data.ulen = sizeof(rec);
	data.flags = DB_DBT_USERMEM;
	/* In the open batch, if any: see its changes, wait on none of its
	 * locks. */
	ret = db->leases->get(db->leases, db->txn, &key, &data, 0);
	if (ret == DB_NOTFOUND)
		return ENOENT;
	if (ret == DB_BUFFER_SMALL) {
		corrupt(db, addr);
		return EBADMSG;
	}
	if (ret != 0)
		return ret;
	return decode_checked(db, &key, &data, out) ? 0 : EBADMSG;
}

/*
 * End a walk: a batch the walk itself began and nothing joined is ended
 * here, so a read-only walk leaves no transaction (nor its error) behind.
 */
static void
walk_done(struct lease_db *db, bool began)
{
	if (began && db->staged == 0) {
		if (db->txn != NULL)
			db->txn->abort(db->txn);
		batch_end(db);
	}
}

int
lease_db_foreach(struct lease_db *db, lease_db_cb *cb, void *arg)
{
	DBC		*c;
	DBT		 key, data;
	struct lease	 l;
	bool		 began = db->txn == NULL && db->batch_err == 0;
	int		 ret, cret, cbret = 0;

	if ((ret = batch_begin(db)) != 0) {
		walk_done(db, began);
		return ret;
	}
	if ((ret = db->leases->cursor(db->leases, db->txn, &c,
	    DB_READ_COMMITTED)) != 0) {
		batch_spoil(db, ret, "walk");
		walk_done(db, began);
		return ret;
	}
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.flags = data.flags = DB_DBT_REALLOC;
	while ((ret = c->get(c, &key, &data, DB_NEXT)) == 0) {
		if (!decode_checked(db, &key, &data, &l))
			continue;
		if ((cbret = cb(&l, arg)) != 0)
			break;
	}
	if (ret == DB_NOTFOUND)
		ret = 0;
	if ((cret = c->close(c)) != 0 && ret == 0)
		ret = cret;
	free(key.data);
	free(data.data);
	if (ret != 0)
		batch_spoil(db, ret, "walk");
	walk_done(db, began);
	return ret != 0 ? ret : cbret;
}

DB_ENV *
lease_env_bdb(struct lease_env *env)
{
	return env->dbenv;
}

const char *
lease_env_dir(const struct lease_env *env)
{
	return env->dir;
}

int
lease_db_renew_id(struct lease_db *db)
{
	DB_ENV	*dbenv = db->env->dbenv;
	DB_TXN	*txn;
	uint8_t	 id[LEASE_DB_STORE_ID_LEN];
	int	 ret;

	if (db->txn != NULL)
		return EBUSY;
	if ((ret = random_id(id, sizeof(id))) != 0)
		return ret;
	if ((ret = dbenv->txn_begin(dbenv, NULL, &txn, 0)) != 0)
		return ret;
	if ((ret = meta_put(db, txn, META_STORE_ID, id, sizeof(id))) != 0) {
		txn->abort(txn);
		return ret;
	}
	if ((ret = txn->commit(txn, DB_TXN_SYNC)) == 0)
		memcpy(db->store_id, id, sizeof(id));
	return ret;
}

void
lease_db_store_id(const struct lease_db *db,
    uint8_t out[LEASE_DB_STORE_ID_LEN])
{
	memcpy(out, db->store_id, LEASE_DB_STORE_ID_LEN);
}

/* Owner names may not shadow the store's own entries. */
static bool
meta_name_ok(const char *name)
{
	size_t	 i, n = strlen(name);

	if (n == 0 || n > 32 || strcmp(name, META_FORMAT) == 0 ||
	    strcmp(name, META_STORE_ID) == 0 || strcmp(name, META_SEQ) == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return false;
	return true;
}

int
lease_db_meta_set_u64(struct lease_db *db, const char *name, uint64_t value)
{
	uint8_t	 v[8];
	int	 ret;

	if (!meta_name_ok(name))
		return EINVAL;
	if ((ret = batch_begin(db)) != 0)
		return ret;
	put_be64(v, value);
	if ((ret = meta_put(db, db->txn, name, v, sizeof(v))) != 0)
		return batch_spoil(db, ret, "stage meta");
	db->staged++;
	db->meta_staged++;
	return 0;
}

int
lease_db_meta_get_u64(struct lease_db *db, const char *name, uint64_t *out)
{
	uint8_t	 v[8];
	int	 ret;

	if (!meta_name_ok(name))
		return EINVAL;
	if (atomic_load(&db->env->failed))
		return DB_RUNRECOVERY;
	/* Inside the open batch, if any, as lease_db_get does. */
	ret = meta_get(db, db->txn, name, v, sizeof(v));
	if (ret == DB_NOTFOUND)
		return ENOENT;
	if (ret != 0)
		return ret;
	*out = get_be64(v);
	return 0;
}

uint64_t
lease_db_next_seq(struct lease_db *db)
{
	return ++db->next_seq;
}

uint64_t
lease_db_last_seq(const struct lease_db *db)
{
	return db->last_seq;
}

void
lease_db_get_stats(const struct lease_db *db, struct lease_db_stats *out)
{
	*out = db->stats;
}
