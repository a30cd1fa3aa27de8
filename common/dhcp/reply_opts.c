/*
 * The configured part of a reply: precedence and the request list (see
 * reply_opts.h for the rules).
 */
#include <string.h>

#include "optdef.h"
#include "reply_opts.h"

void
reply_levels(const struct config *cfg, const struct cfg_subnet *sn,
    const struct cfg_host *h, uint64_t classes, struct reply_levels *out)
{
	out->n = 0;
	if (h != NULL && h->opts != 0)
		out->v[out->n++] = config_optset(cfg, h->opts);
	for (size_t i = 0; classes != 0 && i < cfg->nclasses &&
	    i < CFG_MAX_CLASSES; i++)
		if ((classes & (1ULL << i)) && cfg->classes[i].opts != 0)
			out->v[out->n++] = config_optset(cfg,
			    cfg->classes[i].opts);
	if (sn != NULL && sn->opts != 0)
		out->v[out->n++] = config_optset(cfg, sn->opts);
	if (cfg->global_opts != 0)
		out->v[out->n++] = config_optset(cfg, cfg->global_opts);
}

/* The request list as a set of codes: all of them when there is none. */
struct asked {
	uint64_t	 bits[4];
};

static void
asked_init(struct asked *a, const uint8_t *prl, size_t prl_len)
{
	memset(a->bits, prl == NULL ? 0xff : 0, sizeof(a->bits));
	for (size_t i = 0; prl != NULL && i < prl_len; i++)
		a->bits[prl[i] >> 6] |= 1ULL << (prl[i] & 63);
}

static bool
asked(const struct asked *a, uint8_t code)
{
	return (a->bits[code >> 6] >> (code & 63)) & 1;
}

/* Option 43 built from the winning vendor sub-options (RFC 2132 8.4). */
struct vendor {
	size_t		 len;
	bool		 always;
	uint8_t		 buf[CFG_OPTBUF_MAX];
};

static void
vendor_add(struct vendor *vd, const struct cfg_optset *s,
    const struct cfg_opt *o)
{
	if (o->len > 255 || vd->len + 2 + o->len > sizeof(vd->buf))
		return;		/* the loader refuses both */
	vd->buf[vd->len++] = o->code;
	vd->buf[vd->len++] = (uint8_t)o->len;
	memcpy(vd->buf + vd->len, s->buf + o->off, o->len);
	vd->len += o->len;
	vd->always |= o->always;
}

static void
boot_fields(struct dhcp_msg *rp, const struct reply_levels *lv)
{
	bool	 siaddr = false, file = false, sname = false;

	for (size_t i = 0; i < lv->n; i++) {
		const struct cfg_optset *s = lv->v[i];

		if (!siaddr && s->has_next_server) {
			rp->siaddr = s->next_server;
			siaddr = true;
		}
		if (!file && s->boot_file[0] != '\0') {
			memcpy(rp->file, s->boot_file, sizeof(rp->file));
			file = true;
		}
		if (!sname && s->server_name[0] != '\0') {
			memcpy(rp->sname, s->server_name, sizeof(rp->sname));
			sname = true;
		}
	}
}

void
reply_opts_fill(struct dhcp_msg *rp, const struct reply_levels *lv,
    const uint8_t *prl, size_t prl_len, bool boot)
{
	/* Decided codes, per space: the first level to set one wins,
	 * whether or not it is then sent. */
	uint64_t	 seen[OPT_SPACE_COUNT][4];
	struct vendor	 vd;
	struct asked	 want;

	memset(seen, 0, sizeof(seen));
	asked_init(&want, prl, prl_len);
	vd.len = 0;
	vd.always = false;
	for (size_t i = 0; i < lv->n; i++) {
		const struct cfg_optset *s = lv->v[i];

		for (size_t j = 0; j < s->n; j++) {
			const struct cfg_opt *o = &s->v[j];
			uint64_t bit = 1ULL << (o->code & 63), *w;

			if (o->space >= OPT_SPACE_COUNT)
				continue;
			w = &seen[o->space][o->code >> 6];
			if (*w & bit)
				continue;
			*w |= bit;
			if (o->space == OPT_SPACE_VENDOR)
				vendor_add(&vd, s, o);
			else if (!dhcp_opt_has(rp, o->code) &&
			    (o->always || o->code == DHO_ROUTERS ||
			    asked(&want, o->code)))
				(void)dhcp_opt_set(rp, o->code, s->buf + o->off,
				    o->len);
		}
	}
	if (vd.len > 0 && (vd.always || asked(&want,
	    DHO_VENDOR_ENCAPSULATED)))
		(void)dhcp_opt_set(rp, DHO_VENDOR_ENCAPSULATED, vd.buf, vd.len);
	if (boot)
		boot_fields(rp, lv);
}
