#!/bin/bash
# Failover link, case (d): the hand-back.
#
# Start-up: the primary waits for control; fopeer hands the subnet back:
# SubnetSyncStart -> (the subnet is "syncing": no leases from it, even
# across a reload) -> BindUpds -> SubnetSyncDone -> the subnet is served
# again, the bindings are in the store -> CtlRet.
#
# Partition heal: while serving, two clients are bound; fopeer hands back
# bindings for both addresses naming other clients: one newer (taken,
# conflict counted), one older (ours kept, conflict counted, and our
# binding replicated to the failover so its copy is corrected).  Every
# update and marker is acknowledged; the markers' acks are the "echo".
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

# Failover update sequences carry the top bit (docs/failover-design.md):
# 2^63 + n, written out as text (bash and jq 1.6 arithmetic stop at 2^63
# or 2^53); n < 192.
seq() { echo "9223372036854775$((808 + $1))"; }
served() { st '.subnets[0] | "\(.served_by) \(.serving)"'; }
pad() { local x=$1; while [ ${#x} -lt 20 ]; do x=0$x; done; echo "$x"; }
# acked SEQ: a BIND_ACK fopeer received covers SEQ (compared as text).
acked() {
	local s a b
	s=$(pad "$1")
	grep '"type":"bind-ack"' "$FO_OUT" | grep -o '\[[0-9]*,[0-9]*\]' |
	    tr -d '[]' | while IFS=, read -r a b; do
		a=$(pad "$a"); b=$(pad "$b")
		if [[ ! "$a" > "$s" && ! "$s" > "$b" ]]; then echo y; fi
	done | grep -q y
}
# A status field too big for jq 1.6's doubles, as text.
st_raw() { srv_status | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

pr_link_setup "WaitCtlRetSecs = 5" "CtlReqRetryMax = 10"
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
assert "waiting for control, subnet not served" test "$(served)" = "failover false"

# ---- hand-back at start-up ----
fo sss "$SUBNET" 2 "$(seq 100)"
wait_for 5 "[ \"\$(st .failover.state)\" = receiving ]" || fail "SubnetSyncStart not taken"
assert "subnet syncing: nobody serves it" test "$(served)" = "syncing false"
wait_for 5 "acked $(seq 100)" || fail "SubnetSyncStart not acknowledged"
ok "SubnetSyncStart acknowledged (UPD_SEQ $(seq 100))"
now=$(date +%s)
fo upd "$(seq 101)" 127.16.9.1 02:f0:00:00:00:01 bound -60 +3600 fromfailover1
fo upd "$(seq 102)" 127.16.9.2 02:f0:00:00:00:02 bound -30 +3600 fromfailover2
wait_for 5 "acked $(seq 102) && acked $(seq 101)" || fail "bindings not acknowledged"
ok "both bindings acknowledged (after their commit)"
# Clients asking now get nothing from the syncing subnet.
load 3 0x61 3
assert "no ACK while the subnet syncs" test "$(wc -l <"$T/acks-0x61.txt")" -eq 0
srv_ctl reload >/dev/null || fail "reload refused"
assert "still syncing after a reload" test "$(served)" = "syncing false"
fo ssd "$SUBNET" 2 "$(seq 103)"
wait_for 5 "[ \"\$(served)\" = 'primary true' ]" ||
    fail "subnet not served after SubnetSyncDone ($(served))"
ok "served after SubnetSyncDone"
wait_for 5 "acked $(seq 103)" || fail "SubnetSyncDone not acknowledged (no echo)"
ok "SubnetSyncDone acknowledged: the echo"
assert "state still receiving until CtlRet" test "$(st .failover.state)" = receiving
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet not taken"
expect_lease 127.16.9.1 bound 02:f0:00:00:00:01
expect_lease 127.16.9.2 bound 02:f0:00:00:00:02
assert "handed-back binding keeps its host name" \
    test "$(lease_field 127.16.9.1 hostname)" = fromfailover1
assert "2 bindings applied" test "$(st .failover.handback.applied)" -eq 2
assert "1 subnet received" test "$(st .failover.handback.subnets_received)" -eq 1
assert "LAST_SEQ we report is the highest handed back ($(st_raw peer_seq))" \
    test "$(st_raw peer_seq)" = "$(seq 103)"
# Not echoed back as updates: the failover has them (handback.c).
echoed=$(fo_lines bind-upd | jq -r '.updates[].address' | grep -c '^127\.16\.9\.' || true)
assert "handed-back bindings not replicated back ($echoed)" test "$echoed" -eq 0

# ---- partition heal with conflicts ----
load 2 0x62
assert "2 clients bound" test "$(wc -l <"$T/acks-0x62.txt")" -eq 2
read -r A MA < <(sed -n 1p "$T/acks-0x62.txt")
read -r Bx MB < <(sed -n 2p "$T/acks-0x62.txt")
say "ours: $A -> $MA, $Bx -> $MB"
fo note heal
fo sss "$SUBNET" 2 "$(seq 150)"
wait_for 5 "[ \"\$(st .failover.state)\" = receiving ]" || fail "heal: SubnetSyncStart not taken"
assert "heal: subnet syncing" test "$(served)" = "syncing false"
# $A: the failover's binding is newer (granted in 5 s) -> theirs.
fo upd "$(seq 151)" "$A" 02:f0:00:00:01:01 bound +5 +3600 newer
# $Bx: the failover's binding is older -> ours stays.
fo upd "$(seq 152)" "$Bx" 02:f0:00:00:01:02 bound -600 +3600 older
wait_for 5 "acked $(seq 152) && acked $(seq 151)" || fail "heal: bindings not acknowledged"
fo ssd "$SUBNET" 2 "$(seq 153)"
wait_for 5 "acked $(seq 153)" || fail "heal: SubnetSyncDone not acknowledged"
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ] && [ \"\$(served)\" = 'primary true' ]" ||
    fail "heal: not serving again"
assert "2 conflicts counted" test "$(st .failover.handback.conflicts)" -eq 2
assert "1 kept ours, 1 took theirs" \
    test "$(st '.failover.handback | "\(.conflicts_kept_ours) \(.conflicts_took_theirs)"')" = "1 1"
expect_lease "$A" bound 02:f0:00:00:01:01
expect_lease "$Bx" bound "$MB"
say "last conflict: $(st .failover.handback.last_conflict)"
grep -q "duplicate binding of $A: ours" "$SRV_LOG" || fail "conflict on $A not logged"
grep -q "duplicate binding of $Bx: ours" "$SRV_LOG" || fail "conflict on $Bx not logged"
ok "both conflicts logged with both clients"
# Our winning binding goes to the failover.
wait_for 5 "fo_after heal bind-upd | jq -e --arg a '$Bx' '.updates[] | select(.address == \$a)' >/dev/null" ||
    fail "our binding of $Bx was not replicated to correct the failover"
got=$(fo_after heal bind-upd | jq -r --arg a "$Bx" '.updates[] | select(.address == $a) | .hwaddr' | tail -n 1)
assert "replicated $Bx names our client ($got)" test "$got" = "$(tr 'A-F' 'a-f' <<<"$MB")"
hist=$(srv_ctl history --json | jq -r '[.history[] | "\(.from)>\(.to)"] | join(" ")')
say "history: $hist"
assert "history: ctl-wait, receiving, serving, receiving, serving" \
    test "$hist" = "init>ctl-wait ctl-wait>receiving receiving>serving serving>receiving receiving>serving"
assert "nothing dropped by fopeer ($(fo_count drop))" test "$(fo_count drop)" -eq 0
pass
