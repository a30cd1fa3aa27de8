#!/usr/bin/env bash
# bench/snmp.sh — does SNMP polling slow dhcpfo-primary's DORA service?
#
#   sudo bash bench/snmp.sh [--quick] [--keep]     (root: creates a netns)
#
# dhcpfo-primary runs with its AgentX sub-agent connected to a real snmpd
# (AgentX master on a private unix socket, SNMPv2c on 127.0.0.1 at a random
# high port), and perfdhcp measures DORA as in bench/dora.sh (relay on
# 127.0.0.2, fresh server per step) in two modes, alternated over repeats:
#   A (idle)  the sub-agent is connected, nobody polls;
#   B (poll)  a manager walks all of DHCPFO-MIB (every table and scalar
#             group) once a second during the load.
# Per mode: the highest DORA rate with <1% drops (fixed targets near the
# ceiling found by a search in mode A), and the server's CPU per lease at
# one equal, lower rate.  Per repeat also one "interleaved" step: one
# server under constant load, 1 s windows alternating without and with
# walks (5 by default, to raise the signal above the noise), its CPU read
# at every window boundary: the server CPU per walk under load, scaled to
# one walk a second.  See bench/README.md.
# shellcheck disable=SC2154,SC2317  # S_* P_* C_* X_* come from step result files; hooks are called indirectly
set -u
set -o pipefail

# Binaries: BUILD=DIR like bench/many.sh, else lib.sh's defaults (build/).
if [[ -n ${BUILD:-} ]]; then
    : "${BENCH_DHCPFO_BIN:=$BUILD/dhcpfo-primary}" "${BENCH_DHCPFOCTL:=$BUILD/dhcpfoctl}"
fi
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'EOF'
usage: bash bench/snmp.sh [--quick] [--keep]

  --quick   about 1 minute: 2 s steps, 2 repeats (A B, B A), one ladder
            step per mode, CPU per lease from the interleaved steps only,
            no "off" reference (default: full, about 5-6 minutes)
  --keep    keep the temp dir (per step: perfdhcp output, server log,
            poll.out with one line per walk; snmpd log and config)
  -h, --help

environment: BUILD BENCH_SNMP_REPEATS BENCH_SNMP_LADDER BENCH_SNMP_EQUAL_RATE
  BENCH_SNMP_EQUAL_SECS BENCH_SNMP_ALT_SECS BENCH_SNMP_ALT_INTERVAL_MS
  BENCH_SNMP_OFF BENCH_SNMP_INTERVAL_MS BENCH_SNMP_MAXREP BENCH_SNMP_TIMEOUT_MS
  BENCH_SNMP_PORT, and bench/dora.sh's BENCH_STEP_SECS BENCH_TOL
  BENCH_START_RATE BENCH_BUDGET BENCH_RETRY BENCH_CLIENTS BENCH_PIN
  BENCH_NICE BENCH_TMPDIR (see bench/README.md)
EOF
}

QUICK=0
snmp_opt() { [[ $1 == --quick ]] && QUICK=1; }
bench_args snmp_opt "$@"

if ((QUICK)); then
    STEP_SECS=2 TOL=0.15 MAX_STEPS=6 BUDGET=12 RETRY=1 START_RATE=8000
    REPEATS=2 LADDER="1.0" EQ_SECS=0 ALT_SECS=8 DO_OFF=0
else
    STEP_SECS=5 TOL=0.05 MAX_STEPS=14 BUDGET=75 RETRY=1 START_RATE=2000
    REPEATS=3 LADDER="0.9 1.0 1.1" EQ_SECS=8 ALT_SECS=20 DO_OFF=1
fi
search_env
REPEATS=${BENCH_SNMP_REPEATS:-$REPEATS}
LADDER=${BENCH_SNMP_LADDER:-$LADDER}
EQ_RATE=${BENCH_SNMP_EQUAL_RATE:-}
EQ_SECS=${BENCH_SNMP_EQUAL_SECS:-$EQ_SECS}
ALT_SECS=${BENCH_SNMP_ALT_SECS:-$ALT_SECS}
ALT_INTERVAL_MS=${BENCH_SNMP_ALT_INTERVAL_MS:-150}   # walks in the interleaved "on" windows
DO_OFF=${BENCH_SNMP_OFF:-$DO_OFF}
INTERVAL_MS=${BENCH_SNMP_INTERVAL_MS:-1000}
MAXREP=${BENCH_SNMP_MAXREP:-10}
TIMEOUT_MS=${BENCH_SNMP_TIMEOUT_MS:-2000}
SNMP_PORT=${BENCH_SNMP_PORT:-$((20000 + RANDOM % 40000))}

MIB=.1.3.6.1.4.1.8072.9999.9999.647     # dhcpfoMIB
SYS=.1.3.6.1.2.1.1                      # snmpd's own system group (reference)
PROBLEMS=()
problem() { PROBLEMS+=("$*"); msg "PROBLEM: $*"; }
die2() { msg "snmp.sh: $*"; exit 2; }

# ---- preflight ------------------------------------------------------------------
bench_preflight snmp.sh ip ss taskset timeout /usr/bin/time awk cc od "$PERFDHCP"
command -v snmpd >/dev/null || die2 "snmpd not found: install the package snmpd (scripts/deps.sh does: apt-get install snmpd snmp)"
for t in snmpget snmpbulkwalk; do
    command -v "$t" >/dev/null || die2 "$t not found: install the package snmp (scripts/deps.sh does: apt-get install snmpd snmp)"
done
[[ -x $DHCPFO_BIN ]] || die2 "$DHCPFO_BIN missing (run make, or set BUILD=)"
[[ -x $DHCPFOCTL ]] || die2 "$DHCPFOCTL missing (run make, or set BUILD=)"
[[ $INTERVAL_MS =~ ^[0-9]+$ && $INTERVAL_MS -ge 10 ]] || die2 "BENCH_SNMP_INTERVAL_MS must be an integer >= 10"
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || die2 "BENCH_SNMP_REPEATS must be >= 1"

bench_begin || exit 2
private_copies

if ! cc -O2 -I"$REPO/snmp" -o "$TMP/snmppoll" "$BENCH_DIR/snmppoll.c" -lnetsnmp >"$TMP/snmppoll.build.log" 2>&1; then
    tail -5 "$TMP/snmppoll.build.log" | sed 's/^/    /' >&2
    die2 "cannot build bench/snmppoll.c (needs the package libsnmp-dev)"
