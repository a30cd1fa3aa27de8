#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
sb_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void
sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

static bool
sb_reserve(struct strbuf *sb, size_t more)
{
	size_t	 need, ncap;
	char	*nbuf;

	if (sb->failed)
		return false;
	if (more > SIZE_MAX - sb->len - 1)
		goto fail;
	need = sb->len + more + 1;
	if (need <= sb->cap)
		return true;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			goto fail;
		ncap *= 2;
	}
	if ((nbuf = realloc(sb->buf, ncap)) == NULL)
		goto fail;
	sb->buf = nbuf;
	sb->cap = ncap;
	return true;
fail:
	sb->failed = true;
	return false;
}

void
sb_append(struct strbuf *sb, const void *data, size_t len)
{
	if (!sb_reserve(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
sb_puts(struct strbuf *sb, const char *s)
{
	sb_append(sb, s, strlen(s));
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
sb_json_str(struct strbuf *sb, const char *s)
{
	sb_append(sb, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			sb_append(sb, "\\\"", 2);
			break;
		case '\\':
			sb_append(sb, "\\\\", 2);
			break;
		case '\n':
			sb_append(sb, "\\n", 2);
			break;
		case '\t':
			sb_append(sb, "\\t", 2);
			break;
		default:
			/* Control bytes and non-ASCII are escaped: names from
			 * the network are not trusted to be valid UTF-8. */
			if (*p < 0x20 || *p >= 0x7f)
				sb_printf(sb, "\\u%04x", *p);
			else
				sb_append(sb, p, 1);
		}
	}
	sb_append(sb, "\"", 1);
}

void
sb_json_key(struct strbuf *sb, const char *key)
{
	sb_json_str(sb, key);
	sb_append(sb, ":", 1);
}

void
sb_ipv4(struct strbuf *sb, uint32_t a)
{
	sb_printf(sb, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

void
sb_hex(struct strbuf *sb, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sb_printf(sb, "%02x", data[i]);
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
