#ifndef DHCPFO_VERSION_H
#define DHCPFO_VERSION_H

#define DHCPFO_VERSION		"0.1.0"

#endif
