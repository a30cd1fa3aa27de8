/*
 * Lease store: Berkeley DB 5.3 with transactions, write-ahead logging and
 * recovery at open.  One environment per StateDir; inside it one store
 * per name (the primary uses one, the failover one per primary it backs
 * up), each a file NAME.db holding two databases:
 *
 *	leases	  address (4 bytes, big-endian) -> lease record (lease.h),
 *		  so a cursor walks in address order
 *	meta	  store identity (16 random bytes made when the store is
 *		  created) and the highest update sequence committed
 *
 * No index by client: both daemons load every lease into their pools at
 * start and find clients there (pool.c), so an index in the store would
 * only cost a second B-tree update and log record per change.  A store
 * written by an earlier version may still hold a "clients" database; it
 * is no longer read or written.
 *
 * Group commit: stage any number of changes, then lease_db_commit() makes
 * them durable with one synchronous log flush.  A DHCPACK for a lease may
 * leave only after the commit of the batch holding it returned 0.
 *
 * Threads: an environment may be shared by several threads; each store
 * handle must be used by one thread at a time (the failover gives each
 * per-primary thread its own handle).
 *
 * Errors are 0, a positive errno value (ENOSPC, EIO, ENOENT, ...) or a
 * negative Berkeley DB code; lease_db_strerror() names both, and
 * lease_db_fatal() says when the environment is lost and the daemon must
 * exit (a restart runs recovery).
 */
#ifndef DHCPFO_LEASE_DB_H
#define DHCPFO_LEASE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"
#include "lease.h"
#include "prom.h"

struct lease_env;
struct lease_db;

#define LEASE_DB_STORE_ID_LEN	16
#define LEASE_DB_NAME_MAX	64	/* [A-Za-z0-9_-][A-Za-z0-9._-]* */
/*
 * Size of one log file.  Recovery at open writes zeros over the unused
 * tail of the last log file, so opening needs up to this much free space
 * in StateDir (the reserve below covers it).
 */
#define LEASE_DB_LOG_FILE_BYTES	(4u * 1024 * 1024)
/*
 * Commits and checkpoints are refused (ENOSPC) while StateDir's file
 * system has less free space than this, and lease_env_open refuses to
 * start recovery: Berkeley DB's own handling of a full disk is unreliable
 * (see lease_db_commit in lease_db.c).
 */
#define LEASE_DB_MIN_FREE_DEFAULT	(3ull * LEASE_DB_LOG_FILE_BYTES)

/*
 * Open (creating it and missing parent directories, mode 0750, if needed)
 * the environment in dir and run recovery, so every committed change is
 * back and every uncommitted one gone.  The directory is locked: a second
 * process (or a second open in this one) fails with "in use" instead of
 * corrupting it.  Refused, before recovery starts, while the file system
 * has less than LEASE_DB_MIN_FREE_DEFAULT free.  On failure returns NULL
 * and describes why in err.
 */
struct lease_env	*lease_env_open(const char *dir, char *err,
			    size_t errlen);
/*
 * What lease_env_open() would refuse before it opens anything, found
 * without creating or locking anything (the daemon may be running on
 * dir): a path that is not a directory or cannot be created, a
 * directory we may not write in, a file system below the reserve.
 * Returns 0, or -1 with the reason in err.
 */
int			 lease_env_check(const char *dir, char *err,
			    size_t errlen);
/* Closes any store still open in it (aborting open batches), then env. */
void			 lease_env_close(struct lease_env *env);
/* Free-space reserve in bytes (0: none); LEASE_DB_MIN_FREE_DEFAULT. */
void			 lease_env_set_min_free(struct lease_env *env,
			    uint64_t bytes);
/*
 * Write a checkpoint and remove log files no longer needed, so recovery
 * at the next start stays short and the disk does not fill with logs.
 * Call periodically (e.g. every minute) from any thread.
 */
int			 lease_db_checkpoint(struct lease_env *env);
/* Calls cb for each store present in the environment; stops on non-zero. */
int			 lease_env_foreach_db(struct lease_env *env,
			    int (*cb)(const char *name, void *arg), void *arg);
/* True if a store of that name exists (so a tool need not create one). */
bool			 lease_db_exists(struct lease_env *env,
			    const char *name);

/*
 * Open the store `name`, creating it (with a fresh identity) if missing.
 * A name may be open only once at a time in an environment.
 */
struct lease_db		*lease_db_open(struct lease_env *env, const char *name,
			    char *err, size_t errlen);
/* Aborts an open batch: what was not committed is lost. */
void			 lease_db_close(struct lease_db *db);

/*
 * Add a lease (insert or replace, by address) to the open batch, starting
 * one if needed.  An invalid lease (one lease_encode refuses) returns
 * EINVAL and leaves the batch alone.  Any other failure (the batch could
 * not begin, or the write failed) spoils the whole batch, even one with
 * nothing staged yet: later stages return the same error until
 * lease_db_abort() or lease_db_commit() (which then fails) ends it.
 */
int			 lease_db_stage(struct lease_db *db,
			    const struct lease *l);
/* Remove the lease at addr in the open batch; absent is not an error. */
int			 lease_db_stage_delete(struct lease_db *db,
			    uint32_t addr);
