# shellcheck shell=bash
#
# Shared helpers for the end-to-end tests (bash).  Each tests/e2e/t_*.sh
# sources this file, builds its own network in namespaces, runs the server
# and real DHCP clients in them, and exits 0 (pass), 1 (fail) or 77 (cannot
# run here, with a printed reason).
#
# Rules kept here so every test keeps them:
#   - Addresses: TEST-NET only (192.0.2.0/24, 198.51.100.0/24,
#     203.0.113.0/24), and only inside namespaces this run creates; nothing
#     is configured in, or sent from, the host's own namespace.
#   - Namespaces are named "${E2E_PFX}NAME" (E2E_PFX = dfo<pid>-) so
#     parallel runs cannot clash; every veth and bridge lives inside one of
#     them and goes away with it.
#   - Every process started is recorded by pid and stopped by pid in the
#     EXIT trap, which also deletes the namespaces and the temp dir.
#   - No bare sleeps: wait_for polls an observable condition every 0.1 s up
#     to a deadline.
#
# Which server runs: E2E_SERVER=dhcpfo (default: build/dhcpfo-primary) or
# E2E_SERVER=kea (/usr/sbin/kea-dhcp4 as a stand-in, same topology; used to
# validate the harness).  E2E_KEEP=1 keeps the temp dir; E2E_DEBUG=1 runs
# the server with -d.

set -u
set -o pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
E2E_SERVER=${E2E_SERVER:-dhcpfo}
E2E_PFX="dfo$$-"
E2E_SHELL=$BASHPID		# the test's shell: parent of all we start
E2E_NAME=$(basename "$0" .sh)
# [server] lines of every configuration the harness writes.  The tests
# stand for thousands of clients behind one relay (tests/tools/dhcpload,
# 1000 new clients a second and more), far above the per-relay
# new-client limit that protects a real network (docs/security.md): it
# is off here.  t_starvation.sh writes its own limits.
E2E_SERVER_LINES=${E2E_SERVER_LINES-"NewClientRatePerRelay = 0"}
T=""				# the run's temp dir
E2E_NS=()			# namespaces we created (full names)
E2E_PIDS=()			# processes we started

# ---------------------------------------------------------------- output

say()  { printf '  %s\n' "$*"; }
ok()   { printf '  ok   %s\n' "$*"; }
skip() { printf 'SKIP %s: %s\n' "$E2E_NAME" "$*"; exit 77; }
fail() {
	printf '  FAIL %s\n' "$*"
	exit 1
}
pass() { printf 'PASS %s\n' "$E2E_NAME"; exit 0; }

# assert DESCRIPTION COMMAND...: run COMMAND; ok or fail with DESCRIPTION.
assert() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# ------------------------------------------------------------ time, polling

now_ms() { local s; s=$(date +%s%N); echo $((s / 1000000)); }

# wait_for SECONDS 'shell condition': evaluate the condition every 0.1 s
# until it succeeds (return 0) or the deadline passes (return 1).
wait_for() {
	local secs=$1 cond=$2 deadline
	deadline=$(( $(now_ms) + ${secs%.*} * 1000 ))
	while :; do
		if eval "$cond" >/dev/null 2>&1; then return 0; fi
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# wait_until_next_second EPOCH: poll the clock until it is past EPOCH
# (lease times are whole seconds; a renewal must land in a later second
# to move "ends").
wait_until_after() {
	wait_for 3 "[ \$(date +%s) -gt $1 ]"
}

# ---------------------------------------------------------- requirements

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	ip netns add "${E2E_PFX}probe" 2>/dev/null ||
	    skip "cannot create network namespaces here"
	ip netns del "${E2E_PFX}probe"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
	done
}

require_server() {
	case $E2E_SERVER in
	dhcpfo)
		[ -x "$BUILD/dhcpfo-primary" ] ||
		    skip "$BUILD/dhcpfo-primary not built (run make)"
		[ -x "$BUILD/dhcpfoctl" ] ||
		    skip "$BUILD/dhcpfoctl not built (run make)"
		;;
	kea)
		[ -x /usr/sbin/kea-dhcp4 ] || skip "kea-dhcp4 not installed"
		;;
	*)	skip "unknown E2E_SERVER=$E2E_SERVER" ;;
	esac
	require_cmd jq ip
}

# ------------------------------------------------------- setup / teardown

# proc_stat PID N: field N of /proc/PID/stat counted after the "(comm)"
# (1 = state, 2 = ppid); comm may hold spaces, so cut at the last ")".
proc_stat() {
	local st f
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r -a f <<<"${st##*) }"
	echo "${f[$(($2 - 1))]}"
}

pid_gone() {
	[ -e "/proc/$1" ] || return 0
	# A zombie (exited, not yet reaped) counts as gone.
	[ "$(proc_stat "$1" 1)" = Z ]
}

# our_child PID: PID is (still) a child of this shell.  Every program the
# tests start is one (bg_in), so this guards against signalling a pid
# that was reaped and reused by something else.
our_child() { [ "$(proc_stat "$1" 2 2>/dev/null)" = "$E2E_SHELL" ]; }

# stop_pid PID [SIGNAL]: signal (default TERM), wait up to 5 s, then KILL.
stop_pid() {
	local pid=$1 sig=${2:-TERM}
	[ -n "$pid" ] || return 0
	pid_gone "$pid" && { wait "$pid" 2>/dev/null; return 0; }
	our_child "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null
	if ! wait_for 5 "pid_gone $pid"; then
		our_child "$pid" && kill -KILL "$pid" 2>/dev/null
		wait_for 2 "pid_gone $pid"
	fi
	wait "$pid" 2>/dev/null
	return 0
}

track_pid() { E2E_PIDS+=("$1"); }

e2e_cleanup() {
	local rc=$? pid ns p
	trap - EXIT INT TERM
	for pid in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do
		pid_gone "$pid" || ! our_child "$pid" || kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do
		wait_for 3 "pid_gone $pid" || ! our_child "$pid" ||
		    kill -KILL "$pid" 2>/dev/null
	done
	# Anything still inside our namespaces was started by this test
	# (helpers forked by a client, a script): stop it by pid.
	for ns in "${E2E_NS[@]+"${E2E_NS[@]}"}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	for ns in "${E2E_NS[@]+"${E2E_NS[@]}"}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			e2e_dump_logs
		fi
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			echo "  (kept $T)"
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}

