#!/usr/bin/env bash
# bench/options.sh — what DHCP options, client classes and PXE fields
# (docs/options.md) cost per DORA: dhcpfo-primary with a plain
# configuration (routers, DNS, domain name) against the same binary with
# 30 options at every level and 20 [class:] sections, and Kea 2.2 with the
# same options and classes, alternated in the same run at fixed offered
# rates and at a high one.
#
#   flock /tmp/dhcpfo-e2e.lock bash bench/options.sh [--quick] [options]
#                                          (root: creates a netns)
#
# Each step starts a fresh server (empty store), runs perfdhcp (as a relay,
# lib.sh run_step) for BENCH_STEP_SECS at the rate, with a parameter request
# list and a vendor class (option 60) in every DISCOVER and REQUEST, and
# divides the server's CPU time (user + system, all threads, in ns: the
# process CPU clock) by the DORAs completed.  "plain" runs twice
# per round, before and after "options", so the plain-vs-plain figure
# shows the noise.  Prints one line per step, a table and RESULT.
# See bench/README.md ("bench/options.sh").
set -u
set -o pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'EOF'
usage: flock /tmp/dhcpfo-e2e.lock bash bench/options.sh [--quick] [options]

  --quick        about 4 minutes: 4 s steps, 2 rounds (default: about 10
                 minutes, 5 s steps, 5 rounds)
  --split        also measure "classes" (the 20 classes, plain options) and
                 "optsonly" (the 30 options, no class): which part costs
  --kea-plain    also measure Kea with the plain configuration
  --no-kea       do not measure Kea
  --profile      after the rounds, run plain and options once more at the
                 highest compared fixed rate under perf record and print where
                 the server's CPU goes, per DORA (default in full mode when
                 perf exists)
  --no-profile
  --micro        also time, in one process, the functions the options
                 configuration adds work to (decode, classify, reply
                 assembly, encode; each class alone) on the requests
                 perfdhcp sends: needs build/libdhcpfo.a and
                 build/obj/primary/pr_config.o (make build/dhcpfo-primary);
                 default in full mode
  --no-micro
  --no-strip     let perfdhcp decode every option of every reply (default:
                 a shim in perfdhcp keeps only 53 54 51 58 59 1 of each
                 reply it receives, so that decoding 24 options does not
                 make perfdhcp the limit; the wire and the servers' work
                 are unchanged)
  --keep         keep the temp dir (configurations, logs, perfdhcp output)
  -h, --help

environment: BENCH_RATES (fixed offered rates, default "1000 4000 10000"),
  BENCH_PEAK_RATE (the high offered rate, default 30000; 0: none),
  BENCH_ROUNDS, BENCH_STEP_SECS, BENCH_BOUND_PCT (default 5),
  BENCH_PROFILE_SECS (default 8, at most what the clients allow),
  BENCH_PROFILE_REPS (default 2),
  BENCH_PRL (hex codes for perfdhcp -o 55), BENCH_VENDOR_CLASS (text of
  option 60, empty: none), and lib.sh's BENCH_CLIENTS BENCH_PIN BENCH_NICE
  BENCH_TMPDIR
EOF
}

QUICK=0 SPLIT=0 KEA_PLAIN=0 DO_KEA=1 PROFILE="" MICRO="" STRIP=1
# shellcheck disable=SC2317  # called by bench_args
opt_opt() {
    case $1 in
    --quick) QUICK=1 ;;
    --split) SPLIT=1 ;;
    --kea-plain) KEA_PLAIN=1 ;;
    --no-kea) DO_KEA=0 ;;
    --profile) PROFILE=1 ;;
    --no-profile) PROFILE=0 ;;
    --micro) MICRO=1 ;;
    --no-micro) MICRO=0 ;;
    --no-strip) STRIP=0 ;;
    *) return 1 ;;
    esac
}
bench_args opt_opt "$@"

if ((QUICK)); then
    STEP_SECS=${BENCH_STEP_SECS:-4} ROUNDS=${BENCH_ROUNDS:-2}
    : "${PROFILE:=0}" "${MICRO:=0}"
else
    STEP_SECS=${BENCH_STEP_SECS:-5} ROUNDS=${BENCH_ROUNDS:-5}
    : "${PROFILE:=1}" "${MICRO:=1}"
fi
PROFILE_SECS=${BENCH_PROFILE_SECS:-8} PROFILE_REPS=${BENCH_PROFILE_REPS:-2}
command -v perf >/dev/null || PROFILE=0
# Fixed rates: perfdhcp (one instance, on the one CPU the server leaves it
# on a 2-CPU machine) completes about 19000 DORA/s against dhcpfo when it
# does not decode the reply options (the strip shim below); with
# --no-strip it completes only 6000-9000 against the options
# configuration, and 10000 is then not compared.  A rate that one
# configuration does not complete is reported but not compared (CPU per
# DORA falls as the rate rises).
# shellcheck disable=SC2206  # a list of numbers
RATES=(${BENCH_RATES:-1000 4000 10000})
PEAK=${BENCH_PEAK_RATE:-30000}
BOUND=${BENCH_BOUND_PCT:-5}
ALL_RATES=("${RATES[@]}")
for r_ in "${RATES[@]}"; do
    ((r_ * STEP_SECS > CLIENTS)) &&
        warn "$r_/s x $STEP_SECS s is more than the $CLIENTS clients: clients that have a lease come back, and cost less"
done
((PEAK > 0)) && ALL_RATES+=("$PEAK")

# What perfdhcp asks for.  perfdhcp 2.2 always sends its own option 55
# (1 28 2 3 15 6 12); -o 55,HEX appends HEX to it (one option 55 of 7 + N
# codes, in DISCOVER and REQUEST).  Default: 16 more configured codes,
# 4 7 23 26 42 43 44 46 66 67 119 121 150 224 249 252, so the client asks
# for 21 of the 30 configured options (not for 38 40 41 69 225 or the
# class-only 17 108 209 210 211).
PRL=${BENCH_PRL-0407171a2a2b2c2e4243777996e0f9fc}
VENDOR_CLASS=${BENCH_VENDOR_CLASS-PXEClient:Arch:00000:UNDI:002001}
GEN_OPTS=()
[[ -n $PRL ]] && GEN_OPTS+=(-o "55,$PRL")
if [[ -n $VENDOR_CLASS ]]; then
    GEN_OPTS+=(-o "60,$(printf %s "$VENDOR_CLASS" | od -An -tx1 -v | tr -d ' \n')")
