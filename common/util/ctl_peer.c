/*
 * The peer check of control connections (SO_PEERCRED): the peer's
 * supplementary groups come from /proc/PID/status, which shows the
 * process's groups as they are rather than as the group database says
 * they would be at its next login; when that cannot be read (another
 * pid namespace, a hidden /proc) the group database decides.
 */
#include <sys/socket.h>

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_peer.h"

/* 1 if the Groups: line of pid lists gid, 0 if not, -1 if unreadable. */
static int
proc_has_group(pid_t pid, gid_t gid)
{
	char	 path[64], line[4096], *p, *end;
	FILE	*f;
	int	 rc = -1;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		rc = 0;
		for (p = line + 7; ; p = end) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			if ((gid_t)g == gid)
				rc = 1;
		}
		break;
	}
	fclose(f);
	return rc;
}

/* Whether the group database makes user uid a member of gid. */
static bool
db_has_group(uid_t uid, gid_t gid)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];
	gid_t		 groups[256];
	int		 n = (int)(sizeof(groups) / sizeof(groups[0]));

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

bool
ctl_peer_allowed(int fd, gid_t gid, uid_t *uid, pid_t *pid)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	int		 in;

	*uid = (uid_t)-1;
	*pid = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	*uid = cr.uid;
	*pid = cr.pid;
	if (cr.uid == 0 || cr.uid == geteuid() || cr.gid == gid)
		return true;
	if ((in = proc_has_group(cr.pid, gid)) >= 0)
		return in == 1;
	return db_has_group(cr.uid, gid);
}
