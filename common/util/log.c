/*
 * Logging: stderr in the foreground, syslog otherwise.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool	log_to_stderr = true;
static bool	log_debug_on;
static const char *log_ident = "dhcpfo";

void
log_init(const char *ident, bool foreground, bool debug)
{
	log_to_stderr = foreground;
	log_debug_on = debug;
	log_ident = ident;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_facility(const char *name)
{
	static const struct { const char *name; int fac; } facs[] = {
		{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};

	if (log_to_stderr)
		return;
	for (size_t i = 0; i < sizeof(facs) / sizeof(facs[0]); i++)
		if (strcmp(name, facs[i].name) == 0) {
			closelog();
			openlog(log_ident, LOG_PID | LOG_NDELAY, facs[i].fac);
			return;
		}
}

void
log_set_debug(bool debug)
{
	log_debug_on = debug;
}

static void vlog(int, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vlog(int pri, const char *fmt, va_list ap)
{
	static const char *const tag[] = {
		[LOG_ERR] = "error", [LOG_WARNING] = "warning",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_to_stderr) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %s: %s\n", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
		    tag[pri] ? tag[pri] : "log", msg);
	} else
		syslog(pri, "%s", msg);
}

#define LOG_FN(name, pri)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	int saved = errno;				\
							\
	va_start(ap, fmt);				\
	vlog(pri, fmt, ap);				\
	va_end(ap);					\
	errno = saved;					\
}

LOG_FN(log_err, LOG_ERR)
LOG_FN(log_warn, LOG_WARNING)
LOG_FN(log_info, LOG_INFO)

void
log_debug(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(exit_code);
}

/*
 * Printable ASCII as it is, anything else -- and the backslash that
 * starts an escape, and `also` (-1: nothing more) -- as \xNN.  Returns
 * the length written; out is always NUL-terminated.
 */
static size_t
sanitize(const void *data, size_t len, char *out, size_t outlen, int also)
{
	const unsigned char *p = data;
	size_t	 o = 0;

	for (size_t i = 0; i < len; i++) {
		if (isprint(p[i]) && p[i] != '\\' && p[i] != also) {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)p[i];
		} else {
			if (o + 4 >= outlen)
				break;
			snprintf(out + o, 5, "\\x%02x", p[i]);
			o += 4;
		}
	}
	out[o] = '\0';
	return o;
}

void
log_sanitize(const void *data, size_t len, char *out, size_t outlen)
{
	if (outlen > 0)
		(void)sanitize(data, len, out, outlen, -1);
}

void
log_quote(const void *data, size_t len, char *out, size_t outlen)
{
	size_t	 n;

	if (outlen < 3) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	out[0] = '"';
	n = sanitize(data, len, out + 1, outlen - 2, '"');
	out[1 + n] = '"';
	out[2 + n] = '\0';
}

void
log_hex(const void *data, size_t len, char *out, size_t outlen)
{
	const uint8_t *p = data;
	size_t	 o = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		int n = snprintf(out + o, outlen - o, i ? ":%02x" : "%02x",
		    p[i]);
		if (n < 0 || (size_t)n >= outlen - o) {
			out[o] = '\0';
			break;
		}
		o += (size_t)n;
	}
}

void
log_hwaddr(const uint8_t *hw, size_t hlen, char *out, size_t outlen)
{
	log_hex(hw, hlen > 16 ? 16 : hlen, out, outlen);
}

bool
log_ratelimit_ok(struct log_ratelimit *rl, double now, double interval,
    uint64_t *suppressed)
{
	if (rl->last != 0 && now - rl->last < interval) {
		rl->suppressed++;
		return false;
	}
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	rl->last = now;
	return true;
}
