/*
 * Reading a store nobody writes (lease_scan.h): a handle of its own on
 * the store's "leases" database and one cursor, outside any transaction
 * (there is nothing to isolate it from).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "lease_db_int.h"
#include "lease_scan.h"

struct lease_scan {
	DB_ENV		*dbenv;
	DB		*db;
	DBC		*cur;
	uint64_t	 corrupt;
	uint8_t		 kbuf[4];
	uint8_t		 dbuf[LEASE_RECORD_MAX];
};

static void
scan_free(struct lease_scan *s)
{
	if (s->cur != NULL)
		s->cur->close(s->cur);
	if (s->db != NULL)
		s->db->close(s->db, DB_NOSYNC);
	free(s);
}

struct lease_scan *
lease_scan_open(struct lease_env *env, const char *name, char *err,
    size_t errlen)
{
	struct lease_scan *s;
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
	    (ret = s->db->open(s->db, NULL, file, "leases", DB_BTREE,
	    DB_RDONLY, 0)) != 0 ||
	    (ret = s->db->cursor(s->db, NULL, &s->cur, 0)) != 0) {
		snprintf(err, errlen, "%s: read: %s", name,
		    lease_db_strerror(ret));
		scan_free(s);
		return NULL;
	}
	return s;
}

/* A record as the store keeps it; false (counted) if it is not sound. */
static bool
scan_decode(struct lease_scan *s, const DBT *key, const DBT *data,
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
scan_dbts(struct lease_scan *s, DBT *key, DBT *data)
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
lease_scan_next(struct lease_scan *s, struct lease *out)
{
	DBT	 key, data;
	int	 ret;

	for (;;) {
		scan_dbts(s, &key, &data);
		ret = s->cur->get(s->cur, &key, &data, DB_NEXT);
		if (ret == DB_BUFFER_SMALL)
			return EBADMSG;		/* larger than any record */
		if (ret == DB_NOTFOUND)
			return ENOENT;
		if (ret != 0)
			return ret;
		if (scan_decode(s, &key, &data, out))
			return 0;
	}
}

int
lease_scan_get(struct lease_scan *s, uint32_t addr, struct lease *out)
{
	DBT	 key, data;
	int	 ret;

	scan_dbts(s, &key, &data);
	put_be32(s->kbuf, addr);
	key.size = 4;
	ret = s->db->get(s->db, NULL, &key, &data, 0);
	if (ret == DB_NOTFOUND)
		return ENOENT;
	if (ret == DB_BUFFER_SMALL)
		return EBADMSG;
	if (ret != 0)
		return ret;
	return scan_decode(s, &key, &data, out) ? 0 : EBADMSG;
}

uint64_t
lease_scan_corrupt(const struct lease_scan *s)
{
	return s->corrupt;
}

void
lease_scan_close(struct lease_scan *s)
{
	if (s != NULL)
		scan_free(s);
}
