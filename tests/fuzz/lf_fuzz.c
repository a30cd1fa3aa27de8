/*
 * The lease file readers under a fuzzer (fuzz_leasefile_*.c).  Whatever
 * the bytes, the reader must finish without error on a seekable file and
 * report in file order, within the file's lines; each lease it reports
 * must be one the store would accept (lease_encode), must come back the
 * same through dhcpfo's CSV (so an import sends what was read), and no
 * address may be reported twice (the last record wins).  abort()
 * otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lease_text.h"
#include "lf_fuzz.h"

#define SEEN_MAX	4096

static struct {
	unsigned long	 last_line, lines;
	size_t		 nseen;
	uint32_t	 seen[SEEN_MAX];
} st;

/* Says which check failed, for a crash's report. */
#define check(ok)	check_at((ok), __LINE__)

static void
check_at(bool ok, int line)
{
	if (!ok) {
		fprintf(stderr, "lf_fuzz.c:%d: check failed\n", line);
		abort();
	}
}

static void
in_order(unsigned long line)
{
	check(line >= 1 && line <= st.lines && line >= st.last_line);
	st.last_line = line;
}

static void
on_lease(void *arg, unsigned long line, const struct lease *l)
{
	uint8_t	 rec[LEASE_RECORD_MAX];
	struct strbuf sb;
	struct lease back;
	char	 why[96];

	(void)arg;
	in_order(line);
	check(lease_encode(l, rec, sizeof(rec)) > 0);
	sb_init(&sb);
	lease_text_csv(&sb, l, NULL);
	check(!sb.failed && sb.len > 0 && sb.buf[sb.len - 1] == '\n');
	sb.buf[--sb.len] = '\0';
	check(lease_text_csv_parse(sb.buf, &back, why, sizeof(why)));
	check(memcmp(&back, l, sizeof(back)) == 0);
	sb_free(&sb);
	for (size_t i = 0; i < st.nseen; i++)
		check(st.seen[i] != l->addr);
	if (st.nseen < SEEN_MAX)
		st.seen[st.nseen++] = l->addr;
}

static void
on_refuse(void *arg, unsigned long line, enum lf_refusal k, const char *why)
{
	(void)arg;
	in_order(line);
	check(k == LF_ERROR || k == LF_NOT_ACTIVE);
	check(why != NULL && why[0] != '\0' && strlen(why) < 128);
}

void
lf_fuzz_one(enum lf_format fmt, const uint8_t *data, size_t size)
{
	static const struct lf_sink sink = { on_lease, on_refuse, NULL };
	char	 err[128];
	uint8_t	*copy = malloc(size > 0 ? size : 1);
	FILE	*f;

	check(copy != NULL);
	memcpy(copy, data, size);
	memset(&st, 0, sizeof(st));
	st.lines = 1;
	for (size_t i = 0; i < size; i++)
		st.lines += data[i] == '\n';
	f = size > 0 ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
	check(f != NULL);
	check(lf_read(fmt, f, &sink, err, sizeof(err)) == 0);
	fclose(f);
	free(copy);
}
