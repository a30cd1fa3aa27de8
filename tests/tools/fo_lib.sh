# shellcheck shell=bash
#
# Helpers for the failover end-to-end tests (tests/e2e/t_fo_*.sh), sourced
# after tests/e2e/lib.sh, whose rules they keep: one private network
# namespace per test, every process started with bg_in (recorded by pid,
# stopped in the EXIT trap), no bare sleeps -- every wait polls a
# condition (`dhcpfoctl status --json`) up to a deadline.
#
# Topology, all on the namespace's loopback (127.0.0.0/8 is private to
# it):
#	127.0.0.1	primary (DHCP 67, failover protocol 647)
#	127.0.0.2	failover (DHCP 67, failover protocol 647)
#	127.16.0.1	the relay (tests/tools/dhcpload), giaddr of subnet
#			"load" 127.16.0.0/16; it relays every request to
#			both servers (-S), as a router with two helpers
#	127.17.0.1	relay of subnet "lan2" 127.17.0.0/16 (FO_SUBNETS=2)
#
# Policy for fast detection (brief): PollDelay 0.5, PollRetryMax 1,
# WaitPollRplSecs 0.25, so a dead primary is declared down at most
# D + (R+1)W = 1.0 s after its last answer.  TakeoverPingCheck is off:
# every 127/8 address answers a ping inside the namespace.

FO_NS=lo
FO_NS_P=$FO_NS		# where the primary, the failover and the relay
FO_NS_F=$FO_NS		# run (t_fo_partition.sh puts them apart)
FO_NS_R=$FO_NS
FO_P_ADDR=127.0.0.1
FO_F_ADDR=127.0.0.2
FO_RELAY=127.16.0.1
FO_RELAY2=127.17.0.1
FO_NET=127.16.0.0/16
FO_RANGE=127.16.0.10-127.16.255.250
FO_POLL_DELAY=${FO_POLL_DELAY:-0.5}
FO_POLL_RETRY=${FO_POLL_RETRY:-1}
FO_WAIT_RPL=${FO_WAIT_RPL:-0.25}
FO_SUBNETS=${FO_SUBNETS:-1}
FO_EXTRA_POLICY=""	# more [failover] lines for the failover
FO_P_EXTRA_FAILOVER=""	# more [failover] lines for the primary
FO_EXTRA_PRIMARIES=""	# more [primary:X]/[subnet:X] sections (failover)
P_PID=""; F_PID=""; P_STARTS=0; F_STARTS=0
F_ENV=()		# VAR=VALUE words added to the failover's environment
P_ENV=()		# ... and to the primary's
LOAD=""
# FO_PRIMARY_BUILD: take dhcpfo-primary from another build directory
# (e.g. a sanitizer build of the failover against a plain primary).
P_BIN=${FO_PRIMARY_BUILD:-$BUILD}/dhcpfo-primary
# The failover's program (t_installed.sh runs the installed one).
F_BIN=$BUILD/dhcpfo-failover
FO_P_EXTRA_SERVER=""	# more [server] lines for the primary

fo_require() {
	[ -x "$BUILD/dhcpfo-failover" ] ||
	    skip "$BUILD/dhcpfo-failover not built (run make)"
	[ -x "$BUILD/tools/dhcpload" ] ||
	    skip "$BUILD/tools/dhcpload not built (run make)"
	LOAD=$BUILD/tools/dhcpload
	grep -q -- '-S SERVER2' <("$LOAD" 2>&1) ||
	    skip "$LOAD has no -S (rebuild tests/tools/dhcpload)"
	require_cmd openssl bc
}

# fo_net: the namespace with the three loopback addresses.
fo_net() {
	ns_add "$FO_NS"
	nsx "$FO_NS" ip addr add "$FO_F_ADDR/8" dev lo || fail "addr"
	fo_dirs
}

