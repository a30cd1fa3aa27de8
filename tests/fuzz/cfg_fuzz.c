/* Temporary files and the loaders' contract for fuzz targets (cfg_fuzz.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_fuzz.h"

#define FUZZ_FILES	4

static char	 paths[FUZZ_FILES][64];
static size_t	 npaths;

static void
cleanup(void)
{
	for (size_t i = 0; i < npaths; i++)
		unlink(paths[i]);
}

const char *
fuzz_file_new(void)
{
	char	*p;
	int	 fd;

	if (npaths == FUZZ_FILES)
		abort();
	p = paths[npaths];
	/* One file write per input: tmpfs keeps that off the disk. */
	snprintf(p, sizeof(paths[0]), "%s/dhcpfo-fuzz.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if ((fd = mkstemp(p)) < 0)
		abort();
	close(fd);
	if (npaths++ == 0)
		atexit(cleanup);
	return p;
}

/* write(2), not stdio: a FILE costs a 4 KiB buffer per input, which the
 * sanitizer's allocator fills and quarantines, for bytes written once. */
void
fuzz_file_write(const char *path, const void *data, size_t size)
{
	const char *p = data;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_TRUNC)) < 0)
		abort();
	for (; size > 0; p += n, size -= (size_t)n)
		if ((n = write(fd, p, size)) <= 0)
			abort();
	if (close(fd) != 0)
		abort();
}

void
fuzz_check_load(int rc, const struct config_errors *errs)
{
	if ((rc == 0) != (errs->count == 0))
		abort();
	for (size_t i = 0; i < errs->count; i++)
		if (errs->msgs[i] == NULL || strchr(errs->msgs[i], '\n') != NULL)
			abort();
}
