/*
 * mkman: one manual page from its source, docs/man/PAGE.in (see
 * docs/man/README).
 *
 *   mkman PAGE.in > PAGE
 *
 * The source is mdoc, copied as it is but for two things.  Each
 * @VERSION@ becomes the version of common/util/version.h.  Each line
 *
 *   .\" @KEYS FILE KIND@
 *
 * becomes the keys of one section as an mdoc tag list, taken from the
 * key tables the daemons load their files with: FILE "primary" for
 * primary.ini (config_primary_specs()), "failover" for failover.ini
 * (fod_config_specs()), KIND the tables' section kind.  So a page lists
 * every key with the type, range and default the loader enforces; the
 * words around the lists are the page's own.
 *
 * Exits 1, naming the source line, on a placeholder it does not know:
 * a page that silently lost a list would look complete.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fod_config.h"
#include "version.h"

#define KEYS_PREFIX	".\\\" @KEYS "
#define VERSION_TOKEN	"@VERSION@"
#define WORDS_MAX	1024
#define LINE_MAX_TEXT	80	/* mandoc's advice for an input line */

/*
 * Text as mdoc text lines of at most LINE_MAX_TEXT bytes: a backslash is
 * written \e, and a line that would start with a control character (.
 * or ') starts with \& instead.  Each sentence starts a new line, as
 * mdoc wants, so that roff knows where sentences end.
 */
static void
put_text(FILE *out, const char *s)
{
	size_t	 col = 0;

	for (;;) {
		size_t	 n, w;

		s += strspn(s, " ");
		if (*s == '\0')
			break;
		n = strcspn(s, " ");
		/* Its width as written, each \ as \e. */
		w = n;
		for (size_t i = 0; i < n; i++)
			w += s[i] == '\\';
		if (col > 0 && col + 1 + w > LINE_MAX_TEXT) {
			fputc('\n', out);
			col = 0;
		}
		if (col > 0) {
			fputc(' ', out);
			col++;
		} else if (strchr(".'", *s) != NULL) {
			fputs("\\&", out);
			col += 2;
		}
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\\')
				fputs("\\e", out);
			else
				fputc(s[i], out);
		}
		col += w;
		s += n;
		/* A sentence ends: the next one on a line of its own. */
		if (strchr(".?!", s[-1]) != NULL &&
		    isupper((unsigned char)s[strspn(s, " ")])) {
			fputc('\n', out);
			col = 0;
		}
	}
	if (col > 0)
		fputc('\n', out);
}

/*
 * One argument of a macro line: quoted when it holds a blank, and
 * guarded by \& when mdoc would take it for a macro (Ns, Ar, ...) or a
 * delimiter.
 */
static void
put_arg(FILE *out, const char *s)
{
	size_t	 len = strlen(s);
	bool	 quote = len == 0 || strpbrk(s, " \t") != NULL;
	bool	 macro = (len == 2 || len == 3) && isupper((unsigned char)s[0]);

	for (size_t i = 1; macro && i < len; i++)
		macro = islower((unsigned char)s[i]);
	fputc(' ', out);
	if (quote)
		fputc('"', out);
	if (macro || (len == 1 && strchr(".,:;?!()[]|", s[0]) != NULL))
		fputs("\\&", out);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '"')
			fputs("\\(dq", out);
		else
			fputc(*s, out);
	}
	if (quote)
		fputc('"', out);
}

/* The value's placeholder after Key=, one word. */
static const char *
type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_BOOL:		return "bool";
	case CFG_UINT:		return "number";
	case CFG_SECS:		return "seconds";
	case CFG_PERCENT:	return "percent";
	case CFG_ADDR:		return "address";
	case CFG_ADDR_LIST:	return "addresses";
	case CFG_CIDR:		return "network/length";
	case CFG_RANGES:	return "ranges";
	case CFG_NAME:		return "name";
	case CFG_DOMAIN:	return "domain";
	case CFG_STRING:	return "text";
	case CFG_PATH:		return "path";
	case CFG_IFLIST:	return "interfaces";
	case CFG_ENUM:		return "word";
	case CFG_MAC:		return "hwaddr";
	case CFG_HEX:		return "hex";
	case CFG_ADDR_PORT:	return "address:port";
	}
	return "value";
}

