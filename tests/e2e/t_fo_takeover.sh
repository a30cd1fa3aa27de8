#!/bin/bash
# Takeover after kill -9 and hand-back when the primary returns
# (docs/design.md §3, §7.2-§7.4).
#
# A primary (127.0.0.1) and its failover (127.0.0.2) in one namespace;
# dhcpload relays every request to both, as a router with two helper
# addresses.  Then:
#   1. 1000 clients bind through the primary; the failover holds every
#      binding (replication) while it sleeps;
#   2. kill -9 of the primary: the failover takes over within
#      PollDelay + (PollRetryMax + 1) * WaitPollRplSecs (1.0 s here);
#   3. the 1000 clients renew (relayed, ciaddr set): every one keeps its
#      address; 500 new clients get addresses no one else holds;
#   4. the primary restarts: it asks for control, the failover hands the
#      subnet back and returns control; the primary serves again (new
#      clients are answered by it, not by the failover);
#   5. the primary holds every binding ever acknowledged, by either
#      server, and no address is bound to two clients.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_up
ok "start-up: failover monitoring, primary serving"

out=$(load -b "$FO_RELAY" -n 1000 -r 4000 -w 400 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "phase 1 clients: $out"
say "$out"
fo_wait_holds 10 "$T/acks1.txt"
bound_of "$T/p/ctl.sock" >"$T/p-bound-1.txt"
bound_of "$T/f/ctl.sock" >"$T/f-bound-1.txt"
assert "failover's copy equals the primary's bindings ($(wc -l <"$T/f-bound-1.txt"))" \
    cmp -s "$T/p-bound-1.txt" "$T/f-bound-1.txt"
fo_caught_up branch1 "$(now_s)"
assert "the failover answered none of them (it sleeps)" \
    test "$(fctl status branch1 --json | jq -r .acks)" = 0

# ---- kill -9: takeover within the configured bound
t_kill=$(now_s)
fo_kill_primary
t_take=$(fo_field last_takeover_time)
secs=$(echo "$t_take - $t_kill" | bc -l)
bound=$(echo "$FO_POLL_DELAY + ($FO_POLL_RETRY + 1) * $FO_WAIT_RPL" | bc -l)
say "takeover $(printf '%.3f' "$secs") s after kill -9 (bound $bound s): $(fo_field last_takeover_reason)"
# The bound + 50 ms goal is measured by bench/failover.sh; here the
# takeover must come from the poll policy (within the bound, with a
# margin for a loaded test machine), not from anything slower.
assert "takeover within the bound + 1 s" \
    test "$(echo "$secs <= $bound + 1" | bc -l)" = 1

out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 4000 -w 400 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "renewals during takeover: $out"
say "renewals: $out"
assert "every renewing client kept its address" \
    cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")

out=$(load -b "$FO_RELAY" -n 500 -m 0x20 -r 4000 -w 400 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "new clients during takeover: $out"
say "new clients: $out"
collide=$(comm -12 <(cut -d' ' -f1 "$T/acks1.txt" | sort -u) \
    <(cut -d' ' -f1 "$T/acks2.txt" | sort -u) | wc -l)
assert "new clients got addresses no one holds ($collide reused)" test "$collide" = 0
# Status snapshots may lag the counters (tests/tools/fo_lib.sh).
wait_for 5 "[ \$(fctl status branch1 --json | jq -r .acks) -ge 1500 ]" ||
    fail "the failover counted $(fctl status branch1 --json | jq -r .acks) ACKs, not 1500"

# ---- the primary comes back: hand-back, control returned
t_back=$(now_s)
p_start
fo_wait_state monitoring 15
p_wait_serving 15
hb_secs=$(fo_field last_handback_secs)
hb_n=$(fo_field last_handback_bindings)
say "hand-back: $hb_n bindings in $hb_secs s; control returned $(printf '%.3f' \
    "$(echo "$(now_s) - $t_back" | bc -l)") s after the primary started"
assert "the failover handed back what it granted ($hb_n >= 1500)" test "$hb_n" -ge 1500
assert "the failover serves nothing now" \
    test "$(fctl status branch1 --json | jq -r .serving)" = false
# Its count is final now: the return to monitoring published it, and
# nothing reaches a thread that does not serve (fod_dispatch.c).
fo_acks=$(fctl status branch1 --json | jq -r .acks)
say "failover ACKs during takeover: $fo_acks"

out=$(load -b "$FO_RELAY" -n 200 -m 0x30 -r 2000 -w 200 -o "$T/acks3.txt" -t 30 -i 2) ||
    fail "clients after the hand-back: $out"
fo_caught_up branch1 "$(now_s)"
assert "the primary answered the new clients, not the failover" \
    test "$(fctl status branch1 --json | jq -r .acks)" = "$fo_acks"

bound_of "$T/p/ctl.sock" >"$T/p-bound-2.txt"
for f in acks1 renew1 acks2 acks3; do
	assert "the primary holds every binding of $f" \
	    check_all_held "$T/$f.txt" "$T/p-bound-2.txt"
done
assert "no address bound to two clients on the primary" check_unique "$T/p-bound-2.txt"
cat "$T/acks1.txt" "$T/acks2.txt" "$T/acks3.txt" | sort -u >"$T/all-acks.txt"
assert "no address was acknowledged to two clients" check_unique "$T/all-acks.txt"
assert "history shows monitoring -> takeover -> returning -> monitoring" \
    test "$(fctl history branch1 --json | jq -r '[.history[].to] | join(",")')" = \
    "syncing,monitoring,returning,monitoring,takeover,returning,monitoring"
pass
