#!/bin/bash
# A failover restart during a takeover loses nothing (docs/design.md §3): the
# persisted state resumes the takeover at once, with every binding it
# granted, and they are all handed back when the primary returns.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_up
out=$(load -b "$FO_RELAY" -n 300 -r 3000 -w 300 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
fo_kill_primary
out=$(load -b "$FO_RELAY" -n 300 -m 0x20 -r 3000 -w 300 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients during takeover: $out"
ok "300 new clients served by the failover"

# Restart the failover (SIGTERM), then SIGKILL it and start again.
for how in TERM KILL; do
	kill "-$how" "$F_PID"
	wait_for 10 "pid_gone $F_PID" || fail "failover did not stop ($how)"
	wait "$F_PID" 2>/dev/null; rc=$?
	[ "$how" = TERM ] && assert "failover exited cleanly on SIGTERM ($rc)" test "$rc" = 0
	f_start
	# Status answers before the new thread published its first state
	# ("startup"); "at once": its first and only transition is the
	# takeover.
	wait_for 5 "[ \"\$(fo_state)\" != startup ]" ||
	    fail "the failover's thread did not start"
	assert "after SIG$how the failover resumes the takeover at once" \
	    test "$(fo_state)/$(fctl history branch1 --json | jq -r '[.history[].to] | join(",")')" = takeover/takeover
	assert "it still holds every binding (status: $(fo_field bindings))" \
	    wait_for 5 "fo_holds $T/acks1.txt && fo_holds $T/acks2.txt"
	out=$(load -b "$FO_RELAY" -e "$T/acks2.txt" -r 3000 -w 300 -o "$T/renew-$how.txt" -t 30 -i 2) ||
	    fail "renewals after the restart: $out"
	assert "its own clients renew and keep their addresses" \
	    cmp -s <(sort -u "$T/acks2.txt") <(sort -u "$T/renew-$how.txt")
done
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 3000 -w 300 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "renewals of the primary's clients: $out"
assert "the primary's clients renew and keep their addresses" \
    cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")

p_start
fo_wait_state monitoring 15
p_wait_serving 15
say "hand-back: $(fo_field last_handback_bindings) bindings in $(fo_field last_handback_secs) s"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the primary holds every binding the failover granted" \
    check_all_held "$T/acks2.txt" "$T/p-bound.txt"
assert "and every renewal" check_all_held "$T/renew1.txt" "$T/p-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
pass
