# bench/lib.sh — helpers for bench/dora.sh, bench/snmp.sh, bench/safety.sh, bench/ops.sh
# and bench/sweep.sh
# (sourced, not run).
#
# Everything here runs inside one private network namespace (dfobench$$)
# on 127.0.0.0/8 only.  Every process started is recorded by pid and ended
# by pid; the namespace and temp dir are removed by bench_cleanup (trap).
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)

# ---- fixed test topology (see README.md) ---------------------------------
SERVER_ADDR=127.0.0.1          # the server binds this address:DHCP_PORT
                               # perfdhcp i binds 127.0.0.(2+i):DHCP_PORT, giaddr=that
DHCP_PORT=67
SUBNET=127.0.0.0/8             # contains giaddr, so the relay selects it
RANGE=${BENCH_RANGE:-127.1.0.0-127.1.255.255}
RANGE_START=${RANGE%-*}
RANGE_END=${RANGE#*-}
CLIENTS=${BENCH_CLIENTS:-60000}   # perfdhcp -R; keep below the range size
LEASE_TIME=86400
KEA_THREADS=${BENCH_KEA_THREADS:-0}   # 0: Kea 2.2 default (single-threaded)
COMMIT_BATCH=${BENCH_COMMIT_BATCH:-}  # empty: dhcpfo default (256)
EXIT_WAIT_US=500000            # perfdhcp -W: wait for answers after -p ends
GEN_RCVBUF=${BENCH_GEN_RCVBUF:-8388608}  # perfdhcp socket buffer (0: kernel default)
KEA_RCVBUF=${BENCH_KEA_RCVBUF:-4194304}  # "kearb" variant: dhcpfo's own buffer size (common/net/netio.h)
GEN_SEND_MIN=0.95              # perfdhcp must send >= 95% of the target

KEA_BIN=${KEA_BIN:-/usr/sbin/kea-dhcp4}
PERFDHCP=${PERFDHCP:-/usr/sbin/perfdhcp}
DHCPFO_BIN=${BENCH_DHCPFO_BIN:-$REPO/build/dhcpfo-primary}
DHCPFOCTL=${BENCH_DHCPFOCTL:-$REPO/build/dhcpfoctl}

CLK_TCK=$(getconf CLK_TCK)
NS=""
TMP=""
KEEP=0
declare -a BENCH_PIDS=()
declare -A GENLIMITED=()

msg()  { printf '%s\n' "$*" >&2; }
note() { printf '  %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# Float helpers (awk): fcalc EXPR, fge A B (A >= B)
fcalc() { awk "BEGIN { printf \"%.12g\", ($1) }" </dev/null; }  # () : no '>' redirection
fge()   { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
flt()   { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
fmt1()  { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }
fmt2()  { awk -v a="$1" 'BEGIN { printf "%.2f", a }'; }
fint()  { awk -v a="$1" 'BEGIN { printf "%d", a + 0.5 }'; }

now() { date +%s.%N; }

# ---- CPU placement and load generators -------------------------------------
# The server and perfdhcp get separate CPUs so that neither steals the
# other's time: perfdhcp busy-polls (100% of a CPU) above 10000/s.
#   2-3 CPUs: server on CPUs 0..n-2, one perfdhcp on the last CPU
#   >=4 CPUs: server on CPUs 0-1, one perfdhcp per remaining CPU (max 4)
# BENCH_GENERATORS=N forces N perfdhcp instances (each its own relay address
# 127.0.0.(2+i) and its own MAC range); BENCH_PIN=0 disables pinning.
NCPU=$(nproc)
if [[ -n ${BENCH_GENERATORS:-} ]]; then
    GENS=$BENCH_GENERATORS
elif ((NCPU >= 4)); then
    GENS=$((NCPU - 2 > 4 ? 4 : NCPU - 2))
else
    GENS=1
fi
declare -a GEN_CPU=()
if [[ ${BENCH_PIN:-1} == 1 ]] && ((NCPU > GENS)); then
    first_gen=$((NCPU - GENS))
    if ((first_gen > 2)); then first_gen=2; fi
    SRV_CPUS="0-$((first_gen - 1))"
    PIN_SRV=(taskset -c "$SRV_CPUS")
    for ((i = 0; i < GENS; i++)); do GEN_CPU[i]=$((first_gen + i)); done
    GEN_CPUS="${GEN_CPU[*]}"
else
    SRV_CPUS=any GEN_CPUS=any
    PIN_SRV=()
fi
# Priority: the server and perfdhcp run at nice BENCH_NICE (default -15) so
# that other work on the machine (builds, tests) disturbs the measurement
# less; both servers get the same treatment.  0 disables.
NICE=${BENCH_NICE:--15}
PRIO=()
[[ $NICE != 0 ]] && PRIO=(nice -n "$NICE")
PIN_SRV=("${PRIO[@]}" "${PIN_SRV[@]}")
relay_addr() { echo "127.0.0.$((2 + $1))"; }
RELAY_ADDR=$(relay_addr 0)

# ---- processes, namespace, cleanup ---------------------------------------
track()   { BENCH_PIDS+=("$1"); }
untrack() {
    local p i
    for i in "${!BENCH_PIDS[@]}"; do
        p=${BENCH_PIDS[$i]}
        [[ $p == "$1" ]] && unset "BENCH_PIDS[$i]"
    done
}

# stop_pid PID [SIGNAL [TENTHS]]: signal, wait up to 5 s (TENTHS/10), then SIGKILL.  Only pids we
# started (recorded in BENCH_PIDS) are ever signalled.
stop_pid() {
    local pid=$1 sig=${2:-TERM} tenths=${3:-50} i
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -"$sig" "$pid" 2>/dev/null
        for ((i = 0; i < tenths; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    untrack "$pid"
    return 0
}

bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]}"; do
        stop_pid "$p"
    done
    BENCH_PIDS=()
    if [[ -n $NS ]]; then
        ip netns del "$NS" 2>/dev/null
        NS=""
    fi
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ $KEEP == 1 ]]; then
            msg "bench: logs and results kept in $TMP"
        else
            rm -rf "$TMP"
        fi
    fi
}

bench_setup() {
    local base=${BENCH_TMPDIR:-/tmp}
    TMP=$(mktemp -d "$base/dfobench.XXXXXX") || { msg "bench: mktemp failed"; return 1; }
    NS=dfobench$$
    ip netns add "$NS" || { NS=""; msg "bench: cannot create network namespace (need root)"; return 1; }
    ip netns exec "$NS" ip link set lo up || return 1
    local i
    for ((i = 0; i < GENS; i++)); do
        ip netns exec "$NS" ip addr add "$(relay_addr "$i")/8" dev lo || return 1
    done
    # Sanity: the namespace has nothing but lo.
    local ifs
    ifs=$(ip netns exec "$NS" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
    [[ $ifs == "lo " ]] || { msg "bench: unexpected interfaces in $NS: $ifs"; return 1; }
    local fstype
    fstype=$(findmnt -no FSTYPE -T "$TMP" 2>/dev/null) || fstype=$(stat -f -c %T "$TMP")
    if [[ $fstype == tmpfs || $fstype == ramfs ]]; then
        warn "$TMP is on $fstype: fsync is free there, durability costs are not measured."
        warn "set BENCH_TMPDIR to a directory on a real disk."
    fi
    BENCH_FSTYPE=$fstype
    GEN_ENV=()
    HAVE_PRELOAD=0
    if cc -O2 -shared -fPIC -o "$TMP/rcvbuf_preload.so" "$BENCH_DIR/rcvbuf_preload.c" -ldl \
        2>"$TMP/rcvbuf_preload.build.log"; then
        HAVE_PRELOAD=1
    else
        warn "cannot build bench/rcvbuf_preload.c; perfdhcp keeps the default socket buffer"
        GEN_RCVBUF=0
    fi
    if [[ $GEN_RCVBUF != 0 ]]; then
        GEN_ENV=(env LD_PRELOAD="$TMP/rcvbuf_preload.so" DFOBENCH_RCVBUF="$GEN_RCVBUF")
    fi
}

nsx() { ip netns exec "$NS" "$@"; }

# bench_args OPT ARG...: the command line.  --keep, -h/--help (the
# script's usage) and unknown options here, every other one to the
# script's function OPT ARG (non-zero: not one of its options).
bench_args() {
    local opt=$1
    shift
    while (($#)); do
        case $1 in
        --keep) KEEP=1 ;;
        -h | --help) usage; exit 0 ;;
        *) "$opt" "$1" || { usage >&2; exit 2; } ;;
        esac
        shift
    done
}

# bench_preflight WHO TOOL...: root and the tools, else "WHO: ..." and exit 2
bench_preflight() {
    local who=$1 t
    shift
    if [[ $(id -u) != 0 ]]; then
        msg "$who: must run as root (creates a private network namespace)"
        exit 2
    fi
    for t in "$@"; do
        command -v "$t" >/dev/null || { msg "$who: missing tool: $t"; exit 2; }
    done
}

# bench_begin [EXIT_ACTION]: the traps (EXIT: EXIT_ACTION, default
# bench_cleanup), then bench_setup; non-zero if the set-up failed
# shellcheck disable=SC2120,SC2064  # optional argument; the action is a command string
bench_begin() {
    trap "${1:-bench_cleanup}" EXIT
    trap 'msg "bench: interrupted"; exit 130' INT TERM
    bench_setup
}

# private_copies: run copies of dhcpfo-primary and dhcpfoctl from TMP, so
# that a rebuild in the tree during the bench does not change the binary
# between steps.  DHCPFO_SRC and DHCPFO_BUILT: what was copied, and when
# it was built.
# shellcheck disable=SC2034  # DHCPFO_SRC, DHCPFO_BUILT: read by the scripts
private_copies() {
    DHCPFO_SRC=$DHCPFO_BIN
    DHCPFO_BUILT=$(date -r "$DHCPFO_BIN" '+%F %T')
    cp "$DHCPFO_BIN" "$TMP/dhcpfo-primary" && DHCPFO_BIN=$TMP/dhcpfo-primary
    [[ -x $DHCPFOCTL ]] && cp "$DHCPFOCTL" "$TMP/dhcpfoctl" && DHCPFOCTL=$TMP/dhcpfoctl
    return 0
}

# ---- /proc readers --------------------------------------------------------
# proc_cpu PID -> "utime stime" in clock ticks (all threads of the process)
proc_cpu() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo "0 0"; return 1; }
    s=${s##*) }
    # after "comm) " field 3 is state; utime/stime are fields 14/15 overall
    awk '{ print $12, $13 }' <<<"$s"
}
# proc_threads PID -> lines "tid name utime stime" (ticks)
proc_threads() {
    local t s name
    for t in /proc/"$1"/task/*; do
        s=$(cat "$t/stat" 2>/dev/null) || continue
        name=${s#*(}; name=${name%)*}; name=${name// /_}
        s=${s##*) }
        awk -v tid="${t##*/}" -v n="$name" '{ print tid, n, $12, $13 }' <<<"$s"
    done
}
# proc_io PID -> "wchar syscw write_bytes"
proc_io() {
    # %.0f: mawk prints a number above 2^31 as 2.6e+09 otherwise
    awk '/^wchar:/ {w=$2} /^syscw:/ {c=$2} /^write_bytes:/ {b=$2}
         END { printf "%.0f %.0f %.0f\n", w, c, b }' "/proc/$1/io" 2>/dev/null || echo "0 0 0"
}

