#!/bin/bash
# Relayed clients: LAN (198.51.100.0/24) -- relay namespace running ISC
# dhcrelay (LAN side 198.51.100.1, server side 192.0.2.1, option 82 on) --
# server namespace (192.0.2.10/24, route to the LAN via the relay).  The
# server has no Interfaces, only ServerAddress, and two subnets; each of
# dhclient, udhcpc and dhcpcd gets a lease from the relayed subnet (chosen
# by giaddr), renews it (udhcpc and dhcpcd by unicast straight to the
# server, dhclient by INIT-REBOOT through the relay) and releases it.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhcrelay dhclient dhcpcd busybox

relay_lan 02:00:00:00:03:01

EXPECT_PREFIX=24; EXPECT_ROUTER=198.51.100.1
EXPECT_DNS=198.51.100.1; EXPECT_DOMAIN=example.test
srv_conf branch1 192.0.2.10 ""
srv_subnet other 203.0.113.0/24 203.0.113.100-203.0.113.199 203.0.113.1
srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 198.51.100.1
srv_write_config
SRV_NS=srv
srv_check_config >"$T/config-check.log" 2>&1 || fail "config rejected by -t"
ok "config passes -t (no Interfaces, ServerAddress only)"
srv_start srv

relay_start 192.0.2.10
ok "dhcrelay running in the relay namespace (pid $RELAY_PID)"

# All three on the LAN at once, each with its own address.
i=0
for kind in dhclient udhcpc dhcpcd; do
	i=$((i + 1))
	lan_attach "c$i" eth0 "02:00:00:00:04:0$i"
	C_MAC[c$i]=02:00:00:00:04:0$i
	client_start "$kind" "c$i" eth0
done
for ns in c1 c2 c3; do
	lease_check_new "$ns" 198.51.100.100 198.51.100.199 lan1
done
assert "three distinct addresses (${C_ADDR[c1]} ${C_ADDR[c2]} ${C_ADDR[c3]})" \
    test "$(printf '%s\n' "${C_ADDR[@]}" | sort -u | wc -l)" = 3
for ns in c1 c2 c3; do
	say "-- ${C_KIND[$ns]}: renew and release through the relay"
	lease_renew_check "$ns"
	lease_release_check "$ns"
done
assert "no lease was given from subnet 'other'" \
    test "$(srv_leases | jq '[.leases[] | select(.subnet == "other")] | length')" = 0
pid_gone "$RELAY_PID" && fail "dhcrelay died"
pass
