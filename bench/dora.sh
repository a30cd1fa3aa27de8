#!/usr/bin/env bash
# bench/dora.sh — DORA throughput of dhcpfo-primary against Kea 2.2 (memfile)
# measured with perfdhcp acting as a relay, in the same run, on this machine.
#
#   bash bench/dora.sh [--quick] [options]      (root: creates a netns)
#
# See bench/README.md for what is measured and how to read the output.
set -u
set -o pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'EOF'
usage: bash bench/dora.sh [--quick] [options]

  --quick          ~1 minute: 2 s steps, 15% search tolerance, no calibration
                   and no profiling run (default: full, ~4-5 minutes)
  --skip-kea       do not measure Kea
  --skip-dhcpfo    do not measure dhcpfo-primary
  --calibrate      measure perfdhcp's own ceiling against a stateless
                   responder (default in full mode)
  --no-calibrate
  --profile        re-run each server once at its best rate under perf
                   trace -s / perf record (default in full mode when perf exists)
  --no-profile
  --kea-sockbuf    also measure Kea with a 4 MiB socket buffer (as dhcpfo
                   sets for itself), via an LD_PRELOAD shim (default in full mode)
  --no-kea-sockbuf
  --build          run make for build/dhcpfo-primary even if it exists
  --keep           keep the temp dir (logs, perfdhcp output, perf data)
  -h, --help

environment overrides: BENCH_STEP_SECS BENCH_TOL BENCH_START_RATE
  BENCH_MAX_RATE BENCH_BUDGET BENCH_CLIENTS BENCH_RANGE BENCH_COMMIT_BATCH
  BENCH_KEA_THREADS BENCH_PIN BENCH_TMPDIR (see bench/README.md)
EOF
}

QUICK=0 DO_KEA=1 DO_DHCPFO=1 CALIBRATE="" PROFILE="" FORCE_BUILD=0 KEA_RB=""
# shellcheck disable=SC2317  # called by bench_args
dora_opt() {
    case $1 in
    --quick) QUICK=1 ;;
    --skip-kea) DO_KEA=0 ;;
    --skip-dhcpfo) DO_DHCPFO=0 ;;
    --calibrate) CALIBRATE=1 ;;
    --no-calibrate) CALIBRATE=0 ;;
    --profile) PROFILE=1 ;;
    --no-profile) PROFILE=0 ;;
    --build) FORCE_BUILD=1 ;;
    --kea-sockbuf) KEA_RB=1 ;;
    --no-kea-sockbuf) KEA_RB=0 ;;
    *) return 1 ;;
    esac
}
bench_args dora_opt "$@"

if ((QUICK)); then
    STEP_SECS=2 TOL=0.15 MAX_STEPS=9 BUDGET=30 RETRY=1
    : "${CALIBRATE:=0}" "${PROFILE:=0}" "${KEA_RB:=0}"
else
    STEP_SECS=5 TOL=0.05 MAX_STEPS=14 BUDGET=75 RETRY=1
    : "${CALIBRATE:=1}" "${PROFILE:=1}" "${KEA_RB:=1}"
fi
START_RATE=2000
search_env
command -v perf >/dev/null || PROFILE=0

# ---- preflight ----------------------------------------------------------------
bench_preflight bench ip ss taskset timeout /usr/bin/time awk cc "$PERFDHCP"
if ((DO_KEA)) && [[ ! -x $KEA_BIN ]]; then
    msg "bench: $KEA_BIN not found"
    exit 2
fi

bench_begin || exit 1