# sys_busy -> busy ticks of all CPUs (user+nice+system+irq+softirq+steal)
sys_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# udp_snmp -> "InDatagrams RcvbufErrors SndbufErrors NoPorts" for the namespace
udp_snmp() {
    nsx cat /proc/net/snmp 2>/dev/null | awk '
        $1 == "Udp:" && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
        $1 == "Udp:" && h  { print $c["InDatagrams"], $c["RcvbufErrors"], $c["SndbufErrors"], $c["NoPorts"] }'
}
# udp_sock_drops ADDR PORT -> drops counter of the UDP socket bound there
udp_sock_drops() {
    local hex o
    IFS=. read -r -a o <<<"$1"
    hex=$(printf '%02X%02X%02X%02X:%04X' "${o[3]}" "${o[2]}" "${o[1]}" "${o[0]}" "$2")
    nsx cat /proc/net/udp 2>/dev/null | awk -v a="$hex" '$2 == a { d += $NF } END { print d + 0 }'
}

# ---- servers --------------------------------------------------------------
subst() {   # subst TEMPLATE OUT VAR=VALUE...
    local tpl=$1 out=$2; shift 2
    local args=() kv
    for kv in "$@"; do
        args+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
    done
    sed "${args[@]}" "$tpl" >"$out"
}

