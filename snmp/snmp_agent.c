/*
 * AgentX sub-agent for DHCPFO-MIB on the daemon's main libev loop.
 *
 * net-snmp owns its sockets and timers; we fold them into libev the way
 * libev's manual describes for such libraries: an ev_prepare asks
 * snmp_select_info() which descriptors and which timeout it wants and
 * (re)arms ev_io watchers and an ev_timer for them; an ev_check then
 * takes whatever of those became pending (ev_clear_pending, so their
 * callbacks never run) and hands it to snmp_read()/snmp_timeout(), then
 * runs net-snmp's alarms.  No SIGALRM (alarms are polled through the
 * timeout), no MIB files loaded, no snmp.conf read, no persistent state
 * written: the daemon's behaviour does not depend on what net-snmp finds
 * on the host.  Its log lines go to ours.
 *
 * The MIB is answered from a flat, sorted array of (OID, value) built
 * from the provider's snapshot: GET is a binary search, GETNEXT the first
 * entry after the requested OID.  Tables here are small (primaries,
 * subnets), so rebuilding the array at most once a second is cheap.
 *
 * Reconnection: NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL makes net-snmp ping
 * the master and reopen the session when it is gone, whether the master
 * was absent at start or restarted since.
 *
 * Notifications: each has its switch in [snmp] (struct cfg_snmp notify[],
 * indexed by the notification's number), under Traps.  A reload applies
 * new switches and thresholds to the running agent; only a new
 * AgentXSocket restarts it (snmp_shutdown, then init again), as net-snmp
 * reads the socket once, at init.
 *
 * Utilisation and the failover's share are watched here rather than in
 * each daemon because the agent already holds what it needs: the subnet
 * rows of its snapshot.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/select.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#pragma GCC diagnostic pop

#include "log.h"
#include "snmp_agent.h"
#include "snmp_quiet.h"
#include "utilisation.h"

#define SA_HOPS_MAX	16	/* internal hops served in one turn */
#define SA_MAX_FDS	16
#define SA_OID_MAX	16
#define SA_REFRESH	1.0	/* seconds between snapshots, at most */

/*
 * net-snmp's sub-agent (agentx/subagent.c) keeps its internal callback
 * session in this global; snmp_shutdown() closes the session but leaves
 * the pointer, and the next subagent_init() reuses any pointer that is
 * not NULL -- so after a restart every request would go to a freed
 * session.  agent_down() clears it.  Not in net-snmp's public headers.
 */
extern netsnmp_session *agentx_callback_sess;

/* NET-SNMP-MIB::netSnmpPlaypen.647 = dhcpfoMIB */
static const oid dhcpfo_mib[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 647 };
#define MIB_LEN		OID_LENGTH(dhcpfo_mib)

/* Sub-identifiers under dhcpfoMIB (keep in step with the MIB). */
#define O_NOTIFS	0
#define O_OBJECTS	1
#define O_GENERAL	1	/* dhcpfoObjects.1 */
#define O_PRIMARY	2	/* dhcpfoPrimaryTable */
#define O_SUBNET	3	/* dhcpfoSubnetTable */
#define O_DHCP		4	/* dhcpfoDhcpCounters */
#define O_NOTIFYOBJ	5	/* dhcpfoNotifyObjects */

struct sa_ent {
	oid		 name[SA_OID_MAX];
	size_t		 len;
	u_char		 type;
	union {
		long		 i;
		uint64_t	 c64;
		uint8_t		 ip[4];
		const char	*s;	/* into the snapshot */
	} v;
};

static struct {
	bool		 running;
	struct cfg_snmp	 cfg;		/* switches, thresholds, socket */
	struct ev_loop	*loop;
	snmp_provider_fn fn;
	void		*arg;
	ev_timer	 util_w;	/* utilisation and share look, once a
					 * second */

	ev_prepare	 prepare_w;
	ev_check	 check_w;
	ev_timer	 timeout_w;
	ev_io		 io_w[SA_MAX_FDS];
	size_t		 nio;

	struct snmp_snap snap;
	double		 snap_at;
	bool		 stale;
	struct sa_ent	*ents;
	size_t		 nents, cap;

	netsnmp_handler_registration *reg;
	uint64_t	 traps_sent;
} sa;

/*
 * Outside `sa`: the utilisation states and share episodes outlive a
 * restart on a new AgentXSocket (which clears `sa`), so a subnet already
 * reported is not reported again; stopping the agent for good forgets
 * them.  share_was_on: dhcpfoFailoverShareExhausted could go out at the
 * last look.
 */
