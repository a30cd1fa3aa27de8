#!/bin/bash
# One source of truth (docs/learn.md): the failover learns each primary's
# configuration over the failover channel.  failover.ini names the two
# primaries in [primary:NAME] sections with Address, Port and
# SharedKeyFile only -- no [subnet:], [host:] or option key.
#
# Topology: one namespace, everything on its loopback (127/8 is private
# to the namespace):
#	127.0.0.2		the failover (DHCP 67, failover 647)
#	127.0.0.(10+i)		primary i (branchi), i = 1, 2
#	127.(16+i).0.1		relay of primary i's subnet 127.(16+i).0.0/16
#				(dhcpload -b, giaddr); tcpdump on lo sees
#				every reply
#
#   1. both configurations learnt (generation 1, "current"); `dhcpfoctl
#      config` prints an INI that dhcpfo-failover -t accepts as explicit
#      sections for both primaries;
#   2. primary 1 killed: in the takeover the failover's ACKs carry
#      primary 1's options (domain-name-servers, domain-name), and the
#      reserved client gets its reservation;
#   3. primary 1 back (hand-back); a range, an option and a reservation
#      added to primary 1 and reloaded: generation 2 on the failover
#      within a poll or two, applied; killed again, the failover's next
#      takeover uses all three (partner-down, so past the share);
#   4. primary 2 killed (takeover), then the failover killed and started
#      again with both primaries down: it resumes branch2's takeover from
#      the stored configuration and renews branch2's clients;
#   5. both primaries back; primary 1 reloaded with a subnet overlapping
#      primary 2's: refused (status, log), both keep what they had;
#   6. the failover's learnt/ directory made unusable (a failing disk):
#      primary 1's next change is not stored, the previous one stays in
#      use; the directory back, the change is fetched and applied.
# Primary 2 carries 3,000 reservations: its text (~200 KB) travels in
# hundreds of 1 KB parts.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd tcpdump tshark jq

N=2
F_ADDR=127.0.0.2
pa()    { echo "127.0.0.$((10 + $1))"; }
relay() { echo "127.$((16 + $1)).0.1"; }
# loadi I ARGS: dhcpload from primary I's relay to primary I and the failover.
loadi() {
	nsx "$FO_NS" "$LOAD" -s "$(pa "$1")" -S "$F_ADDR" -b "$(relay "$1")" \
	    -q -i 2 -T 300 "${@:2}" 2>&1 | tail -n 1
	return "${PIPESTATUS[0]}"
}
# loadf I ARGS: the same, to the failover only.
loadf() {
	nsx "$FO_NS" "$LOAD" -s "$F_ADDR" -b "$(relay "$1")" -q -i 2 -T 300 \
	    "${@:2}" 2>&1 | tail -n 1
	return "${PIPESTATUS[0]}"
}

# The primaries' scope: one subnet, a DNS option, a reservation for the
# dhcpload client 5 of run 0x51 / 0x52 (02:5i:00:00:00:05).
fo_many_subnet() {
	local n=$((16 + $1))
	echo "Subnet = 127.$n.0.0/16"
	echo "Range = 127.$n.0.10-127.$n.0.59"
	echo "Routers = $(relay "$1")"
	echo "LeaseTime = 3600"
	echo "Option.domain-name-servers = 192.0.2.5$1"
	echo "Option.domain-name = branch$1.example.test"
	echo "[host:res$1]"
	echo "HardwareAddress = 02:5$1:00:00:00:05"
	echo "Address = 127.$n.0.200"
	# Primary 2 has thousands of reservations: its text travels in
	# hundreds of parts (a window of CfgReqs).
	[ "$1" = 2 ] && big_hosts
}
NBIG=3000
big_hosts() {
	local k
	for ((k = 0; k < NBIG; k++)); do
		printf '[host:big%d]\nHardwareAddress = 02:77:00:00:%02x:%02x\nAddress = 127.18.%d.%d\n' \
		    "$k" $((k >> 8)) $((k & 255)) $((100 + k / 250)) $((k % 250 + 1))
	done
}
fo_many_ns() { echo "$FO_NS"; }