# server_available KIND -> 0 if it can be started
server_available() {
    case $1 in
    kea | kearb) [[ -x $KEA_BIN ]] ;;
    dhcpfo) [[ -x $DHCPFO_BIN ]] ;;
    null)   [[ -x $TMP/nullsrv ]] || cc -O2 -o "$TMP/nullsrv" "$BENCH_DIR/nullsrv.c" 2>"$TMP/nullsrv.build.log" ;;
    esac
}

server_label() {
    case $1 in
    kea)    echo "Kea $("$KEA_BIN" -v 2>/dev/null) memfile" ;;
    kearb)  echo "Kea memfile $((KEA_RCVBUF / 1048576))MiB sockbuf" ;;
    dhcpfo) echo "dhcpfo-primary" ;;
    null)   echo "null responder" ;;
    esac
}

# write_config KIND DIR -> path of the config file
write_config() {
    local kind=$1 dir=$2
    case $kind in
    kea | kearb)
        local mt=false thr=0
        if [[ $KEA_THREADS -gt 0 ]]; then mt=true thr=$KEA_THREADS; fi
        subst "$BENCH_DIR/kea-dhcp4.json.in" "$dir/kea-dhcp4.json" \
            SERVER_ADDR="$SERVER_ADDR" LEASE_FILE="$dir/leases4.csv" \
            KEA_MT=$mt KEA_THREADS=$thr LEASE_TIME=$LEASE_TIME \
            SUBNET="$SUBNET" RANGE_START="$RANGE_START" RANGE_END="$RANGE_END" \
            LOG_FILE="$dir/kea.log"
        echo "$dir/kea-dhcp4.json" ;;
    dhcpfo)
        local cb="" sl=${DHCPFO_SERVER_LINES-LeaseLog = no}
        [[ -n $COMMIT_BATCH ]] && cb="CommitBatchMax    = $COMMIT_BATCH"
        # extra [server] lines (bench/ops.sh: LeaseLog, LeaseLogRate,
        # MetricsListen).  The others run without the lease log: Kea
        # beside them logs at WARN, so neither logs a line per lease
        # (bench/ops.sh measures what the log costs).  Newlines become
        # sed's \n.
        sl=${sl//$'\n'/\\n}
        mkdir -p "$dir/state"
        # [failover] lines: none for dora.sh (no peer), a failover for
        # bench/safety.sh (DHCPFO_FAILOVER_CONF)
        subst "$BENCH_DIR/dhcpfo-primary.ini.in" "$dir/primary.ini" \
            SERVER_ADDR="$SERVER_ADDR" DHCP_PORT=$DHCP_PORT \
            STATE_DIR="$dir/state" CONTROL_SOCKET="$dir/ctl.sock" \
            PID_FILE="$dir/primary.pid" COMMIT_BATCH_LINE="$cb" \
            SUBNET="$SUBNET" RANGE_START="$RANGE_START" RANGE_END="$RANGE_END" \
            LEASE_TIME=$LEASE_TIME SERVER_LINES="$sl" \
            FAILOVER_LINES="${DHCPFO_FAILOVER_CONF:-UseFailoverServer = false}"
        # extra INI sections (bench/snmp.sh: [snmp]); empty for dora.sh
        [[ -n ${DHCPFO_EXTRA_CONF:-} ]] && printf '%s\n' "$DHCPFO_EXTRA_CONF" >>"$dir/primary.ini"
        [[ ${DHCPFO_DROP_UNKNOWN:-0} == 1 ]] &&
            drop_unknown_keys "$DHCPFO_BIN" "$dir/primary.ini"
        echo "$dir/primary.ini" ;;
    null) echo "" ;;
    esac
}

# drop_unknown_keys BIN CONF: an older build (bench/safety.sh's baseline)
# refuses the [server] keys it predates (the new-client limits, LeaseLog):
# drop those lines.  Each sets what that build does without it (off), so
# both builds still run the same service.
drop_unknown_keys() {
    local bin=$1 conf=$2 k
    for k in $("$bin" -t -c "$conf" 2>&1 |
        sed -n 's/.*\[server\] \([A-Za-z]*\) = .*: unknown key in \[server\]$/\1/p'); do
        sed -i "/^$k[[:space:]]*=/d" "$conf"
    done
}

# check_config KIND CONF -> 0 if the server accepts it (prints errors)
check_config() {
    local kind=$1 conf=$2 out
    case $kind in
    kea | kearb) out=$(nsx env KEA_PIDFILE_DIR="${conf%/*}" KEA_LOCKFILE_DIR="${conf%/*}" \
                  timeout 20 "$KEA_BIN" -t "$conf" 2>&1) ;;
    dhcpfo) out=$(nsx timeout 20 "$DHCPFO_BIN" -c "$conf" -t 2>&1) ;;
    *)      return 0 ;;
    esac
    local rc=$?
    if [[ $rc -ne 0 ]]; then
        msg "bench: $(server_label "$kind") rejects its config (exit $rc):"
        sed 's/^/    /' <<<"$out" | tail -20 >&2
    fi
    return $rc
}

