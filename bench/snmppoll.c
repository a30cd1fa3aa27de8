/*
 * snmppoll — the SNMP manager of bench/snmp.sh.  Walks one subtree with
 * GETBULK once per INTERVAL for SECS seconds over one SNMPv2c session,
 * and prints one line per walk with its wall time.  Unlike a loop of
 * snmpbulkwalk processes, the time measured is the walk itself, without
 * a process start (about 12 ms here) in every figure.
 *
 * Built by bench/snmp.sh into the bench temp dir (cc -O2 ... -lnetsnmp);
 * not part of the product build.
 *
 *   snmppoll PEER COMMUNITY ROOT SECS INTERVAL_MS MAXREP TIMEOUT_MS \
 *            [ALT_MS PID[,PID...]]
 *
 * PEER is e.g. udp:127.0.0.1:16100, ROOT a numeric OID (.1.3.6...).
 * Run it with SNMP_PERSISTENT_DIR set to a private directory: net-snmp
 * creates a cert_indexes directory there even with persistence off.
 * Walks start at t = 0, INTERVAL, 2 INTERVAL, ... while t < SECS; a walk
 * still running at its successor's start makes that one "late" (skipped).
 * Each walk is bounded: TIMEOUT_MS per request (no retries), at most
 * 1000 requests.  Output:
 *
 *   walk N START_MS DUR_MS VARBINDS REQUESTS MAXREQ_MS STATUS G1,G2,G3,G4,GX
 *   end WALKS LATE CPU_MS
 *
 * STATUS: ok | timeout | error:WHAT.  G1..G4 count the varbinds under
 * ROOT.1.1 .. ROOT.1.4 (for DHCPFO-MIB: the general scalars, the primary
 * table, the subnet table, the DHCP counters), GX any others.
 *
 * With ALT_MS, time is cut into windows of ALT_MS that alternate: off
 * (no walk), on (walks every INTERVAL_MS from the window's start, in its
 * first 70%), off, ...  At every window boundary the CPU time of each PID (all threads,
 * /proc/PID/task/TID/schedstat, ns) is read, and each window ends with
 *
 *   win N off|on CPU_MS[,CPU_MS...] WALKS LATE_MS
 *
 * LATE_MS: how late the window's end was read (a walk that overran it,
 * or the poller not being scheduled); such a window and the next one are
 * not measured over ALT_MS and should not be used.
 * so that the CPU a process spends in windows with and without polling
 * can be compared under the same load, minutes apart from nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/resource.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp_quiet.h"

#define MAX_REQ	1000
#define MAX_PIDS	4

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static size_t
parse_oid(const char *s, oid *o, size_t max)
{
	size_t	 n = 0;
	char	*end;

	while (*s == '.')
		s++;
	while (*s != '\0' && n < max) {
		o[n++] = (oid)strtoul(s, &end, 10);
		if (end == s)
			return 0;
		s = end;
		if (*s == '.')
			s++;
		else if (*s != '\0')
			return 0;
	}
	return n;
}

static oid	 root[MAX_OID_LEN];
static size_t	 rootlen;
static long	 maxrep;
static double	 start;
static unsigned	 walks;

/* CPU time of all threads of pid, ms (0 when it is gone). */
static double
cpu_ms(long pid)
{
	char	 path[64], buf[128];
	DIR	*d;
	struct dirent *e;
	double	 ns = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		FILE	*f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%.16s/schedstat",
		    pid, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL)
			ns += strtod(buf, NULL);
		fclose(f);
	}
	closedir(d);
	return ns / 1e6;
}

/* One GETBULK walk of root; prints its "walk" line. */
static void
walk(void *ss, unsigned k)
{
	oid	 cur[MAX_OID_LEN];
	size_t	 curlen;
	unsigned g[5] = { 0 }, nvb = 0, nreq = 0;
	double	 t0, maxreq = 0;
	const char *status = "ok";
	char	 err[64];
	int	 done = 0;

	t0 = mono();
	memcpy(cur, root, rootlen * sizeof(oid));
	curlen = rootlen;
	while (!done && nreq < MAX_REQ) {
		netsnmp_pdu *pdu, *resp = NULL;
		netsnmp_variable_list *v;
		double	 r0, r;
		int	 st;

		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = maxrep;
		snmp_add_null_var(pdu, cur, curlen);
		r0 = mono();
		st = snmp_sess_synch_response(ss, pdu, &resp);
		r = mono() - r0;
		nreq++;
		if (r > maxreq)
			maxreq = r;
		if (st == STAT_TIMEOUT) {
			status = "timeout";
			break;
		}
		if (st != STAT_SUCCESS || resp == NULL) {
			status = "error:send";
			break;
		}
		if (resp->errstat != SNMP_ERR_NOERROR) {
			snprintf(err, sizeof(err), "error:%s",
			    snmp_errstring(resp->errstat));
			for (char *c = err; *c; c++)
				if (*c == ' ')
					*c = '_';
			status = err;
			snmp_free_pdu(resp);
			break;
		}
		if (resp->variables == NULL)
			done = 1;
		for (v = resp->variables; v != NULL; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW ||
			    v->type == SNMP_NOSUCHOBJECT ||
			    v->type == SNMP_NOSUCHINSTANCE ||
			    netsnmp_oid_is_subtree(root, rootlen,
			    v->name, v->name_length) != 0) {
				done = 1;
				break;
			}
			if (snmp_oid_compare(v->name, v->name_length,
			    cur, curlen) <= 0) {
				status = "error:not_increasing";
				done = 1;
				break;
			}
			nvb++;
			if (v->name_length > rootlen + 1 &&
			    v->name[rootlen] == 1 &&
			    v->name[rootlen + 1] >= 1 &&
			    v->name[rootlen + 1] <= 4)
				g[v->name[rootlen + 1] - 1]++;
			else
				g[4]++;
			memcpy(cur, v->name, v->name_length * sizeof(oid));
			curlen = v->name_length;
		}
		snmp_free_pdu(resp);
	}
	printf("walk %u %.1f %.3f %u %u %.3f %s %u,%u,%u,%u,%u\n", k,
	    (t0 - start) * 1000, (mono() - t0) * 1000, nvb, nreq,
	    maxreq * 1000, status, g[0], g[1], g[2], g[3], g[4]);
	fflush(stdout);
	walks++;
}

