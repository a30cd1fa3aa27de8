/*
 * INI configuration (iniparser), validated whole at load.
 *
 * Each key has a spec (type, range, default, meaning).  Loading reports
 * every error, each naming file, section, key, value and the allowed
 * range, then fails; nothing is half-applied.  Unknown sections and keys
 * are errors too, so a typo never silently falls back to a default.
 */
#ifndef DHCPFO_CONFIG_H
#define DHCPFO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"

#define CFG_NAME_MAX		64
#define CFG_PATH_MAX		256
#define CFG_MAX_RANGES		32
#define CFG_MAX_EXCLUDES	256
#define CFG_MAX_ADDRS		8	/* routers, DNS, NTP servers */
#define CFG_MAX_IFACES		16
#define CFG_DOMAIN_MAX		128

struct cfg_range {
	uint32_t	lo, hi;		/* inclusive, host order */
};

struct cfg_subnet {
	char		name[CFG_NAME_MAX];	/* from [subnet:NAME] */
	char		primary[CFG_NAME_MAX];	/* failover.ini only */
	uint32_t	network;		/* host order */
	uint32_t	mask;
	uint8_t		prefix;
	size_t		nranges;
	struct cfg_range ranges[CFG_MAX_RANGES];
	size_t		nexcludes;
	uint32_t	excludes[CFG_MAX_EXCLUDES];
	size_t		nrouters, ndns, nntp;
	uint32_t	routers[CFG_MAX_ADDRS];
	uint32_t	dns[CFG_MAX_ADDRS];
	uint32_t	ntp[CFG_MAX_ADDRS];
	char		domain_name[CFG_DOMAIN_MAX];	/* "" = none */
	uint32_t	broadcast;		/* default: from network/mask */
	uint32_t	lease_time;		/* LeaseTime, seconds */
	uint32_t	min_lease_time;		/* MinLeaseTime */
	uint32_t	max_lease_time;		/* MaxLeaseTime */
	double		t1_ratio;		/* RenewalPercent / 100 */
	double		t2_ratio;		/* RebindingPercent / 100 */
};

struct cfg_host {
	char		name[CFG_NAME_MAX];	/* from [host:NAME] */
	uint8_t		htype;			/* 1 when HardwareAddress set */
	uint8_t		hlen;			/* 0 when matched by ClientId */
	uint8_t		hwaddr[DHCP_CHADDR_LEN];
	size_t		cid_len;
	uint8_t		cid[255];
	uint32_t	addr;
	char		hostname[CFG_NAME_MAX];	/* Hostname, optional */
};

/* [failover] of primary.ini (used from the failover work on). */
struct cfg_primary_failover {
	bool		use_failover;		/* UseFailoverServer */
	uint32_t	server;			/* FailoverServer */
	uint16_t	port;			/* FailoverPort */
	char		key_file[CFG_PATH_MAX];	/* SharedKeyFile */
	unsigned	ctl_req_retry_max;	/* CtlReqRetryMax 0..10 */
	double		wait_ctl_ret_secs;	/* WaitCtlRetSecs 0..3600 */
	unsigned	sync_bind_retry_max;	/* SyncBindRetryMax 0..10 */
	unsigned	sync_binding_buf_size;	/* SyncBindingBufSize 64..4096 */
	double		wait_sync_bind_ack_secs;
	double		wait_sync_bind_update_secs;
};

struct cfg_server {
	char		name[CFG_NAME_MAX];	/* Name */
	uint32_t	server_addr;		/* ServerAddress */
	size_t		ninterfaces;
	char		interfaces[CFG_MAX_IFACES][16];	/* Interfaces */
	uint16_t	dhcp_port;		/* DhcpPort (client port = +1) */
	char		state_dir[CFG_PATH_MAX];	/* StateDir */
	char		control_socket[CFG_PATH_MAX];	/* ControlSocket */
	char		pid_file[CFG_PATH_MAX];	/* PidFile */
	bool		ping_before_assign;	/* PingBeforeAssign */
	unsigned	ping_attempts;		/* PingAttempts 1..10 */
	unsigned	ping_send_delay_ms;	/* PingSendDelay, ms 1..10000 */
	uint32_t	max_pending_secs;	/* MaxPendingSeconds */
	uint32_t	max_unavailable_time;	/* MaxUnavailableTime */
	bool		authoritative;		/* Authoritative */
	unsigned	commit_batch_max;	/* CommitBatchMax */
	char		log_facility[16];	/* LogFacility */
};

struct config {
	char		path[CFG_PATH_MAX];
	struct cfg_server server;
	struct cfg_primary_failover failover;
	size_t		nsubnets;
	struct cfg_subnet *subnets;
	size_t		nhosts;
	struct cfg_host	*hosts;
};

/* One error message per line, in the order found. */
struct config_errors {
	size_t		count;
	char		**msgs;
};

/*
 * Load and validate a primary.ini.  Returns 0 and fills *cfg on success;
 * on failure returns -1, *cfg is left empty and errs holds every problem.
 * Messages look like:
 *   primary.ini: [subnet:lan1] LeaseTime = "abc": not a number
 *   primary.ini: [failover] SyncBindingBufSize = 10: must be 64..4096
 */
int	config_load_primary(const char *path, struct config *cfg,
	    struct config_errors *errs);
void	config_free(struct config *cfg);
void	config_errors_free(struct config_errors *errs);

/* Lookups used by the server. */
const struct cfg_subnet *config_subnet_for(const struct config *cfg,
	    uint32_t addr);

#endif
