/*
 * The host checks of a loaded configuration (hostcheck.h).  One function
 * per kind of fact; hostcheck_server() calls one per [server] key, so a
 * new key that names something of the host (a user, a group) is one
 * more call there.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_auth.h"
#include "hostcheck.h"
#include "priv.h"
#include "ifaddr.h"
#include "lease_db.h"
#include "pool.h"

/* Lets a socket bind to an address the host does not (yet) have. */
#define NONLOCAL_BIND	"/proc/sys/net/ipv4/ip_nonlocal_bind"

struct hostcheck {
	struct cfg_file	*f;		/* the file: lines, the error list */
	struct config_errors *warns;
	bool		 have_ifs;	/* ifs was read */
	struct ifaddr_table ifs;
	bool		 nonlocal;	/* any address can be bound */
	bool		 creates_dirs;	/* root with User: the start makes
					   missing directories */
};

static bool
nonlocal_bind(void)
{
	FILE	*fp;
	int	 c;

	if ((fp = fopen(NONLOCAL_BIND, "re")) == NULL)
		return false;
	c = fgetc(fp);
	fclose(fp);
	return c == '1';
}

struct hostcheck *
hostcheck_begin(const char *path, struct config_errors *errs,
    struct config_errors *warns)
{
	struct hostcheck *h;
	struct cfg_file	*f;
	char	 e2[256];

	memset(warns, 0, sizeof(*warns));
	if ((f = cfg_file_load(path, errs)) == NULL)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		cfg_error(f, NULL, NULL, "out of memory");
		cfg_file_free(f);
		return NULL;
	}
	h->f = f;
	h->warns = warns;
	if (ifaddr_load(&h->ifs, e2, sizeof(e2)) < 0)
		cfg_error(h->f, NULL, NULL, "cannot read this host's "
		    "addresses: %s", e2);
	else
		h->have_ifs = true;
	h->nonlocal = nonlocal_bind();
	return h;
}

int
hostcheck_end(struct hostcheck *h)
{
	size_t	 n = cfg_file_nerrors(h->f);

	cfg_file_free(h->f);
	ifaddr_free(&h->ifs);
	free(h);
	return n > 0 ? -1 : 0;
}

/*
 * An address to bind to must be the host's: bind() refuses any other
 * (EADDRNOTAVAIL) unless the host allows non-local binds.  0.0.0.0 is
 * every address.
 */
static void
check_local(struct hostcheck *h, const char *key, uint32_t addr)
{
	char	 a[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(addr) };

	if (addr == 0 || !h->have_ifs || h->nonlocal ||
	    ifaddr_is_local(&h->ifs, addr))
		return;
	cfg_error_novalue(h->f, "server", key, "%s is not an address of "
	    "this host", inet_ntop(AF_INET, &in, a, sizeof(a)));
}

static void
check_interfaces(struct hostcheck *h, const struct cfg_server *s)
{
	char	 why[128];

	if (!h->have_ifs)
		return;
	for (size_t i = 0; i < s->ninterfaces; i++)
		if (!ifaddr_servable(&h->ifs, s->interfaces[i], why,
		    sizeof(why)))
			cfg_error_novalue(h->f, "server", "Interfaces", "%s",
			    why);
}

static void
check_state_dir(struct hostcheck *h, const char *dir)
{
	char	 why[CFG_PATH_MAX * 2 + 128];

	if (lease_env_check(dir, why, sizeof(why)) < 0)
		cfg_error_novalue(h->f, "server", "StateDir", "%s", why);
}

/*
 * The daemon creates the file at path (the control socket, the pid
 * file) but not its directory: that must exist and let us create
 * files.  An existing pid file is opened for writing instead.
 */
static void
check_dir_of(struct hostcheck *h, const char *key, const char *path,
    bool reuse)
{
	char		 dir[CFG_PATH_MAX], *slash;
	struct stat	 st;

	if (reuse && stat(path, &st) == 0) {
		if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == -1)
			cfg_error_novalue(h->f, "server", key, "%s: %s", path,
			    strerror(errno));
		return;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return;		/* the loader wants an absolute path */
	/* "/a/b" is in "/a", "/a" in "/". */
	slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &st) == -1 && errno == ENOENT && h->creates_dirs)
		return;
	if (stat(dir, &st) == -1)
		cfg_error_novalue(h->f, "server", key, "%s: directory %s: %s",
		    path, dir, errno == ENOENT ? "does not exist" :
		    strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		cfg_error_novalue(h->f, "server", key, "%s: %s is not a "
		    "directory", path, dir);
	else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == -1)
		cfg_error_novalue(h->f, "server", key, "%s: cannot create "
		    "files in %s: %s", path, dir, strerror(errno));
}

/* A group a control socket is given to exists. */
static void
check_group(struct hostcheck *h, const char *key, const char *group)
{
	char	 why[256];
	gid_t	 gid;

	if (group[0] != '\0' && priv_group_id(group, &gid, why,
	    sizeof(why)) < 0)
		cfg_error_novalue(h->f, "server", key, "%s", why);
}

/* User, Group, ControlSocketGroup, ReadOnlyGroup name what this host
 * has (priv.h). */
static void
check_identity(struct hostcheck *h, const struct cfg_server *s)
{
	struct priv_ids	 ids;
	const char	*key;
	char		 why[256];

	if (priv_resolve(s->user, s->group, &ids, &key, why, sizeof(why)) < 0)
		cfg_error_novalue(h->f, "server", key, "%s", why);
	check_group(h, "ControlSocketGroup", s->control_group);
	check_group(h, "ReadOnlyGroup", s->ro_group);
}

void
hostcheck_server(struct hostcheck *h, const struct cfg_server *s)
{
	/* Root with User: the start creates the missing directories for
	 * User (priv_prepare_dirs), then checks again as User. */
	h->creates_dirs = geteuid() == 0 && s->user[0] != '\0';
	check_identity(h, s);
	check_local(h, "ServerAddress", s->server_addr);
	check_interfaces(h, s);
	if (s->metrics_port != 0)
		check_local(h, "MetricsListen", s->metrics_addr);
	check_state_dir(h, s->state_dir);
	check_dir_of(h, "ControlSocket", s->control_socket, false);
	if (s->control_socket_ro[0] != '\0')
		check_dir_of(h, "ControlSocketReadOnly", s->control_socket_ro,
		    false);
	check_dir_of(h, "PidFile", s->pid_file, true);
}

void
hostcheck_key_file(struct hostcheck *h, const char *section,
    const char *key, const char *path, const char *consequence)
{
	struct fo_key	 k;
	char		 why[CFG_PATH_MAX * 2 + 128];

	if (fo_key_load(path, &k, why, sizeof(why)) == 0) {
		fo_key_clear(&k);
		return;
	}
	/* The loader's message names the path and, for the mode, the fix. */
	config_errors_push(h->warns, cfg_format_novalue(h->f, section, key,
	    "%s: %s", why, consequence));
}

void
hostcheck_subnets(struct hostcheck *h, const struct config *cfg)
{
	char	 section[CFG_NAME_MAX + 8];
	uint64_t n;

	for (size_t i = 0; i < cfg->nsubnets; i++) {
		if (pool_subnet_fits(&cfg->subnets[i], &n))
			continue;
		snprintf(section, sizeof(section), "subnet:%s",
		    cfg->subnets[i].name);
		cfg_error_novalue(h->f, section, "Range", "%llu addresses, "
		    "more than the limit of %u for one subnet",
		    (unsigned long long)n, POOL_MAX_ADDRS);
	}
}