RC=0
DHCPFO_PROBLEM=""
if ((DO_DHCPFO)); then
    if [[ ! -x $DHCPFO_BIN || ! -x $DHCPFOCTL || $FORCE_BUILD == 1 ]]; then
        msg "bench: building dhcpfo (make build/dhcpfo-primary build/dhcpfoctl) ..."
        if ! make -C "$REPO" build/dhcpfo-primary build/dhcpfoctl >"$TMP/make.log" 2>&1; then
            msg "bench: make failed; last lines:"
            tail -15 "$TMP/make.log" | sed 's/^/    /' >&2
        fi
    fi
    if [[ ! -x $DHCPFO_BIN ]]; then
        DHCPFO_PROBLEM="${DHCPFO_BIN#"$REPO"/} does not exist (make failed or not written yet)"
    else
        [[ -x $DHCPFOCTL ]] || warn "build/dhcpfoctl missing: no commit counters for dhcpfo"
        mkdir -p "$TMP/dhcpfo/check"
        if ! check_config dhcpfo "$(write_config dhcpfo "$TMP/dhcpfo/check")"; then
            DHCPFO_PROBLEM="dhcpfo-primary -t rejects the bench configuration"
        fi
    fi
    if [[ -n $DHCPFO_PROBLEM ]]; then
        msg ""
        msg "*** dhcpfo-primary cannot be measured: $DHCPFO_PROBLEM ***"
        msg "*** Kea is still measured; the script exits non-zero. ***"
        msg ""
        RC=1
    fi
fi
if ((DO_KEA)); then
    mkdir -p "$TMP/kea/check"
    check_config kea "$(write_config kea "$TMP/kea/check")" || { DO_KEA=0; RC=1; KEA_PROBLEM="config rejected"; }
fi

if ((DO_DHCPFO)) && [[ -z $DHCPFO_PROBLEM ]]; then
    private_copies
    newer=$(find "$REPO/primary" "$REPO/common" -name '*.[ch]' -newer "$DHCPFO_SRC" 2>/dev/null | head -3 | tr '\n' ' ')
    if [[ -n $newer ]]; then
        warn "${DHCPFO_SRC#"$REPO"/} (built $DHCPFO_BUILT) is older than: $newer(use --build to rebuild)"
    fi
fi
msg "bench: namespace $NS, temp dir $TMP ($BENCH_FSTYPE), server CPU(s) $SRV_CPUS, perfdhcp CPU $GEN_CPUS"
msg "bench: $GENS perfdhcp relay(s) from $RELAY_ADDR:$DHCP_PORT -> server $SERVER_ADDR:$DHCP_PORT, $CLIENTS clients, pool $RANGE_START-$RANGE_END"

# ---- measurements -------------------------------------------------------------
KINDS=()
if ((CALIBRATE)); then
    if server_available null; then
        KINDS+=(null)
    else
        warn "cannot build bench/nullsrv.c; no calibration"
        CALIBRATE=0
    fi
fi
((DO_KEA)) && KINDS+=(kea)
((DO_KEA && KEA_RB && HAVE_PRELOAD)) && KINDS+=(kearb)
((DO_DHCPFO)) && [[ -z $DHCPFO_PROBLEM ]] && KINDS+=(dhcpfo)

declare -A MEASURED=()
for k in "${KINDS[@]}"; do
    start=$START_RATE
    [[ $k == null ]] && start=$((START_RATE * 4))   # the ceiling is well above
    if search "$k" "$start"; then
        MEASURED[$k]=1
    else
        [[ $k == dhcpfo ]] && { DHCPFO_PROBLEM="no rate passed: $(eval echo "\$SEARCH_NOTE_$k")"; RC=1; }
        [[ $k == kea ]] && { KEA_PROBLEM="no rate passed: $(eval echo "\$SEARCH_NOTE_$k")"; RC=1; }
    fi
done

# Equal load: dhcpfo at Kea's best target, so that CPU per lease is compared
# at the same packet rate (per-lease cost falls with load when work batches).
EQUAL_DIR=""
if [[ -n ${MEASURED[kea]:-} && -n ${MEASURED[dhcpfo]:-} ]]; then
    load_res "$BEST_DIR_kea"
    kt=$S_target
    for d in "$TMP"/dhcpfo/step*; do
        load_res "$d"
        if [[ ${S_target:-} == "$kt" && ${S_status:-} == pass ]]; then EQUAL_DIR=$d; break; fi
    done
    if [[ -z $EQUAL_DIR ]]; then
        msg "== dhcpfo-primary: equal-load step at Kea's best target $kt/s"
        if run_step dhcpfo "$kt" "$STEP_SECS" "$TMP/dhcpfo/equal"; then
            load_res "$TMP/dhcpfo/equal"; step_line
            EQUAL_DIR=$TMP/dhcpfo/equal
        fi
    fi