static struct util_watch util_states;
static bool share_was_on;

/* ------------------------------------------------------------ snapshot */

struct snmp_primary_row *
snmp_snap_add_primary(struct snmp_snap *s)
{
	if (s->nprimaries == s->cap_primaries) {
		size_t	 n = s->cap_primaries ? s->cap_primaries * 2 : 8;
		void	*p = realloc(s->primaries, n * sizeof(*s->primaries));

		if (p == NULL)
			return NULL;
		s->primaries = p;
		s->cap_primaries = n;
	}
	memset(&s->primaries[s->nprimaries], 0, sizeof(*s->primaries));
	return &s->primaries[s->nprimaries++];
}

struct snmp_subnet_row *
snmp_snap_add_subnet(struct snmp_snap *s)
{
	if (s->nsubnets == s->cap_subnets) {
		size_t	 n = s->cap_subnets ? s->cap_subnets * 2 : 16;
		void	*p = realloc(s->subnets, n * sizeof(*s->subnets));

		if (p == NULL)
			return NULL;
		s->subnets = p;
		s->cap_subnets = n;
	}
	memset(&s->subnets[s->nsubnets], 0, sizeof(*s->subnets));
	return &s->subnets[s->nsubnets++];
}

static struct sa_ent *
ent(u_char type, size_t n, const oid *tail)
{
	struct sa_ent *e;

	if (sa.nents == sa.cap) {
		size_t	 c = sa.cap ? sa.cap * 2 : 256;
		void	*p = realloc(sa.ents, c * sizeof(*sa.ents));

		if (p == NULL)
			return NULL;
		sa.ents = p;
		sa.cap = c;
	}
	e = &sa.ents[sa.nents++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, dhcpfo_mib, sizeof(dhcpfo_mib));
	memcpy(e->name + MIB_LEN, tail, n * sizeof(oid));
	e->len = MIB_LEN + n;
	e->type = type;
	return e;
}

static void
ent_int(u_char type, long v, size_t n, const oid *tail)
{
	struct sa_ent *e = ent(type, n, tail);

	if (e != NULL)
		e->v.i = v;
}

static void
ent_c64(uint64_t v, size_t n, const oid *tail)
{
	struct sa_ent *e = ent(ASN_COUNTER64, n, tail);

	if (e != NULL)
		e->v.c64 = v;
}

static void
ent_str(const char *v, size_t n, const oid *tail)
{
	struct sa_ent *e = ent(ASN_OCTET_STR, n, tail);

	if (e != NULL)
		e->v.s = v;
}

static void
ent_ip(uint32_t a, size_t n, const oid *tail)
{
	struct sa_ent *e = ent(ASN_IPADDRESS, n, tail);

	if (e != NULL) {
		e->v.ip[0] = a >> 24;
		e->v.ip[1] = (a >> 16) & 0xff;
		e->v.ip[2] = (a >> 8) & 0xff;
		e->v.ip[3] = a & 0xff;
	}
}

static uint32_t
pct_used(const struct snmp_subnet_row *r)
{
	return util_percent(r->in_use, r->total);
}

/* Column col of dhcpfoPrimaryTable, row r, at OID c. */
static void
primary_cell(oid col, const struct snmp_primary_row *r, oid *c)
{
	switch (col) {
	case 2: ent_str(r->name, 5, c); break;
	case 3: ent_ip(r->addr, 5, c); break;
	case 4: ent_int(ASN_INTEGER, r->state, 5, c); break;
	case 5: ent_int(ASN_TIMETICKS, r->time_in_state, 5, c); break;
	case 6: ent_int(ASN_INTEGER, r->last_poll_age, 5, c); break;
	case 7: ent_int(ASN_INTEGER, r->last_reply_age, 5, c); break;
	case 8: ent_c64(r->polls_sent, 5, c); break;
	case 9: ent_c64(r->polls_answered, 5, c); break;
	case 10: ent_c64(r->polls_timed_out, 5, c); break;
	case 11: ent_int(ASN_GAUGE, r->consecutive_misses, 5, c); break;
	case 12: ent_int(ASN_COUNTER, r->takeovers, 5, c); break;
	case 13: ent_str(r->last_takeover_reason, 5, c); break;
	case 14: ent_int(ASN_INTEGER, r->last_handback_age, 5, c); break;
	case 15: ent_int(ASN_GAUGE, r->bindings, 5, c); break;
	case 16: ent_c64(r->upd_received, 5, c); break;
	case 17: ent_c64(r->upd_acked, 5, c); break;
	case 18: ent_c64(r->upd_failed, 5, c); break;
	case 19: ent_str(r->last_failure, 5, c); break;
	case 20: ent_int(ASN_INTEGER, r->sync_in_progress ? 1 : 2, 5, c); break;
	case 21: ent_c64(r->auth_failures, 5, c); break;
	}
}

