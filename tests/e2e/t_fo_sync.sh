#!/bin/bash
# Start-up sync (SyncBindings; docs/design.md §7.1): a failover that starts
# after its primary asks for every binding and holds them all before it
# starts polling; restarted, it asks only for what changed since its copy
# (SYNC_REQ carries the primary's store identity and LAST_SEQ).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
# The primary runs alone first: give up on the failover quickly.
FO_CTL_RETRY=0 FO_WAIT_CTL=0.5
fo_net
fo_write_configs
p_start
p_wait_serving 10
out=$(load -b "$FO_RELAY" -n 3000 -r 6000 -w 500 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
say "$out"

f_start
fo_wait_state monitoring 15
say "start-up sync: $(fo_field bindings) bindings in $(fo_field last_sync_secs) s"
assert "one sync completed" test "$(fo_field syncs_completed)" = 1
wait_for 5 "fo_holds $T/acks1.txt" || true
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
bound_of "$T/f/ctl.sock" >"$T/f-bound.txt"
assert "the failover holds exactly the primary's bindings ($(wc -l <"$T/f-bound.txt"))" \
    cmp -s "$T/p-bound.txt" "$T/f-bound.txt"
assert "and every acknowledged one" check_all_held "$T/acks1.txt" "$T/f-bound.txt"

# Restart: only the changes made while the failover was down travel.
kill -TERM "$F_PID"
wait_for 10 "pid_gone $F_PID" || fail "failover did not stop"
wait "$F_PID" 2>/dev/null
out=$(load -b "$FO_RELAY" -n 100 -m 0x20 -r 2000 -w 100 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients while the failover is down: $out"
f_start
fo_wait_state monitoring 15
assert "one sync completed after the restart" test "$(fo_field syncs_completed)" = 1
rx=$(fo_field updates_received)
say "bindings received after the restart: $rx"
assert "only the 100 changes were sent again ($rx)" test "$rx" -ge 100 -a "$rx" -lt 200
fo_wait_holds 5 "$T/acks1.txt"
fo_wait_holds 5 "$T/acks2.txt"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
bound_of "$T/f/ctl.sock" >"$T/f-bound.txt"
assert "the failover's copy equals the primary's again" cmp -s "$T/p-bound.txt" "$T/f-bound.txt"
assert "the primary saw no rejected datagram" \
    test "$(pctl status --json | jq -r '[.failover.rejected // {} | .[]] | add // 0')" = 0
assert "the failover saw no rejected datagram" test "$(fo_field rejections)" = 0
pass
