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

#include "strbuf.h"

struct ev_loop;
struct ctl_server;

#define CTL_MAX_ARGS	16
#define CTL_MAX_LINE	1024

/* Fill out; return 0 for success, -1 to answer "error". */
typedef int	ctl_handler(void *arg, int argc, char **argv, bool json,
		    struct strbuf *out);

struct ctl_server *ctl_open(struct ev_loop *, const char *path,
		    ctl_handler *, void *arg, char *err, size_t errlen);
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
int		 ctl_client_send(struct ctl_client *, const char *line, char *err,
		    size_t errlen);
/* Send what is pending, then read the answer: 0 ok, 1 error, -1. */
int		 ctl_client_answer(struct ctl_client *, ctl_body_fn *fn, void *arg,
		    char *err, size_t errlen);
/* What the answer's status line said, for fn: 0 ok, 1 error (-1 before
 * it was read). */
int		 ctl_client_status(const struct ctl_client *);
void		 ctl_client_close(struct ctl_client *);

#endif