# fo_lan3 MACBYTE: the three hosts of a LAN (TEST-NET-1) in their own
# namespaces -- the primary P 192.0.2.1, the failover F 192.0.2.2 and a
# relay R 192.0.2.3 that owns giaddr 198.51.100.1 -- with routes to the
# clients' subnet 198.51.100.0/24 through R; then fo_dirs.  MACBYTE (two
# hex digits) tells tests' MAC addresses apart.  Routes and addresses
# may be added after it (a blackhole in P cuts the heartbeat path).
fo_lan3() {
	FO_NS_P=P FO_NS_F=F FO_NS_R=R
	FO_P_ADDR=192.0.2.1 FO_F_ADDR=192.0.2.2
	FO_RELAY=198.51.100.1
	FO_NET=198.51.100.0/24 FO_RANGE=198.51.100.10-198.51.100.250
	lan_new
	lan_attach P p0 "02:00:00:00:$1:01"
	lan_attach F f0 "02:00:00:00:$1:02"
	lan_attach R r0 "02:00:00:00:$1:03"
	addr P p0 192.0.2.1/24
	addr F f0 192.0.2.2/24
	addr R r0 192.0.2.3/24
	addr R lo 198.51.100.1/32
	route P 198.51.100.0/24 via 192.0.2.3
	route F 198.51.100.0/24 via 192.0.2.3
	fo_dirs
}

fo_dirs() {
	mkdir -p "$T/p" "$T/f"
	(umask 077; openssl rand -hex 32 >"$T/branch1.key") || fail "key"
}

fo_subnet_sections() {
	echo "[subnet:load]"
	[ "${1:-}" = failover ] && echo "Primary = branch1"
	echo "Subnet = $FO_NET"
	echo "Range = $FO_RANGE"
	echo "Routers = $FO_RELAY"
	echo "LeaseTime = ${FO_LEASE_TIME:-3600}"
	if [ "$FO_SUBNETS" -ge 2 ]; then
		echo "[subnet:lan2]"
		[ "${1:-}" = failover ] && echo "Primary = branch1"
		echo "Subnet = 127.17.0.0/16"
		echo "Range = 127.17.0.10-127.17.255.250"
		echo "Routers = $FO_RELAY2"
		echo "LeaseTime = ${FO_LEASE_TIME:-3600}"
	fi
}

fo_write_configs() {
	cat >"$T/primary.ini" <<EOF
; written by $E2E_NAME
[server]
Name = branch1
ServerAddress = $FO_P_ADDR
DhcpPort = 67
StateDir = $T/p/state
ControlSocket = $T/p/ctl.sock
PidFile = $T/p/pid
PingBeforeAssign = false
$E2E_SERVER_LINES
$FO_P_EXTRA_SERVER
[failover]
UseFailoverServer = true
FailoverServer = $FO_F_ADDR
FailoverPort = 647
SharedKeyFile = $T/branch1.key
CtlReqRetryMax = ${FO_CTL_RETRY:-3}
WaitCtlRetSecs = ${FO_WAIT_CTL:-1}
WaitSyncBindAckSecs = 1
SyncBindRetryMax = 3
$FO_P_EXTRA_FAILOVER
$(fo_subnet_sections)
EOF
	cat >"$T/failover.ini" <<EOF
; written by $E2E_NAME
[server]
Name = hub1
ServerAddress = $FO_F_ADDR
DhcpPort = 67
FailoverPort = 647
StateDir = $T/f/state
ControlSocket = $T/f/ctl.sock
PidFile = $T/f/pid
$E2E_SERVER_LINES
${FO_EXTRA_SERVER:-}
[failover]
PollDelay = $FO_POLL_DELAY
PollRetryMax = $FO_POLL_RETRY
WaitPollRplSecs = $FO_WAIT_RPL
WaitSyncStartSecs = ${FO_WAIT_SYNC_START:-1}
SyncReqRetryMax = ${FO_SYNC_RETRY:-1}
WaitSyncBindAckSecs = 1
SyncBindRetryMax = 3
TakeoverPingCheck = ${FO_PING_CHECK:-false}
$FO_EXTRA_POLICY
[primary:branch1]
Address = $FO_P_ADDR
Port = 647
SharedKeyFile = $T/branch1.key
$(fo_subnet_sections failover)
$FO_EXTRA_PRIMARIES
EOF
	nsx "$FO_NS_P" "$P_BIN" -t -c "$T/primary.ini" \
	    >"$T/check-p.log" 2>&1 || { cat "$T/check-p.log"; fail "primary.ini rejected by -t"; }
	nsx "$FO_NS_F" "$F_BIN" -t -c "$T/failover.ini" \
	    >"$T/check-f.log" 2>&1 || { cat "$T/check-f.log"; fail "failover.ini rejected by -t"; }
}

