/*
 * Fuzz target: common/util/ctl_cmdline.c, what the control socket does
 * with a command line before any handler sees it.  The input up to its
 * first newline is the line, as control.c cuts it.  Checks: at most
 * CTL_MAX_ARGS words, each non-empty, inside the line, free of blanks
 * and never "--json"; --json set exactly when the line has that word;
 * every classified word is stable; the audit form is printable ASCII,
 * fits its buffer, and when the buffer is large enough is exactly the
 * words joined by spaces.  abort() otherwise.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cmdline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_FUZZ	1024	/* CTL_MAX_LINE */

static void
check(bool ok)
{
	if (!ok)
		abort();
}

/* Whether the word "--json" is in line, found without strtok. */
static bool
has_json_word(const char *line)
{
	size_t	 n;

	for (const char *p = line; *p != '\0'; p += n) {
		p += strspn(p, " \t\r");
		n = strcspn(p, " \t\r");
		if (n == 6 && strncmp(p, "--json", 6) == 0)
			return true;
	}
	return false;
}

static void
check_join(int argc, char **argv)
{
	char	 big[LINE_MAX_FUZZ * 2], small[9];
	size_t	 want = 0;

	for (int i = 0; i < argc; i++)
		want += strlen(argv[i]) + (i > 0);
	ctl_join(argc, argv, big, sizeof(big));
	check(strlen(big) == want);
	ctl_join(argc, argv, small, sizeof(small));
	check(strlen(small) < sizeof(small) &&
	    strncmp(small, big, strlen(small)) == 0);
	for (const char *p = big; *p != '\0'; p++)
		check(*p >= 0x20 && *p < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 line[LINE_MAX_FUZZ], copy[LINE_MAX_FUZZ];
	char	*argv[CTL_MAX_ARGS + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t	 len = nl != NULL ? (size_t)(nl - data) : size;
	bool	 json;
	int	 argc;

	if (len >= sizeof(line))
		return 0;		/* answered "too long" unparsed */
	memcpy(line, data, len);
	line[len] = '\0';
	memcpy(copy, line, len + 1);
	argv[CTL_MAX_ARGS] = NULL;
	argc = ctl_split(line, argv, &json);
	check(argc >= 0 && argc <= CTL_MAX_ARGS && argv[CTL_MAX_ARGS] == NULL);
	check(json == has_json_word(copy));
	for (int i = 0; i < argc; i++) {
		check(argv[i] >= line && argv[i] < line + len);
		check(argv[i][0] != '\0' && strcmp(argv[i], "--json") != 0);
		check(strpbrk(argv[i], " \t\r") == NULL);
		check(ctl_cmd_changes(argv[i]) == ctl_cmd_changes(argv[i]));
	}
	if (argc > 0 && strcmp(argv[0], "status") == 0)
		check(!ctl_cmd_changes(argv[0]));
	check_join(argc, argv);
	return 0;
}