fi

declare -A PROF_DIR=() TRACE_DIR=()
if ((PROFILE)); then
    for k in kea dhcpfo; do
        [[ -n ${MEASURED[$k]:-} ]] || continue
        load_res "$(eval echo "\$BEST_DIR_$k")"
        t=$S_target
        msg "== $(server_label "$k"): profiling runs at $t/s (perf record+stat, then perf trace; not used for the figures)"
        if run_step "$k" "$t" "$STEP_SECS" "$TMP/$k/profile" record; then
            load_res "$TMP/$k/profile"; step_line
            PROF_DIR[$k]=$TMP/$k/profile
        fi
        if run_step "$k" "$t" "$STEP_SECS" "$TMP/$k/trace" trace; then
            load_res "$TMP/$k/trace"; step_line
            TRACE_DIR[$k]=$TMP/$k/trace
        fi
    done
fi

# ---- report -------------------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
hr() { printf '%s\n' "------------------------------------------------------------------------------------------------------"; }

echo
echo "DORA throughput: highest rate with <1% drops on both DISCOVER-OFFER and REQUEST-ACK"
echo "machine: $NCPU x ${cpu_model:-CPU}, kernel $(uname -r); server on CPU $SRV_CPUS, perfdhcp on CPU $GEN_CPUS"
echo "leases on $BENCH_FSTYPE ($(df -P "$TMP" | awk 'NR==2 {print $1}')); step ${STEP_SECS}s, fresh server and empty lease database per step"
[[ -n ${DHCPFO_BUILT:-} ]] && echo "dhcpfo: ${DHCPFO_SRC#"$REPO"/} built $DHCPFO_BUILT${COMMIT_BATCH:+, CommitBatchMax $COMMIT_BATCH}"
echo "load: $GENS perfdhcp $("$PERFDHCP" -v 2>&1 | awk '{print $NF}' | head -1) relay(s), -R $CLIENTS clients, pool $RANGE_START-$RANGE_END, drop time 1 s"
hr
printf '%-25s %11s %8s %13s %13s %17s %5s %8s %5s %6s %s\n' \
    "server" "DORA/s" "target" "drop DO/RA %" "lat DO/RA ms" "CPU s usr+sys" "CPU%" "us/lease" "steps" "busy%" "limited by"
hr
declare -A BEST=() USPL=() OTHER=() BUSY=()
# BUSY[k]: the most CPU other processes took (% of one CPU) during any step
# of k's search at or above its best target, i.e. where its limit was found.
for k in null kea kearb dhcpfo; do
    [[ -n ${MEASURED[$k]:-} ]] || continue
    load_res "$(eval echo "\$BEST_DIR_$k")"
    bt=$S_target mx=0
    for d in "$TMP/$k"/step*; do
        [[ -s $d/res ]] || continue
        load_res "$d"
        [[ -n ${S_target:-} && -n ${S_other_cpu:-} ]] || continue
        ((S_target >= bt)) || continue
        oth=$(fcalc "$S_other_cpu > 0 ? 100 * $S_other_cpu / $S_wall : 0")
        flt "$mx" "$oth" && mx=$oth
    done
    BUSY[$k]=$mx
