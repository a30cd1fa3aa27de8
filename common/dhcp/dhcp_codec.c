/*
 * Pure DHCPv4/BOOTP codec (RFC 951, RFC 1542, RFC 2131, RFC 2132,
 * RFC 3046, RFC 3396).  No I/O, no clock, no logging, no globals.
 *
 * Decoding walks a cursor with a remaining count and checks it before
 * every read; scalars are read with memcpy + ntohl/ntohs.  Options are
 * gathered in two passes: the first sizes every option (all instances of
 * a code, in every area), the second copies the values so that each code
 * is one contiguous, concatenated run in optbuf (RFC 3396 section 7).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp_codec.h"

/* Offsets in the fixed BOOTP header (RFC 2131 figure 1). */
#define OFF_SNAME	44
#define OFF_FILE	108

static const char *const dhcp_err_names[DHCP_ERR_COUNT] = {
	[DHCP_OK] = "ok",
	[DHCP_ERR_SHORT] = "short",
	[DHCP_ERR_TOO_LONG] = "too-long",
	[DHCP_ERR_OP] = "bad-op",
	[DHCP_ERR_HLEN] = "bad-hlen",
	[DHCP_ERR_COOKIE] = "bad-cookie",
	[DHCP_ERR_OPT_TRUNC] = "option-truncated",
	[DHCP_ERR_OVERLOAD] = "bad-overload",
	[DHCP_ERR_MSGTYPE] = "bad-message-type",
	[DHCP_ERR_NOSPACE] = "no-space",
};

const char *
dhcp_err_name(enum dhcp_err e)
{
	if ((unsigned)e >= DHCP_ERR_COUNT || dhcp_err_names[e] == NULL)
		return "unknown";
	return dhcp_err_names[e];
}

/*
 * Read cursor over the received datagram.  Every accessor checks the
 * remaining count before it touches the buffer.
 */
struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

static bool
rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (n > r->len - r->off)
		return false;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return true;
}

static bool
rd_u8(struct rd *r, uint8_t *v)
{
	return rd_bytes(r, v, 1);
}

static bool
rd_u16(struct rd *r, uint16_t *v)
{
	uint16_t	 n;

	if (!rd_bytes(r, &n, sizeof(n)))
		return false;
	*v = ntohs(n);
	return true;
}

static bool
rd_u32(struct rd *r, uint32_t *v)
{
	uint32_t	 n;

	if (!rd_bytes(r, &n, sizeof(n)))
		return false;
	*v = ntohl(n);
	return true;
}

/*
 * State shared by the two option passes.  total[] is summed as 32 bits
 * so that it cannot wrap even if every byte of a maximal packet were
 * one option's data.
 */
struct opt_scan {
	uint32_t	 total[256];	/* concatenated length per code */
	uint16_t	 fill[256];	/* pass 2: bytes copied so far */
	bool		 seen[256];
	int		 overload;	/* option 52 value, -1 if none */
};

/*
 * Walk one option area: PAD is skipped, END stops the area, and a
 * missing END at the end of the area is accepted (many clients pad
 * sloppily) but nothing past the area is read.  Option 52 counts only in
 * the options field itself (RFC 2131 4.1); inside file or sname it is
 * ignored.  With m == NULL this is the sizing pass; otherwise the values
 * are copied to the slots the caller laid out.
 */
static enum dhcp_err
scan_area(const uint8_t *p, size_t n, bool options_field,
    struct opt_scan *sc, struct dhcp_msg *m)
{
	size_t	 i = 0;

	while (i < n) {
		uint8_t		 code = p[i++];
		size_t		 olen;
		const uint8_t	*v;

		if (code == DHO_PAD)
			continue;
		if (code == DHO_END)
			break;
		if (i >= n)
			return DHCP_ERR_OPT_TRUNC;	/* no length byte */
		olen = p[i++];
		if (olen > n - i)
			return DHCP_ERR_OPT_TRUNC;
		v = p + i;
		i += olen;
		if (code == DHO_OVERLOAD && !options_field)
			continue;
		if (m == NULL) {
			sc->total[code] += (uint32_t)olen;
			sc->seen[code] = true;
			if (code == DHO_OVERLOAD && olen > 0 &&
			    sc->overload < 0)
				sc->overload = v[0];
		} else {
			struct dhcp_opt_slot *s = &m->opt[code];

			/* Pass 1 sized the slot; a mismatch is a bug. */
			if (!s->present || olen > (size_t)s->len -
			    sc->fill[code])
				return DHCP_ERR_NOSPACE;
			if (olen > 0)
				memcpy(m->optbuf + s->off + sc->fill[code], v,
				    olen);
			sc->fill[code] += (uint16_t)olen;
		}
	}
	return DHCP_OK;
}