/* "from 1 to 10", "more than 0 and less than 100": the loader's range. */
static void
num_range(const struct cfg_spec *sp, char *buf, size_t len)
{
	char	 lo[32], hi[32];

	snprintf(lo, sizeof(lo), "%.10g", sp->min);
	snprintf(hi, sizeof(hi), "%.10g", sp->max);
	if (sp->flags & (CFG_F_OPEN_MIN | CFG_F_OPEN_MAX))
		snprintf(buf, len, "%s %s and %s %s",
		    sp->flags & CFG_F_OPEN_MIN ? "more than" : "at least", lo,
		    sp->flags & CFG_F_OPEN_MAX ? "less than" : "at most", hi);
	else
		snprintf(buf, len, "from %s to %s", lo, hi);
}

/*
 * The length a text value may have, as the loader counts it: max 0
 * means the field's size less its NUL, and a required key is never
 * empty.
 */
static void
text_range(const struct cfg_spec *sp, char *buf, size_t len)
{
	size_t	 lo = (size_t)sp->min, hi = sp->size - 1;

	if (sp->max > 0 && (size_t)sp->max < hi)
		hi = (size_t)sp->max;
	if ((sp->flags & CFG_F_REQUIRED) && lo == 0)
		lo = 1;
	if (lo == 0)
		snprintf(buf, len, "at most %zu", hi);
	else if (lo == hi)
		snprintf(buf, len, "exactly %zu", hi);
	else
		snprintf(buf, len, "%zu to %zu", lo, hi);
}

/* CFG_ENUM's choices: "one of a, b or c", "either a or b". */
static void
choices_words(const struct cfg_spec *sp, char *buf, size_t len)
{
	bool	 two = sp->choices != NULL && sp->choices[0] != NULL &&
		    sp->choices[1] != NULL && sp->choices[2] == NULL;
	size_t	 used = (size_t)snprintf(buf, len, two ? "either" : "one of");

	for (size_t i = 0; sp->choices != NULL && sp->choices[i] != NULL &&
	    used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s",
		    i == 0 ? "" : sp->choices[i + 1] == NULL ? " or" : ",",
		    sp->choices[i]);
	if (used < len)
		snprintf(buf + used, len - used, " (any case)");
}

/*
 * The type in words, with its range.  A switch without a default: a new
 * enum cfg_type fails the build (-Wswitch) until it has words here.
 */
static void
type_words(const struct cfg_spec *sp, char *buf, size_t len)
{
	const char *uni = (sp->flags & CFG_F_UNICAST) ? "unicast " : "";
	char	 r[128];

	if (sp->type == CFG_STRING || sp->type == CFG_NAME ||
	    sp->type == CFG_DOMAIN || sp->type == CFG_PATH)
		text_range(sp, r, sizeof(r));
	else
		num_range(sp, r, sizeof(r));
	switch (sp->type) {
	case CFG_BOOL:
		snprintf(buf, len, "true or false (also yes or no, on or off, "
		    "1 or 0)");
		break;
	case CFG_UINT:
		snprintf(buf, len, "a whole number %s", r);
		break;
	case CFG_SECS:
		snprintf(buf, len, "a number of seconds, fractions allowed, %s",
		    r);
		break;
	case CFG_PERCENT:
		snprintf(buf, len, "a percentage, fractions allowed, %s", r);
		break;
	case CFG_ADDR:
		snprintf(buf, len, "an IPv4 %saddress", uni);
		break;
	case CFG_ADDR_LIST:
		snprintf(buf, len, "a comma-separated list of at most %zu IPv4 "
		    "%saddresses", sp->size / sizeof(uint32_t), uni);
		break;
	case CFG_CIDR:
		snprintf(buf, len, "an IPv4 network as address/length, the "
		    "length %s, host bits zero", r);
		break;
	case CFG_RANGES:
		snprintf(buf, len, "a comma-separated list of at most %zu "
		    "address ranges first-last or single addresses, not "
		    "overlapping", sp->size / sizeof(struct cfg_range));
		break;
	case CFG_NAME:
		snprintf(buf, len, "a name of %s letters, digits, dots, "
		    "hyphens and underscores", r);
		break;
	case CFG_DOMAIN:
		snprintf(buf, len, "a domain name, %s characters: "
		    "dot-separated labels of letters, digits and inner "
		    "hyphens", r);
		break;
	case CFG_STRING:
		snprintf(buf, len, "printable text, %s characters", r);
		break;
	case CFG_PATH:
		snprintf(buf, len, "an absolute path, %s characters%s", r,
		    (sp->flags & CFG_F_EMPTY_NONE) ? "; empty: none" : "");
		break;
	case CFG_IFLIST:
		snprintf(buf, len, "a comma-separated list of at most %zu "
		    "interface names", sp->size / CFG_IFNAME_LEN);
		break;
	case CFG_ENUM:
		choices_words(sp, buf, len);
		break;
	case CFG_MAC:
		snprintf(buf, len, "an Ethernet address: six hex bytes "
		    "separated by colons");
		break;
	case CFG_HEX:
		snprintf(buf, len, "hex bytes separated by colons, %zu to %zu "
		    "of them", (size_t)sp->min,
		    sp->max > 0 ? (size_t)sp->max : sp->size);
		break;
	case CFG_ADDR_PORT:
		snprintf(buf, len, "an IPv4 address and a port from 1 to 65535 "
		    "to listen on, written address:port (0.0.0.0: every "
		    "address); empty: none");
		break;
	}
}