fi

# ---- snmpd: AgentX master on a unix socket, SNMPv2c on 127.0.0.1 ----------------
SNMP_DIR=$TMP/snmp
mkdir -p "$SNMP_DIR/persist" && chmod 700 "$SNMP_DIR"
AGENTX_SOCK=$SNMP_DIR/agentx.sock
COMM=dfo$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
SNMP_ENV=(env MIBS= SNMP_PERSISTENT_DIR="$SNMP_DIR/persist")
PEER=udp:127.0.0.1:$SNMP_PORT
# agentXTimeout 1, agentXRetries 0: a sub-agent that does not answer
# shows as an error within 1 s, before the poller's own timeout.
cat >"$SNMP_DIR/snmpd.conf" <<EOF
master agentx
agentXSocket $AGENTX_SOCK
agentXPerms 0600 0700
agentXTimeout 1
agentXRetries 0
view dfoview included $MIB
view dfoview included $SYS
rocommunity $COMM 127.0.0.1 -V dfoview
dontLogTCPWrappersConnects yes
EOF
# Same CPU and priority as the server: on a real host snmpd shares its CPUs.
ip netns exec "$NS" "${SNMP_ENV[@]}" "${PIN_SRV[@]}" snmpd -f -Lo -C -c "$SNMP_DIR/snmpd.conf" \
    "$PEER" >"$SNMP_DIR/snmpd.log" 2>&1 &
SNMPD_PID=$!
track "$SNMPD_PID"
sget() {   # OID -> value, or fails
    nsx "${SNMP_ENV[@]}" snmpget -v2c -c "$COMM" -On -Oqv -t 1 -r 0 "$PEER" "$1" 2>/dev/null
}
ok=0
for ((i = 0; i < 100; i++)); do
    kill -0 "$SNMPD_PID" 2>/dev/null || break
    if [[ -S $AGENTX_SOCK ]] && sget "$SYS.3.0" >/dev/null; then ok=1; break; fi
    sleep 0.1
done
if ((!ok)); then
    tail -10 "$SNMP_DIR/snmpd.log" | sed 's/^/    /' >&2
    die2 "snmpd did not start (AgentX socket $AGENTX_SOCK, SNMP on $PEER) within 10 s"
fi
SNMPD_VERSION=$(snmpd -v 2>/dev/null | awk '/NET-SNMP version/ {print $NF; exit}')

# ---- the step hook (lib.sh run_step) ----------------------------------------------
# MODE: off (no [snmp] section), idle (sub-agent connected, no polling),
# poll (snmppoll walks DHCPFO-MIB every INTERVAL_MS during the load).
MODE=idle
SNMP_CONF="[snmp]
AgentXSocket = $AGENTX_SOCK
Traps        = false"
set_mode() {
    MODE=$1
    if [[ $MODE == off ]]; then DHCPFO_EXTRA_CONF=""; else DHCPFO_EXTRA_CONF=$SNMP_CONF; fi
}

# proc_cpu_ms PID -> CPU time of all its threads in ms (schedstat, ns precision)
proc_cpu_ms() {
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.3f", s / 1e6 }'
}

# wait_subagent PID -> READY_MS; 0 when dhcpfoRole answers primary(1) within 10 s
wait_subagent() {
    local pid=$1 t0 i
    t0=$(now)
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        [[ $(sget "$MIB.1.1.1.0") == 1 ]] && { READY_MS=$(fint "$(fcalc "1000 * ($(now) - $t0)")"); return 0; }
        sleep 0.1
    done
    return 1
}

# start_poller OUT SECS INTERVAL_MS ROOT [ALT_MS PIDS]: snmppoll in the
# namespace, not pinned, at nice 0 (it stands for a manager elsewhere).
start_poller() {
    ip netns exec "$NS" "${SNMP_ENV[@]}" "$TMP/snmppoll" "$PEER" "$COMM" "$4" "$2" "$3" \
        "$MAXREP" "$TIMEOUT_MS" "${@:5}" >"$1" 2>"$1.err" &
    POLL_PID=$!
    track "$POLL_PID"
}
# wait_poller: it ends by itself SECS (+ one walk) after its start
wait_poller() {
    local i
    for ((i = 0; i < 10 * (TIMEOUT_MS / 1000 + 5); i++)); do
        kill -0 "$POLL_PID" 2>/dev/null || break
        sleep 0.1
    done
    stop_pid "$POLL_PID"
    POLL_PID=""
}

# poll_stats FILE -> X_* assignments for the walks in FILE
poll_stats() {
    local med
    med=$(awk '$1 == "walk" && $8 == "ok" { print $4 }' "$1" | sort -g |
        awk '{ a[NR] = $1 } END { print NR ? ((NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) : 0 }')
    awk -v med="$med" '
    $1 == "walk" {
        n++
        if ($8 == "ok") {
            ok++; sum += $4; if ($4 > mx) mx = $4
            if (vmin == "" || $5 < vmin) vmin = $5; if ($5 > vmax) vmax = $5
            req += $6; if ($7 > mr) mr = $7; g = $9
        } else if ($8 == "timeout") to++
        else err++
    }
    $1 == "end" { late = $3; cpu = $4 }
    END {
        printf "X_walks=%d\nX_walks_ok=%d\nX_walk_timeouts=%d\nX_walk_errors=%d\nX_walk_late=%d\n", n, ok, to, err, late
        printf "X_walk_ms_med=%.3f\nX_walk_ms_mean=%.3f\nX_walk_ms_max=%.3f\nX_req_ms_max=%.3f\n", med, ok ? sum / ok : 0, mx, mr
        printf "X_vb_min=%d\nX_vb_max=%d\nX_req_per_walk=%.1f\nX_groups=%s\nX_poll_cpu_ms=%.1f\n", vmin, vmax, ok ? req / ok : 0, g, cpu
    }' "$1"
}