not_in_log() { ! grep -Eq "$1" "$2"; }
f_run() {
	F_STARTS=$((F_STARTS + 1))
	bg_in "$FO_NS" "$T/failover-$F_STARTS.log" "$BUILD/dhcpfo-failover" -f \
	    -c "$T/failover.ini"
	F_PID=$BG_PID
	wait_for 10 "fctl status --json | jq -e .primaries" ||
	    fail "failover not answering"
}
# learnt I GEN: branchI's configuration generation GEN is in use and is
# the one primary I offers.
learnt() {
	[ "$(b "$1" config.generation)" = "$2" ] &&
	    [ "$(b "$1" config.state)" = current ]
}
# acks_from PCAP GIADDR: "YIADDR DNS DOMAIN" of each DHCPACK the failover
# sent to that relay, decoded by tshark.
acks_from() {
	tshark -r "$1" -Y "ip.src == $F_ADDR && ip.dst == $2 && dhcp.option.dhcp == 5" \
	    -T fields -E separator=' ' -e dhcp.ip.your \
	    -e dhcp.option.domain_name_server -e dhcp.option.domain_name 2>/dev/null
}
capture() {
	bg_in "$FO_NS" "$T/tcpdump-$1.log" tcpdump -i lo -n -U --immediate-mode \
	    -B 8192 -Z root -w "$T/$1.pcap" udp port 67
	TCPDUMP_PID=$BG_PID
	wait_for 10 "grep -q 'listening on' '$T/tcpdump-$1.log'" ||
	    fail "tcpdump did not start"
}
capture_end() {
	kill -INT "$TCPDUMP_PID" 2>/dev/null
	wait_for 5 "pid_gone $TCPDUMP_PID" || fail "tcpdump did not stop"
}

# ------------------------------------------------------------ set-up
ns_add "$FO_NS"
nsx "$FO_NS" ip addr add "$F_ADDR/8" dev lo || fail "addr"
fo_many_dirs "$N"
# failover.ini: no [subnet:], no [host:], nothing of the primaries' scope.
FO_MANY_LEARN=1 fo_many_write_configs "$N"
assert "failover.ini names no subnet or reservation" \
    test "$(grep -cE '^\[(subnet|host):' "$T/failover.ini")" = 0
out=$(nsx "$FO_NS" "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini") ||
    fail "failover.ini with [primary:] sections only: $out"
ok "a failover.ini of [primary:NAME] sections only loads ($out)"

# The failover first, as docs/deploy.md starts a pair: it has nothing
# learnt when the primaries' first messages come.
f_run
for i in $(seq 1 $N); do pi_start "$i"; done
for i in $(seq 1 $N); do
	handed_back "$i" 15 || fail "branch$i not monitoring/serving"
	wait_for 10 "learnt $i 1" ||
	    fail "branch$i: generation $(b "$i" config.generation), $(b "$i" config.state)"
done
ok "both configurations learnt: generation 1, current"
assert "no subnet mismatch reported before anything was learnt" \
    not_in_log "not configured here|not configured on|defined differently" \
    "$T/failover-1.log"
parts=$(sed -n 's/.*primary=branch2: configuration received ([0-9]* bytes in \([0-9]*\) parts.*/\1/p' \
    "$T/failover-1.log" | head -n 1)
assert "branch2's $NBIG reservations came in ${parts:-no} parts of 1 KB, $(b 2 config.size) bytes" \
    test "${parts:-0}" -ge 100
nh=$(fctl config branch2 | grep -c '^\[host:')
assert "... and all $((NBIG + 1)) reservations are on the failover ($nh)" \
    test "$nh" = $((NBIG + 1))
assert "branch1 serves the subnet it learnt" \
    test "$(bd 1 'subnets[0].subnet')" = 127.17.0.0/16
assert "the learnt subnet digest matches the primary's" \
    test "$(bd 1 'subnets[0].digest')" = match
assert "the learnt text is stored in StateDir" test -s "$T/f/state/learnt/branch1.ini"

# ------------------------------------------------------------ 1. config
for i in 1 2; do
	fctl config "branch$i" >"$T/config$i.ini" || fail "dhcpfoctl config branch$i"
done
grep -q '^Primary = branch1$' "$T/config1.ini" &&
    grep -q '^\[host:res1\]$' "$T/config1.ini" &&
    grep -q '^Address = 127.0.0.11$' "$T/config1.ini" ||
    { cat "$T/config1.ini"; fail "dhcpfoctl config branch1 lacks its sections"; }
{
	awk '/^\[primary:/ { exit } { print }' "$T/failover.ini"
	cat "$T/config1.ini" "$T/config2.ini"
} >"$T/explicit.ini"
out=$(nsx "$FO_NS" "$BUILD/dhcpfo-failover" -t -c "$T/explicit.ini") ||
    { cat "$T/explicit.ini"; fail "the printed configuration is refused: $out"; }
