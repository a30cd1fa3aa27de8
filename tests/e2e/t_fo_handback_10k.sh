#!/bin/bash
# Hand-back speed: 10,000 bindings granted by the failover during a
# takeover go back to the primary, subnet by subnet, in under 0.5 s on
# loopback (windowed BIND_UPD streams, group commits on both sides).
# Two subnets, so the per-subnet markers are exercised too.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
N=${HB_CLIENTS:-10000}
LIMIT=${HB_LIMIT:-0.5}
FO_SUBNETS=2
fo_up
fo_kill_primary
half=$((N / 2))
out=$(load -b "$FO_RELAY" -n "$half" -m 0x41 -r 8000 -w 1000 -o "$T/acks.txt" -t 60 -i 3) ||
    fail "clients of subnet load: $out"
say "$out"
out=$(load -b "$FO_RELAY2" -n "$((N - half))" -m 0x42 -r 8000 -w 1000 -o "$T/acks.txt" -t 60 -i 3) ||
    fail "clients of subnet lan2: $out"
say "$out"
assert "$N clients bound by the failover" test "$(sort -u "$T/acks.txt" | wc -l)" = "$N"

t0=$(now_s)
p_start
fo_wait_state monitoring 30
p_wait_serving 30
n=$(fo_field last_handback_bindings)
secs=$(fo_field last_handback_secs)
say "hand-back: $n bindings in $secs s ($(echo "$n / $secs" | bc) bindings/s);" \
    "primary serving $(printf '%.3f' "$(echo "$(now_s) - $t0" | bc -l)") s after its start"
assert "every binding handed back ($n)" test "$n" -ge "$N"
# The 0.5 s goal is measured by bench/failover.sh; a test on a shared
# machine only reports the figure, it does not fail on time.
if [ "$(echo "$secs < $LIMIT" | bc -l)" = 1 ]; then
	say "within the $LIMIT s goal"
else
	say "NOTE: over the $LIMIT s goal on this run (see bench/failover.sh)"
fi
assert "two subnets handed back" \
    test "$(fctl status branch1 --json | jq -r '[.subnets[] | select(.handback == "handed-back")] | length')" = 2
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the primary holds all $N" check_all_held "$T/acks.txt" "$T/p-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
pass
