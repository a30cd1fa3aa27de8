#!/bin/bash
# SNMP and the failover's share (docs/snmp.md "The failover's share"):
# the share columns of dhcpfoSubnetTable, dhcpfoFailoverShareExhausted
# and dhcpfoLeaseCommitFailures, read and received through real snmpd
# masters and snmptrapd (one of each per daemon, tests/tools/snmp_lib.sh).
#
# One private namespace (127/8 on its loopback).  Subnet "load" has 10
# addresses, 127.16.0.10-19, FailoverShare 20: the share is .18-.19, the
# primary's own part .10-.17; SafePeriod 600.  The failover's StateDir is
# a small tmpfs of its own (step 6).
#   1. both daemons: share size 2, 2 free, safe period not running
#      (false(2)), 0 s left, as dhcpfoctl status says;
#   2. the primary fills its own part, then the share, each share binding
#      after the failover's approval: one dhcpfoFailoverShareExhausted
#      from the primary (subnet, name, reason), none from the failover,
#      which does not serve the subnet (counted in 5); the two share
#      clients release;
#   3. kill -9 of the primary: in the takeover the failover's safe period
#      runs (SafePeriodRunning true(1), SafePeriodLeft as dhcpfoctl's
#      safe_period_ends); two new clients use up the share: one
#      dhcpfoFailoverShareExhausted from the failover, naming branch1,
#      subnet 127.16.0.0, "new clients are refused"; a third client is
#      refused (the engine's drop "share-exhausted");
#   4. FailoverShareExhausted = false by `dhcpfoctl reload`; a release
#      re-arms the share, a new client uses it up again: the second
#      episode is logged, no notification sent;
#   5. the primary returns: after dhcpfoTakeoverEnded (which comes after
#      anything the failover sent while it served the subnet) the
#      failover has sent exactly one dhcpfoFailoverShareExhausted; the
#      primary, its share full of the failover's grants, reports a new
#      episode;
#   6. the failover's StateDir is filled below its free-space reserve and
#      a release on the primary is replicated: the failover's commits
#      fail, dhcpfoLeaseCommitFailures counts them as dhcpfoctl does, and
#      once the space is back the update is stored.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
. "$TOP/tests/tools/snmp_lib.sh"
snmp_require
require_cmd nsenter fallocate

F_PORT=16131; P_PORT=16132
F_TRAPS=16191; P_TRAPS=16192
ST=$MIB.1.3.1		# dhcpfoSubnetEntry
SHARE=17		# dhcpfoFailoverShareExhausted
FO_RANGE=127.16.0.10-127.16.0.19
FO_P_EXTRA_FAILOVER="FailoverShare = 20"
FO_EXTRA_POLICY="FailoverShare = 20
SafePeriod = 600"

fo_net
fo_write_configs
printf '[snmp]\nAgentXSocket = %s\n' "$T/p-agentx.sock" >>"$T/primary.ini"
printf '[snmp]\nAgentXSocket = %s\n' "$T/f-agentx.sock" >>"$T/failover.ini"
nsx "$FO_NS" "$P_BIN" -t -c "$T/primary.ini" >/dev/null ||
    fail "primary.ini rejected by -t"
nsx "$FO_NS" "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini" >/dev/null ||
    fail "failover.ini rejected by -t"

snmp_master f $F_PORT $F_TRAPS
snmp_master p $P_PORT $P_TRAPS

# The failover on a tmpfs StateDir of 64 MB, mounted in the private mount
# namespace `ip netns exec` gives it (gone with the process); its store
# keeps LEASE_DB_MIN_FREE_DEFAULT (12 MB) free.
f_start_tmpfs() {
	F_STARTS=$((F_STARTS + 1))
	mkdir -p "$T/f/state"
	bg_in "$FO_NS_F" "$T/failover-$F_STARTS.log" sh -c '
		mount -t tmpfs -o size=64m,mode=0700 dfo-e2e-state "$1" ||
		    exit 1
		shift
		exec "$@"' sh "$T/f/state" \
	    "$BUILD/dhcpfo-failover" -f -c "$T/failover.ini"
	F_PID=$BG_PID
	wait_for 10 "fctl status --json | jq -e .primaries" ||
	    fail "failover not answering its control socket"
	say "failover started on a tmpfs StateDir (pid $F_PID)"
}
# in_fmnt CMD...: CMD in the failover's mount namespace (its StateDir).
in_fmnt() { nsenter -t "$F_PID" -m -- "$@"; }

