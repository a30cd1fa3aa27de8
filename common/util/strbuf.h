/*
 * Growable output buffer with JSON helpers, for control-socket answers.
 * Allocation failure is sticky: the buffer is marked failed and later
 * appends do nothing, so callers check once at the end.
 */
#ifndef DHCPFO_STRBUF_H
#define DHCPFO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	bool	 failed;
};

void	sb_init(struct strbuf *);
void	sb_free(struct strbuf *);
void	sb_reset(struct strbuf *);
void	sb_append(struct strbuf *, const void *data, size_t len);
void	sb_puts(struct strbuf *, const char *s);
void	sb_printf(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included, escaping as RFC 8259 §7 says. */
void	sb_json_str(struct strbuf *, const char *s);
/* "key": for the common case of object members. */
void	sb_json_key(struct strbuf *, const char *key);
/* Dotted quad of a host-order address. */
void	sb_ipv4(struct strbuf *, uint32_t addr);
/* Lower-case hex, no separators. */
void	sb_hex(struct strbuf *, const uint8_t *data, size_t len);
/* The value of the hex digit c (either case), or -1. */
int	hex_digit(int c);

#endif
