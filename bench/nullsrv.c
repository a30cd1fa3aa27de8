/*
 * nullsrv — a stateless DHCPv4 responder used only to calibrate the load
 * generator (bench/dora.sh --calibrate).  It answers DISCOVER with OFFER and
 * REQUEST with ACK, keeps no state, writes nothing, and so costs almost no
 * CPU: the highest DORA rate perfdhcp reaches against it is the ceiling of
 * perfdhcp itself on this machine.  A server that reaches that ceiling is
 * limited by the generator, not by its own work.
 *
 * Built by bench/lib.sh into the bench temp dir (cc -O2); not part of the
 * product build.  Usage: nullsrv ADDR PORT   (binds ADDR:PORT, never the
 * wildcard; replies to giaddr:PORT when giaddr is set, else to the sender).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define BUFSZ 1500
#define REPLY_MIN 300

static uint8_t rx[BATCH][BUFSZ];
static uint8_t tx[BATCH][BUFSZ];

static int msg_type(const uint8_t *p, size_t len)
{
    size_t i = 240;
    while (i < len) {
        uint8_t code = p[i];
        if (code == 0) { i++; continue; }
        if (code == 255 || i + 1 >= len)
            break;
        uint8_t olen = p[i + 1];
        if (i + 2 + olen > len)
            break;
        if (code == 53 && olen == 1)
            return p[i + 2];
        i += 2 + (size_t)olen;
    }
    return -1;
}

static size_t build_reply(uint8_t *out, const uint8_t *in, int type,
                          struct in_addr server)
{
    memset(out, 0, REPLY_MIN);
    memcpy(out, in, 236);
    out[0] = 2;                                /* BOOTREPLY */
    /* yiaddr: 127.1.x.y from a hash of chaddr (stable per client) */
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ in[28 + i]) * 16777619u;
    out[16] = 127;
    out[17] = 1;
    out[18] = (uint8_t)(h >> 8);
    out[19] = (uint8_t)(h | 1);
    memset(out + 12, 0, 4);                    /* ciaddr */
    size_t o = 236;
    out[o++] = 99; out[o++] = 130; out[o++] = 83; out[o++] = 99;
    out[o++] = 53; out[o++] = 1; out[o++] = (uint8_t)type;
    out[o++] = 54; out[o++] = 4; memcpy(out + o, &server, 4); o += 4;
    out[o++] = 51; out[o++] = 4;
    out[o++] = 0; out[o++] = 1; out[o++] = 0x51; out[o++] = 0x80; /* 86400 */
    out[o++] = 1; out[o++] = 4;
    out[o++] = 255; out[o++] = 0; out[o++] = 0; out[o++] = 0;
    out[o++] = 255;
    return o < REPLY_MIN ? REPLY_MIN : o;
}

/* One datagram of LEN bytes at BUF, from or to ADDR, for recvmmsg/sendmmsg. */
static void msg_set(struct mmsghdr *m, struct iovec *iov, void *buf,
                    size_t len, struct sockaddr_in *addr)
{
    iov->iov_base = buf;
    iov->iov_len = len;
    memset(&m->msg_hdr, 0, sizeof m->msg_hdr);
    m->msg_hdr.msg_iov = iov;
    m->msg_hdr.msg_iovlen = 1;
    m->msg_hdr.msg_name = addr;
    m->msg_hdr.msg_namelen = sizeof *addr;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s ADDR PORT\n", argv[0]);
        return 2;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "nullsrv: bad address %s\n", argv[1]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int sz = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("nullsrv: bind");
        return 1;
    }
    fprintf(stderr, "nullsrv: listening on %s:%s\n", argv[1], argv[2]);

    static struct mmsghdr rmsg[BATCH], smsg[BATCH];
    static struct iovec riov[BATCH], siov[BATCH];
    static struct sockaddr_in from[BATCH], to[BATCH];
    unsigned long long answered = 0;

    for (;;) {
        for (int i = 0; i < BATCH; i++)
            msg_set(&rmsg[i], &riov[i], rx[i], BUFSZ, &from[i]);
        int n = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("recvmmsg");
            return 1;
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            const uint8_t *p = rx[i];
            size_t len = rmsg[i].msg_len;
            if (len < 244 || p[0] != 1 || p[236] != 99 || p[237] != 130 ||
                p[238] != 83 || p[239] != 99)
                continue;
            int t = msg_type(p, len);
            int rt = t == 1 ? 2 : t == 3 ? 5 : -1;  /* DISCOVER→OFFER, REQUEST→ACK */
            if (rt < 0)
                continue;
            size_t rl = build_reply(tx[k], p, rt, sa.sin_addr);
            to[k] = from[i];
            uint32_t giaddr;
            memcpy(&giaddr, p + 24, 4);
            if (giaddr != 0) {
                to[k].sin_addr.s_addr = giaddr;
                to[k].sin_port = sa.sin_port;
            }
            msg_set(&smsg[k], &siov[k], tx[k], rl, &to[k]);
            k++;
        }
        int off = 0;
        while (off < k) {
            int s = sendmmsg(fd, smsg + off, (unsigned)(k - off), 0);
            if (s < 0) {
                if (errno == EINTR)
                    continue;
                break;                  /* drop the rest of this batch */
            }
            off += s;
        }
        answered += (unsigned long long)off;
    }
}
