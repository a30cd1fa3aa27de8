/*
 * dbfault: make Berkeley DB fail on request, to test what the daemons do
 * when a lease write or a commit fails (tests/e2e/t_store_faults.sh,
 * tests/e2e/t_fo_store_faults.sh, tests/unit/test_gcommit.c).
 *
 * Two ways in:
 *
 *   - LD_PRELOAD=build/tools/dbfault.so DHCPFO_DBFAULT=/path/ctl DAEMON
 *     The shim defines db_create and db_env_create, calls the real ones
 *     (dlsym RTLD_NEXT: libdb-5.3.so) and replaces two methods of what
 *     they return: DB->put, and DB_ENV->txn_begin, which in turn replaces
 *     DB_TXN->commit of every transaction it begins.  The control file
 *     is read again whenever its inode, size or modification time
 *     changes (write a new file and rename it over the old one); a
 *     missing or empty file means no faults.  A sanitizer build of the
 *     daemon also needs ASAN_OPTIONS=verify_asan_link_order=0.
 *   - Linked into a program (a cmocka unit test): its definitions of
 *     db_create and db_env_create take the place of libdb's for the
 *     whole program, no preloading needed (so it works under ASan too);
 *     dbfault_set() (dbfault.h) then replaces the control file.
 *
 * Control syntax: words "key=value" separated by blanks or new lines, "#"
 * to the end of a line is a comment.
 *
 *	put_fail_after=N	let N lease puts through (counted from when
 *				the control was loaded), then ...
 *	put_fail_count=K	... fail the next K of them (-1: every one
 *				from then on; 0, the default: none)
 *	commit_fail_after=M	likewise for transaction commits
 *	commit_fail_count=L
 *	errno=E			error of both: a name (ENOMEM, EIO,
 *				ENOSPC...) or a number (negative: a
 *				Berkeley DB code); default ENOMEM
 *	put_errno=E		error of puts only
 *	commit_errno=E		error of commits only
 *	db=NAME			the database whose puts count: the
 *				store's "leases" (the default), or "*":
 *				every one, meta data included
 *
 * "fail the next put": put_fail_count=1.  "fail the third commit from
 * now": commit_fail_after=2 commit_fail_count=1.
 *
 * A failed put returns the error without writing anything, as a put that
 * ran out of memory does.  A failed commit aborts the transaction with
 * the real DB_TXN->abort, then returns the error, so the environment
 * stays usable (Berkeley DB aborts a transaction whose commit fails,
 * too).  Each injected failure is reported on stderr.
 */
#include <sys/stat.h>

#include <db.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbfault.h"

#define CTL_MAX	4096

struct spec {
	long	 put_after, put_count;
	long	 commit_after, commit_count;
	int	 put_err, commit_err;
	char	 db[64];
};

typedef int	put_fn(DB *, DB_TXN *, DBT *, DBT *, u_int32_t);
typedef int	begin_fn(DB_ENV *, DB_TXN *, DB_TXN **, u_int32_t);
typedef int	commit_fn(DB_TXN *, u_int32_t);
typedef int	db_create_fn(DB **, DB_ENV *, u_int32_t);
typedef int	env_create_fn(DB_ENV **, u_int32_t);

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static struct spec	 cur = { .put_err = ENOMEM, .commit_err = ENOMEM,
			    .db = "leases" };
static struct dbfault_counts counts;
static bool		 manual;	/* dbfault_set was called */
static bool		 file_seen;
static struct stat	 file_st;
/* The real methods (the same for every handle of a kind). */
static put_fn		*real_put;
static begin_fn		*real_begin;
static commit_fn	*real_commit;

static const struct {
	const char	*name;
	int		 value;
} errnames[] = {
	{ "ENOMEM", ENOMEM }, { "EIO", EIO }, { "ENOSPC", ENOSPC },
	{ "EAGAIN", EAGAIN }, { "EACCES", EACCES }, { "EPERM", EPERM },
	{ "EROFS", EROFS }, { "EFBIG", EFBIG }, { "EDQUOT", EDQUOT },
};

