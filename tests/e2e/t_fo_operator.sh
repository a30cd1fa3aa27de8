#!/bin/bash
# Operator commands of the failover (docs/control.md): status, status
# PRIMARY, history, leases, takeover, release, reload (and SIGHUP).
# A forced takeover of a primary that is alive ends like a healed
# partition: the next poll reply starts the hand-back, and the primary
# ends up serving alone again (docs/failover-states.md "Why").
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
FO_SUBNETS=2
fo_up
out=$(load -b "$FO_RELAY" -n 200 -r 2000 -w 200 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"

# ---- status and friends
fctl status >"$T/status.txt" || fail "status"
grep -q '^branch1 .*monitoring' "$T/status.txt" || { cat "$T/status.txt"; fail "status table"; }
ok "status shows branch1 monitoring"
d=$(fctl status branch1 --json) || fail "status branch1"
assert "status branch1 lists both subnets, served by the primary" \
    test "$(jq -r '[.subnets[] | select(.served_by == "primary")] | length' <<<"$d")" = 2
assert "subnet digests agree with the primary's" \
    test "$(jq -r '[.subnets[].digest] | unique | join(",")' <<<"$d")" = match
assert "status of an unknown primary is an error" fails fctl status nosuch
assert "leases load --json has the 200 bindings" \
    test "$(fctl leases load --json | jq '[.leases[] | select(.state == "bound")] | length')" = 200
assert "leases of an unknown subnet is an error" fails fctl leases nosuch
fctl leases 127.17.0.0/16 >/dev/null || fail "leases by CIDR"
ok "leases by CIDR works too"
fctl history branch1 >/dev/null || fail "history"

# ---- forced takeover of a live primary: hand-back follows by itself
fctl takeover branch1 >/dev/null || fail "takeover command"
wait_for 5 "fctl history branch1 --json | jq -e '[.history[].to] | index(\"takeover\")'" ||
    fail "no takeover after the command"
fo_wait_state monitoring 10
p_wait_serving 10
h=$(fctl history branch1 --json | jq -r '[.history[] | "\(.to):\(.reason)"] | join("|")')
say "history: $h"
grep -q 'takeover:operator forced takeover: dhcpfoctl takeover' <<<"$h" || fail "reason"
grep -q 'returning:primary alive again; partition healed' <<<"$h" || fail "heal"
ok "forced takeover ended in a hand-back once the primary answered"
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 2000 -w 200 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "renewals after: $out"
assert "clients keep their addresses" cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")
fctl release branch1 >/dev/null || fail "release command"
fo_wait_state monitoring 2
ok "release in monitoring changes nothing"

# ---- reload: policy applied; an invalid file changes nothing
# (adding and removing primaries: t_fo_reload.sh)
sed -i 's/^PollDelay = .*/PollDelay = 0.75/' "$T/failover.ini"
fctl reload >"$T/reload.txt" || { cat "$T/reload.txt"; fail "reload"; }
assert "reload applied PollDelay 0.75" \
    test "$(fctl status branch1 --json | jq -r .policy.poll_delay)" = 0.75
cp "$T/failover.ini" "$T/failover.ini.good"
sed -i 's/^PollDelay = .*/PollDelay = -5/' "$T/failover.ini"
assert "reload of an invalid file is refused" fails fctl reload
grep -q "keeping the running configuration" "$T/failover-$F_STARTS.log" ||
    fail "no log line for the refused reload"
ok "log says why"
assert "the refused reload changed nothing" \
    test "$(fctl status branch1 --json | jq -r .policy.poll_delay)" = 0.75
cp "$T/failover.ini.good" "$T/failover.ini"
sed -i 's/^PollDelay = .*/PollDelay = 0.5/' "$T/failover.ini"
kill -HUP "$F_PID"
wait_for 5 "[ \"\$(fctl status branch1 --json | jq -r .policy.poll_delay)\" = 0.5 ]" ||
    fail "SIGHUP did not reload"
ok "SIGHUP reloads too"
assert "state kept across reloads" test "$(fo_state)" = monitoring
assert "no datagram rejected" test "$(fo_field rejections)" = 0
pass
