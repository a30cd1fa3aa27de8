/*
 * A strict JSON (RFC 8259) checker for tests of what the daemons print
 * with --json (test_lease_export.c, test_lease_find.c): json_valid says
 * whether a text is exactly one JSON value, and how many elements it has
 * when that value is an array.  No parser library is a build dependency,
 * and a test only needs "would any parser accept this".
 */
#ifndef DHCPFO_JSON_TESTUTIL_H
#define DHCPFO_JSON_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define JSON_MAX_DEPTH	32

static bool	 json_value(const char **p, int depth, size_t *nitems);

static void
json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool
json_hex4(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s[i] == '\0' || strchr("0123456789abcdefABCDEF", s[i]) ==
		    NULL)
			return false;
	return true;
}

static bool
json_string(const char **p)
{
	const char *s = *p;

	if (*s++ != '"')
		return false;
	while (*s != '"') {
		if ((unsigned char)*s < 0x20)	/* also the end of text */
			return false;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				if (!json_hex4(s + 1))
					return false;
				s += 4;
			} else if (*s == '\0' || strchr("\"\\/bfnrt", *s) ==
			    NULL)
				return false;
		}
		s++;
	}
	*p = s + 1;
	return true;
}

static bool
json_digits(const char **p)
{
	const char *s = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > s;
}

static bool
json_number(const char **p)
{
	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (!json_digits(p))
		return false;
	if (**p == '.') {
		(*p)++;
		if (!json_digits(p))
			return false;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (!json_digits(p))
			return false;
	}
	return true;
}

/* Members of an object or elements of an array, after the opening
 * bracket; counts them in *n. */
static bool
json_items(const char **p, int depth, bool object, size_t *n)
{
	const char close = object ? '}' : ']';

	*n = 0;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		json_ws(p);
		if (object) {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json_value(p, depth + 1, NULL))
			return false;
		(*n)++;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
	}
}

static bool
json_value(const char **p, int depth, size_t *nitems)
{
	size_t	 n = 0;

	if (depth > JSON_MAX_DEPTH)
		return false;
	json_ws(p);
	switch (**p) {
	case '{':
	case '[': {
		bool object = **p == '{';

		(*p)++;
		if (!json_items(p, depth, object, &n))
			return false;
		if (nitems != NULL && !object)
			*nitems = n;
		return true;
	}
	case '"':
		return json_string(p);
	case 't':
	case 'f':
	case 'n': {
		static const char *const lit[] = { "true", "false", "null" };

		for (int i = 0; i < 3; i++)
			if (strncmp(*p, lit[i], strlen(lit[i])) == 0) {
				*p += strlen(lit[i]);
				return true;
			}
		return false;
	}
	default:
		return json_number(p);
	}
}

/* True if text is one JSON value and nothing else but white space;
 * *nitems (if not NULL) is its element count when it is an array, else
 * left alone. */
static bool
json_valid(const char *text, size_t *nitems)
{
	const char *p = text;

	if (!json_value(&p, 0, nitems))
		return false;
	json_ws(&p);
	return *p == '\0';
}

#endif