# start_server KIND DIR -> sets SRV_PID (0 on failure, log in DIR/server.log)
start_server() {
    local kind=$1 dir=$2 conf
    SRV_PID=0
    conf=$(write_config "$kind" "$dir")
    # Started directly (no shell function in between) so that $! is the
    # server's own pid: ip netns exec, env and taskset all exec.
    case $kind in
    kea)
        ip netns exec "$NS" env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
            "${PIN_SRV[@]}" "$KEA_BIN" -c "$conf" >"$dir/server.log" 2>&1 &
        ;;
    kearb)
        # Kea 2.2 has no socket-buffer setting: the same LD_PRELOAD shim as
        # for perfdhcp gives its sockets the buffer dhcpfo sets itself
        ip netns exec "$NS" env KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" \
            LD_PRELOAD="$TMP/rcvbuf_preload.so" DFOBENCH_RCVBUF="$KEA_RCVBUF" \
            "${PIN_SRV[@]}" "$KEA_BIN" -c "$conf" >"$dir/server.log" 2>&1 &
        ;;
    dhcpfo)
        ip netns exec "$NS" "${PIN_SRV[@]}" "$DHCPFO_BIN" -c "$conf" -f \
            >"$dir/server.log" 2>&1 &
        ;;
    null)
        ip netns exec "$NS" "${PIN_SRV[@]}" "$TMP/nullsrv" "$SERVER_ADDR" "$DHCP_PORT" \
            >"$dir/server.log" 2>&1 &
        ;;
    esac
    SRV_PID=$!
    track "$SRV_PID"
    wait_ready "$kind" "$dir" || { stop_pid "$SRV_PID"; SRV_PID=0; return 1; }
}

# wait_ready KIND DIR: the server pid is alive and a UDP socket is bound to
# SERVER_ADDR:DHCP_PORT in the namespace (for dhcpfo also: control socket
# answers).  Up to 15 s.
wait_ready() {
    local kind=$1 dir=$2 i socks
    for ((i = 0; i < 150; i++)); do
        if ! kill -0 "$SRV_PID" 2>/dev/null; then
            wait "$SRV_PID" 2>/dev/null; local rc=$?
            untrack "$SRV_PID"
            msg "bench: $(server_label "$kind") exited during start-up (status $rc); log:"
            local f
            for f in "$dir/server.log" "$dir/kea.log"; do
                [[ -s $f ]] && tail -20 "$f" | sed 's/^/    /' >&2
            done
            return 1
        fi
        socks=$(nsx ss -Hnul 2>/dev/null)
        if grep -qE "(0\.0\.0\.0|\*):$DHCP_PORT\b" <<<"$socks"; then
            msg "bench: $(server_label "$kind") bound the wildcard address on port $DHCP_PORT;"
            msg "       perfdhcp cannot bind $RELAY_ADDR:$DHCP_PORT beside it (server must bind $SERVER_ADDR only)"
            return 1
        fi
        if grep -qF " $SERVER_ADDR:$DHCP_PORT " <<<"$socks"; then
            if [[ $kind != dhcpfo || ! -x $DHCPFOCTL ]] ||
                nsx "$DHCPFOCTL" -s "$dir/ctl.sock" status --json >/dev/null 2>&1; then
                return 0
            fi
        fi
        sleep 0.1
    done
    msg "bench: $(server_label "$kind") did not become ready in 15 s (socket $SERVER_ADDR:$DHCP_PORT); log:"
    tail -20 "$dir/server.log" 2>/dev/null | sed 's/^/    /' >&2
    return 1
}

# dhcpfo_counters DIR -> shell assignments C_<name>=N for status --json
dhcpfo_counters() {
    local js
    js=$(nsx "$DHCPFOCTL" -s "$1/ctl.sock" status --json 2>/dev/null) || return 1
    printf '%s\n' "$js" >"$1/status.json"
    if command -v jq >/dev/null; then
        jq -r '.counters // {} | to_entries[] | select(.value|type=="number")
               | "C_\(.key)=\(.value)"' <<<"$js" 2>/dev/null | grep -E '^C_[A-Za-z0-9_]+=[0-9.]+$'
    else
        grep -oE '"[a-z_]+":[0-9.]+' <<<"$js" | sed -E 's/"([a-z_]+)":/C_\1=/'
    fi
}

# ---- perfdhcp -------------------------------------------------------------
# parse_perfdhcp FILE... -> shell assignments (numbers only), summed over
# the perfdhcp instances (latency: average weighted by answers, max of max)
parse_perfdhcp() {
    awk '
    FNR == 1 { x = ""; nf++ }
    /^Rate: / { rate += $2 }
    /Statistics for: DISCOVER-OFFER/ { x = "do"; ok[FILENAME]++ }
    /Statistics for: REQUEST-ACK/    { x = "ra" }
    x != "" && /^sent packets:/     { v[x "_sent"] += $3 }
    x != "" && /^received packets:/ { v[x "_rcvd"] += $3; last = $3 }
    x != "" && /^drops:/            { v[x "_drops"] += $2 }
    x != "" && /^orphans:/          { v[x "_orphans"] += $2 }
    x != "" && /^rejected leases:/  { v[x "_rejected"] += $3 }
    x != "" && /^collected packets:/ { v[x "_collected"] += $3 }
    x != "" && /^avg delay:/        { lat[x] += $3 * last }
    x != "" && /^max delay:/        { if ($3 > v[x "_max_ms"]) v[x "_max_ms"] = $3 }
    END {
        printf "P_rate=%s\n", rate + 0
        n = split("do ra", xs, " ")
        m = split("sent rcvd drops orphans rejected collected max_ms", fs, " ")
        for (i = 1; i <= n; i++) {
            for (j = 1; j <= m; j++) {
                k = xs[i] "_" fs[j]
                printf "P_%s=%s\n", k, v[k] + 0
            }
            r = v[xs[i] "_rcvd"]
            printf "P_%s_avg_ms=%.3f\n", xs[i], (r > 0 ? lat[xs[i]] / r : 0)
        }
        good = 0; for (f in ok) good++
        printf "P_ok=%d\n", (good == nf && nf > 0) ? 1 : 0
    }' "$@"
}

