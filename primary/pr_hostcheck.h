/*
 * What primary.ini asks of this host (common/dhcp/hostcheck.h): checked
 * by -t and before start-up opens anything.
 */
#ifndef DHCPFO_PR_HOSTCHECK_H
#define DHCPFO_PR_HOSTCHECK_H

#include "config.h"

/*
 * [server], the [failover] key files when UseFailoverServer is set, and
 * every subnet, of cfg as config_load_primary() filled it.  Returns 0,
 * or -1 with every problem in errs; a key file that does not load is a
 * warning in warns (both initialised by the call).
 */
int	pr_hostcheck(const struct config *cfg, struct config_errors *errs,
	    struct config_errors *warns);

#endif