done
for k in null kea kearb dhcpfo; do
    [[ -n ${MEASURED[$k]:-} ]] || continue
    load_res "$(eval echo "\$BEST_DIR_$k")"
    cpu=$(fcalc "$S_srv_user + $S_srv_sys")
    BEST[$k]=$S_achieved
    USPL[$k]=$(fcalc "$P_ra_rcvd > 0 ? 1e6 * $cpu / $P_ra_rcvd : 0")
    label=$(server_label "$k")
    [[ $k == null ]] && label="perfdhcp ceiling (null)"
    lim="drops"
    [[ -n ${GENLIMITED[$k]:-} ]] && lim="perfdhcp"
    [[ $k == null ]] && lim="perfdhcp"
    OTHER[$k]=$(fcalc "$S_other_cpu > 0 ? 100 * $S_other_cpu / $S_wall : 0")
    printf '%-25s %s%10.0f %8d %6.2f/%-6.2f %6.2f/%-6.2f %6.2f=%.2f+%-5.2f %4.0f%% %8.1f %5s %5.0f%% %s\n' \
        "$label" "$([[ $lim == perfdhcp && $k != null ]] && echo '>' || echo ' ')" \
        "$S_achieved" "$S_target" "$S_do_pct" "$S_ra_pct" \
        "$P_do_avg_ms" "$P_ra_avg_ms" "$cpu" "$S_srv_user" "$S_srv_sys" \
        "$(fcalc "100 * $cpu / $S_secs")" "${USPL[$k]}" "$(eval echo "\$SEARCH_STEPS_$k")" "${BUSY[$k]}" "$lim"
done
((DO_KEA)) && [[ -z ${MEASURED[kea]:-} ]] && printf '%-26s %s\n' "$(server_label kea)" "NOT MEASURED: ${KEA_PROBLEM:-?}"
((DO_DHCPFO)) && [[ -z ${MEASURED[dhcpfo]:-} ]] && printf '%-26s %s\n' "dhcpfo-primary" "NOT MEASURED: $DHCPFO_PROBLEM"
hr

RATIO=""
if [[ -n ${BEST[kea]:-} && -n ${BEST[dhcpfo]:-} ]]; then
    RATIO=$(fcalc "${BEST[dhcpfo]} / ${BEST[kea]}")
    verdict="NOT MET"
    fge "$RATIO" 3 && verdict="MET"
    if [[ -n ${GENLIMITED[dhcpfo]:-} ]]; then
        [[ $verdict == MET ]] || verdict="NOT SHOWN (generator-limited)"
    fi
    if fge "${BUSY[kea]}" 25 || fge "${BUSY[dhcpfo]}" 25; then
        verdict="UNRELIABLE (other processes took up to $(fint "${BUSY[kea]}")%/$(fint "${BUSY[dhcpfo]}")% of a CPU near the Kea/dhcpfo limits; repeat on a quiet machine)"
    fi
    if [[ -n ${GENLIMITED[dhcpfo]:-} ]]; then
        printf 'ratio dhcpfo/Kea (max DORA/s): >= %.2fx (dhcpfo was not saturated)   goal >= 3x: %s\n' "$RATIO" "$verdict"
    else
        printf 'ratio dhcpfo/Kea (max DORA/s): %.2fx   goal >= 3x: %s\n' "$RATIO" "$verdict"
    fi
    if [[ -n ${BEST[null]:-} ]] && fge "${BEST[dhcpfo]}" "$(fcalc "0.85 * ${BEST[null]}")"; then
        echo "NOTE: dhcpfo is within 15% of perfdhcp's own ceiling on this machine ($(fint "${BEST[null]}") DORA/s):"
        echo "      its figure is limited by the load generator, so this ratio is a lower bound."
    fi
fi
RATIO_RB=""
if [[ -n ${BEST[kearb]:-} && -n ${BEST[dhcpfo]:-} ]]; then
    RATIO_RB=$(fcalc "${BEST[dhcpfo]} / ${BEST[kearb]}")
    printf 'ratio dhcpfo/Kea with the same socket buffer as dhcpfo: %s%.2fx\n' \
        "$([[ -n ${GENLIMITED[dhcpfo]:-} ]] && echo '>= ')" "$RATIO_RB"
