/*
 * A primary and its failover in one process on a virtual clock: see
 * pair_testutil.h for what runs, how the clock works and what a test
 * may assert.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ev.h>

#include "config.h"
#include "dhcp_codec.h"
#include "dhcp_proto.h"
#include "fod.h"
#include "fod_config.h"
#include "lease_db.h"
#include "pair_testutil.h"
#include "server.h"
#include "server_int.h"
#include "tmpdir_testutil.h"

#define NS		INT64_C(1000000000)
#define QUANTUM_NS	((int64_t)(PAIR_QUANTUM * 1e9 + 0.5))
/* Rounds one settle may take before the daemons are taken to be
 * looping among themselves (a bug worth a failed test). */
#define MAX_ROUNDS	100000
/* Blocks of 4 ports, below the ephemeral range (32768 on). */
#define PORT_BASE	12000
#define PORT_BLOCKS	5000

/* ------------------------------------------------------ the clock */

static int64_t	 v_ns;		/* virtual nanoseconds stepped */
static int64_t	 v_wall0;	/* wall clock (s) at virtual 0 */

/* The real time rounded up to PAIR_WALL_ROUND: ahead of it, and the
 * same in every run for years. */
static int64_t
wall0(void)
{
	struct timespec ts;

	if (v_wall0 == 0) {
		syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
		v_wall0 = ((int64_t)ts.tv_sec / PAIR_WALL_ROUND + 1) *
		    PAIR_WALL_ROUND;
	}
	return v_wall0;
}

/*
 * Every caller in the process gets these, libev and Berkeley DB
 * included: a definition in the program comes before the C library's.
 * Clocks that measure no time of day (CPU time) stay real.
 */
int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int64_t	 t;

	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		t = wall0() * NS + v_ns;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		t = (int64_t)PAIR_MONO0 * NS + v_ns;
		break;
	default:
		return (int)syscall(SYS_clock_gettime, id, ts);
	}
	ts->tv_sec = (time_t)(t / NS);
	ts->tv_nsec = (long)(t % NS);
	return 0;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t
time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

double
pair_elapsed(void)
{
	return (double)v_ns / 1e9;
}

double
pair_wall(void)
{
	return (double)wall0() + (double)v_ns / 1e9;
}

/* Virtual seconds (never negative) to nanoseconds. */
static int64_t
to_ns(double secs)
{
	return secs > 0 ? (int64_t)(secs * 1e9 + 0.5) : 0;
}

/* ------------------------------------------------------ the loops */

/* Watchers the last ev_run found pending (pair_testutil.h, Stepping). */
static unsigned	 last_pending;

/*
 * ev_run invokes pending watchers twice an iteration: the prepare
 * watchers, then everything the poll and the timers made pending.  The
 * second count is what happened (no daemon has check or idle
 * watchers, which would be counted every time).
 */
static void
count_invoke(struct ev_loop *loop)
{
	last_pending = ev_pending_count(loop);
	ev_invoke_pending(loop);
}

static unsigned
run_once(struct ev_loop *loop)
{
	last_pending = 0;
	ev_run(loop, EVRUN_NOWAIT);
	return last_pending;
}

static struct ev_loop *
loop_new(void)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);

	if (loop == NULL)
		fail_msg("cannot create an event loop");
	ev_set_invoke_pending_cb(loop, count_invoke);
	return loop;
}

static unsigned
run_failover(struct pair *pr)
{
	unsigned n;

	if (pr->around_failover != NULL)
		pr->around_failover(true);
	n = run_once(pr->f_loop);
	for (size_t i = 0; i < pr->fod->npeers; i++)
		n += run_once(pr->fod->peers[i]->loop);
	if (pr->around_failover != NULL)
		pr->around_failover(false);
	return n;
}

/*
 * Run every loop until three rounds in a row had nothing to do: what a
 * loop's prepare watcher sends (the group commit's acks and updates)
 * is found by the loop that reads it in the round after; before the
 * third, the CPU is yielded, so that a datagram whose delivery the
 * kernel deferred to its softirq thread (on this CPU) arrives.
 */
static void
settle(struct pair *pr)
{
	unsigned quiet = 0, rounds = 0, n;

	while (quiet < 3) {
		if (++rounds > MAX_ROUNDS)
			fail_msg("the daemons did not go quiet in %u rounds "
			    "(at %.3f virtual s)", MAX_ROUNDS, pair_elapsed());
		if (quiet == 2)
			sched_yield();
		n = 0;
		if (pr->srv != NULL && !pr->p_frozen)
			n += run_once(pr->p_loop);
		if (pr->fod != NULL)
			n += run_failover(pr);
		if (pr->observe != NULL)
			pr->observe(pr, pr->observe_arg);
		quiet = n == 0 ? quiet + 1 : 0;
	}
}