e2e_dump_logs() {
	local f
	for f in "$T"/*.log; do
		[ -s "$f" ] || continue
		echo "  ---- last lines of $(basename "$f")"
		tail -n "${E2E_LOG_LINES:-25}" "$f" | sed 's/^/  | /'
	done
}

# e2e_init: call first in every test.
e2e_init() {
	require_root
	require_server
	T=$(mktemp -d "/tmp/dfo-e2e-$E2E_NAME.XXXXXX") || fail "mktemp"
	trap e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "== $E2E_NAME (server: $E2E_SERVER, tmp: $T)"
}

# ------------------------------------------------------ namespaces, links

nsname() { echo "${E2E_PFX}$1"; }

# nsx NS CMD...: run CMD in namespace NS (short name).  Never put nsx (a
# function) in the background: $! would be a subshell's pid, and signals
# meant for the program would hit the subshell.  Use bg_in.
nsx() { local ns=$1; shift; ip netns exec "$(nsname "$ns")" "$@"; }

# bg_in NS LOG CMD...: start CMD in namespace NS in the background, output
# appended to LOG; BG_PID is the program's own pid (ip netns exec execs
# it), checked to be inside NS, and tracked for clean-up.
BG_PID=""
bg_in() {
	local ns=$1 log=$2 what=$3
	shift 2
	ip netns exec "$(nsname "$ns")" "$@" >>"$log" 2>&1 &
	BG_PID=$!
	track_pid "$BG_PID"
	# The exec happens right after the fork: wait for the pid to be in
	# the namespace before anyone signals it.
	wait_for 5 "pid_in_ns $BG_PID $ns || pid_gone $BG_PID" ||
	    fail "$what did not enter namespace $ns"
}

# pid_in_ns PID NS: PID runs in our namespace NS (not the host's).
pid_in_ns() {
	local want
	want=$(stat -L -c %i "/run/netns/$(nsname "$2")" 2>/dev/null) || return 1
	[ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$want" ]
}

# sig_client NS SIGNAL: signal the client in NS, after checking that the
# pid still runs inside NS.
sig_client() {
	local ns=$1 sig=$2 pid=${C_PID[$1]}
	pid_in_ns "$pid" "$ns" || fail "client pid $pid is not in namespace $ns"
	kill "-$sig" "$pid"
}

ns_add() {
	local n
	n=$(nsname "$1")
	ip netns add "$n" || fail "ip netns add $n"
	E2E_NS+=("$n")
	ip -n "$n" link set lo up
}

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$(nsname "$1")"; }

# veth NS1 IF1 NS2 IF2 [MAC1]: a veth pair created directly inside the two
# namespaces (never in the host's), both ends up.
veth() {
	local n1 n2
	n1=$(nsname "$1"); n2=$(nsname "$3")
	ip link add "$2" netns "$n1" type veth peer name "$4" netns "$n2" ||
	    fail "veth $1:$2 <-> $3:$4"
	[ -n "${5:-}" ] && ip -n "$n1" link set "$2" address "$5"
	ip -n "$n1" link set "$2" up
	ip -n "$n2" link set "$4" up
}

# bridge NS BR: a bridge without STP, ports forward at once.
bridge() {
	local n
	n=$(nsname "$1")
	ip -n "$n" link add "$2" type bridge stp_state 0 forward_delay 0 ||
	    fail "bridge $1:$2"
	ip -n "$n" link set "$2" up
}

addr() { ip -n "$(nsname "$1")" addr add "$3" dev "$2" || fail "addr $*"; }
route() { local ns=$1; shift; ip -n "$(nsname "$ns")" route add "$@" || fail "route $ns $*"; }

# lan_new: a switch namespace "sw" with bridge br0 (the client LAN).
lan_new() {
	ns_add sw
	bridge sw br0
}

# lan_attach NS IF MAC: namespace NS (created if needed) gets interface IF
# on the LAN with hardware address MAC.
lan_attach() {
	local ns=$1 ifn=$2 mac=$3 port
	ns_exists "$ns" || ns_add "$ns"
	port="p${#E2E_NS[@]}x$RANDOM"
	port=${port:0:15}
	veth "$ns" "$ifn" sw "$port" "$mac"
	ip -n "$(nsname sw)" link set "$port" master br0 ||
	    fail "bridge port $port"
}

# iface_addr NS IF: the IPv4 address (without prefix) on IF, or nothing.
iface_addr() {
	nsx "$1" ip -4 -o addr show dev "$2" scope global 2>/dev/null |
	    awk '{ split($4, a, "/"); print a[1]; exit }'
}

ip2int() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(( (a << 24) | (b << 16) | (c << 8) | d ))
}
int2ip() {
	local n=$1
	echo "$(( (n >> 24) & 255 )).$(( (n >> 16) & 255 )).$(( (n >> 8) & 255 )).$(( n & 255 ))"
}
# in_range ADDR LO HI
in_range() {
	local a l h
	a=$(ip2int "$1"); l=$(ip2int "$2"); h=$(ip2int "$3")
	[ "$a" -ge "$l" ] && [ "$a" -le "$h" ]
}

# ------------------------------------------------------- server config
#
# Tests describe the server once; srv_write_config renders it as
# primary.ini (dhcpfo) and as kea.json (the Kea stand-in).

SRV_NAME=""; SRV_ADDR=""; SRV_IFACES=""; SRV_PORT=67
SRV_SUBNETS=()		# "name|cidr|ranges|routers|dns|domain|lease|maxlease|exclude"
SRV_HOSTS=()		# "name|mac|address"
SRV_PID=""; SRV_NS=""; SRV_STARTS=0
SRV_SOCK=""; SRV_STATE=""
SRV_ENV=()		# VAR=VALUE words added to dhcpfo's environment

# srv_conf NAME SERVERADDR [INTERFACES] [PORT]
srv_conf() {
	SRV_NAME=$1; SRV_ADDR=$2; SRV_IFACES=${3:-}; SRV_PORT=${4:-67}
	SRV_STATE=$T/state; SRV_SOCK=$T/ctl.sock
	mkdir -p "$SRV_STATE"
}

# srv_subnet NAME CIDR RANGES [ROUTERS] [LEASE] [MAXLEASE] [EXCLUDE]
srv_subnet() {
	SRV_SUBNETS+=("$1|$2|$3|${4:-}|${4:-}|example.test|${5:-3600}|${6:-86400}|${7:-}")
}

# srv_host NAME MAC ADDRESS
srv_host() { SRV_HOSTS+=("$1|$2|$3"); }

srv_write_config() {
	local s h name cidr ranges routers dns domain lease maxl excl
	{
		echo "; written by $E2E_NAME"
		echo "[server]"
		echo "Name = $SRV_NAME"
		echo "ServerAddress = $SRV_ADDR"
		[ -n "$SRV_IFACES" ] && echo "Interfaces = $SRV_IFACES"
		echo "DhcpPort = $SRV_PORT"
		echo "StateDir = $SRV_STATE"
		echo "ControlSocket = $SRV_SOCK"
		echo "PidFile = $T/primary.pid"
		echo "PingBeforeAssign = false"
		echo "MaxPendingSeconds = 10"
		echo "MaxUnavailableTime = 86400"
		echo "$E2E_SERVER_LINES"
		for s in "${SRV_SUBNETS[@]}"; do
			IFS='|' read -r name cidr ranges routers dns domain lease maxl excl <<<"$s"
			echo
			echo "[subnet:$name]"
			echo "Subnet = $cidr"
			echo "Range = $ranges"
			[ -n "$excl" ] && echo "Exclude = $excl"
			[ -n "$routers" ] && echo "Routers = $routers"
			[ -n "$dns" ] && echo "DnsServers = $dns"
			echo "DomainName = $domain"
			echo "LeaseTime = $lease"
			echo "MaxLeaseTime = $maxl"
		done
		for h in "${SRV_HOSTS[@]+"${SRV_HOSTS[@]}"}"; do
			IFS='|' read -r name mac s <<<"$h"
			echo
			echo "[host:$name]"
			echo "HardwareAddress = $mac"
			echo "Address = $s"
		done
	} >"$T/primary.ini"
	kea_write_config
}

# Kea pools from "a-b, c-d" minus the single addresses in EXCLUDE.
kea_pools() {
	local ranges=$1 excl=$2 r lo hi x e cur
	local -a ex=()
	IFS=', ' read -r -a ex <<<"${excl//,/ }"
	for r in ${ranges//,/ }; do
		lo=$(ip2int "${r%-*}"); hi=$(ip2int "${r#*-}")
		cur=$lo
		for x in $(for e in "${ex[@]+"${ex[@]}"}"; do ip2int "$e"; done | sort -n); do
			[ "$x" -lt "$cur" ] || [ "$x" -gt "$hi" ] && continue
			[ "$x" -gt "$cur" ] && echo "$(int2ip "$cur") - $(int2ip $((x - 1)))"
			cur=$((x + 1))
		done
		[ "$cur" -le "$hi" ] && echo "$(int2ip "$cur") - $(int2ip "$hi")"
	done
}

# Does CIDR contain ADDR?
cidr_has() {
	local net=${1%/*} len=${1#*/} a mask
	a=$(ip2int "$2")
	mask=$(( len == 0 ? 0 : (0xffffffff << (32 - len)) & 0xffffffff ))
	[ $(( a & mask )) -eq $(( $(ip2int "$net") & mask )) ]
}

