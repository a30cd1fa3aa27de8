#!/bin/bash
# Key rotation under client load (docs/security.md "Key rotation"): the
# documented three steps, each a reload on both hosts, while dhcpload
# keeps binding new clients through the primary:
#   1. AcceptSharedKeyFile = NEW on both (primary reloaded first);
#   2. SharedKeyFile = NEW, AcceptSharedKeyFile = OLD on both (failover
#      first: for a while each side signs with a different key, and each
#      takes the other's messages with its second key);
#   3. AcceptSharedKeyFile removed on both (primary first).
# Nothing may be rejected (no bad-hmac, no reject of any kind) on either
# daemon, the failover never leaves monitoring (no takeover, its thread
# never restarted), the link is never restarted, every client is served,
# and at the end both daemons sign with NEW and see the peer's NEW id.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd xxd
FO_WAIT_CTL=1
fo_up
OLD=$T/branch1.key
NEW=$T/branch1-new.key
(umask 077; openssl rand -hex 32 >"$NEW") || fail "new key"

# key_id FILE: the id protocol §6 gives a key, computed here independently
# of the daemons: HMAC-SHA256(key, "dhcpfo key id"), first two bytes, 0
# taken as 1.
key_id() {
	local id
	id=$(printf 'dhcpfo key id' |
	    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(tr -d '\n' <"$1")" -binary |
	    head -c 2 | xxd -p)
	[ "$id" = 0000 ] && id=0001
	echo "$id"
}
ID_OLD=$(key_id "$OLD")
ID_NEW=$(key_id "$NEW")
say "key ids: old $ID_OLD, new $ID_NEW"
[ "$ID_OLD" != "$ID_NEW" ] || skip "the two random keys share an id (1 in 65536)"

pk() { pctl status --json | jq -r ".failover.keys.$1"; }
fk() { fctl status --json | jq -r ".primaries[0].keys.$1"; }
# Every reject counter of both daemons, summed.
p_rejects() { pctl status --json | jq '[.failover.rejected[]] | add'; }
f_rejects() { fctl status --json | jq '.primaries[0].rejections'; }
f_hist() { fctl history branch1 --json | jq '.history | length'; }
p_hist() { pctl history --json | jq '.history | length'; }
acks() { wc -l <"$T/acks.txt" 2>/dev/null || echo 0; }

# set_keys INI SIGN [ACCEPT]: the SharedKeyFile/AcceptSharedKeyFile lines.
set_keys() {
	sed -i -e '/^AcceptSharedKeyFile/d' \
	    -e "s|^SharedKeyFile = .*|SharedKeyFile = $2|" "$1"
	[ -n "${3:-}" ] && sed -i "s|^SharedKeyFile = .*|&\nAcceptSharedKeyFile = $3|" "$1"
	return 0
}
# reload_of PROGRAM INI CTL: INI passes -t without a warning, then CTL
# reload; its answer must not say that keys were kept or anything
# restarted.
reload_of() {
	nsx "$FO_NS" "$1" -t -c "$2" >"$T/t.log" 2>&1 ||
	    { cat "$T/t.log"; fail "$2 refused by -t"; }
	grep -q warning "$T/t.log" && { cat "$T/t.log"; fail "-t warned"; }
	"$3" reload >"$T/reload.txt" 2>&1 || { cat "$T/reload.txt"; fail "$3 reload"; }
	grep -q "restarted\|running keys" "$T/reload.txt" &&
	    { cat "$T/reload.txt"; fail "$3 reload did not change keys in place"; }
	return 0
}
p_reload() { reload_of "$P_BIN" "$T/primary.ini" pctl; }
f_reload() { reload_of "$F_BIN" "$T/failover.ini" fctl; }
# wait_keys WHO SIGN ACCEPT: status of WHO (pk/fk) shows that key set.
wait_keys() {
	wait_for 5 "[ \"\$($1 signing_id)/\$($1 accept_id)\" = '$2/$3' ]" ||
	    fail "$1: keys $($1 signing_id)/$($1 accept_id), want $2/$3"
}
# step_load: new clients were acknowledged since ACKS0 (the load runs on).
step_load() {
	wait_for 10 "[ \$(acks) -gt $ACKS0 ]" ||
	    fail "no client served during the step ($(acks) acks)"
	ACKS0=$(acks)
}

assert "both sign with the old key" test "$(pk signing_id)/$(fk signing_id)" = "$ID_OLD/$ID_OLD"
wait_for 5 "[ \"\$(pk peer_id)/\$(fk peer_id)\" = $ID_OLD/$ID_OLD ]" ||
    fail "peer ids $(pk peer_id)/$(fk peer_id), want $ID_OLD"

# ---- a key that does not load at a reload: reported, the running set stays
BAD=$T/bad.key
cp "$NEW" "$BAD" && chmod 0644 "$BAD"
for side in p f; do
	if [ $side = p ]; then ini=$T/primary.ini ctl=pctl who=pk
	else ini=$T/failover.ini ctl=fctl who=fk; fi
	set_keys "$ini" "$OLD" "$BAD"
	$ctl reload >"$T/reload.txt" 2>&1 || { cat "$T/reload.txt"; fail "$ctl reload"; }
	grep -q "AcceptSharedKeyFile: $BAD: key file is accessible by group or others (mode 0644).*running keys" \
	    "$T/reload.txt" || { cat "$T/reload.txt"; fail "$ctl reload: the key error is not in the answer"; }
	wait_keys $who "$ID_OLD" ""
	set_keys "$ini" "$OLD"
