#!/bin/bash
# bench/failover.sh — failover figures for dhcpfo-primary + dhcpfo-failover.
#
#   sudo bash bench/failover.sh            # about 1-2 minutes
#
# Measures, in a private network namespace on loopback only
# (127.0.0.1 primary, 127.0.0.2 failover, 127.0.0.3 relay/load generator,
# 127.1.0.3 relay of a second subnet for the hand-back):
#   1. takeover: kill -9 of the primary -> first DHCPACK from the failover,
#      while build/tools/dhcpload keeps clients discovering (3 repeats);
#   2. hand-back of 10,000 bindings per subnet (2 subnets);
#   3. start-up sync rate with 50,000 bindings;
#   4. DORA rate of the primary standalone vs. with replication to a
#      running failover.
# Prints a table and one `RESULT ...` line.  See bench/README.md.
# Every process is recorded by pid and stopped in the EXIT trap, which also
# removes the namespace and the temp dir.  Every wait is bounded.
set -u
set -o pipefail

# shellcheck source=bench/fo_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/fo_lib.sh"

P_ADDR=127.0.0.1
RELAY=127.0.0.3
RELAY2=127.1.0.3
# Policy: dead primary declared down at most D + (R+1) W after its last answer.
POLL_DELAY=${FOB_POLL_DELAY:-0.5}
POLL_RETRY=${FOB_POLL_RETRY:-1}
WAIT_RPL=${FOB_WAIT_RPL:-0.25}
TAKEOVER_REPEATS=${FOB_TAKEOVER_REPEATS:-3}
HB_PER_SUBNET=${FOB_HB_PER_SUBNET:-10000}
SYNC_N=${FOB_SYNC_N:-50000}
# New clients of the DORA runs: fewer than the primary's own part of the
# range (90 % of 65,275 addresses with the default FailoverShare 10,
# docs/safety.md), so the runs measure replication, not the share's
# slow path (one approval by the failover per binding).
DORA_N=${FOB_DORA_N:-55000}
DORA_WINDOW=${FOB_DORA_WINDOW:-2000}
DORA_REPEATS=${FOB_DORA_REPEATS:-3}
WAIT_STEP=0.02         # wait_for polls every 20 ms
# Steps to run (comma-separated): takeover, handback, sync, dora.  The
# report and RESULT carry only what ran (NA for the rest).
STEPS=,${FOB_STEPS:-takeover,handback,sync,dora},
step() { [[ $STEPS == *",$1,"* ]]; }
[[ ${1:-} == --keep ]] && KEEP=1

preflight "run make"
ns_setup dfofo "$RELAY" "$RELAY2"
openssl rand -hex 32 >"$TMP/key" && chmod 600 "$TMP/key"

# ---- configuration ---------------------------------------------------------
# write_configs DIR NSUBNETS USEFO: DIR/primary.ini, DIR/failover.ini
subnets() { # NSUBNETS [failover]
    local p=""
    [[ ${2:-} == failover ]] && p=branch1
    ini_subnet a "$p" 127.0.0.0/16 127.0.1.0-127.0.255.250 "$RELAY"
    if (($1 >= 2)); then
        ini_subnet b "$p" 127.1.0.0/16 127.1.1.0-127.1.255.250 "$RELAY2"
    fi
}
write_configs() {
    local d=$1 ns=$2 usefo=$3
    mkdir -p "$d/p" "$d/f"
    { ini_primary branch1 "$P_ADDR" "$d/p" "$TMP/key" "$usefo" "${CTL_RETRY:-3}" "${WAIT_CTL:-1}"
      subnets "$ns"; } >"$d/primary.ini"
    { ini_failover "$d"
      ini_peer branch1 "$P_ADDR" "$TMP/key"
      subnets "$ns" failover; } >"$d/failover.ini"
    check_configs "$d" primary.ini
}