kea_write_config() {
	local s h id=0 name cidr ranges routers dns domain lease maxl excl
	local hname mac haddr subnets="[]" names="{}" pools opts resv minl
	for s in "${SRV_SUBNETS[@]}"; do
		IFS='|' read -r name cidr ranges routers dns domain lease maxl excl <<<"$s"
		id=$((id + 1))
		pools=$(kea_pools "$ranges" "$excl" | jq -R '{pool: .}' | jq -s .)
		opts=$(jq -n --arg r "$routers" --arg d "$dns" --arg dn "$domain" '
		    [ (if $r != "" then {name:"routers", data:$r} else empty end),
		      (if $d != "" then {name:"domain-name-servers", data:$d} else empty end),
		      {name:"domain-name", data:$dn} ]')
		resv="[]"
		for h in "${SRV_HOSTS[@]+"${SRV_HOSTS[@]}"}"; do
			IFS='|' read -r hname mac haddr <<<"$h"
			cidr_has "$cidr" "$haddr" || continue
			resv=$(jq --arg m "$mac" --arg a "$haddr" \
			    '. + [{"hw-address":$m, "ip-address":$a}]' <<<"$resv")
		done
		minl=$lease; [ "$minl" -gt 10 ] && minl=10
		subnets=$(jq --argjson id "$id" --arg c "$cidr" --argjson p "$pools" \
		    --argjson o "$opts" --argjson r "$resv" --argjson l "$lease" \
		    --argjson ml "$maxl" --argjson mn "$minl" \
		    '. + [{id:$id, subnet:$c, pools:$p, "option-data":$o,
		           reservations:$r, "valid-lifetime":$l,
		           "min-valid-lifetime":$mn, "max-valid-lifetime":$ml}]' \
		    <<<"$subnets")
		names=$(jq --arg id "$id" --arg n "$name" '. + {($id): $n}' <<<"$names")
	done
	echo "$names" >"$T/kea-subnet-names.json"
	# The interface list is completed at start (srv_start) once the
	# namespace's addresses are known.
	jq -n --argjson s "$subnets" --arg lf "$SRV_STATE/kea-leases4.csv" \
	    --arg sev "$([ "${E2E_DEBUG:-0}" = 1 ] && echo DEBUG || echo INFO)" '
	{Dhcp4: {
	  "interfaces-config": {interfaces: [], "dhcp-socket-type": "raw"},
	  "lease-database": {type:"memfile", persist:true, name:$lf,
	                     "lfc-interval":0},
	  "valid-lifetime": 3600,
	  "subnet4": $s,
	  loggers: [{name:"kea-dhcp4", severity:$sev, debuglevel:50,
	             output_options:[{output:"stderr"}]}]
	}}' >"$T/kea.json.in"
}

