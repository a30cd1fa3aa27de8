/*
 * IPv4 interface addresses from getifaddrs(3).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifaddr.h"

_Static_assert(IFADDR_NAMESIZE == IF_NAMESIZE, "IFADDR_NAMESIZE");

static uint32_t
sin_addr_of(const struct sockaddr *sa)
{
	struct sockaddr_in sin;

	if (sa == NULL || sa->sa_family != AF_INET)
		return 0;
	/* memcpy: getifaddrs gives a struct sockaddr, not a sockaddr_in. */
	memcpy(&sin, sa, sizeof(sin));
	return ntohl(sin.sin_addr.s_addr);
}

int
ifaddr_load(struct ifaddr_table *t, char *err, size_t errlen)
{
	struct ifaddrs		*ifap, *ifa;
	struct ifaddr_entry	*v, *e;
	size_t			 n = 0;
	char			*colon;

	t->v = NULL;
	t->n = 0;
	if (getifaddrs(&ifap) == -1) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next)
		if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET)
			n++;
	if (n == 0) {
		freeifaddrs(ifap);
		return 0;
	}
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "ifaddr table: %s", strerror(errno));
		freeifaddrs(ifap);
		return -1;
	}
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
			continue;
		e = &v[t->n];
		/*
		 * Labelled aliases appear as "eth0:1"; the device is what
		 * SO_BINDTODEVICE and ifindex lookups know.
		 */
		snprintf(e->name, sizeof(e->name), "%s", ifa->ifa_name);
		if ((colon = strchr(e->name, ':')) != NULL)
			*colon = '\0';
		/* The interface may vanish between the two calls: skip it. */
		if ((e->ifindex = if_nametoindex(e->name)) == 0)
			continue;
		e->addr = sin_addr_of(ifa->ifa_addr);
		e->netmask = sin_addr_of(ifa->ifa_netmask);
		e->flags = ifa->ifa_flags;
		if (ifa->ifa_flags & IFF_BROADCAST) {
			e->broadcast = sin_addr_of(ifa->ifa_broadaddr);
			/*
			 * An address added without "brd +" has no
			 * broadcast, and glibc then reports the address
			 * itself: derive the directed broadcast instead
			 * (none for /31 and /32, RFC 3021).
			 */
			if (e->broadcast == 0 || e->broadcast == e->addr)
				e->broadcast = e->netmask < 0xfffffffeu ?
				    (e->addr | ~e->netmask) : 0;
		}
		t->n++;
	}
	freeifaddrs(ifap);
	t->v = v;
	return 0;
}

void
ifaddr_free(struct ifaddr_table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const struct ifaddr_entry *
ifaddr_by_index(const struct ifaddr_table *t, unsigned int ifindex)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].ifindex == ifindex)
			return &t->v[i];
	return NULL;
}

const struct ifaddr_entry *
ifaddr_by_name(const struct ifaddr_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

const struct ifaddr_entry *
ifaddr_by_addr(const struct ifaddr_table *t, uint32_t addr)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].addr == addr)
			return &t->v[i];
	return NULL;
}

const struct ifaddr_entry *
ifaddr_on_subnet(const struct ifaddr_table *t, unsigned int ifindex,
    uint32_t peer)
{
	const struct ifaddr_entry	*e, *best = NULL;
	size_t				 i;

	if (peer == 0)
		return NULL;
	for (i = 0; i < t->n; i++) {
		e = &t->v[i];
		if (ifindex != 0 && e->ifindex != ifindex)
			continue;
		if ((e->addr & e->netmask) != (peer & e->netmask))
			continue;
		/* Longest mask wins: a /28 inside a /24 is more specific. */
		if (best == NULL || e->netmask > best->netmask)
			best = e;
	}
	return best;
}

uint32_t
ifaddr_source_for(const struct ifaddr_table *t, unsigned int ifindex,
    uint32_t peer)
{
	const struct ifaddr_entry *e;

	if ((e = ifaddr_on_subnet(t, ifindex, peer)) != NULL)
		return e->addr;
	if ((e = ifaddr_by_index(t, ifindex)) != NULL)
		return e->addr;
	return 0;
}

bool
ifaddr_servable(const struct ifaddr_table *t, const char *name, char *why,
    size_t whylen)
{
	if (ifaddr_by_name(t, name) != NULL)
		return true;
	if (if_nametoindex(name) == 0)
		snprintf(why, whylen, "no interface '%s' on this host", name);
	else
		snprintf(why, whylen, "interface '%s' has no IPv4 address",
		    name);
	return false;
}

bool
ifaddr_is_local(const struct ifaddr_table *t, uint32_t addr)
{
	const struct ifaddr_entry *e;

	if (ifaddr_by_addr(t, addr) != NULL)
		return true;
	/*
	 * Linux routes the whole prefix of a loopback address to the host
	 * ("local" route), so any of 127.0.0.0/8 can be bound, not only
	 * 127.0.0.1.
	 */
	for (size_t i = 0; i < t->n; i++) {
		e = &t->v[i];
		if ((e->flags & IFF_LOOPBACK) &&
		    (e->addr & e->netmask) == (addr & e->netmask))
			return true;
	}
	return false;
}

bool
ifaddr_is_broadcast_capable(const struct ifaddr_entry *e)
{
	return (e->flags & (IFF_UP | IFF_BROADCAST)) == (IFF_UP | IFF_BROADCAST);
}
