/*
 * Small logging API: stderr when in the foreground, syslog otherwise.
 * Every string that came from the network goes through log_sanitize()
 * before it reaches a log line.
 */
#ifndef DHCPFO_LOG_H
#define DHCPFO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void	log_init(const char *ident, bool foreground, bool debug);
void	log_set_debug(bool debug);
/* Syslog facility by its LogFacility name (daemon, local0..local7); at
 * start and at every reload.  Nothing in the foreground. */
void	log_set_facility(const char *name);
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(int exit_code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Copy at most len bytes of untrusted data into out as printable ASCII
 * (other bytes become \xNN); out is always NUL-terminated.
 */
void	log_sanitize(const void *data, size_t len, char *out, size_t outlen);

/*
 * As log_sanitize, between double quotes, a '"' inside written \x22 too:
 * one unambiguous word however hostile the bytes (outlen >= 3; the
 * closing quote is kept when the value is cut).
 */
void	log_quote(const void *data, size_t len, char *out, size_t outlen);

/* "01:02:0a" from len bytes (as many as fit, whole bytes only). */
void	log_hex(const void *data, size_t len, char *out, size_t outlen);

/* "02:00:00:00:00:07" from a hardware address; out must hold 3*16 bytes. */
void	log_hwaddr(const uint8_t *hw, size_t hlen, char *out, size_t outlen);

/*
 * Rate limiter for log lines about repeated bad input: the first event of a
 * burst is logged, later ones within `interval` seconds are only counted and
 * summarised ("... and N more") when the next line is allowed.
 */
struct log_ratelimit {
	double		last;		/* monotonic time of last logged line */
	uint64_t	suppressed;	/* events not logged since then */
};

/*
 * Returns true if the caller should log now; *suppressed receives how many
 * events were swallowed since the previous logged one.
 */
bool	log_ratelimit_ok(struct log_ratelimit *rl, double now, double interval,
	    uint64_t *suppressed);

#endif
