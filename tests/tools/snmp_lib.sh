# shellcheck shell=bash
#
# Real net-snmp around the daemons' AgentX sub-agents, for the SNMP
# end-to-end tests (t_snmp_*.sh), sourced after tests/e2e/lib.sh and
# e2e_init.  In production each daemon has its own host and its own
# snmpd, and DHCPFO-MIB can be registered once per master; so here too
# every daemon gets its own master (AgentX on a unix socket in $T, SNMP
# on udp:127.0.0.1:PORT in namespace $SNMP_NS) and its own snmptrapd, so
# a trap's log file says which daemon sent it.  Every process is started
# with bg_in (stopped by pid at exit); every wait is bounded.
#
# OIDs are numeric (-On): Debian ships no IETF MIBs for net-snmp to parse.

SNMP_NS=${SNMP_NS:-lo}
MIB=.1.3.6.1.4.1.8072.9999.9999.647
PT=$MIB.1.2.1		# dhcpfoPrimaryEntry
NOTE=$MIB.0		# dhcpfoNotifications
NOBJ=$MIB.1.5		# dhcpfoNotifyObjects
export MIBS="" SNMP_PERSISTENT_DIR="$T/snmp-persist"
mkdir -p "$SNMP_PERSISTENT_DIR"

snmp_require() { require_cmd snmpd snmptrapd snmpget jq; }

# snmp_master WHO PORT TRAPPORT: snmpd with AgentX on $T/WHO-agentx.sock,
# sending its traps to snmptrapd on TRAPPORT (logged to $T/traps-WHO.log,
# started here too unless it runs already).
declare -A SNMPD_PID=()
declare -A TRAPD_PID=()
snmp_master() {
	local who=$1 port=$2 tport=$3
	cat >"$T/snmpd-$who.conf" <<EOT
master agentx
agentXSocket $T/$who-agentx.sock
agentXPerms 0600 0700
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:$tport public
EOT
	if [ -z "${TRAPD_PID[$tport]:-}" ]; then
		echo "disableAuthorization yes" >"$T/snmptrapd.conf"
		# One line per trap: "OID: <notification>;; <varbind>;; ..."
		bg_in "$SNMP_NS" "$T/traps-$who.log" \
		    snmptrapd -f -Lo -C -c "$T/snmptrapd.conf" -On -n \
		    -F "TRAP %B %N %w %q ;; %V;; %v\n" "udp:127.0.0.1:$tport"
		TRAPD_PID[$tport]=$BG_PID
		wait_for 5 "udp_bound $SNMP_NS $tport" ||
		    fail "snmptrapd on $tport did not start"
	fi
	rm -f "$T/$who-agentx.sock"
	bg_in "$SNMP_NS" "$T/snmpd-$who.log" \
	    snmpd -f -Lo -C -c "$T/snmpd-$who.conf" -p "$T/snmpd-$who.pid" \
	    "udp:127.0.0.1:$port"
	SNMPD_PID[$who]=$BG_PID
	wait_for 10 "[ -S $T/$who-agentx.sock ]" ||
	    fail "snmpd ($who) made no AgentX socket; $(tail -5 "$T/snmpd-$who.log")"
}

# sget PORT OID: the value only (empty and non-zero when there is none).
sget() {
	local v
	v=$(nsx "$SNMP_NS" snmpget -v2c -c public -On -Oqv -t 1 -r 0 \
	    "udp:127.0.0.1:$1" "$2" 2>/dev/null) || return 1
	case $v in
	""|"No Such"*) return 1 ;;
	esac
	echo "$v"
}

# traps WHO N: the lines of notification N (dhcpfoNotifications.N) in
# $T/traps-WHO.log.
traps() {
	grep -F "OID: $NOTE.$2;;" "$T/traps-$1.log" 2>/dev/null
}
# traps_named WHO N NAME: ... whose dhcpfoNotifyName is NAME and whose
# dhcpfoNotifyReason is not empty.
traps_named() {
	traps "$1" "$2" | grep -F "$NOBJ.1.0 = STRING: \"$3\"" |
	    grep "$NOBJ.4.0 = STRING: \"[^\"]"
}
# ntraps WHO N NAME: how many.
ntraps() { traps_named "$@" | wc -l; }
# vb LINE SUB: the value of dhcpfoNotifyObjects.SUB in one trap line
# (varbinds are separated by ";; "; the type and quotes are dropped).
vb() {
	awk -v k="$NOBJ.$2.0 = " 'BEGIN { FS = ";; " } {
		for (i = 1; i <= NF; i++)
			if (index($i, k) == 1) {
				v = substr($i, length(k) + 1)
				sub(/^[A-Za-z0-9]+: /, "", v)
				gsub(/^"|"$/, "", v)
				print v
			}
	}' <<<"$1"
}