D=""            # current scenario dir
P_PID="" F_PID="" P_N=0
pctl() { "$CTL" -s "$D/p/ctl.sock" "$@"; }
fo_field() { fctl status --json 2>/dev/null | jq -r ".primaries[0].$1"; }
p_state() { pctl status --json 2>/dev/null | jq -r .state; }
p_start() {
    P_N=$((P_N + 1))
    bg "$D/primary-$P_N.log" "$P_BIN" -f -c "$D/primary.ini"
    P_PID=$BG
    wait_for 10 "pctl status --json | jq -e .state" || die "primary did not start (see $D/primary-$P_N.log)"
}
f_start() {
    bg "$D/failover.log" "$F_BIN" -f -c "$D/failover.ini"
    F_PID=$BG
    wait_for 10 "fctl status --json | jq -e .primaries" || die "failover did not start"
}
fo_wait() { wait_for "$2" "[ \"\$(fo_field state)\" = $1 ]"; }
p_wait_serving() { wait_for "$1" "[ \"\$(p_state)\" = serving ]"; }
scenario_end() {
    stop "$P_PID"; stop "$F_PID"
    P_PID="" F_PID=""
}
# load ARGS: dhcpload in the namespace, summary line on stdout
load() { nsx "$LOAD" -q "$@" 2>&1 | tail -n 1; }
sumfield() { sed -n "s/.* $1 \\([0-9.]*\\).*/\\1/p" <<<"$2"; }

BOUND=$(takeover_bound)
PROBLEMS=()

# ---- 1. takeover -----------------------------------------------------------
# first_ack FILE T_KILL: wall time of the first line appended to FILE later
# than 0.1 s after T_KILL (no failover can take over that early: the bound is
# D + (R+1) W; ACKs the primary sent before it died are in the file by then).
cat >"$TMP/first_ack.py" <<'EOF'
import os, sys, time
f, tk, limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
while time.time() < tk + 0.1:
    time.sleep(0.001)
base = os.stat(f).st_size
end = tk + limit
while time.time() < end:
    if os.stat(f).st_size > base:
        print("%.6f" % time.time()); sys.exit(0)
    time.sleep(0.0005)
print("0"); sys.exit(1)
EOF

TK_ACK=() TK_DET=() HB_SUB="" HB_N=NA HB_SECS=0 n_acked=0 hb_bound=NA HB_CONFLICTS=NA
SYNC_B=0 SYNC_SECS=0 SYNC_RATE=0 SYNC_P_RATE=NA
if step takeover; then
msg "== 1. takeover: kill -9 of the primary -> first ACK from the failover (bound $BOUND s)"
D=$TMP/takeover
write_configs "$D" 1 true
p_start; f_start
fo_wait monitoring 15 && p_wait_serving 15 || die "start-up: failover $(fo_field state), primary $(p_state)"
for i in $(seq "$TAKEOVER_REPEATS"); do
    acks=$D/acks-$i.txt; : >"$acks"
    # Continuous load: new clients discovering through the relay, which sends
    # every message to both servers; unanswered ones retransmit every 20 ms (up to 2 s).
    bg "$D/load-$i.log" "$LOAD" -q -s "$P_ADDR" -S "$F_ADDR" -b "$RELAY" \
        -n 20000 -m $((0x20 + i)) -r 1000 -w 200 -T 20 -R 100 -t 15 -i 0 -o "$acks"
    L_PID=$BG
    wait_for 5 "[ \$(wc -l <$acks) -ge 300 ]" || die "no ACKs from the primary before the kill: $(cat "$D/load-$i.log")"
    tk=$(now)
    kill -KILL "$P_PID"
    python3 "$TMP/first_ack.py" "$acks" "$tk" 5 >"$D/first-$i" &
    W_PID=$!; PIDS+=("$W_PID")
    wait "$W_PID"
    ta=$(cat "$D/first-$i")
    wait "$P_PID" 2>/dev/null
    fo_wait takeover 5 || PROBLEMS+=("takeover $i: failover state $(fo_field state)")
    td=$(fo_field last_takeover_time)
    if [[ $ta != 0 ]]; then
        TK_ACK+=("$(fc "$ta - $tk")")
        TK_DET+=("$(fc "$td - $tk")")
        msg "  repeat $i: takeover declared $(f3 "$(fc "$td - $tk")") s, first ACK $(f3 "$(fc "$ta - $tk")") s after kill -9 ($(fo_field last_takeover_reason))"
    else
        TK_ACK+=(NA); TK_DET+=("$(fc "$td - $tk")")
        PROBLEMS+=("takeover $i: no ACK within 5 s")
    fi
    stop "$L_PID"
    # Primary back: hand-back, control returned, ready for the next kill.
    p_start
    fo_wait monitoring 20 && p_wait_serving 20 || die "repeat $i: no hand-back (failover $(fo_field state), primary $(p_state))"
    # Start the next kill at a random phase of the poll cycle.
    sleep "0.$((RANDOM % 10))"
