#!/bin/bash
# A hand-back that fails (docs/failover-states.md "Failed hand-back"):
# the primary asks for control and then acknowledges nothing (it died
# again).  After SyncBindRetryMax retries of WaitSyncBindAckSecs the
# failover gives the subnet up as failed, serves it again and goes back
# to takeover.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
SIM=$BUILD/tools/fo_peer_sim
[ -x "$SIM" ] || skip "$SIM not built"
grep -q -- '-C' <("$SIM" 2>&1) || skip "$SIM has no -C"
FO_EXTRA_POLICY="SyncBindings = false"
fo_net
fo_write_configs
f_start
fo_wait_state takeover 5
ok "no primary: takeover"
out=$(load -b "$FO_RELAY" -n 50 -r 500 -w 50 -o "$T/acks.txt" -t 20 -i 2) ||
    fail "clients: $out"
bg_in "$FO_NS" "$T/sim.log" "$SIM" -k "$T/branch1.key" -n branch1 \
    -b "$FO_P_ADDR:647" -f "$FO_F_ADDR:647" -C -t 2
fo_wait_state returning 3
assert "the subnet is not served while it is handed back" \
    test "$(fctl status branch1 --json | jq -r '.subnets[0].served_by')" = "none (handing back)"
t0=$(now_s)
wait_for 10 "[ \"\$(fo_state)\" = takeover ]" ||
    fail "hand-back did not fail: still $(fo_state)"
say "hand-back failed after $(printf '%.1f' "$(echo "$(now_s) - $t0" | bc -l)") s: $(fctl history branch1 --json | jq -r '[.history[] | select(.to == "takeover")] | last | .reason')"
ok "back in takeover"
assert "the failed hand-back is counted ($(fo_field handback_failures))" \
    test "$(fo_field handback_failures)" -ge 1
assert "the subnet is served again" \
    test "$(fctl status branch1 --json | jq -r '.subnets[0].served_by')" = failover
out=$(load -b "$FO_RELAY" -e "$T/acks.txt" -r 500 -w 50 -o "$T/renew.txt" -t 20 -i 2) ||
    fail "renewals after the failed hand-back: $out"
ok "its clients are answered again"
pass