# A second primary, branch2 (127.0.0.3, subnet b2 127.18.0.0/16), for the
# tests that give the failover two: fo_b2_sections KEYFILE [LINE] prints
# its failover.ini sections (LINE: one more [primary:branch2] key);
# fo_write_primary2 [LINE] writes $T/primary2.ini (key $T/branch2.key,
# state under $T/p2; LINE: one more [failover] key).
fo_b2_subnet() {
	printf '%s\n' "[subnet:b2]" ${1:+"$1"} "Subnet = 127.18.0.0/16" \
	    "Range = 127.18.0.10-127.18.255.250" "Routers = 127.18.0.1" \
	    "LeaseTime = 3600"
}
fo_b2_sections() {
	printf '%s\n' "[primary:branch2]" "Address = 127.0.0.3" "Port = 647" \
	    "SharedKeyFile = $1" ${2:+"$2"}
	fo_b2_subnet "Primary = branch2"
}
fo_write_primary2() {
	mkdir -p "$T/p2"
	cat >"$T/primary2.ini" <<EOF
[server]
Name = branch2
ServerAddress = 127.0.0.3
StateDir = $T/p2/state
ControlSocket = $T/p2/ctl.sock
PidFile = $T/p2/pid
PingBeforeAssign = false
$E2E_SERVER_LINES
[failover]
UseFailoverServer = true
FailoverServer = $FO_F_ADDR
SharedKeyFile = $T/branch2.key
WaitCtlRetSecs = 1
${1:-}
$(fo_b2_subnet)
EOF
}

pctl() { "$BUILD/dhcpfoctl" -s "$T/p/ctl.sock" "$@"; }
fctl() { "$BUILD/dhcpfoctl" -s "$T/f/ctl.sock" "$@"; }

# fo_field JQ: a field of the (first) primary in the failover's status.
fo_field() { fctl status --json 2>/dev/null | jq -r ".primaries[0].$1"; }
fo_state() { fo_field state; }
p_fostate() { pctl status --json 2>/dev/null | jq -r '.state'; }

p_start() {
	local dbg=()
	[ "${E2E_DEBUG:-0}" = 1 ] && dbg=(-d)
	P_STARTS=$((P_STARTS + 1))
	bg_in "$FO_NS_P" "$T/primary-$P_STARTS.log" \
	    env "${P_ENV[@]+"${P_ENV[@]}"}" \
	    "$P_BIN" -f -c "$T/primary.ini" "${dbg[@]+"${dbg[@]}"}"
	P_PID=$BG_PID
	wait_for 10 "pctl status --json | jq -e .state" ||
	    fail "primary not answering its control socket"
	say "primary started (pid $P_PID, start #$P_STARTS)"
}

f_start() {
	local dbg=()
	[ "${E2E_DEBUG:-0}" = 1 ] && dbg=(-d)
	F_STARTS=$((F_STARTS + 1))
	bg_in "$FO_NS_F" "$T/failover-$F_STARTS.log" \
	    env "${F_ENV[@]+"${F_ENV[@]}"}" \
	    "$F_BIN" -f -c "$T/failover.ini" "${dbg[@]+"${dbg[@]}"}"
	F_PID=$BG_PID
	wait_for 10 "fctl status --json | jq -e .primaries" ||
	    fail "failover not answering its control socket"
	say "failover started (pid $F_PID, start #$F_STARTS)"
}

