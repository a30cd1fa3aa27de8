#!/usr/bin/env bash
# bench/sweep.sh — CPU per DORA at fixed offered rates: Kea 2.2 memfile
# single-threaded and multi-threaded, dhcpfo-primary alone and with a
# dhcpfo-failover replicating every binding, all in one run on this machine.
#
#   bash bench/sweep.sh [--quick] [--rates "1000 3000 10000 16000"] [--secs N] [--keep]
#                                                  (root: creates a netns)
#
# For each rate and each server: a fresh server with an empty store, a
# warm-up of perfdhcp at the rate, then perfdhcp (as a relay) at exactly
# that rate for the step, with build/tools/dhcpload -L as a low-rate probe
# beside it for the request-to-ACK latency a client sees.  The server's CPU
# (user + system of all threads, /proc/PID/stat) over the step is divided
# by the DORAs completed in it.  Prints a table per rate and RESULT lines.
# See bench/README.md.
set -u
set -o pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'EOF'
usage: bash bench/sweep.sh [--quick] [--rates "R..."] [--secs N] [--keep]

  --quick        8 s steps (default 20 s)
  --rates "R..." offered DORA/s, one step per server each
                 (default "1000 3000 10000 16000")
  --secs N       the measured part of each step, seconds
  --keep         keep the temp dir (logs, perfdhcp and probe output)
  -h, --help

environment overrides: BENCH_WARM_SECS BENCH_PROBE_RATE BENCH_RANGE
  BENCH_CLIENTS BENCH_SERVERS BENCH_PIN BENCH_NICE BENCH_TMPDIR
  (see bench/README.md)
EOF
}

QUICK=0 SECS="" RATES_ARG=""
WANT=""
# shellcheck disable=SC2317  # called by bench_args
sweep_opt() {
    case $WANT in
    rates) RATES_ARG=$1; WANT=""; return 0 ;;
    secs) SECS=$1; WANT=""; return 0 ;;
    esac
    case $1 in
    --quick) QUICK=1 ;;
    --rates) WANT=rates ;;
    --secs) WANT=secs ;;
    *) return 1 ;;
    esac
}
bench_args sweep_opt "$@"
[[ -z $WANT ]] || { usage >&2; exit 2; }
: "${SECS:=$( ((QUICK)) && echo 8 || echo 20)}"
read -r -a RATES <<<"${RATES_ARG:-1000 3000 10000 16000}"
if [[ ! $SECS =~ ^[0-9]+$ ]] || ((SECS < 4)); then msg "sweep: --secs must be an integer >= 4"; exit 2; fi
for r in "${RATES[@]}"; do
    if [[ ! $r =~ ^[0-9]+$ ]] || ((r < 10)); then msg "sweep: bad rate '$r'"; exit 2; fi
