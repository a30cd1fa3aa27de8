#!/bin/bash
# bench/many.sh — one dhcpfo-failover backing up many dhcpfo-primary servers.
#
#   sudo bash bench/many.sh                  # 5 then 16 primaries, about 2 minutes
#   sudo BUILD=/tmp/build-x bash bench/many.sh
#
# For each N in MB_PRIMARIES (default "5 16"), in a private network namespace
# on loopback only (failover 127.0.0.2, primary i 127.0.1.i, relay of primary
# i's subnet 127.(16+i).0.1, subnet 127.(16+i).0.0/16):
#   1. steady state: one build/tools/dhcpload per primary, relaying to that
#      primary only, new clients at MB_RATE/s each for MB_STEADY_SECS; the
#      failover sleeps (monitoring) and receives the binding updates.  Over a
#      window inside the run: the failover's CPU (/proc/PID/stat utime+stime,
#      % of one core), VmRSS/VmHWM, threads, context switches, and the update
#      rate it actually received (status: updates_received).
#   2. takeover of all at once: dhcpload per primary (relaying to the primary
#      and the failover, new clients at MB_TK_RATE/s), kill -9 of all N
#      primaries in one kill(1) call; per primary the time from the kill to the
#      first ACK appended to its ACK file (and the failover's
#      last_takeover_time); then the DORA rate the failover serves across all
#      N populations (new clients, MB_DORA_SECS).
# Prints a table and one `RESULT ...` line.  See bench/README.md.
# Every process is recorded by pid and stopped in the EXIT trap, which also
# removes the namespace and the temp dir.  Every wait is bounded.
set -u
set -o pipefail

# shellcheck source=bench/fo_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/fo_lib.sh"

NLIST=${MB_PRIMARIES:-5 16}
RATE=${MB_RATE:-1000}               # new clients/s per primary, steady state
STEADY_SECS=${MB_STEADY_SECS:-20}   # sets the window: STEADY_SECS - WARM - 4
WARM=${MB_WARM:-3}                  # measurement window starts WARM s in
TK_RATE=${MB_TK_RATE:-100}          # new clients/s per primary around the kill
TK_WINDOW=${MB_TK_WINDOW:-50}       # clients in progress per generator then
TK_RTO=${MB_TK_RTO:-100}            # their retransmission period (ms), for 3 s
DORA_SECS=${MB_DORA_SECS:-5}
DORA_WINDOW=${MB_DORA_WINDOW:-200}  # outstanding clients per generator
POLL_DELAY=${MB_POLL_DELAY:-0.5}
POLL_RETRY=${MB_POLL_RETRY:-1}
WAIT_RPL=${MB_WAIT_RPL:-0.25}
STEPS=${MB_STEPS:-all}              # "steady": stop after step 1 (CPU work)
BIND_UPD_DELAY=${MB_BIND_UPD_DELAY:-}  # primaries' BindUpdDelay (ms); empty: their default
PROFILE=${MB_PROFILE:-0}            # 1: perf record the failover after the window
[[ ${1:-} == --keep ]] && KEEP=1

preflight "run make, or set BUILD="
for n in $NLIST; do ((n >= 1 && n <= 64)) || die "bad N $n in MB_PRIMARIES"; done

HZ=$(getconf CLK_TCK)
ns_setup dfomb