# ------------------------------------------------------- server control

udp_bound() {	# NS PORT: something in NS listens on udp PORT
	[ -n "$(nsx "$1" ss -Hlun "sport = :$2" 2>/dev/null)" ]
}

srv_ctl() { "$BUILD/dhcpfoctl" -s "$SRV_SOCK" "$@"; }

srv_ready() {
	udp_bound "$SRV_NS" "$SRV_PORT" || return 1
	case $E2E_SERVER in
	dhcpfo) srv_ctl status --json | jq -e '.state' >/dev/null ;;
	kea)	grep -q DHCP4_STARTED "$SRV_LOG" ;;
	esac
}

# srv_check_config: dhcpfo -t on the written config (Kea: -t likewise),
# run in the server's namespace (SRV_NS) where its interfaces exist.
srv_check_config() {
	case $E2E_SERVER in
	dhcpfo) nsx "$SRV_NS" "$BUILD/dhcpfo-primary" -t -c "$T/primary.ini" ;;
	kea)	kea_finish_config "$SRV_NS" &&
		    KEA_LOCKFILE_DIR=$T KEA_PIDFILE_DIR=$T \
		    nsx "$SRV_NS" /usr/sbin/kea-dhcp4 -t "$T/kea.json" >/dev/null ;;
	esac
}

kea_finish_config() {
	local ns=$1 ifs=() i addr_if sock=raw
	for i in ${SRV_IFACES//,/ }; do ifs+=("$i"); done
	addr_if=$(nsx "$ns" ip -4 -o addr show | awk -v a="$SRV_ADDR" \
	    '{ split($4, x, "/"); if (x[1] == a) { print $2; exit } }')
	if [ ${#ifs[@]} -eq 0 ]; then
		# Relayed traffic only: a UDP socket on ServerAddress.
		sock=udp
		ifs+=("$addr_if/$SRV_ADDR")
	elif [ -n "$addr_if" ] && ! printf '%s\n' "${ifs[@]}" | grep -qx "$addr_if"; then
		ifs+=("$addr_if")
	fi
	jq --arg sock "$sock" '.Dhcp4."interfaces-config".interfaces = $ARGS.positional
	    | .Dhcp4."interfaces-config"."dhcp-socket-type" = $sock' \
	    --args "${ifs[@]}" <"$T/kea.json.in" >"$T/kea.json"
}

# srv_start NS: start the server in namespace NS in the foreground (as a
# background job of this shell), record its pid, wait until it serves.
srv_start() {
	SRV_NS=$1
	SRV_STARTS=$((SRV_STARTS + 1))
	SRV_LOG=$T/server-$SRV_STARTS.log
	local dbg=()
	[ "${E2E_DEBUG:-0}" = 1 ] && dbg=(-d)
	case $E2E_SERVER in
	dhcpfo)
		bg_in "$SRV_NS" "$SRV_LOG" env "${SRV_ENV[@]+"${SRV_ENV[@]}"}" \
		    "$BUILD/dhcpfo-primary" -c "$T/primary.ini" -f \
		    "${dbg[@]+"${dbg[@]}"}"
		;;
	kea)
		kea_finish_config "$SRV_NS"
		bg_in "$SRV_NS" "$SRV_LOG" env KEA_LOCKFILE_DIR="$T" \
		    KEA_PIDFILE_DIR="$T" /usr/sbin/kea-dhcp4 -c "$T/kea.json" \
		    -p "$SRV_PORT"
		;;
	esac
	SRV_PID=$BG_PID
	local deadline=$(( $(now_ms) + 15000 )) rc
	until srv_ready >/dev/null 2>&1; do
		if pid_gone "$SRV_PID"; then
			wait "$SRV_PID"; rc=$?
			fail "server exited during start-up (status $rc)"
		fi
		[ "$(now_ms)" -lt "$deadline" ] ||
		    fail "server not ready (port $SRV_PORT bound, control socket answering) within 15 s"
		sleep 0.1
	done
	say "server started (pid $SRV_PID, start #$SRV_STARTS)"
}

# srv_stop: SIGTERM and wait for a clean exit (status printed).
srv_stop() {
	local rc
	kill -TERM "$SRV_PID" 2>/dev/null
	wait_for 15 "pid_gone $SRV_PID" || fail "server did not exit within 15 s of SIGTERM"
	wait "$SRV_PID"; rc=$?
	say "server stopped by SIGTERM (exit status $rc)"
	SRV_EXIT=$rc
}

# srv_kill9: SIGKILL, wait until gone.
srv_kill9() {
	kill -KILL "$SRV_PID" 2>/dev/null
	wait_for 5 "pid_gone $SRV_PID" || fail "server survived SIGKILL"
	wait "$SRV_PID" 2>/dev/null
	say "server killed with SIGKILL (pid $SRV_PID)"
}

srv_running() { [ -n "$SRV_PID" ] && ! pid_gone "$SRV_PID"; }

# srv_leases: {"leases":[...]} as docs/control.md shows, from the running
# server (dhcpfoctl), from the state dir of a stopped one (leasedump), or
# from Kea's memfile (converted to the same shape).
srv_leases() {
	case $E2E_SERVER in
	dhcpfo)
		if srv_running; then
			srv_ctl leases --json
		else
			[ -x "$BUILD/tools/leasedump" ] || {
				echo "leasedump not built" >&2; return 1; }
			# -c: subnet names come from the configuration.  Exit 2
			# (corrupt records skipped) fails the pipeline.
			"$BUILD/tools/leasedump" -c "$T/primary.ini" "$SRV_STATE" |
			    jq -s '{leases: .}'
		fi
		;;
	kea)	kea_leases ;;
	esac
}

