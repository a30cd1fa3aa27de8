#!/bin/bash
# SNMP: the AgentX sub-agents of both daemons (snmp/snmp_agent.c,
# snmp/DHCPFO-MIB.txt) under a real snmpd, traps through snmptrapd.
#
# One private namespace (127/8 on its loopback only).  In production the
# primary and the failover run on different hosts, each with its own
# snmpd, and one MIB subtree can be registered once per master: so here
# too each daemon has its own snmpd master (AgentX on a unix socket in $T,
# SNMP on udp:127.0.0.1:1610x), and both masters send traps to one
# snmptrapd (udp:127.0.0.1:16162).  Then:
#   1. the failover's dhcpfoPrimaryTable row 1 (name, state) matches
#      `dhcpfoctl status --json`; the primary's row carries its own
#      control state; on both, the subnet's share columns (size, free,
#      safe period not running, 0 s left) and dhcpfoLeaseCommitFailures
#      match dhcpfoctl's;
#   2. kill -9 of the primary: dhcpfoPrimaryNotResponding and
#      dhcpfoTakeoverStarted arrive, naming branch1, with a reason; the
#      failover's safe period runs (SafePeriod = 600) and the seconds
#      left match dhcpfoctl's safe_period_ends;
#   3. the primary restarts: dhcpfoHandbackCompleted arrives;
#   4. the failover's snmpd restarts: the sub-agent reconnects (AgentX
#      ping, SNMP_AGENT_PING s) and snmpget answers again in bounded time.
# OIDs are numeric (-On): Debian ships no IETF MIBs for net-snmp to parse.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd snmpd snmptrapd snmpget snmpwalk jq

MIB=.1.3.6.1.4.1.8072.9999.9999.647
PT=$MIB.1.2.1		# dhcpfoPrimaryEntry
ST=$MIB.1.3.1		# dhcpfoSubnetEntry
NOTE=$MIB.0
F_PORT=16101; P_PORT=16102; TRAP_PORT=16162
export MIBS="" SNMP_PERSISTENT_DIR="$T/snmp-persist"
mkdir -p "$SNMP_PERSISTENT_DIR"

fo_net
FO_EXTRA_POLICY="SafePeriod = 600"
fo_write_configs
cat >>"$T/primary.ini" <<EOT
[snmp]
AgentXSocket = $T/p-agentx.sock
Traps = true
EOT
cat >>"$T/failover.ini" <<EOT
[snmp]
AgentXSocket = $T/f-agentx.sock
Traps = true
EOT

snmpd_conf() {	# WHO
	cat >"$T/snmpd-$1.conf" <<EOT
master agentx
agentXSocket $T/$1-agentx.sock
agentXPerms 0600 0700
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:$TRAP_PORT public
EOT
}
SNMPD_F=""; SNMPD_P=""; SNMPD_F_STARTS=0
snmpd_start() {	# WHO PORT
	local n=$1
	[ "$n" = f ] && SNMPD_F_STARTS=$((SNMPD_F_STARTS + 1))
	bg_in "$FO_NS" "$T/snmpd-$n.log" \
	    snmpd -f -Lo -C -c "$T/snmpd-$n.conf" -p "$T/snmpd-$n.pid" \
	    "udp:127.0.0.1:$2"
	[ "$n" = f ] && SNMPD_F=$BG_PID || SNMPD_P=$BG_PID
	wait_for 10 "[ -S $T/$n-agentx.sock ]" ||
	    fail "snmpd ($n) made no AgentX socket; $(tail -5 "$T/snmpd-$n.log")"
}
sget() {	# PORT OID: the value only
	nsx "$FO_NS" snmpget -v2c -c public -On -Oqv -t 1 -r 0 \
	    "udp:127.0.0.1:$1" "$2" 2>/dev/null
}
trap_count() {	# NOTIFICATION-SUBID: traps of that kind naming branch1,
		# with a reason
	grep -F "OID: $NOTE.$1;;" "$T/traps.log" 2>/dev/null |
	    grep -F "$MIB.1.5.1.0 = STRING: \"branch1\"" |
	    grep -c "$MIB.1.5.4.0 = STRING: \"[^\"]"
}
traps_have() { [ "$(trap_count "$1")" -gt "${2:-0}" ]; }

