#!/bin/bash
# SNMP notifications with real varbinds (docs/snmp.md "Notifications"),
# from both daemons through real snmpd masters and snmptrapd (one of each
# per daemon, tests/tools/snmp_lib.sh), and [snmp] applied by a reload.
#
# One private namespace (127/8 on its loopback).  The failover backs up
# two primaries: branch1 is a real dhcpfo-primary whose subnet "load" is
# a pool of 10 addresses, whose SyncBindingBufSize (2048) differs from
# the failover's (1024) and whose LeaseTime differs from the failover's
# copy of the subnet; branch2 is played by tests/tools/fo_peer_sim, which
# throws a datagram signed with another key and a replayed one at the
# failover, answers polls for a while, then goes silent.
#
#   1. dhcpfoConfigMismatch from the failover naming branch1: once for
#      SyncBindingBufSize, once for the subnet digest, once with what
#      differs once the primary's configuration arrived (docs/learn.md)
#      -- and no more while the polls go on;
#   2. dhcpfoAuthenticationFailure from the failover naming branch2, once
#      for two rejected datagrams (bad HMAC, replay), the count in the
#      reason; the MIB's auth-failure column counts both;
#   3. dhcpfoSubnetUtilisationHigh from the primary when 9 of its 10
#      addresses are bound (dhcpfoNotifySubnet 127.16.0.0,
#      dhcpfoNotifyPercentUsed 90), none from the failover (it does not
#      serve that subnet); dhcpfoSubnetUtilisationNormal (30 %) once 6
#      are released (UtilisationNormal = 50);
#   4. SubnetUtilisationHigh = false, then `dhcpfoctl reload`: the pool
#      fills to 90 % again (the crossing is logged) and no High trap
#      follows, but the Normal trap after the release does -- the reload
#      switched exactly that notification off;
#   5. branch2 stops answering, the failover takes its subnet over and
#      sends dhcpfoSubnetUtilisationHigh for it (3 of 4 addresses,
#      UtilisationHigh = 75 in failover.ini);
#   6. a reload that changes the primary's AgentXSocket: the sub-agent
#      answers through the new master and no longer through the old one;
#   7. SIGHUP to the failover without an [snmp] section stops its
#      sub-agent; with the section back, a SIGHUP starts it again.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
SIM=$BUILD/tools/fo_peer_sim
[ -x "$SIM" ] || skip "$SIM not built (run make)"
. "$TOP/tests/tools/snmp_lib.sh"
snmp_require

F_PORT=16111; P_PORT=16112; P2_PORT=16113
F_TRAPS=16171; P_TRAPS=16172
B2_ADDR=127.0.0.3; B2_RELAY=127.18.0.1
FO_RANGE=127.16.0.10-127.16.0.19	# 10 addresses
FO_EXTRA_PRIMARIES="[primary:branch2]
Address = $B2_ADDR
Port = 647
SharedKeyFile = $T/branch2.key
SyncBindings = false
; Four addresses: the failover fills them all at once in its takeover,
; without keeping to its share of one (docs/safety.md).
SafePeriod = 0
[subnet:b2]
Primary = branch2
Subnet = 127.18.0.0/16
Range = 127.18.0.10-127.18.0.13
Routers = $B2_RELAY"

fo_net
(umask 077; openssl rand -hex 32 >"$T/branch2.key") || fail "key"
fo_write_configs
# The two servers disagree: SyncBindingBufSize, and the subnet's lease
# time (part of its digest).
sed -i 's/^SyncBindRetryMax = 3$/&\nSyncBindingBufSize = 2048/' "$T/primary.ini"
sed -i 's/^LeaseTime = 3600$/LeaseTime = 7200/' "$T/failover.ini"
snmp_section() {	# WHO HIGH NORMAL
	cat <<EOT
[snmp]
AgentXSocket = $T/$1-agentx.sock
Traps = true
UtilisationHigh = $2
UtilisationNormal = $3
EOT
}
snmp_section p 90 50 >>"$T/primary.ini"
snmp_section f 75 50 >>"$T/failover.ini"
nsx "$FO_NS" "$P_BIN" -t -c "$T/primary.ini" >/dev/null ||
    fail "primary.ini rejected by -t"
nsx "$FO_NS" "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini" >/dev/null ||
    fail "failover.ini rejected by -t"