# Kea memfile: one CSV row per change, the last row per address wins; a row
# with valid_lifetime 0 is a deleted (released) lease.
kea_leases() {
	local f=$SRV_STATE/kea-leases4.csv
	[ -f "$f" ] || { echo '{"leases":[]}'; return 0; }
	jq -R -s --argjson now "$(date +%s)" \
	    --slurpfile names "$T/kea-subnet-names.json" '
	  split("\n") | map(select(length > 0 and (startswith("address,") | not)))
	  | map(split(","))
	  | map({address: .[0], hwaddr: .[1], client_id: (.[2] | gsub(":"; "")),
	         valid: (.[3] | tonumber), expire: (.[4] | tonumber),
	         sid: .[5], hostname: .[8], st: (.[9] | tonumber)})
	  | reduce .[] as $l ({}; .[$l.address] = $l) | [.[]]
	  | map({address, subnet: ($names[0][.sid] // .sid),
	         state: (if .valid == 0 then "released"
	                 elif .st == 1 then "declined"
	                 elif .st == 2 then "free"
	                 elif .expire < $now then "expired"
	                 else "bound" end),
	         hwaddr, client_id, hostname,
	         starts: (.expire - .valid), ends: .expire})
	  | sort_by(.address | split(".") | map(tonumber))
	  | {leases: .}' "$f"
}

# srv_status: dhcpfo's status JSON; "{}" for Kea (no such interface).
srv_status() {
	case $E2E_SERVER in
	dhcpfo) srv_ctl status --json ;;
	*)	echo '{}' ;;
	esac
}

# lease_get ADDR: that lease's JSON object (empty if none).
lease_get() {
	srv_leases | jq -c --arg a "$1" '.leases[] | select(.address == $a)'
}

# lease_is ADDR STATE [MAC]: the lease exists in STATE (one of a
# '|'-separated list) and, if MAC is given, belongs to MAC.
lease_is() {
	srv_leases | jq -e --arg a "$1" --arg s "$2" --arg m "${3:-}" '
	  [.leases[] | select(.address == $a
	     and (.state as $st | $s | split("|") | index($st) != null)
	     and ($m == "" or ((.hwaddr // "") | ascii_downcase) == ($m | ascii_downcase)))]
	  | length == 1' >/dev/null
}

# expect_lease ADDR STATE [MAC] [SECS]: poll until lease_is holds.
expect_lease() {
	local a=$1 s=$2 m=${3:-} secs=${4:-5}
	if wait_for "$secs" "lease_is '$a' '$s' '$m'"; then
		case $s in
		*"|"*)	ok "lease $a is $(lease_field "$a" state) (one of $s)${m:+ for $m}" ;;
		*)	ok "lease $a is $s${m:+ for $m}" ;;
		esac
	else
		say "leases now: $(srv_leases | jq -c --arg a "$a" '.leases[] | select(.address == $a)' 2>&1)"
		fail "lease $a is not $s${m:+ for $m}"
	fi
}

# ------------------------------------------------------------- clients
#
# Each client keeps its files in $T/<ns>/ and runs inside its namespace.
# C_ADDR[ns] holds the address it got.

declare -A C_PID=() C_IF=() C_KIND=()

client_dir() { mkdir -p "$T/$1"; echo "$T/$1"; }

# A hook script shared by dhclient and udhcpc: configures the interface
# with ip(8) inside the namespace and appends every event to events.log
# (reason and the lease's address), so tests can wait on events.
write_client_script() {
	local d=$1 kind=$2
	cat >"$d/script" <<EOF
#!/bin/sh
# $kind hook written by the e2e harness; touches only this namespace.
exec >>"$d/script.out" 2>&1
case "$kind" in
dhclient)
	ev=\$reason; ip=\${new_ip_address:-}; mask=\${new_subnet_mask:-}
	gw=\${new_routers:-}; old=\${old_ip_address:-}
	;;
udhcpc)
	ev=\$1; ip=\${ip:-}; mask=\${subnet:-}; gw=\${router:-}; old=""
	new_domain_name=\${domain:-}; new_domain_name_servers=\${dns:-}
	;;
esac
ifc=\${interface:-}
case "\$ev" in
PREINIT|deconfig)
	ip link set "\$ifc" up
	[ "\$ev" = deconfig ] && ip -4 addr flush dev "\$ifc" scope global
	;;
BOUND|RENEW|REBIND|REBOOT|bound|renew)
	if [ -n "\$old" ] && [ "\$old" != "\$ip" ]; then
		ip -4 addr flush dev "\$ifc" scope global
	fi
	ip -4 addr replace "\$ip/\$mask" dev "\$ifc"
	for r in \$gw; do ip route replace default via "\$r" dev "\$ifc"; break; done
	;;
EXPIRE|FAIL|RELEASE|STOP)
	ip -4 addr flush dev "\$ifc" scope global
	;;
esac
case "\$ev" in
BOUND|RENEW|REBIND|REBOOT|bound|renew)
	printf 'domain=%s\\ndns=%s\\n' "\${new_domain_name:-}" \\
	    "\${new_domain_name_servers:-}" >"$d/options"
esac
echo "\$(date +%s) \$ev \$ip" >>"$d/events.log"
exit 0
EOF
	chmod +x "$d/script"
}

# events NS: the event log of a client (time event address).
client_events() { cat "$T/$1/events.log" 2>/dev/null; }
event_count() { client_events "$1" | awk -v e="$2" '$2 ~ "^(" e ")$"' | wc -l; }

# client_start KIND NS IF [extra args]: start a client of KIND (dhclient,
# udhcpc, dhcpcd) on IF in NS; returns at once.
client_start() {
	local kind=$1 ns=$2 ifn=$3 d
	shift 3
	d=$(client_dir "$ns")
	C_IF[$ns]=$ifn; C_KIND[$ns]=$kind
	case $kind in
	dhclient)
		write_client_script "$d" dhclient
		cat >"$d/dhclient.conf" <<EOF
send host-name "$ns";
request subnet-mask, broadcast-address, routers, domain-name,
	domain-name-servers, host-name;
