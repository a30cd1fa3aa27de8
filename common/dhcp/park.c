/*
 * Parked requests (park.h): one list per set, newest first, each entry
 * holding a copy of the decoded request and where it came from.  A
 * ping's verdict finds its entry through the check's argument; an
 * approval's through its key.
 */
#include <stdlib.h>
#include <string.h>

#include "park.h"
#include "ping.h"

struct parked {
	struct parked	*next, **prevp;
	struct park_set	*set;
	struct park_origin from;
	struct ping_ctx	*ping;		/* a check runs on it, or NULL */
	unsigned int	 round;		/* ping: the engine's ping_round */
	uint64_t	 key;		/* park_hold's */
	uint32_t	 addr;		/* park_hold's */
	double		 deadline;	/* park_hold's */
	struct dhcp_msg	 msg;
};

static void	deadline_cb(struct ev_loop *, ev_timer *, int);

void
park_init(struct park_set *s, struct ev_loop *loop, unsigned int max,
    park_done_cb done, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->max = max;
	s->done = done;
	s->arg = arg;
	ev_timer_init(&s->deadline_w, deadline_cb, 1., 0.);
	s->deadline_w.data = s;
}

unsigned int
park_count(const struct park_set *s)
{
	return s->n;
}

static struct parked *
entry_new(struct park_set *s, const struct park_origin *from,
    const struct dhcp_msg *m)
{
	struct parked *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->set = s;
	e->from = *from;
	memcpy(&e->msg, m, sizeof(*m));
	return e;
}

static void
entry_link(struct park_set *s, struct parked *e)
{
	e->next = s->head;
	if (e->next != NULL)
		e->next->prevp = &e->next;
	e->prevp = &s->head;
	s->head = e;
	s->n++;
	s->ctr.parked++;
}

static void
entry_unlink(struct parked *e)
{
	if (e->next != NULL)
		e->next->prevp = e->prevp;
	*e->prevp = e->next;
	e->set->n--;
}

/* The request goes back to the daemon with the verdict in `in`. */
static void
entry_done(struct parked *e, struct engine_input *in)
{
	struct park_set *s = e->set;

	in->msg = &e->msg;
	in->link_addr = e->from.link_addr;
	in->iface_server_addr = e->from.iface_addr;
	s->done(s->arg, &e->from, in);
	free(e);
}

void
park_cancel_all(struct park_set *s)
{
	while (s->head != NULL) {
		struct parked *e = s->head;

		if (e->ping != NULL)
			(void)ping_cancel_arg(e->ping, e);
		entry_unlink(e);
		free(e);
		s->ctr.cancelled++;
	}
	if (s->loop != NULL)
		ev_timer_stop(s->loop, &s->deadline_w);
}

bool
park_room(struct park_set *s)
{
	if (s->n < s->max)
		return true;
	s->ctr.backlog++;
	return false;
}

/* ------------------------------------------------------------ pings */

static void
ping_done(void *arg, uint32_t addr, bool in_use)
{
	struct parked *e = arg;
	struct engine_input in;

	memset(&in, 0, sizeof(in));
	in.pinged_addr = addr;
	in.ping_in_use = in_use;
	in.ping_round = e->round;
	e->ping = NULL;
	entry_unlink(e);
	entry_done(e, &in);
}

int
park_ping(struct park_set *s, const struct park_ping *pc,
    const struct park_origin *from, const struct dhcp_msg *m, uint32_t addr,
    unsigned int round)
{
	struct parked *e;

	if (pc->ctx == NULL || s->n >= s->max ||
	    (e = entry_new(s, from, m)) == NULL) {
		s->ctr.backlog++;
		return -1;
	}
	e->round = round;
	if (ping_check(pc->ctx, addr, pc->attempts, pc->send_delay_ms,
	    ping_done, e) < 0) {
		free(e);
		s->ctr.backlog++;
		return -1;
	}
	e->ping = pc->ctx;
	entry_link(s, e);
	return 0;
}

/* ------------------------------------------------ held until a verdict */

/* The timer runs for the oldest entry, the list's last. */
static void
deadline_rearm(struct park_set *s)
{
	struct parked *e, *last = NULL;
	double	 now = ev_now(s->loop);

	ev_timer_stop(s->loop, &s->deadline_w);
	for (e = s->head; e != NULL; e = e->next)
		last = e;
	if (last == NULL)
		return;
	ev_timer_set(&s->deadline_w, last->deadline > now ?
	    last->deadline - now : 0., 0.);
	ev_timer_start(s->loop, &s->deadline_w);
}

static void
deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct park_set *s = w->data;
	struct parked *e, *next;

	(void)loop;
	(void)revents;
	for (e = s->head; e != NULL; e = next) {
		next = e->next;
		if (e->ping != NULL || e->deadline > ev_now(s->loop))
			continue;
		entry_unlink(e);
		free(e);
		s->ctr.expired++;
	}
	deadline_rearm(s);
}

int
park_hold(struct park_set *s, const struct park_origin *from,
    const struct dhcp_msg *m, uint64_t key, uint32_t addr, double deadline)
{
	struct parked *e;

	if (s->n >= s->max || (e = entry_new(s, from, m)) == NULL) {
		s->ctr.backlog++;
		return -1;
	}
	e->key = key;
	e->addr = addr;
	e->deadline = deadline;
	entry_link(s, e);
	if (!ev_is_active(&s->deadline_w))
		deadline_rearm(s);
	return 0;
}

bool
park_resume(struct park_set *s, uint64_t key, bool approved, bool refused)
{
	struct engine_input in;
	struct parked *e;

	for (e = s->head; e != NULL && (e->ping != NULL || e->key != key);
	    e = e->next)
		;
	if (e == NULL)
		return false;
	entry_unlink(e);
	deadline_rearm(s);
	if (!approved && !refused) {
		free(e);
		return true;
	}
	memset(&in, 0, sizeof(in));
	in.approved_addr = e->addr;
	in.approval_refused = refused;
	entry_done(e, &in);
	return true;
}
