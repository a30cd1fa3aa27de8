/*
 * Least privilege (docs/deploy.md "Users and capabilities"): who a daemon
 * runs as, and the two capabilities it keeps for life.
 *
 *   CAP_NET_BIND_SERVICE  ports below 1024: DHCP 67, failover 647, a
 *                         MetricsListen below 1024
 *   CAP_NET_RAW           the packet socket for directly attached
 *                         clients, ICMP for PingBeforeAssign and
 *                         TakeoverPingCheck
 *
 * Both are kept, not dropped after start, because a reload opens sockets
 * too: a primary added to the failover binds 647, an interface added to
 * Interfaces needs a packet socket.
 *
 * Three ways to start, one outcome:
 *   - root with [server] User: priv_drop() switches to User (and Group,
 *     else User's primary group, plus User's supplementary groups) and
 *     keeps only the two capabilities;
 *   - already that user, with the capabilities given by the service
 *     manager (the packaged units: User=_dhcpfo, AmbientCapabilities=):
 *     priv_drop() clears every other capability it may hold;
 *   - root without User: nothing changes (a warning says so), for
 *     development and the test suites, which run as root.
 */
#ifndef DHCPFO_PRIV_H
#define DHCPFO_PRIV_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

struct priv_ids {
	bool	 switch_user;	/* [server] User given */
	uid_t	 uid;
	gid_t	 gid;		/* Group, else User's primary group */
	char	 user[33];
};

/*
 * Looks up User and Group ("" = not given).  -1 when one does not exist
 * (or User is root, or Group comes without User), with the [server] key
 * in *key and the reason in err.  Also what -t checks
 * (common/dhcp/hostcheck.c).
 */
int	priv_resolve(const char *user, const char *group,
	    struct priv_ids *ids, const char **key, char *err, size_t errlen);

/* The id of group `name`; -1 and the reason when there is none. */
int	priv_group_id(const char *name, gid_t *gid, char *err,
	    size_t errlen);

/*
 * Creates the directories of each path in `paths` (NULL-terminated) that
 * do not exist yet, owned by User, so a daemon started as root by hand
 * can write its pid file and socket after priv_drop().  Existing
 * directories are left as they are.  No-op unless root with User.
 */
int	priv_prepare_dirs(const struct priv_ids *ids,
	    const char *const *paths, char *err, size_t errlen);

/*
 * Drops to ids and the two capabilities.  Must run before the process
 * has a second thread: capabilities belong to each thread, and threads
 * started later inherit the caller's.  Sets `*warn` to a message worth
 * logging (running as root without User), else to "".
 */
int	priv_drop(const struct priv_ids *ids, char *warn, size_t warnlen,
	    char *err, size_t errlen);

#endif
