/*
 * Fuzz target: common/config/optval.c.  The first byte picks the type
 * (modulo the number of types); the rest is both the text of a value
 * and the bytes of one.
 *
 * As text: when it parses, its canonical text must parse back to the
 * same bytes, and formatting those must give the same text again.
 * As bytes: formatting must not read past them; when it succeeds the
 * text must parse, and give the same bytes back for every type but
 * fqdn-list, whose compression may differ from the input's: there the
 * text must come back but for case (a later name that points to an
 * earlier one takes its spelling).  abort() otherwise.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "optval.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t	b1[OPTVAL_MAX], b2[OPTVAL_MAX];
static char	err[OPTVAL_ERR_MAX];

static void
check(bool ok)
{
	if (!ok)
		abort();
}

/* The text of v as a fresh string (the caller frees), or NULL if -1. */
static char *
format(enum opt_type t, const uint8_t *v, size_t len)
{
	char	*s;
	int	 n, m;

	if ((n = optval_format(t, v, len, NULL, 0)) < 0)
		return NULL;
	if ((s = malloc((size_t)n + 1)) == NULL)
		abort();
	m = optval_format(t, v, len, s, (size_t)n + 1);
	check(m == n && strlen(s) == (size_t)n);
	return s;
}

/* text -> bytes -> text -> the same bytes -> the same text. */
static void
from_text(enum opt_type t, const char *text)
{
	char	*s1, *s2;
	int	 n1, n2;

	if ((n1 = optval_parse(t, text, b1, sizeof(b1), err)) < 0) {
		check(n1 == -1 && err[0] != '\0' &&
		    strlen(err) < OPTVAL_ERR_MAX);
		return;
	}
	check(n1 <= OPTVAL_MAX);
	s1 = format(t, b1, (size_t)n1);
	check(s1 != NULL);
	n2 = optval_parse(t, s1, b2, sizeof(b2), err);
	check(n2 == n1 && memcmp(b1, b2, (size_t)n1) == 0);
	s2 = format(t, b2, (size_t)n2);
	check(s2 != NULL && strcmp(s1, s2) == 0);
	free(s1);
	free(s2);
}

static void
from_bytes(enum opt_type t, const uint8_t *v, size_t len)
{
	char	*s1, *s2;
	int	 n;

	/* An exact copy, so that the sanitizers see any read past it. */
	uint8_t	*copy = malloc(len > 0 ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, v, len);
	s1 = format(t, copy, len);
	free(copy);
	if (s1 == NULL || len > OPTVAL_MAX) {
		free(s1);
		return;
	}
	n = optval_parse(t, s1, b1, sizeof(b1), err);
	if (t == OPT_FQDN_LIST) {
		if (n >= 0) {
			s2 = format(t, b1, (size_t)n);
			check(s2 != NULL && strcasecmp(s1, s2) == 0);
			free(s2);
		}
	} else
		check(n == (int)len && memcmp(b1, v, len) == 0);
	free(s1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum opt_type	 t;
	char		*text;

	if (size == 0)
		return 0;
	t = (enum opt_type)(data[0] % OPT_TYPE_COUNT);
	if ((text = malloc(size)) == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	from_text(t, text);
	free(text);
	from_bytes(t, data + 1, size - 1);
	return 0;
}