fi

# The modes, in the order of odd rounds (even rounds run them backwards,
# so "options" always sits between the two plain runs).
MODES=(plain options)
((SPLIT)) && MODES+=(classes optsonly)
MODES+=(plainB)
((DO_KEA)) && MODES+=(kea)
((DO_KEA && KEA_PLAIN)) && MODES+=(keaplain)

bench_preflight bench ip ss taskset timeout /usr/bin/time awk cc od "$PERFDHCP"
if ((DO_KEA)); then
    [[ -x $KEA_BIN ]] || { msg "bench: $KEA_BIN not found (--no-kea to run without)"; exit 2; }
    command -v jq >/dev/null || { msg "bench: jq is needed for Kea's plain configuration"; exit 2; }
fi
[[ -x $DHCPFO_BIN ]] || { msg "bench: ${DHCPFO_BIN#"$REPO"/} missing: make build/dhcpfo-primary"; exit 2; }

bench_begin || exit 1
private_copies
newer=$(find "$REPO/primary" "$REPO/common" -name '*.[ch]' -newer "$DHCPFO_SRC" 2>/dev/null | head -3 | tr '\n' ' ')
[[ -n $newer ]] && warn "${DHCPFO_SRC#"$REPO"/} (built $DHCPFO_BUILT) is older than: $newer"

# ---- the configurations -----------------------------------------------------
# ini_merge BASE ADD...: BASE with the lines of each [section] of the ADD
# files at the end of that section, or the section appended when BASE has
# none (comments and blank lines of ADD left out).
ini_merge() {
    awk '
    function sec(l,   h) { h = l; gsub(/[ \t]/, "", h); return tolower(h) }
    FNR == 1 { fi++ }
    fi > 1 {
        if ($0 ~ /^[ \t]*[;#]/ || $0 ~ /^[ \t]*$/) next
        if ($0 ~ /^[ \t]*\[/) { cur = sec($0); if (!(cur in add)) { order[++na] = cur; add[cur] = "" }; next }
        if (cur != "") add[cur] = add[cur] $0 "\n"
        next
    }
    { base[++nb] = $0 }
    END {
        cur = ""
        for (i = 1; i <= nb; i++) {
            if (base[i] ~ /^[ \t]*\[/) {
                if (cur in add) { printf "%s", add[cur]; done[cur] = 1 }
                cur = sec(base[i])
            }
            print base[i]
        }
        if (cur in add) { printf "%s", add[cur]; done[cur] = 1 }
        for (k = 1; k <= na; k++)
            if (!(order[k] in done)) { print ""; print order[k]; printf "%s", add[order[k]] }
    }' "$@"
}
# ini_sections FILE KEEP_RE DROP_RE: the sections of FILE whose header
# matches KEEP_RE, without the keys matching DROP_RE
ini_sections() {
    awk -v keep="$2" -v drop="$3" '
        /^[ \t]*\[/ { h = tolower($0); gsub(/[ \t]/, "", h); on = h ~ keep; if (on) print; next }
        on && !(drop != "" && $0 ~ drop) { print }' "$1"
}
CFG=$TMP/conf
mkdir -p "$CFG"
cp "$BENCH_DIR/options-plain.ini.in" "$CFG/plain.add"
cat "$BENCH_DIR/options-plain.ini.in" "$BENCH_DIR/options-dhcpfo.ini.in" >"$CFG/options.add"
cp "$CFG/plain.add" "$CFG/plainB.add"
# classes: the 20 classes and the definitions they use, plain [server]
# and subnet; optsonly: every option, no class
{ cat "$CFG/plain.add"; ini_sections "$BENCH_DIR/options-dhcpfo.ini.in" '^\[(option|class):' ''; } >"$CFG/classes.add"
{ cat "$CFG/plain.add"; ini_sections "$BENCH_DIR/options-dhcpfo.ini.in" '^\[(server|subnet:bench|option:.*)\]' ''; } >"$CFG/optsonly.add"

# The lib.sh writer, then this bench's additions (CUR_MODE).
eval "$(declare -f write_config | sed '1s/^write_config/lib_write_config/')"
CUR_MODE=plain
write_config() {
    local kind=$1 dir=$2 conf
    case $kind in
    dhcpfo)
        conf=$(lib_write_config dhcpfo "$dir") || return 1
        ini_merge "$conf" "$CFG/$CUR_MODE.add" >"$conf.new" && mv "$conf.new" "$conf"
        echo "$conf" ;;
    kea)
        local mt=false thr=0
        if [[ $KEA_THREADS -gt 0 ]]; then mt=true thr=$KEA_THREADS; fi
        subst "$BENCH_DIR/options-kea.json.in" "$dir/kea-dhcp4.json" \
            SERVER_ADDR="$SERVER_ADDR" LEASE_FILE="$dir/leases4.csv" \
            KEA_MT="$mt" KEA_THREADS="$thr" LEASE_TIME="$LEASE_TIME" \
            SUBNET="$SUBNET" RANGE_START="$RANGE_START" RANGE_END="$RANGE_END" \
            LOG_FILE="$dir/kea.log"
        if [[ $CUR_MODE == keaplain ]]; then
            grep -v '^[[:space:]]*//' "$dir/kea-dhcp4.json" | jq '.Dhcp4 |=
                (del(."client-classes", ."option-def", ."option-data")
                 | .subnet4 |= map(."option-data" |= map(select(.name == "routers"
                     or .name == "domain-name-servers" or .name == "domain-name"))))' \
                >"$dir/kea-dhcp4.json.new" && mv "$dir/kea-dhcp4.json.new" "$dir/kea-dhcp4.json"
        fi
        echo "$dir/kea-dhcp4.json" ;;
    *) lib_write_config "$@" ;;
    esac
}
mode_kind() { case $1 in kea | keaplain) echo kea ;; *) echo dhcpfo ;; esac; }

# Every configuration is checked (-t) before the run.
for mode in "${MODES[@]}"; do
    CUR_MODE=$mode
    mkdir -p "$CFG/check-$mode"
    kind=$(mode_kind "$mode")
    conf=$(write_config "$kind" "$CFG/check-$mode") || exit 1
    check_config "$kind" "$conf" || { msg "bench: the $mode configuration is refused"; exit 1; }