/* Column col of dhcpfoSubnetTable, row r, at OID c. */
static void
subnet_cell(oid col, const struct snmp_subnet_row *r, oid *c)
{
	switch (col) {
	case 2: ent_ip(r->network, 5, c); break;
	case 3: ent_int(ASN_UNSIGNED, r->prefix, 5, c); break;
	case 4: ent_int(ASN_INTEGER, r->primary, 5, c); break;
	case 5: ent_int(ASN_INTEGER, r->served_by, 5, c); break;
	case 6: ent_int(ASN_GAUGE, r->total, 5, c); break;
	case 7: ent_int(ASN_GAUGE, r->free, 5, c); break;
	case 8: ent_int(ASN_GAUGE, r->in_use, 5, c); break;
	case 9: ent_int(ASN_GAUGE, r->declined, 5, c); break;
	case 10: ent_int(ASN_GAUGE, pct_used(r), 5, c); break;
	case 11: ent_int(ASN_UNSIGNED, r->share_total, 5, c); break;
	case 12: ent_int(ASN_UNSIGNED, r->share_free, 5, c); break;
	case 13: ent_int(ASN_INTEGER, r->safe_running ? 1 : 2, 5, c); break;
	case 14: ent_int(ASN_UNSIGNED, r->safe_running ?
		    r->safe_left : 0, 5, c);
		break;
	}
}

/* Entries in OID order: column-major for the tables, as SNMP walks. */
static void
build(void)
{
	const struct snmp_snap *s = &sa.snap;
	oid	 t[4];

	sa.nents = 0;
	t[0] = O_OBJECTS;
	t[1] = O_GENERAL;
	t[2] = 1; t[3] = 0;
	ent_int(ASN_INTEGER, s->role, 4, t);
	t[2] = 2;
	ent_str(s->version, 4, t);
	t[2] = 3;
	ent_int(ASN_UNSIGNED, s->proto_version, 4, t);
	t[2] = 4;
	ent_int(ASN_TIMETICKS, s->uptime, 4, t);
	t[2] = 5;
	ent_int(ASN_COUNTER, s->reloads, 4, t);
	t[2] = 6;
	ent_c64(s->commit_failures, 4, t);

	for (oid col = 2; col <= 21; col++) {
		oid	 c[5] = { O_OBJECTS, O_PRIMARY, 1, col, 0 };

		for (size_t i = 0; i < s->nprimaries; i++) {
			c[4] = i + 1;
			primary_cell(col, &s->primaries[i], c);
		}
	}
	for (oid col = 2; col <= 14; col++) {
		oid	 c[5] = { O_OBJECTS, O_SUBNET, 1, col, 0 };

		for (size_t i = 0; i < s->nsubnets; i++) {
			c[4] = i + 1;
			subnet_cell(col, &s->subnets[i], c);
		}
	}
	for (size_t i = 0; i < SNMP_DHCP_COUNT; i++) {
		oid	 c[4] = { O_OBJECTS, O_DHCP, i + 1, 0 };

		ent_c64(s->dhcp[i], 4, c);
	}
}

static void
refresh(bool force)
{
	double	 now = ev_now(sa.loop);

	if (!force && !sa.stale && now - sa.snap_at < SA_REFRESH &&
	    sa.snap_at != 0)
		return;
	ev_now_update(sa.loop);
	sa.snap.nprimaries = sa.snap.nsubnets = 0;
	sa.fn(sa.arg, &sa.snap);
	sa.snap_at = ev_now(sa.loop);
	sa.stale = false;
	build();
}

void
snmp_agent_refresh(void)
{
	sa.stale = true;
}

/* ------------------------------------------------------------- handler */

