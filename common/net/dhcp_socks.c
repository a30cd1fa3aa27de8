/*
 * A DHCP server's listening sockets and interface table (dhcp_socks.h).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "dhcp_socks.h"
#include "log.h"
#include "netio.h"

static int
add_sock(struct dhcp_socks *s, struct ev_loop *loop, uint32_t addr,
    uint16_t port, const char *ifname,
    void (*cb)(struct ev_loop *, ev_io *, int), void *owner, char *err,
    size_t errlen)
{
	struct dhcp_sock *d = &s->v[s->n];

	if ((d->fd = netio_open_udp(addr, port, ifname, err, errlen)) < 0)
		return -1;
	d->owner = owner;
	d->relay = ifname == NULL;
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname ? ifname : "");
	ev_io_init(&d->w, cb, d->fd, EV_READ);
	d->w.data = d;
	ev_io_start(loop, &d->w);
	s->n++;
	return 0;
}

int
dhcp_socks_open(struct dhcp_socks *s, struct ev_loop *loop, uint32_t addr,
    uint16_t port, const char (*ifnames)[16], size_t nif,
    void (*cb)(struct ev_loop *, ev_io *, int), void *owner, char *err,
    size_t errlen)
{
	char	 e2[256], why[128];

	s->n = 0;
	s->loop = loop;
	s->loaded_at = ev_now(loop);
	s->reloads = 0;
	if (nif > DHCP_SOCKS_IFACES) {
		snprintf(err, errlen, "more than %d interfaces",
		    DHCP_SOCKS_IFACES);
		return -1;
	}
	if (ifaddr_load(&s->ifs, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "interface list: %s", e2);
		return -1;
	}
	if (add_sock(s, loop, addr, port, NULL, cb, owner, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < nif; i++) {
		if (!ifaddr_servable(&s->ifs, ifnames[i], why, sizeof(why))) {
			snprintf(err, errlen, "[server] Interfaces: %s", why);
			return -1;
		}
		if (add_sock(s, loop, INADDR_ANY, port, ifnames[i], cb, owner,
		    err, errlen) < 0)
			return -1;
	}
	return 0;
}

void
dhcp_socks_close(struct dhcp_socks *s, struct ev_loop *loop)
{
	for (size_t i = 0; i < s->n; i++) {
		ev_io_stop(loop, &s->v[i].w);
		close(s->v[i].fd);
	}
	s->n = 0;
	ifaddr_free(&s->ifs);
}

size_t
dhcp_socks_index(const struct dhcp_socks *s, const struct dhcp_sock *d)
{
	return (size_t)(d - s->v);
}

uint32_t
dhcp_socks_iface_addr(struct dhcp_socks *s, unsigned int ifindex)
{
	const struct ifaddr_entry *ife = ifaddr_by_index(&s->ifs, ifindex);
	char	 err[256];

	if (ife == NULL && ifindex != 0 &&
	    ev_now(s->loop) - s->loaded_at >= DHCP_SOCKS_RELOAD_SECS) {
		s->loaded_at = ev_now(s->loop);
		s->reloads++;
		ifaddr_free(&s->ifs);
		if (ifaddr_load(&s->ifs, err, sizeof(err)) < 0)
			log_warn("interface list: %s", err);
		ife = ifaddr_by_index(&s->ifs, ifindex);
	}
	return ife != NULL ? ife->addr : 0;
}
