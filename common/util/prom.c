/*
 * Prometheus text exposition and the fixed-bucket histogram (prom.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prom.h"

const double prom_hist_le[PROM_HIST_BOUNDS] = {
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};

/* Where escaped text goes: a strbuf, or a label set's fixed buffer. */
typedef void	put_fn(void *ctx, const char *s, size_t len);

/*
 * The format's escapes, once: label values escape \ " and newline, HELP
 * text \ and newline.  Runs without anything to escape go out whole.
 */
static void
escape(const char *s, bool label, put_fn *put, void *ctx)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" :
		    label && *s == '"' ? "\\\"" : NULL;

		if (esc == NULL)
			continue;
		put(ctx, run, (size_t)(s - run));
		put(ctx, esc, 2);
		run = s + 1;
	}
	put(ctx, run, (size_t)(s - run));
}

static void
put_sb(void *ctx, const char *s, size_t len)
{
	sb_append(ctx, s, len);
}

void
prom_escape_label(struct strbuf *sb, const char *value)
{
	escape(value, true, put_sb, sb);
}

void
prom_escape_help(struct strbuf *sb, const char *help)
{
	escape(help, false, put_sb, sb);
}

/* Bounded: a set that would not fit is marked, never cut short. */
static void
put_labels(void *ctx, const char *s, size_t len)
{
	struct prom_labels *l = ctx;

	if (l->overflow || len >= sizeof(l->text) - l->len) {
		l->overflow = true;
		return;
	}
	memcpy(l->text + l->len, s, len);
	l->len += len;
	l->text[l->len] = '\0';
}

void
prom_labels_init(struct prom_labels *l)
{
	l->len = 0;
	l->overflow = false;
	l->text[0] = '\0';
}

void
prom_labels_add(struct prom_labels *l, const char *name, const char *value)
{
	if (l->len > 0)
		put_labels(l, ",", 1);
	put_labels(l, name, strlen(name));
	put_labels(l, "=\"", 2);
	escape(value, true, put_labels, l);
	put_labels(l, "\"", 1);
}

void
prom_labels_with(struct prom_labels *out, const struct prom_labels *base,
    const char *name, const char *value)
{
	out->len = base->len;
	out->overflow = base->overflow;
	memcpy(out->text, base->text, base->len + 1);
	prom_labels_add(out, name, value);
}

void
prom_family(struct strbuf *sb, const char *name, enum prom_type t,
    const char *help)
{
	static const char *const types[] = {
		[PROM_COUNTER] = "counter", [PROM_GAUGE] = "gauge",
		[PROM_HISTOGRAM] = "histogram",
	};

	sb_printf(sb, "# HELP %s ", name);
	prom_escape_help(sb, help);
	sb_printf(sb, "\n# TYPE %s %s\n", name, types[t]);
}

/*
 * NAME{labels} or NAME, then a space; `le` (a histogram bucket's bound,
 * which needs no escaping) is one more label when not NULL.  False:
 * leave the sample out.
 */
static bool
sample_head(struct strbuf *sb, const char *name, const char *suffix,
    const struct prom_labels *l, const char *le)
{
	bool	 any = l != NULL && l->len > 0;

	if (l != NULL && l->overflow)
		return false;
	sb_puts(sb, name);
	sb_puts(sb, suffix);
	if (any || le != NULL)
		sb_append(sb, "{", 1);
	if (any)
		sb_append(sb, l->text, l->len);
	if (le != NULL)
		sb_printf(sb, "%sle=\"%s\"", any ? "," : "", le);
	sb_puts(sb, any || le != NULL ? "} " : " ");
	return true;
}

static void
put_double(struct strbuf *sb, double v)
{
	if (isnan(v))
		sb_puts(sb, "NaN\n");
	else if (isinf(v))
		sb_puts(sb, v > 0 ? "+Inf\n" : "-Inf\n");
	else
		/* 15 digits: exact for the counts and Unix times we show,
		 * without the noise of 17. */
		sb_printf(sb, "%.15g\n", v);
}

void
prom_sample(struct strbuf *sb, const char *name, const struct prom_labels *l,
    double v)
{
	if (sample_head(sb, name, "", l, NULL))
		put_double(sb, v);
}

void
prom_sample_u(struct strbuf *sb, const char *name,
    const struct prom_labels *l, uint64_t v)
{
	if (sample_head(sb, name, "", l, NULL))
		sb_printf(sb, "%llu\n", (unsigned long long)v);
}

void
prom_hist_observe(struct prom_hist *h, double v)
{
	size_t	 i = 0;

	if (isnan(v))
		return;
	if (v < 0)
		v = 0;
	while (i < PROM_HIST_BOUNDS && v > prom_hist_le[i])
		i++;
	h->n[i]++;
	h->sum += v;
}

uint64_t
prom_hist_count(const struct prom_hist *h)
{
	uint64_t c = 0;

	for (size_t i = 0; i <= PROM_HIST_BOUNDS; i++)
		c += h->n[i];
	return c;
}

/* A bound in plain decimals ("0.00005", "2.5", "1"): what people read
 * in a query's le="...", rather than %g's 5e-05. */
static void
le_text(double v, char *buf, size_t len)
{
	size_t	 n;

	snprintf(buf, len, "%.6f", v);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 1 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

void
prom_histogram(struct strbuf *sb, const char *name,
    const struct prom_labels *l, const struct prom_hist *h)
{
	uint64_t cum = 0;
	char	 le[32];

	for (size_t i = 0; i <= PROM_HIST_BOUNDS; i++) {
		cum += h->n[i];
		if (i < PROM_HIST_BOUNDS)
			le_text(prom_hist_le[i], le, sizeof(le));
		else
			snprintf(le, sizeof(le), "+Inf");
		if (sample_head(sb, name, "_bucket", l, le))
			sb_printf(sb, "%llu\n", (unsigned long long)cum);
	}
	if (sample_head(sb, name, "_sum", l, NULL))
		put_double(sb, h->sum);
	if (sample_head(sb, name, "_count", l, NULL))
		sb_printf(sb, "%llu\n", (unsigned long long)cum);
}