/* First entry whose OID is >= (or >) name; nents when none. */
static size_t
find(const oid *name, size_t len, bool after)
{
	size_t	 lo = 0, hi = sa.nents;

	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;
		int	 c = snmp_oid_compare(sa.ents[mid].name,
		    sa.ents[mid].len, name, len);

		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
answer(netsnmp_variable_list *vb, const struct sa_ent *e)
{
	struct counter64 c;
	long	 l;

	switch (e->type) {
	case ASN_COUNTER64:
		c.high = (u_long)(e->v.c64 >> 32);
		c.low = (u_long)(e->v.c64 & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
		break;
	case ASN_OCTET_STR:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->v.s,
		    strlen(e->v.s));
		break;
	case ASN_IPADDRESS:
		snmp_set_var_typed_value(vb, ASN_IPADDRESS, e->v.ip, 4);
		break;
	default:
		l = e->v.i;
		snmp_set_var_typed_value(vb, e->type, &l, sizeof(l));
		break;
	}
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)h;
	(void)reg;
	refresh(false);
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *vb = r->requestvb;
		size_t	 i;

		if (r->processed)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			i = find(vb->name, vb->name_length, false);
			if (i < sa.nents && snmp_oid_compare(sa.ents[i].name,
			    sa.ents[i].len, vb->name, vb->name_length) == 0)
				answer(vb, &sa.ents[i]);
			else
				netsnmp_set_request_error(reqinfo, r,
				    SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			i = find(vb->name, vb->name_length, true);
			if (i < sa.nents) {
				snmp_set_var_objid(vb, sa.ents[i].name,
				    sa.ents[i].len);
				answer(vb, &sa.ents[i]);
			} else
				netsnmp_set_request_error(reqinfo, r,
				    SNMP_ENDOFMIBVIEW);
			break;
		default:
			netsnmp_set_request_error(reqinfo, r,
			    SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

/* ---------------------------------------------------------- event loop */

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	/* Never runs: the check watcher takes the events (see top). */
	(void)loop;
	(void)w;
	(void)revents;
}

static void
timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	fd_set	 fds;
	struct timeval tv = { 3600, 0 };
	int	 nfds = 0, block = 0;
	size_t	 n = 0;

	(void)w;
	(void)revents;
	FD_ZERO(&fds);
	snmp_select_info(&nfds, &fds, &tv, &block);
	for (int fd = 0; fd < nfds && n < SA_MAX_FDS; fd++) {
		if (!FD_ISSET(fd, &fds))
			continue;
		if (n < sa.nio && sa.io_w[n].fd == fd) {
			n++;
			continue;	/* unchanged: no epoll_ctl */
		}
		if (n < sa.nio)
			ev_io_stop(loop, &sa.io_w[n]);
		ev_io_init(&sa.io_w[n], io_cb, fd, EV_READ);
		ev_io_start(loop, &sa.io_w[n]);
		n++;
	}
	for (size_t i = n; i < sa.nio; i++)
		ev_io_stop(loop, &sa.io_w[i]);
	sa.nio = n;

	ev_timer_stop(loop, &sa.timeout_w);
	if (!block) {
		ev_timer_set(&sa.timeout_w, (double)tv.tv_sec +
		    (double)tv.tv_usec / 1e6, 0.0);
		ev_timer_start(loop, &sa.timeout_w);
	}
}

static void
check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	fd_set	 fds;
	bool	 readable = false, timedout;

	(void)w;
	(void)revents;
	FD_ZERO(&fds);
	for (size_t i = 0; i < sa.nio; i++)
		if (ev_clear_pending(loop, &sa.io_w[i]) & EV_READ) {
			FD_SET(sa.io_w[i].fd, &fds);
			readable = true;
		}
	timedout = ev_clear_pending(loop, &sa.timeout_w) != 0;
	if (!readable && !timedout)
		return;
	if (readable)
		snmp_read(&fds);
	else
		snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	/*
	 * net-snmp passes a request between its AgentX session and its
	 * agent layer through internal pipes: serve those hops now, not one
	 * per turn of the loop (a turn may wait for a group commit, and a
	 * walk took 35-110 ms under DHCP load instead of a few).  Bounded,
	 * so a flood of requests cannot hold the loop.
	 */
	for (int hop = 0; hop < SA_HOPS_MAX; hop++) {
		struct timeval zero = { 0, 0 };
		int	 nfds = 0, block = 0;

		FD_ZERO(&fds);
		snmp_select_info(&nfds, &fds, &zero, &block);
		zero.tv_sec = zero.tv_usec = 0;
		if (nfds <= 0 || select(nfds, &fds, NULL, NULL, &zero) <= 0)
			break;
		snmp_read(&fds);
		run_alarms();
		netsnmp_check_outstanding_agent_requests();
	}
}

/* ------------------------------------------------------------- logging */