/*
 * Option 52 must be one byte, 1..3 (RFC 2132 9.3).  Its instances are
 * concatenated like any other option's, so two instances make it invalid.
 */
static enum dhcp_err
check_overload(const struct opt_scan *sc)
{
	if (!sc->seen[DHO_OVERLOAD])
		return DHCP_OK;
	if (sc->total[DHO_OVERLOAD] != 1 || sc->overload < OVERLOAD_FILE ||
	    sc->overload > OVERLOAD_BOTH)
		return DHCP_ERR_OVERLOAD;
	return DHCP_OK;
}

/*
 * After the options field: file, then sname, when option 52 says they
 * carry options (RFC 2131 4.1, RFC 2132 9.3, RFC 3396 section 7 gives the
 * concatenation order).  hdr holds the already decoded sname and file.
 */
static enum dhcp_err
scan_overloaded(const struct dhcp_msg *hdr, struct opt_scan *sc,
    struct dhcp_msg *m)
{
	enum dhcp_err	 e;

	if (sc->overload < 0)
		return DHCP_OK;
	if ((sc->overload & OVERLOAD_FILE) && (e = scan_area(hdr->file,
	    sizeof(hdr->file), false, sc, m)) != DHCP_OK)
		return e;
	if ((sc->overload & OVERLOAD_SNAME) && (e = scan_area(hdr->sname,
	    sizeof(hdr->sname), false, sc, m)) != DHCP_OK)
		return e;
	return DHCP_OK;
}

static bool
decode_header(struct rd *r, struct dhcp_msg *m)
{
	return rd_u8(r, &m->op) && rd_u8(r, &m->htype) &&
	    rd_u8(r, &m->hlen) && rd_u8(r, &m->hops) &&
	    rd_u32(r, &m->xid) && rd_u16(r, &m->secs) &&
	    rd_u16(r, &m->flags) && rd_u32(r, &m->ciaddr) &&
	    rd_u32(r, &m->yiaddr) && rd_u32(r, &m->siaddr) &&
	    rd_u32(r, &m->giaddr) &&
	    rd_bytes(r, m->chaddr, sizeof(m->chaddr)) &&
	    rd_bytes(r, m->sname, sizeof(m->sname)) &&
	    rd_bytes(r, m->file, sizeof(m->file));
}

/*
 * A vend area that is shorter than the cookie, or does not start with
 * it, is a legal RFC 951 / RFC 1497 BOOTP vend area: the message is
 * accepted as plain BOOTP with has_cookie false and no options, so
 * DHCP_ERR_COOKIE is never returned here.  The raw sname and file are
 * kept even when option 52 says they hold options; opt[52] tells the
 * caller not to treat them as names.
 */
