#!/bin/sh
# End-to-end: the link-layer send path (RFC 2131 4.1: an OFFER/ACK unicast
# to yiaddr at chaddr, for a client that has no IP address yet).
#
# Two network namespaces made here, joined by a veth pair: the "server"
# side va has 192.0.2.1/24 (TEST-NET-1), the "client" side vb has no IPv4
# address at all.  netio_l2 sends one UDP 67->68 datagram to vb's MAC; in
# the client namespace a packet socket (netio_l2 recv) and, when
# installed, tcpdump must both see it addressed to that MAC with correct
# IP and UDP checksums.  Nothing leaves the two namespaces, every wait is
# bounded, and the trap deletes the namespaces and kills what we started
# by pid.
#
# Usage: tests/e2e/netio_raw.sh   (root; the helper is
# $BUILD/tools/netio_l2, BUILD defaulting to build, or NETIO_L2_TOOL).
# Exit 0 and PASS on success, 1 and FAIL otherwise, 77 when not root
# (the convention of tests/e2e/lib.sh).

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case ${BUILD:-build} in
/*) BUILDDIR=$BUILD ;;
*)  BUILDDIR=$ROOT/${BUILD:-build} ;;
esac
TOOL=${NETIO_L2_TOOL:-$BUILDDIR/tools/netio_l2}
# Same naming as tests/e2e/lib.sh ("dfo<pid>-NAME") so parallel runs
# cannot clash and leftovers are recognisable.
NSA="dfo$$-l2srv"
NSB="dfo$$-l2cli"
CLIENT_MAC=02:00:00:00:00:07
PAYLOAD="dhcpfo-netio-raw-$$"
TMP=$(mktemp -d /tmp/netio_raw.XXXXXX) || exit 2
PIDS=""

# shellcheck disable=SC2317  # called by the trap
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A reaped pid is dropped so cleanup never signals a recycled one.
forget() {
	np=""
	for p in $PIDS; do
		[ "$p" = "$1" ] || np="$np $p"
	done
	PIDS=$np
}

fail() {
	echo "FAIL: netio_raw: $*"
	exit 1
}

# Polls (at most $2 tenths of a second) until file $1 holds pattern $3,
# or just exists when no pattern is given.
wait_for() {
	i=0
	while [ "$i" -lt "$2" ]; do
		if [ -z "${3:-}" ]; then
			[ -e "$1" ] && return 0
		elif grep -q "$3" "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: netio_raw: needs root for network namespaces"
	exit 77
fi
[ -x "$TOOL" ] || fail "helper $TOOL not built"

ip netns add "$NSA" || fail "ip netns add $NSA"
ip netns add "$NSB" || fail "ip netns add $NSB"
ip -n "$NSA" link add va type veth peer name vb netns "$NSB" ||
    fail "veth pair"
for ns in "$NSA" "$NSB"; do
	# Quiet the link: no IPv6 autoconfiguration chatter.
	ip netns exec "$ns" sh -c \
	    'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6' 2>/dev/null
	ip -n "$ns" link set lo up
done
ip -n "$NSA" addr add 192.0.2.1/24 dev va || fail "address on va"
ip -n "$NSB" link set vb address "$CLIENT_MAC" || fail "MAC on vb"
ip -n "$NSA" link set va up || fail "va up"
ip -n "$NSB" link set vb up || fail "vb up"
SERVER_MAC=$(ip -n "$NSA" -br link show va | awk '{print $3}')
[ -n "$SERVER_MAC" ] || fail "cannot read va's MAC"
if ip -n "$NSB" -4 addr show dev vb | grep -q inet; then
	fail "vb must have no IPv4 address"
fi

# The client side listens first: a packet socket, and tcpdump if present.
ip netns exec "$NSB" timeout 15 "$TOOL" recv vb 68 10000 "$PAYLOAD" \
    "$TMP/ready" >"$TMP/recv.out" 2>"$TMP/recv.err" &
RECV_PID=$!
PIDS="$PIDS $RECV_PID"
wait_for "$TMP/ready" 50 || fail "receiver did not start: $(cat "$TMP/recv.err")"

TCPDUMP_PID=""
if command -v tcpdump >/dev/null 2>&1; then
	ip netns exec "$NSB" timeout 15 tcpdump -i vb -c 1 -nn -e -vv -l \
	    'udp and dst port 68' >"$TMP/tcpdump.out" 2>"$TMP/tcpdump.err" &
	TCPDUMP_PID=$!
	PIDS="$PIDS $TCPDUMP_PID"
	wait_for "$TMP/tcpdump.err" 50 "listening on" ||
	    fail "tcpdump did not start: $(cat "$TMP/tcpdump.err")"
fi

# Give the datagram to an address nobody holds yet (yiaddr 192.0.2.50).
ip netns exec "$NSA" "$TOOL" send va "$CLIENT_MAC" 192.0.2.1 192.0.2.50 \
    67 68 "$PAYLOAD" || fail "send failed"

wait "$RECV_PID"
rc=$?
forget "$RECV_PID"
[ "$rc" -eq 0 ] || fail "receiver exit $rc: $(cat "$TMP/recv.err")"
got=$(cat "$TMP/recv.out")
echo "received: $got"
case "$got" in
"pkttype=host from=$SERVER_MAC 192.0.2.1:67 -> 192.0.2.50:68 len=${#PAYLOAD} ttl=64")
	;;
*)
	fail "unexpected datagram (server MAC $SERVER_MAC)"
	;;
esac

if [ -n "$TCPDUMP_PID" ]; then
	wait "$TCPDUMP_PID"
	rc=$?
	forget "$TCPDUMP_PID"
	[ "$rc" -eq 0 ] || fail "tcpdump exit $rc: $(cat "$TMP/tcpdump.err")"
	cat "$TMP/tcpdump.out"
	grep -q "$SERVER_MAC > $CLIENT_MAC" "$TMP/tcpdump.out" ||
	    fail "tcpdump: frame not addressed to $CLIENT_MAC"
	grep -q "udp sum ok" "$TMP/tcpdump.out" ||
	    fail "tcpdump: UDP checksum not ok"
	if grep -q "bad cksum" "$TMP/tcpdump.out"; then
		fail "tcpdump: bad IP checksum"
	fi
fi

echo "PASS: netio_raw"
exit 0
