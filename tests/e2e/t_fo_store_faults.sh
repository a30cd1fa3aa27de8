#!/bin/bash
# Lease store failures while the failover serves in takeover: the same
# rule as the primary's (t_store_faults.sh; common/dhcp/gcommit.c) -- no ACK
# leaves for a lease that is not durable.
#
# The failover runs with Berkeley DB made to fail on request
# (tests/tools/dbfault.c, preloaded).  300 clients bind through the
# primary, which is then killed (-9): the failover takes over and the
# faults are injected into its store while new clients (dhcpload,
# retransmitting for up to 20 s) arrive:
#   1. the next lease write fails: one lost batch, counted, ACKs
#      withheld; every client ends up bound;
#   2. the next two commits fail: two more lost batches;
#   3. every lease write fails: not one ACK leaves while it lasts; once
#      it is cleared every waiting client is answered;
#   4. kill -9 of the failover: its store (leasedump) holds every lease
#      acknowledged, by the primary before the takeover and by the
#      failover after it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
SHIM=$BUILD/tools/dbfault.so
[ -f "$SHIM" ] || skip "$SHIM not built (run make)"
[ -x "$BUILD/tools/leasedump" ] || skip "$BUILD/tools/leasedump not built (run make)"

N=300
CTL=$T/dbfault.ctl
: >"$CTL"
fo_net
fo_write_configs
F_ENV=(LD_PRELOAD="$SHIM" DHCPFO_DBFAULT="$CTL")
case $BUILD in *san*) F_ENV+=(ASAN_OPTIONS=verify_asan_link_order=0) ;; esac
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10

fault() {
	printf '%s\n' "$1" >"$CTL.new" && mv "$CTL.new" "$CTL" || fail "control file"
	say "fault: ${1:-none}"
}
# The failover's own counters for branch1 (snapshots lag by 20 ms).
fctr() { fctl status branch1 --json | jq -r ".$1"; }
load_args() {
	echo -s "$FO_F_ADDR" -b "$FO_RELAY" -n "$N" -m "$1" -r 2000 -w 100 \
	    -o "$2" -t 60 -i 0 -T 200 -R 100 -q
}
run_load() {
	local out
	# shellcheck disable=SC2046
	out=$(nsx "$FO_NS_R" "$LOAD" $(load_args "$1" "$2") 2>&1) ||
	    fail "not every client was acknowledged: $out"
	say "$(tail -n 1 <<<"$out")"
}
acks() { cat "$T"/acks-f*.txt 2>/dev/null | wc -l; }

out=$(load -b "$FO_RELAY" -n "$N" -r 2000 -w 200 -o "$T/acks-p.txt" -t 30 -i 2) ||
    fail "clients of the primary: $out"
say "$out"
fo_wait_holds 10 "$T/acks-p.txt"
fo_kill_primary
f0=$(fctr commit_failures)
assert "no commit failure before the faults ($f0)" test "$f0" = 0

# ---- 1. one lease write fails
fault "put_fail_count=1 errno=ENOMEM"
run_load 0x20 "$T/acks-f1.txt"
wait_for 5 "[ \$(fctr commit_failures) -ge 1 ]" || true
assert "the lost batch is counted: commit_failures 1 ($(fctr commit_failures))" \
    test "$(fctr commit_failures)" = 1
wait_for 5 "[ \$(fctr acks_withheld) -ge 1 ]" || fail "no ACK withheld"
ok "its ACKs were withheld: acks_withheld $(fctr acks_withheld)"
assert "the shim injected the write failure" \
    grep -q 'put 1 into "leases" failed' "$T/failover-$F_STARTS.log"
assert "the failover logged the lost batch" \
    grep -q "primary=branch1: lease store batch lost (stage: " "$T/failover-$F_STARTS.log"

# ---- 2. two commits fail
fault "commit_fail_count=2 errno=EIO"
run_load 0x30 "$T/acks-f2.txt"
wait_for 5 "[ \$(fctr commit_failures) -ge 3 ]" || true
assert "two more lost batches counted: commit_failures 3 ($(fctr commit_failures))" \
    test "$(fctr commit_failures)" = 3

# ---- 3. every write fails until cleared
f2=$(fctr commit_failures)
w2=$(fctr acks_withheld)
before=$(acks)
fault "put_fail_count=-1 errno=ENOMEM"
: >"$T/acks-f3.txt"
# shellcheck disable=SC2046
bg_in "$FO_NS_R" "$T/dhcpload-3.log" "$LOAD" $(load_args 0x40 "$T/acks-f3.txt")
LOAD_PID=$BG_PID
wait_for 20 "[ \$(fctr commit_failures) -ge $((f2 + 5)) ] && [ \$(fctr acks_withheld) -ge $((w2 + 20)) ]" ||
    fail "failures not counted during the fault (commit_failures $(fctr commit_failures), acks_withheld $(fctr acks_withheld))"
assert "while every write fails no ACK leaves ($(acks) ACKs, $before before)" \
    test "$(acks)" = "$before"
say "during the fault: commit_failures $(fctr commit_failures), acks_withheld $(fctr acks_withheld)"
text_failures=$(fctl status branch1 | sed -n 's/^lease store: .*, \([0-9]*\) commit failures,.*/\1/p')
assert "text status shows the commit failures ($text_failures)" \
    test "${text_failures:-0}" -ge $((f2 + 5))
fault ""
wait_for 30 "pid_gone $LOAD_PID" || fail "the clients were not answered after the fault cleared"
wait "$LOAD_PID" || fail "not every waiting client was acknowledged: $(tail -n 2 "$T/dhcpload-3.log")"
say "$(tail -n 1 "$T/dhcpload-3.log")"
assert "service resumed: $N clients acknowledged after the fault" \
    test "$(sort -u "$T/acks-f3.txt" | wc -l)" = "$N"
assert "the failover is still in takeover" test "$(fo_state)" = takeover

# ---- 4. kill -9 of the failover: its store holds every ACKed lease
cat "$T"/acks-*.txt | sort -u >"$T/acked.txt"
assert "no address acknowledged to two clients" check_unique "$T/acked.txt"
kill -KILL "$F_PID"
wait_for 5 "pid_gone $F_PID" || fail "failover survived SIGKILL"
"$BUILD/tools/leasedump" "$T/f/state" branch1 >"$T/dump.json" ||
    fail "leasedump of the failover's store failed"
jq -r 'select(.state == "bound") | "\(.address) \(.hwaddr | ascii_downcase)"' \
    "$T/dump.json" | sort -u >"$T/bound.txt"
assert "the failover's store holds all $(wc -l <"$T/acked.txt") acknowledged leases" \
    check_all_held "$T/acked.txt" "$T/bound.txt"
pass
