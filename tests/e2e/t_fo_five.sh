#!/bin/bash
# Many-to-one with five primaries (docs/config-failover.md: MaxPrimaries 5,
# "catastrophic failure"): one failover backs up five primaries, each with
# its own thread, store, policy and state.
#
# Topology: one namespace, everything on its loopback (127/8 is private to
# the namespace):
#	127.0.0.2		the failover (DHCP 67, failover 647)
#	127.0.0.(10+i)		primary i (branchi), i = 1..5
#	127.(16+i).0.1		relay of primary i's subnet 127.(16+i).0.0/16
#				(dhcpload -b, giaddr), relaying to primary i
#				and to the failover (-S)
# Fast poll policy per primary: PollDelay 0.3, PollRetryMax 1,
# WaitPollRplSecs 0.25 (down declared ~0.8 s after the last answer).
#
# Scenario:
#   1. 200 clients bound per primary, replicated to the failover.
#   2. kill -9 primary 2, later primary 4: exactly those two in takeover,
#      1/3/5 stay monitoring and keep serving their own clients (the
#      failover acks nothing for them); the clients of 2 and 4 renew from
#      the failover with the same addresses, new clients get new ones.
#   3. restart 4, then 2: each hands back; every ACKed binding is on its
#      primary; no address bound to two clients anywhere.
#   4. catastrophic: all five killed at once -> five takeovers; the
#      failover serves all five populations (renewals + new clients);
#      restart all -> everything hands back, all bindings held.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require

N=5
NCLI=${FO_FIVE_CLIENTS:-200}
F_ADDR=127.0.0.2

pa()    { echo "127.0.0.$((10 + $1))"; }	# primary i's address
relay() { echo "127.$((16 + $1)).0.1"; }	# its relay / giaddr

# loadi I ARGS...: dhcpload as primary I's relay, to primary I and the
# failover.  Prints the summary; fails on fewer ACKs than clients or on
# any client whose address moved.
loadi_raw() {
	local i=$1
	shift
	nsx "$FO_NS" "$LOAD" -s "$(pa "$i")" -S "$F_ADDR" -b "$(relay "$i")" \
	    -q -r 2000 -w 200 -t 30 -i 2 "$@" 2>&1 | tail -n 1
	return "${PIPESTATUS[0]}"
}
loadi() {
	local out rc
	out=$(loadi_raw "$@")
	rc=$?
	echo "$out"
	[ "$rc" = 0 ] || return 1
	case $out in *" moved 0"*) return 0 ;; *) return 1 ;; esac
}

fo_many_subnet() {
	echo "Subnet = 127.$((16 + $1)).0.0/16"
	echo "Range = 127.$((16 + $1)).0.10-127.$((16 + $1)).255.250"
	echo "Routers = $(relay "$1")"
	echo "LeaseTime = 3600"
}
fo_many_ns() { echo "$FO_NS"; }

# allacks I: every (address, chaddr) ACKed so far to primary I's clients.
allacks() { cat "$T"/ack"$1"-*.txt 2>/dev/null | sort -u; }
# check_primary_holds I: every ACKed binding of I is bound on primary I,
# and primary I binds no address to two clients.
check_primary_holds() {
	local i=$1
	bound_of "$T/p$i/ctl.sock" >"$T/bound$i.txt" || return 1
	check_unique "$T/bound$i.txt" || { say "primary $i: duplicate address"; return 1; }
	allacks "$i" >"$T/all$i.txt"
	check_unique "$T/all$i.txt" || { say "primary $i: an address ACKed to two clients"; return 1; }
	check_all_held "$T/all$i.txt" "$T/bound$i.txt"
}
check_failover_unique() {
	bound_of "$T/f/ctl.sock" >"$T/fbound.txt" && check_unique "$T/fbound.txt"
}
# same_addresses OLD NEW: every client of OLD was ACKed its old address.
same_addresses() { [ -z "$(comm -23 <(sort -u "$1") <(sort -u "$2"))" ]; }

# ------------------------------------------------------------ set-up
ns_add "$FO_NS"
nsx "$FO_NS" ip addr add "$F_ADDR/8" dev lo || fail "addr"
fo_many_dirs "$N"
fo_many_write_configs "$N"
for i in $(seq 1 $N); do pi_start "$i"; done
for i in $(seq 1 $N); do
	wait_for 10 "pictl $i status --json | jq -e .state" || fail "primary $i not answering"
done
bg_in "$FO_NS" "$T/failover-1.log" "$BUILD/dhcpfo-failover" -f -c "$T/failover.ini"
F_PID=$BG_PID
wait_for 10 "fctl status --json | jq -e .primaries" || fail "failover not answering"
t0=$(now_ms)
for i in $(seq 1 $N); do
	handed_back "$i" 15 || fail "branch$i not monitoring/serving: $(states)"
done
ok "five primaries serving, five threads monitoring ($(( $(now_ms) - t0 )) ms)"

# ------------------------------------------------------------ 1. clients
t0=$(now_ms)
for i in $(seq 1 $N); do
	out=$(loadi "$i" -n "$NCLI" -m "0x${i}0" -o "$T/ack$i-0.txt") ||
	    fail "primary $i clients: $out"
done
for i in $(seq 1 $N); do
	fo_wait_holds 10 "$T/ack$i-0.txt"
done
ok "$N x $NCLI clients bound and replicated to their threads ($(( $(now_ms) - t0 )) ms)"

# ------------------------------------------------------------ 2. kill 2, then 4
t0=$(now_ms)
pi_kill 2
wait_for 5 "[ \"\$(b 2 state)\" = takeover ]" || fail "branch2 not taken over: $(states)"
ok "branch2 taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
for i in 1 3 4 5; do
	assert "branch$i still monitoring" test "$(b "$i" state)" = monitoring