enum dhcp_err
dhcp_msg_decode(const uint8_t *buf, size_t len, struct dhcp_msg *out)
{
	struct rd	 r = { buf, len, 0 };
	struct opt_scan	 sc;
	const uint8_t	*opts;
	size_t		 optslen, off;
	uint32_t	 cookie;
	enum dhcp_err	 e;

	if (len > DHCP_PKT_MAX)
		return DHCP_ERR_TOO_LONG;
	if (buf == NULL || len < DHCP_FIXED_LEN)
		return DHCP_ERR_SHORT;
	memset(out, 0, sizeof(*out));
	if (!decode_header(&r, out))
		return DHCP_ERR_SHORT;
	if (out->op != BOOTREQUEST && out->op != BOOTREPLY)
		return DHCP_ERR_OP;
	if (out->hlen > DHCP_CHADDR_LEN)
		return DHCP_ERR_HLEN;

	if (len - r.off < DHCP_COOKIE_LEN)
		return DHCP_OK;
	if (!rd_u32(&r, &cookie))
		return DHCP_ERR_SHORT;
	if (cookie != DHCP_MAGIC_COOKIE)
		return DHCP_OK;
	out->has_cookie = true;
	opts = buf + r.off;
	optslen = len - r.off;

	/* Pass 1: size every option across all areas. */
	memset(&sc, 0, sizeof(sc));
	sc.overload = -1;
	if ((e = scan_area(opts, optslen, true, &sc, NULL)) != DHCP_OK)
		return e;
	if ((e = check_overload(&sc)) != DHCP_OK)
		return e;
	if ((e = scan_overloaded(out, &sc, NULL)) != DHCP_OK)
		return e;

	/*
	 * Lay the options out in code order.  All option data comes from
	 * a packet of at most DHCP_PKT_MAX bytes (plus sname and file,
	 * which are inside it), so this cannot overflow optbuf; check
	 * anyway rather than trust the arithmetic.
	 */
	off = 0;
	for (unsigned c = 0; c < 256; c++) {
		if (!sc.seen[c])
			continue;
		if (sc.total[c] > sizeof(out->optbuf) - off)
			return DHCP_ERR_NOSPACE;
		out->opt[c].present = true;
		out->opt[c].off = (uint16_t)off;
		out->opt[c].len = (uint16_t)sc.total[c];
		off += sc.total[c];
	}
	out->optbuf_len = off;

	/* Pass 2: copy, concatenating instances in area order. */
	if ((e = scan_area(opts, optslen, true, &sc, out)) != DHCP_OK)
		return e;
	if ((e = scan_overloaded(out, &sc, out)) != DHCP_OK)
		return e;
	for (unsigned c = 0; c < 256; c++)
		if (sc.fill[c] != out->opt[c].len)
			return DHCP_ERR_NOSPACE;	/* passes disagree: bug */

	/* RFC 2132 9.6: one byte, 1..8 (DHCPDISCOVER..DHCPINFORM). */
	if (out->opt[DHO_MESSAGE_TYPE].present) {
		uint8_t t = out->optbuf[out->opt[DHO_MESSAGE_TYPE].off];

		if (out->opt[DHO_MESSAGE_TYPE].len != 1 ||
		    t < DHCPDISCOVER || t > DHCPINFORM)
			return DHCP_ERR_MSGTYPE;
		out->msg_type = t;
	}
	return DHCP_OK;
}

void
dhcp_msg_init(struct dhcp_msg *m)
{
	memset(m, 0, sizeof(*m));
}

const uint8_t *
dhcp_opt_get(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	const struct dhcp_opt_slot *s = &m->opt[code];

	if (!s->present || (size_t)s->off + s->len > sizeof(m->optbuf))
		return NULL;
	if (len != NULL)
		*len = s->len;
	return m->optbuf + s->off;
}

bool
dhcp_opt_has(const struct dhcp_msg *m, uint8_t code)
{
	return dhcp_opt_get(m, code, NULL) != NULL;
}

bool
dhcp_opt_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *out)
{
	const uint8_t	*v;
	size_t		 len;
	uint32_t	 n;

	if ((v = dhcp_opt_get(m, code, &len)) == NULL || len != sizeof(n))
		return false;
	memcpy(&n, v, sizeof(n));
	*out = ntohl(n);
	return true;
}

bool
dhcp_opt_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *out)
{
	const uint8_t	*v;
	size_t		 len;
	uint16_t	 n;

	if ((v = dhcp_opt_get(m, code, &len)) == NULL || len != sizeof(n))
		return false;
	memcpy(&n, v, sizeof(n));
	*out = ntohs(n);
	return true;
}

/*
 * optbuf is full: rebuild it with only the live values, leaving out
 * `code`'s old value, and append the new one.  Built in a scratch copy
 * so that nothing changes if it still does not fit, and so that data may
 * point into optbuf itself.
 */