fi
for k in kea kearb; do
    if [[ -n ${BEST[$k]:-} && -n ${BEST[null]:-} ]] && fge "${BEST[$k]}" "$(fcalc "0.85 * ${BEST[null]}")"; then
        echo "NOTE: $(server_label "$k") is within 15% of perfdhcp's ceiling; its figure is generator-limited too."
    fi
done
RELIABLE=yes
for k in null kea kearb dhcpfo; do
    [[ -n ${BUSY[$k]:-} ]] || continue
    if fge "${BUSY[$k]}" 25; then
        printf 'WARNING: other processes took up to %.0f%% of a CPU (of %d) in the %s steps at or above its best rate: its figure is disturbed\n' \
            "${BUSY[$k]}" "$NCPU" "$k"
        [[ $k == kea || $k == dhcpfo ]] && RELIABLE=no
    fi
done
if [[ -n $EQUAL_DIR ]]; then
    load_res "$BEST_DIR_kea"
    k_cpu=$(fcalc "$S_srv_user + $S_srv_sys"); k_acks=$P_ra_rcvd; eq_t=$S_target; eq_secs=$S_secs
    load_res "$EQUAL_DIR"
    d_cpu=$(fcalc "$S_srv_user + $S_srv_sys"); d_acks=$P_ra_rcvd
    k_us=$(fcalc "1e6 * $k_cpu / $k_acks"); d_us=$(fcalc "$d_acks > 0 ? 1e6 * $d_cpu / $d_acks : 0")
    printf 'equal load (%d/s target): server CPU per lease Kea %.1f us (%.0f%% CPU), dhcpfo %.1f us (%.0f%% CPU, drops %.2f/%.2f%%)' \
        "$eq_t" "$k_us" "$(fcalc "100 * $k_cpu / $eq_secs")" "$d_us" "$(fcalc "100 * $d_cpu / $S_secs")" "$S_do_pct" "$S_ra_pct"
    if flt 0 "$d_us"; then
        printf ' -> Kea/dhcpfo %.2fx\n' "$(fcalc "$k_us / $d_us")"
    else
        echo
    fi
fi
for k in kea kearb dhcpfo; do
    [[ -n ${MEASURED[$k]:-} ]] || continue
    if [[ -z ${USPL[$k]:-} ]] || ! flt 0 "${USPL[$k]}"; then continue; fi
    printf 'CPU-bound estimate %-7s %8.0f leases/s per CPU (1e6 / us per lease at its best step; holds only if CPU is the limit)\n' \
        "$k:" "$(fcalc "1e6 / ${USPL[$k]}")"
done
if [[ -n ${USPL[kea]:-} && -n ${USPL[dhcpfo]:-} ]] && flt 0 "${USPL[dhcpfo]}"; then
    printf 'CPU-bound capacity ratio dhcpfo/Kea (estimate, from CPU per lease at each best step): %.2fx\n' \
        "$(fcalc "${USPL[kea]} / ${USPL[dhcpfo]}")"
fi

