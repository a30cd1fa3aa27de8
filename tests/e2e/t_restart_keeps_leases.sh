#!/bin/bash
# Leases survive an orderly restart.  Three clients (dhclient, udhcpc,
# dhcpcd) are bound on a directly attached LAN; the server is stopped with
# SIGTERM (it must exit 0) and started again on the same StateDir.  The
# bound leases (address, hwaddr, client_id, subnet, ends) are identical
# before and after (and, for dhcpfo, in leasedump of the stopped server's
# StateDir); then each client renews and keeps its address.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhclient busybox dhcpcd

direct_lan_server
i=0
for kind in dhclient udhcpc dhcpcd; do
	i=$((i + 1))
	lan_attach "c$i" eth0 "02:00:00:00:07:0$i"
done
direct_lan_start
i=0
for kind in dhclient udhcpc dhcpcd; do
	i=$((i + 1))
	lease_obtain "$kind" "c$i" eth0 "02:00:00:00:07:0$i" \
	    198.51.100.100 198.51.100.199 lan1
done

bound() {
	jq -S '[.leases[] | select(.state == "bound")
	        | {address, hwaddr, client_id, subnet, ends}]
	       | sort_by(.address)'
}
srv_leases | bound >"$T/before.json"
say "bound before: $(jq -c 'map(.address)' "$T/before.json")"
assert "3 bound leases before the restart" test "$(jq length "$T/before.json")" = 3

srv_stop
assert "server exited 0 on SIGTERM" test "$SRV_EXIT" = 0
if [ "$E2E_SERVER" = dhcpfo ] && [ ! -x "$BUILD/tools/leasedump" ]; then
	say "no $BUILD/tools/leasedump: stopped-server check left out"
elif [ "$E2E_SERVER" = dhcpfo ]; then
	srv_leases | bound >"$T/stopped.json" || fail "leasedump failed"
	if diff -u "$T/before.json" "$T/stopped.json"; then
		ok "leasedump of the stopped server's StateDir shows the same bound leases"
	else
		fail "leasedump differs from the leases before the stop"
	fi
fi

srv_start srv
srv_leases | bound >"$T/after.json"
if diff -u "$T/before.json" "$T/after.json"; then
	ok "after restart: the same bound leases (address, hwaddr, client_id, subnet, ends)"
else
	fail "bound leases changed across the restart"
fi

for ns in c1 c2 c3; do
	say "-- ${C_KIND[$ns]} renews after the restart"
	lease_renew_check "$ns"
done
pass