# alt_pairs SKIP FILE... -> one line per "on" window of the "win" lines:
# "D BASE SNMPD_D WALKS", D = its server CPU minus the mean of its two
# "off" neighbours (ms), BASE = that mean; windows <= SKIP (start-up) are
# not used, nor any triple with a window whose start or end was read more
# than 20 ms late.  Server = first CPU column, snmpd = second.
alt_pairs() {
    local skip=$1; shift
    awk -v skip="$skip" '
    FNR == 1 { flush() }
    $1 == "win" { n = split($4, c, ","); srv[$2] = c[1]; sd[$2] = (n > 1 ? c[2] : 0); on[$2] = ($3 == "on"); nw[$2] = $5
                  badend[$2] = ($6 + 0 > 20); last = $2 }
    function flush(   w) {
        for (w = skip + 1; w < last; w++) {
            if (!on[w] || on[w - 1] || on[w + 1]) continue
            if (badend[w - 2] || badend[w - 1] || badend[w] || badend[w + 1]) continue
            printf "%.3f %.3f %.3f %d\n", srv[w] - (srv[w - 1] + srv[w + 1]) / 2, (srv[w - 1] + srv[w + 1]) / 2,
                sd[w] - (sd[w - 1] + sd[w + 1]) / 2, nw[w]
        }
        split("", srv); split("", sd); split("", on); split("", nw); split("", badend); last = -1
    }
    END { flush() }' "$@"
}
# alt_stats SKIP FILE... -> X_alt_* (pairs, mean base, mean D and its
# standard error, snmpd D, walks per "on" window)
alt_stats() {
    alt_pairs "$@" | awk '
    { k++; sum += $1; sq += $1 * $1; base += $2; sds += $3; walks += $4 }
    END {
        if (k == 0) { print "X_alt_pairs=0"; exit }
        mean = sum / k; v = (k > 1) ? (sq - k * mean * mean) / (k - 1) : 0; if (v < 0) v = 0
        printf "X_alt_pairs=%d\nX_alt_off_ms=%.3f\nX_alt_d_ms=%.3f\nX_alt_se_ms=%.3f\nX_alt_snmpd_d_ms=%.3f\nX_alt_walks=%.2f\n",
            k, base / k, mean, sqrt(v / k), sds / k, walks / k
    }'
}

POLL_PID=""
snmp_hook() {
    local what=$1 dir=$2
    case $what in
    ready)
        READY_MS=0 SNMPD_C0=0 SNMPD_C1=0 STEP_PID=$3
        [[ $MODE == off ]] && return 0
        if ! wait_subagent "$3"; then
            problem "mode $MODE, $dir: the sub-agent did not answer dhcpfoRole within 10 s"
            return 1
        fi ;;
    start)
        SNMPD_C0=$(proc_cpu_ms "$SNMPD_PID")
        case $MODE in
        poll) start_poller "$dir/poll.out" "$3" "$INTERVAL_MS" "$MIB" ;;
        alt)  start_poller "$dir/poll.out" "$3" "$ALT_INTERVAL_MS" "$MIB" 1000 "$STEP_PID,$SNMPD_PID" ;;
        esac ;;
    stop)
        [[ -n $POLL_PID ]] && wait_poller
        SNMPD_C1=$(proc_cpu_ms "$SNMPD_PID") ;;
    res)
        echo "X_mode=$MODE"
        echo "X_ready_ms=$READY_MS"
        echo "X_snmpd_cpu=$(fcalc "($SNMPD_C1 - $SNMPD_C0) / 1000")"
        [[ -s $dir/poll.out ]] && poll_stats "$dir/poll.out"
        [[ $MODE == alt && -s $dir/poll.out ]] && alt_stats 1 "$dir/poll.out"
        ;;
    esac
    return 0
}
STEP_HOOK=snmp_hook

# other CPU on the machine during the step, % of one CPU: everything but
# the server, perfdhcp, snmpd and the poller
other_pct() {
    local o
    o=$(fcalc "${S_other_cpu:-0} - ${X_snmpd_cpu:-0} - ${X_poll_cpu_ms:-0} / 1000")
    fcalc "$o > 0 && ${S_wall:-0} > 0 ? 100 * $o / $S_wall : 0"
}
mode_letter() { case $1 in idle) echo A ;; poll) echo B ;; off) echo O ;; alt) echo AB ;; esac; }

snmp_step_line() {
    local walks="-"
    if [[ -n ${X_walks:-} ]]; then
        walks="$X_walks_ok/$X_walks walks $(fmt1 "$X_walk_ms_med")/$(fmt1 "$X_walk_ms_max") ms ${X_vb_max}vb"
        ((X_walk_timeouts + X_walk_errors > 0)) && walks+=" TIMEOUTS $X_walk_timeouts ERRORS $X_walk_errors"
    fi
    printf '  %-2s %-4s target %6d/s got %6.0f/s  drops %5.2f/%5.2f%%  lat %5.2f/%5.2f ms (max %4.0f)  srv %3.0f%% %5.1f us/lease  snmpd %4.1f%%  other %3.0f%%  %-8s %s\n' \
        "$(mode_letter "${X_mode:-?}")" "${X_mode:-?}" "$S_target" "$S_achieved" "$S_do_pct" "$S_ra_pct" \
        "${P_do_avg_ms:-0}" "${P_ra_avg_ms:-0}" "${P_ra_max_ms:-0}" \
        "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$(us_per_lease)" \
        "$(fcalc "100 * ${X_snmpd_cpu:-0} / $S_secs")" "$(other_pct)" "$S_status" "$walks" >&2
}

# one_step MODE RATE SECS DIR: run_step, re-run once (RETRY) if it did not
# pass and looks accidental (as lib.sh's search does); DIR of the outcome
# that counts in STEP_DIR.  0 if a measurement exists.
one_step() {
    local mode=$1 rate=$2 secs=$3 dir=$4
    set_mode "$mode"
    STEP_DIR=""
    if ! run_step dhcpfo "$rate" "$secs" "$dir"; then
        load_step "$dir"
        [[ ${S_status:-error} == crashed ]] && problem "mode $mode: dhcpfo-primary died at $rate/s ($dir/server.log)"
        [[ ${S_status:-error} == error ]] && problem "mode $mode: step at $rate/s produced no measurement"
        return 1
    fi
    load_step "$dir"; snmp_step_line
    STEP_DIR=$dir
    if [[ $RETRY == 1 && $S_status != pass && $S_status != genlimit && $S_status != noreply ]] &&
        { fge "$(other_pct)" 25 || { flt "$S_do_pct" 3 && flt "$S_ra_pct" 3; }; }; then
        retry_step dhcpfo "$rate" "$secs" "$dir" load_step snmp_step_line
        STEP_DIR=$RETRY_DIR
    fi
    return 0
}