/*
 * Commit the open batch with a synchronous log flush.  0: every change
 * staged in it is on stable storage.  Otherwise the batch is lost (none of
 * it will be seen after a restart) and the caller stages it again later:
 * ENOSPC when the disk is (nearly) full, the store stays usable;
 * DB_RUNRECOVERY (lease_db_fatal) when the environment had to be stopped,
 * e.g. because Berkeley DB claimed a commit it could not write.  A
 * spoiled batch (lease_db_spoiled) is rolled back and its error returned.
 * 0 too when no batch is open.
 */
int			 lease_db_commit(struct lease_db *db);
/* Roll back the open batch, if any. */
void			 lease_db_abort(struct lease_db *db);
/* Changes (stages and deletes) in the open batch. */
size_t			 lease_db_staged(const struct lease_db *db);
/*
 * The error that spoiled the open batch, 0 if none.  A spoiled batch must
 * be ended (lease_db_commit returns this error) even when
 * lease_db_staged() is 0: its first write may be the one that failed.
 */
int			 lease_db_spoiled(const struct lease_db *db);

/*
 * Reads see the open batch's own changes.  lease_db_get returns 0,
 * ENOENT, EBADMSG for a record that does not decode (also counted, see
 * below) or another error.
 */
int			 lease_db_get(struct lease_db *db, uint32_t addr,
			    struct lease *out);

/*
 * Walks call cb for each lease; a non-zero return stops the walk and is
 * returned.  cb may stage and delete leases of the same store (they join
 * the open batch, begun if needed); a read-only walk leaves no batch open.
 * A record that does not decode, or that is filed under the wrong
 * address, is skipped, counted in stats.corrupt_records and reported to
 * the corrupt callback if one is set; it never ends the walk.
 */
typedef int	lease_db_cb(const struct lease *l, void *arg);
/* In ascending address order. */
int			 lease_db_foreach(struct lease_db *db, lease_db_cb *cb,
			    void *arg);
/* addr is 0 when the record's key itself is malformed. */
typedef void	lease_db_corrupt_cb(uint32_t addr, void *arg);
void			 lease_db_set_corrupt_cb(struct lease_db *db,
			    lease_db_corrupt_cb *cb, void *arg);

/* The random identity made when the store was created. */
void			 lease_db_store_id(const struct lease_db *db,
			    uint8_t out[LEASE_DB_STORE_ID_LEN]);
/*
 * Give the store a new identity: it becomes another store to a failover
 * that knew the old one (a restored backup is one).  Not with a batch
 * open (EBUSY).
 */
int			 lease_db_renew_id(struct lease_db *db);
/* The environment's directory (StateDir). */
const char		*lease_env_dir(const struct lease_env *env);
/*
 * Update sequence.  The store remembers the highest lease.seq it has
 * committed; lease_db_next_seq() hands out numbers above everything
 * committed or handed out before, for the caller to put in lease.seq.
 */
uint64_t		 lease_db_next_seq(struct lease_db *db);
uint64_t		 lease_db_last_seq(const struct lease_db *db);

/*
 * Small named u64 values of the store's owner, kept in the meta database
 * next to the identity (the primary keeps its replication watermark and
 * its failover boot epoch there).  Names are 1..32 characters of
 * [a-z0-9_]; the store's own entries ("format", "store_id", "seq") are
 * refused with EINVAL.
 *
 * lease_db_meta_set_u64 stages the value in the open batch (beginning
 * one if needed), so it becomes durable with, and only with, the leases
 * of that batch; it counts as one change in lease_db_staged().  Failure
 * spoils the batch like a failed lease_db_stage.
 * lease_db_meta_get_u64 sees the open batch's own value; 0, ENOENT when
 * never set, EBADMSG when the stored value is not 8 bytes.
 */
int			 lease_db_meta_set_u64(struct lease_db *db,
			    const char *name, uint64_t value);
int			 lease_db_meta_get_u64(struct lease_db *db,
			    const char *name, uint64_t *out);

/* Text for any error these functions return. */
const char		*lease_db_strerror(int err);
/*
 * True when the environment can no longer be used (Berkeley DB's
 * DB_RUNRECOVERY): log lease_db_strerror(err) and exit; the next start
 * recovers the store.
 */
bool			 lease_db_fatal(int err);

/* Counters of one store; read by its owning thread (publish a copy). */
struct lease_db_stats {
	uint64_t	commits;		/* batches made durable */
	uint64_t	commit_failures;	/* batches rolled back by an
						 * error (stage or commit) */
	uint64_t	aborts;			/* batches the caller dropped */
	uint64_t	leases_written;		/* changes made durable */
	uint64_t	corrupt_records;	/* records skipped by reads */
	uint64_t	last_commit_usec;	/* how long the last one took */
	uint64_t	max_commit_usec;
	struct prom_hist commit_secs;		/* ... each, durable ones */
	int		last_error;		/* 0 if none yet */
	char		last_error_text[128];	/* what failed, and why */
};
void			 lease_db_get_stats(const struct lease_db *db,
			    struct lease_db_stats *out);

#endif