done
count_opts() {   # FILE -> "options defs classes" of a merged dhcpfo file
    awk '/^[ \t]*\[option:/ { d++ } /^[ \t]*\[class:/ { c++ }
         /^[ \t]*(Option\.|Routers|DnsServers|DomainName)/ { o++ }
         END { printf "%d option settings, %d definitions, %d classes", o, d, c }' "$1"
}

# ---- perfdhcp with the options: lib.sh's run_step runs $PERFDHCP ----------
# (perfdhcp takes -o only after -4, run_step's first argument)
cat >"$TMP/perfdhcp" <<EOF
#!/bin/sh
first=\$1
shift
exec "$PERFDHCP" "\$first" $(printf '%q ' "${GEN_OPTS[@]}") "\$@"
EOF
chmod +x "$TMP/perfdhcp"
REAL_PERFDHCP=$PERFDHCP
PERFDHCP=$TMP/perfdhcp

# ---- perfdhcp decodes less (default; --no-strip to not) -----------------------
# perfdhcp decodes every option of every reply with Kea's libdhcp++: about
# 55 us of its CPU per DORA with plain replies, 125-190 us with the 24
# options of the options configuration, so with one perfdhcp on the one
# CPU left it completes only 6000-9000 DORA/s against either server.
# This shim (LD_PRELOAD, perfdhcp only, like lib.sh's rcvbuf_preload.so)
# rewrites each DHCP reply perfdhcp receives to 53 54 51 58 59 1 and END
# before perfdhcp sees it: what perfdhcp needs to send the REQUEST and
# count the exchange.  What goes on the wire, and so what the servers do,
# is unchanged (show_replies below captures them on the wire).
STRIP_NOTE="perfdhcp decodes every option of each reply (--no-strip)"
if ((STRIP)); then
    cat >"$TMP/strip_preload.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	static const unsigned char keep[] = { 53, 54, 51, 58, 59, 1 };
	unsigned char *p, tmp[64];
	ssize_t n;
	size_t o = 240, w = 0;

	if (real == NULL)
		real = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT,
		    "recvmsg");
	n = real(fd, msg, flags);
	if (n < 244 || msg == NULL || msg->msg_iovlen != 1 ||
	    (size_t)n > msg->msg_iov[0].iov_len)
		return n;
	p = msg->msg_iov[0].iov_base;
	if (p[0] != 2 || p[236] != 99 || p[237] != 130 || p[238] != 83 ||
	    p[239] != 99)
		return n;
	while (o < (size_t)n) {
		unsigned char c = p[o], l;

		if (c == 255)
			break;
		if (c == 0) {
			o++;
			continue;
		}
		if (o + 1 >= (size_t)n || o + 2 + p[o + 1] > (size_t)n)
			return n;		/* malformed: leave it to perfdhcp */
		l = p[o + 1];
		if (memchr(keep, c, sizeof(keep)) != NULL &&
		    w + 2 + l < sizeof(tmp)) {
			memcpy(tmp + w, p + o, 2 + (size_t)l);
			w += 2 + (size_t)l;
		}
		o += 2 + (size_t)l;
	}
	memcpy(p + 240, tmp, w);
	p[240 + w] = 255;
	return (ssize_t)(240 + w + 1);
}
CEOF
    if cc -O2 -shared -fPIC -o "$TMP/strip_preload.so" "$TMP/strip_preload.c" -ldl >"$TMP/strip.log" 2>&1; then
        if ((HAVE_PRELOAD)); then
            GEN_ENV=(env LD_PRELOAD="$TMP/rcvbuf_preload.so:$TMP/strip_preload.so" DFOBENCH_RCVBUF="$GEN_RCVBUF")
        else
            GEN_ENV=(env LD_PRELOAD="$TMP/strip_preload.so")
        fi
        STRIP_NOTE="perfdhcp sees each reply cut to 53 54 51 58 59 1 (shim; the wire is unchanged)"
    else
        warn "cannot build the strip shim: perfdhcp decodes every option ($TMP/strip.log)"
    fi
fi

# ---- one reply of each configuration, decoded (tcpdump, outside the timing)
# reply_codes PCAP -> "LEN file=NAME codes=C,C,..." of the first DHCPACK
reply_codes() {
    tcpdump -r "$1" -nn -x 'udp src port 67' 2>/dev/null | awk '
        function hx(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
        /^[0-9]/ { if (hex != "") pkt[++n] = hex; hex = ""; next }
        /0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i }
        END {
            if (hex != "") pkt[++n] = hex
            for (k = 1; k <= n; k++) {
                h = pkt[k]; ihl = 4 * hx(substr(h, 2, 1))
                d = 2 * (ihl + 8)            # hex offset of the DHCP message
                len = length(h) / 2 - ihl - 8
                file = ""
                for (j = 0; j < 128; j++) {
                    c = hx(substr(h, d + 2 * (108 + j) + 1, 2))
                    if (c == 0) break
                    file = file sprintf("%c", c)
                }
                o = 240; codes = ""; type = 0
                while (o < len) {
                    c = hx(substr(h, d + 2 * o + 1, 2))
                    if (c == 255) break
                    if (c == 0) { o++; continue }
                    l = hx(substr(h, d + 2 * (o + 1) + 1, 2))
                    if (c == 53) type = hx(substr(h, d + 2 * (o + 2) + 1, 2))
                    codes = codes (codes == "" ? "" : ",") c
                    o += 2 + l
                }
                if (type == 5) { printf "%d bytes, file=%s, options %s\n", len, (file == "" ? "-" : file), codes; exit }
            }
        }'
}
show_replies() {
    command -v tcpdump >/dev/null || { note "(no tcpdump: replies not shown)"; return 0; }
    local mode kind dir tp
    for mode in "${MODES[@]}"; do
        [[ $mode == plainB ]] && continue
        CUR_MODE=$mode kind=$(mode_kind "$mode") dir=$CFG/reply-$mode
        mkdir -p "$dir"
        start_server "$kind" "$dir" || continue
        # started directly (ip netns exec execs): $! is tcpdump's own pid
        ip netns exec "$NS" tcpdump -i lo -U -w "$dir/reply.pcap" -s 0 udp port "$DHCP_PORT" >/dev/null 2>&1 &
        tp=$!
        track "$tp"
        sleep 0.5
        nsx "$PERFDHCP" -4 -g single -l "$RELAY_ADDR" -r 2 -R 2 -b mac=00:0c:ff:00:00:00 \
            -p 1 -W 300000 "$SERVER_ADDR" >"$dir/perfdhcp.out" 2>&1
        sleep 0.3
        stop_pid "$tp" INT
        stop_pid "$SRV_PID"
        msg "  $(printf '%-9s' "$mode") reply (DHCPACK): $(reply_codes "$dir/reply.pcap")"
    done
}

