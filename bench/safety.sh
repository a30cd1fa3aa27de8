#!/usr/bin/env bash
# bench/safety.sh — what the failover's share costs the normal path
# (docs/safety.md): DORA rate and CPU per DORA of dhcpfo-primary with
# replication to a running dhcpfo-failover, built from this tree ("after")
# and from a baseline revision ("before"), alternated in the same run at
# fixed offered rates and at a high one, with Kea 2.2 (memfile, no peer)
# measured alongside.
#
#   bash bench/safety.sh [--quick] [--base REV]     (root: creates a netns)
#
# The baseline is built from REV (default: BENCH_BASE_REV, else the last
# revision before the share, f15e0a3) in a temporary git worktree, with the
# same compiler and flags.  Each step starts fresh servers (empty stores),
# runs perfdhcp (as a relay) for BENCH_STEP_SECS at the rate, and divides
# the CPU the primary and the failover used (user + system, all threads)
# by the DORAs completed.  Prints one line per step, a table and RESULT.
set -u
set -o pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0 BASE_REV=${BENCH_BASE_REV:-f15e0a3}
while (($#)); do
    case $1 in
    --quick) QUICK=1 ;;
    --base) shift; BASE_REV=${1:?--base needs a revision} ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) msg "usage: bash bench/safety.sh [--quick] [--base REV] [--keep]"; exit 2 ;;
    esac
    shift
done
if ((QUICK)); then
    STEP_SECS=${BENCH_STEP_SECS:-5} ROUNDS=${BENCH_ROUNDS:-2}
else
    STEP_SECS=${BENCH_STEP_SECS:-10} ROUNDS=${BENCH_ROUNDS:-3}
fi
RATES=(${BENCH_RATES:-1000 4000 10000 25000})
# Distinct clients: fewer than the primary's own part (90 % of the
# 65,536-address range), so no step runs into the share's slow path.
CLIENTS=${BENCH_CLIENTS:-50000}
declare -A g=() u=()

bench_preflight bench ip git make timeout awk "$PERFDHCP" "$KEA_BIN"
# shellcheck disable=SC2016  # expanded when the trap runs
bench_begin 'bench_cleanup; [[ -n ${WT:-} ]] && git -C "$REPO" worktree remove --force "$WT" 2>/dev/null' || exit 1

# ---- the two builds -------------------------------------------------------
AFTER=$REPO/build
if [[ ! -x $AFTER/dhcpfo-primary || ! -x $AFTER/dhcpfo-failover ]]; then
    make -C "$REPO" build/dhcpfo-primary build/dhcpfo-failover build/dhcpfoctl \
        >"$TMP/make-after.log" 2>&1 || { msg "bench: make failed (see $TMP/make-after.log)"; exit 1; }
fi
WT=$TMP/base
msg "bench: building the baseline $BASE_REV in $WT ..."
if ! git -C "$REPO" worktree add -q --detach "$WT" "$BASE_REV" >"$TMP/wt.log" 2>&1 ||
    ! make -C "$WT" build/dhcpfo-primary build/dhcpfo-failover \
    >"$TMP/make-base.log" 2>&1; then
    msg "bench: cannot build $BASE_REV (see $TMP/wt.log, $TMP/make-base.log)"
    exit 1
fi
BEFORE=$WT/build
fo_key

# one_step MODE RATE DIR: MODE kea, before or after
one_step() {
    local mode=$1 rate=$2 dir=$3
    for v in $(compgen -v X_); do unset "$v"; done
    case $mode in
    kea)
        STEP_HOOK="" DHCPFO_FAILOVER_CONF=""
        run_step kea "$rate" "$STEP_SECS" "$dir" ;;
    before | after)
        [[ $mode == before ]] && BUILD_DIR=$BEFORE || BUILD_DIR=$AFTER
        [[ $mode == before ]] && DHCPFO_DROP_UNKNOWN=1 || DHCPFO_DROP_UNKNOWN=0
        DHCPFO_BIN=$BUILD_DIR/dhcpfo-primary
        STEP_HOOK=fo_hook
        DHCPFO_FAILOVER_CONF=$(fo_primary_conf)
        run_step dhcpfo "$rate" "$STEP_SECS" "$dir" ;;
    esac
    load_res "$dir"
    local cpu us
    cpu=$(fcalc "$S_srv_user + $S_srv_sys + ${X_f_user:-0} + ${X_f_sys:-0}")
    us=$(fcalc "${P_ra_rcvd:-0} > 0 ? 1e6 * $cpu / $P_ra_rcvd : 0")
    printf '  %-6s offered %6d/s  got %7.0f/s  drops %5.2f/%5.2f%%  CPU %5.1f%% (failover %4.1f%%)  %6.1f us/DORA  %s\n' \
        "$mode" "$rate" "$S_achieved" "$S_do_pct" "$S_ra_pct" \
        "$(fcalc "100 * $cpu / $S_secs")" \
        "$(fcalc "100 * (${X_f_user:-0} + ${X_f_sys:-0}) / $S_secs")" \
        "$us" "$S_status" >&2
    echo "$mode $rate $S_achieved $us $S_status" >>"$TMP/results"
}

msg "bench: $STEP_SECS s steps, $ROUNDS rounds, rates ${RATES[*]}; before = $BASE_REV ($("$BEFORE/dhcpfo-primary" -V 2>/dev/null)), after = this tree; store on $BENCH_FSTYPE"
: >"$TMP/results"
n=0
for ((round = 1; round <= ROUNDS; round++)); do
    for rate in "${RATES[@]}"; do
        # Alternate which build goes first, so drift favours neither.
        if ((round % 2)); then order=(kea before after); else order=(kea after before); fi
        for mode in "${order[@]}"; do
            n=$((n + 1))
            one_step "$mode" "$rate" "$TMP/step$n"
        done
    done
done

# ---- table: medians per mode and rate --------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
msg ""
printf '%-10s %12s %12s %12s %12s %12s %12s %9s\n' "offered/s" "Kea got/s" "before got/s" "after got/s" \
    "Kea us/DORA" "before us" "after us" "cost"
worst=""
for rate in "${RATES[@]}"; do
    for mode in kea before after; do
        g[$mode]=$(awk -v m="$mode" -v r="$rate" '$1 == m && $2 == r { print $3 }' "$TMP/results" | median)
        u[$mode]=$(awk -v m="$mode" -v r="$rate" '$1 == m && $2 == r { print $4 }' "$TMP/results" | median)
    done
    cost=$(fcalc "${u[before]} > 0 ? 100 * (${u[after]} - ${u[before]}) / ${u[before]} : 0")
    [[ -z $worst ]] || fge "$cost" "$worst" && worst=$cost
    printf '%-10s %12.0f %12.0f %12.0f %12.1f %12.1f %12.1f %8.1f%%\n' "$rate" "${g[kea]}" \
        "${g[before]}" "${g[after]}" "${u[kea]}" "${u[before]}" "${u[after]}" "$cost"
done
echo "(us/DORA: CPU of the primary plus its failover, or of Kea alone, per completed DORA; medians of $ROUNDS rounds)"
ok=yes
flt "$worst" 3 || ok=no
printf 'RESULT base=%s rounds=%s step_secs=%s worst_cost_pct=%.1f cost_ok=%s\n' "$BASE_REV" "$ROUNDS" "$STEP_SECS" "$worst" "$ok"