static const char *
errname(int e)
{
	static char num[16];

	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].value == e)
			return errnames[i].name;
	snprintf(num, sizeof(num), "%d", e);
	return num;
}

static bool
parse_errno(const char *v, int *out)
{
	char	*end;
	long	 n;

	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(v, errnames[i].name) == 0) {
			*out = errnames[i].value;
			return true;
		}
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n == 0 || n < -100000 || n > 100000)
		return false;
	*out = (int)n;
	return true;
}

static bool
parse_long(const char *v, long *out)
{
	char	*end;

	*out = strtol(v, &end, 10);
	return *v != '\0' && *end == '\0' && *out >= -1;
}

static int
parse(const char *text, struct spec *s)
{
	char	 buf[CTL_MAX], *p, *w, *save = NULL;
	int	 e;

	*s = (struct spec){ .put_err = ENOMEM, .commit_err = ENOMEM,
	    .db = "leases" };
	snprintf(buf, sizeof(buf), "%s", text != NULL ? text : "");
	/* Comments out. */
	for (p = buf; (p = strchr(p, '#')) != NULL; )
		while (*p != '\0' && *p != '\n')
			*p++ = ' ';
	for (w = strtok_r(buf, " \t\r\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\r\n", &save)) {
		char	*v = strchr(w, '=');
		bool	 ok;

		if (v == NULL)
			return -1;
		*v++ = '\0';
		if (strcmp(w, "put_fail_after") == 0)
			ok = parse_long(v, &s->put_after) && s->put_after >= 0;
		else if (strcmp(w, "put_fail_count") == 0)
			ok = parse_long(v, &s->put_count);
		else if (strcmp(w, "commit_fail_after") == 0)
			ok = parse_long(v, &s->commit_after) &&
			    s->commit_after >= 0;
		else if (strcmp(w, "commit_fail_count") == 0)
			ok = parse_long(v, &s->commit_count);
		else if (strcmp(w, "errno") == 0) {
			if ((ok = parse_errno(v, &e)))
				s->put_err = s->commit_err = e;
		} else if (strcmp(w, "put_errno") == 0)
			ok = parse_errno(v, &s->put_err);
		else if (strcmp(w, "commit_errno") == 0)
			ok = parse_errno(v, &s->commit_err);
		else if (strcmp(w, "db") == 0)
			ok = strlen(v) > 0 && strlen(v) < sizeof(s->db) &&
			    snprintf(s->db, sizeof(s->db), "%s", v) > 0;
		else
			ok = false;
		if (!ok)
			return -1;
	}
	return 0;
}

/* New faults from now on; under mtx. */
static void
load(const char *text, const char *from)
{
	if (parse(text, &cur) != 0) {
		fprintf(stderr, "dbfault: %s: cannot parse; no faults\n", from);
		parse(NULL, &cur);
	} else if (cur.put_count != 0 || cur.commit_count != 0)
		fprintf(stderr, "dbfault: %s: puts into %s: fail %ld after %ld "
		    "(%s); commits: fail %ld after %ld (%s)\n", from, cur.db,
		    cur.put_count, cur.put_after, errname(cur.put_err),
		    cur.commit_count, cur.commit_after,
		    errname(cur.commit_err));
	else
		fprintf(stderr, "dbfault: %s: no faults\n", from);
	memset(&counts, 0, sizeof(counts));
}

/* Read the control file again if it changed; under mtx. */
static void
refresh(void)
{
	const char *path;
	struct stat st;
	char	 text[CTL_MAX];
	ssize_t	 n;
	int	 fd;

	if (manual || (path = getenv("DHCPFO_DBFAULT")) == NULL ||
	    *path == '\0')
		return;
	if (stat(path, &st) == -1) {
		if (file_seen) {
			file_seen = false;
			load(NULL, path);
		}
		return;
	}
	if (file_seen && st.st_ino == file_st.st_ino &&
	    st.st_size == file_st.st_size &&
	    st.st_mtim.tv_sec == file_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == file_st.st_mtim.tv_nsec)
		return;
	file_seen = true;
	file_st = st;
	n = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	text[n > 0 ? n : 0] = '\0';
	load(text, path);
}