msg "bench: namespace $NS, temp dir $TMP ($BENCH_FSTYPE), server and snmpd on CPU $SRV_CPUS, perfdhcp on CPU $GEN_CPUS"
msg "bench: snmpd $SNMPD_VERSION pid $SNMPD_PID, AgentX $AGENTX_SOCK, SNMPv2c $PEER"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 1. check: the sub-agent answers, the walk covers the MIB; idle cost -------
msg "== check: sub-agent, walk coverage, cost per walk with no DHCP load"
set_mode idle
mkdir -p "$TMP/check"
CHECK_OK=0
WALK_VB=0 WALK_GROUPS="" IDLE_SRV_MS_PER_WALK="" IDLE_SNMPD_MS_PER_WALK="" IDLE_WALK_MS="" SYS_WALK_MS="" SYS_VB="" IDLE_WALKS=0
if ! check_config dhcpfo "$(write_config dhcpfo "$TMP/check")"; then
    problem "dhcpfo-primary -t rejects the configuration with [snmp] AgentXSocket"
elif ! start_server dhcpfo "$TMP/check"; then
    problem "dhcpfo-primary did not start with [snmp] (see above)"
elif ! wait_subagent "$SRV_PID"; then
    problem "the sub-agent did not answer dhcpfoRole within 10 s of the server's start ($(tail -3 "$TMP/check/server.log" | tr '\n' ' '))"
    stop_pid "$SRV_PID"
else
    CHECK_READY_MS=$READY_MS
    nsx "${SNMP_ENV[@]}" timeout 10 snmpbulkwalk -v2c -c "$COMM" -On -t 1 -r 0 "$PEER" "$MIB" \
        >"$TMP/check/snmpbulkwalk.out" 2>&1
    # (the view ends after dhcpfoMIB: the last line is "No more variables
    # left in this MIB View", not a varbind)
    BW_VB=$(grep "^$MIB\." "$TMP/check/snmpbulkwalk.out" | grep -vc 'No more variables')
    # 4 windows of 1 s: off, on (a walk every 50 ms in its first 700 ms:
    # 14 walks), off, on; CPU of the server and snmpd per window: the cost
    # of a walk with no DHCP load.
    start_poller "$TMP/check/poll.out" 4 50 "$MIB" 1000 "$SRV_PID,$SNMPD_PID"
    wait_poller
    pid=$SRV_PID
    start_poller "$TMP/check/sys.out" 1 100 "$SYS"
    wait_poller
    stop_pid "$pid"
    eval "$(poll_stats "$TMP/check/poll.out")"
    eval "$(awk '$1 == "win" { split($4, c, ","); if ($3 == "on") { s1 += c[1]; d1 += c[2]; w += $5 } else { s0 += c[1]; d0 += c[2] } }
        END { if (w > 0) printf "IDLE_SRV_MS_PER_WALK=%.4f IDLE_SNMPD_MS_PER_WALK=%.4f IDLE_WALKS=%d", (s1 - s0) / w, (d1 - d0) / w, w }' "$TMP/check/poll.out")"
    IDLE_WALK_MS=$X_walk_ms_med WALK_VB=$X_vb_max WALK_GROUPS=$X_groups IDLE_REQ=$X_req_per_walk
    CHECK_TIMEOUTS=$((X_walk_timeouts + X_walk_errors))
    eval "$(poll_stats "$TMP/check/sys.out")"
    SYS_WALK_MS=$X_walk_ms_med SYS_VB=$X_vb_max
    IFS=, read -r g1 g2 g3 g4 _ <<<"${WALK_GROUPS:-0,0,0,0,0}"
    note "sub-agent ready ${CHECK_READY_MS} ms after start; snmpbulkwalk -On: $BW_VB varbinds; snmppoll: $WALK_VB (general $g1, primary table $g2, subnet table $g3, DHCP counters $g4)"
    note "idle server, ${IDLE_WALKS:-0} walks: $(fmt2 "$IDLE_WALK_MS") ms per walk (${IDLE_REQ} GETBULK), CPU per walk: server $(fmt2 "${IDLE_SRV_MS_PER_WALK:-0}") ms, snmpd $(fmt2 "${IDLE_SNMPD_MS_PER_WALK:-0}") ms"
    note "reference: snmpd's own system group, $SYS_VB varbinds in $(fmt2 "$SYS_WALK_MS") ms"
    if ((CHECK_TIMEOUTS > 0)); then
        problem "walks of an idle server timed out or failed ($CHECK_TIMEOUTS of ${X_walks:-?}; $TMP/check/poll.out)"
    elif ((g1 < 5 || g2 < 1 || g3 < 1 || g4 < 10)); then
        problem "the walk does not cover DHCPFO-MIB: groups $WALK_GROUPS (want >=5 general, >=1 primary and subnet rows, 10 counters)"
    elif [[ $BW_VB != "$WALK_VB" ]]; then
        problem "snmpbulkwalk saw $BW_VB varbinds, snmppoll $WALK_VB"
    else
        CHECK_OK=1
    fi
fi

# ---- 2. calibration: the ceiling in mode A (lib.sh search) -----------------------
CENTER=0
if ((CHECK_OK)); then
    set_mode idle
    if search dhcpfo "$START_RATE"; then
        # the ceiling: the most DORA/s of a step with <1% drops (when
        # perfdhcp is the limit, what it managed to send)
        load_step "$BEST_DIR_dhcpfo"
        CENTER=$(fint "$S_achieved")
    else
        problem "calibration: no rate passed in mode A (${SEARCH_NOTE_dhcpfo:-})"
    fi
fi
CAL_GENLIMITED=${GENLIMITED[dhcpfo]:-}

