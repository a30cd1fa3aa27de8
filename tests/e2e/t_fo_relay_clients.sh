#!/bin/bash
# Real clients (dhclient, udhcpc, dhcpcd) behind a real ISC dhcrelay that
# forwards to both servers, across takeover and hand-back.
#
#   client LAN 198.51.100.0/24 (bridge br0 in "sw"): clients c1..c5,
#       relay down0 198.51.100.1
#   server LAN 192.0.2.0/24 (bridge br1 in "ssw"): relay up0 192.0.2.1,
#       primary P p0 192.0.2.10, failover F f0 192.0.2.20; the failover
#       protocol (heartbeat) runs on this LAN too.
#
# Part 1: the three clients bind through the primary (the failover's copy
# has them); kill -9 of the primary; the failover takes over; every client
# renews (udhcpc/dhcpcd SIGUSR1, dhclient restarted: INIT-REBOOT) and keeps
# its address, ACKed by the failover; a new client (c4) gets a fresh
# address from the failover; the primary restarts, the failover hands back
# and returns to monitoring; the primary holds every binding, no address
# is bound to two clients.
#
# Part 2: the failover's link is cut (ip link set f0 down in F): it hears
# neither the clients nor the primary and takes over; the primary keeps
# serving (a new client c5 binds through it).  Link up (plus the route to
# the client LAN, which the kernel dropped with the link): the failover's
# poll is answered ("partition healed"), it hands back, returns to
# monitoring; no duplicates, everything on the primary.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
[ -x "$BUILD/dhcpfo-failover" ] || skip "$BUILD/dhcpfo-failover not built (run make)"
require_cmd dhcrelay dhclient dhcpcd busybox openssl bc

FO_NS_P=P FO_NS_F=F FO_NS_R=relay
FO_P_ADDR=192.0.2.10 FO_F_ADDR=192.0.2.20
FO_RELAY=198.51.100.1
FO_NET=198.51.100.0/24 FO_RANGE=198.51.100.100-198.51.100.199
FO_PING_CHECK=${FO_PING_CHECK:-false}
LO=198.51.100.100 HI=198.51.100.199

# ---------------------------------------------------------------- network

# slan_attach NS IF MAC: NS gets IF on the server LAN (bridge br1 in ssw).
slan_attach() {
	local port="s${#E2E_NS[@]}x$RANDOM"
	port=${port:0:15}
	ns_exists "$1" || ns_add "$1"
	veth "$1" "$2" ssw "$port" "$3"
	ip -n "$(nsname ssw)" link set "$port" master br1 || fail "bridge port $port"
}

lan_new
ns_add ssw
bridge ssw br1
ns_add relay
lan_attach relay down0 02:00:00:00:03:01
addr relay down0 198.51.100.1/24
slan_attach relay up0 02:00:00:00:03:02
addr relay up0 192.0.2.1/24
nsx relay sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward"
slan_attach P p0 02:00:00:00:0a:10
slan_attach F f0 02:00:00:00:0a:20
addr P p0 192.0.2.10/24
addr F f0 192.0.2.20/24
route P 198.51.100.0/24 via 192.0.2.1
route F 198.51.100.0/24 via 192.0.2.1
assert "primary reaches the failover on the server LAN" \
    eval "nsx P ping -c 1 -W 2 192.0.2.20 >/dev/null"

fo_dirs
fo_write_configs
ok "both configs pass -t"
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
ok "start-up: failover monitoring, primary serving"

relay_start "$FO_P_ADDR" "$FO_F_ADDR"
ok "dhcrelay forwards to $FO_P_ADDR and $FO_F_ADDR (pid $RELAY_PID)"

# ---------------------------------------------------------------- helpers

