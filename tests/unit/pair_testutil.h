/*
 * A primary and its failover in one test process, on a virtual clock:
 * the harness of tests/unit/test_pair_*.c, which test what the daemons
 * do together (replication, the start-up sync, takeover serving, the
 * hand-back: docs/design.md §7) without root, namespaces or waiting.
 *
 * What runs.  The daemons themselves, built as in production: the
 * primary by server_new (primary/server.c) on a loop of its own, the
 * failover by fod_new (failover/fod.c) on another, and each of the
 * failover's peers on the loop fod_peer_new made for it.  Nothing runs
 * in a thread: where dhcpfo-failover starts a thread per primary
 * (fod_start_threads), the harness calls fod_peer_begin, the thread's
 * first steps, and runs the peer's loop itself.  They talk over real
 * UDP sockets on loopback: 127.77.0.1 is the primary, 127.77.0.2 the
 * failover, 127.78.0.1 (and 127.79.0.1) a relay, the giaddr of subnet
 * lan1 127.78.0.0/16 (lan2 127.79.0.0/16).  The ports are unprivileged
 * and chosen per process (from the pid, checked free), so test programs
 * may run side by side.  Configuration files, the shared key and both
 * state directories live in a temporary directory removed at the end.
 * Signals are the one thing taken away: libev lets a signal belong to
 * one loop only, so the harness stops the daemons' signal watchers.
 *
 * The clock.  The harness (pair_testutil.c) defines clock_gettime,
 * gettimeofday and time, so every clock of the process -- libev's
 * (ev_now, ev_time, its timers: CLOCK_MONOTONIC, CLOCK_REALTIME), the
 * daemons' own (link_clock_ms, fod_wallclock, the boot epochs, lease
 * times) and Berkeley DB's -- reads virtual time, which moves only when
 * the test steps it.  Monotonic time starts at PAIR_MONO0, wall time at
 * the real time rounded up to PAIR_WALL_ROUND seconds (ahead of the
 * real one, because libev arms a timerfd at an absolute wall time; and
 * the same in every run, so the floating-point sums of the timers
 * come out the same); both then advance together by exactly what the
 * test steps.  So a 5 s timer fires after 5 virtual seconds, in
 * microseconds of real time, the same way on a busy machine as on an
 * idle one.  libev fires a timer once the clock is past its deadline,
 * so at most one quantum late.
 *
 * Stepping.  pair_step(dt) moves the clock forward in quanta
 * (PAIR_QUANTUM) and after each lets every loop run without blocking
 * (EVRUN_NOWAIT) in rounds, until three rounds in a row found nothing
 * to do: no datagram, timer or wake-up pending anywhere.  A datagram one
 * daemon sends in a round is read by the other in the next (loopback
 * delivers it before sendto returns; before the last round the harness
 * yields the CPU, in case the kernel left that to its softirq thread),
 * so messages take no virtual time and nothing depends on how fast the
 * machine is.  pair_until(cond, max) steps until cond holds, at most
 * max virtual seconds.
 *
 * What a test may assert: state the daemons reached, read between
 * steps from their own structures -- the failover peer's machine
 * (state, counters, its transition history with virtual times), its
 * store and pools, the primary's control machine, replication stream
 * and store, and the replies the relay received.  Never a sleep: a
 * test waits with pair_until for a state, and may then check how much
 * virtual time it took.  A condition function returns a bool and does
 * not assert (it runs between rounds).
 */
#ifndef DHCPFO_PAIR_TESTUTIL_H
#define DHCPFO_PAIR_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm_history.h"
#include "lease.h"

struct ev_loop;
struct fod;
struct fod_peer;
struct lease_db;
struct server;

#define PAIR_MAX_SUBNETS	2
#define PAIR_MONO0		1000	/* CLOCK_MONOTONIC (s) at start */
#define PAIR_WALL_ROUND		100000000	/* s, about 3 years */
#define PAIR_QUANTUM		0.01	/* virtual seconds per step */
#define PAIR_RANGE_SIZE		100	/* addresses of a subnet's range */
/* Wall times near 2^31 s are doubles good to a few tenths of a
 * microsecond: compare them with this margin. */
#define PAIR_EPS		1e-3
/* How late n timers armed one after the other may fire in all (each at
 * most a quantum). */
#define PAIR_LATE(n)		((n) * PAIR_QUANTUM + PAIR_EPS)

/* Knobs of the two configuration files (pair_opts_default: those of
 * tests/tools/fo_lib.sh, detection within a second). */
struct pair_opts {
	unsigned	 nsubnets;		/* 1..PAIR_MAX_SUBNETS */
	/* failover.ini [failover] */
	bool		 sync_bindings;
	bool		 sync_fail_critical;
	double		 poll_delay, wait_poll_rpl;
	unsigned	 poll_retry_max;
	double		 wait_sync_start;
	unsigned	 sync_req_retry_max;
	/* both */
	double		 wait_sync_bind_ack;
	unsigned	 sync_bind_retry_max;
	/* primary.ini [failover] */
	double		 wait_ctl_ret;
	unsigned	 ctl_req_retry_max;
};