static bool
opt_compact_set(struct dhcp_msg *m, uint8_t code, const uint8_t *data,
    size_t len)
{
	uint8_t		 tmp[DHCP_PKT_MAX];
	uint16_t	 noff[256];
	size_t		 used = 0;

	for (unsigned c = 0; c < 256; c++) {
		const struct dhcp_opt_slot *s = &m->opt[c];

		if (c == code || !s->present)
			continue;
		if ((size_t)s->off + s->len > m->optbuf_len)
			return false;	/* inconsistent slot: refuse */
		used += s->len;
	}
	if (used > sizeof(tmp) || len > sizeof(tmp) - used)
		return false;
	used = 0;
	for (unsigned c = 0; c < 256; c++) {
		const struct dhcp_opt_slot *s = &m->opt[c];

		if (c == code || !s->present)
			continue;
		memcpy(tmp + used, m->optbuf + s->off, s->len);
		noff[c] = (uint16_t)used;
		used += s->len;
	}
	if (len > 0)
		memcpy(tmp + used, data, len);
	noff[code] = (uint16_t)used;
	used += len;

	memcpy(m->optbuf, tmp, used);
	m->optbuf_len = used;
	for (unsigned c = 0; c < 256; c++)
		if (c == code || m->opt[c].present)
			m->opt[c].off = noff[c];
	m->opt[code].len = (uint16_t)len;
	m->opt[code].present = true;
	return true;
}

/*
 * PAD and END are framing, not options, and are refused.  Option 53 must
 * be one byte in 1..8 and also sets m->msg_type (the encoder emits 53
 * from msg_type).  A shorter value is written in place; a longer one is
 * appended, leaving the old bytes dead; when optbuf runs out it is
 * compacted once, and only if even that does not make room does the
 * call fail, with the message's contents unchanged.
 */
bool
dhcp_opt_set(struct dhcp_msg *m, uint8_t code, const void *data, size_t len)
{
	struct dhcp_opt_slot	*s = &m->opt[code];

	if (code == DHO_PAD || code == DHO_END)
		return false;
	if (len > sizeof(m->optbuf) || (len > 0 && data == NULL))
		return false;
	if (code == DHO_MESSAGE_TYPE && (len != 1 ||
	    ((const uint8_t *)data)[0] < DHCPDISCOVER ||
	    ((const uint8_t *)data)[0] > DHCPINFORM))
		return false;
	if (m->optbuf_len > sizeof(m->optbuf))
		return false;

	if (s->present && len <= s->len &&
	    (size_t)s->off + s->len <= m->optbuf_len) {
		/* In place; give the tail back if this was the last value. */
		if (len > 0)
			memmove(m->optbuf + s->off, data, len);
		if ((size_t)s->off + s->len == m->optbuf_len)
			m->optbuf_len = (size_t)s->off + len;
		s->len = (uint16_t)len;
	} else if (len <= sizeof(m->optbuf) - m->optbuf_len) {
		if (len > 0)
			memmove(m->optbuf + m->optbuf_len, data, len);
		s->off = (uint16_t)m->optbuf_len;
		s->len = (uint16_t)len;
		s->present = true;
		m->optbuf_len += len;
	} else if (!opt_compact_set(m, code, data, len))
		return false;

	if (code == DHO_MESSAGE_TYPE)
		m->msg_type = m->optbuf[s->off];
	return true;
}

bool
dhcp_opt_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v)
{
	return dhcp_opt_set(m, code, &v, sizeof(v));
}

bool
dhcp_opt_set_u16(struct dhcp_msg *m, uint8_t code, uint16_t v)
{
	uint16_t	 n = htons(v);

	return dhcp_opt_set(m, code, &n, sizeof(n));
}

bool
dhcp_opt_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v)
{
	uint32_t	 n = htonl(v);

	return dhcp_opt_set(m, code, &n, sizeof(n));
}

void
dhcp_opt_unset(struct dhcp_msg *m, uint8_t code)
{
	struct dhcp_opt_slot	*s = &m->opt[code];

	if (s->present && (size_t)s->off + s->len == m->optbuf_len)
		m->optbuf_len = s->off;
	s->present = false;
	s->off = 0;
	s->len = 0;
	if (code == DHO_MESSAGE_TYPE)
		m->msg_type = 0;
}

/* Wire size of one option: RFC 3396 splits values over 255 bytes. */
static size_t
opt_wire_len(size_t len)
{
	if (len == 0)
		return 2;
	return len + 2 * ((len + 254) / 255);
}

static size_t
put_opt(uint8_t *out, size_t pos, uint8_t code, const uint8_t *v, size_t len)
{
	do {
		size_t	 n = len > 255 ? 255 : len;

		out[pos++] = code;
		out[pos++] = (uint8_t)n;
		if (n > 0)
			memcpy(out + pos, v, n);
		pos += n;
		v += n;
		len -= n;
	} while (len > 0);
	return pos;
}

