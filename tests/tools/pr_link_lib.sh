# shellcheck shell=bash
#
# Shared by the t_pr_link_*.sh tests, sourced after tests/e2e/lib.sh and
# e2e_init; it skips the test when the tools are not built.
# Namespace "srv": the primary on 127.0.0.2, the fake failover (fopeer)
# on 127.0.0.3, both on the namespace's own loopback.
FOPEER=$BUILD/tools/fopeer
LOAD=$BUILD/tools/dhcpload
[ -x "$FOPEER" ] || skip "$FOPEER not built (run make)"
[ -x "$LOAD" ] || skip "$LOAD not built (run make)"

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