# ---- where the time goes --------------------------------------------------------
echo
echo "Where the time goes (best passing step; CPU from /proc/PID/stat and /proc/PID/task/*/stat)"
hr
for k in kea kearb dhcpfo; do
    [[ -n ${MEASURED[$k]:-} ]] || continue
    d=$(eval echo "\$BEST_DIR_$k")
    load_res "$d"
    acks=$P_ra_rcvd
    cpu=$(fcalc "$S_srv_user + $S_srv_sys")
    echo "$(server_label "$k") at $S_target/s target, $(fint "$S_achieved") DORA/s, $acks ACKs in ${S_secs}s:"
    printf '  server CPU %.2fs = %.0f%% of one CPU over the %ss load (user %.2fs, sys %.2fs); %.1f us CPU per lease\n' \
        "$cpu" "$(fcalc "100 * $cpu / $S_secs")" "$S_secs" "$S_srv_user" "$S_srv_sys" "${USPL[$k]}"
    printf '  other processes on the machine: %.2f CPU-s during the step (%.0f%% of one CPU)\n' \
        "$(fcalc "$S_other_cpu > 0 ? $S_other_cpu : 0")" "${OTHER[$k]:-0}"
    printf '  perfdhcp CPU %.2fs (user %.2f, sys %.2f) for %s instance(s)\n' "$(fcalc "$S_gen_user + $S_gen_sys")" "$S_gen_user" "$S_gen_sys" "$S_gens"
    printf '  UDP: %s datagrams received in the namespace; receive-buffer overflows: server socket %s, perfdhcp side %s\n' \
        "$S_udp_in" "$S_srv_sock_drops" "$((S_udp_rcvbuf_err - S_srv_sock_drops))"
    printf '  perfdhcp: orphans %s/%s, rejected leases %s/%s, timed-out (collected) %s/%s (DO/RA)\n' \
        "$P_do_orphans" "$P_ra_orphans" "$P_do_rejected" "$P_ra_rejected" "$P_do_collected" "$P_ra_collected"
    # per-thread CPU
    if [[ -s $d/threads.1 ]] && (($(wc -l <"$d/threads.1") > 1)); then
        awk -v tck="$CLK_TCK" 'NR==FNR { u[$1]=$3; s[$1]=$4; next }
            { du=($3-u[$1])/tck; ds=($4-s[$1])/tck; if (du+ds > 0.005)
              printf "    thread %-7s %-16s user %6.2fs sys %6.2fs\n", $1, $2, du, ds }' \
            "$d/threads.0" "$d/threads.1"
    fi
    printf '  writes: %s bytes via write syscalls (%.0f B/lease, %.2f calls/lease), %s bytes to the block layer (%.0f B/lease)\n' \
        "$S_wchar" "$(fcalc "$acks > 0 ? $S_wchar / $acks : 0")" "$(fcalc "$acks > 0 ? $S_syscw / $acks : 0")" \
        "$S_write_bytes" "$(fcalc "$acks > 0 ? $S_write_bytes / $acks : 0")"
    if [[ $k == kea* ]]; then
        echo "  lease file: $S_kea_leases lease lines appended (memfile: write() per lease, no fsync)"
    fi
    if [[ $k == dhcpfo ]]; then
        if [[ -n ${C_commits:-} && -n ${C_leases_written:-} ]]; then
            printf '  group commit: %s commits, %s leases written, avg batch %.1f leases/commit, %s commit failures\n' \
                "$C_commits" "$C_leases_written" \
                "$(fcalc "$C_commits > 0 ? $C_leases_written / $C_commits : 0")" "${C_commit_failures:-?}"
            printf '  counters: received %s, discover %s, request %s, offer %s, ack %s, nak %s, dropped %s\n' \
                "${C_received:-?}" "${C_discover:-?}" "${C_request:-?}" "${C_offer:-?}" "${C_ack:-?}" "${C_nak:-?}" "${C_dropped:-?}"
            if [[ -n ${C_ack:-} ]] && ((C_ack > 0)); then
                printf '  leases written per ACK: %.2f' "$(fcalc "$C_leases_written / $C_ack")"
                nb=$(jq -r '[.subnets[]?.bound] | add // empty' "$d/status.json" 2>/dev/null)
                [[ -n $nb ]] && printf ' (%s leases bound at the end; ACKs beyond the first for a client: %d)' "$nb" "$((C_ack - nb))"
                echo
                ((C_leases_written < C_ack)) && echo "  NOTE: fewer leases written ($C_leases_written) than ACKs sent ($C_ack)"
            fi
        else
            echo "  (no commit counters: dhcpfoctl status --json unavailable or without commits/leases_written)"
        fi
    fi
    pd=${TRACE_DIR[$k]:-}
    if [[ -n $pd && -s $pd/perf.trace ]]; then
        load_res "$pd"
        echo "  time in syscalls, perf trace -s run ($(fint "$S_achieved") DORA/s, drops $(fmt2 "$S_do_pct")/$(fmt2 "$S_ra_pct")% under tracing; blocking time included):"
        trace_summary "$pd/perf.trace" "$S_secs"
    fi
    pd=${PROF_DIR[$k]:-}
    if [[ -n $pd && -s $pd/res ]]; then
        load_res "$pd"
        acks=$P_ra_rcvd
        echo "  perf record/stat run ($(fint "$S_achieved") DORA/s, drops $(fmt2 "$S_do_pct")/$(fmt2 "$S_ra_pct")%):"
        if [[ -s $pd/perf.stat ]]; then
            awk -F, -v n="$acks" -v secs="$S_secs" '
                $3 ~ /^(task-clock|context-switches|cpu-migrations|syscalls:)/ && $1 ~ /^[0-9.]+$/ {
                    name=$3; sub(/^syscalls:sys_enter_/, "", name)
                    if (name == "task-clock") { printf "    %-18s %10.0f ms on CPU\n", name, $1; next }
                    if ($1 + 0 == 0) next
                    printf "    %-18s %10d  %8.0f/s  %7.3f per lease\n", name, $1, $1/secs, (n > 0 ? $1/n : 0)
                }' "$pd/perf.stat"
        fi
        if [[ -s $pd/perf.data ]]; then
            echo "  CPU samples by object (perf report --sort dso):"
            perf report -i "$pd/perf.data" --no-children --sort dso --stdio 2>/dev/null |
                grep -E '^ +[0-9.]+%' | head -6 | sed 's/^ */    /'
            echo "  top functions (self time):"
            top=$(perf report -i "$pd/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null |
                grep -E '^ +[0-9.]+%' | head -14 | sed 's/^ */    /' | cut -c1-110)
            printf '%s\n' "$top"
            if grep -q 'irq_enable' <<<"$(head -3 <<<"$top")"; then
                echo "    (kernel samples piling up on *_irq_enable: this VM samples with a timer, not a PMU NMI,"
                echo "     so kernel time spent with interrupts off is charged to the point where they are re-enabled)"
            fi
        fi
    fi
    echo
