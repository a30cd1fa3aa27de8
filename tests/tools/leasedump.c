/*
 * leasedump: print the leases of a stopped daemon's store, one JSON object
 * per line, for crash and end-to-end tests.
 *
 *	leasedump [-m] [-c primary.ini] STATEDIR [DBNAME]
 *
 * Without DBNAME every store in STATEDIR is dumped.  Opening the
 * environment runs recovery, exactly as the daemon's next start would, so
 * what is printed is what the daemon would find.  The environment is
 * locked while in use: against a running daemon this fails, by design.
 *
 * Each line has the fields of `dhcpfoctl leases --json` (address, state,
 * hwaddr, client_id, hostname, starts, ends; "subnet" only with -c, since
 * subnet names live in the configuration) plus db, client_key (the whole
 * identity, hex), htype, cltt and seq.  -m adds one line per store
 * first: {"db", "store_id", "last_seq"}.
 *
 * Exit: 0 done, 1 usage or open error, 2 done but corrupt records were
 * skipped (each named on stderr).
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lease_db.h"
#include "log.h"

struct dump {
	struct lease_env *env;
	const char	*name;
	bool		 meta;
	struct config	*cfg;		/* -c, or NULL */
	unsigned long	 corrupt;
	int		 err;		/* first open/walk error */
};

static void
usage(void)
{
	fprintf(stderr, "usage: leasedump [-m] [-c primary.ini] STATEDIR "
	    "[DBNAME]\n");
	exit(1);
}

static void
put_hex(const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* JSON string body: escape quotes, backslash, anything not printable. */
static void
put_json_str(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
}

static int
print_lease(const struct lease *l, void *arg)
{
	struct dump	*d = arg;
	const struct cfg_subnet *sn;
	struct in_addr	 in;
	char		 addr[INET_ADDRSTRLEN], hw[3 * DHCP_CHADDR_LEN];

	in.s_addr = htonl(l->addr);
	inet_ntop(AF_INET, &in, addr, sizeof(addr));
	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	printf("{\"address\":\"%s\"", addr);
	if (d->cfg != NULL) {
		if ((sn = config_subnet_for(d->cfg, l->addr)) != NULL) {
			printf(",\"subnet\":\"");
			put_json_str(sn->name);
			printf("\"");
		} else
			printf(",\"subnet\":null");
	}
	printf(",\"state\":\"%s\",\"hwaddr\":\"%s\",\"client_id\":\"",
	    lease_state_name((enum lease_state)l->state), hw);
	/* As dhcpfoctl: option 61 when the identity came from it. */
	if (l->key.len > 1 && l->key.bytes[0] == 'C')
		put_hex(l->key.bytes + 1, l->key.len - 1u);
	printf("\",\"hostname\":\"");
	put_json_str(l->hostname);
	printf("\",\"starts\":%" PRId64 ",\"ends\":%" PRId64 ",\"db\":\"%s\","
	    "\"client_key\":\"", l->starts, l->ends, d->name);
	put_hex(l->key.bytes, l->key.len);
	printf("\",\"htype\":%u,\"cltt\":%" PRId64 ",\"seq\":%" PRIu64 "}\n",
	    l->htype, l->cltt, l->seq);
	return 0;
}

static void
note_corrupt(uint32_t addr, void *arg)
{
	struct dump	*d = arg;
	struct in_addr	 in;
	char		 a[INET_ADDRSTRLEN];

	d->corrupt++;
	in.s_addr = htonl(addr);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	fprintf(stderr, "leasedump: %s: corrupt record at %s skipped\n",
	    d->name, addr != 0 ? a : "(bad key)");
}

static int
dump_db(const char *name, void *arg)
{
	struct dump	*d = arg;
	struct lease_db	*db;
	uint8_t		 id[LEASE_DB_STORE_ID_LEN];
	char		 err[512];
	int		 ret;

	d->name = name;
	if ((db = lease_db_open(d->env, name, err, sizeof(err))) == NULL) {
		fprintf(stderr, "leasedump: %s\n", err);
		if (d->err == 0)
			d->err = 1;
		return 0;		/* go on with the other stores */
	}
	if (d->meta) {
		lease_db_store_id(db, id);
		printf("{\"db\":\"%s\",\"store_id\":\"", name);
		put_hex(id, sizeof(id));
		printf("\",\"last_seq\":%" PRIu64 "}\n", lease_db_last_seq(db));
	}
	lease_db_set_corrupt_cb(db, note_corrupt, d);
	if ((ret = lease_db_foreach(db, print_lease, d)) != 0) {
		fprintf(stderr, "leasedump: %s: %s\n", name,
		    lease_db_strerror(ret));
		if (d->err == 0)
			d->err = 1;
	}
	lease_db_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dump	 d;
	struct stat	 st;
	struct config	 cfg;
	struct config_errors errs;
	const char	*conf = NULL;
	char		 err[512];
	size_t		 i;
	int		 ch;

	memset(&d, 0, sizeof(d));
	while ((ch = getopt(argc, argv, "c:m")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'm':
			d.meta = true;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	/* A tool must not create what it was asked to read. */
	if (stat(argv[0], &st) == -1) {
		fprintf(stderr, "leasedump: %s: %s\n", argv[0],
		    strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "leasedump: %s: not a directory\n", argv[0]);
		return 1;
	}
	log_init("leasedump", true, false);
	if (conf != NULL) {
		if (config_load_primary(conf, &cfg, &errs) != 0) {
			for (i = 0; i < errs.count; i++)
				fprintf(stderr, "leasedump: %s\n",
				    errs.msgs[i]);
			config_errors_free(&errs);
			return 1;
		}
		config_errors_free(&errs);
		d.cfg = &cfg;
	}
	if ((d.env = lease_env_open(argv[0], err, sizeof(err))) == NULL) {
		fprintf(stderr, "leasedump: %s\n", err);
		if (d.cfg != NULL)
			config_free(d.cfg);
		return 1;
	}
	if (argc == 2) {
		if (!lease_db_exists(d.env, argv[1])) {
			fprintf(stderr, "leasedump: %s: no lease store "
			    "\"%s\"\n", argv[0], argv[1]);
			lease_env_close(d.env);
			if (d.cfg != NULL)
				config_free(d.cfg);
			return 1;
		}
		dump_db(argv[1], &d);
	} else if ((d.err = lease_env_foreach_db(d.env, dump_db, &d)) != 0)
		fprintf(stderr, "leasedump: %s: %s\n", argv[0],
		    strerror(d.err));
	if (fflush(stdout) == EOF)
		d.err = 1;
	lease_env_close(d.env);
	if (d.cfg != NULL)
		config_free(d.cfg);
	if (d.err != 0)
		return 1;
	return d.corrupt > 0 ? 2 : 0;
}
