#!/usr/bin/env bash
# bench/ops.sh — does operating dhcpfo-primary cost DHCP service?
#
#   sudo bash bench/ops.sh [--quick] [--profile] [--keep]   (root: creates a netns)
#
# The two operator features, the lease log (docs/lease-log.md) and the
# Prometheus endpoint (docs/metrics.md), against a server without them,
# with Kea 2.2 beside them.  perfdhcp measures DORA as in bench/dora.sh
# (relay on 127.0.0.2, a fresh server and lease database per step), in
# four modes, alternated over repeats (off on unl kea, kea unl on off, ...):
#   off   [server] LeaseLog = no, no MetricsListen;
#   on    LeaseLog = yes at its default rate limit (LeaseLogRate 1000
#         lines/s), MetricsListen on the server's address, and a scraper
#         doing one GET /metrics a second during the load;
#   unl   the same with LeaseLogRate = 0 (no limit: a line per lease);
#   kea   kea-dhcp4 memfile, single-threaded, as bench/dora.sh runs it.
# The daemon runs with -f, so its log goes to stderr, which lib.sh writes
# to the step's server.log on the bench's disk.  Per mode: the highest
# DORA rate with <1% drops (lib.sh's search finds the ceilings of "off" and
# of Kea; every mode then climbs a ladder of fixed targets around its
# ceiling in every repeat), and at one equal rate below all ceilings the
# server's CPU (user+sys) per completed DORA, perfdhcp's latencies, the
# lease log lines written and suppressed (dhcpfoctl status --json) and
# the scrapes that succeeded.  Once per repeat also an "interleaved" step:
# one "on" server under constant load, 1 s windows alternating without
# and with scrapes, its CPU read at each boundary: the server CPU of a
# scrape under load.  See bench/README.md.
# shellcheck disable=SC2154,SC2317  # S_* P_* C_* X_* come from step result files; hooks are called indirectly
set -u
set -o pipefail

# Binaries: BUILD=DIR like bench/snmp.sh, else lib.sh's defaults (build/).
if [[ -n ${BUILD:-} ]]; then
    : "${BENCH_DHCPFO_BIN:=$BUILD/dhcpfo-primary}" "${BENCH_DHCPFOCTL:=$BUILD/dhcpfoctl}"
fi
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'EOF'
usage: bash bench/ops.sh [--quick] [--profile|--no-profile] [--keep]

  --quick    about 2-3 minutes: 2 s steps, one ladder step per mode, 4 s
             equal-load steps, 8 s interleaved steps, no profile (default:
             full, about 6 minutes)
  --profile  at the end, one step each of "on" and "unl" under perf record
             with call graphs: the share of the server's CPU in the lease
             log and the endpoint (not used for the figures; default in
             full mode when perf exists)
  --no-profile
  --keep     keep the temp dir (per step: res, perfdhcp output, the head
             and tail of server.log, scrape.out)
  -h, --help

environment: BUILD BENCH_OPS_REPEATS BENCH_OPS_LADDER BENCH_OPS_EQUAL_RATE
  BENCH_OPS_EQUAL_SECS BENCH_OPS_ALT_SECS BENCH_OPS_ALT_SCRAPE_MS
  BENCH_OPS_SCRAPE_MS BENCH_OPS_KEA_START BENCH_OPS_METRICS_PORT
  BENCH_OPS_PROFILE_RATE, and bench/dora.sh's BENCH_STEP_SECS BENCH_TOL
  BENCH_START_RATE BENCH_BUDGET BENCH_RETRY BENCH_CLIENTS BENCH_PIN
  BENCH_NICE BENCH_TMPDIR (see bench/README.md)
EOF
}

QUICK=0 PROFILE=""
ops_opt() {
    case $1 in
    --quick) QUICK=1 ;;
    --profile) PROFILE=1 ;;
    --no-profile) PROFILE=0 ;;
    *) return 1 ;;
    esac
}
bench_args ops_opt "$@"

if ((QUICK)); then
    STEP_SECS=2 TOL=0.15 MAX_STEPS=6 BUDGET=12 RETRY=1 START_RATE=8000
    REPEATS=2 LADDER="1.0" EQ_SECS=4 ALT_SECS=8 KEA_START=4000
    : "${PROFILE:=0}"
else
    STEP_SECS=4 TOL=0.08 MAX_STEPS=10 BUDGET=40 RETRY=1 START_RATE=4000
    REPEATS=2 LADDER="0.9 1.0 1.1" EQ_SECS=8 ALT_SECS=16 KEA_START=4000
    : "${PROFILE:=1}"
fi
search_env
REPEATS=${BENCH_OPS_REPEATS:-$REPEATS}
LADDER=${BENCH_OPS_LADDER:-$LADDER}
EQ_RATE_WANT=${BENCH_OPS_EQUAL_RATE:-5000}
EQ_SECS=${BENCH_OPS_EQUAL_SECS:-$EQ_SECS}
ALT_SECS=${BENCH_OPS_ALT_SECS:-$ALT_SECS}
ALT_SCRAPE_MS=${BENCH_OPS_ALT_SCRAPE_MS:-200}   # scrapes in the interleaved "on" windows
SCRAPE_MS=${BENCH_OPS_SCRAPE_MS:-1000}          # modes on, unl: one scrape a second
KEA_START=${BENCH_OPS_KEA_START:-$KEA_START}
METRICS_PORT=${BENCH_OPS_METRICS_PORT:-9647}
METRICS_URL=http://$SERVER_ADDR:$METRICS_PORT/metrics
DUMMY_URL=http://$SERVER_ADDR:9/metrics          # nothing listens there (interleaved "off" windows)
ALT_WIN_MS=1000

PROBLEMS=()
problem() { PROBLEMS+=("$*"); msg "PROBLEM: $*"; }
die2() { msg "ops.sh: $*"; exit 2; }

# ---- preflight ------------------------------------------------------------------
bench_preflight ops.sh ip ss taskset timeout /usr/bin/time awk cc curl "$PERFDHCP"
[[ -x $DHCPFO_BIN ]] || die2 "$DHCPFO_BIN missing (run make, or set BUILD=)"
[[ -x $DHCPFOCTL ]] || die2 "$DHCPFOCTL missing (run make, or set BUILD=)"
[[ -x $KEA_BIN ]] || die2 "$KEA_BIN missing (package kea-dhcp4-server)"
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || die2 "BENCH_OPS_REPEATS must be >= 1"
[[ $SCRAPE_MS =~ ^[0-9]+$ && $SCRAPE_MS -ge 50 ]] || die2 "BENCH_OPS_SCRAPE_MS must be an integer >= 50"
[[ $ALT_SCRAPE_MS =~ ^[0-9]+$ && $ALT_SCRAPE_MS -ge 50 ]] || die2 "BENCH_OPS_ALT_SCRAPE_MS must be an integer >= 50"
if ((PROFILE)) && ! command -v perf >/dev/null; then
    warn "perf not found: no profile"
    PROFILE=0
