#!/bin/bash
# The README's demo: a dhcpfo primary on loopback, inside a private network
# namespace this script creates and removes.  perfdhcp plays a relay agent
# with a few hundred clients; the demo shows the leases, restarts the server
# (SIGTERM, then kill -9) and shows that every lease is still there.
#
# Usage: sudo scripts/demo.sh      (installs what it needs first)
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (network namespaces)"; exit 1; }
sh scripts/deps.sh all || exit 1
make -s -j"$(nproc)" build/dhcpfo-primary build/dhcpfoctl || exit 1

NS=dfodemo$$
TMP=$(mktemp -d /tmp/dhcpfo-demo.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
inns() { ip netns exec "$NS" "$@"; }
ctl() { inns "$ROOT/build/dhcpfoctl" -s "$TMP/primary.sock" "$@"; }

cat >"$TMP/primary.ini" <<INI
; demo: the server on 127.0.0.1, perfdhcp relaying from 127.0.0.2
[server]
Name            = demo
ServerAddress   = 127.0.0.1
DhcpPort        = 67
StateDir        = $TMP/state
ControlSocket   = $TMP/primary.sock
PidFile         = $TMP/primary.pid

[subnet:loop]
Subnet          = 127.0.0.0/8
Range           = 127.1.0.10-127.1.3.250
Routers         = 127.0.0.2
DomainName      = demo.test
LeaseTime       = 600
INI

start() {
	# Not through the inns function: $! must be the daemon's own pid.
	ip netns exec "$NS" "$ROOT/build/dhcpfo-primary" -f \
	    -c "$TMP/primary.ini" >>"$TMP/primary.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		ctl status >/dev/null 2>&1 && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/primary.log"; echo "demo: server did not start"; exit 1
}

say "network namespace $NS with loopback 127.0.0.1 (server) and 127.0.0.2 (relay)"
ip netns add "$NS"
inns ip link set lo up
inns ip addr add 127.0.0.2/8 dev lo

say "check the configuration (dhcpfo-primary -t)"
"$ROOT/build/dhcpfo-primary" -t -c "$TMP/primary.ini"

say "start dhcpfo-primary"
start
ctl status | head -10

say "300 clients do DISCOVER/OFFER/REQUEST/ACK through the relay (perfdhcp)"
inns timeout 60 perfdhcp -4 -l 127.0.0.2 -r 100 -R 300 -n 300 127.0.0.1 2>&1 |
    grep -E '^(Rate|sent packets|received packets|drops ratio)' | head -6
ctl status | sed -n '/^SUBNET/,/^$/p'
ctl leases | head -8
before=$(ctl leases --json | jq '[.leases[] | select(.state=="bound")] | length')
echo "bound leases: $before"

say "stop with SIGTERM (commits what is in flight), start again"
kill "$PID"; wait "$PID"; PID=""
start
after=$(ctl leases --json | jq '[.leases[] | select(.state=="bound")] | length')
echo "bound leases after restart: $after"

say "kill -9 during traffic, start again: every ACKed lease survives"
ip netns exec "$NS" timeout 60 perfdhcp -4 -l 127.0.0.2 -r 200 -R 600 \
    -b mac=00:0c:02:00:00:00 \
    -n 600 127.0.0.1 >/dev/null 2>&1 &
LOAD=$!
for _ in $(seq 100); do
	n=$(ctl status --json 2>/dev/null | jq .counters.ack)
	[ "${n:-0}" -ge 200 ] && break
	sleep 0.1
done
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=""
echo "killed the server after ${n:-?} ACKs in this run"
wait "$LOAD" 2>/dev/null
start
final=$(ctl leases --json | jq '[.leases[] | select(.state=="bound")] | length')
echo "bound leases after kill -9 and restart: $final (was $after before this run; the server had sent ${n:-?} ACKs to new clients)"
tail -4 "$TMP/primary.log"

say "done; cleaning up"
if [ "$after" -ge "$before" ] && [ "$final" -ge $((after + ${n:-0})) ]; then
	echo "demo: OK"
else
	echo "demo: lease count went down"; exit 1
fi
