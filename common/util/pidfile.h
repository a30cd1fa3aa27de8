/*
 * Pid file held under an exclusive flock for the daemon's lifetime, so a
 * second daemon on the same files refuses to start instead of corrupting
 * the lease store.
 */
#ifndef DHCPFO_PIDFILE_H
#define DHCPFO_PIDFILE_H

#include <stddef.h>

/* Returns the locked fd, or -1 with err filled (names the running pid). */
int	pidfile_lock(const char *path, char *err, size_t errlen);
/* Write our pid (call after daemonising, the pid has changed). */
int	pidfile_write(int fd, char *err, size_t errlen);
void	pidfile_remove(const char *path, int fd);

#endif
