/*
 * Who may use a control socket.  The socket file's mode (0660, owned by
 * the allowed group) already keeps others out; the daemon checks again
 * on each connection so a socket whose file mode or group was changed
 * by hand, or a descriptor passed on by a member, does not open it wider.
 */
#ifndef DHCPFO_CTL_PEER_H
#define DHCPFO_CTL_PEER_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Whether the process at the other end of the connected socket fd is
 * root, runs as the daemon's own user, or has gid as its group or among
 * its supplementary groups.  *uid and *pid receive the peer's ids for a
 * log line ((uid_t)-1 and 0 when the kernel would not say).
 */
bool	ctl_peer_allowed(int fd, gid_t gid, uid_t *uid, pid_t *pid);

#endif