# ---- precise CPU of the server: its process CPU clock ------------------------
# clock_getcpuclockid(PID): user + system time of every thread of the
# process, those that ended included, in ns, with the running threads
# brought up to date when read.  (/proc/PID/stat counts 10 ms ticks, and
# /proc/PID/task/*/schedstat lags behind for a thread that runs without a
# break, as Kea does when it is saturated.)
cat >"$TMP/cpuclock.c" <<'CEOF'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
	clockid_t	 cid;
	struct timespec	 ts;

	if (argc != 2 || clock_getcpuclockid((pid_t)atoi(argv[1]), &cid) != 0 ||
	    clock_gettime(cid, &ts) != 0)
		return 1;
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}
CEOF
cc -O2 -o "$TMP/cpuclock" "$TMP/cpuclock.c" 2>"$TMP/cpuclock.log" ||
    warn "cannot build the CPU clock reader: CPU from /proc/PID/stat ticks (10 ms)"
HOOK_PID=0 NS0="" NS1=""
# shellcheck disable=SC2317  # called by the lib.sh run_step hook
cpu_hook() {
    case $1 in
    ready) HOOK_PID=$3 NS0="" NS1="" ;;
    start) NS0=$("$TMP/cpuclock" "$HOOK_PID" 2>/dev/null) ;;
    stop)  NS1=$("$TMP/cpuclock" "$HOOK_PID" 2>/dev/null) ;;
    res)   [[ -n $NS0 && -n $NS1 ]] && echo "X_cpu_ns=$((NS1 - NS0))" ;;
    esac
    return 0
}
# shellcheck disable=SC2034  # read by lib.sh run_step
STEP_HOOK=cpu_hook

# one_step MODE RATE DIR
one_step() {
    local mode=$1 rate=$2 dir=$3 kind cpu us oth gus uus
    CUR_MODE=$mode kind=$(mode_kind "$mode")
    unset X_cpu_ns
    run_step "$kind" "$rate" "$STEP_SECS" "$dir"
    load_res "$dir"
    if [[ ${X_cpu_ns:-0} -gt 0 ]]; then
        cpu=$(fcalc "$X_cpu_ns / 1e9")
    else
        # no CPU clock reader: the ticks of /proc/PID/stat (10 ms)
        cpu=$(fcalc "${S_srv_user:-0} + ${S_srv_sys:-0}")
    fi
    us=$(fcalc "${P_ra_rcvd:-0} > 0 ? 1e6 * $cpu / $P_ra_rcvd : 0")
    # (other processes' CPU; can come out below 0, as perfdhcp's time
    # covers its start and exit wait too: shown as 0, as lib.sh does)
    oth=$(fcalc "${S_wall:-0} > 0 && ${S_other_cpu:-0} > 0 ? 100 * ${S_other_cpu:-0} / $S_wall : 0")
    # perfdhcp's CPU (its whole run, /usr/bin/time) per DORA: what the
    # replies cost the generator
    gus=$(fcalc "${P_ra_rcvd:-0} > 0 ? 1e6 * (${S_gen_user:-0} + ${S_gen_sys:-0}) / $P_ra_rcvd : 0")
    # the server's user time alone, as /proc/PID/stat splits it (sampled
    # at the tick: too noisy on this VM to compare, shown for reference)
    uus=$(fcalc "${P_ra_rcvd:-0} > 0 ? 1e6 * ${S_srv_user:-0} / $P_ra_rcvd : 0")
    printf '  %-8s r%d offered %6d/s  got %7.0f/s  drops %5.2f/%5.2f%%  CPU %5.1f%% %6.1f us/DORA (user %5.1f)  perfdhcp %5.1f us/DORA  other load %3.0f%%  %s\n' \
        "$mode" "$round" "$rate" "${S_achieved:-0}" "${S_do_pct:-100}" "${S_ra_pct:-100}" \
        "$(fcalc "100 * $cpu / $STEP_SECS")" "$us" "$uus" \
        "$gus" "$oth" "${S_status:-error}" >&2
    echo "$mode $rate $round ${S_achieved:-0} $us ${S_status:-error} $oth ${S_do_pct:-100} ${S_ra_pct:-100} $gus $uus" >>"$TMP/results"
}

# ---- the run ----------------------------------------------------------------
msg "bench: namespace $NS, temp dir $TMP ($BENCH_FSTYPE), server CPU(s) $SRV_CPUS, perfdhcp CPU $GEN_CPUS, nice $NICE"
msg "bench: dhcpfo-primary ${DHCPFO_SRC#"$REPO"/} built $DHCPFO_BUILT; Kea $("$KEA_BIN" -v 2>/dev/null); perfdhcp $("$REAL_PERFDHCP" -v 2>&1 | awk '{ print $NF; exit }')"
msg "bench: $STEP_SECS s steps, $ROUNDS rounds, offered ${RATES[*]}$( ((PEAK > 0)) && echo " and peak $PEAK") DORA/s, $CLIENTS clients; modes ${MODES[*]}"
msg "bench: perfdhcp ${GEN_OPTS[*]:-(no extra options)}; $STRIP_NOTE"
for mode in "${MODES[@]}"; do
    [[ $(mode_kind "$mode") == dhcpfo ]] && msg "  $(printf '%-9s' "$mode") $(count_opts "$CFG/check-$mode/primary.ini")"
