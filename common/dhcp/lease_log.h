/*
 * The lease log (docs/lease-log.md): one line per lease event, at level
 * info, in one stable key=value form, for both daemons -- the primary's
 * service and the failover's takeover serving call the same functions,
 * so a line reads the same whoever wrote it:
 *
 *	lease grant addr=198.51.100.10 hwaddr=00:11:22:33:44:55
 *	    client-id=01:00:11:22:33:44:55 hostname="pc1"
 *	    giaddr=198.51.100.1 circuit-id="eth0" remote-id=-
 *	    subnet=198.51.100.0/24 server=branch1 lease=3600
 *
 * (one line).  Every line has every key, in that order, `-` for what is
 * not known; grant and renew add lease=SECONDS, nak adds reason="...".
 * What a client or relay chose (hostname, circuit-id, remote-id) is
 * quoted and escaped (log_quote), so each value is one word whatever its
 * bytes.
 *
 * When a line is written:
 *	grant, renew	only once the ACK leaves: lease_log_ack() formats
 *			the line when the ACK is queued for the group
 *			commit (common/dhcp/gcommit.c) and keeps it with the
 *			batch; lease_log_batch_end() writes the batch's
 *			lines when its commit succeeded and forgets them
 *			when the batch was lost, as gcommit drops its ACKs;
 *	nak, release,	at once (lease_log_result): a NAK needs no commit,
 *	decline		and the release or decline is done in memory
 *			whatever becomes of the batch writing it;
 *	expire		by the expiry sweep (lease_log_expired), for a
 *			binding that ran out in a subnet this server serves.
 *
 * Rate: a token bucket of LeaseLogRate lines a second holding up to a
 * second's worth; a line finding it empty is counted, not written, and
 * the next line written (or the next tick with a token to spare) is
 * preceded by "lease log: N lines suppressed".  An ACK line takes its
 * token when it is formatted, so a suppressed line costs no formatting;
 * a lost batch gives its tokens back.
 *
 * Switched off (LeaseLog = no) every entry point returns on its first
 * test.  No allocation per line: the batch's lines share one buffer that
 * grows to the largest batch and stays.  Not thread-safe: one per loop
 * (the failover has one per primary, each with its own rate).
 */
#ifndef DHCPFO_LEASE_LOG_H
#define DHCPFO_LEASE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhcp_codec.h"
#include "engine.h"
#include "lease.h"
#include "pool.h"

enum lease_log_kind {
	LEASE_LOG_GRANT = 0,	/* a new binding ACKed */
	LEASE_LOG_RENEW,	/* the client's live binding extended */
	LEASE_LOG_RELEASE,
	LEASE_LOG_DECLINE,
	LEASE_LOG_EXPIRE,	/* a binding ran out (expiry sweep) */
	LEASE_LOG_NAK,
	LEASE_LOG_KIND_COUNT
};

const char	*lease_log_kind_name(enum lease_log_kind);

/* Longest line (values are cut to LEASE_LOG_VALUE_MAX bytes first). */
#define LEASE_LOG_LINE_MAX	2048
/* Bytes of a hostname, circuit-id, remote-id or client-id logged. */
#define LEASE_LOG_VALUE_MAX	64
/* server=: a primary's Name, or "failover:FAILOVER/PRIMARY". */
#define LEASE_LOG_SERVER_MAX	(2 * CFG_NAME_MAX + 16)

/* One event as the formatter sees it. */
struct lease_log_event {
	enum lease_log_kind kind;
	uint32_t	 addr;		/* the lease's (nak: the one asked
					 * for); 0: none */
	const struct dhcp_msg *req;	/* the request, or NULL (expire) */
	const struct lease *lease;	/* the record as changed, or NULL */
	const struct cfg_subnet *subnet; /* NULL: none */
	uint32_t	 lease_secs;	/* grant, renew; 0: unknown */
	const uint8_t	*reason;	/* nak: the reply's option 56 */
	size_t		 reason_len;
};

/*
 * The line of ev, written by server `server`, into out (NUL-terminated,
 * cut to outlen).  Returns its length.  Fields come from the request
 * where it has them, else from the lease record.
 */
size_t	lease_log_format(const struct lease_log_event *ev, const char *server,
	    char *out, size_t outlen);

struct lease_log_stats {
	uint64_t	 lines;		/* lease lines written */
	uint64_t	 suppressed;	/* not written: over the rate */
};

/* Where lines go: log_info() unless a test says otherwise. */
typedef void	lease_log_emit_cb(void *arg, const char *line);

struct lease_log {
	bool		 on;		/* LeaseLog */
	unsigned	 rate;		/* LeaseLogRate; 0: no limit */
	double		 tokens;	/* the bucket: at most `rate` */
	double		 filled;	/* when it was last topped up */
	uint64_t	 held_back;	/* suppressed since the last summary */
	double		 summarised;	/* when the last summary was written
					 * (0: never) */
	char		 server[LEASE_LOG_SERVER_MAX];
	lease_log_emit_cb *emit;
	void		*emit_arg;
	/* The open batch's ACK lines, NUL-separated. */
	char		*batch;
	size_t		 batch_len, batch_cap;
	size_t		 batch_lines;
	uint64_t	 batch_suppressed;
	char		 line[LEASE_LOG_LINE_MAX];	/* scratch */
	struct lease_log_stats stats;
};

/* Off until lease_log_set().  emit NULL: log_info(). */
void	lease_log_init(struct lease_log *, const char *server,
	    lease_log_emit_cb *emit, void *emit_arg);
/* LeaseLog and LeaseLogRate, at start and at each reload: a new rate
 * starts with a full bucket. */
void	lease_log_set(struct lease_log *, bool on, unsigned rate);
void	lease_log_free(struct lease_log *);

/*
 * The engine's decision `res` on request `req` at `now` (seconds):
 * logs a NAK, a RELEASE or a DECLINE; anything else is left to
 * lease_log_ack (through gcommit) or not logged.
 */
void	lease_log_result(struct lease_log *, double now,
	    const struct dhcp_msg *req, const struct engine_result *res);
/* An ACK queued for the open batch (gcommit_queue): its line waits. */
void	lease_log_ack(struct lease_log *, double now,
	    const struct dhcp_msg *req, const struct engine_result *res);
/* The open batch ended: its lines are written (committed) or dropped. */
void	lease_log_batch_end(struct lease_log *, bool committed);
/* The expiry sweep changed l in pool p. */
void	lease_log_expired(struct lease_log *, double now, const struct pool *p,
	    const struct lease *l);
/* Once a tick: the summary of the lines held back since the last one, at
 * most once a second. */
void	lease_log_tick(struct lease_log *, double now);

#endif