static int
log_cb(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	char	 buf[512];
	size_t	 n;

	(void)major;
	(void)minor;
	(void)client_arg;
	if (m == NULL || m->msg == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", m->msg);
	n = strlen(buf);
	while (n > 0 && strchr("\r\n :", buf[n - 1]) != NULL)
		buf[--n] = '\0';
	if (n == 0)
		return 0;
	/* Never fatal for us; a master that is away is news, not an
	 * error: the daemon serves on and the agent retries. */
	if (m->priority <= LOG_ERR)
		log_warn("snmp: %s", buf);
	else if (m->priority <= LOG_NOTICE)
		log_info("snmp: %s", buf);
	else
		log_debug("snmp: %s", buf);
	return 0;
}

/* --------------------------------------------------------------- start */

static void	util_cb(struct ev_loop *, ev_timer *, int);

static size_t
switched_off(const struct cfg_snmp *cfg)
{
	size_t	 n = 0;

	for (int k = 1; k < SNMP_TRAP_COUNT; k++)
		n += !cfg->notify[k];
	return n;
}

/*
 * net-snmp up as a sub-agent of the master on cfg->agentx_socket.  Every
 * setting is made again each time: snmp_shutdown() clears net-snmp's
 * settings, callbacks and log handlers (agent_down).
 */
static int
agent_up(struct ev_loop *loop, const struct cfg_snmp *cfg,
    const char *state_dir, snmp_provider_fn fn, void *arg)
{
	netsnmp_log_handler *lh;
	char	 pdir[CFG_PATH_MAX + 8];

	sa.loop = loop;
	sa.fn = fn;
	sa.arg = arg;
	sa.cfg = *cfg;

	/* Our log, not net-snmp's stderr. */
	snmp_disable_log();
	lh = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	if (lh != NULL)
		snmp_register_callback(SNMP_CALLBACK_LIBRARY,
		    SNMP_CALLBACK_LOGGING, log_cb, NULL);

	/* No MIB files, config files, persistent state or SIGALRM. */
	snmp_quiet_library();
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* net-snmp still makes a directory or two (cert_indexes): ours,
	 * not /var/lib/snmp. */
	if (state_dir != NULL && state_dir[0] != '\0') {
		snprintf(pdir, sizeof(pdir), "%s/snmp", state_dir);
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
		    NETSNMP_DS_LIB_PERSISTENT_DIR, pdir);
	}
	/* AgentX sub-agent; reconnect through the ping. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_X_SOCKET, cfg->agentx_socket);

	if (init_agent("dhcpfo") != 0) {
		log_warn("snmp: init_agent failed; SNMP disabled");
		shutdown_agent();
		return -1;
	}
	/* After init_agent(), which sets its own default (15 s); the
	 * session opens in init_snmp() below and reads it then. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, SNMP_AGENT_PING);
	sa.reg = netsnmp_create_handler_registration("dhcpfoMIB", handler,
	    dhcpfo_mib, MIB_LEN, HANDLER_CAN_RONLY);
	if (sa.reg == NULL || netsnmp_register_handler(sa.reg) !=
	    MIB_REGISTERED_OK)
		log_warn("snmp: cannot register DHCPFO-MIB");
	init_snmp("dhcpfo");

	ev_prepare_init(&sa.prepare_w, prepare_cb);
	ev_check_init(&sa.check_w, check_cb);
	ev_timer_init(&sa.timeout_w, timeout_cb, 0.0, 0.0);
	ev_timer_init(&sa.util_w, util_cb, SNMP_UTIL_INTERVAL,
	    SNMP_UTIL_INTERVAL);
	ev_prepare_start(loop, &sa.prepare_w);
	ev_check_start(loop, &sa.check_w);
	ev_timer_start(loop, &sa.util_w);
	sa.running = true;
	log_info("snmp: AgentX sub-agent for DHCPFO-MIB on %s (traps %s, "
	    "%zu of %d notifications switched off; utilisation %u %% high, "
	    "%u %% normal)", cfg->agentx_socket, cfg->traps ? "on" : "off",
	    switched_off(cfg), SNMP_TRAP_COUNT - 1, cfg->util_high,
	    cfg->util_normal);
	return 0;
}

/* net-snmp down, to the point where agent_up() can run again. */
static void
agent_down(void)
{
	if (!sa.running)
		return;
	ev_prepare_stop(sa.loop, &sa.prepare_w);
	ev_check_stop(sa.loop, &sa.check_w);
	ev_timer_stop(sa.loop, &sa.timeout_w);
	ev_timer_stop(sa.loop, &sa.util_w);
	for (size_t i = 0; i < sa.nio; i++)
		ev_io_stop(sa.loop, &sa.io_w[i]);
	sa.nio = 0;
	snmp_shutdown("dhcpfo");
	/* The agent side (registrations, the AgentX session's callbacks):
	 * without it a second init_agent() is ignored. */
	shutdown_agent();
	agentx_callback_sess = NULL;
	free(sa.snap.primaries);
	free(sa.snap.subnets);
	free(sa.ents);
	memset(&sa, 0, sizeof(sa));
}

int
snmp_agent_start(struct ev_loop *loop, const struct cfg_snmp *cfg,
    const char *state_dir, snmp_provider_fn fn, void *arg)
{
	if (cfg == NULL || !cfg->present || sa.running)
		return 0;
	return agent_up(loop, cfg, state_dir, fn, arg);
}

int
snmp_agent_apply(struct ev_loop *loop, const struct cfg_snmp *cfg,
    const char *state_dir, snmp_provider_fn fn, void *arg)
{
	if (cfg == NULL || !cfg->present) {
		if (sa.running) {
			log_info("snmp: [snmp] removed; sub-agent stopped");
			snmp_agent_stop();
		}
		return 0;
	}
	if (!sa.running)
		return snmp_agent_start(loop, cfg, state_dir, fn, arg);
	if (strcmp(sa.cfg.agentx_socket, cfg->agentx_socket) != 0) {
		log_info("snmp: AgentXSocket changed from %s to %s; restarting "
		    "the sub-agent", sa.cfg.agentx_socket,
		    cfg->agentx_socket);
		agent_down();
		return agent_up(loop, cfg, state_dir, fn, arg);
	}
	if (sa.cfg.traps != cfg->traps || sa.cfg.util_high !=
	    cfg->util_high || sa.cfg.util_normal != cfg->util_normal ||
	    memcmp(sa.cfg.notify, cfg->notify, sizeof(cfg->notify)) != 0)
		log_info("snmp: applied: traps %s, %zu of %d notifications "
		    "switched off, utilisation %u %% high, %u %% normal",
		    cfg->traps ? "on" : "off", switched_off(cfg),
		    SNMP_TRAP_COUNT - 1, cfg->util_high, cfg->util_normal);
	sa.cfg = *cfg;
	return 0;
}

bool
snmp_agent_running(void)
{
	return sa.running;
}

void
snmp_agent_stop(void)
{
	agent_down();
	util_watch_free(&util_states);
	share_was_on = false;
}

/* ---------------------------------------------------- utilisation, share */

static void
fmt_net(const struct snmp_subnet_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u/%u", r->network >> 24,
	    (r->network >> 16) & 0xff, (r->network >> 8) & 0xff,
	    r->network & 0xff, r->prefix);
}