static size_t
put_u32(uint8_t *out, size_t pos, uint32_t v)
{
	uint32_t	 n = htonl(v);

	memcpy(out + pos, &n, sizeof(n));
	return pos + sizeof(n);
}

static size_t
put_u16(uint8_t *out, size_t pos, uint16_t v)
{
	uint16_t	 n = htons(v);

	memcpy(out + pos, &n, sizeof(n));
	return pos + sizeof(n);
}

static size_t
put_header(const struct dhcp_msg *m, uint8_t *out)
{
	size_t	 pos = 0;

	out[pos++] = m->op;
	out[pos++] = m->htype;
	out[pos++] = m->hlen;
	out[pos++] = m->hops;
	pos = put_u32(out, pos, m->xid);
	pos = put_u16(out, pos, m->secs);
	pos = put_u16(out, pos, m->flags);
	pos = put_u32(out, pos, m->ciaddr);
	pos = put_u32(out, pos, m->yiaddr);
	pos = put_u32(out, pos, m->siaddr);
	pos = put_u32(out, pos, m->giaddr);
	memcpy(out + pos, m->chaddr, sizeof(m->chaddr));
	pos += sizeof(m->chaddr);
	memcpy(out + pos, m->sname, sizeof(m->sname));
	pos += sizeof(m->sname);
	memcpy(out + pos, m->file, sizeof(m->file));
	pos += sizeof(m->file);
	return put_u32(out, pos, DHCP_MAGIC_COOKIE);
}

/* Where an optional option goes; AREA_NONE: left out. */
enum enc_area {
	AREA_MAIN,		/* the options field */
	AREA_FILE,
	AREA_SNAME,
	AREA_NONE
};

/*
 * Placement of the optional options (all but 53, 54 and 82): seq[] in
 * emission order, area[i] the area of seq[i], room[] the bytes each area
 * has left.  overload is the option 52 value the plan needs, 0 if none.
 */
struct enc_plan {
	uint8_t		 seq[256];
	uint8_t		 area[256];
	size_t		 nseq;
	size_t		 room[AREA_NONE];
	unsigned	 ndrop;
	uint8_t		 overload;
};

/*
 * The optional options in emission order: the codes of `order` (the
 * client's parameter request list) that are set, then every other set
 * option in ascending code order.  PAD, END, 52, 53, 54 and 82 are never
 * in it: the encoder writes those itself (a caller's 52 is ignored).
 */
static size_t
enc_sequence(const struct dhcp_msg *m, const uint8_t *order,
    size_t order_len, uint8_t *seq)
{
	bool	 done[256] = { false };
	size_t	 n = 0;

	done[DHO_PAD] = done[DHO_END] = true;
	done[DHO_OVERLOAD] = done[DHO_MESSAGE_TYPE] = true;
	done[DHO_SERVER_ID] = done[DHO_RELAY_AGENT_INFO] = true;
	for (size_t i = 0; i < order_len + 256; i++) {
		uint8_t	 c = i < order_len ? order[i] :
		    (uint8_t)(i - order_len);

		if (done[c])
			continue;
		done[c] = true;
		if (dhcp_opt_has(m, c))
			seq[n++] = c;
	}
	return n;
}

