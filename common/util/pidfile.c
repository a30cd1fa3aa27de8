#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"

int
pidfile_lock(const char *path, char *err, size_t errlen)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, errlen, "pid file %s is locked: already running "
		    "(pid %s)", path, buf[0] ? buf : "?");
		close(fd);
		return -1;
	}
	return fd;
}

int
pidfile_write(int fd, char *err, size_t errlen)
{
	char	 buf[32];
	int	 n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		snprintf(err, errlen, "pid file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
pidfile_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	unlink(path);
	close(fd);
}
