/*
 * Local control socket shared by both daemons.
 *
 * A client writes one line "COMMAND [ARGS...] [--json]"; the daemon answers
 * "ok\n" or "error\n" followed by the body, then closes.  The handler runs
 * on the loop's thread, so it may read daemon state without locks.
 */
#ifndef DHCPFO_CONTROL_H
#define DHCPFO_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctl_cmdline.h"
#include "strbuf.h"

struct ev_loop;
struct ctl_server;
struct ctl_call;

#define CTL_MAX_LINE	1024

/*
 * Fill out; return 0 for success, -1 to answer "error", or CTL_TAKEN
 * after handing the call to ctl_call_stream() or ctl_call_body() (out is
 * then ignored).
 */
#define CTL_TAKEN	1
typedef int	ctl_handler(void *arg, struct ctl_call *call, int argc,
		    char **argv, bool json, struct strbuf *out);

/*
 * A long answer, made piece by piece on the loop while the daemon goes
 * on serving: fill appends the next piece to out and returns CTL_MORE
 * (call again once the client has taken it), CTL_WAIT (nothing to add
 * until ctl_call_wake()), 0 (done) or -1 (failed: out holds why).  The
 * status line is "ok" unless fill fails before anything was sent; a
 * failure after that ends the answer early, which the command's own
 * format must make visible (an export's closing line, say).  A piece
 * should be bounded work: the loop serves DHCP between two pieces.
 * free_job runs once when the call ends, also when the client went away
 * first.  While fill waits, the connection's idle timeout is suspended.
 */
#define CTL_MORE	1
#define CTL_WAIT	2
typedef int	ctl_fill_fn(void *job, struct strbuf *out);
typedef void	ctl_free_fn(void *job);
void		 ctl_call_stream(struct ctl_call *, ctl_fill_fn *fill,
		    ctl_free_fn *free_job, void *job);
/* From the loop's thread: a waiting fill has something again. */
void		 ctl_call_wake(struct ctl_call *);
/*
 * A command with a body: the lines the client sends after the command,
 * up to one that is just ".", each passed to line (without its newline,
 * at most CTL_MAX_LINE - 1 bytes; a longer one is passed as NULL, for
 * line to report).  line returns 0 to go on or -1 to stop reading.
 * Then the answer is streamed by `end` as by ctl_call_stream().
 */
typedef int	ctl_line_fn(void *job, char *line);
void		 ctl_call_body(struct ctl_call *, ctl_line_fn *line,
		    ctl_fill_fn *end, ctl_free_fn *free_job, void *job);
/* An error answer: {"error":"..."} or the text line; returns -1. */
int		 ctl_error(struct strbuf *out, bool json, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Who is on the other end (SO_PEERCRED): "uid U pid P", for the audit
 * line of a command that changes something, which the server writes
 * itself before the handler runs (ctl_cmd_changes()). */
void		 ctl_call_who(const struct ctl_call *, char *buf, size_t len);

struct ctl_server *ctl_open(struct ev_loop *, const char *path,
		    ctl_handler *, void *arg, char *err, size_t errlen);
/* [server] ControlSocketGroup: the socket (mode 0660) goes to gid (named
 * `group` in messages), so its members may use dhcpfoctl. */
int		 ctl_set_group(struct ctl_server *, gid_t gid,
		    const char *group, char *err, size_t errlen);
/*
 * Only commands that change nothing (ctl_cmd_changes()) run here; the
 * others are answered with an error naming admin_path, the socket that
 * takes them.
 */
void		 ctl_set_read_only(struct ctl_server *, const char *admin_path);
/*
 * How many connections may be open at once (a further one is answered
 * with an error and closed) and how long one may live at most: deadline
 * seconds, or stream_deadline once its command streams a body or an
 * answer (import, export).  ctl_open sets CTL_MAX_CONNS, CTL_DEADLINE
 * and CTL_STREAM_DEADLINE; tests shorten them.
 */
#define CTL_MAX_CONNS		16
#define CTL_DEADLINE		30.0
#define CTL_STREAM_DEADLINE	1800.0
void		 ctl_set_limits(struct ctl_server *, unsigned max_conns,
		    double deadline, double stream_deadline);
/* Connections turned away or cut short, for `status` and metrics. */
struct ctl_stats {
	uint64_t	 refused_peers;	/* not root, us or the group */
	uint64_t	 busy;		/* beyond max_conns */
	uint64_t	 deadline;	/* closed at their deadline */
	uint64_t	 fd_pauses;	/* accepting paused: no descriptors */
};
/* Adds srv's counts to *st (srv may be NULL: nothing). */
void		 ctl_stats_add(const struct ctl_server *, struct ctl_stats *);
void		 ctl_close(struct ctl_server *);

/*
 * The answer to `reload`, the same shape in both daemons: rc (0 or -1)
 * and the loader's messages; `failed` is the text line for rc != 0.
 */
void		 ctl_reload_answer(struct strbuf *out, bool json, int rc,
		    const struct strbuf *why, const char *failed);

/*
 * Client side (dhcpfoctl, tests): send one command line and collect the
 * answer's body.  Returns 0 if the daemon answered ok, 1 if it answered
 * error, -1 if it could not be reached or did not answer within
 * timeout_secs (err filled).
 */
int		 ctl_request(const char *path, const char *line,
		    struct strbuf *answer, double timeout_secs, char *err,
		    size_t errlen);

/*
 * The same, in steps, for a command that sends a body after its line
 * (import) or whose answer is too large to hold (export).  Body lines
 * are written as the socket takes them, never gathered whole; the
 * answer's body goes to fn as it arrives.  With `idle`, timeout_secs
 * limits each silence rather than the whole call.
 */
struct ctl_client;
/* Body bytes as they arrive; nonzero stops reading. */
typedef int	 ctl_body_fn(void *arg, const char *data, size_t len);

struct ctl_client	*ctl_client_open(const char *path, const char *line,
		    double timeout_secs, bool idle, char *err, size_t errlen);
/* One line (up to its first newline; the newline is added).  -1 when
 * the daemon stopped reading (ctl_client_answer may still say why). */
int		 ctl_client_send(struct ctl_client *, const char *line,
		    char *err, size_t errlen);
/* Send what is pending, then read the answer: 0 ok, 1 error, -1. */
int		 ctl_client_answer(struct ctl_client *, ctl_body_fn *fn,
		    void *arg, char *err, size_t errlen);
/* What the answer's status line said, for fn: 0 ok, 1 error (-1 before
 * it was read). */
int		 ctl_client_status(const struct ctl_client *);
void		 ctl_client_close(struct ctl_client *);

#endif