/* n-th event (from 0): does it fall in [after, after + count)? */
static bool
due(unsigned long n, long after, long count)
{
	if (count == 0 || n < (unsigned long)after)
		return false;
	return count < 0 || n - (unsigned long)after < (unsigned long)count;
}

static int
shim_put(DB *db, DB_TXN *txn, DBT *key, DBT *data, u_int32_t flags)
{
	const char *file = NULL, *name = NULL;
	unsigned long n = 0;
	int	 err = 0;

	/* The name first: Berkeley DB is not called under our lock. */
	if (db->get_dbname(db, &file, &name) != 0 || name == NULL)
		name = "";
	pthread_mutex_lock(&mtx);
	refresh();
	if (strcmp(cur.db, "*") == 0 || strcmp(name, cur.db) == 0) {
		n = counts.puts++;
		if (due(n, cur.put_after, cur.put_count)) {
			counts.puts_failed++;
			err = cur.put_err;
		}
	}
	pthread_mutex_unlock(&mtx);
	if (err != 0) {
		fprintf(stderr, "dbfault: put %lu into \"%s\" failed: %s "
		    "(injected)\n", n + 1, name, errname(err));
		return err;
	}
	return real_put(db, txn, key, data, flags);
}

static int
shim_commit(DB_TXN *txn, u_int32_t flags)
{
	unsigned long n;
	int	 err = 0;

	pthread_mutex_lock(&mtx);
	refresh();
	n = counts.commits++;
	if (due(n, cur.commit_after, cur.commit_count)) {
		counts.commits_failed++;
		err = cur.commit_err;
	}
	pthread_mutex_unlock(&mtx);
	if (err != 0) {
		fprintf(stderr, "dbfault: commit %lu failed: %s (injected); "
		    "transaction aborted\n", n + 1, errname(err));
		(void)txn->abort(txn);
		return err;
	}
	return real_commit(txn, flags);
}

static int
shim_begin(DB_ENV *env, DB_TXN *parent, DB_TXN **txnp, u_int32_t flags)
{
	int	 ret;

	if ((ret = real_begin(env, parent, txnp, flags)) != 0)
		return ret;
	pthread_mutex_lock(&mtx);
	if (real_commit == NULL)
		real_commit = (*txnp)->commit;
	pthread_mutex_unlock(&mtx);
	(*txnp)->commit = shim_commit;
	return 0;
}

static void *
next_sym(const char *name)
{
	void	*f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "dbfault: %s: %s\n", name, dlerror());
		abort();
	}
	return f;
}

int
db_create(DB **dbp, DB_ENV *env, u_int32_t flags)
{
	static db_create_fn *real;
	int	 ret;

	if (real == NULL)
		real = (db_create_fn *)next_sym("db_create");
	if ((ret = real(dbp, env, flags)) != 0)
		return ret;
	pthread_mutex_lock(&mtx);
	if (real_put == NULL)
		real_put = (*dbp)->put;
	pthread_mutex_unlock(&mtx);
	(*dbp)->put = shim_put;
	return 0;
}

int
db_env_create(DB_ENV **envp, u_int32_t flags)
{
	static env_create_fn *real;
	int	 ret;

	if (real == NULL)
		real = (env_create_fn *)next_sym("db_env_create");
	if ((ret = real(envp, flags)) != 0)
		return ret;
	pthread_mutex_lock(&mtx);
	if (real_begin == NULL)
		real_begin = (*envp)->txn_begin;
	pthread_mutex_unlock(&mtx);
	(*envp)->txn_begin = shim_begin;
	return 0;
}

int
dbfault_set(const char *spec)
{
	int	 rc;

	pthread_mutex_lock(&mtx);
	manual = true;
	if ((rc = parse(spec, &cur)) != 0)
		parse(NULL, &cur);
	memset(&counts, 0, sizeof(counts));
	pthread_mutex_unlock(&mtx);
	return rc;
}

void
dbfault_counts(struct dbfault_counts *out)
{
	pthread_mutex_lock(&mtx);
	refresh();
	*out = counts;
	pthread_mutex_unlock(&mtx);
}
