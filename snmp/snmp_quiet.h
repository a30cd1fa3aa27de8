/*
 * net-snmp as both the sub-agent and the SNMP benchmark's poller use it:
 * no MIB files, no configuration files, no persistent state read or
 * written.  Header-only, so that a tool outside the daemons (bench/)
 * includes it without linking our library.  Call before init_snmp().
 */
#ifndef DHCPFO_SNMP_QUIET_H
#define DHCPFO_SNMP_QUIET_H

#include <stdlib.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static inline void
snmp_quiet_library(void)
{
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
}

#endif