snmpd_conf f
snmpd_conf p
cat >"$T/snmptrapd.conf" <<EOT
disableAuthorization yes
EOT
bg_in "$FO_NS" "$T/traps.log" \
    snmptrapd -f -Lo -C -c "$T/snmptrapd.conf" -On -n \
    -F "TRAP %B %N %w %q ;; %V;; %v\n" "udp:127.0.0.1:$TRAP_PORT"
snmpd_start f $F_PORT
snmpd_start p $P_PORT

p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
ok "start-up: failover monitoring, primary serving"

# ---- 1. the tables match dhcpfoctl
state_num() {
	case $1 in
	startup) echo 1;; syncing) echo 2;; monitoring) echo 3;;
	takeover) echo 4;; returning) echo 5;; stopped) echo 6;;
	init) echo 7;; standalone) echo 8;; ctl-wait|ctl_wait) echo 9;;
	receiving) echo 10;; serving) echo 11;; *) echo "?";;
	esac
}
wait_for 15 "sget $F_PORT $PT.2.1 | grep -q branch1" ||
    fail "failover's sub-agent does not answer: $(sget $F_PORT $PT.2.1); $(tail -5 "$T/snmpd-f.log")"
name=$(sget $F_PORT $PT.2.1 | tr -d '"')
assert "failover row 1 name ($name) = dhcpfoctl's ($(fo_field name))" \
    test "$name" = "$(fo_field name)"
assert "failover row 1 state = dhcpfoctl's ($(fo_state))" \
    wait_for 3 "[ \"\$(sget $F_PORT $PT.4.1)\" = \$(state_num \$(fo_state)) ]"
assert "failover role = failover(2)" test "$(sget $F_PORT $MIB.1.1.1.0)" = 2
walk=$(nsx "$FO_NS" snmpwalk -v2c -c public -On -t 1 -r 0 \
    "udp:127.0.0.1:$F_PORT" "$MIB" 2>&1)
say "walk of the failover: $(echo "$walk" | wc -l) objects"
assert "walk reaches the subnet table and the DHCP counters" \
    eval 'echo "$walk" | grep -q "^$MIB.1.3.1.2.1 = IpAddress: 127.16.0.0" &&
	echo "$walk" | grep -q "^$MIB.1.4.10.0 = Counter64"'
wait_for 15 "sget $P_PORT $PT.2.1 | grep -q branch1" ||
    fail "primary's sub-agent does not answer; $(tail -5 "$T/snmpd-p.log")"
assert "primary row 1 state = its own ($(p_fostate))" \
    wait_for 3 "[ \"\$(sget $P_PORT $PT.4.1)\" = \$(state_num \$(p_fostate)) ]"
assert "primary role = primary(1)" test "$(sget $P_PORT $MIB.1.1.1.0)" = 1

# The failover's share: subnet row 1 of each daemon against dhcpfoctl.
# share_total is a figure of the configuration, share_free does not move
# without clients; the agent's copy is up to 1 s old and may predate the
# thread's first snapshot: wait for the agent to show the same.
fsub() { fctl status branch1 --json | jq -r ".subnets[0].$1"; }
psub() { pctl status --json | jq -r ".subnets[0].$1"; }
for who in f p; do
	if [ $who = f ]; then port=$F_PORT; get=fsub; else port=$P_PORT; get=psub; fi
	size=$($get share_total); free=$($get share_free)
	[ "$size" -gt 0 ] || fail "$who: no share in dhcpfoctl status ($size)"
	assert "$who: dhcpfoSubnetShareSize = share_total ($size)" \
	    wait_for 3 "[ \"\$(sget $port $ST.11.1)\" = $size ]"
	assert "$who: dhcpfoSubnetShareFree = share_free ($free)" \
	    wait_for 3 "[ \"\$(sget $port $ST.12.1)\" = $free ]"
	assert "$who: dhcpfoSubnetSafePeriodRunning = false(2), 0 s left" \
	    wait_for 3 "[ \"\$(sget $port $ST.13.1)/\$(sget $port $ST.14.1)\" = 2/0 ]"
