/*
 * What the failover learns of each primary's configuration (main
 * thread; docs/learn.md).  A [primary:NAME] with no [subnet:NAME] of its
 * own learns its subnets, ranges, options, classes and reservations from
 * the primary: its thread fetches the text the primary offers
 * (fod_fetch.c), and here it is
 *
 *   checked   as a file of the primary's own: the scope loader's checks
 *             (common/config/cfg_scope.c), then no subnet may overlap
 *             another primary's;
 *   stored    durably, before anything uses it, as StateDir/learnt/
 *             NAME.ini (written beside, synced, renamed, directory
 *             synced), with its generation, time and SHA-256 in two
 *             comment lines at the top;
 *   applied   by restarting that primary's thread with the new view
 *             (fod_reload_learnt): its state is in its store, so a
 *             takeover goes on; the other primaries are not touched.
 *
 * A text that fails a check is refused: the previous one stays in use
 * and on disk, and the refusal is logged, shown by status and sent as
 * a dhcpfoConfigMismatch trap.  At start-up the stored texts are loaded
 * again, so a failover restarted during a takeover serves what it
 * learnt without the primary.
 *
 * A primary with explicit sections still sends its text: it is stored
 * and compared with the sections, and a difference is an alarm with an
 * account of what differs; the sections stay what is served.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_render.h"
#include "fo_digest.h"
#include "optval.h"
#include "fod.h"
#include "fod_snmp.h"

#define LEARNT_DIR	"learnt"
#define LEARNT_PATH_MAX	(CFG_PATH_MAX + 64)
#define HDR_MAGIC	"; dhcpfo: configuration learnt from primary "

/* The stored file of primary name, or its ".new" sibling. */
static int
learnt_path(const struct fod_config *cfg, const char *name, bool fresh,
    char *buf, size_t len)
{
	int	 n = snprintf(buf, len, "%s/%s/%s.ini%s", cfg->server.state_dir,
	    LEARNT_DIR, name, fresh ? ".new" : "");

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void
hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* ---------------------------------------------------------- the file */

/*
 * Read a stored text: its two header lines into *l, the text itself
 * (after them) into *text.  -1 with why filled when it is missing,
 * unreadable, or not what its header says (a torn or edited file).
 */
static int
stored_read(const char *path, struct cfg_fo_learnt *l, struct strbuf *text,
    char *why, size_t whylen)
{
	FILE	*fp;
	char	 line[256], shahex[2 * FO_SHA256_LEN + 1], want[sizeof(shahex)];
	uint8_t	 sha[FO_SHA256_LEN];
	size_t	 n;
	char	 buf[8192];

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), fp) == NULL ||
	    strncmp(line, HDR_MAGIC, strlen(HDR_MAGIC)) != 0 ||
	    fgets(line, sizeof(line), fp) == NULL ||
	    sscanf(line, "; generation=%" SCNu64 " learnt=%lf size=%" SCNu32
	    " sha256=%64s", &l->generation, &l->at, &l->size, want) != 4) {
		fclose(fp);
		snprintf(why, whylen, "%s: not a learnt configuration", path);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 &&
	    text->len + n <= FO_CFG_MAX)
		sb_append(text, buf, n);
	fclose(fp);
	(void)fo_sha256(text->buf, text->len, sha);
	hex(sha, sizeof(sha), shahex);
	if (text->failed || text->len != l->size ||
	    strcmp(shahex, want) != 0) {
		snprintf(why, whylen, "%s: damaged (its SHA-256 or size is "
		    "not the one recorded)", path);
		return -1;
	}
	memcpy(l->sha, sha, sizeof(sha));
	l->have = true;
	return 0;
}