done
read -r -a SERVERS <<<"${BENCH_SERVERS:-kea-st kea-mt dhcpfo dhcpfo-bi0 dhcpfo+fo}"
WARM=${BENCH_WARM_SECS:-2}
PROBE_RATE=${BENCH_PROBE_RATE:-50}
PROBE_BIN=${BENCH_DHCPLOAD:-$REPO/build/tools/dhcpload}
PROBE_MAC=0x5a          # dhcpload chaddr 02:5a:..: apart from perfdhcp's 00:0c/00:0d
# A pool of 2^20 addresses (a /12); perfdhcp takes its -R clients in
# order, so with -R 2^24 every DORA of a step (320,000 at 16,000/s x 20 s)
# is a new client, and the warm-up's (MACs 00:0d:..) are others again.
RANGE=${BENCH_RANGE:-127.16.0.0-127.31.255.255}
RANGE_START=${RANGE%-*} RANGE_END=${RANGE#*-}
CLIENTS=${BENCH_CLIENTS:-16777216}

ip2n() { local a b c d; IFS=. read -r a b c d <<<"$1"; echo $(((a << 24) | (b << 16) | (c << 8) | d)); }
POOL=$(($(ip2n "$RANGE_END") - $(ip2n "$RANGE_START") + 1))
maxr=0
for r in "${RATES[@]}"; do ((r > maxr)) && maxr=$r; done
# the most clients one step binds: warm-up, window, the tail, the probe;
# below 90% of the pool (the primary's own part when a failover shares it)
NEED=$((maxr * (WARM + SECS + 1) + PROBE_RATE * SECS))
if ((NEED * 10 > POOL * 9)); then
    msg "sweep: a step at $maxr/s binds up to $NEED clients, more than 90% of the pool $RANGE ($POOL)"
    exit 2
fi

bench_preflight sweep ip jq openssl taskset timeout /usr/bin/time awk cc "$PERFDHCP" "$KEA_BIN"
for b in "$DHCPFO_BIN" "$DHCPFOCTL" "$REPO/build/dhcpfo-failover" "$PROBE_BIN"; do
    [[ -x $b ]] || { msg "sweep: $b missing (make -j2 all)"; exit 2; }
done
bench_begin || exit 1

# The binaries of the run: copies, so a rebuild in the tree meanwhile
# changes nothing between steps.
private_copies
mkdir -p "$TMP/bin"
cp "$REPO/build/dhcpfo-failover" "$TMP/bin/" && BUILD_DIR=$TMP/bin
cp "$PROBE_BIN" "$TMP/bin/dhcpload" && PROBE_BIN=$TMP/bin/dhcpload
fo_key

# Kea multi-threaded: one thread per CPU the servers run on.
cpus_in() {
    [[ $1 == any ]] && { echo "$NCPU"; return; }
    awk -F, '{ for (i = 1; i <= NF; i++) { n = split($i, r, "-"); c += (n == 2 ? r[2] - r[1] + 1 : 1) } print c }' <<<"$1"
}
KEA_MT_THREADS=$(cpus_in "$SRV_CPUS")

# The probe: its own relay address, on the generators' CPU, a little
# higher priority than they have so that its own wake-ups are prompt.
PROBE_ADDR=$(relay_addr "$GENS")
nsx ip addr add "$PROBE_ADDR/8" dev lo || exit 1
PROBE_RUN=()
if [[ $NICE != 0 ]]; then
    pn=$((NICE - 5)); ((pn < -20)) && pn=-20
    PROBE_RUN=(nice -n "$pn")
fi
[[ -n ${GEN_CPU[GENS - 1]:-} ]] && PROBE_RUN+=(taskset -c "${GEN_CPU[GENS - 1]}")

for k in kea dhcpfo; do
    mkdir -p "$TMP/check-$k"
    check_config "$k" "$(write_config "$k" "$TMP/check-$k")" || exit 1
done

# ---- the step hook: warm-up, probe, and (dhcpfo+fo) the failover ------------
FO=0 STEP_RATE=0 PROBE_PID=0 NICE0=0 NICE1=0
# ticks of all CPUs in processes at a positive nice (ours run below 0)
niced_ticks() { awk '$1 == "cpu" { print $3; exit }' /proc/stat; }
sweep_hook() {
    local what=$1 dir=$2 i wp=()
    if ((FO)); then fo_hook "$@" || return 1; fi
    case $what in
    ready)
        # warm-up: other MACs (00:0d:..), same relay and rate, not measured
        for ((i = 0; i < GENS; i++)); do
            timeout -k 3 $((WARM + 20)) ip netns exec "$NS" "${PRIO[@]}" \
                ${GEN_CPU[i]:+taskset -c "${GEN_CPU[i]}"} "${GEN_ENV[@]}" \
                "$PERFDHCP" -4 -g single -l "$(relay_addr "$i")" -r $((STEP_RATE / GENS)) \
                -R $((CLIENTS / GENS)) -b "mac=00:0d:$(printf %02x $((16 + i))):00:00:00" \
                -p "$WARM" -W "$EXIT_WAIT_US" "$SERVER_ADDR" >"$dir/warmup$i.out" 2>&1 &
            wp+=($!)
            track $!
        done
        for i in "${wp[@]}"; do
            wait "$i"
            untrack "$i"
        done ;;
    start)
        # clients for SECS-2 s, so that all are done before perfdhcp stops
        # started directly (not through nsx) so that $! is the probe's pid
        ip netns exec "$NS" "${PROBE_RUN[@]}" /usr/bin/time -o "$dir/probe.time" -f '%U %S' \
            "$PROBE_BIN" -s "$SERVER_ADDR" -b "$PROBE_ADDR" -n $((PROBE_RATE * (SECS - 2))) \
            -r "$PROBE_RATE" -w 500 -m "$PROBE_MAC" -t "$((SECS - 1))" -i 0 -L -q \
            >"$dir/probe.out" 2>&1 &
        PROBE_PID=$!
        track "$PROBE_PID"
        NICE0=$(niced_ticks) ;;
    stop)
        NICE1=$(niced_ticks)
        stop_pid "$PROBE_PID" TERM 50
        PROBE_PID=0 ;;
    res)
        awk '/^dhcpload: stopped/ {
                 for (i = 1; i < NF; i++) if ($i == "acked") print "X_p_acked=" $(i + 1)
             }
             /^dhcpload: latency-us/ {
                 for (i = 1; i < NF; i++) {
                     if ($i == "discover-offer") p = "X_p_do_"
                     else if ($i == "request-ack") p = "X_p_ra_"
                     else if ($i ~ /^(n|p50|p99|max|retrans)$/) print p $i "=" $(i + 1)
                 }
             }' "$dir/probe.out"
        local tu=0 ts=0
        [[ -s $dir/probe.time ]] && read -r tu ts < <(tail -1 "$dir/probe.time")
        [[ $tu =~ ^[0-9.]+$ && $ts =~ ^[0-9.]+$ ]] || tu=0 ts=0
        echo "X_p_cpu=$(fcalc "$tu + $ts")"
        echo "X_niced=$(fcalc "($NICE1 - $NICE0) / $CLK_TCK")" ;;
    esac
    return 0
}
STEP_HOOK=sweep_hook