done
scenario_end
fi

# ---- 2. hand-back ----------------------------------------------------------
if step handback; then
msg "== 2. hand-back: $HB_PER_SUBNET bindings granted by the failover in each of 2 subnets"
D=$TMP/handback
P_N=0
write_configs "$D" 2 true
p_start; f_start
fo_wait monitoring 15 && p_wait_serving 15 || die "start-up: failover $(fo_field state), primary $(p_state)"
kill -KILL "$P_PID"; wait "$P_PID" 2>/dev/null
fo_wait takeover 5 || die "no takeover"
for r in "$RELAY:0x41" "$RELAY2:0x42"; do
    out=$(load -s "$P_ADDR" -S "$F_ADDR" -b "${r%:*}" -n "$HB_PER_SUBNET" -m "${r#*:}" \
        -r 8000 -w 1000 -o "$D/acks.txt" -t 60 -i 3)
    msg "  failover granted: $out"
done
n_acked=$(sort -u "$D/acks.txt" | wc -l)
p_start
fo_wait monitoring 30 && p_wait_serving 30 || PROBLEMS+=("hand-back: not finished in 30 s")
HB_N=$(fo_field last_handback_bindings)
HB_SECS=$(fo_field last_handback_secs)
# Per subnet, from the failover's log (ms timestamps): "handing back subnet X"
# to "subnet X handed back".
HB_SUB=$(awk '
    function t(s,  a) { split(s, a, ":"); return a[1]*3600 + a[2]*60 + a[3] }
    /handing back subnet/ { match($0, /subnet [^:]*:/); n = substr($0, RSTART+7, RLENGTH-8); st[n] = t($1) }
    / handed back \(/ { match($0, /subnet [^ ]* handed/); n = substr($0, RSTART+7, RLENGTH-14);
                        m = $0; sub(/.*handed back \(/, "", m); sub(/ .*/, "", m);
                        if (n in st) printf "%s %s %.3f\n", n, m, t($1) - st[n] }' "$D/failover.log")
msg "  hand-back: $HB_N bindings in $HB_SECS s; per subnet (log): $(tr '\n' ';' <<<"$HB_SUB")"
hb_bound=$(pctl status --json | jq '[.subnets[].bound] | add')
HB_CONFLICTS=$(pctl status --json | jq -r '.failover.handback.conflicts')
scenario_end
fi

# ---- 3. start-up sync ------------------------------------------------------
if step sync; then
msg "== 3. start-up sync: failover starts after the primary holds $SYNC_N bindings"
D=$TMP/sync
P_N=0
CTL_RETRY=0 WAIT_CTL=0.5 write_configs "$D" 1 true
p_start
p_wait_serving 10 || die "primary alone not serving"
out=$(load -s "$P_ADDR" -b "$RELAY" -n "$SYNC_N" -m 0x51 -r 30000 -w 2000 -t 60 -i 3)
msg "  primary bound: $out"
p_bound=$(pctl status --json | jq '[.subnets[].bound] | add')
t0=$(now)
f_start
fo_wait monitoring 60 || PROBLEMS+=("sync: failover not monitoring in 60 s")
t1=$(now)
wait_for 10 "[ \$(fo_field bindings) -ge $p_bound ]"
SYNC_B=$(fo_field bindings)
SYNC_SECS=$(fo_field last_sync_secs)
SYNC_RATE=$(fc "$SYNC_B / $SYNC_SECS")
SYNC_P_RATE=$(pctl status --json | jq -r '.failover.sync.last_rate')
msg "  sync: $SYNC_B bindings in $SYNC_SECS s (failover's last_sync_secs); primary's last_rate $SYNC_P_RATE/s; start -> monitoring $(f3 "$(fc "$t1 - $t0")") s"
scenario_end
fi

# ---- 4. DORA rate, replication on vs. off ----------------------------------
msg "== 4. DORA rate: primary standalone vs. with replication to a running failover ($DORA_N new clients, window $DORA_WINDOW)"
TIMEFORMAT='%R %U %S'
declare -A BEST=() BEST_GEN=() BEST_LINE=()
dora_run() { # MODE RUN
    local mode=$1 run=$2 out tm el u s
    D=$TMP/dora-$mode-$run
    P_N=0
    if [[ $mode == on ]]; then
        write_configs "$D" 1 true
        p_start; f_start
        fo_wait monitoring 15 && p_wait_serving 15 || die "dora: failover $(fo_field state), primary $(p_state)"
    else
        write_configs "$D" 1 false
        p_start
        p_wait_serving 10 || wait_for 5 "[ \"\$(p_state)\" = standalone ]" || die "dora: primary $(p_state)"
    fi
    # The load goes to the primary only (the failover sleeps either way), so
    # the generator's work is the same in both modes.
    { time nsx "$LOAD" -q -s "$P_ADDR" -b "$RELAY" -n "$DORA_N" -m 0x61 -r 1000000 \
        -w "$DORA_WINDOW" -T 1000 -R 3 -t 60 -i 3 >"$D/load.out" 2>&1; } 2>"$D/time"
    out=$(tail -n 1 "$D/load.out")
    read -r el u s <"$D/time"
    rate=$(sed -n 's/.*acked [0-9]* (\([0-9]*\)\/s).*/\1/p' <<<"$out")
    gen=$(fc "100 * ($u + $s) / $el")
    if [[ $mode == on ]]; then
        wait_for 10 "[ \$(pctl status --json | jq -r .failover.replication.waiting) = 0 ]"
        repl=$(pctl status --json | jq -c '.failover.replication | {queued,acked,failures}')
    else
        repl=""
    fi
    msg "  replication $mode run $run: ${rate:-?} DORA/s, dhcpload CPU $(printf '%.0f' "$gen")% of the run $repl"
    msg "    $out"
    if [[ -n $rate ]] && ((rate > ${BEST[$mode]:-0})); then
        BEST[$mode]=$rate; BEST_GEN[$mode]=$gen
    fi
    scenario_end
}
if step dora; then
    for run in $(seq "$DORA_REPEATS"); do
        dora_run off "$run"
        dora_run on "$run"
    done
fi

# ---- report ----------------------------------------------------------------
ok() { (($(fc "$1"))) && echo MET || echo "NOT MET"; }
hr() { printf '%s\n' "--------------------------------------------------------------------------------------------"; }
echo
echo "dhcpfo failover figures; $(machine)"
echo "policy PollDelay $POLL_DELAY, PollRetryMax $POLL_RETRY, WaitPollRplSecs $WAIT_RPL -> bound $(f3 "$BOUND") s; state on $(state_fs)"
hr
printf '%-48s %-26s %-16s %s\n' "measure" "figure" "goal" "verdict"
hr
TK_OK=skipped tk_list=NA HB_OK=skipped hb_list=NA SYNC_OK=skipped
if step takeover; then
TK_OK=yes tk_list=""
for i in "${!TK_ACK[@]}"; do
    a=${TK_ACK[$i]}
    if [[ $a == NA ]]; then v="NOT MET"; TK_OK=no; fa=NA
    else v=$(ok "$a <= $BOUND + 0.05"); [[ $v == MET ]] || TK_OK=no; fa=$(f3 "$a"); fi
    tk_list+="${tk_list:+,}$fa"
    printf '%-48s %-26s %-16s %s\n' "1. takeover #$((i + 1)): kill -9 -> first ACK" \
        "$fa s (declared $(f3 "${TK_DET[$i]}"))" "<= $(f3 "$(fc "$BOUND + 0.05")") s" "$v"
done
((${#TK_ACK[@]} == TAKEOVER_REPEATS)) || TK_OK=no
fi
if step handback; then
HB_OK=yes hb_list=""
while read -r name n secs; do
    [[ -n $name ]] || continue
    v=$(ok "$secs < 0.5"); [[ $v == MET ]] || HB_OK=no
    hb_list+="${hb_list:+,}$secs"
    printf '%-48s %-26s %-16s %s\n' "2. hand-back subnet $name ($n bindings)" "$secs s" "< 0.5 s" "$v"
done <<<"$HB_SUB"
[[ -n $hb_list ]] || HB_OK=no
printf '%-48s %-26s %-16s %s\n' "   hand-back, whole ($HB_N bindings, 2 subnets)" "$(f3 "$HB_SECS") s" "" ""
fi
if step sync; then
SYNC_OK=$(ok "$SYNC_RATE >= 100000")
printf '%-48s %-26s %-16s %s\n' "3. start-up sync ($SYNC_B bindings)" "$(printf '%.0f' "$SYNC_RATE")/s ($(f3 "$SYNC_SECS") s)" ">= 100000/s" "$SYNC_OK"
fi
off=${BEST[off]:-0} on=${BEST[on]:-0}
if ((off > 0 && on > 0)); then
    COST=$(fc "100 * ($off - $on) / $off")
    DORA_OK=$(ok "$COST < 20")
elif step dora; then
    COST=NA DORA_OK="NOT MEASURED"
else
    COST=NA DORA_OK=skipped
fi
GENLIM=no
for m in off on; do
    [[ -n ${BEST_GEN[$m]:-} ]] && (($(fc "${BEST_GEN[$m]} >= 85"))) && GENLIM=yes
done
step dora && printf '%-48s %-26s %-16s %s\n' "4. DORA/s standalone (UseFailoverServer false)" "$off" "" ""
step dora && printf '%-48s %-26s %-16s %s\n' "   DORA/s with replication to a running failover" "$on" "" ""
step dora && printf '%-48s %-26s %-16s %s\n' "   replication cost" "$([[ $COST == NA ]] && echo NA || printf '%.1f%%' "$COST")" "< 20%" "$DORA_OK"
hr
step takeover && echo "takeover: first ACK = first line dhcpload appends to its ACK file after the kill; 'declared' = the failover's last_takeover_time."
step handback && echo "hand-back per subnet: failover log, 'handing back subnet X' -> 'subnet X handed back' (ms resolution); $n_acked clients acknowledged by the failover, primary holds $hb_bound bound after the hand-back ($HB_CONFLICTS conflicts)."
step takeover && tk_dups=$(grep -c 'duplicate binding' "$TMP/takeover/failover.log") &&
echo "takeover runs: the failover logged $tk_dups 'duplicate binding' conflict(s) at hand-back (an address it granted that the primary had ACKed just before kill -9 without replicating it yet)."
step sync && echo "sync: failover's bindings / last_sync_secs; the primary's own figure (failover.sync.last_rate) was $SYNC_P_RATE/s."
step dora && printf 'DORA: best of %s runs of %s new clients each, dhcpload (one thread) at window %s; dhcpload CPU %.0f%% (standalone) / %.0f%% (replicated) of the run.\n' \
    "$DORA_REPEATS" "$DORA_N" "$DORA_WINDOW" "${BEST_GEN[off]:-0}" "${BEST_GEN[on]:-0}"
if [[ $GENLIM == yes ]]; then
    echo "NOTE: dhcpload used >= 85% of a CPU: the load generator, not the server, was (close to) the limit;"
    echo "      both rates are then lower bounds and the cost % only says replication did not slow the primary below what the generator offers."
fi
for p in "${PROBLEMS[@]}"; do echo "PROBLEM: $p"; done
yn() { case $1 in MET|yes) echo yes ;; skipped) echo skipped ;; *) echo no ;; esac; }
printf 'RESULT takeover_first_ack_s=%s takeover_bound_s=%s takeover_ok=%s handback_subnet_s=%s handback_total_s=%s handback_bindings=%s handback_ok=%s sync_per_s=%.0f sync_ok=%s dora_standalone_per_s=%s dora_replicated_per_s=%s replication_cost_pct=%s dora_ok=%s generator_limited=%s\n' \
    "$tk_list" "$(f3 "$BOUND")" "$TK_OK" "$hb_list" "$(f3 "$HB_SECS")" "$HB_N" "$HB_OK" \
    "$SYNC_RATE" "$(yn "$SYNC_OK")" "$off" "$on" \
    "$([[ $COST == NA ]] && echo NA || printf '%.1f' "$COST")" "$(yn "$DORA_OK")" "$GENLIM"
((${#PROBLEMS[@]} == 0)) || exit 1
exit 0
