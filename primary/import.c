/*
 * `dhcpfoctl import`: bindings from another server into the running
 * primary (docs/operations.md, "Migrating").  dhcpfoctl reads the file
 * (ISC dhcpd's leases, Kea's CSV or our own export), and sends each
 * binding as one line "SRCLINE,<lease_text CSV>" after the command, then
 * "."; this file checks each against the configuration and the bindings
 * we hold, stages the good ones like any change of ours (so they are
 * replicated to the failover) and commits every CommitBatchMax rows.
 *
 * A row is taken only when it cannot hurt anyone: it is live (bound or
 * declined, not yet expired), its address is one this primary serves
 * now and gives out (inside a range, not excluded), no reservation names
 * another client for it, no other client holds it, and the client holds
 * no other live binding in that subnet.  Every other row is skipped and
 * reported with its line and reason; the summary counts each reason.
 * A row that only repeats what we hold is "unchanged".
 *
 * Dry run: every check, nothing staged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lease_text.h"
#include "server_int.h"

#define IMPORT_REPORT_MAX	1000	/* rows reported one by one */

enum import_why {
	IMP_INVALID = 0,	/* the row does not parse */
	IMP_NOT_ACTIVE,		/* neither bound nor declined */
	IMP_EXPIRED,
	IMP_NO_SUBNET,		/* in none of our subnets */
	IMP_NOT_SERVING,	/* the failover serves that subnet now */
	IMP_OUTSIDE_RANGE,	/* in a subnet, not in its ranges */
	IMP_RESERVED,		/* a reservation for another client */
	IMP_BOUND_TO_OTHER,	/* another client holds it */
	IMP_CLIENT_HAS_OTHER,	/* the client holds another address */
	IMP_UNCHANGED,		/* we hold it already */
	IMP_STORE_FAILED,	/* its batch was lost */
	IMP_COUNT
};

static const char *const why_names[IMP_COUNT] = {
	"invalid", "not-active", "expired", "no-subnet", "not-serving",
	"outside-range", "reserved-for-other", "bound-to-other",
	"client-has-other", "unchanged", "store-failed",
};

struct import_job {
	struct server	*srv;
	bool		 dry_run;
	bool		 json;
	bool		 failed;	/* the store failed: stop */
	uint64_t	 rows;
	uint64_t	 imported;
	uint64_t	 pending;	/* staged, not committed yet */
	uint64_t	 skipped[IMP_COUNT];
	uint64_t	 reported;
	struct strbuf	 report;	/* the rows skipped, one by one */
};

static void
report(struct import_job *j, unsigned long line, uint32_t addr,
    enum import_why why, const char *detail)
{
	j->skipped[why]++;
	if (j->reported++ >= IMPORT_REPORT_MAX)
		return;
	if (j->json) {
		sb_printf(&j->report, "%s{\"line\":%lu,\"address\":\"",
		    j->reported > 1 ? "," : "", line);
		if (addr != 0)
			sb_ipv4(&j->report, addr);
		sb_printf(&j->report, "\",\"reason\":\"%s\",\"detail\":",
		    why_names[why]);
		sb_json_str(&j->report, detail);
		sb_puts(&j->report, "}");
		return;
	}
	sb_printf(&j->report, "line %lu: ", line);
	if (addr != 0) {
		sb_ipv4(&j->report, addr);
		sb_puts(&j->report, ": ");
	}
	sb_printf(&j->report, "skipped: %s%s%s\n", why_names[why],
	    detail[0] ? ": " : "", detail);
}

/* The client the row names, as the pools know clients. */
static void
row_client(const struct lease *l, struct pool_client *c)
{
	memset(c, 0, sizeof(*c));
	c->key = l->key;
	c->htype = l->htype;
	c->hlen = l->hlen;
	memcpy(c->chaddr, l->chaddr, sizeof(c->chaddr));
}

static bool
live(const struct lease *l, int64_t now)
{
	return (l->state == LEASE_BOUND || l->state == LEASE_OFFERED) &&
	    l->ends > now;
}

/* The rules of the top of this file; IMP_COUNT when the row may go in. */
static enum import_why
check_row(struct server *srv, const struct lease *l, int64_t now)
{
	const struct cfg_host *h;
	const struct lease *cur;
	struct pool_client c;
	struct pool	*p;

	if (l->state != LEASE_BOUND && l->state != LEASE_DECLINED)
		return IMP_NOT_ACTIVE;
	if (l->ends <= now)
		return IMP_EXPIRED;
	if ((p = pool_set_find(srv->pools, l->addr)) == NULL)
		return IMP_NO_SUBNET;
	if (!pool_is_serving(p))
		return IMP_NOT_SERVING;
	if (pool_addr_kind(p, l->addr) != POOL_ADDR_DYNAMIC &&
	    pool_addr_host(p, l->addr) == NULL)
		return IMP_OUTSIDE_RANGE;
	row_client(l, &c);
	if ((h = pool_addr_host(p, l->addr)) != NULL &&
	    pool_host_for(p, &c) != h)
		return IMP_RESERVED;
	cur = pool_lease_at(p, l->addr);
	if (cur != NULL && live(cur, now) && !pool_lease_is_client(cur, &c))
		return IMP_BOUND_TO_OTHER;
	if (cur != NULL && live(cur, now) && cur->ends >= l->ends)
		return IMP_UNCHANGED;
	if (l->state == LEASE_BOUND &&
	    (cur = pool_find_for_client(p, &c, now)) != NULL &&
	    cur->addr != l->addr && live(cur, now))
		return IMP_CLIENT_HAS_OTHER;
	return IMP_COUNT;
}

