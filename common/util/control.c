/*
 * Control socket: a non-blocking AF_UNIX stream server on the daemon's
 * libev loop.  Each connection reads one line, runs the handler, writes
 * the answer as the socket drains, then closes.  The answer is either
 * made at once (possibly megabytes for `leases`) or piece by piece as
 * the client takes it (an export of every binding: the daemon never
 * holds more than a piece); a command may also read a body of lines
 * first (an import).  A connection that stays silent is dropped after a timeout
 * so a stuck client cannot hold resources, and every connection has an
 * absolute deadline so one that trickles a byte at a time cannot either.
 * Only root, the daemon's user and the socket's group are served; the
 * number of connections is capped; and when the process runs out of
 * descriptors the server sheds the pending connection and pauses
 * accepting rather than spinning on a listening socket it cannot serve.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctl_peer.h"
#include "log.h"

#define CTL_IDLE_SECS	10.0
#define CTL_IN_BUF	65536	/* a body arrives in reads this large */
#define CTL_FD_PAUSE	0.1	/* accepting rests this long at EMFILE */
#define CTL_SHED_BATCH	64	/* pending connections closed per pause */
#define CTL_LOG_EVERY	60.0	/* seconds between two lines of a kind */

struct ctl_server {
	struct ev_loop	*loop;
	ev_io		 accept_w;
	int		 fd;
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler	*handler;
	void		*arg;
	struct ctl_call	*conns;		/* open connections, freed at close */
	unsigned	 nconns;
	gid_t		 gid;		/* the group that may connect */
	bool		 read_only;
	char		 admin[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned	 max_conns;
	double		 deadline, stream_deadline;
	int		 reserve;	/* /dev/null, given up at EMFILE */
	ev_timer	 pause_w;	/* accepting resumes */
	struct log_ratelimit refused_rl, fd_rl;
	struct ctl_stats stats;
};

/* Where a connection is: reading its command, its body, or answering. */
enum ctl_phase { CTL_READ_CMD, CTL_READ_BODY, CTL_ANSWER };

/* One connection, which carries one command (the handlers' ctl_call). */
struct ctl_call {
	struct ctl_server *srv;
	struct ctl_call	*next, **prevp;
	ev_io		 io;
	ev_timer	 idle;
	ev_timer	 deadline;	/* absolute, however busy the client */
	int		 fd;
	enum ctl_phase	 phase;
	bool		 skipping;	/* rest of an overlong body line */
	size_t		 inlen;
	char		 in[CTL_IN_BUF];
	struct strbuf	 out;
	size_t		 outoff;
	/* A streamed answer (ctl_call_stream, ctl_call_body). */
	ctl_line_fn	*line;
	ctl_fill_fn	*fill;		/* NULL: out is the whole answer */
	ctl_free_fn	*free_job;
	void		*job;
	bool		 status_sent;
	bool		 waiting;	/* fill said CTL_WAIT */
};

static void
conn_free(struct ctl_call *c)
{
	ev_io_stop(c->srv->loop, &c->io);
	ev_timer_stop(c->srv->loop, &c->idle);
	ev_timer_stop(c->srv->loop, &c->deadline);
	if (c->next != NULL)
		c->next->prevp = c->prevp;
	*c->prevp = c->next;
	c->srv->nconns--;
	close(c->fd);
	sb_free(&c->out);
	if (c->free_job != NULL)
		c->free_job(c->job);
	free(c);
}

static void
conn_watch(struct ctl_call *c, int events)
{
	ev_io_stop(c->srv->loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	ev_io_start(c->srv->loop, &c->io);
}

/* Stop reading; answer (from out, then from fill if there is one). */
static void
conn_answer(struct ctl_call *c)
{
	c->phase = CTL_ANSWER;
	conn_watch(c, EV_WRITE);
}

/*
 * Whether the command may run on this socket; a change is refused on the
 * read-only socket and otherwise logged, here once for every handler.
 */
static int
conn_admit(struct ctl_call *c, int argc, char **argv, bool json,
    struct strbuf *out)
{
	char	 who[64], cmd[CTL_MAX_LINE];

	if (argc == 0)
		return ctl_error(out, json, "empty command");
	if (!ctl_cmd_changes(argv[0]))
		return 0;
	if (c->srv->read_only)
		return ctl_error(out, json, "%s changes state: this socket is "
		    "read-only; use %s", argv[0], c->srv->admin);
	ctl_call_who(c, who, sizeof(who));
	ctl_join(argc, argv, cmd, sizeof(cmd));
	log_info("control: %s: %s", who, cmd);
	return 0;
}

static void
conn_run(struct ctl_call *c, char *line)
{
	char	*argv[CTL_MAX_ARGS];
	int	 argc, rc;
	bool	 json;
	struct strbuf body;

	argc = ctl_split(line, argv, &json);
	sb_init(&body);
	if ((rc = conn_admit(c, argc, argv, json, &body)) == 0)
		rc = c->srv->handler(c->srv->arg, c, argc, argv, json, &body);
	if (rc == CTL_TAKEN) {
		sb_free(&body);
		/* A stream may take longer than a one-line answer. */
		ev_timer_stop(c->srv->loop, &c->deadline);
		ev_timer_set(&c->deadline, c->srv->stream_deadline, 0.);
		ev_timer_start(c->srv->loop, &c->deadline);
		if (c->phase == CTL_READ_CMD)
			conn_answer(c);		/* streamed, no body */
		return;
	}
	sb_puts(&c->out, rc == 0 ? "ok\n" : "error\n");
	sb_append(&c->out, body.buf ? body.buf : "", body.len);
	sb_free(&body);
	if (c->out.failed) {
		sb_reset(&c->out);
		sb_puts(&c->out, "error\nout of memory\n");
	}
	conn_answer(c);
}

/* One complete line of input (NUL-terminated, no newline). */
static void
conn_line(struct ctl_call *c, char *line)
{
	if (c->phase == CTL_READ_CMD) {
		if (strlen(line) >= CTL_MAX_LINE) {
			sb_puts(&c->out, "error\ncommand line too long\n");
			conn_answer(c);
		} else
			conn_run(c, line);
	} else if (c->phase == CTL_READ_BODY) {
		if (strcmp(line, ".") == 0 ||
		    c->line(c->job, strlen(line) < CTL_MAX_LINE ? line :
		    NULL) != 0)
			conn_answer(c);
	}
}

/* Take the complete lines in the input; keep a partial one. */
static void
conn_lines(struct ctl_call *c)
{
	char	*p = c->in, *nl;

	while (c->phase != CTL_ANSWER &&
	    (nl = memchr(p, '\n', c->inlen - (size_t)(p - c->in))) != NULL) {
		*nl = '\0';
		if (c->skipping)
			c->skipping = false;
		else
			conn_line(c, p);
		p = nl + 1;
	}
	c->inlen -= (size_t)(p - c->in);
	memmove(c->in, p, c->inlen);
	if (c->phase == CTL_ANSWER || c->inlen < sizeof(c->in) - 1)
		return;
	/* A line longer than the whole buffer. */
	c->inlen = 0;
	if (c->phase == CTL_READ_CMD) {
		sb_puts(&c->out, "error\ncommand line too long\n");
		conn_answer(c);
	} else if (!c->skipping) {
		c->skipping = true;
		if (c->line(c->job, NULL) != 0)
			conn_answer(c);
	}
}

static void
conn_read(struct ctl_call *c)
{
	ssize_t	 n;

	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->inlen += (size_t)n;
	conn_lines(c);
}

/* The next piece of a streamed answer, with the status line first. */
static void
conn_fill(struct ctl_call *c)
{
	struct strbuf piece;
	int	 rc;

	sb_init(&piece);
	rc = c->fill(c->job, &piece);
	if (piece.failed) {
		sb_reset(&piece);
		sb_puts(&piece, "out of memory\n");
		rc = -1;
	}
	if (!c->status_sent && (piece.len > 0 || rc <= 0)) {
		sb_puts(&c->out, rc < 0 ? "error\n" : "ok\n");
		c->status_sent = true;
	}
	sb_append(&c->out, piece.buf ? piece.buf : "", piece.len);
	sb_free(&piece);
	if (rc <= 0)
		c->fill = NULL;			/* done */
	else if (rc == CTL_WAIT && c->out.len == 0) {
		c->waiting = true;
		ev_io_stop(c->srv->loop, &c->io);
		ev_timer_stop(c->srv->loop, &c->idle);
	}
}

static void
conn_write(struct ctl_call *c)
{
	ssize_t	 n;

	if (c->outoff == c->out.len) {
		sb_reset(&c->out);
		c->outoff = 0;
		if (c->fill == NULL) {
			conn_free(c);
			return;
		}
		conn_fill(c);
		if (c->out.len == 0)
			return;
	}
	n = write(c->fd, c->out.buf + c->outoff, c->out.len - c->outoff);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->outoff += (size_t)n;
}

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_call *c = w->data;

	(void)revents;
	ev_timer_again(loop, &c->idle);
	if (c->phase == CTL_ANSWER)
		conn_write(c);
	else
		conn_read(c);
}

void
ctl_call_stream(struct ctl_call *c, ctl_fill_fn *fill, ctl_free_fn *free_job,
    void *job)
{
	c->fill = fill;
	c->free_job = free_job;
	c->job = job;
}

void
ctl_call_body(struct ctl_call *c, ctl_line_fn *line, ctl_fill_fn *end,
    ctl_free_fn *free_job, void *job)
{
	ctl_call_stream(c, end, free_job, job);
	c->line = line;
	c->phase = CTL_READ_BODY;
}

void
ctl_call_wake(struct ctl_call *c)
{
	if (!c->waiting)
		return;
	c->waiting = false;
	ev_io_start(c->srv->loop, &c->io);
	ev_timer_again(c->srv->loop, &c->idle);
}

void
ctl_call_who(const struct ctl_call *c, char *buf, size_t len)
{
	struct ucred cr;
	socklen_t crlen = sizeof(cr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0)
		snprintf(buf, len, "uid %u pid %d", (unsigned)cr.uid,
		    (int)cr.pid);
	else
		snprintf(buf, len, "unknown caller");
}

static void
conn_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	conn_free(w->data);
}

