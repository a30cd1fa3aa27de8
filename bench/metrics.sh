#!/usr/bin/env bash
# bench/metrics.sh — what a Prometheus scrape of GET /metrics costs
# ([server] MetricsListen, docs/metrics.md).
#
#   sudo bash bench/metrics.sh [SCRAPES]      (root: creates a netns)
#
# In a private network namespace (loopback only): five primaries of 10
# subnets each (127.0.0.1-5), a failover backing all five up (127.0.0.10,
# 50 subnets learnt from them), and a standalone primary of 50 subnets
# (127.0.0.20).  Each daemon is idle first for SCRAPES seconds (its CPU
# without scrapes), then scraped once a second SCRAPES times (default
# 30).  Printed per daemon: the body's size, the time of one scrape as
# curl sees it (median and max), the time the daemon took to write the
# body (dhcpfo_metrics_produce_seconds, median and max), and its CPU over
# both windows: every thread's run time from /proc/PID/task/*/schedstat
# (nanoseconds), as a share of one core and per scrape.
# shellcheck disable=SC2317  # cleanup runs from the trap
set -u
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
N=${1:-30}
NS=dfomet$$
T=$(mktemp -d /tmp/dfo-bench-metrics.XXXXXX) || exit 2
PIDS=()
declare -A PID		# the daemons' pids by name
msg() { printf '%s\n' "$*" >&2; }

cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { msg "needs root (network namespace)"; exit 2; }
for b in dhcpfo-primary dhcpfo-failover dhcpfoctl; do
	[ -x "$BUILD/$b" ] || { msg "$BUILD/$b not built (run make)"; exit 2; }
done
command -v curl >/dev/null || { msg "curl not installed"; exit 2; }
ip netns add "$NS" || exit 2
ip -n "$NS" link set lo up
nsx() { ip netns exec "$NS" "$@"; }

# primary_ini I ADDR NSUB FIRST: primary I, NSUB /24 subnets from
# 127.FIRST.0.0 on, backed up by the failover unless I is 0.
# The load brings new clients faster than one relay's new-client limit
# (docs/security.md) allows: off, as the benchmark measures the server.
no_limits() {
	echo "NewClientRatePerRelay = 0"
	echo "NewClientRatePerCircuit = 0"
	echo "NewClientRatePerRemoteId = 0"
	echo "NewClientRatePerClient = 0"
}

primary_ini() {
	local i=$1 a=$2 n=$3 first=$4 k
	mkdir -p "$T/p$i"
	echo "[server]"
	echo "Name = branch$i"
	echo "ServerAddress = $a"
	echo "StateDir = $T/p$i"
	echo "ControlSocket = $T/p$i/ctl.sock"
	echo "PidFile = $T/p$i/pid"
	echo "MetricsListen = $a:9647"
	no_limits
	if [ "$i" != 0 ]; then
		echo "[failover]"
		echo "UseFailoverServer = true"
		echo "FailoverServer = 127.0.0.10"
		echo "SharedKeyFile = $T/k$i"
		echo "WaitCtlRetSecs = 1"
	fi
	for k in $(seq 0 $((n - 1))); do
		echo "[subnet:s$k]"
		echo "Subnet = 127.$first.$k.0/24"
		echo "Range = 127.$first.$k.10-127.$first.$k.250"
	done
}

mkdir -p "$T/f"
{
	echo "[server]"
	echo "Name = hub1"
	echo "ServerAddress = 127.0.0.10"
	echo "StateDir = $T/f"
	echo "ControlSocket = $T/f/ctl.sock"
	echo "PidFile = $T/f/pid"
	echo "MetricsListen = 127.0.0.10:9647"
	no_limits
	echo "[failover]"
	echo "PollDelay = 1"
	echo "TakeoverPingCheck = false"
} >"$T/failover.ini"
for i in 1 2 3 4 5; do
	(umask 077; openssl rand -hex 32 >"$T/k$i")
	primary_ini "$i" "127.0.0.$i" 10 $((100 + i)) >"$T/p$i.ini"
	printf '[primary:branch%s]\nAddress = 127.0.0.%s\nSharedKeyFile = %s\n' \
	    "$i" "$i" "$T/k$i" >>"$T/failover.ini"
