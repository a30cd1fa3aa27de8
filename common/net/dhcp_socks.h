/*
 * The sockets a DHCP server listens on, the same in both daemons: one on
 * ServerAddress for relayed traffic (it arrives unicast at our address),
 * and for directly attached clients, who broadcast, one wildcard socket
 * bound to each served interface, so we never answer on a link we were
 * not told to serve.  With them, the interface table that names a direct
 * client's link by the interface its request came in on (RFC 2131 4.3.1).
 */
#ifndef DHCPFO_DHCP_SOCKS_H
#define DHCPFO_DHCP_SOCKS_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ifaddr.h"

/* Interfaces a server may serve directly (Interfaces in [server]). */
#define DHCP_SOCKS_IFACES	16
#define DHCP_SOCKS_MAX		(1 + DHCP_SOCKS_IFACES)

struct dhcp_sock {
	int		 fd;
	ev_io		 w;		/* w.data: this dhcp_sock */
	void		*owner;		/* the daemon, for the callback */
	bool		 relay;		/* bound to ServerAddress */
	char		 ifname[16];	/* device-bound socket, else "" */
};

/* The interface table is read again at most this often (seconds). */
#define DHCP_SOCKS_RELOAD_SECS	1.0

struct dhcp_socks {
	struct dhcp_sock v[DHCP_SOCKS_MAX];
	size_t		 n;
	struct ifaddr_table ifs;
	struct ev_loop	*loop;
	ev_tstamp	 loaded_at;	/* when ifs was read */
	uint64_t	 reloads;	/* ifs read again since the open */
};

/*
 * Opens and starts them on loop: `addr:port` for relays, and a socket for
 * each of the nif interface names.  cb reads; a socket's owner is `owner`.
 * 0, or -1 with err filled (what was opened stays for dhcp_socks_close).
 */
int		 dhcp_socks_open(struct dhcp_socks *, struct ev_loop *,
		    uint32_t addr, uint16_t port, const char (*ifnames)[16],
		    size_t nif, void (*cb)(struct ev_loop *, ev_io *, int),
		    void *owner, char *err, size_t errlen);
void		 dhcp_socks_close(struct dhcp_socks *, struct ev_loop *);
/* Index of s in socks->v. */
size_t		 dhcp_socks_index(const struct dhcp_socks *,
		    const struct dhcp_sock *s);
/*
 * Our address on interface ifindex, or 0.  The table is read again when
 * ifindex is unknown (interfaces may have been configured since), at
 * most every DHCP_SOCKS_RELOAD_SECS: reading it is a netlink dump of
 * every address, and a stream of packets from an interface we do not
 * know must not cost one each.
 */
uint32_t	 dhcp_socks_iface_addr(struct dhcp_socks *,
		    unsigned int ifindex);

#endif
