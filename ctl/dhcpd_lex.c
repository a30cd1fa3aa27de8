/*
 * dhcpd.leases tokens (dhcpd_lex.h).  dhcpd writes a string's quote and
 * backslash escaped and other unprintable bytes as three octal digits
 * ("\001"); a reader of any other escape takes the byte after the
 * backslash ("\t", "\n", "\r" as dhcpd's own reader does).
 */
#include <string.h>

#include "dhcpd_lex.h"

void
lf_lex_init(struct lf_lex *lx, FILE *f)
{
	memset(lx, 0, sizeof(*lx));
	lx->f = f;
	lx->line = 1;
}

static int
get(struct lf_lex *lx)
{
	int	 ch = getc(lx->f);

	if (ch == '\n')
		lx->line++;
	else if (ch == EOF && ferror(lx->f))
		lx->io_error = true;
	return ch;
}

static void
unget(struct lf_lex *lx, int ch)
{
	if (ch == EOF)
		return;
	if (ch == '\n')
		lx->line--;
	ungetc(ch, lx->f);
}

static bool
is_word_char(int ch)
{
	return ch != EOF && strchr(" \t\r\n\f\v{};\"#", ch) == NULL;
}

/* Append a byte; false once the token is full. */
static bool
put(struct lf_lex *lx, int ch)
{
	if (lx->len == LF_TOK_MAX)
		return false;
	lx->text[lx->len++] = (char)ch;
	lx->text[lx->len] = '\0';
	return true;
}

/* The byte a backslash escape stands for (the backslash was read). */
static int
escape(struct lf_lex *lx)
{
	int	 ch = get(lx), v = 0, i;

	switch (ch) {
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	}
	if (ch < '0' || ch > '7')
		return ch;
	for (i = 0; i < 3 && ch >= '0' && ch <= '7'; i++) {
		v = v * 8 + (ch - '0');
		ch = i < 2 ? get(lx) : ch;
	}
	if (i < 3)
		unget(lx, ch);
	return v & 0xff;
}

static enum lf_tok
string(struct lf_lex *lx)
{
	bool	 full = false;
	int	 ch;

	while ((ch = get(lx)) != '"') {
		if (ch == EOF) {
			lx->why = "unterminated string";
			return LF_T_BAD;
		}
		if (ch == '\\' && (ch = escape(lx)) == EOF) {
			lx->why = "unterminated string";
			return LF_T_BAD;
		}
		if (!put(lx, ch))
			full = true;
	}
	if (full) {
		lx->why = "string too long";
		return LF_T_BAD;
	}
	return LF_T_STRING;
}

static enum lf_tok
word(struct lf_lex *lx, int ch)
{
	bool	 full = false;

	for (; is_word_char(ch); ch = get(lx))
		if (!put(lx, ch))
			full = true;
	unget(lx, ch);
	if (full) {
		lx->why = "word too long";
		return LF_T_BAD;
	}
	return LF_T_WORD;
}

enum lf_tok
lf_lex_next(struct lf_lex *lx)
{
	int	 ch;

	lx->len = 0;
	lx->text[0] = '\0';
	lx->why = NULL;
	for (;;) {
		ch = get(lx);
		if (ch == '#')
			while ((ch = get(lx)) != '\n' && ch != EOF)
				;
		if (ch == EOF || !strchr(" \t\r\n\f\v", ch))
			break;
	}
	lx->tok_line = lx->line;
	switch (ch) {
	case EOF:
		return LF_T_EOF;
	case '{':
		return LF_T_LBRACE;
	case '}':
		return LF_T_RBRACE;
	case ';':
		return LF_T_SEMI;
	case '"':
		return string(lx);
	default:
		return word(lx, ch);
	}
}