# ---- one measurement step -------------------------------------------------
# run_step KIND RATE SECS DIR [record|trace]
# Starts a fresh server (empty lease database), runs perfdhcp for SECS at
# RATE DORA/s, collects perfdhcp figures, server CPU (/proc/PID/stat, all
# threads), I/O and (dhcpfo) counters, stops the server.  Writes DIR/res
# (shell assignments) and returns 0 if the step produced a measurement.
# STEP_HOOK (unset for dora.sh): a function called as
#   HOOK ready DIR PID   server started, before the CPU readings (non-zero:
#                        the step fails with S_status=error)
#   HOOK start DIR SECS  just before perfdhcp starts
#   HOOK stop DIR        after perfdhcp ended, before the CPU readings
#   HOOK res DIR         prints extra lines for DIR/res
# ladder MODE BASE MAXDOWN TARGET...: fixed-rate steps in ascending order
# through the calling script's one_step, stopping at the first step
# without <1% drops or when perfdhcp could not send more (genlimit); if
# even the lowest fails, go down 20% (up to MAXDOWN times).  LADDER_BEST:
# the directory of the step with the highest achieved rate, "" if none.
ladder() {
    local m=$1 base=$2 maxdown=$3 best="" best_ach=0 i=0 down=0 t
    shift 3
    local list=("$@")
    while ((i < ${#list[@]})); do
        t=${list[i]}
        one_step "$m" "$t" "$STEP_SECS" "$base/l$t" || break
        if [[ $S_status == pass || $S_status == genlimit ]]; then
            flt "$best_ach" "$S_achieved" && { best=$STEP_DIR; best_ach=$S_achieved; }
            [[ $S_status == genlimit ]] && break
            i=$((i + 1))
        elif [[ -z $best && $down -lt $maxdown && $S_status != noreply ]]; then
            down=$((down + 1))
            list=("$(((t * 4 / 5 + 25) / 50 * 50))")
            i=0
        else
            break
        fi
    done
    LADDER_BEST=$best
}

# load_step DIR: S_* P_* C_* X_* of a step (the X_* of the last one
# cleared first: a hook's figures must not leak into the next step)
load_step() {
    local v
    for v in $(compgen -v X_); do unset "$v"; done
    load_res "$1"
}
# us_per_lease: the server's CPU per completed DORA of the loaded step
us_per_lease() { fcalc "${P_ra_rcvd:-0} > 0 ? 1e6 * ($S_srv_user + $S_srv_sys) / $P_ra_rcvd : 0"; }

step_hook() { [[ -z ${STEP_HOOK:-} ]] || "$STEP_HOOK" "$@"; }
run_step() {
    local kind=$1 rate=$2 secs=$3 dir=$4 profile=${5:-}
    mkdir -p "$dir"
    : >"$dir/res"
    if ! start_server "$kind" "$dir"; then
        echo "S_status=error" >"$dir/res"
        return 1
    fi
    local pid=$SRV_PID
    if ! step_hook ready "$dir" "$pid"; then
        stop_pid "$pid"
        echo "S_status=error" >"$dir/res"
        return 1
    fi
    local c0 c1 io0 io1 t0 t1 gpid
    proc_threads "$pid" >"$dir/threads.0"
    c0=$(proc_cpu "$pid"); io0=$(proc_io "$pid")

    if [[ -n $profile ]]; then
        start_profilers "$pid" "$dir" "$profile"
    fi

    local snmp0 snmp1 sdrop0 sdrop1
    snmp0=$(udp_snmp); sdrop0=$(udp_sock_drops "$SERVER_ADDR" "$DHCP_PORT")
    local busy0 busy1
    busy0=$(sys_busy)
    step_hook start "$dir" "$secs"
    t0=$(now)
    local i gpids=() outs=() pin r_i c_i grc=0 rc
    for ((i = 0; i < GENS; i++)); do
        # split rate and clients; instance i uses relay 127.0.0.(2+i) and
        # MACs 00:0c:(16+i):xx:xx:xx so that clients never overlap
        r_i=$((rate / GENS + (i < rate % GENS ? 1 : 0)))
        c_i=$((CLIENTS / GENS))
        pin=("${PRIO[@]}")
        [[ -n ${GEN_CPU[i]:-} ]] && pin+=(taskset -c "${GEN_CPU[i]}")
        timeout -k 3 $((secs + 20)) ip netns exec "$NS" "${pin[@]}" "${GEN_ENV[@]}" \
            /usr/bin/time -o "$dir/perfdhcp$i.time" -f '%U %S %e' \
            "$PERFDHCP" -4 -g single -l "$(relay_addr "$i")" -r "$r_i" -R "$c_i" \
            -b "mac=00:0c:$(printf %02x $((16 + i))):00:00:00" \
            -p "$secs" -W "$EXIT_WAIT_US" "$SERVER_ADDR" >"$dir/perfdhcp$i.out" 2>&1 &
        gpids+=($!)
        outs+=("$dir/perfdhcp$i.out")
        track "$!"
    done
    for i in "${gpids[@]}"; do
        wait "$i"; rc=$?
        ((rc > grc)) && grc=$rc
        untrack "$i"
    done
    step_hook stop "$dir"
    t1=$(now)
    busy1=$(sys_busy)
    snmp1=$(udp_snmp); sdrop1=$(udp_sock_drops "$SERVER_ADDR" "$DHCP_PORT")

    c1=$(proc_cpu "$pid"); io1=$(proc_io "$pid")
    proc_threads "$pid" >"$dir/threads.1"
    local alive=1
    kill -0 "$pid" 2>/dev/null || alive=0

    if [[ -n $profile ]]; then
        stop_profilers "$dir"
    fi

    local counters=""
    if [[ $kind == dhcpfo && $alive == 1 && -x $DHCPFOCTL ]]; then
        counters=$(dhcpfo_counters "$dir")
    fi
    stop_pid "$pid"

    local leases_file=0
    if [[ $kind == kea* && -f $dir/leases4.csv ]]; then
        leases_file=$(($(wc -l <"$dir/leases4.csv") - 1))
        # lease files are big; keep only the count
        rm -f "$dir"/leases4.csv*
    fi

    eval "$(parse_perfdhcp "${outs[@]}")"
    local gu=0 gs=0 tu ts te
    for ((i = 0; i < GENS; i++)); do
        [[ -s $dir/perfdhcp$i.time ]] || continue
        read -r tu ts te < <(tail -1 "$dir/perfdhcp$i.time")
        [[ $tu =~ ^[0-9.]+$ && $ts =~ ^[0-9.]+$ ]] || continue
        gu=$(fcalc "$gu + $tu"); gs=$(fcalc "$gs + $ts")
    done
    local in0 rb0 sb0 np0 in1 rb1 sb1 np1
    read -r in0 rb0 sb0 np0 <<<"$snmp0"; read -r in1 rb1 sb1 np1 <<<"$snmp1"

    local u0 s0 u1 s1 w0 sc0 wb0 w1 sc1 wb1
    read -r u0 s0 <<<"$c0"; read -r u1 s1 <<<"$c1"
    read -r w0 sc0 wb0 <<<"$io0"; read -r w1 sc1 wb1 <<<"$io1"

    local status
    local do_pct ra_pct achieved wall
    do_pct=$(fcalc "$P_do_sent > 0 ? 100 * $P_do_drops / $P_do_sent : 100")
    ra_pct=$(fcalc "$P_ra_sent > 0 ? 100 * $P_ra_drops / $P_ra_sent : 100")
    achieved=$(fcalc "$P_ra_rcvd / $secs")
    wall=$(fcalc "$t1 - $t0")
    if [[ $P_ok != 1 ]]; then
        status=error
    elif [[ $alive == 0 ]]; then
        status=crashed
    elif [[ $P_ra_rcvd == 0 ]]; then
        status=noreply
    elif flt "$P_do_sent" "$(fcalc "$GEN_SEND_MIN * $rate * $secs")"; then
        # perfdhcp could not send the target rate: the generator is the
        # limit.  With <1% drops the server did sustain what it got.
        if flt "$do_pct" 1 && flt "$ra_pct" 1; then status=genlimit; else status=gen; fi
    elif flt "$do_pct" 1 && flt "$ra_pct" 1; then
        status=pass
    else
        status=drops
    fi

    {
        echo "S_kind=$kind"
        echo "S_target=$rate"
        echo "S_secs=$secs"
        echo "S_status=$status"
        echo "S_grc=$grc"
        echo "S_alive=$alive"
        echo "S_achieved=$achieved"
        echo "S_do_pct=$do_pct"
        echo "S_ra_pct=$ra_pct"
        echo "S_wall=$wall"
        echo "S_srv_user=$(fcalc "($u1 - $u0) / $CLK_TCK")"
        echo "S_srv_sys=$(fcalc "($s1 - $s0) / $CLK_TCK")"
        echo "S_gen_user=$gu"
        echo "S_gen_sys=$gs"
        echo "S_wchar=$((w1 - w0))"
        echo "S_syscw=$((sc1 - sc0))"
        echo "S_write_bytes=$((wb1 - wb0))"
        echo "S_kea_leases=$leases_file"
        echo "S_udp_in=$((in1 - in0))"
        echo "S_udp_rcvbuf_err=$((rb1 - rb0))"
        echo "S_udp_sndbuf_err=$((sb1 - sb0))"
        echo "S_udp_noports=$((np1 - np0))"
        echo "S_srv_sock_drops=$((sdrop1 - sdrop0))"
        echo "S_gens=$GENS"
        # CPU used on the machine by anything but this server and perfdhcp
        # (other users' builds and tests disturb the measurement)
        echo "S_other_cpu=$(fcalc "($busy1 - $busy0) / $CLK_TCK - ($u1 - $u0 + $s1 - $s0) / $CLK_TCK - $gu - $gs")"
        parse_perfdhcp "${outs[@]}"
        printf '%s\n' "$counters"
        step_hook res "$dir"
    } >"$dir/res"

    if [[ $status == error ]]; then
        msg "bench: perfdhcp produced no statistics (exit $grc):"
        tail -8 "${outs[@]}" | sed 's/^/    /' >&2
        return 1
    fi
    if [[ $status == crashed ]]; then
        msg "bench: $(server_label "$kind") died during the run; log:"
        tail -20 "$dir/server.log" | sed 's/^/    /' >&2
        return 1
    fi
    return 0
}

# load_res DIR: S_* P_* C_* variables from a step (cleared first)
load_res() {
    local v
    for v in $(compgen -v S_; compgen -v P_; compgen -v C_); do unset "$v"; done
    # shellcheck disable=SC1090
    source "$1/res"
}

step_line() {   # one line per step for the progress log
    printf '  %-6s target %6d/s got %7.0f DORA/s  drops DO %5.2f%% RA %5.2f%%  lat %5.2f/%5.2f ms  srv cpu %3.0f%%  sockdrop srv %d gen %d  other load %3.0f%%  %s\n' \
        "$S_kind" "$S_target" "$S_achieved" "$S_do_pct" "$S_ra_pct" \
        "${P_do_avg_ms:-0}" "${P_ra_avg_ms:-0}" \
        "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" \
        "${S_srv_sock_drops:-0}" "$(( ${S_udp_rcvbuf_err:-0} - ${S_srv_sock_drops:-0} ))" \
        "$(fcalc "${S_other_cpu:-0} > 0 ? 100 * ${S_other_cpu:-0} / $S_wall : 0")" "$S_status" >&2
}

# ---- profiling (confirmation run only) -----------------------------------
syscall_events() {
    local ev list="" base=/sys/kernel/tracing/events/syscalls
    [[ -d $base ]] || base=/sys/kernel/debug/tracing/events/syscalls
    for ev in fsync fdatasync sync_file_range pwrite64 write writev \
              sendto sendmsg sendmmsg recvfrom recvmsg recvmmsg \
              epoll_wait epoll_pwait futex; do
        [[ -d $base/sys_enter_$ev ]] && list+=",syscalls:sys_enter_$ev"
    done
    echo "$list"
}

# start_profilers PID DIR MODE
#   record: perf record (on-CPU samples) + perf stat (syscall counts, cheap)
#   trace:  perf trace -s (time spent in each syscall, blocking included;
#           costs a lot for a server that makes many syscalls per packet)
start_profilers() {
    local pid=$1 dir=$2 mode=$3
    PERF_PIDS=()
    command -v perf >/dev/null || return 0
    if [[ $mode == trace ]]; then
        perf trace -s -p "$pid" -o "$dir/perf.trace" >/dev/null 2>&1 &
        PERF_PIDS+=($!)
    else
        perf stat -x, -o "$dir/perf.stat" \
            -e "task-clock,context-switches,cpu-migrations$(syscall_events)" \
            -p "$pid" >/dev/null 2>&1 &
        PERF_PIDS+=($!)
        perf record -q -F 999 -o "$dir/perf.data" -p "$pid" >/dev/null 2>&1 &
        PERF_PIDS+=($!)
    fi
    local p
    for p in "${PERF_PIDS[@]}"; do track "$p"; done
    sleep 0.5
}

stop_profilers() {
    local p
    for p in "${PERF_PIDS[@]}"; do stop_pid "$p" INT 300; done
    PERF_PIDS=()
}

# trace_summary FILE SECS: per thread, the syscalls with the most time
trace_summary() {
    awk -v secs="$2" '
        /events, / { th = $1 " " $2; n = 0; next }
        $1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ && NF >= 8 && th != "" {
            if (n < 6) {
                if (n == 0) printf "    %s\n", th
                printf "      %-16s %8d calls %9.1f ms  (%4.1f%% of %ss)  avg %.3f ms  max %.3f ms\n",
                    $1, $2, $4, 100 * $4 / (secs * 1000), secs, $6, $7
            }
            n++
        }' "$1"
}

# ---- the search -------------------------------------------------------------
# rank of a step outcome, to pick the better of a step and its retry
status_rank() {
    case $1 in pass) echo 3 ;; genlimit) echo 2 ;; gen | drops) echo 1 ;; *) echo 0 ;; esac
}

