/*
 * The failover's operator commands on bindings (docs/operations.md), on
 * the main thread: `lease` and `lease-del` ask each primary's thread
 * (fod_lease.c), and `export` reads a copy of every primary's store.
 *
 * The primary's views are read here only to copy their subnets: the main
 * thread is the one that replaces a view (a reload restarts the thread
 * with a new one), so it never reads one being replaced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fod.h"
#include "lease_export.h"
#include "lease_find.h"

struct find_ctx {
	bool		 json;
	size_t		 n;
	struct strbuf	*out;
};

static void
find_visit(void *arg, struct fod_peer *p, struct fod_call *c)
{
	struct find_ctx *x = arg;

	(void)p;
	if (c->nitems == 0)
		return;
	if (x->json && x->n > 0)
		sb_puts(x->out, ",");
	sb_append(x->out, c->out.buf, c->out.len);
	x->n += c->nitems;
}

int
fod_cmd_lease(struct fod *fod, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct lease_query q;
	struct strbuf	 found;
	struct find_ctx	 x = { json, 0, &found };
	int		 rc;

	if (lease_query_args(argc, argv, json, out, &q) < 0)
		return -1;
	sb_init(&found);
	rc = fod_ctl_call_all(fod, FOD_CALL_FIND, json, argv[1], find_visit,
	    &x, out);
	if (rc == 0)
		rc = lease_find_answer(out, argv[1], json, &found, x.n);
	sb_free(&found);
	return rc;
}

struct del_ctx {
	int		 rc;
	bool		 matched;
	char		 why[512];
	const char	*primary;
};

static void
del_visit(void *arg, struct fod_peer *p, struct fod_call *c)
{
	struct del_ctx *x = arg;

	if (!c->matched)
		return;
	x->matched = true;
	x->rc = c->rc;
	x->primary = p->name;
	snprintf(x->why, sizeof(x->why), "%.*s", (int)c->out.len,
	    c->out.buf ? c->out.buf : "");
}

int
fod_cmd_lease_del(struct fod *fod, struct ctl_call *call, int argc,
    char **argv, bool json, struct strbuf *out)
{
	struct del_ctx	 x = { -1, false, "", NULL };
	char		 who[64];

	if (argc != 2)
		return ctl_error(out, json, "usage: lease-del ADDRESS");
	if (fod_ctl_call_all(fod, FOD_CALL_LEASE_DEL, json, argv[1],
	    del_visit, &x, out) < 0)
		return -1;
	if (!x.matched)
		return ctl_error(out, json, "%s is in no subnet of any "
		    "primary", argv[1]);
	ctl_call_who(call, who, sizeof(who));
	if (x.rc != 0) {
		log_info("audit: lease-del %s by %s refused: %s", argv[1],
		    who, x.why);
		return ctl_error(out, json, "%s", x.why);
	}
	log_info("audit: primary=%s: lease-del %s by %s", x.primary, argv[1],
	    who);
	if (json)
		sb_printf(out, "{\"freed\":\"%s\",\"primary\":\"%s\"}\n",
		    argv[1], x.primary);
	else
		sb_printf(out, "%s freed (primary %s; handed back to it with "
		    "the other changes made in takeover)\n", argv[1],
		    x.primary);
	return 0;
}

int
fod_cmd_export(struct fod *fod, struct ctl_call *call, int argc,
    char **argv, bool json, struct strbuf *out)
{
	struct lease_export_src *srcs;
	struct lease_export_net *nets;
	struct lease_export *x = NULL;
	size_t	 nn = 0, k = 0;
	bool	 as_json;
	char	 err[256] = "out of memory";

	if (lease_export_format(argc, argv, &as_json) < 0)
		return ctl_error(out, json, "usage: export [--format csv|"
		    "json]");
	for (size_t i = 0; i < fod->npeers; i++)
		nn += fod->peers[i]->view.nsubnets;
	srcs = calloc(fod->npeers + 1, sizeof(*srcs));
	nets = calloc(nn + 1, sizeof(*nets));
	if (srcs != NULL && nets != NULL) {
		for (size_t i = 0; i < fod->npeers; i++) {
			const struct config *v = &fod->peers[i]->view;

			srcs[i].store = srcs[i].primary = fod->peers[i]->name;
			for (size_t s = 0; s < v->nsubnets; s++, k++) {
				nets[k].network = v->subnets[s].network;
				nets[k].prefix = v->subnets[s].prefix;
			}
		}
		x = lease_export_new(fod->loop, fod->env, call, srcs,
		    fod->npeers, nets, nn, as_json, err, sizeof(err));
	}
	free(srcs);
	free(nets);
	if (x == NULL)
		return ctl_error(out, json, "export: %s", err);
	ctl_call_stream(call, lease_export_fill, lease_export_free, x);
	return CTL_TAKEN;
}