void
pair_step(struct pair *pr, double secs)
{
	int64_t	 left = to_ns(secs);

	settle(pr);
	while (left > 0) {
		int64_t q = left < QUANTUM_NS ? left : QUANTUM_NS;

		v_ns += q;
		left -= q;
		settle(pr);
	}
}

bool
pair_until(struct pair *pr, pair_cond *cond, void *arg, double max_secs)
{
	int64_t	 end = v_ns + to_ns(max_secs);

	settle(pr);
	while (!cond(pr, arg)) {
		if (v_ns >= end)
			return false;
		v_ns += QUANTUM_NS;
		settle(pr);
	}
	return true;
}

/* ------------------------------------------------------ set-up */

void
pair_opts_default(struct pair_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nsubnets = 1;
	o->sync_bindings = true;
	o->poll_delay = 0.5;
	o->poll_retry_max = 1;
	o->wait_poll_rpl = 0.25;
	o->wait_sync_start = 1;
	o->sync_req_retry_max = 1;
	o->wait_sync_bind_ack = 1;
	o->sync_bind_retry_max = 3;
	o->wait_ctl_ret = 1;
	o->ctl_req_retry_max = 3;
}

static const char *
ntoa(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	return buf;
}

static int
bind_udp(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin;
	int	 fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Ports of block b free on every address that binds them?  Then the
 * relay keeps its sockets. */
static bool
try_ports(struct pair *pr, unsigned b)
{
	const uint32_t srv[2] = { pr->p_addr, pr->f_addr };
	int	 probe[4], np = 0;
	bool	 ok = true;

	pr->dhcp_port = (uint16_t)(PORT_BASE + 4 * b);
	pr->fo_port = (uint16_t)(pr->dhcp_port + 2);
	for (unsigned i = 0; i < PAIR_MAX_SUBNETS; i++)
		pr->relay_fd[i] = -1;
	for (unsigned i = 0; i < PAIR_MAX_SUBNETS && ok; i++)
		ok = (pr->relay_fd[i] = bind_udp(pr->giaddr[i],
		    pr->dhcp_port)) >= 0;
	for (unsigned i = 0; i < 2 && ok; i++) {
		ok = (probe[np++] = bind_udp(srv[i], pr->dhcp_port)) >= 0 &&
		    (probe[np++] = bind_udp(srv[i], pr->fo_port)) >= 0;
	}
	for (int i = 0; i < np; i++)
		if (probe[i] >= 0)
			close(probe[i]);
	if (!ok)
		for (unsigned i = 0; i < PAIR_MAX_SUBNETS; i++)
			if (pr->relay_fd[i] >= 0)
				close(pr->relay_fd[i]);
	return ok;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int	 fd;
	size_t	 len = strlen(text);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		fail_msg("%s: %s", path, strerror(errno));
	close(fd);
}

/* The [subnet:NAME] sections, the failover's naming their primary. */
static void
subnet_sections(const struct pair *pr, bool failover, char *out, size_t len)
{
	size_t	 off = 0;
	char	 net[16], lo[16], hi[16], gw[16];

	out[0] = '\0';
	for (unsigned i = 0; i < pr->o.nsubnets && off < len; i++) {
		uint32_t g = pr->giaddr[i];

		off += (size_t)snprintf(out + off, len - off,
		    "[subnet:lan%u]\n%sSubnet = %s/16\nRange = %s-%s\n"
		    "Routers = %s\nLeaseTime = 3600\n", i + 1,
		    failover ? "Primary = branch1\n" : "",
		    ntoa(g & 0xffff0000u, net), ntoa(g + 9, lo),
		    ntoa(g + 8 + PAIR_RANGE_SIZE, hi), ntoa(g, gw));
	}
}

/*
 * Both files: the addresses and ports of pair_setup, detection and
 * retries after pair_opts, ping checks off (they need a raw socket, and
 * every 127/8 address would answer).
 */
static void
write_primary_ini(const struct pair *pr)
{
	char	 text[4096], subs[1024], path[128], fa[16], pa[16];

	subnet_sections(pr, false, subs, sizeof(subs));
	snprintf(text, sizeof(text),
	    "[server]\nName = branch1\nServerAddress = %s\nDhcpPort = %u\n"
	    "StateDir = %s/p/state\nControlSocket = %s/p.sock\n"
	    "PidFile = %s/p.pid\nPingBeforeAssign = false\n"
	    "[failover]\nUseFailoverServer = true\nFailoverServer = %s\n"
	    "FailoverPort = %u\nSharedKeyFile = %s/branch1.key\n"
	    "CtlReqRetryMax = %u\nWaitCtlRetSecs = %g\n"
	    "WaitSyncBindAckSecs = %g\nSyncBindRetryMax = %u\n%s",
	    ntoa(pr->p_addr, pa), pr->dhcp_port, pr->dir, pr->dir, pr->dir,
	    ntoa(pr->f_addr, fa), pr->fo_port, pr->dir,
	    pr->o.ctl_req_retry_max, pr->o.wait_ctl_ret,
	    pr->o.wait_sync_bind_ack, pr->o.sync_bind_retry_max, subs);
	snprintf(path, sizeof(path), "%s/primary.ini", pr->dir);
	write_file(path, text, 0600);
}

static void
write_failover_ini(const struct pair *pr)
{
	const struct pair_opts *o = &pr->o;
	char	 text[4096], subs[1024], path[128], fa[16], pa[16];

	subnet_sections(pr, true, subs, sizeof(subs));
	snprintf(text, sizeof(text),
	    "[server]\nName = hub1\nServerAddress = %s\nDhcpPort = %u\n"
	    "FailoverPort = %u\nStateDir = %s/f%u/state\n"
	    "ControlSocket = %s/f.sock\nPidFile = %s/f.pid\n"
	    "[failover]\nPollDelay = %g\nPollRetryMax = %u\n"
	    "WaitPollRplSecs = %g\nSyncBindings = %s\n"
	    "SyncFailCritical = %s\nWaitSyncStartSecs = %g\n"
	    "SyncReqRetryMax = %u\nWaitSyncBindAckSecs = %g\n"
	    "SyncBindRetryMax = %u\nTakeoverPingCheck = false\n"
	    "[primary:branch1]\nAddress = %s\nPort = %u\n"
	    "SharedKeyFile = %s/branch1.key\n%s",
	    ntoa(pr->f_addr, fa), pr->dhcp_port, pr->fo_port, pr->dir,
	    pr->f_starts, pr->dir, pr->dir, o->poll_delay, o->poll_retry_max,
	    o->wait_poll_rpl, o->sync_bindings ? "true" : "false",
	    o->sync_fail_critical ? "true" : "false", o->wait_sync_start,
	    o->sync_req_retry_max, o->wait_sync_bind_ack,
	    o->sync_bind_retry_max, ntoa(pr->p_addr, pa), pr->fo_port,
	    pr->dir, subs);
	snprintf(path, sizeof(path), "%s/failover.ini", pr->dir);
	write_file(path, text, 0600);
}

void
pair_setup(struct pair *pr, const struct pair_opts *o)
{
	char	 path[128], key[80];
	unsigned b = (unsigned)getpid() % PORT_BLOCKS;
	int	 tries;

	memset(pr, 0, sizeof(*pr));
	for (unsigned i = 0; i < PAIR_MAX_SUBNETS; i++)
		pr->relay_fd[i] = -1;
	pr->o = *o;
	pr->p_addr = 0x7f4d0001u;		/* 127.77.0.1 */
	pr->f_addr = 0x7f4d0002u;		/* 127.77.0.2 */
	/* 127.78.0.1, 127.79.0.1 */
	for (unsigned i = 0; i < PAIR_MAX_SUBNETS; i++)
		pr->giaddr[i] = 0x7f4e0001u + (i << 16);
	for (tries = 0; tries < 64 && !try_ports(pr, b); tries++)
		b = (b + 997) % PORT_BLOCKS;
	if (tries == 64)
		fail_msg("no free block of ports for the pair");
	if (!tmpdir_make(pr->dir, sizeof(pr->dir), "dhcpfo-pair"))
		fail_msg("mkdtemp: %s", strerror(errno));
	/* A fixed key: the pair's, in a file only its owner may read. */
	for (int i = 0; i < 32; i++)
		snprintf(key + 2 * i, 3, "%02x", (unsigned)(i * 7 + 1) & 0xff);
	snprintf(key + 64, sizeof(key) - 64, "\n");
	snprintf(path, sizeof(path), "%s/branch1.key", pr->dir);
	write_file(path, key, 0600);
	write_primary_ini(pr);
}

/* libev attaches a signal to one loop only (pair_testutil.h). */
static void
primary_signals_off(struct server *srv)
{
	daemon_signals_stop(srv->loop, &srv->sigs);
}

static void
failover_signals_off(struct fod *fod)
{
	daemon_signals_stop(fod->loop, &fod->sigs);
}

void
pair_start_primary(struct pair *pr)
{
	struct config cfg;
	struct config_errors errs = { 0 };
	char	 path[128], err[512];
	int	 code;

	if (pr->srv != NULL)
		fail_msg("the primary is running");
	snprintf(path, sizeof(path), "%s/primary.ini", pr->dir);
	memset(&cfg, 0, sizeof(cfg));
	if (config_load_primary(path, &cfg, &errs) != 0)
		fail_msg("primary.ini: %s", errs.count ? errs.msgs[0] : "?");
	config_errors_free(&errs);
	pr->p_loop = loop_new();
	pr->srv = server_new(pr->p_loop, &cfg, path, false, err, sizeof(err),
	    &code);
	if (pr->srv == NULL) {
		config_free(&cfg);
		fail_msg("server_new: %s (exit code %d)", err, code);
	}
	primary_signals_off(pr->srv);
	pr->p_frozen = false;
}

void
pair_stop_primary(struct pair *pr)
{
	if (pr->srv == NULL)
		return;
	server_free(pr->srv);
	pr->srv = NULL;
	ev_loop_destroy(pr->p_loop);
	pr->p_loop = NULL;
	pr->p_frozen = false;
}

void
pair_freeze_primary(struct pair *pr)
{
	pr->p_frozen = true;
}

void
pair_start_failover(struct pair *pr, bool fresh_store)
{
	struct fod_config cfg;
	struct config_errors errs = { 0 };
	char	 path[128], err[512];
	int	 code;

	if (pr->fod != NULL)
		fail_msg("the failover is running");
	if (fresh_store || pr->f_starts == 0)
		pr->f_starts++;
	write_failover_ini(pr);
	snprintf(path, sizeof(path), "%s/failover.ini", pr->dir);
	memset(&cfg, 0, sizeof(cfg));
	if (config_load_failover(path, &cfg, &errs) != 0)
		fail_msg("failover.ini: %s", errs.count ? errs.msgs[0] : "?");
	config_errors_free(&errs);
	pr->f_loop = loop_new();
	pr->fod = fod_new(pr->f_loop, &cfg, path, false, err, sizeof(err),
	    &code);
	if (pr->fod == NULL) {
		fod_config_free(&cfg);
		fail_msg("fod_new: %s (exit code %d)", err, code);
	}
	failover_signals_off(pr->fod);
	/* Its peers: what fod_start_threads would run on threads. */
	for (size_t i = 0; i < pr->fod->npeers; i++) {
		ev_set_invoke_pending_cb(pr->fod->peers[i]->loop, count_invoke);
		fod_peer_begin(pr->fod->peers[i]);
	}
}

void
pair_stop_failover(struct pair *pr)
{
	if (pr->fod == NULL)
		return;
	fod_free(pr->fod);
	pr->fod = NULL;
	ev_loop_destroy(pr->f_loop);
	pr->f_loop = NULL;
}

void
pair_teardown(struct pair *pr)
{
	pair_stop_failover(pr);
	pair_stop_primary(pr);
	for (unsigned i = 0; i < PAIR_MAX_SUBNETS; i++) {
		if (pr->relay_fd[i] >= 0)
			close(pr->relay_fd[i]);
		pr->relay_fd[i] = -1;
	}
	if (pr->dir[0] != '\0')
		tmpdir_remove(pr->dir);
	pr->dir[0] = '\0';
}

struct pair *
pair_new(const struct pair_opts *o)
{
	struct pair *pr = calloc(1, sizeof(*pr));
	struct pair_opts def;

	if (pr == NULL)
		return NULL;
	if (o == NULL) {
		pair_opts_default(&def);
		o = &def;
	}
	pair_setup(pr, o);
	return pr;
}

void
pair_free(struct pair *pr)
{
	if (pr == NULL)
		return;
	pair_teardown(pr);
	free(pr);
}

/* ------------------------------------------------------ looking in */

struct fod_peer *
pair_fpeer(const struct pair *pr)
{
	if (pr->fod == NULL || pr->fod->npeers == 0)
		fail_msg("the failover is not running");
	return pr->fod->peers[0];
}

int
pair_fstate(const struct pair *pr)
{
	return (int)pair_fpeer(pr)->act.fsm.state;
}

int
pair_pstate(const struct pair *pr)
{
	if (pr->srv == NULL)
		fail_msg("the primary is not running");
	return (int)link_state(pr->srv);
}

static bool
fstate_is(struct pair *pr, void *arg)
{
	return pr->fod != NULL && pair_fstate(pr) == *(const int *)arg;
}

bool
pair_until_fstate(struct pair *pr, int state, double max_secs)
{
	return pair_until(pr, fstate_is, &state, max_secs);
}

static bool
both_up(struct pair *pr, void *arg)
{
	(void)arg;
	return pair_fstate(pr) == FOD_MONITORING &&
	    pair_pstate(pr) == PR_SERVING;
}

void
pair_up(struct pair *pr)
{
	pair_start_primary(pr);
	pair_start_failover(pr, true);
	if (!pair_until(pr, both_up, NULL, 10))
		fail_msg("pair not up after 10 s: failover %s, primary %s",
		    fod_state_name(pair_fstate(pr)),
		    pr_state_name(pair_pstate(pr)));
}

const struct fsm_transition *
pair_transition(const struct fsm_history *h, unsigned from, unsigned to)
{
	for (size_t i = fsm_history_count(h); i-- > 0;) {
		const struct fsm_transition *t = fsm_history_get(h, i);

		if (t->from == from && t->to == to)
			return t;
	}
	return NULL;
}

struct lease_db *
pair_pstore(const struct pair *pr)
{
	if (pr->srv == NULL)
		fail_msg("the primary is not running");
	return pr->srv->db;
}

struct lease_db *
pair_fstore(const struct pair *pr)
{
	return pair_fpeer(pr)->db;
}

static void
client_mac(unsigned id, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = mac[2] = mac[3] = 0;
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
}

bool
pair_stored(struct lease_db *db, uint32_t addr, unsigned id,
    struct lease *out)
{
	struct lease l;
	uint8_t	 mac[6];

	client_mac(id, mac);
	if (lease_db_get(db, addr, &l) != 0 || l.state != LEASE_BOUND ||
	    l.hlen != 6 || memcmp(l.chaddr, mac, 6) != 0)
		return false;
	if (out != NULL)
		*out = l;
	return true;
}

/* ------------------------------------------------------ the relay */

void
pair_client_init(struct pair_client *c, unsigned id, unsigned subnet)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->subnet = subnet;
}