/*
 * A sentence of s: its first word capitalised when it is a plain word
 * (not a name such as siaddr: or dhcp4), a full stop added.
 */
static void
sentence(const char *s, char *buf, size_t len)
{
	size_t	 n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	size_t	 end;

	snprintf(buf, len, "%s", s);
	if (n > 0 && strchr(" ,;", s[n]) != NULL)
		buf[0] = (char)toupper((unsigned char)buf[0]);
	end = strlen(buf);
	if (end > 0 && buf[end - 1] != '.' && end + 1 < len) {
		buf[end] = '.';
		buf[end + 1] = '\0';
	}
}

/* One key: Key=type, what it does, its type and range, its default. */
static void
put_key(FILE *out, const struct cfg_spec *sp)
{
	char	 words[WORDS_MAX], text[WORDS_MAX];

	fputs(".It Cm", out);
	put_arg(out, sp->key);
	fputs(" Ns = Ns Ar", out);
	put_arg(out, type_name(sp->type));
	fputc('\n', out);
	sentence(sp->meaning != NULL ? sp->meaning : "", text, sizeof(text));
	put_text(out, text);
	type_words(sp, words, sizeof(words));
	sentence(words, text, sizeof(text));
	put_text(out, text);
	if (sp->flags & CFG_F_REQUIRED)
		put_text(out, "Required.");
	else if (sp->def != NULL) {
		fputs((sp->flags & CFG_F_ZERO_DEF) ?
		    "Default (also for 0):\n.Ql" : "Default:\n.Ql", out);
		put_arg(out, sp->def);
		fputs(" .\n", out);
	}
}

/* The list a placeholder stands for; -1 if it names no table. */
static int
put_keys(FILE *out, const char *file, const char *kind)
{
	const struct cfg_spec *sp = NULL;
	size_t	 n = 0;

	if (strcmp(file, "primary") == 0)
		sp = config_primary_specs(kind, &n);
	else if (strcmp(file, "failover") == 0)
		sp = fod_config_specs(kind, &n);
	if (sp == NULL || n == 0)
		return -1;
	fputs(".Bl -tag -width Ds\n", out);
	for (size_t i = 0; i < n; i++)
		put_key(out, &sp[i]);
	fputs(".El\n", out);
	return 0;
}

/* A line of the source with each @VERSION@ replaced. */
static void
put_line(FILE *out, const char *line)
{
	const char *p;

	while ((p = strstr(line, VERSION_TOKEN)) != NULL) {
		fwrite(line, 1, (size_t)(p - line), out);
		fputs(DHCPFO_VERSION, out);
		line = p + strlen(VERSION_TOKEN);
	}
	fputs(line, out);
}

/* A placeholder line: FILE KIND@, after the prefix.  0 or -1. */
static int
placeholder(FILE *out, const char *args)
{
	char	 file[32], kind[32];
	int	 end = 0;

	if (sscanf(args, "%31[a-z] %31[a-z]@%n", file, kind, &end) != 2 ||
	    end == 0 || strspn(args + end, "\n") != strlen(args + end))
		return -1;
	return put_keys(out, file, kind);
}

static int
expand(FILE *in, const char *path, FILE *out)
{
	char	*line = NULL;
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	while (rc == 0 && getline(&line, &cap, in) != -1) {
		lineno++;
		if (strncmp(line, KEYS_PREFIX, strlen(KEYS_PREFIX)) != 0) {
			put_line(out, line);
			continue;
		}
		if (placeholder(out, line + strlen(KEYS_PREFIX)) < 0) {
			fprintf(stderr, "mkman: %s:%d: names no key table "
			    "(FILE primary or failover, then KIND): %s", path,
			    lineno, line);
			rc = -1;
		}
	}
	free(line);
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "mkman: %s: read error\n", path);
		rc = -1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	FILE	*in;
	int	 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: mkman PAGE.in > PAGE\n");
		return 2;
	}
	if ((in = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	rc = expand(in, argv[1], stdout);
	fclose(in);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("mkman: stdout");
		return 1;
	}
	return rc == 0 ? 0 : 1;
}
