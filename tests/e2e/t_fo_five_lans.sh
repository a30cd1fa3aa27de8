#!/bin/bash
# Many-to-one with five primaries, each with its own client LAN behind a
# real ISC dhcrelay, and one real DHCP client (busybox udhcpc) per LAN.
# The scenario of t_fo_five.sh, on real links with real relays and clients.
#
# Topology (17 namespaces), one host per server:
#   sw     bridge br1: the server LAN 192.0.2.0/24
#   f      the failover hub1, f0 192.0.2.20
#   pI     primary branchI, p0 192.0.2.1I  (I = 1..5)
#          (f and pI route LAN I via router I, 192.0.2.10I)
#   rI     router of LAN I: up0 192.0.2.10I/24 (port of br1),
#          down0 = first address of LAN I, forwarding on, dhcrelay
#          -id down0 -iu up0 to branchI and to the failover
#   cI     the client of LAN I: eth0 (veth to rI:down0), udhcpc
#   LAN I = 198.51.100.(32(I-1))/27, range .+10 - .+20, router .+1
#
# Renewals are triggered (udhcpc SIGUSR1: unicast RENEW to the server
# identifier; when that goes unanswered, a broadcast through the relay),
# and the client's hook records which server (option 54) ACKed each lease.
#
# Scenario:
#   1. five primaries serving, the failover monitoring all five; each
#      client bound by its own primary, replicated to the failover.
#   2. kill -9 primary 2, later primary 4: exactly those two in takeover.
#      Clients 2 and 4 renew and keep their addresses, ACKed by the
#      failover; clients 1, 3, 5 renew from their own primaries (their
#      ACK counters grow; the failover ACKs nothing for them, no takeover).
#   3. restart 4, then 2: each hands back (monitoring / serving); clients
#      2 and 4 renew from their primaries again; every address any client
#      was ever ACKed is bound to it on its primary; no address bound to
#      two clients anywhere.
#   4. catastrophic: all five killed at once -> five takeovers; all five
#      clients renew from the failover with their addresses.  Restart all
#      five: all hand back, every ACKed binding held, no duplicates.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
[ -x "$BUILD/dhcpfo-failover" ] || skip "$BUILD/dhcpfo-failover not built (run make)"
require_cmd dhcrelay busybox openssl
busybox udhcpc --help >/dev/null 2>&1 || skip "busybox has no udhcpc"

N=5
F_ADDR=192.0.2.20
declare -a P_PIDS=() P_RUNS=() R_PIDS=()
declare -A CL_MAC=() CL_ADDR=()

pa()     { echo "192.0.2.$((10 + $1))"; }		# primary I
raddr()  { echo "192.0.2.$((100 + $1))"; }		# router I, server side
lanbase() { echo $((32 * ($1 - 1))); }
lannet() { echo "198.51.100.$(lanbase "$1")/27"; }
lanrtr() { echo "198.51.100.$(( $(lanbase "$1") + 1 ))"; }
lanlo()  { echo "198.51.100.$(( $(lanbase "$1") + 10 ))"; }
lanhi()  { echo "198.51.100.$(( $(lanbase "$1") + 20 ))"; }
cmac()   { echo "02:00:00:00:05:0$1"; }


# ------------------------------------------------------------ configs
fo_many_subnet() {
	echo "Subnet = $(lannet "$1")"
	echo "Range = $(lanlo "$1")-$(lanhi "$1")"
	echo "Routers = $(lanrtr "$1")"
	echo "LeaseTime = 3600"
}
fo_many_ns() { if [ "$1" = 0 ]; then echo f; else echo "p$1"; fi; }


# ------------------------------------------------------------ clients
# udhcpc hook: configures eth0 in the client's namespace and appends
# "time event address serverid" to events.log.
write_udhcpc_script() {
	local d=$1
	cat >"$d/script" <<EOF
#!/bin/sh
exec >>"$d/script.out" 2>&1
case "\$1" in
deconfig)
	ip link set "\$interface" up
	ip -4 addr flush dev "\$interface" scope global
	;;
bound|renew)
	ip -4 addr replace "\$ip/\$subnet" dev "\$interface"
	for r in \${router:-}; do ip route replace default via "\$r" dev "\$interface"; break; done
	;;
esac
echo "\$(date +%s) \$1 \${ip:-} \${serverid:-}" >>"$d/events.log"
exit 0
EOF
	chmod +x "$d/script"
}