/* dhcpfoNotifyName: the primary the subnet belongs to. */
static const char *
owner_of(const struct snmp_subnet_row *r)
{
	const struct snmp_snap *s = &sa.snap;

	if (r->primary >= 1 && (size_t)r->primary <= s->nprimaries)
		return s->primaries[r->primary - 1].name;
	return "";
}

static void
util_trap(const struct snmp_subnet_row *r, enum util_cross c)
{
	char	 reason[SNMP_TEXT_MAX * 2], net[32];
	uint32_t pct = util_percent(r->in_use, r->total);
	bool	 high = c == UTIL_CROSS_HIGH;

	fmt_net(r, net, sizeof(net));
	snprintf(reason, sizeof(reason), "subnet %s (%s): %u of %u "
	    "addresses in use (%u %%), at or %s Utilisation%s %u %%",
	    r->name, net, r->in_use, r->total, pct,
	    high ? "above" : "below", high ? "High" : "Normal",
	    high ? sa.cfg.util_high : sa.cfg.util_normal);
	log_info("snmp: %s", reason);
	snmp_agent_trap(high ? SNMP_TRAP_UTIL_HIGH : SNMP_TRAP_UTIL_NORMAL,
	    owner_of(r), 0, 0, reason, r->network, pct);
}

/*
 * The share's episodes are logged whether or not the notification is
 * switched on: on the failover new clients are being refused, which the
 * log should say in any case.  The reason says what to do (docs/snmp.md).
 */
static void
share_trap(const struct snmp_subnet_row *r, enum share_cross c)
{
	char	 reason[512], net[32];

	fmt_net(r, net, sizeof(net));
	if (c == SHARE_CROSS_REARMED) {
		log_info("snmp: subnet %s (%s): the failover's share has %u "
		    "of %u addresses free again", r->name, net, r->share_free,
		    r->share_total);
		return;
	}
	if (sa.snap.role == SNMP_ROLE_PRIMARY)
		snprintf(reason, sizeof(reason), "subnet %s (%s): the "
		    "failover's share is used up (%u addresses): in a takeover "
		    "now the failover could give no new client an address "
		    "until its safe period ends", r->name, net,
		    r->share_total);
	else
		snprintf(reason, sizeof(reason), "subnet %s (%s): the "
		    "failover's share is used up (%u addresses), %u s of the "
		    "safe period left: new clients %s; once the primary is "
		    "known to be down: dhcpfoctl partner-down %s", r->name,
		    net, r->share_total, r->safe_left, r->borrows ?
		    "get the primary's free addresses (borrow)" :
		    "are refused", owner_of(r));
	log_warn("snmp: %s", reason);
	snmp_agent_trap(SNMP_TRAP_SHARE_EXHAUSTED, owner_of(r), 0, 0, reason,
	    r->network, 0);
}

