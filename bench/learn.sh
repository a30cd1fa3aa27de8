#!/usr/bin/env bash
# bench/learn.sh — what learning a primary's configuration costs
# (docs/learn.md): for a primary with N host reservations, the size of
# the text it offers, how long after its reload the failover has the new
# generation in use, the CPU both daemons spend on it, and the failover's
# resident memory before and after.
#
#   flock /tmp/dhcpfo-e2e.lock bash bench/learn.sh [N ...]
#                                          (root: creates a netns)
#
# Default N: 1000 10000 50000.  Per N: one primary (127.0.0.1) and one
# failover (127.0.0.2) on a namespace's loopback, PollDelay 1 s; the
# primary starts with N reservations, the failover learns them (first
# fetch, timed from the failover's start); then the primary's reload
# with one more reservation (second fetch, timed from the reload: at
# most one PollDelay of waiting plus the fetch).  CPU is each process's
# user + system time (from /proc) over the reload and fetch.  Kea has no
# counterpart: Kea HA peers are configured one by one (or from a shared
# configuration back end), so there is no Kea column.
set -u
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$TOP/build
NS=dfob-learn$$
TMP=$(mktemp -d /tmp/dhcpfo-bench-learn.XXXXXX)
P_PID="" F_PID=""
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 50000)

cleanup() {
	[ -n "$P_PID" ] && kill "$P_PID" 2>/dev/null
	[ -n "$F_PID" ] && kill "$F_PID" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench/learn.sh: needs root (netns)" >&2; exit 2; }
for x in dhcpfo-primary dhcpfo-failover dhcpfoctl; do
	[ -x "$B/$x" ] || { echo "bench/learn.sh: $B/$x not built (make)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "bench/learn.sh: needs jq" >&2; exit 2; }

inns() { ip netns exec "$NS" "$@"; }
pctl() { "$B/dhcpfoctl" -s "$TMP/p.sock" "$@"; }
fctl() { "$B/dhcpfoctl" -s "$TMP/f.sock" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# cpu_ms PID: user + system CPU time of PID so far, ms.
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' \
	    "/proc/$1/stat"
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
gen() { fctl status --json 2>/dev/null | jq -r '.primaries[0].config | "\(.generation) \(.state)"'; }
# wait_gen G SECS: generation G in use and current.
wait_gen() {
	local end=$(( $(date +%s) + $2 ))
	until [ "$(gen)" = "$1 current" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.01
	done
}

hosts() {
	local n=$1 k
	for ((k = 0; k < n; k++)); do
		printf '[host:h%d]\nHardwareAddress = 02:%02x:%02x:%02x:00:01\nAddress = 10.%d.%d.%d\n' \
		    "$k" $((k >> 16 & 255)) $((k >> 8 & 255)) $((k & 255)) \
		    $((k / 62500 + 1)) $((k / 250 % 250)) $((k % 250 + 2))
	done
}

write_configs() {
	cat >"$TMP/primary.ini" <<EOF
[server]
Name = branch1
ServerAddress = 127.0.0.1
StateDir = $TMP/p
ControlSocket = $TMP/p.sock
PidFile = $TMP/p.pid
[failover]
UseFailoverServer = true
FailoverServer = 127.0.0.2
SharedKeyFile = $TMP/k
[subnet:big]
Subnet = 10.0.0.0/8
Range = 10.200.0.10-10.200.3.250
Routers = 10.0.0.1
Option.domain-name-servers = 192.0.2.53
EOF
	hosts "$1" >>"$TMP/primary.ini"
	cat >"$TMP/failover.ini" <<EOF
[server]
Name = hub1
ServerAddress = 127.0.0.2
StateDir = $TMP/f
ControlSocket = $TMP/f.sock
PidFile = $TMP/f.pid
[failover]
PollDelay = 1
TakeoverPingCheck = false
[primary:branch1]
Address = 127.0.0.1
SharedKeyFile = $TMP/k
EOF
}

one() {
	local n=$1 t0 t1 pc0 fc0 pc1 fc1 size rss0 rss1 first second
	rm -rf "$TMP/p" "$TMP/f" "$TMP"/*.sock
	write_configs "$n"
	inns "$B/dhcpfo-primary" -f -c "$TMP/primary.ini" >"$TMP/p.log" 2>&1 &
	until pctl status >/dev/null 2>&1; do sleep 0.05; done
	P_PID=$(cat "$TMP/p.pid")	# the daemon's own pid, from its PidFile
	t0=$(now_ms)
	inns "$B/dhcpfo-failover" -f -c "$TMP/failover.ini" >"$TMP/f.log" 2>&1 &
	until fctl status >/dev/null 2>&1; do sleep 0.01; done
	F_PID=$(cat "$TMP/f.pid")
	rss0=$(rss_kb "$F_PID")
	wait_gen 1 120 || { tail "$TMP/f.log"; echo "no generation 1"; return 1; }
	first=$(( $(now_ms) - t0 ))
	size=$(fctl status --json | jq -r '.primaries[0].config.size')
	# The second: one reservation more, reloaded.
	printf '[host:extra]\nHardwareAddress = 02:ff:ff:ff:00:01\nAddress = 10.250.0.2\n' \
	    >>"$TMP/primary.ini"
	sleep 1.5	# let the first one settle (a thread restart, a sync)
	pc0=$(cpu_ms "$P_PID"); fc0=$(cpu_ms "$F_PID")
	t1=$(now_ms)
	pctl reload >/dev/null || { echo "reload failed"; return 1; }
	wait_gen 2 120 || { tail "$TMP/f.log"; echo "no generation 2"; return 1; }
	second=$(( $(now_ms) - t1 ))
	pc1=$(cpu_ms "$P_PID"); fc1=$(cpu_ms "$F_PID")
	rss1=$(rss_kb "$F_PID")
	printf '%8d %10d %7d %9d %9d %9d %9d %9d\n' "$n" "$size" \
	    $(( (size + 1023) / 1024 )) "$first" "$second" $((pc1 - pc0)) \
	    $((fc1 - fc0)) $((rss1 - rss0))
	kill "$F_PID" "$P_PID"
	while kill -0 "$F_PID" 2>/dev/null || kill -0 "$P_PID" 2>/dev/null; do
		sleep 0.05
	done
	wait 2>/dev/null
	P_PID="" F_PID=""
}

ip netns add "$NS"
inns ip link set lo up
inns ip addr add 127.0.0.2/8 dev lo
(umask 077; openssl rand -hex 32 >"$TMP/k")
echo "bench/learn.sh: PollDelay 1 s; times in ms from the failover's start (first) and"
echo "from the primary's reload (reload: includes waiting for the next poll, <= 1000 ms);"
echo "CPU ms of each daemon over the reload and its fetch; failover RSS growth"
printf '%8s %10s %7s %9s %9s %9s %9s %9s\n' hosts bytes parts first_ms \
    reload_ms p_cpu_ms f_cpu_ms f_rss_kb
for n in "${SIZES[@]}"; do
	one "$n" || exit 1
done
