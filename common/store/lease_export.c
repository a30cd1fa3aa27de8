/*
 * Export (lease_export.h).  Cost model: a piece is EXPORT_PIECE records,
 * about 150 bytes each in CSV, so the daemon holds ~600 KB of text at
 * most and spends ~1-2 ms per piece before its loop serves DHCP again;
 * the client's reading speed sets the pace.  The snapshots are opened
 * together at the start, so the export is one moment of every store.
 *
 * What is exported: every record that is a binding or was one (bound,
 * offered, released, expired, declined, conflict) and names its client
 * -- not free addresses or ones an operator freed (lease-del), which
 * hold nothing the configuration does not already say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "lease_export.h"
#include "lease_snap.h"
#include "lease_text.h"

#define EXPORT_PIECE	4096

struct export_src {
	struct lease_snap *snap;	/* NULL: store not there yet */
	char		  primary[LEASE_DB_NAME_MAX + 1];
};

struct lease_export {
	bool		 json;
	bool		 started;
	size_t		 cur;		/* source being read */
	struct export_src *srcs;
	size_t		 nsrcs;
	struct lease_export_net *nets;
	size_t		 nnets, lastnet;
	uint64_t	 count;
};

void
lease_export_free(void *job)
{
	struct lease_export *x = job;

	if (x == NULL)
		return;
	for (size_t i = 0; i < x->nsrcs; i++)
		lease_snap_close(x->srcs[i].snap);
	free(x->srcs);
	free(x->nets);
	free(x);
}

static int
open_src(struct lease_env *env, const struct lease_export_src *src,
    struct export_src *dst, char *err, size_t errlen)
{
	snprintf(dst->primary, sizeof(dst->primary), "%s",
	    src->primary != NULL ? src->primary : "");
	if (!lease_db_exists(env, src->store))
		return 0;
	dst->snap = lease_snap_open(env, src->store, err, errlen);
	return dst->snap != NULL ? 0 : -1;
}

struct lease_export *
lease_export_new(struct lease_env *env, const struct lease_export_src *srcs,
    size_t nsrcs, const struct lease_export_net *nets, size_t nnets,
    bool json, char *err, size_t errlen)
{
	struct lease_export *x;

	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->srcs = calloc(nsrcs + 1, sizeof(*x->srcs))) == NULL ||
	    (x->nets = calloc(nnets + 1, sizeof(*x->nets))) == NULL) {
		snprintf(err, errlen, "out of memory");
		lease_export_free(x);
		return NULL;
	}
	x->json = json;
	x->nsrcs = nsrcs;
	x->nnets = nnets;
	memcpy(x->nets, nets, nnets * sizeof(*nets));
	for (size_t i = 0; i < nsrcs; i++)
		if (open_src(env, &srcs[i], &x->srcs[i], err, errlen) < 0) {
			lease_export_free(x);
			return NULL;
		}
	return x;
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

	if (!x->started) {
		sb_puts(out, x->json ? "{\"leases\":[" : LEASE_CSV_HEADER "\n");
		x->started = true;
	}
	while (x->cur < x->nsrcs && n < EXPORT_PIECE) {
		struct export_src *s = &x->srcs[x->cur];

		if (s->snap == NULL ||
		    (ret = lease_snap_next(s->snap, &l)) == ENOENT) {
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