# ---- 3. A/B repeats ------------------------------------------------------------
declare -A MAXDIR=() EQDIR=() ALTDIR=()
TARGETS=()
if ((CENTER > 0)); then
    for f in $LADDER; do
        t=$(fint "$(fcalc "$f * $CENTER / 50")"); t=$((t * 50))
        ((t > 0)) && TARGETS+=("$t")
    done
    mapfile -t TARGETS < <(printf '%s\n' "${TARGETS[@]}" | sort -n | uniq)
    if [[ -z $EQ_RATE ]]; then
        # well below the ceiling, so that both modes pass there
        EQ_RATE=$(($(fint "$(fcalc "0.7 * $CENTER / 500")") * 500))
        ((EQ_RATE < 500)) && EQ_RATE=500
    fi
    msg "== A/B: ladder ${TARGETS[*]} DORA/s (${STEP_SECS} s), equal load $EQ_RATE/s (${EQ_SECS} s; interleaved ${ALT_SECS} s, walks every ${ALT_INTERVAL_MS} ms in 'on' windows), $REPEATS repeat(s), B polls every ${INTERVAL_MS} ms"
    for ((r = 1; r <= REPEATS; r++)); do
        if ((r % 2)); then order=(idle poll); ((DO_OFF)) && order=(off idle poll)
        else order=(poll idle); ((DO_OFF)) && order=(poll idle off); fi
        msg "-- repeat $r: ${order[*]}"
        for m in "${order[@]}"; do
            base=$TMP/r$r/$m
            if [[ $m != off ]]; then
                ladder "$m" "$base" 2 "${TARGETS[@]}"
                if [[ -n $LADDER_BEST ]]; then
                    MAXDIR[$m,$r]=$LADDER_BEST
                else
                    problem "repeat $r, mode $m: no ladder step passed"
                fi
            fi
            if ((EQ_SECS > 0)) && one_step "$m" "$EQ_RATE" "$EQ_SECS" "$base/eq"; then
                EQDIR[$m,$r]=$STEP_DIR
            fi
        done
        # interleaved: one server, constant load, windows off/on/off/...
        if ((ALT_SECS >= 4)); then
            RETRY_SAVE=$RETRY RETRY=0
            one_step alt "$EQ_RATE" "$ALT_SECS" "$TMP/r$r/alt/eq" && ALTDIR[$r]=$STEP_DIR
            RETRY=$RETRY_SAVE
        fi
    done
fi

