#!/bin/bash
# Failover link, case (a): UseFailoverServer = true but no failover runs.
# (And first: a key file others may read refuses the start, exit 78.)
#
# The primary starts in ctl-wait serving nothing, sends CtlReq, resends
# it CtlReqRetryMax times (WaitCtlRetSecs apart), then declares the
# failover inoperable and serves every subnet (seed 5 CtlReqRetryMax).
# Binding updates are still sent; with nobody acking they fail after
# SyncBindRetryMax retries and replication pauses with its watermark
# where it was.  Status and history show all of it.
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

pr_link_setup "CtlReqRetryMax = 2" "WaitCtlRetSecs = 1.5" \
    "WaitSyncBindAckSecs = 0.3" "SyncBindRetryMax = 1"

# A key file others can read is a configuration error: exit 78, naming
# the file (docs/failover-protocol.md 6).
chmod 644 "$T/fo.key"
nsx srv "$BUILD/dhcpfo-primary" -c "$T/primary.ini" -f >"$T/badkey.log" 2>&1
rc=$?
assert "a readable key file stops the start with exit 78 ($rc)" test "$rc" -eq 78
assert "the message names the key file and the fix" \
    grep -q "SharedKeyFile: $T/fo.key: .*chmod 600 $T/fo.key" "$T/badkey.log"
chmod 600 "$T/fo.key"

t0=$(now_ms)
srv_start srv

assert "state is ctl-wait right after start" \
    test "$(st .failover.state)" = ctl-wait
assert "the subnet is the failover's: not served" \
    test "$(st '.subnets[0] | "\(.served_by) \(.serving)"')" = "failover false"
# A client asking now gets nothing: the pool does not serve.
load 5 0x31 3
assert "no ACK while waiting for control ($(wc -l <"$T/acks-0x31.txt"))" \
    test "$(wc -l <"$T/acks-0x31.txt")" -eq 0
assert "requests dropped as not-serving ($(st '.drops["not-serving"]'))" \
    test "$(st '.drops["not-serving"]')" -gt 0

wait_for 10 "[ \"\$(st .failover.state)\" = serving ]" ||
    fail "not serving after 10 s (state $(st .failover.state))"
secs=$(( ($(now_ms) - t0) / 1000 ))
ok "serving after about ${secs} s (3 CtlReq, 1.5 s apart)"
assert "3 CtlReq sent (1 + CtlReqRetryMax 2)" \
    test "$(st .failover.ctl_req.sent)" -eq 3
assert "failover declared inoperable once" \
    test "$(st .failover.ctl_req.inoperable)" -eq 1
assert "gave_up is shown" test "$(st .failover.gave_up)" = true
assert "the subnet is the primary's again" \
    test "$(st '.subnets[0] | "\(.served_by) \(.serving)"')" = "primary true"
assert "text status says the failover is inoperable" \
    bash -c "'$BUILD/dhcpfoctl' -s '$SRV_SOCK' status | grep -q 'failover declared inoperable'"

hist=$(srv_ctl history --json)
assert "history: init -> ctl-wait -> serving" \
    test "$(jq -r '[.history[] | "\(.from)>\(.to)"] | join(" ")' <<<"$hist")" = \
    "init>ctl-wait ctl-wait>serving"
assert "history gives the reason" \
    test "$(jq -r '.history[1].reason' <<<"$hist")" = \
    "failover not answering after 3 CtlReq; serving"
srv_ctl history | sed 's/^/  | /'
grep -q 'failover: ctl-wait -> serving (failover not answering after 3 CtlReq; serving)' \
    "$SRV_LOG" || fail "transition not logged as 'failover: A -> B (reason)'"
ok "transition logged"

# Now clients are served, and their bindings go out to nobody.
load 20 0x32
assert "20 clients bound" test "$(wc -l <"$T/acks-0x32.txt")" -eq 20
wait_for 10 "[ \"\$(st .failover.replication.paused)\" = true ]" ||
    fail "replication did not give up ($(st -c .failover.replication))"
assert "replication failure counted ($(st .failover.replication.failures))" \
    test "$(st .failover.replication.failures)" -ge 1
assert "retries counted ($(st .failover.replication.retries))" \
    test "$(st .failover.replication.retries)" -ge 1
assert "nothing acknowledged" test "$(st .failover.replication.acked)" -eq 0
# The watermark stays below the first update given up on (offers, which
# are not replicated, took the numbers below it).
w=$(st .failover.replication.watermark)
assert "watermark $w held below the updates sent" \
    grep -q "replication stopped at update $w: update $((w + 1)) " "$SRV_LOG"
say "last failure: $(st .failover.replication.last_failure)"
assert "the reason is shown" test -n "$(st .failover.replication.last_failure)"
srv_stop
assert "clean exit" test "$SRV_EXIT" -eq 0
pass