done
show_replies
: >"$TMP/results"
n=0
T_START=$(date +%s)
for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=("${MODES[@]}"); else
        order=(); for ((i = ${#MODES[@]} - 1; i >= 0; i--)); do order+=("${MODES[i]}"); done
    fi
    for rate in "${ALL_RATES[@]}"; do
        for mode in "${order[@]}"; do
            n=$((n + 1))
            one_step "$mode" "$rate" "$TMP/step$n"
        done
    done
done
msg "bench: $n steps in $(($(date +%s) - T_START)) s"

# ---- report -------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v m="$1" -v r="$2" -v c="$3" '$1 == m && $2 == r { print $c }' "$TMP/results"; }
# paired MODE RATE COL: per round, MODE / mean(plain, plainB) of that round
# (MODE ran between them), then the median over the rounds
paired() {
    awk -v m="$1" -v r="$2" -v c="$3" '
        $2 == r { v[$1, $3] = $c; rounds[$3] = 1 }
        END { for (k in rounds) { p = (v["plain", k] + v["plainB", k]) / 2
                  if (p > 0 && ((m, k) in v)) print v[m, k] / p } }' "$TMP/results" | median
}
noise() {   # RATE COL: per round plainB / plain, median
    awk -v r="$1" -v c="$2" '$2 == r { v[$1, $3] = $c; rounds[$3] = 1 }
        END { for (k in rounds) if (v["plain", k] > 0) print v["plainB", k] / v["plain", k] }' "$TMP/results" | median
}
noisedev() {  # RATE COL: per round |plainB / plain - 1|, median: the noise of one ratio
    awk -v r="$1" -v c="$2" '$2 == r { v[$1, $3] = $c; rounds[$3] = 1 }
        END { for (k in rounds) if (v["plain", k] > 0) { d = v["plainB", k] / v["plain", k] - 1; print (d < 0) ? -d : d } }' "$TMP/results" | median
}
spread() {  # MODE RATE COL -> "min-max"
    col "$1" "$2" "$3" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'
}

declare -A CPU_RATIO=() CMP=()
hdr() {
    printf '%-9s' "offered/s"
    for m in "${MODES[@]}"; do printf ' %9s' "$m"; done
    printf '  %s\n' "$*"
}
echo
echo "bench/options.sh: $(date '+%F %T'), $(nproc) CPUs, $STEP_SECS s steps, $ROUNDS rounds, medians over the rounds"
echo
hdr "  opt/plain plainB/plain   <- DORA/s completed"
for rate in "${ALL_RATES[@]}"; do
    printf '%-9s' "$rate"
    for m in "${MODES[@]}"; do printf ' %9.0f' "$(col "$m" "$rate" 4 | median)"; done
    printf '  %9s %12s\n' "$(fmt2 "$(paired options "$rate" 4)")" "$(fmt2 "$(noise "$rate" 4)")"
done
echo
hdr "  opt/plain plainB/plain  noise   <- server CPU us per DORA"
worst_cpu="" worst_noise=0 last_cmp="" last_cmp_fixed="" verdict=PASS
lo=$(fcalc "1 - $BOUND / 100") hi=$(fcalc "1 + $BOUND / 100")
declare -A NZ=() RV=()
for rate in "${ALL_RATES[@]}"; do
    printf '%-9s' "$rate"
    for m in "${MODES[@]}"; do printf ' %9.1f' "$(col "$m" "$rate" 5 | median)"; done
    r=$(paired options "$rate" 5) nz=$(noise "$rate" 5) nd=$(noisedev "$rate" 5)
    CPU_RATIO[$rate]=$r NZ[$rate]=$nd
    # Comparable: plain, plainB and options completed rates within 5 % of
    # each other (CPU per DORA falls as the rate rises: group commit; and
    # clients that come back cost less).
    CMP[$rate]=$(for m in plain plainB options; do col "$m" "$rate" 4 | median; done |
        awk -v lo="$lo" 'NR == 1 || $1 < mn { mn = $1 } NR == 1 || $1 > mx { mx = $1 }
            END { print (mx > 0 && mn / mx >= lo) ? 1 : 0 }')
    tag=""
    if [[ ${CMP[$rate]} == 1 ]]; then
        [[ -z $worst_cpu ]] || fge "$r" "$worst_cpu" && worst_cpu=$r
        fge "$nd" "$worst_noise" && worst_noise=$nd
        last_cmp=$rate
        [[ $rate != "$PEAK" ]] && last_cmp_fixed=$rate
        # Over the bound: FAIL when by more than the noise of one ratio
        # at this rate, else INCONCLUSIVE.
        RV[$rate]=PASS
        if flt "$hi" "$r"; then
            if flt "$nd" "$(fcalc "$r - $hi")"; then RV[$rate]=FAIL verdict=FAIL
            else RV[$rate]=INCONCLUSIVE; [[ $verdict == PASS ]] && verdict=INCONCLUSIVE; fi
        fi
        tag="  ${RV[$rate]}"
    else
        tag="  (not compared: the configurations completed different rates)"
    fi
    printf '  %9s %12s %5s%%%s\n' "$(fmt2 "$r")" "$(fmt2 "$nz")" "$(fmt1 "$(fcalc "100 * $nd")")" "$tag"
done
echo
hdr "                           <- perfdhcp CPU us per DORA (the generator)"
for rate in "${ALL_RATES[@]}"; do
    printf '%-9s' "$rate"
    for m in "${MODES[@]}"; do printf ' %9.1f' "$(col "$m" "$rate" 10 | median)"; done
    printf '\n'
done
echo
echo "opt/plain: in each round, options / the mean of the two plain runs around it (it runs between"
echo "them), median over the rounds.  plainB/plain: the same binary and configuration twice -- the"
echo "noise of this measurement; noise: the median over the rounds of |plainB/plain - 1|, how far one"
echo "such ratio strays.  A ratio over the ${BOUND}% bound by more than that noise is FAIL, by less INCONCLUSIVE."
echo "CPU: user+sys of the server, all threads (its CPU clock, ns), per DORA completed."
echo
echo "spread over the rounds (server CPU us per DORA, min-max):"
for rate in "${ALL_RATES[@]}"; do
    printf '  %-7s' "$rate"
    for m in "${MODES[@]}"; do printf ' %s %s' "$m" "$(spread "$m" "$rate" 5)"; done
    printf '\n'
done
echo "other load on the machine (% of one CPU during a step): median $(awk '{ print $7 }' "$TMP/results" | median | xargs printf '%.0f')%, max $(awk '{ print $7 }' "$TMP/results" | sort -g | tail -1 | xargs printf '%.0f')%"
statuses=$(awk '$6 != "pass" { printf "%s@%s:%s ", $1, $2, $6 }' "$TMP/results")
[[ -n $statuses ]] && echo "steps that did not pass (<1% drops, full rate sent): $statuses"
if ((SPLIT)); then
    echo
    echo "split (server CPU per DORA / plain, paired per round):"
    for rate in "${ALL_RATES[@]}"; do
        printf '  %-7s classes only %s   options only %s   both %s\n' "$rate" \
            "$(fmt2 "$(paired classes "$rate" 5)")" "$(fmt2 "$(paired optsonly "$rate" 5)")" "$(fmt2 "${CPU_RATIO[$rate]}")"
    done
fi

# ---- where the CPU goes (perf record, not used for the figures) ---------------
# perf_groups DIR: "group pct" lines from DIR/perf.data, by the functions
# of the feature (common/dhcp/classify.c, reply_opts.c), the option codec
# (dhcp_codec.c) and the rest; static helpers may be inlined into them
perf_groups() {
    perf report -i "$1/perf.data" --no-children --sort dso,sym --stdio -q --percent-limit 0 \
        2>/dev/null | tee "$1/perf.txt" | awk '
        $1 ~ /%$/ {
            p = $1; sub(/%/, "", p); sym = $NF; dso = $2
            if (sym ~ /^(classify|class_matches|class_match_value|class_glob|match_relay|match_user_class|match_arch|glob_one|glob_set)$/) g = "classes (classify.c)"
            else if (sym ~ /^(reply_levels|reply_opts_fill|vendor_add|boot_fields|add_config_opts|config_optset)$/) g = "option assembly (reply_opts.c)"
            else if (sym ~ /^(dhcp_opt_|dhcp_subopt_get|dhcp_msg_|opt_compact_set|dhcp_reply_)/) g = "option codec (dhcp_codec.c)"
            else if ($3 == "[k]") g = "kernel"
            else if (dso ~ /^dhcpfo/) g = "rest of dhcpfo-primary"
            else g = "libraries (" dso ")"
            tot[g] += p
        }
        END { for (g in tot) printf "%s\t%.3f\n", g, tot[g] }'
}
if ((PROFILE)); then
    # the highest compared fixed rate: a fixed rate is what perfdhcp offers
    prate=${last_cmp_fixed:-${RATES[-1]}}
    # Only new clients, as in the measured steps: perfdhcp cycles through
    # its CLIENTS, and a DORA of a client that has a lease costs less.
    psecs=$PROFILE_SECS
    max_secs=$((CLIENTS * 9 / 10 / prate))
    ((psecs > max_secs)) && psecs=$max_secs
    ((psecs < 1)) && psecs=1
    msg ""
    msg "bench: profiling plain and options at $prate/s, $PROFILE_REPS x $psecs s each, alternated (perf record, not used for the figures)"
    declare -A PCPU=() PDORA=()
    for ((rep = 1; rep <= PROFILE_REPS; rep++)); do
        for mode in plain options; do
            CUR_MODE=$mode
            d=$TMP/profile-$mode-$rep
            run_step dhcpfo "$prate" "$psecs" "$d" record
            load_res "$d"
            # group -> CPU seconds in it (share x the step's CPU)
            perf_groups "$d" | awk -F'\t' -v cpu="${X_cpu_ns:-0}" -v m="$mode" \
                '{ printf "%s\t%s\t%.9f\n", m, $1, $2 / 100 * cpu / 1e9 }' >>"$TMP/profile.groups"
            PCPU[$mode]=$(fcalc "${PCPU[$mode]:-0} + ${X_cpu_ns:-0} / 1e9")
            PDORA[$mode]=$(( ${PDORA[$mode]:-0} + ${P_ra_rcvd:-0} ))
        done
    done
    echo
    printf 'where the server CPU goes at %s/s (perf record, %d x %d s per configuration; us per DORA = share x CPU):\n' \
        "$prate" "$PROFILE_REPS" "$psecs"
    printf '  %-34s %17s %17s %10s\n' "" "plain" "options" "difference"
    pu=$(fcalc "${PDORA[plain]} > 0 ? 1e6 * ${PCPU[plain]} / ${PDORA[plain]} : 0")
    ou=$(fcalc "${PDORA[options]} > 0 ? 1e6 * ${PCPU[options]} / ${PDORA[options]} : 0")
    printf '  %-34s %14.2f us %14.2f us %7.2f us\n' "all (CPU per DORA, these steps)" "$pu" "$ou" "$(fcalc "$ou - $pu")"
    awk -F'\t' -v pd="${PDORA[plain]}" -v od="${PDORA[options]}" -v pc="${PCPU[plain]}" -v oc="${PCPU[options]}" '
        { s[$1, $2] += $3; g[$2] = 1 }
        END {
            for (k in g) {
                a = (pd > 0) ? 1e6 * s["plain", k] / pd : 0; b = (od > 0) ? 1e6 * s["options", k] / od : 0
                sa = (pc > 0) ? 100 * s["plain", k] / pc : 0; sb = (oc > 0) ? 100 * s["options", k] / oc : 0
                printf "%.6f\t  %-34s %6.1f%% %6.2f us %6.1f%% %6.2f us %7.2f us\n", b, k, sa, a, sb, b, b - a
            }
        }' "$TMP/profile.groups" | sort -t"$(printf '\t')" -k1,1gr | cut -f2-
    echo "  (perf samples at 999 Hz: a group under 1% of the samples is a few dozen samples, +-20% or so)"
    echo "  top functions of the last options step (share of its samples):"
    awk '$1 ~ /%$/ { printf "    %-8s %-22s %s\n", $1, $2, $NF }' "$TMP/profile-options-$PROFILE_REPS/perf.txt" | head -12
fi

# ---- the functions alone (--micro): one process, hot caches -----------------
# req_hex PCAP TYPE -> the DHCP payload (hex) of the first request of TYPE
req_hex() {
    tcpdump -r "$1" -nn -x 'udp dst port 67' 2>/dev/null | awk -v want="$2" '
        function hx(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
        /^[0-9]/ { if (hex != "") pkt[++n] = hex; hex = ""; next }
        /0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i }
        END {
            if (hex != "") pkt[++n] = hex
            for (k = 1; k <= n; k++) {
                h = pkt[k]; d = 2 * (4 * hx(substr(h, 2, 1)) + 8); len = length(h) / 2 - d / 2
                for (o = 240; o < len; ) {
                    c = hx(substr(h, d + 2 * o + 1, 2))
                    if (c == 255) break
                    if (c == 0) { o++; continue }
                    if (c == 53) { if (hx(substr(h, d + 2 * (o + 2) + 1, 2)) == want) { print substr(h, d + 1); exit } ; break }
                    o += 2 + hx(substr(h, d + 2 * (o + 1) + 1, 2))
                }
            }
        }'
}
run_micro() {
    local b=$REPO/build src=$TMP/micro.c
    if [[ ! -f $b/libdhcpfo.a || ! -f $b/obj/primary/pr_config.o ]]; then
        echo "micro: build/libdhcpfo.a or build/obj/primary/pr_config.o missing (make build/dhcpfo-primary)"
        return 1
    fi
    [[ -s $CFG/reply-options/reply.pcap ]] || { echo "micro: no captured request (needs tcpdump)"; return 1; }
    # The objects must be as new as the headers it includes: a header
    # edited since the last build would give a wrong layout.
    local stale
    stale=$(find "$REPO"/common -name '*.h' -newer "$b/libdhcpfo.a" 2>/dev/null | head -3 | tr '\n' ' ')
    if [[ -n $stale ]]; then
        echo "micro: skipped, headers newer than build/libdhcpfo.a: $stale(make build/dhcpfo-primary)"
        return 1
    fi
    req_hex "$CFG/reply-options/reply.pcap" 1 >"$TMP/discover.hex"
    req_hex "$CFG/reply-options/reply.pcap" 3 >"$TMP/request.hex"
    cat >"$src" <<'CEOF'
/* bench/options.sh --micro: per request, the functions the options
 * configuration adds work to, on the real code (build/libdhcpfo.a):
 * decode, classify, the configured part of the reply as engine.c's
 * add_config_opts builds it, encode.  argv: plain.ini options.ini
 * request.hex reply-type N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "config.h"
#include "dhcp_codec.h"
#include "reply_opts.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct dhcp_msg req, rp;
static uint8_t out[1500];
static volatile uint64_t sink;

static size_t
build(const struct config *cfg, uint64_t classes, int type, int enc)
{
	const struct cfg_subnet *sn = &cfg->subnets[0];
	struct reply_levels lv;
	const uint8_t *prl, *v;
	size_t prl_len = 0, len, olen = 0;

	prl = dhcp_opt_get(&req, 55, &prl_len);
	dhcp_msg_init(&rp);
	rp.op = 2;
	(void)dhcp_opt_set_u8(&rp, 53, (uint8_t)type);
	(void)dhcp_opt_set_u32(&rp, 54, 0x7f000001);
	if ((v = dhcp_opt_get(&req, 61, &len)) != NULL)
		(void)dhcp_opt_set(&rp, 61, v, len);
	(void)dhcp_opt_set_u32(&rp, 51, 86400);
	(void)dhcp_opt_set_u32(&rp, 58, 43200);
	(void)dhcp_opt_set_u32(&rp, 59, 75600);
	(void)dhcp_opt_set_u32(&rp, 1, sn->mask);
	reply_levels(cfg, sn, NULL, classes, &lv);
	reply_opts_fill(&rp, &lv, prl, prl_len, true);
	if (!dhcp_opt_has(&rp, 28) && (prl == NULL || memchr(prl, 28, prl_len)))
		(void)dhcp_opt_set_u32(&rp, 28, 0x7fffffff);
	if (enc)
		(void)dhcp_msg_encode(&rp, prl, prl_len, 548, out,
		    sizeof(out), &olen, NULL);
	return olen;
}

int
main(int argc, char **argv)
{
	static struct config cfg[2];
	const char *name[2] = { "plain", "options" };
	uint8_t pkt[1500];
	size_t plen = 0, n;
	unsigned v;
	int type;
	FILE *f;

	if (argc != 6)
		return 2;
	type = atoi(argv[4]);
	n = strtoul(argv[5], NULL, 10);
	for (int i = 0; i < 2; i++)
		if (config_load_primary(argv[1 + i], &cfg[i], NULL) != 0) {
			fprintf(stderr, "cannot load %s\n", argv[1 + i]);
			return 1;
		}
	if ((f = fopen(argv[3], "r")) == NULL)
		return 1;
	while (plen < sizeof(pkt) && fscanf(f, "%2x", &v) == 1)
		pkt[plen++] = (uint8_t)v;
	fclose(f);
	/* best of 3 runs of n, per phase */
	for (int i = 0; i < 2; i++) {
		double best[4] = { 1e9, 1e9, 1e9, 1e9 }, t0, t;
		uint64_t cl = 0;
		size_t olen = 0;

		for (int rep = 0; rep < 3; rep++) {
			t0 = now();
			for (size_t k = 0; k < n; k++) {
				(void)dhcp_msg_decode(pkt, plen, &req);
				sink += req.xid;
			}
			if ((t = (now() - t0) / (double)n * 1e9) < best[0])
				best[0] = t;
			t0 = now();
			for (size_t k = 0; k < n; k++)
				cl = classify(&cfg[i], &req);
			if ((t = (now() - t0) / (double)n * 1e9) < best[1])
				best[1] = t;
			t0 = now();
			for (size_t k = 0; k < n; k++)
				sink += build(&cfg[i], cl, type, 0);
			if ((t = (now() - t0) / (double)n * 1e9) < best[2])
				best[2] = t;
			t0 = now();
			for (size_t k = 0; k < n; k++)
				olen = build(&cfg[i], cl, type, 1);
			if ((t = (now() - t0) / (double)n * 1e9) < best[3])
				best[3] = t;
		}
		printf("%s %.1f %.1f %.1f %.1f %zu %#llx\n", name[i], best[0],
		    best[1], best[2], best[3] - best[2], olen,
		    (unsigned long long)cl);
	}
	for (size_t c = 0; c < cfg[1].nclasses; c++) {
		double t0 = now();
		unsigned hit = 0;

		for (size_t k = 0; k < n; k++)
			hit += class_matches(&cfg[1].classes[c], &req);
		printf("class %s %.1f %s\n", cfg[1].classes[c].name,
		    (now() - t0) / (double)n * 1e9, hit ? "match" : "-");
	}
	return 0;
}
CEOF
    local inc=() d
    for d in common/util common/config common/store common/proto common/net common/dhcp snmp; do inc+=(-I"$REPO/$d"); done
    if ! cc -O2 -std=c11 -D_GNU_SOURCE "${inc[@]}" -I/usr/include/iniparser -o "$TMP/micro" "$src" \
        "$b/obj/primary/pr_config.o" "$b/libdhcpfo.a" \
        -ldb-5.3 -liniparser -lcrypto -lev -lpthread -lnetsnmpagent -lnetsnmp >"$TMP/micro.log" 2>&1; then
        echo "micro: does not build against this tree (see $TMP/micro.log, --keep)"; return 1
    fi
    local t f
    for t in 1 3; do
        f=$TMP/discover.hex
        [[ $t == 3 ]] && f=$TMP/request.hex
        "${PIN_SRV[@]}" "$TMP/micro" "$CFG/check-plain/primary.ini" "$CFG/check-options/primary.ini" \
            "$f" $((t == 1 ? 2 : 5)) 300000 >"$TMP/micro.$t" 2>&1 || { echo "micro: failed (see $TMP/micro.$t)"; return 1; }
    done
    echo
    echo "the functions alone (--micro: one process on the server's CPU, hot caches, ns per request; a DORA is"
    echo "a DISCOVER and a REQUEST, each answered):"
    awk '
        FNR == 1 { t++ }
        $1 == "plain" || $1 == "options" { for (i = 2; i <= 5; i++) v[$1, i] += $i; len[$1, t] = $6 }
        $1 == "class" { c[$2] += $3; m[$2] = ($4 == "match" || m[$2] == "match") ? "match" : "-"; if (!($2 in seen)) { seen[$2] = 1; order[++nc] = $2 } }
        END {
            split("decode classify reply-assembly encode", ph, " ")
            printf "  %-16s %12s %12s %12s\n", "per DORA", "plain", "options", "difference"
            for (i = 2; i <= 5; i++) {
                a = v["plain", i]; b = v["options", i]; tot_a += a; tot_b += b
                printf "  %-16s %9.0f ns %9.0f ns %9.0f ns\n", ph[i - 1], a, b, b - a
            }
            printf "  %-16s %9.0f ns %9.0f ns %9.0f ns\n", "all four", tot_a, tot_b, tot_b - tot_a
            printf "  reply sizes (OFFER/ACK): plain %d/%d bytes, options %d/%d bytes\n", len["plain", 1], len["plain", 2], len["options", 1], len["options", 2]
            printf "  classify per class (ns per DORA):"
            for (k = 1; k <= nc; k++) printf "%s %s %.0f%s", (k % 5 == 1 ? "\n   " : ""), order[k], c[order[k]], (m[order[k]] == "match" ? " (match)" : "")
            printf "\n"
        }' "$TMP/micro.1" "$TMP/micro.3"
}
if ((MICRO)); then
    run_micro || true
fi

# ---- verdict ----------------------------------------------------------------
# CPU per DORA at every comparable rate within the bound; the peak rate
# within the bound when the server, not perfdhcp, set it.  When perfdhcp
# was the limit at the peak (gen/genlimit), the achieved rates measure the
# generator: the capacity figure is then 1 / the CPU ratio at the highest
# comparable rate (the rate one CPU could carry if CPU were the only limit).
rc=0 peak_ratio=0 peak_noise=0 peak_gen=no cap_ratio=0
if [[ -z $worst_cpu ]]; then
    verdict=UNMEASURED rc=1
    echo "no rate was comparable (the configurations completing rates within ${BOUND}% of each other): no verdict"
else
    cap_ratio=$(fcalc "1 / ${CPU_RATIO[$last_cmp]}")
fi
if ((PEAK > 0)); then
    peak_ratio=$(paired options "$PEAK" 4) peak_noise=$(noise "$PEAK" 4)
    gl=$(awk -v r="$PEAK" '$2 == r && ($1 == "plain" || $1 == "options" || $1 == "plainB") && $6 ~ /^gen/ { n++ } END { print n + 0 }' "$TMP/results")
    echo
    printf 'peak (offered %d/s): options %.0f, plain %.0f DORA/s (ratio %.2f, plain-vs-plain %.2f)\n' "$PEAK" \
        "$(col options "$PEAK" 4 | median)" "$(col plain "$PEAK" 4 | median)" "$peak_ratio" "$peak_noise"
    if ((gl > 0)); then
        peak_gen=yes
        echo "  perfdhcp could not send the offered rate in $gl dhcpfo step(s) (gen/genlimit, no drops): the"
        echo "  achieved rates are the generator's limit, not the server's -- they show that the options"
        echo "  configuration kept up with all perfdhcp offered, not its own ceiling -- and the rate ratio is"
        echo "  left out of the verdict.  Capacity instead: 1 / CPU ratio"
        pe=$(fcalc "1e6 / $(col plain "$last_cmp" 5 | median)")
        printf '  at %s/s = %.3f (CPU-bound estimate, 1e6 / us per DORA: plain %.0f DORA/s per CPU, options\n' \
            "$last_cmp" "$cap_ratio" "$pe"
        printf '  %.0f = plain x that ratio)\n' "$(fcalc "$pe * $cap_ratio")"
    elif flt "$peak_ratio" "$lo"; then
        pn=$(fcalc "$peak_noise > 1 ? $peak_noise - 1 : 1 - $peak_noise")
        if flt "$pn" "$(fcalc "$lo - $peak_ratio")"; then verdict=FAIL
        elif [[ $verdict == PASS ]]; then verdict=INCONCLUSIVE; fi
    fi
fi
noise_ok=yes
if flt "$BOUND" "$(fcalc "100 * $worst_noise")"; then
    noise_ok=no
    echo
    printf 'NOTE: one plain-vs-plain ratio strays by %.1f%% (median) at a compared rate, more than the %s%%\n' \
        "$(fcalc "100 * $worst_noise")" "$BOUND"
    echo "      bound: this run cannot resolve a ${BOUND}% difference there.  Rerun on a quieter machine, or with"
    echo "      more rounds (BENCH_ROUNDS)."
fi
bad=$(awk '$6 == "error" || $6 == "crashed" || $6 == "noreply" { n++ } END { print n + 0 }' "$TMP/results")
if ((bad > 0)); then
    echo "ERROR: $bad step(s) produced no measurement (error, crashed or noreply): see above"
    verdict=ERROR rc=1
fi
echo
printf 'RESULT rounds=%s step_secs=%s' "$ROUNDS" "$STEP_SECS"
for rate in "${ALL_RATES[@]}"; do
    [[ $rate == "$PEAK" ]] && n_=peak || n_=$rate
    if [[ ${CMP[$rate]} == 1 ]]; then printf ' cpu_ratio_%s=%.3f' "$n_" "${CPU_RATIO[$rate]}"; else printf ' cpu_ratio_%s=nc' "$n_"; fi
    printf ' noise_%s_pct=%.1f' "$n_" "$(fcalc "100 * ${NZ[$rate]}")"
done
((PEAK > 0)) && printf ' peak_rate_ratio=%.3f peak_generator_limited=%s' "$peak_ratio" "$peak_gen"
printf ' capacity_ratio=%.3f noise_ok=%s bound_pct=%s verdict=%s\n' "$cap_ratio" "$noise_ok" "$BOUND" "$verdict"
exit $rc