static void
client_msg(const struct pair_client *c, uint8_t type, struct dhcp_msg *m)
{
	dhcp_msg_init(m);
	m->op = BOOTREQUEST;
	m->htype = 1;
	m->hlen = 6;
	m->hops = 1;
	m->xid = c->xid;
	m->has_cookie = true;
	client_mac(c->id, m->chaddr);
	if (!dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, type))
		fail_msg("cannot build a DHCP message");
}

static void
relay_send(struct pair *pr, unsigned subnet, struct dhcp_msg *m,
    unsigned to)
{
	static uint8_t pkt[DHCP_PKT_MAX];
	const uint32_t dst[2] = { pr->p_addr, pr->f_addr };
	struct sockaddr_in sin;
	size_t	 len;

	m->giaddr = pr->giaddr[subnet];
	if (dhcp_msg_encode(m, NULL, 0, sizeof(pkt), pkt, sizeof(pkt), &len,
	    NULL) != DHCP_OK)
		fail_msg("cannot encode a DHCP message");
	for (unsigned i = 0; i < 2; i++) {
		if ((to & (1u << i)) == 0)
			continue;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(dst[i]);
		sin.sin_port = htons(pr->dhcp_port);
		if (sendto(pr->relay_fd[subnet], pkt, len, 0,
		    (struct sockaddr *)&sin, sizeof(sin)) != (ssize_t)len)
			fail_msg("relay: sendto: %s", strerror(errno));
	}
}