# fo_wait_state STATE SECS: the failover's thread for branch1 is in STATE.
fo_wait_state() {
	wait_for "$2" "[ \"\$(fo_state)\" = $1 ]" ||
	    fail "failover not in state $1 within $2 s (state: $(fo_state))"
}

# Status snapshots: a primary's thread publishes its counters at most
# every FOD_SNAP_INTERVAL (failover/fod_status.c), and later when the
# machine is loaded, so a counter read once from `status` may lag.  A
# state change is published at once, with every counter.  Hence:
#   - a counter that must reach a value: wait_for it;
#   - a counter that must not have moved: fo_caught_up first;
#   - a binding that must be there: the lease table (fo_holds), which
#     the thread answers itself, not a count from status.

# fo_snap_after NAME SINCE: primary NAME's snapshot was published after
# SINCE (now_s): it shows a poll sent later than that.
fo_snap_after() {
	local t
	t=$(fctl status "$1" --json 2>/dev/null | jq -r .last_poll_sent) ||
	    return 1
	awk -v a="$t" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

# fo_caught_up NAME SINCE: wait until primary NAME's snapshot was
# published after SINCE.  The thread polls every PollDelay in monitoring
# and in takeover, and a poll makes it publish; the snapshot then holds
# everything the thread did before SINCE, so a counter read from it that
# did not move has not moved.
fo_caught_up() {
	wait_for 5 "fo_snap_after $1 $2" ||
	    fail "$1: no status published since $2 (last poll sent $(fctl status "$1" --json | jq -r .last_poll_sent))"
}

# fo_holds ACKFILE [SOCK]: every (address, chaddr) line of ACKFILE is a
# bound lease of the failover (or of the daemon on SOCK).
fo_holds() {
	[ -z "$(comm -23 <(sort -u "$1") <(bound_of "${2:-$T/f/ctl.sock}" 2>/dev/null))" ]
}

# fo_wait_holds SECS ACKFILE: the failover's copy has every binding of
# ACKFILE (replication, a start-up sync) within SECS.
fo_wait_holds() {
	wait_for "$1" "fo_holds '$2'" ||
	    fail "the failover's copy lacks $(comm -23 <(sort -u "$2") <(bound_of "$T/f/ctl.sock") | wc -l) of the $(sort -u "$2" | wc -l) bindings of $(basename "$2") after $1 s"
}

# p_wait_serving SECS: the primary serves every subnet.
p_wait_serving() {
	wait_for "$1" "[ \"\$(p_fostate)\" = serving ]" ||
	    fail "primary not serving within $1 s (state: $(p_fostate))"
}

# fo_up: the namespace, both files, both daemons; the failover
# monitoring its primary, the primary serving.
fo_up() {
	fo_net
	fo_write_configs
	p_start
	f_start
	fo_wait_state monitoring 10
	p_wait_serving 10
}

# fo_kill_primary: kill -9 of the primary; the failover takes over.
fo_kill_primary() {
	kill -KILL "$P_PID"
	wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
	fo_wait_state takeover 5
}

# now_s: wall clock with fractions (compared with the daemon's times).
now_s() { date +%s.%N; }

# load ARGS...: dhcpload in the namespace, relaying to both servers.
# Prints its summary line; returns its status.
load() {
	nsx "$FO_NS_R" "$LOAD" -s "$FO_P_ADDR" -S "$FO_F_ADDR" -q "$@" 2>&1 |
	    tail -n 1
	return "${PIPESTATUS[0]}"
}

# load_to SERVER ARGS...: dhcpload relaying to one server only.
load_to() {
	local srv=$1
	shift
	nsx "$FO_NS_R" "$LOAD" -s "$srv" -q "$@" 2>&1 | tail -n 1
	return "${PIPESTATUS[0]}"
}

# The bound leases of a daemon as sorted "ADDRESS HWADDR" lines.
bound_of() {
	"$BUILD/dhcpfoctl" -s "$1" leases --json |
	    jq -r '.leases[] | select(.state == "bound")
	        | "\(.address) \(.hwaddr | ascii_downcase)"' | sort -u
}

# check_unique FILE: no address bound to two different hardware addresses.
check_unique() {
	local dups
	dups=$(awk '{ if (seen[$1] != "" && seen[$1] != $2) n++; seen[$1] = $2 }
	    END { print n + 0 }' "$1")
	[ "$dups" = 0 ]
}

# check_all_held ACKFILE BOUNDFILE: every ACKed (address, chaddr) is bound.
check_all_held() {
	local missing
	missing=$(comm -23 <(sort -u "$1") "$2" | wc -l)
	if [ "$missing" -ne 0 ]; then
		comm -23 <(sort -u "$1") "$2" | head -n 5 | sed 's/^/  | missing: /'
		return 1
	fi
	return 0
}

# fo_return_clean ACKFILE: the primary starts again and gets control
# back; the hand-back found no conflict; the primary holds every binding
# of ACKFILE ("ADDRESS HWADDR" lines) and no address twice.
fo_return_clean() {
	local c
	p_start
	fo_wait_state monitoring 20
	p_wait_serving 20
	c=$(pctl status --json | jq -r '.failover.handback.conflicts')
	assert "the hand-back found no conflict ($c)" test "$c" = 0
	bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
	assert "the primary holds every binding ever ACKed" \
	    check_all_held "$1" "$T/p-bound.txt"
	assert "no address bound to two clients" check_unique "$T/p-bound.txt"
}

# fails CMD...: CMD exits non-zero (for assert).
fails() { ! "$@" >/dev/null 2>&1; }

# fo_many_write_configs N: failover.ini and p1.ini..pN.ini for N primaries
# with the fast poll policy of the many-primary tests (PollDelay 0.3,
# PollRetryMax 1, WaitPollRplSecs 0.25), each file checked with -t.  The
# test defines pa I (primary I's address), fo_many_subnet I (the Subnet,
# Range, Routers and LeaseTime lines of its subnet "lanI") and
# fo_many_ns I (the namespace primary I runs in; with 0, the failover's);
# F_ADDR is the failover's address.  With FO_MANY_LEARN=1 failover.ini has
# no [subnet:] sections: the failover learns them (docs/learn.md).
fo_many_write_configs() {
	local n=$1 i
	{
		echo "; written by $E2E_NAME"
		echo "[server]"
		echo "Name = hub1"
		echo "ServerAddress = $F_ADDR"
		echo "DhcpPort = 67"
		echo "FailoverPort = 647"
		echo "StateDir = $T/f/state"
		echo "ControlSocket = $T/f/ctl.sock"
		echo "PidFile = $T/f/pid"
		echo "$E2E_SERVER_LINES"
		echo "[failover]"
		echo "PollDelay = 0.3"
		echo "PollRetryMax = 1"
		echo "WaitPollRplSecs = 0.25"
		echo "WaitSyncStartSecs = 1"
		echo "SyncReqRetryMax = 1"
		echo "WaitSyncBindAckSecs = 1"
		echo "SyncBindRetryMax = 3"
		echo "TakeoverPingCheck = false"
		for i in $(seq 1 "$n"); do
			echo "[primary:branch$i]"
			echo "Address = $(pa "$i")"
			echo "Port = 647"
			echo "SharedKeyFile = $T/branch$i.key"
			[ "${FO_MANY_LEARN:-0}" = 1 ] && continue
			echo "[subnet:lan$i]"
			echo "Primary = branch$i"
			fo_many_subnet "$i"
		done
	} >"$T/failover.ini"
	for i in $(seq 1 "$n"); do
		{
			echo "; written by $E2E_NAME"
			echo "[server]"
			echo "Name = branch$i"
			echo "ServerAddress = $(pa "$i")"
			echo "DhcpPort = 67"
			echo "StateDir = $T/p$i/state"
			echo "ControlSocket = $T/p$i/ctl.sock"
			echo "PidFile = $T/p$i/pid"
			echo "PingBeforeAssign = false"
			echo "$E2E_SERVER_LINES"
			echo "[failover]"
			echo "UseFailoverServer = true"
			echo "FailoverServer = $F_ADDR"
			echo "FailoverPort = 647"
			echo "SharedKeyFile = $T/branch$i.key"
			echo "CtlReqRetryMax = 3"
			echo "WaitCtlRetSecs = 1"
			echo "WaitSyncBindAckSecs = 1"
			echo "SyncBindRetryMax = 3"
			echo "[subnet:lan$i]"
			fo_many_subnet "$i"
		} >"$T/p$i.ini"
		nsx "$(fo_many_ns "$i")" "$P_BIN" -t -c "$T/p$i.ini" >"$T/check-p$i.log" 2>&1 ||
		    { cat "$T/check-p$i.log"; fail "p$i.ini rejected by -t"; }
	done
	nsx "$(fo_many_ns 0)" "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini" \
	    >"$T/check-f.log" 2>&1 || { cat "$T/check-f.log"; fail "failover.ini rejected by -t"; }
}

# ---- many primaries (t_fo_five, t_fo_five_lans, t_fo_learn): primary I
# runs in namespace $(fo_many_ns I) with $T/pI.ini, its control socket at
# $T/pI/ctl.sock; the test defines N and fo_many_ns.
declare -a P_PIDS=() P_RUNS=()
pictl() { local i=$1; shift; "$BUILD/dhcpfoctl" -s "$T/p$i/ctl.sock" "$@"; }
# b I FIELD: field of branchI's row in the failover's status.
b() { fctl status --json 2>/dev/null | jq -r ".primaries[] | select(.name == \"branch$1\") | .$2"; }
# bd I FIELD: field of "status branchI" (detail: acks, dhcp_ignored, ...).
bd() { fctl status "branch$1" --json 2>/dev/null | jq -r ".$2"; }
p_state() { pictl "$1" status --json 2>/dev/null | jq -r .state; }
p_acks() { pictl "$1" status --json 2>/dev/null | jq -r .counters.ack; }
states() {
	local i s=""
	for i in $(seq 1 "$N"); do s="$s $i:$(b "$i" state)"; done
	echo "$s"
}
# fo_many_dirs N: the failover's and N primaries' directories, and a key
# per primary ($T/branchI.key).
fo_many_dirs() {
	local i
	mkdir -p "$T/f"
	for i in $(seq 1 "$1"); do
		mkdir -p "$T/p$i"
		(umask 077; openssl rand -hex 32 >"$T/branch$i.key") || fail "key"
	done
}
# pi_start I: primary I started, answering its control socket.
pi_start() {
	local i=$1
	P_RUNS[i]=$(( ${P_RUNS[i]:-0} + 1 ))
	bg_in "$(fo_many_ns "$i")" "$T/primary$i-${P_RUNS[i]}.log" "$P_BIN" -f -c "$T/p$i.ini"
	P_PIDS[i]=$BG_PID
	wait_for 10 "pictl $i status --json | jq -e .state" ||
	    fail "primary $i not answering its control socket"
}
pi_kill() {
	local i=$1
	our_child "${P_PIDS[i]}" && kill -KILL "${P_PIDS[i]}" 2>/dev/null
	wait_for 5 "pid_gone ${P_PIDS[i]}" || fail "primary $i survived SIGKILL"
	wait "${P_PIDS[i]}" 2>/dev/null
}
# handed_back I SECS: branchI monitoring on the failover, primary serving.
handed_back() {
	wait_for "$2" "[ \"\$(b $1 state)\" = monitoring ] && [ \"\$(p_state $1)\" = serving ]"
}
