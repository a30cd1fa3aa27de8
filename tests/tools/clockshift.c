/*
 * clockshift: run a daemon's wall clock ahead, as if it were started
 * that much later, so an end-to-end test sees bindings run out while the
 * daemon was down without waiting for them (tests/e2e/t_lease_log.sh).
 *
 *   LD_PRELOAD=build/tools/clockshift.so CLOCKSHIFT_SECS=N DAEMON
 *
 * time(), gettimeofday() and clock_gettime() of the realtime clocks
 * answer the real time plus N seconds (0 <= N <= one year); the
 * monotonic clocks are left alone, so timers run as usual.  The daemon's
 * loop (libev), its lease times and Berkeley DB all read these.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long	 shift;

__attribute__((constructor)) static void
clockshift_init(void)
{
	const char *e = getenv("CLOCKSHIFT_SECS");
	long	 s = e != NULL ? strtol(e, NULL, 10) : 0;

	shift = s > 0 && s <= 366L * 86400 ? s : 0;
}

typedef int	clock_gettime_fn(clockid_t, struct timespec *);
typedef int	gettimeofday_fn(struct timeval *, void *);

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static clock_gettime_fn *real;
	int	 rc;

	if (real == NULL)
		real = (clock_gettime_fn *)dlsym(RTLD_NEXT, "clock_gettime");
	rc = real(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += shift;
	return rc;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	static gettimeofday_fn *real;
	int	 rc;

	if (real == NULL)
		real = (gettimeofday_fn *)dlsym(RTLD_NEXT, "gettimeofday");
	rc = real(tv, tz);
	if (rc == 0)
		tv->tv_sec += shift;
	return rc;
}

time_t
time(time_t *t)
{
	struct timespec ts;
	time_t	 now;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (time_t)-1;
	now = ts.tv_sec;
	if (t != NULL)
		*t = now;
	return now;
}