done
grep -q "error: reload: \[failover\] AcceptSharedKeyFile: $BAD: .*; keeping the running keys" \
    "$T/primary-$P_STARTS.log" || fail "primary did not log the key error"
grep -q "error: reload: \[primary:branch1\] AcceptSharedKeyFile: $BAD: .*; primary=branch1 keeps its running keys" \
    "$T/failover-$F_STARTS.log" || fail "failover did not log the key error"
ok "a key that does not load at a reload: in the answer and the log, the running keys stay"
H_F=$(f_hist); H_P=$(p_hist)

# ---- the load: new clients all through the rotation (about 25 s)
N=1200
bg_in "$FO_NS" "$T/load.log" "$LOAD" -s "$FO_P_ADDR" -S "$FO_F_ADDR" \
    -b "$FO_RELAY" -n $N -r 50 -w 40 -o "$T/acks.txt" -t 55 -i 10 -q
LOAD_PID=$BG_PID
ACKS0=0
step_load
ok "load running ($(acks) clients bound)"

# ---- step 1: accept NEW on both; primary first
set_keys "$T/primary.ini" "$OLD" "$NEW"
p_reload
wait_keys pk "$ID_OLD" "$ID_NEW"
set_keys "$T/failover.ini" "$OLD" "$NEW"
f_reload
wait_keys fk "$ID_OLD" "$ID_NEW"
step_load
ok "step 1: both sign with $ID_OLD and accept $ID_NEW too"

# ---- step 2: sign with NEW, accept OLD; failover first
set_keys "$T/failover.ini" "$NEW" "$OLD"
f_reload
wait_keys fk "$ID_NEW" "$ID_OLD"
# Now each side signs with its own key: each takes the other's messages
# with its second key, and sees the other's id.
wait_for 10 "[ \$(pk accepted_second_key) -gt 0 ] && [ \$(fk accepted_second_key) -gt 0 ]" ||
    fail "second key not used: primary $(pk accepted_second_key), failover $(fk accepted_second_key)"
wait_for 5 "[ \"\$(pk peer_id)/\$(fk peer_id)\" = $ID_NEW/$ID_OLD ]" ||
    fail "mixed peer ids $(pk peer_id)/$(fk peer_id), want $ID_NEW/$ID_OLD"
ok "mixed: primary took $(pk accepted_second_key), failover $(fk accepted_second_key) messages with the second key"
step_load
set_keys "$T/primary.ini" "$NEW" "$OLD"
p_reload
wait_keys pk "$ID_NEW" "$ID_OLD"
wait_for 5 "[ \"\$(pk peer_id)/\$(fk peer_id)\" = $ID_NEW/$ID_NEW ]" ||
    fail "peer ids $(pk peer_id)/$(fk peer_id), want $ID_NEW"
# "Accepted with the second key stops rising": over several polls.
s_p=$(pk accepted_second_key); s_f=$(fk accepted_second_key)
p0=$(fo_field polls_answered)
wait_for 10 "[ \$(fo_field polls_answered) -ge $((p0 + 4)) ]" || fail "polls stopped"
assert "second-key counts stopped rising ($s_p, $s_f)" \
    test "$(pk accepted_second_key)/$(fk accepted_second_key)" = "$s_p/$s_f"
step_load
ok "step 2: both sign with $ID_NEW"

# ---- step 3: drop the old key; primary first
set_keys "$T/primary.ini" "$NEW"
p_reload
wait_keys pk "$ID_NEW" ""
set_keys "$T/failover.ini" "$NEW"
f_reload
wait_keys fk "$ID_NEW" ""
step_load
ok "step 3: the old key is gone from both"

# ---- the load ends: every client served
wait_for 60 "pid_gone $LOAD_PID" || fail "dhcpload did not finish"
summary=$(tail -n 1 "$T/load.log")
say "$summary"
acked=$(sed -n 's/.* acked \([0-9]*\) .*/\1/p' <<<"$summary")
assert "all $N clients served during the rotation (acked $acked)" test "$acked" = "$N"
fo_wait_holds 10 "$T/acks.txt"

# ---- nothing rejected, nothing taken over, nothing restarted
assert "primary rejected nothing" test "$(p_rejects)" = 0
assert "failover rejected nothing" test "$(f_rejects)" = 0
assert "failover still monitoring" test "$(fo_state)" = monitoring
assert "no takeover" test "$(fo_field takeovers)" = 0
assert "the failover's thread never changed state or restarted" test "$(f_hist)" = "$H_F"
assert "the primary's link never changed state" test "$(p_hist)" = "$H_P"
assert "primary serving" test "$(p_fostate)" = serving
assert "no restart of either side seen by the other" \
    test "$(pctl status --json | jq .failover.peer_restarts)/$(fo_field primary_restarts)" = 0/0
assert "primary and failover see the peer's new id" \
    test "$(pk peer_id)/$(fk peer_id)" = "$ID_NEW/$ID_NEW"
grep -q "keys: signing with key $ID_NEW" "$T/primary-$P_STARTS.log" ||
    fail "primary did not log its new key"
grep -q "primary=branch1: reload: signing with key $ID_NEW" "$T/failover-$F_STARTS.log" ||
    fail "failover thread did not log its new key"
pass
