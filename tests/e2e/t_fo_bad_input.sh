#!/bin/bash
# Bad input on the failover protocol (docs/design.md §6; docs/architecture.md convention 3): garbage, a
# wrong key, a replayed datagram, a reflected one and a stranger are each
# dropped and counted under their own name, and nothing of them reaches
# the state machine.  The stand-in primary (tests/tools/fo_peer_sim) also
# runs its clock 45 s ahead: a warning, and its replies still count (past
# 60 s they would not: t_fo_skew).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
SIM=$BUILD/tools/fo_peer_sim
[ -x "$SIM" ] || skip "$SIM not built"
FO_EXTRA_POLICY="SyncBindings = false"
fo_net
fo_write_configs
# The stand-in first: it throws its bad input when the first poll comes.
bg_in "$FO_NS" "$T/sim.log" "$SIM" -k "$T/branch1.key" -n branch1 \
    -b "$FO_P_ADDR:647" -f "$FO_F_ADDR:647" -c 45 -t 5 \
    -x garbage -x badkey -x replay -x reflect -x unknown
SIM_PID=$BG_PID
wait_for 5 "udp_bound $FO_NS 647" || fail "fo_peer_sim not listening"
f_start
fo_wait_state monitoring 5
wait_for 3 "[ \"\$(fo_field clock_skew)\" != null ]" || fail "no clock skew seen"
say "clock skew seen: $(fo_field clock_skew) s"
assert "skew about +45 s" test "$(echo "$(fo_field clock_skew) > 44" | bc -l)" = 1
assert "a warning, not a faulty pair" test "$(fo_field faulty)" = false
grep -Eq "clock differs from ours by 4[45]\." "$T/failover-1.log" || fail "no log line for the skew"
ok "skew logged"
rej() { jq -r ".primaries[0].rejected[\"$1\"] // 0" <<<"$st"; }
# all_counted: every kind of bad input counted in the status, kept in $st
# (counters reach status in snapshots, which may lag the reply that made
# the pair faulty: the replay's copy and the rest follow it).
all_counted() {
	st=$(fctl status --json) || return 1
	[ "$(rej bad-hmac)" -ge 1 ] && [ "$(rej replayed)" -ge 1 ] &&
	    [ "$(rej reflected)" -ge 1 ] &&
	    [ "$(jq -r .counters.failover_malformed <<<"$st")" -ge 2 ] &&
	    [ "$(jq -r .counters.failover_unknown_peer <<<"$st")" -ge 1 ]
}
wait_for 5 all_counted || true
for r in bad-hmac replayed reflected; do
	assert "counted $r ($(rej $r))" test "$(rej $r)" -ge 1
done
assert "garbage counted as malformed ($(jq -r .counters.failover_malformed <<<"$st"))" \
    test "$(jq -r .counters.failover_malformed <<<"$st")" -ge 2
assert "a stranger's datagram counted ($(jq -r .counters.failover_unknown_peer <<<"$st"))" \
    test "$(jq -r .counters.failover_unknown_peer <<<"$st")" -ge 1
assert "still monitoring: bad input never counts as an answer or a failure" \
    test "$(fo_state)" = monitoring
grep -q "dropped a failover datagram: bad-hmac" "$T/failover-1.log" || fail "no bad-hmac log"
ok "rejections logged by name"
wait_for 10 "pid_gone $SIM_PID" || fail "fo_peer_sim did not end"
fo_wait_state takeover 5
ok "once nothing answers the polls, the takeover follows"
pass
