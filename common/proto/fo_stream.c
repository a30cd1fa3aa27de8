/*
 * Binding-update stream bookkeeping (see fo_stream.h).
 */
#include <stdlib.h>
#include <string.h>

#include "fo_stream.h"

int
fo_tx_init(struct fo_tx *tx, size_t window, double ack_wait,
    unsigned retry_max)
{
	memset(tx, 0, sizeof(*tx));
	if (window == 0)
		window = 1;
	if ((tx->v = calloc(window, sizeof(*tx->v))) == NULL)
		return -1;
	tx->cap = window;
	tx->ack_wait = ack_wait;
	tx->retry_max = retry_max;
	return 0;
}

void
fo_tx_free(struct fo_tx *tx)
{
	free(tx->v);
	memset(tx, 0, sizeof(*tx));
}

void
fo_tx_reset(struct fo_tx *tx)
{
	tx->head = tx->n = 0;
	tx->pinned = false;
	tx->pin = 0;
}

void
fo_tx_set_policy(struct fo_tx *tx, double ack_wait, unsigned retry_max)
{
	tx->ack_wait = ack_wait;
	tx->retry_max = retry_max;
}

bool
fo_tx_full(const struct fo_tx *tx)
{
	return tx->n == tx->cap;
}

size_t
fo_tx_inflight(const struct fo_tx *tx)
{
	return tx->n;
}

static struct fo_tx_entry *
at(const struct fo_tx *tx, size_t i)
{
	return &tx->v[(tx->head + i) % tx->cap];
}

int
fo_tx_sent(struct fo_tx *tx, uint64_t seq, uint32_t addr, double now)
{
	struct fo_tx_entry *e;

	if (tx->n == tx->cap || (tx->n > 0 && seq <= at(tx, tx->n - 1)->seq))
		return -1;
	e = at(tx, tx->n);
	e->seq = seq;
	e->addr = addr;
	e->sent_at = now;
	e->tries = 0;
	tx->n++;
	if (seq > tx->highest_sent)
		tx->highest_sent = seq;
	return 0;
}

/* Remove entry i, keeping the ring in sequence order. */
static void
remove_at(struct fo_tx *tx, size_t i)
{
	if (i == 0) {
		tx->head = (tx->head + 1) % tx->cap;
		tx->n--;
		return;
	}
	for (size_t k = i; k + 1 < tx->n; k++)
		*at(tx, k) = *at(tx, k + 1);
	tx->n--;
}

/* First index whose seq >= seq (entries are in increasing order). */
static size_t
lower_bound(const struct fo_tx *tx, uint64_t seq)
{
	size_t	 lo = 0, hi = tx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (at(tx, mid)->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
fo_tx_ack(struct fo_tx *tx, uint64_t first, uint64_t last)
{
	size_t	 i, j, k, removed;

	if (first > last || tx->n == 0)
		return 0;
	i = lower_bound(tx, first);
	j = i;
	while (j < tx->n && at(tx, j)->seq <= last)
		j++;
	removed = j - i;
	if (removed == 0)
		return 0;
	if (i == 0) {
		tx->head = (tx->head + removed) % tx->cap;
		tx->n -= removed;
	} else {
		for (k = i; k + removed < tx->n; k++)
			*at(tx, k) = *at(tx, k + removed);
		tx->n -= removed;
	}
	tx->acked += removed;
	return removed;
}

enum fo_tx_due
fo_tx_due(struct fo_tx *tx, double now, struct fo_tx_entry *out)
{
	for (size_t i = 0; i < tx->n; i++) {
		struct fo_tx_entry *e = at(tx, i);

		if (e->sent_at + tx->ack_wait > now)
			continue;
		if (e->tries >= tx->retry_max) {
			*out = *e;
			if (!tx->pinned || e->seq - 1 < tx->pin) {
				tx->pinned = true;
				tx->pin = e->seq - 1;
			}
			remove_at(tx, i);
			tx->failures++;
			return FO_TX_FAILED;
		}
		e->tries++;
		e->sent_at = now;
		tx->retries++;
		*out = *e;
		return FO_TX_RETRY;
	}
	return FO_TX_NONE;
}

double
fo_tx_deadline(const struct fo_tx *tx)
{
	double	 d = 0;

	for (size_t i = 0; i < tx->n; i++) {
		double t = at(tx, i)->sent_at + tx->ack_wait;
		if (d == 0 || t < d)
			d = t;
	}
	return d;
}

uint64_t
fo_tx_acked_through(const struct fo_tx *tx)
{
	uint64_t w = tx->n == 0 ? tx->highest_sent : at(tx, 0)->seq - 1;

	return tx->pinned && tx->pin < w ? tx->pin : w;
}

void
fo_rx_init(struct fo_rx *rx)
{
	rx->n = 0;
}

bool
fo_rx_note(struct fo_rx *rx, uint64_t seq)
{
	if (rx->n == FO_RX_MAX)
		return false;
	rx->seq[rx->n++] = seq;
	return true;
}

size_t
fo_rx_pending(const struct fo_rx *rx)
{
	return rx->n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t
fo_rx_take(struct fo_rx *rx, uint64_t (*runs)[2], size_t max)
{
	size_t	 nr = 0, i = 0;

	if (rx->n == 0 || max == 0)
		return 0;
	qsort(rx->seq, rx->n, sizeof(rx->seq[0]), cmp_u64);
	while (i < rx->n && nr < max) {
		uint64_t first = rx->seq[i], last = first;
		i++;
		/* Duplicates (retransmissions) fold into the run. */
		while (i < rx->n && rx->seq[i] <= last + 1) {
			if (rx->seq[i] > last)
				last = rx->seq[i];
			i++;
		}
		runs[nr][0] = first;
		runs[nr][1] = last;
		nr++;
	}
	memmove(rx->seq, rx->seq + i, (rx->n - i) * sizeof(rx->seq[0]));
	rx->n -= i;
	return nr;
}