timeout 60;
retry 5;
EOF
		bg_in "$ns" "$d/client.log" dhclient -4 -d -v \
		    -cf "$d/dhclient.conf" -lf "$d/dhclient.leases" \
		    -pf "$d/dhclient.pid" -sf "$d/script" "$@" "$ifn"
		;;
	udhcpc)
		write_client_script "$d" udhcpc
		bg_in "$ns" "$d/client.log" busybox udhcpc -f -i "$ifn" \
		    -s "$d/script" -p "$d/udhcpc.pid" -x "hostname:$ns" \
		    -t 10 -T 1 -A 1 "$@"
		;;
	dhcpcd)
		dhcpcd_start "$ns" "$ifn" "$d" "$@"
		;;
	*)	fail "unknown client $kind" ;;
	esac
	C_PID[$ns]=$BG_PID
	ln -sf "$d/client.log" "$T/client-$ns.log"
}

# dhcpcd keeps its control socket and pid files in /run/dhcpcd and its
# lease and DUID in /var/lib/dhcpcd.  `ip netns exec` gives each command a
# private mount namespace, so a tmpfs on /run and a bind mount of the
# client's dir on /var/lib/dhcpcd keep those files in $T, out of the
# host's.  The hook script is ours (no resolv.conf or other hooks); dhcpcd
# itself configures the address.
# DHCPCD_ARP=1 before client_start keeps ARP probing on (decline test).
dhcpcd_start() {
	local ns=$1 ifn=$2 d=$3
	shift 3
	mkdir -p "$d/db"
	cat >"$d/script" <<EOF
#!/bin/sh
case "\$reason" in
BOUND|RENEW|REBIND|REBOOT)
	printf 'domain=%s\\ndns=%s\\n' "\${new_domain_name:-}" \\
	    "\${new_domain_name_servers:-}" >"$d/options"
esac
echo "\$(date +%s) \$reason \${new_ip_address:-}" >>"$d/events.log"
exit 0
EOF
	chmod +x "$d/script"
	{
		echo "# written by the e2e harness"
		echo "duid"
		echo "hostname $ns"
		echo "option domain_name_servers, domain_name, routers, host_name"
		echo "require dhcp_server_identifier"
		echo "noipv4ll"
		echo "noipv6rs"
		echo "ipv4only"
		echo "nolink"
		[ "${DHCPCD_ARP:-0}" = 1 ] || echo "noarp"
		echo "timeout 60"
	} >"$d/dhcpcd.conf"
	bg_in "$ns" "$d/client.log" sh -c '
		mount -t tmpfs e2e-run /run && mkdir -p /run/dhcpcd &&
		mount --bind "$1" /var/lib/dhcpcd || exit 1
		shift
		exec dhcpcd "$@"' sh "$d/db" -4 -B -d -f "$d/dhcpcd.conf" \
	    -c "$d/script" "$@" "$ifn"
}

# client_wait_addr NS [SECS]: wait until the client's interface has an
# address; prints it.  Fails the test on timeout.
client_wait_addr() {
	local ns=$1 secs=${2:-30} a
	if ! wait_for "$secs" "[ -n \"\$(iface_addr $ns ${C_IF[$ns]})\" ]"; then
		say "no address on $ns:${C_IF[$ns]} after ${secs}s"
		tail -n 20 "$T/$ns/client.log" | sed 's/^/  | /'
		fail "${C_KIND[$ns]} in $ns got no lease"
	fi
	a=$(iface_addr "$ns" "${C_IF[$ns]}")
	echo "$a"
}

# client_renew NS: make the client renew its lease and wait for the
# client to report the new lease.
#   udhcpc:   SIGUSR1 (a unicast RENEW, RFC 2131 4.3.2, ciaddr set)
#   dhcpcd:   SIGUSR1 (renew).  Signals, not "dhcpcd -N/-k": those look
#             for a control socket and, finding none in the caller's
#             mount namespace, start a new dhcpcd there.
#   dhclient: stop it (no release) and start it again: INIT-REBOOT with
#             the lease from its lease file (option 50, RFC 2131 3.2)
client_renew() {
	local ns=$1 n ifn=${C_IF[$1]}
	case ${C_KIND[$ns]} in
	udhcpc)
		n=$(event_count "$ns" renew)
		sig_client "$ns" USR1
		wait_for 15 "[ \$(event_count $ns renew) -gt $n ]" ||
		    fail "udhcpc did not report a renewed lease"
		;;
	dhcpcd)
		n=$(event_count "$ns" 'RENEW|REBIND|BOUND|REBOOT')
		sig_client "$ns" USR1
		wait_for 15 "[ \$(event_count $ns 'RENEW|REBIND|BOUND|REBOOT') -gt $n ]" ||
		    fail "dhcpcd did not report a renewed lease"
		;;
	dhclient)
		stop_pid "${C_PID[$ns]}" TERM
		n=$(event_count "$ns" 'REBOOT|BOUND|RENEW')
		client_start dhclient "$ns" "$ifn"
		wait_for 20 "[ \$(event_count $ns 'REBOOT|BOUND|RENEW') -gt $n ]" ||
		    fail "dhclient did not report a lease after restart"
		;;
	esac
}

# client_release NS: the client sends DHCPRELEASE and stops.
client_release() {
	local ns=$1 ifn=${C_IF[$1]} d=$T/$1
	case ${C_KIND[$ns]} in
	udhcpc)
		sig_client "$ns" USR2
		wait_for 10 "[ -z \"\$(iface_addr $ns $ifn)\" ]" ||
		    fail "udhcpc did not drop its address after SIGUSR2"
		stop_pid "${C_PID[$ns]}"
		;;
	dhcpcd)
		sig_client "$ns" ALRM
		wait_for 10 "pid_gone ${C_PID[$ns]}" || stop_pid "${C_PID[$ns]}"
		wait "${C_PID[$ns]}" 2>/dev/null
		;;
	dhclient)
		nsx "$ns" dhclient -4 -r -v -cf "$d/dhclient.conf" \
		    -lf "$d/dhclient.leases" -pf "$d/dhclient.pid" \
		    -sf "$d/script" "$ifn" >>"$d/client.log" 2>&1 ||
		    fail "dhclient -r failed"
		wait_for 10 "pid_gone ${C_PID[$ns]}" || stop_pid "${C_PID[$ns]}"
		wait "${C_PID[$ns]}" 2>/dev/null
		;;
	esac
}