# cl_start I: udhcpc on cI:eth0.
cl_start() {
	local i=$1 d=$T/c$1
	mkdir -p "$d"
	write_udhcpc_script "$d"
	CL_MAC[$i]=$(cmac "$i")
	bg_in "c$i" "$d/client.log" busybox udhcpc -f -i eth0 -s "$d/script" \
	    -p "$d/udhcpc.pid" -x "hostname:c$i" -t 10 -T 1 -A 1
	# shellcheck disable=SC2034  # read by sig_client (lib.sh)
	C_PID["c$i"]=$BG_PID
}
# lease events (bound/renew) of client I, and the last one.
cl_acks() { awk '$2 == "bound" || $2 == "renew"' "$T/c$1/events.log" 2>/dev/null; }
cl_nacks() { cl_acks "$1" | wc -l; }
cl_last() { cl_acks "$1" | tail -n 1; }
cl_addr_now() { iface_addr "c$1" eth0; }

declare -a RN0=()
# renew_start I...: SIGUSR1 to each client (they renew in parallel).
renew_start() {
	local i
	for i in "$@"; do
		RN0[i]=$(cl_nacks "$i")
		sig_client "c$i" USR1
	done
}
# renew_wait SERVER I...: each client reported a new lease within 20 s,
# for its old address, ACKed by SERVER ("P" = its own primary).
renew_wait() {
	local want=$1 i srv ev ip sid
	shift
	for i in "$@"; do
		wait_for 20 "[ \$(cl_nacks $i) -gt ${RN0[i]} ]" || {
			tail -n 5 "$T/c$i/client.log" | sed 's/^/  | /'
			fail "client $i reported no renewed lease within 20 s"
		}
		srv=$want; [ "$srv" = P ] && srv=$(pa "$i")
		read -r _ ev ip sid <<<"$(cl_last "$i")"
		assert "client $i renewed ${CL_ADDR[$i]}, ACKed by $srv ($ev $ip from $sid)" \
		    test "$ip $sid" = "${CL_ADDR[$i]} $srv"
		assert "client $i still has ${CL_ADDR[$i]} on eth0" \
		    test "$(cl_addr_now "$i")" = "${CL_ADDR[$i]}"
	done
}

