/*
 * Fault injection into Berkeley DB for the tests (dbfault.c explains the
 * control syntax).  A unit test links tests/tools/dbfault.c in directly
 * and drives it with dbfault_set; a daemon gets it as LD_PRELOAD
 * (build/tools/dbfault.so) and reads the control file named by
 * DHCPFO_DBFAULT.
 */
#ifndef DHCPFO_DBFAULT_H
#define DHCPFO_DBFAULT_H

/*
 * Replace the faults with those of spec (the control file's syntax;
 * NULL or "" clears them), counting from now.  From the first call on
 * the control file is no longer read.  0, or -1 for a spec that does not
 * parse (then no faults at all).
 */
int	dbfault_set(const char *spec);

struct dbfault_counts {
	unsigned long	 puts;		/* lease puts since the spec */
	unsigned long	 puts_failed;
	unsigned long	 commits;	/* transaction commits seen */
	unsigned long	 commits_failed;
};
void	dbfault_counts(struct dbfault_counts *);

#endif
