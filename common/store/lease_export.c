/*
 * Export (lease_export.h).
 *
 * The moment: an export reads a private copy of the lease environment,
 * made by the hot backup (backup_job.c, lease_backup.c) into a directory
 * beside the store when the command arrives, and removed when the export
 * ends.  The copy is recovered to the end of its log, so it is the
 * stores as they were at one moment -- every batch committed by then,
 * none after -- while the daemon goes on writing the real ones.  Reading
 * the live store instead would mix batches from before and after the
 * cursor; a Berkeley DB snapshot (multiversion pages) would avoid the
 * copy but costs every commit, always, for the sake of a rare export,
 * and its bookkeeping grows with the commits of a long-lived private
 * environment.  The copy costs disk for one copy of the store, for as
 * long as the export runs, and the time to copy it (a second or two per
 * million leases) before the first line.
 *
 * Cost model of the streaming: a piece is EXPORT_PIECE records, about
 * 150 bytes each in CSV, so the daemon holds ~600 KB of text at most and
 * spends ~1-2 ms per piece before its loop serves DHCP again; the
 * client's reading speed sets the pace.
 *
 * What is exported: every record that is a binding or was one (bound,
 * offered, released, expired, declined, conflict) and names its client
 * -- not free addresses or ones an operator freed (lease-del), which
 * hold nothing the configuration does not already say.
 *
 * A copy left by a daemon that died during an export is removed by the
 * next export (the directory names the pid that made it).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup_job.h"
#include "lease_export.h"
#include "lease_scan.h"
#include "lease_text.h"

#define EXPORT_PIECE	4096
#define EXPORT_PREFIX	".export-"

struct export_src {
	struct lease_scan *scan;	/* NULL: no such store */
	char		  store[LEASE_DB_NAME_MAX + 1];
	char		  primary[LEASE_DB_NAME_MAX + 1];
};

struct lease_export {
	struct ctl_call	*call;
	bool		 json;
	bool		 copied;	/* the copy thread reported */
	bool		 abandoned;	/* the call ended before that */
	bool		 opened;
	bool		 started;
	int		 copy_rc;
	char		 copy_err[512];
	char		 dir[PATH_MAX];	/* the private copy */
	struct lease_env *copy;
	size_t		 cur;		/* source being read */
	struct export_src *srcs;
	size_t		 nsrcs;
	struct lease_export_net *nets;
	size_t		 nnets, lastnet;
	uint64_t	 count;
};

/* Remove a copy: its files are the store's own, all at the top. */
static void
remove_copy(const char *dir)
{
	struct dirent	*de;
	char		 path[PATH_MAX];
	DIR		*d;

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(dir);
}

/* Copies of dead daemons (".export-PID-XXXXXX", PID not running). */
static void
sweep_stale(const char *parent)
{
	struct dirent	*de;
	char		 path[PATH_MAX];
	DIR		*d;
	long		 pid;

	if ((d = opendir(parent)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, EXPORT_PREFIX,
		    sizeof(EXPORT_PREFIX) - 1) != 0)
			continue;
		pid = strtol(de->d_name + sizeof(EXPORT_PREFIX) - 1, NULL, 10);
		if (pid <= 0 || pid == (long)getpid() ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		remove_copy(path);
	}
	closedir(d);
}

static void
export_release(struct lease_export *x)
{
	for (size_t i = 0; i < x->nsrcs; i++)
		lease_scan_close(x->srcs[i].scan);
	if (x->copy != NULL)
		lease_env_close(x->copy);
	remove_copy(x->dir);
	free(x->srcs);
	free(x->nets);
	free(x);
}

void
lease_export_free(void *job)
{
	struct lease_export *x = job;

	if (x == NULL)
		return;
	if (!x->copied && x->dir[0] != '\0') {
		x->abandoned = true;	/* copied() frees it */
		x->call = NULL;
		return;
	}
	export_release(x);
}

static void
copied(void *arg, int rc, const struct lease_backup_result *res,
    const char *err)
{
	struct lease_export *x = arg;

	(void)res;
	x->copied = true;
	x->copy_rc = rc;
	snprintf(x->copy_err, sizeof(x->copy_err), "%s", err);
	if (x->abandoned)
		export_release(x);
	else if (x->call != NULL)
		ctl_call_wake(x->call);
}

static struct lease_export *
export_alloc(const struct lease_export_src *srcs, size_t nsrcs,
    const struct lease_export_net *nets, size_t nnets, bool json)
{
	struct lease_export *x;

	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->srcs = calloc(nsrcs + 1, sizeof(*x->srcs))) == NULL ||
	    (x->nets = calloc(nnets + 1, sizeof(*x->nets))) == NULL) {
		if (x != NULL)
			free(x->srcs);
		free(x);
		return NULL;
	}
	x->json = json;
	x->nsrcs = nsrcs;
	x->nnets = nnets;
	if (nnets > 0)
		memcpy(x->nets, nets, nnets * sizeof(*nets));
	for (size_t i = 0; i < nsrcs; i++) {
		snprintf(x->srcs[i].store, sizeof(x->srcs[i].store), "%s",
		    srcs[i].store);
		snprintf(x->srcs[i].primary, sizeof(x->srcs[i].primary), "%s",
		    srcs[i].primary != NULL ? srcs[i].primary : "");
	}
	return x;
}