struct wait_reply {
	const struct pair_client *c;
	uint8_t			 want[2];	/* answers taken */
	struct pair_reply	*r;
	bool			 got;
};

/* Everything the relay received; the first answer to w->c kept (an
 * OFFER for a DISCOVER, an ACK or a NAK for a REQUEST). */
static bool
got_reply(struct pair *pr, void *arg)
{
	static struct dhcp_msg m;
	static uint8_t buf[DHCP_PKT_MAX];
	struct wait_reply *w = arg;
	struct sockaddr_in sin;
	socklen_t slen;
	ssize_t	 n;
	uint8_t	 mac[6];

	client_mac(w->c->id, mac);
	for (;;) {
		slen = sizeof(sin);
		n = recvfrom(pr->relay_fd[w->c->subnet], buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, &slen);
		if (n < 0)
			break;
		if (dhcp_msg_decode(buf, (size_t)n, &m) != DHCP_OK ||
		    m.op != BOOTREPLY || m.xid != w->c->xid ||
		    memcmp(m.chaddr, mac, 6) != 0 || w->got ||
		    (m.msg_type != w->want[0] && m.msg_type != w->want[1]))
			continue;
		w->got = true;
		w->r->from = ntohl(sin.sin_addr.s_addr);
		w->r->type = m.msg_type;
		w->r->yiaddr = m.yiaddr;
		if (!dhcp_opt_get_u32(&m, DHO_SERVER_ID, &w->r->server))
			w->r->server = 0;
	}
	return w->got;
}