# one_step SERVER RATE DIR: run and load the step; prints its progress line
one_step() {
    local s=$1 rate=$2 dir=$3
    FO=0 KEA_THREADS=0 DHCPFO_FAILOVER_CONF="" STEP_RATE=$rate
    local kind=dhcpfo lines=${DHCPFO_SERVER_LINES-LeaseLog = no}
    case $s in
    kea-st) kind=kea ;;
    kea-mt) kind=kea KEA_THREADS=$KEA_MT_THREADS ;;
    # the loop as it was before BatchInterval: a turn per wake-up
    dhcpfo-bi0) lines+=$'\nBatchInterval = 0' ;;
    dhcpfo+fo) FO=1 DHCPFO_FAILOVER_CONF=$(fo_primary_conf) ;;
    esac
    DHCPFO_SERVER_LINES=$lines run_step "$kind" "$rate" "$SECS" "$dir"
    local rc=$?
    load_step "$dir"
    [[ $rc == 0 && -n ${S_status:-} ]] || { msg "  $s at $rate/s: no measurement (${S_status:-error})"; return 1; }
    local acks other niced
    acks=$((P_ra_rcvd + ${X_p_acked:-0}))
    S_us=$(fcalc "$acks > 0 ? 1e6 * ($S_srv_user + $S_srv_sys) / $acks : 0")
    S_us_user=$(fcalc "$acks > 0 ? 1e6 * $S_srv_user / $acks : 0")
    S_us_sys=$(fcalc "$acks > 0 ? 1e6 * $S_srv_sys / $acks : 0")
    S_f_us=$(fcalc "${X_f_upd:-0} > 0 ? 1e6 * (${X_f_user:-0} + ${X_f_sys:-0}) / ${X_f_upd:-0} : 0")
    # others' CPU: the machine's minus server, perfdhcp, probe, failover,
    # split into processes at a positive nice (background work that yields
    # to ours) and the rest (% of one CPU)
    niced=${X_niced:-0}
    other=$(fcalc "$S_other_cpu - ${X_p_cpu:-0} - ${X_f_user:-0} - ${X_f_sys:-0} - $niced")
    S_other_pct=$(fcalc "$other > 0 ? 100 * $other / $S_wall : 0")
    S_niced_pct=$(fcalc "$niced > 0 ? 100 * $niced / $S_wall : 0")
    {
        echo "S_us=$S_us"; echo "S_us_user=$S_us_user"; echo "S_us_sys=$S_us_sys"
        echo "S_f_us=$S_f_us"; echo "S_other_pct=$S_other_pct"; echo "S_niced_pct=$S_niced_pct"
    } >>"$dir/res"
    printf '  %-9s offered %6d/s  got %7.0f ACK/s  drops %5.2f/%5.2f%%  CPU %5.1f%%  %7.1f us/DORA%s  p50/p99 REQ->ACK %s/%s us  others %3.0f%% (+niced %3.0f%%)  %s\n' \
        "$s" "$rate" "$S_achieved" "$S_do_pct" "$S_ra_pct" \
        "$(fcalc "100 * ($S_srv_user + $S_srv_sys) / $SECS")" "$S_us" \
        "$( ((FO)) && printf ' (failover %.1f us/upd, %s upd)' "$S_f_us" "${X_f_upd:-0}")" \
        "${X_p_ra_p50:-?}" "${X_p_ra_p99:-?}" "$S_other_pct" "$S_niced_pct" "$S_status" >&2
}