static void
commit_pending(struct import_job *j)
{
	if (j->pending == 0)
		return;
	if (srv_commit(j->srv) != 0) {
		j->skipped[IMP_STORE_FAILED] += j->pending;
		j->failed = true;
	} else
		j->imported += j->pending;
	j->pending = 0;
}

static void
take_row(struct import_job *j, struct lease *l)
{
	struct server	*srv = j->srv;

	l->seq = pool_set_next_seq(srv->pools);
	l->granted_by = LEASE_BY_IMPORT;
	if (pool_load_lease(srv->pools, l) != POOL_LOAD_OK ||
	    srv_stage(srv, l, false) != 0) {
		j->skipped[IMP_STORE_FAILED]++;
		commit_pending(j);	/* ends the spoiled batch */
		j->failed = true;
		return;
	}
	if (++j->pending >= srv->cfg.server.commit_batch_max)
		commit_pending(j);
}

static int
import_line(void *arg, char *line)
{
	struct import_job *j = arg;
	enum import_why	 why;
	struct lease	 l;
	unsigned long	 src;
	char		*rest, msg[128];

	j->rows++;
	if (line == NULL) {
		report(j, 0, 0, IMP_INVALID, "line too long");
		return 0;
	}
	src = strtoul(line, &rest, 10);
	if (*rest != ',' ||
	    !lease_text_csv_parse(rest + 1, &l, msg, sizeof(msg))) {
		report(j, src, 0, IMP_INVALID, *rest != ',' ?
		    "no line number" : msg);
		return 0;
	}
	if ((why = check_row(j->srv, &l, srv_now(j->srv))) != IMP_COUNT) {
		report(j, src, l.addr, why, "");
		return 0;
	}
	if (j->dry_run)
		j->imported++;
	else
		take_row(j, &l);
	return j->failed ? -1 : 0;
}

static void
summary_json(struct import_job *j, struct strbuf *out)
{
	sb_printf(out, "{\"dry_run\":%s,\"rows\":%llu,\"imported\":%llu,"
	    "\"skipped\":{", j->dry_run ? "true" : "false",
	    (unsigned long long)j->rows, (unsigned long long)j->imported);
	for (int i = 0; i < IMP_COUNT; i++)
		sb_printf(out, "%s\"%s\":%llu", i ? "," : "", why_names[i],
		    (unsigned long long)j->skipped[i]);
	sb_puts(out, "},\"skipped_rows\":[");
	sb_append(out, j->report.buf ? j->report.buf : "", j->report.len);
	sb_printf(out, "],\"skipped_rows_cut\":%s}\n",
	    j->reported > IMPORT_REPORT_MAX ? "true" : "false");
}

static int
import_end(void *arg, struct strbuf *out)
{
	struct import_job *j = arg;
	uint64_t	 skipped = 0;

	commit_pending(j);
	for (int i = 0; i < IMP_COUNT; i++)
		skipped += j->skipped[i];
	log_info("import: %llu rows, %llu %simported, %llu skipped%s",
	    (unsigned long long)j->rows, (unsigned long long)j->imported,
	    j->dry_run ? "would be " : "", (unsigned long long)skipped,
	    j->failed ? " (stopped: the lease store failed)" : "");
	if (j->json) {
		summary_json(j, out);
		return j->failed ? -1 : 0;
	}
	sb_append(out, j->report.buf ? j->report.buf : "", j->report.len);
	if (j->reported > IMPORT_REPORT_MAX)
		sb_printf(out, "... and %llu more rows skipped\n",
		    (unsigned long long)(j->reported - IMPORT_REPORT_MAX));
	sb_printf(out, "%s%llu rows: %llu %simported, %llu skipped",
	    j->dry_run ? "dry run: " : "", (unsigned long long)j->rows,
	    (unsigned long long)j->imported, j->dry_run ? "would be " : "",
	    (unsigned long long)skipped);
	for (int i = 0; i < IMP_COUNT; i++)
		if (j->skipped[i] > 0)
			sb_printf(out, ", %s %llu", why_names[i],
			    (unsigned long long)j->skipped[i]);
	sb_puts(out, j->failed ? "\nstopped: the lease store failed; see "
	    "status\n" : "\n");
	return j->failed ? -1 : 0;
}

static void
import_free(void *arg)
{
	struct import_job *j = arg;

	sb_free(&j->report);
	free(j);
}

int
srv_cmd_import(struct server *srv, struct ctl_call *call, int argc,
    char **argv, bool json, struct strbuf *out)
{
	struct import_job *j;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--dry-run") != 0))
		return ctl_error(out, json, "usage: import [--dry-run] "
		    "(dhcpfoctl import --format dhcpd|kea-csv|csv FILE "
		    "sends the rows)");
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return ctl_error(out, json, "out of memory");
	j->srv = srv;
	j->dry_run = argc == 2;
	j->json = json;
	sb_init(&j->report);
	ctl_call_body(call, import_line, import_end, import_free, j);
	return CTL_TAKEN;
}