# /proc readers
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
st_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
ctxsw() { # all threads of PID
    cat /proc/"$1"/task/*/status 2>/dev/null |
        awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s + 0}'
}
# thread_ticks PID: "TID TICKS" per thread
thread_ticks() { for t in /proc/"$1"/task/*; do awk -v t="${t##*/}" '{print t, $14 + $15}' "$t/stat" 2>/dev/null; done; }
sum_ticks() { # PID...: utime+stime of all, one awk
    local f=() p
    for p in "$@"; do [[ -r /proc/$p/stat ]] && f+=("/proc/$p/stat"); done
    ((${#f[@]})) || { echo 0; return; }
    awk '{s += $14 + $15} END {print s + 0}' "${f[@]}" 2>/dev/null || echo 0
}
sys_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

p_addr() { echo "127.0.1.$1"; }
relay() { echo "127.$((16 + $1)).0.1"; }

# ---- configuration ---------------------------------------------------------
subnet_of() { # I [failover]
    local o=$((16 + $1)) p=""
    [[ ${2:-} == failover ]] && p=p$1
    ini_subnet "s$1" "$p" "127.$o.0.0/16" "127.$o.0.10-127.$o.255.250" "127.$o.0.1"
}
write_configs() { # DIR N
    local d=$1 n=$2 i
    for i in $(seq "$n"); do
        mkdir -p "$d/p$i"
        (umask 077; openssl rand -hex 32 >"$d/p$i.key")
        { ini_primary "p$i" "$(p_addr "$i")" "$d/p$i" "$d/p$i.key" true 3 1
          echo "${BIND_UPD_DELAY:+BindUpdDelay = $BIND_UPD_DELAY}"
          subnet_of "$i"; } >"$d/p$i.ini"
    done
    mkdir -p "$d/f"
    {
        ini_failover "$d" "MaxPrimaries = $((n > 5 ? n : 5))"
        for i in $(seq "$n"); do
            ini_peer "p$i" "$(p_addr "$i")" "$d/p$i.key"
            subnet_of "$i" failover
        done
    } >"$d/failover.ini"
    check_configs "$d" p1.ini
}

D=""
F_PID=""
P_PIDS=()
pctl() { "$CTL" -s "$D/p$1/ctl.sock" "${@:2}"; }
# fo_all FIELD: the field of every primary, one line each, in pI order
fo_all() { fctl status --json 2>/dev/null | jq -r ".primaries | sort_by(.name[1:] | tonumber) | .[].$1"; }
# fo_snap: "TIME UPDATES_RECEIVED DATAGRAMS" (TIME = middle of the status call)
fo_snap() {
    local a b j
    a=$(now); j=$(fctl status --json 2>/dev/null); b=$(now)
    echo "$(fc "($a + $b) / 2") $(jq '[.primaries[].updates_received] | add' <<<"$j") $(jq .counters.failover_received <<<"$j")"
}
fo_sum() { fctl status --json 2>/dev/null | jq "[.primaries[].$1] | add"; }
fo_count_state() { fctl status --json 2>/dev/null | jq "[.primaries[] | select(.state == \"$1\")] | length"; }
p_serving_count() {
    local i c=0
    for i in $(seq "$1"); do
        [[ $(pctl "$i" status --json 2>/dev/null | jq -r .state) == serving ]] && c=$((c + 1))
    done
    echo "$c"
}

declare -A R=()   # results, key "N:name"

# wait_gens SECS PID...: each generator ends by itself (its deadline) within
# SECS, else it is stopped
wait_gens() {
    local secs=$1 p
    for p in "${@:2}"; do
        wait_for "$secs" "! alive $p" || stop "$p"
        wait "$p" 2>/dev/null
    done
}

stop_all_n() {
    local p
    for p in "${P_PIDS[@]}"; do stop "$p"; done
    stop "$F_PID"
    F_PID=""
}

# steady_phase N KIND KEY_PREFIX: one dhcpload per primary, relaying to that
# primary only, RATE clients/s for the generator time; the failover's cost in
# a window inside it.  KIND new: new clients (each one a new binding, so the
# failover's memory grows); renew: the clients "new" bound renew once each
# (RFC 2131 RENEWING), so every update rewrites a binding the failover holds
# -- the common case of a network in service.
steady_phase() {
    local n=$1 kind=$2 K=$3
    # Generators run WARM + window + 4 s (deadline); the window lies inside.
    local win=$((STEADY_SECS - WARM - 4))
    ((win >= 3)) || win=3
    local tgen=$((WARM + win + 12))   # margin: status calls are slow on a saturated machine
    local lp=() nclients=$((RATE * (tgen + 5))) u0
    local a0 a1 c0 c1 s0 s1 x0 x1 t0 t1 pc0=0 pc1=0 lc0=0 lc1=0 p i a
    u0=$(fo_sum updates_received)
    for i in $(seq "$n"); do
        if [[ $kind == new ]]; then
            bg "$D/steady-$kind-$i.log" "$LOAD" -q -s "$(p_addr "$i")" -b "$(relay "$i")" \
                -n "$nclients" -r "$RATE" -w 500 -T 1000 -R 3 -m $((0x10 + i)) \
                -t "$tgen" -i 0 -o "$D/steady-acks-$i.txt"
        else
            bg "$D/steady-$kind-$i.log" "$LOAD" -q -s "$(p_addr "$i")" -b "$(relay "$i")" \
                -e "$D/steady-acks-$i.txt" -r "$RATE" -w 500 -T 1000 -R 3 \
                -t "$tgen" -i 0
        fi
        lp+=("$BG")
    done
    sleep "$WARM"
    read -r -a a0 <<<"$(fo_snap)"
    thread_ticks "$F_PID" >"$D/threads0-$kind"
    t0=$(now); c0=$(cpu_ticks "$F_PID"); s0=$(sys_busy)
    lc0=$(sum_ticks "${lp[@]}"); pc0=$(sum_ticks "${P_PIDS[@]}"); x0=$(ctxsw "$F_PID")
    sleep "$win"
    t1=$(now); c1=$(cpu_ticks "$F_PID"); s1=$(sys_busy)
    lc1=$(sum_ticks "${lp[@]}"); pc1=$(sum_ticks "${P_PIDS[@]}"); x1=$(ctxsw "$F_PID")
    thread_ticks "$F_PID" >"$D/threads1-$kind"
    read -r -a a1 <<<"$(fo_snap)"
    local el ups cpu uel
    el=$(fc "$t1 - $t0")
    uel=$(fc "${a1[0]} - ${a0[0]}")
    ups=$(fc "(${a1[1]} - ${a0[1]}) / $uel")
    R[$n:${K}dgs]=$(printf '%.0f' "$(fc "(${a1[2]} - ${a0[2]}) / $uel")")
    R[$n:${K}upd_per_dg]=$( ((${a1[2]} > ${a0[2]})) && printf '%.1f' "$(fc "(${a1[1]} - ${a0[1]}) / (${a1[2]} - ${a0[2]})")" || echo NA)
    cpu=$(fc "100 * ($c1 - $c0) / $HZ / $el")
    R[$n:${K}ups]=$(printf '%.0f' "$ups")
    R[$n:${K}ups_pp]=$(printf '%.0f' "$(fc "$ups / $n")")
    R[$n:${K}cpu]=$(printf '%.2f' "$cpu")
    R[$n:${K}cpu_per_k]=$( ((${a1[1]:-0} > ${a0[1]:-0})) && printf '%.3f' "$(fc "$cpu * 1000 / $ups")" || echo NA)
    R[$n:${K}rss]=$(st_kb "$F_PID" VmRSS)
    R[$n:${K}hwm]=$(st_kb "$F_PID" VmHWM)
    R[$n:${K}threads]=$(st_kb "$F_PID" Threads)
    R[$n:${K}ctxsw]=$(printf '%.0f' "$(fc "($x1 - $x0) / $el")")
    R[$n:${K}pcpu]=$(printf '%.0f' "$(fc "100 * ($pc1 - $pc0) / $HZ / $el")")
    R[$n:${K}lcpu]=$(printf '%.0f' "$(fc "100 * ($lc1 - $lc0) / $HZ / $el")")
    for p in "${lp[@]}"; do alive "$p" || R[$n:${K}lcpu]=NA; done
    R[$n:${K}busy]=$(printf '%.0f' "$(fc "100 * ($s1 - $s0) / $HZ / $el")")
    R[$n:${K}win]=$(printf '%.1f' "$el")
    R[$n:${K}other]=NA
    [[ ${R[$n:${K}lcpu]} != NA ]] && R[$n:${K}other]=$(printf '%.0f' "$(fc "${R[$n:${K}busy]} - $cpu - ${R[$n:${K}pcpu]} - ${R[$n:${K}lcpu]}")")
    # main thread (tid = pid) vs. the per-primary threads
    R[$n:${K}thr]=$(awk -v pid="$F_PID" -v hz="$HZ" -v el="$el" '
        NR == FNR {a[$1] = $2; next}
        {d = ($2 - a[$1]) * 100 / hz / el
         if ($1 == pid) m = d; else {o += d; if (d > mx) mx = d; k++}}
        END {printf "main %.1f%%, %d primary threads %.1f%% (max %.1f%%)", m, k, o, mx}' \
        "$D/threads0-$kind" "$D/threads1-$kind")
    msg "  steady ($kind): $(printf '%.0f' "$ups") updates/s received ($(printf '%.0f' "$(fc "$ups / $n")")/primary) over $(f3 "$el") s, ${R[$n:${K}dgs]} failover datagrams/s (${R[$n:${K}upd_per_dg]} updates each);" \
        "failover CPU ${R[$n:${K}cpu]}% (${R[$n:${K}cpu_per_k]}% per 1000 updates/s), VmRSS ${R[$n:${K}rss]} kB, VmHWM ${R[$n:${K}hwm]} kB," \
        "threads ${R[$n:${K}threads]}, ${R[$n:${K}ctxsw]} ctx switches/s; primaries ${R[$n:${K}pcpu]}%, dhcpload ${R[$n:${K}lcpu]}%, machine ${R[$n:${K}busy]}% of one CPU ($(nproc) CPUs), other ${R[$n:${K}other]}%"
    msg "  failover threads: ${R[$n:${K}thr]}"
    msg "  per primary updates_received: $(fo_all updates_received | tr '\n' ' ')"
    if [[ $PROFILE == strace ]] && command -v strace >/dev/null; then
        timeout -s INT 4 strace -c -f -p "$F_PID" -o "$D/strace-$kind.txt" >/dev/null 2>&1
        msg "  syscalls (strace -c, 4 s):"; head -25 "$D/strace-$kind.txt" | sed 's/^/    /' >&2
    fi
    if [[ $PROFILE == 1 ]] && command -v perf >/dev/null; then
        # After the window, while the generators still run: not in the figures.
        perf record -q ${MB_PERF_G:+-g} -p "$F_PID" -o "$D/perf-$kind.data" -- sleep 4 >/dev/null 2>&1
        perf report -i "$D/perf-$kind.data" --no-children --sort dso,sym --stdio 2>/dev/null |
            grep -v '^#' | grep '%' | head -40 >"$D/perf-$kind.txt"
        msg "  profile (perf, 4 s):"; sed 's/^/    /' "$D/perf-$kind.txt" >&2
    fi
    wait_gens $((tgen + 15)) "${lp[@]}"
    local ack=0
    for i in $(seq "$n"); do
        a=$(sed -n 's/.* acked \([0-9]*\) .*/\1/p' "$D/steady-$kind-$i.log" | tail -n 1)
        ack=$((ack + ${a:-0}))
    done
    R[$n:${K}steady_acked]=$ack
    msg "  steady ($kind): dhcpload acknowledged $ack clients in $tgen s; e.g. $(tail -n 1 "$D/steady-$kind-1.log" | cut -c1-150)"
    # Let replication drain before the kill (so the failover holds every binding).
    wait_for 20 "[ \"\$(fo_sum updates_received)\" -ge $((u0 + ack)) ]"
}

run_n() {
    local n=$1 i
    D=$TMP/n$n
    mkdir -p "$D"
    write_configs "$D" "$n"
    R[$n:warn]=$(grep -i -m1 'MaxPrimaries' "$D/check-f.log" | cut -c1-160)
    msg "== N=$n primaries"
    [[ -n ${R[$n:warn]} ]] && msg "  config check: ${R[$n:warn]}"
    P_PIDS=()
    for i in $(seq "$n"); do
        bg "$D/p$i.log" "$P_BIN" -f -c "$D/p$i.ini"
        P_PIDS+=("$BG")
    done
    bg "$D/failover.log" "$F_BIN" -f -c "$D/failover.ini"
    F_PID=$BG
    wait_for 30 "[ \"\$(fo_count_state monitoring)\" = $n ]" ||
        die "N=$n: failover not monitoring all primaries: $(fo_all state | tr '\n' ' ')"
    wait_for 30 "[ \"\$(p_serving_count $n)\" = $n ]" ||
        die "N=$n: not every primary serving"
    msg "  all $n primaries serving, failover monitoring all; threads $(st_kb "$F_PID" Threads), VmRSS $(st_kb "$F_PID" VmRSS) kB"
    R[$n:rss0]=$(st_kb "$F_PID" VmRSS)

    # ---- 1. steady state: new clients, then renewals ------------------------
    steady_phase "$n" new ""
    steady_phase "$n" renew "r_"
    R[$n:bindings]=$(fo_sum bindings)
    if [[ $STEPS == steady ]]; then
        stop_all_n
        local k
        for k in r_busy r_cpu r_cpu_per_k r_ctxsw r_dgs r_hwm r_lcpu r_other r_pcpu r_rss r_thr r_threads r_upd_per_dg r_ups r_ups_pp busy cpu cpu_per_k ctxsw decl decl_max dgs dora dora_cpu dora_ctxsw false_tk first first_max first_med first_min first_missing hwm hwm_end hwm_tk lcpu other pcpu pre_mon pre_tk rss thr threads upd_per_dg ups ups_pp warn; do
            [[ -n ${R[$n:$k]:-} ]] || R[$n:$k]=NA
        done
        return
    fi

    # ---- 2. takeover of all at once ----------------------------------------
    lp=()
    for i in $(seq "$n"); do
        : >"$D/tk-acks-$i.txt"
        bg "$D/tk-load-$i.log" "$LOAD" -q -s "$(p_addr "$i")" -S "$F_ADDR" -b "$(relay "$i")" \
            -n 100000 -r "$TK_RATE" -w "$TK_WINDOW" -T "$TK_RTO" -R $((3000 / TK_RTO)) -m $((0x40 + i)) -t 30 -i 0 \
            -o "$D/tk-acks-$i.txt"
        lp+=("$BG")
    done
    local files=()
    for i in $(seq "$n"); do files+=("$D/tk-acks-$i.txt"); done
    wait_for 10 "[ \$(cat ${files[*]} | wc -l) -ge $((n * 50)) ]" ||
        PROBLEMS+=("N=$n: fewer than 50 ACKs per primary before the kill")
    sleep 0.$((RANDOM % 5))
    R[$n:pre_mon]=$(fo_count_state monitoring)
    R[$n:pre_tk]=$(fo_sum takeovers)
    local tk
    tk=$(now)
    exec 3>&2 2>/dev/null   # no "Killed" job notices from bash
    kill -KILL "${P_PIDS[@]}"
    python3 "$TMP/first_ack.py" "$tk" 10 "${files[@]}" >"$D/first.txt" &
    local w=$!
    PIDS+=("$w")
    wait "$w"
    for p in "${P_PIDS[@]}"; do wait "$p"; done
    exec 2>&3 3>&-
    wait_for 10 "[ \"\$(fo_count_state takeover)\" = $n ]" ||
        PROBLEMS+=("N=$n: only $(fo_count_state takeover) of $n primaries in takeover 10 s after kill -9")
    R[$n:hwm_tk]=$(st_kb "$F_PID" VmHWM)
    R[$n:false_tk]=$(grep -c 'partition healed' "$D/failover.log")
    mapfile -t decl < <(fo_all last_takeover_time)
    mapfile -t first < "$D/first.txt"
    local a_list="" d_list="" amax=0 dmax=0 missing=0 fa da
    for i in $(seq 0 $((n - 1))); do
        if [[ ${first[$i]:-0} == 0 ]]; then
            fa=NA; missing=$((missing + 1))
        else
            fa=$(f3 "$(fc "${first[$i]} - $tk")")
            (($(fc "$fa > $amax"))) && amax=$fa
        fi
        da=$(f3 "$(fc "${decl[$i]:-0} - $tk")")
        (($(fc "$da > $dmax"))) && dmax=$da
        a_list+="${a_list:+,}$fa"; d_list+="${d_list:+,}$da"
    done
    R[$n:first]=$a_list; R[$n:decl]=$d_list
    R[$n:first_max]=$amax; R[$n:decl_max]=$dmax; R[$n:first_missing]=$missing
    local sorted
    sorted=$(tr ',' '\n' <<<"$a_list" | grep -v NA | sort -n)
    R[$n:first_min]=$(head -n 1 <<<"$sorted")
    R[$n:first_med]=$(sed -n "$(( ($(wc -l <<<"$sorted") + 1) / 2 ))p" <<<"$sorted")
    msg "  takeover: kill -9 of $n primaries; first ACK from the failover (s): $a_list"
    msg "            declared (last_takeover_time - kill, s): $d_list"
    msg "            before the kill ${R[$n:pre_mon]} of $n monitoring, ${R[$n:pre_tk]} takeovers so far; 'partition healed' in the log: ${R[$n:false_tk]}; VmHWM ${R[$n:hwm_tk]} kB"
    for p in "${lp[@]}"; do stop "$p"; done

    # ---- DORA rate the failover serves for all N populations ---------------
    lp=()
    local fc0 fc1 ft0 ft1 fs0 fs1
    ft0=$(now); fc0=$(cpu_ticks "$F_PID"); fs0=$(ctxsw "$F_PID")
    for i in $(seq "$n"); do
        bg "$D/dora-$i.log" "$LOAD" -q -s "$F_ADDR" -b "$(relay "$i")" \
            -n 200000 -r 1000000 -w "$DORA_WINDOW" -T 1000 -R 3 -m $((0x80 + i)) \
            -t "$DORA_SECS" -i 0
        lp+=("$BG")
    done
    wait_gens $((DORA_SECS + 15)) "${lp[@]}"
    ft1=$(now); fc1=$(cpu_ticks "$F_PID"); fs1=$(ctxsw "$F_PID")
    local dora=0 r per=""
    for i in $(seq "$n"); do
        r=$(sed -n 's/.* acked [0-9]* (\([0-9]*\)\/s).*/\1/p' "$D/dora-$i.log" | tail -n 1)
        dora=$((dora + ${r:-0})); per+="${per:+ }${r:-?}"
    done
    R[$n:dora]=$dora
    R[$n:dora_cpu]=$(printf '%.0f' "$(fc "100 * ($fc1 - $fc0) / $HZ / ($ft1 - $ft0)")")
    R[$n:dora_ctxsw]=$(printf '%.0f' "$(fc "($fs1 - $fs0) / ($ft1 - $ft0)")")
    R[$n:hwm_end]=$(st_kb "$F_PID" VmHWM)
    R[$n:threads_end]=$(st_kb "$F_PID" Threads)
    msg "  takeover DORA: $dora ACK/s across $n populations (per primary: $per); failover CPU ${R[$n:dora_cpu]}%, ${R[$n:dora_ctxsw]} ctx switches/s, VmHWM ${R[$n:hwm_end]} kB"
    msg "    e.g. $(tail -n 1 "$D/dora-1.log" | cut -c1-200)"
    stop "$F_PID"
    F_PID=""
}

# first_ack.py T_KILL LIMIT FILE...: per file, the wall time of the first
# line appended later than 0.1 s after T_KILL (0 if none within LIMIT s).
cat >"$TMP/first_ack.py" <<'EOF'
import os, sys, time
tk, limit, files = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
while time.time() < tk + 0.1:
    time.sleep(0.001)
base = [os.stat(f).st_size for f in files]
got = [0.0] * len(files)
end = tk + limit
while time.time() < end and not all(got):
    t = time.time()
    for i, f in enumerate(files):
        if not got[i] and os.stat(f).st_size > base[i]:
            got[i] = t
    time.sleep(0.0005)
for g in got:
    print("%.6f" % g if g else "0")
EOF

PROBLEMS=()
for n in $NLIST; do run_n "$n"; done

# ---- report ----------------------------------------------------------------
BOUND=$(takeover_bound)
hr() { printf '%s\n' "------------------------------------------------------------------------------------------------------------------------"; }
echo
echo "dhcpfo many-to-one failover; $(machine); state on $(state_fs)"
echo "steady: new clients at $RATE/s per primary, relayed to that primary only, window ${R[${NLIST%% *}:win]:-?} s; takeover policy PollDelay $POLL_DELAY, PollRetryMax $POLL_RETRY, WaitPollRplSecs $WAIT_RPL (bound $(f3 "$BOUND") s)"
hr
printf '%-4s %-7s %-10s %-9s %-8s %-9s %-12s %-12s %-8s %-8s %s\n' \
    N kind "updates/s" "/primary" "dgram/s" "fo CPU%" "CPU%/1k u/s" "RSS/HWM MiB" threads "ctxsw/s" "prim/gen/machine/other CPU%"
hr
mib() { printf '%.1f' "$(fc "${1:-0} / 1024")"; }
for n in $NLIST; do
    for K in "" r_; do
        printf '%-4s %-7s %-10s %-9s %-8s %-9s %-12s %-12s %-8s %-8s %s\n' "$n" "$([[ -z $K ]] && echo new || echo renew)" \
            "${R[$n:${K}ups]}" "${R[$n:${K}ups_pp]}" "${R[$n:${K}dgs]}" \
            "${R[$n:${K}cpu]}" "${R[$n:${K}cpu_per_k]}" "$(mib "${R[$n:${K}rss]}")/$(mib "${R[$n:${K}hwm]}")" \
            "${R[$n:${K}threads]}" "${R[$n:${K}ctxsw]}" "${R[$n:${K}pcpu]}/${R[$n:${K}lcpu]}/${R[$n:${K}busy]}/${R[$n:${K}other]}"
    done
done
hr
printf '%-4s %-34s %-26s %-12s %-10s %s\n' N "first ACK after kill -9 min/med/max" "declared max (bound)" "DORA/s" "fo CPU%" "ctxsw/s, HWM MiB after"
hr
for n in $NLIST; do
    printf '%-4s %-34s %-26s %-12s %-10s %s\n' "$n" \
        "${R[$n:first_min]:-NA} / ${R[$n:first_med]:-NA} / ${R[$n:first_max]} s" \
        "${R[$n:decl_max]} s ($(f3 "$BOUND"))" "${R[$n:dora]}" "${R[$n:dora_cpu]}" \
        "${R[$n:dora_ctxsw]}, $(mib "${R[$n:hwm_end]}")"
done
hr
for n in $NLIST; do
    echo "N=$n first ACK per primary (s): ${R[$n:first]}"
    echo "N=$n declared per primary (s):  ${R[$n:decl]}"
    echo "N=$n failover CPU by thread (steady, new): ${R[$n:thr]}; ${R[$n:upd_per_dg]} updates per failover datagram"
    echo "N=$n failover CPU by thread (steady, renew): ${R[$n:r_thr]}; ${R[$n:r_upd_per_dg]} updates per failover datagram"
    echo "N=$n before the kill: ${R[$n:pre_mon]}/$n monitoring, ${R[$n:pre_tk]} takeovers; false takeovers ('partition healed') in the run: ${R[$n:false_tk]}; VmHWM after takeover $(mib "${R[$n:hwm_tk]}") MiB, after the DORA phase $(mib "${R[$n:hwm_end]}") MiB"
    [[ -n ${R[$n:warn]} ]] && echo "N=$n config warning: ${R[$n:warn]}"
done
echo "CPU% is of one core (utime+stime from /proc/PID/stat over the window); 'prim/gen/machine/other' = all primaries, all dhcpload, whole machine (/proc/stat), machine minus ours."
echo "updates/s = growth of the failover's updates_received (sum over primaries); DORA/s = sum of dhcpload ACK rates sent to the failover only."
# Goal: < 5% of one core with 5 primaries at 1,000 updates/s each.
# goal_verdict KEY_PREFIX: prints the verdict for one steady phase of N=5
# and sets VERDICT to yes, no or NA.
goal_verdict() {
    local K=$1 est ach
    VERDICT=NA
    [[ -n ${R[5:${K}cpu_per_k]:-} && ${R[5:${K}cpu_per_k]} != NA ]] || return 0
    est=$(fc "${R[5:${K}cpu_per_k]} * 5")
    (($(fc "$est < 5"))) && VERDICT=yes || VERDICT=no
    ach=$(fc "100 * ${R[5:${K}ups]} / 5000")
    printf 'goal (5 primaries x 1000 updates/s under 5%% of one core), %s: measured %s%% at %s updates/s (%.0f%% of the target rate); scaled to 5000/s: %.2f%% -> %s\n' \
        "$([[ -z $K ]] && echo "new clients" || echo renewals)" "${R[5:${K}cpu]}" "${R[5:${K}ups]}" "$ach" "$est" "$VERDICT"
}
goal_verdict ""; GOAL=$VERDICT
goal_verdict r_; GOAL_R=$VERDICT
for p in "${PROBLEMS[@]}"; do echo "PROBLEM: $p"; done
line="RESULT"
for n in $NLIST; do
    line+=" n${n}_updates_per_s=${R[$n:ups]} n${n}_cpu_pct=${R[$n:cpu]} n${n}_cpu_pct_per_1k=${R[$n:cpu_per_k]}"
    line+=" n${n}_renew_updates_per_s=${R[$n:r_ups]} n${n}_renew_cpu_pct=${R[$n:r_cpu]} n${n}_renew_cpu_pct_per_1k=${R[$n:r_cpu_per_k]}"
    line+=" n${n}_rss_kb=${R[$n:rss]} n${n}_hwm_kb=${R[$n:hwm]} n${n}_threads=${R[$n:threads]}"
    line+=" n${n}_false_takeovers=${R[$n:false_tk]} n${n}_hwm_end_kb=${R[$n:hwm_end]}"
    line+=" n${n}_first_ack_max_s=${R[$n:first_max]} n${n}_first_ack_missing=${R[$n:first_missing]} n${n}_takeover_dora_per_s=${R[$n:dora]}"
done
line+=" goal_5x1000_under_5pct=$GOAL goal_5x1000_renew_under_5pct=$GOAL_R"
echo "$line"
((${#PROBLEMS[@]} == 0)) || exit 1
exit 0