msg "sweep: namespace $NS, temp dir $TMP ($BENCH_FSTYPE); server CPU(s) $SRV_CPUS, perfdhcp and probe CPU $GEN_CPUS, nice $NICE"
msg "sweep: rates ${RATES[*]}/s; ${WARM} s warm-up + ${SECS} s measured per step; servers ${SERVERS[*]}; pool $RANGE; perfdhcp -R $CLIENTS; probe $PROBE_RATE clients/s from $PROBE_ADDR"
declare -A DIRS=()
RES=()
n=0
for rate in "${RATES[@]}"; do
    for s in "${SERVERS[@]}"; do
        n=$((n + 1))
        d=$TMP/step$n-$s-$rate
        one_step "$s" "$rate" "$d" && DIRS[$s/$rate]=$d
    done
done

# ---- report -----------------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
hr() { printf '%s\n' "----------------------------------------------------------------------------------------------------------------------"; }
label() {
    case $1 in
    kea-st) echo "Kea $("$KEA_BIN" -v 2>/dev/null) memfile, single-threaded" ;;
    kea-mt) echo "Kea $("$KEA_BIN" -v 2>/dev/null) memfile, multi-threaded ($KEA_MT_THREADS thread(s), queue 64)" ;;
    dhcpfo) echo "dhcpfo-primary alone (fsync per group commit; BatchInterval default, 8 ms)" ;;
    dhcpfo-bi0) echo "dhcpfo-primary alone with BatchInterval = 0 (a loop turn per wake-up)" ;;
    dhcpfo+fo) echo "dhcpfo-primary + dhcpfo-failover on this machine, every binding replicated" ;;
    esac
}
echo
echo "CPU per DORA at fixed offered rates (all in this run)"
echo "machine: $NCPU x ${cpu_model:-CPU}, kernel $(uname -r); servers on CPU $SRV_CPUS, perfdhcp and probe on CPU $GEN_CPUS, nice $NICE"
echo "stores on $BENCH_FSTYPE; each step: fresh server, empty store, ${WARM} s warm-up, ${SECS} s measured; perfdhcp $("$PERFDHCP" -v 2>&1 | awk '{print $NF}' | head -1) as relay, -R $CLIENTS, pool $RANGE"
echo "dhcpfo: ${DHCPFO_SRC#"$REPO"/} built $DHCPFO_BUILT"
for s in "${SERVERS[@]}"; do echo "  $(printf '%-9s' "$s") $(label "$s")"; done
MIN_RATIO="" MAX_OTHER=0 MAX_NICED=0
for rate in "${RATES[@]}"; do
    echo
    echo "offered $rate DORA/s"
    hr
    printf '%-9s %7s %9s %13s %21s %17s %9s %9s %11s %s\n' server offered "ACK/s" "drops DO/RA%" \
        "us CPU/DORA (usr+sys)" "p50/p99 REQ->ACK" "Kea-st/x" "fo us/upd" "other/niced" status
    hr
    declare -A US=() P99=()
    for s in "${SERVERS[@]}"; do
        d=${DIRS[$s/$rate]:-}
        if [[ -z $d ]]; then printf '%-9s %7d %s\n' "$s" "$rate" "NOT MEASURED (see the log above)"; continue; fi
        load_step "$d"
        US[$s]=$S_us P99[$s]=${X_p_ra_p99:-0}
        flt "$MAX_OTHER" "$S_other_pct" && MAX_OTHER=$S_other_pct
        flt "$MAX_NICED" "$S_niced_pct" && MAX_NICED=$S_niced_pct
    done
    for s in "${SERVERS[@]}"; do
        d=${DIRS[$s/$rate]:-}
        [[ -n $d ]] || continue
        load_step "$d"
        ratio="-"
        [[ -n ${US[kea-st]:-} ]] && flt 0 "$S_us" && ratio=$(fmt2 "$(fcalc "${US[kea-st]} / $S_us")")
        fous="-"
        [[ $s == dhcpfo+fo ]] && fous=$(fmt1 "$S_f_us")
        printf '%-9s %7d %9.0f %6.2f/%-6.2f %7.1f (%5.1f+%5.1f) %8s/%-8s %9s %9s %4.0f/%3.0f%% %s\n' \
            "$s" "$rate" "$S_achieved" "$S_do_pct" "$S_ra_pct" "$S_us" "$S_us_user" "$S_us_sys" \
            "${X_p_ra_p50:-?}" "${X_p_ra_p99:-?}" "$ratio" "$fous" "$S_other_pct" "$S_niced_pct" "$S_status"
    done
    hr
    r=0
    if [[ -n ${US[kea-st]:-} && -n ${US[dhcpfo]:-} ]] && flt 0 "${US[dhcpfo]}"; then
        r=$(fcalc "${US[kea-st]} / ${US[dhcpfo]}")
        [[ -z $MIN_RATIO ]] || flt "$r" "$MIN_RATIO" && MIN_RATIO=$r
    fi
    fo_upd=0
    [[ -n ${DIRS[dhcpfo+fo/$rate]:-} ]] && { load_step "${DIRS[dhcpfo+fo/$rate]}"; fo_upd=$S_f_us; }
    RES+=("$(printf 'RESULT sweep rate=%s kea_st_us=%s kea_mt_us=%s dhcpfo_us=%s dhcpfo_fo_us=%s fo_us_per_upd=%s ratio=%s p99_us=%s kea_st_p99_us=%s kea_mt_p99_us=%s dhcpfo_fo_p99_us=%s dhcpfo_bi0_us=%s dhcpfo_bi0_p99_us=%s' \
        "$rate" "$(fmt1 "${US[kea-st]:-0}")" "$(fmt1 "${US[kea-mt]:-0}")" "$(fmt1 "${US[dhcpfo]:-0}")" \
        "$(fmt1 "${US[dhcpfo+fo]:-0}")" "$(fmt1 "$fo_upd")" "$(fmt2 "$r")" "${P99[dhcpfo]:-0}" \
        "${P99[kea-st]:-0}" "${P99[kea-mt]:-0}" "${P99[dhcpfo+fo]:-0}" \
        "$(fmt1 "${US[dhcpfo-bi0]:-0}")" "${P99[dhcpfo-bi0]:-0}")")
    unset US P99
