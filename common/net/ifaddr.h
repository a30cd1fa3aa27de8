/*
 * The host's IPv4 interface addresses, read once with getifaddrs(3) into a
 * table the caller owns (one per thread; reload it on RTM_NEWADDR or on
 * SIGHUP).  The DHCP server uses it to learn, for a directly attached
 * client, which of our addresses is on the client's subnet: that is the
 * server identifier and the source of the reply (RFC 2131 4.1).
 *
 * Addresses are in host byte order, like the rest of dhcpfo.
 */
#ifndef DHCPFO_IFADDR_H
#define DHCPFO_IFADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * IF_NAMESIZE, spelled out so this header does not pull in <net/if.h>,
 * which clashes with <linux/if.h> in files that need the latter.
 */
#define IFADDR_NAMESIZE	16

/* One (interface, address) pair; an interface with aliases has several. */
struct ifaddr_entry {
	char		name[IFADDR_NAMESIZE];	/* device, without ":label" */
	unsigned int	ifindex;
	uint32_t	addr;
	uint32_t	netmask;
	uint32_t	broadcast;		/* directed; 0 unless IFF_BROADCAST */
	unsigned int	flags;			/* IFF_* of the device */
};

struct ifaddr_table {
	struct ifaddr_entry	*v;	/* in getifaddrs() order */
	size_t			 n;
};

/*
 * Fills t (which must be zeroed or freed) with every IPv4 address of
 * every interface, up or down.  Returns 0, or -1 with a message in err.
 */
int	ifaddr_load(struct ifaddr_table *t, char *err, size_t errlen);
void	ifaddr_free(struct ifaddr_table *t);

/* First address of the interface (its primary), or NULL. */
const struct ifaddr_entry *ifaddr_by_index(const struct ifaddr_table *t,
	    unsigned int ifindex);
const struct ifaddr_entry *ifaddr_by_name(const struct ifaddr_table *t,
	    const char *name);
/* The entry holding exactly this local address, or NULL. */
const struct ifaddr_entry *ifaddr_by_addr(const struct ifaddr_table *t,
	    uint32_t addr);

/*
 * Our address on interface ifindex whose subnet contains peer (the most
 * specific one if several match), or NULL.  ifindex 0 searches every
 * interface.  A peer of 0.0.0.0 (a client without an address yet) matches
 * nothing: use ifaddr_by_index() for it.
 */
const struct ifaddr_entry *ifaddr_on_subnet(const struct ifaddr_table *t,
	    unsigned int ifindex, uint32_t peer);

/*
 * The address to answer from for a packet received on ifindex: our
 * address on peer's subnet if there is one, else the interface's primary
 * address, else 0.
 */
uint32_t ifaddr_source_for(const struct ifaddr_table *t, unsigned int ifindex,
	    uint32_t peer);

/*
 * Can the interface called name be served directly?  It must exist and
 * hold an IPv4 address: replies on it come from that address
 * (ifaddr_source_for()).  If not, false with the reason, naming the
 * interface, in why ("no interface 'eth9' on this host").
 */
bool	ifaddr_servable(const struct ifaddr_table *t, const char *name,
	    char *why, size_t whylen);

/*
 * Is addr an address of this host, one a socket can bind to: one of
 * the table's, or inside a loopback interface's prefix?
 */
bool	ifaddr_is_local(const struct ifaddr_table *t, uint32_t addr);

/* True if the interface is up and can carry broadcasts. */
bool	ifaddr_is_broadcast_capable(const struct ifaddr_entry *e);

#endif