# client_stop NS: stop the client without releasing.
client_stop() {
	local ns=$1
	# dhcpcd, dhclient, udhcpc (without -R): SIGTERM exits, no RELEASE.
	stop_pid "${C_PID[$ns]}" TERM
}

# mac_of NS IF
mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }

# ------------------------------------------------------------ scenarios

# loopback_load_conf: namespace srv with the server on 127.0.0.10 (lo;
# 127/8 is private to the namespace) and subnet load 127.16.0.0/16 for
# tests/tools/dhcpload relaying as 127.16.0.1; writes the configuration
# (E2E_SERVER_LINES adds [server] lines) and checks it with -t.  The
# caller starts the server (srv_start srv).
loopback_load_conf() {
	ns_add srv
	nsx srv ip addr add 127.0.0.10/8 dev lo
	srv_conf branch1 127.0.0.10 ""
	srv_subnet load 127.16.0.0/16 127.16.0.10-127.16.255.250 127.16.0.1 3600
	srv_write_config
	SRV_NS=srv
	srv_check_config >"$T/config-check.log" 2>&1 || fail "config rejected by -t"
}

# direct_lan_server: namespaces sw (LAN bridge) and srv (server on
# 198.51.100.1/24, interface srv0 on the LAN); subnet lan1 with range
# .100-.199.  Extra srv_subnet/srv_host calls may follow before
# direct_lan_start.
EXPECT_PREFIX=""; EXPECT_ROUTER=""; EXPECT_DNS=""; EXPECT_DOMAIN=""
direct_lan_server() {
	EXPECT_PREFIX=24; EXPECT_ROUTER=198.51.100.1
	EXPECT_DNS=198.51.100.1; EXPECT_DOMAIN=example.test
	lan_new
	lan_attach srv srv0 02:00:00:00:01:01
	addr srv srv0 198.51.100.1/24
	srv_conf branch1 198.51.100.1 srv0
	srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 \
	    198.51.100.1 "${LEASE_TIME:-3600}"
}

# relay_lan MAC: namespaces sw (the LAN bridge), relay (its router: down0
# 198.51.100.1/24 on the LAN with hardware address MAC, up0 192.0.2.1/24)
# and srv (the server: eth0 192.0.2.10/24, the LAN routed through relay).
relay_lan() {
	lan_new
	ns_add relay
	ns_add srv
	lan_attach relay down0 "$1"
	addr relay down0 198.51.100.1/24
	veth relay up0 srv eth0
	addr relay up0 192.0.2.1/24
	addr srv eth0 192.0.2.10/24
	route srv 198.51.100.0/24 via 192.0.2.1
	nsx relay sysctl -qw net.ipv4.ip_forward=1
}

# relay_start SERVER...: ISC dhcrelay in namespace relay, from down0 to
# the SERVERs through up0, adding option 82 (-a: circuit-id "down0");
# RELAY_PID.
relay_start() {
	bg_in relay "$T/relay.log" dhcrelay -d -4 -a -pf "$T/dhcrelay.pid" \
	    -id down0 -iu up0 "$@"
	RELAY_PID=$BG_PID
	wait_for 10 "udp_bound relay 67" || fail "dhcrelay did not bind port 67"
}

direct_lan_start() {
	srv_write_config
	SRV_NS=srv
	if srv_check_config >"$T/config-check.log" 2>&1; then
		ok "config passes -t"
	else
		cat "$T/config-check.log"
		fail "config rejected by -t"
	fi
	srv_start srv
}

# lease_field ADDR FIELD
lease_field() { lease_get "$1" | jq -r ".$2"; }

# counter NAME: a status counter (dhcpfo only; empty for Kea).
counter() {
	[ "$E2E_SERVER" = dhcpfo ] || return 0
	srv_status | jq -r ".counters.$1"
}

# lease_obtain KIND NS IF MAC LO HI SUBNET: start the client, wait for its
# address, check it is in LO-HI and bound to MAC in SUBNET.  Sets C_ADDR[NS].
declare -A C_ADDR=() C_MAC=()
lease_obtain() {
	local kind=$1 ns=$2 ifn=$3 mac=$4 lo=$5 hi=$6 subnet=$7 a
	C_MAC[$ns]=$mac
	client_start "$kind" "$ns" "$ifn"
	lease_check_new "$ns" "$lo" "$hi" "$subnet"
}

# lease_check_new NS LO HI SUBNET: for a client already started.
lease_check_new() {
	local ns=$1 lo=$2 hi=$3 subnet=$4 a mac=${C_MAC[$1]} kind=${C_KIND[$1]}
	a=$(client_wait_addr "$ns") || exit 1
	C_ADDR[$ns]=$a
	say "$kind in $ns ($mac) got $a"
	assert "$a is in $lo-$hi" in_range "$a" "$lo" "$hi"
	expect_lease "$a" bound "$mac"
	assert "lease $a is in subnet $subnet" \
	    test "$(lease_field "$a" subnet)" = "$subnet"
	# Options 1 and 3 reached the client: its prefix and default route.
	if [ -n "${EXPECT_PREFIX:-}" ]; then
		assert "$ns configured $a/$EXPECT_PREFIX (option 1)" \
		    iface_has_prefix "$ns" "${C_IF[$ns]}" "$a/$EXPECT_PREFIX"
	fi
	if [ -n "${EXPECT_ROUTER:-}" ]; then
		assert "$ns has a default route via $EXPECT_ROUTER (option 3)" \
		    has_default_via "$ns" "$EXPECT_ROUTER"
	fi
	if [ -n "${EXPECT_DNS:-}" ]; then
		assert "$ns got DNS server $EXPECT_DNS (option 6)" \
		    grep -qx "dns=$EXPECT_DNS" "$T/$ns/options"
	fi
	if [ -n "${EXPECT_DOMAIN:-}" ]; then
		assert "$ns got domain name $EXPECT_DOMAIN (option 15)" \
		    grep -qx "domain=$EXPECT_DOMAIN" "$T/$ns/options"
	fi
	assert "lease $a records the client's host name ($ns, option 12)" \
	    test "$(lease_field "$a" hostname)" = "$ns"
}

