/*
 * Option sets (struct cfg_optset, config.h): what one section hands out,
 * kept in struct config's optsets[] and referred to by index.  Built by
 * the loaders (cfg_opts.c), read by replies (reply_opts.c) and the
 * subnet digest, copied into the failover's per-primary views.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"

const struct cfg_opt *
cfg_optset_find(const struct cfg_optset *s, unsigned space, unsigned code)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].code == code && s->v[i].space == space)
			return &s->v[i];
	return NULL;
}

const struct cfg_optset *
config_optset(const struct config *cfg, uint32_t idx)
{
	static const struct cfg_optset empty;

	return idx < cfg->noptsets ? &cfg->optsets[idx] : &empty;
}

bool
cfg_optset_add(struct cfg_optset *s, unsigned space, unsigned code,
    const uint8_t *v, size_t len)
{
	struct cfg_opt *o;

	if (s->n == CFG_OPTSET_MAX || len > sizeof(s->buf) - s->used)
		return false;
	o = &s->v[s->n++];
	o->code = (uint8_t)code;
	o->space = (uint8_t)space;
	o->always = false;
	o->off = (uint16_t)s->used;
	o->len = (uint16_t)len;
	if (len > 0)
		memcpy(s->buf + s->used, v, len);
	s->used += len;
	return true;
}

bool
cfg_optset_add_addrs(struct cfg_optset *s, unsigned code, const uint32_t *a,
    size_t n)
{
	uint8_t	 buf[4 * CFG_MAX_ADDRS];

	if (n > CFG_MAX_ADDRS)
		return false;
	for (size_t i = 0; i < n; i++) {
		buf[4 * i] = (uint8_t)(a[i] >> 24);
		buf[4 * i + 1] = (uint8_t)(a[i] >> 16);
		buf[4 * i + 2] = (uint8_t)(a[i] >> 8);
		buf[4 * i + 3] = (uint8_t)a[i];
	}
	return cfg_optset_add(s, OPT_SPACE_DHCP4, code, buf, 4 * n);
}

bool
cfg_optset_empty(const struct cfg_optset *s)
{
	return s->n == 0 && !s->has_next_server && s->boot_file[0] == '\0' &&
	    s->server_name[0] == '\0';
}

uint32_t
cfg_optset_store(struct config *cfg, const struct cfg_optset *s)
{
	struct cfg_optset *v;
	size_t	 n = cfg->noptsets == 0 ? 2 : cfg->noptsets + 1;

	if (cfg_optset_empty(s))
		return 0;
	if ((v = realloc(cfg->optsets, n * sizeof(*v))) == NULL)
		return UINT32_MAX;
	if (cfg->noptsets == 0)
		memset(&v[0], 0, sizeof(v[0]));	/* [0]: the empty set */
	v[n - 1] = *s;
	cfg->optsets = v;
	cfg->noptsets = n;
	return (uint32_t)(n - 1);
}

int
config_options_copy(struct config *dst, const struct config *src,
    bool (*keep)(const struct cfg_class *, void *), void *arg)
{
	dst->optdefs = src->optdefs;
	dst->global_opts = src->global_opts;
	if (src->noptsets > 0) {
		if ((dst->optsets = calloc(src->noptsets,
		    sizeof(*dst->optsets))) == NULL)
			return -1;
		memcpy(dst->optsets, src->optsets,
		    src->noptsets * sizeof(*dst->optsets));
		dst->noptsets = src->noptsets;
	}
	if (src->nclasses > 0 && (dst->classes = calloc(src->nclasses,
	    sizeof(*dst->classes))) == NULL)
		return -1;
	for (size_t i = 0; i < src->nclasses; i++)
		if (keep == NULL || keep(&src->classes[i], arg))
			dst->classes[dst->nclasses++] = src->classes[i];
	return 0;
}

/*
 * base with over on top: each option and field of `over` replaces
 * base's (the failover's [primary:NAME] over its [server]).
 */
int
cfg_optset_merge(struct config *cfg, uint32_t base, uint32_t over,
    uint32_t *idx)
{
	struct cfg_optset *s;
	const struct cfg_optset *b, *o;

	if (over == 0 || base == 0) {
		*idx = over != 0 ? over : base;
		return 0;
	}
	if ((s = malloc(sizeof(*s))) == NULL)
		return -1;
	b = config_optset(cfg, base);
	o = config_optset(cfg, over);
	*s = *o;
	for (size_t i = 0; i < b->n; i++) {
		const struct cfg_opt *x = &b->v[i];

		if (cfg_optset_find(s, x->space, x->code) == NULL &&
		    cfg_optset_add(s, x->space, x->code, b->buf + x->off,
		    x->len))
			s->v[s->n - 1].always = x->always;
	}
	if (!s->has_next_server) {
		s->has_next_server = b->has_next_server;
		s->next_server = b->next_server;
	}
	if (s->boot_file[0] == '\0')
		memcpy(s->boot_file, b->boot_file, sizeof(s->boot_file));
	if (s->server_name[0] == '\0')
		memcpy(s->server_name, b->server_name, sizeof(s->server_name));
	*idx = cfg_optset_store(cfg, s);
	free(s);
	return *idx == UINT32_MAX ? -1 : 0;
}
