/*
 * A configuration's scope as INI text (cfg_render.h): each section
 * written key by key in the spelling its loader reads, each value in the
 * text that loads back to the same field or the same option bytes, so
 * that loading the text gives the scope back.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cfg_int.h"
#include "cfg_render.h"
#include "optval.h"
#include "strbuf.h"

/*
 * Longest option value text worth formatting: compact forms save at
 * most a third, so a longer one cannot fit a line of the INI reader.
 */
#define VALUE_TEXT_MAX	(4 * INI_LINE_MAX)

/* How a value may be shortened when its line is too long. */
enum vform {
	V_TEXT,		/* not at all */
	V_LIST,		/* a comma list: no blanks after the commas */
	V_HEX,		/* hex "0a:0b": the pairs run together */
};

/* One rendering. */
struct render {
	const struct config *cfg;
	const char	*primary;	/* NULL: primary.ini form */
	struct strbuf	*out;
	size_t		 start;		/* out's length before */
	struct strbuf	 val;		/* scratch: a value */
	bool		 bad;		/* a value that cannot be written */
};

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/*
 * The quote v must be written in for the INI reader to give it back as
 * it is: "" for none, "\"" or "'", or NULL when no way will do.  The
 * reader takes a value's quotes off, cuts a bare value at ';' or '#',
 * continues a line ending in a backslash and strips blanks at both
 * ends.  A value opening with a doubled quote is read bare (the quoted
 * part is empty, so the reader falls back to the whole text).
 */
static const char *
ini_quote(const char *v)
{
	size_t	 n = strlen(v);
	bool	 quoted;

	if (n == 0)
		return "";
	quoted = (v[0] == '"' || v[0] == '\'') && !(n > 2 && v[1] == v[0]);
	if (!quoted && !isspace((unsigned char)v[0]) &&
	    !isspace((unsigned char)v[n - 1]) && v[n - 1] != '\\' &&
	    strpbrk(v, ";#") == NULL)
		return "";
	if (strchr(v, '"') == NULL)
		return "\"";
	if (strchr(v, '\'') == NULL)
		return "'";
	return NULL;
}

/* "Key=value", the value shortened as form allows; bad if still too
 * long for the reader's line (INI_LINE_MAX with its newline). */
static void
put_compact(struct render *r, const char *key, const char *v,
    enum vform form)
{
	size_t	 start = r->out->len;

	if (form == V_TEXT) {
		r->bad = true;
		return;
	}
	sb_printf(r->out, "%s=", key);
	for (const char *p = v; *p != '\0'; p++) {
		if ((form == V_HEX && *p == ':') ||
		    (form == V_LIST && *p == ' ' && p > v && p[-1] == ','))
			continue;
		sb_append(r->out, p, 1);
	}
	if (r->out->len - start >= INI_LINE_MAX)
		r->bad = true;
	sb_puts(r->out, "\n");
}

/*
 * "Key = value", quoted when the reader would otherwise change it (a
 * value it cannot be given is bad); a line too long for the reader is
 * written compact.
 */
static void
put_kv(struct render *r, const char *key, const char *v, enum vform form)
{
	const char *q;

	if ((q = ini_quote(v)) == NULL)
		r->bad = true;
	else if (strlen(key) + 3 + strlen(v) + 2 * strlen(q) < INI_LINE_MAX)
		sb_printf(r->out, "%s = %s%s%s\n", key, q, v, q);
	else
		put_compact(r, key, v, form);
}

/* 1..CFG_NAME_MAX-1 characters of A-Z a-z 0-9 _ . - */
static bool
name_ok(const char *s)
{
	size_t	 n = strlen(s);

	for (const char *p = s; *p != '\0'; p++)
		if (!cfg_text_char_ok(CFG_NAME, (unsigned char)*p))
			return false;
	return n > 0 && n < CFG_NAME_MAX;
}

/*
 * "[kind:name]" ("[kind]" for name NULL), after a blank line unless it
 * starts the text; a section the failover.ini form assigns (owned)
 * gets "Primary = NAME".
 */
