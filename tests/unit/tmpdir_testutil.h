/*
 * A temporary directory per test, for the lease store unit tests
 * (test_lease_db.c, test_lease_db_meta.c, test_lease_ckpt.c): made by
 * tmpdir_make from a mkdtemp template, removed with everything in it by
 * tmpdir_remove.
 */
#ifndef DHCPFO_TMPDIR_TESTUTIL_H
#define DHCPFO_TMPDIR_TESTUTIL_H

#include <sys/stat.h>

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int
tmpdir_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* dir (room for len bytes) becomes /tmp/NAME.XXXXXX, created. */
static bool
tmpdir_make(char *dir, size_t len, const char *name)
{
	snprintf(dir, len, "/tmp/%s.XXXXXX", name);
	return mkdtemp(dir) != NULL;
}

static void
tmpdir_remove(const char *dir)
{
	nftw(dir, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
