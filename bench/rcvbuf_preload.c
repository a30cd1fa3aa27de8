/*
 * rcvbuf_preload.so — LD_PRELOAD shim for the load generator only.
 *
 * perfdhcp receives every OFFER and ACK on one UDP socket with the kernel's
 * default receive buffer (net.core.rmem_default, ~208 KiB).  A server that
 * answers in bursts (group commit releases a whole batch of ACKs at once)
 * then overflows perfdhcp's socket, and perfdhcp reports the lost answers as
 * server drops.  bench/dora.sh loads this shim into perfdhcp (never into a
 * server) to give its UDP sockets a larger buffer, DFOBENCH_RCVBUF bytes,
 * with SO_RCVBUFFORCE (root; no sysctl is changed).  Servers keep whatever
 * buffer they choose themselves.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol)
{
    static int (*real_socket)(int, int, int);
    if (!real_socket)
        real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
    int fd = real_socket(domain, type, protocol);
    if (fd >= 0 && domain == AF_INET && (type & 0xff) == SOCK_DGRAM) {
        const char *e = getenv("DFOBENCH_RCVBUF");
        int sz = e ? atoi(e) : 0;
        if (sz > 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz);
            setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz);
        }
    }
    return fd;
}