# lease_on SOCK ADDR MAC: ADDR is bound to MAC there.
lease_on() {
	"$BUILD/dhcpfoctl" -s "$1" leases --json 2>/dev/null | jq -e --arg a "$2" --arg m "$3" '
	  [.leases[] | select(.address == $a and .state == "bound"
	     and ((.hwaddr // "") | ascii_downcase) == ($m | ascii_downcase))]
	  | length == 1' >/dev/null
}

# check_bindings: every address client I was ever ACKed (by anyone) is
# bound to its MAC on primary I; no address bound to two hardware
# addresses on any primary or on the failover, nor across them; no MAC
# holding two bound leases on a primary.
check_bindings() {
	local i a
	: >"$T/allbound.txt"
	for i in $(seq 1 $N); do
		for a in $(cl_acks "$i" | awk '{print $3}' | sort -u); do
			lease_on "$T/p$i/ctl.sock" "$a" "${CL_MAC[$i]}" ||
			    fail "client $i was ACKed $a, which primary $i does not hold for ${CL_MAC[$i]}"
		done
		bound_of "$T/p$i/ctl.sock" >"$T/p$i-bound.txt" || fail "leases of primary $i"
		check_unique "$T/p$i-bound.txt" || fail "primary $i binds an address to two clients"
		[ "$(awk '{print $2}' "$T/p$i-bound.txt" | sort | uniq -d | wc -l)" = 0 ] ||
		    fail "primary $i binds two addresses to one client"
		cat "$T/p$i-bound.txt" >>"$T/allbound.txt"
	done
	ok "every address ever ACKed to each client is bound to it on its primary"
	bound_of "$T/f/ctl.sock" >"$T/f-bound.txt" || fail "leases of the failover"
	assert "the failover binds no address to two clients" check_unique "$T/f-bound.txt"
	assert "no address bound to two clients across all primaries and the failover" \
	    check_unique <(sort -u "$T/allbound.txt" "$T/f-bound.txt")
}

# ------------------------------------------------------------ network
# sattach NS IF ADDR MAC: NS gets IF on the server LAN (br1 in sw), with
# ADDR/24 and a route to every client LAN via its router.
sattach() {
	local ns=$1 ifn=$2 a=$3 mac=$4 port
	ns_exists "$ns" || ns_add "$ns"
	port="s${#E2E_NS[@]}x$RANDOM"
	port=${port:0:15}
	veth "$ns" "$ifn" sw "$port" "$mac"
	ip -n "$(nsname sw)" link set "$port" master br1 || fail "bridge port $port"
	addr "$ns" "$ifn" "$a/24"
}
ns_add sw
bridge sw br1
sattach f f0 "$F_ADDR" 02:00:00:00:0a:20
for i in $(seq 1 $N); do
	sattach "p$i" p0 "$(pa "$i")" "02:00:00:00:0a:1$i"
	ns_add "c$i"
	sattach "r$i" up0 "$(raddr "$i")" "02:00:00:00:0b:0$i"
	veth "r$i" down0 "c$i" eth0 "02:00:00:00:06:0$i"
	ip -n "$(nsname "c$i")" link set eth0 address "$(cmac "$i")" || fail "mac c$i"
	addr "r$i" down0 "$(lanrtr "$i")/27"
	nsx "r$i" sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward r$i"
done
for ns in f p1 p2 p3 p4 p5; do
	for i in $(seq 1 $N); do route "$ns" "$(lannet "$i")" via "$(raddr "$i")"; done
done
ok "network: failover and 5 primaries on 192.0.2.0/24, 5 routers, 5 client LANs"

# ------------------------------------------------------------ 1. start
mkdir -p "$T/f"
for i in $(seq 1 $N); do
	mkdir -p "$T/p$i"
	(umask 077; openssl rand -hex 32 >"$T/branch$i.key") || fail "key"
done
fo_many_write_configs "$N"
ok "configs pass -t"
for i in $(seq 1 $N); do pi_start "$i"; done
bg_in f "$T/failover-1.log" "$BUILD/dhcpfo-failover" -f -c "$T/failover.ini"
F_PID=$BG_PID
wait_for 10 "fctl status --json | jq -e .primaries" || fail "failover not answering"
for i in $(seq 1 $N); do
	handed_back "$i" 15 || fail "branch$i not monitoring/serving: $(states)"
done
ok "five primaries serving, the failover monitoring all five"

for i in $(seq 1 $N); do
	bg_in "r$i" "$T/relay$i.log" dhcrelay -d -4 -a -pf "$T/relay$i.pid" \
	    -id down0 -iu up0 "$(pa "$i")" "$F_ADDR"
	R_PIDS[i]=$BG_PID
done
for i in $(seq 1 $N); do
	wait_for 10 "udp_bound r$i 67" || fail "dhcrelay $i did not bind port 67"
done
ok "five dhcrelays forward to their primary and to $F_ADDR"

for i in $(seq 1 $N); do cl_start "$i"; done
for i in $(seq 1 $N); do
	wait_for 30 "[ \$(cl_nacks $i) -ge 1 ] && [ -n \"\$(cl_addr_now $i)\" ]" || {
		tail -n 10 "$T/c$i/client.log" | sed 's/^/  | /'
		fail "client $i got no lease"
	}
	read -r _ ev a sid <<<"$(cl_last "$i")"
	CL_ADDR[$i]=$a
	assert "client $i bound $a (in $(lanlo "$i")-$(lanhi "$i")) from primary $i ($sid)" \
	    eval "in_range '$a' '$(lanlo "$i")' '$(lanhi "$i")' && [ '$sid' = '$(pa "$i")' ]"
	wait_for 5 "lease_on '$T/p$i/ctl.sock' '$a' '${CL_MAC[$i]}'" ||
	    fail "primary $i does not hold $a for ${CL_MAC[$i]}"
	wait_for 10 "lease_on '$T/f/ctl.sock' '$a' '${CL_MAC[$i]}'" ||
	    fail "the failover's copy lacks $a for ${CL_MAC[$i]}"
done
ok "each client bound by its own primary, replicated to the failover"
t1=$(now_s)
for i in $(seq 1 $N); do
	fo_caught_up "branch$i" "$t1"
	assert "the failover ACKed nothing for branch$i" test "$(bd "$i" acks)" = 0
done

# ------------------------------------------------------------ 2. kill 2, then 4
t0=$(now_ms)
pi_kill 2
wait_for 5 "[ \"\$(b 2 state)\" = takeover ]" || fail "branch2 not taken over: $(states)"
ok "branch2 taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
assert "only branch2 in takeover ($(states))" \
    test "$(states)" = " 1:monitoring 2:takeover 3:monitoring 4:monitoring 5:monitoring"
fa2=$(bd 2 acks)
renew_start 2
renew_wait "$F_ADDR" 2
wait_for 5 "[ \$(bd 2 acks) -gt $fa2 ]" || fail "the failover's acks for branch2 did not grow"
ok "the failover answered client 2 (acks $fa2 -> $(bd 2 acks))"

t0=$(now_ms)
pi_kill 4
wait_for 5 "[ \"\$(b 4 state)\" = takeover ]" || fail "branch4 not taken over: $(states)"
ok "branch4 taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
assert "exactly 2 and 4 in takeover ($(states))" \
    test "$(states)" = " 1:monitoring 2:takeover 3:monitoring 4:takeover 5:monitoring"

declare -a PA0=() FA0=()
for i in 1 3 5; do PA0[i]=$(p_acks "$i"); done
# Client 2's renewal above is counted in the baseline.
t1=$(now_s)
for i in 2 4; do fo_caught_up "branch$i" "$t1"; FA0[i]=$(bd "$i" acks); done
renew_start 1 2 3 4 5
renew_wait P 1 3 5
renew_wait "$F_ADDR" 2 4
t1=$(now_s)
for i in 1 3 5; do
	assert "primary $i ACKed its client's renewal (acks ${PA0[i]} -> $(p_acks "$i"))" \
	    test "$(p_acks "$i")" -gt "${PA0[i]}"
	fo_caught_up "branch$i" "$t1"
	assert "branch$i untouched: monitoring, no takeover, the failover ACKed nothing" \
	    test "$(b "$i" state)/$(b "$i" takeovers)/$(bd "$i" acks)" = monitoring/0/0
done
for i in 2 4; do
	wait_for 5 "[ \$(bd $i acks) -gt ${FA0[i]} ]" ||
	    fail "the failover's acks for branch$i did not grow"
	ok "the failover answered client $i (acks ${FA0[i]} -> $(bd "$i" acks))"
	assert "the failover's lease ${CL_ADDR[$i]} is bound to ${CL_MAC[$i]}" \
	    lease_on "$T/f/ctl.sock" "${CL_ADDR[$i]}" "${CL_MAC[$i]}"
done

# ------------------------------------------------------------ 3. restart 4, then 2
t0=$(now_ms)
pi_start 4
handed_back 4 15 || fail "branch4 not handed back: $(states), p4 $(p_state 4)"
ok "branch4 handed back $(( $(now_ms) - t0 )) ms after restart"
assert "branch2 still in takeover meanwhile" test "$(b 2 state)" = takeover
t0=$(now_ms)
pi_start 2
handed_back 2 15 || fail "branch2 not handed back: $(states), p2 $(p_state 2)"
ok "branch2 handed back $(( $(now_ms) - t0 )) ms after restart"
for i in 2 4; do
	assert "the failover serves nothing of branch$i now" test "$(bd "$i" serving)" = false
done
check_bindings

# Clients 2 and 4 hold the failover's server id: their unicast RENEW goes
# unanswered (the failover sleeps), the broadcast through the relay
# reaches their primary.
for i in 2 4; do PA0[i]=$(p_acks "$i"); FA0[i]=$(bd "$i" acks); done
renew_start 2 4
renew_wait P 2 4
t1=$(now_s)
for i in 2 4; do
	assert "primary $i ACKed the renewal (acks ${PA0[i]} -> $(p_acks "$i"))" \
	    test "$(p_acks "$i")" -gt "${PA0[i]}"
	fo_caught_up "branch$i" "$t1"
	assert "the failover did not answer client $i (acks ${FA0[i]} -> $(bd "$i" acks))" \
	    test "$(bd "$i" acks)" = "${FA0[i]}"
done
assert "takeovers: 1,3,5 none; 2,4 one each" \
    test "$(for i in $(seq 1 $N); do printf '%s ' "$(b "$i" takeovers)"; done)" = "0 1 0 1 0 "

# ------------------------------------------------------------ 4. catastrophic
t0=$(now_ms)
{
	for i in $(seq 1 $N); do
		our_child "${P_PIDS[i]}" && kill -KILL "${P_PIDS[i]}"
	done
	for i in $(seq 1 $N); do pi_kill "$i"; done
} 2>/dev/null
wait_for 8 "[ \"\$(states)\" = ' 1:takeover 2:takeover 3:takeover 4:takeover 5:takeover' ]" ||
    fail "not all five in takeover: $(states)"
ok "all five taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
for i in $(seq 1 $N); do FA0[i]=$(bd "$i" acks); done
renew_start 1 2 3 4 5
renew_wait "$F_ADDR" 1 2 3 4 5
for i in $(seq 1 $N); do
	wait_for 5 "[ \$(bd $i acks) -gt ${FA0[i]} ]" ||
	    fail "the failover's acks for branch$i did not grow"
done
ok "the failover served all five client populations"
bound_of "$T/f/ctl.sock" >"$T/f-bound.txt" || fail "leases of the failover"
assert "the failover binds no address to two clients" check_unique "$T/f-bound.txt"

t0=$(now_ms)
for i in $(seq 1 $N); do pi_start "$i"; done
for i in $(seq 1 $N); do
	handed_back "$i" 20 || fail "branch$i not handed back: $(states), p$i $(p_state "$i")"
done
ok "all five handed back $(( $(now_ms) - t0 )) ms after restart"
check_bindings
for i in $(seq 1 $N); do
	pid_gone "${R_PIDS[i]}" && fail "dhcrelay $i died"
	assert "client $i still holds ${CL_ADDR[$i]}" test "$(cl_addr_now "$i")" = "${CL_ADDR[$i]}"
done
assert "failover still running" test -e "/proc/$F_PID"
pass
