#!/bin/bash
# Lease store failures: no ACK leaves for a lease that is not durable.
#
# The primary runs with Berkeley DB made to fail on request
# (tests/tools/dbfault.c, preloaded; its control file is rewritten by the
# test), relayed clients come from tests/tools/dhcpload, which records
# every ACK it receives.  Clients retransmit for up to 20 s, so a client
# whose ACK was withheld retries and is answered once its lease is stored.
#   1. no fault: 300 clients bound, commit_failures 0;
#   2. the next lease write fails (ENOMEM): that batch is lost -- counted
#      in commit_failures, its ACKs withheld -- and the next batch starts
#      clean: all 300 new clients end up bound;
#   3. the next two commits fail (EIO): two batches lost, counted; all
#      300 new clients bound;
#   4. every lease write fails: not one ACK leaves while it lasts, the
#      failures are counted; the fault is cleared and the waiting clients
#      are all answered;
#   5. kill -9: leasedump of the StateDir, then a restart, hold every
#      acknowledged lease, bound to its client; no address was
#      acknowledged to two clients.
. "$(dirname "$0")/lib.sh"
e2e_init
[ "$E2E_SERVER" = dhcpfo ] || skip "needs dhcpfo (fault injection into its store)"
SHIM=$BUILD/tools/dbfault.so
LOAD=$BUILD/tools/dhcpload
[ -f "$SHIM" ] || skip "$SHIM not built (run make)"
[ -x "$LOAD" ] || skip "$LOAD not built (run make)"
[ -x "$BUILD/tools/leasedump" ] || skip "$BUILD/tools/leasedump not built (run make)"

N=300
CTL=$T/dbfault.ctl
: >"$CTL"

loopback_load_conf
SRV_ENV=(LD_PRELOAD="$SHIM" DHCPFO_DBFAULT="$CTL")
case $BUILD in *san*) SRV_ENV+=(ASAN_OPTIONS=verify_asan_link_order=0) ;; esac
srv_start srv

# fault TEXT: the shim's new control (dbfault.c), replaced atomically.
fault() {
	printf '%s\n' "$1" >"$CTL.new" && mv "$CTL.new" "$CTL" || fail "control file"
	say "fault: ${1:-none}"
}
ctr() { srv_status | jq -r ".counters.$1"; }
# load_args MACBYTE ACKFILE: N new clients, retransmitting every 0.2 s
# up to 100 times; stops only when all are answered (or at 60 s).
load_args() {
	echo -s 127.0.0.10 -b 127.16.0.1 -n "$N" -m "$1" -r 2000 -w 100 \
	    -o "$2" -t 60 -i 0 -T 200 -R 100 -q
}
# run_load MACBYTE ACKFILE: in the foreground; every client must be
# acknowledged.
run_load() {
	local out
	# shellcheck disable=SC2046
	out=$(nsx srv "$LOAD" $(load_args "$1" "$2") 2>&1) ||
	    fail "not every client was acknowledged: $out"
	say "$(tail -n 1 <<<"$out")"
}
acks() { cat "$T"/acks-*.txt 2>/dev/null | wc -l; }

# ---- 1. no fault
run_load 0x10 "$T/acks-1.txt"
assert "phase 1: $N clients acknowledged" test "$(wc -l <"$T/acks-1.txt")" -ge "$N"
assert "no commit failure yet" test "$(ctr commit_failures)" = 0

# ---- 2. one lease write fails
fault "put_fail_count=1 errno=ENOMEM"
run_load 0x20 "$T/acks-2.txt"
wait_for 5 "grep -q 'put 1 into \"leases\" failed' '$SRV_LOG'" ||
    fail "the shim did not inject the write failure"
assert "the lost batch is counted: commit_failures 1 ($(ctr commit_failures))" \
    test "$(ctr commit_failures)" = 1
assert "its ACKs were withheld: acks_withheld $(ctr acks_withheld) >= 1" \
    test "$(ctr acks_withheld)" -ge 1
assert "the server logged the lost batch" grep -q "batch lost (stage: " "$SRV_LOG"
f2=$(ctr commit_failures)

# ---- 3. two commits fail
fault "commit_fail_count=2 errno=EIO"
run_load 0x30 "$T/acks-3.txt"
assert "two more lost batches counted: commit_failures 3 ($(ctr commit_failures))" \
    test "$(ctr commit_failures)" = $((f2 + 2))

# ---- 4. every write fails until the fault is cleared
f3=$(ctr commit_failures)
w3=$(ctr acks_withheld)
before=$(acks)
fault "put_fail_count=-1 errno=ENOMEM"
: >"$T/acks-4.txt"
# shellcheck disable=SC2046
bg_in srv "$T/dhcpload-4.log" "$LOAD" $(load_args 0x40 "$T/acks-4.txt")
LOAD_PID=$BG_PID
wait_for 20 "[ \$(ctr commit_failures) -ge $((f3 + 5)) ] && [ \$(ctr acks_withheld) -ge $((w3 + 20)) ]" ||
    fail "failures not counted during the fault (commit_failures $(ctr commit_failures), acks_withheld $(ctr acks_withheld))"
assert "while every write fails no ACK leaves ($(acks) ACKs, $before before)" \
    test "$(acks)" = "$before"
say "during the fault: commit_failures $(ctr commit_failures), acks_withheld $(ctr acks_withheld)"
text_failures=$(srv_ctl status | awk '$1 == "commit_failures" { print $2 }')
assert "text status shows commit_failures ($text_failures)" \
    test "${text_failures:-0}" -ge $((f3 + 5))
fault ""
wait_for 30 "pid_gone $LOAD_PID" || fail "the clients were not answered after the fault cleared"
wait "$LOAD_PID" || fail "not every waiting client was acknowledged: $(tail -n 2 "$T/dhcpload-4.log")"
say "$(tail -n 1 "$T/dhcpload-4.log")"
assert "service resumed: $N clients acknowledged after the fault" \
    test "$(sort -u "$T/acks-4.txt" | wc -l)" = "$N"

# ---- 5. kill -9: every acknowledged lease is in the store
cat "$T"/acks-*.txt | sort -u >"$T/acked.txt"
assert "no address acknowledged to two clients" \
    test "$(awk '{ if (s[$1] != "" && s[$1] != $2) n++; s[$1] = $2 } END { print n + 0 }' "$T/acked.txt")" = 0
srv_kill9
# check_leases LABEL: every ACK line is a bound lease of the same chaddr.
check_leases() {
	local json=$T/leases-$1.json missing
	srv_leases >"$json" || fail "$1: could not read leases"
	jq -r '.leases[] | select(.state == "bound")
	    | "\(.address) \(.hwaddr | ascii_downcase)"' "$json" |
	    sort -u >"$T/bound-$1.txt"
	missing=$(comm -23 "$T/acked.txt" "$T/bound-$1.txt" | wc -l)
	if [ "$missing" -ne 0 ]; then
		comm -23 "$T/acked.txt" "$T/bound-$1.txt" | head -n 5 | sed 's/^/  | missing: /'
		fail "$1: $missing acknowledged leases are not in the store"
	fi
	ok "$1: all $(wc -l <"$T/acked.txt") acknowledged leases are bound to their clients"
}
check_leases leasedump-after-kill
srv_start srv
check_leases after-restart
pass
