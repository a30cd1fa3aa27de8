#!/bin/bash
# The README's demo: a primary and a failover on loopback, inside a private
# network namespace this script creates and removes.  A relay (the project's
# load tool, tests/tools/dhcpload) forwards every client message to both
# servers, as a router with two "ip helper" addresses would.
#
#   1. the failover syncs from the primary and sleeps (MONITORING);
#   2. 300 clients get leases from the primary; the failover keeps a copy;
#   3. the primary is killed (kill -9): the failover takes over within
#      PollDelay + (PollRetryMax+1) x WaitPollRplSecs, renewing clients
#      keep their addresses, new clients get new ones;
#   4. the primary restarts and asks for control: the failover hands the
#      bindings back subnet by subnet, returns control and sleeps again;
#   5. checks: no address bound to two clients, every ACKed lease is on
#      the primary.
#
# Usage: scripts/demo.sh, as root (installs what it needs first)
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
B=$ROOT/build
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (network namespaces)"; exit 1; }
sh scripts/deps.sh all || exit 1
make -s -j"$(nproc)" all || exit 1

NS=dfodemo$$
TMP=$(mktemp -d /tmp/dhcpfo-demo.XXXXXX)
P_PID=""; F_PID=""
cleanup() {
	for p in $P_PID $F_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
inns() { ip netns exec "$NS" "$@"; }
pctl() { "$B/dhcpfoctl" -s "$TMP/p.sock" "$@"; }
fctl() { "$B/dhcpfoctl" -s "$TMP/f.sock" "$@"; }
fstate() { fctl status --json 2>/dev/null | jq -r '.primaries[0].state'; }
pstate() { pctl status --json 2>/dev/null | jq -r '.state'; }
now() { date +%s.%N; }
# wait_until SECS CMD...: poll CMD every 50 ms until it succeeds.
wait_until() {
	local end=$(( $(date +%s) + $1 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
is_f() { [ "$(fstate)" = "$1" ]; }
learnt() { [ "$(fctl status --json | jq -r '.primaries[0].config.state')" = current ]; }
is_p() { [ "$(pstate)" = "$1" ]; }
load() { inns "$B/tools/dhcpload" -s 127.0.0.1 -S 127.0.0.2 -b 127.16.0.1 -q "$@" 2>&1 | tail -1; }
bound() { "$B/dhcpfoctl" -s "$1" leases --json | jq '[.leases[] | select(.state=="bound")] | length'; }

(umask 077; openssl rand -hex 32 >"$TMP/branch1.key")
SUBNET='[subnet:lan1]
Subnet = 127.16.0.0/16
Range = 127.16.0.10-127.16.3.250
Routers = 127.16.0.1
LeaseTime = 600'
cat >"$TMP/primary.ini" <<INI
[server]
Name = branch1
ServerAddress = 127.0.0.1
StateDir = $TMP/p
ControlSocket = $TMP/p.sock
PidFile = $TMP/p.pid
[failover]
UseFailoverServer = true
FailoverServer = 127.0.0.2
SharedKeyFile = $TMP/branch1.key
WaitCtlRetSecs = 1
$SUBNET
INI
cat >"$TMP/failover.ini" <<INI
[server]
Name = hub1
ServerAddress = 127.0.0.2
StateDir = $TMP/f
ControlSocket = $TMP/f.sock
PidFile = $TMP/f.pid
[failover]
; detection within 0.5 + (1+1) x 0.25 = 1.0 s
PollDelay = 0.5
PollRetryMax = 1
WaitPollRplSecs = 0.25
; every 127/8 address answers a ping inside the namespace
TakeoverPingCheck = false
; branch1's subnets are learnt from it (docs/learn.md): four lines
[primary:branch1]
Address = 127.0.0.1
SharedKeyFile = $TMP/branch1.key
INI

start_primary() {
	ip netns exec "$NS" "$B/dhcpfo-primary" -f -c "$TMP/primary.ini" \
	    >>"$TMP/primary.log" 2>&1 &
	P_PID=$!
	wait_until 10 pctl status || { tail "$TMP/primary.log"; exit 1; }
}

say "namespace $NS: primary 127.0.0.1, failover 127.0.0.2, relay 127.16.0.1"
ip netns add "$NS"
inns ip link set lo up
inns ip addr add 127.0.0.2/8 dev lo
inns ip addr add 127.16.0.1/8 dev lo
"$B/dhcpfo-primary" -t -c "$TMP/primary.ini"
"$B/dhcpfo-failover" -t -c "$TMP/failover.ini"

say "start the primary, then the failover (start-up sync, then sleep)"
start_primary
ip netns exec "$NS" "$B/dhcpfo-failover" -f -c "$TMP/failover.ini" \
    >>"$TMP/failover.log" 2>&1 &
F_PID=$!
wait_until 15 learnt || { tail "$TMP/failover.log"; exit 1; }
wait_until 15 is_f monitoring || { tail "$TMP/failover.log"; exit 1; }
wait_until 15 is_p serving || { tail "$TMP/primary.log"; exit 1; }
fctl status

say "what the failover learnt of branch1 (failover.ini names no subnet)"
fctl config branch1

say "300 clients through the relay (to both servers)"
load -n 300 -r 300 -o "$TMP/acks1" -m 0x10
wait_until 10 test "$(bound "$TMP/f.sock")" -ge 300
echo "bound on the primary: $(bound "$TMP/p.sock"); copies on the failover: $(bound "$TMP/f.sock")"

say "kill -9 the primary"
t0=$(now)
kill -9 "$P_PID"; wait "$P_PID" 2>/dev/null; P_PID=""
wait_until 10 is_f takeover || { echo "no takeover"; exit 1; }
printf 'failover in takeover %.2f s after the kill (bound: 1.0 s)\n' \
    "$(echo "$(now) - $t0" | bc)"
fctl history branch1 | tail -4

say "the 300 clients renew with the failover; 100 new clients arrive"
load -e "$TMP/acks1" -o "$TMP/renew"
load -n 100 -r 200 -o "$TMP/acks2" -m 0x20
same=$(comm -12 <(sort -u "$TMP/acks1") <(sort -u "$TMP/renew") | wc -l)
echo "clients that kept their address: $same of $(sort -u "$TMP/acks1" | wc -l)"
echo "new clients served by the failover: $(sort -u "$TMP/acks2" | wc -l)," \
    "from its share of the range (docs/safety.md):"
fctl status branch1 | sed -n '/^SUBNET/,$p'

say "restart the primary: it asks for control, the failover hands back"
t0=$(now)
start_primary
wait_until 20 is_f monitoring || { tail "$TMP/failover.log"; exit 1; }
wait_until 20 is_p serving || { tail "$TMP/primary.log"; exit 1; }
printf 'control returned %.2f s after the restart\n' "$(echo "$(now) - $t0" | bc)"
fctl history branch1 | tail -3
pctl history | grep -- "->"

say "one of the new clients, as an operator finds it (granted by the failover)"
pctl lease "$(sort "$TMP/acks2" | head -n 1 | cut -d' ' -f2)"

say "checks"
"$B/dhcpfoctl" -s "$TMP/p.sock" leases --json | jq -r '.leases[] |
    select(.state=="bound") | "\(.address) \(.hwaddr)"' | sort -u >"$TMP/bound"
dups=$(awk '{print $1}' "$TMP/bound" | uniq -d | wc -l)
missing=$(cat "$TMP/acks1" "$TMP/renew" "$TMP/acks2" | sort -u |
    comm -23 - "$TMP/bound" | wc -l)
echo "addresses bound to two clients: $dups; ACKed leases missing on the primary: $missing"
if [ "$dups" -eq 0 ] && [ "$missing" -eq 0 ] && [ "$same" -ge 290 ]; then
	echo "demo: OK"
else
	echo "demo: FAILED"; exit 1
fi
