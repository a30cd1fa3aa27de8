#!/bin/bash
# BindUpdDelay (docs/config-primary.md): committed changes wait up to that
# long so that the next ones share their binding update, against a fake
# failover (tests/tools/fopeer).
#
#   - BindUpdDelay = 0: clients arriving one by one (20/s) each leave in
#     a BIND_UPD of their own;
#   - BindUpdDelay = 500: the same trickle shares datagrams, and every
#     ACKed binding still arrives;
#   - BindUpdDelay = 1000, a few clients, then SIGTERM at once: what the
#     delay held back leaves before the Shutdown, not after the restart.
. "$(dirname "$0")/lib.sh"
e2e_init
. "$(dirname "$0")/../tools/pr_link_lib.sh"

N=40

# trickle MACBYTE: N clients at 20/s, one at a time.
trickle() {
	nsx srv "$LOAD" -s "$P_ADDR" -b 127.16.0.1 -n "$N" -r 20 -w 1 \
	    -o "$T/acks-$1.txt" -t 30 -i 2 -m "$1" -q >>"$T/dhcpload.log" 2>&1
	touch "$T/acks-$1.txt"
}
# seen_after NOTE MACBYTE: how many of that load's ACKed addresses fopeer
# got in binding updates after NOTE.
seen_after() {
	awk '{print $1}' "$T/acks-$2.txt" | sort -u >"$T/want-$2.txt"
	fo_after "$1" bind-upd | jq -r '.updates[].address' | sort -u |
	    comm -12 - "$T/want-$2.txt" | wc -l
}
dgrams_after() { fo_after "$1" bind-upd | wc -l; }
# set_delay MS: rewrite BindUpdDelay and restart the primary gracefully.
set_delay() {
	sed -i '/^BindUpdDelay/d' "$T/primary.ini"
	sed -i "/^\[failover\]/a BindUpdDelay = $1" "$T/primary.ini"
}

# restart_serving: start the primary again and answer its CtlReq.
restart_serving() {
	local c
	c=$(fo_count ctl-req)
	srv_start srv
	wait_for 5 "[ \$(fo_count ctl-req) -gt $c ]" || fail "no CtlReq after the restart"
	fo ctlret
	wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "not serving after the restart"
}

pr_link_setup "BindUpdDelay = 0" "WaitCtlRetSecs = 2" "CtlReqRetryMax = 10"
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
fo ctlret
wait_for 5 "[ \"\$(st .failover.state)\" = serving ]" || fail "CtlRet did not make us serve"

# ---- no delay: one datagram per client ----
fo note nodelay
trickle 0x51
assert "$N clients bound" test "$(wc -l <"$T/acks-0x51.txt")" -eq "$N"
wait_for 5 "[ \$(seen_after nodelay 0x51) -ge $N ]" ||
    fail "fopeer saw $(seen_after nodelay 0x51) of $N bindings"
d0=$(dgrams_after nodelay)
say "BindUpdDelay 0: $N bindings in $d0 datagrams"
assert "without a delay, a trickle of clients sends about one datagram each ($d0 >= $((N * 3 / 4)))" \
    test "$d0" -ge $((N * 3 / 4))

# ---- 500 ms: the same trickle shares datagrams ----
srv_stop
set_delay 500
restart_serving
assert "the primary reads the new delay: $(st .failover.replication.bind_upd_delay_ms)" \
    test "$(st .failover.replication.bind_upd_delay_ms)" = 500
fo note delay500
trickle 0x52
assert "$N clients bound" test "$(wc -l <"$T/acks-0x52.txt")" -eq "$N"
wait_for 5 "[ \$(seen_after delay500 0x52) -ge $N ]" ||
    fail "fopeer saw $(seen_after delay500 0x52) of $N bindings"
d1=$(fo_after delay500 bind-upd | jq -c 'select(.updates | map(.state == "bound") | any)' | wc -l)
say "BindUpdDelay 500: $N bindings in $d1 datagrams (20 clients/s: about 10 per datagram)"
assert "with 500 ms, the trickle shares datagrams ($d1 <= $((N / 4)))" \
    test "$d1" -le $((N / 4))
assert "every ACKed binding arrived ($(seen_after delay500 0x52)/$N)" \
    test "$(seen_after delay500 0x52)" -eq "$N"

# ---- SIGTERM flushes what waits ----
srv_stop
set_delay 1000
restart_serving
fo note flush
nsx srv "$LOAD" -s "$P_ADDR" -b 127.16.0.1 -n 5 -r 1000 -w 5 \
    -o "$T/acks-0x53.txt" -t 10 -i 2 -m 0x53 -q >>"$T/dhcpload.log" 2>&1
assert "5 clients bound" test "$(wc -l <"$T/acks-0x53.txt")" -eq 5
fo note stopping
srv_stop
wait_for 5 "[ \$(fo_count shutdown) -ge 1 ]" || fail "no Shutdown reached fopeer"
# Everything of the load must precede the first Shutdown in fopeer's log.
before=$(jq -cR 'fromjson?' "$FO_OUT" | awk '/"text":"flush"/ {f = 1; next} f && /"type":"shutdown"/ {exit} f' |
    jq -r 'select(.type == "bind-upd") | .updates[].address' | sort -u |
    comm -12 - <(awk '{print $1}' "$T/acks-0x53.txt" | sort -u) | wc -l)
assert "the held-back updates left before the Shutdown ($before/5)" test "$before" -eq 5
pass