# search_env: the search's rate limits (BENCH_MAX_RATE), and the BENCH_*
# overrides of the script's STEP_SECS TOL START_RATE BUDGET RETRY (README.md)
search_env() {
    MAX_RATE=${BENCH_MAX_RATE:-256000} MIN_RATE=125
    STEP_SECS=${BENCH_STEP_SECS:-$STEP_SECS}
    TOL=${BENCH_TOL:-$TOL}
    START_RATE=${BENCH_START_RATE:-$START_RATE}
    BUDGET=${BENCH_BUDGET:-$BUDGET}
    RETRY=${BENCH_RETRY:-$RETRY}
}

# retry_step KIND RATE SECS DIR LOAD LINE: the step of DIR (its results
# loaded) once more in DIR.retry; RETRY_DIR is the one with the better
# outcome (status_rank, then DORA/s), loaded on return.  LOAD DIR loads a
# step's results, LINE prints its progress line.
retry_step() {
    local kind=$1 rate=$2 secs=$3 dir=$4 load=$5 line=$6
    local first=$S_status first_ach=$S_achieved
    RETRY_DIR=$dir
    if run_step "$kind" "$rate" "$secs" "$dir.retry"; then
        "$load" "$dir.retry"
        printf '  (retry)' >&2; "$line"
        if (($(status_rank "$S_status") > $(status_rank "$first"))) ||
            { [[ $S_status == "$first" ]] && flt "$first_ach" "$S_achieved"; }; then
            RETRY_DIR=$dir.retry
        fi
    fi
    "$load" "$RETRY_DIR"
}

