/*
 * The daemons' shared command line (daemon.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "control.h"
#include "daemon.h"
#include "exitcodes.h"
#include "log.h"
#include "priv.h"
#include "version.h"

/* Asked for (--help, -h): on stdout, success; else stderr, EXIT_USAGE. */
static void
usage(const char *prog, bool asked)
{
	fprintf(asked ? stdout : stderr,
	    "usage: %s -c FILE [-f] [-t] [-d]\n"
	    "  -c FILE        configuration file (INI)\n"
	    "  -f             stay in the foreground, log to stderr\n"
	    "  -t             check the configuration and exit\n"
	    "  -d             debug logging\n"
	    "  -V, --version  print the version and exit\n"
	    "  -h, --help     print this and exit\n", prog);
	exit(asked ? EXIT_OK : EXIT_USAGE);
}

void
daemon_opts_parse(const char *prog, int argc, char **argv,
    struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*o = (struct daemon_opts){ 0 };
	while ((ch = getopt_long(argc, argv, "c:ftdVh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->cfgpath = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 't':
			o->test_only = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'V':
			printf("%s %s\n", prog, DHCPFO_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(prog, true);
			break;
		default:
			usage(prog, false);
		}
	}
	if (o->cfgpath == NULL || optind != argc)
		usage(prog, false);
}

void
daemon_signals_start(struct ev_loop *loop, struct daemon_signals *s,
    void (*stop)(struct ev_loop *, ev_signal *, int),
    void (*reload)(struct ev_loop *, ev_signal *, int), void *data)
{
	ev_signal_init(&s->term, stop, SIGTERM);
	ev_signal_init(&s->intr, stop, SIGINT);
	ev_signal_init(&s->hup, reload, SIGHUP);
	s->term.data = s->intr.data = s->hup.data = data;
	ev_signal_start(loop, &s->term);
	ev_signal_start(loop, &s->intr);
	ev_signal_start(loop, &s->hup);
	signal(SIGPIPE, SIG_IGN);
}

void
daemon_signals_stop(struct ev_loop *loop, struct daemon_signals *s)
{
	ev_signal_stop(loop, &s->term);
	ev_signal_stop(loop, &s->intr);
	ev_signal_stop(loop, &s->hup);
}

void
daemon_privileges(const struct cfg_server *s)
{
	struct priv_ids ids_s, *ids = &ids_s;
	char	 err[512], warn[256], store[4096 + 2];
	const char *paths[] = { s->pid_file, s->control_socket,
	    s->control_socket_ro, store, NULL };
	const char *key;

	/* A name inside StateDir, so StateDir itself is prepared. */
	snprintf(store, sizeof(store), "%s/.", s->state_dir);
	if (priv_resolve(s->user, s->group, s->control_group, ids, &key, err,
	    sizeof(err)) < 0)
		fatal(EXIT_CONFIG, "[server] %s: %s", key, err);
	if (priv_prepare_dirs(ids, paths, err, sizeof(err)) < 0 ||
	    priv_drop(ids, warn, sizeof(warn), err, sizeof(err)) < 0)
		fatal(EXIT_SYSTEM, "%s", err);
	if (warn[0] != '\0')
		log_warn("%s", warn);
	if (ids->switch_user)
		log_info("running as %s (uid %u, gid %u) with "
		    "CAP_NET_BIND_SERVICE and CAP_NET_RAW only", ids->user,
		    (unsigned)ids->uid, (unsigned)ids->gid);
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