done
echo
echo "us CPU/DORA: the server's user+system CPU (all threads, /proc/PID/stat) over the measured perfdhcp run,"
echo "  divided by the DORAs completed in it (perfdhcp's ACKs received plus the probe's); dhcpfo+fo: the primary's"
echo "  CPU only, and the failover's CPU per binding update it applied (fo us/upd). Kea-st/x: Kea single-threaded's"
echo "  us/DORA divided by the row's. p50/p99: REQUEST->ACK in us seen by the probe ($PROBE_RATE new clients/s,"
echo "  first transmissions only). other/niced: CPU taken by other processes on the machine, % of one CPU:"
echo "  at nice <= 0 / at a positive nice (background work that yields to the bench's nice $NICE)."
QUIET=yes
fge "$MAX_OTHER" 10 && QUIET=no
if [[ $QUIET == no ]]; then
    printf 'NOTE: other processes took up to %.0f%% of a CPU (of %d) during a step: not a quiet machine\n' "$MAX_OTHER" "$NCPU"
else
    printf 'machine quiet: other processes took at most %.0f%% of a CPU during any step\n' "$MAX_OTHER"
fi
flt 0 "$MAX_NICED" && printf 'niced background work (positive nice) took up to %.0f%% of a CPU during a step\n' "$MAX_NICED"
printf '%s\n' "${RES[@]}"
printf 'RESULT sweep min_ratio=%s max_other_cpu_pct=%.0f max_niced_cpu_pct=%.0f quiet_machine=%s\n' \
    "$(fmt2 "${MIN_RATIO:-0}")" "$MAX_OTHER" "$MAX_NICED" "$QUIET"
