#!/bin/bash
# Failover link, case (b): heartbeat and replication against a fake
# failover (tests/tools/fopeer).
#
#   - CtlReq at start, CtlRet from fopeer: serving.
#   - Poll -> PollRpl with our state, store identity and a digest.
#   - DORA for N clients (dhcpload as a relay): every ACKed lease reaches
#     fopeer as a binding update, and fopeer's acks move the watermark.
#   - fopeer stops acking, M more clients, the primary is killed with
#     SIGKILL before any ack: after the restart every one of the M
#     updates is sent again (the store is the queue), and acked at last.
#   - Retransmissions are re-encoded: fopeer's replay window never drops
#     one.
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

N=${REPL_N:-500}
M=${REPL_M:-40}
pr_link_setup "WaitSyncBindAckSecs = 0.5" "SyncBindRetryMax = 3" \
    "WaitCtlRetSecs = 2" "CtlReqRetryMax = 10"
fopeer_start
srv_start srv

wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
creq=$(fo_lines ctl-req | head -n 1)
say "CtlReq: $(jq -c '{name, state, last_seq, buf_size, store_id}' <<<"$creq")"
assert "CtlReq names us and carries our store identity" \
    test "$(jq -r '"\(.name) \(.store_id | length)"' <<<"$creq")" = "branch1 32"
assert "CtlReq carries one digest per subnet" \
    test "$(jq -r '.digests | length' <<<"$creq")" -eq 1
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet did not make us serve"
assert "serving by CtlRet, not by giving up" test "$(st .failover.gave_up)" = false

fo poll
wait_for 5 "[ \$(fo_count poll-rpl) -ge 1 ]" || fail "no PollRpl"
rpl=$(fo_lines poll-rpl | tail -n 1)
say "PollRpl: $(jq -c '{state, last_seq, store_id, versions, digests: (.digests | length)}' <<<"$rpl")"
assert "PollRpl state is serving (6)" test "$(jq -r .state <<<"$rpl")" -eq 6
assert "PollRpl store id is the CtlReq's" \
    test "$(jq -r .store_id <<<"$rpl")" = "$(jq -r .store_id <<<"$creq")"
assert "PollRpl epoch is the CtlReq's (same boot)" \
    test "$(jq -r .epoch <<<"$rpl")" = "$(jq -r .epoch <<<"$creq")"
assert "the poll was counted" test "$(st .failover.polls_received)" -eq 1

# ---- replication of N bindings ----
load "$N" 0x41
assert "$N clients bound" test "$(wc -l <"$T/acks-0x41.txt")" -eq "$N"
bound_seen() {
	fo_lines bind-upd | jq -r '.updates[] | select(.state == "bound") | .address' |
	    sort -u | wc -l
}
wait_for 10 "[ \$(bound_seen) -ge $N ]" || fail "fopeer saw $(bound_seen) of $N bindings"
awk '{print $1}' "$T/acks-0x41.txt" | sort -u >"$T/acked.txt"
fo_lines bind-upd | jq -r '.updates[] | "\(.address) \(.hwaddr)"' | sort -u >"$T/upd.txt"
awk '{print $1 " " tolower($2)}' "$T/acks-0x41.txt" | sort -u >"$T/acked-hw.txt"
missing=$(comm -23 "$T/acked-hw.txt" "$T/upd.txt" | wc -l)
assert "every ACKed (address, client) reached the failover ($missing missing)" \
    test "$missing" -eq 0
dgrams=$(fo_count bind-upd)
say "$N updates in $dgrams BIND_UPD datagrams"
wait_for 5 "[ \"\$(st .failover.replication.in_flight)\" -eq 0 ]" ||
    fail "updates still in flight: $(st -c .failover.replication)"
assert "acks counted: $(st .failover.replication.acked) >= $N" \
    test "$(st .failover.replication.acked)" -ge "$N"
# The watermark reaches the store within a second or so.
wait_for 5 "[ \"\$(st .failover.replication.watermark_persisted)\" = \"\$(st .failover.replication.watermark)\" ]" ||
    fail "watermark not persisted: $(st -c .failover.replication)"
wm=$(st .failover.replication.watermark)
ok "watermark $wm stored"

# ---- unacked updates survive kill -9 ----
fo ack off
fo note noack
load "$M" 0x42
assert "$M more clients bound" test "$(wc -l <"$T/acks-0x42.txt")" -eq "$M"
awk '{print $1}' "$T/acks-0x42.txt" | sort -u >"$T/acked2.txt"
seen_after() {	# NOTE: distinct addresses of acked2 seen after NOTE
	fo_after "$1" bind-upd | jq -r '.updates[].address' | sort -u |
	    comm -12 - "$T/acked2.txt" | wc -l
}
wait_for 10 "[ \$(seen_after noack) -ge $M ]" ||
    fail "fopeer saw $(seen_after noack) of the $M new bindings"
first=$(fo_after noack bind-upd | jq -r '.updates[].upd_seq' | sort -n | head -n 1)
assert "the watermark ($(st .failover.replication.watermark)) stays below the first unacked update ($first)" \
    test "$(st .failover.replication.watermark)" -lt "$first"
srv_kill9
fo note killed
srv_start srv
wait_for 10 "[ \$(seen_after killed) -ge $M ]" ||
    fail "after the restart fopeer saw $(seen_after killed) of $M unacked updates again"
ok "all $M unacknowledged updates sent again after kill -9 and restart"
grep -q "lease changes\? above update" "$SRV_LOG" && say "$(grep 'above update' "$SRV_LOG")"
fo ack on
fo ctlret
wait_for 10 "[ \"\$(st .failover.replication.in_flight)\" -eq 0 ] && [ \"\$(st .failover.replication.watermark)\" -gt $wm ]" ||
    fail "resent updates not acknowledged: $(st -c .failover.replication)"
ok "acknowledged now: watermark $(st .failover.replication.watermark)"

drops=$(fo_count drop)
assert "fopeer dropped nothing: retransmissions carry fresh header seqs ($drops drops)" \
    test "$drops" -eq 0
assert "retransmissions happened ($(st .failover.replication.retries))" \
    test "$(st .failover.replication.retries)" -ge 1
pass
