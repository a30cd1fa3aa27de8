/*
 * udpsend: send recorded datagrams again, as if from their sender, for
 * tests that replay captured failover traffic.
 *
 *	udpsend -s ADDR:PORT -d ADDR:PORT [-n ROUNDS] [-i MS] [-o] FILE
 *
 * FILE holds one datagram per line as hex (tshark's udp.payload field).
 * Each round sends every datagram of FILE once, in order; rounds are -i
 * milliseconds apart (default 100).  With -o the datagrams themselves
 * are -i apart, one at a time, as their sender spaced them.  The socket is bound to -s with
 * SO_REUSEPORT, so it can share the address and port of the daemon it
 * stands in for (same user).  Prints how many datagrams it sent.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

#define MAX_DGRAMS	256
#define MAX_LEN		65507

static void
usage(void)
{
	fprintf(stderr, "usage: udpsend -s ADDR:PORT -d ADDR:PORT "
	    "[-n ROUNDS] [-i MS] [-o] FILE\n");
	exit(2);
}

static int
parse_ap(const char *s, struct sockaddr_in *sin)
{
	char	 a[64];
	const char *c = strrchr(s, ':');

	if (c == NULL || (size_t)(c - s) >= sizeof(a))
		return -1;
	memcpy(a, s, (size_t)(c - s));
	a[c - s] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(c + 1));
	return inet_pton(AF_INET, a, &sin->sin_addr) == 1 ? 0 : -1;
}

/* One line of hex (":" and blanks ignored) into buf; its length. */
static size_t
unhex(const char *line, unsigned char *buf)
{
	size_t	 n = 0;
	int	 hi = -1, v;

	for (; *line != '\0' && n < MAX_LEN; line++) {
		if ((v = hex_digit((unsigned char)*line)) < 0)
			continue;
		if (hi < 0)
			hi = v;
		else {
			buf[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	static unsigned char *dg[MAX_DGRAMS];
	static size_t len[MAX_DGRAMS];
	static char line[2 * MAX_LEN + 64];
	size_t	 n = 0, sent = 0;
	long	 rounds = 1, ms = 100;
	int	 ch, fd, one = 1, spaced = 0;
	FILE	*fp;
	struct timespec ts;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	while ((ch = getopt(argc, argv, "s:d:n:i:o")) != -1) {
		switch (ch) {
		case 's':
			if (parse_ap(optarg, &src) < 0)
				usage();
			break;
		case 'd':
			if (parse_ap(optarg, &dst) < 0)
				usage();
			break;
		case 'n':
			rounds = strtol(optarg, NULL, 10);
			break;
		case 'i':
			ms = strtol(optarg, NULL, 10);
			break;
		case 'o':
			spaced = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || src.sin_family == 0 ||
	    dst.sin_family == 0 || rounds < 1 || rounds > 100000 || ms < 0)
		usage();
	if ((fp = fopen(argv[optind], "r")) == NULL) {
		fprintf(stderr, "udpsend: %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	while (n < MAX_DGRAMS && fgets(line, sizeof(line), fp) != NULL) {
		if ((dg[n] = malloc(MAX_LEN)) == NULL)
			return 1;
		if ((len[n] = unhex(line, dg[n])) > 0)
			n++;
		else
			free(dg[n]);
	}
	fclose(fp);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		fprintf(stderr, "udpsend: bind: %s\n", strerror(errno));
		return 1;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	for (long r = 0; r < rounds; r++) {
		if (r > 0 && !spaced)
			nanosleep(&ts, NULL);
		for (size_t i = 0; i < n; i++) {
			if (spaced && (r > 0 || i > 0))
				nanosleep(&ts, NULL);
			if (sendto(fd, dg[i], len[i], 0,
			    (struct sockaddr *)&dst, sizeof(dst)) > 0)
				sent++;
		}
	}
	close(fd);
	printf("udpsend: %zu datagrams, %zu sent\n", n, sent);
	return 0;
}
