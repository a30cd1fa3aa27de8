# bench/fo_lib.sh — helpers for bench/failover.sh and bench/many.sh
# (sourced, not run).
#
# Both run dhcpfo-primary, dhcpfo-failover and build/tools/dhcpload in one
# private network namespace on loopback only; the failover is 127.0.0.2.
# Every process is started with bg (recorded by pid) and stopped in the
# EXIT trap, which also removes the namespace and the temp dir.  Every
# wait is bounded.  The script sets POLL_DELAY, POLL_RETRY and WAIT_RPL
# (the failover's policy, ini_failover and takeover_bound) before use.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BUILD=${BUILD:-$REPO/build}
P_BIN=$BUILD/dhcpfo-primary
F_BIN=$BUILD/dhcpfo-failover
CTL=$BUILD/dhcpfoctl
LOAD=$BUILD/tools/dhcpload
F_ADDR=127.0.0.2
KEEP=0
PIDS=()
WAIT_STEP=0.05		# wait_for polls its command this often (s)

msg() { printf '%s\n' "$*" >&2; }
die() { msg "${0##*/}: $*"; exit 2; }

# preflight HINT: root, the binaries (HINT: how to get them), the tools
preflight() {
    local b c
    [[ $(id -u) == 0 ]] || die "must run as root (creates a network namespace)"
    for b in "$P_BIN" "$F_BIN" "$CTL" "$LOAD"; do
        [[ -x $b ]] || die "$b missing ($1)"
    done
    for c in ip jq bc openssl python3; do
        command -v "$c" >/dev/null || die "$c not found"
    done
}

# ---- processes, namespace, cleanup -----------------------------------------
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    ip netns del "$NS" 2>/dev/null
    if ((KEEP)); then msg "kept $TMP"; else rm -rf "$TMP"; fi
}

# ns_setup NAME ADDR...: the namespace NAME$$ (lo up, ADDR/8 on it besides
# the failover's), the temp dir TMP (NAME.XXXXXX) and the traps
ns_setup() {
    local a
    NS=$1$$
    TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/$1.XXXXXX")
    trap cleanup EXIT
    trap 'exit 3' INT TERM
    ip netns add "$NS" || die "ip netns add $NS"
    ip -n "$NS" link set lo up
    for a in "$F_ADDR" "${@:2}"; do
        ip -n "$NS" addr add "$a/8" dev lo
    done
}
nsx() { ip netns exec "$NS" "$@"; }

now() { echo "$EPOCHREALTIME"; }
fc() { echo "scale=6; $*" | bc -l; }
f3() { printf '%.3f' "$1"; }
# wait_for SECS CMD: poll CMD every WAIT_STEP s until it succeeds or SECS pass.
wait_for() {
    local end
    end=$(fc "$(now) + $1")
    while :; do
        eval "$2" >/dev/null 2>&1 && return 0
        (($(fc "$(now) > $end"))) && return 1
        sleep "$WAIT_STEP"
    done
}
alive() { kill -0 "$1" 2>/dev/null; }

# bg LOG CMD...: start CMD in the namespace; BG is its pid (ip netns exec
# execs the program, so the pid is the program's own).
BG=""
bg() {
    local log=$1
    shift
    ip netns exec "$NS" "$@" >>"$log" 2>&1 &
    BG=$!
    PIDS+=("$BG")
}
stop() { # stop PID [SIG]
    local p=$1
    [[ -n $p ]] || return 0
    kill -"${2:-TERM}" "$p" 2>/dev/null
    wait_for 10 "! alive $p" || kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    return 0
}

# ---- configuration ---------------------------------------------------------
# The load brings thousands of new clients a second through one relay:
# the new-client limits (docs/security.md) are off, as the benchmark
# measures the server, not them.
BENCH_NO_LIMITS="NewClientRatePerRelay = 0
NewClientRatePerCircuit = 0
NewClientRatePerRemoteId = 0
NewClientRatePerClient = 0"
# ini_primary NAME ADDR DIR KEY USEFO RETRY WAIT: the [server] and [failover]
# sections of a primary (state, control socket and pid file under DIR;
# RETRY, WAIT: CtlReqRetryMax, WaitCtlRetSecs)
ini_primary() {
    cat <<EOF
[server]
Name = $1
ServerAddress = $2
DhcpPort = 67
StateDir = $3/state
ControlSocket = $3/ctl.sock
PidFile = $3/pid
PingBeforeAssign = false
$BENCH_NO_LIMITS
[failover]
UseFailoverServer = $5
FailoverServer = $F_ADDR
FailoverPort = 647
SharedKeyFile = $4
CtlReqRetryMax = $6
WaitCtlRetSecs = $7
WaitSyncBindAckSecs = 1
SyncBindRetryMax = 3
EOF
}
# ini_failover DIR [LINE]: the [server] and [failover] sections of the
# failover (files under DIR/f; LINE: one more [server] line)
ini_failover() {
    cat <<EOF
[server]
Name = hub1
ServerAddress = $F_ADDR
DhcpPort = 67
FailoverPort = 647
StateDir = $1/f/state
ControlSocket = $1/f/ctl.sock
PidFile = $1/f/pid
$BENCH_NO_LIMITS
EOF
    [[ -z ${2:-} ]] || printf '%s\n' "$2"
    cat <<EOF
[failover]
PollDelay = $POLL_DELAY
PollRetryMax = $POLL_RETRY
WaitPollRplSecs = $WAIT_RPL
WaitSyncStartSecs = 1
SyncReqRetryMax = 1
WaitSyncBindAckSecs = 1
SyncBindRetryMax = 3
TakeoverPingCheck = false
EOF
}
# ini_peer NAME ADDR KEY: a [primary:NAME] section of the failover
ini_peer() {
    printf '[primary:%s]\nAddress = %s\nPort = 647\nSharedKeyFile = %s\n' "$1" "$2" "$3"
}
# ini_subnet NAME PRIMARY SUBNET RANGE ROUTER: a [subnet:NAME] section
# (PRIMARY empty: the primary's own, without a Primary line)
ini_subnet() {
    echo "[subnet:$1]"
    [[ -z $2 ]] || echo "Primary = $2"
    echo "Subnet = $3"
    echo "Range = $4"
    echo "Routers = $5"
    echo "LeaseTime = 86400"
}
# check_configs DIR PRIMARY_INI: both daemons accept DIR/PRIMARY_INI and
# DIR/failover.ini (-t), else the script ends
check_configs() {
    local d=$1
    nsx "$P_BIN" -t -c "$d/$2" >"$d/check-p.log" 2>&1 ||
        { cat "$d/check-p.log" >&2; die "$2 rejected"; }
    nsx "$F_BIN" -t -c "$d/failover.ini" >"$d/check-f.log" 2>&1 ||
        { cat "$d/check-f.log" >&2; die "failover.ini rejected"; }
}

# fctl ARG...: dhcpfoctl of the failover of the run in D (the script's)
fctl() { "$CTL" -s "$D/f/ctl.sock" "$@"; }

# takeover_bound: a dead primary is declared down at most D + (R+1) W after
# its last answer (docs/failover-states.md, Parameters)
takeover_bound() { fc "$POLL_DELAY + ($POLL_RETRY + 1) * $WAIT_RPL"; }

# ---- report ----------------------------------------------------------------
machine() {
    echo "$(nproc) CPU(s) $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
}
state_fs() { df -PT "$TMP" | awk 'NR==2 {print $2}'; }