done
t0=$(now_ms)
pi_kill 4
wait_for 5 "[ \"\$(b 4 state)\" = takeover ]" || fail "branch4 not taken over: $(states)"
ok "branch4 taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
assert "exactly 2 and 4 in takeover ($(states))" \
    test "$(states)" = " 1:monitoring 2:takeover 3:monitoring 4:takeover 5:monitoring"

t0=$(now_ms)
for i in 1 3 5; do
	pa0=$(p_acks "$i")
	out=$(loadi "$i" -e "$T/ack$i-0.txt" -o "$T/ack$i-1.txt") ||
	    fail "branch$i renewals: $out"
	assert "branch$i's clients kept their addresses" same_addresses "$T/ack$i-0.txt" "$T/ack$i-1.txt"
	pa1=$(p_acks "$i")
	assert "branch$i's renewals answered by primary $i (acks $pa0 -> $pa1)" \
	    test "$pa1" -ge $((pa0 + NCLI))
	fo_caught_up "branch$i" "$(now_s)"
	assert "the failover acked nothing for branch$i" test "$(bd "$i" acks)" = 0
	assert "branch$i still monitoring, no takeover" \
	    test "$(b "$i" state)/$(b "$i" takeovers)" = monitoring/0
done
for i in 2 4; do
	fa0=$(bd "$i" acks)
	out=$(loadi "$i" -e "$T/ack$i-0.txt" -o "$T/ack$i-1.txt") ||
	    fail "branch$i renewals via the failover: $out"
	assert "branch$i's clients renewed with the failover and kept their addresses" \
	    same_addresses "$T/ack$i-0.txt" "$T/ack$i-1.txt"
	out=$(loadi "$i" -n 50 -m "0x${i}1" -o "$T/ack$i-2.txt") ||
	    fail "branch$i new clients via the failover: $out"
	assert "branch$i's new clients got addresses nobody else holds" \
	    check_unique <(cat "$T/ack$i-0.txt" "$T/ack$i-2.txt")
	wait_for 5 "[ \$(bd $i acks) -ge $((fa0 + NCLI + 50)) ]" || true
	fa1=$(bd "$i" acks)
	assert "the failover answered branch$i's clients (acks $fa0 -> $fa1)" \
	    test "$fa1" -ge $((fa0 + NCLI + 50))
done
ok "partial takeover traffic done ($(( $(now_ms) - t0 )) ms)"
t1=$(now_s)
for i in 1 3 5; do
	fo_caught_up "branch$i" "$t1"
	assert "the failover's acks for branch$i stay 0 (ignored $(bd "$i" dhcp_ignored))" \
	    test "$(bd "$i" acks)" = 0
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
for i in $(seq 1 $N); do
	assert "primary $i holds every ACKed binding of its clients ($(allacks "$i" | wc -l))" \
	    check_primary_holds "$i"
done
assert "the failover binds no address to two clients" check_failover_unique
assert "takeovers: 1,3,5 none; 2,4 one each" \
    test "$(for i in $(seq 1 $N); do printf '%s ' "$(b "$i" takeovers)"; done)" = "0 1 0 1 0 "

# ------------------------------------------------------------ 4. catastrophic
t0=$(now_ms)
{
	for i in $(seq 1 $N); do kill -KILL "${P_PIDS[i]}" 2>/dev/null; done
	for i in $(seq 1 $N); do pi_kill "$i"; done
} 2>/dev/null	# (bash's "Killed" job notices)
wait_for 8 "[ \"\$(states)\" = ' 1:takeover 2:takeover 3:takeover 4:takeover 5:takeover' ]" ||
    fail "not all five in takeover: $(states)"
ok "all five taken over $(( $(now_ms) - t0 )) ms after SIGKILL"
t0=$(now_ms)
for i in $(seq 1 $N); do
	fa0=$(bd "$i" acks)
	allacks "$i" >"$T/before$i.txt"
	n=$(wc -l <"$T/before$i.txt")
	out=$(loadi "$i" -e "$T/before$i.txt" -o "$T/ack$i-3.txt") ||
	    fail "branch$i renewals in the catastrophic takeover: $out"
	assert "branch$i's $n clients renewed with the failover, same addresses" \
	    same_addresses "$T/before$i.txt" "$T/ack$i-3.txt"
	out=$(loadi "$i" -n 50 -m "0x${i}2" -o "$T/ack$i-4.txt") ||
	    fail "branch$i new clients in the catastrophic takeover: $out"
	assert "branch$i's new clients got fresh addresses" \
	    check_unique <(cat "$T/before$i.txt" "$T/ack$i-4.txt")
	wait_for 5 "[ \$(bd $i acks) -ge $((fa0 + n + 50)) ]" || true
	fa1=$(bd "$i" acks)
	assert "the failover answered branch$i (acks $fa0 -> $fa1)" \
	    test "$fa1" -ge $((fa0 + n + 50))
done
ok "failover served all five populations ($(( $(now_ms) - t0 )) ms)"
assert "the failover binds no address to two clients" check_failover_unique

t0=$(now_ms)
for i in $(seq 1 $N); do pi_start "$i"; done
for i in $(seq 1 $N); do
	handed_back "$i" 20 || fail "branch$i not handed back: $(states), p$i $(p_state "$i")"
done
ok "all five handed back $(( $(now_ms) - t0 )) ms after restart"
for i in $(seq 1 $N); do
	assert "primary $i holds every ACKed binding ($(allacks "$i" | wc -l))" \
	    check_primary_holds "$i"
done
assert "the failover binds no address to two clients" check_failover_unique
assert "failover still running" test -e "/proc/$F_PID"
pass
