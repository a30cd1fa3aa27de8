/*
 * Lease files read into leases, for `dhcpfoctl import`: ISC dhcpd's
 * dhcpd.leases, Kea's memfile CSV and dhcpfo's own CSV (lease_text.h).
 *
 * A reader reports each lease it would import, and each row it will not,
 * by the file's line number, so that the operator can find every
 * decision in the file.  The other servers' files are logs: a later
 * record of an address supersedes every earlier one, and only the last
 * counts (also when it is malformed or not active: the earlier ones are
 * out of date).  Those readers go over the file twice, once to find
 * each address's last record and once to read them, so that memory
 * grows with the number of addresses (a few bytes each), not with the
 * file; the file must therefore be seekable.
 *
 * Nothing in a file is trusted: lines are cut at LF_LINE_MAX, a record
 * with any bad field is refused whole, and no input makes a reader
 * report a lease it did not read completely.
 */
#ifndef DHCPFO_LEASEFILE_H
#define DHCPFO_LEASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lease.h"

enum lf_format {
	LF_DHCPD,		/* ISC dhcpd 4.x dhcpd.leases */
	LF_KEA,			/* Kea memfile lease4 CSV */
	LF_CSV,			/* dhcpfo's CSV (dhcpfoctl export) */
	LF_FORMAT_COUNT
};

/* "dhcpd", "kea-csv", "csv"; -1 if unknown. */
int		 lf_format_from_name(const char *name);
const char	*lf_format_name(enum lf_format);

enum lf_refusal {
	LF_ERROR,		/* malformed: the record says nothing usable */
	LF_NOT_ACTIVE		/* well-formed, but no binding to carry over */
};

struct lf_sink {
	/* A lease read completely; line: where its record starts. */
	void	(*lease)(void *arg, unsigned long line, const struct lease *);
	/* A record that gives no lease, and why (short, no input bytes). */
	void	(*refuse)(void *arg, unsigned long line, enum lf_refusal,
		    const char *why);
	void	*arg;
};

/*
 * Read f from its start and report every record, in file order.
 * Returns 0, or -1 when the file could not be read (err says why; what
 * was reported before stays reported).
 */
int	lf_read(enum lf_format, FILE *f, const struct lf_sink *,
	    char *err, size_t errlen);

int	lf_read_dhcpd(FILE *, const struct lf_sink *, char *, size_t);
int	lf_read_kea(FILE *, const struct lf_sink *, char *, size_t);
int	lf_read_csv(FILE *, const struct lf_sink *, char *, size_t);

/* ---- what the readers share ---- */

/* Longer lines are refused (and their rest skipped), not grown into. */
#define LF_LINE_MAX	4096

struct lf_lines {
	FILE		*f;
	unsigned long	 no;		/* number of the line in buf */
	size_t		 len;
	bool		 too_long;	/* buf holds its first bytes only */
	bool		 has_nul;	/* a NUL byte was in it */
	char		 buf[LF_LINE_MAX];
};

void	lf_lines_init(struct lf_lines *, FILE *);
/* The next line in buf, without its line end (LF or CR LF): 1; 0 at the
 * end of the file; -1 on a read error. */
int	lf_lines_next(struct lf_lines *);
/* Why the line in buf cannot be a record (too long, a NUL byte), or
 * NULL. */
const char *lf_lines_problem(const struct lf_lines *);

/* Which line holds the last record of each address: the log rule. */
struct lf_last;

struct lf_last	*lf_last_new(void);
void		 lf_last_free(struct lf_last *);
/* Record that line (> 0) has a record of addr; false: out of memory. */
bool		 lf_last_put(struct lf_last *, uint32_t addr,
		    unsigned long line);
/* Is line the last record of addr? */
bool		 lf_last_is(const struct lf_last *, uint32_t addr,
		    unsigned long line);

/*
 * A log's two readings, with a reader's state of rdsize bytes (zeroed
 * once): pass(rd, f, sink, last, false) from the start of f records each
 * address's last record in `last`, then pass(rd, f, sink, last, true)
 * from the start again reports.  Returns what the passes return (0, or
 * -1 with err), or -1 if f cannot be read twice.
 */
typedef int	 lf_pass_fn(void *rd, FILE *f, const struct lf_sink *sink,
		    struct lf_last *last, bool second, char *err,
		    size_t errlen);
int		 lf_two_passes(FILE *f, const struct lf_sink *sink,
		    size_t rdsize, lf_pass_fn *pass, char *err, size_t errlen);

#endif
