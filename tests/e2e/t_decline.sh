#!/bin/bash
# DHCPDECLINE (RFC 2131 3.1.5, 4.3.3): dhcpcd probes an acknowledged
# address with ARP (RFC 5227) and declines it if another host answers.
#   1. range of two addresses; dhcpcd (ARP off) gets address A; it stops
#      without releasing, its cached lease is removed, so the binding of A
#      to this client stays on the server;
#   2. a static host ("squatter") takes A on the LAN;
#   3. dhcpcd starts again with ARP probing on: the server offers A (the
#      client's current binding, RFC 2131 4.3.1), dhcpcd finds the squatter
#      and sends DHCPDECLINE, then gets the other address B.
# Checked: A is "declined" in the lease table, B is bound to the client.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhcpcd

LO=198.51.100.100 HI=198.51.100.101
MAC=02:00:00:00:06:01
lan_new
lan_attach srv srv0 02:00:00:00:01:01
addr srv srv0 198.51.100.1/24
EXPECT_PREFIX=24; EXPECT_ROUTER=198.51.100.1
EXPECT_DNS=198.51.100.1; EXPECT_DOMAIN=example.test
srv_conf branch1 198.51.100.1 srv0
srv_subnet lan1 198.51.100.0/24 "$LO-$HI" 198.51.100.1
lan_attach c1 eth0 "$MAC"
direct_lan_start

lease_obtain dhcpcd c1 eth0 "$MAC" "$LO" "$HI" lan1
A=${C_ADDR[c1]}
B=$([ "$A" = "$LO" ] && echo "$HI" || echo "$LO")
client_stop c1
rm -f "$T/c1/db/eth0.lease"
wait_for 5 "[ -z \"\$(iface_addr c1 eth0)\" ]" ||
    nsx c1 ip -4 addr flush dev eth0 scope global
expect_lease "$A" bound "$MAC"
say "client stopped without release; $A stays bound to it"

lan_attach squatter eth0 02:00:00:00:06:99
addr squatter eth0 "$A/24"
ok "static host on the LAN now holds $A"

declines0=$(counter decline)
DHCPCD_ARP=1 client_start dhcpcd c1 eth0
if ! wait_for 60 "[ \"\$(iface_addr c1 eth0)\" = $B ]"; then
	grep -E 'offered|acknowledged|declin|DAD|conflict|leased' \
	    "$T/c1/client.log" | tail -n 15 | sed 's/^/  | /'
	fail "dhcpcd did not end up with $B"
fi
grep -q "sending DECLINE\|declin" "$T/c1/client.log" ||
    fail "dhcpcd never declined (was $A offered again?)"
ok "dhcpcd detected the squatter on $A, declined it and got $B"
expect_lease "$A" declined
expect_lease "$B" bound "$MAC"
if [ "$E2E_SERVER" = dhcpfo ]; then
	d=$(counter decline)
	assert "status counters.decline rose ($declines0 -> $d)" test "$d" -gt "$declines0"
	assert "status shows 1 declined in lan1" test "$(srv_status |
	    jq '.subnets[] | select(.name == "lan1") | .declined')" = 1
fi
pass