struct pair {
	struct pair_opts o;
	char		 dir[64];	/* the temporary directory */
	uint16_t	 dhcp_port, fo_port;
	uint32_t	 p_addr, f_addr;
	uint32_t	 giaddr[PAIR_MAX_SUBNETS];
	int		 relay_fd[PAIR_MAX_SUBNETS];
	unsigned	 f_starts;	/* failover state dir: f<n> */

	struct ev_loop	*p_loop;
	struct server	*srv;		/* NULL: not running */
	bool		 p_frozen;		/* its loop is not run */
	struct ev_loop	*f_loop;
	struct fod	*fod;		/* NULL: not running */

	/* Called around every run of the failover's loops (before: true),
	 * e.g. to make only its store fail (tests/tools/dbfault.c). */
	void		(*around_failover)(bool before);
	/* Called after every round of every step. */
	void		(*observe)(struct pair *, void *);
	void		*observe_arg;
};

/* The virtual clock: seconds stepped so far; wall time now. */
double		 pair_elapsed(void);
double		 pair_wall(void);

void		 pair_opts_default(struct pair_opts *);
/* Files, ports and the relay; no daemon yet.  Fails the test on error. */
void		 pair_setup(struct pair *, const struct pair_opts *);
/* Both daemons stopped, sockets closed, the directory removed. */
void		 pair_teardown(struct pair *);
/* The same on a pair of its own (o NULL: pair_opts_default), for a
 * test's setup and teardown; NULL when out of memory. */
struct pair	*pair_new(const struct pair_opts *);
void		 pair_free(struct pair *);

/* server_new on the primary's state directory (a restart keeps it). */
void		 pair_start_primary(struct pair *);
/* server_free: the process gone, nothing said to the failover. */
void		 pair_stop_primary(struct pair *);
/* A hung primary: its loop is no longer run (its sockets stay). */
void		 pair_freeze_primary(struct pair *);
/* fod_new and fod_peer_begin; fresh_store: a new, empty state
 * directory, else the one of the last start. */
void		 pair_start_failover(struct pair *, bool fresh_store);
/* fod_free: gone like the primary, without the stop a thread gets. */
void		 pair_stop_failover(struct pair *);
/* Both started (the failover on an empty store); fails the test unless
 * the failover monitors and the primary serves within 10 s. */
void		 pair_up(struct pair *);

void		 pair_step(struct pair *, double secs);
typedef bool	 pair_cond(struct pair *, void *);
/* Steps until cond holds (true) or max_secs passed (false). */
bool		 pair_until(struct pair *, pair_cond *, void *,
		    double max_secs);

/* The daemons' parts the tests look at. */
struct fod_peer	*pair_fpeer(const struct pair *);
int		 pair_fstate(const struct pair *);	/* fod_state */
int		 pair_pstate(const struct pair *);	/* pr_state */
bool		 pair_until_fstate(struct pair *, int state,
		    double max_secs);
/* The newest transition from -> to in h (NULL: none held). */
const struct fsm_transition *pair_transition(const struct fsm_history *,
		    unsigned from, unsigned to);
struct lease_db	*pair_pstore(const struct pair *);
struct lease_db	*pair_fstore(const struct pair *);
/* db holds addr BOUND to client id's hardware address (*out: the
 * record, may be NULL).  An open batch is read too: what only its
 * commit makes durable shows while lease_db_staged(db) > 0. */
bool		 pair_stored(struct lease_db *, uint32_t addr, unsigned id,
		    struct lease *out);

/* ---- the relay and its clients ---- */

#define PAIR_TO_PRIMARY		1u
#define PAIR_TO_FAILOVER	2u

struct pair_client {
	unsigned	 id;		/* hardware address 02:0:0:0:hi:lo */
	unsigned	 subnet;	/* its relay */
	uint32_t	 addr;		/* bound, 0: none */
	uint32_t	 server;	/* who ACKed it (option 54) */
	uint32_t	 xid;
};

struct pair_reply {
	uint32_t	 from;		/* source address */
	uint8_t		 type;		/* DHCPOFFER, DHCPACK, DHCPNAK */
	uint32_t	 yiaddr;
	uint32_t	 server;	/* option 54, 0 if absent */
};

void		 pair_client_init(struct pair_client *, unsigned id,
		    unsigned subnet);
/*
 * DISCOVER, then REQUEST for the first OFFER, through the relay to the
 * servers in `to`; the answer's type (DHCPACK, DHCPNAK) or 0 when none
 * came within max_secs.  On an ACK c->addr and c->server are set.
 */
uint8_t		 pair_dora(struct pair *, struct pair_client *, unsigned to,
		    double max_secs);
/*
 * Each of the n clients (initialised) bound through the relay (to both
 * servers), the primary answering every one; the highest sequence of
 * their records in the primary's store.  Fails the test otherwise.
 */
uint64_t	 pair_bind_at_primary(struct pair *, struct pair_client *,
		    size_t n);
/* Steps until the primary's replication watermark reaches seq. */
bool		 pair_until_acked(struct pair *, uint64_t seq,
		    double max_secs);
/* A REBINDING REQUEST (ciaddr = c->addr, RFC 2131 4.3.2) through the
 * relay: the answer's type, as pair_dora; *r the whole answer. */
uint8_t		 pair_rebind(struct pair *, struct pair_client *, unsigned to,
		    double max_secs, struct pair_reply *r);

#endif