fi

bench_begin || exit 2
private_copies

# ---- modes -----------------------------------------------------------------------
# MODE: off, on, unl, kea (see the top), alt (the interleaved step: "on"'s
# configuration, scrapes only in every other 1 s window).
MODE=off
LINES_OFF="LeaseLog = no"
LINES_ON="LeaseLog = yes
MetricsListen = $SERVER_ADDR:$METRICS_PORT"
LINES_UNL="LeaseLog = yes
LeaseLogRate = 0
MetricsListen = $SERVER_ADDR:$METRICS_PORT"
set_mode() {
    MODE=$1
    case $MODE in
    off) DHCPFO_SERVER_LINES=$LINES_OFF ;;
    on | alt) DHCPFO_SERVER_LINES=$LINES_ON ;;
    unl) DHCPFO_SERVER_LINES=$LINES_UNL ;;
    kea) DHCPFO_SERVER_LINES="" ;;
    esac
}
mode_kind() { [[ $1 == kea ]] && echo kea || echo dhcpfo; }
mode_label() {
    case $1 in
    off) echo "off" ;;
    on)  echo "on (log <=1000/s)" ;;
    unl) echo "on, LeaseLogRate 0" ;;
    kea) echo "Kea $("$KEA_BIN" -v 2>/dev/null)" ;;
    alt) echo "interleaved" ;;
    esac
}
scraped() { [[ $1 == on || $1 == unl || $1 == alt ]]; }