struct lease_export *
lease_export_new(struct ev_loop *loop, struct lease_env *env,
    struct ctl_call *call, const struct lease_export_src *srcs,
    size_t nsrcs, const struct lease_export_net *nets, size_t nnets,
    bool json, char *err, size_t errlen)
{
	const char	*parent = lease_env_dir(env);
	struct lease_export *x;

	if ((x = export_alloc(srcs, nsrcs, nets, nnets, json)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->call = call;
	sweep_stale(parent);
	snprintf(x->dir, sizeof(x->dir), "%s/" EXPORT_PREFIX "%ld-XXXXXX",
	    parent, (long)getpid());
	if (mkdtemp(x->dir) == NULL) {
		snprintf(err, errlen, "%s: %s", x->dir, strerror(errno));
		x->dir[0] = '\0';
		export_release(x);
		return NULL;
	}
	if (backup_run_start(loop, env, x->dir, copied, x, err, errlen) < 0) {
		export_release(x);
		return NULL;
	}
	return x;
}

/* The copy is ready: open it and every source's store in it. */
static int
open_copy(struct lease_export *x, struct strbuf *out)
{
	char	 err[512];

	x->opened = true;
	if (x->copy_rc != 0) {
		sb_printf(out, "export: copying the lease store: %s\n",
		    x->copy_err);
		return -1;
	}
	if ((x->copy = lease_env_open(x->dir, err, sizeof(err))) == NULL) {
		sb_printf(out, "export: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < x->nsrcs; i++) {
		struct export_src *s = &x->srcs[i];

		if (!lease_db_exists(x->copy, s->store))
			continue;
		if ((s->scan = lease_scan_open(x->copy, s->store, err,
		    sizeof(err))) == NULL) {
			sb_printf(out, "export: %s\n", err);
			return -1;
		}
	}
	return 0;
}

/* The subnet of addr; exports run in address order, so mostly the last. */
static void
find_net(struct lease_export *x, uint32_t addr, struct lease_text_ctx *ctx)
{
	for (size_t k = 0; k < x->nnets; k++) {
		size_t	 i = (x->lastnet + k) % x->nnets;
		uint32_t mask = x->nets[i].prefix ?
		    ~0u << (32 - x->nets[i].prefix) : 0;

		if ((addr & mask) == x->nets[i].network) {
			x->lastnet = i;
			ctx->subnet = x->nets[i].network;
			ctx->prefix = x->nets[i].prefix;
			return;
		}
	}
}

static void
put_one(struct lease_export *x, const struct lease *l, const char *primary,
    struct strbuf *out)
{
	struct lease_text_ctx ctx = { 0, 0, primary[0] ? primary : NULL };

	find_net(x, l->addr, &ctx);
	if (x->json) {
		sb_puts(out, x->count > 0 ? ",\n" : "\n");
		lease_text_json(out, l, &ctx);
	} else
		lease_text_csv(out, l, &ctx);
	x->count++;
}

static void
put_end(struct lease_export *x, struct strbuf *out)
{
	if (x->json)
		sb_printf(out, "\n],\"count\":%llu,\"complete\":true}\n",
		    (unsigned long long)x->count);
	else
		sb_printf(out, LEASE_CSV_END_FMT, (unsigned long long)x->count);
}

int
lease_export_fill(void *job, struct strbuf *out)
{
	struct lease_export *x = job;
	struct lease	 l;
	int		 n = 0, ret;

	if (!x->copied)
		return CTL_WAIT;
	if (!x->opened && open_copy(x, out) < 0)
		return -1;
	if (!x->started) {
		sb_puts(out, x->json ? "{\"leases\":[" : LEASE_CSV_HEADER "\n");
		x->started = true;
	}
	while (x->cur < x->nsrcs && n < EXPORT_PIECE) {
		struct export_src *s = &x->srcs[x->cur];

		if (s->scan == NULL ||
		    (ret = lease_scan_next(s->scan, &l)) == ENOENT) {
			x->cur++;
			continue;
		}
		if (ret != 0) {
			/* The closing line never comes: the client sees a
			 * cut export, and why. */
			sb_printf(out, "\n# export failed: %s\n",
			    lease_db_strerror(ret));
			return -1;
		}
		if (l.state == LEASE_FREE || !lease_has_client(&l))
			continue;
		put_one(x, &l, s->primary, out);
		n++;
	}
	if (x->cur < x->nsrcs)
		return CTL_MORE;
	put_end(x, out);
	return 0;
}

bool
lease_export_ready(const struct lease_export *x)
{
	return x->copied;
}

int
lease_export_format(int argc, char **argv, bool *json)
{
	*json = false;
	if (argc == 1)
		return 0;
	if (argc != 3 || strcmp(argv[1], "--format") != 0)
		return -1;
	if (strcmp(argv[2], "json") == 0)
		*json = true;
	else if (strcmp(argv[2], "csv") != 0)
		return -1;
	return 0;
}