p_start
f_start_tmpfs
fo_wait_state monitoring 10
p_wait_serving 10
wait_for 15 "sget $F_PORT $PT.2.1 | grep -q branch1" ||
    fail "failover's sub-agent does not answer; $(tail -3 "$T/snmpd-f.log")"
wait_for 15 "sget $P_PORT $PT.2.1 | grep -q branch1" ||
    fail "primary's sub-agent does not answer; $(tail -3 "$T/snmpd-p.log")"
ok "start-up: failover monitoring, primary serving, both sub-agents answer"

fsub() { fctl status branch1 --json | jq -r ".subnets[0].$1"; }
psub() { pctl status --json | jq -r ".subnets[0].$1"; }
# cols PORT: share size/free/running/left of subnet row 1.
cols() {
	echo "$(sget "$1" $ST.11.1)/$(sget "$1" $ST.12.1)/$(sget "$1" $ST.13.1)/$(sget "$1" $ST.14.1)"
}
# expect_cols PORT WANT DESCRIPTION: the agent's columns are WANT within
# 3 s (its copy is up to 1 s old, and may predate the failover thread's
# first snapshot).
expect_cols() {
	if wait_for 3 "[ \"\$(cols $1)\" = $2 ]"; then
		ok "$3 ($2)"
	else
		fail "$3: $(cols "$1"), not $2"
	fi
}
in_share() {	# FILE: how many of its addresses are .18 or .19
	awk '{ split($1, o, "."); if (o[4] >= 18 && o[4] <= 19) n++ }
	    END { print n + 0 }' "$1"
}
release() {	# SERVER FILE
	nsx "$FO_NS_R" "$LOAD" -s "$1" -b "$FO_RELAY" -x "$2" >/dev/null 2>&1 ||
	    fail "release of $2 through $1"
}
logged() {	# LOGFILE TEXT: how many lines say TEXT
	grep -cF "$2" "$1" 2>/dev/null
}
USED_UP="the failover's share is used up"
EPISODE="share is used up (2 addresses)"	# no quote: it goes in wait_for

# ---- 1. the share columns at start
assert "dhcpfoctl: a share of 2 on both ($(fsub share_total), $(psub share_total))" \
    test "$(fsub share_total)/$(psub share_total)" = 2/2
expect_cols $F_PORT 2/2/2/0 "failover: size 2, free 2, safe period not running, 0 s"
expect_cols $P_PORT 2/2/2/0 "primary: size 2, free 2, safe period not running, 0 s"
walk=$(nsx "$FO_NS" snmpwalk -v2c -c public -On -t 1 -r 0 \
    "udp:127.0.0.1:$F_PORT" "$ST" 2>&1)
assert "snmpwalk of the subnet table: ShareSize Unsigned32 2, SafePeriodRunning 2" \
    eval 'grep -qx "$ST.11.1 = Gauge32: 2" <<<"$walk" &&
	grep -qx "$ST.13.1 = INTEGER: 2" <<<"$walk"'

# ---- 2. the primary's own part, then the share through approvals
out=$(load -b "$FO_RELAY" -n 8 -m 0x31 -r 1000 -w 8 -o "$T/own.txt" -t 20 -i 2) ||
    fail "8 clients: $out"
assert "8 clients fill the primary's own part" test "$(in_share "$T/own.txt")" = 0
assert "no notification while the share is free" test "$(ntraps p $SHARE branch1)" -eq 0
out=$(load -b "$FO_RELAY" -n 2 -m 0x32 -r 100 -w 2 -o "$T/shared.txt" -t 20 -i 3) ||
    fail "2 clients in the share: $out"
