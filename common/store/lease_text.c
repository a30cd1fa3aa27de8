/* Provisional: formatting only (lease_text.h). */
#include <stdio.h>
#include <string.h>

#include "lease_text.h"

static void
colon_hex(struct strbuf *out, const uint8_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(out, "%s%02x", i ? ":" : "", v[i]);
}

void
lease_text_csv(struct strbuf *out, const struct lease *l,
    const struct lease_text_ctx *ctx)
{
	sb_ipv4(out, l->addr);
	sb_printf(out, ",%u,", l->htype);
	colon_hex(out, l->chaddr, l->hlen);
	sb_puts(out, ",");
	if (l->key.len > 1 && l->key.bytes[0] == 'C')
		colon_hex(out, l->key.bytes + 1, l->key.len - 1u);
	sb_printf(out, ",%s,%lld,%lld,%lld,%s,", lease_state_name(l->state),
	    (long long)l->starts, (long long)l->ends, (long long)l->cltt,
	    l->hostname);
	if (l->relay.giaddr)
		sb_ipv4(out, l->relay.giaddr);
	sb_puts(out, ",");
	colon_hex(out, l->relay.circuit_id, l->relay.circuit_len);
	sb_puts(out, ",");
	colon_hex(out, l->relay.remote_id, l->relay.remote_len);
	sb_printf(out, ",%s,", lease_origin_name(l->granted_by));
	if (ctx != NULL && ctx->prefix) {
		sb_ipv4(out, ctx->subnet);
		sb_printf(out, "/%u", ctx->prefix);
	}
	sb_printf(out, ",%s\n", ctx != NULL && ctx->primary ? ctx->primary :
	    "");
}

void
lease_text_json(struct strbuf *out, const struct lease *l,
    const struct lease_text_ctx *ctx)
{
	sb_puts(out, "{\"address\":\"");
	sb_ipv4(out, l->addr);
	sb_printf(out, "\",\"state\":\"%s\",\"hwaddr\":\"",
	    lease_state_name(l->state));
	colon_hex(out, l->chaddr, l->hlen);
	sb_printf(out, "\",\"starts\":%lld,\"ends\":%lld,\"hostname\":",
	    (long long)l->starts, (long long)l->ends);
	sb_json_str(out, l->hostname);
	sb_puts(out, ",\"giaddr\":\"");
	if (l->relay.giaddr)
		sb_ipv4(out, l->relay.giaddr);
	sb_printf(out, "\",\"granted_by\":\"%s\",\"primary\":",
	    lease_origin_name(l->granted_by));
	sb_json_str(out, ctx != NULL && ctx->primary ? ctx->primary : "");
	sb_puts(out, "}");
}

bool
lease_text_csv_parse(const char *line, struct lease *l, char *why,
    size_t whylen)
{
	(void)line;
	(void)l;
	snprintf(why, whylen, "not yet");
	return false;
}