# lease_on SOCK ADDR MAC: ADDR is bound to MAC there.
lease_on() {
	"$BUILD/dhcpfoctl" -s "$1" leases --json 2>/dev/null | jq -e --arg a "$2" --arg m "$3" '
	  [.leases[] | select(.address == $a and .state == "bound"
	     and ((.hwaddr // "") | ascii_downcase) == ($m | ascii_downcase))]
	  | length == 1' >/dev/null
}
lease_ends() {
	"$BUILD/dhcpfoctl" -s "$1" leases --json 2>/dev/null |
	    jq -r --arg a "$2" '.leases[] | select(.address == $a) | .ends'
}
f_acks() { fctl status branch1 --json 2>/dev/null | jq -r .acks; }
p_acks() { pctl status --json 2>/dev/null | jq -r .counters.ack; }

# new_client KIND NS MAC: attach, start, wait for an address in LO-HI,
# bound to MAC on the daemon answering on SOCK (arg 4).
CLIENTS=()
new_client() {
	local kind=$1 ns=$2 mac=$3 sock=$4 a
	lan_attach "$ns" eth0 "$mac"
	C_MAC[$ns]=$mac
	client_start "$kind" "$ns" eth0
	a=$(client_wait_addr "$ns" 40) || exit 1
	C_ADDR[$ns]=$a
	CLIENTS+=("$ns")
	say "$kind in $ns ($mac) got $a"
	assert "$a is in $LO-$HI" in_range "$a" "$LO" "$HI"
	wait_for 5 "lease_on '$sock' '$a' '$mac'" ||
	    fail "lease $a is not bound to $mac on $(basename "$(dirname "$sock")")"
	ok "lease $a bound to $mac on $([ "$sock" = "$T/p/ctl.sock" ] && echo the primary || echo the failover)"
}

# renew NS: force a renewal; the client must keep its address.  dhcpcd
# after SIGUSR1 keeps unicasting to the dead server until T2, so if no new
# lease event arrives within 10 s it is restarted (INIT-REBOOT with its
# saved lease, broadcast through the relay), as dhclient is.
renew() {
	local ns=$1 n a
	case ${C_KIND[$ns]} in
	dhcpcd)
		n=$(event_count "$ns" 'RENEW|REBIND|BOUND|REBOOT')
		sig_client "$ns" USR1
		if ! wait_for 10 "[ \$(event_count $ns 'RENEW|REBIND|BOUND|REBOOT') -gt $n ]"; then
			say "dhcpcd in $ns: no reply to the SIGUSR1 renewal within 10 s; restarting it (INIT-REBOOT)"
			stop_pid "${C_PID[$ns]}" TERM
			n=$(event_count "$ns" 'RENEW|REBIND|BOUND|REBOOT')
			client_start dhcpcd "$ns" eth0
			wait_for 30 "[ \$(event_count $ns 'RENEW|REBIND|BOUND|REBOOT') -gt $n ]" ||
			    fail "dhcpcd did not report a lease after restart"
		fi
		;;
	*)	client_renew "$ns" ;;
	esac
	wait_for 10 "[ \"\$(iface_addr $ns eth0)\" = ${C_ADDR[$ns]} ]" || true
	a=$(iface_addr "$ns" eth0)
	assert "${C_KIND[$ns]} in $ns kept ${C_ADDR[$ns]} ($a)" test "$a" = "${C_ADDR[$ns]}"
}

# all_on_primary: every client's (address, mac) is bound on the primary,
# and no address is bound to two clients on either server.
all_on_primary() {
	local ns a
	for ns in "${CLIENTS[@]}"; do
		wait_for 5 "lease_on '$T/p/ctl.sock' '${C_ADDR[$ns]}' '${C_MAC[$ns]}'" ||
		    fail "the primary does not hold ${C_ADDR[$ns]} for ${C_MAC[$ns]} ($ns)"
	done
	ok "the primary holds every client's binding (${#CLIENTS[@]})"
	# Every lease any client reported (BOUND/RENEW/REBOOT/REBIND events,
	# whichever server ACKed it) is that client's binding on the primary.
	for ns in "${CLIENTS[@]}"; do
		for a in $(client_events "$ns" |
		    awk '$2 ~ /^(BOUND|RENEW|REBIND|REBOOT|bound|renew)$/ && $3 != "" {print $3}' | sort -u); do
			lease_on "$T/p/ctl.sock" "$a" "${C_MAC[$ns]}" ||
			    fail "$ns was ACKed $a, which the primary does not hold for ${C_MAC[$ns]}"
		done
	done
	ok "every lease ACKed to a client (by either server) is on the primary"
	bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
	bound_of "$T/f/ctl.sock" >"$T/f-bound.txt"
	assert "no address bound to two clients on the primary" check_unique "$T/p-bound.txt"
	assert "no address bound to two clients on the failover" check_unique "$T/f-bound.txt"
	assert "every client has its own address" \
	    test "$(for ns in "${CLIENTS[@]}"; do echo "${C_ADDR[$ns]}"; done | sort -u | wc -l)" = "${#CLIENTS[@]}"
	assert "no hardware address holds two bound leases on the primary" \
	    test "$(awk '{print $2}' "$T/p-bound.txt" | sort | uniq -d | wc -l)" = 0
}

# ---------------------------------------------------------------- part 1
say "-- part 1: bind through the primary"
new_client dhclient c1 02:00:00:00:04:01 "$T/p/ctl.sock"
new_client udhcpc c2 02:00:00:00:04:02 "$T/p/ctl.sock"
new_client dhcpcd c3 02:00:00:00:04:03 "$T/p/ctl.sock"
for ns in c1 c2 c3; do
	wait_for 10 "lease_on '$T/f/ctl.sock' '${C_ADDR[$ns]}' '${C_MAC[$ns]}'" ||
	    fail "the failover's copy lacks ${C_ADDR[$ns]} for ${C_MAC[$ns]}"
done
ok "the failover's copy holds all three bindings"
fo_caught_up branch1 "$(now_s)"
assert "the failover answered none of them (it sleeps)" test "$(f_acks)" = 0

say "-- kill -9 of the primary"
t_kill=$(now_s)
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
wait "$P_PID" 2>/dev/null
fo_wait_state takeover 5
say "takeover $(echo "$(fo_field last_takeover_time) - $t_kill" | bc -l | xargs printf '%.3f') s after kill -9: $(fo_field last_takeover_reason)"
ok "failover in takeover"

acks0=$(f_acks)
for ns in c1 c2 c3; do
	e0=$(lease_ends "$T/f/ctl.sock" "${C_ADDR[$ns]}")
	wait_until_after "$(date +%s)"
	renew "$ns"
	wait_for 5 "[ \"\$(lease_ends '$T/f/ctl.sock' '${C_ADDR[$ns]}')\" -gt $e0 ]" ||
	    fail "the failover's lease ${C_ADDR[$ns]} did not move forward (renewal not served by the failover)"
	ok "${C_ADDR[$ns]} renewed by the failover (ends $e0 -> $(lease_ends "$T/f/ctl.sock" "${C_ADDR[$ns]}"))"
done
wait_for 5 "[ \$(f_acks) -ge $((acks0 + 3)) ]" ||
    fail "failover ACKs $(f_acks), expected >= $((acks0 + 3))"
ok "failover ACKed the renewals ($acks0 -> $(f_acks))"

new_client udhcpc c4 02:00:00:00:04:04 "$T/f/ctl.sock"
for ns in c1 c2 c3; do
	[ "${C_ADDR[c4]}" != "${C_ADDR[$ns]}" ] || fail "c4 got ${C_ADDR[$ns]}, held by $ns"
done
ok "the new client got a fresh address (${C_ADDR[c4]}) from the failover"

say "-- the primary restarts"
p_start
fo_wait_state monitoring 20
p_wait_serving 20
ok "hand-back: failover monitoring, primary serving ($(fo_field last_handback_bindings) bindings in $(fo_field last_handback_secs) s)"
assert "the failover serves nothing now" \
    test "$(fctl status branch1 --json | jq -r .serving)" = false
all_on_primary

# A renewal now is answered by the primary (udhcpc: unicast to the
# failover's server id goes unanswered, then a broadcast rebind through the
# relay reaches the primary).
fa=$(f_acks); pa=$(p_acks)
wait_until_after "$(date +%s)"
renew c2
wait_for 5 "[ \$(p_acks) -gt $pa ]" || fail "the primary did not ACK c2's renewal"
fo_caught_up branch1 "$(now_s)"
assert "the failover did not answer it ($fa -> $(f_acks))" test "$(f_acks)" = "$fa"
ok "after the hand-back the primary serves renewals"

# ---------------------------------------------------------------- part 2
say "-- part 2: cut the failover's link"
nsx F ip link set f0 down || fail "link down"
ok "F: f0 down"
fo_wait_state takeover 10
ok "failover took over ($(fo_field last_takeover_reason)) though the primary lives"
assert "the primary still serves" test "$(p_fostate)" = serving
fa=$(f_acks)
new_client dhcpcd c5 02:00:00:00:04:05 "$T/p/ctl.sock"
renew c1
fo_caught_up branch1 "$(now_s)"
assert "the cut-off failover answered nothing ($fa -> $(f_acks))" test "$(f_acks)" = "$fa"

nsx F ip link set f0 up || fail "link up"
# The kernel removed the gateway route with the link.
nsx F ip route replace 198.51.100.0/24 via 192.0.2.1 || fail "route back"
ok "F: f0 up, route to the client LAN restored"
fo_wait_state monitoring 20
p_wait_serving 20
h=$(fctl history branch1 --json | jq -r '[.history[].reason] | join("|")')
grep -qi "partition healed" <<<"$h" || fail "no partition-healed transition: $h"
ok "the failover saw the primary alive (partition healed) and handed back"
assert "the failover serves nothing now" \
    test "$(fctl status branch1 --json | jq -r .serving)" = false
all_on_primary
wait_for 10 "lease_on '$T/f/ctl.sock' '${C_ADDR[c5]}' '${C_MAC[c5]}'" ||
    fail "the failover's copy lacks c5's binding after the link came back"
ok "replication resumed: the failover's copy has c5 (${C_ADDR[c5]})"
for ns in "${CLIENTS[@]}"; do
	a=$(iface_addr "$ns" eth0)
	[ "$a" = "${C_ADDR[$ns]}" ] || fail "$ns now has '$a', not ${C_ADDR[$ns]}"
done
ok "every client still holds its address"
pid_gone "$RELAY_PID" && fail "dhcrelay died"
say "history: $(fctl history branch1 --json | jq -r '[.history[].to] | join(",")')"
pass
