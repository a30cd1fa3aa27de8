/*
 * The HTTP endpoint of [server] MetricsListen (docs/metrics.md): GET
 * /metrics answers what the daemon's producer writes, in the Prometheus
 * text format; any other path is 404, any other method on /metrics 405.
 *
 * HTTP is libmicrohttpd's, run inside the caller's libev loop without a
 * thread of its own: MHD keeps its sockets in an epoll set whose
 * descriptor the loop watches, and a timer follows MHD_get_timeout().
 * So the producer runs on the loop's thread and reads the daemon's
 * state without locks, like a control command.  A few connections at a
 * time, each dropped after a few idle seconds: a scraper cannot hold the
 * daemon.
 */
#ifndef DHCPFO_METRICS_HTTP_H
#define DHCPFO_METRICS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct ev_loop;
struct metrics_http;

#define METRICS_HTTP_CONNECTIONS	8	/* at once, from anyone */
#define METRICS_HTTP_PER_IP		4	/* ... from one address */
#define METRICS_HTTP_TIMEOUT		5	/* idle seconds, then closed */

/* Append the body of one scrape to out (empty when called): 0, or -1
 * when it could not (out of memory; the scrape is answered 500). */
typedef int	metrics_produce_cb(void *arg, struct strbuf *out);

struct metrics_http_stats {
	uint64_t	 scrapes;	/* 200 answers */
	uint64_t	 refused;	/* 404, 405, or the body failed */
	double		 last_secs;	/* producing the last body took */
};

/*
 * Listen on addr:port (host order; port 0: one the kernel picks, for
 * tests).  NULL with "metrics 127.0.0.1:9647: bind: Address already in
 * use" style text in err.
 */
struct metrics_http *metrics_http_start(struct ev_loop *, uint32_t addr,
		    uint16_t port, metrics_produce_cb *, void *arg, char *err,
		    size_t errlen);
/* Closes every connection and the listening socket; NULL is fine. */
void		 metrics_http_stop(struct metrics_http *);
uint16_t	 metrics_http_port(const struct metrics_http *);
void		 metrics_http_get_stats(const struct metrics_http *,
		    struct metrics_http_stats *);
/*
 * What either daemon says of itself, first in every scrape:
 * dhcpfo_info{role,name,version}, the process's start time (started:
 * Unix time) and CPU seconds, and this endpoint's own counters.
 */
void		 metrics_http_write_own(const struct metrics_http *,
		    struct strbuf *, const char *role, const char *name,
		    double started);

#endif