snmp_master f $F_PORT $F_TRAPS
snmp_master p $P_PORT $P_TRAPS
# The stand-in for branch2 first: its bad input leaves at the first poll.
bg_in "$FO_NS" "$T/sim.log" "$SIM" -k "$T/branch2.key" -n branch2 \
    -b "$B2_ADDR:647" -f "$FO_F_ADDR:647" -t 15 -x badkey -x replay
SIM_PID=$BG_PID
wait_for 5 "udp_bound $FO_NS 647" || fail "fo_peer_sim not listening"
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
b2_state() { fctl status branch2 --json 2>/dev/null | jq -r .state; }
ok "start-up: failover monitoring branch1 ($(b2_state) for branch2)"

# ---- 1. configuration mismatch: once per detection, not per poll
assert "dhcpfoConfigMismatch for branch1, three times (buffer size, digest, account)" \
    wait_for 10 "[ \$(ntraps f 12 branch1) -ge 3 ]"
m=$(traps_named f 12 branch1)
grep -q 'SyncBindingBufSize differs (primary 2048, failover 1024)' <<<"$m" ||
    fail "no SyncBindingBufSize mismatch in: $m"
grep -q 'subnet load (127.16.0.0/16) is defined differently on the primary' <<<"$m" ||
    fail "no digest mismatch in: $m"
grep -q "failover.ini differs from the primary's configuration: 127.16.0.0/16: here lease=7200, primary lease=3600" <<<"$m" ||
    fail "no account of the difference in: $m"
ok "reasons name SyncBindingBufSize (2048/1024), subnet load, and what differs (lease 7200/3600)"
assert "status says failover.ini differs, and what ($(fo_field config.differs))" \
    test "$(fo_field config.state)/$(fo_field config.differs)" = \
    "differs/127.16.0.0/16: here lease=7200, primary lease=3600"
polls=$(fo_field polls_answered)
wait_for 10 "[ \$(fo_field polls_answered) -ge $((polls + 4)) ]" ||
    fail "polls not answered"
assert "still 3 after 4 more poll replies" test "$(ntraps f 12 branch1)" -eq 3

# ---- 2. authentication failures: one trap, the count in the reason
assert "dhcpfoAuthenticationFailure for branch2" \
    wait_for 10 "[ \$(ntraps f 16 branch2) -ge 1 ]"
assert "the MIB counts both rejected datagrams (row 2, column 21)" \
    wait_for 5 "[ \"\$(sget $F_PORT $PT.21.2)\" -ge 2 ]"
a=$(traps_named f 16 branch2)
say "reason: $(vb "$a" 4)"
grep -q '1 failover datagram failed authentication (bad-hmac)' <<<"$a" ||
    fail "reason lacks the count and kind: $a"
assert "one trap for both (at most one a minute)" \
    test "$(ntraps f 16 branch2)" -eq 1
assert "none for branch1 (its datagrams are genuine)" \
    test "$(ntraps f 16 branch1)" -eq 0

# ---- 3. utilisation on the primary: High at 90 %, Normal at 30 %
load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 9 -m 0x31 -r 100 -w 9 \
    -o "$T/fill1.txt" -t 10 -i 2 >/dev/null || fail "9 clients not bound"
assert "dhcpfoSubnetUtilisationHigh from the primary" \
    wait_for 5 "[ \$(ntraps p 13 branch1) -ge 1 ]"
h=$(traps_named p 13 branch1 | tail -n 1)
assert "dhcpfoNotifySubnet = 127.16.0.0 ($(vb "$h" 5))" test "$(vb "$h" 5)" = 127.16.0.0
assert "dhcpfoNotifyPercentUsed = 90 ($(vb "$h" 6))" test "$(vb "$h" 6)" = 90
say "reason: $(vb "$h" 4)"
grep -q '9 of 10 addresses in use (90 %), at or above UtilisationHigh 90 %' <<<"$h" ||
    fail "reason: $h"
head -n 6 "$T/fill1.txt" >"$T/release1.txt"
nsx "$FO_NS" "$LOAD" -s "$FO_P_ADDR" -b "$FO_RELAY" -x "$T/release1.txt" \
    >/dev/null 2>&1 || fail "release"
assert "dhcpfoSubnetUtilisationNormal from the primary" \
    wait_for 5 "[ \$(ntraps p 14 branch1) -ge 1 ]"