# search KIND [START]: doubling from START (default START_RATE) until a step
# fails, then bisection between the best passing and the lowest failing
# target until they are within TOL (relative), or MAX_STEPS / BUDGET
# seconds are used up.  In full mode (RETRY=1) a step that does not pass is
# run a second time, if other processes took >=25% of a CPU during it or its
# drops were under 3%, and the better outcome counts: other work on a shared
# machine causes spurious failures.  A "genlimit" step (perfdhcp could not
# send the target rate, the server still answered >99%) counts as the upper
# bound of the search and as a candidate for the best rate.
# Sets BEST_DIR_<kind> (empty if no step passed), SEARCH_NOTE_<kind>, and
# GENLIMITED[kind] when the server never dropped >=1% in any step but
# perfdhcp ran out of steam: its real limit is above what was measured.
search() {
    local kind=$1
    local lo=0 hi=0 r=${2:-$START_RATE} n=0 t_start best_dir="" best_ach=0 note="" secs=$STEP_SECS
    local saw_drops=0 saw_genlimit=0 genlimit_note="" genlimit_ach=0
    t_start=$(date +%s)
    msg "== $(server_label "$kind"): searching (steps of ${STEP_SECS}s, tolerance $(fint "$(fcalc "$TOL*100")")%)"
    while :; do
        n=$((n + 1))
        local dir=$TMP/$kind/step$n
        if ! run_step "$kind" "$r" "$STEP_SECS" "$dir"; then
            load_res "$dir"
            note="step $n at $r/s failed: ${S_status:-error}"
            break
        fi
        load_res "$dir"
        step_line
        # Retry only when the outcome may be an accident: other processes
        # took >=25% of a CPU, or the drops were close to the threshold.
        local disturbed=0
        fge "$(fcalc "${S_other_cpu:-0} / $S_wall")" 0.25 && disturbed=1
        if [[ $S_status == drops || $S_status == gen ]] && flt "$S_do_pct" 3 && flt "$S_ra_pct" 3; then
            disturbed=1
        fi
        if [[ $RETRY == 1 && $disturbed == 1 && $S_status != pass && $S_status != noreply && $kind != null ]]; then
            retry_step "$kind" "$r" "$STEP_SECS" "$dir" load_res step_line
            dir=$RETRY_DIR
        fi
        if [[ $S_status == pass || $S_status == genlimit ]] && flt "$best_ach" "$S_achieved"; then
            best_ach=$S_achieved best_dir=$dir
        fi
        case $S_status in
        pass) lo=$r ;;
        genlimit)
            if [[ $saw_genlimit == 0 ]] || flt "$genlimit_ach" "$S_achieved"; then
                genlimit_ach=$S_achieved
                genlimit_note="perfdhcp sent only $(fint "$(fcalc "$P_do_sent / $secs")")/s at target $r/s"
            fi
            saw_genlimit=1
            if [[ $kind == null ]]; then
                note="the ceiling: $genlimit_note"
                break
            fi
            hi=$r ;;
        noreply)
            if [[ $lo == 0 ]]; then
                note="no answers at all at $r/s (see $dir/server.log)"
                break
            fi
            hi=$r ;;
        *)  saw_drops=1
            hi=$r ;;
        esac
        # next target
        local next
        if [[ $hi == 0 ]]; then
            next=$((r * 2))
            if ((next > MAX_RATE)); then note="reached the cap of $MAX_RATE/s"; break; fi
        elif [[ $lo == 0 ]]; then
            next=$((r / 2))
            if ((next < MIN_RATE)); then note="fails even at $r/s"; break; fi
        else
            if fge "$(fcalc "($hi - $lo) / $lo")" "$TOL"; then
                next=$(((lo + hi) / 2))
                next=$(((next + 25) / 50 * 50))
                if ((next <= lo || next >= hi)); then break; fi
            else
                break
            fi
        fi
        if ((n >= MAX_STEPS)); then note="step limit ($MAX_STEPS) reached"; break; fi
        if (($(date +%s) - t_start >= BUDGET)); then note="time budget (${BUDGET}s) used up"; break; fi
        r=$next
    done
    if [[ $saw_genlimit == 1 && $saw_drops == 0 && -n $best_dir && $kind != null ]]; then
        GENLIMITED[$kind]=1
        note="generator-limited, the server never dropped >=1% in any step ($genlimit_note)${note:+; $note}"
    fi
    printf -v "BEST_DIR_$kind" '%s' "$best_dir"
    printf -v "SEARCH_NOTE_$kind" '%s' "$note"
    printf -v "SEARCH_STEPS_$kind" '%s' "$n"
    printf -v "SEARCH_SECS_$kind" '%s' "$(($(date +%s) - t_start))"
    [[ -n $note ]] && note "$note"
    [[ -n $best_dir ]]
}

