/*
 * Snapshot reads of a lease store (lease_snap.h).  A handle of its own
 * on the store's "leases" database, a transaction begun with
 * DB_TXN_SNAPSHOT and one cursor in it: the cursor sees the store as it
 * was when the transaction began.  That needs the database opened with
 * DB_MULTIVERSION by every handle that writes it (lease_db.c does).
 *
 * The handle is opened inside the snapshot transaction, for two reasons.
 * Berkeley DB fixes a snapshot's moment at its first page read, not at
 * txn_begin: opening reads the file's pages, so the moment is the open,
 * as lease_snap.h promises (an export's snapshots are one moment), not
 * the first lease_snap_next.  And an open outside it (DB_AUTO_COMMIT)
 * takes read locks on the file's metadata page, which a batch that
 * split pages holds write-locked until its commit: the reader waited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "lease_db_int.h"
#include "lease_snap.h"

struct lease_snap {
	DB_ENV		*dbenv;
	DB		*db;
	DB_TXN		*txn;
	DBC		*cur;
	uint64_t	 corrupt;
	uint8_t		 kbuf[4];
	uint8_t		 dbuf[LEASE_RECORD_MAX];
};

static void
snap_free(struct lease_snap *s)
{
	if (s->cur != NULL)
		s->cur->close(s->cur);
	if (s->txn != NULL)
		s->txn->commit(s->txn, DB_TXN_NOSYNC);	/* read only */
	if (s->db != NULL)
		s->db->close(s->db, DB_NOSYNC);
	free(s);
}

struct lease_snap *
lease_snap_open(struct lease_env *env, const char *name, char *err,
    size_t errlen)
{
	struct lease_snap *s;
	char	 file[LEASE_DB_NAME_MAX + sizeof(LEASE_DB_SUFFIX)];
	int	 ret;

	if (!lease_db_exists(env, name)) {
		snprintf(err, errlen, "%s: no such lease store", name);
		errno = ENOENT;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	s->dbenv = lease_env_bdb(env);
	snprintf(file, sizeof(file), "%s%s", name, LEASE_DB_SUFFIX);
	if ((ret = db_create(&s->db, s->dbenv, 0)) != 0 ||
	    (ret = s->dbenv->txn_begin(s->dbenv, NULL, &s->txn,
	    DB_TXN_SNAPSHOT)) != 0 ||
	    (ret = s->db->open(s->db, s->txn, file, "leases", DB_BTREE,
	    DB_THREAD | DB_MULTIVERSION, 0)) != 0 ||
	    (ret = s->db->cursor(s->db, s->txn, &s->cur, 0)) != 0) {
		snprintf(err, errlen, "%s: snapshot: %s", name,
		    lease_db_strerror(ret));
		snap_free(s);
		return NULL;
	}
	return s;
}

/* A record as the store keeps it; false (counted) if it is not sound. */
static bool
snap_decode(struct lease_snap *s, const DBT *key, const DBT *data,
    struct lease *out)
{
	if (key->size != 4 || !lease_decode(data->data, data->size, out) ||
	    out->addr != get_be32(key->data)) {
		s->corrupt++;
		return false;
	}
	return true;
}

static void
snap_dbts(struct lease_snap *s, DBT *key, DBT *data)
{
	memset(key, 0, sizeof(*key));
	memset(data, 0, sizeof(*data));
	key->data = s->kbuf;
	key->ulen = sizeof(s->kbuf);
	key->flags = DB_DBT_USERMEM;
	data->data = s->dbuf;
	data->ulen = sizeof(s->dbuf);
	data->flags = DB_DBT_USERMEM;
}

int
lease_snap_next(struct lease_snap *s, struct lease *out)
{
	DBT	 key, data;
	int	 ret;

	for (;;) {
		snap_dbts(s, &key, &data);
		ret = s->cur->get(s->cur, &key, &data, DB_NEXT);
		if (ret == DB_BUFFER_SMALL)
			return EBADMSG;		/* larger than any record */
		if (ret == DB_NOTFOUND)
			return ENOENT;
		if (ret != 0)
			return ret;
		if (snap_decode(s, &key, &data, out))
			return 0;
	}
}

int
lease_snap_get(struct lease_snap *s, uint32_t addr, struct lease *out)
{
	DBT	 key, data;
	int	 ret;

	snap_dbts(s, &key, &data);
	put_be32(s->kbuf, addr);
	key.size = 4;
	ret = s->db->get(s->db, s->txn, &key, &data, 0);
	if (ret == DB_NOTFOUND)
		return ENOENT;
	if (ret == DB_BUFFER_SMALL)
		return EBADMSG;
	if (ret != 0)
		return ret;
	return snap_decode(s, &key, &data, out) ? 0 : EBADMSG;
}

uint64_t
lease_snap_corrupt(const struct lease_snap *s)
{
	return s->corrupt;
}

void
lease_snap_close(struct lease_snap *s)
{
	if (s != NULL)
		snap_free(s);
}
