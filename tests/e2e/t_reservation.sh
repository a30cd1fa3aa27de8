#!/bin/bash
# [host:NAME] reservations on a directly attached LAN: a client whose MAC
# has a reservation outside the range (198.51.100.7) gets exactly that
# address; one with a reservation inside the range gets that one (it is
# 198.51.100.100, the first address an allocator would pick); a client
# without a reservation, started first, gets neither.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhclient busybox dhcpcd

direct_lan_server
srv_host printer7 02:00:00:00:05:07 198.51.100.7
srv_host scanner 02:00:00:00:05:08 198.51.100.100
lan_attach c1 eth0 02:00:00:00:05:07
lan_attach c2 eth0 02:00:00:00:05:08
lan_attach c3 eth0 02:00:00:00:05:09
direct_lan_start

C_MAC[c3]=02:00:00:00:05:09
client_start dhcpcd c3 eth0	# first, so it could take .150 if it were free
lease_check_new c3 198.51.100.101 198.51.100.199 lan1
assert "the unreserved client did not get a reserved address (${C_ADDR[c3]})" \
    test "${C_ADDR[c3]}" != 198.51.100.100

lease_obtain dhclient c1 eth0 02:00:00:00:05:07 198.51.100.7 198.51.100.7 lan1
ok "reservation outside the range honoured"
lease_obtain udhcpc c2 eth0 02:00:00:00:05:08 198.51.100.100 198.51.100.100 lan1
ok "reservation inside the range honoured"
lease_renew_check c1
lease_renew_check c2
pass
