#!/bin/bash
# Failover link, case (e): bad input changes nothing.
#
# With the primary waiting for control, fopeer sends: a CtlRet and a Poll
# signed with another key, a truncated Poll, a Poll for another primary
# id, a byte-for-byte replay of an accepted Poll, a Poll from before its
# own restart (old boot epoch), the primary's own PollRpl reflected back,
# and a BindUpd whose lease record does not decode.  Each is dropped and
# counted under its name; none is answered, none moves the state (still
# ctl-wait, still one CtlReq), and good Polls around them are answered.
. "$(dirname "$0")/lib.sh"
e2e_init
FOPEER=$BUILD/tools/fopeer
LOAD=$BUILD/tools/dhcpload
[ -x "$FOPEER" ] || skip "$FOPEER not built (run make)"
[ -x "$LOAD" ] || skip "$LOAD not built (run make)"

# ---- shared by the t_pr_link_*.sh tests (kept in each: a sourced
# helper would be taken for a test by run-e2e.sh) ----
# Namespace "srv": the primary on 127.0.0.2, the fake failover (fopeer)
# on 127.0.0.3, both on the namespace's own loopback.
P_ADDR=127.0.0.2
F_ADDR=127.0.0.3
FO_PORT=647
SUBNET=127.16.0.0/16
FO_OUT=$T/fo-msgs.jsonl		# fopeer's JSON lines

# pr_link_setup ["Key = value" ...]: namespace, key, primary.ini with a
# [failover] section (extra keys appended), checked with -t.
pr_link_setup() {
	local kv
	ns_add srv
	addr srv lo "$P_ADDR/8"
	addr srv lo "$F_ADDR/8"
	srv_conf branch1 "$P_ADDR" ""
	srv_subnet load "$SUBNET" 127.16.0.10-127.16.255.250 127.16.0.1 3600
	srv_write_config
	(umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$T/fo.key";
	    echo >>"$T/fo.key")
	{
		echo
		echo "[failover]"
		echo "UseFailoverServer = true"
		echo "FailoverServer = $F_ADDR"
		echo "FailoverPort = $FO_PORT"
		echo "SharedKeyFile = $T/fo.key"
		for kv in "$@"; do echo "$kv"; done
	} >>"$T/primary.ini"
	SRV_NS=srv
	srv_check_config >"$T/config-check.log" 2>&1 ||
	    { cat "$T/config-check.log"; fail "config rejected by -t"; }
}

# fopeer_start [fopeer options]: the fake failover, commands via a FIFO.
FO_PID=""
fopeer_start() {
	rm -f "$T/fo.cmd"
	mkfifo "$T/fo.cmd" || fail "mkfifo"
	bg_in srv "$T/fopeer.log" "$FOPEER" -k "$T/fo.key" -n branch1 \
	    -l "$F_ADDR:$FO_PORT" -p "$P_ADDR:$FO_PORT" -i "$T/fo.cmd" \
	    -o "$FO_OUT" -t 280 "$@"
	FO_PID=$BG_PID
	wait_for 5 "[ \$(fo_count ready) -ge 1 ]" || fail "fopeer did not start"
}

# fo COMMAND...: one command to fopeer (bounded: never blocks on a dead
# reader).
fo() {
	pid_gone "$FO_PID" && fail "fopeer is gone"
	timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$*" "$T/fo.cmd" ||
	    fail "fopeer does not take commands"
}

# fo_lines TYPE / fo_count TYPE: what fopeer received (a line still being
# written is skipped).
fo_lines() { jq -cR --arg t "$1" 'fromjson? | select(.type == $t)' "$FO_OUT" 2>/dev/null; }
fo_count() { fo_lines "$1" | wc -l; }
# fo_after NOTE TYPE: lines of TYPE after `note NOTE`.
fo_after() {
	jq -cR --arg n "$1" --arg t "$2" 'fromjson?' "$FO_OUT" 2>/dev/null |
	    awk -v n="\"text\":\"$1\"" 'index($0, n) { f = 1; next } f' |
	    jq -c --arg t "$2" 'select(.type == $t)'
}

# st [JQ OPTIONS] FILTER: from the primary's status.
st() { srv_status | jq -r "$@"; }

# load N MACBYTE [SECS]: N clients through dhcpload (relay 127.16.0.1);
# ACK lines appended to $T/acks-MACBYTE.txt.
load() {
	local n=$1 m=$2 secs=${3:-30}
	nsx srv "$LOAD" -s "$P_ADDR" -b 127.16.0.1 -n "$n" -r 20000 -w 2000 \
	    -o "$T/acks-$m.txt" -t "$secs" -i 2 -m "$m" -q >>"$T/dhcpload.log" 2>&1
	touch "$T/acks-$m.txt"
}
# ---- end of the shared part ----

pr_link_setup "WaitCtlRetSecs = 60" "CtlReqRetryMax = 0"
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
rej() { st ".failover.rejected[\"$1\"]"; }
rpl() { fo_count poll-rpl; }
# expect_rej NAME N: the counter reaches N within 5 s.
expect_rej() {
	wait_for 5 "[ \"\$(rej $1)\" -eq $2 ]" ||
	    fail "$1 counted $(rej "$1"), expected $2"
	ok "$1 counted ($2)"
}

fo poll
wait_for 5 "[ \$(rpl) -eq 1 ]" || fail "first Poll not answered"
fo replay
expect_rej replayed 1
fo forge ctlret
expect_rej bad-hmac 1
fo forge poll
expect_rej bad-hmac 2
fo trunc
expect_rej short 1
fo wrongid
expect_rej unknown-peer 1
fo reflect
expect_rej reflected 1
fo poll
wait_for 5 "[ \$(rpl) -eq 2 ]" || fail "second good Poll not answered"
fo keep
fo restart
fo poll
wait_for 5 "[ \$(rpl) -eq 3 ]" || fail "Poll after fopeer's restart not answered"
assert "fopeer's restart noticed" test "$(st .failover.peer_restarts)" -eq 1
fo resend-kept
expect_rej old-epoch 1
fo badlease 77
expect_rej bad-lease 1

fo note end
fo poll
wait_for 5 "[ \$(rpl) -eq 4 ]" || fail "last Poll not answered"
assert "exactly the 4 good Polls were answered" test "$(rpl)" -eq 4
assert "the bad lease was not acknowledged" test "$(fo_count bind-ack)" -eq 0
assert "still ctl-wait" test "$(st .failover.state)" = ctl-wait
assert "still one CtlReq (nothing reset the wait)" \
    test "$(st .failover.ctl_req.sent)" -eq 1
assert "no subnet served" test "$(st '.subnets[0].serving')" = false
assert "no binding stored" test "$(srv_ctl leases --json | jq '.leases | length')" -eq 0
assert "accepted: 4 Polls + 1 BindUpd ($(st .failover.accepted))" \
    test "$(st .failover.accepted)" -eq 5
say "rejected: $(st -c '.failover.rejected | with_entries(select(.value > 0))')"
grep -q "failover: dropped datagram from 127.0.0.3:647: replayed" "$SRV_LOG" ||
    fail "the first drop of the burst is not logged"
ok "drops logged (rate-limited)"
pass
