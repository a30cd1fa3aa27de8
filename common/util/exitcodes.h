/*
 * Exit codes of both daemons (documented in README.md), from sysexits(3)
 * so service managers and scripts can tell a bad config from a crash.
 */
#ifndef DHCPFO_EXITCODES_H
#define DHCPFO_EXITCODES_H

#define EXIT_OK		0	/* clean stop (SIGTERM/SIGINT) */
#define EXIT_RUNTIME	1	/* unexpected runtime failure */
#define EXIT_USAGE	64	/* bad command line (EX_USAGE) */
#define EXIT_SYSTEM	71	/* sockets, threads, daemonising (EX_OSERR) */
#define EXIT_STORE	74	/* lease store cannot be opened/written (EX_IOERR) */
#define EXIT_SYNCFAIL	75	/* failover: critical start-up sync failed */
#define EXIT_CONFIG	78	/* configuration invalid (EX_CONFIG) */

#endif