# ---- the scraper -----------------------------------------------------------------
# Runs in the namespace (ip netns exec bash -c), unpinned at nice 0: it
# stands for a Prometheus on another host.  One curl per scrape, on a
# fixed schedule (a scrape every INTERVAL_MS from the start; one that
# overruns delays the next).  Output lines:
#   scrape K WINDOW CURL_RC HTTP_CODE SECONDS BYTES
#   b W CPU_NS T_US LATE_US  (interleaved only: window boundary W, the
#                           server's CPU there, when it was read (us
#                           from the start) and how late)
#   end OK N CPU_TICKS     (the scraper's own CPU, curl's included)
# Interleaved (WIN_MS > 0): windows of WIN_MS, odd ones "on" with
# scrapes every INTERVAL_MS in their first 80%, even ones "off" with the
# same curl runs against a closed port (DUMMY_URL: "dummy" lines): the
# scraper's own processes disturb both kinds of window alike, so that
# the difference is the server's work for the requests.
scraper() {
    local secs=$1 iv=$2 url=$3 body=$4 win=${5:-0} pid=${6:-} dummy=${7:-}
    local t0 t end k=0 n=0 ok=0 out rc w nwin j s a f st sfd
    us_now() { t=${EPOCHREALTIME//[!0-9]/}; }
    sleep_until() {   # $1: time in us
        local d
        us_now
        d=$(($1 - t))
        ((d > 0)) || return 0
        printf -v d '%d.%06d' $((d / 1000000)) $((d % 1000000))
        # read -t on a pipe nobody writes to: a sleep without a fork
        read -r -t "$d" -u "$sfd" _ || :
    }
    one_scrape() {   # $1: window
        out=$(curl -s -o "$body" --max-time 2 -w '%{http_code} %{time_total} %{size_download}' "$url")
        rc=$?
        n=$((n + 1))
        [[ $rc == 0 && $out == "200 "* ]] && ok=$((ok + 1))
        echo "scrape $k $1 $rc ${out:-000 0 0}"
        k=$((k + 1))
    }
    one_dummy() {   # $1: window
        out=$(curl -s -o /dev/null --max-time 2 -w '%{http_code} %{time_total} %{size_download}' "$dummy")
        echo "dummy $1 $? ${out:-000 0 0}"
    }
    srv_cpu() {   # s: ns of CPU of every thread of pid
        s=0
        for f in /proc/"$pid"/task/*/schedstat; do
            read -r a _ <"$f" 2>/dev/null && s=$((s + a))
        done
    }
    exec {sfd}<> <(:)
    us_now; t0=$t
    end=$((t0 + secs * 1000000))
    if ((win == 0)); then
        while :; do
            local tk=$((t0 + k * iv * 1000))
            ((tk < end)) || break
            sleep_until "$tk"
            one_scrape 0
        done
    else
        nwin=$((secs * 1000 / win))
        for ((w = 0; w <= nwin; w++)); do
            local tb=$((t0 + w * win * 1000))
            sleep_until "$tb"
            srv_cpu; us_now
            echo "b $w $s $((t - t0)) $((t - tb))"
            ((w < nwin)) || continue
            for ((j = 0; j * iv < win * 8 / 10; j++)); do
                sleep_until $((tb + j * iv * 1000))
                if ((w % 2 == 1)); then one_scrape "$w"; else one_dummy "$w"; fi
            done
        done
    fi
    read -r st <"/proc/$$/stat"
    st=${st##*) }
    read -r -a a <<<"$st"
    echo "end $ok $n $((a[11] + a[12] + a[13] + a[14]))"
}

SCRAPER_PID=""
start_scraper() {   # OUT SECS INTERVAL_MS [WIN_MS PID]
    local out=$1
    shift
    ip netns exec "$NS" bash -c "$(declare -f scraper); scraper \"\$@\"" scraper \
        "$1" "$2" "$METRICS_URL" "$out.body" "${@:3}" >"$out" 2>"$out.err" &
    SCRAPER_PID=$!
    track "$SCRAPER_PID"
}
# wait_scraper: it ends by itself after its SECS (+ one scrape, 2 s at most)
wait_scraper() {
    local i
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SCRAPER_PID" 2>/dev/null || break
        sleep 0.1
    done
    stop_pid "$SCRAPER_PID"
    SCRAPER_PID=""
}

# wait_metrics PID: GET /metrics answers 200 (up to 10 s; the server alive)
wait_metrics() {
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$1" 2>/dev/null || return 1
        nsx curl -sf --max-time 1 -o /dev/null "$METRICS_URL" && return 0
        sleep 0.1
    done
    return 1
}

# scrape_stats FILE -> X_scrapes X_scrapes_ok X_scrape_ms_med X_scrape_ms_max X_scraper_cpu
scrape_stats() {
    local med
    med=$(awk '$1 == "scrape" && $4 == 0 && $5 == 200 { print $6 * 1000 }' "$1" | sort -g |
        awk '{ a[NR] = $1 } END { print NR ? ((NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) : 0 }')
    awk -v med="$med" -v tck="$CLK_TCK" '
    $1 == "scrape" { n++; if ($4 == 0 && $5 == 200) { ok++; if ($6 * 1000 > mx) mx = $6 * 1000; b = $7 } }
    $1 == "end" { cpu = $4 / tck }
    END { printf "X_scrapes=%d\nX_scrapes_ok=%d\nX_scrape_ms_med=%.2f\nX_scrape_ms_max=%.2f\nX_scrape_bytes=%d\nX_scraper_cpu=%.3f\n",
              n, ok, med, mx, b, cpu }' "$1"
}

# alt_pairs SKIP FILE... -> one line per "on" window W > SKIP of the
# interleaved steps: "D BASE SCRAPES_OK", D = its server CPU minus the mean
# of its two "off" neighbours, BASE = that mean, each in ms of CPU per
# second of the window (the boundaries are read when the scraper gets the
# CPU, up to tens of ms late on a busy machine: the CPU of a window is
# divided by its real length).  Triples with a boundary read more than
# 100 ms late are not used.
alt_pairs() {
    local skip=$1
    shift
    awk -v skip="$skip" '
    FNR == 1 { flush() }
    $1 == "b" { c[$2] = $3; tu[$2] = $4; late[$2] = ($5 > 100000); if ($2 > last) last = $2 }
    $1 == "scrape" && $4 == 0 && $5 == 200 { sc[$3]++ }
    function flush(   w, cpu) {
        # ns of CPU / us of time = ms of CPU per second
        for (w = 0; w < last; w++) cpu[w] = (tu[w + 1] > tu[w]) ? (c[w + 1] - c[w]) / (tu[w + 1] - tu[w]) : 0
        for (w = skip + 1; w + 1 < last; w++) {
            if (w % 2 != 1) continue
            if (late[w - 1] || late[w] || late[w + 1] || late[w + 2]) continue
            printf "%.3f %.3f %d\n", cpu[w] - (cpu[w - 1] + cpu[w + 1]) / 2, (cpu[w - 1] + cpu[w + 1]) / 2, sc[w]
        }
        split("", c); split("", tu); split("", late); split("", sc); last = -1
    }
    END { flush() }' "$@"
}
# alt_stats SKIP FILE... -> X_alt_* (pairs, mean base, mean D, its
# standard error, scrapes per "on" window)
alt_stats() {
    alt_pairs "$@" | awk '
    { k++; sum += $1; sq += $1 * $1; base += $2; sc += $3 }
    END {
        if (k == 0) { print "X_alt_pairs=0"; exit }
        mean = sum / k; v = (k > 1) ? (sq - k * mean * mean) / (k - 1) : 0; if (v < 0) v = 0
        printf "X_alt_pairs=%d\nX_alt_off_ms=%.3f\nX_alt_d_ms=%.3f\nX_alt_se_ms=%.3f\nX_alt_scrapes=%.2f\n",
            k, base / k, mean, sqrt(v / k), sc / k
    }'
}

# log_stats DIR -> X_log_file_lines (lease lines in server.log),
# X_log_summaries ("lease log: N lines suppressed" lines) and X_log_bytes;
# then server.log is cut to its first and last 20 lines (at 20,000 lines
# a second it grows by 5 MB a second).
log_stats() {
    local f=$1/server.log
    [[ -f $f ]] || return 0
    echo "X_log_file_lines=$(grep -c ' info: lease [a-z]* addr=' "$f")"
    echo "X_log_summaries=$(grep -c ' info: lease log: [0-9]* lines* suppressed' "$f")"
    echo "X_log_bytes=$(stat -c %s "$f")"
    if (($(wc -l <"$f") > 40)); then
        { head -20 "$f"; echo "[...]"; tail -20 "$f"; } >"$f.cut" && mv "$f.cut" "$f"
    fi
}

# perf record with call graphs (--profile): the share of the server's
# samples under a function, callees included, tells what the lease log
# and the endpoint cost.
PROF_ON=0 PERF_PID=""
start_perf() {
    # on the server's CPU(s): perfdhcp's CPU stays the generator's
    local pin=()
    [[ $SRV_CPUS != any ]] && pin=(taskset -c "$SRV_CPUS")
    "${pin[@]}" perf record -q --call-graph dwarf,16384 -F 499 -o "$1/perf.data" -p "$2" >/dev/null 2>"$1/perf.err" &
    PERF_PID=$!
    track "$PERF_PID"
    # perf has attached once it has written the file's header
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s $1/perf.data ]] && break
        sleep 0.05
    done
}

STEP_PID=""
ops_hook() {
    local what=$1 dir=$2
    case $what in
    ready)
        STEP_PID=$3 SCRAPER_PID=""
        scraped "$MODE" || return 0
        if ! wait_metrics "$3"; then
            problem "mode $MODE, $dir: GET $METRICS_URL did not answer within 10 s"
            return 1
        fi ;;
    start)
        ((PROF_ON)) && start_perf "$dir" "$STEP_PID"
        case $MODE in
        on | unl) start_scraper "$dir/scrape.out" "$3" "$SCRAPE_MS" ;;
        alt) start_scraper "$dir/scrape.out" "$3" "$ALT_SCRAPE_MS" "$ALT_WIN_MS" "$STEP_PID" "$DUMMY_URL" ;;
        esac ;;
    stop)
        [[ -n $SCRAPER_PID ]] && wait_scraper
        [[ -n $PERF_PID ]] && { stop_pid "$PERF_PID" INT 300; PERF_PID=""; } ;;
    res)
        echo "X_mode=$MODE"
        [[ -s $dir/scrape.out ]] && scrape_stats "$dir/scrape.out"
        [[ $MODE == alt && -s $dir/scrape.out ]] && alt_stats 1 "$dir/scrape.out"
        [[ $MODE != kea ]] && log_stats "$dir"
        ;;
    esac
    return 0
}
STEP_HOOK=ops_hook

# other CPU on the machine during the step, % of one CPU: everything but
# the server, perfdhcp and the scraper
other_pct() {
    local o
    o=$(fcalc "${S_other_cpu:-0} - ${X_scraper_cpu:-0}")
    fcalc "$o > 0 && ${S_wall:-0} > 0 ? 100 * $o / $S_wall : 0"
}
per_s() { fcalc "${S_secs:-0} > 0 ? ${1:-0} / $S_secs : 0"; }

ops_step_line() {
    local lg="-" sc="-"
    [[ -n ${C_lease_log_lines:-} && ${X_mode:-} != off ]] &&
        lg=$(printf 'log %5.0f/%5.0f +%.0f per s' "$(per_s "$C_lease_log_lines")" "$(per_s "${C_lease_log_suppressed:-0}")" "$(per_s "${X_log_summaries:-0}")")
    [[ -n ${X_scrapes:-} ]] && sc=$(printf '%d/%d scrapes %.1f/%.1f ms' "$X_scrapes_ok" "$X_scrapes" "$X_scrape_ms_med" "$X_scrape_ms_max")
    printf '  %-4s target %6d/s got %6.0f/s  drops %5.2f/%5.2f%%  lat %5.2f/%5.2f ms (max %4.0f)  srv %3.0f%% %6.1f us/DORA  other %3.0f%%  %-8s %s  %s\n' \
        "${X_mode:-?}" "$S_target" "$S_achieved" "$S_do_pct" "$S_ra_pct" \
        "${P_do_avg_ms:-0}" "${P_ra_avg_ms:-0}" "${P_ra_max_ms:-0}" \
        "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$(us_per_lease)" \
        "$(other_pct)" "$S_status" "$lg" "$sc" >&2
}

# one_step MODE RATE SECS DIR [record]: run_step, re-run once (RETRY) if
# it did not pass and looks accidental (as lib.sh's search does); DIR of
# the outcome that counts in STEP_DIR.  0 if a measurement exists.
one_step() {
    local mode=$1 rate=$2 secs=$3 dir=$4 prof=${5:-} kind
    set_mode "$mode"
    kind=$(mode_kind "$mode")
    STEP_DIR=""
    if ! run_step "$kind" "$rate" "$secs" "$dir" "$prof"; then
        load_step "$dir"
        [[ ${S_status:-error} == crashed ]] && problem "mode $mode: $(server_label "$kind") died at $rate/s ($dir/server.log)"
        [[ ${S_status:-error} == error ]] && problem "mode $mode: step at $rate/s produced no measurement"
        return 1
    fi
    load_step "$dir"; ops_step_line
    STEP_DIR=$dir
    # and a "genlimit" step far below the generator's ceiling (GEN_REF:
    # the "off" ceiling once known): perfdhcp sagged for that step
    local sag=0
    if [[ $S_status == genlimit && ${GEN_REF:-0} -gt 0 && $kind == dhcpfo ]] &&
        flt "$S_achieved" "$(fcalc "0.9 * ($rate < $GEN_REF ? $rate : $GEN_REF)")"; then
        sag=1
    fi
    if [[ -z $prof && $RETRY == 1 && $S_status != pass && $S_status != noreply ]] &&
        { ((sag)) || { [[ $S_status != genlimit ]] && { fge "$(other_pct)" 25 || { flt "$S_do_pct" 3 && flt "$S_ra_pct" 3; }; }; }; }; then
        retry_step "$kind" "$rate" "$secs" "$dir" load_step ops_step_line
        STEP_DIR=$RETRY_DIR
    fi
    return 0
}

T_START=$(date +%s)
msg "bench: namespace $NS, temp dir $TMP ($BENCH_FSTYPE), server on CPU $SRV_CPUS, perfdhcp on CPU $GEN_CPUS, metrics $METRICS_URL"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 1. check: the configurations, the endpoint, the counters --------------------
msg "== check: configurations, GET /metrics, lease log counters"
CHECK_OK=1 METRICS_BYTES=0 METRICS_LINES=0
for m in off on unl; do
    set_mode "$m"
    mkdir -p "$TMP/check/$m"
    if ! check_config dhcpfo "$(write_config dhcpfo "$TMP/check/$m")"; then
        problem "dhcpfo-primary -t rejects the configuration of mode $m"
        CHECK_OK=0
    fi
done
set_mode kea
mkdir -p "$TMP/check/kea"
check_config kea "$(write_config kea "$TMP/check/kea")" || { problem "kea-dhcp4 -t rejects its configuration"; CHECK_OK=0; }
if ((CHECK_OK)); then
    set_mode on
    if ! start_server dhcpfo "$TMP/check/on"; then
        problem "dhcpfo-primary did not start with LeaseLog and MetricsListen (see above)"
        CHECK_OK=0
    elif ! wait_metrics "$SRV_PID"; then
        problem "GET $METRICS_URL did not answer within 10 s of the server's start"
        stop_pid "$SRV_PID"
        CHECK_OK=0
    else
        nsx curl -s --max-time 2 -o "$TMP/check/metrics.txt" "$METRICS_URL"
        METRICS_BYTES=$(stat -c %s "$TMP/check/metrics.txt")
        METRICS_LINES=$(grep -vc '^#' "$TMP/check/metrics.txt")
        grep -q '^dhcpfo_info{' "$TMP/check/metrics.txt" ||
            { problem "GET /metrics has no dhcpfo_info sample"; CHECK_OK=0; }
        dhcpfo_counters "$TMP/check/on" >"$TMP/check/counters"
        if ! grep -q '^C_lease_log_lines=' "$TMP/check/counters" || ! grep -q '^C_lease_log_suppressed=' "$TMP/check/counters"; then
            problem "dhcpfoctl status --json has no lease_log_lines / lease_log_suppressed"
            CHECK_OK=0
        fi
        stop_pid "$SRV_PID"
        note "GET /metrics: $METRICS_BYTES bytes, $METRICS_LINES samples; status --json counts lease_log_lines/suppressed"
    fi
fi
((CHECK_OK)) || { msg "ops.sh: the check failed; nothing measured"; exit 1; }

# ---- 2. ceilings: "off" and Kea (lib.sh search) ------------------------------------
CEIL_OFF=0 CEIL_KEA=0
set_mode off
if search dhcpfo "$START_RATE"; then
    load_step "$BEST_DIR_dhcpfo"; CEIL_OFF=$(fint "$S_achieved")
else
    problem "no rate passed in mode off (${SEARCH_NOTE_dhcpfo:-})"
fi
set_mode kea
if search kea "$KEA_START"; then
    load_step "$BEST_DIR_kea"; CEIL_KEA=$(fint "$S_achieved")
else
    problem "no rate passed for Kea (${SEARCH_NOTE_kea:-})"
fi
SEARCH_GENLIMITED=${GENLIMITED[dhcpfo]:-}
GEN_REF=$CEIL_OFF

# targets: LADDER x the ceiling, rounded to 50
ladder_of() {
    local c=$1 f t out=()
    for f in $LADDER; do
        t=$(fint "$(fcalc "$f * $c / 50")"); t=$((t * 50))
        ((t > 0)) && out+=("$t")
    done
    printf '%s\n' "${out[@]}" | sort -n | uniq | tr '\n' ' '
}
read -r -a TARGETS_D <<<"$(ladder_of "$CEIL_OFF")"
read -r -a TARGETS_K <<<"$(ladder_of "$CEIL_KEA")"
# the equal rate: below every ceiling (70% of the lowest at most)
EQ_RATE=$EQ_RATE_WANT
for c in $CEIL_OFF $CEIL_KEA; do
    ((c > 0)) || continue
    cap=$(($(fint "$(fcalc "0.7 * $c / 250")") * 250))
    ((cap < 250)) && cap=250
    ((EQ_RATE > cap)) && EQ_RATE=$cap
done
((EQ_RATE != EQ_RATE_WANT)) && note "equal rate lowered from $EQ_RATE_WANT/s to $EQ_RATE/s (70% of the lowest ceiling)"

# ---- 3. repeats, the modes alternated ----------------------------------------------
declare -A MAXDIR=() EQDIR=() ALTDIR=()
MODES=(off on unl kea)
if ((CEIL_OFF > 0 && CEIL_KEA > 0)); then
    msg "== repeats: ladder dhcpfo ${TARGETS_D[*]}, Kea ${TARGETS_K[*]} DORA/s (${STEP_SECS} s), equal load $EQ_RATE/s (${EQ_SECS} s), interleaved ${ALT_SECS} s, $REPEATS repeat(s)"
    for ((r = 1; r <= REPEATS; r++)); do
        if ((r % 2)); then order=("${MODES[@]}"); else order=(kea unl on off); fi
        msg "-- repeat $r: ${order[*]}"
        for m in "${order[@]}"; do
            base=$TMP/r$r/$m
            if [[ $m == kea ]]; then list=("${TARGETS_K[@]}"); else list=("${TARGETS_D[@]}"); fi
            ladder "$m" "$base" 3 "${list[@]}"
            if [[ -n $LADDER_BEST ]]; then MAXDIR[$m,$r]=$LADDER_BEST; else problem "repeat $r, mode $m: no ladder step passed"; fi
            if ((EQ_SECS > 0)) && one_step "$m" "$EQ_RATE" "$EQ_SECS" "$base/eq"; then
                EQDIR[$m,$r]=$STEP_DIR
            fi
        done
        if ((ALT_SECS >= 4)); then
            RETRY_SAVE=$RETRY RETRY=0
            one_step alt "$EQ_RATE" "$ALT_SECS" "$TMP/r$r/alt/eq" && ALTDIR[$r]=$STEP_DIR
            RETRY=$RETRY_SAVE
        fi
    done
fi
T_MEASURED=$(date +%s)

# ---- 4. profile (optional, not used for the figures) --------------------------------
declare -A PROFDIR=()
PROF_RATE=""
if ((PROFILE && CEIL_OFF > 0)); then
    PROF_RATE=${BENCH_OPS_PROFILE_RATE:-$(($(fint "$(fcalc "0.8 * $CEIL_OFF / 500")") * 500))}
    msg "== profile: on and unl at $PROF_RATE/s under perf record --call-graph dwarf"
    PROF_ON=1 RETRY_SAVE=$RETRY RETRY=0
    for m in on unl; do
        if ! one_step "$m" "$PROF_RATE" "$STEP_SECS" "$TMP/profile/$m" || [[ ! -s $TMP/profile/$m/perf.data ]]; then
            continue
        fi
        PROFDIR[$m]=$TMP/profile/$m
        perf report -i "$TMP/profile/$m/perf.data" --children --sort sym --stdio 2>/dev/null |
            grep -E '^ +[0-9.]+%' >"$TMP/profile/$m/children.txt"
        rm -f "$TMP/profile/$m/perf.data"
    done
    PROF_ON=0 RETRY=$RETRY_SAVE
fi

# ---- report ---------------------------------------------------------------------
median() {
    (($#)) || { echo ""; return; }
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
range() { (($#)) && printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s %s", lo, hi }'; }
pct() { fcalc "$2 > 0 ? 100 * ($1 - $2) / $2 : 0"; }   # pct NEW OLD
hr() { printf '%s\n' "------------------------------------------------------------------------------------------------------------------------"; }
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "Operating cost: dhcpfo-primary DORA without (off) and with the lease log and a /metrics scrape a second (on, unl), Kea beside"
echo "machine: $NCPU x ${cpu_model:-CPU}, kernel $(uname -r); server on CPU $SRV_CPUS (nice $NICE), perfdhcp on CPU $GEN_CPUS, scraper unpinned (nice 0)"
echo "dhcpfo: ${DHCPFO_SRC#"$REPO"/} built $DHCPFO_BUILT; leases and server.log on $BENCH_FSTYPE; fresh server and empty lease database per step"
echo "modes: off = LeaseLog no; on = LeaseLog yes (LeaseLogRate default 1000/s) + MetricsListen $SERVER_ADDR:$METRICS_PORT, GET /metrics every $SCRAPE_MS ms (curl, $METRICS_BYTES B); unl = on with LeaseLogRate 0; kea = $(server_label kea), single-threaded"
echo "ceilings (lib.sh search): off $CEIL_OFF/s${SEARCH_GENLIMITED:+ (perfdhcp-limited)}, Kea $CEIL_KEA/s; ladder ${TARGETS_D[*]:-} (Kea ${TARGETS_K[*]:-}) x ${STEP_SECS} s; equal load $EQ_RATE/s x ${EQ_SECS} s; order off on unl kea, kea unl on off, ..."
echo "load average at start $LOAD_START, at end $LOAD_END"
declare -A MAXR=() EQUS=()
all_other=()
hr
printf '%-3s %-19s %-17s %-33s %-22s %-20s %-14s %s\n' "rep" "mode" "max DORA/s (tgt)" "equal load: us/DORA CPU% drops" "lat DO/RA avg,max ms" "log lines/s w/supp" "scrapes ok" "other%"
hr
for ((r = 1; r <= REPEATS; r++)); do
    if ((r % 2)); then order=("${MODES[@]}"); else order=(kea unl on off); fi
    for m in "${order[@]}"; do
        mx="-" eqs="-" lat="-" lg="-" sc="-" oth=0
        if [[ -n ${MAXDIR[$m,$r]:-} ]]; then
            load_step "${MAXDIR[$m,$r]}"
            MAXR[$m,$r]=$S_achieved
            mx=$(printf '%6.0f (%d)%s' "$S_achieved" "$S_target" "$([[ $S_status == genlimit ]] && echo ' gen')")
            flt "$oth" "$(other_pct)" && oth=$(other_pct)
        fi
        if [[ -n ${EQDIR[$m,$r]:-} ]]; then
            load_step "${EQDIR[$m,$r]}"
            EQUS[$m,$r]=$(us_per_lease)
            eqs=$(printf '%6.1f  %4.0f%%  %.2f/%.2f%%' "${EQUS[$m,$r]}" "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$S_do_pct" "$S_ra_pct")
            lat=$(printf '%.2f/%.2f, %.0f/%.0f' "$P_do_avg_ms" "$P_ra_avg_ms" "$P_do_max_ms" "$P_ra_max_ms")
            [[ $m != kea && $m != off ]] && lg=$(printf '%.0f/%.0f +%.0f' "$(per_s "${C_lease_log_lines:-0}")" "$(per_s "${C_lease_log_suppressed:-0}")" "$(per_s "${X_log_summaries:-0}")")
            [[ $m == off ]] && lg="${C_lease_log_lines:-?}/${C_lease_log_suppressed:-?} (total)"
            [[ -n ${X_scrapes:-} ]] && sc="$X_scrapes_ok/$X_scrapes"
            flt "$oth" "$(other_pct)" && oth=$(other_pct)
        fi
        all_other+=("$oth")
        printf '%-3s %-19s %-17s %-33s %-22s %-20s %-14s %.0f\n' "$r" "$(mode_label "$m")" "$mx" "$eqs" "$lat" "$lg" "$sc" "$oth"
    done
    if [[ -n ${ALTDIR[$r]:-} ]]; then
        load_step "${ALTDIR[$r]}"
        oth=$(other_pct); all_other+=("$oth")
        eqs=$(printf '%6.1f  %4.0f%%  %.2f/%.2f%%' "$(us_per_lease)" "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $S_secs")" "$S_do_pct" "$S_ra_pct")
        lat=$(printf '%.2f/%.2f, %.0f/%.0f' "$P_do_avg_ms" "$P_ra_avg_ms" "$P_do_max_ms" "$P_ra_max_ms")
        lg=$(printf '%.0f/%.0f +%.0f' "$(per_s "${C_lease_log_lines:-0}")" "$(per_s "${C_lease_log_suppressed:-0}")" "$(per_s "${X_log_summaries:-0}")")
        sc="-"; [[ -n ${X_scrapes:-} ]] && sc="$X_scrapes_ok/$X_scrapes"
        printf '%-3s %-19s %-17s %-33s %-22s %-20s %-14s %.0f\n' "$r" "interleaved (on)" "-" "$eqs" "$lat" "$lg" "$sc" "$oth"
    fi
done
hr

# per mode: medians and ranges; log lines, scrapes, latency over the equal-load steps
declare -A MED_MAX=() MED_US=() RNG_MAX=() RNG_US=() LAT=() LOGEQ=() LOGPK=() SUMEQ=() SUMPK=() SCR=() GEN=()
LOG_MISMATCH=()
for m in "${MODES[@]}"; do
    a=() b=() lra=() lmx=0 lw=0 ls=0 lz=0 lsecs=0 pw=0 ps=0 pz=0 psecs=0 sok=0 sn=0 gen=""
    for ((r = 1; r <= REPEATS; r++)); do
        [[ -n ${MAXR[$m,$r]:-} ]] && a+=("${MAXR[$m,$r]}")
        [[ -n ${EQUS[$m,$r]:-} ]] && b+=("${EQUS[$m,$r]}")
        if [[ -n ${MAXDIR[$m,$r]:-} ]]; then
            load_step "${MAXDIR[$m,$r]}"
            [[ $S_status == genlimit ]] && gen=1
            pw=$((pw + ${C_lease_log_lines:-0})) ps=$((ps + ${C_lease_log_suppressed:-0})) pz=$((pz + ${X_log_summaries:-0})) psecs=$((psecs + S_secs))
        fi
        if [[ -n ${EQDIR[$m,$r]:-} ]]; then
            load_step "${EQDIR[$m,$r]}"
            lra+=("$P_ra_avg_ms")
            flt "$lmx" "$P_ra_max_ms" && lmx=$P_ra_max_ms
            lw=$((lw + ${C_lease_log_lines:-0})) ls=$((ls + ${C_lease_log_suppressed:-0})) lz=$((lz + ${X_log_summaries:-0})) lsecs=$((lsecs + S_secs))
        fi
    done
    # every step of the mode: scrapes, and the log lines counted against those in server.log
    for f in "$TMP"/r*/"$m"/*/res; do
        [[ -s $f ]] || continue
        load_step "${f%/res}"
        sok=$((sok + ${X_scrapes_ok:-0})) sn=$((sn + ${X_scrapes:-0}))
        if [[ -n ${X_log_file_lines:-} && -n ${C_lease_log_lines:-} && $X_log_file_lines != "$C_lease_log_lines" ]]; then
            LOG_MISMATCH+=("${f#"$TMP"/}: server.log $X_log_file_lines, counter $C_lease_log_lines")
        fi
    done
    MED_MAX[$m]=$(median "${a[@]}"); MED_US[$m]=$(median "${b[@]}")
    RNG_MAX[$m]=$(range "${a[@]}"); RNG_US[$m]=$(range "${b[@]}")
    GEN[$m]=$gen
    LAT[$m]="-"
    ((${#lra[@]})) && LAT[$m]=$(printf '%.2f ms (max %.0f)' "$(median "${lra[@]}")" "$lmx")
    if [[ $m == on || $m == unl ]]; then
        LOGEQ[$m]=$(printf '%.0f/%.0f' "$(fcalc "$lsecs > 0 ? $lw / $lsecs : 0")" "$(fcalc "$lsecs > 0 ? $ls / $lsecs : 0")")
        LOGPK[$m]=$(printf '%.0f/%.0f' "$(fcalc "$psecs > 0 ? $pw / $psecs : 0")" "$(fcalc "$psecs > 0 ? $ps / $psecs : 0")")
        SUMEQ[$m]=$(fint "$(fcalc "$lsecs > 0 ? $lz / $lsecs : 0")") SUMPK[$m]=$(fint "$(fcalc "$psecs > 0 ? $pz / $psecs : 0")")
        SCR[$m]="$sok/$sn"
    elif [[ $m == off ]]; then
        LOGEQ[$m]="$lw/$ls" LOGPK[$m]="$pw/$ps" SCR[$m]="-"
    else
        LOGEQ[$m]="-" LOGPK[$m]="-" SCR[$m]="-"
    fi
done
((${#LOG_MISMATCH[@]})) && problem "lease lines in server.log differ from lease_log_lines: ${LOG_MISMATCH[*]}"
for m in off on unl; do
    [[ ${LOGEQ[$m]} == 0/0 && $m != off ]] && problem "mode $m wrote no lease log line at the equal rate"
done
[[ ${LOGEQ[off]} == 0/0 ]] || [[ -z ${EQDIR[off,1]:-} ]] || problem "mode off counted lease log lines (${LOGEQ[off]})"

# interleaved steps, all repeats pooled: server CPU per scrape under load
ALT_PAIRS=0 SCRAPE_CPU_MS="" ALT_COST=""
alt_files=()
for ((r = 1; r <= REPEATS; r++)); do
    [[ -n ${ALTDIR[$r]:-} && -s ${ALTDIR[$r]}/scrape.out ]] && alt_files+=("${ALTDIR[$r]}/scrape.out")
done
if ((${#alt_files[@]})); then
    eval "$(alt_stats 1 "${alt_files[@]}")"
    ALT_PAIRS=$X_alt_pairs
    if ((ALT_PAIRS > 0)) && flt 0 "$X_alt_scrapes"; then
        # X_alt_*_ms are ms of CPU per second: per scrape, times the window's length
        SCRAPE_CPU_MS=$(fcalc "$X_alt_d_ms * $ALT_WIN_MS / 1000 / $X_alt_scrapes")
        SCRAPE_CPU_SE=$(fcalc "$X_alt_se_ms * $ALT_WIN_MS / 1000 / $X_alt_scrapes")
        # one scrape every SCRAPE_MS, against the server's CPU per second at the equal rate
        ALT_COST=$(fcalc "100 * $SCRAPE_CPU_MS * 1000 / $SCRAPE_MS / $X_alt_off_ms")
        ALT_COST_SE=$(fcalc "100 * $SCRAPE_CPU_SE * 1000 / $SCRAPE_MS / $X_alt_off_ms")
        ALT_OFF_MS=$X_alt_off_ms ALT_PER_WIN=$X_alt_scrapes
    fi
fi

us_cell() { [[ -n ${MED_US[$1]} ]] && printf '%.1f [%s]' "${MED_US[$1]}" "$(awk '{ printf "%.1f-%.1f", $1, $2 }' <<<"${RNG_US[$1]}")" || echo "-"; }
pk_cell() {
    [[ -n ${MED_MAX[$1]} ]] || { echo "-"; return; }
    printf '%s%.0f [%s]' "$([[ -n ${GEN[$1]} ]] && echo '>')" "${MED_MAX[$1]}" "$(awk '{ printf "%.0f-%.0f", $1, $2 }' <<<"${RNG_MAX[$1]}")"
}
echo
echo "Summary: medians of $REPEATS repeat(s) [range]; equal load $EQ_RATE/s; '>' = perfdhcp could not offer more (the server was not saturated)"
printf '%-20s | %-20s | %-24s | %-22s | %-36s | %s\n' "mode" "peak DORA/s" "us CPU/DORA @ $EQ_RATE/s" "RA latency @ $EQ_RATE/s" "log lines/s written/suppressed" "scrapes ok"
printf '%-20s | %-20s | %-24s | %-22s | %-36s | %s\n' "" "(<1% drops)" "(server user+sys)" "avg (max)" "@equal ; @peak (+summary lines/s)" ""
hr
for m in "${MODES[@]}"; do
    lg="${LOGEQ[$m]} (+${SUMEQ[$m]:-0}) ; ${LOGPK[$m]} (+${SUMPK[$m]:-0})"
    [[ $m == off ]] && lg="none (counters ${LOGEQ[$m]})"
    [[ $m == kea ]] && lg="-"
    printf '%-20s | %-20s | %-24s | %-22s | %-36s | %s\n' "$(mode_label "$m")" "$(pk_cell "$m")" "$(us_cell "$m")" "${LAT[$m]}" "$lg" "${SCR[$m]}"
done
hr
ratio() { if [[ -n ${1:-} && -n ${2:-} ]] && flt 0 "$2"; then fcalc "$1 / $2"; else echo 0; fi; }
# CPU per DORA near the ceiling: the dhcpfo modes' first step at the
# lowest ladder target (every mode runs it first), medians of the repeats
T_HI=${TARGETS_D[0]:-0}
declare -A HI_US=()
for m in off on unl; do
    a=()
    for ((r = 1; r <= REPEATS; r++)); do
        [[ -s $TMP/r$r/$m/l$T_HI/res ]] || continue
        load_step "$TMP/r$r/$m/l$T_HI"
        a+=("$(us_per_lease)")
    done
    HI_US[$m]=$(median "${a[@]}")
done
PEAK_RATIO=$(ratio "${MED_MAX[on]}" "${MED_MAX[off]}")
CPU_RATIO=$(ratio "${MED_US[on]}" "${MED_US[off]}")
UNL_PEAK_RATIO=$(ratio "${MED_MAX[unl]}" "${MED_MAX[off]}")
UNL_CPU_RATIO=$(ratio "${MED_US[unl]}" "${MED_US[off]}")
printf 'on/off:  peak %.3f, CPU per DORA %.3f (per repeat: %s)\n' "$PEAK_RATIO" "$CPU_RATIO" \
    "$(for ((r = 1; r <= REPEATS; r++)); do [[ -n ${EQUS[on,$r]:-} && -n ${EQUS[off,$r]:-} ]] && printf '%+.1f%% ' "$(pct "${EQUS[on,$r]}" "${EQUS[off,$r]}")"; done)"
printf 'unl/off: peak %.3f, CPU per DORA %.3f (per repeat: %s)\n' "$UNL_PEAK_RATIO" "$UNL_CPU_RATIO" \
    "$(for ((r = 1; r <= REPEATS; r++)); do [[ -n ${EQUS[unl,$r]:-} && -n ${EQUS[off,$r]:-} ]] && printf '%+.1f%% ' "$(pct "${EQUS[unl,$r]}" "${EQUS[off,$r]}")"; done)"
if [[ -n ${HI_US[off]} ]]; then
    printf 'at %d/s (the lowest ladder target, near the off ceiling; first run of each repeat): us CPU/DORA off %.1f, on %.1f (%+.1f%%), unl %.1f (%+.1f%%)\n' \
        "$T_HI" "${HI_US[off]}" "${HI_US[on]:-0}" "$(pct "${HI_US[on]:-0}" "${HI_US[off]}")" \
        "${HI_US[unl]:-0}" "$(pct "${HI_US[unl]:-0}" "${HI_US[off]}")"
fi
if [[ -n ${MED_US[kea]} && -n ${MED_US[off]} ]] && flt 0 "${MED_US[off]}"; then
    printf 'Kea/off: peak %.3f, CPU per DORA %.2f\n' "$(ratio "${MED_MAX[kea]}" "${MED_MAX[off]}")" "$(ratio "${MED_US[kea]}" "${MED_US[off]}")"
fi
if [[ -n $SCRAPE_CPU_MS ]]; then
    printf 'interleaved at %d/s ("on" server, 1 s windows without/with %.1f scrapes, %d pairs): %.2f ms (SE %.2f) server CPU per scrape under load;\n' \
        "$EQ_RATE" "$ALT_PER_WIN" "$ALT_PAIRS" "$SCRAPE_CPU_MS" "$SCRAPE_CPU_SE"
    printf '  one scrape every %d ms = %+.2f%% (SE %.2f%%) of the server CPU at %d/s (%.1f ms CPU per second without scrapes)\n' \
        "$SCRAPE_MS" "$ALT_COST" "$ALT_COST_SE" "$EQ_RATE" "$ALT_OFF_MS"
fi
pk_written=${LOGPK[on]%%/*}
if [[ ${SUMPK[on]:-0} -gt 0 && $pk_written =~ ^[0-9]+$ && $pk_written -gt 0 ]]; then
    printf 'on, at the peak: %s lease lines/s written and %s "lease log: N lines suppressed" lines/s (%.2f per lease line; not in lease_log_lines)\n' \
        "$pk_written" "${SUMPK[on]}" "$(fcalc "${SUMPK[on]} / $pk_written")"
fi
GENLIM=no
for m in off on unl; do [[ -n ${GEN[$m]} ]] && GENLIM=yes; done
[[ -n $SEARCH_GENLIMITED ]] && GENLIM=yes
if [[ $GENLIM == yes ]]; then
    echo "NOTE: perfdhcp, not dhcpfo, set the peak in some steps: the peak ratios compare the generator's noise, not the server;"
    echo "      the CPU per DORA at equal load is the figure that shows a server-side cost."
fi
MAX_OTHER=$(printf '%s\n' 0 "${all_other[@]}" | sort -g | tail -1)
QUIET=yes
fge "$MAX_OTHER" 25 && QUIET=no
[[ $QUIET == no ]] && printf 'WARNING: other processes took up to %.0f%% of a CPU (of %d) during the steps: the figures are disturbed\n' "$MAX_OTHER" "$NCPU"

# children% of a symbol in a perf report --children --sort sym listing
share() { awk -v s="$2" '{ n = $0; sub(/^ *[0-9.]+% +[0-9.]+% +\[[.k]\] /, "", n); sub(/ \(inlined\)$/, "", n) }
                         n == s { print $1 + 0; f = 1; exit } END { if (!f) print 0 }' "$1"; }
if ((${#PROFDIR[@]})); then
    echo
    echo "Where the CPU goes at $PROF_RATE/s (perf record --call-graph dwarf -F 499 on the server, one ${STEP_SECS} s step per mode;"
    echo "share of the server's samples under each function, callees included; times us/DORA = share x the step's CPU per DORA):"
    for m in on unl; do
        pd=${PROFDIR[$m]:-}
        [[ -n $pd && -s $pd/children.txt ]] || continue
        load_step "$pd"
        u=$(us_per_lease)
        printf '  %s: %.0f DORA/s, %.1f us/DORA, drops %.2f/%.2f%%, lease lines %.0f/s written, %.0f/s suppressed\n' \
            "$(mode_label "$m")" "$S_achieved" "$u" "$S_do_pct" "$S_ra_pct" \
            "$(per_s "${C_lease_log_lines:-0}")" "$(per_s "${C_lease_log_suppressed:-0}")"
        for fs in "lease_log_ack:lease log, formatting an ACK's line (lease_log_ack)" \
                  "lease_log_batch_end:lease log, writing a batch's lines (lease_log_batch_end)" \
                  "__GI___libc_write:  of which write(2) (stderr: the log file)" \
                  "lease_log_result:lease log, NAK/release/decline lines (lease_log_result)" \
                  "MHD_run:the metrics endpoint (MHD_run: accept, request, body)" \
                  "produce:  of which producing the body (pr_metrics produce)" \
                  "__os_fsync:for scale: the lease store's fdatasync (__os_fsync)"; do
            sh=$(share "$pd/children.txt" "${fs%%:*}")
            printf '    %-62s %5.1f%%  %5.2f us/DORA\n' "${fs#*:}" "$sh" "$(fcalc "$sh * $u / 100")"
        done
    done
fi
for p in "${PROBLEMS[@]}"; do echo "PROBLEM: $p"; done
echo "time: $((T_MEASURED - T_START)) s measuring$( ((${#PROFDIR[@]})) && echo ", $(($(date +%s) - T_MEASURED)) s profiling")"
hr
us2() { [[ -n ${1:-} ]] && fmt2 "$1" || echo 0; }
printf 'RESULT off_peak=%s on_peak=%s peak_ratio=%s off_us=%s on_us=%s cpu_ratio=%s unl_peak=%s unl_peak_ratio=%s unl_us=%s unl_cpu_ratio=%s kea_peak=%s kea_us=%s equal_rate=%s on_log_per_s=%s on_summary_per_s_peak=%s unl_log_per_s=%s scrapes_ok=%s scrape_cpu_ms=%s scrape_cost_pct=%s hi_rate=%s off_us_hi=%s on_us_hi=%s unl_us_hi=%s generator_limited=%s quiet_machine=%s\n' \
    "$(fint "${MED_MAX[off]:-0}")" "$(fint "${MED_MAX[on]:-0}")" "$(fmt2 "$PEAK_RATIO")" \
    "$(us2 "${MED_US[off]}")" "$(us2 "${MED_US[on]}")" "$(fmt2 "$CPU_RATIO")" \
    "$(fint "${MED_MAX[unl]:-0}")" "$(fmt2 "$UNL_PEAK_RATIO")" "$(us2 "${MED_US[unl]}")" "$(fmt2 "$UNL_CPU_RATIO")" \
    "$(fint "${MED_MAX[kea]:-0}")" "$(us2 "${MED_US[kea]}")" "$EQ_RATE" \
    "${LOGEQ[on]%%/*}" "${SUMPK[on]:-0}" "${LOGEQ[unl]%%/*}" \
    "$(awk -F/ '{ a += $1; b += $2 } END { printf "%d/%d", a, b }' <<<"${SCR[on]}
${SCR[unl]}")" \
    "$(us2 "$SCRAPE_CPU_MS")" "$(us2 "$ALT_COST")" "$T_HI" "$(us2 "${HI_US[off]}")" "$(us2 "${HI_US[on]}")" "$(us2 "${HI_US[unl]}")" \
    "$GENLIM" "$QUIET"
((${#PROBLEMS[@]} == 0)) || exit 1
exit 0