iface_has_prefix() {
	nsx "$1" ip -4 -o addr show dev "$2" | awk '{print $4}' | grep -qx "$3"
}
has_default_via() {
	nsx "$1" ip -4 route show default | grep -q "via $2 "
}

# lease_renew_check NS: renew in a later second (so "ends" must move);
# same address, still bound, ends later; dhcpfo: counters.ack rose.
lease_renew_check() {
	local ns=$1 a=${C_ADDR[$1]} mac=${C_MAC[$1]} kind=${C_KIND[$1]}
	local a2 ends0 ends1 acks0 acks1
	ends0=$(lease_field "$a" ends)
	wait_until_after "$(lease_field "$a" starts)"
	acks0=$(counter ack)
	client_renew "$ns"
	a2=$(iface_addr "$ns" "${C_IF[$ns]}")
	assert "$kind kept $a after renewing" test "$a2" = "$a"
	expect_lease "$a" bound "$mac"
	ends1=$(lease_field "$a" ends)
	assert "renewal moved ends forward ($ends0 -> $ends1)" \
	    test "$ends1" -gt "$ends0"
	if [ "$E2E_SERVER" = dhcpfo ]; then
		acks1=$(counter ack)
		assert "status counters.ack rose on renewal ($acks0 -> $acks1)" \
		    test "$acks1" -gt "$acks0"
	fi
}

# lease_release_check NS: DHCPRELEASE; the address leaves the interface
# and the lease leaves "bound".
lease_release_check() {
	local ns=$1 a=${C_ADDR[$1]} kind=${C_KIND[$1]}
	client_release "$ns"
	assert "$kind removed $a from ${C_IF[$ns]} after release" \
	    test -z "$(iface_addr "$ns" "${C_IF[$ns]}")"
	expect_lease "$a" "released|free|expired"
}

# lease_cycle KIND NS IF MAC LO HI SUBNET: obtain, renew, release.
lease_cycle() {
	lease_obtain "$@"
	lease_renew_check "$2"
	lease_release_check "$2"
}

# direct_client_test KIND: one client of KIND on the LAN; lease cycle.
direct_client_test() {
	local kind=$1 mac=02:00:00:00:02:01
	e2e_init
	case $kind in
	udhcpc) require_cmd busybox ;;
	*)	require_cmd "$kind" ;;
	esac
	direct_lan_server
	lan_attach c1 eth0 "$mac"
	direct_lan_start
	lease_cycle "$kind" c1 eth0 "$mac" 198.51.100.100 198.51.100.199 lan1
	pass
}

# ini_add FILE SECTION: the lines read from stdin go at the end of
# [SECTION] of FILE (an INI file the test wrote, e.g. with
# srv_write_config or fo_write_configs), or into a new [SECTION] at the
# end when FILE has none.  For keys those writers have no variable for
# (Option.NAME, a [class:] ...); check the file with -t again afterwards.
ini_add() {
	local f=$1
	INI_ADD_SEC="[$2]" INI_ADD_TEXT=$(cat) awk '
	  function put() { print ENVIRON["INI_ADD_TEXT"]; done = 1; in_sec = 0 }
	  /^[ \t]*\[/ {
		h = $0; gsub(/[ \t]/, "", h)
		if (in_sec) put()
		if (h == ENVIRON["INI_ADD_SEC"]) in_sec = 1
	  }
	  { print }
	  END {
		if (in_sec) put()
		if (!done) { print ""; print ENVIRON["INI_ADD_SEC"]; put() }
	  }' "$f" >"$f.new" && mv "$f.new" "$f"
}

# dhclient_start_conf NS IF: as `client_start dhclient NS IF`, with the
# dhclient.conf read from stdin (a test's own option declarations,
# request list, send statements).  client_renew and client_release would
# write the harness's config again: restart such a client with this.
dhclient_start_conf() {
	local ns=$1 ifn=$2 d
	d=$(client_dir "$ns")
	C_IF[$ns]=$ifn; C_KIND[$ns]=dhclient
	write_client_script "$d" dhclient
	cat >"$d/dhclient.conf"
	bg_in "$ns" "$d/client.log" dhclient -4 -d -v \
	    -cf "$d/dhclient.conf" -lf "$d/dhclient.leases" \
	    -pf "$d/dhclient.pid" -sf "$d/script" "$ifn"
	C_PID[$ns]=$BG_PID
	ln -sf "$d/client.log" "$T/client-$ns.log"
}

# last_lease NS: the last lease { } block of NS's dhclient lease file.
last_lease() {
	awk '/^lease \{/ { buf = "" } { buf = buf $0 "\n" }
	    END { printf "%s", buf }' "$T/$1/dhclient.leases"
}
# lease_has NS LINE: the last lease holds LINE (leading blanks ignored).
lease_has() { last_lease "$1" | sed 's/^[ \t]*//' | grep -qxF -- "$2"; }

# dhcp_opts HEX: the options of a DHCP message (hex of the UDP payload),
# one "CODE VALUEHEX" line each in the order sent; pad (0) and end (255)
# left out.
dhcp_opts() {
	awk -v h="$1" 'function byte(i) {
		return index("0123456789abcdef", substr(h, i, 1)) * 16 - 17 + \
		    index("0123456789abcdef", substr(h, i + 1, 1))
	}
	BEGIN {
		h = tolower(h); i = 2 * 240 + 1
		while (i < length(h)) {
			c = byte(i); i += 2
			if (c == 0) continue
			if (c == 255) break
			n = byte(i); i += 2
			print c, substr(h, i, 2 * n); i += 2 * n
		}
	}'
}
