#!/bin/bash
# SNMP notifications a primary raises about its failover link, against a
# fake failover (tests/tools/fopeer) that can forge, replay, hand back
# conflicting bindings and withhold acks; traps through a real snmpd
# master and snmptrapd (tests/tools/snmp_lib.sh).
#
#   1. dhcpfoAuthenticationFailure: three POLLs signed with another key
#      and one replayed datagram give one trap (at most one a minute),
#      naming branch1 and the failover's address, "1 ... (bad-hmac)";
#      the MIB's auth-failure column counts all four;
#   2. dhcpfoDuplicateAddress: a hand-back after a partition returns two
#      addresses the primary holds for other clients -- one trap each,
#      naming the subnet, the address and both clients;
#   3. dhcpfoBindingUpdateFailed: fopeer stops acknowledging; the update
#      of a new lease is given up on after SyncBindRetryMax retries: one
#      trap, naming the update; replication resumes when fopeer polls,
#      fails again, and no second trap follows within the minute.
. "$(dirname "$0")/lib.sh"
e2e_init
FOPEER=$BUILD/tools/fopeer
LOAD=$BUILD/tools/dhcpload
[ -x "$FOPEER" ] || skip "$FOPEER not built (run make)"
[ -x "$LOAD" ] || skip "$LOAD not built (run make)"
. "$(dirname "$0")/../tools/pr_link_lib.sh"
SNMP_NS=srv
. "$TOP/tests/tools/snmp_lib.sh"
snmp_require

P_PORT=16121; P_TRAPS=16181
# Failover update sequences carry the top bit (t_pr_link_handback.sh).
seq() { echo "9223372036854775$((808 + $1))"; }

pr_link_setup "WaitCtlRetSecs = 5" "CtlReqRetryMax = 10" \
    "WaitSyncBindAckSecs = 0.3" "SyncBindRetryMax = 1"
cat >>"$T/primary.ini" <<EOT
[snmp]
AgentXSocket = $T/p-agentx.sock
EOT
srv_check_config >"$T/config-check.log" 2>&1 ||
    { cat "$T/config-check.log"; fail "config with [snmp] rejected by -t"; }
snmp_master p $P_PORT $P_TRAPS
fopeer_start
# -d: the primary logs a notification it holds back (step 3).
E2E_DEBUG=1 srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet not taken"
wait_for 15 "sget $P_PORT $PT.2.1 | grep -q branch1" ||
    fail "the sub-agent does not answer; $(tail -3 "$T/snmpd-p.log")"
ok "serving; the sub-agent answers"

# ---- 1. forged and replayed datagrams
fo forge poll
fo forge poll
fo poll
wait_for 5 "[ \$(fo_count poll-rpl) -ge 1 ]" || fail "no PollRpl"
fo replay
fo forge poll
assert "the MIB counts 4 authentication failures (row 1, column 21)" \
    wait_for 5 "[ \"\$(sget $P_PORT $PT.21.1)\" -ge 4 ]"
assert "dhcpfoAuthenticationFailure naming branch1" \
    wait_for 5 "[ \$(ntraps p 16 branch1) -ge 1 ]"
a=$(traps_named p 16 branch1)
say "reason: $(vb "$a" 4)"
grep -q "1 failover datagram from $F_ADDR:$FO_PORT failed authentication (bad-hmac)" <<<"$a" ||
    fail "reason: $a"
assert "one trap for four datagrams" test "$(ntraps p 16 branch1)" -eq 1

# ---- 2. duplicate bindings found by a hand-back
load 2 0x62
assert "2 clients bound" test "$(wc -l <"$T/acks-0x62.txt")" -eq 2
read -r A MA < <(sed -n 1p "$T/acks-0x62.txt")
read -r B MB < <(sed -n 2p "$T/acks-0x62.txt")
fo sss "$SUBNET" 2 "$(seq 150)"
# $A: the failover's binding is newer; $B: older.
fo upd "$(seq 151)" "$A" 02:f0:00:00:01:01 bound +5 +3600 newer
fo upd "$(seq 152)" "$B" 02:f0:00:00:01:02 bound -600 +3600 older
fo ssd "$SUBNET" 2 "$(seq 153)"
fo ctlret
assert "two dhcpfoDuplicateAddress traps" \
    wait_for 5 "[ \$(ntraps p 15 branch1) -ge 2 ]"
d=$(traps_named p 15 branch1)
say "reasons: $(while read -r l; do vb "$l" 4; done <<<"$d" | paste -sd '|')"
lc() { tr 'A-F' 'a-f' <<<"$1"; }
grep -F "subnet load: $A: ours $(lc "$MA")" <<<"$d" | grep -qF "02:f0:00:00:01:01" ||
    fail "no trap naming $A and both clients"
grep -F "subnet load: $B: ours $(lc "$MB")" <<<"$d" | grep -qF "02:f0:00:00:01:02" ||
    fail "no trap naming $B and both clients"
ok "each names the subnet, the address and both clients"
grep -F "$A:" <<<"$d" | grep -q "kept the failover's" || fail "$A: not the failover's"
grep -F "$B:" <<<"$d" | grep -q "kept ours" || fail "$B: not ours"
ok "and which binding was kept"

# ---- 3. binding updates given up on
wait_for 5 "[ \"\$(st .failover.replication.in_flight)\" -eq 0 ]" ||
    fail "updates still in flight: $(st -c .failover.replication)"
fo ack off
load 1 0x63
assert "dhcpfoBindingUpdateFailed naming branch1" \
    wait_for 10 "[ \$(ntraps p 11 branch1) -ge 1 ]"
u=$(traps_named p 11 branch1)
say "reason: $(vb "$u" 4)"
grep -q "replication to the failover stopped: update [0-9]* ($(cut -d' ' -f1 "$T/acks-0x63.txt")) not acknowledged after 2 tries" <<<"$u" ||
    fail "reason: $u"
# Heard from again, the primary resends; unacknowledged, it gives up
# again: counted, but the trap waits for the next minute.
f0=$(st .failover.replication.failures)
fo poll
wait_for 10 "[ \"\$(st .failover.replication.failures)\" -gt $f0 ]" ||
    fail "no second failure ($(st -c .failover.replication))"
assert "the second failure is held back" \
    wait_for 5 "grep -q 'dhcpfoBindingUpdateFailed held back' $SRV_LOG"
assert "no second trap within the minute" test "$(ntraps p 11 branch1)" -eq 1
fo ack on
pass