n=$(traps_named p 14 branch1 | tail -n 1)
assert "dhcpfoNotifyPercentUsed = 30 ($(vb "$n" 6))" test "$(vb "$n" 6)" = 30
assert "one High, one Normal" test "$(ntraps p 13 branch1)/$(ntraps p 14 branch1)" = 1/1
assert "the failover sent none for branch1 (not its to serve)" \
    test "$(( $(ntraps f 13 branch1) + $(ntraps f 14 branch1) ))" -eq 0

# ---- 4. a reload switches exactly the High trap off
echo "SubnetUtilisationHigh = false" >>"$T/primary.ini"
pctl reload | grep -q "configuration reloaded" || fail "reload refused"
grep -q "snmp: applied: traps on, 1 of 17 notifications switched off" \
    "$T/primary-1.log" || fail "reload did not apply [snmp]"
ok "reload applied [snmp] (1 of 17 switched off)"
crossings=$(grep -c "at or above UtilisationHigh" "$T/primary-1.log")
load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 6 -m 0x32 -r 100 -w 6 \
    -o "$T/fill2.txt" -t 10 -i 2 >/dev/null || fail "6 more clients not bound"
wait_for 5 "[ \$(grep -c 'at or above UtilisationHigh' $T/primary-1.log) -gt $crossings ]" ||
    fail "the primary did not see 90 % again"
ok "the primary saw the pool at 90 % again"
nsx "$FO_NS" "$LOAD" -s "$FO_P_ADDR" -b "$FO_RELAY" -x "$T/fill2.txt" \
    >/dev/null 2>&1 || fail "release"
assert "the Normal trap after it still arrives" \
    wait_for 5 "[ \$(ntraps p 14 branch1) -ge 2 ]"
assert "and no second High trap" test "$(ntraps p 13 branch1)" -eq 1

# ---- 5. utilisation on the failover, for the primary it stands in for
wait_for 10 "pid_gone $SIM_PID" || fail "fo_peer_sim did not end"
wait_for 10 "[ \"\$(b2_state)\" = takeover ]" ||
    fail "no takeover of branch2 ($(b2_state))"
load_to "$FO_F_ADDR" -b "$B2_RELAY" -n 3 -m 0x41 -r 100 -w 3 \
    -o "$T/fill3.txt" -t 10 -i 2 >/dev/null ||
    fail "3 clients of branch2 not bound by the failover"
assert "dhcpfoSubnetUtilisationHigh from the failover naming branch2" \
    wait_for 5 "[ \$(ntraps f 13 branch2) -ge 1 ]"
h=$(traps_named f 13 branch2 | tail -n 1)
assert "subnet 127.18.0.0 at 75 % ($(vb "$h" 5), $(vb "$h" 6))" \
    test "$(vb "$h" 5)/$(vb "$h" 6)" = 127.18.0.0/75

# ---- 6. a new AgentXSocket: the sub-agent moves to the new master
snmp_master p2 $P2_PORT $P_TRAPS
sed -i "s|^AgentXSocket = $T/p-agentx.sock\$|AgentXSocket = $T/p2-agentx.sock|" \
    "$T/primary.ini"
pctl reload | grep -q "configuration reloaded" || fail "reload refused"
assert "the primary answers through the new master" \
    wait_for 15 "sget $P2_PORT $PT.2.1 | grep -q branch1"
assert "and no longer through the old one" \
    wait_for 5 "! sget $P_PORT $PT.2.1"
grep -q "AgentXSocket changed from" "$T/primary-1.log" || fail "no log line"

# ---- 7. SIGHUP: [snmp] removed stops the failover's sub-agent, back starts it
cp "$T/failover.ini" "$T/failover-with-snmp.ini"
sed -i '/^\[snmp\]$/,$d' "$T/failover.ini"
kill -HUP "$F_PID"
assert "[snmp] removed: the failover's sub-agent stopped" \
    wait_for 5 "! sget $F_PORT $PT.2.1"
cp "$T/failover-with-snmp.ini" "$T/failover.ini"
kill -HUP "$F_PID"
assert "[snmp] back: the failover's sub-agent answers again" \
    wait_for 15 "sget $F_PORT $PT.2.1 | grep -q branch1"
assert "the failover kept protecting branch1 throughout" \
    test "$(fo_state)" = monitoring
pass