int
main(int argc, char **argv)
{
	struct snmp_session sess;
	void	*ss;
	double	 secs, interval, alt = 0, tick;
	long	 timeout_ms, pids[MAX_PIDS];
	size_t	 npids = 0;
	unsigned late = 0, k = 0;
	struct rusage ru;

	if (argc != 8 && argc != 10) {
		fprintf(stderr, "usage: snmppoll PEER COMMUNITY ROOT SECS "
		    "INTERVAL_MS MAXREP TIMEOUT_MS [ALT_MS PID[,PID...]]\n");
		return 2;
	}
	rootlen = parse_oid(argv[3], root, MAX_OID_LEN);
	secs = atof(argv[4]);
	interval = atof(argv[5]) / 1000.0;
	maxrep = atol(argv[6]);
	timeout_ms = atol(argv[7]);
	if (argc == 10) {
		char	*p = argv[9], *end;

		alt = atof(argv[8]) / 1000.0;
		while (*p != '\0' && npids < MAX_PIDS) {
			pids[npids++] = strtol(p, &end, 10);
			if (end == p)
				break;
			p = *end == ',' ? end + 1 : end;
		}
		if (alt <= 0 || npids == 0) {
			fprintf(stderr, "snmppoll: bad ALT_MS or PID list\n");
			return 2;
		}
	}
	if (rootlen == 0 || secs <= 0 || interval <= 0 || maxrep <= 0 ||
	    timeout_ms <= 0) {
		fprintf(stderr, "snmppoll: bad argument\n");
		return 2;
	}

	snmp_quiet_library();
	init_snmp("snmppoll");

	snmp_sess_init(&sess);
	sess.peername = argv[1];
	sess.version = SNMP_VERSION_2c;
	sess.community = (u_char *)argv[2];
	sess.community_len = strlen(argv[2]);
	sess.timeout = timeout_ms * 1000;
	sess.retries = 0;
	if ((ss = snmp_sess_open(&sess)) == NULL) {
		snmp_perror("snmppoll: snmp_sess_open");
		return 2;
	}

	start = mono();
	if (alt > 0) {
		unsigned nwin = (unsigned)(secs / alt + 1e-9);
		double	 c0[MAX_PIDS], c1[MAX_PIDS], late_ms;
		unsigned w0 = 0;

		for (size_t i = 0; i < npids; i++)
			c0[i] = cpu_ms(pids[i]);
		for (unsigned w = 0; w < nwin; w++) {
			double	 ws = start + w * alt, we = ws + alt;
			int	 on = w % 2;

			w0 = walks;
			/* Walks start in the first 70% of the window, so that
			 * they end inside it.  The boundary's /proc reads
			 * delay the first walk by a little: skip a walk only
			 * when it is late by half an interval. */
			for (tick = ws; on && tick < ws + 0.7 * alt - 1e-6;
			    tick += interval) {
				if (mono() > tick + interval / 2) {
					late++;
					continue;
				}
				sleep_until(tick);
				walk(ss, k++);
			}
			sleep_until(we);
			late_ms = (mono() - we) * 1000;
			printf("win %u %s ", w, on ? "on" : "off");
			for (size_t i = 0; i < npids; i++) {
				c1[i] = cpu_ms(pids[i]);
				printf("%s%.3f", i ? "," : "", c1[i] - c0[i]);
				c0[i] = c1[i];
			}
			printf(" %u %.1f\n", walks - w0, late_ms);
			fflush(stdout);
		}
	} else {
		for (;; k++) {
			tick = start + k * interval;
			if (tick >= start + secs)
				break;
			if (mono() > tick + 0.001) {
				late++;		/* the previous walk overran */
				continue;
			}
			sleep_until(tick);
			walk(ss, k);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("end %u %u %.1f\n", walks, late,
	    (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0);
	snmp_sess_close(ss);
	return 0;
}
