#!/bin/bash
# Graceful stop of the primary (SIGTERM): it sends Shutdown and the
# failover takes over at once, without waiting for missed polls
# (docs/design.md §2 Shutdown; docs/failover-design.md "Safety").  Then the
# primary returns and gets its subnet back.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
# A long PollDelay: only Shutdown can explain a quick takeover.
FO_POLL_DELAY=30
fo_up
out=$(load -b "$FO_RELAY" -n 300 -r 3000 -w 300 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"

t_stop=$(now_s)
kill -TERM "$P_PID"
wait_for 10 "pid_gone $P_PID" || fail "primary did not stop on SIGTERM"
wait "$P_PID"; rc=$?
assert "primary exited cleanly ($rc)" test "$rc" = 0
fo_wait_state takeover 3
secs=$(echo "$(fo_field last_takeover_time) - $t_stop" | bc -l)
say "takeover $(printf '%.3f' "$secs") s after SIGTERM: $(fo_field last_takeover_reason)"
assert "takeover caused by Shutdown" \
    test "$(fo_field last_takeover_reason)" = "primary shut down"
assert "takeover within 0.5 s (PollDelay is 30 s)" \
    test "$(echo "$secs < 0.5" | bc -l)" = 1
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 3000 -w 300 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "renewals: $out"
assert "clients renew with the failover and keep their addresses" \
    cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")

p_start
fo_wait_state monitoring 15
p_wait_serving 15
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the primary holds every renewed binding" check_all_held "$T/renew1.txt" "$T/p-bound.txt"
pass