static void
conn_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_call *c = w->data;

	(void)loop;
	(void)revents;
	c->srv->stats.deadline++;
	conn_free(c);
}

/* " (and N more)" for a rate-limited line, or "" if none were held. */
static const char *
more_text(uint64_t more, char *buf, size_t len)
{
	if (more == 0)
		return "";
	snprintf(buf, len, " (and %llu more)", (unsigned long long)more);
	return buf;
}

/* A connection turned away: one error line (if it fits) and close. */
static void
conn_refuse(int fd, const char *why)
{
	char	 msg[256];
	int	 n = snprintf(msg, sizeof(msg), "error\n%s\n", why);

	(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

/* Whether the peer on fd may use this socket (refused and counted). */
static bool
accept_peer(struct ctl_server *srv, int fd)
{
	char	 why[128];
	uint64_t more;
	uid_t	 uid;
	pid_t	 pid;

	if (ctl_peer_allowed(fd, srv->gid, &uid, &pid))
		return true;
	srv->stats.refused_peers++;
	snprintf(why, sizeof(why), "uid %d may not use this control socket",
	    (int)uid);
	conn_refuse(fd, why);
	if (log_ratelimit_ok(&srv->refused_rl, ev_now(srv->loop),
	    CTL_LOG_EVERY, &more))
		log_warn("control: %s: refused uid %d pid %d: not root, the "
		    "daemon's user or in the socket's group%s", srv->path,
		    (int)uid, (int)pid, more_text(more, why, sizeof(why)));
	return false;
}

static void
conn_new(struct ctl_server *srv, int fd)
{
	struct ctl_call *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->next = srv->conns;
	if (c->next != NULL)
		c->next->prevp = &c->next;
	c->prevp = &srv->conns;
	srv->conns = c;
	srv->nconns++;
	sb_init(&c->out);
	ev_io_init(&c->io, conn_cb, fd, EV_READ);
	c->io.data = c;
	ev_timer_init(&c->idle, conn_idle_cb, 0., CTL_IDLE_SECS);
	c->idle.data = c;
	ev_timer_init(&c->deadline, conn_deadline_cb, srv->deadline, 0.);
	c->deadline.data = c;
	ev_io_start(srv->loop, &c->io);
	ev_timer_again(srv->loop, &c->idle);
	ev_timer_start(srv->loop, &c->deadline);
}

static void
accept_resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_server *srv = w->data;

	(void)revents;
	if (srv->reserve < 0)
		srv->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ev_io_start(loop, &srv->accept_w);
}

/*
 * Out of descriptors: the pending connections would make the listening
 * socket readable forever.  The reserve descriptor makes room to take
 * them and close them; then accepting rests a moment, so the loop serves
 * DHCP instead of spinning, and one line says so now and then.
 */
static void
accept_shed(struct ctl_server *srv, int err)
{
	uint64_t more;
	char	 buf[64];
	int	 fd;

	if (srv->reserve >= 0) {
		close(srv->reserve);
		srv->reserve = -1;
	}
	/* The backlog too, a bounded batch: its clients would otherwise
	 * wait a pause each. */
	for (int n = 0; n < CTL_SHED_BATCH &&
	    (fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0; n++)
		close(fd);
	srv->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->stats.fd_pauses++;
	if (log_ratelimit_ok(&srv->fd_rl, ev_now(srv->loop), CTL_LOG_EVERY,
	    &more))
		log_warn("control: %s: accept: %s; connections are dropped "
		    "until descriptors free up%s", srv->path, strerror(err),
		    more_text(more, buf, sizeof(buf)));
	ev_io_stop(srv->loop, &srv->accept_w);
	ev_timer_set(&srv->pause_w, CTL_FD_PAUSE, 0.);
	ev_timer_start(srv->loop, &srv->pause_w);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_server *srv = w->data;
	int	 fd;

	(void)loop;
	(void)revents;
	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			accept_shed(srv, errno);
		else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control: accept: %s", strerror(errno));
		return;
	}
	if (!accept_peer(srv, fd))
		return;
	if (srv->nconns >= srv->max_conns) {
		srv->stats.busy++;
		conn_refuse(fd, "too many control connections; try again");
		return;
	}
	conn_new(srv, fd);
}

/*
 * A socket file left by a crashed daemon is removed; one that still answers
 * belongs to a running daemon and is an error (two daemons on one socket
 * would confuse every operator command).
 */
static int
ctl_claim_path(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int	 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		snprintf(err, errlen, "control socket %s is in use by a "
		    "running daemon", path);
		return -1;
	}
	close(fd);
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "control socket %s: cannot remove stale "
		    "file: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl_server *
ctl_open(struct ev_loop *loop, const char *path, ctl_handler *handler,
    void *arg, char *err, size_t errlen)
{
	struct ctl_server *srv;
	struct sockaddr_un sun;
	mode_t	 old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return NULL;
	}
	if (ctl_claim_path(path, err, errlen) < 0)
		return NULL;
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->loop = loop;
	srv->handler = handler;
	srv->arg = arg;
	srv->gid = getegid();
	srv->max_conns = CTL_MAX_CONNS;
	srv->deadline = CTL_DEADLINE;
	srv->stream_deadline = CTL_STREAM_DEADLINE;
	srv->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	snprintf(srv->path, sizeof(srv->path), "%s", path);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (srv->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		free(srv);
		return NULL;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	old = umask(0117);	/* 0660: owner and group only */
	if (bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(srv->fd, 16) < 0) {
		umask(old);
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		close(srv->fd);
		if (srv->reserve >= 0)
			close(srv->reserve);
		free(srv);
		return NULL;
	}
	umask(old);
	ev_io_init(&srv->accept_w, accept_cb, srv->fd, EV_READ);
	srv->accept_w.data = srv;
	ev_init(&srv->pause_w, accept_resume_cb);
	srv->pause_w.data = srv;
	ev_io_start(loop, &srv->accept_w);
	return srv;
}

int
ctl_set_group(struct ctl_server *srv, gid_t gid, const char *group,
    char *err, size_t errlen)
{
	if (chown(srv->path, (uid_t)-1, gid) < 0) {
		snprintf(err, errlen, "control socket %s: cannot give it to "
		    "group %s: %s%s", srv->path, group, strerror(errno),
		    errno == EPERM ? " (the daemon's user must be a member)" :
		    "");
		return -1;
	}
	srv->gid = gid;
	return 0;
}

void
ctl_set_read_only(struct ctl_server *srv, const char *admin_path)
{
	srv->read_only = true;
	snprintf(srv->admin, sizeof(srv->admin), "%s", admin_path);
}

void
ctl_set_limits(struct ctl_server *srv, unsigned max_conns, double deadline,
    double stream_deadline)
{
	srv->max_conns = max_conns;
	srv->deadline = deadline;
	srv->stream_deadline = stream_deadline;
}

void
ctl_stats_add(const struct ctl_server *srv, struct ctl_stats *st)
{
	if (srv == NULL)
		return;
	st->refused_peers += srv->stats.refused_peers;
	st->busy += srv->stats.busy;
	st->deadline += srv->stats.deadline;
	st->fd_pauses += srv->stats.fd_pauses;
}

void
ctl_close(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		conn_free(srv->conns);
	ev_io_stop(srv->loop, &srv->accept_w);
	ev_timer_stop(srv->loop, &srv->pause_w);
	if (srv->reserve >= 0)
		close(srv->reserve);
	close(srv->fd);
	unlink(srv->path);
	free(srv);
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connected stream socket to the daemon at path, or -1 (err filled). */
static int
ctl_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int	 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s (%s)", path,
		    strerror(errno), errno == EACCES ? "only the socket's "
		    "group may connect: [server] ControlSocketGroup, "
		    "dhcpfo where installed" : "is the daemon running?");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct ctl_client {
	int		 fd;
	const char	*path;
	double		 timeout;
	bool		 idle;		/* timeout: each silence, not the call */
	double		 deadline;
	bool		 broken;	/* the daemon stopped reading */
	int		 status;	/* -1 until read, 0 ok, 1 error */
	size_t		 wlen;
	char		 wbuf[65536];
};

/* Wait until fd can do events: 1, 0 on timeout, -1 on error. */
static int
client_wait(struct ctl_client *c, short events)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	double	 left = c->idle ? c->timeout : c->deadline - mono_now();
	int	 n;

	do {
		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : n > 0;
}

static int
client_write(struct ctl_client *c, const char *data, size_t len, char *err,
    size_t errlen)
{
	while (len > 0) {
		ssize_t	 n;
		int	 w = client_wait(c, POLLOUT);

		if (w <= 0) {
			snprintf(err, errlen, "%s stopped reading for %.1f s",
			    c->path, c->timeout);
			return -1;
		}
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "write to %s: %s", c->path,
			    strerror(errno));
			c->broken = true;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
client_flush(struct ctl_client *c, char *err, size_t errlen)
{
	int	 rc = c->broken ? -1 : client_write(c, c->wbuf, c->wlen, err,
	    errlen);

	c->wlen = 0;
	return rc;
}

struct ctl_client *
ctl_client_open(const char *path, const char *line, double timeout_secs,
    bool idle, char *err, size_t errlen)
{
	struct ctl_client *c;
	int	 fd;

	if ((fd = ctl_connect(path, err, errlen)) < 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->path = path;
	c->timeout = timeout_secs;
	c->idle = idle;
	c->deadline = mono_now() + timeout_secs;
	c->status = -1;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    ctl_client_send(c, line, err, errlen) < 0) {
		ctl_client_close(c);
		return NULL;
	}
	return c;
}

int
ctl_client_send(struct ctl_client *c, const char *line, char *err,
    size_t errlen)
{
	size_t	 len = strcspn(line, "\n");

	if (c->broken) {
		snprintf(err, errlen, "%s closed the connection", c->path);
		return -1;
	}
	if (len + 1 > sizeof(c->wbuf) - c->wlen &&
	    client_flush(c, err, errlen) < 0)
		return -1;
	if (len + 1 > sizeof(c->wbuf) - c->wlen)
		return client_write(c, line, len, err, errlen) < 0 ? -1 :
		    client_write(c, "\n", 1, err, errlen);
	memcpy(c->wbuf + c->wlen, line, len);
	c->wbuf[c->wlen + len] = '\n';
	c->wlen += len + 1;
	return 0;
}

/* The status line (up to 15 bytes of it), then the body to fn. */
struct client_status {
	size_t	 len;
	char	 line[16];
};

static int
client_feed(struct ctl_client *c, struct client_status *st, const char *buf,
    size_t n, ctl_body_fn *fn, void *arg)
{
	while (c->status < 0 && n > 0) {
		if (*buf == '\n') {
			st->line[st->len] = '\0';
			c->status = strcmp(st->line, "ok") == 0 ? 0 : 1;
		} else if (st->len < sizeof(st->line) - 1)
			st->line[st->len++] = *buf;
		buf++;
		n--;
	}
	return n > 0 ? fn(arg, buf, n) : 0;
}

int
ctl_client_answer(struct ctl_client *c, ctl_body_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct client_status st = { 0 };
	char	 buf[65536];
	ssize_t	 n;
	int	 w;

	/* A daemon that stopped reading may still have answered why. */
	(void)client_flush(c, err, errlen);
	for (;;) {
		if ((w = client_wait(c, POLLIN)) <= 0) {
			snprintf(err, errlen, "no answer from %s within %.1f s",
			    c->path, c->timeout);
			return -1;
		}
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* A daemon that answered before reading all we sent closes
		 * with our lines unread, which ends its answer with a reset
		 * rather than an end of file. */
		if (n < 0 && errno == ECONNRESET && c->status >= 0)
			break;
		if (n < 0) {
			snprintf(err, errlen, "read from %s: %s", c->path,
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if (client_feed(c, &st, buf, (size_t)n, fn, arg) != 0) {
			snprintf(err, errlen, "answer from %s not taken",
			    c->path);
			return -1;
		}
	}
	if (c->status < 0) {
		snprintf(err, errlen, "malformed answer from %s", c->path);
		return -1;
	}
	return c->status;
}

int
ctl_client_status(const struct ctl_client *c)
{
	return c->status;
}

void
ctl_client_close(struct ctl_client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c);
}

static int
append_body(void *arg, const char *data, size_t len)
{
	sb_append(arg, data, len);
	return 0;
}

int
ctl_request(const char *path, const char *line, struct strbuf *answer,
    double timeout_secs, char *err, size_t errlen)
{
	struct ctl_client *c;
	int	 rc;

	sb_reset(answer);
	sb_puts(answer, "");
	if ((c = ctl_client_open(path, line, timeout_secs, false, err,
	    errlen)) == NULL)
		return -1;
	rc = ctl_client_answer(c, append_body, answer, err, errlen);
	ctl_client_close(c);
	return rc;
}

int
ctl_error(struct strbuf *out, bool json, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json) {
		sb_puts(out, "{\"error\":");
		sb_json_str(out, msg);
		sb_puts(out, "}\n");
	} else
		sb_printf(out, "%s\n", msg);
	return -1;
}

void
ctl_reload_answer(struct strbuf *out, bool json, int rc,
    const struct strbuf *why, const char *failed)
{
	if (json) {
		sb_printf(out, "{\"reloaded\":%s,\"messages\":",
		    rc == 0 ? "true" : "false");
		sb_json_str(out, why->buf ? why->buf : "");
		sb_puts(out, "}\n");
		return;
	}
	sb_puts(out, rc == 0 ? "configuration reloaded\n" : failed);
	if (why->len)
		sb_append(out, why->buf, why->len);
}
