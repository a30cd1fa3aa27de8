#!/bin/bash
# Failover link, case (f): SIGTERM sends Shutdown.
#
# A serving primary that is stopped tells its failover first: SHUTDOWN
# three times (each its own datagram: fresh header seq, same boot epoch),
# REASON "operator stop", state shutting-down, LAST_SEQ the highest
# update it sent -- so the failover takes over at once instead of waiting
# for polls to go unanswered.  The exit is clean.
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

pr_link_setup
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet did not make us serve"
load 10 0x71
assert "10 clients bound" test "$(wc -l <"$T/acks-0x71.txt")" -eq 10
wait_for 5 "[ \"\$(st .failover.replication.in_flight)\" -eq 0 ] && [ \"\$(st .failover.replication.sent)\" -ge 10 ]" ||
    fail "replication did not settle: $(st -c .failover.replication)"
highest=$(fo_lines bind-upd | jq -r '.updates[].upd_seq' | sort -n | tail -n 1)
epoch=$(fo_lines ctl-req | jq -r .epoch | head -n 1)

srv_stop
assert "clean exit" test "$SRV_EXIT" -eq 0
wait_for 5 "[ \$(fo_count shutdown) -ge 3 ]" ||
    fail "fopeer got $(fo_count shutdown) Shutdown messages"
fo_lines shutdown | sed 's/^/  | /'
assert "exactly three" test "$(fo_count shutdown)" -eq 3
assert "reason \"operator stop\"" \
    test "$(fo_lines shutdown | jq -r .reason | sort -u)" = "operator stop"
assert "state shutting-down (9)" \
    test "$(fo_lines shutdown | jq -r .state | sort -u)" = 9
assert "three distinct header seqs (no replay)" \
    test "$(fo_lines shutdown | jq -r .seq | sort -u | wc -l)" -eq 3
assert "same boot epoch as the CtlReq" \
    test "$(fo_lines shutdown | jq -r .epoch | sort -u)" = "$epoch"
assert "LAST_SEQ is the highest update sent ($highest)" \
    test "$(fo_lines shutdown | jq -r .last_seq | sort -u)" = "$highest"
assert "nothing dropped by fopeer" test "$(fo_count drop)" -eq 0
grep -q "told 127.0.0.3 we are stopping (Shutdown x3)" "$SRV_LOG" ||
    fail "Shutdown not logged"
ok "logged"
pass