done
primary_ini 0 127.0.0.20 50 200 >"$T/p0.ini"

# start NAME BIN INI: the daemon in the namespace; ip netns exec execs
# it, so $! is the daemon's own pid (cleanup stops it by that pid).
start() {
	ip netns exec "$NS" "$2" -f -c "$3" >"$T/$1.log" 2>&1 &
	PIDS+=("$!")
	PID[$1]=$!
}
for i in 1 2 3 4 5; do
	nsx ip addr add "127.0.0.$i/8" dev lo 2>/dev/null
	start "p$i" "$BUILD/dhcpfo-primary" "$T/p$i.ini"
done
nsx ip addr add 127.0.0.10/8 dev lo 2>/dev/null
start f "$BUILD/dhcpfo-failover" "$T/failover.ini"
start p0 "$BUILD/dhcpfo-primary" "$T/p0.ini"

# Ready: the failover has learnt the five primaries' 50 subnets.
subnets() {
	nsx curl -sf --max-time 2 http://127.0.0.10:9647/metrics |
	    grep -c '^dhcpfo_subnet_addresses{'
}
for _ in $(seq 1 100); do
	[ "$(subnets)" = 50 ] && break
	sleep 0.2
done
[ "$(subnets)" = 50 ] || { msg "the failover did not learn 50 subnets"; exit 1; }

# Nanoseconds every thread of PID has run.
runtime() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxof() { sort -g | tail -n 1; }

measure() {	# NAME ADDR PID
	local name=$1 addr=$2 pid=$3 t0 t1 t2 i
	: >"$T/$name.curl"; : >"$T/$name.produce"
	t0=$(runtime "$pid")
	sleep "$N"
	t1=$(runtime "$pid")
	for i in $(seq 1 "$N"); do
		nsx curl -sf -o "$T/$name.body" -w '%{time_total}\n' \
		    "http://$addr:9647/metrics" >>"$T/$name.curl"
		awk '$1 == "dhcpfo_metrics_produce_seconds" { print $2 }' \
		    "$T/$name.body" >>"$T/$name.produce"
		sleep 1
	done
	t2=$(runtime "$pid")
	# The first body reports no earlier scrape.
	sed -i 1d "$T/$name.produce"
	printf '%-36s %6s B  scrape %5.2f ms (max %5.2f)  body %5.3f ms (max %5.3f)  CPU idle %6.3f %%  scraped %6.3f %% (%.3f ms a scrape)\n' \
	    "$name" "$(wc -c <"$T/$name.body")" \
	    "$(median <"$T/$name.curl" | awk '{ print $1 * 1000 }')" \
	    "$(maxof <"$T/$name.curl" | awk '{ print $1 * 1000 }')" \
	    "$(median <"$T/$name.produce" | awk '{ print $1 * 1000 }')" \
	    "$(maxof <"$T/$name.produce" | awk '{ print $1 * 1000 }')" \
	    "$(echo "($t1 - $t0) / $N / 10^7" | bc -l)" \
	    "$(echo "($t2 - $t1) / $N / 10^7" | bc -l)" \
	    "$(echo "($t2 - $t1 - ($t1 - $t0)) / $N / 10^6" | bc -l)"
}
msg "measuring: $N s idle, then $N scrapes at 1/s, per daemon"
measure "failover (5 primaries, 50 subnets)" 127.0.0.10 "${PID[f]}" &
m1=$!
measure "primary (50 subnets)" 127.0.0.20 "${PID[p0]}" &
m2=$!
measure "primary (10 subnets, linked)" 127.0.0.1 "${PID[p1]}" &
m3=$!
wait "$m1" "$m2" "$m3"