/* An unused sname or file (all zero bytes) may carry options. */
static bool
field_unused(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * Give each option of the sequence the first area, in the order options
 * field, file, sname (RFC 3396 section 7), with room for all of its
 * instances: one option is never split across areas.  An option that
 * fits in no area is left out.  pl->seq and pl->room must be set.
 */
static void
enc_place(const struct dhcp_msg *m, struct enc_plan *pl)
{
	pl->ndrop = 0;
	pl->overload = 0;
	for (size_t i = 0; i < pl->nseq; i++) {
		size_t		 len = 0, w;
		unsigned	 a;

		(void)dhcp_opt_get(m, pl->seq[i], &len);
		w = opt_wire_len(len);
		for (a = AREA_MAIN; a < AREA_NONE; a++)
			if (w <= pl->room[a])
				break;
		pl->area[i] = (uint8_t)a;
		if (a == AREA_NONE) {
			pl->ndrop++;
			continue;
		}
		pl->room[a] -= w;
		if (a == AREA_FILE)
			pl->overload |= OVERLOAD_FILE;
		else if (a == AREA_SNAME)
			pl->overload |= OVERLOAD_SNAME;
	}
}

/*
 * Plan the optional options into `room` bytes of the options field.
 * First without overloading: what does not fit is left out.  Only if
 * that leaves something out, file or sname is unused, and the options
 * field can still take option 52 (3 bytes), is a second plan made that
 * also uses file (128 bytes less END), then sname (64 less END).  It
 * replaces the first if it does use one of them and leaves out fewer
 * options.  So when everything fits, nothing changes.
 */
static void
enc_plan(const struct dhcp_msg *m, const uint8_t *order, size_t order_len,
    size_t room, struct enc_plan *pl)
{
	struct enc_plan	 ov;

	pl->nseq = enc_sequence(m, order, order_len, pl->seq);
	pl->room[AREA_MAIN] = room;
	pl->room[AREA_FILE] = pl->room[AREA_SNAME] = 0;
	enc_place(m, pl);
	if (pl->ndrop == 0 || room < opt_wire_len(1))
		return;

	memcpy(ov.seq, pl->seq, pl->nseq);
	ov.nseq = pl->nseq;
	ov.room[AREA_MAIN] = room - opt_wire_len(1);
	ov.room[AREA_FILE] = field_unused(m->file, sizeof(m->file)) ?
	    sizeof(m->file) - 1 : 0;
	ov.room[AREA_SNAME] = field_unused(m->sname, sizeof(m->sname)) ?
	    sizeof(m->sname) - 1 : 0;
	if (ov.room[AREA_FILE] == 0 && ov.room[AREA_SNAME] == 0)
		return;
	enc_place(m, &ov);
	if (ov.overload != 0 && ov.ndrop < pl->ndrop)
		*pl = ov;
}

/* Write the options the plan gives to `area`, in sequence order. */
static size_t
put_area(const struct dhcp_msg *m, const struct enc_plan *pl, unsigned area,
    uint8_t *out, size_t pos)
{
	for (size_t i = 0; i < pl->nseq; i++) {
		const uint8_t	*v;
		size_t		 len;

		if (pl->area[i] != area ||
		    (v = dhcp_opt_get(m, pl->seq[i], &len)) == NULL)
			continue;
		pos = put_opt(out, pos, pl->seq[i], v, len);
	}
	return pos;
}

/*
 * An overloaded file or sname: its options, END, then PAD to the end of
 * the field (RFC 2131 4.1, RFC 2132 9.3).  The plan left room for END.
 */
static void
put_field(const struct dhcp_msg *m, const struct enc_plan *pl, unsigned area,
    uint8_t *field, size_t size)
{
	size_t	 pos = put_area(m, pl, area, field, 0);

	field[pos++] = DHO_END;
	memset(field + pos, DHO_PAD, size - pos);
}

/*
 * The output is capped at min(max_len, outcap).  Options 53, 54, 82 and
 * END must fit in the options field or the call fails; what is left of
 * it goes to the optional options (enc_plan), which may overflow into
 * unused file and sname fields, announced by option 52 right after 53
 * and 54.  Option 53 is taken from m->msg_type (none when 0).  The
 * message is zero-padded to DHCP_MIN_REPLY as far as the cap allows.
 */
enum dhcp_err
dhcp_msg_encode(const struct dhcp_msg *m, const uint8_t *order,
    size_t order_len, size_t max_len, uint8_t *out, size_t outcap,
    size_t *outlen, unsigned *dropped)
{
	struct enc_plan	 pl;
	const uint8_t	*sid, *ri;
	size_t		 limit, pos, need, sidlen = 0, rilen = 0, pad;

	if (dropped != NULL)
		*dropped = 0;
	limit = outcap < max_len ? outcap : max_len;
	pos = DHCP_FIXED_LEN + DHCP_COOKIE_LEN;
	if (out == NULL || limit < pos + 1)
		return DHCP_ERR_NOSPACE;
	if (order == NULL)
		order_len = 0;

	need = 1;					/* END */
	if (m->msg_type != 0)
		need += opt_wire_len(1);
	if ((sid = dhcp_opt_get(m, DHO_SERVER_ID, &sidlen)) != NULL)
		need += opt_wire_len(sidlen);
	if ((ri = dhcp_opt_get(m, DHO_RELAY_AGENT_INFO, &rilen)) != NULL)
		need += opt_wire_len(rilen);
	if (need > limit - pos)
		return DHCP_ERR_NOSPACE;
	enc_plan(m, order, order_len, limit - pos - need, &pl);

	pos = put_header(m, out);
	if (m->msg_type != 0)
		pos = put_opt(out, pos, DHO_MESSAGE_TYPE, &m->msg_type, 1);
	if (sid != NULL)
		pos = put_opt(out, pos, DHO_SERVER_ID, sid, sidlen);
	if (pl.overload != 0)
		pos = put_opt(out, pos, DHO_OVERLOAD, &pl.overload, 1);
	pos = put_area(m, &pl, AREA_MAIN, out, pos);
	/* RFC 3046 2.2: the relay agent option comes last, before END. */
	if (ri != NULL)
		pos = put_opt(out, pos, DHO_RELAY_AGENT_INFO, ri, rilen);
	if (pos >= limit)
		return DHCP_ERR_NOSPACE;		/* reserved: cannot */
	out[pos++] = DHO_END;
	if (pl.overload & OVERLOAD_FILE)
		put_field(m, &pl, AREA_FILE, out + OFF_FILE, DHCP_FILE_LEN);
	if (pl.overload & OVERLOAD_SNAME)
		put_field(m, &pl, AREA_SNAME, out + OFF_SNAME, DHCP_SNAME_LEN);

	/* RFC 1542 2.1: some relays drop BOOTP messages under 300 bytes. */
	pad = limit < DHCP_MIN_REPLY ? limit : DHCP_MIN_REPLY;
	if (pos < pad) {
		memset(out + pos, 0, pad - pos);
		pos = pad;
	}
	*outlen = pos;
	if (dropped != NULL)
		*dropped = pl.ndrop;
	return DHCP_OK;
}

/*
 * RFC 2131 4.2: a client is identified by option 61 when it sends one,
 * otherwise by htype + chaddr.  RFC 2132 9.14 sets 2 as the minimum
 * length of option 61; one byte is accepted too.  An empty option 61
 * falls back to the hardware address.  An option 61 longer than 255
 * bytes (possible only by RFC 3396 concatenation) does not fit the key
 * and gives no identity rather than a truncated one that could collide.
 */
bool
dhcp_client_key(const struct dhcp_msg *m, struct dhcp_client_key *key)
{
	const uint8_t	*id;
	size_t		 len = 0;

	id = dhcp_opt_get(m, DHO_CLIENT_ID, &len);
	return dhcp_client_key_make(m->htype, m->hlen, m->chaddr, id,
	    id != NULL ? len : 0, key);
}

bool
dhcp_client_key_make(uint8_t htype, uint8_t hlen, const uint8_t *chaddr,
    const uint8_t *cid, size_t cidlen, struct dhcp_client_key *key)
{
	memset(key, 0, sizeof(*key));
	if (cid != NULL && cidlen > 0) {
		if (cidlen > sizeof(key->bytes) - 1)
			return false;
		key->bytes[0] = 'C';
		memcpy(key->bytes + 1, cid, cidlen);
		key->len = (uint16_t)(1 + cidlen);
		return true;
	}
	if (hlen == 0 || hlen > DHCP_CHADDR_LEN)
		return false;
	key->bytes[0] = 'H';
	key->bytes[1] = htype;
	memcpy(key->bytes + 2, chaddr, hlen);
	key->len = (uint16_t)(2 + hlen);
	return true;
}

/*
 * RFC 3046 2.0 sub-options: code, length, value, repeated to the end of
 * the option.  The whole option is checked first: a header or value
 * running past the end makes it malformed, and nothing in it counts.
 * RFC 3046 does not say what a repeated sub-option means; the first one
 * counts.
 */
const uint8_t *
dhcp_subopt_get(const uint8_t *v, size_t len, uint8_t code, size_t *outlen)
{
	const uint8_t	*found = NULL;
	size_t		 off = 0, l, flen = 0;

	while (off < len) {
		if (len - off < 2)
			return NULL;
		l = v[off + 1];
		if (l > len - off - 2)
			return NULL;
		if (v[off] == code && found == NULL) {
			found = v + off + 2;
			flen = l;
		}
		off += 2 + l;
	}
	*outlen = flen;
	return found;
}