assert "2 more got the share's addresses" test "$(in_share "$T/shared.txt")" = 2
# Granted before the primary's ACKs left: final; status may lag.
wait_for 3 "[ \$(fo_field approvals_granted) -ge 2 ]" || true
assert "each approved by the failover ($(fo_field approvals_granted))" \
    test "$(fo_field approvals_granted)" -eq 2
assert "dhcpfoFailoverShareExhausted from the primary" \
    wait_for 5 "[ \$(ntraps p $SHARE branch1) -ge 1 ]"
h=$(traps_named p $SHARE branch1)
say "reason: $(vb "$h" 4)"
assert "dhcpfoNotifySubnet = 127.16.0.0 ($(vb "$h" 5))" test "$(vb "$h" 5)" = 127.16.0.0
grep -qF "subnet load (127.16.0.0/16): $USED_UP (2 addresses): in a takeover" <<<"$h" ||
    fail "reason: $h"
assert "primary's ShareFree 0 over SNMP" wait_for 3 "[ \"\$(sget $P_PORT $ST.12.1)\" = 0 ]"
release "$FO_P_ADDR" "$T/shared.txt"
assert "released: the primary's share is free again" \
    wait_for 5 "[ \$(psub share_free) -eq 2 ]"
assert "and the failover's" wait_for 5 "[ \$(fsub share_free) -eq 2 ]"
assert "the primary logged its share free again" \
    wait_for 3 "[ \$(logged $T/primary-1.log 'share has 2 of 2 addresses free again') -ge 1 ]"
assert "one notification from the primary" test "$(ntraps p $SHARE branch1)" -eq 1

# ---- 3. takeover: the safe period, the share used up
fo_kill_primary
assert "dhcpfoSubnetSafePeriodRunning true(1) in the takeover" \
    wait_for 3 "[ \"\$(sget $F_PORT $ST.13.1)\" = 1 ]"
assert "dhcpfoctl agrees" test "$(fsub safe_period_running)" = true
left=$(sget $F_PORT $ST.14.1)
want=$(echo "$(fsub safe_period_ends) - $(now_s)" | bc)
say "safe period: $left s left over SNMP, $want s by dhcpfoctl"
# The agent's copy is up to 1 s old and rounds up: 3 s of slack.
assert "dhcpfoSubnetSafePeriodLeft ($left) within 3 s of it, at most 600" \
    test "$(echo "d = $left - $want; d <= 3 && d >= -3 && $left <= 600" | bc)" = 1
out=$(load -b "$FO_RELAY" -n 2 -m 0x33 -r 100 -w 2 -o "$T/to.txt" -t 20 -i 3) ||
    fail "2 new clients in the takeover: $out"
assert "both got share addresses" test "$(in_share "$T/to.txt")" = 2
assert "dhcpfoFailoverShareExhausted from the failover" \
    wait_for 5 "[ \$(ntraps f $SHARE branch1) -ge 1 ]"
h=$(traps_named f $SHARE branch1)
say "reason: $(vb "$h" 4)"
assert "dhcpfoNotifySubnet = 127.16.0.0 ($(vb "$h" 5))" test "$(vb "$h" 5)" = 127.16.0.0
grep -qF "subnet load (127.16.0.0/16): $USED_UP (2 addresses)" <<<"$h" ||
    fail "reason lacks the subnet: $h"
grep -q "s of the safe period left: new clients are refused; once the primary is known to be down: dhcpfoctl partner-down branch1" <<<"$h" ||
    fail "reason lacks what to do: $h"
assert "failover's ShareFree 0 over SNMP ($(cols $F_PORT))" \
    wait_for 3 "[ \"\$(sget $F_PORT $ST.12.1)\" = 0 ]"
# The baseline holds whatever the clients above made the thread drop.
fo_caught_up branch1 "$(now_s)"
ex0=$(fctl status branch1 --json | jq -r '.drops["share-exhausted"] // 0')
out=$(load -b "$FO_RELAY" -n 1 -m 0x34 -r 100 -w 1 -o "$T/refused.txt" -t 6 -i 0 -R 2)
say "one more client: $out"
assert "it got nothing" test ! -s "$T/refused.txt"
ex() { fctl status branch1 --json | jq -r '.drops["share-exhausted"] // 0'; }
assert "refused as share-exhausted (drops were $ex0)" \
    wait_for 3 "[ \$(ex) -gt $ex0 ]"