assert "dhcpfoctl config output is a failover.ini that loads ($out)" \
    grep -q '2 subnets; 0 primaries learning' <<<"$out"
fctl config nosuch >/dev/null 2>&1 && fail "config of an unknown primary succeeded"
ok "dhcpfoctl config prints both as explicit sections; an unknown name is an error"

# ------------------------------------------------------------ 2. takeover
out=$(loadi 1 -n 20 -m 0x11 -o "$T/ack1-0.txt") || fail "primary 1 clients: $out"
out=$(loadi 2 -n 20 -m 0x12 -o "$T/ack2-0.txt") || fail "primary 2 clients: $out"
fo_wait_holds 10 "$T/ack1-0.txt"
fo_wait_holds 10 "$T/ack2-0.txt"
pi_kill 1
wait_for 5 "[ \"\$(b 1 state)\" = takeover ]" || fail "branch1 not taken over"
assert "branch2 still monitoring" test "$(b 2 state)" = monitoring
capture take1
out=$(loadf 1 -n 6 -m 0x51 -o "$T/ack1-1.txt") || fail "takeover clients: $out"
capture_end
assert "the reserved client got its reservation from the failover" \
    grep -qx '127.17.0.200 02:51:00:00:00:05' "$T/ack1-1.txt"
acks_from "$T/take1.pcap" 127.17.0.1 >"$T/take1.txt"
assert "the failover ACKed the 6 clients ($(wc -l <"$T/take1.txt"))" \
    test "$(wc -l <"$T/take1.txt")" -ge 6
assert "every failover ACK carries primary 1's DNS server and domain" \
    test -z "$(grep -v ' 192.0.2.51 branch1.example.test$' "$T/take1.txt")"
ok "takeover with the learnt configuration: options and reservation as on the primary"

# ------------------------------------------------------------ 3. a change
pi_start 1
handed_back 1 20 || fail "branch1 not handed back"
sed -i -e 's/^Range = 127.17.0.10-127.17.0.59$/Range = 127.17.0.10-127.17.0.59, 127.17.1.10-127.17.1.250/' \
    -e 's/^Option.domain-name-servers = 192.0.2.51$/Option.domain-name-servers = 192.0.2.151/' \
    "$T/p1.ini"
printf '[host:res1b]\nHardwareAddress = 02:61:00:00:00:07\nAddress = 127.17.0.201\n' >>"$T/p1.ini"
nsx "$FO_NS" "$P_BIN" -t -c "$T/p1.ini" >/dev/null || fail "changed p1.ini refused"
t0=$(now_ms)
pictl 1 reload >/dev/null || fail "primary 1 reload"
wait_for 10 "learnt 1 2" ||
    fail "generation 2 not learnt: $(b 1 config.generation) $(b 1 config.state)"
dt=$(( $(now_ms) - t0 ))
# PollDelay 0.3 s: the next PollRpl announces it, then the fetch.
assert "generation 2 learnt ${dt} ms after the primary's reload (within ~2 polls)" \
    test "$dt" -lt 2000
assert "the primary reports generation 2 too" \
    test "$(pictl 1 status --json | jq -r .failover.config.generation)" = 2
handed_back 1 10 || fail "branch1 not monitoring after applying generation 2"
assert "branch2 was not restarted (its thread's takeovers/state kept)" \
    test "$(b 2 state)" = monitoring
pi_kill 1
wait_for 5 "[ \"\$(b 1 state)\" = takeover ]" || fail "branch1 not taken over again"
fctl partner-down branch1 >/dev/null || fail "partner-down"
capture take2
# At a rate tcpdump keeps up with: each ACK is looked at.
out=$(loadf 1 -n 120 -r 200 -m 0x61 -o "$T/ack1-2.txt") || fail "takeover 2 clients: $out"
capture_end
assert "the new reservation is served" \
    grep -qx '127.17.0.201 02:61:00:00:00:07' "$T/ack1-2.txt"
assert "the new range is served ($(grep -c '^127\.17\.1\.' "$T/ack1-2.txt") ACKs in 127.17.1.0/24)" \
    grep -q '^127\.17\.1\.' "$T/ack1-2.txt"
acks_from "$T/take2.pcap" 127.17.0.1 >"$T/take2.txt"
assert "every ACK of the new takeover carries the new DNS server" \
    test -z "$(grep -v ' 192.0.2.151 branch1.example.test$' "$T/take2.txt")"
