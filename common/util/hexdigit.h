/*
 * The value of one hexadecimal digit, either case: what every reader of
 * hex text (keys, client identifiers, lease files) starts from.
 */
#ifndef DHCPFO_HEXDIGIT_H
#define DHCPFO_HEXDIGIT_H

/* 0..15, or -1 if c is not a hex digit. */
static inline int
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

#endif
