#!/bin/bash
# The failover's share from end to end (docs/safety.md), ping checks off.
# One subnet of 40 addresses, 127.16.0.10-49, FailoverShare 25: the
# share is .40-.49, the primary's own part .10-.39.
#   1. the primary fills its own part, then binds two clients in the
#      share, each only after the failover approved it (BIND_REQ);
#   2. five clients release; kill -9 of the primary: in its safe period
#      the failover gives new clients the rest of its share (eight), then
#      refuses ("share-exhausted", OnShareExhausted = refuse) although
#      the primary's part has free addresses;
#   3. dhcpfoctl partner-down: the safe period is over at once (logged,
#      in the history); the refused clients get the free addresses;
#   4. the primary returns and gets everything back; it is killed again,
#      and with OnShareExhausted = borrow (a reload) the failover, its
#      share still full, gives a new client a free address of the
#      primary's part (in which order: tests/unit/test_pool.c);
#   5. the primary returns: no conflict, no address bound twice.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_net
FO_RANGE=127.16.0.10-127.16.0.49
FO_P_EXTRA_FAILOVER="FailoverShare = 25"
FO_EXTRA_POLICY="FailoverShare = 25"
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10

in_share() {	# FILE: how many of its addresses lie in .40-.49
	awk '{ split($1, o, "."); if (o[4] >= 40 && o[4] <= 49) n++ }
	    END { print n + 0 }' "$1"
}
appr() { pctl status --json | jq -r ".failover.approvals.$1"; }

# ---- 1. the primary's own part, then the share with approval
out=$(load -b "$FO_RELAY" -n 30 -r 1000 -w 30 -o "$T/own.txt" -t 20 -i 2) ||
    fail "30 clients: $out"
assert "30 clients fill the primary's own part" \
    test "$(in_share "$T/own.txt")" = 0
assert "no approval asked so far" test "$(appr asked)" = 0
out=$(load -b "$FO_RELAY" -n 2 -m 0x11 -r 100 -w 2 -o "$T/shared.txt" -t 20 -i 3) ||
    fail "2 clients in the share: $out"
assert "the next two got addresses of the share" \
    test "$(in_share "$T/shared.txt")" = 2
assert "each after the failover's approval ($(appr approved))" \
    test "$(appr approved)" = 2
# Granted before the primary's ACKs left: final; status may lag.
wait_for 5 "[ \$(fo_field approvals_granted) -ge 2 ]" || true
assert "the failover granted them ($(fo_field approvals_granted))" \
    test "$(fo_field approvals_granted)" = 2
bound_of "$T/f/ctl.sock" >"$T/f-bound.txt"
assert "the failover holds both" check_all_held "$T/shared.txt" "$T/f-bound.txt"

# ---- 2. five release; kill -9; the share, then refusals
head -n 5 "$T/own.txt" >"$T/released.txt"
nsx "$FO_NS_R" "$LOAD" -s "$FO_P_ADDR" -b "$FO_RELAY" -x "$T/released.txt" \
    >/dev/null 2>&1 || fail "release"
wait_for 5 "[ \$(pctl status --json | jq -r '.subnets[0].free') -ge 5 ]" ||
    fail "the releases did not reach the primary"
wait_for 5 "[ \$(bound_of $T/f/ctl.sock | wc -l) -eq 27 ]" ||
    fail "the failover did not hear of the releases"
fo_kill_primary
d=$(fctl status branch1 --json)
assert "safe period running" test "$(jq -r '.subnets[0].safe_period_running' <<<"$d")" = true
assert "8 addresses of the share free ($(jq -r '.subnets[0].share_free' <<<"$d"))" \
    test "$(jq -r '.subnets[0].share_free' <<<"$d")" = 8
out=$(load -b "$FO_RELAY" -n 10 -m 0x12 -r 100 -w 10 -o "$T/to.txt" -t 20 -i 3)
say "10 new clients in the safe period: $out"
assert "eight got an address, all in the share" \
    test "$(wc -l <"$T/to.txt"):$(in_share "$T/to.txt")" = 8:8
assert "the other two were refused as share-exhausted" \
    wait_for 5 "[ \$(fctl status branch1 --json | jq -r '.drops[\"share-exhausted\"]') -ge 2 ]"

# ---- 3. partner-down ends the safe period
fails fctl partner-down nosuch || true
out=$(fctl partner-down branch1) || fail "partner-down: $out"
say "$out"
wait_for 5 "[ \"\$(fo_field partner_down)\" = true ]" ||
    fail "partner-down not in status"
h=$(fctl history branch1 --json | jq -r '.history[-1].reason')
assert "in the history: $h" grep -q "declared the primary down" <<<"$h"
assert "logged" grep -q "operator declared the primary down" "$T/failover-1.log"
assert "safe period over" test \
    "$(fctl status branch1 --json | jq -r '.subnets[0].safe_period_running')" = false
out=$(load -b "$FO_RELAY" -n 2 -m 0x13 -r 100 -w 2 -o "$T/pd.txt" -t 20 -i 3) ||
    fail "2 clients after partner-down: $out"
assert "two more clients got free addresses of the primary's part" \
    test "$(wc -l <"$T/pd.txt"):$(in_share "$T/pd.txt")" = 2:0
sort -u "$T/own.txt" "$T/shared.txt" "$T/to.txt" "$T/pd.txt" >"$T/all.txt"
grep -v -F -f "$T/released.txt" "$T/all.txt" >"$T/held.txt"
assert "no address ACKed to two clients" check_unique "$T/held.txt"

# ---- 4. back, then a second takeover with OnShareExhausted = borrow
p_start
fo_wait_state monitoring 20
p_wait_serving 20
assert "partner-down ended with the takeover" \
    test "$(fo_field partner_down)" = false
sed -i 's/^FailoverShare = 25$/&\nOnShareExhausted = borrow/' "$T/failover.ini"
out=$(fctl reload) || fail "reload: $out"
fo_kill_primary
out=$(load -b "$FO_RELAY" -n 1 -m 0x14 -r 100 -w 1 -o "$T/borrow.txt" -t 20 -i 3) ||
    fail "a client with the share full: $out"
a=$(cut -d' ' -f1 "$T/borrow.txt")
say "borrowed: $a"
assert "it got an address outside the share" test "$(in_share "$T/borrow.txt")" = 0
assert "one nobody holds" fails grep -q "^$a " "$T/held.txt"

# ---- 5. the primary returns
cat "$T/held.txt" "$T/borrow.txt" | sort -u >"$T/want.txt"
fo_return_clean "$T/want.txt"
pass
