/*
 * Prometheus text exposition (format 0.0.4) written into a strbuf, and a
 * latency histogram with fixed buckets (docs/metrics.md).
 *
 * A scrape is written in one pass: for each metric family its HELP and
 * TYPE lines (prom_family), then every sample of it.  Label sets are
 * rendered once into a struct prom_labels, values escaped, and reused
 * for every family of the same object (a subnet, a primary).
 *
 * struct prom_hist is cheap enough for the hot path: no allocation, no
 * lock, a few compares and two additions per observation.  Zeroed
 * memory is an empty histogram, so one lives in any counter struct
 * (calloc'd, copied whole into a snapshot for another thread).
 */
#ifndef DHCPFO_PROM_H
#define DHCPFO_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

enum prom_type {
	PROM_COUNTER = 0,
	PROM_GAUGE,
	PROM_HISTOGRAM,
};

/* `name="value",...` without the braces; values escaped. */
#define PROM_LABELS_LEN		512
struct prom_labels {
	size_t		 len;
	bool		 overflow;	/* a label did not fit: samples with
					 * this set are left out */
	char		 text[PROM_LABELS_LEN];
};

void	prom_labels_init(struct prom_labels *);
/* Append name="value"; name must be a valid label name (ours are). */
void	prom_labels_add(struct prom_labels *, const char *name,
	    const char *value);
/* A copy of base with one more label (for a family's varying label). */
void	prom_labels_with(struct prom_labels *out,
	    const struct prom_labels *base, const char *name,
	    const char *value);

/* Escaping as the format wants it: label values escape \ " and newline,
 * HELP text \ and newline. */
void	prom_escape_label(struct strbuf *, const char *value);
void	prom_escape_help(struct strbuf *, const char *help);

/* # HELP and # TYPE of a family; its samples follow. */
void	prom_family(struct strbuf *, const char *name, enum prom_type,
	    const char *help);
/* One sample of any type; labels may be NULL.  Doubles print NaN, +Inf,
 * -Inf as the format spells them; counts print exactly. */
void	prom_sample(struct strbuf *, const char *name,
	    const struct prom_labels *, double v);
void	prom_sample_u(struct strbuf *, const char *name,
	    const struct prom_labels *, uint64_t v);

/*
 * Latency in seconds, upper bounds from 50 us to 2.5 s (prom.c): a
 * group commit on a fast disk takes tens of microseconds, a reply
 * waiting on a ping check half a second.
 */
#define PROM_HIST_BOUNDS	15
extern const double prom_hist_le[PROM_HIST_BOUNDS];

struct prom_hist {
	/* Observations per bucket, not cumulative: n[i] fell in
	 * (le[i-1], le[i]], n[PROM_HIST_BOUNDS] above the last bound. */
	uint64_t	 n[PROM_HIST_BOUNDS + 1];
	double		 sum;
};

/* One observation (negative counts as 0, NaN is ignored). */
void		 prom_hist_observe(struct prom_hist *, double seconds);
uint64_t	 prom_hist_count(const struct prom_hist *);
/* NAME_bucket{...,le="..."} (cumulative, +Inf last), NAME_sum and
 * NAME_count of one histogram; its family is written first. */
void		 prom_histogram(struct strbuf *, const char *name,
		    const struct prom_labels *, const struct prom_hist *);

#endif