# ---- 4. the switch off: an episode is logged, not notified
echo "FailoverShareExhausted = false" >>"$T/failover.ini"
out=$(fctl reload) || fail "reload: $out"
assert "the reload switched one notification off" \
    wait_for 3 "grep -q 'snmp: applied: traps on, 1 of 17 notifications switched off' $T/failover-1.log"
assert "the episode was logged once so far" \
    test "$(logged "$T/failover-1.log" "$EPISODE")" -eq 1
head -n 1 "$T/to.txt" >"$T/to-released.txt"
release "$FO_F_ADDR" "$T/to-released.txt"
assert "a release re-arms the share (logged)" \
    wait_for 5 "[ \$(logged $T/failover-1.log 'share has 1 of 2 addresses free again') -ge 1 ]"
out=$(load -b "$FO_RELAY" -n 1 -m 0x35 -r 100 -w 1 -o "$T/to2.txt" -t 20 -i 3) ||
    fail "a new client for the released address: $out"
assert "it got the share's free address" test "$(in_share "$T/to2.txt")" = 1
assert "the second episode is logged" \
    wait_for 5 "[ \$(logged $T/failover-1.log '$EPISODE') -ge 2 ]"

# ---- 5. the primary returns
p_start
fo_wait_state monitoring 20
p_wait_serving 20
assert "dhcpfoTakeoverEnded from the failover" \
    wait_for 10 "[ \$(ntraps f 5 branch1) -ge 1 ]"
assert "before it, exactly one dhcpfoFailoverShareExhausted from the failover" \
    test "$(ntraps f $SHARE branch1)" -eq 1
assert "the primary, its share full of the failover's grants: a new episode" \
    wait_for 10 "[ \$(ntraps p $SHARE branch1) -ge 2 ]"
expect_cols $P_PORT 2/0/2/0 "primary: safe period never runs there"
expect_cols $F_PORT 2/0/2/0 "failover: not serving, no safe period"

# ---- 6. the failover's store below its reserve: commits fail
c0=$(sget $F_PORT $MIB.1.1.6.0)
assert "no commit failure so far ($c0)" test "$c0" = 0
nb=$(bound_of "$T/f/ctl.sock" | wc -l)
avail=$(in_fmnt df -B1 --output=avail "$T/f/state" | tail -n 1)
fill=$(( avail - 4 * 1024 * 1024 ))
[ "$fill" -gt 0 ] || fail "tmpfs: only $avail bytes free"
in_fmnt fallocate -l "$fill" "$T/f/state/fill" || fail "fallocate $fill"
say "StateDir filled: $(in_fmnt df -h --output=avail "$T/f/state" | tail -n 1) left"
head -n 1 "$T/own.txt" >"$T/own-released.txt"
release "$FO_P_ADDR" "$T/own-released.txt"
assert "dhcpfoLeaseCommitFailures counts the failover's failed commits" \
    wait_for 10 "[ \"\$(sget $F_PORT $MIB.1.1.6.0)\" -ge 1 ]"
in_fmnt rm -f "$T/f/state/fill" || fail "rm fill"
assert "with the space back, the failover stores the release" \
    wait_for 20 "[ \$(bound_of $T/f/ctl.sock | wc -l) -eq $((nb - 1)) ]"
cf() { fctl status branch1 --json | jq -r .commit_failures; }
assert "dhcpfoLeaseCommitFailures = dhcpfoctl's commit_failures" \
    wait_for 5 "[ \"\$(sget $F_PORT $MIB.1.1.6.0)\" = \"\$(cf)\" ]"
say "commit failures: $(cf)"
assert "the primary's own store never failed" \
    test "$(sget $P_PORT $MIB.1.1.6.0)" = 0
pass