/*
 * Once a second: the subnets this daemon serves, against the utilisation
 * thresholds, and their shares.  Utilisation only while one of its two
 * notifications can go out: otherwise the states are forgotten, and
 * switching them on reports afresh.  Share episodes are followed (and
 * logged) all the time; dhcpfoFailoverShareExhausted switched on forgets
 * them for one look, so the next reports a share that is used up then.
 */
static void
util_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	const struct snmp_snap *s = &sa.snap;
	bool	 share_on = snmp_agent_wants(SNMP_TRAP_SHARE_EXHAUSTED);
	struct util_look look = {
		.util = snmp_agent_wants(SNMP_TRAP_UTIL_HIGH) ||
		    snmp_agent_wants(SNMP_TRAP_UTIL_NORMAL),
		.high_pct = sa.cfg.util_high,
		.normal_pct = sa.cfg.util_normal,
		.share = !share_on || share_was_on,
	};
	enum snmp_served mine;
	struct util_sample *smp;
	struct util_event *out;

	(void)loop;
	(void)w;
	(void)revents;
	share_was_on = share_on;
	refresh(true);
	if (s->nsubnets == 0) {
		(void)util_watch_step(&util_states, NULL, 0, &look, NULL);
		return;
	}
	smp = calloc(s->nsubnets, sizeof(*smp));
	out = calloc(s->nsubnets, sizeof(*out));
	mine = s->role == SNMP_ROLE_PRIMARY ? SNMP_SERVED_PRIMARY :
	    SNMP_SERVED_FAILOVER;
	if (smp != NULL && out != NULL) {
		for (size_t i = 0; i < s->nsubnets; i++) {
			const struct snmp_subnet_row *r = &s->subnets[i];

			smp[i].network = r->network;
			smp[i].prefix = (uint8_t)r->prefix;
			smp[i].in_use = r->in_use;
			smp[i].total = r->total;
			smp[i].watched = r->served_by == mine;
			smp[i].share_free = r->share_free;
			smp[i].share_total = r->share_total;
			smp[i].share_matters = r->share_matters;
		}
		if (util_watch_step(&util_states, smp, s->nsubnets, &look,
		    out) == 0)
			for (size_t i = 0; i < s->nsubnets; i++) {
				if (out[i].util != UTIL_CROSS_NONE)
					util_trap(&s->subnets[i], out[i].util);
				if (out[i].share != SHARE_CROSS_NONE)
					share_trap(&s->subnets[i],
					    out[i].share);
			}
	}
	free(smp);
	free(out);
}

/* --------------------------------------------------------------- traps */

static const char *const trap_names[SNMP_TRAP_COUNT] = {
	[SNMP_TRAP_STATE_CHANGE] = "dhcpfoStateChange",
	[SNMP_TRAP_NOT_RESPONDING] = "dhcpfoPrimaryNotResponding",
	[SNMP_TRAP_RESPONDING] = "dhcpfoPrimaryResponding",
	[SNMP_TRAP_TAKEOVER_STARTED] = "dhcpfoTakeoverStarted",
	[SNMP_TRAP_TAKEOVER_ENDED] = "dhcpfoTakeoverEnded",
	[SNMP_TRAP_HANDBACK_STARTED] = "dhcpfoHandbackStarted",
	[SNMP_TRAP_HANDBACK_COMPLETED] = "dhcpfoHandbackCompleted",
	[SNMP_TRAP_HANDBACK_FAILED] = "dhcpfoHandbackFailed",
	[SNMP_TRAP_SYNC_COMPLETED] = "dhcpfoSyncCompleted",
	[SNMP_TRAP_SYNC_FAILED] = "dhcpfoSyncFailed",
	[SNMP_TRAP_BINDING_UPDATE_FAILED] = "dhcpfoBindingUpdateFailed",
	[SNMP_TRAP_CONFIG_MISMATCH] = "dhcpfoConfigMismatch",
	[SNMP_TRAP_UTIL_HIGH] = "dhcpfoSubnetUtilisationHigh",
	[SNMP_TRAP_UTIL_NORMAL] = "dhcpfoSubnetUtilisationNormal",
	[SNMP_TRAP_DUPLICATE_ADDRESS] = "dhcpfoDuplicateAddress",
	[SNMP_TRAP_AUTH_FAILURE] = "dhcpfoAuthenticationFailure",
	[SNMP_TRAP_SHARE_EXHAUSTED] = "dhcpfoFailoverShareExhausted",
};

