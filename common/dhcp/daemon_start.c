/*
 * Start-up with [server]: privileges and control sockets
 * (daemon_start.h).
 */
#include <stdio.h>

#include "daemon_start.h"
#include "exitcodes.h"
#include "log.h"
#include "priv.h"

void
daemon_privileges(const struct cfg_server *s)
{
	struct priv_ids ids;
	char	 err[512], warn[256], store[CFG_PATH_MAX + 2];
	const char *paths[] = { s->pid_file, s->control_socket,
	    s->control_socket_ro, store, NULL };
	const char *key;

	/* A name inside StateDir, so StateDir itself is prepared. */
	snprintf(store, sizeof(store), "%s/.", s->state_dir);
	if (priv_resolve(s->user, s->group, &ids, &key, err, sizeof(err)) < 0)
		fatal(EXIT_CONFIG, "[server] %s: %s", key, err);
	if (priv_prepare_dirs(&ids, paths, err, sizeof(err)) < 0 ||
	    priv_drop(&ids, warn, sizeof(warn), err, sizeof(err)) < 0)
		fatal(EXIT_SYSTEM, "%s", err);
	if (warn[0] != '\0')
		log_warn("%s", warn);
	if (ids.switch_user)
		log_info("running as %s (uid %u, gid %u) with "
		    "CAP_NET_BIND_SERVICE and CAP_NET_RAW only", ids.user,
		    (unsigned)ids.uid, (unsigned)ids.gid);
}

/* Gives the control socket to group ("" = none: the daemon's group). */
static int
ctl_group(struct ctl_server *ctl, const char *group, char *err,
    size_t errlen)
{
	gid_t	 gid;

	if (group[0] == '\0')
		return 0;
	if (priv_group_id(group, &gid, err, errlen) < 0)
		return -1;
	return ctl_set_group(ctl, gid, group, err, errlen);
}

int
daemon_ctl_open(struct ev_loop *loop, const struct cfg_server *s,
    ctl_handler *handler, void *arg, struct ctl_server **admin,
    struct ctl_server **ro, char *err, size_t errlen)
{
	*admin = *ro = NULL;
	*admin = ctl_open(loop, s->control_socket, handler, arg, err, errlen);
	if (*admin == NULL ||
	    ctl_group(*admin, s->control_group, err, errlen) < 0)
		goto fail;
	if (s->control_socket_ro[0] == '\0')
		return 0;
	*ro = ctl_open(loop, s->control_socket_ro, handler, arg, err, errlen);
	if (*ro == NULL || ctl_group(*ro, s->ro_group, err, errlen) < 0)
		goto fail;
	ctl_set_read_only(*ro, s->control_socket);
	return 0;
fail:
	ctl_close(*ro);
	ctl_close(*admin);
	*admin = *ro = NULL;
	return -1;
}
