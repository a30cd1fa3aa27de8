/*
 * Control socket commands of the primary: status, leases, reload.
 * Text for people, --json for scripts (shapes in docs/control.md).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server_int.h"
#include "version.h"

struct named_counter {
	const char	*name;
	uint64_t	 value;
};

static size_t
collect_counters(struct server *srv, struct named_counter *c, size_t max)
{
	const struct engine_counters *e = &srv->eng.ctr;
	struct lease_db_stats ds;
	struct ping_stats ps;
	size_t	 n = 0;

#define PUT(nm, v) do { if (n < max) { c[n].name = (nm); c[n].value = (v); n++; } } while (0)
	lease_db_get_stats(srv->db, &ds);
	memset(&ps, 0, sizeof(ps));
	if (srv->ping != NULL)
		ping_get_stats(srv->ping, &ps);
	PUT("received", srv->ctr.received);
	PUT("malformed", srv->ctr.malformed);
	PUT("bootp", e->rx[0]);
	PUT("discover", e->rx[DHCPDISCOVER]);
	PUT("request", e->rx[DHCPREQUEST]);
	PUT("decline", e->rx[DHCPDECLINE]);
	PUT("release", e->rx[DHCPRELEASE]);
	PUT("inform", e->rx[DHCPINFORM]);
	PUT("offer", e->tx[DHCPOFFER]);
	PUT("ack", e->tx[DHCPACK]);
	PUT("nak", e->tx[DHCPNAK]);
	PUT("bootp_replies", e->tx[0]);
	{
		uint64_t d = 0;
		for (int i = 1; i < ENGINE_DROP_COUNT; i++)
			d += e->drops[i];
		PUT("dropped", d);
	}
	PUT("sent", srv->ctr.sent);
	PUT("send_errors", srv->ctr.send_errors);
	PUT("encode_errors", srv->ctr.encode_errors);
	PUT("commits", ds.commits);
	PUT("commit_failures", ds.commit_failures);
	PUT("leases_written", ds.leases_written);
	PUT("last_commit_usec", ds.last_commit_usec);
	PUT("max_commit_usec", ds.max_commit_usec);
	PUT("acks_withheld", srv->ctr.acks_withheld);
	PUT("expired", srv->ctr.expired);
	PUT("ping_checks", e->ping_checks);
	PUT("ping_in_use", e->ping_conflicts);
	PUT("ping_backlog", srv->ctr.ping_backlog);
	PUT("ping_send_errors", ps.send_errors);
	PUT("reloads", srv->ctr.reloads);
	PUT("reload_failures", srv->ctr.reload_failures);
#undef PUT
	return n;
}

static void
subnet_cidr(struct strbuf *out, const struct cfg_subnet *s)
{
	sb_ipv4(out, s->network);
	sb_printf(out, "/%u", s->prefix);
}

static int
cmd_status(struct server *srv, bool json, struct strbuf *out)
{
	struct named_counter c[64];
	size_t	 nc = collect_counters(srv, c, 64);
	double	 up = ev_now(srv->loop) - srv->started;
	struct lease_db_stats ds;

	lease_db_get_stats(srv->db, &ds);
	if (json) {
		sb_puts(out, "{\"role\":\"primary\",\"name\":");
		sb_json_str(out, srv->cfg.server.name);
		sb_printf(out, ",\"version\":\"%s\",\"pid\":%ld,"
		    "\"uptime\":%.3f,\"state\":\"serving\",\"counters\":{",
		    DHCPFO_VERSION, (long)getpid(), up);
		for (size_t i = 0; i < nc; i++)
			sb_printf(out, "%s\"%s\":%llu", i ? "," : "",
			    c[i].name, (unsigned long long)c[i].value);
		sb_puts(out, "},\"malformed\":{");
		for (int i = 1, first = 1; i < DHCP_ERR_COUNT; i++) {
			if (srv->ctr.malformed_by[i] == 0)
				continue;
			sb_printf(out, "%s\"%s\":%llu", first ? "" : ",",
			    dhcp_err_name(i),
			    (unsigned long long)srv->ctr.malformed_by[i]);
			first = 0;
		}
		sb_puts(out, "},\"drops\":{");
		for (int i = 1; i < ENGINE_DROP_COUNT; i++)
			sb_printf(out, "%s\"%s\":%llu", i > 1 ? "," : "",
			    engine_drop_name(i),
			    (unsigned long long)srv->eng.ctr.drops[i]);
		sb_puts(out, "},\"store\":{\"last_error\":");
		sb_json_str(out, ds.last_error_text);
		sb_puts(out, "},\"subnets\":[");
	} else {
		sb_printf(out, "role:     primary\nname:     %s\nversion:  %s\n"
		    "pid:      %ld\nuptime:   %.0f s\nstate:    serving\n\n",
		    srv->cfg.server.name, DHCPFO_VERSION, (long)getpid(), up);
		sb_printf(out, "%-22s %-20s %7s %7s %7s %7s %8s %8s\n",
		    "SUBNET", "NETWORK", "TOTAL", "FREE", "OFFERED", "BOUND",
		    "DECLINED", "RESERVED");
	}
	for (size_t i = 0; i < pool_set_count(srv->pools); i++) {
		struct pool *p = pool_set_get(srv->pools, i);
		const struct cfg_subnet *s = pool_subnet(p);
		struct pool_stats st;

		pool_stats(p, &st);
		if (json) {
			sb_puts(out, i ? ",{\"name\":" : "{\"name\":");
			sb_json_str(out, s->name);
			sb_puts(out, ",\"subnet\":\"");
			subnet_cidr(out, s);
			sb_printf(out, "\",\"serving\":%s,\"total\":%u,"
			    "\"free\":%u,\"offered\":%u,\"bound\":%u,"
			    "\"declined\":%u,\"conflict\":%u,\"reserved\":%u}",
			    pool_is_serving(p) ? "true" : "false", st.total,
			    st.free, st.offered, st.bound, st.declined,
			    st.conflict, st.reserved);
		} else {
			struct strbuf net;
			sb_init(&net);
			subnet_cidr(&net, s);
			sb_printf(out, "%-22s %-20s %7u %7u %7u %7u %8u %8u\n",
			    s->name, net.buf ? net.buf : "", st.total, st.free,
			    st.offered, st.bound, st.declined + st.conflict,
			    st.reserved);
			sb_free(&net);
		}
	}
	if (json) {
		sb_puts(out, "]}\n");
		return 0;
	}
	sb_puts(out, "\ncounters:\n");
	for (size_t i = 0; i < nc; i++)
		sb_printf(out, "  %-18s %llu\n", c[i].name,
		    (unsigned long long)c[i].value);
	if (ds.last_error_text[0])
		sb_printf(out, "\nlast lease store error: %s\n",
		    ds.last_error_text);
	return 0;
}

static void
lease_json(struct strbuf *out, const struct lease *l,
    const struct cfg_subnet *s, bool first)
{
	char	 hw[64];

	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	sb_puts(out, first ? "{\"address\":\"" : ",{\"address\":\"");
	sb_ipv4(out, l->addr);
	sb_puts(out, "\",\"subnet\":");
	sb_json_str(out, s->name);
	sb_printf(out, ",\"state\":\"%s\",\"hwaddr\":\"%s\",\"client_id\":\"",
	    lease_state_name(l->state), hw);
	if (l->key.len > 1 && l->key.bytes[0] == 'C')
		sb_hex(out, l->key.bytes + 1, l->key.len - 1u);
	sb_puts(out, "\",\"hostname\":");
	sb_json_str(out, l->hostname);
	sb_printf(out, ",\"starts\":%lld,\"ends\":%lld}", (long long)l->starts,
	    (long long)l->ends);
}

static int
cmd_leases(struct server *srv, int argc, char **argv, bool json,
    struct strbuf *out)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	bool	 first = true, found = only == NULL;
	int64_t	 now = srv_now(srv);

	if (json)
		sb_puts(out, "{\"leases\":[");
	else
		sb_printf(out, "%-16s %-12s %-9s %-17s %-10s %s\n", "ADDRESS",
		    "SUBNET", "STATE", "HWADDR", "EXPIRES", "HOSTNAME");
	for (size_t i = 0; i < pool_set_count(srv->pools); i++) {
		struct pool *p = pool_set_get(srv->pools, i);
		const struct cfg_subnet *s = pool_subnet(p);
		const struct lease *l;
		size_t	 cur = 0;

		if (only != NULL && strcmp(only, s->name) != 0) {
			struct strbuf net;
			sb_init(&net);
			subnet_cidr(&net, s);
			bool match = net.buf && strcmp(only, net.buf) == 0;
			sb_free(&net);
			if (!match)
				continue;
		}
		found = true;
		while ((l = pool_next_lease(p, &cur)) != NULL) {
			if (json) {
				lease_json(out, l, s, first);
				first = false;
				continue;
			}
			char hw[64], a[16], exp[24];
			log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
			snprintf(a, sizeof(a), "%u.%u.%u.%u", l->addr >> 24,
			    (l->addr >> 16) & 0xff, (l->addr >> 8) & 0xff,
			    l->addr & 0xff);
			if (l->ends > now)
				snprintf(exp, sizeof(exp), "in %llds",
				    (long long)(l->ends - now));
			else
				snprintf(exp, sizeof(exp), "-");
			char host[LEASE_HOSTNAME_MAX * 4];
			log_sanitize(l->hostname, strlen(l->hostname), host,
			    sizeof(host));
			sb_printf(out, "%-16s %-12s %-9s %-17s %-10s %s\n", a,
			    s->name, lease_state_name(l->state), hw, exp, host);
		}
	}
	if (json)
		sb_puts(out, "]}\n");
	if (!found) {
		sb_reset(out);
		if (json) {
			sb_puts(out, "{\"error\":");
			sb_json_str(out, "no such subnet");
			sb_puts(out, "}\n");
		} else
			sb_printf(out, "no subnet named %s\n", only);
		return -1;
	}
	return 0;
}

static int
cmd_reload(struct server *srv, bool json, struct strbuf *out)
{
	struct strbuf why;
	int	 rc;

	sb_init(&why);
	rc = srv_reload(srv, &why);
	if (json) {
		sb_printf(out, "{\"reloaded\":%s,\"messages\":",
		    rc == 0 ? "true" : "false");
		sb_json_str(out, why.buf ? why.buf : "");
		sb_puts(out, "}\n");
	} else {
		sb_puts(out, rc == 0 ? "configuration reloaded\n" :
		    "reload failed; running configuration kept\n");
		if (why.len)
			sb_append(out, why.buf, why.len);
	}
	sb_free(&why);
	return rc;
}

int
srv_ctl_handler(void *arg, int argc, char **argv, bool json,
    struct strbuf *out)
{
	struct server *srv = arg;

	if (strcmp(argv[0], "status") == 0)
		return cmd_status(srv, json, out);
	if (strcmp(argv[0], "leases") == 0)
		return cmd_leases(srv, argc, argv, json, out);
	if (strcmp(argv[0], "reload") == 0)
		return cmd_reload(srv, json, out);
	if (json) {
		sb_puts(out, "{\"error\":");
		sb_json_str(out, "unknown command");
		sb_puts(out, "}\n");
	} else
		sb_printf(out, "unknown command; the primary knows: status, "
		    "leases [SUBNET], reload\n");
	return -1;
}
