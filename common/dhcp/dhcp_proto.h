/*
 * DHCPv4 protocol constants (RFC 2131, RFC 2132, RFC 3046, RFC 3396).
 */
#ifndef DHCPFO_DHCP_PROTO_H
#define DHCPFO_DHCP_PROTO_H

#define BOOTREQUEST		1
#define BOOTREPLY		2

#define DHCP_MAGIC_COOKIE	0x63825363u
#define DHCP_FIXED_LEN		236	/* op .. file, without the cookie */
#define DHCP_COOKIE_LEN		4
#define DHCP_MIN_LEN		(DHCP_FIXED_LEN)	/* BOOTP without vend */
#define DHCP_MIN_REPLY		300	/* BOOTP minimum (RFC 951, RFC 1542) */
#define DHCP_DEFAULT_MAX	576	/* RFC 2131 4.1: IP datagram a client accepts */
#define DHCP_IP_UDP_HDR		28
#define DHCP_PKT_MAX		4096	/* largest datagram we read or build */
#define DHCP_CHADDR_LEN		16
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128
#define DHCP_BROADCAST_FLAG	0x8000

/* Message types, option 53 */
#define DHCPDISCOVER		1
#define DHCPOFFER		2
#define DHCPREQUEST		3
#define DHCPDECLINE		4
#define DHCPACK			5
#define DHCPNAK			6
#define DHCPRELEASE		7
#define DHCPINFORM		8

/* Option codes */
#define DHO_PAD			0
#define DHO_SUBNET_MASK		1
#define DHO_ROUTERS		3
#define DHO_DNS_SERVERS		6
#define DHO_HOST_NAME		12
#define DHO_DOMAIN_NAME		15
#define DHO_BROADCAST_ADDRESS	28
#define DHO_NTP_SERVERS		42
#define DHO_REQUESTED_ADDRESS	50
#define DHO_LEASE_TIME		51
#define DHO_OVERLOAD		52
#define DHO_MESSAGE_TYPE	53
#define DHO_SERVER_ID		54
#define DHO_PARAM_REQUEST_LIST	55
#define DHO_MESSAGE		56
#define DHO_MAX_MESSAGE_SIZE	57
#define DHO_RENEWAL_TIME	58
#define DHO_REBINDING_TIME	59
#define DHO_VENDOR_ENCAPSULATED	43
#define DHO_VENDOR_CLASS	60
#define DHO_CLIENT_ID		61
#define DHO_USER_CLASS		77
#define DHO_RELAY_AGENT_INFO	82
#define DHO_CLIENT_ARCH		93
#define DHO_SUBNET_SELECTION	118

/* Option 82 sub-options (RFC 3046, RFC 3527) */
#define RAI_CIRCUIT_ID		1
#define RAI_REMOTE_ID		2
#define RAI_LINK_SELECTION	5
#define DHO_END			255

/* Option 52 values */
#define OVERLOAD_FILE		1
#define OVERLOAD_SNAME		2
#define OVERLOAD_BOTH		3

#endif