assert "... $(wc -l <"$T/take2.txt") of them, for $(sort -u "$T/ack1-2.txt" | wc -l) clients" \
    test "$(wc -l <"$T/take2.txt")" -ge 100
ok "a range, an option and a reservation added on the primary are used in the next takeover"

# ------------------------------------------------------------ 4. restart
pi_kill 2
wait_for 5 "[ \"\$(b 2 state)\" = takeover ]" || fail "branch2 not taken over"
kill -KILL "$F_PID"
wait_for 5 "pid_gone $F_PID" || fail "failover survived SIGKILL"
f_run
wait_for 10 "[ \"\$(b 2 state)\" = takeover ]" ||
    fail "branch2 not in takeover after the restart ($(b 2 state))"
assert "the restarted failover serves branch2's learnt subnet" \
    test "$(bd 2 'subnets[0].subnet')" = 127.18.0.0/16
grep -q 'primary=branch2: configuration generation 1 loaded' "$T/failover-$F_STARTS.log" ||
    fail "no 'generation 1 loaded' line for branch2"
out=$(loadf 2 -e "$T/ack2-0.txt" -o "$T/ack2-1.txt") || fail "branch2 renewals: $out"
assert "branch2's clients renewed with the restarted failover, same addresses" \
    test -z "$(comm -23 <(sort -u "$T/ack2-0.txt") <(sort -u "$T/ack2-1.txt"))"
ok "a failover restarted during a takeover serves from the stored configuration"

# ------------------------------------------------------------ 5. refused
pi_start 1
pi_start 2
handed_back 1 20 || fail "branch1 not handed back"
handed_back 2 20 || fail "branch2 not handed back"
gen2=$(b 2 config.generation)
printf '[subnet:steal]\nSubnet = 127.18.5.0/24\nRange = 127.18.5.10-127.18.5.20\n' >>"$T/p1.ini"
pictl 1 reload >/dev/null || fail "primary 1 reload (overlap)"
wait_for 10 "[ -n \"\$(b 1 config.refused)\" ]" || fail "overlap not refused"
assert "refused because of the overlap: $(b 1 config.refused)" \
    grep -q 'overlaps .*of primary branch2' <<<"$(b 1 config.refused)"
assert "branch1 keeps generation 2" test "$(b 1 config.generation)" = 2
assert "branch1 keeps one subnet" test "$(bd 1 'subnets | length')" = 1
assert "branch2 keeps its generation ($gen2) and subnet" \
    test "$(b 2 config.generation)/$(bd 2 'subnets[0].subnet')" = "$gen2/127.18.0.0/16"
assert "branch1's state shows it is behind" test "$(b 1 config.state)" = behind
grep -q 'primary=branch1: configuration refused, previous one kept' \
    "$T/failover-$F_STARTS.log" || fail "no refusal in the log"
fctl status | grep -q 'refused: .*overlaps' || fail "text status shows no refusal"
ok "an overlapping subnet is refused with an alarm; both keep their configuration"

# ------------------------------------------------------------ 6. store fault
L=$T/f/state/learnt
mv "$L" "$L.saved" && : >"$L" || fail "learnt/ replaced by a file"
sed -i '/^\[subnet:steal\]$/,$d' "$T/p1.ini"
sed -i 's/^Option.domain-name-servers = 192.0.2.151$/Option.domain-name-servers = 192.0.2.152/' "$T/p1.ini"
pictl 1 reload >/dev/null || fail "primary 1 reload (store fault)"
wait_for 10 "[ \"\$(fctl status --json | jq -r .counters.config_store_failures)\" -ge 1 ]" ||
    fail "no store failure counted"
assert "branch1 keeps generation 2 in use" test "$(b 1 config.generation)" = 2
grep -q 'primary=branch1: cannot store its configuration' "$T/failover-$F_STARTS.log" ||
    fail "no store failure in the log"
rm -f "$L" && mv "$L.saved" "$L" || fail "learnt/ back"
wait_for 10 "learnt 1 3" ||
    fail "generation 3 not learnt after the fault: $(b 1 config.generation) $(b 1 config.state)"
assert "the refusal of the overlap is cleared ($(b 1 config.refused))" \
    test -z "$(b 1 config.refused)"
ok "a configuration that cannot be stored is not used; fetched again once the disk is back"
pass