done
assert "failover: dhcpfoLeaseCommitFailures = commit_failures (0)" \
    wait_for 3 "[ \"\$(sget $F_PORT $MIB.1.1.6.0)\" = \"\$(fctl status branch1 --json | jq -r .commit_failures)\" ]"
assert "primary: dhcpfoLeaseCommitFailures = commit_failures (0)" \
    wait_for 3 "[ \"\$(sget $P_PORT $MIB.1.1.6.0)\" = \"\$(pctl status --json | jq -r .counters.commit_failures)\" ]"
assert "walk reaches the new subnet columns" \
    eval 'echo "$walk" | grep -q "^$ST.14.1 = Gauge32: 0"'

# ---- 2. kill -9: not responding, takeover
fo_kill_primary
assert "dhcpfoPrimaryNotResponding received" \
    wait_for 10 "traps_have 2"
assert "dhcpfoTakeoverStarted received" wait_for 10 "traps_have 4"
assert "dhcpfoStateChange monitoring(3) -> takeover(4) received" \
    wait_for 10 "grep -F 'OID: $NOTE.1;;' $T/traps.log | grep -F '$MIB.1.5.2.0 = INTEGER: 3' | grep -qF '$MIB.1.5.3.0 = INTEGER: 4'"
assert "failover row 1 state is takeover(4) over SNMP" \
    wait_for 3 "[ \"\$(sget $F_PORT $PT.4.1)\" = 4 ]"
assert "dhcpfoSubnetSafePeriodRunning = true(1) in the takeover" \
    wait_for 3 "[ \"\$(sget $F_PORT $ST.13.1)\" = 1 ]"
left=$(sget $F_PORT $ST.14.1)
ends=$(fsub safe_period_ends)
want=$(echo "$ends - $(now_s)" | bc)
say "safe period: $left s left over SNMP, $want s by dhcpfoctl"
# The agent's copy is up to 1 s old and rounds up: 3 s of slack.
assert "dhcpfoSubnetSafePeriodLeft ($left) within 3 s of dhcpfoctl's" \
    test "$(echo "d = $left - $want; d <= 3 && d >= -3" | bc)" = 1
assert "and at most SafePeriod (600)" test "$left" -le 600

# ---- 3. the primary returns: hand-back (start-up may have had one)
hb0=$(trap_count 7)
p_start
fo_wait_state monitoring 15
p_wait_serving 15
assert "dhcpfoHandbackCompleted received" wait_for 10 "traps_have 7 $hb0"

# ---- 4. the failover's snmpd restarts
stop_pid "$SNMPD_F"
wait_for 5 "pid_gone $SNMPD_F" || fail "snmpd (f) did not stop"
rm -f "$T/f-agentx.sock"
assert "no answer while the master is down" fails sget $F_PORT $PT.2.1
snmpd_start f $F_PORT
bound=$((10 * 3 + 5))	# SNMP_AGENT_PING 10 s: a few pings, and margin
t0=$(now_ms)
wait_for $bound "sget $F_PORT $PT.2.1 | grep -q branch1" ||
    fail "sub-agent did not come back within $bound s"
say "sub-agent back $(( ($(now_ms) - t0) )) ms after snmpd restarted"
assert "the failover kept serving while snmpd was away" \
    test "$(fo_state)" = monitoring
ok "AgentX reconnect"
pass