static void
put_section(struct render *r, const char *kind, const char *name,
    bool owned)
{
	if (name != NULL && !name_ok(name)) {
		r->bad = true;
		return;
	}
	if (r->out->len > r->start)
		sb_puts(r->out, "\n");
	if (name != NULL)
		sb_printf(r->out, "[%s:%s]\n", kind, name);
	else
		sb_printf(r->out, "[%s]\n", kind);
	if (owned && r->primary != NULL)
		sb_printf(r->out, "Primary = %s\n", r->primary);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* The scratch value, emptied. */
static struct strbuf *
val_begin(struct render *r)
{
	if (r->val.failed)
		r->bad = true;
	sb_reset(&r->val);
	return &r->val;
}

/* The scratch value's text ("" when out of memory: bad). */
static const char *
val_text(struct render *r)
{
	if (r->val.failed) {
		r->bad = true;
		return "";
	}
	return r->val.buf != NULL ? r->val.buf : "";
}

/* A text field of `size` bytes, NUL-ended or full. */
static void
put_field(struct render *r, const char *key, const char *field, size_t size)
{
	struct strbuf *v = val_begin(r);

	sb_append(v, field, strnlen(field, size));
	put_kv(r, key, val_text(r), V_TEXT);
}

static void
put_uint(struct render *r, const char *key, unsigned long v)
{
	char	 buf[24];

	snprintf(buf, sizeof(buf), "%lu", v);
	put_kv(r, key, buf, V_TEXT);
}

static void
put_addr(struct render *r, const char *key, uint32_t a)
{
	char	 buf[INET_ADDRSTRLEN];

	put_kv(r, key, cfg_addr_str(a, buf), V_TEXT);
}

static void
put_addrs(struct render *r, const char *key, const uint32_t *a, size_t n)
{
	struct strbuf *v = val_begin(r);
	char	 buf[INET_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++)
		sb_printf(v, "%s%s", i > 0 ? ", " : "",
		    cfg_addr_str(a[i], buf));
	put_kv(r, key, val_text(r), V_LIST);
}

/* Ranges as written: "a-b", or "a" for one address. */
static void
put_ranges(struct render *r, const char *key, const struct cfg_range *x,
    size_t n)
{
	struct strbuf *v = val_begin(r);
	char	 buf[40];

	for (size_t i = 0; i < n; i++)
		sb_printf(v, "%s%s", i > 0 ? ", " : "",
		    cfg_range_str(&x[i], buf, sizeof(buf)));
	put_kv(r, key, val_text(r), V_LIST);
}

/* Bytes as "0a:0b:..." after prefix ("0x" for an exact match). */
static void
put_hex(struct render *r, const char *key, const char *prefix,
    const uint8_t *b, size_t n)
{
	char	 text[VALUE_TEXT_MAX];
	size_t	 p = strlen(prefix);
	int	 len;

	memcpy(text, prefix, p);
	len = optval_format(OPT_HEX, b, n, text + p, sizeof(text) - p);
	if (len < 0 || (size_t)len >= sizeof(text) - p) {
		r->bad = true;
		return;
	}
	put_kv(r, key, text, V_TEXT);
}

static void
put_percent(struct render *r, const char *key, double ratio)
{
	char	 buf[CFG_PERCENT_TEXT_MAX];

	if (cfg_percent_text(ratio, buf, sizeof(buf)) < 0)
		r->bad = true;
	else
		put_kv(r, key, buf, V_TEXT);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

/* The definition an option is loaded by, or NULL (bad). */
static const struct optdef *
opt_def(struct render *r, const struct cfg_opt *o)
{
	const struct optdef *d;

	if ((d = optdef_by_code(&r->cfg->optdefs, o->space, o->code)) == NULL)
		r->bad = true;
	return d;
}

static enum vform
opt_form(enum opt_type t)
{
	switch (t) {
	case OPT_HEX:
		return V_HEX;
	case OPT_IP_LIST:
	case OPT_IP_PAIRS:
	case OPT_UINT16_LIST:
	case OPT_FQDN_LIST:
	case OPT_ROUTES:
		return V_LIST;
	default:
		return V_TEXT;
	}
}

/* Option.NAME = its value's canonical text. */
static void
put_option(struct render *r, const struct cfg_optset *s,
    const struct cfg_opt *o)
{
	const struct optdef *d;
	char	 key[sizeof("Option.") + OPT_NAME_MAX];
	char	 text[VALUE_TEXT_MAX];
	int	 n;

	if ((d = opt_def(r, o)) == NULL)
		return;
	n = optval_format(d->type, s->buf + o->off, o->len, text,
	    sizeof(text));
	if (n < 0 || (size_t)n >= sizeof(text)) {
		r->bad = true;
		return;
	}
	/*
	 * A string holding both quotes that the reader cannot be given as
	 * written (it opens with one) may go in the quotes of the option's
	 * own text, which its parser takes off: "B" opens with a doubled
	 * quote when B opens with one.
	 */
	if (d->type == OPT_STRING && ini_quote(text) == NULL &&
	    (size_t)o->len + 2 < sizeof(text)) {
		text[0] = '"';
		memcpy(text + 1, s->buf + o->off, o->len);
		memcpy(text + 1 + o->len, "\"", 2);
	}
	snprintf(key, sizeof(key), "Option.%s", d->name);
	put_kv(r, key, text, opt_form(d->type));
}

/*
 * AlwaysSend: the options flagged, by name; by code (DHCP space) and
 * without blanks when the names make the list too long for the key.
 */
static void
put_always(struct render *r, const struct cfg_optset *s)
{
	for (int compact = 0; compact < 2; compact++) {
		struct strbuf *v = val_begin(r);
		size_t	 n = 0;

		for (size_t i = 0; i < s->n; i++) {
			const struct optdef *d;

			if (!s->v[i].always ||
			    (d = opt_def(r, &s->v[i])) == NULL)
				continue;
			sb_puts(v, n++ == 0 ? "" : compact ? "," : ", ");
			if (compact && d->space == OPT_SPACE_DHCP4)
				sb_printf(v, "%u", d->code);
			else
				sb_puts(v, d->name);
		}
		if (n == 0)
			return;
		if (v->len <= CFG_ALWAYS_MAX) {
			put_kv(r, "AlwaysSend", val_text(r), V_TEXT);
			return;
		}
	}
	r->bad = true;
}

/* Is o one an old key of the section stands for (skip: its codes)? */
static bool
opt_skipped(const struct cfg_opt *o, const unsigned *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (o->space == OPT_SPACE_DHCP4 && o->code == skip[i])
			return true;
	return false;
}

/*
 * A section's set: Option.NAME keys in the set's order but those the
 * section's old keys (Routers, Hostname, ...) stand for, which its
 * loader appends after them; AlwaysSend; the boot fields.
 */
static void
put_optset(struct render *r, uint32_t idx, const unsigned *skip,
    size_t nskip)
{
	const struct cfg_optset *s = config_optset(r->cfg, idx);

	for (size_t i = 0; i < s->n; i++) {
		if (!opt_skipped(&s->v[i], skip, nskip))
			put_option(r, s, &s->v[i]);
		else if (s->v[i].always)	/* no key can say so */
			r->bad = true;
	}
	put_always(r, s);
	if (s->has_next_server)
		put_addr(r, "NextServer", s->next_server);
	if (s->boot_file[0] != '\0')
		put_field(r, "BootFile", s->boot_file, sizeof(s->boot_file));
	if (s->server_name[0] != '\0')
		put_field(r, "ServerName", s->server_name,
		    sizeof(s->server_name));
}

static void
put_optdefs(struct render *r)
{
	for (size_t i = 0; i < r->cfg->optdefs.n && !r->bad; i++) {
		const struct optdef *d = &r->cfg->optdefs.v[i];
		const char *type = opt_type_name(d->type);
		const char *space = opt_space_name(d->space);

		if (type == NULL || space == NULL) {
			r->bad = true;
			return;
		}
		put_section(r, "option", d->name, false);
		put_uint(r, "Code", d->code);
		put_kv(r, "Type", type, V_TEXT);
		put_kv(r, "Space", space, V_TEXT);
	}
}

/* [server], or [primary:NAME] and its keys, with the global options. */
static void
put_global(struct render *r, const char *primary_keys)
{
	size_t	 n;

	if (r->primary == NULL)
		put_section(r, "server", NULL, false);
	else {
		put_section(r, "primary", r->primary, false);
		if (primary_keys != NULL && (n = strlen(primary_keys)) > 0) {
			sb_append(r->out, primary_keys, n);
			if (primary_keys[n - 1] != '\n')
				sb_puts(r->out, "\n");
		}
	}
	put_optset(r, r->cfg->global_opts, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Classes, subnets, hosts                                             */

/* A glob as written, or exact bytes as 0x...; a glob that reads as
 * 0x... would come back exact. */
static void
put_match(struct render *r, const char *key, const struct cfg_match *m)
{
	if (!m->set)
		return;
	if (m->exact)
		put_hex(r, key, "0x", m->bytes, m->len);
	else if (m->len >= 2 && strncasecmp((const char *)m->bytes, "0x",
	    2) == 0)
		r->bad = true;
	else
		put_field(r, key, (const char *)m->bytes, m->len);
}

static void
put_class(struct render *r, const struct cfg_class *c)
{
	put_section(r, "class", c->name, true);
	put_match(r, "VendorClass", &c->vendor_class);
	put_match(r, "UserClass", &c->user_class);
	put_match(r, "CircuitId", &c->circuit_id);
	put_match(r, "RemoteId", &c->remote_id);
	if (c->narch > 0) {
		struct strbuf *v = val_begin(r);

		for (size_t i = 0; i < c->narch && i < CFG_MAX_ARCH; i++)
			sb_printf(v, "%s%u", i > 0 ? ", " : "", c->arch[i]);
		put_kv(r, "ClientArch", val_text(r), V_LIST);
	}
	if (c->hwprefix_len > 0)
		put_hex(r, "HardwarePrefix", "", c->hwprefix, c->hwprefix_len);
	if (c->nranges > 0)
		put_ranges(r, "Range", c->ranges, c->nranges);
	put_optset(r, c->opts, NULL, 0);
}

/* Subnet, Range, Exclude, and BroadcastAddress unless the default. */
static void
put_subnet_pool(struct render *r, const struct cfg_subnet *sn)
{
	char	 a[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN + 4];

	snprintf(buf, sizeof(buf), "%s/%u", cfg_addr_str(sn->network, a),
	    sn->prefix);
	put_kv(r, "Subnet", buf, V_TEXT);
	put_ranges(r, "Range", sn->ranges, sn->nranges);
	if (sn->nexclude_ranges > 0)
		put_ranges(r, "Exclude", sn->exclude_ranges,
		    sn->nexclude_ranges);
	if (sn->broadcast != (sn->network | ~sn->mask))
		put_addr(r, "BroadcastAddress", sn->broadcast);
}

/* The old keys that are set; their codes into skip.  Returns the count. */
static size_t
put_subnet_legacy(struct render *r, const struct cfg_subnet *sn,
    unsigned skip[4])
{
	size_t	 n = 0;

	if (sn->nrouters > 0) {
		put_addrs(r, "Routers", sn->routers, sn->nrouters);
		skip[n++] = DHO_ROUTERS;
	}
	if (sn->ndns > 0) {
		put_addrs(r, "DnsServers", sn->dns, sn->ndns);
		skip[n++] = DHO_DNS_SERVERS;
	}
	if (sn->nntp > 0) {
		put_addrs(r, "NtpServers", sn->ntp, sn->nntp);
		skip[n++] = DHO_NTP_SERVERS;
	}
	if (sn->domain_name[0] != '\0') {
		put_field(r, "DomainName", sn->domain_name,
		    sizeof(sn->domain_name));
		skip[n++] = DHO_DOMAIN_NAME;
	}
	return n;
}

static void
put_subnet(struct render *r, const struct cfg_subnet *sn)
{
	unsigned skip[4];
	size_t	 nskip;

	put_section(r, "subnet", sn->name, true);
	put_subnet_pool(r, sn);
	nskip = put_subnet_legacy(r, sn, skip);
	put_uint(r, "LeaseTime", sn->lease_time);
	put_uint(r, "MinLeaseTime", sn->min_lease_time);
	put_uint(r, "MaxLeaseTime", sn->max_lease_time);
	put_percent(r, "RenewalPercent", sn->t1_ratio);
	put_percent(r, "RebindingPercent", sn->t2_ratio);
	/* Resolved, so it loads the same whatever the defaults there;
	 * an unresolved one is no value. */
	if (sn->failover_share > cfg_subnet_specs[SN_SHARE].max)
		r->bad = true;
	put_uint(r, "FailoverShare", sn->failover_share);
	if (sn->shared_network[0] != '\0')
		put_field(r, "SharedNetwork", sn->shared_network,
		    sizeof(sn->shared_network));
	put_optset(r, sn->opts, skip, nskip);
}

static void
put_host(struct render *r, const struct cfg_host *h)
{
	unsigned skip[1];
	size_t	 nskip = 0;

	put_section(r, "host", h->name, true);
	if (h->htype == 1 && h->hlen == 6)
		put_hex(r, "HardwareAddress", "", h->hwaddr, h->hlen);
	else if (h->hlen == 0 && h->cid_len > 0)
		put_hex(r, "ClientId", "", h->cid, h->cid_len);
	else
		r->bad = true;
	put_addr(r, "Address", h->addr);
	if (h->hostname[0] != '\0') {
		put_field(r, "Hostname", h->hostname, sizeof(h->hostname));
		skip[nskip++] = DHO_HOST_NAME;
	}
	put_optset(r, h->opts, skip, nskip);
}

int
cfg_render_scope(const struct config *cfg, const char *primary,
    const char *primary_keys, struct strbuf *out)
{
	struct render r = { .cfg = cfg, .primary = primary, .out = out,
	    .start = out->len };

	sb_init(&r.val);
	if (primary != NULL && !name_ok(primary))
		r.bad = true;
	put_optdefs(&r);
	put_global(&r, primary_keys);
	for (size_t i = 0; i < cfg->nclasses && !r.bad; i++)
		put_class(&r, &cfg->classes[i]);
	for (size_t i = 0; i < cfg->nsubnets && !r.bad; i++)
		put_subnet(&r, &cfg->subnets[i]);
	for (size_t i = 0; i < cfg->nhosts && !r.bad; i++)
		put_host(&r, &cfg->hosts[i]);
	(void)val_begin(&r);
	sb_free(&r.val);
	if (out->failed)
		return -1;
	if (r.bad) {
		out->len = r.start;
		if (out->buf != NULL)
			out->buf[r.start] = '\0';
		return -1;
	}
	return 0;
}