# ---- report ---------------------------------------------------------------------
median() {
    (($#)) || { echo ""; return; }
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
pct() { fcalc "$2 > 0 ? 100 * ($1 - $2) / $2 : 0"; }   # pct NEW OLD
hr() { printf '%s\n' "--------------------------------------------------------------------------------------------------------------------"; }
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "SNMP polling cost: dhcpfo-primary DORA with the AgentX sub-agent connected and idle (A) vs. polled (B)"
echo "machine: $NCPU x ${cpu_model:-CPU}, kernel $(uname -r); server and snmpd on CPU $SRV_CPUS (nice $NICE), perfdhcp on CPU $GEN_CPUS, poller unpinned (nice 0)"
echo "dhcpfo: ${DHCPFO_SRC#"$REPO"/} built $DHCPFO_BUILT; leases on $BENCH_FSTYPE; fresh server and empty lease database per step"
echo "snmpd $SNMPD_VERSION: AgentX master on a unix socket, SNMPv2c on $PEER; poller: one session, GETBULK walks (max-repetitions $MAXREP) of dhcpfoMIB $MIB every $INTERVAL_MS ms"
[[ -n $WALK_GROUPS ]] && echo "one walk = $WALK_VB varbinds (general scalars $g1, dhcpfoPrimaryTable $g2, dhcpfoSubnetTable $g3, DHCP counters $g4), $IDLE_REQ GETBULK requests"
echo "load average at start $LOAD_START, at end $LOAD_END"
declare -A MAXR=() EQUS=()
all_other=()
if ((${#TARGETS[@]})); then
    echo "ceiling search in mode A: $(eval echo "\${SEARCH_NOTE_dhcpfo:-converged}")"
    echo "ladder ${TARGETS[*]}/s x ${STEP_SECS} s; equal load $EQ_RATE/s$( ((EQ_SECS > 0)) && echo " x ${EQ_SECS} s per mode"); interleaved $EQ_RATE/s x ${ALT_SECS} s per repeat (a walk every $ALT_INTERVAL_MS ms in the on windows); order per repeat: $( ((DO_OFF)) && echo "O A B, B A O" || echo "A B, B A"), ..."
    hr
    printf '%-3s %-6s %-22s %-34s %-24s %-12s %-18s %s\n' "rep" "mode" "max DORA/s (target)" "equal load: us/lease  CPU%  drops" "lat DO/RA avg, max ms" "snmpd ms/s" "walks ms med/max" "other%"
    hr
    for ((r = 1; r <= REPEATS; r++)); do
        if ((r % 2)); then order=(idle poll); ((DO_OFF)) && order=(off idle poll)
        else order=(poll idle); ((DO_OFF)) && order=(poll idle off); fi
        for m in "${order[@]}"; do
            mx="-" eqs="-" lat="-" sn="-" wk="-" oth=0
            if [[ -n ${MAXDIR[$m,$r]:-} ]]; then
                load_step "${MAXDIR[$m,$r]}"
                MAXR[$m,$r]=$S_achieved
                mx=$(printf '%7.0f (%d) %s' "$S_achieved" "$S_target" "$([[ $S_status == genlimit ]] && echo gen || echo "")")
                flt "$oth" "$(other_pct)" && oth=$(other_pct)
            fi
            if [[ -n ${EQDIR[$m,$r]:-} ]]; then
                load_step "${EQDIR[$m,$r]}"
                EQUS[$m,$r]=$(us_per_lease)
                eqs=$(printf '%6.2f  %4.0f%%  %.2f/%.2f%%' "${EQUS[$m,$r]}" "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$S_do_pct" "$S_ra_pct")
                lat=$(printf '%.2f/%.2f, %.0f/%.0f' "$P_do_avg_ms" "$P_ra_avg_ms" "$P_do_max_ms" "$P_ra_max_ms")
                sn=$(printf '%.1f' "$(fcalc "1000 * ${X_snmpd_cpu:-0} / $S_secs")")
                [[ -n ${X_walks:-} ]] && wk=$(printf '%d %.1f/%.1f' "$X_walks_ok" "$X_walk_ms_med" "$X_walk_ms_max")
                flt "$oth" "$(other_pct)" && oth=$(other_pct)
            fi
            all_other+=("$oth")
            printf '%-3s %-6s %-22s %-34s %-24s %-12s %-18s %.0f\n' "$r" "$(mode_letter "$m") $m" "$mx" "$eqs" "$lat" "$sn" "$wk" "$oth"
        done
        if [[ -n ${ALTDIR[$r]:-} ]]; then
            load_step "${ALTDIR[$r]}"
            oth=$(other_pct); all_other+=("$oth")
            eqs=$(printf '%6.2f  %4.0f%%  %.2f/%.2f%%' "$(us_per_lease)" "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$S_do_pct" "$S_ra_pct")
            lat=$(printf '%.2f/%.2f, %.0f/%.0f' "$P_do_avg_ms" "$P_ra_avg_ms" "$P_do_max_ms" "$P_ra_max_ms")
            sn=$(printf '%.1f' "$(fcalc "1000 * ${X_snmpd_cpu:-0} / $S_secs")")
            wk="-"; [[ -n ${X_walks:-} ]] && wk=$(printf '%d %.1f/%.1f' "$X_walks_ok" "$X_walk_ms_med" "$X_walk_ms_max")
            printf '%-3s %-6s %-22s %-34s %-24s %-12s %-18s %.0f\n' "$r" "AB alt" "(interleaved)" "$eqs" "$lat" "$sn" "$wk" "$oth"
        fi
    done
    hr
fi

# medians per mode
declare -A MED_MAX=() MED_US=() MIN_MAX=() MAX_MAX=() MIN_US=() MAX_US=()
for m in idle poll off; do
    a=() b=()
    for ((r = 1; r <= REPEATS; r++)); do
        [[ -n ${MAXR[$m,$r]:-} ]] && a+=("${MAXR[$m,$r]}")
        [[ -n ${EQUS[$m,$r]:-} ]] && b+=("${EQUS[$m,$r]}")
    done
    MED_MAX[$m]=$(median "${a[@]}"); MED_US[$m]=$(median "${b[@]}")
    if ((${#a[@]})); then MIN_MAX[$m]=$(printf '%s\n' "${a[@]}" | sort -g | head -1); MAX_MAX[$m]=$(printf '%s\n' "${a[@]}" | sort -g | tail -1); fi
    if ((${#b[@]})); then MIN_US[$m]=$(printf '%s\n' "${b[@]}" | sort -g | head -1); MAX_US[$m]=$(printf '%s\n' "${b[@]}" | sort -g | tail -1); fi
done
# paired per repeat
pair_rate=() pair_cpu=()
for ((r = 1; r <= REPEATS; r++)); do
    [[ -n ${MAXR[idle,$r]:-} && -n ${MAXR[poll,$r]:-} ]] && pair_rate+=("$(fmt1 "$(fcalc "-1 * $(pct "${MAXR[poll,$r]}" "${MAXR[idle,$r]}")")")")
    [[ -n ${EQUS[idle,$r]:-} && -n ${EQUS[poll,$r]:-} ]] && pair_cpu+=("$(fmt1 "$(pct "${EQUS[poll,$r]}" "${EQUS[idle,$r]}")")")
done

# all walks under load
cat "$TMP"/r*/poll/*/poll.out "$TMP"/r*/alt/*/poll.out >"$TMP/walks.all" 2>/dev/null
eval "$(poll_stats "$TMP/walks.all")"
LOAD_WALK_MED=${X_walk_ms_med:-0} LOAD_WALK_MAX=${X_walk_ms_max:-0} LOAD_REQ_MAX=${X_req_ms_max:-0}
LOAD_WALKS=${X_walks:-0} LOAD_WALKS_OK=${X_walks_ok:-0} LOAD_TO=${X_walk_timeouts:-0} LOAD_ERR=${X_walk_errors:-0}
LOAD_LATE=$(awk '$1 == "end" { s += $3 } END { print s + 0 }' "$TMP/walks.all")
LOAD_VB_MIN=${X_vb_min:-0} LOAD_VB_MAX=${X_vb_max:-0}
p95=$(awk '$1 == "walk" && $8 == "ok" { print $4 }' "$TMP/walks.all" | sort -g |
    awk '{ a[NR] = $1 } END { if (NR) { i = int(0.95 * NR + 0.999); if (i < 1) i = 1; print a[i] } else print 0 }')
if ((LOAD_TO + LOAD_ERR > 0)); then
    where=()
    for f in "$TMP"/r*/*/*/poll.out; do
        n=$(awk '$1 == "walk" && $8 != "ok"' "$f" | wc -l)
        ((n > 0)) || continue
        load_step "${f%/poll.out}"
        where+=("$n in ${f#"$TMP"/} (DHCP max latency there $(fint "${P_do_max_ms:-0}")/$(fint "${P_ra_max_ms:-0}") ms, other load $(fint "$(other_pct)")%)")
    done
    problem "$LOAD_TO walk(s) timed out and $LOAD_ERR failed under load (of $LOAD_WALKS): ${where[*]}"
fi
if ((LOAD_WALKS_OK > 0 && LOAD_VB_MIN != LOAD_VB_MAX)); then
    note "varbinds per walk varied under load: $LOAD_VB_MIN-$LOAD_VB_MAX"
fi

RATE_LOSS="" CPU_COST="" OFF_COST=""
if [[ -n ${MED_MAX[idle]} && -n ${MED_MAX[poll]} ]]; then
    RATE_LOSS=$(fcalc "-1 * $(pct "${MED_MAX[poll]}" "${MED_MAX[idle]}")")
fi
if [[ -n ${MED_US[idle]} && -n ${MED_US[poll]} ]]; then
    CPU_COST=$(pct "${MED_US[poll]}" "${MED_US[idle]}")
fi
if [[ -n ${MED_US[off]} && -n ${MED_US[idle]} ]]; then
    OFF_COST=$(pct "${MED_US[idle]}" "${MED_US[off]}")
fi
# interleaved steps, all repeats pooled
ALT_PAIRS=0 ALT_COST="" ALT_SE="" ALT_WALK_MS="" CAP_LOSS="" alt_rep=()
alt_files=()
for ((r = 1; r <= REPEATS; r++)); do
    [[ -n ${ALTDIR[$r]:-} && -s ${ALTDIR[$r]}/poll.out ]] || continue
    alt_files+=("${ALTDIR[$r]}/poll.out")
    eval "$(alt_stats 1 "${ALTDIR[$r]}/poll.out")"
    ((X_alt_pairs > 0)) && alt_rep+=("$(printf '%+.2f%%' "$(fcalc "$X_alt_walks > 0 ? 100 * $X_alt_d_ms / $X_alt_walks * 1000 / $INTERVAL_MS / $X_alt_off_ms : 0")")")
done
if ((${#alt_files[@]})); then
    eval "$(alt_stats 1 "${alt_files[@]}")"
    ALT_PAIRS=$X_alt_pairs
    if ((ALT_PAIRS > 0)); then
        ALT_OFF_MS=$X_alt_off_ms ALT_D_MS=$X_alt_d_ms ALT_SE_MS=$X_alt_se_ms ALT_WALKS=$X_alt_walks ALT_SNMPD_D_MS=$X_alt_snmpd_d_ms
        # per walk, then scaled to the polling rate of mode B (a walk per
        # INTERVAL_MS) against the server's CPU per 1 s "off" window
        ALT_WALK_MS=$(fcalc "$ALT_WALKS > 0 ? $ALT_D_MS / $ALT_WALKS : 0")
        ALT_WALK_SE=$(fcalc "$ALT_WALKS > 0 ? $ALT_SE_MS / $ALT_WALKS : 0")
        ALT_COST=$(fcalc "100 * $ALT_WALK_MS * 1000 / $INTERVAL_MS / $ALT_OFF_MS")
        ALT_SE=$(fcalc "100 * $ALT_WALK_SE * 1000 / $INTERVAL_MS / $ALT_OFF_MS")
        # at its own CPU-bound ceiling the server has 1000 ms of CPU per
        # second; the walks take their share of that
        CAP_LOSS=$(fcalc "100 * $ALT_WALK_MS * 1000 / $INTERVAL_MS / 1000")
        CAP_SE=$(fcalc "100 * $ALT_WALK_SE * 1000 / $INTERVAL_MS / 1000")
        # CPU per lease in each kind of window: ACKs per 1 s window =
        # the steps' ACKs / their length (constant offered load)
        acks=0 secs=0
        for ((r = 1; r <= REPEATS; r++)); do
            [[ -n ${ALTDIR[$r]:-} ]] || continue
            load_step "${ALTDIR[$r]}"
            acks=$((acks + P_ra_rcvd)) secs=$((secs + S_secs))
        done
        if ((acks > 0)); then
            ALT_US_A=$(fcalc "1000 * $ALT_OFF_MS / ($acks / $secs)")
            ALT_US_B=$(fcalc "1000 * ($ALT_OFF_MS + $ALT_WALK_MS * 1000 / $INTERVAL_MS) / ($acks / $secs)")
        fi
    fi
fi
# Without separate equal-load steps (--quick), the per-mode CPU per lease
# comes from the interleaved windows.
CPU_US_SRC="equal-load steps"
if [[ -z ${MED_US[idle]} && -n ${ALT_US_A:-} ]]; then
    MED_US[idle]=$ALT_US_A MED_US[poll]=$ALT_US_B CPU_COST=$ALT_COST CPU_US_SRC="interleaved windows"
fi
GENLIM=no
[[ -n $CAL_GENLIMITED ]] && GENLIM=yes
for k in "${!MAXDIR[@]}"; do
    load_step "${MAXDIR[$k]}"
    [[ $S_status == genlimit ]] && GENLIM=yes
done
MAX_OTHER=$(printf '%s\n' 0 "${all_other[@]}" | sort -g | tail -1)
QUIET=yes
fge "$MAX_OTHER" 25 && QUIET=no

if [[ -n $RATE_LOSS ]]; then
    printf 'max DORA/s, median of %d: A (idle) %.0f [%.0f-%.0f], B (polled) %.0f [%.0f-%.0f]: rate loss %.1f%% (per repeat: %s)\n' \
        "$REPEATS" "${MED_MAX[idle]}" "${MIN_MAX[idle]}" "${MAX_MAX[idle]}" "${MED_MAX[poll]}" "${MIN_MAX[poll]}" "${MAX_MAX[poll]}" \
        "$RATE_LOSS" "${pair_rate[*]:-none}"
fi
if [[ -n $CPU_COST && $CPU_US_SRC == "equal-load steps" ]]; then
    printf 'separate equal-load steps (fresh server each), CPU per lease at %d/s, median: A %.2f us [%.2f-%.2f], B %.2f us [%.2f-%.2f]: polling costs %+.1f%% (per repeat: %s)\n' \
        "$EQ_RATE" "${MED_US[idle]}" "${MIN_US[idle]}" "${MAX_US[idle]}" "${MED_US[poll]}" "${MIN_US[poll]}" "${MAX_US[poll]}" \
        "$CPU_COST" "${pair_cpu[*]:-none}"
fi
if ((ALT_PAIRS > 0)); then
    printf 'interleaved at %d/s (one server, 1 s windows without/with walks, %d pairs): server CPU %.1f ms per window without walks, %+.2f ms (SE %.2f) with %.1f walks\n' \
        "$EQ_RATE" "$ALT_PAIRS" "$ALT_OFF_MS" "$ALT_D_MS" "$ALT_SE_MS" "$ALT_WALKS"
    printf '  = %.2f ms (SE %.2f) server CPU per walk under load; one walk every %d ms costs %+.2f%% (SE %.2f%%) of the server CPU\n' \
        "$ALT_WALK_MS" "$ALT_WALK_SE" "$INTERVAL_MS" "$ALT_COST" "$ALT_SE"
    printf '  per repeat: %s; snmpd %.2f ms per walk' "${alt_rep[*]}" "$(fcalc "$ALT_WALKS > 0 ? $ALT_SNMPD_D_MS / $ALT_WALKS : 0")"
    [[ -n ${ALT_US_A:-} ]] && printf '; CPU per lease A %.2f us, B %.2f us' "$ALT_US_A" "$ALT_US_B"
    echo
    printf '  a server that is CPU-bound at its ceiling would lose %.2f%% (SE %.2f%%) of its DORA rate: %.2f ms per walk out of 1000 ms of one CPU\n' \
        "$CAP_LOSS" "$CAP_SE" "$(fcalc "$ALT_WALK_MS * 1000 / $INTERVAL_MS")"
fi
if [[ -n $IDLE_SRV_MS_PER_WALK && -n ${MED_US[idle]} ]] && flt 0 "${MED_US[idle]}"; then
    printf 'for comparison, a walk without DHCP load costs the server %.2f ms: %.2f%% of its CPU at %d/s\n' \
        "$IDLE_SRV_MS_PER_WALK" "$(fcalc "100 * $IDLE_SRV_MS_PER_WALK * 1000 / $INTERVAL_MS / (${MED_US[idle]} * $EQ_RATE / 1000)")" "$EQ_RATE"
fi
if [[ -n $OFF_COST ]]; then
    printf 'without [snmp] (O): %.2f us per lease [%.2f-%.2f]: the connected, idle sub-agent costs %+.1f%%\n' \
        "${MED_US[off]}" "${MIN_US[off]}" "${MAX_US[off]}" "$OFF_COST"
fi
if ((LOAD_WALKS > 0)); then
    printf 'walks under load: %d of %d answered, %d timed out, %d failed, %d skipped (overran); %s varbinds each; %.2f ms median, %.2f ms p95, %.2f ms max (slowest GETBULK %.2f ms)\n' \
        "$LOAD_WALKS_OK" "$LOAD_WALKS" "$LOAD_TO" "$LOAD_ERR" "$LOAD_LATE" \
        "$([[ $LOAD_VB_MIN == "$LOAD_VB_MAX" ]] && echo "$LOAD_VB_MAX" || echo "$LOAD_VB_MIN-$LOAD_VB_MAX")" \
        "$LOAD_WALK_MED" "$p95" "$LOAD_WALK_MAX" "$LOAD_REQ_MAX"
fi
if [[ -n $IDLE_WALK_MS ]]; then
    printf 'walks with no DHCP load: %.2f ms each; server CPU %.2f ms and snmpd %.2f ms per walk (%d walks); snmpd system group (%s varbinds, no AgentX): %.2f ms\n' \
        "$IDLE_WALK_MS" "${IDLE_SRV_MS_PER_WALK:-0}" "${IDLE_SNMPD_MS_PER_WALK:-0}" "$IDLE_WALKS" "$SYS_VB" "$SYS_WALK_MS"
fi
# The verdict.  CPU: the interleaved cost (point estimate, and the upper
# bound point + 2 standard errors) when there are at least 4 pairs, else
# the A/B equal-load steps (point = bound).  Rate: the loss of the median
# max DORA/s, used only when perfdhcp was not the limit (generator-limited
# rates differ by the generator's noise, not the server's work).
#   met: the rate loss (if used) and the CPU bound are <= 5%
#   not_met: the rate loss (if used) or the CPU point estimate is > 5%
#   not_shown: otherwise (the CPU figure is too noisy to tell)
GOAL=no VERDICT=not_shown CPU_POINT="" CPU_BOUND="" CPU_BOUND_SRC=""
if ((ALT_PAIRS >= 4)); then
    CPU_POINT=$ALT_COST CPU_BOUND=$(fcalc "$ALT_COST + 2 * $ALT_SE") CPU_BOUND_SRC="interleaved, +2 SE"
elif [[ -n $CPU_COST ]]; then
    CPU_POINT=$CPU_COST CPU_BOUND=$CPU_COST CPU_BOUND_SRC="A/B equal-load steps"
fi
RATE_USED=no
[[ -n $RATE_LOSS && $GENLIM == no ]] && RATE_USED=yes
if [[ -n $CPU_BOUND ]]; then
    if { [[ $RATE_USED == yes ]] && flt 5 "$RATE_LOSS"; } || flt 5 "$CPU_POINT"; then
        VERDICT=not_met
    elif ! flt 5 "$CPU_BOUND"; then
        VERDICT=met GOAL=yes
    fi
    case $VERDICT in met) v="MET" ;; not_met) v="NOT MET" ;; *) v="NOT SHOWN (the CPU figure is too noisy)" ;; esac
    printf 'goal: polling every table every second lowers the DORA rate by < 5%%: %s
' "$v"
    printf '      server CPU cost %.2f%% (at most %.2f%%, %s); rate loss %s
' "$CPU_POINT" "$CPU_BOUND" "$CPU_BOUND_SRC" \
        "$([[ -n $RATE_LOSS ]] && printf '%.1f%%' "$RATE_LOSS" || echo "not measured")$([[ $RATE_USED == no && -n $RATE_LOSS ]] && echo " (not used: generator-limited)")"
    if [[ $GENLIM == yes ]]; then
        echo "NOTE: perfdhcp, not the server, set the ceiling in some steps (generator_limited=yes): the rate figure"
        echo "      cannot show a server-side loss; the server CPU at equal load is the figure that does."
    fi
fi
if [[ $QUIET == no ]]; then
    printf 'WARNING: other processes took up to %.0f%% of a CPU (of %d) during the steps: the figures are disturbed\n' "$MAX_OTHER" "$NCPU"
fi
for p in "${PROBLEMS[@]}"; do echo "PROBLEM: $p"; done
hr
# RESULT: the CPU figures are the interleaved ones (same server, same
# load, windows without and with walks) when there are >= 4 pairs; the
# separate equal-load steps are cpu_cost_steps_pct (noisier: a fresh
# server per step, minutes apart).
if ((ALT_PAIRS >= 4)) && [[ -n ${ALT_US_A:-} ]]; then
    R_US_A=$ALT_US_A R_US_B=$ALT_US_B R_COST=$ALT_COST R_SE=$ALT_SE
else
    R_US_A=${MED_US[idle]:-0} R_US_B=${MED_US[poll]:-0} R_COST=${CPU_COST:-0} R_SE=0
fi
R_STEPS=0
[[ $CPU_US_SRC == "equal-load steps" && -n $CPU_COST ]] && R_STEPS=$CPU_COST
printf 'RESULT dora_nopoll_per_s=%s dora_poll_per_s=%s rate_loss_pct=%s cpu_us_per_lease_nopoll=%s cpu_us_per_lease_poll=%s cpu_cost_pct=%s cpu_cost_se=%s walk_ms=%s varbinds=%s goal_under_5pct=%s generator_limited=%s goal_verdict=%s walk_server_cpu_ms=%s capacity_loss_cpu_bound_pct=%s cpu_cost_steps_pct=%s cpu_us_per_lease_nosnmp=%s walk_timeouts=%s quiet_machine=%s\n' \
    "$(fint "${MED_MAX[idle]:-0}")" "$(fint "${MED_MAX[poll]:-0}")" "$(fmt1 "${RATE_LOSS:-0}")" \
    "$(fmt2 "$R_US_A")" "$(fmt2 "$R_US_B")" "$(fmt2 "$R_COST")" "$(fmt2 "$R_SE")" \
    "$(fmt2 "$LOAD_WALK_MED")" "${LOAD_VB_MAX:-0}" "$GOAL" "$GENLIM" "$VERDICT" \
    "$(fmt2 "${ALT_WALK_MS:-0}")" "$(fmt2 "${CAP_LOSS:-0}")" "$(fmt1 "$R_STEPS")" "$(fmt2 "${MED_US[off]:-0}")" \
    "$((LOAD_TO + LOAD_ERR))" "$QUIET"
((${#PROBLEMS[@]} == 0)) || exit 1
exit 0