/* Send m and wait for its answer (0: none came). */
static uint8_t
exchange(struct pair *pr, struct pair_client *c, const struct dhcp_msg *m,
    unsigned to, double max_secs, struct pair_reply *r)
{
	static struct dhcp_msg out;
	struct wait_reply w = { .c = c, .r = r };

	memset(r, 0, sizeof(*r));
	if (m->msg_type == DHCPDISCOVER)
		w.want[0] = w.want[1] = DHCPOFFER;
	else {
		w.want[0] = DHCPACK;
		w.want[1] = DHCPNAK;
	}
	out = *m;
	relay_send(pr, c->subnet, &out, to);
	if (!pair_until(pr, got_reply, &w, max_secs))
		return 0;
	return r->type;
}

static uint32_t	 next_xid = 0x5a000000u;

uint8_t
pair_dora(struct pair *pr, struct pair_client *c, unsigned to,
    double max_secs)
{
	static struct dhcp_msg m;
	struct pair_reply r;
	uint8_t	 t;

	c->xid = ++next_xid;
	client_msg(c, DHCPDISCOVER, &m);
	if ((t = exchange(pr, c, &m, to, max_secs, &r)) != DHCPOFFER)
		return t;
	client_msg(c, DHCPREQUEST, &m);
	if (!dhcp_opt_set_u32(&m, DHO_REQUESTED_ADDRESS, r.yiaddr) ||
	    !dhcp_opt_set_u32(&m, DHO_SERVER_ID, r.server))
		fail_msg("cannot build a DHCP message");
	if ((t = exchange(pr, c, &m, to, max_secs, &r)) == DHCPACK) {
		c->addr = r.yiaddr;
		c->server = r.server;
	}
	return t;
}