# ---- a failover beside the primary (run_step hook) ------------------------
# bench/safety.sh and bench/sweep.sh: STEP_HOOK=fo_hook and
# DHCPFO_FAILOVER_CONF=$(fo_primary_conf) run dhcpfo-primary with a
# dhcpfo-failover (BUILD_DIR/dhcpfo-failover, default build/) on F_ADDR
# replicating every binding.  fo_key first (the shared key in TMP).
F_ADDR=127.0.0.20
BUILD_DIR=""		# which build the step runs ("": build/)
F_PID=0
F_C0="0 0" F_C1="0 0" F_U0=0 F_U1=0
fo_key() { openssl rand -hex 32 >"$TMP/key" && chmod 600 "$TMP/key"; }
# fo_primary_conf -> the primary's [failover] lines (sed's \n between them)
fo_primary_conf() {
    echo "UseFailoverServer = true\\nFailoverServer = $F_ADDR\\nSharedKeyFile = $TMP/key\\nWaitCtlRetSecs = 0.2\\nCtlReqRetryMax = 10"
}
failover_ini() {	# DIR -> the failover's config
    cat >"$1/failover.ini" <<EOT
[server]
Name = benchfo
ServerAddress = $F_ADDR
DhcpPort = $DHCP_PORT
FailoverPort = 647
StateDir = $1/fstate
ControlSocket = $1/fctl.sock
PidFile = $1/failover.pid
; new-client limits off (bench/dhcpfo-primary.ini.in)
NewClientRatePerRelay = 0
NewClientRatePerCircuit = 0
NewClientRatePerRemoteId = 0
NewClientRatePerClient = 0
[failover]
PollDelay = 1
SyncBindings = true
TakeoverPingCheck = false
[primary:bench]
Address = $SERVER_ADDR
SharedKeyFile = $TMP/key
[subnet:bench]
Primary = bench
Subnet = $SUBNET
Range = $RANGE_START-$RANGE_END
LeaseTime = $LEASE_TIME
EOT
}
# fo_applied DIR -> the updates the failover of DIR has applied
fo_applied() {
    local n
    n=$(nsx "$DHCPFOCTL" -s "$1/fctl.sock" status --json 2>/dev/null |
        jq -r '.primaries[0].updates_applied // 0' 2>/dev/null)
    echo "${n:-0}"
}
# X_f_user, X_f_sys: the failover's CPU over the step (s); X_f_upd: the
# updates it applied meanwhile
fo_hook() {
    local what=$1 dir=$2 i
    case $what in
    ready)
        mkdir -p "$dir/fstate"
        failover_ini "$dir"
        [[ ${DHCPFO_DROP_UNKNOWN:-0} == 1 ]] &&
            drop_unknown_keys "${BUILD_DIR:-$REPO/build}/dhcpfo-failover" \
                "$dir/failover.ini"
        ip netns exec "$NS" "${PIN_SRV[@]}" "${BUILD_DIR:-$REPO/build}/dhcpfo-failover" \
            -f -c "$dir/failover.ini" >"$dir/failover.log" 2>&1 &
        F_PID=$!
        track "$F_PID"
        # Control returned and the failover monitoring: replication runs.
        for ((i = 0; i < 200; i++)); do
            [[ $(nsx "$DHCPFOCTL" -s "$dir/ctl.sock" status --json 2>/dev/null |
                jq -r .state) == serving ]] &&
                [[ $(nsx "$DHCPFOCTL" -s "$dir/fctl.sock" status --json 2>/dev/null |
                jq -r '.primaries[0].state') == monitoring ]] && return 0
            kill -0 "$F_PID" 2>/dev/null || break
            sleep 0.05
        done
        msg "bench: the pair did not reach serving/monitoring; $dir/failover.log:"
        tail -5 "$dir/failover.log" | sed 's/^/    /' >&2
        return 1 ;;
    start) F_C0=$(proc_cpu "$F_PID") F_U0=$(fo_applied "$dir") ;;
    stop)
        # The updates of the step reach the failover before its CPU is
        # read (BindUpdDelay, the commit grid).
        for ((i = 0; i < 100; i++)); do
            [[ $(nsx "$DHCPFOCTL" -s "$dir/ctl.sock" status --json 2>/dev/null |
                jq -r '.failover.replication | .waiting + .in_flight') == 0 ]] && break
            sleep 0.05
        done
        F_C1=$(proc_cpu "$F_PID") F_U1=$(fo_applied "$dir")
        stop_pid "$F_PID"
        F_PID=0 ;;
    res)
        local u0 s0 u1 s1
        read -r u0 s0 <<<"$F_C0"; read -r u1 s1 <<<"$F_C1"
        echo "X_f_user=$(fcalc "($u1 - $u0) / $CLK_TCK")"
        echo "X_f_sys=$(fcalc "($s1 - $s0) / $CLK_TCK")"
        echo "X_f_upd=$((F_U1 - F_U0))" ;;
    esac
    return 0
}
