#!/bin/bash
# Failover link, case (c): the start-up sync a failover asks for.
#
# N clients are bound (dhcpload), replication is let settle, then fopeer
# sends SyncReq.  It must get SyncStart(COUNT = N), every binding of the
# store exactly once as BIND_UPD, and SyncDone(COUNT = N) carrying an
# UPD_SEQ that it acks; the primary counts the sync completed.  The rate
# (bindings per second between SyncStart and SyncDone, as fopeer saw
# them) is printed and must reach SYNC_MIN_RATE (default 5000/s; the
# 50,000/s goal is a benchmark figure).
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

N=${SYNC_N:-50000}
# The 50,000/s goal is measured by bench/failover.sh; this floor only
# catches a stream that fell back to one round trip per binding.
MIN_RATE=${SYNC_MIN_RATE:-5000}
pr_link_setup "WaitSyncBindAckSecs = 1" "SyncBindRetryMax = 3"
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet did not make us serve"

t1=$(now_ms)
load "$N" 0x51 120
got=$(wc -l <"$T/acks-0x51.txt")
say "$got clients bound in $(( $(now_ms) - t1 )) ms"
[ "$got" -eq "$N" ] || fail "only $got of $N clients bound"
wait_for 30 "[ \"\$(st .failover.replication.in_flight)\" -eq 0 ] && [ \"\$(st .failover.replication.waiting)\" -eq 0 ]" ||
    fail "replication did not settle: $(st -c .failover.replication)"

fo note sync
fo syncreq zero 0
wait_for 60 "[ \$(fo_count sync-summary) -ge 1 ]" ||
    fail "no SyncDone within 60 s: $(st -c .failover.sync)"
start=$(fo_lines sync-start | tail -n 1)
done_=$(fo_lines sync-done | tail -n 1)
sum=$(fo_lines sync-summary | tail -n 1)
say "SyncStart: $(jq -c '{count, last_seq, store_id, result}' <<<"$start")"
say "SyncDone:  $(jq -c '{count, upd_seq}' <<<"$done_")"
assert "SyncStart announces $N bindings" test "$(jq -r .count <<<"$start")" -eq "$N"
assert "SyncDone reports $N sent" test "$(jq -r .count <<<"$done_")" -eq "$N"
assert "SyncDone carries an UPD_SEQ above the covered sequence" \
    test "$(jq -r .upd_seq <<<"$done_")" -gt "$(jq -r .last_seq <<<"$start")"
fo_after sync bind-upd | jq -r '.updates[] | "\(.address) \(.hwaddr)"' >"$T/sync.txt"
sent=$(wc -l <"$T/sync.txt")
uniq=$(sort -u "$T/sync.txt" | wc -l)
assert "$sent bindings received, each once ($uniq distinct)" \
    test "$sent" -eq "$N" -a "$uniq" -eq "$N"
awk '{print $1 " " tolower($2)}' "$T/acks-0x51.txt" | sort -u >"$T/acked.txt"
sort -u "$T/sync.txt" >"$T/sync-sorted.txt"
assert "the sync holds exactly the bound leases" cmp -s "$T/acked.txt" "$T/sync-sorted.txt"
wait_for 5 "[ \"\$(st .failover.sync.completed)\" -eq 1 ]" ||
    fail "SyncDone not acknowledged: $(st -c .failover.sync)"
ok "sync completed (SyncDone acknowledged)"
assert "nothing dropped by fopeer ($(fo_count drop))" test "$(fo_count drop)" -eq 0

rate=$(jq -r .rate <<<"$sum")
secs=$(jq -r .secs <<<"$sum")
say "SYNC RATE: $N bindings in ${secs}s = ${rate} bindings/s (fopeer); primary says $(st .failover.sync.last_rate)/s"
assert "rate ${rate}/s >= ${MIN_RATE}/s" test "${rate%.*}" -ge "$MIN_RATE"
pass