uint8_t
pair_rebind(struct pair *pr, struct pair_client *c, unsigned to,
    double max_secs, struct pair_reply *r)
{
	static struct dhcp_msg m;
	uint8_t	 t;

	c->xid = ++next_xid;
	client_msg(c, DHCPREQUEST, &m);
	m.ciaddr = c->addr;
	if ((t = exchange(pr, c, &m, to, max_secs, r)) == DHCPACK) {
		c->addr = r->yiaddr;
		c->server = r->server;
	}
	return t;
}

uint64_t
pair_bind_at_primary(struct pair *pr, struct pair_client *c, size_t n)
{
	struct lease l;
	uint64_t last = 0;
	uint8_t	 t;

	for (size_t i = 0; i < n; i++) {
		t = pair_dora(pr, &c[i], PAIR_TO_PRIMARY | PAIR_TO_FAILOVER,
		    2);
		if (t != DHCPACK || c[i].server != pr->p_addr)
			fail_msg("client %u: answer %u from %08x, not an ACK "
			    "of the primary", c[i].id, t, c[i].server);
		if (!pair_stored(pair_pstore(pr), c[i].addr, c[i].id, &l))
			fail_msg("client %u: not in the primary's store",
			    c[i].id);
		if (l.seq > last)
			last = l.seq;
	}
	return last;
}

static bool
acked_through(struct pair *pr, void *arg)
{
	return repl_watermark(pr->srv) >= *(const uint64_t *)arg;
}

bool
pair_until_acked(struct pair *pr, uint64_t seq, double max_secs)
{
	return pair_until(pr, acked_through, &seq, max_secs);
}