done
if [[ -n ${BEST[null]:-} ]]; then
    load_res "$BEST_DIR_null"
    printf 'perfdhcp ceiling: %.0f DORA/s against a stateless responder (perfdhcp CPU %.2fs in %ss, single-thread mode, one CPU)\n' \
        "$S_achieved" "$(fcalc "$S_gen_user + $S_gen_sys")" "$S_secs"
fi
for k in null kea kearb dhcpfo; do
    n=$(eval echo "\${SEARCH_NOTE_$k:-}")
    [[ -n $n ]] && echo "search $k: $n"
done
hr
CPU_RATIO=0
if [[ -n ${USPL[kea]:-} && -n ${USPL[dhcpfo]:-} ]] && flt 0 "${USPL[dhcpfo]}"; then
    CPU_RATIO=$(fcalc "${USPL[kea]} / ${USPL[dhcpfo]}")
fi
printf 'RESULT kea_dora_per_s=%s dhcpfo_dora_per_s=%s ratio=%s cpu_ratio=%s dhcpfo_generator_limited=%s quiet_machine=%s kea_sockbuf_dora_per_s=%s perfdhcp_ceiling=%s\n' \
    "$(fint "${BEST[kea]:-0}")" "$(fint "${BEST[dhcpfo]:-0}")" "$(fmt2 "${RATIO:-0}")" "$(fmt2 "$CPU_RATIO")" \
    "$([[ -n ${GENLIMITED[dhcpfo]:-} ]] && echo yes || echo no)" "$RELIABLE" \
    "$(fint "${BEST[kearb]:-0}")" "$(fint "${BEST[null]:-0}")"
if [[ -n $DHCPFO_PROBLEM ]]; then
    echo "dhcpfo-primary NOT MEASURED: $DHCPFO_PROBLEM"
fi
exit $RC
