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
 * Client side (dhcpfoctl, tests): send one command line and collect the
 * answer.  Returns 0 if the daemon answered ok, 1 if it answered error,
 * -1 if it could not be reached (err filled).
 */
/*
 * The answer to `reload`, the same shape in both daemons: rc (0 or -1)
 * and the loader's messages; `failed` is the text line for rc != 0.
 */
void		 ctl_reload_answer(struct strbuf *out, bool json, int rc,
		    const struct strbuf *why, const char *failed);

int		 ctl_request(const char *path, const char *line,
		    struct strbuf *answer, double timeout_secs, char *err,
		    size_t errlen);

#endif
