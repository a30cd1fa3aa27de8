#!/bin/bash
# Shared networks (docs/options.md "Shared networks and link selection"):
# two subnets on one link, the first one full, real dhclient clients.
#
#   LAN (bridge br0 in "sw"): clients, relay down0 198.51.100.1/25 with a
#       second address 198.51.100.129/25 (giaddr stays 198.51.100.1)
#   relay: ISC dhcrelay (option 82 on), up0 192.0.2.1 <-> server eth0
#       192.0.2.10 (no Interfaces, ServerAddress only, as t_relay.sh)
#
#   [subnet:a] 198.51.100.0/25   Range .10-.11 (2 addresses), Routers .1,
#              SharedNetwork vlan1
#   [subnet:c] 203.0.113.0/24    unrelated, no SharedNetwork; between a and
#              b in the file, so "the link's others in file order" must
#              skip it
#   [subnet:b] 198.51.100.128/25 Range .130-.139, Routers .129,
#              SharedNetwork vlan1
#
# 1. Relayed: c1 and c2 fill a; c3 gets an address of b with b's options
#    (router, prefix); its INIT-REBOOT through the relay (giaddr in a,
#    requested address in b) is ACKed, not NAKed; the server's lease
#    list puts it in subnet b, no lease comes from c.
# 2. Control: the same file without SharedNetwork, the server restarted
#    on the same lease store (a still full): a new client c4 is dropped
#    ("no-free-address" rises in status), gets no offer and no address,
#    although b has free addresses.
# 3. Directly attached: the relay stopped, the server's srv1 on the LAN
#    with 198.51.100.100/25 (in a, added first) and 198.51.100.250/25 (in
#    b), Interfaces = srv1, a fresh lease store, SharedNetwork back: c5
#    and c6 get a's addresses (the link is the interface's first address),
#    c7 gets b's; its INIT-REBOOT is ACKed.
. "$(dirname "$0")/lib.sh"
e2e_init
[ "$E2E_SERVER" = dhcpfo ] || skip "dhcpfo-only configuration (SharedNetwork, status drops)"
require_cmd dhcrelay dhclient

A_LO=198.51.100.10 A_HI=198.51.100.11 A_GW=198.51.100.1
B_LO=198.51.100.130 B_HI=198.51.100.139 B_GW=198.51.100.129

lan_new
ns_add relay
ns_add srv
lan_attach relay down0 02:00:00:00:0a:01
addr relay down0 198.51.100.1/25
addr relay down0 198.51.100.129/25
veth relay up0 srv eth0
addr relay up0 192.0.2.1/24
addr srv eth0 192.0.2.10/24
route srv 198.51.100.0/24 via 192.0.2.1
nsx relay sysctl -qw net.ipv4.ip_forward=1

srv_conf branch1 192.0.2.10 ""
srv_subnet a 198.51.100.0/25 "$A_LO-$A_HI" "$A_GW"
srv_subnet c 203.0.113.0/24 203.0.113.100-203.0.113.199 203.0.113.1
srv_subnet b 198.51.100.128/25 "$B_LO-$B_HI" "$B_GW"

# write_config SHARED: the server's file, with SharedNetwork = vlan1 in
# a and b when SHARED is 1; checked with -t.
write_config() {
	srv_write_config
	if [ "$1" = 1 ]; then
		echo "SharedNetwork = vlan1" | ini_add "$T/primary.ini" subnet:a
		echo "SharedNetwork = vlan1" | ini_add "$T/primary.ini" subnet:b
	fi
	SRV_NS=srv
	srv_check_config >"$T/config-check.log" 2>&1 ||
	    { cat "$T/config-check.log"; fail "config rejected by -t"; }
	ok "config passes -t ($([ "$1" = 1 ] && echo "a and b in SharedNetwork vlan1" || echo "no SharedNetwork"))"
}


# expect_subnet_opts A|B: what lease_check_new checks on the client.
expect_subnet_opts() {
	EXPECT_PREFIX=25; EXPECT_DOMAIN=example.test
	case $1 in
	a) EXPECT_ROUTER=$A_GW; EXPECT_DNS=$A_GW ;;
	b) EXPECT_ROUTER=$B_GW; EXPECT_DNS=$B_GW ;;
	esac
}

# start_dhclient NS MAC: on the LAN, the harness's dhclient.
start_dhclient() {
	lan_attach "$1" eth0 "$2"
	C_MAC[$1]=$2
	client_start dhclient "$1" eth0
}

# fill_a_then_b N1 N2 N3 MACPREFIX: N1 and N2 (started together) get a's
# two addresses; then N3 gets one of b's, with b's router in its lease
# file.
fill_a_then_b() {
	local n1=$1 n2=$2 n3=$3 m=$4
	start_dhclient "$n1" "${m}1"
	start_dhclient "$n2" "${m}2"
	expect_subnet_opts a
	lease_check_new "$n1" "$A_LO" "$A_HI" a
	lease_check_new "$n2" "$A_LO" "$A_HI" a
	assert "$n1 and $n2 hold both of a's addresses" \
	    test "$(printf '%s\n' "${C_ADDR[$n1]}" "${C_ADDR[$n2]}" | sort -u | wc -l)" = 2
	start_dhclient "$n3" "${m}3"
	expect_subnet_opts b
	lease_check_new "$n3" "$B_LO" "$B_HI" b
	wait_for 5 "grep -q '^}' '$T/$n3/dhclient.leases'" ||
	    fail "$n3: dhclient wrote no lease file"
	if lease_has "$n3" "option routers $B_GW;"; then
		ok "$n3's lease file: option routers $B_GW (subnet b's)"
	else
		last_lease "$n3" | sed 's/^/  | /'
		fail "$n3's lease file lacks 'option routers $B_GW;'"
	fi
	assert "$n3's lease file: option subnet-mask 255.255.255.128" \
	    lease_has "$n3" "option subnet-mask 255.255.255.128;"
}

