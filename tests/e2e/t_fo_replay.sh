#!/bin/bash
# Replay across restarts (docs/failover-protocol.md 7.2, 7.3;
# docs/security.md "The failover channel").  The pair's traffic is
# captured on the wire while it works -- polls answered, a takeover and a
# hand-back that ends in CtlRet -- and played back later, from the
# sender's own address and port, to a peer that has restarted since:
#   1. the primary restarts while the failover is frozen (SIGSTOP), so it
#      waits for control; the recorded CtlRets are played to it: each is
#      refused, the primary goes on waiting; the failover, thawed, hands
#      the subnet back for real and returns control;
#   2. the failover restarts while the primary is frozen; the recorded
#      PollRpls are played to it one by one, spaced like polls: none
#      counts as an answer, and the takeover comes as soon as the
#      failover's polls go unanswered, not after the recordings run out.
# Without the kept replay position and the echoed request, step 1's
# primary takes control from a recording (no hand-back), and step 2's
# failover counts each recording as a live primary.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd tcpdump tshark jq
SEND=$BUILD/tools/udpsend
[ -x "$SEND" ] || skip "$SEND not built (run make)"
# Room to play recordings while the primary waits for control.
FO_CTL_RETRY=10 FO_WAIT_CTL=2
fo_net
fo_write_configs

bg_in "$FO_NS" "$T/tcpdump.log" tcpdump -i lo -n -U --immediate-mode \
    -w "$T/fo.pcap" udp port 647
TCPDUMP_PID=$BG_PID
wait_for 10 "grep -q 'listening on' '$T/tcpdump.log'" || fail "tcpdump did not start"
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
out=$(load -b "$FO_RELAY" -n 200 -r 2000 -w 200 -o "$T/acks1.txt" -t 20 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
fo_kill_primary
p_start
fo_wait_state monitoring 15
p_wait_serving 15
# answered NUM: the failover has had NUM more polls answered.
answered() {
	local n0
	n0=$(fo_field polls_answered)
	wait_for 15 "[ \$(fo_field polls_answered) -ge $((n0 + $1)) ]" ||
	    fail "polls not answered"
}
answered 4
# The recordings: type is byte 5 of the failover header; with an epoch
# (bytes 16..23), only the messages of that boot of the sender.
rec() {
	tshark -r "$T/fo.pcap" -Y "ip.src == $1 && udp.srcport == 647 && udp.payload[5:1] == $2" \
	    -T fields -e udp.payload 2>/dev/null |
	    awk -v e="${3:-}" 'e == "" || substr($0, 33, 16) == e'
}
rec "$FO_F_ADDR" 04 >"$T/ctlret.hex"
say "recorded: $(wc -l <"$T/ctlret.hex") CtlRet"
[ -s "$T/ctlret.hex" ] || fail "no CtlRet recorded"

# ---- 1. the primary restarts; recorded CtlRets are played to it
p_rej() {
	pctl status --json | jq -r '[.failover.rejected | to_entries[]
	    | select(.key == "replayed" or .key == "too-old" or
	        .key == "stale-answer" or .key == "old-epoch") | .value] | add // 0'
}
kill -STOP "$F_PID"
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
p_start
wait_for 5 "[ \"\$(p_fostate)\" = ctl-wait ]" || fail "primary not waiting for control ($(p_fostate))"
n=$(wc -l <"$T/ctlret.hex")
nsx "$FO_NS" "$SEND" -s "$FO_F_ADDR:647" -d "$FO_P_ADDR:647" -n 3 -i 100 "$T/ctlret.hex" >/dev/null ||
    fail "udpsend"
wait_for 5 "[ \$(p_rej) -ge $((3 * n)) ]" ||
    fail "the primary refused $(p_rej) of $((3 * n)) recorded CtlRets"
ok "every recorded CtlRet refused ($(pctl status --json | jq -c .failover.rejected))"
assert "the primary still waits for control" test "$(p_fostate)" = ctl-wait
assert "it serves nothing yet" \
    test "$(pctl status --json | jq -r '[.subnets[] | select(.serving)] | length')" = 0
grep -Eq "dropped datagram from $FO_F_ADDR:647: (replayed|too-old|stale-answer)" \
    "$T/primary-$P_STARTS.log" || fail "no log line for the refusal"
kill -CONT "$F_PID"
fo_wait_state monitoring 20
p_wait_serving 20
got=$(pctl status --json | jq -r .failover.ctl_req.ctl_ret_received)
assert "control came back with the live failover's CtlRet, the one accepted ($got)" \
    test "$got" = 1
# This boot's PollRpls on the record, for step 2.
answered 12
kill -INT "$TCPDUMP_PID"
wait_for 5 "pid_gone $TCPDUMP_PID" || fail "tcpdump did not stop"
epoch=$(printf '%016x' "$(pctl status --json | jq -r .failover.boot_epoch)")
rec "$FO_P_ADDR" 02 "$epoch" >"$T/pollrpl.hex"
say "recorded: $(wc -l <"$T/pollrpl.hex") PollRpl of the primary's boot $epoch"
[ "$(wc -l <"$T/pollrpl.hex")" -ge 10 ] || fail "fewer than 10 PollRpls recorded"

# ---- 2. the failover restarts; recorded PollRpls are played to it
f_rej() {
	fctl status --json | jq -r '[.primaries[0].rejected | to_entries[]
	    | select(.key == "replayed" or .key == "too-old" or
	        .key == "stale-answer" or .key == "old-epoch") | .value] | add // 0'
}
kill -STOP "$P_PID"
kill -KILL "$F_PID"
wait_for 5 "pid_gone $F_PID" || fail "failover survived SIGKILL"
t0=$(now_s)
f_start
n=$(wc -l <"$T/pollrpl.hex")
# One every 0.5 s: spread like answers (PollDelay), for longer than the
# takeover takes.
bg_in "$FO_NS" "$T/send.log" "$SEND" -s "$FO_P_ADDR:647" -d "$FO_F_ADDR:647" \
    -n 2 -i 500 -o "$T/pollrpl.hex"
SEND_PID=$BG_PID
fo_wait_state takeover 15
secs=$(echo "$(now_s) - $t0" | bc -l)
say "takeover $(printf '%.1f' "$secs") s after the restart: $(fo_field last_takeover_reason)"
# The start-up sync gives up first: (SyncReqRetryMax + 1) * WaitSyncStartSecs.
bound=$(echo "2 * 1 + $FO_POLL_DELAY + ($FO_POLL_RETRY + 1) * $FO_WAIT_RPL" | bc -l)
assert "takeover within the bound + 2 s ($bound), while recordings still came" \
    test "$(echo "$secs <= $bound + 2" | bc -l)" = 1
assert "the recordings were still being played" kill -0 "$SEND_PID"
wait_for 5 "[ \$(f_rej) -ge 1 ]" || fail "no recorded PollRpl refused"
ok "recorded PollRpls refused: $(fctl status --json | jq -c .primaries[0].rejected)"
assert "none counted as an answer" test "$(fo_field polls_answered)" = 0
kill "$SEND_PID"
wait_for 5 "pid_gone $SEND_PID" || fail "udpsend did not stop"
kill -CONT "$P_PID"
fo_wait_state monitoring 20
p_wait_serving 20
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
pass
