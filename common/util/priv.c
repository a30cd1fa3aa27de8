/*
 * Switching user and keeping two capabilities (priv.h).  libcap does the
 * capability sets; the order of the steps in drop_to_user() is the
 * whole point of this file.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

static bool
is_kept(cap_value_t c)
{
	return c == CAP_NET_BIND_SERVICE || c == CAP_NET_RAW;
}

int
priv_group_id(const char *name, gid_t *gid, char *err, size_t errlen)
{
	struct group	 gr, *res = NULL;
	char		 buf[4096];
	int		 rc;

	rc = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (res == NULL) {
		snprintf(err, errlen, "no group '%s' on this host%s%s", name,
		    rc != 0 ? ": " : "", rc != 0 ? strerror(rc) : "");
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

int
priv_resolve(const char *user, const char *group, struct priv_ids *ids,
    const char **key, char *err, size_t errlen)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];
	int		 rc;

	memset(ids, 0, sizeof(*ids));
	*key = "User";
	if (user[0] != '\0') {
		rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
		if (res == NULL) {
			snprintf(err, errlen, "no user '%s' on this host%s%s",
			    user, rc != 0 ? ": " : "",
			    rc != 0 ? strerror(rc) : "");
			return -1;
		}
		if (pw.pw_uid == 0) {
			snprintf(err, errlen, "'%s' is root; name an "
			    "unprivileged user or leave User empty", user);
			return -1;
		}
		ids->switch_user = true;
		ids->uid = pw.pw_uid;
		ids->gid = pw.pw_gid;
		snprintf(ids->user, sizeof(ids->user), "%s", user);
	}
	*key = "Group";
	if (group[0] != '\0' && !ids->switch_user) {
		snprintf(err, errlen, "needs User");
		return -1;
	}
	if (group[0] != '\0' &&
	    priv_group_id(group, &ids->gid, err, errlen) < 0)
		return -1;
	*key = NULL;
	return 0;
}

/* mkdir -p of path's directory, new components owned by ids. */
static int
prepare_dir_of(const struct priv_ids *ids, const char *path, char *err,
    size_t errlen)
{
	char	 dir[PATH_MAX];
	char	*slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    (slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char	 c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (chown(dir, ids->uid, ids->gid) < 0) {
				snprintf(err, errlen, "chown %s: %s", dir,
				    strerror(errno));
				return -1;
			}
		} else if (errno != EEXIST) {
			snprintf(err, errlen, "mkdir %s: %s", dir,
			    strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

int
priv_prepare_dirs(const struct priv_ids *ids, const char *const *paths,
    char *err, size_t errlen)
{
	if (!ids->switch_user || geteuid() != 0)
		return 0;
	for (size_t i = 0; paths[i] != NULL; i++)
		if (prepare_dir_of(ids, paths[i], err, errlen) < 0)
			return -1;
	return 0;
}

/*
 * Every capability but the kept ones leaves the permitted, effective,
 * inheritable and ambient sets; the kept ones the process holds become
 * effective.  Nothing is asked of the kernel when that changes nothing:
 * a service manager that granted exactly the two (the packaged units)
 * may also forbid capset(2).  One kept capability the process lacks is
 * named in `warn`: binding a port below 1024 or the packet socket then
 * fails with its own error.
 */
static int
keep_only(char *warn, size_t warnlen, char *err, size_t errlen)
{
	cap_flag_value_t v;
	cap_t		 cur, want = NULL;
	int		 rc = -1;

	if ((cur = cap_get_proc()) == NULL || (want = cap_dup(cur)) == NULL)
		goto out;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		if (!CAP_IS_SUPPORTED(c))
			continue;
		if (is_kept(c)) {
			if (cap_get_flag(cur, c, CAP_PERMITTED, &v) < 0 ||
			    cap_set_flag(want, CAP_EFFECTIVE, 1, &c, v) < 0)
				goto out;
			if (v != CAP_SET)
				snprintf(warn, warnlen, "running without %s",
				    c == CAP_NET_RAW ? "CAP_NET_RAW" :
				    "CAP_NET_BIND_SERVICE");
			continue;
		}
		if (CAP_AMBIENT_SUPPORTED() && cap_get_ambient(c) == 1 &&
		    cap_set_ambient(c, CAP_CLEAR) < 0)
			goto out;
		if (cap_set_flag(want, CAP_PERMITTED, 1, &c, CAP_CLEAR) < 0 ||
		    cap_set_flag(want, CAP_EFFECTIVE, 1, &c, CAP_CLEAR) < 0 ||
		    cap_set_flag(want, CAP_INHERITABLE, 1, &c, CAP_CLEAR) < 0)
			goto out;
	}
	if (cap_compare(cur, want) != 0 && cap_set_proc(want) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		snprintf(err, errlen, "cannot set capabilities: %s",
		    strerror(errno));
	if (cur != NULL)
		cap_free(cur);
	if (want != NULL)
		cap_free(want);
	return rc;
}

/* Root to ids.  The bounding set goes first, while CAP_SETPCAP is still
 * ours; KEEPCAPS lets the permitted set survive setresuid(), which would
 * otherwise clear it; keep_only() then cuts it to the two. */
static int
drop_to_user(const struct priv_ids *ids, char *warn, size_t warnlen,
    char *err, size_t errlen)
{
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
		if (!is_kept(c) && CAP_IS_SUPPORTED(c) &&
		    cap_drop_bound(c) < 0) {
			snprintf(err, errlen, "cannot drop capability %d from "
			    "the bounding set: %s", (int)c, strerror(errno));
			return -1;
		}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    initgroups(ids->user, ids->gid) < 0 ||
	    setresgid(ids->gid, ids->gid, ids->gid) < 0 ||
	    setresuid(ids->uid, ids->uid, ids->uid) < 0) {
		snprintf(err, errlen, "cannot switch to user %s (uid %u, gid "
		    "%u): %s", ids->user, (unsigned)ids->uid,
		    (unsigned)ids->gid, strerror(errno));
		return -1;
	}
	if (keep_only(warn, warnlen, err, errlen) < 0)
		return -1;
	(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* Proof, not politeness: a way back would mean the switch failed. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "user switch to %s could be undone",
		    ids->user);
		return -1;
	}
	return 0;
}

int
priv_drop(const struct priv_ids *ids, char *warn, size_t warnlen,
    char *err, size_t errlen)
{
	warn[0] = '\0';
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (geteuid() == 0 && getuid() == 0) {
		if (ids->switch_user)
			return drop_to_user(ids, warn, warnlen, err, errlen);
		snprintf(warn, warnlen, "running as root: set [server] User "
		    "to run with two capabilities only (docs/deploy.md)");
		return 0;
	}
	if (ids->switch_user && getuid() != ids->uid) {
		snprintf(err, errlen, "[server] User is %s but the daemon was "
		    "started as uid %u, not root: it cannot switch user",
		    ids->user, (unsigned)getuid());
		return -1;
	}
	return keep_only(warn, warnlen, err, errlen);
}