# reboot_check NS: INIT-REBOOT (dhclient restarted), answered by an ACK
# for the same address: the event is REBOOT and no NAK was sent.
reboot_check() {
	local ns=$1 naks0 n0
	naks0=$(counter nak)
	n0=$(event_count "$ns" REBOOT)
	lease_renew_check "$ns"
	assert "$ns's restart was an INIT-REBOOT answered with an ACK (REBOOT event)" \
	    test "$(event_count "$ns" REBOOT)" -gt "$n0"
	assert "no NAK sent (counters.nak $naks0 -> $(counter nak))" \
	    test "$(counter nak)" = "$naks0"
}

subnet_stat() {	# NAME FIELD: a field of the subnet in status
	srv_status | jq -r --arg n "$1" --arg f "$2" '.subnets[] | select(.name == $n) | .[$f]'
}
drops_nofree() { srv_status | jq -r '.drops["no-free-address"]'; }
leases_in() { srv_leases | jq --arg s "$1" '[.leases[] | select(.subnet == $s)] | length'; }

# ------------------------------------------------------ 1. relayed, shared
say "-- 1. relayed: a full, the third client served from b"
write_config 1
srv_start srv
relay_start 192.0.2.10
ok "dhcrelay running in the relay namespace (pid $RELAY_PID)"

fill_a_then_b c1 c2 c3 02:00:00:00:0b:0
assert "status: subnet a has 2 bound, 0 free" \
    test "$(subnet_stat a bound)/$(subnet_stat a free)" = 2/0
assert "status: subnet b has 1 bound" test "$(subnet_stat b bound)" = 1
assert "server's lease list: ${C_ADDR[c3]} (c3) is in subnet b" \
    test "$(srv_leases | jq -r --arg a "${C_ADDR[c3]}" '.leases[] | select(.address == $a) | .subnet')" = b
assert "no lease from the unrelated subnet c" test "$(leases_in c)" = 0
assert "no drop for want of an address (no-free-address = $(drops_nofree))" \
    test "$(drops_nofree)" = 0

say "-- c3 renews through the relay: giaddr in a, its address in b"
reboot_check c3

# ------------------------------------------------- 2. control, no sharing
say "-- 2. control: the same, without SharedNetwork"
srv_stop
write_config 0
srv_start srv
assert "after restart: subnet a still full (2 bound, 0 free)" \
    test "$(subnet_stat a bound)/$(subnet_stat a free)" = 2/0
B_FREE=$(subnet_stat b free)
assert "subnet b has free addresses ($B_FREE)" test "$B_FREE" -gt 0
drops0=$(drops_nofree); offers0=$(counter offer)
start_dhclient c4 02:00:00:00:0b:04
if wait_for 20 "[ \$(drops_nofree) -gt $drops0 ]"; then
	ok "the server dropped c4's DISCOVER: no-free-address $drops0 -> $(drops_nofree)"
else
	tail -n 10 "$T/c4/client.log" | sed 's/^/  | /'
	fail "no-free-address did not rise within 20 s"
fi
# dhclient's next DISCOVER is dropped as well (a bounded wait on the
# client's own log, then on the counter).
wait_for 20 "[ \$(grep -c DHCPDISCOVER '$T/c4/client.log') -ge 2 ]" ||
    fail "c4's dhclient sent no second DISCOVER within 20 s"
wait_for 5 "[ \$(drops_nofree) -ge $((drops0 + 2)) ]" ||
    fail "c4's second DISCOVER was not dropped as no-free-address ($(drops_nofree))"
ok "c4's second DISCOVER dropped too (no-free-address $(drops_nofree))"
assert "c4 has no address" test -z "$(iface_addr c4 eth0)"
assert "c4 was sent no offer (counters.offer $offers0 -> $(counter offer))" \
    test "$(counter offer)" = "$offers0"
assert "c4's dhclient saw no DHCPOFFER" \
    eval "! grep -q DHCPOFFER '$T/c4/client.log'"
assert "no lease for c4's MAC" \
    test "$(srv_leases | jq '[.leases[] | select(.hwaddr == "02:00:00:00:0b:04")] | length')" = 0
assert "subnet b unchanged (1 bound)" test "$(subnet_stat b bound)" = 1

# ----------------------------------------- 3. directly attached, shared
say "-- 3. directly attached: srv1 with 198.51.100.100/25 and 198.51.100.250/25"
srv_stop
stop_pid "$RELAY_PID"
for ns in c1 c2 c3 c4; do
	client_stop "$ns"
	nsx "$ns" ip -4 addr flush dev eth0 scope global
done
lan_attach srv srv1 02:00:00:00:0a:02
addr srv srv1 198.51.100.100/25
addr srv srv1 198.51.100.250/25
srv_conf branch1 198.51.100.100 srv1
SRV_STATE=$T/state3
mkdir -p "$SRV_STATE"
write_config 1
srv_start srv
fill_a_then_b c5 c6 c7 02:00:00:00:0c:0
assert "server's lease list: ${C_ADDR[c7]} (c7) is in subnet b" \
    test "$(srv_leases | jq -r --arg a "${C_ADDR[c7]}" '.leases[] | select(.address == $a) | .subnet')" = b
say "-- c7 restarts: received on srv1 (link a), its address in b"
reboot_check c7
assert "no lease from the unrelated subnet c" test "$(leases_in c)" = 0
srv_running || fail "the server died"
pass
