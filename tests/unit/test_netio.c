/*
 * Unit tests: common/net/netio.c and common/net/ifaddr.c on real sockets.
 *
 * The program first moves itself into a private network namespace
 * (unshare(CLONE_NEWNET), so it needs root): every datagram stays inside
 * it and the namespace, with the veth pair built in it, disappears when
 * the program exits.  Inside: lo (127/8, so 127.0.0.2 and .3 are local)
 * and a veth pair nv0 192.0.2.1/24 <-> nv1 192.0.2.2/24 (TEST-NET-1) for
 * broadcasts and the link-layer path.  Nothing else is routed, so a send
 * to 198.51.100.1 fails with ENETUNREACH without leaving the host.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ifaddr.h"
#include "netio.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define PORT		6767
#define PORT2		6768
#define LO2		A(127, 0, 0, 2)
#define LO3		A(127, 0, 0, 3)
#define NV0_ADDR	A(192, 0, 2, 1)
#define NV1_ADDR	A(192, 0, 2, 2)

static bool	netns_ok;	/* we are alone in a fresh namespace */
static bool	veth_ok;	/* nv0/nv1 exist and are configured */
static uint8_t	nv1_mac[6];

static int
sysctl_write(const char *path, const char *val)
{
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static int
link_up(const char *name)
{
	struct ifreq	 ifr;
	int		 s, rc = -1;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

static int
read_mac(const char *name, uint8_t mac[6])
{
	struct ifreq	 ifr;
	int		 s, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	rc = ioctl(s, SIOCGIFHWADDR, &ifr);
	close(s);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

static int
setup_netns(void **state)
{
	static const char *const cmds[] = {
		"ip link add nv0 type veth peer name nv1",
		"ip addr add 192.0.2.1/24 dev nv0",
		"ip addr add 192.0.2.129/25 dev nv0 label nv0:1",
		"ip addr add 192.0.2.2/24 dev nv1",
		"ip link set nv0 up",
		"ip link set nv1 up",
	};
	size_t	 i;

	(void)state;
	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipping\n",
		    strerror(errno));
		return 0;
	}
	if (link_up("lo") == -1) {
		fprintf(stderr, "lo up: %s: skipping\n", strerror(errno));
		return 0;
	}
	netns_ok = true;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (system(cmds[i]) != 0) {
			fprintf(stderr, "'%s' failed: veth tests skipped\n",
			    cmds[i]);
			return 0;
		}
	/*
	 * Both ends live in this namespace, so a datagram arriving on nv1
	 * carries a source address that is ours: accept_local lets it in,
	 * and reverse-path filtering would reject it too.
	 */
	if (sysctl_write("/proc/sys/net/ipv4/conf/all/rp_filter", "0") ||
	    sysctl_write("/proc/sys/net/ipv4/conf/nv1/rp_filter", "0") ||
	    sysctl_write("/proc/sys/net/ipv4/conf/nv1/accept_local", "1") ||
	    sysctl_write("/proc/sys/net/ipv4/conf/nv0/accept_local", "1") ||
	    read_mac("nv1", nv1_mac) == -1) {
		fprintf(stderr, "sysctl/mac setup failed: veth tests skipped\n");
		return 0;
	}
	veth_ok = true;
	return 0;
}

#define NEED_NETNS()	do { if (!netns_ok) skip(); } while (0)
#define NEED_VETH()	do { if (!veth_ok) skip(); } while (0)

/* Waits (bounded) until fd is readable: the loopback path is immediate. */
static void
wait_readable(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 2000), 1);
}

/*
 * Reads until want datagrams arrived (bounded by 2 s): delivery through
 * the stack is asynchronous, so a burst may not be queued all at once.
 * *first gets what the first netio_recv_batch() call returned.
 */
static int
recv_all(int fd, struct netio_pkt *pk, int max, int want, int *first)
{
	int	 got = 0, n, i;

	*first = -1;
	for (i = 0; i < 200 && got < want; i++) {
		wait_readable(fd);
		n = netio_recv_batch(fd, pk + got, max - got);
		assert_true(n >= 0);
		if (*first == -1)
			*first = n;
		got += n;
	}
	return got;
}

