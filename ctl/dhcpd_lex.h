/*
 * Tokens of ISC dhcpd's lease file (dhcpd.leases(5)), for
 * leasefile_dhcpd.c: words, quoted strings (escapes undone), braces and
 * semicolons; '#' comments and white space dropped.  No token grows past
 * LF_TOK_MAX bytes, whatever the input.
 */
#ifndef DHCPFO_DHCPD_LEX_H
#define DHCPFO_DHCPD_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lf_tok {
	LF_T_EOF,
	LF_T_WORD,		/* anything up to white space or { } ; " # */
	LF_T_STRING,		/* "...": text holds the bytes it stands for */
	LF_T_LBRACE,
	LF_T_RBRACE,
	LF_T_SEMI,
	LF_T_BAD		/* why says what (too long, unterminated) */
};

#define LF_TOK_MAX	1024

struct lf_lex {
	FILE		*f;
	unsigned long	 line;		/* where the reader is */
	unsigned long	 tok_line;	/* where the last token started */
	bool		 io_error;
	const char	*why;		/* LF_T_BAD */
	size_t		 len;
	char		 text[LF_TOK_MAX + 1];	/* NUL-terminated too */
};

void		lf_lex_init(struct lf_lex *, FILE *);
enum lf_tok	lf_lex_next(struct lf_lex *);

#endif
