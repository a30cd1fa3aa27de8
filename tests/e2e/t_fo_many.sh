#!/bin/bash
# Many-to-one (docs/design.md §1): one failover backs up two primaries,
# each with its own thread, store, policy and state.  When one primary
# dies only its subnets are taken over; the other primary's thread keeps
# sleeping and its clients keep being answered by their own primary.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_net
mkdir -p "$T/p2"
(umask 077; openssl rand -hex 32 >"$T/branch2.key")
FO_EXTRA_PRIMARIES="
[primary:branch2]
Address = 127.0.0.3
Port = 647
SharedKeyFile = $T/branch2.key
PollDelay = 0.3
[subnet:b2]
Primary = branch2
Subnet = 127.18.0.0/16
Range = 127.18.0.10-127.18.255.250
Routers = 127.18.0.1"
fo_write_configs
cat >"$T/primary2.ini" <<EOT
[server]
Name = branch2
ServerAddress = 127.0.0.3
StateDir = $T/p2/state
ControlSocket = $T/p2/ctl.sock
PidFile = $T/p2/pid
$E2E_SERVER_LINES
[failover]
UseFailoverServer = true
FailoverServer = $FO_F_ADDR
SharedKeyFile = $T/branch2.key
WaitCtlRetSecs = 1
[subnet:b2]
Subnet = 127.18.0.0/16
Range = 127.18.0.10-127.18.255.250
Routers = 127.18.0.1
EOT
p_start
bg_in "$FO_NS" "$T/primary2.log" "$P_BIN" -f -c "$T/primary2.ini"
P2_PID=$BG_PID
f_start
b() { fctl status --json | jq -r ".primaries[] | select(.name == \"$1\") | .$2"; }
p2ctl() { "$BUILD/dhcpfoctl" -s "$T/p2/ctl.sock" "$@"; }
wait_for 10 "[ \"\$(b branch1 state)\" = monitoring ] && [ \"\$(b branch2 state)\" = monitoring ]" ||
    fail "both threads should be monitoring: $(b branch1 state) $(b branch2 state)"
ok "two primaries, two threads monitoring"
load2() {
	nsx "$FO_NS" "$LOAD" -s 127.0.0.3 -S "$FO_F_ADDR" -q "$@" 2>&1 | tail -n 1
	return "${PIPESTATUS[0]}"
}
out=$(load -b "$FO_RELAY" -n 200 -r 2000 -w 200 -o "$T/acks1.txt" -t 30 -i 2) || fail "branch1 clients: $out"
out=$(load2 -b 127.18.0.1 -n 200 -m 0x22 -r 2000 -w 200 -o "$T/acks2.txt" -t 30 -i 2) || fail "branch2 clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
fo_wait_holds 10 "$T/acks2.txt"
ok "each thread holds its own primary's 200 bindings"

kill -KILL "$P2_PID"
wait_for 5 "pid_gone $P2_PID" || fail "primary2 survived SIGKILL"
wait_for 5 "[ \"\$(b branch2 state)\" = takeover ]" || fail "branch2 not taken over"
assert "branch1 still sleeps" test "$(b branch1 state)" = monitoring
out=$(load2 -b 127.18.0.1 -e "$T/acks2.txt" -r 2000 -w 200 -o "$T/renew2.txt" -t 30 -i 2) ||
    fail "branch2 renewals: $out"
ok "branch2's clients renew with the failover and keep their addresses"
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 2000 -w 200 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "branch1 renewals: $out"
fo_caught_up branch1 "$(now_s)"
d1=$(fctl status branch1 --json)
assert "branch1's clients were answered by branch1, not the failover" \
    test "$(jq -r .acks <<<"$d1")" = 0
say "branch1 requests the failover ignored: $(jq -r .dhcp_ignored <<<"$d1")"

bg_in "$FO_NS" "$T/primary2-b.log" "$P_BIN" -f -c "$T/primary2.ini"
P2_PID=$BG_PID
wait_for 15 "[ \"\$(b branch2 state)\" = monitoring ]" || fail "branch2 not handed back"
wait_for 15 "[ \"\$(p2ctl status --json | jq -r .state)\" = serving ]" || fail "primary2 not serving"
assert "branch2 got back the 200 renewed bindings" \
    check_all_held "$T/renew2.txt" <(bound_of "$T/p2/ctl.sock")
assert "branch1 was never disturbed (no takeover)" test "$(b branch1 takeovers)" = 0
pass