const char *
snmp_trap_name(enum snmp_trap k)
{
	if ((int)k <= 0 || k >= SNMP_TRAP_COUNT)
		return "unknown";
	return trap_names[k];
}

static void
add_notify_obj(netsnmp_variable_list **vl, oid sub, u_char type,
    const void *v, size_t len)
{
	oid	 o[SA_OID_MAX];

	memcpy(o, dhcpfo_mib, sizeof(dhcpfo_mib));
	o[MIB_LEN] = O_OBJECTS;
	o[MIB_LEN + 1] = O_NOTIFYOBJ;
	o[MIB_LEN + 2] = sub;
	o[MIB_LEN + 3] = 0;
	snmp_varlist_add_variable(vl, o, MIB_LEN + 4, type, v, len);
}

bool
snmp_agent_wants(enum snmp_trap kind)
{
	return sa.running && sa.cfg.traps && (int)kind > 0 &&
	    kind < SNMP_TRAP_COUNT && sa.cfg.notify[kind];
}

/* A DisplayString is at most 255 octets (SNMPv2-TC). */
static size_t
display_len(const char *s)
{
	size_t	 n = strlen(s);

	return n > 255 ? 255 : n;
}

void
snmp_agent_trap(enum snmp_trap kind, const char *name, int from, int to,
    const char *reason, uint32_t subnet, uint32_t pct)
{
	static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	netsnmp_variable_list *vl = NULL;
	oid	 t[SA_OID_MAX];
	long	 l;

	if (!snmp_agent_wants(kind)) {
		if (sa.running && (int)kind > 0 && kind < SNMP_TRAP_COUNT)
			log_debug("snmp: %s not sent: switched off in [snmp]",
			    snmp_trap_name(kind));
		return;
	}
	sa.stale = true;	/* something changed: next GET sees it */
	memcpy(t, dhcpfo_mib, sizeof(dhcpfo_mib));
	t[MIB_LEN] = O_NOTIFS;
	t[MIB_LEN + 1] = (oid)kind;
	snmp_varlist_add_variable(&vl, trap_oid, OID_LENGTH(trap_oid),
	    ASN_OBJECT_ID, t, (MIB_LEN + 2) * sizeof(oid));
	if (name == NULL)
		name = "";
	if (reason == NULL)
		reason = "";
	add_notify_obj(&vl, 1, ASN_OCTET_STR, name, display_len(name));
	if (kind == SNMP_TRAP_STATE_CHANGE) {
		l = from;
		add_notify_obj(&vl, 2, ASN_INTEGER, &l, sizeof(l));
		l = to;
		add_notify_obj(&vl, 3, ASN_INTEGER, &l, sizeof(l));
	}
	/* In the order of the notification's OBJECTS (the MIB). */
	if (kind == SNMP_TRAP_UTIL_HIGH || kind == SNMP_TRAP_UTIL_NORMAL ||
	    kind == SNMP_TRAP_SHARE_EXHAUSTED) {
		uint8_t ip[4] = { subnet >> 24, (subnet >> 16) & 0xff,
		    (subnet >> 8) & 0xff, subnet & 0xff };

		add_notify_obj(&vl, 5, ASN_IPADDRESS, ip, 4);
	}
	if (kind == SNMP_TRAP_UTIL_HIGH || kind == SNMP_TRAP_UTIL_NORMAL) {
		l = pct;
		add_notify_obj(&vl, 6, ASN_GAUGE, &l, sizeof(l));
	}
	add_notify_obj(&vl, 4, ASN_OCTET_STR, reason, display_len(reason));
	if (vl == NULL)
		return;
	send_v2trap(vl);
	snmp_free_varbind(vl);
	sa.traps_sent++;
	log_debug("snmp: sent %s (%s: %s)", snmp_trap_name(kind), name,
	    reason);
}

int32_t
snmp_age_cs(double now, double then)
{
	double	 d;

	if (then <= 0)
		return -1;
	d = (now - then) * 100.0;
	if (d < 0)
		d = 0;
	if (d > 2147483647.0)
		d = 2147483647.0;
	return (int32_t)d;
}
