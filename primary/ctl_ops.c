/*
 * The primary's operator commands on bindings (docs/operations.md):
 *
 *	lease ADDRESS|HWADDR|CLIENT-ID	find bindings (lease_find.h)
 *	lease-del ADDRESS		free one: durable, replicated, logged
 *	export [--format csv|json]	every binding, streamed
 *
 * (import is import.c's, backup backup_job.c's.)  All run on the loop
 * thread, as every command.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lease_export.h"
#include "lease_find.h"
#include "server_int.h"

int
srv_cmd_lease(struct server *srv, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct lease_query q;
	struct strbuf	 found;
	size_t		 n;
	int		 rc;

	if (lease_query_args(argc, argv, json, out, &q) < 0)
		return -1;
	sb_init(&found);
	n = lease_find_pools(srv->pools, &q, NULL, json, LEASE_FIND_MAX,
	    &found);
	rc = lease_find_answer(out, argv[1], json, &found, n);
	sb_free(&found);
	return rc;
}

/*
 * The binding becomes the record lease_make_freed() describes.  Staged
 * like any change of ours, so it is committed before the answer and
 * replicated to the failover, which frees its copy too.  The client, if
 * it still runs, is NAKed or given an address anew at its next request.
 */
int
srv_cmd_lease_del(struct server *srv, struct ctl_call *call, int argc,
    char **argv, bool json, struct strbuf *out)
{
	struct lease	 l, was;
	const struct lease *cur;
	struct pool	*p;
	struct in_addr	 a;
	char		 who[64], hw[64];
	int		 rc;

	if (argc != 2 || inet_pton(AF_INET, argv[1], &a) != 1)
		return ctl_error(out, json, "usage: lease-del ADDRESS");
	if ((p = pool_set_find(srv->pools, ntohl(a.s_addr))) == NULL ||
	    (cur = pool_lease_at(p, ntohl(a.s_addr))) == NULL ||
	    !lease_has_client(cur))
		return ctl_error(out, json, "no binding at %s", argv[1]);
	was = *cur;
	log_hwaddr(was.chaddr, was.hlen, hw, sizeof(hw));
	lease_make_freed(&l, cur->addr, srv_now(srv));
	l.seq = pool_set_next_seq(srv->pools);
	ctl_call_who(call, who, sizeof(who));
	if (pool_load_lease(srv->pools, &l) != POOL_LOAD_OK ||
	    (rc = srv_stage(srv, &l, true)) != 0 ||
	    (rc = srv_commit(srv)) != 0) {
		log_warn("audit: lease-del %s by %s failed", argv[1], who);
		return ctl_error(out, json, "lease-del %s: the lease store "
		    "failed; see status", argv[1]);
	}
	log_info("audit: lease-del %s by %s: was %s to %s", argv[1], who,
	    lease_state_name(was.state), was.hlen ? hw : "-");
	if (json)
		sb_printf(out, "{\"freed\":\"%s\"}\n", argv[1]);
	else
		sb_printf(out, "%s freed\n", argv[1]);
	return 0;
}

int
srv_cmd_export(struct server *srv, struct ctl_call *call, int argc,
    char **argv, bool json, struct strbuf *out)
{
	struct lease_export_src src = { "primary", NULL };
	struct lease_export_net *nets;
	struct lease_export *x;
	size_t	 n = pool_set_count(srv->pools);
	bool	 as_json;
	char	 err[256];

	if (lease_export_format(argc, argv, &as_json) < 0)
		return ctl_error(out, json, "usage: export [--format csv|"
		    "json]");
	if ((nets = calloc(n + 1, sizeof(*nets))) == NULL)
		return ctl_error(out, json, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct cfg_subnet *sn =
		    pool_subnet(pool_set_get(srv->pools, i));

		nets[i].network = sn->network;
		nets[i].prefix = sn->prefix;
	}
	x = lease_export_new(srv->loop, srv->env, call, &src, 1, nets, n,
	    as_json, err, sizeof(err));
	free(nets);
	if (x == NULL)
		return ctl_error(out, json, "export: %s", err);
	ctl_call_stream(call, lease_export_fill, lease_export_free, x);
	return CTL_TAKEN;
}