static void
open_errors_are_clear(void **state)
{
	char	 err[256];
	(void)state;
	NEED_NETNS();
	assert_int_equal(netio_open_udp(LO2, PORT, "an-interface-name-too-long",
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad interface name"));
	/* 192.0.2.77 is nobody's address here: bind must say so. */
	assert_int_equal(netio_open_udp(A(192, 0, 2, 77), PORT, NULL, err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "udp 192.0.2.77:6767: bind: Cannot assign requested address");
	assert_int_equal(netio_open_udp(0, PORT, "nosuchdev0", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "udp 0.0.0.0:6767 dev nosuchdev0: "
	    "SO_BINDTODEVICE: "));
}

static void
describe_and_errstr(void **state)
{
	char	 err[256], d[128];
	int	 fd;
	(void)state;
	NEED_NETNS();
	fd = netio_open_udp(LO2, PORT, "lo", err, sizeof(err));
	assert_true(fd >= 0);
	netio_describe(fd, d, sizeof(d));
	assert_string_equal(d, "udp 127.0.0.2:6767 dev lo");
	netio_errstr(fd, "sendmsg", A(255, 255, 255, 255), 68, ENETUNREACH,
	    d, sizeof(d));
	assert_string_equal(d, "sendmsg on udp 127.0.0.2:6767 dev lo to "
	    "255.255.255.255:68: Network is unreachable");
	close(fd);
}

/*
 * Sends 100 datagrams 127.0.0.3 -> 127.0.0.2 in one netio_send_batch()
 * and reads them back in one netio_recv_batch() (two recvmmsg calls).
 */
static void
batch_roundtrip(void **state)
{
	static struct netio_pkt	 pk[150];
	struct netio_out	 out[100];
	uint8_t			 payload[100][8];
	char			 err[256];
	int			 a, b, i, n, first;
	(void)state;
	NEED_NETNS();
	a = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	assert_true(a >= 0);
	b = netio_open_udp(LO3, PORT, NULL, err, sizeof(err));
	assert_true(b >= 0);

	assert_int_equal(netio_recv_batch(a, pk, 150), 0);	/* empty */
	for (i = 0; i < 100; i++) {
		snprintf((char *)payload[i], sizeof(payload[i]), "m%03d", i);
		memset(&out[i], 0, sizeof(out[i]));
		out[i].dst_addr = LO2;
		out[i].dst_port = PORT;
		out[i].buf = payload[i];
		out[i].len = 4 + (size_t)(i % 3);	/* varied lengths */
		out[i].error = -1;
	}
	assert_int_equal(netio_send_batch(b, out, 100), 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(out[i].error, 0);

	n = recv_all(a, pk, 150, 100, &first);
	assert_int_equal(n, 100);
	assert_true(first > 1);		/* many datagrams per call */
	for (i = 0; i < n; i++) {
		assert_int_equal(pk[i].len, 4 + (size_t)(i % 3));
		assert_memory_equal(pk[i].buf, payload[i], pk[i].len);
		assert_false(pk[i].truncated);
		assert_int_equal(pk[i].src_addr, LO3);
		assert_int_equal(pk[i].src_port, PORT);
		assert_int_equal(pk[i].dst_addr, LO2);
		assert_int_equal(pk[i].local_addr, LO2);
		assert_int_equal(pk[i].ifindex, if_nametoindex("lo"));
	}
	assert_int_equal(netio_recv_batch(a, pk, 150), 0);

	/* max smaller than the queue: the rest waits for the next call */
	assert_int_equal(netio_send_batch(b, out, 10), 10);
	wait_readable(a);
	n = netio_recv_batch(a, pk, 4);
	assert_true(n >= 1 && n <= 4);
	assert_int_equal(recv_all(a, pk + n, 150 - n, 10 - n, &first), 10 - n);
	for (i = 0; i < 10; i++)	/* in order across the calls */
		assert_memory_equal(pk[i].buf, payload[i], 4);
	assert_int_equal(netio_recv_batch(a, pk, 150), 0);
	close(a);
	close(b);
}

/* A failing datagram in the middle of a batch does not stop the rest. */
static void
batch_partial_errors(void **state)
{
	static uint8_t		 huge[65600];
	static struct netio_pkt	 pk[16];
	struct netio_out	 out[5];
	char			 err[256];
	int			 a, b, i;
	(void)state;
	NEED_NETNS();
	a = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	b = netio_open_udp(LO3, PORT, NULL, err, sizeof(err));
	assert_true(a >= 0 && b >= 0);
	memset(out, 0, sizeof(out));
	for (i = 0; i < 5; i++) {
		out[i].dst_addr = LO2;
		out[i].dst_port = PORT;
		out[i].buf = (const uint8_t *)"ok";
		out[i].len = 2;
	}
	out[1].dst_addr = A(198, 51, 100, 1);	/* no route in this netns */
	out[3].buf = huge;			/* larger than UDP allows */
	out[3].len = sizeof(huge);
	assert_int_equal(netio_send_batch(b, out, 5), 3);
	assert_int_equal(out[0].error, 0);
	assert_int_equal(out[1].error, ENETUNREACH);
	assert_int_equal(out[2].error, 0);
	assert_int_equal(out[3].error, EMSGSIZE);
	assert_int_equal(out[4].error, 0);
	assert_int_equal(recv_all(a, pk, 16, 3, &i), 3);

	/* the single-datagram path reports errno the same way */
	assert_int_equal(netio_send_udp(b, A(198, 51, 100, 1), PORT, 0, 0,
	    (const uint8_t *)"x", 1), -1);
	assert_int_equal(errno, ENETUNREACH);
	close(a);
	close(b);
}

/* Larger than DHCP_PKT_MAX: marked truncated so the caller drops it. */
static void
recv_truncated(void **state)
{
	static uint8_t		 big[DHCP_PKT_MAX + 904];
	static struct netio_pkt	 pk[2];
	char			 err[256];
	int			 a, b;
	(void)state;
	NEED_NETNS();
	a = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	b = netio_open_udp(LO3, PORT, NULL, err, sizeof(err));
	assert_true(a >= 0 && b >= 0);
	memset(big, 'z', sizeof(big));
	assert_int_equal(netio_send_udp(b, LO2, PORT, 0, 0, big, sizeof(big)),
	    0);
	wait_readable(a);
	assert_int_equal(netio_recv_batch(a, pk, 2), 1);
	assert_true(pk[0].truncated);
	assert_int_equal(pk[0].len, DHCP_PKT_MAX);
	close(a);
	close(b);
}

/* IP_PKTINFO on send chooses the source address (ipi_spec_dst). */
static void
send_with_source(void **state)
{
	static struct netio_pkt	 pk[2];
	char			 err[256];
	int			 a, b;
	(void)state;
	NEED_NETNS();
	a = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	b = netio_open_udp(0, PORT2, NULL, err, sizeof(err));
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(netio_send_udp(b, LO2, PORT, if_nametoindex("lo"),
	    A(127, 0, 0, 9), (const uint8_t *)"src", 3), 0);
	wait_readable(a);
	assert_int_equal(netio_recv_batch(a, pk, 2), 1);
	assert_int_equal(pk[0].src_addr, A(127, 0, 0, 9));
	assert_int_equal(pk[0].src_port, PORT2);
	close(a);
	close(b);
}

/* Binds 127.0.0.2:PORT (UDP) with option opt set; 0 or errno. */
static int
bind_with(int opt)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int	 fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, rc = 0;

	sin.sin_port = htons(PORT);
	sin.sin_addr.s_addr = htonl(LO2);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, opt, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		rc = errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Our sockets share an address and port with each other (the failover's
 * per-primary sockets), not with another user: with SO_REUSEADDR on UDP
 * any local user could bind ours too and read our clients' datagrams.
 */
static void
only_our_user_shares_a_port(void **state)
{
	char	 err[256];
	int	 a, b, st;
	pid_t	 pid;
	(void)state;
	NEED_NETNS();
	a = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	b = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	assert_true(a >= 0);
	assert_true(b >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* nobody: neither option lets it in. */
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		_exit(bind_with(SO_REUSEADDR) == EADDRINUSE &&
		    bind_with(SO_REUSEPORT) == EADDRINUSE ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(a);
	close(b);
}

/*
 * The server's socket layout: a unicast address for relayed traffic and
 * INADDR_ANY bound to an interface for local broadcasts, on one port.
 * A broadcast sent out of nv0 (chosen by IP_PKTINFO) reaches the nv1
 * socket only; unicast to 127.0.0.2 reaches the 127.0.0.2 socket only.
 */
static void
unicast_and_device_sockets_coexist(void **state)
{
	static struct netio_pkt	 pk[4];
	char			 err[256];
	int			 uni, dev1, cli;
	unsigned int		 nv0 = if_nametoindex("nv0");
	unsigned int		 nv1 = if_nametoindex("nv1");
	(void)state;
	NEED_VETH();
	uni = netio_open_udp(LO2, PORT, NULL, err, sizeof(err));
	assert_true(uni >= 0);
	dev1 = netio_open_udp(0, PORT, "nv1", err, sizeof(err));
	if (dev1 == -1)
		fail_msg("%s", err);
	cli = netio_open_udp(NV0_ADDR, PORT2, NULL, err, sizeof(err));
	assert_true(cli >= 0);

	assert_int_equal(netio_send_udp(cli, A(255, 255, 255, 255), PORT, nv0,
	    NV0_ADDR, (const uint8_t *)"bcast", 5), 0);
	wait_readable(dev1);
	assert_int_equal(netio_recv_batch(dev1, pk, 4), 1);
	assert_memory_equal(pk[0].buf, "bcast", 5);
	assert_int_equal(pk[0].ifindex, nv1);
	assert_int_equal(pk[0].dst_addr, A(255, 255, 255, 255));
	/*
	 * local_addr is not checked: for a broadcast the kernel derives it
	 * from a route lookup of the source, which in this one-namespace
	 * setup is our own nv0 address.
	 */
	assert_int_equal(pk[0].src_addr, NV0_ADDR);
	assert_int_equal(netio_recv_batch(uni, pk, 4), 0);

	assert_int_equal(netio_send_udp(cli, LO2, PORT, 0, 0,
	    (const uint8_t *)"uni", 3), 0);
	wait_readable(uni);
	assert_int_equal(netio_recv_batch(uni, pk, 4), 1);
	assert_memory_equal(pk[0].buf, "uni", 3);
	assert_int_equal(netio_recv_batch(dev1, pk, 4), 0);
	close(uni);
	close(dev1);
	close(cli);
}

/*
 * Unicast to our address on nv1 that really arrives on nv1 (sent as a
 * frame to nv1's MAC) goes to the socket bound to that address, not to
 * nv1's INADDR_ANY socket: the kernel tries exact addresses first.
 */
static void
unicast_prefers_address_socket(void **state)
{
	static struct netio_pkt	 pk[4];
	struct netio_l2		 l2 = NETIO_L2_INIT;
	char			 err[256];
	int			 uni, dev1, i;
	(void)state;
	NEED_VETH();
	dev1 = netio_open_udp(0, PORT, "nv1", err, sizeof(err));
	uni = netio_open_udp(NV1_ADDR, PORT, NULL, err, sizeof(err));
	assert_true(uni >= 0 && dev1 >= 0);
	if (netio_l2_open(&l2, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	for (i = 0; i < 3; i++)
		assert_int_equal(netio_send_l2(&l2, (int)if_nametoindex("nv0"),
		    nv1_mac, 6, NV0_ADDR, NV1_ADDR, PORT2, PORT,
		    (const uint8_t *)"relay", 5), 0);
	assert_int_equal(recv_all(uni, pk, 4, 3, &i), 3);
	assert_int_equal(pk[0].ifindex, if_nametoindex("nv1"));
	assert_int_equal(netio_recv_batch(dev1, pk, 4), 0);
	netio_l2_close(&l2);
	close(uni);
	close(dev1);
}

/*
 * The link-layer path: a datagram built by hand and sent to nv1's MAC
 * out of nv0 is accepted by nv1's IP and UDP stacks, which verify both
 * checksums in software and would drop it otherwise.
 */
static void
l2_send_reaches_udp(void **state)
{
	static struct netio_pkt	 pk[2];
	struct netio_l2		 l2 = NETIO_L2_INIT;
	char			 err[256];
	int			 rx;
	(void)state;
	NEED_VETH();
	assert_int_equal(netio_send_l2(&l2, 1, nv1_mac, 6, 1, 2, 3, 4,
	    NULL, 0), -1);
	assert_int_equal(errno, EBADF);
	if (netio_l2_open(&l2, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	rx = netio_open_udp(0, 68, "nv1", err, sizeof(err));
	assert_true(rx >= 0);

	assert_int_equal(netio_send_l2(&l2, (int)if_nametoindex("nv0"),
	    nv1_mac, 6, NV0_ADDR, NV1_ADDR, 67, 68,
	    (const uint8_t *)"offer", 5), 0);
	wait_readable(rx);
	assert_int_equal(netio_recv_batch(rx, pk, 2), 1);
	assert_memory_equal(pk[0].buf, "offer", 5);
	assert_int_equal(pk[0].src_addr, NV0_ADDR);
	assert_int_equal(pk[0].src_port, 67);
	assert_int_equal(pk[0].dst_addr, NV1_ADDR);
	assert_int_equal(pk[0].ifindex, if_nametoindex("nv1"));
	assert_int_equal(l2.sent, 1);

	assert_int_equal(netio_send_l2(&l2, (int)if_nametoindex("nv0"),
	    nv1_mac, 16, NV0_ADDR, NV1_ADDR, 67, 68, NULL, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(l2.errors, 1);
	netio_l2_close(&l2);
	netio_l2_close(&l2);		/* harmless twice */
	close(rx);
}

static void
l2_usable(void **state)
{
	(void)state;
	assert_true(netio_l2_usable(1, 6));
	assert_false(netio_l2_usable(1, 16));
	assert_false(netio_l2_usable(6, 6));	/* IEEE 802 */
	assert_false(netio_l2_usable(32, 20));	/* InfiniBand */
}

static void
ifaddr_lookups(void **state)
{
	struct ifaddr_table		 t = { 0 };
	const struct ifaddr_entry	*e;
	char				 err[256];
	unsigned int			 nv0 = if_nametoindex("nv0");
	(void)state;
	NEED_VETH();
	if (ifaddr_load(&t, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(t.n, 4);	/* lo, nv0 twice, nv1 */

	assert_non_null(e = ifaddr_by_name(&t, "lo"));
	assert_int_equal(e->addr, A(127, 0, 0, 1));
	assert_int_equal(e->netmask, A(255, 0, 0, 0));
	assert_false(ifaddr_is_broadcast_capable(e));

	assert_non_null(e = ifaddr_by_index(&t, nv0));
	assert_string_equal(e->name, "nv0");
	assert_int_equal(e->addr, NV0_ADDR);
	assert_int_equal(e->netmask, A(255, 255, 255, 0));
	assert_int_equal(e->broadcast, A(192, 0, 2, 255));
	assert_true(ifaddr_is_broadcast_capable(e));

	/* the labelled alias is reported under its device */
	assert_non_null(e = ifaddr_by_addr(&t, A(192, 0, 2, 129)));
	assert_string_equal(e->name, "nv0");
	assert_int_equal(e->ifindex, nv0);

	/* most specific subnet on the interface wins */
	assert_non_null(e = ifaddr_on_subnet(&t, nv0, A(192, 0, 2, 200)));
	assert_int_equal(e->addr, A(192, 0, 2, 129));
	assert_non_null(e = ifaddr_on_subnet(&t, nv0, A(192, 0, 2, 20)));
	assert_int_equal(e->addr, NV0_ADDR);
	assert_null(ifaddr_on_subnet(&t, nv0, A(198, 51, 100, 7)));
	assert_null(ifaddr_on_subnet(&t, nv0, 0));
	assert_non_null(e = ifaddr_on_subnet(&t, 0, A(127, 1, 2, 3)));
	assert_string_equal(e->name, "lo");

	/* a client without an address: the interface's primary */
	assert_int_equal(ifaddr_source_for(&t, nv0, 0), NV0_ADDR);
	assert_int_equal(ifaddr_source_for(&t, nv0, A(192, 0, 2, 130)),
	    A(192, 0, 2, 129));
	assert_int_equal(ifaddr_source_for(&t, 9999, A(192, 0, 2, 130)), 0);
	assert_null(ifaddr_by_name(&t, "eth7"));
	ifaddr_free(&t);
	assert_int_equal(t.n, 0);
	ifaddr_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_errors_are_clear),
		cmocka_unit_test(describe_and_errstr),
		cmocka_unit_test(batch_roundtrip),
		cmocka_unit_test(batch_partial_errors),
		cmocka_unit_test(recv_truncated),
		cmocka_unit_test(send_with_source),
		cmocka_unit_test(only_our_user_shares_a_port),
		cmocka_unit_test(unicast_and_device_sockets_coexist),
		cmocka_unit_test(unicast_prefers_address_socket),
		cmocka_unit_test(l2_send_reaches_udp),
		cmocka_unit_test(l2_usable),
		cmocka_unit_test(ifaddr_lookups),
	};
	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