/* The directory a path is in (the path itself when it has no '/'). */
static void
parent_dir(const char *path, char dir[LEARNT_PATH_MAX])
{
	char	*slash;

	snprintf(dir, LEARNT_PATH_MAX, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
}

static int
fsync_dir(const char *path)
{
	char	 dir[LEARNT_PATH_MAX];
	int	 fd, rc;

	parent_dir(path, dir);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write header and text to path, synced.  -1 with errno on failure. */
static int
stored_write(const char *path, const char *name, const struct cfg_fo_learnt *l,
    const uint8_t *text, size_t len)
{
	char	 shahex[2 * FO_SHA256_LEN + 1], dir[LEARNT_PATH_MAX];
	FILE	*fp;
	int	 e;

	parent_dir(path, dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	hex(l->sha, FO_SHA256_LEN, shahex);
	fprintf(fp, HDR_MAGIC "%s; do not edit\n; generation=%" PRIu64
	    " learnt=%.3f size=%" PRIu32 " sha256=%s\n", name, l->generation,
	    l->at, l->size, shahex);
	if (fwrite(text, 1, len, fp) != len || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0) {
		e = errno;
		fclose(fp);
		errno = e;
		return -1;
	}
	return fclose(fp);
}

/* -------------------------------------------------------- the checks */

/* config_load_scope()'s first errors, sanitised, into why. */
static int
scope_load(const char *path, struct config *scope, char *why, size_t whylen)
{
	struct config_errors errs = { 0 };
	size_t	 off = 0;

	if (config_load_scope(path, scope, &errs) == 0) {
		config_errors_free(&errs);
		return 0;
	}
	why[0] = '\0';
	for (size_t i = 0; i < errs.count && i < 3 && off + 1 < whylen; i++) {
		char	 clean[CFG_FO_LEARN_WHY_MAX];

		log_sanitize(errs.msgs[i], strlen(errs.msgs[i]), clean,
		    sizeof(clean));
		off += (size_t)snprintf(why + off, whylen - off, "%s%s",
		    i > 0 ? "; " : "", clean);
	}
	if (errs.count > 3 && off + 1 < whylen)
		snprintf(why + off, whylen - off, "; %zu errors in all",
		    errs.count);
	config_errors_free(&errs);
	return -1;
}

/* No subnet of scope may overlap a subnet of another primary. */
static int
check_others(const struct fod_config *cfg, const char *name,
    const struct config *scope, char *why, size_t whylen)
{
	char	 a[16], b[16];

	for (size_t i = 0; i < cfg->nprimaries; i++) {
		const struct cfg_fo_primary *o = &cfg->primaries[i];

		if (strcmp(o->name, name) == 0)
			continue;
		for (size_t j = 0; j < o->view.nsubnets; j++)
			for (size_t k = 0; k < scope->nsubnets; k++) {
				const struct cfg_subnet *s = &scope->subnets[k];
				const struct cfg_subnet *t = &o->view.subnets[j];

				if (!cfg_subnets_overlap(s, t))
					continue;
				fod_fmt_addr(s->network, a, sizeof(a));
				fod_fmt_addr(t->network, b, sizeof(b));
				snprintf(why, whylen, "[subnet:%s] %s/%u "
				    "overlaps [subnet:%s] %s/%u of primary %s",
				    s->name, a, s->prefix, t->name, b,
				    t->prefix, o->name);
				return -1;
			}
	}
	return 0;
}

/* --------------------------------------------- explicit vs learnt */

static const struct cfg_subnet *
subnet_named(const struct config *c, uint32_t net, uint8_t prefix)
{
	for (size_t i = 0; i < c->nsubnets; i++)
		if (c->subnets[i].network == net &&
		    c->subnets[i].prefix == prefix)
			return &c->subnets[i];
	return NULL;
}

static char *
canon(const struct config *c, const struct cfg_subnet *sn)
{
	size_t	 need = fo_subnet_canon(c, sn, NULL, 0) + 1;
	char	*t = malloc(need);

	if (t != NULL)
		(void)fo_subnet_canon(c, sn, t, need);
	return t;
}

/* The first line of a not found among b's lines, or NULL. */
static const char *
first_missing(const char *a, const char *b, size_t *len)
{
	for (const char *l = a; *l != '\0'; ) {
		const char *e = strchr(l, '\n');
		size_t	 n = e != NULL ? (size_t)(e - l) : strlen(l);
		bool	 found = false;

		for (const char *m = b; *m != '\0' && !found; ) {
			const char *f = strchr(m, '\n');
			size_t	 k = f != NULL ? (size_t)(f - m) : strlen(m);

			found = k == n && memcmp(l, m, n) == 0;
			m += k + (f != NULL);
		}
		if (!found) {
			*len = n;
			return l;
		}
		l += n + (e != NULL);
	}
	return NULL;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * A line of the subnet's canonical form as an administrator writes it:
 * an option ("LEVEL.opt=SPACE.CODE[!]=HEX") by its name and value in
 * c's definitions ("LEVEL Option.domain-name = a.test"), anything else
 * as it is.
 */
static void
readable(const struct config *c, const char *line, size_t n,
    struct strbuf *out)
{
	const char *opt = memmem(line, n, ".opt=", 5), *eq;
	const struct optdef *d;
	unsigned sp, code;
	uint8_t	 v[OPTVAL_MAX];
	char	 text[2 * OPTVAL_MAX];
	size_t	 len = 0;
	int	 k;

	if (opt == NULL || sscanf(opt + 5, "%u.%u", &sp, &code) != 2 ||
	    (eq = memchr(opt + 5, '=', n - (size_t)(opt + 5 - line))) == NULL ||
	    (d = optdef_by_code(&c->optdefs, sp, code)) == NULL)
		goto raw;
	for (const char *h = eq + 1; h + 1 < line + n && len < sizeof(v);
	    h += 2) {
		if (hexval(h[0]) < 0 || hexval(h[1]) < 0)
			goto raw;
		v[len++] = (uint8_t)(hexval(h[0]) << 4 | hexval(h[1]));
	}
	if ((k = optval_format(d->type, v, len, text, sizeof(text))) < 0 ||
	    (size_t)k >= sizeof(text))
		goto raw;
	sb_printf(out, "%.*s Option.%s = %s%s", (int)(opt - line), line,
	    d->name, text, eq[-1] == '!' ? " (AlwaysSend)" : "");
	return;
raw:
	sb_printf(out, "%.*s", (int)n, line);
}

/* One subnet on both sides: its first differing lines, each side's. */
static void
account_subnet(const struct config *mine, const struct cfg_subnet *a,
    const struct config *theirs, const struct cfg_subnet *b,
    struct strbuf *out)
{
	char	*ca = canon(mine, a), *cb = canon(theirs, b), n[16];
	const char *x, *y;
	size_t	 lx = 0, ly = 0;

	if (ca != NULL && cb != NULL && strcmp(ca, cb) != 0) {
		x = first_missing(ca, cb, &lx);
		y = first_missing(cb, ca, &ly);
		fod_fmt_addr(a->network, n, sizeof(n));
		sb_printf(out, "%s%s/%u: %s", out->len ? "; " : "", n,
		    a->prefix, x == NULL ? "" : y == NULL ? "only here: " :
		    "here ");
		if (x != NULL)
			readable(mine, x, lx, out);
		if (y != NULL) {
			sb_puts(out, x == NULL ? "only on the primary: " :
			    ", primary ");
			readable(theirs, y, ly, out);
		}
	}
	free(ca);
	free(cb);
}

/* How the explicit sections (mine) differ from what the primary sent. */
static void
account(const struct config *mine, const struct config *theirs,
    char *out, size_t len)
{
	struct strbuf	 sb;
	char		 n[16];

	sb_init(&sb);
	for (size_t i = 0; i < mine->nsubnets; i++) {
		const struct cfg_subnet *a = &mine->subnets[i], *b;

		if ((b = subnet_named(theirs, a->network, a->prefix)) != NULL)
			account_subnet(mine, a, theirs, b, &sb);
		else {
			fod_fmt_addr(a->network, n, sizeof(n));
			sb_printf(&sb, "%s%s/%u only here", sb.len ? "; " : "",
			    n, a->prefix);
		}
	}
	for (size_t i = 0; i < theirs->nsubnets; i++) {
		const struct cfg_subnet *b = &theirs->subnets[i];

		if (subnet_named(mine, b->network, b->prefix) != NULL)
			continue;
		fod_fmt_addr(b->network, n, sizeof(n));
		sb_printf(&sb, "%s%s/%u only on the primary",
		    sb.len ? "; " : "", n, b->prefix);
	}
	snprintf(out, len, "%s", sb.buf != NULL ? sb.buf : "");
	sb_free(&sb);
}

/* ------------------------------------------------ start-up, reload */

/* One primary: its stored text, if any, checked and put to use. */
static void
attach_one(struct fod_config *cfg, struct cfg_fo_primary *p)
{
	char		 path[LEARNT_PATH_MAX], why[CFG_FO_LEARN_WHY_MAX];
	struct strbuf	 text;
	struct config	 scope;

	memset(&p->learnt, 0, sizeof(p->learnt));
	if (learnt_path(cfg, p->name, false, path, sizeof(path)) < 0 ||
	    access(path, F_OK) != 0)
		return;		/* nothing learnt yet */
	sb_init(&text);
	if (stored_read(path, &p->learnt, &text, why, sizeof(why)) < 0 ||
	    scope_load(path, &scope, why, sizeof(why)) < 0) {
		sb_free(&text);
		memset(&p->learnt, 0, sizeof(p->learnt));
		log_err("primary=%s: stored configuration not used: %s",
		    p->name, why);
		snprintf(p->learnt.refused, sizeof(p->learnt.refused), "%s",
		    why);
		return;
	}
	sb_free(&text);
	if (!p->learns) {
		account(&p->view, &scope, p->learnt.differs,
		    sizeof(p->learnt.differs));
		config_free(&scope);
		return;
	}
	if (check_others(cfg, p->name, &scope, why, sizeof(why)) < 0) {
		log_err("primary=%s: stored configuration not used: %s",
		    p->name, why);
		snprintf(p->learnt.refused, sizeof(p->learnt.refused), "%s",
		    why);
		config_free(&scope);
		return;
	}
	config_free(&p->view);
	fod_config_learnt_view(cfg, p, &scope, &p->view);
	log_info("primary=%s: configuration generation %" PRIu64 " loaded "
	    "(%zu subnets, %zu reservations)", p->name, p->learnt.generation,
	    p->view.nsubnets, p->view.nhosts);
}

void
fod_learn_attach(struct fod_config *cfg)
{
	for (size_t i = 0; i < cfg->nprimaries; i++)
		attach_one(cfg, &cfg->primaries[i]);
}

void
fod_learn_carry(const struct fod_config *old, struct fod_config *cfg)
{
	for (size_t i = 0; i < cfg->nprimaries; i++) {
		struct cfg_fo_primary *n = &cfg->primaries[i];
		const struct cfg_fo_primary *o = fod_config_primary(old,
		    n->name);

		if (o != NULL && n->learnt.refused[0] == '\0')
			memcpy(n->learnt.refused, o->learnt.refused,
			    sizeof(n->learnt.refused));
	}
}

/* ------------------------------------------------- a new text */

static void
refuse(struct fod *fod, struct fod_peer *p, struct cfg_fo_primary *pc,
    const char *why)
{
	char	 msg[CFG_FO_LEARN_WHY_MAX + 64];

	snprintf(pc->learnt.refused, sizeof(pc->learnt.refused), "%s", why);
	snprintf(msg, sizeof(msg), "configuration refused, previous one "
	    "kept: %s", why);
	log_err("primary=%s: %s", p->name, msg);
	fod_snmp_trap(fod, p, FOD_ALERT_CONFIG_MISMATCH, 0, 0, msg);
}

/* Explicit sections: keep the text for `config`, report differences. */
static void
compare(struct fod *fod, struct fod_peer *p, struct cfg_fo_primary *pc,
    struct config *scope)
{
	char	 was[CFG_FO_LEARN_WHY_MAX];
	char	 msg[CFG_FO_LEARN_WHY_MAX + 64];

	memcpy(was, pc->learnt.differs, sizeof(was));
	account(&pc->view, scope, pc->learnt.differs,
	    sizeof(pc->learnt.differs));
	config_free(scope);
	if (pc->learnt.differs[0] == '\0') {
		log_info("primary=%s: its configuration matches the sections "
		    "of failover.ini", p->name);
		return;
	}
	if (strcmp(was, pc->learnt.differs) == 0)
		return;		/* said already */
	snprintf(msg, sizeof(msg), "failover.ini differs from the "
	    "primary's configuration: %s", pc->learnt.differs);
	log_warn("primary=%s: %s", p->name, msg);
	fod_snmp_trap(fod, p, FOD_ALERT_CONFIG_MISMATCH, 0, 0, msg);
}

/* Checked, then durable; 0, or -1 (refused or not stored: said why). */
static int
check_and_store(struct fod *fod, struct fod_peer *p, struct cfg_fo_primary *pc,
    const struct fq_item *it, struct config *scope)
{
	char	 fresh[LEARNT_PATH_MAX], path[LEARNT_PATH_MAX];
	char	 why[CFG_FO_LEARN_WHY_MAX];
	struct cfg_fo_learnt l = pc->learnt;
	struct fq_item *cmd;
	uint64_t held;

	l.generation++;
	l.at = fod_wallclock();
	l.size = (uint32_t)it->len;
	(void)fo_sha256(it->buf, it->len, l.sha);
	if (learnt_path(&fod->cfg, p->name, true, fresh, sizeof(fresh)) < 0 ||
	    learnt_path(&fod->cfg, p->name, false, path, sizeof(path)) < 0 ||
	    stored_write(fresh, p->name, &l, it->buf, it->len) < 0) {
		/* Fetched again at every poll while the disk fails: once a
		 * minute is enough to say so. */
		if (log_ratelimit_ok(&fod->rl_learn, ev_now(fod->loop), 60,
		    &held))
			log_err("primary=%s: cannot store its configuration "
			    "(%s): %s; the previous one stays, fetching it "
			    "again (%llu more not logged)", p->name, fresh,
			    strerror(errno), (unsigned long long)held);
		fod->ctr.learn_store_failures++;
		(void)unlink(fresh);
		/* Not the text's fault: its thread fetches it again. */
		if ((cmd = fq_item_new(FQ_CMD, 0)) != NULL) {
			cmd->cmd = FQ_CMD_REFETCH;
			if (fq_push(&p->inq, cmd))
				fq_wake(&p->inq);
		}
		return -1;
	}
	if (scope_load(fresh, scope, why, sizeof(why)) < 0 ||
	    (pc->learns && check_others(&fod->cfg, p->name, scope, why,
	    sizeof(why)) < 0)) {
		(void)unlink(fresh);
		refuse(fod, p, pc, why);
		return -1;
	}
	if (rename(fresh, path) < 0 || fsync_dir(path) < 0) {
		log_err("primary=%s: cannot store its configuration (%s): %s",
		    p->name, path, strerror(errno));
		(void)unlink(fresh);
		config_free(scope);
		return -1;
	}
	l.have = true;
	l.refused[0] = '\0';
	pc->learnt = l;
	return 0;
}

void
fod_learn_offered(struct fod *fod, struct fod_peer *p, struct fq_item *it)
{
	struct cfg_fo_primary *pc;
	struct config	 scope, view;

	pc = (struct cfg_fo_primary *)fod_config_primary(&fod->cfg, p->name);
	if (pc == NULL || check_and_store(fod, p, pc, it, &scope) < 0)
		return;
	log_info("primary=%s: configuration generation %" PRIu64 " learnt "
	    "(%" PRIu32 " bytes, %zu subnets, %zu reservations, %zu "
	    "classes)%s", p->name, pc->learnt.generation, pc->learnt.size,
	    scope.nsubnets, scope.nhosts, scope.nclasses, pc->learns ?
	    "; applying it" : "");
	if (!pc->learns) {
		compare(fod, p, pc, &scope);
		return;
	}
	fod_config_learnt_view(&fod->cfg, pc, &scope, &view);
	(void)fod_reload_learnt(fod, p->name, &view);
}

/* ------------------------------------------------ dhcpfoctl config */

static void
primary_keys(const struct cfg_fo_primary *pc, struct strbuf *out)
{
	char	 a[16];

	fod_fmt_addr(pc->addr, a, sizeof(a));
	sb_printf(out, "Address = %s\nPort = %u\nSharedKeyFile = %s\n", a,
	    pc->port, pc->key_file);
	if (pc->accept_key_file[0] != '\0')
		sb_printf(out, "AcceptSharedKeyFile = %s\n",
		    pc->accept_key_file);
}

/* The stored text of pc in failover.ini form, into ini; l its header. */
static int
show_ini(const struct fod *fod, const struct cfg_fo_primary *pc,
    struct cfg_fo_learnt *l, struct strbuf *ini, char *why, size_t whylen)
{
	char		 path[LEARNT_PATH_MAX];
	struct strbuf	 text, keys;
	struct config	 scope;
	int		 rc = -1;

	if (learnt_path(&fod->cfg, pc->name, false, path, sizeof(path)) < 0 ||
	    access(path, F_OK) != 0) {
		snprintf(why, whylen, "primary %s has sent no configuration "
		    "yet", pc->name);
		return -1;
	}
	sb_init(&text);
	sb_init(&keys);
	if (stored_read(path, l, &text, why, whylen) == 0 &&
	    scope_load(path, &scope, why, whylen) == 0) {
		primary_keys(pc, &keys);
		rc = cfg_render_scope(&scope, pc->name, keys.buf, ini);
		config_free(&scope);
		if (rc < 0 || ini->failed || keys.failed) {
			snprintf(why, whylen, "out of memory");
			rc = -1;
		}
	}
	sb_free(&text);
	sb_free(&keys);
	return rc;
}

int
fod_learn_show(struct fod *fod, const char *name, bool json,
    struct strbuf *out, char *why, size_t whylen)
{
	const struct cfg_fo_primary *pc = fod_config_primary(&fod->cfg, name);
	char		 shahex[2 * FO_SHA256_LEN + 1];
	struct cfg_fo_learnt l = { 0 };
	struct strbuf	 ini;

	if (pc == NULL) {
		snprintf(why, whylen, "no primary named %s", name);
		return -1;
	}
	sb_init(&ini);
	if (show_ini(fod, pc, &l, &ini, why, whylen) < 0) {
		sb_free(&ini);
		return -1;
	}
	hex(l.sha, sizeof(l.sha), shahex);
	if (json) {
		sb_puts(out, "{\"primary\":");
		sb_json_str(out, pc->name);
		sb_printf(out, ",\"generation\":%" PRIu64 ",\"learnt\":%.3f,"
		    "\"size\":%" PRIu32 ",\"sha256\":\"%s\",\"in_use\":%s,"
		    "\"ini\":", l.generation, l.at, l.size, shahex,
		    pc->learns ? "true" : "false");
		sb_json_str(out, ini.buf);
		sb_puts(out, "}\n");
	} else {
		sb_printf(out, "; primary %s: configuration generation %"
		    PRIu64 ", learnt at %.0f (Unix time), sha256 %s\n; %s\n",
		    pc->name, l.generation, l.at, shahex, pc->learns ?
		    "in use: failover.ini has no [subnet:NAME] for it" :
		    "not in use: failover.ini's own sections are served");
		sb_append(out, ini.buf, ini.len);
	}
	sb_free(&ini);
	return 0;
}
